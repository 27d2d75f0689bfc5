//! Reminders (đôn đốc): the coordinator, or a district or commune for its
//! own units, reminds one party or every overdue party at once. What is
//! overdue is the store's (`store::reminders::overdue`, in the caller's
//! scope); this action picks the items chosen among it and records one
//! reminder per item. The mails are sent by the adapter after the
//! transaction commits (`thamgia_web::mail`).

use crate::catalog::Action;
use crate::{Act, ActionError, ActionResult, invalid_one};
use thamgia_domain::access::Permission;
use thamgia_store::entity::reminder;
use thamgia_store::reminders::{self, KINDS};

/// The write actions of this module (`catalog::all`).
pub const ACTIONS: &[Action] = &[Action::unit("reminders.send", Permission::Remind)];

/// Which overdue items to remind of: their keys (`kind:reference`, as the
/// overdue list gives them), or every one with `all`.
#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(default)]
pub struct RemindInput {
    pub items: Vec<String>,
    pub all: bool,
}

/// Whether a key is written as the overdue list writes them.
fn well_formed(key: &str) -> bool {
    key.split_once(':').is_some_and(|(kind, reference)| {
        KINDS.contains(&kind)
            && !reference.is_empty()
            && reference.chars().all(|c| c.is_ascii_digit() || c == '-')
    })
}

/// Records a reminder for each chosen overdue item (`Remind`). A key the
/// caller cannot see overdue (another district's unit, an item no longer
/// overdue) is `NotFound`; a key not written as a key, or nothing chosen,
/// is an error on `items` (`unknown_option`, `required`).
pub async fn send(act: Act<'_>, f: &RemindInput) -> ActionResult<Vec<reminder::Model>> {
    act.require(Permission::Remind)?;
    let today = act.now.date_naive();
    let overdue = reminders::overdue(act.db, act.p, today).await?;
    let chosen: Vec<_> = if f.all {
        overdue
    } else {
        let keys: Vec<&str> = f.items.iter().map(|k| k.trim()).collect();
        if keys
            .iter()
            .any(|k| well_formed(k) && !overdue.iter().any(|o| o.key() == *k))
        {
            return Err(ActionError::NotFound);
        }
        if keys.iter().any(|k| !well_formed(k)) {
            return Err(invalid_one("items", "unknown_option"));
        }
        overdue
            .into_iter()
            .filter(|o| keys.contains(&o.key().as_str()))
            .collect()
    };
    if chosen.is_empty() {
        return Err(invalid_one("items", "required"));
    }
    let batch = uuid::Uuid::new_v4().simple().to_string();
    let s = reminders::Sending {
        sent_by: Some(act.p.user_id),
        from_unit_id: act.p.unit_id,
        batch: &batch,
        automatic: false,
        ahead: false,
    };
    Ok(reminders::record(act.db, &act.actor(), act.now, &s, &chosen).await?)
}

#[cfg(test)]
mod tests {
    use super::well_formed;

    #[test]
    fn keys_are_kind_and_reference() {
        assert!(well_formed("report:12-2025"));
        assert!(well_formed("forum:7"));
        assert!(!well_formed("forum:"));
        assert!(!well_formed("letter:7"));
        assert!(!well_formed("forum:7 OR 1=1"));
    }
}
