//! The indicator engine: every figure of the plan for a unit's subtree and a
//! year, each with its target and where it stands — the one source for the
//! API, the dashboards, the annual report and its .xlsx/.docx/CSV exports, so
//! the same number appears everywhere.
//!
//! `T1`–`T3` (matters consulted), `M1`–`M3` and `T4` (the three models),
//! `A1`–`A3` (people trained, activities, spending), and `C1`, the children
//! consulted, by age band, sex and ethnic group. The three are breakdowns of
//! one total shown side by side, so they go through
//! `domain::suppression::breakdowns`: a part of 1–4 children is hidden, and so
//! are the smallest other parts needed so that none can be worked out by
//! subtraction from the total; when only hiding the total protects them (or
//! it is 1–4), `C1` itself is suppressed (`Figure::suppressed`) in every view.

use crate::activity_indicators::{self, Part};
use crate::entity::unit;
use crate::indicators::{self, IndicatorValue};
use crate::{Result, model_indicators};
use chrono::NaiveDate;
use sea_orm::{ConnectionTrait, EntityTrait, QueryFilter};
use std::collections::BTreeMap;
use thamgia_domain::reports::{Standing, standing};
use thamgia_domain::suppression;

/// One figure with its breakdown and standing.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Figure {
    #[serde(flatten)]
    pub indicator: IndicatorValue,
    /// Parts of the figure (empty when it has none). A part of fewer than 5
    /// children is `None` (shown as "<5").
    pub breakdown: Vec<EnginePart>,
    pub standing: Standing,
    /// The figure itself is hidden ("<5"): `C1` when it is 1–4, or when its
    /// breakdowns could only be protected by hiding it. Its numerator,
    /// denominator and value are then 0, 0 and `None` and never shown.
    #[serde(default)]
    pub suppressed: bool,
}

/// One part of a figure.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct EnginePart {
    pub key: String,
    pub name_vi: String,
    pub name_en: String,
    /// `None` when suppressed (a count of 1–4 children).
    pub value: Option<i64>,
}

impl Figure {
    /// Whether the figure must read "<5": suppressed, or (figures frozen in a
    /// report before suppression was recorded) a C1 of 1–4 children.
    pub fn hidden(&self) -> bool {
        self.suppressed
            || (self.indicator.code == "C1" && (1..5).contains(&self.indicator.numerator))
    }
}

impl From<Part> for EnginePart {
    fn from(p: Part) -> Self {
        EnginePart {
            key: p.key,
            name_vi: p.name_vi,
            name_en: p.name_en,
            value: Some(p.value),
        }
    }
}

/// Every figure for `u`'s subtree in `year`, in the plan's order (T, M, A)
/// then `C1`; `today` decides whether the running year is on track.
pub async fn figures<C: ConnectionTrait>(
    c: &C,
    u: &unit::Model,
    year: i32,
    today: NaiveDate,
) -> Result<Vec<Figure>> {
    let mut out = Vec::new();
    let mut plain = indicators::consulted_matters(c, u, year).await?;
    plain.extend(model_indicators::model_indicators(c, u, year).await?);
    for i in plain {
        out.push(figure(i, Vec::new(), year, today));
    }
    for a in activity_indicators::activity_indicators(c, u, year).await? {
        let parts = a.breakdown.into_iter().map(EnginePart::from).collect();
        out.push(figure(a.indicator, parts, year, today));
    }
    out.push(children_consulted(c, u, year).await?);
    Ok(out)
}

fn figure(i: IndicatorValue, breakdown: Vec<EnginePart>, year: i32, today: NaiveDate) -> Figure {
    let standing = standing(i.value, i.target, year, today);
    Figure {
        indicator: i,
        breakdown,
        standing,
        suppressed: false,
    }
}

/// The counts behind `C1`: children's responses in the year (by the day they
/// arrived) to consultations run by units of the subtree.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChildrenCounts {
    pub total: u64,
    pub by_age_band: BTreeMap<String, u64>,
    pub by_sex: BTreeMap<String, u64>,
    pub by_ethnic: BTreeMap<String, u64>,
}

/// Counts children's responses for `C1`, from the maintained aggregates
/// (`store::aggregates`); [`recompute_children_counts`] counts the responses
/// themselves.
pub async fn children_counts<C: ConnectionTrait>(
    c: &C,
    u: &unit::Model,
    year: i32,
) -> Result<ChildrenCounts> {
    Ok(counts_of(
        crate::aggregates::responses(c, &u.path, year).await?,
    ))
}

/// [`children_counts`] straight from the responses (the property test and the
/// benchmark compare the two).
pub async fn recompute_children_counts<C: ConnectionTrait>(
    c: &C,
    u: &unit::Model,
    year: i32,
) -> Result<ChildrenCounts> {
    let subtree: Vec<i32> = unit::Entity::find()
        .filter(crate::units::in_subtree(
            &u.path,
            crate::units::During::Always,
        ))
        .all(c)
        .await?
        .into_iter()
        .map(|x| x.id)
        .collect();
    Ok(counts_of(
        crate::aggregates::recompute_responses(c, &subtree, year).await?,
    ))
}

fn counts_of(rows: crate::aggregates::ResponseCounts) -> ChildrenCounts {
    let mut k = ChildrenCounts::default();
    for ((band, sex, ethnic), n) in rows {
        let n = u64::try_from(n).unwrap_or(0);
        k.total += n;
        *k.by_age_band.entry(band).or_default() += n;
        *k.by_sex.entry(sex).or_default() += n;
        *k.by_ethnic.entry(ethnic).or_default() += n;
    }
    k
}

async fn children_consulted<C: ConnectionTrait>(
    c: &C,
    u: &unit::Model,
    year: i32,
) -> Result<Figure> {
    let k = children_counts(c, u, year).await?;
    let mut parts = Vec::new();
    // Three breakdowns of the same total, read side by side.
    let tables: Vec<Vec<u64>> = [&k.by_age_band, &k.by_sex, &k.by_ethnic]
        .iter()
        .map(|m| m.values().copied().collect())
        .collect();
    let w = suppression::breakdowns(&tables, &[], suppression::Total::Shown);
    let suppressed = w.total && k.total > 0;
    let shown = |t: usize, m: &BTreeMap<String, u64>| -> Vec<Option<i64>> {
        m.values()
            .enumerate()
            .map(|(i, n)| (!w.tables[t].hidden(i)).then(|| i64::try_from(*n).unwrap_or(i64::MAX)))
            .collect()
    };
    let (ages, sexes, ethnic) = (
        shown(0, &k.by_age_band),
        shown(1, &k.by_sex),
        shown(2, &k.by_ethnic),
    );
    for ((band, _), value) in k.by_age_band.iter().zip(ages) {
        let (vi, en) = match band.as_str() {
            "6-10" => ("6–10 tuổi", "aged 6–10"),
            "11-15" => ("11–15 tuổi", "aged 11–15"),
            _ => ("Không rõ tuổi", "age not given"),
        };
        parts.push(EnginePart {
            key: format!("age.{band}"),
            name_vi: vi.into(),
            name_en: en.into(),
            value,
        });
    }
    for ((sex, _), value) in k.by_sex.iter().zip(sexes) {
        let (vi, en) = match sex.as_str() {
            // Responses store `girl`/`boy` (domain::voice::Sex).
            "female" | "girl" => ("Nữ", "girls"),
            "male" | "boy" => ("Nam", "boys"),
            "other" => ("Khác", "other"),
            _ => ("Không rõ giới tính", "sex not given"),
        };
        parts.push(EnginePart {
            key: format!("sex.{sex}"),
            name_vi: vi.into(),
            name_en: en.into(),
            value,
        });
    }
    for ((code, _), value) in k.by_ethnic.iter().zip(ethnic) {
        let name = thamgia_domain::ethnic::name(code).unwrap_or("Không rõ dân tộc");
        parts.push(EnginePart {
            key: format!("ethnic.{code}"),
            name_vi: name.into(),
            name_en: if code == "unknown" {
                "ethnic group not given".into()
            } else {
                name.into()
            },
            value,
        });
    }
    Ok(Figure {
        indicator: IndicatorValue {
            code: "C1".into(),
            name_vi: "Số lượt ý kiến trẻ em được tham vấn".into(),
            name_en: "Children's responses to consultations".into(),
            numerator: if suppressed { 0 } else { k.total },
            denominator: if suppressed { 0 } else { k.total },
            value: (!suppressed).then_some(k.total as f64),
            target: None,
            unit: "count".into(),
        },
        breakdown: parts,
        standing: Standing::NoTarget,
        suppressed,
    })
}
