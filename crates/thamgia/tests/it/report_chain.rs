//! The annual report chain through time: in 2018 the districts report to the
//! province; in 2026 the 38 communes do (districts were abolished on
//! 1/7/2025). A commune's officer submits its 2026 report, the coordinator
//! approves it, and the province's 2026 list counts communes only, the 2018
//! list districts only. Who reports follows the governing plan's
//! `[levels] reports` lines, not the depth of a unit in the tree.

use crate::db_test;
use crate::helpers::{Answer, TestApp};
use serde_json::Value;
use thamgia_web::clock::Clock;

fn codes(list: &Value) -> Vec<String> {
    list["districts"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|r| r["unit"].as_str().expect("code").to_string())
        .collect()
}

async fn communes_report_to_the_province_in_2026_districts_in_2018(app: TestApp) {
    crate::units_in_time::load(&app).await;
    app.officer("xa03388", "03388").await;
    let coord = app.token("coordinator").await;

    // Who owes a report: the units right under the province in the year.
    let y2018 = app.api_ok(&coord, "/api/v1/reports?year=2018").await;
    let c2018 = codes(&y2018);
    assert_eq!(c2018.len(), 8, "{c2018:?}");
    assert!(c2018.iter().all(|c| c.len() == 3), "districts: {c2018:?}");
    let y2026 = app.api_ok(&coord, "/api/v1/reports?year=2026").await;
    let c2026 = codes(&y2026);
    assert_eq!(c2026.len(), 38, "{c2026:?}");
    assert!(c2026.iter().all(|c| c.len() == 5), "communes: {c2026:?}");
    assert!(c2026.contains(&"03388".to_string()));

    // The ward's officer writes, submits; the coordinator approves.
    let ward = app.token("xa03388").await;
    let approved = app.approve_report("xa03388", "03388", 2026).await;
    assert_eq!(approved["status"], "approved", "{approved}");
    assert_eq!(approved["unit_name"], "Phường Đoàn Kết");
    let (_, y2026) = app.api_get(&coord, "/api/v1/reports?year=2026").await;
    assert_eq!(y2026["approved"], 1, "{y2026}");
    // The ward sees its own report and no other's.
    app.api_ok(&ward, "/api/v1/reports/03388/2026").await;
    app.api_get(&ward, "/api/v1/reports/03390/2026")
        .await
        .expect_status(404);
    // A district of 2018 still reports for 2018.
    let r2018 = app.approve_report("district106", "106", 2018).await;
    assert_eq!(r2018["status"], "approved", "{r2018}");
    // The province's 2026 report page lists the ward among the units below.
    let c = app.login("coordinator").await;
    let html = app.page(&c, "/reports/12/2026").await;
    assert!(html.contains("Phường Đoàn Kết"), "the ward is in the chain");
    assert!(!html.contains("Huyện Tam Đường"), "no district in 2026");
}

db_test!(communes_report_to_the_province_in_2026_districts_in_2018);

/// Imports a new version of the 2016–2020 plan whose report lines are
/// `lines` and whose yearly duty to DOLISA is owed by `reporter`.
async fn plan_with_lines(app: &TestApp, lines: &str, reporter: &str) {
    let from = "reports = [{ from = \"district\", to = \"province\" }]";
    let duty = "reporter = \"level:district\"";
    assert_eq!(thamgia::LAI_CHAU_PLAN.matches(from).count(), 1);
    assert_eq!(thamgia::LAI_CHAU_PLAN.matches(duty).count(), 1);
    let source = thamgia::LAI_CHAU_PLAN
        .replacen(from, &format!("reports = {lines}"), 1)
        .replacen(duty, &format!("reporter = \"{reporter}\""), 1);
    let plan = thamgia_domain::plan::check(&source).expect("the plan checks");
    thamgia_store::plans::import(
        &app.db.conn,
        &thamgia_domain::access::Actor::system("test"),
        app.clock.now(),
        &plan,
        &source,
    )
    .await
    .expect("import");
}

async fn the_chain_follows_the_plan_s_lines_not_the_depth(app: TestApp) {
    let school = thamgia::demo::DEMO_SCHOOL;
    let coord = app.token("coordinator").await;
    let district = app.token("district106").await;
    let list = |token: String| {
        let app = &app;
        async move {
            let v = app.api_ok(&token, "/api/v1/reports?year=2018").await;
            codes(&v)
        }
    };
    let report = |token: String, unit: &'static str| {
        let app = &app;
        async move {
            app.api_get(&token, &format!("/api/v1/reports/{unit}/2018"))
                .await
                .0
        }
    };
    // As shipped: the 8 districts report to the province; the school does not report.
    assert_eq!(list(coord.clone()).await.len(), 8);
    assert_eq!(list(district.clone()).await, ["106"]);
    assert_eq!(report(coord.clone(), school).await, 404);

    // Schools report to their district, the districts to the province: the
    // province still receives the 8 districts' reports, Tam Đường also the
    // school's, which now has a report of its own.
    plan_with_lines(
        &app,
        "[{ from = \"school\", to = \"district\" }, { from = \"district\", to = \"province\" }]",
        "level:district",
    )
    .await;
    let province = list(coord.clone()).await;
    assert_eq!(province.len(), 8, "{province:?}");
    assert!(!province.contains(&school.to_string()));
    assert_eq!(list(district.clone()).await, ["106", school]);
    assert_eq!(report(coord.clone(), school).await, 200);
    assert_eq!(report(coord.clone(), "106").await, 200);

    // Only schools report, straight to the province: the districts owe nothing.
    plan_with_lines(
        &app,
        "[{ from = \"school\", to = \"province\" }]",
        "level:school",
    )
    .await;
    assert_eq!(list(coord.clone()).await, [school]);
    assert_eq!(list(district.clone()).await, [school]);
    assert_eq!(report(coord.clone(), "106").await, 404);
    assert_eq!(report(coord.clone(), school).await, 200);
    let c = app.login("coordinator").await;
    let html = app.page(&c, "/reports?year=2018").await;
    assert!(
        html.contains("Các trường báo cáo"),
        "the intro names the schools"
    );
    let html = app.page(&c, "/reports/12/2018").await;
    assert!(
        html.contains("Trường PTDTBT THCS Bản Bo"),
        "the school reports"
    );
    assert!(!html.contains("Huyện Sìn Hồ"), "no district reports");
}

db_test!(the_chain_follows_the_plan_s_lines_not_the_depth);
