//! Inspections and supervision: the plan of a year, the visit, the
//! recommendations to the inspected party and their follow-up notes.
//!
//! Who sees an inspection is the scope of its inspected unit (an inspected
//! agency's own unit), as for every record of a unit; an agency officer sees
//! only the inspections of their agency or by it ([`visible`]). A
//! recommendation's state moves by one conditional `UPDATE` (`WHERE state =
//! the state read`), so two closes at once leave one close and one
//! conflict, never two notes claiming the same move. The trail records every
//! write under the inspection (`recommend`, `note`, `close`), so its history
//! reads in one place.

use crate::entity::inspection_recommendation as recommendation;
use crate::entity::{agency, inspection, inspection_follow_up as follow_up, unit};
use crate::scoped::{self, by_ids};
use crate::{Result, StoreError, audit, begin_write, units};
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::ActiveValue::Set;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, TransactionSession, TransactionTrait,
};
use std::collections::HashMap;
use thamgia_domain::access::{Actor, Principal, Role};
use thamgia_domain::inspections::{
    FollowUpSide, InspectionKind, InspectionStatus, RecommendationState, follow_up_due, status,
};
use thamgia_domain::units::During;

/// A planned inspection as the action checked it.
#[derive(Debug, Clone)]
pub struct Planned {
    pub year: i32,
    pub kind: InspectionKind,
    pub unit_id: i32,
    pub agency_id: Option<i32>,
    pub inspector_unit_id: i32,
    pub inspector_agency_id: Option<i32>,
    pub team: String,
    pub subject: String,
    pub planned_on: NaiveDate,
}

/// What a visit records.
#[derive(Debug, Clone)]
pub struct Visit {
    pub visited_on: NaiveDate,
    pub findings: String,
    pub participants: String,
}

/// One follow-up note.
#[derive(Debug, Clone)]
pub struct Note {
    pub noted_on: NaiveDate,
    pub side: FollowUpSide,
    pub note: String,
    /// The party says it is done; the inspector reopens a done one.
    pub done: bool,
    pub user_id: Option<i32>,
}

/// Whether the principal sees this inspection beyond its scope: an agency
/// officer only their own agency's inspections, inspected or inspecting.
pub fn visible(p: &Principal, i: &inspection::Model) -> bool {
    match p.role {
        Role::AgencyOfficer => {
            p.agency_id.is_some()
                && (i.agency_id == p.agency_id || i.inspector_agency_id == p.agency_id)
        }
        _ => true,
    }
}

/// One inspection the principal may see, with its inspected unit;
/// `NotFound` otherwise.
pub async fn get<C: ConnectionTrait>(
    c: &C,
    p: &Principal,
    id: i32,
) -> Result<(inspection::Model, unit::Model)> {
    let (i, u) = scoped::of_unit::<inspection::Entity, C>(c, &p.scope(), id, |i| i.unit_id).await?;
    if visible(p, &i) {
        Ok((i, u))
    } else {
        Err(StoreError::NotFound)
    }
}

/// An inspection's recommendation by id, `NotFound` when it belongs to
/// another inspection.
pub async fn recommendation_of<C: ConnectionTrait>(
    c: &C,
    inspection_id: i32,
    id: i32,
) -> Result<recommendation::Model> {
    let r = scoped::found::<recommendation::Entity, C>(c, id).await?;
    if r.inspection_id == inspection_id {
        Ok(r)
    } else {
        Err(StoreError::NotFound)
    }
}

/// Plans an inspection.
pub async fn create<C: TransactionTrait + ConnectionTrait>(
    c: &C,
    actor: &Actor,
    now: DateTime<Utc>,
    n: Planned,
) -> Result<inspection::Model> {
    let tx = begin_write(c).await?;
    let row = inspection::ActiveModel {
        year: Set(n.year),
        kind: Set(n.kind),
        unit_id: Set(n.unit_id),
        agency_id: Set(n.agency_id),
        inspector_unit_id: Set(n.inspector_unit_id),
        inspector_agency_id: Set(n.inspector_agency_id),
        team: Set(n.team),
        subject: Set(n.subject),
        planned_on: Set(n.planned_on),
        visited_on: Set(None),
        findings: Set(String::new()),
        participants: Set(String::new()),
        ..Default::default()
    };
    let row = audit::insert(&tx, actor, now, "inspection", row).await?;
    tx.commit().await?;
    Ok(row)
}

/// Changes a planned inspection's kind, party, inspector, team, subject and
/// date (its year follows the date).
pub async fn update<C: TransactionTrait + ConnectionTrait>(
    c: &C,
    actor: &Actor,
    now: DateTime<Utc>,
    id: i32,
    n: Planned,
) -> Result<inspection::Model> {
    let tx = begin_write(c).await?;
    let before = scoped::found::<inspection::Entity, _>(&tx, id).await?;
    let mut a: inspection::ActiveModel = before.clone().into();
    a.year = Set(n.year);
    a.kind = Set(n.kind);
    a.unit_id = Set(n.unit_id);
    a.agency_id = Set(n.agency_id);
    a.inspector_unit_id = Set(n.inspector_unit_id);
    a.inspector_agency_id = Set(n.inspector_agency_id);
    a.team = Set(n.team);
    a.subject = Set(n.subject);
    a.planned_on = Set(n.planned_on);
    a.updated_at = Set(now);
    let after = a.update(&tx).await?;
    audit::updated(&tx, actor, now, "inspection", id, &before, &after).await?;
    tx.commit().await?;
    Ok(after)
}

/// Records (or corrects) the visit.
pub async fn record_visit<C: TransactionTrait + ConnectionTrait>(
    c: &C,
    actor: &Actor,
    now: DateTime<Utc>,
    id: i32,
    v: Visit,
) -> Result<inspection::Model> {
    let tx = begin_write(c).await?;
    let before = scoped::found::<inspection::Entity, _>(&tx, id).await?;
    let mut a: inspection::ActiveModel = before.clone().into();
    a.visited_on = Set(Some(v.visited_on));
    a.findings = Set(v.findings);
    a.participants = Set(v.participants);
    a.updated_at = Set(now);
    let after = a.update(&tx).await?;
    audit::updated(&tx, actor, now, "inspection", id, &before, &after).await?;
    tx.commit().await?;
    Ok(after)
}

/// Adds a recommendation to a visited inspection (`visited_on` conflict
/// before the visit).
pub async fn add_recommendation<C: TransactionTrait + ConnectionTrait>(
    c: &C,
    actor: &Actor,
    now: DateTime<Utc>,
    inspection_id: i32,
    text: String,
    deadline: NaiveDate,
) -> Result<recommendation::Model> {
    let tx = begin_write(c).await?;
    let i = scoped::found::<inspection::Entity, _>(&tx, inspection_id).await?;
    if i.visited_on.is_none() {
        return Err(StoreError::Conflict {
            field: "visited_on",
        });
    }
    let row = recommendation::ActiveModel {
        inspection_id: Set(inspection_id),
        text: Set(text),
        deadline: Set(deadline),
        state: Set(RecommendationState::Open),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&tx)
    .await?;
    let change = audit::Change::new("recommend", "inspection", inspection_id).after(&row);
    audit::commit(tx, actor, now, change).await?;
    Ok(row)
}

/// Moves a recommendation from the state read to `to`, or `Conflict` on
/// `state` when someone moved it meanwhile.
async fn move_state<C: ConnectionTrait>(
    c: &C,
    r: &recommendation::Model,
    to: RecommendationState,
    now: DateTime<Utc>,
) -> Result<()> {
    if to == r.state {
        return Ok(());
    }
    let done = recommendation::Entity::update_many()
        .col_expr(recommendation::Column::State, to.as_str().into())
        .col_expr(recommendation::Column::UpdatedAt, now.into())
        .filter(recommendation::Column::Id.eq(r.id))
        .filter(recommendation::Column::State.eq(r.state.as_str()))
        .exec(c)
        .await?;
    if done.rows_affected == 1 {
        Ok(())
    } else {
        Err(StoreError::Conflict { field: "state" })
    }
}

/// Adds a follow-up note, moving the recommendation as the note says
/// (`Conflict` on `state` for a closed one).
pub async fn add_follow_up<C: TransactionTrait + ConnectionTrait>(
    c: &C,
    actor: &Actor,
    now: DateTime<Utc>,
    id: i32,
    n: Note,
) -> Result<follow_up::Model> {
    let tx = begin_write(c).await?;
    let r = scoped::found::<recommendation::Entity, _>(&tx, id).await?;
    let to = r
        .state
        .after_note(n.side, n.done)
        .ok_or(StoreError::Conflict { field: "state" })?;
    move_state(&tx, &r, to, now).await?;
    let row = insert_note(&tx, &r, &n, to, now).await?;
    let change = audit::Change::new("note", "inspection", r.inspection_id).after(&row);
    audit::commit(tx, actor, now, change).await?;
    Ok(row)
}

async fn insert_note<C: ConnectionTrait>(
    c: &C,
    r: &recommendation::Model,
    n: &Note,
    to: RecommendationState,
    now: DateTime<Utc>,
) -> Result<follow_up::Model> {
    Ok(follow_up::ActiveModel {
        recommendation_id: Set(r.id),
        inspection_id: Set(r.inspection_id),
        noted_on: Set(n.noted_on),
        side: Set(n.side),
        note: Set(n.note.clone()),
        state_after: Set(to),
        user_id: Set(n.user_id),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(c)
    .await?)
}

/// Closes a recommendation (the inspector), with the closing note;
/// `Conflict` on `state` when it is closed already (or was closed by a
/// concurrent call).
pub async fn close<C: TransactionTrait + ConnectionTrait>(
    c: &C,
    actor: &Actor,
    now: DateTime<Utc>,
    id: i32,
    n: Note,
) -> Result<recommendation::Model> {
    let tx = begin_write(c).await?;
    let r = scoped::found::<recommendation::Entity, _>(&tx, id).await?;
    if r.state == RecommendationState::Closed {
        return Err(StoreError::Conflict { field: "state" });
    }
    move_state(&tx, &r, RecommendationState::Closed, now).await?;
    insert_note(&tx, &r, &n, RecommendationState::Closed, now).await?;
    let after = scoped::found::<recommendation::Entity, _>(&tx, id).await?;
    let change = audit::Change::new("close", "inspection", r.inspection_id)
        .before(&r)
        .after(&after);
    audit::commit(tx, actor, now, change).await?;
    Ok(after)
}

/// An inspection with the names around it and its recommendations' count.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Listed {
    pub inspection: inspection::Model,
    pub unit: unit::Model,
    pub agency: Option<agency::Model>,
    pub inspector_unit: Option<unit::Model>,
    pub inspector_agency: Option<agency::Model>,
    pub recommendations: usize,
    pub open: usize,
    pub status: InspectionStatus,
}

/// The inspections a principal sees, of a year or of every year, by planned
/// date; `party`: only those of one unit (its own agencies' included) or
/// one agency.
pub async fn list<C: ConnectionTrait>(
    c: &C,
    p: &Principal,
    year: Option<i32>,
    party: Option<Party>,
) -> Result<Vec<Listed>> {
    let mut q = inspection::Entity::find().filter(
        inspection::Column::UnitId.in_subquery(units::subtree_ids(&p.unit_path, During::Always)),
    );
    if let Some(y) = year {
        q = q.filter(inspection::Column::Year.eq(y));
    }
    match party {
        Some(Party::Unit(u)) => {
            q = q
                .filter(inspection::Column::UnitId.eq(u))
                .filter(inspection::Column::AgencyId.is_null())
        }
        Some(Party::Agency(a)) => q = q.filter(inspection::Column::AgencyId.eq(a)),
        None => {}
    }
    if p.role == Role::AgencyOfficer {
        let own = p.agency_id.unwrap_or(-1);
        q = q.filter(
            Condition::any()
                .add(inspection::Column::AgencyId.eq(own))
                .add(inspection::Column::InspectorAgencyId.eq(own)),
        );
    }
    let rows = q
        .order_by_asc(inspection::Column::PlannedOn)
        .order_by_asc(inspection::Column::Id)
        .all(c)
        .await?;
    described(c, rows).await
}

/// Whose inspections a page lists.
#[derive(Debug, Clone, Copy)]
pub enum Party {
    Unit(i32),
    Agency(i32),
}

async fn described<C: ConnectionTrait>(c: &C, rows: Vec<inspection::Model>) -> Result<Vec<Listed>> {
    let unit_ids: Vec<i32> = rows
        .iter()
        .flat_map(|i| [i.unit_id, i.inspector_unit_id])
        .collect();
    let units = by_ids::<unit::Entity, C>(c, unit_ids).await?;
    let agency_ids: Vec<i32> = rows
        .iter()
        .flat_map(|i| [i.agency_id, i.inspector_agency_id])
        .flatten()
        .collect();
    let agencies = by_ids::<agency::Entity, C>(c, agency_ids).await?;
    let ids: Vec<i32> = rows.iter().map(|i| i.id).collect();
    let recs = recommendation::Entity::find()
        .filter(recommendation::Column::InspectionId.is_in(ids))
        .all(c)
        .await?;
    let mut states: HashMap<i32, Vec<RecommendationState>> = HashMap::new();
    for r in recs {
        states.entry(r.inspection_id).or_default().push(r.state);
    }
    Ok(rows
        .into_iter()
        .filter_map(|i| {
            let s = states.get(&i.id).cloned().unwrap_or_default();
            Some(Listed {
                unit: units.get(&i.unit_id)?.clone(),
                agency: i.agency_id.and_then(|a| agencies.get(&a).cloned()),
                inspector_unit: units.get(&i.inspector_unit_id).cloned(),
                inspector_agency: i
                    .inspector_agency_id
                    .and_then(|a| agencies.get(&a).cloned()),
                recommendations: s.len(),
                open: s.iter().filter(|s| s.is_open()).count(),
                status: status(i.visited_on.is_some(), &s),
                inspection: i,
            })
        })
        .collect())
}

/// One inspection described as the list describes it.
pub async fn describe<C: ConnectionTrait>(c: &C, i: inspection::Model) -> Result<Listed> {
    described(c, vec![i])
        .await?
        .pop()
        .ok_or(StoreError::NotFound)
}

/// A recommendation with its follow-up notes, oldest first.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Followed {
    pub recommendation: recommendation::Model,
    pub follow_ups: Vec<follow_up::Model>,
}

/// An inspection's recommendations (in the order made) with their notes.
pub async fn recommendations<C: ConnectionTrait>(
    c: &C,
    inspection_ids: &[i32],
) -> Result<Vec<Followed>> {
    let recs = recommendation::Entity::find()
        .filter(recommendation::Column::InspectionId.is_in(inspection_ids.iter().copied()))
        .order_by_asc(recommendation::Column::Id)
        .all(c)
        .await?;
    let notes = follow_up::Entity::find()
        .filter(follow_up::Column::InspectionId.is_in(inspection_ids.iter().copied()))
        .order_by_asc(follow_up::Column::NotedOn)
        .order_by_asc(follow_up::Column::Id)
        .all(c)
        .await?;
    Ok(recs
        .into_iter()
        .map(|r| Followed {
            follow_ups: notes
                .iter()
                .filter(|n| n.recommendation_id == r.id)
                .cloned()
                .collect(),
            recommendation: r,
        })
        .collect())
}

/// An open recommendation whose follow-up is due (the inbox).
#[derive(Debug, Clone)]
pub struct Due {
    pub inspection: Listed,
    pub recommendation: recommendation::Model,
}

/// The recommendations of the inspections a principal sees whose follow-up
/// is due on `today` (overdue or within 14 days), earliest deadline first.
pub async fn due<C: ConnectionTrait>(c: &C, p: &Principal, today: NaiveDate) -> Result<Vec<Due>> {
    let listed = list(c, p, None, None).await?;
    let ids: Vec<i32> = listed
        .iter()
        .filter(|l| l.open > 0)
        .map(|l| l.inspection.id)
        .collect();
    let mut out: Vec<Due> = Vec::new();
    for f in recommendations(c, &ids).await? {
        let r = f.recommendation;
        if !follow_up_due(r.state, r.deadline, today) {
            continue;
        }
        if let Some(l) = listed.iter().find(|l| l.inspection.id == r.inspection_id) {
            out.push(Due {
                inspection: l.clone(),
                recommendation: r,
            });
        }
    }
    out.sort_by_key(|d| (d.recommendation.deadline, d.recommendation.id));
    Ok(out)
}

/// The inspections of a unit (or of its agencies) in a year, with their
/// recommendations, for the unit's annual report; no principal: the report
/// is read by whoever may read it.
pub async fn of_unit_year<C: ConnectionTrait>(
    c: &C,
    unit_id: i32,
    year: i32,
) -> Result<Vec<(Listed, Vec<Followed>)>> {
    let rows = inspection::Entity::find()
        .filter(inspection::Column::UnitId.eq(unit_id))
        .filter(inspection::Column::Year.eq(year))
        .order_by_asc(inspection::Column::PlannedOn)
        .order_by_asc(inspection::Column::Id)
        .all(c)
        .await?;
    let mut out = Vec::new();
    for l in described(c, rows).await? {
        let recs = recommendations(c, &[l.inspection.id]).await?;
        out.push((l, recs));
    }
    Ok(out)
}
