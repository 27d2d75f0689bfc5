//! Inspections (kiểm tra) and supervision (giám sát): plan one, change the
//! plan, record the visit, make a recommendation to the inspected party,
//! add a follow-up note, close a recommendation.
//!
//! Who acts is decided here once: an inspection is read through
//! `store::inspections::get` (the inspected unit in the caller's scope; an
//! agency officer sees their own agency's inspections only, else 404). The
//! **inspector** — an agency officer of the inspecting agency, anyone else
//! whose scope holds the inspecting unit — plans, visits, recommends and
//! closes; every other caller who sees the inspection is the **inspected
//! party** and only adds follow-up notes.

use crate::catalog::Action;
use crate::models::own_agency_in_scope;
use crate::{Act, ActionError, ActionResult, Fields, choice, invalid, invalid_one};
use chrono::{Datelike, NaiveDate};
use thamgia_domain::access::{Permission, Principal, Role};
use thamgia_domain::activities::parse_date;
use thamgia_domain::inspections::{
    FollowUpSide, InspectionKind, MAX_LONG, MAX_SHORT, checked_text, is_fatherland_front,
};
use thamgia_store::entity::{inspection, inspection_follow_up, inspection_recommendation, unit};
use thamgia_store::inspections::{self as store, Note, Planned, Visit};
use thamgia_store::{StoreError, agencies, scoped, units};

/// The write actions of this module (`catalog::all`).
pub const ACTIONS: &[Action] = &[
    Action::agency("inspections.create", Permission::Inspect),
    Action::agency("inspections.update", Permission::Inspect),
    Action::agency("inspections.visit", Permission::Inspect),
    Action::agency("inspections.recommend", Permission::Inspect),
    Action::agency("inspections.follow_up", Permission::Inspect),
    Action::agency("inspections.close", Permission::Inspect),
];

/// A planned inspection as sent: the inspected party by its unit code or
/// its agency code, the inspecting agency by code (empty: the caller's unit
/// inspects; an agency officer's own agency), the date as text.
#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(default)]
pub struct PlanInput {
    /// `inspection` or `supervision`.
    pub kind: String,
    /// Code of the inspected unit (when a unit is inspected).
    pub unit: String,
    /// Code of the inspected agency (when an agency is inspected).
    pub agency: String,
    /// Code of the inspecting agency.
    pub inspector_agency: String,
    pub team: String,
    pub subject: String,
    pub planned_on: String,
}

/// A visit as sent.
#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(default)]
pub struct VisitInput {
    pub visited_on: String,
    pub findings: String,
    /// The officials present (never children).
    pub participants: String,
}

/// A recommendation to the inspected party.
#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(default)]
pub struct RecommendInput {
    pub text: String,
    pub deadline: String,
}

/// A follow-up note; `done`: the party says it is done (the inspector's
/// `done` reopens a recommendation the party called done). The date is
/// today when empty.
#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(default)]
pub struct FollowUpInput {
    pub note: String,
    pub noted_on: String,
    pub done: bool,
}

/// The inspector's closing note and date (today when empty).
#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(default)]
pub struct CloseInput {
    pub note: String,
    pub closed_on: String,
}

/// Whether the principal inspects this inspection (plans, visits,
/// recommends, closes): an agency officer for the inspecting agency,
/// anyone else whose scope holds the inspecting unit.
pub fn is_inspector(p: &Principal, i: &inspection::Model, inspector_unit: &unit::Model) -> bool {
    p.can(Permission::Inspect)
        && match p.role {
            Role::AgencyOfficer => p.agency_id.is_some() && i.inspector_agency_id == p.agency_id,
            _ => p.scope().contains(&inspector_unit.path),
        }
}

/// An inspection the caller inspects: `NotFound` outside what they see,
/// `Forbidden` for the inspected party.
async fn load_inspector(act: Act<'_>, id: i32) -> ActionResult<inspection::Model> {
    let (i, _) = store::get(act.db, act.p, id).await?;
    let by = scoped::found::<unit::Entity, _>(act.db, i.inspector_unit_id).await?;
    if is_inspector(act.p, &i, &by) {
        Ok(i)
    } else {
        Err(ActionError::Forbidden)
    }
}

/// A date field: required, or today when `today` is given and it is empty.
fn date_field(e: &mut Fields, field: &str, v: &str, today: Option<NaiveDate>) -> Option<NaiveDate> {
    if v.trim().is_empty() {
        if today.is_none() {
            e.insert(field.into(), "required".into());
        }
        return today;
    }
    let d = parse_date(v);
    if d.is_none() {
        e.insert(field.into(), "not_a_date".into());
    }
    d
}

/// A text field (`checked_text`), its error named.
fn text_field(e: &mut Fields, field: &str, v: &str, max: usize, required: bool) -> String {
    checked_text(v, max, required).unwrap_or_else(|code| {
        e.insert(field.into(), code.into());
        String::new()
    })
}

/// Checks a plan: every field at once.
async fn check_plan(act: Act<'_>, f: &PlanInput) -> ActionResult<Planned> {
    let (db, p) = (act.db, act.p);
    let scope = p.scope();
    let mut e = Fields::new();
    let kind = choice(&mut e, "kind", &f.kind, true, InspectionKind::parse);
    let planned_on = date_field(&mut e, "planned_on", &f.planned_on, None);
    let subject = text_field(&mut e, "subject", &f.subject, MAX_SHORT, true);
    let team = text_field(&mut e, "team", &f.team, MAX_SHORT, false);
    // The inspected party: an agency of the scope (its own unit with it),
    // or a unit of the scope.
    let mut party: Option<(i32, Option<i32>)> = None;
    if !f.agency.trim().is_empty() {
        match agencies::get_in_scope(db, &scope, f.agency.trim()).await {
            Ok((a, u)) if scope.contains(&u.path) => party = Some((u.id, Some(a.id))),
            Ok(_) | Err(StoreError::NotFound) => {
                e.insert("agency".into(), "unknown_agency".into());
            }
            Err(err) => return Err(err.into()),
        }
    } else if !f.unit.trim().is_empty() {
        match units::resolve(db, &scope, f.unit.trim(), None, planned_on).await {
            Ok(r) => party = Some((r.unit.id, None)),
            Err(StoreError::NotFound) => {
                e.insert("unit".into(), "unknown_unit".into());
            }
            Err(err) => return Err(err.into()),
        }
    } else {
        e.insert("unit".into(), "required".into());
    }
    // The inspecting agency: optional for an inspection by the caller's
    // unit; an agency officer inspects for their own agency.
    let by_code = match (f.inspector_agency.trim(), p.own_agency()) {
        ("", Some(own)) => agencies::by_id(db, own).await?.map(|a| a.code),
        ("", None) => None,
        (code, _) => Some(code.to_string()),
    };
    let inspector_agency = match by_code {
        Some(code) => own_agency_in_scope(db, p, &mut e, "inspector_agency", &code)
            .await?
            .map(|(a, _)| a),
        None => None,
    };
    match kind {
        Some(InspectionKind::Supervision) => match &inspector_agency {
            Some(a) if !is_fatherland_front(&a.code, &a.name_vi) => {
                e.insert("inspector_agency".into(), "not_fatherland_front".into());
            }
            None if !e.contains_key("inspector_agency") => {
                e.insert("inspector_agency".into(), "required".into());
            }
            _ => {}
        },
        // Kiểm tra is an authority's: an agency officer supervises only.
        Some(InspectionKind::Inspection) if p.role == Role::AgencyOfficer => {
            e.insert("kind".into(), "supervision_only".into());
        }
        _ => {}
    }
    match (kind, planned_on, party) {
        (Some(kind), Some(planned_on), Some((unit_id, agency_id))) if e.is_empty() => Ok(Planned {
            year: planned_on.year(),
            kind,
            unit_id,
            agency_id,
            inspector_unit_id: p.unit_id,
            inspector_agency_id: inspector_agency.map(|a| a.id),
            team,
            subject,
            planned_on,
        }),
        _ => Err(invalid(e)),
    }
}

/// Plans an inspection or a supervision (`Inspect`).
pub async fn create(act: Act<'_>, f: &PlanInput) -> ActionResult<inspection::Model> {
    act.require(Permission::Inspect)?;
    let n = check_plan(act, f).await?;
    Ok(store::create(act.db, &act.actor(), act.now, n).await?)
}

/// Changes a plan (the inspector); the inspecting unit stays the one that
/// planned it.
pub async fn update(act: Act<'_>, id: i32, f: &PlanInput) -> ActionResult<inspection::Model> {
    act.require(Permission::Inspect)?;
    let i = load_inspector(act, id).await?;
    let mut n = check_plan(act, f).await?;
    n.inspector_unit_id = i.inspector_unit_id;
    Ok(store::update(act.db, &act.actor(), act.now, id, n).await?)
}

/// Records the visit (the inspector).
pub async fn visit(act: Act<'_>, id: i32, f: &VisitInput) -> ActionResult<inspection::Model> {
    act.require(Permission::Inspect)?;
    load_inspector(act, id).await?;
    let mut e = Fields::new();
    let visited_on = date_field(&mut e, "visited_on", &f.visited_on, None);
    let findings = text_field(&mut e, "findings", &f.findings, MAX_LONG, true);
    let participants = text_field(&mut e, "participants", &f.participants, MAX_SHORT, false);
    match visited_on {
        Some(visited_on) if e.is_empty() => {
            let v = Visit {
                visited_on,
                findings,
                participants,
            };
            Ok(store::record_visit(act.db, &act.actor(), act.now, id, v).await?)
        }
        _ => Err(invalid(e)),
    }
}

/// Makes a recommendation to the inspected party (the inspector, after the
/// visit: `visited_on: not_visited` before).
pub async fn recommend(
    act: Act<'_>,
    id: i32,
    f: &RecommendInput,
) -> ActionResult<inspection_recommendation::Model> {
    act.require(Permission::Inspect)?;
    let i = load_inspector(act, id).await?;
    let mut e = Fields::new();
    let text = text_field(&mut e, "text", &f.text, MAX_LONG, true);
    let deadline = date_field(&mut e, "deadline", &f.deadline, None);
    if i.visited_on.is_none() {
        e.insert("visited_on".into(), "not_visited".into());
    }
    match deadline {
        Some(deadline) if e.is_empty() => {
            store::add_recommendation(act.db, &act.actor(), act.now, id, text, deadline)
                .await
                .map_err(|err| conflict_to_field(err, "visited_on", "not_visited"))
        }
        _ => Err(invalid(e)),
    }
}

/// A store conflict on `field` as that field's error `code`.
fn conflict_to_field(err: StoreError, field: &str, code: &str) -> ActionError {
    match err {
        StoreError::Conflict { field: f } if f == field => invalid_one(field, code),
        other => other.into(),
    }
}

/// Adds a follow-up note (the inspector or the inspected party; the side is
/// the caller's). A closed recommendation takes none (`state: closed`).
pub async fn follow_up(
    act: Act<'_>,
    id: i32,
    rid: i32,
    f: &FollowUpInput,
) -> ActionResult<inspection_follow_up::Model> {
    act.require(Permission::Inspect)?;
    let (i, _) = store::get(act.db, act.p, id).await?;
    let r = store::recommendation_of(act.db, id, rid).await?;
    let by = scoped::found::<unit::Entity, _>(act.db, i.inspector_unit_id).await?;
    let side = if is_inspector(act.p, &i, &by) {
        FollowUpSide::Inspector
    } else {
        FollowUpSide::Party
    };
    let mut e = Fields::new();
    let note = text_field(&mut e, "note", &f.note, MAX_LONG, true);
    let noted_on = date_field(&mut e, "noted_on", &f.noted_on, Some(act.now.date_naive()));
    if !r.state.is_open() {
        e.insert("state".into(), "closed".into());
    }
    match noted_on {
        Some(noted_on) if e.is_empty() => {
            let n = Note {
                noted_on,
                side,
                note,
                done: f.done,
                user_id: Some(act.p.user_id),
            };
            store::add_follow_up(act.db, &act.actor(), act.now, rid, n)
                .await
                .map_err(|err| conflict_to_field(err, "state", "closed"))
        }
        _ => Err(invalid(e)),
    }
}

/// Closes a recommendation (the inspector); a second close, even a
/// concurrent one, is `state: closed`.
pub async fn close(
    act: Act<'_>,
    id: i32,
    rid: i32,
    f: &CloseInput,
) -> ActionResult<inspection_recommendation::Model> {
    act.require(Permission::Inspect)?;
    load_inspector(act, id).await?;
    let r = store::recommendation_of(act.db, id, rid).await?;
    let mut e = Fields::new();
    let note = text_field(&mut e, "note", &f.note, MAX_LONG, false);
    let closed_on = date_field(
        &mut e,
        "closed_on",
        &f.closed_on,
        Some(act.now.date_naive()),
    );
    if !r.state.is_open() {
        e.insert("state".into(), "closed".into());
    }
    match closed_on {
        Some(noted_on) if e.is_empty() => {
            let n = Note {
                noted_on,
                side: FollowUpSide::Inspector,
                note,
                done: true,
                user_id: Some(act.p.user_id),
            };
            store::close(act.db, &act.actor(), act.now, rid, n)
                .await
                .map_err(|err| conflict_to_field(err, "state", "closed"))
        }
        _ => Err(invalid(e)),
    }
}

/// A year as the list asks for it (empty: every year).
pub fn year_of(q: &str) -> ActionResult<Option<i32>> {
    if q.trim().is_empty() {
        return Ok(None);
    }
    thamgia_domain::activities::parse_year(q)
        .map(Some)
        .ok_or_else(|| invalid_one("year", "not_a_number"))
}
