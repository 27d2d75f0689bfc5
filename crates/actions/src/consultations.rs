//! Consultations: create one for a matter, write its questions while it is a
//! draft, open it. `pages/consultations.rs` and `api/consultations.rs` call
//! these functions.
//!
//! Every write on a consultation loads it with [`load_for_write`]: in the
//! caller's scope, and about a matter the caller may act for
//! (`Principal::may_act_for`, the matter's ownership rule).

use crate::catalog::Action;
use crate::{Act, ActionError, ActionResult, Fields, choice, invalid, invalid_one};
use chrono::NaiveDate;
use sea_orm::DatabaseConnection;
use std::collections::HashSet;
use thamgia_domain::access::{Permission, Role, Scope};
use thamgia_domain::activities::parse_date;
use thamgia_domain::voice::{JoinCode, MAX_AGE, MIN_AGE, Method, QuestionKind, Status};
use thamgia_store::consultations::{NewConsultation, NewQuestion};
use thamgia_store::entity::{consultation, matter, question, unit, user};
use thamgia_store::{consultations, matters, units, users};

/// The write actions of this module (`catalog::all`).
pub const ACTIONS: &[Action] = &[
    Action::agency("consultations.create", Permission::RunConsultations),
    Action::agency("consultations.add_question", Permission::RunConsultations),
    Action::agency(
        "consultations.delete_question",
        Permission::RunConsultations,
    ),
    Action::agency("consultations.open", Permission::RunConsultations),
    Action::agency("consultations.edit_question", Permission::RunConsultations),
    Action::agency(
        "consultations.reorder_questions",
        Permission::RunConsultations,
    ),
];

pub const MAX_TITLE: usize = 200;
pub const MAX_INTRO: usize = 2000;
pub const MAX_QUESTION: usize = 300;
pub const MAX_OPTION: usize = 100;
pub const MAX_EMOJI: usize = 32;
pub const MIN_OPTIONS: usize = 2;
pub const MAX_OPTIONS: usize = 10;
/// How many random join codes are offered to the store (it takes the first unused).
const CODE_CANDIDATES: usize = 24;

pub(crate) fn too_long(s: &str, max: usize) -> bool {
    s.chars().count() > max
}

/// A whole number as sent: a client's JSON number, or a form's text (read
/// here, so that "not a number" is one rule).
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(untagged)]
pub enum Number {
    Int(i64),
    Text(String),
}

impl Default for Number {
    fn default() -> Self {
        Number::Text(String::new())
    }
}

impl From<i64> for Number {
    fn from(n: i64) -> Self {
        Number::Int(n)
    }
}

impl From<&str> for Number {
    fn from(s: &str) -> Self {
        Number::Text(s.to_string())
    }
}

impl Number {
    /// `Ok(None)` when nothing was typed, `Err(())` when the text is not a
    /// whole number.
    #[allow(clippy::result_unit_err)]
    pub fn read(&self) -> Result<Option<i64>, ()> {
        match self {
            Number::Int(n) => Ok(Some(*n)),
            Number::Text(t) if t.trim().is_empty() => Ok(None),
            Number::Text(t) => t.trim().parse::<i64>().map(Some).map_err(|_| ()),
        }
    }
}

// ---------------------------------------------------------------- creating

/// A new consultation as sent: codes, the method, the dates as text
/// (`dd/mm/yyyy` or `yyyy-mm-dd`), read and checked here once.
#[derive(Debug, Default, Clone)]
pub struct ConsultationInput {
    pub matter_id: i32,
    /// Code of the unit that holds the consultation (empty: the matter's).
    pub unit: String,
    pub title: String,
    pub intro: String,
    pub method: String,
    pub age_min: Number,
    pub age_max: Number,
    pub opens_on: String,
    pub closes_on: String,
    /// Username of the facilitator; empty for none.
    pub facilitator: String,
    /// Codes of the units whose children are asked.
    pub audience: Vec<String>,
}

/// Creates a consultation about a matter, in draft, with a fresh join code
/// (`RunConsultations`; an agency officer for their own agency's matters).
pub async fn create(act: Act<'_>, f: &ConsultationInput) -> ActionResult<consultation::Model> {
    act.require(Permission::RunConsultations)?;
    let (m, mu) = matter_for_consultation(act, f.matter_id).await?;
    let n = check_new(act, &m, &mu, f).await?;
    let codes: Vec<JoinCode> = {
        use rand::Rng;
        let mut rng = rand::rng();
        (0..CODE_CANDIDATES)
            .map(|_| JoinCode::from_random(std::array::from_fn(|_| rng.random::<u32>())))
            .collect()
    };
    Ok(consultations::create(act.db, &act.actor(), act.now, n, codes).await?)
}

/// A matter to ask children about: inside the scope (else `NotFound`), and
/// one the caller may act for (else `Forbidden`), the rule every later
/// write on its consultations checks (`consultations::for_write`).
pub async fn matter_for_consultation(
    act: Act<'_>,
    id: i32,
) -> ActionResult<(matter::Model, unit::Model)> {
    let (m, u, _) = matters::get_in_scope(act.db, &act.p.scope(), id).await?;
    if !act.p.may_act_for(Some(m.owner_agency_id)) {
        return Err(ActionError::Forbidden);
    }
    Ok((m, u))
}

/// Units a consultation about this matter may be held in: the matter's unit
/// and those below it, inside the caller's scope.
pub async fn unit_choices(
    db: &DatabaseConnection,
    scope: &Scope,
    matter_unit: &unit::Model,
) -> ActionResult<Vec<unit::Model>> {
    let sub = Scope {
        path: matter_unit.path.clone(),
    };
    Ok(units::list(db, &sub)
        .await?
        .into_iter()
        .filter(|u| scope.contains(&u.path))
        .collect())
}

/// Active facilitators in the caller's scope, with their unit.
pub async fn facilitator_choices(
    db: &DatabaseConnection,
    scope: &Scope,
) -> ActionResult<Vec<(user::Model, unit::Model)>> {
    Ok(users::list(db, scope)
        .await?
        .into_iter()
        .filter(|(u, _)| u.active && u.role == Role::Facilitator.as_str())
        .collect())
}

fn read_age(n: &Number, field: &str, e: &mut Fields) -> Option<u8> {
    match n.read() {
        Ok(None) => {
            e.insert(field.into(), "required".into());
            None
        }
        Ok(Some(n)) if (i64::from(MIN_AGE)..=i64::from(MAX_AGE)).contains(&n) => {
            u8::try_from(n).ok()
        }
        Ok(Some(_)) => {
            e.insert(field.into(), "age_range".into());
            None
        }
        Err(()) => {
            e.insert(field.into(), "not_a_number".into());
            None
        }
    }
}

fn required_date(s: &str, field: &str, e: &mut Fields) -> Option<NaiveDate> {
    if s.trim().is_empty() {
        e.insert(field.into(), "required".into());
        return None;
    }
    let d = parse_date(s);
    if d.is_none() {
        e.insert(field.into(), "not_a_date".into());
    }
    d
}

/// Checks a new consultation for a matter already loaded inside the scope:
/// every field, every error at once.
async fn check_new(
    act: Act<'_>,
    m: &matter::Model,
    matter_unit: &unit::Model,
    f: &ConsultationInput,
) -> ActionResult<NewConsultation> {
    let db = act.db;
    let scope = act.p.scope();
    let mut e = Fields::new();
    let title = f.title.trim().to_string();
    if title.is_empty() {
        e.insert("title".into(), "required".into());
    } else if too_long(&title, MAX_TITLE) {
        e.insert("title".into(), "too_long".into());
    }
    let intro = f.intro.trim().to_string();
    if too_long(&intro, MAX_INTRO) {
        e.insert("intro".into(), "too_long".into());
    }
    let method = choice(&mut e, "method", &f.method, true, Method::parse);
    let age_min = read_age(&f.age_min, "age_min", &mut e);
    let age_max = read_age(&f.age_max, "age_max", &mut e);
    if let (Some(a), Some(b)) = (age_min, age_max)
        && a > b
    {
        e.insert("age_max".into(), "age_order".into());
    }
    let opens = required_date(&f.opens_on, "opens_on", &mut e);
    let closes = required_date(&f.closes_on, "closes_on", &mut e);
    if let (Some(o), Some(c)) = (opens, closes)
        && c < o
    {
        e.insert("closes_on".into(), "closes_before_opens".into());
    }
    let choices = unit_choices(db, &scope, matter_unit).await?;
    let held_in = if f.unit.trim().is_empty() {
        Some(matter_unit.clone())
    } else {
        let u = choices.iter().find(|u| u.code == f.unit.trim()).cloned();
        if u.is_none() {
            e.insert("unit".into(), "unknown_unit".into());
        }
        u
    };
    let facilitator_id = if f.facilitator.trim().is_empty() {
        None
    } else {
        let found = facilitator_choices(db, &scope)
            .await?
            .into_iter()
            .find(|(u, _)| u.username == f.facilitator.trim());
        match found {
            None => {
                e.insert("facilitator".into(), "unknown_facilitator".into());
                None
            }
            Some((fu, fu_unit)) => {
                // The facilitator must be able to open the consultation.
                if held_in
                    .as_ref()
                    .is_some_and(|h| !thamgia_domain::access::is_within(&h.path, &fu_unit.path))
                {
                    e.insert("facilitator".into(), "facilitator_cannot_see".into());
                }
                Some(fu.id)
            }
        }
    };
    let all_units = units::list(db, &scope).await?;
    let mut audience_ids = vec![];
    for code in &f.audience {
        // A reused code names the unit open on the opening day.
        let same: Vec<&unit::Model> = all_units.iter().filter(|u| u.code == code.trim()).collect();
        let chosen = opens
            .and_then(|d| {
                same.iter()
                    .rev()
                    .find(|u| units::is_valid_on(u, d))
                    .copied()
            })
            .or_else(|| same.last().copied());
        match chosen {
            Some(u) if !audience_ids.contains(&u.id) => audience_ids.push(u.id),
            Some(_) => {}
            None => {
                e.insert("audience".into(), "unknown_unit".into());
            }
        }
    }
    match (method, age_min, age_max, opens, closes, held_in) {
        (Some(method), Some(age_min), Some(age_max), Some(opens_on), Some(closes_on), Some(u))
            if e.is_empty() =>
        {
            Ok(NewConsultation {
                matter_id: Some(m.id),
                unit_id: u.id,
                title,
                intro,
                method,
                age_min,
                age_max,
                opens_on,
                closes_on,
                facilitator_id,
                audience_unit_ids: audience_ids,
            })
        }
        _ => Err(invalid(e)),
    }
}

// ---------------------------------------------------------------- questions

/// A consultation in the caller's scope that the caller may change: about a
/// matter they may act for (`consultations::for_write`), else `Forbidden`.
pub async fn load_for_write(
    act: Act<'_>,
    id: i32,
) -> ActionResult<(consultation::Model, unit::Model)> {
    Ok(consultations::for_write(act.db, act.p, id).await?)
}

/// One option of a choice or ranking question.
#[derive(Debug, Default, Clone)]
pub struct OptionInput {
    pub label_vi: String,
    pub label_en: Option<String>,
    pub emoji: Option<String>,
}

/// A new question as sent.
#[derive(Debug, Default, Clone)]
pub struct QuestionInput {
    pub kind: String,
    pub text_vi: String,
    pub text_en: String,
    pub required: bool,
    /// "Choose up to N" of a multiple-choice question; empty for no limit.
    pub max_choices: Number,
    pub options: Vec<OptionInput>,
}

/// Adds a question at the end of a draft. `Conflict { status }` once the
/// consultation is no longer a draft (before the question is checked).
pub async fn add_question(
    act: Act<'_>,
    id: i32,
    f: &QuestionInput,
) -> ActionResult<question::Model> {
    draft_for_write(act, id).await?;
    let q = check_input(f)?;
    Ok(consultations::add_question(act.db, &act.actor(), act.now, id, q).await?)
}

/// Removes a question of a draft (`Conflict { status }` once it is not).
pub async fn delete_question(act: Act<'_>, id: i32, qid: i32) -> ActionResult<()> {
    act.require(Permission::RunConsultations)?;
    load_for_write(act, id).await?;
    Ok(consultations::delete_question(act.db, &act.actor(), act.now, id, qid).await?)
}

/// Rewrites a question of a draft (its kind, texts, options), keeping its
/// place: `Conflict { status }` once the consultation is not a draft, checked
/// again inside the store's transaction, so nothing changes after opening.
pub async fn edit_question(
    act: Act<'_>,
    id: i32,
    qid: i32,
    f: &QuestionInput,
) -> ActionResult<question::Model> {
    draft_for_write(act, id).await?;
    let q = check_input(f)?;
    Ok(consultations::update_question(act.db, &act.actor(), act.now, id, qid, q).await?)
}

/// Puts a draft's questions in the order given (question ids, each once):
/// `order: not_every_question` when the list is not exactly its questions,
/// `Conflict { status }` once it is not a draft, `Conflict { order }` when
/// the questions changed under the caller.
pub async fn reorder_questions(act: Act<'_>, id: i32, order: &[i32]) -> ActionResult<()> {
    draft_for_write(act, id).await?;
    let mut have: Vec<i32> = consultations::questions(act.db, id)
        .await?
        .into_iter()
        .map(|(q, _)| q.id)
        .collect();
    let mut given = order.to_vec();
    have.sort_unstable();
    given.sort_unstable();
    if have != given {
        return Err(invalid_one("order", "not_every_question"));
    }
    Ok(consultations::reorder_questions(act.db, &act.actor(), act.now, id, order).await?)
}

/// The order `order` with question `qid` moved one place up (or down); the
/// same order when it cannot move.
pub fn moved(order: &[i32], qid: i32, up: bool) -> Vec<i32> {
    let mut o = order.to_vec();
    if let Some(i) = o.iter().position(|x| *x == qid) {
        let j = if up { i.checked_sub(1) } else { Some(i + 1) };
        if let Some(j) = j.filter(|j| *j < o.len()) {
            o.swap(i, j);
        }
    }
    o
}

/// The question builder's templates: a question ready to write, with the
/// pictures of the child's page (`domain::pictures`).
pub const TEMPLATES: &[&str] = &["faces", "yes_no", "choose_three", "rank_three"];

/// The question a template starts from (texts in both languages; options
/// with their pictures). `None` for a name that is not a template.
pub fn template(name: &str) -> Option<QuestionInput> {
    let opt = |vi: &str, pic: &str, en: &str| OptionInput {
        label_vi: vi.into(),
        label_en: (!en.is_empty()).then(|| en.into()),
        emoji: (!pic.is_empty()).then(|| pic.into()),
    };
    let blank = || opt("", "", "");
    let (kind, vi, en, options) = match name {
        "faces" => (
            QuestionKind::Faces5,
            "Em thấy thế nào về điều này?",
            "How do you feel about this?",
            vec![],
        ),
        "yes_no" => (
            QuestionKind::Single,
            "Em có đồng ý không?",
            "Do you agree?",
            vec![opt("Có", "yes", "Yes"), opt("Không", "no", "No")],
        ),
        "choose_three" => (
            QuestionKind::Multiple,
            "Em chọn tối đa ba điều em thích nhất.",
            "Choose up to three things you like best.",
            vec![blank(), blank(), blank(), blank(), blank()],
        ),
        "rank_three" => (
            QuestionKind::Ranking,
            "Em xếp ba điều này theo thứ tự em thích.",
            "Put these three things in the order you like them.",
            vec![blank(), blank(), blank()],
        ),
        _ => return None,
    };
    Some(QuestionInput {
        kind: kind.as_str().into(),
        text_vi: vi.into(),
        text_en: en.into(),
        required: true,
        max_choices: match name {
            "choose_three" => Number::Int(3),
            _ => Number::default(),
        },
        options,
    })
}

/// Opens a draft that has at least one question: `Conflict { status }` when
/// it is not a draft, `questions: no_questions` when it has none.
pub async fn open(act: Act<'_>, id: i32) -> ActionResult<consultation::Model> {
    let k = draft_for_write(act, id).await?;
    if consultations::questions(act.db, k.id).await?.is_empty() {
        return Err(invalid_one("questions", "no_questions"));
    }
    Ok(consultations::open(act.db, &act.actor(), act.now, k.id).await?)
}

/// A draft the caller may change (`RunConsultations`, [`load_for_write`]):
/// `Conflict { status }` once it is not a draft, before any field is checked
/// (the store checks again inside its transaction).
async fn draft_for_write(act: Act<'_>, id: i32) -> ActionResult<consultation::Model> {
    act.require(Permission::RunConsultations)?;
    let (k, _) = load_for_write(act, id).await?;
    if k.status != Status::Draft {
        return Err(not_draft());
    }
    Ok(k)
}

fn check_input(f: &QuestionInput) -> ActionResult<NewQuestion> {
    check_question(f)
}

fn not_draft() -> ActionError {
    ActionError::Conflict {
        field: "status".into(),
    }
}

/// Checks a question and its options.
pub fn check_question(f: &QuestionInput) -> ActionResult<NewQuestion> {
    let (kind, text_vi, text_en, required, options) =
        (&f.kind, &f.text_vi, &f.text_en, f.required, &f.options);
    let mut e = Fields::new();
    let kind = QuestionKind::parse(kind.trim());
    if kind.is_none() {
        e.insert("kind".into(), "unknown_option".into());
    }
    let text_vi = text_vi.trim().to_string();
    if text_vi.is_empty() {
        e.insert("text_vi".into(), "required".into());
    } else if too_long(&text_vi, MAX_QUESTION) {
        e.insert("text_vi".into(), "too_long".into());
    }
    let text_en = text_en.trim().to_string();
    if too_long(&text_en, MAX_QUESTION) {
        e.insert("text_en".into(), "too_long".into());
    }
    let mut opts = vec![];
    if let Some(k) = kind {
        if k.has_options() {
            if options.len() < MIN_OPTIONS {
                e.insert("options".into(), "too_few_options".into());
            } else if options.len() > MAX_OPTIONS {
                e.insert("options".into(), "too_many_options".into());
            }
            let mut seen = HashSet::new();
            for o in options {
                let vi = o.label_vi.trim().to_string();
                let en = o
                    .label_en
                    .as_deref()
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_string);
                let emoji = o
                    .emoji
                    .as_deref()
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_string);
                if vi.is_empty() {
                    e.entry("options".into())
                        .or_insert_with(|| "option_label_required".into());
                } else if too_long(&vi, MAX_OPTION)
                    || en.as_deref().is_some_and(|s| too_long(s, MAX_OPTION))
                {
                    e.entry("options".into())
                        .or_insert_with(|| "option_too_long".into());
                } else if emoji.as_deref().is_some_and(|s| too_long(s, MAX_EMOJI)) {
                    e.entry("options".into())
                        .or_insert_with(|| "emoji_too_long".into());
                } else if let Some(code) = emoji
                    .as_deref()
                    .and_then(|s| thamgia_domain::pictures::check(s).err())
                {
                    e.entry("options".into()).or_insert_with(|| code.into());
                } else if !seen.insert(vi.to_lowercase()) {
                    e.entry("options".into())
                        .or_insert_with(|| "duplicate_option".into());
                }
                opts.push((vi, en, emoji));
            }
        } else if !options.is_empty() {
            e.insert("options".into(), "options_not_needed".into());
        }
    }
    let max_choices = read_max_choices(f, kind, &mut e);
    match kind {
        Some(kind) if e.is_empty() => Ok(NewQuestion {
            kind,
            text_vi,
            text_en: (!text_en.is_empty()).then_some(text_en),
            required,
            max_choices,
            options: opts,
        }),
        _ => Err(invalid(e)),
    }
}

/// A multiple-choice question's limit: empty for none, else a whole number
/// from 1 to its number of options (`max_choices: max_choices_range`); only
/// a multiple-choice question takes one (`max_choices_not_needed`).
fn read_max_choices(f: &QuestionInput, kind: Option<QuestionKind>, e: &mut Fields) -> Option<i32> {
    let n = match f.max_choices.read() {
        Ok(n) => n,
        Err(()) => {
            e.insert("max_choices".into(), "not_a_number".into());
            return None;
        }
    };
    let n = n?;
    if kind.is_some_and(|k| k != QuestionKind::Multiple) {
        e.insert("max_choices".into(), "max_choices_not_needed".into());
        return None;
    }
    let most = f.options.len().clamp(1, MAX_OPTIONS) as i64;
    if !(1..=most).contains(&n) {
        e.insert("max_choices".into(), "max_choices_range".into());
        return None;
    }
    i32::try_from(n).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cq(
        kind: &str,
        text_vi: &str,
        text_en: &str,
        required: bool,
        options: &[OptionInput],
    ) -> ActionResult<NewQuestion> {
        check_question(&QuestionInput {
            kind: kind.into(),
            text_vi: text_vi.into(),
            text_en: text_en.into(),
            required,
            max_choices: Number::default(),
            options: options.to_vec(),
        })
    }

    #[test]
    fn choose_up_to_n_is_for_multiple_choice_and_within_its_options() {
        let with = |kind: &str, n: Number, options: usize| {
            check_question(&QuestionInput {
                kind: kind.into(),
                text_vi: "Em chọn gì?".into(),
                max_choices: n,
                options: (0..options)
                    .map(|i| OptionInput {
                        label_vi: format!("Lựa chọn {i}"),
                        ..Default::default()
                    })
                    .collect(),
                ..Default::default()
            })
        };
        let ok = with("multiple", Number::Int(3), 5).expect("three of five");
        assert_eq!(ok.max_choices, Some(3));
        assert_eq!(
            with("multiple", "".into(), 5)
                .expect("no limit")
                .max_choices,
            None
        );
        let code = |r: ActionResult<NewQuestion>| match r {
            Err(ActionError::Invalid { fields, .. }) => fields["max_choices"].clone(),
            _ => panic!("refused with max_choices"),
        };
        assert_eq!(
            code(with("multiple", Number::Int(6), 5)),
            "max_choices_range"
        );
        assert_eq!(
            code(with("multiple", Number::Int(0), 5)),
            "max_choices_range"
        );
        assert_eq!(code(with("multiple", "ba".into(), 5)), "not_a_number");
        assert_eq!(
            code(with("single", Number::Int(1), 2)),
            "max_choices_not_needed"
        );
        let t = template("choose_three").expect("template");
        assert_eq!(t.max_choices, Number::Int(3));
    }

    /// Options one a line, `label | picture | English label`, to write
    /// the cases short.
    fn options_from_lines(text: &str) -> Vec<OptionInput> {
        text.lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(|l| {
                let mut parts = l.split('|').map(str::trim);
                let label_vi = parts.next().unwrap_or("").to_string();
                let emoji = parts.next().filter(|s| !s.is_empty()).map(str::to_string);
                let label_en = parts.next().filter(|s| !s.is_empty()).map(str::to_string);
                OptionInput {
                    label_vi,
                    label_en,
                    emoji,
                }
            })
            .collect()
    }

    #[test]
    fn moving_a_question_swaps_it_with_its_neighbour() {
        assert_eq!(moved(&[1, 2, 3], 3, true), vec![1, 3, 2]);
        assert_eq!(moved(&[1, 2, 3], 1, false), vec![2, 1, 3]);
        assert_eq!(moved(&[1, 2, 3], 1, true), vec![1, 2, 3], "the first stays");
        assert_eq!(moved(&[1, 2, 3], 3, false), vec![1, 2, 3], "the last stays");
        assert_eq!(moved(&[1, 2, 3], 9, true), vec![1, 2, 3], "not one of them");
    }

    #[test]
    fn templates_are_questions_once_their_rows_are_filled() {
        for name in TEMPLATES {
            let mut t = template(name).expect(name);
            for (i, o) in t.options.iter_mut().enumerate() {
                if o.label_vi.is_empty() {
                    o.label_vi = format!("Lựa chọn {i}");
                }
                if let Some(p) = &o.emoji {
                    assert!(thamgia_domain::pictures::key(p).is_some(), "{name}: {p}");
                }
            }
            assert!(check_input(&t).is_ok(), "{name}");
        }
        assert!(template("pipes").is_none());
    }

    #[test]
    fn option_lines_with_emoji_and_english() {
        let o = options_from_lines("Sân chơi | ⚽ | Playground\n\n  Thư viện |📚\nVườn rau");
        assert_eq!(o.len(), 3);
        assert_eq!(o[0].label_vi, "Sân chơi");
        assert_eq!(o[0].emoji.as_deref(), Some("⚽"));
        assert_eq!(o[0].label_en.as_deref(), Some("Playground"));
        assert_eq!(o[1].emoji.as_deref(), Some("📚"));
        assert_eq!(o[2].emoji, None);
    }

    #[test]
    fn an_option_names_a_picture_of_the_library_or_none() {
        let ok = options_from_lines("Trường | school 🏫\nNhà | Home\nGiờ ra chơi | ⏰");
        assert!(cq("single", "Q", "", true, &ok).is_ok());
        for (typed, code) in [("shcool", "unknown_picture"), ("home tree", "one_picture")] {
            let lines = options_from_lines(&format!("Trường | {typed}\nNhà"));
            match cq("single", "Q", "", true, &lines) {
                Err(ActionError::Invalid { fields, .. }) => assert_eq!(fields["options"], code),
                _ => panic!("{typed} accepted"),
            }
        }
    }

    #[test]
    fn questions_need_text_and_two_to_ten_options() {
        let two = options_from_lines("A\nB");
        assert!(cq("single", "Em thích gì?", "", true, &two).is_ok());
        let err = |r: ActionResult<NewQuestion>| match r {
            Err(ActionError::Invalid { fields, .. }) => fields,
            _ => panic!("expected invalid"),
        };
        let e = err(cq("single", " ", "", true, &options_from_lines("A")));
        assert_eq!(e["text_vi"], "required");
        assert_eq!(e["options"], "too_few_options");
        let many = options_from_lines(
            &(1..=11)
                .map(|i| format!("L{i}"))
                .collect::<Vec<_>>()
                .join("\n"),
        );
        assert_eq!(
            err(cq("ranking", "Q", "", true, &many))["options"],
            "too_many_options"
        );
        let long = vec![
            OptionInput {
                label_vi: "x".repeat(101),
                ..Default::default()
            },
            OptionInput {
                label_vi: "y".into(),
                ..Default::default()
            },
        ];
        assert_eq!(
            err(cq("multiple", "Q", "", true, &long))["options"],
            "option_too_long"
        );
        assert_eq!(
            err(cq("faces3", "Q", "", true, &two))["options"],
            "options_not_needed"
        );
        assert!(cq("faces5", "Q", "", false, &[]).is_ok());
        assert_eq!(
            err(cq("essay", &"x".repeat(301), "", true, &[]))["text_vi"],
            "too_long"
        );
        assert_eq!(
            err(cq("single", "Q", "", true, &options_from_lines("A\na")))["options"],
            "duplicate_option"
        );
    }
}
