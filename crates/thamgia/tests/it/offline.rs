//! The facilitator's offline app: a device signs in once, downloads its
//! consultations, syncs answers in batches (each stored once however often
//! it is sent), is revoked by an officer; the late-answer rule (an answer
//! made on the last day synced inside the grace period is counted, one after
//! the answer was published is refused with the reason, a device clock an
//! hour wrong is corrected); and the app shell stays within 150 KB gzip.

use crate::child::{api_answers, open};
use crate::db_test;
use crate::helpers::{Answer, TestApp};
use chrono::{DateTime, Duration, Utc};
use serde_json::{Value, json};
use thamgia_domain::access::Actor;
use thamgia_store::consultations::{self, AnswerBack};
use thamgia_store::responses;
use thamgia_web::clock::Clock;

async fn sign_in(app: &TestApp, username: &str) -> (u16, Value) {
    let body = json!({
        "username": username,
        "password": thamgia::demo::DEMO_PASSWORD,
        "label": "Máy tính bảng điểm trường",
    });
    app.public_post("/api/v1/devices", &body).await
}

async fn device(app: &TestApp) -> String {
    let (s, b) = sign_in(app, "facilitator106").await;
    assert_eq!(s, 201, "{b}");
    let token = b["token"].as_str().expect("token").to_string();
    assert!(token.starts_with("dev_"));
    token
}

fn item(code: &str, sid: &str, made_at: DateTime<Utc>, answers: &Value) -> Value {
    json!({
        "code": code,
        "submission_id": sid,
        "made_at": made_at,
        "collected": "kiosk",
        "profile": {"age": 10, "sex": "boy"},
        "answers": answers,
    })
}

async fn sync(
    app: &TestApp,
    token: &str,
    device_time: DateTime<Utc>,
    items: &[Value],
) -> (u16, Value) {
    app.api_post(
        token,
        "/api/v1/device/sync",
        &json!({"device_time": device_time, "unsent": items.len(), "submissions": items}),
    )
    .await
}

fn statuses(b: &Value) -> Vec<String> {
    b["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|r| r["status"].as_str().unwrap_or("?").to_string())
        .collect()
}

async fn consultation_id(app: &TestApp, code: &str) -> i32 {
    consultations::by_code(&app.db.conn, code)
        .await
        .expect("db")
        .expect("consultation")
        .id
}

async fn a_device_syncs_each_answer_once_and_is_revoked(app: TestApp) {
    let s = open(&app, "ABC234").await;
    let id = consultation_id(&app, "ABC234").await;
    // Wrong password, and a role that runs no consultation.
    let wrong = json!({"username": "facilitator106", "password": "wrong"});
    app.public_post("/api/v1/devices", &wrong)
        .await
        .expect_status(401);
    let (st, b) = sign_in(&app, "viewer").await;
    assert_eq!((st, b["error"]["code"].as_str()), (403, Some("forbidden")));
    let token = device(&app).await;
    // The facilitator's school lies in the consultation's audience.
    let (st, bundle) = app.api_get(&token, "/api/v1/device/consultations").await;
    assert_eq!(st, 200, "{bundle}");
    let list = bundle["consultations"].as_array().expect("list");
    assert!(list.iter().any(|k| k["code"] == "ABC234"), "{bundle}");
    assert_eq!(bundle["late_sync_days"], 14);
    // A device token opens nothing else.
    let (st, _) = app
        .api_get(&token, "/api/v1/consultations?per_page=1000")
        .await;
    assert_eq!(st, 401);
    // An account's token is not a device.
    let officer = app.token("district106").await;
    let (st, _) = app.api_get(&officer, "/api/v1/device/consultations").await;
    assert_eq!(st, 403);

    let now = app.clock.now();
    let sids: Vec<String> = (0..5).map(|_| uuid::Uuid::new_v4().to_string()).collect();
    let items: Vec<Value> = sids
        .iter()
        .map(|sid| item(&s.code, sid, now - Duration::minutes(30), &api_answers(&s)))
        .collect();
    let (st, b) = sync(&app, &token, now, &items[..3]).await;
    assert_eq!(st, 200, "{b}");
    assert_eq!(statuses(&b), ["stored", "stored", "stored"]);
    assert_eq!(b["clock_offset_seconds"], 0);
    // Sent again (the acknowledgement was lost), then a batch cut half way
    // and sent whole: each answer is stored once.
    let (_, b) = sync(&app, &token, now, &items[..3]).await;
    assert_eq!(statuses(&b), ["duplicate", "duplicate", "duplicate"]);
    let (_, b) = sync(&app, &token, now, &items).await;
    assert_eq!(
        statuses(&b),
        ["duplicate", "duplicate", "duplicate", "stored", "stored"]
    );
    assert_eq!(responses::count(&app.db.conn, id).await.expect("count"), 5);
    assert_eq!(
        responses::late_count(&app.db.conn, id).await.expect("late"),
        0
    );
    // Invalid answers are named, not stored; the batch goes on.
    let mut bad = item(&s.code, &uuid::Uuid::new_v4().to_string(), now, &json!({}));
    bad["profile"]["age"] = json!(40);
    let (_, b) = sync(
        &app,
        &token,
        now,
        &[
            bad,
            item("ZZZ999", &uuid::Uuid::new_v4().to_string(), now, &json!({})),
        ],
    )
    .await;
    assert_eq!(statuses(&b), ["invalid", "refused"]);
    assert!(b["results"][0]["fields"]["age"].is_string(), "{b}");
    assert_eq!(b["results"][1]["reason"], "unknown_consultation");
    // More than 50 at once is refused as a whole.
    let many: Vec<Value> = (0..51).map(|_| items[0].clone()).collect();
    let (st, b) = sync(&app, &token, now, &many).await;
    assert_eq!(
        (st, b["error"]["fields"]["submissions"].as_str()),
        (422, Some("too_many"))
    );

    // The officer sees the device and what it reported, then revokes it.
    let (st, list) = app.api_get(&officer, "/api/v1/devices?per_page=1000").await;
    assert_eq!(st, 200, "{list}");
    let d = &list.as_array().expect("devices")[0];
    assert_eq!(d["username"], "facilitator106");
    assert_eq!(d["last_unsent"], 0);
    assert!(d["last_sync_at"].is_string());
    let c = app.login("district106").await;
    let (st, html) = app.get(&c, "/devices").await;
    assert_eq!(st, 200);
    assert!(html.contains("Máy tính bảng điểm trường") && html.contains("Thu hồi"));
    // An officer of another district sees nothing of it and cannot revoke it.
    let other = app.token("district108").await;
    let (_, list) = app.api_get(&other, "/api/v1/devices?per_page=1000").await;
    assert_eq!(list, json!([]));
    let path = format!("/api/v1/devices/{}/revoke", d["id"]);
    let (st, _) = app.api_post(&other, &path, &json!({})).await;
    assert_eq!(st, 404);
    let (st, b) = app.api_post(&officer, &path, &json!({})).await;
    assert_eq!(st, 200, "{b}");
    assert!(b["revoked_at"].is_string());
    let (st, _) = app.api_get(&token, "/api/v1/device/consultations").await;
    assert_eq!(st, 401);
    let (st, _) = sync(&app, &token, now, &items[..1]).await;
    assert_eq!(st, 401);
    // The same from the officers' page, with its form.
    let second = device(&app).await;
    let (_, list) = app.api_get(&officer, "/api/v1/devices?per_page=1000").await;
    let id = list[0]["id"].as_i64().expect("id");
    assert!(list[0]["revoked_at"].is_null());
    let csrf = app.csrf(&c, "/devices").await;
    app.submit_form(&c, &csrf, &format!("/devices/{id}/revoke"), &[], 303)
        .await;
    let (st, html) = app.get(&c, "/devices?revoked=1").await;
    assert_eq!(st, 200);
    assert!(html.contains("Đã thu hồi thiết bị"));
    let (st, _) = app.api_get(&second, "/api/v1/device/consultations").await;
    assert_eq!(st, 401);
    // A facilitator sees their own devices only; a viewer none at all.
    let own = app.token("facilitator106").await;
    let (st, list) = app.api_get(&own, "/api/v1/devices?per_page=1000").await;
    assert_eq!((st, list.as_array().map(Vec::len)), (200, Some(2)));
    let viewer = app.token("viewer").await;
    let (st, _) = app.api_get(&viewer, "/api/v1/devices?per_page=1000").await;
    assert_eq!(st, 403);
}
db_test!(a_device_syncs_each_answer_once_and_is_revoked);

async fn an_answer_made_on_the_last_day_and_synced_in_the_grace_period_counts(app: TestApp) {
    let s = open(&app, "ABC234").await;
    let id = consultation_id(&app, "ABC234").await;
    let token = device(&app).await;
    // The last day (it closes a week from the test's day), late evening.
    app.clock.advance(Duration::days(7) + Duration::hours(12));
    let made = app.clock.now();
    // Synced the next morning, after the last day.
    app.clock.advance(Duration::hours(13));
    let now = app.clock.now();
    let on_time = uuid::Uuid::new_v4().to_string();
    let after = uuid::Uuid::new_v4().to_string();
    let (st, b) = sync(
        &app,
        &token,
        now,
        &[
            item(&s.code, &on_time, made, &api_answers(&s)),
            item(&s.code, &after, now - Duration::hours(1), &api_answers(&s)),
        ],
    )
    .await;
    assert_eq!(st, 200, "{b}");
    assert_eq!(statuses(&b), ["stored", "refused"]);
    assert_eq!(b["results"][0]["late"], true);
    assert_eq!(b["results"][1]["reason"], "made_after_closing");
    assert_eq!(responses::count(&app.db.conn, id).await.expect("count"), 1);
    assert_eq!(
        responses::late_count(&app.db.conn, id).await.expect("late"),
        1
    );
    // Closed by hand meanwhile: still inside the grace period.
    consultations::close(
        &app.db.conn,
        &Actor::system("test"),
        now,
        id,
        "Các em muốn có mái che.".into(),
    )
    .await
    .expect("close");
    let (_, b) = sync(
        &app,
        &token,
        now,
        &[item(
            &s.code,
            &uuid::Uuid::new_v4().to_string(),
            made,
            &api_answers(&s),
        )],
    )
    .await;
    assert_eq!(statuses(&b), ["stored"]);
    // Past the grace period (14 days after the last day).
    app.clock.advance(Duration::days(14));
    let now = app.clock.now();
    let (_, b) = sync(
        &app,
        &token,
        now,
        &[item(
            &s.code,
            &uuid::Uuid::new_v4().to_string(),
            made,
            &api_answers(&s),
        )],
    )
    .await;
    assert_eq!(statuses(&b), ["refused"]);
    assert_eq!(b["results"][0]["reason"], "grace_over");
    assert_eq!(responses::count(&app.db.conn, id).await.expect("count"), 2);
}
db_test!(an_answer_made_on_the_last_day_and_synced_in_the_grace_period_counts);

async fn after_the_answer_is_published_a_late_answer_is_refused_with_the_reason(app: TestApp) {
    let s = open(&app, "ABC234").await;
    let id = consultation_id(&app, "ABC234").await;
    let token = device(&app).await;
    let made = app.clock.now();
    let db = &app.db.conn;
    consultations::close(
        db,
        &Actor::system("test"),
        made,
        id,
        "Các em muốn có mái che.".into(),
    )
    .await
    .expect("close");
    app.clock.advance(Duration::days(1));
    consultations::save_answer(
        db,
        &Actor::system("test"),
        app.clock.now(),
        id,
        AnswerBack {
            decided: "Trường sẽ làm mái che.".into(),
            taken: "Làm mái che.".into(),
            not_taken: "Chưa làm bể bơi.".into(),
        },
        true,
    )
    .await
    .expect("publish");
    let now = app.clock.now();
    let (st, b) = sync(
        &app,
        &token,
        now,
        &[item(
            &s.code,
            &uuid::Uuid::new_v4().to_string(),
            made,
            &api_answers(&s),
        )],
    )
    .await;
    assert_eq!(st, 200, "{b}");
    assert_eq!(statuses(&b), ["refused"]);
    assert_eq!(b["results"][0]["reason"], "answer_published");
    assert_eq!(
        b["results"][0]["message"],
        "Câu trả lời cho trẻ em đã được công bố, không nhận thêm ý kiến."
    );
    assert_eq!(responses::count(db, id).await.expect("count"), 0);
}
db_test!(after_the_answer_is_published_a_late_answer_is_refused_with_the_reason);

async fn a_device_clock_an_hour_wrong_is_corrected(app: TestApp) {
    let s = open(&app, "ABC234").await;
    let id = consultation_id(&app, "ABC234").await;
    let token = device(&app).await;
    // Real time: the last day, 23:10 UTC; the answer synced at 00:30 the next day.
    app.clock
        .advance(Duration::days(7) + Duration::hours(15) + Duration::minutes(10));
    let made_real = app.clock.now();
    app.clock.advance(Duration::minutes(80));
    let now = app.clock.now();
    // A device an hour fast says the answer was made after midnight: the
    // server corrects it back to the last day and takes it.
    let fast = Duration::hours(1);
    let (_, b) = sync(
        &app,
        &token,
        now + fast,
        &[item(
            &s.code,
            &uuid::Uuid::new_v4().to_string(),
            made_real + fast,
            &api_answers(&s),
        )],
    )
    .await;
    assert_eq!(statuses(&b), ["stored"], "{b}");
    assert_eq!(b["results"][0]["late"], true);
    assert_eq!(b["clock_offset_seconds"], -3600);
    // A device an hour slow says 23:20 on the last day for an answer made at
    // 00:20 the next day: corrected, it came after closing.
    let slow = Duration::hours(1);
    let made_late = now - Duration::minutes(10);
    let (_, b) = sync(
        &app,
        &token,
        now - slow,
        &[item(
            &s.code,
            &uuid::Uuid::new_v4().to_string(),
            made_late - slow,
            &api_answers(&s),
        )],
    )
    .await;
    assert_eq!(statuses(&b), ["refused"], "{b}");
    assert_eq!(b["results"][0]["reason"], "made_after_closing");
    assert_eq!(b["clock_offset_seconds"], 3600);
    assert_eq!(responses::count(&app.db.conn, id).await.expect("count"), 1);
    // The officer sees the last offset the device showed.
    let officer = app.token("district106").await;
    let (_, list) = app.api_get(&officer, "/api/v1/devices?per_page=1000").await;
    assert_eq!(list[0]["last_clock_offset_seconds"], 3600);
}
db_test!(a_device_clock_an_hour_wrong_is_corrected);

async fn the_app_shell_fits_150_kb_gzip_and_installs(app: TestApp) {
    let c = reqwest::Client::new();
    let mut total = 0;
    for path in [
        "/facilitator/",
        "/facilitator/app.js",
        "/facilitator/app.css",
        "/facilitator/sw.js",
        "/facilitator/manifest.webmanifest",
        "/facilitator/icon.svg",
    ] {
        let (n, enc) = app.transferred(&c, path).await;
        // Too small to be worth compressing is fine; larger files travel gzipped.
        assert!(enc == "gzip" || n < 1024, "{path}: {enc} {n}");
        total += n;
    }
    eprintln!("facilitator app shell: {total} bytes (gzip)");
    assert!(total <= 150 * 1024, "app shell is {total} bytes");
    // The manifest names the app's start and scope; the page names no child.
    let (_, manifest) = app.get(&c, "/facilitator/manifest.webmanifest").await;
    let m: Value = serde_json::from_str(&manifest).expect("manifest json");
    assert_eq!(m["start_url"], "/facilitator/");
}
db_test!(the_app_shell_fits_150_kb_gzip_and_installs);

fn tally(code: &str, sid: &str, made_at: DateTime<Utc>, option: i32, girls: i64) -> Value {
    json!({
        "code": code,
        "submission_id": sid,
        "made_at": made_at,
        "label": "Lớp 7A, nhóm 2",
        "girls": girls,
        "boys": 5,
        "age_6_10": girls + 5,
        "age_11_15": 0,
        "counts": {option.to_string(): 4},
    })
}

async fn sync_tallies(
    app: &TestApp,
    token: &str,
    device_time: DateTime<Utc>,
    items: &[Value],
) -> (u16, Value) {
    app.api_post(
        token,
        "/api/v1/device/sync",
        &json!({"device_time": device_time, "unsent": items.len(), "tallies": items}),
    )
    .await
}

fn tally_statuses(b: &Value) -> Vec<String> {
    b["tallies"]
        .as_array()
        .expect("tallies")
        .iter()
        .map(|r| r["status"].as_str().unwrap_or("?").to_string())
        .collect()
}

async fn children_in_tallies(app: &TestApp, id: i32) -> (i64, i64) {
    let officer = app.token("district106").await;
    let (st, k) = app
        .api_get(&officer, &format!("/api/v1/consultations/{id}"))
        .await;
    assert_eq!(st, 200, "{k}");
    (
        k["responses"]["group_tallies"].as_i64().expect("tallies"),
        k["responses"]["children_in_tallies"]
            .as_i64()
            .expect("children"),
    )
}

async fn a_group_tally_syncs_once_late_inside_the_grace_period_and_not_after_publishing(
    app: TestApp,
) {
    let s = open(&app, "ABC234").await;
    let id = consultation_id(&app, "ABC234").await;
    let token = device(&app).await;
    // An option of the single-choice question, as the device downloaded it.
    let (_, bundle) = app.api_get(&token, "/api/v1/device/consultations").await;
    let option = bundle["consultations"]
        .as_array()
        .expect("list")
        .iter()
        .find(|k| k["code"] == s.code.as_str())
        .and_then(|k| k["questions"].as_array())
        .and_then(|qs| qs.iter().find(|q| q["kind"] == "single"))
        .and_then(|q| q["options"][0]["id"].as_i64())
        .and_then(|n| i32::try_from(n).ok())
        .expect("a single-choice option");
    let now = app.clock.now();
    let sid = uuid::Uuid::new_v4().to_string();
    let t = tally(&s.code, &sid, now - Duration::minutes(20), option, 7);
    // Synced twice (the acknowledgement was lost): stored once, the
    // results move by its 12 children.
    let (st, b) = sync_tallies(&app, &token, now, std::slice::from_ref(&t)).await;
    assert_eq!(st, 200, "{b}");
    assert_eq!(tally_statuses(&b), ["stored"]);
    assert_eq!(b["results"], json!([]));
    let (_, b) = sync_tallies(&app, &token, now, std::slice::from_ref(&t)).await;
    assert_eq!(tally_statuses(&b), ["duplicate"]);
    assert_eq!(children_in_tallies(&app, id).await, (1, 12));
    // Invalid counts are named and store nothing; an answer and a tally
    // travel in one batch.
    let mut bad = tally(&s.code, &uuid::Uuid::new_v4().to_string(), now, option, 7);
    bad["age_6_10"] = json!(3);
    let (st, b) = app
        .api_post(&token, "/api/v1/device/sync", &json!({"device_time": now, "unsent": 2,
                    "submissions": [item(&s.code, &uuid::Uuid::new_v4().to_string(), now, &api_answers(&s))],
                    "tallies": [bad]}))
        .await;
    assert_eq!(st, 200, "{b}");
    assert_eq!(statuses(&b), ["stored"]);
    assert_eq!(tally_statuses(&b), ["invalid"]);
    assert_eq!(b["tallies"][0]["fields"]["ages"], "total_mismatch", "{b}");
    assert_eq!(children_in_tallies(&app, id).await, (1, 12));

    // Made on the last day, late evening; synced the next morning: late, counted.
    app.clock.advance(Duration::days(7) + Duration::hours(12));
    let made = app.clock.now();
    app.clock.advance(Duration::hours(13));
    let now = app.clock.now();
    let (_, b) = sync_tallies(
        &app,
        &token,
        now,
        &[
            tally(&s.code, &uuid::Uuid::new_v4().to_string(), made, option, 3),
            tally(
                &s.code,
                &uuid::Uuid::new_v4().to_string(),
                now - Duration::hours(1),
                option,
                3,
            ),
        ],
    )
    .await;
    assert_eq!(tally_statuses(&b), ["stored", "refused"], "{b}");
    assert_eq!(b["tallies"][0]["late"], true);
    assert_eq!(b["tallies"][1]["reason"], "made_after_closing");
    assert_eq!(children_in_tallies(&app, id).await, (2, 20));
    assert_eq!(
        responses::late_tally_count(&app.db.conn, id)
            .await
            .expect("late"),
        1
    );

    // Once the answer to the children is published: refused with the reason.
    let db = &app.db.conn;
    consultations::close(
        db,
        &Actor::system("test"),
        now,
        id,
        "Các em muốn có mái che.".into(),
    )
    .await
    .expect("close");
    app.clock.advance(Duration::days(1));
    consultations::save_answer(
        db,
        &Actor::system("test"),
        app.clock.now(),
        id,
        AnswerBack {
            decided: "Trường sẽ làm mái che.".into(),
            taken: "Làm mái che.".into(),
            not_taken: "Chưa làm bể bơi.".into(),
        },
        true,
    )
    .await
    .expect("publish");
    let now = app.clock.now();
    let (_, b) = sync_tallies(
        &app,
        &token,
        now,
        &[tally(
            &s.code,
            &uuid::Uuid::new_v4().to_string(),
            made,
            option,
            3,
        )],
    )
    .await;
    assert_eq!(tally_statuses(&b), ["refused"], "{b}");
    assert_eq!(b["tallies"][0]["reason"], "answer_published");
    assert_eq!(
        b["tallies"][0]["message"],
        "Câu trả lời cho trẻ em đã được công bố, không nhận thêm ý kiến."
    );
    assert_eq!(children_in_tallies(&app, id).await, (2, 20));
}
db_test!(a_group_tally_syncs_once_late_inside_the_grace_period_and_not_after_publishing);
