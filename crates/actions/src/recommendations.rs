//! Recommendations (kiến nghị) from forums, council dialogues and clubs:
//! record one from its source, move it along, answer it, record the feedback
//! given back to the children; and the list filters both adapters read.
//!
//! Who may move and answer one ([`may_answer`]): admins, coordinators and
//! district officers in their scope; an agency officer only what is addressed
//! to their own agency — and those wherever they come from in the province
//! (`thamgia_store::recommendations::Reach`), since the agency must answer them.

use crate::catalog::Action;
use crate::forums::{date, text, unit_filter, year_filter};
use crate::{Act, ActionError, ActionResult, Fields, choice, invalid, invalid_one};
use chrono::{Datelike, NaiveDate};
use sea_orm::DatabaseConnection;
use thamgia_domain::access::{Permission, Principal, Scope};
use thamgia_domain::models::{Outcome, RecommendationSource, RecommendationStatus, check_answer};
use thamgia_store::entity::{recommendation, unit};
use thamgia_store::recommendations::{
    self as store, Answer, NewRecommendation, Reach, RecommendationFilter,
};
use thamgia_store::{StoreError, agencies, units};

/// The write actions of this module (`catalog::all`). A new recommendation
/// is recorded by its source's action (`forums.add_recommendation`, …),
/// which calls [`create`].
pub const ACTIONS: &[Action] = &[
    Action::agency(
        "recommendations.set_status",
        Permission::AnswerRecommendations,
    ),
    Action::agency("recommendations.answer", Permission::AnswerRecommendations),
    Action::agency(
        "recommendations.feedback",
        Permission::AnswerRecommendations,
    ),
];

/// Longest recommendation text, in characters.
pub const MAX_TEXT: usize = 2000;
/// Longest topic, in characters.
pub const MAX_TOPIC: usize = 100;
/// Longest answer, in characters.
pub const MAX_ANSWER: usize = 4000;
/// Longest reason or feedback, in characters.
pub const MAX_NOTE: usize = 2000;

// ---------------------------------------------------------------- new

/// A new recommendation as sent (a form or the API).
#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(default)]
pub struct RecommendationInput {
    pub text: String,
    pub topic: String,
    /// Code of the agency addressed (any agency visible to the user).
    pub agency: String,
    /// dd/mm/yyyy or yyyy-mm-dd.
    pub deadline: String,
}

/// Where a new recommendation comes from.
#[derive(Debug, Clone)]
pub struct Source {
    pub source: RecommendationSource,
    pub id: i32,
    pub unit_id: i32,
    pub year: i32,
    /// The deadline may not be before this day (the forum's last day, the dialogue's day).
    pub earliest_deadline: NaiveDate,
}

/// Records a recommendation from a source the caller's action has loaded in
/// scope (`ManageModels`).
pub async fn create(
    act: Act<'_>,
    src: &Source,
    f: &RecommendationInput,
) -> ActionResult<recommendation::Model> {
    act.require(Permission::ManageModels)?;
    let n = check_new(act.db, act.p, src, f).await?;
    Ok(store::create(act.db, &act.actor(), act.now, n).await?)
}

/// Checks a new recommendation: every field, every error at once.
pub async fn check_new(
    db: &DatabaseConnection,
    p: &Principal,
    src: &Source,
    f: &RecommendationInput,
) -> ActionResult<NewRecommendation> {
    let mut e = Fields::new();
    let body = text(&mut e, "text", &f.text, MAX_TEXT);
    let topic = text(&mut e, "topic", &f.topic, MAX_TOPIC);
    let agency = if f.agency.trim().is_empty() {
        e.insert("agency".into(), "required".into());
        None
    } else {
        match agencies::get_in_scope(db, &p.scope(), f.agency.trim()).await {
            Ok((a, _)) => Some(a),
            Err(StoreError::NotFound) => {
                e.insert("agency".into(), "unknown_agency".into());
                None
            }
            Err(err) => return Err(err.into()),
        }
    };
    let deadline = date(&mut e, "deadline", &f.deadline);
    // The agency answers by the deadline: it must still exist then (a
    // district's offices ended on 30/6/2025).
    if let (Some(a), Some(d)) = (&agency, deadline)
        && !thamgia_store::handover::agency_open_on(a, d)
    {
        e.insert("agency".into(), "agency_closed".into());
    }
    if let Some(d) = deadline
        && d < src.earliest_deadline
    {
        e.insert("deadline".into(), "deadline_before_source".into());
    }
    match (agency, deadline) {
        (Some(a), Some(deadline)) if e.is_empty() => Ok(NewRecommendation {
            source: src.source,
            source_id: src.id,
            unit_id: src.unit_id,
            year: src.year,
            text: body,
            topic,
            agency_id: a.id,
            deadline,
        }),
        _ => Err(invalid(e)),
    }
}

// ---------------------------------------------------------------- answering

/// Whether this user may move this recommendation along and answer it.
pub fn may_answer(p: &Principal, r: &recommendation::Model) -> bool {
    p.can(Permission::AnswerRecommendations) && p.may_act_for(Some(r.agency_id))
}

/// A recommendation the caller may answer: `Forbidden` without the
/// permission, `NotFound` out of reach, `Forbidden` when it is addressed to
/// another agency than theirs.
pub async fn load_answerable(act: Act<'_>, id: i32) -> ActionResult<recommendation::Model> {
    act.require(Permission::AnswerRecommendations)?;
    let (r, _, _) = store::get_in_reach(act.db, &Reach::of(act.p), id).await?;
    if !may_answer(act.p, &r) {
        return Err(ActionError::Forbidden);
    }
    Ok(r)
}

/// The status the store refuses (a race with another answer) as a field error.
fn status_conflict(e: StoreError) -> ActionError {
    match e {
        StoreError::Conflict { field: "status" } => invalid_one("status", "not_allowed"),
        other => other.into(),
    }
}

#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(default)]
pub struct StatusInput {
    /// assigned | in_progress
    pub status: String,
}

/// Moves a recommendation along: received → assigned → in progress.
pub async fn set_status(
    act: Act<'_>,
    id: i32,
    f: &StatusInput,
) -> ActionResult<recommendation::Model> {
    let r = load_answerable(act, id).await?;
    let to = check_status(&r, f)?;
    store::set_status(act.db, &act.actor(), act.now, id, to)
        .await
        .map_err(status_conflict)
}

fn check_status(r: &recommendation::Model, f: &StatusInput) -> ActionResult<RecommendationStatus> {
    let mut e = Fields::new();
    let Some(to) = choice(
        &mut e,
        "status",
        &f.status,
        true,
        RecommendationStatus::parse,
    ) else {
        return Err(invalid(e));
    };
    if to == RecommendationStatus::Answered {
        return Err(invalid_one("status", "answer_with_form"));
    }
    let from = r.status;
    if !from.can_move_to(to) {
        return Err(invalid_one("status", "not_allowed"));
    }
    Ok(to)
}

#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(default)]
pub struct AnswerInput {
    /// accepted | partly_accepted | not_accepted
    pub outcome: String,
    pub answer: String,
    /// Required when not accepted.
    pub reason: String,
    /// How the answer was given back to the children (may come later).
    pub feedback: String,
    /// dd/mm/yyyy or yyyy-mm-dd; empty for today.
    pub answered_on: String,
}

/// The agency's answer: the recommendation becomes `answered` for good.
pub async fn answer(act: Act<'_>, id: i32, f: &AnswerInput) -> ActionResult<recommendation::Model> {
    let r = load_answerable(act, id).await?;
    let a = check_answer_input(&r, f, act.now.date_naive())?;
    store::answer(act.db, &act.actor(), act.now, id, a)
        .await
        .map_err(status_conflict)
}

fn optional(e: &mut Fields, field: &str, v: &str, max: usize) -> Option<String> {
    let v = v.trim();
    if v.is_empty() {
        None
    } else {
        if v.chars().count() > max {
            e.insert(field.into(), "too_long".into());
        }
        Some(v.to_string())
    }
}

fn check_answer_input(
    r: &recommendation::Model,
    f: &AnswerInput,
    today: NaiveDate,
) -> ActionResult<Answer> {
    let mut e = Fields::new();
    let from = r.status;
    if !from.can_move_to(RecommendationStatus::Answered) {
        return Err(invalid_one("status", "already_answered"));
    }
    let outcome = choice(&mut e, "outcome", &f.outcome, true, Outcome::parse);
    let answer = f.answer.trim().to_string();
    if answer.chars().count() > MAX_ANSWER {
        e.insert("answer".into(), "too_long".into());
    }
    let reason = optional(&mut e, "reason", &f.reason, MAX_NOTE);
    let feedback = optional(&mut e, "feedback", &f.feedback, MAX_NOTE);
    if answer.is_empty() {
        e.insert("answer".into(), "required".into());
    }
    if let Some(o) = outcome
        && let Err(code) = check_answer(o, &answer, reason.as_deref())
    {
        match code {
            "reason_required" => e.insert("reason".into(), "reason_required".into()),
            _ => e.insert("answer".into(), "required".into()),
        };
    }
    let answered_on = if f.answered_on.trim().is_empty() {
        Some(today)
    } else {
        date(&mut e, "answered_on", &f.answered_on)
    };
    if let Some(d) = answered_on {
        if d > today {
            e.insert("answered_on".into(), "in_the_future".into());
        } else if d.year() < r.year {
            // Before the year of the forum, dialogue or club it came from.
            e.insert("answered_on".into(), "before_received".into());
        }
    }
    match (outcome, answered_on) {
        (Some(outcome), Some(answered_on)) if e.is_empty() => Ok(Answer {
            outcome,
            answer,
            // A reason belongs to a refusal or a partial acceptance.
            reason: if outcome == Outcome::Accepted {
                None
            } else {
                reason
            },
            feedback,
            answered_on,
        }),
        _ => Err(invalid(e)),
    }
}

#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(default)]
pub struct FeedbackInput {
    pub feedback: String,
}

/// Records how an answered recommendation's answer was given back to the
/// children.
pub async fn feedback(
    act: Act<'_>,
    id: i32,
    f: &FeedbackInput,
) -> ActionResult<recommendation::Model> {
    let r = load_answerable(act, id).await?;
    let v = check_feedback(&r, f)?;
    store::set_feedback(act.db, &act.actor(), act.now, id, v)
        .await
        .map_err(status_conflict)
}

fn check_feedback(r: &recommendation::Model, f: &FeedbackInput) -> ActionResult<String> {
    if r.status != RecommendationStatus::Answered {
        return Err(invalid_one("feedback", "not_answered"));
    }
    let mut e = Fields::new();
    let v = text(&mut e, "feedback", &f.feedback, MAX_NOTE);
    if e.is_empty() { Ok(v) } else { Err(invalid(e)) }
}

// ---------------------------------------------------------------- lists

#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(default)]
pub struct ListQuery {
    pub unit: String,
    pub status: String,
    /// Agency code.
    pub agency: String,
    pub year: String,
    /// Any non-empty value: only the overdue ones.
    pub overdue: String,
}

/// Turns list query parameters into a store filter; unknown values are named.
pub async fn filter_of(
    db: &DatabaseConnection,
    scope: &Scope,
    q: &ListQuery,
    today: NaiveDate,
) -> ActionResult<RecommendationFilter> {
    let mut e = Fields::new();
    let mut f = RecommendationFilter {
        unit_path: unit_filter(db, scope, &q.unit, &q.year, &mut e).await?,
        year: year_filter(&q.year, &mut e),
        ..Default::default()
    };
    f.status = choice(
        &mut e,
        "status",
        &q.status,
        false,
        RecommendationStatus::parse,
    );
    if !q.agency.trim().is_empty() {
        match agencies::by_code(db, q.agency.trim()).await? {
            Some(a) => f.agency_id = Some(a.id),
            None => {
                e.insert("agency".into(), "unknown_agency".into());
            }
        }
    }
    if !q.overdue.trim().is_empty() && q.overdue.trim() != "0" && q.overdue.trim() != "false" {
        f.overdue_on = Some(today);
    }
    if e.is_empty() { Ok(f) } else { Err(invalid(e)) }
}

#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(default)]
pub struct PublicQuery {
    /// Code of a province or district (its subtree).
    pub unit: String,
    pub year: String,
}

/// The public filter: any unit by code (the public sees the whole province), a year.
pub async fn public_filter(
    db: &DatabaseConnection,
    q: &PublicQuery,
) -> ActionResult<(Option<unit::Model>, Option<i32>)> {
    let mut e = Fields::new();
    let mut u = None;
    if !q.unit.trim().is_empty() {
        u = units::by_code(db, q.unit.trim()).await?;
        if u.is_none() {
            e.insert("unit".into(), "unknown_unit".into());
        }
    }
    let year = year_filter(&q.year, &mut e);
    if e.is_empty() {
        Ok((u, year))
    } else {
        Err(invalid(e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};

    fn rec(status: &str) -> recommendation::Model {
        recommendation::Model {
            id: 1,
            source: RecommendationSource::Forum,
            source_id: 1,
            unit_id: 1,
            year: 2019,
            text: "t".into(),
            topic: "x".into(),
            agency_id: 7,
            deadline: NaiveDate::from_ymd_opt(2019, 9, 1).expect("date"),
            status: RecommendationStatus::parse(status).expect("status"),
            outcome: None,
            answer: None,
            reason: None,
            feedback: None,
            answered_on: None,
            answered_by: None,
            created_by: None,
            created_at: Utc
                .with_ymd_and_hms(2019, 6, 1, 8, 0, 0)
                .single()
                .expect("time"),
            updated_at: Utc
                .with_ymd_and_hms(2019, 6, 1, 8, 0, 0)
                .single()
                .expect("time"),
        }
    }

    #[test]
    fn statuses_only_go_forward() {
        let f = |s: &str| StatusInput { status: s.into() };
        assert!(check_status(&rec("received"), &f("assigned")).is_ok());
        assert!(check_status(&rec("in_progress"), &f("received")).is_err());
        assert!(check_status(&rec("received"), &f("answered")).is_err());
        assert!(check_status(&rec("answered"), &f("in_progress")).is_err());
    }

    #[test]
    fn a_refusal_needs_its_reason() {
        let today = NaiveDate::from_ymd_opt(2019, 7, 1).expect("date");
        let f = AnswerInput {
            outcome: "not_accepted".into(),
            answer: "Chưa bố trí được kinh phí năm nay.".into(),
            ..Default::default()
        };
        let Err(ActionError::Invalid { fields, .. }) =
            check_answer_input(&rec("received"), &f, today)
        else {
            panic!("accepted a refusal without reason");
        };
        assert_eq!(fields["reason"], "reason_required");
        let ok = AnswerInput {
            reason: "Ngân sách đã phân bổ hết.".into(),
            ..f
        };
        let a = check_answer_input(&rec("received"), &ok, today).expect("answer");
        assert_eq!(a.answered_on, today);
        assert!(check_answer_input(&rec("answered"), &ok, today).is_err());
    }
}
