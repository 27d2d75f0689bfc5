//! `thamgia review export --unit CODE --from YYYY --to YYYY --format docx|xlsx|csv --output FILE`:
//! writes a unit's period review (sơ kết, tổng kết) through the same code as
//! the page and the API (`thamgia_web::report_files::review_file`), the span
//! checked by the same action (`report_files::review_span_anywhere`). The
//! command line sees every unit; a refused unit, span or format exits 1 with
//! a message naming the option.

use anyhow::Context;
use std::path::Path;
use std::process::ExitCode;
use thamgia_store::Db;
use thamgia_web::error::AppError;
use thamgia_web::report_files::{Format, SpanInput, review_file, review_span_anywhere};

/// Runs the export; `today` decides the figures of a year not yet reported.
pub async fn run(
    db: &Db,
    span: SpanInput,
    format: &str,
    output: &Path,
    today: chrono::NaiveDate,
) -> anyhow::Result<ExitCode> {
    let Some(format) = Format::parse(format) else {
        eprintln!("error: --format: unknown format {format:?} (docx, xlsx or csv)");
        return Ok(ExitCode::FAILURE);
    };
    let s = match review_span_anywhere(&db.conn, &span).await {
        Ok(s) => s,
        Err(AppError::NotFound) => {
            eprintln!("error: --unit: no unit with code {:?}", span.unit);
            return Ok(ExitCode::FAILURE);
        }
        Err(AppError::Invalid { fields, .. }) => {
            for (field, code) in fields {
                eprintln!("error: --{field}: {code}");
            }
            return Ok(ExitCode::FAILURE);
        }
        Err(e) => return Err(anyhow::anyhow!("{e}")),
    };
    let what = format!(
        "review of {} {} for {}–{}",
        s.unit.code, s.unit.name_vi, s.from, s.to
    );
    let file = review_file(&db.conn, &s, today, format)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    save(output, &file.bytes, &what)
}

/// Writes the file and says what it holds.
fn save(output: &Path, bytes: &[u8], what: &str) -> anyhow::Result<ExitCode> {
    std::fs::write(output, bytes).with_context(|| format!("cannot write {}", output.display()))?;
    println!("wrote {} ({} bytes): {what}", output.display(), bytes.len());
    Ok(ExitCode::SUCCESS)
}
