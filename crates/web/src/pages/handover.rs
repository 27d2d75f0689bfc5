//! `/handover`: what ended units left open, for the coordinator to hand over
//! (units through time). Unanswered recommendations of agencies that have
//! ended go to an agency open today; answers still owed to children by a
//! unit that has ended go to a unit open today. Each hand-over is one audited
//! write (`thamgia_store::handover`).

use super::{Chrome, PageErr, PageResult, Visit, render, require};
use crate::auth::CsrfForm;
use crate::error::AppError;
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query};
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use thamgia_actions::Act;
use thamgia_actions::handover::{Item, hand_over};
use thamgia_domain::access::{Permission, Principal};
use thamgia_store::{agencies, handover, units};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/handover", get(list))
        .route("/handover/recommendations/{id}", post(recommendation))
        .route("/handover/consultations/{id}", post(answer))
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct Shown {
    #[serde(default)]
    pub saved: String,
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct HandForm {
    #[serde(default)]
    pub to: String,
}

pub struct Opt {
    pub value: String,
    pub label: String,
}

pub struct RecRow {
    pub id: i32,
    pub text: String,
    pub agency: String,
    pub unit: String,
    pub ended: String,
    pub deadline: String,
}

pub struct AnswerRow {
    pub id: i32,
    pub title: String,
    pub unit: String,
    pub ended: String,
    pub closes: String,
    /// Units open today that succeeded the owing unit, offered first.
    pub options: Vec<Opt>,
}

#[derive(Template)]
#[template(path = "handover.html")]
struct Page {
    c: Chrome,
    saved: bool,
    /// `(item kind and id, error key)` of a refused hand-over.
    error: Option<(String, String)>,
    recs: Vec<RecRow>,
    answers: Vec<AnswerRow>,
    agencies: Vec<Opt>,
}

async fn page(
    state: &AppState,
    p: &Principal,
    ctx: &crate::auth::Ctx,
    saved: bool,
    error: Option<(String, String)>,
) -> PageResult {
    let lang = ctx.lang;
    require(p, Permission::ReviewReports, lang)?;
    let db = &state.db.conn;
    let today = state.now().date_naive();
    let scope = p.scope();
    let items = handover::open_items(db, &scope, today).await.page(lang)?;
    let c = Chrome::new(ctx, "handover-title");
    let agencies: Vec<Opt> = agencies::list(db, &scope)
        .await
        .page(lang)?
        .into_iter()
        .filter(|(a, u)| handover::agency_open_on(a, today) && units::is_valid_on(u, today))
        .map(|(a, u)| Opt {
            value: a.code.clone(),
            label: format!(
                "{} ({})",
                c.pick(&a.name_vi, &a.name_en),
                c.pick(&u.name_vi, &u.name_en)
            ),
        })
        .collect();
    let open_units: Vec<thamgia_store::entity::unit::Model> = units::list(db, &scope)
        .await
        .page(lang)?
        .into_iter()
        .filter(|u| units::is_valid_on(u, today) && thamgia_domain::units::in_report_chain(&u.path))
        .collect();
    let recs = items
        .recommendations
        .iter()
        .map(|r| RecRow {
            id: r.recommendation.id,
            text: r.recommendation.text.clone(),
            agency: c.pick(&r.agency.name_vi, &r.agency.name_en).to_string(),
            unit: c
                .pick(&r.agency_unit.name_vi, &r.agency_unit.name_en)
                .to_string(),
            ended: r
                .agency
                .valid_to
                .or(r.agency_unit.valid_to)
                .map(|d| c.date(d))
                .unwrap_or_default(),
            deadline: c.date(r.recommendation.deadline),
        })
        .collect();
    let mut answers = vec![];
    for a in &items.answers {
        let next: Vec<i32> = units::successors(db, a.owed_by.id)
            .await
            .page(lang)?
            .into_iter()
            .map(|u| u.id)
            .collect();
        let mut opts: Vec<&thamgia_store::entity::unit::Model> = open_units.iter().collect();
        // Successors first, then the rest in path order.
        opts.sort_by_key(|u| (!next.contains(&u.id), u.path.clone()));
        answers.push(AnswerRow {
            id: a.consultation.id,
            title: a.consultation.title.clone(),
            unit: c.pick(&a.owed_by.name_vi, &a.owed_by.name_en).to_string(),
            ended: a.owed_by.valid_to.map(|d| c.date(d)).unwrap_or_default(),
            closes: c.date(a.consultation.closes_on),
            options: opts
                .into_iter()
                .map(|u| Opt {
                    value: u.code.clone(),
                    label: c.pick(&u.name_vi, &u.name_en).to_string(),
                })
                .collect(),
        });
    }
    Ok(render(&Page {
        c,
        saved,
        error,
        recs,
        answers,
        agencies,
    }))
}

pub async fn list(Visit { state, p, ctx }: Visit, Query(q): Query<Shown>) -> PageResult {
    page(&state, &p, &ctx, !q.saved.is_empty(), None).await
}

/// The error key a refused hand-over shows, by the field the store named.
fn refusal(e: AppError) -> Result<String, AppError> {
    match e {
        AppError::Conflict { field } => Ok(format!("handover-err-{field}")),
        AppError::NotFound => Ok("handover-err-gone".into()),
        other => Err(other),
    }
}

/// The prefix of the item's anchor on the page.
fn anchor(item: Item) -> &'static str {
    match item {
        Item::Recommendation => "rec",
        Item::Answer => "ans",
    }
}

/// One hand-over from the page: the action, then back to the list, or the
/// list again with the refusal next to the item.
async fn hand(
    state: &AppState,
    p: &Principal,
    ctx: &crate::auth::Ctx,
    item: Item,
    id: i32,
    f: &HandForm,
) -> PageResult {
    let act = Act::new(&state.db.conn, p, state.now());
    match hand_over(act, item, id, &f.to).await {
        Ok(()) => Ok(Redirect::to("/handover?saved=1").into_response()),
        Err(e) => {
            let key = refusal(e.into()).page(ctx.lang)?;
            let at = format!("{}-{id}", anchor(item));
            page(state, p, ctx, false, Some((at, key))).await
        }
    }
}

pub async fn recommendation(
    Visit { state, p, ctx }: Visit,
    Path(id): Path<i32>,
    CsrfForm(f): CsrfForm<HandForm>,
) -> PageResult {
    hand(&state, &p, &ctx, Item::Recommendation, id, &f).await
}

pub async fn answer(
    Visit { state, p, ctx }: Visit,
    Path(id): Path<i32>,
    CsrfForm(f): CsrfForm<HandForm>,
) -> PageResult {
    hand(&state, &p, &ctx, Item::Answer, id, &f).await
}
