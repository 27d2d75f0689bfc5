//! Projects 1 and 2 and the money: activities (events, training courses,
//! broadcasts, …) with their participants and reach, annual activity plans,
//! budget lines by source and project, and spending against activities.
//!
//! One set of checks serves the forms, the API and the Excel/CSV importer:
//! every check takes the fields as text (what a person typed or a cell held)
//! and returns either the checked record or every error at once, each naming
//! its field. The caller supplies, through [`Lookup`], the codes it may use
//! (units and agencies in its scope, the projects and funding sources of the
//! plan covering each year).

use crate::money::{Dong, parse_dong};
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap, HashSet};

str_enum!(
    /// What an activity is.
    ActivityKind {
        Event = "event",
        Training = "training",
        Broadcast = "broadcast",
        Article = "article",
        Publication = "publication",
        Contest = "contest",
        Meeting = "meeting",
        Other = "other",
    }
);

impl ActivityKind {
    /// The Vietnamese word, as the template's drop-down and the importer accept it.
    pub fn name_vi(self) -> &'static str {
        match self {
            ActivityKind::Event => "Sự kiện",
            ActivityKind::Training => "Tập huấn",
            ActivityKind::Broadcast => "Phát thanh, truyền hình",
            ActivityKind::Article => "Bài viết",
            ActivityKind::Publication => "Ấn phẩm",
            ActivityKind::Contest => "Cuộc thi",
            ActivityKind::Meeting => "Hội nghị, hội thảo",
            ActivityKind::Other => "Khác",
        }
    }

    /// The English word, as the English template's drop-down writes it.
    pub fn name_en(self) -> &'static str {
        match self {
            ActivityKind::Event => "Event",
            ActivityKind::Training => "Training",
            ActivityKind::Broadcast => "Radio or television",
            ActivityKind::Article => "Article",
            ActivityKind::Publication => "Publication",
            ActivityKind::Contest => "Contest",
            ActivityKind::Meeting => "Conference, workshop",
            ActivityKind::Other => "Other",
        }
    }

    /// The code, the Vietnamese word or the English word, ignoring case and
    /// surrounding spaces (a workbook exported in either language imports).
    pub fn read(s: &str) -> Option<ActivityKind> {
        let t = s.trim();
        ActivityKind::parse(&t.to_lowercase()).or_else(|| {
            let low = t.to_lowercase();
            ActivityKind::ALL
                .iter()
                .copied()
                .find(|k| k.name_vi().to_lowercase() == low || k.name_en().to_lowercase() == low)
        })
    }
}

str_enum!(
    /// Who took part in an activity (Project 2's groups, and children).
    ParticipantGroup {
        Officials = "officials",
        ChildProtection = "child_protection",
        Teachers = "teachers",
        YouthPioneer = "youth_pioneer",
        Parents = "parents",
        Children = "children",
    }
);

impl ParticipantGroup {
    pub fn name_vi(self) -> &'static str {
        match self {
            ParticipantGroup::Officials => "Cán bộ lãnh đạo, quản lý",
            ParticipantGroup::ChildProtection => "Cán bộ bảo vệ, chăm sóc trẻ em",
            ParticipantGroup::Teachers => "Giáo viên",
            ParticipantGroup::YouthPioneer => "Cán bộ Đoàn, Đội",
            ParticipantGroup::Parents => "Cha mẹ, người chăm sóc",
            ParticipantGroup::Children => "Trẻ em",
        }
    }

    pub fn name_en(self) -> &'static str {
        match self {
            ParticipantGroup::Officials => "Officials and managers",
            ParticipantGroup::ChildProtection => "Child-protection staff",
            ParticipantGroup::Teachers => "Teachers",
            ParticipantGroup::YouthPioneer => "Youth Union and Pioneer staff",
            ParticipantGroup::Parents => "Parents and carers",
            ParticipantGroup::Children => "Children",
        }
    }
}

/// Participants of one group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Participants {
    pub group: ParticipantGroup,
    pub female: i32,
    pub male: i32,
}

/// The most people one count may hold (a broadcast's audience included).
pub const MAX_COUNT: u32 = 10_000_000;
pub const MAX_TITLE: usize = 300;
pub const MAX_CODE: usize = 40;
pub const MAX_NOTE: usize = 2_000;

/// A field's error: the field's name (as in the API) and a code (`required`,
/// `not_a_date`, `unknown_agency`, …) that pages and the importer turn into words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    pub field: String,
    pub code: &'static str,
}

pub type Errors = Vec<FieldError>;

fn err(e: &mut Errors, field: impl Into<String>, code: &'static str) {
    e.push(FieldError {
        field: field.into(),
        code,
    });
}

/// A date as people write it: `dd/mm/yyyy` (also `d/m/yyyy`) or `yyyy-mm-dd`.
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(s, "%d/%m/%Y"))
        .ok()
        .filter(|d| (1900..=2200).contains(&d.year()))
}

/// A year as four digits, 1900–2200 (surrounding spaces ignored).
pub fn parse_year(s: &str) -> Option<i32> {
    let t = s.trim();
    (t.len() == 4 && t.bytes().all(|b| b.is_ascii_digit()))
        .then(|| t.parse::<i32>().ok())
        .flatten()
        .filter(|y| (1900..=2200).contains(y))
}

/// A unit's validity (`valid_from`, `valid_to`, open ends allowed) and id.
pub type UnitPeriod = (Option<NaiveDate>, Option<NaiveDate>, i32);

/// What the caller may refer to: codes of units and agencies visible to it,
/// and for each year the codes of the projects and funding sources of the
/// plan covering that year (no plan, no codes).
#[derive(Debug, Clone, Default)]
pub struct Lookup {
    /// Unit code → the id of the code's most recent unit.
    pub units: HashMap<String, i32>,
    /// For a code carried by several units in turn (codes reused on
    /// 1/7/2025): each unit's validity and id, so a dated row lands on the
    /// unit the code named that day (`crate::units`).
    pub unit_periods: HashMap<String, Vec<UnitPeriod>>,
    pub agencies: HashMap<String, i32>,
    pub projects: HashMap<i32, HashSet<String>>,
    pub sources: HashMap<i32, HashSet<String>>,
    /// Funding sources may also be written by their name (Vietnamese or
    /// English, lower case): name → code.
    pub source_names: HashMap<String, String>,
}

impl Lookup {
    fn source(&self, year: i32, s: &str) -> Option<String> {
        let t = s.trim();
        let code = self
            .source_names
            .get(&t.to_lowercase())
            .cloned()
            .unwrap_or_else(|| t.to_string());
        self.sources
            .get(&year)
            .is_some_and(|set| set.contains(&code))
            .then_some(code)
    }

    fn project(&self, year: i32, s: &str) -> Option<String> {
        let code = s.trim().to_uppercase();
        self.projects
            .get(&year)
            .is_some_and(|set| set.contains(&code))
            .then_some(code)
    }
}

/// Lengths count the composed form (NFC), and a control character is refused
/// here too: the edges normalise already, this keeps every caller of the
/// checks (forms, API, importer, command line) to the same rule.
fn text(e: &mut Errors, field: &str, v: &str, max: usize) -> String {
    let v = crate::text::nfc(v.trim());
    if v.is_empty() {
        err(e, field, "required");
    } else if crate::text::has_control_character(&v) {
        err(e, field, crate::text::CONTROL_CHARACTER);
    } else if v.chars().count() > max {
        err(e, field, "too_long");
    }
    v
}

fn optional_text(e: &mut Errors, field: &str, v: &str, max: usize) -> Option<String> {
    let v = crate::text::nfc(v.trim());
    if crate::text::has_control_character(&v) {
        err(e, field, crate::text::CONTROL_CHARACTER);
    } else if v.chars().count() > max {
        err(e, field, "too_long");
    }
    (!v.is_empty()).then_some(v)
}

fn date(e: &mut Errors, field: &str, v: &str) -> Option<NaiveDate> {
    if v.trim().is_empty() {
        err(e, field, "required");
        return None;
    }
    let d = parse_date(v);
    if d.is_none() {
        err(e, field, "not_a_date");
    }
    d
}

/// A count: empty is 0; otherwise a whole number from 0 to [`MAX_COUNT`]
/// (`1.200` with thousands dots is read as 1200).
pub fn count(e: &mut Errors, field: &str, v: &str) -> i32 {
    let v = v.trim();
    if v.is_empty() {
        return 0;
    }
    match parse_dong(v) {
        Ok(Dong(n)) if n <= i64::from(MAX_COUNT) => i32::try_from(n).unwrap_or(0),
        Ok(_) => {
            err(e, field, "too_large");
            0
        }
        Err(crate::money::MoneyError::Negative) => {
            err(e, field, "negative");
            0
        }
        Err(_) => {
            err(e, field, "not_a_number");
            0
        }
    }
}

fn optional_count(e: &mut Errors, field: &str, v: &str) -> Option<i32> {
    (!v.trim().is_empty()).then(|| count(e, field, v))
}

/// The unit a reused code named on `day`, when the code has several.
fn unit_on(l: &Lookup, v: &str, day: Option<NaiveDate>) -> Option<i32> {
    let (periods, day) = (l.unit_periods.get(v.trim())?, day?);
    periods
        .iter()
        .find(|(from, to, _)| crate::units::open_on(*from, *to, day))
        .map(|p| p.2)
}

fn unit(e: &mut Errors, l: &Lookup, field: &str, v: &str) -> Option<i32> {
    let v = v.trim();
    if v.is_empty() {
        err(e, field, "required");
        return None;
    }
    let id = l.units.get(v).copied();
    if id.is_none() {
        err(e, field, "unknown_unit");
    }
    id
}

fn agency(e: &mut Errors, l: &Lookup, field: &str, v: &str) -> Option<i32> {
    let v = v.trim();
    if v.is_empty() {
        err(e, field, "required");
        return None;
    }
    let id = l.agencies.get(v).copied();
    if id.is_none() {
        err(e, field, "unknown_agency");
    }
    id
}

fn year(e: &mut Errors, field: &str, v: &str) -> Option<i32> {
    let t = v.trim();
    if t.is_empty() {
        err(e, field, "required");
        return None;
    }
    let y = parse_year(t);
    if y.is_none() {
        err(e, field, "not_a_year");
    }
    y
}

fn amount(e: &mut Errors, field: &str, v: &str) -> Dong {
    match parse_dong(v) {
        Ok(d) => d,
        Err(m) => {
            err(e, field, m.code());
            Dong(0)
        }
    }
}

/// An activity as text: a form, an API body, or a row of the template.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ActivityText {
    /// The unit's own reference for the activity (`HĐ-2019-03`); with the unit
    /// it identifies the activity, so importing a file twice updates instead
    /// of duplicating.
    pub code: String,
    pub project: String,
    pub kind: String,
    pub title: String,
    pub unit: String,
    pub starts_on: String,
    pub ends_on: String,
    pub lead_agency: String,
    /// Agency codes separated by `;` or `,`.
    pub coordinating: String,
    /// (female, male) per group, in [`ParticipantGroup::ALL`] order.
    pub participants: BTreeMap<String, (String, String)>,
    pub audience: String,
    pub copies: String,
    pub description: String,
}

/// A checked activity.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Activity {
    pub code: String,
    pub project: String,
    pub kind: ActivityKind,
    pub title: String,
    pub unit_id: i32,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub lead_agency_id: i32,
    pub coordinating_ids: Vec<i32>,
    /// Groups with at least one person, in [`ParticipantGroup::ALL`] order.
    pub participants: Vec<Participants>,
    pub audience: Option<i32>,
    pub copies: Option<i32>,
    pub description: Option<String>,
}

/// The field name of one participant count: `participants.teachers.female`.
pub fn participant_field(g: ParticipantGroup, female: bool) -> String {
    format!(
        "participants.{}.{}",
        g.as_str(),
        if female { "female" } else { "male" }
    )
}

/// Checks an activity: every field, every error at once.
pub fn check_activity(t: &ActivityText, l: &Lookup) -> Result<Activity, Errors> {
    let mut e = Errors::new();
    let code = text(&mut e, "code", &t.code, MAX_CODE);
    let title = text(&mut e, "title", &t.title, MAX_TITLE);
    let kind = if t.kind.trim().is_empty() {
        err(&mut e, "kind", "required");
        None
    } else {
        let k = ActivityKind::read(&t.kind);
        if k.is_none() {
            err(&mut e, "kind", "unknown_option");
        }
        k
    };
    let unit_id = unit(&mut e, l, "unit", &t.unit);
    let starts_on = date(&mut e, "starts_on", &t.starts_on);
    let unit_id = unit_id.map(|id| unit_on(l, &t.unit, starts_on).unwrap_or(id));
    let ends_on = if t.ends_on.trim().is_empty() {
        starts_on
    } else {
        date(&mut e, "ends_on", &t.ends_on)
    };
    if let (Some(s), Some(x)) = (starts_on, ends_on)
        && x < s
    {
        err(&mut e, "ends_on", "ends_before_start");
    }
    let project = if t.project.trim().is_empty() {
        err(&mut e, "project", "required");
        None
    } else if let Some(s) = starts_on {
        let p = l.project(s.year(), &t.project);
        if p.is_none() {
            err(&mut e, "project", "unknown_project");
        }
        p
    } else {
        None
    };
    let lead_agency_id = agency(&mut e, l, "lead_agency", &t.lead_agency);
    let mut coordinating_ids = Vec::new();
    for c in t
        .coordinating
        .split([';', ','])
        .map(str::trim)
        .filter(|c| !c.is_empty())
    {
        match l.agencies.get(c) {
            Some(id) if Some(*id) != lead_agency_id && !coordinating_ids.contains(id) => {
                coordinating_ids.push(*id)
            }
            Some(_) => {}
            None => {
                if !e.iter().any(|x| x.field == "coordinating") {
                    err(&mut e, "coordinating", "unknown_agency");
                }
            }
        }
    }
    let mut participants = Vec::new();
    for g in ParticipantGroup::ALL.iter().copied() {
        let (f, m) = t.participants.get(g.as_str()).cloned().unwrap_or_default();
        let female = count(&mut e, &participant_field(g, true), &f);
        let male = count(&mut e, &participant_field(g, false), &m);
        if female + male > 0 {
            participants.push(Participants {
                group: g,
                female,
                male,
            });
        }
    }
    for k in t.participants.keys() {
        if ParticipantGroup::parse(k).is_none() {
            err(&mut e, format!("participants.{k}"), "unknown_option");
        }
    }
    let audience = optional_count(&mut e, "audience", &t.audience);
    let copies = optional_count(&mut e, "copies", &t.copies);
    let description = optional_text(&mut e, "description", &t.description, MAX_NOTE);
    match (project, kind, unit_id, starts_on, ends_on, lead_agency_id) {
        (Some(project), Some(kind), Some(unit_id), Some(starts_on), Some(ends_on), Some(lead))
            if e.is_empty() =>
        {
            Ok(Activity {
                code,
                project,
                kind,
                title,
                unit_id,
                starts_on,
                ends_on,
                lead_agency_id: lead,
                coordinating_ids,
                participants,
                audience,
                copies,
                description,
            })
        }
        _ => Err(e),
    }
}

/// A spending as text. The activity is named by its unit and code.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SpendingText {
    pub unit: String,
    pub activity: String,
    pub source: String,
    pub spent_on: String,
    pub amount: String,
    pub note: String,
}

/// A checked spending; `activity` is still a code, which the caller resolves
/// (it may be an activity of the same file).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Spending {
    pub unit_id: i32,
    pub activity: String,
    pub source: String,
    pub spent_on: NaiveDate,
    pub amount: Dong,
    pub note: String,
}

pub fn check_spending(t: &SpendingText, l: &Lookup) -> Result<Spending, Errors> {
    let mut e = Errors::new();
    let unit_id = unit(&mut e, l, "unit", &t.unit);
    let activity = text(&mut e, "activity", &t.activity, MAX_CODE);
    let spent_on = date(&mut e, "spent_on", &t.spent_on);
    // A reused code names the unit it carried on the day of the spending.
    let unit_id = unit_id.map(|id| unit_on(l, &t.unit, spent_on).unwrap_or(id));
    let source = if t.source.trim().is_empty() {
        err(&mut e, "source", "required");
        None
    } else if let Some(d) = spent_on {
        let s = l.source(d.year(), &t.source);
        if s.is_none() {
            err(&mut e, "source", "unknown_source");
        }
        s
    } else {
        None
    };
    let amount = amount(&mut e, "amount", &t.amount);
    if e.is_empty() && amount.0 == 0 {
        err(&mut e, "amount", "zero_amount");
    }
    let note = optional_text(&mut e, "note", &t.note, MAX_NOTE).unwrap_or_default();
    match (unit_id, source, spent_on) {
        (Some(unit_id), Some(source), Some(spent_on)) if e.is_empty() => Ok(Spending {
            unit_id,
            activity,
            source,
            spent_on,
            amount,
            note,
        }),
        _ => Err(e),
    }
}

/// A budget line as text.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct BudgetText {
    pub unit: String,
    pub year: String,
    pub source: String,
    pub project: String,
    pub amount: String,
    pub note: String,
}

/// A checked budget line: what a unit may spend in a year from one source on
/// one project.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Budget {
    pub unit_id: i32,
    pub year: i32,
    pub source: String,
    pub project: String,
    pub amount: Dong,
    pub note: Option<String>,
}

pub fn check_budget(t: &BudgetText, l: &Lookup) -> Result<Budget, Errors> {
    let mut e = Errors::new();
    let unit_id = unit(&mut e, l, "unit", &t.unit);
    let year = year(&mut e, "year", &t.year);
    // A reused code names the unit it carried at the end of the budget's
    // year (the unit that closes the year's report).
    let unit_id =
        unit_id.map(|id| unit_on(l, &t.unit, year.and_then(crate::units::last_day)).unwrap_or(id));
    let (mut source, mut project) = (None, None);
    if t.source.trim().is_empty() {
        err(&mut e, "source", "required");
    }
    if t.project.trim().is_empty() {
        err(&mut e, "project", "required");
    }
    if let Some(y) = year {
        if !t.source.trim().is_empty() {
            source = l.source(y, &t.source);
            if source.is_none() {
                err(&mut e, "source", "unknown_source");
            }
        }
        if !t.project.trim().is_empty() {
            project = l.project(y, &t.project);
            if project.is_none() {
                err(&mut e, "project", "unknown_project");
            }
        }
    }
    let amount = amount(&mut e, "amount", &t.amount);
    let note = optional_text(&mut e, "note", &t.note, MAX_NOTE);
    match (unit_id, year, source, project) {
        (Some(unit_id), Some(year), Some(source), Some(project)) if e.is_empty() => Ok(Budget {
            unit_id,
            year,
            source,
            project,
            amount,
            note,
        }),
        _ => Err(e),
    }
}

/// One planned activity of an annual plan, as text.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PlanItemText {
    pub project: String,
    pub kind: String,
    pub title: String,
    /// 1–12, or empty when the month is not yet fixed.
    pub month: String,
    pub planned_participants: String,
    pub planned_budget: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlanItem {
    pub project: String,
    pub kind: ActivityKind,
    pub title: String,
    pub month: Option<i32>,
    pub planned_participants: i32,
    pub planned_budget: Dong,
}

/// Checks a planned activity of the plan for `year`.
pub fn check_plan_item(t: &PlanItemText, year: i32, l: &Lookup) -> Result<PlanItem, Errors> {
    let mut e = Errors::new();
    let title = text(&mut e, "title", &t.title, MAX_TITLE);
    let project = if t.project.trim().is_empty() {
        err(&mut e, "project", "required");
        None
    } else {
        let p = l.project(year, &t.project);
        if p.is_none() {
            err(&mut e, "project", "unknown_project");
        }
        p
    };
    let kind = if t.kind.trim().is_empty() {
        err(&mut e, "kind", "required");
        None
    } else {
        let k = ActivityKind::read(&t.kind);
        if k.is_none() {
            err(&mut e, "kind", "unknown_option");
        }
        k
    };
    let month = if t.month.trim().is_empty() {
        None
    } else {
        let m = t
            .month
            .trim()
            .parse::<i32>()
            .ok()
            .filter(|m| (1..=12).contains(m));
        if m.is_none() {
            err(&mut e, "month", "not_a_month");
        }
        m
    };
    let planned_participants = count(&mut e, "planned_participants", &t.planned_participants);
    let planned_budget = if t.planned_budget.trim().is_empty() {
        Dong(0)
    } else {
        amount(&mut e, "planned_budget", &t.planned_budget)
    };
    match (project, kind) {
        (Some(project), Some(kind)) if e.is_empty() => Ok(PlanItem {
            project,
            kind,
            title,
            month,
            planned_participants,
            planned_budget,
        }),
        _ => Err(e),
    }
}

/// Budget against spending for one line; `over` when spending passed the budget.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct BudgetUse {
    pub budget: Dong,
    pub spent: Dong,
}

impl BudgetUse {
    pub fn over(self) -> bool {
        self.spent.0 > self.budget.0
    }

    pub fn remaining(self) -> Dong {
        Dong(self.budget.0 - self.spent.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lookup() -> Lookup {
        let mut l = Lookup::default();
        l.units.insert("108".into(), 8);
        l.agencies.insert("PLDTBXH-108".into(), 1);
        l.agencies.insert("PGDDT-108".into(), 2);
        l.agencies.insert("UBND-108".into(), 3);
        let projects: HashSet<String> = ["DA1", "DA2", "DA3", "MH1", "MH2", "MH3"]
            .into_iter()
            .map(String::from)
            .collect();
        let sources: HashSet<String> = ["central", "local", "domestic_donors", "foreign_donors"]
            .into_iter()
            .map(String::from)
            .collect();
        for y in 2016..=2020 {
            l.projects.insert(y, projects.clone());
            l.sources.insert(y, sources.clone());
        }
        l.source_names
            .insert("ngân sách địa phương".into(), "local".into());
        l
    }

    fn training() -> ActivityText {
        let mut t = ActivityText {
            code: "HĐ-2019-01".into(),
            project: "da2".into(),
            kind: "Tập huấn".into(),
            title: "Tập huấn kỹ năng tham vấn trẻ em cho giáo viên".into(),
            unit: "108".into(),
            starts_on: "12/03/2019".into(),
            ends_on: "13/03/2019".into(),
            lead_agency: "PLDTBXH-108".into(),
            coordinating: "PGDDT-108; UBND-108; PGDDT-108".into(),
            ..Default::default()
        };
        t.participants
            .insert("teachers".into(), ("21".into(), "9".into()));
        t.participants
            .insert("children".into(), (String::new(), String::new()));
        t
    }

    #[test]
    fn a_training_course_checks() {
        let a = check_activity(&training(), &lookup()).expect("valid");
        assert_eq!(a.project, "DA2");
        assert_eq!(a.kind, ActivityKind::Training);
        assert_eq!(a.coordinating_ids, vec![2, 3]);
        assert_eq!(
            a.participants,
            vec![Participants {
                group: ParticipantGroup::Teachers,
                female: 21,
                male: 9
            }]
        );
        assert_eq!(a.ends_on, NaiveDate::from_ymd_opt(2019, 3, 13).expect("d"));
    }

    #[test]
    fn every_error_is_named() {
        let mut t = training();
        t.starts_on = "31/02/2019".into();
        t.lead_agency = "PGDDT-999".into();
        t.kind = "picnic".into();
        t.participants
            .insert("teachers".into(), ("x".into(), "-1".into()));
        let e = check_activity(&t, &lookup()).expect_err("invalid");
        let fields: Vec<(&str, &str)> = e.iter().map(|x| (x.field.as_str(), x.code)).collect();
        assert!(fields.contains(&("starts_on", "not_a_date")), "{fields:?}");
        assert!(fields.contains(&("lead_agency", "unknown_agency")));
        assert!(fields.contains(&("kind", "unknown_option")));
        assert!(fields.contains(&("participants.teachers.female", "not_a_number")));
        assert!(fields.contains(&("participants.teachers.male", "negative")));
    }

    #[test]
    fn projects_and_sources_come_from_the_plan_of_the_year() {
        let mut t = training();
        t.starts_on = "12/03/2021".into();
        t.ends_on = String::new();
        let e = check_activity(&t, &lookup()).expect_err("no plan covers 2021");
        assert_eq!(e[0].field, "project");
        let s = check_spending(
            &SpendingText {
                unit: "108".into(),
                activity: "HĐ-2019-01".into(),
                source: "Ngân sách địa phương".into(),
                spent_on: "2019-03-13".into(),
                amount: "12.500.000".into(),
                note: String::new(),
            },
            &lookup(),
        )
        .expect("valid");
        assert_eq!((s.source.as_str(), s.amount), ("local", Dong(12_500_000)));
    }

    #[test]
    fn a_reused_code_names_the_unit_of_the_rows_day() {
        // 03388: Quyết Tiến (id 30) until 30/6/2025, Đoàn Kết (id 31) since.
        let mut l = lookup();
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day);
        l.units.insert("03388".into(), 31);
        l.unit_periods.insert(
            "03388".into(),
            vec![(None, d(2025, 6, 30), 30), (d(2025, 7, 1), None, 31)],
        );
        let spend = |day: &str| SpendingText {
            unit: "03388".into(),
            activity: "HĐ-2019-01".into(),
            source: "central".into(),
            spent_on: day.into(),
            amount: "1.000.000".into(),
            note: String::new(),
        };
        let s = check_spending(&spend("2019-03-13"), &l).expect("valid");
        assert_eq!(s.unit_id, 30, "a 2019 spending lands on Quyết Tiến");
        let budget = |year: &str| BudgetText {
            unit: "03388".into(),
            year: year.into(),
            source: "central".into(),
            project: "DA1".into(),
            amount: "5.000.000".into(),
            note: String::new(),
        };
        let b = check_budget(&budget("2019"), &l).expect("valid");
        assert_eq!(b.unit_id, 30, "a 2019 budget line lands on Quyết Tiến");
    }

    #[test]
    fn budgets_and_plan_items_check() {
        let b = check_budget(
            &BudgetText {
                unit: "108".into(),
                year: "2019".into(),
                source: "central".into(),
                project: "DA1".into(),
                amount: "50.000.000 ₫".into(),
                note: String::new(),
            },
            &lookup(),
        )
        .expect("valid");
        assert_eq!(b.amount, Dong(50_000_000));
        let e = check_budget(
            &BudgetText {
                year: "19".into(),
                amount: "1,5".into(),
                ..Default::default()
            },
            &lookup(),
        )
        .expect_err("invalid");
        let fields: Vec<&str> = e.iter().map(|x| x.field.as_str()).collect();
        assert_eq!(fields, ["unit", "year", "source", "project", "amount"]);
        let i = check_plan_item(
            &PlanItemText {
                project: "DA1".into(),
                kind: "broadcast".into(),
                title: "Phóng sự về Hội đồng trẻ em".into(),
                month: "13".into(),
                ..Default::default()
            },
            2019,
            &lookup(),
        )
        .expect_err("month 13");
        assert_eq!(i[0].field, "month");
        let use_ = BudgetUse {
            budget: Dong(10),
            spent: Dong(11),
        };
        assert!(use_.over());
        assert_eq!(use_.remaining(), Dong(-1));
    }
}
