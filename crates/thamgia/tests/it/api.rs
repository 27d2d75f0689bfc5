//! The JSON API: error shape, validation, accounts, tokens.

use crate::db_test;
use crate::helpers::{Answer, TestApp, assert_field_errors};
use serde_json::json;

async fn errors_have_the_documented_shape_and_name_fields(app: TestApp) {
    let token = app.token("admin").await;
    let body = app
        .api_get(&token, "/api/v1/units/does-not-exist")
        .await
        .expect_status(404);
    assert_eq!(body["error"]["code"], "not_found");
    assert!(body["error"]["message"].is_string());
    // An id that does not parse names no record: the same JSON 404, never
    // a 400 in plain text, whatever the operation.
    for path in [
        "/api/v1/consultations/abc",
        "/api/v1/matters/1.5",
        "/api/v1/users/-",
        "/api/v1/reports/106/hai-nghin",
    ] {
        let r = app.api_answer(&token, path).await;
        assert_eq!(r.status().as_u16(), 404, "{path}");
        assert!(
            r.headers()["content-type"]
                .to_str()
                .is_ok_and(|c| c.starts_with("application/json")),
            "{path}"
        );
        let body: serde_json::Value = r.json().await.expect("json");
        assert_eq!(body["error"]["code"], "not_found", "{path}");
    }
    let before = thamgia_store::users::count(&app.db.conn)
        .await
        .expect("count");
    let body = app
        .api_post(
            &token,
            "/api/v1/users",
            &json!({"username": "X y", "role": "king", "unit": "999", "password": "short"}),
        )
        .await
        .expect_status(422);
    assert_eq!(body["error"]["code"], "invalid_input");
    assert_field_errors(
        &body,
        &[
            ("username", "invalid_username"),
            ("role", "unknown_role"),
            ("unit", "unknown_unit"),
            ("password", "weak_password"),
        ],
    );
    // Malformed JSON and a missing field are named too, never a stack trace.
    let body = app
        .api_upload(
            &token,
            "/api/v1/users",
            Some("application/json"),
            "{not json",
        )
        .await
        .expect_status(422);
    assert_eq!(body["error"]["code"], "invalid_input");
    let body = app
        .api_post(&token, "/api/v1/users", &json!({"username": "abc"}))
        .await
        .expect_status(422);
    assert_eq!(body["error"]["fields"]["role"], "required");
    assert_eq!(
        thamgia_store::users::count(&app.db.conn)
            .await
            .expect("count"),
        before
    );
    // Agency officers need an agency.
    let body = app
        .api_post(
            &token,
            "/api/v1/users",
            &json!({"username": "ag1", "role": "agency_officer", "unit": "107", "password": "long-enough-1"}),
        )
        .await
        .expect_status(422);
    assert_eq!(body["error"]["fields"]["agency"], "required");
}
db_test!(errors_have_the_documented_shape_and_name_fields);

async fn accounts_through_the_api(app: TestApp) {
    let token = app.token("admin").await;
    let u = app
        .api_post(
            &token,
            "/api/v1/users",
            &json!({"username": "muongte.agency", "display_name": "Lò Thị Xuân", "role": "agency_officer", "unit": "107", "agency": "PGDDT-107", "password": "long-enough-1"}),
        )
        .await
        .expect_status(201);
    assert_eq!(u["unit"], "107");
    assert_eq!(u["agency"], "PGDDT-107");
    let id = u["id"].as_i64().expect("id");
    app
        .api_post(
            &token,
            "/api/v1/users",
            &json!({"username": "muongte.agency", "role": "viewer", "unit": "107", "password": "long-enough-1"}),
        )
        .await
        .expect_status(409);
    let u = app
        .api_patch(
            &token,
            &format!("/api/v1/users/{id}"),
            &json!({"role": "viewer", "agency": ""}),
        )
        .await
        .expect_status(200);
    assert_eq!(u["role"], "viewer");
    assert_eq!(u["agency"], serde_json::Value::Null);
    let list = app.api_ok(&token, "/api/v1/users").await;
    assert!(
        list.as_array()
            .expect("array")
            .iter()
            .any(|u| u["username"] == "muongte.agency")
    );
    let me = app.api_ok(&token, "/api/v1/me").await;
    assert_eq!(me["username"], "admin");
    // A session cookie works on the API too.
    let c = app.login("district106").await;
    let r = c.get(app.url("/api/v1/me")).send().await.expect("me");
    let me: serde_json::Value = r.json().await.expect("json");
    assert_eq!(me["username"], "district106");
    assert_eq!(me["unit"], "106");
}
db_test!(accounts_through_the_api);

async fn openapi_lists_every_operation(app: TestApp) {
    let (_, doc) = app.public_get("/api/openapi.json").await;
    assert!(doc["openapi"].as_str().unwrap_or("").starts_with("3."));
    let paths = doc["paths"].as_object().expect("paths");
    for (p, m) in [
        ("/api/v1/plans", "get"),
        ("/api/v1/plans", "post"),
        ("/api/v1/plans/{code}", "get"),
        ("/api/v1/plans/{code}/versions", "get"),
        ("/api/v1/units", "get"),
        ("/api/v1/units/{code}", "get"),
        ("/api/v1/agencies", "get"),
        ("/api/v1/agencies/{code}", "get"),
        ("/api/v1/users", "get"),
        ("/api/v1/users", "post"),
        ("/api/v1/users/{id}", "get"),
        ("/api/v1/users/{id}", "patch"),
        ("/api/v1/me", "get"),
    ] {
        assert!(
            paths.get(p).and_then(|o| o.get(m)).is_some(),
            "{m} {p} missing from OpenAPI"
        );
    }
    // And each listed operation really answers (not 404/405) for an admin.
    let token = app.token("admin").await;
    // A matter and a consultation (id 1 in this fresh database) for `{id}`.
    crate::consultations::other_district(&app).await;
    // A forum and a recommendation (id 1) for `/forums/{id}`, `/recommendations/{id}`.
    crate::forums::one_of_each(&app).await;
    // A child, a council and a club (id 1) for `/people/{id}`, `/councils/{id}`, `/clubs/{id}`.
    crate::councils::one_of_each(&app).await;
    // An activity with a document, and an annual plan (id 1).
    crate::activities::one_of_each(&app).await;
    // An inspection (id 1) for `/inspections/{id}` and its minutes.
    crate::inspections::one(&app).await;
    for (p, ops) in paths {
        // Public join-code operations need a live consultation: tests/it/child.rs.
        // An import job lives in memory under a random id: tests/it/imports.rs.
        // A device's own operations need a device token: tests/it/offline.rs.
        // A batch's letter needs reminders sent: tests/it/reminders.rs.
        if ops.get("get").is_some()
            && !p.starts_with("/api/v1/join/")
            && !p.starts_with("/api/v1/device/")
            && p != "/api/v1/imports/{id}"
            && p != "/api/v1/reminders/batches/{batch}/letter"
        {
            let real = p
                .replace(
                    "{code}",
                    if p.contains("plans") {
                        "lai-chau-2016-2020"
                    } else if p.contains("agencies") {
                        "SLDTBXH"
                    } else {
                        "12"
                    },
                )
                .replace("{id}", "1")
                .replace("{doc_id}", "1")
                .replace("{unit}", "12")
                .replace("{agency}", "SGDDT")
                .replace("{year}", "2018");
            // Operations with required query parameters (422 without them).
            let real = match p.as_str() {
                "/api/v1/indicators" => format!("{real}?unit=12&year=2018"),
                "/api/v1/population" => format!("{real}?unit=12&year=2018"),
                "/api/v1/indicators/export" => format!("{real}?unit=12&year=2018&format=csv"),
                "/api/v1/reports/{unit}/{year}/export" => format!("{real}?format=csv"),
                "/api/v1/reviews" => format!("{real}?unit=12&from=2016&to=2020"),
                "/api/v1/agencies/{code}" => format!("{real}?year=2018"),
                "/api/v1/reviews/export" => format!("{real}?unit=12&from=2016&to=2020&format=csv"),
                _ => real,
            };
            let (s, _) = app.api_get(&token, &real).await;
            assert_eq!(s, 200, "GET {real}");
        }
    }
}
db_test!(openapi_lists_every_operation);
