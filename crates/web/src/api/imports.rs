//! Excel in and out over the API: the template, the import of a raw .xlsx or
//! .csv body, the progress of a background import, and the .xlsx exports.
//! The same checks and workbooks as the pages (`sheets.rs`,
//! `exports.rs`).

use super::Api;
use super::Path;
use super::Query;
use super::require;
use super::shapes::query_params;
use crate::error::{AppError, AppResult, ErrorBody};
use crate::exports::{self, ExportParams, XLSX_TYPE, safe_file_name, xlsx_response};
use crate::i18n::Lang;
use crate::sheets::{self as rules, Refused, RowError, check_file, start};
use axum::Json;
use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use std::collections::BTreeMap;
use std::sync::atomic::Ordering;
use thamgia_domain::access::Permission;
use thamgia_store::imports::ImportCounts;

/// The .xlsx template: sheets "Hoạt động", "Chi tiêu" and "Hướng dẫn" (with
/// the codes of the units, agencies, projects and funding sources the caller may use).
#[utoipa::path(get, path = "/api/v1/imports/template.xlsx", tag = "activities",
    responses((status = 200, description = "The template", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>),
        (status = 403, body = ErrorBody)))]
pub async fn template(Api { state, p }: Api) -> AppResult<Response> {
    require(&p, Permission::ViewActivities)?;
    let bytes = rules::template(&state.db.conn, &p).await?;
    Ok(xlsx_response(bytes, "mau-nhap-hoat-dong.xlsx"))
}

query_params! {
    #[serde(default)]
    ImportParams {
        /// The file's name, kept in the audit trail.
        file_name,
    }
}

/// An import: its progress and, once finished, its counts.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ImportDto {
    pub id: String,
    pub file_name: String,
    /// `running`, `done` or `failed`.
    pub status: String,
    /// Rows (activities and spending) applied so far.
    pub rows_done: usize,
    pub rows_total: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub result: Option<ImportCounts>,
    /// Why a `failed` import stopped: `{"code","message","reference","rows_saved"}`
    /// (rows saved before it stopped stay; importing the same file again
    /// completes it without saving anything twice).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub error: Option<serde_json::Value>,
}

fn dto(id: &str, job: &rules::Job) -> ImportDto {
    ImportDto {
        id: id.to_string(),
        file_name: job.file_name.clone(),
        status: match &job.outcome {
            None => "running",
            Some(Ok(_)) => "done",
            Some(Err(_)) => "failed",
        }
        .into(),
        rows_done: job.done.load(Ordering::Relaxed).min(job.total),
        rows_total: job.total,
        result: job.outcome.as_ref().and_then(|o| o.as_ref().ok().copied()),
        error: match &job.outcome {
            Some(Err(f)) => Some(serde_json::json!({
                "code": f.code,
                "message": f.message(Lang::Vi, job.total),
                "reference": f.reference,
                "rows_saved": f.saved,
            })),
            _ => None,
        },
    }
}

pub(crate) fn file_error(code: &str) -> AppError {
    let mut fields = BTreeMap::new();
    fields.insert("file".to_string(), code.to_string());
    AppError::Invalid {
        fields,
        detail: Some(serde_json::json!({
            "message": Lang::Vi.t(&format!("import-error-{}", code.replace('_', "-"))),
        })),
    }
}

pub(crate) fn rows_error(rows: Vec<RowError>) -> AppError {
    let mut fields = BTreeMap::new();
    for r in &rows {
        fields.entry(r.cell()).or_insert_with(|| r.code.clone());
    }
    AppError::Invalid {
        fields,
        detail: Some(serde_json::json!({ "rows": rows })),
    }
}

/// Imports activities ("Hoạt động") and spending ("Chi tiêu") from the raw
/// body: an .xlsx workbook or a .csv table (UTF-8, `,` or `;`), at most 5 MB.
/// Any error imports nothing: 422 with `fields` keyed by cell
/// (`"Hoạt động!F7": "not_a_date"`) and `detail.rows` listing every error with
/// its sheet, row, column, Vietnamese header and message. A file of up to 200
/// rows is applied at once (200); a larger one in the background (202, follow
/// `Location`). Importing the same file again creates nothing.
#[utoipa::path(post, path = "/api/v1/imports", tag = "activities", params(ImportParams),
    request_body(content = Vec<u8>, description = "The file", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    responses((status = 200, body = ImportDto), (status = 202, body = ImportDto),
        (status = 403, body = ErrorBody)))]
pub async fn import(
    Api { state, p }: Api,
    Query(q): Query<ImportParams>,
    headers: HeaderMap,
    body: Bytes,
) -> AppResult<Response> {
    require(&p, Permission::ManageActivities)?;
    check_upload(&headers, &body)?;
    let name = safe_file_name(q.file_name.as_deref().unwrap_or("tep-nhap"));
    let act = thamgia_actions::Act::new(&state.db.conn, &p, state.now());
    let prepared = match check_file(act, &name, &body, Lang::Vi).await? {
        Ok(x) => x,
        Err(Refused::File(code)) => return Err(file_error(code)),
        Err(Refused::Rows(rows)) => return Err(rows_error(rows)),
    };
    let background = prepared.rows() > rules::BACKGROUND_ROWS;
    let id = start(&state, &p, prepared).await?;
    let job = state
        .imports
        .get(&id, p.user_id)
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("import job vanished")))?;
    let d = dto(&id, &job);
    if background {
        let location = format!("/api/v1/imports/{id}");
        Ok((
            StatusCode::ACCEPTED,
            [(header::LOCATION, location)],
            Json(d),
        )
            .into_response())
    } else {
        Ok((StatusCode::OK, Json(d)).into_response())
    }
}

/// The checks of an uploaded file's body before it is read, shared by every
/// import of the API: a spreadsheet or CSV type, not empty, at most 5 MB.
pub(crate) fn check_upload(headers: &HeaderMap, body: &[u8]) -> AppResult<()> {
    let ctype = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    let accepted = [
        XLSX_TYPE,
        "text/csv",
        "application/csv",
        "application/vnd.ms-excel",
        "application/octet-stream",
    ];
    if !accepted.contains(&ctype.as_str()) {
        return Err(file_error("unsupported_type"));
    }
    if body.len() > thamgia_office::MAX_FILE_BYTES {
        return Err(file_error("file_too_large"));
    }
    if body.is_empty() {
        return Err(file_error("no_file"));
    }
    Ok(())
}

/// An import started by the caller: progress while it runs, then its counts.
/// Kept in memory by the server that runs it, for an hour after it ends.
#[utoipa::path(get, path = "/api/v1/imports/{id}", tag = "activities",
    params(("id" = String, Path, description = "The import's id")),
    responses((status = 200, body = ImportDto)))]
pub async fn show(Api { state, p }: Api, Path(id): Path<String>) -> AppResult<Json<ImportDto>> {
    require(&p, Permission::ManageActivities)?;
    let job = state
        .imports
        .get(&id, p.user_id)
        .ok_or(AppError::NotFound)?;
    Ok(Json(dto(&id, &job)))
}

/// Activities of the caller's scope as .xlsx: "Hoạt động" (the template's
/// columns, participants by group and sex, spending), "Người tham gia" and
/// "Theo dự án", each with a totals row. A unit outside the scope is 404.
#[utoipa::path(get, path = "/api/v1/exports/activities.xlsx", tag = "activities", params(ExportParams),
    responses((status = 200, description = "The workbook", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>),
        (status = 404, body = ErrorBody)))]
pub async fn export_activities(api: Api, Query(q): Query<ExportParams>) -> AppResult<Response> {
    export(api, &q, Workbook::Activities).await
}

/// Funding of the caller's scope as .xlsx: budget, spending, what remains
/// and "Vượt dự toán" by source, project, unit and year, and every budget
/// line. A unit outside the scope is 404.
#[utoipa::path(get, path = "/api/v1/exports/funding.xlsx", tag = "activities", params(ExportParams),
    responses((status = 200, description = "The workbook", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>),
        (status = 404, body = ErrorBody)))]
pub async fn export_funding(api: Api, Query(q): Query<ExportParams>) -> AppResult<Response> {
    export(api, &q, Workbook::Funding).await
}

/// The workbooks of the caller's scope the API exports.
enum Workbook {
    Activities,
    Funding,
}

/// Answers one of the caller's workbooks, for the unit and in the language
/// `q` asks for.
async fn export(Api { state, p }: Api, q: &ExportParams, which: Workbook) -> AppResult<Response> {
    require(&p, Permission::ViewActivities)?;
    let db = &state.db.conn;
    let (bytes, name) = match which {
        Workbook::Activities => exports::activities_xlsx(db, &p, q, q.lang_or(Lang::Vi)?).await?,
        Workbook::Funding => exports::funding_xlsx(db, &p, q, q.lang_or(Lang::Vi)?).await?,
    };
    Ok(xlsx_response(bytes, &name))
}
