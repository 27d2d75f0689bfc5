//! Demo reminders (đôn đốc): the demo coordinator reminds a few overdue
//! parties at once, as on the page, so the reminders page, the inbox of the
//! reminded and the letter have something to show. Two demo officers get an
//! address at example.org (a domain that receives nothing), so a demo run
//! with `--smtp-url` mails them. Runs after every other demo record, on the
//! overdue list of `now`.

use chrono::{DateTime, Utc};
use thamgia_actions::Act;
use thamgia_actions::reminders::{RemindInput, send};
use thamgia_domain::access::Actor;
use thamgia_store::reminders::overdue;
use thamgia_store::users::{self, UserChanges};
use thamgia_store::{Db, reminders};

/// How many overdue items the demo coordinator reminds of, the earliest due
/// first, one of each kind before the rest.
pub const REMINDED: usize = 6;

/// The demo officers given an address.
const ADDRESSES: [(&str, &str); 2] = [
    ("district106", "can-bo.tamduong@example.org"),
    ("agency106", "phong-gddt.tamduong@example.org"),
];

/// Gives two officers an address and sends one batch of reminders from the
/// demo coordinator: how many reminders (0 when nothing is overdue or there
/// is no coordinator).
pub async fn fill(db: &Db, now: DateTime<Utc>) -> anyhow::Result<usize> {
    let c = &db.conn;
    for (username, email) in ADDRESSES {
        if let Some(u) = users::by_username(c, username).await? {
            let ch = UserChanges {
                email: Some(Some(email.to_string())),
                ..Default::default()
            };
            users::update(c, &Actor::system("demo"), now, u.id, ch).await?;
        }
    }
    let Some(coordinator) = users::by_username(c, "coordinator").await? else {
        return Ok(0);
    };
    let p = users::principal(c, &coordinator).await?;
    let items = overdue(c, &p, now.date_naive()).await?;
    let mut chosen: Vec<String> = Vec::new();
    for kind in reminders::KINDS {
        chosen.extend(
            items
                .iter()
                .filter(|o| o.kind == kind)
                .take(1)
                .map(|o| o.key()),
        );
    }
    for o in &items {
        if chosen.len() >= REMINDED {
            break;
        }
        if !chosen.contains(&o.key()) {
            chosen.push(o.key());
        }
    }
    if chosen.is_empty() {
        return Ok(0);
    }
    let input = RemindInput {
        items: chosen,
        all: false,
    };
    let sent = send(Act::new(c, &p, now), &input)
        .await
        .map_err(|e| anyhow::anyhow!("demo reminders: {e}"))?;
    Ok(sent.len())
}
