//! Results (always suppressed), moderation, closing a consultation and the
//! answer to the children. The rules are the actions'
//! (`actions::moderation::apply`, `actions::results::{close, save_answer}`),
//! which the pages call too, so both doors refuse and store exactly the same
//! things.

use super::Path;
use super::paging::{Listing, Page};
use super::require;
use super::{Api, JsonBody, RecordWrite};
use crate::error::{AppError, AppResult, ErrorBody};
use crate::state::AppState;
use axum::Json;
use chrono::{DateTime, Utc};
use thamgia_actions::{Act, moderation, results as actions};
use thamgia_domain::access::{Permission, Principal};
use thamgia_domain::results::Results;
use thamgia_domain::voice::mask_contacts;
use thamgia_store::entity::consultation;
use thamgia_store::{consultations, indicators, responses};

fn path_id(s: &str) -> Result<i32, AppError> {
    s.parse().map_err(|_| AppError::NotFound)
}

/// A consultation's results. Every count of 1–4 children is `{"count": null,
/// "suppressed": true, "percent": null}`; a group (breakdown row, question or
/// the whole consultation) of 1–4 children has all its cells suppressed.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ResultsDoc {
    pub consultation_id: i32,
    pub title: String,
    /// draft | open | closed | answered
    pub status: String,
    /// `suppress_below`, `children`, `sources` {online, paper, group, group_discussions},
    /// `profile` (breakdowns of who answered), `questions` [{question_id, kind, text_vi, text_en,
    /// answered, from_groups, options [{option_id, face, label_vi, label_en, emoji, cell, mean_rank}],
    /// texts [{text, redacted}] (approved only), breakdowns [{dimension: age_band|sex|ethnic|disability|unit,
    /// groups [{key, name_vi, name_en, total, suppressed, cells}]}]}]. Group discussions add to the
    /// counts but to no breakdown.
    #[schema(value_type = Object)]
    pub results: Results,
}

/// Results of a consultation in the caller's scope, with small cells suppressed.
#[utoipa::path(get, path = "/api/v1/consultations/{id}/results", tag = "results",
    params(("id" = i32, Path, description = "Consultation id")),
    responses((status = 200, body = ResultsDoc), (status = 403, body = ErrorBody)))]
pub async fn results(Api { state, p }: Api, Path(id): Path<String>) -> AppResult<Json<ResultsDoc>> {
    require(&p, Permission::ViewResults)?;
    let db = &state.db.conn;
    let (k, _) = consultations::get_in_scope(db, &p.scope(), path_id(&id)?).await?;
    let results = indicators::results(db, k.id).await?;
    Ok(Json(ResultsDoc {
        consultation_id: k.id,
        title: k.title,
        status: k.status.as_str().into(),
        results,
    }))
}

/// A free-text answer waiting for a moderator.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct PendingText {
    pub answer_id: i32,
    pub consultation_id: i32,
    pub consultation_title: String,
    pub question_id: i32,
    pub question_vi: String,
    pub question_en: Option<String>,
    /// The child's words, as written (only moderators see them before approval).
    pub text: String,
    /// The text with phone numbers masked: a start for a redaction.
    pub suggested: String,
}

/// Free-text answers waiting for moderation in the caller's scope, oldest first.
#[utoipa::path(get, path = "/api/v1/moderation/pending", params(crate::api::paging::Paging), tag = "moderation",
    responses((status = 200, body = [PendingText]), (status = 403, body = ErrorBody)))]
pub async fn pending(Api { state, p }: Api, paging: Listing) -> AppResult<Page<PendingText>> {
    require(&p, Permission::Moderate)?;
    let db = &state.db.conn;
    let rows = responses::pending_texts(db, &p.scope()).await?;
    let qids: Vec<i32> = rows.iter().map(|(a, _)| a.question_id).collect();
    let qs = indicators::questions_by_id(db, &qids).await?;
    paging.page(
        rows.into_iter()
            .map(|(a, k)| {
                let text = a.text.unwrap_or_default();
                let q = qs.get(&a.question_id);
                PendingText {
                    answer_id: a.id,
                    consultation_id: k.id,
                    consultation_title: k.title,
                    question_id: a.question_id,
                    question_vi: q.map(|q| q.text_vi.clone()).unwrap_or_default(),
                    question_en: q.and_then(|q| q.text_en.clone()),
                    suggested: mask_contacts(&text),
                    text,
                }
            })
            .collect(),
    )
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
pub struct ModerationRequest {
    /// approve | reject | redact | flag
    pub action: String,
    /// For `redact`: the text that replaces the child's words (names, phones, places removed).
    #[serde(default)]
    pub text: Option<String>,
    /// For `flag`: what the concern is (required).
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ModerationResult {
    pub answer_id: i32,
    /// approved | rejected | flagged
    pub moderation: String,
    pub redacted: bool,
}

/// A moderator's decision on a free-text answer. `flag` hides the text and
/// raises a safeguarding alert. A rejected or flagged text takes no further
/// decision; an approved one may still be redacted, rejected or flagged.
#[utoipa::path(post, path = "/api/v1/moderation/{answer_id}", tag = "moderation",
    params(("answer_id" = i32, Path, description = "Answer id")),
    request_body = ModerationRequest,
    responses((status = 200, body = ModerationResult), (status = 403, body = ErrorBody)))]
pub async fn moderate(
    RecordWrite { state, p, id, body }: RecordWrite<String>,
) -> AppResult<Json<ModerationResult>> {
    require(&p, Permission::Moderate)?;
    let answer_id = path_id(&id)?;
    // Out of scope is 404 before the body is even read.
    let scope = p.scope();
    let in_scope = responses::answer_in_scope(&state.db.conn, &scope, answer_id);
    let req: ModerationRequest = super::json_after(in_scope, &body).await?;
    let decision = moderation::DecisionInput {
        action: req.action,
        text: req.text,
        note: req.note,
    };
    let act = Act::new(&state.db.conn, &p, state.now());
    let a = moderation::apply(act, answer_id, &decision).await?;
    Ok(Json(ModerationResult {
        answer_id: a.id,
        moderation: a.moderation.unwrap_or_default(),
        redacted: a.redacted,
    }))
}

/// A consultation's state after closing or answering.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ConsultationState {
    pub id: i32,
    /// draft | open | closed | answered
    pub status: String,
    pub findings: Option<String>,
    pub closed_at: Option<DateTime<Utc>>,
    pub answer_decided: Option<String>,
    pub answer_taken: Option<String>,
    pub answer_not_taken: Option<String>,
    pub answer_published_at: Option<DateTime<Utc>>,
}

impl From<consultation::Model> for ConsultationState {
    fn from(k: consultation::Model) -> Self {
        ConsultationState {
            id: k.id,
            status: k.status.as_str().into(),
            findings: k.findings,
            closed_at: k.closed_at,
            answer_decided: k.answer_decided,
            answer_taken: k.answer_taken,
            answer_not_taken: k.answer_not_taken,
            answer_published_at: k.answer_published_at,
        }
    }
}

/// The start of a write on consultation `id` (as the path has it) by
/// those who answer the children: permission, the consultation in the
/// caller's scope, then the body (so 403 and 404 come before 422).
async fn consultation_write<B: serde::de::DeserializeOwned>(
    state: &AppState,
    p: &Principal,
    id: &str,
    body: &JsonBody,
) -> AppResult<(i32, B)> {
    require(p, Permission::AnswerChildren)?;
    let id = path_id(id)?;
    let write = consultations::for_write(&state.db.conn, p, id);
    Ok((id, super::json_after(write, body).await?))
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
pub struct CloseRequest {
    /// What the children said, in short (required, at most 5000 characters).
    pub findings: String,
}

/// Closes an open consultation with its findings: no more answers.
/// `422` with `fields.status = "not_open"` when it is not open.
#[utoipa::path(post, path = "/api/v1/consultations/{id}/close", tag = "results",
    params(("id" = i32, Path, description = "Consultation id")),
    request_body = CloseRequest,
    responses((status = 200, body = ConsultationState), (status = 403, body = ErrorBody)))]
pub async fn close(
    RecordWrite { state, p, id, body }: RecordWrite<String>,
) -> AppResult<Json<ConsultationState>> {
    let (id, req): (i32, CloseRequest) = consultation_write(&state, &p, &id, &body).await?;
    let act = Act::new(&state.db.conn, &p, state.now());
    Ok(Json(actions::close(act, id, &req.findings).await?.into()))
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
pub struct AnswerRequest {
    /// What was decided, in words a child understands (at most 3000 characters).
    #[serde(default)]
    pub decided: String,
    /// Which of the children's views were taken in.
    #[serde(default)]
    pub taken: String,
    /// Which were not, and why (may say "Không có").
    #[serde(default)]
    pub not_taken: String,
    /// `true` publishes it at `/c/{join_code}` (all three parts required);
    /// `false` saves a draft.
    #[serde(default)]
    pub publish: bool,
}

/// Saves or publishes the answer to the children of a closed consultation.
/// `422` with `fields.status` = `not_closed` or `already_published` otherwise.
#[utoipa::path(post, path = "/api/v1/consultations/{id}/answer", tag = "results",
    params(("id" = i32, Path, description = "Consultation id")),
    request_body = AnswerRequest,
    responses((status = 200, body = ConsultationState), (status = 403, body = ErrorBody)))]
pub async fn answer(
    RecordWrite { state, p, id, body }: RecordWrite<String>,
) -> AppResult<Json<ConsultationState>> {
    let (id, req): (i32, AnswerRequest) = consultation_write(&state, &p, &id, &body).await?;
    let input = actions::AnswerInput {
        decided: req.decided,
        taken: req.taken,
        not_taken: req.not_taken,
        publish: req.publish,
    };
    let act = Act::new(&state.db.conn, &p, state.now());
    let k = actions::save_answer(act, id, &input).await?;
    Ok(Json(k.into()))
}
