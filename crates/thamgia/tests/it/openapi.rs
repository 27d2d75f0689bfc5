//! The API's description of itself: `/api/openapi.json` keeps the structural
//! rules a client generator or a contract checker relies on (CI also runs
//! openapi-spec-validator and schemathesis against the demo: `.ci/contract`);
//! and the demo gives a newcomer a consultation to answer at once.

use crate::db_test;
use crate::fixtures::demo_open_consultation;
use crate::helpers::{TestApp, header};
use std::collections::{BTreeMap, BTreeSet};
use thamgia_web::clock::Clock;

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

async fn document(app: &TestApp) -> serde_json::Value {
    let r = reqwest::get(app.url("/api/openapi.json"))
        .await
        .expect("GET /api/openapi.json");
    assert_eq!(r.status().as_u16(), 200);
    r.json().await.expect("json")
}

/// `{name}` segments of a path template.
fn template_params(path: &str) -> BTreeSet<String> {
    path.split('/')
        .filter_map(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
        .map(str::to_string)
        .collect()
}

async fn openapi_document_keeps_the_structural_rules(app: TestApp) {
    let doc = document(&app).await;
    assert!(
        doc["openapi"].as_str().unwrap_or("").starts_with("3.1"),
        "OpenAPI 3.1"
    );
    let mut problems = vec![];
    let mut ids: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let paths = doc["paths"].as_object().expect("paths");
    for (path, item) in paths {
        let in_template = template_params(path);
        for m in METHODS {
            let Some(op) = item.get(m) else { continue };
            let here = format!("{} {path}", m.to_uppercase());
            match op["operationId"].as_str() {
                Some(id) if !id.is_empty() => ids.entry(id.into()).or_default().push(here.clone()),
                _ => problems.push(format!("{here}: no operationId")),
            }
            let params = op["parameters"].as_array().cloned().unwrap_or_default();
            let mut declared = BTreeSet::new();
            for p in &params {
                let name = p["name"].as_str().unwrap_or("");
                match p["in"].as_str().unwrap_or("") {
                    "path" => {
                        if !in_template.contains(name) {
                            problems.push(format!("{here}: path parameter {name} not in the path"));
                        }
                        if p["required"] != true {
                            problems.push(format!("{here}: path parameter {name} not required"));
                        }
                        declared.insert(name.to_string());
                    }
                    "query" | "header" | "cookie" => {}
                    other => problems.push(format!("{here}: parameter {name} in {other:?}")),
                }
            }
            for name in in_template.difference(&declared) {
                problems.push(format!("{here}: {{{name}}} has no path parameter"));
            }
            let responses = op["responses"].as_object().cloned().unwrap_or_default();
            if responses.is_empty() {
                problems.push(format!("{here}: no responses"));
            }
            for (status, r) in &responses {
                let numeric = status.len() == 3 && status.bytes().all(|b| b.is_ascii_digit());
                if !numeric {
                    problems.push(format!(
                        "{here}: response {status:?} (each status is listed)"
                    ));
                }
                if r["description"].as_str().unwrap_or("").trim().is_empty() {
                    problems.push(format!("{here}: response {status} has no description"));
                }
                for (media, c) in r["content"].as_object().into_iter().flatten() {
                    if !media.contains("json") && c["schema"]["type"] == "array" {
                        problems.push(format!("{here}: {status} {media} is not a binary string"));
                    }
                }
            }
            for (media, c) in op["requestBody"]["content"]
                .as_object()
                .into_iter()
                .flatten()
            {
                if !media.contains("json") && c["schema"]["type"] == "array" {
                    problems.push(format!("{here}: request {media} is not a binary string"));
                }
            }
            let public = op["security"] == serde_json::json!([{}]);
            if !public && !responses.contains_key("401") {
                problems.push(format!("{here}: needs an account but 401 is not listed"));
            }
        }
    }
    for (id, ops) in &ids {
        if ops.len() > 1 {
            problems.push(format!("operationId {id} shared by {}", ops.join(", ")));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));

    // The child's answer and an official's answer are two schemas, and a
    // club's activities are the club's own records, not the activities module's.
    let schemas = doc["components"]["schemas"].as_object().expect("schemas");
    for name in [
        "ChildAnswerBody",
        "OfficialAnswerBody",
        "ClubActivityDto",
        "ErrorBody",
    ] {
        assert!(schemas.contains_key(name), "schema {name}");
    }
    assert!(
        !schemas.contains_key("AnswerBody"),
        "an ambiguous AnswerBody"
    );
    // Allowed values and lengths, as the server checks them.
    let create = &schemas["ConsultationCreate"]["properties"];
    assert_eq!(create["method"]["enum"][0], "survey", "{create}");
    assert_eq!(create["title"]["maxLength"], 200, "{create}");
    assert_eq!(create["age_min"]["minimum"], 6, "{create}");
    assert_eq!(create["age_max"]["maximum"], 15, "{create}");
    let club_activities =
        serde_json::to_string(&schemas["ClubDto"]["properties"]["activities"]).expect("json");
    assert!(
        club_activities.contains("#/components/schemas/ClubActivityDto"),
        "{club_activities}"
    );
}
db_test!(openapi_document_keeps_the_structural_rules);

/// A query string or a path id that does not parse answers the API's JSON
/// error shape, never axum's `400 text/plain`.
async fn unreadable_query_and_path_answer_json(app: TestApp) {
    let token = app.token("admin").await;
    for (path, status) in [
        ("/api/v1/annual-plans?year=abc", 422),
        ("/api/v1/consultations/abc", 404),
    ] {
        let r = app.api_answer(&token, path).await;
        assert_eq!(r.status().as_u16(), status, "{path}");
        let ct = header(&r, "content-type");
        assert!(ct.starts_with("application/json"), "{path}: {ct}");
        let body: serde_json::Value = r.json().await.expect("json");
        assert!(body["error"]["code"].is_string(), "{path}: {body}");
    }
    let (_, body) = app.api_get(&token, "/api/v1/annual-plans?year=abc").await;
    assert_eq!(body["error"]["fields"]["year"], "malformed", "{body}");
}
db_test!(unreadable_query_and_path_answer_json);

/// What the framework refuses before a handler runs — a body over the
/// limit, a method the path does not take, a body that is not JSON — is
/// answered in the API's error shape too, never in plain text.
async fn refusals_before_a_handler_answer_json(app: TestApp) {
    let token = app.token("admin").await;
    let c = reqwest::Client::new();
    let big = format!("{{\"title\":\"{}\"}}", "a".repeat(3 * 1024 * 1024));
    for (req, status, code) in [
        (
            c.post(app.url("/api/v1/matters"))
                .header("content-type", "application/json")
                .body(big),
            413,
            "payload_too_large",
        ),
        (
            c.delete(app.url("/api/v1/matters")),
            405,
            "method_not_allowed",
        ),
        (
            c.post(app.url("/api/v1/matters"))
                .header("content-type", "text/plain")
                .body("kind=law"),
            415,
            "unsupported_media_type",
        ),
    ] {
        // The server may answer 413 before it has read the whole body and
        // close the connection while the client still writes it: then the
        // client sees a broken connection, not the answer. Such a send is
        // tried again (a few times at most); any answer must be the right one.
        let mut failed = None;
        let mut answer = None;
        for _ in 0..5 {
            let attempt = req.try_clone().expect("a clonable request");
            match attempt.bearer_auth(&token).send().await {
                Ok(r) => {
                    answer = Some(r);
                    break;
                }
                Err(e) => {
                    failed = Some(e);
                    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                }
            }
        }
        let r = answer.unwrap_or_else(|| panic!("send: {failed:?}"));
        assert_eq!(r.status().as_u16(), status, "{code}");
        let ct = header(&r, "content-type");
        assert!(ct.starts_with("application/json"), "{code}: {ct}");
        let body: serde_json::Value = r.json().await.expect("json");
        assert_eq!(body["error"]["code"], code, "{body}");
    }
}
db_test!(refusals_before_a_handler_answer_json);

/// The demo opens a consultation around the day it runs, keeps another in
/// draft, and both join codes are the ones `thamgia demo` prints.
async fn the_demo_has_an_open_and_a_draft_consultation(app: TestApp) {
    let code = demo_open_consultation(&app).await;
    let token = app.token("admin").await;
    let today = app.clock.now().date_naive().to_string();
    let open = app
        .api_ok(&token, "/api/v1/consultations?status=open")
        .await;
    let open = open
        .as_array()
        .and_then(|l| l.iter().find(|k| k["join_code"] == code).cloned())
        .expect("the open demo consultation");
    assert!(open["opens_on"].as_str().unwrap_or("~") <= today.as_str());
    assert!(open["closes_on"].as_str().unwrap_or("") >= today.as_str());
    let drafts = app
        .api_ok(&token, "/api/v1/consultations?status=draft")
        .await;
    assert!(
        drafts.as_array().is_some_and(|l| l
            .iter()
            .any(|k| k["join_code"] == thamgia::demo_voice::DRAFT_CODE)),
        "{drafts}"
    );
}
db_test!(the_demo_has_an_open_and_a_draft_consultation);
