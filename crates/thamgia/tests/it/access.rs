//! Scoping: the district officer of 106 Tam Đường sees nothing of another
//! district. Every route that exists is listed here with an object outside
//! that scope; a route added to the OpenAPI document without a case here
//! fails the test.

use crate::db_test;
use crate::helpers::{Answer, TestApp, column};

/// Page routes (pattern → a path to an object of another district, or a page
/// the role may not open).
const PAGES: &[(&str, &str)] = &[
    ("/units/{code}", "/units/107"),
    ("/units/{code}", "/units/12"),
    ("/agencies/{code}", "/agencies/PGDDT-107"),
    ("/agencies/{code}", "/agencies/UBND-112"),
    ("/admin/users", "/admin/users"),
    ("/admin/users/new", "/admin/users/new"),
    ("/admin/users/{id}", "/admin/users/1"),
    ("/alerts", "/alerts"),
    // The audit trail: admins and coordinators only, by scope (audit.rs).
    ("/audit", "/audit"),
    ("/alerts/{id}", "/alerts/1"),
    (
        "/consultations/{id}/results",
        "/consultations/999999/results",
    ),
    ("/people/{id}", "/people/999999"),
    ("/councils/{id}", "/councils/999999"),
    ("/clubs/{id}", "/clubs/999999"),
    // Activities and annual plans: unknown ids here; a real activity and plan
    // of 108 are checked on every route in activities.rs.
    ("/activities/{id}", "/activities/999999"),
    ("/activities/{id}/edit", "/activities/999999/edit"),
    ("/annual-plans/{id}", "/annual-plans/999999"),
    ("/funding", "/funding?unit=107"),
    // Excel: exports of another district, and an import job that is not the caller's.
    (
        "/activities/export.xlsx",
        "/activities/export.xlsx?unit=107",
    ),
    ("/funding/export.xlsx", "/funding/export.xlsx?unit=107"),
    // Report and indicator exports of another district (report_exports.rs checks 108).
    (
        "/reports/{unit}/{year}/export.xlsx",
        "/reports/107/2018/export.xlsx",
    ),
    (
        "/reports/{unit}/{year}/export.docx",
        "/reports/107/2018/export.docx",
    ),
    (
        "/reports/{unit}/{year}/export.csv",
        "/reports/107/2018/export.csv",
    ),
    (
        "/indicators/export.xlsx",
        "/indicators/export.xlsx?unit=107&year=2018",
    ),
    (
        "/indicators/export.csv",
        "/indicators/export.csv?unit=107&year=2018",
    ),
    ("/imports/jobs/{id}", "/imports/jobs/999999"),
    ("/inspections/{id}", "/inspections/999999"),
    (
        "/inspections/{id}/minutes.docx",
        "/inspections/999999/minutes.docx",
    ),
    // Annual reports of another district (reports.rs checks 108 and every move).
    ("/reports/{unit}/{year}", "/reports/107/2018"),
    // The dashboard and the records behind a figure (dashboard.rs checks 108 with real records).
    ("/dashboard", "/dashboard?unit=107"),
    (
        "/dashboard/records",
        "/dashboard/records?unit=107&year=2018&code=C1",
    ),
];

/// API operations with an object outside the scope (or refused to the role).
const API: &[(&str, &str, &str)] = &[
    // Admins and coordinators only, each inside their scope (audit.rs checks 106).
    ("GET", "/api/v1/audit", "/api/v1/audit"),
    ("GET", "/api/v1/units/{code}", "/api/v1/units/107"),
    ("GET", "/api/v1/units/{code}", "/api/v1/units/12"),
    (
        "GET",
        "/api/v1/agencies/{code}",
        "/api/v1/agencies/PGDDT-107",
    ),
    ("GET", "/api/v1/users", "/api/v1/users"),
    ("POST", "/api/v1/users", "/api/v1/users"),
    ("GET", "/api/v1/users/{id}", "/api/v1/users/1"),
    ("PATCH", "/api/v1/users/{id}", "/api/v1/users/1"),
    ("POST", "/api/v1/plans", "/api/v1/plans"),
    // Results, moderation, closing and answering (a consultation of 107 is
    // checked on every route in results.rs; here: unknown ids answer alike).
    (
        "GET",
        "/api/v1/consultations/{id}/results",
        "/api/v1/consultations/999999/results",
    ),
    (
        "POST",
        "/api/v1/consultations/{id}/close",
        "/api/v1/consultations/999999/close",
    ),
    (
        "POST",
        "/api/v1/consultations/{id}/answer",
        "/api/v1/consultations/999999/answer",
    ),
    (
        "POST",
        "/api/v1/moderation/{answer_id}",
        "/api/v1/moderation/999999",
    ),
    (
        "GET",
        "/api/v1/indicators",
        "/api/v1/indicators?unit=107&year=2018",
    ),
    // Funding of another district (funding.rs checks 108 with real money).
    (
        "GET",
        "/api/v1/funding",
        "/api/v1/funding?unit=107&year=2018",
    ),
    (
        "GET",
        "/api/v1/budget-lines",
        "/api/v1/budget-lines?unit=107",
    ),
    // Excel exports of another district; import jobs are their importer's own (imports.rs).
    (
        "GET",
        "/api/v1/exports/activities.xlsx",
        "/api/v1/exports/activities.xlsx?unit=107",
    ),
    (
        "GET",
        "/api/v1/exports/funding.xlsx",
        "/api/v1/exports/funding.xlsx?unit=107",
    ),
    ("GET", "/api/v1/imports/{id}", "/api/v1/imports/999999"),
    // Inspections: unknown ids answer alike; a real inspection of 108 is
    // checked on every route in inspections.rs.
    (
        "GET",
        "/api/v1/inspections/{id}",
        "/api/v1/inspections/999999",
    ),
    (
        "PUT",
        "/api/v1/inspections/{id}",
        "/api/v1/inspections/999999",
    ),
    (
        "POST",
        "/api/v1/inspections/{id}/visit",
        "/api/v1/inspections/999999/visit",
    ),
    (
        "POST",
        "/api/v1/inspections/{id}/recommendations",
        "/api/v1/inspections/999999/recommendations",
    ),
    (
        "POST",
        "/api/v1/inspections/{id}/recommendations/{rid}/follow-ups",
        "/api/v1/inspections/999999/recommendations/999999/follow-ups",
    ),
    (
        "POST",
        "/api/v1/inspections/{id}/recommendations/{rid}/close",
        "/api/v1/inspections/999999/recommendations/999999/close",
    ),
    (
        "GET",
        "/api/v1/inspections/{id}/minutes",
        "/api/v1/inspections/999999/minutes",
    ),
    // A device of another district (offline.rs); the device's own operations
    // answer 403 to an account's token.
    (
        "POST",
        "/api/v1/devices/{id}/revoke",
        "/api/v1/devices/999999/revoke",
    ),
    (
        "GET",
        "/api/v1/device/consultations",
        "/api/v1/device/consultations",
    ),
    ("POST", "/api/v1/device/sync", "/api/v1/device/sync"),
    // Report and indicator exports of another district (report_exports.rs checks 108).
    (
        "GET",
        "/api/v1/reports/{unit}/{year}/export",
        "/api/v1/reports/107/2018/export?format=docx",
    ),
    (
        "GET",
        "/api/v1/indicators/export",
        "/api/v1/indicators/export?unit=107&year=2018&format=xlsx",
    ),
    // Annual reports of another district (reports.rs checks 108 with a real report).
    (
        "GET",
        "/api/v1/reports/{unit}/{year}",
        "/api/v1/reports/107/2018",
    ),
    (
        "PUT",
        "/api/v1/reports/{unit}/{year}",
        "/api/v1/reports/107/2018",
    ),
    (
        "POST",
        "/api/v1/reports/{unit}/{year}/{action}",
        "/api/v1/reports/107/2018/submit",
    ),
    // Agency reports of another district's agency (agency_reports.rs checks
    // another agency of the caller's own district).
    (
        "GET",
        "/api/v1/agency-reports/{agency}/{year}",
        "/api/v1/agency-reports/PGDDT-107/2018",
    ),
    (
        "PUT",
        "/api/v1/agency-reports/{agency}/{year}",
        "/api/v1/agency-reports/PGDDT-107/2018",
    ),
    (
        "POST",
        "/api/v1/agency-reports/{agency}/{year}/{action}",
        "/api/v1/agency-reports/PGDDT-107/2018/submit",
    ),
    // Matters and consultations: `{m107}`/`{c107}` are real objects of district 107
    // (made by `consultations::other_district`); every page route is in consultations.rs.
    ("GET", "/api/v1/matters/{id}", "/api/v1/matters/{m107}"),
    ("PATCH", "/api/v1/matters/{id}", "/api/v1/matters/{m107}"),
    (
        "GET",
        "/api/v1/consultations/{id}",
        "/api/v1/consultations/{c107}",
    ),
    (
        "POST",
        "/api/v1/consultations/{id}/questions",
        "/api/v1/consultations/{c107}/questions",
    ),
    (
        "POST",
        "/api/v1/consultations/{id}/open",
        "/api/v1/consultations/{c107}/open",
    ),
    (
        "POST",
        "/api/v1/consultations/{id}/paper-responses",
        "/api/v1/consultations/{c107}/paper-responses",
    ),
    (
        "POST",
        "/api/v1/consultations/{id}/tallies",
        "/api/v1/consultations/{c107}/tallies",
    ),
    (
        "PUT",
        "/api/v1/consultations/{id}/questions/{qid}",
        "/api/v1/consultations/{c107}/questions/{q107}",
    ),
    (
        "DELETE",
        "/api/v1/consultations/{id}/questions/{qid}",
        "/api/v1/consultations/{c107}/questions/{q107}",
    ),
    (
        "PUT",
        "/api/v1/consultations/{id}/question-order",
        "/api/v1/consultations/{c107}/question-order",
    ),
    // Forums and recommendations: unknown ids here; a real forum and
    // recommendation of 108 are checked on every route in forums.rs.
    ("GET", "/api/v1/forums/{id}", "/api/v1/forums/999999"),
    ("PUT", "/api/v1/forums/{id}", "/api/v1/forums/999999"),
    (
        "POST",
        "/api/v1/forums/{id}/delegates",
        "/api/v1/forums/999999/delegates",
    ),
    (
        "POST",
        "/api/v1/forums/{id}/sessions",
        "/api/v1/forums/999999/sessions",
    ),
    (
        "POST",
        "/api/v1/forums/{id}/report",
        "/api/v1/forums/999999/report",
    ),
    (
        "POST",
        "/api/v1/forums/{id}/recommendations",
        "/api/v1/forums/999999/recommendations",
    ),
    (
        "GET",
        "/api/v1/recommendations/{id}",
        "/api/v1/recommendations/999999",
    ),
    (
        "POST",
        "/api/v1/recommendations/{id}/status",
        "/api/v1/recommendations/999999/status",
    ),
    (
        "POST",
        "/api/v1/recommendations/{id}/answer",
        "/api/v1/recommendations/999999/answer",
    ),
    (
        "POST",
        "/api/v1/recommendations/{id}/feedback",
        "/api/v1/recommendations/999999/feedback",
    ),
    // People, councils and clubs: unknown ids here; real ones of 108 are
    // checked on every route (pages and API) in councils.rs.
    ("GET", "/api/v1/people/{id}", "/api/v1/people/999999"),
    (
        "POST",
        "/api/v1/people/{id}/withdraw",
        "/api/v1/people/999999/withdraw",
    ),
    (
        "POST",
        "/api/v1/people/{id}/consents",
        "/api/v1/people/999999/consents",
    ),
    ("GET", "/api/v1/councils/{id}", "/api/v1/councils/999999"),
    (
        "POST",
        "/api/v1/councils/{id}/members",
        "/api/v1/councils/999999/members",
    ),
    (
        "POST",
        "/api/v1/councils/{id}/members/{member_id}/end",
        "/api/v1/councils/999999/members/1/end",
    ),
    (
        "POST",
        "/api/v1/councils/{id}/dialogues",
        "/api/v1/councils/999999/dialogues",
    ),
    (
        "POST",
        "/api/v1/councils/{id}/dialogues/{dialogue_id}/recommendations",
        "/api/v1/councils/999999/dialogues/1/recommendations",
    ),
    ("GET", "/api/v1/clubs/{id}", "/api/v1/clubs/999999"),
    (
        "POST",
        "/api/v1/clubs/{id}/members",
        "/api/v1/clubs/999999/members",
    ),
    (
        "POST",
        "/api/v1/clubs/{id}/activities",
        "/api/v1/clubs/999999/activities",
    ),
    (
        "POST",
        "/api/v1/clubs/{id}/recommendations",
        "/api/v1/clubs/999999/recommendations",
    ),
    (
        "GET",
        "/api/v1/activities/{id}",
        "/api/v1/activities/999999",
    ),
    (
        "PUT",
        "/api/v1/activities/{id}",
        "/api/v1/activities/999999",
    ),
    (
        "DELETE",
        "/api/v1/activities/{id}",
        "/api/v1/activities/999999",
    ),
    (
        "POST",
        "/api/v1/activities/{id}/spending",
        "/api/v1/activities/999999/spending",
    ),
    (
        "DELETE",
        "/api/v1/activities/{id}/spending/{spending_id}",
        "/api/v1/activities/999999/spending/1",
    ),
    (
        "POST",
        "/api/v1/activities/{id}/documents",
        "/api/v1/activities/999999/documents?name=a.pdf",
    ),
    (
        "GET",
        "/api/v1/activities/{id}/documents/{doc_id}",
        "/api/v1/activities/999999/documents/1",
    ),
    (
        "GET",
        "/api/v1/annual-plans/{id}",
        "/api/v1/annual-plans/999999",
    ),
    (
        "POST",
        "/api/v1/annual-plans/{id}/items",
        "/api/v1/annual-plans/999999/items",
    ),
    (
        "PUT",
        "/api/v1/annual-plans/{id}/items/{item_id}",
        "/api/v1/annual-plans/999999/items/1",
    ),
];

/// Operations every signed-in user may use, whose answers must still be scoped.
const SCOPED_LISTS: &[(&str, &str)] = &[
    ("GET", "/api/v1/units"),
    ("GET", "/api/v1/agencies"),
    ("GET", "/api/v1/me"),
    ("GET", "/api/v1/plans"),
    ("GET", "/api/v1/plans/{code}"),
    ("GET", "/api/v1/plans/{code}/versions"),
    ("GET", "/api/v1/moderation/pending"),
    // Creating refers to units, agencies and matters by id in the body: outside the
    // scope they are `422 unknown_*` (consultations.rs checks 107 for each).
    ("GET", "/api/v1/matters"),
    ("POST", "/api/v1/matters"),
    ("GET", "/api/v1/consultations"),
    ("POST", "/api/v1/consultations"),
    // Forums (units and agencies in the body are `422 unknown_*` outside the
    // scope) and recommendations (agency officers: also their own agency's).
    ("GET", "/api/v1/forums"),
    ("POST", "/api/v1/forums"),
    ("GET", "/api/v1/recommendations"),
    ("GET", "/api/v1/recommendations/agencies"),
    // People (names: ViewNames only), councils and clubs; units and people in a
    // body are `422 unknown_*` outside the scope (councils.rs checks 108).
    ("GET", "/api/v1/people"),
    ("POST", "/api/v1/people"),
    ("GET", "/api/v1/councils"),
    ("POST", "/api/v1/councils"),
    ("GET", "/api/v1/clubs"),
    ("POST", "/api/v1/clubs"),
    // Activities and annual plans: units and agencies in a body are `422
    // unknown_*` outside the scope, `?unit=` outside it is 404 (activities.rs checks 108).
    ("GET", "/api/v1/activities"),
    ("POST", "/api/v1/activities"),
    ("GET", "/api/v1/annual-plans"),
    ("POST", "/api/v1/annual-plans"),
    // A budget line's unit outside the scope is `422 unknown_unit` (funding.rs checks 108).
    ("PUT", "/api/v1/budget-lines"),
    // The template lists only the caller's codes; an imported row naming a unit or
    // agency outside the scope is `422 unknown_*` (imports.rs).
    ("GET", "/api/v1/imports/template.xlsx"),
    ("POST", "/api/v1/imports"),
    // Annual reports: the caller's own and its districts' only (reports.rs).
    ("GET", "/api/v1/reports"),
    // Agency reports: the agencies seated in the caller's scope only (agency_reports.rs).
    ("GET", "/api/v1/agency-reports"),
    // Facilitators' devices of the scope (offline.rs checks 108 against 106's device).
    ("GET", "/api/v1/devices"),
    // The child population: `?unit=` outside the scope is 404, a row naming a unit
    // outside it `422 unknown_unit` (population.rs checks 106 against 108).
    ("GET", "/api/v1/population"),
    ("PUT", "/api/v1/population"),
    ("GET", "/api/v1/population/template.xlsx"),
    ("POST", "/api/v1/population/import"),
    // Reminders: the overdue list is the caller's subtree, and a key of
    // another district's item is 404 (reminders.rs checks 106 against 108).
    ("GET", "/api/v1/reminders/overdue"),
    ("POST", "/api/v1/reminders"),
    ("GET", "/api/v1/reminders/batches/{batch}/letter"),
    // Period reviews: another district's review is 404, its narrative 403/404
    // (review.rs checks 106 against 108).
    ("GET", "/api/v1/reviews"),
    ("PUT", "/api/v1/reviews"),
    ("GET", "/api/v1/reviews/export"),
    // Inspections: the list is the caller's subtree; a unit or agency in the
    // body outside it is `422 unknown_*` (inspections.rs checks 106 against 108).
    ("GET", "/api/v1/inspections"),
    ("POST", "/api/v1/inspections"),
];

/// Public operations (no account: a child's join code is the key), tested in
/// `child.rs`; they expose only an open consultation's public form.
const PUBLIC: &[(&str, &str)] = &[
    ("GET", "/api/v1/join/{code}"),
    ("POST", "/api/v1/join/{code}/responses"),
    // Recommendations and their answers, never a child's name (forums.rs).
    ("GET", "/api/v1/public/recommendations"),
    // A facilitator's device signs in with a password (offline.rs).
    ("POST", "/api/v1/devices"),
];

async fn district_officer_is_refused_everything_of_another_district(app: TestApp) {
    let c = app.login("district106").await;
    for (_, path) in PAGES {
        let (s, html) = app.get(&c, path).await;
        assert!(s == 403 || s == 404, "page {path} answered {s}");
        assert!(
            !html.contains("Mường Tè") || *path == "/units/12",
            "{path} leaks a name"
        );
    }
    let token = app.token("district106").await;
    let other = crate::consultations::other_district(&app).await;
    for (method, _, path) in API {
        let path = &other.fill(path);
        let m: reqwest::Method = method.parse().expect("method");
        let (s, body) = app.api_send(m, &token, path, &serde_json::json!({})).await;
        assert!(s == 403 || s == 404, "{method} {path} answered {s}");
        assert!(
            body["error"]["code"].is_string(),
            "{method} {path}: error shape"
        );
    }
    // Lists only hold the district's subtree (and, for agencies, the province's departments).
    let (_, units) = app.api_get(&token, "/api/v1/units").await;
    let codes = column(&units, "code");
    assert_eq!(codes, vec!["106", "106-THCS-BANBO"]);
    let (_, agencies) = app.api_get(&token, "/api/v1/agencies").await;
    let codes = column(&agencies, "unit");
    assert!(codes.iter().all(|u| *u == "106" || *u == "12"), "{codes:?}");
    assert!(codes.contains(&"106") && codes.contains(&"12"));
    // The units page shows only its own subtree.
    let html = app.page(&c, "/units").await;
    assert!(html.contains("Huyện Tam Đường") && !html.contains("Huyện Mường Tè"));
    let html = app.page(&c, "/agencies").await;
    assert!(!html.contains("Mường Tè") && !html.contains("PGDDT-107"));
    // Its own objects open.
    let own = [
        "/units/106",
        "/agencies/PGDDT-106",
        "/agencies/SLDTBXH",
        "/plan",
    ];
    app.assert_statuses(&c, 200, &own).await;
}
db_test!(district_officer_is_refused_everything_of_another_district);

async fn every_api_operation_has_a_scope_case(app: TestApp) {
    let doc = app.public_get("/api/openapi.json").await.expect_status(200);
    let paths = doc["paths"].as_object().expect("paths");
    let mut seen = vec![];
    for (path, ops) in paths {
        assert!(path.starts_with("/api/v1/"), "{path}");
        for method in ops.as_object().expect("ops").keys() {
            let m = method.to_uppercase();
            let covered = API.iter().any(|(am, ap, _)| *am == m && ap == path)
                || SCOPED_LISTS.iter().any(|(am, ap)| *am == m && ap == path)
                || PUBLIC.iter().any(|(am, ap)| *am == m && ap == path);
            assert!(
                covered,
                "{m} {path} has no scoping case in tests/it/access.rs"
            );
            seen.push(format!("{m} {path}"));
        }
    }
    assert!(seen.len() >= 13, "{seen:?}");
    // And every case names a real operation.
    for (m, p, _) in API {
        assert!(
            seen.contains(&format!("{m} {p}")),
            "{m} {p} is not in the OpenAPI document"
        );
    }
    for (m, p) in PUBLIC {
        assert!(
            seen.contains(&format!("{m} {p}")),
            "{m} {p} is not in the OpenAPI document"
        );
    }
}
db_test!(every_api_operation_has_a_scope_case);

async fn other_roles_see_only_their_subtree(app: TestApp) {
    // The facilitator sits at a school: the district itself is above the scope.
    let token = app.token("facilitator106").await;
    app.api_get(&token, "/api/v1/units/106")
        .await
        .expect_status(404);
    let u = app.api_ok(&token, "/api/v1/units/106-THCS-BANBO").await;
    assert_eq!(u["parent"], "106");
    // The provincial viewer sees all districts but may not manage accounts.
    let token = app.token("viewer").await;
    let (_, units) = app.api_get(&token, "/api/v1/units").await;
    assert_eq!(units.as_array().expect("array").len(), 10);
    let body = app
        .api_get(&token, "/api/v1/users")
        .await
        .expect_status(403);
    assert_eq!(body["error"]["code"], "forbidden");
    // No credentials at all: 401 in the API's error shape.
    let body = app.public_get("/api/v1/units").await.expect_status(401);
    assert_eq!(body["error"]["code"], "unauthenticated");
    let r = app.api_answer("tg_wrong", "/api/v1/units").await;
    assert_eq!(r.status().as_u16(), 401);
}
db_test!(other_roles_see_only_their_subtree);
