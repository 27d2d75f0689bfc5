//! Annual activity plans: a plan per (unit, owner agency, year) with its
//! planned activities (project, kind, title, month, planned participants and
//! budget), each linked, once carried out, to the activity that did it; and
//! the plan against actual at the year's end. Checks live in
//! `thamgia_domain::activities::check_plan_item`; every write is audited.

use crate::audit;
use crate::entity::{
    activity, activity_participant, agency, annual_plan, annual_plan_item, spending, unit,
};
use crate::{Result, StoreError};
use chrono::{DateTime, Datelike, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel,
    QueryFilter, QueryOrder, QueryTrait, TransactionSession, TransactionTrait,
};
use std::collections::{BTreeMap, HashMap};
use thamgia_domain::access::{Actor, Scope};
use thamgia_domain::activities::PlanItem;

/// A new plan: whose, for which year.
#[derive(Debug, Clone)]
pub struct NewPlan {
    pub unit_id: i32,
    pub agency_id: i32,
    pub year: i32,
    pub note: Option<String>,
}

/// Creates a plan; `Conflict { field: "year" }` when the agency already has
/// one for that unit and year.
pub async fn create<C: TransactionTrait + ConnectionTrait>(
    c: &C,
    actor: &Actor,
    now: DateTime<Utc>,
    n: &NewPlan,
) -> Result<annual_plan::Model> {
    let tx = crate::begin_write(c).await?;
    let row = create_in(&tx, actor, now, n).await?;
    tx.commit().await?;
    Ok(row)
}

/// As [`create`], inside the caller's transaction.
pub async fn create_in<C: ConnectionTrait>(
    c: &C,
    actor: &Actor,
    now: DateTime<Utc>,
    n: &NewPlan,
) -> Result<annual_plan::Model> {
    if by_owner(c, n.unit_id, n.agency_id, n.year).await?.is_some() {
        return Err(StoreError::Conflict { field: "year" });
    }
    let row = annual_plan::ActiveModel {
        unit_id: Set(n.unit_id),
        agency_id: Set(n.agency_id),
        year: Set(n.year),
        note: Set(n.note.clone()),
        created_by: Set(actor.user_id),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(c)
    .await
    .map_err(|e| crate::on_unique(e, "year"))?;
    audit::created(c, actor, now, "annual_plan", row.id, &row).await?;
    Ok(row)
}

/// The plan of this agency for this unit and year, if any.
pub async fn by_owner<C: ConnectionTrait>(
    c: &C,
    unit_id: i32,
    agency_id: i32,
    year: i32,
) -> Result<Option<annual_plan::Model>> {
    Ok(annual_plan::Entity::find()
        .filter(annual_plan::Column::UnitId.eq(unit_id))
        .filter(annual_plan::Column::AgencyId.eq(agency_id))
        .filter(annual_plan::Column::Year.eq(year))
        .one(c)
        .await?)
}

/// The plan `id` when its unit lies in the scope, with its unit and agency.
pub async fn get_in_scope<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    id: i32,
) -> Result<(annual_plan::Model, unit::Model, agency::Model)> {
    let (p, u) =
        crate::scoped::of_unit::<annual_plan::Entity, C>(c, scope, id, |r| r.unit_id).await?;
    let a = crate::scoped::found::<agency::Entity, C>(c, p.agency_id).await?;
    Ok((p, u, a))
}

/// The planned items of a plan, by month (unfixed months last) then id.
pub async fn items<C: ConnectionTrait>(
    c: &C,
    plan_id: i32,
) -> Result<Vec<annual_plan_item::Model>> {
    let mut v = annual_plan_item::Entity::find()
        .filter(annual_plan_item::Column::AnnualPlanId.eq(plan_id))
        .order_by_asc(annual_plan_item::Column::Id)
        .all(c)
        .await?;
    v.sort_by_key(|i| (i.month.unwrap_or(13), i.id));
    Ok(v)
}

/// Adds a planned item (audited).
pub async fn add_item<C: TransactionTrait + ConnectionTrait>(
    c: &C,
    actor: &Actor,
    now: DateTime<Utc>,
    plan_id: i32,
    item: &PlanItem,
) -> Result<annual_plan_item::Model> {
    let tx = crate::begin_write(c).await?;
    let row = add_item_in(&tx, actor, now, plan_id, item).await?;
    tx.commit().await?;
    Ok(row)
}

/// As [`add_item`], inside the caller's transaction.
pub async fn add_item_in<C: ConnectionTrait>(
    c: &C,
    actor: &Actor,
    now: DateTime<Utc>,
    plan_id: i32,
    item: &PlanItem,
) -> Result<annual_plan_item::Model> {
    let row = annual_plan_item::ActiveModel {
        annual_plan_id: Set(plan_id),
        project_code: Set(item.project.clone()),
        kind: Set(item.kind.as_str().into()),
        title: Set(item.title.clone()),
        month: Set(item.month),
        planned_participants: Set(item.planned_participants),
        planned_budget: Set(item.planned_budget.0),
        activity_id: Set(None),
        ..Default::default()
    }
    .insert(c)
    .await?;
    audit::created(c, actor, now, "annual_plan_item", row.id, &row).await?;
    Ok(row)
}

/// Activities a plan's item may be linked to: those of the plan's unit that
/// started in the plan's year, newest first.
pub async fn linkable<C: ConnectionTrait>(
    c: &C,
    p: &annual_plan::Model,
) -> Result<Vec<activity::Model>> {
    let (Some(from), Some(to)) = (
        chrono::NaiveDate::from_ymd_opt(p.year, 1, 1),
        chrono::NaiveDate::from_ymd_opt(p.year, 12, 31),
    ) else {
        return Ok(vec![]);
    };
    Ok(activity::Entity::find()
        .filter(activity::Column::UnitId.eq(p.unit_id))
        .filter(activity::Column::StartsOn.gte(from))
        .filter(activity::Column::StartsOn.lte(to))
        .order_by_asc(activity::Column::StartsOn)
        .order_by_asc(activity::Column::Id)
        .all(c)
        .await?)
}

/// Links an item to the activity that carried it out (or unlinks it with
/// `None`). The activity must belong to the plan's unit and year:
/// `Conflict { field: "activity" }` otherwise; an item of another plan is `NotFound`.
pub async fn link_item<C: TransactionTrait + ConnectionTrait>(
    c: &C,
    actor: &Actor,
    now: DateTime<Utc>,
    plan: &annual_plan::Model,
    item_id: i32,
    activity_id: Option<i32>,
) -> Result<annual_plan_item::Model> {
    let tx = crate::begin_write(c).await?;
    let before = crate::scoped::child_of(
        &tx,
        annual_plan_item::Column::AnnualPlanId,
        plan.id,
        item_id,
    )
    .await?;
    if let Some(aid) = activity_id {
        let a = activity::Entity::find_by_id(aid).one(&tx).await?;
        let fits = a.is_some_and(|a| a.unit_id == plan.unit_id && a.starts_on.year() == plan.year);
        if !fits {
            return Err(StoreError::Conflict { field: "activity" });
        }
    }
    if before.activity_id == activity_id {
        return Ok(before);
    }
    let mut am = before.clone().into_active_model();
    am.activity_id = Set(activity_id);
    let after = am.update(&tx).await?;
    audit::updated(
        &tx,
        actor,
        now,
        "annual_plan_item",
        after.id,
        &before,
        &after,
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

/// One plan of a list, with its figures.
#[derive(Debug, Clone, serde::Serialize)]
pub struct PlanRow {
    pub plan: annual_plan::Model,
    pub unit: unit::Model,
    pub agency: agency::Model,
    pub items: usize,
    /// Items linked to an activity.
    pub done: usize,
    pub planned_budget: i64,
    /// Spending of the linked activities.
    pub spent: i64,
}

/// Plans in the scope (optionally one year), by year (newest first) then unit path.
pub async fn list<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    year: Option<i32>,
) -> Result<Vec<PlanRow>> {
    let units = crate::scoped::units_by_id(c, scope, None).await?;
    let plans = annual_plan::Entity::find()
        .filter(annual_plan::Column::UnitId.is_in(units.keys().copied()))
        .apply_if(year, |q, y| q.filter(annual_plan::Column::Year.eq(y)))
        .all(c)
        .await?;
    let ids: Vec<i32> = plans.iter().map(|p| p.id).collect();
    let mut items: HashMap<i32, Vec<annual_plan_item::Model>> = HashMap::new();
    for chunk in ids.chunks(5_000) {
        for i in annual_plan_item::Entity::find()
            .filter(annual_plan_item::Column::AnnualPlanId.is_in(chunk.iter().copied()))
            .all(c)
            .await?
        {
            items.entry(i.annual_plan_id).or_default().push(i);
        }
    }
    let linked: Vec<i32> = items
        .values()
        .flatten()
        .filter_map(|i| i.activity_id)
        .collect();
    let spent = spent_of(c, &linked).await?;
    let agencies =
        crate::scoped::by_ids::<agency::Entity, _>(c, plans.iter().map(|p| p.agency_id)).await?;
    let mut out: Vec<PlanRow> = plans
        .into_iter()
        .filter_map(|p| {
            let its = items.remove(&p.id).unwrap_or_default();
            let mut acts: Vec<i32> = its.iter().filter_map(|i| i.activity_id).collect();
            acts.sort_unstable();
            acts.dedup();
            Some(PlanRow {
                unit: units.get(&p.unit_id)?.clone(),
                agency: agencies.get(&p.agency_id)?.clone(),
                items: its.len(),
                done: its.iter().filter(|i| i.activity_id.is_some()).count(),
                planned_budget: its.iter().map(|i| i.planned_budget).sum(),
                spent: acts
                    .iter()
                    .map(|a| spent.get(a).copied().unwrap_or(0))
                    .sum(),
                plan: p,
            })
        })
        .collect();
    out.sort_by(|a, b| {
        (b.plan.year, &a.unit.path, &a.agency.code).cmp(&(
            a.plan.year,
            &b.unit.path,
            &b.agency.code,
        ))
    });
    Ok(out)
}

async fn spent_of<C: ConnectionTrait>(c: &C, activity_ids: &[i32]) -> Result<HashMap<i32, i64>> {
    let mut spent: HashMap<i32, i64> = HashMap::new();
    for chunk in activity_ids.chunks(5_000) {
        for s in spending::Entity::find()
            .filter(spending::Column::ActivityId.is_in(chunk.iter().copied()))
            .all(c)
            .await?
        {
            *spent.entry(s.activity_id).or_default() += s.amount;
        }
    }
    Ok(spent)
}

/// One planned item against what was done.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ItemActual {
    pub item: annual_plan_item::Model,
    /// The activity that carried it out.
    pub activity: Option<activity::Model>,
    /// People who took part in that activity (all groups, both sexes).
    pub actual_participants: i64,
    /// Spending of that activity.
    pub spent: i64,
}

/// Totals of one project (or of the whole plan, `project` empty).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Totals {
    pub project: String,
    pub items: usize,
    pub done: usize,
    pub planned_participants: i64,
    pub actual_participants: i64,
    pub planned_budget: i64,
    pub spent: i64,
}

impl Totals {
    fn add(&mut self, a: &ItemActual) {
        self.items += 1;
        self.planned_participants += i64::from(a.item.planned_participants);
        self.planned_budget += a.item.planned_budget;
        if a.activity.is_some() {
            self.done += 1;
            self.actual_participants += a.actual_participants;
            self.spent += a.spent;
        }
    }
}

/// The plan against actual: per item, per project, overall; and the items not done.
#[derive(Debug, Clone, serde::Serialize)]
pub struct PlanVsActual {
    pub items: Vec<ItemActual>,
    pub by_project: Vec<Totals>,
    pub total: Totals,
    /// Ids of the items no activity carried out.
    pub not_done: Vec<i32>,
}

/// Computes the plan against actual. Actual figures count only linked items:
/// an item done by an activity counts that activity's participants and
/// spending (an activity linked to two items counts for each).
pub async fn plan_vs_actual<C: ConnectionTrait>(c: &C, plan_id: i32) -> Result<PlanVsActual> {
    let its = items(c, plan_id).await?;
    let ids: Vec<i32> = its.iter().filter_map(|i| i.activity_id).collect();
    let acts = crate::scoped::by_ids::<activity::Entity, _>(c, ids.iter().copied()).await?;
    let mut people: HashMap<i32, i64> = HashMap::new();
    for p in activity_participant::Entity::find()
        .filter(activity_participant::Column::ActivityId.is_in(ids.iter().copied()))
        .all(c)
        .await?
    {
        *people.entry(p.activity_id).or_default() += i64::from(p.female) + i64::from(p.male);
    }
    let spent = spent_of(c, &ids).await?;
    let items: Vec<ItemActual> = its
        .into_iter()
        .map(|item| {
            let activity = item.activity_id.and_then(|id| acts.get(&id).cloned());
            let (actual_participants, spent) = match &activity {
                Some(a) => (
                    people.get(&a.id).copied().unwrap_or(0),
                    spent.get(&a.id).copied().unwrap_or(0),
                ),
                None => (0, 0),
            };
            ItemActual {
                item,
                activity,
                actual_participants,
                spent,
            }
        })
        .collect();
    let mut by: BTreeMap<String, Totals> = BTreeMap::new();
    let mut total = Totals::default();
    for a in &items {
        by.entry(a.item.project_code.clone())
            .or_insert_with(|| Totals {
                project: a.item.project_code.clone(),
                ..Default::default()
            })
            .add(a);
        total.add(a);
    }
    Ok(PlanVsActual {
        not_done: items
            .iter()
            .filter(|a| a.activity.is_none())
            .map(|a| a.item.id)
            .collect(),
        by_project: by.into_values().collect(),
        total,
        items,
    })
}
