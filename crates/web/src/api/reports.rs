//! The annual report chain: the scope's reports for a year with completeness
//! and timeliness, one report (status, narrative, figures, history), its
//! narrative, and its moves (`submit`, `return`, `approve`, `reopen`). The
//! same rules and actions as the pages (`thamgia_actions::reports`); a refused move
//! changes nothing (409 `wrong_state`/`not_allowed`, 422 for a missing reason).

use super::Path;
use super::Query;
use super::require;
use super::{Api, JsonBody};
use crate::error::{AppError, AppResult, ErrorBody};
use crate::state::AppState;
use axum::Json;
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use thamgia_actions::Act;
use thamgia_actions::reports::{
    self as actions, NarrativeInput, authors, data_of, parse_year, role_of, scope_chain, unit_of,
};
use thamgia_domain::access::{Permission, Principal};
use thamgia_domain::reports::{ReportAction, ReportRole, ReportStatus};
use thamgia_store::entity::{report, report_event, unit};
use thamgia_store::report_data::ChainRow;
use thamgia_store::reports::{self, chain};

/// One unit's place in the chain.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ReportRowDto {
    /// Unit code.
    pub unit: String,
    pub unit_name: String,
    pub year: i32,
    /// `draft`, `submitted`, `returned`, `approved`; `null` without a report.
    pub status: Option<String>,
    pub due_on: NaiveDate,
    pub first_submitted_on: Option<NaiveDate>,
    /// First submitted on or before the due date.
    pub on_time: bool,
    /// Not submitted and past the due date (never for a unit that ended
    /// before the year did).
    pub overdue: bool,
    /// The unit's last day, when it ended during the year (a district on
    /// 30/6/2025): it owes no report for that year.
    pub ended_on: Option<NaiveDate>,
}

impl From<&ChainRow> for ReportRowDto {
    fn from(r: &ChainRow) -> Self {
        ReportRowDto {
            unit: r.unit.code.clone(),
            unit_name: r.unit.name_vi.clone(),
            year: 0,
            status: r.status.map(|s| s.as_str().to_string()),
            due_on: r.due_on,
            first_submitted_on: r.first_submitted_on,
            on_time: r.on_time,
            overdue: r.overdue,
            ended_on: r.ended_on,
        }
    }
}

/// The scope's reports for a year.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ReportListDto {
    pub year: i32,
    /// The scope unit's own report (the province's), when it reports.
    pub own: Option<ReportRowDto>,
    /// The units that report to the province in the scope: districts until
    /// 30/6/2025, commune-level units since (both in 2025).
    pub districts: Vec<ReportRowDto>,
    /// Districts that submitted (at least once) / approved / on time / overdue.
    pub submitted: usize,
    pub approved: usize,
    pub submitted_on_time: usize,
    pub overdue: usize,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ReportEventDto {
    pub action: String,
    pub from_status: String,
    pub to_status: String,
    pub reason: Option<String>,
    pub actor: String,
    pub at: DateTime<Utc>,
}

impl From<report_event::Model> for ReportEventDto {
    fn from(e: report_event::Model) -> Self {
        ReportEventDto {
            action: e.action.as_str().into(),
            from_status: e.from_status.as_str().into(),
            to_status: e.to_status.as_str().into(),
            reason: e.reason,
            actor: e.actor_label,
            at: e.at,
        }
    }
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct NarrativeDto {
    pub doc_number: Option<String>,
    pub place: Option<String>,
    pub signer_name: Option<String>,
    pub signer_title: Option<String>,
    pub recipients: Option<String>,
    pub results: String,
    pub difficulties: String,
    pub proposals: String,
}

/// One report.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ReportDto {
    pub unit: String,
    pub unit_name: String,
    pub year: i32,
    /// `null` while no report exists.
    pub status: Option<String>,
    pub due_on: NaiveDate,
    pub first_submitted_on: Option<NaiveDate>,
    pub on_time: bool,
    /// The figures are those frozen at submission (else computed now).
    pub frozen: bool,
    /// Whether the year of this unit is locked (an approved report).
    pub locked: bool,
    /// The moves the caller may make now.
    pub allowed: Vec<String>,
    pub narrative: Option<NarrativeDto>,
    /// `report_data::ReportData`: unit, year, `figures` (the indicator engine's
    /// T1–T3, M1–M3, T4, A1–A3, C1), activities, funding, forums, councils,
    /// clubs, recommendations and, for the province, `districts`.
    #[schema(value_type = Object)]
    pub figures: serde_json::Value,
    pub events: Vec<ReportEventDto>,
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// The year (default: last year).
    pub year: Option<String>,
}

/// The scope's annual reports for a year: each district's status, due date,
/// first submission and timeliness, and the completeness of the chain.
#[utoipa::path(get, path = "/api/v1/reports", tag = "reports", params(ListParams),
    responses((status = 200, body = ReportListDto), (status = 403, body = ErrorBody)))]
pub async fn list(
    Api { state, p }: Api,
    Query(q): Query<ListParams>,
) -> AppResult<Json<ReportListDto>> {
    require(&p, Permission::ViewReports)?;
    let today = state.now().date_naive();
    let year = list_year(q.year.as_deref(), today)?;
    let (own, chain) = scope_chain(&state.db.conn, &p, year, today).await?;
    let row = |r: &ChainRow| ReportRowDto {
        year,
        ..ReportRowDto::from(r)
    };
    Ok(Json(ReportListDto {
        year,
        own: own.as_ref().map(row),
        submitted: chain
            .iter()
            .filter(|r| r.first_submitted_on.is_some())
            .count(),
        approved: chain
            .iter()
            .filter(|r| r.status == Some(ReportStatus::Approved))
            .count(),
        submitted_on_time: chain.iter().filter(|r| r.on_time).count(),
        overdue: chain.iter().filter(|r| r.overdue).count(),
        districts: chain.iter().map(row).collect(),
    }))
}

/// The year a list of reports asks for (`?year=`, 422 when malformed), by
/// default last year.
pub(super) fn list_year(q: Option<&str>, today: NaiveDate) -> AppResult<i32> {
    match q.map(str::trim).filter(|y| !y.is_empty()) {
        Some(y) => parse_year(y, today).ok_or_else(|| AppError::invalid("year", "malformed")),
        None => Ok((today.year() - 1).max(2000)),
    }
}

/// The year of a report's address, for a caller who may view reports (404
/// for a year no report can be written for).
pub(super) fn report_year(state: &AppState, p: &Principal, year: &str) -> AppResult<i32> {
    require(p, Permission::ViewReports)?;
    parse_year(year, state.now().date_naive()).ok_or(AppError::NotFound)
}

/// The reason sent with a move (an empty body or a blank reason: none).
pub(super) fn move_reason(body: &JsonBody) -> AppResult<Option<String>> {
    let b: MoveBody = if body.iter().all(u8::is_ascii_whitespace) {
        MoveBody::default()
    } else {
        super::json(body)?
    };
    Ok(b.reason.filter(|r| !r.trim().is_empty()))
}

async fn target(
    state: &AppState,
    p: &Principal,
    unit: &str,
    year: &str,
) -> AppResult<(unit::Model, i32)> {
    let year = report_year(state, p, year)?;
    let u = unit_of(&state.db.conn, p, unit, year).await?;
    Ok((u, year))
}

async fn dto(
    state: &AppState,
    p: &Principal,
    u: &unit::Model,
    year: i32,
    r: Option<report::Model>,
) -> AppResult<ReportDto> {
    let db = &state.db.conn;
    let today = state.now().date_naive();
    let (data, frozen) = data_of(db, u, year, r.as_ref(), today).await?;
    let facts = chain::facts::<report::Entity, _>(db, &u.path, year, r.as_ref()).await?;
    Ok(ReportDto {
        unit: u.code.clone(),
        unit_name: u.name_vi.clone(),
        year,
        status: facts.status.map(|s| s.as_str().to_string()),
        due_on: facts.due_on,
        first_submitted_on: facts.first_submitted_on,
        on_time: facts.on_time(),
        frozen,
        locked: reports::is_locked(db, u.id, year).await?,
        allowed: allowed_names(facts.status, role_of(p, u), authors(p, u)),
        narrative: r.as_ref().map(|r| NarrativeDto {
            doc_number: r.doc_number.clone(),
            place: r.place.clone(),
            signer_name: r.signer_name.clone(),
            signer_title: r.signer_title.clone(),
            recipients: r.recipients.clone(),
            results: r.results.clone(),
            difficulties: r.difficulties.clone(),
            proposals: r.proposals.clone(),
        }),
        figures: serde_json::to_value(&data).unwrap_or_default(),
        events: facts.events.into_iter().map(ReportEventDto::from).collect(),
    })
}

/// The names of the moves the caller may make (`actions::moves_for`).
pub(super) fn allowed_names(
    status: Option<ReportStatus>,
    role: Option<ReportRole>,
    author: bool,
) -> Vec<String> {
    let moves = thamgia_actions::reports::moves_for(status, role, author);
    moves.iter().map(|a| a.as_str().to_string()).collect()
}

/// A unit's annual report for a year: status, narrative, figures (frozen at
/// submission, live before), history. Reading never creates a report.
#[utoipa::path(get, path = "/api/v1/reports/{unit}/{year}", tag = "reports",
    params(("unit" = String, Path, description = "Unit code (province or district)"),
           ("year" = i32, Path, description = "Year")),
    responses((status = 200, body = ReportDto), (status = 404, body = ErrorBody),
              (status = 403, body = ErrorBody)))]
pub async fn show(
    Api { state, p }: Api,
    Path((unit, year)): Path<(String, String)>,
) -> AppResult<Json<ReportDto>> {
    let (u, year) = target(&state, &p, &unit, &year).await?;
    let r = reports::of_unit_year(&state.db.conn, u.id, year).await?;
    Ok(Json(dto(&state, &p, &u, year, r).await?))
}

/// The narrative as sent; every field optional.
#[derive(Debug, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct NarrativeForm {
    /// Số: …/BC-…
    pub doc_number: String,
    pub place: String,
    pub signer_name: String,
    pub signer_title: String,
    /// One recipient a line ("Nơi nhận").
    pub recipients: String,
    pub results: String,
    pub difficulties: String,
    pub proposals: String,
}

/// Saves the narrative (creating the draft): the report's author only, while
/// it is a draft or returned (409 `wrong_state` otherwise).
#[utoipa::path(put, path = "/api/v1/reports/{unit}/{year}", tag = "reports",
    params(("unit" = String, Path, description = "Unit code"),
           ("year" = i32, Path, description = "Year")),
    request_body = NarrativeForm,
    responses((status = 200, body = ReportDto), (status = 422, body = ErrorBody),
              (status = 409, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 403, body = ErrorBody)))]
pub async fn update(
    Api { state, p }: Api,
    Path((unit, year)): Path<(String, String)>,
    body: JsonBody,
) -> AppResult<Json<ReportDto>> {
    let (u, year) = target(&state, &p, &unit, &year).await?;
    require(&p, Permission::ManageReports)?;
    if !authors(&p, &u) {
        return Err(AppError::Forbidden);
    }
    let b: NarrativeForm = super::json(&body)?;
    let f = NarrativeInput {
        doc_number: b.doc_number,
        place: b.place,
        signer_name: b.signer_name,
        signer_title: b.signer_title,
        recipients: b.recipients,
        results: b.results,
        difficulties: b.difficulties,
        proposals: b.proposals,
    };
    let act = Act::new(&state.db.conn, &p, state.now());
    let r = actions::save_narrative(act, &u, year, &f).await?;
    Ok(Json(dto(&state, &p, &u, year, Some(r)).await?))
}

#[derive(serde::Deserialize, Default, utoipa::ToSchema)]
#[serde(default)]
pub struct MoveBody {
    /// Required to return and to reopen.
    pub reason: Option<String>,
}

/// Moves the report: `submit` (freezes the figures), `return` (reason),
/// `approve` (locks the unit's year), `reopen` (coordinator, reason; lifts the
/// lock). Refused: 409 `wrong_state`/`not_allowed`, 422 `reason: required`;
/// nothing changes.
#[utoipa::path(post, path = "/api/v1/reports/{unit}/{year}/{action}", tag = "reports",
    params(("unit" = String, Path, description = "Unit code"),
           ("year" = i32, Path, description = "Year"),
           ("action" = String, Path, description = "submit | return | approve | reopen")),
    request_body = MoveBody,
    responses((status = 200, body = ReportDto), (status = 409, body = ErrorBody),
              (status = 422, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 403, body = ErrorBody)))]
pub async fn act(
    Api { state, p }: Api,
    Path((unit, year, action)): Path<(String, String, String)>,
    body: JsonBody,
) -> AppResult<Json<ReportDto>> {
    let (u, year) = target(&state, &p, &unit, &year).await?;
    let action = ReportAction::parse(action.trim()).ok_or(AppError::NotFound)?;
    if role_of(&p, &u).is_none() {
        return Err(AppError::Forbidden);
    }
    let reason = move_reason(&body)?;
    let act = Act::new(&state.db.conn, &p, state.now());
    let r = actions::move_report(act, &u, year, action, reason.as_deref()).await?;
    Ok(Json(dto(&state, &p, &u, year, Some(r)).await?))
}
