//! Applying an imported file (activities and their spending from .xlsx or
//! .csv) that already passed every check, in short write transactions (see
//! [`apply`]). Activities are saved by unit and code and spending is kept once
//! (`activities::save_in`, `add_spending_in`), so the same file imported again
//! creates nothing — which is also what makes an import stopped half-way safe
//! to run again. The import itself is recorded in the audit trail with its
//! file name and counts, never the rows' content.

use crate::activities::{self, Saved};
use crate::audit::{self, Change};
use crate::entity::activity;
use crate::{Result, StoreError};
use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, QuerySelect,
    TransactionSession, TransactionTrait,
};
use std::collections::HashMap;
use std::time::{Duration, Instant};
use thamgia_domain::access::Actor;
use thamgia_domain::activities::{Activity, Spending};

/// What an import did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct ImportCounts {
    pub activities_created: u64,
    pub activities_updated: u64,
    pub activities_unchanged: u64,
    pub spending_added: u64,
    /// Spending rows already recorded (the same activity, source, date, amount and note).
    pub spending_existing: u64,
}

/// An activity already stored: its id and lead agency, by unit and code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Existing {
    pub id: i32,
    pub lead_agency_id: i32,
}

/// The activities of these units, by (unit, code), for checking spending rows
/// and who may overwrite what.
pub async fn existing<C: ConnectionTrait>(
    c: &C,
    unit_ids: &[i32],
) -> Result<HashMap<(i32, String), Existing>> {
    let mut out = HashMap::new();
    for chunk in unit_ids.chunks(5_000) {
        let rows: Vec<(i32, i32, String, i32)> = activity::Entity::find()
            .select_only()
            .column(activity::Column::Id)
            .column(activity::Column::UnitId)
            .column(activity::Column::Code)
            .column(activity::Column::LeadAgencyId)
            .filter(activity::Column::UnitId.is_in(chunk.iter().copied()))
            .into_tuple()
            .all(c)
            .await?;
        for (id, unit_id, code, lead_agency_id) in rows {
            out.insert((unit_id, code), Existing { id, lead_agency_id });
        }
    }
    Ok(out)
}

/// A file to apply: its checked rows and what the audit trail says of it.
pub struct CheckedFile<'a> {
    /// A reference for the import (the job id), kept in the audit trail.
    pub reference: &'a str,
    pub file_name: &'a str,
    pub activities: &'a [Activity],
    /// Each spending's activity is a code of its unit, in the file or stored.
    pub spending: &'a [Spending],
}

impl CheckedFile<'_> {
    pub fn rows(&self) -> usize {
        self.activities.len() + self.spending.len()
    }
}

/// How long one write transaction of an import may run before it commits. On
/// SQLite a write transaction holds the database's single write lock, so
/// other writers (children's answers, officials' forms) wait at most about
/// this long for their turn instead of for the whole file.
pub const BATCH_TIME: Duration = Duration::from_millis(400);

/// On SQLite, the pause between two batches: writers queued behind the lock
/// retry every 100 ms at most (SQLite's busy handler), so without a pause the
/// import would take the lock again before any of them.
const BATCH_PAUSE: Duration = Duration::from_millis(120);

/// An import that stopped: why, and how many rows were saved before.
#[derive(Debug)]
pub struct Stopped {
    pub error: StoreError,
    /// Rows committed by earlier batches (they stay; importing the file again
    /// completes it and saves nothing twice).
    pub saved: usize,
}

/// Applies a checked file in write transactions of at most [`BATCH_TIME`]
/// each; `progress` is told how many rows are saved (committed) after each
/// batch. The rows were checked before, outside any transaction, so readers
/// never wait on the import and other writers wait at most one batch.
pub async fn apply<C: TransactionTrait + ConnectionTrait>(
    c: &C,
    actor: &Actor,
    now: DateTime<Utc>,
    file: &CheckedFile<'_>,
    progress: &(dyn Fn(usize) + Send + Sync),
) -> std::result::Result<ImportCounts, Stopped> {
    let mut saved = 0;
    match apply_batches(c, actor, now, file, progress, &mut saved).await {
        Ok(counts) => Ok(counts),
        Err(error) => Err(Stopped { error, saved }),
    }
}

async fn apply_batches<C: TransactionTrait + ConnectionTrait>(
    c: &C,
    actor: &Actor,
    now: DateTime<Utc>,
    file: &CheckedFile<'_>,
    progress: &(dyn Fn(usize) + Send + Sync),
    saved: &mut usize,
) -> Result<ImportCounts> {
    let sqlite = c.get_database_backend() == DbBackend::Sqlite;
    let mut counts = ImportCounts::default();
    let mut ids: HashMap<(i32, String), i32> = HashMap::new();
    let mut tx = crate::begin_write(c).await?;
    let mut began = Instant::now();
    let mut done = 0;
    let total = file.rows();
    while done < total {
        if let Some(a) = file.activities.get(done) {
            let (row, result) = activities::save_in(&tx, actor, now, a).await?;
            match result {
                Saved::Created => counts.activities_created += 1,
                Saved::Updated => counts.activities_updated += 1,
                Saved::Unchanged => counts.activities_unchanged += 1,
            }
            ids.insert((a.unit_id, a.code.clone()), row.id);
        } else {
            let s = &file.spending[done - file.activities.len()];
            let key = (s.unit_id, s.activity.clone());
            let id = match ids.get(&key) {
                Some(id) => *id,
                None => {
                    let a = activities::by_code(&tx, s.unit_id, &s.activity)
                        .await?
                        .ok_or(StoreError::NotFound)?;
                    ids.insert(key, a.id);
                    a.id
                }
            };
            match activities::add_spending_in(&tx, actor, now, id, s).await? {
                Some(_) => counts.spending_added += 1,
                None => counts.spending_existing += 1,
            }
        }
        done += 1;
        if done < total && began.elapsed() >= BATCH_TIME {
            tx.commit().await?;
            *saved = done;
            progress(done);
            if sqlite {
                tokio::time::sleep(BATCH_PAUSE).await;
            }
            tx = crate::begin_write(c).await?;
            began = Instant::now();
        }
    }
    let change =
        Change::new("import", "activity_import", file.reference).after(&serde_json::json!({
            "file_name": file.file_name,
            "activity_rows": file.activities.len(),
            "spending_rows": file.spending.len(),
            "counts": counts,
        }));
    audit::commit(tx, actor, now, change).await?;
    *saved = done;
    progress(done);
    Ok(counts)
}
