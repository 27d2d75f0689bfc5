//! A plan is data: the programme a province (or a ministry) carries, read from a reviewed TOML file.
//!
//! [`check`] parses a plan file and validates it, reporting every problem it can find with the
//! 1-based line and the field path, so that the person editing the file can fix them all at once.
//! Nothing here knows about one province or one period: the Lai Châu 2016–2020 plan is simply the
//! first file in `plans/`. The file format is documented in `docs/plan-format.md`.
//!
//! How it works: the file is parsed into a TOML tree that keeps the byte span of every key and value
//! ([`toml::de::DeTable`], whose entries are [`toml::Spanned`]). The reader walks that tree field by
//! field, so that a missing field, a value of the wrong type or an unknown key becomes one
//! [`PlanError`] and reading carries on; then the cross-references (codes, parents, cycles) are
//! checked over the whole plan. Only a plan with no error at all is returned.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

mod messages;
mod read;
mod validate;

#[cfg(test)]
mod tests;

/// The stable codes of [`PlanError::code`].
pub mod codes {
    /// The file is not valid TOML.
    pub const SYNTAX: &str = "syntax";
    /// A required field or table is missing or blank.
    pub const MISSING_FIELD: &str = "missing_field";
    /// A field that is not part of the format (usually a typo).
    pub const UNKNOWN_FIELD: &str = "unknown_field";
    /// A value has the wrong type or shape: bad date, code, level or kind, inverted range, ….
    pub const INVALID_VALUE: &str = "invalid_value";
    /// A Vietnamese name or text (`*_vi`) is missing or blank.
    pub const MISSING_VIETNAMESE_NAME: &str = "missing_vietnamese_name";
    /// Two units, agencies, indicators, projects or funding sources share a code.
    pub const DUPLICATE_CODE: &str = "duplicate_code";
    /// A reference to a unit (or to a level with no unit) that the plan does not define.
    pub const UNKNOWN_UNIT: &str = "unknown_unit";
    /// A reference to an agency that the plan does not define.
    pub const UNKNOWN_AGENCY: &str = "unknown_agency";
    /// A reference to an indicator that the plan does not define.
    pub const UNKNOWN_INDICATOR: &str = "unknown_indicator";
    /// A reference to a project or model that the plan does not define.
    pub const UNKNOWN_PROJECT: &str = "unknown_project";
    /// A target outside what its indicator can reach, or for a year outside the plan period.
    pub const TARGET_OUT_OF_RANGE: &str = "target_out_of_range";
    /// Units whose parents form a cycle.
    pub const UNIT_CYCLE: &str = "unit_cycle";
    /// A project or model with no lead agency (only a project that contains models may omit it).
    pub const MISSING_LEAD: &str = "missing_lead";
}

/// The levels a unit may have. Wards and towns are commune level.
pub const UNIT_LEVELS: &[&str] = &["province", "district", "commune", "school", "village"];
/// The kinds an agency may have.
pub const AGENCY_KINDS: &[&str] = &[
    "department",
    "union",
    "media",
    "people_committee",
    "district_office",
    "school",
    "other",
];
/// The kinds of objective.
pub const OBJECTIVE_KINDS: &[&str] = &["general", "specific"];
/// The kinds of project.
pub const PROJECT_KINDS: &[&str] = &["project", "model"];
/// How often a reporting duty falls due.
pub const REPORTING_FREQUENCIES: &[&str] = &["yearly", "quarterly", "once"];

/// A validated plan. Lists keep the order of the file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    pub header: PlanHeader,
    /// Named whole-number settings, e.g. `answer_due_days = 60`, `forum_report_due_days = 15`.
    pub settings: BTreeMap<String, i64>,
    /// In file order; a parent may come after its children, but parents never form a cycle.
    pub units: Vec<UnitDef>,
    pub agencies: Vec<AgencyDef>,
    pub purposes: Vec<TextDef>,
    pub objectives: Vec<ObjectiveDef>,
    pub indicators: Vec<IndicatorDef>,
    pub projects: Vec<ProjectDef>,
    pub funding_sources: Vec<FundingSourceDef>,
    pub reporting: Vec<ReportingDutyDef>,
    /// What each agency must do (section VII of a plan), with what each duty feeds.
    #[serde(default)]
    pub duties: Vec<DutyDef>,
    /// Which unit levels hold each model, and which level reports to which; absent in a file,
    /// the [default](Levels::default).
    #[serde(default)]
    pub levels: Levels,
}

/// Which unit levels hold each model and which level reports to which (`[levels]`). Each list
/// is a set of [`UNIT_LEVELS`]; an empty list means no level.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Levels {
    /// The levels that hold a Children's Forum at their own level.
    pub forums: Vec<String>,
    /// The levels that have a children's council.
    pub councils: Vec<String>,
    /// The levels that may have children's participation clubs.
    pub clubs: Vec<String>,
    /// Which level's units report to which level, and when.
    pub reports: Vec<ReportLine>,
}

impl Default for Levels {
    /// As the first plans had it: forums at the province and the districts, councils in the
    /// districts, clubs at any level, and the districts reporting to the province.
    fn default() -> Self {
        let words = |levels: &[&str]| levels.iter().map(|l| (*l).to_owned()).collect();
        Levels {
            forums: words(&["province", "district"]),
            councils: words(&["district"]),
            clubs: words(UNIT_LEVELS),
            reports: vec![ReportLine {
                from: "district".to_owned(),
                to: "province".to_owned(),
                since: None,
                until: None,
            }],
        }
    }
}

impl Levels {
    /// Whether units of `level` hold `model` (`forum`, `council` or `club`; see [`MODELS`]).
    pub fn holds(&self, model: &str, level: &str) -> bool {
        let levels = match model {
            "forum" => &self.forums,
            "council" => &self.councils,
            "club" => &self.clubs,
            _ => return false,
        };
        levels.iter().any(|l| l == level)
    }

    /// The levels that units of `level` report to on `day`, in file order.
    pub fn reports_to(&self, level: &str, day: chrono::NaiveDate) -> Vec<&str> {
        self.reports
            .iter()
            .filter(|r| r.from == level && r.in_force(day))
            .map(|r| r.to.as_str())
            .collect()
    }

    /// The levels that units of `level` report to on at least one day of `from..=to`, in file
    /// order, each once.
    pub fn reports_to_during(
        &self,
        level: &str,
        from: chrono::NaiveDate,
        to: chrono::NaiveDate,
    ) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for r in self.reports.iter().filter(|r| r.from == level) {
            let held = r.since.is_none_or(|since| since <= to) && r.until.is_none_or(|u| from <= u);
            if held && !out.contains(&r.to.as_str()) {
                out.push(r.to.as_str());
            }
        }
        out
    }
}

/// Units of level `from` report to the unit of level `to` above them, from `since` to `until`
/// (both inclusive, either open).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportLine {
    pub from: String,
    pub to: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub since: Option<chrono::NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<chrono::NaiveDate>,
}

impl ReportLine {
    /// Whether the line holds on `day`.
    pub fn in_force(&self, day: chrono::NaiveDate) -> bool {
        self.since.is_none_or(|since| since <= day) && self.until.is_none_or(|until| day <= until)
    }
}

/// What the plan is, who issued it, for whom and when.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanHeader {
    /// Lowercase ASCII letters, digits and `-`, e.g. `lai-chau-2016-2020`.
    pub code: String,
    pub name_vi: String,
    pub name_en: String,
    pub issuer_vi: String,
    pub issuer_en: String,
    /// Code of the issuer's unit.
    pub issuer_unit: String,
    pub document_date: chrono::NaiveDate,
    pub based_on_vi: Option<String>,
    pub based_on_en: Option<String>,
    pub period_start: i32,
    pub period_end: i32,
    pub subject_vi: String,
    pub subject_en: String,
    pub subject_min_age: u8,
    pub subject_max_age: u8,
    pub scope_vi: String,
    pub scope_en: String,
    /// Agency code of the coordinating agency: the only one, or, when it changed during the
    /// period, the one at the period's end (the last of [`coordinators`](Self::coordinators)).
    /// Ask [`Plan::coordinator_on`] for the one of a day.
    pub coordinator: String,
    /// Who coordinated when, in order, when the coordinator changed during the period
    /// (`coordinator = [{ agency, since, until }, …]` in a file); empty when one agency
    /// coordinated throughout. The spans follow each other with no gap: the first has no
    /// `since` (or starts by the period's first day), the last no `until` (or ends on the
    /// period's last day or later), each starts the day after the one before ends.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub coordinators: Vec<CoordinatorSpan>,
    /// The age bands of every breakdown by age, in order; absent in a file, one band of the
    /// subject ages.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub age_bands: Vec<AgeBand>,
}

/// One agency coordinating the plan from `since` to `until` (both inclusive, either open).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CoordinatorSpan {
    /// Agency code.
    pub agency: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub since: Option<chrono::NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<chrono::NaiveDate>,
}

/// An administrative unit, school or village.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnitDef {
    pub code: String,
    pub name_vi: String,
    pub name_en: String,
    /// One of [`UNIT_LEVELS`].
    pub level: String,
    pub parent: Option<String>,
    pub valid_from: Option<chrono::NaiveDate>,
    pub valid_to: Option<chrono::NaiveDate>,
    /// Units that took over this one when it was merged or retired.
    pub successors: Vec<String>,
}

/// An agency, office, union, school board or other body with a part in the plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AgencyDef {
    pub code: String,
    pub name_vi: String,
    pub name_en: String,
    pub short_vi: Option<String>,
    /// Code of the agency's unit.
    pub unit: String,
    /// One of [`AGENCY_KINDS`].
    pub kind: String,
    /// The agency's first and last day, when it did not always exist (a
    /// department merged into another: the coordinating department of
    /// child affairs changed in 2025). Either end open.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_from: Option<chrono::NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_to: Option<chrono::NaiveDate>,
}

/// A text in both languages.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TextDef {
    pub text_vi: String,
    pub text_en: String,
}

/// An objective of the plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ObjectiveDef {
    /// `general` or `specific`.
    pub kind: String,
    pub text_vi: String,
    pub text_en: String,
    /// Code of the indicator that measures it.
    pub indicator: Option<String>,
}

/// What an indicator counts in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum IndicatorUnit {
    /// A share, 0 to 100.
    #[serde(rename = "%")]
    Percent,
    /// A whole number of things.
    #[serde(rename = "count")]
    Count,
    /// An amount of money in whole Vietnamese đồng.
    #[serde(rename = "dong")]
    Dong,
}

impl IndicatorUnit {
    /// The spelling used in plan files: `%`, `count` or `dong`.
    pub fn as_str(self) -> &'static str {
        match self {
            IndicatorUnit::Percent => "%",
            IndicatorUnit::Count => "count",
            IndicatorUnit::Dong => "dong",
        }
    }
}

impl fmt::Display for IndicatorUnit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An indicator: what is counted, and the targets for it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IndicatorDef {
    pub code: String,
    pub name_vi: String,
    pub name_en: String,
    pub unit: IndicatorUnit,
    /// The plan's headline target, for the issuer's unit in every year of the period.
    pub target: f64,
    /// Targets for a given year and/or unit; see [`Plan::target_for`].
    pub targets: Vec<TargetDef>,
    pub definition_vi: String,
    pub definition_en: String,
    pub numerator_vi: Option<String>,
    pub numerator_en: Option<String>,
    pub denominator_vi: Option<String>,
    pub denominator_en: Option<String>,
    /// How the engine computes it: one entry of the closed vocabulary
    /// ([`Measure`], `docs/plan-format.md`).
    #[serde(default)]
    pub measure: Measure,
    /// Where the indicator stood before the plan (value and year).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline: Option<Milestone>,
    /// Targets over time ("30 % by 2025, 35 % by 2030"), by year; empty when every year is
    /// judged against the final target.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub milestones: Vec<Milestone>,
    /// Whether a year between two milestones (or the baseline and the first milestone) is judged
    /// against the straight line between them rather than against the next milestone.
    #[serde(default)]
    pub interpolate: bool,
}

impl IndicatorDef {
    /// The milestone a year is judged against: the first whose year is the year or later; after
    /// the last milestone, the last. `None` without milestones.
    pub fn milestone_for(&self, year: i32) -> Option<Milestone> {
        self.milestones
            .iter()
            .find(|m| m.year >= year)
            .or(self.milestones.last())
            .copied()
    }

    /// The plan-wide target over time for a year: without milestones, the headline `target`;
    /// with milestones, [`milestone_for`](Self::milestone_for)'s value, or with `interpolate`
    /// the straight line between the points around the year (the baseline, when there is one,
    /// is the first point), rounded to one decimal. Before the first point, or after the last
    /// milestone, the nearest milestone.
    pub fn target_in(&self, year: i32) -> f64 {
        let Some(milestone) = self.milestone_for(year) else {
            return self.target;
        };
        if !self.interpolate || milestone.year <= year {
            return milestone.value;
        }
        // `milestone` is the first point after the year; the point before is the milestone
        // before it or, for the first milestone, the baseline.
        let before = self
            .milestones
            .iter()
            .rev()
            .find(|m| m.year < year)
            .copied()
            .or(self.baseline.filter(|b| b.year <= year));
        match before {
            Some(before) => {
                let share = f64::from(year - before.year) / f64::from(milestone.year - before.year);
                let value = before.value + (milestone.value - before.value) * share;
                (value * 10.0).round() / 10.0
            }
            None => milestone.value,
        }
    }
}

/// A value an indicator had, or must reach, in a year.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Milestone {
    pub year: i32,
    pub value: f64,
}

/// The closed vocabulary of measures: what the engine can compute from the records it keeps.
/// Whether a measure is a count or a share follows the indicator's `unit` (`%` is a share; see
/// `docs/plan-format.md` for which units each measure accepts). Filters are parameters.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Measure {
    /// Matters of one kind (`law_policy`, `school_decision`, `community_decision`) decided in
    /// the year and consulted with children: a share (`%`).
    MattersConsulted { matter_kind: String },
    /// Units of the given levels that held a Children's Forum at their own level in the year,
    /// each at most once: a count.
    ForumsHeld { levels: Vec<String> },
    /// Units of one level running every one of the given models (`forum`, `council`, `club`)
    /// in the year, each by its working rule (a forum held; a council dialogue; a club
    /// activity): a count or a share of the units of that level.
    UnitsRunningModels { level: String, models: Vec<String> },
    /// Children's **answers** (not persons: a child who answers three consultations counts
    /// three times) to consultations in the year, from children aged `age_min`–`age_max` (the
    /// plan's subject ages when absent): a count, or (`%`) a share of the child population of
    /// those ages, capped at 100 %.
    ChildrenAnswers {
        age_min: Option<u8>,
        age_max: Option<u8>,
    },
    /// Children on the rosters of councils and clubs (consent-backed) during the year, aged
    /// `age_min`–`age_max` in the year: a count of persons, or (`%`) a share of the child
    /// population of those ages.
    ChildrenInModels {
        age_min: Option<u8>,
        age_max: Option<u8>,
    },
    /// People trained: participants of training courses starting in the year (of one project
    /// when given), by group and sex; the target is the annual plans' planned participants.
    PeopleTrained { project: Option<String> },
    /// Activities starting in the year (of one project when given), by project; the target is
    /// the annual plans' planned activities.
    Activities { project: Option<String> },
    /// Money spent in the year (đồng), by funding source; the target is the budget.
    MoneySpent,
    /// Measured outside Thamgia (a survey, a census); the plan says how. Shown with no figure.
    #[default]
    NotComputed,
}

impl Measure {
    /// The spelling in plan files.
    pub fn kind(&self) -> &'static str {
        match self {
            Measure::MattersConsulted { .. } => "matters_consulted",
            Measure::ForumsHeld { .. } => "forums_held",
            Measure::UnitsRunningModels { .. } => "units_running_models",
            Measure::ChildrenAnswers { .. } => "children_answers",
            Measure::ChildrenInModels { .. } => "children_in_models",
            Measure::PeopleTrained { .. } => "people_trained",
            Measure::Activities { .. } => "activities",
            Measure::MoneySpent => "money_spent",
            Measure::NotComputed => "not_computed",
        }
    }
}

/// The measures, as spelled in plan files.
pub const MEASURES: &[&str] = &[
    "matters_consulted",
    "forums_held",
    "units_running_models",
    "children_answers",
    "children_in_models",
    "people_trained",
    "activities",
    "money_spent",
    "not_computed",
];

/// The kinds of matter a `matters_consulted` measure may count.
pub const MATTER_KINDS: &[&str] = &["law_policy", "school_decision", "community_decision"];
/// The models a `units_running_models` measure may ask for.
pub const MODELS: &[&str] = &["forum", "council", "club"];

/// An age band of the plan's breakdowns, both ends included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgeBand {
    pub from: u8,
    pub to: u8,
}

/// A target for one year and/or one unit. No year means every year of the period; no unit means
/// the issuer's unit (and, for a percentage, every unit without a target of its own).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TargetDef {
    pub year: Option<i32>,
    pub unit: Option<String>,
    pub value: f64,
}

/// A project, or a model inside a project.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProjectDef {
    pub code: String,
    /// `project` or `model`.
    pub kind: String,
    /// Code of the project that contains it.
    pub parent: Option<String>,
    pub name_vi: String,
    pub name_en: String,
    pub goal_vi: String,
    pub goal_en: String,
    pub target_vi: Option<String>,
    pub target_en: Option<String>,
    /// Code of the lead agency (cơ quan chủ trì).
    pub lead: Option<String>,
    /// Codes of the coordinating agencies (cơ quan phối hợp), in the plan's order.
    pub coordinating: Vec<String>,
    /// Codes of the indicators it serves.
    pub indicators: Vec<String>,
}

/// Where money comes from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FundingSourceDef {
    pub code: String,
    pub name_vi: String,
    pub name_en: String,
}

/// Who reports to whom, how often.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportingDutyDef {
    /// An agency code; `level:<level>` for every unit of that level (e.g. `level:district`);
    /// or `all` for every agency of the plan other than the recipient and `via`.
    pub reporter: String,
    /// Agency code.
    pub recipient: String,
    /// Agency code of the body the report passes through.
    pub via: Option<String>,
    /// One of [`REPORTING_FREQUENCIES`].
    pub frequency: String,
    pub text_vi: String,
    pub text_en: String,
    /// The duty's first and last day (both inclusive, either open): who reports to whom
    /// changed during the period (the districts until 30/6/2025, the communes since).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub since: Option<chrono::NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<chrono::NaiveDate>,
}

/// One agency's duty under the plan (its section on organising the implementation): what the
/// plan says the agency does, and which indicators and kinds of activity record it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DutyDef {
    /// Unique in the plan: ASCII letters, digits, `-` and `_`.
    pub code: String,
    /// An agency code of the plan, or `level:<level>` for the people's committee of every unit
    /// of that level.
    pub agency: String,
    /// The duty as the plan words it.
    pub text_vi: String,
    pub text_en: String,
    /// Codes of the indicators the duty feeds, in the plan's order.
    #[serde(default)]
    pub indicators: Vec<String>,
    /// Activity kinds (`domain::activities::ActivityKind`) by which the agency records it.
    #[serde(default)]
    pub kinds: Vec<String>,
}

impl DutyDef {
    /// The level whose every people's committee carries the duty (`level:<level>`), if it is one.
    pub fn level(&self) -> Option<&str> {
        self.agency.strip_prefix("level:")
    }
}

impl ReportingDutyDef {
    /// Whether the duty holds on `day`.
    pub fn in_force(&self, day: chrono::NaiveDate) -> bool {
        self.since.is_none_or(|since| since <= day) && self.until.is_none_or(|until| day <= until)
    }

    /// The last day of `year` on which the duty holds, if it holds on any.
    pub fn last_day_in(&self, year: i32) -> Option<chrono::NaiveDate> {
        let (first, last) = (
            chrono::NaiveDate::from_ymd_opt(year, 1, 1)?,
            chrono::NaiveDate::from_ymd_opt(year, 12, 31)?,
        );
        let end = self.until.map_or(last, |until| until.min(last));
        (end >= first && self.since.is_none_or(|since| since <= end)).then_some(end)
    }

    /// The level whose every unit owes the duty (`level:<level>`), if it is one.
    pub fn level(&self) -> Option<&str> {
        self.reporter.strip_prefix("level:")
    }
}

impl Plan {
    /// The indicator with this code.
    pub fn indicator(&self, code: &str) -> Option<&IndicatorDef> {
        self.indicators.iter().find(|i| i.code == code)
    }

    /// The agency with this code.
    pub fn agency(&self, code: &str) -> Option<&AgencyDef> {
        self.agencies.iter().find(|a| a.code == code)
    }

    /// The unit with this code.
    pub fn unit(&self, code: &str) -> Option<&UnitDef> {
        self.units.iter().find(|u| u.code == code)
    }

    /// The project or model with this code.
    pub fn project(&self, code: &str) -> Option<&ProjectDef> {
        self.projects.iter().find(|p| p.code == code)
    }

    /// The target of an indicator for a year and a unit, looked up in this order: a target for
    /// that year and unit; a target for that unit; then, for the issuer's unit or for a
    /// percentage, a target for that year and finally the target over time
    /// ([`IndicatorDef::target_in`]: the milestones, or the headline `target` when there are
    /// none). `None` when the indicator is unknown, or when a count has no target for that unit.
    pub fn target_for(&self, indicator: &str, year: i32, unit: &str) -> Option<f64> {
        let indicator = self.indicator(indicator)?;
        let find = |year: Option<i32>, unit: Option<&str>| {
            indicator
                .targets
                .iter()
                .find(|t| t.year == year && t.unit.as_deref() == unit)
                .map(|t| t.value)
        };
        let specific = find(Some(year), Some(unit)).or_else(|| find(None, Some(unit)));
        if specific.is_some() {
            return specific;
        }
        if unit == self.header.issuer_unit || indicator.unit == IndicatorUnit::Percent {
            return find(Some(year), None).or_else(|| Some(indicator.target_in(year)));
        }
        None
    }

    /// The milestone in force for an indicator in a year (see [`IndicatorDef::milestone_for`]),
    /// for display ("mốc 2025: 30 %"). `None` when the indicator is unknown or has none.
    pub fn milestone_for(&self, indicator: &str, year: i32) -> Option<Milestone> {
        self.indicator(indicator)?.milestone_for(year)
    }

    /// The age bands of the plan's breakdowns: the file's, else one band of the subject ages.
    pub fn age_bands(&self) -> Vec<AgeBand> {
        if self.header.age_bands.is_empty() {
            vec![AgeBand {
                from: self.header.subject_min_age,
                to: self.header.subject_max_age,
            }]
        } else {
            self.header.age_bands.clone()
        }
    }

    /// The coordinating agency's code on `day`: the span that holds it; before the first span
    /// the first agency, after the last the last; the single `coordinator` when it never
    /// changed.
    pub fn coordinator_on(&self, day: chrono::NaiveDate) -> &str {
        let spans = &self.header.coordinators;
        let found = spans
            .iter()
            .find(|s| s.since.is_none_or(|since| since <= day) && s.until.is_none_or(|u| day <= u))
            .or_else(|| {
                let first = spans.first()?;
                first
                    .since
                    .is_some_and(|since| day < since)
                    .then_some(first)
            })
            .or(spans.last());
        found.map_or(self.header.coordinator.as_str(), |s| s.agency.as_str())
    }

    /// The coordinator of a year's report: the coordinator on the year's last day.
    pub fn coordinator_of_year(&self, year: i32) -> &str {
        match chrono::NaiveDate::from_ymd_opt(year, 12, 31) {
            Some(day) => self.coordinator_on(day),
            None => self.header.coordinator.as_str(),
        }
    }

    /// The reporting duties that hold on at least one day of `year`, in file order.
    pub fn duties_in(&self, year: i32) -> Vec<&ReportingDutyDef> {
        self.reporting
            .iter()
            .filter(|d| d.last_day_in(year).is_some())
            .collect()
    }

    /// The duty by which every unit of `level` reports for `year`: of the `level:<level>`
    /// duties that hold during the year, the one that holds latest in it (2025: the districts'
    /// duty to the Department of Health, which followed the one to DOLISA on 1/3/2025).
    /// Ties keep the first in file order.
    pub fn level_duty_in(&self, level: &str, year: i32) -> Option<&ReportingDutyDef> {
        let mut best: Option<(&ReportingDutyDef, chrono::NaiveDate)> = None;
        for d in self.reporting.iter().filter(|d| d.level() == Some(level)) {
            if let Some(end) = d.last_day_in(year)
                && best.is_none_or(|(_, b)| end > b)
            {
                best = Some((d, end));
            }
        }
        best.map(|(d, _)| d)
    }

    /// The duties of an agency, in file order: those naming its code, and for a people's
    /// committee or one of its offices (`district_office`, which carry out the committee's
    /// part) those of its unit's level (`level:<level>`, `unit_level`).
    pub fn duties_of(&self, agency: &str, kind: &str, unit_level: &str) -> Vec<&DutyDef> {
        let local = matches!(kind, "people_committee" | "district_office");
        self.duties
            .iter()
            .filter(|d| d.agency == agency || (local && d.level() == Some(unit_level)))
            .collect()
    }

    /// The agencies that owe a yearly report for `year` to the coordinator, in the plan's order:
    /// those named as the reporter of a yearly duty holding in the year, and for `all`, every
    /// agency of the plan other than the duty's recipient and `via` (a people's committee
    /// reports as its unit, so it is left to the unit's report). An agency that did not exist
    /// in the year owes nothing, and neither does the year's coordinator; nobody owes one for a
    /// year outside the plan's period.
    pub fn agencies_reporting_in(&self, year: i32) -> Vec<&AgencyDef> {
        if !self.covers(year) {
            return Vec::new();
        }
        let (first, last) = match (
            chrono::NaiveDate::from_ymd_opt(year, 1, 1),
            chrono::NaiveDate::from_ymd_opt(year, 12, 31),
        ) {
            (Some(f), Some(l)) => (f, l),
            _ => return Vec::new(),
        };
        let duties: Vec<&ReportingDutyDef> = self
            .duties_in(year)
            .into_iter()
            .filter(|d| d.frequency == "yearly" && d.level().is_none())
            .collect();
        self.agencies
            .iter()
            .filter(|a| {
                a.valid_from.is_none_or(|f| f <= last) && a.valid_to.is_none_or(|t| first <= t)
            })
            .filter(|a| {
                duties.iter().any(|d| {
                    if d.reporter == "all" {
                        a.kind != "people_committee"
                            && a.code != d.recipient
                            && d.via.as_deref() != Some(a.code.as_str())
                    } else {
                        d.reporter == a.code
                    }
                })
            })
            // The coordinator's report is the province's own.
            .filter(|a| a.code != self.coordinator_of_year(year))
            .collect()
    }

    /// Whether the plan's period holds `year`.
    pub fn covers(&self, year: i32) -> bool {
        (self.header.period_start..=self.header.period_end).contains(&year)
    }

    /// A setting's value.
    pub fn setting(&self, key: &str) -> Option<i64> {
        self.settings.get(key).copied()
    }
}

/// One problem in a plan file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlanError {
    /// 1-based line of the offending value (or of the table that lacks a field).
    pub line: usize,
    /// Path of the field, e.g. `projects[1].lead`; empty for a syntax error.
    pub field: String,
    /// One of [`codes`].
    pub code: &'static str,
    /// What is wrong, in English.
    pub message: String,
}

impl PlanError {
    /// The message in Vietnamese.
    pub fn message_vi(&self) -> String {
        messages::vietnamese(self.code, &self.message)
    }

    /// The whole error in Vietnamese, laid out like [`Display`](fmt::Display):
    /// `dòng 42: projects[1].lead: unknown_agency: không có cơ quan nào mang mã "SLĐ"`.
    pub fn to_string_vi(&self) -> String {
        if self.field.is_empty() {
            format!("dòng {}: {}: {}", self.line, self.code, self.message_vi())
        } else {
            format!(
                "dòng {}: {}: {}: {}",
                self.line,
                self.field,
                self.code,
                self.message_vi()
            )
        }
    }
}

impl fmt::Display for PlanError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.field.is_empty() {
            write!(f, "line {}: {}: {}", self.line, self.code, self.message)
        } else {
            write!(
                f,
                "line {}: {}: {}: {}",
                self.line, self.field, self.code, self.message
            )
        }
    }
}

impl std::error::Error for PlanError {}

/// Parses and validates a plan file. Returns the plan, or every error found, ordered by line.
pub fn check(source: &str) -> Result<Plan, Vec<PlanError>> {
    // Normalised before parsing (not field by field after) so that codes and
    // names compare composed, and every error still points at its own line:
    // neither CRLF → LF nor NFC moves a line.
    let source = crate::text::normalize(source);
    let source = source.as_ref();
    let mut cx = read::Cx::new(source);
    let tree = match toml::de::DeTable::parse(source) {
        Ok(tree) => tree,
        Err(error) => {
            let line = error.span().map_or(1, |span| cx.line(span.start));
            let message = error.message().trim().to_owned();
            cx.push(line, "", &messages::SYNTAX, &[&message]);
            return Err(cx.into_errors());
        }
    };
    let (plan, paths) = read::read_plan(&mut cx, &tree);
    validate::validate(&mut cx, &plan, &paths);
    let errors = cx.into_errors();
    if errors.is_empty() {
        Ok(plan)
    } else {
        Err(errors)
    }
}
