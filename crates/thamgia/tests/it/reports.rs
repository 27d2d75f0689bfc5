//! The annual report chain over real HTTP on a real database: the workflow
//! rules (no approval of an unsubmitted report, no return without a reason,
//! no author approving their own report — each refusal changes nothing),
//! scoping (Tam Đường never sees or moves Sìn Hồ's report), the year lock an
//! approval sets (activities, spending and forums of that year refuse every
//! change with 409 and stay as they were; reopening lifts it), and the
//! province's report built from the districts' approved, frozen figures.

use crate::db_test;
use crate::fixtures::count;
use crate::helpers::{Answer, TestApp, column};
use reqwest::Method;
use sea_orm::EntityTrait;
use serde_json::{Value, json};
use thamgia_store::entity::{activity, audit, forum, report, report_event, spending, year_lock};

fn training(code: &str, starts_on: &str, teachers: i64) -> Value {
    json!({
        "code": code,
        "unit": "106",
        "project": "DA2",
        "kind": "training",
        "title": "Tập huấn kỹ năng tham vấn trẻ em cho giáo viên",
        "starts_on": starts_on,
        "ends_on": starts_on,
        "lead_agency": "PLDTBXH-106",
        "coordinating": [],
        "participants": {"teachers": {"female": teachers, "male": 9}},
        "audience": null,
        "description": "Hai ngày tại hội trường huyện"
    })
}

fn forum_json(theme: &str) -> Value {
    json!({
        "level": "district", "unit": "106", "year": 2018, "theme": theme,
        "starts_on": "2018-06-01", "ends_on": "2018-06-01", "venue": "Nhà văn hóa huyện",
        "organiser_agency": "PLDTBXH-106", "girls": 25, "boys": 20, "age_6_10": 20, "age_11_15": 25,
        "ethnic_groups": {"08": 30, "03": 10}, "with_disability": 2, "adults_in_charge": 9,
        "volunteers": 4, "guests": 12
    })
}

/// Tam Đường's 2018 records: a training course with a spending, and a forum.
async fn records_2018(app: &TestApp, token: &str) -> (i64, i64) {
    let a = app
        .api_post(
            token,
            "/api/v1/activities",
            &training("HĐ-2018-01", "2018-03-12", 21),
        )
        .await
        .expect_status(201);
    let id = a["id"].as_i64().expect("id");
    app
        .api_post(
            token,
            &format!("/api/v1/activities/{id}/spending"),
            &json!({"source": "local", "spent_on": "2018-03-13", "amount": 12_500_000, "note": "Tài liệu"}),
        )
        .await
        .expect_status(201);
    let f = app
        .api_post(
            token,
            "/api/v1/forums",
            &forum_json("Trẻ em với phòng, chống đuối nước"),
        )
        .await
        .expect_status(201);
    (id, f["id"].as_i64().expect("forum id"))
}

async fn status_of(app: &TestApp, token: &str, unit: &str, year: i32) -> Value {
    let b = app
        .api_ok(token, &format!("/api/v1/reports/{unit}/{year}"))
        .await;
    b["status"].clone()
}

async fn report_workflow_refuses_what_the_rules_forbid(app: TestApp) {
    let district = app.token("district106").await;
    let coord = app.token("coordinator").await;
    let path = "/api/v1/reports/106/2018";
    // Reading creates nothing.
    let b = app.api_ok(&district, path).await;
    assert_eq!(b["status"], Value::Null);
    assert_eq!(b["allowed"], json!(["submit"]));
    assert_eq!(count(&app, report::Entity).await, 0);
    // The district writes its narrative (creating the draft).
    let b = app
        .api_put(
            &district,
            path,
            &json!({"results": "Tổ chức 1 lớp tập huấn", "doc_number": "15/BC-UBND", "place": "Tam Đường"}),
        )
        .await
        .expect_status(200);
    assert_eq!(b["status"], "draft");
    assert_eq!(b["narrative"]["doc_number"], "15/BC-UBND");
    let events = count(&app, report_event::Entity).await;
    let audits = count(&app, audit::Entity).await;
    // No approval of an unsubmitted report: 409 wrong_state, nothing changed.
    let b = app
        .api_post(&coord, &format!("{path}/approve"), &json!({}))
        .await
        .expect_status(409);
    assert_eq!(b["error"]["code"], "wrong_state");
    assert_eq!(status_of(&app, &coord, "106", 2018).await, "draft");
    assert_eq!(count(&app, report_event::Entity).await, events);
    assert_eq!(count(&app, audit::Entity).await, audits);
    assert_eq!(count(&app, year_lock::Entity).await, 0);
    // An unknown action is 404.
    app.api_post(&coord, &format!("{path}/publish"), &json!({}))
        .await
        .expect_status(404);
    // Submitted by its author: the figures are frozen.
    let b = app
        .api_post(&district, &format!("{path}/submit"), &json!({}))
        .await
        .expect_status(200);
    assert_eq!(b["status"], "submitted");
    assert_eq!(b["frozen"], true);
    assert_eq!(b["first_submitted_on"], "2026-11-29");
    assert!(
        b["figures"]["figures"]
            .as_array()
            .is_some_and(|f| f.iter().any(|x| x["code"] == "A1")),
        "{b}"
    );
    let events = count(&app, report_event::Entity).await;
    // No return without a reason: 422, nothing changed.
    for body in [json!({}), json!({"reason": "   "})] {
        let b = app
            .api_post(&coord, &format!("{path}/return"), &body)
            .await
            .expect_status(422);
        assert_eq!(b["error"]["fields"]["reason"], "required");
    }
    assert_eq!(status_of(&app, &coord, "106", 2018).await, "submitted");
    assert_eq!(count(&app, report_event::Entity).await, events);
    // The author cannot approve its own report: 409 not_allowed.
    let b = app
        .api_post(&district, &format!("{path}/approve"), &json!({}))
        .await
        .expect_status(409);
    assert_eq!(b["error"]["code"], "not_allowed");
    assert_eq!(count(&app, year_lock::Entity).await, 0);
    // Nor edit the narrative while it is submitted.
    let b = app
        .api_put(&district, path, &json!({"results": "Khác"}))
        .await
        .expect_status(409);
    assert_eq!(b["error"]["code"], "wrong_state");
    // Returned with a reason; the author sees it, fixes and resubmits.
    let b = app
        .api_post(
            &coord,
            &format!("{path}/return"),
            &json!({"reason": "Thiếu số liệu tập huấn theo giới tính"}),
        )
        .await
        .expect_status(200);
    assert_eq!(b["status"], "returned");
    let (_, b) = app.api_get(&district, path).await;
    let last = b["events"].as_array().and_then(|e| e.last()).cloned();
    assert_eq!(
        last.map(|e| e["reason"].clone()),
        Some(json!("Thiếu số liệu tập huấn theo giới tính"))
    );
    // The page shows the reason too.
    let c = app.login("district106").await;
    let html = app.page(&c, "/reports/106/2018").await;
    assert!(
        html.contains("Thiếu số liệu tập huấn theo giới tính"),
        "{html}"
    );
    // Standings in words, the dashboard's words (T1 of 106/2018 has no data).
    assert!(html.contains("Chưa có số liệu"), "no-data standing");
    assert!(!html.contains("standing-"), "a raw catalog key");
    let csrf = crate::helpers::csrf_in(&html).expect("csrf");
    app.submit_form(
        &c,
        &csrf,
        "/reports/106/2018/narrative",
        &[
            ("results", "Tổ chức 1 lớp tập huấn cho 21 nữ, 9 nam"),
            ("doc_number", "15/BC-UBND"),
        ],
        303,
    )
    .await;
    app.submit_form(
        &c,
        &csrf,
        "/reports/106/2018/move",
        &[("action", "submit")],
        303,
    )
    .await;
    // The page refuses an approval by the author with the rule, changing nothing.
    app.submit_form(
        &c,
        &csrf,
        "/reports/106/2018/move",
        &[("action", "approve")],
        409,
    )
    .await;
    assert_eq!(status_of(&app, &coord, "106", 2018).await, "submitted");
    // Only the coordinator approves; the history holds every move.
    let b = app
        .api_post(&coord, &format!("{path}/approve"), &json!({}))
        .await
        .expect_status(200);
    assert_eq!(b["status"], "approved");
    assert_eq!(b["locked"], true);
    let actions = column(&b["events"], "action");
    assert_eq!(actions, vec!["submit", "return", "submit", "approve"]);
    // The list shows it approved and on time (due 15/01/2019, first submitted later: late).
    let l = app.api_ok(&coord, "/api/v1/reports?year=2018").await;
    assert_eq!(l["districts"].as_array().map(Vec::len), Some(8));
    assert_eq!(l["approved"], 1);
    let tam = l["districts"]
        .as_array()
        .and_then(|d| d.iter().find(|x| x["unit"] == "106"))
        .cloned()
        .expect("106");
    assert_eq!(tam["status"], "approved");
    assert_eq!(tam["due_on"], "2019-01-15");
    assert_eq!(tam["on_time"], false);
}
db_test!(report_workflow_refuses_what_the_rules_forbid);

async fn a_district_never_sees_or_moves_another_districts_report(app: TestApp) {
    let d108 = app.token("district108").await;
    app.api_put(
        &d108,
        "/api/v1/reports/108/2019",
        &json!({"results": "Sìn Hồ"}),
    )
    .await
    .expect_status(200);
    let reports = count(&app, report::Entity).await;
    let d106 = app.token("district106").await;
    for (m, path) in [
        (Method::GET, "/api/v1/reports/108/2019"),
        (Method::PUT, "/api/v1/reports/108/2019"),
        (Method::POST, "/api/v1/reports/108/2019/submit"),
        (Method::POST, "/api/v1/reports/108/2019/approve"),
        (Method::POST, "/api/v1/reports/12/2019/submit"),
    ] {
        let (s, b) = app.api_send(m.clone(), &d106, path, &json!({})).await;
        assert_eq!(s, 404, "{m} {path}: {b}");
    }
    let c = app.login("district106").await;
    for path in ["/reports/108/2019", "/reports/12/2019"] {
        let (s, html) = app.get(&c, path).await;
        assert_eq!(s, 404, "{path}");
        assert!(!html.contains("Sìn Hồ"), "{path}");
    }
    // Its list holds only Tam Đường.
    let (_, l) = app.api_get(&d106, "/api/v1/reports?year=2019").await;
    let units = column(&l["districts"], "unit");
    assert_eq!(units, vec!["106"]);
    assert_eq!(l["own"], Value::Null);
    // A viewer reads but does not write or move.
    let viewer = app.token("viewer").await;
    app.api_ok(&viewer, "/api/v1/reports/108/2019").await;
    app.api_put(&viewer, "/api/v1/reports/108/2019", &json!({}))
        .await
        .expect_status(403);
    app.api_post(&viewer, "/api/v1/reports/108/2019/submit", &json!({}))
        .await
        .expect_status(403);
    assert_eq!(count(&app, report::Entity).await, reports);
    assert_eq!(
        status_of(&app, &app.token("coordinator").await, "108", 2019).await,
        "draft"
    );
}
db_test!(a_district_never_sees_or_moves_another_districts_report);

async fn an_approved_year_is_locked_until_reopened(app: TestApp) {
    let district = app.token("district106").await;
    let coord = app.token("coordinator").await;
    let (act_id, forum_id) = records_2018(&app, &district).await;
    let path = "/api/v1/reports/106/2018";
    app.api_post(&district, &format!("{path}/submit"), &json!({}))
        .await
        .expect_status(200);
    app.api_post(&coord, &format!("{path}/approve"), &json!({}))
        .await
        .expect_status(200);
    let before_act = activity::Entity::find_by_id(act_id as i32)
        .one(&app.db.conn)
        .await
        .expect("db")
        .expect("activity");
    let before_forum = forum::Entity::find_by_id(forum_id as i32)
        .one(&app.db.conn)
        .await
        .expect("db")
        .expect("forum");
    let spendings = count(&app, spending::Entity).await;
    let activities = count(&app, activity::Entity).await;
    let forums = count(&app, forum::Entity).await;
    let locked = |s: u16, b: &Value, what: &str| {
        assert_eq!(s, 409, "{what}: {b}");
        assert_eq!(b["error"]["code"], "year_locked", "{what}");
        assert!(
            b["error"]["message"]
                .as_str()
                .is_some_and(|m| m.contains("đã được phê duyệt và khóa")),
            "{what}: {b}"
        );
    };
    // Editing, deleting, adding: all refused, by the district and the coordinator alike.
    let (s, b) = app
        .api_put(
            &district,
            &format!("/api/v1/activities/{act_id}"),
            &training("HĐ-2018-01", "2018-03-12", 30),
        )
        .await;
    locked(s, &b, "activity update");
    let (s, b) = app
        .api_delete(&coord, &format!("/api/v1/activities/{act_id}"), &json!({}))
        .await;
    locked(s, &b, "activity delete");
    let (s, b) = app
        .api_post(
            &district,
            "/api/v1/activities",
            &training("HĐ-2018-02", "2018-05-02", 10),
        )
        .await;
    locked(s, &b, "activity create");
    // Moving a 2019 activity into 2018 is refused too.
    let (s, b) = app
        .api_post(
            &district,
            "/api/v1/activities",
            &training("HĐ-2019-01", "2019-05-02", 10),
        )
        .await;
    assert_eq!(s, 201, "a 2019 activity is open: {b}");
    let id19 = b["id"].as_i64().expect("id");
    let (s, b) = app
        .api_put(
            &district,
            &format!("/api/v1/activities/{id19}"),
            &training("HĐ-2019-01", "2018-05-02", 10),
        )
        .await;
    locked(s, &b, "activity moved into 2018");
    let (s, b) = app
        .api_post(
            &district,
            &format!("/api/v1/activities/{act_id}/spending"),
            &json!({"source": "local", "spent_on": "2018-04-01", "amount": 1_000_000, "note": "Nước uống"}),
        )
        .await;
    locked(s, &b, "spending");
    let (s, b) = app
        .api_put(
            &district,
            &format!("/api/v1/forums/{forum_id}"),
            &forum_json("Chủ đề khác"),
        )
        .await;
    locked(s, &b, "forum update");
    let (s, b) = app
        .api_post(&district, "/api/v1/forums", &forum_json("Diễn đàn mới"))
        .await;
    locked(s, &b, "forum create");
    // The edit form on the page says so in Vietnamese.
    let c = app.login("district106").await;
    let (_, form) = app.get(&c, &format!("/activities/{act_id}/edit")).await;
    let csrf = crate::helpers::csrf_in(&form).expect("csrf");
    let r = app
        .post_form(
            &c,
            &format!("/activities/{act_id}/edit"),
            &[
                ("csrf", csrf.as_str()),
                ("code", "HĐ-2018-01"),
                ("unit", "106"),
                ("project", "DA2"),
                ("kind", "training"),
                ("title", "Tập huấn đã sửa"),
                ("starts_on", "12/03/2018"),
                ("ends_on", "12/03/2018"),
                ("lead_agency", "PLDTBXH-106"),
                ("participants.teachers.female", "30"),
                ("participants.teachers.male", "9"),
            ],
        )
        .await;
    let status = r.status().as_u16();
    let html = r.text().await.unwrap_or_default();
    assert_eq!(status, 409, "{html}");
    assert!(html.contains("đã được phê duyệt và khóa"), "{html}");
    // Nothing changed.
    let after_act = activity::Entity::find_by_id(act_id as i32)
        .one(&app.db.conn)
        .await
        .expect("db")
        .expect("activity");
    assert_eq!(after_act, before_act);
    let after_forum = forum::Entity::find_by_id(forum_id as i32)
        .one(&app.db.conn)
        .await
        .expect("db")
        .expect("forum");
    assert_eq!(after_forum, before_forum);
    assert_eq!(count(&app, spending::Entity).await, spendings);
    // (the one 2019 activity added above aside)
    assert_eq!(count(&app, activity::Entity).await, activities + 1);
    assert_eq!(count(&app, forum::Entity).await, forums);
    // Only the coordinator reopens, with a reason; that lifts the lock.
    let b = app
        .api_post(
            &district,
            &format!("{path}/reopen"),
            &json!({"reason": "Sửa"}),
        )
        .await
        .expect_status(409);
    assert_eq!(b["error"]["code"], "not_allowed");
    app.api_post(&coord, &format!("{path}/reopen"), &json!({}))
        .await
        .expect_status(422);
    assert_eq!(count(&app, year_lock::Entity).await, 1);
    let b = app
        .api_post(
            &coord,
            &format!("{path}/reopen"),
            &json!({"reason": "Sửa số liệu tập huấn"}),
        )
        .await
        .expect_status(200);
    assert_eq!(b["status"], "draft");
    assert_eq!(b["locked"], false);
    assert_eq!(count(&app, year_lock::Entity).await, 0);
    let (s, b) = app
        .api_put(
            &district,
            &format!("/api/v1/activities/{act_id}"),
            &training("HĐ-2018-01", "2018-03-12", 30),
        )
        .await;
    assert_eq!(s, 200, "open again: {b}");
    app
        .api_post(
            &district,
            &format!("/api/v1/activities/{act_id}/spending"),
            &json!({"source": "local", "spent_on": "2018-04-01", "amount": 1_000_000, "note": "Nước uống"}),
        )
        .await
        .expect_status(201);
    // The reopening is audited with its reason.
    let reopened = audit::Entity::find()
        .all(&app.db.conn)
        .await
        .expect("audit")
        .into_iter()
        .any(|a| format!("{a:?}").contains("Sửa số liệu tập huấn"));
    assert!(reopened, "reopening audited");
}
db_test!(an_approved_year_is_locked_until_reopened);

async fn the_provinces_report_lists_the_districts_approved_figures(app: TestApp) {
    let district = app.token("district106").await;
    let coord = app.token("coordinator").await;
    records_2018(&app, &district).await;
    let b = app.approve_report("district106", "106", 2018).await;
    let a1_106 = b["figures"]["figures"]
        .as_array()
        .and_then(|f| f.iter().find(|x| x["code"] == "A1"))
        .map(|x| x["numerator"].clone())
        .expect("A1 of 106");
    assert_eq!(a1_106, 30, "21 + 9 teachers trained");
    // The province's report: live figures of the whole province, and Tam
    // Đường's approved figures, with the districts still missing.
    let p = app.api_ok(&coord, "/api/v1/reports/12/2018").await;
    let districts = p["figures"]["districts"].as_array().expect("districts");
    assert_eq!(districts.len(), 8);
    let tam = districts
        .iter()
        .find(|d| d["unit_code"] == "106")
        .expect("106");
    assert_eq!(tam["status"], "approved");
    let a1 = tam["figures"]
        .as_array()
        .and_then(|f| f.iter().find(|x| x["code"] == "A1"))
        .map(|x| x["numerator"].clone());
    assert_eq!(a1, Some(json!(30)));
    let sin_ho = districts
        .iter()
        .find(|d| d["unit_code"] == "108")
        .expect("108");
    assert_eq!(sin_ho["figures"], Value::Null);
    // The page shows them per district and names the missing ones.
    let c = app.login("coordinator").await;
    let html = app.page(&c, "/reports/12/2018").await;
    assert!(html.contains("districts-table"), "{html}");
    assert!(html.contains("data-unit=\"106\""));
    assert!(html.contains("Chưa có báo cáo được phê duyệt:"));
    assert!(html.contains("Huyện Sìn Hồ"));
    // The list gives the coordinator completeness and timeliness.
    let html = app.page(&c, "/reports?year=2018").await;
    assert!(html.contains("<strong>1/8</strong>"), "{html}");
    // The engine agrees with the frozen figures while nothing changed.
    app.indicators(&coord, "106", 2018).await.expect_status(200);
}
db_test!(the_provinces_report_lists_the_districts_approved_figures);
