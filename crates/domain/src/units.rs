//! Units through time.
//!
//! A unit is an official code *and* a validity period (`valid_from`..=`valid_to`,
//! either end open). Codes are reused: on 1/7/2025 every one of Lai Châu's 38
//! new commune-level units took the code of one of the communes it was formed
//! from, so `03388` is Phường Quyết Tiến until 30/6/2025 and Phường Đoàn Kết
//! since. A code therefore names a unit only together with a date, and two
//! units may share a code only when their periods do not overlap.
//!
//! Every question about "the units of this scope" carries a [`During`]: the
//! store turns it into SQL in one place (`store::units::in_subtree`).

use chrono::NaiveDate;

/// The time a question about units is asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum During {
    /// Any time: every unit that ever existed (history, access scopes).
    Always,
    /// The units open on one day.
    On(NaiveDate),
    /// The units open on at least one day of a span (both ends included).
    Between(NaiveDate, NaiveDate),
}

impl During {
    /// The units open at some time in a calendar year.
    pub fn year(year: i32) -> During {
        match (first_day(year), last_day(year)) {
            (Some(a), Some(b)) => During::Between(a, b),
            _ => During::Always,
        }
    }

    /// The span asked about, or `None` for [`During::Always`].
    pub fn span(self) -> Option<(NaiveDate, NaiveDate)> {
        match self {
            During::Always => None,
            During::On(d) => Some((d, d)),
            During::Between(a, b) => Some((a, b)),
        }
    }

    /// Whether a unit valid `from..=to` (open ends allowed) is open during it.
    pub fn covers(self, from: Option<NaiveDate>, to: Option<NaiveDate>) -> bool {
        match self.span() {
            None => true,
            Some((a, b)) => from.is_none_or(|f| f <= b) && to.is_none_or(|t| a <= t),
        }
    }
}

pub fn first_day(year: i32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(year, 1, 1)
}

pub fn last_day(year: i32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(year, 12, 31)
}

/// The day a code is read on when only a year is given: the last day of the
/// year, so in 2025 `03388` means the ward formed on 1/7/2025 (the unit that
/// closes the year's report). A date, when given, wins.
pub fn reading_day(year: i32, date: Option<NaiveDate>) -> Option<NaiveDate> {
    date.or_else(|| last_day(year))
}

/// Whether two validity periods share at least one day — two such units may
/// not carry the same code.
pub fn overlaps(
    a: (Option<NaiveDate>, Option<NaiveDate>),
    b: (Option<NaiveDate>, Option<NaiveDate>),
) -> bool {
    let starts_before_end = |from: Option<NaiveDate>, to: Option<NaiveDate>| match (from, to) {
        (Some(f), Some(t)) => f <= t,
        _ => true,
    };
    starts_before_end(a.0, b.1) && starts_before_end(b.0, a.1)
}

/// Whether a unit valid `from..=to` is open on `day`.
pub fn open_on(from: Option<NaiveDate>, to: Option<NaiveDate>, day: NaiveDate) -> bool {
    During::On(day).covers(from, to)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("date")
    }

    #[test]
    fn the_reform_year_holds_both_units_of_a_reused_code() {
        let old = (None, Some(d(2025, 6, 30)));
        let new = (Some(d(2025, 7, 1)), None);
        assert!(!overlaps(old, new), "03388 before and after the reform");
        assert!(During::year(2025).covers(old.0, old.1));
        assert!(During::year(2025).covers(new.0, new.1));
        assert!(!During::year(2026).covers(old.0, old.1));
        assert!(!During::year(2019).covers(new.0, new.1));
        assert!(open_on(old.0, old.1, d(2025, 6, 30)));
        assert!(!open_on(old.0, old.1, d(2025, 7, 1)));
        assert!(During::Always.covers(old.0, old.1));
    }

    #[test]
    fn a_year_is_read_on_its_last_day_unless_a_date_is_given() {
        assert_eq!(reading_day(2025, None), Some(d(2025, 12, 31)));
        assert_eq!(reading_day(2025, Some(d(2025, 3, 1))), Some(d(2025, 3, 1)));
    }

    #[test]
    fn open_periods_overlap_everything_they_reach() {
        assert!(overlaps((None, None), (Some(d(2025, 7, 1)), None)));
        assert!(overlaps(
            (Some(d(2020, 1, 1)), Some(d(2025, 7, 1))),
            (Some(d(2025, 7, 1)), None)
        ));
        assert!(!overlaps(
            (Some(d(2020, 1, 1)), Some(d(2020, 12, 31))),
            (Some(d(2021, 1, 1)), Some(d(2021, 12, 31)))
        ));
    }
}
