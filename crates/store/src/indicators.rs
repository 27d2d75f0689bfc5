//! Numbers computed from the records: the `matters_consulted` measure,
//! answers to children that are overdue, and the inputs of a consultation's
//! results (which the domain then suppresses). Also the plan covering a year,
//! and the few scoped look-ups the moderation and safeguarding pages need.
//!
//! `matters_consulted { matter_kind }` for a unit's subtree and a year: the
//! denominator is the matters of that kind registered in the subtree whose
//! `year` (the decision's year) is the year; the numerator is those with at
//! least one consultation that closed, received at least one response or
//! group tally, and published its answer to the children
//! (`voice_queries::consulted_matters`, the one statement of that rule). Both
//! are read from the maintained `agg_matters` (`store::aggregates`), a sum
//! over the subtree's few rows.

use crate::Result;
use crate::entity::{
    agency, answer, consultation, group_tally, matter, question, safeguarding_alert, unit,
};
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QuerySelect,
};
use std::collections::{BTreeMap, HashMap, HashSet};
use thamgia_domain::access::Scope;
use thamgia_domain::results::{self as res, Results};
use thamgia_domain::voice::{Moderation, QuestionKind, Sex, Source};

/// The answer is due this many days after the decision unless the plan says otherwise.
pub const DEFAULT_ANSWER_DUE_DAYS: i64 = 60;

/// One indicator for one unit and year.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct IndicatorValue {
    pub code: String,
    pub name_vi: String,
    pub name_en: String,
    pub numerator: u64,
    pub denominator: u64,
    /// numerator / denominator × 100, one decimal; `None` when the denominator is 0.
    pub value: Option<f64>,
    pub target: Option<f64>,
    /// `%`, `count` or `dong`: the indicator's unit in the plan.
    pub unit: String,
    /// The measure that computed it (`matters_consulted`, `children_answers`,
    /// …: `thamgia_domain::plan::Measure::kind`); empty in figures frozen in a
    /// report before measures existed.
    #[serde(default)]
    pub measure: String,
    /// A share of children's answers: the answers in the year that gave no
    /// age (not in the numerator, shown beside it); `None` when 1–4 (shown
    /// "<5") or when the measure has no such part.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_given: Option<u64>,
    /// A share of the child population whose numerator exceeds the
    /// population: the value is capped at 100.
    #[serde(default)]
    pub capped: bool,
    /// A share of the child population whose denominator sums demo figures.
    #[serde(default)]
    pub population_demo: bool,
}

/// Days within which the answer to the children is due for a decision taken
/// in `year` in the unit at `path` (or a scope's root): the setting of the
/// unit's governing plan (`plans::governing`: its province's plan covering
/// the year, else its province's newest), else [`DEFAULT_ANSWER_DUE_DAYS`].
pub async fn answer_due_days<C: ConnectionTrait>(c: &C, path: &str, year: i32) -> Result<i64> {
    Ok(crate::plans::governing(c, path, year)
        .await?
        .and_then(|p| p.setting("answer_due_days"))
        .unwrap_or(DEFAULT_ANSWER_DUE_DAYS))
}

/// Matters of `kind` registered in `u`'s subtree and decided in `year`, and
/// how many of them were consulted: (registered, consulted).
pub async fn matters_consulted<C: ConnectionTrait>(
    c: &C,
    u: &unit::Model,
    year: i32,
    kind: &str,
) -> Result<(u64, u64)> {
    let counts = crate::aggregates::matters(c, &u.path, year).await?;
    let (total, consulted) = counts.get(kind).copied().unwrap_or_default();
    Ok((
        u64::try_from(total).unwrap_or(0),
        u64::try_from(consulted).unwrap_or(0),
    ))
}

/// A matter whose answer to the children is overdue.
#[derive(Debug, Clone)]
pub struct Overdue {
    pub matter: matter::Model,
    pub unit: unit::Model,
    pub agency: agency::Model,
    pub decided: NaiveDate,
    pub due: NaiveDate,
    pub days_overdue: i64,
    /// How many consultations the matter has (0: the children were not even asked).
    pub consultations: usize,
}

/// Matters in the scope (of one owner agency when given) with a decision date,
/// at least one consultation and no published answer, whose answer was due
/// before `today` (`voice::answer_overdue`); most overdue first.
pub async fn overdue_answers<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    owner_agency: Option<i32>,
    today: NaiveDate,
) -> Result<Vec<Overdue>> {
    let all = crate::matters::list(c, scope, &crate::matters::MatterFilter::default()).await?;
    let candidates: Vec<_> = all
        .into_iter()
        .filter(|(m, _, _)| m.decision_date.is_some_and(|d| d < today))
        .filter(|(m, _, _)| owner_agency.is_none_or(|a| m.owner_agency_id == a))
        .collect();
    let ks: Vec<(Option<i32>, Option<DateTime<Utc>>)> = consultation::Entity::find()
        .select_only()
        .column(consultation::Column::MatterId)
        .column(consultation::Column::AnswerPublishedAt)
        .filter(consultation::Column::MatterId.is_in(candidates.iter().map(|(m, _, _)| m.id)))
        .into_tuple()
        .all(c)
        .await?;
    let mut due_days: BTreeMap<i32, i64> = BTreeMap::new();
    let mut out = vec![];
    for (m, u, a) in candidates {
        let Some(decided) = m.decision_date else {
            continue;
        };
        let mine: Vec<_> = ks.iter().filter(|(mid, _)| *mid == Some(m.id)).collect();
        if mine.iter().any(|(_, published)| published.is_some()) {
            continue;
        }
        let year = chrono::Datelike::year(&decided);
        let days = match due_days.get(&year) {
            Some(d) => *d,
            None => {
                let d = answer_due_days(c, &scope.path, year).await?;
                due_days.insert(year, d);
                d
            }
        };
        let due = thamgia_domain::voice::answer_due(decided, days);
        if thamgia_domain::voice::answer_overdue(
            Some(decided),
            days,
            !mine.is_empty(),
            false,
            today,
        ) {
            out.push(Overdue {
                days_overdue: (today - due).num_days(),
                consultations: mine.len(),
                matter: m,
                unit: u,
                agency: a,
                decided,
                due,
            });
        }
    }
    out.sort_by(|a, b| {
        b.days_overdue
            .cmp(&a.days_overdue)
            .then(a.matter.id.cmp(&b.matter.id))
    });
    Ok(out)
}

/// The inputs of a consultation's results, computed and suppressed by
/// [`thamgia_domain::results::compute`]: nothing unsuppressed leaves here.
pub async fn results<C: ConnectionTrait>(c: &C, consultation_id: i32) -> Result<Results> {
    let qs = crate::consultations::questions(c, consultation_id).await?;
    let questions: Vec<res::QuestionIn> = qs
        .into_iter()
        .filter_map(|(q, opts)| {
            Some(res::QuestionIn {
                id: q.id,
                kind: QuestionKind::parse(&q.kind)?,
                text_vi: q.text_vi,
                text_en: q.text_en,
                options: opts
                    .into_iter()
                    .map(|o| res::OptionIn {
                        id: o.id,
                        label_vi: o.label_vi,
                        label_en: o.label_en,
                        emoji: o.emoji,
                    })
                    .collect(),
            })
        })
        .collect();
    let rows = crate::responses::all(c, consultation_id).await?;
    let unit_ids: HashSet<i32> = rows.iter().filter_map(|(r, _)| r.unit_id).collect();
    let units = crate::scoped::by_ids::<unit::Entity, _>(c, unit_ids).await?;
    let responses: Vec<res::ResponseIn> = rows
        .into_iter()
        .map(|(r, answers)| res::ResponseIn {
            source: Source::parse(&r.source),
            age: r.age.and_then(|a| u8::try_from(a).ok()),
            sex: r.sex.as_deref().and_then(Sex::parse),
            ethnic: r.ethnic,
            disability: r.disability,
            unit: r
                .unit_id
                .and_then(|id| units.get(&id))
                .map(|u| res::UnitRef {
                    code: u.code.clone(),
                    name_vi: u.name_vi.clone(),
                    name_en: u.name_en.clone(),
                }),
            answers: answers
                .into_iter()
                .map(|a| res::AnswerIn {
                    question_id: a.question_id,
                    option_id: a.option_id,
                    value: a.value,
                    text: a.text,
                    moderation: a.moderation.as_deref().and_then(Moderation::parse),
                    redacted: a.redacted,
                })
                .collect(),
        })
        .collect();
    let nonneg = |n: i32| u64::try_from(n).unwrap_or(0);
    let tallies: Vec<res::TallyIn> = crate::responses::tallies(c, consultation_id)
        .await?
        .into_iter()
        .map(|(t, counts)| res::TallyIn {
            girls: nonneg(t.girls),
            boys: nonneg(t.boys),
            age_6_10: nonneg(t.age_6_10),
            age_11_15: nonneg(t.age_11_15),
            counts: counts
                .into_iter()
                .map(|x| (x.option_id, nonneg(x.count)))
                .collect(),
        })
        .collect();
    Ok(res::compute(&questions, &responses, &tallies))
}

/// How many children took part in a consultation: responses plus the
/// children of its group tallies (shown before closing; suppressed by the caller).
pub async fn children_count<C: ConnectionTrait>(c: &C, consultation_id: i32) -> Result<u64> {
    let responses = crate::responses::count(c, consultation_id).await?;
    let tallies = group_tally::Entity::find()
        .filter(group_tally::Column::ConsultationId.eq(consultation_id))
        .all(c)
        .await?;
    let nonneg = |n: i32| u64::try_from(n).unwrap_or(0);
    Ok(responses
        + tallies
            .iter()
            .map(|t| {
                (nonneg(t.girls) + nonneg(t.boys)).max(nonneg(t.age_6_10) + nonneg(t.age_11_15))
            })
            .sum::<u64>())
}

/// Questions by id (for the moderation queue's context).
pub async fn questions_by_id<C: ConnectionTrait>(
    c: &C,
    ids: &[i32],
) -> Result<HashMap<i32, question::Model>> {
    Ok(question::Entity::find()
        .filter(question::Column::Id.is_in(ids.iter().copied()))
        .all(c)
        .await?
        .into_iter()
        .map(|q| (q.id, q))
        .collect())
}

/// A safeguarding alert with the flagged answer, its question and
/// consultation, if the alert's unit lies in the scope.
pub async fn alert_in_scope<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    id: i32,
) -> Result<(
    safeguarding_alert::Model,
    answer::Model,
    question::Model,
    consultation::Model,
)> {
    let (a, _) =
        crate::scoped::of_unit::<safeguarding_alert::Entity, C>(c, scope, id, |a| a.unit_id)
            .await?;
    let ans = crate::scoped::found::<answer::Entity, _>(c, a.answer_id).await?;
    let q = crate::scoped::found::<question::Entity, _>(c, ans.question_id).await?;
    let k = crate::scoped::found::<consultation::Entity, _>(c, a.consultation_id).await?;
    Ok((a, ans, q, k))
}

/// Open safeguarding alerts in the scope (for the coordinator's banner).
pub async fn open_alert_count<C: ConnectionTrait>(c: &C, scope: &Scope) -> Result<u64> {
    let subtree = crate::units::subtree_ids(&scope.path, crate::units::During::Always);
    Ok(safeguarding_alert::Entity::find()
        .filter(safeguarding_alert::Column::UnitId.in_subquery(subtree))
        .filter(safeguarding_alert::Column::ResolvedAt.is_null())
        .count(c)
        .await?)
}
