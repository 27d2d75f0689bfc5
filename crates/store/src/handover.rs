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
use crate::{Result, StoreError};
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel,
    QueryFilter, TransactionSession, TransactionTrait,
};
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
        for k in council::Entity::find()
            .filter(council::Column::UnitId.eq(u.id))
            .filter(council::Column::EndedOn.is_null())
            .all(tx)
            .await?
        {
            let mut am = k.clone().into_active_model();
            am.ended_on = Set(Some(last.max(k.established_on)));
            let after = am.update(tx).await?;
            let change = Change::new("end", "council", after.id)
                .before(&k)
                .after(&after);
            audit::record(tx, actor, now, change).await?;
            n.councils += 1;
            n.memberships += membership::end_running(tx, Model::Council, k.id, last).await?;
        }
        for k in club::Entity::find()
            .filter(club::Column::UnitId.eq(u.id))
            .filter(club::Column::ClosedOn.is_null())
            .all(tx)
            .await?
        {
            let mut am = k.clone().into_active_model();
            am.closed_on = Set(Some(last.max(k.founded_on)));
            let after = am.update(tx).await?;
            let change = Change::new("end", "club", after.id)
                .before(&k)
                .after(&after);
            audit::record(tx, actor, now, change).await?;
            n.clubs += 1;
            n.memberships += membership::end_running(tx, Model::Club, k.id, last).await?;
        }
        for a in agency::Entity::find()
            .filter(agency::Column::UnitId.eq(u.id))
            .filter(agency::Column::ValidTo.is_null())
            .all(tx)
            .await?
        {
            let mut am = a.clone().into_active_model();
            am.valid_to = Set(Some(last));
            let after = am.update(tx).await?;
            let change = Change::new("end", "agency", after.id)
                .before(&a)
                .after(&after);
            audit::record(tx, actor, now, change).await?;
            n.agencies += 1;
        }
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
    if moved.rows_affected != 1 {
        return Err(StoreError::Conflict {
            field: "recommendation",
        });
    }
    let after = crate::scoped::found::<recommendation::Entity, _>(&tx, before.id).await?;
    let change = Change::new("hand_over", "recommendation", after.id)
        .before(&before)
        .after(&after);
    audit::record(&tx, actor, now, change).await?;
    tx.commit().await?;
    Ok(after)
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
    if moved.rows_affected != 1 {
        return Err(StoreError::Conflict {
            field: "consultation",
        });
    }
    let after = crate::scoped::found::<consultation::Entity, _>(&tx, before.id).await?;
    let change = Change::new("hand_over", "consultation", after.id)
        .before(&before)
        .after(&after);
    audit::record(&tx, actor, now, change).await?;
    tx.commit().await?;
    Ok(after)
}
