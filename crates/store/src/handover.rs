//! What a unit leaves behind when it ends (units through time, 1/7/2025).
//!
//! On its last day a district's children's council ends and its clubs close
//! (their members' terms with them; their history stays), and its offices
//! (agencies) end. Open items addressed to it are not dropped: every
//! recommendation still unanswered by one of its agencies, and every answer
//! still owed to the children of one of its consultations, is listed for the
//! coordinator to hand over to a unit or agency that is open today. Each
//! hand-over is one audited write.

use crate::audit::{self, Change};
use crate::entity::{agency, club, consultation, council};
use crate::entity::{recommendation, unit};
use crate::membership::{self, Model};
use crate::scoped::Keyed;
use crate::{Result, StoreError};
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, PrimaryKeyTrait,
    QueryFilter, TransactionSession, TransactionTrait, UpdateResult,
};
use serde::Serialize;
use thamgia_domain::access::{Actor, Scope};
use thamgia_domain::models::RecommendationStatus;
use thamgia_domain::voice::Status;

/// What [`end_with_units`] closed.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Ended {
    pub councils: usize,
    pub clubs: usize,
    pub memberships: usize,
    pub agencies: usize,
}

/// Whether an agency is open on `day` (open ends allowed).
pub fn agency_open_on(a: &agency::Model, day: NaiveDate) -> bool {
    thamgia_domain::units::open_on(a.valid_from, a.valid_to, day)
}

/// Ends, with every unit that has a last day, what lives and dies with it:
/// its council (`ended_on`), its clubs (`closed_on`), the terms of their
/// members still running after that day, and its agencies (`valid_to`).
/// Something that already ended earlier keeps its own day. Idempotent: a
/// second run changes nothing. Every change is audited.
pub async fn end_with_units<C: ConnectionTrait>(
    tx: &C,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Ended> {
    let mut n = Ended::default();
    let ended = unit::Entity::find()
        .filter(unit::Column::ValidTo.is_not_null())
        .all(tx)
        .await?;
    for u in ended {
        let Some(last) = u.valid_to else { continue };
        // One loop for each table whose rows end with their unit: each row
        // of the unit still open (`$ended` empty) ends on `$day`, audited as
        // `end`, and so do the running terms of its members (`$roster`).
        macro_rules! end_open {
            ($table:ident.$ended:ident = |$r:ident| $day:expr, $count:ident $(, $roster:expr)?) => {
                for $r in $table::Entity::find()
                    .filter($table::Column::UnitId.eq(u.id))
                    .filter($table::Column::$ended.is_null())
                    .all(tx)
                    .await?
                {
                    let mut am = $r.clone().into_active_model();
                    am.set($table::Column::$ended, Some($day).into());
                    let change = Change::new("end", stringify!($table), $r.id).before(&$r);
                    audit::save(tx, actor, now, change, am).await?;
                    n.$count += 1;
                    $(n.memberships += membership::end_running(tx, $roster, $r.id, last).await?;)?
                }
            };
        }
        end_open!(
            council.EndedOn = |k| last.max(k.established_on),
            councils,
            Model::Council
        );
        end_open!(
            club.ClosedOn = |k| last.max(k.founded_on),
            clubs,
            Model::Club
        );
        end_open!(agency.ValidTo = |a| last, agencies);
    }
    Ok(n)
}

/// A recommendation still waiting for an answer from an agency that has
/// ended, with that agency and its unit.
#[derive(Debug, Clone)]
pub struct OpenRecommendation {
    pub recommendation: recommendation::Model,
    pub agency: agency::Model,
    pub agency_unit: unit::Model,
}

/// A closed consultation whose answer to the children is still owed by a
/// unit that has ended.
#[derive(Debug, Clone)]
pub struct OpenAnswer {
    pub consultation: consultation::Model,
    /// The unit that owes the answer (the consultation's, or the one it was
    /// handed to before).
    pub owed_by: unit::Model,
}

/// The open items of ended units in a scope, on `today`.
#[derive(Debug, Clone, Default)]
pub struct OpenItems {
    pub recommendations: Vec<OpenRecommendation>,
    pub answers: Vec<OpenAnswer>,
}

/// Every open item of `scope` addressed to a unit or agency closed on
/// `today`: unanswered recommendations of ended agencies, and answers owed by
/// ended units, oldest first.
pub async fn open_items<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    today: NaiveDate,
) -> Result<OpenItems> {
    let units = crate::units::list(c, scope).await?;
    let closed = |u: &unit::Model| u.valid_to.is_some_and(|t| t < today);
    let mut out = OpenItems::default();
    let agencies = agency::Entity::find()
        .filter(agency::Column::UnitId.is_in(units.iter().map(|u| u.id)))
        .all(c)
        .await?;
    let ended_agencies: Vec<&agency::Model> = agencies
        .iter()
        .filter(|a| {
            !agency_open_on(a, today) || units.iter().any(|u| u.id == a.unit_id && closed(u))
        })
        .collect();
    if !ended_agencies.is_empty() {
        let recs = recommendation::Entity::find()
            .filter(recommendation::Column::AgencyId.is_in(ended_agencies.iter().map(|a| a.id)))
            .filter(recommendation::Column::Status.ne(RecommendationStatus::Answered))
            .all(c)
            .await?;
        for r in recs {
            let Some(a) = ended_agencies.iter().find(|a| a.id == r.agency_id) else {
                continue;
            };
            let Some(u) = units.iter().find(|u| u.id == a.unit_id) else {
                continue;
            };
            out.recommendations.push(OpenRecommendation {
                agency: (*a).clone(),
                agency_unit: u.clone(),
                recommendation: r,
            });
        }
    }
    let ended_ids: Vec<i32> = units.iter().filter(|u| closed(u)).map(|u| u.id).collect();
    if !ended_ids.is_empty() {
        let owed = consultation::Entity::find()
            .filter(consultation::Column::Status.eq(Status::Closed))
            .all(c)
            .await?;
        for k in owed {
            let by = k.answer_unit_id.unwrap_or(k.unit_id);
            if !ended_ids.contains(&by) {
                continue;
            }
            let Some(u) = units.iter().find(|u| u.id == by) else {
                continue;
            };
            out.answers.push(OpenAnswer {
                owed_by: u.clone(),
                consultation: k,
            });
        }
    }
    out.recommendations
        .sort_by_key(|r| (r.recommendation.deadline, r.recommendation.id));
    out.answers
        .sort_by_key(|a| (a.consultation.closes_on, a.consultation.id));
    Ok(out)
}

/// Hands an open recommendation of an ended agency to `to`, an agency open
/// on `today` inside the scope (by code). Refused with a field-named conflict when the
/// recommendation is answered or its agency is still open (`recommendation`),
/// or `to` is closed (`agency`). Audited as `hand_over`.
pub async fn hand_over_recommendation<C: TransactionTrait + ConnectionTrait>(
    c: &C,
    actor: &Actor,
    now: DateTime<Utc>,
    scope: &Scope,
    id: i32,
    to: &str,
) -> Result<recommendation::Model> {
    let today = now.date_naive();
    let tx = crate::begin_write(c).await?;
    let items = open_items(&tx, scope, today).await?;
    let Some(item) = items
        .recommendations
        .into_iter()
        .find(|r| r.recommendation.id == id)
    else {
        return match recommendation::Entity::find_by_id(id).one(&tx).await? {
            Some(_) => Err(StoreError::Conflict {
                field: "recommendation",
            }),
            None => Err(StoreError::NotFound),
        };
    };
    let (target, target_unit) = crate::agencies::get_in_scope(&tx, scope, to).await?;
    if !agency_open_on(&target, today) || !crate::units::is_valid_on(&target_unit, today) {
        return Err(StoreError::Conflict { field: "agency" });
    }
    let before = item.recommendation;
    // Compare and set: of two hand-overs racing on PostgreSQL (where the
    // transaction does not lock what it read), the one that finds the
    // recommendation no longer with the ended agency is refused.
    let moved = recommendation::Entity::update_many()
        .col_expr(recommendation::Column::AgencyId, Expr::value(target.id))
        .col_expr(recommendation::Column::UpdatedAt, Expr::value(now))
        .filter(recommendation::Column::Id.eq(before.id))
        .filter(recommendation::Column::AgencyId.eq(before.agency_id))
        .exec(&tx)
        .await?;
    handed_over::<recommendation::Entity, _>(tx, actor, now, "recommendation", before, moved).await
}

/// Hands the answer owed to the children of a closed consultation, whose
/// owing unit has ended, to `to`, the unit of that code open on `today` inside the scope
/// (else a conflict on `unit`):
/// its officers may then write and publish the answer. The consultation
/// keeps the unit it was made on. Audited as `hand_over`.
pub async fn hand_over_answer<C: TransactionTrait + ConnectionTrait>(
    c: &C,
    actor: &Actor,
    now: DateTime<Utc>,
    scope: &Scope,
    id: i32,
    to: &str,
) -> Result<consultation::Model> {
    let today = now.date_naive();
    let tx = crate::begin_write(c).await?;
    let items = open_items(&tx, scope, today).await?;
    let Some(item) = items.answers.into_iter().find(|a| a.consultation.id == id) else {
        return match consultation::Entity::find_by_id(id).one(&tx).await? {
            Some(_) => Err(StoreError::Conflict {
                field: "consultation",
            }),
            None => Err(StoreError::NotFound),
        };
    };
    // A code names a unit only with a date: the unit open today.
    let Some(target) = crate::units::by_code_on(&tx, to, today)
        .await?
        .filter(|u| scope.contains(&u.path))
    else {
        return Err(StoreError::Conflict { field: "unit" });
    };
    let before = item.consultation;
    // Compare and set, as for recommendations: a second hand-over racing the
    // first finds the answer already moved and is refused.
    let still = match before.answer_unit_id {
        Some(u) => consultation::Column::AnswerUnitId.eq(u),
        None => consultation::Column::AnswerUnitId.is_null(),
    };
    let moved = consultation::Entity::update_many()
        .col_expr(consultation::Column::AnswerUnitId, Expr::value(target.id))
        .filter(consultation::Column::Id.eq(before.id))
        .filter(still)
        .exec(&tx)
        .await?;
    handed_over::<consultation::Entity, _>(tx, actor, now, "consultation", before, moved).await
}

/// The end of a hand-over: the compare-and-set `moved` must have moved the
/// one row `before` of the `kind` of record (else a conflict on `kind`); the
/// row as moved is read back, audited as `hand_over`, and the transaction
/// committed.
async fn handed_over<E, T>(
    tx: T,
    actor: &Actor,
    now: DateTime<Utc>,
    kind: &'static str,
    before: E::Model,
    moved: UpdateResult,
) -> Result<E::Model>
where
    E: Keyed,
    E::Model: Serialize,
    T: ConnectionTrait + TransactionSession,
    i32: Into<<E::PrimaryKey as PrimaryKeyTrait>::ValueType>,
{
    if moved.rows_affected != 1 {
        return Err(StoreError::Conflict { field: kind });
    }
    let after = crate::scoped::found::<E, _>(&tx, E::key(&before)).await?;
    let change = Change::new("hand_over", kind, E::key(&after));
    audit::commit(tx, actor, now, change.before(&before).after(&after)).await?;
    Ok(after)
}
