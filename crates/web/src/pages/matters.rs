//! Matters: the child-related laws and policies, school decisions and
//! community decisions children are asked about. A list with filters, a form
//! to register one, and a page with its consultations, its timeline (built
//! from the audit trail) and the date the answer to the children is due.
//!
//! The checks here are shared with the JSON API (`api/matters.rs`): both take
//! the same fields and name the same error codes.

use super::{
    Chrome, PageErr, PageError, PageResult, Visit, filter_or_refused, render, require,
    unprocessable, unprocessable_if,
};
use crate::auth::{CsrfForm, Ctx};
use crate::error::AppResult;
use crate::i18n::Lang;
use crate::pager::{PageQuery, Pager};
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::extract::{OriginalUri, Path, Query};
use axum::response::{IntoResponse, Redirect};
use axum::routing::get;
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::DatabaseConnection;
use std::collections::BTreeMap;
use thamgia_actions::matters::MatterPatch;
use thamgia_actions::{Act, ActionError};
use thamgia_domain::access::{Permission, Principal, Role};
use thamgia_domain::voice::{MatterKind, Stage, Status, answer_due, answer_overdue};
use thamgia_store::entity::{agency, consultation, matter, unit};
use thamgia_store::{agencies, consultations, matters, units, voice_queries};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/matters", get(list).post(create))
        .route("/matters/new", get(new_form))
        .route("/matters/{id}", get(show).post(update))
}

pub(crate) type Fields = BTreeMap<String, String>;

/// A date as officials type it: dd/mm/yyyy (also d/m/yyyy), or the ISO form a
/// date picker and the API send — the domain's one reading of dates.
pub(crate) use thamgia_domain::activities::parse_date;

/// The fields of a new matter, as the form sends them: the action's input.
pub use thamgia_actions::matters::MatterInput as MatterForm;

/// The editable fields of a matter, as text.
#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(default)]
pub struct MatterEditForm {
    pub title: String,
    pub summary: String,
    pub stage: String,
    pub decision_date: String,
}

impl MatterEditForm {
    pub(crate) fn of(m: &matter::Model) -> Self {
        MatterEditForm {
            title: m.title.clone(),
            summary: m.summary.clone(),
            stage: m.stage.as_str().into(),
            decision_date: m
                .decision_date
                .map(|d| Lang::Vi.date(d))
                .unwrap_or_default(),
        }
    }

    /// The form sends every field: all of them are the patch.
    fn patch(&self) -> MatterPatch {
        MatterPatch {
            title: Some(self.title.clone()),
            summary: Some(self.summary.clone()),
            stage: Some(self.stage.clone()),
            decision_date: Some(self.decision_date.clone()),
        }
    }
}

/// Whether this user may change this matter (edit, or ask children about it).
pub(crate) fn may_manage(p: &Principal, m: &matter::Model) -> bool {
    p.may_manage(Permission::ManageMatters, m.owner_agency_id)
}

/// Due date and whether it has passed without an answer.
pub(crate) struct Due {
    pub due: Option<NaiveDate>,
    pub overdue: bool,
    pub answered: bool,
}

pub(crate) fn due_of(
    m: &matter::Model,
    ks: &[consultation::Model],
    due_days: i64,
    today: NaiveDate,
) -> Due {
    let answered = m.stage == Stage::Answered || ks.iter().any(|k| k.status == Status::Answered);
    let due = m.decision_date.map(|d| answer_due(d, due_days));
    Due {
        overdue: answer_overdue(m.decision_date, due_days, !ks.is_empty(), answered, today),
        due,
        answered,
    }
}

// ---------------------------------------------------------------- list

pub use thamgia_actions::matters::{ListQuery, filter_of};

pub struct MatterRow {
    pub id: i32,
    pub title: String,
    pub kind: String,
    pub agency_name: String,
    pub unit_name: String,
    pub stage: String,
    pub decision: Option<NaiveDate>,
    pub consulted: bool,
    pub overdue: bool,
}

#[derive(Template)]
#[template(path = "matters.html")]
struct MattersPage {
    c: Chrome,
    q: ListQuery,
    errors: Fields,
    unit_options: Vec<unit::Model>,
    years: Vec<i32>,
    kinds: Vec<&'static str>,
    stages: Vec<&'static str>,
    rows: Vec<MatterRow>,
    pager: Pager,
    can_create: bool,
}

form_errors!(MattersPage, field_message);

/// The message for a field's error code (`consult-err-<code>`).
pub(crate) fn field_message(c: &Chrome, errors: &Fields, field: &str) -> String {
    errors
        .get(field)
        .map(|code| c.t(&format!("consult-err-{}", code.replace('_', "-"))))
        .unwrap_or_default()
}

pub async fn list(
    Visit { state, p, ctx }: Visit,
    Query(q): Query<ListQuery>,
    Query(pq): Query<PageQuery>,
    OriginalUri(uri): OriginalUri,
) -> PageResult {
    let lang = ctx.lang;
    require(&p, Permission::ViewResults, lang)?;
    let db = &state.db.conn;
    let scope = p.scope();
    let (filter, errors) = filter_or_refused(filter_of(db, &scope, &q).await, lang)?;
    let mut rows = vec![];
    let mut pager = Pager::default();
    if let Some(f) = &filter {
        let (list, p) = Pager::cut(
            matters::list(db, &scope, f).await.page(lang)?,
            pq.page.as_deref(),
            &uri,
        );
        pager = p;
        let ids: Vec<i32> = list.iter().map(|(m, _, _)| m.id).collect();
        let consulted = voice_queries::consulted_matters(db, &ids)
            .await
            .page(lang)?;
        let asked = voice_queries::asked_matters(db, &ids).await.page(lang)?;
        let years: Vec<i32> = list.iter().map(|(m, _, _)| m.year).collect();
        let due = voice_queries::answer_due_days(db, &scope.path, years)
            .await
            .page(lang)?;
        let today = state.now().date_naive();
        for (m, u, a) in list {
            let answered = m.stage == Stage::Answered;
            let due_days = voice_queries::due_days_for(&due, m.year);
            let overdue = answer_overdue(
                m.decision_date,
                due_days,
                asked.contains(&m.id),
                answered,
                today,
            );
            rows.push(MatterRow {
                id: m.id,
                consulted: consulted.contains(&m.id),
                overdue,
                title: m.title,
                kind: m.kind.as_str().into(),
                agency_name: lang.pick(&a.name_vi, &a.name_en).to_string(),
                unit_name: lang.pick(&u.name_vi, &u.name_en).to_string(),
                stage: m.stage.as_str().into(),
                decision: m.decision_date,
            });
        }
    }
    let page = MattersPage {
        c: Chrome::new(&ctx, "consult-matters-title"),
        unit_options: units::list(db, &scope).await.page(lang)?,
        years: voice_queries::matter_years(db, &scope).await.page(lang)?,
        kinds: MatterKind::ALL.iter().map(|k| k.as_str()).collect(),
        stages: Stage::ALL.iter().map(|k| k.as_str()).collect(),
        can_create: p.can(Permission::ManageMatters),
        q,
        rows,
        pager,
        errors,
    };
    Ok(unprocessable_if(!page.errors.is_empty(), render(&page)))
}

// ---------------------------------------------------------------- new

#[derive(Template)]
#[template(path = "matter_form.html")]
struct MatterFormPage {
    c: Chrome,
    f: MatterForm,
    errors: Fields,
    kinds: Vec<&'static str>,
    stages: Vec<&'static str>,
    unit_options: Vec<unit::Model>,
    agency_options: Vec<agency::Model>,
}

form_errors!(MatterFormPage, field_message);

async fn form_page(
    state: &AppState,
    p: &Principal,
    ctx: &Ctx,
    f: MatterForm,
    errors: Fields,
) -> Result<MatterFormPage, PageError> {
    let db = &state.db.conn;
    let lang = ctx.lang;
    let scope = p.scope();
    let mut agency_options: Vec<agency::Model> = agencies::list(db, &scope)
        .await
        .page(lang)?
        .into_iter()
        .map(|(a, _)| a)
        .collect();
    if let Some(own) = p.own_agency() {
        agency_options.retain(|a| a.id == own);
    }
    Ok(MatterFormPage {
        c: Chrome::new(ctx, "consult-matter-new-title"),
        f,
        errors,
        kinds: MatterKind::ALL.iter().map(|k| k.as_str()).collect(),
        // "answered" is set when the answer is published, never by hand.
        stages: [Stage::Drafting, Stage::Consulting, Stage::Decided]
            .iter()
            .map(|s| s.as_str())
            .collect(),
        unit_options: units::list(db, &scope).await.page(lang)?,
        agency_options,
    })
}

pub async fn new_form(Visit { state, p, ctx }: Visit) -> PageResult {
    require(&p, Permission::ManageMatters, ctx.lang)?;
    let db = &state.db.conn;
    let mut f = MatterForm {
        stage: Stage::Drafting.as_str().into(),
        ..Default::default()
    };
    // The user's own agency and unit come first.
    if let Some(aid) = p.agency_id
        && let Some(a) = agencies::by_id(db, aid).await.page(ctx.lang)?
    {
        f.agency = a.code;
    }
    if let Some(u) = units::by_id(db, p.unit_id).await.page(ctx.lang)? {
        f.unit = u.code;
    }
    Ok(render(
        &form_page(&state, &p, &ctx, f, Fields::new()).await?,
    ))
}

pub async fn create(
    Visit { state, p, ctx }: Visit,
    CsrfForm(f): CsrfForm<MatterForm>,
) -> PageResult {
    let act = Act::new(&state.db.conn, &p, state.now());
    match thamgia_actions::matters::create(act, &f).await {
        Ok(m) => Ok(Redirect::to(&format!("/matters/{}", m.id)).into_response()),
        Err(ActionError::Invalid { fields, .. }) => Ok(unprocessable(render(
            &form_page(&state, &p, &ctx, f, fields).await?,
        ))),
        Err(e) => Err(PageError(e.into(), ctx.lang)),
    }
}

// ---------------------------------------------------------------- one matter

pub struct ConsultRow {
    pub id: i32,
    pub title: String,
    pub status: String,
    pub method: String,
    pub opens_on: NaiveDate,
    pub closes_on: NaiveDate,
    pub join_code: String,
}

pub struct TimelineItem {
    pub at: DateTime<Utc>,
    pub text: String,
}

#[derive(Template)]
#[template(path = "matter.html")]
struct MatterPage {
    c: Chrome,
    m: matter::Model,
    unit_name: String,
    agency_name: String,
    consults: Vec<ConsultRow>,
    timeline: Vec<TimelineItem>,
    due: Option<NaiveDate>,
    due_days: i64,
    overdue: bool,
    answered: bool,
    consulted: bool,
    can_edit: bool,
    can_consult: bool,
    f: MatterEditForm,
    errors: Fields,
    stages: Vec<&'static str>,
    saved: bool,
}

form_errors!(MatterPage, field_message);

fn stage_name(lang: Lang, s: Option<&str>) -> String {
    s.map(|s| lang.t(&format!("consult-stage-{}", s.replace('_', "-"))))
        .unwrap_or_default()
}

/// A title quoted the way each language quotes.
fn quoted(lang: Lang, title: &str) -> String {
    match lang {
        Lang::Vi => format!("«{title}»"),
        Lang::En => format!("“{title}”"),
    }
}

fn json_str(v: &Option<serde_json::Value>, key: &str) -> Option<String> {
    v.as_ref()?
        .get(key)
        .and_then(|x| x.as_str())
        .map(str::to_string)
}

/// The matter's story from the audit trail: registered, consultations created,
/// opened, closed, answered, stage and decision changes.
pub(crate) async fn timeline(
    db: &DatabaseConnection,
    lang: Lang,
    m: &matter::Model,
    ks: &[consultation::Model],
) -> AppResult<Vec<TimelineItem>> {
    let mut out = vec![];
    let parse = |s: &Option<String>| {
        s.as_deref()
            .and_then(|t| serde_json::from_str::<serde_json::Value>(t).ok())
    };
    for a in voice_queries::audit_of(db, "matter", &[m.id.to_string()], 200).await? {
        let (before, after) = (parse(&a.before), parse(&a.after));
        let mut texts = vec![];
        if a.action == "create" {
            texts.push(lang.t("consult-tl-matter-created"));
        } else {
            let (s0, s1) = (json_str(&before, "stage"), json_str(&after, "stage"));
            if s0 != s1 {
                texts.push(format!(
                    "{}: {} → {}",
                    lang.t("consult-tl-stage"),
                    stage_name(lang, s0.as_deref()),
                    stage_name(lang, s1.as_deref())
                ));
            }
            let (d0, d1) = (
                json_str(&before, "decision_date"),
                json_str(&after, "decision_date"),
            );
            if d0 != d1 {
                let shown = d1
                    .as_deref()
                    .and_then(parse_date)
                    .map(|d| lang.date(d))
                    .unwrap_or_else(|| lang.t("consult-none"));
                texts.push(format!("{}: {shown}", lang.t("consult-tl-decision")));
            }
            let changed = |k: &str| {
                before.as_ref().and_then(|b| b.get(k)) != after.as_ref().and_then(|b| b.get(k))
            };
            if texts.is_empty() && (changed("title") || changed("summary")) {
                texts.push(lang.t("consult-tl-matter-edited"));
            }
        }
        for text in texts {
            out.push(TimelineItem { at: a.at, text });
        }
    }
    let ids: Vec<String> = ks.iter().map(|k| k.id.to_string()).collect();
    for a in voice_queries::audit_of(db, "consultation", &ids, 500).await? {
        let (before, after) = (parse(&a.before), parse(&a.after));
        let title = json_str(&after, "title").unwrap_or_default();
        let key = if a.action == "create" {
            Some("consult-tl-consultation-created")
        } else {
            match (
                json_str(&before, "status").as_deref(),
                json_str(&after, "status").as_deref(),
            ) {
                (Some(x), Some(y)) if x == y => None,
                (_, Some("open")) => Some("consult-tl-opened"),
                (_, Some("closed")) => Some("consult-tl-closed"),
                (_, Some("answered")) => Some("consult-tl-answered"),
                _ => None,
            }
        };
        if let Some(key) = key {
            out.push(TimelineItem {
                at: a.at,
                text: format!("{} {}", lang.t(key), quoted(lang, &title)),
            });
        }
    }
    out.sort_by_key(|t| t.at);
    Ok(out)
}

#[allow(clippy::too_many_arguments)]
async fn matter_page(
    state: &AppState,
    p: &Principal,
    ctx: &Ctx,
    m: matter::Model,
    u: unit::Model,
    a: agency::Model,
    f: Option<MatterEditForm>,
    errors: Fields,
    saved: bool,
) -> Result<MatterPage, PageError> {
    let lang = ctx.lang;
    let db = &state.db.conn;
    let ks: Vec<consultation::Model> = consultations::list(db, &p.scope(), Some(m.id))
        .await
        .page(lang)?
        .into_iter()
        .map(|(k, _)| k)
        .collect();
    // A consultation is held in the matter's unit or below it, so whoever sees
    // the matter sees all of its consultations.
    let due = voice_queries::answer_due_days(db, &u.path, [m.year])
        .await
        .page(lang)?;
    let due_days = voice_queries::due_days_for(&due, m.year);
    let d = due_of(&m, &ks, due_days, state.now().date_naive());
    let consulted = voice_queries::consulted_matters(db, &[m.id])
        .await
        .page(lang)?
        .contains(&m.id);
    let timeline = timeline(db, lang, &m, &ks).await.page(lang)?;
    Ok(MatterPage {
        c: Chrome::new(ctx, "consult-matter-title"),
        unit_name: lang.pick(&u.name_vi, &u.name_en).to_string(),
        agency_name: lang.pick(&a.name_vi, &a.name_en).to_string(),
        consults: ks
            .into_iter()
            .map(|k| ConsultRow {
                id: k.id,
                title: k.title,
                status: k.status.as_str().into(),
                method: k.method.as_str().into(),
                opens_on: k.opens_on,
                closes_on: k.closes_on,
                join_code: k.join_code,
            })
            .collect(),
        timeline,
        due: d.due,
        due_days,
        overdue: d.overdue,
        answered: d.answered,
        consulted,
        can_edit: may_manage(p, &m),
        can_consult: p.can(Permission::RunConsultations)
            && (p.role != Role::AgencyOfficer || may_manage(p, &m)),
        f: f.unwrap_or_else(|| MatterEditForm::of(&m)),
        errors,
        stages: Stage::ALL
            .iter()
            .filter(|s| **s != Stage::Answered || m.stage == Stage::Answered)
            .map(|s| s.as_str())
            .collect(),
        m,
        saved,
    })
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct SavedQuery {
    #[serde(default)]
    saved: Option<String>,
}

pub async fn show(
    Visit { state, p, ctx }: Visit,
    Path(id): Path<i32>,
    Query(sq): Query<SavedQuery>,
) -> PageResult {
    require(&p, Permission::ViewResults, ctx.lang)?;
    let (m, u, a) = matters::get_in_scope(&state.db.conn, &p.scope(), id)
        .await
        .page(ctx.lang)?;
    Ok(render(
        &matter_page(
            &state,
            &p,
            &ctx,
            m,
            u,
            a,
            None,
            Fields::new(),
            sq.saved.is_some(),
        )
        .await?,
    ))
}

pub async fn update(
    Visit { state, p, ctx }: Visit,
    Path(id): Path<i32>,
    CsrfForm(f): CsrfForm<MatterEditForm>,
) -> PageResult {
    let lang = ctx.lang;
    let act = Act::new(&state.db.conn, &p, state.now());
    match thamgia_actions::matters::update(act, id, &f.patch()).await {
        Ok(_) => Ok(Redirect::to(&format!("/matters/{id}?saved=1")).into_response()),
        Err(ActionError::Invalid { fields, .. }) => {
            let (m, u, a) = matters::get_in_scope(&state.db.conn, &p.scope(), id)
                .await
                .page(lang)?;
            Ok(unprocessable(render(
                &matter_page(&state, &p, &ctx, m, u, a, Some(f), fields, false).await?,
            )))
        }
        Err(e) => Err(PageError(e.into(), lang)),
    }
}
