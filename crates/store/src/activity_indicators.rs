//! The indicators of Projects 1 and 2 and the money, for a unit's subtree and
//! a year (definitions in `docs/indicators.md` and the plan file):
//!
//! - `A1` people trained: participants (every group, women and men) of the
//!   training courses of the projects that list `A1` among their indicators
//!   (Project 2 in the shipped plan; every project when none does), starting
//!   in the year. Breakdown by group and sex (`teachers.female`, …). The
//!   denominator is the number of courses counted.
//! - `A2` activities carried out: activities starting in the year, by
//!   project. The denominator is the number of province- and district-level
//!   units of the subtree.
//! - `A3` spending in đồng: spending dated in the year on the subtree's
//!   activities, by funding source. Target and denominator: the subtree's
//!   budget lines for the year.
//!
//! An activity counts in the year it starts; spending in the year it was
//! spent. A1's and A2's targets are the planned participants and planned
//! activities of the annual activity plans of the subtree for the year (none
//! when the subtree has no annual plan for it). Like the model indicators,
//! they appear only for a year covered by a plan that defines them.

use crate::Result;
use crate::entity::{annual_plan, annual_plan_item, unit};
use crate::indicators::{IndicatorValue, plan_for_year};
use chrono::NaiveDate;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use std::collections::{BTreeMap, HashSet};
use thamgia_domain::access::Scope;
use thamgia_domain::activities::{ActivityKind, ParticipantGroup};
use thamgia_domain::plan::Plan;

/// The codes computed here, in the order they are listed.
pub const CODES: [&str; 3] = ["A1", "A2", "A3"];

/// One part of an indicator's figure.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Part {
    /// `teachers.female`, a project code, a funding source code.
    pub key: String,
    pub name_vi: String,
    pub name_en: String,
    pub value: i64,
}

/// An indicator with its breakdown.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ActivityIndicator {
    pub indicator: IndicatorValue,
    pub breakdown: Vec<Part>,
}

/// The raw figures of a subtree and year, before the plan names them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Figures {
    /// (group, female, male) in [`ParticipantGroup::ALL`] order.
    pub trained: Vec<(ParticipantGroup, i64, i64)>,
    pub courses: u64,
    /// Activities by project code.
    pub activities: BTreeMap<String, i64>,
    /// Spending by funding source code, in đồng.
    pub spent: BTreeMap<String, i64>,
    /// The budget lines of the subtree for the year, in đồng.
    pub budget: i64,
    /// Planned participants of planned training courses of the A1 projects;
    /// `None` without an annual plan.
    pub planned_trained: Option<i64>,
    /// Planned activities; `None` without an annual plan.
    pub planned_activities: Option<i64>,
    /// Province- and district-level units of the subtree.
    pub units: u64,
}

fn sex_vi(female: bool) -> &'static str {
    if female { "nữ" } else { "nam" }
}

/// The projects whose training courses A1 counts: those listing `A1`, or all.
fn a1_projects(plan: &Plan) -> Option<HashSet<String>> {
    let listed: HashSet<String> = plan
        .projects
        .iter()
        .filter(|p| p.indicators.iter().any(|i| i == "A1"))
        .map(|p| p.code.clone())
        .collect();
    (!listed.is_empty()).then_some(listed)
}

/// The figures of `u`'s subtree in `year`.
pub async fn figures<C: ConnectionTrait>(
    c: &C,
    u: &unit::Model,
    year: i32,
    plan: Option<&Plan>,
) -> Result<Figures> {
    let mut f = Figures::default();
    let (Some(first), Some(last)) = (
        NaiveDate::from_ymd_opt(year, 1, 1),
        NaiveDate::from_ymd_opt(year, 12, 31),
    ) else {
        return Ok(f);
    };
    let subtree: Vec<unit::Model> = unit::Entity::find()
        .filter(crate::units::in_subtree(
            &u.path,
            crate::units::During::Always,
        ))
        .all(c)
        .await?;
    f.units = subtree
        .iter()
        .filter(|x| {
            thamgia_domain::units::in_report_chain(&x.path)
                && x.valid_from.is_none_or(|d| d <= last)
                && x.valid_to.is_none_or(|d| d >= first)
        })
        .count() as u64;
    let ids: Vec<i32> = subtree.iter().map(|x| x.id).collect();
    let a1 = plan.and_then(a1_projects);
    let counts_for_a1 = |project: &str| a1.as_ref().is_none_or(|set| set.contains(project));
    // From the maintained aggregates (`aggregates::recompute_activities`
    // is the same from the raw records).
    let counts = crate::aggregates::activities(c, &u.path, year).await?;
    let is_course = |project: &str, kind: &str| {
        kind == ActivityKind::Training.as_str() && counts_for_a1(project)
    };
    for ((project, kind), n) in &counts.activities {
        *f.activities.entry(project.clone()).or_default() += n;
        if is_course(project, kind) {
            f.courses += unsigned(*n);
        }
    }
    let mut by_group: BTreeMap<String, (i64, i64)> = BTreeMap::new();
    for ((project, kind, grp), (fe, ma)) in &counts.participants {
        if is_course(project, kind) {
            let e = by_group.entry(grp.clone()).or_default();
            e.0 += fe;
            e.1 += ma;
        }
    }
    f.trained = ParticipantGroup::ALL
        .iter()
        .map(|g| {
            let (fe, ma) = by_group.get(g.as_str()).copied().unwrap_or_default();
            (*g, fe, ma)
        })
        .collect();
    let scope = Scope {
        path: u.path.clone(),
    };
    for cell in crate::activities::money(c, &scope, None, Some(year)).await? {
        f.budget += cell.budget;
        if cell.spent != 0 {
            *f.spent.entry(cell.source).or_default() += cell.spent;
        }
    }
    let plans: Vec<i32> = annual_plan::Entity::find()
        .filter(annual_plan::Column::UnitId.is_in(ids.iter().copied()))
        .filter(annual_plan::Column::Year.eq(year))
        .all(c)
        .await?
        .into_iter()
        .map(|p| p.id)
        .collect();
    if !plans.is_empty() {
        let items = annual_plan_item::Entity::find()
            .filter(annual_plan_item::Column::AnnualPlanId.is_in(plans))
            .all(c)
            .await?;
        f.planned_activities = Some(items.len() as i64);
        f.planned_trained = Some(
            items
                .iter()
                .filter(|i| {
                    i.kind == ActivityKind::Training.as_str() && counts_for_a1(&i.project_code)
                })
                .map(|i| i64::from(i.planned_participants))
                .sum(),
        );
    }
    Ok(f)
}

fn unsigned(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

/// A1, A2 and A3 for a unit's subtree in a year (only those the plan covering
/// the year defines; none without such a plan).
pub async fn activity_indicators<C: ConnectionTrait>(
    c: &C,
    u: &unit::Model,
    year: i32,
) -> Result<Vec<ActivityIndicator>> {
    let Some(plan) = plan_for_year(c, year).await? else {
        return Ok(vec![]);
    };
    if !CODES.iter().any(|code| plan.indicator(code).is_some()) {
        return Ok(vec![]);
    }
    let f = figures(c, u, year, Some(&plan)).await?;
    let mut out = vec![];
    if let Some(def) = plan.indicator("A1") {
        let total: i64 = f.trained.iter().map(|(_, fe, ma)| fe + ma).sum();
        let mut breakdown = vec![];
        for (g, fe, ma) in &f.trained {
            for (female, n) in [(true, *fe), (false, *ma)] {
                breakdown.push(Part {
                    key: format!("{}.{}", g.as_str(), if female { "female" } else { "male" }),
                    name_vi: format!("{} — {}", g.name_vi(), sex_vi(female)),
                    name_en: format!("{} — {}", g.name_en(), if female { "women" } else { "men" }),
                    value: n,
                });
            }
        }
        out.push(ActivityIndicator {
            indicator: IndicatorValue {
                code: "A1".into(),
                name_vi: def.name_vi.clone(),
                name_en: def.name_en.clone(),
                numerator: unsigned(total),
                denominator: f.courses,
                value: Some(total as f64),
                target: f.planned_trained.map(|n| n as f64),
                unit: def.unit.as_str().into(),
            },
            breakdown,
        });
    }
    if let Some(def) = plan.indicator("A2") {
        let total: i64 = f.activities.values().sum();
        let mut breakdown: Vec<Part> = plan
            .projects
            .iter()
            .map(|p| Part {
                key: p.code.clone(),
                name_vi: p.name_vi.clone(),
                name_en: p.name_en.clone(),
                value: f.activities.get(&p.code).copied().unwrap_or(0),
            })
            .collect();
        for (code, n) in &f.activities {
            if plan.project(code).is_none() {
                breakdown.push(Part {
                    key: code.clone(),
                    name_vi: code.clone(),
                    name_en: code.clone(),
                    value: *n,
                });
            }
        }
        out.push(ActivityIndicator {
            indicator: IndicatorValue {
                code: "A2".into(),
                name_vi: def.name_vi.clone(),
                name_en: def.name_en.clone(),
                numerator: unsigned(total),
                denominator: f.units,
                value: Some(total as f64),
                target: f.planned_activities.map(|n| n as f64),
                unit: def.unit.as_str().into(),
            },
            breakdown,
        });
    }
    if let Some(def) = plan.indicator("A3") {
        let total: i64 = f.spent.values().sum();
        let mut breakdown: Vec<Part> = plan
            .funding_sources
            .iter()
            .map(|s| Part {
                key: s.code.clone(),
                name_vi: s.name_vi.clone(),
                name_en: s.name_en.clone(),
                value: f.spent.get(&s.code).copied().unwrap_or(0),
            })
            .collect();
        for (code, n) in &f.spent {
            if !plan.funding_sources.iter().any(|s| &s.code == code) {
                breakdown.push(Part {
                    key: code.clone(),
                    name_vi: code.clone(),
                    name_en: code.clone(),
                    value: *n,
                });
            }
        }
        out.push(ActivityIndicator {
            indicator: IndicatorValue {
                code: "A3".into(),
                name_vi: def.name_vi.clone(),
                name_en: def.name_en.clone(),
                numerator: unsigned(total),
                denominator: unsigned(f.budget),
                // Whole đồng below 2^53 are exact in an f64; `numerator` is the integer.
                value: Some(total as f64),
                target: Some(f.budget as f64),
                unit: def.unit.as_str().into(),
            },
            breakdown,
        });
    }
    Ok(out)
}
