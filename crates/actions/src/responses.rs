//! Children's views entered by adults: a paper form typed in, a group
//! discussion entered as one tally. The pages (`pages/consultations.rs`),
//! the API (`api/consultations.rs`) and the facilitator's sync
//! (`api/facilitator.rs`) use these functions.
//!
//! Every submission carries a client-made `submission_id` (a UUID): the same
//! id with the same content is stored once (`Submitted::Duplicate`), with
//! other content it is `Conflict { submission_id }`.

use crate::catalog::{Action, Owner};
use crate::consultations::{Number, load_for_write, too_long};
use crate::{Act, ActionError, ActionResult, Fields, invalid};
use sea_orm::DatabaseConnection;
use std::collections::{BTreeMap, HashSet};
use thamgia_domain::access::{Permission, Scope};
use thamgia_domain::ethnic;
use thamgia_domain::voice::{
    MAX_AGE, MIN_AGE, Profile, QuestionKind, QuestionSpec, RawAnswer, RawProfile, Source, Status,
    ValidAnswer, validate_answers, validate_profile,
};
use thamgia_store::entity::{consultation, unit};
use thamgia_store::responses::{self, Submission, Submitted, Tally};
use thamgia_store::{consultations, units};

/// The write actions of this module (`catalog::all`).
pub const ACTIONS: &[Action] = &[
    Action {
        name: "responses.submit_paper",
        permission: Permission::RunConsultations,
        owner: Owner::Agency,
    },
    Action {
        name: "responses.submit_tally",
        permission: Permission::RunConsultations,
        owner: Owner::Agency,
    },
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
    if k.status != Status::Open.as_str() {
        return Err(not_open());
    }
    let mut errors = f.read_errors.clone();
    if !is_uuid(&f.submission_id) {
        errors.insert("submission_id".into(), "not_a_uuid".into());
    }
    let qs = consultations::questions(db, k.id).await?;
    let specs: Vec<QuestionSpec> = qs
        .iter()
        .filter_map(|(q, os)| {
            Some(QuestionSpec {
                id: q.id,
                kind: QuestionKind::parse(&q.kind)?,
                required: q.required,
                option_ids: os.iter().map(|o| o.id).collect(),
            })
        })
        .collect();
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
    if k.status != Status::Open.as_str() {
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
