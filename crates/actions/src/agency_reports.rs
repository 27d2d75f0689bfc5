//! Every agency reports: an agency's yearly report to the coordinator (a
//! narrative per duty of the plan, its activities, money and recommendations
//! answered, computed) through the units' chain — the same states and moves
//! (`thamgia_domain::reports::next`), stored by `store::agency_reports`.
//! Agency officers write and submit their own agency's report; the
//! coordinator returns, approves and reopens. An approved report locks the
//! agency's activities of the year. `pages/agency_reports.rs` and
//! `api/agency_reports.rs` call these.

use crate::catalog::Action;
use crate::reports::{moved, report_to_move, wrong_state_on_conflict};
use crate::{Act, ActionError, ActionResult, Fields, invalid};
use chrono::NaiveDate;
use sea_orm::DatabaseConnection;
use thamgia_domain::access::{Permission, Principal};
use thamgia_domain::reports::{MAX_SECTION, ReportAction, ReportRole, editable};
use thamgia_store::agency_reports::{self as store, AgencyFigures, Narratives};
use thamgia_store::entity::{agency, agency_report, unit};

/// The write actions of this module (`catalog::all`).
pub const ACTIONS: &[Action] = &[
    Action::agency("agency_reports.save", Permission::ReportForAgency),
    Action::agency("agency_reports.submit", Permission::ReportForAgency),
    Action::unit("agency_reports.return", Permission::ReviewReports),
    Action::unit("agency_reports.approve", Permission::ReviewReports),
    Action::unit("agency_reports.reopen", Permission::ReviewReports),
];

/// The agency whose report for `year` is asked for, with its unit: an agency
/// seated in the caller's scope that owes a report that year
/// (`Plan::agencies_reporting_in`); `NotFound` otherwise.
pub async fn agency_of(
    db: &DatabaseConnection,
    p: &Principal,
    code: &str,
    year: i32,
) -> ActionResult<(agency::Model, unit::Model)> {
    let (a, u) = thamgia_store::agencies::get_in_scope(db, &p.scope(), code.trim()).await?;
    if !p.scope().contains(&u.path) || !store::owes(db, &a, year).await? {
        return Err(ActionError::NotFound);
    }
    Ok((a, u))
}

/// The caller's role on the agency's report: the coordinator and admin
/// review (and may write) every agency's report of their scope; an agency
/// officer writes their own agency's.
pub fn role_of(p: &Principal, a: &agency::Model, u: &unit::Model) -> Option<ReportRole> {
    if !p.scope().contains(&u.path) {
        return None;
    }
    if p.can(Permission::ReviewReports) {
        return Some(ReportRole::Coordinator);
    }
    if p.may_manage(Permission::ReportForAgency, a.id) {
        return Some(ReportRole::Author);
    }
    None
}

/// Whether the caller writes the agency's report (narratives, a new draft).
pub fn authors(p: &Principal, a: &agency::Model, u: &unit::Model) -> bool {
    p.scope().contains(&u.path) && p.may_manage(Permission::ReportForAgency, a.id)
}

/// The report of `a` for `year`, created as a draft when missing, due as a
/// unit's report is (`report_data::due_on`).
pub async fn ensure_report(
    act: Act<'_>,
    a: &agency::Model,
    u: &unit::Model,
    year: i32,
) -> ActionResult<agency_report::Model> {
    let due = thamgia_store::report_data::due_on(act.db, &u.path, year).await?;
    Ok(store::get_or_create(act.db, &act.actor(), act.now, a.id, year, due).await?)
}

/// The report's figures: frozen once it left the author's hands, else live
/// (over the agency's unit's subtree).
pub async fn figures_of(
    db: &DatabaseConnection,
    a: &agency::Model,
    u: &unit::Model,
    year: i32,
    r: Option<&agency_report::Model>,
    today: NaiveDate,
) -> ActionResult<(AgencyFigures, bool)> {
    if let Some(r) = r
        && !editable(r.status)
        && let Some(f) = r.figures.as_deref().and_then(AgencyFigures::from_json)
    {
        return Ok((f, true));
    }
    Ok((store::figures(db, a, u, year, today).await?, false))
}

/// The narratives as typed: duty code → text.
#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(default)]
pub struct NarrativesInput {
    pub narratives: Narratives,
}

/// Checks the narratives: each names a duty of the agency (`unknown_duty`)
/// and stays within its length (`too_long`), by field `narratives.<code>`.
/// Blank ones are dropped.
pub fn check_narratives(duties: &[String], f: &NarrativesInput) -> ActionResult<Narratives> {
    let mut e = Fields::new();
    let mut out = Narratives::new();
    for (code, text) in &f.narratives {
        let field = format!("narratives.{code}");
        if !duties.contains(code) {
            e.insert(field, "unknown_duty".into());
            continue;
        }
        let text = text.trim();
        if text.chars().count() > MAX_SECTION {
            e.insert(field, "too_long".into());
        } else if !text.is_empty() {
            out.insert(code.clone(), text.to_string());
        }
    }
    if e.is_empty() {
        Ok(out)
    } else {
        Err(invalid(e))
    }
}

/// The codes of the agency's duties under the plan governing its unit.
pub async fn duty_codes(
    db: &DatabaseConnection,
    a: &agency::Model,
    u: &unit::Model,
    year: i32,
) -> ActionResult<Vec<String>> {
    let plan = thamgia_store::plans::governing_shared(db, &u.path, year).await?;
    Ok(plan
        .map(|p| {
            p.duties_of(&a.code, &a.kind, &u.level)
                .iter()
                .map(|d| d.code.clone())
                .collect()
        })
        .unwrap_or_default())
}

/// Saves the narratives of the agency's report (creating the draft): its
/// author only, while editable (409 `wrong_state` otherwise).
pub async fn save(
    act: Act<'_>,
    a: &agency::Model,
    u: &unit::Model,
    year: i32,
    f: &NarrativesInput,
) -> ActionResult<agency_report::Model> {
    act.require(Permission::ReportForAgency)?;
    if !authors(act.p, a, u) {
        return Err(ActionError::Forbidden);
    }
    let duties = duty_codes(act.db, a, u, year).await?;
    let n = check_narratives(&duties, f)?;
    let r = ensure_report(act, a, u, year).await?;
    store::save_narratives(act.db, &act.actor(), act.now, r.id, &n)
        .await
        .map_err(wrong_state_on_conflict)
}

/// Moves the agency's report. A refusal changes nothing: 409 `wrong_state`
/// or `not_allowed`, 422 `reason: required` when a reason is missing.
pub async fn move_report(
    act: Act<'_>,
    a: &agency::Model,
    u: &unit::Model,
    year: i32,
    action: ReportAction,
    reason: Option<&str>,
) -> ActionResult<agency_report::Model> {
    let (r, mut m) = report_to_move(
        role_of(act.p, a, u),
        action,
        reason,
        store::of_agency_year(act.db, a.id, year),
        authors(act.p, a, u),
        ensure_report(act, a, u, year),
        |r: &agency_report::Model| r.status,
    )
    .await?;
    if action == ReportAction::Submit {
        let today = act.now.date_naive();
        m.figures = Some(store::figures(act.db, a, u, year, today).await?.to_json());
    }
    moved(store::act(act.db, &act.actor(), act.now, r.id, m).await)
}

/// An agency's year as its page and the API show it: its duties with what it
/// recorded against each (frozen in a report that left its author's hands,
/// else live), and its report when the caller's scope holds the agency.
pub struct AgencyYear {
    pub year: i32,
    pub figures: AgencyFigures,
    pub frozen: bool,
    pub report: Option<agency_report::Model>,
    /// The agency owes a report for the year.
    pub owes: bool,
}

/// [`AgencyYear`] of `a` (seated in `u`) for the caller: figures over the
/// agency's unit's subtree when the caller's scope holds it, else over the
/// caller's own scope (an agency above a district shows the district's part).
pub async fn agency_year(
    db: &DatabaseConnection,
    p: &Principal,
    a: &agency::Model,
    u: &unit::Model,
    year: i32,
    today: NaiveDate,
) -> ActionResult<AgencyYear> {
    if !p.scope().contains(&u.path) {
        let me = own_unit(db, p).await?;
        let figures = store::figures(db, a, &me, year, today).await?;
        return Ok(AgencyYear {
            year,
            figures,
            frozen: false,
            report: None,
            owes: false,
        });
    }
    let report = store::of_agency_year(db, a.id, year).await?;
    let (figures, frozen) = figures_of(db, a, u, year, report.as_ref(), today).await?;
    Ok(AgencyYear {
        year,
        figures,
        frozen,
        report,
        owes: store::owes(db, a, year).await?,
    })
}

/// The agencies seated in the caller's scope that owe a report for `year`,
/// with their state (`store::agency_reports::chain_status`).
pub async fn scope_chain(
    db: &DatabaseConnection,
    p: &Principal,
    year: i32,
    today: NaiveDate,
) -> ActionResult<Vec<thamgia_store::agency_reports::AgencyRow>> {
    let me = own_unit(db, p).await?;
    Ok(store::chain_status(db, &me, year, today).await?)
}

/// The caller's own unit.
async fn own_unit(db: &DatabaseConnection, p: &Principal) -> ActionResult<unit::Model> {
    Ok(thamgia_store::scoped::found::<unit::Entity, _>(db, p.unit_id).await?)
}
