//! Children's Forums (Diễn đàn trẻ em): a list with filters and the results
//! reports that are late, a form to record or edit a forum, and a forum's page
//! with its Circular 29/2019 warnings, delegates (named only to those allowed
//! to see names, each only with a consent in force), sessions, results report
//! and the recommendations the children made there.
//!
//! The checks here are shared with the JSON API (`api/forums.rs`): both take
//! the same fields and name the same error codes (`forum-err-<code>`).

use super::councils::{LEVEL_NOT_ALLOWED, units_holding};
use super::matters::parse_date;
use super::recommendations::{self as recs, RecRow, RecommendationForm};
use super::{Chrome, PageErr, PageError, PageResult, render, require};
use crate::auth::{CsrfForm, Ctx, PageUser};
use crate::error::{AppError, AppResult};
use crate::i18n::Lang;
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use chrono::{Datelike, NaiveDate};
use sea_orm::DatabaseConnection;
use std::collections::{BTreeMap, HashMap};
use thamgia_domain::access::{Actor, Permission, Principal, Scope};
use thamgia_domain::ethnic;
use thamgia_domain::models::{
    ForumLevel, ForumRules, ForumWarning, RecommendationSource, check_forum, forum_report_due,
};
use thamgia_store::entity::{agency, forum, unit};
use thamgia_store::forums::{ForumFilter, ForumInput, NewSession, SESSION_KINDS};
use thamgia_store::{
    StoreError, agencies, consultations, forums, people, plans, recommendations, units,
};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/forums", get(list))
        .route("/forums/new", get(new_form).post(create))
        .route("/forums/{id}", get(show))
        .route("/forums/{id}/edit", get(edit_form).post(update))
        .route("/forums/{id}/delegates", post(add_delegate))
        .route("/forums/{id}/sessions", post(add_session))
        .route("/forums/{id}/report", post(submit_report))
        .route("/forums/{id}/recommendations", post(add_recommendation))
        .route("/static/forums.css", get(stylesheet))
}

pub(crate) type Fields = BTreeMap<String, String>;

pub(crate) fn invalid(fields: Fields) -> AppError {
    AppError::Invalid {
        fields,
        detail: None,
    }
}

/// Longest theme or venue, in characters.
pub(crate) const MAX_NAME: usize = 200;
/// The most children (or adults) a forum's counts may hold.
pub(crate) const MAX_COUNT: u32 = 100_000;

/// The levels a forum may be recorded at (the three).
pub(crate) const LEVELS: [ForumLevel; 3] = [
    ForumLevel::Province,
    ForumLevel::District,
    ForumLevel::Commune,
];

/// The message for a field's error code (`forum-err-<code>`).
pub(crate) fn field_message(c: &Chrome, errors: &Fields, field: &str) -> String {
    errors
        .get(field)
        .map(|code| c.t(&format!("forum-err-{}", code.replace('_', "-"))))
        .unwrap_or_default()
}

/// A year as four digits, 1900–2200 (the domain's one reading of years).
pub(crate) use thamgia_domain::activities::parse_year;

/// A required text of at most `max` characters.
pub(crate) fn text(e: &mut Fields, field: &str, v: &str, max: usize) -> String {
    let v = v.trim().to_string();
    if v.is_empty() {
        e.insert(field.into(), "required".into());
    } else if v.chars().count() > max {
        e.insert(field.into(), "too_long".into());
    }
    v
}

/// A required date (dd/mm/yyyy or yyyy-mm-dd).
pub(crate) fn date(e: &mut Fields, field: &str, v: &str) -> Option<NaiveDate> {
    if v.trim().is_empty() {
        e.insert(field.into(), "required".into());
        return None;
    }
    let d = parse_date(v);
    if d.is_none() {
        e.insert(field.into(), "not_a_date".into());
    }
    d
}

/// A count: empty is 0; otherwise a whole number from 0 to [`MAX_COUNT`].
fn count(e: &mut Fields, field: &str, v: &str) -> i32 {
    let v = v.trim();
    if v.is_empty() {
        return 0;
    }
    match v.parse::<u32>() {
        Ok(n) if n <= MAX_COUNT => i32::try_from(n).unwrap_or(0),
        Ok(_) => {
            e.insert(field.into(), "too_large".into());
            0
        }
        Err(_) => {
            e.insert(field.into(), "not_a_number".into());
            0
        }
    }
}

// ---------------------------------------------------------------- rules

/// The fields of a forum, as text (a form or the API).
#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(default)]
pub struct ForumForm {
    pub level: String,
    /// Code of the unit.
    pub unit: String,
    pub year: String,
    pub theme: String,
    pub starts_on: String,
    pub ends_on: String,
    pub venue: String,
    /// Code of the organising agency.
    pub agency: String,
    pub girls: String,
    pub boys: String,
    pub age_6_10: String,
    pub age_11_15: String,
    pub with_disability: String,
    pub adults_in_charge: String,
    pub volunteers: String,
    pub guests: String,
    /// Children by ethnic group, sent as `eth_<official code>` fields; every
    /// other field of the form (the CSRF token) lands here too and is ignored.
    #[serde(flatten)]
    pub extra: BTreeMap<String, String>,
}

impl ForumForm {
    pub(crate) fn of(
        f: &forum::Model,
        u: &unit::Model,
        a: &agency::Model,
        groups: &[(String, i32)],
    ) -> Self {
        ForumForm {
            level: f.level.clone(),
            unit: u.code.clone(),
            year: f.year.to_string(),
            theme: f.theme.clone(),
            starts_on: Lang::Vi.date(f.starts_on),
            ends_on: Lang::Vi.date(f.ends_on),
            venue: f.venue.clone(),
            agency: a.code.clone(),
            girls: f.girls.to_string(),
            boys: f.boys.to_string(),
            age_6_10: f.age_6_10.to_string(),
            age_11_15: f.age_11_15.to_string(),
            with_disability: f.with_disability.to_string(),
            adults_in_charge: f.adults_in_charge.to_string(),
            volunteers: f.volunteers.to_string(),
            guests: f.guests.to_string(),
            extra: groups
                .iter()
                .map(|(code, n)| (format!("{ETH_PREFIX}{code}"), n.to_string()))
                .collect(),
        }
    }

    /// The text entered for one ethnic group.
    pub(crate) fn ethnic(&self, code: &str) -> &str {
        self.extra
            .get(&format!("{ETH_PREFIX}{code}"))
            .map(String::as_str)
            .unwrap_or("")
    }
}

/// Form fields for the children of one ethnic group are `eth_<code>`.
pub(crate) const ETH_PREFIX: &str = "eth_";

/// Checks the counts by ethnic group: each a count of a known group, together
/// at most `total`. Errors go on `eth_<code>`, or on `ethnic_groups` for the sum.
fn check_ethnic(e: &mut Fields, f: &ForumForm, total: i32) -> Vec<(String, i32)> {
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
pub(crate) async fn check_forum_form(
    db: &DatabaseConnection,
    p: &Principal,
    f: &ForumForm,
) -> AppResult<ForumInput> {
    let scope = p.scope();
    let mut e = Fields::new();
    let level = match ForumLevel::parse(f.level.trim()) {
        Some(l) if LEVELS.contains(&l) => Some(l),
        _ => {
            e.insert(
                "level".into(),
                if f.level.trim().is_empty() {
                    "required"
                } else {
                    "unknown_option"
                }
                .into(),
            );
            None
        }
    };
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
    let year = if f.year.trim().is_empty() {
        e.insert("year".into(), "required".into());
        None
    } else {
        let y = parse_year(&f.year);
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
            Ok(ForumInput {
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

/// "cấp huyện" / "district-level": the level as said inside a sentence.
pub(crate) fn level_phrase(lang: Lang, level: &str) -> String {
    lang.t(&format!("forum-level-of-{}", level.replace('_', "-")))
}

/// A Circular 29 warning as a sentence.
pub(crate) fn warning_text(lang: Lang, level: &str, w: &ForumWarning) -> String {
    let s = |n: &u32| n.to_string();
    match w {
        ForumWarning::TooFewChildren { min, actual } => lang.t_args(
            "forum-warn-too-few-children",
            &[
                ("level", level_phrase(lang, level)),
                ("min", s(min)),
                ("actual", s(actual)),
            ],
        ),
        ForumWarning::TooFewAdults { needed, actual } => lang.t_args(
            "forum-warn-too-few-adults",
            &[("needed", s(needed)), ("actual", s(actual))],
        ),
        ForumWarning::TooManyVolunteers { max, actual } => lang.t_args(
            "forum-warn-too-many-volunteers",
            &[("max", s(max)), ("actual", s(actual))],
        ),
        ForumWarning::TooManyGuests { max, actual } => lang.t_args(
            "forum-warn-too-many-guests",
            &[("max", s(max)), ("actual", s(actual))],
        ),
        ForumWarning::DelegatesWithoutConsent { count } => lang.t_counts(
            "forum-warn-delegates-without-consent",
            &[("count", i64::from(*count))],
            &[],
        ),
    }
}

/// What is computed about a forum: its Circular 29 warnings and its report.
pub(crate) struct Facts {
    pub without_consent: u32,
    pub warnings: Vec<ForumWarning>,
    pub rules: ForumRules,
    pub report_due: NaiveDate,
    pub report_overdue: bool,
}

/// The forum rules of each province and year, looked up once per request
/// (the plan's settings live in a parsed document).
#[derive(Default)]
pub(crate) struct Rules(HashMap<(String, i32), ForumRules>);

impl Rules {
    /// The rules for a forum of the unit at `path` in `year`.
    pub(crate) async fn of(
        &mut self,
        db: &DatabaseConnection,
        path: &str,
        year: i32,
    ) -> AppResult<ForumRules> {
        let key = (forums::province_of(path).to_owned(), year);
        if let Some(r) = self.0.get(&key) {
            return Ok(*r);
        }
        let r = forums::rules_for(db, path, year).await?;
        self.0.insert(key, r);
        Ok(r)
    }
}

pub(crate) async fn facts(
    db: &DatabaseConnection,
    rules: &mut Rules,
    f: &forum::Model,
    u: &unit::Model,
    today: NaiveDate,
) -> AppResult<Facts> {
    let without_consent = forums::delegates_without_consent(db, f.id).await?;
    let rules = rules.of(db, &u.path, f.year).await?;
    let level = ForumLevel::parse(&f.level).unwrap_or(ForumLevel::Other);
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

/// A delegate as the form names them.
#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(default)]
pub struct DelegateForm {
    /// Id of an identified child in scope.
    pub person: String,
}

/// Checks a delegate: a child in scope, with a consent in force, not yet a delegate.
pub(crate) async fn check_delegate(
    db: &DatabaseConnection,
    p: &Principal,
    forum_id: i32,
    f: &DelegateForm,
) -> AppResult<i32> {
    let mut e = Fields::new();
    let id = match f.person.trim().parse::<i32>() {
        Ok(id) => id,
        Err(_) => {
            e.insert(
                "person".into(),
                if f.person.trim().is_empty() {
                    "required"
                } else {
                    "unknown_person"
                }
                .into(),
            );
            return Err(invalid(e));
        }
    };
    let person = match people::get_in_scope(db, &p.scope(), id).await {
        Ok((person, _)) => person,
        Err(StoreError::NotFound) => {
            e.insert("person".into(), "unknown_person".into());
            return Err(invalid(e));
        }
        Err(err) => return Err(err.into()),
    };
    if person.pseudonymised_at.is_some() || people::active_consent(db, id).await?.is_none() {
        e.insert("person".into(), "no_consent".into());
        return Err(invalid(e));
    }
    if forums::delegates(db, forum_id)
        .await?
        .iter()
        .any(|d| d.id == id)
    {
        e.insert("person".into(), "already_delegate".into());
        return Err(invalid(e));
    }
    Ok(id)
}

/// Turns the store's refusals of a delegate into the form's errors.
pub(crate) fn delegate_conflict(e: StoreError) -> AppError {
    match e {
        StoreError::Conflict { field: "consent" } => AppError::invalid("person", "no_consent"),
        StoreError::Conflict { field: "person" } => AppError::invalid("person", "already_delegate"),
        other => other.into(),
    }
}

/// A session as the form names it.
#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(default)]
pub struct SessionForm {
    /// discussion | dialogue
    pub kind: String,
    pub title: String,
    pub held_on: String,
    /// Id of a consultation in scope; empty for none.
    pub consultation: String,
}

pub(crate) async fn check_session(
    db: &DatabaseConnection,
    p: &Principal,
    f: &forum::Model,
    s: &SessionForm,
) -> AppResult<NewSession> {
    let mut e = Fields::new();
    let kind = s.kind.trim();
    if !SESSION_KINDS.contains(&kind) {
        e.insert(
            "kind".into(),
            if kind.is_empty() {
                "required"
            } else {
                "unknown_option"
            }
            .into(),
        );
    }
    let title = text(&mut e, "title", &s.title, MAX_NAME);
    let held_on = date(&mut e, "held_on", &s.held_on);
    if let Some(d) = held_on
        && (d < f.starts_on || d > f.ends_on)
    {
        e.insert("held_on".into(), "outside_forum_dates".into());
    }
    let consultation_id = if s.consultation.trim().is_empty() {
        None
    } else {
        match s.consultation.trim().parse::<i32>() {
            Ok(id) => match consultations::get_in_scope(db, &p.scope(), id).await {
                Ok((k, _)) => Some(k.id),
                Err(StoreError::NotFound) => {
                    e.insert("consultation".into(), "unknown_consultation".into());
                    None
                }
                Err(err) => return Err(err.into()),
            },
            Err(_) => {
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

/// The day the results report was submitted.
#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(default)]
pub struct ReportForm {
    pub submitted_on: String,
}

pub(crate) fn check_report(
    f: &forum::Model,
    r: &ReportForm,
    today: NaiveDate,
) -> AppResult<NaiveDate> {
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

// ---------------------------------------------------------------- list

#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(default)]
pub struct ListQuery {
    pub unit: String,
    pub year: String,
    pub level: String,
}

/// Turns list query parameters into a store filter; unknown values are named.
pub(crate) async fn filter_of(
    db: &DatabaseConnection,
    scope: &Scope,
    q: &ListQuery,
) -> AppResult<ForumFilter> {
    let mut e = Fields::new();
    let mut f = ForumFilter::default();
    if !q.unit.trim().is_empty() {
        // A code names a unit only with a date: the one of the year asked.
        let year = parse_year(&q.year);
        match units::resolve(db, scope, q.unit.trim(), year, None).await {
            Ok(r) => f.unit_path = Some(r.unit.path),
            Err(StoreError::NotFound) => {
                e.insert("unit".into(), "unknown_unit".into());
            }
            Err(err) => return Err(err.into()),
        }
    }
    if !q.year.trim().is_empty() {
        f.year = parse_year(&q.year);
        if f.year.is_none() {
            e.insert("year".into(), "not_a_year".into());
        }
    }
    if !q.level.trim().is_empty() {
        f.level = ForumLevel::parse(q.level.trim());
        if f.level.is_none() {
            e.insert("level".into(), "unknown_option".into());
        }
    }
    if e.is_empty() { Ok(f) } else { Err(invalid(e)) }
}

pub struct ForumRow {
    pub id: i32,
    pub theme: String,
    pub level: String,
    pub unit_name: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub children: i32,
    pub warnings: usize,
    pub report_submitted: Option<NaiveDate>,
    pub report_due: NaiveDate,
    pub report_overdue: bool,
}

pub struct LateRow {
    pub id: i32,
    pub theme: String,
    pub level: String,
    pub unit_name: String,
    pub due: NaiveDate,
    pub days_late: i64,
}

#[derive(Template)]
#[template(path = "forums.html")]
struct ForumsPage {
    c: Chrome,
    q: ListQuery,
    errors: Fields,
    unit_options: Vec<unit::Model>,
    years: Vec<i32>,
    levels: Vec<&'static str>,
    rows: Vec<ForumRow>,
    late: Vec<LateRow>,
    can_create: bool,
}

impl ForumsPage {
    fn error(&self, field: &str) -> String {
        field_message(&self.c, &self.errors, field)
    }

    fn has_error(&self, field: &str) -> bool {
        self.errors.contains_key(field)
    }
}

pub async fn list(
    State(state): State<AppState>,
    PageUser(p, ctx): PageUser,
    Query(q): Query<ListQuery>,
) -> PageResult {
    let lang = ctx.lang;
    require(&p, Permission::ViewModels, lang)?;
    let db = &state.db.conn;
    let scope = p.scope();
    let today = state.now().date_naive();
    let (filter, errors) = match filter_of(db, &scope, &q).await {
        Ok(f) => (Some(f), Fields::new()),
        Err(AppError::Invalid { fields, .. }) => (None, fields),
        Err(e) => return Err(PageError(e, lang)),
    };
    let mut rows = vec![];
    let mut rules = Rules::default();
    if let Some(f) = &filter {
        for (fm, u, _) in forums::list(db, &scope, f).await.page(lang)? {
            let k = facts(db, &mut rules, &fm, &u, today).await.page(lang)?;
            rows.push(ForumRow {
                id: fm.id,
                level: fm.level.clone(),
                unit_name: lang.pick(&u.name_vi, &u.name_en).to_string(),
                starts_on: fm.starts_on,
                ends_on: fm.ends_on,
                children: fm.girls + fm.boys,
                warnings: k.warnings.len(),
                report_submitted: fm.report_submitted_on,
                report_due: k.report_due,
                report_overdue: k.report_overdue,
                theme: fm.theme,
            });
        }
    }
    let late = forums::overdue_reports(db, &scope, today)
        .await
        .page(lang)?
        .into_iter()
        .map(|l| LateRow {
            id: l.forum.id,
            level: l.forum.level.clone(),
            unit_name: lang.pick(&l.unit.name_vi, &l.unit.name_en).to_string(),
            due: l.due,
            days_late: l.days_late,
            theme: l.forum.theme,
        })
        .collect();
    let page = ForumsPage {
        c: Chrome::new(&ctx, "forum-list-title"),
        unit_options: units::list(db, &scope).await.page(lang)?,
        years: forums::years(db, &scope).await.page(lang)?,
        levels: LEVELS.iter().map(|l| l.as_str()).collect(),
        can_create: p.can(Permission::ManageModels),
        q,
        rows,
        late,
        errors,
    };
    let mut res = render(&page);
    if !page.errors.is_empty() {
        *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(res)
}

// ---------------------------------------------------------------- new / edit

#[derive(Template)]
#[template(path = "forum_form.html")]
struct ForumFormPage {
    c: Chrome,
    f: ForumForm,
    errors: Fields,
    /// The forum being edited; `None` for a new one.
    editing: Option<i32>,
    levels: Vec<&'static str>,
    unit_options: Vec<unit::Model>,
    agency_options: Vec<agency::Model>,
    /// The province's own ethnic groups, then (folded) all the others.
    eth_local: Vec<EthField>,
    eth_other: Vec<EthField>,
}

/// One ethnic group's input on the forum form.
struct EthField {
    field: String,
    name: &'static str,
    value: String,
}

impl ForumFormPage {
    /// Whether any group outside the province's own has a count (the folded
    /// list then opens).
    fn other_filled(&self) -> bool {
        self.eth_other
            .iter()
            .any(|g| !g.value.trim().is_empty() || self.errors.contains_key(&g.field))
    }

    fn error(&self, field: &str) -> String {
        field_message(&self.c, &self.errors, field)
    }

    fn has_error(&self, field: &str) -> bool {
        self.errors.contains_key(field)
    }
}

async fn form_page(
    state: &AppState,
    p: &Principal,
    ctx: &Ctx,
    f: ForumForm,
    errors: Fields,
    editing: Option<i32>,
) -> Result<ForumFormPage, PageError> {
    let db = &state.db.conn;
    let lang = ctx.lang;
    let scope = p.scope();
    let year = parse_year(&f.year).unwrap_or_else(|| state.now().year());
    let unit_options: Vec<unit::Model> = units_holding(db, p, "forum", year)
        .await
        .page(lang)?
        .into_iter()
        .filter(|u| LEVELS.iter().any(|l| l.as_str() == u.level))
        .collect();
    let (local, other): (Vec<_>, Vec<_>) = ethnic::local_first()
        .into_iter()
        .map(|g| {
            (
                g.local,
                EthField {
                    field: format!("{ETH_PREFIX}{}", g.code),
                    name: g.name_vi,
                    value: f.ethnic(g.code).to_string(),
                },
            )
        })
        .partition(|(local, _)| *local);
    Ok(ForumFormPage {
        eth_local: local.into_iter().map(|(_, g)| g).collect(),
        eth_other: other.into_iter().map(|(_, g)| g).collect(),
        c: Chrome::new(
            ctx,
            if editing.is_some() {
                "forum-edit-title"
            } else {
                "forum-new-title"
            },
        ),
        f,
        errors,
        editing,
        levels: LEVELS.iter().map(|l| l.as_str()).collect(),
        unit_options,
        agency_options: agencies::list(db, &scope)
            .await
            .page(lang)?
            .into_iter()
            .map(|(a, _)| a)
            .collect(),
    })
}

pub async fn new_form(State(state): State<AppState>, PageUser(p, ctx): PageUser) -> PageResult {
    require(&p, Permission::ManageModels, ctx.lang)?;
    let db = &state.db.conn;
    let mut f = ForumForm {
        year: state.now().year().to_string(),
        ..Default::default()
    };
    // The user's own unit and agency come first.
    if let Some(u) = units::by_id(db, p.unit_id).await.page(ctx.lang)? {
        if LEVELS.iter().any(|l| l.as_str() == u.level) {
            f.level = u.level.clone();
        }
        f.unit = u.code;
    }
    if let Some(aid) = p.agency_id
        && let Some(a) = agencies::by_id(db, aid).await.page(ctx.lang)?
    {
        f.agency = a.code;
    }
    Ok(render(
        &form_page(&state, &p, &ctx, f, Fields::new(), None).await?,
    ))
}

fn unprocessable(mut res: Response) -> Response {
    *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    res
}

pub async fn create(
    State(state): State<AppState>,
    PageUser(p, ctx): PageUser,
    CsrfForm(f): CsrfForm<ForumForm>,
) -> PageResult {
    require(&p, Permission::ManageModels, ctx.lang)?;
    let db = &state.db.conn;
    match check_forum_form(db, &p, &f).await {
        Ok(n) => {
            let row = forums::create(db, &Actor::from(&p), state.now(), n)
                .await
                .page(ctx.lang)?;
            Ok(Redirect::to(&format!("/forums/{}?saved=1", row.id)).into_response())
        }
        Err(AppError::Invalid { fields, .. }) => Ok(unprocessable(render(
            &form_page(&state, &p, &ctx, f, fields, None).await?,
        ))),
        Err(e) => Err(PageError(e, ctx.lang)),
    }
}

pub async fn edit_form(
    State(state): State<AppState>,
    PageUser(p, ctx): PageUser,
    Path(id): Path<i32>,
) -> PageResult {
    require(&p, Permission::ManageModels, ctx.lang)?;
    let (fm, u, a) = forums::get_in_scope(&state.db.conn, &p.scope(), id)
        .await
        .page(ctx.lang)?;
    let groups = forums::ethnic_groups(&state.db.conn, id)
        .await
        .page(ctx.lang)?;
    let f = ForumForm::of(&fm, &u, &a, &groups);
    Ok(render(
        &form_page(&state, &p, &ctx, f, Fields::new(), Some(id)).await?,
    ))
}

pub async fn update(
    State(state): State<AppState>,
    PageUser(p, ctx): PageUser,
    Path(id): Path<i32>,
    CsrfForm(f): CsrfForm<ForumForm>,
) -> PageResult {
    require(&p, Permission::ManageModels, ctx.lang)?;
    let db = &state.db.conn;
    forums::get_in_scope(db, &p.scope(), id)
        .await
        .page(ctx.lang)?;
    match check_forum_form(db, &p, &f).await {
        Ok(n) => {
            forums::update(db, &Actor::from(&p), state.now(), id, n)
                .await
                .page(ctx.lang)?;
            Ok(Redirect::to(&format!("/forums/{id}?saved=1")).into_response())
        }
        Err(AppError::Invalid { fields, .. }) => Ok(unprocessable(render(
            &form_page(&state, &p, &ctx, f, fields, Some(id)).await?,
        ))),
        Err(e) => Err(PageError(e, ctx.lang)),
    }
}

// ---------------------------------------------------------------- one forum

pub struct DelegateRow {
    pub label: String,
    pub consent: bool,
}

pub struct PersonOption {
    pub id: i32,
    pub label: String,
    pub consent: bool,
}

pub struct SessionRow {
    pub kind: String,
    pub title: String,
    pub held_on: NaiveDate,
    pub consultation: Option<(i32, String)>,
}

pub struct ConsultOption {
    pub id: i32,
    pub title: String,
}

/// Which of the forum page's forms a failed submission came from, with its
/// input and errors.
#[derive(Default)]
pub struct SubForms {
    pub delegate: DelegateForm,
    pub delegate_errors: Fields,
    pub session: SessionForm,
    pub session_errors: Fields,
    pub report: ReportForm,
    pub report_errors: Fields,
    pub rec: RecommendationForm,
    pub rec_errors: Fields,
}

#[derive(Template)]
#[template(path = "forum.html")]
struct ForumPage {
    c: Chrome,
    fm: forum::Model,
    unit_name: String,
    agency_name: String,
    /// Children by ethnic group (most first), then those whose group is not known.
    ethnic_rows: Vec<(String, i32)>,
    saved: bool,
    warning_texts: Vec<String>,
    report_due: NaiveDate,
    report_due_days: i64,
    report_overdue: bool,
    delegate_rows: Vec<DelegateRow>,
    person_options: Vec<PersonOption>,
    show_names: bool,
    session_rows: Vec<SessionRow>,
    session_kinds: Vec<&'static str>,
    consult_options: Vec<ConsultOption>,
    rec_rows: Vec<RecRow>,
    rec_agencies: Vec<agency::Model>,
    can_manage: bool,
    s: SubForms,
}

impl ForumPage {
    fn errors_of(&self, form: &str) -> &Fields {
        match form {
            "delegate" => &self.s.delegate_errors,
            "session" => &self.s.session_errors,
            "report" => &self.s.report_errors,
            _ => &self.s.rec_errors,
        }
    }

    /// The message of a sub-form's field error.
    fn err(&self, form: &str, field: &str) -> String {
        field_message(&self.c, self.errors_of(form), field)
    }

    fn bad(&self, form: &str, field: &str) -> bool {
        self.errors_of(form).contains_key(field)
    }
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct SavedQuery {
    #[serde(default)]
    saved: Option<String>,
}

async fn forum_page(
    state: &AppState,
    p: &Principal,
    ctx: &Ctx,
    id: i32,
    saved: bool,
    mut s: SubForms,
) -> Result<ForumPage, PageError> {
    let lang = ctx.lang;
    let db = &state.db.conn;
    let scope = p.scope();
    let (fm, u, a) = forums::get_in_scope(db, &scope, id).await.page(lang)?;
    let today = state.now().date_naive();
    let k = facts(db, &mut Rules::default(), &fm, &u, today)
        .await
        .page(lang)?;
    let show_names = p.can(Permission::ViewNames);
    let can_manage = p.can(Permission::ManageModels);
    let mut delegate_rows = vec![];
    let delegates = forums::delegates(db, fm.id).await.page(lang)?;
    for (i, d) in delegates.iter().enumerate() {
        let consent = people::active_consent(db, d.id).await.page(lang)?.is_some();
        delegate_rows.push(DelegateRow {
            label: if show_names {
                people::display_name(d)
            } else {
                lang.t_args("forum-delegate-n", &[("n", (i + 1).to_string())])
            },
            consent,
        });
    }
    let mut person_options = vec![];
    if can_manage && show_names {
        for person in people::list(db, &scope).await.page(lang)? {
            if person.pseudonymised_at.is_some() || delegates.iter().any(|d| d.id == person.id) {
                continue;
            }
            let consent = people::active_consent(db, person.id)
                .await
                .page(lang)?
                .is_some();
            let label = match &person.school_or_commune {
                Some(w) if !w.trim().is_empty() => {
                    format!("{} ({w})", people::display_name(&person))
                }
                _ => people::display_name(&person),
            };
            person_options.push(PersonOption {
                id: person.id,
                label,
                consent,
            });
        }
    }
    let sessions = forums::sessions(db, fm.id).await.page(lang)?;
    let forum_scope = Scope {
        path: u.path.clone(),
    };
    // Consultations of the forum's unit that the user may see, of the forum's year.
    let mut consult_options = vec![];
    let mut consult_titles = BTreeMap::new();
    if scope.contains(&forum_scope.path) {
        for (kq, _) in consultations::list(db, &forum_scope, None)
            .await
            .page(lang)?
        {
            consult_titles.insert(kq.id, kq.title.clone());
            if kq.opens_on.year() == fm.year || kq.closes_on.year() == fm.year {
                consult_options.push(ConsultOption {
                    id: kq.id,
                    title: kq.title,
                });
            }
        }
    }
    let session_rows = sessions
        .into_iter()
        .map(|x| SessionRow {
            consultation: x
                .consultation_id
                .map(|cid| (cid, consult_titles.get(&cid).cloned().unwrap_or_default())),
            kind: x.kind,
            title: x.title,
            held_on: x.held_on,
        })
        .collect();
    let rec_list = recommendations::for_source(db, RecommendationSource::Forum, fm.id)
        .await
        .page(lang)?;
    let rec_rows = recs::rows_for(db, lang, rec_list, today, &scope)
        .await
        .page(lang)?;
    if s.report.submitted_on.is_empty() {
        s.report.submitted_on = lang.date(today);
    }
    let groups = forums::ethnic_groups(db, fm.id).await.page(lang)?;
    let known: i32 = groups.iter().map(|(_, n)| n).sum();
    let mut ethnic_rows: Vec<(String, i32)> = groups
        .iter()
        .map(|(code, n)| (ethnic::name(code).unwrap_or(code).to_string(), *n))
        .collect();
    ethnic_rows.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let unknown = fm.girls + fm.boys - known;
    if unknown > 0 {
        ethnic_rows.push((lang.t("forum-ethnic-unknown"), unknown));
    }
    Ok(ForumPage {
        ethnic_rows,
        c: Chrome::new(ctx, "forum-title"),
        unit_name: lang.pick(&u.name_vi, &u.name_en).to_string(),
        agency_name: lang.pick(&a.name_vi, &a.name_en).to_string(),
        saved,
        warning_texts: k
            .warnings
            .iter()
            .map(|w| warning_text(lang, &fm.level, w))
            .collect(),
        report_due: k.report_due,
        report_due_days: k.rules.report_due_days,
        report_overdue: k.report_overdue,
        delegate_rows,
        person_options,
        show_names,
        session_rows,
        session_kinds: SESSION_KINDS.to_vec(),
        consult_options,
        rec_rows,
        rec_agencies: agencies::list(db, &scope)
            .await
            .page(lang)?
            .into_iter()
            .map(|(a, _)| a)
            .collect(),
        can_manage,
        fm,
        s,
    })
}

pub async fn show(
    State(state): State<AppState>,
    PageUser(p, ctx): PageUser,
    Path(id): Path<i32>,
    Query(sq): Query<SavedQuery>,
) -> PageResult {
    require(&p, Permission::ViewModels, ctx.lang)?;
    Ok(render(
        &forum_page(
            &state,
            &p,
            &ctx,
            id,
            sq.saved.is_some(),
            SubForms::default(),
        )
        .await?,
    ))
}

/// Re-renders the forum page with a sub-form's errors (422).
async fn rejected(state: &AppState, p: &Principal, ctx: &Ctx, id: i32, s: SubForms) -> PageResult {
    Ok(unprocessable(render(
        &forum_page(state, p, ctx, id, false, s).await?,
    )))
}

pub async fn add_delegate(
    State(state): State<AppState>,
    PageUser(p, ctx): PageUser,
    Path(id): Path<i32>,
    CsrfForm(f): CsrfForm<DelegateForm>,
) -> PageResult {
    let lang = ctx.lang;
    require(&p, Permission::ManageModels, lang)?;
    require(&p, Permission::ViewNames, lang)?;
    let db = &state.db.conn;
    let (fm, _, _) = forums::get_in_scope(db, &p.scope(), id).await.page(lang)?;
    let checked = match check_delegate(db, &p, fm.id, &f).await {
        Ok(person) => forums::add_delegate(db, &Actor::from(&p), state.now(), fm.id, person)
            .await
            .map_err(delegate_conflict),
        Err(e) => Err(e),
    };
    match checked {
        Ok(()) => Ok(Redirect::to(&format!("/forums/{id}#delegates")).into_response()),
        Err(AppError::Invalid { fields, .. }) => {
            rejected(
                &state,
                &p,
                &ctx,
                id,
                SubForms {
                    delegate: f,
                    delegate_errors: fields,
                    ..Default::default()
                },
            )
            .await
        }
        Err(e) => Err(PageError(e, lang)),
    }
}

pub async fn add_session(
    State(state): State<AppState>,
    PageUser(p, ctx): PageUser,
    Path(id): Path<i32>,
    CsrfForm(f): CsrfForm<SessionForm>,
) -> PageResult {
    let lang = ctx.lang;
    require(&p, Permission::ManageModels, lang)?;
    let db = &state.db.conn;
    let (fm, _, _) = forums::get_in_scope(db, &p.scope(), id).await.page(lang)?;
    match check_session(db, &p, &fm, &f).await {
        Ok(n) => {
            forums::add_session(db, &Actor::from(&p), state.now(), n)
                .await
                .page(lang)?;
            Ok(Redirect::to(&format!("/forums/{id}#sessions")).into_response())
        }
        Err(AppError::Invalid { fields, .. }) => {
            rejected(
                &state,
                &p,
                &ctx,
                id,
                SubForms {
                    session: f,
                    session_errors: fields,
                    ..Default::default()
                },
            )
            .await
        }
        Err(e) => Err(PageError(e, lang)),
    }
}

pub async fn submit_report(
    State(state): State<AppState>,
    PageUser(p, ctx): PageUser,
    Path(id): Path<i32>,
    CsrfForm(f): CsrfForm<ReportForm>,
) -> PageResult {
    let lang = ctx.lang;
    require(&p, Permission::ManageModels, lang)?;
    let db = &state.db.conn;
    let (fm, _, _) = forums::get_in_scope(db, &p.scope(), id).await.page(lang)?;
    match check_report(&fm, &f, state.now().date_naive()) {
        Ok(d) => {
            forums::record_report(db, &Actor::from(&p), state.now(), id, d)
                .await
                .page(lang)?;
            Ok(Redirect::to(&format!("/forums/{id}#report")).into_response())
        }
        Err(AppError::Invalid { fields, .. }) => {
            rejected(
                &state,
                &p,
                &ctx,
                id,
                SubForms {
                    report: f,
                    report_errors: fields,
                    ..Default::default()
                },
            )
            .await
        }
        Err(e) => Err(PageError(e, lang)),
    }
}

pub async fn add_recommendation(
    State(state): State<AppState>,
    PageUser(p, ctx): PageUser,
    Path(id): Path<i32>,
    CsrfForm(f): CsrfForm<RecommendationForm>,
) -> PageResult {
    let lang = ctx.lang;
    require(&p, Permission::ManageModels, lang)?;
    let db = &state.db.conn;
    let (fm, _, _) = forums::get_in_scope(db, &p.scope(), id).await.page(lang)?;
    let source = recs::Source {
        source: RecommendationSource::Forum,
        id: fm.id,
        unit_id: fm.unit_id,
        year: fm.year,
        earliest_deadline: fm.ends_on,
    };
    match recs::check_new(db, &p, &source, &f).await {
        Ok(n) => {
            recommendations::create(db, &Actor::from(&p), state.now(), n)
                .await
                .page(lang)?;
            Ok(Redirect::to(&format!("/forums/{id}#recommendations")).into_response())
        }
        Err(AppError::Invalid { fields, .. }) => {
            rejected(
                &state,
                &p,
                &ctx,
                id,
                SubForms {
                    rec: f,
                    rec_errors: fields,
                    ..Default::default()
                },
            )
            .await
        }
        Err(e) => Err(PageError(e, lang)),
    }
}

async fn stylesheet() -> Response {
    (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        include_str!("../../static/forums.css"),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn years_and_counts() {
        assert_eq!(parse_year("2019"), Some(2019));
        assert_eq!(parse_year("19"), None);
        let mut e = Fields::new();
        assert_eq!(count(&mut e, "a", ""), 0);
        assert_eq!(count(&mut e, "b", "35"), 35);
        count(&mut e, "c", "-1");
        count(&mut e, "d", "100001");
        assert_eq!(e["c"], "not_a_number");
        assert_eq!(e["d"], "too_large");
        assert!(!e.contains_key("a") && !e.contains_key("b"));
    }

    #[test]
    fn the_under_forty_warning_reads_as_officials_say_it() {
        let w = ForumWarning::TooFewChildren {
            min: 40,
            actual: 35,
        };
        assert_eq!(
            warning_text(Lang::Vi, "district", &w),
            "Diễn đàn cấp huyện cần ít nhất 40 trẻ em; mới có 35."
        );
    }
}
