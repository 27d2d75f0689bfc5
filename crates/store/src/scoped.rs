//! The one way a single record is read "in scope": the record by id, its
//! unit, and `NotFound` unless the unit lies inside the caller's scope (a
//! record outside the scope does not exist for the caller, so its id leaks
//! nothing). Every `get_in_scope` of a unit's record goes through
//! [`of_unit`].

use crate::entity::{agency, unit};
use crate::{Result, StoreError};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PrimaryKeyTrait, QueryFilter, Select};
use std::collections::HashMap;
use thamgia_domain::access::Scope;

/// A row by its id, `NotFound` when there is none.
pub async fn found<E, C>(c: &C, id: i32) -> Result<E::Model>
where
    E: EntityTrait,
    C: ConnectionTrait,
    i32: Into<<E::PrimaryKey as PrimaryKeyTrait>::ValueType>,
{
    E::find_by_id(id).one(c).await?.ok_or(StoreError::NotFound)
}

/// The row `id`, read inside a write's transaction to be changed from what
/// it holds (a status move): on PostgreSQL the row is locked until the
/// transaction ends, so two concurrent moves take turns instead of both
/// reading the same status; SQLite writes one transaction at a time.
pub async fn found_for_update<E, C>(c: &C, id: i32) -> Result<E::Model>
where
    E: EntityTrait,
    C: ConnectionTrait,
    i32: Into<<E::PrimaryKey as PrimaryKeyTrait>::ValueType>,
{
    let mut q = E::find_by_id(id);
    if c.get_database_backend() == sea_orm::DbBackend::Postgres {
        q = sea_orm::QuerySelect::lock_exclusive(q);
    }
    q.one(c).await?.ok_or(StoreError::NotFound)
}

/// The row `id` of a table when it belongs to the parent `parent_id` (the
/// table's column `parent`), `NotFound` otherwise: a document of an
/// activity, a question of a consultation, a dialogue of a council.
pub async fn child_of<K, C>(
    c: &C,
    parent: K,
    parent_id: i32,
    id: i32,
) -> Result<<K::EntityName as EntityTrait>::Model>
where
    K: ColumnTrait,
    K::EntityName: EntityTrait,
    C: ConnectionTrait,
    i32: Into<<<K::EntityName as EntityTrait>::PrimaryKey as PrimaryKeyTrait>::ValueType>,
{
    <K::EntityName as EntityTrait>::find_by_id(id)
        .filter(parent.eq(parent_id))
        .one(c)
        .await?
        .ok_or(StoreError::NotFound)
}

/// A record of a unit with its unit, `NotFound` unless the unit is inside
/// `scope`. `unit_of` names the record's unit.
pub async fn of_unit<E, C>(
    c: &C,
    scope: &Scope,
    id: i32,
    unit_of: fn(&E::Model) -> i32,
) -> Result<(E::Model, unit::Model)>
where
    E: EntityTrait,
    C: ConnectionTrait,
    i32: Into<<E::PrimaryKey as PrimaryKeyTrait>::ValueType>,
{
    let r = found::<E, C>(c, id).await?;
    let u = found::<unit::Entity, C>(c, unit_of(&r)).await?;
    if scope.contains(&u.path) {
        Ok((r, u))
    } else {
        Err(StoreError::NotFound)
    }
}

/// The units inside the scope and, when `under` is given (a unit's path),
/// inside that subtree too, by id: what a list of a scope's records starts
/// from.
pub async fn units_by_id<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    under: Option<&str>,
) -> Result<HashMap<i32, unit::Model>> {
    let units = crate::units::within(c, scope, under).await?;
    Ok(units.into_iter().map(|u| (u.id, u)).collect())
}

/// A table whose rows are known by an `i32` id.
pub trait Keyed: EntityTrait {
    const ID: Self::Column;
    fn key(row: &Self::Model) -> i32;
}

macro_rules! keyed {
    ($($table:ident),* $(,)?) => {
        $(impl Keyed for crate::entity::$table::Entity {
            const ID: crate::entity::$table::Column = crate::entity::$table::Column::Id;
            fn key(row: &crate::entity::$table::Model) -> i32 {
                row.id
            }
        })*
    };
}

keyed!(
    activity,
    agency,
    budget_line,
    club,
    consultation,
    council,
    inspection,
    matter,
    person,
    recommendation,
    spending,
    unit,
);

/// The rows with these ids, by id (an id without a row is left out).
pub async fn by_ids<E: Keyed, C: ConnectionTrait>(
    c: &C,
    ids: impl IntoIterator<Item = i32>,
) -> Result<HashMap<i32, E::Model>> {
    let rows = E::find().filter(E::ID.is_in(ids)).all(c).await?;
    Ok(rows.into_iter().map(|r| (E::key(&r), r)).collect())
}

/// The units inside the scope, in tree order, and the query of a table's
/// rows whose unit (the column `unit_id`) is one of them: where a list of
/// the scope's records with their units starts.
pub async fn units_and_rows<K, C>(
    c: &C,
    scope: &Scope,
    unit_id: K,
) -> Result<(Vec<unit::Model>, Select<K::EntityName>)>
where
    K: ColumnTrait,
    K::EntityName: EntityTrait,
    C: ConnectionTrait,
{
    let units = crate::units::list(c, scope).await?;
    let rows =
        <K::EntityName as EntityTrait>::find().filter(unit_id.is_in(units.iter().map(|u| u.id)));
    Ok((units, rows))
}

/// Each row with its unit among `units` (`unit_of`: the row's unit id), in
/// the rows' order; a row whose unit is not among them is left out.
pub fn with_unit<M>(
    rows: impl IntoIterator<Item = M>,
    units: &[unit::Model],
    unit_of: fn(&M) -> i32,
) -> Vec<(M, unit::Model)> {
    rows.into_iter()
        .filter_map(|r| {
            let u = units.iter().find(|u| u.id == unit_of(&r))?.clone();
            Some((r, u))
        })
        .collect()
}

/// Each row with its unit and agency (`of`: the row's unit id and agency id),
/// in the rows' order; a row whose unit is not in `units` or whose agency is
/// gone is left out.
pub async fn with_unit_and_agency<M, C: ConnectionTrait>(
    c: &C,
    rows: Vec<M>,
    units: &HashMap<i32, unit::Model>,
    of: fn(&M) -> (i32, i32),
) -> Result<Vec<(M, unit::Model, agency::Model)>> {
    let agencies = by_ids::<agency::Entity, C>(c, rows.iter().map(|r| of(r).1)).await?;
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            let (u, a) = of(&r);
            let u = units.get(&u)?.clone();
            let a = agencies.get(&a)?.clone();
            Some((r, u, a))
        })
        .collect())
}
