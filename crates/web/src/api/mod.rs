//! The JSON API, version 1. Every operation is declared with `utoipa::path`
//! and registered through `OpenApiRouter`, so `/api/openapi.json` lists
//! exactly the routes that exist. Errors use the shape of INTERFACES.md.
//! Authentication: the session cookie or `Authorization: Bearer TOKEN`.

mod activities;
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
mod matters;
mod people;
mod plans;
mod recommendations;
mod report_exports;
mod reports;
mod results;
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
                crate::pages::activities::UPLOAD_BODY_LIMIT,
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
                crate::pages::imports::UPLOAD_BODY_LIMIT,
            )),
        )
        .routes(routes!(imports::show))
        .routes(routes!(imports::export_activities))
        .routes(routes!(imports::export_funding))
        .routes(routes!(report_exports::report))
        .routes(routes!(report_exports::indicators))
        .routes(routes!(reports::list))
        .routes(routes!(reports::show, reports::update))
        .routes(routes!(reports::act))
        .routes(routes!(audit::list))
        .routes(routes!(facilitator::sign_in, facilitator::list))
        .routes(routes!(facilitator::revoke))
        .routes(routes!(facilitator::consultations))
        .routes(routes!(facilitator::sync))
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
