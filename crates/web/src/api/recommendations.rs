//! Recommendations (kiến nghị) from forums, council dialogues and clubs: list,
//! one, moving along, the answer, the feedback to the children, each agency's
//! answer rate and median answer time, and the public list (no sign-in).
//! Every write is an action of `thamgia_actions::recommendations`, as for the
//! pages; dates are ISO (`yyyy-mm-dd`; `dd/mm/yyyy` is accepted too).
//!
//! An agency officer sees and answers the recommendations addressed to their
//! own agency wherever they come from, besides those of their scope.

use super::Path;
use super::Query;
use super::paging::{Listing, Page};
use super::require;
use super::shapes::query_params;
use super::{Api, RecordWrite};
use crate::error::{AppError, AppResult, ErrorBody};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use chrono::NaiveDate;
use sea_orm::DatabaseConnection;
use serde::Deserialize;
use thamgia_actions::recommendations::{
    self as actions, AnswerInput, FeedbackInput, ListQuery, PublicQuery, StatusInput,
};
use thamgia_actions::{Act, Fields, invalid};
use thamgia_domain::access::{Permission, Principal};
use thamgia_domain::voice::mask_contacts;
use thamgia_store::entity::{agency, recommendation, unit};
use thamgia_store::recommendations::{self as store, Reach};

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct RecommendationDto {
    pub id: i32,
    /// forum | council_dialogue | club
    pub source: String,
    /// Id of the forum, council dialogue or club.
    pub source_id: i32,
    /// The forum's theme, the council's or the club's name.
    pub source_title: Option<String>,
    /// The forum's first day or the dialogue's day (for a club: the day recorded).
    pub source_date: Option<NaiveDate>,
    /// The forum's level (forums only).
    pub source_level: Option<String>,
    /// Code of the unit.
    pub unit: String,
    pub unit_name: String,
    pub year: i32,
    pub topic: String,
    pub text: String,
    /// Code of the agency addressed.
    pub agency: String,
    pub agency_name: String,
    pub deadline: NaiveDate,
    /// received | assigned | in_progress | answered
    pub status: String,
    /// accepted | partly_accepted | not_accepted (once answered)
    pub outcome: Option<String>,
    pub answer: Option<String>,
    /// Why it was not (fully) accepted.
    pub reason: Option<String>,
    /// How the answer was given back to the children.
    pub feedback: Option<String>,
    pub answered_on: Option<NaiveDate>,
    /// Past its deadline without an answer.
    pub overdue: bool,
}

/// DTOs for recommendations; `public` masks phone numbers in every text.
pub(crate) async fn dtos(
    db: &DatabaseConnection,
    list: Vec<(recommendation::Model, unit::Model, agency::Model)>,
    today: NaiveDate,
    public: bool,
) -> AppResult<Vec<RecommendationDto>> {
    let recs: Vec<recommendation::Model> = list.iter().map(|(r, _, _)| r.clone()).collect();
    let sources = store::sources(db, &recs).await?;
    let shown = |s: &str| {
        if public {
            mask_contacts(s)
        } else {
            s.to_string()
        }
    };
    Ok(list
        .into_iter()
        .map(|(r, u, a)| {
            let info = sources.get(&(r.source, r.source_id));
            RecommendationDto {
                id: r.id,
                overdue: store::is_overdue(&r, today),
                source_title: info.map(|i| i.title.clone()),
                source_date: info.and_then(|i| i.date),
                source_level: info.and_then(|i| i.level.clone()),
                source: r.source.as_str().into(),
                source_id: r.source_id,
                unit: u.code,
                unit_name: u.name_vi,
                year: r.year,
                topic: shown(&r.topic),
                text: shown(&r.text),
                agency: a.code,
                agency_name: a.name_vi,
                deadline: r.deadline,
                status: r.status.as_str().into(),
                outcome: r.outcome.map(|o| o.as_str().into()),
                answer: r.answer.as_deref().map(shown),
                reason: r.reason.as_deref().map(shown),
                feedback: r.feedback.as_deref().map(shown),
                answered_on: r.answered_on,
            }
        })
        .collect())
}

pub(crate) async fn one(state: &AppState, p: &Principal, id: i32) -> AppResult<RecommendationDto> {
    let db = &state.db.conn;
    let row = store::get_in_reach(db, &Reach::of(p), id).await?;
    dtos(db, vec![row], state.now().date_naive(), false)
        .await?
        .pop()
        .ok_or(AppError::NotFound)
}

query_params! {
    RecommendationParams {
        /// A unit code: only recommendations of its subtree.
        unit,
        /// received | assigned | in_progress | answered
        status,
        /// An agency code: only those addressed to it.
        agency,
        year,
        /// `true`: only those past their deadline without an answer.
        overdue,
    }
}

/// Recommendations in the caller's scope (for an agency officer, also those
/// addressed to their agency), newest year first.
#[utoipa::path(get, path = "/api/v1/recommendations", tag = "recommendations",
    params(crate::api::paging::Paging, RecommendationParams),
    responses((status = 200, body = [RecommendationDto]),
              (status = 403, body = ErrorBody)))]
pub async fn list(
    Api { state, p }: Api,
    Query(q): Query<RecommendationParams>,
    paging: Listing,
) -> AppResult<Page<RecommendationDto>> {
    require(&p, Permission::ViewModels)?;
    let db = &state.db.conn;
    let today = state.now().date_naive();
    let lq = ListQuery {
        unit: q.unit.unwrap_or_default(),
        status: q.status.unwrap_or_default(),
        agency: q.agency.unwrap_or_default(),
        year: q.year.unwrap_or_default(),
        overdue: q.overdue.unwrap_or_default(),
    };
    let f = actions::filter_of(db, &p.scope(), &lq, today).await?;
    let rows = store::list(db, &Reach::of(&p), &f).await?;
    paging.page(dtos(db, rows, today, false).await?)
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct AgencyStatsDto {
    /// Agency code.
    pub agency: String,
    pub name: String,
    pub name_en: String,
    pub total: u64,
    pub answered: u64,
    /// Past their deadline without an answer.
    pub overdue: u64,
    /// answered / total × 100, one decimal.
    pub answer_rate: Option<f64>,
    /// Median days from receiving (the day recorded) to answering.
    pub median_days: Option<f64>,
}

query_params! {
    YearParams {
        /// Only recommendations of this year.
        year,
    }
}

/// Each agency's answer rate and median answer time, over the recommendations
/// the caller sees; agencies with most recommendations first.
#[utoipa::path(get, path = "/api/v1/recommendations/agencies", tag = "recommendations",
    params(crate::api::paging::Paging, YearParams),
    responses((status = 200, body = [AgencyStatsDto])))]
pub async fn agencies(
    Api { state, p }: Api,
    Query(q): Query<YearParams>,
    paging: Listing,
) -> AppResult<Page<AgencyStatsDto>> {
    require(&p, Permission::ViewModels)?;
    let mut e = Fields::new();
    let year = thamgia_actions::forums::year_filter(q.year.as_deref().unwrap_or(""), &mut e);
    if !e.is_empty() {
        return Err(invalid(e).into());
    }
    let stats = store::agency_stats(
        &state.db.conn,
        &Reach::of(&p),
        year,
        state.now().date_naive(),
    )
    .await?;
    paging.page(
        stats
            .into_iter()
            .map(|s| AgencyStatsDto {
                agency: s.agency.code,
                name: s.agency.name_vi,
                name_en: s.agency.name_en,
                total: s.total,
                answered: s.answered,
                overdue: s.overdue,
                answer_rate: s.answer_rate,
                median_days: s.median_days,
            })
            .collect(),
    )
}

/// One recommendation; 404 when unknown or out of the caller's reach.
#[utoipa::path(get, path = "/api/v1/recommendations/{id}", tag = "recommendations",
    params(("id" = i32, Path, description = "Recommendation id")),
    responses((status = 200, body = RecommendationDto)))]
pub async fn show(
    Api { state, p }: Api,
    Path(id): Path<i32>,
) -> AppResult<Json<RecommendationDto>> {
    require(&p, Permission::ViewModels)?;
    Ok(Json(one(&state, &p, id).await?))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct StatusBody {
    /// assigned | in_progress (statuses only move forward; `answered` comes with the answer)
    pub status: String,
}

/// Moves a recommendation along: received → assigned → in progress.
#[utoipa::path(post, path = "/api/v1/recommendations/{id}/status", tag = "recommendations",
    params(("id" = i32, Path, description = "Recommendation id")), request_body = StatusBody,
    responses((status = 200, body = RecommendationDto), (status = 422, description = "`status`: not_allowed, answer_with_form, unknown_option", body = ErrorBody),
              (status = 403, body = ErrorBody)))]
pub async fn status(
    RecordWrite { state, p, id, body }: RecordWrite,
) -> AppResult<Json<RecommendationDto>> {
    // Permission and reach before the body is read (404 out of reach, 403
    // for another agency's).
    let act = Act::new(&state.db.conn, &p, state.now());
    let b: StatusBody = super::json_after(actions::load_answerable(act, id), &body).await?;
    actions::set_status(act, id, &StatusInput { status: b.status }).await?;
    Ok(Json(one(&state, &p, id).await?))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[schema(as = OfficialAnswerBody)]
pub struct AnswerBody {
    /// accepted | partly_accepted | not_accepted
    pub outcome: String,
    /// At most 4000 characters.
    pub answer: String,
    /// Required when not accepted.
    #[serde(default)]
    pub reason: Option<String>,
    /// How the answer was given back to the children.
    #[serde(default)]
    pub feedback: Option<String>,
    /// yyyy-mm-dd; today when absent.
    #[serde(default)]
    pub answered_on: Option<String>,
}

/// The agency's answer: the recommendation becomes `answered` for good.
#[utoipa::path(post, path = "/api/v1/recommendations/{id}/answer", tag = "recommendations",
    params(("id" = i32, Path, description = "Recommendation id")), request_body = AnswerBody,
    responses((status = 200, body = RecommendationDto), (status = 422, description = "e.g. `reason`: reason_required; `status`: already_answered", body = ErrorBody),
              (status = 403, body = ErrorBody)))]
pub async fn answer(
    RecordWrite { state, p, id, body }: RecordWrite,
) -> AppResult<Json<RecommendationDto>> {
    let act = Act::new(&state.db.conn, &p, state.now());
    let b: AnswerBody = super::json_after(actions::load_answerable(act, id), &body).await?;
    let f = AnswerInput {
        outcome: b.outcome,
        answer: b.answer,
        reason: b.reason.unwrap_or_default(),
        feedback: b.feedback.unwrap_or_default(),
        answered_on: b.answered_on.unwrap_or_default(),
    };
    actions::answer(act, id, &f).await?;
    Ok(Json(one(&state, &p, id).await?))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct FeedbackBody {
    /// How and when the answer was given back to the children (at most 2000 characters).
    pub feedback: String,
}

/// Records how an answered recommendation's answer was given back to the children.
#[utoipa::path(post, path = "/api/v1/recommendations/{id}/feedback", tag = "recommendations",
    params(("id" = i32, Path, description = "Recommendation id")), request_body = FeedbackBody,
    responses((status = 200, body = RecommendationDto), (status = 403, body = ErrorBody)))]
pub async fn feedback(
    RecordWrite { state, p, id, body }: RecordWrite,
) -> AppResult<Json<RecommendationDto>> {
    let act = Act::new(&state.db.conn, &p, state.now());
    let b: FeedbackBody = super::json_after(actions::load_answerable(act, id), &body).await?;
    let f = FeedbackInput {
        feedback: b.feedback,
    };
    actions::feedback(act, id, &f).await?;
    Ok(Json(one(&state, &p, id).await?))
}

query_params! {
    PublicParams {
        /// A unit code (province or district): only its subtree.
        unit,
        year,
    }
}

/// Every recommendation and its answer, for the public: no sign-in, no
/// child's name (texts are written by the adults who record them; phone
/// numbers are masked).
#[utoipa::path(get, path = "/api/v1/public/recommendations", tag = "recommendations",
    security(()),
    params(crate::api::paging::Paging, PublicParams),
    responses((status = 200, body = [RecommendationDto])))]
pub async fn public(
    State(state): State<AppState>,
    Query(q): Query<PublicParams>,
    paging: Listing,
) -> AppResult<Page<RecommendationDto>> {
    let db = &state.db.conn;
    let pq = PublicQuery {
        unit: q.unit.unwrap_or_default(),
        year: q.year.unwrap_or_default(),
    };
    let (u, year) = actions::public_filter(db, &pq).await?;
    let rows = store::public_list(db, u.as_ref().map(|u| u.path.as_str()), year).await?;
    paging.page(dtos(db, rows, state.now().date_naive(), true).await?)
}
