//! The plan's three participation models — Children's Forums, Children's
//! Councils and participation-rights clubs — with the rules of Circular
//! 29/2019/TT-BLĐTBXH for forums, the consent rules for identified children
//! (Decree 13/2023 art. 20; Personal Data Protection Law 2025 art. 24), and the
//! lifecycle of the recommendations children make there.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

str_enum!(ForumLevel { National = "national", Province = "province", District = "district", Commune = "commune", Other = "other" });

impl ForumLevel {
    /// Circular 29/2019 art. 6: the fewest children a forum of this level should have.
    pub fn min_children(self) -> u32 {
        match self {
            ForumLevel::National => 100,
            ForumLevel::Province => 50,
            ForumLevel::District => 40,
            ForumLevel::Commune => 30,
            ForumLevel::Other => 50,
        }
    }
}

/// The Circular 29 limits, as settings (the plan file may override them).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ForumRules {
    pub max_children_per_adult: u32,
    /// Volunteers at most this share of the children (1/10).
    pub max_volunteer_share: f64,
    /// Invited guests and officials at most this share (1/3).
    pub max_guest_share: f64,
    pub report_due_days: i64,
}

impl Default for ForumRules {
    fn default() -> Self {
        ForumRules {
            max_children_per_adult: 5,
            max_volunteer_share: 0.1,
            max_guest_share: 1.0 / 3.0,
            report_due_days: 15,
        }
    }
}

/// Who took part in a forum, as counted by its organisers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ForumHeadcount {
    pub children: u32,
    pub adults_in_charge: u32,
    pub volunteers: u32,
    pub guests: u32,
    /// Named delegates without a recorded written consent of a parent or guardian.
    pub delegates_without_consent: u32,
}

/// A broken Circular 29 rule: a warning, not a refusal (the forum happened).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum ForumWarning {
    TooFewChildren { min: u32, actual: u32 },
    TooFewAdults { needed: u32, actual: u32 },
    TooManyVolunteers { max: u32, actual: u32 },
    TooManyGuests { max: u32, actual: u32 },
    DelegatesWithoutConsent { count: u32 },
}

impl ForumWarning {
    pub fn code(&self) -> &'static str {
        match self {
            ForumWarning::TooFewChildren { .. } => "too_few_children",
            ForumWarning::TooFewAdults { .. } => "too_few_adults",
            ForumWarning::TooManyVolunteers { .. } => "too_many_volunteers",
            ForumWarning::TooManyGuests { .. } => "too_many_guests",
            ForumWarning::DelegatesWithoutConsent { .. } => "delegates_without_consent",
        }
    }
}

/// Checks a forum against Circular 29 and lists every rule it breaks.
pub fn check_forum(level: ForumLevel, h: ForumHeadcount, r: &ForumRules) -> Vec<ForumWarning> {
    let mut w = vec![];
    let min = level.min_children();
    if h.children < min {
        w.push(ForumWarning::TooFewChildren {
            min,
            actual: h.children,
        });
    }
    let needed = h.children.div_ceil(r.max_children_per_adult.max(1));
    if h.adults_in_charge < needed {
        w.push(ForumWarning::TooFewAdults {
            needed,
            actual: h.adults_in_charge,
        });
    }
    let max_vol = (f64::from(h.children) * r.max_volunteer_share).floor() as u32;
    if h.volunteers > max_vol {
        w.push(ForumWarning::TooManyVolunteers {
            max: max_vol,
            actual: h.volunteers,
        });
    }
    let max_guests = (f64::from(h.children) * r.max_guest_share).floor() as u32;
    if h.guests > max_guests {
        w.push(ForumWarning::TooManyGuests {
            max: max_guests,
            actual: h.guests,
        });
    }
    if h.delegates_without_consent > 0 {
        w.push(ForumWarning::DelegatesWithoutConsent {
            count: h.delegates_without_consent,
        });
    }
    w
}

/// The date a forum's results report is due.
pub fn forum_report_due(forum_end: NaiveDate, r: &ForumRules) -> NaiveDate {
    forum_end + chrono::Duration::days(r.report_due_days)
}

str_enum!(CouncilRole { Chair = "chair", ViceChair = "vice_chair", Secretary = "secretary", Member = "member" });

str_enum!(ClubSetting { School = "school", Community = "community" });

str_enum!(
    /// Where a recommendation came from.
    RecommendationSource { Forum = "forum", CouncilDialogue = "council_dialogue", Club = "club" }
);

str_enum!(
    /// received → assigned → in_progress → answered (accepted / partly / not accepted).
    RecommendationStatus { Received = "received", Assigned = "assigned", InProgress = "in_progress", Answered = "answered" }
);

str_enum!(Outcome { Accepted = "accepted", PartlyAccepted = "partly_accepted", NotAccepted = "not_accepted" });

impl RecommendationStatus {
    /// Whether moving from `self` to `to` is allowed. Answering may happen from
    /// any open state (an agency may answer at once); nothing leaves `answered`.
    pub fn can_move_to(self, to: RecommendationStatus) -> bool {
        use RecommendationStatus::*;
        matches!(
            (self, to),
            (Received, Assigned)
                | (Received, InProgress)
                | (Assigned, InProgress)
                | (Received, Answered)
                | (Assigned, Answered)
                | (InProgress, Answered)
        )
    }
}

/// Checks an answer: a refusal needs its reason.
pub fn check_answer(
    outcome: Outcome,
    answer: &str,
    reason: Option<&str>,
) -> Result<(), &'static str> {
    if answer.trim().is_empty() {
        return Err("answer_required");
    }
    if outcome == Outcome::NotAccepted && reason.is_none_or(|r| r.trim().is_empty()) {
        return Err("reason_required");
    }
    Ok(())
}

/// A child's age in whole years on a date.
pub fn age_on(birth: NaiveDate, on: NaiveDate) -> i32 {
    let mut a = on.year() - birth.year();
    if (on.month(), on.day()) < (birth.month(), birth.day()) {
        a -= 1;
    }
    a
}

/// The age from which the child's own consent is needed beside the parent's.
pub const CHILD_CONSENT_FROM_AGE: i32 = 7;

str_enum!(ConsentMethod { Written = "written", Verbal = "verbal", Electronic = "electronic" });

/// What must be on record before a child may be stored by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConsentNeeds {
    pub guardian: bool,
    pub child: bool,
}

pub fn consent_needs(age: i32) -> ConsentNeeds {
    ConsentNeeds {
        guardian: true,
        child: age >= CHILD_CONSENT_FROM_AGE,
    }
}

/// A consent as recorded, before it is accepted.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ConsentInput {
    pub guardian_name: String,
    pub guardian_relation: String,
    pub guardian_method: String,
    pub guardian_date: Option<NaiveDate>,
    pub child_agreed: bool,
    pub child_date: Option<NaiveDate>,
    pub purpose: String,
}

/// Checks a consent against the child's age on the day it is recorded.
/// Field → error code for every problem.
pub fn check_consent(
    c: &ConsentInput,
    birth: NaiveDate,
    today: NaiveDate,
) -> Result<(), Vec<(&'static str, &'static str)>> {
    let mut e = vec![];
    let age = age_on(birth, today);
    if !(0..16).contains(&age) {
        e.push(("birth_date", "not_a_child"));
    }
    if c.guardian_name.trim().is_empty() {
        e.push(("guardian_name", "required"));
    }
    if c.guardian_relation.trim().is_empty() {
        e.push(("guardian_relation", "required"));
    }
    if ConsentMethod::parse(&c.guardian_method).is_none() {
        e.push(("guardian_method", "unknown_option"));
    }
    match c.guardian_date {
        None => e.push(("guardian_date", "required")),
        Some(d) if d > today => e.push(("guardian_date", "in_the_future")),
        _ => {}
    }
    if consent_needs(age).child {
        if !c.child_agreed {
            e.push(("child_agreed", "child_consent_required"));
        }
        match c.child_date {
            None => e.push(("child_date", "required")),
            Some(d) if d > today => e.push(("child_date", "in_the_future")),
            _ => {}
        }
    }
    if c.purpose.trim().is_empty() {
        e.push(("purpose", "required"));
    }
    if e.is_empty() { Ok(()) } else { Err(e) }
}

/// The name shown for a child whose consent was withdrawn: stable, and telling
/// nothing about the child.
pub fn pseudonym(person_id: i32) -> String {
    format!("Trẻ em #{person_id:05}")
}

/// Whether a district "runs all three models" in a year (T4).
pub fn runs_all_three(forum_held: bool, council_dialogue: bool, active_clubs: u32) -> bool {
    forum_held && council_dialogue && active_clubs >= 1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("date")
    }

    #[test]
    fn a_district_forum_of_35_children_is_warned() {
        let r = ForumRules::default();
        let w = check_forum(
            ForumLevel::District,
            ForumHeadcount {
                children: 35,
                adults_in_charge: 7,
                volunteers: 3,
                guests: 11,
                delegates_without_consent: 0,
            },
            &r,
        );
        assert_eq!(
            w,
            vec![ForumWarning::TooFewChildren {
                min: 40,
                actual: 35
            }]
        );
        let w = check_forum(
            ForumLevel::Province,
            ForumHeadcount {
                children: 60,
                adults_in_charge: 11,
                volunteers: 7,
                guests: 21,
                delegates_without_consent: 2,
            },
            &r,
        );
        let codes: Vec<_> = w.iter().map(ForumWarning::code).collect();
        assert_eq!(
            codes,
            [
                "too_few_adults",
                "too_many_volunteers",
                "too_many_guests",
                "delegates_without_consent"
            ]
        );
        assert!(
            check_forum(
                ForumLevel::Commune,
                ForumHeadcount {
                    children: 30,
                    adults_in_charge: 6,
                    volunteers: 3,
                    guests: 10,
                    delegates_without_consent: 0
                },
                &r
            )
            .is_empty()
        );
        assert_eq!(forum_report_due(d(2019, 6, 1), &r), d(2019, 6, 16));
    }

    #[test]
    fn consent_needs_the_child_from_seven() {
        assert_eq!(age_on(d(2012, 6, 2), d(2019, 6, 1)), 6);
        assert_eq!(age_on(d(2012, 6, 1), d(2019, 6, 1)), 7);
        assert!(!consent_needs(6).child);
        assert!(consent_needs(7).child);
        let ok = ConsentInput {
            guardian_name: "Lò Thị Hiền".into(),
            guardian_relation: "mẹ".into(),
            guardian_method: "written".into(),
            guardian_date: Some(d(2019, 5, 20)),
            child_agreed: true,
            child_date: Some(d(2019, 5, 20)),
            purpose: "Thành viên Hội đồng trẻ em huyện".into(),
        };
        assert!(check_consent(&ok, d(2006, 1, 1), d(2019, 6, 1)).is_ok());
        let no_child = ConsentInput {
            child_agreed: false,
            child_date: None,
            ..ok.clone()
        };
        let e = check_consent(&no_child, d(2006, 1, 1), d(2019, 6, 1)).unwrap_err();
        assert!(e.contains(&("child_agreed", "child_consent_required")));
        // A six-year-old needs only the guardian.
        assert!(check_consent(&no_child, d(2013, 1, 1), d(2019, 6, 1)).is_ok());
        let empty = ConsentInput::default();
        assert!(
            check_consent(&empty, d(2006, 1, 1), d(2019, 6, 1))
                .unwrap_err()
                .len()
                >= 5
        );
    }

    #[test]
    fn recommendations_move_forward_and_refusals_need_a_reason() {
        use RecommendationStatus::*;
        assert!(Received.can_move_to(Assigned));
        assert!(InProgress.can_move_to(Answered));
        assert!(!Answered.can_move_to(Received));
        assert!(!InProgress.can_move_to(Received));
        assert_eq!(
            check_answer(Outcome::NotAccepted, "Chưa làm được", None),
            Err("reason_required")
        );
        assert!(check_answer(Outcome::Accepted, "Đồng ý", None).is_ok());
        assert_eq!(
            check_answer(Outcome::Accepted, " ", None),
            Err("answer_required")
        );
    }

    #[test]
    fn three_models_and_pseudonyms() {
        assert!(runs_all_three(true, true, 1));
        assert!(!runs_all_three(true, false, 3));
        assert!(!runs_all_three(true, true, 0));
        assert_eq!(pseudonym(42), "Trẻ em #00042");
    }
}
