//! Funding and the activity indicators: the funding page, `GET /api/v1/funding`
//! and the store agree on a small hand-made set (one line overspent, warned
//! about in words on the page and flagged in the API); budget lines are
//! validated field by field and a refused one stores nothing; district 106
//! sees nothing of 108 and a viewer cannot set a budget; A1–A3 for a
//! hand-made set; the demo fill gives every district activities and money.

use crate::db_test;
use crate::fixtures::{agency_by_code, budget_line, count, store_activity, unit_by_code};
use crate::helpers::{Answer, TestApp, assert_field_errors, assert_holds, item};
use chrono::{TimeZone, Utc};
use sea_orm::{ActiveModelTrait, ActiveValue::Set};
use serde_json::{Value, json};
use thamgia_domain::access::Scope;
use thamgia_store::activities;
use thamgia_store::entity::{annual_plan, annual_plan_item, budget_line};

fn now() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 29, 8, 0, 0)
        .single()
        .expect("time")
}

/// Tam Đường 2019: Project 1 central 10.000.000 (spent 4.000.000), Project 2
/// local 5.000.000 (spent 6.500.000: overspent). Sìn Hồ 2019: Project 1
/// central 20.000.000 (spent 1.000.000). Tam Đường 2018: a training course
/// (another year).
async fn small_set(app: &TestApp) {
    budget_line(app, "106", "2019", "central", "DA1", "10.000.000").await;
    budget_line(app, "106", "2019", "local", "DA2", "5.000.000").await;
    budget_line(app, "108", "2019", "central", "DA1", "20.000.000").await;
    store_activity(
        app,
        "106",
        "HĐ-2019-01",
        "DA1",
        "event",
        "15/04/2019",
        "PLDTBXH-106",
        &[("children", 40, 35)],
        Some(("central", "16/04/2019", "4.000.000")),
    )
    .await;
    store_activity(
        app,
        "106",
        "HĐ-2019-02",
        "DA2",
        "Tập huấn",
        "10/05/2019",
        "PGDDT-106",
        &[("teachers", 12, 8), ("parents", 5, 3)],
        Some(("Ngân sách địa phương", "11/05/2019", "6500000")),
    )
    .await;
    store_activity(
        app,
        "106",
        "HĐ-2018-01",
        "DA2",
        "training",
        "10/05/2018",
        "PGDDT-106",
        &[("teachers", 50, 50)],
        None,
    )
    .await;
    store_activity(
        app,
        "108",
        "HĐ-2019-01",
        "DA2",
        "training",
        "20/06/2019",
        "PGDDT-108",
        &[("child_protection", 7, 9)],
        Some(("central", "21/06/2019", "1.000.000")),
    )
    .await;
}

fn row<'a>(list: &'a Value, key: &str, code: &str) -> &'a Value {
    item(list, key, code)
}

async fn funding_totals_agree_on_page_api_and_store(app: TestApp) {
    small_set(&app).await;
    let token = app.token("district106").await;
    let f = app
        .api_ok(&token, "/api/v1/funding?unit=106&year=2019")
        .await;
    assert_eq!(f["unit"], "106");
    assert_eq!(f["year"], 2019);
    assert_eq!(
        f["total"],
        json!({"budget": 15_000_000, "spent": 10_500_000, "over": false})
    );
    let central = row(&f["by_source"], "code", "central");
    assert_eq!(
        (&central["budget"], &central["spent"], &central["over"]),
        (&json!(10_000_000), &json!(4_000_000), &json!(false))
    );
    assert_eq!(central["name"], "Ngân sách nhà nước");
    let local = row(&f["by_source"], "code", "local");
    assert_eq!(
        (&local["budget"], &local["spent"], &local["over"]),
        (&json!(5_000_000), &json!(6_500_000), &json!(true))
    );
    // The plan's four sources are always listed.
    assert_eq!(f["by_source"].as_array().map(Vec::len), Some(4));
    assert_eq!(row(&f["by_project"], "code", "DA2")["spent"], 6_500_000);
    assert_eq!(row(&f["by_project"], "code", "DA1")["budget"], 10_000_000);
    assert_eq!(row(&f["by_unit"], "code", "106")["spent"], 10_500_000);
    assert_eq!(
        f["by_year"],
        json!([{"year": 2019, "budget": 15_000_000, "spent": 10_500_000, "over": false}])
    );
    assert_eq!(
        f["over_budget"],
        json!([{"unit": "106", "year": 2019, "source": "local", "project": "DA2",
                "budget": 5_000_000, "spent": 6_500_000}])
    );
    // The store's cells sum to the same.
    let scope = Scope {
        path: unit_by_code(&app.db.conn, "106").await.path,
    };
    let cells = activities::money(&app.db.conn, &scope, None, Some(2019))
        .await
        .expect("money");
    let budget: i64 = cells.iter().map(|c| c.budget).sum();
    let spent: i64 = cells.iter().map(|c| c.spent).sum();
    assert_eq!((budget, spent), (15_000_000, 10_500_000));
    // Every year: 2016–2020 listed, the money in 2019.
    let (_, all) = app.api_get(&token, "/api/v1/funding?unit=106").await;
    assert!(all["year"].is_null());
    let years: Vec<i64> = all["by_year"]
        .as_array()
        .expect("array")
        .iter()
        .filter_map(|y| y["year"].as_i64())
        .collect();
    assert_eq!(years, vec![2016, 2017, 2018, 2019, 2020]);
    let y2019 = item(&all["by_year"], "year", 2019);
    assert_eq!(y2019["spent"], 10_500_000);
    // The province sees both districts, each as a row of its own.
    let coord = app.token("coordinator").await;
    let (_, p) = app
        .api_get(&coord, "/api/v1/funding?unit=12&year=2019")
        .await;
    assert_eq!(p["total"]["budget"], 35_000_000);
    assert_eq!(p["total"]["spent"], 11_500_000);
    assert_eq!(row(&p["by_unit"], "code", "108")["budget"], 20_000_000);
    assert_eq!(row(&p["by_unit"], "code", "106")["spent"], 10_500_000);
    assert_eq!(row(&p["by_unit"], "code", "12")["budget"], 0);
    assert_eq!(p["by_unit"].as_array().map(Vec::len), Some(9));

    // The page shows the same figures, the Vietnamese way, and the warning in words.
    let c = app.login("district106").await;
    let html = app.page(&c, "/funding?unit=106&year=2019").await;
    assert_holds(
        &html,
        "page lacks",
        &[
            "15.000.000\u{a0}₫",
            "10.500.000\u{a0}₫",
            "4.500.000\u{a0}₫",
            "6.500.000\u{a0}₫",
            "Ngân sách địa phương",
            "Cảnh báo: chi vượt dự toán",
            "⚠ 1.500.000\u{a0}₫",
            "Chi vượt dự toán",
            "<caption>Theo nguồn kinh phí</caption>",
            "/funding/export.xlsx?unit=106&#38;year=2019",
        ],
    );
    assert!(
        html.contains("<dd id=\"total-budget\">15.000.000\u{a0}₫</dd>"),
        "total"
    );
    assert!(!html.contains("Sìn Hồ"), "another district on the page");
    // No warning where nothing is overspent.
    let (_, html) = app.get(&c, "/funding?unit=106&year=2018").await;
    assert!(!html.contains("Cảnh báo: chi vượt dự toán"));
    // In English too.
    let _ = app.page(&c, "/funding").await;
}
db_test!(funding_totals_agree_on_page_api_and_store);

async fn budget_lines_are_checked_field_by_field(app: TestApp) {
    let token = app.token("district106").await;
    let body = app
        .api_put(&token, "/api/v1/budget-lines", &json!({}))
        .await
        .expect_status(422);
    for f in ["unit", "year", "source", "project", "amount"] {
        assert_eq!(body["error"]["fields"][f], "required", "{f}: {body}");
    }
    let body = app
        .api_put(
            &token,
            "/api/v1/budget-lines",
            &json!({"unit": "108", "year": "19", "source": "ngân hàng", "project": "DA9",
                    "amount": "1,5"}),
        )
        .await
        .expect_status(422);
    assert_field_errors(
        &body,
        &[
            ("unit", "unknown_unit"),
            ("year", "not_a_year"),
            ("amount", "not_an_amount"),
        ],
    );
    let body = app
        .api_put(
            &token,
            "/api/v1/budget-lines",
            &json!({"unit": "106", "year": 2019, "source": "ngân hàng", "project": "DA9",
                    "amount": -5}),
        )
        .await
        .expect_status(422);
    assert_field_errors(
        &body,
        &[
            ("source", "unknown_source"),
            ("project", "unknown_project"),
            ("amount", "negative_amount"),
        ],
    );
    // A year no plan covers has no sources or projects.
    let body = app
        .api_put(
            &token,
            "/api/v1/budget-lines",
            &json!({"unit": "106", "year": "2026", "source": "local", "project": "DA1",
                    "amount": "1.000.000"}),
        )
        .await
        .expect_status(422);
    assert_eq!(body["error"]["fields"]["source"], "unknown_source");
    assert_eq!(
        count(&app, budget_line::Entity).await,
        0,
        "refused lines store nothing"
    );

    // The page's form: every error named in Vietnamese, nothing stored.
    let c = app.login("district106").await;
    let csrf = app.csrf(&c, "/funding?unit=106&year=2019").await;
    let r = app
        .submit_form(
            &c,
            &csrf,
            "/funding/budget-lines?unit=106&year=2019",
            &[
                ("unit", ""),
                ("year", "20x9"),
                ("source", ""),
                ("project", "DA1"),
                ("amount", "12,5"),
                ("note", ""),
            ],
            422,
        )
        .await;
    let html = r.text().await.expect("html");
    assert_holds(
        &html,
        "form lacks",
        &[
            "Dòng dự toán chưa được lưu",
            "Đơn vị: Chưa nhập",
            "Năm: Năm phải gồm 4 chữ số",
            "Nguồn kinh phí: Chưa nhập",
            "Số tiền (đồng): Số tiền phải là số đồng nguyên",
            "id=\"amount\" name=\"amount\" type=\"text\" inputmode=\"numeric\" placeholder=\"1.250.000\" value=\"12,5\" aria-invalid=\"true\"",
        ],
    );
    assert_eq!(count(&app, budget_line::Entity).await, 0);
    // A good line is saved; the same line again replaces its amount.
    let form = |amount: &'static str| {
        vec![
            ("csrf", csrf.clone()),
            ("unit", "106".to_string()),
            ("year", "2019".to_string()),
            ("source", "local".to_string()),
            ("project", "DA2".to_string()),
            ("amount", amount.to_string()),
            ("note", String::new()),
        ]
    };
    for amount in ["12.500.000", "13.000.000 ₫"] {
        let f = form(amount);
        let pairs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let r = app
            .post_form(&c, "/funding/budget-lines?unit=106&year=2019", &pairs)
            .await;
        assert_eq!(r.status().as_u16(), 303);
        assert_eq!(
            r.headers()["location"],
            "/funding?unit=106&year=2019&saved=1#lines"
        );
    }
    assert_eq!(count(&app, budget_line::Entity).await, 1);
    let (_, html) = app.get(&c, "/funding?unit=106&year=2019&saved=1").await;
    assert!(html.contains("Đã lưu dòng dự toán") && html.contains("13.000.000\u{a0}₫"));
    // Through the API: the same line is unchanged (200), a new one created (201).
    let same = json!({"unit": "106", "year": 2019, "source": "Ngân sách địa phương",
                      "project": "da2", "amount": 13_000_000});
    let (s, b) = app.api_put(&token, "/api/v1/budget-lines", &same).await;
    assert_eq!((s, &b["saved"]), (200, &json!("unchanged")), "{b}");
    let (s, b) = app
        .api_put(
            &token,
            "/api/v1/budget-lines",
            &json!({"unit": "106", "year": "2019", "source": "local", "project": "DA2",
                    "amount": "14.000.000"}),
        )
        .await;
    assert_eq!(
        (s, &b["saved"], &b["amount"]),
        (200, &json!("updated"), &json!(14_000_000))
    );
    let (s, b) = app
        .api_put(
            &token,
            "/api/v1/budget-lines",
            &json!({"unit": "106", "year": "2020", "source": "central", "project": "DA1",
                    "amount": "2.000.000", "note": "Quyết định giao dự toán"}),
        )
        .await;
    assert_eq!(
        (s, &b["saved"], &b["unit"]),
        (201, &json!("created"), &json!("106"))
    );
    assert_eq!(count(&app, budget_line::Entity).await, 2);
    let list = app
        .api_ok(
            &token,
            "/api/v1/budget-lines?unit=106&year=2020&per_page=1000",
        )
        .await;
    assert_eq!(
        list,
        json!([{"id": b["id"], "unit": "106", "year": 2020, "source": "central", "project": "DA1",
                "amount": 2_000_000, "spent": 0, "over": false, "note": "Quyết định giao dự toán"}])
    );
}
db_test!(budget_lines_are_checked_field_by_field);

async fn funding_is_scoped(app: TestApp) {
    small_set(&app).await;
    let token = app.token("district106").await;
    for path in [
        "/api/v1/funding?unit=108",
        "/api/v1/funding?unit=108&year=2019",
        "/api/v1/budget-lines?unit=108",
        "/api/v1/funding?unit=NOPE",
    ] {
        let body = app.api_get(&token, path).await.expect_status(404);
        assert_eq!(body["error"]["code"], "not_found");
    }
    let (s, body) = app
        .api_get(&token, "/api/v1/funding?unit=106&year=19")
        .await;
    assert_eq!(
        (s, &body["error"]["fields"]["year"]),
        (422, &json!("invalid_year"))
    );
    // Without a unit: the caller's own, nothing of 108 in it.
    let f = app.api_ok(&token, "/api/v1/funding").await;
    assert_eq!(f["unit"], "106");
    assert!(!f.to_string().contains("\"108\""));
    assert_eq!(f["total"]["budget"], 15_000_000);
    let (_, l) = app
        .api_get(&token, "/api/v1/budget-lines?per_page=1000")
        .await;
    assert_eq!(l.as_array().map(Vec::len), Some(2));
    assert!(
        l.as_array()
            .expect("array")
            .iter()
            .all(|x| x["unit"] == "106")
    );
    let before = count(&app, budget_line::Entity).await;
    let (s, body) = app
        .api_put(
            &token,
            "/api/v1/budget-lines",
            &json!({"unit": "108", "year": "2019", "source": "central", "project": "DA1",
                    "amount": "1"}),
        )
        .await;
    assert_eq!(
        (s, &body["error"]["fields"]["unit"]),
        (422, &json!("unknown_unit"))
    );
    let c = app.login("district106").await;
    let (s, html) = app.get(&c, "/funding?unit=108").await;
    assert_eq!(s, 404);
    assert!(!html.contains("20.000.000"));
    // A viewer reads, but may not set a budget (API and page); neither may an agency officer.
    for who in ["viewer", "agency106"] {
        let t = app.token(who).await;
        let (s, _) = app.api_get(&t, "/api/v1/funding?unit=106").await;
        assert_eq!(s, 200, "{who} reads");
        let (s, body) = app
            .api_put(
                &t,
                "/api/v1/budget-lines",
                &json!({"unit": "106", "year": "2019", "source": "central", "project": "DA1",
                        "amount": "1"}),
            )
            .await;
        assert_eq!(
            (s, &body["error"]["code"]),
            (403, &json!("forbidden")),
            "{who}"
        );
        let c = app.login(who).await;
        let html = app.page(&c, "/funding?unit=106&year=2019").await;
        assert!(!html.contains("Lưu dòng dự toán"), "{who} sees the form");
        let csrf = crate::helpers::csrf_in(&html).expect("csrf");
        let r = app
            .post_form(
                &c,
                "/funding/budget-lines",
                &[
                    ("csrf", &csrf),
                    ("unit", "106"),
                    ("year", "2019"),
                    ("source", "central"),
                    ("project", "DA1"),
                    ("amount", "1"),
                ],
            )
            .await;
        assert_eq!(r.status().as_u16(), 403, "{who}");
    }
    assert_eq!(count(&app, budget_line::Entity).await, before);
}
db_test!(funding_is_scoped);

fn indicator<'a>(doc: &'a Value, code: &str) -> &'a Value {
    row(doc, "code", code)
}

fn part(i: &Value, key: &str) -> i64 {
    row(&i["breakdown"], "key", key)["value"]
        .as_i64()
        .unwrap_or(-1)
}

async fn activity_indicators_a1_to_a3(app: TestApp) {
    small_set(&app).await;
    let token = app.token("district106").await;
    let doc = app.indicators(&token, "106", 2019).await.expect_status(200);
    // A1: the 2019 Project 2 course only (12+8 teachers, 5+3 parents).
    let a1 = indicator(&doc, "A1");
    assert_eq!(
        (&a1["numerator"], &a1["denominator"]),
        (&json!(28), &json!(1))
    );
    assert_eq!(a1["value"], 28.0);
    assert_eq!(a1["unit"], "count");
    assert!(a1["target"].is_null(), "no annual plan yet");
    assert_eq!(part(a1, "teachers.female"), 12);
    assert_eq!(part(a1, "teachers.male"), 8);
    assert_eq!(part(a1, "parents.female"), 5);
    assert_eq!(part(a1, "parents.male"), 3);
    assert_eq!(
        part(a1, "children.female"),
        0,
        "the event's children are not trained"
    );
    assert_eq!(a1["breakdown"].as_array().map(Vec::len), Some(12));
    // A2: two activities started in 2019, one per project.
    let a2 = indicator(&doc, "A2");
    assert_eq!(a2["numerator"], 2);
    assert_eq!(
        (part(a2, "DA1"), part(a2, "DA2"), part(a2, "MH1")),
        (1, 1, 0)
    );
    // A3: spending by source, against the budget.
    let a3 = indicator(&doc, "A3");
    assert_eq!(
        (
            &a3["numerator"],
            &a3["denominator"],
            &a3["target"],
            &a3["unit"]
        ),
        (
            &json!(10_500_000),
            &json!(15_000_000),
            &json!(15_000_000),
            &json!("dong")
        )
    );
    assert_eq!(
        (part(a3, "central"), part(a3, "local")),
        (4_000_000, 6_500_000)
    );
    assert_eq!(part(a3, "foreign_donors"), 0);
    // Other indicators carry no breakdown.
    assert!(indicator(&doc, "T1").get("breakdown").is_none());
    // The province adds Sìn Hồ's course.
    let coord = app.token("coordinator").await;
    let (_, prov) = app.indicators(&coord, "12", 2019).await;
    assert_eq!(indicator(&prov, "A1")["numerator"], 44);
    assert_eq!(part(indicator(&prov, "A1"), "child_protection.male"), 9);
    assert_eq!(indicator(&prov, "A3")["numerator"], 11_500_000);
    // Annual plans give A1 and A2 their targets.
    let db = &app.db.conn;
    let u = unit_by_code(db, "106").await;
    let ag = agency_by_code(db, "PGDDT-106").await;
    let plan = annual_plan::ActiveModel {
        unit_id: Set(u.id),
        agency_id: Set(ag.id),
        year: Set(2019),
        created_at: Set(now()),
        ..Default::default()
    }
    .insert(db)
    .await
    .expect("plan");
    for (project, kind, people) in [
        ("DA2", "training", 60),
        ("DA2", "training", 40),
        ("DA1", "event", 200),
    ] {
        annual_plan_item::ActiveModel {
            annual_plan_id: Set(plan.id),
            project_code: Set(project.into()),
            kind: Set(kind.into()),
            title: Set(format!("Kế hoạch {project}")),
            planned_participants: Set(people),
            planned_budget: Set(5_000_000),
            ..Default::default()
        }
        .insert(db)
        .await
        .expect("item");
    }
    let (_, doc) = app.indicators(&token, "106", 2019).await;
    assert_eq!(indicator(&doc, "A1")["target"], 100.0);
    assert_eq!(indicator(&doc, "A2")["target"], 3.0);
    // Another year: nothing counted; a year without a plan: no A indicators at all.
    let (_, doc) = app.indicators(&token, "106", 2017).await;
    assert_eq!(indicator(&doc, "A1")["numerator"], 0);
    assert_eq!(indicator(&doc, "A3")["target"], 0.0);
    let (_, doc) = app.indicators(&token, "106", 2026).await;
    assert!(
        doc.as_array()
            .expect("array")
            .iter()
            .all(|i| !i["code"].as_str().unwrap_or("").starts_with('A'))
    );
}
db_test!(activity_indicators_a1_to_a3);

async fn demo_fill_gives_every_district_activities_and_money(app: TestApp) {
    let started = std::time::Instant::now();
    let s = thamgia::demo_activities::fill(&app.db, now(), 2020)
        .await
        .expect("demo");
    eprintln!("demo activities: {s:?} in {:?}", started.elapsed());
    assert!(
        s.activities > 250 && s.spendings * 10 > s.activities * 7,
        "{s:?}"
    );
    assert_eq!(s.overspent, 2, "{s:?}");
    let coord = app.token("coordinator").await;
    let (_, f) = app.api_get(&coord, "/api/v1/funding?unit=12").await;
    for code in ["12", "105", "106", "107", "108", "109", "110", "111", "112"] {
        let u = row(&f["by_unit"], "code", code);
        assert!(
            u["budget"].as_i64() > Some(0) && u["spent"].as_i64() > Some(0),
            "{code}: {u}"
        );
    }
    assert_eq!(
        f["over_budget"].as_array().map(Vec::len),
        Some(2),
        "{}",
        f["over_budget"]
    );
    assert!(row(&f["by_source"], "code", "foreign_donors")["spent"].as_i64() > Some(0));
    for y in f["by_year"].as_array().expect("array") {
        assert!(y["spent"].as_i64() > Some(0), "{y}");
    }
    // Mường Tè and Nậm Nhùn lag behind.
    let count = |doc: &Value| indicator(doc, "A2")["numerator"].as_i64().unwrap_or(0);
    let mut per_district = vec![];
    for code in ["105", "106", "107", "108", "109", "110", "111", "112"] {
        let mut n = 0;
        for year in 2016..=2020 {
            let (_, doc) = app.indicators(&coord, code, year).await;
            n += count(&doc);
            if year == 2019 {
                assert!(
                    indicator(&doc, "A3")["numerator"].as_i64() > Some(0),
                    "{code}"
                );
            }
        }
        per_district.push((code, n));
    }
    let lag: i64 = per_district
        .iter()
        .filter(|(c, _)| *c == "107" || *c == "112")
        .map(|(_, n)| *n)
        .max()
        .unwrap_or(0);
    let others: i64 = per_district
        .iter()
        .filter(|(c, _)| *c != "107" && *c != "112")
        .map(|(_, n)| *n)
        .min()
        .unwrap_or(0);
    assert!(lag < others, "{per_district:?}");
    // The page shows the warning for the province.
    let c = app.login("coordinator").await;
    let html = app.page(&c, "/funding?unit=12").await;
    assert!(html.contains("Cảnh báo: chi vượt dự toán (2)"));
    assert!(html.contains("Huyện Sìn Hồ") && html.contains("Huyện Phong Thổ"));
}
db_test!(demo_fill_gives_every_district_activities_and_money);
