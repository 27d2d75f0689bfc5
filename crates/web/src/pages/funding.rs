//! Funding (Kinh phí): budget against spending for a unit's subtree, in one
//! year or all years — totals by funding source, by project, by unit (the
//! unit itself and each unit below it) and by year, each with what remains
//! and the share used, and a warning in words (not colour alone) wherever
//! spending passed the budget, listing the budget lines concerned. Below, the
//! budget lines themselves and a form to set one (by unit, year, source and
//! project: setting it again changes its amount).
//!
//! [`summary`] is the one computation behind this page, `GET /api/v1/funding`
//! and the funding export, so the three always agree. Amounts are whole đồng
//! (`i64`); shares are computed in integers (tenths of a percent).

use super::matters::Fields;
use super::{Chrome, PageErr, PageError, PageResult, render, require};
use crate::auth::{CsrfForm, Ctx, PageUser};
use crate::error::{AppError, AppResult};
use crate::i18n::Lang;
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use sea_orm::DatabaseConnection;
use std::collections::{BTreeMap, BTreeSet};
use thamgia_domain::access::{Actor, Permission, Principal, Scope};
use thamgia_domain::activities::{BudgetText, BudgetUse, FieldError, check_budget};
use thamgia_domain::money::Dong;
use thamgia_domain::plan::Plan;
use thamgia_store::entity::{budget_line, unit};
use thamgia_store::{activities, plans, units};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/funding", get(page))
        .route("/funding/budget-lines", post(set_line))
        .route("/static/funding.css", get(stylesheet))
}

// ---------------------------------------------------------------- the computation

/// Budget and spending of one group (a source, a project, a unit, a year).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Total {
    pub code: String,
    pub name: String,
    pub name_en: String,
    pub budget: i64,
    pub spent: i64,
}

impl Total {
    pub(crate) fn use_(&self) -> BudgetUse {
        BudgetUse {
            budget: Dong(self.budget),
            spent: Dong(self.spent),
        }
    }

    pub(crate) fn over(&self) -> bool {
        self.use_().over()
    }

    pub(crate) fn remaining(&self) -> Dong {
        self.use_().remaining()
    }

    /// Spent as a share of the budget in tenths of a percent; `None` without a budget.
    pub(crate) fn used_tenths(&self) -> Option<i64> {
        (self.budget > 0).then(|| {
            let t = (i128::from(self.spent) * 1000 + i128::from(self.budget) / 2)
                / i128::from(self.budget);
            i64::try_from(t).unwrap_or(i64::MAX)
        })
    }
}

/// A budget line (unit, year, source, project) whose spending passed its budget.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct OverLine {
    pub unit: String,
    pub unit_name: String,
    pub unit_name_en: String,
    pub year: i32,
    pub source: String,
    pub source_name: String,
    pub source_name_en: String,
    pub project: String,
    pub project_name: String,
    pub project_name_en: String,
    pub budget: i64,
    pub spent: i64,
}

/// Everything the funding page, API and export show.
#[derive(Debug, Clone)]
pub(crate) struct Summary {
    pub unit: unit::Model,
    pub year: Option<i32>,
    pub total: Total,
    pub by_source: Vec<Total>,
    pub by_project: Vec<Total>,
    pub by_unit: Vec<Total>,
    pub by_year: Vec<(i32, Total)>,
    pub over_budget: Vec<OverLine>,
}

/// The plan whose sources and projects name the rows of the unit at `path`:
/// the one governing it in the year, else its province's newest.
async fn plan_of(
    db: &DatabaseConnection,
    path: &str,
    year: Option<i32>,
) -> AppResult<Option<Plan>> {
    Ok(match year {
        Some(y) => plans::governing(db, path, y).await?,
        None => plans::newest(db, path).await?,
    })
}

fn add(t: &mut Total, budget: i64, spent: i64) {
    t.budget += budget;
    t.spent += spent;
}

/// Budget and spending of `u`'s subtree (already checked against the caller's
/// scope) in `year`, or in every year when `None`. Spending counts in the
/// year it was spent, against its activity's unit and project.
pub(crate) async fn summary(
    db: &DatabaseConnection,
    u: &unit::Model,
    year: Option<i32>,
) -> AppResult<Summary> {
    let scope = Scope {
        path: u.path.clone(),
    };
    let cells = activities::money(db, &scope, None, year).await?;
    let subtree = units::list(db, &scope).await?;
    let by_id: BTreeMap<i32, &unit::Model> = subtree.iter().map(|x| (x.id, x)).collect();
    let plan = plan_of(db, &u.path, year).await?;
    let source_name = |code: &str| -> (String, String) {
        plan.as_ref()
            .and_then(|p| p.funding_sources.iter().find(|s| s.code == code))
            .map(|s| (s.name_vi.clone(), s.name_en.clone()))
            .unwrap_or_else(|| (code.to_string(), code.to_string()))
    };
    let project_name = |code: &str| -> (String, String) {
        plan.as_ref()
            .and_then(|p| p.project(code))
            .map(|s| (s.name_vi.clone(), s.name_en.clone()))
            .unwrap_or_else(|| (code.to_string(), code.to_string()))
    };
    let total_row = |code: &str, (name, name_en): (String, String)| Total {
        code: code.to_string(),
        name,
        name_en,
        ..Default::default()
    };

    let mut by_source: Vec<Total> = plan
        .as_ref()
        .map(|p| {
            p.funding_sources
                .iter()
                .map(|s| total_row(&s.code, (s.name_vi.clone(), s.name_en.clone())))
                .collect()
        })
        .unwrap_or_default();
    let mut by_project: Vec<Total> = plan
        .as_ref()
        .map(|p| {
            p.projects
                .iter()
                .map(|s| total_row(&s.code, (s.name_vi.clone(), s.name_en.clone())))
                .collect()
        })
        .unwrap_or_default();
    // The unit's own lines first, then each unit directly below it.
    let mut children: Vec<&unit::Model> = subtree
        .iter()
        .filter(|x| x.parent_id == Some(u.id))
        .collect();
    children.sort_by(|a, b| a.code.cmp(&b.code));
    let mut by_unit: Vec<Total> = vec![total_row(&u.code, (u.name_vi.clone(), u.name_en.clone()))];
    by_unit.extend(
        children
            .iter()
            .map(|x| total_row(&x.code, (x.name_vi.clone(), x.name_en.clone()))),
    );
    let mut years: BTreeSet<i32> = match (year, &plan) {
        (Some(y), _) => BTreeSet::from([y]),
        (None, Some(p)) => (p.header.period_start..=p.header.period_end).collect(),
        (None, None) => BTreeSet::new(),
    };
    for c in &cells {
        years.insert(c.year);
    }
    let mut by_year: BTreeMap<i32, Total> = years
        .iter()
        .map(|y| {
            (
                *y,
                total_row(&y.to_string(), (y.to_string(), y.to_string())),
            )
        })
        .collect();
    let mut total = total_row(&u.code, (u.name_vi.clone(), u.name_en.clone()));
    let mut over_budget = vec![];

    for c in &cells {
        add(&mut total, c.budget, c.spent);
        match by_source.iter_mut().find(|t| t.code == c.source) {
            Some(t) => add(t, c.budget, c.spent),
            None => {
                let mut t = total_row(&c.source, source_name(&c.source));
                add(&mut t, c.budget, c.spent);
                by_source.push(t);
            }
        }
        match by_project.iter_mut().find(|t| t.code == c.project) {
            Some(t) => add(t, c.budget, c.spent),
            None => {
                let mut t = total_row(&c.project, project_name(&c.project));
                add(&mut t, c.budget, c.spent);
                by_project.push(t);
            }
        }
        if let Some(cu) = by_id.get(&c.unit_id) {
            let row = if cu.id == u.id {
                Some(0)
            } else {
                children
                    .iter()
                    .position(|ch| thamgia_domain::access::is_within(&cu.path, &ch.path))
                    .map(|i| i + 1)
            };
            if let Some(i) = row {
                add(&mut by_unit[i], c.budget, c.spent);
            }
        }
        if let Some(t) = by_year.get_mut(&c.year) {
            add(t, c.budget, c.spent);
        }
        if c.spent > c.budget {
            let (unit_code, unit_name, unit_name_en) = by_id
                .get(&c.unit_id)
                .map(|x| (x.code.clone(), x.name_vi.clone(), x.name_en.clone()))
                .unwrap_or_default();
            let (source_name, source_name_en) = source_name(&c.source);
            let (project_name, project_name_en) = project_name(&c.project);
            over_budget.push(OverLine {
                unit: unit_code,
                unit_name,
                unit_name_en,
                year: c.year,
                source: c.source.clone(),
                source_name,
                source_name_en,
                project: c.project.clone(),
                project_name,
                project_name_en,
                budget: c.budget,
                spent: c.spent,
            });
        }
    }
    Ok(Summary {
        unit: u.clone(),
        year,
        total,
        by_source,
        by_project,
        by_unit,
        by_year: by_year.into_iter().collect(),
        over_budget,
    })
}

/// A year filter: empty or `all` for every year, else four digits.
pub(crate) fn parse_year_filter(s: &str) -> Result<Option<i32>, AppError> {
    let t = s.trim();
    if t.is_empty() || t == "all" {
        return Ok(None);
    }
    thamgia_domain::activities::parse_year(t)
        .map(Some)
        .ok_or_else(|| AppError::invalid("year", "invalid_year"))
}

/// The unit asked for (its code), or the caller's own; 404 outside the scope.
pub(crate) async fn unit_of(
    db: &DatabaseConnection,
    p: &Principal,
    code: &str,
    year: Option<i32>,
) -> AppResult<unit::Model> {
    let code = code.trim();
    if code.is_empty() {
        return units::by_id(db, p.unit_id).await?.ok_or(AppError::NotFound);
    }
    // A code names a unit only with a date: the one of the year shown.
    Ok(units::resolve(db, &p.scope(), code, year, None).await?.unit)
}

/// The checker's errors as the API's and the pages' field map.
pub(crate) fn fields_of(errors: &[FieldError]) -> Fields {
    let mut f = Fields::new();
    for e in errors {
        f.entry(e.field.clone())
            .or_insert_with(|| e.code.to_string());
    }
    f
}

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

impl FundingPage {
    fn error(&self, field: &str) -> String {
        self.errors
            .get(field)
            .map(|code| self.c.t(&format!("funding-err-{}", code.replace('_', "-"))))
            .unwrap_or_default()
    }

    fn has_error(&self, field: &str) -> bool {
        self.errors.contains_key(field)
    }
}

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
        .map_err(|e| PageError(e, lang))?;
    let plan = plan_of(db, &u.path, year)
        .await
        .map_err(|e| PageError(e, lang))?;
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

pub async fn page(
    State(state): State<AppState>,
    PageUser(p, ctx): PageUser,
    Query(q): Query<FundingQuery>,
) -> PageResult {
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
    State(state): State<AppState>,
    PageUser(p, ctx): PageUser,
    Query(q): Query<FundingQuery>,
    CsrfForm(f): CsrfForm<BudgetText>,
) -> PageResult {
    let lang = ctx.lang;
    require(&p, Permission::ManageBudget, lang)?;
    let db = &state.db.conn;
    let view_year = parse_year_filter(&q.year).unwrap_or(None);
    let lookup = activities::lookup(db, &p.scope()).await.page(lang)?;
    match check_budget(&f, &lookup) {
        Ok(b) => {
            activities::set_budget(db, &Actor::from(&p), state.now(), &b)
                .await
                .page(lang)?;
            let u = unit_of(db, &p, &q.unit, view_year).await.page(lang)?;
            let year = view_year.map(|y| y.to_string()).unwrap_or_default();
            Ok(Redirect::to(&format!(
                "/funding?unit={}&year={year}&saved=1#lines",
                u.code
            ))
            .into_response())
        }
        Err(errors) => {
            let u = unit_of(db, &p, &q.unit, view_year).await.page(lang)?;
            let page = build(
                &state,
                &p,
                &ctx,
                u,
                view_year,
                Typed {
                    f,
                    errors: fields_of(&errors),
                    saved: false,
                },
            )
            .await?;
            let mut res = render(&page);
            *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(res)
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_are_integer_tenths() {
        let t = Total {
            budget: 3,
            spent: 2,
            ..Default::default()
        };
        assert_eq!(t.used_tenths(), Some(667));
        let t = Total {
            budget: 0,
            spent: 5,
            ..Default::default()
        };
        assert_eq!(t.used_tenths(), None);
        assert!(t.over());
        assert_eq!(t.remaining(), Dong(-5));
        assert_eq!(parse_year_filter("").ok(), Some(None));
        assert_eq!(parse_year_filter("2019").ok(), Some(Some(2019)));
        assert!(parse_year_filter("19").is_err());
    }
}
