//! The child population as people type it (a row of a file, a JSON row):
//! a unit code, a year, a single age, a sex and a number of children. The
//! checks here are the same for the file import and the API; the unit code
//! is read with the year afterwards, by the store (codes were reused in 2025).

use crate::activities::{Errors, FieldError, count};

/// The oldest age kept: children are under 18.
pub const MAX_AGE: u8 = 17;
/// Years a figure may be given for.
pub const YEARS: std::ops::RangeInclusive<i32> = 2000..=2100;

/// One row as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FigureText {
    pub unit: String,
    pub year: String,
    pub age: String,
    pub sex: String,
    pub children: String,
}

/// One row checked; the unit is still a code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedFigure {
    pub unit: String,
    pub year: i32,
    pub age: u8,
    /// `girl` or `boy`, as children's responses store it.
    pub sex: &'static str,
    pub children: i64,
}

fn err(e: &mut Errors, field: &str, code: &'static str) {
    e.push(FieldError {
        field: field.into(),
        code,
    });
}

/// The sex as written: `Nữ`/`girl`/`F` or `Nam`/`boy`/`M` (any case).
pub fn parse_sex(s: &str) -> Option<&'static str> {
    let v = crate::text::nfc(s.trim()).to_lowercase();
    match v.as_str() {
        "nữ" | "nu" | "girl" | "female" | "f" | "gái" | "trẻ gái" => Some("girl"),
        "nam" | "boy" | "male" | "m" | "trai" | "trẻ trai" => Some("boy"),
        _ => None,
    }
}

/// The sex's Vietnamese word, as the template and the page write it.
pub fn sex_vi(sex: &str) -> &'static str {
    if sex == "girl" { "Nữ" } else { "Nam" }
}

/// Checks one row; every error names its field (`unit`, `year`, `age`,
/// `sex`, `children`).
pub fn check_figure(t: &FigureText) -> Result<CheckedFigure, Errors> {
    let mut e = Errors::new();
    let unit = crate::text::nfc(t.unit.trim());
    if unit.is_empty() {
        err(&mut e, "unit", "required");
    }
    let year = match t.year.trim() {
        "" => {
            err(&mut e, "year", "required");
            0
        }
        y => match y.parse::<i32>() {
            Ok(y) if YEARS.contains(&y) => y,
            _ => {
                err(&mut e, "year", "not_a_year");
                0
            }
        },
    };
    let age = match t.age.trim() {
        "" => {
            err(&mut e, "age", "required");
            0
        }
        a => match a.parse::<u8>() {
            Ok(a) if a <= MAX_AGE => a,
            _ => {
                err(&mut e, "age", "not_an_age");
                0
            }
        },
    };
    let sex = if t.sex.trim().is_empty() {
        err(&mut e, "sex", "required");
        "girl"
    } else {
        parse_sex(&t.sex).unwrap_or_else(|| {
            err(&mut e, "sex", "unknown_sex");
            "girl"
        })
    };
    let children = if t.children.trim().is_empty() {
        err(&mut e, "children", "required");
        0
    } else {
        i64::from(count(&mut e, "children", &t.children))
    };
    if e.is_empty() {
        Ok(CheckedFigure {
            unit,
            year,
            age,
            sex,
            children,
        })
    } else {
        Err(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(unit: &str, year: &str, age: &str, sex: &str, children: &str) -> FigureText {
        FigureText {
            unit: unit.into(),
            year: year.into(),
            age: age.into(),
            sex: sex.into(),
            children: children.into(),
        }
    }

    #[test]
    fn a_row_is_checked_field_by_field() {
        let ok = check_figure(&t(" 106 ", "2019", "6", "Nữ", "1.234")).expect("ok");
        assert_eq!(
            ok,
            CheckedFigure {
                unit: "106".into(),
                year: 2019,
                age: 6,
                sex: "girl",
                children: 1234
            }
        );
        assert_eq!(
            check_figure(&t("106", "2019", "17", "NAM", "0"))
                .expect("ok")
                .sex,
            "boy"
        );
        let e = check_figure(&t("", "19", "18", "x", "-3")).expect_err("bad");
        let got: Vec<(&str, &str)> = e.iter().map(|e| (e.field.as_str(), e.code)).collect();
        assert_eq!(
            got,
            [
                ("unit", "required"),
                ("year", "not_a_year"),
                ("age", "not_an_age"),
                ("sex", "unknown_sex"),
                ("children", "negative")
            ]
        );
        let e = check_figure(&t("106", "2019", "6", "Nữ", "")).expect_err("empty");
        assert_eq!(e[0].field, "children");
        assert_eq!(e[0].code, "required");
    }
}
