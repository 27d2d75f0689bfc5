//! "Nhắc việc" (`/reminders`): what is overdue below the caller's unit —
//! reports, answers owed to children, recommendations, forum reports — each
//! with a checkbox, "remind the chosen" and "remind all"; then the reminders
//! sent, with how many of their mails went, and each batch's official
//! letter (công văn đôn đốc, .docx under Decree 30). The write is
//! `thamgia_actions::reminders::send`; mails go after it commits
//! (`crate::mail`). The JSON twin is `api/reminders.rs`.

use super::{Chrome, PageErr, PageError, PageResult, Visit, render, require, unprocessable};
use crate::auth::CsrfForm;
use crate::error::AppResult;
use crate::i18n::Lang;
use crate::mail;
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query};
use axum::response::{IntoResponse, Redirect};
use axum::routing::get;
use chrono::Duration;
use std::collections::BTreeMap;
use thamgia_actions::reminders::RemindInput;
use thamgia_actions::{Act, ActionError};
use thamgia_domain::access::{Permission, Principal};
use thamgia_store::reminders::{self, Overdue};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/reminders", get(page).post(send))
        .route("/reminders/batches/{batch}/letter.docx", get(letter))
}

/// Sent reminders are listed this many days back.
pub const SENT_DAYS: i64 = 90;

/// What falls due within this many days is listed as coming (when the
/// server reminds before due dates, within its days instead).
pub const UPCOMING_DAYS: i64 = 30;

/// One overdue item as the page lists it.
pub struct Row {
    pub key: String,
    pub kind: String,
    pub party: String,
    pub subject: String,
    pub due: String,
    pub days: String,
}

/// One sent reminder.
pub struct SentRow {
    pub batch: String,
    pub date: String,
    pub party: String,
    pub about: String,
    /// "2/3" mails sent, or a word when the party has no address.
    pub mails: String,
    pub unsent: bool,
}

#[derive(Template)]
#[template(path = "reminders.html")]
struct RemindersPage {
    c: Chrome,
    rows: Vec<Row>,
    /// What falls due soon, not overdue yet (`days`: days left).
    upcoming: Vec<Row>,
    /// The days ahead `upcoming` covers.
    ahead: String,
    sent: Vec<SentRow>,
    error: Option<String>,
    /// The batch just sent: its letter is offered first.
    done: Option<String>,
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct PageQuery {
    pub sent: String,
}

/// The party's name: the agency's, else the unit's.
pub fn party(lang: Lang, o: &Overdue) -> String {
    match &o.agency {
        Some(a) => lang.pick(&a.name_vi, &a.name_en).to_string(),
        None => lang.pick(&o.unit.name_vi, &o.unit.name_en).to_string(),
    }
}

async fn view(
    state: &AppState,
    p: &Principal,
    ctx: &crate::auth::Ctx,
    error: Option<String>,
    done: Option<String>,
) -> AppResult<RemindersPage> {
    let db = &state.db.conn;
    let lang = ctx.lang;
    let now = state.now();
    let today = now.date_naive();
    let row = |o: Overdue| Row {
        key: o.key(),
        kind: lang.t(&format!("reminder-kind-{}", o.kind)),
        party: party(lang, &o),
        subject: subject(lang, o.kind, &o.subject),
        due: lang.date(o.due_on),
        days: lang.int((today - o.due_on).num_days().abs()),
    };
    let rows = reminders::overdue(db, p, today)
        .await?
        .into_iter()
        .map(row)
        .collect();
    let ahead = state
        .config
        .auto_remind_before_days
        .unwrap_or(UPCOMING_DAYS);
    let upcoming = reminders::upcoming(db, p, today, ahead)
        .await?
        .into_iter()
        .map(row)
        .collect();
    let since = now - Duration::days(SENT_DAYS);
    let sent = reminders::sent(db, &p.scope(), since)
        .await?
        .into_iter()
        .map(|s| {
            let party = match &s.agency {
                Some(a) => lang.pick(&a.name_vi, &a.name_en).to_string(),
                None => lang.pick(&s.unit.name_vi, &s.unit.name_en).to_string(),
            };
            SentRow {
                batch: s.reminder.batch.clone(),
                date: lang.date(s.reminder.created_at.date_naive()),
                about: mail::sentence(lang, &s.reminder, &party),
                party,
                mails: if s.mails == 0 {
                    lang.t("reminders-no-address")
                } else {
                    format!(
                        "{}/{}",
                        lang.int(s.mails_sent as i64),
                        lang.int(s.mails as i64)
                    )
                },
                unsent: s.mails_sent < s.mails,
            }
        })
        .collect();
    Ok(RemindersPage {
        c: Chrome::new(ctx, "reminders-title"),
        rows,
        upcoming,
        ahead: lang.int(ahead),
        sent,
        error,
        done,
    })
}

/// A report's subject is its year; the others' are their words.
fn subject(lang: Lang, kind: &str, subject: &str) -> String {
    if kind == reminders::REPORT || kind == reminders::AGENCY_REPORT {
        lang.t_args("reminder-report-year", &[("year", subject.to_string())])
    } else {
        subject.to_string()
    }
}

pub async fn page(Visit { state, p, ctx }: Visit, Query(q): Query<PageQuery>) -> PageResult {
    require(&p, Permission::Remind, ctx.lang)?;
    let done = Some(q.sent).filter(|b| !b.is_empty() && b.chars().all(|c| c.is_ascii_hexdigit()));
    Ok(render(
        &view(&state, &p, &ctx, None, done).await.page(ctx.lang)?,
    ))
}

/// The form: `item.<key>` checkboxes, and `all` on the "remind all" button.
pub async fn send(
    Visit { state, p, ctx }: Visit,
    CsrfForm(form): CsrfForm<BTreeMap<String, String>>,
) -> PageResult {
    let lang = ctx.lang;
    let input = RemindInput {
        all: form.contains_key("all"),
        items: form
            .keys()
            .filter_map(|k| k.strip_prefix("item."))
            .map(str::to_string)
            .collect(),
    };
    let act = Act::new(&state.db.conn, &p, state.now());
    match thamgia_actions::reminders::send(act, &input).await {
        Ok(sent) => {
            mail::deliver_later(&state);
            let batch = sent.first().map(|r| r.batch.clone()).unwrap_or_default();
            Ok(Redirect::to(&format!("/reminders?sent={batch}")).into_response())
        }
        Err(ActionError::Invalid { fields, .. }) => {
            let error = fields
                .iter()
                .map(|(f, code)| {
                    format!(
                        "{}: {}",
                        lang.t(&format!("reminders-field-{f}")),
                        lang.t(&format!("invalid-{code}"))
                    )
                })
                .collect::<Vec<_>>()
                .join(" ");
            let page = view(&state, &p, &ctx, Some(error), None).await.page(lang)?;
            Ok(unprocessable(render(&page)))
        }
        Err(e) => Err(PageError(e.into(), lang)),
    }
}

async fn letter(Visit { state, p, ctx }: Visit, Path(batch): Path<String>) -> PageResult {
    require(&p, Permission::Remind, ctx.lang)?;
    Ok(
        crate::reminder_files::letter_file(&state.db.conn, &p, &batch)
            .await
            .page(ctx.lang)?
            .into_response(),
    )
}
