//! The facilitator's offline app (`/facilitator/`): sign a device in once,
//! download the open consultations of the facilitator's scope, and sync the
//! answers children gave on the device while it had no signal.
//!
//! **Late answers, one rule** ([`judge`]): an answer made while its
//! consultation was open — on or before its last day, and before it was
//! closed if that came first — is accepted during `late_sync_days` after the
//! closing, marked late-synced and counted like any other; once the answer to
//! the children is published (or the year locked) it is refused with that
//! reason. "Made" is the device's time corrected by the clock offset the
//! device reveals at each sync (its clock at send time against the server's).

use super::Path;
use super::child::{JoinFormDto, ProfileBody, SubmissionBody, form_dto, parse};
use super::paging::{Listing, Page};
use super::shapes::tally_body;
use super::{Api, JsonBody};
use crate::auth::{ApiUser, Ctx, random_token};
use crate::error::{AppError, AppResult, ErrorBody, YEAR_LOCKED};
use crate::password;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Duration, NaiveTime, Utc};
use std::collections::BTreeMap;
use thamgia_actions::responses::{self as rules, Door, Form, check_group_tally};
use thamgia_domain::access::{Actor, Permission, Principal, Role};
use thamgia_domain::voice::{Source, Status};
use thamgia_store::StoreError;
use thamgia_store::devices;
use thamgia_store::entity::{consultation, device, unit, user};
use thamgia_store::responses::{self, LateSync, Submission, Submitted};

/// Most submissions one sync may carry: small batches, so a weak connection
/// that drops loses at most one batch's round trip.
pub const MAX_BATCH: usize = 50;

// ---- the late-answer rule ----

/// Why a submission was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Refusal {
    /// The join code names no consultation (or one still in draft).
    UnknownConsultation,
    /// The consultation's first day has not come.
    NotYetOpen,
    /// Made after the consultation closed (on the corrected device time).
    MadeAfterClosing,
    /// The grace period after closing is over.
    GraceOver,
    /// The answer to the children is published: no more answers.
    AnswerPublished,
    /// The year's figures are approved and locked.
    YearLocked,
    /// The same `submission_id` was stored with other content.
    Conflict,
}

impl Refusal {
    fn key(self) -> &'static str {
        match self {
            Refusal::UnknownConsultation => "device-refused-unknown",
            Refusal::NotYetOpen => "device-refused-not-yet",
            Refusal::MadeAfterClosing => "device-refused-after-closing",
            Refusal::GraceOver => "device-refused-grace-over",
            Refusal::AnswerPublished => "device-refused-answer-published",
            Refusal::YearLocked => "device-refused-year-locked",
            Refusal::Conflict => "device-refused-conflict",
        }
    }
}

/// Whether a consultation takes an answer made at `made_at` (server time)
/// and arriving at `now`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Open now: an answer like any other.
    OnTime,
    /// Closed, but made while open and inside the grace period.
    Late,
    Refused(Refusal),
}

/// The moment answers stopped: the end of the last day (UTC, as the child's
/// page counts days) or the closing, whichever came first.
pub fn closing(k: &consultation::Model) -> DateTime<Utc> {
    let end_of_last_day = (k.closes_on + Duration::days(1))
        .and_time(NaiveTime::MIN)
        .and_utc();
    match k.closed_at {
        Some(c) if c < end_of_last_day => c,
        _ => end_of_last_day,
    }
}

/// The late-answer rule (see the module's documentation).
pub fn judge(
    k: &consultation::Model,
    now: DateTime<Utc>,
    made_at: DateTime<Utc>,
    grace_days: i64,
) -> Verdict {
    match rules::door(k, now.date_naive()) {
        Door::Open => Verdict::OnTime,
        Door::NotYet => Verdict::Refused(Refusal::NotYetOpen),
        Door::Answered => Verdict::Refused(Refusal::AnswerPublished),
        Door::Closed => {
            let end = closing(k);
            if made_at >= end || made_at.date_naive() < k.opens_on {
                Verdict::Refused(Refusal::MadeAfterClosing)
            } else if now > end + Duration::days(grace_days.max(0)) {
                Verdict::Refused(Refusal::GraceOver)
            } else {
                Verdict::Late
            }
        }
    }
}

// ---- signing a device in ----

#[derive(serde::Deserialize, utoipa::ToSchema)]
pub struct DeviceSignIn {
    pub username: String,
    pub password: String,
    /// What the facilitator calls the device ("Điện thoại của cô Lan").
    #[serde(default)]
    pub label: Option<String>,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct DeviceIssued {
    /// The device token (`dev_…`), shown once: send it as `Authorization:
    /// Bearer` to `/api/v1/device/…`. Only its digest is kept.
    pub token: String,
    pub device_id: i32,
    pub label: String,
    /// The facilitator's display name, for the app's header.
    pub display_name: String,
}

/// Longest device label, in characters.
const MAX_LABEL: usize = 80;

/// Signs a device in with a facilitator's (or officer's) username and
/// password, once, online; the answer's token is the device's key from then
/// on. Throttled per account like the sign-in page.
#[utoipa::path(post, path = "/api/v1/devices", tag = "devices",
    operation_id = "device_sign_in",
    security(()),
    request_body = DeviceSignIn,
    responses(
        (status = 201, description = "Signed in: the device token", body = DeviceIssued),
        (status = 401, description = "`unauthenticated`: wrong username or password", body = ErrorBody),
        (status = 403, description = "`forbidden`: the account may not run consultations", body = ErrorBody),
        (status = 415, description = "`unsupported_media_type`: the body is not JSON", body = ErrorBody),
        (status = 422, description = "`invalid_input`; `fields` names `username`, `password` or `label`", body = ErrorBody),
        (status = 429, description = "`too_many_attempts`: too many failed sign-ins of the account", body = ErrorBody)))]
pub async fn sign_in(
    State(state): State<AppState>,
    ctx: Ctx,
    body: JsonBody,
) -> AppResult<Response> {
    let b: DeviceSignIn = super::json(&body)?;
    let now = state.now();
    let username = b.username.trim().to_lowercase();
    let label = b.label.as_deref().map(str::trim).unwrap_or("").to_string();
    if label.chars().count() > MAX_LABEL {
        return Err(AppError::invalid("label", "too_long"));
    }
    let db = &state.db.conn;
    let since = now - Duration::seconds(state.throttle.window_secs);
    if state
        .throttle
        .blocks(thamgia_store::users::failures_since(db, &username, since).await?)
    {
        return Err(AppError::Throttled);
    }
    let found = thamgia_store::users::by_username(db, &username).await?;
    let ok = match &found {
        Some(u) if u.active => password::verify(&b.password, &u.password_hash),
        _ => {
            let _ = password::verify(&b.password, password::dummy_hash());
            false
        }
    };
    let Some(u) = found.filter(|_| ok) else {
        thamgia_store::users::record_failure(db, &username, &ctx.client, now).await?;
        return Err(AppError::Unauthenticated);
    };
    thamgia_store::users::clear_failures(db, &username).await?;
    let p = thamgia_store::users::principal(db, &u).await?;
    super::require(&p, Permission::RunConsultations)?;
    let token = format!("{}{}", devices::TOKEN_PREFIX, random_token());
    let label = if label.is_empty() {
        format!("{} · {}", u.display_name, now.format("%d/%m/%Y"))
    } else {
        label
    };
    let actor = Actor {
        user_id: Some(u.id),
        label: u.username.clone(),
    };
    let d = devices::create(db, &actor, now, u.id, &token, &label).await?;
    Ok((
        StatusCode::CREATED,
        Json(DeviceIssued {
            token,
            device_id: d.id,
            label: d.label,
            display_name: u.display_name,
        }),
    )
        .into_response())
}

// ---- what a device downloads ----

/// The signed-in device, or 403 for any other caller (a session, an API token).
fn device_of(ctx: &Ctx) -> AppResult<i32> {
    ctx.device_id.ok_or(AppError::Forbidden)
}

/// The open consultations a device may ask: the facilitator's own, those of
/// the scope, and those whose audience holds the facilitator's unit.
async fn open_for(state: &AppState, p: &Principal) -> AppResult<Vec<consultation::Model>> {
    use thamgia_store::sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
    let db = &state.db.conn;
    let today = state.now().date_naive();
    let open = consultation::Entity::find()
        .filter(consultation::Column::Status.eq(Status::Open))
        .filter(consultation::Column::ClosesOn.gte(today))
        .order_by_asc(consultation::Column::ClosesOn)
        .all(db)
        .await
        .map_err(StoreError::from)?;
    let scope = p.scope();
    let mut out = vec![];
    for k in open {
        let mut paths = vec![];
        if let Some(u) = unit::Entity::find_by_id(k.unit_id)
            .one(db)
            .await
            .map_err(StoreError::from)?
        {
            if scope.contains(&u.path) {
                out.push(k);
                continue;
            }
            paths.push(u.path);
        }
        let audience = thamgia_store::entity::consultation_unit::Entity::find()
            .filter(thamgia_store::entity::consultation_unit::Column::ConsultationId.eq(k.id))
            .all(db)
            .await
            .map_err(StoreError::from)?;
        for a in audience {
            if let Some(u) = unit::Entity::find_by_id(a.unit_id)
                .one(db)
                .await
                .map_err(StoreError::from)?
            {
                paths.push(u.path);
            }
        }
        // The facilitator's unit inside the consultation's audience.
        let mine = thamgia_domain::access::Scope {
            path: p.unit_path.clone(),
        };
        if k.facilitator_id == Some(p.user_id)
            || paths
                .iter()
                .any(|path| thamgia_domain::access::is_within(&mine.path, path))
        {
            out.push(k);
        }
    }
    Ok(out)
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct DeviceBundle {
    /// The server's clock now, so the app can show how far its own is off.
    pub server_time: DateTime<Utc>,
    /// Days after closing during which answers made while open still sync.
    pub late_sync_days: i64,
    pub consultations: Vec<JoinFormDto>,
}

/// The open consultations of the facilitator's scope with everything the
/// app needs to ask them offline (questions, pictures, ages, schools).
#[utoipa::path(get, path = "/api/v1/device/consultations", tag = "devices",
    operation_id = "device_consultations",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The consultations to keep on the device", body = DeviceBundle),
        (status = 401, description = "`unauthenticated`: no device token, or the device was revoked", body = ErrorBody),
        (status = 403, description = "`forbidden`: not a device token", body = ErrorBody)))]
pub async fn consultations(
    State(state): State<AppState>,
    ApiUser(p, ctx): ApiUser,
) -> AppResult<Json<DeviceBundle>> {
    device_of(&ctx)?;
    let today = state.now().date_naive();
    let mut list = vec![];
    for k in open_for(&state, &p).await? {
        let accepting = rules::door(&k, today) == Door::Open;
        let f = Form::load(&state.db.conn, k, today).await?;
        list.push(form_dto(&f, accepting));
    }
    Ok(Json(DeviceBundle {
        server_time: state.now(),
        late_sync_days: state.config.late_sync_days,
        consultations: list,
    }))
}

// ---- sync ----

/// How an answer was collected on the device.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Collected {
    /// A child answered on the device (kiosk mode).
    #[default]
    Kiosk,
    /// The facilitator typed in a child's paper form.
    Paper,
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
pub struct SyncItem {
    /// The consultation's join code.
    pub code: String,
    /// A UUID made on the device when the child finished.
    pub submission_id: String,
    /// When it was made, on the device's clock.
    pub made_at: DateTime<Utc>,
    #[serde(default)]
    pub collected: Collected,
    #[serde(default)]
    pub profile: ProfileBody,
    /// Question id (as a string) → answer, as in `/api/v1/join/{code}/responses`.
    #[serde(default)]
    pub answers: BTreeMap<String, super::child::AnswerBody>,
}

tally_body! {
    /// A group discussion the facilitator tallied on the device: the fields of
    /// `POST /api/v1/consultations/{id}/tallies` with the join code and the
    /// device time it was made. No child's name: only counts.
    #[derive(serde::Deserialize, utoipa::ToSchema)]
    SyncTally {
        /// The consultation's join code.
        code: String,
        /// A UUID made on the device when the tally was saved.
        submission_id: String,
        /// When it was made, on the device's clock.
        made_at: DateTime<Utc>,
    }
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
pub struct SyncBody {
    /// The device's clock when it sent this batch: the server's clock minus
    /// this is the offset applied to every `made_at`.
    pub device_time: DateTime<Utc>,
    /// Answers waiting on the device to be sent, this batch included.
    pub unsent: i32,
    /// At most 50, tallies included.
    #[serde(default)]
    pub submissions: Vec<SyncItem>,
    /// Group tallies; with `submissions`, at most 50.
    #[serde(default)]
    pub tallies: Vec<SyncTally>,
}

/// What became of one submission.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SyncStatus {
    /// Stored now.
    Stored,
    /// Stored before (a resend): nothing new.
    Duplicate,
    /// Not stored, for `reason`; the device keeps it and shows why.
    Refused,
    /// Not stored: the answers do not fit the form (`fields`).
    Invalid,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct SyncResult {
    /// As sent (canonical form when it is a UUID).
    pub submission_id: String,
    pub status: SyncStatus,
    /// Stored after closing, made while open: counted as on time.
    pub late: bool,
    pub reason: Option<Refusal>,
    /// The refusal or the errors in the request's language, for the facilitator.
    pub message: Option<String>,
    /// For `invalid`: field → error code.
    pub fields: BTreeMap<String, String>,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct SyncAnswer {
    pub server_time: DateTime<Utc>,
    /// Server clock minus device clock, in seconds, as recorded for this sync.
    pub clock_offset_seconds: i64,
    /// One per submission, in the order sent.
    pub results: Vec<SyncResult>,
    /// One per tally, in the order sent (`fields` as the tallies' API names them).
    pub tallies: Vec<SyncResult>,
}

/// Sends a batch of answers and group tallies collected on the device. Each
/// is judged on its own by the same late rule: stored once (a resend answers
/// `duplicate`), refused with a reason, or invalid; the batch is never
/// refused as a whole for one of them. The device's clock offset and its
/// count of unsent items are recorded.
#[utoipa::path(post, path = "/api/v1/device/sync", tag = "devices",
    operation_id = "device_sync",
    security(("bearer" = [])),
    request_body = SyncBody,
    responses(
        (status = 200, description = "Every submission's outcome, in order", body = SyncAnswer),
        (status = 401, description = "`unauthenticated`: no device token, or the device was revoked", body = ErrorBody),
        (status = 403, description = "`forbidden`: not a device token", body = ErrorBody),
        (status = 415, description = "`unsupported_media_type`: the body is not JSON", body = ErrorBody),
        (status = 422, description = "`invalid_input`; `fields` names `submissions` or `tallies` (more than 50 together), `device_time`, `unsent`", body = ErrorBody)))]
pub async fn sync(
    State(state): State<AppState>,
    ApiUser(p, ctx): ApiUser,
    body: JsonBody,
) -> AppResult<Json<SyncAnswer>> {
    let device_id = device_of(&ctx)?;
    let b: SyncBody = super::json(&body)?;
    if b.submissions.len() > MAX_BATCH {
        return Err(AppError::invalid("submissions", "too_many"));
    }
    if b.submissions.len() + b.tallies.len() > MAX_BATCH {
        return Err(AppError::invalid("tallies", "too_many"));
    }
    if b.unsent < 0 {
        return Err(AppError::invalid("unsent", "negative"));
    }
    let now = state.now();
    let offset = now - b.device_time;
    let mut results = vec![];
    for item in b.submissions {
        results.push(sync_one(&state, &p, device_id, now, offset, item, ctx.lang).await?);
    }
    let mut tallies = vec![];
    for item in b.tallies {
        tallies.push(sync_tally(&state, &p, device_id, now, offset, item, ctx.lang).await?);
    }
    // Every item of the batch now has its answer: stored ones leave the
    // device, refused ones stay on it to be read, none waits any more.
    let answered = i32::try_from(results.len() + tallies.len()).unwrap_or(i32::MAX);
    devices::record_sync(
        &state.db.conn,
        device_id,
        now,
        b.unsent.saturating_sub(answered).max(0),
        offset.num_seconds(),
    )
    .await?;
    Ok(Json(SyncAnswer {
        server_time: now,
        clock_offset_seconds: offset.num_seconds(),
        results,
        tallies,
    }))
}

/// What the store said of one synced item (an answer or a tally), as the
/// item's result: stored, already stored, or refused by a year lock or
/// another conflict.
fn stored_result(
    sid: String,
    late: bool,
    result: Result<Submitted, StoreError>,
    lang: crate::i18n::Lang,
) -> AppResult<SyncResult> {
    let done = |status| SyncResult {
        submission_id: sid.clone(),
        status,
        late,
        reason: None,
        message: None,
        fields: BTreeMap::new(),
    };
    Ok(match result {
        Ok(Submitted::Created(_)) => done(SyncStatus::Stored),
        Ok(Submitted::Duplicate(_)) => done(SyncStatus::Duplicate),
        Err(StoreError::Conflict { field }) if field == YEAR_LOCKED => {
            refused(sid, Refusal::YearLocked, lang)
        }
        Err(StoreError::Conflict { .. }) => refused(sid, Refusal::Conflict, lang),
        Err(e) => return Err(e.into()),
    })
}

fn refused(sid: String, why: Refusal, lang: crate::i18n::Lang) -> SyncResult {
    SyncResult {
        submission_id: sid,
        status: SyncStatus::Refused,
        late: false,
        reason: Some(why),
        message: Some(lang.t(why.key())),
        fields: BTreeMap::new(),
    }
}

async fn sync_one(
    state: &AppState,
    p: &Principal,
    device_id: i32,
    now: DateTime<Utc>,
    offset: Duration,
    item: SyncItem,
    lang: crate::i18n::Lang,
) -> AppResult<SyncResult> {
    let sid = rules::submission_id(&item.submission_id).unwrap_or(item.submission_id.clone());
    let Some(k) = rules::find(&state.db.conn, &item.code).await? else {
        return Ok(refused(sid, Refusal::UnknownConsultation, lang));
    };
    // The device's time on the server's clock; never later than now.
    let made_at = (item.made_at + offset).min(now);
    let verdict = judge(&k, now, made_at, state.config.late_sync_days);
    if let Verdict::Refused(why) = verdict {
        return Ok(refused(sid, why, lang));
    }
    let form = Form::load(&state.db.conn, k, now.date_naive()).await?;
    let body = SubmissionBody {
        submission_id: item.submission_id,
        profile: item.profile,
        answers: item.answers,
    };
    let (checked, sid) = match parse(&form, body) {
        Ok(x) => x,
        Err(fields) => {
            return Ok(SyncResult {
                submission_id: sid,
                status: SyncStatus::Invalid,
                late: false,
                reason: None,
                message: Some(lang.t("device-invalid")),
                fields,
            });
        }
    };
    let late = (verdict == Verdict::Late).then_some(LateSync {
        device_id: Some(device_id),
        made_at,
    });
    let (source, entered_by) = match item.collected {
        Collected::Kiosk => (Source::Online, None),
        Collected::Paper => (Source::Paper, Some(p.user_id)),
    };
    let result = responses::submit_marked(
        &state.db.conn,
        now,
        Submission {
            consultation_id: form.k.id,
            submission_id: sid.clone(),
            content_hash: checked.hash,
            source,
            profile: checked.profile,
            profile_unit_id: checked.unit_id,
            answers: checked.answers,
            entered_by,
        },
        late,
    )
    .await;
    stored_result(sid, late.is_some(), result, lang)
}

/// One group tally of a sync: judged like an answer ([`judge`] on the
/// corrected device time), checked like the tallies' API, stored once per
/// `submission_id` (a resend answers `duplicate`); a late one is marked.
async fn sync_tally(
    state: &AppState,
    p: &Principal,
    device_id: i32,
    now: DateTime<Utc>,
    offset: Duration,
    item: SyncTally,
    lang: crate::i18n::Lang,
) -> AppResult<SyncResult> {
    let sid = rules::submission_id(&item.submission_id).unwrap_or(item.submission_id.clone());
    let Some(k) = rules::find(&state.db.conn, &item.code).await? else {
        return Ok(refused(sid, Refusal::UnknownConsultation, lang));
    };
    let made_at = (item.made_at + offset).min(now);
    let verdict = judge(&k, now, made_at, state.config.late_sync_days);
    if let Verdict::Refused(why) = verdict {
        return Ok(refused(sid, why, lang));
    }
    let form = item.tally_input(sid.clone());
    let tally = match check_group_tally(&state.db.conn, &k, &form, Some(p.user_id)).await? {
        Ok(t) => t,
        Err(fields) => {
            return Ok(SyncResult {
                submission_id: sid,
                status: SyncStatus::Invalid,
                late: false,
                reason: None,
                message: Some(lang.t("device-invalid")),
                fields,
            });
        }
    };
    let late = (verdict == Verdict::Late).then_some(LateSync {
        device_id: Some(device_id),
        made_at,
    });
    let result =
        responses::submit_tally_marked(&state.db.conn, &Actor::from(p), now, tally, late).await;
    stored_result(sid, late.is_some(), result, lang)
}

// ---- officers: the devices of their scope ----

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct DeviceDto {
    pub id: i32,
    pub label: String,
    /// The account the device signed in as.
    pub username: String,
    pub display_name: String,
    /// Code of the account's unit.
    pub unit: String,
    pub created_at: DateTime<Utc>,
    pub last_sync_at: Option<DateTime<Utc>>,
    /// Answers still waiting on the device after its last sync.
    pub last_unsent: Option<i32>,
    /// Server clock minus device clock at its last sync, in seconds.
    pub last_clock_offset_seconds: Option<i64>,
    pub revoked_at: Option<DateTime<Utc>>,
}

pub(crate) fn dto(d: device::Model, u: &user::Model, un: &unit::Model) -> DeviceDto {
    DeviceDto {
        id: d.id,
        label: d.label,
        username: u.username.clone(),
        display_name: u.display_name.clone(),
        unit: un.code.clone(),
        created_at: d.created_at,
        last_sync_at: d.last_sync_at,
        last_unsent: d.last_unsent,
        last_clock_offset_seconds: d.last_offset_seconds,
        revoked_at: d.revoked_at,
    }
}

/// Who may see and revoke devices: roles that run consultations see every
/// device of their scope; a facilitator sees their own only.
pub(crate) fn device_view(p: &Principal) -> AppResult<Option<i32>> {
    super::require(p, Permission::RunConsultations)?;
    Ok((p.role == Role::Facilitator).then_some(p.user_id))
}

/// The facilitators' devices of the caller's scope, newest first.
#[utoipa::path(get, path = "/api/v1/devices", params(crate::api::paging::Paging), tag = "devices",
    operation_id = "list_devices",
    responses(
        (status = 200, description = "Devices of the scope", body = [DeviceDto]),
        (status = 401, description = "`unauthenticated`", body = ErrorBody),
        (status = 403, description = "`forbidden`: the role does not run consultations", body = ErrorBody)))]
pub async fn list(Api { state, p }: Api, paging: Listing) -> AppResult<Page<DeviceDto>> {
    let only = device_view(&p)?;
    let rows = devices::list(&state.db.conn, &p.scope(), only).await?;
    paging.page(rows.into_iter().map(|(d, u, un)| dto(d, &u, &un)).collect())
}

/// Revokes a device of the scope: its token answers 401 from now on. The
/// answers it still holds stay on it (the officer sees how many it reported).
#[utoipa::path(post, path = "/api/v1/devices/{id}/revoke", tag = "devices",
    operation_id = "revoke_device",
    params(("id" = i32, Path, description = "The device's id")),
    responses(
        (status = 200, description = "Revoked (or already revoked)", body = DeviceDto),
        (status = 401, description = "`unauthenticated`", body = ErrorBody),
        (status = 403, description = "`forbidden`: the role does not run consultations", body = ErrorBody),
        (status = 404, description = "`not_found`: no such device in the scope", body = ErrorBody)))]
pub async fn revoke(Api { state, p }: Api, Path(id): Path<i32>) -> AppResult<Json<DeviceDto>> {
    let only = device_view(&p)?;
    let actor = Actor {
        user_id: Some(p.user_id),
        label: p.username.clone(),
    };
    let db = &state.db.conn;
    let scope = p.scope();
    let d = devices::revoke(db, &actor, state.now(), &scope, only, id, Some(p.user_id)).await?;
    let (u, un) = thamgia_store::users::get_in_scope(db, &scope, d.user_id).await?;
    Ok(Json(dto(d, &u, &un)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{NaiveDate, TimeZone};

    fn k(status: &str, closed_at: Option<DateTime<Utc>>) -> consultation::Model {
        let at = |d| Utc.with_ymd_and_hms(2026, 11, d, 8, 0, 0).single().unwrap();
        consultation::Model {
            id: 1,
            matter_id: None,
            unit_id: 1,
            title: String::new(),
            intro: String::new(),
            method: thamgia_domain::voice::Method::Online,
            age_min: 6,
            age_max: 15,
            opens_on: NaiveDate::from_ymd_opt(2026, 11, 1).unwrap(),
            closes_on: NaiveDate::from_ymd_opt(2026, 11, 20).unwrap(),
            facilitator_id: None,
            join_code: "ABC234".into(),
            status: Status::parse(status).unwrap(),
            findings: None,
            answer_decided: None,
            answer_taken: None,
            answer_not_taken: None,
            closed_at,
            answer_published_at: None,
            answer_unit_id: None,
            created_by: None,
            created_at: at(1),
        }
    }

    fn t(d: u32, h: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, d, h, 0, 0).single().unwrap()
    }

    #[test]
    fn the_late_answer_rule() {
        let open = k("open", None);
        // Open today: on time, whatever the device said.
        assert_eq!(judge(&open, t(10, 9), t(10, 8), 14), Verdict::OnTime);
        // Made on the last day, synced the next: late, accepted.
        assert_eq!(judge(&open, t(21, 9), t(20, 23), 14), Verdict::Late);
        // Made the day after the last day.
        assert_eq!(
            judge(&open, t(21, 9), t(21, 1), 14),
            Verdict::Refused(Refusal::MadeAfterClosing)
        );
        // Synced after the grace period.
        assert_eq!(
            judge(&open, t(21, 9) + Duration::days(14), t(20, 9), 14),
            Verdict::Refused(Refusal::GraceOver)
        );
        // Closed early: made after the closing is refused, before is late.
        let closed = k("closed", Some(t(15, 12)));
        assert_eq!(judge(&closed, t(16, 9), t(15, 11), 14), Verdict::Late);
        assert_eq!(
            judge(&closed, t(16, 9), t(15, 13), 14),
            Verdict::Refused(Refusal::MadeAfterClosing)
        );
        // The answer published ends the grace period.
        let answered = k("answered", Some(t(15, 12)));
        assert_eq!(
            judge(&answered, t(16, 9), t(15, 11), 14),
            Verdict::Refused(Refusal::AnswerPublished)
        );
    }
}
