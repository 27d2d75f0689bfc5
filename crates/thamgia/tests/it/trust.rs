//! Uploaded documents are served as safe types and never as what the uploader
//! claimed; executable types are refused at upload; HSTS follows
//! `--secure-cookies`.

use crate::db_test;
use crate::helpers::{TestApp, assert_page};
use thamgia_web::clock::Clock;

async fn api_upload(
    app: &TestApp,
    token: &str,
    name: &str,
    ctype: &str,
) -> (u16, serde_json::Value) {
    let path = format!("/api/v1/activities/1/documents?name={name}");
    app.api_upload(token, &path, Some(ctype), "alert(document.cookie)")
        .await
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
    let (file, html) = ("trang.html", b"<script>alert(1)</script>");
    let (documents, pdf) = ("/activities/1/documents", "application/pdf");
    let r = app.upload_form(&c, documents, &csrf, file, pdf, html).await;
    assert_page(r, 422, "Không nhận loại tệp này").await;
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
    let base = app
        .serve_also(thamgia_web::Config {
            secure_cookies: true,
            ..app.config()
        })
        .await;
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
