//! Public operations for offline tools, keyed by a consultation's join code
//! (no account, like the child's page): read the form, send one child's
//! answers. A tool may collect answers without signal and send them later;
//! its client-made `submission_id` makes every resend safe.

use super::JsonBody;
use super::Path;
use crate::auth::Ctx;
use crate::error::{AppError, AppResult, ErrorBody, ErrorDetail};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Duration, Utc};
use std::collections::BTreeMap;
use thamgia_actions::responses::{self as rules, Checked, Door, Form, Limits, Outcome};
use thamgia_domain::ethnic;
use thamgia_domain::voice::{QuestionKind, RawAnswer, RawProfile, Sex};
use thamgia_store::entity::consultation;

#[derive(serde::Serialize, utoipa::ToSchema)]
#[schema(as = JoinOptionDto)]
pub struct OptionDto {
    pub id: i32,
    pub label_vi: String,
    pub label_en: Option<String>,
    /// An emoji the official typed, shown beside the picture (never instead of it).
    pub emoji: Option<String>,
    /// The option's picture in the child's page's library (`school`, `tree`, …;
    /// `dot` when none was chosen), so an offline tool can show the same one.
    pub picture: &'static str,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
#[schema(as = JoinQuestionDto)]
pub struct QuestionDto {
    /// Key of the answer in a submission's `answers`.
    pub id: i32,
    /// single | multiple | faces3 | faces5 | text | ranking
    pub kind: String,
    pub text_vi: String,
    pub text_en: Option<String>,
    pub required: bool,
    /// For face scales: the number of faces (answer `face` is 1..=n).
    pub faces: Option<u8>,
    /// For single, multiple and ranking questions.
    pub options: Vec<OptionDto>,
    /// Longest text answer, in characters (text questions).
    pub max_chars: Option<usize>,
    /// Multiple choice: at most this many options may be chosen (more are
    /// refused with `too_many_choices`); none, no limit.
    pub max_choices: Option<i32>,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct UnitChoiceDto {
    pub code: String,
    pub name_vi: String,
    pub name_en: String,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct EthnicDto {
    /// Official code, 01–54.
    pub code: String,
    pub name_vi: String,
    /// Lives as a community in the province (listed first).
    pub local: bool,
}

/// A consultation's public form: everything an offline tool needs to ask it.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct JoinFormDto {
    pub code: String,
    pub title: String,
    pub intro: String,
    pub age_min: i32,
    pub age_max: i32,
    pub opens_on: chrono::NaiveDate,
    pub closes_on: chrono::NaiveDate,
    /// Whether answers are accepted today (false before `opens_on`).
    pub accepting: bool,
    pub questions: Vec<QuestionDto>,
    /// Schools and communes a child may name in `profile.unit`.
    pub units: Vec<UnitChoiceDto>,
    /// Ethnic groups for `profile.ethnic`, the province's own first.
    pub ethnic_groups: Vec<EthnicDto>,
    /// Values for `profile.sex`.
    pub sexes: Vec<String>,
}

/// The optional profile; never a name.
#[derive(Debug, serde::Deserialize, utoipa::ToSchema, Default)]
#[schema(as = ChildProfileBody)]
pub struct ProfileBody {
    /// 6–15, within the consultation's ages.
    pub age: Option<i64>,
    /// girl | boy | other
    pub sex: Option<String>,
    /// Ethnic group code (01–54).
    pub ethnic: Option<String>,
    pub disability: Option<bool>,
    /// Code of the child's school or commune: on the child's form one of the
    /// form's `units`; on a paper form an audience unit or one below it.
    pub unit: Option<String>,
}

impl From<ProfileBody> for RawProfile {
    fn from(b: ProfileBody) -> Self {
        let ProfileBody {
            age,
            sex,
            ethnic,
            disability,
            unit,
        } = b;
        RawProfile {
            age,
            sex,
            ethnic,
            disability,
            unit,
        }
    }
}

/// The answers of a body (the child's form, a paper form) by question id; a
/// key that is no number is an error `q{key}` in `errors`.
pub(crate) fn raw_answers(
    answers: BTreeMap<String, AnswerBody>,
    errors: &mut BTreeMap<String, String>,
) -> BTreeMap<i32, RawAnswer> {
    let mut read = BTreeMap::new();
    for (key, a) in answers {
        match key.trim().parse::<i32>() {
            Ok(id) => {
                let raw = RawAnswer {
                    options: a.options,
                    face: a.face,
                    text: a.text,
                };
                read.insert(id, raw);
            }
            Err(_) => {
                errors.insert(format!("q{key}"), "unknown_question".to_string());
            }
        }
    }
    read
}

/// One answer: `options` for single and multiple choice (ranking: every
/// option, first choice first), `face` for face scales, `text` for text.
#[derive(Debug, serde::Deserialize, utoipa::ToSchema, Default)]
#[schema(as = ChildAnswerBody)]
pub struct AnswerBody {
    #[serde(default)]
    pub options: Vec<i32>,
    pub face: Option<i64>,
    pub text: Option<String>,
}

/// A child's form as sent, or a paper form typed in later (or collected by
/// an offline tool).
#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
pub struct SubmissionBody {
    /// A UUID made by the client once per child's submission: sending it again
    /// stores nothing new.
    pub submission_id: String,
    #[serde(default)]
    pub profile: ProfileBody,
    /// Question id (as a string) → answer.
    #[serde(default)]
    pub answers: BTreeMap<String, AnswerBody>,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct SubmittedDto {
    /// stored | duplicate
    pub status: String,
}

fn error(status: StatusCode, code: &str, message: String) -> Response {
    let body = ErrorBody {
        error: ErrorDetail {
            code: code.into(),
            message,
            fields: BTreeMap::new(),
            detail: None,
        },
    };
    (status, Json(body)).into_response()
}

/// 404 unknown or draft, 410 closed or answered; `Ok` with the door otherwise.
async fn open_consultation(
    state: &AppState,
    code: &str,
) -> Result<(consultation::Model, Door), Response> {
    let k = rules::find(&state.db.conn, code)
        .await
        .map_err(|e| AppError::from(e).into_response())?;
    let Some(k) = k else {
        return Err(AppError::NotFound.into_response());
    };
    match rules::door(&k, state.now().date_naive()) {
        Door::Closed | Door::Answered => Err(error(
            StatusCode::GONE,
            "consultation_closed",
            crate::i18n::Lang::En.t("child-api-closed"),
        )),
        d => Ok((k, d)),
    }
}

/// A consultation's public form, by join code (no account needed).
#[utoipa::path(get, path = "/api/v1/join/{code}", tag = "children",
    security(()),
    params(("code" = String, Path, description = "Join code; case, spaces and dashes do not matter")),
    responses(
        (status = 200, body = JoinFormDto),
        (status = 404, description = "Unknown code (or a consultation still in draft)", body = ErrorBody),
        (status = 410, description = "`consultation_closed`", body = ErrorBody)))]
pub async fn form(State(state): State<AppState>, Path(code): Path<String>) -> Response {
    let (k, d) = match open_consultation(&state, &code).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    match Form::load(&state.db.conn, k, state.now().date_naive()).await {
        Ok(f) => Json(form_dto(&f, d == Door::Open)).into_response(),
        Err(e) => AppError::from(e).into_response(),
    }
}

/// Everything a tool needs to ask a consultation's questions.
pub(crate) fn form_dto(f: &Form, accepting: bool) -> JoinFormDto {
    let questions = f
        .questions
        .iter()
        .map(|(q, opts)| {
            let kind = QuestionKind::parse(&q.kind);
            QuestionDto {
                id: q.id,
                kind: q.kind.clone(),
                text_vi: q.text_vi.clone(),
                text_en: q.text_en.clone(),
                required: q.required,
                faces: kind.and_then(QuestionKind::faces),
                options: opts
                    .iter()
                    .map(|o| {
                        let p = thamgia_domain::pictures::read(o.emoji.as_deref());
                        OptionDto {
                            id: o.id,
                            label_vi: o.label_vi.clone(),
                            label_en: o.label_en.clone(),
                            emoji: p.text,
                            picture: p.key,
                        }
                    })
                    .collect(),
                max_chars: (kind == Some(QuestionKind::Text))
                    .then_some(thamgia_domain::voice::MAX_TEXT_CHARS),
                max_choices: q.max_choices,
            }
        })
        .collect();
    JoinFormDto {
        code: f.k.join_code.clone(),
        title: f.k.title.clone(),
        intro: f.k.intro.clone(),
        age_min: f.k.age_min,
        age_max: f.k.age_max,
        opens_on: f.k.opens_on,
        closes_on: f.k.closes_on,
        accepting,
        questions,
        units: f
            .units
            .iter()
            .map(|u| UnitChoiceDto {
                code: u.code.clone(),
                name_vi: u.name_vi.clone(),
                name_en: u.name_en.clone(),
            })
            .collect(),
        ethnic_groups: ethnic::local_first()
            .into_iter()
            .map(|g| EthnicDto {
                code: g.code.into(),
                name_vi: g.name_vi.into(),
                local: g.local,
            })
            .collect(),
        sexes: Sex::ALL.iter().map(|s| s.as_str().to_string()).collect(),
    }
}

/// One child's answers, sent by an offline tool. The same `submission_id` with
/// the same content is stored once (201, then 200 `duplicate`); with other
/// content it is 409. Only stored responses count against the rate limits
/// (per client and per code, 429 `too_many_attempts`).
#[utoipa::path(post, path = "/api/v1/join/{code}/responses", tag = "children",
    security(()),
    params(("code" = String, Path, description = "Join code")),
    request_body = SubmissionBody,
    responses(
        (status = 201, description = "Stored", body = SubmittedDto),
        (status = 200, description = "Already stored with the same content", body = SubmittedDto),
        (status = 403, description = "`consultation_not_open`: before its first day", body = ErrorBody),
        (status = 409, description = "The same `submission_id` with other content", body = ErrorBody),
        (status = 410, description = "`consultation_closed`", body = ErrorBody),
        (status = 422, description = "Invalid; `fields` names `submission_id`, `age`, `sex`, `ethnic`, `unit`, `q{id}`", body = ErrorBody),
        (status = 429, description = "`too_many_attempts`", body = ErrorBody)))]
pub async fn submit(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
    body: JsonBody,
) -> Response {
    match submit_inner(&state, &ctx, &code, &body).await {
        Ok(r) => r,
        Err(e) => e.into_response(),
    }
}

/// A submission checked against its form: the answers and the canonical
/// submission id, or every error by field.
pub(crate) fn parse(
    form: &Form,
    b: SubmissionBody,
) -> Result<(Checked, String), BTreeMap<String, String>> {
    let mut errors = BTreeMap::new();
    let sid = rules::submission_id(&b.submission_id);
    if sid.is_none() {
        errors.insert("submission_id".to_string(), "not_a_uuid".to_string());
    }
    let profile = RawProfile::from(b.profile);
    let answers = raw_answers(b.answers, &mut errors);
    match (rules::check(form, &profile, &answers), sid) {
        (Ok(c), Some(sid)) if errors.is_empty() => Ok((c, sid)),
        (Err(e), _) => {
            errors.extend(e);
            Err(errors)
        }
        _ => Err(errors),
    }
}

async fn submit_inner(
    state: &AppState,
    ctx: &Ctx,
    code: &str,
    body: &JsonBody,
) -> AppResult<Response> {
    let (k, d) = match open_consultation(state, code).await {
        Ok(x) => x,
        Err(r) => return Ok(r),
    };
    if d == Door::NotYet {
        return Ok(error(
            StatusCode::FORBIDDEN,
            "consultation_not_open",
            crate::i18n::Lang::En.t("child-api-not-open"),
        ));
    }
    let b: SubmissionBody = super::json(body)?;
    let form = Form::load(&state.db.conn, k, state.now().date_naive()).await?;
    let (checked, sid) = parse(&form, b).map_err(|fields| AppError::Invalid {
        fields,
        detail: None,
    })?;
    Ok(
        match rules::submit_online(
            &state.db.conn,
            state.now(),
            state,
            &ctx.client,
            &form.k,
            &sid,
            checked,
        )
        .await?
        {
            Outcome::Created => (
                StatusCode::CREATED,
                Json(SubmittedDto {
                    status: "stored".into(),
                }),
            )
                .into_response(),
            Outcome::Duplicate => (
                StatusCode::OK,
                Json(SubmittedDto {
                    status: "duplicate".into(),
                }),
            )
                .into_response(),
            Outcome::Conflict => AppError::Conflict {
                field: "submission_id".into(),
            }
            .into_response(),
            Outcome::Limited => AppError::Throttled.into_response(),
        },
    )
}

/// The child's door's per-minute limits, per client and per join code
/// (`actions::responses::submit_online` takes them).
impl Limits for AppState {
    type Ticket = crate::ratelimit::Ticket;

    fn acquire(&self, client: &str, code: &str, now: DateTime<Utc>) -> Option<Self::Ticket> {
        let client_key = format!("client:{client}");
        let code_key = format!("code:{code}");
        let keys = [
            (client_key.as_str(), self.config.child_per_client_per_minute),
            (code_key.as_str(), self.config.child_per_code_per_minute),
        ];
        self.child_limits.acquire(&keys, Duration::minutes(1), now)
    }

    fn release(&self, ticket: Self::Ticket) {
        self.child_limits.release(ticket);
    }
}
