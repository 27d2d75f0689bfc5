//! Matters: register one, change one. The worked example of an action:
//! an input as people and clients send it, one function per action doing
//! permission → load in scope → checks → store → conflicts, and nothing of
//! HTTP. `pages/matters.rs` and `api/matters.rs` call these two functions.

use crate::catalog::Action;
use crate::models::own_agency_in_scope;
use crate::{Act, ActionResult, Fields, choice, invalid};
use chrono::NaiveDate;
use sea_orm::DatabaseConnection;
use thamgia_domain::access::Permission;
use thamgia_domain::access::Scope;
use thamgia_domain::activities::parse_date;
use thamgia_domain::voice::{MatterKind, Stage};
use thamgia_store::entity::matter;
use thamgia_store::matters::{MatterChanges, MatterFilter, NewMatter};
use thamgia_store::{StoreError, matters, units};

/// The write actions of this module (`catalog::all`).
pub const ACTIONS: &[Action] = &[
    Action::agency("matters.create", Permission::ManageMatters),
    Action::agency("matters.update", Permission::ManageMatters),
];

/// Longest title of a matter, in characters.
pub const MAX_TITLE: usize = 200;
/// Longest summary of a matter, in characters.
pub const MAX_SUMMARY: usize = 5000;

/// A new matter as sent: codes and the date as text (`dd/mm/yyyy` or
/// `yyyy-mm-dd`), read and checked here once.
#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(default)]
pub struct MatterInput {
    pub kind: String,
    pub title: String,
    pub summary: String,
    /// Code of the owner agency (field `agency`; the API calls it `owner_agency`).
    pub agency: String,
    /// Code of the unit.
    pub unit: String,
    /// Empty: drafting.
    pub stage: String,
    /// Empty when not decided yet.
    pub decision_date: String,
}

/// Changes to a matter; `None` keeps the current value. `decision_date:
/// Some("")` clears the date.
#[derive(Debug, Default, Clone)]
pub struct MatterPatch {
    pub title: Option<String>,
    pub summary: Option<String>,
    pub stage: Option<String>,
    pub decision_date: Option<String>,
}

/// Registers a matter (`ManageMatters`; an agency officer for their own
/// agency only).
pub async fn create(act: Act<'_>, f: &MatterInput) -> ActionResult<matter::Model> {
    act.require(Permission::ManageMatters)?;
    let n = check_new(act, f).await?;
    Ok(matters::create(act.db, &act.actor(), act.now, n).await?)
}

/// Changes a matter's title, summary, stage or decision date.
pub async fn update(act: Act<'_>, id: i32, f: &MatterPatch) -> ActionResult<matter::Model> {
    act.require(Permission::ManageMatters)?;
    let m = load_managed(act, id).await?;
    let ch = check_edit(&m, f)?;
    matters::update(act.db, &act.actor(), act.now, id, ch).await?;
    let (m, _, _) = matters::get_in_scope(act.db, &act.p.scope(), id).await?;
    Ok(m)
}

/// A matter in the caller's scope that the caller may change (edit it, ask
/// children about it): `NotFound` outside the scope, `Forbidden` for an
/// agency officer of another agency.
pub async fn load_managed(act: Act<'_>, id: i32) -> ActionResult<matter::Model> {
    let (m, _, _) = matters::get_in_scope(act.db, &act.p.scope(), id).await?;
    if !act
        .p
        .may_manage(Permission::ManageMatters, m.owner_agency_id)
    {
        return Err(crate::ActionError::Forbidden);
    }
    Ok(m)
}

/// Checks title, summary, stage and decision date (shared by create and edit).
pub fn check_text_stage_date(
    title: &str,
    summary: &str,
    stage: &str,
    decision: &str,
    current_stage: Option<&str>,
    e: &mut Fields,
) -> (String, String, Option<Stage>, Option<NaiveDate>) {
    let title = title.trim().to_string();
    if title.is_empty() {
        e.insert("title".into(), "required".into());
    } else if title.chars().count() > MAX_TITLE {
        e.insert("title".into(), "too_long".into());
    }
    let summary = summary.trim().to_string();
    if summary.chars().count() > MAX_SUMMARY {
        e.insert("summary".into(), "too_long".into());
    }
    let stage = match Stage::parse(stage.trim()) {
        // "answered" is recorded when the answer to the children is published.
        Some(Stage::Answered) if current_stage != Some(Stage::Answered.as_str()) => {
            e.insert("stage".into(), "stage_answered_auto".into());
            None
        }
        Some(s) => Some(s),
        None => {
            e.insert("stage".into(), "unknown_option".into());
            None
        }
    };
    let decision = if decision.trim().is_empty() {
        None
    } else {
        match parse_date(decision) {
            Some(d) => Some(d),
            None => {
                e.insert("decision_date".into(), "not_a_date".into());
                None
            }
        }
    };
    if decision.is_none()
        && !e.contains_key("decision_date")
        && matches!(stage, Some(Stage::Decided | Stage::Answered))
    {
        e.insert("decision_date".into(), "decision_date_required".into());
    }
    (title, summary, stage, decision)
}

/// Checks a new matter: every field, every error at once.
async fn check_new(act: Act<'_>, f: &MatterInput) -> ActionResult<NewMatter> {
    let (db, p) = (act.db, act.p);
    let scope = p.scope();
    let mut e = Fields::new();
    let kind = choice(&mut e, "kind", &f.kind, true, MatterKind::parse);
    let stage_text = if f.stage.trim().is_empty() {
        Stage::Drafting.as_str()
    } else {
        f.stage.as_str()
    };
    let (title, summary, stage, decision) = check_text_stage_date(
        &f.title,
        &f.summary,
        stage_text,
        &f.decision_date,
        None,
        &mut e,
    );
    let unit = if f.unit.trim().is_empty() {
        e.insert("unit".into(), "required".into());
        None
    } else {
        // A reused code is read on the decision date (the matter's year),
        // else as it stands now: 03388 decided in 2019 is Phường Quyết Tiến.
        match units::resolve(db, &scope, f.unit.trim(), None, decision).await {
            Ok(r) => Some(r.unit),
            Err(StoreError::NotFound) => {
                e.insert("unit".into(), "unknown_unit".into());
                None
            }
            Err(err) => return Err(err.into()),
        }
    };
    let agency = own_agency_in_scope(db, p, &mut e, "agency", &f.agency)
        .await?
        .map(|(a, _)| a);
    match (kind, stage, unit, agency) {
        (Some(kind), Some(stage), Some(u), Some(a)) if e.is_empty() => Ok(NewMatter {
            kind,
            title,
            summary,
            owner_agency_id: a.id,
            unit_id: u.id,
            stage,
            decision_date: decision,
        }),
        _ => Err(invalid(e)),
    }
}

/// The matter's current decision date as the forms show it.
fn date_text(d: Option<NaiveDate>) -> String {
    d.map(|d| d.format("%d/%m/%Y").to_string())
        .unwrap_or_default()
}

fn check_edit(m: &matter::Model, f: &MatterPatch) -> ActionResult<MatterChanges> {
    let mut e = Fields::new();
    let current_date = date_text(m.decision_date);
    let (title, summary, stage, decision) = check_text_stage_date(
        f.title.as_deref().unwrap_or(&m.title),
        f.summary.as_deref().unwrap_or(&m.summary),
        f.stage.as_deref().unwrap_or(m.stage.as_str()),
        f.decision_date.as_deref().unwrap_or(&current_date),
        Some(m.stage.as_str()),
        &mut e,
    );
    if !e.is_empty() {
        return Err(invalid(e));
    }
    Ok(MatterChanges {
        title: (title != m.title).then_some(title),
        summary: (summary != m.summary).then_some(summary),
        stage: stage.filter(|s| *s != m.stage),
        decision_date: (decision != m.decision_date).then_some(decision),
    })
}

// ---------------------------------------------------------------- list

#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(default)]
pub struct ListQuery {
    pub unit: String,
    pub kind: String,
    pub year: String,
    pub stage: String,
}

/// Turns list query parameters into a store filter; unknown values are named.
pub async fn filter_of(
    db: &DatabaseConnection,
    scope: &Scope,
    q: &ListQuery,
) -> ActionResult<MatterFilter> {
    let mut e = Fields::new();
    let mut f = MatterFilter::default();
    if !q.unit.trim().is_empty() {
        // With a year, a reused code is read in that year (`units::resolve`).
        let year = q.year.trim().parse::<i32>().ok();
        match units::resolve(db, scope, q.unit.trim(), year, None).await {
            Ok(r) => f.unit_path = Some(r.unit.path),
            Err(StoreError::NotFound) => {
                e.insert("unit".into(), "unknown_unit".into());
            }
            Err(err) => return Err(err.into()),
        }
    }
    f.kind = choice(&mut e, "kind", &q.kind, false, MatterKind::parse);
    f.stage = choice(&mut e, "stage", &q.stage, false, Stage::parse);
    if !q.year.trim().is_empty() {
        f.year = q
            .year
            .trim()
            .parse::<i32>()
            .ok()
            .filter(|y| (1900..=2200).contains(y));
        if f.year.is_none() {
            e.insert("year".into(), "not_a_number".into());
        }
    }
    if e.is_empty() { Ok(f) } else { Err(invalid(e)) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_in_both_forms() {
        let d = NaiveDate::from_ymd_opt(2019, 3, 5).expect("date");
        assert_eq!(parse_date("05/03/2019"), Some(d));
        assert_eq!(parse_date("5/3/2019"), Some(d));
        assert_eq!(parse_date("2019-03-05"), Some(d));
        assert_eq!(parse_date(" 2019-03-05 "), Some(d));
        for bad in ["", "31/02/2019", "2019/03/05", "hôm nay", "05-03-2019"] {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
    }

    #[test]
    fn answered_is_never_chosen_by_hand_and_decided_needs_a_date() {
        let mut e = Fields::new();
        let (_, _, s, _) = check_text_stage_date("T", "", "answered", "", None, &mut e);
        assert_eq!(s, None);
        assert_eq!(e["stage"], "stage_answered_auto");
        let mut e = Fields::new();
        check_text_stage_date("", "", "decided", "", None, &mut e);
        assert_eq!(e["title"], "required");
        assert_eq!(e["decision_date"], "decision_date_required");
        let mut e = Fields::new();
        check_text_stage_date(&"x".repeat(201), "", "drafting", "32/01/2019", None, &mut e);
        assert_eq!(e["title"], "too_long");
        assert_eq!(e["decision_date"], "not_a_date");
        let mut e = Fields::new();
        let (_, _, s, d) =
            check_text_stage_date("T", "S", "answered", "2019-01-02", Some("answered"), &mut e);
        assert!(e.is_empty());
        assert_eq!(s, Some(Stage::Answered));
        assert!(d.is_some());
    }
}
