//! Children's Councils (Hội đồng trẻ em): one per district, with members who
//! serve terms in a role, and dialogues with the People's Council. A council
//! "works" in a year when it held at least one dialogue that year.
//!
//! Members are identified children: a member row points at a person, and a
//! person is only ever added while their consent stands (checked again inside
//! the transaction). Nothing here writes a child's name to the audit trail.

use crate::audit::{self, Change};
use crate::entity::{council, council_dialogue, council_member, person, unit};
use crate::membership::{self, Model};
use crate::{Result, StoreError};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, TransactionSession, TransactionTrait,
};
use std::collections::{BTreeSet, HashMap};
use thamgia_domain::access::{Actor, Scope};
use thamgia_domain::models::CouncilRole;

#[derive(Debug, Clone)]
pub struct NewCouncil {
    pub unit_id: i32,
    pub name: String,
    pub established_on: NaiveDate,
}

/// Creates a council; a second one for the same unit is `Conflict { field:
/// "unit" }`, one at a unit whose level the plan governing it in the year of
/// establishment does not list in `[levels] councils` (`plans::holds`) is
/// `Conflict { field: "unit_level" }`.
pub async fn create<C: TransactionTrait + ConnectionTrait>(
    c: &C,
    actor: &Actor,
    now: DateTime<Utc>,
    n: NewCouncil,
) -> Result<council::Model> {
    let tx = crate::begin_write(c).await?;
    crate::plans::ensure_holds(&tx, n.unit_id, "council", n.established_on.year()).await?;
    let exists = council::Entity::find()
        .filter(council::Column::UnitId.eq(n.unit_id))
        .one(&tx)
        .await?;
    if exists.is_some() {
        return Err(StoreError::Conflict { field: "unit" });
    }
    let row = council::ActiveModel {
        unit_id: Set(n.unit_id),
        name: Set(n.name),
        established_on: Set(n.established_on),
        created_by: Set(actor.user_id),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&tx)
    .await
    .map_err(|e| crate::on_unique(e, "unit"))?;
    audit::record(
        &tx,
        actor,
        now,
        Change::new("create", "council", row.id).after(&row),
    )
    .await?;
    tx.commit().await?;
    Ok(row)
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
    if council_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<i32> = council_dialogue::Entity::find()
        .select_only()
        .column(council_dialogue::Column::CouncilId)
        .filter(council_dialogue::Column::CouncilId.is_in(council_ids.iter().copied()))
        .filter(council_dialogue::Column::Year.eq(year))
        .into_tuple()
        .all(c)
        .await?;
    let mut out = HashMap::new();
    for k in rows {
        *out.entry(k).or_default() += 1;
    }
    Ok(out)
}

/// The years in which a council held dialogues.
pub async fn years_worked<C: ConnectionTrait>(c: &C, council_id: i32) -> Result<BTreeSet<i32>> {
    let years: Vec<i32> = council_dialogue::Entity::find()
        .select_only()
        .column(council_dialogue::Column::Year)
        .filter(council_dialogue::Column::CouncilId.eq(council_id))
        .into_tuple()
        .all(c)
        .await?;
    Ok(years.into_iter().collect())
}

/// The years with any dialogue of a council inside the scope, newest first.
pub async fn years<C: ConnectionTrait>(c: &C, scope: &Scope) -> Result<Vec<i32>> {
    let units = crate::units::list(c, scope).await?;
    let ids: Vec<i32> = council::Entity::find()
        .select_only()
        .column(council::Column::Id)
        .filter(council::Column::UnitId.is_in(units.iter().map(|u| u.id)))
        .into_tuple()
        .all(c)
        .await?;
    if ids.is_empty() {
        return Ok(vec![]);
    }
    let years: Vec<i32> = council_dialogue::Entity::find()
        .select_only()
        .column(council_dialogue::Column::Year)
        .filter(council_dialogue::Column::CouncilId.is_in(ids))
        .distinct()
        .into_tuple()
        .all(c)
        .await?;
    let set: BTreeSet<i32> = years.into_iter().collect();
    Ok(set.into_iter().rev().collect())
}

/// The council if its unit lies in the scope; otherwise `NotFound`.
pub async fn get_in_scope<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    id: i32,
) -> Result<(council::Model, unit::Model)> {
    let k = council::Entity::find_by_id(id)
        .one(c)
        .await?
        .ok_or(StoreError::NotFound)?;
    let u = unit::Entity::find_by_id(k.unit_id)
        .one(c)
        .await?
        .ok_or(StoreError::NotFound)?;
    if scope.contains(&u.path) {
        Ok((k, u))
    } else {
        Err(StoreError::NotFound)
    }
}

/// The council of a unit, if any (one per unit).
pub async fn of_unit<C: ConnectionTrait>(c: &C, unit_id: i32) -> Result<Option<council::Model>> {
    Ok(council::Entity::find()
        .filter(council::Column::UnitId.eq(unit_id))
        .one(c)
        .await?)
}

/// Members, in the order they were added (their number "#n" is their place here).
pub async fn members<C: ConnectionTrait>(
    c: &C,
    council_id: i32,
) -> Result<Vec<(council_member::Model, person::Model)>> {
    let rows = council_member::Entity::find()
        .filter(council_member::Column::CouncilId.eq(council_id))
        .order_by_asc(council_member::Column::Id)
        .all(c)
        .await?;
    let ids: Vec<i32> = rows.iter().map(|m| m.person_id).collect();
    let people = crate::people::by_ids(c, &ids).await?;
    Ok(membership::paired(rows, people, |m| m.person_id))
}

#[derive(Debug, Clone)]
pub struct NewMember {
    pub person_id: i32,
    pub role: CouncilRole,
    pub term_start: NaiveDate,
    pub term_end: Option<NaiveDate>,
}

/// Adds a member (`membership::add`). Refused with `Conflict { field:
/// "consent" }` unless the person's consent stands at this moment, and
/// `Conflict { field: "person" }` when they already serve an open term in
/// this council.
pub async fn add_member<C: TransactionTrait + ConnectionTrait>(
    c: &C,
    actor: &Actor,
    now: DateTime<Utc>,
    council_id: i32,
    n: NewMember,
) -> Result<council_member::Model> {
    let n = membership::NewMember {
        person_id: n.person_id,
        role: membership::Role::Council(n.role),
        start: n.term_start,
        end: n.term_end,
    };
    council_row(membership::add(c, actor, now, council_id, n).await?)
}

/// Ends a member's term on a date (the membership stays in the history).
pub async fn end_member<C: TransactionTrait + ConnectionTrait>(
    c: &C,
    actor: &Actor,
    now: DateTime<Utc>,
    council_id: i32,
    member_id: i32,
    on: NaiveDate,
) -> Result<council_member::Model> {
    let row = membership::end(c, actor, now, Model::Council, council_id, member_id, on).await?;
    council_row(row)
}

/// One membership of a council.
pub async fn member<C: ConnectionTrait>(
    c: &C,
    council_id: i32,
    member_id: i32,
) -> Result<council_member::Model> {
    council_row(membership::member(c, Model::Council, council_id, member_id).await?)
}

fn council_row(row: membership::Row) -> Result<council_member::Model> {
    match row {
        membership::Row::Council(m) => Ok(m),
        membership::Row::Club(_) => Err(StoreError::NotFound),
    }
}

#[derive(Debug, Clone)]
pub struct NewDialogue {
    pub held_on: NaiveDate,
    /// The adults who attended (People's Council representatives), as written.
    pub attendees: String,
    pub issues: String,
    pub children_present: i32,
}

pub async fn add_dialogue<C: TransactionTrait + ConnectionTrait>(
    c: &C,
    actor: &Actor,
    now: DateTime<Utc>,
    council_id: i32,
    n: NewDialogue,
) -> Result<council_dialogue::Model> {
    use chrono::Datelike;
    let tx = crate::begin_write(c).await?;
    if let Some(k) = council::Entity::find_by_id(council_id).one(&tx).await? {
        crate::reports::ensure_open(&tx, k.unit_id, n.held_on.year()).await?;
    }
    let row = council_dialogue::ActiveModel {
        council_id: Set(council_id),
        year: Set(n.held_on.year()),
        held_on: Set(n.held_on),
        attendees: Set(n.attendees),
        issues: Set(n.issues),
        children_present: Set(n.children_present),
        consultation_id: Set(None),
        created_by: Set(actor.user_id),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&tx)
    .await?;
    crate::aggregates::dialogue_added(&tx, &row).await?;
    audit::record(
        &tx,
        actor,
        now,
        Change::new("create", "council_dialogue", row.id).after(&row),
    )
    .await?;
    tx.commit().await?;
    Ok(row)
}

/// A council's dialogues, newest first.
pub async fn dialogues<C: ConnectionTrait>(
    c: &C,
    council_id: i32,
) -> Result<Vec<council_dialogue::Model>> {
    Ok(council_dialogue::Entity::find()
        .filter(council_dialogue::Column::CouncilId.eq(council_id))
        .order_by_desc(council_dialogue::Column::HeldOn)
        .order_by_desc(council_dialogue::Column::Id)
        .all(c)
        .await?)
}

/// One dialogue of a council.
pub async fn dialogue<C: ConnectionTrait>(
    c: &C,
    council_id: i32,
    dialogue_id: i32,
) -> Result<council_dialogue::Model> {
    council_dialogue::Entity::find_by_id(dialogue_id)
        .filter(council_dialogue::Column::CouncilId.eq(council_id))
        .one(c)
        .await?
        .ok_or(StoreError::NotFound)
}

/// A person's council memberships with their councils and the members'
/// numbers in those councils (for "Thành viên #n").
pub async fn memberships_of<C: ConnectionTrait>(
    c: &C,
    person_id: i32,
) -> Result<Vec<(council_member::Model, council::Model)>> {
    let rows = council_member::Entity::find()
        .filter(council_member::Column::PersonId.eq(person_id))
        .order_by_asc(council_member::Column::TermStart)
        .all(c)
        .await?;
    let owners = council::Entity::find()
        .filter(council::Column::Id.is_in(rows.iter().map(|m| m.council_id)))
        .all(c)
        .await?;
    let owners = owners.into_iter().map(|k| (k.id, k));
    Ok(membership::paired(rows, owners, |m| m.council_id))
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
