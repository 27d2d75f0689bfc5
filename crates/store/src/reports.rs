//! The annual report chain (rules in `thamgia_domain::reports`): one report
//! per unit and year, its narrative, the figures frozen at each submission,
//! the history of its moves, and the year locks an approval sets.
//!
//! A lock on a unit and year covers every unit in its subtree: once Tam
//! Đường's 2018 report is approved, no record of Tam Đường or its communes and
//! schools dated 2018 may change until the coordinator reopens the report.

use crate::audit::{self, Change};
use crate::entity::{report, report_event, unit, year_lock};
use crate::{Result, StoreError};
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel,
    QueryFilter, QueryOrder, TransactionSession, TransactionTrait,
};
use thamgia_domain::access::{Actor, Scope};
use thamgia_domain::reports::{
    ReportAction, ReportRefusal, ReportRole, ReportStatus, editable, next,
};

/// The report of a unit for a year, created as an empty draft when missing.
pub async fn get_or_create<C: TransactionTrait + ConnectionTrait>(
    c: &C,
    actor: &Actor,
    now: DateTime<Utc>,
    unit_id: i32,
    year: i32,
    due_on: NaiveDate,
) -> Result<report::Model> {
    if let Some(r) = of_unit_year(c, unit_id, year).await? {
        return Ok(r);
    }
    let tx = crate::begin_write(c).await?;
    let row = report::ActiveModel {
        unit_id: Set(unit_id),
        year: Set(year),
        status: Set(ReportStatus::Draft),
        results: Set(String::new()),
        difficulties: Set(String::new()),
        proposals: Set(String::new()),
        due_on: Set(due_on),
        created_by: Set(actor.user_id),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&tx)
    .await?;
    audit::created(&tx, actor, now, "report", row.id, &row).await?;
    tx.commit().await?;
    Ok(row)
}

pub async fn of_unit_year<C: ConnectionTrait>(
    c: &C,
    unit_id: i32,
    year: i32,
) -> Result<Option<report::Model>> {
    Ok(report::Entity::find()
        .filter(report::Column::UnitId.eq(unit_id))
        .filter(report::Column::Year.eq(year))
        .one(c)
        .await?)
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
    let units: std::collections::HashMap<i32, unit::Model> = unit::Entity::find()
        .filter(crate::units::in_subtree(
            &scope.path,
            crate::units::During::Always,
        ))
        .all(c)
        .await?
        .into_iter()
        .map(|u| (u.id, u))
        .collect();
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
    let tx = crate::begin_write(c).await?;
    let before = crate::scoped::found::<report::Entity, _>(&tx, id).await?;
    let status = before.status;
    if !editable(status) {
        return Err(StoreError::Conflict { field: "status" });
    }
    let mut am = before.clone().into_active_model();
    am.doc_number = Set(n.doc_number);
    am.place = Set(n.place);
    am.signer_name = Set(n.signer_name);
    am.signer_title = Set(n.signer_title);
    am.recipients = Set(n.recipients);
    am.results = Set(n.results);
    am.difficulties = Set(n.difficulties);
    am.proposals = Set(n.proposals);
    am.updated_at = Set(now);
    let after = am.update(&tx).await?;
    audit::updated(&tx, actor, now, "report", id, &before, &after).await?;
    tx.commit().await?;
    Ok(after)
}

/// One move of a report, as asked for.
#[derive(Debug, Clone)]
pub struct Move<'a> {
    pub action: ReportAction,
    pub role: ReportRole,
    pub reason: Option<&'a str>,
    /// The figures (JSON) to freeze when submitting.
    pub figures: Option<String>,
}

/// Moves a report. `figures` (JSON) is frozen on submission. Approval locks
/// the unit's subtree for the year; reopening lifts the lock. The move, its
/// reason and who made it go to the report's history and the audit trail in
/// the same transaction. A refused move changes nothing.
pub async fn act<C: TransactionTrait + ConnectionTrait>(
    c: &C,
    actor: &Actor,
    now: DateTime<Utc>,
    id: i32,
    m: Move<'_>,
) -> Result<std::result::Result<report::Model, ReportRefusal>> {
    let Move {
        action,
        role,
        reason,
        figures,
    } = m;
    let tx = crate::begin_write(c).await?;
    let before = crate::scoped::found::<report::Entity, _>(&tx, id).await?;
    let from = before.status;
    let to = match next(from, action, role, reason) {
        Ok(s) => s,
        Err(r) => return Ok(Err(r)),
    };
    let reason = reason.map(str::trim).filter(|r| !r.is_empty());
    let mut am = before.clone().into_active_model();
    am.status = Set(to);
    am.updated_at = Set(now);
    match action {
        ReportAction::Submit => {
            am.submitted_at = Set(Some(now));
            if before.first_submitted_on.is_none() {
                am.first_submitted_on = Set(Some(now.date_naive()));
            }
            if figures.is_some() {
                am.figures = Set(figures);
            }
        }
        ReportAction::Approve => {
            am.approved_at = Set(Some(now));
            am.approved_by = Set(actor.user_id);
            year_lock::Entity::delete_many()
                .filter(year_lock::Column::UnitId.eq(before.unit_id))
                .filter(year_lock::Column::Year.eq(before.year))
                .exec(&tx)
                .await?;
            year_lock::ActiveModel {
                unit_id: Set(before.unit_id),
                year: Set(before.year),
                report_id: Set(before.id),
                locked_at: Set(now),
            }
            .insert(&tx)
            .await?;
        }
        ReportAction::Reopen => {
            am.approved_at = Set(None);
            am.approved_by = Set(None);
            year_lock::Entity::delete_many()
                .filter(year_lock::Column::UnitId.eq(before.unit_id))
                .filter(year_lock::Column::Year.eq(before.year))
                .exec(&tx)
                .await?;
        }
        ReportAction::Return => {}
    }
    let after = am.update(&tx).await?;
    report_event::ActiveModel {
        report_id: Set(id),
        action: Set(action),
        from_status: Set(from),
        to_status: Set(to),
        reason: Set(reason.map(str::to_string)),
        actor_id: Set(actor.user_id),
        actor_label: Set(actor.label.clone()),
        at: Set(now),
        ..Default::default()
    }
    .insert(&tx)
    .await?;
    let change = Change::new(action.as_str(), "report", id)
        .before(&serde_json::json!({"status": from.as_str()}))
        .after(&serde_json::json!({"status": to.as_str(), "reason": reason}));
    audit::record(&tx, actor, now, change).await?;
    tx.commit().await?;
    Ok(Ok(after))
}

/// A report's history, oldest first.
pub async fn events<C: ConnectionTrait>(c: &C, id: i32) -> Result<Vec<report_event::Model>> {
    Ok(report_event::Entity::find()
        .filter(report_event::Column::ReportId.eq(id))
        .order_by_asc(report_event::Column::At)
        .order_by_asc(report_event::Column::Id)
        .all(c)
        .await?)
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
