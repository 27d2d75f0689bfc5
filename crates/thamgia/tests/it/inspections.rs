//! Inspections and supervision: an inspection goes from plan to visit to a
//! recommendation, the inspected agency's officer adds a follow-up but may
//! not close it, the coordinator closes it and the inspection is closed;
//! the inbox shows a follow-up due; the minutes .docx holds the findings and
//! the annual report its table; another district sees nothing of it (404);
//! bad input names its fields and changes nothing; two closes at once leave
//! one close.

use crate::db_test;
use crate::helpers::{TestApp, assert_field_errors};
use chrono::Duration;
use reqwest::Method;
use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::{Value, json};
use thamgia_actions::inspections::{CloseInput, close};
use thamgia_actions::{Act, ActionError};
use thamgia_store::entity::{inspection, inspection_follow_up};
use thamgia_web::clock::Clock;

const FINDINGS: &str = "Phòng đã lồng ghép quyền tham gia trong 12 trường; chưa có sổ theo dõi";

/// An inspection planned through the API by `who` (201): its JSON.
async fn plan(app: &TestApp, who: &str, body: &Value) -> Value {
    let token = app.token(who).await;
    let (s, b) = app
        .api_send(Method::POST, &token, "/api/v1/inspections", body)
        .await;
    assert_eq!(s, 201, "{b}");
    b
}

/// An inspection of the Tam Đường education office by the coordinator,
/// visited, with one recommendation due in a week: (inspection, recommendation).
pub async fn one(app: &TestApp) -> (i64, i64) {
    let i = plan(
        app,
        "coordinator",
        &json!({"kind": "inspection", "agency": "PGDDT-106", "inspector_agency": "SLDTBXH",
            "team": "Sở LĐTB&XH (2 cán bộ)", "subject": "Quyền tham gia trong trường học",
            "planned_on": "2019-05-14"}),
    )
    .await;
    let id = i["id"].as_i64().expect("id");
    let token = app.token("coordinator").await;
    let (s, b) = app
        .api_send(
            Method::POST,
            &token,
            &format!("/api/v1/inspections/{id}/visit"),
            &json!({"visited_on": "15/05/2019", "findings": FINDINGS,
                "participants": "Bà Vàng Thị Mai, Phòng GD&ĐT"}),
        )
        .await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(b["status"], "closed", "visited without recommendations");
    let deadline = (app.clock.now() + Duration::days(7)).date_naive();
    let (s, r) = app
        .api_send(
            Method::POST,
            &token,
            &format!("/api/v1/inspections/{id}/recommendations"),
            &json!({"text": "Lập sổ theo dõi câu lạc bộ", "deadline": deadline.to_string()}),
        )
        .await;
    assert_eq!(s, 201, "{r}");
    (id, r["id"].as_i64().expect("rid"))
}

async fn from_plan_to_closed_follow_up(app: TestApp) {
    let (id, rid) = one(&app).await;
    let coordinator = app.token("coordinator").await;
    let party = app.token("agency106").await;
    let (s, b) = app
        .api_get(&party, &format!("/api/v1/inspections/{id}"))
        .await;
    assert_eq!(s, 200, "the inspected agency sees its inspection");
    assert_eq!(b["status"], "visited");
    assert_eq!(b["open_recommendations"], 1);
    // The inspected party's inbox and page show the follow-up due.
    let c = app.login("agency106").await;
    let inbox = app.page(&c, "/").await;
    assert!(inbox.contains("Kiến nghị sau kiểm tra đến hạn"), "{inbox}");
    assert!(inbox.contains(&format!("/inspections/{id}#rec-{rid}")));
    let page = app.page(&c, "/agencies/PGDDT-106").await;
    assert!(page.contains(FINDINGS) && page.contains("Lập sổ theo dõi câu lạc bộ"));
    // The party notes it is done, and may not close it.
    let fu = format!("/api/v1/inspections/{id}/recommendations/{rid}/follow-ups");
    let (s, n) = app
        .api_send(
            Method::POST,
            &party,
            &fu,
            &json!({"note": "Đã lập sổ ở 12 trường", "done": true}),
        )
        .await;
    assert_eq!(s, 201, "{n}");
    assert_eq!(n["side"], "party");
    assert_eq!(n["state_after"], "done_by_party");
    let close_path = format!("/api/v1/inspections/{id}/recommendations/{rid}/close");
    let (s, _) = app
        .api_send(Method::POST, &party, &close_path, &json!({}))
        .await;
    assert_eq!(s, 403, "the inspected party does not close");
    // The coordinator closes it: the inspection is closed.
    let (s, r) = app
        .api_send(
            Method::POST,
            &coordinator,
            &close_path,
            &json!({"note": "Đã kiểm tra sổ", "closed_on": "2019-07-10"}),
        )
        .await;
    assert_eq!(s, 200, "{r}");
    assert_eq!(r["state"], "closed");
    let (_, b) = app
        .api_get(&coordinator, &format!("/api/v1/inspections/{id}"))
        .await;
    assert_eq!(b["status"], "closed");
    let notes = b["recommendations"][0]["follow_ups"]
        .as_array()
        .expect("notes");
    assert_eq!(notes.len(), 2);
    // A closed one takes no more notes.
    let (s, e) = app
        .api_send(Method::POST, &party, &fu, &json!({"note": "Thêm"}))
        .await;
    assert_eq!(s, 422);
    assert_eq!(e["error"]["fields"]["state"], "closed");
    // The year's list, the page, the minutes and the annual report.
    let (_, list) = app
        .api_get(&coordinator, "/api/v1/inspections?year=2019")
        .await;
    assert!(list.as_array().expect("list").iter().any(|x| x["id"] == id));
    let cc = app.login("coordinator").await;
    let html = app.page(&cc, "/inspections?year=2019").await;
    assert!(html.contains("Lập kế hoạch kiểm tra") && html.contains("Phòng Giáo dục"));
    let html = app.page(&cc, &format!("/inspections/{id}")).await;
    assert!(html.contains(FINDINGS) && html.contains("Đã đóng"));
    let xml = app
        .docx_xml(&coordinator, &format!("/api/v1/inspections/{id}/minutes"))
        .await;
    assert!(xml.contains("BIÊN BẢN KIỂM TRA"), "{xml}");
    assert!(xml.contains(FINDINGS));
    app.page(&cc, &format!("/inspections/{id}/minutes.docx"))
        .await;
    assert!(
        app.docx_xml(&coordinator, "/api/v1/reports/106/2019/export?format=docx")
            .await
            .contains("Kết quả kiểm tra, giám sát")
    );
    assert!(
        !app.docx_xml(&coordinator, "/api/v1/reports/107/2019/export?format=docx")
            .await
            .contains("Kết quả kiểm tra, giám sát")
    );
}
db_test!(from_plan_to_closed_follow_up);

async fn another_district_sees_nothing(app: TestApp) {
    let i = plan(
        &app,
        "district108",
        &json!({"kind": "inspection", "unit": "108", "subject": "Hội đồng trẻ em",
            "planned_on": "2019-08-20"}),
    )
    .await;
    let id = i["id"].as_i64().expect("id");
    let d108 = app.token("district108").await;
    let (s, _) = app
        .api_send(
            Method::POST,
            &d108,
            &format!("/api/v1/inspections/{id}/visit"),
            &json!({"visited_on": "2019-08-21", "findings": "Họp đủ 2 phiên"}),
        )
        .await;
    assert_eq!(s, 200);
    let (s, r) = app
        .api_send(
            Method::POST,
            &d108,
            &format!("/api/v1/inspections/{id}/recommendations"),
            &json!({"text": "Trả lời kiến nghị", "deadline": "2019-09-30"}),
        )
        .await;
    assert_eq!(s, 201);
    let rid = r["id"].as_i64().expect("rid");
    let d106 = app.token("district106").await;
    for (m, path) in [
        ("GET", format!("/api/v1/inspections/{id}")),
        ("PUT", format!("/api/v1/inspections/{id}")),
        ("POST", format!("/api/v1/inspections/{id}/visit")),
        ("POST", format!("/api/v1/inspections/{id}/recommendations")),
        (
            "POST",
            format!("/api/v1/inspections/{id}/recommendations/{rid}/follow-ups"),
        ),
        (
            "POST",
            format!("/api/v1/inspections/{id}/recommendations/{rid}/close"),
        ),
        ("GET", format!("/api/v1/inspections/{id}/minutes")),
    ] {
        let (s, _) = app
            .api_send(m.parse().expect("method"), &d106, &path, &json!({}))
            .await;
        assert_eq!(s, 404, "{m} {path}");
    }
    let (_, list) = app.api_get(&d106, "/api/v1/inspections").await;
    assert!(!list.as_array().expect("list").iter().any(|x| x["id"] == id));
    let c = app.login("district106").await;
    for path in [
        format!("/inspections/{id}"),
        format!("/inspections/{id}/minutes.docx"),
    ] {
        let (s, _) = app.get(&c, &path).await;
        assert_eq!(s, 404, "{path}");
    }
    // A unit of another district in a plan is out of reach.
    let (s, e) = app
        .api_send(
            Method::POST,
            &d106,
            "/api/v1/inspections",
            &json!({"kind": "inspection", "unit": "108", "subject": "X", "planned_on": "2019-01-02"}),
        )
        .await;
    assert_eq!(s, 422);
    assert_eq!(e["error"]["fields"]["unit"], "unknown_unit");
    // The coordinator sees it; a district sees its own inspection's follow-up.
    let coordinator = app.token("coordinator").await;
    let (s, _) = app
        .api_get(&coordinator, &format!("/api/v1/inspections/{id}"))
        .await;
    assert_eq!(s, 200);
}
db_test!(another_district_sees_nothing);

async fn bad_input_names_fields_and_changes_nothing(app: TestApp) {
    let token = app.token("coordinator").await;
    let count = || async {
        inspection::Entity::find()
            .count(&app.db.conn)
            .await
            .expect("count")
    };
    let before = count().await;
    let (s, e) = app
        .api_send(
            Method::POST,
            &token,
            "/api/v1/inspections",
            &json!({"kind": "audit", "unit": "999", "subject": "", "planned_on": "31/02/2019"}),
        )
        .await;
    assert_eq!(s, 422);
    assert_field_errors(
        &e,
        &[
            ("kind", "unknown_option"),
            ("unit", "unknown_unit"),
            ("subject", "required"),
            ("planned_on", "not_a_date"),
        ],
    );
    // Supervision is the Fatherland Front's.
    let (s, e) = app
        .api_send(
            Method::POST,
            &token,
            "/api/v1/inspections",
            &json!({"kind": "supervision", "unit": "106", "inspector_agency": "SLDTBXH",
                "subject": "Giám sát", "planned_on": "2019-09-17"}),
        )
        .await;
    assert_eq!(s, 422);
    assert_eq!(
        e["error"]["fields"]["inspector_agency"],
        "not_fatherland_front"
    );
    // The page names the field in Vietnamese, 422.
    let c = app.login("coordinator").await;
    let csrf = app.csrf(&c, "/inspections/new").await;
    let r = app
        .submit_form(
            &c,
            &csrf,
            "/inspections",
            &[
                ("kind", "inspection"),
                ("unit", "106"),
                ("subject", ""),
                ("planned_on", "x"),
            ],
            422,
        )
        .await;
    let html = r.text().await.expect("html");
    assert!(html.contains("Trường này là bắt buộc.") && html.contains("Ngày không hợp lệ"));
    assert_eq!(count().await, before);
    // A recommendation before the visit is refused by name.
    let i = plan(
        &app,
        "coordinator",
        &json!({"kind": "supervision", "unit": "105", "inspector_agency": "MTTQ",
            "subject": "Lắng nghe ý kiến trẻ em", "planned_on": "2019-09-17"}),
    )
    .await;
    let (s, e) = app
        .api_send(
            Method::POST,
            &token,
            &format!("/api/v1/inspections/{}/recommendations", i["id"]),
            &json!({"text": "Công khai", "deadline": "2019-11-30"}),
        )
        .await;
    assert_eq!(s, 422);
    assert_eq!(e["error"]["fields"]["visited_on"], "not_visited");
}
db_test!(bad_input_names_fields_and_changes_nothing);

async fn two_closes_at_once_leave_one(app: TestApp) {
    let (id, rid) = one(&app).await;
    let p = crate::action_access::principal(&app, "coordinator").await;
    let now = app.clock.now();
    let (id, rid) = (
        i32::try_from(id).expect("id"),
        i32::try_from(rid).expect("rid"),
    );
    let input = CloseInput::default();
    let (a, b) = tokio::join!(
        close(Act::new(&app.db.conn, &p, now), id, rid, &input),
        close(Act::new(&app.db.conn, &p, now), id, rid, &input)
    );
    let oks = [&a, &b].iter().filter(|r| r.is_ok()).count();
    assert_eq!(oks, 1, "{a:?} {b:?}");
    let refused = if a.is_ok() { b } else { a };
    match refused {
        Err(ActionError::Invalid { fields, .. }) => assert_eq!(fields["state"], "closed"),
        other => panic!("{other:?}"),
    }
    let notes = inspection_follow_up::Entity::find()
        .count(&app.db.conn)
        .await
        .expect("notes");
    assert_eq!(notes, 1, "one closing note");
}
db_test!(two_closes_at_once_leave_one);
