//! Period reviews (sơ kết, tổng kết) of a unit over a span of years: which
//! spans a review may cover, and the narrative the coordinator writes. The
//! figures are read, never written: `store::review::build` applies the span
//! rule of `thamgia_domain::review` to the years' annual reports.

use crate::catalog::Action;
use crate::{Act, ActionError, ActionResult, Fields, invalid};
use sea_orm::DatabaseConnection;
use thamgia_domain::access::{Permission, Principal, Scope};
use thamgia_domain::reports::MAX_SECTION;
use thamgia_store::entity::{review, unit};
use thamgia_store::review::Narrative;
use thamgia_store::{StoreError, plans, units};

/// The write actions of this module (`catalog::all`).
pub const ACTIONS: &[Action] = &[Action::unit(
    "reviews.save_narrative",
    Permission::ReviewReports,
)];

/// A review's unit and span as typed: a unit code and two years.
#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(default)]
pub struct SpanInput {
    pub unit: String,
    pub from: String,
    pub to: String,
}

/// The unit of a review and its span, checked.
#[derive(Debug, Clone, PartialEq)]
pub struct Span {
    pub unit: unit::Model,
    pub from: i32,
    pub to: i32,
}

fn year(e: &mut Fields, field: &str, v: &str) -> Option<i32> {
    let y = thamgia_domain::activities::parse_year(v.trim());
    if y.is_none() {
        e.insert(
            field.into(),
            if v.trim().is_empty() {
                "required"
            } else {
                "not_a_year"
            }
            .into(),
        );
    }
    y
}

/// The unit (in the caller's scope, read with the code it carried in the
/// span's last year: `NotFound` outside the scope) and a span inside the plan
/// that covers its first year and inside the unit's own years. Errors name
/// `from` and `to`: `required`, `not_a_year`, `from_after_to`,
/// `span_too_long`, `outside_plan`, `outside_unit`.
pub async fn span_of(db: &DatabaseConnection, p: &Principal, f: &SpanInput) -> ActionResult<Span> {
    span_in(db, &p.scope(), f).await
}

/// [`span_of`] inside a scope (the command line reads every unit).
pub async fn span_in(db: &DatabaseConnection, scope: &Scope, f: &SpanInput) -> ActionResult<Span> {
    let mut e = Fields::new();
    if f.unit.trim().is_empty() {
        e.insert("unit".into(), "required".into());
    }
    let (from, to) = (year(&mut e, "from", &f.from), year(&mut e, "to", &f.to));
    let (Some(from), Some(to), true) = (from, to, e.is_empty()) else {
        return Err(invalid(e));
    };
    let u = match units::resolve(db, scope, f.unit.trim(), Some(to), None).await {
        Ok(r) => r.unit,
        Err(StoreError::NotFound) => return Err(ActionError::NotFound),
        Err(e) => return Err(e.into()),
    };
    let plan = plans::for_unit(db, &u.path, from).await?;
    let within = plan.map_or((from, from - 1), |p| {
        (p.header.period_start, p.header.period_end)
    });
    if let Err(code) = thamgia_domain::review::check_span(from, to, within) {
        e.insert(
            if code == "outside_plan" { "to" } else { "from" }.into(),
            code.into(),
        );
        return Err(invalid(e));
    }
    let first = u.valid_from.map(|d| chrono::Datelike::year(&d));
    let last = u.valid_to.map(|d| chrono::Datelike::year(&d));
    if first.is_some_and(|y| y > from) {
        e.insert("from".into(), "outside_unit".into());
    }
    if last.is_some_and(|y| y < to) {
        e.insert("to".into(), "outside_unit".into());
    }
    if e.is_empty() {
        Ok(Span { unit: u, from, to })
    } else {
        Err(invalid(e))
    }
}

/// The narrative as typed: each section optional, each within its length.
#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(default)]
pub struct NarrativeInput {
    pub results: String,
    pub difficulties: String,
    pub proposals: String,
}

/// Saves the coordinator's narrative of a review (`ReviewReports`).
pub async fn save_narrative(
    act: Act<'_>,
    span: &SpanInput,
    f: &NarrativeInput,
) -> ActionResult<review::Model> {
    act.require(Permission::ReviewReports)?;
    let s = span_of(act.db, act.p, span).await?;
    let mut e = Fields::new();
    let section = |e: &mut Fields, field: &str, v: &str| {
        // A NUL or other control character is refused by name (PostgreSQL
        // would refuse a NUL only at the write, as a server error).
        let v = match thamgia_domain::text::clean(v.trim()) {
            Ok(v) => v.into_owned(),
            Err(code) => {
                e.insert(field.into(), code.into());
                return String::new();
            }
        };
        if v.chars().count() > MAX_SECTION {
            e.insert(field.into(), "too_long".into());
        }
        v
    };
    let n = Narrative {
        results: section(&mut e, "results", &f.results),
        difficulties: section(&mut e, "difficulties", &f.difficulties),
        proposals: section(&mut e, "proposals", &f.proposals),
    };
    if !e.is_empty() {
        return Err(invalid(e));
    }
    Ok(thamgia_store::review::save_narrative(
        act.db,
        &act.actor(),
        act.now,
        s.unit.id,
        (s.from, s.to),
        &n,
    )
    .await?)
}
