//! The annual report chain: a unit's report for a year moves
//! draft → submitted → (returned with a reason → submitted again) → approved.
//! Approval locks the unit's records for that year; only the coordinator may
//! reopen it, with a reason, and the reopening is audited.

use serde::{Deserialize, Serialize};

str_enum!(
    /// Where a report stands.
    ReportStatus {
        Draft = "draft",
        Submitted = "submitted",
        Returned = "returned",
        Approved = "approved",
    }
);

str_enum!(
    /// What can happen to a report.
    ReportAction {
        Submit = "submit",
        Return = "return",
        Approve = "approve",
        Reopen = "reopen",
    }
);

/// Who is acting on a report, as the rules see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportRole {
    /// Writes the unit's report (the unit's own officer, or anyone above it
    /// who may manage reports).
    Author,
    /// Reviews it: someone whose scope strictly contains the unit (the
    /// province for a district) with the right to approve.
    Reviewer,
    /// The provincial coordinator (or admin): reviews, and alone may reopen.
    Coordinator,
}

/// Why an action is refused; `code` is what the API and pages say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportRefusal {
    /// The action does not apply to a report in this state.
    WrongState,
    /// This role may not take this action.
    NotAllowed,
    /// Returning and reopening need a reason.
    ReasonRequired,
}

impl ReportRefusal {
    pub fn code(self) -> &'static str {
        match self {
            ReportRefusal::WrongState => "wrong_state",
            ReportRefusal::NotAllowed => "not_allowed",
            ReportRefusal::ReasonRequired => "reason_required",
        }
    }
}

/// The longest reason or narrative section accepted.
pub const MAX_REASON: usize = 2_000;
pub const MAX_SECTION: usize = 20_000;

/// The state after `action`, or why it is refused. A reason (trimmed,
/// non-empty) is required to return and to reopen.
pub fn next(
    from: ReportStatus,
    action: ReportAction,
    role: ReportRole,
    reason: Option<&str>,
) -> Result<ReportStatus, ReportRefusal> {
    use ReportAction as A;
    use ReportStatus as S;
    let has_reason = reason.is_some_and(|r| !r.trim().is_empty());
    let reviewer = matches!(role, ReportRole::Reviewer | ReportRole::Coordinator);
    match (from, action) {
        (S::Draft | S::Returned, A::Submit) => match role {
            ReportRole::Author | ReportRole::Coordinator => Ok(S::Submitted),
            ReportRole::Reviewer => Err(ReportRefusal::NotAllowed),
        },
        (S::Submitted, A::Return) if reviewer => {
            if has_reason {
                Ok(S::Returned)
            } else {
                Err(ReportRefusal::ReasonRequired)
            }
        }
        (S::Submitted, A::Approve) if reviewer => Ok(S::Approved),
        (S::Approved, A::Reopen) if role == ReportRole::Coordinator => {
            if has_reason {
                Ok(S::Draft)
            } else {
                Err(ReportRefusal::ReasonRequired)
            }
        }
        (_, A::Return | A::Approve) if !reviewer => Err(ReportRefusal::NotAllowed),
        (S::Approved, A::Reopen) => Err(ReportRefusal::NotAllowed),
        _ => Err(ReportRefusal::WrongState),
    }
}

/// Whether the narrative and figures may still be edited.
pub fn editable(s: ReportStatus) -> bool {
    matches!(s, ReportStatus::Draft | ReportStatus::Returned)
}

/// Whether a report counts as submitted in the chain's tallies: it is with the
/// reviewer or approved. A returned report is back with its author and is not
/// (it was submitted once — `first_submitted_on` keeps that for timeliness).
pub fn counts_as_submitted(s: Option<ReportStatus>) -> bool {
    matches!(s, Some(ReportStatus::Submitted | ReportStatus::Approved))
}

/// Whether a report was on time: submitted (first time) on or before the due date.
pub fn on_time(first_submitted: Option<chrono::NaiveDate>, due: chrono::NaiveDate) -> bool {
    first_submitted.is_some_and(|d| d <= due)
}

str_enum!(
    /// How a figure stands against its target (`no_data`: a percentage of
    /// zero records).
    Standing {
        Met = "met",
        OnTrack = "on_track",
        Behind = "behind",
        NoTarget = "no_target",
        NoData = "no_data",
    }
);

/// A figure's standing: `met` at or above the target; for the year still
/// running, `on_track` when at or above the share of the target that the
/// elapsed part of the year calls for; otherwise `behind`. Without a target
/// there is nothing to stand against; without a value (a percentage of zero
/// records) there is nothing to judge.
pub fn standing(
    value: Option<f64>,
    target: Option<f64>,
    year: i32,
    today: chrono::NaiveDate,
) -> Standing {
    use chrono::Datelike;
    let Some(target) = target.filter(|t| *t > 0.0) else {
        return Standing::NoTarget;
    };
    let Some(value) = value else {
        return Standing::NoData;
    };
    if value >= target {
        return Standing::Met;
    }
    if year == today.year() {
        let elapsed = f64::from(today.ordinal()) / 365.0;
        if value >= target * elapsed.min(1.0) {
            return Standing::OnTrack;
        }
    } else if year > today.year() {
        return Standing::OnTrack;
    }
    Standing::Behind
}

#[cfg(test)]
mod tests {
    use super::*;
    use ReportAction as A;

    #[test]
    fn a_returned_report_is_not_counted_as_submitted() {
        assert!(counts_as_submitted(Some(ReportStatus::Submitted)));
        assert!(counts_as_submitted(Some(ReportStatus::Approved)));
        assert!(!counts_as_submitted(Some(ReportStatus::Returned)));
        assert!(!counts_as_submitted(Some(ReportStatus::Draft)));
        assert!(!counts_as_submitted(None));
    }
    use ReportRole as R;
    use ReportStatus as S;

    #[test]
    fn the_chain_runs_submit_return_submit_approve() {
        let s = next(S::Draft, A::Submit, R::Author, None).expect("submit");
        assert_eq!(s, S::Submitted);
        let s = next(s, A::Return, R::Coordinator, Some("Thiếu số liệu tập huấn")).expect("return");
        assert_eq!(s, S::Returned);
        assert!(editable(s));
        let s = next(s, A::Submit, R::Author, None).expect("again");
        let s = next(s, A::Approve, R::Reviewer, None).expect("approve");
        assert_eq!(s, S::Approved);
        assert!(!editable(s));
    }

    #[test]
    fn the_rules_refuse_what_they_must() {
        assert_eq!(
            next(S::Draft, A::Approve, R::Coordinator, None),
            Err(ReportRefusal::WrongState),
            "no approval of an unsubmitted report"
        );
        assert_eq!(
            next(S::Submitted, A::Return, R::Coordinator, Some("  ")),
            Err(ReportRefusal::ReasonRequired),
            "no return without a reason"
        );
        assert_eq!(
            next(S::Submitted, A::Approve, R::Author, None),
            Err(ReportRefusal::NotAllowed),
            "authors do not approve their own report"
        );
        assert_eq!(
            next(S::Approved, A::Reopen, R::Reviewer, Some("sai")),
            Err(ReportRefusal::NotAllowed),
            "only the coordinator reopens"
        );
        assert_eq!(
            next(S::Approved, A::Reopen, R::Coordinator, None),
            Err(ReportRefusal::ReasonRequired)
        );
        assert_eq!(
            next(
                S::Approved,
                A::Reopen,
                R::Coordinator,
                Some("Sửa số liệu kinh phí")
            ),
            Ok(S::Draft)
        );
        assert_eq!(
            next(S::Approved, A::Submit, R::Author, None),
            Err(ReportRefusal::WrongState)
        );
    }

    #[test]
    fn standing_against_targets() {
        let d = |y, m, day| chrono::NaiveDate::from_ymd_opt(y, m, day).expect("date");
        let today = d(2019, 7, 2);
        assert_eq!(
            standing(Some(100.0), Some(100.0), 2018, today),
            Standing::Met
        );
        assert_eq!(
            standing(Some(80.0), Some(90.0), 2018, today),
            Standing::Behind
        );
        assert_eq!(
            standing(Some(50.0), Some(90.0), 2019, today),
            Standing::OnTrack
        );
        assert_eq!(
            standing(Some(30.0), Some(90.0), 2019, today),
            Standing::Behind
        );
        assert_eq!(standing(None, Some(90.0), 2018, today), Standing::NoData);
        assert_eq!(
            standing(Some(0.0), Some(9.0), 2018, today),
            Standing::Behind
        );
        assert_eq!(standing(Some(3.0), None, 2018, today), Standing::NoTarget);
        assert_eq!(
            standing(Some(3.0), Some(0.0), 2018, today),
            Standing::NoTarget
        );
    }

    #[test]
    fn timeliness_counts_the_first_submission() {
        let d = |m, day| chrono::NaiveDate::from_ymd_opt(2019, m, day).expect("date");
        assert!(on_time(Some(d(1, 15)), d(1, 15)));
        assert!(!on_time(Some(d(1, 16)), d(1, 15)));
        assert!(!on_time(None, d(1, 15)));
    }
}
