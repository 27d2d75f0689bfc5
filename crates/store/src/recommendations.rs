//! Recommendations (kiến nghị) children make at forums, council dialogues and
//! clubs, each addressed to an agency and tracked to an answer:
//! received → assigned → in progress → answered (accepted, partly accepted, or
//! not accepted with a reason), with the feedback given back to the children.
//!
//! Who sees one: everybody whose scope holds the recommendation's unit, and
//! the officers of the agency it is addressed to wherever its unit lies (a
//! province forum may ask a district office; that office must be able to
//! answer). [`Reach`] carries both.
//!
//! The texts are written by the adults who record them; they never carry a
//! child's name.

use crate::audit::{self, Change};
use crate::entity::{agency, club, council, council_dialogue, forum, recommendation, unit};
use crate::{Result, StoreError};
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait,
    IntoActiveModel, QueryFilter, QueryOrder, QueryTrait, TransactionSession, TransactionTrait,
};
use std::collections::{BTreeMap, HashMap};
use thamgia_domain::access::{Actor, Principal, Role, Scope};
use thamgia_domain::models::{Outcome, RecommendationSource, RecommendationStatus};

/// A new recommendation from any source. The caller has checked the text,
/// the topic, the agency (visible to the person recording it) and the deadline.
#[derive(Debug, Clone)]
pub struct NewRecommendation {
    pub source: RecommendationSource,
    /// Id of the forum, council dialogue or club.
    pub source_id: i32,
    /// The unit the recommendation belongs to (the source's unit).
    pub unit_id: i32,
    pub year: i32,
    pub text: String,
    pub topic: String,
    /// The agency addressed.
    pub agency_id: i32,
    pub deadline: NaiveDate,
}

/// Records a recommendation as `received`.
pub async fn create<C: TransactionTrait + ConnectionTrait>(
    c: &C,
    actor: &Actor,
    now: DateTime<Utc>,
    n: NewRecommendation,
) -> Result<recommendation::Model> {
    let tx = crate::begin_write(c).await?;
    crate::reports::ensure_open(&tx, n.unit_id, n.year).await?;
    let row = recommendation::ActiveModel {
        source: Set(n.source),
        source_id: Set(n.source_id),
        unit_id: Set(n.unit_id),
        year: Set(n.year),
        text: Set(n.text),
        topic: Set(n.topic),
        agency_id: Set(n.agency_id),
        deadline: Set(n.deadline),
        status: Set(RecommendationStatus::Received),
        outcome: Set(None),
        answer: Set(None),
        reason: Set(None),
        feedback: Set(None),
        answered_on: Set(None),
        answered_by: Set(None),
        ..Default::default()
    };
    let row = audit::insert(&tx, actor, now, "recommendation", row).await?;
    tx.commit().await?;
    Ok(row)
}

/// The recommendations of one forum, council dialogue or club, oldest first.
pub async fn for_source<C: ConnectionTrait>(
    c: &C,
    source: RecommendationSource,
    source_id: i32,
) -> Result<Vec<recommendation::Model>> {
    Ok(recommendation::Entity::find()
        .filter(recommendation::Column::Source.eq(source))
        .filter(recommendation::Column::SourceId.eq(source_id))
        .order_by_asc(recommendation::Column::Id)
        .all(c)
        .await?)
}

/// Who is looking: a unit subtree and, for an agency officer, their agency
/// (whose recommendations they see and answer wherever they come from).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reach {
    pub scope: Scope,
    pub agency_id: Option<i32>,
}

impl Reach {
    pub fn of(p: &Principal) -> Reach {
        Reach {
            scope: p.scope(),
            agency_id: if p.role == Role::AgencyOfficer {
                p.agency_id
            } else {
                None
            },
        }
    }

    /// The whole tree (the command line, the public page).
    pub fn everything() -> Reach {
        Reach {
            scope: Scope::everything(),
            agency_id: None,
        }
    }

    pub fn sees(&self, r: &recommendation::Model, unit_path: &str) -> bool {
        self.scope.contains(unit_path) || self.agency_id == Some(r.agency_id)
    }
}

/// One recommendation with its unit and agency, if the reach holds it.
pub async fn get_in_reach<C: ConnectionTrait>(
    c: &C,
    reach: &Reach,
    id: i32,
) -> Result<(recommendation::Model, unit::Model, agency::Model)> {
    let r = crate::scoped::found::<recommendation::Entity, _>(c, id).await?;
    let u = crate::scoped::found::<unit::Entity, _>(c, r.unit_id).await?;
    if !reach.sees(&r, &u.path) {
        return Err(StoreError::NotFound);
    }
    let a = crate::scoped::found::<agency::Entity, _>(c, r.agency_id).await?;
    Ok((r, u, a))
}

/// Whether a recommendation is still waiting for its answer after its deadline.
pub fn is_overdue(r: &recommendation::Model, today: NaiveDate) -> bool {
    r.status != RecommendationStatus::Answered && r.deadline < today
}

#[derive(Debug, Clone, Default)]
pub struct RecommendationFilter {
    /// Only this subtree (already checked against the caller's scope).
    pub unit_path: Option<String>,
    pub status: Option<RecommendationStatus>,
    pub agency_id: Option<i32>,
    pub year: Option<i32>,
    pub source: Option<RecommendationSource>,
    /// Only those whose deadline passed before this day without an answer.
    pub overdue_on: Option<NaiveDate>,
}

/// Recommendations in reach matching the filter, newest year first, with unit and agency.
pub async fn list<C: ConnectionTrait>(
    c: &C,
    reach: &Reach,
    f: &RecommendationFilter,
) -> Result<Vec<(recommendation::Model, unit::Model, agency::Model)>> {
    let in_scope = crate::units::subtree_ids(&reach.scope.path, crate::units::During::Always);
    let mut visible = Condition::any().add(recommendation::Column::UnitId.in_subquery(in_scope));
    if let Some(a) = reach.agency_id {
        visible = visible.add(recommendation::Column::AgencyId.eq(a));
    }
    use recommendation::Column as R;
    let under = |p: &String| crate::units::subtree_ids(p, crate::units::During::Always);
    let rows = recommendation::Entity::find()
        .filter(visible)
        .apply_if(f.unit_path.as_ref(), |q, p| {
            q.filter(R::UnitId.in_subquery(under(p)))
        })
        .apply_if(f.status, |q, s| q.filter(R::Status.eq(s)))
        .apply_if(f.agency_id, |q, a| q.filter(R::AgencyId.eq(a)))
        .apply_if(f.year, |q, y| q.filter(R::Year.eq(y)))
        .apply_if(f.source, |q, s| q.filter(R::Source.eq(s)))
        .apply_if(f.overdue_on, |q, d| {
            q.filter(R::Status.ne(RecommendationStatus::Answered))
                .filter(R::Deadline.lt(d))
        })
        .order_by_desc(recommendation::Column::Year)
        .order_by_asc(recommendation::Column::Deadline)
        .order_by_asc(recommendation::Column::Id)
        .all(c)
        .await?;
    with_unit_and_agency(c, rows).await
}

async fn with_unit_and_agency<C: ConnectionTrait>(
    c: &C,
    rows: Vec<recommendation::Model>,
) -> Result<Vec<(recommendation::Model, unit::Model, agency::Model)>> {
    let units = crate::scoped::by_ids::<unit::Entity, _>(c, rows.iter().map(|r| r.unit_id)).await?;
    crate::scoped::with_unit_and_agency(c, rows, &units, |r| (r.unit_id, r.agency_id)).await
}

/// Every recommendation of a unit's subtree (the whole tree when `None`), for
/// the public page: no scope, since the public sees all of them.
pub async fn public_list<C: ConnectionTrait>(
    c: &C,
    unit_path: Option<&str>,
    year: Option<i32>,
) -> Result<Vec<(recommendation::Model, unit::Model, agency::Model)>> {
    list(
        c,
        &Reach::everything(),
        &RecommendationFilter {
            unit_path: unit_path.map(str::to_string),
            year,
            ..Default::default()
        },
    )
    .await
}

/// Years that have recommendations (newest first), for filters.
pub async fn years<C: ConnectionTrait>(c: &C) -> Result<Vec<i32>> {
    use sea_orm::QuerySelect;
    let mut ys: Vec<i32> = recommendation::Entity::find()
        .select_only()
        .column(recommendation::Column::Year)
        .distinct()
        .into_tuple()
        .all(c)
        .await?;
    ys.sort_unstable_by(|a, b| b.cmp(a));
    Ok(ys)
}

async fn load_for_change<C: ConnectionTrait>(c: &C, id: i32) -> Result<recommendation::Model> {
    crate::scoped::found::<recommendation::Entity, _>(c, id).await
}

/// Saves a change of the recommendation `before` (its `updated_at` set to
/// `now`), with its trail entry under `action`, and commits.
async fn save<T: ConnectionTrait + TransactionSession>(
    tx: T,
    actor: &Actor,
    now: DateTime<Utc>,
    action: &str,
    before: &recommendation::Model,
    mut am: recommendation::ActiveModel,
) -> Result<recommendation::Model> {
    am.updated_at = Set(now);
    let after = am.update(&tx).await?;
    let change = Change::new(action, "recommendation", after.id)
        .before(before)
        .after(&after);
    audit::commit(tx, actor, now, change).await?;
    Ok(after)
}

/// Moves a recommendation along (assigned, in progress). Answering goes
/// through [`answer`]. A move the lifecycle forbids is `Conflict { "status" }`.
pub async fn set_status<C: TransactionTrait + ConnectionTrait>(
    c: &C,
    actor: &Actor,
    now: DateTime<Utc>,
    id: i32,
    to: RecommendationStatus,
) -> Result<recommendation::Model> {
    let tx = crate::begin_write(c).await?;
    let before = load_for_change(&tx, id).await?;
    crate::reports::ensure_open(&tx, before.unit_id, before.year).await?;
    let from = before.status;
    if to == RecommendationStatus::Answered || !from.can_move_to(to) {
        return Err(StoreError::Conflict { field: "status" });
    }
    let mut am = before.clone().into_active_model();
    am.status = Set(to);
    save(tx, actor, now, "status", &before, am).await
}

/// The agency's answer, checked by the caller with
/// `thamgia_domain::models::check_answer`.
#[derive(Debug, Clone)]
pub struct Answer {
    pub outcome: Outcome,
    pub answer: String,
    /// Why it was not (fully) accepted.
    pub reason: Option<String>,
    /// How the answer was given back to the children.
    pub feedback: Option<String>,
    pub answered_on: NaiveDate,
}

/// Records the answer; the recommendation becomes `answered` for good.
pub async fn answer<C: TransactionTrait + ConnectionTrait>(
    c: &C,
    actor: &Actor,
    now: DateTime<Utc>,
    id: i32,
    a: Answer,
) -> Result<recommendation::Model> {
    let tx = crate::begin_write(c).await?;
    let before = load_for_change(&tx, id).await?;
    crate::reports::ensure_open(&tx, before.unit_id, before.year).await?;
    let from = before.status;
    if !from.can_move_to(RecommendationStatus::Answered) {
        return Err(StoreError::Conflict { field: "status" });
    }
    let mut am = before.clone().into_active_model();
    am.status = Set(RecommendationStatus::Answered);
    am.outcome = Set(Some(a.outcome));
    am.answer = Set(Some(a.answer));
    am.reason = Set(a.reason);
    am.feedback = Set(a.feedback);
    am.answered_on = Set(Some(a.answered_on));
    am.answered_by = Set(actor.user_id);
    save(tx, actor, now, "answer", &before, am).await
}

/// Records (or corrects) how an answered recommendation's answer was given
/// back to the children. Before the answer it is `Conflict { "status" }`.
pub async fn set_feedback<C: TransactionTrait + ConnectionTrait>(
    c: &C,
    actor: &Actor,
    now: DateTime<Utc>,
    id: i32,
    feedback: String,
) -> Result<recommendation::Model> {
    let tx = crate::begin_write(c).await?;
    let before = load_for_change(&tx, id).await?;
    if before.status != RecommendationStatus::Answered {
        return Err(StoreError::Conflict { field: "status" });
    }
    let mut am = before.clone().into_active_model();
    am.feedback = Set(Some(feedback));
    save(tx, actor, now, "feedback", &before, am).await
}

/// Days from receiving a recommendation to its answer. It was received on the
/// day it was recorded, or on its source's day (the forum, the dialogue) when
/// that is earlier: records are often typed in after the event.
pub fn answer_days(r: &recommendation::Model, source_date: Option<NaiveDate>) -> Option<i64> {
    let on = r.answered_on?;
    let recorded = r.created_at.date_naive();
    let received = source_date.map_or(recorded, |d| d.min(recorded));
    Some((on - received).num_days().max(0))
}

/// The median of a list of day counts (the mean of the middle two when even).
pub fn median(days: &mut [i64]) -> Option<f64> {
    if days.is_empty() {
        return None;
    }
    days.sort_unstable();
    let n = days.len();
    Some(if n % 2 == 1 {
        days[n / 2] as f64
    } else {
        (days[n / 2 - 1] + days[n / 2]) as f64 / 2.0
    })
}

/// How one agency answers the recommendations addressed to it.
#[derive(Debug, Clone)]
pub struct AgencyStats {
    pub agency: agency::Model,
    pub total: u64,
    pub answered: u64,
    /// Waiting for their answer past the deadline.
    pub overdue: u64,
    /// answered / total × 100, one decimal.
    pub answer_rate: Option<f64>,
    /// Median days from receiving to answering, over the answered ones.
    pub median_days: Option<f64>,
}

/// Answer rate and median answer time per agency, over the recommendations in
/// reach (of one year when given); agencies with most recommendations first.
pub async fn agency_stats<C: ConnectionTrait>(
    c: &C,
    reach: &Reach,
    year: Option<i32>,
    today: NaiveDate,
) -> Result<Vec<AgencyStats>> {
    let rows = list(
        c,
        reach,
        &RecommendationFilter {
            year,
            ..Default::default()
        },
    )
    .await?;
    let recs: Vec<recommendation::Model> = rows.iter().map(|(r, _, _)| r.clone()).collect();
    let sources = sources(c, &recs).await?;
    let mut by: BTreeMap<i32, (agency::Model, Vec<recommendation::Model>)> = BTreeMap::new();
    for (r, _, a) in rows {
        by.entry(a.id).or_insert_with(|| (a, vec![])).1.push(r);
    }
    let mut out: Vec<AgencyStats> = by
        .into_values()
        .map(|(agency, recs)| {
            let total = recs.len() as u64;
            let answered: Vec<&recommendation::Model> = recs
                .iter()
                .filter(|r| r.status == RecommendationStatus::Answered)
                .collect();
            let mut days: Vec<i64> = answered
                .iter()
                .filter_map(|r| {
                    let src = sources.get(&(r.source, r.source_id));
                    answer_days(r, src.and_then(|i| i.date))
                })
                .collect();
            AgencyStats {
                total,
                answered: answered.len() as u64,
                overdue: recs.iter().filter(|r| is_overdue(r, today)).count() as u64,
                answer_rate: (total > 0)
                    .then(|| (answered.len() as f64 * 1000.0 / total as f64).round() / 10.0),
                median_days: median(&mut days),
                agency,
            }
        })
        .collect();
    out.sort_by(|a, b| {
        b.total
            .cmp(&a.total)
            .then_with(|| a.agency.code.cmp(&b.agency.code))
    });
    Ok(out)
}

/// Where a recommendation came from, as shown beside it.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceInfo {
    pub source: RecommendationSource,
    pub id: i32,
    /// The forum's theme, the council's name or the club's name.
    pub title: String,
    /// The forum's level (forums only).
    pub level: Option<String>,
    /// The forum's first day, the dialogue's day; for a club, the day the
    /// recommendation was recorded.
    pub date: Option<NaiveDate>,
    /// The unit of the forum, council or club.
    pub unit_id: Option<i32>,
}

/// The sources of a set of recommendations, keyed by (source, id).
pub async fn sources<C: ConnectionTrait>(
    c: &C,
    recs: &[recommendation::Model],
) -> Result<HashMap<(RecommendationSource, i32), SourceInfo>> {
    let ids = |s: RecommendationSource| -> Vec<i32> {
        recs.iter()
            .filter(|r| r.source == s)
            .map(|r| r.source_id)
            .collect()
    };
    let mut out = HashMap::new();
    let forums = forum::Entity::find()
        .filter(forum::Column::Id.is_in(ids(RecommendationSource::Forum)))
        .all(c)
        .await?;
    for f in forums {
        out.insert(
            (RecommendationSource::Forum, f.id),
            SourceInfo {
                source: RecommendationSource::Forum,
                id: f.id,
                title: f.theme,
                level: Some(f.level.as_str().into()),
                date: Some(f.starts_on),
                unit_id: Some(f.unit_id),
            },
        );
    }
    let dialogues = council_dialogue::Entity::find()
        .filter(council_dialogue::Column::Id.is_in(ids(RecommendationSource::CouncilDialogue)))
        .all(c)
        .await?;
    let councils =
        crate::scoped::by_ids::<council::Entity, _>(c, dialogues.iter().map(|d| d.council_id))
            .await?;
    for d in dialogues {
        let k = councils.get(&d.council_id);
        out.insert(
            (RecommendationSource::CouncilDialogue, d.id),
            SourceInfo {
                source: RecommendationSource::CouncilDialogue,
                id: d.id,
                title: k.map(|k| k.name.clone()).unwrap_or_default(),
                level: None,
                date: Some(d.held_on),
                unit_id: k.map(|k| k.unit_id),
            },
        );
    }
    let clubs = club::Entity::find()
        .filter(club::Column::Id.is_in(ids(RecommendationSource::Club)))
        .all(c)
        .await?;
    for k in clubs {
        let first = recs
            .iter()
            .filter(|r| r.source == RecommendationSource::Club && r.source_id == k.id)
            .map(|r| r.created_at.date_naive())
            .min();
        out.insert(
            (RecommendationSource::Club, k.id),
            SourceInfo {
                source: RecommendationSource::Club,
                id: k.id,
                title: k.name,
                level: None,
                date: first,
                unit_id: Some(k.unit_id),
            },
        );
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians_of_odd_and_even_lists() {
        assert_eq!(median(&mut []), None);
        assert_eq!(median(&mut [5]), Some(5.0));
        assert_eq!(median(&mut [30, 10, 20]), Some(20.0));
        assert_eq!(median(&mut [40, 10, 20, 30]), Some(25.0));
    }
}
