//! Matters: child-related laws and policies, school decisions and community
//! decisions, each owned by an agency in a unit.

use crate::audit;
use crate::entity::{agency, consultation, matter, unit};
use crate::{Result, StoreError};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel,
    QueryFilter, QueryOrder, QueryTrait, TransactionSession, TransactionTrait,
};
use thamgia_domain::access::{Actor, Scope};
use thamgia_domain::voice::{MatterKind, Stage, Status, stage_needs_decision};

pub struct NewMatter {
    pub kind: MatterKind,
    pub title: String,
    pub summary: String,
    pub owner_agency_id: i32,
    pub unit_id: i32,
    pub stage: Stage,
    pub decision_date: Option<NaiveDate>,
}

fn year_of(decision: Option<NaiveDate>, now: DateTime<Utc>) -> i32 {
    decision.map_or(now.year(), |d| d.year())
}

pub async fn create<C: TransactionTrait + ConnectionTrait>(
    c: &C,
    actor: &Actor,
    now: DateTime<Utc>,
    n: NewMatter,
) -> Result<matter::Model> {
    if stage_needs_decision(n.stage) && n.decision_date.is_none() {
        return Err(StoreError::Conflict {
            field: "decision_date",
        });
    }
    let tx = crate::begin_write(c).await?;
    crate::reports::ensure_open(&tx, n.unit_id, year_of(n.decision_date, now)).await?;
    let row = matter::ActiveModel {
        kind: Set(n.kind),
        title: Set(n.title),
        summary: Set(n.summary),
        owner_agency_id: Set(n.owner_agency_id),
        unit_id: Set(n.unit_id),
        stage: Set(n.stage),
        year: Set(year_of(n.decision_date, now)),
        decision_date: Set(n.decision_date),
        ..Default::default()
    };
    let row = audit::insert(&tx, actor, now, "matter", row).await?;
    crate::aggregates::matter_changed(&tx, None, &row).await?;
    tx.commit().await?;
    Ok(row)
}

/// Changes to a matter; `None` leaves a field as it is.
#[derive(Default)]
pub struct MatterChanges {
    pub title: Option<String>,
    pub summary: Option<String>,
    pub stage: Option<Stage>,
    pub decision_date: Option<Option<NaiveDate>>,
}

pub async fn update<C: TransactionTrait + ConnectionTrait>(
    c: &C,
    actor: &Actor,
    now: DateTime<Utc>,
    id: i32,
    ch: MatterChanges,
) -> Result<matter::Model> {
    let tx = crate::begin_write(c).await?;
    let before = crate::scoped::found::<matter::Entity, _>(&tx, id).await?;
    let mut am = before.clone().into_active_model();
    if let Some(v) = ch.title {
        am.title = Set(v);
    }
    if let Some(v) = ch.summary {
        am.summary = Set(v);
    }
    if let Some(v) = ch.stage {
        am.stage = Set(v);
    }
    crate::reports::ensure_open(&tx, before.unit_id, before.year).await?;
    if let Some(v) = ch.decision_date {
        am.decision_date = Set(v);
        am.year = Set(year_of(v, before.created_at));
        crate::reports::ensure_open(&tx, before.unit_id, year_of(v, before.created_at)).await?;
    }
    let decision_after = ch.decision_date.unwrap_or(before.decision_date);
    let stage_after = ch.stage.or(Some(before.stage));
    if stage_after.is_some_and(stage_needs_decision) && decision_after.is_none() {
        // A rule checked when the matter was registered holds for every write.
        return Err(StoreError::Conflict {
            field: "decision_date",
        });
    }
    if decision_after.is_some()
        && stage_after != Some(Stage::Answered)
        && answer_published(&tx, id).await?
    {
        // The answer went out before the decision date was recorded.
        am.stage = Set(Stage::Answered);
    }
    am.updated_at = Set(now);
    let after = am.update(&tx).await?;
    crate::aggregates::matter_changed(&tx, Some(&before), &after).await?;
    audit::updated(&tx, actor, now, "matter", id, &before, &after).await?;
    tx.commit().await?;
    Ok(after)
}

/// Whether a consultation of the matter published its answer to the children.
async fn answer_published<C: ConnectionTrait>(c: &C, matter_id: i32) -> Result<bool> {
    Ok(consultation::Entity::find()
        .filter(consultation::Column::MatterId.eq(matter_id))
        .filter(consultation::Column::Status.eq(Status::Answered))
        .one(c)
        .await?
        .is_some())
}

#[derive(Debug, Default, Clone)]
pub struct MatterFilter {
    /// Only this unit's subtree (inside the caller's scope).
    pub unit_path: Option<String>,
    pub kind: Option<MatterKind>,
    pub year: Option<i32>,
    pub stage: Option<Stage>,
}

/// Matters in the scope matching the filter, newest first, with unit and owner.
pub async fn list<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    f: &MatterFilter,
) -> Result<Vec<(matter::Model, unit::Model, agency::Model)>> {
    let units = crate::scoped::units_by_id(c, scope, f.unit_path.as_deref()).await?;
    let rows = matter::Entity::find()
        .filter(matter::Column::UnitId.is_in(units.keys().copied()))
        .apply_if(f.kind, |q, k| q.filter(matter::Column::Kind.eq(k.as_str())))
        .apply_if(f.year, |q, y| q.filter(matter::Column::Year.eq(y)))
        .apply_if(f.stage, |q, s| {
            q.filter(matter::Column::Stage.eq(s.as_str()))
        })
        .order_by_desc(matter::Column::Year)
        .order_by_desc(matter::Column::Id)
        .all(c)
        .await?;
    crate::scoped::with_unit_and_agency(c, rows, &units, |m| (m.unit_id, m.owner_agency_id)).await
}

/// One matter if its unit lies in the scope.
pub async fn get_in_scope<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    id: i32,
) -> Result<(matter::Model, unit::Model, agency::Model)> {
    let (m, u) = crate::scoped::of_unit::<matter::Entity, C>(c, scope, id, |r| r.unit_id).await?;
    let a = crate::scoped::found::<agency::Entity, C>(c, m.owner_agency_id).await?;
    Ok((m, u, a))
}
