//! Consultations: who is asked (ages, units), how, when, with which
//! questions; their join code; opening, closing with findings, and the
//! published answer to the children.

use crate::audit::{self, Change};
use crate::entity::{consultation, consultation_unit, matter, question, question_option, unit};
use crate::{Result, StoreError};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel,
    QueryFilter, QueryOrder, QueryTrait, TransactionSession, TransactionTrait,
};
use thamgia_domain::access::{Actor, Principal, Scope};
use thamgia_domain::voice::{JoinCode, Method, QuestionKind, Stage, Status};

pub struct NewConsultation {
    pub matter_id: Option<i32>,
    pub unit_id: i32,
    pub title: String,
    pub intro: String,
    pub method: Method,
    pub age_min: u8,
    pub age_max: u8,
    pub opens_on: NaiveDate,
    pub closes_on: NaiveDate,
    pub facilitator_id: Option<i32>,
    pub audience_unit_ids: Vec<i32>,
}

/// Creates a consultation in `draft`, with a fresh join code drawn from
/// `codes` (tried in turn until one is unused).
pub async fn create<C: TransactionTrait + ConnectionTrait>(
    c: &C,
    actor: &Actor,
    now: DateTime<Utc>,
    n: NewConsultation,
    codes: impl IntoIterator<Item = JoinCode>,
) -> Result<consultation::Model> {
    let tx = crate::begin_write(c).await?;
    // A consultation dated in an approved year would be that year's record.
    crate::reports::ensure_open(&tx, n.unit_id, n.opens_on.year()).await?;
    let mut code = None;
    for candidate in codes {
        if by_code(&tx, candidate.as_str()).await?.is_none() {
            code = Some(candidate);
            break;
        }
    }
    let code = code.ok_or(StoreError::Conflict { field: "join_code" })?;
    let row = consultation::ActiveModel {
        matter_id: Set(n.matter_id),
        unit_id: Set(n.unit_id),
        title: Set(n.title),
        intro: Set(n.intro),
        method: Set(n.method),
        age_min: Set(i32::from(n.age_min)),
        age_max: Set(i32::from(n.age_max)),
        opens_on: Set(n.opens_on),
        closes_on: Set(n.closes_on),
        facilitator_id: Set(n.facilitator_id),
        join_code: Set(code.as_str().into()),
        status: Set(Status::Draft),
        findings: Set(None),
        answer_decided: Set(None),
        answer_taken: Set(None),
        answer_not_taken: Set(None),
        closed_at: Set(None),
        answer_published_at: Set(None),
        created_by: Set(actor.user_id),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&tx)
    .await?;
    for u in n.audience_unit_ids {
        consultation_unit::ActiveModel {
            consultation_id: Set(row.id),
            unit_id: Set(u),
        }
        .insert(&tx)
        .await?;
    }
    if let Some(mid) = n.matter_id {
        // Asking children moves a matter in drafting to consulting.
        if let Some(m) = matter::Entity::find_by_id(mid).one(&tx).await?
            && m.stage == Stage::Drafting
        {
            let mut am = m.into_active_model();
            am.stage = Set(Stage::Consulting);
            am.updated_at = Set(now);
            am.update(&tx).await?;
        }
    }
    audit::created(&tx, actor, now, "consultation", row.id, &row).await?;
    tx.commit().await?;
    Ok(row)
}

pub async fn by_code<C: ConnectionTrait>(c: &C, code: &str) -> Result<Option<consultation::Model>> {
    Ok(consultation::Entity::find()
        .filter(consultation::Column::JoinCode.eq(code))
        .one(c)
        .await?)
}

pub async fn by_id<C: ConnectionTrait>(c: &C, id: i32) -> Result<Option<consultation::Model>> {
    Ok(consultation::Entity::find_by_id(id).one(c).await?)
}

/// One consultation if its unit lies in the scope, with that unit.
pub async fn get_in_scope<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    id: i32,
) -> Result<(consultation::Model, unit::Model)> {
    let k = by_id(c, id).await?.ok_or(StoreError::NotFound)?;
    let u = crate::scoped::found::<unit::Entity, _>(c, k.unit_id).await?;
    if scope.contains(&u.path) {
        return Ok((k, u));
    }
    // Handed over after its unit ended: the unit that now owes the children
    // the answer sees it and answers it (`handover::hand_over_answer`).
    if let Some(to) = k.answer_unit_id
        && let Some(t) = unit::Entity::find_by_id(to).one(c).await?
        && scope.contains(&t.path)
    {
        return Ok((k, u));
    }
    Err(StoreError::NotFound)
}

/// A consultation about to be changed by `p` — its questions, opening,
/// paper responses, group tallies, closing, answer: inside the scope (else
/// `NotFound`) and about a matter `p` may act for (else `Forbidden`), the rule
/// that let `p` create it (`Principal::may_act_for`). Every officials' write
/// on a consultation, from a page or the API, loads it through here.
pub async fn for_write<C: ConnectionTrait>(
    c: &C,
    p: &Principal,
    id: i32,
) -> Result<(consultation::Model, unit::Model)> {
    let (k, u) = get_in_scope(c, &p.scope(), id).await?;
    let owner = match k.matter_id {
        Some(mid) => matter::Entity::find_by_id(mid)
            .one(c)
            .await?
            .map(|m| m.owner_agency_id),
        None => None,
    };
    if !p.may_act_for(owner) {
        return Err(StoreError::Forbidden);
    }
    Ok((k, u))
}

/// Which figures a write on a consultation can move, for the year locks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Touches {
    /// Only the consultation itself (its questions, its opening).
    Itself,
    /// Whether its matter counts as consulted (T1–T3 of the matter's year):
    /// closing, the answer, and input once the answer is out.
    Matter,
}

/// Refuses (`year_locked`) a write on consultation `k` when a year it belongs
/// to is approved: the year it is dated in (it opens), and with
/// [`Touches::Matter`] the year its matter counts in. Call inside the write's
/// transaction.
pub async fn ensure_open<C: ConnectionTrait>(
    c: &C,
    k: &consultation::Model,
    touches: Touches,
) -> Result<()> {
    crate::reports::ensure_open(c, k.unit_id, k.opens_on.year()).await?;
    if touches == Touches::Matter
        && let Some(mid) = k.matter_id
        && let Some(m) = matter::Entity::find_by_id(mid).one(c).await?
    {
        crate::reports::ensure_open(c, m.unit_id, m.year).await?;
    }
    Ok(())
}

/// Consultations in the scope (optionally of one matter), newest first.
pub async fn list<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    matter_id: Option<i32>,
) -> Result<Vec<(consultation::Model, unit::Model)>> {
    let (units, rows) =
        crate::scoped::units_and_rows(c, scope, consultation::Column::UnitId).await?;
    let rows = rows
        .apply_if(matter_id, |q, m| {
            q.filter(consultation::Column::MatterId.eq(m))
        })
        .order_by_desc(consultation::Column::OpensOn)
        .order_by_desc(consultation::Column::Id)
        .all(c)
        .await?;
    Ok(crate::scoped::with_unit(rows, &units, |k| k.unit_id))
}

pub async fn audience_units<C: ConnectionTrait>(c: &C, id: i32) -> Result<Vec<unit::Model>> {
    let links = consultation_unit::Entity::find()
        .filter(consultation_unit::Column::ConsultationId.eq(id))
        .all(c)
        .await?;
    Ok(unit::Entity::find()
        .filter(unit::Column::Id.is_in(links.iter().map(|l| l.unit_id)))
        .order_by_asc(unit::Column::Path)
        .all(c)
        .await?)
}

pub struct NewQuestion {
    pub kind: QuestionKind,
    pub text_vi: String,
    pub text_en: Option<String>,
    pub required: bool,
    /// At most this many choices (multiple choice only); none: no limit.
    pub max_choices: Option<i32>,
    /// (label_vi, label_en, emoji) for choice and ranking questions.
    pub options: Vec<(String, Option<String>, Option<String>)>,
}

/// The consultation whose questions a write is about to change, read inside
/// the write's transaction: still a draft (else `Conflict { status }`), its
/// year not approved. On PostgreSQL its row is locked first, so opening and a
/// question's change never interleave, and two writers of one draft's
/// questions take turns (SQLite writes one transaction at a time).
async fn draft_for_questions<C: ConnectionTrait>(
    c: &C,
    consultation_id: i32,
) -> Result<consultation::Model> {
    let mut q = consultation::Entity::find_by_id(consultation_id);
    if c.get_database_backend() == sea_orm::DbBackend::Postgres {
        q = sea_orm::QuerySelect::lock_exclusive(q);
    }
    let k = q.one(c).await?.ok_or(StoreError::NotFound)?;
    if k.status != Status::Draft {
        return Err(StoreError::Conflict { field: "status" });
    }
    ensure_open(c, &k, Touches::Itself).await?;
    Ok(k)
}

async fn insert_options<C: ConnectionTrait>(
    c: &C,
    question_id: i32,
    options: Vec<(String, Option<String>, Option<String>)>,
) -> Result<()> {
    for (i, (vi, en, emoji)) in options.into_iter().enumerate() {
        question_option::ActiveModel {
            question_id: Set(question_id),
            ord: Set(i as i32),
            label_vi: Set(vi),
            label_en: Set(en),
            emoji: Set(emoji),
            ..Default::default()
        }
        .insert(c)
        .await?;
    }
    Ok(())
}

/// A question of the consultation, inside the write's transaction.
async fn question_of<C: ConnectionTrait>(
    c: &C,
    consultation_id: i32,
    question_id: i32,
) -> Result<question::Model> {
    crate::scoped::child_of(
        c,
        question::Column::ConsultationId,
        consultation_id,
        question_id,
    )
    .await
}

/// A question and its options as the trail records them.
#[derive(serde::Serialize)]
struct QuestionRecord<'a> {
    #[serde(flatten)]
    question: &'a question::Model,
    options: Vec<&'a (String, Option<String>, Option<String>)>,
}

/// Rewrites a question of a draft — kind, texts, required, its options (the
/// old options go, the new ones take their order) — keeping its place.
pub async fn update_question<C: TransactionTrait + ConnectionTrait>(
    c: &C,
    actor: &Actor,
    now: DateTime<Utc>,
    consultation_id: i32,
    question_id: i32,
    q: NewQuestion,
) -> Result<question::Model> {
    let tx = crate::begin_write(c).await?;
    draft_for_questions(&tx, consultation_id).await?;
    let before = question_of(&tx, consultation_id, question_id).await?;
    let old_options: Vec<(String, Option<String>, Option<String>)> =
        question_option::Entity::find()
            .filter(question_option::Column::QuestionId.eq(question_id))
            .order_by_asc(question_option::Column::Ord)
            .order_by_asc(question_option::Column::Id)
            .all(&tx)
            .await?
            .into_iter()
            .map(|o| (o.label_vi, o.label_en, o.emoji))
            .collect();
    let mut am = before.clone().into_active_model();
    am.kind = Set(q.kind.as_str().into());
    am.text_vi = Set(q.text_vi);
    am.text_en = Set(q.text_en);
    am.required = Set(q.required);
    am.max_choices = Set(q.max_choices);
    let after = am.update(&tx).await?;
    question_option::Entity::delete_many()
        .filter(question_option::Column::QuestionId.eq(question_id))
        .exec(&tx)
        .await?;
    let rec_before = QuestionRecord {
        question: &before,
        options: old_options.iter().collect(),
    };
    let rec_after = QuestionRecord {
        question: &after,
        options: q.options.iter().collect(),
    };
    audit::updated(
        &tx,
        actor,
        now,
        "question",
        question_id,
        &rec_before,
        &rec_after,
    )
    .await?;
    insert_options(&tx, question_id, q.options).await?;
    tx.commit().await?;
    Ok(after)
}

/// Puts a draft's questions in the order given: `order` holds every question
/// of the consultation exactly once (else `Conflict { order }`: the list read
/// by the caller is out of date). Written in one transaction after the
/// consultation's row is locked, so writers at once leave one whole order.
pub async fn reorder_questions<C: TransactionTrait + ConnectionTrait>(
    c: &C,
    actor: &Actor,
    now: DateTime<Utc>,
    consultation_id: i32,
    order: &[i32],
) -> Result<()> {
    let tx = crate::begin_write(c).await?;
    draft_for_questions(&tx, consultation_id).await?;
    let qs = question::Entity::find()
        .filter(question::Column::ConsultationId.eq(consultation_id))
        .order_by_asc(question::Column::Ord)
        .order_by_asc(question::Column::Id)
        .all(&tx)
        .await?;
    let mut given = order.to_vec();
    given.sort_unstable();
    let mut have: Vec<i32> = qs.iter().map(|q| q.id).collect();
    have.sort_unstable();
    if given != have {
        return Err(StoreError::Conflict { field: "order" });
    }
    let before: Vec<i32> = qs.iter().map(|q| q.id).collect();
    for q in qs {
        let ord = order.iter().position(|id| *id == q.id).unwrap_or(0) as i32;
        if q.ord != ord {
            let mut am = q.into_active_model();
            am.ord = Set(ord);
            am.update(&tx).await?;
        }
    }
    let change = Change::new("reorder", "consultation", consultation_id)
        .before(&serde_json::json!({ "questions": before }))
        .after(&serde_json::json!({ "questions": order }));
    audit::commit(tx, actor, now, change).await?;
    Ok(())
}

/// Adds a question at the end. Only a consultation in draft can change its
/// questions: answers already given must keep meaning what they meant.
pub async fn add_question<C: TransactionTrait + ConnectionTrait>(
    c: &C,
    actor: &Actor,
    now: DateTime<Utc>,
    consultation_id: i32,
    q: NewQuestion,
) -> Result<question::Model> {
    let tx = crate::begin_write(c).await?;
    draft_for_questions(&tx, consultation_id).await?;
    let ord = question::Entity::find()
        .filter(question::Column::ConsultationId.eq(consultation_id))
        .all(&tx)
        .await?
        .len() as i32;
    let row = question::ActiveModel {
        consultation_id: Set(consultation_id),
        ord: Set(ord),
        kind: Set(q.kind.as_str().into()),
        text_vi: Set(q.text_vi),
        text_en: Set(q.text_en),
        required: Set(q.required),
        max_choices: Set(q.max_choices),
        ..Default::default()
    }
    .insert(&tx)
    .await?;
    insert_options(&tx, row.id, q.options).await?;
    audit::created(&tx, actor, now, "question", row.id, &row).await?;
    tx.commit().await?;
    Ok(row)
}

pub async fn delete_question<C: TransactionTrait + ConnectionTrait>(
    c: &C,
    actor: &Actor,
    now: DateTime<Utc>,
    consultation_id: i32,
    question_id: i32,
) -> Result<()> {
    let tx = crate::begin_write(c).await?;
    draft_for_questions(&tx, consultation_id).await?;
    let q = question_of(&tx, consultation_id, question_id).await?;
    question::Entity::delete_by_id(q.id).exec(&tx).await?;
    let change = Change::new("delete", "question", q.id).before(&q);
    audit::commit(tx, actor, now, change).await?;
    Ok(())
}

/// The questions with their options, in order.
pub async fn questions<C: ConnectionTrait>(
    c: &C,
    consultation_id: i32,
) -> Result<Vec<(question::Model, Vec<question_option::Model>)>> {
    let qs = question::Entity::find()
        .filter(question::Column::ConsultationId.eq(consultation_id))
        .order_by_asc(question::Column::Ord)
        .order_by_asc(question::Column::Id)
        .all(c)
        .await?;
    let opts = question_option::Entity::find()
        .filter(question_option::Column::QuestionId.is_in(qs.iter().map(|q| q.id)))
        .order_by_asc(question_option::Column::Ord)
        .order_by_asc(question_option::Column::Id)
        .all(c)
        .await?;
    Ok(qs
        .into_iter()
        .map(|q| {
            let o = opts
                .iter()
                .filter(|o| o.question_id == q.id)
                .cloned()
                .collect();
            (q, o)
        })
        .collect())
}

async fn change_status<C: TransactionTrait + ConnectionTrait>(
    c: &C,
    actor: &Actor,
    now: DateTime<Utc>,
    id: i32,
    from: &[Status],
    touches: Touches,
    edit: impl FnOnce(&mut consultation::ActiveModel),
) -> Result<consultation::Model> {
    let tx = crate::begin_write(c).await?;
    let before = by_id(&tx, id).await?.ok_or(StoreError::NotFound)?;
    if !from.contains(&before.status) {
        return Err(StoreError::Conflict { field: "status" });
    }
    ensure_open(&tx, &before, touches).await?;
    let mut am = before.clone().into_active_model();
    edit(&mut am);
    let after = am.update(&tx).await?;
    crate::aggregates::consultation_touched(&tx, &after).await?;
    // The matter moves to answered with its first published answer — if it
    // was decided on a date (`voice::stage_needs_decision`); otherwise it
    // keeps its stage and `matters::update` moves it when the date is recorded.
    if after.status == Status::Answered
        && let Some(mid) = after.matter_id
        && let Some(m) = matter::Entity::find_by_id(mid).one(&tx).await?
        && m.stage != Stage::Answered
        && m.decision_date.is_some()
    {
        let before_m = m.clone();
        let mut am = m.into_active_model();
        am.stage = Set(Stage::Answered);
        am.updated_at = Set(now);
        let after_m = am.update(&tx).await?;
        audit::updated(&tx, actor, now, "matter", mid, &before_m, &after_m).await?;
    }
    audit::updated(&tx, actor, now, "consultation", id, &before, &after).await?;
    tx.commit().await?;
    Ok(after)
}

/// Opens a draft: children can answer from now on.
pub async fn open<C: TransactionTrait + ConnectionTrait>(
    c: &C,
    actor: &Actor,
    now: DateTime<Utc>,
    id: i32,
) -> Result<consultation::Model> {
    change_status(c, actor, now, id, &[Status::Draft], Touches::Itself, |am| {
        am.status = Set(Status::Open)
    })
    .await
}

/// Closes an open consultation with its findings: no more answers.
pub async fn close<C: TransactionTrait + ConnectionTrait>(
    c: &C,
    actor: &Actor,
    now: DateTime<Utc>,
    id: i32,
    findings: String,
) -> Result<consultation::Model> {
    change_status(c, actor, now, id, &[Status::Open], Touches::Matter, |am| {
        am.status = Set(Status::Closed);
        am.findings = Set(Some(findings));
        am.closed_at = Set(Some(now));
    })
    .await
}

/// The answer to the children, in words a child understands.
pub struct AnswerBack {
    pub decided: String,
    pub taken: String,
    pub not_taken: String,
}

/// Saves the answer; `publish` makes it visible at `/c/{code}` and marks the
/// consultation (and its matter) answered.
pub async fn save_answer<C: TransactionTrait + ConnectionTrait>(
    c: &C,
    actor: &Actor,
    now: DateTime<Utc>,
    id: i32,
    a: AnswerBack,
    publish: bool,
) -> Result<consultation::Model> {
    change_status(
        c,
        actor,
        now,
        id,
        &[Status::Closed],
        Touches::Matter,
        |am| {
            am.answer_decided = Set(Some(a.decided));
            am.answer_taken = Set(Some(a.taken));
            am.answer_not_taken = Set(Some(a.not_taken));
            if publish {
                am.status = Set(Status::Answered);
                am.answer_published_at = Set(Some(now));
            }
        },
    )
    .await
}
