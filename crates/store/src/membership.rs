//! The rosters of the participation models: a council's members (a role and
//! a term) and a club's members (a child leader or not, the day they joined
//! and the day they left), written the one way. A member is an identified
//! child, added only while their consent stands (checked again inside the
//! transaction), at most once at a time in a roster; adding and ending keep
//! the member's row of `agg_model_members` (`aggregates::member_changed`) and
//! leave an audit record with ids, role and dates, never a name.
//! What councils and clubs share beyond the roster — setting one up, the
//! reads of members and meetings, recording a meeting — is written once here
//! too, over [`Roster`]; `councils` and `clubs` name it for their model with
//! `roster_api!`.

use crate::audit::{self, Change};
use crate::entity::person;
use crate::entity::{club, club_activity, club_member, council, council_dialogue, council_member};
use crate::{Result, StoreError};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel,
    QueryFilter, QueryOrder, QuerySelect, TransactionSession, TransactionTrait,
};
use std::collections::{BTreeSet, HashMap};
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

    /// The trail's action for ending it: a term ends, a child leaves a club.
    fn end_action(&self) -> &'static str {
        match self {
            Row::Council(_) => "end_term",
            Row::Club(_) => "leave",
        }
    }

    /// What the trail keeps of an ending: the person and the last day.
    fn end_trail(&self) -> serde_json::Value {
        match self {
            Row::Council(m) => {
                serde_json::json!({"person_id": m.person_id, "term_end": m.term_end})
            }
            Row::Club(m) => serde_json::json!({"person_id": m.person_id, "left_on": m.left_on}),
        }
    }

    /// Ends the membership on `on` (a term's end, the day a child left) in
    /// the caller's transaction and writes its row of `agg_model_members`
    /// again; the caller leaves the trail.
    pub(crate) async fn ended<C: ConnectionTrait>(&self, c: &C, on: NaiveDate) -> Result<Row> {
        let after = match self {
            Row::Council(m) => {
                let mut am = m.clone().into_active_model();
                am.term_end = Set(Some(on));
                Row::Council(am.update(c).await?)
            }
            Row::Club(m) => {
                let mut am = m.clone().into_active_model();
                am.left_on = Set(Some(on));
                Row::Club(am.update(c).await?)
            }
        };
        crate::aggregates::member_changed(c, after.aggregate()).await?;
        Ok(after)
    }

    fn aggregate(&self) -> crate::aggregates::Member<'_> {
        match self {
            Row::Council(m) => crate::aggregates::Member::Council(m),
            Row::Club(m) => crate::aggregates::Member::Club(m),
        }
    }
}

/// The columns and keys of a model's tables that its roster and meetings are
/// read by: the model's own table (councils, clubs, on which this is
/// implemented), its members and its meetings (a council's dialogues with the
/// People's Council, a club's activities).
pub trait Roster: EntityTrait {
    /// A new council or club as its callers write it, and its row.
    type New;
    type Row: ActiveModelTrait<Entity = Self> + sea_orm::ActiveModelBehavior + Send;
    /// The model's name in the levels a plan lists (`plans::holds`) and in
    /// the trail.
    const KIND: &'static str;
    /// Whether a unit has one at the most (a second is `Conflict { field:
    /// "unit" }`).
    const ONE_PER_UNIT: bool;
    /// The model's unit column.
    const UNIT: Self::Column;
    /// The unit whose level the model must be held at, and the year it is set
    /// up in.
    fn held_at(n: &Self::New) -> (i32, i32);
    /// The unit it counts for.
    fn unit_of_new(n: &Self::New) -> i32;
    /// The row of a new one, written by `actor` at `now`.
    fn new_row(n: Self::New, actor: &Actor, now: DateTime<Utc>) -> Self::Row;
    type Member: EntityTrait;
    type Meeting: EntityTrait;
    /// A new member and a new meeting as the model's callers write them.
    type NewMember: Into<NewMember>;
    type NewMeeting: Into<NewMeeting>;
    const MODEL: Model;
    /// The model's id column.
    const ID: Self::Column;
    /// The member columns: the id, the model, the person and the first day.
    const MEMBER_ID: Col<Self::Member>;
    const MEMBER_OF: Col<Self::Member>;
    const MEMBER_PERSON: Col<Self::Member>;
    const MEMBER_START: Col<Self::Member>;
    /// The meeting columns: the id, the model, the day and its year.
    const MEETING_ID: Col<Self::Meeting>;
    const MEETING_OF: Col<Self::Meeting>;
    const HELD_ON: Col<Self::Meeting>;
    const YEAR: Col<Self::Meeting>;
    fn id(row: &Self::Model) -> i32;
    /// The unit a meeting counts for, and whose year lock it obeys.
    fn unit_id(row: &Self::Model) -> i32;
    fn member_of(m: &Of<Self::Member>) -> i32;
    fn person_of(m: &Of<Self::Member>) -> i32;
    /// The membership row of this model, if `row` is one.
    fn member(row: Row) -> Option<Of<Self::Member>>;
    /// The meeting row of this model, if `row` is one.
    fn meeting(row: Meeting) -> Option<Of<Self::Meeting>>;
}

/// An entity's column and row types.
pub type Col<E> = <E as EntityTrait>::Column;
pub type Of<E> = <E as EntityTrait>::Model;

impl Roster for council::Entity {
    type New = crate::councils::NewCouncil;
    type Row = council::ActiveModel;
    const KIND: &'static str = "council";
    const ONE_PER_UNIT: bool = true;
    const UNIT: council::Column = council::Column::UnitId;
    fn held_at(n: &Self::New) -> (i32, i32) {
        (n.unit_id, n.established_on.year())
    }
    fn unit_of_new(n: &Self::New) -> i32 {
        n.unit_id
    }
    fn new_row(n: Self::New, actor: &Actor, now: DateTime<Utc>) -> council::ActiveModel {
        council::ActiveModel {
            unit_id: Set(n.unit_id),
            name: Set(n.name),
            established_on: Set(n.established_on),
            created_by: Set(actor.user_id),
            created_at: Set(now),
            ..Default::default()
        }
    }
    type Member = council_member::Entity;
    type Meeting = council_dialogue::Entity;
    type NewMember = crate::councils::NewMember;
    type NewMeeting = NewDialogue;
    const MODEL: Model = Model::Council;
    const ID: council::Column = council::Column::Id;
    const MEMBER_ID: council_member::Column = council_member::Column::Id;
    const MEMBER_OF: council_member::Column = council_member::Column::CouncilId;
    const MEMBER_PERSON: council_member::Column = council_member::Column::PersonId;
    const MEMBER_START: council_member::Column = council_member::Column::TermStart;
    const MEETING_ID: council_dialogue::Column = council_dialogue::Column::Id;
    const MEETING_OF: council_dialogue::Column = council_dialogue::Column::CouncilId;
    const HELD_ON: council_dialogue::Column = council_dialogue::Column::HeldOn;
    const YEAR: council_dialogue::Column = council_dialogue::Column::Year;
    fn id(row: &council::Model) -> i32 {
        row.id
    }
    fn unit_id(row: &council::Model) -> i32 {
        row.unit_id
    }
    fn member_of(m: &council_member::Model) -> i32 {
        m.council_id
    }
    fn person_of(m: &council_member::Model) -> i32 {
        m.person_id
    }
    fn member(row: Row) -> Option<council_member::Model> {
        match row {
            Row::Council(m) => Some(m),
            Row::Club(_) => None,
        }
    }
    fn meeting(row: Meeting) -> Option<council_dialogue::Model> {
        match row {
            Meeting::Dialogue(d) => Some(d),
            Meeting::Activity(_) => None,
        }
    }
}

impl Roster for club::Entity {
    type New = crate::clubs::NewClub;
    type Row = club::ActiveModel;
    const KIND: &'static str = "club";
    const ONE_PER_UNIT: bool = false;
    const UNIT: club::Column = club::Column::UnitId;
    /// The unit hosting it, else the unit it counts for.
    fn held_at(n: &Self::New) -> (i32, i32) {
        (n.host_unit_id.unwrap_or(n.unit_id), n.founded_on.year())
    }
    fn unit_of_new(n: &Self::New) -> i32 {
        n.unit_id
    }
    fn new_row(n: Self::New, actor: &Actor, now: DateTime<Utc>) -> club::ActiveModel {
        club::ActiveModel {
            unit_id: Set(n.unit_id),
            setting: Set(n.setting),
            host_unit_id: Set(n.host_unit_id),
            name: Set(n.name),
            founded_on: Set(n.founded_on),
            closed_on: Set(None),
            created_by: Set(actor.user_id),
            created_at: Set(now),
            ..Default::default()
        }
    }
    type Member = club_member::Entity;
    type Meeting = club_activity::Entity;
    type NewMember = crate::clubs::NewMember;
    type NewMeeting = NewActivity;
    const MODEL: Model = Model::Club;
    const ID: club::Column = club::Column::Id;
    const MEMBER_ID: club_member::Column = club_member::Column::Id;
    const MEMBER_OF: club_member::Column = club_member::Column::ClubId;
    const MEMBER_PERSON: club_member::Column = club_member::Column::PersonId;
    const MEMBER_START: club_member::Column = club_member::Column::JoinedOn;
    const MEETING_ID: club_activity::Column = club_activity::Column::Id;
    const MEETING_OF: club_activity::Column = club_activity::Column::ClubId;
    const HELD_ON: club_activity::Column = club_activity::Column::HeldOn;
    const YEAR: club_activity::Column = club_activity::Column::Year;
    fn id(row: &club::Model) -> i32 {
        row.id
    }
    fn unit_id(row: &club::Model) -> i32 {
        row.unit_id
    }
    fn member_of(m: &club_member::Model) -> i32 {
        m.club_id
    }
    fn person_of(m: &club_member::Model) -> i32 {
        m.person_id
    }
    fn member(row: Row) -> Option<club_member::Model> {
        match row {
            Row::Club(m) => Some(m),
            Row::Council(_) => None,
        }
    }
    fn meeting(row: Meeting) -> Option<club_activity::Model> {
        match row {
            Meeting::Activity(a) => Some(a),
            Meeting::Dialogue(_) => None,
        }
    }
}

impl From<crate::councils::NewMember> for NewMember {
    fn from(n: crate::councils::NewMember) -> Self {
        NewMember {
            person_id: n.person_id,
            role: Role::Council(n.role),
            start: n.term_start,
            end: n.term_end,
        }
    }
}

impl From<crate::clubs::NewMember> for NewMember {
    fn from(n: crate::clubs::NewMember) -> Self {
        NewMember {
            person_id: n.person_id,
            role: Role::Club {
                leader: n.is_leader,
            },
            start: n.joined_on,
            end: None,
        }
    }
}

/// Sets up a council or club. Refused with `Conflict { field: "unit_level" }`
/// at a unit whose level the plan governing it in the year it is set up does
/// not list for the model (`plans::ensure_holds`), and with `Conflict { field:
/// "unit" }` for a second council of a unit.
pub async fn set_up<R: Roster, C: TransactionTrait + ConnectionTrait>(
    c: &C,
    actor: &Actor,
    now: DateTime<Utc>,
    n: R::New,
) -> Result<R::Model>
where
    R::Model: IntoActiveModel<R::Row> + serde::Serialize,
{
    let tx = crate::begin_write(c).await?;
    let (held_at, year) = R::held_at(&n);
    crate::plans::ensure_holds(&tx, held_at, R::KIND, year).await?;
    let unit_id = R::unit_of_new(&n);
    if R::ONE_PER_UNIT
        && R::find()
            .filter(R::UNIT.eq(unit_id))
            .one(&tx)
            .await?
            .is_some()
    {
        return Err(StoreError::Conflict { field: "unit" });
    }
    let row = R::new_row(n, actor, now).insert(&tx).await.map_err(|e| {
        if R::ONE_PER_UNIT {
            crate::on_unique(e, "unit")
        } else {
            StoreError::Db(e)
        }
    })?;
    audit::created(&tx, actor, now, R::KIND, R::id(&row), &row).await?;
    tx.commit().await?;
    Ok(row)
}

/// A roster's members in the order they were added (their number "#n" is
/// their place here), each with their person.
pub async fn members<R: Roster, C: ConnectionTrait>(
    c: &C,
    of: i32,
) -> Result<Vec<(Of<R::Member>, person::Model)>> {
    let rows = R::Member::find()
        .filter(R::MEMBER_OF.eq(of))
        .order_by_asc(R::MEMBER_ID)
        .all(c)
        .await?;
    let ids: Vec<i32> = rows.iter().map(R::person_of).collect();
    let people = crate::people::by_ids(c, &ids).await?;
    Ok(paired(rows, people, R::person_of))
}

/// A person's memberships of one model, by their first day, each with its
/// council or club.
pub async fn memberships_of<R: Roster, C: ConnectionTrait>(
    c: &C,
    person_id: i32,
) -> Result<Vec<(Of<R::Member>, R::Model)>> {
    let rows = R::Member::find()
        .filter(R::MEMBER_PERSON.eq(person_id))
        .order_by_asc(R::MEMBER_START)
        .all(c)
        .await?;
    let owners = R::find()
        .filter(R::ID.is_in(rows.iter().map(R::member_of)))
        .all(c)
        .await?;
    let owners = owners.into_iter().map(|k| (R::id(&k), k));
    Ok(paired(rows, owners, R::member_of))
}

/// One model's meetings, newest first.
pub async fn meetings<R: Roster, C: ConnectionTrait>(
    c: &C,
    of: i32,
) -> Result<Vec<Of<R::Meeting>>> {
    Ok(R::Meeting::find()
        .filter(R::MEETING_OF.eq(of))
        .order_by_desc(R::HELD_ON)
        .order_by_desc(R::MEETING_ID)
        .all(c)
        .await?)
}

/// The meetings in `year` of the councils or clubs `of`.
pub async fn meetings_in<R: Roster, C: ConnectionTrait>(
    c: &C,
    of: &[i32],
    year: i32,
) -> Result<Vec<Of<R::Meeting>>> {
    if of.is_empty() {
        return Ok(vec![]);
    }
    Ok(R::Meeting::find()
        .filter(R::MEETING_OF.is_in(of.iter().copied()))
        .filter(R::YEAR.eq(year))
        .all(c)
        .await?)
}

/// The years in which any of the councils or clubs `of` met.
pub async fn meeting_years<R: Roster, C: ConnectionTrait>(
    c: &C,
    of: Vec<i32>,
) -> Result<BTreeSet<i32>> {
    if of.is_empty() {
        return Ok(BTreeSet::new());
    }
    let years: Vec<i32> = R::Meeting::find()
        .select_only()
        .column(R::YEAR)
        .filter(R::MEETING_OF.is_in(of))
        .distinct()
        .into_tuple()
        .all(c)
        .await?;
    Ok(years.into_iter().collect())
}

/// The roster and meeting reads and the roster writes of one model, as
/// functions of its module (`councils`, `clubs`): each is this module's
/// generic function for `$model`. `$meetings` names the list of its meetings
/// (newest first) and `$years` the years it met.
macro_rules! roster_api {
    ($model:ty, $meetings:ident, $years:ident, $add:ident, $in_scope:ident) => {
        /// Sets one up (`membership::set_up`).
        pub async fn create<C: sea_orm::TransactionTrait + sea_orm::ConnectionTrait>(
            c: &C,
            actor: &thamgia_domain::access::Actor,
            now: chrono::DateTime<chrono::Utc>,
            n: <$model as $crate::membership::Roster>::New,
        ) -> $crate::Result<$crate::membership::Of<$model>> {
            $crate::membership::set_up::<$model, C>(c, actor, now, n).await
        }

        /// Members in the order they were added (their number "#n" is their
        /// place here), each with their person.
        pub async fn members<C: sea_orm::ConnectionTrait>(
            c: &C,
            of: i32,
        ) -> $crate::Result<
            Vec<(
                $crate::membership::Of<<$model as $crate::membership::Roster>::Member>,
                $crate::entity::person::Model,
            )>,
        > {
            $crate::membership::members::<$model, C>(c, of).await
        }

        /// Adds a member (`membership::add`). Refused with `Conflict { field:
        /// "consent" }` unless the person's consent stands at this moment, and
        /// `Conflict { field: "person" }` when they are already a member who
        /// has not left.
        pub async fn add_member<C: sea_orm::TransactionTrait + sea_orm::ConnectionTrait>(
            c: &C,
            actor: &thamgia_domain::access::Actor,
            now: chrono::DateTime<chrono::Utc>,
            of: i32,
            n: NewMember,
        ) -> $crate::Result<$crate::membership::Of<<$model as $crate::membership::Roster>::Member>>
        {
            $crate::membership::add_member::<$model, C>(c, actor, now, of, n).await
        }

        /// Ends a membership on a date (`membership::end`; it stays in the
        /// history).
        pub async fn end_member<C: sea_orm::TransactionTrait + sea_orm::ConnectionTrait>(
            c: &C,
            actor: &thamgia_domain::access::Actor,
            now: chrono::DateTime<chrono::Utc>,
            of: i32,
            member_id: i32,
            on: chrono::NaiveDate,
        ) -> $crate::Result<$crate::membership::Of<<$model as $crate::membership::Roster>::Member>>
        {
            $crate::membership::end_member::<$model, C>(c, actor, now, of, member_id, on).await
        }

        /// A person's memberships with their councils or clubs, by their first
        /// day (the members' numbers there: `members`).
        pub async fn memberships_of<C: sea_orm::ConnectionTrait>(
            c: &C,
            person_id: i32,
        ) -> $crate::Result<
            Vec<(
                $crate::membership::Of<<$model as $crate::membership::Roster>::Member>,
                $crate::membership::Of<$model>,
            )>,
        > {
            $crate::membership::memberships_of::<$model, C>(c, person_id).await
        }

        /// The meetings, newest first.
        pub async fn $meetings<C: sea_orm::ConnectionTrait>(
            c: &C,
            of: i32,
        ) -> $crate::Result<
            Vec<$crate::membership::Of<<$model as $crate::membership::Roster>::Meeting>>,
        > {
            $crate::membership::meetings::<$model, C>(c, of).await
        }

        /// The years in which it met.
        pub async fn $years<C: sea_orm::ConnectionTrait>(
            c: &C,
            of: i32,
        ) -> $crate::Result<std::collections::BTreeSet<i32>> {
            $crate::membership::meeting_years::<$model, C>(c, vec![of]).await
        }

        /// The years with any meeting of one the scope sees, newest first.
        pub async fn years<C: sea_orm::ConnectionTrait>(
            c: &C,
            scope: &thamgia_domain::access::Scope,
        ) -> $crate::Result<Vec<i32>> {
            let ids = $in_scope(c, scope).await?;
            $crate::membership::years_in_scope::<$model, C>(c, ids).await
        }

        /// Records a meeting (`membership::add_meeting`).
        pub async fn $add<C: sea_orm::TransactionTrait + sea_orm::ConnectionTrait>(
            c: &C,
            actor: &thamgia_domain::access::Actor,
            now: chrono::DateTime<chrono::Utc>,
            of: i32,
            n: <$model as $crate::membership::Roster>::NewMeeting,
        ) -> $crate::Result<$crate::membership::Of<<$model as $crate::membership::Roster>::Meeting>>
        {
            $crate::membership::meeting_of::<$model, C>(c, actor, now, of, n).await
        }
    };
}
pub(crate) use roster_api;

/// A council's dialogue with the People's Council (`councils::add_dialogue`).
#[derive(Debug, Clone)]
pub struct NewDialogue {
    pub held_on: NaiveDate,
    /// The adults who attended (People's Council representatives), as written.
    pub attendees: String,
    pub issues: String,
    pub children_present: i32,
}

/// A club's activity (`clubs::add_activity`).
#[derive(Debug, Clone)]
pub struct NewActivity {
    pub held_on: NaiveDate,
    pub topic: String,
    pub girls: i32,
    pub boys: i32,
}

/// The years in which any council or club of the scope met, newest first
/// (`in_scope`: the ids of those the scope sees).
pub async fn years_in_scope<R: Roster, C: ConnectionTrait>(
    c: &C,
    in_scope: Vec<i32>,
) -> Result<Vec<i32>> {
    let years = meeting_years::<R, C>(c, in_scope).await?;
    Ok(years.into_iter().rev().collect())
}

/// A meeting to record: a council's dialogue, a club's activity.
pub enum NewMeeting {
    Dialogue(NewDialogue),
    Activity(NewActivity),
}

impl From<NewDialogue> for NewMeeting {
    fn from(n: NewDialogue) -> Self {
        NewMeeting::Dialogue(n)
    }
}

impl From<NewActivity> for NewMeeting {
    fn from(n: NewActivity) -> Self {
        NewMeeting::Activity(n)
    }
}

impl NewMeeting {
    fn held_on(&self) -> NaiveDate {
        match self {
            NewMeeting::Dialogue(n) => n.held_on,
            NewMeeting::Activity(n) => n.held_on,
        }
    }

    /// The council's or club's unit, whose year lock the meeting obeys.
    async fn unit_id<C: ConnectionTrait>(&self, c: &C, of: i32) -> Result<Option<i32>> {
        Ok(match self {
            NewMeeting::Dialogue(_) => unit_of::<council::Entity, C>(c, of).await?,
            NewMeeting::Activity(_) => unit_of::<club::Entity, C>(c, of).await?,
        })
    }
}

async fn unit_of<R: Roster, C: ConnectionTrait>(c: &C, of: i32) -> Result<Option<i32>>
where
    i32: Into<<R::PrimaryKey as sea_orm::PrimaryKeyTrait>::ValueType>,
{
    Ok(R::find_by_id(of).one(c).await?.map(|k| R::unit_id(&k)))
}

/// A meeting as recorded.
#[derive(Debug, Clone, serde::Serialize)]
#[serde(untagged)]
pub enum Meeting {
    Dialogue(council_dialogue::Model),
    Activity(club_activity::Model),
}

/// Records a meeting of the council or club `of`, refused when its year is
/// locked for the model's unit (`reports::ensure_open`), and counts it
/// (`aggregates::dialogue_added`, `club_activity_added`).
pub async fn add_meeting<C: TransactionTrait + ConnectionTrait>(
    c: &C,
    actor: &Actor,
    now: DateTime<Utc>,
    of: i32,
    n: NewMeeting,
) -> Result<Meeting> {
    let tx = crate::begin_write(c).await?;
    let year = n.held_on().year();
    if let Some(unit_id) = n.unit_id(&tx, of).await? {
        crate::reports::ensure_open(&tx, unit_id, year).await?;
    }
    let (id, row, entity) = match n {
        NewMeeting::Dialogue(n) => {
            let row = council_dialogue::ActiveModel {
                council_id: Set(of),
                year: Set(year),
                held_on: Set(n.held_on),
                attendees: Set(n.attendees),
                issues: Set(n.issues),
                children_present: Set(n.children_present),
                consultation_id: Set(None),
                created_by: Set(actor.user_id),
                created_at: Set(now),
                ..Default::default()
            }
            .insert(&tx)
            .await?;
            crate::aggregates::dialogue_added(&tx, &row).await?;
            (row.id, Meeting::Dialogue(row), "council_dialogue")
        }
        NewMeeting::Activity(n) => {
            let row = club_activity::ActiveModel {
                club_id: Set(of),
                year: Set(year),
                held_on: Set(n.held_on),
                topic: Set(n.topic),
                girls: Set(n.girls),
                boys: Set(n.boys),
                created_by: Set(actor.user_id),
                created_at: Set(now),
                ..Default::default()
            }
            .insert(&tx)
            .await?;
            crate::aggregates::club_activity_added(&tx, &row).await?;
            (row.id, Meeting::Activity(row), "club_activity")
        }
    };
    audit::created(&tx, actor, now, entity, id, &row).await?;
    tx.commit().await?;
    Ok(row)
}

/// [`add_meeting`] for one model, answering its meeting row.
pub async fn meeting_of<R: Roster, C: TransactionTrait + ConnectionTrait>(
    c: &C,
    actor: &Actor,
    now: DateTime<Utc>,
    of: i32,
    n: R::NewMeeting,
) -> Result<Of<R::Meeting>> {
    R::meeting(add_meeting(c, actor, now, of, n.into()).await?).ok_or(StoreError::NotFound)
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

/// [`add`] to the roster of one model, answering its membership row.
pub async fn add_member<R: Roster, C: TransactionTrait + ConnectionTrait>(
    c: &C,
    actor: &Actor,
    now: DateTime<Utc>,
    of: i32,
    n: R::NewMember,
) -> Result<Of<R::Member>> {
    R::member(add(c, actor, now, of, n.into()).await?).ok_or(StoreError::NotFound)
}

/// [`end`] in the roster of one model, answering its membership row.
pub async fn end_member<R: Roster, C: TransactionTrait + ConnectionTrait>(
    c: &C,
    actor: &Actor,
    now: DateTime<Utc>,
    of: i32,
    id: i32,
    on: NaiveDate,
) -> Result<Of<R::Member>> {
    R::member(end(c, actor, now, R::MODEL, of, id, on).await?).ok_or(StoreError::NotFound)
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
    let change = Change::new("create", row.entity(), row.id()).after(&row.trail());
    audit::commit(tx, actor, now, change).await?;
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
    let after = before.ended(&tx, on).await?;
    let change = Change::new(before.end_action(), after.entity(), id)
        .before(&before.trail())
        .after(&after.trail());
    audit::commit(tx, actor, now, change).await?;
    Ok(after)
}

/// Ends the person's open council terms and club memberships on `now`'s date
/// (not before each began), in the caller's transaction (a consent
/// withdrawn: `people::withdraw`).
pub(crate) async fn end_open_of<C: ConnectionTrait>(
    c: &C,
    actor: &Actor,
    now: DateTime<Utc>,
    person_id: i32,
) -> Result<()> {
    let today = now.date_naive();
    let mut open: Vec<Row> = council_member::Entity::find()
        .filter(council_member::Column::PersonId.eq(person_id))
        .filter(council_member::Column::TermEnd.is_null())
        .all(c)
        .await?
        .into_iter()
        .map(Row::Council)
        .collect();
    let clubs = club_member::Entity::find()
        .filter(club_member::Column::PersonId.eq(person_id))
        .filter(club_member::Column::LeftOn.is_null())
        .all(c)
        .await?;
    open.extend(clubs.into_iter().map(Row::Club));
    for before in open {
        let after = before.ended(c, today.max(before.start())).await?;
        let change = Change::new(before.end_action(), before.entity(), before.id())
            .before(&before.end_trail())
            .after(&after.end_trail());
        audit::record(c, actor, now, change).await?;
    }
    Ok(())
}

/// Ends on `last` the memberships of the council or club `of` still running
/// after that day (a term begun later is not ended), in the caller's
/// transaction, and answers how many (the end of its unit:
/// `handover::end_with_units`).
pub(crate) async fn end_running<C: ConnectionTrait>(
    c: &C,
    model: Model,
    of: i32,
    last: NaiveDate,
) -> Result<usize> {
    let rows: Vec<Row> = match model {
        Model::Council => council_member::Entity::find()
            .filter(council_member::Column::CouncilId.eq(of))
            .all(c)
            .await?
            .into_iter()
            .map(Row::Council)
            .collect(),
        Model::Club => club_member::Entity::find()
            .filter(club_member::Column::ClubId.eq(of))
            .all(c)
            .await?
            .into_iter()
            .map(Row::Club)
            .collect(),
    };
    let mut n = 0;
    for m in rows {
        if m.end().is_some_and(|e| e <= last) || m.start() > last {
            continue;
        }
        m.ended(c, last).await?;
        n += 1;
    }
    Ok(n)
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
