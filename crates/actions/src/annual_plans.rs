//! Annual activity plans of a district or an agency: a new plan, a planned
//! item, the link of an item to the activity that carried it out.
//! `pages/annual_plans.rs` and `api/annual_plans.rs` call these functions.

use crate::activities::to_fields;
use crate::catalog::Action;
use crate::models::{own_agency_in_scope, unit_in_scope};
use crate::{Act, ActionError, ActionResult, Fields, invalid, invalid_one};
use thamgia_domain::access::{Permission, Scope};
use thamgia_domain::activities::{PlanItem, PlanItemText, check_plan_item};
use thamgia_store::annual_plans::{self, NewPlan};
use thamgia_store::entity::{agency, annual_plan, annual_plan_item, unit};
use thamgia_store::{StoreError, activities, agencies};

/// The write actions of this module (`catalog::all`).
pub const ACTIONS: &[Action] = &[
    Action::agency("annual_plans.create", Permission::ManageActivities),
    Action::agency("annual_plans.add_item", Permission::ManageActivities),
    Action::agency("annual_plans.link_item", Permission::ManageActivities),
];

/// A new plan as sent: codes, and the year as text.
#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(default)]
pub struct PlanInput {
    /// Code of a unit in scope.
    pub unit: String,
    /// Code of the owner agency (seated in the unit or above it).
    pub agency: String,
    pub year: String,
    pub note: String,
}

/// A planned item as sent (numbers as text).
pub use thamgia_domain::activities::PlanItemText as PlanItemInput;

/// Creates a plan (`ManageActivities`; an agency officer for their own
/// agency); a plan of the same unit, agency and year is `year: plan_exists`.
pub async fn create(act: Act<'_>, f: &PlanInput) -> ActionResult<annual_plan::Model> {
    act.require(Permission::ManageActivities)?;
    let n = check_new(act, f).await?;
    match annual_plans::create(act.db, &act.actor(), act.now, &n).await {
        Ok(plan) => Ok(plan),
        Err(StoreError::Conflict { .. }) => Err(invalid_one("year", "plan_exists")),
        Err(e) => Err(e.into()),
    }
}

/// Checks a new plan: unit and agency in scope (an agency officer: their own
/// agency), a year some plan covers, and no plan of that agency for that
/// unit and year yet.
async fn check_new(act: Act<'_>, f: &PlanInput) -> ActionResult<NewPlan> {
    let (db, p) = (act.db, act.p);
    let mut e = Fields::new();
    let scope = p.scope();
    let unit = unit_in_scope(db, p, &mut e, "unit", &f.unit).await?;
    let agency = match own_agency_in_scope(db, p, &mut e, "agency", &f.agency).await? {
        Some((a, au)) => {
            if let Some(u) = &unit
                && !agencies::visible_to(
                    &Scope {
                        path: u.path.clone(),
                    },
                    &au.path,
                )
            {
                e.insert("agency".into(), "agency_outside_unit".into());
            }
            Some(a)
        }
        None => None,
    };
    let t = f.year.trim();
    let year = if t.is_empty() {
        e.insert("year".into(), "required".into());
        None
    } else {
        match t
            .parse::<i32>()
            .ok()
            .filter(|y| t.len() == 4 && (1900..=2200).contains(y))
        {
            None => {
                e.insert("year".into(), "not_a_year".into());
                None
            }
            Some(y) => {
                // The plan of the unit's province (of the user's own scope
                // while the unit is not known) must cover the year.
                let path = unit
                    .as_ref()
                    .map_or(scope.path.as_str(), |u| u.path.as_str());
                if thamgia_store::plans::for_unit(db, path, y).await?.is_none() {
                    e.insert("year".into(), "no_plan_for_year".into());
                }
                Some(y)
            }
        }
    };
    if let (Some(u), Some(a), Some(y)) = (&unit, &agency, year)
        && !e.contains_key("year")
        && annual_plans::by_owner(db, u.id, a.id, y).await?.is_some()
    {
        e.insert("year".into(), "plan_exists".into());
    }
    let note = f.note.trim();
    if note.chars().count() > 2_000 {
        e.insert("note".into(), "too_long".into());
    }
    match (unit, agency, year) {
        (Some(u), Some(a), Some(y)) if e.is_empty() => Ok(NewPlan {
            unit_id: u.id,
            agency_id: a.id,
            year: y,
            note: (!note.is_empty()).then(|| note.to_string()),
        }),
        _ => Err(invalid(e)),
    }
}

/// A plan in the caller's scope that the caller may change: `NotFound`
/// outside the scope, `Forbidden` for another agency's plan (agency officers).
pub async fn load_managed(
    act: Act<'_>,
    id: i32,
) -> ActionResult<(annual_plan::Model, unit::Model, agency::Model)> {
    act.require(Permission::ManageActivities)?;
    let r = annual_plans::get_in_scope(act.db, &act.p.scope(), id).await?;
    if !act
        .p
        .may_manage(Permission::ManageActivities, r.0.agency_id)
    {
        return Err(ActionError::Forbidden);
    }
    Ok(r)
}

/// Checks a planned item of the plan's year.
async fn check_item(
    act: Act<'_>,
    plan: &annual_plan::Model,
    t: &PlanItemText,
) -> ActionResult<PlanItem> {
    let lookup = activities::lookup(act.db, &act.p.scope()).await?;
    check_plan_item(t, plan.year, &lookup).map_err(|e| invalid(to_fields(e)))
}

/// Adds a planned activity to the plan.
pub async fn add_item(
    act: Act<'_>,
    id: i32,
    t: &PlanItemInput,
) -> ActionResult<annual_plan_item::Model> {
    let (plan, _, _) = load_managed(act, id).await?;
    let item = check_item(act, &plan, t).await?;
    Ok(annual_plans::add_item(act.db, &act.actor(), act.now, plan.id, &item).await?)
}

/// Links an item to an activity (`None`: unlinks), refusing an activity of
/// another unit or year as `activity: unknown_activity`.
pub async fn link_item(
    act: Act<'_>,
    id: i32,
    item_id: i32,
    activity_id: Option<i32>,
) -> ActionResult<()> {
    let (plan, _, _) = load_managed(act, id).await?;
    match annual_plans::link_item(act.db, &act.actor(), act.now, &plan, item_id, activity_id).await
    {
        Ok(_) => Ok(()),
        Err(StoreError::Conflict { .. }) => Err(invalid_one("activity", "unknown_activity")),
        Err(e) => Err(e.into()),
    }
}
