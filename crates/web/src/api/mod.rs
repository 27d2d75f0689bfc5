//! The JSON API, version 1. Every operation is declared with `utoipa::path`
//! and registered through `OpenApiRouter`, so `/api/openapi.json` lists
//! exactly the routes that exist. Errors use the shape of INTERFACES.md.
//! Authentication: the session cookie or `Authorization: Bearer TOKEN`.

mod activities;
mod agency_reports;
mod annual_plans;
mod audit;
mod child;
mod clubs;
pub(crate) mod consultations;
mod councils;
mod directory;
pub(crate) mod facilitator;
mod forums;
mod funding;
mod imports;
mod indicators;
mod inspections;
mod matters;
pub(crate) mod paging;
mod people;
mod plans;
mod population;
mod recommendations;
mod reminders;
mod report_exports;
mod reports;
mod results;
mod reviews;
pub(crate) mod roster;
pub(crate) mod shapes;
mod users;

use crate::error::{AppError, ErrorBody};
use crate::state::AppState;
use thamgia_domain::access::{Permission, Principal};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouterExt};
use utoipa_axum::routes;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Thamgia API",
        version = "1",
        description = "Children's participation: plans, units, agencies and accounts. Errors: {\"error\":{\"code\",\"message\",\"fields\"}}."
    ),
    components(schemas(ErrorBody)),
    modifiers(&BearerAuth),
    security(("bearer" = []), ("session" = []))
)]
struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let c = openapi.components.get_or_insert_with(Default::default);
        c.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
        c.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(utoipa::openapi::security::ApiKey::Cookie(
                utoipa::openapi::security::ApiKeyValue::new(crate::auth::SESSION_COOKIE),
            )),
        );
    }
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(users::me))
        .routes(routes!(plans::list, plans::import))
        .routes(routes!(plans::show))
        .routes(routes!(plans::versions))
        .routes(routes!(directory::units))
        .routes(routes!(directory::unit))
        .routes(routes!(directory::agencies))
        .routes(routes!(directory::agency))
        .routes(routes!(users::list, users::create))
        .routes(routes!(users::show, users::update))
        .routes(routes!(matters::list, matters::create))
        .routes(routes!(matters::show, matters::update))
        .routes(routes!(consultations::list, consultations::create))
        .routes(routes!(consultations::show))
        .routes(routes!(consultations::add_question))
        .routes(routes!(consultations::open))
        .routes(routes!(consultations::paper_response))
        .routes(routes!(consultations::tally))
        .routes(routes!(child::form))
        .routes(routes!(child::submit))
        .routes(routes!(results::results))
        .routes(routes!(results::pending))
        .routes(routes!(results::moderate))
        .routes(routes!(results::close))
        .routes(routes!(results::answer))
        .routes(routes!(indicators::list))
        .routes(routes!(people::list, people::create))
        .routes(routes!(people::show))
        .routes(routes!(people::withdraw))
        .routes(routes!(people::add_consent))
        .routes(routes!(councils::list, councils::create))
        .routes(routes!(councils::show))
        .routes(routes!(councils::add_member))
        .routes(routes!(councils::end_member))
        .routes(routes!(councils::add_dialogue))
        .routes(routes!(councils::add_recommendation))
        .routes(routes!(clubs::list, clubs::create))
        .routes(routes!(clubs::show))
        .routes(routes!(clubs::add_member))
        .routes(routes!(clubs::add_activity))
        .routes(routes!(clubs::add_recommendation))
        .routes(routes!(forums::list, forums::create))
        .routes(routes!(forums::show, forums::update))
        .routes(routes!(forums::add_delegate))
        .routes(routes!(forums::add_session))
        .routes(routes!(forums::report))
        .routes(routes!(forums::add_recommendation))
        .routes(routes!(recommendations::list))
        .routes(routes!(recommendations::agencies))
        .routes(routes!(recommendations::show))
        .routes(routes!(recommendations::status))
        .routes(routes!(recommendations::answer))
        .routes(routes!(recommendations::feedback))
        .routes(routes!(recommendations::public))
        .routes(routes!(activities::list, activities::create))
        .routes(routes!(
            activities::show,
            activities::update,
            activities::delete
        ))
        .routes(routes!(activities::add_spending))
        .routes(routes!(activities::delete_spending))
        .routes(
            routes!(activities::upload).layer(axum::extract::DefaultBodyLimit::max(
                crate::exports::DOCUMENT_BODY_LIMIT,
            )),
        )
        .routes(routes!(activities::download))
        .routes(routes!(annual_plans::list, annual_plans::create))
        .routes(routes!(annual_plans::show))
        .routes(routes!(annual_plans::add_item))
        .routes(routes!(annual_plans::link_item))
        .routes(routes!(funding::funding))
        .routes(routes!(funding::lines, funding::put_line))
        .routes(routes!(imports::template))
        .routes(
            routes!(imports::import).layer(axum::extract::DefaultBodyLimit::max(
                crate::exports::SHEET_BODY_LIMIT,
            )),
        )
        .routes(routes!(imports::show))
        .routes(routes!(imports::export_activities))
        .routes(routes!(imports::export_funding))
        .routes(routes!(population::show, population::put))
        .routes(routes!(population::template))
        .routes(
            routes!(population::import).layer(axum::extract::DefaultBodyLimit::max(
                crate::exports::SHEET_BODY_LIMIT,
            )),
        )
        .routes(routes!(report_exports::report))
        .routes(routes!(report_exports::indicators))
        .routes(routes!(reports::list))
        .routes(routes!(reports::show, reports::update))
        .routes(routes!(reports::act))
        .routes(routes!(agency_reports::list))
        .routes(routes!(agency_reports::show, agency_reports::update))
        .routes(routes!(agency_reports::act))
        .routes(routes!(audit::list))
        .routes(routes!(facilitator::sign_in, facilitator::list))
        .routes(routes!(facilitator::revoke))
        .routes(routes!(facilitator::consultations))
        .routes(routes!(facilitator::sync))
        .routes(routes!(reminders::overdue))
        .routes(routes!(reminders::send))
        .routes(routes!(reminders::letter))
        .routes(routes!(inspections::list, inspections::create))
        .routes(routes!(inspections::show, inspections::update))
        .routes(routes!(inspections::visit))
        .routes(routes!(inspections::recommend))
        .routes(routes!(inspections::follow_up))
        .routes(routes!(inspections::close))
        .routes(routes!(inspections::minutes))
        .routes(routes!(reviews::show, reviews::update))
        .routes(routes!(reviews::export))
        .routes(routes!(
            consultations::edit_question,
            consultations::delete_question
        ))
        .routes(routes!(consultations::reorder_questions))
}

/// The server's state and the signed-in caller, the first extractor of every
/// operation that has a caller: `401` without a session or token.
pub(crate) struct Api {
    pub state: AppState,
    pub p: Principal,
}

impl axum::extract::FromRequestParts<AppState> for Api {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let crate::auth::ApiUser(p, _) =
            crate::auth::ApiUser::from_request_parts(parts, state).await?;
        Ok(Api {
            state: state.clone(),
            p,
        })
    }
}

/// What every write on a record the path names (`/forums/{id}/sessions`)
/// reads, in this order: the caller (as [`Api`]: `401`), the record's id or
/// ids (as [`Path`]: `404`) and the JSON body (as [`JsonBody`]: `415`), which
/// the handler parses with [`json`] only once the caller's permission and
/// scope were checked.
pub(crate) struct RecordWrite<Id = i32> {
    pub state: AppState,
    pub p: Principal,
    pub id: Id,
    pub body: JsonBody,
}

impl<Id> axum::extract::FromRequest<AppState> for RecordWrite<Id>
where
    Id: serde::de::DeserializeOwned + Send,
{
    type Rejection = axum::response::Response;

    async fn from_request(
        req: axum::extract::Request,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        use axum::extract::FromRequestParts;
        use axum::response::IntoResponse;
        let (mut parts, body) = req.into_parts();
        let Api { state, p } = Api::from_request_parts(&mut parts, state)
            .await
            .map_err(IntoResponse::into_response)?;
        let Path(id) = Path::<Id>::from_request_parts(&mut parts, &state)
            .await
            .map_err(IntoResponse::into_response)?;
        let req = axum::extract::Request::from_parts(parts, body);
        let body = JsonBody::from_request(req, &state).await?;
        Ok(RecordWrite { state, p, id, body })
    }
}

/// The answer of a write that created something: `201` with its JSON.
pub(crate) type Created<T> = (axum::http::StatusCode, axum::Json<T>);

/// Answers a write that created `x` ([`Created`]).
pub(crate) fn created<T>(x: T) -> Created<T> {
    (axum::http::StatusCode::CREATED, axum::Json(x))
}

pub(crate) fn require(p: &Principal, perm: Permission) -> Result<(), AppError> {
    if p.can(perm) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// The body of a JSON operation, the only thing [`json`] reads, so no handler
/// can parse JSON that skipped these rules:
/// - a non-empty body needs `Content-Type: application/json` (415 otherwise):
///   a browser sends `text/plain` or a form cross-site without asking, with the
///   session cookie, so accepting any type would let another site write;
/// - every string (and key) is normalised (LF, NFC) and a control character is
///   noted by its path, answered by [`json`] once the caller's permission was
///   checked.
///
/// An empty body stays acceptable without a type (operations whose body is
/// optional).
pub(crate) struct JsonBody {
    bytes: axum::body::Bytes,
    refused: crate::text::Refused,
}

impl std::ops::Deref for JsonBody {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        &self.bytes
    }
}

/// `application/json`, with parameters (`; charset=utf-8`) or not.
fn is_json(headers: &axum::http::HeaderMap) -> bool {
    headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|t| t.trim().eq_ignore_ascii_case("application/json"))
}

impl<S: Send + Sync> axum::extract::FromRequest<S> for JsonBody {
    type Rejection = axum::response::Response;

    async fn from_request(req: axum::extract::Request, s: &S) -> Result<Self, Self::Rejection> {
        use axum::response::IntoResponse;
        let json_type = is_json(req.headers());
        let bytes = axum::body::Bytes::from_request(req, s)
            .await
            .map_err(IntoResponse::into_response)?;
        let mut refused = crate::text::Refused::new();
        if bytes.is_empty() {
            return Ok(JsonBody { bytes, refused });
        }
        if !json_type {
            return Err(AppError::UnsupportedMediaType.into_response());
        }
        // Malformed JSON is left for `json` to name.
        let Ok(mut v) = serde_json::from_slice::<serde_json::Value>(&bytes) else {
            return Ok(JsonBody { bytes, refused });
        };
        let bytes = if crate::text::clean_json(&mut v, "", &mut refused) {
            serde_json::to_vec(&v)
                .map(axum::body::Bytes::from)
                .unwrap_or(bytes)
        } else {
            bytes
        };
        Ok(JsonBody { bytes, refused })
    }
}

/// Parses a JSON body after the caller's permission was checked (a body
/// extractor would run first and tell a refused caller about field errors).
/// Errors use the API's shape and name the field serde complains about.
pub(crate) fn json<T: serde::de::DeserializeOwned>(body: &JsonBody) -> Result<T, AppError> {
    if !body.refused.is_empty() {
        return Err(crate::text::refusal(body.refused.clone()));
    }
    serde_json::from_slice(&body.bytes).map_err(|e| {
        let text = e.to_string();
        // serde names the field in its message: "missing field `role`".
        let field = text
            .split('`')
            .nth(1)
            .filter(|f| !f.contains(' '))
            .unwrap_or("body")
            .to_string();
        let code = if text.contains("missing field") {
            "required"
        } else {
            "malformed"
        };
        AppError::invalid(&field, code)
    })
}

/// Parses a write's JSON body once `check` (the caller's permission and the
/// record's scope, answered `403` or `404` first) has passed, so a refused
/// caller learns nothing about the body; see [`json`].
pub(crate) async fn json_after<T, C, E>(
    check: impl std::future::Future<Output = Result<C, E>>,
    body: &JsonBody,
) -> Result<T, AppError>
where
    T: serde::de::DeserializeOwned,
    AppError: From<E>,
{
    check.await?;
    json(body)
}

/// A path parameter of the API. One that does not parse (`/consultations/abc`)
/// names no record, so the answer is the API's JSON `404 not_found`, like an
/// id that parses but is not there — never axum's `400 text/plain`.
pub struct Path<T>(pub T);

impl<S, T> axum::extract::FromRequestParts<S> for Path<T>
where
    S: Send + Sync,
    T: serde::de::DeserializeOwned + Send,
{
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &S,
    ) -> Result<Self, Self::Rejection> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Path(v)| Path(v))
            .map_err(|_| AppError::NotFound)
    }
}

/// A query string of the API. One that does not parse (`?year=abc`) is the
/// API's JSON `422 invalid_input` naming the parameter, never axum's
/// `400 text/plain`.
pub struct Query<T>(pub T);

impl<S, T> axum::extract::FromRequestParts<S> for Query<T>
where
    S: Send + Sync,
    T: serde::de::DeserializeOwned,
{
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &S,
    ) -> Result<Self, Self::Rejection> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Query(v)| Query(v))
            .map_err(|e| {
                // "Failed to deserialize query string: year: invalid digit…"
                let text = e.body_text();
                let field = text
                    .split_once("query string: ")
                    .and_then(|(_, rest)| rest.split_once(':'))
                    .map(|(f, _)| f.trim())
                    .filter(|f| !f.is_empty() && !f.contains(' '))
                    .unwrap_or("query")
                    .to_string();
                AppError::invalid(&field, "malformed")
            })
    }
}

/// The description of a status an operation answers, for responses declared
/// without one (OpenAPI requires it).
fn status_description(status: &str) -> &'static str {
    match status {
        "200" => "OK",
        "201" => "Created",
        "202" => "Accepted",
        "204" => "Done; no content",
        "400" => "The request cannot be read",
        "401" => "Not signed in: no valid session cookie or bearer token (`unauthenticated`)",
        "403" => "Outside the caller's permission or scope (`forbidden`)",
        "404" => "No such record in the caller's scope (`not_found`)",
        "409" => {
            "In conflict with the record's state: `code` names it (`year_locked`: the year's \
             annual report was approved; `conflict`: `fields` names what stands in the way)"
        }
        "413" => "The body is over the size limit (`payload_too_large`)",
        "415" => "A body without `Content-Type: application/json` (`unsupported_media_type`)",
        "422" => "Invalid input; `fields` names each field and its error code (`invalid_input`)",
        "429" => "Too many requests; try again later (`too_many_attempts`)",
        _ => "See the operation's description",
    }
}

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// The error body's schema reference, for responses this pass adds.
fn error_response(status: &str) -> serde_json::Value {
    serde_json::json!({
        "description": status_description(status),
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}
    })
}

/// Whether a schema is utoipa's rendering of `Vec<u8>` (an array of bytes).
fn is_byte_array(schema: &serde_json::Value) -> bool {
    schema["type"] == "array"
        && schema["items"]["type"] == "integer"
        && schema["items"]["format"]
            .as_str()
            .is_some_and(|f| f.contains("int"))
}

/// Files are binary strings: a non-JSON body typed `Vec<u8>` is described
/// as `{"type": "string", "format": "binary"}`, not an array of integers.
fn binary_files(content: &mut serde_json::Value) {
    let Some(content) = content.as_object_mut() else {
        return;
    };
    for (media, c) in content.iter_mut() {
        if media.contains("json") {
            continue;
        }
        if is_byte_array(&c["schema"]) {
            c["schema"] = serde_json::json!({"type": "string", "format": "binary"});
        }
    }
}

/// The first segment of an API path (`/api/v1/forums/{id}` → `forums`).
fn first_segment(path: &str) -> String {
    path.trim_start_matches("/api/v1/")
        .split('/')
        .next()
        .unwrap_or("")
        .to_string()
}

/// Where a write can meet a year whose annual report was approved
/// (`thamgia_store::reports::ensure_open`): `409 year_locked`.
const YEAR_LOCKED_AREAS: [&str; 12] = [
    "activities",
    "budget-lines",
    "clubs",
    "consultations",
    "councils",
    "forums",
    "imports",
    "join",
    "matters",
    "moderation",
    "population",
    "recommendations",
];

/// The OpenAPI document as served at `/api/openapi.json`: what the
/// annotations declare, completed with what every operation of this API
/// answers alike, so each handler need not repeat it:
/// - `401` on every operation that needs an account (all but the public
///   ones, marked `security: [{}]`);
/// - `404` where the path names a record (a path id that does not parse is
///   `404` too, see [`Path`]);
/// - `422` where a query string or a JSON body is read ([`Query`], [`json`]),
///   and `415` where a JSON body is read ([`JsonBody`]); `413` wherever a
///   body is read (a body over the limit, answered in the error shape by
///   `error::api_errors_as_json`);
/// - a description on every response, binary strings for files, and a
///   unique `operationId` (a handler's name, prefixed with its path's first
///   segment where several handlers share a name).
pub fn document(doc: &utoipa::openapi::OpenApi) -> serde_json::Value {
    let mut v = serde_json::to_value(doc).unwrap_or_default();
    let Some(paths) = v.get_mut("paths").and_then(|p| p.as_object_mut()) else {
        return v;
    };
    let mut ids: std::collections::HashMap<String, usize> = Default::default();
    for item in paths.values() {
        for m in METHODS {
            if let Some(id) = item[m]["operationId"].as_str() {
                *ids.entry(id.to_string()).or_default() += 1;
            }
        }
    }
    for (path, item) in paths.iter_mut() {
        for m in METHODS {
            let Some(op) = item.get_mut(m).filter(|o| o.is_object()) else {
                continue;
            };
            if let Some(id) = op["operationId"].as_str().map(str::to_string)
                && ids.get(&id).copied().unwrap_or(0) > 1
            {
                let first = first_segment(path).replace('-', "_");
                op["operationId"] = format!("{first}_{id}").into();
            }
            let public = op["security"] == serde_json::json!([{}]);
            let params = op["parameters"].as_array().cloned().unwrap_or_default();
            let has_in = |place: &str| params.iter().any(|p| p["in"] == place);
            let json_body = op["requestBody"]["content"]
                .as_object()
                .is_some_and(|c| c.keys().any(|k| k == "application/json"));
            let has_body = op.get("requestBody").is_some_and(|b| b.is_object());
            if let Some(c) = op.get_mut("requestBody").and_then(|b| b.get_mut("content")) {
                binary_files(c);
            }
            paging::document(op);
            let Some(responses) = op.get_mut("responses").and_then(|r| r.as_object_mut()) else {
                continue;
            };
            let mut add = |status: &str| {
                responses
                    .entry(status.to_string())
                    .or_insert_with(|| error_response(status));
            };
            if !public {
                add("401");
            }
            let write = m != "get";
            if write && YEAR_LOCKED_AREAS.contains(&first_segment(path).as_str()) {
                add("409");
            }
            if write {
                // Input the rules refuse, as on the pages (a request the
                // schema allows may still break a business rule).
                add("422");
            }
            if has_in("path") {
                add("404");
            }
            if has_in("query") || json_body {
                add("422");
            }
            if json_body {
                add("415");
            }
            if has_body {
                // Any body over the limit (2 MB; the uploads' own limits).
                add("413");
            }
            for (status, r) in responses.iter_mut() {
                if r.get("$ref").is_some() {
                    continue;
                }
                if r["description"].as_str().unwrap_or("").is_empty() {
                    r["description"] = status_description(status).into();
                }
                if let Some(c) = r.get_mut("content") {
                    binary_files(c);
                }
            }
        }
    }
    links(&mut v);
    allowed_values(&mut v);
    limits(&mut v);
    v
}

/// Links from each operation that creates a record (`201` with an `id`) to
/// the operations on that record (`POST /forums` → `/forums/{id}/…`), so a
/// client — or a stateful test — can follow what it made.
fn links(v: &mut serde_json::Value) {
    let schemas = v["components"]["schemas"].clone();
    // An `id` of its own or of a part (`allOf`: a flattened struct).
    fn has_id(schemas: &serde_json::Value, schema: &serde_json::Value, depth: u8) -> bool {
        let resolved = match schema["$ref"].as_str() {
            Some(r) => &schemas[r.trim_start_matches("#/components/schemas/")],
            None => schema,
        };
        resolved["properties"]["id"].is_object()
            || (depth < 3
                && resolved["allOf"]
                    .as_array()
                    .is_some_and(|parts| parts.iter().any(|p| has_id(schemas, p, depth + 1))))
    }
    let Some(paths) = v.get_mut("paths").and_then(|p| p.as_object_mut()) else {
        return;
    };
    let mut targets: Vec<(String, String)> = vec![];
    for (path, item) in paths.iter() {
        for m in METHODS {
            if let Some(id) = item[m]["operationId"].as_str() {
                targets.push((path.clone(), id.to_string()));
            }
        }
    }
    for (path, item) in paths.iter_mut() {
        let Some(created) = item
            .get_mut("post")
            .and_then(|op| op.get_mut("responses"))
            .and_then(|r| r.get_mut("201"))
        else {
            continue;
        };
        if !has_id(
            &schemas,
            &created["content"]["application/json"]["schema"],
            0,
        ) {
            continue;
        }
        let prefix = format!("{path}/{{");
        let mut found = serde_json::Map::new();
        for (target, id) in &targets {
            let Some(rest) = target.strip_prefix(&prefix) else {
                continue;
            };
            let Some((param, _)) = rest.split_once('}') else {
                continue;
            };
            let mut parameters = serde_json::Map::new();
            parameters.insert(format!("path.{param}"), "$response.body#/id".into());
            for known in template_params(path) {
                parameters.insert(
                    format!("path.{known}"),
                    format!("$request.path.{known}").into(),
                );
            }
            found.insert(
                id.clone(),
                serde_json::json!({"operationId": id, "parameters": parameters}),
            );
        }
        if !found.is_empty() {
            created["links"] = found.into();
        }
    }
}

/// The `{name}`s of a path template.
fn template_params(path: &str) -> Vec<String> {
    path.split('/')
        .filter_map(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
        .map(str::to_string)
        .collect()
}

/// The words a request field accepts, from the domain's own lists (what the
/// server parses), so the schema refuses what the server refuses.
fn allowed_words() -> Vec<(&'static str, &'static str, Vec<&'static str>)> {
    use thamgia_domain::access::Role;
    use thamgia_domain::models::{ClubSetting, ConsentMethod, CouncilRole, ForumLevel, Outcome};
    use thamgia_domain::voice::{MatterKind, Method, QuestionKind, Sex, Stage};
    fn words<T: Copy>(all: &[T], f: fn(T) -> &'static str) -> Vec<&'static str> {
        all.iter().map(|x| f(*x)).collect()
    }
    vec![
        (
            "ConsultationCreate",
            "method",
            words(Method::ALL, Method::as_str),
        ),
        (
            "MatterCreate",
            "kind",
            words(MatterKind::ALL, MatterKind::as_str),
        ),
        ("MatterCreate", "stage", words(Stage::ALL, Stage::as_str)),
        ("MatterPatch", "stage", words(Stage::ALL, Stage::as_str)),
        (
            "QuestionCreate",
            "kind",
            words(QuestionKind::ALL, QuestionKind::as_str),
        ),
        (
            "ClubCreate",
            "setting",
            words(ClubSetting::ALL, ClubSetting::as_str),
        ),
        (
            "MemberCreate",
            "role",
            words(CouncilRole::ALL, CouncilRole::as_str),
        ),
        ("PersonCreate", "sex", words(Sex::ALL, Sex::as_str)),
        (
            "PersonCreate",
            "guardian_method",
            words(ConsentMethod::ALL, ConsentMethod::as_str),
        ),
        (
            "ConsentCreate",
            "guardian_method",
            words(ConsentMethod::ALL, ConsentMethod::as_str),
        ),
        (
            "OfficialAnswerBody",
            "outcome",
            words(Outcome::ALL, Outcome::as_str),
        ),
        (
            "ForumBody",
            "level",
            words(ForumLevel::ALL, ForumLevel::as_str),
        ),
        ("UserInput", "role", words(&Role::ALL, Role::as_str)),
        ("UserUpdate", "role", words(&Role::ALL, Role::as_str)),
    ]
}

/// Writes [`allowed_words`] into the component schemas as `enum`s (with
/// `null` where the field may be null).
fn allowed_values(v: &mut serde_json::Value) {
    for (schema, field, words) in allowed_words() {
        let Some(p) = v
            .pointer_mut(&format!("/components/schemas/{schema}/properties/{field}"))
            .filter(|p| p.is_object())
        else {
            continue;
        };
        let nullable = p["type"]
            .as_array()
            .is_some_and(|t| t.iter().any(|t| t == "null"));
        let mut values: Vec<serde_json::Value> = words.into_iter().map(Into::into).collect();
        if nullable {
            values.push(serde_json::Value::Null);
        }
        p["enum"] = values.into();
    }
}

/// Lengths (in characters, after trimming, as the pages count them) and
/// ranges the server enforces on request fields.
fn limit_table() -> Vec<(&'static str, &'static str, serde_json::Value)> {
    use serde_json::json;
    use thamgia_actions::consultations as k;
    use thamgia_actions::recommendations as r;
    use thamgia_domain::voice::{MAX_AGE, MIN_AGE};
    let ages = json!({"minimum": MIN_AGE, "maximum": MAX_AGE});
    let length = |n: usize| json!({ "maxLength": n });
    let mut table = vec![
        ("ConsultationCreate", "title", length(k::MAX_TITLE)),
        ("ConsultationCreate", "intro", length(k::MAX_INTRO)),
        ("ConsultationCreate", "age_min", ages.clone()),
        ("ConsultationCreate", "age_max", ages),
        ("QuestionCreate", "text_vi", length(k::MAX_QUESTION)),
        ("OfficialAnswerBody", "answer", length(r::MAX_ANSWER)),
        (
            "PlanItemBody",
            "month",
            json!({"minimum": 1, "maximum": 12}),
        ),
    ];
    // The three bodies that raise a recommendation share its limits.
    for schema in [
        "RecommendationBody",
        "RecommendationCreate",
        "ClubRecommendationCreate",
    ] {
        table.push((schema, "topic", length(r::MAX_TOPIC)));
        table.push((schema, "text", length(r::MAX_TEXT)));
    }
    table
}

/// Writes [`limit_table`] into the component schemas.
fn limits(v: &mut serde_json::Value) {
    for (schema, field, limit) in limit_table() {
        let Some(p) = v
            .pointer_mut(&format!("/components/schemas/{schema}/properties/{field}"))
            .and_then(|p| p.as_object_mut())
        else {
            continue;
        };
        for (k, x) in limit.as_object().into_iter().flatten() {
            p.insert(k.clone(), x.clone());
        }
    }
}

#[cfg(test)]
mod tests {
    /// Every field given allowed words exists (a renamed schema or field
    /// would otherwise lose its `enum` without a word).
    #[test]
    fn allowed_words_name_existing_fields() {
        let (_, doc) = super::router().split_for_parts();
        let v = super::document(&doc);
        for (schema, field, words) in super::allowed_words() {
            let p = &v["components"]["schemas"][schema]["properties"][field];
            assert!(p["enum"].is_array(), "{schema}.{field}: {p}");
            assert!(!words.is_empty(), "{schema}.{field}");
        }
        for (schema, field, limit) in super::limit_table() {
            let p = &v["components"]["schemas"][schema]["properties"][field];
            for k in limit.as_object().expect("limit").keys() {
                assert!(p[k].is_number(), "{schema}.{field}.{k}: {p}");
            }
        }
    }
}
