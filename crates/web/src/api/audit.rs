//! The audit trail, by scope (admins and coordinators).

use super::Api;
use super::Query;
use crate::audit_query::{AuditQuery, PER_PAGE, filter_of, may_read, read};
use crate::error::{AppError, AppResult, ErrorBody};
use axum::Json;

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct AuditEntryDto {
    pub id: i64,
    pub at: chrono::DateTime<chrono::Utc>,
    /// Who made the change (an account's label, or `system:…`).
    pub actor: String,
    /// `create`, `update`, `delete`, `moderate`, …
    pub action: String,
    /// Record kind.
    pub entity: String,
    /// Record id (code for units and agencies).
    pub record: String,
    /// Code of the record's unit; none for province-wide records.
    pub unit: Option<String>,
    /// The record before the change, as the trail may show it (children's
    /// free text as "…", counts of 1–4 children as "<5").
    #[schema(value_type = Object)]
    #[schema(value_type = Object, nullable)]
    pub before: Option<serde_json::Value>,
    #[schema(value_type = Object)]
    #[schema(value_type = Object, nullable)]
    pub after: Option<serde_json::Value>,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct AuditPageDto {
    pub entries: Vec<AuditEntryDto>,
    /// This page, from 1.
    pub page: u64,
    pub per_page: u64,
    /// Whether an older page exists.
    pub more: bool,
}

/// Changes to records in the caller's scope, newest first, filtered by record,
/// account and dates; 50 a page.
#[utoipa::path(get, path = "/api/v1/audit", tag = "audit", params(AuditQuery),
    responses((status = 200, body = AuditPageDto),
              (status = 403, body = ErrorBody), (status = 401, body = ErrorBody)))]
pub async fn list(
    Api { state, p }: Api,
    Query(q): Query<AuditQuery>,
) -> AppResult<Json<AuditPageDto>> {
    may_read(&p)?;
    let (f, page) = filter_of(&state, &q)
        .await
        .map_err(|fields| AppError::Invalid {
            fields,
            detail: None,
        })?;
    let (rows, more) = read(&state, &p, &f, page).await?;
    let json = |s: Option<String>| s.and_then(|s| serde_json::from_str(&s).ok());
    Ok(Json(AuditPageDto {
        entries: rows
            .into_iter()
            .map(|(e, unit)| AuditEntryDto {
                id: e.id,
                at: e.at,
                actor: e.actor,
                action: e.action,
                entity: e.entity,
                record: e.entity_id,
                unit,
                before: json(e.before),
                after: json(e.after),
            })
            .collect(),
        page: page + 1,
        per_page: PER_PAGE,
        more,
    }))
}
