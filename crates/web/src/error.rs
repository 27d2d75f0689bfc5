//! One typed error at the web boundary. Internal errors are logged with an id
//! and never shown; everything else has a stable snake_case code that the API
//! returns as is and pages translate (`error-<code>` in the catalogs).

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use std::collections::BTreeMap;
use thamgia_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not_found")]
    NotFound,
    #[error("unauthenticated")]
    Unauthenticated,
    #[error("forbidden")]
    Forbidden,
    #[error("csrf_failed")]
    Csrf,
    #[error("too_many_attempts")]
    Throttled,
    /// A body sent to a JSON operation without `Content-Type: application/json`.
    #[error("unsupported_media_type")]
    UnsupportedMediaType,
    /// Input that failed validation: field name → error code.
    #[error("invalid_input")]
    Invalid {
        fields: BTreeMap<String, String>,
        detail: Option<serde_json::Value>,
    },
    #[error("conflict")]
    Conflict { field: String },
    #[error("internal: {0}")]
    Internal(#[from] anyhow::Error),
}

pub type AppResult<T> = Result<T, AppError>;

/// The conflict (code) of a write to a record of a year whose report was
/// approved (`thamgia_store::reports::ensure_open`).
pub const YEAR_LOCKED: &str = "year_locked";

/// What the API says about a locked year (Vietnamese first, as on the pages).
pub const YEAR_LOCKED_MESSAGE: &str = "Số liệu năm này của đơn vị đã được phê duyệt và khóa; \
     điều phối viên cần mở lại báo cáo năm để sửa. (This year's figures of the unit are \
     approved and locked; the coordinator must reopen the annual report to change them.)";

impl AppError {
    pub fn invalid(field: &str, code: &str) -> AppError {
        let mut fields = BTreeMap::new();
        fields.insert(field.to_string(), code.to_string());
        AppError::Invalid {
            fields,
            detail: None,
        }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Unauthenticated => StatusCode::UNAUTHORIZED,
            AppError::Forbidden | AppError::Csrf => StatusCode::FORBIDDEN,
            AppError::Throttled => StatusCode::TOO_MANY_REQUESTS,
            AppError::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            AppError::Invalid { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Conflict { .. } => StatusCode::CONFLICT,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            AppError::NotFound => "not_found",
            AppError::Unauthenticated => "unauthenticated",
            AppError::Forbidden => "forbidden",
            AppError::Csrf => "csrf_failed",
            AppError::Throttled => "too_many_attempts",
            AppError::UnsupportedMediaType => "unsupported_media_type",
            AppError::Invalid { .. } => "invalid_input",
            AppError::Conflict { field } => match field.as_str() {
                YEAR_LOCKED => YEAR_LOCKED,
                // A report's move refused by `thamgia_domain::reports::next`.
                "wrong_state" => "wrong_state",
                "not_allowed" => "not_allowed",
                _ => "conflict",
            },
            AppError::Internal(_) => "internal_error",
        }
    }

    /// Logs an internal error (never its details to the client) and returns
    /// the reference shown to the user.
    pub(crate) fn log_internal(&self) -> Option<String> {
        if let AppError::Internal(e) = self {
            let id = uuid::Uuid::new_v4().simple().to_string()[..8].to_string();
            tracing::error!(error_id = %id, error = %e, "internal error");
            Some(id)
        } else {
            None
        }
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => AppError::NotFound,
            StoreError::Forbidden => AppError::Forbidden,
            StoreError::Conflict { field } => AppError::Conflict {
                field: field.to_string(),
            },
            StoreError::Db(e) => AppError::Internal(anyhow::Error::new(e)),
        }
    }
}

impl From<thamgia_actions::ActionError> for AppError {
    fn from(e: thamgia_actions::ActionError) -> Self {
        use thamgia_actions::ActionError as E;
        match e {
            E::NotFound => AppError::NotFound,
            E::Forbidden => AppError::Forbidden,
            E::Invalid { fields, detail } => AppError::Invalid { fields, detail },
            E::Conflict { field } => AppError::Conflict { field },
            E::Internal(e) => AppError::Internal(e),
        }
    }
}

/// The API's error body (INTERFACES.md).
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ErrorDetail {
    /// Stable snake_case code.
    pub code: String,
    pub message: String,
    /// Field name → snake_case error code, for validation errors.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub fields: BTreeMap<String, String>,
    /// Extra structured detail (e.g. plan file errors with line numbers).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<serde_json::Value>,
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let reference = self.log_internal();
        let status = self.status();
        let code = self.code().to_string();
        let message = match (&self, reference) {
            (_, Some(r)) => format!("internal error (reference {r})"),
            (AppError::Conflict { field }, _) if field == YEAR_LOCKED => {
                YEAR_LOCKED_MESSAGE.to_string()
            }
            (AppError::Conflict { field }, _) if code != "conflict" => {
                crate::i18n::Lang::En.t(&format!("error-{field}-help"))
            }
            (AppError::Conflict { field }, _) => format!("{field} is already taken"),
            _ => crate::i18n::Lang::En.t(&format!("error-{code}")),
        };
        let (fields, detail) = match self {
            AppError::Invalid { fields, detail } => (fields, detail),
            AppError::Conflict { .. } if code != "conflict" => (BTreeMap::new(), None),
            AppError::Conflict { field } => {
                let mut f = BTreeMap::new();
                f.insert(field, "taken".to_string());
                (f, None)
            }
            _ => (BTreeMap::new(), None),
        };
        (
            status,
            Json(ErrorBody {
                error: ErrorDetail {
                    code,
                    message,
                    fields,
                    detail,
                },
            }),
        )
            .into_response()
    }
}

/// The code of an error status the framework answers before any handler
/// runs (a body over the limit, a timeout, a method or media type refused).
fn framework_code(status: StatusCode) -> &'static str {
    match status.as_u16() {
        400 => "bad_request",
        404 => "not_found",
        405 => "method_not_allowed",
        408 => "timeout",
        413 => "payload_too_large",
        415 => "unsupported_media_type",
        s if s >= 500 => "internal",
        _ => "bad_request",
    }
}

/// Under `/api/`, an error the framework answered in plain text (axum's and
/// tower's layers: `413` for a body over the limit, `408`, `405`, …) is
/// answered in the API's error shape instead, so a client reads every error
/// the same way. Handlers' own errors are JSON already and pass unchanged.
pub async fn api_errors_as_json(
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let api = req.uri().path().starts_with("/api/");
    let res = next.run(req).await;
    let status = res.status();
    if !api || !(status.is_client_error() || status.is_server_error()) {
        return res;
    }
    let json = res
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if json {
        return res;
    }
    let code = framework_code(status);
    let message = match status.canonical_reason() {
        Some(r) => r.to_string(),
        None => code.replace('_', " "),
    };
    let mut out = (
        status,
        Json(ErrorBody {
            error: ErrorDetail {
                code: code.to_string(),
                message,
                fields: BTreeMap::new(),
                detail: None,
            },
        }),
    )
        .into_response();
    // Headers such as `Allow` (405) and `Retry-After` stay.
    for (name, value) in res.headers() {
        if name != axum::http::header::CONTENT_TYPE && name != axum::http::header::CONTENT_LENGTH {
            out.headers_mut().insert(name.clone(), value.clone());
        }
    }
    out
}
