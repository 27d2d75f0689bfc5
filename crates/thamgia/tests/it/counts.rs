//! Counts that must not mislead: a returned report is not "submitted", a
//! matter never consulted owes no answer yet, and a matter is answered only
//! once decided on a date.

use crate::db_test;
use crate::helpers::{Answer, TestApp};
use serde_json::json;

async fn a_returned_report_is_not_counted_as_submitted(app: TestApp) {
    let district = app.token("district106").await;
    let coord = app.token("coordinator").await;
    app.report_step(&district, "106", 2018, "submit", json!({}))
        .await;
    let c = app.login("coordinator").await;
    let (_, html) = app.get(&c, "/reports?year=2018").await;
    assert!(html.contains("<strong>1/8</strong>"), "submitted: 1/8");
    let reason = json!({"reason": "Thiếu số liệu theo giới tính"});
    app.report_step(&coord, "106", 2018, "return", reason).await;
    // Back with its author: neither the list nor the dashboard counts it.
    let html = app.page(&c, "/reports?year=2018").await;
    assert!(html.contains("<strong>0/8</strong>"), "returned: 0/8");
    assert!(!html.contains("<strong>1/8</strong>"));
    let html = app.page(&c, "/dashboard?unit=12&year=2018").await;
    assert!(html.contains("<strong>0 / 8</strong>"), "dashboard: 0 / 8");
    // Submitted again, it counts again.
    app.report_step(&district, "106", 2018, "submit", json!({}))
        .await;
    let (_, html) = app.get(&c, "/reports?year=2018").await;
    assert!(html.contains("<strong>1/8</strong>"));
}
db_test!(a_returned_report_is_not_counted_as_submitted);

async fn matter(app: &TestApp, t: &str, title: &str, body: serde_json::Value) -> i64 {
    let mut b = json!({"kind": "community_decision", "title": title,
        "owner_agency": "UBND-106", "unit": "106"});
    if let (Some(o), Some(extra)) = (b.as_object_mut(), body.as_object()) {
        o.extend(extra.clone());
    }
    let m = app
        .api_post(t, "/api/v1/matters", &b)
        .await
        .expect_status(201);
    m["id"].as_i64().expect("id")
}

async fn consult(app: &TestApp, t: &str, mid: i64) -> i64 {
    let k = app
        .api_post(
            t,
            "/api/v1/consultations",
            &json!({"matter_id": mid,
            "title": "Ý kiến của các em", "method": "survey", "age_min": 6, "age_max": 15,
            "opens_on": "2026-06-01", "closes_on": "2026-06-20"}),
        )
        .await
        .expect_status(201);
    k["id"].as_i64().expect("id")
}

async fn a_matter_never_consulted_is_not_an_overdue_answer(app: TestApp) {
    let t = app.token("district106").await;
    // Both decided 90 days before today (29/11/2026): past any answer's due date.
    let decided = json!({"decision_date": "2026-08-31", "stage": "decided"});
    let asked = matter(&app, &t, "Đường đến trường", decided.clone()).await;
    consult(&app, &t, asked).await;
    let never = matter(&app, &t, "Giờ mở cửa nhà văn hóa", decided).await;
    let c = app.login("district106").await;
    let html = app.page(&c, "/answers/overdue").await;
    assert!(
        html.contains(&format!("/matters/{asked}")),
        "asked, not answered"
    );
    assert!(
        !html.contains(&format!("/matters/{never}")),
        "never consulted: no answer is owed yet"
    );
    // The API and the matter pages say the same.
    let (_, m) = app.api_get(&t, &format!("/api/v1/matters/{never}")).await;
    assert_eq!(m["overdue"], false, "{m}");
    let (_, m) = app.api_get(&t, &format!("/api/v1/matters/{asked}")).await;
    assert_eq!(m["overdue"], true, "{m}");
    let (_, list) = app.api_get(&t, "/api/v1/matters?per_page=1000").await;
    let flag = |id: i64| {
        list.as_array()
            .and_then(|a| a.iter().find(|m| m["id"] == id))
            .map(|m| m["overdue"].clone())
    };
    assert_eq!(flag(never), Some(json!(false)));
    assert_eq!(flag(asked), Some(json!(true)));
}
db_test!(a_matter_never_consulted_is_not_an_overdue_answer);

async fn a_matter_is_answered_only_once_decided_on_a_date(app: TestApp) {
    let t = app.token("district106").await;
    // Registered, not decided yet; the children are asked and answered.
    let mid = matter(&app, &t, "Sân chơi của bản", json!({})).await;
    let kid = consult(&app, &t, mid).await;
    let q = app
        .api_post(
            &t,
            &format!("/api/v1/consultations/{kid}/questions"),
            &json!({"kind": "faces3", "text_vi": "Em thấy thế nào?"}),
        )
        .await
        .expect_status(201);
    let qid = q["id"].as_i64().expect("qid");
    for (path, body) in [
        (format!("/api/v1/consultations/{kid}/open"), json!({})),
        (
            format!("/api/v1/consultations/{kid}/paper-responses"),
            json!({"submission_id": uuid::Uuid::new_v4().to_string(),
                   "answers": {qid.to_string(): {"face": 3}}}),
        ),
        (
            format!("/api/v1/consultations/{kid}/close"),
            json!({"findings": "Các em muốn sân chơi có rào."}),
        ),
        (
            format!("/api/v1/consultations/{kid}/answer"),
            json!({"decided": "Xã sẽ làm sân chơi.", "taken": "Có rào.",
                   "not_taken": "Không có.", "publish": true}),
        ),
    ] {
        let (s, b) = app.api_post(&t, &path, &body).await;
        assert!(s == 200 || s == 201, "{path}: {b}");
    }
    // The answer is out, but with no decision date the matter is not "answered".
    let (_, m) = app.api_get(&t, &format!("/api/v1/matters/{mid}")).await;
    assert_eq!(m["decision_date"], serde_json::Value::Null);
    assert_ne!(m["stage"], "answered", "{m}");
    // The store itself refuses a decided stage without a date.
    let r = thamgia_store::matters::update(
        &app.db.conn,
        &thamgia_domain::access::Actor::system("test"),
        chrono::Utc::now(),
        mid as i32,
        thamgia_store::matters::MatterChanges {
            stage: Some(thamgia_domain::voice::Stage::Decided),
            ..Default::default()
        },
    )
    .await;
    assert!(
        matches!(
            r,
            Err(thamgia_store::StoreError::Conflict {
                field: "decision_date"
            })
        ),
        "{r:?}"
    );
    // Once the decision date is recorded, the published answer makes it answered.
    let m = app
        .api_patch(
            &t,
            &format!("/api/v1/matters/{mid}"),
            &json!({"decision_date": "2026-07-01", "stage": "decided"}),
        )
        .await
        .expect_status(200);
    assert_eq!(m["stage"], "answered", "{m}");
    assert_eq!(m["decision_date"], "2026-07-01");
}
db_test!(a_matter_is_answered_only_once_decided_on_a_date);
