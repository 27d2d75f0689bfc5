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

/// How deep a unit sits in its id path (`/00000012/00000105/` is 2): the
/// province, a root, is 1.
pub fn depth(path: &str) -> usize {
    path.split('/').filter(|s| !s.is_empty()).count()
}

/// Whether a unit reports straight to its province in the report chain (and
/// holds the children's council, counts as a unit running a model): the units
/// right under the province — the districts until 30/6/2025, the 38
/// commune-level units since 1/7/2025. Provinces are roots, so this is the
/// depth of the unit's id path, not a level's name.
pub fn reports_to_province(path: &str) -> bool {
    depth(path) == 2
}

/// Whether a unit takes part in the report chain: the province (which
/// consolidates) or a unit that reports to it.
pub fn in_report_chain(path: &str) -> bool {
    matches!(depth(path), 1 | 2)
}

/// The levels a unit of `level`, open `valid_from..=valid_to`, reports to for `year` under the
/// plan's `[levels] reports` lines. The day that counts: a line holds for the year when it is in
/// force on at least one day of the year on which the unit is open. So in 2025 the districts
/// (open until 30/6, their line until 30/6) and the communes (open since 1/7, their line since
/// 1/7) both report, each for its part of the year; a district does not report for 2026.
pub fn reports_to_in_year<'l>(
    levels: &'l crate::plan::Levels,
    level: &str,
    valid_from: Option<NaiveDate>,
    valid_to: Option<NaiveDate>,
    year: i32,
) -> Vec<&'l str> {
    let (Some(first), Some(last)) = (first_day(year), last_day(year)) else {
        return Vec::new();
    };
    let from = valid_from.map_or(first, |f| f.max(first));
    let to = valid_to.map_or(last, |t| t.min(last));
    if from > to {
        return Vec::new();
    }
    levels.reports_to_during(level, from, to)
}

/// Whether a unit takes part in the report chain for `year` under the plan's `[levels]`: a
/// province (a root: it consolidates) or a unit whose level reports to some level that year
/// ([`reports_to_in_year`]). The plan-driven twin of [`in_report_chain`].
pub fn in_plan_chain(
    levels: &crate::plan::Levels,
    path: &str,
    level: &str,
    valid_from: Option<NaiveDate>,
    valid_to: Option<NaiveDate>,
    year: i32,
) -> bool {
    depth(path) == 1 || !reports_to_in_year(levels, level, valid_from, valid_to, year).is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("date")
    }

    #[test]
    fn the_chain_is_the_province_and_the_units_right_under_it() {
        assert!(in_report_chain("/00000012/"));
        assert!(!reports_to_province("/00000012/"));
        assert!(reports_to_province("/00000012/00000105/"));
        assert!(!in_report_chain("/00000012/00000105/00000300/"));
    }

    #[test]
    fn the_plan_says_which_level_reports_and_when() {
        let levels = crate::plan::Levels {
            reports: vec![
                crate::plan::ReportLine {
                    from: "district".into(),
                    to: "province".into(),
                    since: None,
                    until: Some(d(2025, 6, 30)),
                },
                crate::plan::ReportLine {
                    from: "commune".into(),
                    to: "province".into(),
                    since: Some(d(2025, 7, 1)),
                    until: None,
                },
            ],
            ..crate::plan::Levels::default()
        };
        let district = (None, Some(d(2025, 6, 30)));
        let commune = (Some(d(2025, 7, 1)), None);
        let to = |level, (f, t): (Option<NaiveDate>, Option<NaiveDate>), year| {
            reports_to_in_year(&levels, level, f, t, year)
        };
        assert_eq!(to("district", district, 2024), ["province"]);
        assert_eq!(to("district", district, 2025), ["province"]);
        assert!(to("district", district, 2026).is_empty());
        assert!(to("commune", commune, 2024).is_empty());
        assert_eq!(to("commune", commune, 2025), ["province"]);
        // An old commune (ended 30/6/2025) did not report: its line starts on 1/7/2025.
        assert!(to("commune", (None, Some(d(2025, 6, 30))), 2025).is_empty());
        assert!(in_plan_chain(&levels, "/1/", "province", None, None, 2026));
        assert!(!in_plan_chain(&levels, "/1/2/", "school", None, None, 2026));
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
    fn units_files_are_checked_row_by_row() {
        let header: Vec<String> = [
            "code",
            "name_vi",
            "valid_from",
            "parent_code",
            "predecessor_communes",
        ]
        .map(String::from)
        .to_vec();
        let row = |n: usize, cells: &[&str]| (n, cells.iter().map(|s| s.to_string()).collect());
        let ok = check_rows(
            &header,
            &[row(
                2,
                &[
                    "03388",
                    "Phường Đoàn Kết",
                    "2025-07-01",
                    "12",
                    "03386;03388",
                ],
            )],
        )
        .expect("valid");
        assert_eq!(ok[0].name_en, "Đoàn Kết ward");
        assert_eq!(ok[0].level, "commune");
        assert_eq!(ok[0].predecessors.len(), 2);
        let errs = check_rows(
            &header,
            &[
                row(2, &["03388", "", "2025-07-01", "12", ""]),
                row(3, &["3x", "Xã A", "01/07/2025", "12", ""]),
                row(4, &["03390", "Xã B", "2025-13-01", "12", ""]),
                row(5, &["03390", "Xã B", "", "12", ""]),
            ],
        )
        .expect_err("invalid");
        let got: Vec<String> = errs.iter().map(ToString::to_string).collect();
        assert_eq!(
            got,
            [
                "row 2, column name_vi: required",
                "row 3, column code: invalid_code",
                "row 4, column valid_from: invalid_date",
                "row 5, column code: duplicate_code",
            ]
        );
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

/// One row of a units file (`thamgia units import FILE`), checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitRow {
    /// The row's number as a spreadsheet shows it (the header is row 1).
    pub row: usize,
    pub code: String,
    pub name_vi: String,
    pub name_en: String,
    pub level: String,
    pub parent_code: String,
    pub valid_from: Option<NaiveDate>,
    pub valid_to: Option<NaiveDate>,
    /// Codes of the units it was formed from (each read the day before
    /// `valid_from`): communes, then districts.
    pub predecessors: Vec<(&'static str, String)>,
}

impl UnitRow {
    /// The day the row's codes (its parent's, its own) are read on.
    pub fn reading_day(&self) -> Option<NaiveDate> {
        self.valid_from.or(self.valid_to)
    }
}

/// A refused row: its number, the column and a snake_case code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    pub row: usize,
    pub column: String,
    pub code: &'static str,
}

impl std::fmt::Display for RowError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "row {}, column {}: {}", self.row, self.column, self.code)
    }
}

/// The columns a units file may have (the two files of
/// `plans/units/`: the communes of 2015–30/6/2025 and the commune-level
/// units since 1/7/2025). `code`, `name_vi` and `parent_code` are required.
pub const COLUMNS: &[&str] = &[
    "code",
    "name_vi",
    "name_en",
    "kind",
    "level",
    "parent_code",
    "valid_from",
    "valid_to",
    "predecessor_communes",
    "predecessor_districts",
    "predecessor_names",
];

/// An English name from a Vietnamese one: `Phường Đoàn Kết` → `Đoàn Kết ward`.
pub fn english_name(name_vi: &str) -> String {
    for (prefix, kind) in [
        ("Phường ", "ward"),
        ("Xã ", "commune"),
        ("Thị trấn ", "township"),
    ] {
        if let Some(rest) = name_vi.strip_prefix(prefix) {
            return format!("{rest} {kind}");
        }
    }
    name_vi.to_string()
}

fn parse_day(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(s, "%d/%m/%Y"))
        .ok()
}

fn is_code(s: &str) -> bool {
    !s.is_empty() && s.len() <= 10 && s.bytes().all(|b| b.is_ascii_digit())
}

/// Checks a units file given as its header and rows of text (rows numbered
/// from 2). Every error at once, each naming its row and column; nothing is
/// returned unless every row is right. A code may appear twice only with
/// periods that do not overlap.
pub fn check_rows(
    header: &[String],
    rows: &[(usize, Vec<String>)],
) -> Result<Vec<UnitRow>, Vec<RowError>> {
    let mut errors = vec![];
    let col = |name: &str| header.iter().position(|h| h.trim() == name);
    for h in header {
        if !h.trim().is_empty() && !COLUMNS.contains(&h.trim()) {
            errors.push(RowError {
                row: 1,
                column: h.trim().to_string(),
                code: "unknown_column",
            });
        }
    }
    for required in ["code", "name_vi", "parent_code"] {
        if col(required).is_none() {
            errors.push(RowError {
                row: 1,
                column: required.to_string(),
                code: "missing_column",
            });
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut out: Vec<UnitRow> = vec![];
    for (row, cells) in rows {
        let row = *row;
        let get = |name: &str| {
            col(name)
                .and_then(|i| cells.get(i))
                .map(|s| s.trim().to_string())
                .unwrap_or_default()
        };
        if cells.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let mut err = |column: &str, code: &'static str| {
            errors.push(RowError {
                row,
                column: column.to_string(),
                code,
            })
        };
        let code = get("code");
        if code.is_empty() {
            err("code", "required");
        } else if !is_code(&code) {
            err("code", "invalid_code");
        }
        let name_vi = get("name_vi");
        if name_vi.is_empty() {
            err("name_vi", "required");
        }
        let parent_code = get("parent_code");
        if parent_code.is_empty() {
            err("parent_code", "required");
        } else if !is_code(&parent_code) {
            err("parent_code", "invalid_code");
        }
        let mut day = |column: &str| {
            let t = get(column);
            if t.is_empty() {
                return None;
            }
            let d = parse_day(&t);
            if d.is_none() {
                err(column, "invalid_date");
            }
            d
        };
        let valid_from = day("valid_from");
        let valid_to = day("valid_to");
        if let (Some(f), Some(t)) = (valid_from, valid_to)
            && t < f
        {
            err("valid_to", "before_valid_from");
        }
        let mut predecessors = vec![];
        for column in ["predecessor_communes", "predecessor_districts"] {
            for p in get(column)
                .split(';')
                .map(str::trim)
                .filter(|p| !p.is_empty())
            {
                if !is_code(p) {
                    err(column, "invalid_code");
                } else if valid_from.is_none() {
                    err("valid_from", "required");
                } else {
                    predecessors.push((
                        if column == "predecessor_communes" {
                            "predecessor_communes"
                        } else {
                            "predecessor_districts"
                        },
                        p.to_string(),
                    ));
                }
            }
        }
        let level = match get("level") {
            l if l.is_empty() => "commune".to_string(),
            l => l,
        };
        let name_en = match get("name_en") {
            n if n.is_empty() => english_name(&name_vi),
            n => n,
        };
        if out
            .iter()
            .any(|o| o.code == code && overlaps((o.valid_from, o.valid_to), (valid_from, valid_to)))
        {
            err("code", "duplicate_code");
        }
        out.push(UnitRow {
            row,
            code,
            name_vi,
            name_en,
            level,
            parent_code,
            valid_from,
            valid_to,
            predecessors,
        });
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}
