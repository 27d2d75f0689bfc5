//! Units and agencies, scoped to the caller.

use super::Api;
use super::Path;
use super::paging::{Listing, Page};
use super::require;
use crate::error::{AppResult, ErrorBody};
use axum::Json;
use std::collections::HashMap;
use thamgia_domain::access::Permission;
use thamgia_store::entity::{agency, unit};
use thamgia_store::{agencies, units};

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct UnitDto {
    /// Official statistics code.
    pub code: String,
    pub name_vi: String,
    pub name_en: String,
    /// province | district | commune | school | village
    pub level: String,
    pub parent: Option<String>,
    /// Codes from the root, e.g. `/12/106/`.
    pub path: String,
    /// dd/mm/yyyy is for pages; the API uses ISO dates.
    pub valid_from: Option<chrono::NaiveDate>,
    pub valid_to: Option<chrono::NaiveDate>,
}

impl UnitDto {
    /// `codes` holds each unit's path in codes and its parent's code
    /// (`units::code_paths`): the stored path is made of ids.
    fn new(u: &unit::Model, codes: &HashMap<i32, (String, Option<String>)>) -> Self {
        let (path, parent) = codes.get(&u.id).cloned().unwrap_or_default();
        UnitDto {
            code: u.code.clone(),
            name_vi: u.name_vi.clone(),
            name_en: u.name_en.clone(),
            level: u.level.clone(),
            parent,
            path,
            valid_from: u.valid_from,
            valid_to: u.valid_to,
        }
    }
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct AgencyDto {
    pub code: String,
    pub name_vi: String,
    pub name_en: String,
    pub short_vi: Option<String>,
    pub kind: String,
    /// Code of the unit the agency sits in.
    pub unit: String,
}

impl AgencyDto {
    fn new(a: &agency::Model, u: &unit::Model) -> Self {
        AgencyDto {
            code: a.code.clone(),
            name_vi: a.name_vi.clone(),
            name_en: a.name_en.clone(),
            short_vi: a.short_vi.clone(),
            kind: a.kind.clone(),
            unit: u.code.clone(),
        }
    }
}

/// Units in the caller's scope, in tree order.
#[utoipa::path(get, path = "/api/v1/units", params(crate::api::paging::Paging), tag = "units",
    responses((status = 200, body = [UnitDto]), (status = 401, body = ErrorBody)))]
pub async fn units(Api { state, p }: Api, paging: Listing) -> AppResult<Page<UnitDto>> {
    require(&p, Permission::ViewUnits)?;
    let list = units::list(&state.db.conn, &p.scope()).await?;
    let codes = units::code_paths(&state.db.conn, &list).await?;
    paging.page(list.iter().map(|u| UnitDto::new(u, &codes)).collect())
}

/// One unit; 404 when unknown or outside the caller's scope.
#[utoipa::path(get, path = "/api/v1/units/{code}", tag = "units",
    params(("code" = String, Path, description = "Official unit code")),
    responses((status = 200, body = UnitDto)))]
pub async fn unit(Api { state, p }: Api, Path(code): Path<String>) -> AppResult<Json<UnitDto>> {
    require(&p, Permission::ViewUnits)?;
    let u = units::get_in_scope(&state.db.conn, &p.scope(), &code).await?;
    let codes = units::code_paths(&state.db.conn, std::slice::from_ref(&u)).await?;
    Ok(Json(UnitDto::new(&u, &codes)))
}

/// Agencies seated in the caller's scope or above it.
#[utoipa::path(get, path = "/api/v1/agencies", params(crate::api::paging::Paging), tag = "agencies",
    responses((status = 200, body = [AgencyDto]), (status = 401, body = ErrorBody)))]
pub async fn agencies(Api { state, p }: Api, paging: Listing) -> AppResult<Page<AgencyDto>> {
    require(&p, Permission::ViewAgencies)?;
    let rows = agencies::list(&state.db.conn, &p.scope()).await?;
    paging.page(rows.iter().map(|(a, u)| AgencyDto::new(a, u)).collect())
}

/// One agency with its year under the plan.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct AgencyYearDto {
    #[serde(flatten)]
    pub agency: AgencyDto,
    pub year: i32,
    /// Whether it owes the coordinator a report for the year (and the
    /// caller's scope holds it).
    pub owes_report: bool,
    /// Its report's state: `draft`, `submitted`, `returned`, `approved`;
    /// `null` without a report.
    pub report_status: Option<String>,
    /// `agency_reports::AgencyFigures`: its duties under the plan with what
    /// it recorded against each (activities of the duty's kinds with
    /// participants and money; the indicators the duty feeds), its
    /// activities by kind and the recommendations it answered.
    #[schema(value_type = Object)]
    pub recorded: serde_json::Value,
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AgencyParams {
    /// The year (default: last year).
    pub year: Option<String>,
}

/// One agency and its year: its duties, what it recorded against each and
/// the state of its report; 404 when unknown or not visible to the caller.
#[utoipa::path(get, path = "/api/v1/agencies/{code}", tag = "agencies",
    params(("code" = String, Path, description = "Agency code"), AgencyParams),
    responses((status = 200, body = AgencyYearDto)))]
pub async fn agency(
    Api { state, p }: Api,
    Path(code): Path<String>,
    super::Query(q): super::Query<AgencyParams>,
) -> AppResult<Json<AgencyYearDto>> {
    require(&p, Permission::ViewAgencies)?;
    let db = &state.db.conn;
    let (a, u) = agencies::get_in_scope(db, &p.scope(), &code).await?;
    let today = state.now().date_naive();
    let year = match q.year.as_deref().map(str::trim).filter(|y| !y.is_empty()) {
        Some(y) => thamgia_actions::reports::parse_year(y, today)
            .ok_or_else(|| crate::error::AppError::invalid("year", "malformed"))?,
        None => (chrono::Datelike::year(&today) - 1).max(2000),
    };
    let y = thamgia_actions::agency_reports::agency_year(db, &p, &a, &u, year, today).await?;
    Ok(Json(AgencyYearDto {
        agency: AgencyDto::new(&a, &u),
        year,
        owes_report: y.owes,
        report_status: y.report.map(|r| r.status.as_str().to_string()),
        recorded: serde_json::to_value(&y.figures).unwrap_or_default(),
    }))
}
