//! Vietnamese first, English second. Every visible string comes from the
//! `locales/{vi,en}/main.ftl` catalogs (Fluent), compiled into the binary.
//! Numbers and dates are formatted here by hand: Vietnamese uses `.` for
//! thousands, `,` for decimals and dd/mm/yyyy.

use chrono::{Datelike, NaiveDate};
use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{LanguageIdentifier, Loader, langid};
use std::borrow::Cow;
use std::collections::HashMap;

fluent_templates::static_loader! {
    static LOCALES = {
        locales: "./locales",
        fallback_language: "vi",
        // Bidi isolation marks would leak into text, attributes and tests.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

static VI: LanguageIdentifier = langid!("vi");
static EN: LanguageIdentifier = langid!("en");

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
pub enum Lang {
    #[default]
    Vi,
    En,
}

impl Lang {
    pub fn parse(s: &str) -> Option<Lang> {
        match s {
            "vi" => Some(Lang::Vi),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Lang::Vi => "vi",
            Lang::En => "en",
        }
    }

    pub fn other(self) -> Lang {
        match self {
            Lang::Vi => Lang::En,
            Lang::En => Lang::Vi,
        }
    }

    fn id(self) -> &'static LanguageIdentifier {
        match self {
            Lang::Vi => &VI,
            Lang::En => &EN,
        }
    }

    /// A catalog string; a missing key shows itself so that it is noticed.
    pub fn t(self, key: &str) -> String {
        LOCALES
            .try_lookup(self.id(), key)
            .unwrap_or_else(|| key.to_string())
    }

    /// Every unit of a level, as a list of reporters or a recipient line names
    /// them ("các huyện, thành phố"): the one catalog key per level,
    /// `report-reporters-<level>` (a level no plan names: `other`).
    pub fn levels_plural(self, level: &str) -> String {
        let level = if thamgia_domain::plan::UNIT_LEVELS.contains(&level) {
            level
        } else {
            "other"
        };
        self.t(&format!("report-reporters-{level}"))
    }

    /// A catalog string with `{ $name }` arguments.
    pub fn t_args(self, key: &str, args: &[(&str, String)]) -> String {
        let map: HashMap<Cow<'static, str>, FluentValue<'_>> = args
            .iter()
            .map(|(k, v)| (Cow::Owned((*k).to_string()), FluentValue::from(v.clone())))
            .collect();
        LOCALES
            .try_lookup_with_args(self.id(), key, &map)
            .unwrap_or_else(|| key.to_string())
    }

    /// A catalog string with counts: each count `x` is passed as a number,
    /// for the catalog's plural selectors (`{ $x -> [one] … *[other] … }`),
    /// and as `x_text`, written with the language's thousands separator.
    pub fn t_counts(self, key: &str, counts: &[(&str, i64)], args: &[(&str, String)]) -> String {
        let mut map: HashMap<Cow<'static, str>, FluentValue<'_>> = args
            .iter()
            .map(|(k, v)| (Cow::Owned((*k).to_string()), FluentValue::from(v.clone())))
            .collect();
        for (k, n) in counts {
            map.insert(Cow::Owned((*k).to_string()), FluentValue::from(*n));
            map.insert(
                Cow::Owned(format!("{k}_text")),
                FluentValue::from(self.int(*n)),
            );
        }
        LOCALES
            .try_lookup_with_args(self.id(), key, &map)
            .unwrap_or_else(|| key.to_string())
    }

    /// Picks the Vietnamese or English one of a record's two names.
    pub fn pick<'a>(self, vi: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::En if !en.trim().is_empty() => en,
            _ => vi,
        }
    }

    pub fn date(self, d: NaiveDate) -> String {
        match self {
            // dd/mm/yyyy in both: the product's users read dates this way.
            Lang::Vi | Lang::En => format!("{:02}/{:02}/{}", d.day(), d.month(), d.year()),
        }
    }

    /// An integer with thousands separators: 1.250.000 (vi), 1,250,000 (en).
    pub fn int(self, n: i64) -> String {
        let sep = match self {
            Lang::Vi => '.',
            Lang::En => ',',
        };
        let digits = n.unsigned_abs().to_string();
        let mut out = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push(sep);
            }
            out.push(c);
        }
        if n < 0 { format!("-{out}") } else { out }
    }

    /// An amount of money: 1.250.000 ₫ (vi), 1,250,000 ₫ (en), with a
    /// no-break space so the sign never wraps alone.
    pub fn money(self, dong: i64) -> String {
        format!("{}\u{a0}₫", self.int(dong))
    }

    /// A figure that may have decimals: 92,5 (vi), 92.5 (en); whole numbers bare.
    pub fn num(self, x: f64) -> String {
        if x.fract() == 0.0 && x.abs() < 1e15 {
            return self.int(x as i64);
        }
        let s = format!("{x:.1}");
        match self {
            Lang::Vi => s.replace('.', ","),
            Lang::En => s,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn catalog(src: &str) -> BTreeMap<String, String> {
        src.lines()
            .filter(|l| !l.trim_start().starts_with('#') && !l.trim().is_empty())
            .filter_map(|l| l.split_once('='))
            .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
            .collect()
    }

    /// Every `.ftl` file of a language, merged (each feature keeps its own file).
    fn language(lang: &str) -> BTreeMap<String, String> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("locales")
            .join(lang);
        let mut all = BTreeMap::new();
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .expect("locale dir")
            .filter_map(|e| e.ok())
            .map(|e| e.path())
            .collect();
        files.sort();
        for f in files {
            let src = std::fs::read_to_string(&f).expect("read catalog");
            for (k, v) in catalog(&src) {
                assert!(
                    all.insert(k.clone(), v).is_none(),
                    "{lang}: key {k} defined twice ({})",
                    f.display()
                );
            }
        }
        all
    }

    #[test]
    fn every_key_is_in_both_catalogs_and_not_empty() {
        let vi = language("vi");
        let en = language("en");
        assert!(vi.len() > 50, "catalog parsed: {} keys", vi.len());
        for (k, v) in &vi {
            assert!(!v.is_empty(), "vi: {k} is empty");
            assert!(en.contains_key(k), "en lacks {k}");
        }
        for (k, v) in &en {
            assert!(!v.is_empty(), "en: {k} is empty");
            assert!(vi.contains_key(k), "vi lacks {k}");
        }
        // And the loader really serves them (no key echoed back), with their
        // `{ $name }` arguments filled in.
        for (k, v) in &vi {
            let args: Vec<(&str, String)> = v
                .split("{ $")
                .skip(1)
                .filter_map(|rest| {
                    rest.split_once(' ')
                        .map(|(name, _)| (name, "1".to_string()))
                })
                .collect();
            assert_ne!(Lang::Vi.t_args(k, &args), *k, "vi lookup of {k}");
            assert_ne!(Lang::En.t_args(k, &args), *k, "en lookup of {k}");
        }
    }

    #[test]
    fn vietnamese_numbers_and_dates() {
        assert_eq!(Lang::Vi.int(1_250_000), "1.250.000");
        assert_eq!(Lang::En.int(1_250_000), "1,250,000");
        assert_eq!(Lang::Vi.int(-5), "-5");
        assert_eq!(Lang::Vi.num(92.5), "92,5");
        assert_eq!(Lang::Vi.num(100.0), "100");
        let d = NaiveDate::from_ymd_opt(2015, 11, 30).expect("date");
        assert_eq!(Lang::Vi.date(d), "30/11/2015");
    }

    #[test]
    fn counts_choose_the_plural_and_keep_the_separator() {
        let clubs = |lang: Lang, n: i64| {
            lang.t_counts(
                "report-clubs-line",
                &[
                    ("total", n),
                    ("active", n),
                    ("activities", n),
                    ("girls", n),
                    ("boys", n),
                ],
                &[],
            )
        };
        assert!(clubs(Lang::En, 1).contains("1 club, 1 active, 1 activity (1 girl and 1 boy"));
        assert!(clubs(Lang::En, 2).contains("2 clubs, 2 active, 2 activities"));
        assert!(clubs(Lang::En, 26496).contains("26,496 clubs"));
        assert!(clubs(Lang::Vi, 26496).contains("26.496 câu lạc bộ"));
        assert_eq!(Lang::En.money(1_250_000), "1,250,000\u{a0}₫");
        assert_eq!(Lang::Vi.money(-1_250_000), "-1.250.000\u{a0}₫");
    }
}
