//! The period review (sơ kết, tổng kết) of a unit over a span of its plan:
//! `/reviews?unit=&from=&to=` — every indicator for each year and over the
//! span against its milestones, money by source, the models' history,
//! recommendations received and answered (the span rule of
//! `thamgia_domain::review`, applied by `store::review::build`), and the
//! coordinator's narrative, saved through `thamgia_actions::reviews` (the
//! same action as `PUT /api/v1/reviews`). Exports: `/reviews/export.docx`,
//! `.xlsx`, `.csv` with the same query (`report_files::review_file`).

use super::matters::Fields;
use super::{Chrome, PageErr, PageError, PageResult, Visit, answered, render, require};
use crate::error::AppError;
use crate::report_files::{self, Format};
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::extract::Query;
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use thamgia_actions::Act;
use thamgia_actions::reviews::{NarrativeInput, Span, SpanInput, save_narrative, span_of};
use thamgia_domain::access::Permission;
use thamgia_store::review::{self, Review, Series};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/reviews", get(show))
        .route("/reviews/narrative", post(save))
        .route("/reviews/export.docx", get(export_docx))
        .route("/reviews/export.xlsx", get(export_xlsx))
        .route("/reviews/export.csv", get(export_csv))
}

/// The query of the page: the span, and what was just saved.
#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct ReviewQuery {
    pub unit: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub saved: Option<String>,
}

impl ReviewQuery {
    fn span(&self) -> SpanInput {
        let s = |v: &Option<String>| v.clone().unwrap_or_default();
        SpanInput {
            unit: s(&self.unit),
            from: s(&self.from),
            to: s(&self.to),
        }
    }
}

/// The narrative form: the span it belongs to and the three sections.
#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct ReviewForm {
    pub unit: String,
    pub from: String,
    pub to: String,
    pub results: String,
    pub difficulties: String,
    pub proposals: String,
}

/// One indicator's line: each year's value and milestone, then the span's.
pub struct IndicatorView {
    pub code: String,
    pub name: String,
    pub years: Vec<(String, String)>,
    pub span: String,
    pub span_target: String,
    pub rule: String,
}

/// A line of counts or amounts: each year's, then the span's ("—" when the
/// figure is counted in a year only).
pub struct SeriesView {
    pub label: String,
    pub years: Vec<String>,
    pub span: String,
}

#[derive(Template)]
#[template(path = "review.html")]
struct ReviewPage {
    c: Chrome,
    form: ReviewForm,
    /// Field → the message shown beside it.
    errors: Fields,
    error: String,
    notice: String,
    /// A review is shown (the span was accepted).
    shown: bool,
    unit_name: String,
    kind: String,
    /// The unit's code as a query value, the span's years.
    unit_q: String,
    span: (i32, i32),
    built_on: String,
    years: Vec<i32>,
    indicators: Vec<IndicatorView>,
    money: Vec<SeriesView>,
    history: Vec<SeriesView>,
    recommendations: Vec<SeriesView>,
    /// The plans' periods (first and last years), as links.
    periods: Vec<(i32, i32)>,
    can_edit: bool,
}

impl ReviewPage {
    /// The message beside a refused field; empty when it was accepted.
    fn message(&self, field: &str) -> &str {
        self.errors.get(field).map_or("", String::as_str)
    }

    /// A narrative section as typed (or saved).
    fn section(&self, field: &str) -> &str {
        match field {
            "results" => &self.form.results,
            "difficulties" => &self.form.difficulties,
            _ => &self.form.proposals,
        }
    }
}

/// The refused fields' messages in the page's language: the field's name,
/// then why ("Từ năm: năm bắt đầu phải trước hoặc bằng năm kết thúc").
fn messages(c: &Chrome, fields: &Fields) -> Fields {
    fields
        .iter()
        .map(|(field, code)| {
            let text = format!(
                "{}: {}",
                c.tk("review-field-", field),
                c.tk("review-invalid-", code)
            );
            (field.clone(), text)
        })
        .collect()
}

/// A value as it stands in a query string (`a&b` → `a%26b`).
fn query_value(v: &str) -> String {
    serde_urlencoded::to_string([("v", v)])
        .unwrap_or_default()
        .split_off(2)
}

fn value_text(c: &Chrome, v: Option<f64>, hidden: bool, unit: &str) -> String {
    match v {
        _ if hidden => thamgia_domain::suppression::HIDDEN_LABEL.to_string(),
        Some(x) if unit == "%" => format!("{} %", c.num(x)),
        Some(x) if unit == "dong" => c.lang.money(x.round() as i64),
        Some(x) => c.num(x),
        None => "—".into(),
    }
}

fn series_view(c: &Chrome, key: &str, s: &Series, adds_up: bool) -> SeriesView {
    SeriesView {
        label: c.t(key),
        years: s.years.iter().map(|n| c.int(*n)).collect(),
        span: if adds_up {
            c.int(s.total)
        } else {
            "—".into()
        },
    }
}

fn money_view(c: &Chrome, label: String, spent: &[i64], total: i64) -> SeriesView {
    SeriesView {
        label,
        years: spent.iter().map(|n| c.lang.money(*n)).collect(),
        span: c.lang.money(total),
    }
}

/// The page's figures from the review.
fn fill(page: &mut ReviewPage, r: &Review, plan_end: Option<i32>) {
    let c = &page.c;
    page.shown = true;
    page.unit_name = c.pick(&r.unit_name_vi, &r.unit_name_en).to_string();
    page.kind = c.t(if plan_end == Some(r.to) {
        "review-kind-final"
    } else {
        "review-kind-midterm"
    });
    page.built_on = c.date(r.built_on);
    page.years = (r.from..=r.to).collect();
    page.unit_q = query_value(&r.unit_code);
    page.span = (r.from, r.to);
    page.indicators = r
        .indicators
        .iter()
        .map(|i| IndicatorView {
            code: i.code.clone(),
            name: c.pick(&i.name_vi, &i.name_en).to_string(),
            years: i
                .years
                .iter()
                .map(|y| {
                    (
                        value_text(c, y.value, y.hidden, &i.unit),
                        value_text(c, y.target, false, &i.unit),
                    )
                })
                .collect(),
            span: value_text(c, i.span_value, i.span_hidden, &i.unit),
            span_target: value_text(c, i.span_target, false, &i.unit),
            rule: c.tk("review-rule-", i.span_rule),
        })
        .collect();
    let mut money: Vec<SeriesView> = r
        .money
        .iter()
        .map(|m| {
            money_view(
                c,
                c.pick(&m.name_vi, &m.name_en).to_string(),
                &m.spent.years,
                m.spent.total,
            )
        })
        .collect();
    let by_year: Vec<i64> = (0..r.years.len())
        .map(|k| r.money.iter().map(|m| m.spent.years[k]).sum())
        .collect();
    let total = r.money.iter().map(|m| m.spent.total).sum();
    money.push(money_view(c, c.t("review-money-total"), &by_year, total));
    let budget: i64 = r.money.iter().map(|m| m.budget.total).sum();
    let mut budget_line = money_view(c, c.t("review-money-budget"), &[], budget);
    budget_line.years = vec![String::new(); r.years.len()];
    money.push(budget_line);
    page.money = money;
    page.history = vec![
        series_view(c, "review-activities", &r.activities, true),
        series_view(c, "review-people-trained", &r.people_trained, true),
        series_view(c, "review-forums", &r.forums, true),
        series_view(c, "review-councils", &r.councils, false),
        series_view(c, "review-dialogues", &r.dialogues, true),
        series_view(c, "review-clubs", &r.clubs, false),
        series_view(c, "review-club-activities", &r.club_activities, true),
    ];
    let rates = report_files::answer_rates(r);
    let (span_rate, year_rates) = rates.split_last().unwrap_or((&None, &[]));
    let rate = |v: &Option<f64>| value_text(c, *v, false, "%");
    page.recommendations = vec![
        series_view(c, "review-recs-received", &r.recommendations_received, true),
        series_view(c, "review-recs-answered", &r.recommendations_answered, true),
        SeriesView {
            label: c.t("review-recs-rate"),
            years: year_rates.iter().map(rate).collect(),
            span: rate(span_rate),
        },
    ];
}

/// The page: the span form, and the review when the span is accepted.
async fn review_page(
    v: &Visit,
    form: ReviewForm,
    errors: Fields,
    notice: String,
) -> Result<ReviewPage, PageError> {
    let Visit { state, p, ctx } = v;
    let lang = ctx.lang;
    let db = &state.db.conn;
    let c = Chrome::new(ctx, "review-title");
    let periods = thamgia_store::plans::list_latest(db)
        .await
        .page(lang)?
        .into_iter()
        .map(|pl| (pl.period_start, pl.period_end))
        .collect::<Vec<_>>();
    let error = if errors.is_empty() {
        String::new()
    } else {
        lang.t("review-fix-errors")
    };
    let mut page = ReviewPage {
        errors: messages(&c, &errors),
        c,
        form,
        error,
        notice,
        shown: false,
        unit_name: String::new(),
        kind: String::new(),
        unit_q: String::new(),
        span: (0, 0),
        built_on: String::new(),
        years: vec![],
        indicators: vec![],
        money: vec![],
        history: vec![],
        recommendations: vec![],
        periods: vec![],
        can_edit: p.can(Permission::ReviewReports),
    };
    if page.form.unit.trim().is_empty() && page.form.from.is_empty() && page.form.to.is_empty() {
        // The first visit: the caller's own unit, to choose a span for.
        let own = thamgia_store::units::by_id(db, p.unit_id)
            .await
            .page(lang)?;
        page.form.unit = own.map(|u| u.code).unwrap_or_default();
    }
    page.unit_q = query_value(page.form.unit.trim());
    page.periods = periods;
    if page.form.from.is_empty() && page.form.to.is_empty() {
        return Ok(page);
    }
    let input = SpanInput {
        unit: page.form.unit.clone(),
        from: page.form.from.clone(),
        to: page.form.to.clone(),
    };
    let span = match answered(span_of(db, p, &input).await, lang)? {
        Ok(s) => s,
        Err(fields) => {
            page.error = lang.t("review-fix-errors");
            page.errors.extend(messages(&page.c, &fields));
            return Ok(page);
        }
    };
    let today = state.now().date_naive();
    let r = review::build(db, &span.unit, span.from, span.to, today)
        .await
        .page(lang)?;
    // A refused narrative stays as typed; else the saved one is shown.
    let typed = ["results", "difficulties", "proposals"]
        .iter()
        .any(|f| page.errors.contains_key(*f));
    if !typed
        && let Some(n) = review::narrative_of(db, span.unit.id, span.from, span.to)
            .await
            .page(lang)?
    {
        page.form.results = n.results;
        page.form.difficulties = n.difficulties;
        page.form.proposals = n.proposals;
    }
    let plan = thamgia_store::plans::for_unit(db, &span.unit.path, span.from)
        .await
        .page(lang)?;
    fill(&mut page, &r, plan.map(|p| p.header.period_end));
    Ok(page)
}

fn respond(page: &ReviewPage) -> PageResult {
    Ok(super::unprocessable_if(
        !page.errors.is_empty(),
        render(page),
    ))
}

pub async fn show(v: Visit, Query(q): Query<ReviewQuery>) -> PageResult {
    require(&v.p, Permission::ViewReports, v.ctx.lang)?;
    let s = q.span();
    let notice = if q.saved.is_some() {
        v.ctx.lang.t("review-saved")
    } else {
        String::new()
    };
    let form = ReviewForm {
        unit: s.unit,
        from: s.from,
        to: s.to,
        ..ReviewForm::default()
    };
    let page = review_page(&v, form, Fields::new(), notice).await?;
    respond(&page)
}

pub async fn save(
    v: Visit,
    crate::auth::CsrfForm(f): crate::auth::CsrfForm<ReviewForm>,
) -> PageResult {
    let lang = v.ctx.lang;
    require(&v.p, Permission::ReviewReports, lang)?;
    let span = SpanInput {
        unit: f.unit.clone(),
        from: f.from.clone(),
        to: f.to.clone(),
    };
    let words = NarrativeInput {
        results: f.results.clone(),
        difficulties: f.difficulties.clone(),
        proposals: f.proposals.clone(),
    };
    let act = Act::new(&v.state.db.conn, &v.p, v.state.now());
    match answered(save_narrative(act, &span, &words).await, lang)? {
        Ok(_) => {
            let query = serde_urlencoded::to_string([
                ("unit", f.unit.trim()),
                ("from", f.from.trim()),
                ("to", f.to.trim()),
                ("saved", "narrative"),
            ])
            .unwrap_or_default();
            Ok(Redirect::to(&format!("/reviews?{query}#narrative")).into_response())
        }
        Err(fields) => {
            let page = review_page(&v, f, fields, String::new()).await?;
            respond(&page)
        }
    }
}

/// The span of an export, checked like the page's (404 outside the scope;
/// a refused span is the page's 422 with its fields).
async fn export(v: &Visit, q: &ReviewQuery, format: Format) -> PageResult {
    let lang = v.ctx.lang;
    require(&v.p, Permission::ViewReports, lang)?;
    let s: Span = span_of(&v.state.db.conn, &v.p, &q.span())
        .await
        .map_err(AppError::from)
        .page(lang)?;
    let today = v.state.now().date_naive();
    let f = report_files::review_file(&v.state.db.conn, &s, today, format)
        .await
        .page(lang)?;
    Ok(f.into_response())
}

async fn export_docx(v: Visit, Query(q): Query<ReviewQuery>) -> PageResult {
    export(&v, &q, Format::Docx).await
}

async fn export_xlsx(v: Visit, Query(q): Query<ReviewQuery>) -> PageResult {
    export(&v, &q, Format::Xlsx).await
}

async fn export_csv(v: Visit, Query(q): Query<ReviewQuery>) -> PageResult {
    export(&v, &q, Format::Csv).await
}
