//! The export pages: `/reports/{unit}/{year}/export.xlsx|docx|csv` and
//! `/indicators/export.xlsx|csv?unit=&year=`. The files are
//! [`crate::report_files`], shared with the API and `thamgia report export`.
//! A unit outside the caller's scope is 404, like everything else.

use crate::auth::PageUser;
use crate::error::{AppError, AppResult};
use crate::pages::{PageErr, PageResult, require};
use crate::report_files::{
    ExportFile, Format, UnitYear, indicator_target, indicators_file, parse_year, report_file,
};
use crate::state::AppState;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::IntoResponse;
use axum::routing::get;
use thamgia_domain::access::Permission;
use thamgia_store::units;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/reports/{unit}/{year}/export.xlsx", get(report_xlsx_page))
        .route("/reports/{unit}/{year}/export.docx", get(report_docx_page))
        .route("/reports/{unit}/{year}/export.csv", get(report_csv_page))
        .route("/indicators/export.xlsx", get(indicators_xlsx_page))
        .route("/indicators/export.csv", get(indicators_csv_page))
}

async fn report_page(
    state: &AppState,
    p: &thamgia_domain::access::Principal,
    unit: &str,
    year: &str,
    format: Format,
) -> AppResult<ExportFile> {
    let year = parse_year(year).ok_or(AppError::NotFound)?;
    let db = &state.db.conn;
    let u = units::resolve(db, &p.scope(), unit, Some(year), None)
        .await?
        .unit;
    report_file(db, &u, year, state.now().date_naive(), format).await
}

async fn report_xlsx_page(
    State(state): State<AppState>,
    PageUser(p, ctx): PageUser,
    Path((unit, year)): Path<(String, String)>,
) -> PageResult {
    require(&p, Permission::ViewReports, ctx.lang)?;
    let f = report_page(&state, &p, &unit, &year, Format::Xlsx)
        .await
        .page(ctx.lang)?;
    Ok(f.into_response())
}

async fn report_docx_page(
    State(state): State<AppState>,
    PageUser(p, ctx): PageUser,
    Path((unit, year)): Path<(String, String)>,
) -> PageResult {
    require(&p, Permission::ViewReports, ctx.lang)?;
    let f = report_page(&state, &p, &unit, &year, Format::Docx)
        .await
        .page(ctx.lang)?;
    Ok(f.into_response())
}

async fn report_csv_page(
    State(state): State<AppState>,
    PageUser(p, ctx): PageUser,
    Path((unit, year)): Path<(String, String)>,
) -> PageResult {
    require(&p, Permission::ViewReports, ctx.lang)?;
    let f = report_page(&state, &p, &unit, &year, Format::Csv)
        .await
        .page(ctx.lang)?;
    Ok(f.into_response())
}

async fn indicators_page(
    state: &AppState,
    p: &thamgia_domain::access::Principal,
    q: &UnitYear,
    format: Format,
) -> AppResult<ExportFile> {
    let (u, year) = indicator_target(state, p, q).await?;
    indicators_file(&state.db.conn, &u, year, state.now().date_naive(), format).await
}

async fn indicators_xlsx_page(
    State(state): State<AppState>,
    PageUser(p, ctx): PageUser,
    Query(q): Query<UnitYear>,
) -> PageResult {
    require(&p, Permission::ViewPlan, ctx.lang)?;
    let f = indicators_page(&state, &p, &q, Format::Xlsx)
        .await
        .page(ctx.lang)?;
    Ok(f.into_response())
}

async fn indicators_csv_page(
    State(state): State<AppState>,
    PageUser(p, ctx): PageUser,
    Query(q): Query<UnitYear>,
) -> PageResult {
    require(&p, Permission::ViewPlan, ctx.lang)?;
    let f = indicators_page(&state, &p, &q, Format::Csv)
        .await
        .page(ctx.lang)?;
    Ok(f.into_response())
}
