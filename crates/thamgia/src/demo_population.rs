//! Demo figures for the child population — **made up, not statistics**:
//! every row is stored with `demo = true` and shown as "Số liệu minh họa" /
//! "Demo figures".
//!
//! Children aged 6–15, by single age and sex: for each of the 8 districts
//! 2016–2025 (the districts ended on 30/6/2025) and each of the 38
//! commune-level units formed on 1/7/2025, for 2025 and 2026. The rule is
//! fixed, with no randomness: Lai Châu had 460,196 people in 2019 and
//! children aged 6–15 are taken as 22 % of them (101,243), growing 1.8 % a
//! year; a district's share follows its rough population, a commune's a
//! weight from its place in the list; each age a little fewer than the one
//! before (1 % a year of age); 51.5 % boys. A unit and year already locked by
//! an approved report gets none (its figures are part of what was approved).

use anyhow::Context;
use chrono::{DateTime, NaiveDate, Utc};
use thamgia_domain::access::Actor;
use thamgia_store::Db;
use thamgia_store::entity::unit;
use thamgia_store::population::{self, Figure};
use thamgia_store::sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

/// People in Lai Châu in 2019 (census).
pub const PEOPLE_2019: i64 = 460_196;
/// Children aged 6–15 per 1,000 people.
const CHILDREN_PER_MILLE: i64 = 220;
/// Yearly growth of the child population, per 1,000.
const GROWTH_PER_MILLE: i64 = 18;

/// Rough shares of the districts (per 1,000 of the province).
const DISTRICTS: [(&str, i64); 8] = [
    ("105", 92),
    ("106", 117),
    ("107", 100),
    ("108", 186),
    ("109", 173),
    ("110", 147),
    ("111", 125),
    ("112", 60),
];

/// What [`fill`] made.
#[derive(Debug, Clone, Copy, Default)]
pub struct Filled {
    pub unit_years: usize,
    pub rows: usize,
}

/// Children aged 6–15 in the province in `year`.
pub fn province_children(year: i32) -> i64 {
    let base = PEOPLE_2019 * CHILDREN_PER_MILLE / 1000;
    base + base * GROWTH_PER_MILLE * i64::from(year - 2019) / 1000
}

/// Splits `total` children of a unit and year into ages 6–15 and sexes.
fn split(unit_id: i32, year: i32, total: i64) -> Vec<Figure> {
    // Age 6 weighs 100, age 15 weighs 91.
    let weights: Vec<(u8, i64)> = (6..=15u8).map(|a| (a, 106 - i64::from(a))).collect();
    let sum: i64 = weights.iter().map(|(_, w)| w).sum();
    let mut out = Vec::new();
    for (age, w) in weights {
        let at_age = total * w / sum;
        let boys = at_age * 515 / 1000;
        for (sex, n) in [("girl", at_age - boys), ("boy", boys)] {
            out.push(Figure {
                unit_id,
                year,
                age,
                sex: sex.into(),
                children: n,
            });
        }
    }
    out
}

/// Stores the demo figures once (nothing when demo figures are there
/// already, or the units of 2025 are not loaded).
pub async fn fill(db: &Db, now: DateTime<Utc>) -> anyhow::Result<Filled> {
    let c = &db.conn;
    if population::has_demo(c).await? {
        return Ok(Filled::default());
    }
    let mut figures = Vec::new();
    for (code, share) in DISTRICTS {
        let Some(d) = unit::Entity::find()
            .filter(unit::Column::Code.eq(code))
            .filter(unit::Column::Level.eq("district"))
            .one(c)
            .await?
        else {
            continue;
        };
        for year in 2016..=2025 {
            figures.extend(split(d.id, year, province_children(year) * share / 1000));
        }
    }
    let new_day = NaiveDate::from_ymd_opt(2025, 7, 1).context("date")?;
    let communes = unit::Entity::find()
        .filter(unit::Column::ValidFrom.eq(new_day))
        .order_by_asc(unit::Column::Code)
        .all(c)
        .await?;
    // Weights 8..=14 by place in the list, so communes differ a little.
    let weights: Vec<i64> = (0..communes.len())
        .map(|i| 8 + i64::try_from(i * 5 % 7).unwrap_or(0))
        .collect();
    let sum: i64 = weights.iter().sum::<i64>().max(1);
    for (u, w) in communes.iter().zip(&weights) {
        for year in 2025..=2026 {
            figures.extend(split(u.id, year, province_children(year) * w / sum));
        }
    }
    // A year whose annual report was approved keeps what was approved (no
    // figures): the demo approves reports of 2016–2019 before the units of
    // 2025 are loaded, and a locked year refuses the whole replacement.
    let mut open = std::collections::BTreeMap::new();
    for f in &figures {
        if let std::collections::btree_map::Entry::Vacant(e) = open.entry((f.unit_id, f.year)) {
            e.insert(!thamgia_store::reports::is_locked(c, f.unit_id, f.year).await?);
        }
    }
    figures.retain(|f| open[&(f.unit_id, f.year)]);
    if figures.is_empty() {
        return Ok(Filled::default());
    }
    let done = population::replace(c, &Actor::system("demo"), now, &figures, true, "demo").await?;
    Ok(Filled {
        unit_years: done.unit_years,
        rows: done.rows,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rule_is_fixed_and_adds_up() {
        assert_eq!(province_children(2019), 101_243);
        let rows = split(1, 2019, 10_000);
        assert_eq!(rows.len(), 20);
        let total: i64 = rows.iter().map(|f| f.children).sum();
        assert!((9_990..=10_000).contains(&total), "{total}");
        assert_eq!(DISTRICTS.iter().map(|d| d.1).sum::<i64>(), 1000);
    }
}
