//! Plans as data: import a checked plan file, read plans and their versions.
//!
//! Importing is all or nothing (one transaction). The same content imported
//! again changes nothing; changed content becomes the next version of the same
//! plan code, and every earlier version stays readable. Units and agencies are
//! shared by all plans: an import adds the ones it names and updates their
//! names, recording each change in the audit trail.

use crate::audit::{self, Change};
use crate::entity::*;
use crate::{Result, StoreError, sha256_hex};
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel,
    QueryFilter, QueryOrder, TransactionTrait,
};
use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex};
use thamgia_domain::access::{Actor, child_path};
use thamgia_domain::plan::{Levels, Plan, UnitDef};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportOutcome {
    /// The same content was already the latest version.
    Unchanged {
        plan_id: i32,
        version: i32,
    },
    Imported {
        plan_id: i32,
        version: i32,
    },
}

/// The fingerprint of a plan's meaning: comments and layout do not count.
pub fn fingerprint(plan: &Plan) -> String {
    sha256_hex(&serde_json::to_string(plan).unwrap_or_default())
}

pub async fn import<C: TransactionTrait + ConnectionTrait>(
    c: &C,
    actor: &Actor,
    now: DateTime<Utc>,
    plan: &Plan,
    source: &str,
) -> Result<ImportOutcome> {
    let fp = fingerprint(plan);
    let tx = crate::begin_write(c).await?;
    let latest = plan::Entity::find()
        .filter(plan::Column::Code.eq(&plan.header.code))
        .order_by_desc(plan::Column::Version)
        .one(&tx)
        .await?;
    if let Some(l) = &latest
        && l.fingerprint == fp
    {
        return Ok(ImportOutcome::Unchanged {
            plan_id: l.id,
            version: l.version,
        });
    }
    let version = latest.as_ref().map_or(1, |l| l.version + 1);

    let unit_ids = upsert_units(&tx, actor, now, &plan.units).await?;
    let mut agency_ids = HashMap::new();
    for a in &plan.agencies {
        let unit_id = unit_ids[&a.unit];
        let existing = agency::Entity::find()
            .filter(agency::Column::Code.eq(&a.code))
            .one(&tx)
            .await?;
        let row = match existing {
            Some(e) => {
                let mut am = e.clone().into_active_model();
                am.name_vi = Set(a.name_vi.clone());
                am.name_en = Set(a.name_en.clone());
                am.short_vi = Set(a.short_vi.clone());
                am.kind = Set(a.kind.clone());
                am.unit_id = Set(unit_id);
                // Dates the plan states; a day set when the agency's unit
                // ended (`handover::end_with_units`) stays when it says none.
                if a.valid_from.is_some() {
                    am.valid_from = Set(a.valid_from);
                }
                if a.valid_to.is_some() {
                    am.valid_to = Set(a.valid_to);
                }
                let after = am.update(&tx).await?;
                if after != e {
                    audit::updated(&tx, actor, now, "agency", &a.code, &e, &after).await?;
                }
                after
            }
            None => {
                let row = agency::ActiveModel {
                    code: Set(a.code.clone()),
                    name_vi: Set(a.name_vi.clone()),
                    name_en: Set(a.name_en.clone()),
                    short_vi: Set(a.short_vi.clone()),
                    kind: Set(a.kind.clone()),
                    unit_id: Set(unit_id),
                    valid_from: Set(a.valid_from),
                    valid_to: Set(a.valid_to),
                    ..Default::default()
                }
                .insert(&tx)
                .await?;
                audit::created(&tx, actor, now, "agency", &a.code, &row).await?;
                row
            }
        };
        agency_ids.insert(a.code.clone(), row.id);
    }

    let h = &plan.header;
    let p = plan::ActiveModel {
        code: Set(h.code.clone()),
        version: Set(version),
        fingerprint: Set(fp),
        name_vi: Set(h.name_vi.clone()),
        name_en: Set(h.name_en.clone()),
        issuer_vi: Set(h.issuer_vi.clone()),
        issuer_en: Set(h.issuer_en.clone()),
        issuer_unit_id: Set(unit_ids[&h.issuer_unit]),
        document_date: Set(h.document_date),
        based_on_vi: Set(h.based_on_vi.clone()),
        based_on_en: Set(h.based_on_en.clone()),
        period_start: Set(h.period_start),
        period_end: Set(h.period_end),
        subject_vi: Set(h.subject_vi.clone()),
        subject_en: Set(h.subject_en.clone()),
        subject_min_age: Set(i32::from(h.subject_min_age)),
        subject_max_age: Set(i32::from(h.subject_max_age)),
        scope_vi: Set(h.scope_vi.clone()),
        scope_en: Set(h.scope_en.clone()),
        // The coordinator at the period's end (`header.coordinator`: the last
        // of the dated coordinators, when it changed); who coordinated on a
        // day is in the document (`Plan::coordinator_on`).
        coordinator_agency_id: Set(agency_ids[&h.coordinator]),
        document: Set(serde_json::to_string(plan).unwrap_or_default()),
        source: Set(source.to_string()),
        imported_at: Set(now),
        imported_by: Set(actor.label.clone()),
        ..Default::default()
    }
    .insert(&tx)
    .await?;

    for (i, u) in plan.units.iter().enumerate() {
        plan_unit::ActiveModel {
            plan_id: Set(p.id),
            unit_id: Set(unit_ids[&u.code]),
            ord: Set(i as i32),
        }
        .insert(&tx)
        .await?;
    }
    for (k, v) in &plan.settings {
        plan_setting::ActiveModel {
            plan_id: Set(p.id),
            key: Set(k.clone()),
            value: Set(*v),
        }
        .insert(&tx)
        .await?;
    }
    let texts = plan
        .purposes
        .iter()
        .map(|t| ("purpose", &t.text_vi, &t.text_en, None))
        .chain(
            plan.objectives
                .iter()
                .map(|o| (o.kind.as_str(), &o.text_vi, &o.text_en, o.indicator.clone())),
        );
    for (i, (kind, vi, en, ind)) in texts.enumerate() {
        plan_text::ActiveModel {
            plan_id: Set(p.id),
            kind: Set(kind.to_string()),
            ord: Set(i as i32),
            text_vi: Set(vi.clone()),
            text_en: Set(en.clone()),
            indicator_code: Set(ind),
            ..Default::default()
        }
        .insert(&tx)
        .await?;
    }
    for (i, ind) in plan.indicators.iter().enumerate() {
        let row = indicator::ActiveModel {
            plan_id: Set(p.id),
            code: Set(ind.code.clone()),
            ord: Set(i as i32),
            name_vi: Set(ind.name_vi.clone()),
            name_en: Set(ind.name_en.clone()),
            unit: Set(ind.unit.as_str().into()),
            target: Set(ind.target),
            definition_vi: Set(ind.definition_vi.clone()),
            definition_en: Set(ind.definition_en.clone()),
            numerator_vi: Set(ind.numerator_vi.clone()),
            numerator_en: Set(ind.numerator_en.clone()),
            denominator_vi: Set(ind.denominator_vi.clone()),
            denominator_en: Set(ind.denominator_en.clone()),
            ..Default::default()
        }
        .insert(&tx)
        .await?;
        for t in &ind.targets {
            indicator_target::ActiveModel {
                indicator_id: Set(row.id),
                year: Set(t.year),
                unit_id: Set(t.unit.as_ref().map(|u| unit_ids[u])),
                value: Set(t.value),
                ..Default::default()
            }
            .insert(&tx)
            .await?;
        }
    }
    for (i, pr) in plan.projects.iter().enumerate() {
        let row = project::ActiveModel {
            plan_id: Set(p.id),
            code: Set(pr.code.clone()),
            ord: Set(i as i32),
            kind: Set(pr.kind.clone()),
            parent_code: Set(pr.parent.clone()),
            name_vi: Set(pr.name_vi.clone()),
            name_en: Set(pr.name_en.clone()),
            goal_vi: Set(pr.goal_vi.clone()),
            goal_en: Set(pr.goal_en.clone()),
            target_vi: Set(pr.target_vi.clone()),
            target_en: Set(pr.target_en.clone()),
            indicator_codes: Set(pr.indicators.join(",")),
            ..Default::default()
        }
        .insert(&tx)
        .await?;
        let agencies = pr
            .lead
            .iter()
            .map(|l| (l, "lead"))
            .chain(pr.coordinating.iter().map(|a| (a, "coordinating")));
        for (j, (code, role)) in agencies.enumerate() {
            project_agency::ActiveModel {
                project_id: Set(row.id),
                agency_id: Set(agency_ids[code]),
                role: Set(role.to_string()),
                ord: Set(j as i32),
            }
            .insert(&tx)
            .await?;
        }
    }
    for (i, f) in plan.funding_sources.iter().enumerate() {
        funding_source::ActiveModel {
            plan_id: Set(p.id),
            code: Set(f.code.clone()),
            ord: Set(i as i32),
            name_vi: Set(f.name_vi.clone()),
            name_en: Set(f.name_en.clone()),
            ..Default::default()
        }
        .insert(&tx)
        .await?;
    }
    for (i, r) in plan.reporting.iter().enumerate() {
        reporting_duty::ActiveModel {
            plan_id: Set(p.id),
            ord: Set(i as i32),
            reporter: Set(r.reporter.clone()),
            recipient_agency_id: Set(agency_ids[&r.recipient]),
            via_agency_id: Set(r.via.as_ref().map(|v| agency_ids[v])),
            frequency: Set(r.frequency.clone()),
            text_vi: Set(r.text_vi.clone()),
            text_en: Set(r.text_en.clone()),
            ..Default::default()
        }
        .insert(&tx)
        .await?;
    }
    let change = Change::new("import", "plan", format!("{}@{}", h.code, version)).after(
        &serde_json::json!({
            "code": h.code, "version": version, "name_vi": h.name_vi
        }),
    );
    audit::commit(tx, actor, now, change).await?;
    Ok(ImportOutcome::Imported {
        plan_id: p.id,
        version,
    })
}

/// Adds or updates the plan's units, parents first, and returns code → id.
async fn upsert_units<C: ConnectionTrait>(
    tx: &C,
    actor: &Actor,
    now: DateTime<Utc>,
    defs: &[UnitDef],
) -> Result<HashMap<String, i32>> {
    let mut ids: HashMap<String, i32> = HashMap::new();
    let mut paths: HashMap<String, String> = HashMap::new();
    let mut pending: Vec<&UnitDef> = defs.iter().collect();
    // The checker rejects cycles and unknown parents, so each pass places at
    // least one unit; the guard only protects against a checker bug.
    while !pending.is_empty() {
        let before = pending.len();
        let mut rest = vec![];
        for d in pending {
            let parent = match &d.parent {
                None => None,
                Some(pc) => match ids.get(pc) {
                    Some(id) => Some((*id, paths[pc].clone())),
                    None => match crate::units::by_code(tx, pc).await? {
                        Some(u) if !defs.iter().any(|x| &x.code == pc) => Some((u.id, u.path)),
                        _ => {
                            rest.push(d);
                            continue;
                        }
                    },
                },
            };
            let parent_path = parent.as_ref().map(|p| p.1.as_str());
            let existing = crate::units::by_code(tx, &d.code).await?;
            let row = match existing {
                Some(e) => {
                    crate::units::ensure_code_free(
                        tx,
                        &d.code,
                        d.valid_from,
                        d.valid_to,
                        Some(e.id),
                    )
                    .await?;
                    let mut am = e.clone().into_active_model();
                    am.name_vi = Set(d.name_vi.clone());
                    am.name_en = Set(d.name_en.clone());
                    am.level = Set(d.level.clone());
                    am.parent_id = Set(parent.as_ref().map(|p| p.0));
                    am.path = Set(child_path(parent_path, e.id));
                    am.valid_from = Set(d.valid_from);
                    am.valid_to = Set(d.valid_to);
                    let after = am.update(tx).await?;
                    if after != e {
                        audit::updated(tx, actor, now, "unit", after.id, &e, &after).await?;
                    }
                    after
                }
                None => {
                    crate::units::ensure_code_free(tx, &d.code, d.valid_from, d.valid_to, None)
                        .await?;
                    let row = unit::ActiveModel {
                        code: Set(d.code.clone()),
                        name_vi: Set(d.name_vi.clone()),
                        name_en: Set(d.name_en.clone()),
                        level: Set(d.level.clone()),
                        parent_id: Set(parent.as_ref().map(|p| p.0)),
                        // The id is known only after the insert.
                        path: Set(String::new()),
                        valid_from: Set(d.valid_from),
                        valid_to: Set(d.valid_to),
                        ..Default::default()
                    }
                    .insert(tx)
                    .await?;
                    let row = crate::units::set_path(tx, row, parent_path).await?;
                    audit::created(tx, actor, now, "unit", row.id, &row).await?;
                    row
                }
            };
            ids.insert(d.code.clone(), row.id);
            paths.insert(d.code.clone(), row.path.clone());
        }
        if rest.len() == before {
            return Err(StoreError::Conflict {
                field: "units.parent",
            });
        }
        pending = rest;
    }
    for d in defs {
        for s in &d.successors {
            let exists = unit_successor::Entity::find()
                .filter(unit_successor::Column::UnitId.eq(ids[&d.code]))
                .filter(unit_successor::Column::SuccessorId.eq(ids[s]))
                .one(tx)
                .await?;
            if exists.is_none() {
                unit_successor::ActiveModel {
                    unit_id: Set(ids[&d.code]),
                    successor_id: Set(ids[s]),
                }
                .insert(tx)
                .await?;
            }
        }
    }
    Ok(ids)
}

/// A plan version with everything the plan page shows.
#[derive(Debug, Clone, serde::Serialize)]
pub struct PlanView {
    pub plan: plan::Model,
    /// The coordinator at the period's end (the `coordinator_agency_id` column).
    pub coordinator: agency::Model,
    /// Who coordinated when, when it changed during the period: each agency
    /// with its first and last day (either open); empty otherwise.
    pub coordinators: Vec<(
        agency::Model,
        Option<chrono::NaiveDate>,
        Option<chrono::NaiveDate>,
    )>,
    pub units: Vec<unit::Model>,
    pub settings: Vec<plan_setting::Model>,
    pub texts: Vec<plan_text::Model>,
    pub indicators: Vec<(indicator::Model, Vec<indicator_target::Model>)>,
    pub projects: Vec<ProjectView>,
    pub funding_sources: Vec<funding_source::Model>,
    pub reporting: Vec<(reporting_duty::Model, agency::Model, Option<agency::Model>)>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct ProjectView {
    pub project: project::Model,
    pub lead: Option<agency::Model>,
    pub coordinating: Vec<agency::Model>,
}

/// Every plan's latest version, newest period first.
pub async fn list_latest<C: ConnectionTrait>(c: &C) -> Result<Vec<plan::Model>> {
    let all = plan::Entity::find()
        .order_by_desc(plan::Column::PeriodStart)
        .order_by_asc(plan::Column::Code)
        .order_by_desc(plan::Column::Version)
        .all(c)
        .await?;
    let mut seen = std::collections::HashSet::new();
    Ok(all
        .into_iter()
        .filter(|p| seen.insert(p.code.clone()))
        .collect())
}

/// The latest version of every plan issued in the province of the unit at
/// `path` (the root of both id paths), newest period first. Plans of two
/// provinces for the same years coexist; a unit only ever sees its own
/// province's.
async fn of_province<C: ConnectionTrait>(c: &C, path: &str) -> Result<Vec<plan::Model>> {
    let all = list_latest(c).await?;
    let issuers: HashMap<i32, String> = unit::Entity::find()
        .filter(unit::Column::Id.is_in(all.iter().map(|p| p.issuer_unit_id)))
        .all(c)
        .await?
        .into_iter()
        .map(|u| (u.id, u.path))
        .collect();
    let root = |p: &str| p.split('/').find(|s| !s.is_empty()).map(str::to_owned);
    let province = root(path);
    Ok(all
        .into_iter()
        .filter(|p| {
            issuers
                .get(&p.issuer_unit_id)
                .is_some_and(|ip| root(ip) == province)
        })
        .collect())
}

/// Parsed plans by the row's content fingerprint (`plan.fingerprint`, the
/// hash of the stored document): a plan version's document never changes, a
/// new version is a new row with its own fingerprint, and two databases (or
/// two provinces) holding the same content share one parse. A figure request
/// reads the plan without parsing its JSON again.
static PARSED: LazyLock<Mutex<HashMap<String, Arc<Plan>>>> =
    LazyLock::new(|| Mutex::new(HashMap::new()));

/// Distinct plan contents kept parsed; past this the cache starts afresh.
const PARSED_MAX: usize = 64;

/// The plan stored in a row, parsed once per content.
fn parsed(p: &plan::Model) -> Option<Arc<Plan>> {
    let lock = || {
        PARSED
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    };
    if let Some(hit) = lock().get(&p.fingerprint) {
        return Some(hit.clone());
    }
    let plan: Plan = serde_json::from_str(&p.document).ok()?;
    // The fingerprint is the hash of this very document; a row whose
    // fingerprint does not match (written by hand) is parsed every time.
    if sha256_hex(&p.document) != p.fingerprint {
        return Some(Arc::new(plan));
    }
    let plan = Arc::new(plan);
    let mut cache = lock();
    if cache.len() >= PARSED_MAX {
        cache.clear();
    }
    cache.insert(p.fingerprint.clone(), plan.clone());
    Some(plan)
}

fn parse(p: &plan::Model) -> Option<Plan> {
    parsed(p).map(|p| (*p).clone())
}

/// The latest version of the province's plan whose period contains `year`.
fn covering(plans: &[plan::Model], year: i32) -> Option<&plan::Model> {
    plans
        .iter()
        .find(|p| p.period_start <= year && year <= p.period_end)
}

/// The plan that governs a unit in a year: its province's plan whose period
/// contains the year. `None` when there is none.
pub async fn for_unit<C: ConnectionTrait>(c: &C, path: &str, year: i32) -> Result<Option<Plan>> {
    Ok(covering(&of_province(c, path).await?, year).and_then(parse))
}

/// [`governing`], shared from the cache (no copy of the plan).
pub async fn governing_shared<C: ConnectionTrait>(
    c: &C,
    path: &str,
    year: i32,
) -> Result<Option<Arc<Plan>>> {
    let plans = of_province(c, path).await?;
    Ok(covering(&plans, year).or(plans.first()).and_then(parsed))
}

/// The newest plan (the latest period's latest version) of the province of
/// the unit at `path`.
pub async fn newest<C: ConnectionTrait>(c: &C, path: &str) -> Result<Option<Plan>> {
    Ok(of_province(c, path).await?.first().and_then(parse))
}

/// The plan whose names and settings apply to a unit in a year: the one
/// governing it ([`for_unit`]), else its province's newest plan (a year
/// outside every period still reads in the province's words).
pub async fn governing<C: ConnectionTrait>(c: &C, path: &str, year: i32) -> Result<Option<Plan>> {
    Ok(governing_shared(c, path, year).await?.map(|p| (*p).clone()))
}

/// The levels of the plan whose period holds `year` for the unit at `path`
/// ([`for_unit`]): `None` for a year no plan covers.
pub async fn covering_levels<C: ConnectionTrait>(
    c: &C,
    path: &str,
    year: i32,
) -> Result<Option<Levels>> {
    Ok(covering(&of_province(c, path).await?, year)
        .and_then(parsed)
        .map(|p| p.levels.clone()))
}

/// The levels of the plan governing the unit at `path` in `year`
/// ([`governing`]); a province without a plan has the
/// [defaults](Levels::default).
pub async fn levels<C: ConnectionTrait>(c: &C, path: &str, year: i32) -> Result<Levels> {
    Ok(governing_shared(c, path, year)
        .await?
        .map(|p| p.levels.clone())
        .unwrap_or_default())
}

/// Whether a unit of `level` in the province of `path` may hold `model`
/// (`forum`, `council`, `club`) in `year`: the governing plan's `[levels]`
/// ([`Levels::holds`]). The one rule every write of a forum, council or
/// club passes, and by which the forms offer their units.
pub async fn holds<C: ConnectionTrait>(
    c: &C,
    path: &str,
    level: &str,
    model: &str,
    year: i32,
) -> Result<bool> {
    Ok(levels(c, path, year).await?.holds(model, level))
}

/// [`holds`] inside a write: refuses with `Conflict { field: "unit_level" }`
/// ([`LEVEL_REFUSED`]).
pub async fn ensure_holds<C: ConnectionTrait>(
    c: &C,
    unit_id: i32,
    model: &str,
    year: i32,
) -> Result<()> {
    let u = crate::scoped::found::<unit::Entity, _>(c, unit_id).await?;
    if holds(c, &u.path, &u.level, model, year).await? {
        Ok(())
    } else {
        Err(StoreError::Conflict {
            field: LEVEL_REFUSED,
        })
    }
}

/// The conflict of a forum, council or club at a unit whose level the
/// governing plan does not list ([`ensure_holds`]).
pub const LEVEL_REFUSED: &str = "unit_level";

/// All versions of one plan, newest first.
pub async fn versions<C: ConnectionTrait>(c: &C, code: &str) -> Result<Vec<plan::Model>> {
    Ok(plan::Entity::find()
        .filter(plan::Column::Code.eq(code))
        .order_by_desc(plan::Column::Version)
        .all(c)
        .await?)
}

/// One plan version (`None`: the latest).
pub async fn get<C: ConnectionTrait>(
    c: &C,
    code: &str,
    version: Option<i32>,
) -> Result<plan::Model> {
    let mut q = plan::Entity::find().filter(plan::Column::Code.eq(code));
    if let Some(v) = version {
        q = q.filter(plan::Column::Version.eq(v));
    }
    q.order_by_desc(plan::Column::Version)
        .one(c)
        .await?
        .ok_or(StoreError::NotFound)
}

pub async fn view<C: ConnectionTrait>(c: &C, p: plan::Model) -> Result<PlanView> {
    let agencies: HashMap<i32, agency::Model> = agency::Entity::find()
        .all(c)
        .await?
        .into_iter()
        .map(|a| (a.id, a))
        .collect();
    let ag = |id: i32| agencies.get(&id).cloned().ok_or(StoreError::NotFound);
    let pu = plan_unit::Entity::find()
        .filter(plan_unit::Column::PlanId.eq(p.id))
        .order_by_asc(plan_unit::Column::Ord)
        .all(c)
        .await?;
    let unit_rows =
        crate::scoped::by_ids::<unit::Entity, _>(c, pu.iter().map(|x| x.unit_id)).await?;
    let units = pu
        .iter()
        .filter_map(|x| unit_rows.get(&x.unit_id).cloned())
        .collect();
    let settings = plan_setting::Entity::find()
        .filter(plan_setting::Column::PlanId.eq(p.id))
        .order_by_asc(plan_setting::Column::Key)
        .all(c)
        .await?;
    let texts = plan_text::Entity::find()
        .filter(plan_text::Column::PlanId.eq(p.id))
        .order_by_asc(plan_text::Column::Ord)
        .all(c)
        .await?;
    let inds = indicator::Entity::find()
        .filter(indicator::Column::PlanId.eq(p.id))
        .order_by_asc(indicator::Column::Ord)
        .all(c)
        .await?;
    let targets = indicator_target::Entity::find()
        .filter(indicator_target::Column::IndicatorId.is_in(inds.iter().map(|i| i.id)))
        .order_by_asc(indicator_target::Column::Id)
        .all(c)
        .await?;
    let indicators = inds
        .into_iter()
        .map(|i| {
            let t = targets
                .iter()
                .filter(|t| t.indicator_id == i.id)
                .cloned()
                .collect();
            (i, t)
        })
        .collect();
    let prs = project::Entity::find()
        .filter(project::Column::PlanId.eq(p.id))
        .order_by_asc(project::Column::Ord)
        .all(c)
        .await?;
    let links = project_agency::Entity::find()
        .filter(project_agency::Column::ProjectId.is_in(prs.iter().map(|x| x.id)))
        .order_by_asc(project_agency::Column::Ord)
        .all(c)
        .await?;
    let mut projects = vec![];
    for pr in prs {
        let mut lead = None;
        let mut coordinating = vec![];
        for l in links.iter().filter(|l| l.project_id == pr.id) {
            if l.role == "lead" {
                lead = Some(ag(l.agency_id)?);
            } else {
                coordinating.push(ag(l.agency_id)?);
            }
        }
        projects.push(ProjectView {
            project: pr,
            lead,
            coordinating,
        });
    }
    let funding_sources = funding_source::Entity::find()
        .filter(funding_source::Column::PlanId.eq(p.id))
        .order_by_asc(funding_source::Column::Ord)
        .all(c)
        .await?;
    let mut reporting = vec![];
    for r in reporting_duty::Entity::find()
        .filter(reporting_duty::Column::PlanId.eq(p.id))
        .order_by_asc(reporting_duty::Column::Ord)
        .all(c)
        .await?
    {
        let rec = ag(r.recipient_agency_id)?;
        let via = r.via_agency_id.map(ag).transpose()?;
        reporting.push((r, rec, via));
    }
    let coordinator = ag(p.coordinator_agency_id)?;
    let coordinators = parse(&p)
        .map(|doc| doc.header.coordinators)
        .unwrap_or_default()
        .into_iter()
        .filter_map(|span| {
            let a = agencies.values().find(|a| a.code == span.agency)?;
            Some((a.clone(), span.since, span.until))
        })
        .collect();
    Ok(PlanView {
        plan: p,
        coordinator,
        coordinators,
        units,
        settings,
        texts,
        indicators,
        projects,
        funding_sources,
        reporting,
    })
}
