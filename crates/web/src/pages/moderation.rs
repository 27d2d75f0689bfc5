//! Moderation of children's free text, and safeguarding alerts.
//!
//! A free-text answer is seen only here (by moderators) until it is approved.
//! A moderator approves it, rejects it, redacts it (the saved text replaces
//! the child's words and is approved), or flags a safeguarding concern: the
//! text is hidden and the coordinator is alerted (`/alerts`). The store keeps
//! the decision in the audit trail, never the words.

use super::{Chrome, PageErr, PageError, PageResult, Visit, render, require, unprocessable};
use crate::auth::{CsrfForm, Ctx};
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query};
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use std::collections::BTreeMap;
use thamgia_actions::moderation;
use thamgia_actions::{Act, ActionError};
use thamgia_domain::access::{Actor, Permission, Principal};
use thamgia_domain::results::ModerationStep;
use thamgia_domain::voice::mask_contacts;
use thamgia_store::indicators;
use thamgia_store::responses;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/moderation", get(queue))
        .route("/moderation/{answer_id}", post(decide))
        .route("/alerts", get(alerts))
        .route("/alerts/{id}", get(alert))
        .route("/alerts/{id}/resolve", post(resolve))
}

/// Open safeguarding alerts the user must handle (0 for those who do not
/// handle them). For the banner on the coordinator's home page.
pub async fn alert_count(state: &AppState, p: &Principal) -> u64 {
    if !p.can(Permission::Safeguard) {
        return 0;
    }
    indicators::open_alert_count(&state.db.conn, &p.scope())
        .await
        .unwrap_or(0)
}

/// One text waiting for a decision, with what the moderator typed when the
/// form came back with an error.
pub struct Item {
    pub id: i32,
    pub consultation_id: i32,
    pub consultation: String,
    pub question: String,
    pub text: String,
    pub suggested: String,
    pub has_phone: bool,
    pub note: String,
    pub errors: BTreeMap<String, String>,
}

impl Item {
    fn has_error(&self, f: &str) -> bool {
        self.errors.contains_key(f)
    }
}

#[derive(Template)]
#[template(path = "moderation.html")]
struct QueuePage {
    c: Chrome,
    items: Vec<Item>,
    done: Option<String>,
    problem: Option<String>,
    /// Open safeguarding alerts, for those who handle them.
    alerts: u64,
    /// Consultations with texts waiting: id, title, how many.
    waiting: Vec<(i32, String, usize)>,
    /// The consultation the queue is narrowed to.
    only: Option<i32>,
    /// The days the queue is narrowed to, as typed (`from`, `to`).
    from: String,
    to: String,
    /// A date of the address that is no date (field → code).
    errors: BTreeMap<String, String>,
    only_title: Option<String>,
    /// Texts waiting in the queue as narrowed (every page).
    total: usize,
    pager: crate::pager::Pager,
    /// The query a decision's form keeps (consultation and page), `?…` or empty.
    keep: String,
}

impl QueuePage {
    /// The date fields of the filter: name, label key, value as typed, and
    /// its error (empty when none).
    fn date_fields(&self) -> [(&'static str, &'static str, &str, String); 2] {
        [
            (
                "from",
                "moderation-from",
                &self.from,
                self.filter_error("from"),
            ),
            ("to", "moderation-to", &self.to, self.filter_error("to")),
        ]
    }

    /// The message of a refused filter field, naming it.
    fn filter_error(&self, f: &str) -> String {
        self.errors
            .get(f)
            .map(|code| {
                format!(
                    "{}: {}",
                    self.c.t(&format!("moderation-{f}")),
                    self.c
                        .t(&format!("moderation-err-{}", code.replace('_', "-")))
                )
            })
            .unwrap_or_default()
    }

    fn error(&self, i: &Item, f: &str) -> String {
        i.errors
            .get(f)
            .map(|code| self.c.t(&format!("results-err-{}", code.replace('_', "-"))))
            .unwrap_or_default()
    }
}

/// What came back from a refused decision, to show again.
struct Retry {
    answer_id: i32,
    text: String,
    note: String,
    errors: BTreeMap<String, String>,
}

async fn queue_page(
    state: &AppState,
    p: &Principal,
    ctx: &Ctx,
    retry: Option<Retry>,
    done: Option<String>,
    narrow: &Narrow,
    page: Option<&str>,
) -> Result<QueuePage, PageError> {
    let lang = ctx.lang;
    let db = &state.db.conn;
    let only = narrow.only;
    let mut pending: Vec<_> = responses::pending_texts_dated(db, &p.scope())
        .await
        .page(lang)?
        .into_iter()
        .filter(|(_, _, at)| narrow.holds(at.date_naive()))
        .map(|(a, k, _)| (a, k))
        .collect();
    // Every consultation with texts waiting, for the filter (oldest text first).
    let mut waiting: Vec<(i32, String, usize)> = Vec::new();
    for (_, k) in &pending {
        match waiting.iter_mut().find(|w| w.0 == k.id) {
            Some(w) => w.2 += 1,
            None => waiting.push((k.id, k.title.clone(), 1)),
        }
    }
    let only_title = only.and_then(|id| waiting.iter().find(|w| w.0 == id).map(|w| w.1.clone()));
    if let Some(id) = only {
        pending.retain(|(_, k)| k.id == id);
    }
    let total = pending.len();
    let here: axum::http::Uri = format!("/moderation?{}", narrow.query().join("&"))
        .parse()
        .unwrap_or_default();
    let (pending, pager) = crate::pager::Pager::cut(pending, page, &here);
    let keep = {
        let mut q = narrow.query();
        if pager.page > 1 {
            q.push(format!("page={}", pager.page));
        }
        if q.is_empty() {
            String::new()
        } else {
            format!("?{}", q.join("&"))
        }
    };
    let qids: Vec<i32> = pending.iter().map(|(a, _)| a.question_id).collect();
    let questions = indicators::questions_by_id(db, &qids).await.page(lang)?;
    let mut problem = None;
    if let Some(r) = &retry
        && !pending.iter().any(|(a, _)| a.id == r.answer_id)
    {
        problem = r
            .errors
            .values()
            .next()
            .map(|code| lang.t(&format!("results-err-{}", code.replace('_', "-"))));
    }
    let items = pending
        .into_iter()
        .map(|(a, k)| {
            let text = a.text.clone().unwrap_or_default();
            let suggested = mask_contacts(&text);
            let question = questions
                .get(&a.question_id)
                .map(|q| {
                    lang.pick(&q.text_vi, q.text_en.as_deref().unwrap_or(""))
                        .to_string()
                })
                .unwrap_or_default();
            let mine = retry.as_ref().filter(|r| r.answer_id == a.id);
            Item {
                id: a.id,
                consultation_id: k.id,
                consultation: k.title,
                question,
                has_phone: suggested != text,
                suggested: mine.map_or(suggested, |r| r.text.clone()),
                note: mine.map(|r| r.note.clone()).unwrap_or_default(),
                errors: mine.map(|r| r.errors.clone()).unwrap_or_default(),
                text,
            }
        })
        .collect();
    let alerts = alert_count(state, p).await;
    Ok(QueuePage {
        c: Chrome::new(ctx, "moderation-title"),
        items,
        done,
        problem,
        alerts,
        waiting,
        only,
        from: narrow.from_text.clone(),
        to: narrow.to_text.clone(),
        errors: narrow.errors.clone(),
        only_title,
        total,
        pager,
        keep,
    })
}

#[derive(serde::Deserialize)]
pub struct DoneQuery {
    done: Option<String>,
    /// Only this consultation's texts (`?consultation=<id>`).
    consultation: Option<String>,
    /// Only texts given on or after this day (`dd/mm/yyyy` or `yyyy-mm-dd`).
    from: Option<String>,
    /// Only texts given on or before this day.
    to: Option<String>,
    /// The page of the queue (`web::pager`).
    page: Option<String>,
}

/// What the queue is narrowed to, as the address says: a consultation and
/// the days the texts were given (both ends kept). A date that is no date is
/// an error by field, and that end narrows nothing.
struct Narrow {
    only: Option<i32>,
    from: Option<chrono::NaiveDate>,
    to: Option<chrono::NaiveDate>,
    from_text: String,
    to_text: String,
    errors: BTreeMap<String, String>,
}

impl Narrow {
    fn read(q: &DoneQuery) -> Narrow {
        let mut errors = BTreeMap::new();
        let mut date = |field: &str, v: Option<&str>| {
            let t = v.unwrap_or("").trim();
            if t.is_empty() {
                return (None, String::new());
            }
            let d = thamgia_domain::activities::parse_date(t);
            if d.is_none() {
                errors.insert(field.to_string(), "not_a_date".to_string());
            }
            (d, t.to_string())
        };
        let (from, from_text) = date("from", q.from.as_deref());
        let (to, to_text) = date("to", q.to.as_deref());
        let (from, to) = match (from, to) {
            (Some(a), Some(b)) if b < a => {
                errors.insert("to".into(), "date_order".into());
                (Some(a), None)
            }
            x => x,
        };
        Narrow {
            only: q
                .consultation
                .as_deref()
                .and_then(|v| v.trim().parse().ok()),
            from,
            to,
            from_text,
            to_text,
            errors,
        }
    }

    /// A text given on `day` is in the queue.
    fn holds(&self, day: chrono::NaiveDate) -> bool {
        self.from.is_none_or(|f| day >= f) && self.to.is_none_or(|t| day <= t)
    }

    /// The query that keeps the narrowing (in the pager's links, a
    /// decision's form and the address it comes back to); dates as typed.
    fn query(&self) -> Vec<String> {
        let enc = query_value;
        let mut q = vec![];
        if let Some(k) = self.only {
            q.push(format!("consultation={k}"));
        }
        if !self.from_text.is_empty() {
            q.push(format!("from={}", enc(&self.from_text)));
        }
        if !self.to_text.is_empty() {
            q.push(format!("to={}", enc(&self.to_text)));
        }
        q
    }
}

/// A value as it goes in an address's query.
fn query_value(s: &str) -> String {
    serde_urlencoded::to_string([("", s)])
        .map(|x| x.trim_start_matches('=').to_string())
        .unwrap_or_default()
}

/// The queue of texts waiting in the moderator's scope, oldest first.
pub async fn queue(Visit { state, p, ctx }: Visit, Query(q): Query<DoneQuery>) -> PageResult {
    require(&p, Permission::Moderate, ctx.lang)?;
    let done = q
        .done
        .clone()
        .filter(|d| ModerationStep::parse(d).is_some())
        .map(|d| ctx.lang.t(&format!("moderation-done-{d}")));
    let narrow = Narrow::read(&q);
    let page = queue_page(&state, &p, &ctx, None, done, &narrow, q.page.as_deref()).await?;
    if narrow.errors.is_empty() {
        Ok(render(&page))
    } else {
        Ok(unprocessable(render(&page)))
    }
}

/// The decision as the form sends it: the action's input.
pub use thamgia_actions::moderation::DecisionInput as DecisionForm;

pub async fn decide(
    Visit { state, p, ctx }: Visit,
    Path(answer_id): Path<String>,
    Query(q): Query<DoneQuery>,
    CsrfForm(f): CsrfForm<DecisionForm>,
) -> PageResult {
    let lang = ctx.lang;
    require(&p, Permission::Moderate, lang)?;
    let narrow = Narrow::read(&q);
    let answer_id = super::results::path_id(&answer_id, lang)?;
    let act = Act::new(&state.db.conn, &p, state.now());
    match moderation::apply(act, answer_id, &f).await {
        Ok(_) => {
            let back: String = narrow
                .query()
                .into_iter()
                .map(|x| format!("&{x}"))
                .chain(q.page.as_deref().map(|n| format!("&page={}", n.trim())))
                .collect();
            Ok(Redirect::to(&format!("/moderation?done={}{back}", f.action)).into_response())
        }
        Err(ActionError::Invalid { fields, .. }) => {
            let retry = Retry {
                answer_id,
                text: f.text.unwrap_or_default(),
                note: f.note.unwrap_or_default(),
                errors: fields,
            };
            let page = queue_page(
                &state,
                &p,
                &ctx,
                Some(retry),
                None,
                &narrow,
                q.page.as_deref(),
            )
            .await?;
            Ok(unprocessable(render(&page)))
        }
        Err(e) => Err(PageError(e.into(), lang)),
    }
}

// --- safeguarding -----------------------------------------------------------

pub struct AlertRow {
    pub id: i32,
    pub consultation_id: i32,
    pub consultation: String,
    pub raised: String,
    pub note: String,
}

#[derive(Template)]
#[template(path = "alerts.html")]
struct AlertsPage {
    c: Chrome,
    rows: Vec<AlertRow>,
    resolved: bool,
}

#[derive(serde::Deserialize)]
pub struct ResolvedQuery {
    resolved: Option<String>,
}

/// Open safeguarding alerts in the scope, newest first.
pub async fn alerts(Visit { state, p, ctx }: Visit, Query(q): Query<ResolvedQuery>) -> PageResult {
    let lang = ctx.lang;
    require(&p, Permission::Safeguard, lang)?;
    let rows = responses::open_alerts(&state.db.conn, &p.scope())
        .await
        .page(lang)?
        .into_iter()
        .map(|(a, k)| AlertRow {
            id: a.id,
            consultation_id: k.id,
            consultation: k.title,
            raised: lang.date(a.raised_at.date_naive()),
            note: a.note,
        })
        .collect();
    Ok(render(&AlertsPage {
        c: Chrome::new(&ctx, "safeguard-title"),
        rows,
        resolved: q.resolved.is_some(),
    }))
}

#[derive(Template)]
#[template(path = "moderation_alert.html")]
struct AlertPage {
    c: Chrome,
    id: i32,
    consultation_id: i32,
    consultation: String,
    question: String,
    text: String,
    note: String,
    raised: String,
    resolved_on: Option<String>,
}

/// One alert with the flagged text, for those who handle safeguarding.
pub async fn alert(Visit { state, p, ctx }: Visit, Path(id): Path<String>) -> PageResult {
    let lang = ctx.lang;
    require(&p, Permission::Safeguard, lang)?;
    let id = super::results::path_id(&id, lang)?;
    let (a, ans, q, k) = indicators::alert_in_scope(&state.db.conn, &p.scope(), id)
        .await
        .page(lang)?;
    Ok(render(&AlertPage {
        c: Chrome::new(&ctx, "safeguard-alert-title"),
        id: a.id,
        consultation_id: k.id,
        consultation: k.title,
        question: lang
            .pick(&q.text_vi, q.text_en.as_deref().unwrap_or(""))
            .to_string(),
        text: ans.text.unwrap_or_default(),
        note: a.note,
        raised: lang.date(a.raised_at.date_naive()),
        resolved_on: a.resolved_at.map(|d| lang.date(d.date_naive())),
    }))
}

#[derive(serde::Deserialize)]
pub struct Empty {}

pub async fn resolve(
    Visit { state, p, ctx }: Visit,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm<Empty>,
) -> PageResult {
    let lang = ctx.lang;
    require(&p, Permission::Safeguard, lang)?;
    let id = super::results::path_id(&id, lang)?;
    let db = &state.db.conn;
    let (a, _, _, _) = indicators::alert_in_scope(db, &p.scope(), id)
        .await
        .page(lang)?;
    if a.resolved_at.is_none() {
        responses::resolve_alert(db, &Actor::from(&p), state.now(), &p.scope(), id)
            .await
            .page(lang)?;
    }
    Ok(Redirect::to("/alerts?resolved=1").into_response())
}
