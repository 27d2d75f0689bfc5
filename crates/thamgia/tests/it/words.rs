//! Words people read. Every page the router serves (its GET routes, read
//! from the route declarations in `crates/web/src`, so a new page is walked
//! too) is rendered in Vietnamese and in English for the coordinator, a
//! district officer and an anonymous visitor, and so is every document
//! (.docx, .xlsx) linked from them. The text people read (not attributes,
//! scripts or styles) must not show a catalog key, an internal code, or a
//! count or amount of four or more digits without the language's thousands
//! separator (years, official unit codes and join codes excepted; CSV stays
//! machine-readable and is not read).

use crate::db_test;
use crate::fixtures::demo_records;
use crate::helpers::{TestApp, document_xml, header, unescape};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::path::Path;
use std::sync::Arc;
use thamgia_office::{Cell, read_xlsx};

/// A GET route of the pages (not the API, stylesheets or probes).
fn page_routes() -> Vec<String> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("../web/src");
    let mut files = vec![];
    let mut dirs = vec![src];
    while let Some(d) = dirs.pop() {
        for e in std::fs::read_dir(&d).expect("web/src").flatten() {
            let p = e.path();
            if p.is_dir() {
                if !p.ends_with("api") {
                    dirs.push(p);
                }
            } else if p.extension().is_some_and(|x| x == "rs") {
                files.push(p);
            }
        }
    }
    let mut routes = BTreeSet::new();
    for f in files {
        let text = std::fs::read_to_string(&f).expect("read");
        for decl in text.split(".route(").skip(1) {
            let decl = decl.trim_start();
            let Some(rest) = decl.strip_prefix('"') else {
                continue;
            };
            let Some((path, handlers)) = rest.split_once('"') else {
                continue;
            };
            // The handlers of this declaration, up to the next one.
            let handlers = handlers.split(".route").next().unwrap_or("");
            let handlers: String = handlers.chars().filter(|c| !c.is_whitespace()).collect();
            let is_get = handlers.starts_with(",get(")
                || handlers.starts_with(",axum::routing::get(")
                || handlers.starts_with(",routing::get(");
            let skipped = [
                "/static/", "/api/", "/healthz", "/metrics", "/logout", "/lang",
            ]
            .iter()
            .any(|p| path.starts_with(p));
            if is_get && !skipped {
                routes.insert(path.to_string());
            }
        }
    }
    routes.into_iter().collect()
}

fn matches(pattern: &str, path: &str) -> bool {
    let a: Vec<&str> = pattern.split('/').collect();
    let b: Vec<&str> = path.split('/').collect();
    a.len() == b.len()
        && a.iter()
            .zip(&b)
            .all(|(p, s)| (p.starts_with('{') && !s.is_empty()) || p == s)
}

/// Every key of both catalogs.
fn catalog_keys() -> BTreeSet<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../web/locales");
    let mut keys = BTreeSet::new();
    for lang in ["vi", "en"] {
        for e in std::fs::read_dir(dir.join(lang))
            .expect("locales")
            .flatten()
        {
            let text = std::fs::read_to_string(e.path()).expect("ftl");
            for l in text.lines() {
                if let Some((k, _)) = l.split_once('=') {
                    let k = k.trim();
                    if !k.is_empty()
                        && !l.starts_with([' ', '#', '\t'])
                        && k.chars()
                            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
                    {
                        keys.insert(k.to_string());
                    }
                }
            }
        }
    }
    keys
}

/// The text of a page as people read it: element text, not attributes,
/// scripts or styles; one entry per text node.
fn visible_text(html: &str) -> Vec<String> {
    let mut out = vec![];
    let mut rest = html;
    while let Some(i) = rest.find('<') {
        let text = rest[..i].trim();
        if !text.is_empty() {
            out.push(unescape(text));
        }
        rest = &rest[i..];
        let lower = rest.get(..8).unwrap_or("").to_ascii_lowercase();
        let skip_to = if lower.starts_with("<script") {
            "</script>"
        } else if lower.starts_with("<style") {
            "</style>"
        } else if lower.starts_with("<!--") {
            "-->"
        } else {
            ">"
        };
        match rest.find(skip_to) {
            Some(j) => rest = &rest[j + skip_to.len()..],
            None => break,
        }
    }
    let text = rest.trim();
    if !text.is_empty() {
        out.push(unescape(text));
    }
    out
}

/// What people must never read, once per problem.
struct Checker {
    keys: BTreeSet<String>,
    /// Official codes of units and agencies: digits that are not counts.
    codes: BTreeSet<String>,
}

const CODES: [&str; 13] = [
    "central",
    "local",
    "domestic_donors",
    "foreign_donors",
    "met",
    "on_track",
    "behind",
    "no_target",
    "no_data",
    "draft",
    "submitted",
    "returned",
    "approved",
];

impl Checker {
    fn check(&self, lang: &str, node: &str, problems: &mut BTreeSet<String>) {
        let sep = if lang == "vi" { '.' } else { ',' };
        // An internal code standing alone as a text node or cell.
        if CODES.contains(&node.trim()) {
            problems.insert(format!("internal code {:?}", node.trim()));
        }
        let words = node.split(|c: char| c.is_whitespace() || "()[]:;,\"'«»“”!?".contains(c));
        for w in words {
            let w = w.trim_matches(|c: char| c == '.' || c == '…');
            if w.is_empty() {
                continue;
            }
            if self.keys.contains(w) && w.contains('-') {
                problems.insert(format!("catalog key {w:?}"));
            }
            if w.contains('_')
                && w.chars().all(|c| c.is_ascii_lowercase() || c == '_')
                && w.split('_').all(|p| !p.is_empty())
            {
                problems.insert(format!("internal code {w:?}"));
            }
        }
        // Another language's separator: 1.250.000 in English, 1,250,000 in
        // Vietnamese (one group before the currency sign too).
        let other = if lang == "vi" { ',' } else { '.' };
        let chars: Vec<char> = node.chars().collect();
        let mut i = 0;
        while i < chars.len() {
            if !chars[i].is_ascii_digit() || (i > 0 && chars[i - 1].is_ascii_alphanumeric()) {
                i += 1;
                continue;
            }
            let start = i;
            while i < chars.len() && (chars[i].is_ascii_digit() || chars[i] == other) {
                i += 1;
            }
            let run: String = chars[start..i].iter().collect();
            let run = run.trim_end_matches(other);
            let parts: Vec<&str> = run.split(other).collect();
            let grouped = parts.len() >= 2
                && (1..=3).contains(&parts[0].len())
                && parts[1..].iter().all(|p| p.len() == 3);
            let money = node[node.char_indices().nth(i).map_or(node.len(), |(b, _)| b)..]
                .trim_start_matches([' ', '\u{a0}'])
                .starts_with('₫');
            if grouped && (parts.len() >= 3 || money) {
                problems.insert(format!(
                    "{run} with the other language's separator in {node:?}"
                ));
            }
        }
        // Counts and amounts: a run of four or more digits.
        let mut i = 0;
        while i < chars.len() {
            if !chars[i].is_ascii_digit() {
                i += 1;
                continue;
            }
            let start = i;
            while i < chars.len() && chars[i].is_ascii_digit() {
                i += 1;
            }
            let run: String = chars[start..i].iter().collect();
            if run.len() < 4 {
                continue;
            }
            let before = start.checked_sub(1).map(|j| chars[j]);
            let after = chars.get(i).copied();
            let in_code = |c: Option<char>| {
                c.is_some_and(|c| c.is_alphabetic() || "_-/#@:".contains(c) && c != sep)
            };
            let year = run.len() == 4 && (1900..=2100).contains(&run.parse::<u32>().unwrap_or(0));
            // dd/mm/yyyy and yyyy–yyyy are dates and periods.
            if year
                || in_code(before)
                || in_code(after)
                || self.codes.contains(&run)
                || run.starts_with('0')
            {
                continue;
            }
            problems.insert(format!("{run} without the thousands separator in {node:?}"));
        }
    }
}

pub(crate) fn docx_text(docx: &[u8]) -> Vec<String> {
    let xml = document_xml(docx);
    // One entry per paragraph, its runs joined.
    xml.split("</w:p>")
        .map(|p| {
            p.split("<w:t")
                .skip(1)
                .filter_map(|s| s.split_once('>').map(|(_, r)| r))
                .filter_map(|s| s.split_once("</w:t>").map(|(t, _)| unescape(t)))
                .collect::<String>()
        })
        .filter(|t| !t.trim().is_empty())
        .collect()
}

/// The text cells of a workbook, less its code columns (headed "Mã…", in
/// English "… code" or "… (code…)": the official codes that sit beside
/// each name for filters and imports).
fn xlsx_text(xlsx: &[u8]) -> Vec<String> {
    let mut out = vec![];
    for table in read_xlsx(xlsx).expect("xlsx") {
        let mut code_columns = BTreeSet::new();
        for row in table.rows {
            for (i, cell) in row.cells.into_iter().enumerate() {
                // Numbers are cells formatted by the reader's Excel (#,##0).
                let Cell::Text(t) = cell else { continue };
                if t.starts_with("Mã ") || t == "Mã" || t.ends_with(" code") || t.contains("(code")
                {
                    code_columns.insert(i);
                } else if !code_columns.contains(&i) {
                    out.push(t);
                }
            }
        }
    }
    out
}

/// Signs in with a client that sends the language cookie.
pub(crate) async fn visitor(app: &TestApp, who: Option<&str>, lang: &str) -> reqwest::Client {
    let jar = Arc::new(reqwest::cookie::Jar::default());
    jar.add_cookie_str(
        &format!("tg_lang={lang}; Path=/"),
        &app.base.parse().expect("url"),
    );
    let c = reqwest::Client::builder()
        .cookie_provider(jar)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    match who {
        Some(user) => app.login_on(c, user).await,
        None => c,
    }
}

async fn every_page_and_document_in_both_languages(app: TestApp) {
    use sea_orm::{ConnectionTrait, Statement};
    use thamgia_web::clock::Clock;
    // The whole demo, as `thamgia demo` fills it.
    let now = app.clock.now();
    demo_records(&app, true).await;
    thamgia::demo_agency_reports::fill(&app.db, now)
        .await
        .expect("agency reports");
    thamgia::demo::load_units(&app.db, now)
        .await
        .expect("units");
    thamgia::demo_recent::fill(&app.db, now)
        .await
        .expect("2021–2026")
        .expect("first run");
    let open_code =
        thamgia::demo_voice::fill_open_at(&app.db, now, thamgia::demo_recent::COMMUNE_SCHOOL)
            .await
            .expect("open");
    thamgia::demo_inspections::fill(&app.db, now)
        .await
        .expect("inspections");
    thamgia::demo_reminders::fill(&app.db, now)
        .await
        .expect("reminders");
    // The open consultation's pages are walked from its own page (the
    // list's first link may be the demo's draft, which links to fewer).
    let open_id = thamgia_store::entity::consultation::Entity::find()
        .filter(thamgia_store::entity::consultation::Column::JoinCode.eq(open_code.as_str()))
        .one(&app.db.conn)
        .await
        .expect("db")
        .expect("the open consultation")
        .id;
    let routes = page_routes();
    assert!(routes.len() > 40, "routes found: {routes:?}");
    let mut codes = BTreeSet::new();
    for table in ["units", "agencies"] {
        let rows = app
            .db
            .conn
            .query_all_raw(Statement::from_string(
                app.db.backend(),
                format!("SELECT code FROM {table}"),
            ))
            .await
            .expect("codes");
        for r in rows {
            codes.insert(r.try_get::<String>("", "code").expect("code"));
        }
    }
    let checker = Checker {
        keys: catalog_keys(),
        codes,
    };
    let mut problems: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut seen_patterns = BTreeSet::new();
    for who in [
        None,
        Some("admin"),
        Some("coordinator"),
        Some("district106"),
    ] {
        for lang in ["vi", "en"] {
            let c = visitor(&app, who, lang).await;
            // Each page as it opens, and in a year the demo fills.
            let mut queue: VecDeque<String> = routes
                .iter()
                .filter(|r| !r.contains('{'))
                .flat_map(|r| [r.clone(), format!("{r}?year=2018")])
                .collect();
            queue.push_front(format!("/c/{open_code}"));
            queue.push_front(format!("/consultations/{open_id}"));
            let mut sampled: BTreeSet<String> = BTreeSet::new();
            let mut visited = BTreeSet::new();
            while let Some(path) = queue.pop_front() {
                if !visited.insert(path.clone()) {
                    continue;
                }
                let r = c.get(app.url(&path)).send().await.expect("GET");
                let status = r.status().as_u16();
                assert!(status < 500, "{path} as {who:?} in {lang}: {status}");
                if status != 200 {
                    continue;
                }
                let ct = header(&r, "content-type");
                let body = r.bytes().await.expect("body").to_vec();
                let bare = path.split('?').next().unwrap_or("");
                if let Some(p) = routes.iter().find(|p| matches(p, bare)) {
                    seen_patterns.insert(p.clone());
                }
                let nodes = if ct.starts_with("text/html") {
                    let html = String::from_utf8_lossy(&body).to_string();
                    // Follow the links to one page of each route pattern
                    // (and of each set of query parameters).
                    for part in html.split("href=\"").skip(1) {
                        let link = unescape(part.split('"').next().unwrap_or(""));
                        let link = link.split('#').next().unwrap_or("").to_string();
                        let (bare, query) = link.split_once('?').unwrap_or((&link, ""));
                        if !bare.starts_with('/') || bare.starts_with("//") {
                            continue;
                        }
                        let mut names: Vec<&str> = query
                            .split('&')
                            .filter_map(|kv| kv.split('=').next())
                            .filter(|k| !k.is_empty())
                            .collect();
                        names.sort();
                        if let Some(p) = routes.iter().find(|p| matches(p, bare))
                            && sampled.insert(format!("{p}?{}", names.join("&")))
                        {
                            queue.push_back(link.clone());
                        }
                    }
                    visible_text(&html)
                } else if bare.ends_with(".docx") {
                    docx_text(&body)
                } else if bare.ends_with(".xlsx") {
                    xlsx_text(&body)
                } else {
                    continue;
                };
                // Documents are official papers in Vietnamese (Decree 30's
                // form) whatever the language of the page that links them.
                let rules = if ct.starts_with("text/html") {
                    lang
                } else {
                    "vi"
                };
                let mut found = BTreeSet::new();
                for n in &nodes {
                    checker.check(rules, n, &mut found);
                }
                for f in found {
                    problems
                        .entry(format!("{lang} {path}"))
                        .or_default()
                        .insert(f);
                }
            }
        }
    }
    // Pages no visitor reached (their links were never shown) are named, so
    // the walk grows with the router.
    let unreached: Vec<&String> = routes
        .iter()
        .filter(|r| !seen_patterns.contains(*r))
        .collect();
    // Pages the demo links to nowhere a visitor starts from: a document
    // download, an alert, the child's thank-you and answer pages (reached by
    // posting), the records behind a figure (needs its query) and an import
    // job (exists while a file is imported). A new page missing from the
    // walk fails here until it is linked or named.
    let known = [
        "/activities/{id}/documents/{doc_id}",
        "/alerts/{id}",
        "/c/{code}/cam-on",
        "/consultations/{id}/answer",
        "/dashboard/records",
        "/imports/jobs/{id}",
        // The offline app's address, a redirect to its shell `/facilitator/`
        // (whose words live in its own script, run on adults' devices).
        "/facilitator",
    ];
    let new: Vec<&&String> = unreached
        .iter()
        .filter(|r| !known.contains(&r.as_str()))
        .collect();
    assert!(new.is_empty(), "routes the walk did not reach: {new:?}");
    let report: Vec<String> = problems
        .iter()
        .map(|(page, p)| {
            format!(
                "{page}: {}",
                p.iter().cloned().collect::<Vec<_>>().join("; ")
            )
        })
        .collect();
    assert!(
        report.is_empty(),
        "{} pages:\n{}",
        report.len(),
        report.join("\n")
    );
}
db_test!(every_page_and_document_in_both_languages);

crate::plain_test!(the_checker_finds_keys_codes_and_bare_numbers);
fn the_checker_finds_keys_codes_and_bare_numbers() {
    let checker = Checker {
        keys: ["report-standing-no-data".to_string()].into(),
        codes: ["03388".to_string(), "106".to_string()].into(),
    };
    let found = |lang: &str, s: &str| {
        let mut p = BTreeSet::new();
        checker.check(lang, s, &mut p);
        p.len()
    };
    assert_eq!(found("vi", "Tổng 26496 em"), 1);
    assert_eq!(found("vi", "Tổng 26.496 em, năm 2018, ngày 02/07/2018"), 0);
    assert_eq!(found("en", "Total 26,496 children in 2016–2020"), 0);
    assert_eq!(found("vi", "report-standing-no-data"), 1);
    assert_eq!(found("en", "domestic_donors"), 1);
    assert_eq!(found("en", "central"), 1);
    assert_eq!(found("vi", "Mã 03388, mã tham gia BANBE7"), 0);
    assert_eq!(found("en", "Spent: 1.250.000 ₫"), 1);
    assert_eq!(found("en", "Spent: 250.000\u{a0}₫, 92.5%"), 1);
    assert_eq!(found("en", "Spent: 1,250,000 ₫, 92.5%"), 0);
    assert_eq!(found("vi", "Đã chi: 1,250,000 ₫"), 1);
    assert_eq!(found("vi", "Đã chi: 1.250.000 ₫, 92,5%"), 0);
    assert_eq!(
        visible_text("<p title=\"12345\">a<b>1.234</b><script>var x=12345</script></p>"),
        vec!["a", "1.234"]
    );
}
