//! Signing in and out.
//!
//! Sign-in is throttled per account (failures over a sliding window, stored in
//! the database so several servers share the count). Not per client address:
//! a whole school or carrier NAT shares one, and a right password must not be
//! refused because others failed there (see `domain::account::Throttle`). A
//! successful sign-in always starts a *new* session id, so an id planted before
//! sign-in is worthless afterwards.

use super::{Chrome, PageErr, PageResult, render};
use crate::auth::{CsrfForm, Ctx, SESSION_COOKIE, random_token, safe_next, set_cookie};
use crate::password;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect};
use thamgia_store::users;

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    c: Chrome,
    next: String,
    username: String,
    error: Option<String>,
}

#[derive(serde::Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

pub async fn form(ctx: Ctx, Query(q): Query<NextQuery>) -> PageResult {
    if ctx.principal.is_some() {
        return Ok(Redirect::to(&safe_next(q.next.as_deref())).into_response());
    }
    Ok(render(&LoginPage {
        c: Chrome::new(&ctx, "login-title"),
        next: safe_next(q.next.as_deref()),
        username: String::new(),
        error: None,
    }))
}

#[derive(serde::Deserialize)]
pub struct LoginForm {
    username: String,
    password: String,
    next: Option<String>,
}

pub async fn submit(
    State(state): State<AppState>,
    ctx: Ctx,
    CsrfForm(f): CsrfForm<LoginForm>,
) -> PageResult {
    let lang = ctx.lang;
    let now = state.now();
    let username = f.username.trim().to_lowercase();
    let since = now - chrono::Duration::seconds(state.throttle.window_secs);
    let by_user = users::failures_since(&state.db.conn, &username, since)
        .await
        .page(lang)?;
    let again = |status: StatusCode, key: &str| {
        let mut res = render(&LoginPage {
            c: Chrome::new(&ctx, "login-title"),
            next: safe_next(f.next.as_deref()),
            username: username.clone(),
            error: Some(lang.t(key)),
        });
        *res.status_mut() = status;
        res
    };
    if state.throttle.blocks(by_user) {
        tracing::warn!("sign-in throttled");
        return Ok(again(StatusCode::TOO_MANY_REQUESTS, "login-throttled"));
    }
    let user = users::by_username(&state.db.conn, &username)
        .await
        .page(lang)?;
    let ok = match &user {
        Some(u) if u.active => password::verify(&f.password, &u.password_hash),
        _ => {
            // Same cost whether or not the account exists.
            let _ = password::verify(&f.password, password::dummy_hash());
            false
        }
    };
    let Some(user) = user.filter(|_| ok) else {
        users::record_failure(&state.db.conn, &username, &ctx.client, now)
            .await
            .page(lang)?;
        return Ok(again(StatusCode::UNAUTHORIZED, "login-failed"));
    };
    users::clear_failures(&state.db.conn, &username)
        .await
        .page(lang)?;
    if let Some(old) = &ctx.session_token {
        users::delete_session(&state.db.conn, old)
            .await
            .page(lang)?;
    }
    let token = random_token();
    let hours = state.config.session_hours;
    users::create_session(
        &state.db.conn,
        &token,
        &random_token(),
        user.id,
        now,
        now + chrono::Duration::hours(hours),
    )
    .await
    .page(lang)?;
    let mut res = Redirect::to(&safe_next(f.next.as_deref())).into_response();
    res.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(&state, SESSION_COOKIE, &token, Some(hours * 3600)),
    );
    Ok(res)
}

#[derive(serde::Deserialize)]
pub struct Empty {}

pub async fn logout(
    State(state): State<AppState>,
    ctx: Ctx,
    CsrfForm(_): CsrfForm<Empty>,
) -> PageResult {
    if let Some(t) = &ctx.session_token {
        users::delete_session(&state.db.conn, t)
            .await
            .page(ctx.lang)?;
    }
    let mut res = Redirect::to("/login").into_response();
    res.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(&state, SESSION_COOKIE, "", Some(0)),
    );
    Ok(res)
}
