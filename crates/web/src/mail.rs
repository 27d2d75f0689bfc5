//! Reminders by e-mail: an SMTP transport (`--smtp-url`) and the sender that
//! delivers the pending mails of `store::reminders`, each claimed first so
//! that of two servers on one database only one sends it. A mail is sent
//! after the transaction that recorded its reminder commits; at start-up
//! the server sends what a crash left unsent. Addresses are never logged.

use crate::i18n::Lang;
use anyhow::Context;
use chrono::{DateTime, Utc};
use lettre::message::header::ContentType;
use lettre::message::{Mailbox, Message};
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use sea_orm::DatabaseConnection;
use thamgia_store::entity::reminder;
use thamgia_store::reminders::{self, MailParts};

/// The configured SMTP server and the sender's address.
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The URL may carry a password: never printed.
        f.write_str("Mailer")
    }
}

impl Mailer {
    /// A transport for `smtp://host:port` (plain; `?tls=required` for
    /// STARTTLS) or `smtps://user:pass@host` (TLS), sending from `from`.
    pub fn new(url: &str, from: &str) -> anyhow::Result<Mailer> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .context("the SMTP URL cannot be read (smtp://host:port or smtps://user:pass@host)")?
            .build();
        let from = from
            .parse()
            .context("the sender's address cannot be read")?;
        Ok(Mailer { transport, from })
    }
}

/// What one delivery round did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Delivered {
    pub sent: usize,
    /// Refused by the SMTP server or not deliverable: left pending.
    pub failed: usize,
}

/// The sentence that says what a reminder is about, as pages, the mail and
/// the letter write it.
pub fn sentence(lang: Lang, r: &reminder::Model, party: &str) -> String {
    let about = if reminders::is_ahead(r) {
        "soon"
    } else {
        "about"
    };
    lang.t_args(
        &format!("reminder-{about}-{}", r.kind),
        &[
            ("subject", r.subject.clone()),
            ("party", party.to_string()),
            ("due", lang.date(r.due_on)),
        ],
    )
}

fn message(m: &Mailer, parts: &MailParts) -> anyhow::Result<Message> {
    let to: Mailbox = parts
        .to
        .email
        .as_deref()
        .unwrap_or_default()
        .parse()
        .context("address")?;
    let lang = Lang::Vi;
    let subject = lang.t_args(
        "reminder-mail-subject",
        &[("unit", parts.from_unit.name_vi.clone())],
    );
    let greeting = lang.t_args(
        "reminder-mail-greeting",
        &[("name", parts.to.display_name.clone())],
    );
    let closing = lang.t_args(
        "reminder-mail-closing",
        &[
            ("unit", parts.from_unit.name_vi.clone()),
            ("date", lang.date(parts.reminder.created_at.date_naive())),
        ],
    );
    let about = sentence(lang, &parts.reminder, &parts.party_vi);
    let body = format!("{greeting}\n\n{about}\n\n{closing}\n");
    Ok(Message::builder()
        .from(m.from.clone())
        .to(to)
        .subject(subject)
        .header(ContentType::TEXT_PLAIN)
        .body(body)?)
}

/// Sends every mail not sent yet (pending, or claimed by a sender that
/// stopped more than the lease ago), each claimed first: a mail another
/// server claimed is skipped.
pub async fn deliver(
    db: &DatabaseConnection,
    mailer: &Mailer,
    now: DateTime<Utc>,
) -> anyhow::Result<Delivered> {
    let claim = uuid::Uuid::new_v4().simple().to_string();
    let stale = now - chrono::Duration::minutes(reminders::LEASE_MINUTES);
    let mut done = Delivered::default();
    for m in reminders::unsent(db, stale).await? {
        if !reminders::claim(db, &m, &claim, now).await? {
            continue;
        }
        let sent = match reminders::mail_parts(db, &m).await? {
            Some(parts) => match message(mailer, &parts) {
                Ok(msg) => mailer.transport.send(msg).await.map(drop).map_err(|e| {
                    // Only the kind of failure: a server's answer may quote
                    // the address.
                    tracing::warn!(
                        reminder = m.reminder_id,
                        permanent = e.is_permanent(),
                        "reminder mail not sent"
                    );
                }),
                Err(_) => Err(()),
            },
            None => Err(()),
        };
        if sent.is_ok() {
            reminders::mark_sent(db, &m, &claim, now).await?;
            done.sent += 1;
        } else {
            reminders::release(db, &m, &claim).await?;
            done.failed += 1;
        }
    }
    Ok(done)
}

/// Sends the pending mails in the background, when a server is configured.
pub fn deliver_later(state: &crate::state::AppState) {
    let Some(mailer) = state.mailer.clone() else {
        return;
    };
    let (db, now) = (state.db.conn.clone(), state.now());
    tokio::spawn(async move {
        if let Err(e) = deliver(&db, &mailer, now).await {
            tracing::error!(error = %e, "reminder mails");
        }
    });
}

/// How often the server's automatic round runs.
pub const AUTO_ROUND: std::time::Duration = std::time::Duration::from_secs(3600);

/// Runs the automatic round now and every [`AUTO_ROUND`]: what is due
/// within so many days, or so many days overdue, is reminded once
/// (`store::reminders::round`), then mailed.
pub fn remind_automatically(state: crate::state::AppState, when: reminders::Round) {
    tokio::spawn(async move {
        let mut every = tokio::time::interval(AUTO_ROUND);
        loop {
            every.tick().await;
            match reminders::round(&state.db.conn, state.now(), when).await {
                Ok(sent) => {
                    if !sent.is_empty() {
                        tracing::info!(reminders = sent.len(), "automatic reminders");
                        deliver_later(&state);
                    }
                }
                Err(e) => tracing::error!(error = %e, "automatic reminders"),
            }
        }
    });
}
