//! The child population: the page `/population` (figures by unit and year,
//! totals by age band and sex, demo figures labelled), its .xlsx template,
//! and the import of figures from .xlsx or .csv. The file's reading and
//! checks are [`crate::sheets::population`] (shared with the JSON API,
//! `api/population.rs`); a good file replaces the figures of each unit and
//! year it holds in one transaction (`thamgia_actions::population::save`).

use super::imports::{UPLOAD_BODY_LIMIT, upload_form, xlsx_response};
use super::{Chrome, PageErr, PageError, PageResult, render, require};
use crate::auth::{Ctx, PageUser};
use crate::i18n::Lang;
use crate::sheets::population::{TEMPLATE_NAME, check_file, template};
use crate::sheets::{Refused, RowError, message};
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::StatusCode;
use axum::routing::get;
use std::collections::HashMap;
use thamgia_domain::access::{Permission, Principal};
use thamgia_store::population::{self, BANDS};
use thamgia_store::units;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/population",
            get(page)
                .post(upload)
                .layer(DefaultBodyLimit::max(UPLOAD_BODY_LIMIT)),
        )
        .route("/population/template.xlsx", get(template_page))
}

async fn template_page(State(state): State<AppState>, PageUser(p, ctx): PageUser) -> PageResult {
    require(&p, Permission::ViewUnits, ctx.lang)?;
    let bytes = template(&state.db.conn, &p).await.page(ctx.lang)?;
    Ok(xlsx_response(bytes, TEMPLATE_NAME))
}

// ---------------------------------------------------------------- page

/// One unit-year of the table, formatted.
pub struct Line {
    pub unit: String,
    pub year: i32,
    pub bands: Vec<String>,
    pub girls: String,
    pub boys: String,
    pub total: String,
    pub demo: bool,
}

#[derive(Template)]
#[template(path = "population.html")]
struct PopulationPage {
    c: Chrome,
    can_import: bool,
    bands: Vec<String>,
    lines: Vec<Line>,
    /// Years with figures, newest first, and whether it is the one shown.
    years: Vec<(i32, bool)>,
    year: Option<i32>,
    any_demo: bool,
    file_error: Option<String>,
    errors: Vec<RowError>,
    saved: Option<String>,
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
struct PageQuery {
    year: Option<String>,
}

async fn page_for(
    state: &AppState,
    ctx: &Ctx,
    p: &Principal,
    year: Option<i32>,
) -> Result<PopulationPage, PageError> {
    let lang = ctx.lang;
    let db = &state.db.conn;
    let scope = p.scope();
    let all = population::summaries(db, &scope, None).await.page(lang)?;
    let mut years: Vec<i32> = all.iter().map(|s| s.year).collect();
    years.sort_unstable_by(|a, b| b.cmp(a));
    years.dedup();
    let names: HashMap<i32, (String, String, String)> = units::list(db, &scope)
        .await
        .page(lang)?
        .into_iter()
        .map(|u| (u.id, (u.code, u.name_vi, u.name_en)))
        .collect();
    let shown: Vec<_> = all
        .into_iter()
        .filter(|s| year.is_none_or(|y| s.year == y))
        .collect();
    let any_demo = shown.iter().any(|s| s.demo);
    let lines = shown
        .into_iter()
        .map(|s| Line {
            unit: names
                .get(&s.unit_id)
                .map(|(code, vi, en)| {
                    format!("{code} – {}", if lang == Lang::Vi { vi } else { en })
                })
                .unwrap_or_default(),
            year: s.year,
            bands: s.bands.iter().map(|n| lang.int(*n)).collect(),
            girls: lang.int(s.girls),
            boys: lang.int(s.boys),
            total: lang.int(s.total),
            demo: s.demo,
        })
        .collect();
    Ok(PopulationPage {
        c: Chrome::new(ctx, "population-title"),
        can_import: p.can(Permission::ManagePopulation),
        bands: BANDS
            .iter()
            .map(|(a, b)| {
                lang.t_args(
                    "population-band",
                    &[("from", a.to_string()), ("to", b.to_string())],
                )
            })
            .collect(),
        lines,
        years: years.into_iter().map(|y| (y, year == Some(y))).collect(),
        year,
        any_demo,
        file_error: None,
        errors: Vec::new(),
        saved: None,
    })
}

async fn page(
    State(state): State<AppState>,
    PageUser(p, ctx): PageUser,
    axum::extract::Query(q): axum::extract::Query<PageQuery>,
) -> PageResult {
    require(&p, Permission::ViewUnits, ctx.lang)?;
    let year = q.year.as_deref().and_then(|y| y.trim().parse::<i32>().ok());
    Ok(render(&page_for(&state, &ctx, &p, year).await?))
}

async fn upload(
    State(state): State<AppState>,
    PageUser(p, ctx): PageUser,
    m: Result<axum::extract::Multipart, axum::extract::multipart::MultipartRejection>,
) -> PageResult {
    let lang = ctx.lang;
    require(&p, Permission::ManagePopulation, lang)?;
    let file = match upload_form(&ctx, m).await {
        Ok(f) => f,
        Err(res) => return Ok(res),
    };
    let mut page = page_for(&state, &ctx, &p, None).await?;
    let refuse = |mut page: PopulationPage, code: &str, status: StatusCode| {
        page.file_error = Some(message(lang, code));
        let mut res = render(&page);
        *res.status_mut() = status;
        Ok(res)
    };
    let Some((name, bytes)) = file.filter(|(_, b)| !b.is_empty()) else {
        return refuse(page, "no_file", StatusCode::UNPROCESSABLE_ENTITY);
    };
    if bytes.len() > thamgia_office::MAX_FILE_BYTES {
        return refuse(page, "file_too_large", StatusCode::PAYLOAD_TOO_LARGE);
    }
    let act = thamgia_actions::Act::new(&state.db.conn, &p, state.now());
    match check_file(act, &name, &bytes, lang).await.page(lang)? {
        Err(Refused::File(code)) => refuse(page, code, StatusCode::UNPROCESSABLE_ENTITY),
        Err(Refused::Rows(errors)) => {
            page.errors = errors;
            let mut res = render(&page);
            *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(res)
        }
        Ok(prepared) => {
            let done = match thamgia_actions::population::save(act, &prepared).await {
                Ok(done) => done,
                Err(thamgia_actions::ActionError::Conflict { field })
                    if field == crate::error::YEAR_LOCKED =>
                {
                    return refuse(page, "year_locked", StatusCode::CONFLICT);
                }
                Err(e) => return Err(e).page(lang),
            };
            let mut page = page_for(&state, &ctx, &p, None).await?;
            page.saved = Some(lang.t_args(
                "population-saved",
                &[
                    ("rows", lang.int(done.rows as i64)),
                    ("units", lang.int(done.unit_years as i64)),
                ],
            ));
            Ok(render(&page))
        }
    }
}
