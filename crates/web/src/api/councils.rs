//! Children's Councils: one per district, members with roles and terms,
//! dialogues with the People's Council and the recommendations raised there.
//! Members carry a name only for callers allowed to see names (`ViewNames`);
//! everyone else gets "Thành viên #n". The same checks as the pages
//! (`pages/councils.rs`).

use super::Path;
use super::Query;
use super::require;
use crate::auth::ApiUser;
use crate::error::{AppError, AppResult, ErrorBody};
use crate::i18n::Lang;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::NaiveDate;
use sea_orm::DatabaseConnection;
use serde::Deserialize;
use thamgia_actions::Act;
use thamgia_actions::councils::{self as actions, CouncilInput, DialogueInput};
use thamgia_actions::membership::{self, EndInput, MemberInput, Model};
use thamgia_actions::models::year_of;
use thamgia_actions::recommendations::RecommendationInput;
use thamgia_domain::access::{Permission, Principal};
use thamgia_domain::models::RecommendationSource;
use thamgia_store::entity::{council_member, person};
use thamgia_store::{agencies, councils, people, recommendations};

/// "Thành viên #n": what callers who may not see names read.
pub(crate) fn member_label(n: usize) -> String {
    Lang::Vi.t_args("models-member-n", &[("n", n.to_string())])
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct MemberDto {
    pub id: i32,
    /// The member's place in the council's list (1, 2, …).
    pub number: usize,
    /// "Thành viên #n" — what callers who may not see names read.
    pub label: String,
    /// The child (callers with `ViewNames` only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub person_id: Option<i32>,
    /// The child's name, or the pseudonym after withdrawal (`ViewNames` only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `ViewNames` only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub school_or_commune: Option<String>,
    /// chair | vice_chair | secretary | member
    pub role: String,
    pub term_start: NaiveDate,
    pub term_end: Option<NaiveDate>,
}

pub(crate) fn member_dto(
    n: usize,
    m: &council_member::Model,
    p: &person::Model,
    names: bool,
) -> MemberDto {
    MemberDto {
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
        role: m.role.as_str().into(),
        term_start: m.term_start,
        term_end: m.term_end,
    }
}

/// A recommendation as listed under its dialogue or club.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct RecommendationBrief {
    pub id: i32,
    pub text: String,
    pub topic: String,
    /// Code of the agency addressed.
    pub agency: String,
    pub deadline: NaiveDate,
    /// received | assigned | in_progress | answered
    pub status: String,
    pub overdue: bool,
}

pub(crate) async fn briefs(
    db: &DatabaseConnection,
    source: RecommendationSource,
    id: i32,
    today: NaiveDate,
) -> AppResult<Vec<RecommendationBrief>> {
    let mut out = vec![];
    for r in recommendations::for_source(db, source, id).await? {
        let agency = agencies::by_id(db, r.agency_id)
            .await?
            .map(|a| a.code)
            .unwrap_or_default();
        out.push(RecommendationBrief {
            id: r.id,
            overdue: recommendations::is_overdue(&r, today),
            text: r.text,
            topic: r.topic,
            agency,
            deadline: r.deadline,
            status: r.status.as_str().into(),
        });
    }
    Ok(out)
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct DialogueDto {
    pub id: i32,
    pub held_on: NaiveDate,
    pub year: i32,
    /// The adults who took part (People's Council representatives).
    pub attendees: String,
    pub issues: String,
    pub children_present: i32,
    pub recommendations: Vec<RecommendationBrief>,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct CouncilDto {
    pub id: i32,
    /// Code of the district.
    pub unit: String,
    pub name: String,
    pub established_on: NaiveDate,
    /// The year the figures below are for.
    pub year: i32,
    /// Members whose term overlaps the year.
    pub members_in_year: u64,
    pub dialogues_in_year: u64,
    /// The council worked in the year: it held at least one dialogue.
    pub works: bool,
    /// Single council only: every year with a dialogue.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub years_worked: Option<Vec<i32>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub members: Option<Vec<MemberDto>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dialogues: Option<Vec<DialogueDto>>,
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct YearParams {
    /// The year for the figures; default: this year if anything happened in it, else the latest year with records.
    pub year: Option<String>,
}

/// Councils in the caller's scope with the year's figures.
#[utoipa::path(get, path = "/api/v1/councils", tag = "models", params(crate::api::paging::Paging, YearParams),
    responses((status = 200, body = [CouncilDto]), (status = 403, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    ApiUser(p, _): ApiUser,
    Query(q): Query<YearParams>,
    crate::api::Query(paging): crate::api::Query<crate::api::paging::Paging>,
    axum::extract::OriginalUri(uri): axum::extract::OriginalUri,
) -> AppResult<crate::api::paging::Page<CouncilDto>> {
    require(&p, Permission::ViewModels)?;
    let db = &state.db.conn;
    let scope = p.scope();
    let today = state.now().date_naive();
    let years = councils::years(db, &scope).await?;
    let year = year_of(q.year.as_deref().unwrap_or(""), &years, today);
    let rows = councils::list(db, &scope, year).await?;
    paging.page(
        rows.into_iter()
            .map(|r| CouncilDto {
                works: r.works(),
                id: r.council.id,
                unit: r.unit.code,
                name: r.council.name,
                established_on: r.council.established_on,
                year,
                members_in_year: r.members,
                dialogues_in_year: r.dialogues,
                years_worked: None,
                members: None,
                dialogues: None,
            })
            .collect(),
        &uri,
    )
}

pub(crate) async fn one(
    state: &AppState,
    p: &Principal,
    id: i32,
    year: Option<&str>,
) -> AppResult<CouncilDto> {
    let db = &state.db.conn;
    let (k, u) = councils::get_in_scope(db, &p.scope(), id).await?;
    let today = state.now().date_naive();
    let worked: Vec<i32> = councils::years_worked(db, k.id)
        .await?
        .into_iter()
        .collect();
    let desc: Vec<i32> = worked.iter().rev().copied().collect();
    let year = year_of(year.unwrap_or(""), &desc, today);
    let names = p.can(Permission::ViewNames);
    let members = councils::members(db, k.id).await?;
    let mut dialogues = vec![];
    let list = councils::dialogues(db, k.id).await?;
    let in_year = list.iter().filter(|d| d.year == year).count() as u64;
    for d in list {
        dialogues.push(DialogueDto {
            recommendations: briefs(db, RecommendationSource::CouncilDialogue, d.id, today).await?,
            id: d.id,
            held_on: d.held_on,
            year: d.year,
            attendees: d.attendees,
            issues: d.issues,
            children_present: d.children_present,
        });
    }
    Ok(CouncilDto {
        id: k.id,
        unit: u.code,
        name: k.name,
        established_on: k.established_on,
        year,
        members_in_year: members
            .iter()
            .filter(|(m, _)| councils::serves_in(m.term_start, m.term_end, year))
            .count() as u64,
        dialogues_in_year: in_year,
        works: councils::works(in_year),
        years_worked: Some(worked),
        members: Some(
            members
                .iter()
                .enumerate()
                .map(|(i, (m, person))| member_dto(i + 1, m, person, names))
                .collect(),
        ),
        dialogues: Some(dialogues),
    })
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct CouncilCreate {
    /// Code of a unit in the caller's scope that has no council yet, of a level
    /// the governing plan lists in `[levels] councils`.
    pub unit: Option<String>,
    pub name: Option<String>,
    /// yyyy-mm-dd, not in the future.
    pub established_on: Option<String>,
}

/// Sets up a unit's council (one per unit), at a unit whose level the plan
/// governing it in the year of establishment lists in `[levels] councils`.
#[utoipa::path(post, path = "/api/v1/councils", tag = "models", request_body = CouncilCreate,
    responses((status = 201, body = CouncilDto),
              (status = 422, description = "`unit`: required, unknown_unit, council_exists, level_not_allowed (the plan governing the unit that year lists no council at its level); `name`, `established_on`", body = ErrorBody),
              (status = 403, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    ApiUser(p, _): ApiUser,
    body: super::JsonBody,
) -> AppResult<(StatusCode, Json<CouncilDto>)> {
    let act = Act::new(&state.db.conn, &p, state.now());
    act.require(Permission::ManageModels)?;
    let b: CouncilCreate = super::json(&body)?;
    let f = CouncilInput {
        unit: b.unit.unwrap_or_default(),
        name: b.name.unwrap_or_default(),
        established_on: b.established_on.unwrap_or_default(),
    };
    let k = actions::create(act, &f).await?;
    Ok((
        StatusCode::CREATED,
        Json(one(&state, &p, k.id, None).await?),
    ))
}

/// One council with members, dialogues and their recommendations.
#[utoipa::path(get, path = "/api/v1/councils/{id}", tag = "models",
    params(("id" = i32, Path, description = "Council id"), YearParams),
    responses((status = 200, body = CouncilDto), (status = 404, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn show(
    State(state): State<AppState>,
    ApiUser(p, _): ApiUser,
    Path(id): Path<i32>,
    Query(q): Query<YearParams>,
) -> AppResult<Json<CouncilDto>> {
    require(&p, Permission::ViewModels)?;
    Ok(Json(one(&state, &p, id, q.year.as_deref()).await?))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct MemberCreate {
    /// A child in scope, inside the council's district, whose consent stands.
    pub person_id: Option<i32>,
    /// chair | vice_chair | secretary | member
    pub role: Option<String>,
    /// yyyy-mm-dd
    pub term_start: Option<String>,
    /// yyyy-mm-dd (optional)
    pub term_end: Option<String>,
}

/// Adds a member. Refused (422 `no_consent`) unless the child's consent stands.
#[utoipa::path(post, path = "/api/v1/councils/{id}/members", tag = "models", request_body = MemberCreate,
    params(("id" = i32, Path, description = "Council id")),
    responses((status = 201, body = MemberDto), (status = 422, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 403, body = ErrorBody)))]
pub async fn add_member(
    State(state): State<AppState>,
    ApiUser(p, _): ApiUser,
    Path(id): Path<i32>,
    body: super::JsonBody,
) -> AppResult<(StatusCode, Json<MemberDto>)> {
    // Permission and scope before the body is read.
    let act = Act::new(&state.db.conn, &p, state.now());
    let k = membership::load_roster(act, Model::Council, id).await?;
    let b: MemberCreate = super::json(&body)?;
    let f = MemberInput {
        person: b.person_id.map(|x| x.to_string()).unwrap_or_default(),
        role: b.role.unwrap_or_default(),
        start: b.term_start.unwrap_or_default(),
        end: b.term_end.unwrap_or_default(),
        ..Default::default()
    };
    let mid = membership::add(act, Model::Council, id, &f).await?;
    let db = &state.db.conn;
    let members = councils::members(db, k.id).await?;
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
pub struct TermEnd {
    /// yyyy-mm-dd; today when absent.
    pub term_end: Option<String>,
}

/// Ends a member's term (the membership stays in the history).
#[utoipa::path(post, path = "/api/v1/councils/{id}/members/{member_id}/end", tag = "models", request_body = TermEnd,
    params(("id" = i32, Path, description = "Council id"), ("member_id" = i32, Path, description = "Membership id")),
    responses((status = 200, body = MemberDto), (status = 422, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 403, body = ErrorBody)))]
pub async fn end_member(
    State(state): State<AppState>,
    ApiUser(p, _): ApiUser,
    Path((id, member_id)): Path<(i32, i32)>,
    body: super::JsonBody,
) -> AppResult<Json<MemberDto>> {
    let act = Act::new(&state.db.conn, &p, state.now());
    membership::load_member(act, Model::Council, id, member_id).await?;
    let b: TermEnd = super::json(&body)?;
    let end = EndInput {
        end: b.term_end.unwrap_or_default(),
    };
    membership::end(act, Model::Council, id, member_id, &end).await?;
    let db = &state.db.conn;
    let names = p.can(Permission::ViewNames);
    let members = councils::members(db, id).await?;
    let (i, (m, person)) = members
        .iter()
        .enumerate()
        .find(|(_, (x, _))| x.id == member_id)
        .ok_or(AppError::NotFound)?;
    Ok(Json(member_dto(i + 1, m, person, names)))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct DialogueCreate {
    /// yyyy-mm-dd, not in the future, not before the council was set up.
    pub held_on: Option<String>,
    /// The adults who took part: names and positions (People's Council representatives).
    pub attendees: Option<String>,
    /// The issues the children raised.
    pub issues: Option<String>,
    /// Children present (at least 1).
    pub children_present: Option<i64>,
}

/// Records a dialogue with People's Council representatives (no child's name).
#[utoipa::path(post, path = "/api/v1/councils/{id}/dialogues", tag = "models", request_body = DialogueCreate,
    params(("id" = i32, Path, description = "Council id")),
    responses((status = 201, body = DialogueDto), (status = 422, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 403, body = ErrorBody)))]
pub async fn add_dialogue(
    State(state): State<AppState>,
    ApiUser(p, _): ApiUser,
    Path(id): Path<i32>,
    body: super::JsonBody,
) -> AppResult<(StatusCode, Json<DialogueDto>)> {
    let act = Act::new(&state.db.conn, &p, state.now());
    act.require(Permission::RecordActivities)?;
    actions::load(act, id).await?;
    let b: DialogueCreate = super::json(&body)?;
    let f = DialogueInput {
        held_on: b.held_on.unwrap_or_default(),
        attendees: b.attendees.unwrap_or_default(),
        issues: b.issues.unwrap_or_default(),
        children_present: b
            .children_present
            .map(|n| n.to_string())
            .unwrap_or_default(),
    };
    let d = actions::add_dialogue(act, id, &f).await?;
    Ok((
        StatusCode::CREATED,
        Json(DialogueDto {
            id: d.id,
            held_on: d.held_on,
            year: d.year,
            attendees: d.attendees,
            issues: d.issues,
            children_present: d.children_present,
            recommendations: vec![],
        }),
    ))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct RecommendationCreate {
    /// At most 2000 characters, without any child's name.
    pub text: Option<String>,
    /// At most 100 characters.
    pub topic: Option<String>,
    /// Code of the agency addressed (any agency visible to the caller).
    pub agency: Option<String>,
    /// yyyy-mm-dd, not before the dialogue.
    pub deadline: Option<String>,
}

impl RecommendationCreate {
    pub(crate) fn form(self) -> RecommendationInput {
        RecommendationInput {
            text: self.text.unwrap_or_default(),
            topic: self.topic.unwrap_or_default(),
            agency: self.agency.unwrap_or_default(),
            deadline: self.deadline.unwrap_or_default(),
        }
    }
}

/// Records a recommendation the children raised at this dialogue.
#[utoipa::path(post, path = "/api/v1/councils/{id}/dialogues/{dialogue_id}/recommendations", tag = "models",
    request_body = RecommendationCreate,
    params(("id" = i32, Path, description = "Council id"), ("dialogue_id" = i32, Path, description = "Dialogue id")),
    responses((status = 201, body = RecommendationBrief), (status = 422, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 403, body = ErrorBody)))]
pub async fn add_recommendation(
    State(state): State<AppState>,
    ApiUser(p, _): ApiUser,
    Path((id, dialogue_id)): Path<(i32, i32)>,
    body: super::JsonBody,
) -> AppResult<(StatusCode, Json<RecommendationBrief>)> {
    let db = &state.db.conn;
    let act = thamgia_actions::Act::new(db, &p, state.now());
    act.require(Permission::ManageModels)?;
    let (k, _) = thamgia_actions::councils::load(act, id).await?;
    let d = councils::dialogue(db, k.id, dialogue_id).await?;
    let b: RecommendationCreate = super::json(&body)?;
    let r = thamgia_actions::councils::add_recommendation(act, id, dialogue_id, &b.form()).await?;
    let today = state.now().date_naive();
    let brief = briefs(db, RecommendationSource::CouncilDialogue, d.id, today)
        .await?
        .into_iter()
        .find(|x| x.id == r.id)
        .ok_or(AppError::NotFound)?;
    Ok((StatusCode::CREATED, Json(brief)))
}
