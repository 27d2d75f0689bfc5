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
}

#[test]
fn a_level_with_no_unit_in_the_file_may_report() {
    // The 2021–2030 communes are loaded from plans/units/, not listed in the file.
    let source = mini_with(
        "reporter = \"level:district\"",
        "reporter = \"level:commune\"",
    );
    let plan = check(&source).unwrap_or_else(|e| panic!("{}", render(&e)));
    assert_eq!(plan.reporting[0].level(), Some("commune"));
}

const DATED_COORDINATOR: &str = "coordinator = [
    { agency = \"UBND-D1\", until = 2023-02-28 },
    { agency = \"SYT\", since = 2023-03-01 },
]";

#[test]
fn a_dated_coordinator_and_dated_duties_answer_by_day() {
    let day = |y, m, d| chrono::NaiveDate::from_ymd_opt(y, m, d).expect("date");
    let source = mini_with("coordinator = \"SYT\"", DATED_COORDINATOR).replacen(
        "frequency = \"yearly\"",
        "frequency = \"yearly\"\nsince = 2022-01-01\nuntil = 2023-06-30",
        1,
    );
    let plan = check(&source).unwrap_or_else(|e| panic!("{}", render(&e)));
    assert_eq!(plan.header.coordinator, "SYT", "the coordinator at the end");
    assert_eq!(plan.header.coordinators.len(), 2);
    assert_eq!(plan.coordinator_on(day(2023, 2, 28)), "UBND-D1");
    assert_eq!(plan.coordinator_on(day(2023, 3, 1)), "SYT");
    assert_eq!(plan.coordinator_on(day(2010, 1, 1)), "UBND-D1", "before");
    assert_eq!(plan.coordinator_on(day(2040, 1, 1)), "SYT", "after");
    assert_eq!(plan.coordinator_of_year(2022), "UBND-D1");
    assert_eq!(plan.coordinator_of_year(2023), "SYT");
    let duty = &plan.reporting[0];
    assert_eq!(
        (duty.since, duty.until),
        (Some(day(2022, 1, 1)), Some(day(2023, 6, 30)))
    );
    assert!(plan.level_duty_in("district", 2021).is_none());
    assert_eq!(plan.duties_in(2023).len(), 1);
    assert!(plan.duties_in(2024).is_empty());
    assert_eq!(duty.last_day_in(2023), Some(day(2023, 6, 30)));
    // Read back from the stored JSON unchanged; a single coordinator has no spans.
    let json = serde_json::to_string(&plan).expect("json");
    assert_eq!(serde_json::from_str::<Plan>(&json).expect("plan"), plan);
    let single = check(MINI).expect("mini");
    assert!(single.header.coordinators.is_empty());
    assert_eq!(single.coordinator_on(day(2023, 3, 1)), "SYT");
    assert!(
        !serde_json::to_string(&single)
            .expect("json")
            .contains("coordinators")
    );
}

#[test]
fn a_dated_coordinator_must_cover_the_period_without_gaps() {
    let cases = [
        (
            "since = 2023-03-01",
            "since = 2023-03-02",
            codes::INVALID_VALUE,
            "since = 2023-03-02",
            "header.coordinator[1].since",
        ),
        (
            "since = 2023-03-01",
            "since = 2023-02-15",
            codes::INVALID_VALUE,
            "since = 2023-02-15",
            "header.coordinator[1].since",
        ),
        (
            ", until = 2023-02-28",
            "",
            codes::MISSING_FIELD,
            "agency = \"UBND-D1\"",
            "header.coordinator[0].until",
        ),
        (
            "agency = \"UBND-D1\", until",
            "agency = \"UBND-D1\", since = 2021-02-01, until",
            codes::INVALID_VALUE,
            "since = 2021-02-01",
            "header.coordinator[0].since",
        ),
        (
            "since = 2023-03-01 }",
            "since = 2023-03-01, until = 2025-12-30 }",
            codes::INVALID_VALUE,
            "until = 2025-12-30",
            "header.coordinator[1].until",
        ),
        (
            "agency = \"UBND-D1\"",
            "agency = \"SLDTBXH\"",
            codes::UNKNOWN_AGENCY,
            "SLDTBXH",
            "header.coordinator[0].agency",
        ),
        (
            "since = 2023-03-01 }",
            "since = 2023-03-01, from = 2023-03-01 }",
            codes::UNKNOWN_FIELD,
            "from = ",
            "header.coordinator[1].from",
        ),
    ];
    let dated = mini_with("coordinator = \"SYT\"", DATED_COORDINATOR);
    for (from, to, code, needle, field) in cases {
        assert_eq!(dated.matches(from).count(), 1, "{from}");
        let source = dated.replacen(from, to, 1);
        let error = only_error(&source);
        assert_error(&error, code, line_with(&source, needle), field);
    }
    let empty = mini_with("coordinator = \"SYT\"", "coordinator = []");
    let error = only_error(&empty);
    assert_error(
        &error,
        codes::MISSING_FIELD,
        line_with(&empty, "coordinator = []"),
        "header.coordinator",
    );
}

#[test]
fn a_duty_s_dates_are_checked() {
    let cases = [
        (
            "since = 2025-07-01\nuntil = 2025-06-30",
            "since = ",
            "reporting[0].since",
        ),
        ("until = \"30/6/2025\"", "until = ", "reporting[0].until"),
    ];
    for (dates, needle, field) in cases {
        let source = mini_with(
            "frequency = \"yearly\"",
            &format!("frequency = \"yearly\"\n{dates}"),
        );
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
fn the_2021_2030_plan_dates_its_coordinator_and_its_duties() {
    let source = include_str!("../../../../plans/lai-chau-2021-2030.toml");
    let plan = check(source).unwrap_or_else(|e| panic!("{}", render(&e)));
    let day = |y, m, d| chrono::NaiveDate::from_ymd_opt(y, m, d).expect("date");
    assert_eq!(plan.coordinator_on(day(2021, 1, 1)), "SLDTBXH");
    assert_eq!(plan.coordinator_on(day(2025, 2, 28)), "SLDTBXH");
    assert_eq!(plan.coordinator_on(day(2025, 3, 1)), "SYT");
    assert_eq!(plan.header.coordinator, "SYT");
    let to = |level: &str, year| {
        plan.level_duty_in(level, year)
            .map(|d| d.recipient.as_str())
    };
    assert_eq!(to("district", 2024), Some("SLDTBXH"));
    assert_eq!(to("district", 2025), Some("SYT"));
    assert_eq!(to("district", 2026), None);
    assert_eq!(to("commune", 2024), None);
    assert_eq!(to("commune", 2026), Some("SYT"));
    assert!(
        !source.contains("cannot"),
        "no comment says the format cannot"
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
    let example = documented_example(doc);
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

// ---- measures, targets over time, age bands, levels --------------------------------------------

/// `MINI` with C1 (a `%`) measured as below, after its `measure` line.
fn mini_c1(extra: &str) -> String {
    mini_with(
        "measure = \"children_answers\"\n",
        &format!("measure = \"children_answers\"\n{extra}"),
    )
}

/// `MINI` with C2 (a count) measured by `measure`.
fn mini_c2(measure: &str) -> String {
    mini_with(
        "measure = \"forums_held\"\nparams = { levels = [\"province\", \"district\"] }\n",
        &format!("{measure}\n"),
    )
}

#[test]
fn an_unknown_measure_or_parameter_is_reported_at_its_line() {
    let source = mini_with(
        "measure = \"children_answers\"",
        "measure = \"children_smiles\"",
    );
    let error = only_error(&source);
    assert_error(
        &error,
        codes::INVALID_VALUE,
        line_with(&source, "children_smiles"),
        "indicators[0].measure",
    );
    assert!(
        error.message_vi().contains("\"children_smiles\""),
        "{error}"
    );

    let source = mini_c2(
        "measure = \"forums_held\"\nparams = { levels = [\"province\"], colour = \"red\" }",
    );
    let error = only_error(&source);
    assert_error(
        &error,
        codes::UNKNOWN_FIELD,
        line_with(&source, "colour"),
        "indicators[1].params.colour",
    );
    assert!(
        error.message_vi().starts_with("trường \"colour\""),
        "{error}"
    );

    // A parameter another measure takes is still unknown to this one.
    let source = mini_c2("measure = \"money_spent\"\nparams = { project = \"MA\" }");
    let errors = errors(&source);
    let got: Vec<(&str, &str)> = errors.iter().map(|e| (e.code, e.field.as_str())).collect();
    assert!(
        got.contains(&(codes::UNKNOWN_FIELD, "indicators[1].params.project")),
        "{}",
        render(&errors)
    );

    // A level that is not a level, and a unit the measure cannot be given in.
    let source = mini_c2("measure = \"forums_held\"\nparams = { levels = [\"region\"] }");
    assert_error(
        &only_error(&source),
        codes::INVALID_VALUE,
        line_with(&source, "region"),
        "indicators[1].params.levels[0]",
    );
    let source =
        mini_c2("measure = \"matters_consulted\"\nparams = { matter_kind = \"law_policy\" }");
    let error = only_error(&source);
    assert_error(
        &error,
        codes::INVALID_VALUE,
        line_with(&source, "name_en = \"Forums held\"") + 1,
        "indicators[1].unit",
    );
    assert_eq!(
        error.message_vi(),
        "đơn vị \"count\" không dùng được cho cách đo \"matters_consulted\"; chỉ dùng một trong: %"
    );
}

#[test]
fn every_measure_reads_with_its_parameters() {
    let cases: &[(&str, Measure)] = &[
        (
            "measure = \"forums_held\"\nparams = { levels = [\"district\"] }",
            Measure::ForumsHeld {
                levels: vec!["district".into()],
            },
        ),
        (
            "measure = \"units_running_models\"\nparams = { level = \"commune\", models = [\"council\", \"club\"] }",
            Measure::UnitsRunningModels {
                level: "commune".into(),
                models: vec!["council".into(), "club".into()],
            },
        ),
        (
            "measure = \"children_answers\"\nparams = { age_min = 7, age_max = 10 }",
            Measure::ChildrenAnswers {
                age_min: Some(7),
                age_max: Some(10),
            },
        ),
        (
            "measure = \"children_in_models\"",
            Measure::ChildrenInModels {
                age_min: None,
                age_max: None,
            },
        ),
        (
            "measure = \"people_trained\"\nparams = { project = \"MA\" }",
            Measure::PeopleTrained {
                project: Some("MA".into()),
            },
        ),
        (
            "measure = \"activities\"",
            Measure::Activities { project: None },
        ),
        ("measure = \"not_computed\"", Measure::NotComputed),
    ];
    for (text, measure) in cases {
        let plan = check(&mini_c2(text)).unwrap_or_else(|e| panic!("{text}:\n{}", render(&e)));
        assert_eq!(&plan.indicators[1].measure, measure, "{text}");
    }
    let plan = check(MINI).expect("MINI checks clean");
    assert_eq!(
        plan.indicators[0].measure,
        Measure::ChildrenAnswers {
            age_min: None,
            age_max: None
        }
    );
}

#[test]
fn a_measures_project_must_be_in_the_plan() {
    for measure in ["people_trained", "activities"] {
        let source = mini_c2(&format!(
            "measure = \"{measure}\"\nparams = {{ project = \"DA9\" }}"
        ));
        let error = only_error(&source);
        assert_error(
            &error,
            codes::UNKNOWN_PROJECT,
            line_with(&source, "DA9"),
            "indicators[1].params.project",
        );
        assert_eq!(
            error.message_vi(),
            "không có dự án hay mô hình nào mang mã \"DA9\""
        );
    }
}

#[test]
fn a_measures_ages_must_be_within_the_subject_ages() {
    // MINI's subject ages are 7–15.
    for (params, field, vi) in [
        (
            "params = { age_min = 6 }",
            "indicators[0].params.age_min",
            "tuổi 6 nằm ngoài độ tuổi đối tượng của kế hoạch 7–15",
        ),
        (
            "params = { age_min = 7, age_max = 16 }",
            "indicators[0].params.age_max",
            "tuổi 16 nằm ngoài độ tuổi đối tượng của kế hoạch 7–15",
        ),
        (
            "params = { age_min = 12, age_max = 9 }",
            "indicators[0].params.age_min",
            "tuổi đầu 12 lớn hơn tuổi cuối 9",
        ),
    ] {
        let source = mini_c1(&format!("{params}\n"));
        let error = only_error(&source);
        assert_error(
            &error,
            codes::INVALID_VALUE,
            line_with(&source, params),
            field,
        );
        assert_eq!(error.message_vi(), vi);
    }
    // The same holds for the children in the models.
    let source = mini_c2("measure = \"children_in_models\"\nparams = { age_max = 17 }");
    assert_error(
        &only_error(&source),
        codes::INVALID_VALUE,
        line_with(&source, "age_max = 17"),
        "indicators[1].params.age_max",
    );
    check(&mini_c1("params = { age_min = 7, age_max = 15 }\n")).expect("the subject ages fit");
}

#[test]
fn a_baseline_comes_before_the_period_and_milestones_within_it_in_order() {
    // MINI's period is 2021–2025.
    let source = mini_c1("baseline = { year = 2022, value = 10 }\n");
    let error = only_error(&source);
    assert_error(
        &error,
        codes::INVALID_VALUE,
        line_with(&source, "baseline"),
        "indicators[0].baseline.year",
    );
    assert_eq!(
        error.message_vi(),
        "năm của giá trị ban đầu 2022 sau năm đầu tiên của kế hoạch 2021"
    );

    let source =
        mini_c1("milestones = [{ year = 2023, value = 20 }, { year = 2026, value = 40 }]\n");
    let error = only_error(&source);
    assert_error(
        &error,
        codes::TARGET_OUT_OF_RANGE,
        line_with(&source, "milestones"),
        "indicators[0].milestones[1].year",
    );
    assert_eq!(
        error.message_vi(),
        "năm 2026 nằm ngoài giai đoạn của kế hoạch 2021–2025"
    );

    let source = mini_c1(
        "milestones = [\n    { year = 2025, value = 40 },\n    { year = 2023, value = 20 },\n]\n",
    );
    let error = only_error(&source);
    assert_error(
        &error,
        codes::INVALID_VALUE,
        line_with(&source, "year = 2023"),
        "indicators[0].milestones[1].year",
    );
    assert_eq!(
        error.message_vi(),
        "năm mốc 2023 phải sau năm mốc 2025 đứng trước"
    );

    // A milestone value must suit the unit, as a target does; `interpolate` is a boolean.
    let source = mini_c1("milestones = [{ year = 2023, value = 120 }]\n");
    assert_error(
        &only_error(&source),
        codes::TARGET_OUT_OF_RANGE,
        line_with(&source, "milestones"),
        "indicators[0].milestones[0].value",
    );
    let source = mini_c1("interpolate = \"yes\"\n");
    assert_error(
        &only_error(&source),
        codes::INVALID_VALUE,
        line_with(&source, "interpolate"),
        "indicators[0].interpolate",
    );

    let plan = check(&mini_c1(
        "baseline = { year = 2021, value = 10 }\nmilestones = [{ year = 2021, value = 12 }, { year = 2025, value = 40 }]\ninterpolate = true\n",
    ))
    .expect("a baseline in the first year and milestones within the period check clean");
    let c1 = plan.indicator("C1").expect("C1");
    assert_eq!(
        c1.baseline,
        Some(Milestone {
            year: 2021,
            value: 10.0
        })
    );
    assert_eq!(c1.milestones.len(), 2);
    assert!(c1.interpolate);
}

#[test]
fn age_bands_lie_within_the_subject_ages() {
    let header = "subject_max_age = 15\n";
    let with = |bands: &str| mini_with(header, &format!("{header}age_bands = {bands}\n"));
    let source = with("[{ from = 6, to = 10 }, { from = 11, to = 15 }]");
    let error = only_error(&source);
    assert_error(
        &error,
        codes::INVALID_VALUE,
        line_with(&source, "age_bands"),
        "header.age_bands[0]",
    );
    assert_eq!(
        error.message_vi(),
        "nhóm tuổi 6–10 nằm ngoài độ tuổi đối tượng của kế hoạch 7–15"
    );
    let source = with("[{ from = 7, to = 10 }, { from = 11, to = 16 }]");
    assert_error(
        &only_error(&source),
        codes::INVALID_VALUE,
        line_with(&source, "age_bands"),
        "header.age_bands[1]",
    );
    let source = with("[{ from = 10, to = 7 }]");
    let error = only_error(&source);
    assert_error(
        &error,
        codes::INVALID_VALUE,
        line_with(&source, "age_bands"),
        "header.age_bands[0].from",
    );
    assert_eq!(
        error.message,
        "the first age 10 is greater than the last age 7"
    );
    let source = with("[{ from = 7, to = 10 }, { from = 10, to = 15 }]");
    assert_error(
        &only_error(&source),
        codes::INVALID_VALUE,
        line_with(&source, "age_bands"),
        "header.age_bands[1].from",
    );

    let plan = check(&with("[{ from = 7, to = 10 }, { from = 11, to = 15 }]")).expect("clean");
    assert_eq!(
        plan.age_bands(),
        [AgeBand { from: 7, to: 10 }, AgeBand { from: 11, to: 15 }]
    );
    let plan = check(MINI).expect("clean");
    assert_eq!(plan.age_bands(), [AgeBand { from: 7, to: 15 }]);
}

/// MINI with C1's explicit targets removed and the lines given.
fn mini_over_time(lines: &str) -> Plan {
    let source = mini_with(
        "targets = [\n    { year = 2025, value = 30 },\n    { unit = \"D1\", value = 25 },\n]\n",
        "",
    );
    let source = source.replacen(
        "measure = \"children_answers\"\n",
        &format!("measure = \"children_answers\"\n{lines}"),
        1,
    );
    check(&source).unwrap_or_else(|e| panic!("{}", render(&e)))
}

#[test]
fn milestones_give_the_target_of_each_year() {
    let lines = "baseline = { year = 2020, value = 10 }\nmilestones = [{ year = 2023, value = 20 }, { year = 2025, value = 40 }]\n";
    let plan = mini_over_time(lines);
    let targets = |plan: &Plan, unit: &str| -> Vec<Option<f64>> {
        (2021..=2025)
            .map(|y| plan.target_for("C1", y, unit))
            .collect()
    };
    // Without interpolation each year is judged against the next milestone.
    let steps = [Some(20.0), Some(20.0), Some(20.0), Some(40.0), Some(40.0)];
    assert_eq!(targets(&plan, "P1"), steps);
    // A percentage applies to every unit without a target of its own.
    assert_eq!(targets(&plan, "D1"), steps);
    let c1 = plan.indicator("C1").expect("C1");
    assert_eq!(
        c1.target_in(2019),
        20.0,
        "before the baseline: the first milestone"
    );
    assert_eq!(
        c1.target_in(2030),
        40.0,
        "after the last milestone: the last"
    );
    assert_eq!(
        plan.milestone_for("C1", 2024),
        Some(Milestone {
            year: 2025,
            value: 40.0
        })
    );
    assert_eq!(
        plan.milestone_for("C1", 2023),
        Some(Milestone {
            year: 2023,
            value: 20.0
        })
    );
    assert_eq!(
        plan.milestone_for("C1", 2031),
        Some(Milestone {
            year: 2025,
            value: 40.0
        })
    );
    assert_eq!(plan.milestone_for("C2", 2023), None, "C2 has no milestones");
    assert_eq!(plan.milestone_for("C9", 2023), None);

    // With interpolation, the straight line from the baseline (2020: 10) to 2023: 20, then to
    // 2025: 40, rounded to one decimal.
    let plan = mini_over_time(&format!("{lines}interpolate = true\n"));
    assert_eq!(
        targets(&plan, "P1"),
        [Some(13.3), Some(16.7), Some(20.0), Some(30.0), Some(40.0)]
    );
    let c1 = plan.indicator("C1").expect("C1");
    assert_eq!(c1.target_in(2020), 10.0, "the baseline year: the baseline");
    assert_eq!(
        c1.target_in(2019),
        20.0,
        "before the baseline: the first milestone"
    );
    assert_eq!(c1.target_in(2026), 40.0);

    // Without a baseline, years before the first milestone have no earlier point.
    let plan = mini_over_time(
        "milestones = [{ year = 2023, value = 20 }, { year = 2025, value = 40 }]\ninterpolate = true\n",
    );
    assert_eq!(
        targets(&plan, "P1"),
        [Some(20.0), Some(20.0), Some(20.0), Some(30.0), Some(40.0)]
    );
}

#[test]
fn explicit_targets_still_come_before_milestones() {
    // MINI's C1: 30 in 2025 for the issuer (and every unit without one), 25 for D1 always.
    let source = mini_c1(
        "milestones = [{ year = 2023, value = 20 }, { year = 2025, value = 40 }]\ninterpolate = true\n",
    );
    let plan = check(&source).unwrap_or_else(|e| panic!("{}", render(&e)));
    assert_eq!(plan.target_for("C1", 2025, "P1"), Some(30.0));
    assert_eq!(
        plan.target_for("C1", 2024, "P1"),
        Some(30.0),
        "the line to 40"
    );
    assert_eq!(plan.target_for("C1", 2024, "D1"), Some(25.0));
    assert_eq!(plan.target_for("C1", 2022, "D2"), Some(20.0));
    // A count still has no target for a unit the file gives none, milestones or not.
    let source = mini_with(
        "target = 5\n",
        "target = 5\nmilestones = [{ year = 2023, value = 3 }]\n",
    );
    let plan = check(&source).unwrap_or_else(|e| panic!("{}", render(&e)));
    assert_eq!(plan.target_for("C2", 2022, "P1"), Some(3.0));
    assert_eq!(plan.target_for("C2", 2025, "P1"), Some(3.0));
    assert_eq!(plan.target_for("C2", 2022, "D1"), None);
    // And without milestones, as before: the headline target.
    let plan = check(MINI).expect("clean");
    assert_eq!(plan.target_for("C2", 2022, "P1"), Some(5.0));
    assert_eq!(plan.target_for("C1", 2022, "P1"), Some(35.0));
    assert_eq!(plan.target_for("C1", 2025, "P1"), Some(30.0));
}

#[test]
fn the_shipped_plan_states_its_measures_and_levels_and_its_figures_stay() {
    let plan = shipped();
    let measures: Vec<(&str, &str)> = plan
        .indicators
        .iter()
        .map(|i| (i.code.as_str(), i.measure.kind()))
        .collect();
    assert_eq!(
        measures,
        [
            ("T1", "matters_consulted"),
            ("T2", "matters_consulted"),
            ("T3", "matters_consulted"),
            // T4 after the three models it combines (figures follow the file's order).
            ("M1", "forums_held"),
            ("M2", "units_running_models"),
            ("M3", "units_running_models"),
            ("T4", "units_running_models"),
            ("A1", "people_trained"),
            ("A2", "activities"),
            ("A3", "money_spent"),
            ("C1", "children_answers"),
        ]
    );
    // No milestones: every year of 2016–2020 is judged against the headline targets.
    for indicator in &plan.indicators {
        assert!(indicator.milestones.is_empty(), "{}", indicator.code);
        for year in 2016..=2020 {
            assert_eq!(
                plan.target_for(&indicator.code, year, "12"),
                Some(indicator.target),
                "{} {year}",
                indicator.code
            );
        }
    }
    assert!(
        SHIPPED.contains("\n[levels]\n"),
        "the plan states its levels"
    );
    assert_eq!(plan.levels, Levels::default());
    let day = chrono::NaiveDate::from_ymd_opt(2018, 6, 1).expect("date");
    assert_eq!(plan.levels.reports_to("district", day), ["province"]);
    assert!(plan.levels.holds("forum", "district") && !plan.levels.holds("council", "province"));
}

/// MINI with a `[levels]` table at its end.
fn mini_levels(levels: &str) -> String {
    format!("{MINI}\n[levels]\n{levels}")
}

#[test]
fn levels_default_to_how_the_first_plans_worked() {
    let plan = check(MINI).expect("clean");
    assert_eq!(plan.levels, Levels::default());
    assert_eq!(plan.levels.forums, ["province", "district"]);
    assert_eq!(plan.levels.councils, ["district"]);
    assert_eq!(plan.levels.clubs.len(), UNIT_LEVELS.len());
    assert!(plan.levels.holds("club", "village") && !plan.levels.holds("choir", "district"));
    // A key left out keeps its default; an empty list means no level.
    let plan = check(&mini_levels("councils = [\"commune\"]\nclubs = []\n")).expect("clean");
    assert_eq!(plan.levels.forums, Levels::default().forums);
    assert_eq!(plan.levels.councils, ["commune"]);
    assert!(plan.levels.clubs.is_empty());
    assert_eq!(plan.levels.reports, Levels::default().reports);
    // Old stored plans, serialised before `levels` existed, read back with the default.
    let json = serde_json::to_value(check(MINI).expect("clean")).expect("json");
    let mut json = json.as_object().expect("object").clone();
    json.remove("levels");
    let plan: Plan = serde_json::from_value(json.into()).expect("reads");
    assert_eq!(plan.levels, Levels::default());
}

#[test]
fn reporting_lines_change_on_a_date() {
    let plan = check(&mini_levels(
        "forums = [\"province\", \"commune\"]\nreports = [\n    { from = \"district\", to = \"province\", until = 2025-06-30 },\n    { from = \"commune\", to = \"province\", since = 2025-07-01 },\n]\n",
    ))
    .unwrap_or_else(|e| panic!("{}", render(&e)));
    let day = |y, m, d| chrono::NaiveDate::from_ymd_opt(y, m, d).expect("date");
    let levels = &plan.levels;
    assert_eq!(levels.forums, ["province", "commune"]);
    assert_eq!(
        levels.reports_to("district", day(2025, 6, 30)),
        ["province"]
    );
    assert!(levels.reports_to("district", day(2025, 7, 1)).is_empty());
    assert!(levels.reports_to("commune", day(2025, 6, 30)).is_empty());
    assert_eq!(levels.reports_to("commune", day(2025, 7, 1)), ["province"]);
    // The whole table survives a round trip through JSON.
    let json = serde_json::to_string(&plan).expect("json");
    assert_eq!(serde_json::from_str::<Plan>(&json).expect("reads"), plan);
}

#[test]
fn levels_are_checked() {
    let cases: &[(&str, &str, &str, &str)] = &[
        (
            "forums = [\"region\"]\n",
            "region",
            codes::INVALID_VALUE,
            "levels.forums[0]",
        ),
        (
            "clubs = \"school\"\n",
            "clubs",
            codes::INVALID_VALUE,
            "levels.clubs",
        ),
        (
            "choirs = [\"school\"]\n",
            "choirs",
            codes::UNKNOWN_FIELD,
            "levels.choirs",
        ),
        (
            "reports = [{ from = \"commune\", to = \"region\" }]\n",
            "reports",
            codes::INVALID_VALUE,
            "levels.reports[0].to",
        ),
        (
            "reports = [{ from = \"commune\", to = \"commune\" }]\n",
            "reports",
            codes::INVALID_VALUE,
            "levels.reports[0].to",
        ),
        (
            "reports = [{ from = \"commune\", to = \"province\", since = 2025-07-01, until = 2025-06-30 }]\n",
            "reports",
            codes::INVALID_VALUE,
            "levels.reports[0].since",
        ),
        (
            "reports = [{ from = \"commune\", to = \"province\", when = 2025 }]\n",
            "reports",
            codes::UNKNOWN_FIELD,
            "levels.reports[0].when",
        ),
        (
            "reports = [{ to = \"province\" }]\n",
            "reports",
            codes::MISSING_FIELD,
            "levels.reports[0].from",
        ),
    ];
    for (levels, needle, code, field) in cases {
        let source = mini_levels(levels);
        let line = source
            .lines()
            .position(|l| l.starts_with(needle) || l.contains(&format!("\"{needle}\"")))
            .expect("line")
            + 1;
        assert_error(&only_error(&source), code, line, field);
    }
    let error = only_error(&mini_levels(
        "reports = [{ from = \"commune\", to = \"commune\" }]\n",
    ));
    assert_eq!(
        error.message_vi(),
        "cấp \"commune\" không thể báo cáo cho chính cấp mình"
    );
    let error = only_error(&mini_levels(
        "reports = [{ from = \"commune\", to = \"province\", since = 2025-07-01, until = 2025-06-30 }]\n",
    ));
    assert_eq!(
        error.message_vi(),
        "ngày bắt đầu 2025-07-01 sau ngày kết thúc 2025-06-30"
    );
}

/// The complete plan under the documentation's "Example" heading.
fn documented_example(doc: &str) -> &str {
    let section = &doc[doc.find("\n## Example\n").expect("example section")..];
    let start = section.find("```toml\n").expect("example") + "```toml\n".len();
    &section[start..start + section[start..].find("```").expect("end of example")]
}

/// The ```toml blocks of a part of the documentation.
fn toml_blocks(text: &str) -> Vec<&str> {
    text.split("```toml\n")
        .skip(1)
        .map(|block| &block[..block.find("```").expect("end of block")])
        .collect()
}

#[test]
fn every_documented_measure_checks_clean() {
    let doc = include_str!("../../../../docs/plan-format.md");
    let example = documented_example(doc);
    let from = doc.find("\n#### Measures\n").expect("measures section");
    let to = from + doc[from..].find("\n### ").expect("next section");
    let c1 = "unit = \"%\"\nmeasure = \"children_answers\"\n";
    assert_eq!(example.matches(c1).count(), 1);
    let mut documented = Vec::new();
    for block in toml_blocks(&doc[from..to]) {
        let source = example.replacen(c1, block, 1);
        let plan = check(&source).unwrap_or_else(|e| panic!("{block}\n{}", render(&e)));
        documented.push(plan.indicators[0].measure.kind());
    }
    documented.sort_unstable();
    let mut all = MEASURES.to_vec();
    all.sort_unstable();
    assert_eq!(documented, all, "one example of each measure");
}

#[test]
fn the_documented_levels_and_targets_over_time_hold() {
    let doc = include_str!("../../../../docs/plan-format.md");
    let from = doc.find("\n### `[levels]`").expect("levels section");
    let to = from + 1 + doc[from + 1..].find("\n### ").expect("next section");
    let blocks = toml_blocks(&doc[from..to]);
    assert_eq!(blocks.len(), 1);
    let plan = check(&format!("{}\n{}", documented_example(doc), blocks[0]))
        .unwrap_or_else(|e| panic!("{}", render(&e)));
    let day = |y, m, d| chrono::NaiveDate::from_ymd_opt(y, m, d).expect("date");
    assert_eq!(
        plan.levels.reports_to("district", day(2025, 6, 30)),
        ["province"]
    );
    assert_eq!(
        plan.levels.reports_to("commune", day(2025, 7, 1)),
        ["province"]
    );
    assert!(plan.levels.holds("forum", "commune") && plan.levels.holds("club", "school"));

    // "Targets over time": baseline 2020: 20, milestones 2025: 30 and 2030: 35.
    let mut c1 = plan.indicators[0].clone();
    c1.baseline = Some(Milestone {
        year: 2020,
        value: 20.0,
    });
    c1.milestones = vec![
        Milestone {
            year: 2025,
            value: 30.0,
        },
        Milestone {
            year: 2030,
            value: 35.0,
        },
    ];
    let years = [2021, 2023, 2025, 2026, 2027, 2030, 2031];
    let steps: Vec<f64> = years.iter().map(|&y| c1.target_in(y)).collect();
    assert_eq!(steps, [30.0, 30.0, 30.0, 35.0, 35.0, 35.0, 35.0]);
    c1.interpolate = true;
    let line: Vec<f64> = years.iter().map(|&y| c1.target_in(y)).collect();
    assert_eq!(line, [22.0, 26.0, 30.0, 31.0, 32.0, 35.0, 35.0]);
    for (year, value) in [(2021, "22"), (2023, "26"), (2025, "30"), (2027, "32")] {
        assert!(doc.contains(&format!("{year} → {value}")), "{year}");
    }
}

#[test]
fn the_documented_dated_coordinator_and_duties_hold() {
    let doc = include_str!("../../../../docs/plan-format.md");
    let section = |heading: &str| {
        let from = doc.find(heading).expect("section");
        let rest = &doc[from + 1..];
        let end = [rest.find("\n### "), rest.find("\n## ")]
            .into_iter()
            .flatten()
            .min();
        toml_blocks(&doc[from..from + 1 + end.expect("next section")])
    };
    let dolisa = "\n[[agencies]]\ncode = \"SLDTBXH\"\nname_vi = \"Sở Lao động - Thương binh và Xã hội\"\nname_en = \"DOLISA\"\nunit = \"P1\"\nkind = \"department\"\n";
    let example = format!("{}{dolisa}", documented_example(doc));
    let header = section("\n### `[header]`");
    assert_eq!(header.len(), 1);
    let reporting = section("\n### `[[reporting]]`");
    assert_eq!(reporting.len(), 1);
    let source = example.replacen("coordinator = \"SYT\"\n", header[0], 1) + reporting[0];
    let plan = check(&source).unwrap_or_else(|e| panic!("{}", render(&e)));
    let day = |y, m, d| chrono::NaiveDate::from_ymd_opt(y, m, d).expect("date");
    assert_eq!(plan.coordinator_on(day(2025, 2, 28)), "SLDTBXH");
    assert_eq!(plan.coordinator_on(day(2025, 3, 1)), "SYT");
    let to = |level: &str, year| {
        plan.level_duty_in(level, year)
            .map(|d| d.recipient.as_str())
    };
    // The example's own district duty has no dates; the documented one ends on 28/02/2025.
    assert_eq!(plan.reporting.len(), 3);
    assert_eq!(plan.reporting[1].until, Some(day(2025, 2, 28)));
    assert_eq!(to("commune", 2024), None);
    assert_eq!(to("commune", 2025), Some("SYT"));
}

/// MINI with one duty of the coordinating department appended.
fn mini_with_duty(agency: &str, indicators: &str, kinds: &str) -> String {
    format!(
        "{MINI}\n[[duties]]\ncode = \"SYT-1\"\nagency = \"{agency}\"\n\
         text_vi = \"Hướng dẫn, đôn đốc, kiểm tra.\"\ntext_en = \"Guide, urge, inspect.\"\n\
         indicators = {indicators}\nkinds = {kinds}\n"
    )
}

#[test]
fn duties_name_their_agency_and_what_they_feed() {
    let plan = check(&mini_with_duty("SYT", "[\"C1\", \"C2\"]", "[\"training\"]")).expect("clean");
    let duty = &plan.duties[0];
    assert_eq!(duty.code, "SYT-1");
    assert_eq!(duty.indicators, ["C1", "C2"]);
    assert_eq!(duty.kinds, ["training"]);
    assert_eq!(plan.duties_of("SYT", "department", "province").len(), 1);
    let level = check(&mini_with_duty("level:district", "[]", "[]")).expect("clean");
    assert_eq!(
        level
            .duties_of("UBND-D1", "people_committee", "district")
            .len(),
        1,
        "a district's people's committee carries the duties of its level"
    );
    assert!(level.duties_of("SYT", "department", "province").is_empty());
}

#[test]
fn a_duty_of_an_unknown_agency_is_reported() {
    let source = mini_with_duty("SLĐ", "[]", "[]");
    let error = only_error(&source);
    let line = line_with(&source, "agency = \"SLĐ\"");
    assert_error(&error, codes::UNKNOWN_AGENCY, line, "duties[0].agency");
    assert_eq!(error.message_vi(), "không có cơ quan nào mang mã \"SLĐ\"");

    let source = mini_with_duty("level:hamlet", "[]", "[]");
    let error = only_error(&source);
    assert_error(&error, codes::INVALID_VALUE, error.line, "duties[0].agency");
    assert_eq!(
        error.message_vi(),
        "\"level:hamlet\" không phải là cơ quan hợp lệ cho một nhiệm vụ: hãy dùng mã cơ quan hoặc \"level:<cấp>\""
    );
}

#[test]
fn a_duty_feeding_an_unknown_indicator_or_kind_is_reported() {
    let source = mini_with_duty("SYT", "[\"C1\", \"C9\"]", "[]");
    let error = only_error(&source);
    assert_error(
        &error,
        codes::UNKNOWN_INDICATOR,
        error.line,
        "duties[0].indicators[1]",
    );
    assert_eq!(error.message_vi(), "không có chỉ số nào mang mã \"C9\"");

    let source = mini_with_duty("SYT", "[]", "[\"training\", \"picnic\"]");
    let error = only_error(&source);
    assert_error(
        &error,
        codes::INVALID_VALUE,
        error.line,
        "duties[0].kinds[1]",
    );
    assert!(
        error.message.starts_with("\"picnic\" is not allowed"),
        "{error}"
    );
    assert!(
        error
            .message_vi()
            .starts_with("giá trị \"picnic\" không hợp lệ")
    );
}

#[test]
fn two_duties_with_one_code_are_reported() {
    let once = mini_with_duty("SYT", "[]", "[]");
    let duty = &once[once.find("[[duties]]").expect("duty")..];
    let source = format!("{once}\n{duty}");
    let error = only_error(&source);
    assert_eq!(error.code, codes::DUPLICATE_CODE);
    assert_eq!(error.field, "duties[1].code");
}

#[test]
fn shipped_plans_carry_their_duties_and_who_reports() {
    let plan = shipped();
    for agency in ["SLDTBXH", "SGDDT", "SVHTTDL", "TDTN", "MTTQ"] {
        assert!(
            !plan.duties_of(agency, "department", "province").is_empty(),
            "{agency} has duties"
        );
    }
    assert_eq!(
        plan.duties_of("UBND-106", "people_committee", "district")
            .len(),
        3
    );
    let owing: Vec<&str> = plan
        .agencies_reporting_in(2019)
        .iter()
        .map(|a| a.code.as_str())
        .collect();
    assert!(
        owing.contains(&"SGDDT") && owing.contains(&"TDTN"),
        "{owing:?}"
    );
    assert!(
        !owing.contains(&"SLDTBXH") && !owing.contains(&"UBND-12"),
        "not the coordinator nor the recipient: {owing:?}"
    );
    assert!(
        !owing.contains(&"UBND-106"),
        "a district reports as its unit"
    );
    assert!(
        plan.agencies_reporting_in(2021).is_empty(),
        "nobody owes a report for a year outside the period"
    );
    let next = check(include_str!("../../../../plans/lai-chau-2021-2030.toml")).expect("clean");
    assert!(!next.duties.is_empty());
    let owing: Vec<&str> = next
        .agencies_reporting_in(2026)
        .iter()
        .map(|a| a.code.as_str())
        .collect();
    assert!(
        !owing.contains(&"SYT") && owing.contains(&"SGDDT"),
        "{owing:?}"
    );
}
