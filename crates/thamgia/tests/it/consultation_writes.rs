//! Every write on a consultation — its questions, opening, paper responses,
//! group tallies, closing and answer — checks the rule that let it be created
//! (an agency officer acts for their own agency's matters only) and refuses
//! to move the figures of a year whose report was approved.

use crate::db_test;
use crate::helpers::{Answer, TestApp};
use serde_json::{Value, json};

/// A matter of unit 106 (owned by `agency`), registered by the district.
async fn matter(app: &TestApp, t: &str, agency: &str, title: &str, decided: Option<&str>) -> i64 {
    let mut body = json!({"kind": "community_decision", "title": title,
        "owner_agency": agency, "unit": "106"});
    if let Some(d) = decided {
        body["decision_date"] = json!(d);
        body["stage"] = json!("decided");
    }
    let m = app
        .api_post(t, "/api/v1/matters", &body)
        .await
        .expect_status(201);
    m["id"].as_i64().expect("id")
}

/// How far a consultation is taken before the test acts on it.
#[derive(Clone, Copy, PartialEq, PartialOrd)]
enum Upto {
    Draft,
    Open,
    Closed,
}

/// A consultation of the matter (ages 6–15) with one faces question; when
/// open, with one paper response. Returns its id and its question's id.
async fn consultation(
    app: &TestApp,
    t: &str,
    mid: i64,
    opens: &str,
    closes: &str,
    upto: Upto,
) -> (i64, i64) {
    let k = app
        .api_post(
            t,
            "/api/v1/consultations",
            &json!({"matter_id": mid,
            "title": "Ý kiến của các em", "method": "survey", "age_min": 6, "age_max": 15,
            "opens_on": opens, "closes_on": closes}),
        )
        .await
        .expect_status(201);
    let kid = k["id"].as_i64().expect("id");
    let q = app
        .api_post(
            t,
            &format!("/api/v1/consultations/{kid}/questions"),
            &json!({"kind": "faces3", "text_vi": "Em thấy thế nào?"}),
        )
        .await
        .expect_status(201);
    let qid = q["id"].as_i64().expect("question id");
    if upto >= Upto::Open {
        app.api_post(t, &format!("/api/v1/consultations/{kid}/open"), &json!({}))
            .await
            .expect_status(200);
        app.api_post(
            t,
            &format!("/api/v1/consultations/{kid}/paper-responses"),
            &json!({"submission_id": uuid::Uuid::new_v4().to_string(),
                        "answers": {qid.to_string(): {"face": 3}}}),
        )
        .await
        .expect_status(201);
    }
    if upto >= Upto::Closed {
        app.api_post(
            t,
            &format!("/api/v1/consultations/{kid}/close"),
            &json!({"findings": "Các em muốn có sân chơi an toàn."}),
        )
        .await
        .expect_status(200);
    }
    (kid, qid)
}

fn paper(qid: i64) -> Value {
    json!({"submission_id": uuid::Uuid::new_v4().to_string(),
           "answers": {qid.to_string(): {"face": 2}}})
}

fn tally() -> Value {
    json!({"submission_id": uuid::Uuid::new_v4().to_string(), "label": "Lớp 7A",
           "girls": 3, "boys": 2, "age_6_10": 0, "age_11_15": 5})
}

fn answer() -> Value {
    json!({"decided": "Xã làm sân chơi mới.", "taken": "Có rào chắn.",
           "not_taken": "Không có.", "publish": true})
}

async fn status_of(app: &TestApp, t: &str, kid: i64) -> String {
    let (_, k) = app
        .api_get(t, &format!("/api/v1/consultations/{kid}"))
        .await;
    k["status"].as_str().unwrap_or_default().to_string()
}

async fn inputs_of(app: &TestApp, kid: i64) -> (usize, usize) {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    use thamgia_store::entity::{group_tally, response};
    let db = &app.db.conn;
    let r = response::Entity::find()
        .filter(response::Column::ConsultationId.eq(kid as i32))
        .all(db)
        .await
        .expect("responses")
        .len();
    let g = group_tally::Entity::find()
        .filter(group_tally::Column::ConsultationId.eq(kid as i32))
        .all(db)
        .await
        .expect("tallies")
        .len();
    (r, g)
}

async fn an_agency_officer_writes_only_on_their_own_agencys_consultations(app: TestApp) {
    let district = app.token("district106").await;
    // A matter of the commune's People's Committee, not of agency106's
    // education office: agency106 could not create a consultation on it…
    let mid = matter(
        &app,
        &district,
        "UBND-106",
        "Sân chơi của bản",
        Some("2026-10-01"),
    )
    .await;
    let agency = app.token("agency106").await;
    app.api_post(
        &agency,
        "/api/v1/consultations",
        &json!({"matter_id": mid,
            "title": "Sân chơi", "method": "survey", "age_min": 6, "age_max": 15,
            "opens_on": "2026-11-01", "closes_on": "2026-11-20"}),
    )
    .await
    .expect_status(403);
    // …so it can write on none of the district's consultations about it.
    let (draft, dq) = consultation(
        &app,
        &district,
        mid,
        "2026-11-01",
        "2026-11-20",
        Upto::Draft,
    )
    .await;
    let (open, oq) =
        consultation(&app, &district, mid, "2026-11-01", "2026-11-20", Upto::Open).await;
    let (closed, _) = consultation(
        &app,
        &district,
        mid,
        "2026-11-01",
        "2026-11-20",
        Upto::Closed,
    )
    .await;
    let forbidden = |s: u16, b: &Value, what: &str| {
        assert_eq!(s, 403, "{what}: {b}");
        assert_eq!(b["error"]["code"], "forbidden", "{what}");
    };
    // Through the API.
    let api = [
        (
            format!("/api/v1/consultations/{draft}/questions"),
            json!({"kind": "faces3", "text_vi": "Câu hỏi thêm"}),
            "add a question",
        ),
        (
            format!("/api/v1/consultations/{draft}/open"),
            json!({}),
            "open",
        ),
        (
            format!("/api/v1/consultations/{open}/paper-responses"),
            paper(oq),
            "paper response",
        ),
        (
            format!("/api/v1/consultations/{open}/tallies"),
            tally(),
            "group tally",
        ),
        (
            format!("/api/v1/consultations/{open}/close"),
            json!({"findings": "Kết luận"}),
            "close",
        ),
        (
            format!("/api/v1/consultations/{closed}/answer"),
            answer(),
            "publish the answer",
        ),
    ];
    for (path, body, what) in &api {
        let (s, b) = app.api_post(&agency, path, body).await;
        forbidden(s, &b, what);
    }
    // Through the pages.
    let c = app.login("agency106").await;
    let csrf = app.csrf(&c, "/consultations").await;
    let sid = uuid::Uuid::new_v4().to_string();
    let pages: Vec<(String, Vec<(String, String)>)> = vec![
        (
            format!("/consultations/{draft}/questions"),
            vec![
                ("kind".into(), "faces3".into()),
                ("text_vi".into(), "Câu hỏi thêm".into()),
                ("required".into(), "1".into()),
            ],
        ),
        (
            format!("/consultations/{draft}/questions/{dq}/delete"),
            vec![],
        ),
        (format!("/consultations/{draft}/open"), vec![]),
        (
            format!("/consultations/{open}/paper"),
            vec![
                ("submission_id".into(), sid.clone()),
                (format!("q{oq}"), "2".into()),
            ],
        ),
        (
            format!("/consultations/{open}/tally"),
            vec![
                ("submission_id".into(), uuid::Uuid::new_v4().to_string()),
                ("label".into(), "Lớp 7A".into()),
                ("girls".into(), "3".into()),
                ("boys".into(), "2".into()),
                ("age_11_15".into(), "5".into()),
            ],
        ),
        (
            format!("/consultations/{open}/close"),
            vec![("findings".into(), "Kết luận".into())],
        ),
        (
            format!("/consultations/{closed}/answer"),
            vec![
                ("decided".into(), "Xã làm sân chơi mới.".into()),
                ("taken".into(), "Có rào chắn.".into()),
                ("not_taken".into(), "Không có.".into()),
                ("publish".into(), "1".into()),
            ],
        ),
    ];
    for (path, fields) in &pages {
        let mut form: Vec<(&str, &str)> = vec![("csrf", csrf.as_str())];
        form.extend(fields.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        let r = app.post_form(&c, path, &form).await;
        assert_eq!(r.status().as_u16(), 403, "page {path}");
        let html = r.text().await.expect("body");
        assert!(html.contains("Không có quyền"), "page {path}: Vietnamese");
    }
    // Nothing moved.
    assert_eq!(status_of(&app, &district, draft).await, "draft");
    assert_eq!(status_of(&app, &district, open).await, "open");
    assert_eq!(status_of(&app, &district, closed).await, "closed");
    assert_eq!(inputs_of(&app, open).await, (1, 0));
    let (_, k) = app
        .api_get(&district, &format!("/api/v1/consultations/{draft}"))
        .await;
    assert_eq!(k["questions"].as_array().map(Vec::len), Some(1));
    // On their own agency's matter the officer does all of it.
    let own = matter(
        &app,
        &agency,
        "PGDDT-106",
        "Giờ học bán trú",
        Some("2026-10-01"),
    )
    .await;
    let (k, _) = consultation(&app, &agency, own, "2026-11-01", "2026-11-20", Upto::Closed).await;
    app.api_post(
        &agency,
        &format!("/api/v1/consultations/{k}/answer"),
        &answer(),
    )
    .await
    .expect_status(200);
}
db_test!(an_agency_officer_writes_only_on_their_own_agencys_consultations);

/// (numerator, denominator) of each of T1–T3 in a list of figures.
fn t_figures(list: &Value) -> Vec<(String, Value, Value)> {
    ["T1", "T2", "T3"]
        .iter()
        .map(|code| {
            let f = list
                .as_array()
                .and_then(|a| a.iter().find(|x| x["code"] == *code))
                .cloned()
                .unwrap_or(Value::Null);
            (
                (*code).to_string(),
                f["numerator"].clone(),
                f["denominator"].clone(),
            )
        })
        .collect()
}

async fn consultation_writes_respect_an_approved_year(app: TestApp) {
    let district = app.token("district106").await;
    let coord = app.token("coordinator").await;
    // A matter decided in 2020, consulted in 2020: one consultation still
    // open, one closed awaiting its answer, one draft; and one of 2026
    // about the same matter.
    let m20 = matter(
        &app,
        &district,
        "UBND-106",
        "Đường đến trường",
        Some("2020-06-01"),
    )
    .await;
    let (draft, dq) = consultation(
        &app,
        &district,
        m20,
        "2020-03-01",
        "2020-04-01",
        Upto::Draft,
    )
    .await;
    let (open, oq) =
        consultation(&app, &district, m20, "2020-03-01", "2020-04-01", Upto::Open).await;
    let (closed, _) = consultation(
        &app,
        &district,
        m20,
        "2020-03-01",
        "2020-04-01",
        Upto::Closed,
    )
    .await;
    let (late, _) =
        consultation(&app, &district, m20, "2026-11-01", "2026-11-20", Upto::Open).await;
    let m26 = matter(
        &app,
        &district,
        "UBND-106",
        "Nhà văn hóa bản",
        Some("2026-10-01"),
    )
    .await;
    // The district reports 2020; the coordinator approves it.
    let b = app.approve_report("district106", "106", 2020).await;
    let frozen = t_figures(&b["figures"]["figures"]);
    // A community decision: T3 counts it in 2020, not consulted yet.
    assert_eq!(frozen[2].2, json!(1), "{frozen:?}");
    assert_eq!(frozen[2].1, json!(0), "{frozen:?}");
    let locked = |s: u16, b: &Value, what: &str| {
        assert_eq!(s, 409, "{what}: {b}");
        assert_eq!(b["error"]["code"], "year_locked", "{what}: {b}");
    };
    // Every write that would change 2020's figures or records is refused.
    let api = [
        (
            "/api/v1/consultations".to_string(),
            json!({"matter_id": m26, "title": "Nhà văn hóa", "method": "survey", "age_min": 6,
                   "age_max": 15, "opens_on": "2020-09-01", "closes_on": "2020-09-20"}),
            "a consultation dated in 2020",
        ),
        (
            format!("/api/v1/consultations/{draft}/questions"),
            json!({"kind": "faces3", "text_vi": "Câu hỏi thêm"}),
            "add a question",
        ),
        (
            format!("/api/v1/consultations/{draft}/open"),
            json!({}),
            "open",
        ),
        (
            format!("/api/v1/consultations/{open}/paper-responses"),
            paper(oq),
            "paper response",
        ),
        (
            format!("/api/v1/consultations/{open}/tallies"),
            tally(),
            "group tally",
        ),
        (
            format!("/api/v1/consultations/{open}/close"),
            json!({"findings": "Kết luận"}),
            "close",
        ),
        (
            format!("/api/v1/consultations/{closed}/answer"),
            answer(),
            "publish the answer",
        ),
        (
            format!("/api/v1/consultations/{late}/close"),
            json!({"findings": "Kết luận"}),
            "close a 2026 consultation of a 2020 matter",
        ),
    ];
    for (path, body, what) in &api {
        let (s, b) = app.api_post(&district, path, body).await;
        locked(s, &b, what);
    }
    // The pages refuse the same, in Vietnamese.
    let c = app.login("district106").await;
    let csrf = app.csrf(&c, "/consultations").await;
    let pages: Vec<(String, Vec<(String, String)>)> = vec![
        (
            format!("/consultations/{draft}/questions"),
            vec![
                ("kind".into(), "faces3".into()),
                ("text_vi".into(), "Câu hỏi thêm".into()),
                ("required".into(), "1".into()),
            ],
        ),
        (
            format!("/consultations/{draft}/questions/{dq}/delete"),
            vec![],
        ),
        (format!("/consultations/{draft}/open"), vec![]),
        (
            format!("/consultations/{open}/paper"),
            vec![
                ("submission_id".into(), uuid::Uuid::new_v4().to_string()),
                (format!("q{oq}"), "2".into()),
            ],
        ),
        (
            format!("/consultations/{open}/tally"),
            vec![
                ("submission_id".into(), uuid::Uuid::new_v4().to_string()),
                ("label".into(), "Lớp 7A".into()),
                ("girls".into(), "3".into()),
                ("boys".into(), "2".into()),
                ("age_11_15".into(), "5".into()),
            ],
        ),
        (
            format!("/consultations/{open}/close"),
            vec![("findings".into(), "Kết luận".into())],
        ),
        (
            format!("/consultations/{closed}/answer"),
            vec![
                ("decided".into(), "Xã làm đường mới.".into()),
                ("taken".into(), "Có đèn.".into()),
                ("not_taken".into(), "Không có.".into()),
                ("publish".into(), "1".into()),
            ],
        ),
    ];
    for (path, fields) in &pages {
        let mut form: Vec<(&str, &str)> = vec![("csrf", csrf.as_str())];
        form.extend(fields.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        let r = app.post_form(&c, path, &form).await;
        assert_eq!(r.status().as_u16(), 409, "page {path}");
        let html = r.text().await.expect("body");
        assert!(html.contains("đã được phê duyệt và khóa"), "page {path}");
    }
    assert_eq!(status_of(&app, &district, draft).await, "draft");
    assert_eq!(status_of(&app, &district, open).await, "open");
    assert_eq!(status_of(&app, &district, closed).await, "closed");
    assert_eq!(status_of(&app, &district, late).await, "open");
    assert_eq!(inputs_of(&app, open).await, (1, 0));
    // The approved report still agrees with the live figures.
    let ind = app.indicators(&coord, "106", 2020).await.expect_status(200);
    assert_eq!(t_figures(&ind), frozen);
    // A consultation of an open year about an open year's matter goes on.
    let (k, _) = consultation(
        &app,
        &district,
        m26,
        "2026-11-01",
        "2026-11-20",
        Upto::Closed,
    )
    .await;
    app.api_post(
        &district,
        &format!("/api/v1/consultations/{k}/answer"),
        &answer(),
    )
    .await
    .expect_status(200);
}
db_test!(consultation_writes_respect_an_approved_year);
