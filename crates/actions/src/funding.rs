//! Funding (Kinh phí): the budget lines, set by unit, year, source and
//! project, and the one computation of budget against spending
//! ([`summary`]) behind the funding page, `GET /api/v1/funding` and the
//! funding export, so the three always agree. Amounts are whole đồng
//! (`i64`); shares are computed in integers (tenths of a percent).

use crate::activities::to_fields;
use crate::catalog::Action;
use crate::{Act, ActionError, ActionResult, invalid, invalid_one};
use sea_orm::DatabaseConnection;
use std::collections::{BTreeMap, BTreeSet};
use thamgia_domain::access::{Permission, Principal, Scope};
use thamgia_domain::activities::{BudgetUse, check_budget};
use thamgia_domain::money::Dong;
use thamgia_domain::plan::Plan;
use thamgia_store::activities::Saved;
use thamgia_store::entity::{budget_line, unit};
use thamgia_store::{activities, plans, units};

pub use thamgia_domain::activities::BudgetText as BudgetInput;

/// The write actions of this module (`catalog::all`).
pub const ACTIONS: &[Action] = &[Action::unit(
    "funding.set_budget_line",
    Permission::ManageBudget,
)];

/// Sets a budget line (`ManageBudget`): creates it, or changes the amount
/// and note of the line of that unit, year, source and project.
pub async fn set_budget_line(
    act: Act<'_>,
    t: &BudgetInput,
) -> ActionResult<(budget_line::Model, Saved)> {
    act.require(Permission::ManageBudget)?;
    let lookup = activities::lookup(act.db, &act.p.scope()).await?;
    let checked = check_budget(t, &lookup).map_err(|e| invalid(to_fields(e)))?;
    Ok(activities::set_budget(act.db, &act.actor(), act.now, &checked).await?)
}

// ---------------------------------------------------------------- the computation

/// Budget and spending of one group (a source, a project, a unit, a year).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Total {
    pub code: String,
    pub name: String,
    pub name_en: String,
    pub budget: i64,
    pub spent: i64,
}

impl Total {
    pub fn use_(&self) -> BudgetUse {
        BudgetUse {
            budget: Dong(self.budget),
            spent: Dong(self.spent),
        }
    }

    pub fn over(&self) -> bool {
        self.use_().over()
    }

    pub fn remaining(&self) -> Dong {
        self.use_().remaining()
    }

    /// Spent as a share of the budget in tenths of a percent; `None` without a budget.
    pub fn used_tenths(&self) -> Option<i64> {
        (self.budget > 0).then(|| {
            let t = (i128::from(self.spent) * 1000 + i128::from(self.budget) / 2)
                / i128::from(self.budget);
            i64::try_from(t).unwrap_or(i64::MAX)
        })
    }
}

/// A budget line (unit, year, source, project) whose spending passed its budget.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OverLine {
    pub unit: String,
    pub unit_name: String,
    pub unit_name_en: String,
    pub year: i32,
    pub source: String,
    pub source_name: String,
    pub source_name_en: String,
    pub project: String,
    pub project_name: String,
    pub project_name_en: String,
    pub budget: i64,
    pub spent: i64,
}

/// Everything the funding page, API and export show.
#[derive(Debug, Clone)]
pub struct Summary {
    pub unit: unit::Model,
    pub year: Option<i32>,
    pub total: Total,
    pub by_source: Vec<Total>,
    pub by_project: Vec<Total>,
    pub by_unit: Vec<Total>,
    pub by_year: Vec<(i32, Total)>,
    pub over_budget: Vec<OverLine>,
}

/// The plan whose sources and projects name the rows of the unit at `path`:
/// the one governing it in the year, else its province's newest.
pub async fn plan_of(
    db: &DatabaseConnection,
    path: &str,
    year: Option<i32>,
) -> ActionResult<Option<Plan>> {
    Ok(match year {
        Some(y) => plans::governing(db, path, y).await?,
        None => plans::newest(db, path).await?,
    })
}

fn add(t: &mut Total, budget: i64, spent: i64) {
    t.budget += budget;
    t.spent += spent;
}

/// Budget and spending of `u`'s subtree (already checked against the caller's
/// scope) in `year`, or in every year when `None`. Spending counts in the
/// year it was spent, against its activity's unit and project.
pub async fn summary(
    db: &DatabaseConnection,
    u: &unit::Model,
    year: Option<i32>,
) -> ActionResult<Summary> {
    let scope = Scope {
        path: u.path.clone(),
    };
    let cells = activities::money(db, &scope, None, year).await?;
    let subtree = units::list(db, &scope).await?;
    let by_id: BTreeMap<i32, &unit::Model> = subtree.iter().map(|x| (x.id, x)).collect();
    let plan = plan_of(db, &u.path, year).await?;
    let source_name = |code: &str| -> (String, String) {
        plan.as_ref()
            .and_then(|p| p.funding_sources.iter().find(|s| s.code == code))
            .map(|s| (s.name_vi.clone(), s.name_en.clone()))
            .unwrap_or_else(|| (code.to_string(), code.to_string()))
    };
    let project_name = |code: &str| -> (String, String) {
        plan.as_ref()
            .and_then(|p| p.project(code))
            .map(|s| (s.name_vi.clone(), s.name_en.clone()))
            .unwrap_or_else(|| (code.to_string(), code.to_string()))
    };
    let total_row = |code: &str, (name, name_en): (String, String)| Total {
        code: code.to_string(),
        name,
        name_en,
        ..Default::default()
    };

    let mut by_source: Vec<Total> = plan
        .as_ref()
        .map(|p| {
            p.funding_sources
                .iter()
                .map(|s| total_row(&s.code, (s.name_vi.clone(), s.name_en.clone())))
                .collect()
        })
        .unwrap_or_default();
    let mut by_project: Vec<Total> = plan
        .as_ref()
        .map(|p| {
            p.projects
                .iter()
                .map(|s| total_row(&s.code, (s.name_vi.clone(), s.name_en.clone())))
                .collect()
        })
        .unwrap_or_default();
    // The unit's own lines first, then each unit directly below it.
    let mut children: Vec<&unit::Model> = subtree
        .iter()
        .filter(|x| x.parent_id == Some(u.id))
        .collect();
    children.sort_by(|a, b| a.code.cmp(&b.code));
    let mut by_unit: Vec<Total> = vec![total_row(&u.code, (u.name_vi.clone(), u.name_en.clone()))];
    by_unit.extend(
        children
            .iter()
            .map(|x| total_row(&x.code, (x.name_vi.clone(), x.name_en.clone()))),
    );
    let mut years: BTreeSet<i32> = match (year, &plan) {
        (Some(y), _) => BTreeSet::from([y]),
        (None, Some(p)) => (p.header.period_start..=p.header.period_end).collect(),
        (None, None) => BTreeSet::new(),
    };
    for c in &cells {
        years.insert(c.year);
    }
    let mut by_year: BTreeMap<i32, Total> = years
        .iter()
        .map(|y| {
            (
                *y,
                total_row(&y.to_string(), (y.to_string(), y.to_string())),
            )
        })
        .collect();
    let mut total = total_row(&u.code, (u.name_vi.clone(), u.name_en.clone()));
    let mut over_budget = vec![];

    for c in &cells {
        add(&mut total, c.budget, c.spent);
        match by_source.iter_mut().find(|t| t.code == c.source) {
            Some(t) => add(t, c.budget, c.spent),
            None => {
                let mut t = total_row(&c.source, source_name(&c.source));
                add(&mut t, c.budget, c.spent);
                by_source.push(t);
            }
        }
        match by_project.iter_mut().find(|t| t.code == c.project) {
            Some(t) => add(t, c.budget, c.spent),
            None => {
                let mut t = total_row(&c.project, project_name(&c.project));
                add(&mut t, c.budget, c.spent);
                by_project.push(t);
            }
        }
        if let Some(cu) = by_id.get(&c.unit_id) {
            let row = if cu.id == u.id {
                Some(0)
            } else {
                children
                    .iter()
                    .position(|ch| thamgia_domain::access::is_within(&cu.path, &ch.path))
                    .map(|i| i + 1)
            };
            if let Some(i) = row {
                add(&mut by_unit[i], c.budget, c.spent);
            }
        }
        if let Some(t) = by_year.get_mut(&c.year) {
            add(t, c.budget, c.spent);
        }
        if c.spent > c.budget {
            let (unit_code, unit_name, unit_name_en) = by_id
                .get(&c.unit_id)
                .map(|x| (x.code.clone(), x.name_vi.clone(), x.name_en.clone()))
                .unwrap_or_default();
            let (source_name, source_name_en) = source_name(&c.source);
            let (project_name, project_name_en) = project_name(&c.project);
            over_budget.push(OverLine {
                unit: unit_code,
                unit_name,
                unit_name_en,
                year: c.year,
                source: c.source.clone(),
                source_name,
                source_name_en,
                project: c.project.clone(),
                project_name,
                project_name_en,
                budget: c.budget,
                spent: c.spent,
            });
        }
    }
    Ok(Summary {
        unit: u.clone(),
        year,
        total,
        by_source,
        by_project,
        by_unit,
        by_year: by_year.into_iter().collect(),
        over_budget,
    })
}

/// A year filter: empty or `all` for every year, else four digits.
pub fn parse_year_filter(s: &str) -> ActionResult<Option<i32>> {
    let t = s.trim();
    if t.is_empty() || t == "all" {
        return Ok(None);
    }
    thamgia_domain::activities::parse_year(t)
        .map(Some)
        .ok_or_else(|| invalid_one("year", "invalid_year"))
}

/// The unit asked for (its code), or the caller's own; 404 outside the scope.
pub async fn unit_of(
    db: &DatabaseConnection,
    p: &Principal,
    code: &str,
    year: Option<i32>,
) -> ActionResult<unit::Model> {
    let code = code.trim();
    if code.is_empty() {
        return units::by_id(db, p.unit_id)
            .await?
            .ok_or(ActionError::NotFound);
    }
    // A code names a unit only with a date: the one of the year shown.
    Ok(units::resolve(db, &p.scope(), code, year, None).await?.unit)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_are_integer_tenths() {
        let t = Total {
            budget: 3,
            spent: 2,
            ..Default::default()
        };
        assert_eq!(t.used_tenths(), Some(667));
        let t = Total {
            budget: 0,
            spent: 5,
            ..Default::default()
        };
        assert_eq!(t.used_tenths(), None);
        assert!(t.over());
        assert_eq!(t.remaining(), Dong(-5));
        assert_eq!(parse_year_filter("").ok(), Some(None));
        assert_eq!(parse_year_filter("2019").ok(), Some(Some(2019)));
        assert!(parse_year_filter("19").is_err());
    }
}
