//! The import pages: the form `/imports` (upload an .xlsx or .csv file of
//! activities and spending), the errors of a refused file, the progress page
//! of an import (it refreshes itself every 2 seconds, without JavaScript;
//! small files finish at once and land on the same result page) and the
//! template's download. The reading, checks, template and jobs are
//! [`crate::sheets`], shared with the JSON API (`api/imports.rs`); the upload
//! form's reading ([`form_parts`], [`upload_form`]) serves every page that
//! takes a file.

use super::{Chrome, PageErr, PageError, PageResult, render, require};
use crate::auth::{Ctx, PageUser};
use crate::error::AppError;
use crate::i18n::Lang;
use crate::sheets::{Refused, RowError, check_file, message, start, template};
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use sea_orm::DatabaseConnection;
use std::sync::atomic::Ordering;
use thamgia_domain::access::{Permission, Principal};
use thamgia_store::imports::ImportCounts;

pub use crate::exports::{SHEET_BODY_LIMIT as UPLOAD_BODY_LIMIT, safe_file_name, xlsx_response};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/imports",
            get(form)
                .post(upload)
                .layer(DefaultBodyLimit::max(UPLOAD_BODY_LIMIT)),
        )
        .route("/imports/jobs/{id}", get(job_page))
        .route("/activities/template.xlsx", get(template_page))
        .route("/static/imports.css", get(stylesheet))
}

async fn template_page(State(state): State<AppState>, PageUser(p, ctx): PageUser) -> PageResult {
    require(&p, Permission::ViewActivities, ctx.lang)?;
    let bytes = template(&state.db.conn, &p).await.page(ctx.lang)?;
    Ok(xlsx_response(bytes, "mau-nhap-hoat-dong.xlsx"))
}

// ---------------------------------------------------------------- pages

/// The counts of a finished import, as rows of a table.
pub struct CountRow {
    pub label: String,
    pub value: String,
}

fn count_rows(lang: Lang, c: &ImportCounts) -> Vec<CountRow> {
    [
        ("import-created", c.activities_created),
        ("import-updated", c.activities_updated),
        ("import-unchanged", c.activities_unchanged),
        ("import-spending-added", c.spending_added),
        ("import-spending-existing", c.spending_existing),
    ]
    .into_iter()
    .map(|(k, n)| CountRow {
        label: lang.t(k),
        value: lang.int(i64::try_from(n).unwrap_or(i64::MAX)),
    })
    .collect()
}

#[derive(Template)]
#[template(path = "import.html")]
struct ImportPage {
    c: Chrome,
    can_import: bool,
    file_error: Option<String>,
    errors: Vec<RowError>,
    unit: String,
}

/// `unit` is the code of the principal's own unit (the path holds ids).
fn import_page(ctx: &Ctx, p: &Principal, unit: &str) -> ImportPage {
    ImportPage {
        c: Chrome::new(ctx, "import-title"),
        can_import: p.can(Permission::ManageActivities),
        file_error: None,
        errors: Vec::new(),
        unit: unit.to_string(),
    }
}

async fn own_unit_code(db: &DatabaseConnection, p: &Principal) -> crate::error::AppResult<String> {
    Ok(thamgia_store::units::by_id(db, p.unit_id)
        .await?
        .map(|u| u.code)
        .unwrap_or_default())
}

async fn form(State(state): State<AppState>, PageUser(p, ctx): PageUser) -> PageResult {
    require(&p, Permission::ViewActivities, ctx.lang)?;
    let unit = own_unit_code(&state.db.conn, &p).await.page(ctx.lang)?;
    Ok(render(&import_page(&ctx, &p, &unit)))
}

/// The upload (`multipart/form-data`, [`upload_form`]): the CSRF field is
/// checked before the file is used.
async fn upload(
    State(state): State<AppState>,
    PageUser(p, ctx): PageUser,
    m: Result<Multipart, MultipartRejection>,
) -> PageResult {
    let lang = ctx.lang;
    require(&p, Permission::ManageActivities, lang)?;
    let file = match upload_form(&ctx, m).await {
        Ok(f) => f,
        Err(res) => return Ok(res),
    };
    let own_unit = own_unit_code(&state.db.conn, &p).await.page(lang)?;
    let refuse = |code: &'static str, status: StatusCode| {
        let mut page = import_page(&ctx, &p, &own_unit);
        page.file_error = Some(message(lang, code));
        let mut res = render(&page);
        *res.status_mut() = status;
        Ok(res)
    };
    let Some((name, bytes)) = file.filter(|(_, b)| !b.is_empty()) else {
        return refuse("no_file", StatusCode::UNPROCESSABLE_ENTITY);
    };
    if bytes.len() > thamgia_office::MAX_FILE_BYTES {
        return refuse("file_too_large", StatusCode::PAYLOAD_TOO_LARGE);
    }
    let act = thamgia_actions::Act::new(&state.db.conn, &p, state.now());
    match check_file(act, &name, &bytes, lang).await.page(lang)? {
        Err(Refused::File(code)) => refuse(code, StatusCode::UNPROCESSABLE_ENTITY),
        Err(Refused::Rows(errors)) => {
            let mut page = import_page(&ctx, &p, &own_unit);
            page.errors = errors;
            let mut res = render(&page);
            *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(res)
        }
        Ok(prepared) => {
            let id = start(&state, &p, prepared).await.page(lang)?;
            Ok(Redirect::to(&format!("/imports/jobs/{id}")).into_response())
        }
    }
}

/// One part of a `multipart/form-data` body.
pub(crate) struct Part {
    pub name: String,
    pub file_name: Option<String>,
    pub content_type: Option<String>,
    pub data: Vec<u8>,
}

/// Every part of an upload form, read by axum's multipart parser, once the
/// form's CSRF field was checked. A body that is not a well-formed
/// `multipart/form-data` is `form: malformed` (422); one over the route's
/// body limit is the parser's `413`. `Err` is the answer to send.
pub(crate) async fn form_parts(
    ctx: &Ctx,
    m: Result<Multipart, MultipartRejection>,
) -> Result<Vec<Part>, Response> {
    let malformed = || PageError(AppError::invalid("form", "malformed"), ctx.lang).into_response();
    let mut m = m.map_err(|_| malformed())?;
    let mut parts = vec![];
    loop {
        let field = match m.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                return Err(e.into_response());
            }
            Err(_) => return Err(malformed()),
        };
        let Some(name) = field.name().map(str::to_string) else {
            return Err(malformed());
        };
        let file_name = field.file_name().map(str::to_string);
        let content_type = field.content_type().map(str::to_string);
        let data = match field.bytes().await {
            Ok(b) => b.to_vec(),
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                return Err(e.into_response());
            }
            Err(_) => return Err(malformed()),
        };
        parts.push(Part {
            name,
            file_name,
            content_type,
            data,
        });
    }
    let csrf = parts
        .iter()
        .find(|x| x.name == "csrf")
        .map(|x| String::from_utf8_lossy(&x.data).to_string());
    if ctx.csrf.is_empty() || csrf.as_deref() != Some(ctx.csrf.as_str()) {
        return Err(PageError(AppError::Csrf, ctx.lang).into_response());
    }
    Ok(parts)
}

/// The file of an upload form ([`form_parts`]) with its safe name. `None`:
/// no file chosen.
pub(crate) async fn upload_form(
    ctx: &Ctx,
    m: Result<Multipart, MultipartRejection>,
) -> Result<Option<(String, Vec<u8>)>, Response> {
    let parts = form_parts(ctx, m).await?;
    Ok(parts.into_iter().find(|x| x.name == "file").map(|x| {
        (
            x.file_name
                .as_deref()
                .map(safe_file_name)
                .unwrap_or_else(|| "tep-nhap".into()),
            x.data,
        )
    }))
}

#[derive(Template)]
#[template(path = "import_job.html")]
struct JobPage {
    c: Chrome,
    file_name: String,
    running: bool,
    done: usize,
    total: usize,
    progress_text: String,
    counts: Vec<CountRow>,
    failed: Option<String>,
}

async fn job_page(
    State(state): State<AppState>,
    PageUser(p, ctx): PageUser,
    Path(id): Path<String>,
) -> PageResult {
    let lang = ctx.lang;
    require(&p, Permission::ManageActivities, lang)?;
    let job = state
        .imports
        .get(&id, p.user_id)
        .ok_or(PageError(AppError::NotFound, lang))?;
    let done = job.done.load(Ordering::Relaxed).min(job.total);
    let (running, counts, failed) = match &job.outcome {
        None => (true, Vec::new(), None),
        Some(Ok(c)) => (false, count_rows(lang, c), None),
        Some(Err(failure)) => (false, Vec::new(), Some(failure.message(lang, job.total))),
    };
    let title = if running {
        "import-progress-title"
    } else {
        "import-result-title"
    };
    Ok(render(&JobPage {
        c: Chrome::new(&ctx, title),
        file_name: job.file_name.clone(),
        running,
        done,
        total: job.total,
        progress_text: lang.t_args(
            "import-progress-text",
            &[
                ("done", lang.int(done as i64)),
                ("total", lang.int(job.total as i64)),
            ],
        ),
        counts,
        failed,
    }))
}

async fn stylesheet() -> Response {
    (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        include_str!("../../static/imports.css"),
    )
        .into_response()
}
