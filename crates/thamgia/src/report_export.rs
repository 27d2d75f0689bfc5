//! `thamgia report export --unit CODE --year YYYY --format xlsx|docx|csv --output FILE`:
//! writes a unit's annual report from the database, through the same code as
//! the page and the API (`thamgia_web::report_files`). The command
//! line sees every unit; an unknown unit, year or format exits 1 with a
//! message naming it.

use anyhow::Context;
use std::path::Path;
use std::process::ExitCode;
use thamgia_store::Db;
use thamgia_web::error::AppError;
use thamgia_web::report_files::{Format, parse_year, report_file, unit_anywhere};

/// Runs the export; `today` decides whether the running year is on track.
pub async fn run(
    db: &Db,
    unit: &str,
    year: &str,
    format: &str,
    output: &Path,
    today: chrono::NaiveDate,
) -> anyhow::Result<ExitCode> {
    let Some(format) = Format::parse(format) else {
        eprintln!("error: --format: unknown format {format:?} (xlsx, docx or csv)");
        return Ok(ExitCode::FAILURE);
    };
    let Some(year) = parse_year(year) else {
        eprintln!("error: --year: {year:?} is not a year (four digits)");
        return Ok(ExitCode::FAILURE);
    };
    let u = match unit_anywhere(&db.conn, unit, Some(year)).await {
        Ok(u) => u,
        Err(AppError::NotFound) => {
            eprintln!("error: --unit: no unit with code {unit:?}");
            return Ok(ExitCode::FAILURE);
        }
        Err(e) => return Err(anyhow::anyhow!("{e}")),
    };
    let file = report_file(&db.conn, &u, year, today, format)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    std::fs::write(output, &file.bytes)
        .with_context(|| format!("cannot write {}", output.display()))?;
    println!(
        "wrote {} ({} bytes): report of {} {} for {year}",
        output.display(),
        file.bytes.len(),
        u.code,
        u.name_vi
    );
    Ok(ExitCode::SUCCESS)
}
