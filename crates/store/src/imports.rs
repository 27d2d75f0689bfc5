//! Applying an imported file (activities and their spending from .xlsx or
//! .csv) that already passed every check: all of it in ONE transaction, so a
//! file imports whole or not at all. Activities are saved by unit and code and
//! spending is kept once (`activities::save_in`, `add_spending_in`), so the
//! same file imported again creates nothing. The import itself is recorded in
//! the audit trail with its file name and counts, never the rows' content.

use crate::activities::{self, Saved};
use crate::audit::{self, Change};
use crate::entity::activity;
use crate::{Result, StoreError};
use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, TransactionSession,
    TransactionTrait,
};
use std::collections::HashMap;
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

/// Applies a checked file in one transaction; `progress` is told how many
/// rows are done after each row. Nothing is written when any row fails.
pub async fn apply<C: TransactionTrait + ConnectionTrait>(
    c: &C,
    actor: &Actor,
    now: DateTime<Utc>,
    file: &CheckedFile<'_>,
    progress: &(dyn Fn(usize) + Send + Sync),
) -> Result<ImportCounts> {
    let tx = c.begin().await?;
    let mut counts = ImportCounts::default();
    let mut ids: HashMap<(i32, String), i32> = HashMap::new();
    let mut done = 0;
    for a in file.activities {
        let (row, saved) = activities::save_in(&tx, actor, now, a).await?;
        match saved {
            Saved::Created => counts.activities_created += 1,
            Saved::Updated => counts.activities_updated += 1,
            Saved::Unchanged => counts.activities_unchanged += 1,
        }
        ids.insert((a.unit_id, a.code.clone()), row.id);
        done += 1;
        progress(done);
    }
    for s in file.spending {
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
        done += 1;
        progress(done);
    }
    audit::record(
        &tx,
        actor,
        now,
        Change::new("import", "activity_import", file.reference).after(&serde_json::json!({
            "file_name": file.file_name,
            "activity_rows": file.activities.len(),
            "spending_rows": file.spending.len(),
            "counts": counts,
        })),
    )
    .await?;
    tx.commit().await?;
    Ok(counts)
}
