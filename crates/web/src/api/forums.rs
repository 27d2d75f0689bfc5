//! Children's Forums: list, record, edit, one forum with its Circular 29
//! warnings, delegates (named only to roles allowed to see names), sessions,
//! results report and recommendations. Every write is an action of
//! `thamgia_actions::forums`, as for the pages; dates are ISO (`yyyy-mm-dd`;
//! `dd/mm/yyyy` is accepted too).

use super::Path;
use super::Query;
use super::paging::{Listing, Page};
use super::recommendations::{RecommendationDto, dtos};
use super::require;
use super::shapes::query_params;
use super::{Api, JsonBody, RecordWrite};
use super::{Created, created};
use crate::error::{AppResult, ErrorBody};
use crate::forum_words::warning_text;
use crate::i18n::Lang;
use crate::state::AppState;
use axum::Json;
use chrono::NaiveDate;
use serde::Deserialize;
use thamgia_actions::forums::{
    self as actions, DelegateInput, ETH_PREFIX, ForumInput, ListQuery, ReportInput, Rules,
    SessionInput, Whole,
};
use thamgia_actions::recommendations::RecommendationInput;
use thamgia_actions::{Act, ActionError};
use thamgia_domain::access::{Permission, Principal};
use thamgia_domain::models::RecommendationSource;
use thamgia_store::entity::{agency, forum, forum_session, unit};
use thamgia_store::{forums, people, recommendations};

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct WarningDto {
    /// too_few_children | too_few_adults | too_many_volunteers | too_many_guests | delegates_without_consent
    pub code: String,
    /// In Vietnamese.
    pub message: String,
    pub message_en: String,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct DelegateDto {
    /// The person's id (only for roles that see names).
    pub person_id: Option<i32>,
    /// The name (its pseudonym after consent was withdrawn) for roles that see
    /// names; `Đại biểu #n` for everyone else.
    pub label: String,
    /// A consent is in force.
    pub consent: bool,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct SessionDto {
    pub id: i32,
    /// discussion | dialogue
    pub kind: String,
    pub title: String,
    pub held_on: NaiveDate,
    pub consultation_id: Option<i32>,
}

impl From<forum_session::Model> for SessionDto {
    fn from(s: forum_session::Model) -> Self {
        SessionDto {
            id: s.id,
            kind: s.kind,
            title: s.title,
            held_on: s.held_on,
            consultation_id: s.consultation_id,
        }
    }
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct EthnicCountDto {
    /// Official two-digit code (e.g. `08` Mông).
    pub code: String,
    pub name: String,
    pub children: i32,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ForumDto {
    pub id: i32,
    /// province | district | commune
    pub level: String,
    /// Code of the unit.
    pub unit: String,
    pub unit_name: String,
    pub year: i32,
    pub theme: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub venue: String,
    /// Code of the organising agency.
    pub organiser_agency: String,
    pub girls: i32,
    pub boys: i32,
    /// girls + boys
    pub children: i32,
    pub age_6_10: i32,
    pub age_11_15: i32,
    /// Children of every group but Kinh (the sum of `ethnic_groups` without code 01).
    pub ethnic_minority: i32,
    /// Children by ethnic group, official code order; groups with no child are left out.
    pub ethnic_groups: Vec<EthnicCountDto>,
    pub with_disability: i32,
    pub adults_in_charge: i32,
    pub volunteers: i32,
    pub guests: i32,
    /// Circular 29/2019 rules the forum breaks (warnings, not refusals).
    pub warnings: Vec<WarningDto>,
    /// Delegates whose consent was withdrawn after they were added.
    pub delegates_without_consent: u32,
    /// The last day plus the plan's `forum_report_due_days` (15 by default).
    pub report_due: NaiveDate,
    pub report_submitted_on: Option<NaiveDate>,
    pub report_overdue: bool,
    /// Single forum only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delegates: Option<Vec<DelegateDto>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sessions: Option<Vec<SessionDto>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recommendations: Option<Vec<RecommendationDto>>,
}

async fn dto(
    state: &AppState,
    cache: &mut Rules,
    f: forum::Model,
    u: &unit::Model,
    a: &agency::Model,
) -> AppResult<ForumDto> {
    let db = &state.db.conn;
    let k = actions::facts(db, cache, &f, u, state.now().date_naive()).await?;
    let ethnic_groups = forums::ethnic_groups(db, f.id)
        .await?
        .into_iter()
        .map(|(code, children)| EthnicCountDto {
            name: thamgia_domain::ethnic::name(&code)
                .unwrap_or_default()
                .into(),
            code,
            children,
        })
        .collect();
    let warnings = k
        .warnings
        .iter()
        .map(|w| WarningDto {
            code: w.code().into(),
            message: warning_text(Lang::Vi, f.level.as_str(), w),
            message_en: warning_text(Lang::En, f.level.as_str(), w),
        })
        .collect();
    Ok(ForumDto {
        id: f.id,
        unit: u.code.clone(),
        unit_name: u.name_vi.clone(),
        organiser_agency: a.code.clone(),
        children: f.girls + f.boys,
        warnings,
        delegates_without_consent: k.without_consent,
        report_due: k.report_due,
        report_overdue: k.report_overdue,
        report_submitted_on: f.report_submitted_on,
        level: f.level.as_str().into(),
        year: f.year,
        theme: f.theme,
        starts_on: f.starts_on,
        ends_on: f.ends_on,
        venue: f.venue,
        girls: f.girls,
        boys: f.boys,
        age_6_10: f.age_6_10,
        age_11_15: f.age_11_15,
        ethnic_minority: f.ethnic_minority,
        ethnic_groups,
        with_disability: f.with_disability,
        adults_in_charge: f.adults_in_charge,
        volunteers: f.volunteers,
        guests: f.guests,
        delegates: None,
        sessions: None,
        recommendations: None,
    })
}

/// One forum with its delegates, sessions and recommendations.
async fn full(state: &AppState, p: &Principal, id: i32) -> AppResult<ForumDto> {
    let db = &state.db.conn;
    let (f, u, a) = forums::get_in_scope(db, &p.scope(), id).await?;
    let names = p.can(Permission::ViewNames);
    let mut delegates = vec![];
    for (i, person) in forums::delegates(db, f.id).await?.iter().enumerate() {
        delegates.push(DelegateDto {
            person_id: names.then_some(person.id),
            label: if names {
                people::display_name(person)
            } else {
                Lang::Vi.t_args("forum-delegate-n", &[("n", (i + 1).to_string())])
            },
            consent: people::active_consent(db, person.id).await?.is_some(),
        });
    }
    let sessions = forums::sessions(db, f.id)
        .await?
        .into_iter()
        .map(SessionDto::from)
        .collect();
    let mut list = vec![];
    for r in recommendations::for_source(db, RecommendationSource::Forum, f.id).await? {
        let ru = thamgia_store::units::by_id(db, r.unit_id).await?;
        let ra = thamgia_store::agencies::by_id(db, r.agency_id).await?;
        if let (Some(ru), Some(ra)) = (ru, ra) {
            list.push((r, ru, ra));
        }
    }
    let rs = dtos(db, list, state.now().date_naive(), false).await?;
    let mut d = dto(state, &mut Rules::default(), f, &u, &a).await?;
    d.delegates = Some(delegates);
    d.sessions = Some(sessions);
    d.recommendations = Some(rs);
    Ok(d)
}

query_params! {
    ForumParams {
        /// A unit code: only forums of its subtree.
        unit,
        year,
        /// province | district | commune
        level,
    }
}

/// Forums in the caller's scope, newest first, with their Circular 29 warnings.
#[utoipa::path(get, path = "/api/v1/forums", tag = "forums", params(crate::api::paging::Paging, ForumParams),
    responses((status = 200, body = [ForumDto]), (status = 403, body = ErrorBody)))]
pub async fn list(
    Api { state, p }: Api,
    Query(q): Query<ForumParams>,
    paging: Listing,
) -> AppResult<Page<ForumDto>> {
    require(&p, Permission::ViewModels)?;
    let db = &state.db.conn;
    let lq = ListQuery {
        unit: q.unit.unwrap_or_default(),
        year: q.year.unwrap_or_default(),
        level: q.level.unwrap_or_default(),
    };
    let filter = actions::filter_of(db, &p.scope(), &lq).await?;
    let mut out = vec![];
    let mut cache = Rules::default();
    for (f, u, a) in forums::list(db, &p.scope(), &filter).await? {
        out.push(dto(&state, &mut cache, f, &u, &a).await?);
    }
    paging.page(out)
}

/// A forum as recorded.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct ForumBody {
    /// province | district | commune (the unit's own level)
    pub level: String,
    /// Code of a unit in the caller's scope.
    pub unit: String,
    pub year: i32,
    /// At most 200 characters.
    pub theme: String,
    /// yyyy-mm-dd, in `year`.
    pub starts_on: String,
    /// yyyy-mm-dd, not before `starts_on`.
    pub ends_on: String,
    pub venue: String,
    /// Code of an agency visible to the caller.
    pub organiser_agency: String,
    #[serde(default)]
    pub girls: i64,
    #[serde(default)]
    pub boys: i64,
    /// With `age_11_15`, must add up to girls + boys.
    #[serde(default)]
    pub age_6_10: i64,
    #[serde(default)]
    pub age_11_15: i64,
    /// Children by ethnic group: official code (data/ethnic-groups.csv) →
    /// number; together at most girls + boys. Errors name `ethnic_groups.<code>`.
    #[serde(default)]
    #[schema(value_type = Object, example = json!({"08": 20, "03": 12}))]
    pub ethnic_groups: std::collections::BTreeMap<String, i64>,
    /// At most girls + boys.
    #[serde(default)]
    pub with_disability: i64,
    #[serde(default)]
    pub adults_in_charge: i64,
    #[serde(default)]
    pub volunteers: i64,
    #[serde(default)]
    pub guests: i64,
}

impl From<ForumBody> for ForumInput {
    fn from(b: ForumBody) -> Self {
        ForumInput {
            level: b.level,
            unit: b.unit,
            year: b.year.into(),
            theme: b.theme,
            starts_on: b.starts_on,
            ends_on: b.ends_on,
            venue: b.venue,
            agency: b.organiser_agency,
            girls: Whole::Number(b.girls),
            boys: Whole::Number(b.boys),
            age_6_10: Whole::Number(b.age_6_10),
            age_11_15: Whole::Number(b.age_11_15),
            with_disability: Whole::Number(b.with_disability),
            adults_in_charge: Whole::Number(b.adults_in_charge),
            volunteers: Whole::Number(b.volunteers),
            guests: Whole::Number(b.guests),
            extra: b
                .ethnic_groups
                .into_iter()
                .map(|(code, n)| (format!("{ETH_PREFIX}{code}"), Whole::Number(n)))
                .collect(),
        }
    }
}

/// The action calls the organiser `agency` and a group's count `eth_<code>`;
/// the API says `organiser_agency` and `ethnic_groups.<code>`.
fn rename_fields(e: ActionError) -> ActionError {
    match e {
        ActionError::Invalid { fields, detail } => {
            let fields = fields
                .into_iter()
                .map(|(k, v)| match k.strip_prefix(ETH_PREFIX) {
                    Some(code) => (format!("ethnic_groups.{code}"), v),
                    None if k == "agency" => ("organiser_agency".into(), v),
                    None => (k, v),
                })
                .collect();
            ActionError::Invalid { fields, detail }
        }
        other => other,
    }
}

/// Records a forum. Circular 29 problems come back as `warnings`, not errors.
/// A unit holds a forum at its own level only where the plan governing it that
/// year lists the level in `[levels] forums`: else 422 `unit: level_not_allowed`.
#[utoipa::path(post, path = "/api/v1/forums", tag = "forums", request_body = ForumBody,
    responses((status = 201, body = ForumDto),
              (status = 422, description = "`unit`: level_not_allowed (the governing plan holds no forum at the unit's level that year), level_mismatch, unknown_unit; other fields by name", body = ErrorBody),
              (status = 403, body = ErrorBody)))]
pub async fn create(Api { state, p }: Api, body: JsonBody) -> AppResult<Created<ForumDto>> {
    let act = Act::new(&state.db.conn, &p, state.now());
    act.require(Permission::ManageModels)?;
    let b: ForumBody = super::json(&body)?;
    let f = actions::create(act, &b.into())
        .await
        .map_err(rename_fields)?;
    Ok(created(full(&state, &p, f.id).await?))
}

/// One forum with delegates, sessions and recommendations; 404 when unknown
/// or outside the caller's scope.
#[utoipa::path(get, path = "/api/v1/forums/{id}", tag = "forums",
    params(("id" = i32, Path, description = "Forum id")),
    responses((status = 200, body = ForumDto)))]
pub async fn show(Api { state, p }: Api, Path(id): Path<i32>) -> AppResult<Json<ForumDto>> {
    require(&p, Permission::ViewModels)?;
    Ok(Json(full(&state, &p, id).await?))
}

/// Replaces a forum's fields (the whole record, as when creating it; the
/// same `unit: level_not_allowed` rule).
#[utoipa::path(put, path = "/api/v1/forums/{id}", tag = "forums", request_body = ForumBody,
    params(("id" = i32, Path, description = "Forum id")),
    responses((status = 200, body = ForumDto),
              (status = 422, description = "`unit`: level_not_allowed, level_mismatch, unknown_unit; other fields by name", body = ErrorBody),
              (status = 403, body = ErrorBody)))]
pub async fn update(RecordWrite { state, p, id, body }: RecordWrite) -> AppResult<Json<ForumDto>> {
    let act = Act::new(&state.db.conn, &p, state.now());
    let b: ForumBody = super::json_after(actions::load(act, id), &body).await?;
    actions::update(act, id, &b.into())
        .await
        .map_err(rename_fields)?;
    Ok(Json(full(&state, &p, id).await?))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct DelegateBody {
    /// Id of an identified child in the caller's scope with a consent in force.
    pub person_id: i32,
}

/// Adds a named delegate. Without a consent in force: 422 `person: no_consent`.
#[utoipa::path(post, path = "/api/v1/forums/{id}/delegates", tag = "forums", request_body = DelegateBody,
    params(("id" = i32, Path, description = "Forum id")),
    responses((status = 201, body = ForumDto), (status = 422, description = "`person`: no_consent, unknown_person, already_delegate", body = ErrorBody),
              (status = 403, body = ErrorBody)))]
pub async fn add_delegate(
    RecordWrite { state, p, id, body }: RecordWrite,
) -> AppResult<Created<ForumDto>> {
    let act = Act::new(&state.db.conn, &p, state.now());
    act.require(Permission::ManageModels)?;
    act.require(Permission::ViewNames)?;
    let b: DelegateBody = super::json_after(actions::load(act, id), &body).await?;
    let d = DelegateInput {
        person: b.person_id.into(),
    };
    actions::add_delegate(act, id, &d).await?;
    Ok(created(full(&state, &p, id).await?))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct SessionBody {
    /// discussion | dialogue
    pub kind: String,
    pub title: String,
    /// yyyy-mm-dd, within the forum's dates.
    pub held_on: String,
    /// A consultation in the caller's scope held in this session.
    #[serde(default)]
    pub consultation_id: Option<i32>,
}

/// Adds a session (a discussion, or a dialogue with leaders).
#[utoipa::path(post, path = "/api/v1/forums/{id}/sessions", tag = "forums", request_body = SessionBody,
    params(("id" = i32, Path, description = "Forum id")),
    responses((status = 201, body = SessionDto),
              (status = 403, body = ErrorBody)))]
pub async fn add_session(
    RecordWrite { state, p, id, body }: RecordWrite,
) -> AppResult<Created<SessionDto>> {
    let act = Act::new(&state.db.conn, &p, state.now());
    let b: SessionBody = super::json_after(actions::load(act, id), &body).await?;
    let s = SessionInput {
        kind: b.kind,
        title: b.title,
        held_on: b.held_on,
        consultation: b.consultation_id.map(Whole::from).unwrap_or_default(),
    };
    let row = actions::add_session(act, id, &s).await?;
    Ok(created(row.into()))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct ReportBody {
    /// yyyy-mm-dd: not before the forum's last day, not in the future.
    pub submitted_on: String,
}

/// Records the day the forum's results report was submitted.
#[utoipa::path(post, path = "/api/v1/forums/{id}/report", tag = "forums", request_body = ReportBody,
    params(("id" = i32, Path, description = "Forum id")),
    responses((status = 200, body = ForumDto),
              (status = 403, body = ErrorBody)))]
pub async fn report(RecordWrite { state, p, id, body }: RecordWrite) -> AppResult<Json<ForumDto>> {
    let act = Act::new(&state.db.conn, &p, state.now());
    let b: ReportBody = super::json_after(actions::load(act, id), &body).await?;
    let r = ReportInput {
        submitted_on: b.submitted_on,
    };
    actions::report(act, id, &r).await?;
    Ok(Json(full(&state, &p, id).await?))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct RecommendationBody {
    /// At most 2000 characters, without any child's name.
    pub text: String,
    /// At most 100 characters.
    pub topic: String,
    /// Code of the agency addressed (any agency visible to the caller).
    pub agency: String,
    /// yyyy-mm-dd, not before the forum's last day.
    pub deadline: String,
}

/// Records a recommendation the children made at this forum.
#[utoipa::path(post, path = "/api/v1/forums/{id}/recommendations", tag = "forums", request_body = RecommendationBody,
    params(("id" = i32, Path, description = "Forum id")),
    responses((status = 201, body = RecommendationDto),
              (status = 403, body = ErrorBody)))]
pub async fn add_recommendation(
    RecordWrite { state, p, id, body }: RecordWrite,
) -> AppResult<Created<RecommendationDto>> {
    let act = Act::new(&state.db.conn, &p, state.now());
    let b: RecommendationBody = super::json_after(actions::load(act, id), &body).await?;
    let input = RecommendationInput {
        text: b.text,
        topic: b.topic,
        agency: b.agency,
        deadline: b.deadline,
    };
    let r = actions::add_recommendation(act, id, &input).await?;
    Ok(created(
        super::recommendations::one(&state, &p, r.id).await?,
    ))
}
