//! Matters: the child-related laws and policies, school decisions and
//! community decisions children are asked about. A list with filters, a form
//! to register one, and a page with its consultations, its timeline (built
//! from the audit trail) and the date the answer to the children is due.
//!
//! The checks here are shared with the JSON API (`api/matters.rs`): both take
//! the same fields and name the same error codes.

use super::{Chrome, PageErr, PageError, PageResult, render, require};
use crate::auth::{CsrfForm, Ctx, PageUser};
use crate::error::{AppError, AppResult};
use crate::i18n::Lang;
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use axum::routing::get;
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::DatabaseConnection;
use std::collections::BTreeMap;
use thamgia_domain::access::{Actor, Permission, Principal, Role, Scope};
use thamgia_domain::voice::{MatterKind, Stage, Status, answer_due, answer_overdue};
use thamgia_store::entity::{agency, consultation, matter, unit};
use thamgia_store::matters::{MatterChanges, MatterFilter, NewMatter};
use thamgia_store::{agencies, consultations, matters, units, voice_queries};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/matters", get(list).post(create))
        .route("/matters/new", get(new_form))
        .route("/matters/{id}", get(show).post(update))
}

/// Longest title of a matter, in characters.
pub(crate) const MAX_TITLE: usize = 200;
/// Longest summary of a matter, in characters.
pub(crate) const MAX_SUMMARY: usize = 5000;

pub(crate) type Fields = BTreeMap<String, String>;

/// A date as officials type it: dd/mm/yyyy (also d/m/yyyy), or the ISO form a
/// date picker and the API send — the domain's one reading of dates.
pub(crate) use thamgia_domain::activities::parse_date;

pub(crate) fn invalid(fields: Fields) -> AppError {
    AppError::Invalid {
        fields,
        detail: None,
    }
}

/// The fields of a new matter, as text (a form or the API).
#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(default)]
pub struct MatterForm {
    pub kind: String,
    pub title: String,
    pub summary: String,
    /// Code of the owner agency.
    pub agency: String,
    /// Code of the unit.
    pub unit: String,
    pub stage: String,
    /// dd/mm/yyyy or yyyy-mm-dd; empty when not decided yet.
    pub decision_date: String,
}

/// Checks title, summary, stage and decision date (shared by create and edit).
fn check_text_stage_date(
    title: &str,
    summary: &str,
    stage: &str,
    decision: &str,
    current_stage: Option<&str>,
    e: &mut Fields,
) -> (String, String, Option<Stage>, Option<NaiveDate>) {
    let title = title.trim().to_string();
    if title.is_empty() {
        e.insert("title".into(), "required".into());
    } else if title.chars().count() > MAX_TITLE {
        e.insert("title".into(), "too_long".into());
    }
    let summary = summary.trim().to_string();
    if summary.chars().count() > MAX_SUMMARY {
        e.insert("summary".into(), "too_long".into());
    }
    let stage = match Stage::parse(stage.trim()) {
        // "answered" is recorded when the answer to the children is published.
        Some(Stage::Answered) if current_stage != Some(Stage::Answered.as_str()) => {
            e.insert("stage".into(), "stage_answered_auto".into());
            None
        }
        Some(s) => Some(s),
        None => {
            e.insert("stage".into(), "unknown_option".into());
            None
        }
    };
    let decision = if decision.trim().is_empty() {
        None
    } else {
        match parse_date(decision) {
            Some(d) => Some(d),
            None => {
                e.insert("decision_date".into(), "not_a_date".into());
                None
            }
        }
    };
    if decision.is_none()
        && !e.contains_key("decision_date")
        && matches!(stage, Some(Stage::Decided | Stage::Answered))
    {
        e.insert("decision_date".into(), "decision_date_required".into());
    }
    (title, summary, stage, decision)
}

/// An agency officer registers and edits the matters of their own agency.
pub(crate) fn own_agency_only(p: &Principal) -> Option<i32> {
    if p.role == Role::AgencyOfficer {
        p.agency_id
    } else {
        None
    }
}

/// Checks a new matter: every field, every error at once.
pub(crate) async fn check_new(
    db: &DatabaseConnection,
    p: &Principal,
    f: &MatterForm,
) -> AppResult<NewMatter> {
    let scope = p.scope();
    let mut e = Fields::new();
    let kind = MatterKind::parse(f.kind.trim());
    if kind.is_none() {
        e.insert(
            "kind".into(),
            if f.kind.trim().is_empty() {
                "required"
            } else {
                "unknown_option"
            }
            .into(),
        );
    }
    let stage_text = if f.stage.trim().is_empty() {
        Stage::Drafting.as_str()
    } else {
        f.stage.as_str()
    };
    let (title, summary, stage, decision) = check_text_stage_date(
        &f.title,
        &f.summary,
        stage_text,
        &f.decision_date,
        None,
        &mut e,
    );
    let unit = if f.unit.trim().is_empty() {
        e.insert("unit".into(), "required".into());
        None
    } else {
        // A reused code is read on the decision date (the matter's year),
        // else as it stands now: 03388 decided in 2019 is Phường Quyết Tiến.
        match units::resolve(db, &scope, f.unit.trim(), None, decision).await {
            Ok(r) => Some(r.unit),
            Err(thamgia_store::StoreError::NotFound) => {
                e.insert("unit".into(), "unknown_unit".into());
                None
            }
            Err(err) => return Err(err.into()),
        }
    };
    let agency = if f.agency.trim().is_empty() {
        e.insert("agency".into(), "required".into());
        None
    } else {
        match agencies::get_in_scope(db, &scope, f.agency.trim()).await {
            Ok((a, _)) => {
                if own_agency_only(p).is_some_and(|own| own != a.id) {
                    e.insert("agency".into(), "not_your_agency".into());
                    None
                } else {
                    Some(a)
                }
            }
            Err(thamgia_store::StoreError::NotFound) => {
                e.insert("agency".into(), "unknown_agency".into());
                None
            }
            Err(err) => return Err(err.into()),
        }
    };
    match (kind, stage, unit, agency) {
        (Some(kind), Some(stage), Some(u), Some(a)) if e.is_empty() => Ok(NewMatter {
            kind,
            title,
            summary,
            owner_agency_id: a.id,
            unit_id: u.id,
            stage,
            decision_date: decision,
        }),
        _ => Err(invalid(e)),
    }
}

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
            stage: m.stage.clone(),
            decision_date: m
                .decision_date
                .map(|d| Lang::Vi.date(d))
                .unwrap_or_default(),
        }
    }
}

pub(crate) fn check_edit(m: &matter::Model, f: &MatterEditForm) -> AppResult<MatterChanges> {
    let mut e = Fields::new();
    let (title, summary, stage, decision) = check_text_stage_date(
        &f.title,
        &f.summary,
        &f.stage,
        &f.decision_date,
        Some(&m.stage),
        &mut e,
    );
    if !e.is_empty() {
        return Err(invalid(e));
    }
    Ok(MatterChanges {
        title: (title != m.title).then_some(title),
        summary: (summary != m.summary).then_some(summary),
        stage: stage.filter(|s| s.as_str() != m.stage),
        decision_date: (decision != m.decision_date).then_some(decision),
    })
}

/// Whether this user may change this matter (edit, or ask children about it).
pub(crate) fn may_manage(p: &Principal, m: &matter::Model) -> bool {
    p.can(Permission::ManageMatters) && p.may_act_for(Some(m.owner_agency_id))
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
    let answered = m.stage == Stage::Answered.as_str()
        || ks.iter().any(|k| k.status == Status::Answered.as_str());
    let due = m.decision_date.map(|d| answer_due(d, due_days));
    Due {
        overdue: answer_overdue(m.decision_date, due_days, !ks.is_empty(), answered, today),
        due,
        answered,
    }
}

// ---------------------------------------------------------------- list

#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(default)]
pub struct ListQuery {
    pub unit: String,
    pub kind: String,
    pub year: String,
    pub stage: String,
}

/// Turns list query parameters into a store filter; unknown values are named.
pub(crate) async fn filter_of(
    db: &DatabaseConnection,
    scope: &Scope,
    q: &ListQuery,
) -> AppResult<MatterFilter> {
    let mut e = Fields::new();
    let mut f = MatterFilter::default();
    if !q.unit.trim().is_empty() {
        // With a year, a reused code is read in that year (`units::resolve`).
        let year = q.year.trim().parse::<i32>().ok();
        match units::resolve(db, scope, q.unit.trim(), year, None).await {
            Ok(r) => f.unit_path = Some(r.unit.path),
            Err(thamgia_store::StoreError::NotFound) => {
                e.insert("unit".into(), "unknown_unit".into());
            }
            Err(err) => return Err(err.into()),
        }
    }
    if !q.kind.trim().is_empty() {
        f.kind = MatterKind::parse(q.kind.trim());
        if f.kind.is_none() {
            e.insert("kind".into(), "unknown_option".into());
        }
    }
    if !q.stage.trim().is_empty() {
        f.stage = Stage::parse(q.stage.trim());
        if f.stage.is_none() {
            e.insert("stage".into(), "unknown_option".into());
        }
    }
    if !q.year.trim().is_empty() {
        f.year = q
            .year
            .trim()
            .parse::<i32>()
            .ok()
            .filter(|y| (1900..=2200).contains(y));
        if f.year.is_none() {
            e.insert("year".into(), "not_a_number".into());
        }
    }
    if e.is_empty() { Ok(f) } else { Err(invalid(e)) }
}

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
    can_create: bool,
}

impl MattersPage {
    fn error(&self, field: &str) -> String {
        field_message(&self.c, &self.errors, field)
    }

    fn has_error(&self, field: &str) -> bool {
        self.errors.contains_key(field)
    }
}

/// The message for a field's error code (`consult-err-<code>`).
pub(crate) fn field_message(c: &Chrome, errors: &Fields, field: &str) -> String {
    errors
        .get(field)
        .map(|code| c.t(&format!("consult-err-{}", code.replace('_', "-"))))
        .unwrap_or_default()
}

pub async fn list(
    State(state): State<AppState>,
    PageUser(p, ctx): PageUser,
    Query(q): Query<ListQuery>,
) -> PageResult {
    let lang = ctx.lang;
    require(&p, Permission::ViewResults, lang)?;
    let db = &state.db.conn;
    let scope = p.scope();
    let (filter, errors) = match filter_of(db, &scope, &q).await {
        Ok(f) => (Some(f), Fields::new()),
        Err(AppError::Invalid { fields, .. }) => (None, fields),
        Err(e) => return Err(PageError(e, lang)),
    };
    let mut rows = vec![];
    if let Some(f) = &filter {
        let list = matters::list(db, &scope, f).await.page(lang)?;
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
            let answered = m.stage == Stage::Answered.as_str();
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
                kind: m.kind,
                agency_name: lang.pick(&a.name_vi, &a.name_en).to_string(),
                unit_name: lang.pick(&u.name_vi, &u.name_en).to_string(),
                stage: m.stage,
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
        errors,
    };
    let mut res = render(&page);
    if !page.errors.is_empty() {
        *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(res)
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

impl MatterFormPage {
    fn error(&self, field: &str) -> String {
        field_message(&self.c, &self.errors, field)
    }

    fn has_error(&self, field: &str) -> bool {
        self.errors.contains_key(field)
    }
}

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
    if let Some(own) = own_agency_only(p) {
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

pub async fn new_form(State(state): State<AppState>, PageUser(p, ctx): PageUser) -> PageResult {
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
    State(state): State<AppState>,
    PageUser(p, ctx): PageUser,
    CsrfForm(f): CsrfForm<MatterForm>,
) -> PageResult {
    require(&p, Permission::ManageMatters, ctx.lang)?;
    let db = &state.db.conn;
    match check_new(db, &p, &f).await {
        Ok(n) => {
            let m = matters::create(db, &Actor::from(&p), state.now(), n)
                .await
                .page(ctx.lang)?;
            Ok(Redirect::to(&format!("/matters/{}", m.id)).into_response())
        }
        Err(AppError::Invalid { fields, .. }) => {
            let mut res = render(&form_page(&state, &p, &ctx, f, fields).await?);
            *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(res)
        }
        Err(e) => Err(PageError(e, ctx.lang)),
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

impl MatterPage {
    fn error(&self, field: &str) -> String {
        field_message(&self.c, &self.errors, field)
    }

    fn has_error(&self, field: &str) -> bool {
        self.errors.contains_key(field)
    }
}

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
                status: k.status,
                method: k.method,
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
            .filter(|s| **s != Stage::Answered || m.stage == Stage::Answered.as_str())
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
    State(state): State<AppState>,
    PageUser(p, ctx): PageUser,
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
    State(state): State<AppState>,
    PageUser(p, ctx): PageUser,
    Path(id): Path<i32>,
    CsrfForm(f): CsrfForm<MatterEditForm>,
) -> PageResult {
    let lang = ctx.lang;
    require(&p, Permission::ManageMatters, lang)?;
    let db = &state.db.conn;
    let (m, u, a) = matters::get_in_scope(db, &p.scope(), id).await.page(lang)?;
    if !may_manage(&p, &m) {
        return Err(PageError(AppError::Forbidden, lang));
    }
    match check_edit(&m, &f) {
        Ok(ch) => {
            matters::update(db, &Actor::from(&p), state.now(), id, ch)
                .await
                .page(lang)?;
            Ok(Redirect::to(&format!("/matters/{id}?saved=1")).into_response())
        }
        Err(AppError::Invalid { fields, .. }) => {
            let mut res =
                render(&matter_page(&state, &p, &ctx, m, u, a, Some(f), fields, false).await?);
            *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(res)
        }
        Err(e) => Err(PageError(e, lang)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_in_both_forms() {
        let d = NaiveDate::from_ymd_opt(2019, 3, 5).expect("date");
        assert_eq!(parse_date("05/03/2019"), Some(d));
        assert_eq!(parse_date("5/3/2019"), Some(d));
        assert_eq!(parse_date("2019-03-05"), Some(d));
        assert_eq!(parse_date(" 2019-03-05 "), Some(d));
        for bad in ["", "31/02/2019", "2019/03/05", "hôm nay", "05-03-2019"] {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
    }

    #[test]
    fn answered_is_never_chosen_by_hand_and_decided_needs_a_date() {
        let mut e = Fields::new();
        let (_, _, s, _) = check_text_stage_date("T", "", "answered", "", None, &mut e);
        assert_eq!(s, None);
        assert_eq!(e["stage"], "stage_answered_auto");
        let mut e = Fields::new();
        check_text_stage_date("", "", "decided", "", None, &mut e);
        assert_eq!(e["title"], "required");
        assert_eq!(e["decision_date"], "decision_date_required");
        let mut e = Fields::new();
        check_text_stage_date(&"x".repeat(201), "", "drafting", "32/01/2019", None, &mut e);
        assert_eq!(e["title"], "too_long");
        assert_eq!(e["decision_date"], "not_a_date");
        let mut e = Fields::new();
        let (_, _, s, d) =
            check_text_stage_date("T", "S", "answered", "2019-01-02", Some("answered"), &mut e);
        assert!(e.is_empty());
        assert_eq!(s, Some(Stage::Answered));
        assert!(d.is_some());
    }
}
