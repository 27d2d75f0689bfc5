//! Plans: list, read (any version), import a plan file.

use super::Path;
use super::Query;
use super::paging::{Listing, Page};
use super::require;
use super::{Api, Created, JsonBody};
use crate::error::{AppError, AppResult, ErrorBody};
use axum::Json;
use axum::http::StatusCode;
use thamgia_domain::access::{Actor, Permission};
use thamgia_store::entity::plan;
use thamgia_store::plans::{self, ImportOutcome};

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct PlanSummary {
    pub code: String,
    pub version: i32,
    pub name_vi: String,
    pub name_en: String,
    pub period_start: i32,
    pub period_end: i32,
    pub imported_at: chrono::DateTime<chrono::Utc>,
    pub fingerprint: String,
}

impl From<&plan::Model> for PlanSummary {
    fn from(p: &plan::Model) -> Self {
        PlanSummary {
            code: p.code.clone(),
            version: p.version,
            name_vi: p.name_vi.clone(),
            name_en: p.name_en.clone(),
            period_start: p.period_start,
            period_end: p.period_end,
            imported_at: p.imported_at,
            fingerprint: p.fingerprint.clone(),
        }
    }
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct PlanDetail {
    #[serde(flatten)]
    pub summary: PlanSummary,
    /// The whole plan as checked at import: header, settings, units, agencies,
    /// purposes, objectives, indicators with targets, projects and models with
    /// lead and coordinating agencies, funding sources, reporting duties
    /// (fields as in docs/plan-format.md).
    #[schema(value_type = Object)]
    pub document: serde_json::Value,
}

/// The latest version of every plan.
#[utoipa::path(get, path = "/api/v1/plans", params(crate::api::paging::Paging), tag = "plans",
    responses((status = 200, body = [PlanSummary]), (status = 401, body = ErrorBody)))]
pub async fn list(Api { state, p }: Api, paging: Listing) -> AppResult<Page<PlanSummary>> {
    require(&p, Permission::ViewPlan)?;
    let list = plans::list_latest(&state.db.conn).await?;
    paging.page(list.iter().map(PlanSummary::from).collect())
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct VersionQuery {
    /// A version number; the latest when absent.
    pub version: Option<i32>,
}

/// One plan (the latest version, or `?version=N`).
#[utoipa::path(get, path = "/api/v1/plans/{code}", tag = "plans",
    params(("code" = String, Path, description = "Plan code"), VersionQuery),
    responses((status = 200, body = PlanDetail)))]
pub async fn show(
    Api { state, p }: Api,
    Path(code): Path<String>,
    Query(q): Query<VersionQuery>,
) -> AppResult<Json<PlanDetail>> {
    require(&p, Permission::ViewPlan)?;
    let row = plans::get(&state.db.conn, &code, q.version).await?;
    let document = serde_json::from_str(&row.document).map_err(|e| AppError::Internal(e.into()))?;
    Ok(Json(PlanDetail {
        summary: PlanSummary::from(&row),
        document,
    }))
}

/// Every version of one plan, newest first.
#[utoipa::path(get, path = "/api/v1/plans/{code}/versions", tag = "plans",
    params(crate::api::paging::Paging, ("code" = String, Path, description = "Plan code")),
    responses((status = 200, body = [PlanSummary])))]
pub async fn versions(
    Api { state, p }: Api,
    Path(code): Path<String>,
    paging: Listing,
) -> AppResult<Page<PlanSummary>> {
    require(&p, Permission::ViewPlan)?;
    let list = plans::versions(&state.db.conn, &code).await?;
    if list.is_empty() {
        return Err(AppError::NotFound);
    }
    paging.page(list.iter().map(PlanSummary::from).collect())
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
pub struct ImportRequest {
    /// The plan file's TOML text.
    pub source: String,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ImportResult {
    /// `imported` or `unchanged`.
    pub outcome: String,
    pub code: String,
    pub version: i32,
}

/// Checks and imports a plan file. Any error imports nothing; errors name the
/// line and field (`error.detail.errors`). The same content twice changes nothing.
#[utoipa::path(post, path = "/api/v1/plans", tag = "plans", request_body = ImportRequest,
    responses((status = 201, body = ImportResult), (status = 200, body = ImportResult), (status = 403, body = ErrorBody)))]
pub async fn import(Api { state, p }: Api, body: JsonBody) -> AppResult<Created<ImportResult>> {
    require(&p, Permission::ImportPlan)?;
    let req: ImportRequest = super::json(&body)?;
    let plan = thamgia_domain::plan::check(&req.source).map_err(|errors| {
        let mut fields = std::collections::BTreeMap::new();
        for e in &errors {
            fields
                .entry(e.field.clone())
                .or_insert_with(|| e.code.to_string());
        }
        AppError::Invalid {
            fields,
            detail: Some(serde_json::json!({
                "errors": errors.iter().map(|e| serde_json::json!({
                    "line": e.line, "field": e.field, "code": e.code, "message": e.message
                })).collect::<Vec<_>>()
            })),
        }
    })?;
    let outcome = plans::import(
        &state.db.conn,
        &Actor::from(&p),
        state.now(),
        &plan,
        &req.source,
    )
    .await?;
    let (status, outcome, version) = match outcome {
        ImportOutcome::Imported { version, .. } => (StatusCode::CREATED, "imported", version),
        ImportOutcome::Unchanged { version, .. } => (StatusCode::OK, "unchanged", version),
    };
    Ok((
        status,
        Json(ImportResult {
            outcome: outcome.into(),
            code: plan.header.code.clone(),
            version,
        }),
    ))
}
