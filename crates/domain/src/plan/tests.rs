//! Tests of the plan format: the shipped plan, and one test per error code.

use super::*;

const SHIPPED: &str = include_str!("../../../../plans/lai-chau-2016-2020.toml");

/// A small plan for another province and period, valid as it stands. Tests break it one way at a
/// time. The model comes before its project and the district before its province on purpose:
/// references may point forward.
const MINI: &str = r#"[header]
code = "thu-2021-2025"
name_vi = "Kế hoạch thử nghiệm"
name_en = "Test plan"
issuer_vi = "Ủy ban nhân dân tỉnh Thử"
issuer_en = "Test Provincial People's Committee"
issuer_unit = "P1"
document_date = 2021-03-15
period_start = 2021
period_end = 2025
subject_vi = "Trẻ em từ 7 tuổi trở lên"
subject_en = "Children aged 7 and over"
subject_min_age = 7
subject_max_age = 15
scope_vi = "Toàn tỉnh"
scope_en = "The whole province"
coordinator = "SYT"

[settings]
answer_due_days = 30

[[units]]
code = "D1"
name_vi = "Huyện Một"
name_en = "District One"
level = "district"
parent = "P1"

[[units]]
code = "P1"
name_vi = "Tỉnh Thử"
name_en = "Test province"
level = "province"

[[agencies]]
code = "SYT"
name_vi = "Sở Y tế"
name_en = "Department of Health"
unit = "P1"
kind = "department"

[[agencies]]
code = "UBND-D1"
name_vi = "Ủy ban nhân dân huyện Một"
name_en = "People's Committee of District One"
unit = "D1"
kind = "people_committee"

[[purposes]]
text_vi = "Trẻ em được lắng nghe."
text_en = "Children are heard."

[[objectives]]
kind = "specific"
text_vi = "30% trẻ em từ 7 tuổi trở lên được tham vấn."
text_en = "30% of children aged 7 and over are consulted."
indicator = "C1"

[[indicators]]
code = "C1"
name_vi = "Tỷ lệ trẻ em được tham vấn"
name_en = "Children consulted"
unit = "%"
measure = "children_answers"
target = 35
targets = [
    { year = 2025, value = 30 },
    { unit = "D1", value = 25 },
]
definition_vi = "Tỷ lệ trẻ em từ 7 tuổi trở lên đã trả lời ít nhất một cuộc tham vấn trong năm."
definition_en = "Share of children aged 7 and over who answered at least one consultation in the year."
numerator_vi = "Số trẻ em đã trả lời"
numerator_en = "Children who answered"
denominator_vi = "Số trẻ em từ 7 tuổi trở lên"
denominator_en = "Children aged 7 and over"

[[indicators]]
code = "C2"
name_vi = "Số diễn đàn"
name_en = "Forums held"
unit = "count"
measure = "forums_held"
params = { levels = ["province", "district"] }
target = 5
definition_vi = "Số diễn đàn trẻ em được tổ chức trong năm."
definition_en = "Children's forums held in the year."

[[projects]]
code = "MA"
kind = "model"
parent = "PA"
name_vi = "Diễn đàn trẻ em"
name_en = "Children's Forum"
goal_vi = "Trẻ em nói lên ý kiến."
goal_en = "Children voice their views."
lead = "SYT"
coordinating = ["UBND-D1"]
indicators = ["C2"]

[[projects]]
code = "PA"
kind = "project"
name_vi = "Các mô hình"
name_en = "Models"
goal_vi = "Thực hiện các mô hình."
goal_en = "Run the models."

[[funding_sources]]
code = "central"
name_vi = "Ngân sách nhà nước"
name_en = "State budget"

[[reporting]]
reporter = "level:district"
recipient = "SYT"
frequency = "yearly"
text_vi = "Báo cáo hằng năm."
text_en = "Report every year."
"#;

/// The 1-based line of the only line of `source` that contains `needle`.
fn line_with(source: &str, needle: &str) -> usize {
    let hits: Vec<usize> = source
        .lines()
        .enumerate()
        .filter(|(_, line)| line.contains(needle))
        .map(|(index, _)| index + 1)
        .collect();
    assert_eq!(
        hits.len(),
        1,
        "{needle:?} should be on exactly one line, found {hits:?}"
    );
    hits[0]
}

/// The 1-based line of the `nth` (0-based) line equal to `exact`.
fn nth_line(source: &str, exact: &str, nth: usize) -> usize {
    source
        .lines()
        .enumerate()
        .filter(|(_, line)| *line == exact)
        .nth(nth)
        .map(|(index, _)| index + 1)
        .expect("line present")
}

/// `MINI` with one replacement, which must apply exactly once.
fn mini_with(from: &str, to: &str) -> String {
    assert_eq!(
        MINI.matches(from).count(),
        1,
        "{from:?} should occur once in MINI"
    );
    MINI.replacen(from, to, 1)
}

fn errors(source: &str) -> Vec<PlanError> {
    match check(source) {
        Ok(_) => panic!("the plan should not check clean"),
        Err(errors) => errors,
    }
}

/// Asserts that checking `source` gives exactly one error, and returns it.
fn only_error(source: &str) -> PlanError {
    let errors = errors(source);
    assert_eq!(
        errors.len(),
        1,
        "expected one error, got:\n{}",
        render(&errors)
    );
    errors.into_iter().next().expect("one error")
}

fn render(errors: &[PlanError]) -> String {
    errors.iter().map(|e| format!("{e}\n")).collect()
}

#[track_caller]
fn assert_error(error: &PlanError, code: &str, line: usize, field: &str) {
    assert_eq!(
        (error.code, error.line, error.field.as_str()),
        (code, line, field),
        "{error}"
    );
}

// ---- the shipped plan -------------------------------------------------------------------------

fn shipped() -> Plan {
    match check(SHIPPED) {
        Ok(plan) => plan,
        Err(errors) => panic!("the shipped plan has errors:\n{}", render(&errors)),
    }
}

#[test]
fn shipped_plan_checks_clean() {
    let plan = shipped();
    assert_eq!(plan.header.code, "lai-chau-2016-2020");
    assert_eq!(plan.header.issuer_vi, "Ủy ban nhân dân tỉnh Lai Châu");
    assert_eq!(plan.header.issuer_unit, "12");
    assert_eq!(
        plan.header.document_date,
        chrono::NaiveDate::from_ymd_opt(2015, 11, 30).expect("date")
    );
    assert_eq!(
        (plan.header.period_start, plan.header.period_end),
        (2016, 2020)
    );
    assert_eq!(
        (plan.header.subject_min_age, plan.header.subject_max_age),
        (6, 15)
    );
    assert_eq!(plan.header.subject_vi, "Trẻ em từ 6 tuổi trở lên");
    assert_eq!(
        plan.header.scope_vi,
        "Các huyện, thành phố trên địa bàn tỉnh"
    );
    assert_eq!(plan.header.coordinator, "SLDTBXH");
    assert!(
        plan.header
            .based_on_vi
            .as_deref()
            .is_some_and(|b| b.starts_with("Quyết định 1235/QĐ-TTg ngày 03/8/2015"))
    );
    assert_eq!(plan.setting("answer_due_days"), Some(60));
    assert_eq!(plan.setting("forum_report_due_days"), Some(15));
    assert_eq!(plan.setting("no_such_setting"), None);
    assert!(
        plan.header
            .name_vi
            .contains("tỉnh Lai Châu giai đoạn 2016-2020")
    );
}

#[test]
fn shipped_plan_has_the_province_and_its_eight_districts() {
    let plan = shipped();
    assert_eq!(plan.units.len(), 9);
    let province = plan.unit("12").expect("province");
    assert_eq!(
        (province.level.as_str(), province.parent.as_deref()),
        ("province", None)
    );
    let districts: Vec<&str> = plan
        .units
        .iter()
        .filter(|u| u.level == "district")
        .map(|u| u.code.as_str())
        .collect();
    assert_eq!(
        districts,
        ["105", "106", "107", "108", "109", "110", "111", "112"]
    );
    let expected_names = [
        ("105", "Thành phố Lai Châu"),
        ("106", "Huyện Tam Đường"),
        ("107", "Huyện Mường Tè"),
        ("108", "Huyện Sìn Hồ"),
        ("109", "Huyện Phong Thổ"),
        ("110", "Huyện Than Uyên"),
        ("111", "Huyện Tân Uyên"),
        ("112", "Huyện Nậm Nhùn"),
    ];
    let abolished = chrono::NaiveDate::from_ymd_opt(2025, 6, 30);
    for (code, name) in expected_names {
        let unit = plan.unit(code).expect("district");
        assert_eq!(unit.name_vi, name);
        assert_eq!(unit.parent.as_deref(), Some("12"));
        assert_eq!(unit.valid_to, abolished);
    }
}

#[test]
fn shipped_plan_names_every_agency() {
    let plan = shipped();
    for code in [
        "SLDTBXH", "SGDDT", "SVHTTDL", "STP", "SKHDT", "STC", "STTTT", "DPTTH", "BLC", "MTTQ",
        "TDTN", "HLHPN", "UBND-12",
    ] {
        assert_eq!(
            plan.agency(code).map(|a| a.unit.as_str()),
            Some("12"),
            "{code}"
        );
    }
    assert_eq!(
        plan.agency("SLDTBXH").map(|a| a.name_vi.as_str()),
        Some("Sở Lao động - Thương binh và Xã hội")
    );
    for district in ["105", "106", "107", "108", "109", "110", "111", "112"] {
        for (prefix, kind) in [
            ("UBND", "people_committee"),
            ("PLDTBXH", "district_office"),
            ("PGDDT", "district_office"),
        ] {
            let agency = plan
                .agency(&format!("{prefix}-{district}"))
                .expect("district agency");
            assert_eq!(
                (agency.unit.as_str(), agency.kind.as_str()),
                (district, kind)
            );
        }
    }
    assert_eq!(plan.agencies.len(), 13 + 3 * 8);
    let name = |code: &str| plan.agency(code).map(|a| a.name_vi.clone());
    assert_eq!(
        name("PGDDT-108").as_deref(),
        Some("Phòng Giáo dục và Đào tạo huyện Sìn Hồ")
    );
    assert_eq!(
        name("UBND-105").as_deref(),
        Some("Ủy ban nhân dân thành phố Lai Châu")
    );
    assert_eq!(
        name("PLDTBXH-112").as_deref(),
        Some("Phòng Lao động - Thương binh và Xã hội huyện Nậm Nhùn")
    );
}

#[test]
fn shipped_plan_has_its_indicators_and_targets() {
    let plan = shipped();
    let expected = [
        ("T1", IndicatorUnit::Percent, 100.0),
        ("T2", IndicatorUnit::Percent, 90.0),
        ("T3", IndicatorUnit::Percent, 90.0),
        ("T4", IndicatorUnit::Percent, 100.0),
        ("M1", IndicatorUnit::Count, 9.0),
        ("M2", IndicatorUnit::Count, 8.0),
        ("M3", IndicatorUnit::Count, 8.0),
        // A1–A3: targets come from annual plans and budget lines, not the file.
        ("A1", IndicatorUnit::Count, 0.0),
        ("A2", IndicatorUnit::Count, 0.0),
        ("A3", IndicatorUnit::Dong, 0.0),
        // C1 counts answers; no target.
        ("C1", IndicatorUnit::Count, 0.0),
    ];
    assert_eq!(plan.indicators.len(), expected.len());
    for (code, unit, target) in expected {
        let indicator = plan.indicator(code).expect("indicator");
        assert_eq!((indicator.unit, indicator.target), (unit, target), "{code}");
        assert!(
            !indicator.definition_vi.is_empty() && indicator.numerator_vi.is_some(),
            "{code}"
        );
        if unit == IndicatorUnit::Percent {
            assert!(indicator.denominator_vi.is_some(), "{code}");
        }
    }
    // A district holds one forum a year; the province nine in all.
    assert_eq!(plan.target_for("M1", 2018, "12"), Some(9.0));
    assert_eq!(plan.target_for("M1", 2018, "107"), Some(1.0));
    assert_eq!(plan.target_for("T2", 2018, "107"), Some(90.0));
    let specific: Vec<Option<&str>> = plan
        .objectives
        .iter()
        .filter(|o| o.kind == "specific")
        .map(|o| o.indicator.as_deref())
        .collect();
    assert_eq!(specific, [Some("T1"), Some("T2"), Some("T3"), Some("T4")]);
    assert_eq!(plan.purposes.len(), 2);
}

#[test]
fn shipped_plan_has_its_projects_and_models() {
    let plan = shipped();
    let districts: Vec<String> = (105..=112).map(|d| format!("UBND-{d}")).collect();
    let with_districts = |codes: &[&str]| -> Vec<String> {
        codes
            .iter()
            .map(|c| (*c).to_owned())
            .chain(districts.iter().cloned())
            .collect()
    };
    let project = |code: &str| plan.project(code).expect("project").clone();

    let da1 = project("DA1");
    assert_eq!(
        (da1.kind.as_str(), da1.lead.as_deref()),
        ("project", Some("SLDTBXH"))
    );
    assert_eq!(
        da1.coordinating,
        with_districts(&["SGDDT", "SVHTTDL", "DPTTH", "BLC", "MTTQ", "TDTN", "HLHPN"])
    );
    let da2 = project("DA2");
    assert_eq!(da2.lead.as_deref(), Some("SLDTBXH"));
    assert_eq!(
        da2.coordinating,
        with_districts(&["SGDDT", "SVHTTDL", "STP", "SKHDT", "TDTN"])
    );
    let da3 = project("DA3");
    assert_eq!((da3.kind.as_str(), da3.lead.as_deref()), ("project", None));

    let models = [
        (
            "MH1",
            "Diễn đàn trẻ em",
            "SLDTBXH",
            "M1",
            vec!["SGDDT", "SVHTTDL", "TDTN"],
        ),
        (
            "MH2",
            "Hội đồng trẻ em",
            "TDTN",
            "M2",
            vec!["SLDTBXH", "SGDDT", "SVHTTDL", "STP"],
        ),
        (
            "MH3",
            "Câu lạc bộ quyền tham gia của trẻ em",
            "SLDTBXH",
            "M3",
            vec!["SGDDT", "SVHTTDL", "TDTN"],
        ),
    ];
    for (code, name, lead, indicator, coordinating) in models {
        let model = project(code);
        assert_eq!(model.kind, "model");
        assert_eq!(model.parent.as_deref(), Some("DA3"));
        assert_eq!(model.name_vi, name);
        assert_eq!(model.lead.as_deref(), Some(lead));
        assert_eq!(model.indicators, [indicator, "T4"]);
        assert_eq!(model.coordinating, with_districts(&coordinating));
        assert!(model.target_vi.is_some());
    }
    assert!(
        project("MH3")
            .target_vi
            .is_some_and(|t| t.contains("từ 1 đến 3 câu lạc bộ"))
    );
}

#[test]
fn shipped_plan_has_funding_and_reporting() {
    let plan = shipped();
    let funding: Vec<&str> = plan
        .funding_sources
        .iter()
        .map(|f| f.code.as_str())
        .collect();
    assert_eq!(
        funding,
        ["central", "local", "domestic_donors", "foreign_donors"]
    );
    assert_eq!(plan.funding_sources[0].name_vi, "Ngân sách nhà nước");
    assert_eq!(plan.funding_sources[1].name_vi, "Ngân sách địa phương");
    let duty = |reporter: &str, recipient: &str| {
        plan.reporting
            .iter()
            .find(|d| d.reporter == reporter && d.recipient == recipient)
    };
    assert_eq!(
        duty("level:district", "SLDTBXH").map(|d| d.frequency.as_str()),
        Some("yearly")
    );
    assert_eq!(
        duty("all", "UBND-12").and_then(|d| d.via.as_deref()),
        Some("SLDTBXH")
    );
    assert!(duty("SLDTBXH", "UBND-12").is_some());
}

#[test]
fn shipped_plan_keeps_the_fixed_typos_fixed() {
    let data: String = SHIPPED.lines().filter(|l| !l.starts_with('#')).collect();
    for typo in ["Lai châu", "1đến", "Uỷ"] {
        assert!(!data.contains(typo), "{typo}");
    }
}

#[test]
fn plan_round_trips_through_json() {
    let plan = shipped();
    let json = serde_json::to_string(&plan).expect("serialise");
    assert!(json.contains(r#""unit":"%""#) && json.contains(r#""unit":"count""#));
    let back: Plan = serde_json::from_str(&json).expect("deserialise");
    assert_eq!(back, plan);
}

// ---- a second plan: nothing is specific to Lai Châu --------------------------------------------

#[test]
fn another_province_and_period_check_clean() {
    let plan = match check(MINI) {
        Ok(plan) => plan,
        Err(errors) => panic!("MINI has errors:\n{}", render(&errors)),
    };
    assert_eq!(plan.header.coordinator, "SYT");
    assert_eq!(plan.setting("answer_due_days"), Some(30));
    assert_eq!(plan.setting("forum_report_due_days"), None);
    assert_eq!(plan.units[0].parent.as_deref(), Some("P1"));
    assert_eq!(plan.projects[0].parent.as_deref(), Some("PA"));
    // Targets: year-and-unit, unit, year, then the headline; counts have none for other units.
    assert_eq!(plan.target_for("C1", 2025, "P1"), Some(30.0));
    assert_eq!(plan.target_for("C1", 2022, "P1"), Some(35.0));
    assert_eq!(plan.target_for("C1", 2022, "D1"), Some(25.0));
    assert_eq!(plan.target_for("C2", 2022, "P1"), Some(5.0));
    assert_eq!(plan.target_for("C2", 2022, "D1"), None);
    assert_eq!(plan.target_for("C9", 2022, "P1"), None);
}

// ---- one test per error code --------------------------------------------------------------------

#[test]
fn syntax_error_has_its_line() {
    let source = mini_with(
        "[[agencies]]\ncode = \"SYT\"",
        "[[agencies]\ncode = \"SYT\"",
    );
    let error = only_error(&source);
    assert_error(
        &error,
        codes::SYNTAX,
        nth_line(&source, "[[agencies]", 0),
        "",
    );
    assert!(
        error
            .to_string()
            .starts_with(&format!("line {}: syntax: invalid TOML: ", error.line))
    );
}

#[test]
fn missing_field_is_reported_at_its_table() {
    let source = mini_with("name_en = \"District One\"\n", "");
    let error = only_error(&source);
    assert_error(
        &error,
        codes::MISSING_FIELD,
        nth_line(&source, "[[units]]", 0),
        "units[0].name_en",
    );
    assert_eq!(error.message, "required field is missing");
    assert_eq!(error.message_vi(), "thiếu trường bắt buộc");
}

#[test]
fn missing_header_and_blank_field() {
    let source = MINI.replacen("[header]", "[heading]", 1);
    let errors = errors(&source);
    assert_error(&errors[0], codes::MISSING_FIELD, 1, "header");
    assert_error(&errors[1], codes::UNKNOWN_FIELD, 1, "heading");

    let source = mini_with("scope_en = \"The whole province\"", "scope_en = \"  \"");
    let error = only_error(&source);
    assert_error(
        &error,
        codes::MISSING_FIELD,
        line_with(&source, "scope_en"),
        "header.scope_en",
    );
    assert_eq!(error.message, "required field is blank");
}

#[test]
fn invalid_values_are_reported() {
    let cases: &[(&str, &str, &str, &str)] = &[
        (
            "document_date = 2021-03-15",
            "document_date = \"2021-02-30\"",
            "document_date",
            "header.document_date",
        ),
        (
            "document_date = 2021-03-15",
            "document_date = 2021-03-15T08:00:00",
            "document_date",
            "header.document_date",
        ),
        (
            "document_date = 2021-03-15",
            "document_date = \"15/03/2021\"",
            "document_date",
            "header.document_date",
        ),
        (
            "level = \"district\"",
            "level = \"city\"",
            "city",
            "units[0].level",
        ),
        (
            "[[agencies]]\ncode = \"SYT\"",
            "[[units]]\ncode = \"Xã-9\"\nname_vi = \"Xã Chín\"\nname_en = \"Commune Nine\"\nlevel = \"commune\"\nparent = \"D1\"\n\n[[agencies]]\ncode = \"SYT\"",
            "Xã-9",
            "units[2].code",
        ),
        (
            "[[purposes]]",
            "[[agencies]]\ncode = \"Sở-GD\"\nname_vi = \"Sở Giáo dục\"\nname_en = \"Education\"\nunit = \"P1\"\nkind = \"department\"\n\n[[purposes]]",
            "Sở-GD",
            "agencies[2].code",
        ),
        (
            "code = \"thu-2021-2025\"",
            "code = \"Thu_2021\"",
            "Thu_2021",
            "header.code",
        ),
        (
            "kind = \"department\"",
            "kind = \"ministry\"",
            "ministry",
            "agencies[0].kind",
        ),
        (
            "period_start = 2021",
            "period_start = 2026",
            "period_start",
            "header.period_start",
        ),
        (
            "subject_max_age = 15",
            "subject_max_age = 18",
            "subject_max_age",
            "header.subject_max_age",
        ),
        (
            "subject_min_age = 7",
            "subject_min_age = 16",
            "subject_min_age",
            "header.subject_min_age",
        ),
        (
            "subject_min_age = 7",
            "subject_min_age = \"7\"",
            "subject_min_age",
            "header.subject_min_age",
        ),
        (
            "unit = \"%\"",
            "unit = \"percent\"",
            "unit = \"percent\"",
            "indicators[0].unit",
        ),
        (
            "frequency = \"yearly\"",
            "frequency = \"monthly\"",
            "frequency",
            "reporting[0].frequency",
        ),
        (
            "reporter = \"level:district\"",
            "reporter = \"level:region\"",
            "reporter",
            "reporting[0].reporter",
        ),
        (
            "answer_due_days = 30",
            "answer_due_days = 30.5",
            "answer_due_days",
            "settings.answer_due_days",
        ),
        (
            "answer_due_days = 30",
            "Answer-Days = 30",
            "Answer-Days",
            "settings.Answer-Days",
        ),
        (
            "coordinating = [\"UBND-D1\"]",
            "coordinating = [\"UBND-D1\", \"UBND-D1\"]",
            "coordinating",
            "projects[0].coordinating[1]",
        ),
        (
            "coordinating = [\"UBND-D1\"]",
            "coordinating = \"UBND-D1\"",
            "coordinating",
            "projects[0].coordinating",
        ),
        (
            "parent = \"PA\"",
            "parent = \"MA\"",
            "parent = \"MA\"",
            "projects[0].parent",
        ),
        (
            "kind = \"project\"",
            "kind = \"project\"\nparent = \"PA\" # itself",
            "# itself",
            "projects[1].parent",
        ),
        (
            "reporter = \"level:district\"",
            "reporter = \"SYT\"",
            "reporter",
            "reporting[0].reporter",
        ),
        (
            "name_en = \"Test province\"",
            "name_en = \"Test province\"\nsuccessors = [\"P1\"]",
            "successors",
            "units[1].successors[0]",
        ),
    ];
    for (from, to, needle, field) in cases {
        let source = mini_with(from, to);
        let error = only_error(&source);
        assert_error(
            &error,
            codes::INVALID_VALUE,
            line_with(&source, needle),
            field,
        );
    }
}

#[test]
fn an_agency_carries_its_validity_in_the_plan() {
    // The coordinating department of child affairs changed in 2025.
    let source = mini_with(
        "kind = \"department\"",
        "kind = \"department\"\nvalid_from = 2025-03-01",
    );
    let plan = check(&source).expect("checks");
    let a = plan
        .agencies
        .iter()
        .find(|a| a.valid_from.is_some())
        .expect("dated");
    assert_eq!(a.valid_from, chrono::NaiveDate::from_ymd_opt(2025, 3, 1));
    assert_eq!(a.valid_to, None);
    let source = mini_with(
        "kind = \"department\"",
        "kind = \"department\"\nvalid_from = 2025-03-01\nvalid_to = 2025-02-28",
    );
    let error = only_error(&source);
    assert_error(
        &error,
        codes::INVALID_VALUE,
        line_with(&source, "valid_from"),
        "agencies[0].valid_from",
    );
}

#[test]
fn valid_from_after_valid_to_and_nfd_text_are_invalid() {
    let source = mini_with(
        "level = \"province\"",
        "level = \"province\"\nvalid_from = 2025-07-01\nvalid_to = 2025-06-30",
    );
    let error = only_error(&source);
    assert_error(
        &error,
        codes::INVALID_VALUE,
        line_with(&source, "valid_from"),
        "units[1].valid_from",
    );

    // "Huyện" with the dot below and the hook as combining marks (NFD): the
    // source is composed before parsing, so it checks clean and reads composed.
    let source = mini_with(
        "name_vi = \"Huyện Một\"",
        "name_vi = \"Huye\u{0323}\u{0302}n Một\"",
    );
    let plan = check(&source).expect("NFD text is composed");
    assert_eq!(plan.units[0].name_vi, "Huyện Một");
}

#[test]
fn unknown_field_is_reported_at_its_key() {
    let source = mini_with(
        "name_vi = \"Sở Y tế\"",
        "name_vi = \"Sở Y tế\"\nshort_name = \"SYT\"",
    );
    let error = only_error(&source);
    assert_error(
        &error,
        codes::UNKNOWN_FIELD,
        line_with(&source, "short_name"),
        "agencies[0].short_name",
    );
    assert!(
        error
            .message
            .starts_with("unknown field \"short_name\"; expected one of: code, name_vi")
    );
}

#[test]
fn missing_or_blank_vietnamese_is_its_own_code() {
    let source = mini_with("name_vi = \"Tỉnh Thử\"\n", "");
    let error = only_error(&source);
    assert_error(
        &error,
        codes::MISSING_VIETNAMESE_NAME,
        nth_line(&source, "[[units]]", 1),
        "units[1].name_vi",
    );

    let source = mini_with("text_vi = \"Trẻ em được lắng nghe.\"", "text_vi = \" \"");
    let error = only_error(&source);
    assert_error(
        &error,
        codes::MISSING_VIETNAMESE_NAME,
        line_with(&source, "text_vi = \" \""),
        "purposes[0].text_vi",
    );
    assert_eq!(error.message_vi(), "nội dung tiếng Việt đang để trống");

    // English beside no Vietnamese: reported at the English line, under the Vietnamese field.
    let source = mini_with("numerator_vi = \"Số trẻ em đã trả lời\"\n", "");
    let error = only_error(&source);
    assert_error(
        &error,
        codes::MISSING_VIETNAMESE_NAME,
        line_with(&source, "numerator_en"),
        "indicators[0].numerator_vi",
    );
}

#[test]
fn duplicate_code_names_the_first_line() {
    let duplicate = "[[agencies]]\ncode = \"SYT\"\nname_vi = \"Sở Y tế\"\nname_en = \"Health\"\nunit = \"P1\"\nkind = \"department\"\n\n[[purposes]]";
    let source = mini_with("[[purposes]]", duplicate);
    let error = only_error(&source);
    let first = nth_line(&source, "code = \"SYT\"", 0);
    let second = nth_line(&source, "code = \"SYT\"", 1);
    assert_error(&error, codes::DUPLICATE_CODE, second, "agencies[2].code");
    assert_eq!(
        error.message,
        format!("code \"SYT\" is already used on line {first}")
    );
    assert_eq!(
        error.message_vi(),
        format!("mã \"SYT\" đã được dùng ở dòng {first}")
    );

    // The second C1 hides C2, so the project that measures C2 is reported as well.
    let source = mini_with("code = \"C2\"", "code = \"C1\"");
    let errors = errors(&source);
    assert_error(
        &errors[0],
        codes::DUPLICATE_CODE,
        nth_line(&source, "code = \"C1\"", 1),
        "indicators[1].code",
    );
    assert_error(
        &errors[1],
        codes::UNKNOWN_INDICATOR,
        line_with(&source, "indicators = "),
        "projects[0].indicators[0]",
    );
    assert_eq!(errors.len(), 2);
}

#[test]
fn unknown_units_are_reported() {
    let cases = [
        (
            "unit = \"D1\"\nkind",
            "unit = \"D9\"\nkind",
            "unit = \"D9\"",
            "agencies[1].unit",
        ),
        (
            "issuer_unit = \"P1\"",
            "issuer_unit = \"12\"",
            "issuer_unit",
            "header.issuer_unit",
        ),
        (
            "{ unit = \"D1\", value = 25 }",
            "{ unit = \"D2\", value = 25 }",
            "D2",
            "indicators[0].targets[1].unit",
        ),
        (
            "parent = \"P1\"",
            "parent = \"P2\"",
            "parent = \"P2\"",
            "units[0].parent",
        ),
    ];
    for (from, to, needle, field) in cases {
        let source = mini_with(from, to);
        let error = only_error(&source);
        assert_error(
            &error,
            codes::UNKNOWN_UNIT,
            line_with(&source, needle),
            field,
        );
    }
    let source = mini_with(
        "reporter = \"level:district\"",
        "reporter = \"level:commune\"",
    );
    let error = only_error(&source);
    assert_error(
        &error,
        codes::UNKNOWN_UNIT,
        line_with(&source, "reporter"),
        "reporting[0].reporter",
    );
}

#[test]
fn unknown_lead_agency_is_reported() {
    let source = mini_with("lead = \"SYT\"", "lead = \"SLĐ\"");
    let error = only_error(&source);
    let line = line_with(&source, "lead = ");
    assert_error(&error, codes::UNKNOWN_AGENCY, line, "projects[0].lead");
    assert_eq!(
        error.to_string(),
        format!(
            "line {line}: projects[0].lead: unknown_agency: no agency with code \"SLĐ\" is defined"
        )
    );
    assert_eq!(error.message_vi(), "không có cơ quan nào mang mã \"SLĐ\"");
    assert_eq!(
        error.to_string_vi(),
        format!(
            "dòng {line}: projects[0].lead: unknown_agency: không có cơ quan nào mang mã \"SLĐ\""
        )
    );
}

#[test]
fn other_unknown_agencies_are_reported() {
    let cases = [
        (
            "coordinator = \"SYT\"",
            "coordinator = \"SLDTBXH\"",
            "coordinator",
            "header.coordinator",
        ),
        (
            "[\"UBND-D1\"]",
            "[\"UBND-D2\"]",
            "coordinating",
            "projects[0].coordinating[0]",
        ),
        (
            "recipient = \"SYT\"",
            "recipient = \"UBND\"",
            "recipient",
            "reporting[0].recipient",
        ),
        (
            "recipient = \"SYT\"",
            "recipient = \"SYT\"\nvia = \"SLDTBXH\"",
            "via",
            "reporting[0].via",
        ),
        (
            "reporter = \"level:district\"",
            "reporter = \"UBND-D9\"",
            "reporter",
            "reporting[0].reporter",
        ),
    ];
    for (from, to, needle, field) in cases {
        let source = mini_with(from, to);
        let error = only_error(&source);
        assert_error(
            &error,
            codes::UNKNOWN_AGENCY,
            line_with(&source, needle),
            field,
        );
    }
}

#[test]
fn unknown_indicators_are_reported() {
    let source = mini_with("indicator = \"C1\"", "indicator = \"T1\"");
    let error = only_error(&source);
    assert_error(
        &error,
        codes::UNKNOWN_INDICATOR,
        line_with(&source, "indicator = "),
        "objectives[0].indicator",
    );

    let source = mini_with("indicators = [\"C2\"]", "indicators = [\"C2\", \"C3\"]");
    let error = only_error(&source);
    assert_error(
        &error,
        codes::UNKNOWN_INDICATOR,
        line_with(&source, "indicators = "),
        "projects[0].indicators[1]",
    );
}

#[test]
fn unknown_project_parent_is_reported() {
    let source = mini_with("parent = \"PA\"", "parent = \"DA3\"");
    let error = only_error(&source);
    assert_error(
        &error,
        codes::UNKNOWN_PROJECT,
        line_with(&source, "parent = \"DA3\""),
        "projects[0].parent",
    );
    assert_eq!(
        error.message_vi(),
        "không có dự án hay mô hình nào mang mã \"DA3\""
    );
}

#[test]
fn targets_out_of_range_are_reported() {
    let cases = [
        (
            "target = 35",
            "target = 120",
            "target = 120",
            "indicators[0].target",
        ),
        (
            "{ year = 2025, value = 30 }",
            "{ year = 2025, value = -1.5 }",
            "-1.5",
            "indicators[0].targets[0].value",
        ),
        (
            "{ year = 2025, value = 30 }",
            "{ year = 2030, value = 30 }",
            "2030",
            "indicators[0].targets[0].year",
        ),
        (
            "target = 5",
            "target = -1",
            "target = -1",
            "indicators[1].target",
        ),
        (
            "target = 5",
            "target = 2.5",
            "target = 2.5",
            "indicators[1].target",
        ),
    ];
    for (from, to, needle, field) in cases {
        let source = mini_with(from, to);
        let error = only_error(&source);
        assert_error(
            &error,
            codes::TARGET_OUT_OF_RANGE,
            line_with(&source, needle),
            field,
        );
    }
    let source = mini_with("target = 35", "target = 120");
    assert_eq!(
        only_error(&source).message,
        "120 is outside 0..=100 for a percentage"
    );
}

#[test]
fn unit_cycle_is_reported_once() {
    let source = mini_with(
        "level = \"province\"",
        "level = \"province\"\nparent = \"D1\"",
    );
    let error = only_error(&source);
    assert_error(
        &error,
        codes::UNIT_CYCLE,
        line_with(&source, "parent = \"P1\""),
        "units[0].parent",
    );
    assert_eq!(error.message, "unit parents form a cycle: D1 → P1 → D1");

    let source = mini_with("parent = \"P1\"", "parent = \"D1\"");
    let error = only_error(&source);
    assert_error(
        &error,
        codes::UNIT_CYCLE,
        line_with(&source, "parent = \"D1\""),
        "units[0].parent",
    );
}

#[test]
fn missing_lead_is_reported() {
    let source = mini_with("lead = \"SYT\"\n", "");
    let error = only_error(&source);
    assert_error(
        &error,
        codes::MISSING_LEAD,
        nth_line(&source, "[[projects]]", 0),
        "projects[0].lead",
    );

    // A project that contains no model needs a lead too.
    let source = mini_with("kind = \"model\"", "kind = \"project\"");
    let error = only_error(&source);
    assert_error(
        &error,
        codes::MISSING_LEAD,
        nth_line(&source, "[[projects]]", 1),
        "projects[1].lead",
    );
}

#[test]
fn every_error_in_a_file_is_reported_in_line_order() {
    let source = MINI
        .replacen("period_end = 2025", "period_end = 2019", 1)
        .replacen("level = \"district\"", "level = \"huyện\"", 1)
        .replacen("name_vi = \"Sở Y tế\"\n", "", 1)
        .replacen("lead = \"SYT\"", "lead = \"SLĐ\"", 1)
        .replacen("indicator = \"C1\"", "indicator = \"T1\"", 1)
        .replacen(
            "frequency = \"yearly\"",
            "frequency = \"yearly\"\nfrequncy = \"yearly\"",
            1,
        );
    let errors = errors(&source);
    let got: Vec<(usize, &str, &str)> = errors
        .iter()
        .map(|e| (e.line, e.field.as_str(), e.code))
        .collect();
    let expected = vec![
        (
            line_with(&source, "period_start"),
            "header.period_start",
            codes::INVALID_VALUE,
        ),
        (
            line_with(&source, "huyện\""),
            "units[0].level",
            codes::INVALID_VALUE,
        ),
        (
            nth_line(&source, "[[agencies]]", 0),
            "agencies[0].name_vi",
            codes::MISSING_VIETNAMESE_NAME,
        ),
        (
            line_with(&source, "indicator = \"T1\""),
            "objectives[0].indicator",
            codes::UNKNOWN_INDICATOR,
        ),
        (
            line_with(&source, "lead = "),
            "projects[0].lead",
            codes::UNKNOWN_AGENCY,
        ),
        (
            line_with(&source, "frequncy"),
            "reporting[0].frequncy",
            codes::UNKNOWN_FIELD,
        ),
    ];
    assert_eq!(got, expected, "\n{}", render(&errors));
}

#[test]
fn errors_in_many_tables_do_not_stop_reading() {
    // Wrong types everywhere: each is one error, and reading goes on to the end.
    let source = MINI
        .replacen("period_start = 2021", "period_start = \"2021\"", 1)
        .replacen("parent = \"P1\"", "parent = 1", 1)
        .replacen("target = 35", "target = \"35%\"", 1)
        .replacen(
            "text_en = \"Report every year.\"",
            "text_en = [\"Report\"]",
            1,
        );
    let errors = errors(&source);
    let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(
        fields,
        [
            "header.period_start",
            "units[0].parent",
            "indicators[0].target",
            "reporting[0].text_en"
        ]
    );
    assert!(errors.iter().all(|e| e.code == codes::INVALID_VALUE));
    assert_eq!(errors[0].message, "expected an integer, found string");
    assert_eq!(
        errors[0].message_vi(),
        "cần một số nguyên, nhưng gặp chuỗi ký tự"
    );
}

#[test]
fn plan_error_is_a_std_error() {
    let error: Box<dyn std::error::Error> =
        Box::new(only_error(&mini_with("target = 5", "target = -1")));
    assert!(
        error
            .to_string()
            .contains("target_out_of_range: a count target cannot be negative (-1)")
    );
}

// ---- the documentation ------------------------------------------------------------------------

#[test]
fn documented_example_checks_clean_and_its_error_is_right() {
    let doc = include_str!("../../../../docs/plan-format.md");
    let start = doc.find("```toml\n").expect("example") + "```toml\n".len();
    let example = &doc[start..start + doc[start..].find("```").expect("end of example")];
    if let Err(errors) = check(example) {
        panic!("the documented example has errors:\n{}", render(&errors));
    }
    let broken = example.replacen("lead = \"SYT\"", "lead = \"SLĐ\"", 1);
    let error = only_error(&broken);
    assert!(
        doc.contains(&format!("`{error}`")),
        "the doc should quote: {error}"
    );
    for code in [
        codes::SYNTAX,
        codes::MISSING_FIELD,
        codes::MISSING_VIETNAMESE_NAME,
        codes::UNKNOWN_FIELD,
        codes::INVALID_VALUE,
        codes::DUPLICATE_CODE,
        codes::UNKNOWN_UNIT,
        codes::UNKNOWN_AGENCY,
        codes::UNKNOWN_INDICATOR,
        codes::UNKNOWN_PROJECT,
        codes::TARGET_OUT_OF_RANGE,
        codes::UNIT_CYCLE,
        codes::MISSING_LEAD,
    ] {
        assert!(
            doc.contains(&format!("| `{code}` |")),
            "{code} is not documented"
        );
    }
}

#[test]
fn empty_file_reports_the_required_tables() {
    let errors = errors("");
    let got: Vec<(usize, &str, &str)> = errors
        .iter()
        .map(|e| (e.line, e.field.as_str(), e.code))
        .collect();
    assert_eq!(
        got,
        [
            (1, "header", codes::MISSING_FIELD),
            (1, "units", codes::MISSING_FIELD),
            (1, "agencies", codes::MISSING_FIELD),
        ]
    );
    assert_eq!(
        errors[0].to_string_vi(),
        "dòng 1: header: missing_field: thiếu trường bắt buộc"
    );
}

#[test]
fn targets_may_be_written_as_tables() {
    let inline =
        "targets = [\n    { year = 2025, value = 30 },\n    { unit = \"D1\", value = 25 },\n]\n";
    let tables = "\n[[indicators.targets]]\nyear = 2025\nvalue = 30\n\n[[indicators.targets]]\nunit = \"D9\"\nvalue = 25\n\n[indicators.more]\nx = 1\n";
    let source = mini_with(inline, "").replacen(
        "denominator_en = \"Children aged 7 and over\"\n",
        &format!("denominator_en = \"Children aged 7 and over\"\n{tables}"),
        1,
    );
    let errors = errors(&source);
    assert_eq!(errors.len(), 2, "{}", render(&errors));
    assert_error(
        &errors[0],
        codes::UNKNOWN_UNIT,
        line_with(&source, "\"D9\""),
        "indicators[0].targets[1].unit",
    );
    assert_error(
        &errors[1],
        codes::UNKNOWN_FIELD,
        line_with(&source, "[indicators.more]"),
        "indicators[0].more",
    );
}
