//! Activities of Projects 1 and 2 (and of the models): the list with filters
//! and a summary, the form of every field (participants by group and sex,
//! coordinating agencies as checkboxes, the project from the plan covering
//! the year), the activity's page with documents and spending, and deletion
//! after a confirmation.
//!
//! Agency officers manage only the activities their agency leads (the lead
//! agency is fixed to theirs); everyone with `ViewActivities` reads the
//! activities in their scope. Every write is an action of
//! `thamgia_actions::activities`, the same the JSON API (`api/activities.rs`)
//! calls.

use super::matters::Fields;
use super::{Chrome, PageErr, PageError, PageResult, Visit, render, require, unprocessable};
use crate::auth::{CsrfForm, Ctx};
use crate::error::AppResult;
use crate::i18n::Lang;
use crate::pager::{PageQuery, Pager};
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::extract::{DefaultBodyLimit, OriginalUri, Path, Query};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use chrono::Datelike;
use sea_orm::DatabaseConnection;
use std::collections::BTreeMap;
use thamgia_actions::activities::{self as actions, filter_of, people_of, row_of};
use thamgia_actions::{Act, ActionError};
use thamgia_domain::access::{Permission, Principal};
use thamgia_domain::activities::{ActivityKind, ActivityText, ParticipantGroup};
use thamgia_domain::plan::Plan;
use thamgia_store::activities;
use thamgia_store::entity::{activity, activity_participant, agency, unit};
use thamgia_store::{agencies, units};

pub(crate) use crate::exports::DOCUMENT_BODY_LIMIT as UPLOAD_BODY_LIMIT;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/static/activities.css", get(stylesheet))
        .route("/activities", get(list))
        .route("/activities/new", get(new_form).post(create))
        .route("/activities/{id}", get(show))
        .route("/activities/{id}/edit", get(edit_form).post(update))
        .route("/activities/{id}/delete", get(delete_form).post(delete))
        .route(
            "/activities/{id}/documents",
            post(upload).layer(DefaultBodyLimit::max(UPLOAD_BODY_LIMIT)),
        )
        .route("/activities/{id}/documents/{doc_id}", get(download))
        .route("/activities/{id}/spending", post(add_spending))
        .route(
            "/activities/{id}/spending/{spending_id}/delete",
            post(delete_spending),
        )
}

// ---------------------------------------------------------------- shared rules

/// An activity back as text, for the edit form and the API.
pub(crate) fn text_of(
    a: &activity::Model,
    unit_code: &str,
    lead_code: &str,
    coordinating: &[String],
    parts: &[activity_participant::Model],
) -> ActivityText {
    let mut participants = BTreeMap::new();
    for p in parts {
        participants.insert(p.grp.clone(), (p.female.to_string(), p.male.to_string()));
    }
    ActivityText {
        code: a.code.clone(),
        project: a.project_code.clone(),
        kind: a.kind.as_str().into(),
        title: a.title.clone(),
        unit: unit_code.to_string(),
        starts_on: Lang::Vi.date(a.starts_on),
        ends_on: Lang::Vi.date(a.ends_on),
        lead_agency: lead_code.to_string(),
        coordinating: coordinating.join("; "),
        participants,
        audience: a.audience.map(|n| n.to_string()).unwrap_or_default(),
        copies: a.copies.map(|n| n.to_string()).unwrap_or_default(),
        description: a.description.clone().unwrap_or_default(),
    }
}

/// A suggestion for a new activity's code: `HĐ-<year>-<n>`, the first free one.
pub(crate) async fn suggest_code(
    db: &DatabaseConnection,
    unit_id: i32,
    year: i32,
) -> AppResult<String> {
    let mut n = 1;
    loop {
        let code = format!("HĐ-{year}-{n:02}");
        if activities::by_code(db, unit_id, &code).await?.is_none() {
            return Ok(code);
        }
        n += 1;
    }
}

/// The plan governing the unit at `path` in `year` (its province's plan
/// covering the year, else its province's newest).
pub(crate) async fn plan_of(
    db: &DatabaseConnection,
    path: &str,
    year: i32,
) -> AppResult<Option<Plan>> {
    Ok(thamgia_store::plans::governing(db, path, year).await?)
}

/// A project's name in the plan (its code when the plan does not name it).
pub(crate) fn project_name(plan: Option<&Plan>, lang: Lang, code: &str) -> String {
    plan.and_then(|p| p.projects.iter().find(|x| x.code == code))
        .map(|x| format!("{code} — {}", lang.pick(&x.name_vi, &x.name_en)))
        .unwrap_or_else(|| code.to_string())
}

/// A funding source's name in the plan.
pub(crate) fn source_name(plan: Option<&Plan>, lang: Lang, code: &str) -> String {
    plan.and_then(|p| p.funding_sources.iter().find(|x| x.code == code))
        .map(|x| lang.pick(&x.name_vi, &x.name_en).to_string())
        .unwrap_or_else(|| code.to_string())
}

/// A kind in words.
pub(crate) fn kind_name(lang: Lang, kind: &str) -> String {
    lang.t(&format!("act-kind-{kind}"))
}

/// A field's label, participants included ("Giáo viên – Nữ").
pub(crate) fn field_label(lang: Lang, field: &str) -> String {
    if let Some((g, sex)) = field
        .strip_prefix("participants.")
        .and_then(|r| r.split_once('.'))
    {
        return format!(
            "{} – {}",
            lang.t(&format!("act-group-{}", g.replace('_', "-"))),
            lang.t(if sex == "female" {
                "act-female"
            } else {
                "act-male"
            })
        );
    }
    lang.t(&format!("act-field-{}", field.replace(['_', '.'], "-")))
}

pub(crate) fn error_text(lang: Lang, code: &str) -> String {
    lang.t(&format!("act-err-{}", code.replace('_', "-")))
}

/// Every error as (field id, "Label: message"), in `order` first.
pub(crate) fn summary(lang: Lang, errors: &Fields, order: &[&str]) -> Vec<(String, String)> {
    super::error_lines(errors, order, |f, code| {
        format!("{}: {}", field_label(lang, f), error_text(lang, code))
    })
}

/// One option of a select, with whether it is chosen.
pub struct Opt {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

fn opts(v: impl IntoIterator<Item = (String, String)>, chosen: &str) -> Vec<Opt> {
    v.into_iter()
        .map(|(value, label)| Opt {
            selected: value == chosen,
            value,
            label,
        })
        .collect()
}

/// The units of the report chain as choices, `chosen` (a unit's code)
/// selected.
fn unit_opts(lang: Lang, units: &[unit::Model], chosen: &str) -> Vec<Opt> {
    opts(
        units
            .iter()
            .filter(|u| thamgia_domain::units::in_report_chain(&u.path))
            .map(|u| {
                (
                    u.code.clone(),
                    lang.pick(&u.name_vi, &u.name_en).to_string(),
                )
            }),
        chosen,
    )
}

fn kind_opts(lang: Lang, chosen: &str) -> Vec<Opt> {
    let chosen = ActivityKind::read(chosen)
        .map(|k| k.as_str().to_string())
        .unwrap_or_default();
    opts(
        ActivityKind::ALL
            .iter()
            .map(|k| (k.as_str().to_string(), kind_name(lang, k.as_str()))),
        &chosen,
    )
}

async fn load(
    state: &AppState,
    p: &Principal,
    id: i32,
    lang: Lang,
) -> Result<(activity::Model, unit::Model), PageError> {
    activities::get_in_scope(&state.db.conn, &p.scope(), id)
        .await
        .page(lang)
}

/// The activity when the user may change it: 404 outside the scope, 403 for
/// an activity another agency leads.
async fn load_managed(
    state: &AppState,
    p: &Principal,
    id: i32,
    lang: Lang,
) -> Result<(activity::Model, unit::Model), PageError> {
    thamgia_actions::activities::load_managed(Act::new(&state.db.conn, p, state.now()), id)
        .await
        .page(lang)
}

// ---------------------------------------------------------------- list

#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(default)]
pub struct ListQuery {
    pub unit: String,
    pub year: String,
    pub project: String,
    pub kind: String,
    pub saved: String,
}

pub struct ListRow {
    pub id: i32,
    pub code: String,
    pub dates: String,
    pub title: String,
    pub project: String,
    pub kind: String,
    pub unit: String,
    pub lead: String,
    pub female: i64,
    pub male: i64,
    pub total: i64,
    pub spent: String,
}

#[derive(Template)]
#[template(path = "activities.html")]
struct ListPage {
    c: Chrome,
    units: Vec<Opt>,
    years: Vec<Opt>,
    projects: Vec<Opt>,
    kinds: Vec<Opt>,
    rows: Vec<ListRow>,
    pager: Pager,
    count: i64,
    female: i64,
    male: i64,
    spent: String,
    can_create: bool,
    saved: String,
}

pub async fn list(
    Visit { state, p, ctx }: Visit,
    Query(q): Query<ListQuery>,
    Query(pq): Query<PageQuery>,
    OriginalUri(uri): OriginalUri,
) -> PageResult {
    let lang = ctx.lang;
    require(&p, Permission::ViewActivities, lang)?;
    let db = &state.db.conn;
    let filter = filter_of(db, &p, &q.unit, &q.year, &q.project, &q.kind)
        .await
        .page(lang)?;
    let found = activities::list(db, &p.scope(), &filter).await.page(lang)?;
    let today = state.now().date_naive();
    // The plan of the unit filtered on, else of the user's own scope.
    let scope_path = p.scope().path;
    let path = filter.unit_path.as_deref().unwrap_or(&scope_path);
    let plan = plan_of(db, path, filter.year.unwrap_or(today.year()))
        .await
        .page(lang)?;
    let mut rows = vec![];
    let (mut female, mut male, mut spent) = (0i64, 0i64, 0i64);
    for r in &found {
        let (f, m) = people_of(r);
        female += f;
        male += m;
        spent += r.spent;
        let a = &r.activity;
        rows.push(ListRow {
            id: a.id,
            code: a.code.clone(),
            dates: if a.starts_on == a.ends_on {
                lang.date(a.starts_on)
            } else {
                format!("{} – {}", lang.date(a.starts_on), lang.date(a.ends_on))
            },
            title: a.title.clone(),
            project: a.project_code.clone(),
            kind: kind_name(lang, a.kind.as_str()),
            unit: lang.pick(&r.unit.name_vi, &r.unit.name_en).to_string(),
            lead: r
                .lead
                .short_vi
                .clone()
                .filter(|_| lang == Lang::Vi)
                .unwrap_or_else(|| lang.pick(&r.lead.name_vi, &r.lead.name_en).to_string()),
            female: f,
            male: m,
            total: f + m,
            spent: lang.money(r.spent),
        });
    }
    // The totals above are the whole list's; the table shows one page.
    let count = i64::try_from(rows.len()).unwrap_or(i64::MAX);
    let (rows, pager) = Pager::cut(rows, pq.page.as_deref(), &uri);
    let unit_list = units::list(db, &p.scope()).await.page(lang)?;
    let mut years: Vec<i32> = (2016..=today.year().max(2020)).rev().collect();
    if let Some(y) = filter.year
        && !years.contains(&y)
    {
        years.push(y);
    }
    let year_chosen = filter.year.map(|y| y.to_string()).unwrap_or_default();
    Ok(render(&ListPage {
        units: unit_opts(lang, &unit_list, q.unit.trim()),
        years: opts(
            years.iter().map(|y| (y.to_string(), y.to_string())),
            &year_chosen,
        ),
        projects: opts(
            plan.iter()
                .flat_map(|pl| pl.projects.iter())
                .map(|x| (x.code.clone(), project_name(plan.as_ref(), lang, &x.code))),
            filter.project.as_deref().unwrap_or(""),
        ),
        kinds: kind_opts(lang, filter.kind.as_deref().unwrap_or("")),
        count,
        rows,
        pager,
        female,
        male,
        spent: lang.money(spent),
        can_create: p.can(Permission::ManageActivities),
        saved: q.saved,
        c: Chrome::new(&ctx, "act-list-title"),
    }))
}

// ---------------------------------------------------------------- form

/// One participant group's two inputs.
pub struct GroupInput {
    pub name: String,
    pub f_field: String,
    pub m_field: String,
    pub female: String,
    pub male: String,
    pub f_err: String,
    pub m_err: String,
}

pub struct CoordBox {
    pub code: String,
    pub label: String,
    pub checked: bool,
}

#[derive(Template)]
#[template(path = "activity_form.html")]
struct FormPage {
    c: Chrome,
    f: ActivityText,
    action: String,
    cancel: String,
    errors: Fields,
    summary: Vec<(String, String)>,
    units: Vec<Opt>,
    leads: Vec<Opt>,
    lead_fixed: Option<(String, String)>,
    coord: Vec<CoordBox>,
    projects: Vec<Opt>,
    kinds: Vec<Opt>,
    groups: Vec<GroupInput>,
}

form_errors!(FormPage, |c, code| error_text(c.lang, code));

const FORM_ORDER: &[&str] = &[
    "code",
    "unit",
    "project",
    "kind",
    "title",
    "starts_on",
    "ends_on",
    "lead_agency",
    "coordinating",
];

/// The form as posted: plain fields, `coord.<CODE>` checkboxes and
/// `participants.<group>.<sex>` counts.
fn text_from_form(m: &BTreeMap<String, String>) -> ActivityText {
    let get = |k: &str| m.get(k).cloned().unwrap_or_default();
    let coordinating: Vec<&str> = m
        .iter()
        .filter(|(k, v)| k.starts_with("coord.") && !v.trim().is_empty())
        .map(|(k, _)| &k["coord.".len()..])
        .collect();
    let mut participants = BTreeMap::new();
    for g in ParticipantGroup::ALL {
        let f = get(&format!("participants.{}.female", g.as_str()));
        let male = get(&format!("participants.{}.male", g.as_str()));
        if !f.trim().is_empty() || !male.trim().is_empty() {
            participants.insert(g.as_str().to_string(), (f, male));
        }
    }
    ActivityText {
        code: get("code"),
        project: get("project"),
        kind: get("kind"),
        title: get("title"),
        unit: get("unit"),
        starts_on: get("starts_on"),
        ends_on: get("ends_on"),
        lead_agency: get("lead_agency"),
        coordinating: coordinating.join(";"),
        participants,
        audience: get("audience"),
        copies: get("copies"),
        description: get("description"),
    }
}

/// Which activity form a page shows: its title, where it posts and where
/// "cancel" goes back to.
struct FormKind {
    title_key: &'static str,
    action: String,
    cancel: String,
}

impl FormKind {
    /// The form of a new activity.
    fn new_activity() -> Self {
        FormKind {
            title_key: "act-new-title",
            action: "/activities/new".into(),
            cancel: "/activities".into(),
        }
    }

    /// The form that edits activity `id`.
    fn edit(id: i32) -> Self {
        FormKind {
            title_key: "act-edit-title",
            action: format!("/activities/{id}/edit"),
            cancel: format!("/activities/{id}"),
        }
    }
}

async fn form_page(
    state: &AppState,
    p: &Principal,
    ctx: &Ctx,
    kind: FormKind,
    f: ActivityText,
    errors: Fields,
) -> Result<FormPage, PageError> {
    let FormKind {
        title_key,
        action,
        cancel,
    } = kind;
    let lang = ctx.lang;
    let db = &state.db.conn;
    let scope = p.scope();
    let unit_list = units::list(db, &scope).await.page(lang)?;
    let agency_list = agencies::list(db, &scope).await.page(lang)?;
    let year = thamgia_domain::activities::parse_date(&f.starts_on)
        .map(|d| d.year())
        .unwrap_or_else(|| state.now().date_naive().year());
    // The plan of the unit chosen, else of the user's own scope.
    let path = unit_list
        .iter()
        .find(|u| u.code == f.unit.trim())
        .map_or(scope.path.as_str(), |u| u.path.as_str());
    let plan = plan_of(db, path, year).await.page(lang)?;
    let chosen_coord: Vec<&str> = f
        .coordinating
        .split([';', ','])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    let name_of = |a: &agency::Model| format!("{} — {}", a.code, lang.pick(&a.name_vi, &a.name_en));
    let lead_fixed = match p.own_agency() {
        Some(own) => agency_list
            .iter()
            .find(|(a, _)| a.id == own)
            .map(|(a, _)| (a.code.clone(), name_of(a))),
        None => None,
    };
    let groups = ParticipantGroup::ALL
        .iter()
        .map(|g| {
            let (female, male) = f.participants.get(g.as_str()).cloned().unwrap_or_default();
            let f_field = format!("participants.{}.female", g.as_str());
            let m_field = format!("participants.{}.male", g.as_str());
            GroupInput {
                name: lang.t(&format!("act-group-{}", g.as_str().replace('_', "-"))),
                f_err: errors
                    .get(&f_field)
                    .map(|c| error_text(lang, c))
                    .unwrap_or_default(),
                m_err: errors
                    .get(&m_field)
                    .map(|c| error_text(lang, c))
                    .unwrap_or_default(),
                f_field,
                m_field,
                female,
                male,
            }
        })
        .collect();
    Ok(FormPage {
        c: Chrome::new(ctx, title_key),
        summary: summary(lang, &errors, FORM_ORDER),
        units: unit_opts(lang, &unit_list, f.unit.trim()),
        leads: opts(
            agency_list
                .iter()
                .map(|(a, _)| (a.code.clone(), name_of(a))),
            f.lead_agency.trim(),
        ),
        lead_fixed,
        coord: agency_list
            .iter()
            .map(|(a, _)| CoordBox {
                checked: chosen_coord.contains(&a.code.as_str()),
                code: a.code.clone(),
                label: name_of(a),
            })
            .collect(),
        projects: opts(
            plan.iter()
                .flat_map(|pl| pl.projects.iter())
                .map(|x| (x.code.clone(), project_name(plan.as_ref(), lang, &x.code))),
            &f.project.trim().to_uppercase(),
        ),
        kinds: kind_opts(lang, &f.kind),
        groups,
        action,
        cancel,
        f,
        errors,
    })
}

fn refused(page: FormPage) -> PageResult {
    Ok(unprocessable(render(&page)))
}

pub async fn new_form(Visit { state, p, ctx }: Visit) -> PageResult {
    let lang = ctx.lang;
    require(&p, Permission::ManageActivities, lang)?;
    let db = &state.db.conn;
    let today = state.now().date_naive();
    let own = units::by_id(db, p.unit_id).await.page(lang)?;
    let mut f = ActivityText {
        unit: own.as_ref().map(|u| u.code.clone()).unwrap_or_default(),
        starts_on: lang.date(today),
        ..Default::default()
    };
    if let Some(u) = &own {
        f.code = suggest_code(db, u.id, today.year()).await.page(lang)?;
    }
    if let Some(aid) = p.own_agency()
        && let Some(a) = agencies::by_id(db, aid).await.page(lang)?
    {
        f.lead_agency = a.code;
    }
    let page = form_page(&state, &p, &ctx, FormKind::new_activity(), f, Fields::new()).await?;
    Ok(render(&page))
}

pub async fn create(
    Visit { state, p, ctx }: Visit,
    CsrfForm(m): CsrfForm<BTreeMap<String, String>>,
) -> PageResult {
    let lang = ctx.lang;
    let f = text_from_form(&m);
    match actions::create(Act::new(&state.db.conn, &p, state.now()), &f).await {
        Ok(row) => Ok(Redirect::to(&format!("/activities/{}?saved=1", row.id)).into_response()),
        Err(ActionError::Invalid { fields, .. }) => {
            refused(form_page(&state, &p, &ctx, FormKind::new_activity(), f, fields).await?)
        }
        Err(e) => Err(PageError(e.into(), lang)),
    }
}

pub async fn edit_form(Visit { state, p, ctx }: Visit, Path(id): Path<i32>) -> PageResult {
    let lang = ctx.lang;
    let (a, u) = load_managed(&state, &p, id, lang).await?;
    let r = row_of(&state.db.conn, &p, &a, &u).await.page(lang)?;
    let coord: Vec<String> = r.coordinating.iter().map(|x| x.code.clone()).collect();
    let f = text_of(&a, &u.code, &r.lead.code, &coord, &r.participants);
    let page = form_page(&state, &p, &ctx, FormKind::edit(id), f, Fields::new()).await?;
    Ok(render(&page))
}

pub async fn update(
    Visit { state, p, ctx }: Visit,
    Path(id): Path<i32>,
    CsrfForm(m): CsrfForm<BTreeMap<String, String>>,
) -> PageResult {
    let lang = ctx.lang;
    let f = text_from_form(&m);
    let fields = match actions::update(Act::new(&state.db.conn, &p, state.now()), id, &f).await {
        Ok(()) => return Ok(Redirect::to(&format!("/activities/{id}?saved=1")).into_response()),
        Err(ActionError::Invalid { fields, .. }) => fields,
        Err(e) => return Err(PageError(e.into(), lang)),
    };
    refused(form_page(&state, &p, &ctx, FormKind::edit(id), f, fields).await?)
}

// ---------------------------------------------------------------- the activity

pub struct PartRow {
    pub name: String,
    pub female: i32,
    pub male: i32,
    pub total: i32,
}

pub struct DocRow {
    pub id: i32,
    pub name: String,
    pub size: String,
    pub uploaded: String,
}

pub struct SpendRow {
    pub id: i32,
    pub date: String,
    pub source: String,
    pub amount: String,
    pub note: String,
}

pub use thamgia_actions::activities::SpendingInput as SpendingForm;

#[derive(Template)]
#[template(path = "activity.html")]
struct ShowPage {
    c: Chrome,
    a: activity::Model,
    unit_name: String,
    project: String,
    kind: String,
    dates: String,
    lead: String,
    coordinating: Vec<String>,
    parts: Vec<PartRow>,
    total_female: i64,
    total_male: i64,
    audience: String,
    copies: String,
    documents: Vec<DocRow>,
    spendings: Vec<SpendRow>,
    spent_total: String,
    sources: Vec<Opt>,
    sf: SpendingForm,
    which: String,
    errors: Fields,
    summary: Vec<(String, String)>,
    can_manage: bool,
    saved: String,
    max_mb: usize,
}

impl ShowPage {
    fn error(&self, field: &str) -> String {
        self.errors
            .get(field)
            .map(|code| error_text(self.c.lang, code))
            .unwrap_or_default()
    }

    fn has_error(&self, form: &str, field: &str) -> bool {
        self.which == form && self.errors.contains_key(field)
    }
}

#[derive(Default)]
struct Typed {
    which: String,
    errors: Fields,
    sf: Option<SpendingForm>,
    saved: String,
}

fn size_text(lang: Lang, bytes: i32) -> String {
    let b = i64::from(bytes);
    if b >= 1024 * 1024 {
        format!("{} MB", lang.num((b * 10 / (1024 * 1024)) as f64 / 10.0))
    } else {
        format!("{} KB", lang.int((b + 1023) / 1024))
    }
}

async fn show_page(
    state: &AppState,
    p: &Principal,
    ctx: &Ctx,
    a: activity::Model,
    u: unit::Model,
    t: Typed,
) -> Result<ShowPage, PageError> {
    let lang = ctx.lang;
    let db = &state.db.conn;
    let r = row_of(db, p, &a, &u).await.page(lang)?;
    let plan = plan_of(db, &u.path, a.starts_on.year()).await.page(lang)?;
    let parts: Vec<PartRow> = r
        .participants
        .iter()
        .map(|x| PartRow {
            name: lang.t(&format!("act-group-{}", x.grp.replace('_', "-"))),
            female: x.female,
            male: x.male,
            total: x.female + x.male,
        })
        .collect();
    let (total_female, total_male) = people_of(&r);
    let documents = activities::documents(db, a.id)
        .await
        .page(lang)?
        .into_iter()
        .map(|d| DocRow {
            id: d.id,
            name: d.file_name,
            size: size_text(lang, d.size_bytes),
            uploaded: lang.date(d.uploaded_at.date_naive()),
        })
        .collect();
    let sp = activities::spendings_of(db, a.id).await.page(lang)?;
    let spent_total: i64 = sp.iter().map(|s| s.amount).sum();
    let spendings = sp
        .iter()
        .map(|s| SpendRow {
            id: s.id,
            date: lang.date(s.spent_on),
            source: source_name(plan.as_ref(), lang, &s.source_code),
            amount: lang.money(s.amount),
            note: s.note.clone(),
        })
        .collect();
    let sf = t.sf.unwrap_or_else(|| SpendingForm {
        spent_on: lang.date(a.ends_on),
        ..Default::default()
    });
    let sources = opts(
        plan.iter()
            .flat_map(|pl| pl.funding_sources.iter())
            .map(|s| {
                (
                    s.code.clone(),
                    lang.pick(&s.name_vi, &s.name_en).to_string(),
                )
            }),
        sf.source.trim(),
    );
    Ok(ShowPage {
        c: Chrome::new(ctx, "act-title"),
        unit_name: lang.pick(&u.name_vi, &u.name_en).to_string(),
        project: project_name(plan.as_ref(), lang, &a.project_code),
        kind: kind_name(lang, a.kind.as_str()),
        dates: if a.starts_on == a.ends_on {
            lang.date(a.starts_on)
        } else {
            format!("{} – {}", lang.date(a.starts_on), lang.date(a.ends_on))
        },
        lead: format!(
            "{} — {}",
            r.lead.code,
            lang.pick(&r.lead.name_vi, &r.lead.name_en)
        ),
        coordinating: r
            .coordinating
            .iter()
            .map(|x| format!("{} — {}", x.code, lang.pick(&x.name_vi, &x.name_en)))
            .collect(),
        parts,
        total_female,
        total_male,
        audience: a
            .audience
            .map(|n| lang.int(i64::from(n)))
            .unwrap_or_default(),
        copies: a.copies.map(|n| lang.int(i64::from(n))).unwrap_or_default(),
        documents,
        spendings,
        spent_total: lang.money(spent_total),
        sources,
        sf,
        summary: summary(
            lang,
            &t.errors,
            &["source", "spent_on", "amount", "note", "file"],
        ),
        which: t.which,
        errors: t.errors,
        can_manage: p.may_manage(Permission::ManageActivities, a.lead_agency_id),
        saved: t.saved,
        max_mb: actions::MAX_DOCUMENT / (1024 * 1024),
        a,
    })
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct SavedQuery {
    pub saved: String,
}

pub async fn show(
    Visit { state, p, ctx }: Visit,
    Path(id): Path<i32>,
    Query(q): Query<SavedQuery>,
) -> PageResult {
    require(&p, Permission::ViewActivities, ctx.lang)?;
    let (a, u) = load(&state, &p, id, ctx.lang).await?;
    let t = Typed {
        saved: q.saved,
        ..Default::default()
    };
    Ok(render(&show_page(&state, &p, &ctx, a, u, t).await?))
}

async fn show_refused(
    state: &AppState,
    p: &Principal,
    ctx: &Ctx,
    a: activity::Model,
    u: unit::Model,
    t: Typed,
) -> PageResult {
    Ok(unprocessable(render(
        &show_page(state, p, ctx, a, u, t).await?,
    )))
}

pub async fn add_spending(
    Visit { state, p, ctx }: Visit,
    Path(id): Path<i32>,
    CsrfForm(f): CsrfForm<SpendingForm>,
) -> PageResult {
    let lang = ctx.lang;
    let (a, u) = load_managed(&state, &p, id, lang).await?;
    match actions::add_spending(Act::new(&state.db.conn, &p, state.now()), id, &f).await {
        Ok((_, added)) => {
            let saved = if added { "spending" } else { "duplicate" };
            Ok(Redirect::to(&format!("/activities/{id}?saved={saved}#spending")).into_response())
        }
        Err(ActionError::Invalid { fields, .. }) => {
            let t = Typed {
                which: "spending".into(),
                errors: fields,
                sf: Some(f),
                ..Default::default()
            };
            show_refused(&state, &p, &ctx, a, u, t).await
        }
        Err(e) => Err(PageError(e.into(), lang)),
    }
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct EmptyForm {}

pub async fn delete_spending(
    Visit { state, p, ctx }: Visit,
    Path((id, sid)): Path<(i32, i32)>,
    CsrfForm(_): CsrfForm<EmptyForm>,
) -> PageResult {
    let lang = ctx.lang;
    actions::delete_spending(Act::new(&state.db.conn, &p, state.now()), id, sid)
        .await
        .page(lang)?;
    Ok(Redirect::to(&format!("/activities/{id}?saved=spending-deleted#spending")).into_response())
}

// ---------------------------------------------------------------- documents

pub async fn upload(
    Visit { state, p, ctx }: Visit,
    Path(id): Path<i32>,
    m: Result<axum::extract::Multipart, axum::extract::multipart::MultipartRejection>,
) -> PageResult {
    let lang = ctx.lang;
    let parts = match super::imports::form_parts(&ctx, m).await {
        Ok(parts) => parts,
        Err(res) => return Ok(res),
    };
    let (a, u) = load_managed(&state, &p, id, lang).await?;
    let file = parts
        .into_iter()
        .find(|x| x.name == "file" && x.file_name.as_deref().is_some_and(|n| !n.is_empty()));
    // A form without a file, or with one too large, is refused before its
    // type is read.
    let input = match file {
        Some(f) if !f.data.is_empty() && f.data.len() <= actions::MAX_DOCUMENT => {
            actions::DocumentInput {
                file_name: f.file_name.unwrap_or_default(),
                content_type: f.content_type,
                data: f.data,
            }
        }
        Some(f) if !f.data.is_empty() => {
            return document_refused(&state, &p, &ctx, a, u, "file_too_large").await;
        }
        _ => return document_refused(&state, &p, &ctx, a, u, "file_required").await,
    };
    match actions::add_document(Act::new(&state.db.conn, &p, state.now()), id, input).await {
        Ok(_) => {
            Ok(Redirect::to(&format!("/activities/{id}?saved=document#documents")).into_response())
        }
        Err(ActionError::Invalid { fields, .. }) => {
            let t = Typed {
                which: "document".into(),
                errors: fields,
                ..Default::default()
            };
            show_refused(&state, &p, &ctx, a, u, t).await
        }
        Err(e) => Err(PageError(e.into(), lang)),
    }
}

async fn document_refused(
    state: &AppState,
    p: &Principal,
    ctx: &Ctx,
    a: activity::Model,
    u: unit::Model,
    code: &str,
) -> PageResult {
    let mut errors = Fields::new();
    errors.insert("file".into(), code.into());
    let t = Typed {
        which: "document".into(),
        errors,
        ..Default::default()
    };
    show_refused(state, p, ctx, a, u, t).await
}

pub async fn download(
    Visit { state, p, ctx }: Visit,
    Path((id, doc_id)): Path<(i32, i32)>,
) -> PageResult {
    let lang = ctx.lang;
    require(&p, Permission::ViewActivities, lang)?;
    let (a, _) = load(&state, &p, id, lang).await?;
    let d = activities::document(&state.db.conn, a.id, doc_id)
        .await
        .page(lang)?;
    Ok(crate::exports::document_response(d))
}

// ---------------------------------------------------------------- delete

#[derive(Template)]
#[template(path = "activity_delete.html")]
struct DeletePage {
    c: Chrome,
    a: activity::Model,
    spendings: usize,
    documents: usize,
    refused: bool,
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct DeleteForm {
    /// The checkbox "Tôi chắc chắn": `yes`.
    pub sure: String,
}

async fn delete_page(
    state: &AppState,
    ctx: &Ctx,
    a: activity::Model,
    refused: bool,
) -> Result<DeletePage, PageError> {
    let db = &state.db.conn;
    let lang = ctx.lang;
    Ok(DeletePage {
        c: Chrome::new(ctx, "act-delete-title"),
        spendings: activities::spendings_of(db, a.id).await.page(lang)?.len(),
        documents: activities::documents(db, a.id).await.page(lang)?.len(),
        a,
        refused,
    })
}

pub async fn delete_form(Visit { state, p, ctx }: Visit, Path(id): Path<i32>) -> PageResult {
    let (a, _) = load_managed(&state, &p, id, ctx.lang).await?;
    Ok(render(&delete_page(&state, &ctx, a, false).await?))
}

pub async fn delete(
    Visit { state, p, ctx }: Visit,
    Path(id): Path<i32>,
    CsrfForm(f): CsrfForm<DeleteForm>,
) -> PageResult {
    let lang = ctx.lang;
    let (a, _) = load_managed(&state, &p, id, lang).await?;
    if f.sure != "yes" {
        return Ok(unprocessable(render(
            &delete_page(&state, &ctx, a, true).await?,
        )));
    }
    actions::delete(Act::new(&state.db.conn, &p, state.now()), a.id)
        .await
        .page(lang)?;
    Ok(Redirect::to("/activities?saved=deleted").into_response())
}

async fn stylesheet() -> Response {
    (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        include_str!("../../static/activities.css"),
    )
        .into_response()
}
