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

/// Every unit that ever carried `code`, oldest first.
pub async fn all_by_code<C: ConnectionTrait>(c: &C, code: &str) -> Result<Vec<unit::Model>> {
    let mut v = unit::Entity::find()
        .filter(unit::Column::Code.eq(code))
        .all(c)
        .await?;
    v.sort_by_key(|u| (u.valid_from.is_some(), u.valid_from, u.id));
    Ok(v)
}

/// The unit carrying `code` most recently (the one valid today for a code
/// that changed meaning). Callers that know a date use [`by_code_on`] or
/// [`resolve`].
pub async fn by_code<C: ConnectionTrait>(c: &C, code: &str) -> Result<Option<unit::Model>> {
    Ok(all_by_code(c, code).await?.pop())
}

/// The unit carrying `code` on `day`, if one was open then.
pub async fn by_code_on<C: ConnectionTrait>(
    c: &C,
    code: &str,
    day: chrono::NaiveDate,
) -> Result<Option<unit::Model>> {
    Ok(all_by_code(c, code)
        .await?
        .into_iter()
        .rev()
        .find(|u| is_valid_on(u, day)))
}

/// What `unit=CODE` meant, with a year and maybe a date.
#[derive(Debug, Clone)]
pub struct Resolved {
    pub unit: unit::Model,
    /// The day the code was read on (the date given, else 31/12 of the year).
    pub read_on: Option<chrono::NaiveDate>,
    /// Another unit carried the same code during the year (or on no day of
    /// it this one did): the page and the API say which unit was chosen.
    pub ambiguous: bool,
}

/// `unit=CODE` for a year (and maybe a date), inside the scope. The unit
/// open on the date given, else on the last day of the year
/// (`thamgia_domain::units::reading_day`); when none was open that day,
/// the last of the code's units open during the year; when none was open
/// in the year at all, the code's most recent unit (records made on a
/// district after it closed stay readable). `NotFound` when the code is
/// unknown or outside the scope.
pub async fn resolve<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    code: &str,
    year: Option<i32>,
    date: Option<chrono::NaiveDate>,
) -> Result<Resolved> {
    let all: Vec<unit::Model> = all_by_code(c, code)
        .await?
        .into_iter()
        .filter(|u| scope.contains(&u.path))
        .collect();
    let read_on = match year {
        Some(y) => thamgia_domain::units::reading_day(y, date),
        None => date,
    };
    let during = match (date, year) {
        (Some(d), _) => During::On(d),
        (None, Some(y)) => During::year(y),
        (None, None) => During::Always,
    };
    let in_time: Vec<&unit::Model> = all
        .iter()
        .filter(|u| during.covers(u.valid_from, u.valid_to))
        .collect();
    let chosen = read_on
        .and_then(|d| all.iter().rev().find(|u| is_valid_on(u, d)))
        .or_else(|| in_time.last().copied())
        .or_else(|| all.last())
        .cloned()
        .ok_or(StoreError::NotFound)?;
    let ambiguous = match during {
        During::Always => all.len() > 1,
        _ => in_time.len() > 1 || (in_time.is_empty() && all.len() > 1),
    };
    Ok(Resolved {
        unit: chosen,
        read_on,
        ambiguous,
    })
}

/// Refuses a unit whose code another unit carries during an overlapping
/// period (`Conflict` on `code`). Call inside the write transaction, before
/// the insert or update: on PostgreSQL it first takes a transaction-scoped
/// advisory lock on the code, so two writers of one code take turns (on
/// SQLite `begin_write` already holds the database's write lock).
pub async fn ensure_code_free<C: ConnectionTrait>(
    tx: &C,
    code: &str,
    valid_from: Option<chrono::NaiveDate>,
    valid_to: Option<chrono::NaiveDate>,
    except: Option<i32>,
) -> Result<()> {
    ensure_code_free_locked(tx, code).await?;
    let clash = all_by_code(tx, code).await?.into_iter().any(|u| {
        Some(u.id) != except
            && thamgia_domain::units::overlaps((u.valid_from, u.valid_to), (valid_from, valid_to))
    });
    if clash {
        return Err(StoreError::Conflict { field: "code" });
    }
    Ok(())
}

pub async fn by_id<C: ConnectionTrait>(c: &C, id: i32) -> Result<Option<unit::Model>> {
    Ok(unit::Entity::find_by_id(id).one(c).await?)
}

/// A unit by code, or `NotFound` when it does not exist *or* lies outside the
/// scope: the two are deliberately indistinguishable. With no date, the
/// code's most recent unit in the scope; [`resolve`] reads it on a date.
pub async fn get_in_scope<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    code: &str,
) -> Result<unit::Model> {
    // The most recent unit of that code *inside the scope*: for a district's
    // officer 03388 is still the ward of their district, not its successor.
    Ok(resolve(c, scope, code, None, None).await?.unit)
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
    in_tree_order(c, ids).await
}

/// The unit's ancestors, root first (for breadcrumbs inside the scope).
pub async fn ancestors<C: ConnectionTrait>(c: &C, u: &unit::Model) -> Result<Vec<unit::Model>> {
    let ids: Vec<i32> = access::path_ids(&u.path)
        .into_iter()
        .filter(|id| *id != u.id)
        .collect();
    in_tree_order(c, ids).await
}

/// The units with these ids in tree order (no query when there are none).
async fn in_tree_order<C: ConnectionTrait>(c: &C, ids: Vec<i32>) -> Result<Vec<unit::Model>> {
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
    let parent = match n.valid_from {
        Some(d) => by_code_on(&tx, &n.parent_code, d).await?,
        None => by_code(&tx, &n.parent_code).await?,
    }
    .ok_or(StoreError::NotFound)?;
    ensure_code_free(&tx, &n.code, n.valid_from, None, None).await?;
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
    crate::audit::created(&tx, actor, now, "unit", row.id, &row).await?;
    tx.commit().await?;
    Ok(row)
}

/// What an import of a units file changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportCounts {
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    /// Predecessor → successor links added.
    pub successions: usize,
    /// Schools and villages carried over to their commune's successor.
    pub moved: usize,
    /// Councils, clubs, terms and agencies ended with their unit.
    pub ended: crate::handover::Ended,
}

/// Loads checked rows of a units file (`thamgia_domain::units::check_rows`)
/// in **one** write transaction: every row is applied or none. A row is
/// matched to an existing unit by its code and an overlapping period
/// (importing the same file again changes nothing); codes are read on the
/// row's own day (`valid_from`, else `valid_to`), predecessors on the day
/// before `valid_from`. A parent or predecessor that cannot be found, or a
/// code already carried in the period by a unit under another parent, is an
/// error naming the row and column; then nothing is written.
pub async fn import<C: sea_orm::TransactionTrait + ConnectionTrait>(
    c: &C,
    actor: &thamgia_domain::access::Actor,
    now: chrono::DateTime<chrono::Utc>,
    rows: &[thamgia_domain::units::UnitRow],
) -> Result<std::result::Result<ImportCounts, Vec<thamgia_domain::units::RowError>>> {
    use sea_orm::{ActiveModelTrait, ActiveValue::Set, IntoActiveModel, TransactionSession};
    use thamgia_domain::units::{RowError, overlaps};
    let tx = crate::begin_write(c).await?;
    let mut counts = ImportCounts::default();
    let mut errors: Vec<RowError> = vec![];
    let at = |r: &thamgia_domain::units::UnitRow, column: &str, code: &'static str| RowError {
        row: r.row,
        column: column.to_string(),
        code,
    };
    for r in rows {
        let parent = match r.reading_day() {
            Some(d) => by_code_on(&tx, &r.parent_code, d).await?,
            None => by_code(&tx, &r.parent_code).await?,
        };
        let Some(parent) = parent else {
            errors.push(at(r, "parent_code", "unknown_unit"));
            continue;
        };
        ensure_code_free_locked(&tx, &r.code).await?;
        let same: Vec<unit::Model> = all_by_code(&tx, &r.code)
            .await?
            .into_iter()
            .filter(|u| overlaps((u.valid_from, u.valid_to), (r.valid_from, r.valid_to)))
            .collect();
        let row = match same.as_slice() {
            [] => {
                let row = unit::ActiveModel {
                    code: Set(r.code.clone()),
                    name_vi: Set(r.name_vi.clone()),
                    name_en: Set(r.name_en.clone()),
                    level: Set(r.level.clone()),
                    parent_id: Set(Some(parent.id)),
                    // The id is known only after the insert.
                    path: Set(String::new()),
                    valid_from: Set(r.valid_from),
                    valid_to: Set(r.valid_to),
                    ..Default::default()
                }
                .insert(&tx)
                .await?;
                let row = set_path(&tx, row, Some(&parent.path)).await?;
                crate::audit::created(&tx, actor, now, "unit", row.id, &row).await?;
                counts.created += 1;
                row
            }
            [e] if e.parent_id == Some(parent.id) => {
                let mut am = e.clone().into_active_model();
                am.name_vi = Set(r.name_vi.clone());
                am.name_en = Set(r.name_en.clone());
                am.level = Set(r.level.clone());
                am.valid_from = Set(r.valid_from);
                am.valid_to = Set(r.valid_to);
                let after = am.update(&tx).await?;
                if after == *e {
                    counts.unchanged += 1;
                } else {
                    crate::audit::updated(&tx, actor, now, "unit", after.id, e, &after).await?;
                    counts.updated += 1;
                }
                after
            }
            _ => {
                errors.push(at(r, "code", "code_in_use"));
                continue;
            }
        };
        for (column, p) in &r.predecessors {
            let day = r.valid_from.and_then(|d| d.pred_opt());
            let Some(pred) = (match day {
                Some(d) => by_code_on(&tx, p, d).await?,
                None => None,
            }) else {
                errors.push(at(r, column, "unknown_unit"));
                continue;
            };
            let known = unit_successor::Entity::find_by_id((pred.id, row.id))
                .one(&tx)
                .await?
                .is_some();
            if !known {
                unit_successor::ActiveModel {
                    unit_id: Set(pred.id),
                    successor_id: Set(row.id),
                }
                .insert(&tx)
                .await?;
                let change = crate::audit::Change::new("succeed", "unit", pred.id).after(
                    &serde_json::json!({
                        "id": pred.id, "unit": pred.code, "valid_to": pred.valid_to,
                        "successor": row.code, "successor_valid_from": row.valid_from,
                    }),
                );
                crate::audit::record(&tx, actor, now, change).await?;
                counts.successions += 1;
            }
        }
    }
    if !errors.is_empty() {
        // Dropping the transaction rolls every row back.
        return Ok(Err(errors));
    }
    let mut ended: Vec<i32> = vec![];
    for r in rows {
        for (column, p) in &r.predecessors {
            if *column != "predecessor_communes" {
                continue;
            }
            let day = r.valid_from.and_then(|d| d.pred_opt());
            if let Some(d) = day
                && let Some(pred) = by_code_on(&tx, p, d).await?
                && !ended.contains(&pred.id)
            {
                ended.push(pred.id);
            }
        }
    }
    for old in ended {
        counts.moved += carry_over(&tx, actor, now, old).await?;
    }
    counts.ended = crate::handover::end_with_units(&tx, actor, now).await?;
    tx.commit().await?;
    Ok(Ok(counts))
}

/// Schools and villages move with their commune: when the commune `old` has
/// exactly one successor, each school or village under it still open on the
/// successor's first day ends the day before and goes on as a new unit of
/// the same code under the successor (linked as its successor). Its records
/// keep the unit they were made on, so its past stays in the old commune's
/// district. A commune split between several successors moves nothing (its
/// schools and villages wait for a person to place them). Returns how many
/// moved; running again moves nothing more.
pub async fn carry_over<C: ConnectionTrait>(
    tx: &C,
    actor: &thamgia_domain::access::Actor,
    now: chrono::DateTime<chrono::Utc>,
    old: i32,
) -> Result<usize> {
    use sea_orm::{ActiveModelTrait, ActiveValue::Set, IntoActiveModel};
    let next = successors(tx, old).await?;
    let [succ] = next.as_slice() else {
        return Ok(0);
    };
    let Some(day) = succ.valid_from else {
        return Ok(0);
    };
    let Some(last) = day.pred_opt() else {
        return Ok(0);
    };
    let children = unit::Entity::find()
        .filter(unit::Column::ParentId.eq(old))
        .filter(unit::Column::Level.is_in(["school", "village"]))
        .all(tx)
        .await?;
    let mut moved = 0;
    for ch in children.into_iter().filter(|c| is_valid_on(c, day)) {
        let until = ch.valid_to;
        let mut am = ch.clone().into_active_model();
        am.valid_to = Set(Some(last));
        let ended = am.update(tx).await?;
        crate::audit::updated(tx, actor, now, "unit", ended.id, &ch, &ended).await?;
        ensure_code_free(tx, &ch.code, Some(day), until, None).await?;
        let row = unit::ActiveModel {
            code: Set(ch.code.clone()),
            name_vi: Set(ch.name_vi.clone()),
            name_en: Set(ch.name_en.clone()),
            level: Set(ch.level.clone()),
            parent_id: Set(Some(succ.id)),
            // The id is known only after the insert.
            path: Set(String::new()),
            valid_from: Set(Some(day)),
            valid_to: Set(until),
            ..Default::default()
        }
        .insert(tx)
        .await?;
        let row = set_path(tx, row, Some(&succ.path)).await?;
        crate::audit::created(tx, actor, now, "unit", row.id, &row).await?;
        unit_successor::ActiveModel {
            unit_id: Set(ch.id),
            successor_id: Set(row.id),
        }
        .insert(tx)
        .await?;
        moved += 1;
    }
    Ok(moved)
}

/// On PostgreSQL, the per-code lock of [`ensure_code_free`] alone.
async fn ensure_code_free_locked<C: ConnectionTrait>(tx: &C, code: &str) -> Result<()> {
    if tx.get_database_backend() == sea_orm::DbBackend::Postgres {
        tx.execute_raw(sea_orm::Statement::from_sql_and_values(
            sea_orm::DbBackend::Postgres,
            "SELECT pg_advisory_xact_lock(hashtext('thamgia.unit_code:' || $1))",
            [code.into()],
        ))
        .await?;
    }
    Ok(())
}
