//! Accounts: the caller's own, and administration (admins only, in scope).

use super::Path;
use super::paging::{Listing, Page};
use super::require;
use super::{Api, JsonBody, RecordWrite};
use super::{Created, created};
use crate::accounts::{self, UserInput, UserUpdate};
use crate::auth::ApiUser;
use crate::error::{AppResult, ErrorBody};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use thamgia_domain::access::{Actor, Permission};
use thamgia_store::entity::{unit, user};
use thamgia_store::{agencies, units, users};

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct UserDto {
    pub id: i32,
    pub username: String,
    pub display_name: String,
    pub role: String,
    /// Code of the unit whose subtree the role covers.
    pub unit: String,
    pub agency: Option<String>,
    pub active: bool,
}

async fn dto(state: &AppState, u: &user::Model, unit: &unit::Model) -> AppResult<UserDto> {
    let agency = match u.agency_id {
        Some(a) => agencies::by_id(&state.db.conn, a).await?.map(|a| a.code),
        None => None,
    };
    Ok(UserDto {
        id: u.id,
        username: u.username.clone(),
        display_name: u.display_name.clone(),
        role: u.role.clone(),
        unit: unit.code.clone(),
        agency,
        active: u.active,
    })
}

/// The answer to a write on an account: the account as stored, with its unit.
async fn saved(state: &AppState, u: &user::Model) -> AppResult<UserDto> {
    let unit = units::by_id(&state.db.conn, u.unit_id)
        .await?
        .ok_or(crate::error::AppError::NotFound)?;
    dto(state, u, &unit).await
}

/// The signed-in user.
#[utoipa::path(get, path = "/api/v1/me", tag = "users",
    responses((status = 200, body = UserDto), (status = 401, body = ErrorBody)))]
pub async fn me(State(state): State<AppState>, ApiUser(p, _): ApiUser) -> AppResult<Json<UserDto>> {
    let (u, unit) = users::get_in_scope(&state.db.conn, &p.scope(), p.user_id).await?;
    Ok(Json(dto(&state, &u, &unit).await?))
}

/// Accounts in the caller's scope (admins).
#[utoipa::path(get, path = "/api/v1/users", params(crate::api::paging::Paging), tag = "users",
    responses((status = 200, body = [UserDto]), (status = 403, body = ErrorBody)))]
pub async fn list(Api { state, p }: Api, paging: Listing) -> AppResult<Page<UserDto>> {
    require(&p, Permission::ManageUsers)?;
    let rows = users::list(&state.db.conn, &p.scope()).await?;
    let mut out = Vec::with_capacity(rows.len());
    for (u, unit) in &rows {
        out.push(dto(&state, u, unit).await?);
    }
    paging.page(out)
}

/// Creates an account (admins). Every invalid field is named in `error.fields`.
#[utoipa::path(post, path = "/api/v1/users", tag = "users", request_body = UserInput,
    responses((status = 201, body = UserDto),
              (status = 409, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn create(Api { state, p }: Api, body: JsonBody) -> AppResult<Created<UserDto>> {
    require(&p, Permission::ManageUsers)?;
    let input: UserInput = super::json(&body)?;
    let actor = Actor::from(&p);
    let u = accounts::create(&state.db.conn, &actor, &p.scope(), state.now(), input).await?;
    Ok(created(saved(&state, &u).await?))
}

/// One account in the caller's scope (admins).
#[utoipa::path(get, path = "/api/v1/users/{id}", tag = "users",
    params(("id" = i32, Path, description = "Account id")),
    responses((status = 200, body = UserDto)))]
pub async fn show(Api { state, p }: Api, Path(id): Path<i32>) -> AppResult<Json<UserDto>> {
    require(&p, Permission::ManageUsers)?;
    let (u, unit) = users::get_in_scope(&state.db.conn, &p.scope(), id).await?;
    Ok(Json(dto(&state, &u, &unit).await?))
}

/// Changes an account (admins): name, role, unit, agency, active, password.
#[utoipa::path(patch, path = "/api/v1/users/{id}", tag = "users", request_body = UserUpdate,
    params(("id" = i32, Path, description = "Account id")),
    responses((status = 200, body = UserDto)))]
pub async fn update(RecordWrite { state, p, id, body }: RecordWrite) -> AppResult<Json<UserDto>> {
    require(&p, Permission::ManageUsers)?;
    let input: UserUpdate = super::json(&body)?;
    let actor = Actor::from(&p);
    let u = accounts::update(&state.db.conn, &actor, &p.scope(), state.now(), id, input).await?;
    Ok(Json(saved(&state, &u).await?))
}
