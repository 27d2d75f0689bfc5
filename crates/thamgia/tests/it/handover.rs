//! What a district leaves when it ends (30/6/2025): its council and clubs
//! end with it (their history stays), its offices end, its open items are
//! listed for the coordinator and handed over one by one, each hand-over in
//! the audit trail; after 1/7/2025 the commune-level units report straight to
//! the province, and a district that ended owes no report for 2025.

use crate::db_test;
use crate::fixtures::{agency_by_code, demo_forums_and_councils, unit_by_code};
use crate::helpers::{Answer, TestApp};
use chrono::NaiveDate;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter,
};
use serde_json::{Value, json};
use thamgia_domain::access::{Actor, Scope};
use thamgia_store::entity::{agency, audit, club, consultation, council, recommendation};
use thamgia_store::{handover, units};
use thamgia_web::clock::Clock;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).expect("date")
}

async fn hand_over_audits(app: &TestApp, entity: &str, id: i32) -> usize {
    audit::Entity::find()
        .filter(audit::Column::Action.eq("hand_over"))
        .filter(audit::Column::Entity.eq(entity))
        .filter(audit::Column::EntityId.eq(id.to_string()))
        .all(&app.db.conn)
        .await
        .expect("audit")
        .len()
}

async fn what_a_district_leaves_is_handed_over(app: TestApp) {
    let db = &app.db.conn;
    let today = app.clock.now().date_naive();
    demo_forums_and_councils(&app).await;
    let c106 = unit_by_code(db, "106").await;
    let council_before = council::Entity::find()
        .filter(council::Column::UnitId.eq(c106.id))
        .one(db)
        .await
        .expect("db")
        .expect("the demo's council of district 106");
    assert_eq!(council_before.ended_on, None);
    thamgia::demo::load_units(&app.db, app.clock.now())
        .await
        .expect("units");
    // Loading again changes nothing more.
    let again = thamgia::demo::load_units(&app.db, app.clock.now())
        .await
        .expect("units again");
    assert_eq!(again[0].ended, handover::Ended::default(), "{again:?}");

    // The council, the clubs and the offices of the district end with it.
    let k = council::Entity::find_by_id(council_before.id)
        .one(db)
        .await
        .expect("db")
        .expect("council");
    assert_eq!(k.ended_on, Some(d(2025, 6, 30)));
    for c in club::Entity::find()
        .filter(club::Column::UnitId.eq(c106.id))
        .all(db)
        .await
        .expect("db")
    {
        assert!(
            c.closed_on.is_some_and(|x| x <= d(2025, 6, 30)),
            "club {} ends with its district: {c:?}",
            c.id
        );
    }
    for a in agency::Entity::find()
        .filter(agency::Column::UnitId.eq(c106.id))
        .all(db)
        .await
        .expect("db")
    {
        assert_eq!(a.valid_to, Some(d(2025, 6, 30)), "{}", a.code);
    }
    // Its history stays: listed in 2018, gone in 2026.
    let admin = app.token("admin").await;
    let councils = |year: i32| {
        let admin = admin.clone();
        let app = &app;
        async move {
            let list = app
                .api_ok(
                    &admin,
                    &format!("/api/v1/councils?year={year}&per_page=1000"),
                )
                .await;
            list.as_array()
                .expect("array")
                .iter()
                .filter_map(|k| k["id"].as_i64())
                .collect::<Vec<_>>()
        }
    };
    assert!(councils(2018).await.contains(&i64::from(k.id)));
    assert!(!councils(2026).await.contains(&i64::from(k.id)));

    // A consultation on a ward of district 105 in its last months, closed
    // and never answered: its answer is owed by a unit that has ended.
    let m = app
        .api_post(
            &admin,
            "/api/v1/matters",
            &json!({"kind": "community_decision", "title": "Sân chơi tổ dân phố", "summary": "Quyết định của phường",
                    "owner_agency": "SLDTBXH", "unit": "03388", "stage": "decided",
                    "decision_date": "2025-06-20"}),
        )
        .await
        .expect_status(201);
    let kk = app
        .api_post(
            &admin,
            "/api/v1/consultations",
            &json!({"matter_id": m["id"], "title": "Ý kiến trẻ em về sân chơi",
                    "method": "group_discussion", "age_min": 8, "age_max": 15,
                    "opens_on": "2025-05-01", "closes_on": "2025-05-20", "audience": ["03388"]}),
        )
        .await
        .expect_status(201);
    let kid = kk["id"].as_i64().expect("id") as i32;
    // Set-up only: the consultation closed on its last day, no answer yet.
    let row = consultation::Entity::find_by_id(kid)
        .one(db)
        .await
        .expect("db")
        .expect("row");
    let mut am = row.into_active_model();
    am.status = Set(thamgia_domain::voice::Status::Closed);
    am.findings = Set(Some("Các em muốn có sân chơi gần nhà.".into()));
    am.update(db).await.expect("closed");

    let items = handover::open_items(db, &Scope::everything(), today)
        .await
        .expect("items");
    assert!(
        items.answers.iter().any(|a| a.consultation.id == kid),
        "the answer owed by Phường Quyết Tiến is listed"
    );
    let rec = items
        .recommendations
        .first()
        .expect("the demo leaves unanswered recommendations to district offices")
        .recommendation
        .clone();
    let district = app.token("district106").await;

    // The coordinator's page lists both; others may not see it.
    let coordinator = app.login("coordinator").await;
    let html = app.page(&coordinator, "/handover").await;
    assert!(html.contains(&format!("id=\"rec-{}\"", rec.id)), "{html}");
    assert!(html.contains(&format!("id=\"ans-{kid}\"")));
    let (s, _) = app.get(&app.login("district106").await, "/handover").await;
    assert_eq!(s, 403);

    // A hand-over to a closed agency is refused and changes nothing.
    let csrf = app.csrf(&coordinator, "/handover").await;
    let closed_agency = agency::Entity::find()
        .filter(agency::Column::UnitId.eq(c106.id))
        .one(db)
        .await
        .expect("db")
        .expect("an office of district 106");
    let r = app
        .submit_form(
            &coordinator,
            &csrf,
            &format!("/handover/recommendations/{}", rec.id),
            &[("to", &closed_agency.code)],
            200,
        )
        .await;
    let body = r.text().await.expect("body");
    assert!(
        body.contains(&format!("id=\"rec-{}-err\"", rec.id)),
        "{body}"
    );
    assert_eq!(hand_over_audits(&app, "recommendation", rec.id).await, 0);

    // To the coordinating department: moved, audited once.
    app.submit_form(
        &coordinator,
        &csrf,
        &format!("/handover/recommendations/{}", rec.id),
        &[("to", "SLDTBXH")],
        303,
    )
    .await;
    let moved = recommendation::Entity::find_by_id(rec.id)
        .one(db)
        .await
        .expect("db")
        .expect("rec");
    let coord_agency = agency_by_code(db, "SLDTBXH").await;
    assert_eq!(moved.agency_id, coord_agency.id);
    assert_eq!(moved.status, rec.status, "the hand-over keeps its status");
    assert_eq!(hand_over_audits(&app, "recommendation", rec.id).await, 1);
    // Handing it over again: nothing left to hand over.
    app.submit_form(
        &coordinator,
        &csrf,
        &format!("/handover/recommendations/{}", rec.id),
        &[("to", "SLDTBXH")],
        200,
    )
    .await;
    assert_eq!(hand_over_audits(&app, "recommendation", rec.id).await, 1);

    // Eight hand-overs of another recommendation racing each other: exactly
    // one moves it (to its agency), the others are refused, one audit entry.
    if let Some(other) = items
        .recommendations
        .get(1)
        .map(|i| i.recommendation.clone())
    {
        let mut tasks = Vec::new();
        for n in 0..8 {
            let db = app.db.conn.clone();
            let now = app.clock.now();
            let to = if n % 2 == 0 { "SLDTBXH" } else { "SGDDT" };
            tasks.push(tokio::spawn(async move {
                let r = handover::hand_over_recommendation(
                    &db,
                    &Actor::system("race"),
                    now,
                    &Scope::everything(),
                    other.id,
                    to,
                )
                .await;
                (to, r)
            }));
        }
        let mut winners = Vec::new();
        for t in tasks {
            match t.await.expect("task") {
                (to, Ok(_)) => winners.push(to),
                (_, Err(thamgia_store::StoreError::Conflict { field })) => {
                    assert_eq!(field, "recommendation")
                }
                (_, Err(e)) => panic!("a racing hand-over failed otherwise: {e:?}"),
            }
        }
        assert_eq!(winners.len(), 1, "one hand-over wins: {winners:?}");
        let now_with = recommendation::Entity::find_by_id(other.id)
            .one(db)
            .await
            .expect("db")
            .expect("rec");
        let winner = agency_by_code(db, winners[0]).await;
        assert_eq!(now_with.agency_id, winner.id);
        assert_eq!(hand_over_audits(&app, "recommendation", other.id).await, 1);
    } else {
        panic!("the demo leaves at least two recommendations to hand over");
    }

    // The answer goes to the ward that carries 03388 today (Đoàn Kết),
    // whose officer can then read and answer it; the consultation stays on
    // Quyết Tiến.
    // An officer of the ward that carries 03388 since 1/7/2025 (Đoàn Kết).
    app.officer("phuongdoanket", "03388").await;
    let ward = app.token("phuongdoanket").await;
    let (s, _) = app
        .api_get(&ward, &format!("/api/v1/consultations/{kid}"))
        .await;
    assert_eq!(s, 404, "not the ward's before the hand-over");
    app.submit_form(
        &coordinator,
        &csrf,
        &format!("/handover/consultations/{kid}"),
        &[("to", "03388")],
        303,
    )
    .await;
    let after = consultation::Entity::find_by_id(kid)
        .one(db)
        .await
        .expect("db")
        .expect("row");
    let doan_ket = units::by_code_on(db, "03388", today)
        .await
        .expect("db")
        .expect("Đoàn Kết");
    assert_eq!(after.answer_unit_id, Some(doan_ket.id));
    assert_ne!(
        after.unit_id, doan_ket.id,
        "it keeps the unit it was made on"
    );
    assert_eq!(hand_over_audits(&app, "consultation", kid).await, 1);
    let (s, _) = app
        .api_get(&ward, &format!("/api/v1/consultations/{kid}"))
        .await;
    assert_eq!(s, 200, "the ward now owes the answer");
    app.api_post(
        &ward,
        &format!("/api/v1/consultations/{kid}/answer"),
        &json!({"decided": "Phường làm sân chơi ở tổ 5.", "taken": "Sân chơi gần nhà.",
                    "not_taken": "Không có", "publish": true}),
    )
    .await
    .expect_status(200);
    let items = handover::open_items(db, &Scope::everything(), today)
        .await
        .expect("items");
    assert!(!items.answers.iter().any(|a| a.consultation.id == kid));
    // A new recommendation may not go to an office that is gone by its deadline.
    let forum = thamgia_store::entity::forum::Entity::find()
        .one(db)
        .await
        .expect("db")
        .expect("a demo forum");
    let ask = |agency: &'static str, deadline: &'static str| {
        let admin = admin.clone();
        let app = &app;
        async move {
            app.api_post(
                &admin,
                &format!("/api/v1/forums/{}/recommendations", forum.id),
                &json!({"text": "Làm thêm sân chơi", "topic": "Vui chơi",
                        "agency": agency, "deadline": deadline}),
            )
            .await
        }
    };
    let (s, e) = ask("PLDTBXH-106", "2026-12-31").await;
    assert_eq!(s, 422, "{e}");
    assert_eq!(e["error"]["fields"]["agency"], "agency_closed", "{e}");
    let (s, e) = ask("SLDTBXH", "2026-12-31").await;
    assert_eq!(s, 201, "{e}");
    // A district officer keeps reading the district's history.
    app.api_ok(&district, "/api/v1/councils?year=2018&per_page=1000")
        .await;
}

db_test!(what_a_district_leaves_is_handed_over);

fn chain(list: &Value) -> Vec<(String, bool)> {
    list["districts"]
        .as_array()
        .unwrap_or_else(|| panic!("districts in {list}"))
        .iter()
        .map(|r| {
            (
                r["unit"].as_str().unwrap_or_default().to_string(),
                r["overdue"].as_bool().unwrap_or_default(),
            )
        })
        .collect()
}

/// The chain of 2018 is the 8 districts; of 2026 the 38 commune-level units;
/// of 2025 both, and no district is overdue for a year it did not finish.
async fn communes_report_to_the_province_after_the_reform(app: TestApp) {
    thamgia::demo::load_units(&app.db, app.clock.now())
        .await
        .expect("units");
    let coordinator = app.token("coordinator").await;
    let y2018 = app.api_ok(&coordinator, "/api/v1/reports?year=2018").await;
    let c2018 = chain(&y2018);
    assert_eq!(c2018.len(), 8, "{c2018:?}");
    assert!(c2018.iter().all(|(u, _)| u.len() == 3), "{c2018:?}");
    let (_, y2026) = app.api_get(&coordinator, "/api/v1/reports?year=2026").await;
    let c2026 = chain(&y2026);
    assert_eq!(c2026.len(), 38, "{c2026:?}");
    assert!(c2026.iter().all(|(u, _)| u.len() == 5));
    let (_, y2025) = app.api_get(&coordinator, "/api/v1/reports?year=2025").await;
    let c2025 = chain(&y2025);
    assert_eq!(c2025.len(), 46);
    assert!(
        c2025
            .iter()
            .filter(|(u, _)| u.len() == 3)
            .all(|(_, late)| !late),
        "a district that ended on 30/6/2025 owes no 2025 report: {c2025:?}"
    );
    // A ward submits its 2026 report and the coordinator approves it.
    // An officer of the ward that carries 03388 since 1/7/2025 (Đoàn Kết).
    app.officer("phuongdoanket", "03388").await;
    let r = app.approve_report("phuongdoanket", "03388", 2026).await;
    assert_eq!(r["status"], "approved", "{r}");
    // Councils are set up at that level now: the 2021–2030 plan lists it.
    let (s, r) = app
        .api_post(
            &coordinator,
            "/api/v1/plans",
            &json!({ "source": thamgia::LAI_CHAU_PLAN_2021 }),
        )
        .await;
    assert!(s == 200 || s == 201, "{r}");
    let ward = app.token("phuongdoanket").await;
    app.api_post(
        &ward,
        "/api/v1/councils",
        &json!({"unit": "03388", "name": "Hội đồng trẻ em phường Đoàn Kết",
                    "established_on": "2026-06-01"}),
    )
    .await
    .expect_status(201);
}

db_test!(communes_report_to_the_province_after_the_reform);
