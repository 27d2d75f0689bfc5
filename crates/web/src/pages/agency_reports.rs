//! Every agency reports: one agency's yearly report to the coordinator —
//! its duties under the plan with what it recorded against each (frozen at
//! submission), a narrative per duty written by the agency's officer, the
//! moves the rules allow the visitor (`thamgia_domain::reports`, the units'
//! chain) and the history — and the agencies' part of the reports list and
//! the agency page. The writes are `thamgia_actions::agency_reports`, shared
//! with the JSON API (`api/agency_reports.rs`).

use super::reports::{
    ChainView, ListRow, MovesAt, Outcome, chain_view, figure_view, moves_for, page_year, refused,
    render_refused, saved_notice, saved_redirect, status_class, status_key,
};
use super::{Chrome, PageErr, PageError, PageResult, Visit, render, require};
use crate::auth::{CsrfForm, Ctx};
use crate::error::AppError;
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query};
use axum::routing::{get, post};
use std::collections::BTreeMap;
use thamgia_actions::Act;
use thamgia_actions::agency_reports::{NarrativesInput, agency_of, authors, figures_of, role_of};
use thamgia_domain::access::{Permission, Principal};
use thamgia_domain::reports::{ReportStatus, editable};
use thamgia_store::agency_reports::{self as store, AgencyFigures, AgencyRow, Recorded};
use thamgia_store::entity::{agency, agency_report, unit};
use thamgia_store::reports::chain;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/agency-reports/{agency}/{year}", get(show).post(save))
        .route("/agency-reports/{agency}/{year}/move", post(act))
}

/// One duty as the pages show it: the plan's words, what was recorded
/// against it, the indicators it feeds, and the agency's narrative.
pub struct DutyView {
    pub code: String,
    pub text: String,
    pub kinds: String,
    pub activities: String,
    pub participants: String,
    pub spent: String,
    pub indicators: Vec<super::reports::FigureView>,
    pub narrative: String,
    pub error: String,
}

/// A kind of activity with what was recorded.
pub struct KindView {
    pub kind: String,
    pub activities: String,
    pub participants: String,
    pub spent: String,
}

/// The duties and what was recorded, for a page.
pub struct RecordedView {
    pub duties: Vec<DutyView>,
    pub kinds: Vec<KindView>,
    pub total: KindView,
    pub recommendations: String,
}

fn kind_view(c: &Chrome, kind: String, r: &Recorded) -> KindView {
    KindView {
        kind,
        activities: c.int(r.activities),
        participants: c.int(r.participants()),
        spent: c.lang.money(r.spent),
    }
}

/// The duties of `f` with the narratives (and their errors) beside them.
pub fn recorded_view(
    c: &Chrome,
    f: &AgencyFigures,
    narratives: &BTreeMap<String, String>,
    errors: &super::matters::Fields,
) -> RecordedView {
    RecordedView {
        duties: f
            .duties
            .iter()
            .map(|d| {
                let field = format!("narratives.{}", d.code);
                DutyView {
                    code: d.code.clone(),
                    text: c.pick(&d.text_vi, &d.text_en).to_string(),
                    kinds: d
                        .kinds
                        .iter()
                        .map(|k| c.tk("act-kind-", k))
                        .collect::<Vec<_>>()
                        .join(", "),
                    activities: c.int(d.recorded.activities),
                    participants: c.int(d.recorded.participants()),
                    spent: c.lang.money(d.recorded.spent),
                    indicators: d.indicators.iter().map(|i| figure_view(c, i)).collect(),
                    narrative: narratives.get(&d.code).cloned().unwrap_or_default(),
                    error: errors
                        .get(&field)
                        .map(|e| c.t(&format!("report-invalid-{}", e.replace('_', "-"))))
                        .unwrap_or_default(),
                }
            })
            .collect(),
        kinds: f
            .by_kind
            .iter()
            .map(|(k, r)| kind_view(c, c.tk("act-kind-", k), r))
            .collect(),
        total: kind_view(c, c.t("agency-recorded-total"), &f.total),
        recommendations: c.lang.t_args(
            "agency-recs-line",
            &[
                ("received", c.int(f.recommendations)),
                ("answered", c.int(f.answered)),
            ],
        ),
    }
}

/// An agency's row of the reports list.
pub fn list_row(c: &Chrome, r: &AgencyRow) -> ListRow {
    ListRow {
        code: r.agency.code.clone(),
        name: c.pick(&r.agency.name_vi, &r.agency.name_en).to_string(),
        status: c.t(&status_key(r.status)),
        status_class: status_class(r.status),
        due: c.date(r.due_on),
        first_submitted: r.first_submitted_on.map(|d| c.date(d)).unwrap_or_default(),
        on_time: match (r.first_submitted_on, r.overdue) {
            (Some(_), _) if r.on_time => "yes",
            (Some(_), _) | (None, true) => "no",
            (None, false) => "",
        },
        overdue: r.overdue,
        ended: String::new(),
    }
}

/// A party owing a report that has not reached the coordinator (no report,
/// a draft or a returned one): the "who has not reported" table.
pub struct OwedView {
    pub href: String,
    pub name: String,
    pub party: String,
    pub status: String,
    pub status_class: &'static str,
    pub due: String,
    pub overdue: bool,
}

/// The units' and agencies' rows of a year that have not reported, units
/// first (`ListRow` hrefs: `/reports/…` and `/agency-reports/…`).
pub fn not_reported(
    c: &Chrome,
    year: i32,
    units: &[&ListRow],
    agencies: &[(ListRow, bool)],
) -> Vec<OwedView> {
    let owed = |r: &ListRow, href: String, party: &str| OwedView {
        href,
        name: r.name.clone(),
        party: c.t(party),
        status: r.status.clone(),
        status_class: r.status_class,
        due: r.due.clone(),
        overdue: r.overdue,
    };
    let mut out: Vec<OwedView> = units
        .iter()
        .filter(|r| r.ended.is_empty() && !matches!(r.status_class, "status-on" | "status-wait"))
        .map(|r| {
            owed(
                r,
                format!("/reports/{}/{year}", r.code),
                "report-party-unit",
            )
        })
        .collect();
    out.extend(
        agencies
            .iter()
            .filter(|(_, reported)| !reported)
            .map(|(r, _)| {
                owed(
                    r,
                    format!("/agency-reports/{}/{year}", r.code),
                    "report-party-agency",
                )
            }),
    );
    out
}

/// Whether a report counts as having reached the coordinator.
pub fn reported(s: Option<ReportStatus>) -> bool {
    thamgia_domain::reports::counts_as_submitted(s)
}

#[derive(Template)]
#[template(path = "agency_report.html")]
struct ReportPage {
    c: Chrome,
    agency_code: String,
    agency_name: String,
    year: i32,
    chain: ChainView,
    can_edit: bool,
    recorded: RecordedView,
}

async fn report_page(
    state: &AppState,
    p: &Principal,
    ctx: &Ctx,
    (a, u): (agency::Model, unit::Model),
    year: i32,
    outcome: Outcome,
    narratives: Option<BTreeMap<String, String>>,
) -> Result<ReportPage, PageError> {
    let lang = ctx.lang;
    let db = &state.db.conn;
    let today = state.now().date_naive();
    let r = store::of_agency_year(db, a.id, year).await.page(lang)?;
    let (figures, frozen) = figures_of(db, &a, &u, year, r.as_ref(), today)
        .await
        .page(lang)?;
    let facts = chain::facts::<agency_report::Entity, _>(db, &u.path, year, r.as_ref())
        .await
        .page(lang)?;
    let c = Chrome::new(ctx, "agency-report-title");
    let narratives =
        narratives.unwrap_or_else(|| r.as_ref().map(store::narratives).unwrap_or_default());
    let author = authors(p, &a, &u);
    let moves = moves_for(facts.status, role_of(p, &a, &u), author);
    let at = MovesAt {
        move_to: format!("/agency-reports/{}/{year}/move", a.code),
        do_key: "agency-report-do-",
    };
    let figures_key = if frozen {
        "agency-report-frozen"
    } else {
        "agency-report-live"
    };
    Ok(ReportPage {
        agency_code: a.code.clone(),
        agency_name: c.pick(&a.name_vi, &a.name_en).to_string(),
        year,
        chain: chain_view(&c, &facts, &moves, at, c.t(figures_key), &outcome),
        can_edit: author && facts.status.is_none_or(editable),
        recorded: recorded_view(&c, &figures, &narratives, &outcome.errors),
        c,
    })
}

async fn agency_year(
    state: &AppState,
    p: &Principal,
    ctx: &Ctx,
    code: &str,
    year: &str,
) -> Result<((agency::Model, unit::Model), i32), PageError> {
    let year = page_year(state, p, ctx, year)?;
    let found = agency_of(&state.db.conn, p, code, year)
        .await
        .page(ctx.lang)?;
    Ok((found, year))
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct ShowQuery {
    pub saved: Option<String>,
}

pub async fn show(
    Visit { state, p, ctx }: Visit,
    Path((code, year)): Path<(String, String)>,
    Query(q): Query<ShowQuery>,
) -> PageResult {
    let (found, year) = agency_year(&state, &p, &ctx, &code, &year).await?;
    let outcome = Outcome {
        notice: saved_notice(&ctx, q.saved.as_deref()),
        ..Outcome::default()
    };
    let page = report_page(&state, &p, &ctx, found, year, outcome, None).await?;
    Ok(render(&page))
}

async fn refused_page(
    state: &AppState,
    p: &Principal,
    ctx: &Ctx,
    found: (agency::Model, unit::Model),
    year: i32,
    e: AppError,
    narratives: Option<BTreeMap<String, String>>,
) -> PageResult {
    let (status, outcome) = refused(ctx, e)?;
    let page = report_page(state, p, ctx, found, year, outcome, narratives).await?;
    render_refused(&page, status)
}

/// Saves the narratives: fields `narratives.<duty code>`.
pub async fn save(
    Visit { state, p, ctx }: Visit,
    Path((code, year)): Path<(String, String)>,
    CsrfForm(f): CsrfForm<BTreeMap<String, String>>,
) -> PageResult {
    let (found, year) = agency_year(&state, &p, &ctx, &code, &year).await?;
    require(&p, Permission::ReportForAgency, ctx.lang)?;
    let narratives: BTreeMap<String, String> = f
        .into_iter()
        .filter_map(|(k, v)| k.strip_prefix("narratives.").map(|k| (k.to_string(), v)))
        .collect();
    let input = NarrativesInput {
        narratives: narratives.clone(),
    };
    let act = Act::new(&state.db.conn, &p, state.now());
    let (a, u) = &found;
    match thamgia_actions::agency_reports::save(act, a, u, year, &input).await {
        Ok(_) => Ok(saved_redirect(
            &format!("/agency-reports/{}/{year}", a.code),
            "narrative#narrative",
        )),
        Err(e) => refused_page(&state, &p, &ctx, found, year, e.into(), Some(narratives)).await,
    }
}

pub async fn act(
    Visit { state, p, ctx }: Visit,
    Path((code, year)): Path<(String, String)>,
    CsrfForm(f): CsrfForm<super::reports::MoveForm>,
) -> PageResult {
    let (found, year) = agency_year(&state, &p, &ctx, &code, &year).await?;
    let (action, reason) = match f.parsed() {
        Ok(asked) => asked,
        Err(e) => return refused_page(&state, &p, &ctx, found, year, e, None).await,
    };
    let act = Act::new(&state.db.conn, &p, state.now());
    let (a, u) = &found;
    match thamgia_actions::agency_reports::move_report(act, a, u, year, action, reason).await {
        Ok(_) => Ok(saved_redirect(
            &format!("/agency-reports/{}/{year}", a.code),
            action.as_str(),
        )),
        Err(e) => refused_page(&state, &p, &ctx, found, year, e.into(), None).await,
    }
}

/// An agency's part of a unit's annual report, as its page shows it.
pub struct AgencyPartView {
    pub code: String,
    pub name: String,
    pub status: String,
    pub status_class: &'static str,
    pub due: String,
    pub overdue: bool,
    pub narratives: Vec<(String, String)>,
}

/// The agencies' parts of a report.
pub fn part_views(
    c: &Chrome,
    parts: &[thamgia_store::agency_reports::AgencyPart],
    today: chrono::NaiveDate,
) -> Vec<AgencyPartView> {
    parts
        .iter()
        .map(|a| AgencyPartView {
            code: a.agency_code.clone(),
            name: c.pick(&a.agency_name_vi, &a.agency_name_en).to_string(),
            status: c.t(&status_key(a.status)),
            status_class: status_class(a.status),
            due: c.date(a.due_on),
            overdue: a.first_submitted_on.is_none() && today > a.due_on,
            narratives: a.narratives.clone(),
        })
        .collect()
}
