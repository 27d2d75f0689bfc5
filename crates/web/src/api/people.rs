//! Identified children (council and club members) and their consents. Only
//! roles allowed to see names (`ViewNames`) reach these operations; a child is
//! created together with a complete consent, and withdrawing the consent
//! replaces the name, contact, school and exact birth date with a pseudonym.
//! The same checks as the pages (`pages/people.rs`).

use super::Path;
use super::paging::{Listing, Page};
use super::require;
use super::{Api, JsonBody, RecordWrite};
use super::{Created, created};
use crate::error::{AppResult, ErrorBody};
use crate::state::AppState;
use axum::Json;
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::Deserialize;
use thamgia_actions::Act;
use thamgia_actions::people::{self as actions, ConsentInput, PersonInput};
use thamgia_domain::access::{Permission, Principal};
use thamgia_domain::models::age_on;
use thamgia_store::entity::{consent, person, unit};
use thamgia_store::people;

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ConsentDto {
    pub id: i32,
    /// "—" once the consent was withdrawn.
    pub guardian_name: String,
    /// mẹ, bố, ông, bà, người giám hộ…
    pub guardian_relation: String,
    /// written | verbal | electronic
    pub method: String,
    pub guardian_date: NaiveDate,
    pub child_agreed: bool,
    pub child_date: Option<NaiveDate>,
    pub purpose: String,
    pub recorded_at: DateTime<Utc>,
    pub withdrawn_at: Option<DateTime<Utc>>,
}

impl From<&consent::Model> for ConsentDto {
    fn from(k: &consent::Model) -> Self {
        ConsentDto {
            id: k.id,
            guardian_name: k.guardian_name.clone(),
            guardian_relation: k.guardian_relation.clone(),
            method: k.guardian_method.as_str().into(),
            guardian_date: k.guardian_date,
            child_agreed: k.child_agreed,
            child_date: k.child_date,
            purpose: k.purpose.clone(),
            recorded_at: k.recorded_at,
            withdrawn_at: k.withdrawn_at,
        }
    }
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct MembershipDto {
    /// council | club
    pub kind: String,
    /// Id of the council or club.
    pub id: i32,
    pub name: String,
    /// A council role (chair | vice_chair | secretary | member), or `leader` | `member` in a club.
    pub role: String,
    pub from: NaiveDate,
    pub to: Option<NaiveDate>,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct PersonDto {
    pub id: i32,
    /// The child's name while the consent stands; the pseudonym (`Trẻ em #00042`) after withdrawal.
    pub full_name: String,
    /// Withheld after withdrawal.
    pub birth_date: Option<NaiveDate>,
    pub birth_year: Option<i32>,
    pub age: Option<i32>,
    /// girl | boy | other
    pub sex: Option<String>,
    /// Official ethnic group code.
    pub ethnic: Option<String>,
    pub disability: Option<bool>,
    /// Code of the unit.
    pub unit: String,
    pub school_or_commune: Option<String>,
    pub guardian_contact: Option<String>,
    /// The consent was withdrawn and the name replaced.
    pub pseudonymised: bool,
    pub consent_active: bool,
    /// Single child only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub consents: Option<Vec<ConsentDto>>,
    /// Single child only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub memberships: Option<Vec<MembershipDto>>,
}

fn dto(p: &person::Model, u: &unit::Model, active: bool, today: NaiveDate) -> PersonDto {
    let gone = p.pseudonymised_at.is_some();
    PersonDto {
        id: p.id,
        full_name: people::display_name(p),
        birth_date: p.birth_date.filter(|_| !gone),
        birth_year: p.birth_date.map(|d| d.year()),
        age: p.birth_date.filter(|_| !gone).map(|b| age_on(b, today)),
        sex: p.sex.clone(),
        ethnic: p.ethnic.clone(),
        disability: p.disability,
        unit: u.code.clone(),
        school_or_commune: p.school_or_commune.clone(),
        guardian_contact: p.guardian_contact.clone(),
        pseudonymised: gone,
        consent_active: active && !gone,
        consents: None,
        memberships: None,
    }
}

async fn one(state: &AppState, p: &Principal, id: i32) -> AppResult<PersonDto> {
    let db = &state.db.conn;
    let (person, u) = people::get_in_scope(db, &p.scope(), id).await?;
    let consents = people::consents(db, id).await?;
    let active = consents.iter().any(|k| k.withdrawn_at.is_none());
    let mut d = dto(&person, &u, active, state.now().date_naive());
    d.consents = Some(consents.iter().map(ConsentDto::from).collect());
    let ms = actions::memberships(db, id).await?;
    d.memberships = Some(
        ms.into_iter()
            .map(|m| MembershipDto {
                kind: m.kind.into(),
                id: m.id,
                name: m.name,
                role: m.role,
                from: m.from,
                to: m.to,
            })
            .collect(),
    );
    Ok(d)
}

/// Identified children in the caller's scope (names: `ViewNames` roles only).
#[utoipa::path(get, path = "/api/v1/people", params(crate::api::paging::Paging), tag = "models",
    responses((status = 200, body = [PersonDto]), (status = 403, body = ErrorBody)))]
pub async fn list(Api { state, p }: Api, paging: Listing) -> AppResult<Page<PersonDto>> {
    require(&p, Permission::ViewNames)?;
    let db = &state.db.conn;
    let rows = people::list_with_units(db, &p.scope()).await?;
    let ids: Vec<i32> = rows.iter().map(|(x, _)| x.id).collect();
    let active = people::with_active_consent(db, &ids).await?;
    let today = state.now().date_naive();
    paging.page(
        rows.iter()
            .map(|(x, u)| dto(x, u, active.contains(&x.id), today))
            .collect(),
    )
}

/// A child with the consent recorded for them: both at once or nothing.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct PersonCreate {
    pub full_name: Option<String>,
    /// yyyy-mm-dd (or dd/mm/yyyy); the child must be 6–15 today.
    pub birth_date: Option<String>,
    /// girl | boy | other
    pub sex: Option<String>,
    /// Official ethnic group code (optional).
    pub ethnic: Option<String>,
    #[serde(default)]
    pub disability: bool,
    /// Code of a unit in the caller's scope.
    pub unit: Option<String>,
    pub school_or_commune: Option<String>,
    pub guardian_contact: Option<String>,
    /// Who consented for the child.
    pub guardian_name: Option<String>,
    /// mẹ, bố, ông, bà, người giám hộ…
    pub guardian_relation: Option<String>,
    /// written | verbal | electronic
    pub guardian_method: Option<String>,
    /// yyyy-mm-dd, not in the future.
    pub guardian_date: Option<String>,
    /// The child's own agreement: required from age 7.
    #[serde(default)]
    pub child_agreed: bool,
    /// yyyy-mm-dd: required from age 7.
    pub child_date: Option<String>,
    /// What the child's data is for, e.g. "Thành viên Hội đồng trẻ em huyện Tam Đường nhiệm kỳ 2019–2021" (no name).
    pub purpose: Option<String>,
}

/// Records a child with their consent. Without a complete consent nothing is
/// stored and every missing field is named in `error.fields`.
#[utoipa::path(post, path = "/api/v1/people", tag = "models", request_body = PersonCreate,
    responses((status = 201, body = PersonDto), (status = 403, body = ErrorBody)))]
pub async fn create(Api { state, p }: Api, body: JsonBody) -> AppResult<Created<PersonDto>> {
    let act = Act::new(&state.db.conn, &p, state.now());
    act.require(Permission::ViewNames)?;
    act.require(Permission::ManageModels)?;
    let b: PersonCreate = super::json(&body)?;
    let f = PersonInput {
        full_name: b.full_name.unwrap_or_default(),
        birth_date: b.birth_date.unwrap_or_default(),
        sex: b.sex.unwrap_or_default(),
        ethnic: b.ethnic.unwrap_or_default(),
        disability: b.disability,
        unit: b.unit.unwrap_or_default(),
        school_or_commune: b.school_or_commune.unwrap_or_default(),
        guardian_contact: b.guardian_contact.unwrap_or_default(),
        consent: ConsentInput {
            guardian_name: b.guardian_name.unwrap_or_default(),
            guardian_relation: b.guardian_relation.unwrap_or_default(),
            guardian_method: b.guardian_method.unwrap_or_default(),
            guardian_date: b.guardian_date.unwrap_or_default(),
            child_agreed: b.child_agreed,
            child_date: b.child_date.unwrap_or_default(),
            purpose: b.purpose.unwrap_or_default(),
        },
    };
    let row = actions::create(act, &f).await?;
    Ok(created(one(&state, &p, row.id).await?))
}

/// One child with consents and memberships; 404 when unknown or outside the scope.
#[utoipa::path(get, path = "/api/v1/people/{id}", tag = "models",
    params(("id" = i32, Path, description = "Person id")),
    responses((status = 200, body = PersonDto), (status = 403, body = ErrorBody)))]
pub async fn show(Api { state, p }: Api, Path(id): Path<i32>) -> AppResult<Json<PersonDto>> {
    require(&p, Permission::ViewNames)?;
    Ok(Json(one(&state, &p, id).await?))
}

/// Withdraws the consent: the name, contact, school and exact birth date are
/// replaced by a pseudonym everywhere; memberships end today and their history stays.
#[utoipa::path(post, path = "/api/v1/people/{id}/withdraw", tag = "models",
    params(("id" = i32, Path, description = "Person id")),
    responses((status = 200, body = PersonDto), (status = 409, body = ErrorBody),
              (status = 403, body = ErrorBody)))]
pub async fn withdraw(Api { state, p }: Api, Path(id): Path<i32>) -> AppResult<Json<PersonDto>> {
    let act = Act::new(&state.db.conn, &p, state.now());
    actions::withdraw(act, id, true).await?;
    Ok(Json(one(&state, &p, id).await?))
}

/// A further consent (a new purpose or a renewal).
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct ConsentCreate {
    pub guardian_name: Option<String>,
    pub guardian_relation: Option<String>,
    /// written | verbal | electronic
    pub guardian_method: Option<String>,
    /// yyyy-mm-dd
    pub guardian_date: Option<String>,
    #[serde(default)]
    pub child_agreed: bool,
    pub child_date: Option<String>,
    pub purpose: Option<String>,
}

/// Records a further consent for a child still on record by name.
#[utoipa::path(post, path = "/api/v1/people/{id}/consents", tag = "models", request_body = ConsentCreate,
    params(("id" = i32, Path, description = "Person id")),
    responses((status = 201, body = PersonDto),
              (status = 403, body = ErrorBody)))]
pub async fn add_consent(
    RecordWrite { state, p, id, body }: RecordWrite,
) -> AppResult<Created<PersonDto>> {
    // Permission and scope before the body is read.
    let act = Act::new(&state.db.conn, &p, state.now());
    let b: ConsentCreate = super::json_after(actions::load(act, id), &body).await?;
    let k = ConsentInput {
        guardian_name: b.guardian_name.unwrap_or_default(),
        guardian_relation: b.guardian_relation.unwrap_or_default(),
        guardian_method: b.guardian_method.unwrap_or_default(),
        guardian_date: b.guardian_date.unwrap_or_default(),
        child_agreed: b.child_agreed,
        child_date: b.child_date.unwrap_or_default(),
        purpose: b.purpose.unwrap_or_default(),
    };
    actions::add_consent(act, id, &k).await?;
    Ok(created(one(&state, &p, id).await?))
}
