//! Recommendations (kiến nghị) from forums, council dialogues and clubs: the
//! list with filters (status, agency, year, overdue), one recommendation with
//! its lifecycle (received → assigned → in progress → answered), the answer
//! and the feedback given back to the children, each agency's answer rate and
//! median answer time, and the public page — no sign-in — that shows every
//! recommendation and its answer, never a child's name.
//!
//! Who may move and answer one ([`may_answer`]): admins, coordinators and
//! district officers in their scope; an agency officer only what is addressed
//! to their own agency — and those wherever they come from in the province
//! (`thamgia_store::recommendations::Reach`), since the agency must answer them.
//!
//! The checks here are shared with the JSON API (`api/recommendations.rs`)
//! and with the councils and clubs pages ([`check_new`]).

use super::forums::{Fields, date, field_message, invalid, level_phrase, parse_year, text};
use super::{Chrome, PageErr, PageError, PageResult, render, require};
use crate::auth::{CsrfForm, Ctx, PageUser};
use crate::error::{AppError, AppResult};
use crate::i18n::Lang;
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use chrono::{Datelike, NaiveDate};
use sea_orm::DatabaseConnection;
use thamgia_domain::access::{Actor, Permission, Principal, Role, Scope};
use thamgia_domain::models::{Outcome, RecommendationSource, RecommendationStatus, check_answer};
use thamgia_domain::voice::mask_contacts;
use thamgia_store::entity::{agency, recommendation, unit};
use thamgia_store::recommendations::{
    Answer, NewRecommendation, Reach, RecommendationFilter, SourceInfo,
};
use thamgia_store::{StoreError, agencies, recommendations, units};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/recommendations", get(list))
        .route("/recommendations/agencies", get(agency_page))
        .route("/recommendations/{id}", get(show))
        .route("/recommendations/{id}/status", post(move_status))
        .route("/recommendations/{id}/answer", post(answer))
        .route("/recommendations/{id}/feedback", post(feedback))
        .route("/public/recommendations", get(public))
}

/// Longest recommendation text, in characters.
pub(crate) const MAX_TEXT: usize = 2000;
/// Longest topic, in characters.
pub(crate) const MAX_TOPIC: usize = 100;
/// Longest answer, in characters.
pub(crate) const MAX_ANSWER: usize = 4000;
/// Longest reason or feedback, in characters.
pub(crate) const MAX_NOTE: usize = 2000;

// ---------------------------------------------------------------- rules

/// A new recommendation, as text (a form or the API).
#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(default)]
pub struct RecommendationForm {
    pub text: String,
    pub topic: String,
    /// Code of the agency addressed (any agency visible to the user).
    pub agency: String,
    /// dd/mm/yyyy or yyyy-mm-dd.
    pub deadline: String,
}

/// Where a new recommendation comes from.
#[derive(Debug, Clone)]
pub struct Source {
    pub source: RecommendationSource,
    pub id: i32,
    pub unit_id: i32,
    pub year: i32,
    /// The deadline may not be before this day (the forum's last day, the dialogue's day).
    pub earliest_deadline: NaiveDate,
}

/// Checks a new recommendation: every field, every error at once.
pub(crate) async fn check_new(
    db: &DatabaseConnection,
    p: &Principal,
    src: &Source,
    f: &RecommendationForm,
) -> AppResult<NewRecommendation> {
    let mut e = Fields::new();
    let body = text(&mut e, "text", &f.text, MAX_TEXT);
    let topic = text(&mut e, "topic", &f.topic, MAX_TOPIC);
    let agency = if f.agency.trim().is_empty() {
        e.insert("agency".into(), "required".into());
        None
    } else {
        match agencies::get_in_scope(db, &p.scope(), f.agency.trim()).await {
            Ok((a, _)) => Some(a),
            Err(StoreError::NotFound) => {
                e.insert("agency".into(), "unknown_agency".into());
                None
            }
            Err(err) => return Err(err.into()),
        }
    };
    let deadline = date(&mut e, "deadline", &f.deadline);
    // The agency answers by the deadline: it must still exist then (a
    // district's offices ended on 30/6/2025).
    if let (Some(a), Some(d)) = (&agency, deadline)
        && !thamgia_store::handover::agency_open_on(a, d)
    {
        e.insert("agency".into(), "agency_closed".into());
    }
    if let Some(d) = deadline
        && d < src.earliest_deadline
    {
        e.insert("deadline".into(), "deadline_before_source".into());
    }
    match (agency, deadline) {
        (Some(a), Some(deadline)) if e.is_empty() => Ok(NewRecommendation {
            source: src.source,
            source_id: src.id,
            unit_id: src.unit_id,
            year: src.year,
            text: body,
            topic,
            agency_id: a.id,
            deadline,
        }),
        _ => Err(invalid(e)),
    }
}

/// Whether this user may move this recommendation along and answer it.
pub(crate) fn may_answer(p: &Principal, r: &recommendation::Model) -> bool {
    p.can(Permission::AnswerRecommendations)
        && (p.role != Role::AgencyOfficer || p.agency_id == Some(r.agency_id))
}

#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(default)]
pub struct StatusForm {
    /// assigned | in_progress
    pub status: String,
}

pub(crate) fn check_status(
    r: &recommendation::Model,
    f: &StatusForm,
) -> AppResult<RecommendationStatus> {
    let to = match RecommendationStatus::parse(f.status.trim()) {
        Some(s) => s,
        None => {
            return Err(AppError::invalid(
                "status",
                if f.status.trim().is_empty() {
                    "required"
                } else {
                    "unknown_option"
                },
            ));
        }
    };
    if to == RecommendationStatus::Answered {
        return Err(AppError::invalid("status", "answer_with_form"));
    }
    let from = RecommendationStatus::parse(&r.status).unwrap_or(RecommendationStatus::Received);
    if !from.can_move_to(to) {
        return Err(AppError::invalid("status", "not_allowed"));
    }
    Ok(to)
}

#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(default)]
pub struct AnswerForm {
    /// accepted | partly_accepted | not_accepted
    pub outcome: String,
    pub answer: String,
    /// Required when not accepted.
    pub reason: String,
    /// How the answer was given back to the children (may come later).
    pub feedback: String,
    /// dd/mm/yyyy; empty for today.
    pub answered_on: String,
}

fn optional(e: &mut Fields, field: &str, v: &str, max: usize) -> Option<String> {
    let v = v.trim();
    if v.is_empty() {
        None
    } else {
        if v.chars().count() > max {
            e.insert(field.into(), "too_long".into());
        }
        Some(v.to_string())
    }
}

pub(crate) fn check_answer_form(
    r: &recommendation::Model,
    f: &AnswerForm,
    today: NaiveDate,
) -> AppResult<Answer> {
    let mut e = Fields::new();
    let from = RecommendationStatus::parse(&r.status).unwrap_or(RecommendationStatus::Received);
    if !from.can_move_to(RecommendationStatus::Answered) {
        e.insert("status".into(), "already_answered".into());
        return Err(invalid(e));
    }
    let outcome = Outcome::parse(f.outcome.trim());
    if outcome.is_none() {
        e.insert(
            "outcome".into(),
            if f.outcome.trim().is_empty() {
                "required"
            } else {
                "unknown_option"
            }
            .into(),
        );
    }
    let answer = f.answer.trim().to_string();
    if answer.chars().count() > MAX_ANSWER {
        e.insert("answer".into(), "too_long".into());
    }
    let reason = optional(&mut e, "reason", &f.reason, MAX_NOTE);
    let feedback = optional(&mut e, "feedback", &f.feedback, MAX_NOTE);
    if answer.is_empty() {
        e.insert("answer".into(), "required".into());
    }
    if let Some(o) = outcome
        && let Err(code) = check_answer(o, &answer, reason.as_deref())
    {
        match code {
            "reason_required" => e.insert("reason".into(), "reason_required".into()),
            _ => e.insert("answer".into(), "required".into()),
        };
    }
    let answered_on = if f.answered_on.trim().is_empty() {
        Some(today)
    } else {
        date(&mut e, "answered_on", &f.answered_on)
    };
    if let Some(d) = answered_on {
        if d > today {
            e.insert("answered_on".into(), "in_the_future".into());
        } else if d.year() < r.year {
            // Before the year of the forum, dialogue or club it came from.
            e.insert("answered_on".into(), "before_received".into());
        }
    }
    match (outcome, answered_on) {
        (Some(outcome), Some(answered_on)) if e.is_empty() => Ok(Answer {
            outcome,
            answer,
            // A reason belongs to a refusal or a partial acceptance.
            reason: if outcome == Outcome::Accepted {
                None
            } else {
                reason
            },
            feedback,
            answered_on,
        }),
        _ => Err(invalid(e)),
    }
}

#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(default)]
pub struct FeedbackForm {
    pub feedback: String,
}

pub(crate) fn check_feedback(r: &recommendation::Model, f: &FeedbackForm) -> AppResult<String> {
    let mut e = Fields::new();
    if r.status != RecommendationStatus::Answered.as_str() {
        e.insert("feedback".into(), "not_answered".into());
        return Err(invalid(e));
    }
    let v = text(&mut e, "feedback", &f.feedback, MAX_NOTE);
    if e.is_empty() { Ok(v) } else { Err(invalid(e)) }
}

/// The status the store refuses (a race with another answer) as a field error.
pub(crate) fn status_conflict(e: StoreError) -> AppError {
    match e {
        StoreError::Conflict { field: "status" } => AppError::invalid("status", "not_allowed"),
        other => other.into(),
    }
}

// ---------------------------------------------------------------- rows

/// A recommendation as lists show it.
pub struct RecRow {
    pub id: i32,
    pub topic: String,
    pub text: String,
    pub unit_name: String,
    pub agency_name: String,
    pub year: i32,
    pub deadline: NaiveDate,
    pub status: String,
    pub outcome: Option<String>,
    pub answer: Option<String>,
    pub reason: Option<String>,
    pub feedback: Option<String>,
    pub answered_on: Option<NaiveDate>,
    pub overdue: bool,
    pub source: String,
    pub source_link: Option<String>,
}

/// "Diễn đàn trẻ em cấp huyện «Theme» (05/06/2019)": where a recommendation came from.
pub(crate) fn source_label(lang: Lang, kind: &str, info: Option<&SourceInfo>) -> String {
    let what = match (kind, info.and_then(|i| i.level.as_deref())) {
        ("forum", Some(level)) => format!(
            "{} {}",
            lang.t("rec-source-forum"),
            level_phrase(lang, level)
        ),
        _ => lang.t(&format!("rec-source-{}", kind.replace('_', "-"))),
    };
    match info {
        Some(i) => {
            let mut s = what;
            if !i.title.trim().is_empty() {
                s.push_str(": ");
                s.push_str(i.title.trim());
            }
            if let Some(d) = i.date {
                s.push_str(&format!(" ({})", lang.date(d)));
            }
            s
        }
        None => what,
    }
}

/// Rows for a set of recommendations, for a signed-in viewer with this scope
/// (links to the forums it holds), or for the public (`None`: phone numbers
/// masked in every text, no links).
pub(crate) async fn rows_with(
    db: &DatabaseConnection,
    lang: Lang,
    list: Vec<(recommendation::Model, unit::Model, agency::Model)>,
    today: NaiveDate,
    viewer: Option<&Scope>,
) -> AppResult<Vec<RecRow>> {
    let public = viewer.is_none();
    let recs: Vec<recommendation::Model> = list.iter().map(|(r, _, _)| r.clone()).collect();
    let sources = recommendations::sources(db, &recs).await?;
    let shown = |s: &str| {
        if public {
            mask_contacts(s)
        } else {
            s.to_string()
        }
    };
    Ok(list
        .into_iter()
        .map(|(r, u, a)| {
            let info = sources.get(&(r.source.clone(), r.source_id));
            RecRow {
                id: r.id,
                overdue: recommendations::is_overdue(&r, today),
                source: source_label(lang, &r.source, info),
                // A forum's unit is its recommendations' unit.
                source_link: (viewer.is_some_and(|v| v.contains(&u.path))
                    && r.source == RecommendationSource::Forum.as_str())
                .then(|| format!("/forums/{}", r.source_id)),
                topic: shown(&r.topic),
                text: shown(&r.text),
                unit_name: lang.pick(&u.name_vi, &u.name_en).to_string(),
                agency_name: lang.pick(&a.name_vi, &a.name_en).to_string(),
                year: r.year,
                deadline: r.deadline,
                status: r.status,
                outcome: r.outcome,
                answer: r.answer.as_deref().map(shown),
                reason: r.reason.as_deref().map(shown),
                feedback: r.feedback.as_deref().map(shown),
                answered_on: r.answered_on,
            }
        })
        .collect())
}

/// Rows for recommendations already loaded (a forum's own).
pub(crate) async fn rows_for(
    db: &DatabaseConnection,
    lang: Lang,
    recs: Vec<recommendation::Model>,
    today: NaiveDate,
    viewer: &Scope,
) -> AppResult<Vec<RecRow>> {
    let mut list = vec![];
    for r in recs {
        let u = units::by_id(db, r.unit_id).await?;
        let a = agencies::by_id(db, r.agency_id).await?;
        if let (Some(u), Some(a)) = (u, a) {
            list.push((r, u, a));
        }
    }
    rows_with(db, lang, list, today, Some(viewer)).await
}

// ---------------------------------------------------------------- list

#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(default)]
pub struct ListQuery {
    pub unit: String,
    pub status: String,
    /// Agency code.
    pub agency: String,
    pub year: String,
    /// Any non-empty value: only the overdue ones.
    pub overdue: String,
}

pub(crate) async fn filter_of(
    db: &DatabaseConnection,
    scope: &Scope,
    q: &ListQuery,
    today: NaiveDate,
) -> AppResult<RecommendationFilter> {
    let mut e = Fields::new();
    let mut f = RecommendationFilter::default();
    if !q.unit.trim().is_empty() {
        // A code names a unit only with a date: the one of the year asked.
        let year = parse_year(&q.year);
        match units::resolve(db, scope, q.unit.trim(), year, None).await {
            Ok(r) => f.unit_path = Some(r.unit.path),
            Err(StoreError::NotFound) => {
                e.insert("unit".into(), "unknown_unit".into());
            }
            Err(err) => return Err(err.into()),
        }
    }
    if !q.status.trim().is_empty() {
        f.status = RecommendationStatus::parse(q.status.trim());
        if f.status.is_none() {
            e.insert("status".into(), "unknown_option".into());
        }
    }
    if !q.agency.trim().is_empty() {
        match agencies::by_code(db, q.agency.trim()).await? {
            Some(a) => f.agency_id = Some(a.id),
            None => {
                e.insert("agency".into(), "unknown_agency".into());
            }
        }
    }
    if !q.year.trim().is_empty() {
        f.year = parse_year(&q.year);
        if f.year.is_none() {
            e.insert("year".into(), "not_a_year".into());
        }
    }
    if !q.overdue.trim().is_empty() && q.overdue.trim() != "0" && q.overdue.trim() != "false" {
        f.overdue_on = Some(today);
    }
    if e.is_empty() { Ok(f) } else { Err(invalid(e)) }
}

/// Agencies a user can filter by: those visible, plus their own.
async fn agency_choices(db: &DatabaseConnection, p: &Principal) -> AppResult<Vec<agency::Model>> {
    let mut v: Vec<agency::Model> = agencies::list(db, &p.scope())
        .await?
        .into_iter()
        .map(|(a, _)| a)
        .collect();
    if let Some(own) = p.agency_id
        && !v.iter().any(|a| a.id == own)
        && let Some(a) = agencies::by_id(db, own).await?
    {
        v.push(a);
    }
    Ok(v)
}

#[derive(Template)]
#[template(path = "recommendations.html")]
struct RecommendationsPage {
    c: Chrome,
    q: ListQuery,
    errors: Fields,
    unit_options: Vec<unit::Model>,
    agency_options: Vec<agency::Model>,
    years: Vec<i32>,
    statuses: Vec<&'static str>,
    rows: Vec<RecRow>,
    answered: usize,
    overdue_count: usize,
}

impl RecommendationsPage {
    fn error(&self, field: &str) -> String {
        field_message(&self.c, &self.errors, field)
    }

    fn has_error(&self, field: &str) -> bool {
        self.errors.contains_key(field)
    }
}

pub async fn list(
    State(state): State<AppState>,
    PageUser(p, ctx): PageUser,
    Query(q): Query<ListQuery>,
) -> PageResult {
    let lang = ctx.lang;
    require(&p, Permission::ViewModels, lang)?;
    let db = &state.db.conn;
    let scope = p.scope();
    let today = state.now().date_naive();
    let (filter, errors) = match filter_of(db, &scope, &q, today).await {
        Ok(f) => (Some(f), Fields::new()),
        Err(AppError::Invalid { fields, .. }) => (None, fields),
        Err(e) => return Err(PageError(e, lang)),
    };
    let mut rows = vec![];
    if let Some(f) = &filter {
        let list = recommendations::list(db, &Reach::of(&p), f)
            .await
            .page(lang)?;
        rows = rows_with(db, lang, list, today, Some(&scope))
            .await
            .page(lang)?;
    }
    let page = RecommendationsPage {
        c: Chrome::new(&ctx, "rec-list-title"),
        unit_options: units::list(db, &scope).await.page(lang)?,
        agency_options: agency_choices(db, &p).await.page(lang)?,
        years: recommendations::years(db).await.page(lang)?,
        statuses: RecommendationStatus::ALL
            .iter()
            .map(|s| s.as_str())
            .collect(),
        answered: rows
            .iter()
            .filter(|r| r.status == RecommendationStatus::Answered.as_str())
            .count(),
        overdue_count: rows.iter().filter(|r| r.overdue).count(),
        q,
        rows,
        errors,
    };
    let mut res = render(&page);
    if !page.errors.is_empty() {
        *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(res)
}

// ---------------------------------------------------------------- per agency

pub struct AgencyRow {
    pub code: String,
    pub name: String,
    pub total: u64,
    pub answered: u64,
    pub overdue: u64,
    pub rate: Option<f64>,
    pub median_days: Option<f64>,
}

#[derive(Template)]
#[template(path = "recommendation_agencies.html")]
struct AgenciesPage {
    c: Chrome,
    year: String,
    years: Vec<i32>,
    errors: Fields,
    agency_rows: Vec<AgencyRow>,
}

impl AgenciesPage {
    fn error(&self, field: &str) -> String {
        field_message(&self.c, &self.errors, field)
    }

    fn has_error(&self, field: &str) -> bool {
        self.errors.contains_key(field)
    }
}

#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(default)]
pub struct YearQuery {
    pub year: String,
}

pub async fn agency_page(
    State(state): State<AppState>,
    PageUser(p, ctx): PageUser,
    Query(q): Query<YearQuery>,
) -> PageResult {
    let lang = ctx.lang;
    require(&p, Permission::ViewModels, lang)?;
    let db = &state.db.conn;
    let mut errors = Fields::new();
    let year = if q.year.trim().is_empty() {
        None
    } else {
        let y = parse_year(&q.year);
        if y.is_none() {
            errors.insert("year".into(), "not_a_year".into());
        }
        y
    };
    let mut agency_rows = vec![];
    if errors.is_empty() {
        for s in recommendations::agency_stats(db, &Reach::of(&p), year, state.now().date_naive())
            .await
            .page(lang)?
        {
            agency_rows.push(AgencyRow {
                code: s.agency.code.clone(),
                name: lang.pick(&s.agency.name_vi, &s.agency.name_en).to_string(),
                total: s.total,
                answered: s.answered,
                overdue: s.overdue,
                rate: s.answer_rate,
                median_days: s.median_days,
            });
        }
    }
    let page = AgenciesPage {
        c: Chrome::new(&ctx, "rec-agencies-title"),
        year: q.year,
        years: recommendations::years(db).await.page(lang)?,
        errors,
        agency_rows,
    };
    let mut res = render(&page);
    if !page.errors.is_empty() {
        *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(res)
}

// ---------------------------------------------------------------- one

#[derive(Template)]
#[template(path = "recommendation.html")]
struct RecommendationPage {
    c: Chrome,
    r: RecRow,
    can_answer: bool,
    next_statuses: Vec<&'static str>,
    outcomes: Vec<&'static str>,
    status_form: StatusForm,
    answer_form: AnswerForm,
    feedback_form: FeedbackForm,
    errors: Fields,
}

impl RecommendationPage {
    fn error(&self, field: &str) -> String {
        field_message(&self.c, &self.errors, field)
    }

    fn has_error(&self, field: &str) -> bool {
        self.errors.contains_key(field)
    }
}

#[derive(Default)]
struct Forms {
    status: StatusForm,
    answer: AnswerForm,
    feedback: FeedbackForm,
    errors: Fields,
}

async fn one_page(
    state: &AppState,
    p: &Principal,
    ctx: &Ctx,
    id: i32,
    forms: Forms,
) -> Result<RecommendationPage, PageError> {
    let lang = ctx.lang;
    let db = &state.db.conn;
    let (r, u, a) = recommendations::get_in_reach(db, &Reach::of(p), id)
        .await
        .page(lang)?;
    let can_answer = may_answer(p, &r);
    let from = RecommendationStatus::parse(&r.status).unwrap_or(RecommendationStatus::Received);
    let next_statuses = [
        RecommendationStatus::Assigned,
        RecommendationStatus::InProgress,
    ]
    .into_iter()
    .filter(|s| from.can_move_to(*s))
    .map(|s| s.as_str())
    .collect();
    let today = state.now().date_naive();
    let mut answer_form = forms.answer;
    if answer_form.answered_on.is_empty() {
        answer_form.answered_on = lang.date(today);
    }
    let mut rows = rows_with(db, lang, vec![(r, u, a)], today, Some(&p.scope()))
        .await
        .page(lang)?;
    let row = rows.pop().ok_or(PageError(AppError::NotFound, lang))?;
    Ok(RecommendationPage {
        c: Chrome::new(ctx, "rec-title"),
        can_answer,
        next_statuses,
        outcomes: Outcome::ALL.iter().map(|o| o.as_str()).collect(),
        status_form: forms.status,
        feedback_form: FeedbackForm {
            feedback: if forms.feedback.feedback.is_empty() {
                row.feedback.clone().unwrap_or_default()
            } else {
                forms.feedback.feedback
            },
        },
        answer_form,
        errors: forms.errors,
        r: row,
    })
}

pub async fn show(
    State(state): State<AppState>,
    PageUser(p, ctx): PageUser,
    Path(id): Path<i32>,
) -> PageResult {
    require(&p, Permission::ViewModels, ctx.lang)?;
    Ok(render(
        &one_page(&state, &p, &ctx, id, Forms::default()).await?,
    ))
}

/// Loads a recommendation the user may answer: 404 outside their reach, 403
/// when it is addressed to another agency than theirs.
async fn answerable(
    state: &AppState,
    p: &Principal,
    lang: Lang,
    id: i32,
) -> Result<recommendation::Model, PageError> {
    require(p, Permission::AnswerRecommendations, lang)?;
    let (r, _, _) = recommendations::get_in_reach(&state.db.conn, &Reach::of(p), id)
        .await
        .page(lang)?;
    if !may_answer(p, &r) {
        return Err(PageError(AppError::Forbidden, lang));
    }
    Ok(r)
}

fn unprocessable(mut res: Response) -> Response {
    *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    res
}

pub async fn move_status(
    State(state): State<AppState>,
    PageUser(p, ctx): PageUser,
    Path(id): Path<i32>,
    CsrfForm(f): CsrfForm<StatusForm>,
) -> PageResult {
    let lang = ctx.lang;
    let r = answerable(&state, &p, lang, id).await?;
    let done = match check_status(&r, &f) {
        Ok(to) => {
            recommendations::set_status(&state.db.conn, &Actor::from(&p), state.now(), id, to)
                .await
                .map(|_| ())
                .map_err(status_conflict)
        }
        Err(e) => Err(e),
    };
    match done {
        Ok(()) => Ok(Redirect::to(&format!("/recommendations/{id}")).into_response()),
        Err(AppError::Invalid { fields, .. }) => {
            let forms = Forms {
                status: f,
                errors: fields,
                ..Default::default()
            };
            Ok(unprocessable(render(
                &one_page(&state, &p, &ctx, id, forms).await?,
            )))
        }
        Err(e) => Err(PageError(e, lang)),
    }
}

pub async fn answer(
    State(state): State<AppState>,
    PageUser(p, ctx): PageUser,
    Path(id): Path<i32>,
    CsrfForm(f): CsrfForm<AnswerForm>,
) -> PageResult {
    let lang = ctx.lang;
    let r = answerable(&state, &p, lang, id).await?;
    let done = match check_answer_form(&r, &f, state.now().date_naive()) {
        Ok(a) => recommendations::answer(&state.db.conn, &Actor::from(&p), state.now(), id, a)
            .await
            .map(|_| ())
            .map_err(status_conflict),
        Err(e) => Err(e),
    };
    match done {
        Ok(()) => Ok(Redirect::to(&format!("/recommendations/{id}")).into_response()),
        Err(AppError::Invalid { fields, .. }) => {
            let forms = Forms {
                answer: f,
                errors: fields,
                ..Default::default()
            };
            Ok(unprocessable(render(
                &one_page(&state, &p, &ctx, id, forms).await?,
            )))
        }
        Err(e) => Err(PageError(e, lang)),
    }
}

pub async fn feedback(
    State(state): State<AppState>,
    PageUser(p, ctx): PageUser,
    Path(id): Path<i32>,
    CsrfForm(f): CsrfForm<FeedbackForm>,
) -> PageResult {
    let lang = ctx.lang;
    let r = answerable(&state, &p, lang, id).await?;
    let done = match check_feedback(&r, &f) {
        Ok(v) => {
            recommendations::set_feedback(&state.db.conn, &Actor::from(&p), state.now(), id, v)
                .await
                .map(|_| ())
                .map_err(status_conflict)
        }
        Err(e) => Err(e),
    };
    match done {
        Ok(()) => Ok(Redirect::to(&format!("/recommendations/{id}")).into_response()),
        Err(AppError::Invalid { fields, .. }) => {
            let forms = Forms {
                feedback: f,
                errors: fields,
                ..Default::default()
            };
            Ok(unprocessable(render(
                &one_page(&state, &p, &ctx, id, forms).await?,
            )))
        }
        Err(e) => Err(PageError(e, lang)),
    }
}

// ---------------------------------------------------------------- public

#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(default)]
pub struct PublicQuery {
    /// Code of a province or district (its subtree).
    pub unit: String,
    pub year: String,
}

/// The public filter: any unit by code (the public sees the whole province), a year.
pub(crate) async fn public_filter(
    db: &DatabaseConnection,
    q: &PublicQuery,
) -> AppResult<(Option<unit::Model>, Option<i32>)> {
    let mut e = Fields::new();
    let mut u = None;
    if !q.unit.trim().is_empty() {
        u = units::by_code(db, q.unit.trim()).await?;
        if u.is_none() {
            e.insert("unit".into(), "unknown_unit".into());
        }
    }
    let mut year = None;
    if !q.year.trim().is_empty() {
        year = parse_year(&q.year);
        if year.is_none() {
            e.insert("year".into(), "not_a_year".into());
        }
    }
    if e.is_empty() {
        Ok((u, year))
    } else {
        Err(invalid(e))
    }
}

#[derive(Template)]
#[template(path = "public_recommendations.html")]
struct PublicPage {
    c: Chrome,
    q: PublicQuery,
    errors: Fields,
    unit_options: Vec<unit::Model>,
    years: Vec<i32>,
    rows: Vec<RecRow>,
    answered: usize,
}

impl PublicPage {
    fn error(&self, field: &str) -> String {
        field_message(&self.c, &self.errors, field)
    }

    fn has_error(&self, field: &str) -> bool {
        self.errors.contains_key(field)
    }
}

/// The public page: no sign-in, everything in the province, no names.
pub async fn public(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<PublicQuery>,
) -> PageResult {
    let lang = ctx.lang;
    let db = &state.db.conn;
    let today = state.now().date_naive();
    let (rows, errors) = match public_filter(db, &q).await {
        Ok((u, year)) => {
            let list = recommendations::public_list(db, u.as_ref().map(|u| u.path.as_str()), year)
                .await
                .page(lang)?;
            (
                rows_with(db, lang, list, today, None).await.page(lang)?,
                Fields::new(),
            )
        }
        Err(AppError::Invalid { fields, .. }) => (vec![], fields),
        Err(e) => return Err(PageError(e, lang)),
    };
    let unit_options = units::list(db, &Scope::everything())
        .await
        .page(lang)?
        .into_iter()
        .filter(|u| thamgia_domain::units::in_report_chain(&u.path))
        .collect();
    let page = PublicPage {
        c: Chrome::new(&ctx, "pub-title"),
        unit_options,
        years: recommendations::years(db).await.page(lang)?,
        answered: rows
            .iter()
            .filter(|r| r.status == RecommendationStatus::Answered.as_str())
            .count(),
        q,
        rows,
        errors,
    };
    let mut res = render(&page);
    if !page.errors.is_empty() {
        *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(res)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};

    fn rec(status: &str) -> recommendation::Model {
        recommendation::Model {
            id: 1,
            source: "forum".into(),
            source_id: 1,
            unit_id: 1,
            year: 2019,
            text: "t".into(),
            topic: "x".into(),
            agency_id: 7,
            deadline: NaiveDate::from_ymd_opt(2019, 9, 1).expect("date"),
            status: status.into(),
            outcome: None,
            answer: None,
            reason: None,
            feedback: None,
            answered_on: None,
            answered_by: None,
            created_by: None,
            created_at: Utc
                .with_ymd_and_hms(2019, 6, 1, 8, 0, 0)
                .single()
                .expect("time"),
            updated_at: Utc
                .with_ymd_and_hms(2019, 6, 1, 8, 0, 0)
                .single()
                .expect("time"),
        }
    }

    #[test]
    fn statuses_only_go_forward() {
        let f = |s: &str| StatusForm { status: s.into() };
        assert!(check_status(&rec("received"), &f("assigned")).is_ok());
        assert!(check_status(&rec("in_progress"), &f("received")).is_err());
        assert!(check_status(&rec("received"), &f("answered")).is_err());
        assert!(check_status(&rec("answered"), &f("in_progress")).is_err());
    }

    #[test]
    fn a_refusal_needs_its_reason() {
        let today = NaiveDate::from_ymd_opt(2019, 7, 1).expect("date");
        let f = AnswerForm {
            outcome: "not_accepted".into(),
            answer: "Chưa bố trí được kinh phí năm nay.".into(),
            ..Default::default()
        };
        let Err(AppError::Invalid { fields, .. }) = check_answer_form(&rec("received"), &f, today)
        else {
            panic!("accepted a refusal without reason");
        };
        assert_eq!(fields["reason"], "reason_required");
        let ok = AnswerForm {
            reason: "Ngân sách đã phân bổ hết.".into(),
            ..f
        };
        let a = check_answer_form(&rec("received"), &ok, today).expect("answer");
        assert_eq!(a.answered_on, today);
        assert!(check_answer_form(&rec("answered"), &ok, today).is_err());
    }
}
