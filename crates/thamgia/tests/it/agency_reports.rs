//! Every agency reports: Tam Đường's education office (PGDDT-106, the demo
//! agency officer's) drafts its 2019 report with a narrative per duty and
//! submits it; the coordinator returns it with a reason and approves it once
//! sent again; approval locks the office's 2019 activities. The officer
//! cannot touch another agency's report; the "who has not reported" table of
//! 2019 names every unit and agency still owing; the province's report (page
//! and .docx) carries the agencies' reports.

use crate::db_test;
use crate::helpers::{Answer, TestApp, assert_holds, column};
use reqwest::Method;
use serde_json::json;

const REPORT: &str = "/api/v1/agency-reports/PGDDT-106/2019";

async fn step(
    app: &TestApp,
    token: &str,
    step: &str,
    body: serde_json::Value,
) -> (u16, serde_json::Value) {
    app.api_send(Method::POST, token, &format!("{REPORT}/{step}"), &body)
        .await
}

/// A new activity (`n`) of the office in `year`: its answer.
async fn record_activity(app: &TestApp, token: &str, year: i32, n: u8) -> (u16, serde_json::Value) {
    let body = json!({
        "code": format!("PGD-{year}-{n}"), "unit": "106", "project": "DA2", "kind": "training",
        "title": "Tập huấn kỹ năng tham vấn trẻ em", "starts_on": format!("{year}-03-12"),
        "ends_on": format!("{year}-03-13"), "lead_agency": "PGDDT-106", "coordinating": [],
        "participants": {"teachers": {"female": 21, "male": 9}}
    });
    app.api_send(Method::POST, token, "/api/v1/activities", &body)
        .await
}

async fn an_agency_reports_through_the_chain(app: TestApp) {
    let officer = app.token("agency106").await;
    let coord = app.token("coordinator").await;
    // Recorded before the report: a training of 30 teachers.
    record_activity(&app, &officer, 2019, 1)
        .await
        .expect_status(201);

    // Nothing yet: the officer may submit; its duties are the districts'.
    let r = app.api_ok(&officer, REPORT).await;
    assert_eq!(r["status"], serde_json::Value::Null, "{r}");
    assert_eq!(r["allowed"], json!(["submit"]), "{r}");
    let duties = column(&r["figures"]["duties"], "code");
    assert_eq!(duties, ["HUYEN-1", "HUYEN-2", "HUYEN-3"], "{r}");
    assert_eq!(r["figures"]["total"]["activities"], 1, "{r}");
    assert_eq!(r["figures"]["total"]["female"], 21, "{r}");

    // A narrative per duty; a duty that is not the office's is refused by field.
    let (s, b) = app
        .api_send(
            Method::PUT,
            &officer,
            REPORT,
            &json!({"narratives": {"SGDDT-1": "Không phải nhiệm vụ của phòng"}}),
        )
        .await;
    assert_eq!(s, 422, "{b}");
    assert_eq!(
        b["error"]["fields"]["narratives.SGDDT-1"], "unknown_duty",
        "{b}"
    );
    let text = "Phòng đã tập huấn 30 giáo viên về kỹ năng tham vấn trẻ em.";
    let (s, b) = app
        .api_send(
            Method::PUT,
            &officer,
            REPORT,
            &json!({"narratives": {"HUYEN-2": text}}),
        )
        .await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(b["status"], "draft");
    assert_eq!(b["narratives"]["HUYEN-2"], text);

    // Another agency's report: of the officer's district, 403; of another, 404.
    let other = "/api/v1/agency-reports/PLDTBXH-106/2019";
    let (s, _) = app
        .api_send(Method::PUT, &officer, other, &json!({"narratives": {}}))
        .await;
    assert_eq!(s, 403);
    let (s, _) = app
        .api_send(
            Method::POST,
            &officer,
            &format!("{other}/submit"),
            &json!({}),
        )
        .await;
    assert_eq!(s, 403);
    let (s, _) = app
        .api_get(&officer, "/api/v1/agency-reports/PGDDT-107/2019")
        .await;
    assert_eq!(s, 404);
    let (s, _) = app
        .api_send(
            Method::POST,
            &officer,
            "/api/v1/agency-reports/PGDDT-107/2019/submit",
            &json!({}),
        )
        .await;
    assert_eq!(s, 404);

    // Submit; the officer cannot approve their own; the coordinator returns
    // it (not without a reason), the officer sends it again, it is approved.
    let b = step(&app, &officer, "submit", json!({}))
        .await
        .expect_status(200);
    assert_eq!(b["status"], "submitted");
    assert_eq!(b["frozen"], true);
    let (s, b) = step(&app, &officer, "approve", json!({})).await;
    assert_eq!(
        (s, b["error"]["code"].as_str()),
        (409, Some("not_allowed")),
        "{b}"
    );
    let (s, b) = step(&app, &coord, "return", json!({})).await;
    assert_eq!(s, 422, "{b}");
    assert_eq!(b["error"]["fields"]["reason"], "required");
    let b = step(
        &app,
        &coord,
        "return",
        json!({"reason": "Bổ sung số người được tuyên truyền"}),
    )
    .await
    .expect_status(200);
    assert_eq!(b["status"], "returned");
    let b = step(&app, &officer, "submit", json!({}))
        .await
        .expect_status(200);
    assert_eq!(b["status"], "submitted");
    let b = step(&app, &coord, "approve", json!({}))
        .await
        .expect_status(200);
    assert_eq!(b["status"], "approved");
    let moves = column(&b["events"], "action");
    assert_eq!(moves, ["submit", "return", "submit", "approve"]);

    // Approved: the office's 2019 activities are locked, 2018's are not.
    let (s, b) = record_activity(&app, &officer, 2019, 2).await;
    assert_eq!(s, 409, "{b}");
    assert_eq!(b["error"]["code"], "year_locked", "{b}");
    record_activity(&app, &officer, 2018, 3)
        .await
        .expect_status(201);

    // The agency's page and its API show the duties and the report's state.
    let a = app
        .api_ok(&coord, "/api/v1/agencies/PGDDT-106?year=2019")
        .await;
    assert_eq!(a["report_status"], "approved", "{a}");
    assert_eq!(a["owes_report"], true);
    assert_eq!(a["recorded"]["duties"][1]["code"], "HUYEN-2", "{a}");
    let c = app.login("coordinator").await;
    let html = app.page(&c, "/agencies/PGDDT-106?year=2019").await;
    assert!(
        html.contains("HUYEN-2") && html.contains("Đã phê duyệt"),
        "{html}"
    );
    let html = app.page(&c, "/agency-reports/PGDDT-106/2019").await;
    assert!(html.contains(text), "the narrative is shown");
}
db_test!(an_agency_reports_through_the_chain);

async fn who_has_not_reported_in_2019(app: TestApp) {
    let officer = app.token("agency106").await;
    let coord = app.token("coordinator").await;
    step(&app, &officer, "submit", json!({}))
        .await
        .expect_status(200);

    let list = app.api_ok(&coord, "/api/v1/agency-reports?year=2019").await;
    let rows = list["agencies"].as_array().expect("rows");
    let codes: Vec<&str> = rows
        .iter()
        .map(|r| r["agency"].as_str().expect("code"))
        .collect();
    for owing in ["SGDDT", "TDTN", "HLHPN", "PGDDT-106", "PLDTBXH-107"] {
        assert!(codes.contains(&owing), "{owing} owes a report: {codes:?}");
    }
    for not in ["SLDTBXH", "UBND-12", "UBND-106"] {
        assert!(
            !codes.contains(&not),
            "{not} owes no agency report: {codes:?}"
        );
    }
    let row = |code: &str| rows.iter().find(|r| r["agency"] == code).expect("row");
    assert_eq!(row("PGDDT-106")["status"], "submitted");
    assert_eq!(row("PGDDT-106")["due_on"], "2020-01-15");
    assert_eq!(row("SGDDT")["overdue"], true);
    assert_eq!(list["submitted"], 1);
    // A district officer sees its own district's agencies only.
    let district = app.token("district106").await;
    let mine = app
        .api_ok(&district, "/api/v1/agency-reports?year=2019")
        .await;
    let mine = column(&mine["agencies"], "agency");
    assert_eq!(mine, ["PLDTBXH-106", "PGDDT-106"], "{mine:?}");

    // The coordinator's table: units and agencies owing, with due date and
    // overdue mark; the one submitted is not in it.
    let c = app.login("coordinator").await;
    let html = app.page(&c, "/reports?year=2019").await;
    let table = html
        .split("id=\"not-reported-table\"")
        .nth(1)
        .and_then(|t| t.split("</table>").next())
        .expect("the not-reported table");
    assert_holds(
        table,
        "the table lacks",
        &[
            "Huyện Tam Đường",
            "Sở Giáo dục và Đào tạo",
            "15/01/2020",
            "Quá hạn",
        ],
    );
    assert!(
        !table.contains("Phòng Giáo dục và Đào tạo huyện Tam Đường"),
        "a submitted report is not missing"
    );
    // The district officer is not shown the table.
    let d = app.login("district106").await;
    let html = app.page(&d, "/reports?year=2019").await;
    assert!(!html.contains("not-reported-table"));
}
db_test!(who_has_not_reported_in_2019);

async fn the_province_report_consolidates_agency_reports(app: TestApp) {
    let officer = app.token("agency106").await;
    let coord = app.token("coordinator").await;
    let text = "Phòng phối hợp tổ chức diễn đàn trẻ em cấp huyện.";
    app.api_send(
        Method::PUT,
        &officer,
        REPORT,
        &json!({"narratives": {"HUYEN-1": text}}),
    )
    .await
    .expect_status(200);
    step(&app, &officer, "submit", json!({}))
        .await
        .expect_status(200);

    let r = app.api_ok(&coord, "/api/v1/reports/12/2019").await;
    let parts = r["figures"]["agencies"].as_array().expect("agencies");
    let ours = parts
        .iter()
        .find(|p| p["agency_code"] == "PGDDT-106")
        .expect("the office's part");
    assert_eq!(ours["status"], "submitted", "{ours}");
    assert_eq!(ours["narratives"], json!([["HUYEN-1", text]]), "{ours}");

    let docx = app
        .download_ok(&coord, "/api/v1/reports/12/2019/export?format=docx")
        .await;
    let words = crate::words::docx_text(&docx).join("\n");
    assert!(
        words.contains("Báo cáo của các sở, ban, ngành, đoàn thể"),
        "the agencies' section"
    );
    assert!(words.contains(text), "the narrative is in the document");
    assert!(
        words.contains("Sở Giáo dục và Đào tạo"),
        "every agency owing"
    );

    let c = app.login("coordinator").await;
    let html = app.page(&c, "/reports/12/2019").await;
    assert!(html.contains("agency-parts") && html.contains(text));
}
db_test!(the_province_report_consolidates_agency_reports);
