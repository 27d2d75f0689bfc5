//! The rosters of the participation models: a council's members (a role and
//! a term) and a club's members (a child leader or not, the day they joined
//! and the day they left), written the one way. A member is an identified
//! child, added only while their consent stands (checked again inside the
//! transaction), at most once at a time in a roster; adding and ending keep
//! the member's row of `agg_model_members` (`aggregates::member_changed`) and
//! leave an audit record with ids, role and dates, never a name.
//! `councils::{add_member, end_member, member}` and the same in `clubs` are
//! this module for one model.

use crate::audit::{self, Change};
use crate::entity::{club_member, council_member};
use crate::{Result, StoreError};
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel,
    QueryFilter, TransactionSession, TransactionTrait,
};
use std::collections::HashMap;
use thamgia_domain::access::Actor;
use thamgia_domain::models::CouncilRole;

/// The model a roster belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Model {
    Council,
    Club,
}

/// What a member is in the roster: a council role, or a club's child leader
/// or member.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Council(CouncilRole),
    Club { leader: bool },
}

impl Role {
    pub fn model(self) -> Model {
        match self {
            Role::Council(_) => Model::Council,
            Role::Club { .. } => Model::Club,
        }
    }
}

/// A new membership of a council (`start`, `end`: the term) or a club
/// (`start`: the day they joined; `end` is ignored).
#[derive(Debug, Clone)]
pub struct NewMember {
    pub person_id: i32,
    pub role: Role,
    pub start: NaiveDate,
    pub end: Option<NaiveDate>,
}

/// One membership row of either roster.
#[derive(Debug, Clone)]
pub enum Row {
    Council(council_member::Model),
    Club(club_member::Model),
}

impl Row {
    pub fn id(&self) -> i32 {
        match self {
            Row::Council(m) => m.id,
            Row::Club(m) => m.id,
        }
    }

    /// The first day: a term's start, the day a child joined.
    pub fn start(&self) -> NaiveDate {
        match self {
            Row::Council(m) => m.term_start,
            Row::Club(m) => m.joined_on,
        }
    }

    /// The last day, once ended: a term's end, the day a child left.
    pub fn end(&self) -> Option<NaiveDate> {
        match self {
            Row::Council(m) => m.term_end,
            Row::Club(m) => m.left_on,
        }
    }

    fn entity(&self) -> &'static str {
        match self {
            Row::Council(_) => "council_member",
            Row::Club(_) => "club_member",
        }
    }

    /// What the trail says about a membership: ids, role and dates, never a name.
    fn trail(&self) -> serde_json::Value {
        match self {
            Row::Council(m) => serde_json::json!({
                "council_id": m.council_id,
                "person_id": m.person_id,
                "role": m.role,
                "term_start": m.term_start,
                "term_end": m.term_end,
            }),
            Row::Club(m) => serde_json::json!({
                "club_id": m.club_id,
                "person_id": m.person_id,
                "is_leader": m.is_leader,
                "joined_on": m.joined_on,
                "left_on": m.left_on,
            }),
        }
    }

    fn aggregate(&self) -> crate::aggregates::Member<'_> {
        match self {
            Row::Council(m) => crate::aggregates::Member::Council(m),
            Row::Club(m) => crate::aggregates::Member::Club(m),
        }
    }
}

/// One membership of a council or club; `NotFound` when it is not in that roster.
pub async fn member<C: ConnectionTrait>(c: &C, model: Model, of: i32, id: i32) -> Result<Row> {
    let row = match model {
        Model::Council => council_member::Entity::find_by_id(id)
            .filter(council_member::Column::CouncilId.eq(of))
            .one(c)
            .await?
            .map(Row::Council),
        Model::Club => club_member::Entity::find_by_id(id)
            .filter(club_member::Column::ClubId.eq(of))
            .one(c)
            .await?
            .map(Row::Club),
    };
    row.ok_or(StoreError::NotFound)
}

/// Whether the person is a member of the roster who has not left (an open term).
pub async fn is_open<C: ConnectionTrait>(
    c: &C,
    model: Model,
    of: i32,
    person_id: i32,
) -> Result<bool> {
    Ok(match model {
        Model::Council => council_member::Entity::find()
            .filter(council_member::Column::CouncilId.eq(of))
            .filter(council_member::Column::PersonId.eq(person_id))
            .filter(council_member::Column::TermEnd.is_null())
            .one(c)
            .await?
            .is_some(),
        Model::Club => club_member::Entity::find()
            .filter(club_member::Column::ClubId.eq(of))
            .filter(club_member::Column::PersonId.eq(person_id))
            .filter(club_member::Column::LeftOn.is_null())
            .one(c)
            .await?
            .is_some(),
    })
}

/// Adds a member to the council or club `of`. Refused with `Conflict {
/// field: "consent" }` unless the person's consent stands at this moment,
/// and `Conflict { field: "person" }` when they are already a member who has
/// not left.
pub async fn add<C: TransactionTrait + ConnectionTrait>(
    c: &C,
    actor: &Actor,
    now: DateTime<Utc>,
    of: i32,
    n: NewMember,
) -> Result<Row> {
    let tx = crate::begin_write(c).await?;
    let p = crate::people::require_consent(&tx, n.person_id).await?;
    if is_open(&tx, n.role.model(), of, p.id).await? {
        return Err(StoreError::Conflict { field: "person" });
    }
    let row = match n.role {
        Role::Council(role) => Row::Council(
            council_member::ActiveModel {
                council_id: Set(of),
                person_id: Set(p.id),
                role: Set(role),
                term_start: Set(n.start),
                term_end: Set(n.end),
                ..Default::default()
            }
            .insert(&tx)
            .await?,
        ),
        Role::Club { leader } => Row::Club(
            club_member::ActiveModel {
                club_id: Set(of),
                person_id: Set(p.id),
                is_leader: Set(leader),
                joined_on: Set(n.start),
                left_on: Set(None),
                ..Default::default()
            }
            .insert(&tx)
            .await?,
        ),
    };
    crate::aggregates::member_changed(&tx, row.aggregate()).await?;
    audit::record(
        &tx,
        actor,
        now,
        Change::new("create", row.entity(), row.id()).after(&row.trail()),
    )
    .await?;
    tx.commit().await?;
    Ok(row)
}

/// Ends a membership on a date: a council term ends (`end_term`), a child
/// leaves a club (`leave`). The membership stays in the history.
pub async fn end<C: TransactionTrait + ConnectionTrait>(
    c: &C,
    actor: &Actor,
    now: DateTime<Utc>,
    model: Model,
    of: i32,
    id: i32,
    on: NaiveDate,
) -> Result<Row> {
    let tx = crate::begin_write(c).await?;
    let before = member(&tx, model, of, id).await?;
    let (after, action) = match &before {
        Row::Council(m) => {
            let mut am = m.clone().into_active_model();
            am.term_end = Set(Some(on));
            (Row::Council(am.update(&tx).await?), "end_term")
        }
        Row::Club(m) => {
            let mut am = m.clone().into_active_model();
            am.left_on = Set(Some(on));
            (Row::Club(am.update(&tx).await?), "leave")
        }
    };
    crate::aggregates::member_changed(&tx, after.aggregate()).await?;
    audit::record(
        &tx,
        actor,
        now,
        Change::new(action, after.entity(), id)
            .before(&before.trail())
            .after(&after.trail()),
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

/// Each row with the record its `key` names (a member's person, a
/// membership's council or club), in the rows' order; a row whose record is
/// gone is left out.
pub(crate) fn paired<M, K: Clone>(
    rows: Vec<M>,
    found: impl IntoIterator<Item = (i32, K)>,
    key: impl Fn(&M) -> i32,
) -> Vec<(M, K)> {
    let found: HashMap<i32, K> = found.into_iter().collect();
    rows.into_iter()
        .filter_map(|m| {
            let k = found.get(&key(&m))?.clone();
            Some((m, k))
        })
        .collect()
}
