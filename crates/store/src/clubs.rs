//! Children's participation-rights clubs (CLB quyền tham gia của trẻ em): at a
//! school or in a community, counted for a district, with members (some of
//! them child leaders) and activities. A club is active in a year when it held
//! at least one activity that year.
//!
//! A club is visible to a scope that holds its district *or* the school or
//! village hosting it, so a teacher who runs it records its activities.

use crate::entity::{club, club_member, unit};
use crate::membership;
use crate::{Result, StoreError};
use chrono::NaiveDate;
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};
use std::collections::{BTreeSet, HashMap};
use thamgia_domain::access::Scope;
use thamgia_domain::models::ClubSetting;

/// A club to set up. The unit hosting it (the host, else the unit it counts
/// for) must be of a level the plan governing it in the founding year lists
/// in `[levels] clubs` (`plans::holds`): otherwise `Conflict { field: "unit_level" }`.
#[derive(Debug, Clone)]
pub struct NewClub {
    pub unit_id: i32,
    pub setting: ClubSetting,
    pub host_unit_id: Option<i32>,
    pub name: String,
    pub founded_on: NaiveDate,
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
    let units = crate::scoped::by_ids::<unit::Entity, _>(c, unit_ids).await?;
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
    let mut out: HashMap<i32, (u64, i64, i64)> = HashMap::new();
    for a in membership::meetings_in::<club::Entity, C>(c, club_ids, year).await? {
        let e = out.entry(a.club_id).or_default();
        e.0 += 1;
        e.1 += i64::from(a.girls);
        e.2 += i64::from(a.boys);
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

/// The ids of the clubs visible to the scope (by district or by host).
async fn ids_in_scope<C: ConnectionTrait>(c: &C, scope: &Scope) -> Result<Vec<i32>> {
    Ok(candidates(c, scope).await?.iter().map(|k| k.id).collect())
}

/// The club with its district and host, if visible to the scope; otherwise `NotFound`.
pub async fn get_in_scope<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    id: i32,
) -> Result<(club::Model, unit::Model, Option<unit::Model>)> {
    let k = crate::scoped::found::<club::Entity, _>(c, id).await?;
    let u = crate::scoped::found::<unit::Entity, _>(c, k.unit_id).await?;
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

#[derive(Debug, Clone)]
pub struct NewMember {
    pub person_id: i32,
    pub is_leader: bool,
    pub joined_on: NaiveDate,
}

pub use membership::NewActivity;

// A club's setting up, roster and meetings, written once for councils and
// clubs (`membership::Roster`): `create`, `members`, `add_member`, `end_member`,
// `memberships_of`, `activities`, `years_active`, `years` and `add_activity`.
membership::roster_api!(
    club::Entity,
    activities,
    years_active,
    add_activity,
    ids_in_scope
);
