//! Children's Forums: record one, change one, add a delegate, a session, the
//! results report and a recommendation the children made there. The read
//! rules both adapters use (the list filter, the forum rules of a province
//! and year, the facts computed about a forum) live here too.
//! `pages/forums.rs` and `api/forums.rs` call these functions.

use crate::catalog::Action;
use crate::recommendations::{self as recs, RecommendationInput, Source};
use crate::{Act, ActionResult, Fields, choice, invalid, invalid_one};
use chrono::{Datelike, NaiveDate};
use sea_orm::DatabaseConnection;
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use thamgia_domain::access::{Permission, Scope};
use thamgia_domain::activities::parse_year;
use thamgia_domain::ethnic;
use thamgia_domain::models::{
    ForumLevel, ForumRules, ForumWarning, RecommendationSource, check_forum, forum_report_due,
};
use thamgia_store::entity::{forum, forum_session, recommendation, unit};
use thamgia_store::forums::{self, ForumFilter, NewSession, SESSION_KINDS};
use thamgia_store::{StoreError, agencies, consultations, people, plans, units};

/// The write actions of this module (`catalog::all`).
pub const ACTIONS: &[Action] = &[
    Action::unit("forums.create", Permission::ManageModels),
    Action::unit("forums.update", Permission::ManageModels),
    Action::unit("forums.add_delegate", Permission::ManageModels),
    Action::unit("forums.add_session", Permission::ManageModels),
    Action::unit("forums.report", Permission::ManageModels),
    Action::unit("forums.add_recommendation", Permission::ManageModels),
];

/// Longest theme or venue, in characters.
pub const MAX_NAME: usize = 200;
/// The most children (or adults) a forum's counts may hold.
pub const MAX_COUNT: u32 = 100_000;

/// The levels a forum may be recorded at (the three).
pub const LEVELS: [ForumLevel; 3] = [
    ForumLevel::Province,
    ForumLevel::District,
    ForumLevel::Commune,
];

/// Form fields for the children of one ethnic group are `eth_<code>`.
pub const ETH_PREFIX: &str = "eth_";

/// The level refusal and the text and date readers are the models' own
/// (`actions::models`), shared by forums, councils and clubs.
pub use crate::models::{LEVEL_NOT_ALLOWED, level_refused, required_date as date, text};

/// A whole number as sent: a form's text, or a client's number. Read (with
/// its field error) by the action.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(untagged)]
pub enum Whole {
    Number(i64),
    Text(String),
}

impl Default for Whole {
    fn default() -> Self {
        Whole::Text(String::new())
    }
}

impl fmt::Display for Whole {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Whole::Number(n) => write!(f, "{n}"),
            Whole::Text(t) => f.write_str(t),
        }
    }
}

impl From<i32> for Whole {
    fn from(n: i32) -> Self {
        Whole::Number(n.into())
    }
}

impl Whole {
    /// Nothing sent (an empty text).
    fn is_empty(&self) -> bool {
        matches!(self, Whole::Text(t) if t.trim().is_empty())
    }

    /// The number, if it is one of type `T`.
    fn read<T: TryFrom<i64> + std::str::FromStr>(&self) -> Option<T> {
        match self {
            Whole::Number(n) => T::try_from(*n).ok(),
            Whole::Text(t) => t.trim().parse().ok(),
        }
    }

    /// A year as four digits, 1900–2200.
    pub fn year(&self) -> Option<i32> {
        match self {
            Whole::Number(n) => i32::try_from(*n).ok().filter(|y| (1900..=2200).contains(y)),
            Whole::Text(t) => parse_year(t),
        }
    }
}

/// A count: empty is 0; otherwise a whole number from 0 to [`MAX_COUNT`].
fn count(e: &mut Fields, field: &str, v: &Whole) -> i32 {
    if v.is_empty() {
        return 0;
    }
    match v.read::<u32>() {
        Some(n) if n <= MAX_COUNT => i32::try_from(n).unwrap_or(0),
        Some(_) => {
            e.insert(field.into(), "too_large".into());
            0
        }
        None => {
            e.insert(field.into(), "not_a_number".into());
            0
        }
    }
}

// ---------------------------------------------------------------- forum

/// A forum as sent (a form or the API): codes, dates as text, counts as
/// sent.
#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(default)]
pub struct ForumInput {
    pub level: String,
    /// Code of the unit.
    pub unit: String,
    pub year: Whole,
    pub theme: String,
    pub starts_on: String,
    pub ends_on: String,
    pub venue: String,
    /// Code of the organising agency (the API calls it `organiser_agency`).
    pub agency: String,
    pub girls: Whole,
    pub boys: Whole,
    pub age_6_10: Whole,
    pub age_11_15: Whole,
    pub with_disability: Whole,
    pub adults_in_charge: Whole,
    pub volunteers: Whole,
    pub guests: Whole,
    /// Children by ethnic group, sent as `eth_<official code>` fields; every
    /// other field of the form (the CSRF token) lands here too and is ignored.
    #[serde(flatten)]
    pub extra: BTreeMap<String, Whole>,
}

impl ForumInput {
    /// The count entered for one ethnic group, as sent.
    pub fn ethnic(&self, code: &str) -> String {
        self.extra
            .get(&format!("{ETH_PREFIX}{code}"))
            .map(Whole::to_string)
            .unwrap_or_default()
    }
}

/// A forum in the caller's scope, for a caller who may manage forums:
/// `Forbidden` without the permission, `NotFound` outside the scope.
pub async fn load(act: Act<'_>, id: i32) -> ActionResult<forum::Model> {
    act.require(Permission::ManageModels)?;
    let (f, _, _) = forums::get_in_scope(act.db, &act.p.scope(), id).await?;
    Ok(f)
}

/// Records a forum.
pub async fn create(act: Act<'_>, f: &ForumInput) -> ActionResult<forum::Model> {
    act.require(Permission::ManageModels)?;
    let n = check_forum_input(act, f).await?;
    forums::create(act.db, &act.actor(), act.now, n)
        .await
        .map_err(level_refused)
}

/// Replaces a forum's fields (the whole record, as when creating it).
pub async fn update(act: Act<'_>, id: i32, f: &ForumInput) -> ActionResult<forum::Model> {
    load(act, id).await?;
    let n = check_forum_input(act, f).await?;
    forums::update(act.db, &act.actor(), act.now, id, n)
        .await
        .map_err(level_refused)
}

/// Checks the counts by ethnic group: each a count of a known group, together
/// at most `total`. Errors go on `eth_<code>`, or on `ethnic_groups` for the sum.
fn check_ethnic(e: &mut Fields, f: &ForumInput, total: i32) -> Vec<(String, i32)> {
    let mut groups = Vec::new();
    for (field, v) in f.extra.iter().filter(|(k, _)| k.starts_with(ETH_PREFIX)) {
        let code = &field[ETH_PREFIX.len()..];
        if ethnic::name(code).is_none() {
            e.insert(field.clone(), "unknown_ethnic_group".into());
            continue;
        }
        let n = count(e, field, v);
        if n > 0 {
            groups.push((code.to_string(), n));
        }
    }
    let sum: i32 = groups.iter().map(|(_, n)| n).sum();
    if sum > total {
        e.insert("ethnic_groups".into(), "ethnic_more_than_total".into());
    }
    groups
}

/// Checks a forum: every field, every error at once.
async fn check_forum_input(act: Act<'_>, f: &ForumInput) -> ActionResult<forums::ForumInput> {
    let db = act.db;
    let scope = act.p.scope();
    let mut e = Fields::new();
    let level = choice(&mut e, "level", &f.level, true, |v| {
        ForumLevel::parse(v).filter(|l| LEVELS.contains(l))
    });
    let unit = if f.unit.trim().is_empty() {
        e.insert("unit".into(), "required".into());
        None
    } else {
        match units::get_in_scope(db, &scope, f.unit.trim()).await {
            Ok(u) => Some(u),
            Err(StoreError::NotFound) => {
                e.insert("unit".into(), "unknown_unit".into());
                None
            }
            Err(err) => return Err(err.into()),
        }
    };
    if let (Some(l), Some(u)) = (level, &unit)
        && u.level != l.as_str()
    {
        e.insert("unit".into(), "level_mismatch".into());
    }
    let year = if f.year.is_empty() {
        e.insert("year".into(), "required".into());
        None
    } else {
        let y = f.year.year();
        if y.is_none() {
            e.insert("year".into(), "not_a_year".into());
        }
        y
    };
    // A unit holds a forum at its own level only where the plan governing it
    // that year lists the level (`[levels] forums`).
    if let (Some(l), Some(u), Some(y)) = (level, &unit, year)
        && !e.contains_key("unit")
        && !plans::holds(db, &u.path, l.as_str(), "forum", y).await?
    {
        e.insert("unit".into(), LEVEL_NOT_ALLOWED.into());
    }
    let theme = text(&mut e, "theme", &f.theme, MAX_NAME);
    let venue = text(&mut e, "venue", &f.venue, MAX_NAME);
    let starts = date(&mut e, "starts_on", &f.starts_on);
    let ends = date(&mut e, "ends_on", &f.ends_on);
    if let (Some(s), Some(y)) = (starts, year)
        && s.year() != y
    {
        e.insert("starts_on".into(), "not_in_year".into());
    }
    if let (Some(s), Some(t)) = (starts, ends)
        && t < s
    {
        e.insert("ends_on".into(), "ends_before_start".into());
    }
    let agency = if f.agency.trim().is_empty() {
        e.insert("agency".into(), "required".into());
        None
    } else {
        match agencies::get_in_scope(db, &scope, f.agency.trim()).await {
            Ok((a, _)) => Some(a),
            Err(StoreError::NotFound) => {
                e.insert("agency".into(), "unknown_agency".into());
                None
            }
            Err(err) => return Err(err.into()),
        }
    };
    // The agency that holds the forum exists on its first day (a district's
    // offices ended on 30/6/2025).
    if let (Some(a), Some(d)) = (&agency, starts)
        && !thamgia_store::handover::agency_open_on(a, d)
    {
        e.insert("agency".into(), "agency_closed".into());
    }
    let girls = count(&mut e, "girls", &f.girls);
    let boys = count(&mut e, "boys", &f.boys);
    let age_6_10 = count(&mut e, "age_6_10", &f.age_6_10);
    let age_11_15 = count(&mut e, "age_11_15", &f.age_11_15);
    let with_disability = count(&mut e, "with_disability", &f.with_disability);
    let adults_in_charge = count(&mut e, "adults_in_charge", &f.adults_in_charge);
    let volunteers = count(&mut e, "volunteers", &f.volunteers);
    let guests = count(&mut e, "guests", &f.guests);
    let total = girls + boys;
    if !e.contains_key("girls") && !e.contains_key("boys") && total == 0 {
        e.insert("girls".into(), "no_children".into());
    }
    if !e.contains_key("age_6_10") && !e.contains_key("age_11_15") && age_6_10 + age_11_15 != total
    {
        e.insert("age_11_15".into(), "age_bands_mismatch".into());
    }
    if !e.contains_key("with_disability") && with_disability > total {
        e.insert("with_disability".into(), "more_than_total".into());
    }
    let ethnic_groups = check_ethnic(&mut e, f, total);
    match (level, unit, year, starts, ends, agency) {
        (Some(level), Some(u), Some(year), Some(starts_on), Some(ends_on), Some(a))
            if e.is_empty() =>
        {
            Ok(forums::ForumInput {
                level,
                unit_id: u.id,
                year,
                theme,
                starts_on,
                ends_on,
                venue,
                organiser_agency_id: a.id,
                girls,
                boys,
                age_6_10,
                age_11_15,
                ethnic_groups,
                with_disability,
                adults_in_charge,
                volunteers,
                guests,
            })
        }
        _ => Err(invalid(e)),
    }
}

// ---------------------------------------------------------------- delegates

/// A delegate as sent.
#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(default)]
pub struct DelegateInput {
    /// Id of an identified child in scope.
    pub person: Whole,
}

/// Adds a named delegate: a child in scope, with a consent in force, not yet
/// a delegate (`ManageModels` and `ViewNames`).
pub async fn add_delegate(act: Act<'_>, id: i32, f: &DelegateInput) -> ActionResult<()> {
    act.require(Permission::ManageModels)?;
    act.require(Permission::ViewNames)?;
    let fm = load(act, id).await?;
    let person = check_delegate(act, fm.id, f).await?;
    forums::add_delegate(act.db, &act.actor(), act.now, fm.id, person)
        .await
        .map_err(|e| match e {
            StoreError::Conflict { field: "consent" } => invalid_one("person", "no_consent"),
            StoreError::Conflict { field: "person" } => invalid_one("person", "already_delegate"),
            other => other.into(),
        })
}

async fn check_delegate(act: Act<'_>, forum_id: i32, f: &DelegateInput) -> ActionResult<i32> {
    let db = act.db;
    let Some(id) = f.person.read::<i32>() else {
        return Err(invalid_one(
            "person",
            if f.person.is_empty() {
                "required"
            } else {
                "unknown_person"
            },
        ));
    };
    let person = match people::get_in_scope(db, &act.p.scope(), id).await {
        Ok((person, _)) => person,
        Err(StoreError::NotFound) => return Err(invalid_one("person", "unknown_person")),
        Err(err) => return Err(err.into()),
    };
    if person.pseudonymised_at.is_some() || people::active_consent(db, id).await?.is_none() {
        return Err(invalid_one("person", "no_consent"));
    }
    if forums::delegates(db, forum_id)
        .await?
        .iter()
        .any(|d| d.id == id)
    {
        return Err(invalid_one("person", "already_delegate"));
    }
    Ok(id)
}

// ---------------------------------------------------------------- sessions

/// A session as sent.
#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(default)]
pub struct SessionInput {
    /// discussion | dialogue
    pub kind: String,
    pub title: String,
    pub held_on: String,
    /// Id of a consultation in scope; empty for none.
    pub consultation: Whole,
}

/// Adds a session (a discussion, or a dialogue with leaders).
pub async fn add_session(
    act: Act<'_>,
    id: i32,
    s: &SessionInput,
) -> ActionResult<forum_session::Model> {
    let fm = load(act, id).await?;
    let n = check_session(act, &fm, s).await?;
    Ok(forums::add_session(act.db, &act.actor(), act.now, n).await?)
}

async fn check_session(
    act: Act<'_>,
    f: &forum::Model,
    s: &SessionInput,
) -> ActionResult<NewSession> {
    let mut e = Fields::new();
    let kind = s.kind.trim();
    choice(&mut e, "kind", kind, true, |v| {
        SESSION_KINDS.contains(&v).then_some(())
    });
    let title = text(&mut e, "title", &s.title, MAX_NAME);
    let held_on = date(&mut e, "held_on", &s.held_on);
    if let Some(d) = held_on
        && (d < f.starts_on || d > f.ends_on)
    {
        e.insert("held_on".into(), "outside_forum_dates".into());
    }
    let consultation_id = if s.consultation.is_empty() {
        None
    } else {
        match s.consultation.read::<i32>() {
            Some(id) => match consultations::get_in_scope(act.db, &act.p.scope(), id).await {
                Ok((k, _)) => Some(k.id),
                Err(StoreError::NotFound) => {
                    e.insert("consultation".into(), "unknown_consultation".into());
                    None
                }
                Err(err) => return Err(err.into()),
            },
            None => {
                e.insert("consultation".into(), "unknown_consultation".into());
                None
            }
        }
    };
    match held_on {
        Some(held_on) if e.is_empty() => Ok(NewSession {
            forum_id: f.id,
            kind: kind.to_string(),
            title,
            held_on,
            consultation_id,
        }),
        _ => Err(invalid(e)),
    }
}

// ---------------------------------------------------------------- report

/// The day the results report was submitted, as sent.
#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(default)]
pub struct ReportInput {
    pub submitted_on: String,
}

/// Records the day the forum's results report was submitted.
pub async fn report(act: Act<'_>, id: i32, r: &ReportInput) -> ActionResult<forum::Model> {
    let fm = load(act, id).await?;
    let d = check_report(&fm, r, act.now.date_naive())?;
    Ok(forums::record_report(act.db, &act.actor(), act.now, id, d).await?)
}

fn check_report(f: &forum::Model, r: &ReportInput, today: NaiveDate) -> ActionResult<NaiveDate> {
    let mut e = Fields::new();
    let d = date(&mut e, "submitted_on", &r.submitted_on);
    if let Some(d) = d {
        if d > today {
            e.insert("submitted_on".into(), "in_the_future".into());
        } else if d < f.ends_on {
            e.insert("submitted_on".into(), "before_forum_end".into());
        }
    }
    match d {
        Some(d) if e.is_empty() => Ok(d),
        _ => Err(invalid(e)),
    }
}

// ---------------------------------------------------------------- recommendations

/// Records a recommendation the children made at this forum.
pub async fn add_recommendation(
    act: Act<'_>,
    id: i32,
    f: &RecommendationInput,
) -> ActionResult<recommendation::Model> {
    let fm = load(act, id).await?;
    let src = Source {
        source: RecommendationSource::Forum,
        id: fm.id,
        unit_id: fm.unit_id,
        year: fm.year,
        earliest_deadline: fm.ends_on,
    };
    recs::create(act, &src, f).await
}

// ---------------------------------------------------------------- read rules

/// What is computed about a forum: its Circular 29 warnings and its report.
pub struct Facts {
    pub without_consent: u32,
    pub warnings: Vec<ForumWarning>,
    pub rules: ForumRules,
    pub report_due: NaiveDate,
    pub report_overdue: bool,
}

/// The forum rules of each province and year, looked up once per request
/// (the plan's settings live in a parsed document).
#[derive(Default)]
pub struct Rules(HashMap<(String, i32), ForumRules>);

impl Rules {
    /// The rules for a forum of the unit at `path` in `year`.
    pub async fn of(
        &mut self,
        db: &DatabaseConnection,
        path: &str,
        year: i32,
    ) -> ActionResult<ForumRules> {
        let key = (forums::province_of(path).to_owned(), year);
        if let Some(r) = self.0.get(&key) {
            return Ok(*r);
        }
        let r = forums::rules_for(db, path, year).await?;
        self.0.insert(key, r);
        Ok(r)
    }
}

pub async fn facts(
    db: &DatabaseConnection,
    rules: &mut Rules,
    f: &forum::Model,
    u: &unit::Model,
    today: NaiveDate,
) -> ActionResult<Facts> {
    let without_consent = forums::delegates_without_consent(db, f.id).await?;
    let rules = rules.of(db, &u.path, f.year).await?;
    let level = f.level;
    let warnings = check_forum(level, forums::headcount(f, without_consent), &rules);
    let report_due = forum_report_due(f.ends_on, &rules);
    Ok(Facts {
        without_consent,
        warnings,
        rules,
        report_due,
        report_overdue: f.report_submitted_on.is_none() && today > report_due,
    })
}

/// A list filter's unit: empty is none; else the path of the unit the code
/// names in the year asked (a code names a unit only with a date), in scope
/// (`unknown_unit`).
pub async fn unit_filter(
    db: &DatabaseConnection,
    scope: &Scope,
    unit: &str,
    year: &str,
    e: &mut Fields,
) -> ActionResult<Option<String>> {
    if unit.trim().is_empty() {
        return Ok(None);
    }
    match units::resolve(db, scope, unit.trim(), parse_year(year), None).await {
        Ok(r) => Ok(Some(r.unit.path)),
        Err(StoreError::NotFound) => {
            e.insert("unit".into(), "unknown_unit".into());
            Ok(None)
        }
        Err(err) => Err(err.into()),
    }
}

/// A list filter's year: empty is none; else four digits (`not_a_year`).
pub fn year_filter(v: &str, e: &mut Fields) -> Option<i32> {
    if v.trim().is_empty() {
        return None;
    }
    let y = parse_year(v);
    if y.is_none() {
        e.insert("year".into(), "not_a_year".into());
    }
    y
}

#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(default)]
pub struct ListQuery {
    pub unit: String,
    pub year: String,
    pub level: String,
}

/// Turns list query parameters into a store filter; unknown values are named.
pub async fn filter_of(
    db: &DatabaseConnection,
    scope: &Scope,
    q: &ListQuery,
) -> ActionResult<ForumFilter> {
    let mut e = Fields::new();
    let mut f = ForumFilter {
        unit_path: unit_filter(db, scope, &q.unit, &q.year, &mut e).await?,
        year: year_filter(&q.year, &mut e),
        ..Default::default()
    };
    f.level = choice(&mut e, "level", &q.level, false, ForumLevel::parse);
    if e.is_empty() { Ok(f) } else { Err(invalid(e)) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn years_and_counts() {
        assert_eq!(parse_year("2019"), Some(2019));
        assert_eq!(parse_year("19"), None);
        assert_eq!(Whole::Number(19).year(), None);
        assert_eq!(Whole::Number(2019).year(), Some(2019));
        let mut e = Fields::new();
        let t = |s: &str| Whole::Text(s.into());
        assert_eq!(count(&mut e, "a", &t("")), 0);
        assert_eq!(count(&mut e, "b", &t("35")), 35);
        count(&mut e, "c", &t("-1"));
        count(&mut e, "d", &t("100001"));
        count(&mut e, "f", &Whole::Number(-1));
        count(&mut e, "g", &Whole::Number(100_001));
        assert_eq!(e["c"], "not_a_number");
        assert_eq!(e["d"], "too_large");
        assert_eq!(e["f"], "not_a_number");
        assert_eq!(e["g"], "too_large");
        assert!(!e.contains_key("a") && !e.contains_key("b"));
    }
}
