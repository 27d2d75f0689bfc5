//! Exports over the API: a unit's annual report and the plan's indicators
//! as .xlsx, .docx (Decree 30/2020 layout) or CSV — the same files as the
//! pages and `thamgia report export` (`report_files.rs`).

use super::Api;
use super::Path;
use super::Query;
use super::require;
use super::shapes::query_params;
use crate::error::{AppError, AppResult, ErrorBody};
use crate::report_files::{
    ExportFile, Format, UnitYear, indicator_target, indicators_file, parse_year, report_file,
};
use thamgia_domain::access::Permission;
use thamgia_store::units;

query_params! {
    #[serde(default)]
    ReportExportQuery {
        /// `xlsx`, `docx` or `csv`.
        format,
    }
}

query_params! {
    #[serde(default)]
    IndicatorExportQuery {
        /// Official code of a unit in the caller's scope.
        unit,
        /// Calendar year, four digits.
        year,
        /// `xlsx` or `csv`.
        format,
    }
}

fn format_of(s: Option<&str>, allowed: &[Format]) -> AppResult<Format> {
    match s.map(str::trim).filter(|s| !s.is_empty()) {
        None => Err(AppError::invalid("format", "required")),
        Some(s) => Format::parse(s)
            .filter(|f| allowed.contains(f))
            .ok_or_else(|| AppError::invalid("format", "invalid_format")),
    }
}

/// A unit's annual report for a year as a file: `xlsx` (sheets "Chỉ tiêu",
/// "Phân tổ", activities, participants, funding, models, recommendations and,
/// for the province, "Các huyện"), `docx` (a Vietnamese administrative report
/// under Decree 30/2020) or `csv` (the indicator table then the breakdowns;
/// UTF-8 with BOM, `;`-separated). A submitted or approved report is exported
/// with its frozen figures; a draft with live ones. A unit outside the scope
/// is 404.
#[utoipa::path(get, path = "/api/v1/reports/{unit}/{year}/export", tag = "reports",
    params(("unit" = String, Path, description = "Unit code"),
           ("year" = i32, Path, description = "Year, four digits"),
           ReportExportQuery),
    responses((status = 200, description = "The file", content(
                (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
                (Vec<u8> = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
                (Vec<u8> = "text/csv"))),
        (status = 403, body = ErrorBody)))]
pub async fn report(
    Api { state, p }: Api,
    Path((unit, year)): Path<(String, String)>,
    Query(q): Query<ReportExportQuery>,
) -> AppResult<ExportFile> {
    require(&p, Permission::ViewReports)?;
    let db = &state.db.conn;
    let year = parse_year(&year).ok_or_else(|| AppError::invalid("year", "invalid_year"))?;
    let u = units::resolve(db, &p.scope(), unit.trim(), Some(year), None)
        .await?
        .unit;
    let format = format_of(
        q.format.as_deref(),
        &[Format::Xlsx, Format::Docx, Format::Csv],
    )?;
    report_file(db, &u, year, state.now().date_naive(), format).await
}

/// The plan's indicators for a unit's subtree and a year (live, from the
/// indicator engine) as `xlsx` (sheets "Chỉ tiêu" and "Phân tổ") or `csv`.
/// The figures equal `GET /api/v1/indicators` for the same unit and year.
#[utoipa::path(get, path = "/api/v1/indicators/export", tag = "indicators",
    params(IndicatorExportQuery),
    responses((status = 200, description = "The file", content(
                (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
                (Vec<u8> = "text/csv"))),
        (status = 404, body = ErrorBody),
        (status = 403, body = ErrorBody)))]
pub async fn indicators(
    Api { state, p }: Api,
    Query(q): Query<IndicatorExportQuery>,
) -> AppResult<ExportFile> {
    require(&p, Permission::ViewPlan)?;
    let format = format_of(q.format.as_deref(), &[Format::Xlsx, Format::Csv])?;
    let (u, year) = indicator_target(
        &state,
        &p,
        &UnitYear {
            unit: q.unit.clone(),
            year: q.year.clone(),
        },
    )
    .await?;
    indicators_file(&state.db.conn, &u, year, state.now().date_naive(), format).await
}
