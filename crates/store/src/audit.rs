//! The audit trail: every write records who, when, which record and what
//! changed, in the same transaction as the write itself.

use crate::Result;
use crate::entity::audit;
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use serde::Serialize;
use thamgia_domain::access::Actor;

/// One change, with its before and after states as JSON.
pub struct Change<'a> {
    pub action: &'a str,
    pub entity: &'a str,
    pub entity_id: String,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

impl<'a> Change<'a> {
    pub fn new(action: &'a str, entity: &'a str, entity_id: impl ToString) -> Self {
        Change {
            action,
            entity,
            entity_id: entity_id.to_string(),
            before: None,
            after: None,
        }
    }

    pub fn before(mut self, v: &impl Serialize) -> Self {
        self.before = serde_json::to_value(v).ok();
        self
    }

    pub fn after(mut self, v: &impl Serialize) -> Self {
        self.after = serde_json::to_value(v).ok();
        self
    }
}

pub async fn record<C: ConnectionTrait>(
    c: &C,
    actor: &Actor,
    at: DateTime<Utc>,
    change: Change<'_>,
) -> Result<()> {
    audit::Entity::insert(audit::ActiveModel {
        at: Set(at),
        actor_user_id: Set(actor.user_id),
        actor: Set(actor.label.clone()),
        action: Set(change.action.to_string()),
        entity: Set(change.entity.to_string()),
        entity_id: Set(change.entity_id),
        before: Set(change.before.map(|v| v.to_string())),
        after: Set(change.after.map(|v| v.to_string())),
        ..Default::default()
    })
    .exec(c)
    .await?;
    Ok(())
}

/// The latest entries about one record, newest first.
pub async fn for_record<C: ConnectionTrait>(
    c: &C,
    entity: &str,
    entity_id: &str,
    limit: u64,
) -> Result<Vec<audit::Model>> {
    Ok(audit::Entity::find()
        .filter(audit::Column::Entity.eq(entity))
        .filter(audit::Column::EntityId.eq(entity_id))
        .order_by_desc(audit::Column::Id)
        .limit(limit)
        .all(c)
        .await?)
}

/// The latest entries of all kinds, newest first (admins only).
pub async fn latest<C: ConnectionTrait>(c: &C, limit: u64) -> Result<Vec<audit::Model>> {
    Ok(audit::Entity::find()
        .order_by_desc(audit::Column::Id)
        .limit(limit)
        .all(c)
        .await?)
}
