//! Children's Councils (Hội đồng trẻ em), one per district: the list with
//! whether each council worked in a year (held at least one dialogue), the
//! form to set one up, and its page — members with their role and term, the
//! dialogues with People's Council representatives, and the recommendations
//! the children raised there.
//!
//! Members' names are shown only to roles with `ViewNames`; everyone else
//! reads "Thành viên #n". A member is only added with a consent that stands.
//!
//! The checks here are shared with the JSON API (`api/councils.rs`).

use super::matters::{Fields, invalid};
use super::people::{
    error_summary, field_message, member_label, new_person_href, optional_date, required_date,
};
use super::recommendations::{RecommendationForm, Source};
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
use std::collections::{BTreeSet, HashMap};
use thamgia_domain::access::{Actor, Permission, Principal};
use thamgia_domain::models::{CouncilRole, RecommendationSource};
use thamgia_store::councils::{self, NewCouncil, NewDialogue, NewMember};
use thamgia_store::entity::{agency, council, council_dialogue, council_member, person, unit};
use thamgia_store::{StoreError, agencies, people, plans, recommendations, units};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/councils", get(list))
        .route("/councils/new", get(new_form).post(create))
        .route("/councils/{id}", get(show))
        .route("/councils/{id}/members", post(add_member))
        .route("/councils/{id}/members/{mid}/end", post(end_member))
        .route("/councils/{id}/dialogues", post(add_dialogue))
        .route(
            "/councils/{id}/dialogues/{did}/recommendations",
            post(add_recommendation),
        )
        .route("/static/councils.css", get(stylesheet))
}

pub(crate) const MAX_NAME: usize = 200;

/// The field error of a unit whose level the governing plan's `[levels]`
/// does not list for the model (a forum, council or club).
pub(crate) const LEVEL_NOT_ALLOWED: &str = "level_not_allowed";

/// A store error of a forum, council or club write: the store's refusal of
/// the unit's level (`plans::ensure_holds`, when a plan changed between the
/// check and the write) as the same field error the check gives.
pub(crate) fn level_refused(e: StoreError) -> AppError {
    match e {
        StoreError::Conflict { field } if field == plans::LEVEL_REFUSED => {
            AppError::invalid("unit", LEVEL_NOT_ALLOWED)
        }
        other => other.into(),
    }
}
pub(crate) const MAX_ATTENDEES: usize = 2000;
pub(crate) const MAX_ISSUES: usize = 5000;
pub(crate) const MAX_CHILDREN: i64 = 500;

fn text(e: &mut Fields, field: &str, v: &str, max: usize) -> String {
    let v = v.trim().to_string();
    if v.is_empty() {
        e.insert(field.into(), "required".into());
    } else if v.chars().count() > max {
        e.insert(field.into(), "too_long".into());
    }
    v
}

/// A whole number from `min` to `max`; empty is an error (`required`).
pub(crate) fn count(e: &mut Fields, field: &str, v: &str, min: i64, max: i64) -> Option<i32> {
    let v = v.trim();
    if v.is_empty() {
        e.insert(field.into(), "required".into());
        return None;
    }
    match v.parse::<i64>() {
        Ok(n) if n < 0 => {
            e.insert(field.into(), "negative".into());
            None
        }
        Ok(n) if n < min => {
            e.insert(field.into(), "total_zero".into());
            None
        }
        Ok(n) if n > max => {
            e.insert(field.into(), "too_large".into());
            None
        }
        Ok(n) => i32::try_from(n).ok(),
        Err(_) => {
            e.insert(field.into(), "not_a_number".into());
            None
        }
    }
}

/// The year a list shows when none is asked for: this year if anything
/// happened in it, else the latest year with records, else this year.
pub(crate) fn default_year(years: &[i32], today: NaiveDate) -> i32 {
    let this = today.year();
    if years.contains(&this) {
        return this;
    }
    years
        .iter()
        .copied()
        .filter(|y| *y <= this)
        .max()
        .unwrap_or(this)
}

/// The year asked for in `?year=`, or the default; unreadable years are the default.
pub(crate) fn year_of(q: &str, years: &[i32], today: NaiveDate) -> i32 {
    q.trim()
        .parse::<i32>()
        .ok()
        .filter(|y| (1900..=2200).contains(y))
        .unwrap_or_else(|| default_year(years, today))
}

/// Years to offer in a year picker: those with records and this year, newest first.
pub(crate) fn year_options(years: &[i32], today: NaiveDate, chosen: i32) -> Vec<i32> {
    let mut set: BTreeSet<i32> = years.iter().copied().collect();
    set.insert(today.year());
    set.insert(chosen);
    set.into_iter().rev().collect()
}

// ---------------------------------------------------------------- checks

#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(default)]
pub struct CouncilForm {
    /// Code of a district in scope.
    pub unit: String,
    pub name: String,
    pub established_on: String,
}

/// The units in scope whose level holds `model` (`forum`, `council`,
/// `club`) in `year` under the plan governing each (`plans::holds`: the
/// plan's `[levels]`), looked up once per province and level.
pub(crate) async fn units_holding(
    db: &DatabaseConnection,
    p: &Principal,
    model: &str,
    year: i32,
) -> AppResult<Vec<unit::Model>> {
    let mut known: HashMap<(String, String), bool> = HashMap::new();
    let mut out = vec![];
    for u in units::list(db, &p.scope()).await? {
        let key = (
            thamgia_store::forums::province_of(&u.path).to_owned(),
            u.level.clone(),
        );
        let holds = match known.get(&key) {
            Some(h) => *h,
            None => {
                let h = plans::holds(db, &u.path, &u.level, model, year).await?;
                known.insert(key, h);
                h
            }
        };
        if holds {
            out.push(u);
        }
    }
    Ok(out)
}

/// Units in scope that may have a council this year, and which of them
/// have one already.
async fn district_options(
    db: &DatabaseConnection,
    p: &Principal,
    today: NaiveDate,
) -> AppResult<Vec<(unit::Model, bool)>> {
    let mut out = vec![];
    for u in units_holding(db, p, "council", today.year()).await? {
        let has = councils::of_unit(db, u.id).await?.is_some();
        out.push((u, has));
    }
    Ok(out)
}

pub(crate) async fn check_new_council(
    db: &DatabaseConnection,
    p: &Principal,
    f: &CouncilForm,
    today: NaiveDate,
) -> AppResult<NewCouncil> {
    let mut e = Fields::new();
    let established = required_date(&mut e, "established_on", &f.established_on);
    let year = established.unwrap_or(today).year();
    let unit = if f.unit.trim().is_empty() {
        e.insert("unit".into(), "required".into());
        None
    } else {
        match units::get_in_scope(db, &p.scope(), f.unit.trim()).await {
            Ok(u) if !plans::holds(db, &u.path, &u.level, "council", year).await? => {
                e.insert("unit".into(), LEVEL_NOT_ALLOWED.into());
                None
            }
            Ok(u) => {
                if councils::of_unit(db, u.id).await?.is_some() {
                    e.insert("unit".into(), "council_exists".into());
                }
                Some(u)
            }
            Err(StoreError::NotFound) => {
                e.insert("unit".into(), "unknown_unit".into());
                None
            }
            Err(err) => return Err(err.into()),
        }
    };
    let name = text(&mut e, "name", &f.name, MAX_NAME);
    if established.is_some_and(|d| d > today) {
        e.insert("established_on".into(), "in_the_future".into());
    }
    match (unit, established) {
        (Some(u), Some(d)) if e.is_empty() => Ok(NewCouncil {
            unit_id: u.id,
            name,
            established_on: d,
        }),
        _ => Err(invalid(e)),
    }
}

#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(default)]
pub struct MemberForm {
    /// Id of a child in scope with a consent that stands.
    pub person: String,
    /// chair | vice_chair | secretary | member
    pub role: String,
    pub term_start: String,
    /// Optional.
    pub term_end: String,
}

/// Checks the child chosen for a membership: in scope, inside the unit the
/// council or club counts for, with a consent that stands, not already a
/// member. Errors go under `person`.
pub(crate) async fn check_person(
    db: &DatabaseConnection,
    p: &Principal,
    unit_path: &str,
    person_text: &str,
    e: &mut Fields,
) -> AppResult<Option<person::Model>> {
    let Some(id) = person_text.trim().parse::<i32>().ok() else {
        e.insert(
            "person".into(),
            if person_text.trim().is_empty() {
                "required"
            } else {
                "unknown_person"
            }
            .into(),
        );
        return Ok(None);
    };
    let (person, pu) = match people::get_in_scope(db, &p.scope(), id).await {
        Ok(x) => x,
        Err(StoreError::NotFound) => {
            e.insert("person".into(), "unknown_person".into());
            return Ok(None);
        }
        Err(err) => return Err(err.into()),
    };
    if !thamgia_domain::access::is_within(&pu.path, unit_path) {
        e.insert("person".into(), "person_outside_unit".into());
        return Ok(None);
    }
    if person.pseudonymised_at.is_some() || people::active_consent(db, id).await?.is_none() {
        e.insert("person".into(), "no_consent".into());
        return Ok(None);
    }
    Ok(Some(person))
}

pub(crate) async fn check_member(
    db: &DatabaseConnection,
    p: &Principal,
    k: &council::Model,
    u: &unit::Model,
    f: &MemberForm,
) -> AppResult<NewMember> {
    let mut e = Fields::new();
    let person = check_person(db, p, &u.path, &f.person, &mut e).await?;
    if let Some(person) = &person {
        let open = councils::members(db, k.id)
            .await?
            .iter()
            .any(|(m, _)| m.person_id == person.id && m.term_end.is_none());
        if open {
            e.insert("person".into(), "already_member".into());
        }
    }
    let role = if f.role.trim().is_empty() {
        e.insert("role".into(), "required".into());
        None
    } else {
        let r = CouncilRole::parse(f.role.trim());
        if r.is_none() {
            e.insert("role".into(), "unknown_option".into());
        }
        r
    };
    let start = required_date(&mut e, "term_start", &f.term_start);
    let end = optional_date(&mut e, "term_end", &f.term_end);
    if let (Some(s), Some(t)) = (start, end)
        && t < s
    {
        e.insert("term_end".into(), "end_before_start".into());
    }
    if start.is_some_and(|s| s < k.established_on) {
        e.insert("term_start".into(), "before_established".into());
    }
    match (person, role, start) {
        (Some(person), Some(role), Some(s)) if e.is_empty() => Ok(NewMember {
            person_id: person.id,
            role,
            term_start: s,
            term_end: end,
        }),
        _ => Err(invalid(e)),
    }
}

#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(default)]
pub struct EndForm {
    /// The term's last day; empty for today.
    pub term_end: String,
}

pub(crate) fn check_end(
    m: &council_member::Model,
    f: &EndForm,
    today: NaiveDate,
) -> AppResult<NaiveDate> {
    let mut e = Fields::new();
    let on = if f.term_end.trim().is_empty() {
        Some(today)
    } else {
        optional_date(&mut e, "term_end", &f.term_end)
    };
    if m.term_end.is_some() {
        e.insert("term_end".into(), "already_ended".into());
    } else if on.is_some_and(|d| d < m.term_start) {
        e.insert("term_end".into(), "end_before_start".into());
    }
    match on {
        Some(d) if e.is_empty() => Ok(d),
        _ => Err(invalid(e)),
    }
}

#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(default)]
pub struct DialogueForm {
    pub held_on: String,
    /// The adults who took part (People's Council representatives), names and positions.
    pub attendees: String,
    pub issues: String,
    pub children_present: String,
}

pub(crate) fn check_dialogue(
    k: &council::Model,
    f: &DialogueForm,
    today: NaiveDate,
) -> AppResult<NewDialogue> {
    let mut e = Fields::new();
    let held = required_date(&mut e, "held_on", &f.held_on);
    if let Some(d) = held {
        if d > today {
            e.insert("held_on".into(), "in_the_future".into());
        } else if d < k.established_on {
            e.insert("held_on".into(), "before_established".into());
        }
    }
    let attendees = text(&mut e, "attendees", &f.attendees, MAX_ATTENDEES);
    let issues = text(&mut e, "issues", &f.issues, MAX_ISSUES);
    let children = count(
        &mut e,
        "children_present",
        &f.children_present,
        1,
        MAX_CHILDREN,
    );
    match (held, children) {
        (Some(d), Some(n)) if e.is_empty() => Ok(NewDialogue {
            held_on: d,
            attendees,
            issues,
            children_present: n,
        }),
        _ => Err(invalid(e)),
    }
}

/// Where a recommendation raised at a dialogue comes from.
pub(crate) fn dialogue_source(k: &council::Model, d: &council_dialogue::Model) -> Source {
    Source {
        source: RecommendationSource::CouncilDialogue,
        id: d.id,
        unit_id: k.unit_id,
        year: d.year,
        earliest_deadline: d.held_on,
    }
}

// ---------------------------------------------------------------- list

pub struct CouncilListRow {
    pub id: i32,
    pub name: String,
    pub district: String,
    pub established_on: NaiveDate,
    pub members: u64,
    pub dialogues: u64,
    pub works: bool,
}

#[derive(Template)]
#[template(path = "council_list.html")]
struct CouncilsPage {
    c: Chrome,
    year: i32,
    years: Vec<i32>,
    rows: Vec<CouncilListRow>,
    working: usize,
    without: Vec<String>,
    can_create: bool,
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct YearQuery {
    pub year: String,
    pub person: String,
    pub saved: String,
}

pub async fn list(
    State(state): State<AppState>,
    PageUser(p, ctx): PageUser,
    Query(q): Query<YearQuery>,
) -> PageResult {
    let lang = ctx.lang;
    require(&p, Permission::ViewModels, lang)?;
    let db = &state.db.conn;
    let scope = p.scope();
    let today = state.now().date_naive();
    let years = councils::years(db, &scope).await.page(lang)?;
    let year = year_of(&q.year, &years, today);
    let list = councils::list(db, &scope, year).await.page(lang)?;
    let with: BTreeSet<i32> = list.iter().map(|r| r.unit.id).collect();
    let without = units_holding(db, &p, "council", year)
        .await
        .page(lang)?
        .into_iter()
        .filter(|u| !with.contains(&u.id))
        .map(|u| lang.pick(&u.name_vi, &u.name_en).to_string())
        .collect();
    let rows: Vec<CouncilListRow> = list
        .into_iter()
        .map(|r| CouncilListRow {
            works: r.works(),
            id: r.council.id,
            name: r.council.name,
            district: lang.pick(&r.unit.name_vi, &r.unit.name_en).to_string(),
            established_on: r.council.established_on,
            members: r.members,
            dialogues: r.dialogues,
        })
        .collect();
    Ok(render(&CouncilsPage {
        c: Chrome::new(&ctx, "council-list-title"),
        working: rows.iter().filter(|r| r.works).count(),
        years: year_options(&years, today, year),
        year,
        rows,
        without,
        can_create: p.can(Permission::ManageModels),
    }))
}

// ---------------------------------------------------------------- new

#[derive(Template)]
#[template(path = "council_form.html")]
struct CouncilFormPage {
    c: Chrome,
    f: CouncilForm,
    errors: Fields,
    summary: Vec<(String, String)>,
    districts: Vec<(unit::Model, bool)>,
}

impl CouncilFormPage {
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
    f: CouncilForm,
    errors: Fields,
) -> Result<CouncilFormPage, PageError> {
    Ok(CouncilFormPage {
        c: Chrome::new(ctx, "council-new-title"),
        summary: error_summary(
            ctx.lang,
            &errors,
            &["unit", "name", "established_on"],
            "council-field-",
        ),
        districts: district_options(&state.db.conn, p, state.now().date_naive())
            .await
            .page(ctx.lang)?,
        f,
        errors,
    })
}

pub async fn new_form(State(state): State<AppState>, PageUser(p, ctx): PageUser) -> PageResult {
    require(&p, Permission::ManageModels, ctx.lang)?;
    let districts = district_options(&state.db.conn, &p, state.now().date_naive())
        .await
        .page(ctx.lang)?;
    let mut f = CouncilForm::default();
    if let Some((u, _)) = districts.iter().find(|(_, has)| !has) {
        f.unit = u.code.clone();
        // A record's name is Vietnamese whatever the language of the page.
        f.name = Lang::Vi.t_args("council-default-name", &[("unit", lower_first(&u.name_vi))]);
    }
    Ok(render(
        &form_page(&state, &p, &ctx, f, Fields::new()).await?,
    ))
}

/// "Huyện Tam Đường" → "huyện Tam Đường", as it reads inside a name.
pub(crate) fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().chain(c).collect(),
        None => String::new(),
    }
}

pub async fn create(
    State(state): State<AppState>,
    PageUser(p, ctx): PageUser,
    CsrfForm(f): CsrfForm<CouncilForm>,
) -> PageResult {
    let lang = ctx.lang;
    require(&p, Permission::ManageModels, lang)?;
    let db = &state.db.conn;
    match check_new_council(db, &p, &f, state.now().date_naive()).await {
        Ok(n) => match councils::create(db, &Actor::from(&p), state.now(), n).await {
            Ok(k) => Ok(Redirect::to(&format!("/councils/{}", k.id)).into_response()),
            Err(StoreError::Conflict { field }) => {
                let mut errors = Fields::new();
                let code = if field == plans::LEVEL_REFUSED {
                    LEVEL_NOT_ALLOWED
                } else {
                    "council_exists"
                };
                errors.insert("unit".into(), code.into());
                let mut res = render(&form_page(&state, &p, &ctx, f, errors).await?);
                *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
                Ok(res)
            }
            Err(e) => Err(PageError(e.into(), lang)),
        },
        Err(AppError::Invalid { fields, .. }) => {
            let mut res = render(&form_page(&state, &p, &ctx, f, fields).await?);
            *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(res)
        }
        Err(e) => Err(PageError(e, lang)),
    }
}

// ---------------------------------------------------------------- one council

pub struct MemberRow {
    pub id: i32,
    /// Serving in the year shown.
    pub serves: bool,
    pub label: String,
    pub href: Option<String>,
    pub role: String,
    pub term_start: NaiveDate,
    pub term_end: Option<NaiveDate>,
    pub school: String,
    pub withdrawn: bool,
}

pub struct RecRow {
    pub id: i32,
    pub text: String,
    pub topic: String,
    pub agency: String,
    pub deadline: NaiveDate,
    pub status: String,
    pub overdue: bool,
}

pub struct DialogueRow {
    pub d: council_dialogue::Model,
    pub recs: Vec<RecRow>,
}

/// The members of a council as a given user may see them: names only with
/// `ViewNames`, otherwise "Thành viên #n" (n: the place in the list).
pub(crate) fn member_rows(
    lang: Lang,
    names: bool,
    year: i32,
    members: &[(council_member::Model, person::Model)],
) -> Vec<MemberRow> {
    members
        .iter()
        .enumerate()
        .map(|(i, (m, person))| MemberRow {
            id: m.id,
            serves: councils::serves_in(m.term_start, m.term_end, year),
            label: if names {
                people::display_name(person)
            } else {
                member_label(lang, i + 1)
            },
            href: names.then(|| format!("/people/{}", person.id)),
            role: m.role.clone(),
            term_start: m.term_start,
            term_end: m.term_end,
            school: if names {
                person.school_or_commune.clone().unwrap_or_default()
            } else {
                String::new()
            },
            withdrawn: names && person.pseudonymised_at.is_some(),
        })
        .collect()
}

/// Recommendations of one source, for the page.
pub(crate) async fn rec_rows(
    db: &DatabaseConnection,
    lang: Lang,
    source: RecommendationSource,
    id: i32,
    today: NaiveDate,
) -> AppResult<Vec<RecRow>> {
    let mut out = vec![];
    for r in recommendations::for_source(db, source, id).await? {
        let agency = agencies::by_id(db, r.agency_id)
            .await?
            .map(|a| lang.pick(&a.name_vi, &a.name_en).to_string())
            .unwrap_or_default();
        out.push(RecRow {
            id: r.id,
            overdue: recommendations::is_overdue(&r, today),
            text: r.text,
            topic: r.topic,
            agency,
            deadline: r.deadline,
            status: r.status,
        });
    }
    Ok(out)
}

#[derive(Template)]
#[template(path = "council.html")]
struct CouncilPage {
    c: Chrome,
    k: council::Model,
    district: String,
    year: i32,
    years_worked: Vec<i32>,
    works: bool,
    members: Vec<MemberRow>,
    serving: usize,
    names: bool,
    dialogues: Vec<DialogueRow>,
    can_manage: bool,
    can_record: bool,
    eligible: Vec<(i32, String)>,
    new_person: String,
    roles: Vec<&'static str>,
    agency_options: Vec<agency::Model>,
    which: String,
    errors: Fields,
    summary: Vec<(String, String)>,
    mf: MemberForm,
    df: DialogueForm,
    rf: RecommendationForm,
    rec_for: i32,
    saved: String,
}

impl CouncilPage {
    fn error(&self, field: &str) -> String {
        field_message(&self.c, &self.errors, field)
    }

    fn has_error(&self, form: &str, field: &str) -> bool {
        self.which == form && self.errors.contains_key(field)
    }
}

/// The page's forms and what was typed into the one being sent.
#[derive(Default)]
struct Typed {
    which: String,
    errors: Fields,
    mf: Option<MemberForm>,
    df: Option<DialogueForm>,
    rf: Option<RecommendationForm>,
    rec_for: i32,
    year: String,
    person: String,
    saved: String,
}

async fn council_page(
    state: &AppState,
    p: &Principal,
    ctx: &Ctx,
    k: council::Model,
    u: unit::Model,
    t: Typed,
) -> Result<CouncilPage, PageError> {
    let lang = ctx.lang;
    let db = &state.db.conn;
    let today = state.now().date_naive();
    let names = p.can(Permission::ViewNames);
    let worked: Vec<i32> = councils::years_worked(db, k.id)
        .await
        .page(lang)?
        .into_iter()
        .collect();
    let mut desc = worked.clone();
    desc.reverse();
    let year = year_of(&t.year, &desc, today);
    let members = councils::members(db, k.id).await.page(lang)?;
    let serving = members
        .iter()
        .filter(|(m, _)| councils::serves_in(m.term_start, m.term_end, year))
        .count();
    let mut dialogues = vec![];
    for d in councils::dialogues(db, k.id).await.page(lang)? {
        let recs = rec_rows(db, lang, RecommendationSource::CouncilDialogue, d.id, today)
            .await
            .page(lang)?;
        dialogues.push(DialogueRow { d, recs });
    }
    let can_manage = p.can(Permission::ManageModels);
    let eligible = if can_manage && names {
        let open: BTreeSet<i32> = members
            .iter()
            .filter(|(m, _)| m.term_end.is_none())
            .map(|(m, _)| m.person_id)
            .collect();
        people::eligible(db, &p.scope(), &u.path)
            .await
            .page(lang)?
            .into_iter()
            .filter(|(person, _)| !open.contains(&person.id))
            .map(|(person, pu)| {
                let label = match &person.school_or_commune {
                    Some(s) => format!("{} — {s}", person.full_name),
                    None => format!(
                        "{} — {}",
                        person.full_name,
                        lang.pick(&pu.name_vi, &pu.name_en)
                    ),
                };
                (person.id, label)
            })
            .collect()
    } else {
        vec![]
    };
    let mut mf = t.mf.unwrap_or_default();
    if mf.person.is_empty() {
        mf.person = t.person.clone();
    }
    if mf.role.is_empty() {
        mf.role = CouncilRole::Member.as_str().into();
    }
    let agency_options = if can_manage {
        agencies::list(db, &p.scope())
            .await
            .page(lang)?
            .into_iter()
            .map(|(a, _)| a)
            .collect()
    } else {
        vec![]
    };
    let order: &[&str] = match t.which.as_str() {
        "member" => &["person", "role", "term_start", "term_end"],
        "dialogue" => &["held_on", "attendees", "issues", "children_present"],
        "end" => &["term_end"],
        _ => &["text", "topic", "agency", "deadline"],
    };
    let prefix = match t.which.as_str() {
        "member" | "end" => "council-field-",
        "dialogue" => "council-dialogue-field-",
        _ => "models-rec-field-",
    };
    Ok(CouncilPage {
        c: Chrome::new(ctx, "council-title"),
        district: lang.pick(&u.name_vi, &u.name_en).to_string(),
        works: worked.contains(&year),
        years_worked: worked,
        year,
        members: member_rows(lang, names, year, &members),
        serving,
        names,
        dialogues,
        can_manage,
        can_record: p.can(Permission::RecordActivities),
        eligible,
        new_person: new_person_href(
            &u.code,
            &Lang::Vi.t_args("models-purpose-member", &[("name", k.name.clone())]),
            &format!("/councils/{}#add-member", k.id),
        ),
        roles: CouncilRole::ALL.iter().map(|r| r.as_str()).collect(),
        agency_options,
        summary: error_summary(lang, &t.errors, order, prefix),
        which: t.which,
        errors: t.errors,
        mf,
        df: t.df.unwrap_or_else(|| DialogueForm {
            held_on: lang.date(today),
            ..Default::default()
        }),
        rf: t.rf.unwrap_or_default(),
        rec_for: t.rec_for,
        saved: t.saved,
        k,
    })
}

async fn load(
    state: &AppState,
    p: &Principal,
    id: i32,
    lang: Lang,
) -> Result<(council::Model, unit::Model), PageError> {
    councils::get_in_scope(&state.db.conn, &p.scope(), id)
        .await
        .page(lang)
}

pub async fn show(
    State(state): State<AppState>,
    PageUser(p, ctx): PageUser,
    Path(id): Path<i32>,
    Query(q): Query<YearQuery>,
) -> PageResult {
    require(&p, Permission::ViewModels, ctx.lang)?;
    let (k, u) = load(&state, &p, id, ctx.lang).await?;
    let t = Typed {
        year: q.year,
        person: q.person,
        saved: q.saved,
        ..Default::default()
    };
    Ok(render(&council_page(&state, &p, &ctx, k, u, t).await?))
}

async fn refused(
    state: &AppState,
    p: &Principal,
    ctx: &Ctx,
    k: council::Model,
    u: unit::Model,
    t: Typed,
) -> PageResult {
    let mut res = render(&council_page(state, p, ctx, k, u, t).await?);
    *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    Ok(res)
}

pub async fn add_member(
    State(state): State<AppState>,
    PageUser(p, ctx): PageUser,
    Path(id): Path<i32>,
    CsrfForm(f): CsrfForm<MemberForm>,
) -> PageResult {
    let lang = ctx.lang;
    require(&p, Permission::ManageModels, lang)?;
    require(&p, Permission::ViewNames, lang)?;
    let (k, u) = load(&state, &p, id, lang).await?;
    let db = &state.db.conn;
    let fields = match check_member(db, &p, &k, &u, &f).await {
        Ok(n) => match councils::add_member(db, &Actor::from(&p), state.now(), k.id, n).await {
            Ok(_) => {
                return Ok(
                    Redirect::to(&format!("/councils/{id}?saved=member#members")).into_response(),
                );
            }
            Err(StoreError::Conflict { field }) => {
                let mut e = Fields::new();
                let code = if field == "consent" {
                    "no_consent"
                } else {
                    "already_member"
                };
                e.insert("person".into(), code.into());
                e
            }
            Err(e) => return Err(PageError(e.into(), lang)),
        },
        Err(AppError::Invalid { fields, .. }) => fields,
        Err(e) => return Err(PageError(e, lang)),
    };
    let t = Typed {
        which: "member".into(),
        errors: fields,
        mf: Some(f),
        ..Default::default()
    };
    refused(&state, &p, &ctx, k, u, t).await
}

pub async fn end_member(
    State(state): State<AppState>,
    PageUser(p, ctx): PageUser,
    Path((id, mid)): Path<(i32, i32)>,
    CsrfForm(f): CsrfForm<EndForm>,
) -> PageResult {
    let lang = ctx.lang;
    require(&p, Permission::ManageModels, lang)?;
    let (k, u) = load(&state, &p, id, lang).await?;
    let db = &state.db.conn;
    let m = councils::member(db, k.id, mid).await.page(lang)?;
    match check_end(&m, &f, state.now().date_naive()) {
        Ok(on) => {
            councils::end_member(db, &Actor::from(&p), state.now(), k.id, mid, on)
                .await
                .page(lang)?;
            Ok(Redirect::to(&format!("/councils/{id}?saved=member#members")).into_response())
        }
        Err(AppError::Invalid { fields, .. }) => {
            let t = Typed {
                which: "end".into(),
                errors: fields,
                ..Default::default()
            };
            refused(&state, &p, &ctx, k, u, t).await
        }
        Err(e) => Err(PageError(e, lang)),
    }
}

pub async fn add_dialogue(
    State(state): State<AppState>,
    PageUser(p, ctx): PageUser,
    Path(id): Path<i32>,
    CsrfForm(f): CsrfForm<DialogueForm>,
) -> PageResult {
    let lang = ctx.lang;
    require(&p, Permission::RecordActivities, lang)?;
    let (k, u) = load(&state, &p, id, lang).await?;
    let db = &state.db.conn;
    match check_dialogue(&k, &f, state.now().date_naive()) {
        Ok(n) => {
            let d = councils::add_dialogue(db, &Actor::from(&p), state.now(), k.id, n)
                .await
                .page(lang)?;
            Ok(Redirect::to(&format!(
                "/councils/{id}?year={}&saved=dialogue#dialogue-{}",
                d.year, d.id
            ))
            .into_response())
        }
        Err(AppError::Invalid { fields, .. }) => {
            let t = Typed {
                which: "dialogue".into(),
                errors: fields,
                df: Some(f),
                ..Default::default()
            };
            refused(&state, &p, &ctx, k, u, t).await
        }
        Err(e) => Err(PageError(e, lang)),
    }
}

pub async fn add_recommendation(
    State(state): State<AppState>,
    PageUser(p, ctx): PageUser,
    Path((id, did)): Path<(i32, i32)>,
    CsrfForm(f): CsrfForm<RecommendationForm>,
) -> PageResult {
    let lang = ctx.lang;
    require(&p, Permission::ManageModels, lang)?;
    let (k, u) = load(&state, &p, id, lang).await?;
    let db = &state.db.conn;
    let d = councils::dialogue(db, k.id, did).await.page(lang)?;
    match super::recommendations::check_new(db, &p, &dialogue_source(&k, &d), &f).await {
        Ok(n) => {
            recommendations::create(db, &Actor::from(&p), state.now(), n)
                .await
                .page(lang)?;
            Ok(Redirect::to(&format!(
                "/councils/{id}?year={}&saved=recommendation#dialogue-{did}",
                d.year
            ))
            .into_response())
        }
        Err(AppError::Invalid { fields, .. }) => {
            let t = Typed {
                which: "rec".into(),
                errors: fields,
                rf: Some(f),
                rec_for: did,
                year: d.year.to_string(),
                ..Default::default()
            };
            refused(&state, &p, &ctx, k, u, t).await
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
        include_str!("../../static/councils.css"),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("date")
    }

    fn council() -> council::Model {
        council::Model {
            id: 1,
            unit_id: 1,
            name: "Hội đồng trẻ em huyện Tam Đường".into(),
            established_on: d(2016, 6, 1),
            ended_on: None,
            created_by: None,
            created_at: chrono::DateTime::from_timestamp(0, 0).unwrap_or_default(),
        }
    }

    #[test]
    fn a_dialogue_needs_its_facts_and_a_child() {
        let today = d(2019, 12, 1);
        let e = match check_dialogue(&council(), &DialogueForm::default(), today) {
            Err(AppError::Invalid { fields, .. }) => fields,
            other => panic!("{other:?}"),
        };
        for f in ["held_on", "attendees", "issues", "children_present"] {
            assert_eq!(e[f], "required", "{f}");
        }
        let f = DialogueForm {
            held_on: "01/01/2015".into(),
            attendees: "Ông Lò Văn Hưng, Phó Chủ tịch HĐND huyện".into(),
            issues: "Đường đến trường".into(),
            children_present: "0".into(),
        };
        let e = match check_dialogue(&council(), &f, today) {
            Err(AppError::Invalid { fields, .. }) => fields,
            other => panic!("{other:?}"),
        };
        assert_eq!(e["held_on"], "before_established");
        assert_eq!(e["children_present"], "total_zero");
        let ok = DialogueForm {
            held_on: "15/05/2019".into(),
            children_present: "12".into(),
            ..f
        };
        let n = check_dialogue(&council(), &ok, today).expect("valid");
        assert_eq!(n.children_present, 12);
    }

    #[test]
    fn the_default_year_is_the_latest_with_records() {
        let today = d(2026, 3, 1);
        assert_eq!(default_year(&[2020, 2019, 2017], today), 2020);
        assert_eq!(default_year(&[2026, 2020], today), 2026);
        assert_eq!(default_year(&[], today), 2026);
        assert_eq!(year_of("2018", &[2020], today), 2018);
        assert_eq!(year_of("abc", &[2020], today), 2020);
        assert_eq!(
            year_options(&[2020, 2019], today, 2018),
            vec![2026, 2020, 2019, 2018]
        );
    }
}
