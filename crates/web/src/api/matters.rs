//! Matters: child-related laws and policies, school and community decisions.
//! The same checks as the pages (`pages/matters.rs`); dates are ISO
//! (`yyyy-mm-dd`; `dd/mm/yyyy` is accepted too).

use super::Path;
use super::Query;
use super::consultations::{ConsultationSummary, summary};
use super::paging::{Listing, Page};
use super::require;
use super::shapes::query_params;
use super::{Api, JsonBody, RecordWrite};
use super::{Created, created};
use crate::error::{AppResult, ErrorBody};
use crate::state::AppState;
use axum::Json;
use chrono::NaiveDate;
use serde::Deserialize;
use thamgia_actions::Act;
use thamgia_actions::matters::{self as actions, ListQuery, MatterInput};
use thamgia_domain::access::Permission;
use thamgia_domain::voice::{Stage, Status, answer_due, answer_overdue};
use thamgia_store::entity::{agency, matter, unit};
use thamgia_store::{consultations, matters, voice_queries};

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct MatterDto {
    pub id: i32,
    /// law_policy | school_decision | community_decision
    pub kind: String,
    pub title: String,
    pub summary: String,
    /// Code of the owner agency.
    pub owner_agency: String,
    /// Code of the unit.
    pub unit: String,
    /// drafting | consulting | decided | answered
    pub stage: String,
    pub decision_date: Option<NaiveDate>,
    /// The year the matter counts in (its decision's year, else the year registered).
    pub year: i32,
    /// One of its consultations is answered and heard at least one child.
    pub consulted: bool,
    /// The decision date plus the plan's `answer_due_days`.
    pub answer_due: Option<NaiveDate>,
    /// The due date passed and the children were not answered.
    pub overdue: bool,
    /// Its consultations (single matter only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub consultations: Option<Vec<ConsultationSummary>>,
}

fn dto(
    m: &matter::Model,
    u: &unit::Model,
    a: &agency::Model,
    consulted: bool,
    asked: bool,
    due_days: i64,
    today: NaiveDate,
) -> MatterDto {
    let answered = m.stage == Stage::Answered;
    let due = m.decision_date.map(|d| answer_due(d, due_days));
    MatterDto {
        id: m.id,
        kind: m.kind.as_str().into(),
        title: m.title.clone(),
        summary: m.summary.clone(),
        owner_agency: a.code.clone(),
        unit: u.code.clone(),
        stage: m.stage.as_str().into(),
        decision_date: m.decision_date,
        year: m.year,
        consulted,
        answer_due: due,
        overdue: answer_overdue(m.decision_date, due_days, asked, answered, today),
        consultations: None,
    }
}

query_params! {
    MatterParams {
        /// A unit code: only matters of its subtree.
        unit,
        /// law_policy | school_decision | community_decision
        kind,
        year,
        /// drafting | consulting | decided | answered
        stage,
    }
}

/// Matters in the caller's scope, newest first, filtered by unit, kind, year and stage.
#[utoipa::path(get, path = "/api/v1/matters", tag = "matters", params(crate::api::paging::Paging, MatterParams),
    responses((status = 200, body = [MatterDto]), (status = 403, body = ErrorBody)))]
pub async fn list(
    Api { state, p }: Api,
    Query(q): Query<MatterParams>,
    paging: Listing,
) -> AppResult<Page<MatterDto>> {
    require(&p, Permission::ViewResults)?;
    let db = &state.db.conn;
    let scope = p.scope();
    let lq = ListQuery {
        unit: q.unit.unwrap_or_default(),
        kind: q.kind.unwrap_or_default(),
        year: q.year.unwrap_or_default(),
        stage: q.stage.unwrap_or_default(),
    };
    let filter = actions::filter_of(db, &scope, &lq).await?;
    let rows = matters::list(db, &scope, &filter).await?;
    let ids: Vec<i32> = rows.iter().map(|(m, _, _)| m.id).collect();
    let consulted = voice_queries::consulted_matters(db, &ids).await?;
    let asked = voice_queries::asked_matters(db, &ids).await?;
    let years: Vec<i32> = rows.iter().map(|(m, _, _)| m.year).collect();
    let due = voice_queries::answer_due_days(db, &scope.path, years).await?;
    let today = state.now().date_naive();
    paging.page(
        rows.iter()
            .map(|(m, u, a)| {
                let days = voice_queries::due_days_for(&due, m.year);
                let (c, k) = (consulted.contains(&m.id), asked.contains(&m.id));
                dto(m, u, a, c, k, days, today)
            })
            .collect(),
    )
}

/// A new matter.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct MatterCreate {
    /// law_policy | school_decision | community_decision
    pub kind: String,
    /// At most 200 characters.
    pub title: String,
    #[serde(default)]
    pub summary: String,
    /// Code of an agency visible to the caller (an agency officer: their own).
    pub owner_agency: String,
    /// Code of a unit in the caller's scope.
    pub unit: String,
    /// drafting (default) | consulting | decided; `answered` is set when the answer is published.
    #[serde(default)]
    pub stage: Option<String>,
    /// yyyy-mm-dd (or dd/mm/yyyy); required when decided.
    #[serde(default)]
    pub decision_date: Option<String>,
}

async fn one(
    state: &AppState,
    p: &thamgia_domain::access::Principal,
    id: i32,
) -> AppResult<MatterDto> {
    let db = &state.db.conn;
    let (m, u, a) = matters::get_in_scope(db, &p.scope(), id).await?;
    let consulted = voice_queries::consulted_matters(db, &[m.id])
        .await?
        .contains(&m.id);
    let due = voice_queries::answer_due_days(db, &u.path, [m.year]).await?;
    let due_days = voice_queries::due_days_for(&due, m.year);
    let ks = consultations::list(db, &p.scope(), Some(m.id)).await?;
    let asked = !ks.is_empty();
    let mut d = dto(
        &m,
        &u,
        &a,
        consulted,
        asked,
        due_days,
        state.now().date_naive(),
    );
    let ids: Vec<i32> = ks.iter().map(|(k, _)| k.id).collect();
    let counts = voice_queries::response_counts(db, &ids).await?;
    let tallies = voice_queries::tally_counts(db, &ids).await?;
    d.overdue = d.overdue && !ks.iter().any(|(k, _)| k.status == Status::Answered);
    d.consultations = Some(
        ks.iter()
            .map(|(k, ku)| summary(k, ku, &counts, &tallies, true))
            .collect(),
    );
    Ok(d)
}

/// Registers a matter. Every invalid field is named in `error.fields`.
#[utoipa::path(post, path = "/api/v1/matters", tag = "matters", request_body = MatterCreate,
    responses((status = 201, body = MatterDto), (status = 403, body = ErrorBody)))]
pub async fn create(Api { state, p }: Api, body: JsonBody) -> AppResult<Created<MatterDto>> {
    let act = Act::new(&state.db.conn, &p, state.now());
    act.require(Permission::ManageMatters)?;
    let b: MatterCreate = super::json(&body)?;
    let f = MatterInput {
        kind: b.kind,
        title: b.title,
        summary: b.summary,
        agency: b.owner_agency,
        unit: b.unit,
        stage: b.stage.unwrap_or_default(),
        decision_date: b.decision_date.unwrap_or_default(),
    };
    // The body names the owner `owner_agency`; the action calls it `agency`.
    let m = actions::create(act, &f)
        .await
        .map_err(|e| e.rename_field("agency", "owner_agency"))?;
    Ok(created(one(&state, &p, m.id).await?))
}

/// One matter with its consultations; 404 when unknown or outside the caller's scope.
#[utoipa::path(get, path = "/api/v1/matters/{id}", tag = "matters",
    params(("id" = i32, Path, description = "Matter id")),
    responses((status = 200, body = MatterDto)))]
pub async fn show(Api { state, p }: Api, Path(id): Path<i32>) -> AppResult<Json<MatterDto>> {
    require(&p, Permission::ViewResults)?;
    Ok(Json(one(&state, &p, id).await?))
}

/// `null` and absent differ: `"decision_date": null` clears the date.
fn double<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Option<String>>, D::Error> {
    Option::<String>::deserialize(d).map(Some)
}

/// Changes to a matter; absent fields stay as they are.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct MatterPatch {
    pub title: Option<String>,
    pub summary: Option<String>,
    /// drafting | consulting | decided
    pub stage: Option<String>,
    /// yyyy-mm-dd (or dd/mm/yyyy); `null` clears it.
    #[serde(default, deserialize_with = "double")]
    #[schema(value_type = Option<String>)]
    pub decision_date: Option<Option<String>>,
}

/// Changes a matter's title, summary, stage or decision date.
#[utoipa::path(patch, path = "/api/v1/matters/{id}", tag = "matters", request_body = MatterPatch,
    params(("id" = i32, Path, description = "Matter id")),
    responses((status = 200, body = MatterDto),
              (status = 403, body = ErrorBody)))]
pub async fn update(RecordWrite { state, p, id, body }: RecordWrite) -> AppResult<Json<MatterDto>> {
    // Permission and scope before the body is read: a caller who may not
    // change the matter learns nothing from a bad body.
    let act = Act::new(&state.db.conn, &p, state.now());
    act.require(Permission::ManageMatters)?;
    let b: MatterPatch = super::json_after(actions::load_managed(act, id), &body).await?;
    let patch = actions::MatterPatch {
        title: b.title,
        summary: b.summary,
        stage: b.stage,
        decision_date: b.decision_date.map(Option::unwrap_or_default),
    };
    actions::update(act, id, &patch).await?;
    Ok(Json(one(&state, &p, id).await?))
}
