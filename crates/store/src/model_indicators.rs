//! What the units of a subtree did with the participation models in a year:
//! the inputs of the `forums_held` and `units_running_models` measures
//! (`docs/indicators.md`).
//!
//! - `forums_held { levels }`: the units of those levels in the subtree (the
//!   unit included) that existed during the year, and whether each held a
//!   forum at its own level — a province forum recorded at the province, a
//!   district forum at the district; each unit counts once.
//! - `units_running_models { level, models }`: the units of `level` (the
//!   unit's `level` column: `district` for the districts and city,
//!   `commune` for the communes) in the subtree that existed during the year,
//!   and which models each ran by its working rule: `forum`, a forum held at
//!   the unit's own level; `council`, at least one dialogue of a council in
//!   its subtree; `club`, at least one club in its subtree with an activity
//!   in the year (`thamgia_domain::models::runs_all_three` is the three
//!   together).
//!
//! The counts come from the maintained `agg_models` (`store::aggregates`):
//! one row per unit and year, written with each forum, dialogue and club
//! activity; only the subtree's units are read besides.

use crate::Result;
use crate::aggregates::{ModelCounts, UnitModels};
use crate::entity::unit;
use chrono::NaiveDate;
use sea_orm::{ConnectionTrait, EntityTrait, QueryFilter};

fn existed_during(u: &unit::Model, year: i32) -> bool {
    let (Some(first), Some(last)) = (
        NaiveDate::from_ymd_opt(year, 1, 1),
        NaiveDate::from_ymd_opt(year, 12, 31),
    ) else {
        return false;
    };
    u.valid_from.is_none_or(|f| f <= last) && u.valid_to.is_none_or(|t| t >= first)
}

/// What one unit of the counted level did in a year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitRun {
    pub code: String,
    /// A forum held at the unit's own level.
    pub forum: bool,
    /// At least one dialogue of a council in its subtree.
    pub council_dialogue: bool,
    /// Clubs of its subtree with an activity in the year.
    pub active_clubs: u32,
}

impl UnitRun {
    /// Whether the unit ran this model (`forum`, `council`, `club`) by its working rule.
    pub fn runs(&self, model: &str) -> bool {
        match model {
            "forum" => self.forum,
            "council" => self.council_dialogue,
            "club" => self.active_clubs >= 1,
            _ => false,
        }
    }

    /// Whether the unit ran every one of `models`.
    pub fn runs_all(&self, models: &[String]) -> bool {
        models.iter().all(|m| self.runs(m))
    }
}

/// The subtree's units and what each did with the models in the year (from
/// the maintained `agg_models`).
pub struct Subtree {
    units: Vec<unit::Model>,
    counts: ModelCounts,
    year: i32,
}

/// Reads the subtree of `u` and its model counts for `year`.
pub async fn subtree<C: ConnectionTrait>(c: &C, u: &unit::Model, year: i32) -> Result<Subtree> {
    Ok(Subtree {
        units: unit::Entity::find()
            .filter(crate::units::in_subtree(
                &u.path,
                crate::units::During::Always,
            ))
            .all(c)
            .await?,
        counts: crate::aggregates::models(c, &u.path, year).await?,
        year,
    })
}

impl Subtree {
    /// Whether the unit held a forum at its own level.
    fn held_forum(&self, x: &unit::Model) -> bool {
        self.counts.get(&x.id).is_some_and(|m| m.forums > 0)
    }

    /// The counts of the units in `d`'s subtree.
    fn under<'a>(&'a self, d: &'a unit::Model) -> impl Iterator<Item = &'a UnitModels> + 'a {
        self.units
            .iter()
            .filter(move |x| thamgia_domain::access::is_within(&x.path, &d.path))
            .filter_map(|x| self.counts.get(&x.id))
    }

    /// The units of these levels that existed during the year, each with
    /// whether it held a forum at its own level.
    pub fn forums(&self, levels: &[String]) -> Vec<(&unit::Model, bool)> {
        self.units
            .iter()
            .filter(|x| levels.contains(&x.level) && existed_during(x, self.year))
            .map(|x| (x, self.held_forum(x)))
            .collect()
    }

    /// Per unit of `level` that existed during the year: forum held at its
    /// own level, a dialogue of a council in its subtree, its subtree's
    /// active clubs.
    pub fn runs(&self, level: &str) -> Vec<UnitRun> {
        self.units
            .iter()
            .filter(|d| d.level == level && existed_during(d, self.year))
            .map(|d| UnitRun {
                code: d.code.clone(),
                forum: self.held_forum(d),
                council_dialogue: self.under(d).any(|m| m.dialogues > 0),
                active_clubs: u32::try_from(self.under(d).map(|m| m.active_clubs).sum::<i64>())
                    .unwrap_or(0),
            })
            .collect()
    }
}

/// Per unit of `level` in the subtree: forum held, council dialogue, active clubs.
pub async fn units_of_level<C: ConnectionTrait>(
    c: &C,
    u: &unit::Model,
    year: i32,
    level: &str,
) -> Result<Vec<UnitRun>> {
    Ok(subtree(c, u, year).await?.runs(level))
}
