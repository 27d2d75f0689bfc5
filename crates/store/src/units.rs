//! Units: the administrative tree (province → district → commune, schools,
//! villages), each with its official code, level, validity dates and successors.

use crate::entity::{unit, unit_successor};
use crate::{Result, StoreError};
use sea_orm::sea_query::{Query, SelectStatement};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use std::collections::HashMap;
use thamgia_domain::access::{self, Scope};
pub use thamgia_domain::units::During;

/// **The one subtree rule in SQL**: the units of the subtree rooted at the
/// path `root` (itself included) that are open `during` the time asked
/// about. Every query that needs "the units of this scope (on this date)"
/// goes through here or [`subtree_ids`]; nothing else writes a `LIKE` over
/// paths. The rule itself is `thamgia_domain::access::is_within` and
/// `thamgia_domain::units::During::covers`.
pub fn in_subtree(root: &str, during: During) -> Condition {
    let mut c = Condition::all().add(unit::Column::Path.like(access::subtree_pattern(root)));
    if let Some((from, to)) = during.span() {
        c = c
            .add(
                Condition::any()
                    .add(unit::Column::ValidFrom.is_null())
                    .add(unit::Column::ValidFrom.lte(to)),
            )
            .add(
                Condition::any()
                    .add(unit::Column::ValidTo.is_null())
                    .add(unit::Column::ValidTo.gte(from)),
            );
    }
    c
}

/// [`in_subtree`] as a subquery of unit ids, for `unit_id IN (…)`.
pub fn subtree_ids(root: &str, during: During) -> SelectStatement {
    Query::select()
        .column(unit::Column::Id)
        .from(unit::Entity)
        .cond_where(in_subtree(root, during))
        .to_owned()
}

/// Every unit inside the scope, in tree order (a parent before its children).
pub async fn list<C: ConnectionTrait>(c: &C, scope: &Scope) -> Result<Vec<unit::Model>> {
    Ok(unit::Entity::find()
        .filter(in_subtree(&scope.path, During::Always))
        .order_by_asc(unit::Column::Path)
        .all(c)
        .await?)
}

/// The units inside the scope and, when `under` is given (a unit's path),
/// inside that subtree too — what every list filtered by a unit starts from.
pub async fn within<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    under: Option<&str>,
) -> Result<Vec<unit::Model>> {
    let mut q = unit::Entity::find().filter(in_subtree(&scope.path, During::Always));
    if let Some(p) = under {
        q = q.filter(in_subtree(p, During::Always));
    }
    Ok(q.all(c).await?)
}

/// The units of the subtree rooted at `root` open `during` the time asked
/// about, in tree order.
pub async fn subtree<C: ConnectionTrait>(
    c: &C,
    root: &str,
    during: During,
) -> Result<Vec<unit::Model>> {
    Ok(unit::Entity::find()
        .filter(in_subtree(root, during))
        .order_by_asc(unit::Column::Path)
        .all(c)
        .await?)
}

/// Each unit's path written with official codes (`/12/105/03388/`) and its
/// parent's code, for answers read by people and other systems (the stored
/// path holds ids).
pub async fn code_paths<C: ConnectionTrait>(
    c: &C,
    list: &[unit::Model],
) -> Result<HashMap<i32, (String, Option<String>)>> {
    let mut ids: Vec<i32> = list
        .iter()
        .flat_map(|u| access::path_ids(&u.path))
        .collect();
    ids.sort_unstable();
    ids.dedup();
    let codes: HashMap<i32, String> = unit::Entity::find()
        .filter(unit::Column::Id.is_in(ids))
        .all(c)
        .await?
        .into_iter()
        .map(|u| (u.id, u.code))
        .collect();
    Ok(list
        .iter()
        .map(|u| {
            let chain: Vec<&str> = access::path_ids(&u.path)
                .iter()
                .filter_map(|id| codes.get(id).map(String::as_str))
                .collect();
            let parent = (chain.len() > 1).then(|| chain[chain.len() - 2].to_string());
            (u.id, (format!("/{}/", chain.join("/")), parent))
        })
        .collect())
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
    let ids: Vec<i32> = access::path_ids(&u.path)
        .into_iter()
        .filter(|id| *id != u.id)
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

/// Whether the unit is open on a date (`valid_from <= date <= valid_to`).
pub fn is_valid_on(u: &unit::Model, date: chrono::NaiveDate) -> bool {
    thamgia_domain::units::open_on(u.valid_from, u.valid_to, date)
}

/// Gives a unit just inserted its path (its parent's path and its own id):
/// the id exists only once the row does.
pub async fn set_path<C: ConnectionTrait>(
    c: &C,
    row: unit::Model,
    parent_path: Option<&str>,
) -> Result<unit::Model> {
    use sea_orm::{ActiveModelTrait, ActiveValue::Set, IntoActiveModel};
    let path = access::child_path(parent_path, row.id);
    if row.path == path {
        return Ok(row);
    }
    let mut am = row.into_active_model();
    am.path = Set(path);
    Ok(am.update(c).await?)
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
        // The id is known only after the insert: `set_path` completes it.
        path: Set(String::new()),
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
    let row = set_path(&tx, row, Some(&parent.path)).await?;
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
