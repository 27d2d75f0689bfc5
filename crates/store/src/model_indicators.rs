//! The indicators of the three participation models, for a unit's subtree and
//! a year (definitions in `docs/indicators.md` and the plan file):
//!
//! - `M1` forums held: the province- and district-level units of the subtree
//!   (the unit included) that held a forum of their own level in the year —
//!   a province forum recorded at the province, a district forum recorded at
//!   the district; each unit counts once. A count; the denominator is the
//!   number of such units in existence during the year.
//! - `M2` districts whose Children's Council held at least one dialogue in the
//!   year (a council counts for the district whose subtree holds its unit).
//! - `M3` districts where at least one participation club held an activity in
//!   the year (a club counts for the district whose subtree holds its unit).
//! - `T4` the share of the subtree's districts that ran all three in the year:
//!   a district forum at the district, a council dialogue and an active club
//!   (`thamgia_domain::models::runs_all_three`).
//!
//! "Districts" are the units of level `district` (the city included) in the
//! subtree, the unit itself if it is one, that existed during the year. The
//! indicators appear only for a year covered by a plan that defines them:
//! the models are the plan's, and a year without a plan has nothing to
//! measure them against.

use crate::Result;
use crate::entity::{club, club_activity, council, council_dialogue, forum, unit};
use crate::indicators::{IndicatorValue, plan_for_year};
use chrono::NaiveDate;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};
use std::collections::HashSet;
use thamgia_domain::models::{ForumLevel, runs_all_three};
use thamgia_domain::results::percent;

/// The codes computed here, in the order they are listed.
pub const CODES: [&str; 4] = ["M1", "M2", "M3", "T4"];

fn existed_during(u: &unit::Model, year: i32) -> bool {
    let (Some(first), Some(last)) = (
        NaiveDate::from_ymd_opt(year, 1, 1),
        NaiveDate::from_ymd_opt(year, 12, 31),
    ) else {
        return false;
    };
    u.valid_from.is_none_or(|f| f <= last) && u.valid_to.is_none_or(|t| t >= first)
}

/// The units (by path) that records of these unit ids belong to.
async fn paths_of<C: ConnectionTrait>(c: &C, ids: HashSet<i32>) -> Result<Vec<String>> {
    if ids.is_empty() {
        return Ok(vec![]);
    }
    Ok(unit::Entity::find()
        .filter(unit::Column::Id.is_in(ids))
        .all(c)
        .await?
        .into_iter()
        .map(|u| u.path)
        .collect())
}

/// What each district of a subtree did in a year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DistrictModels {
    pub code: String,
    pub forum: bool,
    pub council_dialogue: bool,
    pub active_clubs: u32,
}

/// Per district of the subtree: forum held, council dialogue, active clubs.
pub async fn districts<C: ConnectionTrait>(
    c: &C,
    u: &unit::Model,
    year: i32,
) -> Result<Vec<DistrictModels>> {
    let subtree: Vec<unit::Model> = unit::Entity::find()
        .filter(unit::Column::Path.like(format!("{}%", u.path)))
        .all(c)
        .await?;
    let districts: Vec<&unit::Model> = subtree
        .iter()
        .filter(|d| d.level == "district" && existed_during(d, year))
        .collect();
    let forums = held_forums(c, &subtree, year).await?;
    // Councils with a dialogue in the year, by their unit's path.
    let with_dialogue: Vec<i32> = council_dialogue::Entity::find()
        .select_only()
        .column(council_dialogue::Column::CouncilId)
        .filter(council_dialogue::Column::Year.eq(year))
        .into_tuple()
        .all(c)
        .await?;
    let council_units: HashSet<i32> = council::Entity::find()
        .filter(council::Column::Id.is_in(with_dialogue))
        .all(c)
        .await?
        .into_iter()
        .map(|k| k.unit_id)
        .collect();
    let council_paths = paths_of(c, council_units).await?;
    // Clubs with an activity in the year, by their unit's path.
    let active: HashSet<i32> = club_activity::Entity::find()
        .select_only()
        .column(club_activity::Column::ClubId)
        .filter(club_activity::Column::Year.eq(year))
        .into_tuple::<i32>()
        .all(c)
        .await?
        .into_iter()
        .collect();
    let clubs: Vec<club::Model> = club::Entity::find()
        .filter(club::Column::Id.is_in(active))
        .all(c)
        .await?;
    let club_units: Vec<unit::Model> = unit::Entity::find()
        .filter(unit::Column::Id.is_in(clubs.iter().map(|k| k.unit_id)))
        .all(c)
        .await?;
    Ok(districts
        .into_iter()
        .map(|d| DistrictModels {
            code: d.code.clone(),
            forum: forums.contains(&d.id),
            council_dialogue: council_paths.iter().any(|p| p.starts_with(&d.path)),
            active_clubs: clubs
                .iter()
                .filter(|k| {
                    club_units
                        .iter()
                        .any(|cu| cu.id == k.unit_id && cu.path.starts_with(&d.path))
                })
                .count() as u32,
        })
        .collect())
}

/// Ids of the province- and district-level units of `subtree` that held a
/// forum of their own level in the year.
async fn held_forums<C: ConnectionTrait>(
    c: &C,
    subtree: &[unit::Model],
    year: i32,
) -> Result<HashSet<i32>> {
    let rows: Vec<(i32, String)> = forum::Entity::find()
        .select_only()
        .column(forum::Column::UnitId)
        .column(forum::Column::Level)
        .filter(forum::Column::Year.eq(year))
        .filter(forum::Column::UnitId.is_in(subtree.iter().map(|u| u.id)))
        .into_tuple()
        .all(c)
        .await?;
    Ok(rows
        .into_iter()
        .filter(|(uid, level)| {
            subtree.iter().any(|u| {
                u.id == *uid
                    && u.level == *level
                    && (u.level == ForumLevel::Province.as_str()
                        || u.level == ForumLevel::District.as_str())
            })
        })
        .map(|(uid, _)| uid)
        .collect())
}

/// M1, M2, M3 and T4 for a unit's subtree in a year (only those the plan
/// covering the year defines; none without such a plan).
pub async fn model_indicators<C: ConnectionTrait>(
    c: &C,
    u: &unit::Model,
    year: i32,
) -> Result<Vec<IndicatorValue>> {
    let Some(plan) = plan_for_year(c, year).await? else {
        return Ok(vec![]);
    };
    if !CODES.iter().any(|code| plan.indicator(code).is_some()) {
        return Ok(vec![]);
    }
    let subtree: Vec<unit::Model> = unit::Entity::find()
        .filter(unit::Column::Path.like(format!("{}%", u.path)))
        .all(c)
        .await?;
    let forum_units: Vec<&unit::Model> = subtree
        .iter()
        .filter(|x| (x.level == "province" || x.level == "district") && existed_during(x, year))
        .collect();
    let held = held_forums(c, &subtree, year).await?;
    let m1 = forum_units.iter().filter(|x| held.contains(&x.id)).count() as u64;
    let ds = districts(c, u, year).await?;
    let n = ds.len() as u64;
    let m2 = ds.iter().filter(|d| d.council_dialogue).count() as u64;
    let m3 = ds.iter().filter(|d| d.active_clubs >= 1).count() as u64;
    let t4 = ds
        .iter()
        .filter(|d| runs_all_three(d.forum, d.council_dialogue, d.active_clubs))
        .count() as u64;
    let figures = [
        ("M1", m1, forum_units.len() as u64),
        ("M2", m2, n),
        ("M3", m3, n),
        ("T4", t4, n),
    ];
    Ok(figures
        .into_iter()
        .filter_map(|(code, numerator, denominator)| {
            let def = plan.indicator(code)?;
            let is_percent = code == "T4";
            Some(IndicatorValue {
                code: code.to_string(),
                name_vi: def.name_vi.clone(),
                name_en: def.name_en.clone(),
                numerator,
                denominator,
                value: if is_percent {
                    (denominator > 0).then(|| percent(numerator, denominator))
                } else {
                    Some(numerator as f64)
                },
                target: plan.target_for(code, year, &u.code),
                unit: if is_percent { "%" } else { "count" }.into(),
            })
        })
        .collect())
}
