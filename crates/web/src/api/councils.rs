//! Children's Councils: one per district, members with roles and terms,
//! dialogues with the People's Council and the recommendations raised there.
//! Members carry a name only for callers allowed to see names (`ViewNames`);
//! everyone else gets "Thành viên #n". The same checks as the pages
//! (`pages/councils.rs`).

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
use thamgia_actions::councils::{self as actions, CouncilInput, DialogueInput};
use thamgia_actions::membership::{self, EndInput, MemberInput, Model};
use thamgia_actions::models::year_of;
use thamgia_domain::access::{Permission, Principal};
use thamgia_domain::models::RecommendationSource;
use thamgia_store::councils;
use thamgia_store::entity::{council_dialogue, council_member, person};

roster_member!(MemberDto,
    number: "The member's place in the council's list (1, 2, …).",
    person_id: "The child (callers with `ViewNames` only).",
    {
        /// chair | vice_chair | secretary | member
        role: String,
        term_start: NaiveDate,
        term_end: Option<NaiveDate>,
    }
);

pub(crate) fn member_dto(
    n: usize,
    m: &council_member::Model,
    p: &person::Model,
    names: bool,
) -> MemberDto {
    MemberDto::of(
        m.id,
        n,
        p,
        names,
        m.role.as_str().into(),
        m.term_start,
        m.term_end,
    )
}

/// Member `mid` of council `id`, numbered as in its list.
async fn member(state: &AppState, id: i32, mid: i32, names: bool) -> AppResult<MemberDto> {
    let members = councils::members(&state.db.conn, id).await?;
    let (n, m, child) = numbered(&members, mid, |m| m.id)?;
    Ok(member_dto(n, m, child, names))
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

detailed_dto! {
    CouncilDto {
        id: i32,
        /// Code of the district.
        unit: String,
        name: String,
        established_on: NaiveDate,
        /// The year the figures below are for.
        year: i32,
        /// Members whose term overlaps the year.
        members_in_year: u64,
        dialogues_in_year: u64,
        /// The council worked in the year: it held at least one dialogue.
        works: bool,
    }
    detail {
        /// Single council only: every year with a dialogue.
        years_worked: Vec<i32>,
        members: Vec<MemberDto>,
        dialogues: Vec<DialogueDto>,
    }
}

impl CouncilDto {
    /// A row of the list, with the figures of `year`.
    fn listed(r: councils::CouncilRow, year: i32) -> Self {
        CouncilDto {
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
        }
    }
}

roster_operations! {
    store: councils, dto: CouncilDto, id: "Council id",
    list: "/api/v1/councils" [" Councils in the caller's scope with the year's figures."],
    show: "/api/v1/councils/{id}" [" One council with members, dialogues and their recommendations."],
    create: "/api/v1/councils" CouncilCreate "`unit`: required, unknown_unit, council_exists, level_not_allowed (the plan governing the unit that year lists no council at its level); `name`, `established_on`" [" Sets up a unit's council (one per unit), at a unit whose level the plan", " governing it in the year of establishment lists in `[levels] councils`."],
    add_member: "/api/v1/councils/{id}/members" MemberCreate MemberDto (Model::Council),
    record: add_dialogue "/api/v1/councils/{id}/dialogues" DialogueCreate DialogueDto
        [" Records a dialogue with People's Council representatives (no child's name)."],
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

input_body! {
    CouncilCreate => CouncilInput {
        /// Code of a unit in the caller's scope that has no council yet, of a level
        /// the governing plan lists in `[levels] councils`.
        unit: String => unit,
        name: String => name,
        /// yyyy-mm-dd, not in the future.
        established_on: String => established_on,
    }
}

input_body! {
    MemberCreate => MemberInput {
        /// A child in scope, inside the council's district, whose consent stands.
        person_id: i32 => person,
        /// chair | vice_chair | secretary | member
        role: String => role,
        /// yyyy-mm-dd
        term_start: String => start,
        /// yyyy-mm-dd (optional)
        term_end: String => end,
    }
    ..Default
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct TermEnd {
    /// yyyy-mm-dd; today when absent.
    pub term_end: Option<String>,
}

/// Ends a member's term (the membership stays in the history).
#[utoipa::path(post, path = "/api/v1/councils/{id}/members/{member_id}/end", tag = "models", request_body = TermEnd,
    params(("id" = i32, Path, description = "Council id"), ("member_id" = i32, Path, description = "Membership id")),
    responses((status = 200, body = MemberDto),
              (status = 403, body = ErrorBody)))]
pub async fn end_member(
    RecordWrite { state, p, id, body }: RecordWrite<(i32, i32)>,
) -> AppResult<Json<MemberDto>> {
    let (id, member_id) = id;
    let act = Act::new(&state.db.conn, &p, state.now());
    let loaded = membership::load_member(act, Model::Council, id, member_id);
    let b: TermEnd = super::json_after(loaded, &body).await?;
    let end = EndInput {
        end: b.term_end.unwrap_or_default(),
    };
    membership::end(act, Model::Council, id, member_id, &end).await?;
    let names = p.can(Permission::ViewNames);
    Ok(Json(member(&state, id, member_id, names).await?))
}

input_body! {
    DialogueCreate => DialogueInput {
        /// yyyy-mm-dd, not in the future, not before the council was set up.
        held_on: String => held_on,
        /// The adults who took part: names and positions (People's Council representatives).
        attendees: String => attendees,
        /// The issues the children raised.
        issues: String => issues,
        /// Children present (at least 1).
        children_present: i64 => children_present,
    }
}

/// A dialogue just recorded (no recommendations yet).
impl From<&council_dialogue::Model> for DialogueDto {
    fn from(d: &council_dialogue::Model) -> Self {
        DialogueDto {
            id: d.id,
            held_on: d.held_on,
            year: d.year,
            attendees: d.attendees.clone(),
            issues: d.issues.clone(),
            children_present: d.children_present,
            recommendations: vec![],
        }
    }
}

/// Records a recommendation the children raised at this dialogue.
#[utoipa::path(post, path = "/api/v1/councils/{id}/dialogues/{dialogue_id}/recommendations", tag = "models",
    request_body = RecommendationCreate,
    params(("id" = i32, Path, description = "Council id"), ("dialogue_id" = i32, Path, description = "Dialogue id")),
    responses((status = 201, body = RecommendationBrief),
              (status = 403, body = ErrorBody)))]
pub async fn add_recommendation(
    RecordWrite { state, p, id, body }: RecordWrite<(i32, i32)>,
) -> AppResult<Created<RecommendationBrief>> {
    let (id, dialogue_id) = id;
    let db = &state.db.conn;
    let act = thamgia_actions::Act::new(db, &p, state.now());
    act.require(Permission::ManageModels)?;
    let (k, _) = thamgia_actions::councils::load(act, id).await?;
    let d = councils::dialogue(db, k.id, dialogue_id).await?;
    let b: RecommendationCreate = super::json(&body)?;
    let r = thamgia_actions::councils::add_recommendation(act, id, dialogue_id, &b.form()).await?;
    let source = RecommendationSource::CouncilDialogue;
    Ok(created(brief(&state, source, d.id, r.id).await?))
}
