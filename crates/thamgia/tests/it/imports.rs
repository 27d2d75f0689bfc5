//! Excel in and out, as a district officer would use it: the template
//! downloaded and opened, a workbook of 20 activities (and some spending)
//! written with its headers, a file with a bad date and an unknown agency
//! refused with both errors named by row and column and nothing imported,
//! the fixed file imported, the same file again creating nothing; .csv files;
//! over-size and non-spreadsheet files; a 300-row file through the background
//! job and its self-refreshing progress page; and the exported workbooks
//! opened again, their figures equal to the API's.

use crate::db_test;
use crate::helpers::{Answer, TestApp, item, location};
use chrono::NaiveDate;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::Value as Json;
use thamgia_office::{Column, Sheet, Table, Value, read_xlsx, write_xlsx};
use thamgia_store::entity::{activity, audit, spending};

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

async fn counts(app: &TestApp) -> (u64, u64) {
    (
        activity::Entity::find()
            .count(&app.db.conn)
            .await
            .expect("count"),
        spending::Entity::find()
            .count(&app.db.conn)
            .await
            .expect("count"),
    )
}

fn sheet<'a>(tables: &'a [Table], name: &str) -> &'a Table {
    tables
        .iter()
        .find(|t| t.name == name)
        .unwrap_or_else(|| panic!("no sheet {name}"))
}

fn headers(t: &Table) -> Vec<String> {
    t.rows[0].cells.iter().map(|c| c.text()).collect()
}

/// Uploads through the page; returns the status, the Location and the page.
async fn upload_page(
    app: &TestApp,
    c: &reqwest::Client,
    name: &str,
    ctype: &str,
    bytes: &[u8],
) -> (u16, String, String) {
    let csrf = app.csrf(c, "/imports").await;
    let r = app
        .upload_form(c, "/imports", &csrf, name, ctype, bytes)
        .await;
    let s = r.status().as_u16();
    (s, location(&r), r.text().await.unwrap_or_default())
}

async fn upload_api(app: &TestApp, token: &str, ctype: &str, bytes: Vec<u8>) -> (u16, Json) {
    let path = "/api/v1/imports?file_name=hoat-dong.xlsx";
    app.api_upload(token, path, Some(ctype), bytes).await
}

async fn download(app: &TestApp, token: &str, path: &str) -> Vec<Table> {
    let r = app.api_answer(token, path).await;
    assert_eq!(r.status().as_u16(), 200, "{path}");
    assert_eq!(
        r.headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some(XLSX)
    );
    read_xlsx(&r.bytes().await.expect("bytes")).expect("an .xlsx workbook")
}

/// The value for a header of the template's "Hoạt động" sheet.
fn activity_value(header: &str, i: usize, bad: bool) -> Value {
    let d = NaiveDate::from_ymd_opt(2019, 3, 1).expect("date") + chrono::Days::new(i as u64 * 7);
    match header {
        "Đơn vị (mã)" => "108".into(),
        "Mã hoạt động" => format!("SH-2019-{i:02}").into(),
        h if h.starts_with("Dự án") => if i.is_multiple_of(2) { "DA1" } else { "DA2" }.into(),
        "Loại hoạt động" => if i.is_multiple_of(2) {
            "Sự kiện"
        } else {
            "Tập huấn"
        }
        .into(),
        "Tên hoạt động" => format!("Tập huấn kỹ năng tham vấn trẻ em, đợt {i}").into(),
        // Half the dates as date cells, half as text typed the Vietnamese way.
        h if h.starts_with("Từ ngày") => {
            if bad {
                "31/02/2019".into()
            } else if i.is_multiple_of(2) {
                d.into()
            } else {
                d.format("%d/%m/%Y").to_string().into()
            }
        }
        h if h.starts_with("Đến ngày") => Value::Empty,
        "Cơ quan chủ trì (mã)" => "PLDTBXH-108".into(),
        h if h.starts_with("Cơ quan phối hợp") => "PGDDT-108; UBND-108".into(),
        "Giáo viên – Nữ" => Value::Int(10 + i as i64),
        "Giáo viên – Nam" => Value::Int(3),
        "Trẻ em – Nữ" => Value::Int(i as i64),
        "Trẻ em – Nam" => Value::Int(2 * i as i64),
        "Số người được tiếp cận" => Value::Empty,
        "Mô tả" => "Hội trường UBND huyện".into(),
        _ => Value::Empty,
    }
}

/// 20 activities and 3 spending rows under the template's headers; `broken`
/// puts a bad date on Excel row 7 and an unknown agency on row 12.
fn workbook(act_headers: &[String], spend_headers: &[String], broken: bool) -> Vec<u8> {
    let rows: Vec<Vec<Value>> = (1..=20)
        .map(|i| {
            act_headers
                .iter()
                .map(|h| {
                    if broken && i == 11 && h == "Cơ quan chủ trì (mã)" {
                        return "PGDDT-999".into();
                    }
                    activity_value(h, i, broken && i == 6)
                })
                .collect()
        })
        .collect();
    let spend: Vec<Vec<Value>> = (1..=3)
        .map(|i| {
            spend_headers
                .iter()
                .map(|h| match h.as_str() {
                    "Đơn vị (mã)" => "108".into(),
                    "Mã hoạt động" => format!("SH-2019-{i:02}").into(),
                    "Nguồn kinh phí" => "Ngân sách địa phương".into(),
                    h if h.starts_with("Ngày chi") => NaiveDate::from_ymd_opt(2019, 6, i as u32)
                        .expect("d")
                        .into(),
                    h if h.starts_with("Số tiền") => Value::Int(12_500_000 * i as i64),
                    _ => "Tài liệu, giải khát".into(),
                })
                .collect()
        })
        .collect();
    let cols = |hs: &[String]| hs.iter().map(|h| Column::text(h.clone(), 12.0)).collect();
    write_xlsx(&[
        Sheet {
            name: "Hoạt động".into(),
            columns: cols(act_headers),
            rows,
            ..Default::default()
        },
        Sheet {
            name: "Chi tiêu".into(),
            columns: cols(spend_headers),
            rows: spend,
            ..Default::default()
        },
    ])
    .expect("workbook")
}

fn job_id(location: &str) -> String {
    location
        .strip_prefix("/imports/jobs/")
        .unwrap_or_else(|| panic!("not a job page: {location}"))
        .to_string()
}

async fn district_officer_imports_twenty_activities(app: TestApp) {
    let c = app.login("district108").await;
    let token = app.token("district108").await;
    // The template over HTTP, as the page serves it.
    let html = app.page(&c, "/imports").await;
    assert!(
        html.contains("enctype=\"multipart/form-data\"")
            && html.contains("/activities/template.xlsx")
    );
    let r = app.fetch(&c, "/activities/template.xlsx", 200).await;
    assert_eq!(
        r.headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some(XLSX)
    );
    let template = read_xlsx(&r.bytes().await.expect("bytes")).expect("template opens");
    let names: Vec<&str> = template.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["Hoạt động", "Chi tiêu", "Hướng dẫn"]);
    let act_headers = headers(sheet(&template, "Hoạt động"));
    let spend_headers = headers(sheet(&template, "Chi tiêu"));
    assert_eq!(act_headers[5], "Từ ngày (dd/mm/yyyy)");
    assert_eq!(act_headers[7], "Cơ quan chủ trì (mã)");
    assert!(act_headers.contains(&"Giáo viên – Nữ".to_string()));
    assert_eq!(
        spend_headers,
        [
            "Đơn vị (mã)",
            "Mã hoạt động",
            "Nguồn kinh phí",
            "Ngày chi (dd/mm/yyyy)",
            "Số tiền (đồng)",
            "Ghi chú"
        ]
    );
    assert_eq!(
        sheet(&template, "Hoạt động").rows.len(),
        1,
        "data rows are empty: {:?}",
        sheet(&template, "Hoạt động").rows
    );
    // The guide lists the codes the district may use, and nothing of another district.
    let guide: Vec<String> = sheet(&template, "Hướng dẫn")
        .rows
        .iter()
        .flat_map(|r| r.cells.iter().map(|c| c.text()))
        .collect();
    for code in [
        "108",
        "PGDDT-108",
        "PLDTBXH-108",
        "DA1",
        "MH3",
        "Ngân sách địa phương",
    ] {
        assert!(guide.iter().any(|x| x == code), "{code} in the guide");
    }
    assert!(!guide.iter().any(|x| x == "PGDDT-107" || x == "107"));

    // A file with a bad date (row 7) and an unknown agency (row 12): nothing imported.
    let before = counts(&app).await;
    let broken = workbook(&act_headers, &spend_headers, true);
    let (s, _, html) = upload_page(&app, &c, "hoat-dong-sin-ho.xlsx", XLSX, &broken).await;
    assert_eq!(s, 422, "{html}");
    assert!(html.contains("<caption>"), "errors in a table");
    assert!(
        html.contains("<td>7</td><td>F – Từ ngày (dd/mm/yyyy)</td><td>Ngày không hợp lệ"),
        "{html}"
    );
    assert!(
        html.contains(
            "<td>12</td><td>H – Cơ quan chủ trì (mã)</td><td>Không có cơ quan mang mã này"
        ),
        "{html}"
    );
    assert!(html.contains("aria-invalid=\"true\""));
    assert_eq!(counts(&app).await, before, "nothing imported");
    let (s, body) = upload_api(&app, &token, XLSX, broken.clone()).await;
    assert_eq!(s, 422, "{body}");
    assert_eq!(
        body["error"]["fields"]["Hoạt động!F7"], "not_a_date",
        "{body}"
    );
    assert_eq!(
        body["error"]["fields"]["Hoạt động!H12"], "unknown_agency",
        "{body}"
    );
    let rows = body["error"]["detail"]["rows"].as_array().expect("rows");
    assert_eq!(rows.len(), 2, "{body}");
    assert_eq!(rows[0]["sheet"], "Hoạt động");
    assert_eq!(rows[0]["row"], 7);
    assert_eq!(rows[0]["header"], "Từ ngày (dd/mm/yyyy)");
    assert!(
        rows[1]["message"]
            .as_str()
            .unwrap_or("")
            .contains("cơ quan")
    );
    assert_eq!(counts(&app).await, before, "nothing imported");

    // Fixed: imported whole.
    let good = workbook(&act_headers, &spend_headers, false);
    let (s, loc, _) = upload_page(&app, &c, "hoat-dong-sin-ho.xlsx", XLSX, &good).await;
    assert_eq!(s, 303);
    let html = app.page(&c, &loc).await;
    assert!(
        !html.contains("http-equiv=\"refresh\""),
        "a small file is done at once"
    );
    assert!(
        html.contains("Hoạt động mới</th><td class=\"num\">20</td>"),
        "{html}"
    );
    assert!(
        html.contains("Khoản chi mới</th><td class=\"num\">3</td>"),
        "{html}"
    );
    assert_eq!(counts(&app).await, (before.0 + 20, before.1 + 3));
    // The import is in the audit trail with its file name and counts, not its rows.
    let trail = audit::Entity::find()
        .filter(audit::Column::Action.eq("import"))
        .filter(audit::Column::Entity.eq("activity_import"))
        .all(&app.db.conn)
        .await
        .expect("audit");
    assert_eq!(trail.len(), 1);
    assert_eq!(trail[0].entity_id, job_id(&loc));
    let after = trail[0].after.clone().unwrap_or_default();
    assert!(after.contains("hoat-dong-sin-ho.xlsx") && after.contains("\"activities_created\":20"));
    assert!(!after.contains("Tập huấn kỹ năng"));

    // The same file again: no duplicates.
    let (s, loc, _) = upload_page(&app, &c, "hoat-dong-sin-ho.xlsx", XLSX, &good).await;
    assert_eq!(s, 303);
    let (_, html) = app.get(&c, &loc).await;
    assert!(
        html.contains("Hoạt động mới</th><td class=\"num\">0</td>"),
        "{html}"
    );
    assert!(html.contains("Hoạt động đã có, không đổi</th><td class=\"num\">20</td>"));
    assert!(html.contains("Khoản chi mới</th><td class=\"num\">0</td>"));
    let (s, body) = upload_api(&app, &token, XLSX, good).await;
    assert_eq!(s, 200, "{body}");
    assert_eq!(body["status"], "done");
    assert_eq!(body["result"]["activities_created"], 0);
    assert_eq!(body["result"]["spending_added"], 0);
    assert_eq!(body["result"]["spending_existing"], 3);
    assert_eq!(counts(&app).await, (before.0 + 20, before.1 + 3));

    // The export opened again: its figures are the API's.
    let list = app
        .api_ok(
            &token,
            "/api/v1/activities?unit=108&year=2019&per_page=1000",
        )
        .await;
    let list = list.as_array().expect("activities").clone();
    assert!(list.len() >= 20);
    let book = download(
        &app,
        &token,
        "/api/v1/exports/activities.xlsx?unit=108&year=2019",
    )
    .await;
    let acts = sheet(&book, "Hoạt động");
    let head = headers(acts);
    assert_eq!(
        head[..act_headers.len()],
        act_headers[..],
        "the template's columns first"
    );
    let data = &acts.rows[1..acts.rows.len() - 1];
    let total_row = acts.rows.last().expect("totals");
    assert_eq!(data.len(), list.len());
    assert!(total_row.get(0).text().starts_with("Tổng cộng"));
    let col = |name: &str| head.iter().position(|h| h == name).expect(name);
    let sum_api = |f: &dyn Fn(&Json) -> i64| list.iter().map(f).sum::<i64>();
    let teachers_f = sum_api(&|a| {
        a["participants"]["teachers"]["female"]
            .as_i64()
            .unwrap_or(0)
    });
    let children_m = sum_api(&|a| a["participants"]["children"]["male"].as_i64().unwrap_or(0));
    let people = sum_api(&|a| {
        a["participants_female"].as_i64().unwrap_or(0)
            + a["participants_male"].as_i64().unwrap_or(0)
    });
    let spent = sum_api(&|a| a["spent"].as_i64().unwrap_or(0));
    assert_eq!(
        total_row.get(col("Giáo viên – Nữ")).text(),
        teachers_f.to_string()
    );
    assert_eq!(
        total_row.get(col("Trẻ em – Nam")).text(),
        children_m.to_string()
    );
    assert_eq!(
        total_row.get(col("Tổng số người tham gia")).text(),
        people.to_string()
    );
    assert_eq!(
        total_row.get(col("Đã chi (đồng)")).text(),
        spent.to_string()
    );
    // Dates are real dates shown dd/mm/yyyy.
    let sh07 = data
        .iter()
        .find(|r| r.get(1).text() == "SH-2019-07")
        .expect("SH-2019-07 exported");
    assert_eq!(sh07.get(5).date_text(), "19/04/2019");
    let parts = sheet(&book, "Người tham gia");
    let ptotal = parts.rows.last().expect("totals");
    let female = sum_api(&|a| a["participants_female"].as_i64().unwrap_or(0));
    let male = sum_api(&|a| a["participants_male"].as_i64().unwrap_or(0));
    assert_eq!(ptotal.get(1).text(), female.to_string());
    assert_eq!(ptotal.get(2).text(), male.to_string());
    assert_eq!(ptotal.get(3).text(), (female + male).to_string());
    let teachers = parts
        .rows
        .iter()
        .find(|r| r.get(0).text() == "Giáo viên")
        .expect("teachers row");
    assert_eq!(teachers.get(1).text(), teachers_f.to_string());
    // Funding: the workbook's totals are the API's.
    let funding = app
        .api_ok(&token, "/api/v1/funding?unit=108&year=2019")
        .await;
    // The district's funding page shows the same totals, the Vietnamese way.
    let page = c
        .get(app.url("/funding?unit=108&year=2019"))
        .send()
        .await
        .expect("funding page")
        .text()
        .await
        .expect("html");
    for key in ["budget", "spent"] {
        let n = funding["total"][key].as_i64().expect("amount");
        let shown = thamgia_domain::money::Dong(n).grouped();
        assert!(page.contains(&shown), "{key} {shown} on the funding page");
    }
    let book = download(
        &app,
        &token,
        "/api/v1/exports/funding.xlsx?unit=108&year=2019",
    )
    .await;
    for name in [
        "Theo nguồn",
        "Theo dự án",
        "Theo đơn vị",
        "Theo năm",
        "Dòng dự toán",
    ] {
        let t = sheet(&book, name);
        let h = headers(t);
        let total = t.rows.last().expect("totals");
        let b = h
            .iter()
            .position(|x| x == "Dự toán (đồng)")
            .expect("budget");
        let sp = h.iter().position(|x| x == "Đã chi (đồng)").expect("spent");
        assert!(h.contains(&"Vượt dự toán".to_string()));
        assert_eq!(
            total.get(b).text(),
            funding["total"]["budget"].to_string(),
            "{name}"
        );
        assert_eq!(
            total.get(sp).text(),
            funding["total"]["spent"].to_string(),
            "{name}"
        );
    }
    let local = sheet(&book, "Theo nguồn")
        .rows
        .iter()
        .find(|r| r.get(0).text() == "local")
        .expect("local budget row");
    let api_local = item(&funding["by_source"], "code", "local").clone();
    assert_eq!(local.get(3).text(), api_local["spent"].to_string());
    assert!(api_local["spent"].as_i64().unwrap_or(0) >= 75_000_000);
    // The page twins answer the same workbook; another district sees none of it.
    app.fetch(&c, "/funding/export.xlsx?unit=108&year=2019", 200)
        .await;
    let other = app.token("district106").await;
    let book = download(&app, &other, "/api/v1/exports/activities.xlsx").await;
    assert!(
        !sheet(&book, "Hoạt động")
            .rows
            .iter()
            .any(|r| r.get(1).text().starts_with("SH-2019"))
    );
    app.api_get(&other, "/api/v1/exports/activities.xlsx?unit=108")
        .await
        .expect_status(404);
}
db_test!(district_officer_imports_twenty_activities);

pub(crate) fn csv_activities(n: usize, sep: char, prefix: &str) -> String {
    let heads = [
        "Đơn vị (mã)",
        "Mã hoạt động",
        "\"Dự án (DA1, DA2, MH1…)\"",
        "Loại hoạt động",
        "Tên hoạt động",
        "Từ ngày (dd/mm/yyyy)",
        "Cơ quan chủ trì (mã)",
        "Cha mẹ, người chăm sóc – Nữ",
        "Cha mẹ, người chăm sóc - Nam",
    ];
    let mut s = String::from("\u{feff}");
    s.push_str(&heads.join(&sep.to_string()));
    s.push('\n');
    for i in 1..=n {
        let cells = [
            "108".to_string(),
            format!("{prefix}-{i:03}"),
            "DA1".into(),
            "\"Phát thanh, truyền hình\"".into(),
            format!("\"Phát thanh về quyền tham gia{sep} số {i}\""),
            format!("{:02}/05/2018", 1 + i % 28),
            "PGDDT-108".into(),
            "5".into(),
            "4".into(),
        ];
        s.push_str(&cells.join(&sep.to_string()));
        s.push('\n');
    }
    s
}

async fn csv_files_and_refused_files(app: TestApp) {
    let token = app.token("district108").await;
    let before = counts(&app).await;
    // Activities with `;` and a byte-order mark, as Excel saves CSV here.
    let (s, body) = upload_api(
        &app,
        &token,
        "text/csv; charset=utf-8",
        csv_activities(4, ';', "CSV").into_bytes(),
    )
    .await;
    assert_eq!(s, 200, "{body}");
    assert_eq!(body["result"]["activities_created"], 4);
    let stored = activity::Entity::find()
        .filter(activity::Column::Code.eq("CSV-002"))
        .one(&app.db.conn)
        .await
        .expect("db")
        .expect("CSV-002 stored");
    assert_eq!(stored.title, "Phát thanh về quyền tham gia; số 2");
    assert_eq!(stored.kind.as_str(), "broadcast");
    // Spending on its own, with commas; one row names an activity nowhere to be found.
    let spend = "Đơn vị (mã),Mã hoạt động,Nguồn kinh phí,Ngày chi (dd/mm/yyyy),Số tiền (đồng),Ghi chú\n\
                 108,CSV-001,foreign_donors,02/05/2018,\"3.500.000\",Thù lao\n\
                 \n\
                 108,CSV-404,local,02/05/2018,1000000,\n";
    let (s, body) = upload_api(&app, &token, "text/csv", spend.as_bytes().to_vec()).await;
    assert_eq!(s, 422, "{body}");
    assert_eq!(
        body["error"]["fields"]["Chi tiêu!B4"], "unknown_activity",
        "{body}"
    );
    let fixed = spend.replace("CSV-404", "CSV-004");
    let (s, body) = upload_api(&app, &token, "text/csv", fixed.into_bytes()).await;
    assert_eq!(s, 200, "{body}");
    assert_eq!(body["result"]["spending_added"], 2);
    assert_eq!(counts(&app).await, (before.0 + 4, before.1 + 2));
    // An agency officer imports only what their agency leads.
    let agency = app.token("agency108").await;
    let (s, body) = upload_api(
        &app,
        &agency,
        "text/csv",
        csv_activities(1, ',', "AG").into_bytes(),
    )
    .await;
    assert_eq!(s, 200, "PGDDT-108 leads it: {body}");
    let theirs = csv_activities(1, ',', "AG2").replace("PGDDT-108", "PLDTBXH-108");
    let (s, body) = upload_api(&app, &agency, "text/csv", theirs.into_bytes()).await;
    assert_eq!(s, 422);
    assert_eq!(
        body["error"]["fields"]["Hoạt động!G2"], "not_your_agency",
        "{body}"
    );
    // Refused files, each with a clear error and nothing imported.
    let before = counts(&app).await;
    let big = vec![b'a'; 6 * 1024 * 1024];
    let (s, body) = upload_api(&app, &token, "text/csv", big.clone()).await;
    assert_eq!(s, 422);
    assert_eq!(body["error"]["fields"]["file"], "file_too_large");
    assert!(
        body["error"]["detail"]["message"]
            .as_str()
            .unwrap_or("")
            .contains("5 MB")
    );
    let png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR".to_vec();
    let (s, body) = upload_api(&app, &token, "application/octet-stream", png.clone()).await;
    assert_eq!(
        (s, body["error"]["fields"]["file"].as_str()),
        (422, Some("not_a_spreadsheet"))
    );
    let (s, body) = upload_api(&app, &token, "image/png", png.clone()).await;
    assert_eq!(
        (s, body["error"]["fields"]["file"].as_str()),
        (422, Some("unsupported_type"))
    );
    let (s, body) = upload_api(&app, &token, "text/csv", b"a,b\n1,2\n".to_vec()).await;
    assert_eq!(
        (s, body["error"]["fields"]["file"].as_str()),
        (422, Some("unknown_table"))
    );
    let c = app.login("district108").await;
    let (s, _, html) = upload_page(&app, &c, "anh.png", "image/png", &png).await;
    assert_eq!(s, 422);
    assert!(html.contains("Tệp không phải .xlsx hoặc .csv"), "{html}");
    let (s, _, html) = upload_page(&app, &c, "lon.csv", "text/csv", &big).await;
    assert_eq!(s, 413);
    assert!(html.contains("Tệp quá lớn: tối đa 5 MB"), "{html}");
    // Without the form's token nothing is read.
    let csv = csv_activities(1, ',', "X");
    let r = app
        .upload_form(&c, "/imports", "wrong", "a.csv", "text/csv", csv.as_bytes())
        .await;
    assert_eq!(r.status().as_u16(), 403);
    assert_eq!(counts(&app).await, before);
    // A viewer may download the template but not import.
    let viewer = app.token("viewer").await;
    let (s, _) = upload_api(
        &app,
        &viewer,
        "text/csv",
        csv_activities(1, ',', "V").into_bytes(),
    )
    .await;
    assert_eq!(s, 403);
    download(&app, &viewer, "/api/v1/imports/template.xlsx").await;
}
db_test!(csv_files_and_refused_files);

async fn a_large_file_runs_in_the_background(app: TestApp) {
    let c = app.login("district108").await;
    let before = counts(&app).await;
    let file = csv_activities(300, ',', "BG");
    let (s, loc, _) = upload_page(&app, &c, "ca-nam.csv", "text/csv", file.as_bytes()).await;
    assert_eq!(s, 303);
    let mut html = String::new();
    for _ in 0..300 {
        let h = app.page(&c, &loc).await;
        html = h;
        if html.contains("http-equiv=\"refresh\" content=\"2\"") {
            assert!(html.contains("<progress max=\"300\""), "{html}");
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        } else {
            break;
        }
    }
    assert!(
        html.contains("Hoạt động mới</th><td class=\"num\">300</td>"),
        "{html}"
    );
    assert_eq!(counts(&app).await, (before.0 + 300, before.1));
    // The job is the importer's own: another account gets 404.
    let (s, _) = app.get(&app.login("coordinator").await, &loc).await;
    assert_eq!(s, 404);
    // Over the API: 202 with a job to follow, which ends with the counts.
    let token = app.token("district108").await;
    let (s, body) = upload_api(&app, &token, "text/csv", file.into_bytes()).await;
    assert_eq!(s, 202, "{body}");
    assert_eq!(body["rows_total"], 300);
    let id = body["id"].as_str().expect("id").to_string();
    let mut status = body;
    for _ in 0..300 {
        if status["status"] != "running" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        status = app
            .api_get(&token, &format!("/api/v1/imports/{id}"))
            .await
            .1;
    }
    assert_eq!(status["status"], "done", "{status}");
    assert_eq!(status["rows_done"], 300);
    assert_eq!(status["result"]["activities_unchanged"], 300);
    assert_eq!(counts(&app).await, (before.0 + 300, before.1));
}
db_test!(a_large_file_runs_in_the_background);

/// The activities and funding workbooks in English (`lang=en` on the API,
/// the page's language on the pages): English sheets, headers, kinds,
/// groups, unit, project and source names, and a totals row in words; an
/// English export imports again unchanged (the importer reads either
/// language's headers, kinds and totals row); an unknown language is 422.
async fn workbooks_in_english_import_again(app: TestApp) {
    let token = app.token("district108").await;
    let plan = thamgia_domain::plan::check(
        &std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../../plans/lai-chau-2016-2020.toml"),
        )
        .expect("plan file"),
    )
    .expect("plan");
    // Six activities of 2018, imported in Vietnamese.
    let (s, body) = upload_api(
        &app,
        &token,
        "text/csv; charset=utf-8",
        csv_activities(6, ';', "EN").into_bytes(),
    )
    .await;
    assert_eq!(s, 200, "{body}");
    let book = download(
        &app,
        &token,
        "/api/v1/exports/activities.xlsx?unit=108&year=2018&project=DA1&lang=en",
    )
    .await;
    let acts = sheet(&book, "Activities");
    let head = headers(acts);
    for h in [
        "Unit (code)",
        "Activity name",
        "Kind of activity",
        "Parents and carers – Female",
        "Children – Male",
        "Unit",
        "Spent (đồng)",
    ] {
        assert!(head.contains(&h.to_string()), "{h} in {head:?}");
    }
    let col = |name: &str| head.iter().position(|h| h == name).expect(name);
    let data = &acts.rows[1..acts.rows.len() - 1];
    assert_eq!(data.len(), 6, "the six activities");
    let english_kinds: Vec<&str> = thamgia_domain::activities::ActivityKind::ALL
        .iter()
        .map(|k| k.name_en())
        .collect();
    for r in data {
        let kind = r.get(col("Kind of activity")).text();
        assert_eq!(kind, "Radio or television");
        assert!(english_kinds.contains(&kind.as_str()), "{kind}");
        assert_eq!(r.get(col("Unit")).text(), "Sìn Hồ district");
    }
    let total = acts.rows.last().expect("totals").get(0).text();
    assert_eq!(total, "Total (6 activities)");
    let parts = sheet(&book, "Participants");
    let parents = parts
        .rows
        .iter()
        .find(|r| r.get(0).text() == "Parents and carers")
        .expect("parents row");
    assert_eq!(
        parents.get(1).text(),
        "30",
        "5 women in each of 6: {parents:?} {parts:?}"
    );
    let projects = sheet(&book, "By project");
    let da2 = projects
        .rows
        .iter()
        .find(|r| r.get(0).text() == "DA1")
        .expect("DA1 row");
    assert_eq!(da2.get(1).text(), plan.project("DA1").expect("DA1").name_en);

    // The English export, sent back as it is, imports: nothing new, nothing lost.
    let r = app
        .api_answer(
            &token,
            "/api/v1/exports/activities.xlsx?unit=108&year=2018&project=DA1&lang=en",
        )
        .await;
    let bytes = r.bytes().await.expect("bytes").to_vec();
    let before = counts(&app).await;
    let (s, body) = upload_api(&app, &token, XLSX, bytes).await;
    assert_eq!(s, 200, "{body}");
    assert_eq!(body["status"], "done", "{body}");
    assert_eq!(body["result"]["activities_created"], 0, "{body}");
    assert_eq!(counts(&app).await, before);

    app.api_put(
        &token,
        "/api/v1/budget-lines",
        &serde_json::json!({"unit": "108", "year": 2018, "source": "local",
                "project": "DA1", "amount": 12_500_000}),
    )
    .await
    .expect_status(201);
    let book = download(
        &app,
        &token,
        "/api/v1/exports/funding.xlsx?unit=108&year=2018&lang=en",
    )
    .await;
    let names: Vec<&str> = book.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "By source",
            "By project",
            "By unit",
            "By year",
            "Budget lines"
        ]
    );
    let by_source = sheet(&book, "By source");
    assert!(headers(by_source).contains(&"Budget (đồng)".to_string()));
    let rows = &by_source.rows[1..by_source.rows.len() - 1];
    assert_eq!(rows.len(), 1, "the district's one source");
    for r in rows {
        let source = plan
            .funding_sources
            .iter()
            .find(|s| s.code == r.get(0).text())
            .expect("a source of the plan");
        assert_eq!(r.get(1).text(), source.name_en);
        assert_eq!(r.get(2).text(), "12500000");
    }
    assert_eq!(
        by_source.rows.last().expect("totals").get(0).text(),
        "Total"
    );

    let b = app
        .api_get(&token, "/api/v1/exports/activities.xlsx?lang=fr")
        .await
        .expect_status(422);
    assert_eq!(b["error"]["fields"]["lang"], "unknown_language", "{b}");

    // The pages follow the page's language.
    let c = crate::words::visitor(&app, Some("district108"), "en").await;
    let r = c
        .get(app.url("/funding/export.xlsx?unit=108&year=2019"))
        .send()
        .await
        .expect("page export");
    let book = read_xlsx(&r.bytes().await.expect("bytes")).expect("xlsx");
    assert_eq!(book[0].name, "By source");
}
db_test!(workbooks_in_english_import_again);
