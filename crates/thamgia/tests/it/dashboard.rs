//! The dashboard and the records behind each figure: on a hand-made set of
//! records, every card shows the API's value, the drill-down of every code
//! adds up to its figure (T2, M1, A2 and C1 also read off the page), the
//! province's district × indicator table has its 8 districts, a district
//! officer sees only their district (404 for another's `?unit=`), counts of
//! 1–4 children read "<5", and the page speaks English too.

use crate::db_test;
use crate::fixtures::{agency_id, unit_by_code, unit_id};
use crate::helpers::{Answer, TestApp, assert_holds, assert_lacks};
use chrono::{NaiveDate, TimeZone, Utc};
use sea_orm::{ActiveModelTrait, ActiveValue::Set};
use serde_json::Value;
use thamgia_domain::access::Scope;
use thamgia_store::entity::{activity, consultation, forum, matter, response};
use thamgia_store::{aggregates, drilldown, engine};
use thamgia_web::clock::Clock;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).expect("date")
}

async fn school_decision(app: &TestApp, unit: &str, title: &str) -> i32 {
    let now = app.clock.now();
    let m = matter::ActiveModel {
        kind: Set(thamgia_domain::voice::MatterKind::SchoolDecision),
        title: Set(title.into()),
        summary: Set("Quyết định của nhà trường".into()),
        owner_agency_id: Set(agency_id(app, &format!("PGDDT-{unit}")).await),
        unit_id: Set(unit_id(app, unit).await),
        stage: Set(thamgia_domain::voice::Stage::Decided),
        decision_date: Set(Some(d(2019, 9, 1))),
        year: Set(2019),
        created_by: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&app.db.conn)
    .await
    .expect("matter");
    aggregates::matter_changed(&app.db.conn, None, &m)
        .await
        .expect("aggregates");
    m.id
}

/// A closed, answered consultation of `unit` with `n` children's responses
/// that arrived in 2019.
pub(crate) async fn consultation_with(
    app: &TestApp,
    unit: &str,
    matter_id: Option<i32>,
    code: &str,
    n: usize,
) -> i32 {
    let now = app.clock.now();
    let at = Utc
        .with_ymd_and_hms(2019, 5, 10, 9, 0, 0)
        .single()
        .expect("time");
    let k = consultation::ActiveModel {
        matter_id: Set(matter_id),
        unit_id: Set(unit_id(app, unit).await),
        title: Set(format!("Tham vấn {code}")),
        intro: Set("Các em cho ý kiến".into()),
        method: Set(thamgia_domain::voice::Method::Survey),
        age_min: Set(6),
        age_max: Set(15),
        opens_on: Set(d(2019, 5, 1)),
        closes_on: Set(d(2019, 5, 30)),
        facilitator_id: Set(None),
        join_code: Set(code.into()),
        status: Set(thamgia_domain::voice::Status::Closed),
        findings: Set(None),
        answer_decided: Set(Some("Đã quyết định".into())),
        answer_taken: Set(Some("Tiếp thu".into())),
        answer_not_taken: Set(Some("Không".into())),
        closed_at: Set(Some(at)),
        answer_published_at: Set(Some(at)),
        created_by: Set(None),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&app.db.conn)
    .await
    .expect("consultation");
    for i in 0..n {
        let r = response::ActiveModel {
            consultation_id: Set(k.id),
            submission_id: Set(format!("{code}-{i}")),
            content_hash: Set(format!("h{i}")),
            source: Set("child".into()),
            age: Set(Some(9 + i as i32 % 5)),
            sex: Set(Some(if i % 2 == 0 { "female" } else { "male" }.into())),
            ethnic: Set(Some("03".into())),
            disability: Set(None),
            unit_id: Set(None),
            entered_by: Set(None),
            created_at: Set(at),
            ..Default::default()
        }
        .insert(&app.db.conn)
        .await
        .expect("response");
        // As every write path does: the aggregates move with the record.
        aggregates::response_added(&app.db.conn, &r)
            .await
            .expect("aggregates");
    }
    k.id
}

async fn district_forum(app: &TestApp, unit: &str, level: &str) {
    let now = app.clock.now();
    let f = forum::ActiveModel {
        level: Set(thamgia_domain::models::ForumLevel::parse(level).expect("level")),
        unit_id: Set(unit_id(app, unit).await),
        year: Set(2019),
        theme: Set(format!("Diễn đàn trẻ em {unit} năm 2019")),
        starts_on: Set(d(2019, 6, 1)),
        ends_on: Set(d(2019, 6, 1)),
        venue: Set("Nhà văn hoá".into()),
        organiser_agency_id: Set(agency_id(app, "SLDTBXH").await),
        girls: Set(30),
        boys: Set(28),
        age_6_10: Set(20),
        age_11_15: Set(38),
        ethnic_minority: Set(40),
        with_disability: Set(1),
        adults_in_charge: Set(5),
        volunteers: Set(3),
        guests: Set(10),
        report_submitted_on: Set(Some(d(2019, 6, 20))),
        created_by: Set(None),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&app.db.conn)
    .await
    .expect("forum");
    aggregates::forum_changed(&app.db.conn, None, &f)
        .await
        .expect("aggregates");
}

async fn an_activity(app: &TestApp, unit: &str, code: &str, project: &str) {
    let now = app.clock.now();
    let a = activity::ActiveModel {
        unit_id: Set(unit_id(app, unit).await),
        code: Set(code.into()),
        project_code: Set(project.into()),
        kind: Set(thamgia_domain::activities::ActivityKind::Event),
        title: Set(format!("Hoạt động {code}")),
        starts_on: Set(d(2019, 4, 2)),
        ends_on: Set(d(2019, 4, 2)),
        lead_agency_id: Set(agency_id(app, &format!("PLDTBXH-{unit}")).await),
        audience: Set(Some(100)),
        copies: Set(None),
        description: Set(None),
        created_by: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&app.db.conn)
    .await
    .expect("activity");
    aggregates::activity_changed(&app.db.conn, None, Some((&a, &[])))
        .await
        .expect("aggregates");
}

/// T2 in Tam Đường: 1 of 2 school decisions consulted; C1: 6 responses in Tam
/// Đường and 3 in Sìn Hồ; M1: the province's and Tam Đường's forums; A2: 3
/// activities in Tam Đường and 1 in Sìn Hồ — all in 2019.
async fn hand_made(app: &TestApp) {
    let m1 = school_decision(app, "106", "Nội quy lớp học mới").await;
    school_decision(app, "106", "Lịch học buổi chiều").await;
    consultation_with(app, "106", Some(m1), "TD2019", 6).await;
    consultation_with(app, "108", None, "SH2019", 3).await;
    district_forum(app, "12", "province").await;
    district_forum(app, "106", "district").await;
    for (unit, code, project) in [
        ("106", "HD-106-1", "DA1"),
        ("106", "HD-106-2", "DA1"),
        ("106", "HD-106-3", "DA2"),
        ("108", "HD-108-1", "DA2"),
    ] {
        an_activity(app, unit, code, project).await;
    }
}

/// The number inside a card's `<data class="figure-value" value="…">`.
fn card_value(html: &str, code: &str) -> Option<String> {
    let start = html.find(&format!("id=\"card-{code}\""))?;
    let rest = &html[start..];
    let i = rest.find("class=\"figure-value\" value=\"")? + 28;
    let rest = &rest[i..];
    Some(rest[..rest.find('"')?].to_string())
}

/// The text of the element with this id (no nested tags).
fn by_id(html: &str, id: &str) -> Option<String> {
    let i = html.find(&format!("id=\"{id}\">"))? + id.len() + 6;
    let rest = &html[i..];
    Some(rest[..rest.find('<')?].to_string())
}

async fn the_dashboard_agrees_with_the_api_and_its_records(app: TestApp) {
    hand_made(&app).await;
    let coord = app.login("coordinator").await;
    let token = app.token("coordinator").await;
    for unit in ["12", "106"] {
        let api = app.indicators(&token, unit, 2019).await.expect_status(200);
        let html = app
            .page(&coord, &format!("/dashboard?unit={unit}&year=2019"))
            .await;
        let list = api.as_array().expect("array");
        assert!(list.len() >= 11, "T1–T4, M1–M3, A1–A3, C1: {api}");
        for i in list {
            let code = i["code"].as_str().expect("code");
            let shown = card_value(&html, code).unwrap_or_else(|| panic!("card {code}"));
            match i["value"].as_f64() {
                Some(v) => assert_eq!(shown.parse::<f64>().ok(), Some(v), "{unit} {code}"),
                None => assert_eq!(shown, "", "{unit} {code}"),
            }
            assert!(i["standing"].is_string(), "{i}");
            assert_eq!(
                i["records"],
                format!("/dashboard/records?unit={unit}&year=2019&code={code}")
            );
            // Each card opens its records.
            assert!(html.contains(&format!(
                "href=\"/dashboard/records?unit={unit}&#38;year=2019&#38;code={code}\""
            )));
        }
    }
    let (_, api) = app.indicators(&token, "12", 2019).await;
    let get = |code: &str| -> Value {
        api.as_array()
            .expect("array")
            .iter()
            .find(|i| i["code"] == code)
            .cloned()
            .unwrap_or(Value::Null)
    };
    // The hand-made figures.
    assert_eq!(
        (
            get("T2")["numerator"].clone(),
            get("T2")["denominator"].clone()
        ),
        (1.into(), 2.into())
    );
    assert_eq!(get("M1")["numerator"], 2);
    assert_eq!(get("A2")["numerator"], 4);
    assert_eq!(get("C1")["numerator"], 9);
    assert_eq!(get("M1")["standing"], "behind", "2 of 9 in a past year");
    assert_eq!(get("C1")["standing"], "no_target");

    // Every code's records add up to its figure, for the province and a district.
    let db = &app.db.conn;
    let today = app.clock.now().date_naive();
    for unit in ["12", "106", "108"] {
        let u = unit_by_code(db, unit).await;
        for f in engine::figures(db, &u, 2019, today).await.expect("figures") {
            let code = f.indicator.code.as_str();
            let r = drilldown::records(db, &Scope::everything(), unit, 2019, code)
                .await
                .expect("records");
            if f.suppressed {
                // C1 of 1–4 children: hidden with its records' total.
                assert_eq!(code, "C1");
                assert!((1..5).contains(&r.total()), "{unit} {code}");
                assert_eq!(f.indicator.value, None);
                continue;
            }
            assert_eq!(
                r.total(),
                i64::try_from(f.indicator.numerator).expect("fits"),
                "{unit} {code}"
            );
            if f.indicator.unit == "%" || code.starts_with('M') {
                assert_eq!(
                    r.rows.len() as u64,
                    f.indicator.denominator,
                    "{unit} {code}"
                );
            }
        }
    }

    // The pages say the same: T2, M1, A2 and C1.
    for (code, total, rows) in [
        ("T2", "1", "2"),
        ("M1", "2", "9"),
        ("A2", "4", "4"),
        ("C1", "9", "2"),
    ] {
        let (s, html) = app
            .get(
                &coord,
                &format!("/dashboard/records?unit=12&year=2019&code={code}"),
            )
            .await;
        assert_eq!(s, 200, "{code}");
        assert_eq!(
            by_id(&html, "records-total").as_deref(),
            Some(total),
            "{code}"
        );
        assert_eq!(
            by_id(&html, "records-rows").as_deref(),
            Some(rows),
            "{code}"
        );
        let num = by_id(&html, "figure-numerator").expect("numerator");
        assert!(num.starts_with(total), "{code}: {num}");
    }
    // Consultations: counts only; Sìn Hồ's 3 children read "<5", no answer, no name.
    let (_, html) = app
        .get(&coord, "/dashboard/records?unit=12&year=2019&code=C1")
        .await;
    assert!(html.contains("Tham vấn TD2019") && html.contains("Tham vấn SH2019"));
    assert!(html.contains("&#60;5"), "a count of 3 is hidden");
    assert!(!html.contains(">3<"), "and never shown");
    // Nor worked out: 9 − 6 = 3, so Tam Đường's 6 is hidden with it.
    assert!(!html.contains(">6<"), "the complement is hidden too");
    let (_, html) = app
        .get(&coord, "/dashboard/records?unit=12&year=2019&code=T2")
        .await;
    assert!(html.contains("Nội quy lớp học mới") && html.contains("Lịch học buổi chiều"));
    assert!(html.contains("href=\"/matters/"));
    // Unknown code, bad year.
    let (s, _) = app
        .get(&coord, "/dashboard/records?unit=12&year=2019&code=Z9")
        .await;
    assert_eq!(s, 404);
    let (s, _) = app.get(&coord, "/dashboard?unit=12&year=20x9").await;
    assert_eq!(s, 422);
}
db_test!(the_dashboard_agrees_with_the_api_and_its_records);

async fn province_has_a_row_per_district_and_a_district_only_itself(app: TestApp) {
    hand_made(&app).await;
    let coord = app.login("coordinator").await;
    let html = app.page(&coord, "/dashboard?unit=12&year=2019").await;
    let start = html.find("id=\"district-table\"").expect("district table");
    let table = &html[start..start + html[start..].find("</table>").expect("end")];
    assert!(table.contains("<caption>"));
    assert_eq!(
        table.matches("<th scope=\"row\">").count(),
        8,
        "one row per district"
    );
    // Columns carry words and a sign, not colour alone.
    assert!(table.contains("scope=\"col\""));
    assert!(table.contains("Chậm") || table.contains("Đạt"));
    // Trends: one chart per key indicator over 2016–2020, with words.
    for code in [
        "T1", "T2", "T3", "T4", "M1", "M2", "M3", "A1", "A2", "A3", "C1",
    ] {
        assert!(html.contains(&format!("id=\"trend-{code}-t\"")), "{code}");
    }
    assert!(html.contains("<desc id=\"trend-T2-d\">2016: —; 2017: —; 2018: —; 2019: 50"));
    assert!(html.contains("id=\"trends-caption\""));
    // Overdue and the report chain are there.
    assert!(
        html.contains("id=\"overdue-answers\"") && html.contains("id=\"overdue-recommendations\"")
    );
    assert!(html.contains("id=\"chain-table\""));
    // The same figures can be taken away: the indicator workbook, linked here, answers.
    assert!(html.contains("href=\"/indicators/export.xlsx?unit=12&amp;year=2019\""));
    let _ = app
        .page(&coord, "/indicators/export.csv?unit=12&year=2019")
        .await;
    assert!(html.contains("href=\"/static/dashboard.css\""));
    let css = app.page(&coord, "/static/dashboard.css").await;
    assert!(css.contains("@media print"));

    // The district officer: their own district by default, in the latest
    // year of the plan that has records or owes a report (the plan's last
    // year, 2020, owes one, as on the reports list); no other district.
    let c = app.login("district106").await;
    let html = app.page(&c, "/dashboard").await;
    assert!(html.contains("Tam Đường · 2020"), "default unit and year");
    let html = app.page(&c, "/dashboard?year=2019").await;
    assert!(html.contains("Tam Đường · 2019"));
    assert!(!html.contains("id=\"district-table\""));
    assert_eq!(card_value(&html, "T2").as_deref(), Some("50"));
    assert_eq!(card_value(&html, "A2").as_deref(), Some("3"));
    assert!(!html.contains("Sìn Hồ"));
    for path in [
        "/dashboard?unit=108",
        "/dashboard?unit=12&year=2019",
        "/dashboard/records?unit=108&year=2019&code=C1",
        "/dashboard/records?unit=12&year=2019&code=T2",
    ] {
        let (s, html) = app.get(&c, path).await;
        assert_eq!(s, 404, "{path}");
        assert!(!html.contains("Tham vấn SH2019"));
    }
    let html = app
        .page(&c, "/dashboard/records?unit=106&year=2019&code=C1")
        .await;
    assert_eq!(by_id(&html, "records-total").as_deref(), Some("6"));
    assert!(!html.contains("SH2019"));
    let token = app.token("district106").await;
    app.indicators(&token, "108", 2019).await.expect_status(404);
}
db_test!(province_has_a_row_per_district_and_a_district_only_itself);

async fn the_dashboard_speaks_english(app: TestApp) {
    hand_made(&app).await;
    let c = app.login("coordinator").await;
    let csrf = app.csrf(&c, "/dashboard").await;
    let r = app
        .switch_lang(&c, &csrf, "en", "/dashboard?unit=12&year=2019")
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let html = app.page(&c, "/dashboard?unit=12&year=2019").await;
    assert!(html.contains("<html lang=\"en\">"));
    assert_holds(
        &html,
        "the page lacks",
        &[
            "Overview",
            "Districts by indicator",
            "Trends over the years",
            "Annual reports",
            "Open the records",
        ],
    );
    assert!(html.contains("Behind") && html.contains("No target"));
    assert_lacks(
        &html,
        "no key shows itself:",
        &[
            "dashboard-standing",
            "dashboard-status",
            "dashboard-report",
            "nav-dashboard",
        ],
    );
    let html = app
        .page(&c, "/dashboard/records?unit=12&year=2019&code=A2")
        .await;
    assert!(html.contains("Records behind a figure") && html.contains("Sum of the rows"));
    assert_lacks(
        &html,
        "no key shows itself:",
        &[
            "records-fact",
            "records-amount",
            "records-col",
            "records-yes",
        ],
    );
}
db_test!(the_dashboard_speaks_english);
