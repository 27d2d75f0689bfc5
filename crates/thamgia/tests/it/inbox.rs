//! The inbox an official lands on after signing in: what is due, by kind of
//! work, each with its due date and one link to where it is done.

use crate::db_test;
use crate::fixtures::{approve_text, first_decision, new_matter, open_consultation, submit};
use crate::helpers::TestApp;
use chrono::{NaiveDate, TimeZone, Utc};
use serde_json::json;
use thamgia_domain::voice::{MatterKind, Sex, Source, ValidAnswer};
use thamgia_web::clock::Clock;

/// Moves the test clock to 08:00 on a day.
fn set_day(app: &TestApp, y: i32, m: u32, d: u32) {
    let at = Utc
        .with_ymd_and_hms(y, m, d, 8, 0, 0)
        .single()
        .expect("time");
    app.clock.advance(at - app.clock.now());
}

async fn inbox(app: &TestApp, user: &str) -> String {
    let c = app.login(user).await;
    let (s, html) = app.get(&c, "/").await;
    assert_eq!(s, 200, "{user}");
    assert!(html.contains("<h1>Việc cần làm</h1>"), "{user}: {html}");
    html
}

async fn every_official_lands_on_what_is_due(app: TestApp) {
    // On 29/11/2026 with the 2016–2020 plan alone, the reports list opens on
    // 2020, the last year a plan covers, not on 2025, which owes no report.
    let c = app.login("coordinator").await;
    let (_, html) = app.get(&c, "/reports").await;
    assert!(html.contains("<option value=\"2020\" selected>"), "{html}");
    // Ten days before the 2019 reports are due (15/01/2020).
    set_day(&app, 2020, 1, 5);
    let html = inbox(&app, "district106").await;
    assert!(html.contains("href=\"/reports/106/2019\""), "{html}");
    assert!(html.contains("Báo cáo năm 2019 của đơn vị cần nộp"));
    assert!(html.contains("hạn 15/01/2020"));
    // Nothing is late yet, so the coordinator has no report to chase.
    let html = inbox(&app, "coordinator").await;
    assert!(!html.contains("chưa nộp báo cáo năm 2019"), "{html}");

    // Tam Đường submits; five days after the due date the coordinator sees
    // it waiting and the seven districts that have not submitted.
    let officer = app.token("district106").await;
    app.report_step(&officer, "106", 2019, "submit", json!({}))
        .await;
    set_day(&app, 2020, 1, 20);
    let html = inbox(&app, "coordinator").await;
    assert!(
        html.contains("Báo cáo năm 2019 của Huyện Tam Đường chờ duyệt"),
        "{html}"
    );
    assert!(
        html.contains("7 đơn vị chưa nộp báo cáo năm 2019"),
        "{html}"
    );
    assert!(html.contains("href=\"/reports?year=2019\""));
    assert!(html.contains("quá hạn từ 15/01/2020"));
    let html = inbox(&app, "district106").await;
    assert!(!html.contains("Báo cáo năm 2019"), "submitted: {html}");

    // Returned, it is back in the district's inbox.
    let coord = app.token("coordinator").await;
    app.report_step(
        &coord,
        "106",
        2019,
        "return",
        json!({"reason": "Thiếu số liệu diễn đàn"}),
    )
    .await;
    let html = inbox(&app, "district106").await;
    assert!(
        html.contains("Báo cáo năm 2019 bị trả lại: cần sửa và nộp lại"),
        "{html}"
    );

    // A decided matter whose children were asked and not answered, and a
    // child's text waiting for a moderator.
    let decided = NaiveDate::from_ymd_opt(2019, 10, 1).expect("date");
    let m = new_matter(
        &app,
        "106",
        "PGDDT-106",
        "Nội quy thư viện trường",
        MatterKind::SchoolDecision,
        decided,
    )
    .await;
    let f = open_consultation(&app, "106", m, "Thư viện trường em", 7).await;
    submit(
        &app,
        &f,
        Source::Online,
        11,
        Sex::Girl,
        vec![(
            f.text,
            ValidAnswer::Text("Em muốn thư viện mở cả buổi trưa".into()),
        )],
    )
    .await;
    let html = inbox(&app, "district106").await;
    assert!(
        html.contains("Thư viện trường em: 1 ý kiến chờ duyệt"),
        "{html}"
    );
    assert!(html.contains(&format!("href=\"/moderation?consultation={}\"", f.id)));
    assert!(html.contains("Trả lời trẻ em về “Nội quy thư viện trường”"));
    assert!(html.contains(&format!("href=\"/matters/{m}\"")));
    // The agency that owns the matter owes the answer; another district's
    // agency sees nothing of it.
    let html = inbox(&app, "agency106").await;
    assert!(html.contains("Nội quy thư viện trường"), "{html}");
    assert!(
        !html.contains("ý kiến chờ duyệt"),
        "agency officers do not moderate"
    );
    let html = inbox(&app, "agency108").await;
    assert!(!html.contains("Nội quy thư viện trường"), "{html}");
    assert!(html.contains("Không có việc nào đang chờ bạn."), "{html}");

    // The link opens the queue narrowed to that consultation; another
    // consultation's text waits on the whole queue only.
    let g = open_consultation(&app, "106", m, "Sân trường em", 8).await;
    submit(
        &app,
        &g,
        Source::Online,
        9,
        Sex::Boy,
        vec![(g.text, ValidAnswer::Text("Em muốn trồng thêm cây".into()))],
    )
    .await;
    let c = app.login("district106").await;
    let narrowed = format!("/moderation?consultation={}", f.id);
    let html = app.page(&c, &narrowed).await;
    assert!(html.contains("Em muốn thư viện mở cả buổi trưa"), "{html}");
    assert!(!html.contains("Em muốn trồng thêm cây"), "{html}");
    assert!(
        html.contains("Đang xem ý kiến của cuộc tham vấn: <strong>Thư viện trường em</strong>")
    );
    let (_, html) = app.get(&c, "/moderation").await;
    assert!(
        html.contains("Em muốn thư viện mở cả buổi trưa")
            && html.contains("Em muốn trồng thêm cây")
    );
    // Deciding from the narrowed queue comes back to it.
    let csrf = app.csrf(&c, &narrowed).await;
    let (_, html) = app.get(&c, &narrowed).await;
    let first = first_decision(&html);
    assert!(
        first.ends_with(&format!("?consultation={}", f.id)),
        "{first}"
    );
    let to = approve_text(&app, &c, &csrf, &first).await;
    assert_eq!(
        to,
        format!("/moderation?done=approve&consultation={}", f.id)
    );

    // Every link of the inbox opens.
    let c = app.login("district106").await;
    let (_, html) = app.get(&c, "/").await;
    for href in html
        .split("href=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .filter(|h| h.starts_with('/') && !h.starts_with("/static"))
    {
        let (s, _) = app.get(&c, &href.replace("&amp;", "&")).await;
        assert_eq!(s, 200, "{href}");
    }
}
db_test!(every_official_lands_on_what_is_due);
