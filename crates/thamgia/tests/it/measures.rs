//! A plan made only from the vocabulary of measures — another province,
//! other codes, children aged 9–12, a units-running-models measure at commune
//! level, children's answers as a share and as a count — imported through the
//! API and computed with no code of its own: the figures of
//! `/api/v1/indicators` are checked against records counted by hand.
//!
//! The child population (the denominator of a share of children) is not on
//! this branch yet: the share reports "no data" (value null, denominator 0)
//! and its answers without an age in `not_given`.

use crate::db_test;
use crate::fixtures::{agency_by_code, blank_paper, new_coordinator, survey};
use crate::helpers::{Answer, TestApp, column};
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use serde_json::{Value, json};
use thamgia_domain::access::{Actor, Scope};
use thamgia_domain::voice::Age;
use thamgia_domain::voice::{JoinCode, MatterKind, Stage};
use thamgia_store::consultations::{self, AnswerBack};
use thamgia_store::matters::{self, NewMatter};
use thamgia_store::responses::{self};
use thamgia_store::{councils, drilldown, units};

const PLAN: &str = r#"[header]
code = "thu-2026-2030"
name_vi = "Kế hoạch thử nghiệm các thước đo"
name_en = "Test plan of the measures"
issuer_vi = "Ủy ban nhân dân tỉnh Thử"
issuer_en = "Test Provincial People's Committee"
issuer_unit = "P9"
document_date = 2026-01-15
period_start = 2026
period_end = 2030
subject_vi = "Trẻ em từ 9 đến 12 tuổi"
subject_en = "Children aged 9 to 12"
subject_min_age = 9
subject_max_age = 12
scope_vi = "Toàn tỉnh"
scope_en = "The whole province"
coordinator = "SYT9"
age_bands = [{ from = 9, to = 10 }, { from = 11, to = 12 }]

[settings]
answer_due_days = 30

[levels]
forums = ["province", "commune"]
councils = ["commune"]

[[units]]
code = "P9"
name_vi = "Tỉnh Thử"
name_en = "Test province"
level = "province"

[[units]]
code = "X91"
name_vi = "Xã Một"
name_en = "Commune One"
level = "commune"
parent = "P9"

[[units]]
code = "X92"
name_vi = "Xã Hai"
name_en = "Commune Two"
level = "commune"
parent = "P9"

[[agencies]]
code = "SYT9"
name_vi = "Sở Y tế tỉnh Thử"
name_en = "Department of Health of the test province"
unit = "P9"
kind = "department"

[[agencies]]
code = "UBND-X91"
name_vi = "Ủy ban nhân dân xã Một"
name_en = "People's Committee of Commune One"
unit = "X91"
kind = "people_committee"

[[purposes]]
text_vi = "Trẻ em được lắng nghe."
text_en = "Children are heard."

[[objectives]]
kind = "specific"
text_vi = "30% trẻ em từ 9 đến 12 tuổi được tham vấn."
text_en = "30% of children aged 9 to 12 are consulted."
indicator = "K4"

[[indicators]]
code = "K1"
name_vi = "Tỷ lệ quyết định ở cộng đồng được tham vấn"
name_en = "Community decisions consulted"
unit = "%"
measure = "matters_consulted"
params = { matter_kind = "community_decision" }
target = 80
definition_vi = "Tỷ lệ quyết định ở cộng đồng được tham vấn trẻ em."
definition_en = "Share of community decisions consulted with children."
numerator_vi = "Số quyết định được tham vấn"
numerator_en = "Decisions consulted"
denominator_vi = "Số quyết định"
denominator_en = "Decisions"

[[indicators]]
code = "K2"
name_vi = "Số diễn đàn cấp tỉnh"
name_en = "Province forums held"
unit = "count"
measure = "forums_held"
params = { levels = ["province"] }
target = 1
definition_vi = "Diễn đàn trẻ em cấp tỉnh trong năm."
definition_en = "Province children's forums in the year."
numerator_vi = "Số diễn đàn"
numerator_en = "Forums"

[[indicators]]
code = "K3"
name_vi = "Tỷ lệ xã có hội đồng trẻ em hoạt động"
name_en = "Communes whose children's council works"
unit = "%"
measure = "units_running_models"
params = { level = "commune", models = ["council"] }
target = 50
definition_vi = "Tỷ lệ xã có hội đồng trẻ em đối thoại trong năm."
definition_en = "Share of communes whose children's council held a dialogue in the year."
numerator_vi = "Số xã"
numerator_en = "Communes"
denominator_vi = "Số xã"
denominator_en = "Communes"

[[indicators]]
code = "K4"
name_vi = "Tỷ lệ ý kiến trẻ em 9–12 tuổi trên số trẻ em"
name_en = "Answers of children aged 9–12 per child"
unit = "%"
measure = "children_answers"
params = { age_min = 9, age_max = 12 }
target = 30
definition_vi = "Số ý kiến (không phải số trẻ em) của trẻ em 9–12 tuổi trên số trẻ em 9–12 tuổi."
definition_en = "Answers (not children) of children aged 9–12 over the children aged 9–12."
numerator_vi = "Số ý kiến"
numerator_en = "Answers"
denominator_vi = "Số trẻ em 9–12 tuổi"
denominator_en = "Children aged 9–12"

[[indicators]]
code = "K5"
name_vi = "Số ý kiến trẻ em 9–12 tuổi"
name_en = "Answers of children aged 9–12"
unit = "count"
measure = "children_answers"
params = { age_min = 9, age_max = 12 }
target = 20
definition_vi = "Số ý kiến của trẻ em 9–12 tuổi, kể cả ý kiến không rõ tuổi."
definition_en = "Answers of children aged 9–12, and those that gave no age."
numerator_vi = "Số ý kiến"
numerator_en = "Answers"

[[indicators]]
code = "K6"
name_vi = "Tỷ lệ trẻ em hiểu biết hơn về quyền tham gia"
name_en = "Children more aware of their right to take part"
unit = "%"
measure = "not_computed"
target = 90
definition_vi = "Đo bằng khảo sát hằng năm."
definition_en = "Measured by a yearly survey."
numerator_vi = "Số trẻ em trả lời có"
numerator_en = "Children answering yes"
denominator_vi = "Số trẻ em được khảo sát"
denominator_en = "Children surveyed"

[[projects]]
code = "MH"
kind = "model"
parent = "DA"
name_vi = "Hội đồng trẻ em"
name_en = "Children's Council"
goal_vi = "Trẻ em đối thoại."
goal_en = "Children hold dialogues."
lead = "SYT9"
indicators = ["K3"]

[[projects]]
code = "DA"
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
reporter = "level:commune"
recipient = "SYT9"
frequency = "yearly"
text_vi = "Báo cáo hằng năm."
text_en = "Report every year."
"#;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 29, 8, 0, 0)
        .single()
        .expect("now")
}

fn day(m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, m, d).expect("date")
}

async fn unit_id(app: &TestApp, code: &str) -> i32 {
    units::get_in_scope(&app.db.conn, &Scope::everything(), code)
        .await
        .expect("unit")
        .id
}

/// Two community decisions of commune X91 in 2026, the first consulted
/// (answered by 28 children of the ages given, published).
async fn records(app: &TestApp) {
    let c = &app.db.conn;
    let actor = Actor::system("measures test");
    let x91 = unit_id(app, "X91").await;
    let x92 = unit_id(app, "X92").await;
    let agency = agency_by_code(c, "UBND-X91").await.id;
    let mut matters_made = vec![];
    for title in ["Sân chơi của xã", "Giờ mở cửa nhà văn hóa"] {
        let m = matters::create(
            c,
            &actor,
            now(),
            NewMatter {
                kind: MatterKind::CommunityDecision,
                title: title.into(),
                summary: "Quyết định của xã".into(),
                owner_agency_id: agency,
                unit_id: x91,
                stage: Stage::Consulting,
                decision_date: Some(day(9, 1)),
            },
        )
        .await
        .expect("matter");
        matters_made.push(m.id);
    }
    let k = consultations::create(
        c,
        &actor,
        now(),
        survey(
            x91,
            Some(matters_made[0]),
            "Hỏi các em về sân chơi",
            (day(6, 1), day(6, 20)),
        ),
        [JoinCode::from_random([9, 1, 2, 3, 4, 5])],
    )
    .await
    .expect("consultation");
    consultations::open(c, &actor, now(), k.id)
        .await
        .expect("open");
    // By hand: aged 8 ×5, 9 ×3, 10 ×3, 11 ×5, 12 ×2, 14 ×5, no age ×5.
    let ages: Vec<Option<i64>> = [
        (Some(8), 5),
        (Some(9), 3),
        (Some(10), 3),
        (Some(11), 5),
        (Some(12), 2),
        (Some(14), 5),
        (None, 5),
    ]
    .into_iter()
    .flat_map(|(a, n)| std::iter::repeat_n(a, n))
    .collect();
    for (i, age) in ages.into_iter().enumerate() {
        let paper = blank_paper(k.id, format!("measures-{i}"), age.and_then(Age::parse));
        responses::submit(c, now(), paper).await.expect("response");
    }
    consultations::close(c, &actor, now(), k.id, String::new())
        .await
        .expect("close");
    let a = AnswerBack {
        decided: "Xã làm sân chơi".into(),
        taken: String::new(),
        not_taken: String::new(),
    };
    consultations::save_answer(c, &actor, now(), k.id, a, true)
        .await
        .expect("answer");
    // Commune X91's council holds a dialogue; X92's holds none.
    for (unit, name) in [
        (x91, "Hội đồng trẻ em xã Một"),
        (x92, "Hội đồng trẻ em xã Hai"),
    ] {
        let council = councils::create(
            c,
            &actor,
            now(),
            councils::NewCouncil {
                unit_id: unit,
                name: name.into(),
                established_on: day(2, 1),
            },
        )
        .await
        .expect("council");
        if unit == x91 {
            councils::add_dialogue(
                c,
                &actor,
                now(),
                council.id,
                councils::NewDialogue {
                    held_on: day(8, 15),
                    attendees: "Chủ tịch xã".into(),
                    issues: "Sân chơi".into(),
                    children_present: 12,
                },
            )
            .await
            .expect("dialogue");
        }
    }
}

fn figure<'a>(list: &'a Value, code: &str) -> &'a Value {
    list.as_array()
        .and_then(|a| a.iter().find(|i| i["code"] == code))
        .unwrap_or_else(|| panic!("{code} in {list}"))
}

fn part(f: &Value, key: &str) -> Value {
    f["breakdown"]
        .as_array()
        .and_then(|a| a.iter().find(|p| p["key"] == key))
        .map(|p| p["value"].clone())
        .unwrap_or_else(|| panic!("{key} in {f}"))
}

async fn a_plan_of_measures_only_is_computed_from_the_records(app: TestApp) {
    let admin = app.token("admin").await;
    app.api_post(&admin, "/api/v1/plans", &json!({"source": PLAN}))
        .await
        .expect_status(201);
    records(&app).await;
    // The test province's coordinator.
    new_coordinator(
        &app,
        "coord9",
        "Điều phối tỉnh Thử",
        unit_id(&app, "P9").await,
    )
    .await;
    let coord = app.token("coord9").await;
    let list = app.indicators(&coord, "P9", 2026).await.expect_status(200);
    let codes = column(&list, "code");
    assert_eq!(
        codes,
        ["K1", "K2", "K3", "K4", "K5", "K6"],
        "the file's order"
    );

    // K1: 1 of the 2 community decisions consulted.
    let k1 = figure(&list, "K1");
    assert_eq!(
        (&k1["numerator"], &k1["denominator"], &k1["value"]),
        (&json!(1), &json!(2), &json!(50))
    );
    assert_eq!(k1["measure"], "matters_consulted");
    assert_eq!(k1["target"], 80);
    // K2: no province forum.
    let k2 = figure(&list, "K2");
    assert_eq!(
        (&k2["numerator"], &k2["denominator"]),
        (&json!(0), &json!(1))
    );
    assert_eq!(k2["value"], 0);
    // K3: of the 2 communes, X91's council held a dialogue.
    let k3 = figure(&list, "K3");
    assert_eq!(
        (&k3["numerator"], &k3["denominator"], &k3["value"]),
        (&json!(1), &json!(2), &json!(50))
    );
    assert_eq!(k3["standing"], "met");
    // K4: answers aged 9–12 = 3 + 3 + 5 + 2 = 13; no population figure yet:
    // no value; the 5 answers with no age are shown beside it.
    let k4 = figure(&list, "K4");
    assert_eq!(k4["numerator"], 13, "{k4}");
    assert_eq!(k4["denominator"], 0);
    assert!(k4["value"].is_null());
    assert_eq!(k4["standing"], "no_data");
    assert_eq!(k4["not_given"], 5);
    assert_eq!(k4["capped"], false);
    assert_eq!(part(k4, "age.9-10"), 6);
    assert_eq!(part(k4, "age.11-12"), 7);
    // K5: the same answers as a count, with the 5 of no age as a part of it.
    let k5 = figure(&list, "K5");
    assert_eq!(k5["numerator"], 18, "{k5}");
    assert_eq!(k5["value"], 18);
    assert_eq!(k5["suppressed"], false);
    assert_eq!(part(k5, "age.9-10"), 6);
    assert_eq!(part(k5, "age.11-12"), 7);
    assert_eq!(part(k5, "age.unknown"), 5);
    let names = column(&k5["breakdown"], "name");
    assert!(names.contains(&"Không rõ tuổi"), "{names:?}");
    // K6: measured outside Thamgia: listed with no figure.
    let k6 = figure(&list, "K6");
    assert!(k6["value"].is_null());
    assert_eq!(k6["measure"], "not_computed");
    assert_eq!(k6["standing"], "no_data");

    // A commune's own figures: X92 has no decision, no dialogue.
    let (_, x92) = app.indicators(&coord, "X92", 2026).await;
    let k3 = figure(&x92, "K3");
    assert_eq!(
        (&k3["numerator"], &k3["denominator"]),
        (&json!(0), &json!(1))
    );
    assert_eq!(figure(&x92, "K5")["numerator"], 0);

    // The records behind K1 and K3 add up to their figures.
    let db = &app.db.conn;
    for (code, total) in [("K1", 1), ("K3", 1), ("K4", 13), ("K5", 18)] {
        let r = drilldown::records(db, &Scope::everything(), "P9", 2026, code)
            .await
            .expect("records");
        assert_eq!(r.total(), total, "{code}");
    }
    // A code this year's plan does not list opens nothing.
    assert!(
        drilldown::records(db, &Scope::everything(), "P9", 2026, "T1")
            .await
            .is_err()
    );
    // The dashboard shows the plan's own codes.
    let c = app.login("coord9").await;
    let html = app.page(&c, "/dashboard?unit=P9&year=2026").await;
    assert!(html.contains("id=\"trend-K4-t\""));

    // The child population, through the API: X91 has 10 girls and 10 boys
    // of each age 9–12 (80), X92 5 and 5 (40): K4 = 13 / 120 = 10.8 %.
    let mut rows = Vec::new();
    for (unit, n) in [("X91", 10), ("X92", 5)] {
        for age in 6..=15 {
            for sex in ["girl", "boy"] {
                rows.push(
                    json!({"unit": unit, "year": 2026, "age": age, "sex": sex, "children": n}),
                );
            }
        }
    }
    app.api_put(&coord, "/api/v1/population", &json!({ "rows": rows }))
        .await
        .expect_status(200);
    let (_, list) = app.indicators(&coord, "P9", 2026).await;
    let k4 = figure(&list, "K4");
    assert_eq!(
        (&k4["numerator"], &k4["denominator"], &k4["value"]),
        (&json!(13), &json!(120), &json!(10.8)),
        "{k4}"
    );
    assert_eq!(k4["standing"], "behind");
    assert_eq!(k4["population_demo"], false);
    // The dashboard, the report page and the report's .xlsx say the same.
    let (_, html) = app.get(&c, "/dashboard?unit=P9&year=2026").await;
    let at = html.find("K4").unwrap_or(0);
    let near = &html[at..(at + 2500).min(html.len())];
    assert!(
        near.contains("10,8") && near.contains("13 / 120"),
        "dashboard: {near}"
    );
    assert!(
        html.contains("Không rõ tuổi: 5 lượt ý kiến"),
        "age not given shown"
    );
    let html = app.page(&c, "/reports/P9/2026").await;
    assert!(
        html.contains("data-code=\"K4\"") && html.contains("10,8 %"),
        "report page"
    );
    let xlsx = app
        .download_ok(&coord, "/api/v1/reports/P9/2026/export?format=xlsx")
        .await;
    let cells: Vec<String> = thamgia_office::read_xlsx(&xlsx)
        .expect("xlsx")
        .into_iter()
        .flat_map(|t| t.rows)
        .flat_map(|r| r.cells)
        .map(|cell| format!("{cell:?}"))
        .collect();
    assert!(cells.iter().any(|x| x.contains("K4")), "K4 in the workbook");
    assert!(
        cells.iter().any(|x| x.contains("10.8")),
        "10.8 in the workbook: {cells:?}"
    );

    // Plans of two provinces for the same years coexist: Lai Châu's
    // 2021–2030 plan beside P9's 2026–2030 one; each unit reads its own.
    let lc = app.token("coordinator").await;
    let (s, r) = app
        .api_post(
            &lc,
            "/api/v1/plans",
            &json!({ "source": thamgia::LAI_CHAU_PLAN_2021 }),
        )
        .await;
    assert!(s == 200 || s == 201, "{r}");
    let (_, p9) = app.indicators(&coord, "P9", 2026).await;
    let (_, lai_chau) = app.indicators(&lc, "12", 2026).await;
    let codes = |v: &Value| -> Vec<String> {
        v.as_array()
            .expect("array")
            .iter()
            .filter_map(|i| i["code"].as_str().map(str::to_owned))
            .collect()
    };
    assert_eq!(codes(&p9), ["K1", "K2", "K3", "K4", "K5", "K6"]);
    let lc_codes = codes(&lai_chau);
    assert!(
        lc_codes.contains(&"CT22".to_string()) && !lc_codes.contains(&"K1".to_string()),
        "{lc_codes:?}"
    );
}
db_test!(a_plan_of_measures_only_is_computed_from_the_records);
