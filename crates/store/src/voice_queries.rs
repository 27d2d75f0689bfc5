//! Read-only helpers for the matters and consultations pages: counts grouped
//! in SQL, the plan setting for the answer's due date, which matters count as
//! consulted, and the audit entries a matter's timeline is built from.
//!
//! Nothing here writes; nothing here returns a child's answer.

use crate::Result;
use crate::entity::{audit, consultation, group_tally, matter, response, unit};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use std::collections::{BTreeSet, HashMap, HashSet};
use thamgia_domain::access::Scope;
use thamgia_domain::voice::counts_as_consulted;

/// Days within which the answer to the children is due, per decision year,
/// for matters of the unit (or scope) at `path`: the setting of its governing
/// plan (see [`crate::indicators::answer_due_days`]), looked up once per
/// distinct year.
pub async fn answer_due_days<C: ConnectionTrait>(
    c: &C,
    path: &str,
    years: impl IntoIterator<Item = i32>,
) -> Result<HashMap<i32, i64>> {
    let mut out = HashMap::new();
    for y in years {
        if let std::collections::hash_map::Entry::Vacant(e) = out.entry(y) {
            e.insert(crate::indicators::answer_due_days(c, path, y).await?);
        }
    }
    Ok(out)
}

/// The due days for one year out of [`answer_due_days`]'s map.
pub fn due_days_for(map: &HashMap<i32, i64>, year: i32) -> i64 {
    map.get(&year)
        .copied()
        .unwrap_or(crate::indicators::DEFAULT_ANSWER_DUE_DAYS)
}

/// Of these matters, those the children were asked about: with at least one
/// consultation (an answer can be owed only then — `voice::answer_overdue`).
pub async fn asked_matters<C: ConnectionTrait>(c: &C, matter_ids: &[i32]) -> Result<HashSet<i32>> {
    let mut out = HashSet::new();
    for chunk in matter_ids.chunks(5_000) {
        let rows: Vec<Option<i32>> = consultation::Entity::find()
            .select_only()
            .column(consultation::Column::MatterId)
            .filter(consultation::Column::MatterId.is_in(chunk.iter().copied()))
            .into_tuple()
            .all(c)
            .await?;
        out.extend(rows.into_iter().flatten());
    }
    Ok(out)
}

/// Of these matters, the ones that count as consulted — the one statement of
/// the rule for pages, the API and the indicators T1–T3: one of their
/// consultations received at least one response or group tally, closed, and
/// published its answer to the children (`counts_as_consulted`).
pub async fn consulted_matters<C: ConnectionTrait>(
    c: &C,
    matter_ids: &[i32],
) -> Result<HashSet<i32>> {
    type Row = (Option<i32>, Option<DateTime<Utc>>, Option<DateTime<Utc>>);
    let mut out = HashSet::new();
    // In chunks: SQLite refuses more than 32,766 parameters in one statement.
    for chunk in matter_ids.chunks(5_000) {
        let with_input: Vec<Row> = consultation::Entity::find()
            .select_only()
            .column(consultation::Column::MatterId)
            .column(consultation::Column::ClosedAt)
            .column(consultation::Column::AnswerPublishedAt)
            .filter(consultation::Column::MatterId.is_in(chunk.iter().copied()))
            .filter(
                // Correlated, so each consultation costs an index lookup, not
                // a pass over every response.
                sea_orm::Condition::any()
                    .add(Expr::exists(
                        Query::select()
                            .expr(Expr::val(1))
                            .from(response::Entity)
                            .and_where(
                                Expr::col((response::Entity, response::Column::ConsultationId))
                                    .equals((consultation::Entity, consultation::Column::Id)),
                            )
                            .to_owned(),
                    ))
                    .add(Expr::exists(
                        Query::select()
                            .expr(Expr::val(1))
                            .from(group_tally::Entity)
                            .and_where(
                                Expr::col((
                                    group_tally::Entity,
                                    group_tally::Column::ConsultationId,
                                ))
                                .equals((consultation::Entity, consultation::Column::Id)),
                            )
                            .to_owned(),
                    )),
            )
            .into_tuple()
            .all(c)
            .await?;
        out.extend(
            with_input
                .into_iter()
                .filter(|(_, closed, published)| {
                    counts_as_consulted(closed.is_some(), published.is_some())
                })
                .filter_map(|(m, _, _)| m),
        );
    }
    Ok(out)
}

/// Per consultation: how many responses came from each source.
pub async fn response_counts<C: ConnectionTrait>(
    c: &C,
    consultation_ids: &[i32],
) -> Result<HashMap<i32, HashMap<String, i64>>> {
    let mut out: HashMap<i32, HashMap<String, i64>> = HashMap::new();
    if consultation_ids.is_empty() {
        return Ok(out);
    }
    let rows: Vec<(i32, String, i64)> = response::Entity::find()
        .select_only()
        .column(response::Column::ConsultationId)
        .column(response::Column::Source)
        .column_as(response::Column::Id.count(), "n")
        .filter(response::Column::ConsultationId.is_in(consultation_ids.iter().copied()))
        .group_by(response::Column::ConsultationId)
        .group_by(response::Column::Source)
        .into_tuple()
        .all(c)
        .await?;
    for (k, source, n) in rows {
        out.entry(k).or_default().insert(source, n);
    }
    Ok(out)
}

/// Per consultation: the number of group tallies and the children they count.
pub async fn tally_counts<C: ConnectionTrait>(
    c: &C,
    consultation_ids: &[i32],
) -> Result<HashMap<i32, (i64, i64)>> {
    let mut out = HashMap::new();
    if consultation_ids.is_empty() {
        return Ok(out);
    }
    let rows: Vec<(i32, i32, i32)> = group_tally::Entity::find()
        .select_only()
        .column(group_tally::Column::ConsultationId)
        .column(group_tally::Column::Girls)
        .column(group_tally::Column::Boys)
        .filter(group_tally::Column::ConsultationId.is_in(consultation_ids.iter().copied()))
        .into_tuple()
        .all(c)
        .await?;
    for (k, girls, boys) in rows {
        let e: &mut (i64, i64) = out.entry(k).or_default();
        e.0 += 1;
        e.1 += i64::from(girls) + i64::from(boys);
    }
    Ok(out)
}

/// The years in which matters inside the scope count, newest first.
pub async fn matter_years<C: ConnectionTrait>(c: &C, scope: &Scope) -> Result<Vec<i32>> {
    let unit_ids: Vec<i32> = unit::Entity::find()
        .select_only()
        .column(unit::Column::Id)
        .filter(crate::units::in_subtree(
            &scope.path,
            crate::units::During::Always,
        ))
        .into_tuple()
        .all(c)
        .await?;
    let years: Vec<i32> = matter::Entity::find()
        .select_only()
        .column(matter::Column::Year)
        .filter(matter::Column::UnitId.is_in(unit_ids))
        .distinct()
        .into_tuple()
        .all(c)
        .await?;
    let set: BTreeSet<i32> = years.into_iter().collect();
    Ok(set.into_iter().rev().collect())
}

/// Audit entries about several records of one kind, oldest first.
pub async fn audit_of<C: ConnectionTrait>(
    c: &C,
    entity: &str,
    ids: &[String],
    limit: u64,
) -> Result<Vec<audit::Model>> {
    if ids.is_empty() {
        return Ok(vec![]);
    }
    Ok(audit::Entity::find()
        .filter(audit::Column::Entity.eq(entity))
        .filter(audit::Column::EntityId.is_in(ids.iter().cloned()))
        .order_by_asc(audit::Column::Id)
        .limit(limit)
        .all(c)
        .await?)
}

/// How many responses of one consultation came from one source.
pub async fn count_by_source<C: ConnectionTrait>(
    c: &C,
    consultation_id: i32,
    source: &str,
) -> Result<u64> {
    use sea_orm::PaginatorTrait;
    Ok(response::Entity::find()
        .filter(response::Column::ConsultationId.eq(consultation_id))
        .filter(response::Column::Source.eq(source))
        .count(c)
        .await?)
}

/// Usernames and display names of some accounts (facilitators shown beside
/// the consultations they run).
pub async fn user_names<C: ConnectionTrait>(
    c: &C,
    ids: &[i32],
) -> Result<HashMap<i32, (String, String)>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(i32, String, String)> = crate::entity::user::Entity::find()
        .select_only()
        .column(crate::entity::user::Column::Id)
        .column(crate::entity::user::Column::Username)
        .column(crate::entity::user::Column::DisplayName)
        .filter(crate::entity::user::Column::Id.is_in(ids.iter().copied()))
        .into_tuple()
        .all(c)
        .await?;
    Ok(rows.into_iter().map(|(id, u, d)| (id, (u, d))).collect())
}
