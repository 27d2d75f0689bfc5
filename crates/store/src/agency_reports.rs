//! Every agency reports (rules in `thamgia_domain::reports`, the same chain
//! as the units'): one report per agency and year, a narrative per duty of
//! the plan, the figures frozen at each submission, the history of its moves.
//! An approved report locks the agency's records of the year: no activity it
//! leads dated that year (nor its spending) may change until the coordinator
//! reopens the report (`ensure_open`, called beside `reports::ensure_open`).

use crate::entity::{agency, agency_report, report_event, unit};
use crate::reports::chain;
use crate::{Result, StoreError};
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, TransactionSession,
    TransactionTrait,
};
use std::collections::BTreeMap;
use thamgia_domain::access::{Actor, Scope};
use thamgia_domain::reports::{ReportRefusal, ReportStatus};

pub use crate::reports::Move;

/// The narrative per duty: duty code → text.
pub type Narratives = BTreeMap<String, String>;

/// The narratives stored in a report.
pub fn narratives(r: &agency_report::Model) -> Narratives {
    serde_json::from_str(&r.narratives).unwrap_or_default()
}

/// The report of an agency for a year, if any.
pub async fn of_agency_year<C: ConnectionTrait>(
    c: &C,
    agency_id: i32,
    year: i32,
) -> Result<Option<agency_report::Model>> {
    chain::of_owner_year::<agency_report::Entity, C>(c, agency_id, year).await
}

/// The report of an agency for a year, created as an empty draft when missing.
pub async fn get_or_create<C: TransactionTrait + ConnectionTrait>(
    c: &C,
    actor: &Actor,
    now: DateTime<Utc>,
    agency_id: i32,
    year: i32,
    due_on: NaiveDate,
) -> Result<agency_report::Model> {
    chain::get_or_create::<agency_report::Entity, C>(c, actor, now, agency_id, year, due_on).await
}

/// The reports for a year of the agencies seated in the scope, with each
/// agency and its unit (every year when `None`), newest year first, then by
/// unit and code.
pub async fn list<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    year: Option<i32>,
) -> Result<Vec<(agency_report::Model, agency::Model, unit::Model)>> {
    let units = chain::units_by_id(c, &scope.path).await?;
    let agencies: std::collections::HashMap<i32, agency::Model> = agency::Entity::find()
        .filter(agency::Column::UnitId.is_in(units.keys().copied()))
        .all(c)
        .await?
        .into_iter()
        .map(|a| (a.id, a))
        .collect();
    let mut q = agency_report::Entity::find()
        .filter(agency_report::Column::AgencyId.is_in(agencies.keys().copied()));
    if let Some(y) = year {
        q = q.filter(agency_report::Column::Year.eq(y));
    }
    let mut v: Vec<_> = q
        .all(c)
        .await?
        .into_iter()
        .filter_map(|r| {
            let a = agencies.get(&r.agency_id)?.clone();
            let u = units.get(&a.unit_id)?.clone();
            Some((r, a, u))
        })
        .collect();
    v.sort_by(|a, b| (b.0.year, &a.2.path, &a.1.code).cmp(&(a.0.year, &b.2.path, &b.1.code)));
    Ok(v)
}

/// Saves the narratives while the report is a draft or returned; otherwise
/// `Conflict { field: "status" }`.
pub async fn save_narratives<C: TransactionTrait + ConnectionTrait>(
    c: &C,
    actor: &Actor,
    now: DateTime<Utc>,
    id: i32,
    n: &Narratives,
) -> Result<agency_report::Model> {
    let narratives = serde_json::to_string(n).unwrap_or_else(|_| "{}".into());
    chain::edit::<agency_report::Entity, C>(c, actor, now, id, |am| {
        am.narratives = Set(narratives);
    })
    .await
}

/// Moves a report (`chain::move_in`, as for a unit's). Approval locks the
/// agency's year: the report's status is the lock (`ensure_open`). A refused
/// move changes nothing.
pub async fn act<C: TransactionTrait + ConnectionTrait>(
    c: &C,
    actor: &Actor,
    now: DateTime<Utc>,
    id: i32,
    m: Move<'_>,
) -> Result<std::result::Result<agency_report::Model, ReportRefusal>> {
    let tx = crate::begin_write(c).await?;
    let moved = chain::move_in::<agency_report::Entity, _>(&tx, actor, now, id, m).await?;
    if moved.is_ok() {
        tx.commit().await?;
    }
    Ok(moved)
}

/// A report's history, oldest first.
pub async fn events<C: ConnectionTrait>(c: &C, id: i32) -> Result<Vec<report_event::Model>> {
    chain::events::<agency_report::Entity, C>(c, id).await
}

/// Refuses a change to a record of `agency_id` dated in `year` once the
/// agency's report of that year is approved, with
/// `Conflict { field: "year_locked" }` (the units' refusal). Call inside the
/// write's transaction.
pub async fn ensure_open<C: ConnectionTrait>(c: &C, agency_id: i32, year: i32) -> Result<()> {
    let report = chain::of_owner_year::<agency_report::Entity, C>(c, agency_id, year).await?;
    if report.is_some_and(|r| r.status == ReportStatus::Approved) {
        return Err(StoreError::Conflict {
            field: "year_locked",
        });
    }
    Ok(())
}

/// What an agency recorded in a year against one kind of activity.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Recorded {
    pub activities: i64,
    pub female: i64,
    pub male: i64,
    /// Spending on those activities, in đồng.
    pub spent: i64,
}

impl Recorded {
    fn add(&mut self, other: &Recorded) {
        self.activities += other.activities;
        self.female += other.female;
        self.male += other.male;
        self.spent += other.spent;
    }

    pub fn participants(&self) -> i64 {
        self.female + self.male
    }
}

/// One duty of the agency with what it recorded against it.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct DutyPart {
    pub code: String,
    pub text_vi: String,
    pub text_en: String,
    pub kinds: Vec<String>,
    /// The agency's activities of the duty's kinds.
    pub recorded: Recorded,
    /// The indicators the duty feeds, as the engine computes them for the
    /// agency's unit (its subtree) and the year.
    pub indicators: Vec<crate::engine::Figure>,
}

/// An agency's figures for a year: what its report shows and freezes.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct AgencyFigures {
    /// Every activity it leads that starts in the year.
    pub total: Recorded,
    /// The same by kind (`ActivityKind`), kinds with none left out.
    pub by_kind: Vec<(String, Recorded)>,
    /// Recommendations of the year addressed to it, and how many it answered.
    pub recommendations: i64,
    pub answered: i64,
    pub duties: Vec<DutyPart>,
}

impl AgencyFigures {
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    pub fn from_json(s: &str) -> Option<AgencyFigures> {
        serde_json::from_str(s).ok()
    }
}

/// What `a` recorded in `year` inside the subtree of `u` (the agency's own
/// unit, or the viewer's when that is narrower), against the duties of the
/// plan governing `u` that year.
pub async fn figures<C: ConnectionTrait>(
    c: &C,
    a: &agency::Model,
    u: &unit::Model,
    year: i32,
    today: NaiveDate,
) -> Result<AgencyFigures> {
    use crate::entity::recommendation;
    use thamgia_domain::models::RecommendationStatus;
    let scope = Scope {
        path: u.path.clone(),
    };
    let filter = crate::activities::ActivityFilter {
        year: Some(year),
        lead_agency_id: Some(a.id),
        ..Default::default()
    };
    let rows = crate::activities::list(c, &scope, &filter).await?;
    let mut by_kind: BTreeMap<String, Recorded> = BTreeMap::new();
    for r in &rows {
        let line = by_kind
            .entry(r.activity.kind.as_str().to_string())
            .or_default();
        line.activities += 1;
        line.female += r
            .participants
            .iter()
            .map(|p| i64::from(p.female))
            .sum::<i64>();
        line.male += r
            .participants
            .iter()
            .map(|p| i64::from(p.male))
            .sum::<i64>();
        line.spent += r.spent;
    }
    let mut total = Recorded::default();
    for r in by_kind.values() {
        total.add(r);
    }
    let units = crate::units::within(c, &scope, None).await?;
    let recs = recommendation::Entity::find()
        .filter(recommendation::Column::AgencyId.eq(a.id))
        .filter(recommendation::Column::Year.eq(year))
        .filter(recommendation::Column::UnitId.is_in(units.iter().map(|u| u.id)))
        .all(c)
        .await?;
    let answered = recs
        .iter()
        .filter(|r| r.status == RecommendationStatus::Answered)
        .count();
    let plan = crate::plans::governing_shared(c, &u.path, year).await?;
    let mut duties = Vec::new();
    if let Some(plan) = plan.as_deref().filter(|p| p.covers(year)) {
        let level = unit::Entity::find_by_id(a.unit_id)
            .one(c)
            .await?
            .map(|u| u.level)
            .unwrap_or_default();
        let wanted = plan.duties_of(&a.code, &a.kind, &level);
        let engine = if wanted.iter().any(|d| !d.indicators.is_empty()) {
            crate::engine::figures(c, u, year, today).await?
        } else {
            Vec::new()
        };
        for d in wanted {
            let mut recorded = Recorded::default();
            for k in &d.kinds {
                if let Some(r) = by_kind.get(k) {
                    recorded.add(r);
                }
            }
            duties.push(DutyPart {
                code: d.code.clone(),
                text_vi: d.text_vi.clone(),
                text_en: d.text_en.clone(),
                kinds: d.kinds.clone(),
                recorded,
                indicators: d
                    .indicators
                    .iter()
                    .filter_map(|code| engine.iter().find(|f| f.indicator.code == *code).cloned())
                    .collect(),
            });
        }
    }
    Ok(AgencyFigures {
        total,
        by_kind: by_kind.into_iter().collect(),
        recommendations: i64::try_from(recs.len()).unwrap_or(0),
        answered: i64::try_from(answered).unwrap_or(0),
        duties,
    })
}

/// One agency's place in the year's chain.
#[derive(Debug, Clone, PartialEq)]
pub struct AgencyRow {
    pub agency: agency::Model,
    pub unit: unit::Model,
    /// `None` when the agency has no report yet.
    pub status: Option<ReportStatus>,
    pub due_on: NaiveDate,
    pub first_submitted_on: Option<NaiveDate>,
    pub on_time: bool,
    /// Not yet submitted and the due date has passed.
    pub overdue: bool,
}

/// The agencies seated in `scope_unit`'s subtree that owe a report for
/// `year` (`Plan::agencies_reporting_in`, of the plan governing the scope
/// unit that year), with their report's state, due date (the units' rule:
/// `report_data::due_on`) and whether it is overdue `today`. In the plan's
/// order.
pub async fn chain_status<C: ConnectionTrait>(
    c: &C,
    scope_unit: &unit::Model,
    year: i32,
    today: NaiveDate,
) -> Result<Vec<AgencyRow>> {
    let Some(plan) = crate::plans::governing_shared(c, &scope_unit.path, year).await? else {
        return Ok(Vec::new());
    };
    let codes: Vec<String> = plan
        .agencies_reporting_in(year)
        .iter()
        .map(|a| a.code.clone())
        .collect();
    let found = agency::Entity::find()
        .filter(agency::Column::Code.is_in(codes.iter().map(String::as_str)))
        .all(c)
        .await?;
    let units = chain::units_by_id(c, &scope_unit.path).await?;
    let reports: std::collections::HashMap<i32, agency_report::Model> =
        agency_report::Entity::find()
            .filter(agency_report::Column::AgencyId.is_in(found.iter().map(|a| a.id)))
            .filter(agency_report::Column::Year.eq(year))
            .all(c)
            .await?
            .into_iter()
            .map(|r| (r.agency_id, r))
            .collect();
    let mut rows = Vec::new();
    for code in &codes {
        let Some(a) = found.iter().find(|a| &a.code == code) else {
            continue;
        };
        let Some(u) = units.get(&a.unit_id) else {
            continue;
        };
        let r = reports.get(&a.id);
        let due_on = match r {
            Some(r) => r.due_on,
            None => crate::report_data::due_on(c, &u.path, year).await?,
        };
        let first = r.and_then(|r| r.first_submitted_on);
        rows.push(AgencyRow {
            agency: a.clone(),
            unit: u.clone(),
            status: r.map(|r| r.status),
            due_on,
            first_submitted_on: first,
            on_time: thamgia_domain::reports::on_time(first, due_on),
            overdue: first.is_none() && today > due_on,
        });
    }
    Ok(rows)
}

/// Whether `a` owes a report for `year` under the plan governing its unit.
pub async fn owes<C: ConnectionTrait>(c: &C, a: &agency::Model, year: i32) -> Result<bool> {
    let Some(u) = unit::Entity::find_by_id(a.unit_id).one(c).await? else {
        return Ok(false);
    };
    let Some(plan) = crate::plans::governing_shared(c, &u.path, year).await? else {
        return Ok(false);
    };
    Ok(plan
        .agencies_reporting_in(year)
        .iter()
        .any(|d| d.code == a.code))
}

/// An agency's report as a unit's annual report consolidates it.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct AgencyPart {
    pub agency_code: String,
    pub agency_name_vi: String,
    #[serde(default)]
    pub agency_name_en: String,
    /// `None` when the agency has no report yet.
    pub status: Option<ReportStatus>,
    pub due_on: NaiveDate,
    pub first_submitted_on: Option<NaiveDate>,
    pub on_time: bool,
    /// The narrative on each duty (duty code, text), of a report that reached
    /// the coordinator (submitted or approved).
    pub narratives: Vec<(String, String)>,
}

/// The agencies of `u`'s subtree owing a report for `year`, as parts of
/// `u`'s annual report.
pub async fn parts<C: ConnectionTrait>(
    c: &C,
    u: &unit::Model,
    year: i32,
    today: NaiveDate,
) -> Result<Vec<AgencyPart>> {
    let rows = chain_status(c, u, year, today).await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let narratives = if thamgia_domain::reports::counts_as_submitted(r.status) {
            of_agency_year(c, r.agency.id, year)
                .await?
                .map(|rep| narratives(&rep).into_iter().collect())
                .unwrap_or_default()
        } else {
            Vec::new()
        };
        out.push(AgencyPart {
            agency_code: r.agency.code.clone(),
            agency_name_vi: r.agency.name_vi.clone(),
            agency_name_en: r.agency.name_en.clone(),
            status: r.status,
            due_on: r.due_on,
            first_submitted_on: r.first_submitted_on,
            on_time: r.on_time,
            narratives,
        });
    }
    Ok(out)
}
