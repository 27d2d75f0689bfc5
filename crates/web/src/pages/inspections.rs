//! Inspections and supervision (`/inspections`): the plan of a year with
//! each inspection's state and open recommendations, the form that plans
//! one ("Lập kế hoạch kiểm tra"), and an inspection's page — the visit
//! (findings, officials present), the recommendations with their deadlines
//! and follow-up notes, closing them, and the minutes (.docx). The writes
//! are `thamgia_actions::inspections`; the JSON twin is
//! `api/inspections.rs`. The inspected party's page shows its inspections
//! through [`party_rows`] (`inspections_party.html`).

use super::{Chrome, PageErr, PageError, PageResult, Visit, render, require, unprocessable};
use crate::auth::CsrfForm;
use crate::error::AppResult;
use crate::i18n::Lang;
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query};
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use chrono::{Datelike, NaiveDate};
use thamgia_actions::inspections::{
    self as actions, CloseInput, FollowUpInput, PlanInput, RecommendInput, VisitInput,
};
use thamgia_actions::{Act, ActionError, Fields};
use thamgia_domain::access::{Permission, Principal};
use thamgia_domain::inspections::{InspectionKind, follow_up_due};
use thamgia_store::inspections::{self as store, Listed, Party};
use thamgia_store::{agencies, scoped, units};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/inspections", get(list).post(create))
        .route("/inspections/new", get(new_form))
        .route("/inspections/{id}", get(show))
        .route("/inspections/{id}/visit", post(visit))
        .route("/inspections/{id}/recommendations", post(recommend))
        .route(
            "/inspections/{id}/recommendations/{rid}/follow-ups",
            post(follow_up),
        )
        .route("/inspections/{id}/recommendations/{rid}/close", post(close))
        .route("/inspections/{id}/minutes.docx", get(minutes))
}

/// A field's message: `inspections-err-<code>`.
fn field_message(c: &Chrome, errors: &Fields, field: &str) -> String {
    errors
        .get(field)
        .map(|code| c.t(&format!("inspections-err-{}", code.replace('_', "-"))))
        .unwrap_or_default()
}

/// One inspection as the lists show it.
pub struct Row {
    pub id: i32,
    pub date: String,
    pub kind: String,
    pub party: String,
    pub inspector: String,
    pub subject: String,
    pub status: String,
    pub total: usize,
    pub open: usize,
    pub findings: String,
    /// Open recommendations: text, deadline, due (overdue or within 14 days).
    pub pending: Vec<(String, String, bool)>,
}

fn row(lang: Lang, l: &Listed) -> Row {
    let i = &l.inspection;
    Row {
        id: i.id,
        date: lang.date(i.visited_on.unwrap_or(i.planned_on)),
        kind: lang.t(&format!("inspections-kind-{}", i.kind.as_str())),
        party: match &l.agency {
            Some(a) => lang.pick(&a.name_vi, &a.name_en).to_string(),
            None => lang.pick(&l.unit.name_vi, &l.unit.name_en).to_string(),
        },
        inspector: match (&l.inspector_agency, &l.inspector_unit) {
            (Some(a), _) => lang.pick(&a.name_vi, &a.name_en).to_string(),
            (None, Some(u)) => lang.pick(&u.name_vi, &u.name_en).to_string(),
            (None, None) => String::new(),
        },
        subject: i.subject.clone(),
        status: lang.t(&format!("inspections-status-{}", l.status.as_str())),
        total: l.recommendations,
        open: l.open,
        findings: i.findings.clone(),
        pending: Vec::new(),
    }
}

#[derive(Template)]
#[template(path = "inspections.html")]
struct ListPage {
    c: Chrome,
    year: i32,
    years: Vec<i32>,
    rows: Vec<Row>,
    can_plan: bool,
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct YearQuery {
    pub year: String,
}

/// The year a list opens on: the one asked for, else the latest year with
/// an inspection, else this year.
async fn list(Visit { state, p, ctx }: Visit, Query(q): Query<YearQuery>) -> PageResult {
    let lang = ctx.lang;
    require(&p, Permission::ViewUnits, lang)?;
    let db = &state.db.conn;
    let asked = actions::year_of(&q.year).page(lang)?;
    let all = store::list(db, &p, None, None).await.page(lang)?;
    let mut years: Vec<i32> = all.iter().map(|l| l.inspection.year).collect();
    let this_year = state.now().year();
    let year = asked.unwrap_or_else(|| years.iter().copied().max().unwrap_or(this_year));
    years.push(year);
    years.sort_unstable();
    years.dedup();
    let rows = all
        .iter()
        .filter(|l| l.inspection.year == year)
        .map(|l| row(lang, l))
        .collect();
    Ok(render(&ListPage {
        c: Chrome::new(&ctx, "inspections-title"),
        year,
        years,
        rows,
        can_plan: p.can(Permission::Inspect),
    }))
}

/// A choice of a form's select: code and name.
pub struct Choice {
    pub code: String,
    pub name: String,
}

#[derive(Template)]
#[template(path = "inspections_form.html")]
struct FormPage {
    c: Chrome,
    f: PlanInput,
    errors: Fields,
    kinds: Vec<&'static str>,
    units: Vec<Choice>,
    agencies: Vec<Choice>,
    inspectors: Vec<Choice>,
}

form_errors!(FormPage, field_message);

async fn form_page(
    state: &AppState,
    p: &Principal,
    ctx: &crate::auth::Ctx,
    f: PlanInput,
    errors: Fields,
) -> AppResult<FormPage> {
    let db = &state.db.conn;
    let lang = ctx.lang;
    let scope = p.scope();
    let today = state.now().date_naive();
    let units = units::list(db, &scope)
        .await?
        .into_iter()
        .filter(|u| units::is_valid_on(u, today) || u.id == p.unit_id)
        .map(|u| Choice {
            name: format!("{} ({})", lang.pick(&u.name_vi, &u.name_en), u.code),
            code: u.code,
        })
        .collect();
    let in_scope: Vec<Choice> = agencies::list(db, &scope)
        .await?
        .into_iter()
        .filter(|(_, u)| scope.contains(&u.path))
        .map(|(a, _)| Choice {
            name: lang.pick(&a.name_vi, &a.name_en).to_string(),
            code: a.code,
        })
        .collect();
    let own = match p.own_agency() {
        Some(id) => agencies::by_id(db, id).await?.map(|a| a.code),
        None => None,
    };
    let inspectors = in_scope
        .iter()
        .filter(|a| own.as_ref().is_none_or(|o| *o == a.code))
        .map(|a| Choice {
            code: a.code.clone(),
            name: a.name.clone(),
        })
        .collect();
    Ok(FormPage {
        c: Chrome::new(ctx, "inspections-new-title"),
        f,
        errors,
        kinds: InspectionKind::ALL.iter().map(|k| k.as_str()).collect(),
        units,
        agencies: in_scope,
        inspectors,
    })
}

async fn new_form(Visit { state, p, ctx }: Visit) -> PageResult {
    require(&p, Permission::Inspect, ctx.lang)?;
    let f = PlanInput {
        kind: InspectionKind::Inspection.as_str().into(),
        ..Default::default()
    };
    let page = form_page(&state, &p, &ctx, f, Fields::new())
        .await
        .page(ctx.lang)?;
    Ok(render(&page))
}

async fn create(Visit { state, p, ctx }: Visit, CsrfForm(f): CsrfForm<PlanInput>) -> PageResult {
    let lang = ctx.lang;
    let act = Act::new(&state.db.conn, &p, state.now());
    match actions::create(act, &f).await {
        Ok(i) => Ok(Redirect::to(&format!("/inspections/{}", i.id)).into_response()),
        Err(ActionError::Invalid { fields, .. }) => {
            let page = form_page(&state, &p, &ctx, f, fields).await.page(lang)?;
            Ok(unprocessable(render(&page)))
        }
        Err(e) => Err(PageError(e.into(), lang)),
    }
}

/// A follow-up note as the page shows it.
pub struct NoteView {
    pub date: String,
    pub side: String,
    pub note: String,
    pub state: String,
}

/// A recommendation as the page shows it.
pub struct RecView {
    pub id: i32,
    pub text: String,
    pub deadline: String,
    pub state: String,
    pub open: bool,
    pub due: bool,
    pub notes: Vec<NoteView>,
}

#[derive(Template)]
#[template(path = "inspections_one.html")]
struct ShowPage {
    c: Chrome,
    r: Row,
    team: String,
    planned: String,
    visited: bool,
    participants: String,
    inspector: bool,
    can_note: bool,
    recs: Vec<RecView>,
    visit: VisitInput,
    rec: RecommendInput,
    errors: Fields,
    saved: bool,
}

form_errors!(ShowPage, field_message);

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct SavedQuery {
    pub saved: String,
}

/// What a refused form of the page sent back, its errors under the form's
/// prefix (`visit-`, `rec-`, `fu-<rid>-`, `close-<rid>-`).
#[derive(Default)]
struct Refused {
    visit: Option<VisitInput>,
    rec: Option<RecommendInput>,
    errors: Fields,
}

fn prefixed(prefix: &str, fields: Fields) -> Fields {
    fields
        .into_iter()
        .map(|(k, v)| (format!("{prefix}{k}"), v))
        .collect()
}

async fn show_page(
    state: &AppState,
    p: &Principal,
    ctx: &crate::auth::Ctx,
    id: i32,
    refused: Refused,
    saved: bool,
) -> AppResult<ShowPage> {
    let db = &state.db.conn;
    let lang = ctx.lang;
    let today = state.now().date_naive();
    let (i, _) = store::get(db, p, id).await?;
    let by =
        scoped::found::<thamgia_store::entity::unit::Entity, _>(db, i.inspector_unit_id).await?;
    let inspector = actions::is_inspector(p, &i, &by);
    let l = store::describe(db, i.clone()).await?;
    let recs = store::recommendations(db, &[id])
        .await?
        .into_iter()
        .map(|f| {
            let r = f.recommendation;
            RecView {
                id: r.id,
                text: r.text,
                deadline: lang.date(r.deadline),
                state: lang.t(&format!(
                    "inspections-state-{}",
                    r.state.as_str().replace('_', "-")
                )),
                open: r.state.is_open(),
                due: follow_up_due(r.state, r.deadline, today),
                notes: f
                    .follow_ups
                    .into_iter()
                    .map(|n| NoteView {
                        date: lang.date(n.noted_on),
                        side: lang.t(&format!("inspections-side-{}", n.side.as_str())),
                        note: n.note,
                        state: lang.t(&format!(
                            "inspections-state-{}",
                            n.state_after.as_str().replace('_', "-")
                        )),
                    })
                    .collect(),
            }
        })
        .collect();
    let visit = refused.visit.unwrap_or_else(|| VisitInput {
        visited_on: i.visited_on.map(|d| lang.date(d)).unwrap_or_default(),
        findings: i.findings.clone(),
        participants: i.participants.clone(),
    });
    Ok(ShowPage {
        c: Chrome::new(ctx, "inspections-one-title"),
        r: row(lang, &l),
        team: i.team.clone(),
        planned: lang.date(i.planned_on),
        visited: i.visited_on.is_some(),
        participants: i.participants.clone(),
        inspector,
        can_note: p.can(Permission::Inspect),
        recs,
        visit,
        rec: refused.rec.unwrap_or_default(),
        errors: refused.errors,
        saved,
    })
}

async fn show(
    Visit { state, p, ctx }: Visit,
    Path(id): Path<i32>,
    Query(q): Query<SavedQuery>,
) -> PageResult {
    require(&p, Permission::ViewUnits, ctx.lang)?;
    let page = show_page(
        &state,
        &p,
        &ctx,
        id,
        Refused::default(),
        !q.saved.is_empty(),
    )
    .await
    .page(ctx.lang)?;
    Ok(render(&page))
}

/// The answer to a form of the inspection's page: back to the page, or the
/// page again with the form's errors (422).
async fn answer<T>(
    v: Visit,
    id: i32,
    r: Result<T, ActionError>,
    refused: impl FnOnce(Fields) -> Refused,
) -> PageResult {
    let Visit { state, p, ctx } = v;
    match r {
        Ok(_) => Ok(Redirect::to(&format!("/inspections/{id}?saved=1")).into_response()),
        Err(ActionError::Invalid { fields, .. }) => {
            let page = show_page(&state, &p, &ctx, id, refused(fields), false)
                .await
                .page(ctx.lang)?;
            Ok(unprocessable(render(&page)))
        }
        Err(e) => Err(PageError(e.into(), ctx.lang)),
    }
}

async fn visit(v: Visit, Path(id): Path<i32>, CsrfForm(f): CsrfForm<VisitInput>) -> PageResult {
    let r = actions::visit(Act::new(&v.state.db.conn, &v.p, v.state.now()), id, &f).await;
    answer(v, id, r, |e| Refused {
        visit: Some(f),
        errors: prefixed("visit-", e),
        ..Default::default()
    })
    .await
}

async fn recommend(
    v: Visit,
    Path(id): Path<i32>,
    CsrfForm(f): CsrfForm<RecommendInput>,
) -> PageResult {
    let r = actions::recommend(Act::new(&v.state.db.conn, &v.p, v.state.now()), id, &f).await;
    answer(v, id, r, |e| Refused {
        rec: Some(f),
        errors: prefixed("rec-", e),
        ..Default::default()
    })
    .await
}

/// The follow-up form: a note, its date, and "done" as a checkbox.
#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct FollowUpForm {
    note: String,
    noted_on: String,
    done: Option<String>,
}

async fn follow_up(
    v: Visit,
    Path((id, rid)): Path<(i32, i32)>,
    CsrfForm(f): CsrfForm<FollowUpForm>,
) -> PageResult {
    let input = FollowUpInput {
        note: f.note,
        noted_on: f.noted_on,
        done: f.done.is_some(),
    };
    let act = Act::new(&v.state.db.conn, &v.p, v.state.now());
    let r = actions::follow_up(act, id, rid, &input).await;
    answer(v, id, r, |e| Refused {
        errors: prefixed(&format!("fu-{rid}-"), e),
        ..Default::default()
    })
    .await
}

async fn close(
    v: Visit,
    Path((id, rid)): Path<(i32, i32)>,
    CsrfForm(f): CsrfForm<CloseInput>,
) -> PageResult {
    let act = Act::new(&v.state.db.conn, &v.p, v.state.now());
    let r = actions::close(act, id, rid, &f).await;
    answer(v, id, r, |e| Refused {
        errors: prefixed(&format!("close-{rid}-"), e),
        ..Default::default()
    })
    .await
}

async fn minutes(Visit { state, p, ctx }: Visit, Path(id): Path<i32>) -> PageResult {
    require(&p, Permission::ViewUnits, ctx.lang)?;
    let today = state.now().date_naive();
    Ok(
        crate::inspection_files::minutes(&state.db.conn, &p, id, today)
            .await
            .page(ctx.lang)?
            .into_response(),
    )
}

/// The inspections of a party (a unit, an agency) the principal sees, with
/// their findings and open recommendations: the section of the unit's and
/// the agency's pages.
pub async fn party_rows(
    state: &AppState,
    p: &Principal,
    lang: Lang,
    party: Party,
) -> AppResult<Vec<Row>> {
    let db = &state.db.conn;
    let today: NaiveDate = state.now().date_naive();
    let listed = store::list(db, p, None, Some(party)).await?;
    let ids: Vec<i32> = listed.iter().map(|l| l.inspection.id).collect();
    let recs = store::recommendations(db, &ids).await?;
    Ok(listed
        .iter()
        .rev()
        .map(|l| {
            let mut r = row(lang, l);
            r.pending = recs
                .iter()
                .map(|f| &f.recommendation)
                .filter(|x| x.inspection_id == l.inspection.id && x.state.is_open())
                .map(|x| {
                    (
                        x.text.clone(),
                        lang.date(x.deadline),
                        follow_up_due(x.state, x.deadline, today),
                    )
                })
                .collect();
            r
        })
        .collect())
}
