//! The home page and the plan: purposes, objectives, targets, projects and
//! models with their lead and coordinating agencies, units in scope, versions.

use super::{Chrome, PageErr, PageError, PageResult, Visit, render, require};
use crate::error::AppError;
use askama::Template;
use axum::extract::{Path, Query};
use thamgia_domain::access::Permission;
use thamgia_store::entity::plan as plan_row;
use thamgia_store::plans::{self, PlanView};

#[derive(Template)]
#[template(path = "plans.html")]
struct PlansPage {
    c: Chrome,
    plans: Vec<plan_row::Model>,
}

pub async fn list(Visit { state, p, ctx }: Visit) -> PageResult {
    require(&p, Permission::ViewPlan, ctx.lang)?;
    let plans = plans::list_latest(&state.db.conn).await.page(ctx.lang)?;
    Ok(render(&PlansPage {
        c: Chrome::new(&ctx, "plans-title"),
        plans,
    }))
}

#[derive(Template)]
#[template(path = "plan.html")]
struct PlanPage {
    c: Chrome,
    v: PlanView,
    versions: Vec<plan_row::Model>,
    is_latest: bool,
    purposes: Vec<(String, String)>,
    general: Vec<(String, String)>,
    specific: Vec<(String, String, String)>,
}

/// The newest plan (the one most users come for).
pub async fn current(visit: Visit) -> PageResult {
    let lang = visit.ctx.lang;
    let latest = plans::list_latest(&visit.state.db.conn).await.page(lang)?;
    let Some(first) = latest.into_iter().next() else {
        return Err(PageError(AppError::NotFound, lang));
    };
    show_plan(visit, first.code, None).await
}

#[derive(serde::Deserialize)]
pub struct VersionQuery {
    version: Option<i32>,
}

pub async fn show(
    visit: Visit,
    Path(code): Path<String>,
    Query(q): Query<VersionQuery>,
) -> PageResult {
    show_plan(visit, code, q.version).await
}

async fn show_plan(
    Visit { state, p, ctx }: Visit,
    code: String,
    version: Option<i32>,
) -> PageResult {
    let lang = ctx.lang;
    require(&p, Permission::ViewPlan, lang)?;
    let db = &state.db.conn;
    let row = plans::get(db, &code, version).await.page(lang)?;
    let versions = plans::versions(db, &code).await.page(lang)?;
    let is_latest = versions.first().is_some_and(|v| v.id == row.id);
    let v = plans::view(db, row).await.page(lang)?;
    let text =
        |t: &thamgia_store::entity::plan_text::Model| lang.pick(&t.text_vi, &t.text_en).to_string();
    let purposes = v
        .texts
        .iter()
        .filter(|t| t.kind == "purpose")
        .map(|t| (text(t), String::new()))
        .collect();
    let general = v
        .texts
        .iter()
        .filter(|t| t.kind == "general")
        .map(|t| (text(t), String::new()))
        .collect();
    let specific = v
        .texts
        .iter()
        .filter(|t| t.kind == "specific")
        .map(|t| {
            let code = t.indicator_code.clone().unwrap_or_default();
            let target = v
                .indicators
                .iter()
                .find(|(i, _)| i.code == code)
                .map(|(i, _)| target_text(lang, i.target, &i.unit))
                .unwrap_or_default();
            (code, text(t), target)
        })
        .collect();
    Ok(render(&PlanPage {
        c: Chrome::new(&ctx, "plan-title"),
        v,
        versions,
        is_latest,
        purposes,
        general,
        specific,
    }))
}

/// "100%" or "8" in the visitor's number format.
pub fn target_text(lang: crate::i18n::Lang, target: f64, unit: &str) -> String {
    if unit == "%" {
        format!("{}%", lang.num(target))
    } else {
        lang.num(target)
    }
}
