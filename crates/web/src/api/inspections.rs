//! Inspections and supervision over the API: the plan of a year, one
//! inspection with its recommendations and follow-ups, and the writes of
//! `thamgia_actions::inspections` (the pages' actions). Permission and the
//! inspection's scope are checked before a body is read; the minutes are the
//! page's file (`inspection_files::minutes`).

use super::paging::{Listing, Page};
use super::{Api, Created, JsonBody, Path, Query, RecordWrite, created, require};
use crate::error::{AppResult, ErrorBody};
use crate::report_files::ExportFile;
use axum::Json;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use thamgia_actions::Act;
use thamgia_actions::inspections::{
    self as actions, CloseInput, FollowUpInput, PlanInput, RecommendInput, VisitInput,
};
use thamgia_domain::access::Permission;
use thamgia_store::entity::{inspection_follow_up, inspection_recommendation};
use thamgia_store::inspections::{self as store, Followed, Listed};

/// A follow-up note.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct FollowUpDto {
    pub id: i32,
    pub noted_on: NaiveDate,
    /// `party` (the inspected party) or `inspector`.
    pub side: String,
    pub note: String,
    /// The recommendation's state after the note.
    pub state_after: String,
}

impl From<inspection_follow_up::Model> for FollowUpDto {
    fn from(n: inspection_follow_up::Model) -> Self {
        FollowUpDto {
            id: n.id,
            noted_on: n.noted_on,
            side: n.side.to_string(),
            note: n.note,
            state_after: n.state_after.to_string(),
        }
    }
}

/// A recommendation to the inspected party.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = InspectionRecommendationDto)]
pub struct RecommendationDto {
    pub id: i32,
    pub text: String,
    pub deadline: NaiveDate,
    /// `open`, `done_by_party`, `closed` or `reopened`.
    pub state: String,
    pub follow_ups: Vec<FollowUpDto>,
}

impl From<inspection_recommendation::Model> for RecommendationDto {
    fn from(r: inspection_recommendation::Model) -> Self {
        RecommendationDto {
            id: r.id,
            text: r.text,
            deadline: r.deadline,
            state: r.state.to_string(),
            follow_ups: Vec::new(),
        }
    }
}

impl From<Followed> for RecommendationDto {
    fn from(f: Followed) -> Self {
        RecommendationDto {
            follow_ups: f.follow_ups.into_iter().map(FollowUpDto::from).collect(),
            ..RecommendationDto::from(f.recommendation)
        }
    }
}

/// An inspection or supervision.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct InspectionDto {
    pub id: i32,
    pub year: i32,
    /// `inspection` or `supervision`.
    pub kind: String,
    /// The inspected unit (an inspected agency's own unit).
    pub unit: String,
    /// The inspected agency, when an agency is inspected.
    pub agency: Option<String>,
    pub inspector_unit: Option<String>,
    pub inspector_agency: Option<String>,
    pub team: String,
    pub subject: String,
    pub planned_on: NaiveDate,
    pub visited_on: Option<NaiveDate>,
    pub findings: String,
    /// The officials present.
    pub participants: String,
    /// `planned`, `visited` or `closed`.
    pub status: String,
    pub open_recommendations: usize,
    /// On one inspection only: its recommendations with their notes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recommendations: Option<Vec<RecommendationDto>>,
}

fn dto(l: Listed) -> InspectionDto {
    let i = l.inspection;
    InspectionDto {
        id: i.id,
        year: i.year,
        kind: i.kind.to_string(),
        unit: l.unit.code,
        agency: l.agency.map(|a| a.code),
        inspector_unit: l.inspector_unit.map(|u| u.code),
        inspector_agency: l.inspector_agency.map(|a| a.code),
        team: i.team,
        subject: i.subject,
        planned_on: i.planned_on,
        visited_on: i.visited_on,
        findings: i.findings,
        participants: i.participants,
        status: l.status.to_string(),
        open_recommendations: l.open,
        recommendations: None,
    }
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct InspectionParams {
    /// A year (yyyy): only its inspections.
    pub year: Option<String>,
}

/// The inspections the caller sees (their scope; an agency officer: their
/// agency's, inspected or inspecting), by planned date.
#[utoipa::path(get, path = "/api/v1/inspections", tag = "inspections",
    params(crate::api::paging::Paging, InspectionParams),
    responses((status = 200, body = [InspectionDto]),
              (status = 403, body = ErrorBody)))]
pub async fn list(
    Api { state, p }: Api,
    Query(q): Query<InspectionParams>,
    paging: Listing,
) -> AppResult<Page<InspectionDto>> {
    require(&p, Permission::ViewUnits)?;
    let year = actions::year_of(q.year.as_deref().unwrap_or_default())?;
    let rows = store::list(&state.db.conn, &p, year, None).await?;
    paging.page(rows.into_iter().map(dto).collect())
}

/// A planned inspection as sent.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct PlanBody {
    /// `inspection` or `supervision`.
    pub kind: String,
    /// Code of the inspected unit (or give `agency`).
    pub unit: String,
    /// Code of the inspected agency.
    pub agency: String,
    /// Code of the inspecting agency: required for a supervision (the
    /// Fatherland Front); an agency officer's own agency.
    pub inspector_agency: String,
    pub team: String,
    pub subject: String,
    /// yyyy-mm-dd or dd/mm/yyyy.
    pub planned_on: String,
}

impl From<PlanBody> for PlanInput {
    fn from(b: PlanBody) -> Self {
        PlanInput {
            kind: b.kind,
            unit: b.unit,
            agency: b.agency,
            inspector_agency: b.inspector_agency,
            team: b.team,
            subject: b.subject,
            planned_on: b.planned_on,
        }
    }
}

async fn one(
    state: &crate::state::AppState,
    p: &thamgia_domain::access::Principal,
    id: i32,
) -> AppResult<InspectionDto> {
    let db = &state.db.conn;
    let (i, _) = store::get(db, p, id).await?;
    let l = store::describe(db, i).await?;
    let recs = store::recommendations(db, &[id]).await?;
    let mut d = dto(l);
    d.recommendations = Some(recs.into_iter().map(RecommendationDto::from).collect());
    Ok(d)
}

/// Plans an inspection or a supervision.
#[utoipa::path(post, path = "/api/v1/inspections", tag = "inspections", request_body = PlanBody,
    responses((status = 201, body = InspectionDto),
              (status = 422, description = "Fields named: kind, unit, agency, inspector_agency (not_fatherland_front, not_your_agency), team, subject, planned_on", body = ErrorBody),
              (status = 403, body = ErrorBody)))]
pub async fn create(Api { state, p }: Api, body: JsonBody) -> AppResult<Created<InspectionDto>> {
    let act = Act::new(&state.db.conn, &p, state.now());
    act.require(Permission::Inspect)?;
    let b: PlanBody = super::json(&body)?;
    let i = actions::create(act, &b.into()).await?;
    Ok(created(one(&state, &p, i.id).await?))
}

/// One inspection with its recommendations and their follow-up notes.
#[utoipa::path(get, path = "/api/v1/inspections/{id}", tag = "inspections",
    params(("id" = i32, Path, description = "Inspection id")),
    responses((status = 200, body = InspectionDto),
              (status = 403, body = ErrorBody)))]
pub async fn show(Api { state, p }: Api, Path(id): Path<i32>) -> AppResult<Json<InspectionDto>> {
    require(&p, Permission::ViewUnits)?;
    Ok(Json(one(&state, &p, id).await?))
}

/// An inspection the caller sees, checked before a body is read.
async fn seen(act: Act<'_>, id: i32) -> AppResult<()> {
    act.require(Permission::Inspect)?;
    store::get(act.db, act.p, id).await?;
    Ok(())
}

/// Changes a plan (the inspector).
#[utoipa::path(put, path = "/api/v1/inspections/{id}", tag = "inspections", request_body = PlanBody,
    params(("id" = i32, Path, description = "Inspection id")),
    responses((status = 200, body = InspectionDto), (status = 403, body = ErrorBody)))]
pub async fn update(
    RecordWrite { state, p, id, body }: RecordWrite,
) -> AppResult<Json<InspectionDto>> {
    let act = Act::new(&state.db.conn, &p, state.now());
    let b: PlanBody = super::json_after(seen(act, id), &body).await?;
    actions::update(act, id, &b.into()).await?;
    Ok(Json(one(&state, &p, id).await?))
}

/// A visit as sent.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct VisitBody {
    pub visited_on: String,
    pub findings: String,
    /// The officials present (never children).
    pub participants: String,
}

/// Records the visit (the inspector).
#[utoipa::path(post, path = "/api/v1/inspections/{id}/visit", tag = "inspections", request_body = VisitBody,
    params(("id" = i32, Path, description = "Inspection id")),
    responses((status = 200, body = InspectionDto), (status = 403, body = ErrorBody)))]
pub async fn visit(
    RecordWrite { state, p, id, body }: RecordWrite,
) -> AppResult<Json<InspectionDto>> {
    let act = Act::new(&state.db.conn, &p, state.now());
    let b: VisitBody = super::json_after(seen(act, id), &body).await?;
    let input = VisitInput {
        visited_on: b.visited_on,
        findings: b.findings,
        participants: b.participants,
    };
    actions::visit(act, id, &input).await?;
    Ok(Json(one(&state, &p, id).await?))
}

/// A recommendation as sent.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct RecommendBody {
    pub text: String,
    /// yyyy-mm-dd or dd/mm/yyyy.
    pub deadline: String,
}

/// Makes a recommendation to the inspected party (the inspector, after the
/// visit).
#[utoipa::path(post, path = "/api/v1/inspections/{id}/recommendations", tag = "inspections",
    request_body = RecommendBody, params(("id" = i32, Path, description = "Inspection id")),
    responses((status = 201, body = RecommendationDto),
              (status = 422, description = "text, deadline; visited_on: not_visited", body = ErrorBody),
              (status = 403, body = ErrorBody)))]
pub async fn recommend(
    RecordWrite { state, p, id, body }: RecordWrite,
) -> AppResult<Created<RecommendationDto>> {
    let act = Act::new(&state.db.conn, &p, state.now());
    let b: RecommendBody = super::json_after(seen(act, id), &body).await?;
    let input = RecommendInput {
        text: b.text,
        deadline: b.deadline,
    };
    let r = actions::recommend(act, id, &input).await?;
    Ok(created(r.into()))
}

/// A follow-up note as sent.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct FollowUpBody {
    pub note: String,
    /// yyyy-mm-dd or dd/mm/yyyy; today when empty.
    pub noted_on: String,
    /// The party: it is done; the inspector: reopen one the party called done.
    pub done: bool,
}

/// Adds a follow-up note (the inspected party or the inspector).
#[utoipa::path(post, path = "/api/v1/inspections/{id}/recommendations/{rid}/follow-ups",
    tag = "inspections", request_body = FollowUpBody,
    params(("id" = i32, Path, description = "Inspection id"),
           ("rid" = i32, Path, description = "Recommendation id")),
    responses((status = 201, body = FollowUpDto),
              (status = 422, description = "note, noted_on; state: closed", body = ErrorBody),
              (status = 403, body = ErrorBody)))]
pub async fn follow_up(
    RecordWrite { state, p, id, body }: RecordWrite<(i32, i32)>,
) -> AppResult<Created<FollowUpDto>> {
    let (id, rid) = id;
    let act = Act::new(&state.db.conn, &p, state.now());
    seen(act, id).await?;
    let b: FollowUpBody =
        super::json_after(store::recommendation_of(act.db, id, rid), &body).await?;
    let input = FollowUpInput {
        note: b.note,
        noted_on: b.noted_on,
        done: b.done,
    };
    let n = actions::follow_up(act, id, rid, &input).await?;
    Ok(created(n.into()))
}

/// The inspector's closing remark.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct CloseBody {
    pub note: String,
    /// yyyy-mm-dd or dd/mm/yyyy; today when empty.
    pub closed_on: String,
}

/// Closes a recommendation (the inspector); the inspection is closed when
/// all its recommendations are.
#[utoipa::path(post, path = "/api/v1/inspections/{id}/recommendations/{rid}/close",
    tag = "inspections", request_body = CloseBody,
    params(("id" = i32, Path, description = "Inspection id"),
           ("rid" = i32, Path, description = "Recommendation id")),
    responses((status = 200, body = RecommendationDto),
              (status = 422, description = "note, closed_on; state: closed", body = ErrorBody),
              (status = 403, body = ErrorBody)))]
pub async fn close(
    RecordWrite { state, p, id, body }: RecordWrite<(i32, i32)>,
) -> AppResult<Json<RecommendationDto>> {
    let (id, rid) = id;
    let act = Act::new(&state.db.conn, &p, state.now());
    seen(act, id).await?;
    let b: CloseBody = super::json_after(store::recommendation_of(act.db, id, rid), &body).await?;
    let input = CloseInput {
        note: b.note,
        closed_on: b.closed_on,
    };
    let r = actions::close(act, id, rid, &input).await?;
    Ok(Json(r.into()))
}

/// The minutes (biên bản kiểm tra, biên bản giám sát), .docx under Decree
/// 30/2020.
#[utoipa::path(get, path = "/api/v1/inspections/{id}/minutes", tag = "inspections",
    params(("id" = i32, Path, description = "Inspection id")),
    responses((status = 200, description = "The minutes", content(
                (Vec<u8> = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"))),
                (status = 403, body = ErrorBody)))]
pub async fn minutes(Api { state, p }: Api, Path(id): Path<i32>) -> AppResult<ExportFile> {
    require(&p, Permission::ViewUnits)?;
    let today = state.now().date_naive();
    crate::inspection_files::minutes(&state.db.conn, &p, id, today).await
}
