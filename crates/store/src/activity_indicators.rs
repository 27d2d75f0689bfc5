//! The inputs of the `people_trained`, `activities` and `money_spent`
//! measures, for a unit's subtree and a year (`docs/indicators.md`):
//!
//! - `people_trained`: participants (every group, women and men) of the
//!   training courses starting in the year of the projects it counts — its
//!   `project`, else the projects that list the indicator among theirs
//!   (Project 2 in the shipped plan), else every project. Breakdown by group
//!   and sex (`teachers.female`, …). The denominator is the number of courses
//!   counted.
//! - `activities`: activities starting in the year (of its `project` when
//!   given), by project. The denominator is the number of units of the
//!   subtree in the report chain.
//! - `money_spent`: spending in đồng dated in the year on the subtree's
//!   activities, by funding source. Target and denominator: the subtree's
//!   budget lines for the year.
//!
//! An activity counts in the year it starts; spending in the year it was
//! spent. The targets of the first two are the planned participants and
//! planned activities of the annual activity plans of the subtree for the
//! year (none when the subtree has no annual plan for it).

use crate::Result;
use crate::entity::{annual_plan, annual_plan_item, unit};
use chrono::NaiveDate;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use std::collections::{BTreeMap, HashSet};
use thamgia_domain::access::Scope;
use thamgia_domain::activities::{ActivityKind, ParticipantGroup};
use thamgia_domain::plan::{IndicatorDef, Measure, Plan};

/// One part of an indicator's figure.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Part {
    /// `teachers.female`, a project code, a funding source code.
    pub key: String,
    pub name_vi: String,
    pub name_en: String,
    pub value: i64,
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
    /// Planned participants of planned training courses of the projects
    /// counted; `None` without an annual plan.
    pub planned_trained: Option<i64>,
    /// Planned activities; `None` without an annual plan.
    pub planned_activities: Option<i64>,
    /// Planned activities by project code (empty without an annual plan).
    pub planned_by_project: BTreeMap<String, i64>,
    /// Province- and district-level units of the subtree.
    pub units: u64,
}

/// "nữ" or "nam".
pub fn sex_vi(female: bool) -> &'static str {
    if female { "nữ" } else { "nam" }
}

/// The projects whose training courses a `people_trained` indicator counts:
/// its `project`; else the projects that list the indicator among theirs;
/// else every project (`None`).
pub fn trained_projects(plan: &Plan, def: &IndicatorDef) -> Option<HashSet<String>> {
    if let Measure::PeopleTrained {
        project: Some(code),
    } = &def.measure
    {
        return Some(HashSet::from([code.clone()]));
    }
    let listed: HashSet<String> = plan
        .projects
        .iter()
        .filter(|p| p.indicators.contains(&def.code))
        .map(|p| p.code.clone())
        .collect();
    (!listed.is_empty()).then_some(listed)
}

/// The figures of `u`'s subtree in `year`, people trained counted as the
/// plan's first `people_trained` indicator counts them.
pub async fn figures<C: ConnectionTrait>(
    c: &C,
    u: &unit::Model,
    year: i32,
    plan: Option<&Plan>,
) -> Result<Figures> {
    let trained = plan.and_then(|p| {
        p.indicators
            .iter()
            .find(|d| matches!(d.measure, Measure::PeopleTrained { .. }))
            .and_then(|d| trained_projects(p, d))
    });
    figures_counting(c, u, year, trained.as_ref()).await
}

/// The figures of `u`'s subtree in `year`, people trained counted over the
/// courses of `trained` (every project when `None`).
pub async fn figures_counting<C: ConnectionTrait>(
    c: &C,
    u: &unit::Model,
    year: i32,
    trained: Option<&HashSet<String>>,
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
    let counts_for_a1 = |project: &str| trained.is_none_or(|set| set.contains(project));
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
        for i in &items {
            *f.planned_by_project
                .entry(i.project_code.clone())
                .or_default() += 1;
        }
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

/// A whole number that cannot be negative.
pub fn unsigned(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}
