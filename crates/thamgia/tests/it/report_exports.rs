//! Exports of the plan's numbers and the annual report: the .xlsx (opened
//! back with calamine), the .docx (unzipped, `word/document.xml` read: the
//! Decree 30/2020 header, A4 and the decree's margins, Times New Roman, the
//! indicator table) and the CSV show exactly the figures of
//! `/api/v1/indicators`; LibreOffice converts the .docx to PDF; a submitted
//! report keeps its frozen figures; scope and formats are checked; and
//! `thamgia report export` writes the same files from the database.

use crate::cli::thamgia;
use crate::db_test;
use crate::fixtures::{budget_line, store_activity, unit_by_code};
use crate::helpers::{
    Answer, TestApp, assert_field_errors, assert_holds, document_xml, item, temp_dir, unescape,
};
use chrono::{NaiveDate, TimeZone, Utc};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::Value;
use std::collections::BTreeMap;
use thamgia_domain::access::Actor;
use thamgia_domain::reports::{ReportAction, ReportRole};
use thamgia_office::{Cell, read_csv, read_xlsx};
use thamgia_store::entity::{report, report_event, year_lock};
use thamgia_store::{report_data, reports};
use thamgia_web::clock::Clock;

/// Removes whatever report the demo gave a unit for a year, and the locks of
/// the unit and the province for that year, so the test decides the state.
async fn no_report(app: &TestApp, unit: &str, year: i32) {
    let db = &app.db.conn;
    let u = unit_by_code(db, unit).await;
    let province = unit_by_code(db, "12").await;
    year_lock::Entity::delete_many()
        .filter(year_lock::Column::UnitId.is_in([u.id, province.id]))
        .filter(year_lock::Column::Year.eq(year))
        .exec(db)
        .await
        .expect("locks");
    if let Some(r) = reports::of_unit_year(db, u.id, year).await.expect("db") {
        report_event::Entity::delete_many()
            .filter(report_event::Column::ReportId.eq(r.id))
            .exec(db)
            .await
            .expect("events");
        report::Entity::delete_by_id(r.id)
            .exec(db)
            .await
            .expect("report");
    }
}

/// A budget line, an activity with participants and a spending, through the store.
async fn records(app: &TestApp, unit: &str, year: i32, code: &str, kind: &str) {
    budget_line(app, unit, &year.to_string(), "central", "DA2", "30.000.000").await;
    store_activity(
        app,
        unit,
        code,
        "DA2",
        kind,
        &format!("12/03/{year}"),
        &format!("PGDDT-{unit}"),
        &[("teachers", 7, 4), ("children", 13, 9)],
        Some(("central", &format!("13/03/{year}"), "12.345.678")),
    )
    .await;
}

/// One indicator as a file shows it: numerator, denominator, value, target.
#[derive(Debug, Clone, PartialEq)]
struct Shown {
    numerator: f64,
    denominator: f64,
    value: Option<f64>,
    target: Option<f64>,
}

fn from_api(list: &Value) -> BTreeMap<String, Shown> {
    list.as_array()
        .expect("array")
        .iter()
        .map(|i| {
            (
                i["code"].as_str().expect("code").to_string(),
                Shown {
                    numerator: i["numerator"].as_f64().expect("numerator"),
                    denominator: i["denominator"].as_f64().expect("denominator"),
                    value: i["value"].as_f64(),
                    target: i["target"].as_f64(),
                },
            )
        })
        .collect()
}

fn number(c: &Cell) -> Option<f64> {
    match c {
        Cell::Number(v) => Some(*v),
        Cell::Empty => None,
        other => panic!("a number cell was expected, not {other:?}"),
    }
}

fn from_xlsx(bytes: &[u8]) -> (BTreeMap<String, Shown>, Vec<Vec<Cell>>) {
    let sheets = read_xlsx(bytes).expect("xlsx");
    let t = sheets
        .iter()
        .find(|s| s.name == "Chỉ tiêu")
        .expect("sheet Chỉ tiêu");
    let head: Vec<String> = t.rows[0].cells.iter().map(Cell::text).collect();
    assert_eq!(
        head,
        [
            "Mã",
            "Chỉ số",
            "Tử số",
            "Mẫu số",
            "Kết quả",
            "Mục tiêu",
            "Đơn vị tính",
            "Đánh giá"
        ]
    );
    let mut out = BTreeMap::new();
    for r in &t.rows[1..] {
        out.insert(
            r.get(0).text(),
            Shown {
                numerator: number(r.get(2)).expect("numerator"),
                denominator: number(r.get(3)).expect("denominator"),
                value: number(r.get(4)),
                target: number(r.get(5)),
            },
        );
        assert!(
            [
                "Đạt",
                "Đúng tiến độ",
                "Chậm",
                "Chưa có chỉ tiêu",
                "Chưa có số liệu"
            ]
            .contains(&r.get(7).text().as_str()),
            "standing in words: {:?}",
            r.get(7)
        );
    }
    let parts = sheets
        .iter()
        .find(|s| s.name == "Phân tổ")
        .expect("sheet Phân tổ");
    (out, parts.rows.iter().map(|r| r.cells.clone()).collect())
}

/// A number written the Vietnamese way (`1.250.000`, `66,7`), or nothing.
fn vn_number(s: &str) -> Option<f64> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    Some(
        s.replace('.', "")
            .replace(',', ".")
            .parse()
            .unwrap_or_else(|_| panic!("not a number: {s:?}")),
    )
}

/// The text of every `<w:t>` in a piece of WordprocessingML.
fn texts(xml: &str) -> String {
    let mut out = String::new();
    let mut rest = xml;
    while let Some(i) = rest.find("<w:t") {
        let after = &rest[i + 4..];
        // `<w:t>` or `<w:t xml:space=…>`, not `<w:tbl>`, `<w:tc>`, `<w:tr>`…
        if !(after.starts_with('>') || after.starts_with(' ')) {
            rest = after;
            continue;
        }
        let Some(open_end) = after.find('>') else {
            break;
        };
        if after[..open_end].ends_with('/') {
            rest = &after[open_end + 1..];
            continue;
        }
        let body = &after[open_end + 1..];
        let close = body.find("</w:t>").expect("closing w:t");
        out.push_str(&unescape(&body[..close]));
        rest = &body[close..];
    }
    out
}

/// Every table of the document as rows of cell texts.
fn tables(xml: &str) -> Vec<Vec<Vec<String>>> {
    xml.split("<w:tbl>")
        .skip(1)
        .map(|t| {
            let t = t.split("</w:tbl>").next().unwrap_or("");
            t.split("</w:tr>")
                .filter(|r| r.contains("<w:tc>"))
                .map(|r| {
                    let cells: Vec<&str> = r.split("</w:tc>").collect();
                    cells[..cells.len() - 1].iter().map(|c| texts(c)).collect()
                })
                .collect()
        })
        .collect()
}

fn attr(xml: &str, tag: &str, name: &str) -> i64 {
    let at = xml
        .find(&format!("<{tag} "))
        .unwrap_or_else(|| panic!("no {tag}"));
    let t = &xml[at..];
    let t = &t[..t.find('>').expect("tag end")];
    let key = format!("{name}=\"");
    let v = &t[t.find(&key).unwrap_or_else(|| panic!("no {name} in {t}")) + key.len()..];
    v[..v.find('"').expect("quote")].parse().expect("number")
}

fn from_docx(xml: &str) -> BTreeMap<String, Shown> {
    let all = tables(xml);
    let t = all
        .iter()
        .find(|t| {
            t.first().is_some_and(|h| {
                h.first().is_some_and(|c| c == "Mã") && h.get(4).is_some_and(|c| c == "Kết quả")
            })
        })
        .expect("the indicator table");
    t[1..]
        .iter()
        .map(|r| {
            (
                r[0].clone(),
                Shown {
                    numerator: vn_number(&r[2]).expect("numerator"),
                    denominator: vn_number(&r[3]).expect("denominator"),
                    value: vn_number(&r[4]),
                    target: vn_number(&r[5]),
                },
            )
        })
        .collect()
}

fn csv_number(s: &str) -> Option<f64> {
    let s = s.trim();
    (!s.is_empty()).then(|| s.replace(',', ".").parse().expect("csv number"))
}

fn from_csv(bytes: &[u8]) -> BTreeMap<String, Shown> {
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "UTF-8 with BOM");
    let text = std::str::from_utf8(bytes).expect("utf-8");
    assert!(
        text.lines()
            .next()
            .expect("line")
            .contains("Mã;Chỉ số;Tử số"),
        "`;`-separated"
    );
    let t = read_csv(bytes).expect("csv");
    let mut out = BTreeMap::new();
    for r in &t.rows[1..] {
        if r.get(0).text() == "Mã chỉ số" {
            break;
        }
        out.insert(
            r.get(0).text(),
            Shown {
                numerator: csv_number(&r.get(2).text()).expect("numerator"),
                denominator: csv_number(&r.get(3).text()).expect("denominator"),
                value: csv_number(&r.get(4).text()),
                target: csv_number(&r.get(5).text()),
            },
        );
    }
    out
}

/// Every figure of the API is in the file, with the same numbers.
fn same(api: &BTreeMap<String, Shown>, file: &BTreeMap<String, Shown>, what: &str) {
    assert!(
        api.len() >= 10,
        "the API lists the plan's indicators: {api:?}"
    );
    for (code, a) in api {
        let f = file
            .get(code)
            .unwrap_or_else(|| panic!("{what}: no {code}"));
        assert_eq!(a, f, "{what}: {code}");
    }
}

/// Converts with LibreOffice; fails (never skips) under CI when it is missing.
fn converts_to_pdf(docx: &[u8]) {
    if let Some(pages) = crate::print::pdf_pages(docx, "docx") {
        assert!(!pages.is_empty(), "a PDF with pages");
    }
}

async fn the_same_figures_in_the_api_xlsx_docx_and_csv(app: TestApp) {
    no_report(&app, "12", 2018).await;
    no_report(&app, "106", 2018).await;
    records(&app, "106", 2018, "XT-2018-01", "training").await;
    let token = app.token("coordinator").await;
    let api = app.indicators(&token, "12", 2018).await.expect_status(200);
    let api_map = from_api(&api);
    // The records just written are in the figures (A1: 7 + 4 teachers and 13 + 9 children trained at least).
    assert!(api_map["A1"].numerator >= 33.0, "{:?}", api_map["A1"]);

    // The report's workbook.
    let (s, ct, xlsx) = app
        .download(&token, "/api/v1/reports/12/2018/export?format=xlsx")
        .await;
    assert_eq!(s, 200);
    assert!(ct.contains("spreadsheetml"), "{ct}");
    let (shown, parts) = from_xlsx(&xlsx);
    same(&api_map, &shown, "report .xlsx");
    // Breakdowns: every part the API gives, with its value.
    for i in api.as_array().expect("array") {
        for b in i["breakdown"].as_array().into_iter().flatten() {
            let row = parts
                .iter()
                .find(|r| {
                    r.first().map(Cell::text).as_deref() == i["code"].as_str()
                        && r.get(1).map(Cell::text).as_deref() == b["key"].as_str()
                })
                .unwrap_or_else(|| panic!("no part {} {}", i["code"], b["key"]));
            assert_eq!(
                number(&row[3]),
                b["value"].as_f64(),
                "{} {}",
                i["code"],
                b["key"]
            );
        }
    }
    let sheets: Vec<String> = read_xlsx(&xlsx)
        .expect("xlsx")
        .into_iter()
        .map(|s| s.name)
        .collect();
    for name in [
        "Chỉ tiêu",
        "Phân tổ",
        "Hoạt động theo dự án",
        "Người tham gia",
        "Kinh phí theo nguồn",
        "Kinh phí theo dự án",
        "Diễn đàn",
        "Kiến nghị",
        "Các huyện",
    ] {
        assert!(sheets.iter().any(|s| s == name), "sheet {name}: {sheets:?}");
    }
    // The province's sheet of districts lists all eight with their status.
    let book = read_xlsx(&xlsx).expect("xlsx");
    let d = book
        .iter()
        .find(|s| s.name == "Các huyện")
        .expect("districts");
    assert_eq!(d.rows.len(), 1 + 8, "{:?}", d.rows);
    assert!(d.rows.iter().any(|r| r.get(1).text() == "Huyện Tam Đường"));
    // Funding by source equals the API's A3 spending by source.
    let a3 = item(&api, "code", "A3");
    let money = book
        .iter()
        .find(|s| s.name == "Kinh phí theo nguồn")
        .expect("money");
    for b in a3["breakdown"].as_array().into_iter().flatten() {
        // A source without budget or spending has no row: its spending is 0.
        let spent = money
            .rows
            .iter()
            .find(|r| r.get(0).text() == b["key"].as_str().unwrap_or(""))
            .map_or(Some(0.0), |r| number(r.get(3)));
        assert_eq!(
            spent,
            b["value"].as_f64(),
            "spent {}: {:?}",
            b["key"],
            money.rows
        );
    }

    // The indicator workbook and CSV (live) say the same.
    let (s, _, xlsx2) = app
        .download(
            &token,
            "/api/v1/indicators/export?unit=12&year=2018&format=xlsx",
        )
        .await;
    assert_eq!(s, 200);
    same(&api_map, &from_xlsx(&xlsx2).0, "indicators .xlsx");
    let (s, ct, csv) = app
        .download(&token, "/api/v1/reports/12/2018/export?format=csv")
        .await;
    assert_eq!(s, 200);
    assert!(ct.starts_with("text/csv"), "{ct}");
    same(&api_map, &from_csv(&csv), "report .csv");
    let (s, _, csv2) = app
        .download(
            &token,
            "/api/v1/indicators/export?unit=12&year=2018&format=csv",
        )
        .await;
    assert_eq!(s, 200);
    same(&api_map, &from_csv(&csv2), "indicators .csv");

    // The .docx: Decree 30 header, A4, margins, font, and the same figures.
    let (s, ct, docx) = app
        .download(&token, "/api/v1/reports/12/2018/export?format=docx")
        .await;
    assert_eq!(s, 200);
    assert!(ct.contains("wordprocessingml"), "{ct}");
    let xml = document_xml(&docx);
    let all = texts(&xml);
    assert_holds(
        &all,
        "the .docx lacks",
        &[
            "UBND TỈNH LAI CHÂU",
            "SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI",
            // Not sent yet: a draft has no number and no date.
            "Số:       /BC-SLDTBXH",
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "Độc lập - Tự do - Hạnh phúc",
            "Lai Châu, ngày      tháng      năm      ",
            "BÁO CÁO",
            "Kết quả thực hiện Kế hoạch thúc đẩy quyền tham gia của trẻ em năm 2018",
            "I. KẾT QUẢ THỰC HIỆN",
            "II. KHÓ KHĂN, VƯỚNG MẮC",
            "III. ĐỀ XUẤT, KIẾN NGHỊ",
            "Nơi nhận:",
            "Lưu: VT",
            "GIÁM ĐỐC",
            "Huyện Tam Đường",
        ],
    );
    // The header table comes first and has no borders; title and motto bold.
    let header = &tables(&xml)[0];
    assert!(header[0][0].contains("UBND TỈNH LAI CHÂU") && header[0][1].contains("CỘNG HÒA"));
    assert_eq!(attr(&xml, "w:pgSz", "w:w"), 11_906, "A4 width");
    assert_eq!(attr(&xml, "w:pgSz", "w:h"), 16_838, "A4 height");
    let mm = |twips: i64| twips as f64 * 25.4 / 1440.0;
    let top = mm(attr(&xml, "w:pgMar", "w:top"));
    let bottom = mm(attr(&xml, "w:pgMar", "w:bottom"));
    let left = mm(attr(&xml, "w:pgMar", "w:left"));
    let right = mm(attr(&xml, "w:pgMar", "w:right"));
    assert!((19.9..=25.1).contains(&top), "top {top} mm");
    assert!((19.9..=25.1).contains(&bottom), "bottom {bottom} mm");
    assert!((29.9..=35.1).contains(&left), "left {left} mm");
    assert!((14.9..=20.1).contains(&right), "right {right} mm");
    assert!(
        xml.contains("w:ascii=\"Times New Roman\""),
        "Times New Roman"
    );
    assert!(
        !xml.contains("Calibri") && !xml.contains("Arial"),
        "one font"
    );
    // Body 14 pt (28 half-points), the national title bold.
    assert!(xml.contains("<w:sz w:val=\"28\""), "14 pt body");
    same(&api_map, &from_docx(&xml), "report .docx");
    converts_to_pdf(&docx);

    // The pages give the same files to a signed-in coordinator.
    let c = app.login("coordinator").await;
    for path in [
        "/reports/12/2018/export.xlsx",
        "/reports/12/2018/export.docx",
        "/reports/12/2018/export.csv",
        "/indicators/export.xlsx?unit=12&year=2018",
        "/indicators/export.csv?unit=12&year=2018",
    ] {
        let r = c.get(app.url(path)).send().await.expect("GET");
        assert_eq!(r.status().as_u16(), 200, "{path}");
        let cd = crate::helpers::header(&r, "content-disposition");
        assert!(cd.starts_with("attachment;"), "{path}: {cd}");
        let body = r.bytes().await.expect("body");
        if path.contains(".xlsx") {
            same(&api_map, &from_xlsx(&body).0, path);
        } else if path.contains(".csv") {
            same(&api_map, &from_csv(&body), path);
        } else {
            same(&api_map, &from_docx(&document_xml(&body)), path);
        }
    }
}
db_test!(the_same_figures_in_the_api_xlsx_docx_and_csv);

async fn a_submitted_report_is_exported_with_its_frozen_figures(app: TestApp) {
    let db = &app.db.conn;
    no_report(&app, "108", 2019).await;
    let u = unit_by_code(db, "108").await;
    let today = NaiveDate::from_ymd_opt(2020, 1, 10).expect("date");
    let sent = Utc
        .with_ymd_and_hms(2020, 1, 10, 3, 0, 0)
        .single()
        .expect("time");
    let actor = Actor::system("test");
    let r = reports::get_or_create(db, &actor, sent, u.id, 2019, today)
        .await
        .expect("report");
    reports::save_narrative(
        db,
        &actor,
        sent,
        r.id,
        reports::Narrative {
            doc_number: Some("15/BC-UBND".into()),
            place: Some("Sìn Hồ".into()),
            signer_name: Some("Lò Văn Thử".into()),
            signer_title: Some("KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH".into()),
            recipients: Some("Sở LĐTB&XH (b/c);\nLưu: VT.".into()),
            results: "Các hoạt động được triển khai đúng kế hoạch.".into(),
            difficulties: "Địa bàn rộng, đi lại khó khăn.".into(),
            proposals: "Đề nghị bổ sung kinh phí tập huấn.".into(),
        },
    )
    .await
    .expect("narrative");
    let data = report_data::build(db, &u, 2019, today).await.expect("data");
    let moved = reports::act(
        db,
        &actor,
        sent,
        r.id,
        reports::Move {
            action: ReportAction::Submit,
            role: ReportRole::Author,
            reason: None,
            figures: Some(data.to_json()),
        },
    )
    .await
    .expect("db");
    assert!(moved.is_ok(), "{moved:?}");
    let frozen_a2 = data.figure("A2").expect("A2").indicator.numerator as f64;

    // A new activity of 2019 after submission: the live figures move, the report's do not.
    records(&app, "108", 2019, "XT-2019-09", "event").await;
    let token = app.token("district108").await;
    let api = app.indicators(&token, "108", 2019).await.expect_status(200);
    let live = from_api(&api);
    assert_eq!(live["A2"].numerator, frozen_a2 + 1.0);
    let (s, _, xlsx) = app
        .download(&token, "/api/v1/reports/108/2019/export?format=xlsx")
        .await;
    assert_eq!(s, 200);
    let (shown, _) = from_xlsx(&xlsx);
    assert_eq!(shown["A2"].numerator, frozen_a2, "the frozen figure");
    let info = read_xlsx(&xlsx).expect("xlsx");
    let info = info.iter().find(|s| s.name == "Thông tin").expect("info");
    assert!(
        info.rows
            .iter()
            .any(|r| r.get(1).text() == "Đã nộp, chờ duyệt")
    );
    let (s, _, xlsx) = app
        .download(
            &token,
            "/api/v1/indicators/export?unit=108&year=2019&format=xlsx",
        )
        .await;
    assert_eq!(s, 200);
    assert_eq!(from_xlsx(&xlsx).0["A2"].numerator, frozen_a2 + 1.0, "live");

    // The district's .docx: its People's Committee, its number, place, date of
    // submission, narrative and signer.
    let (s, _, docx) = app
        .download(&token, "/api/v1/reports/108/2019/export?format=docx")
        .await;
    assert_eq!(s, 200);
    let xml = document_xml(&docx);
    let all = texts(&xml);
    assert_holds(
        &all,
        "the .docx lacks",
        &[
            "ỦY BAN NHÂN DÂN",
            "HUYỆN SÌN HỒ",
            "Số: 15/BC-UBND",
            "Sìn Hồ, ngày 10 tháng 01 năm 2020",
            "Kết quả thực hiện Kế hoạch thúc đẩy quyền tham gia của trẻ em năm 2019",
            "Địa bàn rộng, đi lại khó khăn.",
            "Đề nghị bổ sung kinh phí tập huấn.",
            "KT. CHỦ TỊCH",
            "PHÓ CHỦ TỊCH",
            "Lò Văn Thử",
            "- Sở LĐTB&XH (b/c);",
        ],
    );
    assert!(!all.contains("UBND TỈNH LAI CHÂU"));
    assert_eq!(from_docx(&xml)["A2"].numerator, frozen_a2);

    // Scope, formats and years.
    let other = app.token("district106").await;
    for path in [
        "/api/v1/reports/108/2019/export?format=xlsx",
        "/api/v1/indicators/export?unit=108&year=2019&format=csv",
    ] {
        let body = app.api_get(&other, path).await.expect_status(404);
        assert_eq!(body["error"]["code"], "not_found");
    }
    let body = app
        .api_get(&token, "/api/v1/reports/108/2019/export?format=pdf")
        .await
        .expect_status(422);
    assert_eq!(body["error"]["fields"]["format"], "invalid_format");
    let body = app
        .api_get(&token, "/api/v1/reports/108/2019/export")
        .await
        .expect_status(422);
    assert_eq!(body["error"]["fields"]["format"], "required");
    let body = app
        .api_get(&token, "/api/v1/reports/108/20x9/export?format=xlsx")
        .await
        .expect_status(422);
    assert_eq!(body["error"]["fields"]["year"], "invalid_year");
    app.api_get(
        &token,
        "/api/v1/indicators/export?unit=108&year=2019&format=docx",
    )
    .await
    .expect_status(422);
    let body = app
        .api_get(&token, "/api/v1/indicators/export?format=xlsx")
        .await
        .expect_status(422);
    assert_field_errors(&body, &[("unit", "required"), ("year", "required")]);
    // The district officer's page refuses another district's report.
    let c = app.login("district106").await;
    let (s, _) = app.get(&c, "/reports/108/2019/export.docx").await;
    assert_eq!(s, 404);
}
db_test!(a_submitted_report_is_exported_with_its_frozen_figures);

async fn report_export_writes_the_files_from_the_database(app: TestApp) {
    no_report(&app, "12", 2018).await;
    let url = app.db_url.clone();
    let dir = temp_dir();
    let token = app.token("coordinator").await;
    let api = app.indicators(&token, "12", 2018).await.expect_status(200);
    let api_map = from_api(&api);
    for format in ["docx", "xlsx", "csv"] {
        let path = dir.0.join(format!("bao-cao-12-2018.{format}"));
        let p = path.to_str().expect("path").to_string();
        let out = thamgia(
            &[
                "report",
                "export",
                "--unit",
                "12",
                "--year",
                "2018",
                "--format",
                format,
                "--output",
                &p,
                "--database-url",
                &url,
            ],
            None,
        );
        assert!(
            out.status.success(),
            "{format}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(String::from_utf8_lossy(&out.stdout).contains("wrote"));
        let bytes = std::fs::read(&path).expect("file written");
        match format {
            "docx" => {
                let xml = document_xml(&bytes);
                assert!(texts(&xml).contains("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"));
                same(&api_map, &from_docx(&xml), "cli .docx");
            }
            "xlsx" => same(&api_map, &from_xlsx(&bytes).0, "cli .xlsx"),
            _ => same(&api_map, &from_csv(&bytes), "cli .csv"),
        }
    }
    let missing = dir.0.join("none.docx");
    let out = thamgia(
        &[
            "report",
            "export",
            "--unit",
            "99999",
            "--year",
            "2018",
            "--format",
            "docx",
            "--output",
            missing.to_str().expect("path"),
            "--database-url",
            &url,
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("no unit with code \"99999\""),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!missing.exists());
    let out = thamgia(
        &[
            "report",
            "export",
            "--unit",
            "12",
            "--year",
            "2018",
            "--format",
            "pdf",
            "--output",
            missing.to_str().expect("path"),
            "--database-url",
            &url,
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--format"));
}
db_test!(report_export_writes_the_files_from_the_database);

/// The real units of 2025 and the 2021–2030 plan.
async fn with_the_2021_2030_plan(app: &TestApp) {
    thamgia::demo::load_units(&app.db, app.clock.now())
        .await
        .expect("units");
    let plan = thamgia_domain::plan::check(thamgia::LAI_CHAU_PLAN_2021).expect("the plan checks");
    thamgia_store::plans::import(
        &app.db.conn,
        &Actor::system("test"),
        app.clock.now(),
        &plan,
        thamgia::LAI_CHAU_PLAN_2021,
    )
    .await
    .expect("import");
}

/// The .docx of a report, opened back: its text, and its "Nơi nhận" lines.
async fn docx_of(app: &TestApp, token: &str, unit: &str, year: i32) -> (String, Vec<String>) {
    let all = texts(
        &app.docx_xml(
            token,
            &format!("/api/v1/reports/{unit}/{year}/export?format=docx"),
        )
        .await,
    );
    let from = all.find("Nơi nhận:").expect("recipients") + "Nơi nhận:".len();
    let to = from + all[from..].find("Lưu: VT.").expect("archive line") + "Lưu: VT.".len();
    let lines = all[from..to]
        .split_inclusive([';', '.'])
        .map(|l| l.trim().trim_start_matches(['-', '–']).trim().to_string())
        .filter(|l| !l.is_empty())
        .collect();
    (all, lines)
}

async fn a_report_is_issued_and_addressed_as_its_year_s_duties_say(app: TestApp) {
    with_the_2021_2030_plan(&app).await;
    let token = app.token("coordinator").await;

    // 2024: Tam Đường reports to DOLISA, which issues the province's report.
    let (_, to) = docx_of(&app, &token, "106", 2024).await;
    assert_eq!(to, ["Sở LĐTB&XH (b/c);", "Lưu: VT."]);
    let (all, to) = docx_of(&app, &token, "12", 2024).await;
    assert!(all.contains("Số:       /BC-SLDTBXH"), "{all}");
    assert!(all.contains("SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI"));
    assert_eq!(
        to,
        [
            "UBND tỉnh (b/c);",
            "Các sở, ban, ngành liên quan;",
            "UBND các huyện, thành phố;",
            "Lưu: VT."
        ]
    );

    // 2026: the ward reports to the Department of Health, which issues the
    // province's report; the communes, not the districts, are addressed.
    let (_, to) = docx_of(&app, &token, "03388", 2026).await;
    assert_eq!(to, ["Sở Y tế (b/c);", "Lưu: VT."]);
    let (all, to) = docx_of(&app, &token, "12", 2026).await;
    assert!(all.contains("Số:       /BC-SYT"), "{all}");
    assert!(all.contains("SỞ Y TẾ"));
    assert!(!all.contains("SỞ LAO ĐỘNG"));
    assert_eq!(
        to,
        [
            "UBND tỉnh (b/c);",
            "Các sở, ban, ngành liên quan;",
            "UBND các xã, phường;",
            "Lưu: VT."
        ]
    );

    // 2025: the districts' last duty (from 1/3/2025) is to the Department of
    // Health; both levels reported that year.
    let (_, to) = docx_of(&app, &token, "106", 2025).await;
    assert_eq!(to, ["Sở Y tế (b/c);", "Lưu: VT."]);
    let (_, to) = docx_of(&app, &token, "12", 2025).await;
    assert!(
        to.contains(&"UBND các huyện, thành phố;".to_string())
            && to.contains(&"UBND các xã, phường;".to_string()),
        "{to:?}"
    );
}

db_test!(a_report_is_issued_and_addressed_as_its_year_s_duties_say);
