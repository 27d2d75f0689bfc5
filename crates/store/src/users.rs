//! Accounts, server-side sessions, API tokens and sign-in failures.
//!
//! Secrets are stored one-way: a session row is keyed by the SHA-256 of the
//! cookie value and an API token by the SHA-256 of the token, so a copy of the
//! database opens no doors. Password hashing (argon2id) happens in the web
//! layer; this module only keeps the resulting PHC string.

use crate::audit::{self, Change};
use crate::entity::{api_token, login_failure, session, unit, user};
use crate::{Result, StoreError, on_unique, sha256_hex};
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel,
    PaginatorTrait, QueryFilter, QueryOrder, TransactionSession, TransactionTrait,
};
use thamgia_domain::access::{Actor, Principal, Role, Scope};

pub struct NewUser {
    pub username: String,
    pub display_name: String,
    pub password_hash: String,
    pub role: Role,
    pub unit_id: i32,
    pub agency_id: Option<i32>,
}

pub async fn create<C: TransactionTrait + ConnectionTrait>(
    c: &C,
    actor: &Actor,
    now: DateTime<Utc>,
    u: NewUser,
) -> Result<user::Model> {
    let tx = crate::begin_write(c).await?;
    let row = user::ActiveModel {
        username: Set(u.username),
        display_name: Set(u.display_name),
        password_hash: Set(u.password_hash),
        role: Set(u.role.as_str().to_string()),
        unit_id: Set(u.unit_id),
        agency_id: Set(u.agency_id),
        active: Set(true),
        locale: Set(None),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&tx)
    .await
    .map_err(|e| on_unique(e, "username"))?;
    audit::created(&tx, actor, now, "user", row.id, &row).await?;
    tx.commit().await?;
    Ok(row)
}

pub async fn by_username<C: ConnectionTrait>(c: &C, username: &str) -> Result<Option<user::Model>> {
    Ok(user::Entity::find()
        .filter(user::Column::Username.eq(username))
        .one(c)
        .await?)
}

/// Users whose unit lies in the scope, with their unit.
pub async fn list<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
) -> Result<Vec<(user::Model, unit::Model)>> {
    let (units, users) = crate::scoped::units_and_rows(c, scope, user::Column::UnitId).await?;
    let users = users.order_by_asc(user::Column::Username).all(c).await?;
    Ok(crate::scoped::with_unit(users, &units, |us| us.unit_id))
}

/// One user if their unit lies in the scope.
pub async fn get_in_scope<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    id: i32,
) -> Result<(user::Model, unit::Model)> {
    crate::scoped::of_unit::<user::Entity, C>(c, scope, id, |r| r.unit_id).await
}

/// Changes to an account; `None` leaves a field as it is.
#[derive(Default)]
pub struct UserChanges {
    pub display_name: Option<String>,
    pub role: Option<Role>,
    pub unit_id: Option<i32>,
    pub agency_id: Option<Option<i32>>,
    pub active: Option<bool>,
    pub password_hash: Option<String>,
    /// `Some(None)` removes the address.
    pub email: Option<Option<String>>,
}

pub async fn update<C: TransactionTrait + ConnectionTrait>(
    c: &C,
    actor: &Actor,
    now: DateTime<Utc>,
    id: i32,
    ch: UserChanges,
) -> Result<user::Model> {
    let tx = crate::begin_write(c).await?;
    if (ch.role.is_some() || ch.unit_id.is_some() || ch.active.is_some())
        && tx.get_database_backend() == sea_orm::DbBackend::Postgres
    {
        // Changes that can remove an administrator take turns, before anything
        // is read: two admins demoting each other at once would otherwise each
        // see the other still in place (or deadlock on each other's rows).
        // SQLite's write transactions already take turns (`begin_write`).
        tx.execute_unprepared("SELECT pg_advisory_xact_lock(7201012)")
            .await?;
    }
    let before = crate::scoped::found::<user::Entity, _>(&tx, id).await?;
    let mut am = before.clone().into_active_model();
    if let Some(v) = ch.display_name {
        am.display_name = Set(v);
    }
    if let Some(v) = ch.role {
        am.role = Set(v.as_str().to_string());
    }
    if let Some(v) = ch.unit_id {
        am.unit_id = Set(v);
    }
    if let Some(v) = ch.agency_id {
        am.agency_id = Set(v);
    }
    if let Some(v) = ch.active {
        am.active = Set(v);
    }
    if let Some(v) = ch.email {
        am.email = Set(v);
    }
    let password_changed = ch.password_hash.is_some();
    if let Some(v) = ch.password_hash {
        am.password_hash = Set(v);
    }
    let after = am.update(&tx).await?;
    if holds_whole_tree(&tx, &before).await?
        && !holds_whole_tree(&tx, &after).await?
        && !other_admin_of_whole_tree(&tx, id).await?
    {
        // Nobody could give the province its administrator back.
        return Err(StoreError::Conflict {
            field: "last_admin",
        });
    }
    let mut change = Change::new("update", "user", id)
        .before(&before)
        .after(&after);
    if password_changed {
        // The hash itself is never written to the trail; only that it changed.
        if let Some(serde_json::Value::Object(m)) = change.after.as_mut() {
            m.insert(
                "password".into(),
                serde_json::Value::String("changed".into()),
            );
        }
    }
    audit::record(&tx, actor, now, change).await?;
    // A changed role, scope or password, or a deactivation, ends open sessions.
    if after.role != before.role
        || after.unit_id != before.unit_id
        || !after.active
        || password_changed
    {
        session::Entity::delete_many()
            .filter(session::Column::UserId.eq(id))
            .exec(&tx)
            .await?;
    }
    tx.commit().await?;
    Ok(after)
}

/// Whether the account is an active administrator of a top unit (the
/// province): the one account that can manage every other.
async fn holds_whole_tree<C: ConnectionTrait>(c: &C, u: &user::Model) -> Result<bool> {
    if !u.active || u.role != Role::Admin.as_str() {
        return Ok(false);
    }
    Ok(unit::Entity::find_by_id(u.unit_id)
        .one(c)
        .await?
        .is_some_and(|x| x.parent_id.is_none()))
}

/// Whether another active administrator of a top unit exists. On PostgreSQL
/// their rows are locked until the transaction ends, so two administrators
/// demoting each other at once cannot both succeed.
async fn other_admin_of_whole_tree<C: ConnectionTrait>(c: &C, except: i32) -> Result<bool> {
    let tops = unit::Entity::find()
        .filter(unit::Column::ParentId.is_null())
        .all(c)
        .await?;
    let q = user::Entity::find()
        .filter(user::Column::Role.eq(Role::Admin.as_str()))
        .filter(user::Column::Active.eq(true))
        .filter(user::Column::UnitId.is_in(tops.iter().map(|u| u.id)))
        .filter(user::Column::Id.ne(except));
    Ok(!q.all(c).await?.is_empty())
}

pub async fn set_locale<C: ConnectionTrait>(c: &C, user_id: i32, locale: &str) -> Result<()> {
    user::Entity::update_many()
        .col_expr(
            user::Column::Locale,
            sea_orm::sea_query::Expr::value(locale.to_string()),
        )
        .filter(user::Column::Id.eq(user_id))
        .exec(c)
        .await?;
    Ok(())
}

pub async fn count<C: ConnectionTrait>(c: &C) -> Result<u64> {
    Ok(user::Entity::find().count(c).await?)
}

/// Builds the principal the access rules work with.
pub async fn principal<C: ConnectionTrait>(c: &C, us: &user::Model) -> Result<Principal> {
    let u = crate::scoped::found::<unit::Entity, _>(c, us.unit_id).await?;
    let role = Role::parse(&us.role).ok_or(StoreError::NotFound)?;
    Ok(Principal {
        user_id: us.id,
        username: us.username.clone(),
        role,
        unit_id: u.id,
        unit_path: u.path,
        agency_id: us.agency_id,
    })
}

// ---- sessions ----

/// Stores a new session for the secret `token` (the cookie value).
pub async fn create_session<C: ConnectionTrait>(
    c: &C,
    token: &str,
    csrf: &str,
    user_id: i32,
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> Result<()> {
    session::ActiveModel {
        id: Set(sha256_hex(token)),
        user_id: Set(user_id),
        csrf_token: Set(csrf.to_string()),
        created_at: Set(now),
        expires_at: Set(expires_at),
    }
    .insert(c)
    .await?;
    Ok(())
}

/// The live session for a cookie value, with its active user.
pub async fn session<C: ConnectionTrait>(
    c: &C,
    token: &str,
    now: DateTime<Utc>,
) -> Result<Option<(session::Model, user::Model)>> {
    let Some(s) = session::Entity::find_by_id(sha256_hex(token))
        .one(c)
        .await?
    else {
        return Ok(None);
    };
    if s.expires_at <= now {
        session::Entity::delete_by_id(s.id).exec(c).await?;
        return Ok(None);
    }
    match user::Entity::find_by_id(s.user_id).one(c).await? {
        Some(u) if u.active => Ok(Some((s, u))),
        _ => Ok(None),
    }
}

pub async fn delete_session<C: ConnectionTrait>(c: &C, token: &str) -> Result<()> {
    session::Entity::delete_by_id(sha256_hex(token))
        .exec(c)
        .await?;
    Ok(())
}

pub async fn purge_expired_sessions<C: ConnectionTrait>(c: &C, now: DateTime<Utc>) -> Result<u64> {
    Ok(session::Entity::delete_many()
        .filter(session::Column::ExpiresAt.lte(now))
        .exec(c)
        .await?
        .rows_affected)
}

// ---- API tokens ----

pub async fn create_token<C: TransactionTrait + ConnectionTrait>(
    c: &C,
    actor: &Actor,
    now: DateTime<Utc>,
    user_id: i32,
    token: &str,
    label: &str,
) -> Result<api_token::Model> {
    let tx = crate::begin_write(c).await?;
    let row = api_token::ActiveModel {
        user_id: Set(user_id),
        token_hash: Set(sha256_hex(token)),
        label: Set(label.to_string()),
        created_at: Set(now),
        last_used_at: Set(None),
        revoked_at: Set(None),
        ..Default::default()
    }
    .insert(&tx)
    .await?;
    let change = Change::new("create", "api_token", row.id).after(&serde_json::json!({
        "user_id": user_id, "label": label
    }));
    audit::commit(tx, actor, now, change).await?;
    Ok(row)
}

/// How stale `last_used_at` may grow before a request refreshes it. The column
/// says roughly when a token was last seen; writing it on every request made
/// each bearer read a write, queued behind imports and other writers.
pub const TOKEN_TOUCH_INTERVAL: chrono::TimeDelta = chrono::TimeDelta::seconds(60);

/// The active user behind a bearer token, if the token is known and not
/// revoked, and — when its `last_used_at` is older than
/// [`TOKEN_TOUCH_INTERVAL`] — the token's id for [`touch_token`]. Only reads:
/// the caller refreshes the stamp apart from the request.
pub async fn user_for_token<C: ConnectionTrait>(
    c: &C,
    token: &str,
    now: DateTime<Utc>,
) -> Result<Option<(user::Model, Option<i32>)>> {
    let Some(t) = api_token::Entity::find()
        .filter(api_token::Column::TokenHash.eq(sha256_hex(token)))
        .filter(api_token::Column::RevokedAt.is_null())
        .one(c)
        .await?
    else {
        return Ok(None);
    };
    let stale = t
        .last_used_at
        .is_none_or(|at| now - at >= TOKEN_TOUCH_INTERVAL);
    match user::Entity::find_by_id(t.user_id).one(c).await? {
        Some(u) if u.active => Ok(Some((u, stale.then_some(t.id)))),
        _ => Ok(None),
    }
}

/// Stamps a token's `last_used_at`, unless another request did within
/// [`TOKEN_TOUCH_INTERVAL`] (the condition is in the `UPDATE`, so clients
/// polling in parallel write once a minute, not once each).
pub async fn touch_token<C: ConnectionTrait>(c: &C, id: i32, now: DateTime<Utc>) -> Result<()> {
    api_token::Entity::update_many()
        .col_expr(
            api_token::Column::LastUsedAt,
            sea_orm::sea_query::Expr::value(now),
        )
        .filter(api_token::Column::Id.eq(id))
        .filter(
            sea_orm::Condition::any()
                .add(api_token::Column::LastUsedAt.is_null())
                .add(api_token::Column::LastUsedAt.lte(now - TOKEN_TOUCH_INTERVAL)),
        )
        .exec(c)
        .await?;
    Ok(())
}

// ---- sign-in failures ----

pub async fn record_failure<C: ConnectionTrait>(
    c: &C,
    username: &str,
    client: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    login_failure::ActiveModel {
        username: Set(username.to_string()),
        client: Set(client.to_string()),
        at: Set(now),
        ..Default::default()
    }
    .insert(c)
    .await?;
    Ok(())
}

/// Failures of the account since `since`, from any client. (The client's
/// digest is still stored with each failure, for an operator's inquiry; it no
/// longer refuses anyone, see `domain::account::Throttle`.)
pub async fn failures_since<C: ConnectionTrait>(
    c: &C,
    username: &str,
    since: DateTime<Utc>,
) -> Result<u64> {
    Ok(login_failure::Entity::find()
        .filter(login_failure::Column::Username.eq(username))
        .filter(login_failure::Column::At.gt(since))
        .count(c)
        .await?)
}

/// A successful sign-in clears the account's failures.
pub async fn clear_failures<C: ConnectionTrait>(c: &C, username: &str) -> Result<()> {
    login_failure::Entity::delete_many()
        .filter(login_failure::Column::Username.eq(username))
        .exec(c)
        .await?;
    Ok(())
}
