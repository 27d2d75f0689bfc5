//! The plan's `[levels]` decide where forums, councils and clubs stand, on the
//! pages and the API alike, on every write (a forum's edit too): councils
//! only at districts under the 2016–2020 plan, at the communes of 2026 too
//! once the 2021–2030 plan governs them; a plan keeping clubs to schools
//! refuses a district's club. And every page that names things by the plan
//! reads the plan of the unit's own province: two provinces with plans for
//! the same years each see their own sources, projects and years.

use crate::db_test;
use crate::fixtures::{count, new_coordinator};
use crate::helpers::{Answer, TestApp};
use chrono::{DateTime, TimeZone, Utc};
use sea_orm::EntityTrait;
use serde_json::{Value, json};
use thamgia_domain::access::{Actor, Scope};
use thamgia_store::entity::{club, council, forum};

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 29, 8, 0, 0)
        .single()
        .expect("now")
}

fn council_json(unit: &str, established: &str) -> Value {
    json!({"unit": unit, "name": format!("Hội đồng trẻ em {unit}"), "established_on": established})
}

fn forum_json(level: &str, unit: &str) -> Value {
    json!({
        "level": level, "unit": unit, "year": 2026, "theme": "Trẻ em nói về an toàn trên mạng",
        "starts_on": "2026-06-05", "ends_on": "2026-06-05", "venue": "Hội trường",
        "organiser_agency": "UBND-12", "girls": 20, "boys": 20, "age_6_10": 15, "age_11_15": 25,
        "adults_in_charge": 8
    })
}

/// Imports a plan file as the system does on `demo`.
async fn import(app: &TestApp, source: &str) {
    let plan = thamgia_domain::plan::check(source).expect("plan checks");
    thamgia_store::plans::import(&app.db.conn, &Actor::system("test"), now(), &plan, source)
        .await
        .expect("import");
}

async fn councils_and_forums_stand_where_the_plan_says(app: TestApp) {
    thamgia::demo::load_units(&app.db, now())
        .await
        .expect("units of 2025");
    let admin = app.token("admin").await;
    let councils_before = count(&app, council::Entity).await;

    // Only the 2016–2020 plan: councils in the districts. Xã Bản Bo (03424)
    // is refused in 2018 and in 2026 (the province's newest plan governs a
    // year outside every period).
    for day in ["2018-03-01", "2026-03-01"] {
        let b = app
            .api_post(&admin, "/api/v1/councils", &council_json("03424", day))
            .await
            .expect_status(422);
        assert_eq!(b["error"]["fields"]["unit"], "level_not_allowed", "{b}");
    }
    // The page refuses alike, in Vietnamese, and does not offer the commune.
    let c = app.login("admin").await;
    let html = app.page(&c, "/councils/new").await;
    assert!(html.contains("<option value=\"106\""), "districts offered");
    assert!(
        !html.contains("<option value=\"03424\""),
        "no commune offered"
    );
    let csrf = app.csrf(&c, "/councils/new").await;
    let r = app
        .submit_form(
            &c,
            &csrf,
            "/councils/new",
            &[
                ("unit", "03424"),
                ("name", "Hội đồng trẻ em xã Bản Bo"),
                ("established_on", "01/03/2026"),
            ],
            422,
        )
        .await;
    let html = r.text().await.expect("body");
    assert!(
        html.contains("không có mô hình này ở cấp của đơn vị"),
        "the reason on the page"
    );
    assert_eq!(count(&app, council::Entity).await, councils_before);

    // A commune forum is refused (forums: province and district); a
    // province forum is recorded, and its edit to the commune is refused.
    let forums_before = count(&app, forum::Entity).await;
    let b = app
        .api_post(&admin, "/api/v1/forums", &forum_json("commune", "03424"))
        .await
        .expect_status(422);
    assert_eq!(b["error"]["fields"]["unit"], "level_not_allowed", "{b}");
    assert_eq!(count(&app, forum::Entity).await, forums_before);
    let b = app
        .api_post(&admin, "/api/v1/forums", &forum_json("province", "12"))
        .await
        .expect_status(201);
    let id = b["id"].as_i64().expect("id");
    let path = format!("/api/v1/forums/{id}");
    let b = app
        .api_put(&admin, &path, &forum_json("commune", "03424"))
        .await
        .expect_status(422);
    assert_eq!(b["error"]["fields"]["unit"], "level_not_allowed", "{b}");
    let row = forum::Entity::find_by_id(i32::try_from(id).expect("id"))
        .one(&app.db.conn)
        .await
        .expect("db")
        .expect("forum");
    assert_eq!(
        row.level.as_str(),
        "province",
        "the refused edit changed nothing"
    );
    // The forum form's page refuses alike.
    let csrf = app.csrf(&c, "/forums/new").await;
    let r = app
        .submit_form(
            &c,
            &csrf,
            "/forums/new",
            &[
                ("level", "commune"),
                ("unit", "03424"),
                ("year", "2026"),
                ("theme", "Trẻ em nói về an toàn trên mạng"),
                ("starts_on", "05/06/2026"),
                ("ends_on", "05/06/2026"),
                ("venue", "Hội trường"),
                ("agency", "UBND-12"),
                ("girls", "20"),
                ("boys", "20"),
                ("age_6_10", "15"),
                ("age_11_15", "25"),
                ("adults_in_charge", "8"),
            ],
            422,
        )
        .await;
    let html = r.text().await.expect("body");
    assert!(
        html.contains("không tổ chức Diễn đàn trẻ em ở cấp này"),
        "the reason on the forum page"
    );
    assert_eq!(count(&app, forum::Entity).await, forums_before + 1);

    // Under the 2021–2030 plan the communes of 2026 hold councils and forums.
    import(&app, thamgia::LAI_CHAU_PLAN_2021).await;
    let html = app.page(&c, "/councils/new").await;
    assert!(
        html.contains("<option value=\"03424\""),
        "the commune offered"
    );
    app.api_post(
        &admin,
        "/api/v1/councils",
        &council_json("03424", "2026-03-01"),
    )
    .await
    .expect_status(201);
    // A council established in 2018 is still judged by the 2016–2020 plan.
    let b = app
        .api_post(
            &admin,
            "/api/v1/councils",
            &council_json("03427", "2018-03-01"),
        )
        .await
        .expect_status(422);
    assert_eq!(b["error"]["fields"]["unit"], "level_not_allowed", "{b}");
    assert_eq!(count(&app, council::Entity).await, councils_before + 1);
    let b = app
        .api_put(&admin, &path, &forum_json("commune", "03424"))
        .await
        .expect_status(200);
    assert_eq!(b["level"], "commune");
}
db_test!(councils_and_forums_stand_where_the_plan_says);

/// Tỉnh Tám: a plan for 2018–2022 (beside Lai Châu's 2016–2020) whose clubs
/// meet only at schools, with its own funding source and project.
const PLAN_P8: &str = r#"[header]
code = "tam-2018-2022"
name_vi = "Kế hoạch tỉnh Tám"
name_en = "Plan of province Eight"
issuer_vi = "Ủy ban nhân dân tỉnh Tám"
issuer_en = "People's Committee of province Eight"
issuer_unit = "P8"
document_date = 2018-01-15
period_start = 2018
period_end = 2022
subject_vi = "Trẻ em từ 6 đến 15 tuổi"
subject_en = "Children aged 6 to 15"
subject_min_age = 6
subject_max_age = 15
scope_vi = "Toàn tỉnh"
scope_en = "The whole province"
coordinator = "SYT8"

[levels]
forums = ["province", "district"]
councils = ["district"]
clubs = ["school"]

[[units]]
code = "P8"
name_vi = "Tỉnh Tám"
name_en = "Province Eight"
level = "province"

[[units]]
code = "H81"
name_vi = "Huyện Tám Một"
name_en = "District Eight-One"
level = "district"
parent = "P8"

[[units]]
code = "T811"
name_vi = "Trường THCS Tám Một"
name_en = "Lower secondary school Eight-One"
level = "school"
parent = "H81"

[[agencies]]
code = "SYT8"
name_vi = "Sở Y tế tỉnh Tám"
name_en = "Department of Health of province Eight"
unit = "P8"
kind = "department"

[[purposes]]
text_vi = "Trẻ em được lắng nghe."
text_en = "Children are heard."

[[indicators]]
code = "E1"
name_vi = "Tỷ lệ trẻ em hiểu biết về quyền tham gia"
name_en = "Children aware of their right to take part"
unit = "%"
measure = "not_computed"
target = 90
definition_vi = "Đo bằng khảo sát hằng năm."
definition_en = "Measured by a yearly survey."
numerator_vi = "Số trẻ em trả lời có"
numerator_en = "Children answering yes"
denominator_vi = "Số trẻ em được khảo sát"
denominator_en = "Children surveyed"

[[projects]]
code = "DA8"
kind = "project"
name_vi = "Mô hình riêng của tỉnh Tám"
name_en = "Province Eight's own models"
goal_vi = "Thực hiện các mô hình."
goal_en = "Run the models."
lead = "SYT8"
indicators = ["E1"]

[[funding_sources]]
code = "tam"
name_vi = "Ngân sách riêng tỉnh Tám"
name_en = "Province Eight's own budget"

[[reporting]]
reporter = "level:district"
recipient = "SYT8"
frequency = "yearly"
text_vi = "Báo cáo hằng năm."
text_en = "Report every year."
"#;

fn club_json(unit: &str, host: Option<&str>) -> Value {
    json!({"unit": unit, "setting": "school", "host": host,
           "name": format!("CLB Quyền tham gia {unit}"), "founded_on": "2019-09-05"})
}

async fn each_province_reads_its_own_plan(app: TestApp) {
    import(&app, PLAN_P8).await;
    let p8 = thamgia_store::units::get_in_scope(&app.db.conn, &Scope::everything(), "P8")
        .await
        .expect("P8")
        .id;
    new_coordinator(&app, "coord8", "Điều phối tỉnh Tám", p8).await;
    let coord8 = app.token("coord8").await;
    let clubs_before = count(&app, club::Entity).await;

    // Tỉnh Tám's clubs meet only at schools: not at the district itself.
    let b = app
        .api_post(&coord8, "/api/v1/clubs", &club_json("H81", None))
        .await
        .expect_status(422);
    assert_eq!(b["error"]["fields"]["unit"], "level_not_allowed", "{b}");
    assert_eq!(count(&app, club::Entity).await, clubs_before);
    app.api_post(&coord8, "/api/v1/clubs", &club_json("H81", Some("T811")))
        .await
        .expect_status(201);
    // Lai Châu's plan has clubs at every level: a district's club stands.
    let admin = app.token("admin").await;
    app.api_post(&admin, "/api/v1/clubs", &club_json("106", None))
        .await
        .expect_status(201);
    assert_eq!(count(&app, club::Entity).await, clubs_before + 2);
    // The club form offers Tỉnh Tám's school and not its district as a host.
    let c8 = app.login("coord8").await;
    let html = app.page(&c8, "/clubs/new").await;
    assert!(
        html.contains("<option value=\"T811\""),
        "the school offered"
    );

    // 2019 is in both provinces' plans: each funding page names its own
    // sources, each activity form its own projects, each dashboard its own
    // plan's years.
    let lc = app.login("coordinator").await;
    let html = app.page(&c8, "/funding?unit=P8&year=2019").await;
    assert!(html.contains("Ngân sách riêng tỉnh Tám"), "P8's source");
    assert!(!html.contains("Ngân sách địa phương"), "not Lai Châu's");
    let html = app.page(&lc, "/funding?unit=12&year=2019").await;
    assert!(html.contains("Ngân sách địa phương"), "Lai Châu's source");
    assert!(!html.contains("Ngân sách riêng tỉnh Tám"), "not P8's");

    let html = app.page(&c8, "/activities/new").await;
    assert!(html.contains("Mô hình riêng của tỉnh Tám"), "P8's project");
    let html = app.page(&lc, "/activities/new").await;
    assert!(!html.contains("Mô hình riêng của tỉnh Tám"), "not P8's");

    let year_option = |y: i32| format!("<option value=\"{y}\"");
    let html = app.page(&c8, "/dashboard?unit=P8&year=2019").await;
    assert!(html.contains(&year_option(2022)), "P8's plan runs to 2022");
    assert!(
        !html.contains(&year_option(2016)),
        "P8's plan starts in 2018"
    );
    let html = app.page(&lc, "/dashboard?unit=12&year=2019").await;
    assert!(html.contains(&year_option(2016)), "Lai Châu's from 2016");
    assert!(!html.contains(&year_option(2022)), "Lai Châu's to 2020");
}
db_test!(each_province_reads_its_own_plan);

/// A new version of a plan is read at once: the parsed plans are kept by
/// content, so the cache never serves the earlier version.
async fn a_new_plan_version_is_read_at_once(app: TestApp) {
    let c = &app.db.conn;
    let path = thamgia_store::units::get_in_scope(c, &Scope::everything(), "106")
        .await
        .expect("106")
        .path;
    let days = |p: Option<thamgia_domain::plan::Plan>| {
        p.expect("plan").setting("answer_due_days").expect("set")
    };
    let first = thamgia_store::plans::governing(c, &path, 2019).await;
    assert_eq!(days(first.expect("read")), 60);
    // The same read again (from the cache) is the same plan.
    let again = thamgia_store::plans::for_unit(c, &path, 2019).await;
    assert_eq!(days(again.expect("read")), 60);
    let changed =
        thamgia::LAI_CHAU_PLAN.replacen("answer_due_days = 60", "answer_due_days = 45", 1);
    assert_ne!(
        changed,
        thamgia::LAI_CHAU_PLAN,
        "the setting is in the file"
    );
    import(&app, &changed).await;
    let now_read = thamgia_store::plans::governing(c, &path, 2019).await;
    assert_eq!(days(now_read.expect("read")), 45);
    let levels = thamgia_store::plans::levels(c, &path, 2019)
        .await
        .expect("levels");
    assert_eq!(levels.councils, ["district"]);
}
db_test!(a_new_plan_version_is_read_at_once);
