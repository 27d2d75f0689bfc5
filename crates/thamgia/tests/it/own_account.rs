//! An account cannot lower its own role or move its own unit, and the
//! province never loses its last active administrator.

use crate::db_test;
use crate::helpers::{Answer, TestApp};
use serde_json::json;

async fn admin_id(app: &TestApp) -> i32 {
    thamgia_store::users::by_username(&app.db.conn, "admin")
        .await
        .expect("read")
        .expect("admin")
        .id
}

async fn an_admin_cannot_demote_or_move_themself(app: TestApp) {
    let id = admin_id(&app).await;
    let token = app.token("admin").await;
    let path = format!("/api/v1/users/{id}");
    let b = app
        .api_patch(&token, &path, &json!({"role": "coordinator"}))
        .await
        .expect_status(422);
    assert_eq!(b["error"]["fields"]["role"], "cannot_lower_own_role", "{b}");
    let b = app
        .api_patch(&token, &path, &json!({"unit": "106"}))
        .await
        .expect_status(422);
    assert_eq!(b["error"]["fields"]["unit"], "cannot_move_self", "{b}");
    // The same through the admin page, in Vietnamese, naming the fields.
    let c = app.login("admin").await;
    let csrf = app.csrf(&c, &format!("/admin/users/{id}")).await;
    let r = app
        .submit_form(
            &c,
            &csrf,
            &format!("/admin/users/{id}"),
            &[
                ("display_name", "Quản trị hệ thống"),
                ("role", "district_officer"),
                ("unit", "106"),
                ("agency", ""),
                ("active", "1"),
            ],
            422,
        )
        .await;
    let html = r.text().await.expect("body");
    assert!(html.contains("Bạn không thể tự hạ vai trò"), "role named");
    assert!(
        html.contains("Bạn không thể tự chuyển tài khoản"),
        "unit named"
    );
    let me = thamgia_store::users::by_username(&app.db.conn, "admin")
        .await
        .expect("read")
        .expect("admin");
    assert_eq!((me.role.as_str(), me.active), ("admin", true));
    // Changing one's own name still works.
    app.api_patch(&token, &path, &json!({"display_name": "Quản trị"}))
        .await
        .expect_status(200);
}
db_test!(an_admin_cannot_demote_or_move_themself);

async fn the_last_province_admin_cannot_be_lost(app: TestApp) {
    let id = admin_id(&app).await;
    let actor = thamgia_domain::access::Actor::system("test");
    let now = chrono::Utc::now();
    // Whoever asks (here the operator, below the web rules), the only active
    // administrator of the province keeps the role, the unit and the account.
    for ch in [
        thamgia_store::users::UserChanges {
            role: Some(thamgia_domain::access::Role::Coordinator),
            ..Default::default()
        },
        thamgia_store::users::UserChanges {
            active: Some(false),
            ..Default::default()
        },
        thamgia_store::users::UserChanges {
            unit_id: Some(
                thamgia_store::units::get_in_scope(
                    &app.db.conn,
                    &thamgia_domain::access::Scope::everything(),
                    "106",
                )
                .await
                .expect("unit")
                .id,
            ),
            ..Default::default()
        },
    ] {
        let r = thamgia_store::users::update(&app.db.conn, &actor, now, id, ch).await;
        assert!(
            matches!(
                r,
                Err(thamgia_store::StoreError::Conflict {
                    field: "last_admin"
                })
            ),
            "{r:?}"
        );
    }
    // With a second administrator of the province, the first can step down.
    let token = app.token("admin").await;
    app.api_post(
        &token,
        "/api/v1/users",
        &json!({"username": "admin2", "role": "admin", "unit": "12",
                    "password": "mat-khau-dai-du"}),
    )
    .await
    .expect_status(201);
    let admin2 = app.token("admin2").await;
    app.api_patch(
        &admin2,
        &format!("/api/v1/users/{id}"),
        &json!({"role": "coordinator"}),
    )
    .await
    .expect_status(200);
    // Now admin2 is the last one: its deactivation by the operator is refused.
    let a2 = thamgia_store::users::by_username(&app.db.conn, "admin2")
        .await
        .expect("read")
        .expect("admin2");
    let r = thamgia_store::users::update(
        &app.db.conn,
        &actor,
        now,
        a2.id,
        thamgia_store::users::UserChanges {
            active: Some(false),
            ..Default::default()
        },
    )
    .await;
    assert!(r.is_err(), "{r:?}");
}
db_test!(the_last_province_admin_cannot_be_lost);

/// Two province administrators demote each other at the same moment (ten
/// times over): one demotion lands, the other is refused as `last_admin`
/// (422, never a 500, never both), and the province keeps one administrator.
async fn two_admins_demoting_each_other_keep_one(app: TestApp) {
    let token = app.token("admin").await;
    for round in 0..10 {
        let name = format!("admin-b{round}");
        let b = app
            .api_post(
                &token,
                "/api/v1/users",
                &json!({"username": name, "role": "admin", "unit": "12",
                        "password": "mat-khau-dai-du"}),
            )
            .await
            .expect_status(201);
        let other_id = b["id"].as_i64().expect("id");
        let other = app.token(&name).await;
        let (demote_other, demote_first) = (
            format!("/api/v1/users/{other_id}"),
            format!("/api/v1/users/{}", admin_id(&app).await),
        );
        let body = json!({"role": "coordinator"});
        let (first, second) = tokio::join!(
            app.api_patch(&token, &demote_other, &body),
            app.api_patch(&other, &demote_first, &body),
        );
        // The one that lost is refused as the last administrator, or, when
        // it came after the other had finished, as no longer an administrator.
        let mut statuses = [first.0, second.0];
        statuses.sort_unstable();
        assert!(
            statuses == [200, 422] || statuses == [200, 403],
            "round {round}: {first:?} {second:?}"
        );
        if statuses == [200, 422] {
            let refused = if first.0 == 422 { &first.1 } else { &second.1 };
            assert_eq!(
                refused["error"]["fields"]["role"], "last_admin",
                "{refused}"
            );
        }
        let admins =
            thamgia_store::users::list(&app.db.conn, &thamgia_domain::access::Scope::everything())
                .await
                .expect("users")
                .into_iter()
                .filter(|(u, _)| u.active && u.role == "admin")
                .count();
        assert_eq!(admins, 1, "round {round}");
        if first.0 != 200 {
            // The other one stepped the first down: put things back for the
            // next round (the first is admin again, the other steps down).
            let back = thamgia_store::users::UserChanges {
                role: Some(thamgia_domain::access::Role::Admin),
                ..Default::default()
            };
            thamgia_store::users::update(
                &app.db.conn,
                &thamgia_domain::access::Actor::system("test"),
                chrono::Utc::now(),
                admin_id(&app).await,
                back,
            )
            .await
            .expect("restore");
            app.api_patch(
                &token,
                &format!("/api/v1/users/{other_id}"),
                &json!({"active": false}),
            )
            .await
            .expect_status(200);
        }
    }
}
db_test!(two_admins_demoting_each_other_keep_one);
