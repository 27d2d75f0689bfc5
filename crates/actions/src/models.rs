//! What the participation models (forums, councils, clubs) and their
//! identified children share: reading typed text (names, counts, dates,
//! checkboxes), the level rule of the governing plan, and the year a page or
//! the API shows when none is asked for.

use crate::{ActionError, ActionResult, Fields, invalid_one};
use chrono::{Datelike, NaiveDate};
use sea_orm::DatabaseConnection;
use std::collections::{BTreeSet, HashMap};
use thamgia_domain::access::Principal;
use thamgia_domain::activities::parse_date;
use thamgia_store::entity::{agency, unit};
use thamgia_store::{StoreError, agencies, plans, units};

/// The field error of a unit whose level the governing plan's `[levels]`
/// does not list for the model (a forum, council or club).
pub const LEVEL_NOT_ALLOWED: &str = "level_not_allowed";

/// The longest name of a council or club.
pub const MAX_MODEL_NAME: usize = 200;
/// The most children a council's dialogue or a club's activity counts.
pub const MAX_CHILDREN_PRESENT: i64 = 500;

/// The writes a children's model (council, club) has, written once: its
/// `ACTIONS` (set one up: `ManageModels`; record what it held:
/// `RecordActivities`; record a recommendation raised there: `ManageModels`),
/// `create` (the module's `check_new`, then the store's write with its
/// conflicts mapped by `conflicts`), and the record action with its check: the
/// model loaded in scope (the module's `load`), the day held between the day
/// it was set up (`since`, earlier: `before`) and today, the other fields read
/// by `fields` into the new record.
macro_rules! model_writes {
    (
        $model:literal, $store:ident, $m:ty, $input:ty, conflicts: $conflicts:expr,
        $(#[$doc:meta])* $record:ident($held:ty) -> $out:ty,
        $check:ident($since:ident, $before:literal) -> $new:ty, $fields:ident $(,)?
    ) => {
        /// The write actions of this module (`catalog::all`; members: `membership`).
        pub const ACTIONS: &[Action] = &[
            Action::unit(concat!($model, ".create"), Permission::ManageModels),
            Action::unit(concat!($model, ".", stringify!($record)), Permission::RecordActivities),
            Action::unit(concat!($model, ".add_recommendation"), Permission::ManageModels),
        ];

        /// Sets one up (`ManageModels`).
        pub async fn create(act: Act<'_>, f: &$input) -> ActionResult<$m> {
            act.require(Permission::ManageModels)?;
            let n = check_new(act, f).await?;
            $store::create(act.db, &act.actor(), act.now, n)
                .await
                .map_err($conflicts)
        }

        $(#[$doc])*
        pub async fn $record(act: Act<'_>, id: i32, f: &$held) -> ActionResult<$out> {
            act.require(Permission::RecordActivities)?;
            let k = load(act, id).await?.0;
            let n = $check(&k, f, act.now.date_naive())?;
            Ok($store::$record(act.db, &act.actor(), act.now, k.id, n).await?)
        }

        /// Checks what the model held against it and today.
        pub fn $check(k: &$m, f: &$held, today: NaiveDate) -> ActionResult<$new> {
            let mut e = Fields::new();
            let since = (k.$since, $before);
            let held = held_day(&mut e, "held_on", &f.held_on, since, today);
            match $fields(&mut e, f, held) {
                Some(n) if e.is_empty() => Ok(n),
                _ => Err(invalid(e)),
            }
        }
    };
}
pub(crate) use model_writes;

/// A store error of a forum, council or club write: the store's refusal of
/// the unit's level (`plans::ensure_holds`, when a plan changed between the
/// check and the write) as the same field error the check gives.
pub fn level_refused(e: StoreError) -> ActionError {
    match e {
        StoreError::Conflict { field } if field == plans::LEVEL_REFUSED => {
            invalid_one("unit", LEVEL_NOT_ALLOWED)
        }
        other => other.into(),
    }
}

/// A required text of at most `max` characters, trimmed.
pub fn text(e: &mut Fields, field: &str, v: &str, max: usize) -> String {
    let v = v.trim().to_string();
    if v.is_empty() {
        e.insert(field.into(), "required".into());
    } else if v.chars().count() > max {
        e.insert(field.into(), "too_long".into());
    }
    v
}

/// A whole number from `min` to `max`; empty is an error (`required`).
pub fn count(e: &mut Fields, field: &str, v: &str, min: i64, max: i64) -> Option<i32> {
    let v = v.trim();
    if v.is_empty() {
        e.insert(field.into(), "required".into());
        return None;
    }
    match v.parse::<i64>() {
        Ok(n) if n < 0 => {
            e.insert(field.into(), "negative".into());
            None
        }
        Ok(n) if n < min => {
            e.insert(field.into(), "total_zero".into());
            None
        }
        Ok(n) if n > max => {
            e.insert(field.into(), "too_large".into());
            None
        }
        Ok(n) => i32::try_from(n).ok(),
        Err(_) => {
            e.insert(field.into(), "not_a_number".into());
            None
        }
    }
}

/// A date field that may be empty: `None` when empty, an error when unreadable.
pub fn optional_date(e: &mut Fields, field: &str, s: &str) -> Option<NaiveDate> {
    if s.trim().is_empty() {
        return None;
    }
    let d = parse_date(s);
    if d.is_none() {
        e.insert(field.into(), "not_a_date".into());
    }
    d
}

/// A required date field.
pub fn required_date(e: &mut Fields, field: &str, s: &str) -> Option<NaiveDate> {
    if s.trim().is_empty() {
        e.insert(field.into(), "required".into());
        return None;
    }
    optional_date(e, field, s)
}

/// A required day something was held, between the day its council or club
/// was set up (`since`; earlier: `before`, e.g. `before_founded`) and today.
pub fn held_day(
    e: &mut Fields,
    field: &str,
    s: &str,
    (since, before): (NaiveDate, &str),
    today: NaiveDate,
) -> Option<NaiveDate> {
    let d = required_date(e, field, s);
    if let Some(d) = d {
        if d > today {
            e.insert(field.into(), "in_the_future".into());
        } else if d < since {
            e.insert(field.into(), before.into());
        }
    }
    d
}

/// A checkbox as forms send it (`yes`, `on`, `true`, `1`).
pub fn checked(s: &str) -> bool {
    matches!(s.trim(), "yes" | "on" | "true" | "1")
}

/// A date that may be empty for today: today when empty, an error when
/// unreadable.
pub(crate) fn date_or_today(
    e: &mut Fields,
    field: &str,
    s: &str,
    today: NaiveDate,
) -> Option<NaiveDate> {
    if s.trim().is_empty() {
        Some(today)
    } else {
        optional_date(e, field, s)
    }
}

/// The year a list shows when none is asked for: this year if anything
/// happened in it, else the latest year with records, else this year.
pub fn default_year(years: &[i32], today: NaiveDate) -> i32 {
    let this = today.year();
    if years.contains(&this) {
        return this;
    }
    years
        .iter()
        .copied()
        .filter(|y| *y <= this)
        .max()
        .unwrap_or(this)
}

/// The year asked for in `?year=`, or the default; unreadable years are the default.
pub fn year_of(q: &str, years: &[i32], today: NaiveDate) -> i32 {
    q.trim()
        .parse::<i32>()
        .ok()
        .filter(|y| (1900..=2200).contains(y))
        .unwrap_or_else(|| default_year(years, today))
}

/// Years to offer in a year picker: those with records and this year, newest first.
pub fn year_options(years: &[i32], today: NaiveDate, chosen: i32) -> Vec<i32> {
    let mut set: BTreeSet<i32> = years.iter().copied().collect();
    set.insert(today.year());
    set.insert(chosen);
    set.into_iter().rev().collect()
}

/// The units in scope whose level holds `model` (`forum`, `council`,
/// `club`) in `year` under the plan governing each (`plans::holds`: the
/// plan's `[levels]`), looked up once per province and level.
pub async fn units_holding(
    db: &DatabaseConnection,
    p: &Principal,
    model: &str,
    year: i32,
) -> ActionResult<Vec<unit::Model>> {
    let mut known: HashMap<(String, String), bool> = HashMap::new();
    let mut out = vec![];
    for u in units::list(db, &p.scope()).await? {
        let key = (
            thamgia_store::forums::province_of(&u.path).to_owned(),
            u.level.clone(),
        );
        let holds = match known.get(&key) {
            Some(h) => *h,
            None => {
                let h = plans::holds(db, &u.path, &u.level, model, year).await?;
                known.insert(key, h);
                h
            }
        };
        if holds {
            out.push(u);
        }
    }
    Ok(out)
}

/// A unit in scope named by its code, for a field: `required` when empty,
/// `unknown_unit` when not found in scope.
pub(crate) async fn unit_in_scope(
    db: &DatabaseConnection,
    p: &Principal,
    e: &mut Fields,
    field: &str,
    code: &str,
) -> ActionResult<Option<unit::Model>> {
    if code.trim().is_empty() {
        e.insert(field.into(), "required".into());
        return Ok(None);
    }
    match units::get_in_scope(db, &p.scope(), code.trim()).await {
        Ok(u) => Ok(Some(u)),
        Err(StoreError::NotFound) => {
            e.insert(field.into(), "unknown_unit".into());
            Ok(None)
        }
        Err(err) => Err(err.into()),
    }
}

/// An agency named by code that the caller may act for, with its unit:
/// `required`, `unknown_agency` (not in scope) or `not_your_agency` (an
/// agency officer naming another agency) on `field` otherwise.
pub(crate) async fn own_agency_in_scope(
    db: &DatabaseConnection,
    p: &Principal,
    e: &mut Fields,
    field: &str,
    code: &str,
) -> ActionResult<Option<(agency::Model, unit::Model)>> {
    if code.trim().is_empty() {
        e.insert(field.into(), "required".into());
        return Ok(None);
    }
    match agencies::get_in_scope(db, &p.scope(), code.trim()).await {
        Ok((a, _)) if p.own_agency().is_some_and(|own| own != a.id) => {
            e.insert(field.into(), "not_your_agency".into());
            Ok(None)
        }
        Ok(found) => Ok(Some(found)),
        Err(StoreError::NotFound) => {
            e.insert(field.into(), "unknown_agency".into());
            Ok(None)
        }
        Err(err) => Err(err.into()),
    }
}

/// What the crate's unit tests share: a day, and the fields a check refused.
#[cfg(test)]
pub(crate) mod testing {
    use crate::{ActionError, ActionResult, Fields};
    use chrono::NaiveDate;

    pub(crate) fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("date")
    }

    /// The fields of a refused check (a panic when it was accepted).
    pub(crate) fn refused<T: std::fmt::Debug>(r: ActionResult<T>) -> Fields {
        match r {
            Err(ActionError::Invalid { fields, .. }) => fields,
            other => panic!("{other:?}"),
        }
    }

    /// An input as a form sends it: the fields named, the others empty.
    pub(crate) fn form<I: serde::de::DeserializeOwned>(fields: &[(&str, &str)]) -> I {
        let named: serde_json::Map<String, serde_json::Value> = fields
            .iter()
            .map(|(k, v)| ((*k).into(), (*v).into()))
            .collect();
        serde_json::from_value(named.into()).expect("an input")
    }

    /// Field errors a refused check names.
    pub(crate) type Errors<'a> = &'a [(&'a str, &'a str)];

    /// What a record check (a council's dialogue, a club's activity) refuses
    /// and accepts on 1 December 2019: an empty input names each of
    /// `required`; each input of `refusals` (its form fields) is refused
    /// with the field errors given; `valid` is accepted and returned.
    pub(crate) fn record_check<I, N>(
        check: impl Fn(&I, NaiveDate) -> ActionResult<N>,
        required: &[&str],
        refusals: &[(Errors, Errors)],
        valid: Errors,
    ) -> N
    where
        I: Default + serde::de::DeserializeOwned,
        N: std::fmt::Debug,
    {
        let today = d(2019, 12, 1);
        let e = refused(check(&I::default(), today));
        for f in required {
            assert_eq!(e[*f], "required", "{f}");
        }
        for (fields, errors) in refusals {
            let e = refused(check(&form(fields), today));
            for (f, code) in *errors {
                assert_eq!(e[*f], *code, "{f}");
            }
        }
        check(&form(valid), today).expect("valid")
    }

    /// The creation time of a model made up for a test.
    pub(crate) fn epoch() -> chrono::DateTime<chrono::Utc> {
        chrono::DateTime::from_timestamp(0, 0).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::testing::d;
    use super::*;

    #[test]
    fn the_default_year_is_the_latest_with_records() {
        let today = d(2026, 3, 1);
        assert_eq!(default_year(&[2020, 2019, 2017], today), 2020);
        assert_eq!(default_year(&[2026, 2020], today), 2026);
        assert_eq!(default_year(&[], today), 2026);
        assert_eq!(year_of("2018", &[2020], today), 2018);
        assert_eq!(year_of("abc", &[2020], today), 2020);
        assert_eq!(
            year_options(&[2020, 2019], today, 2018),
            vec![2026, 2020, 2019, 2018]
        );
    }
}
