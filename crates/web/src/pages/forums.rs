//! Children's Forums (Diễn đàn trẻ em): a list with filters and the results
//! reports that are late, a form to record or edit a forum, and a forum's page
//! with its Circular 29/2019 warnings, delegates (named only to those allowed
//! to see names, each only with a consent in force), sessions, results report
//! and the recommendations the children made there.
//!
//! Every write is an action of `thamgia_actions::forums` (its checks, the
//! same as the API's); this module reads forms into its inputs and renders
//! the outcome (`forum-err-<code>`).

use super::councils::units_holding;
use super::recommendations::{self as recs, RecRow, RecommendationForm};
use super::{
    Chrome, PageErr, PageError, PageResult, Visit, filter_or_refused, render, require,
    unprocessable, unprocessable_if,
};
use crate::auth::{CsrfForm, Ctx};
use crate::forum_words::warning_text;
use crate::i18n::Lang;
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use chrono::{Datelike, NaiveDate};
use std::collections::BTreeMap;
use thamgia_actions::forums::{self as actions, ETH_PREFIX, LEVELS, ListQuery, Rules, facts};
use thamgia_actions::{Act, ActionError, Fields};
use thamgia_domain::access::{Permission, Principal, Scope};
use thamgia_domain::ethnic;
use thamgia_domain::models::RecommendationSource;
use thamgia_store::entity::{agency, forum, unit};
use thamgia_store::forums::SESSION_KINDS;
use thamgia_store::{agencies, consultations, forums, people, recommendations, units};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/forums", get(list))
        .route("/forums/new", get(new_form).post(create))
        .route("/forums/{id}", get(show))
        .route("/forums/{id}/edit", get(edit_form).post(update))
        .route("/forums/{id}/delegates", post(add_delegate))
        .route("/forums/{id}/sessions", post(add_session))
        .route("/forums/{id}/report", post(submit_report))
        .route("/forums/{id}/recommendations", post(add_recommendation))
        .route("/static/forums.css", get(stylesheet))
}

/// The message for a field's error code (`forum-err-<code>`).
pub(crate) fn field_message(c: &Chrome, errors: &Fields, field: &str) -> String {
    errors
        .get(field)
        .map(|code| c.t(&format!("forum-err-{}", code.replace('_', "-"))))
        .unwrap_or_default()
}

/// The fields of a forum, as the form sends them: the action's input.
pub use thamgia_actions::forums::ForumInput as ForumForm;
/// A delegate, a session, the report's day as the forum page's forms send them.
pub use thamgia_actions::forums::{
    DelegateInput as DelegateForm, ReportInput as ReportForm, SessionInput as SessionForm,
};

/// A recorded forum as its edit form shows it.
fn form_of(
    f: &forum::Model,
    u: &unit::Model,
    a: &agency::Model,
    groups: &[(String, i32)],
) -> ForumForm {
    ForumForm {
        level: f.level.as_str().into(),
        unit: u.code.clone(),
        year: f.year.into(),
        theme: f.theme.clone(),
        starts_on: Lang::Vi.date(f.starts_on),
        ends_on: Lang::Vi.date(f.ends_on),
        venue: f.venue.clone(),
        agency: a.code.clone(),
        girls: f.girls.into(),
        boys: f.boys.into(),
        age_6_10: f.age_6_10.into(),
        age_11_15: f.age_11_15.into(),
        with_disability: f.with_disability.into(),
        adults_in_charge: f.adults_in_charge.into(),
        volunteers: f.volunteers.into(),
        guests: f.guests.into(),
        extra: groups
            .iter()
            .map(|(code, n)| (format!("{ETH_PREFIX}{code}"), (*n).into()))
            .collect(),
    }
}

// ---------------------------------------------------------------- list

pub struct ForumRow {
    pub id: i32,
    pub theme: String,
    pub level: String,
    pub unit_name: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub children: i32,
    pub warnings: usize,
    pub report_submitted: Option<NaiveDate>,
    pub report_due: NaiveDate,
    pub report_overdue: bool,
}

pub struct LateRow {
    pub id: i32,
    pub theme: String,
    pub level: String,
    pub unit_name: String,
    pub due: NaiveDate,
    pub days_late: i64,
}

#[derive(Template)]
#[template(path = "forums.html")]
struct ForumsPage {
    c: Chrome,
    q: ListQuery,
    errors: Fields,
    unit_options: Vec<unit::Model>,
    years: Vec<i32>,
    levels: Vec<&'static str>,
    rows: Vec<ForumRow>,
    late: Vec<LateRow>,
    can_create: bool,
}

form_errors!(ForumsPage, field_message);

pub async fn list(Visit { state, p, ctx }: Visit, Query(q): Query<ListQuery>) -> PageResult {
    let lang = ctx.lang;
    require(&p, Permission::ViewModels, lang)?;
    let db = &state.db.conn;
    let scope = p.scope();
    let today = state.now().date_naive();
    let (filter, errors) = filter_or_refused(actions::filter_of(db, &scope, &q).await, lang)?;
    let mut rows = vec![];
    let mut rules = Rules::default();
    if let Some(f) = &filter {
        for (fm, u, _) in forums::list(db, &scope, f).await.page(lang)? {
            let k = facts(db, &mut rules, &fm, &u, today).await.page(lang)?;
            rows.push(ForumRow {
                id: fm.id,
                level: fm.level.as_str().into(),
                unit_name: lang.pick(&u.name_vi, &u.name_en).to_string(),
                starts_on: fm.starts_on,
                ends_on: fm.ends_on,
                children: fm.girls + fm.boys,
                warnings: k.warnings.len(),
                report_submitted: fm.report_submitted_on,
                report_due: k.report_due,
                report_overdue: k.report_overdue,
                theme: fm.theme,
            });
        }
    }
    let late = forums::overdue_reports(db, &scope, today)
        .await
        .page(lang)?
        .into_iter()
        .map(|l| LateRow {
            id: l.forum.id,
            level: l.forum.level.as_str().into(),
            unit_name: lang.pick(&l.unit.name_vi, &l.unit.name_en).to_string(),
            due: l.due,
            days_late: l.days_late,
            theme: l.forum.theme,
        })
        .collect();
    let page = ForumsPage {
        c: Chrome::new(&ctx, "forum-list-title"),
        unit_options: units::list(db, &scope).await.page(lang)?,
        years: forums::years(db, &scope).await.page(lang)?,
        levels: LEVELS.iter().map(|l| l.as_str()).collect(),
        can_create: p.can(Permission::ManageModels),
        q,
        rows,
        late,
        errors,
    };
    Ok(unprocessable_if(!page.errors.is_empty(), render(&page)))
}

// ---------------------------------------------------------------- new / edit

#[derive(Template)]
#[template(path = "forum_form.html")]
struct ForumFormPage {
    c: Chrome,
    f: ForumForm,
    errors: Fields,
    /// The forum being edited; `None` for a new one.
    editing: Option<i32>,
    levels: Vec<&'static str>,
    unit_options: Vec<unit::Model>,
    agency_options: Vec<agency::Model>,
    /// The province's own ethnic groups, then (folded) all the others.
    eth_local: Vec<EthField>,
    eth_other: Vec<EthField>,
}

/// One ethnic group's input on the forum form.
struct EthField {
    field: String,
    name: &'static str,
    value: String,
}

impl ForumFormPage {
    /// Whether any group outside the province's own has a count (the folded
    /// list then opens).
    fn other_filled(&self) -> bool {
        self.eth_other
            .iter()
            .any(|g| !g.value.trim().is_empty() || self.errors.contains_key(&g.field))
    }
}

form_errors!(ForumFormPage, field_message);

async fn form_page(
    state: &AppState,
    p: &Principal,
    ctx: &Ctx,
    f: ForumForm,
    errors: Fields,
    editing: Option<i32>,
) -> Result<ForumFormPage, PageError> {
    let db = &state.db.conn;
    let lang = ctx.lang;
    let scope = p.scope();
    let year = f.year.year().unwrap_or_else(|| state.now().year());
    let unit_options: Vec<unit::Model> = units_holding(db, p, "forum", year)
        .await
        .page(lang)?
        .into_iter()
        .filter(|u| LEVELS.iter().any(|l| l.as_str() == u.level))
        .collect();
    let (local, other): (Vec<_>, Vec<_>) = ethnic::local_first()
        .into_iter()
        .map(|g| {
            (
                g.local,
                EthField {
                    field: format!("{ETH_PREFIX}{}", g.code),
                    name: g.name_vi,
                    value: f.ethnic(g.code),
                },
            )
        })
        .partition(|(local, _)| *local);
    Ok(ForumFormPage {
        eth_local: local.into_iter().map(|(_, g)| g).collect(),
        eth_other: other.into_iter().map(|(_, g)| g).collect(),
        c: Chrome::new(
            ctx,
            if editing.is_some() {
                "forum-edit-title"
            } else {
                "forum-new-title"
            },
        ),
        f,
        errors,
        editing,
        levels: LEVELS.iter().map(|l| l.as_str()).collect(),
        unit_options,
        agency_options: agencies::list(db, &scope)
            .await
            .page(lang)?
            .into_iter()
            .map(|(a, _)| a)
            .collect(),
    })
}

pub async fn new_form(Visit { state, p, ctx }: Visit) -> PageResult {
    require(&p, Permission::ManageModels, ctx.lang)?;
    let db = &state.db.conn;
    let mut f = ForumForm {
        year: state.now().year().into(),
        ..Default::default()
    };
    // The user's own unit and agency come first.
    if let Some(u) = units::by_id(db, p.unit_id).await.page(ctx.lang)? {
        if LEVELS.iter().any(|l| l.as_str() == u.level) {
            f.level = u.level.clone();
        }
        f.unit = u.code;
    }
    if let Some(aid) = p.agency_id
        && let Some(a) = agencies::by_id(db, aid).await.page(ctx.lang)?
    {
        f.agency = a.code;
    }
    Ok(render(
        &form_page(&state, &p, &ctx, f, Fields::new(), None).await?,
    ))
}

pub async fn create(
    Visit { state, p, ctx }: Visit,
    CsrfForm(f): CsrfForm<ForumForm>,
) -> PageResult {
    let act = Act::new(&state.db.conn, &p, state.now());
    match actions::create(act, &f).await {
        Ok(row) => Ok(Redirect::to(&format!("/forums/{}?saved=1", row.id)).into_response()),
        Err(ActionError::Invalid { fields, .. }) => Ok(unprocessable(render(
            &form_page(&state, &p, &ctx, f, fields, None).await?,
        ))),
        Err(e) => Err(PageError(e.into(), ctx.lang)),
    }
}

pub async fn edit_form(Visit { state, p, ctx }: Visit, Path(id): Path<i32>) -> PageResult {
    require(&p, Permission::ManageModels, ctx.lang)?;
    let (fm, u, a) = forums::get_in_scope(&state.db.conn, &p.scope(), id)
        .await
        .page(ctx.lang)?;
    let groups = forums::ethnic_groups(&state.db.conn, id)
        .await
        .page(ctx.lang)?;
    let f = form_of(&fm, &u, &a, &groups);
    Ok(render(
        &form_page(&state, &p, &ctx, f, Fields::new(), Some(id)).await?,
    ))
}

pub async fn update(
    Visit { state, p, ctx }: Visit,
    Path(id): Path<i32>,
    CsrfForm(f): CsrfForm<ForumForm>,
) -> PageResult {
    let act = Act::new(&state.db.conn, &p, state.now());
    match actions::update(act, id, &f).await {
        Ok(_) => Ok(Redirect::to(&format!("/forums/{id}?saved=1")).into_response()),
        Err(ActionError::Invalid { fields, .. }) => Ok(unprocessable(render(
            &form_page(&state, &p, &ctx, f, fields, Some(id)).await?,
        ))),
        Err(e) => Err(PageError(e.into(), ctx.lang)),
    }
}

// ---------------------------------------------------------------- one forum

pub struct DelegateRow {
    pub label: String,
    pub consent: bool,
}

pub struct PersonOption {
    pub id: i32,
    pub label: String,
    pub consent: bool,
}

pub struct SessionRow {
    pub kind: String,
    pub title: String,
    pub held_on: NaiveDate,
    pub consultation: Option<(i32, String)>,
}

pub struct ConsultOption {
    pub id: i32,
    pub title: String,
}

/// Which of the forum page's forms a failed submission came from, with its
/// input and errors.
#[derive(Default)]
pub struct SubForms {
    pub delegate: DelegateForm,
    pub delegate_errors: Fields,
    pub session: SessionForm,
    pub session_errors: Fields,
    pub report: ReportForm,
    pub report_errors: Fields,
    pub rec: RecommendationForm,
    pub rec_errors: Fields,
}

#[derive(Template)]
#[template(path = "forum.html")]
struct ForumPage {
    c: Chrome,
    fm: forum::Model,
    unit_name: String,
    agency_name: String,
    /// Children by ethnic group (most first), then those whose group is not known.
    ethnic_rows: Vec<(String, i32)>,
    saved: bool,
    warning_texts: Vec<String>,
    report_due: NaiveDate,
    report_due_days: i64,
    report_overdue: bool,
    delegate_rows: Vec<DelegateRow>,
    person_options: Vec<PersonOption>,
    show_names: bool,
    session_rows: Vec<SessionRow>,
    session_kinds: Vec<&'static str>,
    consult_options: Vec<ConsultOption>,
    rec_rows: Vec<RecRow>,
    rec_agencies: Vec<agency::Model>,
    can_manage: bool,
    s: SubForms,
}

impl ForumPage {
    fn errors_of(&self, form: &str) -> &Fields {
        match form {
            "delegate" => &self.s.delegate_errors,
            "session" => &self.s.session_errors,
            "report" => &self.s.report_errors,
            _ => &self.s.rec_errors,
        }
    }

    /// The message of a sub-form's field error.
    fn err(&self, form: &str, field: &str) -> String {
        field_message(&self.c, self.errors_of(form), field)
    }

    fn bad(&self, form: &str, field: &str) -> bool {
        self.errors_of(form).contains_key(field)
    }
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct SavedQuery {
    #[serde(default)]
    saved: Option<String>,
}

async fn forum_page(
    state: &AppState,
    p: &Principal,
    ctx: &Ctx,
    id: i32,
    saved: bool,
    mut s: SubForms,
) -> Result<ForumPage, PageError> {
    let lang = ctx.lang;
    let db = &state.db.conn;
    let scope = p.scope();
    let (fm, u, a) = forums::get_in_scope(db, &scope, id).await.page(lang)?;
    let today = state.now().date_naive();
    let k = facts(db, &mut Rules::default(), &fm, &u, today)
        .await
        .page(lang)?;
    let show_names = p.can(Permission::ViewNames);
    let can_manage = p.can(Permission::ManageModels);
    let mut delegate_rows = vec![];
    let delegates = forums::delegates(db, fm.id).await.page(lang)?;
    for (i, d) in delegates.iter().enumerate() {
        let consent = people::active_consent(db, d.id).await.page(lang)?.is_some();
        delegate_rows.push(DelegateRow {
            label: if show_names {
                people::display_name(d)
            } else {
                lang.t_args("forum-delegate-n", &[("n", (i + 1).to_string())])
            },
            consent,
        });
    }
    let mut person_options = vec![];
    if can_manage && show_names {
        for person in people::list(db, &scope).await.page(lang)? {
            if person.pseudonymised_at.is_some() || delegates.iter().any(|d| d.id == person.id) {
                continue;
            }
            let consent = people::active_consent(db, person.id)
                .await
                .page(lang)?
                .is_some();
            let label = match &person.school_or_commune {
                Some(w) if !w.trim().is_empty() => {
                    format!("{} ({w})", people::display_name(&person))
                }
                _ => people::display_name(&person),
            };
            person_options.push(PersonOption {
                id: person.id,
                label,
                consent,
            });
        }
    }
    let sessions = forums::sessions(db, fm.id).await.page(lang)?;
    let forum_scope = Scope {
        path: u.path.clone(),
    };
    // Consultations of the forum's unit that the user may see, of the forum's year.
    let mut consult_options = vec![];
    let mut consult_titles = BTreeMap::new();
    if scope.contains(&forum_scope.path) {
        for (kq, _) in consultations::list(db, &forum_scope, None)
            .await
            .page(lang)?
        {
            consult_titles.insert(kq.id, kq.title.clone());
            if kq.opens_on.year() == fm.year || kq.closes_on.year() == fm.year {
                consult_options.push(ConsultOption {
                    id: kq.id,
                    title: kq.title,
                });
            }
        }
    }
    let session_rows = sessions
        .into_iter()
        .map(|x| SessionRow {
            consultation: x
                .consultation_id
                .map(|cid| (cid, consult_titles.get(&cid).cloned().unwrap_or_default())),
            kind: x.kind,
            title: x.title,
            held_on: x.held_on,
        })
        .collect();
    let rec_list = recommendations::for_source(db, RecommendationSource::Forum, fm.id)
        .await
        .page(lang)?;
    let rec_rows = recs::rows_for(db, lang, rec_list, today, &scope)
        .await
        .page(lang)?;
    if s.report.submitted_on.is_empty() {
        s.report.submitted_on = lang.date(today);
    }
    let groups = forums::ethnic_groups(db, fm.id).await.page(lang)?;
    let known: i32 = groups.iter().map(|(_, n)| n).sum();
    let mut ethnic_rows: Vec<(String, i32)> = groups
        .iter()
        .map(|(code, n)| (ethnic::name(code).unwrap_or(code).to_string(), *n))
        .collect();
    ethnic_rows.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let unknown = fm.girls + fm.boys - known;
    if unknown > 0 {
        ethnic_rows.push((lang.t("forum-ethnic-unknown"), unknown));
    }
    Ok(ForumPage {
        ethnic_rows,
        c: Chrome::new(ctx, "forum-title"),
        unit_name: lang.pick(&u.name_vi, &u.name_en).to_string(),
        agency_name: lang.pick(&a.name_vi, &a.name_en).to_string(),
        saved,
        warning_texts: k
            .warnings
            .iter()
            .map(|w| warning_text(lang, fm.level.as_str(), w))
            .collect(),
        report_due: k.report_due,
        report_due_days: k.rules.report_due_days,
        report_overdue: k.report_overdue,
        delegate_rows,
        person_options,
        show_names,
        session_rows,
        session_kinds: SESSION_KINDS.to_vec(),
        consult_options,
        rec_rows,
        rec_agencies: agencies::list(db, &scope)
            .await
            .page(lang)?
            .into_iter()
            .map(|(a, _)| a)
            .collect(),
        can_manage,
        fm,
        s,
    })
}

pub async fn show(
    Visit { state, p, ctx }: Visit,
    Path(id): Path<i32>,
    Query(sq): Query<SavedQuery>,
) -> PageResult {
    require(&p, Permission::ViewModels, ctx.lang)?;
    Ok(render(
        &forum_page(
            &state,
            &p,
            &ctx,
            id,
            sq.saved.is_some(),
            SubForms::default(),
        )
        .await?,
    ))
}

/// The outcome of one of the forum page's forms: back to its section, or the
/// page again with the form's errors (422).
async fn after<T>(
    state: &AppState,
    p: &Principal,
    ctx: &Ctx,
    id: i32,
    done: thamgia_actions::ActionResult<T>,
    section: &str,
    rejected: impl FnOnce(Fields) -> SubForms,
) -> PageResult {
    match done {
        Ok(_) => Ok(Redirect::to(&format!("/forums/{id}#{section}")).into_response()),
        Err(ActionError::Invalid { fields, .. }) => Ok(unprocessable(render(
            &forum_page(state, p, ctx, id, false, rejected(fields)).await?,
        ))),
        Err(e) => Err(PageError(e.into(), ctx.lang)),
    }
}

pub async fn add_delegate(
    Visit { state, p, ctx }: Visit,
    Path(id): Path<i32>,
    CsrfForm(f): CsrfForm<DelegateForm>,
) -> PageResult {
    let act = Act::new(&state.db.conn, &p, state.now());
    let done = actions::add_delegate(act, id, &f).await;
    after(&state, &p, &ctx, id, done, "delegates", |e| SubForms {
        delegate: f,
        delegate_errors: e,
        ..Default::default()
    })
    .await
}

pub async fn add_session(
    Visit { state, p, ctx }: Visit,
    Path(id): Path<i32>,
    CsrfForm(f): CsrfForm<SessionForm>,
) -> PageResult {
    let act = Act::new(&state.db.conn, &p, state.now());
    let done = actions::add_session(act, id, &f).await;
    after(&state, &p, &ctx, id, done, "sessions", |e| SubForms {
        session: f,
        session_errors: e,
        ..Default::default()
    })
    .await
}

pub async fn submit_report(
    Visit { state, p, ctx }: Visit,
    Path(id): Path<i32>,
    CsrfForm(f): CsrfForm<ReportForm>,
) -> PageResult {
    let act = Act::new(&state.db.conn, &p, state.now());
    let done = actions::report(act, id, &f).await;
    after(&state, &p, &ctx, id, done, "report", |e| SubForms {
        report: f,
        report_errors: e,
        ..Default::default()
    })
    .await
}

pub async fn add_recommendation(
    Visit { state, p, ctx }: Visit,
    Path(id): Path<i32>,
    CsrfForm(f): CsrfForm<RecommendationForm>,
) -> PageResult {
    let act = Act::new(&state.db.conn, &p, state.now());
    let done = actions::add_recommendation(act, id, &f).await;
    after(&state, &p, &ctx, id, done, "recommendations", |e| {
        SubForms {
            rec: f,
            rec_errors: e,
            ..Default::default()
        }
    })
    .await
}

async fn stylesheet() -> Response {
    (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        include_str!("../../static/forums.css"),
    )
        .into_response()
}
