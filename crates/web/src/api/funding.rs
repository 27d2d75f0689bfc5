//! Funding: budget against spending of a unit's subtree (the same
//! computation as the funding page and export, `thamgia_actions::funding`), and the
//! budget lines — listed, and set by unit, year, source and project.
//! Amounts are integers of đồng.

use super::Query;
use super::paging::{Listing, Page};
use super::require;
use super::shapes::query_params;
use super::{Api, Created, JsonBody};
use crate::error::{AppError, AppResult, ErrorBody};
use crate::state::AppState;
use axum::Json;
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::Value;
use thamgia_actions::Act;
use thamgia_actions::funding::{BudgetInput, Total, parse_year_filter, summary, unit_of};
use thamgia_domain::access::{Permission, Scope};
use thamgia_store::activities::{self, Saved};
use thamgia_store::entity::{budget_line, unit};

query_params! {
    FundingQuery {
        /// Code of a unit in the caller's scope; the caller's own unit when absent.
        unit,
        /// Four digits; every year when absent.
        year,
    }
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct MoneyDto {
    /// Đồng.
    pub budget: i64,
    /// Đồng.
    pub spent: i64,
    /// Spending passed the budget.
    pub over: bool,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct NamedMoneyDto {
    pub code: String,
    /// Vietnamese name.
    pub name: String,
    pub budget: i64,
    pub spent: i64,
    pub over: bool,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct YearMoneyDto {
    pub year: i32,
    pub budget: i64,
    pub spent: i64,
    pub over: bool,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct OverBudgetDto {
    /// Unit code.
    pub unit: String,
    pub year: i32,
    /// Funding source code.
    pub source: String,
    /// Project code.
    pub project: String,
    pub budget: i64,
    pub spent: i64,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct FundingDto {
    /// Unit code.
    pub unit: String,
    /// The year, or null for every year.
    pub year: Option<i32>,
    pub total: MoneyDto,
    pub by_source: Vec<NamedMoneyDto>,
    pub by_project: Vec<NamedMoneyDto>,
    /// The unit's own lines first, then each unit directly below it (its subtree).
    pub by_unit: Vec<NamedMoneyDto>,
    pub by_year: Vec<YearMoneyDto>,
    /// Budget lines (unit, year, source, project) whose spending passed the budget.
    pub over_budget: Vec<OverBudgetDto>,
}

fn named(t: &Total) -> NamedMoneyDto {
    NamedMoneyDto {
        code: t.code.clone(),
        name: t.name.clone(),
        budget: t.budget,
        spent: t.spent,
        over: t.over(),
    }
}

/// Budget against spending of a unit's subtree: totals by funding source, by
/// project, by unit and by year, and the budget lines overspent. Spending
/// counts in the year it was spent, for its activity's unit and project.
#[utoipa::path(get, path = "/api/v1/funding", tag = "activities", params(FundingQuery),
    responses((status = 200, body = FundingDto), (status = 404, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn funding(
    Api { state, p }: Api,
    Query(q): Query<FundingQuery>,
) -> AppResult<Json<FundingDto>> {
    require(&p, Permission::ViewActivities)?;
    let year = parse_year_filter(q.year.as_deref().unwrap_or(""))?;
    let db = &state.db.conn;
    let u = unit_of(db, &p, q.unit.as_deref().unwrap_or(""), year).await?;
    let s = summary(db, &u, year).await?;
    Ok(Json(FundingDto {
        unit: s.unit.code.clone(),
        year: s.year,
        total: MoneyDto {
            budget: s.total.budget,
            spent: s.total.spent,
            over: s.total.over(),
        },
        by_source: s.by_source.iter().map(named).collect(),
        by_project: s.by_project.iter().map(named).collect(),
        by_unit: s.by_unit.iter().map(named).collect(),
        by_year: s
            .by_year
            .iter()
            .map(|(y, t)| YearMoneyDto {
                year: *y,
                budget: t.budget,
                spent: t.spent,
                over: t.over(),
            })
            .collect(),
        over_budget: s
            .over_budget
            .iter()
            .map(|o| OverBudgetDto {
                unit: o.unit.clone(),
                year: o.year,
                source: o.source.clone(),
                project: o.project.clone(),
                budget: o.budget,
                spent: o.spent,
            })
            .collect(),
    }))
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct BudgetLineDto {
    pub id: i32,
    /// Unit code.
    pub unit: String,
    pub year: i32,
    /// Funding source code.
    pub source: String,
    /// Project code.
    pub project: String,
    /// Đồng.
    pub amount: i64,
    /// Spending on the line's unit, year, source and project, in đồng.
    pub spent: i64,
    pub over: bool,
    pub note: Option<String>,
    /// `created`, `updated` or `unchanged` (only in answers to PUT).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>)]
    pub saved: Option<Saved>,
}

async fn line_dto(
    state: &AppState,
    b: &budget_line::Model,
    u: &unit::Model,
    saved: Option<Saved>,
) -> AppResult<BudgetLineDto> {
    let scope = Scope {
        path: u.path.clone(),
    };
    let spent = activities::money(&state.db.conn, &scope, None, Some(b.year))
        .await?
        .into_iter()
        .filter(|c| {
            c.unit_id == b.unit_id && c.source == b.source_code && c.project == b.project_code
        })
        .map(|c| c.spent)
        .sum();
    Ok(BudgetLineDto {
        id: b.id,
        unit: u.code.clone(),
        year: b.year,
        source: b.source_code.clone(),
        project: b.project_code.clone(),
        amount: b.amount,
        spent,
        over: spent > b.amount,
        note: b.note.clone(),
        saved,
    })
}

/// Budget lines of a unit's subtree (the caller's unit when absent), one year or all.
#[utoipa::path(get, path = "/api/v1/budget-lines", tag = "activities", params(crate::api::paging::Paging, FundingQuery),
    responses((status = 200, body = [BudgetLineDto]), (status = 404, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn lines(
    Api { state, p }: Api,
    Query(q): Query<FundingQuery>,
    paging: Listing,
) -> AppResult<Page<BudgetLineDto>> {
    require(&p, Permission::ViewActivities)?;
    let year = parse_year_filter(q.year.as_deref().unwrap_or(""))?;
    let db = &state.db.conn;
    let u = unit_of(db, &p, q.unit.as_deref().unwrap_or(""), year).await?;
    let scope = Scope {
        path: u.path.clone(),
    };
    let cells = activities::money(db, &scope, None, year).await?;
    paging.page(
        activities::budget_lines(db, &scope, None, year)
            .await?
            .into_iter()
            .map(|(b, lu)| {
                let spent = cells
                    .iter()
                    .filter(|c| {
                        c.unit_id == b.unit_id
                            && c.year == b.year
                            && c.source == b.source_code
                            && c.project == b.project_code
                    })
                    .map(|c| c.spent)
                    .sum();
                BudgetLineDto {
                    id: b.id,
                    unit: lu.code,
                    year: b.year,
                    source: b.source_code,
                    project: b.project_code,
                    amount: b.amount,
                    spent,
                    over: spent > b.amount,
                    note: b.note,
                    saved: None,
                }
            })
            .collect(),
    )
}

/// A budget line as sent: strings (as in the forms and the import template)
/// or numbers for `year` and `amount`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct BudgetLinePut {
    /// Unit code in the caller's scope.
    #[schema(value_type = String)]
    pub unit: Option<Value>,
    /// Four digits, a year covered by a plan.
    #[schema(value_type = String)]
    pub year: Option<Value>,
    /// Funding source code (or its Vietnamese name).
    #[schema(value_type = String)]
    pub source: Option<Value>,
    /// Project code.
    #[schema(value_type = String)]
    pub project: Option<Value>,
    /// Whole đồng: `1250000` or `"1.250.000"`.
    #[schema(value_type = String)]
    pub amount: Option<Value>,
    pub note: Option<String>,
}

pub(crate) fn text(v: &Option<Value>) -> String {
    match v {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        Some(Value::Null) | None => String::new(),
        // Anything else is not a text the checks read: it fails them.
        Some(other) => format!("\u{0}{other}"),
    }
}

/// Sets a budget line by unit, year, source and project: creates it (201) or
/// changes its amount and note (200; `saved` tells `updated` from `unchanged`).
#[utoipa::path(put, path = "/api/v1/budget-lines", tag = "activities", request_body = BudgetLinePut,
    responses((status = 201, body = BudgetLineDto), (status = 200, body = BudgetLineDto), (status = 403, body = ErrorBody)))]
pub async fn put_line(Api { state, p }: Api, body: JsonBody) -> AppResult<Created<BudgetLineDto>> {
    require(&p, Permission::ManageBudget)?;
    let b: BudgetLinePut = super::json(&body)?;
    let t = BudgetInput {
        unit: text(&b.unit),
        year: text(&b.year),
        source: text(&b.source),
        project: text(&b.project),
        amount: text(&b.amount),
        note: b.note.unwrap_or_default(),
    };
    let db = &state.db.conn;
    let (row, saved) =
        thamgia_actions::funding::set_budget_line(Act::new(db, &p, state.now()), &t).await?;
    let u = thamgia_store::units::by_id(db, row.unit_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let status = if saved == Saved::Created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(line_dto(&state, &row, &u, Some(saved)).await?)))
}
