//! Children's Forums (Diễn đàn trẻ em): who took part (counts by sex, age band,
//! ethnic group and disability; adults in charge, volunteers, guests), the
//! named delegates (identified children, each only with a consent in force),
//! the sessions (discussion, dialogue with leaders; a session may carry a
//! consultation), and the results report due after the forum.
//!
//! The Circular 29/2019 checks live in `thamgia_domain::models::check_forum`;
//! [`headcount`] and [`rules_for`] give them their inputs.

use crate::audit::{self, Change};
use crate::entity::{
    agency, forum, forum_delegate, forum_ethnic_count, forum_session, person, unit,
};
use crate::{Result, StoreError};
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel,
    QueryFilter, QueryOrder, QuerySelect, QueryTrait, TransactionSession, TransactionTrait,
};
use std::collections::HashMap;
use thamgia_domain::access::{Actor, Scope};
use thamgia_domain::models::{ForumHeadcount, ForumLevel, ForumRules, forum_report_due};

/// The kinds of a forum session.
pub const SESSION_KINDS: [&str; 2] = ["discussion", "dialogue"];

/// A forum as recorded (new or edited). The caller has checked every field.
#[derive(Debug, Clone, PartialEq)]
pub struct ForumInput {
    pub level: ForumLevel,
    pub unit_id: i32,
    pub year: i32,
    pub theme: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub venue: String,
    pub organiser_agency_id: i32,
    pub girls: i32,
    pub boys: i32,
    pub age_6_10: i32,
    pub age_11_15: i32,
    /// Children by ethnic group: (official code, children), each code once,
    /// no zeros; the sum is at most the number of children.
    pub ethnic_groups: Vec<(String, i32)>,
    pub with_disability: i32,
    pub adults_in_charge: i32,
    pub volunteers: i32,
    pub guests: i32,
}

/// The official code of the Kinh majority; every other group is a minority.
pub const KINH: &str = "01";

fn apply(am: &mut forum::ActiveModel, f: ForumInput) {
    am.level = Set(f.level);
    am.unit_id = Set(f.unit_id);
    am.year = Set(f.year);
    am.theme = Set(f.theme);
    am.starts_on = Set(f.starts_on);
    am.ends_on = Set(f.ends_on);
    am.venue = Set(f.venue);
    am.organiser_agency_id = Set(f.organiser_agency_id);
    am.girls = Set(f.girls);
    am.boys = Set(f.boys);
    am.age_6_10 = Set(f.age_6_10);
    am.age_11_15 = Set(f.age_11_15);
    am.ethnic_minority = Set(f
        .ethnic_groups
        .iter()
        .filter(|(code, _)| code != KINH)
        .map(|(_, n)| n)
        .sum());
    am.with_disability = Set(f.with_disability);
    am.adults_in_charge = Set(f.adults_in_charge);
    am.volunteers = Set(f.volunteers);
    am.guests = Set(f.guests);
}

/// Records a forum. A unit whose level the plan governing it that year does
/// not list in `[levels] forums` (`plans::holds`; the forum's level is its
/// unit's) is `Conflict { field: "unit_level" }`, on create and on update.
pub async fn create<C: TransactionTrait + ConnectionTrait>(
    c: &C,
    actor: &Actor,
    now: DateTime<Utc>,
    f: ForumInput,
) -> Result<forum::Model> {
    let tx = crate::begin_write(c).await?;
    crate::reports::ensure_open(&tx, f.unit_id, f.year).await?;
    crate::plans::ensure_holds(&tx, f.unit_id, "forum", f.year).await?;
    let mut am = forum::ActiveModel {
        report_submitted_on: Set(None),
        created_by: Set(actor.user_id),
        created_at: Set(now),
        ..Default::default()
    };
    let groups = f.ethnic_groups.clone();
    apply(&mut am, f);
    let row = am.insert(&tx).await?;
    set_ethnic_groups(&tx, row.id, &groups).await?;
    crate::aggregates::forum_changed(&tx, None, &row).await?;
    let change = Change::new("create", "forum", row.id).after(&Audited {
        forum: &row,
        ethnic_groups: &groups,
    });
    audit::commit(tx, actor, now, change).await?;
    Ok(row)
}

pub async fn update<C: TransactionTrait + ConnectionTrait>(
    c: &C,
    actor: &Actor,
    now: DateTime<Utc>,
    id: i32,
    f: ForumInput,
) -> Result<forum::Model> {
    let tx = crate::begin_write(c).await?;
    let before = crate::scoped::found::<forum::Entity, _>(&tx, id).await?;
    crate::reports::ensure_open(&tx, before.unit_id, before.year).await?;
    crate::reports::ensure_open(&tx, f.unit_id, f.year).await?;
    crate::plans::ensure_holds(&tx, f.unit_id, "forum", f.year).await?;
    let groups_before = ethnic_groups(&tx, id).await?;
    let groups = f.ethnic_groups.clone();
    let mut am = before.clone().into_active_model();
    apply(&mut am, f);
    let after = am.update(&tx).await?;
    set_ethnic_groups(&tx, id, &groups).await?;
    crate::aggregates::forum_changed(&tx, Some(&before), &after).await?;
    let change = Change::new("update", "forum", id)
        .before(&Audited {
            forum: &before,
            ethnic_groups: &groups_before,
        })
        .after(&Audited {
            forum: &after,
            ethnic_groups: &groups,
        });
    audit::commit(tx, actor, now, change).await?;
    Ok(after)
}

/// Refuses a change to a forum (delegates, sessions) of a locked year.
async fn ensure_forum_open<C: ConnectionTrait>(c: &C, forum_id: i32) -> Result<()> {
    if let Some(f) = forum::Entity::find_by_id(forum_id).one(c).await? {
        crate::reports::ensure_open(c, f.unit_id, f.year).await?;
    }
    Ok(())
}

/// A forum as the audit log keeps it: the row and its counts by ethnic group.
#[derive(serde::Serialize)]
struct Audited<'a> {
    forum: &'a forum::Model,
    ethnic_groups: &'a [(String, i32)],
}

async fn set_ethnic_groups<C: ConnectionTrait>(
    c: &C,
    forum_id: i32,
    groups: &[(String, i32)],
) -> Result<()> {
    forum_ethnic_count::Entity::delete_many()
        .filter(forum_ethnic_count::Column::ForumId.eq(forum_id))
        .exec(c)
        .await?;
    let rows: Vec<_> = groups
        .iter()
        .filter(|(_, n)| *n > 0)
        .map(|(code, n)| forum_ethnic_count::ActiveModel {
            forum_id: Set(forum_id),
            ethnic_code: Set(code.clone()),
            children: Set(*n),
        })
        .collect();
    if !rows.is_empty() {
        forum_ethnic_count::Entity::insert_many(rows)
            .exec(c)
            .await?;
    }
    Ok(())
}

/// A forum's children by ethnic group, in official-code order.
pub async fn ethnic_groups<C: ConnectionTrait>(c: &C, forum_id: i32) -> Result<Vec<(String, i32)>> {
    Ok(forum_ethnic_count::Entity::find()
        .filter(forum_ethnic_count::Column::ForumId.eq(forum_id))
        .order_by_asc(forum_ethnic_count::Column::EthnicCode)
        .all(c)
        .await?
        .into_iter()
        .map(|r| (r.ethnic_code, r.children))
        .collect())
}

#[derive(Debug, Clone, Default)]
pub struct ForumFilter {
    /// Only this subtree (already checked against the caller's scope).
    pub unit_path: Option<String>,
    pub year: Option<i32>,
    pub level: Option<ForumLevel>,
}

/// Forums in the scope matching the filter, newest first, with unit and organiser.
pub async fn list<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    f: &ForumFilter,
) -> Result<Vec<(forum::Model, unit::Model, agency::Model)>> {
    let units = crate::scoped::units_by_id(c, scope, f.unit_path.as_deref()).await?;
    let rows = forum::Entity::find()
        .filter(forum::Column::UnitId.is_in(units.keys().copied()))
        .apply_if(f.year, |q, y| q.filter(forum::Column::Year.eq(y)))
        .apply_if(f.level, |q, l| {
            q.filter(forum::Column::Level.eq(l.as_str()))
        })
        .order_by_desc(forum::Column::Year)
        .order_by_desc(forum::Column::StartsOn)
        .order_by_asc(forum::Column::Id)
        .all(c)
        .await?;
    crate::scoped::with_unit_and_agency(c, rows, &units, |f| (f.unit_id, f.organiser_agency_id))
        .await
}

/// One forum if its unit lies in the scope.
pub async fn get_in_scope<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    id: i32,
) -> Result<(forum::Model, unit::Model, agency::Model)> {
    let (f, u) = crate::scoped::of_unit::<forum::Entity, C>(c, scope, id, |f| f.unit_id).await?;
    let a = crate::scoped::found::<agency::Entity, _>(c, f.organiser_agency_id).await?;
    Ok((f, u, a))
}

/// Years that have forums in the scope, newest first (for filters).
pub async fn years<C: ConnectionTrait>(c: &C, scope: &Scope) -> Result<Vec<i32>> {
    let subtree = crate::units::subtree_ids(&scope.path, crate::units::During::Always);
    let mut ys: Vec<i32> = forum::Entity::find()
        .select_only()
        .column(forum::Column::Year)
        .filter(forum::Column::UnitId.in_subquery(subtree))
        .distinct()
        .into_tuple()
        .all(c)
        .await?;
    ys.sort_unstable_by(|a, b| b.cmp(a));
    Ok(ys)
}

/// The forum's delegates (identified children), by person id.
pub async fn delegates<C: ConnectionTrait>(c: &C, forum_id: i32) -> Result<Vec<person::Model>> {
    let ids: Vec<i32> = forum_delegate::Entity::find()
        .filter(forum_delegate::Column::ForumId.eq(forum_id))
        .all(c)
        .await?
        .into_iter()
        .map(|d| d.person_id)
        .collect();
    Ok(person::Entity::find()
        .filter(person::Column::Id.is_in(ids))
        .order_by_asc(person::Column::Id)
        .all(c)
        .await?)
}

/// Adds a delegate. The child must have a consent in force (checked here
/// again, inside the transaction): otherwise `Conflict { "consent" }`; a child
/// already a delegate is `Conflict { "person" }`.
pub async fn add_delegate<C: TransactionTrait + ConnectionTrait>(
    c: &C,
    actor: &Actor,
    now: DateTime<Utc>,
    forum_id: i32,
    person_id: i32,
) -> Result<()> {
    let tx = crate::begin_write(c).await?;
    ensure_forum_open(&tx, forum_id).await?;
    crate::people::require_consent(&tx, person_id).await?;
    let exists = forum_delegate::Entity::find()
        .filter(forum_delegate::Column::ForumId.eq(forum_id))
        .filter(forum_delegate::Column::PersonId.eq(person_id))
        .one(&tx)
        .await?
        .is_some();
    if exists {
        return Err(StoreError::Conflict { field: "person" });
    }
    forum_delegate::Entity::insert(forum_delegate::ActiveModel {
        forum_id: Set(forum_id),
        person_id: Set(person_id),
    })
    .exec_without_returning(&tx)
    .await?;
    let change = Change::new("add_delegate", "forum", forum_id)
        .after(&serde_json::json!({ "person_id": person_id }));
    audit::commit(tx, actor, now, change).await?;
    Ok(())
}

/// Delegates whose consent is no longer in force (withdrawn after they were added).
pub async fn delegates_without_consent<C: ConnectionTrait>(c: &C, forum_id: i32) -> Result<u32> {
    let mut n = 0;
    for p in delegates(c, forum_id).await? {
        if crate::people::active_consent(c, p.id).await?.is_none() {
            n += 1;
        }
    }
    Ok(n)
}

/// A session of a forum.
#[derive(Debug, Clone)]
pub struct NewSession {
    pub forum_id: i32,
    /// `discussion` or `dialogue` ([`SESSION_KINDS`]).
    pub kind: String,
    pub title: String,
    pub held_on: NaiveDate,
    pub consultation_id: Option<i32>,
}

pub async fn add_session<C: TransactionTrait + ConnectionTrait>(
    c: &C,
    actor: &Actor,
    now: DateTime<Utc>,
    s: NewSession,
) -> Result<forum_session::Model> {
    let tx = crate::begin_write(c).await?;
    ensure_forum_open(&tx, s.forum_id).await?;
    let row = forum_session::ActiveModel {
        forum_id: Set(s.forum_id),
        kind: Set(s.kind),
        title: Set(s.title),
        held_on: Set(s.held_on),
        consultation_id: Set(s.consultation_id),
        ..Default::default()
    }
    .insert(&tx)
    .await?;
    audit::created(&tx, actor, now, "forum_session", row.id, &row).await?;
    tx.commit().await?;
    Ok(row)
}

pub async fn sessions<C: ConnectionTrait>(
    c: &C,
    forum_id: i32,
) -> Result<Vec<forum_session::Model>> {
    Ok(forum_session::Entity::find()
        .filter(forum_session::Column::ForumId.eq(forum_id))
        .order_by_asc(forum_session::Column::HeldOn)
        .order_by_asc(forum_session::Column::Id)
        .all(c)
        .await?)
}

/// Records the day the forum's results report was submitted.
pub async fn record_report<C: TransactionTrait + ConnectionTrait>(
    c: &C,
    actor: &Actor,
    now: DateTime<Utc>,
    id: i32,
    submitted_on: NaiveDate,
) -> Result<forum::Model> {
    let tx = crate::begin_write(c).await?;
    let before = crate::scoped::found::<forum::Entity, _>(&tx, id).await?;
    crate::reports::ensure_open(&tx, before.unit_id, before.year).await?;
    let mut am = before.clone().into_active_model();
    am.report_submitted_on = Set(Some(submitted_on));
    let after = am.update(&tx).await?;
    let change = Change::new("report", "forum", id)
        .before(&before)
        .after(&after);
    audit::commit(tx, actor, now, change).await?;
    Ok(after)
}

/// The province (the root of the id path) of the unit at `path`.
pub fn province_of(path: &str) -> &str {
    path.split('/').find(|s| !s.is_empty()).unwrap_or("")
}

/// The Circular 29 limits for a forum of the unit at `path` held in `year`:
/// the defaults, with the report's due days from the `forum_report_due_days`
/// setting of the plan governing the unit that year (`plans::governing`:
/// its province's plan covering the year, else its province's newest).
pub async fn rules_for<C: ConnectionTrait>(c: &C, path: &str, year: i32) -> Result<ForumRules> {
    let mut r = ForumRules::default();
    if let Some(d) = crate::plans::governing(c, path, year)
        .await?
        .and_then(|p| p.setting("forum_report_due_days"))
    {
        r.report_due_days = d;
    }
    Ok(r)
}

/// What `check_forum` judges, from a forum's row.
pub fn headcount(f: &forum::Model, delegates_without_consent: u32) -> ForumHeadcount {
    let n = |v: i32| u32::try_from(v).unwrap_or(0);
    ForumHeadcount {
        children: n(f.girls) + n(f.boys),
        adults_in_charge: n(f.adults_in_charge),
        volunteers: n(f.volunteers),
        guests: n(f.guests),
        delegates_without_consent,
    }
}

/// A forum whose results report is late.
#[derive(Debug, Clone)]
pub struct LateReport {
    pub forum: forum::Model,
    pub unit: unit::Model,
    pub due: NaiveDate,
    pub days_late: i64,
}

/// Forums in the scope without a submitted report whose report was due before
/// `today`; the latest first by how late they are.
pub async fn overdue_reports<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    today: NaiveDate,
) -> Result<Vec<LateReport>> {
    let all = list(c, scope, &ForumFilter::default()).await?;
    let mut rules: HashMap<(String, i32), ForumRules> = HashMap::new();
    let mut out = vec![];
    for (f, u, _) in all {
        if f.report_submitted_on.is_some() {
            continue;
        }
        let key = (province_of(&u.path).to_owned(), f.year);
        let r = match rules.get(&key) {
            Some(r) => *r,
            None => {
                let r = rules_for(c, &u.path, f.year).await?;
                rules.insert(key, r);
                r
            }
        };
        let due = forum_report_due(f.ends_on, &r);
        if today > due {
            out.push(LateReport {
                days_late: (today - due).num_days(),
                forum: f,
                unit: u,
                due,
            });
        }
    }
    out.sort_by(|a, b| {
        b.days_late
            .cmp(&a.days_late)
            .then(a.forum.id.cmp(&b.forum.id))
    });
    Ok(out)
}
