//! "Choose up to three": a multiple-choice question with `max_choices`
//! refuses one choice too many on every road an answer takes — the child's
//! page, the public API, the paper-entry page and the facilitator's offline
//! sync — naming the question (`q{id}: too_many_choices`) and storing
//! nothing; three choices pass on each road. The child's page and the paper
//! form say the limit.

use crate::child::post;
use crate::db_test;
use crate::fixtures::{add_question, unit_by_code};
use crate::helpers::{Answer, TestApp, csrf_in};
use chrono::Duration;
use serde_json::json;
use thamgia_domain::access::Actor;
use thamgia_domain::voice::{JoinCode, Method, QuestionKind};
use thamgia_store::consultations::{self, NewConsultation, NewQuestion};
use thamgia_web::clock::Clock;

/// An open consultation of district 106 (its subtree asked) with one
/// required question: choose up to three of five. Its id, question id and
/// option ids.
async fn choose_three(app: &TestApp, code: &str) -> (i32, i32, Vec<i32>) {
    let db = &app.db.conn;
    let now = app.clock.now();
    let today = now.date_naive();
    let district = unit_by_code(db, "106").await;
    let k = consultations::create(
        db,
        &Actor::system("test"),
        now,
        NewConsultation {
            matter_id: None,
            unit_id: district.id,
            title: "Sân chơi cần có gì?".into(),
            intro: String::new(),
            method: Method::Online,
            age_min: 6,
            age_max: 15,
            opens_on: today - Duration::days(1),
            closes_on: today + Duration::days(7),
            facilitator_id: None,
            audience_unit_ids: vec![district.id],
        },
        [JoinCode::parse(code).expect("code")],
    )
    .await
    .expect("create");
    let options = ["Xích đu", "Cầu trượt", "Ghế đá", "Cây xanh", "Vòi nước"]
        .iter()
        .map(|l| (l.to_string(), None, Some("play".to_string())))
        .collect();
    let qid = add_question(
        db,
        now,
        k.id,
        NewQuestion {
            kind: QuestionKind::Multiple,
            text_vi: "Em chọn tối đa ba điều sân chơi cần có.".into(),
            text_en: None,
            required: true,
            max_choices: Some(3),
            options,
        },
    )
    .await;
    consultations::open(db, &Actor::system("test"), now, k.id)
        .await
        .expect("open");
    let qs = consultations::questions(db, k.id).await.expect("questions");
    let opts = qs[0].1.iter().map(|o| o.id).collect();
    (k.id, qid, opts)
}

async fn count_of(app: &TestApp, id: i32) -> u64 {
    thamgia_store::responses::count(&app.db.conn, id)
        .await
        .expect("count")
}

fn hidden(html: &str, name: &str) -> String {
    let needle = format!("name=\"{name}\" value=\"");
    let rest = &html[html.find(&needle).expect(name) + needle.len()..];
    rest[..rest.find('"').expect("quote")].to_string()
}

async fn four_choices_are_refused_on_every_road_and_three_pass(app: TestApp) {
    let (id, qid, o) = choose_three(&app, "BAC234").await;
    let field = format!("q{qid}");
    let four = &o[..4];
    let three = &o[..3];

    // The child's page says the limit, with its ticks, and the server holds it.
    let c = app.client();
    let html = app.page(&c, "/c/BAC234").await;
    assert!(html.contains("Chọn tối đa 3"), "the limit in words");
    assert_eq!(
        html.matches(r##"<use href="#p-yes"/>"##).count(),
        3,
        "three ticks"
    );
    let csrf = csrf_in(&html).expect("csrf");
    let sid = hidden(&html, "submission_id");
    let form = |chosen: &[i32]| {
        let mut f = vec![
            ("csrf".to_string(), csrf.clone()),
            ("submission_id".to_string(), sid.clone()),
        ];
        f.extend(chosen.iter().map(|x| (field.clone(), x.to_string())));
        f
    };
    let (status, _, body) = post(&app, &c, "/c/BAC234", &form(four)).await;
    assert_eq!(status, 422);
    assert!(body.contains("Em chỉ chọn tối đa 3."), "{body}");
    assert_eq!(count_of(&app, id).await, 0, "nothing stored");
    let (status, _, _) = post(&app, &c, "/c/BAC234", &form(three)).await;
    assert_eq!(status, 200);
    assert_eq!(count_of(&app, id).await, 1);

    // The public API.
    let body = |chosen: &[i32]| {
        json!({"submission_id": uuid::Uuid::new_v4().to_string(),
            "answers": {qid.to_string(): {"options": chosen}}})
    };
    let (status, b) = app
        .public_post("/api/v1/join/BAC234/responses", &body(four))
        .await;
    assert_eq!(status, 422, "{b}");
    assert_eq!(b["error"]["fields"][&field], "too_many_choices", "{b}");
    assert_eq!(count_of(&app, id).await, 1);
    let (_, asked) = app.public_get("/api/v1/join/BAC234").await;
    assert_eq!(asked["questions"][0]["max_choices"], 3, "{asked}");
    app.public_post("/api/v1/join/BAC234/responses", &body(three))
        .await
        .expect_status(201);
    assert_eq!(count_of(&app, id).await, 2);

    // The paper-entry page.
    let officer = app.login("district106").await;
    let page = format!("/consultations/{id}/paper");
    let html = app.page(&officer, &page).await;
    assert!(
        html.contains("Chọn tối đa 3"),
        "the paper form says the limit"
    );
    let csrf = csrf_in(&html).expect("csrf");
    let paper = |chosen: &[i32]| {
        let mut f = vec![
            ("csrf".to_string(), csrf.clone()),
            (
                "submission_id".to_string(),
                uuid::Uuid::new_v4().to_string(),
            ),
        ];
        f.extend(chosen.iter().map(|x| (field.clone(), x.to_string())));
        f
    };
    let (status, _, html) = post(&app, &officer, &page, &paper(four)).await;
    assert_eq!(status, 422);
    assert!(
        html.contains(&format!(r#"id="{field}-err""#)) && html.contains("chỉ được chọn tối đa"),
        "the error sits by the question"
    );
    assert_eq!(count_of(&app, id).await, 2);
    let (status, _, _) = post(&app, &officer, &page, &paper(three)).await;
    assert_eq!(status, 303);
    assert_eq!(count_of(&app, id).await, 3);

    // The facilitator's offline sync.
    let (s, b) = app
        .public_post(
            "/api/v1/devices",
            &json!({"username": "facilitator106", "password": thamgia::demo::DEMO_PASSWORD,
                "label": "Máy tính bảng"}),
        )
        .await;
    assert_eq!(s, 201, "{b}");
    let token = b["token"].as_str().expect("token").to_string();
    let now = app.clock.now();
    let item = |chosen: &[i32]| {
        json!({"code": "BAC234", "submission_id": uuid::Uuid::new_v4().to_string(),
            "made_at": now - Duration::minutes(5), "collected": "kiosk",
            "profile": {"age": 10}, "answers": {qid.to_string(): {"options": chosen}}})
    };
    let (s, b) = app
        .api_post(
            &token,
            "/api/v1/device/sync",
            &json!({"device_time": now, "unsent": 2, "submissions": [item(four), item(three)]}),
        )
        .await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(b["results"][0]["status"], "invalid", "{b}");
    assert_eq!(b["results"][0]["fields"][&field], "too_many_choices", "{b}");
    assert_eq!(b["results"][1]["status"], "stored", "{b}");
    assert_eq!(count_of(&app, id).await, 4);
}
db_test!(four_choices_are_refused_on_every_road_and_three_pass);
