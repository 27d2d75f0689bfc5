//! Activities with participants, coordinating agencies, documents and
//! spending. The same actions as the pages (`thamgia_actions::activities`),
//! which check with `thamgia_domain::activities::check_activity`: a body's numbers may be JSON
//! numbers or text, and errors name fields like `participants.teachers.female`.

use super::Path;
use super::Query;
use super::paging::{Listing, Page};
use super::require;
use super::shapes::query_params;
use super::{Api, JsonBody, RecordWrite};
use super::{Created, created};
use crate::error::{AppResult, ErrorBody};
use crate::exports::document_response;
use crate::state::AppState;
use axum::Json;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use chrono::{DateTime, NaiveDate, Utc};
use serde::Deserialize;
use serde_json::Value;
use std::collections::BTreeMap;
use thamgia_actions::Act;
use thamgia_actions::activities::{
    self as actions, ActivityInput, DocumentInput, SpendingInput, filter_of, people_of,
};
use thamgia_domain::access::{Permission, Principal};
use thamgia_store::activities::{self, ActivityRow};
use thamgia_store::entity::{activity, activity_document, spending, unit};

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct SexCount {
    pub female: i32,
    pub male: i32,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct DocumentDto {
    pub id: i32,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i32,
    pub uploaded_at: DateTime<Utc>,
    /// Where to download it (the API route).
    pub href: String,
}

fn doc_dto(activity_id: i32, d: &activity_document::Model) -> DocumentDto {
    DocumentDto {
        id: d.id,
        file_name: d.file_name.clone(),
        content_type: d.content_type.clone(),
        size_bytes: d.size_bytes,
        uploaded_at: d.uploaded_at,
        href: format!("/api/v1/activities/{activity_id}/documents/{}", d.id),
    }
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct SpendingDto {
    pub id: i32,
    pub activity_id: i32,
    /// A funding-source code of the plan covering the year.
    pub source: String,
    pub spent_on: NaiveDate,
    /// Whole đồng.
    pub amount: i64,
    pub note: String,
}

impl From<&spending::Model> for SpendingDto {
    fn from(s: &spending::Model) -> Self {
        SpendingDto {
            id: s.id,
            activity_id: s.activity_id,
            source: s.source_code.clone(),
            spent_on: s.spent_on,
            amount: s.amount,
            note: s.note.clone(),
        }
    }
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ActivityDto {
    pub id: i32,
    /// The unit's own reference (`HĐ-2019-03`); unique in the unit.
    pub code: String,
    /// Code of the unit.
    pub unit: String,
    /// A project code of the plan (DA1, DA2, MH1, …).
    pub project: String,
    /// event | training | broadcast | article | publication | contest | meeting | other
    pub kind: String,
    pub title: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    /// Code of the lead agency.
    pub lead_agency: String,
    /// Codes of the coordinating agencies.
    pub coordinating: Vec<String>,
    /// Per group (officials, child_protection, teachers, youth_pioneer, parents, children).
    pub participants: BTreeMap<String, SexCount>,
    pub participants_female: i64,
    pub participants_male: i64,
    /// Audience reached (broadcasts, articles), when known.
    pub audience: Option<i32>,
    /// Copies printed or issued, when known.
    pub copies: Option<i32>,
    pub description: Option<String>,
    /// Sum of its spending, whole đồng.
    pub spent: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub spending: Option<Vec<SpendingDto>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub documents: Option<Vec<DocumentDto>>,
}

fn dto(r: &ActivityRow) -> ActivityDto {
    let a = &r.activity;
    let (f, m) = people_of(r);
    ActivityDto {
        id: a.id,
        code: a.code.clone(),
        unit: r.unit.code.clone(),
        project: a.project_code.clone(),
        kind: a.kind.as_str().into(),
        title: a.title.clone(),
        starts_on: a.starts_on,
        ends_on: a.ends_on,
        lead_agency: r.lead.code.clone(),
        coordinating: r.coordinating.iter().map(|x| x.code.clone()).collect(),
        participants: r
            .participants
            .iter()
            .map(|p| {
                (
                    p.grp.clone(),
                    SexCount {
                        female: p.female,
                        male: p.male,
                    },
                )
            })
            .collect(),
        participants_female: f,
        participants_male: m,
        audience: a.audience,
        copies: a.copies,
        description: a.description.clone(),
        spent: r.spent,
        spending: None,
        documents: None,
    }
}

async fn one(
    state: &AppState,
    p: &Principal,
    a: &activity::Model,
    u: &unit::Model,
) -> AppResult<ActivityDto> {
    let db = &state.db.conn;
    let r = actions::row_of(db, p, a, u).await?;
    let mut d = dto(&r);
    d.spending = Some(
        activities::spendings_of(db, a.id)
            .await?
            .iter()
            .map(SpendingDto::from)
            .collect(),
    );
    d.documents = Some(
        activities::documents(db, a.id)
            .await?
            .iter()
            .map(|x| doc_dto(a.id, x))
            .collect(),
    );
    Ok(d)
}

query_params! {
    ListParams {
        /// Code of a unit in the caller's scope: that unit and the units under it.
        unit,
        /// Activities that started in this year.
        year,
        /// A project code (DA1, DA2, MH1, …).
        project,
        /// A kind (event, training, …).
        kind,
    }
}

/// Activities in the caller's scope, newest first.
#[utoipa::path(get, path = "/api/v1/activities", tag = "activities", params(crate::api::paging::Paging, ListParams),
    responses((status = 200, body = [ActivityDto]), (status = 404, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn list(
    Api { state, p }: Api,
    Query(q): Query<ListParams>,
    paging: Listing,
) -> AppResult<Page<ActivityDto>> {
    require(&p, Permission::ViewActivities)?;
    let db = &state.db.conn;
    let f = filter_of(
        db,
        &p,
        q.unit.as_deref().unwrap_or(""),
        q.year.as_deref().unwrap_or(""),
        q.project.as_deref().unwrap_or(""),
        q.kind.as_deref().unwrap_or(""),
    )
    .await?;
    let rows = activities::list(db, &p.scope(), &f).await?;
    paging.page(rows.iter().map(dto).collect())
}

/// Participants of one group in a body: numbers or text.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct SexCountBody {
    #[schema(value_type = Option<i64>)]
    pub female: Option<Value>,
    #[schema(value_type = Option<i64>)]
    pub male: Option<Value>,
}

/// An activity as the API takes it: the fields of the template, numbers as
/// JSON numbers or text, dates `yyyy-mm-dd` or `dd/mm/yyyy`.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct ActivityBody {
    pub code: Option<String>,
    /// Code of a unit in the caller's scope.
    pub unit: Option<String>,
    pub project: Option<String>,
    /// A kind code or its Vietnamese name.
    pub kind: Option<String>,
    pub title: Option<String>,
    pub starts_on: Option<String>,
    /// Empty: the start date.
    pub ends_on: Option<String>,
    /// Code of the lead agency (an agency officer: their own).
    pub lead_agency: Option<String>,
    /// Agency codes: a list, or one text separated by `;`.
    #[schema(value_type = Option<Vec<String>>)]
    pub coordinating: Option<Value>,
    /// `{"teachers": {"female": 21, "male": 9}}`
    #[serde(default)]
    pub participants: BTreeMap<String, SexCountBody>,
    #[schema(value_type = Option<i64>)]
    pub audience: Option<Value>,
    #[schema(value_type = Option<i64>)]
    pub copies: Option<Value>,
    pub description: Option<String>,
}

/// A JSON value as the text a form would have sent.
fn as_text(v: Option<&Value>) -> String {
    match v {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(Value::Array(xs)) => xs
            .iter()
            .map(|x| as_text(Some(x)))
            .collect::<Vec<_>>()
            .join(";"),
        Some(other) => other.to_string(),
    }
}

fn text_of_body(b: ActivityBody) -> ActivityInput {
    let participants = b
        .participants
        .iter()
        .map(|(g, c)| {
            (
                g.clone(),
                (as_text(c.female.as_ref()), as_text(c.male.as_ref())),
            )
        })
        .collect();
    ActivityInput {
        code: b.code.unwrap_or_default(),
        project: b.project.unwrap_or_default(),
        kind: b.kind.unwrap_or_default(),
        title: b.title.unwrap_or_default(),
        unit: b.unit.unwrap_or_default(),
        starts_on: b.starts_on.unwrap_or_default(),
        ends_on: b.ends_on.unwrap_or_default(),
        lead_agency: b.lead_agency.unwrap_or_default(),
        coordinating: as_text(b.coordinating.as_ref()),
        participants,
        audience: as_text(b.audience.as_ref()),
        copies: as_text(b.copies.as_ref()),
        description: b.description.unwrap_or_default(),
    }
}

/// Records an activity. A code already used in the unit is `422` on `code`
/// (change an activity with `PUT`).
#[utoipa::path(post, path = "/api/v1/activities", tag = "activities", request_body = ActivityBody,
    responses((status = 201, body = ActivityDto), (status = 403, body = ErrorBody)))]
pub async fn create(Api { state, p }: Api, body: JsonBody) -> AppResult<Created<ActivityDto>> {
    let act = Act::new(&state.db.conn, &p, state.now());
    act.require(Permission::ManageActivities)?;
    let b: ActivityBody = super::json(&body)?;
    let row = actions::create(act, &text_of_body(b)).await?;
    let (a, u) = activities::get_in_scope(act.db, &p.scope(), row.id).await?;
    Ok(created(one(&state, &p, &a, &u).await?))
}

/// One activity with its spending and documents.
#[utoipa::path(get, path = "/api/v1/activities/{id}", tag = "activities",
    params(("id" = i32, Path, description = "Activity id")),
    responses((status = 200, body = ActivityDto), (status = 403, body = ErrorBody)))]
pub async fn show(Api { state, p }: Api, Path(id): Path<i32>) -> AppResult<Json<ActivityDto>> {
    require(&p, Permission::ViewActivities)?;
    let (a, u) = activities::get_in_scope(&state.db.conn, &p.scope(), id).await?;
    Ok(Json(one(&state, &p, &a, &u).await?))
}

/// Replaces an activity's fields (every field, as in `POST`).
#[utoipa::path(put, path = "/api/v1/activities/{id}", tag = "activities", request_body = ActivityBody,
    params(("id" = i32, Path, description = "Activity id")),
    responses((status = 200, body = ActivityDto),
              (status = 403, body = ErrorBody)))]
pub async fn update(
    RecordWrite { state, p, id, body }: RecordWrite,
) -> AppResult<Json<ActivityDto>> {
    // Permission and scope before the body is read.
    let act = Act::new(&state.db.conn, &p, state.now());
    let b: ActivityBody = super::json_after(actions::load_managed(act, id), &body).await?;
    actions::update(act, id, &text_of_body(b)).await?;
    let (a, u) = activities::get_in_scope(act.db, &p.scope(), id).await?;
    Ok(Json(one(&state, &p, &a, &u).await?))
}

/// Deletes an activity with its participants, documents and spending
/// (planned items that pointed at it are planned again).
#[utoipa::path(delete, path = "/api/v1/activities/{id}", tag = "activities",
    params(("id" = i32, Path, description = "Activity id")),
    responses((status = 204), (status = 403, body = ErrorBody)))]
pub async fn delete(Api { state, p }: Api, Path(id): Path<i32>) -> AppResult<StatusCode> {
    actions::delete(Act::new(&state.db.conn, &p, state.now()), id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct SpendingBody {
    /// A funding-source code (or its Vietnamese name) of the plan covering the year.
    pub source: Option<String>,
    pub spent_on: Option<String>,
    /// Whole đồng: a JSON number or text such as `1.250.000`.
    #[schema(value_type = Option<i64>)]
    pub amount: Option<Value>,
    pub note: Option<String>,
}

/// Records a spending against the activity: `201` when new, `200` with the
/// stored one when the same spending (source, date, amount, note) exists.
#[utoipa::path(post, path = "/api/v1/activities/{id}/spending", tag = "activities", request_body = SpendingBody,
    params(("id" = i32, Path, description = "Activity id")),
    responses((status = 201, body = SpendingDto), (status = 200, body = SpendingDto), (status = 403, body = ErrorBody)))]
pub async fn add_spending(
    RecordWrite { state, p, id, body }: RecordWrite,
) -> AppResult<Created<SpendingDto>> {
    let act = Act::new(&state.db.conn, &p, state.now());
    let b: SpendingBody = super::json_after(actions::load_managed(act, id), &body).await?;
    let f = SpendingInput {
        source: b.source.unwrap_or_default(),
        spent_on: b.spent_on.unwrap_or_default(),
        amount: as_text(b.amount.as_ref()),
        note: b.note.unwrap_or_default(),
    };
    let (row, added) = actions::add_spending(act, id, &f).await?;
    let status = if added {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(SpendingDto::from(&row))))
}

/// Deletes a spending of the activity.
#[utoipa::path(delete, path = "/api/v1/activities/{id}/spending/{spending_id}", tag = "activities",
    params(("id" = i32, Path, description = "Activity id"), ("spending_id" = i32, Path, description = "Spending id")),
    responses((status = 204), (status = 403, body = ErrorBody)))]
pub async fn delete_spending(
    Api { state, p }: Api,
    Path((id, spending_id)): Path<(i32, i32)>,
) -> AppResult<StatusCode> {
    actions::delete_spending(Act::new(&state.db.conn, &p, state.now()), id, spending_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

query_params! {
    UploadParams {
        /// The file's name (`bien-ban.pdf`).
        name,
    }
}

/// Attaches a document: the raw file as the body (at most 10 MB), its name in
/// `?name=`; the type from the name or `Content-Type`.
#[utoipa::path(post, path = "/api/v1/activities/{id}/documents", tag = "activities",
    params(("id" = i32, Path, description = "Activity id"), UploadParams),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses((status = 201, body = DocumentDto),
              (status = 403, body = ErrorBody)))]
pub async fn upload(
    Api { state, p }: Api,
    Path(id): Path<i32>,
    Query(q): Query<UploadParams>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> AppResult<Created<DocumentDto>> {
    let input = DocumentInput {
        file_name: q.name.unwrap_or_default(),
        content_type: headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string),
        data: body.to_vec(),
    };
    let d = actions::add_document(Act::new(&state.db.conn, &p, state.now()), id, input).await?;
    Ok(created(doc_dto(id, &d)))
}

/// Downloads a document (as an attachment).
#[utoipa::path(get, path = "/api/v1/activities/{id}/documents/{doc_id}", tag = "activities",
    params(("id" = i32, Path, description = "Activity id"), ("doc_id" = i32, Path, description = "Document id")),
    responses((status = 200, content_type = "application/octet-stream"),
              (status = 403, body = ErrorBody)))]
pub async fn download(
    Api { state, p }: Api,
    Path((id, doc_id)): Path<(i32, i32)>,
) -> AppResult<Response> {
    require(&p, Permission::ViewActivities)?;
    let db = &state.db.conn;
    let (a, _) = activities::get_in_scope(db, &p.scope(), id).await?;
    let d = activities::document(db, a.id, doc_id).await?;
    Ok(document_response(d))
}
