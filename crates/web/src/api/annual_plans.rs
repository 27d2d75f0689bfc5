//! Annual activity plans with their planned items and the plan against
//! actual. The same actions as the pages (`thamgia_actions::annual_plans`).

use super::Path;
use super::Query;
use super::paging::{Listing, Page};
use super::require;
use super::{Api, JsonBody, RecordWrite};
use super::{Created, created};
use crate::error::{AppResult, ErrorBody};
use crate::state::AppState;
use axum::Json;
use serde::Deserialize;
use serde_json::Value;
use thamgia_actions::Act;
use thamgia_actions::annual_plans::{self as actions, PlanInput, PlanItemInput};
use thamgia_domain::access::{Permission, Principal};
use thamgia_store::annual_plans::{self, PlanVsActual};
use thamgia_store::entity::{agency, annual_plan, unit};
use thamgia_store::units;

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct PlanItemDto {
    pub id: i32,
    pub project: String,
    pub kind: String,
    pub title: String,
    pub month: Option<i32>,
    pub planned_participants: i32,
    /// Whole đồng.
    pub planned_budget: i64,
    /// The activity that carried it out.
    pub activity_id: Option<i32>,
    /// People who took part in that activity (0 when not done).
    pub actual_participants: i64,
    /// Spending of that activity, whole đồng (0 when not done).
    pub spent: i64,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct TotalsDto {
    /// A project code; empty for the whole plan.
    pub project: String,
    pub items: usize,
    pub done: usize,
    pub planned_participants: i64,
    pub actual_participants: i64,
    pub planned_budget: i64,
    pub spent: i64,
}

impl From<&annual_plans::Totals> for TotalsDto {
    fn from(t: &annual_plans::Totals) -> Self {
        TotalsDto {
            project: t.project.clone(),
            items: t.items,
            done: t.done,
            planned_participants: t.planned_participants,
            actual_participants: t.actual_participants,
            planned_budget: t.planned_budget,
            spent: t.spent,
        }
    }
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct PlanVsActualDto {
    pub by_project: Vec<TotalsDto>,
    pub total: TotalsDto,
    /// Ids of the items no activity carried out.
    pub not_done: Vec<i32>,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct AnnualPlanDto {
    pub id: i32,
    /// Code of the unit.
    pub unit: String,
    /// Code of the owner agency.
    pub agency: String,
    pub year: i32,
    pub note: Option<String>,
    pub items_count: usize,
    pub done: usize,
    pub planned_budget: i64,
    pub spent: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub items: Option<Vec<PlanItemDto>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub plan_vs_actual: Option<PlanVsActualDto>,
}

fn full(
    p: &annual_plan::Model,
    u: &unit::Model,
    a: &agency::Model,
    pva: &PlanVsActual,
) -> AnnualPlanDto {
    AnnualPlanDto {
        id: p.id,
        unit: u.code.clone(),
        agency: a.code.clone(),
        year: p.year,
        note: p.note.clone(),
        items_count: pva.total.items,
        done: pva.total.done,
        planned_budget: pva.total.planned_budget,
        spent: pva.total.spent,
        items: Some(
            pva.items
                .iter()
                .map(|x| PlanItemDto {
                    id: x.item.id,
                    project: x.item.project_code.clone(),
                    kind: x.item.kind.clone(),
                    title: x.item.title.clone(),
                    month: x.item.month,
                    planned_participants: x.item.planned_participants,
                    planned_budget: x.item.planned_budget,
                    activity_id: x.activity.as_ref().map(|a| a.id),
                    actual_participants: x.actual_participants,
                    spent: x.spent,
                })
                .collect(),
        ),
        plan_vs_actual: Some(PlanVsActualDto {
            by_project: pva.by_project.iter().map(TotalsDto::from).collect(),
            total: TotalsDto::from(&pva.total),
            not_done: pva.not_done.clone(),
        }),
    }
}

async fn one(state: &AppState, p: &Principal, id: i32) -> AppResult<AnnualPlanDto> {
    let db = &state.db.conn;
    let (plan, u, a) = annual_plans::get_in_scope(db, &p.scope(), id).await?;
    let pva = annual_plans::plan_vs_actual(db, plan.id).await?;
    Ok(full(&plan, &u, &a, &pva))
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    pub year: Option<i32>,
    /// Code of a unit in the caller's scope: its plans and those of units under it.
    pub unit: Option<String>,
}

/// Annual activity plans in the caller's scope with their figures.
#[utoipa::path(get, path = "/api/v1/annual-plans", tag = "activities", params(crate::api::paging::Paging, ListParams),
    responses((status = 200, body = [AnnualPlanDto]), (status = 404, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn list(
    Api { state, p }: Api,
    Query(q): Query<ListParams>,
    paging: Listing,
) -> AppResult<Page<AnnualPlanDto>> {
    require(&p, Permission::ViewActivities)?;
    let db = &state.db.conn;
    let scope = match q.unit.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(code) => thamgia_domain::access::Scope {
            path: units::get_in_scope(db, &p.scope(), code).await?.path,
        },
        None => p.scope(),
    };
    let rows = annual_plans::list(db, &scope, q.year).await?;
    paging.page(
        rows.into_iter()
            .map(|r| AnnualPlanDto {
                id: r.plan.id,
                unit: r.unit.code,
                agency: r.agency.code,
                year: r.plan.year,
                note: r.plan.note,
                items_count: r.items,
                done: r.done,
                planned_budget: r.planned_budget,
                spent: r.spent,
                items: None,
                plan_vs_actual: None,
            })
            .collect(),
    )
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct AnnualPlanCreate {
    /// Code of a unit in the caller's scope.
    pub unit: Option<String>,
    /// Code of the owner agency (an agency officer: their own).
    pub agency: Option<String>,
    #[schema(value_type = Option<i32>)]
    pub year: Option<Value>,
    pub note: Option<String>,
}

fn as_text(v: Option<&Value>) -> String {
    match v {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    }
}

/// Creates an annual plan (one per unit, agency and year: `422 year plan_exists`).
#[utoipa::path(post, path = "/api/v1/annual-plans", tag = "activities", request_body = AnnualPlanCreate,
    responses((status = 201, body = AnnualPlanDto), (status = 403, body = ErrorBody)))]
pub async fn create(Api { state, p }: Api, body: JsonBody) -> AppResult<Created<AnnualPlanDto>> {
    let act = Act::new(&state.db.conn, &p, state.now());
    act.require(Permission::ManageActivities)?;
    let b: AnnualPlanCreate = super::json(&body)?;
    let f = PlanInput {
        unit: b.unit.unwrap_or_default(),
        agency: b.agency.unwrap_or_default(),
        year: as_text(b.year.as_ref()),
        note: b.note.unwrap_or_default(),
    };
    let plan = actions::create(act, &f).await?;
    Ok(created(one(&state, &p, plan.id).await?))
}

/// One plan with its items and the plan against actual.
#[utoipa::path(get, path = "/api/v1/annual-plans/{id}", tag = "activities",
    params(("id" = i32, Path, description = "Annual plan id")),
    responses((status = 200, body = AnnualPlanDto), (status = 403, body = ErrorBody)))]
pub async fn show(Api { state, p }: Api, Path(id): Path<i32>) -> AppResult<Json<AnnualPlanDto>> {
    require(&p, Permission::ViewActivities)?;
    Ok(Json(one(&state, &p, id).await?))
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct PlanItemBody {
    /// A project code of the plan covering the year.
    pub project: Option<String>,
    pub kind: Option<String>,
    pub title: Option<String>,
    /// 1–12 (optional).
    #[schema(value_type = Option<i32>)]
    pub month: Option<Value>,
    #[schema(value_type = Option<i64>)]
    pub planned_participants: Option<Value>,
    /// Whole đồng.
    #[schema(value_type = Option<i64>)]
    pub planned_budget: Option<Value>,
}

/// Adds a planned activity to the plan.
#[utoipa::path(post, path = "/api/v1/annual-plans/{id}/items", tag = "activities", request_body = PlanItemBody,
    params(("id" = i32, Path, description = "Annual plan id")),
    responses((status = 201, body = PlanItemDto),
              (status = 403, body = ErrorBody)))]
pub async fn add_item(
    RecordWrite { state, p, id, body }: RecordWrite,
) -> AppResult<Created<PlanItemDto>> {
    // Permission and scope before the body is read.
    let act = Act::new(&state.db.conn, &p, state.now());
    let b: PlanItemBody = super::json_after(actions::load_managed(act, id), &body).await?;
    let t = PlanItemInput {
        project: b.project.unwrap_or_default(),
        kind: b.kind.unwrap_or_default(),
        title: b.title.unwrap_or_default(),
        month: as_text(b.month.as_ref()),
        planned_participants: as_text(b.planned_participants.as_ref()),
        planned_budget: as_text(b.planned_budget.as_ref()),
    };
    let row = actions::add_item(act, id, &t).await?;
    Ok(created(PlanItemDto {
        id: row.id,
        project: row.project_code,
        kind: row.kind,
        title: row.title,
        month: row.month,
        planned_participants: row.planned_participants,
        planned_budget: row.planned_budget,
        activity_id: None,
        actual_participants: 0,
        spent: 0,
    }))
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct PlanItemLink {
    /// The activity (same unit, started in the plan's year) that carried the
    /// item out; `null` to mark it not done.
    pub activity_id: Option<i32>,
}

/// Links a planned item to the activity that carried it out; answers the
/// plan with its figures.
#[utoipa::path(put, path = "/api/v1/annual-plans/{id}/items/{item_id}", tag = "activities", request_body = PlanItemLink,
    params(("id" = i32, Path, description = "Annual plan id"), ("item_id" = i32, Path, description = "Item id")),
    responses((status = 200, body = AnnualPlanDto),
              (status = 403, body = ErrorBody)))]
pub async fn link_item(
    RecordWrite { state, p, id, body }: RecordWrite<(i32, i32)>,
) -> AppResult<Json<AnnualPlanDto>> {
    let (id, item_id) = id;
    let act = Act::new(&state.db.conn, &p, state.now());
    let b: PlanItemLink = super::json_after(actions::load_managed(act, id), &body).await?;
    actions::link_item(act, id, item_id, b.activity_id).await?;
    Ok(Json(one(&state, &p, id).await?))
}
