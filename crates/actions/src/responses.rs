//! Children's views: a paper form typed in, a group discussion entered as
//! one tally, and a child's own answers from the child's page, an offline
//! tool or the facilitator's device. The pages (`pages/consultations.rs`,
//! `pages/child.rs`), the API (`api/consultations.rs`, `api/child.rs`) and
//! the facilitator's sync (`api/facilitator.rs`) use these functions.
//!
//! Every submission carries a client-made `submission_id` (a UUID): the same
//! id with the same content is stored once (`Submitted::Duplicate`), with
//! other content it is `Conflict { submission_id }`.

use crate::catalog::Action;
use crate::consultations::{Number, load_for_write, too_long};
use crate::{Act, ActionError, ActionResult, Fields, invalid};
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use std::collections::{BTreeMap, HashSet};
use thamgia_domain::access::{Permission, Scope};
use thamgia_domain::ethnic;
use thamgia_domain::voice::{
    FieldErrors, JoinCode, MAX_AGE, MIN_AGE, Profile, QuestionKind, QuestionSpec, RawAnswer,
    RawProfile, Source, Status, ValidAnswer, validate_answers, validate_profile,
};
use thamgia_store::StoreError;
use thamgia_store::entity::{consultation, question, question_option, response, unit};
use thamgia_store::responses::{self, Submission, Submitted, Tally};
use thamgia_store::{consultations, units};

/// The write actions of this module (`catalog::all`).
pub const ACTIONS: &[Action] = &[
    Action::agency("responses.submit_paper", Permission::RunConsultations),
    Action::agency("responses.submit_tally", Permission::RunConsultations),
];

/// Most children in one group discussion.
pub const MAX_GROUP: i64 = 200;
/// Longest name of a group, in characters.
pub const MAX_GROUP_LABEL: usize = 100;

/// Whether a client-made submission id is a UUID.
pub fn is_uuid(s: &str) -> bool {
    uuid::Uuid::parse_str(s.trim()).is_ok()
}

/// SHA-256 of a canonical form of what a child said: the profile, then the
/// answers by question id (chosen options sorted, a ranking in its order).
/// Every door (the child's page, the API, paper forms, the offline app)
/// computes the same digest for the same content.
pub fn content_hash(p: &Profile, answers: &[(i32, ValidAnswer)]) -> String {
    let mut list: Vec<serde_json::Value> = answers
        .iter()
        .map(|(qid, a)| match a {
            ValidAnswer::Options(o) => {
                let mut o = o.clone();
                o.sort_unstable();
                serde_json::json!([qid, "options", o])
            }
            ValidAnswer::Ranking(o) => serde_json::json!([qid, "ranking", o]),
            ValidAnswer::Face(f) => serde_json::json!([qid, "face", f]),
            ValidAnswer::Text(t) => serde_json::json!([qid, "text", t]),
        })
        .collect();
    list.sort_by_key(|v| v[0].as_i64());
    let canonical = serde_json::json!({
        "v": 1,
        "profile": [
            p.age.map(|a| a.get()),
            p.sex.map(|s| s.as_str()),
            p.ethnic,
            p.disability,
            p.unit,
        ],
        "answers": list,
    });
    thamgia_store::sha256_hex(&canonical.to_string())
}

fn not_open() -> ActionError {
    ActionError::Conflict {
        field: "status".into(),
    }
}

/// What the answers are checked against: each question's kind, whether it
/// is required, and its options.
pub fn specs_of(qs: &[(question::Model, Vec<question_option::Model>)]) -> Vec<QuestionSpec> {
    qs.iter()
        .filter_map(|(q, os)| {
            Some(QuestionSpec {
                id: q.id,
                kind: QuestionKind::parse(&q.kind)?,
                required: q.required,
                option_ids: os.iter().map(|o| o.id).collect(),
                max_choices: q.max_choices.and_then(|m| usize::try_from(m).ok()),
            })
        })
        .collect()
}

// ---------------------------------------------------------------- paper forms

/// The units a child may name as their school or commune on a paper form:
/// the audience units and those below them (the consultation's own unit
/// when no audience is set).
pub async fn profile_units(
    db: &DatabaseConnection,
    k: &consultation::Model,
) -> ActionResult<Vec<unit::Model>> {
    let mut roots = consultations::audience_units(db, k.id).await?;
    if roots.is_empty()
        && let Some(u) = units::by_id(db, k.unit_id).await?
    {
        roots.push(u);
    }
    let mut out: Vec<unit::Model> = vec![];
    for r in roots {
        for u in units::list(
            db,
            &Scope {
                path: r.path.clone(),
            },
        )
        .await?
        {
            if !out.iter().any(|x| x.id == u.id) {
                out.push(u);
            }
        }
    }
    out.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(out)
}

/// A paper form as read by its adapter: the profile, the answers by
/// question id, and the errors the adapter found while reading (a number
/// that is not a number, a question key that is not an id), reported with
/// the others.
#[derive(Debug, Default, Clone)]
pub struct PaperInput {
    pub submission_id: String,
    pub profile: RawProfile,
    pub answers: BTreeMap<i32, RawAnswer>,
    pub read_errors: Fields,
}

/// Stores one paper form typed in by the caller (source `paper`):
/// `Conflict { status }` when the consultation is not open,
/// `Conflict { submission_id }` when the id was used with other content,
/// else every invalid field (`age`, `sex`, `ethnic`, `unit`, `q{id}`,
/// `submission_id`).
pub async fn submit_paper(act: Act<'_>, id: i32, f: &PaperInput) -> ActionResult<Submitted> {
    act.require(Permission::RunConsultations)?;
    let (k, _) = load_for_write(act, id).await?;
    let db = act.db;
    if k.status != Status::Open {
        return Err(not_open());
    }
    let mut errors = f.read_errors.clone();
    if !is_uuid(&f.submission_id) {
        errors.insert("submission_id".into(), "not_a_uuid".into());
    }
    let specs = specs_of(&consultations::questions(db, k.id).await?);
    let audience = (
        u8::try_from(k.age_min).unwrap_or(MIN_AGE),
        u8::try_from(k.age_max).unwrap_or(MAX_AGE),
    );
    let merge = |into: &mut Fields, from: Fields| {
        for (k, v) in from {
            into.entry(k).or_insert(v);
        }
    };
    let codes = ethnic::codes();
    let valid_profile = match validate_profile(&f.profile, &codes, audience) {
        Ok(v) => Some(v),
        Err(e) => {
            merge(&mut errors, e);
            None
        }
    };
    let valid_answers = match validate_answers(&specs, &f.answers) {
        Ok(v) => Some(v),
        Err(e) => {
            merge(&mut errors, e);
            None
        }
    };
    let mut unit_id = None;
    if let Some(code) = f
        .profile
        .unit
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        match profile_units(db, &k)
            .await?
            .into_iter()
            .find(|u| u.code == code)
        {
            Some(u) => unit_id = Some(u.id),
            None => {
                errors
                    .entry("unit".into())
                    .or_insert_with(|| "unknown_option".into());
            }
        }
    }
    match (valid_profile, valid_answers) {
        (Some(profile), Some(answers)) if errors.is_empty() => {
            let content_hash = content_hash(&profile, &answers);
            let s = Submission {
                consultation_id: k.id,
                submission_id: f.submission_id.trim().to_string(),
                content_hash,
                source: Source::Paper,
                profile,
                profile_unit_id: unit_id,
                answers,
                entered_by: Some(act.p.user_id),
            };
            Ok(responses::submit(db, act.now, s).await?)
        }
        _ => Err(invalid(errors)),
    }
}

// ---------------------------------------------------------------- group tallies

/// A group discussion's tally as sent.
#[derive(Debug, Default, Clone)]
pub struct TallyInput {
    pub submission_id: String,
    pub label: String,
    pub girls: Number,
    pub boys: Number,
    pub age_6_10: Number,
    pub age_11_15: Number,
    /// Option id (as sent, trimmed) → number of children who chose it.
    pub counts: BTreeMap<String, Number>,
}

fn count_field(n: &Number, field: &str, e: &mut Fields) -> i64 {
    match n.read() {
        Ok(None) => 0,
        Ok(Some(n)) if n < 0 => {
            e.insert(field.into(), "negative".into());
            0
        }
        Ok(Some(n)) if n > MAX_GROUP * 10 => {
            e.insert(field.into(), "total_too_large".into());
            0
        }
        Ok(Some(n)) => n,
        Err(()) => {
            e.insert(field.into(), "not_a_number".into());
            0
        }
    }
}

/// Stores a group tally (source `group`): `Conflict { status }` when the
/// consultation is not open, else as [`check_group_tally`] names the fields.
pub async fn submit_tally(act: Act<'_>, id: i32, f: &TallyInput) -> ActionResult<Submitted> {
    act.require(Permission::RunConsultations)?;
    let (k, _) = load_for_write(act, id).await?;
    if k.status != Status::Open {
        return Err(not_open());
    }
    let t = check_group_tally(act.db, &k, f, Some(act.p.user_id))
        .await?
        .map_err(invalid)?;
    Ok(responses::submit_tally(act.db, &act.actor(), act.now, t).await?)
}

/// Checks a group tally against consultation `k`'s form, whatever its
/// status (the offline app's late rule decides that): the tally to store,
/// or every invalid field: `label`, `girls`, `boys`, `age_6_10`,
/// `age_11_15`, `ages` (bands do not add up), `o{option id}`, `q{question
/// id}` (a single choice counted more often than children), `submission_id`.
pub async fn check_group_tally(
    db: &DatabaseConnection,
    k: &consultation::Model,
    f: &TallyInput,
    entered_by: Option<i32>,
) -> ActionResult<Result<Tally, Fields>> {
    let mut e = Fields::new();
    if !is_uuid(&f.submission_id) {
        e.insert("submission_id".into(), "not_a_uuid".into());
    }
    let label = f.label.trim().to_string();
    if label.is_empty() {
        e.insert("label".into(), "required".into());
    } else if too_long(&label, MAX_GROUP_LABEL) {
        e.insert("label".into(), "too_long".into());
    }
    let girls = count_field(&f.girls, "girls", &mut e);
    let boys = count_field(&f.boys, "boys", &mut e);
    let young = count_field(&f.age_6_10, "age_6_10", &mut e);
    let old = count_field(&f.age_11_15, "age_11_15", &mut e);
    let total = girls + boys;
    if e.is_empty() {
        if total < 1 {
            e.insert("girls".into(), "total_zero".into());
        } else if total > MAX_GROUP {
            e.insert("girls".into(), "total_too_large".into());
        } else if young + old != total {
            e.insert("ages".into(), "total_mismatch".into());
        }
        if young > 0 && k.age_min > 10 {
            e.insert("age_6_10".into(), "outside_audience".into());
        }
        if old > 0 && k.age_max < 11 {
            e.insert("age_11_15".into(), "outside_audience".into());
        }
    }
    let qs = consultations::questions(db, k.id).await?;
    let mut counts = vec![];
    let mut known = HashSet::new();
    let none = Number::default();
    for (q, os) in &qs {
        let kind = QuestionKind::parse(&q.kind);
        if !matches!(kind, Some(QuestionKind::Single | QuestionKind::Multiple)) {
            continue;
        }
        let mut sum = 0;
        for o in os {
            known.insert(o.id.to_string());
            let field = format!("o{}", o.id);
            let n = count_field(
                f.counts.get(&o.id.to_string()).unwrap_or(&none),
                &field,
                &mut e,
            );
            if n > total && total > 0 {
                e.insert(field, "count_too_large".into());
            }
            sum += n;
            counts.push((o.id, i32::try_from(n).unwrap_or(0)));
        }
        if kind == Some(QuestionKind::Single) && total > 0 && sum > total {
            e.insert(format!("q{}", q.id), "sum_too_large".into());
        }
    }
    for key in f.counts.keys() {
        if !known.contains(key) {
            e.insert(format!("o{key}"), "unknown_option".into());
        }
    }
    if !e.is_empty() {
        return Ok(Err(e));
    }
    Ok(Ok(Tally {
        consultation_id: k.id,
        submission_id: f.submission_id.trim().to_string(),
        label,
        girls: i32::try_from(girls).unwrap_or(0),
        boys: i32::try_from(boys).unwrap_or(0),
        age_6_10: i32::try_from(young).unwrap_or(0),
        age_11_15: i32::try_from(old).unwrap_or(0),
        counts,
        entered_by,
    }))
}

// ---------------------------------------------------------------- the child's form
//
// The child's own door (`/c/{code}`, `api/child.rs`, the facilitator's
// offline app) has no account: these are its rules, which consultations
// accept answers today ([`door`]), the form ([`Form`]) and the checks
// ([`check`]).

/// The most units offered in the "school or commune" list; a longer list is
/// no help to a child (and weighs on the page), so only the audience units
/// themselves are offered then.
const MAX_UNIT_CHOICES: usize = 300;

/// Where a consultation stands for a child today.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Door {
    /// Answers are accepted.
    Open,
    /// Open, but its first day has not come.
    NotYet,
    /// Closed, or past its last day: no more answers, the answer is not out yet.
    Closed,
    /// The answer to the children is published.
    Answered,
}

pub fn door(k: &consultation::Model, today: NaiveDate) -> Door {
    match k.status {
        Status::Answered => Door::Answered,
        Status::Open if today < k.opens_on => Door::NotYet,
        Status::Open if today <= k.closes_on => Door::Open,
        _ => Door::Closed,
    }
}

/// The consultation a code names, as children may see it: a draft, like an
/// unknown or malformed code, is `None`.
pub async fn find(
    db: &DatabaseConnection,
    code: &str,
) -> ActionResult<Option<consultation::Model>> {
    let Some(code) = JoinCode::parse(code) else {
        return Ok(None);
    };
    Ok(consultations::by_code(db, code.as_str())
        .await?
        .filter(|k| k.status != Status::Draft))
}

/// What a child's form is made of.
pub struct Form {
    pub k: consultation::Model,
    pub questions: Vec<(question::Model, Vec<question_option::Model>)>,
    /// Schools and communes a child may name: the audience units and their
    /// subtrees (the consultation's own unit when no audience is set).
    pub units: Vec<unit::Model>,
}

impl Form {
    /// The form of consultation `k`, with the units valid on `today`.
    pub async fn load(
        db: &DatabaseConnection,
        k: consultation::Model,
        today: NaiveDate,
    ) -> ActionResult<Form> {
        let questions = consultations::questions(db, k.id).await?;
        let mut roots = consultations::audience_units(db, k.id).await?;
        if roots.is_empty() {
            roots.extend(units::by_id(db, k.unit_id).await?);
        }
        let mut seen = HashSet::new();
        let mut all = vec![];
        for r in &roots {
            for u in units::list(
                db,
                &Scope {
                    path: r.path.clone(),
                },
            )
            .await?
            {
                if seen.insert(u.id) && units::is_valid_on(&u, today) {
                    all.push(u);
                }
            }
        }
        if all.len() > MAX_UNIT_CHOICES {
            all = roots
                .into_iter()
                .filter(|u| units::is_valid_on(u, today))
                .collect();
        }
        all.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(Form {
            k,
            questions,
            units: all,
        })
    }

    pub fn audience(&self) -> (u8, u8) {
        let clamp = |n: i32| n.clamp(0, 255) as u8;
        (clamp(self.k.age_min), clamp(self.k.age_max))
    }

    pub fn specs(&self) -> Vec<QuestionSpec> {
        specs_of(&self.questions)
    }

    pub fn kind_of(&self, field: &str) -> Option<QuestionKind> {
        let id: i32 = field.strip_prefix('q')?.parse().ok()?;
        self.questions
            .iter()
            .find(|(q, _)| q.id == id)
            .and_then(|(q, _)| QuestionKind::parse(&q.kind))
    }
}

/// A submission that passed every rule, ready to store.
pub struct Checked {
    pub profile: Profile,
    pub unit_id: Option<i32>,
    pub answers: Vec<(i32, ValidAnswer)>,
    pub hash: String,
}

/// Validates a profile and answers against the consultation; collects every
/// error (field → code; fields `age`, `sex`, `ethnic`, `unit`, `q{id}`).
pub fn check(
    form: &Form,
    p: &RawProfile,
    answers: &BTreeMap<i32, RawAnswer>,
) -> Result<Checked, FieldErrors> {
    let codes = ethnic::codes();
    let mut errors = FieldErrors::new();
    let profile = validate_profile(p, &codes, form.audience())
        .map_err(|e| errors.extend(e))
        .ok();
    let unit_id = match p.unit.as_deref().filter(|u| !u.is_empty()) {
        None => None,
        Some(code) => match form.units.iter().find(|u| u.code == code) {
            Some(u) => Some(u.id),
            None => {
                errors.insert("unit".into(), "unknown_unit".into());
                None
            }
        },
    };
    let answers = validate_answers(&form.specs(), answers)
        .map_err(|e| errors.extend(e))
        .ok();
    match (profile, answers) {
        (Some(profile), Some(answers)) if errors.is_empty() => {
            let hash = content_hash(&profile, &answers);
            Ok(Checked {
                profile,
                unit_id,
                answers,
                hash,
            })
        }
        _ => Err(errors),
    }
}

/// A client-made submission id: a UUID, stored in its canonical form.
pub fn submission_id(s: &str) -> Option<String> {
    uuid::Uuid::parse_str(s.trim())
        .ok()
        .map(|u| u.hyphenated().to_string())
}

/// What became of a child's submission.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Created,
    /// Already stored with the same content: acknowledged again.
    Duplicate,
    /// The same submission id was stored with other content.
    Conflict,
    /// Over the rate limit; nothing stored.
    Limited,
}

/// The per-minute limits of the child's door (kept in memory by the web
/// crate): a place for one more submission from `client` to the
/// consultation with join code `code`, given back when it did not count.
pub trait Limits {
    type Ticket;
    /// A place under every limit, or `None` over one.
    fn acquire(&self, client: &str, code: &str, now: DateTime<Utc>) -> Option<Self::Ticket>;
    /// Gives back a place that did not count.
    fn release(&self, ticket: Self::Ticket);
}

/// The content digest stored under a submission id, if any.
async fn stored_hash(
    db: &DatabaseConnection,
    consultation_id: i32,
    submission_id: &str,
) -> ActionResult<Option<String>> {
    Ok(response::Entity::find()
        .filter(response::Column::ConsultationId.eq(consultation_id))
        .filter(response::Column::SubmissionId.eq(submission_id))
        .one(db)
        .await
        .map_err(StoreError::from)?
        .map(|r| r.content_hash))
}

/// Stores a child's checked submission (source `online`) once, under the
/// per-client and per-code limits.
///
/// Only responses actually stored count against the limits: a resend of a
/// stored submission (a double tap, a reload, an offline tool retrying) is
/// acknowledged and costs nothing, and a refused or invalid one is not
/// counted either. Over the limit, a resend of a stored submission is still
/// acknowledged (one indexed lookup), so a retrying client learns it is done.
pub async fn submit_online<L: Limits>(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    limits: &L,
    client: &str,
    k: &consultation::Model,
    submission_id: &str,
    c: Checked,
) -> ActionResult<Outcome> {
    let Some(ticket) = limits.acquire(client, &k.join_code, now) else {
        return Ok(match stored_hash(db, k.id, submission_id).await? {
            Some(h) if h == c.hash => Outcome::Duplicate,
            Some(_) => Outcome::Conflict,
            None => Outcome::Limited,
        });
    };
    let result = responses::submit(
        db,
        now,
        Submission {
            consultation_id: k.id,
            submission_id: submission_id.to_string(),
            content_hash: c.hash,
            source: Source::Online,
            profile: c.profile,
            profile_unit_id: c.unit_id,
            answers: c.answers,
            entered_by: None,
        },
    )
    .await;
    match result {
        Ok(Submitted::Created(_)) => Ok(Outcome::Created),
        Ok(Submitted::Duplicate(_)) => {
            limits.release(ticket);
            Ok(Outcome::Duplicate)
        }
        Err(StoreError::Conflict {
            field: "submission_id",
        }) => {
            limits.release(ticket);
            Ok(Outcome::Conflict)
        }
        Err(e) => {
            limits.release(ticket);
            Err(e.into())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use thamgia_domain::voice::{Age, Sex};

    #[test]
    fn the_digest_ignores_the_order_of_chosen_options_only() {
        let p = Profile {
            age: Age::parse(9),
            sex: Some(Sex::Girl),
            ..Default::default()
        };
        let a = content_hash(
            &p,
            &[
                (1, ValidAnswer::Options(vec![3, 2])),
                (2, ValidAnswer::Face(2)),
            ],
        );
        let b = content_hash(
            &p,
            &[
                (2, ValidAnswer::Face(2)),
                (1, ValidAnswer::Options(vec![2, 3])),
            ],
        );
        assert_eq!(a, b);
        let r1 = content_hash(&p, &[(1, ValidAnswer::Ranking(vec![3, 2]))]);
        let r2 = content_hash(&p, &[(1, ValidAnswer::Ranking(vec![2, 3]))]);
        assert_ne!(r1, r2);
        let older = Profile {
            age: Age::parse(10),
            ..p.clone()
        };
        assert_ne!(
            a,
            content_hash(
                &older,
                &[
                    (1, ValidAnswer::Options(vec![3, 2])),
                    (2, ValidAnswer::Face(2))
                ]
            )
        );
        assert_eq!(a.len(), 64);
    }

    #[test]
    fn submission_ids_are_uuids() {
        assert_eq!(
            submission_id(" 6F9619FF-8B86-D011-B42D-00C04FC964FF ").as_deref(),
            Some("6f9619ff-8b86-d011-b42d-00c04fc964ff")
        );
        assert!(submission_id("not-a-uuid").is_none());
        assert!(submission_id("").is_none());
    }
}
