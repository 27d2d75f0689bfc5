//! Children's voice: matters, consultations, questions and answers, and the
//! rules that decide when a matter counts as *consulted*.
//!
//! The loop this module describes: an agency registers a child-related
//! **matter** (a law or policy, a school decision, a community decision); a
//! **consultation** asks children about it; children answer anonymously with a
//! join code (or on paper, or as a group tally); free text waits for a
//! moderator; the consultation closes with findings and an **answer to the
//! children**. A matter counts as consulted only when one of its consultations
//! closed with at least one child's response *and* its answer was published.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

str_enum!(
    /// The kinds of matter a `matters_consulted` measure counts.
    MatterKind { LawPolicy = "law_policy", SchoolDecision = "school_decision", CommunityDecision = "community_decision" }
);

str_enum!(
    /// drafting → consulting → decided → answered.
    Stage { Drafting = "drafting", Consulting = "consulting", Decided = "decided", Answered = "answered" }
);

str_enum!(
    /// How children are asked.
    Method {
        Survey = "survey",
        GroupDiscussion = "group_discussion",
        ForumSession = "forum_session",
        CouncilDialogue = "council_dialogue",
        ClubDiscussion = "club_discussion",
        Online = "online",
    }
);

str_enum!(
    /// draft (being prepared) → open (answers accepted) → closed (findings
    /// written) → answered (the answer to the children is published).
    Status { Draft = "draft", Open = "open", Closed = "closed", Answered = "answered" }
);

str_enum!(
    QuestionKind {
        Single = "single",
        Multiple = "multiple",
        Faces3 = "faces3",
        Faces5 = "faces5",
        Text = "text",
        Ranking = "ranking",
    }
);

impl QuestionKind {
    /// Face scales have fixed points 1..=n and no options to write.
    pub fn faces(self) -> Option<u8> {
        match self {
            QuestionKind::Faces3 => Some(3),
            QuestionKind::Faces5 => Some(5),
            _ => None,
        }
    }

    pub fn has_options(self) -> bool {
        matches!(
            self,
            QuestionKind::Single | QuestionKind::Multiple | QuestionKind::Ranking
        )
    }
}

str_enum!(
    /// How a response reached us; results say which input came how.
    Source { Online = "online", Paper = "paper", Group = "group" }
);

str_enum!(
    Sex { Girl = "girl", Boy = "boy", Other = "other" }
);

str_enum!(
    /// Free text is held until a moderator decides.
    Moderation { Pending = "pending", Approved = "approved", Rejected = "rejected", Flagged = "flagged" }
);

/// The youngest and oldest child Thamgia asks (a child is under 16 in Vietnam;
/// the programme starts at 6).
pub const MIN_AGE: u8 = 6;
pub const MAX_AGE: u8 = 15;
/// Longest free-text answer, in characters.
pub const MAX_TEXT_CHARS: usize = 500;
/// Cells with fewer children than this are suppressed everywhere.
pub const SUPPRESS_BELOW: u64 = 5;

/// A child's age, 6–15.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Age(u8);

impl Age {
    pub fn parse(n: i64) -> Option<Age> {
        (i64::from(MIN_AGE)..=i64::from(MAX_AGE))
            .contains(&n)
            .then_some(Age(n as u8))
    }

    pub fn get(self) -> u8 {
        self.0
    }

    pub fn band(self) -> AgeBand {
        if self.0 <= 10 {
            AgeBand::A6to10
        } else {
            AgeBand::A11to15
        }
    }
}

str_enum!(
    AgeBand { A6to10 = "6-10", A11to15 = "11-15" }
);

/// A join code: 6 characters from an alphabet without look-alikes (no 0/O,
/// 1/I/L), so a child can copy it from a board without mistakes.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct JoinCode(String);

pub const JOIN_ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";

impl JoinCode {
    /// Accepts what a child types: case and spaces do not matter.
    pub fn parse(s: &str) -> Option<JoinCode> {
        let c: String = s
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .collect::<String>()
            .to_ascii_uppercase();
        (c.len() == 6 && c.bytes().all(|b| JOIN_ALPHABET.contains(&b))).then_some(JoinCode(c))
    }

    /// A new code from 6 random numbers (the caller's RNG: randomness is a parameter).
    pub fn from_random(r: [u32; 6]) -> JoinCode {
        JoinCode(
            r.iter()
                .map(|n| JOIN_ALPHABET[*n as usize % JOIN_ALPHABET.len()] as char)
                .collect(),
        )
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Whether a matter counts as consulted (the numerator of T1–T3).
pub fn counts_as_consulted(closed_with_responses: bool, answer_published: bool) -> bool {
    closed_with_responses && answer_published
}

/// The date the answer to the children is due: `due_days` after the decision.
pub fn answer_due(decision: NaiveDate, due_days: i64) -> NaiveDate {
    decision + chrono::Duration::days(due_days)
}

/// Whether the answer to the children about a matter is overdue: the children
/// were asked (`asked`: it has a consultation — an answer is owed only to
/// children who spoke), it was decided, more than `due_days` have passed since,
/// and no answer was published. A matter never consulted is a gap in
/// consulting, not a late answer, and is not counted here.
pub fn answer_overdue(
    decision: Option<NaiveDate>,
    due_days: i64,
    asked: bool,
    answered: bool,
    today: NaiveDate,
) -> bool {
    asked && !answered && decision.is_some_and(|d| today > answer_due(d, due_days))
}

/// A matter's stage and decision date agree: a matter is decided (or answered)
/// only on a date. Checked when a matter is registered and on every later
/// write, including the move to `answered` when an answer is published.
pub fn stage_needs_decision(stage: Stage) -> bool {
    matches!(stage, Stage::Decided | Stage::Answered)
}

/// The year a matter is counted in: the year of its decision.
pub fn matter_year(decision: Option<NaiveDate>) -> Option<i32> {
    decision.map(|d| d.year())
}

/// A count as shown to anyone: `None` (suppressed) when 1–4 children; 0 stays 0
/// (an empty cell identifies no one).
pub fn suppress(n: u64) -> Option<u64> {
    if n == 0 || n >= SUPPRESS_BELOW {
        Some(n)
    } else {
        None
    }
}

/// A question as the validator needs it.
#[derive(Debug, Clone)]
pub struct QuestionSpec {
    pub id: i32,
    pub kind: QuestionKind,
    pub required: bool,
    pub option_ids: Vec<i32>,
    /// A multiple-choice question's limit ("choose up to three"): more
    /// choices are refused (`too_many_choices`); none, no limit.
    pub max_choices: Option<usize>,
}

/// One answer as submitted, before validation.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct RawAnswer {
    /// Chosen option ids (single: one; multiple: any; ranking: all, in order).
    #[serde(default)]
    pub options: Vec<i32>,
    /// A face 1..=3 or 1..=5.
    #[serde(default)]
    pub face: Option<i64>,
    #[serde(default)]
    pub text: Option<String>,
}

/// One validated answer, ready to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ValidAnswer {
    Options(Vec<i32>),
    Ranking(Vec<i32>),
    Face(u8),
    Text(String),
}

/// The optional profile a child may give.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct RawProfile {
    pub age: Option<i64>,
    pub sex: Option<String>,
    pub ethnic: Option<String>,
    pub disability: Option<bool>,
    /// Code of the child's school or commune.
    pub unit: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Profile {
    pub age: Option<Age>,
    pub sex: Option<Sex>,
    pub ethnic: Option<String>,
    pub disability: Option<bool>,
    pub unit: Option<String>,
}

/// Field → snake_case error code. Field names: `age`, `sex`, `ethnic`,
/// `unit`, `q{id}` for question answers.
pub type FieldErrors = BTreeMap<String, String>;

/// Checks a profile. `ethnic_codes` are the recognised codes (01–54).
pub fn validate_profile(
    p: &RawProfile,
    ethnic_codes: &[&str],
    audience: (u8, u8),
) -> Result<Profile, FieldErrors> {
    let mut e = FieldErrors::new();
    let age = match p.age {
        None => None,
        Some(n) => match Age::parse(n) {
            Some(a) if a.get() >= audience.0 && a.get() <= audience.1 => Some(a),
            Some(_) => {
                e.insert("age".into(), "outside_audience".into());
                None
            }
            None => {
                e.insert("age".into(), "age_out_of_range".into());
                None
            }
        },
    };
    let sex = match p.sex.as_deref().filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => match Sex::parse(s) {
            Some(s) => Some(s),
            None => {
                e.insert("sex".into(), "unknown_option".into());
                None
            }
        },
    };
    let ethnic = match p.ethnic.as_deref().filter(|s| !s.is_empty()) {
        None => None,
        Some(s) if ethnic_codes.contains(&s) => Some(s.to_string()),
        Some(_) => {
            e.insert("ethnic".into(), "unknown_option".into());
            None
        }
    };
    if e.is_empty() {
        Ok(Profile {
            age,
            sex,
            ethnic,
            disability: p.disability,
            unit: p.unit.clone().filter(|u| !u.is_empty()),
        })
    } else {
        Err(e)
    }
}

/// Checks every answer against its question; collects every error.
pub fn validate_answers(
    questions: &[QuestionSpec],
    answers: &BTreeMap<i32, RawAnswer>,
) -> Result<Vec<(i32, ValidAnswer)>, FieldErrors> {
    let mut e = FieldErrors::new();
    let mut out = vec![];
    for (qid, _) in answers.iter() {
        if !questions.iter().any(|q| q.id == *qid) {
            e.insert(format!("q{qid}"), "unknown_question".into());
        }
    }
    for q in questions {
        let field = format!("q{}", q.id);
        let a = answers.get(&q.id).cloned().unwrap_or_default();
        let empty = a.options.is_empty()
            && a.face.is_none()
            && a.text.as_deref().is_none_or(|t| t.trim().is_empty());
        if empty {
            if q.required {
                e.insert(field, "required".into());
            }
            continue;
        }
        if a.options.iter().any(|o| !q.option_ids.contains(o)) {
            e.insert(field, "unknown_option".into());
            continue;
        }
        let mut seen = std::collections::HashSet::new();
        if !a.options.iter().all(|o| seen.insert(*o)) {
            e.insert(field, "duplicate_option".into());
            continue;
        }
        match q.kind {
            QuestionKind::Single => {
                if a.options.len() == 1 && a.face.is_none() && a.text.is_none() {
                    out.push((q.id, ValidAnswer::Options(a.options)));
                } else {
                    e.insert(field, "choose_one".into());
                }
            }
            QuestionKind::Multiple => {
                if q.max_choices.is_some_and(|m| a.options.len() > m) {
                    e.insert(field, "too_many_choices".into());
                } else if !a.options.is_empty() && a.face.is_none() && a.text.is_none() {
                    out.push((q.id, ValidAnswer::Options(a.options)));
                } else {
                    e.insert(field, "invalid_answer".into());
                }
            }
            QuestionKind::Ranking => {
                if a.options.len() == q.option_ids.len() {
                    out.push((q.id, ValidAnswer::Ranking(a.options)));
                } else {
                    e.insert(field, "rank_all".into());
                }
            }
            QuestionKind::Faces3 | QuestionKind::Faces5 => {
                let n = i64::from(q.kind.faces().unwrap_or(5));
                match a.face {
                    Some(f) if (1..=n).contains(&f) && a.options.is_empty() => {
                        out.push((q.id, ValidAnswer::Face(f as u8)))
                    }
                    _ => {
                        e.insert(field, "unknown_option".into());
                    }
                }
            }
            QuestionKind::Text => {
                let t = a.text.unwrap_or_default();
                let t = t.trim();
                if t.chars().count() > MAX_TEXT_CHARS {
                    e.insert(field, "text_too_long".into());
                } else if !a.options.is_empty() {
                    e.insert(field, "invalid_answer".into());
                } else {
                    out.push((q.id, ValidAnswer::Text(t.to_string())));
                }
            }
        }
    }
    if e.is_empty() { Ok(out) } else { Err(e) }
}

/// Masks the contact data a child may type — phone numbers and e-mail
/// addresses — in a text that is about to be published. The one rule behind
/// approval (`store::responses::moderate` stores only the masked text), the
/// published results and the migration that masked texts approved before it.
pub fn mask_contacts(text: &str) -> String {
    mask_emails(&mask_phone_numbers(text))
}

/// Masks what looks like an e-mail address (`ten.em@gmail.com`).
pub fn mask_emails(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let local = |c: char| c.is_ascii_alphanumeric() || "._%+-".contains(c);
    let domain = |c: char| c.is_ascii_alphanumeric() || ".-".contains(c);
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        if chars[i] == '@' {
            // The address starts where the local part does (already copied).
            let mut start = i;
            while start > 0 && local(chars[start - 1]) {
                start -= 1;
            }
            let mut end = i + 1;
            while end < chars.len() && domain(chars[end]) {
                end += 1;
            }
            while end > i + 1 && !chars[end - 1].is_ascii_alphanumeric() {
                end -= 1;
            }
            let host: String = chars[i + 1..end].iter().collect();
            let tld_ok = host.rsplit_once('.').is_some_and(|(h, t)| {
                !h.is_empty() && t.len() >= 2 && t.chars().all(|c| c.is_ascii_alphabetic())
            });
            let local_len = i - start;
            if local_len > 0 && tld_ok {
                let keep = out.chars().count() - local_len;
                out = out.chars().take(keep).collect();
                out.push_str("[email]");
                i = end;
                continue;
            }
        }
        out.push(chars[i]);
        i += 1;
    }
    out
}

/// Masks what looks like a phone number (9–11 digits, with spaces, dots or
/// dashes between), a first pass before a moderator redacts names and places.
pub fn mask_phone_numbers(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_ascii_digit()
            || (chars[i] == '+' && chars.get(i + 1).is_some_and(|c| c.is_ascii_digit()))
        {
            let mut j = i + 1;
            let mut digits = usize::from(chars[i].is_ascii_digit());
            while j < chars.len() && (chars[j].is_ascii_digit() || " .-".contains(chars[j])) {
                if chars[j].is_ascii_digit() {
                    digits += 1;
                }
                j += 1;
            }
            while j > i && !chars[j - 1].is_ascii_digit() {
                j -= 1;
            }
            if (9..=12).contains(&digits) {
                out.push_str("[số điện thoại]");
            } else {
                out.extend(&chars[i..j]);
            }
            i = j.max(i + 1);
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_answer_is_overdue_only_to_children_who_were_asked() {
        let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).expect("date");
        let decided = Some(d(8, 31));
        assert!(answer_overdue(decided, 60, true, false, d(11, 29)));
        assert!(
            !answer_overdue(decided, 60, false, false, d(11, 29)),
            "never asked"
        );
        assert!(
            !answer_overdue(decided, 60, true, true, d(11, 29)),
            "answered"
        );
        assert!(
            !answer_overdue(decided, 60, true, false, d(10, 30)),
            "due that day"
        );
        assert!(
            !answer_overdue(None, 60, true, false, d(11, 29)),
            "not decided"
        );
        assert!(stage_needs_decision(Stage::Answered) && stage_needs_decision(Stage::Decided));
        assert!(!stage_needs_decision(Stage::Consulting));
    }

    fn q(id: i32, kind: QuestionKind, opts: &[i32]) -> QuestionSpec {
        QuestionSpec {
            id,
            kind,
            required: true,
            option_ids: opts.to_vec(),
            max_choices: None,
        }
    }

    #[test]
    fn a_limited_multiple_choice_refuses_one_choice_too_many() {
        let qs = [QuestionSpec {
            max_choices: Some(3),
            ..q(7, QuestionKind::Multiple, &[1, 2, 3, 4, 5])
        }];
        let answer = |options: Vec<i32>| {
            BTreeMap::from([(
                7,
                RawAnswer {
                    options,
                    ..Default::default()
                },
            )])
        };
        assert!(validate_answers(&qs, &answer(vec![1, 2, 3])).is_ok());
        assert_eq!(
            validate_answers(&qs, &answer(vec![1, 2, 3, 4])).unwrap_err()["q7"],
            "too_many_choices"
        );
        let open = [q(7, QuestionKind::Multiple, &[1, 2, 3, 4, 5])];
        assert!(validate_answers(&open, &answer(vec![1, 2, 3, 4])).is_ok());
    }

    #[test]
    fn join_codes_have_no_look_alikes() {
        for bad in ["O12345", "ABCDE", "ABCDEFG", "ABCDI2", "ABCDL2", "ABCD02"] {
            assert!(JoinCode::parse(bad).is_none(), "{bad}");
        }
        assert_eq!(
            JoinCode::parse(" abc-def ").map(|c| c.as_str().to_string()),
            Some("ABCDEF".into())
        );
        let c = JoinCode::from_random([0, 1, 2, 30, 31, 1000]);
        assert!(JoinCode::parse(c.as_str()).is_some());
    }

    #[test]
    fn ages_are_six_to_fifteen() {
        assert!(Age::parse(5).is_none());
        assert!(Age::parse(16).is_none());
        assert_eq!(Age::parse(10).map(Age::band), Some(AgeBand::A6to10));
        assert_eq!(Age::parse(11).map(Age::band), Some(AgeBand::A11to15));
        let p = RawProfile {
            age: Some(5),
            ..Default::default()
        };
        assert_eq!(
            validate_profile(&p, &["01"], (6, 15)).unwrap_err()["age"],
            "age_out_of_range"
        );
        let p = RawProfile {
            age: Some(8),
            ..Default::default()
        };
        assert_eq!(
            validate_profile(&p, &["01"], (11, 15)).unwrap_err()["age"],
            "outside_audience"
        );
        let p = RawProfile {
            ethnic: Some("99".into()),
            sex: Some("x".into()),
            ..Default::default()
        };
        let e = validate_profile(&p, &["01"], (6, 15)).unwrap_err();
        assert_eq!(e.len(), 2);
    }

    #[test]
    fn answers_are_checked_against_their_questions() {
        let qs = vec![
            q(1, QuestionKind::Single, &[10, 11]),
            q(2, QuestionKind::Multiple, &[20, 21, 22]),
            q(3, QuestionKind::Faces3, &[]),
            q(4, QuestionKind::Text, &[]),
            q(5, QuestionKind::Ranking, &[50, 51]),
        ];
        let mut a = BTreeMap::new();
        a.insert(
            1,
            RawAnswer {
                options: vec![11],
                ..Default::default()
            },
        );
        a.insert(
            2,
            RawAnswer {
                options: vec![20, 22],
                ..Default::default()
            },
        );
        a.insert(
            3,
            RawAnswer {
                face: Some(3),
                ..Default::default()
            },
        );
        a.insert(
            4,
            RawAnswer {
                text: Some(" Em muốn có sân chơi ".into()),
                ..Default::default()
            },
        );
        a.insert(
            5,
            RawAnswer {
                options: vec![51, 50],
                ..Default::default()
            },
        );
        let ok = validate_answers(&qs, &a).expect("valid");
        assert_eq!(ok[3], (4, ValidAnswer::Text("Em muốn có sân chơi".into())));
        assert_eq!(ok[4], (5, ValidAnswer::Ranking(vec![51, 50])));

        let mut bad = a.clone();
        bad.insert(
            1,
            RawAnswer {
                options: vec![99],
                ..Default::default()
            },
        );
        bad.insert(
            3,
            RawAnswer {
                face: Some(4),
                ..Default::default()
            },
        );
        bad.insert(
            4,
            RawAnswer {
                text: Some("x".repeat(501)),
                ..Default::default()
            },
        );
        bad.insert(
            5,
            RawAnswer {
                options: vec![50],
                ..Default::default()
            },
        );
        bad.insert(9, RawAnswer::default());
        let e = validate_answers(&qs, &bad).unwrap_err();
        assert_eq!(e["q1"], "unknown_option");
        assert_eq!(e["q3"], "unknown_option");
        assert_eq!(e["q4"], "text_too_long");
        assert_eq!(e["q5"], "rank_all");
        assert_eq!(e["q9"], "unknown_question");
        let mut missing = a.clone();
        missing.remove(&2);
        assert_eq!(
            validate_answers(&qs, &missing).unwrap_err()["q2"],
            "required"
        );
    }

    #[test]
    fn suppression_and_consulted_rule() {
        assert_eq!(suppress(0), Some(0));
        assert_eq!(suppress(4), None);
        assert_eq!(suppress(5), Some(5));
        assert!(!counts_as_consulted(true, false));
        assert!(!counts_as_consulted(false, true));
        assert!(counts_as_consulted(true, true));
        let d = NaiveDate::from_ymd_opt(2018, 3, 1).expect("date");
        assert_eq!(
            answer_due(d, 60),
            NaiveDate::from_ymd_opt(2018, 4, 30).expect("date")
        );
    }

    #[test]
    fn phone_numbers_are_masked() {
        assert_eq!(
            mask_phone_numbers("gọi 0912 345 678 nhé"),
            "gọi [số điện thoại] nhé"
        );
        assert_eq!(mask_phone_numbers("+84912345678"), "[số điện thoại]");
        assert_eq!(
            mask_phone_numbers("lớp 6A, 25 bạn, năm 2019"),
            "lớp 6A, 25 bạn, năm 2019"
        );
    }

    #[test]
    fn contacts_are_masked() {
        for (typed, shown) in [
            ("gọi 0912.345.678", "gọi [số điện thoại]"),
            ("số 0912-345-678 nha", "số [số điện thoại] nha"),
            ("+84 912 345 678", "[số điện thoại]"),
            ("0203 3876 543", "[số điện thoại]"),
            ("mail em: lan.anh_2012@gmail.com.", "mail em: [email]."),
            (
                "Nam@yahoo.com.vn hoặc 0987654321",
                "[email] hoặc [số điện thoại]",
            ),
            ("lớp 6A @ trường, 25 bạn", "lớp 6A @ trường, 25 bạn"),
            ("a@b", "a@b"),
        ] {
            assert_eq!(mask_contacts(typed), shown, "{typed}");
        }
    }
}
