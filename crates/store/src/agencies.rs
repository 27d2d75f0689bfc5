//! Agencies: departments, unions, district offices, each seated in a unit.
//!
//! A user sees the agencies seated inside their scope and those of the units
//! above it (a district works with the province's departments), never those of
//! a sibling district.

use crate::entity::{agency, unit};
use crate::{Result, StoreError};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use thamgia_domain::access::Scope;

/// The paths of the units above a scope: `/12/106/` → [`/12/`].
fn ancestor_paths(scope: &Scope) -> Vec<String> {
    let mut out = vec![];
    let mut acc = String::from("/");
    let parts: Vec<&str> = scope.path.trim_matches('/').split('/').collect();
    for p in parts.iter().take(parts.len().saturating_sub(1)) {
        if p.is_empty() {
            continue;
        }
        acc.push_str(p);
        acc.push('/');
        out.push(acc.clone());
    }
    out
}

/// The units whose agencies the scope may see: its subtree and its ancestors.
async fn visible_units<C: ConnectionTrait>(c: &C, scope: &Scope) -> Result<Vec<unit::Model>> {
    Ok(unit::Entity::find()
        .filter(
            Condition::any()
                .add(crate::units::in_subtree(
                    &scope.path,
                    crate::units::During::Always,
                ))
                .add(unit::Column::Path.is_in(ancestor_paths(scope))),
        )
        .order_by_asc(unit::Column::Path)
        .all(c)
        .await?)
}

/// Agencies visible to the scope with the unit each sits in, ordered by unit then code.
pub async fn list<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
) -> Result<Vec<(agency::Model, unit::Model)>> {
    let units = visible_units(c, scope).await?;
    let agencies = agency::Entity::find()
        .filter(agency::Column::UnitId.is_in(units.iter().map(|u| u.id)))
        .order_by_asc(agency::Column::Code)
        .all(c)
        .await?;
    let mut out = crate::scoped::with_unit(agencies, &units, |a| a.unit_id);
    out.sort_by(|a, b| (&a.1.path, &a.0.code).cmp(&(&b.1.path, &b.0.code)));
    Ok(out)
}

pub async fn by_code<C: ConnectionTrait>(c: &C, code: &str) -> Result<Option<agency::Model>> {
    Ok(agency::Entity::find()
        .filter(agency::Column::Code.eq(code))
        .one(c)
        .await?)
}

pub async fn by_id<C: ConnectionTrait>(c: &C, id: i32) -> Result<Option<agency::Model>> {
    Ok(agency::Entity::find_by_id(id).one(c).await?)
}

/// Whether an agency seated in the unit with this path is visible to the scope.
pub fn visible_to(scope: &Scope, unit_path: &str) -> bool {
    scope.contains(unit_path) || ancestor_paths(scope).iter().any(|p| p == unit_path)
}

/// One agency by code if visible to the scope; otherwise `NotFound`.
pub async fn get_in_scope<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    code: &str,
) -> Result<(agency::Model, unit::Model)> {
    let a = by_code(c, code).await?.ok_or(StoreError::NotFound)?;
    let u = crate::scoped::found::<unit::Entity, _>(c, a.unit_id).await?;
    if visible_to(scope, &u.path) {
        Ok((a, u))
    } else {
        Err(StoreError::NotFound)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ancestors_of_a_district_scope() {
        let s = Scope {
            path: "/12/106/".into(),
        };
        assert_eq!(ancestor_paths(&s), vec!["/12/".to_string()]);
        assert!(ancestor_paths(&Scope::everything()).is_empty());
        assert!(
            ancestor_paths(&Scope {
                path: "/12/".into()
            })
            .is_empty()
        );
    }
}
