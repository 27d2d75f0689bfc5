//! `thamgia units import FILE`: loads a units file (.csv or .xlsx) — the
//! communes of 2015–30/6/2025 under their districts, or the commune-level
//! units since 1/7/2025 with their predecessors (`plans/units/`). Every row is
//! checked first (`thamgia_domain::units::check_rows`), then all are written
//! in one transaction (`thamgia_store::units::import`); any error names its
//! row and column and nothing is loaded. Loading the same file again changes
//! nothing.

use chrono::{DateTime, Utc};
use std::path::Path;
use std::process::ExitCode;
use thamgia_domain::access::Actor;
use thamgia_domain::units::{RowError, check_rows};
use thamgia_store::Db;
use thamgia_store::units::ImportCounts;

/// The communes of Lai Châu until 30/6/2025, under their districts.
pub const COMMUNES_2015_2025: &str =
    include_str!("../../../plans/units/communes-lai-chau-2015-2025.csv");
/// Lai Châu's 38 commune-level units from 1/7/2025, with their predecessors.
pub const UNITS_2025: &str = include_str!("../../../plans/units/units-lai-chau-2025.csv");

/// Reads, checks and loads a units file; `Err` holds every refused row.
pub async fn load(
    db: &Db,
    bytes: &[u8],
    actor: &Actor,
    now: DateTime<Utc>,
) -> anyhow::Result<Result<ImportCounts, Vec<RowError>>> {
    let (_, tables) = match thamgia_office::read(bytes) {
        Ok(t) => t,
        Err(e) => {
            return Ok(Err(vec![RowError {
                row: 0,
                column: "file".into(),
                code: e.code(),
            }]));
        }
    };
    let Some(table) = tables.into_iter().next() else {
        return Ok(Err(vec![RowError {
            row: 0,
            column: "file".into(),
            code: "empty_file",
        }]));
    };
    let mut rows = table.rows.into_iter();
    let header: Vec<String> = rows
        .next()
        .map(|r| r.cells.iter().map(|c| c.text()).collect())
        .unwrap_or_default();
    let body: Vec<(usize, Vec<String>)> = rows
        .map(|r| (r.number, r.cells.iter().map(|c| c.text()).collect()))
        .collect();
    let checked = match check_rows(&header, &body) {
        Ok(c) => c,
        Err(e) => return Ok(Err(e)),
    };
    Ok(thamgia_store::units::import(&db.conn, actor, now, &checked).await?)
}

/// The command: prints what changed, or every error (exit 1, nothing loaded).
pub async fn run(db: &Db, file: &Path, now: DateTime<Utc>) -> anyhow::Result<ExitCode> {
    let bytes =
        std::fs::read(file).map_err(|e| anyhow::anyhow!("cannot read {}: {e}", file.display()))?;
    match load(db, &bytes, &Actor::system("cli"), now).await? {
        Ok(c) => {
            println!(
                "units: {} created, {} updated, {} unchanged; {} successions added; \
                 {} schools and villages moved to their commune's successor; \
                 ended with their unit: {} councils, {} clubs, {} memberships, {} agencies",
                c.created,
                c.updated,
                c.unchanged,
                c.successions,
                c.moved,
                c.ended.councils,
                c.ended.clubs,
                c.ended.memberships,
                c.ended.agencies
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(errors) => {
            for e in &errors {
                eprintln!("{}: {e}", file.display());
            }
            eprintln!("nothing imported ({} errors)", errors.len());
            Ok(ExitCode::FAILURE)
        }
    }
}
