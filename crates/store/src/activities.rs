//! Activities of Projects 1 and 2 (and of the models), with coordinating
//! agencies, participants by group and sex, documents and spending; budget
//! lines. Checks live in `thamgia_domain::activities`; this module stores what
//! passed them.
//!
//! Identity: an activity is its unit plus its code, so saving the same
//! activity twice (a file imported again) updates it; a spending is its
//! activity, source, date, amount and note, so the same spending twice is kept
//! once; a budget line is its unit, year, source and project.

use crate::audit::{self, Change};
use crate::entity::{
    activity, activity_agency, activity_document, activity_participant, agency, budget_line,
    spending, unit,
};
use crate::{Result, StoreError};
use chrono::{DateTime, Datelike, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel,
    QueryFilter, QueryOrder, QueryTrait, TransactionSession, TransactionTrait,
};
use std::collections::{HashMap, HashSet};
use thamgia_domain::access::{Actor, Scope};
use thamgia_domain::activities::{Activity, Budget, Lookup, Spending};

/// What the scope may refer to in activities, spending and budgets: its units,
/// the agencies visible to it, and the projects and funding sources of every
/// plan (by the years each plan covers).
pub async fn lookup<C: ConnectionTrait>(c: &C, scope: &Scope) -> Result<Lookup> {
    let mut l = Lookup::default();
    let mut by_code: HashMap<String, Vec<unit::Model>> = HashMap::new();
    for u in crate::units::list(c, scope).await? {
        by_code.entry(u.code.clone()).or_default().push(u);
    }
    for (code, mut all) in by_code {
        all.sort_by_key(|u| (u.valid_from.is_some(), u.valid_from, u.id));
        if all.len() > 1 {
            l.unit_periods.insert(
                code.clone(),
                all.iter()
                    .map(|u| (u.valid_from, u.valid_to, u.id))
                    .collect(),
            );
        }
        if let Some(last) = all.last() {
            l.units.insert(code, last.id);
        }
    }
    for (a, _) in crate::agencies::list(c, scope).await? {
        l.agencies.insert(a.code, a.id);
    }
    for p in crate::plans::list_latest(c).await? {
        let Ok(doc) = serde_json::from_str::<thamgia_domain::plan::Plan>(&p.document) else {
            continue;
        };
        let projects: HashSet<String> = doc.projects.iter().map(|x| x.code.clone()).collect();
        let sources: HashSet<String> = doc.funding_sources.iter().map(|x| x.code.clone()).collect();
        for s in &doc.funding_sources {
            l.source_names
                .insert(s.name_vi.to_lowercase(), s.code.clone());
            l.source_names
                .insert(s.name_en.to_lowercase(), s.code.clone());
        }
        for y in p.period_start..=p.period_end {
            l.projects.entry(y).or_insert_with(|| projects.clone());
            l.sources.entry(y).or_insert_with(|| sources.clone());
        }
    }
    Ok(l)
}

/// How a save went: a new record, an update that changed something, or the
/// same record again (nothing written).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Saved {
    Created,
    Updated,
    Unchanged,
}

/// An activity with everything stored beside it, for the audit log and for
/// telling whether a save changed anything.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
struct Audited<'a> {
    activity: &'a activity::Model,
    coordinating: Vec<i32>,
    participants: Vec<(String, i32, i32)>,
}

async fn children_of<C: ConnectionTrait>(
    c: &C,
    id: i32,
) -> Result<(Vec<i32>, Vec<(String, i32, i32)>)> {
    let mut coordinating: Vec<i32> = activity_agency::Entity::find()
        .filter(activity_agency::Column::ActivityId.eq(id))
        .all(c)
        .await?
        .into_iter()
        .map(|r| r.agency_id)
        .collect();
    coordinating.sort_unstable();
    let mut participants: Vec<(String, i32, i32)> = activity_participant::Entity::find()
        .filter(activity_participant::Column::ActivityId.eq(id))
        .all(c)
        .await?
        .into_iter()
        .map(|r| (r.grp, r.female, r.male))
        .collect();
    participants.sort();
    Ok((coordinating, participants))
}

fn wanted(a: &Activity) -> (Vec<i32>, Vec<(String, i32, i32)>) {
    let mut coordinating = a.coordinating_ids.clone();
    coordinating.sort_unstable();
    let mut participants: Vec<(String, i32, i32)> = a
        .participants
        .iter()
        .map(|p| (p.group.as_str().to_string(), p.female, p.male))
        .collect();
    participants.sort();
    (coordinating, participants)
}

/// Sets only what differs, so `is_changed` tells a real change from the same
/// activity saved again (a `Set` of an equal value would count as a change).
fn apply(am: &mut activity::ActiveModel, a: &Activity) {
    am.unit_id.set_if_not_equals(a.unit_id);
    am.code.set_if_not_equals(a.code.clone());
    am.project_code.set_if_not_equals(a.project.clone());
    am.kind.set_if_not_equals(a.kind);
    am.title.set_if_not_equals(a.title.clone());
    am.starts_on.set_if_not_equals(a.starts_on);
    am.ends_on.set_if_not_equals(a.ends_on);
    am.lead_agency_id.set_if_not_equals(a.lead_agency_id);
    am.audience.set_if_not_equals(a.audience);
    am.copies.set_if_not_equals(a.copies);
    am.description.set_if_not_equals(a.description.clone());
}

async fn write_children<C: ConnectionTrait>(c: &C, id: i32, a: &Activity) -> Result<()> {
    activity_agency::Entity::delete_many()
        .filter(activity_agency::Column::ActivityId.eq(id))
        .exec(c)
        .await?;
    activity_participant::Entity::delete_many()
        .filter(activity_participant::Column::ActivityId.eq(id))
        .exec(c)
        .await?;
    if !a.coordinating_ids.is_empty() {
        activity_agency::Entity::insert_many(a.coordinating_ids.iter().map(|aid| {
            activity_agency::ActiveModel {
                activity_id: Set(id),
                agency_id: Set(*aid),
            }
        }))
        .exec(c)
        .await?;
    }
    if !a.participants.is_empty() {
        activity_participant::Entity::insert_many(a.participants.iter().map(|p| {
            activity_participant::ActiveModel {
                activity_id: Set(id),
                grp: Set(p.group.as_str().into()),
                female: Set(p.female),
                male: Set(p.male),
            }
        }))
        .exec(c)
        .await?;
    }
    Ok(())
}

/// Saves an activity by its unit and code inside the caller's transaction:
/// creates it, or updates the one with that code (audited either way), or
/// leaves it alone when nothing differs.
pub async fn save_in<C: ConnectionTrait>(
    c: &C,
    actor: &Actor,
    now: DateTime<Utc>,
    a: &Activity,
) -> Result<(activity::Model, Saved)> {
    let existing = activity::Entity::find()
        .filter(activity::Column::UnitId.eq(a.unit_id))
        .filter(activity::Column::Code.eq(a.code.as_str()))
        .one(c)
        .await?;
    crate::reports::ensure_open(c, a.unit_id, a.starts_on.year()).await?;
    crate::agency_reports::ensure_open(c, a.lead_agency_id, a.starts_on.year()).await?;
    if let Some(before) = &existing {
        crate::reports::ensure_open(c, before.unit_id, before.starts_on.year()).await?;
        crate::agency_reports::ensure_open(c, before.lead_agency_id, before.starts_on.year())
            .await?;
    }
    match existing {
        None => {
            let mut am = activity::ActiveModel {
                created_by: Set(actor.user_id),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            };
            apply(&mut am, a);
            let row = am.insert(c).await?;
            write_children(c, row.id, a).await?;
            let (coordinating, participants) = wanted(a);
            crate::aggregates::activity_changed(c, None, Some((&row, &participants))).await?;
            let change = Change::new("create", "activity", row.id).after(&Audited {
                activity: &row,
                coordinating,
                participants,
            });
            audit::record(c, actor, now, change).await?;
            Ok((row, Saved::Created))
        }
        Some(before) => update_row(c, actor, now, before, a).await,
    }
}

async fn update_row<C: ConnectionTrait>(
    c: &C,
    actor: &Actor,
    now: DateTime<Utc>,
    before: activity::Model,
    a: &Activity,
) -> Result<(activity::Model, Saved)> {
    let (old_coord, old_part) = children_of(c, before.id).await?;
    let (coordinating, participants) = wanted(a);
    let mut am = before.clone().into_active_model();
    apply(&mut am, a);
    let same_row = !am.is_changed();
    if same_row && old_coord == coordinating && old_part == participants {
        return Ok((before, Saved::Unchanged));
    }
    am.updated_at = Set(now);
    let after = am.update(c).await?;
    write_children(c, after.id, a).await?;
    crate::aggregates::activity_changed(
        c,
        Some((&before, &old_part)),
        Some((&after, &participants)),
    )
    .await?;
    let change = Change::new("update", "activity", after.id)
        .before(&Audited {
            activity: &before,
            coordinating: old_coord,
            participants: old_part,
        })
        .after(&Audited {
            activity: &after,
            coordinating,
            participants,
        });
    audit::record(c, actor, now, change).await?;
    Ok((after, Saved::Updated))
}

/// Saves one activity in its own transaction (a form or the API).
pub async fn save<C: TransactionTrait + ConnectionTrait>(
    c: &C,
    actor: &Actor,
    now: DateTime<Utc>,
    a: &Activity,
) -> Result<(activity::Model, Saved)> {
    let tx = crate::begin_write(c).await?;
    let r = save_in(&tx, actor, now, a).await?;
    tx.commit().await?;
    Ok(r)
}

/// Edits the activity `id` (its code may change, but not onto another
/// activity's code in the same unit: `Conflict { field: "code" }`).
pub async fn update<C: TransactionTrait + ConnectionTrait>(
    c: &C,
    actor: &Actor,
    now: DateTime<Utc>,
    id: i32,
    a: &Activity,
) -> Result<activity::Model> {
    let tx = crate::begin_write(c).await?;
    let before = crate::scoped::found::<activity::Entity, _>(&tx, id).await?;
    let clash = activity::Entity::find()
        .filter(activity::Column::UnitId.eq(a.unit_id))
        .filter(activity::Column::Code.eq(a.code.as_str()))
        .filter(activity::Column::Id.ne(id))
        .one(&tx)
        .await?;
    if clash.is_some() {
        return Err(StoreError::Conflict { field: "code" });
    }
    crate::reports::ensure_open(&tx, before.unit_id, before.starts_on.year()).await?;
    crate::reports::ensure_open(&tx, a.unit_id, a.starts_on.year()).await?;
    crate::agency_reports::ensure_open(&tx, before.lead_agency_id, before.starts_on.year()).await?;
    crate::agency_reports::ensure_open(&tx, a.lead_agency_id, a.starts_on.year()).await?;
    let (row, _) = update_row(&tx, actor, now, before, a).await?;
    tx.commit().await?;
    Ok(row)
}

/// Deletes an activity with its participants, documents and spending.
pub async fn delete<C: TransactionTrait + ConnectionTrait>(
    c: &C,
    actor: &Actor,
    now: DateTime<Utc>,
    id: i32,
) -> Result<()> {
    let tx = crate::begin_write(c).await?;
    let before = crate::scoped::found::<activity::Entity, _>(&tx, id).await?;
    crate::reports::ensure_open(&tx, before.unit_id, before.starts_on.year()).await?;
    crate::agency_reports::ensure_open(&tx, before.lead_agency_id, before.starts_on.year()).await?;
    // Planned items that pointed at it are planned again.
    crate::entity::annual_plan_item::Entity::update_many()
        .col_expr(
            crate::entity::annual_plan_item::Column::ActivityId,
            sea_orm::sea_query::Expr::value(Option::<i32>::None),
        )
        .filter(crate::entity::annual_plan_item::Column::ActivityId.eq(id))
        .exec(&tx)
        .await?;
    crate::aggregates::activity_deleted(&tx, &before).await?;
    activity::Entity::delete_by_id(id).exec(&tx).await?;
    let change = Change::new("delete", "activity", id).before(&before);
    audit::commit(tx, actor, now, change).await?;
    Ok(())
}

/// The activity `id` when its unit lies in the scope.
pub async fn get_in_scope<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    id: i32,
) -> Result<(activity::Model, unit::Model)> {
    crate::scoped::of_unit::<activity::Entity, C>(c, scope, id, |r| r.unit_id).await
}

/// The activity with this unit and code (for spending rows naming it).
pub async fn by_code<C: ConnectionTrait>(
    c: &C,
    unit_id: i32,
    code: &str,
) -> Result<Option<activity::Model>> {
    Ok(activity::Entity::find()
        .filter(activity::Column::UnitId.eq(unit_id))
        .filter(activity::Column::Code.eq(code))
        .one(c)
        .await?)
}

/// Filters for [`list`]; every filter optional.
#[derive(Debug, Clone, Default)]
pub struct ActivityFilter {
    /// Only this subtree (already checked against the caller's scope).
    pub unit_path: Option<String>,
    pub year: Option<i32>,
    pub project: Option<String>,
    pub kind: Option<String>,
    /// Activities this agency leads.
    pub lead_agency_id: Option<i32>,
}

/// One activity of a list, with what tables show beside it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ActivityRow {
    pub activity: activity::Model,
    pub unit: unit::Model,
    pub lead: agency::Model,
    pub coordinating: Vec<agency::Model>,
    pub participants: Vec<activity_participant::Model>,
    /// Sum of its spending, in đồng.
    pub spent: i64,
}

/// Activities in the scope matching the filter, newest first.
pub async fn list<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    f: &ActivityFilter,
) -> Result<Vec<ActivityRow>> {
    use activity::Column as A;
    let units = crate::scoped::units_by_id(c, scope, f.unit_path.as_deref()).await?;
    let year = f.year.and_then(|y| {
        let from = chrono::NaiveDate::from_ymd_opt(y, 1, 1)?;
        Some((from, chrono::NaiveDate::from_ymd_opt(y, 12, 31)?))
    });
    let rows = activity::Entity::find()
        .filter(A::UnitId.is_in(units.keys().copied()))
        .apply_if(year, |q, (from, to)| {
            q.filter(A::StartsOn.gte(from)).filter(A::StartsOn.lte(to))
        })
        .apply_if(f.project.as_ref(), |q, p| {
            q.filter(A::ProjectCode.eq(p.as_str()))
        })
        .apply_if(f.kind.as_ref(), |q, k| q.filter(A::Kind.eq(k.as_str())))
        .apply_if(f.lead_agency_id, |q, a| q.filter(A::LeadAgencyId.eq(a)))
        .order_by_desc(activity::Column::StartsOn)
        .order_by_asc(activity::Column::Id)
        .all(c)
        .await?;
    let ids: Vec<i32> = rows.iter().map(|a| a.id).collect();
    let mut coord: HashMap<i32, Vec<i32>> = HashMap::new();
    let mut agency_ids: HashSet<i32> = rows.iter().map(|a| a.lead_agency_id).collect();
    let mut participants: HashMap<i32, Vec<activity_participant::Model>> = HashMap::new();
    let mut spent: HashMap<i32, i64> = HashMap::new();
    // In chunks: a long IN list is refused by SQLite past 32,766 parameters.
    for chunk in ids.chunks(5_000) {
        for r in activity_agency::Entity::find()
            .filter(activity_agency::Column::ActivityId.is_in(chunk.iter().copied()))
            .all(c)
            .await?
        {
            agency_ids.insert(r.agency_id);
            coord.entry(r.activity_id).or_default().push(r.agency_id);
        }
        for p in activity_participant::Entity::find()
            .filter(activity_participant::Column::ActivityId.is_in(chunk.iter().copied()))
            .all(c)
            .await?
        {
            participants.entry(p.activity_id).or_default().push(p);
        }
        for s in spending::Entity::find()
            .filter(spending::Column::ActivityId.is_in(chunk.iter().copied()))
            .all(c)
            .await?
        {
            *spent.entry(s.activity_id).or_default() += s.amount;
        }
    }
    let agencies = crate::scoped::by_ids::<agency::Entity, _>(c, agency_ids).await?;
    Ok(rows
        .into_iter()
        .filter_map(|a| {
            let unit = units.get(&a.unit_id)?.clone();
            let lead = agencies.get(&a.lead_agency_id)?.clone();
            let mut coordinating: Vec<agency::Model> = coord
                .remove(&a.id)
                .unwrap_or_default()
                .into_iter()
                .filter_map(|id| agencies.get(&id).cloned())
                .collect();
            coordinating.sort_by(|x, y| x.code.cmp(&y.code));
            let mut parts = participants.remove(&a.id).unwrap_or_default();
            parts.sort_by_key(|p| {
                thamgia_domain::activities::ParticipantGroup::ALL
                    .iter()
                    .position(|g| g.as_str() == p.grp)
            });
            Some(ActivityRow {
                spent: spent.get(&a.id).copied().unwrap_or(0),
                activity: a,
                unit,
                lead,
                coordinating,
                participants: parts,
            })
        })
        .collect())
}

// ---------------------------------------------------------------- spending

/// Records a spending against `activity_id` inside the caller's transaction;
/// `None` when the same spending (source, date, amount, note) is already there.
pub async fn add_spending_in<C: ConnectionTrait>(
    c: &C,
    actor: &Actor,
    now: DateTime<Utc>,
    activity_id: i32,
    s: &Spending,
) -> Result<Option<spending::Model>> {
    let parent = activity::Entity::find_by_id(activity_id).one(c).await?;
    let unit_id = parent.as_ref().map_or(s.unit_id, |a| a.unit_id);
    crate::reports::ensure_open(c, unit_id, s.spent_on.year()).await?;
    if let Some(a) = &parent {
        crate::agency_reports::ensure_open(c, a.lead_agency_id, s.spent_on.year()).await?;
    }
    let same = spending::Entity::find()
        .filter(spending::Column::ActivityId.eq(activity_id))
        .filter(spending::Column::SourceCode.eq(s.source.as_str()))
        .filter(spending::Column::SpentOn.eq(s.spent_on))
        .filter(spending::Column::Amount.eq(s.amount.0))
        .filter(spending::Column::Note.eq(s.note.as_str()))
        .one(c)
        .await?;
    if same.is_some() {
        return Ok(None);
    }
    let row = spending::ActiveModel {
        activity_id: Set(activity_id),
        source_code: Set(s.source.clone()),
        spent_on: Set(s.spent_on),
        amount: Set(s.amount.0),
        note: Set(s.note.clone()),
        ..Default::default()
    };
    let row = audit::insert(c, actor, now, "spending", row).await?;
    crate::aggregates::spending_changed(c, &row, 1).await?;
    Ok(Some(row))
}

/// A spending's activity must be in the same unit (`s.unit_id`) and the
/// spending in a year a plan covers; the caller has resolved `activity_id`.
pub async fn add_spending<C: TransactionTrait + ConnectionTrait>(
    c: &C,
    actor: &Actor,
    now: DateTime<Utc>,
    activity_id: i32,
    s: &Spending,
) -> Result<Option<spending::Model>> {
    let tx = crate::begin_write(c).await?;
    let r = add_spending_in(&tx, actor, now, activity_id, s).await?;
    tx.commit().await?;
    Ok(r)
}

pub async fn spendings_of<C: ConnectionTrait>(
    c: &C,
    activity_id: i32,
) -> Result<Vec<spending::Model>> {
    Ok(spending::Entity::find()
        .filter(spending::Column::ActivityId.eq(activity_id))
        .order_by_asc(spending::Column::SpentOn)
        .order_by_asc(spending::Column::Id)
        .all(c)
        .await?)
}

pub async fn delete_spending<C: TransactionTrait + ConnectionTrait>(
    c: &C,
    actor: &Actor,
    now: DateTime<Utc>,
    id: i32,
) -> Result<()> {
    let tx = crate::begin_write(c).await?;
    let before = crate::scoped::found::<spending::Entity, _>(&tx, id).await?;
    if let Some(a) = activity::Entity::find_by_id(before.activity_id)
        .one(&tx)
        .await?
    {
        crate::reports::ensure_open(&tx, a.unit_id, before.spent_on.year()).await?;
        crate::agency_reports::ensure_open(&tx, a.lead_agency_id, before.spent_on.year()).await?;
    }
    crate::aggregates::spending_changed(&tx, &before, -1).await?;
    spending::Entity::delete_by_id(id).exec(&tx).await?;
    let change = Change::new("delete", "spending", id).before(&before);
    audit::commit(tx, actor, now, change).await?;
    Ok(())
}

// ---------------------------------------------------------------- budget

/// Sets a budget line (by unit, year, source and project) inside the caller's
/// transaction: creates it or changes its amount and note.
pub async fn set_budget_in<C: ConnectionTrait>(
    c: &C,
    actor: &Actor,
    now: DateTime<Utc>,
    b: &Budget,
) -> Result<(budget_line::Model, Saved)> {
    crate::reports::ensure_open(c, b.unit_id, b.year).await?;
    let existing = budget_line::Entity::find()
        .filter(budget_line::Column::UnitId.eq(b.unit_id))
        .filter(budget_line::Column::Year.eq(b.year))
        .filter(budget_line::Column::SourceCode.eq(b.source.as_str()))
        .filter(budget_line::Column::ProjectCode.eq(b.project.as_str()))
        .one(c)
        .await?;
    match existing {
        None => {
            let row = budget_line::ActiveModel {
                unit_id: Set(b.unit_id),
                year: Set(b.year),
                source_code: Set(b.source.clone()),
                project_code: Set(b.project.clone()),
                amount: Set(b.amount.0),
                note: Set(b.note.clone()),
                ..Default::default()
            };
            let row = audit::insert(c, actor, now, "budget_line", row).await?;
            crate::aggregates::budget_changed(c, None, Some(&row)).await?;
            Ok((row, Saved::Created))
        }
        Some(before) if before.amount == b.amount.0 && before.note == b.note => {
            Ok((before, Saved::Unchanged))
        }
        Some(before) => {
            let mut am = before.clone().into_active_model();
            am.amount = Set(b.amount.0);
            am.note = Set(b.note.clone());
            am.updated_at = Set(now);
            let after = am.update(c).await?;
            crate::aggregates::budget_changed(c, Some(&before), Some(&after)).await?;
            audit::updated(c, actor, now, "budget_line", after.id, &before, &after).await?;
            Ok((after, Saved::Updated))
        }
    }
}

pub async fn set_budget<C: TransactionTrait + ConnectionTrait>(
    c: &C,
    actor: &Actor,
    now: DateTime<Utc>,
    b: &Budget,
) -> Result<(budget_line::Model, Saved)> {
    let tx = crate::begin_write(c).await?;
    let r = set_budget_in(&tx, actor, now, b).await?;
    tx.commit().await?;
    Ok(r)
}

/// Budget lines of the scope (optionally one subtree and one year).
pub async fn budget_lines<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    unit_path: Option<&str>,
    year: Option<i32>,
) -> Result<Vec<(budget_line::Model, unit::Model)>> {
    let units = crate::scoped::units_by_id(c, scope, unit_path).await?;
    let rows = budget_line::Entity::find()
        .filter(budget_line::Column::UnitId.is_in(units.keys().copied()))
        .apply_if(year, |q, y| q.filter(budget_line::Column::Year.eq(y)))
        .order_by_asc(budget_line::Column::Year)
        .order_by_asc(budget_line::Column::UnitId)
        .order_by_asc(budget_line::Column::ProjectCode)
        .order_by_asc(budget_line::Column::SourceCode)
        .all(c)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|b| Some((b.clone(), units.get(&b.unit_id)?.clone())))
        .collect())
}

/// Money of a scope: budget and spending per (unit, year, source, project),
/// from which every total (by source, project, unit, year) is a sum.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct MoneyCell {
    pub unit_id: i32,
    pub year: i32,
    pub source: String,
    pub project: String,
    pub budget: i64,
    pub spent: i64,
}

/// Budget and spending of the scope (optionally one subtree, one year), one
/// cell per unit, year, source and project that has either. Spending counts in
/// the year it was spent, against its activity's unit and project.
pub async fn money<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    unit_path: Option<&str>,
    year: Option<i32>,
) -> Result<Vec<MoneyCell>> {
    // From the maintained aggregates (`aggregates::recompute_money` is the
    // same from the raw records).
    let unit_ids: Vec<i32> = crate::units::within(c, scope, unit_path)
        .await?
        .into_iter()
        .map(|u| u.id)
        .collect();
    crate::aggregates::money(c, &unit_ids, year).await
}

// ---------------------------------------------------------------- documents

/// Attaches a document to an activity.
pub async fn add_document<C: TransactionTrait + ConnectionTrait>(
    c: &C,
    actor: &Actor,
    now: DateTime<Utc>,
    activity_id: i32,
    file_name: &str,
    content_type: &str,
    content: Vec<u8>,
) -> Result<activity_document::Model> {
    let tx = crate::begin_write(c).await?;
    let row = activity_document::ActiveModel {
        activity_id: Set(activity_id),
        file_name: Set(file_name.to_string()),
        content_type: Set(content_type.to_string()),
        size_bytes: Set(i32::try_from(content.len()).unwrap_or(i32::MAX)),
        content: Set(content),
        uploaded_by: Set(actor.user_id),
        uploaded_at: Set(now),
        ..Default::default()
    }
    .insert(&tx)
    .await?;
    audit::created(&tx, actor, now, "activity_document", row.id, &row).await?;
    tx.commit().await?;
    Ok(row)
}

/// The documents of an activity, without their content.
pub async fn documents<C: ConnectionTrait>(
    c: &C,
    activity_id: i32,
) -> Result<Vec<activity_document::Model>> {
    Ok(activity_document::Entity::find()
        .filter(activity_document::Column::ActivityId.eq(activity_id))
        .order_by_asc(activity_document::Column::Id)
        .all(c)
        .await?
        .into_iter()
        .map(|mut d| {
            d.content = Vec::new();
            d
        })
        .collect())
}

/// One document with its content.
pub async fn document<C: ConnectionTrait>(
    c: &C,
    activity_id: i32,
    id: i32,
) -> Result<activity_document::Model> {
    crate::scoped::child_of(c, activity_document::Column::ActivityId, activity_id, id).await
}
