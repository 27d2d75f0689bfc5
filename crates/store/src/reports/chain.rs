//! The report chain over its two reporters: a unit (`reports`) and an agency
//! (`agency_reports`). Both tables carry the same owner, year, status,
//! submission and approval columns and a history table of the same shape, so
//! the draft, the move and the history are written here once, over a
//! [`ReportTable`]; each side adds only what is its own (the unit's year
//! locks, the narratives).

use crate::audit::{self, Change};
use crate::entity::{agency_report, agency_report_event, report, report_event};
use crate::{Result, StoreError};
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, PrimaryKeyTrait,
    QueryFilter, QueryOrder, TransactionSession, TransactionTrait,
};
use thamgia_domain::access::Actor;
use thamgia_domain::reports::{ReportAction, ReportRefusal, ReportStatus, next};

/// One move of a report, as asked for.
#[derive(Debug, Clone)]
pub struct Move<'a> {
    pub action: ReportAction,
    pub role: thamgia_domain::reports::ReportRole,
    pub reason: Option<&'a str>,
    /// The figures (JSON) to freeze when submitting.
    pub figures: Option<String>,
}

/// A new report: its reporter (`owner`), year and due date, who creates it
/// and when.
pub struct NewReport<'a> {
    pub owner: i32,
    pub year: i32,
    pub due_on: NaiveDate,
    pub actor: &'a Actor,
    pub now: DateTime<Utc>,
}

/// A move allowed by the rules, as it is written: from and to which status,
/// its trimmed reason, the figures a submission freezes, who and when.
pub struct Moved<'a> {
    pub action: ReportAction,
    pub from: ReportStatus,
    pub to: ReportStatus,
    pub reason: Option<&'a str>,
    pub figures: Option<String>,
    pub actor: &'a Actor,
    pub now: DateTime<Utc>,
}

/// A table of yearly reports moved through the chain: one row per reporter
/// (unit or agency) and year, with its history in a companion table.
pub trait ReportTable: EntityTrait<ActiveModel: Send> {
    /// The name the audit trail gives a row.
    const NAME: &'static str;
    /// The reporter's column (`unit_id`, `agency_id`).
    const OWNER: Self::Column;
    /// The year's column.
    const YEAR: Self::Column;
    /// The status's column.
    const STATUS: Self::Column;
    /// The history table.
    type Event: EntityTrait<ActiveModel: Send>;
    /// The history's report id, time and id columns, to read it in order.
    const EVENT_REPORT: <Self::Event as EntityTrait>::Column;
    const EVENT_AT: <Self::Event as EntityTrait>::Column;
    const EVENT_ID: <Self::Event as EntityTrait>::Column;

    /// A row's id.
    fn id(r: &Self::Model) -> i32;
    /// A row's status.
    fn status(r: &Self::Model) -> ReportStatus;
    /// A row's due date.
    fn due_on(r: &Self::Model) -> NaiveDate;
    /// The day a row was first submitted.
    fn first_submitted_on(r: &Self::Model) -> Option<NaiveDate>;
    /// A new empty draft.
    fn draft(new: &NewReport<'_>) -> Self::ActiveModel;
    /// `before` moved: the status, the time of the move, the submission (its
    /// first day, the frozen figures) or the approval.
    fn moved(before: &Self::Model, m: &Moved<'_>) -> Self::ActiveModel;
    /// The history line of a move of report `report_id`.
    fn event(report_id: i32, m: &Moved<'_>) -> <Self::Event as EntityTrait>::ActiveModel;
    /// Marks an edited row as changed at `now`.
    fn touch(am: &mut Self::ActiveModel, now: DateTime<Utc>);
}

/// Implements [`ReportTable`] for a report table and its history table, which
/// share the chain's columns; `{ … }` gives the draft's own empty fields.
macro_rules! report_table {
    ($table:ident, $event:ident, $name:literal, $owner:ident, $owner_col:ident,
     { $($field:ident: $blank:expr),* $(,)? }) => {
        impl ReportTable for $table::Entity {
            const NAME: &'static str = $name;
            const OWNER: $table::Column = $table::Column::$owner_col;
            const YEAR: $table::Column = $table::Column::Year;
            const STATUS: $table::Column = $table::Column::Status;
            type Event = $event::Entity;
            const EVENT_REPORT: $event::Column = $event::Column::ReportId;
            const EVENT_AT: $event::Column = $event::Column::At;
            const EVENT_ID: $event::Column = $event::Column::Id;

            fn id(r: &$table::Model) -> i32 {
                r.id
            }

            fn status(r: &$table::Model) -> ReportStatus {
                r.status
            }

            fn due_on(r: &$table::Model) -> NaiveDate {
                r.due_on
            }

            fn first_submitted_on(r: &$table::Model) -> Option<NaiveDate> {
                r.first_submitted_on
            }

            fn draft(new: &NewReport<'_>) -> $table::ActiveModel {
                use sea_orm::ActiveValue::Set;
                $table::ActiveModel {
                    $owner: Set(new.owner),
                    year: Set(new.year),
                    status: Set(ReportStatus::Draft),
                    $($field: Set($blank),)*
                    due_on: Set(new.due_on),
                    created_by: Set(new.actor.user_id),
                    created_at: Set(new.now),
                    updated_at: Set(new.now),
                    ..Default::default()
                }
            }

            fn moved(before: &$table::Model, m: &Moved<'_>) -> $table::ActiveModel {
                use sea_orm::ActiveValue::Set;
                let mut am = before.clone().into_active_model();
                am.status = Set(m.to);
                am.updated_at = Set(m.now);
                match m.action {
                    ReportAction::Submit => {
                        am.submitted_at = Set(Some(m.now));
                        if before.first_submitted_on.is_none() {
                            am.first_submitted_on = Set(Some(m.now.date_naive()));
                        }
                        if m.figures.is_some() {
                            am.figures = Set(m.figures.clone());
                        }
                    }
                    ReportAction::Approve => {
                        am.approved_at = Set(Some(m.now));
                        am.approved_by = Set(m.actor.user_id);
                    }
                    ReportAction::Reopen => {
                        am.approved_at = Set(None);
                        am.approved_by = Set(None);
                    }
                    ReportAction::Return => {}
                }
                am
            }

            fn event(report_id: i32, m: &Moved<'_>) -> $event::ActiveModel {
                use sea_orm::ActiveValue::Set;
                $event::ActiveModel {
                    report_id: Set(report_id),
                    action: Set(m.action),
                    from_status: Set(m.from),
                    to_status: Set(m.to),
                    reason: Set(m.reason.map(str::to_string)),
                    actor_id: Set(m.actor.user_id),
                    actor_label: Set(m.actor.label.clone()),
                    at: Set(m.now),
                    ..Default::default()
                }
            }

            fn touch(am: &mut $table::ActiveModel, now: DateTime<Utc>) {
                am.updated_at = sea_orm::ActiveValue::Set(now);
            }
        }
    };
}

report_table!(report, report_event, "report", unit_id, UnitId, {
    results: String::new(),
    difficulties: String::new(),
    proposals: String::new(),
});

report_table!(agency_report, agency_report_event, "agency_report", agency_id, AgencyId, {
    narratives: "{}".into(),
});

/// The report of `owner` for `year`, if any.
pub async fn of_owner_year<T: ReportTable, C: ConnectionTrait>(
    c: &C,
    owner: i32,
    year: i32,
) -> Result<Option<T::Model>> {
    Ok(T::find()
        .filter(T::OWNER.eq(owner))
        .filter(T::YEAR.eq(year))
        .one(c)
        .await?)
}

/// The report of `owner` for `year`, created as an empty draft (and audited)
/// when missing.
pub async fn get_or_create<T, C>(
    c: &C,
    actor: &Actor,
    now: DateTime<Utc>,
    owner: i32,
    year: i32,
    due_on: NaiveDate,
) -> Result<T::Model>
where
    T: ReportTable,
    T::Model: IntoActiveModel<T::ActiveModel> + serde::Serialize,
    C: TransactionTrait + ConnectionTrait,
{
    if let Some(r) = of_owner_year::<T, C>(c, owner, year).await? {
        return Ok(r);
    }
    let tx = crate::begin_write(c).await?;
    // Another client may have made it since the look above: on SQLite the
    // write lock now held makes this second look final; on PostgreSQL two
    // drafts can still race, and the loser reads the winner's.
    if let Some(r) = of_owner_year::<T, _>(&tx, owner, year).await? {
        return Ok(r);
    }
    let new = NewReport {
        owner,
        year,
        due_on,
        actor,
        now,
    };
    let row = match T::draft(&new).insert(&tx).await {
        Ok(row) => row,
        Err(e)
            if matches!(
                e.sql_err(),
                Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
            ) =>
        {
            drop(tx);
            return of_owner_year::<T, C>(c, owner, year)
                .await?
                .ok_or(StoreError::NotFound);
        }
        Err(e) => return Err(e.into()),
    };
    audit::created(&tx, actor, now, T::NAME, T::id(&row), &row).await?;
    tx.commit().await?;
    Ok(row)
}

/// Saves an edit of report `id`'s content while it is a draft or returned
/// (otherwise `Conflict { field: "status" }`): `edit` sets the fields; the
/// time of the change, and the row before and after in the audit trail, are
/// written here.
pub async fn edit<T, C>(
    c: &C,
    actor: &Actor,
    now: DateTime<Utc>,
    id: i32,
    edit: impl FnOnce(&mut T::ActiveModel),
) -> Result<T::Model>
where
    T: ReportTable,
    T::Model: IntoActiveModel<T::ActiveModel> + serde::Serialize,
    C: TransactionTrait + ConnectionTrait,
    i32: Into<<T::PrimaryKey as PrimaryKeyTrait>::ValueType>,
{
    let tx = crate::begin_write(c).await?;
    let before = crate::scoped::found_for_update::<T, _>(&tx, id).await?;
    ensure_editable(T::status(&before))?;
    let mut am = before.clone().into_active_model();
    edit(&mut am);
    T::touch(&mut am, now);
    let after = am.update(&tx).await?;
    audit::updated(&tx, actor, now, T::NAME, id, &before, &after).await?;
    tx.commit().await?;
    Ok(after)
}

/// Moves report `id` inside `tx` under `thamgia_domain::reports::next`:
/// `figures` (JSON) frozen on submission, the approval recorded, the move and
/// its trimmed reason written to the history and the audit trail. A refused
/// move writes nothing. The caller commits (after adding its own rows).
pub async fn move_in<T, C>(
    tx: &C,
    actor: &Actor,
    now: DateTime<Utc>,
    id: i32,
    m: Move<'_>,
) -> Result<std::result::Result<T::Model, ReportRefusal>>
where
    T: ReportTable,
    C: ConnectionTrait,
    T::Model: IntoActiveModel<T::ActiveModel>,
    <T::Event as EntityTrait>::Model: IntoActiveModel<<T::Event as EntityTrait>::ActiveModel>,
    i32: Into<<T::PrimaryKey as PrimaryKeyTrait>::ValueType>,
{
    let Move {
        action,
        role,
        reason,
        figures,
    } = m;
    let before = crate::scoped::found_for_update::<T, _>(tx, id).await?;
    let from = T::status(&before);
    let to = match next(from, action, role, reason) {
        Ok(s) => s,
        Err(r) => return Ok(Err(r)),
    };
    let moved = Moved {
        action,
        from,
        to,
        reason: reason.map(str::trim).filter(|r| !r.is_empty()),
        figures,
        actor,
        now,
    };
    let after = T::moved(&before, &moved).update(tx).await?;
    T::event(id, &moved).insert(tx).await?;
    let reason = moved.reason;
    let change = Change::new(action.as_str(), T::NAME, id)
        .before(&serde_json::json!({"status": from.as_str()}))
        .after(&serde_json::json!({"status": to.as_str(), "reason": reason}));
    audit::record(tx, actor, now, change).await?;
    Ok(Ok(after))
}

/// A report's history, oldest first. Both history tables have the same
/// columns, so both read as [`report_event::Model`].
pub async fn events<T: ReportTable, C: ConnectionTrait>(
    c: &C,
    id: i32,
) -> Result<Vec<report_event::Model>> {
    Ok(T::Event::find()
        .filter(T::EVENT_REPORT.eq(id))
        .order_by_asc(T::EVENT_AT)
        .order_by_asc(T::EVENT_ID)
        .into_model::<report_event::Model>()
        .all(c)
        .await?)
}

/// What both chains show of a reporter's report for a year beside its
/// content: its status (`None` without a report), due date (the report's, or
/// `report_data::due_on` of the reporter's unit), first submission and
/// history.
#[derive(Debug, Clone, PartialEq)]
pub struct ChainFacts {
    pub status: Option<ReportStatus>,
    pub due_on: NaiveDate,
    pub first_submitted_on: Option<NaiveDate>,
    pub events: Vec<report_event::Model>,
}

impl ChainFacts {
    /// First submitted on or before the due date.
    pub fn on_time(&self) -> bool {
        thamgia_domain::reports::on_time(self.first_submitted_on, self.due_on)
    }

    /// The reason of the last return, while the report stands returned.
    pub fn last_reason(&self) -> Option<&str> {
        if self.status != Some(ReportStatus::Returned) {
            return None;
        }
        self.events
            .iter()
            .rev()
            .find(|e| e.action == ReportAction::Return)
            .and_then(|e| e.reason.as_deref())
    }
}

/// [`ChainFacts`] of `r`, the report (if any) for `year` of a reporter whose
/// unit lies at `unit_path`.
pub async fn facts<T: ReportTable, C: ConnectionTrait>(
    c: &C,
    unit_path: &str,
    year: i32,
    r: Option<&T::Model>,
) -> Result<ChainFacts> {
    Ok(match r {
        Some(r) => ChainFacts {
            status: Some(T::status(r)),
            due_on: T::due_on(r),
            first_submitted_on: T::first_submitted_on(r),
            events: events::<T, C>(c, T::id(r)).await?,
        },
        None => ChainFacts {
            status: None,
            due_on: crate::report_data::due_on(c, unit_path, year).await?,
            first_submitted_on: None,
            events: Vec::new(),
        },
    })
}

/// Refuses, with `Conflict { field: "status" }`, a change to a report that
/// is no longer a draft or returned.
pub fn ensure_editable(status: ReportStatus) -> Result<()> {
    if thamgia_domain::reports::editable(status) {
        Ok(())
    } else {
        Err(StoreError::Conflict { field: "status" })
    }
}

/// Every unit of the subtree under `path` (at any time), by id: the units a
/// scope's reports may belong to.
pub async fn units_by_id<C: ConnectionTrait>(
    c: &C,
    path: &str,
) -> Result<std::collections::HashMap<i32, crate::entity::unit::Model>> {
    Ok(crate::entity::unit::Entity::find()
        .filter(crate::units::in_subtree(path, crate::units::During::Always))
        .all(c)
        .await?
        .into_iter()
        .map(|u| (u.id, u))
        .collect())
}
