//! Every agency reports: the agencies owing a report for a year with their
//! state, one agency's report (state, narratives per duty, figures, history),
//! its narratives, and its moves (`submit`, `return`, `approve`, `reopen`) —
//! the same shape as `api/reports.rs`, over `thamgia_actions::agency_reports`.

use super::Path;
use super::Query;
use super::reports::{
    ListParams, MoveBody, ReportEventDto, allowed_names, list_year, move_reason, report_year,
};
use super::require;
use super::{Api, JsonBody};
use crate::error::{AppError, AppResult, ErrorBody};
use crate::state::AppState;
use axum::Json;
use chrono::NaiveDate;
use thamgia_actions::Act;
use thamgia_actions::agency_reports::{
    self as actions, NarrativesInput, agency_of, authors, figures_of, role_of,
};
use thamgia_domain::access::{Permission, Principal};
use thamgia_domain::reports::ReportAction;
use thamgia_store::agency_reports::{self as store, AgencyRow, Narratives};
use thamgia_store::entity::{agency, agency_report, unit};
use thamgia_store::reports::chain;

/// One agency's place in the year's chain.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct AgencyReportRowDto {
    /// Agency code.
    pub agency: String,
    pub agency_name: String,
    /// Code of the agency's unit.
    pub unit: String,
    /// `draft`, `submitted`, `returned`, `approved`; `null` without a report.
    pub status: Option<String>,
    pub due_on: NaiveDate,
    pub first_submitted_on: Option<NaiveDate>,
    pub on_time: bool,
    /// Not submitted and past the due date.
    pub overdue: bool,
}

impl From<&AgencyRow> for AgencyReportRowDto {
    fn from(r: &AgencyRow) -> Self {
        AgencyReportRowDto {
            agency: r.agency.code.clone(),
            agency_name: r.agency.name_vi.clone(),
            unit: r.unit.code.clone(),
            status: r.status.map(|s| s.as_str().to_string()),
            due_on: r.due_on,
            first_submitted_on: r.first_submitted_on,
            on_time: r.on_time,
            overdue: r.overdue,
        }
    }
}

/// The agencies of the scope owing a report for a year.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct AgencyReportListDto {
    pub year: i32,
    pub agencies: Vec<AgencyReportRowDto>,
    pub submitted: usize,
    pub approved: usize,
    pub overdue: usize,
}

/// One agency's report.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct AgencyReportDto {
    pub agency: String,
    pub agency_name: String,
    pub year: i32,
    /// `null` while no report exists.
    pub status: Option<String>,
    pub due_on: NaiveDate,
    pub first_submitted_on: Option<NaiveDate>,
    pub on_time: bool,
    /// The figures are those frozen at submission (else computed now).
    pub frozen: bool,
    /// The moves the caller may make now.
    pub allowed: Vec<String>,
    /// Duty code → the agency's narrative on it.
    pub narratives: Narratives,
    /// `agency_reports::AgencyFigures`: `total` and `by_kind` (activities,
    /// participants, money spent), `recommendations` and `answered`, and
    /// `duties`, each with what was recorded against it and its indicators.
    #[schema(value_type = Object)]
    pub figures: serde_json::Value,
    pub events: Vec<ReportEventDto>,
}

/// The agencies of the scope that owe a report for a year (the plan's
/// yearly reporting duties), each with its report's state, due date, first
/// submission and whether it is overdue.
#[utoipa::path(get, path = "/api/v1/agency-reports", tag = "reports", params(ListParams),
    responses((status = 200, body = AgencyReportListDto), (status = 403, body = ErrorBody)))]
pub async fn list(
    Api { state, p }: Api,
    Query(q): Query<ListParams>,
) -> AppResult<Json<AgencyReportListDto>> {
    require(&p, Permission::ViewReports)?;
    let today = state.now().date_naive();
    let year = list_year(q.year.as_deref(), today)?;
    let rows = actions::scope_chain(&state.db.conn, &p, year, today).await?;
    Ok(Json(AgencyReportListDto {
        year,
        submitted: rows
            .iter()
            .filter(|r| r.first_submitted_on.is_some())
            .count(),
        approved: rows
            .iter()
            .filter(|r| r.status == Some(thamgia_domain::reports::ReportStatus::Approved))
            .count(),
        overdue: rows.iter().filter(|r| r.overdue).count(),
        agencies: rows.iter().map(AgencyReportRowDto::from).collect(),
    }))
}

async fn target(
    state: &AppState,
    p: &Principal,
    code: &str,
    year: &str,
) -> AppResult<(agency::Model, unit::Model, i32)> {
    let year = report_year(state, p, year)?;
    let (a, u) = agency_of(&state.db.conn, p, code, year).await?;
    Ok((a, u, year))
}

async fn dto(
    state: &AppState,
    p: &Principal,
    (a, u): (&agency::Model, &unit::Model),
    year: i32,
    r: Option<agency_report::Model>,
) -> AppResult<AgencyReportDto> {
    let db = &state.db.conn;
    let today = state.now().date_naive();
    let (figures, frozen) = figures_of(db, a, u, year, r.as_ref(), today).await?;
    let facts = chain::facts::<agency_report::Entity, _>(db, &u.path, year, r.as_ref()).await?;
    Ok(AgencyReportDto {
        agency: a.code.clone(),
        agency_name: a.name_vi.clone(),
        year,
        status: facts.status.map(|s| s.as_str().to_string()),
        due_on: facts.due_on,
        first_submitted_on: facts.first_submitted_on,
        on_time: facts.on_time(),
        frozen,
        allowed: allowed_names(facts.status, role_of(p, a, u), authors(p, a, u)),
        narratives: r.as_ref().map(store::narratives).unwrap_or_default(),
        figures: serde_json::to_value(&figures).unwrap_or_default(),
        events: facts.events.into_iter().map(ReportEventDto::from).collect(),
    })
}

/// An agency's report for a year: state, narratives per duty, figures
/// (frozen at submission, live before), history. Reading never creates one.
#[utoipa::path(get, path = "/api/v1/agency-reports/{agency}/{year}", tag = "reports",
    params(("agency" = String, Path, description = "Agency code"),
           ("year" = i32, Path, description = "Year")),
    responses((status = 200, body = AgencyReportDto), (status = 404, body = ErrorBody),
              (status = 403, body = ErrorBody)))]
pub async fn show(
    Api { state, p }: Api,
    Path((agency, year)): Path<(String, String)>,
) -> AppResult<Json<AgencyReportDto>> {
    let (a, u, year) = target(&state, &p, &agency, &year).await?;
    let r = store::of_agency_year(&state.db.conn, a.id, year).await?;
    Ok(Json(dto(&state, &p, (&a, &u), year, r).await?))
}

/// The narratives as sent: duty code → text.
#[derive(Debug, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct NarrativesForm {
    pub narratives: std::collections::BTreeMap<String, String>,
}

/// Saves the narratives (creating the draft): the agency's own officer (or
/// the coordinator), while a draft or returned (409 `wrong_state`); a code
/// that is not one of the agency's duties is `422 unknown_duty`.
#[utoipa::path(put, path = "/api/v1/agency-reports/{agency}/{year}", tag = "reports",
    params(("agency" = String, Path, description = "Agency code"),
           ("year" = i32, Path, description = "Year")),
    request_body = NarrativesForm,
    responses((status = 200, body = AgencyReportDto), (status = 422, body = ErrorBody),
              (status = 409, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 403, body = ErrorBody)))]
pub async fn update(
    Api { state, p }: Api,
    Path((agency, year)): Path<(String, String)>,
    body: JsonBody,
) -> AppResult<Json<AgencyReportDto>> {
    let (a, u, year) = target(&state, &p, &agency, &year).await?;
    require(&p, Permission::ReportForAgency)?;
    if !authors(&p, &a, &u) {
        return Err(AppError::Forbidden);
    }
    let b: NarrativesForm = super::json(&body)?;
    let act = Act::new(&state.db.conn, &p, state.now());
    let f = NarrativesInput {
        narratives: b.narratives,
    };
    let r = actions::save(act, &a, &u, year, &f).await?;
    Ok(Json(dto(&state, &p, (&a, &u), year, Some(r)).await?))
}

/// Moves the report: `submit` (freezes the figures), `return` (reason),
/// `approve` (locks the agency's activities of the year), `reopen`
/// (coordinator, reason). Refused: 409 `wrong_state`/`not_allowed`, 422
/// `reason: required`; nothing changes.
#[utoipa::path(post, path = "/api/v1/agency-reports/{agency}/{year}/{action}", tag = "reports",
    params(("agency" = String, Path, description = "Agency code"),
           ("year" = i32, Path, description = "Year"),
           ("action" = String, Path, description = "submit | return | approve | reopen")),
    request_body = MoveBody,
    responses((status = 200, body = AgencyReportDto), (status = 409, body = ErrorBody),
              (status = 422, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 403, body = ErrorBody)))]
pub async fn act(
    Api { state, p }: Api,
    Path((agency, year, action)): Path<(String, String, String)>,
    body: JsonBody,
) -> AppResult<Json<AgencyReportDto>> {
    let (a, u, year) = target(&state, &p, &agency, &year).await?;
    let action = ReportAction::parse(action.trim()).ok_or(AppError::NotFound)?;
    if role_of(&p, &a, &u).is_none() {
        return Err(AppError::Forbidden);
    }
    let reason = move_reason(&body)?;
    let act = Act::new(&state.db.conn, &p, state.now());
    let r = actions::move_report(act, &a, &u, year, action, reason.as_deref()).await?;
    Ok(Json(dto(&state, &p, (&a, &u), year, Some(r)).await?))
}
