//! Facilitators' offline devices: a device token per signed-in device
//! (stored by its SHA-256 only), what each device last reported at a sync,
//! and revocation by an officer of the device user's unit.

use crate::audit::{self, Change};
use crate::entity::{device, unit, user};
use crate::{Result, StoreError, sha256_hex};
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel,
    QueryFilter, QueryOrder, TransactionTrait,
};
use thamgia_domain::access::{Actor, Scope};

/// Every device token starts so, which tells it apart from an API token.
pub const TOKEN_PREFIX: &str = "dev_";

/// Registers a device for `user_id` under `token` (kept hashed), audited.
pub async fn create<C: TransactionTrait + ConnectionTrait>(
    c: &C,
    actor: &Actor,
    now: DateTime<Utc>,
    user_id: i32,
    token: &str,
    label: &str,
) -> Result<device::Model> {
    let tx = crate::begin_write(c).await?;
    let row = device::ActiveModel {
        user_id: Set(user_id),
        token_hash: Set(sha256_hex(token)),
        label: Set(label.to_string()),
        created_at: Set(now),
        last_sync_at: Set(None),
        last_unsent: Set(None),
        last_offset_seconds: Set(None),
        revoked_at: Set(None),
        revoked_by: Set(None),
        ..Default::default()
    }
    .insert(&tx)
    .await?;
    let u = user::Entity::find_by_id(user_id).one(&tx).await?;
    let change = Change::new("create", "device", row.id).after(&serde_json::json!({
        "user_id": user_id, "label": label, "unit_id": u.map(|u| u.unit_id)
    }));
    audit::commit(tx, actor, now, change).await?;
    Ok(row)
}

/// The device and its active user behind a device token, unless revoked.
pub async fn by_token<C: ConnectionTrait>(
    c: &C,
    token: &str,
) -> Result<Option<(device::Model, user::Model)>> {
    let Some(d) = device::Entity::find()
        .filter(device::Column::TokenHash.eq(sha256_hex(token)))
        .filter(device::Column::RevokedAt.is_null())
        .one(c)
        .await?
    else {
        return Ok(None);
    };
    match user::Entity::find_by_id(d.user_id).one(c).await? {
        Some(u) if u.active => Ok(Some((d, u))),
        _ => Ok(None),
    }
}

/// What a device said at a sync: answers it still holds (after this batch)
/// and its clock's distance from the server's, in seconds (server − device).
pub async fn record_sync<C: ConnectionTrait>(
    c: &C,
    id: i32,
    now: DateTime<Utc>,
    unsent: i32,
    offset_seconds: i64,
) -> Result<()> {
    device::Entity::update_many()
        .col_expr(
            device::Column::LastSyncAt,
            sea_orm::sea_query::Expr::value(now),
        )
        .col_expr(
            device::Column::LastUnsent,
            sea_orm::sea_query::Expr::value(unsent),
        )
        .col_expr(
            device::Column::LastOffsetSeconds,
            sea_orm::sea_query::Expr::value(offset_seconds),
        )
        .filter(device::Column::Id.eq(id))
        .exec(c)
        .await?;
    Ok(())
}

/// Devices of the users whose unit lies in the scope (only `user_id`'s own
/// when given), newest first, with their user and the user's unit.
pub async fn list<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    only_user: Option<i32>,
) -> Result<Vec<(device::Model, user::Model, unit::Model)>> {
    let people = crate::users::list(c, scope).await?;
    let mut q = device::Entity::find()
        .filter(device::Column::UserId.is_in(people.iter().map(|(u, _)| u.id)));
    if let Some(id) = only_user {
        q = q.filter(device::Column::UserId.eq(id));
    }
    let rows = q.order_by_desc(device::Column::Id).all(c).await?;
    Ok(rows
        .into_iter()
        .filter_map(|d| {
            let (u, un) = people.iter().find(|(u, _)| u.id == d.user_id)?.clone();
            Some((d, u, un))
        })
        .collect())
}

/// Revokes a device of the scope (only `user_id`'s own when given): its
/// token stops working at once. Revoking twice changes nothing.
pub async fn revoke<C: TransactionTrait + ConnectionTrait>(
    c: &C,
    actor: &Actor,
    now: DateTime<Utc>,
    scope: &Scope,
    only_user: Option<i32>,
    id: i32,
    by: Option<i32>,
) -> Result<device::Model> {
    let tx = crate::begin_write(c).await?;
    let d = crate::scoped::found::<device::Entity, _>(&tx, id).await?;
    if only_user.is_some_and(|u| u != d.user_id) {
        return Err(StoreError::NotFound);
    }
    let (_, un) = crate::users::get_in_scope(&tx, scope, d.user_id).await?;
    if d.revoked_at.is_some() {
        return Ok(d);
    }
    let mut m = d.clone().into_active_model();
    m.revoked_at = Set(Some(now));
    m.revoked_by = Set(by);
    let after = m.update(&tx).await?;
    let change = Change::new("revoke", "device", id)
        .before(&serde_json::json!({ "revoked": false, "unit_id": un.id }))
        .after(&serde_json::json!({ "revoked": true, "unit_id": un.id }));
    audit::commit(tx, actor, now, change).await?;
    Ok(after)
}
