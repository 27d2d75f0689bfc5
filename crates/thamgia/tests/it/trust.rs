//! Uploaded documents are served as safe types and never as what the uploader
//! claimed; executable types are refused at upload; HSTS follows
//! `--secure-cookies`.

use crate::db_test;
use crate::helpers::TestApp;
use thamgia_web::clock::Clock;

async fn api_upload(
    app: &TestApp,
    token: &str,
    name: &str,
    ctype: &str,
) -> (u16, serde_json::Value) {
    let r = reqwest::Client::new()
        .post(app.url(&format!("/api/v1/activities/1/documents?name={name}")))
        .bearer_auth(token)
        .header("content-type", ctype)
        .body("alert(document.cookie)")
        .send()
        .await
        .expect("upload");
    let s = r.status().as_u16();
    (s, r.json().await.unwrap_or_default())
}

async fn documents_are_never_served_as_what_they_claim(app: TestApp) {
    // Activity 1 of district 108, with document 1 `bao-cao.txt`.
    crate::activities::one_of_each(&app).await;
    let token = app.token("district108").await;
    for (name, ctype) in [
        ("x.js", "text/javascript"),
        ("trang.html", "application/octet-stream"),
        ("hinh.svg", "image/svg+xml"),
        ("setup.exe", "application/octet-stream"),
        // A harmless name does not carry a script type through.
        ("ghi-chu.txt", "application/javascript"),
    ] {
        let (s, b) = api_upload(&app, &token, name, ctype).await;
        assert_eq!(s, 422, "{name}: {b}");
        assert_eq!(b["error"]["fields"]["file"], "file_type_refused", "{name}");
    }
    // Through the page: the field is named, in Vietnamese, nothing stored.
    let c = app.login("district108").await;
    let csrf = app.csrf(&c, "/activities/1").await;
    let (ctype, body) =
        crate::activities::multipart(&csrf, "trang.html", b"<script>alert(1)</script>");
    let r = c
        .post(app.url("/activities/1/documents"))
        .header("content-type", ctype)
        .body(body)
        .send()
        .await
        .expect("POST");
    assert_eq!(r.status().as_u16(), 422);
    assert!(
        r.text()
            .await
            .expect("html")
            .contains("Không nhận loại tệp này")
    );
    use sea_orm::{EntityTrait, PaginatorTrait};
    let docs = thamgia_store::entity::activity_document::Entity::find()
        .count(&app.db.conn)
        .await
        .expect("count");
    assert_eq!(docs, 1, "only the first document is stored");

    // A document stored before this rule, under the type its uploader claimed,
    // goes out as a download that no browser runs.
    let old = thamgia_store::activities::add_document(
        &app.db.conn,
        &thamgia_domain::access::Actor::system("test"),
        app.clock.now(),
        1,
        "cu.js",
        "text/javascript",
        b"alert(1)".to_vec(),
    )
    .await
    .expect("stored");
    let get = |path: String| {
        let token = token.clone();
        async move {
            reqwest::Client::new()
                .get(path)
                .bearer_auth(token)
                .send()
                .await
                .expect("GET")
        }
    };
    let r = get(app.url(&format!("/api/v1/activities/1/documents/{}", old.id))).await;
    assert_eq!(r.status().as_u16(), 200);
    let h = r.headers();
    assert_eq!(h["content-type"], "application/octet-stream");
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert!(
        h["content-disposition"]
            .to_str()
            .expect("ascii")
            .starts_with("attachment;")
    );
    // An allowed type keeps its own.
    let r = get(app.url("/api/v1/activities/1/documents/1")).await;
    assert_eq!(r.headers()["content-type"], "text/plain");
    assert_eq!(r.text().await.expect("body"), "Báo cáo");
}
db_test!(documents_are_never_served_as_what_they_claim);

async fn hsts_is_sent_only_behind_https(app: TestApp) {
    let r = reqwest::get(app.url("/login")).await.expect("GET");
    assert!(r.headers().get("strict-transport-security").is_none());
    let config = thamgia_web::Config {
        listen: "127.0.0.1:0".into(),
        database_url: app.db_url.clone(),
        secure_cookies: true,
        ..Default::default()
    };
    let srv = thamgia_web::build_with(config, app.db.clone(), app.clock.clone())
        .await
        .expect("build");
    let base = format!("http://{}", srv.addr);
    tokio::spawn(srv.serve(std::future::pending()));
    for path in ["/login", "/c/ABC234", "/api/v1/indicators", "/healthz"] {
        let r = reqwest::get(format!("{base}{path}")).await.expect("GET");
        assert_eq!(
            r.headers()["strict-transport-security"],
            "max-age=31536000",
            "{path}"
        );
    }
}
db_test!(hsts_is_sent_only_behind_https);
