//! Recommendations (kiến nghị) from forums, council dialogues and clubs: the
//! list with filters (status, agency, year, overdue), one recommendation with
//! its lifecycle (received → assigned → in progress → answered), the answer
//! and the feedback given back to the children, each agency's answer rate and
//! median answer time, and the public page — no sign-in — that shows every
//! recommendation and its answer, never a child's name.
//!
//! Who may move and answer one (`thamgia_actions::recommendations::may_answer`):
//! admins, coordinators and district officers in their scope; an agency
//! officer only what is addressed to their own agency — and those wherever
//! they come from in the province (`thamgia_store::recommendations::Reach`),
//! since the agency must answer them.
//!
//! Every write is an action of `thamgia_actions::recommendations` (its
//! checks, the same as the API's); this module reads forms into its inputs
//! and renders the outcome. The councils and clubs pages record theirs
//! through [`check_new`].

use super::forums::field_message;
use super::{
    Chrome, PageErr, PageError, PageResult, Visit, filter_or_refused, render, require,
    unprocessable, unprocessable_if,
};
use crate::auth::{CsrfForm, Ctx};
use crate::error::{AppError, AppResult};
use crate::forum_words::level_phrase;
use crate::i18n::Lang;
use crate::pager::{PageQuery, Pager};
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::extract::{OriginalUri, Path, Query, State};
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use chrono::NaiveDate;
use sea_orm::DatabaseConnection;
use thamgia_actions::forums::year_filter;
use thamgia_actions::recommendations::{self as actions, ListQuery, PublicQuery};
use thamgia_actions::{Act, ActionError, ActionResult, Fields};
use thamgia_domain::access::{Permission, Principal, Scope};
use thamgia_domain::models::{Outcome, RecommendationSource, RecommendationStatus};
use thamgia_domain::voice::mask_contacts;
use thamgia_store::entity::{agency, recommendation, unit};
use thamgia_store::recommendations::{Reach, SourceInfo};
use thamgia_store::{agencies, recommendations, units};

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

/// A new recommendation, moving one along, its answer and its feedback, as
/// the forms send them: the actions' inputs.
pub use thamgia_actions::recommendations::{
    AnswerInput as AnswerForm, FeedbackInput as FeedbackForm,
    RecommendationInput as RecommendationForm, StatusInput as StatusForm,
};
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
            let info = sources.get(&(r.source, r.source_id));
            RecRow {
                id: r.id,
                overdue: recommendations::is_overdue(&r, today),
                source: source_label(lang, r.source.as_str(), info),
                // A forum's unit is its recommendations' unit.
                source_link: (viewer.is_some_and(|v| v.contains(&u.path))
                    && r.source == RecommendationSource::Forum)
                    .then(|| format!("/forums/{}", r.source_id)),
                topic: shown(&r.topic),
                text: shown(&r.text),
                unit_name: lang.pick(&u.name_vi, &u.name_en).to_string(),
                agency_name: lang.pick(&a.name_vi, &a.name_en).to_string(),
                year: r.year,
                deadline: r.deadline,
                status: r.status.as_str().into(),
                outcome: r.outcome.map(|o| o.as_str().into()),
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
    pager: Pager,
    answered: usize,
    overdue_count: usize,
}

form_errors!(RecommendationsPage, field_message);

pub async fn list(
    Visit { state, p, ctx }: Visit,
    Query(q): Query<ListQuery>,
    Query(pq): Query<PageQuery>,
    OriginalUri(uri): OriginalUri,
) -> PageResult {
    let lang = ctx.lang;
    require(&p, Permission::ViewModels, lang)?;
    let db = &state.db.conn;
    let scope = p.scope();
    let today = state.now().date_naive();
    let (filter, errors) =
        filter_or_refused(actions::filter_of(db, &scope, &q, today).await, lang)?;
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
        rows: vec![],
        pager: Pager::default(),
        errors,
    };
    // The counts above are the whole list's; the table shows one page.
    let (rows, pager) = Pager::cut(rows, pq.page.as_deref(), &uri);
    let page = RecommendationsPage {
        rows,
        pager,
        ..page
    };
    Ok(unprocessable_if(!page.errors.is_empty(), render(&page)))
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

form_errors!(AgenciesPage, field_message);

#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(default)]
pub struct YearQuery {
    pub year: String,
}

pub async fn agency_page(Visit { state, p, ctx }: Visit, Query(q): Query<YearQuery>) -> PageResult {
    let lang = ctx.lang;
    require(&p, Permission::ViewModels, lang)?;
    let db = &state.db.conn;
    let mut errors = Fields::new();
    let year = year_filter(&q.year, &mut errors);
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
    Ok(unprocessable_if(!page.errors.is_empty(), render(&page)))
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

form_errors!(RecommendationPage, field_message);

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
    let can_answer = actions::may_answer(p, &r);
    let from = r.status;
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

pub async fn show(Visit { state, p, ctx }: Visit, Path(id): Path<i32>) -> PageResult {
    require(&p, Permission::ViewModels, ctx.lang)?;
    Ok(render(
        &one_page(&state, &p, &ctx, id, Forms::default()).await?,
    ))
}

/// The outcome of one of the recommendation page's forms: back to the page,
/// or the page again with the form's errors (422).
async fn after(
    state: &AppState,
    p: &Principal,
    ctx: &Ctx,
    id: i32,
    done: ActionResult<recommendation::Model>,
    rejected: impl FnOnce(Fields) -> Forms,
) -> PageResult {
    match done {
        Ok(_) => Ok(Redirect::to(&format!("/recommendations/{id}")).into_response()),
        Err(ActionError::Invalid { fields, .. }) => Ok(unprocessable(render(
            &one_page(state, p, ctx, id, rejected(fields)).await?,
        ))),
        Err(e) => Err(PageError(e.into(), ctx.lang)),
    }
}

pub async fn move_status(
    Visit { state, p, ctx }: Visit,
    Path(id): Path<i32>,
    CsrfForm(f): CsrfForm<StatusForm>,
) -> PageResult {
    let act = Act::new(&state.db.conn, &p, state.now());
    let done = actions::set_status(act, id, &f).await;
    after(&state, &p, &ctx, id, done, |errors| Forms {
        status: f,
        errors,
        ..Default::default()
    })
    .await
}

pub async fn answer(
    Visit { state, p, ctx }: Visit,
    Path(id): Path<i32>,
    CsrfForm(f): CsrfForm<AnswerForm>,
) -> PageResult {
    let act = Act::new(&state.db.conn, &p, state.now());
    let done = actions::answer(act, id, &f).await;
    after(&state, &p, &ctx, id, done, |errors| Forms {
        answer: f,
        errors,
        ..Default::default()
    })
    .await
}

pub async fn feedback(
    Visit { state, p, ctx }: Visit,
    Path(id): Path<i32>,
    CsrfForm(f): CsrfForm<FeedbackForm>,
) -> PageResult {
    let act = Act::new(&state.db.conn, &p, state.now());
    let done = actions::feedback(act, id, &f).await;
    after(&state, &p, &ctx, id, done, |errors| Forms {
        feedback: f,
        errors,
        ..Default::default()
    })
    .await
}

// ---------------------------------------------------------------- public

#[derive(Template)]
#[template(path = "public_recommendations.html")]
struct PublicPage {
    c: Chrome,
    q: PublicQuery,
    errors: Fields,
    unit_options: Vec<unit::Model>,
    years: Vec<i32>,
    rows: Vec<RecRow>,
    pager: Pager,
    answered: usize,
}

form_errors!(PublicPage, field_message);

/// The public page: no sign-in, everything in the province, no names.
pub async fn public(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<PublicQuery>,
    Query(pq): Query<PageQuery>,
    OriginalUri(uri): OriginalUri,
) -> PageResult {
    let lang = ctx.lang;
    let db = &state.db.conn;
    let today = state.now().date_naive();
    let (rows, errors) = match actions::public_filter(db, &q).await {
        Ok((u, year)) => {
            let list = recommendations::public_list(db, u.as_ref().map(|u| u.path.as_str()), year)
                .await
                .page(lang)?;
            (
                rows_with(db, lang, list, today, None).await.page(lang)?,
                Fields::new(),
            )
        }
        Err(ActionError::Invalid { fields, .. }) => (vec![], fields),
        Err(e) => return Err(PageError(e.into(), lang)),
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
        rows: vec![],
        pager: Pager::default(),
        errors,
    };
    let (rows, pager) = Pager::cut(rows, pq.page.as_deref(), &uri);
    let page = PublicPage {
        rows,
        pager,
        ..page
    };
    Ok(unprocessable_if(!page.errors.is_empty(), render(&page)))
}
