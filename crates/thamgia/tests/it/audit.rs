//! The audit trail is readable (`/audit`, `GET /api/v1/audit`) by admins and
//! coordinators, inside their scope only, filtered by record, account and
//! dates; it shows no child's free text, no count under 5 and no secret; a
//! save that changes nothing is not recorded.

use crate::db_test;
use crate::fixtures::{new_coordinator, unit_id};
use crate::helpers::{Answer, TestApp, assert_field_errors};
use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::{Value, json};
use thamgia_domain::access::Actor;
use thamgia_store::audit::{Change, record};
use thamgia_store::entity::audit;
use thamgia_web::clock::Clock;

fn entries(b: &Value) -> &Vec<Value> {
    b["entries"].as_array().expect("entries")
}

async fn the_trail_is_readable_by_scope_and_shows_nothing_it_must_not(app: TestApp) {
    let db = &app.db.conn;
    let now = app.clock.now();
    // A coordinator of district 106 (the demo's coordinator is the province's).
    let coord106 = new_coordinator(
        &app,
        "coord106",
        "Điều phối Tam Đường",
        unit_id(&app, "106").await,
    )
    .await;
    let t106 = app.token("coord106").await;
    let admin = app.token("admin").await;

    // An activity of 106 with a document: the document's entry belongs to
    // 106 through its activity, and its bytes never enter the trail.
    let d106 = app.token("district106").await;
    let a = app
        .api_post(
            &d106,
            "/api/v1/activities",
            &json!({
                "code": "HĐ-2019-77", "unit": "106", "project": "DA2", "kind": "training",
                "title": "Tập huấn kỹ năng tham vấn trẻ em", "starts_on": "2019-03-12",
                "ends_on": "13/03/2019", "lead_agency": "PLDTBXH-106", "coordinating": [],
                "participants": {"teachers": {"female": 21, "male": 9}},
                "audience": null, "description": "Hai ngày"
            }),
        )
        .await
        .expect_status(201);
    let path = format!("/api/v1/activities/{}/documents?name=bien-ban.txt", a["id"]);
    app.api_upload(&d106, &path, None, "Biên bản tập huấn")
        .await
        .expect_status(201);
    // A group tally with small cells (of a consultation no longer there: an
    // entry of no unit, for the province's readers only).
    record(
        db,
        &Actor::system("test"),
        now,
        Change::new("create", "group_tally", 424242).after(&json!({
            "consultation_id": 999_999, "label": "Lớp 5A", "girls": 3, "boys": 12,
            "age_6_10": 0, "age_11_15": 15
        })),
    )
    .await
    .expect("audit");
    record(
        db,
        &Actor::system("test"),
        now,
        Change::new("create", "recommendation", 434343).after(&json!({
            "unit_id": unit_id(&app, "108").await, "text": "Em muốn có sân chơi có mái che", "topic": "school"
        })),
    )
    .await
    .expect("audit");

    // A save that changes nothing leaves no entry; a real change leaves one.
    let before = audit::Entity::find().count(db).await.expect("count");
    let path = format!("/api/v1/users/{}", coord106.id);
    let same = json!({"display_name": "Điều phối Tam Đường"});
    app.api_patch(&admin, &path, &same).await.expect_status(200);
    assert_eq!(
        audit::Entity::find().count(db).await.expect("count"),
        before,
        "no-op recorded"
    );
    app.api_patch(&admin, &path, &json!({"password": "mat-khau-moi-2026"}))
        .await
        .expect_status(200);
    assert_eq!(
        audit::Entity::find().count(db).await.expect("count"),
        before + 1
    );

    // The province's admin reads everything; the entry of the password change
    // says it changed and holds no hash.
    let b = app
        .api_ok(
            &admin,
            &format!("/api/v1/audit?entity=user&record={}", coord106.id),
        )
        .await;
    let list = entries(&b);
    assert_eq!(list.len(), 2, "{b}");
    assert_eq!(list[0]["action"], "update");
    assert_eq!(list[0]["after"]["password"], "changed");
    assert_eq!(list[0]["unit"], "106");
    assert!(!b.to_string().contains("argon2"), "a hash in the trail");
    // Small counts and children's words are hidden.
    let (_, b) = app
        .api_get(&admin, "/api/v1/audit?entity=group_tally")
        .await;
    let tally = &entries(&b)[0]["after"];
    // The age bands add up to 15: the boys' 12 beside them would give the
    // girls' 3 back, so it is hidden with them.
    assert_eq!(
        (tally["girls"].clone(), tally["boys"].clone()),
        (json!("<5"), json!("<5"))
    );
    assert_eq!(tally["age_6_10"], 0);
    assert_eq!(tally["age_11_15"], 15);
    let (_, b) = app
        .api_get(&admin, "/api/v1/audit?entity=recommendation&record=434343")
        .await;
    assert_eq!(entries(&b)[0]["after"]["text"], "…");
    assert!(!b.to_string().contains("mái che"));

    // The coordinator of 106 sees 106 only: not 108's recommendation, not the
    // province's own records.
    let b = app.api_ok(&t106, "/api/v1/audit").await;
    assert!(!entries(&b).is_empty());
    for e in entries(&b) {
        let unit = e["unit"].as_str().unwrap_or("");
        assert!(unit == "106" || unit.starts_with("106-"), "{e}");
    }
    let (_, b) = app
        .api_get(&t106, "/api/v1/audit?entity=recommendation&record=434343")
        .await;
    assert!(entries(&b).is_empty(), "{b}");
    let (_, b) = app.api_get(&t106, "/api/v1/audit?entity=group_tally").await;
    assert!(entries(&b).is_empty(), "{b}");
    let (_, b) = app
        .api_get(&t106, "/api/v1/audit?entity=activity_document")
        .await;
    assert_eq!(entries(&b).len(), 1, "{b}");
    assert_eq!(entries(&b)[0]["after"]["file_name"], "bien-ban.txt");
    assert!(entries(&b)[0]["after"].get("content").is_none());

    // By account and by dates (the clock stands at 29/11/2026).
    let (_, b) = app.api_get(&admin, "/api/v1/audit?account=admin").await;
    assert!(!entries(&b).is_empty());
    assert!(entries(&b).iter().all(|e| e["actor"] == "admin"), "{b}");
    let (_, b) = app
        .api_get(&admin, "/api/v1/audit?account=nobody-here")
        .await;
    assert!(entries(&b).is_empty());
    let (_, b) = app.api_get(&admin, "/api/v1/audit?from=30/11/2026").await;
    assert!(entries(&b).is_empty());
    let (_, b) = app
        .api_get(&admin, "/api/v1/audit?from=2026-11-29&to=29/11/2026")
        .await;
    assert!(!entries(&b).is_empty());
    assert_eq!(b["per_page"], 50);
    // Pages follow one another without overlap.
    let (_, p2) = app.api_get(&admin, "/api/v1/audit?page=2").await;
    assert_eq!(p2["page"], 2);
    if let (Some(a), Some(z)) = (entries(&b).last(), entries(&p2).first()) {
        assert!(a["id"].as_i64() > z["id"].as_i64());
    }
    // Bad filters name their field.
    let b = app
        .api_get(&admin, "/api/v1/audit?from=31/02/2026&record=5")
        .await
        .expect_status(422);
    assert_field_errors(&b, &[("from", "not_a_date"), ("entity", "required")]);
    // Other roles may not read it.
    app.api_get(&app.token("district106").await, "/api/v1/audit")
        .await
        .expect_status(403);

    // The page: linked in the navigation, filtered, errors in Vietnamese.
    let c = app.login("coordinator").await;
    let html = app.page(&c, "/plan").await;
    assert!(html.contains("href=\"/audit\""));
    let html = app.page(&c, "/audit?entity=group_tally").await;
    assert!(
        html.contains("Nhật ký thay đổi") && html.contains("&#34;girls&#34;:&#34;&#60;5&#34;"),
        "{html}"
    );
    let (s, html) = app.get(&c, "/audit?to=hôm qua").await;
    assert_eq!(s, 422);
    assert!(html.contains("Hãy viết ngày theo dạng dd/mm/yyyy"));
    let c = app.login("district106").await;
    let html = app.page(&c, "/plan").await;
    assert!(!html.contains("href=\"/audit\""));
    assert_eq!(app.get(&c, "/audit").await.0, 403);
}
db_test!(the_trail_is_readable_by_scope_and_shows_nothing_it_must_not);
