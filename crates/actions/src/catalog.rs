//! Every write action, named, with the permission it needs and what owns its
//! target. The access test (`tests/it/access.rs`, `every_action_*`) walks
//! this list and fails on an action without a case, so an action added here
//! without its access case fails the suite; an action written without an
//! entry here is caught in review by the module's one-entry-per-function
//! layout.

use thamgia_domain::access::Permission;

/// Who owns the record an action changes, which decides the
/// own/other cases the access test tries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Owner {
    /// A record of a unit: the caller's scope decides.
    Unit,
    /// A record an agency owns inside a unit: scope, and for an agency
    /// officer their own agency (`Principal::may_manage`).
    Agency,
}

/// One write action.
#[derive(Debug, Clone, Copy)]
pub struct Action {
    /// `area.verb`, e.g. `matters.create`.
    pub name: &'static str,
    pub permission: Permission,
    pub owner: Owner,
}

impl Action {
    /// An action on a unit's record: the caller's scope decides.
    pub const fn unit(name: &'static str, permission: Permission) -> Action {
        Action {
            name,
            permission,
            owner: Owner::Unit,
        }
    }

    /// An action on a record an agency owns inside a unit.
    pub const fn agency(name: &'static str, permission: Permission) -> Action {
        Action {
            name,
            permission,
            owner: Owner::Agency,
        }
    }
}

/// Every write action of the layer: each action module lists its own in
/// `ACTIONS`, next to the functions.
pub fn all() -> Vec<Action> {
    [
        crate::matters::ACTIONS,
        crate::forums::ACTIONS,
        crate::recommendations::ACTIONS,
        crate::activities::ACTIONS,
        crate::annual_plans::ACTIONS,
        crate::funding::ACTIONS,
        crate::population::ACTIONS,
        crate::reports::ACTIONS,
        crate::agency_reports::ACTIONS,
        crate::reviews::ACTIONS,
        crate::councils::ACTIONS,
        crate::clubs::ACTIONS,
        crate::membership::ACTIONS,
        crate::people::ACTIONS,
        crate::handover::ACTIONS,
        crate::consultations::ACTIONS,
        crate::responses::ACTIONS,
        crate::moderation::ACTIONS,
        crate::results::ACTIONS,
        crate::reminders::ACTIONS,
        crate::inspections::ACTIONS,
    ]
    .concat()
}
