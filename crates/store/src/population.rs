//! The child population: children by unit, year, single age and sex — the
//! denominator of every "share of children" measure.

use crate::Result;
use sea_orm::ConnectionTrait;

/// Children of some ages living in a unit's subtree in a year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Population {
    pub children: i64,
    /// Whether any figure summed is a demo figure (labelled as such wherever shown).
    pub demo: bool,
}

/// The children aged `age_min`–`age_max` (both included) in the subtree of
/// the unit at `path` in `year`; `None` when no figure covers it.
pub async fn children<C: ConnectionTrait>(
    _c: &C,
    _path: &str,
    _year: i32,
    _age_min: u8,
    _age_max: u8,
) -> Result<Option<Population>> {
    Ok(None)
}
