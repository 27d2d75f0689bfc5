//! Children's participation-rights clubs: members and child leaders,
//! activities with girls and boys taking part, and the club's recommendations.
//! Members carry a name only for callers allowed to see names (`ViewNames`).
//! The same checks as the pages (`pages/clubs.rs`).

use super::Path;
use super::Query;
use super::councils::{
    RecommendationBrief, RecommendationCreate, YearParams, briefs, member_label,
};
use super::require;
use crate::auth::ApiUser;
use crate::error::{AppError, AppResult, ErrorBody};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::NaiveDate;
use serde::Deserialize;
use thamgia_actions::Act;
use thamgia_actions::clubs::{self as actions, ActivityInput, ClubInput};
use thamgia_actions::membership::{self, MemberInput, Model};
use thamgia_actions::models::year_of;
use thamgia_domain::access::{Permission, Principal};
use thamgia_domain::models::RecommendationSource;
use thamgia_store::entity::{club_activity, club_member, person};
use thamgia_store::{clubs, people};

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ClubMemberDto {
    pub id: i32,
    /// The member's place in the club's list (1, 2, …).
    pub number: usize,
    /// "Thành viên #n" — what callers who may not see names read.
    pub label: String,
    /// `ViewNames` only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub person_id: Option<i32>,
    /// The child's name, or the pseudonym after withdrawal (`ViewNames` only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `ViewNames` only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub school_or_commune: Option<String>,
    /// A child leader of the club.
    pub is_leader: bool,
    pub joined_on: NaiveDate,
    pub left_on: Option<NaiveDate>,
}

fn member_dto(n: usize, m: &club_member::Model, p: &person::Model, names: bool) -> ClubMemberDto {
    ClubMemberDto {
        id: m.id,
        number: n,
        label: member_label(n),
        person_id: names.then_some(p.id),
        name: names.then(|| people::display_name(p)),
        school_or_commune: if names {
            p.school_or_commune.clone()
        } else {
            None
        },
        is_leader: m.is_leader,
        joined_on: m.joined_on,
        left_on: m.left_on,
    }
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

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ClubDto {
    pub id: i32,
    /// Code of the district the club counts for.
    pub unit: String,
    /// school | community
    pub setting: String,
    /// Code of the school, commune or village hosting it.
    pub host: Option<String>,
    pub name: String,
    pub founded_on: NaiveDate,
    /// The year the figures below are for.
    pub year: i32,
    /// Members who have not left.
    pub members: u64,
    pub leaders: u64,
    pub activities_in_year: u64,
    pub girls_in_year: i64,
    pub boys_in_year: i64,
    /// The club was active in the year: it held at least one activity.
    pub active: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub years_active: Option<Vec<i32>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub member_list: Option<Vec<ClubMemberDto>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub activities: Option<Vec<ActivityDto>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recommendations: Option<Vec<RecommendationBrief>>,
}

/// Clubs visible to the caller (by district or by host school) with the year's figures.
#[utoipa::path(get, path = "/api/v1/clubs", tag = "models", params(crate::api::paging::Paging, YearParams),
    responses((status = 200, body = [ClubDto]), (status = 403, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    ApiUser(p, _): ApiUser,
    Query(q): Query<YearParams>,
    crate::api::Query(paging): crate::api::Query<crate::api::paging::Paging>,
    axum::extract::OriginalUri(uri): axum::extract::OriginalUri,
) -> AppResult<crate::api::paging::Page<ClubDto>> {
    require(&p, Permission::ViewModels)?;
    let db = &state.db.conn;
    let scope = p.scope();
    let today = state.now().date_naive();
    let years = clubs::years(db, &scope).await?;
    let year = year_of(q.year.as_deref().unwrap_or(""), &years, today);
    let rows = clubs::list(db, &scope, year).await?;
    paging.page(
        rows.into_iter()
            .map(|r| ClubDto {
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
            })
            .collect(),
        &uri,
    )
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

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct ClubCreate {
    /// Code of a district in the caller's scope.
    pub unit: Option<String>,
    /// school | community
    pub setting: Option<String>,
    /// Code of a school, commune or village inside that district (optional).
    pub host: Option<String>,
    pub name: Option<String>,
    /// yyyy-mm-dd, not in the future.
    pub founded_on: Option<String>,
}

/// Sets up a club at a school or in a community. The unit it sits at (the
/// host, else the unit it counts for) must be of a level the plan governing it
/// in the founding year lists in `[levels] clubs`.
#[utoipa::path(post, path = "/api/v1/clubs", tag = "models", request_body = ClubCreate,
    responses((status = 201, body = ClubDto),
              (status = 422, description = "`unit` or `host`: level_not_allowed (the plan governing the unit that year lists no club at its level), unknown_unit, not_a_district, host_outside_unit; `setting`, `name`, `founded_on`", body = ErrorBody),
              (status = 403, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    ApiUser(p, _): ApiUser,
    body: super::JsonBody,
) -> AppResult<(StatusCode, Json<ClubDto>)> {
    let act = Act::new(&state.db.conn, &p, state.now());
    act.require(Permission::ManageModels)?;
    let b: ClubCreate = super::json(&body)?;
    let f = ClubInput {
        unit: b.unit.unwrap_or_default(),
        setting: b.setting.unwrap_or_default(),
        host: b.host.unwrap_or_default(),
        name: b.name.unwrap_or_default(),
        founded_on: b.founded_on.unwrap_or_default(),
    };
    let k = actions::create(act, &f).await?;
    Ok((
        StatusCode::CREATED,
        Json(one(&state, &p, k.id, None).await?),
    ))
}

/// One club with members, activities and recommendations.
#[utoipa::path(get, path = "/api/v1/clubs/{id}", tag = "models",
    params(("id" = i32, Path, description = "Club id"), YearParams),
    responses((status = 200, body = ClubDto), (status = 404, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn show(
    State(state): State<AppState>,
    ApiUser(p, _): ApiUser,
    Path(id): Path<i32>,
    Query(q): Query<YearParams>,
) -> AppResult<Json<ClubDto>> {
    require(&p, Permission::ViewModels)?;
    Ok(Json(one(&state, &p, id, q.year.as_deref()).await?))
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

/// Adds a member. Refused (422 `no_consent`) unless the child's consent stands.
#[utoipa::path(post, path = "/api/v1/clubs/{id}/members", tag = "models", request_body = ClubMemberCreate,
    params(("id" = i32, Path, description = "Club id")),
    responses((status = 201, body = ClubMemberDto), (status = 422, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 403, body = ErrorBody)))]
pub async fn add_member(
    State(state): State<AppState>,
    ApiUser(p, _): ApiUser,
    Path(id): Path<i32>,
    body: super::JsonBody,
) -> AppResult<(StatusCode, Json<ClubMemberDto>)> {
    // Permission and scope before the body is read.
    let act = Act::new(&state.db.conn, &p, state.now());
    let k = membership::load_roster(act, Model::Club, id).await?;
    let b: ClubMemberCreate = super::json(&body)?;
    let f = MemberInput {
        person: b.person_id.map(|x| x.to_string()).unwrap_or_default(),
        is_leader: b.is_leader,
        start: b.joined_on.unwrap_or_default(),
        ..Default::default()
    };
    let mid = membership::add(act, Model::Club, id, &f).await?;
    let db = &state.db.conn;
    let members = clubs::members(db, k.id).await?;
    let (i, (m, person)) = members
        .iter()
        .enumerate()
        .find(|(_, (x, _))| x.id == mid)
        .ok_or(AppError::NotFound)?;
    Ok((
        StatusCode::CREATED,
        Json(member_dto(i + 1, m, person, true)),
    ))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct ActivityCreate {
    /// yyyy-mm-dd, not in the future, not before the club was founded.
    pub held_on: Option<String>,
    pub topic: Option<String>,
    /// Girls taking part.
    pub girls: Option<i64>,
    /// Boys taking part.
    pub boys: Option<i64>,
}

/// Records an activity (facilitators too, for clubs in their scope).
#[utoipa::path(post, path = "/api/v1/clubs/{id}/activities", tag = "models", request_body = ActivityCreate,
    params(("id" = i32, Path, description = "Club id")),
    responses((status = 201, body = ActivityDto), (status = 422, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 403, body = ErrorBody)))]
pub async fn add_activity(
    State(state): State<AppState>,
    ApiUser(p, _): ApiUser,
    Path(id): Path<i32>,
    body: super::JsonBody,
) -> AppResult<(StatusCode, Json<ActivityDto>)> {
    let act = Act::new(&state.db.conn, &p, state.now());
    act.require(Permission::RecordActivities)?;
    actions::load(act, id).await?;
    let b: ActivityCreate = super::json(&body)?;
    let f = ActivityInput {
        held_on: b.held_on.unwrap_or_default(),
        topic: b.topic.unwrap_or_default(),
        girls: b.girls.map(|n| n.to_string()).unwrap_or_default(),
        boys: b.boys.map(|n| n.to_string()).unwrap_or_default(),
    };
    let a = actions::add_activity(act, id, &f).await?;
    Ok((StatusCode::CREATED, Json(ActivityDto::from(&a))))
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
    responses((status = 201, body = RecommendationBrief), (status = 422, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 403, body = ErrorBody)))]
pub async fn add_recommendation(
    State(state): State<AppState>,
    ApiUser(p, _): ApiUser,
    Path(id): Path<i32>,
    body: super::JsonBody,
) -> AppResult<(StatusCode, Json<RecommendationBrief>)> {
    let db = &state.db.conn;
    let act = thamgia_actions::Act::new(db, &p, state.now());
    act.require(Permission::ManageModels)?;
    let (k, _, _) = thamgia_actions::clubs::load(act, id).await?;
    let b: ClubRecommendationCreate = super::json(&body)?;
    let today = state.now().date_naive();
    let input = RecommendationCreate {
        text: b.text,
        topic: b.topic,
        agency: b.agency,
        deadline: b.deadline,
    }
    .form();
    let raised = b.raised_on.as_deref().unwrap_or("");
    let r = thamgia_actions::clubs::add_recommendation(act, k.id, raised, &input).await?;
    let brief = briefs(db, RecommendationSource::Club, k.id, today)
        .await?
        .into_iter()
        .find(|x| x.id == r.id)
        .ok_or(AppError::NotFound)?;
    Ok((StatusCode::CREATED, Json(brief)))
}
