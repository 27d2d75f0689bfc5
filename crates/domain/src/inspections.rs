//! Inspections (kiểm tra) and supervision (giám sát): the words of their
//! kinds and states, the rule of a recommendation's follow-up chain and the
//! rule of when a follow-up is due. The coordinator, or a district or
//! commune for its own units, inspects; the Fatherland Front supervises.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

str_enum!(
    /// Kiểm tra by an authority of its own units, or giám sát by the
    /// Fatherland Front.
    InspectionKind {
        Inspection = "inspection",
        Supervision = "supervision",
    }
);

str_enum!(
    /// Where an inspection stands ([`status`]): planned (no visit yet),
    /// visited (a recommendation still open) and closed (visited, every
    /// recommendation closed).
    InspectionStatus {
        Planned = "planned",
        Visited = "visited",
        Closed = "closed",
    }
);

str_enum!(
    /// A recommendation's state: open → done by the inspected party → closed
    /// by the inspector, or reopened (open again) when the inspector is not
    /// satisfied.
    RecommendationState {
        Open = "open",
        DoneByParty = "done_by_party",
        Closed = "closed",
        Reopened = "reopened",
    }
);

str_enum!(
    /// Who wrote a follow-up note: the inspected party or the inspector.
    FollowUpSide {
        Party = "party",
        Inspector = "inspector",
    }
);

/// Longest subject, team or participants list, in characters.
pub const MAX_SHORT: usize = 500;
/// Longest findings, recommendation or note, in characters.
pub const MAX_LONG: usize = 10_000;
/// A follow-up is due (in the inbox) this many days before its deadline.
pub const DUE_WITHIN_DAYS: i64 = 14;

impl RecommendationState {
    /// Whether the inspector still waits for something (not closed).
    pub fn is_open(self) -> bool {
        self != RecommendationState::Closed
    }

    /// The state after a note: the party's note may say it is done; the
    /// inspector's note may reopen a done recommendation. A closed one takes
    /// no notes (`None`).
    pub fn after_note(self, side: FollowUpSide, done: bool) -> Option<RecommendationState> {
        use RecommendationState::*;
        match (self, side, done) {
            (Closed, _, _) => None,
            (_, FollowUpSide::Party, true) => Some(DoneByParty),
            (DoneByParty, FollowUpSide::Inspector, true) => Some(Reopened),
            (s, _, _) => Some(s),
        }
    }
}

/// An inspection's status from its visit and its recommendations' states.
pub fn status(visited: bool, states: &[RecommendationState]) -> InspectionStatus {
    if !visited {
        InspectionStatus::Planned
    } else if states.iter().all(|s| !s.is_open()) {
        InspectionStatus::Closed
    } else {
        InspectionStatus::Visited
    }
}

/// Whether an open recommendation's follow-up is due on `today`: overdue,
/// or its deadline within [`DUE_WITHIN_DAYS`].
pub fn follow_up_due(state: RecommendationState, deadline: NaiveDate, today: NaiveDate) -> bool {
    state.is_open() && (deadline - today).num_days() <= DUE_WITHIN_DAYS
}

/// Whether an agency is a Fatherland Front committee (Ủy ban Mặt trận Tổ
/// quốc), the one who supervises: by its code (`MTTQ`, `MTTQ-106`) or name.
pub fn is_fatherland_front(code: &str, name_vi: &str) -> bool {
    code.to_uppercase().starts_with("MTTQ") || name_vi.contains("Mặt trận Tổ quốc")
}

/// A text field as written: trimmed, in one form, control characters
/// refused (`control_character`), `required` when empty and asked for,
/// `too_long` past `max` characters.
pub fn checked_text(s: &str, max: usize, required: bool) -> Result<String, &'static str> {
    let v = crate::text::clean(s.trim())?.into_owned();
    if required && v.is_empty() {
        Err("required")
    } else if v.chars().count() > max {
        Err("too_long")
    } else {
        Ok(v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("date")
    }

    #[test]
    fn the_chain_of_a_recommendation() {
        use RecommendationState::*;
        assert_eq!(
            Open.after_note(FollowUpSide::Party, true),
            Some(DoneByParty)
        );
        assert_eq!(Open.after_note(FollowUpSide::Party, false), Some(Open));
        assert_eq!(
            DoneByParty.after_note(FollowUpSide::Inspector, true),
            Some(Reopened)
        );
        assert_eq!(Closed.after_note(FollowUpSide::Party, true), None);
        assert_eq!(status(false, &[]), InspectionStatus::Planned);
        assert_eq!(status(true, &[Closed, Open]), InspectionStatus::Visited);
        assert_eq!(status(true, &[Closed, Closed]), InspectionStatus::Closed);
    }

    #[test]
    fn due_within_fourteen_days_or_overdue() {
        let today = d(2019, 10, 1);
        use RecommendationState::*;
        assert!(follow_up_due(Open, d(2019, 10, 15), today));
        assert!(!follow_up_due(Open, d(2019, 10, 16), today));
        assert!(follow_up_due(Reopened, d(2019, 1, 1), today));
        assert!(!follow_up_due(Closed, d(2019, 1, 1), today));
    }

    #[test]
    fn texts_and_the_front() {
        assert_eq!(checked_text("  a ", 5, true), Ok("a".into()));
        assert_eq!(checked_text("", 5, true), Err("required"));
        assert_eq!(checked_text("abcdef", 5, false), Err("too_long"));
        assert_eq!(checked_text("a\u{0}b", 5, false), Err("control_character"));
        assert!(is_fatherland_front("MTTQ", ""));
        assert!(is_fatherland_front("X", "Ủy ban Mặt trận Tổ quốc huyện"));
        assert!(!is_fatherland_front("SGDDT", "Sở Giáo dục"));
    }
}
