//! The annual report chain (Báo cáo năm): a report's narrative and its moves
//! (submit, return, approve, reopen) under the rules of
//! `thamgia_domain::reports`, and the read rules both adapters share (who
//! authors or reviews a report, which unit reports which year, the figures
//! frozen or live). `pages/reports.rs` and `api/reports.rs` call these.

use crate::catalog::Action;
use crate::{Act, ActionError, ActionResult, Fields, invalid, invalid_one};
use chrono::{Datelike, NaiveDate};
use sea_orm::{DatabaseConnection, EntityTrait};
use thamgia_domain::access::{Permission, Principal};
use thamgia_domain::reports::{
    MAX_REASON, MAX_SECTION, ReportAction, ReportRefusal, ReportRole, ReportStatus, editable, next,
    on_time,
};
use thamgia_store::entity::{report, unit};
use thamgia_store::report_data::{self, ChainRow, ReportData};
use thamgia_store::reports::{self, Move, Narrative};
use thamgia_store::units;

/// The write actions of this module (`catalog::all`): the narrative, and
/// each move of `move_report`.
pub const ACTIONS: &[Action] = &[
    Action::unit("reports.save_narrative", Permission::ManageReports),
    Action::unit("reports.submit", Permission::ManageReports),
    Action::unit("reports.return", Permission::ReviewReports),
    Action::unit("reports.approve", Permission::ReviewReports),
    Action::unit("reports.reopen", Permission::ReviewReports),
];

/// The longest short field (document number, place, signer, title).
pub const MAX_SHORT: usize = 300;
/// The longest list of recipients.
pub const MAX_RECIPIENTS: usize = 2_000;

// ---------------------------------------------------------------- rules

/// A year a report can be written for: from 2000 to the current year.
pub fn parse_year(s: &str, today: NaiveDate) -> Option<i32> {
    thamgia_domain::activities::parse_year(s).filter(|y| (2000..=today.year()).contains(y))
}

/// The visitor's role on `u`'s report, if any: the coordinator and admin are
/// `Coordinator` on every report of their scope (their own unit's included);
/// a district officer is `Author` of their own district's.
pub fn role_of(p: &Principal, u: &unit::Model) -> Option<ReportRole> {
    if !p.scope().contains(&u.path) {
        return None;
    }
    if p.can(Permission::ReviewReports) {
        return Some(ReportRole::Coordinator);
    }
    if p.can(Permission::ManageReports) && u.path == p.unit_path {
        return Some(ReportRole::Author);
    }
    None
}

/// Whether the visitor writes `u`'s report (the narrative, a new draft).
pub fn authors(p: &Principal, u: &unit::Model) -> bool {
    match role_of(p, u) {
        Some(ReportRole::Author) => true,
        Some(ReportRole::Coordinator) => u.path == p.unit_path,
        _ => false,
    }
}

/// The report's unit in the caller's scope (404 otherwise, or when the unit
/// does not report that year: the province, and the units whose level the
/// governing plan's `[levels] reports` lines have report that year —
/// `report_data::in_chain`).
pub async fn unit_of(
    db: &DatabaseConnection,
    p: &Principal,
    code: &str,
    year: i32,
) -> ActionResult<unit::Model> {
    // The unit carrying the code at the end of the report's year.
    let u = units::resolve(db, &p.scope(), code.trim(), Some(year), None)
        .await?
        .unit;
    if !report_data::in_chain(db, &u, year).await? {
        return Err(ActionError::NotFound);
    }
    Ok(u)
}

/// The report's figures: frozen once it left the author's hands, else live.
pub async fn data_of(
    db: &DatabaseConnection,
    u: &unit::Model,
    year: i32,
    r: Option<&report::Model>,
    today: NaiveDate,
) -> ActionResult<(ReportData, bool)> {
    if let Some(r) = r {
        let status = r.status;
        if !editable(status)
            && let Some(d) = r.figures.as_deref().and_then(ReportData::from_json)
        {
            return Ok((d, true));
        }
    }
    Ok((report_data::build(db, u, year, today).await?, false))
}

/// The report of `u` for `year`, created as a draft (due date from
/// `report_data::due_on`) when missing.
pub async fn ensure_report(
    act: Act<'_>,
    u: &unit::Model,
    year: i32,
) -> ActionResult<report::Model> {
    let due = report_data::due_on(act.db, &u.path, year).await?;
    Ok(reports::get_or_create(act.db, &act.actor(), act.now, u.id, year, due).await?)
}

/// The narrative as typed (form or API).
#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(default)]
pub struct NarrativeInput {
    /// Số: …/BC-…
    pub doc_number: String,
    pub place: String,
    pub signer_name: String,
    pub signer_title: String,
    /// One recipient a line ("Nơi nhận").
    pub recipients: String,
    pub results: String,
    pub difficulties: String,
    pub proposals: String,
}

impl NarrativeInput {
    /// The stored narrative, as the form shows it.
    pub fn of(r: &report::Model) -> NarrativeInput {
        NarrativeInput {
            doc_number: r.doc_number.clone().unwrap_or_default(),
            place: r.place.clone().unwrap_or_default(),
            signer_name: r.signer_name.clone().unwrap_or_default(),
            signer_title: r.signer_title.clone().unwrap_or_default(),
            recipients: r.recipients.clone().unwrap_or_default(),
            results: r.results.clone(),
            difficulties: r.difficulties.clone(),
            proposals: r.proposals.clone(),
        }
    }
}

/// Checks the narrative: every field optional, each within its length.
pub fn check_narrative(f: &NarrativeInput) -> ActionResult<Narrative> {
    let mut e = Fields::new();
    let short = |e: &mut Fields, field: &str, v: &str, max: usize| {
        let v = v.trim();
        if v.chars().count() > max {
            e.insert(field.into(), "too_long".into());
        }
        (!v.is_empty()).then(|| v.to_string())
    };
    let n = Narrative {
        doc_number: short(&mut e, "doc_number", &f.doc_number, MAX_SHORT),
        place: short(&mut e, "place", &f.place, MAX_SHORT),
        signer_name: short(&mut e, "signer_name", &f.signer_name, MAX_SHORT),
        signer_title: short(&mut e, "signer_title", &f.signer_title, MAX_SHORT),
        recipients: short(&mut e, "recipients", &f.recipients, MAX_RECIPIENTS),
        results: short(&mut e, "results", &f.results, MAX_SECTION).unwrap_or_default(),
        difficulties: short(&mut e, "difficulties", &f.difficulties, MAX_SECTION)
            .unwrap_or_default(),
        proposals: short(&mut e, "proposals", &f.proposals, MAX_SECTION).unwrap_or_default(),
    };
    if e.is_empty() { Ok(n) } else { Err(invalid(e)) }
}

/// Saves the narrative of `u`'s report (creating the draft): only its author,
/// only while editable (409 `wrong_state` otherwise).
pub async fn save_narrative(
    act: Act<'_>,
    u: &unit::Model,
    year: i32,
    f: &NarrativeInput,
) -> ActionResult<report::Model> {
    act.require(Permission::ManageReports)?;
    if !authors(act.p, u) {
        return Err(ActionError::Forbidden);
    }
    let n = check_narrative(f)?;
    let r = ensure_report(act, u, year).await?;
    reports::save_narrative(act.db, &act.actor(), act.now, r.id, n)
        .await
        .map_err(wrong_state_on_conflict)
}

/// Moves `u`'s report. A refusal changes nothing: 409 `wrong_state` or
/// `not_allowed`, 422 with `reason: required` when a reason is missing.
pub async fn move_report(
    act: Act<'_>,
    u: &unit::Model,
    year: i32,
    action: ReportAction,
    reason: Option<&str>,
) -> ActionResult<report::Model> {
    let db = act.db;
    let (r, mut m) = report_to_move(
        role_of(act.p, u),
        action,
        reason,
        reports::of_unit_year(db, u.id, year),
        authors(act.p, u),
        ensure_report(act, u, year),
        |r: &report::Model| r.status,
    )
    .await?;
    if action == ReportAction::Submit {
        let today = act.now.date_naive();
        m.figures = Some(report_data::build(db, u, year, today).await?.to_json());
    }
    moved(reports::act(db, &act.actor(), act.now, r.id, m).await)
}

/// The report a move applies to, for a unit's or an agency's report: the
/// caller's `role` on it (403 without one), the reason within its length
/// (422), the `existing` report or, for its `author`'s submission, the draft
/// `start` creates (409 `wrong_state` otherwise), and the move allowed by the
/// rules, checked before any figures are built. Returns the report and the
/// move, its figures still to add.
pub(crate) async fn report_to_move<'a, R>(
    role: Option<ReportRole>,
    action: ReportAction,
    reason: Option<&'a str>,
    existing: impl Future<Output = thamgia_store::Result<Option<R>>>,
    author: bool,
    start: impl Future<Output = ActionResult<R>>,
    status: impl Fn(&R) -> ReportStatus,
) -> ActionResult<(R, Move<'a>)> {
    let Some(role) = role else {
        return Err(ActionError::Forbidden);
    };
    if reason.is_some_and(|r| r.trim().chars().count() > MAX_REASON) {
        return Err(invalid_one("reason", "too_long"));
    }
    let r = match existing.await? {
        Some(r) => r,
        // Only a submission by the author may start a report.
        None if action == ReportAction::Submit && author => start.await?,
        None => {
            return Err(ActionError::Conflict {
                field: "wrong_state".into(),
            });
        }
    };
    if let Err(refusal) = next(status(&r), action, role, reason) {
        return Err(refusal_error(refusal));
    }
    let m = Move {
        action,
        role,
        reason,
        figures: None,
    };
    Ok((r, m))
}

/// A store move as the adapters answer it: the moved report, or its refusal.
pub(crate) fn moved<R>(
    m: thamgia_store::Result<std::result::Result<R, ReportRefusal>>,
) -> ActionResult<R> {
    m?.map_err(refusal_error)
}

/// A store conflict on saving a report's narrative: the report is no longer
/// editable (409 `wrong_state`).
pub(crate) fn wrong_state_on_conflict(e: thamgia_store::StoreError) -> ActionError {
    match e {
        thamgia_store::StoreError::Conflict { .. } => ActionError::Conflict {
            field: "wrong_state".into(),
        },
        other => other.into(),
    }
}

/// A refused move as the adapters answer it (shared with `agency_reports`).
pub(crate) fn refusal_error(r: ReportRefusal) -> ActionError {
    match r {
        ReportRefusal::ReasonRequired => invalid_one("reason", "required"),
        other => ActionError::Conflict {
            field: other.code().into(),
        },
    }
}

/// The moves the visitor may make on a report in `status` (a reason-needing
/// move counts as allowed).
pub fn allowed_moves(role: Option<ReportRole>, status: ReportStatus) -> Vec<ReportAction> {
    let Some(role) = role else {
        return vec![];
    };
    ReportAction::ALL
        .iter()
        .copied()
        .filter(|a| {
            matches!(
                next(status, *a, role, Some("x")),
                Ok(_) | Err(ReportRefusal::ReasonRequired)
            )
        })
        .collect()
}

/// The moves the visitor may make on a report in `status`, a unit's or an
/// agency's (`None`: no report yet, which only its `author` may start, by
/// submitting it).
pub fn moves_for(
    status: Option<ReportStatus>,
    role: Option<ReportRole>,
    author: bool,
) -> Vec<ReportAction> {
    match status {
        Some(s) => allowed_moves(role, s),
        None if author => vec![ReportAction::Submit],
        None => vec![],
    }
}

/// The chain of the visitor's scope: the scope unit's own report when it
/// reports (the province) and each district's.
pub async fn scope_chain(
    db: &DatabaseConnection,
    p: &Principal,
    year: i32,
    today: NaiveDate,
) -> ActionResult<(Option<ChainRow>, Vec<ChainRow>)> {
    let me = unit::Entity::find_by_id(p.unit_id)
        .one(db)
        .await
        .map_err(|e| ActionError::Internal(e.into()))?
        .ok_or(ActionError::NotFound)?;
    let rows = report_data::chain_status(db, &me, year, today).await?;
    let own = if me.level == "province" {
        let r = reports::of_unit_year(db, me.id, year).await?;
        let due = match &r {
            Some(r) => r.due_on,
            None => report_data::due_on(db, &me.path, year).await?,
        };
        let first = r.as_ref().and_then(|r| r.first_submitted_on);
        Some(ChainRow {
            status: r.as_ref().map(|r| r.status),
            due_on: due,
            first_submitted_on: first,
            on_time: on_time(first, due),
            overdue: first.is_none() && today > due,
            ended_on: None,
            unit: me,
        })
    } else {
        None
    };
    Ok((own, rows))
}
