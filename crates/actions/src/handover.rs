//! Hand-over of what ended units left open (units through time): an
//! unanswered recommendation of an ended agency to an agency open today, an
//! answer owed to children by an ended unit to a unit open today. Each is one
//! audited store write; a refusal is a conflict on the field it names.

use crate::catalog::{Action, Owner};
use crate::{Act, ActionError, ActionResult};
use thamgia_domain::access::Permission;
use thamgia_store::handover;

/// The write actions of this module (`catalog::all`).
pub const ACTIONS: &[Action] = &[
    Action {
        name: "handover.recommendation",
        permission: Permission::ReviewReports,
        owner: Owner::Unit,
    },
    Action {
        name: "handover.answer",
        permission: Permission::ReviewReports,
        owner: Owner::Unit,
    },
];

/// What is handed over: a recommendation (to an agency) or an answer owed to
/// children (to a unit).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Item {
    Recommendation,
    Answer,
}

impl Item {
    /// The field naming where it goes: `agency`, `unit`.
    pub fn field(self) -> &'static str {
        match self {
            Item::Recommendation => "agency",
            Item::Answer => "unit",
        }
    }
}

/// Hands item `id` over to `to` (an agency's or unit's code); an empty `to`
/// is a conflict on the item's field.
pub async fn hand_over(act: Act<'_>, item: Item, id: i32, to: &str) -> ActionResult<()> {
    act.require(Permission::ReviewReports)?;
    let to = thamgia_domain::text::nfc(to.trim());
    if to.is_empty() {
        return Err(ActionError::Conflict {
            field: item.field().into(),
        });
    }
    let (db, actor, now, scope) = (act.db, act.actor(), act.now, act.p.scope());
    match item {
        Item::Recommendation => {
            handover::hand_over_recommendation(db, &actor, now, &scope, id, &to).await?;
        }
        Item::Answer => {
            handover::hand_over_answer(db, &actor, now, &scope, id, &to).await?;
        }
    }
    Ok(())
}
