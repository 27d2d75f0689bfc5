//! Members of a council or a club, one way for both models: add a child
//! (in scope, inside the model's unit, with a consent that stands, not
//! already a member) and end a membership (a council term ends, a child
//! leaves a club). The model decides only the names: a council member has a
//! role and a term (`term_start`, `term_end`), a club member is a child
//! leader or not and has joined (`joined_on`) and left (`left_on`).

use crate::catalog::Action;
use crate::models::{date_or_today, optional_date, required_date};
use crate::people::consenting_child;
use crate::{Act, ActionResult, Fields, invalid, invalid_one};
use chrono::NaiveDate;
use thamgia_domain::access::Permission;
use thamgia_domain::models::CouncilRole;
pub use thamgia_store::membership::Model;
use thamgia_store::membership::{self, NewMember, Role, Row};
use thamgia_store::{StoreError, clubs, councils};

/// The write actions of this module (`catalog::all`).
pub const ACTIONS: &[Action] = &[
    Action::unit("councils.add_member", Permission::ManageModels),
    Action::unit("councils.end_member", Permission::ManageModels),
    Action::unit("clubs.add_member", Permission::ManageModels),
    Action::unit("clubs.end_member", Permission::ManageModels),
];

/// The names a model gives its members' fields and errors.
pub struct Names {
    /// The first day: `term_start`, `joined_on`.
    pub start: &'static str,
    /// The last day: `term_end`, `left_on`.
    pub end: &'static str,
    /// The first day is before the model was set up.
    pub before_set_up: &'static str,
}

pub fn names(model: Model) -> Names {
    match model {
        Model::Council => Names {
            start: "term_start",
            end: "term_end",
            before_set_up: "before_established",
        },
        Model::Club => Names {
            start: "joined_on",
            end: "left_on",
            before_set_up: "before_founded",
        },
    }
}

/// A new member as sent.
#[derive(Debug, Default, Clone)]
pub struct MemberInput {
    /// Id of a child in scope with a consent that stands, as typed.
    pub person: String,
    /// A council member's role: chair | vice_chair | secretary | member.
    pub role: String,
    /// A club's child leader.
    pub is_leader: bool,
    /// `term_start` / `joined_on`.
    pub start: String,
    /// A council term's last day (optional).
    pub end: String,
}

/// The end of a membership as sent: empty for today.
#[derive(Debug, Default, Clone)]
pub struct EndInput {
    pub end: String,
}

/// A council or club in the caller's scope, as its roster needs it.
pub struct Roster {
    pub model: Model,
    pub id: i32,
    /// The unit the model counts for: its members live inside it.
    pub unit_path: String,
    /// The day it was set up (established, founded).
    pub since: NaiveDate,
}

/// The council or club in the caller's scope; `NotFound` outside it.
pub async fn load(act: Act<'_>, model: Model, id: i32) -> ActionResult<Roster> {
    let scope = act.p.scope();
    Ok(match model {
        Model::Council => {
            let (k, u) = councils::get_in_scope(act.db, &scope, id).await?;
            Roster {
                model,
                id: k.id,
                unit_path: u.path,
                since: k.established_on,
            }
        }
        Model::Club => {
            let (k, u, _) = clubs::get_in_scope(act.db, &scope, id).await?;
            Roster {
                model,
                id: k.id,
                unit_path: u.path,
                since: k.founded_on,
            }
        }
    })
}

/// The council or club a caller adds members to: `ManageModels` and
/// `ViewNames`, then in scope.
pub async fn load_roster(act: Act<'_>, model: Model, id: i32) -> ActionResult<Roster> {
    act.require(Permission::ManageModels)?;
    act.require(Permission::ViewNames)?;
    load(act, model, id).await
}

/// Adds a member; the new membership's id.
pub async fn add(act: Act<'_>, model: Model, id: i32, f: &MemberInput) -> ActionResult<i32> {
    let r = load_roster(act, model, id).await?;
    let n = check_member(act, &r, f).await?;
    match membership::add(act.db, &act.actor(), act.now, r.id, n).await {
        Ok(row) => Ok(row.id()),
        Err(StoreError::Conflict { field }) => Err(invalid_one(
            "person",
            if field == "consent" {
                "no_consent"
            } else {
                "already_member"
            },
        )),
        Err(e) => Err(e.into()),
    }
}

/// The membership `member_id` of the council or club, for the caller who
/// may end it (`ManageModels`); `NotFound` outside the scope or the roster.
pub async fn load_member(
    act: Act<'_>,
    model: Model,
    id: i32,
    member_id: i32,
) -> ActionResult<(Roster, Row)> {
    act.require(Permission::ManageModels)?;
    let r = load(act, model, id).await?;
    let m = membership::member(act.db, model, r.id, member_id).await?;
    Ok((r, m))
}

/// Ends a membership on the day sent (today when empty).
pub async fn end(
    act: Act<'_>,
    model: Model,
    id: i32,
    member_id: i32,
    f: &EndInput,
) -> ActionResult<i32> {
    let (r, m) = load_member(act, model, id, member_id).await?;
    let on = check_end(model, &m, f, act.now.date_naive())?;
    membership::end(act.db, &act.actor(), act.now, model, r.id, member_id, on).await?;
    Ok(member_id)
}

async fn check_member(act: Act<'_>, r: &Roster, f: &MemberInput) -> ActionResult<NewMember> {
    let names = names(r.model);
    let mut e = Fields::new();
    let person = consenting_child(act, &f.person, Some(&r.unit_path), &mut e).await?;
    if let Some(person) = &person
        && membership::is_open(act.db, r.model, r.id, person.id).await?
    {
        e.insert("person".into(), "already_member".into());
    }
    let role = match r.model {
        Model::Club => Some(Role::Club {
            leader: f.is_leader,
        }),
        Model::Council if f.role.trim().is_empty() => {
            e.insert("role".into(), "required".into());
            None
        }
        Model::Council => {
            let r = CouncilRole::parse(f.role.trim());
            if r.is_none() {
                e.insert("role".into(), "unknown_option".into());
            }
            r.map(Role::Council)
        }
    };
    let start = required_date(&mut e, names.start, &f.start);
    let end = match r.model {
        Model::Council => optional_date(&mut e, names.end, &f.end),
        Model::Club => None,
    };
    if let (Some(s), Some(t)) = (start, end)
        && t < s
    {
        e.insert(names.end.into(), "end_before_start".into());
    }
    if start.is_some_and(|s| s < r.since) {
        e.insert(names.start.into(), names.before_set_up.into());
    }
    match (person, role, start) {
        (Some(person), Some(role), Some(start)) if e.is_empty() => Ok(NewMember {
            person_id: person.id,
            role,
            start,
            end,
        }),
        _ => Err(invalid(e)),
    }
}

/// The day a membership ends: today when empty, not before it began, and
/// only once.
pub fn check_end(model: Model, m: &Row, f: &EndInput, today: NaiveDate) -> ActionResult<NaiveDate> {
    let field = names(model).end;
    let mut e = Fields::new();
    let on = date_or_today(&mut e, field, &f.end, today);
    if m.end().is_some() {
        e.insert(field.into(), "already_ended".into());
    } else if on.is_some_and(|d| d < m.start()) {
        e.insert(field.into(), "end_before_start".into());
    }
    match on {
        Some(d) if e.is_empty() => Ok(d),
        _ => Err(invalid(e)),
    }
}
