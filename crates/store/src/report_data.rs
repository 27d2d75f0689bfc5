//! What an annual report says: every figure of the indicator engine for the
//! unit's subtree and year, and the summaries the report's sections need
//! (activities, money, forums, councils, clubs, recommendations) — built live
//! while the report is being written and frozen as JSON (`reports.figures`)
//! when it is submitted, so the page, the API and the .xlsx/.docx/CSV exports
//! show the same numbers.
//!
//! A unit with child districts (the province) also lists each district's
//! report: its status, due date, first submission and, once approved, the
//! figures it was approved with. [`chain_status`] gives the deadlines,
//! completeness and timeliness of the chain for the dashboards.

use crate::engine::{self, Figure};
use crate::entity::{report, unit};
use crate::recommendations::{self, Reach, RecommendationFilter};
use crate::{Result, activities, activity_indicators, clubs, councils, forums};
use chrono::{Days, NaiveDate};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use thamgia_domain::access::Scope;
use thamgia_domain::activities::ParticipantGroup;
use thamgia_domain::models::RecommendationStatus;
use thamgia_domain::models::check_forum;
use thamgia_domain::plan::Plan;
use thamgia_domain::reports::{ReportStatus, on_time};

/// Days after 31 December by which a year's report is due, unless the plan's
/// `annual_report_due_days` setting says otherwise: 15, i.e. 15 January.
pub const DEFAULT_DUE_DAYS: i64 = 15;

/// Everything an annual report shows. Amounts are whole đồng.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportData {
    pub unit_id: i32,
    pub unit_code: String,
    pub unit_name_vi: String,
    pub unit_name_en: String,
    pub unit_level: String,
    pub year: i32,
    /// The day the figures were computed (frozen data keeps the submission day).
    pub built_on: NaiveDate,
    /// The engine's figures (T1–T3, M1–M3, T4, A1–A3, C1).
    pub figures: Vec<Figure>,
    pub activities: ActivitiesSummary,
    pub funding: Funding,
    pub forums: Vec<ForumLine>,
    pub councils: CouncilsSummary,
    pub clubs: ClubsSummary,
    pub recommendations: RecommendationsSummary,
    /// For a unit with child districts: each district's report.
    pub districts: Vec<DistrictPart>,
    /// The agencies of the unit's subtree owing a report for the year, each
    /// with its report's state and narratives (`agency_reports`).
    #[serde(default)]
    pub agencies: Vec<crate::agency_reports::AgencyPart>,
}

impl ReportData {
    /// The figure with this code.
    pub fn figure(&self, code: &str) -> Option<&Figure> {
        self.figures.iter().find(|f| f.indicator.code == code)
    }

    /// The JSON frozen into `reports.figures`.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| "{}".into())
    }

    /// Frozen JSON read back (`None` when it is not a report's data).
    pub fn from_json(s: &str) -> Option<ReportData> {
        serde_json::from_str(s).ok()
    }
}

/// A count with the name of what is counted (a project, a group, a source).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NamedCount {
    pub code: String,
    pub name_vi: String,
    pub name_en: String,
    pub count: i64,
}

/// People of one group trained in the year's training courses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrainedGroup {
    pub group: String,
    pub name_vi: String,
    pub female: i64,
    pub male: i64,
}

/// The year's activities of the subtree.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivitiesSummary {
    pub total: i64,
    pub by_project: Vec<NamedCount>,
    /// Training courses counted by A1.
    pub courses: u64,
    pub trained: Vec<TrainedGroup>,
    pub trained_female: i64,
    pub trained_male: i64,
    pub planned_activities: Option<i64>,
}

/// Budget and spending of one funding source or project, in đồng.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MoneyLine {
    pub code: String,
    pub name_vi: String,
    pub name_en: String,
    pub budget: i64,
    pub spent: i64,
}

impl MoneyLine {
    /// Spent more than the budget.
    pub fn overspent(&self) -> bool {
        self.spent > self.budget
    }
}

/// The year's money of the subtree.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Funding {
    pub by_source: Vec<MoneyLine>,
    pub by_project: Vec<MoneyLine>,
    pub budget: i64,
    pub spent: i64,
}

/// One forum of the subtree held in the year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ForumLine {
    pub id: i32,
    pub starts_on: NaiveDate,
    pub level: String,
    pub unit_code: String,
    pub unit_name_vi: String,
    /// Empty in figures frozen before English names were kept.
    #[serde(default)]
    pub unit_name_en: String,
    pub theme: String,
    pub children: i64,
    /// Circular 29 rules the forum breaks.
    pub warnings: u32,
}

/// The councils of the subtree in the year.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CouncilsSummary {
    pub total: u64,
    pub dialogues: u64,
    /// Names of the districts (units) whose council held a dialogue.
    pub with_dialogue: Vec<String>,
}

/// The clubs of the subtree in the year.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClubsSummary {
    pub total: u64,
    pub active: u64,
    pub activities: u64,
    pub girls: i64,
    pub boys: i64,
}

/// How one agency answered the year's recommendations.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AgencyLine {
    pub code: String,
    pub name_vi: String,
    #[serde(default)]
    pub name_en: String,
    pub total: u64,
    pub answered: u64,
    pub overdue: u64,
    /// answered / total × 100, one decimal.
    pub answer_rate: Option<f64>,
}

/// The year's recommendations of the subtree.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RecommendationsSummary {
    pub received: u64,
    pub answered: u64,
    pub overdue: u64,
    pub by_agency: Vec<AgencyLine>,
}

/// A child district's report, as the province's report shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DistrictPart {
    pub unit_id: i32,
    pub unit_code: String,
    pub unit_name_vi: String,
    #[serde(default)]
    pub unit_name_en: String,
    /// `None` when the district has no report yet.
    pub status: Option<ReportStatus>,
    pub due_on: NaiveDate,
    pub first_submitted_on: Option<NaiveDate>,
    pub on_time: bool,
    /// The figures the report was approved with (approved reports only).
    pub figures: Option<Vec<Figure>>,
}

/// One unit's place in the report chain for a year.
#[derive(Debug, Clone, PartialEq)]
pub struct ChainRow {
    pub unit: unit::Model,
    /// `None` when the unit has no report yet.
    pub status: Option<ReportStatus>,
    pub due_on: NaiveDate,
    pub first_submitted_on: Option<NaiveDate>,
    /// First submitted on or before the due date.
    pub on_time: bool,
    /// Not yet submitted and the due date has passed (never for a unit that
    /// ended before the year did: it owes no report, its records count in
    /// the province's).
    pub overdue: bool,
    /// The unit's last day, when it ended before 31 December of the year.
    pub ended_on: Option<NaiveDate>,
}

fn due_with(plan: Option<&Plan>, year: i32) -> NaiveDate {
    let days = plan
        .and_then(|p| p.setting("annual_report_due_days"))
        .filter(|d| (0..=365).contains(d))
        .unwrap_or(DEFAULT_DUE_DAYS);
    let end = NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or_default();
    end.checked_add_days(Days::new(u64::try_from(days).unwrap_or(15)))
        .unwrap_or(end)
}

/// When the report of the unit at `path` for a year is due: the plan's
/// reporting duties are yearly and name no day, so `annual_report_due_days`
/// after 31 December (setting of the unit's governing plan), by default
/// 15 January of the next year.
pub async fn due_on<C: ConnectionTrait>(c: &C, path: &str, year: i32) -> Result<NaiveDate> {
    let plan = crate::plans::governing_shared(c, path, year).await?;
    Ok(due_with(plan.as_deref(), year))
}

/// Whether `u` writes a report for `year`: the province (which consolidates)
/// or a unit whose level reports up that year under the lines of the plan
/// covering the year (`thamgia_domain::units::in_plan_chain`); without such
/// a plan, a unit right under the province.
pub async fn in_chain<C: ConnectionTrait>(c: &C, u: &unit::Model, year: i32) -> Result<bool> {
    Ok(
        match crate::plans::covering_levels(c, &u.path, year).await? {
            Some(levels) => thamgia_domain::units::in_plan_chain(
                &levels,
                &u.path,
                &u.level,
                u.valid_from,
                u.valid_to,
                year,
            ),
            None => thamgia_domain::units::in_report_chain(&u.path),
        },
    )
}

/// The units whose reports for a year `scope_unit` receives, from the
/// governing plan's `[levels] reports` lines, not from the depth of a path:
/// each unit of the subtree (the unit itself included) open during the year
/// whose level reports that year (`units::reports_to_in_year`: a line in
/// force on a day of the year on which the unit is open) to a level that no
/// unit strictly between `scope_unit` and it has — i.e. to `scope_unit` or
/// above it. With the 2021–2030 plan the province receives the districts'
/// reports until 2025 and the communes' from 2025 (both in 2025, each for its
/// part of the year); a plan where communes report to their district has the
/// district receive them. A year no plan covers keeps the units right under
/// the province (`thamgia_domain::units::reports_to_province`). In path
/// order.
pub async fn reporting_districts<C: ConnectionTrait>(
    c: &C,
    scope_unit: &unit::Model,
    year: i32,
) -> Result<Vec<unit::Model>> {
    let levels = crate::plans::covering_levels(c, &scope_unit.path, year).await?;
    let subtree: Vec<unit::Model> = unit::Entity::find()
        .filter(crate::units::in_subtree(
            &scope_unit.path,
            crate::units::During::year(year),
        ))
        .all(c)
        .await?;
    let mut v = match levels {
        Some(levels) => reporters(&levels, &scope_unit.path, &subtree, year),
        None => subtree
            .into_iter()
            .filter(|u| thamgia_domain::units::reports_to_province(&u.path))
            .collect(),
    };
    v.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(v)
}

/// [`reporting_districts`] over units already read.
fn reporters(
    levels: &thamgia_domain::plan::Levels,
    scope_path: &str,
    subtree: &[unit::Model],
    year: i32,
) -> Vec<unit::Model> {
    let by_path: HashMap<&str, &unit::Model> =
        subtree.iter().map(|u| (u.path.as_str(), u)).collect();
    subtree
        .iter()
        .filter(|u| {
            let to = thamgia_domain::units::reports_to_in_year(
                levels,
                &u.level,
                u.valid_from,
                u.valid_to,
                year,
            );
            // The ancestors strictly between the scope and the unit.
            let between: Vec<&unit::Model> = u
                .path
                .match_indices('/')
                .map(|(at, _)| &u.path[..=at])
                .filter(|p| p.len() > scope_path.len() && p.len() < u.path.len())
                .filter_map(|p| by_path.get(p).copied())
                .collect();
            to.iter()
                .any(|level| !between.iter().any(|a| a.level == *level))
        })
        .cloned()
        .collect()
}

/// Deadlines, completeness and timeliness of the chain: each district of
/// `scope_unit`'s subtree with its report's status for `year`, due date, first
/// submission, whether that was on time and whether it is overdue `today`.
pub async fn chain_status<C: ConnectionTrait>(
    c: &C,
    scope_unit: &unit::Model,
    year: i32,
    today: NaiveDate,
) -> Result<Vec<ChainRow>> {
    let districts = reporting_districts(c, scope_unit, year).await?;
    let due = due_on(c, &scope_unit.path, year).await?;
    Ok(chain_of(c, districts, due, year, today).await?.0)
}

/// The chain rows of `districts` (due `due` unless their report says
/// otherwise), with their reports by unit id.
async fn chain_of<C: ConnectionTrait>(
    c: &C,
    districts: Vec<unit::Model>,
    due: NaiveDate,
    year: i32,
    today: NaiveDate,
) -> Result<(Vec<ChainRow>, HashMap<i32, report::Model>)> {
    let reports: HashMap<i32, report::Model> = report::Entity::find()
        .filter(report::Column::UnitId.is_in(districts.iter().map(|d| d.id)))
        .filter(report::Column::Year.eq(year))
        .all(c)
        .await?
        .into_iter()
        .map(|r| (r.unit_id, r))
        .collect();
    let rows = districts
        .into_iter()
        .map(|u| {
            let r = reports.get(&u.id);
            let due_on = r.map_or(due, |r| r.due_on);
            let first = r.and_then(|r| r.first_submitted_on);
            let ended_on = u
                .valid_to
                .filter(|t| thamgia_domain::units::last_day(year).is_some_and(|l| *t < l));
            ChainRow {
                status: r.map(|r| r.status),
                due_on,
                first_submitted_on: first,
                on_time: on_time(first, due_on),
                overdue: first.is_none() && today > due_on && ended_on.is_none(),
                ended_on,
                unit: u,
            }
        })
        .collect();
    Ok((rows, reports))
}

/// Builds the report data of `u`'s subtree for `year` from the live records.
pub async fn build<C: ConnectionTrait>(
    c: &C,
    u: &unit::Model,
    year: i32,
    today: NaiveDate,
) -> Result<ReportData> {
    // The plan and the chain are read once for the whole report.
    let plan = crate::plans::governing_shared(c, &u.path, year).await?;
    let plan = plan.as_deref();
    let scope = Scope {
        path: u.path.clone(),
    };
    let figures = engine::figures(c, u, year, today).await?;
    let activities = activities_summary(c, u, year, plan).await?;
    let funding = funding(c, &scope, year, plan).await?;
    let forums = forum_lines(c, &scope, year).await?;
    let councils = councils_summary(c, &scope, year).await?;
    let clubs = clubs_summary(c, &scope, year).await?;
    let recommendations = recommendations_summary(c, &scope, year, today).await?;
    let mut districts = Vec::new();
    let reporters = reporting_districts(c, u, year).await?;
    if reporters.iter().any(|d| d.id != u.id) {
        // The parts of the units that report to `u`; `u`'s own row is its report.
        let due = due_with(plan, year);
        let (mut rows, reports) = chain_of(c, reporters, due, year, today).await?;
        rows.retain(|r| r.unit.id != u.id);
        let frozen: HashMap<i32, Option<String>> =
            reports.into_iter().map(|(id, r)| (id, r.figures)).collect();
        for r in rows {
            let figures = if r.status == Some(ReportStatus::Approved) {
                frozen
                    .get(&r.unit.id)
                    .and_then(|f| f.as_deref())
                    .and_then(ReportData::from_json)
                    .map(|d| d.figures)
            } else {
                None
            };
            districts.push(DistrictPart {
                unit_id: r.unit.id,
                unit_code: r.unit.code.clone(),
                unit_name_vi: r.unit.name_vi.clone(),
                unit_name_en: r.unit.name_en.clone(),
                status: r.status,
                due_on: r.due_on,
                first_submitted_on: r.first_submitted_on,
                on_time: r.on_time,
                figures,
            });
        }
    }
    Ok(ReportData {
        unit_id: u.id,
        unit_code: u.code.clone(),
        unit_name_vi: u.name_vi.clone(),
        unit_name_en: u.name_en.clone(),
        unit_level: u.level.clone(),
        year,
        built_on: today,
        figures,
        activities,
        funding,
        forums,
        councils,
        clubs,
        recommendations,
        districts,
        agencies: crate::agency_reports::parts(c, u, year, today).await?,
    })
}

async fn activities_summary<C: ConnectionTrait>(
    c: &C,
    u: &unit::Model,
    year: i32,
    plan: Option<&Plan>,
) -> Result<ActivitiesSummary> {
    let f = activity_indicators::figures(c, u, year, plan).await?;
    let project = |code: &str| {
        plan.and_then(|p| p.projects.iter().find(|x| x.code == code))
            .map_or((code.to_string(), code.to_string()), |p| {
                (p.name_vi.clone(), p.name_en.clone())
            })
    };
    let by_project = f
        .activities
        .iter()
        .map(|(code, n)| {
            let (vi, en) = project(code);
            NamedCount {
                code: code.clone(),
                name_vi: vi,
                name_en: en,
                count: *n,
            }
        })
        .collect();
    let trained: Vec<TrainedGroup> = f
        .trained
        .iter()
        .map(|(g, fe, ma)| TrainedGroup {
            group: g.as_str().into(),
            name_vi: ParticipantGroup::name_vi(*g).into(),
            female: *fe,
            male: *ma,
        })
        .collect();
    Ok(ActivitiesSummary {
        total: f.activities.values().sum(),
        by_project,
        courses: f.courses,
        trained_female: trained.iter().map(|t| t.female).sum(),
        trained_male: trained.iter().map(|t| t.male).sum(),
        trained,
        planned_activities: f.planned_activities,
    })
}

async fn funding<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    year: i32,
    plan: Option<&Plan>,
) -> Result<Funding> {
    let mut by_source: BTreeMap<String, (i64, i64)> = BTreeMap::new();
    let mut by_project: BTreeMap<String, (i64, i64)> = BTreeMap::new();
    let mut out = Funding::default();
    for cell in activities::money(c, scope, None, Some(year)).await? {
        let s = by_source.entry(cell.source.clone()).or_default();
        s.0 += cell.budget;
        s.1 += cell.spent;
        let p = by_project.entry(cell.project.clone()).or_default();
        p.0 += cell.budget;
        p.1 += cell.spent;
        out.budget += cell.budget;
        out.spent += cell.spent;
    }
    let source_name = |code: &str| {
        plan.and_then(|p| p.funding_sources.iter().find(|x| x.code == code))
            .map_or((code.to_string(), code.to_string()), |s| {
                (s.name_vi.clone(), s.name_en.clone())
            })
    };
    let project_name = |code: &str| {
        plan.and_then(|p| p.projects.iter().find(|x| x.code == code))
            .map_or((code.to_string(), code.to_string()), |p| {
                (p.name_vi.clone(), p.name_en.clone())
            })
    };
    out.by_source = money_lines(by_source, source_name);
    out.by_project = money_lines(by_project, project_name);
    Ok(out)
}

/// One line per code of budget and spending, named by `name` (Vietnamese,
/// English).
fn money_lines(
    sums: BTreeMap<String, (i64, i64)>,
    name: impl Fn(&str) -> (String, String),
) -> Vec<MoneyLine> {
    sums.into_iter()
        .map(|(code, (budget, spent))| {
            let (vi, en) = name(&code);
            MoneyLine {
                code,
                name_vi: vi,
                name_en: en,
                budget,
                spent,
            }
        })
        .collect()
}

async fn forum_lines<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    year: i32,
) -> Result<Vec<ForumLine>> {
    let rows = forums::list(
        c,
        scope,
        &forums::ForumFilter {
            year: Some(year),
            ..Default::default()
        },
    )
    .await?;
    let rules = forums::rules_for(c, &scope.path, year).await?;
    let mut out = Vec::with_capacity(rows.len());
    for (f, u, _) in rows {
        let without_consent = forums::delegates_without_consent(c, f.id).await?;
        let warnings =
            check_forum(f.level, forums::headcount(&f, without_consent), &rules).len() as u32;
        out.push(ForumLine {
            id: f.id,
            starts_on: f.starts_on,
            level: f.level.as_str().into(),
            unit_code: u.code.clone(),
            unit_name_vi: u.name_vi.clone(),
            unit_name_en: u.name_en.clone(),
            theme: f.theme.clone(),
            children: i64::from(f.girls) + i64::from(f.boys),
            warnings,
        });
    }
    out.sort_by(|a, b| a.starts_on.cmp(&b.starts_on).then(a.id.cmp(&b.id)));
    Ok(out)
}

async fn councils_summary<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    year: i32,
) -> Result<CouncilsSummary> {
    let rows = councils::list(c, scope, year).await?;
    Ok(CouncilsSummary {
        total: rows.len() as u64,
        dialogues: rows.iter().map(|r| r.dialogues).sum(),
        with_dialogue: rows
            .iter()
            .filter(|r| r.works())
            .map(|r| r.unit.name_vi.clone())
            .collect(),
    })
}

async fn clubs_summary<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    year: i32,
) -> Result<ClubsSummary> {
    let rows = clubs::list(c, scope, year).await?;
    // A club hosted inside the subtree but belonging elsewhere is counted by
    // its own district only.
    let rows: Vec<_> = rows
        .into_iter()
        .filter(|r| scope.contains(&r.unit.path))
        .collect();
    Ok(ClubsSummary {
        total: rows.len() as u64,
        active: rows.iter().filter(|r| r.active()).count() as u64,
        activities: rows.iter().map(|r| r.activities).sum(),
        girls: rows.iter().map(|r| r.girls).sum(),
        boys: rows.iter().map(|r| r.boys).sum(),
    })
}

async fn recommendations_summary<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    year: i32,
    today: NaiveDate,
) -> Result<RecommendationsSummary> {
    let reach = Reach {
        scope: scope.clone(),
        agency_id: None,
    };
    let rows = recommendations::list(
        c,
        &reach,
        &RecommendationFilter {
            year: Some(year),
            ..Default::default()
        },
    )
    .await?;
    let answered = rows
        .iter()
        .filter(|(r, _, _)| r.status == RecommendationStatus::Answered)
        .count() as u64;
    let overdue = rows
        .iter()
        .filter(|(r, _, _)| recommendations::is_overdue(r, today))
        .count() as u64;
    let by_agency = recommendations::agency_stats(c, &reach, Some(year), today)
        .await?
        .into_iter()
        .map(|s| AgencyLine {
            code: s.agency.code.clone(),
            name_vi: s
                .agency
                .short_vi
                .clone()
                .unwrap_or(s.agency.name_vi.clone()),
            name_en: s.agency.name_en.clone(),
            total: s.total,
            answered: s.answered,
            overdue: s.overdue,
            answer_rate: s.answer_rate,
        })
        .collect();
    Ok(RecommendationsSummary {
        received: rows.len() as u64,
        answered,
        overdue,
        by_agency,
    })
}
