//! Children's participation-rights clubs (CLB quyền tham gia của trẻ em): at a
//! school or in a community, counted for a district, with members (some of
//! them child leaders) and activities. A club is active in a year when it held
//! at least one activity that year.
//!
//! A club is visible to a scope that holds its district *or* the school or
//! village hosting it, so a teacher who runs it records its activities.

use crate::audit::{self, Change};
use crate::entity::{club, club_activity, club_member, person, unit};
use crate::membership::{self, Model};
use crate::{Result, StoreError};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait,
    QueryFilter, QueryOrder, QuerySelect, TransactionSession, TransactionTrait,
};
use std::collections::{BTreeSet, HashMap};
use thamgia_domain::access::{Actor, Scope};
use thamgia_domain::models::ClubSetting;

#[derive(Debug, Clone)]
pub struct NewClub {
    pub unit_id: i32,
    pub setting: ClubSetting,
    pub host_unit_id: Option<i32>,
    pub name: String,
    pub founded_on: NaiveDate,
}

/// Sets up a club. The unit hosting it (the host, else the unit it counts
/// for) must be of a level the plan governing it in the founding year lists
/// in `[levels] clubs` (`plans::holds`): otherwise `Conflict { field: "unit_level" }`.
pub async fn create<C: TransactionTrait + ConnectionTrait>(
    c: &C,
    actor: &Actor,
    now: DateTime<Utc>,
    n: NewClub,
) -> Result<club::Model> {
    let tx = crate::begin_write(c).await?;
    crate::plans::ensure_holds(
        &tx,
        n.host_unit_id.unwrap_or(n.unit_id),
        "club",
        n.founded_on.year(),
    )
    .await?;
    let row = club::ActiveModel {
        unit_id: Set(n.unit_id),
        setting: Set(n.setting),
        host_unit_id: Set(n.host_unit_id),
        name: Set(n.name),
        founded_on: Set(n.founded_on),
        closed_on: Set(None),
        created_by: Set(actor.user_id),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&tx)
    .await?;
    audit::record(
        &tx,
        actor,
        now,
        Change::new("create", "club", row.id).after(&row),
    )
    .await?;
    tx.commit().await?;
    Ok(row)
}

/// A club as listed, with the year's figures.
#[derive(Debug, Clone)]
pub struct ClubRow {
    pub club: club::Model,
    pub unit: unit::Model,
    pub host: Option<unit::Model>,
    /// Members who had not left (now).
    pub members: u64,
    pub leaders: u64,
    pub activities: u64,
    pub girls: i64,
    pub boys: i64,
}

impl ClubRow {
    pub fn active(&self) -> bool {
        active(self.activities)
    }
}

/// A club is active in a year when it held at least one activity.
pub fn active(activities_in_year: u64) -> bool {
    activities_in_year >= 1
}

fn visible(scope: &Scope, unit: &unit::Model, host: Option<&unit::Model>) -> bool {
    scope.contains(&unit.path) || host.is_some_and(|h| scope.contains(&h.path))
}

/// Clubs visible to the scope (by district or by host) that existed in the
/// year, in unit order, with the year's activities.
pub async fn list<C: ConnectionTrait>(c: &C, scope: &Scope, year: i32) -> Result<Vec<ClubRow>> {
    let mut clubs = candidates(c, scope).await?;
    if let (Some(first), Some(last)) = (
        NaiveDate::from_ymd_opt(year, 1, 1),
        NaiveDate::from_ymd_opt(year, 12, 31),
    ) {
        clubs.retain(|k| k.founded_on <= last && k.closed_on.is_none_or(|d| d >= first));
    }
    let unit_ids: BTreeSet<i32> = clubs
        .iter()
        .flat_map(|k| std::iter::once(k.unit_id).chain(k.host_unit_id))
        .collect();
    let units: HashMap<i32, unit::Model> = unit::Entity::find()
        .filter(unit::Column::Id.is_in(unit_ids))
        .all(c)
        .await?
        .into_iter()
        .map(|u| (u.id, u))
        .collect();
    let club_ids: Vec<i32> = clubs.iter().map(|k| k.id).collect();
    let figures = activity_figures(c, &club_ids, year).await?;
    let members = member_counts(c, &club_ids).await?;
    let mut out = vec![];
    for k in clubs {
        let Some(u) = units.get(&k.unit_id).cloned() else {
            continue;
        };
        let host = k.host_unit_id.and_then(|h| units.get(&h).cloned());
        if !visible(scope, &u, host.as_ref()) {
            continue;
        }
        let (activities, girls, boys) = figures.get(&k.id).copied().unwrap_or_default();
        let (m, l) = members.get(&k.id).copied().unwrap_or_default();
        out.push(ClubRow {
            club: k,
            unit: u,
            host,
            members: m,
            leaders: l,
            activities,
            girls,
            boys,
        });
    }
    out.sort_by(|a, b| {
        (&a.unit.path, &a.club.founded_on, a.club.id).cmp(&(
            &b.unit.path,
            &b.club.founded_on,
            b.club.id,
        ))
    });
    Ok(out)
}

/// Clubs whose district or host lies in the scope (checked again by the caller
/// against both units' paths).
async fn candidates<C: ConnectionTrait>(c: &C, scope: &Scope) -> Result<Vec<club::Model>> {
    let in_scope = crate::units::list(c, scope).await?;
    let ids: Vec<i32> = in_scope.iter().map(|u| u.id).collect();
    Ok(club::Entity::find()
        .filter(
            Condition::any()
                .add(club::Column::UnitId.is_in(ids.iter().copied()))
                .add(club::Column::HostUnitId.is_in(ids.iter().copied())),
        )
        .all(c)
        .await?)
}

/// Activities per club in a year: (count, girls, boys).
pub async fn activity_figures<C: ConnectionTrait>(
    c: &C,
    club_ids: &[i32],
    year: i32,
) -> Result<HashMap<i32, (u64, i64, i64)>> {
    if club_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(i32, i32, i32)> = club_activity::Entity::find()
        .select_only()
        .column(club_activity::Column::ClubId)
        .column(club_activity::Column::Girls)
        .column(club_activity::Column::Boys)
        .filter(club_activity::Column::ClubId.is_in(club_ids.iter().copied()))
        .filter(club_activity::Column::Year.eq(year))
        .into_tuple()
        .all(c)
        .await?;
    let mut out: HashMap<i32, (u64, i64, i64)> = HashMap::new();
    for (k, g, b) in rows {
        let e = out.entry(k).or_default();
        e.0 += 1;
        e.1 += i64::from(g);
        e.2 += i64::from(b);
    }
    Ok(out)
}

/// Current members and leaders per club (those who have not left).
async fn member_counts<C: ConnectionTrait>(
    c: &C,
    club_ids: &[i32],
) -> Result<HashMap<i32, (u64, u64)>> {
    if club_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(i32, bool)> = club_member::Entity::find()
        .select_only()
        .column(club_member::Column::ClubId)
        .column(club_member::Column::IsLeader)
        .filter(club_member::Column::ClubId.is_in(club_ids.iter().copied()))
        .filter(club_member::Column::LeftOn.is_null())
        .into_tuple()
        .all(c)
        .await?;
    let mut out: HashMap<i32, (u64, u64)> = HashMap::new();
    for (k, leader) in rows {
        let e = out.entry(k).or_default();
        e.0 += 1;
        if leader {
            e.1 += 1;
        }
    }
    Ok(out)
}

/// The years with any activity of a club visible to the scope, newest first.
pub async fn years<C: ConnectionTrait>(c: &C, scope: &Scope) -> Result<Vec<i32>> {
    let ids: Vec<i32> = candidates(c, scope).await?.iter().map(|k| k.id).collect();
    if ids.is_empty() {
        return Ok(vec![]);
    }
    let years: Vec<i32> = club_activity::Entity::find()
        .select_only()
        .column(club_activity::Column::Year)
        .filter(club_activity::Column::ClubId.is_in(ids))
        .distinct()
        .into_tuple()
        .all(c)
        .await?;
    let set: BTreeSet<i32> = years.into_iter().collect();
    Ok(set.into_iter().rev().collect())
}

/// The club with its district and host, if visible to the scope; otherwise `NotFound`.
pub async fn get_in_scope<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    id: i32,
) -> Result<(club::Model, unit::Model, Option<unit::Model>)> {
    let k = club::Entity::find_by_id(id)
        .one(c)
        .await?
        .ok_or(StoreError::NotFound)?;
    let u = unit::Entity::find_by_id(k.unit_id)
        .one(c)
        .await?
        .ok_or(StoreError::NotFound)?;
    let host = match k.host_unit_id {
        Some(h) => unit::Entity::find_by_id(h).one(c).await?,
        None => None,
    };
    if visible(scope, &u, host.as_ref()) {
        Ok((k, u, host))
    } else {
        Err(StoreError::NotFound)
    }
}

/// Members in the order they joined the list (their "#n" is their place here).
pub async fn members<C: ConnectionTrait>(
    c: &C,
    club_id: i32,
) -> Result<Vec<(club_member::Model, person::Model)>> {
    let rows = club_member::Entity::find()
        .filter(club_member::Column::ClubId.eq(club_id))
        .order_by_asc(club_member::Column::Id)
        .all(c)
        .await?;
    let ids: Vec<i32> = rows.iter().map(|m| m.person_id).collect();
    let people = crate::people::by_ids(c, &ids).await?;
    Ok(membership::paired(rows, people, |m| m.person_id))
}

#[derive(Debug, Clone)]
pub struct NewMember {
    pub person_id: i32,
    pub is_leader: bool,
    pub joined_on: NaiveDate,
}

/// Adds a member (`membership::add`). Refused with `Conflict { field:
/// "consent" }` unless the person's consent stands, `Conflict { field:
/// "person" }` when they are already a member who has not left.
pub async fn add_member<C: TransactionTrait + ConnectionTrait>(
    c: &C,
    actor: &Actor,
    now: DateTime<Utc>,
    club_id: i32,
    n: NewMember,
) -> Result<club_member::Model> {
    let n = membership::NewMember {
        person_id: n.person_id,
        role: membership::Role::Club {
            leader: n.is_leader,
        },
        start: n.joined_on,
        end: None,
    };
    club_row(membership::add(c, actor, now, club_id, n).await?)
}

/// Records that a member left the club on a date.
pub async fn end_member<C: TransactionTrait + ConnectionTrait>(
    c: &C,
    actor: &Actor,
    now: DateTime<Utc>,
    club_id: i32,
    member_id: i32,
    on: NaiveDate,
) -> Result<club_member::Model> {
    club_row(membership::end(c, actor, now, Model::Club, club_id, member_id, on).await?)
}

/// One membership of a club.
pub async fn member<C: ConnectionTrait>(
    c: &C,
    club_id: i32,
    member_id: i32,
) -> Result<club_member::Model> {
    club_row(membership::member(c, Model::Club, club_id, member_id).await?)
}

fn club_row(row: membership::Row) -> Result<club_member::Model> {
    match row {
        membership::Row::Club(m) => Ok(m),
        membership::Row::Council(_) => Err(StoreError::NotFound),
    }
}

#[derive(Debug, Clone)]
pub struct NewActivity {
    pub held_on: NaiveDate,
    pub topic: String,
    pub girls: i32,
    pub boys: i32,
}

pub async fn add_activity<C: TransactionTrait + ConnectionTrait>(
    c: &C,
    actor: &Actor,
    now: DateTime<Utc>,
    club_id: i32,
    n: NewActivity,
) -> Result<club_activity::Model> {
    let tx = crate::begin_write(c).await?;
    if let Some(k) = club::Entity::find_by_id(club_id).one(&tx).await? {
        crate::reports::ensure_open(&tx, k.unit_id, n.held_on.year()).await?;
    }
    let row = club_activity::ActiveModel {
        club_id: Set(club_id),
        year: Set(n.held_on.year()),
        held_on: Set(n.held_on),
        topic: Set(n.topic),
        girls: Set(n.girls),
        boys: Set(n.boys),
        created_by: Set(actor.user_id),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&tx)
    .await?;
    crate::aggregates::club_activity_added(&tx, &row).await?;
    audit::record(
        &tx,
        actor,
        now,
        Change::new("create", "club_activity", row.id).after(&row),
    )
    .await?;
    tx.commit().await?;
    Ok(row)
}

/// A club's activities, newest first.
pub async fn activities<C: ConnectionTrait>(
    c: &C,
    club_id: i32,
) -> Result<Vec<club_activity::Model>> {
    Ok(club_activity::Entity::find()
        .filter(club_activity::Column::ClubId.eq(club_id))
        .order_by_desc(club_activity::Column::HeldOn)
        .order_by_desc(club_activity::Column::Id)
        .all(c)
        .await?)
}

/// The years in which a club held activities.
pub async fn years_active<C: ConnectionTrait>(c: &C, club_id: i32) -> Result<BTreeSet<i32>> {
    let years: Vec<i32> = club_activity::Entity::find()
        .select_only()
        .column(club_activity::Column::Year)
        .filter(club_activity::Column::ClubId.eq(club_id))
        .into_tuple()
        .all(c)
        .await?;
    Ok(years.into_iter().collect())
}

/// A person's club memberships with their clubs.
pub async fn memberships_of<C: ConnectionTrait>(
    c: &C,
    person_id: i32,
) -> Result<Vec<(club_member::Model, club::Model)>> {
    let rows = club_member::Entity::find()
        .filter(club_member::Column::PersonId.eq(person_id))
        .order_by_asc(club_member::Column::JoinedOn)
        .all(c)
        .await?;
    let owners = club::Entity::find()
        .filter(club::Column::Id.is_in(rows.iter().map(|m| m.club_id)))
        .all(c)
        .await?;
    let owners = owners.into_iter().map(|k| (k.id, k));
    Ok(membership::paired(rows, owners, |m| m.club_id))
}
