//! The annual report chain through time: in 2018 the districts report to the
//! province; in 2026 the 38 communes do (districts were abolished on
//! 1/7/2025). A commune's officer submits its 2026 report, the coordinator
//! approves it, and the province's 2026 list counts communes only, the 2018
//! list districts only.

use crate::db_test;
use crate::helpers::TestApp;
use serde_json::Value;

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
    let (s, y2018) = app.api_get(&coord, "/api/v1/reports?year=2018").await;
    assert_eq!(s, 200, "{y2018}");
    let c2018 = codes(&y2018);
    assert_eq!(c2018.len(), 8, "{c2018:?}");
    assert!(c2018.iter().all(|c| c.len() == 3), "districts: {c2018:?}");
    let (s, y2026) = app.api_get(&coord, "/api/v1/reports?year=2026").await;
    assert_eq!(s, 200, "{y2026}");
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
    let (s, _) = app.api_get(&ward, "/api/v1/reports/03388/2026").await;
    assert_eq!(s, 200);
    let (s, _) = app.api_get(&ward, "/api/v1/reports/03390/2026").await;
    assert_eq!(s, 404);
    // A district of 2018 still reports for 2018.
    let r2018 = app.approve_report("district106", "106", 2018).await;
    assert_eq!(r2018["status"], "approved", "{r2018}");
    // The province's 2026 report page lists the ward among the units below.
    let c = app.login("coordinator").await;
    let (s, html) = app.get(&c, "/reports/12/2026").await;
    assert_eq!(s, 200);
    assert!(html.contains("Phường Đoàn Kết"), "the ward is in the chain");
    assert!(!html.contains("Huyện Tam Đường"), "no district in 2026");
}

db_test!(communes_report_to_the_province_in_2026_districts_in_2018);
