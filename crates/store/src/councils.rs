//! Children's Councils (Hội đồng trẻ em): one per district, with members who
//! serve terms in a role, and dialogues with the People's Council. A council
//! "works" in a year when it held at least one dialogue that year.
//!
//! Members are identified children: a member row points at a person, and a
//! person is only ever added while their consent stands (checked again inside
//! the transaction). Nothing here writes a child's name to the audit trail.

use crate::Result;
use crate::entity::{council, council_dialogue, council_member, unit};
use crate::membership;
use chrono::NaiveDate;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};
use std::collections::HashMap;
use thamgia_domain::access::Scope;
use thamgia_domain::models::CouncilRole;

/// A council to set up: a second one for the same unit is `Conflict {
/// field: "unit" }`, one at a unit whose level the plan governing it in the
/// year of establishment does not list in `[levels] councils`
/// (`plans::holds`) is `Conflict { field: "unit_level" }`.
#[derive(Debug, Clone)]
pub struct NewCouncil {
    pub unit_id: i32,
    pub name: String,
    pub established_on: NaiveDate,
}

/// A council as listed: its district, members serving in the year and the
/// dialogues it held that year.
#[derive(Debug, Clone)]
pub struct CouncilRow {
    pub council: council::Model,
    pub unit: unit::Model,
    pub members: u64,
    pub dialogues: u64,
}

impl CouncilRow {
    /// The council worked in the year (≥ 1 dialogue).
    pub fn works(&self) -> bool {
        works(self.dialogues)
    }
}

/// A council works in a year when it held at least one dialogue.
pub fn works(dialogues_in_year: u64) -> bool {
    dialogues_in_year >= 1
}

/// Whether a term (start, optional end) overlaps a calendar year.
pub fn serves_in(term_start: NaiveDate, term_end: Option<NaiveDate>, year: i32) -> bool {
    let first = NaiveDate::from_ymd_opt(year, 1, 1);
    let last = NaiveDate::from_ymd_opt(year, 12, 31);
    match (first, last) {
        (Some(f), Some(l)) => term_start <= l && term_end.is_none_or(|e| e >= f),
        _ => false,
    }
}

/// Councils of units inside the scope set up by the end of the year, in unit
/// order, with the year's counts.
pub async fn list<C: ConnectionTrait>(c: &C, scope: &Scope, year: i32) -> Result<Vec<CouncilRow>> {
    let units = crate::units::list(c, scope).await?;
    let mut q =
        council::Entity::find().filter(council::Column::UnitId.is_in(units.iter().map(|u| u.id)));
    if let Some(end) = NaiveDate::from_ymd_opt(year, 12, 31) {
        q = q.filter(council::Column::EstablishedOn.lte(end));
    }
    // A council ends with its unit (1/7/2025); its years before stay listed.
    if let Some(first) = NaiveDate::from_ymd_opt(year, 1, 1) {
        q = q.filter(
            sea_orm::Condition::any()
                .add(council::Column::EndedOn.is_null())
                .add(council::Column::EndedOn.gte(first)),
        );
    }
    let councils = q.all(c).await?;
    let ids: Vec<i32> = councils.iter().map(|k| k.id).collect();
    let dialogues = dialogue_counts(c, &ids, year).await?;
    let terms: Vec<(i32, NaiveDate, Option<NaiveDate>)> = if ids.is_empty() {
        vec![]
    } else {
        council_member::Entity::find()
            .select_only()
            .column(council_member::Column::CouncilId)
            .column(council_member::Column::TermStart)
            .column(council_member::Column::TermEnd)
            .filter(council_member::Column::CouncilId.is_in(ids.iter().copied()))
            .into_tuple()
            .all(c)
            .await?
    };
    let mut members: HashMap<i32, u64> = HashMap::new();
    for (k, s, e) in terms {
        if serves_in(s, e, year) {
            *members.entry(k).or_default() += 1;
        }
    }
    let mut out: Vec<CouncilRow> = councils
        .into_iter()
        .filter_map(|k| {
            let u = units.iter().find(|u| u.id == k.unit_id)?.clone();
            Some(CouncilRow {
                members: members.get(&k.id).copied().unwrap_or(0),
                dialogues: dialogues.get(&k.id).copied().unwrap_or(0),
                council: k,
                unit: u,
            })
        })
        .collect();
    out.sort_by(|a, b| a.unit.path.cmp(&b.unit.path));
    Ok(out)
}

/// Dialogues per council in a year.
pub async fn dialogue_counts<C: ConnectionTrait>(
    c: &C,
    council_ids: &[i32],
    year: i32,
) -> Result<HashMap<i32, u64>> {
    let mut out = HashMap::new();
    for d in membership::meetings_in::<council::Entity, C>(c, council_ids, year).await? {
        *out.entry(d.council_id).or_default() += 1;
    }
    Ok(out)
}

/// The ids of the councils of units inside the scope.
async fn ids_in_scope<C: ConnectionTrait>(c: &C, scope: &Scope) -> Result<Vec<i32>> {
    let units = crate::units::list(c, scope).await?;
    Ok(council::Entity::find()
        .select_only()
        .column(council::Column::Id)
        .filter(council::Column::UnitId.is_in(units.iter().map(|u| u.id)))
        .into_tuple()
        .all(c)
        .await?)
}

/// The council if its unit lies in the scope; otherwise `NotFound`.
pub async fn get_in_scope<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    id: i32,
) -> Result<(council::Model, unit::Model)> {
    crate::scoped::of_unit::<council::Entity, C>(c, scope, id, |k| k.unit_id).await
}

/// The council of a unit, if any (one per unit).
pub async fn of_unit<C: ConnectionTrait>(c: &C, unit_id: i32) -> Result<Option<council::Model>> {
    Ok(council::Entity::find()
        .filter(council::Column::UnitId.eq(unit_id))
        .one(c)
        .await?)
}

#[derive(Debug, Clone)]
pub struct NewMember {
    pub person_id: i32,
    pub role: CouncilRole,
    pub term_start: NaiveDate,
    pub term_end: Option<NaiveDate>,
}

pub use membership::NewDialogue;

// A council's setting up, roster and meetings, written once for councils and
// clubs (`membership::Roster`): `create`, `members`, `add_member`, `end_member`,
// `memberships_of`, `dialogues`, `years_worked`, `years` and `add_dialogue`.
membership::roster_api!(
    council::Entity,
    dialogues,
    years_worked,
    add_dialogue,
    ids_in_scope
);

/// One dialogue of a council.
pub async fn dialogue<C: ConnectionTrait>(
    c: &C,
    council_id: i32,
    dialogue_id: i32,
) -> Result<council_dialogue::Model> {
    crate::scoped::child_of(
        c,
        council_dialogue::Column::CouncilId,
        council_id,
        dialogue_id,
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("date")
    }

    #[test]
    fn terms_overlap_years_and_a_dialogue_makes_a_council_work() {
        assert!(serves_in(d(2019, 9, 1), Some(d(2021, 8, 31)), 2020));
        assert!(serves_in(d(2019, 9, 1), None, 2025));
        assert!(!serves_in(d(2019, 9, 1), Some(d(2021, 8, 31)), 2018));
        assert!(!serves_in(d(2019, 9, 1), Some(d(2021, 8, 31)), 2022));
        assert!(serves_in(d(2019, 12, 31), None, 2019));
        assert!(!works(0));
        assert!(works(1));
    }
}
