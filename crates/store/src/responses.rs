//! Children's responses: online, typed in from paper, or tallied for a group;
//! moderation of free text; safeguarding alerts.
//!
//! A submission carries a client-made `submission_id`: the same id with the
//! same content is stored once and acknowledged again; the same id with other
//! content is a conflict. The unique index makes this hold under concurrency.

use crate::audit::{self, Change};
use crate::consultations::Touches;
use crate::entity::{
    answer, consultation, group_tally, group_tally_count, late_sync, late_tally_sync, response,
    safeguarding_alert, unit,
};
use crate::{Result, StoreError};
use chrono::{DateTime, Datelike, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel,
    PaginatorTrait, QueryFilter, QueryOrder, SqlErr, TransactionSession, TransactionTrait,
};
use thamgia_domain::access::{Actor, Scope};
use thamgia_domain::voice::{Moderation, Profile, Source, Status, ValidAnswer, mask_contacts};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Submitted {
    Created(i32),
    /// The same submission was already stored: nothing new.
    Duplicate(i32),
}

pub struct Submission {
    pub consultation_id: i32,
    pub submission_id: String,
    /// A digest of the submission's content.
    pub content_hash: String,
    pub source: Source,
    pub profile: Profile,
    pub profile_unit_id: Option<i32>,
    pub answers: Vec<(i32, ValidAnswer)>,
    pub entered_by: Option<i32>,
}

async fn existing<C: ConnectionTrait>(
    c: &C,
    consultation_id: i32,
    submission_id: &str,
    hash: &str,
) -> Result<Option<Submitted>> {
    match response::Entity::find()
        .filter(response::Column::ConsultationId.eq(consultation_id))
        .filter(response::Column::SubmissionId.eq(submission_id))
        .one(c)
        .await?
    {
        Some(r) if r.content_hash == hash => Ok(Some(Submitted::Duplicate(r.id))),
        Some(_) => Err(StoreError::Conflict {
            field: "submission_id",
        }),
        None => Ok(None),
    }
}

/// Refuses (`year_locked`) input to consultation `k` arriving at `now` when it
/// would move an approved year's figures: children counted (C1) in the year
/// input arrives, the consultation's own year, and — once its answer is out,
/// when input can make its matter count — the matter's year.
async fn ensure_input_open<C: ConnectionTrait>(
    c: &C,
    k: &consultation::Model,
    now: DateTime<Utc>,
) -> Result<()> {
    crate::reports::ensure_open(c, k.unit_id, now.year()).await?;
    let touches = if k.status == Status::Answered {
        Touches::Matter
    } else {
        Touches::Itself
    };
    crate::consultations::ensure_open(c, k, touches).await
}

/// Stores a validated submission, once. Not audited per response: responses
/// are anonymous and numerous; the consultation's own changes are audited.
pub async fn submit<C: TransactionTrait + ConnectionTrait>(
    c: &C,
    now: DateTime<Utc>,
    s: Submission,
) -> Result<Submitted> {
    submit_marked(c, now, s, None).await
}

/// A response that reached the server after its consultation closed, made
/// while it was open (see `web::api::facilitator`): kept in `late_syncs`.
#[derive(Debug, Clone, Copy)]
pub struct LateSync {
    pub device_id: Option<i32>,
    /// When it was made, on the server's clock (the device's time corrected).
    pub made_at: DateTime<Utc>,
}

/// Marks what was just stored (a response, a tally: `$id`, the table's
/// `$link`) as synced late in the `$table` of late syncs, when `$late` says
/// it was made offline.
macro_rules! mark_late {
    ($tx:expr, $table:ident.$link:ident = $id:expr, $late:expr, $now:expr) => {
        if let Some(l) = $late {
            $table::ActiveModel {
                $link: Set($id),
                device_id: Set(l.device_id),
                made_at: Set(l.made_at),
                synced_at: Set($now),
                ..Default::default()
            }
            .insert($tx)
            .await?;
        }
    };
}

/// The consultation, once checked to still take input at `now` (`None`
/// when there is no such consultation).
async fn open_for_input<C: ConnectionTrait>(
    tx: &C,
    consultation_id: i32,
    now: DateTime<Utc>,
) -> Result<Option<consultation::Model>> {
    let k = consultation::Entity::find_by_id(consultation_id)
        .one(tx)
        .await?;
    if let Some(k) = &k {
        ensure_input_open(tx, k, now).await?;
    }
    Ok(k)
}

/// As [`submit`]; a `late` submission is marked late-synced in the same
/// transaction (and counted like every other response).
pub async fn submit_marked<C: TransactionTrait + ConnectionTrait>(
    c: &C,
    now: DateTime<Utc>,
    s: Submission,
    late: Option<LateSync>,
) -> Result<Submitted> {
    if let Some(done) = existing(c, s.consultation_id, &s.submission_id, &s.content_hash).await? {
        return Ok(done);
    }
    let tx = crate::begin_write(c).await?;
    let inserted = response::ActiveModel {
        consultation_id: Set(s.consultation_id),
        submission_id: Set(s.submission_id.clone()),
        content_hash: Set(s.content_hash.clone()),
        source: Set(s.source.as_str().into()),
        age: Set(s.profile.age.map(|a| i32::from(a.get()))),
        sex: Set(s.profile.sex.map(|x| x.as_str().to_string())),
        ethnic: Set(s.profile.ethnic.clone()),
        disability: Set(s.profile.disability),
        unit_id: Set(s.profile_unit_id),
        entered_by: Set(s.entered_by),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&tx)
    .await;
    let r = match inserted {
        Ok(r) => r,
        Err(e) if matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
            // Another request stored the same id first.
            drop(tx);
            return existing(c, s.consultation_id, &s.submission_id, &s.content_hash)
                .await?
                .ok_or(StoreError::Conflict {
                    field: "submission_id",
                });
        }
        Err(e) => return Err(e.into()),
    };
    // Checked after the insert: on SQLite a transaction that reads before
    // its first write can be refused when another writer went first (the
    // concurrent resends of one submission), and a refusal rolls it back.
    open_for_input(&tx, s.consultation_id, now).await?;
    crate::aggregates::response_added(&tx, &r).await?;
    mark_late!(&tx, late_sync.response_id = r.id, late, now);
    let mut rows = vec![];
    for (qid, a) in s.answers {
        let base = answer::ActiveModel {
            response_id: Set(r.id),
            question_id: Set(qid),
            option_id: Set(None),
            value: Set(None),
            text: Set(None),
            moderation: Set(None),
            redacted: Set(false),
            moderated_by: Set(None),
            moderated_at: Set(None),
            ..Default::default()
        };
        match a {
            ValidAnswer::Options(opts) => {
                for o in opts {
                    let mut m = base.clone();
                    m.option_id = Set(Some(o));
                    rows.push(m);
                }
            }
            ValidAnswer::Ranking(opts) => {
                for (i, o) in opts.into_iter().enumerate() {
                    let mut m = base.clone();
                    m.option_id = Set(Some(o));
                    m.value = Set(Some(i as i32 + 1));
                    rows.push(m);
                }
            }
            ValidAnswer::Face(f) => {
                let mut m = base;
                m.value = Set(Some(i32::from(f)));
                rows.push(m);
            }
            ValidAnswer::Text(t) => {
                if !t.is_empty() {
                    let mut m = base;
                    m.text = Set(Some(t));
                    m.moderation = Set(Some(Moderation::Pending.as_str().into()));
                    rows.push(m);
                }
            }
        }
    }
    if !rows.is_empty() {
        answer::Entity::insert_many(rows).exec(&tx).await?;
    }
    tx.commit().await?;
    Ok(Submitted::Created(r.id))
}

/// How many of a consultation's responses were synced late.
pub async fn late_count<C: ConnectionTrait>(c: &C, consultation_id: i32) -> Result<u64> {
    use response::Column as R;
    late_syncs::<late_sync::Entity, response::Entity, C>(
        c,
        late_sync::Column::ResponseId,
        (R::Id, R::ConsultationId),
        consultation_id,
    )
    .await
}

/// How many of a consultation's group tallies were synced late.
pub async fn late_tally_count<C: ConnectionTrait>(c: &C, consultation_id: i32) -> Result<u64> {
    use group_tally::Column as T;
    late_syncs::<late_tally_sync::Entity, group_tally::Entity, C>(
        c,
        late_tally_sync::Column::TallyId,
        (T::Id, T::ConsultationId),
        consultation_id,
    )
    .await
}

/// How many rows of a late-sync table `L` point (by `link`) at a row of
/// `R` (responses or tallies, by `(id, consultation)`) of the consultation.
async fn late_syncs<L: EntityTrait, R: EntityTrait, C: ConnectionTrait>(
    c: &C,
    link: L::Column,
    (id, consultation): (R::Column, R::Column),
    consultation_id: i32,
) -> Result<u64>
where
    L::Model: Sync,
{
    Ok(L::find()
        .filter(
            link.in_subquery(
                sea_orm::sea_query::Query::select()
                    .column(id)
                    .from(R::default())
                    .and_where(consultation.eq(consultation_id))
                    .to_owned(),
            ),
        )
        .count(c)
        .await?)
}

pub async fn count<C: ConnectionTrait>(c: &C, consultation_id: i32) -> Result<u64> {
    Ok(response::Entity::find()
        .filter(response::Column::ConsultationId.eq(consultation_id))
        .count(c)
        .await?)
}

/// A group discussion entered as one tally: how many children (by sex and
/// age band) and how many chose each option of one or more questions.
pub struct Tally {
    pub consultation_id: i32,
    pub submission_id: String,
    pub label: String,
    pub girls: i32,
    pub boys: i32,
    pub age_6_10: i32,
    pub age_11_15: i32,
    pub counts: Vec<(i32, i32)>,
    pub entered_by: Option<i32>,
}

pub async fn submit_tally<C: TransactionTrait + ConnectionTrait>(
    c: &C,
    actor: &Actor,
    now: DateTime<Utc>,
    t: Tally,
) -> Result<Submitted> {
    submit_tally_marked(c, actor, now, t, None).await
}

/// As [`submit_tally`]; a `late` tally (synced by an offline device after
/// its consultation closed, made while it was open) is marked in
/// `late_tally_syncs` in the same transaction and counted like every other.
pub async fn submit_tally_marked<C: TransactionTrait + ConnectionTrait>(
    c: &C,
    actor: &Actor,
    now: DateTime<Utc>,
    t: Tally,
    late: Option<LateSync>,
) -> Result<Submitted> {
    let tx = crate::begin_write(c).await?;
    if let Some(e) = group_tally::Entity::find()
        .filter(group_tally::Column::ConsultationId.eq(t.consultation_id))
        .filter(group_tally::Column::SubmissionId.eq(&t.submission_id))
        .one(&tx)
        .await?
    {
        return Ok(Submitted::Duplicate(e.id));
    }
    let row = group_tally::ActiveModel {
        consultation_id: Set(t.consultation_id),
        submission_id: Set(t.submission_id),
        label: Set(t.label),
        girls: Set(t.girls),
        boys: Set(t.boys),
        age_6_10: Set(t.age_6_10),
        age_11_15: Set(t.age_11_15),
        entered_by: Set(t.entered_by),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&tx)
    .await?;
    for (option_id, count) in t.counts {
        group_tally_count::ActiveModel {
            tally_id: Set(row.id),
            option_id: Set(option_id),
            count: Set(count),
        }
        .insert(&tx)
        .await?;
    }
    if let Some(k) = open_for_input(&tx, t.consultation_id, now).await? {
        crate::aggregates::input_added(&tx, &k).await?;
    }
    mark_late!(&tx, late_tally_sync.tally_id = row.id, late, now);
    audit::created(&tx, actor, now, "group_tally", row.id, &row).await?;
    tx.commit().await?;
    Ok(Submitted::Created(row.id))
}

pub async fn tallies<C: ConnectionTrait>(
    c: &C,
    consultation_id: i32,
) -> Result<Vec<(group_tally::Model, Vec<group_tally_count::Model>)>> {
    let ts = group_tally::Entity::find()
        .filter(group_tally::Column::ConsultationId.eq(consultation_id))
        .order_by_asc(group_tally::Column::Id)
        .all(c)
        .await?;
    let counts = group_tally_count::Entity::find()
        .filter(group_tally_count::Column::TallyId.is_in(ts.iter().map(|t| t.id)))
        .all(c)
        .await?;
    Ok(ts
        .into_iter()
        .map(|t| {
            let cs = counts
                .iter()
                .filter(|x| x.tally_id == t.id)
                .cloned()
                .collect();
            (t, cs)
        })
        .collect())
}

/// Every response of a consultation with its answers, for results.
pub async fn all<C: ConnectionTrait>(
    c: &C,
    consultation_id: i32,
) -> Result<Vec<(response::Model, Vec<answer::Model>)>> {
    let rs = response::Entity::find()
        .filter(response::Column::ConsultationId.eq(consultation_id))
        .order_by_asc(response::Column::Id)
        .all(c)
        .await?;
    let ans = answer::Entity::find()
        .filter(answer::Column::ResponseId.is_in(rs.iter().map(|r| r.id)))
        .order_by_asc(answer::Column::Id)
        .all(c)
        .await?;
    let mut by: std::collections::HashMap<i32, Vec<answer::Model>> =
        std::collections::HashMap::new();
    for a in ans {
        by.entry(a.response_id).or_default().push(a);
    }
    Ok(rs
        .into_iter()
        .map(|r| {
            let a = by.remove(&r.id).unwrap_or_default();
            (r, a)
        })
        .collect())
}

/// Free-text answers waiting for a moderator, in consultations inside the scope.
pub async fn pending_texts<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
) -> Result<Vec<(answer::Model, consultation::Model)>> {
    Ok(pending_texts_dated(c, scope)
        .await?
        .into_iter()
        .map(|(a, k, _)| (a, k))
        .collect())
}

/// The texts waiting for moderation in the scope with the time each was
/// given (its response's), oldest first.
pub async fn pending_texts_dated<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
) -> Result<Vec<(answer::Model, consultation::Model, DateTime<Utc>)>> {
    let (_, ks) = crate::scoped::units_and_rows(c, scope, consultation::Column::UnitId).await?;
    let ks = ks.all(c).await?;
    let rs = response::Entity::find()
        .filter(response::Column::ConsultationId.is_in(ks.iter().map(|k| k.id)))
        .all(c)
        .await?;
    let ans = answer::Entity::find()
        .filter(answer::Column::ResponseId.is_in(rs.iter().map(|r| r.id)))
        .filter(answer::Column::Moderation.eq(Moderation::Pending.as_str()))
        .order_by_asc(answer::Column::Id)
        .all(c)
        .await?;
    let mut out: Vec<_> = ans
        .into_iter()
        .filter_map(|a| {
            let r = rs.iter().find(|r| r.id == a.response_id)?;
            let k = ks.iter().find(|k| k.id == r.consultation_id)?.clone();
            Some((a, k, r.created_at))
        })
        .collect();
    out.sort_by_key(|(a, _, at)| (*at, a.id));
    Ok(out)
}

/// One answer if its consultation lies in the scope.
pub async fn answer_in_scope<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    answer_id: i32,
) -> Result<(answer::Model, consultation::Model, unit::Model)> {
    let a = crate::scoped::found::<answer::Entity, _>(c, answer_id).await?;
    let r = crate::scoped::found::<response::Entity, _>(c, a.response_id).await?;
    let (k, u) = crate::consultations::get_in_scope(c, scope, r.consultation_id).await?;
    Ok((a, k, u))
}

pub enum ModerationAction {
    Approve,
    Reject,
    /// Replace the text with a redacted version (names, phones, places removed) and approve it.
    Redact(String),
    /// Hide the text and alert the coordinator.
    Flag(String),
}

/// Applies a moderator's decision. The trail records the decision, never the
/// child's words (they may hold exactly what is being redacted).
pub async fn moderate<C: TransactionTrait + ConnectionTrait>(
    c: &C,
    actor: &Actor,
    now: DateTime<Utc>,
    answer_id: i32,
    action: ModerationAction,
) -> Result<answer::Model> {
    let tx = crate::begin_write(c).await?;
    let before = crate::scoped::found::<answer::Entity, _>(&tx, answer_id).await?;
    if before.text.is_none() {
        return Err(StoreError::NotFound);
    }
    let mut am = before.clone().into_active_model();
    am.moderated_by = Set(actor.user_id);
    am.moderated_at = Set(Some(now));
    let mut flag_note = None;
    // Whatever the button, what is approved is published: phone numbers and
    // e-mail addresses are masked in the stored text, so no results page, API
    // answer or export can show them. Rejected and flagged texts keep the
    // child's words (never published; a flag may need the contact).
    let decision = match action {
        ModerationAction::Approve => {
            am.text = Set(before.text.as_deref().map(mask_contacts));
            Moderation::Approved
        }
        ModerationAction::Reject => Moderation::Rejected,
        ModerationAction::Redact(t) => {
            am.text = Set(Some(mask_contacts(&t)));
            am.redacted = Set(true);
            Moderation::Approved
        }
        ModerationAction::Flag(note) => {
            flag_note = Some(note);
            Moderation::Flagged
        }
    };
    am.moderation = Set(Some(decision.as_str().into()));
    let after = am.update(&tx).await?;
    if let Some(note) = flag_note {
        let r = crate::scoped::found::<response::Entity, _>(&tx, after.response_id).await?;
        let k = crate::scoped::found::<consultation::Entity, _>(&tx, r.consultation_id).await?;
        let alert = safeguarding_alert::ActiveModel {
            answer_id: Set(answer_id),
            consultation_id: Set(k.id),
            unit_id: Set(k.unit_id),
            note: Set(note),
            raised_by: Set(actor.user_id),
            raised_at: Set(now),
            resolved_at: Set(None),
            resolved_by: Set(None),
            ..Default::default()
        }
        .insert(&tx)
        .await?;
        let change = Change::new("create", "safeguarding_alert", alert.id)
            .after(&serde_json::json!({"answer_id": answer_id, "consultation_id": k.id}));
        audit::record(&tx, actor, now, change).await?;
    }
    let summary = |m: &answer::Model| serde_json::json!({"moderation": m.moderation, "redacted": m.redacted, "chars": m.text.as_deref().map(|t| t.chars().count())});
    let change = Change::new("moderate", "answer", answer_id)
        .before(&summary(&before))
        .after(&summary(&after));
    audit::commit(tx, actor, now, change).await?;
    Ok(after)
}

/// Open safeguarding alerts in the scope, newest first.
pub async fn open_alerts<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
) -> Result<Vec<(safeguarding_alert::Model, consultation::Model)>> {
    let units = crate::units::list(c, scope).await?;
    let alerts = safeguarding_alert::Entity::find()
        .filter(safeguarding_alert::Column::UnitId.is_in(units.iter().map(|u| u.id)))
        .filter(safeguarding_alert::Column::ResolvedAt.is_null())
        .order_by_desc(safeguarding_alert::Column::Id)
        .all(c)
        .await?;
    let ks = consultation::Entity::find()
        .filter(consultation::Column::Id.is_in(alerts.iter().map(|a| a.consultation_id)))
        .all(c)
        .await?;
    Ok(alerts
        .into_iter()
        .filter_map(|a| {
            let k = ks.iter().find(|k| k.id == a.consultation_id)?.clone();
            Some((a, k))
        })
        .collect())
}

pub async fn resolve_alert<C: TransactionTrait + ConnectionTrait>(
    c: &C,
    actor: &Actor,
    now: DateTime<Utc>,
    scope: &Scope,
    id: i32,
) -> Result<()> {
    let tx = crate::begin_write(c).await?;
    let a = crate::scoped::found::<safeguarding_alert::Entity, _>(&tx, id).await?;
    let u = crate::scoped::found::<unit::Entity, _>(&tx, a.unit_id).await?;
    if !scope.contains(&u.path) {
        return Err(StoreError::NotFound);
    }
    let before = a.clone();
    let mut am = a.into_active_model();
    am.resolved_at = Set(Some(now));
    am.resolved_by = Set(actor.user_id);
    let after = am.update(&tx).await?;
    let change = Change::new("resolve", "safeguarding_alert", id)
        .before(&before)
        .after(&after);
    audit::commit(tx, actor, now, change).await?;
    Ok(())
}
