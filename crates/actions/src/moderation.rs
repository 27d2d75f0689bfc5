//! Moderation of children's free text: approve, reject, redact, or flag a
//! safeguarding concern. `pages/moderation.rs` and `api/results.rs` call
//! [`apply`].

use crate::catalog::Action;
use crate::{Act, ActionError, ActionResult, invalid, invalid_one};
use thamgia_domain::access::Permission;
use thamgia_domain::results::{self as res, ModerationStep};
use thamgia_domain::voice::Moderation;
use thamgia_store::entity::answer;
use thamgia_store::responses::{self, ModerationAction};

/// The write actions of this module (`catalog::all`).
pub const ACTIONS: &[Action] = &[Action::unit("moderation.apply", Permission::Moderate)];

/// A moderator's decision as sent.
#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(default)]
pub struct DecisionInput {
    /// approve | reject | redact | flag
    pub action: String,
    /// For `redact`: the text that replaces the child's words.
    pub text: Option<String>,
    /// For `flag`: what the concern is.
    pub note: Option<String>,
}

/// Applies a moderator's decision to a free-text answer in the caller's
/// scope (`NotFound` outside it, or for an answer without text); stores
/// nothing on any error.
pub async fn apply(act: Act<'_>, answer_id: i32, f: &DecisionInput) -> ActionResult<answer::Model> {
    act.require(Permission::Moderate)?;
    let (a, _, _) = responses::answer_in_scope(act.db, &act.p.scope(), answer_id).await?;
    if a.text.is_none() {
        return Err(ActionError::NotFound);
    }
    let step =
        ModerationStep::parse(&f.action).ok_or_else(|| invalid_one("action", "unknown_action"))?;
    let (text, note) =
        res::validate_moderation(step, f.text.as_deref(), f.note.as_deref()).map_err(invalid)?;
    if !res::may_moderate(a.moderation.as_deref().and_then(Moderation::parse), step) {
        return Err(invalid_one("action", "already_moderated"));
    }
    let decision = match step {
        ModerationStep::Approve => ModerationAction::Approve,
        ModerationStep::Reject => ModerationAction::Reject,
        ModerationStep::Redact => ModerationAction::Redact(text.unwrap_or_default()),
        ModerationStep::Flag => ModerationAction::Flag(note.unwrap_or_default()),
    };
    Ok(responses::moderate(act.db, &act.actor(), act.now, a.id, decision).await?)
}
