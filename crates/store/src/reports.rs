//! The annual report chain (rules in `thamgia_domain::reports`): one report
//! per unit and year, its narrative, the figures frozen at each submission,
//! the history of its moves, and the year locks an approval sets.
//!
//! A lock on a unit and year covers every unit in its subtree: once Tam
//! Đường's 2018 report is approved, no record of Tam Đường or its communes and
//! schools dated 2018 may change until the coordinator reopens the report.

pub mod chain;

pub use chain::Move;

use crate::entity::{report, report_event, unit, year_lock};
use crate::{Result, StoreError};
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, TransactionSession, TransactionTrait,
};
use thamgia_domain::access::{Actor, Scope};
use thamgia_domain::reports::{ReportAction, ReportRefusal};

/// The report of a unit for a year, created as an empty draft when missing.
pub async fn get_or_create<C: TransactionTrait + ConnectionTrait>(
    c: &C,
    actor: &Actor,
    now: DateTime<Utc>,
    unit_id: i32,
    year: i32,
    due_on: NaiveDate,
) -> Result<report::Model> {
    chain::get_or_create::<report::Entity, C>(c, actor, now, unit_id, year, due_on).await
}

/// The report of a unit for a year, if any.
pub async fn of_unit_year<C: ConnectionTrait>(
    c: &C,
    unit_id: i32,
    year: i32,
) -> Result<Option<report::Model>> {
    chain::of_owner_year::<report::Entity, C>(c, unit_id, year).await
}

/// A report whose unit lies in the scope.
pub async fn get_in_scope<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    id: i32,
) -> Result<(report::Model, unit::Model)> {
    crate::scoped::of_unit::<report::Entity, C>(c, scope, id, |r| r.unit_id).await
}

/// Reports of the scope for a year (every year when `None`).
pub async fn list<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    year: Option<i32>,
) -> Result<Vec<(report::Model, unit::Model)>> {
    let units = chain::units_by_id(c, &scope.path).await?;
    let mut q = report::Entity::find().filter(report::Column::UnitId.is_in(units.keys().copied()));
    if let Some(y) = year {
        q = q.filter(report::Column::Year.eq(y));
    }
    let mut v: Vec<(report::Model, unit::Model)> = q
        .order_by_desc(report::Column::Year)
        .all(c)
        .await?
        .into_iter()
        .filter_map(|r| {
            let u = units.get(&r.unit_id)?.clone();
            Some((r, u))
        })
        .collect();
    v.sort_by(|a, b| {
        b.0.year
            .cmp(&a.0.year)
            .then_with(|| a.1.path.cmp(&b.1.path))
    });
    Ok(v)
}

/// The narrative and document details of a report.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Narrative {
    pub doc_number: Option<String>,
    pub place: Option<String>,
    pub signer_name: Option<String>,
    pub signer_title: Option<String>,
    pub recipients: Option<String>,
    pub results: String,
    pub difficulties: String,
    pub proposals: String,
}

/// Saves the narrative while the report is a draft or returned; otherwise
/// `Conflict { field: "status" }`.
pub async fn save_narrative<C: TransactionTrait + ConnectionTrait>(
    c: &C,
    actor: &Actor,
    now: DateTime<Utc>,
    id: i32,
    n: Narrative,
) -> Result<report::Model> {
    chain::edit::<report::Entity, C>(c, actor, now, id, |am| {
        am.doc_number = Set(n.doc_number);
        am.place = Set(n.place);
        am.signer_name = Set(n.signer_name);
        am.signer_title = Set(n.signer_title);
        am.recipients = Set(n.recipients);
        am.results = Set(n.results);
        am.difficulties = Set(n.difficulties);
        am.proposals = Set(n.proposals);
    })
    .await
}

/// Moves a report (`chain::move_in`). Approval locks the unit's subtree for
/// the year; reopening lifts the lock, in the same transaction. A refused
/// move changes nothing.
pub async fn act<C: TransactionTrait + ConnectionTrait>(
    c: &C,
    actor: &Actor,
    now: DateTime<Utc>,
    id: i32,
    m: Move<'_>,
) -> Result<std::result::Result<report::Model, ReportRefusal>> {
    let action = m.action;
    let tx = crate::begin_write(c).await?;
    let after = match chain::move_in::<report::Entity, _>(&tx, actor, now, id, m).await? {
        Ok(r) => r,
        Err(refusal) => return Ok(Err(refusal)),
    };
    if matches!(action, ReportAction::Approve | ReportAction::Reopen) {
        year_lock::Entity::delete_many()
            .filter(year_lock::Column::UnitId.eq(after.unit_id))
            .filter(year_lock::Column::Year.eq(after.year))
            .exec(&tx)
            .await?;
    }
    if action == ReportAction::Approve {
        year_lock::ActiveModel {
            unit_id: Set(after.unit_id),
            year: Set(after.year),
            report_id: Set(after.id),
            locked_at: Set(now),
        }
        .insert(&tx)
        .await?;
    }
    tx.commit().await?;
    Ok(Ok(after))
}

/// A report's history, oldest first.
pub async fn events<C: ConnectionTrait>(c: &C, id: i32) -> Result<Vec<report_event::Model>> {
    chain::events::<report::Entity, C>(c, id).await
}

/// Whether a record of `unit_id` dated in `year` is locked: the year of the
/// unit or of one of its ancestors was approved.
pub async fn is_locked<C: ConnectionTrait>(c: &C, unit_id: i32, year: i32) -> Result<bool> {
    let locks = year_lock::Entity::find()
        .filter(year_lock::Column::Year.eq(year))
        .all(c)
        .await?;
    if locks.is_empty() {
        return Ok(false);
    }
    let Some(u) = unit::Entity::find_by_id(unit_id).one(c).await? else {
        return Ok(false);
    };
    let locked_units = unit::Entity::find()
        .filter(unit::Column::Id.is_in(locks.iter().map(|l| l.unit_id)))
        .all(c)
        .await?;
    Ok(locked_units
        .iter()
        .any(|l| thamgia_domain::access::is_within(&u.path, &l.path)))
}

/// Refuses a change to a record of `unit_id` dated in a locked `year` with
/// `Conflict { field: "year_locked" }`. Call inside the write's transaction.
pub async fn ensure_open<C: ConnectionTrait>(c: &C, unit_id: i32, year: i32) -> Result<()> {
    if is_locked(c, unit_id, year).await? {
        return Err(StoreError::Conflict {
            field: "year_locked",
        });
    }
    Ok(())
}
