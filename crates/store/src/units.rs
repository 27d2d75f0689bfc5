//! Units: the administrative tree (province → district → commune, schools,
//! villages), each with its official code, level, validity dates and successors.

use crate::entity::{unit, unit_successor};
use crate::{Result, StoreError};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use thamgia_domain::access::Scope;

/// Every unit inside the scope, in tree order (a parent before its children).
pub async fn list<C: ConnectionTrait>(c: &C, scope: &Scope) -> Result<Vec<unit::Model>> {
    Ok(unit::Entity::find()
        .filter(unit::Column::Path.like(scope.like_pattern()))
        .order_by_asc(unit::Column::Path)
        .all(c)
        .await?)
}

/// The units inside the scope and, when `under` is given (a unit's path such
/// as `/12/106/`), inside that subtree too — what every list filtered by a
/// unit starts from.
pub async fn within<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    under: Option<&str>,
) -> Result<Vec<unit::Model>> {
    let mut q = unit::Entity::find().filter(unit::Column::Path.like(scope.like_pattern()));
    if let Some(p) = under {
        q = q.filter(unit::Column::Path.like(format!("{p}%")));
    }
    Ok(q.all(c).await?)
}

pub async fn by_code<C: ConnectionTrait>(c: &C, code: &str) -> Result<Option<unit::Model>> {
    Ok(unit::Entity::find()
        .filter(unit::Column::Code.eq(code))
        .one(c)
        .await?)
}

pub async fn by_id<C: ConnectionTrait>(c: &C, id: i32) -> Result<Option<unit::Model>> {
    Ok(unit::Entity::find_by_id(id).one(c).await?)
}

/// A unit by code, or `NotFound` when it does not exist *or* lies outside the
/// scope: the two are deliberately indistinguishable.
pub async fn get_in_scope<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    code: &str,
) -> Result<unit::Model> {
    match by_code(c, code).await? {
        Some(u) if scope.contains(&u.path) => Ok(u),
        _ => Err(StoreError::NotFound),
    }
}

/// The codes of the units that replaced this one (after a merger or the 2025
/// abolition of districts).
pub async fn successors<C: ConnectionTrait>(c: &C, unit_id: i32) -> Result<Vec<unit::Model>> {
    let ids: Vec<i32> = unit_successor::Entity::find()
        .filter(unit_successor::Column::UnitId.eq(unit_id))
        .all(c)
        .await?
        .into_iter()
        .map(|s| s.successor_id)
        .collect();
    if ids.is_empty() {
        return Ok(vec![]);
    }
    Ok(unit::Entity::find()
        .filter(unit::Column::Id.is_in(ids))
        .order_by_asc(unit::Column::Path)
        .all(c)
        .await?)
}

/// The unit's ancestors, root first (for breadcrumbs inside the scope).
pub async fn ancestors<C: ConnectionTrait>(c: &C, u: &unit::Model) -> Result<Vec<unit::Model>> {
    let codes: Vec<String> = u
        .path
        .trim_matches('/')
        .split('/')
        .filter(|s| !s.is_empty() && *s != u.code)
        .map(str::to_string)
        .collect();
    if codes.is_empty() {
        return Ok(vec![]);
    }
    Ok(unit::Entity::find()
        .filter(unit::Column::Code.is_in(codes))
        .order_by_asc(unit::Column::Path)
        .all(c)
        .await?)
}

/// Whether the unit is open on a date (`valid_from <= date <= valid_to`).
pub fn is_valid_on(u: &unit::Model, date: chrono::NaiveDate) -> bool {
    u.valid_from.is_none_or(|f| f <= date) && u.valid_to.is_none_or(|t| date <= t)
}

/// A unit to add below an existing one (a school, a village, a new commune).
pub struct NewUnit {
    pub code: String,
    pub name_vi: String,
    pub name_en: String,
    pub level: String,
    pub parent_code: String,
    pub valid_from: Option<chrono::NaiveDate>,
}

pub async fn create<C: sea_orm::TransactionTrait + ConnectionTrait>(
    c: &C,
    actor: &thamgia_domain::access::Actor,
    now: chrono::DateTime<chrono::Utc>,
    n: NewUnit,
) -> Result<unit::Model> {
    use sea_orm::{ActiveModelTrait, ActiveValue::Set, TransactionSession};
    let tx = crate::begin_write(c).await?;
    let parent = by_code(&tx, &n.parent_code)
        .await?
        .ok_or(StoreError::NotFound)?;
    let row = unit::ActiveModel {
        path: Set(thamgia_domain::access::child_path(
            Some(&parent.path),
            &n.code,
        )),
        code: Set(n.code),
        name_vi: Set(n.name_vi),
        name_en: Set(n.name_en),
        level: Set(n.level),
        parent_id: Set(Some(parent.id)),
        valid_from: Set(n.valid_from),
        valid_to: Set(None),
        ..Default::default()
    }
    .insert(&tx)
    .await
    .map_err(|e| crate::on_unique(e, "code"))?;
    crate::audit::record(
        &tx,
        actor,
        now,
        crate::audit::Change::new("create", "unit", &row.code).after(&row),
    )
    .await?;
    tx.commit().await?;
    Ok(row)
}
