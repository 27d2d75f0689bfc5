//! User administration, for admins only. Admins manage accounts inside their
//! own scope; every change is audited.

use super::{Chrome, PageErr, PageError, PageResult, Visit, render, require, unprocessable};
use crate::accounts::{self, UserInput, UserUpdate};
use crate::auth::CsrfForm;
use crate::error::AppError;
use crate::state::AppState;
use askama::Template;
use axum::extract::Path;
use axum::response::{IntoResponse, Redirect};
use std::collections::BTreeMap;
use thamgia_domain::access::{Actor, Permission, Role};
use thamgia_store::entity::{agency, audit, unit, user};
use thamgia_store::{agencies, audit as audit_log, units, users};

#[derive(Template)]
#[template(path = "users.html")]
struct UsersPage {
    c: Chrome,
    rows: Vec<(user::Model, unit::Model)>,
}

pub async fn list(Visit { state, p, ctx }: Visit) -> PageResult {
    require(&p, Permission::ManageUsers, ctx.lang)?;
    let rows = users::list(&state.db.conn, &p.scope())
        .await
        .page(ctx.lang)?;
    Ok(render(&UsersPage {
        c: Chrome::new(&ctx, "users-title"),
        rows,
    }))
}

/// The account form, for a new account or an existing one.
#[derive(Template)]
#[template(path = "user_form.html")]
struct UserForm {
    c: Chrome,
    editing: Option<user::Model>,
    input: UserInput,
    active: bool,
    /// The account's e-mail address (editing only), as stored or as typed.
    email: String,
    errors: BTreeMap<String, String>,
    roles: Vec<&'static str>,
    units: Vec<unit::Model>,
    agencies: Vec<agency::Model>,
    history: Vec<audit::Model>,
}

form_errors!(UserForm, |c, code| c.t(&format!("invalid-{code}")));

async fn form_page(
    state: &AppState,
    p: &thamgia_domain::access::Principal,
    ctx: &crate::auth::Ctx,
    editing: Option<user::Model>,
    input: UserInput,
    errors: BTreeMap<String, String>,
) -> Result<UserForm, PageError> {
    let lang = ctx.lang;
    let db = &state.db.conn;
    let units = units::list(db, &p.scope()).await.page(lang)?;
    let agencies = agencies::list(db, &p.scope())
        .await
        .page(lang)?
        .into_iter()
        .map(|(a, _)| a)
        .collect();
    let history = match &editing {
        Some(u) => audit_log::for_record(db, "user", &u.id.to_string(), 20)
            .await
            .page(lang)?,
        None => vec![],
    };
    Ok(UserForm {
        c: Chrome::new(
            ctx,
            if editing.is_some() {
                "user-edit-title"
            } else {
                "user-new-title"
            },
        ),
        active: editing.as_ref().is_none_or(|u| u.active),
        email: editing
            .as_ref()
            .and_then(|u| u.email.clone())
            .unwrap_or_default(),
        editing,
        input,
        errors,
        roles: Role::ALL.iter().map(|r| r.as_str()).collect(),
        units,
        agencies,
        history,
    })
}

pub async fn new_form(Visit { state, p, ctx }: Visit) -> PageResult {
    require(&p, Permission::ManageUsers, ctx.lang)?;
    let f = form_page(
        &state,
        &p,
        &ctx,
        None,
        UserInput::default(),
        BTreeMap::new(),
    )
    .await?;
    Ok(render(&f))
}

#[derive(serde::Deserialize)]
pub struct NewUserForm {
    username: String,
    display_name: String,
    role: String,
    unit: String,
    agency: Option<String>,
    password: String,
}

pub async fn create(
    Visit { state, p, ctx }: Visit,
    CsrfForm(f): CsrfForm<NewUserForm>,
) -> PageResult {
    require(&p, Permission::ManageUsers, ctx.lang)?;
    let input = UserInput {
        username: f.username,
        display_name: f.display_name,
        role: f.role,
        unit: f.unit,
        agency: f.agency,
        password: f.password,
    };
    match accounts::create(
        &state.db.conn,
        &Actor::from(&p),
        &p.scope(),
        state.now(),
        input.clone(),
    )
    .await
    {
        Ok(u) => Ok(Redirect::to(&format!("/admin/users/{}", u.id)).into_response()),
        Err(e) => {
            let errors = match e {
                AppError::Invalid { fields, .. } => fields,
                AppError::Conflict { field } => BTreeMap::from([(field, "taken".to_string())]),
                other => return Err(PageError(other, ctx.lang)),
            };
            let input = UserInput {
                password: String::new(),
                ..input
            };
            Ok(unprocessable(render(
                &form_page(&state, &p, &ctx, None, input, errors).await?,
            )))
        }
    }
}

async fn load(
    state: &AppState,
    p: &thamgia_domain::access::Principal,
    id: i32,
    lang: crate::i18n::Lang,
) -> Result<(user::Model, UserInput), PageError> {
    let (u, unit) = users::get_in_scope(&state.db.conn, &p.scope(), id)
        .await
        .page(lang)?;
    let agency = match u.agency_id {
        Some(a) => agencies::by_id(&state.db.conn, a)
            .await
            .page(lang)?
            .map(|a| a.code),
        None => None,
    };
    let input = UserInput {
        username: u.username.clone(),
        display_name: u.display_name.clone(),
        role: u.role.clone(),
        unit: unit.code,
        agency,
        password: String::new(),
    };
    Ok((u, input))
}

pub async fn edit_form(Visit { state, p, ctx }: Visit, Path(id): Path<i32>) -> PageResult {
    require(&p, Permission::ManageUsers, ctx.lang)?;
    let (u, input) = load(&state, &p, id, ctx.lang).await?;
    Ok(render(
        &form_page(&state, &p, &ctx, Some(u), input, BTreeMap::new()).await?,
    ))
}

#[derive(serde::Deserialize)]
pub struct EditUserForm {
    display_name: String,
    role: String,
    unit: String,
    agency: Option<String>,
    active: Option<String>,
    password: Option<String>,
    email: Option<String>,
}

pub async fn update(
    Visit { state, p, ctx }: Visit,
    Path(id): Path<i32>,
    CsrfForm(f): CsrfForm<EditUserForm>,
) -> PageResult {
    require(&p, Permission::ManageUsers, ctx.lang)?;
    let (current, _) = load(&state, &p, id, ctx.lang).await?;
    let upd = UserUpdate {
        display_name: Some(f.display_name.clone()),
        role: Some(f.role.clone()),
        unit: Some(f.unit.clone()),
        agency: Some(f.agency.clone().unwrap_or_default()),
        active: Some(f.active.is_some()),
        password: f.password,
        email: f.email.clone(),
    };
    match accounts::update(
        &state.db.conn,
        &Actor::from(&p),
        &p.scope(),
        state.now(),
        id,
        upd,
    )
    .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/admin/users/{id}")).into_response()),
        Err(AppError::Invalid { fields, .. }) => {
            let input = UserInput {
                username: current.username.clone(),
                display_name: f.display_name,
                role: f.role,
                unit: f.unit,
                agency: f.agency,
                password: String::new(),
            };
            let mut page = form_page(&state, &p, &ctx, Some(current), input, fields).await?;
            page.email = f.email.unwrap_or_default();
            Ok(unprocessable(render(&page)))
        }
        Err(e) => Err(PageError(e, ctx.lang)),
    }
}
