//! Pages: health, sign-in, the plan in two languages, units, agencies.

use crate::db_test;
use crate::helpers::{TestApp, assert_holds};

async fn health_metrics_and_security_headers(app: TestApp) {
    let c = app.client();
    let r = app.fetch(&c, "/healthz", 200).await;
    let body: serde_json::Value = r.json().await.expect("json");
    assert_eq!(body, serde_json::json!({"status": "ok", "database": "ok"}));
    let r = c.get(app.url("/login")).send().await.expect("login");
    let h = r.headers();
    assert!(h.get("content-security-policy").is_some());
    assert_eq!(
        h.get("x-content-type-options")
            .map(|v| v.to_str().unwrap_or("")),
        Some("nosniff")
    );
    assert_eq!(
        h.get("x-frame-options").map(|v| v.to_str().unwrap_or("")),
        Some("DENY")
    );
    let metrics = app.page(&c, "/metrics").await;
    assert!(metrics.contains("thamgia_http_requests_total"), "{metrics}");
    assert!(metrics.contains("route=\"/login\""), "labelled by route");
}
db_test!(health_metrics_and_security_headers);

async fn sign_in_shows_the_plan_in_vietnamese_then_english(app: TestApp) {
    let anon = app.client();
    let html = app.page(&anon, "/login").await;
    assert!(html.contains("<html lang=\"vi\">") && html.contains("Đăng nhập"));
    // Pages need a session.
    let r = app.fetch(&anon, "/plan", 303).await;
    assert_eq!(r.headers()["location"], "/login?next=/plan");

    let c = app.login("admin").await;
    let html = app.page(&c, "/plan").await;
    assert_holds(
        &html,
        "plan page lacks",
        &[
            "Chương trình thúc đẩy quyền tham gia của trẻ em",
            "Trẻ em từ 6 tuổi trở lên",
            "100%",
            "90%",
            "Sở Lao động - Thương binh và Xã hội",
            "Diễn đàn trẻ em",
            "Hội đồng trẻ em",
            "Thành phố Lai Châu",
            "Huyện Tam Đường",
            "Huyện Mường Tè",
            "Huyện Sìn Hồ",
            "Huyện Phong Thổ",
            "Huyện Than Uyên",
            "Huyện Tân Uyên",
            "Huyện Nậm Nhùn",
            "30/11/2015",
        ],
    );
    for code in ["T1", "T2", "T3", "T4", "M1", "M2", "M3"] {
        assert!(
            html.contains(&format!("<th scope=\"row\">{code}</th>")),
            "indicator {code}"
        );
    }
    // Switch to English; the choice is remembered.
    let csrf = crate::helpers::csrf_in(&html).expect("csrf");
    let r = app.switch_lang(&c, &csrf, "en", "/plan").await;
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(r.headers()["location"], "/plan");
    let (_, html) = app.get(&c, "/plan").await;
    assert!(html.contains("<html lang=\"en\">"));
    assert!(
        html.contains("Children's Participation")
            || html.contains("Children&#39;s Participation")
            || html.contains("Children&#x27;s Participation"),
        "English plan name"
    );
    assert!(html.contains("Tam Đường district") && html.contains("Lead agency"));
    // Remembered on the account too: a new session of the same user is English.
    let c2 = app.login("admin").await;
    let (_, html) = app.get(&c2, "/plan").await;
    assert!(html.contains("<html lang=\"en\">"));
}
db_test!(sign_in_shows_the_plan_in_vietnamese_then_english);

async fn units_tree_and_agencies(app: TestApp) {
    let c = app.login("coordinator").await;
    let html = app.page(&c, "/units").await;
    assert!(html.contains("Tỉnh Lai Châu") && html.contains("Huyện Nậm Nhùn"));
    assert!(
        html.contains("đã giải thể"),
        "districts closed on 30/06/2025 are marked"
    );
    let html = app.page(&c, "/units/106").await;
    assert!(html.contains("30/06/2025"), "validity shown dd/mm/yyyy");
    assert!(
        html.contains("Trường PTDTBT THCS Bản Bo"),
        "a school below the district"
    );
    assert!(
        html.contains("Phòng Giáo dục và Đào tạo"),
        "the district's agencies"
    );
    let html = app.page(&c, "/agencies").await;
    assert!(html.contains("Tỉnh đoàn"));
    let html = app.page(&c, "/agencies/SLDTBXH").await;
    assert!(html.contains("Sở Lao động - Thương binh và Xã hội"));
    let (s, _) = app.get(&c, "/units/999").await;
    assert_eq!(s, 404);
}
db_test!(units_tree_and_agencies);

async fn every_page_is_vietnamese_with_labelled_controls(app: TestApp) {
    let c = app.login("admin").await;
    for path in [
        "/",
        "/plan",
        "/plans",
        "/units",
        "/units/12",
        "/agencies",
        "/agencies/TDTN",
        "/admin/users",
        "/admin/users/new",
        "/admin/users/1",
    ] {
        let html = app.page(&c, path).await;
        assert!(
            html.starts_with("<!DOCTYPE html>") && html.contains("<html lang=\"vi\">"),
            "{path}"
        );
        assert!(html.contains("name=\"viewport\""), "{path}: phone viewport");
        // Every visible input has a label pointing at it.
        for (i, _) in html.match_indices("<input id=\"") {
            let id = &html[i + 11..];
            let id = &id[..id.find('"').expect("id")];
            assert!(
                html.contains(&format!("for=\"{id}\"")),
                "{path}: input {id} has no label"
            );
        }
        assert!(
            !html.contains("<script"),
            "{path}: works without JavaScript"
        );
    }
}
db_test!(every_page_is_vietnamese_with_labelled_controls);
