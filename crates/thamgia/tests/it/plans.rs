//! Plans as data: import, idempotence, versions, all-or-nothing.

use crate::db_test;
use crate::helpers::{Answer, TestApp};
use serde_json::json;

const PLAN: &str = include_str!("../../../../plans/lai-chau-2016-2020.toml");

async fn counts(app: &TestApp) -> (usize, usize, usize) {
    use sea_orm::{EntityTrait, PaginatorTrait};
    use thamgia_store::entity::*;
    let c = &app.db.conn;
    (
        plan::Entity::find().count(c).await.expect("count") as usize,
        agency::Entity::find().count(c).await.expect("count") as usize,
        unit::Entity::find().count(c).await.expect("count") as usize,
    )
}

async fn the_same_plan_twice_changes_nothing_and_a_change_is_a_new_version(app: TestApp) {
    let token = app.token("coordinator").await;
    let before = counts(&app).await;
    let r = app
        .api_post(&token, "/api/v1/plans", &json!({"source": PLAN}))
        .await
        .expect_status(200);
    assert_eq!(r["outcome"], "unchanged");
    assert_eq!(r["version"], 1);
    // Comments only: still the same plan.
    let commented = format!("# reviewed again\n{PLAN}");
    let (_, r) = app
        .api_post(&token, "/api/v1/plans", &json!({"source": commented}))
        .await;
    assert_eq!(r["outcome"], "unchanged");
    assert_eq!(counts(&app).await, before);
    // A changed target is version 2; version 1 stays readable.
    let changed = PLAN.replacen("answer_due_days = 60", "answer_due_days = 45", 1);
    assert_ne!(changed, PLAN);
    let r = app
        .api_post(&token, "/api/v1/plans", &json!({"source": changed}))
        .await
        .expect_status(201);
    assert_eq!(r["version"], 2);
    let (_, v1) = app
        .api_get(&token, "/api/v1/plans/lai-chau-2016-2020?version=1")
        .await;
    assert_eq!(v1["document"]["settings"]["answer_due_days"], 60);
    let (_, v2) = app
        .api_get(&token, "/api/v1/plans/lai-chau-2016-2020")
        .await;
    assert_eq!(v2["version"], 2);
    assert_eq!(v2["document"]["settings"]["answer_due_days"], 45);
    let (_, versions) = app
        .api_get(&token, "/api/v1/plans/lai-chau-2016-2020/versions")
        .await;
    assert_eq!(versions.as_array().expect("array").len(), 2);
    // The page shows the old version as old.
    let c = app.login("coordinator").await;
    let html = app.page(&c, "/plans/lai-chau-2016-2020?version=1").await;
    assert!(html.contains("đây là phiên bản cũ"));
    let audit = thamgia_store::audit::for_record(&app.db.conn, "plan", "lai-chau-2016-2020@2", 5)
        .await
        .expect("audit");
    assert_eq!(audit.len(), 1);
    assert_eq!(audit[0].actor, "coordinator");
}
db_test!(the_same_plan_twice_changes_nothing_and_a_change_is_a_new_version);

async fn a_bad_plan_imports_nothing_and_names_line_and_field(app: TestApp) {
    let token = app.token("coordinator").await;
    let before = counts(&app).await;
    // An unknown lead agency and a new agency: neither may land.
    let bad = PLAN
        .replacen(
            "coordinator = \"SLDTBXH\"",
            "coordinator = \"SLDTBXH\"\n",
            1,
        )
        .replacen("lead = \"TDTN\"", "lead = \"NO-SUCH-AGENCY\"", 1)
        + "\n[[agencies]]\ncode = \"NEW-AGENCY\"\nname_vi = \"Cơ quan mới\"\nname_en = \"New agency\"\nunit = \"12\"\nkind = \"other\"\n";
    let line = bad
        .lines()
        .position(|l| l.contains("NO-SUCH-AGENCY"))
        .expect("line")
        + 1;
    let body = app
        .api_post(&token, "/api/v1/plans", &json!({"source": bad}))
        .await
        .expect_status(422);
    let errors = body["error"]["detail"]["errors"]
        .as_array()
        .expect("errors");
    assert!(
        errors.iter().any(|e| e["code"] == "unknown_agency"
            && e["line"] == line
            && e["field"].as_str().unwrap_or("").ends_with(".lead")),
        "{errors:?}"
    );
    assert_eq!(counts(&app).await, before, "nothing imported");
    // Only coordinators and admins may import.
    let t2 = app.token("district106").await;
    app.api_post(&t2, "/api/v1/plans", &json!({"source": PLAN}))
        .await
        .expect_status(403);
}
db_test!(a_bad_plan_imports_nothing_and_names_line_and_field);

async fn a_second_province_plan_lives_beside_the_first(app: TestApp) {
    // A plan is data: another province and period import without code changes.
    let token = app.token("admin").await;
    let other = r#"
[header]
code = "dien-bien-2021-2025"
name_vi = "Kế hoạch thúc đẩy quyền tham gia của trẻ em tỉnh Điện Biên"
name_en = "Điện Biên children's participation plan"
issuer_vi = "Ủy ban nhân dân tỉnh Điện Biên"
issuer_en = "Điện Biên Provincial People's Committee"
issuer_unit = "11"
document_date = 2021-03-01
period_start = 2021
period_end = 2025
subject_vi = "Trẻ em từ 7 tuổi trở lên"
subject_en = "Children aged 7 and over"
subject_min_age = 7
subject_max_age = 15
scope_vi = "Toàn tỉnh"
scope_en = "The whole province"
coordinator = "DB-SYT"

[[units]]
code = "11"
name_vi = "Tỉnh Điện Biên"
name_en = "Điện Biên province"
level = "province"

[[agencies]]
code = "DB-SYT"
name_vi = "Sở Y tế tỉnh Điện Biên"
name_en = "Điện Biên Department of Health"
unit = "11"
kind = "department"

[[indicators]]
code = "C1"
name_vi = "Tỷ lệ trẻ em từ 7 tuổi trở lên được tham vấn"
name_en = "Children aged 7+ consulted"
unit = "%"
measure = "children_answers"
target = 30
definition_vi = "Trẻ em được tham vấn trên tổng số trẻ em"
definition_en = "Children consulted over all children"
"#;
    app.api_post(&token, "/api/v1/plans", &json!({"source": other}))
        .await
        .expect_status(201);
    let (_, list) = app.api_get(&token, "/api/v1/plans?per_page=1000").await;
    assert_eq!(list.as_array().expect("array").len(), 2);
    let (s, u) = app.api_get(&token, "/api/v1/units/11").await;
    assert_eq!(s, 404, "the admin's scope is Lai Châu's subtree: {u}");
}
db_test!(a_second_province_plan_lives_beside_the_first);
