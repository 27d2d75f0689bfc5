//! Activities of Projects 1 and 2 (and of the models): the list with filters
//! and a summary, the form of every field (participants by group and sex,
//! coordinating agencies as checkboxes, the project from the plan covering
//! the year), the activity's page with documents and spending, and deletion
//! after a confirmation.
//!
//! Agency officers manage only the activities their agency leads (the lead
//! agency is fixed to theirs); everyone with `ViewActivities` reads the
//! activities in their scope. The checks here are shared with the JSON API
//! (`api/activities.rs`).

use super::matters::{Fields, invalid};
use super::{Chrome, PageErr, PageError, PageResult, render, require};
use crate::auth::{CsrfForm, Ctx, PageUser};
use crate::error::{AppError, AppResult};
use crate::i18n::Lang;
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use chrono::Datelike;
use sea_orm::DatabaseConnection;
use std::collections::BTreeMap;
use thamgia_domain::access::{Actor, Permission, Principal};
use thamgia_domain::activities::{
    Activity, ActivityKind, ActivityText, FieldError, ParticipantGroup, SpendingText,
    check_activity, check_spending,
};
use thamgia_domain::plan::Plan;
use thamgia_store::activities::{self, ActivityFilter};
use thamgia_store::entity::{activity, activity_participant, agency, unit};
use thamgia_store::{StoreError, agencies, units};

/// The largest document accepted, in bytes.
pub(crate) const MAX_DOCUMENT: usize = 10 * 1024 * 1024;
/// The body limit of upload routes: the document and the form around it.
pub(crate) const UPLOAD_BODY_LIMIT: usize = MAX_DOCUMENT + 512 * 1024;

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

/// The domain's errors as the web's field map (the first error of each field).
pub(crate) fn to_fields(errs: Vec<FieldError>) -> Fields {
    let mut f = Fields::new();
    for e in errs {
        f.entry(e.field).or_insert_with(|| e.code.to_string());
    }
    f
}

/// Whether the user may change this activity: `ManageActivities`, and for an
/// agency officer only the activities their agency leads.
pub(crate) fn may_manage(p: &Principal, a: &activity::Model) -> bool {
    p.can(Permission::ManageActivities) && p.own_agency().is_none_or(|own| own == a.lead_agency_id)
}

/// Checks an activity for saving: every field (`check_activity`), the lead
/// agency of an agency officer, and a code not used by another activity of
/// the unit.
pub(crate) async fn check(
    db: &DatabaseConnection,
    p: &Principal,
    t: &ActivityText,
    editing: Option<i32>,
) -> AppResult<Activity> {
    let lookup = activities::lookup(db, &p.scope()).await?;
    let checked = check_activity(t, &lookup);
    let mut e = match &checked {
        Ok(_) => Fields::new(),
        Err(errs) => to_fields(errs.clone()),
    };
    if let Some(own) = p.own_agency()
        && !e.contains_key("lead_agency")
        && lookup.agencies.get(t.lead_agency.trim()) != Some(&own)
    {
        e.insert("lead_agency".into(), "not_your_agency".into());
    }
    if let Some(&unit_id) = lookup.units.get(t.unit.trim())
        && !t.code.trim().is_empty()
        && !e.contains_key("code")
        && let Some(other) = activities::by_code(db, unit_id, t.code.trim()).await?
        && Some(other.id) != editing
    {
        e.insert("code".into(), "code_taken".into());
    }
    match checked {
        Ok(a) if e.is_empty() => Ok(a),
        _ => Err(invalid(e)),
    }
}

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
        kind: a.kind.clone(),
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
    let mut out = vec![];
    let mut push = |f: &str, code: &str| {
        out.push((
            f.to_string(),
            format!("{}: {}", field_label(lang, f), error_text(lang, code)),
        ))
    };
    for f in order {
        if let Some(code) = errors.get(*f) {
            push(f, code);
        }
    }
    for (f, code) in errors {
        if !order.contains(&f.as_str()) {
            push(f, code);
        }
    }
    out
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
    require(p, Permission::ManageActivities, lang)?;
    let (a, u) = load(state, p, id, lang).await?;
    if !may_manage(p, &a) {
        return Err(PageError(AppError::Forbidden, lang));
    }
    Ok((a, u))
}

/// The row of the list holding one activity (agencies and participants with it).
pub(crate) async fn row_of(
    db: &DatabaseConnection,
    p: &Principal,
    a: &activity::Model,
    u: &unit::Model,
) -> AppResult<activities::ActivityRow> {
    let rows = activities::list(
        db,
        &p.scope(),
        &ActivityFilter {
            unit_path: Some(u.path.clone()),
            year: Some(a.starts_on.year()),
            project: Some(a.project_code.clone()),
            kind: Some(a.kind.clone()),
            lead_agency_id: Some(a.lead_agency_id),
        },
    )
    .await?;
    rows.into_iter()
        .find(|r| r.activity.id == a.id)
        .ok_or(AppError::NotFound)
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
    count: i64,
    female: i64,
    male: i64,
    spent: String,
    can_create: bool,
    saved: String,
}

/// The list's filter, checked: a unit outside the scope is 404.
pub(crate) async fn filter_of(
    db: &DatabaseConnection,
    p: &Principal,
    unit: &str,
    year: &str,
    project: &str,
    kind: &str,
) -> AppResult<ActivityFilter> {
    let year = year
        .trim()
        .parse::<i32>()
        .ok()
        .filter(|y| (1900..=2200).contains(y));
    // A code names a unit only with a date: the one of the year asked.
    let unit_path = if unit.trim().is_empty() {
        None
    } else {
        Some(
            units::resolve(db, &p.scope(), unit.trim(), year, None)
                .await?
                .unit
                .path,
        )
    };
    Ok(ActivityFilter {
        unit_path,
        year,
        project: Some(project.trim().to_uppercase()).filter(|s| !s.is_empty()),
        kind: ActivityKind::read(kind).map(|k| k.as_str().to_string()),
        lead_agency_id: None,
    })
}

pub(crate) fn people_of(r: &activities::ActivityRow) -> (i64, i64) {
    r.participants.iter().fold((0, 0), |(f, m), p| {
        (f + i64::from(p.female), m + i64::from(p.male))
    })
}

pub async fn list(
    State(state): State<AppState>,
    PageUser(p, ctx): PageUser,
    Query(q): Query<ListQuery>,
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
            kind: kind_name(lang, &a.kind),
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
    let unit_list = units::list(db, &p.scope()).await.page(lang)?;
    let mut years: Vec<i32> = (2016..=today.year().max(2020)).rev().collect();
    if let Some(y) = filter.year
        && !years.contains(&y)
    {
        years.push(y);
    }
    let year_chosen = filter.year.map(|y| y.to_string()).unwrap_or_default();
    Ok(render(&ListPage {
        units: opts(
            unit_list
                .iter()
                .filter(|u| thamgia_domain::units::in_report_chain(&u.path))
                .map(|u| {
                    (
                        u.code.clone(),
                        lang.pick(&u.name_vi, &u.name_en).to_string(),
                    )
                }),
            q.unit.trim(),
        ),
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
        count: i64::try_from(rows.len()).unwrap_or(i64::MAX),
        rows,
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

impl FormPage {
    fn error(&self, field: &str) -> String {
        self.errors
            .get(field)
            .map(|code| error_text(self.c.lang, code))
            .unwrap_or_default()
    }

    fn has_error(&self, field: &str) -> bool {
        self.errors.contains_key(field)
    }
}

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

#[allow(clippy::too_many_arguments)]
async fn form_page(
    state: &AppState,
    p: &Principal,
    ctx: &Ctx,
    title_key: &str,
    action: String,
    cancel: String,
    f: ActivityText,
    errors: Fields,
) -> Result<FormPage, PageError> {
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
        units: opts(
            unit_list
                .iter()
                .filter(|u| thamgia_domain::units::in_report_chain(&u.path))
                .map(|u| {
                    (
                        u.code.clone(),
                        lang.pick(&u.name_vi, &u.name_en).to_string(),
                    )
                }),
            f.unit.trim(),
        ),
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
    let mut res = render(&page);
    *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    Ok(res)
}

pub async fn new_form(State(state): State<AppState>, PageUser(p, ctx): PageUser) -> PageResult {
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
    let page = form_page(
        &state,
        &p,
        &ctx,
        "act-new-title",
        "/activities/new".into(),
        "/activities".into(),
        f,
        Fields::new(),
    )
    .await?;
    Ok(render(&page))
}

pub async fn create(
    State(state): State<AppState>,
    PageUser(p, ctx): PageUser,
    CsrfForm(m): CsrfForm<BTreeMap<String, String>>,
) -> PageResult {
    let lang = ctx.lang;
    require(&p, Permission::ManageActivities, lang)?;
    let db = &state.db.conn;
    let f = text_from_form(&m);
    match check(db, &p, &f, None).await {
        Ok(a) => {
            let (row, _) = activities::save(db, &Actor::from(&p), state.now(), &a)
                .await
                .page(lang)?;
            Ok(Redirect::to(&format!("/activities/{}?saved=1", row.id)).into_response())
        }
        Err(AppError::Invalid { fields, .. }) => refused(
            form_page(
                &state,
                &p,
                &ctx,
                "act-new-title",
                "/activities/new".into(),
                "/activities".into(),
                f,
                fields,
            )
            .await?,
        ),
        Err(e) => Err(PageError(e, lang)),
    }
}

pub async fn edit_form(
    State(state): State<AppState>,
    PageUser(p, ctx): PageUser,
    Path(id): Path<i32>,
) -> PageResult {
    let lang = ctx.lang;
    let (a, u) = load_managed(&state, &p, id, lang).await?;
    let r = row_of(&state.db.conn, &p, &a, &u).await.page(lang)?;
    let coord: Vec<String> = r.coordinating.iter().map(|x| x.code.clone()).collect();
    let f = text_of(&a, &u.code, &r.lead.code, &coord, &r.participants);
    let page = form_page(
        &state,
        &p,
        &ctx,
        "act-edit-title",
        format!("/activities/{id}/edit"),
        format!("/activities/{id}"),
        f,
        Fields::new(),
    )
    .await?;
    Ok(render(&page))
}

pub async fn update(
    State(state): State<AppState>,
    PageUser(p, ctx): PageUser,
    Path(id): Path<i32>,
    CsrfForm(m): CsrfForm<BTreeMap<String, String>>,
) -> PageResult {
    let lang = ctx.lang;
    let (a, _) = load_managed(&state, &p, id, lang).await?;
    let db = &state.db.conn;
    let f = text_from_form(&m);
    let fields = match check(db, &p, &f, Some(a.id)).await {
        Ok(checked) => {
            match activities::update(db, &Actor::from(&p), state.now(), a.id, &checked).await {
                Ok(_) => {
                    return Ok(Redirect::to(&format!("/activities/{id}?saved=1")).into_response());
                }
                Err(StoreError::Conflict { field: "code" }) => {
                    let mut e = Fields::new();
                    e.insert("code".into(), "code_taken".into());
                    e
                }
                Err(e) => return Err(PageError(e.into(), lang)),
            }
        }
        Err(AppError::Invalid { fields, .. }) => fields,
        Err(e) => return Err(PageError(e, lang)),
    };
    refused(
        form_page(
            &state,
            &p,
            &ctx,
            "act-edit-title",
            format!("/activities/{id}/edit"),
            format!("/activities/{id}"),
            f,
            fields,
        )
        .await?,
    )
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

#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(default)]
pub struct SpendingForm {
    pub source: String,
    pub spent_on: String,
    pub amount: String,
    pub note: String,
}

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
        kind: kind_name(lang, &a.kind),
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
        can_manage: may_manage(p, &a),
        saved: t.saved,
        max_mb: MAX_DOCUMENT / (1024 * 1024),
        a,
    })
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct SavedQuery {
    pub saved: String,
}

pub async fn show(
    State(state): State<AppState>,
    PageUser(p, ctx): PageUser,
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
    let mut res = render(&show_page(state, p, ctx, a, u, t).await?);
    *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    Ok(res)
}

/// Checks a spending against this activity (its unit and code are fixed).
pub(crate) async fn check_spending_for(
    db: &DatabaseConnection,
    p: &Principal,
    a: &activity::Model,
    u: &unit::Model,
    f: &SpendingForm,
) -> AppResult<thamgia_domain::activities::Spending> {
    let lookup = activities::lookup(db, &p.scope()).await?;
    check_spending(
        &SpendingText {
            unit: u.code.clone(),
            activity: a.code.clone(),
            source: f.source.clone(),
            spent_on: f.spent_on.clone(),
            amount: f.amount.clone(),
            note: f.note.clone(),
        },
        &lookup,
    )
    .map_err(|e| invalid(to_fields(e)))
}

pub async fn add_spending(
    State(state): State<AppState>,
    PageUser(p, ctx): PageUser,
    Path(id): Path<i32>,
    CsrfForm(f): CsrfForm<SpendingForm>,
) -> PageResult {
    let lang = ctx.lang;
    let (a, u) = load_managed(&state, &p, id, lang).await?;
    let db = &state.db.conn;
    match check_spending_for(db, &p, &a, &u, &f).await {
        Ok(s) => {
            let added = activities::add_spending(db, &Actor::from(&p), state.now(), a.id, &s)
                .await
                .page(lang)?;
            let saved = if added.is_some() {
                "spending"
            } else {
                "duplicate"
            };
            Ok(Redirect::to(&format!("/activities/{id}?saved={saved}#spending")).into_response())
        }
        Err(AppError::Invalid { fields, .. }) => {
            let t = Typed {
                which: "spending".into(),
                errors: fields,
                sf: Some(f),
                ..Default::default()
            };
            show_refused(&state, &p, &ctx, a, u, t).await
        }
        Err(e) => Err(PageError(e, lang)),
    }
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct EmptyForm {}

pub async fn delete_spending(
    State(state): State<AppState>,
    PageUser(p, ctx): PageUser,
    Path((id, sid)): Path<(i32, i32)>,
    CsrfForm(_): CsrfForm<EmptyForm>,
) -> PageResult {
    let lang = ctx.lang;
    let (a, _) = load_managed(&state, &p, id, lang).await?;
    let db = &state.db.conn;
    let mine = activities::spendings_of(db, a.id)
        .await
        .page(lang)?
        .iter()
        .any(|s| s.id == sid);
    if !mine {
        return Err(PageError(AppError::NotFound, lang));
    }
    activities::delete_spending(db, &Actor::from(&p), state.now(), sid)
        .await
        .page(lang)?;
    Ok(Redirect::to(&format!("/activities/{id}?saved=spending-deleted#spending")).into_response())
}

// ---------------------------------------------------------------- documents

/// One part of a `multipart/form-data` body.
pub(crate) struct Part {
    pub name: String,
    pub file_name: Option<String>,
    pub content_type: Option<String>,
    pub data: Vec<u8>,
}

fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    if needle.is_empty() || hay.len() < needle.len() || from > hay.len() - needle.len() {
        return None;
    }
    let first = needle[0];
    let mut i = from;
    while i + needle.len() <= hay.len() {
        match hay[i..=hay.len() - needle.len()]
            .iter()
            .position(|b| *b == first)
        {
            None => return None,
            Some(off) => {
                i += off;
                if hay[i..].starts_with(needle) {
                    return Some(i);
                }
                i += 1;
            }
        }
    }
    None
}

/// A parameter of a header value: `name="x"` → `x`.
fn header_param(v: &str, key: &str) -> Option<String> {
    v.split(';').map(str::trim).find_map(|kv| {
        let (k, val) = kv.split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case(key)
            .then(|| val.trim().trim_matches('"').to_string())
    })
}

/// Reads a `multipart/form-data` body (RFC 7578) without a new dependency:
/// enough for a form of text fields and files. `None` when malformed.
pub(crate) fn parse_multipart(content_type: &str, body: &[u8]) -> Option<Vec<Part>> {
    if !content_type
        .trim()
        .to_ascii_lowercase()
        .starts_with("multipart/form-data")
    {
        return None;
    }
    let boundary = header_param(content_type, "boundary").filter(|b| !b.is_empty())?;
    let delim = format!("--{boundary}").into_bytes();
    let next_delim = format!("\r\n--{boundary}").into_bytes();
    let mut pos = find(body, &delim, 0)? + delim.len();
    let mut parts = vec![];
    loop {
        if body[pos..].starts_with(b"--") {
            return Some(parts);
        }
        if !body[pos..].starts_with(b"\r\n") {
            return None;
        }
        pos += 2;
        let head_end = find(body, b"\r\n\r\n", pos)?;
        let head = String::from_utf8_lossy(&body[pos..head_end]).to_string();
        let data_start = head_end + 4;
        let data_end = find(body, &next_delim, data_start)?;
        let (mut name, mut file_name, mut ctype) = (None, None, None);
        for line in head.split("\r\n") {
            let Some((k, v)) = line.split_once(':') else {
                continue;
            };
            if k.trim().eq_ignore_ascii_case("content-disposition") {
                name = header_param(v, "name");
                file_name = header_param(v, "filename");
            } else if k.trim().eq_ignore_ascii_case("content-type") {
                ctype = Some(v.trim().to_string());
            }
        }
        parts.push(Part {
            name: name?,
            file_name,
            content_type: ctype,
            data: body[data_start..data_end].to_vec(),
        });
        pos = data_end + next_delim.len();
    }
}

/// A file name safe to store and send back: the last path segment, no
/// control characters or quotes, at most 200 characters.
pub(crate) fn clean_file_name(s: &str) -> String {
    let last = s.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = last
        .chars()
        .filter(|c| !c.is_control() && *c != '"')
        .take(200)
        .collect();
    let t = cleaned.trim().to_string();
    if t.is_empty() || t == "." || t == ".." {
        "tai-lieu".into()
    } else {
        t
    }
}

/// The content type to store, or the field error: the rule (allow-list by
/// extension, executable types refused) is `thamgia_domain::documents`.
pub(crate) fn content_type_of(
    file_name: &str,
    given: Option<&str>,
) -> Result<String, &'static str> {
    thamgia_domain::documents::accept(file_name, given)
        .map(str::to_string)
        .map_err(|e| e.code())
}

/// The download of a stored document: always an attachment, never rendered
/// by the browser in the site's origin.
pub(crate) fn document_response(d: thamgia_store::entity::activity_document::Model) -> Response {
    let ascii: String = d
        .file_name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "._- ".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded = crate::auth::urlencode(&d.file_name);
    let disposition = format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}");
    let mut res = d.content.into_response();
    let h = res.headers_mut();
    // The stored type is not believed (rows from before the allow-list hold
    // what the uploader claimed): the name decides, else octet-stream.
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(thamgia_domain::documents::served_type(&d.file_name)),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    res
}

pub async fn upload(
    State(state): State<AppState>,
    PageUser(p, ctx): PageUser,
    Path(id): Path<i32>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> PageResult {
    let lang = ctx.lang;
    let ctype = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let parts = parse_multipart(ctype, &body)
        .ok_or_else(|| PageError(AppError::invalid("form", "malformed"), lang))?;
    let sent = parts
        .iter()
        .find(|x| x.name == "csrf")
        .map(|x| String::from_utf8_lossy(&x.data).to_string());
    if ctx.csrf.is_empty() || sent.as_deref() != Some(ctx.csrf.as_str()) {
        return Err(PageError(AppError::Csrf, lang));
    }
    let (a, u) = load_managed(&state, &p, id, lang).await?;
    let file = parts
        .into_iter()
        .find(|x| x.name == "file" && x.file_name.as_deref().is_some_and(|n| !n.is_empty()));
    let code = match &file {
        None => Some("file_required"),
        Some(f) if f.data.is_empty() => Some("file_required"),
        Some(f) if f.data.len() > MAX_DOCUMENT => Some("file_too_large"),
        Some(f) => content_type_of(
            &clean_file_name(f.file_name.as_deref().unwrap_or("")),
            f.content_type.as_deref(),
        )
        .err(),
    };
    if let Some(code) = code {
        let mut errors = Fields::new();
        errors.insert("file".into(), code.into());
        let t = Typed {
            which: "document".into(),
            errors,
            ..Default::default()
        };
        return show_refused(&state, &p, &ctx, a, u, t).await;
    }
    let Some(f) = file else {
        return Err(PageError(AppError::NotFound, lang));
    };
    let name = clean_file_name(f.file_name.as_deref().unwrap_or(""));
    let ct = content_type_of(&name, f.content_type.as_deref())
        .map_err(|c| PageError(AppError::invalid("file", c), lang))?;
    activities::add_document(
        &state.db.conn,
        &Actor::from(&p),
        state.now(),
        a.id,
        &name,
        &ct,
        f.data,
    )
    .await
    .page(lang)?;
    Ok(Redirect::to(&format!("/activities/{id}?saved=document#documents")).into_response())
}

pub async fn download(
    State(state): State<AppState>,
    PageUser(p, ctx): PageUser,
    Path((id, doc_id)): Path<(i32, i32)>,
) -> PageResult {
    let lang = ctx.lang;
    require(&p, Permission::ViewActivities, lang)?;
    let (a, _) = load(&state, &p, id, lang).await?;
    let d = activities::document(&state.db.conn, a.id, doc_id)
        .await
        .page(lang)?;
    Ok(document_response(d))
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

pub async fn delete_form(
    State(state): State<AppState>,
    PageUser(p, ctx): PageUser,
    Path(id): Path<i32>,
) -> PageResult {
    let (a, _) = load_managed(&state, &p, id, ctx.lang).await?;
    Ok(render(&delete_page(&state, &ctx, a, false).await?))
}

pub async fn delete(
    State(state): State<AppState>,
    PageUser(p, ctx): PageUser,
    Path(id): Path<i32>,
    CsrfForm(f): CsrfForm<DeleteForm>,
) -> PageResult {
    let lang = ctx.lang;
    let (a, _) = load_managed(&state, &p, id, lang).await?;
    if f.sure != "yes" {
        let mut res = render(&delete_page(&state, &ctx, a, true).await?);
        *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
        return Ok(res);
    }
    activities::delete(&state.db.conn, &Actor::from(&p), state.now(), a.id)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_multipart_form() {
        let body = b"--XyZ\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\nabc\r\n--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"bi\xc3\xaan b\xe1\xba\xa3n.pdf\"\r\nContent-Type: application/pdf\r\n\r\n%PDF\r\n--\r\nx\r\n--XyZ--\r\n";
        let parts = parse_multipart("multipart/form-data; boundary=XyZ", body).expect("parsed");
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[0].name, "csrf");
        assert_eq!(parts[0].data, b"abc");
        assert_eq!(parts[1].file_name.as_deref(), Some("biên bản.pdf"));
        assert_eq!(parts[1].data, b"%PDF\r\n--\r\nx");
        assert!(parse_multipart("text/plain", body).is_none());
        assert!(parse_multipart("multipart/form-data; boundary=XyZ", b"--XyZ\r\nbad").is_none());
        assert_eq!(clean_file_name("C:\\x\\..\\a\"b.pdf"), "ab.pdf");
        assert_eq!(
            content_type_of("a.html", Some("text/html")),
            Err("file_type_refused")
        );
        assert_eq!(
            content_type_of("a.bin", Some("application/x-custom")),
            Ok("application/octet-stream".to_string())
        );
    }
}
