//! The child population: children by unit, year, single age and sex — the
//! denominator of every "share of children" measure.
//!
//! Figures are kept per unit and year as a whole: an import of a unit's year
//! ([`replace`]) takes the place of whatever that unit had for that year, in
//! one write transaction with its audit entry, so a file or a request is
//! saved entirely or not at all and two writers of the same unit and year
//! take turns. [`children`] reads a subtree's figure with the one rule that
//! never counts a child twice: a unit's own figure when it has one for the
//! year, else the sum of its children's.

use crate::audit::{self, Change};
use crate::entity::{child_population, unit};
use crate::units::{self, During};
use crate::{Result, StoreError};
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, TransactionSession, TransactionTrait,
};
use std::collections::{BTreeMap, HashMap, HashSet};
use thamgia_domain::access::{Actor, Scope};

/// The sexes as children's responses store them.
pub const SEXES: [&str; 2] = ["girl", "boy"];
/// The oldest age kept (children are under 18).
pub const MAX_AGE: u8 = 17;

/// Children of some ages living in a unit's subtree in a year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Population {
    pub children: i64,
    /// Whether any figure summed is a demo figure (labelled as such wherever shown).
    pub demo: bool,
}

/// One figure to save: the children of one age and sex in a unit and year.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Figure {
    pub unit_id: i32,
    pub year: i32,
    pub age: u8,
    /// `girl` or `boy`.
    pub sex: String,
    pub children: i64,
}

/// What a [`replace`] did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Replaced {
    /// Units and years whose figures were replaced.
    pub unit_years: usize,
    /// Figures saved.
    pub rows: usize,
    /// Figures the replaced unit-years held before.
    pub rows_before: usize,
}

/// The day a subtree is read on for `year`: the last day of the year, or the
/// root's last day when it closed during the year (a district in 2025 is read
/// on 30/6/2025, with the communes it had then). `None` when the root was not
/// open on any day of the year.
fn reading_day(root: &unit::Model, year: i32) -> Option<NaiveDate> {
    let first = NaiveDate::from_ymd_opt(year, 1, 1)?;
    let last = NaiveDate::from_ymd_opt(year, 12, 31)?;
    if !During::year(year).covers(root.valid_from, root.valid_to) {
        return None;
    }
    Some(match root.valid_to {
        Some(to) if to < last => to.max(first),
        _ => last,
    })
}

/// The children aged `age_min`–`age_max` (both included) in the subtree of
/// the unit at `path` in `year`; `None` when no figure covers it.
///
/// A unit's figure for the year is its own figures when it has any for that
/// year (of any age), else the sum of its children's figures, recursively —
/// never both, so a province's figure and its districts' are not added
/// twice. Only units open on the subtree's reading day count (the last day
/// of the year, or the root's last day if it closed during the year): in
/// 2025 the province is the sum of the 38 communes formed on 1/7/2025, not
/// of the districts they replaced as well.
pub async fn children<C: ConnectionTrait>(
    c: &C,
    path: &str,
    year: i32,
    age_min: u8,
    age_max: u8,
) -> Result<Option<Population>> {
    let Some(root) = unit::Entity::find()
        .filter(unit::Column::Path.eq(path))
        .one(c)
        .await?
    else {
        return Ok(None);
    };
    let Some(day) = reading_day(&root, year) else {
        return Ok(None);
    };
    let open = units::subtree(c, path, During::On(day)).await?;
    let ids: Vec<i32> = open.iter().map(|u| u.id).collect();
    let mut kids: HashMap<i32, Vec<i32>> = HashMap::new();
    for u in &open {
        if let Some(p) = u.parent_id {
            kids.entry(p).or_default().push(u.id);
        }
    }
    let mut has_rows: HashSet<i32> = HashSet::new();
    let mut own: HashMap<i32, Population> = HashMap::new();
    for chunk in ids.chunks(5_000) {
        let rows: Vec<(i32, i16, i64, bool)> = child_population::Entity::find()
            .select_only()
            .column(child_population::Column::UnitId)
            .column(child_population::Column::Age)
            .column(child_population::Column::Children)
            .column(child_population::Column::Demo)
            .filter(child_population::Column::Year.eq(year))
            .filter(child_population::Column::UnitId.is_in(chunk.iter().copied()))
            .into_tuple()
            .all(c)
            .await?;
        for (unit_id, age, n, demo) in rows {
            has_rows.insert(unit_id);
            let e = own.entry(unit_id).or_insert(Population {
                children: 0,
                demo: false,
            });
            if age >= i16::from(age_min) && age <= i16::from(age_max) {
                e.children += n;
                e.demo |= demo;
            }
        }
    }
    fn figure(
        id: i32,
        kids: &HashMap<i32, Vec<i32>>,
        has_rows: &HashSet<i32>,
        own: &HashMap<i32, Population>,
        depth: usize,
    ) -> Option<Population> {
        if has_rows.contains(&id) {
            return own.get(&id).copied();
        }
        if depth > 32 {
            return None;
        }
        let mut sum: Option<Population> = None;
        for k in kids.get(&id).into_iter().flatten() {
            if let Some(f) = figure(*k, kids, has_rows, own, depth + 1) {
                let s = sum.get_or_insert(Population {
                    children: 0,
                    demo: false,
                });
                s.children += f.children;
                s.demo |= f.demo;
            }
        }
        sum
    }
    Ok(figure(root.id, &kids, &has_rows, &own, 0))
}

async fn lock<C: ConnectionTrait>(tx: &C) -> Result<()> {
    // On SQLite `begin_write` already holds the database's write lock; on
    // PostgreSQL population writers take turns on one advisory lock, so two
    // replacements of the same unit and year never meet half-way.
    if tx.get_database_backend() == DbBackend::Postgres {
        tx.execute_unprepared("SELECT pg_advisory_xact_lock(hashtext('thamgia.population'))")
            .await?;
    }
    Ok(())
}

/// Replaces the figures of every unit and year present in `rows` with
/// `rows`, in one write transaction (all or nothing), with one audit entry
/// per unit and year (counts and totals, and `source`: the file name or
/// `api`). A unit and year locked by an approved report refuses the whole
/// replacement (`Conflict { field: "year_locked" }`). The rows were checked before (ages 0–[`MAX_AGE`], sexes of
/// [`SEXES`], no figure twice, units in the writer's scope).
pub async fn replace<C: TransactionTrait + ConnectionTrait>(
    c: &C,
    actor: &Actor,
    now: DateTime<Utc>,
    rows: &[Figure],
    demo: bool,
    source: &str,
) -> Result<Replaced> {
    let mut groups: BTreeMap<(i32, i32), Vec<&Figure>> = BTreeMap::new();
    for r in rows {
        if r.age > MAX_AGE || !SEXES.contains(&r.sex.as_str()) || r.children < 0 {
            // The callers check every row first; this only guards the table.
            return Err(StoreError::Db(sea_orm::DbErr::Custom(
                "a population figure outside the rules".into(),
            )));
        }
        groups.entry((r.unit_id, r.year)).or_default().push(r);
    }
    let tx = crate::begin_write(c).await?;
    lock(&tx).await?;
    let mut out = Replaced::default();
    for ((unit_id, year), figures) in &groups {
        // The figures of a year whose annual report was approved are part of
        // what was approved: they change only when the report is reopened.
        crate::reports::ensure_open(&tx, *unit_id, *year).await?;
        let before: Vec<(i64,)> = child_population::Entity::find()
            .select_only()
            .column(child_population::Column::Children)
            .filter(child_population::Column::UnitId.eq(*unit_id))
            .filter(child_population::Column::Year.eq(*year))
            .into_tuple()
            .all(&tx)
            .await?;
        child_population::Entity::delete_many()
            .filter(child_population::Column::UnitId.eq(*unit_id))
            .filter(child_population::Column::Year.eq(*year))
            .exec(&tx)
            .await?;
        let models: Vec<child_population::ActiveModel> = figures
            .iter()
            .map(|f| child_population::ActiveModel {
                unit_id: Set(f.unit_id),
                year: Set(f.year),
                age: Set(i16::from(f.age)),
                sex: Set(f.sex.clone()),
                children: Set(f.children),
                demo: Set(demo),
                updated_by: Set(actor.user_id),
                updated_at: Set(now),
            })
            .collect();
        for chunk in models.chunks(200) {
            child_population::Entity::insert_many(chunk.to_vec())
                .exec(&tx)
                .await
                .map_err(|e| crate::on_unique(e, "rows"))?;
        }
        let total: i64 = figures.iter().map(|f| f.children).sum();
        let change = Change::new("replace", "population", format!("{unit_id}/{year}"))
            .before(&serde_json::json!({
                "unit_id": unit_id,
                "year": year,
                "rows": before.len(),
                "children": before.iter().map(|(n,)| *n).sum::<i64>(),
            }))
            .after(&serde_json::json!({
                "unit_id": unit_id,
                "year": year,
                "rows": figures.len(),
                "children": total,
                "demo": demo,
                "source": source,
            }));
        audit::record(&tx, actor, now, change).await?;
        out.unit_years += 1;
        out.rows += figures.len();
        out.rows_before += before.len();
    }
    tx.commit().await?;
    Ok(out)
}

/// The figures of one unit and year, by age then sex (girls first).
pub async fn of_unit<C: ConnectionTrait>(
    c: &C,
    unit_id: i32,
    year: i32,
) -> Result<Vec<child_population::Model>> {
    let mut v = child_population::Entity::find()
        .filter(child_population::Column::UnitId.eq(unit_id))
        .filter(child_population::Column::Year.eq(year))
        .order_by_asc(child_population::Column::Age)
        .all(c)
        .await?;
    v.sort_by_key(|r| (r.age, r.sex != "girl"));
    Ok(v)
}

/// Age bands of the overview (both ends included).
pub const BANDS: [(u8, u8); 4] = [(0, 5), (6, 10), (11, 15), (16, 17)];

/// One unit's figures for one year, summed for the overview.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Summary {
    pub unit_id: i32,
    pub year: i32,
    /// Children in each of [`BANDS`].
    pub bands: [i64; 4],
    pub girls: i64,
    pub boys: i64,
    pub total: i64,
    pub demo: bool,
}

/// Every unit-year with figures inside the scope (and in `year` when
/// given), newest year first, then in tree order of the units.
pub async fn summaries<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    year: Option<i32>,
) -> Result<Vec<Summary>> {
    let mut q = child_population::Entity::find().filter(
        child_population::Column::UnitId
            .in_subquery(units::subtree_ids(&scope.path, During::Always)),
    );
    if let Some(y) = year {
        q = q.filter(child_population::Column::Year.eq(y));
    }
    let rows: Vec<(i32, i32, i16, String, i64, bool)> = q
        .select_only()
        .column(child_population::Column::UnitId)
        .column(child_population::Column::Year)
        .column(child_population::Column::Age)
        .column(child_population::Column::Sex)
        .column(child_population::Column::Children)
        .column(child_population::Column::Demo)
        .into_tuple()
        .all(c)
        .await?;
    let mut by: BTreeMap<(i32, i32), Summary> = BTreeMap::new();
    for (unit_id, year, age, sex, n, demo) in rows {
        let s = by.entry((unit_id, year)).or_insert(Summary {
            unit_id,
            year,
            bands: [0; 4],
            girls: 0,
            boys: 0,
            total: 0,
            demo: false,
        });
        if let Some(i) = BANDS
            .iter()
            .position(|(a, b)| age >= i16::from(*a) && age <= i16::from(*b))
        {
            s.bands[i] += n;
        }
        if sex == "girl" {
            s.girls += n;
        } else {
            s.boys += n;
        }
        s.total += n;
        s.demo |= demo;
    }
    let order: HashMap<i32, String> = units::list(c, scope)
        .await?
        .into_iter()
        .map(|u| (u.id, u.path))
        .collect();
    let mut v: Vec<Summary> = by.into_values().collect();
    v.sort_by(|a, b| {
        b.year.cmp(&a.year).then_with(|| {
            order
                .get(&a.unit_id)
                .cmp(&order.get(&b.unit_id))
                .then(a.unit_id.cmp(&b.unit_id))
        })
    });
    Ok(v)
}

/// Whether any demo figure is stored (the demo fills the table once).
pub async fn has_demo<C: ConnectionTrait>(c: &C) -> Result<bool> {
    Ok(child_population::Entity::find()
        .filter(child_population::Column::Demo.eq(true))
        .one(c)
        .await?
        .is_some())
}
