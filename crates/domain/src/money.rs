//! Money in whole Vietnamese đồng. Amounts are `i64` counts of đồng — never
//! floating point — written the Vietnamese way: dots between thousands and the
//! sign after the number, `1.250.000 ₫`.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The largest amount accepted from a person or a file: one million billion
/// đồng, far above any budget line, far below `i64::MAX`, so sums of many
/// lines cannot overflow.
pub const MAX_DONG: i64 = 1_000_000_000_000_000;

/// An amount of đồng; serialised as a bare integer.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Dong(pub i64);

impl Dong {
    /// `1.250.000` (no sign): for tables whose header says the unit.
    pub fn grouped(self) -> String {
        let digits = self.0.unsigned_abs().to_string();
        let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
        if self.0 < 0 {
            out.push('-');
        }
        for (i, ch) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push('.');
            }
            out.push(ch);
        }
        out
    }
}

impl fmt::Display for Dong {
    /// `1.250.000 ₫`, with a no-break space so the sign never wraps alone.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}\u{a0}₫", self.grouped())
    }
}

/// Why a text is not an amount of đồng.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MoneyError {
    Empty,
    /// Letters, a decimal part (`1,5` or `1.5`), badly grouped dots.
    NotAnAmount,
    Negative,
    TooLarge,
}

impl MoneyError {
    pub fn code(self) -> &'static str {
        match self {
            MoneyError::Empty => "required",
            MoneyError::NotAnAmount => "not_an_amount",
            MoneyError::Negative => "negative_amount",
            MoneyError::TooLarge => "too_large",
        }
    }
}

/// Reads an amount as people type it: `1250000`, `1.250.000`, `1 250 000`,
/// `1.250.000 ₫`, `1.250.000 đ`, `1.250.000 VND`, and `1,250,000` as English
/// writes it. Dots (or commas, not both) must group thousands; a comma is a
/// decimal separator in Vietnamese, and đồng have no fractions, so `1,5` is
/// refused rather than guessed.
pub fn parse_dong(s: &str) -> Result<Dong, MoneyError> {
    let mut t = s.trim();
    for suffix in ["₫", "VNĐ", "VND", "vnđ", "vnd", "đồng", "đ", "Đ"] {
        if let Some(rest) = t.strip_suffix(suffix) {
            t = rest.trim_end();
            break;
        }
    }
    if t.is_empty() {
        return Err(MoneyError::Empty);
    }
    let negative = t.starts_with('-');
    let t = t.trim_start_matches('-');
    let compact: String = t
        .chars()
        .filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}'))
        .collect();
    if compact.is_empty()
        || !compact
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.' || c == ',')
        || (compact.contains('.') && compact.contains(','))
    {
        return Err(MoneyError::NotAnAmount);
    }
    let sep = if compact.contains(',') { ',' } else { '.' };
    if compact.contains(sep) {
        let groups: Vec<&str> = compact.split(sep).collect();
        let first_ok = (1..=3).contains(&groups[0].len());
        if !first_ok || groups[1..].iter().any(|g| g.len() != 3) {
            return Err(MoneyError::NotAnAmount);
        }
    }
    let digits: String = compact.chars().filter(char::is_ascii_digit).collect();
    if digits.len() > 18 {
        return Err(MoneyError::TooLarge);
    }
    let n: i64 = digits.parse().map_err(|_| MoneyError::NotAnAmount)?;
    if negative && n != 0 {
        return Err(MoneyError::Negative);
    }
    if n > MAX_DONG {
        return Err(MoneyError::TooLarge);
    }
    Ok(Dong(n))
}

/// A whole amount from a spreadsheet's number cell: refuses fractions.
pub fn dong_from_f64(v: f64) -> Result<Dong, MoneyError> {
    if !v.is_finite() || v.fract() != 0.0 {
        return Err(MoneyError::NotAnAmount);
    }
    if v < 0.0 {
        return Err(MoneyError::Negative);
    }
    // MAX_DONG is exactly representable; every whole f64 below it converts exactly.
    if v > MAX_DONG as f64 {
        return Err(MoneyError::TooLarge);
    }
    Ok(Dong(v as i64))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_the_vietnamese_way() {
        assert_eq!(Dong(1_250_000).to_string(), "1.250.000\u{a0}₫");
        assert_eq!(Dong(0).grouped(), "0");
        assert_eq!(Dong(999).grouped(), "999");
        assert_eq!(Dong(1_000).grouped(), "1.000");
        assert_eq!(Dong(-12_345_678).grouped(), "-12.345.678");
        assert_eq!(Dong(MAX_DONG).grouped(), "1.000.000.000.000.000");
    }

    #[test]
    fn reads_what_people_type() {
        for s in [
            "1250000",
            "1.250.000",
            "1 250 000",
            "1.250.000 ₫",
            "1.250.000đ",
            " 1.250.000 VND ",
            "1,250,000",
            "1,250,000 ₫",
        ] {
            assert_eq!(parse_dong(s), Ok(Dong(1_250_000)), "{s}");
        }
        assert_eq!(parse_dong("0"), Ok(Dong(0)));
    }

    #[test]
    fn refuses_fractions_and_nonsense() {
        assert_eq!(parse_dong(""), Err(MoneyError::Empty));
        assert_eq!(parse_dong(" ₫"), Err(MoneyError::Empty));
        for s in [
            "1,5", "1.5", "12.50", "1.2345", "abc", "1.000,00", "1e6", ".000", "1,000.5", "12,50",
        ] {
            assert_eq!(parse_dong(s), Err(MoneyError::NotAnAmount), "{s}");
        }
        assert_eq!(parse_dong("-5.000"), Err(MoneyError::Negative));
        assert_eq!(
            parse_dong("9.999.999.999.999.999.999"),
            Err(MoneyError::TooLarge)
        );
        assert_eq!(dong_from_f64(1_250_000.0), Ok(Dong(1_250_000)));
        assert_eq!(dong_from_f64(12.5), Err(MoneyError::NotAnAmount));
        assert_eq!(dong_from_f64(-1.0), Err(MoneyError::Negative));
    }

    #[test]
    fn formatting_and_reading_agree() {
        for n in [0, 7, 1_000, 65_432_100, MAX_DONG] {
            assert_eq!(parse_dong(&Dong(n).to_string()), Ok(Dong(n)));
        }
    }
}
