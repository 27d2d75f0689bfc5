//! Maintained aggregates (tables from migrations 0007, 0008, 0021 and 0022):
//! the counts and sums behind every measure the engine computes
//! (`store::engine`): children's answers by single age, sex and ethnic group
//! (`children_answers`), participants of courses (`people_trained`),
//! activities, every funding total (budget and spending, `money_spent`),
//! matters by kind and how many of them were consulted (`matters_consulted`),
//! forums, council dialogues, club activities and active clubs per unit
//! (`forums_held`, `units_running_models`), and every council term and club
//! membership with its years and its child's year of birth
//! (`children_in_models`), kept up to date **in
//! the same transaction** as the write that changes the records they count, so
//! a figure is a sum over a few rows instead of a scan of the raw records.
//!
//! The child population (the denominator of shares) is not an aggregate: it is
//! a table of imported figures, read as it is (`store::population`).
//!
//! Every key but the memberships' starts with `year, unit_id`: a subtree's
//! figure for a year is a sum over `unit_id IN (subtree)`. The write paths
//! call one function each:
//!
//! - [`response_added`] from `responses::submit` (responses are never
//!   deleted, and a consultation never changes unit); when the consultation is
//!   already closed and published, its matter may become consulted
//!   ([`input_added`], which `responses::submit_tally` calls too);
//! - [`activity_changed`] from `activities::save_in` and `update_row` (its
//!   unit, start date, project, kind or participants may change: the old
//!   contribution is taken away and the new one added, and the spending of the
//!   activity moves with its unit and project) and [`activity_deleted`] from
//!   `activities::delete` (with its spending, which the database deletes with it);
//! - [`spending_changed`] from `activities::add_spending_in` and `delete_spending`;
//! - [`budget_changed`] from `activities::set_budget_in`;
//! - [`matter_changed`] from `matters::create` and `update` (its kind, unit or
//!   decision year may change); [`consultation_touched`] from
//!   `consultations::change_status`: whether a
//!   matter counts as consulted is decided by the same rule the indicator
//!   always used (`voice_queries::consulted_matters`), re-applied to that one
//!   matter and remembered in `matter_consulted`, so its count moves only when
//!   the answer changes;
//! - [`forum_changed`] from `forums::create` and `update`; [`dialogue_added`]
//!   from `councils::add_dialogue`; [`club_activity_added`] from
//!   `clubs::add_activity` (the club becomes active for the year with its first
//!   activity of that year). Forums, dialogues and club activities are never
//!   deleted;
//! - [`member_changed`] from `councils::add_member` and `end_member`,
//!   `clubs::add_member` and `end_member`, `membership::end_open_of`
//!   (a consent withdrawn ends the child's open terms) and
//!   `handover::end_with_units` (a unit's end ends its council's and clubs'
//!   terms): the membership's row of `agg_model_members` is written again
//!   from it (memberships are never deleted); [`person_changed`] from
//!   `people::withdraw` (the birth date is cut to its year). A term that is
//!   still open has no last year, so the row holds the span of years it
//!   overlaps rather than a row per year; [`children_in_models`] counts
//!   distinct children over it with one query.
//!
//! Deltas are netted per key before anything is written and applied with one
//! `INSERT … ON CONFLICT … DO UPDATE SET n = t.n + excluded.n` per key (the
//! same statement on SQLite and PostgreSQL); they may be negative. A row whose
//! counts fall back to zero stays (there is at most one row per key ever used);
//! every reader skips such rows.
//!
//! The `recompute_*` functions (and `engine::recompute_children_counts` and
//! `engine::recompute_children_in_models`) compute the same numbers from the raw records,
//! for the property test (`tests/it/aggregates.rs`), the benchmark (`bench/`)
//! and [`rebuild`].

use crate::Result;
use crate::activities::MoneyCell;
use crate::entity::{
    activity, activity_participant, agg_activity, agg_matter, agg_model, agg_model_member,
    agg_money, agg_participant, agg_response, budget_line, club, club_activity, club_member,
    consultation, council, council_dialogue, council_member, forum, matter, person, response,
    spending, unit,
};
use chrono::{Datelike, NaiveDate, TimeZone, Utc};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, OnConflict, Query, Value};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};
use std::collections::{BTreeMap, HashMap};
use thamgia_domain::voice::{Age, counts_as_consulted};

/// A profile value that was not given.
pub const UNKNOWN: &str = "unknown";

/// The age a response counts at: its single year of age (`"6"` … `"15"`),
/// or `unknown` when none (or none a child answering may have) was given.
/// Every band of a plan's breakdowns and every measure's age range is a sum
/// of single ages (migration 0021).
pub fn age_key(age: Option<i32>) -> String {
    age.and_then(|a| Age::parse(i64::from(a)))
        .map_or_else(|| UNKNOWN.to_string(), |a| a.get().to_string())
}

// ---------------------------------------------------------------- deltas

type ResponseKey = (i32, i32, String, String, String);
type ActivityKey = (i32, i32, String, String);
type ParticipantKey = (i32, i32, String, String, String);
type MoneyKey = (i32, i32, String, String);
type MatterKey = (i32, i32, String);
type ModelKey = (i32, i32);

/// Changes to the aggregates, netted per key (`year, unit_id, …`).
#[derive(Debug, Default)]
struct Delta {
    responses: BTreeMap<ResponseKey, i64>,
    activities: BTreeMap<ActivityKey, i64>,
    participants: BTreeMap<ParticipantKey, (i64, i64)>,
    /// budget lines, budget, spendings, spent.
    money: BTreeMap<MoneyKey, [i64; 4]>,
    /// matters, consulted.
    matters: BTreeMap<MatterKey, (i64, i64)>,
    /// forums at the unit's own level, council dialogues, club activities,
    /// active clubs.
    models: BTreeMap<ModelKey, [i64; 4]>,
}

impl Delta {
    fn activity(&mut self, a: &activity::Model, participants: &[(String, i32, i32)], sign: i64) {
        let year = a.starts_on.year();
        *self
            .activities
            .entry((
                year,
                a.unit_id,
                a.project_code.clone(),
                a.kind.as_str().into(),
            ))
            .or_default() += sign;
        for (grp, female, male) in participants {
            let e = self
                .participants
                .entry((
                    year,
                    a.unit_id,
                    a.project_code.clone(),
                    a.kind.as_str().into(),
                    grp.clone(),
                ))
                .or_default();
            e.0 += sign * i64::from(*female);
            e.1 += sign * i64::from(*male);
        }
    }

    fn spending(&mut self, unit_id: i32, project: &str, s: &spending::Model, sign: i64) {
        let e = self
            .money
            .entry((
                s.spent_on.year(),
                unit_id,
                s.source_code.clone(),
                project.to_string(),
            ))
            .or_default();
        e[2] += sign;
        e[3] += sign * s.amount;
    }

    fn budget(&mut self, b: &budget_line::Model, sign: i64) {
        let e = self
            .money
            .entry((
                b.year,
                b.unit_id,
                b.source_code.clone(),
                b.project_code.clone(),
            ))
            .or_default();
        e[0] += sign;
        e[1] += sign * b.amount;
    }

    async fn apply<C: ConnectionTrait>(self, c: &C) -> Result<()> {
        for ((year, unit_id, band, sex, ethnic), n) in self.responses {
            if n != 0 {
                let keys = key(
                    year,
                    unit_id,
                    &[("age", band), ("sex", sex), ("ethnic", ethnic)],
                );
                upsert(c, "agg_responses", keys, &[("n", n)]).await?;
            }
        }
        for ((year, unit_id, project, kind), n) in self.activities {
            if n != 0 {
                let keys = key(year, unit_id, &[("project", project), ("kind", kind)]);
                upsert(c, "agg_activities", keys, &[("n", n)]).await?;
            }
        }
        for ((year, unit_id, project, kind, grp), (female, male)) in self.participants {
            if female != 0 || male != 0 {
                let keys = key(
                    year,
                    unit_id,
                    &[("project", project), ("kind", kind), ("grp", grp)],
                );
                upsert(
                    c,
                    "agg_participants",
                    keys,
                    &[("female", female), ("male", male)],
                )
                .await?;
            }
        }
        for ((year, unit_id, source, project), [lines, budget, spendings, spent]) in self.money {
            if lines != 0 || budget != 0 || spendings != 0 || spent != 0 {
                let keys = key(year, unit_id, &[("source", source), ("project", project)]);
                let sums = [
                    ("budget_lines", lines),
                    ("budget", budget),
                    ("spendings", spendings),
                    ("spent", spent),
                ];
                upsert(c, "agg_money", keys, &sums).await?;
            }
        }
        for ((year, unit_id, kind), (total, consulted)) in self.matters {
            if total != 0 || consulted != 0 {
                let keys = key(year, unit_id, &[("kind", kind)]);
                let sums = [("total", total), ("consulted", consulted)];
                upsert(c, "agg_matters", keys, &sums).await?;
            }
        }
        for ((year, unit_id), [forums, dialogues, activities, active]) in self.models {
            if forums != 0 || dialogues != 0 || activities != 0 || active != 0 {
                let sums = [
                    ("forums", forums),
                    ("dialogues", dialogues),
                    ("club_activities", activities),
                    ("active_clubs", active),
                ];
                upsert(c, "agg_models", key(year, unit_id, &[]), &sums).await?;
            }
        }
        Ok(())
    }
}

fn key(year: i32, unit_id: i32, rest: &[(&'static str, String)]) -> Vec<(&'static str, Value)> {
    let mut k: Vec<(&'static str, Value)> =
        vec![("year", year.into()), ("unit_id", unit_id.into())];
    k.extend(rest.iter().map(|(n, v)| (*n, Value::from(v.clone()))));
    k
}

/// Adds `sums` to the row of `table` with these key values, creating it.
async fn upsert<C: ConnectionTrait>(
    c: &C,
    table: &'static str,
    keys: Vec<(&'static str, Value)>,
    sums: &[(&'static str, i64)],
) -> Result<()> {
    let mut q = Query::insert();
    q.into_table(Alias::new(table)).columns(
        keys.iter()
            .map(|(k, _)| Alias::new(*k))
            .chain(sums.iter().map(|(k, _)| Alias::new(*k))),
    );
    let values: Vec<Expr> = keys
        .iter()
        .map(|(_, v)| Expr::val(v.clone()))
        .chain(sums.iter().map(|(_, v)| Expr::val(*v)))
        .collect();
    q.values_panic(values);
    let mut oc = OnConflict::columns(keys.iter().map(|(k, _)| Alias::new(*k)));
    for (k, _) in sums {
        oc.value(
            Alias::new(*k),
            Expr::col((Alias::new(table), Alias::new(*k)))
                .add(Expr::col((Alias::new("excluded"), Alias::new(*k)))),
        );
    }
    q.on_conflict(oc.to_owned());
    c.execute(&q).await?;
    Ok(())
}

// ---------------------------------------------------------------- maintenance

/// A child's response was stored: it counts for its consultation's unit in
/// the year it arrived.
pub async fn response_added<C: ConnectionTrait>(c: &C, r: &response::Model) -> Result<()> {
    let Some(k) = consultation::Entity::find_by_id(r.consultation_id)
        .one(c)
        .await?
    else {
        return Ok(());
    };
    let mut d = Delta::default();
    d.responses.insert(
        (
            r.created_at.year(),
            k.unit_id,
            age_key(r.age),
            r.sex.clone().unwrap_or_else(|| UNKNOWN.into()),
            r.ethnic.clone().unwrap_or_else(|| UNKNOWN.into()),
        ),
        1,
    );
    d.apply(c).await?;
    input_added(c, &k).await
}

/// A child's response or a group tally came in for this consultation. Input
/// only ever adds: it can make the matter count (if the consultation already
/// closed and published its answer — paper typed in late), never stop it. So
/// a matter already marked, or a consultation not yet answered, costs one
/// key lookup at most, not the rule's look at every consultation of the
/// matter — what keeps a busy consultation's writes cheap.
pub async fn input_added<C: ConnectionTrait>(c: &C, k: &consultation::Model) -> Result<()> {
    match k.matter_id {
        Some(mid) if answered(k) && !is_marked_consulted(c, mid).await? => {
            matter_touched(c, mid).await
        }
        _ => Ok(()),
    }
}

/// Whether this consultation, by itself, is in the state the rule asks for
/// (closed, answer published): only then can it change whether its matter
/// counts (`voice::counts_as_consulted`).
fn answered(k: &consultation::Model) -> bool {
    counts_as_consulted(k.closed_at.is_some(), k.answer_published_at.is_some())
}

/// An activity row with its participants `(group, female, male)`.
pub type ActivityState<'a> = (&'a activity::Model, &'a [(String, i32, i32)]);

/// An activity was created (`before` is `None`), changed, or is about to be
/// deleted (`after` is `None`), with its participants `(group, female, male)`
/// before and after. Its spending moves when its unit or project changes.
pub async fn activity_changed<C: ConnectionTrait>(
    c: &C,
    before: Option<ActivityState<'_>>,
    after: Option<ActivityState<'_>>,
) -> Result<()> {
    let mut d = Delta::default();
    if let Some((a, parts)) = before {
        d.activity(a, parts, -1);
    }
    if let Some((a, parts)) = after {
        d.activity(a, parts, 1);
    }
    let owner = |a: &activity::Model| (a.unit_id, a.project_code.clone());
    let moved = before.map(|(a, _)| owner(a)) != after.map(|(a, _)| owner(a));
    if moved && let Some(id) = before.or(after).map(|(a, _)| a.id) {
        let spent = spending::Entity::find()
            .filter(spending::Column::ActivityId.eq(id))
            .all(c)
            .await?;
        for s in &spent {
            if let Some((a, _)) = before {
                d.spending(a.unit_id, &a.project_code, s, -1);
            }
            if let Some((a, _)) = after {
                d.spending(a.unit_id, &a.project_code, s, 1);
            }
        }
    }
    d.apply(c).await
}

/// The activity `a` is about to be deleted with its participants and
/// spending: call before the delete, inside its transaction.
pub async fn activity_deleted<C: ConnectionTrait>(c: &C, a: &activity::Model) -> Result<()> {
    let parts: Vec<(String, i32, i32)> = activity_participant::Entity::find()
        .filter(activity_participant::Column::ActivityId.eq(a.id))
        .all(c)
        .await?
        .into_iter()
        .map(|p| (p.grp, p.female, p.male))
        .collect();
    activity_changed(c, Some((a, &parts)), None).await
}

/// A spending was added (`sign` 1) or deleted (`sign` -1): it counts for its
/// activity's unit and project in the year it was spent.
pub async fn spending_changed<C: ConnectionTrait>(
    c: &C,
    s: &spending::Model,
    sign: i64,
) -> Result<()> {
    let Some(a) = activity::Entity::find_by_id(s.activity_id).one(c).await? else {
        return Ok(());
    };
    let mut d = Delta::default();
    d.spending(a.unit_id, &a.project_code, s, sign);
    d.apply(c).await
}

/// A budget line was created (`before` is `None`), changed or deleted.
pub async fn budget_changed<C: ConnectionTrait>(
    c: &C,
    before: Option<&budget_line::Model>,
    after: Option<&budget_line::Model>,
) -> Result<()> {
    let mut d = Delta::default();
    if let Some(b) = before {
        d.budget(b, -1);
    }
    if let Some(b) = after {
        d.budget(b, 1);
    }
    d.apply(c).await
}

/// Empties the aggregate tables and fills them again from the raw records,
/// with the statements migrations 0007, 0008, 0021 and 0022 ran (for repairs
/// and for checking that the migration fills an upgraded database right).
pub async fn rebuild<C: ConnectionTrait>(c: &C) -> Result<()> {
    for t in [
        "agg_responses",
        "agg_activities",
        "agg_participants",
        "agg_money",
        "agg_matters",
        "agg_models",
        "matter_consulted",
        "agg_model_members",
    ] {
        c.execute_unprepared(&format!("DELETE FROM {t}")).await?;
    }
    let backend = c.get_database_backend();
    // Answers by single age (0021) instead of 0007's bands.
    for sql in crate::migration::m0007_aggregates::backfill(backend)
        .into_iter()
        .filter(|sql| !sql.starts_with("INSERT INTO agg_responses"))
        .chain(crate::migration::m0021_answer_ages::backfill(backend))
        .chain(crate::migration::m0008_matter_model_aggregates::backfill(
            backend,
        ))
        .chain(crate::migration::m0022_model_members::backfill(backend))
    {
        c.execute_unprepared(&sql).await?;
    }
    Ok(())
}

// ------------------------------------------------- matters and the three models

/// Whether the matter is marked consulted (`matter_consulted`).
pub async fn is_marked_consulted<C: ConnectionTrait>(c: &C, matter_id: i32) -> Result<bool> {
    Ok(
        crate::entity::matter_consulted::Entity::find_by_id(matter_id)
            .one(c)
            .await?
            .is_some(),
    )
}

/// A matter was registered (`before` is `None`) or changed (its decision's
/// year may move it): it counts for its unit, kind and year, with its mark of
/// consulted. Call after the write, inside its transaction.
pub async fn matter_changed<C: ConnectionTrait>(
    c: &C,
    before: Option<&matter::Model>,
    after: &matter::Model,
) -> Result<()> {
    let consulted = i64::from(is_marked_consulted(c, after.id).await?);
    let mut d = Delta::default();
    if let Some(b) = before {
        let e = d
            .matters
            .entry((b.year, b.unit_id, b.kind.as_str().into()))
            .or_default();
        e.0 -= 1;
        e.1 -= consulted;
    }
    let e = d
        .matters
        .entry((after.year, after.unit_id, after.kind.as_str().into()))
        .or_default();
    e.0 += 1;
    e.1 += consulted;
    d.apply(c).await
}

/// Something that decides whether a matter counts as consulted changed: a
/// consultation of it closed, published its answer, or received a response or
/// a group tally. The one rule (`voice_queries::consulted_matters`) is applied
/// again to this matter alone; when the answer differs from its mark, the mark
/// is set or cleared and `agg_matters` moves by one. Setting and clearing are
/// `INSERT … ON CONFLICT DO NOTHING` and `DELETE`, and only the statement that
/// changed a row moves the count, so two writers at once cannot count twice.
pub async fn matter_touched<C: ConnectionTrait>(c: &C, matter_id: i32) -> Result<()> {
    let Some(m) = matter::Entity::find_by_id(matter_id).one(c).await? else {
        return Ok(());
    };
    let now = crate::voice_queries::consulted_matters(c, &[matter_id])
        .await?
        .contains(&matter_id);
    let changed = if now {
        let mut q = Query::insert();
        q.into_table(Alias::new("matter_consulted"))
            .columns([Alias::new("matter_id")])
            .values_panic([Expr::val(matter_id)])
            .on_conflict(
                OnConflict::column(Alias::new("matter_id"))
                    .do_nothing()
                    .to_owned(),
            );
        c.execute(&q).await?.rows_affected() == 1
    } else {
        crate::entity::matter_consulted::Entity::delete_by_id(matter_id)
            .exec(c)
            .await?
            .rows_affected
            == 1
    };
    if !changed {
        return Ok(());
    }
    let mut d = Delta::default();
    d.matters.insert(
        (m.year, m.unit_id, m.kind.as_str().into()),
        (0, if now { 1 } else { -1 }),
    );
    d.apply(c).await
}

/// A consultation's state changed: its matter, if any, is looked at again
/// ([`matter_touched`]). Only a consultation that has closed and published its
/// answer can make its matter count (a status only moves forward, so none
/// stops counting): opening or closing one costs nothing here.
pub async fn consultation_touched<C: ConnectionTrait>(
    c: &C,
    k: &consultation::Model,
) -> Result<()> {
    match k.matter_id {
        Some(mid) if answered(k) => matter_touched(c, mid).await,
        _ => Ok(()),
    }
}

/// Whether a forum counts for its unit (`forums_held`): held at its unit's own level.
async fn at_own_level<C: ConnectionTrait>(c: &C, f: &forum::Model) -> Result<bool> {
    Ok(unit::Entity::find_by_id(f.unit_id)
        .one(c)
        .await?
        .is_some_and(|u| u.level == f.level.as_str()))
}

/// A forum was recorded (`before` is `None`) or changed (its unit, level or
/// year may change). Call after the write, inside its transaction.
pub async fn forum_changed<C: ConnectionTrait>(
    c: &C,
    before: Option<&forum::Model>,
    after: &forum::Model,
) -> Result<()> {
    let mut d = Delta::default();
    for (f, sign) in before.map(|b| (b, -1)).into_iter().chain([(after, 1)]) {
        if at_own_level(c, f).await? {
            d.models.entry((f.year, f.unit_id)).or_default()[0] += sign;
        }
    }
    d.apply(c).await
}

/// A council held a dialogue: it counts for the council's unit in its year.
pub async fn dialogue_added<C: ConnectionTrait>(
    c: &C,
    dialogue: &council_dialogue::Model,
) -> Result<()> {
    let Some(k) = council::Entity::find_by_id(dialogue.council_id)
        .one(c)
        .await?
    else {
        return Ok(());
    };
    let mut d = Delta::default();
    d.models.entry((dialogue.year, k.unit_id)).or_default()[1] += 1;
    d.apply(c).await
}

/// A club held an activity (already inserted, in this transaction): it counts
/// for the club's unit in its year, and the club becomes active that year if
/// this is its first activity of the year. On PostgreSQL the club's row is
/// locked first, so two first activities written at once count the club once
/// (SQLite writes one transaction at a time).
pub async fn club_activity_added<C: ConnectionTrait>(
    c: &C,
    a: &club_activity::Model,
) -> Result<()> {
    use sea_orm::PaginatorTrait;
    let mut q = club::Entity::find_by_id(a.club_id);
    if c.get_database_backend() == sea_orm::DbBackend::Postgres {
        q = q.lock_exclusive();
    }
    let Some(k) = q.one(c).await? else {
        return Ok(());
    };
    let of_year = club_activity::Entity::find()
        .filter(club_activity::Column::ClubId.eq(a.club_id))
        .filter(club_activity::Column::Year.eq(a.year))
        .count(c)
        .await?;
    let mut d = Delta::default();
    let e = d.models.entry((a.year, k.unit_id)).or_default();
    e[2] += 1;
    e[3] += i64::from(of_year == 1);
    d.apply(c).await
}

// ------------------------------------------------- children in the models

/// A council term or club membership as `children_in_models` counts it.
pub enum Member<'a> {
    Council(&'a council_member::Model),
    Club(&'a club_member::Model),
}

/// A council term or club membership was added or changed (its term ended,
/// by `end_member`, a consent withdrawal or the end of its unit): its row of
/// `agg_model_members` is written again from it, with its council's or club's
/// unit and its person's year of birth. Call after the write, inside its
/// transaction. One row per membership, keyed by it, so writers of different
/// memberships never touch the same row.
pub async fn member_changed<C: ConnectionTrait>(c: &C, m: Member<'_>) -> Result<()> {
    let (model, id, person_id, unit_id, from, to) = match m {
        Member::Council(m) => {
            let unit_id = council::Entity::find_by_id(m.council_id)
                .one(c)
                .await?
                .map(|k| k.unit_id);
            let (from, to) = (m.term_start, m.term_end);
            ("council", m.id, m.person_id, unit_id, from, to)
        }
        Member::Club(m) => {
            let unit_id = club::Entity::find_by_id(m.club_id)
                .one(c)
                .await?
                .map(|k| k.unit_id);
            ("club", m.id, m.person_id, unit_id, m.joined_on, m.left_on)
        }
    };
    let Some(unit_id) = unit_id else {
        return Ok(());
    };
    let birth_year = person::Entity::find_by_id(person_id)
        .one(c)
        .await?
        .and_then(|p| p.birth_date)
        .map(|d| d.year());
    use agg_model_member::Column as M;
    let row = agg_model_member::ActiveModel {
        model: sea_orm::ActiveValue::Set(model.to_string()),
        member_id: sea_orm::ActiveValue::Set(id),
        person_id: sea_orm::ActiveValue::Set(person_id),
        unit_id: sea_orm::ActiveValue::Set(unit_id),
        from_year: sea_orm::ActiveValue::Set(from.year()),
        to_year: sea_orm::ActiveValue::Set(to.map(|d| d.year())),
        birth_year: sea_orm::ActiveValue::Set(birth_year),
    };
    agg_model_member::Entity::insert(row)
        .on_conflict(
            OnConflict::columns([M::Model, M::MemberId])
                .update_columns([M::PersonId, M::UnitId, M::FromYear, M::ToYear, M::BirthYear])
                .to_owned(),
        )
        .exec_without_returning(c)
        .await?;
    Ok(())
}

/// A person's date of birth may have changed (a consent withdrawal keeps only
/// its year): every membership row of theirs takes the year of birth again.
/// Call after the write, inside its transaction.
pub async fn person_changed<C: ConnectionTrait>(c: &C, p: &person::Model) -> Result<()> {
    agg_model_member::Entity::update_many()
        .col_expr(
            agg_model_member::Column::BirthYear,
            Expr::val(p.birth_date.map(|d| d.year())),
        )
        .filter(agg_model_member::Column::PersonId.eq(p.id))
        .exec(c)
        .await?;
    Ok(())
}

/// Distinct persons on the rosters of the councils and clubs of the subtree
/// at `path` whose membership overlaps `year`, aged `lo..=hi` in the year
/// (the year less the year of birth; no year of birth, not counted): one
/// query over `agg_model_members`.
pub async fn children_in_models<C: ConnectionTrait>(
    c: &C,
    path: &str,
    year: i32,
    lo: u8,
    hi: u8,
) -> Result<u64> {
    use agg_model_member::Column as M;
    use sea_orm::sea_query::Condition;
    let n: Option<i64> = agg_model_member::Entity::find()
        .select_only()
        .column_as(Expr::col(M::PersonId).count_distinct(), "n")
        .filter(M::UnitId.in_subquery(subtree(path)))
        .filter(M::FromYear.lte(year))
        .filter(
            Condition::any()
                .add(M::ToYear.is_null())
                .add(M::ToYear.gte(year)),
        )
        .filter(M::BirthYear.between(year - i32::from(hi), year - i32::from(lo)))
        .into_tuple()
        .one(c)
        .await?;
    Ok(n.map_or(0, |n| u64::try_from(n).unwrap_or(0)))
}

// ---------------------------------------------------------------- reading

/// Children's answers by (single age or `unknown`, sex, ethnic group).
pub type ResponseCounts = BTreeMap<(String, String, String), i64>;

/// Activities by (project, kind) and their participants by (project, kind,
/// group) as (female, male).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ActivityCounts {
    pub activities: BTreeMap<(String, String), i64>,
    pub participants: BTreeMap<(String, String, String), (i64, i64)>,
}

/// Everything maintained here for one subtree and year, for comparisons.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Subtotals {
    pub responses: ResponseCounts,
    pub activities: ActivityCounts,
    pub money: Vec<MoneyCell>,
    pub matters: MatterCounts,
    pub models: ModelCounts,
}

/// Matters by kind: (registered, consulted).
pub type MatterCounts = BTreeMap<String, (i64, i64)>;

/// What one unit did with the three models in a year.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct UnitModels {
    /// Forums the unit held at its own level.
    pub forums: i64,
    /// Dialogues of the unit's council.
    pub dialogues: i64,
    /// Activities of the unit's clubs.
    pub club_activities: i64,
    /// The unit's clubs with at least one activity.
    pub active_clubs: i64,
}

impl UnitModels {
    fn is_empty(&self) -> bool {
        *self == UnitModels::default()
    }
}

/// [`UnitModels`] by unit id (units with nothing are left out).
pub type ModelCounts = BTreeMap<i32, UnitModels>;

fn subtree(path: &str) -> sea_orm::sea_query::SelectStatement {
    crate::units::subtree_ids(path, crate::units::During::Always)
}

/// Children's answers for the subtree at `path` in `year`, from the aggregates.
pub async fn responses<C: ConnectionTrait>(c: &C, path: &str, year: i32) -> Result<ResponseCounts> {
    let mut out = ResponseCounts::new();
    for r in agg_response::Entity::find()
        .filter(agg_response::Column::Year.eq(year))
        .filter(agg_response::Column::UnitId.in_subquery(subtree(path)))
        .filter(agg_response::Column::N.ne(0))
        .all(c)
        .await?
    {
        *out.entry((r.age, r.sex, r.ethnic)).or_default() += r.n;
    }
    Ok(out)
}

/// Activities and participants of the subtree at `path` starting in `year`,
/// from the aggregates.
pub async fn activities<C: ConnectionTrait>(
    c: &C,
    path: &str,
    year: i32,
) -> Result<ActivityCounts> {
    let mut out = ActivityCounts::default();
    for r in agg_activity::Entity::find()
        .filter(agg_activity::Column::Year.eq(year))
        .filter(agg_activity::Column::UnitId.in_subquery(subtree(path)))
        .filter(agg_activity::Column::N.ne(0))
        .all(c)
        .await?
    {
        *out.activities.entry((r.project, r.kind)).or_default() += r.n;
    }
    for r in agg_participant::Entity::find()
        .filter(agg_participant::Column::Year.eq(year))
        .filter(agg_participant::Column::UnitId.in_subquery(subtree(path)))
        .all(c)
        .await?
    {
        if r.female != 0 || r.male != 0 {
            let e = out
                .participants
                .entry((r.project, r.kind, r.grp))
                .or_default();
            e.0 += r.female;
            e.1 += r.male;
        }
    }
    Ok(out)
}

/// Matters of the subtree at `path` whose decision's year is `year`, by kind:
/// (registered, consulted), from the aggregates.
pub async fn matters<C: ConnectionTrait>(c: &C, path: &str, year: i32) -> Result<MatterCounts> {
    let mut out = MatterCounts::new();
    for r in agg_matter::Entity::find()
        .filter(agg_matter::Column::Year.eq(year))
        .filter(agg_matter::Column::UnitId.in_subquery(subtree(path)))
        .all(c)
        .await?
    {
        if r.total != 0 || r.consulted != 0 {
            let e = out.entry(r.kind).or_default();
            e.0 += r.total;
            e.1 += r.consulted;
        }
    }
    Ok(out)
}

/// What each unit of the subtree at `path` did with the three models in
/// `year`, from the aggregates.
pub async fn models<C: ConnectionTrait>(c: &C, path: &str, year: i32) -> Result<ModelCounts> {
    let mut out = ModelCounts::new();
    for r in agg_model::Entity::find()
        .filter(agg_model::Column::Year.eq(year))
        .filter(agg_model::Column::UnitId.in_subquery(subtree(path)))
        .all(c)
        .await?
    {
        let m = UnitModels {
            forums: r.forums,
            dialogues: r.dialogues,
            club_activities: r.club_activities,
            active_clubs: r.active_clubs,
        };
        if !m.is_empty() {
            out.insert(r.unit_id, m);
        }
    }
    Ok(out)
}

/// Budget and spending per (unit, year, source, project) of these units
/// (optionally one year), from the aggregates: one cell per key that has a
/// budget line or a spending, sorted by year, unit, project and source.
pub async fn money<C: ConnectionTrait>(
    c: &C,
    unit_ids: &[i32],
    year: Option<i32>,
) -> Result<Vec<MoneyCell>> {
    let mut v = vec![];
    for chunk in unit_ids.chunks(5_000) {
        let mut q = agg_money::Entity::find()
            .filter(agg_money::Column::UnitId.is_in(chunk.iter().copied()));
        if let Some(y) = year {
            q = q.filter(agg_money::Column::Year.eq(y));
        }
        for r in q.all(c).await? {
            if r.budget_lines != 0 || r.spendings != 0 {
                v.push(MoneyCell {
                    unit_id: r.unit_id,
                    year: r.year,
                    source: r.source,
                    project: r.project,
                    budget: r.budget,
                    spent: r.spent,
                });
            }
        }
    }
    sort_cells(&mut v);
    Ok(v)
}

fn sort_cells(v: &mut [MoneyCell]) {
    v.sort_by(|a, b| {
        (a.year, a.unit_id, &a.project, &a.source).cmp(&(b.year, b.unit_id, &b.project, &b.source))
    });
}

async fn subtree_ids<C: ConnectionTrait>(c: &C, path: &str) -> Result<Vec<i32>> {
    Ok(unit::Entity::find()
        .select_only()
        .column(unit::Column::Id)
        .filter(crate::units::in_subtree(path, crate::units::During::Always))
        .into_tuple()
        .all(c)
        .await?)
}

/// Everything maintained here for the subtree at `path` and `year`.
pub async fn subtotals<C: ConnectionTrait>(c: &C, path: &str, year: i32) -> Result<Subtotals> {
    let ids = subtree_ids(c, path).await?;
    Ok(Subtotals {
        responses: responses(c, path, year).await?,
        activities: activities(c, path, year).await?,
        money: money(c, &ids, Some(year)).await?,
        matters: matters(c, path, year).await?,
        models: models(c, path, year).await?,
    })
}

// ---------------------------------------------------------------- recomputing

/// [`subtotals`] computed from the raw records.
pub async fn recompute<C: ConnectionTrait>(c: &C, path: &str, year: i32) -> Result<Subtotals> {
    let ids = subtree_ids(c, path).await?;
    Ok(Subtotals {
        responses: recompute_responses(c, &ids, year).await?,
        activities: recompute_activities(c, &ids, year).await?,
        money: recompute_money(c, &ids, Some(year)).await?,
        matters: recompute_matters(c, &ids, year).await?,
        models: recompute_models(c, &ids, year).await?,
    })
}

/// [`matters`] straight from the matters and their consultations (the one
/// rule, `voice_queries::consulted_matters`).
pub async fn recompute_matters<C: ConnectionTrait>(
    c: &C,
    unit_ids: &[i32],
    year: i32,
) -> Result<MatterCounts> {
    let mut out = MatterCounts::new();
    for chunk in unit_ids.chunks(5_000) {
        let rows: Vec<(i32, String)> = matter::Entity::find()
            .select_only()
            .column(matter::Column::Id)
            .column(matter::Column::Kind)
            .filter(matter::Column::UnitId.is_in(chunk.iter().copied()))
            .filter(matter::Column::Year.eq(year))
            .into_tuple()
            .all(c)
            .await?;
        let ids: Vec<i32> = rows.iter().map(|r| r.0).collect();
        let consulted = crate::voice_queries::consulted_matters(c, &ids).await?;
        for (id, kind) in rows {
            let e = out.entry(kind).or_default();
            e.0 += 1;
            e.1 += i64::from(consulted.contains(&id));
        }
    }
    Ok(out)
}

/// [`models`] straight from the forums, council dialogues and club activities.
pub async fn recompute_models<C: ConnectionTrait>(
    c: &C,
    unit_ids: &[i32],
    year: i32,
) -> Result<ModelCounts> {
    let mut out = ModelCounts::new();
    for chunk in unit_ids.chunks(5_000) {
        let levels: HashMap<i32, String> = unit::Entity::find()
            .filter(unit::Column::Id.is_in(chunk.iter().copied()))
            .all(c)
            .await?
            .into_iter()
            .map(|u| (u.id, u.level))
            .collect();
        for f in forum::Entity::find()
            .filter(forum::Column::UnitId.is_in(chunk.iter().copied()))
            .filter(forum::Column::Year.eq(year))
            .all(c)
            .await?
        {
            if levels.get(&f.unit_id).map(String::as_str) == Some(f.level.as_str()) {
                out.entry(f.unit_id).or_default().forums += 1;
            }
        }
        let councils: HashMap<i32, i32> = council::Entity::find()
            .filter(council::Column::UnitId.is_in(chunk.iter().copied()))
            .all(c)
            .await?
            .into_iter()
            .map(|k| (k.id, k.unit_id))
            .collect();
        for d in council_dialogue::Entity::find()
            .filter(council_dialogue::Column::CouncilId.is_in(councils.keys().copied()))
            .filter(council_dialogue::Column::Year.eq(year))
            .all(c)
            .await?
        {
            if let Some(u) = councils.get(&d.council_id) {
                out.entry(*u).or_default().dialogues += 1;
            }
        }
        let clubs: HashMap<i32, i32> = club::Entity::find()
            .filter(club::Column::UnitId.is_in(chunk.iter().copied()))
            .all(c)
            .await?
            .into_iter()
            .map(|k| (k.id, k.unit_id))
            .collect();
        let mut active = std::collections::HashSet::new();
        for a in club_activity::Entity::find()
            .filter(club_activity::Column::ClubId.is_in(clubs.keys().copied()))
            .filter(club_activity::Column::Year.eq(year))
            .all(c)
            .await?
        {
            if let Some(u) = clubs.get(&a.club_id) {
                let e = out.entry(*u).or_default();
                e.club_activities += 1;
                if active.insert(a.club_id) {
                    e.active_clubs += 1;
                }
            }
        }
    }
    Ok(out)
}

/// Children's answers straight from the responses to consultations of these units
/// that arrived in `year`.
pub async fn recompute_responses<C: ConnectionTrait>(
    c: &C,
    unit_ids: &[i32],
    year: i32,
) -> Result<ResponseCounts> {
    let mut out = ResponseCounts::new();
    let (Some(from), Some(to)) = (
        Utc.with_ymd_and_hms(year, 1, 1, 0, 0, 0).single(),
        Utc.with_ymd_and_hms(year + 1, 1, 1, 0, 0, 0).single(),
    ) else {
        return Ok(out);
    };
    for chunk in unit_ids.chunks(5_000) {
        let ids: Vec<i32> = consultation::Entity::find()
            .select_only()
            .column(consultation::Column::Id)
            .filter(consultation::Column::UnitId.is_in(chunk.iter().copied()))
            .into_tuple()
            .all(c)
            .await?;
        for cids in ids.chunks(5_000) {
            type Row = (Option<i32>, Option<String>, Option<String>);
            let rows: Vec<Row> = response::Entity::find()
                .select_only()
                .column(response::Column::Age)
                .column(response::Column::Sex)
                .column(response::Column::Ethnic)
                .filter(response::Column::ConsultationId.is_in(cids.iter().copied()))
                .filter(response::Column::CreatedAt.gte(from))
                .filter(response::Column::CreatedAt.lt(to))
                .into_tuple()
                .all(c)
                .await?;
            for (age, sex, ethnic) in rows {
                *out.entry((
                    age_key(age),
                    sex.unwrap_or_else(|| UNKNOWN.into()),
                    ethnic.unwrap_or_else(|| UNKNOWN.into()),
                ))
                .or_default() += 1;
            }
        }
    }
    Ok(out)
}

/// Activities of these units starting in `year` and their participants,
/// straight from the records.
pub async fn recompute_activities<C: ConnectionTrait>(
    c: &C,
    unit_ids: &[i32],
    year: i32,
) -> Result<ActivityCounts> {
    let mut out = ActivityCounts::default();
    let (Some(first), Some(last)) = (
        NaiveDate::from_ymd_opt(year, 1, 1),
        NaiveDate::from_ymd_opt(year, 12, 31),
    ) else {
        return Ok(out);
    };
    let mut acts: HashMap<i32, activity::Model> = HashMap::new();
    for chunk in unit_ids.chunks(5_000) {
        for a in activity::Entity::find()
            .filter(activity::Column::UnitId.is_in(chunk.iter().copied()))
            .filter(activity::Column::StartsOn.gte(first))
            .filter(activity::Column::StartsOn.lte(last))
            .all(c)
            .await?
        {
            *out.activities
                .entry((a.project_code.clone(), a.kind.as_str().into()))
                .or_default() += 1;
            acts.insert(a.id, a);
        }
    }
    let ids: Vec<i32> = acts.keys().copied().collect();
    for chunk in ids.chunks(5_000) {
        for p in activity_participant::Entity::find()
            .filter(activity_participant::Column::ActivityId.is_in(chunk.iter().copied()))
            .all(c)
            .await?
        {
            let Some(a) = acts.get(&p.activity_id) else {
                continue;
            };
            let e = out
                .participants
                .entry((a.project_code.clone(), a.kind.as_str().into(), p.grp))
                .or_default();
            e.0 += i64::from(p.female);
            e.1 += i64::from(p.male);
        }
    }
    out.participants.retain(|_, (f, m)| *f != 0 || *m != 0);
    Ok(out)
}

/// Budget and spending per (unit, year, source, project) of these units
/// (optionally one year), straight from the budget lines and spending.
pub async fn recompute_money<C: ConnectionTrait>(
    c: &C,
    unit_ids: &[i32],
    year: Option<i32>,
) -> Result<Vec<MoneyCell>> {
    let mut cells: HashMap<(i32, i32, String, String), MoneyCell> = HashMap::new();
    for chunk in unit_ids.chunks(5_000) {
        let mut q = budget_line::Entity::find()
            .filter(budget_line::Column::UnitId.is_in(chunk.iter().copied()));
        if let Some(y) = year {
            q = q.filter(budget_line::Column::Year.eq(y));
        }
        for b in q.all(c).await? {
            cell(
                &mut cells,
                b.unit_id,
                b.year,
                &b.source_code,
                &b.project_code,
            )
            .budget += b.amount;
        }
        let acts: HashMap<i32, activity::Model> = activity::Entity::find()
            .filter(activity::Column::UnitId.is_in(chunk.iter().copied()))
            .all(c)
            .await?
            .into_iter()
            .map(|a| (a.id, a))
            .collect();
        let ids: Vec<i32> = acts.keys().copied().collect();
        for ids in ids.chunks(5_000) {
            for s in spending::Entity::find()
                .filter(spending::Column::ActivityId.is_in(ids.iter().copied()))
                .all(c)
                .await?
            {
                let y = s.spent_on.year();
                if year.is_some_and(|want| want != y) {
                    continue;
                }
                let Some(a) = acts.get(&s.activity_id) else {
                    continue;
                };
                cell(&mut cells, a.unit_id, y, &s.source_code, &a.project_code).spent += s.amount;
            }
        }
    }
    let mut v: Vec<MoneyCell> = cells.into_values().collect();
    sort_cells(&mut v);
    Ok(v)
}

fn cell<'a>(
    cells: &'a mut HashMap<(i32, i32, String, String), MoneyCell>,
    unit_id: i32,
    year: i32,
    source: &str,
    project: &str,
) -> &'a mut MoneyCell {
    cells
        .entry((unit_id, year, source.to_string(), project.to_string()))
        .or_insert_with(|| MoneyCell {
            unit_id,
            year,
            source: source.to_string(),
            project: project.to_string(),
            ..Default::default()
        })
}
