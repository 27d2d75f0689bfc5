//! The audit trail: every write records who, when, which record and what
//! changed, in the same transaction as the write itself.
//!
//! [`record`] is the one place entries are written, so the trail's own rules
//! live here: a change that changes nothing (before = after) is not written;
//! bulky or secret fields (a document's bytes, hashes) never enter it; and
//! each entry keeps the unit of its record, so [`list`] reads the trail by
//! scope like any other list. [`shown`] is what a reader may see of an entry:
//! the children's free text, a small count that results would hide, or a
//! name never leave it.

use crate::Result;
use crate::entity::{self, audit};
use crate::scoped::Keyed;
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelBehavior, ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition,
    ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, QuerySelect,
    TransactionSession,
};
use serde::Serialize;
use thamgia_domain::access::{Actor, Scope};
use thamgia_domain::suppression;

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

/// Fields that never enter the trail, whatever the record: a document's bytes
/// (megabytes of JSON numbers) and one-way secrets.
const NEVER_STORED: &[&str] = &["content", "password_hash", "token_hash", "csrf_token"];

/// Fields that only say when a row was last touched: a save that changes
/// nothing else is a no-op.
const TOUCH_ONLY: &[&str] = &["updated_at"];

fn strip(v: Option<serde_json::Value>) -> Option<serde_json::Value> {
    v.map(|mut v| {
        if let Some(o) = v.as_object_mut() {
            for k in NEVER_STORED {
                o.remove(*k);
            }
        }
        v
    })
}

fn same_but_touch(a: &serde_json::Value, b: &serde_json::Value) -> bool {
    match (a.as_object(), b.as_object()) {
        (Some(a), Some(b)) => {
            let keep = |o: &serde_json::Map<String, serde_json::Value>| {
                o.iter()
                    .filter(|(k, _)| !TOUCH_ONLY.contains(&k.as_str()))
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect::<std::collections::BTreeMap<_, _>>()
            };
            keep(a) == keep(b)
        }
        _ => a == b,
    }
}

/// The unit of one row of a table that has `unit_id`, by the record kind's name.
macro_rules! unit_of_kind {
    ($c:expr, $kind:expr, $id:expr, [$($m:ident),+]) => {
        match $kind {
            $(stringify!($m) => entity::$m::Entity::find_by_id($id)
                .select_only()
                .column(entity::$m::Column::UnitId)
                .into_tuple::<i32>()
                .one($c)
                .await?,)+
            _ => None,
        }
    };
}

async fn unit_of_row<C: ConnectionTrait>(c: &C, kind: &str, id: i32) -> Result<Option<i32>> {
    Ok(unit_of_kind!(
        c,
        kind,
        id,
        [
            activity,
            annual_plan,
            budget_line,
            club,
            consultation,
            council,
            forum,
            inspection,
            matter,
            person,
            recommendation,
            report,
            safeguarding_alert,
            user
        ]
    ))
}

/// A record's parent, by the key its JSON names, and the parent's kind.
const PARENTS: &[(&str, &str)] = &[
    ("activity_id", "activity"),
    ("consultation_id", "consultation"),
    ("forum_id", "forum"),
    ("inspection_id", "inspection"),
    ("council_id", "council"),
    ("club_id", "club"),
    ("annual_plan_id", "annual_plan"),
    ("matter_id", "matter"),
    ("person_id", "person"),
    ("user_id", "user"),
];

/// The unit an entry concerns: the record's own unit (a unit is its own),
/// else the `unit_id` its JSON states (a deleted record), else its parent's.
async fn unit_of<C: ConnectionTrait>(c: &C, change: &Change<'_>) -> Result<Option<i32>> {
    // Agencies are recorded by their code, the rest (units included) by id.
    match change.entity {
        "unit" => {
            // Recorded by the row's id: a code may name several units in
            // turn (reused on 1/7/2025), an id only one.
            return Ok(change.entity_id.parse::<i32>().ok());
        }
        "agency" => {
            if let Some(u) = entity::agency::Entity::find()
                .select_only()
                .column(entity::agency::Column::UnitId)
                .filter(entity::agency::Column::Code.eq(change.entity_id.as_str()))
                .into_tuple::<i32>()
                .one(c)
                .await?
            {
                return Ok(Some(u));
            }
        }
        _ => {}
    }
    let id = change.entity_id.parse::<i32>().ok();
    if let Some(id) = id
        && let Some(u) = unit_of_row(c, change.entity, id).await?
    {
        return Ok(Some(u));
    }
    let json = [&change.after, &change.before];
    let field = |key: &str| {
        json.iter()
            .filter_map(|j| j.as_ref()?.get(key)?.as_i64())
            .find_map(|n| i32::try_from(n).ok())
    };
    if let Some(u) = field("unit_id") {
        return Ok(Some(u));
    }
    for (key, kind) in PARENTS {
        if let Some(pid) = field(key)
            && let Some(u) = unit_of_row(c, kind, pid).await?
        {
            return Ok(Some(u));
        }
    }
    Ok(None)
}

/// Records a new row: `create`, with the row as it was written.
pub async fn created<C: ConnectionTrait>(
    c: &C,
    actor: &Actor,
    at: DateTime<Utc>,
    entity: &str,
    id: impl ToString,
    row: &impl Serialize,
) -> Result<()> {
    record(c, actor, at, Change::new("create", entity, id).after(row)).await
}

/// Records an edit of a row: `update`, with the row before and after.
pub async fn updated<C: ConnectionTrait>(
    c: &C,
    actor: &Actor,
    at: DateTime<Utc>,
    entity: &str,
    id: impl ToString,
    before: &impl Serialize,
    after: &impl Serialize,
) -> Result<()> {
    let change = Change::new("update", entity, id)
        .before(before)
        .after(after);
    record(c, actor, at, change).await
}

/// A new row of a table that keeps who made it and when: [`insert`] stamps
/// it (`created_by`, `created_at`, and `updated_at` where the table has one).
pub trait Stamped: ActiveModelTrait {
    fn stamp(&mut self, by: Option<i32>, at: DateTime<Utc>);
}

macro_rules! stamped {
    ($($table:ident $(+ $updated:ident)?),* $(,)?) => {
        $(impl Stamped for entity::$table::ActiveModel {
            fn stamp(&mut self, by: Option<i32>, at: DateTime<Utc>) {
                self.created_by = Set(by);
                self.created_at = Set(at);
                $(self.$updated = Set(at);)?
            }
        })*
    };
}

stamped!(
    budget_line + updated_at,
    inspection + updated_at,
    matter + updated_at,
    recommendation + updated_at,
    spending,
);

/// Writes the new row `am`, stamped with its author and time, and records
/// its creation as an `entity` in the trail: the row as written.
pub async fn insert<C, A>(
    c: &C,
    actor: &Actor,
    at: DateTime<Utc>,
    entity: &str,
    mut am: A,
) -> Result<<A::Entity as EntityTrait>::Model>
where
    C: ConnectionTrait,
    A: Stamped + ActiveModelBehavior + Send,
    A::Entity: Keyed,
    <A::Entity as EntityTrait>::Model: IntoActiveModel<A> + Serialize,
{
    am.stamp(actor.user_id, at);
    let row = am.insert(c).await?;
    created(c, actor, at, entity, A::Entity::key(&row), &row).await?;
    Ok(row)
}

/// Saves `am`, an edit of a row, and records `change` (which names the row
/// and holds its state before) with the row as saved: the saved row.
pub async fn save<C, A>(
    c: &C,
    actor: &Actor,
    at: DateTime<Utc>,
    change: Change<'_>,
    am: A,
) -> Result<<A::Entity as EntityTrait>::Model>
where
    C: ConnectionTrait,
    A: ActiveModelTrait + ActiveModelBehavior + Send,
    <A::Entity as EntityTrait>::Model: IntoActiveModel<A> + Serialize,
{
    let after = am.update(c).await?;
    record(c, actor, at, change.after(&after)).await?;
    Ok(after)
}

/// The end of a write: records `change` and commits the transaction it
/// belongs to.
pub async fn commit<T: ConnectionTrait + TransactionSession>(
    tx: T,
    actor: &Actor,
    at: DateTime<Utc>,
    change: Change<'_>,
) -> Result<()> {
    record(&tx, actor, at, change).await?;
    tx.commit().await?;
    Ok(())
}

pub async fn record<C: ConnectionTrait>(
    c: &C,
    actor: &Actor,
    at: DateTime<Utc>,
    change: Change<'_>,
) -> Result<()> {
    let change = Change {
        before: strip(change.before),
        after: strip(change.after),
        ..change
    };
    // A save that changed nothing is not a change: it is not written, here
    // for every caller at once.
    if let (Some(b), Some(a)) = (&change.before, &change.after)
        && same_but_touch(b, a)
    {
        return Ok(());
    }
    let unit_id = unit_of(c, &change).await?;
    audit::Entity::insert(audit::ActiveModel {
        at: Set(at),
        actor_user_id: Set(actor.user_id),
        actor: Set(actor.label.clone()),
        action: Set(change.action.to_string()),
        entity: Set(change.entity.to_string()),
        entity_id: Set(change.entity_id),
        before: Set(change.before.map(|v| v.to_string())),
        after: Set(change.after.map(|v| v.to_string())),
        unit_id: Set(unit_id),
        ..Default::default()
    })
    .exec(c)
    .await?;
    Ok(())
}

/// What a reader asks of the trail; every part optional.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Record kind (`activity`, `matter`, …).
    pub entity: Option<String>,
    /// Record id (with `entity`).
    pub entity_id: Option<String>,
    /// Account id of the author.
    pub actor_user_id: Option<i32>,
    /// From this instant (inclusive).
    pub from: Option<DateTime<Utc>>,
    /// Before this instant (exclusive).
    pub until: Option<DateTime<Utc>>,
}

/// One page of the trail inside a scope, newest first, as readers may see it
/// ([`shown`]), and whether an older page exists. An entry is inside the
/// scope when its record's unit is; entries of no unit (a plan, or written
/// before units were kept) only for a scope without a parent (the province).
pub async fn list<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    f: &Filter,
    page: u64,
    per_page: u64,
) -> Result<(Vec<audit::Model>, bool)> {
    let units = crate::units::subtree_ids(&scope.path, crate::units::During::Always);
    let mut inside = Condition::any().add(audit::Column::UnitId.in_subquery(units));
    if scope.path.matches('/').count() <= 2 {
        inside = inside.add(audit::Column::UnitId.is_null());
    }
    let mut q = audit::Entity::find().filter(inside);
    if let Some(e) = &f.entity {
        q = q.filter(audit::Column::Entity.eq(e.as_str()));
    }
    if let Some(id) = &f.entity_id {
        q = q.filter(audit::Column::EntityId.eq(id.as_str()));
    }
    if let Some(a) = f.actor_user_id {
        q = q.filter(audit::Column::ActorUserId.eq(a));
    }
    if let Some(t) = f.from {
        q = q.filter(audit::Column::At.gte(t));
    }
    if let Some(t) = f.until {
        q = q.filter(audit::Column::At.lt(t));
    }
    let mut rows = q
        .order_by_desc(audit::Column::Id)
        .offset(page.saturating_mul(per_page))
        .limit(per_page + 1)
        .all(c)
        .await?;
    let more = rows.len() as u64 > per_page;
    rows.truncate(usize::try_from(per_page).unwrap_or(usize::MAX));
    Ok((rows.into_iter().map(shown).collect(), more))
}

/// Free text written by or about children, by record kind: hidden in the
/// trail, since it may be unmoderated or name a child (a dialogue's
/// attendees, a recommendation's words before anyone checked them).
const HIDDEN_TEXT: &[(&str, &[&str])] = &[
    ("council_dialogue", &["issues"]),
    ("recommendation", &["text", "feedback"]),
    ("answer", &["text"]),
    (
        "person",
        &["name", "full_name", "contact", "school", "birth_date"],
    ),
];

/// Counts of children that results show only from 5 (`domain::voice::suppress`):
/// a group tally's cells.
const SMALL_COUNTS: &[(&str, &[&str])] =
    &[("group_tally", &["girls", "boys", "age_6_10", "age_11_15"])];

/// Which of a tally's counts to hide: girls and boys, and the two age bands,
/// are two breakdowns of the same children read side by side, so a count of
/// 1–4 takes complements (`domain::suppression::breakdowns`) — girls 7 beside
/// 9 aged 6–10 would otherwise give the boys' 2 back. Counts that do not add
/// up to the same children are all hidden.
fn small_count_mask(o: &serde_json::Map<String, serde_json::Value>, keys: &[&str]) -> Vec<bool> {
    let n: Vec<u64> = keys
        .iter()
        .map(|k| o.get(*k).and_then(serde_json::Value::as_u64).unwrap_or(0))
        .collect();
    if n.len() != 4 || n[0] + n[1] != n[2] + n[3] {
        return vec![true; keys.len()];
    }
    let w = suppression::breakdowns(
        &[vec![n[0], n[1]], vec![n[2], n[3]]],
        &[],
        suppression::Total::Shown,
    );
    w.tables.iter().flat_map(|t| t.cells.clone()).collect()
}

/// An entry as a reader may see it: hidden text replaced by `"…"`, counts of
/// 1–4 children by `"<5"`, secrets dropped (also for entries written before
/// they were stripped at write time).
pub fn shown(mut e: audit::Model) -> audit::Model {
    let kind = e.entity.clone();
    let hide = |json: Option<String>| -> Option<String> {
        let mut v: serde_json::Value = serde_json::from_str(json.as_deref()?).ok()?;
        if let Some(o) = v.as_object_mut() {
            for k in NEVER_STORED {
                o.remove(*k);
            }
            for (k_of, keys) in HIDDEN_TEXT {
                if *k_of == kind {
                    for k in *keys {
                        if let Some(x) = o.get_mut(*k)
                            && !x.is_null()
                        {
                            *x = serde_json::Value::String("…".into());
                        }
                    }
                }
            }
            for (k_of, keys) in SMALL_COUNTS {
                if *k_of == kind {
                    let hidden = small_count_mask(o, keys);
                    for (k, h) in keys.iter().zip(hidden) {
                        if let Some(x) = o.get_mut(*k)
                            && h
                            && x.is_number()
                        {
                            *x = serde_json::Value::String(
                                thamgia_domain::suppression::HIDDEN_LABEL.into(),
                            );
                        }
                    }
                }
            }
        }
        Some(v.to_string())
    };
    e.before = hide(e.before.take());
    e.after = hide(e.after.take());
    e
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
