//! Annual activity plans of a district or an agency: the list, a new plan,
//! and the plan's page — its planned activities with planned participants and
//! budget, a form to add one, a select per item naming the activity that
//! carried it out, and the plan against actual (per item, per project, and
//! the items not done). Every write is an action of
//! `thamgia_actions::annual_plans`, the same the API (`api/annual_plans.rs`)
//! calls.

use super::activities::{Opt, error_text, kind_name, project_name, summary};
use super::matters::Fields;
use super::{Chrome, PageErr, PageError, PageResult, Visit, render, require, unprocessable};
use crate::auth::{CsrfForm, Ctx};
use crate::i18n::Lang;
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query};
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use chrono::Datelike;
use thamgia_actions::annual_plans as actions;
use thamgia_actions::{Act, ActionError, invalid_one};
use thamgia_domain::access::{Permission, Principal};
use thamgia_domain::activities::{ActivityKind, PlanItemText};
use thamgia_store::annual_plans;
use thamgia_store::entity::{agency, annual_plan, unit};
use thamgia_store::{agencies, units};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/annual-plans", get(list))
        .route("/annual-plans/new", get(new_form).post(create))
        .route("/annual-plans/{id}", get(show))
        .route("/annual-plans/{id}/items", post(add_item))
        .route("/annual-plans/{id}/items/{item_id}", post(link_item))
}

// ---------------------------------------------------------------- rules

pub use thamgia_actions::annual_plans::PlanInput as PlanForm;

async fn load(
    state: &AppState,
    p: &Principal,
    id: i32,
    lang: Lang,
) -> Result<(annual_plan::Model, unit::Model, agency::Model), PageError> {
    annual_plans::get_in_scope(&state.db.conn, &p.scope(), id)
        .await
        .page(lang)
}

async fn load_managed(
    state: &AppState,
    p: &Principal,
    id: i32,
    lang: Lang,
) -> Result<(annual_plan::Model, unit::Model, agency::Model), PageError> {
    actions::load_managed(Act::new(&state.db.conn, p, state.now()), id)
        .await
        .page(lang)
}

// ---------------------------------------------------------------- list

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct ListQuery {
    pub year: String,
}

pub struct PlanListRow {
    pub id: i32,
    pub unit: String,
    pub agency: String,
    pub year: i32,
    pub items: usize,
    pub done: usize,
    pub planned_budget: String,
    pub spent: String,
}

#[derive(Template)]
#[template(path = "annual_plans.html")]
struct ListPage {
    c: Chrome,
    years: Vec<Opt>,
    rows: Vec<PlanListRow>,
    can_create: bool,
}

pub async fn list(Visit { state, p, ctx }: Visit, Query(q): Query<ListQuery>) -> PageResult {
    let lang = ctx.lang;
    require(&p, Permission::ViewActivities, lang)?;
    let year = q.year.trim().parse::<i32>().ok();
    let plans = annual_plans::list(&state.db.conn, &p.scope(), year)
        .await
        .page(lang)?;
    let today = state.now().date_naive();
    let chosen = year.map(|y| y.to_string()).unwrap_or_default();
    Ok(render(&ListPage {
        years: (2016..=today.year().max(2020))
            .rev()
            .map(|y| Opt {
                selected: y.to_string() == chosen,
                value: y.to_string(),
                label: y.to_string(),
            })
            .collect(),
        rows: plans
            .into_iter()
            .map(|r| PlanListRow {
                id: r.plan.id,
                unit: lang.pick(&r.unit.name_vi, &r.unit.name_en).to_string(),
                agency: r
                    .agency
                    .short_vi
                    .clone()
                    .filter(|_| lang == Lang::Vi)
                    .unwrap_or_else(|| lang.pick(&r.agency.name_vi, &r.agency.name_en).to_string()),
                year: r.plan.year,
                items: r.items,
                done: r.done,
                planned_budget: lang.money(r.planned_budget),
                spent: lang.money(r.spent),
            })
            .collect(),
        can_create: p.can(Permission::ManageActivities),
        c: Chrome::new(&ctx, "aplan-list-title"),
    }))
}

// ---------------------------------------------------------------- new

#[derive(Template)]
#[template(path = "annual_plan_form.html")]
struct FormPage {
    c: Chrome,
    f: PlanForm,
    errors: Fields,
    summary: Vec<(String, String)>,
    units: Vec<Opt>,
    agencies: Vec<Opt>,
}

form_errors!(FormPage, |c, code| error_text(c.lang, code));

async fn form_page(
    state: &AppState,
    p: &Principal,
    ctx: &Ctx,
    f: PlanForm,
    errors: Fields,
) -> Result<FormPage, PageError> {
    let lang = ctx.lang;
    let db = &state.db.conn;
    let unit_list = units::list(db, &p.scope()).await.page(lang)?;
    let own = p.own_agency();
    let agency_list: Vec<agency::Model> = agencies::list(db, &p.scope())
        .await
        .page(lang)?
        .into_iter()
        .map(|(a, _)| a)
        .filter(|a| own.is_none_or(|o| o == a.id))
        .collect();
    Ok(FormPage {
        c: Chrome::new(ctx, "aplan-new-title"),
        summary: summary(lang, &errors, &["unit", "agency", "year", "note"]),
        units: unit_list
            .iter()
            .filter(|u| thamgia_domain::units::in_report_chain(&u.path))
            .map(|u| Opt {
                selected: u.code == f.unit.trim(),
                value: u.code.clone(),
                label: lang.pick(&u.name_vi, &u.name_en).to_string(),
            })
            .collect(),
        agencies: agency_list
            .iter()
            .map(|a| Opt {
                selected: a.code == f.agency.trim(),
                value: a.code.clone(),
                label: format!("{} — {}", a.code, lang.pick(&a.name_vi, &a.name_en)),
            })
            .collect(),
        f,
        errors,
    })
}

pub async fn new_form(Visit { state, p, ctx }: Visit) -> PageResult {
    let lang = ctx.lang;
    require(&p, Permission::ManageActivities, lang)?;
    let db = &state.db.conn;
    let own_unit = units::by_id(db, p.unit_id).await.page(lang)?;
    let mut f = PlanForm {
        unit: own_unit
            .as_ref()
            .map(|u| u.code.clone())
            .unwrap_or_default(),
        year: state.now().date_naive().year().to_string(),
        ..Default::default()
    };
    if let Some(aid) = p.own_agency()
        && let Some(a) = agencies::by_id(db, aid).await.page(lang)?
    {
        f.agency = a.code;
    }
    Ok(render(
        &form_page(&state, &p, &ctx, f, Fields::new()).await?,
    ))
}

pub async fn create(Visit { state, p, ctx }: Visit, CsrfForm(f): CsrfForm<PlanForm>) -> PageResult {
    let lang = ctx.lang;
    let fields = match actions::create(Act::new(&state.db.conn, &p, state.now()), &f).await {
        Ok(plan) => {
            return Ok(Redirect::to(&format!("/annual-plans/{}?saved=1", plan.id)).into_response());
        }
        Err(ActionError::Invalid { fields, .. }) => fields,
        Err(e) => return Err(PageError(e.into(), lang)),
    };
    Ok(unprocessable(render(
        &form_page(&state, &p, &ctx, f, fields).await?,
    )))
}

// ---------------------------------------------------------------- the plan

pub struct ItemRow {
    pub id: i32,
    pub month: String,
    pub project: String,
    pub kind: String,
    pub title: String,
    pub planned_participants: i64,
    pub actual_participants: String,
    pub planned_budget: String,
    pub spent: String,
    pub activity: Option<(i32, String)>,
    pub choices: Vec<Opt>,
}

pub struct ProjectRow {
    pub project: String,
    pub items: usize,
    pub done: usize,
    pub planned_participants: i64,
    pub actual_participants: i64,
    pub planned_budget: String,
    pub spent: String,
    pub over: bool,
}

#[derive(Template)]
#[template(path = "annual_plan.html")]
struct ShowPage {
    c: Chrome,
    plan: annual_plan::Model,
    unit_name: String,
    agency_name: String,
    items: Vec<ItemRow>,
    by_project: Vec<ProjectRow>,
    total: ProjectRow,
    not_done: Vec<String>,
    can_manage: bool,
    f: PlanItemText,
    projects: Vec<Opt>,
    kinds: Vec<Opt>,
    errors: Fields,
    summary: Vec<(String, String)>,
    saved: String,
}

form_errors!(ShowPage, |c, code| error_text(c.lang, code));

fn totals_row(
    lang: Lang,
    plan: Option<&thamgia_domain::plan::Plan>,
    t: &annual_plans::Totals,
) -> ProjectRow {
    ProjectRow {
        project: if t.project.is_empty() {
            lang.t("act-total")
        } else {
            project_name(plan, lang, &t.project)
        },
        items: t.items,
        done: t.done,
        planned_participants: t.planned_participants,
        actual_participants: t.actual_participants,
        planned_budget: lang.money(t.planned_budget),
        spent: lang.money(t.spent),
        over: t.spent > t.planned_budget,
    }
}

#[allow(clippy::too_many_arguments)]
async fn show_page(
    state: &AppState,
    p: &Principal,
    ctx: &Ctx,
    plan: annual_plan::Model,
    u: unit::Model,
    a: agency::Model,
    f: Option<PlanItemText>,
    errors: Fields,
    saved: String,
) -> Result<ShowPage, PageError> {
    let lang = ctx.lang;
    let db = &state.db.conn;
    let pva = annual_plans::plan_vs_actual(db, plan.id).await.page(lang)?;
    let the_plan = thamgia_store::plans::for_unit(db, &u.path, plan.year)
        .await
        .page(lang)?;
    let can_manage = p.may_manage(Permission::ManageActivities, plan.agency_id);
    let linkable = if can_manage {
        annual_plans::linkable(db, &plan).await.page(lang)?
    } else {
        vec![]
    };
    let items: Vec<ItemRow> = pva
        .items
        .iter()
        .map(|x| ItemRow {
            id: x.item.id,
            month: x.item.month.map(|m| m.to_string()).unwrap_or_default(),
            project: x.item.project_code.clone(),
            kind: kind_name(lang, &x.item.kind),
            title: x.item.title.clone(),
            planned_participants: x.item.planned_participants.into(),
            actual_participants: if x.activity.is_some() {
                lang.int(x.actual_participants)
            } else {
                "—".into()
            },
            planned_budget: lang.money(x.item.planned_budget),
            spent: if x.activity.is_some() {
                lang.money(x.spent)
            } else {
                "—".into()
            },
            activity: x
                .activity
                .as_ref()
                .map(|act| (act.id, format!("{} · {}", act.code, act.title))),
            choices: linkable
                .iter()
                .map(|act| Opt {
                    selected: x.item.activity_id == Some(act.id),
                    value: act.id.to_string(),
                    label: format!(
                        "{} · {} ({}, {})",
                        act.code,
                        act.title,
                        act.project_code,
                        lang.date(act.starts_on)
                    ),
                })
                .collect(),
        })
        .collect();
    let not_done = pva
        .items
        .iter()
        .filter(|x| x.activity.is_none())
        .map(|x| format!("{} ({})", x.item.title, x.item.project_code))
        .collect();
    let f = f.unwrap_or_default();
    Ok(ShowPage {
        c: Chrome::new(ctx, "aplan-title"),
        unit_name: lang.pick(&u.name_vi, &u.name_en).to_string(),
        agency_name: format!("{} — {}", a.code, lang.pick(&a.name_vi, &a.name_en)),
        by_project: pva
            .by_project
            .iter()
            .map(|t| totals_row(lang, the_plan.as_ref(), t))
            .collect(),
        total: totals_row(lang, the_plan.as_ref(), &pva.total),
        items,
        not_done,
        can_manage,
        projects: the_plan
            .iter()
            .flat_map(|pl| pl.projects.iter())
            .map(|x| Opt {
                selected: x.code == f.project.trim().to_uppercase(),
                value: x.code.clone(),
                label: project_name(the_plan.as_ref(), lang, &x.code),
            })
            .collect(),
        kinds: ActivityKind::ALL
            .iter()
            .map(|k| Opt {
                selected: ActivityKind::read(&f.kind) == Some(*k),
                value: k.as_str().to_string(),
                label: kind_name(lang, k.as_str()),
            })
            .collect(),
        summary: summary(
            lang,
            &errors,
            &[
                "project",
                "kind",
                "title",
                "month",
                "planned_participants",
                "planned_budget",
                "activity",
            ],
        ),
        errors,
        f,
        saved,
        plan,
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
    let (plan, u, a) = load(&state, &p, id, ctx.lang).await?;
    Ok(render(
        &show_page(&state, &p, &ctx, plan, u, a, None, Fields::new(), q.saved).await?,
    ))
}

pub async fn add_item(
    Visit { state, p, ctx }: Visit,
    Path(id): Path<i32>,
    CsrfForm(f): CsrfForm<PlanItemText>,
) -> PageResult {
    let lang = ctx.lang;
    let (plan, u, a) = load_managed(&state, &p, id, lang).await?;
    match actions::add_item(Act::new(&state.db.conn, &p, state.now()), id, &f).await {
        Ok(_) => Ok(Redirect::to(&format!("/annual-plans/{id}?saved=item#items")).into_response()),
        Err(ActionError::Invalid { fields, .. }) => Ok(unprocessable(render(
            &show_page(&state, &p, &ctx, plan, u, a, Some(f), fields, String::new()).await?,
        ))),
        Err(e) => Err(PageError(e.into(), lang)),
    }
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct LinkForm {
    /// An activity id, or empty to unlink.
    pub activity: String,
}

pub async fn link_item(
    Visit { state, p, ctx }: Visit,
    Path((id, item_id)): Path<(i32, i32)>,
    CsrfForm(f): CsrfForm<LinkForm>,
) -> PageResult {
    let lang = ctx.lang;
    let (plan, u, a) = load_managed(&state, &p, id, lang).await?;
    let activity_id = if f.activity.trim().is_empty() {
        Ok(None)
    } else {
        f.activity.trim().parse::<i32>().map(Some)
    };
    let act = Act::new(&state.db.conn, &p, state.now());
    let result = match activity_id {
        Ok(aid) => actions::link_item(act, id, item_id, aid).await,
        Err(_) => Err(invalid_one("activity", "unknown_activity")),
    };
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/annual-plans/{id}?saved=link#items")).into_response()),
        Err(ActionError::Invalid { fields, .. }) => Ok(unprocessable(render(
            &show_page(&state, &p, &ctx, plan, u, a, None, fields, String::new()).await?,
        ))),
        Err(e) => Err(PageError(e.into(), lang)),
    }
}
