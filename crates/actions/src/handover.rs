//! Hand-over of what ended units left open (units through time): an
//! unanswered recommendation of an ended agency to an agency open today, an
//! answer owed to children by an ended unit to a unit open today. Each is one
//! audited store write; a refusal is a conflict on the field it names.

use crate::catalog::Action;
use crate::{Act, ActionError, ActionResult};
use thamgia_domain::access::Permission;
use thamgia_store::StoreError;
use thamgia_store::recommendations::{self, Reach};
use thamgia_store::{consultations, handover};

/// The write actions of this module (`catalog::all`).
pub const ACTIONS: &[Action] = &[
    Action::unit("handover.recommendation", Permission::ReviewReports),
    Action::unit("handover.answer", Permission::ReviewReports),
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

/// Hands item `id` over to `to` (an agency's or unit's code): `NotFound`
/// for an item outside the caller's scope, whatever else is wrong; an empty
/// `to` is a conflict on the item's field.
pub async fn hand_over(act: Act<'_>, item: Item, id: i32, to: &str) -> ActionResult<()> {
    act.require(Permission::ReviewReports)?;
    let scope = act.p.scope();
    match item {
        Item::Recommendation => {
            let reach = Reach {
                scope: scope.clone(),
                agency_id: None,
            };
            recommendations::get_in_reach(act.db, &reach, id).await?;
        }
        Item::Answer => {
            consultations::get_in_scope(act.db, &scope, id).await?;
        }
    }
    let to = thamgia_domain::text::nfc(to.trim());
    if to.is_empty() {
        return Err(ActionError::Conflict {
            field: item.field().into(),
        });
    }
    let (db, actor, now) = (act.db, act.actor(), act.now);
    let moved = match item {
        Item::Recommendation => {
            handover::hand_over_recommendation(db, &actor, now, &scope, id, &to)
                .await
                .map(drop)
        }
        Item::Answer => handover::hand_over_answer(db, &actor, now, &scope, id, &to)
            .await
            .map(drop),
    };
    match moved {
        // The item is in reach (above): what is not found is where it goes.
        Err(StoreError::NotFound) => Err(ActionError::Conflict {
            field: item.field().into(),
        }),
        other => Ok(other?),
    }
}
