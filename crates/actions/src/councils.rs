//! Children's Councils: set one up (one per unit, at a level the governing
//! plan lists) and record a dialogue with People's Council representatives.
//! Members are `membership` (with `Model::Council`).

use crate::catalog::Action;
use crate::models::{
    LEVEL_NOT_ALLOWED, count, held_day, level_refused, required_date, text, unit_in_scope,
};
use crate::recommendations::{RecommendationInput, Source};
use crate::{Act, ActionResult, Fields, invalid, invalid_one};
use chrono::{Datelike, NaiveDate};
use thamgia_domain::access::Permission;
use thamgia_domain::models::RecommendationSource;
use thamgia_store::councils::{self, NewCouncil, NewDialogue};
use thamgia_store::entity::{council, council_dialogue, recommendation, unit};
use thamgia_store::{StoreError, plans};

/// The write actions of this module (`catalog::all`; members: `membership`).
pub const ACTIONS: &[Action] = &[
    Action::unit("councils.create", Permission::ManageModels),
    Action::unit("councils.add_dialogue", Permission::RecordActivities),
    Action::unit("councils.add_recommendation", Permission::ManageModels),
];

pub const MAX_NAME: usize = 200;
pub const MAX_ATTENDEES: usize = 2000;
pub const MAX_ISSUES: usize = 5000;
pub const MAX_CHILDREN: i64 = 500;

/// A new council as sent.
#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(default)]
pub struct CouncilInput {
    /// Code of a district in scope.
    pub unit: String,
    pub name: String,
    pub established_on: String,
}

/// A dialogue as sent.
#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(default)]
pub struct DialogueInput {
    pub held_on: String,
    /// The adults who took part (People's Council representatives), names and positions.
    pub attendees: String,
    pub issues: String,
    pub children_present: String,
}

/// Sets up a unit's council (`ManageModels`).
pub async fn create(act: Act<'_>, f: &CouncilInput) -> ActionResult<council::Model> {
    act.require(Permission::ManageModels)?;
    let n = check_new(act, f).await?;
    councils::create(act.db, &act.actor(), act.now, n)
        .await
        .map_err(|e| match e {
            StoreError::Conflict { field: "unit" } => invalid_one("unit", "council_exists"),
            other => level_refused(other),
        })
}

/// The council in the caller's scope; `NotFound` outside it.
pub async fn load(act: Act<'_>, id: i32) -> ActionResult<(council::Model, unit::Model)> {
    Ok(councils::get_in_scope(act.db, &act.p.scope(), id).await?)
}

/// Records a dialogue (`RecordActivities`).
pub async fn add_dialogue(
    act: Act<'_>,
    id: i32,
    f: &DialogueInput,
) -> ActionResult<council_dialogue::Model> {
    act.require(Permission::RecordActivities)?;
    let (k, _) = load(act, id).await?;
    let n = check_dialogue(&k, f, act.now.date_naive())?;
    Ok(councils::add_dialogue(act.db, &act.actor(), act.now, k.id, n).await?)
}

/// Where a dialogue's recommendations come from.
pub fn dialogue_source(k: &council::Model, d: &council_dialogue::Model) -> Source {
    Source {
        source: RecommendationSource::CouncilDialogue,
        id: d.id,
        unit_id: k.unit_id,
        year: d.year,
        earliest_deadline: d.held_on,
    }
}

/// Records a recommendation the children raised at a dialogue
/// (`ManageModels`).
pub async fn add_recommendation(
    act: Act<'_>,
    id: i32,
    dialogue_id: i32,
    f: &RecommendationInput,
) -> ActionResult<recommendation::Model> {
    act.require(Permission::ManageModels)?;
    let (k, _) = load(act, id).await?;
    let d = councils::dialogue(act.db, k.id, dialogue_id).await?;
    crate::recommendations::create(act, &dialogue_source(&k, &d), f).await
}

async fn check_new(act: Act<'_>, f: &CouncilInput) -> ActionResult<NewCouncil> {
    let today = act.now.date_naive();
    let mut e = Fields::new();
    let established = required_date(&mut e, "established_on", &f.established_on);
    let year = established.unwrap_or(today).year();
    let mut unit = unit_in_scope(act.db, act.p, &mut e, "unit", &f.unit).await?;
    if let Some(u) = &unit {
        if !plans::holds(act.db, &u.path, &u.level, "council", year).await? {
            e.insert("unit".into(), LEVEL_NOT_ALLOWED.into());
            unit = None;
        } else if councils::of_unit(act.db, u.id).await?.is_some() {
            e.insert("unit".into(), "council_exists".into());
        }
    }
    let name = text(&mut e, "name", &f.name, MAX_NAME);
    if established.is_some_and(|d| d > today) {
        e.insert("established_on".into(), "in_the_future".into());
    }
    match (unit, established) {
        (Some(u), Some(d)) if e.is_empty() => Ok(NewCouncil {
            unit_id: u.id,
            name,
            established_on: d,
        }),
        _ => Err(invalid(e)),
    }
}

pub fn check_dialogue(
    k: &council::Model,
    f: &DialogueInput,
    today: NaiveDate,
) -> ActionResult<NewDialogue> {
    let mut e = Fields::new();
    let since = (k.established_on, "before_established");
    let held = held_day(&mut e, "held_on", &f.held_on, since, today);
    let attendees = text(&mut e, "attendees", &f.attendees, MAX_ATTENDEES);
    let issues = text(&mut e, "issues", &f.issues, MAX_ISSUES);
    let children = count(
        &mut e,
        "children_present",
        &f.children_present,
        1,
        MAX_CHILDREN,
    );
    match (held, children) {
        (Some(d), Some(n)) if e.is_empty() => Ok(NewDialogue {
            held_on: d,
            attendees,
            issues,
            children_present: n,
        }),
        _ => Err(invalid(e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::testing::{d, refused};

    fn council() -> council::Model {
        council::Model {
            id: 1,
            unit_id: 1,
            name: "Hội đồng trẻ em huyện Tam Đường".into(),
            established_on: d(2016, 6, 1),
            ended_on: None,
            created_by: None,
            created_at: chrono::DateTime::from_timestamp(0, 0).unwrap_or_default(),
        }
    }

    #[test]
    fn a_dialogue_needs_its_facts_and_a_child() {
        let today = d(2019, 12, 1);
        let e = refused(check_dialogue(&council(), &DialogueInput::default(), today));
        for f in ["held_on", "attendees", "issues", "children_present"] {
            assert_eq!(e[f], "required", "{f}");
        }
        let f = DialogueInput {
            held_on: "01/01/2015".into(),
            attendees: "Ông Lò Văn Hưng, Phó Chủ tịch HĐND huyện".into(),
            issues: "Đường đến trường".into(),
            children_present: "0".into(),
        };
        let e = refused(check_dialogue(&council(), &f, today));
        assert_eq!(e["held_on"], "before_established");
        assert_eq!(e["children_present"], "total_zero");
        let ok = DialogueInput {
            held_on: "15/05/2019".into(),
            children_present: "12".into(),
            ..f
        };
        let n = check_dialogue(&council(), &ok, today).expect("valid");
        assert_eq!(n.children_present, 12);
    }
}
