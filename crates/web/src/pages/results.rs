//! A consultation's results (suppressed in the domain, drawn as SVG here),
//! closing it with findings, the answer to the children, and the list of
//! answers that are overdue.
//!
//! Results come only from `thamgia_domain::results::compute` (through
//! `thamgia_store::indicators::results`), so no count of 1–4 children can
//! reach this page. Closing and answering are shared with the API through
//! [`close_consultation`] and [`save_answer`].

use super::{Chrome, PageErr, PageError, PageResult, Visit, render, require, unprocessable};
use crate::auth::CsrfForm;
use crate::charts::{self, Bar};
use crate::error::AppError;
use crate::i18n::Lang;
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use std::collections::BTreeMap;
use thamgia_actions::results;
use thamgia_actions::{Act, ActionError};
use thamgia_domain::access::{Permission, Principal, Role};
use thamgia_domain::results::{
    self as res, Breakdown, Cell, Dimension, Group, QuestionResult, Results,
};
use thamgia_domain::suppression::HIDDEN_LABEL;
use thamgia_domain::voice::{QuestionKind, Status};
use thamgia_store::entity::consultation;
use thamgia_store::{consultations, indicators};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/consultations/{id}/results", get(show))
        .route(
            "/consultations/{id}/close",
            get(close_form).post(close_submit),
        )
        .route(
            "/consultations/{id}/answer",
            get(answer_form).post(answer_submit),
        )
        .route("/answers/overdue", get(overdue))
        .route("/static/results.css", get(stylesheet))
}

/// A path id that is not a number names nothing: 404, as for a missing record.
pub(crate) fn path_id(s: &str, lang: Lang) -> Result<i32, PageError> {
    s.parse().map_err(|_| PageError(AppError::NotFound, lang))
}

// --- numbers as shown -------------------------------------------------------

/// A count as shown: "<5" when suppressed.
pub(crate) fn count(lang: Lang, c: &Cell) -> String {
    match c.count {
        Some(n) if !c.suppressed => lang.int(n as i64),
        _ => HIDDEN_LABEL.into(),
    }
}

fn pct(lang: Lang, c: &Cell) -> String {
    match c.percent {
        Some(p) if !c.suppressed => format!("{}%", lang.num(p)),
        _ => "—".into(),
    }
}

/// "12 (41,7%)", "0" or "<5".
fn count_pct(lang: Lang, c: &Cell) -> String {
    match (c.suppressed, c.percent) {
        (true, _) => HIDDEN_LABEL.into(),
        (false, Some(p)) => format!("{} ({}%)", count(lang, c), lang.num(p)),
        (false, None) => count(lang, c),
    }
}

fn group_label(lang: Lang, d: Dimension, g: &Group) -> String {
    match (d, g.key.as_str()) {
        (_, res::NOT_GIVEN) => lang.t("results-group-not-given"),
        (Dimension::Ethnic | Dimension::Unit, k) => match (&g.name_vi, &g.name_en) {
            (Some(vi), en) => lang.pick(vi, en.as_deref().unwrap_or("")).to_string(),
            _ => k.to_string(),
        },
        (_, k) => lang.t(&format!("results-group-{k}")),
    }
}

const FACES3: [&str; 3] = ["😟", "😐", "😊"];
const FACES5: [&str; 5] = ["😢", "🙁", "😐", "🙂", "😄"];

fn option_label(lang: Lang, q: &QuestionResult, o: &res::OptionResult) -> String {
    match (q.kind, o.face) {
        (QuestionKind::Faces3, Some(f)) => {
            format!(
                "{} {}",
                FACES3[usize::from(f.clamp(1, 3)) - 1],
                lang.t(&format!("results-face3-{f}"))
            )
        }
        (QuestionKind::Faces5, Some(f)) => {
            format!(
                "{} {}",
                FACES5[usize::from(f.clamp(1, 5)) - 1],
                lang.t(&format!("results-face5-{f}"))
            )
        }
        _ => {
            let label = lang.pick(&o.label_vi, o.label_en.as_deref().unwrap_or(""));
            with_typed_emoji(o.emoji.as_deref(), label)
        }
    }
}

/// An option's label with what was typed in its picture field, less the
/// picture's name (`tree` is for the child's page; an emoji typed beside it
/// stays in the label).
fn with_typed_emoji(picture_field: Option<&str>, label: &str) -> String {
    match thamgia_domain::pictures::read(picture_field).text {
        Some(e) => format!("{e} {label}"),
        None => label.to_string(),
    }
}

// --- the results page -------------------------------------------------------

pub struct OptionRow {
    pub label: String,
    pub count: String,
    pub pct: String,
    pub mean_rank: String,
}

pub struct BreakdownView {
    pub title: String,
    pub headers: Vec<String>,
    pub rows: Vec<(String, String, Vec<String>)>,
}

pub struct QuestionView {
    pub n: usize,
    pub title: String,
    pub kind: String,
    pub answered: String,
    pub from_groups: Option<String>,
    pub is_text: bool,
    pub is_ranking: bool,
    pub chart: String,
    pub rows: Vec<OptionRow>,
    pub texts: Vec<(String, bool)>,
    pub breakdowns: Vec<BreakdownView>,
}

fn breakdown_view(lang: Lang, headers: &[String], b: &Breakdown) -> BreakdownView {
    BreakdownView {
        title: lang.t(&format!(
            "results-dim-{}",
            b.dimension.as_str().replace('_', "-")
        )),
        headers: headers.to_vec(),
        rows: b
            .groups
            .iter()
            .map(|g| {
                (
                    group_label(lang, b.dimension, g),
                    count_pct(lang, &g.total),
                    g.cells.iter().map(|c| count_pct(lang, c)).collect(),
                )
            })
            .collect(),
    }
}

fn question_view(lang: Lang, i: usize, q: &QuestionResult) -> QuestionView {
    let title = lang
        .pick(&q.text_vi, q.text_en.as_deref().unwrap_or(""))
        .to_string();
    let labels: Vec<String> = q.options.iter().map(|o| option_label(lang, q, o)).collect();
    let is_ranking = q.kind == QuestionKind::Ranking;
    let bars: Vec<Bar> = q
        .options
        .iter()
        .zip(&labels)
        .map(|(o, l)| Bar {
            label: l.clone(),
            count: o.cell.count.filter(|_| !o.cell.suppressed),
            value_text: count_pct(lang, &o.cell),
        })
        .collect();
    let chart_title = if is_ranking {
        format!("{title} — {}", lang.t("results-ranked-first"))
    } else {
        title.clone()
    };
    QuestionView {
        n: i + 1,
        kind: lang.t(&format!("results-kind-{}", q.kind.as_str())),
        answered: count(lang, &q.answered),
        from_groups: (q.from_groups.suppressed || q.from_groups.count.unwrap_or(0) > 0)
            .then(|| count(lang, &q.from_groups)),
        is_text: q.kind == QuestionKind::Text,
        is_ranking,
        chart: if bars.is_empty() {
            String::new()
        } else {
            charts::bars(&format!("chart-q{}", q.question_id), &chart_title, &bars)
        },
        rows: q
            .options
            .iter()
            .zip(labels.iter())
            .map(|(o, l)| OptionRow {
                label: l.clone(),
                count: count(lang, &o.cell),
                pct: pct(lang, &o.cell),
                mean_rank: o.mean_rank.map_or_else(|| "—".into(), |m| lang.num(m)),
            })
            .collect(),
        texts: q
            .texts
            .iter()
            .map(|t| (t.text.clone(), t.redacted))
            .collect(),
        breakdowns: q
            .breakdowns
            .iter()
            .map(|b| breakdown_view(lang, &labels, b))
            .collect(),
        title,
    }
}

#[derive(Template)]
#[template(path = "results.html")]
struct ResultsPage {
    c: Chrome,
    k: consultation::Model,
    status: String,
    children: String,
    sources: String,
    group_discussions: u64,
    profile: Vec<BreakdownView>,
    questions: Vec<QuestionView>,
    can_answer: bool,
}

/// The results of a consultation in the visitor's scope.
pub async fn show(Visit { state, p, ctx }: Visit, Path(id): Path<String>) -> PageResult {
    let lang = ctx.lang;
    require(&p, Permission::ViewResults, lang)?;
    let id = path_id(&id, lang)?;
    let db = &state.db.conn;
    let (k, _) = consultations::get_in_scope(db, &p.scope(), id)
        .await
        .page(lang)?;
    let r: Results = indicators::results(db, k.id).await.page(lang)?;
    // "12 trực tuyến, <5 phiếu giấy, 9 em trong thảo luận nhóm"
    let sources = [
        ("online", &r.sources.online),
        ("paper", &r.sources.paper),
        ("group", &r.sources.group),
    ]
    .iter()
    .map(|(k, cell)| {
        format!(
            "{} {}",
            count(lang, cell),
            lang.t(&format!("results-src-{k}"))
        )
    })
    .collect::<Vec<_>>()
    .join(", ");
    Ok(render(&ResultsPage {
        c: Chrome::new(&ctx, "results-title"),
        status: lang.t(&format!("results-status-{}", k.status)),
        children: count(lang, &r.children),
        sources,
        group_discussions: r.sources.group_discussions,
        profile: r
            .profile
            .iter()
            .map(|b| breakdown_view(lang, &[], b))
            .collect(),
        questions: r
            .questions
            .iter()
            .enumerate()
            .map(|(i, q)| question_view(lang, i, q))
            .collect(),
        can_answer: p.can(Permission::AnswerChildren),
        k,
    }))
}

// --- closing ----------------------------------------------------------------

#[derive(Template)]
#[template(path = "close.html")]
struct ClosePage {
    c: Chrome,
    k: consultation::Model,
    status: String,
    children: String,
    findings: String,
    errors: BTreeMap<String, String>,
    max: usize,
}

/// The message for a field's error code on the closing and answering forms
/// (`results-err-<code>`).
fn results_message(c: &Chrome, errors: &BTreeMap<String, String>, field: &str) -> String {
    errors
        .get(field)
        .map(|code| c.t(&format!("results-err-{}", code.replace('_', "-"))))
        .unwrap_or_default()
}

form_errors!(ClosePage, results_message);

impl ClosePage {
    fn is_open(&self) -> bool {
        self.k.status == Status::Open
    }
}

async fn close_page(
    state: &AppState,
    p: &Principal,
    ctx: &crate::auth::Ctx,
    id: &str,
    findings: Option<String>,
    errors: BTreeMap<String, String>,
) -> Result<ClosePage, PageError> {
    let lang = ctx.lang;
    require(p, Permission::AnswerChildren, lang)?;
    let id = path_id(id, lang)?;
    let db = &state.db.conn;
    let (k, _) = consultations::get_in_scope(db, &p.scope(), id)
        .await
        .page(lang)?;
    let n = indicators::children_count(db, k.id).await.page(lang)?;
    Ok(ClosePage {
        c: Chrome::new(ctx, "closing-title"),
        status: lang.t(&format!("results-status-{}", k.status)),
        children: count(lang, &Cell::of(n)),
        findings: findings.or_else(|| k.findings.clone()).unwrap_or_default(),
        errors,
        max: res::MAX_FINDINGS_CHARS,
        k,
    })
}

pub async fn close_form(Visit { state, p, ctx }: Visit, Path(id): Path<String>) -> PageResult {
    Ok(render(
        &close_page(&state, &p, &ctx, &id, None, BTreeMap::new()).await?,
    ))
}

#[derive(serde::Deserialize)]
pub struct CloseForm {
    #[serde(default)]
    findings: String,
}

pub async fn close_submit(
    Visit { state, p, ctx }: Visit,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<CloseForm>,
) -> PageResult {
    let lang = ctx.lang;
    require(&p, Permission::AnswerChildren, lang)?;
    let nid = path_id(&id, lang)?;
    let act = Act::new(&state.db.conn, &p, state.now());
    match results::close(act, nid, &f.findings).await {
        Ok(k) => Ok(Redirect::to(&format!("/consultations/{}/answer", k.id)).into_response()),
        Err(ActionError::Invalid { fields, .. }) => Ok(unprocessable(render(
            &close_page(&state, &p, &ctx, &id, Some(f.findings), fields).await?,
        ))),
        Err(e) => Err(PageError(e.into(), lang)),
    }
}

// --- the answer to the children ---------------------------------------------

#[derive(Template)]
#[template(path = "answer.html")]
struct AnswerPage {
    c: Chrome,
    k: consultation::Model,
    status: String,
    decided: String,
    taken: String,
    not_taken: String,
    errors: BTreeMap<String, String>,
    saved: bool,
    max: usize,
}

form_errors!(AnswerPage, results_message);

impl AnswerPage {
    fn is(&self, s: &str) -> bool {
        self.k.status.as_str() == s
    }

    fn published_on(&self) -> String {
        self.k
            .answer_published_at
            .map(|d| self.c.lang.date(d.date_naive()))
            .unwrap_or_default()
    }
}

struct AnswerInput {
    decided: String,
    taken: String,
    not_taken: String,
}

async fn answer_page(
    state: &AppState,
    p: &Principal,
    ctx: &crate::auth::Ctx,
    id: &str,
    input: Option<AnswerInput>,
    errors: BTreeMap<String, String>,
    saved: bool,
) -> Result<AnswerPage, PageError> {
    let lang = ctx.lang;
    require(p, Permission::AnswerChildren, lang)?;
    let id = path_id(id, lang)?;
    let (k, _) = consultations::get_in_scope(&state.db.conn, &p.scope(), id)
        .await
        .page(lang)?;
    let input = input.unwrap_or_else(|| AnswerInput {
        decided: k.answer_decided.clone().unwrap_or_default(),
        taken: k.answer_taken.clone().unwrap_or_default(),
        not_taken: k.answer_not_taken.clone().unwrap_or_default(),
    });
    Ok(AnswerPage {
        c: Chrome::new(ctx, "answerback-title"),
        status: lang.t(&format!("results-status-{}", k.status)),
        decided: input.decided,
        taken: input.taken,
        not_taken: input.not_taken,
        errors,
        saved,
        max: res::MAX_ANSWER_CHARS,
        k,
    })
}

#[derive(serde::Deserialize)]
pub struct SavedQuery {
    saved: Option<String>,
}

pub async fn answer_form(
    Visit { state, p, ctx }: Visit,
    Path(id): Path<String>,
    Query(q): Query<SavedQuery>,
) -> PageResult {
    let saved = q.saved.is_some();
    Ok(render(
        &answer_page(&state, &p, &ctx, &id, None, BTreeMap::new(), saved).await?,
    ))
}

#[derive(serde::Deserialize)]
pub struct AnswerForm {
    #[serde(default)]
    decided: String,
    #[serde(default)]
    taken: String,
    #[serde(default)]
    not_taken: String,
    #[serde(default)]
    publish: String,
}

pub async fn answer_submit(
    Visit { state, p, ctx }: Visit,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<AnswerForm>,
) -> PageResult {
    let lang = ctx.lang;
    require(&p, Permission::AnswerChildren, lang)?;
    let nid = path_id(&id, lang)?;
    let publish = f.publish == "1";
    let input = results::AnswerInput {
        decided: f.decided,
        taken: f.taken,
        not_taken: f.not_taken,
        publish,
    };
    let act = Act::new(&state.db.conn, &p, state.now());
    match results::save_answer(act, nid, &input).await {
        Ok(k) if publish => {
            Ok(Redirect::to(&format!("/consultations/{}/answer", k.id)).into_response())
        }
        Ok(k) => {
            Ok(Redirect::to(&format!("/consultations/{}/answer?saved=1", k.id)).into_response())
        }
        Err(ActionError::Invalid { fields, .. }) => {
            let input = AnswerInput {
                decided: input.decided,
                taken: input.taken,
                not_taken: input.not_taken,
            };
            Ok(unprocessable(render(
                &answer_page(&state, &p, &ctx, &id, Some(input), fields, false).await?,
            )))
        }
        Err(e) => Err(PageError(e.into(), lang)),
    }
}

// --- overdue answers --------------------------------------------------------

pub struct OverdueRow {
    pub matter_id: i32,
    pub title: String,
    pub kind: String,
    pub unit: String,
    pub agency: String,
    pub decided: String,
    pub due: String,
    pub days: String,
    pub consulted: bool,
}

#[derive(Template)]
#[template(path = "overdue.html")]
struct OverduePage {
    c: Chrome,
    rows: Vec<OverdueRow>,
    own_agency: bool,
}

/// Answers to children that are overdue: the whole scope for coordinators and
/// district officers, the own agency's matters for an agency officer.
pub async fn overdue(Visit { state, p, ctx }: Visit) -> PageResult {
    let lang = ctx.lang;
    require(&p, Permission::AnswerChildren, lang)?;
    let own_agency = p.role == Role::AgencyOfficer;
    let rows = if own_agency && p.agency_id.is_none() {
        vec![]
    } else {
        let agency = if own_agency { p.agency_id } else { None };
        indicators::overdue_answers(&state.db.conn, &p.scope(), agency, state.now().date_naive())
            .await
            .page(lang)?
    };
    let rows = rows
        .into_iter()
        .map(|o| OverdueRow {
            matter_id: o.matter.id,
            kind: lang.t(&format!(
                "results-matter-{}",
                o.matter.kind.as_str().replace('_', "-")
            )),
            title: o.matter.title,
            unit: lang.pick(&o.unit.name_vi, &o.unit.name_en).to_string(),
            agency: lang.pick(&o.agency.name_vi, &o.agency.name_en).to_string(),
            decided: lang.date(o.decided),
            due: lang.date(o.due),
            days: lang.int(o.days_overdue),
            consulted: o.consultations > 0,
        })
        .collect();
    Ok(render(&OverduePage {
        c: Chrome::new(&ctx, "overdue-title"),
        rows,
        own_agency,
    }))
}

async fn stylesheet() -> Response {
    (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        include_str!("../../static/results.css"),
    )
        .into_response()
}

#[cfg(test)]
mod picture_label_tests {
    use super::with_typed_emoji;

    #[test]
    fn a_pictures_name_stays_off_the_officials_labels() {
        assert_eq!(with_typed_emoji(Some("tree"), "Vườn cây"), "Vườn cây");
        assert_eq!(
            with_typed_emoji(Some("sport ⚽"), "Sân bóng"),
            "⚽ Sân bóng"
        );
        assert_eq!(with_typed_emoji(Some("⏰"), "20 phút"), "⏰ 20 phút");
        assert_eq!(with_typed_emoji(None, "Ghế"), "Ghế");
    }
}
