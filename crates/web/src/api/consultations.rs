//! Consultations: create, read, write questions, open; and, for facilitators
//! working offline, paper forms and group tallies entered later. The same
//! checks as the pages (`pages/consultations.rs`).
//!
//! A submission carries a client-made `submission_id` (UUID): the same id with
//! the same content is acknowledged again (200) and stored once; the same id
//! with other content is `409`.

use super::Path;
use super::Query;
use super::child::{SubmissionBody, raw_answers};
use super::paging::{Listing, Page};
use super::require;
use super::shapes::{query_params, tally_body};
use super::{Api, JsonBody, RecordWrite};
use super::{Created, created};
use crate::error::{AppError, AppResult, ErrorBody, ErrorDetail};
use crate::state::AppState;
use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};
use thamgia_actions::consultations::{self as actions, ConsultationInput, Number, OptionInput};
use thamgia_actions::responses::{self as paper, PaperInput};
use thamgia_actions::{Act, ActionError, invalid_one};
use thamgia_domain::access::{Permission, Principal};
use thamgia_domain::voice::{RawProfile, Status};
use thamgia_store::entity::{consultation, question, question_option, unit};
use thamgia_store::responses::Submitted;
use thamgia_store::{consultations, voice_queries};

/// How many views a consultation received, by how they came.
#[derive(serde::Serialize, utoipa::ToSchema)]
///
/// In lists (`GET /api/v1/consultations`, a matter's consultations) the
/// children's counts are a breakdown read beside each other: a count of 1–4,
/// and any count that would give it away by subtraction, is `null`
/// (`domain::suppression::one_way`), as on the consultations page. A
/// consultation read on its own gives them exactly, for the people who
/// collect its forms.
pub struct ResponseCounts {
    pub online: Option<i64>,
    pub paper: Option<i64>,
    pub group_tallies: i64,
    /// Children counted in the group tallies.
    pub children_in_tallies: Option<i64>,
}

/// A consultation as listed.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ConsultationSummary {
    pub id: i32,
    pub matter_id: Option<i32>,
    /// Code of the unit that holds it.
    pub unit: String,
    pub title: String,
    /// survey | group_discussion | forum_session | council_dialogue | club_discussion | online
    pub method: String,
    /// draft | open | closed | answered
    pub status: String,
    pub opens_on: NaiveDate,
    pub closes_on: NaiveDate,
    /// Six characters children type at `/c/{join_code}`.
    pub join_code: String,
    pub responses: ResponseCounts,
}

pub(crate) fn summary(
    k: &consultation::Model,
    u: &unit::Model,
    counts: &HashMap<i32, HashMap<String, i64>>,
    tallies: &HashMap<i32, (i64, i64)>,
    listed: bool,
) -> ConsultationSummary {
    let by = counts.get(&k.id);
    let n = |s: &str| by.and_then(|m| m.get(s)).copied().unwrap_or(0);
    let (t, tc) = tallies.get(&k.id).copied().unwrap_or((0, 0));
    // Indices as in `listed_counts`: online, paper, group forms, tallies.
    let cells = [n("online"), n("paper"), n("group"), tc];
    let hidden = listed.then(|| {
        thamgia_domain::suppression::listed_counts(cells[0], cells[1], cells[2], cells[3])
    });
    let shown = |i: usize| (!hidden.as_ref().is_some_and(|h| h.hidden(i))).then_some(cells[i]);
    ConsultationSummary {
        id: k.id,
        matter_id: k.matter_id,
        unit: u.code.clone(),
        title: k.title.clone(),
        method: k.method.as_str().into(),
        status: k.status.as_str().into(),
        opens_on: k.opens_on,
        closes_on: k.closes_on,
        join_code: k.join_code.clone(),
        responses: ResponseCounts {
            online: shown(0),
            paper: shown(1),
            group_tallies: t,
            children_in_tallies: shown(3),
        },
    }
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct OptionDto {
    pub id: i32,
    pub label_vi: String,
    pub label_en: Option<String>,
    pub emoji: Option<String>,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct QuestionDto {
    pub id: i32,
    pub ord: i32,
    /// single | multiple | faces3 | faces5 | text | ranking
    pub kind: String,
    pub text_vi: String,
    pub text_en: Option<String>,
    pub required: bool,
    /// Multiple choice: at most this many options may be chosen ("choose up
    /// to three"); none, no limit.
    pub max_choices: Option<i32>,
    pub options: Vec<OptionDto>,
}

impl From<(question::Model, Vec<question_option::Model>)> for QuestionDto {
    fn from((q, os): (question::Model, Vec<question_option::Model>)) -> Self {
        QuestionDto {
            id: q.id,
            ord: q.ord,
            kind: q.kind,
            text_vi: q.text_vi,
            text_en: q.text_en,
            required: q.required,
            max_choices: q.max_choices,
            options: os
                .into_iter()
                .map(|o| OptionDto {
                    id: o.id,
                    label_vi: o.label_vi,
                    label_en: o.label_en,
                    emoji: o.emoji,
                })
                .collect(),
        }
    }
}

/// One consultation with its questions.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ConsultationDto {
    #[serde(flatten)]
    pub summary: ConsultationSummary,
    pub intro: String,
    pub age_min: i32,
    pub age_max: i32,
    /// Username of the facilitator.
    pub facilitator: Option<String>,
    /// Codes of the units whose children are asked.
    pub audience: Vec<String>,
    pub questions: Vec<QuestionDto>,
}

async fn detail(
    state: &AppState,
    k: &consultation::Model,
    u: &unit::Model,
) -> AppResult<ConsultationDto> {
    let db = &state.db.conn;
    let counts = voice_queries::response_counts(db, &[k.id]).await?;
    let tallies = voice_queries::tally_counts(db, &[k.id]).await?;
    let facilitator = match k.facilitator_id {
        Some(fid) => voice_queries::user_names(db, &[fid])
            .await?
            .remove(&fid)
            .map(|(u, _)| u),
        None => None,
    };
    let questions = consultations::questions(db, k.id)
        .await?
        .into_iter()
        .map(QuestionDto::from)
        .collect();
    Ok(ConsultationDto {
        summary: summary(k, u, &counts, &tallies, false),
        intro: k.intro.clone(),
        age_min: k.age_min,
        age_max: k.age_max,
        facilitator,
        audience: consultations::audience_units(db, k.id)
            .await?
            .into_iter()
            .map(|a| a.code)
            .collect(),
        questions,
    })
}

/// A 409 naming what stands in the way.
fn conflict(field: &str, code: &str, message: &str) -> Response {
    (
        StatusCode::CONFLICT,
        Json(ErrorBody {
            error: ErrorDetail {
                code: "conflict".into(),
                message: message.into(),
                fields: BTreeMap::from([(field.to_string(), code.to_string())]),
                detail: None,
            },
        }),
    )
        .into_response()
}

fn not_draft() -> Response {
    conflict(
        "status",
        "not_draft",
        "The consultation is no longer a draft: its questions cannot change.",
    )
}

/// A refused write on a draft's questions: 409 naming what stands in the way
/// (it is no longer a draft; its questions changed meanwhile), else the error.
fn draft_refused(e: ActionError) -> AppResult<Response> {
    match e {
        ActionError::Conflict { field } if field == "status" => Ok(not_draft()),
        ActionError::Conflict { field } if field == "order" => Ok(conflict(
            "order",
            "questions_changed",
            "The consultation's questions changed meanwhile: read them again.",
        )),
        e => Err(e.into()),
    }
}

/// The body of a write on a consultation, read after its permission and
/// scope are checked (so 403/404 come before 422).
async fn body_for_write<T: serde::de::DeserializeOwned>(
    act: Act<'_>,
    id: i32,
    body: &JsonBody,
) -> AppResult<T> {
    act.require(Permission::RunConsultations)?;
    super::json_after(actions::load_for_write(act, id), body).await
}

fn not_open() -> Response {
    conflict(
        "status",
        "not_open",
        "The consultation is not open: views cannot be entered.",
    )
}

query_params! {
    ConsultationParams {
        /// draft | open | closed | answered
        status,
        /// Only the consultations of this matter (its id).
        matter,
    }
}

/// Consultations in the caller's scope, newest first.
#[utoipa::path(get, path = "/api/v1/consultations", tag = "consultations", params(crate::api::paging::Paging, ConsultationParams),
    responses((status = 200, body = [ConsultationSummary]), (status = 403, body = ErrorBody)))]
pub async fn list(
    Api { state, p }: Api,
    Query(q): Query<ConsultationParams>,
    paging: Listing,
) -> AppResult<Page<ConsultationSummary>> {
    require(&p, Permission::ViewResults)?;
    let status = match q.status.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => {
            Some(Status::parse(s).ok_or_else(|| AppError::invalid("status", "unknown_option"))?)
        }
    };
    let matter = match q.matter.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(m) => Some(
            m.parse::<i32>()
                .map_err(|_| AppError::invalid("matter", "not_a_number"))?,
        ),
    };
    let db = &state.db.conn;
    let rows: Vec<_> = consultations::list(db, &p.scope(), matter)
        .await?
        .into_iter()
        .filter(|(k, _)| status.is_none_or(|s| k.status == s))
        .collect();
    let ids: Vec<i32> = rows.iter().map(|(k, _)| k.id).collect();
    let counts = voice_queries::response_counts(db, &ids).await?;
    let tallies = voice_queries::tally_counts(db, &ids).await?;
    paging.page(
        rows.iter()
            .map(|(k, u)| summary(k, u, &counts, &tallies, true))
            .collect(),
    )
}

/// A new consultation for a matter.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct ConsultationCreate {
    pub matter_id: i32,
    /// Code of the unit that holds it: the matter's unit (default) or one below it.
    #[serde(default)]
    pub unit: Option<String>,
    /// At most 200 characters.
    pub title: String,
    /// A few words for the children, at most 2000 characters.
    #[serde(default)]
    pub intro: String,
    /// survey | group_discussion | forum_session | council_dialogue | club_discussion | online
    pub method: String,
    /// 6–15
    pub age_min: i64,
    /// 6–15, not below `age_min`
    pub age_max: i64,
    /// yyyy-mm-dd (or dd/mm/yyyy)
    pub opens_on: String,
    /// yyyy-mm-dd (or dd/mm/yyyy), not before `opens_on`
    pub closes_on: String,
    /// Username of a facilitator in the caller's scope who can open the consultation.
    #[serde(default)]
    pub facilitator: Option<String>,
    /// Codes of the units whose children are asked.
    #[serde(default)]
    pub audience: Vec<String>,
}

/// Creates a consultation in `draft` with a fresh join code. A matter outside
/// the caller's scope is `422` with `matter_id: unknown_matter`.
#[utoipa::path(post, path = "/api/v1/consultations", tag = "consultations", request_body = ConsultationCreate,
    responses((status = 201, body = ConsultationDto), (status = 403, body = ErrorBody)))]
pub async fn create(Api { state, p }: Api, body: JsonBody) -> AppResult<Created<ConsultationDto>> {
    let act = Act::new(&state.db.conn, &p, state.now());
    act.require(Permission::RunConsultations)?;
    let b: ConsultationCreate = super::json(&body)?;
    // A matter outside the scope is a field of the body, not the address.
    match actions::matter_for_consultation(act, b.matter_id).await {
        Err(ActionError::NotFound) => return Err(invalid_one("matter_id", "unknown_matter").into()),
        r => r?,
    };
    let f = ConsultationInput {
        matter_id: b.matter_id,
        unit: b.unit.unwrap_or_default(),
        title: b.title,
        intro: b.intro,
        method: b.method,
        age_min: b.age_min.into(),
        age_max: b.age_max.into(),
        opens_on: b.opens_on,
        closes_on: b.closes_on,
        facilitator: b.facilitator.unwrap_or_default(),
        audience: b.audience,
    };
    let k = actions::create(act, &f).await?;
    let (k, u) = consultations::get_in_scope(act.db, &p.scope(), k.id).await?;
    Ok(created(detail(&state, &k, &u).await?))
}

async fn load(
    state: &AppState,
    p: &Principal,
    id: i32,
) -> AppResult<(consultation::Model, unit::Model)> {
    Ok(consultations::get_in_scope(&state.db.conn, &p.scope(), id).await?)
}

/// One consultation with its questions, options and join code.
#[utoipa::path(get, path = "/api/v1/consultations/{id}", tag = "consultations",
    params(("id" = i32, Path, description = "Consultation id")),
    responses((status = 200, body = ConsultationDto)))]
pub async fn show(Api { state, p }: Api, Path(id): Path<i32>) -> AppResult<Json<ConsultationDto>> {
    require(&p, Permission::ViewResults)?;
    let (k, u) = load(&state, &p, id).await?;
    Ok(Json(detail(&state, &k, &u).await?))
}

/// One option of a choice or ranking question.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct OptionCreate {
    /// At most 100 characters.
    pub label_vi: String,
    #[serde(default)]
    pub label_en: Option<String>,
    /// An emoji or a short picture name (at most 32 characters).
    #[serde(default)]
    pub emoji: Option<String>,
}

impl From<OptionCreate> for OptionInput {
    fn from(o: OptionCreate) -> Self {
        OptionInput {
            label_vi: o.label_vi,
            label_en: o.label_en,
            emoji: o.emoji,
        }
    }
}

fn yes() -> bool {
    true
}

/// A question: single, multiple and ranking take 2–10 options; faces and text none.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct QuestionCreate {
    /// single | multiple | faces3 | faces5 | text | ranking
    pub kind: String,
    /// At most 300 characters.
    pub text_vi: String,
    #[serde(default)]
    pub text_en: Option<String>,
    /// Default `true`.
    #[serde(default = "yes")]
    pub required: bool,
    /// Multiple choice only: at most this many options may be chosen, 1 to
    /// the number of options ("choose up to three": 3); absent or null, no limit.
    #[serde(default)]
    pub max_choices: Option<i64>,
    #[serde(default)]
    pub options: Vec<OptionCreate>,
}

/// Adds a question at the end; only while the consultation is a draft (else 409).
#[utoipa::path(post, path = "/api/v1/consultations/{id}/questions", tag = "consultations", request_body = QuestionCreate,
    params(("id" = i32, Path, description = "Consultation id")),
    responses((status = 201, body = QuestionDto), (status = 409, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn add_question(RecordWrite { state, p, id, body }: RecordWrite) -> AppResult<Response> {
    let act = Act::new(&state.db.conn, &p, state.now());
    let b: QuestionCreate = body_for_write(act, id, &body).await?;
    let q = match actions::add_question(act, id, &b.into()).await {
        Ok(q) => q,
        Err(e) => return draft_refused(e),
    };
    let dto = question_dto(&state, id, q.id).await?;
    Ok((StatusCode::CREATED, Json(dto)).into_response())
}

impl From<QuestionCreate> for actions::QuestionInput {
    fn from(b: QuestionCreate) -> Self {
        actions::QuestionInput {
            kind: b.kind,
            text_vi: b.text_vi,
            text_en: b.text_en.unwrap_or_default(),
            required: b.required,
            max_choices: b.max_choices.map(Number::Int).unwrap_or_default(),
            options: b.options.into_iter().map(Into::into).collect(),
        }
    }
}

/// One question of the consultation as the API answers it.
async fn question_dto(state: &AppState, id: i32, qid: i32) -> AppResult<QuestionDto> {
    consultations::questions(&state.db.conn, id)
        .await?
        .into_iter()
        .find(|(x, _)| x.id == qid)
        .map(QuestionDto::from)
        .ok_or(AppError::NotFound)
}

/// Rewrites a question of a draft (kind, texts, options; its place stays):
/// only while the consultation is a draft (else 409, and nothing changes).
#[utoipa::path(put, path = "/api/v1/consultations/{id}/questions/{qid}", tag = "consultations", request_body = QuestionCreate,
    params(("id" = i32, Path, description = "Consultation id"), ("qid" = i32, Path, description = "Question id")),
    responses((status = 200, body = QuestionDto), (status = 409, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn edit_question(
    RecordWrite { state, p, id, body }: RecordWrite<(i32, i32)>,
) -> AppResult<Response> {
    let (id, qid) = id;
    let act = Act::new(&state.db.conn, &p, state.now());
    let b: QuestionCreate = body_for_write(act, id, &body).await?;
    match actions::edit_question(act, id, qid, &b.into()).await {
        Ok(q) => Ok(Json(question_dto(&state, id, q.id).await?).into_response()),
        Err(e) => draft_refused(e),
    }
}

/// Removes a question of a draft (else 409).
#[utoipa::path(delete, path = "/api/v1/consultations/{id}/questions/{qid}", tag = "consultations",
    params(("id" = i32, Path, description = "Consultation id"), ("qid" = i32, Path, description = "Question id")),
    responses((status = 204), (status = 409, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn delete_question(
    Api { state, p }: Api,
    Path((id, qid)): Path<(i32, i32)>,
) -> AppResult<Response> {
    let act = Act::new(&state.db.conn, &p, state.now());
    match actions::delete_question(act, id, qid).await {
        Ok(()) => Ok(StatusCode::NO_CONTENT.into_response()),
        Err(e) => draft_refused(e),
    }
}

/// The order of a draft's questions.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct QuestionOrder {
    /// Every question id of the consultation, once each, first question first.
    pub order: Vec<i32>,
}

/// Puts a draft's questions in a new order: `order` names each question once
/// (else 422 `order: not_every_question`); 409 once it is not a draft, or
/// when its questions changed meanwhile (`order`). Answers the questions in
/// their new order.
#[utoipa::path(put, path = "/api/v1/consultations/{id}/question-order", tag = "consultations", request_body = QuestionOrder,
    params(("id" = i32, Path, description = "Consultation id")),
    responses((status = 200, body = [QuestionDto]), (status = 409, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn reorder_questions(
    RecordWrite { state, p, id, body }: RecordWrite,
) -> AppResult<Response> {
    let act = Act::new(&state.db.conn, &p, state.now());
    let b: QuestionOrder = body_for_write(act, id, &body).await?;
    if let Err(e) = actions::reorder_questions(act, id, &b.order).await {
        return draft_refused(e);
    }
    let qs: Vec<QuestionDto> = consultations::questions(act.db, id)
        .await?
        .into_iter()
        .map(QuestionDto::from)
        .collect();
    Ok(Json(qs).into_response())
}

/// Opens a draft with at least one question: children can answer from now on.
#[utoipa::path(post, path = "/api/v1/consultations/{id}/open", tag = "consultations",
    params(("id" = i32, Path, description = "Consultation id")),
    responses((status = 200, body = ConsultationDto), (status = 409, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn open(Api { state, p }: Api, Path(id): Path<i32>) -> AppResult<Response> {
    let act = Act::new(&state.db.conn, &p, state.now());
    match actions::open(act, id).await {
        Ok(k) => {
            let (_, u) = load(&state, &p, id).await?;
            Ok(Json(detail(&state, &k, &u).await?).into_response())
        }
        Err(e) => draft_refused(e),
    }
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct SubmissionAck {
    /// Id of the stored response or tally.
    pub id: i32,
    pub submission_id: String,
    /// `true` when this submission was already stored (status 200).
    pub duplicate: bool,
}

fn ack(s: Submitted, submission_id: &str) -> Response {
    let (status, id, duplicate) = match s {
        Submitted::Created(id) => (StatusCode::CREATED, id, false),
        Submitted::Duplicate(id) => (StatusCode::OK, id, true),
    };
    (
        status,
        Json(SubmissionAck {
            id,
            submission_id: submission_id.trim().to_string(),
            duplicate,
        }),
    )
        .into_response()
}

fn other_content() -> Response {
    conflict(
        "submission_id",
        "different_content",
        "This submission_id was already used with different content.",
    )
}

/// Stores a paper form (source `paper`, entered by the caller). 201 when
/// stored, 200 when the same submission was already stored, 409 when the id
/// was used with other content or the consultation is not open, 422 with every
/// invalid field (`age`, `sex`, `ethnic`, `unit`, `q{id}`, `submission_id`).
#[utoipa::path(post, path = "/api/v1/consultations/{id}/paper-responses", tag = "consultations", request_body = SubmissionBody,
    params(("id" = i32, Path, description = "Consultation id")),
    responses((status = 201, body = SubmissionAck), (status = 200, body = SubmissionAck), (status = 409, body = ErrorBody),
              (status = 403, body = ErrorBody)))]
pub async fn paper_response(
    RecordWrite { state, p, id, body }: RecordWrite,
) -> AppResult<Response> {
    // Permission and scope before the body is read.
    let act = Act::new(&state.db.conn, &p, state.now());
    let b: SubmissionBody = body_for_write(act, id, &body).await?;
    let mut read_errors = BTreeMap::new();
    let answers = raw_answers(b.answers, &mut read_errors);
    let input = PaperInput {
        submission_id: b.submission_id,
        profile: RawProfile::from(b.profile),
        answers,
        read_errors,
    };
    match paper::submit_paper(act, id, &input).await {
        Ok(s) => Ok(ack(s, &input.submission_id)),
        Err(e) => submission_refused(e),
    }
}

/// A refused paper form or tally: the not-open and other-content conflicts
/// have their own bodies.
fn submission_refused(e: ActionError) -> AppResult<Response> {
    match e {
        ActionError::Conflict { field } if field == "status" => Ok(not_open()),
        ActionError::Conflict { field } if field == "submission_id" => Ok(other_content()),
        e => Err(e.into()),
    }
}

tally_body! {
    /// A group discussion entered as one tally.
    #[derive(Debug, Deserialize, utoipa::ToSchema)]
    TallyBody {
        /// A UUID made by the client: sending it again stores nothing new.
        submission_id: String,
    }
}

/// Stores a group tally (source `group`). 201 when stored, 200 when the same
/// submission_id was already stored, 409 when the consultation is not open,
/// 422 naming every invalid field (`label`, `girls`, `boys`, `age_6_10`,
/// `age_11_15`, `ages`, `o{option id}`, `q{question id}`).
#[utoipa::path(post, path = "/api/v1/consultations/{id}/tallies", tag = "consultations", request_body = TallyBody,
    params(("id" = i32, Path, description = "Consultation id")),
    responses((status = 201, body = SubmissionAck), (status = 200, body = SubmissionAck), (status = 409, body = ErrorBody),
              (status = 403, body = ErrorBody)))]
pub async fn tally(RecordWrite { state, p, id, body }: RecordWrite) -> AppResult<Response> {
    let act = Act::new(&state.db.conn, &p, state.now());
    let b: TallyBody = body_for_write(act, id, &body).await?;
    let submission_id = b.submission_id.clone();
    let f = b.tally_input(submission_id);
    match paper::submit_tally(act, id, &f).await {
        Ok(s) => Ok(ack(s, &f.submission_id)),
        Err(e) => submission_refused(e),
    }
}
