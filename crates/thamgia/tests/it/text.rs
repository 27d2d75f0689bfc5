//! Text as people really send it. A title or code typed in decomposed form
//! (NFD: some keyboards, files made on macOS) is the same record as the
//! composed one, through the API, the pages and a .csv import, and its length
//! counts the composed form; CRLF is stored as LF; a control character (NUL
//! first: PostgreSQL cannot store it) is refused with the field named — on a
//! page, in the API, on the child's page and in the join API — and nothing is
//! stored; and a JSON body sent as anything but `application/json` is 415,
//! with a session cookie or a token, and changes nothing.

use crate::child;
use crate::db_test;
use crate::fixtures::count;
use crate::helpers::{Answer, TestApp, csrf_in, overridden};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};
use thamgia_store::entity::{activity, matter};
use unicode_normalization::UnicodeNormalization;

fn nfd(s: &str) -> String {
    s.nfd().collect()
}

/// A code and a title whose decomposed forms differ from the composed ones
/// (ư, ờ, ậ, ấ decompose; Đ does not).
const CODE: &str = "MƯỜNG-01";
const TITLE: &str = "Tập huấn truyền thông ở Mường Tè";

fn broadcast(code: &str, title: &str) -> Value {
    json!({
        "code": code,
        "unit": "108",
        "project": "DA1",
        "kind": "broadcast",
        "title": title,
        "starts_on": "2018-05-02",
        "lead_agency": "PGDDT-108",
        "coordinating": [],
        "participants": {"parents": {"female": 5, "male": 4}},
        "audience": null,
        "description": null
    })
}

async fn with_code(app: &TestApp, code: &str) -> Vec<activity::Model> {
    activity::Entity::find()
        .filter(activity::Column::Code.eq(code))
        .all(&app.db.conn)
        .await
        .expect("db")
}

/// The activity form of unit 108, complete, with some fields replaced.
fn page_form<'a>(csrf: &'a str, over: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    overridden(
        vec![
            ("csrf", csrf),
            ("code", "PAGE-01"),
            ("unit", "108"),
            ("project", "DA1"),
            ("kind", "broadcast"),
            ("title", "Phát thanh về quyền tham gia"),
            ("starts_on", "02/05/2018"),
            ("ends_on", ""),
            ("lead_agency", "PGDDT-108"),
            ("participants.parents.female", "5"),
            ("participants.parents.male", "4"),
            ("audience", ""),
            ("copies", ""),
            ("description", ""),
        ],
        over,
    )
}

async fn decomposed_text_is_the_same_record(app: TestApp) {
    let token = app.token("district108").await;
    assert_ne!(nfd(CODE), CODE, "the test needs a code that decomposes");
    // Through the API, decomposed: stored composed.
    let b = app
        .api_post(
            &token,
            "/api/v1/activities",
            &broadcast(&nfd(CODE), &nfd(TITLE)),
        )
        .await
        .expect_status(201);
    assert_eq!(b["code"], CODE);
    let stored = with_code(&app, CODE).await;
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].title, TITLE);
    let total = count(&app, activity::Entity).await;
    // The same code composed is the same activity, not a second one.
    let (s, b) = app
        .api_post(&token, "/api/v1/activities", &broadcast(CODE, TITLE))
        .await;
    assert_ne!(s, 201, "{b}");
    assert_eq!(count(&app, activity::Entity).await, total);
    // Through the page, decomposed again.
    let c = app.login("district108").await;
    let (_, html) = app.get(&c, "/activities/new").await;
    let csrf = csrf_in(&html).expect("csrf");
    let (code, title) = (nfd(CODE), nfd(TITLE));
    let r = app
        .post_form(
            &c,
            "/activities/new",
            &page_form(&csrf, &[("code", &code), ("title", &title)]),
        )
        .await;
    assert_ne!(r.status().as_u16(), 500);
    assert_eq!(count(&app, activity::Entity).await, total);
    assert!(with_code(&app, &nfd(CODE)).await.is_empty());
    // Through a .csv file whose headers and cells are all decomposed: the
    // headers are recognised and the row updates the same activity.
    let csv = nfd(&format!(
        "Đơn vị (mã);Mã hoạt động;Dự án (DA1, DA2, MH1…);Loại hoạt động;Tên hoạt động;\
         Từ ngày (dd/mm/yyyy);Cơ quan chủ trì (mã);Cha mẹ, người chăm sóc – Nữ;\
         Cha mẹ, người chăm sóc - Nam\n\
         108;{CODE};DA1;Phát thanh, truyền hình;{TITLE} (lần 2);02/05/2018;PGDDT-108;6;4\n"
    ));
    assert_ne!(csv.nfc().collect::<String>(), csv);
    let path = "/api/v1/imports?file_name=hoat-dong.csv";
    let b = app
        .api_upload(&token, path, Some("text/csv"), csv.into_bytes())
        .await
        .expect_status(200);
    assert_eq!(b["result"]["activities_created"], 0, "{b}");
    assert_eq!(count(&app, activity::Entity).await, total);
    let stored = with_code(&app, CODE).await;
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].title, format!("{TITLE} (lần 2)"));
    // The length check counts the composed form: 300 letters "ệ" are 900 code
    // points decomposed, and the limit is 300.
    let long = "ệ".repeat(300);
    app.api_post(
        &token,
        "/api/v1/activities",
        &broadcast("DAI-300", &nfd(&long)),
    )
    .await
    .expect_status(201);
    assert_eq!(with_code(&app, "DAI-300").await[0].title, long);
    let b = app
        .api_post(
            &token,
            "/api/v1/activities",
            &broadcast("DAI-301", &nfd(&"ệ".repeat(301))),
        )
        .await
        .expect_status(422);
    assert_eq!(b["error"]["fields"]["title"], "too_long");
}
db_test!(decomposed_text_is_the_same_record);

async fn control_characters_are_named_and_nothing_is_stored(app: TestApp) {
    let token = app.token("district108").await;
    let total = count(&app, activity::Entity).await;
    // The API: a NUL in a JSON field.
    let mut body = broadcast("NUL-01", "Tiêu đề");
    body["description"] = json!("một\u{0}hai");
    let b = app
        .api_post(&token, "/api/v1/activities", &body)
        .await
        .expect_status(422);
    assert_eq!(b["error"]["code"], "invalid_input");
    assert_eq!(b["error"]["fields"]["description"], "control_character");
    let mut body = broadcast("NUL-01", "Tiêu\u{1b}[31m đề");
    body["participants"] = json!({"parents": {"female": 5, "male": 4}});
    let b = app
        .api_post(&token, "/api/v1/activities", &body)
        .await
        .expect_status(422);
    assert_eq!(b["error"]["fields"]["title"], "control_character");
    // In a query string.
    let b = app
        .api_get(&token, "/api/v1/activities?unit=10%008&per_page=1000")
        .await
        .expect_status(422);
    assert_eq!(b["error"]["fields"]["unit"], "control_character");
    // In a path: it names nothing, so 404 (not a database error).
    let b = app
        .api_get(&token, "/api/v1/units/10%008")
        .await
        .expect_status(404);
    assert_eq!(b["error"]["code"], "not_found");
    // CRLF and CR are stored as LF.
    let mut body = broadcast("CRLF-01", "Tiêu đề");
    body["description"] = json!("một\r\nhai\rba\tbốn");
    app.api_post(&token, "/api/v1/activities", &body)
        .await
        .expect_status(201);
    assert_eq!(
        with_code(&app, "CRLF-01").await[0].description.as_deref(),
        Some("một\nhai\nba\tbốn")
    );
    // A page form: the field named in Vietnamese, then in English.
    let c = app.login("district108").await;
    let (_, html) = app.get(&c, "/activities/new").await;
    let csrf = csrf_in(&html).expect("csrf");
    let r = app
        .post_form(
            &c,
            "/activities/new",
            &page_form(&csrf, &[("code", "NUL-02"), ("title", "Tiêu\u{0}đề")]),
        )
        .await;
    assert_eq!(r.status().as_u16(), 422);
    let html = r.text().await.expect("body");
    assert!(html.contains("title: Có ký tự điều khiển"), "{html}");
    let r = app.switch_lang(&c, &csrf, "en", "/").await;
    assert_eq!(r.status().as_u16(), 303);
    let r = app
        .post_form(
            &c,
            "/activities/new",
            &page_form(&csrf, &[("code", "NUL-02"), ("description", "\u{0}")]),
        )
        .await;
    assert_eq!(r.status().as_u16(), 422);
    let html = r.text().await.expect("body");
    assert!(
        html.contains("description: Contains a control character"),
        "{html}"
    );
    // CRLF through the page too.
    let r = app
        .post_form(
            &c,
            "/activities/new",
            &page_form(&csrf, &[("code", "CRLF-02"), ("description", "a\r\nb")]),
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(
        with_code(&app, "CRLF-02").await[0].description.as_deref(),
        Some("a\nb")
    );
    assert_eq!(count(&app, activity::Entity).await, total + 2);
    assert!(with_code(&app, "NUL-01").await.is_empty());
    assert!(with_code(&app, "NUL-02").await.is_empty());

    // The child's page: a NUL in the free-text answer.
    let s = child::open(&app, "ABC234").await;
    let anon = app.client();
    let (csrf, sid) = child::open_form(&app, &anon, &s).await;
    let mut form = child::valid(&s, &csrf, &sid);
    child::set(&mut form, &format!("q{}", s.text), "Em muốn\u{0} sân chơi");
    let path = format!("/c/{}", s.code);
    let (status, _, html) = child::post(&app, &anon, &path, &form).await;
    assert_eq!(status, 422, "{html}");
    assert!(html.contains("Có ký tự điều khiển"), "{html}");
    assert_eq!(child::count(&app, &s).await, 0);
    // The join API: the field named by its path.
    let mut answers = child::api_answers(&s);
    answers[s.text.to_string()] = json!({"text": "Em muốn\u{0} sân chơi"});
    let body = json!({"submission_id": uuid::Uuid::new_v4().to_string(), "answers": answers});
    let (status, b) = app
        .public_post(&format!("/api/v1/join/{}/responses", s.code), &body)
        .await;
    assert_eq!(status, 422, "{b}");
    assert_eq!(
        b["error"]["fields"][format!("answers.{}.text", s.text)],
        "control_character",
        "{b}"
    );
    assert_eq!(child::count(&app, &s).await, 0);
}
db_test!(control_characters_are_named_and_nothing_is_stored);

async fn json_bodies_need_the_json_type(app: TestApp) {
    let token = app.token("district106").await;
    let m = app
        .api_post(
            &token,
            "/api/v1/matters",
            &json!({"kind": "law_policy", "title": "Nội quy điện thoại", "owner_agency": "UBND-106", "unit": "106"}),
        )
        .await
        .expect_status(201);
    let id = m["id"].as_i64().expect("id");
    let path = format!("/api/v1/matters/{id}");
    let patch = r#"{"title":"Đổi qua text/plain"}"#;
    // With the session cookie, as another site's form could send it.
    let cookie = app.login("district106").await;
    let with_token = reqwest::Client::new();
    for (who, c, bearer) in [
        ("cookie", &cookie, None),
        ("token", &with_token, Some(&token)),
    ] {
        for ctype in [
            Some("text/plain"),
            Some("application/x-www-form-urlencoded"),
            None,
        ] {
            let mut r = c.patch(app.url(&path)).body(patch);
            if let Some(t) = ctype {
                r = r.header("content-type", t);
            }
            if let Some(t) = bearer {
                r = r.bearer_auth(t);
            }
            let r = r.send().await.expect("PATCH");
            assert_eq!(r.status().as_u16(), 415, "{who} {ctype:?}");
            let b: Value = r.json().await.expect("json");
            assert_eq!(b["error"]["code"], "unsupported_media_type", "{b}");
        }
    }
    let stored = matter::Entity::find_by_id(id as i32)
        .one(&app.db.conn)
        .await
        .expect("db")
        .expect("matter");
    assert_eq!(stored.title, "Nội quy điện thoại");
    // With the JSON type (and a charset), it is accepted.
    let r = cookie
        .patch(app.url(&path))
        .header("content-type", "application/json; charset=utf-8")
        .body(patch)
        .send()
        .await
        .expect("PATCH");
    assert_eq!(r.status().as_u16(), 200);
    let stored = matter::Entity::find_by_id(id as i32)
        .one(&app.db.conn)
        .await
        .expect("db")
        .expect("matter");
    assert_eq!(stored.title, "Đổi qua text/plain");
}
db_test!(json_bodies_need_the_json_type);
