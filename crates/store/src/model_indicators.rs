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
//!
//! The counts come from the maintained `agg_models` (`store::aggregates`):
//! one row per unit and year, written with each forum, dialogue and club
//! activity; only the subtree's units are read besides.

use crate::Result;
use crate::aggregates::{ModelCounts, UnitModels};
use crate::entity::unit;
use crate::indicators::{IndicatorValue, plan_for_year};
use chrono::NaiveDate;
use sea_orm::{ConnectionTrait, EntityTrait, QueryFilter};
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

/// What each district of a subtree did in a year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DistrictModels {
    pub code: String,
    pub forum: bool,
    pub council_dialogue: bool,
    pub active_clubs: u32,
}

/// The subtree's units and what each did with the models in the year (from
/// the maintained `agg_models`).
struct Subtree {
    units: Vec<unit::Model>,
    counts: ModelCounts,
}

async fn subtree<C: ConnectionTrait>(c: &C, u: &unit::Model, year: i32) -> Result<Subtree> {
    Ok(Subtree {
        units: unit::Entity::find()
            .filter(crate::units::in_subtree(
                &u.path,
                crate::units::During::Always,
            ))
            .all(c)
            .await?,
        counts: crate::aggregates::models(c, &u.path, year).await?,
    })
}

impl Subtree {
    /// The province- and district-level units that held a forum of their own
    /// level.
    fn held_forum(&self, x: &unit::Model) -> bool {
        (x.level == ForumLevel::Province.as_str() || x.level == ForumLevel::District.as_str())
            && self.counts.get(&x.id).is_some_and(|m| m.forums > 0)
    }

    /// The counts of the units in `d`'s subtree.
    fn under<'a>(&'a self, d: &'a unit::Model) -> impl Iterator<Item = &'a UnitModels> + 'a {
        self.units
            .iter()
            .filter(move |x| thamgia_domain::access::is_within(&x.path, &d.path))
            .filter_map(|x| self.counts.get(&x.id))
    }

    /// Per district that existed during the year: forum held at the district,
    /// a dialogue of a council in its subtree, its subtree's active clubs.
    fn districts(&self, year: i32) -> Vec<DistrictModels> {
        self.units
            .iter()
            .filter(|d| {
                thamgia_domain::units::reports_to_province(&d.path) && existed_during(d, year)
            })
            .map(|d| DistrictModels {
                code: d.code.clone(),
                forum: self.held_forum(d),
                council_dialogue: self.under(d).any(|m| m.dialogues > 0),
                active_clubs: u32::try_from(self.under(d).map(|m| m.active_clubs).sum::<i64>())
                    .unwrap_or(0),
            })
            .collect()
    }
}

/// Per district of the subtree: forum held, council dialogue, active clubs.
pub async fn districts<C: ConnectionTrait>(
    c: &C,
    u: &unit::Model,
    year: i32,
) -> Result<Vec<DistrictModels>> {
    Ok(subtree(c, u, year).await?.districts(year))
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
    let st = subtree(c, u, year).await?;
    let forum_units: Vec<&unit::Model> = st
        .units
        .iter()
        .filter(|x| thamgia_domain::units::in_report_chain(&x.path) && existed_during(x, year))
        .collect();
    let m1 = forum_units.iter().filter(|x| st.held_forum(x)).count() as u64;
    let ds = st.districts(year);
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
