//! Funding (Kinh phí): budget against spending for a unit's subtree, in one
//! year or all years — totals by funding source, by project, by unit (the
//! unit itself and each unit below it) and by year, each with what remains
//! and the share used, and a warning in words (not colour alone) wherever
//! spending passed the budget, listing the budget lines concerned. Below, the
//! budget lines themselves and a form to set one (by unit, year, source and
//! project: setting it again changes its amount).
//!
//! [`summary`] (`thamgia_actions::funding`) is the one computation behind
//! this page, `GET /api/v1/funding` and the funding export, so the three
//! always agree; setting a line is its action `set_budget_line`. Amounts are whole đồng
//! (`i64`); shares are computed in integers (tenths of a percent).

use super::matters::Fields;
use super::{Chrome, PageErr, PageError, PageResult, Visit, render, require, unprocessable};
use crate::auth::{CsrfForm, Ctx};
use crate::i18n::Lang;
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::extract::Query;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use std::collections::BTreeMap;
use thamgia_actions::{Act, ActionError};
use thamgia_domain::access::{Permission, Principal, Scope};
use thamgia_domain::activities::BudgetText;
use thamgia_store::entity::{budget_line, unit};
use thamgia_store::{activities, plans, units};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/funding", get(page))
        .route("/funding/budget-lines", post(set_line))
        .route("/static/funding.css", get(stylesheet))
}

pub(crate) use thamgia_actions::funding::{Total, parse_year_filter, plan_of, summary, unit_of};

// ---------------------------------------------------------------- the page

/// One row of a totals table, ready to show.
pub struct Shown {
    pub name: String,
    pub budget: String,
    pub spent: String,
    pub remaining: String,
    pub used: String,
    pub over: bool,
}

fn shown(lang: Lang, t: &Total) -> Shown {
    Shown {
        name: lang.pick(&t.name, &t.name_en).to_string(),
        budget: lang.money(t.budget),
        spent: lang.money(t.spent),
        remaining: lang.money(t.remaining().0),
        used: t
            .used_tenths()
            .map(|x| format!("{}\u{a0}%", lang.num(x as f64 / 10.0)))
            .unwrap_or_else(|| "—".into()),
        over: t.over(),
    }
}

pub struct LineRow {
    pub unit: String,
    pub year: i32,
    pub source: String,
    pub project: String,
    pub amount: String,
    pub spent: String,
    pub over: bool,
    pub note: String,
}

pub struct OverRow {
    pub unit: String,
    pub year: i32,
    pub source: String,
    pub project: String,
    pub budget: String,
    pub spent: String,
    pub excess: String,
}

#[derive(Template)]
#[template(path = "funding.html")]
struct FundingPage {
    c: Chrome,
    unit_code: String,
    unit_name: String,
    year_value: String,
    years: Vec<i32>,
    unit_options: Vec<(String, String)>,
    total: Shown,
    /// (id, caption, rows): by source, by project, by unit, by year.
    tables: Vec<(String, String, Vec<Shown>)>,
    over: Vec<OverRow>,
    lines: Vec<LineRow>,
    can_manage: bool,
    sources: Vec<(String, String)>,
    projects: Vec<(String, String)>,
    f: BudgetText,
    errors: Fields,
    summary_errors: Vec<(String, String)>,
    saved: bool,
    query: String,
}

form_errors!(FundingPage, |c, code| c
    .t(&format!("funding-err-{}", code.replace('_', "-"))));

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct FundingQuery {
    pub unit: String,
    pub year: String,
    pub saved: String,
}

const FORM_ORDER: [&str; 6] = ["unit", "year", "source", "project", "amount", "note"];

/// The budget-line form as typed, with its errors, and whether a line was just saved.
struct Typed {
    f: BudgetText,
    errors: Fields,
    saved: bool,
}

async fn build(
    state: &AppState,
    p: &Principal,
    ctx: &Ctx,
    u: unit::Model,
    year: Option<i32>,
    t: Typed,
) -> Result<FundingPage, PageError> {
    let lang = ctx.lang;
    let db = &state.db.conn;
    let Typed { f, errors, saved } = t;
    let s = summary(db, &u, year)
        .await
        .map_err(|e| PageError(e.into(), lang))?;
    let plan = plan_of(db, &u.path, year)
        .await
        .map_err(|e| PageError(e.into(), lang))?;
    let scope = Scope {
        path: u.path.clone(),
    };
    let in_scope = units::list(db, &p.scope()).await.page(lang)?;
    let unit_options: Vec<(String, String)> = in_scope
        .iter()
        .filter(|x| thamgia_domain::units::in_report_chain(&x.path))
        .map(|x| {
            (
                x.code.clone(),
                lang.pick(&x.name_vi, &x.name_en).to_string(),
            )
        })
        .collect();
    let names: BTreeMap<i32, String> = in_scope
        .iter()
        .map(|x| (x.id, lang.pick(&x.name_vi, &x.name_en).to_string()))
        .collect();
    let cells = activities::money(db, &scope, None, year).await.page(lang)?;
    let spent_of = |b: &budget_line::Model| {
        cells
            .iter()
            .find(|c| {
                c.unit_id == b.unit_id
                    && c.year == b.year
                    && c.source == b.source_code
                    && c.project == b.project_code
            })
            .map(|c| c.spent)
            .unwrap_or(0)
    };
    let lines: Vec<LineRow> = activities::budget_lines(db, &scope, None, year)
        .await
        .page(lang)?
        .into_iter()
        .map(|(b, _)| {
            let spent = spent_of(&b);
            LineRow {
                unit: names.get(&b.unit_id).cloned().unwrap_or_default(),
                year: b.year,
                source: s
                    .by_source
                    .iter()
                    .find(|t| t.code == b.source_code)
                    .map(|t| lang.pick(&t.name, &t.name_en).to_string())
                    .unwrap_or_else(|| b.source_code.clone()),
                project: b.project_code.clone(),
                amount: lang.money(b.amount),
                spent: lang.money(spent),
                over: spent > b.amount,
                note: b.note.clone().unwrap_or_default(),
            }
        })
        .collect();
    let mut years: Vec<i32> = vec![];
    if let Some(p) = plans::newest(db, &u.path).await.page(lang)? {
        years.extend(p.header.period_start..=p.header.period_end);
    }
    if let Some(y) = year
        && !years.contains(&y)
    {
        years.push(y);
    }
    years.sort_unstable();
    let sources = plan
        .as_ref()
        .map(|p| {
            p.funding_sources
                .iter()
                .map(|s| {
                    (
                        s.code.clone(),
                        lang.pick(&s.name_vi, &s.name_en).to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    let projects = plan
        .as_ref()
        .map(|p| {
            p.projects
                .iter()
                .map(|s| {
                    (
                        s.code.clone(),
                        format!("{} — {}", s.code, lang.pick(&s.name_vi, &s.name_en)),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    let summary_errors = {
        let mut out = vec![];
        let mut push = |field: &str, code: &str| {
            out.push((
                field.to_string(),
                format!(
                    "{}: {}",
                    lang.t(&format!("funding-field-{field}")),
                    lang.t(&format!("funding-err-{}", code.replace('_', "-")))
                ),
            ));
        };
        for field in FORM_ORDER {
            if let Some(code) = errors.get(field) {
                push(field, code);
            }
        }
        for (field, code) in &errors {
            if !FORM_ORDER.contains(&field.as_str()) {
                push(field, code);
            }
        }
        out
    };
    let year_value = year.map(|y| y.to_string()).unwrap_or_default();
    Ok(FundingPage {
        c: Chrome::new(ctx, "funding-title"),
        query: format!("unit={}&year={}", u.code, year_value),
        unit_code: u.code.clone(),
        unit_name: lang.pick(&u.name_vi, &u.name_en).to_string(),
        year_value,
        years,
        unit_options,
        total: shown(lang, &s.total),
        tables: vec![
            (
                "by-source".into(),
                lang.t("funding-by-source"),
                s.by_source.iter().map(|t| shown(lang, t)).collect(),
            ),
            (
                "by-project".into(),
                lang.t("funding-by-project"),
                s.by_project
                    .iter()
                    .map(|t| {
                        let mut r = shown(lang, t);
                        r.name = format!("{} — {}", t.code, r.name);
                        r
                    })
                    .collect(),
            ),
            (
                "by-unit".into(),
                lang.t("funding-by-unit"),
                s.by_unit.iter().map(|t| shown(lang, t)).collect(),
            ),
            (
                "by-year".into(),
                lang.t("funding-by-year"),
                s.by_year.iter().map(|(_, t)| shown(lang, t)).collect(),
            ),
        ],
        over: s
            .over_budget
            .iter()
            .map(|o| OverRow {
                unit: lang.pick(&o.unit_name, &o.unit_name_en).to_string(),
                year: o.year,
                source: lang.pick(&o.source_name, &o.source_name_en).to_string(),
                project: o.project.clone(),
                budget: lang.money(o.budget),
                spent: lang.money(o.spent),
                excess: lang.money(o.spent - o.budget),
            })
            .collect(),
        lines,
        can_manage: p.can(Permission::ManageBudget),
        sources,
        projects,
        f,
        errors,
        summary_errors,
        saved,
    })
}

pub async fn page(Visit { state, p, ctx }: Visit, Query(q): Query<FundingQuery>) -> PageResult {
    let lang = ctx.lang;
    require(&p, Permission::ViewActivities, lang)?;
    let year = parse_year_filter(&q.year).page(lang)?;
    let u = unit_of(&state.db.conn, &p, &q.unit, year)
        .await
        .page(lang)?;
    let f = BudgetText {
        unit: u.code.clone(),
        year: year
            .unwrap_or_else(|| chrono::Datelike::year(&state.now().date_naive()))
            .to_string(),
        ..Default::default()
    };
    let page = build(
        &state,
        &p,
        &ctx,
        u,
        year,
        Typed {
            f,
            errors: Fields::new(),
            saved: q.saved == "1",
        },
    )
    .await?;
    Ok(render(&page))
}

/// Sets a budget line; the page's `unit` and `year` filters ride along in the
/// query so the officer comes back to the same view.
pub async fn set_line(
    Visit { state, p, ctx }: Visit,
    Query(q): Query<FundingQuery>,
    CsrfForm(f): CsrfForm<BudgetText>,
) -> PageResult {
    let lang = ctx.lang;
    require(&p, Permission::ManageBudget, lang)?;
    let db = &state.db.conn;
    let view_year = parse_year_filter(&q.year).unwrap_or(None);
    match thamgia_actions::funding::set_budget_line(Act::new(db, &p, state.now()), &f).await {
        Ok(_) => {
            let u = unit_of(db, &p, &q.unit, view_year).await.page(lang)?;
            let year = view_year.map(|y| y.to_string()).unwrap_or_default();
            Ok(Redirect::to(&format!(
                "/funding?unit={}&year={year}&saved=1#lines",
                u.code
            ))
            .into_response())
        }
        Err(ActionError::Invalid { fields, .. }) => {
            let u = unit_of(db, &p, &q.unit, view_year).await.page(lang)?;
            let page = build(
                &state,
                &p,
                &ctx,
                u,
                view_year,
                Typed {
                    f,
                    errors: fields,
                    saved: false,
                },
            )
            .await?;
            Ok(unprocessable(render(&page)))
        }
        Err(e) => Err(PageError(e.into(), lang)),
    }
}

async fn stylesheet() -> Response {
    (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        include_str!("../../static/funding.css"),
    )
        .into_response()
}
