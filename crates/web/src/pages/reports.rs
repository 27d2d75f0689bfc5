//! The annual report chain (Báo cáo năm): the list of the scope's reports for
//! a year with the coordinator's completeness and timeliness, and one unit's
//! report — its figures (live from `report_data::build` while the author may
//! still edit it, the JSON frozen at submission afterwards), the narrative
//! form, the moves the rules of `thamgia_domain::reports` allow the visitor,
//! the history with reasons, and links to the .xlsx/.docx/CSV exports.
//!
//! Who does what: a district officer authors their district's report; the
//! coordinator (and admin) reviews every report of the province (returns with
//! a reason, approves, alone reopens) and authors the province's own, which
//! it may approve — nobody else approves their own unit's report. The rules
//! and the writes are `thamgia_actions::reports`, shared with the JSON API
//! (`api/reports.rs`).

use super::matters::Fields;
use super::{Chrome, PageErr, PageError, PageResult, Visit, render, require};
use crate::auth::{CsrfForm, Ctx};
use crate::error::AppError;
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use chrono::{Datelike, NaiveDate};
use sea_orm::EntityTrait;
use thamgia_actions::Act;
use thamgia_domain::access::{Permission, Principal};
use thamgia_domain::reports::{
    ReportAction, ReportStatus, Standing, counts_as_submitted, editable,
};
use thamgia_domain::suppression::{shown, shown_unless};
use thamgia_store::entity::{report, report_event, unit};
use thamgia_store::report_data::{self, ChainRow};
use thamgia_store::reports::{self, chain};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/reports", get(list))
        .route("/reports/{unit}/{year}", get(show))
        .route("/reports/{unit}/{year}/narrative", post(save))
        .route("/reports/{unit}/{year}/move", post(act))
        .route("/static/reports.css", get(stylesheet))
}

pub use thamgia_actions::reports::{
    NarrativeInput as NarrativeForm, authors, data_of, moves_for, parse_year, role_of, scope_chain,
    unit_of,
};

// ---------------------------------------------------------------- views

pub(crate) fn status_key(s: Option<ReportStatus>) -> String {
    format!("report-status-{}", s.map_or("none", |s| s.as_str()))
}

/// One row of the list.
pub struct ListRow {
    pub code: String,
    pub name: String,
    pub status: String,
    pub status_class: &'static str,
    pub due: String,
    pub first_submitted: String,
    /// "yes", "no", or "" (not submitted yet, not late).
    pub on_time: &'static str,
    pub overdue: bool,
    /// The unit's last day when it ended during the year (it owes no report).
    pub ended: String,
}

/// A count of any integer type, for `Lang::t_counts`.
fn count<T: TryInto<i64>>(n: T) -> i64 {
    n.try_into().unwrap_or(i64::MAX)
}

fn list_row(c: &Chrome, row: &ChainRow) -> ListRow {
    ListRow {
        code: row.unit.code.clone(),
        name: c.pick(&row.unit.name_vi, &row.unit.name_en).to_string(),
        status: c.t(&status_key(row.status)),
        status_class: status_class(row.status),
        due: c.date(row.due_on),
        first_submitted: row
            .first_submitted_on
            .map(|d| c.date(d))
            .unwrap_or_default(),
        on_time: match (row.first_submitted_on, row.overdue) {
            (Some(_), _) if row.on_time => "yes",
            (Some(_), _) | (None, true) => "no",
            (None, false) => "",
        },
        overdue: row.overdue,
        ended: row.ended_on.map(|d| c.date(d)).unwrap_or_default(),
    }
}

pub(crate) fn status_class(s: Option<ReportStatus>) -> &'static str {
    match s {
        Some(ReportStatus::Approved) => "status-on",
        Some(ReportStatus::Returned) => "status-warn",
        Some(ReportStatus::Submitted) => "status-wait",
        _ => "status-off",
    }
}

#[derive(Template)]
#[template(path = "reports.html")]
struct ListPage {
    c: Chrome,
    year: i32,
    /// Who reports to whom, from the plan covering the year.
    intro: String,
    years: Vec<i32>,
    rows: Vec<ListRow>,
    own: Option<ListRow>,
    districts: usize,
    submitted: usize,
    approved: usize,
    timely: usize,
    overdue: usize,
    show_completeness: bool,
    /// The agencies owing a report for the year (`agency_reports`).
    agency_rows: Vec<ListRow>,
    /// Every unit and agency owing a report that has not reached the
    /// coordinator, for those who review (`ReviewReports`).
    not_reported: Option<Vec<super::agency_reports::OwedView>>,
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct YearQuery {
    pub year: Option<String>,
}

/// "Every district reports to …": the levels whose reporting duties hold
/// during the year and the body they report to (of the duty that holds
/// latest in the year), as the plan covering the year says (never a name in
/// code).
fn list_intro(c: &Chrome, plan: Option<&thamgia_domain::plan::Plan>, year: i32) -> String {
    let Some(p) = plan else {
        return c.t("report-list-intro-no-plan");
    };
    let mut levels: Vec<&str> = Vec::new();
    for d in p.duties_in(year) {
        if let Some(level) = d.level()
            && !levels.contains(&level)
        {
            levels.push(level);
        }
    }
    let last = levels
        .iter()
        .filter_map(|l| p.level_duty_in(l, year))
        .max_by_key(|d| d.last_day_in(year));
    let Some(last) = last else {
        return c.t("report-list-intro-no-plan");
    };
    let names: Vec<String> = levels.iter().map(|l| c.lang.levels_plural(l)).collect();
    let recipient = p.agency(&last.recipient).map_or_else(
        || last.recipient.clone(),
        |a| c.pick(&a.name_vi, &a.name_en).to_string(),
    );
    c.lang.t_args(
        "report-list-intro",
        &[
            ("reporters", capitalised(&names.join(", "))),
            ("recipient", recipient),
        ],
    )
}

/// The text with its first letter in capitals.
fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
}

/// The year a list shows: the one asked for, else the last year (whose report
/// is being written) when a plan of the user's province covers it, else the
/// latest year before it that a plan covers — a list never opens on a year
/// that owes no report (the 2016–2020 plan alone: 2020, not 2025).
async fn list_year(
    db: &sea_orm::DatabaseConnection,
    path: &str,
    q: &YearQuery,
    today: NaiveDate,
) -> crate::error::AppResult<i32> {
    if let Some(y) = q.year.as_deref().and_then(|y| parse_year(y, today)) {
        return Ok(y);
    }
    let last = (today.year() - 1).max(2000);
    Ok(due_year(db, path, today).await?.unwrap_or(last))
}

/// The latest year that owes a report to the unit at `path`: the last year
/// when a plan of its province covers it, else the latest year before it that
/// a plan covers (`None` when no plan covers any of the twenty years before).
/// The reports list and the dashboard open on it.
pub(crate) async fn due_year(
    db: &sea_orm::DatabaseConnection,
    path: &str,
    today: NaiveDate,
) -> crate::error::AppResult<Option<i32>> {
    let last = (today.year() - 1).max(2000);
    for y in (last - 20..=last).rev() {
        if thamgia_store::plans::covering_levels(db, path, y)
            .await?
            .is_some()
        {
            return Ok(Some(y));
        }
    }
    Ok(None)
}

pub async fn list(Visit { state, p, ctx }: Visit, Query(q): Query<YearQuery>) -> PageResult {
    let lang = ctx.lang;
    require(&p, Permission::ViewReports, lang)?;
    let db = &state.db.conn;
    let today = state.now().date_naive();
    let year = list_year(db, &p.unit_path, &q, today).await.page(lang)?;
    let (own, chain) = scope_chain(db, &p, year, today).await.page(lang)?;
    let c = Chrome::new(&ctx, "report-list-title");
    let rows: Vec<ListRow> = chain.iter().map(|r| list_row(&c, r)).collect();
    let own = own.as_ref().map(|r| list_row(&c, r));
    let scope = unit::Entity::find_by_id(p.unit_id)
        .one(db)
        .await
        .map_err(|e| AppError::Internal(e.into()))
        .page(lang)?;
    let plan = match &scope {
        Some(u) => thamgia_store::plans::governing(db, &u.path, year)
            .await
            .page(lang)?,
        None => None,
    };
    let intro = list_intro(&c, plan.as_ref(), year);
    let agencies = thamgia_actions::agency_reports::scope_chain(db, &p, year, today)
        .await
        .page(lang)?;
    let agency_rows: Vec<(ListRow, bool)> = agencies
        .iter()
        .map(|r| {
            let reported = super::agency_reports::reported(r.status);
            (super::agency_reports::list_row(&c, r), reported)
        })
        .collect();
    let units: Vec<&ListRow> = own.iter().chain(rows.iter()).collect();
    let not_reported = p
        .can(Permission::ReviewReports)
        .then(|| super::agency_reports::not_reported(&c, year, &units, &agency_rows));
    let page = ListPage {
        agency_rows: agency_rows.into_iter().map(|(r, _)| r).collect(),
        not_reported,
        year,
        intro,
        years: (2016.min(year)..=today.year()).rev().collect(),
        districts: chain.len(),
        submitted: chain
            .iter()
            .filter(|r| counts_as_submitted(r.status))
            .count(),
        approved: chain
            .iter()
            .filter(|r| r.status == Some(ReportStatus::Approved))
            .count(),
        // Of those counted as submitted, so the ratio never exceeds one.
        timely: chain
            .iter()
            .filter(|r| counts_as_submitted(r.status) && r.on_time)
            .count(),
        overdue: chain.iter().filter(|r| r.overdue).count(),
        show_completeness: chain.len() > 1,
        rows,
        own,
        c,
    };
    Ok(render(&page))
}

/// A figure as the page shows it.
pub struct FigureView {
    pub code: String,
    pub name: String,
    pub value: String,
    pub target: String,
    pub standing: String,
    pub standing_class: &'static str,
    pub parts: String,
    /// Answers not children, age not given, capped, demo population.
    pub notes: Vec<String>,
}

fn value_text(c: &Chrome, v: Option<f64>, unit: &str) -> String {
    match v {
        Some(x) if unit == "%" => format!("{} %", c.num(x)),
        Some(x) => c.num(x),
        None => "—".into(),
    }
}

pub(crate) fn figure_view(c: &Chrome, f: &thamgia_store::engine::Figure) -> FigureView {
    let i = &f.indicator;
    FigureView {
        notes: super::dashboard::figure_notes(c.lang, i),
        code: i.code.clone(),
        name: c.pick(&i.name_vi, &i.name_en).to_string(),
        value: shown_unless(f.hidden(), || value_text(c, i.value, &i.unit)),
        target: i
            .target
            .map(|t| value_text(c, Some(t), &i.unit))
            .unwrap_or_else(|| "—".into()),
        // One word per standing everywhere: the dashboard's (and the .docx's).
        standing: c.tk("dashboard-standing-", f.standing.as_str()),
        standing_class: match f.standing {
            Standing::Met => "status-on",
            Standing::OnTrack => "status-wait",
            Standing::Behind => "status-off",
            Standing::NoTarget | Standing::NoData => "",
        },
        parts: f
            .breakdown
            .iter()
            .map(|p| {
                format!(
                    "{}: {}",
                    c.pick(&p.name_vi, &p.name_en),
                    shown(p.value, |v| c.lang.int(v))
                )
            })
            .collect::<Vec<_>>()
            .join(" · "),
    }
}

/// A district of the province's report.
pub struct DistrictView {
    pub code: String,
    pub name: String,
    pub status: String,
    pub status_class: &'static str,
    pub first_submitted: String,
    pub on_time: bool,
    /// Values in the order of `codes`; empty when the report is not approved.
    pub values: Vec<String>,
}

/// A money line as shown.
pub struct MoneyView {
    pub name: String,
    pub budget: String,
    pub spent: String,
    pub over: bool,
}

/// A history line.
pub struct EventView {
    pub at: String,
    pub who: String,
    pub action: String,
    pub from: String,
    pub to: String,
    pub reason: String,
}

/// A report's place in the chain as its page shows it, a unit's or an
/// agency's (`chain_facts.html`, `chain_moves.html`, `chain_history.html`).
pub struct ChainView {
    pub status: String,
    pub status_class: &'static str,
    pub due: String,
    pub first_submitted: String,
    pub timely: bool,
    /// Whether the figures are frozen or live, in words.
    pub figures_of: String,
    /// The moves the visitor may make.
    pub moves: Vec<String>,
    /// Where a move is posted.
    pub move_to: String,
    /// The key prefix of a move's button (`report-do-`, `agency-report-do-`).
    pub do_key: &'static str,
    pub reason_error: String,
    /// What the last change did, or why it was refused.
    pub notice: String,
    pub error: String,
    /// The reason of the last return, while the report stands returned.
    pub last_reason: String,
    pub events: Vec<EventView>,
}

/// Where a report's page posts its moves, and how it names them.
pub(crate) struct MovesAt {
    pub move_to: String,
    pub do_key: &'static str,
}

/// What a report page says after a change: the notice of a done one, or
/// the field errors and message of a refused one.
#[derive(Default)]
pub(crate) struct Outcome {
    pub notice: String,
    pub errors: Fields,
    pub error: String,
}

/// The [`ChainView`] of a report with `facts`, the visitor's `moves`, and
/// the `outcome` of the last change.
pub(crate) fn chain_view(
    c: &Chrome,
    facts: &chain::ChainFacts,
    moves: &[ReportAction],
    at: MovesAt,
    figures_of: String,
    outcome: &Outcome,
) -> ChainView {
    ChainView {
        status: c.t(&status_key(facts.status)),
        status_class: status_class(facts.status),
        due: c.date(facts.due_on),
        first_submitted: facts
            .first_submitted_on
            .map(|d| c.date(d))
            .unwrap_or_default(),
        timely: facts.on_time(),
        figures_of,
        moves: moves.iter().map(|m| m.as_str().to_string()).collect(),
        move_to: at.move_to,
        do_key: at.do_key,
        reason_error: invalid_text(c, &outcome.errors, "reason"),
        notice: outcome.notice.clone(),
        error: outcome.error.clone(),
        last_reason: facts.last_reason().unwrap_or_default().to_string(),
        events: facts.events.iter().map(|e| event_view(c, e)).collect(),
    }
}

/// The message of a field's error, empty when the field has none.
pub(crate) fn invalid_text(c: &Chrome, errors: &Fields, field: &str) -> String {
    errors
        .get(field)
        .map(|code| c.t(&format!("report-invalid-{}", code.replace('_', "-"))))
        .unwrap_or_default()
}

/// The notice of a report page after a done change (`?saved=`).
pub(crate) fn saved_notice(ctx: &Ctx, saved: Option<&str>) -> String {
    saved
        .filter(|s| ["narrative", "submit", "return", "approve", "reopen"].contains(s))
        .map(|s| ctx.lang.t(&format!("report-done-{s}")))
        .unwrap_or_default()
}

/// What a report page says of a change `e` refused; `Err` when the refusal
/// is not the page's to show (forbidden, not found, internal). Also gives
/// the answer's status.
pub(crate) fn refused(ctx: &Ctx, e: AppError) -> Result<(StatusCode, Outcome), PageError> {
    let status = e.status();
    let lang = ctx.lang;
    let (errors, error) = match e {
        AppError::Invalid { fields, .. } => (fields, lang.t("report-fix-errors")),
        AppError::Forbidden | AppError::NotFound | AppError::Internal(_) => {
            return Err(PageError(e, lang));
        }
        AppError::Conflict { field } => (
            Fields::new(),
            lang.t(&format!("report-refused-{}", field.replace('_', "-"))),
        ),
        other => (Fields::new(), lang.t(&format!("error-{}", other.code()))),
    };
    let outcome = Outcome {
        notice: String::new(),
        errors,
        error,
    };
    Ok((status, outcome))
}

/// A report page rendered with the status of the refusal it shows.
pub(crate) fn render_refused(page: &impl Template, status: StatusCode) -> PageResult {
    let mut res = render(page);
    *res.status_mut() = status;
    Ok(res)
}

/// The year of a report's address, for a visitor who may view reports (404
/// for a year no report can be written for).
pub(crate) fn page_year(
    state: &AppState,
    p: &Principal,
    ctx: &Ctx,
    year: &str,
) -> Result<i32, PageError> {
    let lang = ctx.lang;
    require(p, Permission::ViewReports, lang)?;
    parse_year(year, state.now().date_naive()).ok_or(PageError(AppError::NotFound, lang))
}

#[derive(Template)]
#[template(path = "report.html")]
struct ReportPage {
    c: Chrome,
    unit_code: String,
    unit_name: String,
    year: i32,
    chain: ChainView,
    can_edit: bool,
    form: NarrativeForm,
    errors: Fields,
    figures: Vec<FigureView>,
    codes: Vec<String>,
    districts: Vec<DistrictView>,
    missing: Vec<String>,
    activities_total: i64,
    projects: Vec<(String, i64)>,
    trained: Vec<(String, i64, i64)>,
    sources: Vec<MoneyView>,
    project_money: Vec<MoneyView>,
    budget: String,
    spent: String,
    forums: Vec<(String, String, String, String, i64, u32)>,
    councils: String,
    clubs: String,
    recs: String,
    agencies: Vec<(String, u64, u64, u64, String)>,
    /// The agencies' reports the report consolidates.
    agency_parts: Vec<super::agency_reports::AgencyPartView>,
}

impl ReportPage {
    fn has_error(&self, field: &str) -> bool {
        self.errors.contains_key(field)
    }

    fn error_of(&self, field: &str) -> String {
        invalid_text(&self.c, &self.errors, field)
    }
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct ShowQuery {
    pub saved: Option<String>,
}

async fn report_page(
    state: &AppState,
    p: &Principal,
    ctx: &Ctx,
    u: unit::Model,
    year: i32,
    outcome: Outcome,
    form: Option<NarrativeForm>,
) -> Result<ReportPage, PageError> {
    let lang = ctx.lang;
    let db = &state.db.conn;
    let today = state.now().date_naive();
    let r = if authors(p, &u) {
        Some(
            thamgia_actions::reports::ensure_report(Act::new(db, p, state.now()), &u, year)
                .await
                .page(lang)?,
        )
    } else {
        reports::of_unit_year(db, u.id, year).await.page(lang)?
    };
    let (data, frozen) = data_of(db, &u, year, r.as_ref(), today).await.page(lang)?;
    let facts = chain::facts::<report::Entity, _>(db, &u.path, year, r.as_ref())
        .await
        .page(lang)?;
    let c = Chrome::new(ctx, "report-title");
    let codes: Vec<String> = data
        .figures
        .iter()
        .map(|f| f.indicator.code.clone())
        .collect();
    let districts: Vec<DistrictView> = data
        .districts
        .iter()
        .map(|d| DistrictView {
            code: d.unit_code.clone(),
            name: c.pick(&d.unit_name_vi, &d.unit_name_en).to_string(),
            status: c.t(&status_key(d.status)),
            status_class: status_class(d.status),
            first_submitted: d.first_submitted_on.map(|x| c.date(x)).unwrap_or_default(),
            on_time: d.on_time,
            values: d
                .figures
                .as_ref()
                .map(|fs| {
                    codes
                        .iter()
                        .map(|code| {
                            fs.iter()
                                .find(|f| &f.indicator.code == code)
                                .map(|f| {
                                    shown_unless(f.hidden(), || {
                                        value_text(&c, f.indicator.value, &f.indicator.unit)
                                    })
                                })
                                .unwrap_or_else(|| "—".into())
                        })
                        .collect()
                })
                .unwrap_or_default(),
        })
        .collect();
    let missing = data
        .districts
        .iter()
        .filter(|d| d.status != Some(ReportStatus::Approved))
        .map(|d| c.pick(&d.unit_name_vi, &d.unit_name_en).to_string())
        .collect();
    let money = |l: &report_data::MoneyLine| MoneyView {
        name: c.pick(&l.name_vi, &l.name_en).to_string(),
        budget: lang.money(l.budget),
        spent: lang.money(l.spent),
        over: l.overspent(),
    };
    let rec = &data.recommendations;
    let can_edit = authors(p, &u) && facts.status.is_none_or(editable);
    // A report the visitor authors exists (it was just created), so a missing
    // one leaves the visitor no move.
    let moves = moves_for(facts.status, role_of(p, &u), false);
    let figures_of = if frozen {
        "report-frozen"
    } else {
        "report-live"
    };
    let at = MovesAt {
        move_to: format!("/reports/{}/{year}/move", u.code),
        do_key: "report-do-",
    };
    let figures_of = format!("{} {}", c.t(figures_of), c.date(data.built_on));
    let page = ReportPage {
        unit_code: u.code.clone(),
        unit_name: c.pick(&u.name_vi, &u.name_en).to_string(),
        year,
        chain: chain_view(&c, &facts, &moves, at, figures_of, &outcome),
        can_edit,
        form: form
            .or_else(|| r.as_ref().map(NarrativeForm::of))
            .unwrap_or_default(),
        errors: outcome.errors,
        figures: data.figures.iter().map(|f| figure_view(&c, f)).collect(),
        codes,
        districts,
        missing,
        activities_total: data.activities.total,
        projects: data
            .activities
            .by_project
            .iter()
            .map(|x| (c.pick(&x.name_vi, &x.name_en).to_string(), x.count))
            .collect(),
        trained: data
            .activities
            .trained
            .iter()
            .filter(|t| t.female + t.male > 0)
            .map(|t| {
                let name = thamgia_domain::activities::ParticipantGroup::parse(&t.group)
                    .map_or(t.name_vi.clone(), |g| {
                        c.pick(g.name_vi(), g.name_en()).to_string()
                    });
                (name, t.female, t.male)
            })
            .collect(),
        sources: data.funding.by_source.iter().map(money).collect(),
        project_money: data.funding.by_project.iter().map(money).collect(),
        budget: lang.money(data.funding.budget),
        spent: lang.money(data.funding.spent),
        forums: data
            .forums
            .iter()
            .map(|f| {
                (
                    c.date(f.starts_on),
                    c.tk("report-level-", &f.level),
                    c.pick(&f.unit_name_vi, &f.unit_name_en).to_string(),
                    f.theme.clone(),
                    f.children,
                    f.warnings,
                )
            })
            .collect(),
        councils: lang.t_counts(
            "report-councils-line",
            &[
                ("total", count(data.councils.total)),
                ("dialogues", count(data.councils.dialogues)),
                ("with", count(data.councils.with_dialogue.len())),
            ],
            &[("names", data.councils.with_dialogue.join(", "))],
        ),
        clubs: lang.t_counts(
            "report-clubs-line",
            &[
                ("total", count(data.clubs.total)),
                ("active", count(data.clubs.active)),
                ("activities", count(data.clubs.activities)),
                ("girls", count(data.clubs.girls)),
                ("boys", count(data.clubs.boys)),
            ],
            &[],
        ),
        recs: lang.t_args(
            "report-recs-line",
            &[
                ("received", rec.received.to_string()),
                ("answered", rec.answered.to_string()),
                ("overdue", rec.overdue.to_string()),
            ],
        ),
        agencies: rec
            .by_agency
            .iter()
            .map(|a| {
                (
                    c.pick(&a.name_vi, &a.name_en).to_string(),
                    a.total,
                    a.answered,
                    a.overdue,
                    a.answer_rate
                        .map(|x| format!("{} %", c.num(x)))
                        .unwrap_or_else(|| "—".into()),
                )
            })
            .collect(),
        agency_parts: super::agency_reports::part_views(&c, &data.agencies, today),
        c,
    };
    Ok(page)
}

fn event_view(c: &Chrome, e: &report_event::Model) -> EventView {
    event_line(
        c,
        (e.at, &e.actor_label),
        (e.action, e.from_status, e.to_status),
        e.reason.as_deref(),
    )
}

/// A move of a report (a unit's or an agency's) as the history shows it.
pub(crate) fn event_line(
    c: &Chrome,
    (at, who): (chrono::DateTime<chrono::Utc>, &str),
    (action, from, to): (ReportAction, ReportStatus, ReportStatus),
    reason: Option<&str>,
) -> EventView {
    EventView {
        at: format!("{} {}", c.date(at.date_naive()), at.format("%H:%M")),
        who: who.to_string(),
        action: c.tk("report-action-", action.as_str()),
        from: c.tk("report-status-", from.as_str()),
        to: c.tk("report-status-", to.as_str()),
        reason: reason.unwrap_or_default().to_string(),
    }
}

async fn unit_year(
    state: &AppState,
    p: &Principal,
    ctx: &Ctx,
    unit: &str,
    year: &str,
) -> Result<(unit::Model, i32), PageError> {
    let year = page_year(state, p, ctx, year)?;
    let u = unit_of(&state.db.conn, p, unit, year)
        .await
        .page(ctx.lang)?;
    Ok((u, year))
}

pub async fn show(
    Visit { state, p, ctx }: Visit,
    Path((unit, year)): Path<(String, String)>,
    Query(q): Query<ShowQuery>,
) -> PageResult {
    let (u, year) = unit_year(&state, &p, &ctx, &unit, &year).await?;
    let outcome = Outcome {
        notice: saved_notice(&ctx, q.saved.as_deref()),
        ..Outcome::default()
    };
    let page = report_page(&state, &p, &ctx, u, year, outcome, None).await?;
    Ok(render(&page))
}

async fn refused_page(
    state: &AppState,
    p: &Principal,
    ctx: &Ctx,
    u: unit::Model,
    year: i32,
    e: AppError,
    form: Option<NarrativeForm>,
) -> PageResult {
    let (status, outcome) = refused(ctx, e)?;
    let page = report_page(state, p, ctx, u, year, outcome, form).await?;
    render_refused(&page, status)
}

pub async fn save(
    Visit { state, p, ctx }: Visit,
    Path((unit, year)): Path<(String, String)>,
    CsrfForm(f): CsrfForm<NarrativeForm>,
) -> PageResult {
    let (u, year) = unit_year(&state, &p, &ctx, &unit, &year).await?;
    require(&p, Permission::ManageReports, ctx.lang)?;
    let act = Act::new(&state.db.conn, &p, state.now());
    match thamgia_actions::reports::save_narrative(act, &u, year, &f).await {
        Ok(_) => Ok(saved_redirect(
            &format!("/reports/{}/{year}", u.code),
            "narrative#narrative",
        )),
        Err(e) => refused_page(&state, &p, &ctx, u, year, e.into(), Some(f)).await,
    }
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct MoveForm {
    pub action: String,
    pub reason: String,
}

impl MoveForm {
    /// The move asked for and its reason (a blank one: none); `Err` is the
    /// refusal of an unknown move.
    pub(crate) fn parsed(&self) -> Result<(ReportAction, Option<&str>), AppError> {
        let action = ReportAction::parse(self.action.trim())
            .ok_or_else(|| AppError::invalid("action", "unknown_option"))?;
        let reason = Some(self.reason.as_str()).filter(|r| !r.trim().is_empty());
        Ok((action, reason))
    }
}

/// The page a done change sends the visitor back to: `page` with `?saved=`
/// naming the change (and any `#anchor`).
pub(crate) fn saved_redirect(page: &str, saved: &str) -> Response {
    Redirect::to(&format!("{page}?saved={saved}")).into_response()
}

pub async fn act(
    Visit { state, p, ctx }: Visit,
    Path((unit, year)): Path<(String, String)>,
    CsrfForm(f): CsrfForm<MoveForm>,
) -> PageResult {
    let (u, year) = unit_year(&state, &p, &ctx, &unit, &year).await?;
    let (action, reason) = match f.parsed() {
        Ok(asked) => asked,
        Err(e) => return refused_page(&state, &p, &ctx, u, year, e, None).await,
    };
    let act = Act::new(&state.db.conn, &p, state.now());
    match thamgia_actions::reports::move_report(act, &u, year, action, reason).await {
        Ok(_) => Ok(saved_redirect(
            &format!("/reports/{}/{year}", u.code),
            action.as_str(),
        )),
        Err(e) => refused_page(&state, &p, &ctx, u, year, e.into(), None).await,
    }
}

async fn stylesheet() -> Response {
    (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        include_str!("../../static/reports.css"),
    )
        .into_response()
}
