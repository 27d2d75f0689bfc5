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

use super::councils::{RecRow, lower_first, rec_rows, units_holding};
use super::matters::Fields;
use super::membership::{
    self as membership_pages, Club, ClubMemberForm, Here, Shared, YearQuery, created, listed,
    member_rows, page_year, refused,
};
use super::people::{MemberRow, RosterKeys, RosterView, checked, error_summary, field_message};
use super::{Chrome, PageErr, PageError, PageResult, Visit, answered, render, require};
use crate::auth::{CsrfForm, Ctx};
use crate::i18n::Lang;
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query};
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use chrono::{Datelike, NaiveDate};
use std::collections::BTreeSet;
use thamgia_actions::Act;
use thamgia_actions::recommendations::RecommendationInput;
use thamgia_domain::access::{Permission, Principal};
use thamgia_domain::models::{ClubSetting, RecommendationSource};
use thamgia_store::clubs;
use thamgia_store::entity::{club, club_activity, unit};
use thamgia_store::units;

pub fn routes() -> Router<AppState> {
    membership_pages::routes::<Club>(get(list), get(new_form).post(create))
        .route("/clubs/{id}/recommendations", post(add_recommendation))
}

/// The fields of an activity, as the form sends them: the action's input.
pub use thamgia_actions::clubs::ActivityInput as ActivityForm;
/// The fields of a new club, as the form sends them: the action's input.
pub use thamgia_actions::clubs::ClubInput as ClubForm;

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

impl ClubListRow {
    /// A club of the list, with the year's figures.
    fn of(lang: Lang, r: clubs::ClubRow) -> Self {
        ClubListRow {
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
        }
    }
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

pub async fn list(Visit { state, p, ctx }: Visit, Query(q): Query<YearQuery>) -> PageResult {
    let lang = ctx.lang;
    let (year, years, list) = listed::<Club>((&state, &p, lang), &q).await?;
    let district_ids: BTreeSet<i32> = units::list(&state.db.conn, &p.scope())
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
    let rows: Vec<ClubListRow> = list.into_iter().map(|r| ClubListRow::of(lang, r)).collect();
    Ok(render(&ClubsPage {
        c: Chrome::new(&ctx, "club-list-title"),
        active: rows.iter().filter(|r| r.active).count(),
        districts_active: districts_active.len(),
        districts: district_ids.len(),
        years,
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

form_errors!(ClubFormPage, field_message);

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

pub async fn new_form(Visit { state, p, ctx }: Visit) -> PageResult {
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

pub async fn create(Visit { state, p, ctx }: Visit, CsrfForm(f): CsrfForm<ClubForm>) -> PageResult {
    let act = Act::new(&state.db.conn, &p, state.now());
    let done = thamgia_actions::clubs::create(act, &f).await.map(|k| k.id);
    created::<Club, _>(ctx.lang, done, async |errors| {
        form_page(&state, &p, &ctx, f, errors).await
    })
    .await
}

// ---------------------------------------------------------------- one club

#[derive(Template)]
#[template(path = "club.html")]
pub(crate) struct ClubPage {
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
    activities: Vec<club_activity::Model>,
    year_girls: i64,
    year_boys: i64,
    year_count: usize,
    recs: Vec<RecRow>,
    page: Shared,
    mf: ClubMemberForm,
    af: ActivityForm,
    rf: ClubRecForm,
}

impl ClubPage {
    fn is_checked(&self, v: &str) -> bool {
        checked(v)
    }
}

/// A club's own forms as typed: an activity, a recommendation.
#[derive(Default)]
pub(crate) struct Forms {
    pub(crate) af: Option<ActivityForm>,
    pub(crate) rf: Option<ClubRecForm>,
}

type Typed = membership_pages::Typed<Club>;

/// The page of club `id`, loaded in the user's scope.
pub(super) async fn page(at: Here<'_>, id: i32, mut t: Typed) -> Result<ClubPage, PageError> {
    let (state, p, ctx) = at;
    let db = &state.db.conn;
    let lang = ctx.lang;
    let (k, u, host) = clubs::get_in_scope(db, &p.scope(), id).await.page(lang)?;
    let today = state.now().date_naive();
    let active_years = clubs::years_active(db, k.id).await.page(lang)?;
    let year = page_year(&active_years, &t.year, today);
    let members = clubs::members(db, k.id).await.page(lang)?;
    let activities = clubs::activities(db, k.id).await.page(lang)?;
    let in_year: Vec<&club_activity::Model> =
        activities.iter().filter(|a| a.year == year).collect();
    let current = members.iter().filter(|(m, _)| m.left_on.is_none()).count();
    // Children of the host unit first place: a school club takes its pupils.
    let member_unit = host.as_ref().unwrap_or(&u);
    let open = members.iter().filter(|(m, _)| m.left_on.is_none());
    let open = open.map(|(m, _)| m.person_id);
    let page = Shared::of(at, &mut t, (k.id, &k.name), (&u, member_unit), open).await?;
    let mut mf = t.member_form();
    if mf.joined_on.is_empty() {
        mf.joined_on = lang.date(today);
    }
    Ok(ClubPage {
        c: Chrome::new(ctx, "club-title"),
        district: lang.pick(&u.name_vi, &u.name_en).to_string(),
        host: host
            .as_ref()
            .map(|h| lang.pick(&h.name_vi, &h.name_en).to_string())
            .unwrap_or_default(),
        active: active_years.contains(&year),
        years_active: active_years.into_iter().collect(),
        year,
        roster: RosterView {
            path: format!("/clubs/{}", k.id),
            keys: &RosterKeys::CLUB,
            listed_label: lang.t("club-members-now"),
            listed: current,
        },
        current,
        leaders: members
            .iter()
            .filter(|(m, _)| m.left_on.is_none() && m.is_leader)
            .count(),
        // The first table: those who have not left.
        members: member_rows(lang, page.names, &members, |m, person| MemberRow {
            id: m.id,
            listed: m.left_on.is_none(),
            role: if m.is_leader {
                format!("★ {}", lang.t("club-leader"))
            } else {
                lang.t("club-member")
            },
            start: m.joined_on,
            end: m.left_on,
            ..person
        }),
        year_girls: in_year.iter().map(|a| i64::from(a.girls)).sum(),
        year_boys: in_year.iter().map(|a| i64::from(a.boys)).sum(),
        year_count: in_year.len(),
        activities,
        recs: rec_rows(db, lang, RecommendationSource::Club, k.id, today)
            .await
            .page(lang)?,
        page,
        mf,
        af: t.more.af.unwrap_or_else(|| ActivityForm {
            held_on: lang.date(today),
            ..Default::default()
        }),
        rf: t.more.rf.unwrap_or_else(|| ClubRecForm {
            raised_on: lang.date(today),
            ..Default::default()
        }),
        k,
    })
}

pub async fn add_recommendation(
    Visit { state, p, ctx }: Visit,
    Path(id): Path<i32>,
    CsrfForm(f): CsrfForm<ClubRecForm>,
) -> PageResult {
    let lang = ctx.lang;
    require(&p, Permission::ManageModels, lang)?;
    let act = Act::new(&state.db.conn, &p, state.now());
    let rec = f.recommendation();
    let added = thamgia_actions::clubs::add_recommendation(act, id, &f.raised_on, &rec).await;
    let errors = match answered(added, lang)? {
        Ok(_) => {
            return Ok(
                Redirect::to(&format!("/clubs/{id}?saved=recommendation#recs")).into_response(),
            );
        }
        Err(errors) => errors,
    };
    let more = Forms {
        rf: Some(f),
        ..Forms::default()
    };
    refused(&state, &p, &ctx, id, Typed::refused("rec", errors, more)).await
}
