//! Children's participation-rights clubs (CLB quyền tham gia của trẻ em): the
//! list with whether each club was active in a year (held an activity), the
//! form to set one up at a school or in a community, and its page — members
//! and child leaders, activities with girls and boys taking part, and the
//! recommendations the club raised.
//!
//! Members' names are shown only to roles with `ViewNames`; everyone else
//! reads "Thành viên #n". A facilitator at the host school records the club's
//! activities.
//!
//! The checks here are shared with the JSON API (`api/clubs.rs`).

use super::councils::{RecRow, lower_first, rec_rows, units_holding, year_of, year_options};
use super::matters::Fields;
use super::people::{
    self as people_pages, MemberRow, RosterView, checked, error_summary, field_message,
    new_person_href,
};
use super::{Chrome, PageErr, PageError, PageResult, render, require};
use crate::auth::{CsrfForm, Ctx, PageUser};
use crate::i18n::Lang;
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use chrono::{Datelike, NaiveDate};
use std::collections::BTreeSet;
use thamgia_actions::membership::{self, EndInput, MemberInput, Model};
use thamgia_actions::recommendations::RecommendationInput;
use thamgia_actions::{Act, ActionError};
use thamgia_domain::access::{Permission, Principal};
use thamgia_domain::models::{ClubSetting, RecommendationSource};
use thamgia_store::clubs;
use thamgia_store::entity::{agency, club, club_activity, club_member, person, unit};
use thamgia_store::{agencies, units};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/clubs", get(list))
        .route("/clubs/new", get(new_form).post(create))
        .route("/clubs/{id}", get(show))
        .route("/clubs/{id}/members", post(add_member))
        .route("/clubs/{id}/members/{mid}/leave", post(end_member))
        .route("/clubs/{id}/activities", post(add_activity))
        .route("/clubs/{id}/recommendations", post(add_recommendation))
}

/// The fields of an activity, as the form sends them: the action's input.
pub use thamgia_actions::clubs::ActivityInput as ActivityForm;
/// The fields of a new club, as the form sends them: the action's input.
pub use thamgia_actions::clubs::ClubInput as ClubForm;

#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(default)]
pub struct MemberForm {
    /// Id of a child in scope with a consent that stands.
    pub person: String,
    /// A checkbox: `yes` for a child leader.
    pub is_leader: String,
    pub joined_on: String,
}

impl MemberForm {
    fn input(&self) -> MemberInput {
        MemberInput {
            person: self.person.clone(),
            is_leader: checked(&self.is_leader),
            start: self.joined_on.clone(),
            ..Default::default()
        }
    }
}

#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(default)]
pub struct LeaveForm {
    /// The day the child left; empty for today.
    pub left_on: String,
}

/// A recommendation raised by a club on a day.
#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(default)]
pub struct ClubRecForm {
    /// The day the children raised it (the year it counts in); empty for today.
    pub raised_on: String,
    pub text: String,
    pub topic: String,
    pub agency: String,
    pub deadline: String,
}

impl ClubRecForm {
    pub(crate) fn recommendation(&self) -> RecommendationInput {
        RecommendationInput {
            text: self.text.clone(),
            topic: self.topic.clone(),
            agency: self.agency.clone(),
            deadline: self.deadline.clone(),
        }
    }
}

// ---------------------------------------------------------------- list

pub struct ClubListRow {
    pub id: i32,
    pub name: String,
    pub district: String,
    pub setting: String,
    pub host: String,
    pub founded_on: NaiveDate,
    pub members: u64,
    pub leaders: u64,
    pub activities: u64,
    pub girls: i64,
    pub boys: i64,
    pub active: bool,
}

#[derive(Template)]
#[template(path = "club_list.html")]
struct ClubsPage {
    c: Chrome,
    year: i32,
    years: Vec<i32>,
    rows: Vec<ClubListRow>,
    active: usize,
    districts_active: usize,
    districts: usize,
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
    let years = clubs::years(db, &scope).await.page(lang)?;
    let year = year_of(&q.year, &years, today);
    let list = clubs::list(db, &scope, year).await.page(lang)?;
    let district_ids: BTreeSet<i32> = units::list(db, &scope)
        .await
        .page(lang)?
        .into_iter()
        .filter(|u| thamgia_domain::units::reports_to_province(&u.path))
        .map(|u| u.id)
        .collect();
    let districts_active: BTreeSet<i32> = list
        .iter()
        .filter(|r| r.active() && district_ids.contains(&r.unit.id))
        .map(|r| r.unit.id)
        .collect();
    let rows: Vec<ClubListRow> = list
        .into_iter()
        .map(|r| ClubListRow {
            active: r.active(),
            id: r.club.id,
            name: r.club.name,
            district: lang.pick(&r.unit.name_vi, &r.unit.name_en).to_string(),
            setting: r.club.setting.as_str().into(),
            host: r
                .host
                .map(|h| lang.pick(&h.name_vi, &h.name_en).to_string())
                .unwrap_or_default(),
            founded_on: r.club.founded_on,
            members: r.members,
            leaders: r.leaders,
            activities: r.activities,
            girls: r.girls,
            boys: r.boys,
        })
        .collect();
    Ok(render(&ClubsPage {
        c: Chrome::new(&ctx, "club-list-title"),
        active: rows.iter().filter(|r| r.active).count(),
        districts_active: districts_active.len(),
        districts: district_ids.len(),
        years: year_options(&years, today, year),
        year,
        rows,
        can_create: p.can(Permission::ManageModels),
    }))
}

// ---------------------------------------------------------------- new

#[derive(Template)]
#[template(path = "club_form.html")]
struct ClubFormPage {
    c: Chrome,
    f: ClubForm,
    errors: Fields,
    summary: Vec<(String, String)>,
    districts: Vec<unit::Model>,
    hosts: Vec<unit::Model>,
    settings: Vec<&'static str>,
}

impl ClubFormPage {
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
    f: ClubForm,
    errors: Fields,
) -> Result<ClubFormPage, PageError> {
    let db = &state.db.conn;
    let districts = units::list(db, &p.scope())
        .await
        .page(ctx.lang)?
        .into_iter()
        .filter(|u| thamgia_domain::units::reports_to_province(&u.path))
        .collect();
    // Hosts: the units below those whose level may have clubs this year.
    let year = state.now().year();
    let hosts: Vec<unit::Model> = units_holding(db, p, "club", year)
        .await
        .page(ctx.lang)?
        .into_iter()
        .filter(|u| thamgia_domain::units::depth(&u.path) > 2)
        .collect();
    Ok(ClubFormPage {
        c: Chrome::new(ctx, "club-new-title"),
        summary: error_summary(
            ctx.lang,
            &errors,
            &["unit", "setting", "host", "name", "founded_on"],
            "club-field-",
        ),
        districts,
        hosts,
        settings: ClubSetting::ALL.iter().map(|s| s.as_str()).collect(),
        f,
        errors,
    })
}

pub async fn new_form(State(state): State<AppState>, PageUser(p, ctx): PageUser) -> PageResult {
    require(&p, Permission::ManageModels, ctx.lang)?;
    let f = ClubForm {
        setting: ClubSetting::School.as_str().into(),
        ..Default::default()
    };
    let mut page = form_page(&state, &p, &ctx, f, Fields::new()).await?;
    if let [only] = page.districts.as_slice() {
        page.f.unit = only.code.clone();
        page.f.name = Lang::Vi.t_args("club-default-name", &[("unit", lower_first(&only.name_vi))]);
    }
    Ok(render(&page))
}

pub async fn create(
    State(state): State<AppState>,
    PageUser(p, ctx): PageUser,
    CsrfForm(f): CsrfForm<ClubForm>,
) -> PageResult {
    let act = Act::new(&state.db.conn, &p, state.now());
    match thamgia_actions::clubs::create(act, &f).await {
        Ok(k) => Ok(Redirect::to(&format!("/clubs/{}", k.id)).into_response()),
        Err(ActionError::Invalid { fields, .. }) => {
            let mut res = render(&form_page(&state, &p, &ctx, f, fields).await?);
            *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(res)
        }
        Err(e) => Err(PageError(e.into(), ctx.lang)),
    }
}

// ---------------------------------------------------------------- one club

/// The members of a club as a given user may see them (n: the place in the
/// list); the first table holds those who have not left.
fn member_rows(
    lang: Lang,
    names: bool,
    members: &[(club_member::Model, person::Model)],
) -> Vec<MemberRow> {
    members
        .iter()
        .enumerate()
        .map(|(i, (m, person))| MemberRow {
            id: m.id,
            listed: m.left_on.is_none(),
            role: if m.is_leader {
                format!("★ {}", lang.t("club-leader"))
            } else {
                lang.t("club-member")
            },
            start: m.joined_on,
            end: m.left_on,
            ..MemberRow::of(lang, names, i + 1, person)
        })
        .collect()
}

#[derive(Template)]
#[template(path = "club.html")]
struct ClubPage {
    c: Chrome,
    k: club::Model,
    district: String,
    host: String,
    year: i32,
    years_active: Vec<i32>,
    active: bool,
    members: Vec<MemberRow>,
    roster: RosterView,
    current: usize,
    leaders: usize,
    names: bool,
    activities: Vec<club_activity::Model>,
    year_girls: i64,
    year_boys: i64,
    year_count: usize,
    recs: Vec<RecRow>,
    can_manage: bool,
    can_record: bool,
    eligible: Vec<(i32, String)>,
    new_person: String,
    agency_options: Vec<agency::Model>,
    which: String,
    errors: Fields,
    summary: Vec<(String, String)>,
    mf: MemberForm,
    af: ActivityForm,
    rf: ClubRecForm,
    saved: String,
}

impl ClubPage {
    fn error(&self, field: &str) -> String {
        field_message(&self.c, &self.errors, field)
    }

    fn has_error(&self, form: &str, field: &str) -> bool {
        self.which == form && self.errors.contains_key(field)
    }

    fn is_checked(&self, v: &str) -> bool {
        checked(v)
    }
}

#[derive(Default)]
struct Typed {
    which: String,
    errors: Fields,
    mf: Option<MemberForm>,
    af: Option<ActivityForm>,
    rf: Option<ClubRecForm>,
    year: String,
    person: String,
    saved: String,
}

async fn club_page(
    state: &AppState,
    p: &Principal,
    ctx: &Ctx,
    k: club::Model,
    u: unit::Model,
    host: Option<unit::Model>,
    t: Typed,
) -> Result<ClubPage, PageError> {
    let lang = ctx.lang;
    let db = &state.db.conn;
    let today = state.now().date_naive();
    let names = p.can(Permission::ViewNames);
    let active_years: Vec<i32> = clubs::years_active(db, k.id)
        .await
        .page(lang)?
        .into_iter()
        .collect();
    let mut desc = active_years.clone();
    desc.reverse();
    let year = year_of(&t.year, &desc, today);
    let members = clubs::members(db, k.id).await.page(lang)?;
    let activities = clubs::activities(db, k.id).await.page(lang)?;
    let in_year: Vec<&club_activity::Model> =
        activities.iter().filter(|a| a.year == year).collect();
    let can_manage = p.can(Permission::ManageModels);
    let current = members.iter().filter(|(m, _)| m.left_on.is_none()).count();
    // Children of the host unit first place: a school club takes its pupils.
    let member_unit = host.as_ref().unwrap_or(&u);
    let eligible = if can_manage && names {
        let open: BTreeSet<i32> = members
            .iter()
            .filter(|(m, _)| m.left_on.is_none())
            .map(|(m, _)| m.person_id)
            .collect();
        people_pages::eligible(db, p, lang, &u.path, &open)
            .await
            .page(lang)?
    } else {
        vec![]
    };
    let mut mf = t.mf.unwrap_or_default();
    if mf.person.is_empty() {
        mf.person = t.person.clone();
    }
    if mf.joined_on.is_empty() {
        mf.joined_on = lang.date(today);
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
    let (order, prefix): (&[&str], &str) = match t.which.as_str() {
        "member" => (&["person", "is_leader", "joined_on"], "club-field-"),
        "leave" => (&["left_on"], "club-field-"),
        "activity" => (
            &["held_on", "topic", "girls", "boys"],
            "club-activity-field-",
        ),
        _ => (
            &["raised_on", "text", "topic", "agency", "deadline"],
            "models-rec-field-",
        ),
    };
    Ok(ClubPage {
        c: Chrome::new(ctx, "club-title"),
        district: lang.pick(&u.name_vi, &u.name_en).to_string(),
        host: host
            .as_ref()
            .map(|h| lang.pick(&h.name_vi, &h.name_en).to_string())
            .unwrap_or_default(),
        active: active_years.contains(&year),
        years_active: active_years,
        year,
        roster: RosterView {
            path: format!("/clubs/{}", k.id),
            end_action: "leave",
            end_field: "left_on",
            role_key: "club-leader",
            start_key: "club-field-joined-on",
            end_key: "club-field-left-on",
            end_button_key: "club-leave",
            empty_key: "club-no-members",
            others_key: "club-former-members",
            add_key: "club-add-member",
            person_key: "club-field-person",
            listed_label: lang.t("club-members-now"),
            listed: current,
        },
        current,
        leaders: members
            .iter()
            .filter(|(m, _)| m.left_on.is_none() && m.is_leader)
            .count(),
        members: member_rows(lang, names, &members),
        names,
        year_girls: in_year.iter().map(|a| i64::from(a.girls)).sum(),
        year_boys: in_year.iter().map(|a| i64::from(a.boys)).sum(),
        year_count: in_year.len(),
        activities,
        recs: rec_rows(db, lang, RecommendationSource::Club, k.id, today)
            .await
            .page(lang)?,
        can_manage,
        can_record: p.can(Permission::RecordActivities),
        eligible,
        new_person: new_person_href(
            &member_unit.code,
            &Lang::Vi.t_args("models-purpose-member", &[("name", k.name.clone())]),
            &format!("/clubs/{}#add-member", k.id),
        ),
        agency_options,
        summary: error_summary(lang, &t.errors, order, prefix),
        which: t.which,
        errors: t.errors,
        mf,
        af: t.af.unwrap_or_else(|| ActivityForm {
            held_on: lang.date(today),
            ..Default::default()
        }),
        rf: t.rf.unwrap_or_else(|| ClubRecForm {
            raised_on: lang.date(today),
            ..Default::default()
        }),
        saved: t.saved,
        k,
    })
}

async fn load(
    state: &AppState,
    p: &Principal,
    id: i32,
    lang: Lang,
) -> Result<(club::Model, unit::Model, Option<unit::Model>), PageError> {
    clubs::get_in_scope(&state.db.conn, &p.scope(), id)
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
    let (k, u, host) = load(&state, &p, id, ctx.lang).await?;
    let t = Typed {
        year: q.year,
        person: q.person,
        saved: q.saved,
        ..Default::default()
    };
    Ok(render(&club_page(&state, &p, &ctx, k, u, host, t).await?))
}

/// The club's page again, with the refused form's errors (422).
async fn refused(state: &AppState, p: &Principal, ctx: &Ctx, id: i32, t: Typed) -> PageResult {
    let (k, u, host) = load(state, p, id, ctx.lang).await?;
    let mut res = render(&club_page(state, p, ctx, k, u, host, t).await?);
    *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    Ok(res)
}

pub async fn add_member(
    State(state): State<AppState>,
    PageUser(p, ctx): PageUser,
    Path(id): Path<i32>,
    CsrfForm(f): CsrfForm<MemberForm>,
) -> PageResult {
    let act = Act::new(&state.db.conn, &p, state.now());
    match membership::add(act, Model::Club, id, &f.input()).await {
        Ok(_) => Ok(Redirect::to(&format!("/clubs/{id}?saved=member#members")).into_response()),
        Err(ActionError::Invalid { fields, .. }) => {
            let t = Typed {
                which: "member".into(),
                errors: fields,
                mf: Some(f),
                ..Default::default()
            };
            refused(&state, &p, &ctx, id, t).await
        }
        Err(e) => Err(PageError(e.into(), ctx.lang)),
    }
}

pub async fn end_member(
    State(state): State<AppState>,
    PageUser(p, ctx): PageUser,
    Path((id, mid)): Path<(i32, i32)>,
    CsrfForm(f): CsrfForm<LeaveForm>,
) -> PageResult {
    let act = Act::new(&state.db.conn, &p, state.now());
    let end = EndInput { end: f.left_on };
    match membership::end(act, Model::Club, id, mid, &end).await {
        Ok(_) => Ok(Redirect::to(&format!("/clubs/{id}?saved=member#members")).into_response()),
        Err(ActionError::Invalid { fields, .. }) => {
            let t = Typed {
                which: "leave".into(),
                errors: fields,
                ..Default::default()
            };
            refused(&state, &p, &ctx, id, t).await
        }
        Err(e) => Err(PageError(e.into(), ctx.lang)),
    }
}

pub async fn add_activity(
    State(state): State<AppState>,
    PageUser(p, ctx): PageUser,
    Path(id): Path<i32>,
    CsrfForm(f): CsrfForm<ActivityForm>,
) -> PageResult {
    let act = Act::new(&state.db.conn, &p, state.now());
    match thamgia_actions::clubs::add_activity(act, id, &f).await {
        Ok(a) => Ok(Redirect::to(&format!(
            "/clubs/{id}?year={}&saved=activity#activities",
            a.year
        ))
        .into_response()),
        Err(ActionError::Invalid { fields, .. }) => {
            let t = Typed {
                which: "activity".into(),
                errors: fields,
                af: Some(f),
                ..Default::default()
            };
            refused(&state, &p, &ctx, id, t).await
        }
        Err(e) => Err(PageError(e.into(), ctx.lang)),
    }
}

pub async fn add_recommendation(
    State(state): State<AppState>,
    PageUser(p, ctx): PageUser,
    Path(id): Path<i32>,
    CsrfForm(f): CsrfForm<ClubRecForm>,
) -> PageResult {
    let lang = ctx.lang;
    require(&p, Permission::ManageModels, lang)?;
    let act = Act::new(&state.db.conn, &p, state.now());
    let errors = match thamgia_actions::clubs::add_recommendation(
        act,
        id,
        &f.raised_on,
        &f.recommendation(),
    )
    .await
    {
        Ok(_) => {
            return Ok(
                Redirect::to(&format!("/clubs/{id}?saved=recommendation#recs")).into_response(),
            );
        }
        Err(ActionError::Invalid { fields, .. }) => fields,
        Err(e) => return Err(PageError(e.into(), lang)),
    };
    let t = Typed {
        which: "rec".into(),
        errors,
        rf: Some(f),
        ..Default::default()
    };
    refused(&state, &p, &ctx, id, t).await
}
