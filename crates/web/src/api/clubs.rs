//! Children's participation-rights clubs: members and child leaders,
//! activities with girls and boys taking part, and the club's recommendations.
//! Members carry a name only for callers allowed to see names (`ViewNames`).
//! The same checks as the pages (`pages/clubs.rs`).

use super::Path;
use super::Query;
use super::paging::{Listing, Page};
use super::require;
use super::roster::{
    RecommendationBrief, RecommendationCreate, YearParams, brief, briefs, numbered, roster_member,
    roster_operations,
};
use super::shapes::{detailed_dto, input_body};
use super::{Api, JsonBody, RecordWrite};
use super::{Created, created};
use crate::error::{AppResult, ErrorBody};
use crate::state::AppState;
use axum::Json;
use axum::http::StatusCode;
use chrono::NaiveDate;
use serde::Deserialize;
use thamgia_actions::Act;
use thamgia_actions::clubs::{self as actions, ActivityInput, ClubInput};
use thamgia_actions::membership::{MemberInput, Model};
use thamgia_actions::models::year_of;
use thamgia_domain::access::{Permission, Principal};
use thamgia_domain::models::RecommendationSource;
use thamgia_store::clubs;
use thamgia_store::entity::{club_activity, club_member, person};

roster_member!(ClubMemberDto,
    number: "The member's place in the club's list (1, 2, …).",
    person_id: "`ViewNames` only.",
    {
        /// A child leader of the club.
        is_leader: bool,
        joined_on: NaiveDate,
        left_on: Option<NaiveDate>,
    }
);

fn member_dto(n: usize, m: &club_member::Model, p: &person::Model, names: bool) -> ClubMemberDto {
    ClubMemberDto::of(m.id, n, p, names, m.is_leader, m.joined_on, m.left_on)
}

/// Member `mid` of club `id`, numbered as in its list.
async fn member(state: &AppState, id: i32, mid: i32, names: bool) -> AppResult<ClubMemberDto> {
    let members = clubs::members(&state.db.conn, id).await?;
    let (n, m, child) = numbered(&members, mid, |m| m.id)?;
    Ok(member_dto(n, m, child, names))
}

#[derive(serde::Serialize, utoipa::ToSchema)]
#[schema(as = ClubActivityDto)]
pub struct ActivityDto {
    pub id: i32,
    pub held_on: NaiveDate,
    pub year: i32,
    pub topic: String,
    pub girls: i32,
    pub boys: i32,
}

impl From<&club_activity::Model> for ActivityDto {
    fn from(a: &club_activity::Model) -> Self {
        ActivityDto {
            id: a.id,
            held_on: a.held_on,
            year: a.year,
            topic: a.topic.clone(),
            girls: a.girls,
            boys: a.boys,
        }
    }
}

detailed_dto! {
    ClubDto {
        id: i32,
        /// Code of the district the club counts for.
        unit: String,
        /// school | community
        setting: String,
        /// Code of the school, commune or village hosting it.
        host: Option<String>,
        name: String,
        founded_on: NaiveDate,
        /// The year the figures below are for.
        year: i32,
        /// Members who have not left.
        members: u64,
        leaders: u64,
        activities_in_year: u64,
        girls_in_year: i64,
        boys_in_year: i64,
        /// The club was active in the year: it held at least one activity.
        active: bool,
    }
    detail {
        years_active: Vec<i32>,
        member_list: Vec<ClubMemberDto>,
        activities: Vec<ActivityDto>,
        recommendations: Vec<RecommendationBrief>,
    }
}

impl ClubDto {
    /// A row of the list, with the figures of `year`.
    fn listed(r: clubs::ClubRow, year: i32) -> Self {
        ClubDto {
            active: r.active(),
            id: r.club.id,
            unit: r.unit.code,
            setting: r.club.setting.as_str().into(),
            host: r.host.map(|h| h.code),
            name: r.club.name,
            founded_on: r.club.founded_on,
            year,
            members: r.members,
            leaders: r.leaders,
            activities_in_year: r.activities,
            girls_in_year: r.girls,
            boys_in_year: r.boys,
            years_active: None,
            member_list: None,
            activities: None,
            recommendations: None,
        }
    }
}

roster_operations! {
    store: clubs, dto: ClubDto, id: "Club id",
    list: "/api/v1/clubs" [" Clubs visible to the caller (by district or by host school) with the year's figures."],
    show: "/api/v1/clubs/{id}" [" One club with members, activities and recommendations."],
    create: "/api/v1/clubs" ClubCreate "`unit` or `host`: level_not_allowed (the plan governing the unit that year lists no club at its level), unknown_unit, not_a_district, host_outside_unit; `setting`, `name`, `founded_on`" [" Sets up a club at a school or in a community. The unit it sits at (the", " host, else the unit it counts for) must be of a level the plan governing it", " in the founding year lists in `[levels] clubs`."],
    add_member: "/api/v1/clubs/{id}/members" ClubMemberCreate ClubMemberDto (Model::Club),
    record: add_activity "/api/v1/clubs/{id}/activities" ActivityCreate ActivityDto
        [" Records an activity (facilitators too, for clubs in their scope)."],
}

async fn one(state: &AppState, p: &Principal, id: i32, year: Option<&str>) -> AppResult<ClubDto> {
    let db = &state.db.conn;
    let (k, u, host) = clubs::get_in_scope(db, &p.scope(), id).await?;
    let today = state.now().date_naive();
    let active: Vec<i32> = clubs::years_active(db, k.id).await?.into_iter().collect();
    let desc: Vec<i32> = active.iter().rev().copied().collect();
    let year = year_of(year.unwrap_or(""), &desc, today);
    let names = p.can(Permission::ViewNames);
    let members = clubs::members(db, k.id).await?;
    let activities = clubs::activities(db, k.id).await?;
    let in_year: Vec<&club_activity::Model> =
        activities.iter().filter(|a| a.year == year).collect();
    let open: Vec<&(club_member::Model, person::Model)> = members
        .iter()
        .filter(|(m, _)| m.left_on.is_none())
        .collect();
    Ok(ClubDto {
        id: k.id,
        unit: u.code,
        setting: k.setting.as_str().into(),
        host: host.map(|h| h.code),
        name: k.name,
        founded_on: k.founded_on,
        year,
        members: open.len() as u64,
        leaders: open.iter().filter(|(m, _)| m.is_leader).count() as u64,
        activities_in_year: in_year.len() as u64,
        girls_in_year: in_year.iter().map(|a| i64::from(a.girls)).sum(),
        boys_in_year: in_year.iter().map(|a| i64::from(a.boys)).sum(),
        active: clubs::active(in_year.len() as u64),
        years_active: Some(active),
        member_list: Some(
            members
                .iter()
                .enumerate()
                .map(|(i, (m, person))| member_dto(i + 1, m, person, names))
                .collect(),
        ),
        activities: Some(activities.iter().map(ActivityDto::from).collect()),
        recommendations: Some(briefs(db, RecommendationSource::Club, k.id, today).await?),
    })
}

input_body! {
    ClubCreate => ClubInput {
        /// Code of a district in the caller's scope.
        unit: String => unit,
        /// school | community
        setting: String => setting,
        /// Code of a school, commune or village inside that district (optional).
        host: String => host,
        name: String => name,
        /// yyyy-mm-dd, not in the future.
        founded_on: String => founded_on,
    }
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct ClubMemberCreate {
    /// A child in scope, inside the club's district, whose consent stands.
    pub person_id: Option<i32>,
    #[serde(default)]
    pub is_leader: bool,
    /// yyyy-mm-dd, not before the club was founded.
    pub joined_on: Option<String>,
}

impl From<ClubMemberCreate> for MemberInput {
    fn from(b: ClubMemberCreate) -> Self {
        MemberInput {
            person: b.person_id.map(|x| x.to_string()).unwrap_or_default(),
            is_leader: b.is_leader,
            start: b.joined_on.unwrap_or_default(),
            ..Default::default()
        }
    }
}

input_body! {
    ActivityCreate => ActivityInput {
        /// yyyy-mm-dd, not in the future, not before the club was founded.
        held_on: String => held_on,
        topic: String => topic,
        /// Girls taking part.
        girls: i64 => girls,
        /// Boys taking part.
        boys: i64 => boys,
    }
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct ClubRecommendationCreate {
    /// The day the children raised it (the year it counts in); today when absent.
    pub raised_on: Option<String>,
    /// At most 2000 characters, without any child's name.
    pub text: Option<String>,
    /// At most 100 characters.
    pub topic: Option<String>,
    /// Code of the agency addressed (any agency visible to the caller).
    pub agency: Option<String>,
    /// yyyy-mm-dd, not before the day it was raised.
    pub deadline: Option<String>,
}

/// Records a recommendation the club's children raised.
#[utoipa::path(post, path = "/api/v1/clubs/{id}/recommendations", tag = "models",
    request_body = ClubRecommendationCreate,
    params(("id" = i32, Path, description = "Club id")),
    responses((status = 201, body = RecommendationBrief),
              (status = 403, body = ErrorBody)))]
pub async fn add_recommendation(
    RecordWrite { state, p, id, body }: RecordWrite,
) -> AppResult<Created<RecommendationBrief>> {
    let db = &state.db.conn;
    let act = thamgia_actions::Act::new(db, &p, state.now());
    act.require(Permission::ManageModels)?;
    let (k, _, _) = thamgia_actions::clubs::load(act, id).await?;
    let b: ClubRecommendationCreate = super::json(&body)?;
    let input = RecommendationCreate {
        text: b.text,
        topic: b.topic,
        agency: b.agency,
        deadline: b.deadline,
    }
    .form();
    let raised = b.raised_on.as_deref().unwrap_or("");
    let r = thamgia_actions::clubs::add_recommendation(act, k.id, raised, &input).await?;
    Ok(created(
        brief(&state, RecommendationSource::Club, k.id, r.id).await?,
    ))
}
