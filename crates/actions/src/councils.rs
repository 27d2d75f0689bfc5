//! Children's Councils: set one up (one per unit, at a level the governing
//! plan lists) and record a dialogue with People's Council representatives.
//! Members are `membership` (with `Model::Council`).

use crate::catalog::Action;
use crate::models::{
    LEVEL_NOT_ALLOWED, MAX_CHILDREN_PRESENT, MAX_MODEL_NAME, count, held_day, level_refused,
    model_writes, required_date, text, unit_in_scope,
};
use crate::recommendations::{RecommendationInput, Source};
use crate::{Act, ActionResult, Fields, invalid, invalid_one};
use chrono::{Datelike, NaiveDate};
use thamgia_domain::access::Permission;
use thamgia_domain::models::RecommendationSource;
use thamgia_store::councils::{self, NewCouncil, NewDialogue};
use thamgia_store::entity::{council, council_dialogue, recommendation, unit};
use thamgia_store::{StoreError, plans};

pub const MAX_ATTENDEES: usize = 2000;
pub const MAX_ISSUES: usize = 5000;

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

model_writes! {
    "councils", councils, council::Model, CouncilInput,
    conflicts: |e| match e {
        StoreError::Conflict { field: "unit" } => invalid_one("unit", "council_exists"),
        other => level_refused(other),
    },
    /// Records a dialogue (`RecordActivities`).
    add_dialogue(DialogueInput) -> council_dialogue::Model,
    check_dialogue(established_on, "before_established") -> NewDialogue, dialogue,
}

/// The council in the caller's scope; `NotFound` outside it.
pub async fn load(act: Act<'_>, id: i32) -> ActionResult<(council::Model, unit::Model)> {
    Ok(councils::get_in_scope(act.db, &act.p.scope(), id).await?)
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
    let name = text(&mut e, "name", &f.name, MAX_MODEL_NAME);
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

/// The fields of a dialogue besides its day: the new dialogue when the day
/// and they are readable.
fn dialogue(e: &mut Fields, f: &DialogueInput, held: Option<NaiveDate>) -> Option<NewDialogue> {
    let attendees = text(e, "attendees", &f.attendees, MAX_ATTENDEES);
    let issues = text(e, "issues", &f.issues, MAX_ISSUES);
    let children = count(
        e,
        "children_present",
        &f.children_present,
        1,
        MAX_CHILDREN_PRESENT,
    );
    Some(NewDialogue {
        held_on: held?,
        attendees,
        issues,
        children_present: children?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::testing::{d, epoch, record_check};

    fn council() -> council::Model {
        council::Model {
            id: 1,
            unit_id: 1,
            name: "Hội đồng trẻ em huyện Tam Đường".into(),
            established_on: d(2016, 6, 1),
            ended_on: None,
            created_by: None,
            created_at: epoch(),
        }
    }

    #[test]
    fn a_dialogue_needs_its_facts_and_a_child() {
        let none = [
            ("held_on", "01/01/2015"),
            ("attendees", "Ông Lò Văn Hưng, Phó Chủ tịch HĐND huyện"),
            ("issues", "Đường đến trường"),
            ("children_present", "0"),
        ];
        let mut ok = none.to_vec();
        ok[0].1 = "15/05/2019";
        ok[3].1 = "12";
        let n = record_check(
            |f, today| check_dialogue(&council(), f, today),
            &["held_on", "attendees", "issues", "children_present"],
            &[(
                &none,
                &[
                    ("held_on", "before_established"),
                    ("children_present", "total_zero"),
                ],
            )],
            &ok,
        );
        assert_eq!(n.children_present, 12);
    }
}
