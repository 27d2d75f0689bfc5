//! The child population: the template opens as a workbook; a good .xlsx
//! (through the page) and a good .csv (through the API) import; a file with
//! errors changes nothing and names each row and column; the JSON PUT answers
//! 422 naming `rows[i].field`; a district officer cannot write another
//! district; concurrent PUTs of one unit-year leave one writer's figures
//! whole; and `population::children` sums a subtree by its rule (a unit's
//! own figure, else its children's, never both), with a code reused in 2025
//! read by year — all with hand-counted numbers.

use crate::db_test;
use crate::fixtures::{count, unit_by_code};
use crate::helpers::{Answer, TestApp};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{Value as Json, json};
use thamgia_office::{Column, Sheet, Value, read_xlsx, write_xlsx};
use thamgia_store::entity::{audit, child_population, unit};
use thamgia_store::population::{Population, children};

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
const HEADERS: [&str; 5] = [
    "Đơn vị (mã)",
    "Năm",
    "Tuổi",
    "Giới tính (Nữ/Nam)",
    "Số trẻ em",
];

/// Loads the units of 2015–2025 and 2025– (which brings the demo figures)
/// and removes every figure, so each test counts its own by hand.
async fn units_without_figures(app: &TestApp) {
    thamgia::demo::load_units(&app.db, app.clock_now())
        .await
        .expect("units");
    assert!(
        count(app, child_population::Entity).await > 0,
        "the demo's figures came with the units"
    );
    child_population::Entity::delete_many()
        .exec(&app.db.conn)
        .await
        .expect("clear");
}

trait Now {
    fn clock_now(&self) -> chrono::DateTime<chrono::Utc>;
}

impl Now for TestApp {
    fn clock_now(&self) -> chrono::DateTime<chrono::Utc> {
        use thamgia_web::clock::Clock;
        self.clock.now()
    }
}

fn workbook(rows: &[[&str; 5]]) -> Vec<u8> {
    write_xlsx(&[Sheet {
        name: "Dân số trẻ em".into(),
        columns: HEADERS.iter().map(|h| Column::text(*h, 12.0)).collect(),
        rows: rows
            .iter()
            .map(|r| r.iter().map(|c| Value::Text((*c).to_string())).collect())
            .collect(),
        ..Default::default()
    }])
    .expect("xlsx")
}

async fn upload_page(
    app: &TestApp,
    c: &reqwest::Client,
    name: &str,
    bytes: &[u8],
) -> (u16, String) {
    let csrf = app.csrf(c, "/population").await;
    let r = app
        .upload_form(c, "/population", &csrf, name, XLSX, bytes)
        .await;
    let s = r.status().as_u16();
    (s, r.text().await.unwrap_or_default())
}

async fn upload_api(app: &TestApp, token: &str, ctype: &str, bytes: Vec<u8>) -> (u16, Json) {
    let path = "/api/v1/population/import?file_name=dan-so.csv";
    app.api_upload(token, path, Some(ctype), bytes).await
}

async fn path_of(app: &TestApp, code: &str, year: i32) -> String {
    thamgia_store::units::resolve(
        &app.db.conn,
        &thamgia_domain::access::Scope::everything(),
        code,
        Some(year),
        None,
    )
    .await
    .expect("unit")
    .unit
    .path
}

async fn figure(app: &TestApp, code: &str, year: i32, ages: (u8, u8)) -> Option<i64> {
    let path = path_of(app, code, year).await;
    children(&app.db.conn, &path, year, ages.0, ages.1)
        .await
        .expect("children")
        .map(|p: Population| p.children)
}

async fn put(app: &TestApp, token: &str, rows: Json) -> (u16, Json) {
    app.api_put(token, "/api/v1/population", &json!({ "rows": rows }))
        .await
}

async fn files_import_all_or_nothing(app: TestApp) {
    units_without_figures(&app).await;
    // The template opens as a workbook with the columns, Vietnamese first.
    let token = app.token("district106").await;
    let (s, ct, bytes) = app
        .download(&token, "/api/v1/population/template.xlsx")
        .await;
    assert_eq!((s, ct.as_str()), (200, XLSX));
    let tables = read_xlsx(&bytes).expect("an .xlsx workbook");
    let sheet = tables
        .iter()
        .find(|t| t.name == "Dân số trẻ em")
        .expect("the sheet");
    let heads: Vec<String> = sheet.rows[0].cells.iter().map(|c| c.text()).collect();
    assert_eq!(heads, HEADERS);
    assert!(tables.iter().any(|t| t.name == "Hướng dẫn"));
    let c = app.login("district106").await;
    let (s, page_bytes) = {
        let r = c
            .get(app.url("/population/template.xlsx"))
            .send()
            .await
            .expect("get");
        (r.status().as_u16(), r.bytes().await.expect("bytes"))
    };
    assert_eq!(s, 200);
    assert!(read_xlsx(&page_bytes).is_ok());

    // A file with errors: nothing saved, each error by row and column.
    let bad = workbook(&[
        ["106", "2019", "6", "Nữ", "1.200"],
        ["106", "2019", "19", "Nam", "1.100"],
        ["108", "2019", "7", "Nữ", "900"],
        ["106", "2019", "8", "x", "-4"],
    ]);
    let (s, html) = upload_page(&app, &c, "dan-so.xlsx", &bad).await;
    assert_eq!(s, 422, "{html}");
    assert!(html.contains("<td>3</td><td>C – Tuổi</td>"), "{html}");
    assert!(
        html.contains("<td>4</td><td>A – Đơn vị (mã)</td>"),
        "{html}"
    );
    assert!(
        html.contains("<td>5</td><td>D – Giới tính (Nữ/Nam)</td>"),
        "{html}"
    );
    assert!(html.contains("<td>5</td><td>E – Số trẻ em</td>"), "{html}");
    assert!(html.contains("Tuổi không hợp lệ"), "{html}");
    assert_eq!(
        count(&app, child_population::Entity).await,
        0,
        "a file with errors saves nothing"
    );

    // The fixed file (as a district officer, for the own district).
    let good = workbook(&[
        ["106", "2019", "6", "Nữ", "1.200"],
        ["106", "2019", "6", "Nam", "1.100"],
        ["106", "2019", "7", "Nữ", "900"],
    ]);
    let (s, html) = upload_page(&app, &c, "dan-so.xlsx", &good).await;
    assert_eq!(s, 200, "{html}");
    assert!(html.contains("Đã lưu 3 dòng"), "{html}");
    assert!(
        html.contains("3.200"),
        "the total with its separator: {html}"
    );
    assert_eq!(count(&app, child_population::Entity).await, 3);
    assert_eq!(figure(&app, "106", 2019, (6, 15)).await, Some(3_200));
    assert_eq!(figure(&app, "106", 2019, (7, 7)).await, Some(900));

    // A .csv through the API: the unit-year is replaced, not added to.
    let csv = "Đơn vị (mã);Năm;Tuổi;Giới tính;Số trẻ em\n106;2019;6;Nữ;1000\n106;2019;6;Nam;1000\n106;2020;10;nam;55\n";
    let (s, b) = upload_api(&app, &token, "text/csv", csv.as_bytes().to_vec()).await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(b["unit_years"], 2);
    assert_eq!(b["rows"], 3);
    assert_eq!(b["rows_before"], 3);
    assert_eq!(count(&app, child_population::Entity).await, 3);
    assert_eq!(figure(&app, "106", 2019, (6, 15)).await, Some(2_000));
    assert_eq!(figure(&app, "106", 2020, (0, 17)).await, Some(55));
    // The import is in the audit trail, by unit and year.
    let entries = audit::Entity::find()
        .filter(audit::Column::Entity.eq("population"))
        .filter(audit::Column::Actor.eq("district106"))
        .count(&app.db.conn)
        .await
        .expect("audit");
    assert_eq!(entries, 3, "two imports of 106/2019, one of 106/2020");
    // A bad .csv through the API: cells named, nothing changed.
    let csv = "Đơn vị (mã),Năm,Tuổi,Giới tính,Số trẻ em\n106,20x9,6,Nữ,10\n";
    let (s, b) = upload_api(&app, &token, "text/csv", csv.as_bytes().to_vec()).await;
    assert_eq!(s, 422, "{b}");
    assert_eq!(
        b["error"]["fields"]["Dân số trẻ em!B2"], "not_a_year",
        "{b}"
    );
    assert_eq!(count(&app, child_population::Entity).await, 3);

    // The GET: rows, totals by age and sex.
    let b = app
        .api_ok(&token, "/api/v1/population?unit=106&year=2019")
        .await;
    assert_eq!(b["total"], 2_000);
    assert_eq!(b["girls"], 1_000);
    assert_eq!(
        b["by_age"][0],
        json!({"age": 6, "girls": 1000, "boys": 1000, "total": 2000})
    );
    assert_eq!(b["demo"], false);
    assert_eq!(b["subtree"]["children"], 2_000);
    // The page lists it; a viewer may see it but not upload.
    let v = app.login("viewer").await;
    let html = app.page(&v, "/population?year=2019").await;
    assert!(html.contains("2.000"), "{html}");
    assert!(!html.contains("name=\"file\""), "{html}");
}
db_test!(files_import_all_or_nothing);

async fn the_api_checks_fields_and_scope(app: TestApp) {
    units_without_figures(&app).await;
    let d106 = app.token("district106").await;
    let (s, b) = put(
        &app,
        &d106,
        json!([
            {"unit": "106", "year": 2021, "age": 6, "sex": "girl", "children": 10},
            {"unit": "106", "year": 2021, "age": 18, "sex": "boy", "children": 10},
            {"unit": "106", "year": 2021, "age": 7, "sex": "x", "children": -1},
            {"unit": "106", "year": 2021, "age": 6, "sex": "Nữ", "children": 3}
        ]),
    )
    .await;
    assert_eq!(s, 422, "{b}");
    let f = &b["error"]["fields"];
    assert_eq!(f["rows[1].age"], "not_an_age", "{b}");
    assert_eq!(f["rows[2].sex"], "unknown_sex", "{b}");
    assert_eq!(f["rows[2].children"], "negative", "{b}");
    assert_eq!(f["rows[3].age"], "duplicate_figure", "{b}");
    assert!(f.get("rows[0].age").is_none(), "{b}");
    assert_eq!(count(&app, child_population::Entity).await, 0);
    // Another district is outside the officer's scope.
    let (s, b) = put(
        &app,
        &d106,
        json!([
            {"unit": "106", "year": 2021, "age": 6, "sex": "girl", "children": 10},
            {"unit": "108", "year": 2021, "age": 6, "sex": "girl", "children": 10}
        ]),
    )
    .await;
    assert_eq!(s, 422, "{b}");
    assert_eq!(b["error"]["fields"]["rows[1].unit"], "unknown_unit", "{b}");
    assert_eq!(
        count(&app, child_population::Entity).await,
        0,
        "nothing of a refused request stays"
    );
    app.api_get(&d106, "/api/v1/population?unit=108&year=2021")
        .await
        .expect_status(404);
    // Nor may a role without the permission write at all.
    for who in ["viewer", "agency106", "facilitator106"] {
        let t = app.token(who).await;
        let (s, b) = put(
            &app,
            &t,
            json!([{"unit": "106", "year": 2021, "age": 6, "sex": "girl", "children": 1}]),
        )
        .await;
        assert_eq!(s, 403, "{who}: {b}");
    }
    // The coordinator writes any unit.
    let coord = app.token("coordinator").await;
    let (s, b) = put(
        &app,
        &coord,
        json!([{"unit": "108", "year": 2021, "age": 6, "sex": "boy", "children": "1.234"}]),
    )
    .await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(figure(&app, "108", 2021, (6, 6)).await, Some(1_234));

    // Concurrent writers of one unit-year: each succeeds or fails cleanly,
    // and what stays is one writer's figures, whole.
    let mut tasks = Vec::new();
    for k in 1..=8i64 {
        let token = d106.clone();
        let url = app.url("/api/v1/population");
        tasks.push(tokio::spawn(async move {
            let rows: Vec<Json> = (6..=15)
                .flat_map(|age| {
                    ["girl", "boy"].map(|sex| {
                        json!({"unit": "106", "year": 2022, "age": age, "sex": sex, "children": k})
                    })
                })
                .collect();
            let r = reqwest::Client::new()
                .put(url)
                .bearer_auth(token)
                .json(&json!({ "rows": rows }))
                .send()
                .await
                .expect("put");
            r.status().as_u16()
        }));
    }
    let mut ok = 0;
    for t in tasks {
        let s = t.await.expect("join");
        assert!(s == 200 || s == 503, "a clean answer: {s}");
        ok += usize::from(s == 200);
    }
    assert!(ok >= 1);
    let u106 = unit_by_code(&app.db.conn, "106").await;
    let rows = child_population::Entity::find()
        .filter(child_population::Column::UnitId.eq(u106.id))
        .filter(child_population::Column::Year.eq(2022))
        .all(&app.db.conn)
        .await
        .expect("rows");
    assert_eq!(rows.len(), 20, "one writer's 20 figures, no more, no fewer");
    let k = rows[0].children;
    assert!(
        rows.iter().all(|r| r.children == k),
        "one writer's figures only"
    );
}
db_test!(the_api_checks_fields_and_scope);

async fn a_subtree_counts_each_child_once(app: TestApp) {
    units_without_figures(&app).await;
    let admin = app.token("admin").await;
    let communes = |district: &'static str| {
        let db = app.db.conn.clone();
        async move {
            let d = unit_by_code(&db, district).await;
            let mut v: Vec<String> = unit::Entity::find()
                .filter(unit::Column::ParentId.eq(d.id))
                .filter(unit::Column::Level.ne("school"))
                .all(&db)
                .await
                .expect("communes")
                .into_iter()
                .map(|u| u.code)
                .collect();
            v.sort();
            v
        }
    };
    let c106 = communes("106").await;
    let c108 = communes("108").await;
    assert!(c106.len() >= 2 && c108.len() >= 2);
    let row = |unit: &str, year: i32, age: u8, sex: &str, n: i64| json!({"unit": unit, "year": year, "age": age, "sex": sex, "children": n});
    let (s, b) = put(
        &app,
        &admin,
        json!([
            // 2019: district 106 has its own figure (22 aged 6–15), and one
            // of its communes one too (100), which the district's hides.
            row("106", 2019, 6, "girl", 10),
            row("106", 2019, 6, "boy", 12),
            row("106", 2019, 16, "girl", 5),
            row(&c106[0], 2019, 7, "girl", 100),
            // District 108 has none: the sum of its communes (40 + 30).
            row(&c108[0], 2019, 10, "boy", 40),
            row(&c108[1], 2019, 15, "girl", 30),
            row(&c108[1], 2019, 16, "boy", 99),
            // 03388 in 2024 is Phường Quyết Tiến (district 105) …
            row("03388", 2024, 8, "girl", 11),
            // … and in 2025 and 2026 Phường Đoàn Kết, under the province.
            row("03388", 2025, 8, "girl", 7),
            row("03388", 2026, 8, "girl", 13),
            // District 106 in 2025 (until 30/6).
            row("106", 2025, 9, "boy", 50),
        ]),
    )
    .await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(figure(&app, "106", 2019, (6, 15)).await, Some(22));
    assert_eq!(figure(&app, "106", 2019, (6, 17)).await, Some(27));
    assert_eq!(figure(&app, &c106[0], 2019, (6, 15)).await, Some(100));
    assert_eq!(figure(&app, "108", 2019, (6, 15)).await, Some(70));
    assert_eq!(figure(&app, "108", 2019, (0, 17)).await, Some(169));
    assert_eq!(figure(&app, "12", 2019, (6, 15)).await, Some(92));
    // Units with figures but none of those ages count 0, not "no figure".
    assert_eq!(figure(&app, "12", 2019, (6, 6)).await, Some(22));
    assert_eq!(figure(&app, "107", 2019, (6, 15)).await, None);
    assert_eq!(figure(&app, "12", 2018, (6, 15)).await, None);
    // The reused code, by year.
    let old = path_of(&app, "03388", 2024).await;
    let new = path_of(&app, "03388", 2026).await;
    assert_ne!(old, new);
    assert_eq!(path_of(&app, "03388", 2025).await, new);
    assert_eq!(figure(&app, "03388", 2024, (6, 15)).await, Some(11));
    assert_eq!(figure(&app, "105", 2024, (6, 15)).await, Some(11));
    assert_eq!(figure(&app, "12", 2024, (6, 15)).await, Some(11));
    assert_eq!(figure(&app, "03388", 2026, (6, 15)).await, Some(13));
    assert_eq!(figure(&app, "12", 2026, (6, 15)).await, Some(13));
    // 2025: the province is read on 31/12 — the new ward (7), not also the
    // districts that ended on 30/6 (106's 50); 106 alone is read on 30/6.
    assert_eq!(figure(&app, "12", 2025, (6, 15)).await, Some(7));
    assert_eq!(figure(&app, "106", 2025, (6, 15)).await, Some(50));
    // The old ward has nothing in 2026 (it ended in 2025).
    assert_eq!(
        children(&app.db.conn, &old, 2026, 6, 15).await.expect("db"),
        None
    );
    // The API agrees and marks no demo figure.
    let b = app
        .api_ok(&admin, "/api/v1/population?unit=12&year=2019")
        .await;
    assert_eq!(b["rows"], json!([]));
    assert_eq!(b["subtree"], json!({"children": 27 + 169, "demo": false}));
}
db_test!(a_subtree_counts_each_child_once);

async fn the_demo_figures_are_labelled(app: TestApp) {
    thamgia::demo::load_units(&app.db, app.clock_now())
        .await
        .expect("units");
    // Loading again adds nothing.
    let n = count(&app, child_population::Entity).await;
    thamgia::demo::load_units(&app.db, app.clock_now())
        .await
        .expect("again");
    assert_eq!(count(&app, child_population::Entity).await, n);
    // 8 districts × 10 years + 38 communes × 2 years, 20 figures each.
    assert_eq!(n, (8 * 10 + 38 * 2) * 20);
    let p2019 = figure(&app, "12", 2019, (6, 15)).await.expect("2019");
    assert!((100_000..=101_243).contains(&p2019), "{p2019}");
    let path = path_of(&app, "12", 2026).await;
    let p2026 = children(&app.db.conn, &path, 2026, 6, 15)
        .await
        .expect("db")
        .expect("2026");
    assert!(p2026.demo);
    assert!((110_000..=114_000).contains(&p2026.children), "{p2026:?}");
    let c = app.login("admin").await;
    let html = app.page(&c, "/population?year=2026").await;
    assert!(html.contains("Số liệu minh họa"), "{html}");
    let _ = app.page(&c, "/imports").await;
    let token = app.token("viewer").await;
    let b = app
        .api_ok(&token, "/api/v1/population?unit=106&year=2019")
        .await;
    assert_eq!(b["demo"], true);
    assert_eq!(b["rows"].as_array().map(Vec::len), Some(20));
}
db_test!(the_demo_figures_are_labelled);

/// A year locked by an approved annual report keeps its figures: the JSON PUT and the file import through
/// the API answer `409 year_locked`, the page says so in Vietnamese, and a
/// request mixing a locked and an open year changes nothing, not even the
/// open year.
async fn a_locked_year_keeps_its_figures(app: TestApp) {
    units_without_figures(&app).await;
    // District 106 reports 2020; the coordinator approves it.
    let y = 2020;
    app.approve_report("district106", "106", y).await;
    let coord = app.token("coordinator").await;
    let (s, b) = put(
        &app,
        &coord,
        json!([
            {"unit": "106", "year": 2021, "age": 6, "sex": "girl", "children": 10},
            {"unit": "106", "year": y, "age": 6, "sex": "girl", "children": 10}
        ]),
    )
    .await;
    assert_eq!(s, 409, "{b}");
    assert_eq!(b["error"]["code"], "year_locked", "{b}");
    assert_eq!(
        count(&app, child_population::Entity).await,
        0,
        "nothing of a refused request stays"
    );

    let csv = format!("Đơn vị (mã),Năm,Tuổi,Giới tính (Nữ/Nam),Số trẻ em\n106,{y},7,Nam,5\n");
    let (s, b) = upload_api(&app, &coord, "text/csv", csv.as_bytes().to_vec()).await;
    assert_eq!(s, 409, "{b}");
    assert_eq!(b["error"]["code"], "year_locked", "{b}");
    assert_eq!(count(&app, child_population::Entity).await, 0);

    let c = app.login("district106").await;
    let (s, html) = upload_page(
        &app,
        &c,
        "dan-so.xlsx",
        &workbook(&[["106", &y.to_string(), "8", "Nữ", "4"]]),
    )
    .await;
    assert_eq!(s, 409, "{html}");
    assert!(
        html.contains("đã được phê duyệt và khóa"),
        "the page says why in Vietnamese"
    );
    assert_eq!(count(&app, child_population::Entity).await, 0);

    // An open year is written as before.
    let (s, b) = put(
        &app,
        &coord,
        json!([{"unit": "106", "year": 2021, "age": 6, "sex": "girl", "children": 10}]),
    )
    .await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(figure(&app, "106", 2021, (6, 6)).await, Some(10));
}
db_test!(a_locked_year_keeps_its_figures);
