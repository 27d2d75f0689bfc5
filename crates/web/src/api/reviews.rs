//! Period reviews (sơ kết, tổng kết) over the API: a unit's review over a
//! span of its plan (`store::review::build`, the span rule of
//! `thamgia_domain::review`), its narrative written through the same action
//! as the page (`thamgia_actions::reviews::save_narrative`), and its files
//! (`report_files::review_file`, as the page and `thamgia review export`).

use super::Query;
use super::report_exports::ReportExportQuery;
use super::require;
use super::{Api, JsonBody};
use crate::error::{AppError, AppResult, ErrorBody};
use crate::report_files::{ExportFile, Format, review_file};
use crate::state::AppState;
use axum::Json;
use thamgia_actions::Act;
use thamgia_actions::reviews::{NarrativeInput, Span, SpanInput, save_narrative, span_of};
use thamgia_domain::access::Permission;
use thamgia_store::review;

/// The span of a review, in the query (read as `thamgia_actions::reviews::SpanInput`).
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
struct SpanParams {
    /// Official code of a unit in the caller's scope.
    unit: String,
    /// The span's first year, four digits.
    from: String,
    /// The span's last year, four digits (inside the plan of the first year).
    to: String,
}

/// The coordinator's narrative of a review.
#[derive(Debug, Default, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct ReviewNarrative {
    pub results: String,
    pub difficulties: String,
    pub proposals: String,
}

/// A review: the span's figures and the narrative.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ReviewDto {
    pub unit: String,
    pub from: i32,
    pub to: i32,
    /// `final` (tổng kết: the span reaches the plan's last year) or
    /// `midterm` (sơ kết).
    pub kind: String,
    /// `store::review::Review`: `years` (each year's report data, `frozen`
    /// once the report was sent), `indicators` (each with `years` — value,
    /// target, hidden — and `span_value`, `span_target`, `span_hidden`,
    /// `span_rule`: `sum`, `share`, `per_year` or `none`), `money` by source
    /// (`budget` and `spent`, each `years` and `total`), and the series
    /// `activities`, `people_trained`, `forums`, `councils`, `dialogues`,
    /// `clubs`, `club_activities`, `recommendations_received`,
    /// `recommendations_answered`.
    #[schema(value_type = Object)]
    pub review: serde_json::Value,
    pub narrative: ReviewNarrative,
}

async fn dto(state: &AppState, s: &Span) -> AppResult<ReviewDto> {
    let db = &state.db.conn;
    let r = review::build(db, &s.unit, s.from, s.to, state.now().date_naive()).await?;
    let n = review::narrative_of(db, s.unit.id, s.from, s.to).await?;
    let plan = thamgia_store::plans::for_unit(db, &s.unit.path, s.from).await?;
    let last = plan.map(|p| p.header.period_end);
    Ok(ReviewDto {
        unit: s.unit.code.clone(),
        from: s.from,
        to: s.to,
        kind: if last == Some(s.to) {
            "final"
        } else {
            "midterm"
        }
        .into(),
        review: serde_json::to_value(&r).unwrap_or_default(),
        narrative: n.map_or_else(ReviewNarrative::default, |n| ReviewNarrative {
            results: n.results,
            difficulties: n.difficulties,
            proposals: n.proposals,
        }),
    })
}

/// A unit's period review over `from`–`to`: every indicator for each year
/// (as the year's report has it) and over the span by the span rule — sums
/// for what adds up, shares recomputed from the span's numerators and
/// denominators, nothing for units counted in a year, hidden when a year is
/// — money by source, the models' history, recommendations, and the
/// narrative. Field errors (422) on `unit`, `from`, `to`: `required`,
/// `not_a_year`, `from_after_to`, `span_too_long`, `outside_plan`,
/// `outside_unit`.
#[utoipa::path(get, path = "/api/v1/reviews", tag = "reports",
    params(SpanParams),
    responses((status = 200, body = ReviewDto),
              (status = 404, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn show(Api { state, p }: Api, Query(q): Query<SpanInput>) -> AppResult<Json<ReviewDto>> {
    require(&p, Permission::ViewReports)?;
    let s = span_of(&state.db.conn, &p, &q).await?;
    Ok(Json(dto(&state, &s).await?))
}

/// Writes the review's narrative (the coordinator: `ReviewReports`); each
/// section optional, at most the report's section length (`too_long`).
#[utoipa::path(put, path = "/api/v1/reviews", tag = "reports",
    params(SpanParams),
    request_body = ReviewNarrative,
    responses((status = 200, body = ReviewDto),
              (status = 404, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn update(
    Api { state, p }: Api,
    Query(q): Query<SpanInput>,
    body: JsonBody,
) -> AppResult<Json<ReviewDto>> {
    require(&p, Permission::ReviewReports)?;
    let s = span_of(&state.db.conn, &p, &q).await?;
    let b: ReviewNarrative = super::json(&body)?;
    let words = NarrativeInput {
        results: b.results,
        difficulties: b.difficulties,
        proposals: b.proposals,
    };
    let act = Act::new(&state.db.conn, &p, state.now());
    save_narrative(act, &q, &words).await?;
    Ok(Json(dto(&state, &s).await?))
}

/// The review as a file: `docx` (a report under Decree 30/2020: the
/// indicators by year and over the span, their milestones, money, models,
/// recommendations and the narrative), `xlsx` (one sheet per table) or `csv`
/// (every table in turn; UTF-8 with BOM, `;`-separated). The figures are
/// those of `GET /api/v1/reviews`.
#[utoipa::path(get, path = "/api/v1/reviews/export", tag = "reports",
    params(SpanParams, ReportExportQuery),
    responses((status = 404, body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 200, description = "The review's file", content(
            (Vec<u8> = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
            (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            (Vec<u8> = "text/csv")))))]
pub async fn export(
    Api { state, p }: Api,
    Query(q): Query<SpanInput>,
    Query(f): Query<ReportExportQuery>,
) -> AppResult<ExportFile> {
    require(&p, Permission::ViewReports)?;
    let format = match f.format.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => return Err(AppError::invalid("format", "required")),
        Some(f) => Format::parse(f).ok_or_else(|| AppError::invalid("format", "invalid_format"))?,
    };
    let s = span_of(&state.db.conn, &p, &q).await?;
    review_file(&state.db.conn, &s, state.now().date_naive(), format).await
}
