//! Paged API lists: a client that follows `Link: <…>; rel="next"` from the
//! first page finds every record exactly once, in the order of the whole
//! list; `X-Total-Count` says how many on every page; the filters stay in the
//! links; a page past the last is an empty array; a bad `page`/`per_page`
//! is 422 naming it. Over the units of 1/7/2025 (more than 100, so the
//! default page of 100 has a next), the plan's agencies and a district's
//! imported activities.

use crate::db_test;
use crate::fixtures::{approve_text, first_decision};
use crate::helpers::{TestApp, header};
use serde_json::Value as Json;
use std::collections::BTreeSet;

struct Got {
    items: Vec<Json>,
    total: usize,
    next: Option<String>,
    link: String,
}

async fn get(app: &TestApp, token: &str, path: &str) -> Got {
    let r = app.api_answer(token, path).await;
    assert_eq!(r.status().as_u16(), 200, "{path}");
    let total = r
        .headers()
        .get("x-total-count")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .expect("X-Total-Count");
    let link = header(&r, "link");
    // `<url>; rel="next"`, among others separated by commas.
    let next = link.split(", ").find_map(|part| {
        let (url, rel) = part.split_once("; ")?;
        (rel == "rel=\"next\"").then(|| url.trim_matches(['<', '>']).to_string())
    });
    let items = r.json::<Vec<Json>>().await.expect("a JSON array");
    Got {
        items,
        total,
        next,
        link,
    }
}

/// Follows `next` from `first`; returns every item and the pages walked.
async fn walk(app: &TestApp, token: &str, first: &str) -> (Vec<Json>, usize) {
    let mut all = Vec::new();
    let mut pages = 0;
    let mut at = Some(first.to_string());
    let mut total = None;
    while let Some(path) = at {
        let got = get(app, token, &path).await;
        pages += 1;
        assert!(pages < 1_000, "the walk ends");
        let t = *total.get_or_insert(got.total);
        assert_eq!(got.total, t, "the same total on every page");
        all.extend(got.items);
        at = got.next;
    }
    assert_eq!(all.len(), total.unwrap_or(0));
    (all, pages)
}

async fn following_next_finds_every_record_once(app: TestApp) {
    let now = {
        use thamgia_web::clock::Clock;
        app.clock.now()
    };
    thamgia::demo::load_units(&app.db, now)
        .await
        .expect("units");
    let admin = app.token("admin").await;

    // Units: more than the default 100.
    let whole = get(&app, &admin, "/api/v1/units?per_page=1000").await;
    assert!(whole.total > 100, "{}", whole.total);
    assert_eq!(whole.items.len(), whole.total);
    assert!(whole.next.is_none());
    let first = get(&app, &admin, "/api/v1/units").await;
    assert_eq!(first.items.len(), 100, "the default page");
    assert_eq!(first.total, whole.total);
    assert!(
        first
            .next
            .as_deref()
            .is_some_and(|n| n.contains("page=2") && n.contains("per_page=100")),
        "{}",
        first.link
    );
    let (walked, pages) = walk(&app, &admin, "/api/v1/units").await;
    assert_eq!(walked, whole.items, "every unit once, in order");
    assert_eq!(pages, whole.total.div_ceil(100));
    // A code with its validity names one unit (codes were reused in 2025).
    let keys: BTreeSet<String> = walked
        .iter()
        .map(|u| format!("{}@{}", u["code"], u["valid_from"]))
        .collect();
    assert_eq!(keys.len(), walked.len(), "no unit twice");

    // Agencies, 7 a page.
    let whole = get(&app, &admin, "/api/v1/agencies?per_page=1000").await;
    let (walked, pages) = walk(&app, &admin, "/api/v1/agencies?per_page=7").await;
    assert_eq!(walked, whole.items);
    assert_eq!(pages, whole.total.div_ceil(7));
    assert!(pages > 2);

    // A filtered list keeps its filters in the links.
    let officer = app.token("district108").await;
    let (s, b) = app
        .api_upload(
            &officer,
            "/api/v1/imports?file_name=hoat-dong.csv",
            Some("text/csv; charset=utf-8"),
            crate::imports::csv_activities(12, ';', "PG").into_bytes(),
        )
        .await;
    assert_eq!(s, 200, "{b}");
    let first = get(
        &app,
        &officer,
        "/api/v1/activities?unit=108&year=2018&per_page=5",
    )
    .await;
    assert_eq!(first.total, 12);
    assert!(
        first
            .next
            .as_deref()
            .is_some_and(|n| n.contains("unit=108") && n.contains("year=2018")),
        "{}",
        first.link
    );
    let (walked, pages) = walk(
        &app,
        &officer,
        "/api/v1/activities?unit=108&year=2018&per_page=5",
    )
    .await;
    assert_eq!(pages, 3);
    let codes: BTreeSet<String> = walked
        .iter()
        .map(|a| a["code"].as_str().unwrap_or("").to_string())
        .collect();
    assert_eq!(codes.len(), 12);
    assert!(codes.iter().all(|c| c.starts_with("PG-")));

    // Past the last page: nothing, and still the total.
    let past = get(
        &app,
        &officer,
        "/api/v1/activities?unit=108&year=2018&page=9&per_page=5",
    )
    .await;
    assert!(past.items.is_empty());
    assert_eq!(past.total, 12);
    assert!(past.next.is_none());

    // Refused, naming the parameter.
    for (q, field) in [
        ("page=0", "page"),
        ("per_page=0", "per_page"),
        ("per_page=1001", "per_page"),
        ("per_page=abc", "per_page"),
        ("page=-1", "page"),
    ] {
        let (s, b) = app
            .api_get(&officer, &format!("/api/v1/activities?{q}"))
            .await;
        assert_eq!(s, 422, "{q}: {b}");
        assert!(
            b["error"]["fields"].get(field).is_some(),
            "{q} names {field}: {b}"
        );
    }
}
db_test!(following_next_finds_every_record_once);

/// The ids of the records a page of an HTML list links to
/// (`href="/<what>/<id>"`), and its `rel="next"` link.
fn html_page(html: &str, what: &str) -> (Vec<i32>, Option<String>) {
    let ids = html
        .split(&format!("href=\"/{what}/"))
        .skip(1)
        .filter_map(|s| s.split('"').next()?.parse().ok())
        .collect();
    let next = html
        .split("rel=\"next\"")
        .next()
        .filter(|before| before.len() < html.len())
        .and_then(|before| before.rsplit("href=\"").next())
        .and_then(|s| s.split('"').next())
        .map(|s| s.replace("&#38;", "&").replace("&amp;", "&"));
    (ids, next)
}

/// Officials' lists page too: 120 matters of one kind read 50 at a time,
/// the filter kept in every page's address, each matter on exactly one page.
async fn html_lists_page_with_their_filters(app: TestApp) {
    let decided = chrono::NaiveDate::from_ymd_opt(2026, 3, 1).expect("date");
    let mut made = BTreeSet::new();
    for i in 0..120 {
        let kind = thamgia_domain::voice::MatterKind::SchoolDecision;
        let title = format!("Quyết định số {i}");
        made.insert(
            crate::fixtures::new_matter(&app, "106", "PGDDT-106", &title, kind, decided).await,
        );
    }
    // One of another kind, which the filter leaves out.
    let other = thamgia_domain::voice::MatterKind::LawPolicy;
    crate::fixtures::new_matter(&app, "106", "PGDDT-106", "Luật", other, decided).await;
    let c = app.login("district106").await;
    let mut path = Some("/matters?kind=school_decision".to_string());
    let (mut seen, mut pages) = (Vec::new(), 0);
    while let Some(p) = path {
        let html = app.page(&c, &p).await;
        assert!(pages < 5, "the pages do not end: {p}");
        if pages == 0 {
            assert!(html.contains("Dòng 1–50 trong 120 (trang 1/3)"), "{html}");
        }
        let (ids, next) = html_page(&html, "matters");
        assert!(ids.len() <= 50, "{p}: {}", ids.len());
        seen.extend(ids);
        if let Some(n) = &next {
            assert!(n.contains("kind=school_decision"), "{n}");
        }
        path = next;
        pages += 1;
    }
    assert_eq!(pages, 3);
    assert_eq!(seen.len(), made.len(), "every matter once");
    assert_eq!(seen.into_iter().collect::<BTreeSet<_>>(), made);
    // A page past the last shows the last; a bad page number the first.
    let (_, html) = app.get(&c, "/matters?kind=school_decision&page=9").await;
    assert!(html.contains("trang 3/3"), "{html}");
    let (_, html) = app.get(&c, "/matters?kind=school_decision&page=x").await;
    assert!(html.contains("trang 1/3"), "{html}");
}
db_test!(html_lists_page_with_their_filters);

/// The moderation queue of one consultation and the people list page like
/// every list: 50 at a time, the consultation kept in every page's address
/// and in each decision's form, each record on exactly one page.
async fn moderation_and_people_page(app: TestApp) {
    use thamgia_domain::voice::{MatterKind, Sex, Source, ValidAnswer};
    let decided = chrono::NaiveDate::from_ymd_opt(2026, 3, 1).expect("date");
    let kind = MatterKind::SchoolDecision;
    let m = crate::fixtures::new_matter(&app, "106", "PGDDT-106", "Sân chơi", kind, decided).await;
    let f = crate::fixtures::open_consultation(&app, "106", m, "Sân chơi trường em", 11).await;
    let g = crate::fixtures::open_consultation(&app, "106", m, "Thư viện trường em", 12).await;
    for (k, n) in [(&f, 55), (&g, 1)] {
        for i in 0..n {
            let words = ValidAnswer::Text(format!("Ý kiến số {i} của em"));
            crate::fixtures::submit(
                &app,
                k,
                Source::Online,
                11,
                Sex::Girl,
                vec![(k.text, words)],
            )
            .await;
        }
    }
    let c = app.login("district106").await;
    let mut path = Some(format!("/moderation?consultation={}&from=01/01/2000", f.id));
    let (mut seen, mut pages) = (BTreeSet::new(), 0);
    while let Some(p) = path {
        let html = app.page(&c, &p).await;
        assert!(pages < 3, "the pages do not end: {p}");
        assert!(
            html.contains("<strong>55</strong>"),
            "the whole queue's count"
        );
        let ids: Vec<String> = html
            .split("<section class=\"card\" id=\"a")
            .skip(1)
            .filter_map(|s| s.split('"').next().map(str::to_string))
            .collect();
        assert!(ids.len() <= 50 && !ids.is_empty(), "{p}: {}", ids.len());
        for id in &ids {
            assert!(seen.insert(id.clone()), "{id} twice");
            assert!(
                html.contains(&format!(
                    "action=\"/moderation/{id}?consultation={}&#38;from=01%2F01%2F2000",
                    f.id
                )),
                "{id} decides in this consultation, from that day"
            );
        }
        let (_, next) = html_page(&html, "moderation");
        if let Some(n) = &next {
            assert!(n.contains(&format!("consultation={}", f.id)), "{n}");
            assert!(n.contains("from=01%2F01%2F2000"), "{n}");
        }
        path = next;
        pages += 1;
    }
    assert_eq!(
        (pages, seen.len()),
        (2, 55),
        "every text of it once, none of the other"
    );

    // People: 52 children with consent, 50 on the first page.
    let t = app.token("district106").await;
    let mut made = BTreeSet::new();
    for i in 0..52 {
        let b = app
            .api_post(
                &t,
                "/api/v1/people",
                &serde_json::json!({"full_name": format!("Lò Thị Em {i}"), "birth_date": "2014-05-02",
                    "sex": "girl", "unit": "106", "guardian_name": "Lò Văn Bố", "guardian_relation": "bố",
                    "guardian_method": "written", "guardian_date": "2026-11-20",
                    "child_agreed": true, "child_date": "2026-11-20", "purpose": "Hội đồng trẻ em"}),
            )
            .await;
        assert_eq!(b.0, 201, "{}", b.1);
        made.insert(i32::try_from(b.1["id"].as_i64().expect("id")).expect("id"));
    }
    let (_, html) = app.get(&c, "/people").await;
    let (first, next) = html_page(&html, "people");
    assert_eq!(first.len(), 50);
    let next = next.expect("a second page");
    let (_, html) = app.get(&c, &next).await;
    let (second, last) = html_page(&html, "people");
    assert!(last.is_none());
    let all: Vec<i32> = first.into_iter().chain(second).collect();
    let once: BTreeSet<i32> = all.iter().copied().collect();
    assert_eq!(once.len(), all.len(), "each child on one page");
    assert!(made.is_subset(&once), "every child listed");
}
db_test!(moderation_and_people_page);

/// The moderation queue narrowed to the days the texts were given: oldest
/// first, both ends kept, the days kept in each decision's form and in the
/// address it comes back to; a date that is no date, or an end before the
/// start, is 422 naming the field in Vietnamese.
async fn moderation_by_date(app: TestApp) {
    use thamgia_domain::voice::{MatterKind, Sex, Source, ValidAnswer};
    use thamgia_web::clock::Clock;
    let decided = chrono::NaiveDate::from_ymd_opt(2026, 3, 1).expect("date");
    let kind = MatterKind::SchoolDecision;
    let m = crate::fixtures::new_matter(&app, "106", "PGDDT-106", "Sân chơi", kind, decided).await;
    let f = crate::fixtures::open_consultation(&app, "106", m, "Sân chơi trường em", 11).await;
    let now = app.clock.now();
    // Given newest first, so that the queue's order is the days', not the ids'.
    for (days, words) in [(1, "Ý kiến mới"), (5, "Ý kiến giữa"), (9, "Ý kiến cũ")] {
        let id = uuid::Uuid::new_v4().to_string();
        let s = thamgia_store::responses::Submission {
            consultation_id: f.id,
            submission_id: id.clone(),
            content_hash: id,
            source: Source::Online,
            profile: crate::fixtures::child(11, Sex::Girl, "08"),
            profile_unit_id: None,
            answers: vec![(f.text, ValidAnswer::Text(words.into()))],
            entered_by: None,
        };
        thamgia_store::responses::submit(&app.db.conn, now - chrono::Duration::days(days), s)
            .await
            .expect("submit");
    }
    let day = |d: i64| (now - chrono::Duration::days(d)).date_naive();
    let c = app.login("district106").await;
    let whole = app
        .page(&c, &format!("/moderation?consultation={}", f.id))
        .await;
    let at = |w: &str| whole.find(w).expect(w);
    assert!(
        at("Ý kiến cũ") < at("Ý kiến giữa") && at("Ý kiến giữa") < at("Ý kiến mới"),
        "oldest first"
    );
    let from = day(6).format("%d/%m/%Y").to_string();
    let to = day(2).format("%Y-%m-%d").to_string();
    let narrowed = format!("/moderation?consultation={}&from={from}&to={to}", f.id);
    let html = app.page(&c, &narrowed).await;
    assert!(html.contains("Ý kiến giữa"), "{html}");
    assert!(!html.contains("Ý kiến cũ") && !html.contains("Ý kiến mới"));
    assert!(
        html.contains(&format!(r#"value="{from}""#)),
        "the filter keeps its day"
    );
    let enc = from.replace('/', "%2F");
    let action = first_decision(&html);
    assert!(
        action.ends_with(&format!("?consultation={}&from={enc}&to={to}", f.id)),
        "{action}"
    );
    let csrf = app.csrf(&c, &narrowed).await;
    assert_eq!(
        approve_text(&app, &c, &csrf, &action).await,
        format!(
            "/moderation?done=approve&consultation={}&from={enc}&to={to}",
            f.id
        )
    );
    // Bad dates: 422, the field named in Vietnamese, nothing narrowed by it.
    for (q, says) in [
        ("from=31/02/2026", "Từ ngày: ngày không hợp lệ"),
        ("to=hôm qua", "Đến ngày: ngày không hợp lệ"),
        (
            &*format!(
                "from={}&to={}",
                day(2).format("%d/%m/%Y"),
                day(6).format("%d/%m/%Y")
            ),
            "Đến ngày: không được trước «Từ ngày»",
        ),
    ] {
        let (s, html) = app.get(&c, &format!("/moderation?{q}")).await;
        assert_eq!(s, 422, "{q}");
        assert!(html.contains(says), "{q}: {says}");
        assert!(html.contains("aria-invalid=\"true\""), "{q}");
    }
}
db_test!(moderation_by_date);
