//! Units as a tree and agencies, each limited to the visitor's scope. A unit
//! or agency outside it answers 404, exactly as one that does not exist.

use super::{Chrome, PageErr, PageResult, Visit, render, require};
use askama::Template;
use axum::extract::Path;
use thamgia_domain::access::Permission;
use thamgia_store::entity::{agency, audit, unit};
use thamgia_store::inspections::Party;
use thamgia_store::{agencies, audit as audit_log, units};

/// A unit with its depth in the visible tree, for indentation.
pub struct TreeRow {
    pub unit: unit::Model,
    pub depth: usize,
    pub open: bool,
}

#[derive(Template)]
#[template(path = "units.html")]
struct UnitsPage {
    c: Chrome,
    rows: Vec<TreeRow>,
}

fn tree(list: Vec<unit::Model>, today: chrono::NaiveDate) -> Vec<TreeRow> {
    let base = list
        .iter()
        .map(|u| u.path.matches('/').count())
        .min()
        .unwrap_or(0);
    list.into_iter()
        .map(|u| TreeRow {
            depth: u.path.matches('/').count() - base,
            open: units::is_valid_on(&u, today),
            unit: u,
        })
        .collect()
}

pub async fn units(Visit { state, p, ctx }: Visit) -> PageResult {
    require(&p, Permission::ViewUnits, ctx.lang)?;
    let list = units::list(&state.db.conn, &p.scope())
        .await
        .page(ctx.lang)?;
    Ok(render(&UnitsPage {
        c: Chrome::new(&ctx, "units-title"),
        rows: tree(list, state.now().date_naive()),
    }))
}

#[derive(Template)]
#[template(path = "unit.html")]
struct UnitPage {
    c: Chrome,
    u: unit::Model,
    open: bool,
    ancestors: Vec<unit::Model>,
    children: Vec<TreeRow>,
    successors: Vec<unit::Model>,
    agencies: Vec<agency::Model>,
    history: Vec<audit::Model>,
    /// The unit's inspections (`inspections_party.html`).
    inspections: Vec<super::inspections::Row>,
}

pub async fn unit(Visit { state, p, ctx }: Visit, Path(code): Path<String>) -> PageResult {
    let lang = ctx.lang;
    require(&p, Permission::ViewUnits, lang)?;
    let db = &state.db.conn;
    let scope = p.scope();
    let u = units::get_in_scope(db, &scope, &code).await.page(lang)?;
    let ancestors = units::ancestors(db, &u)
        .await
        .page(lang)?
        .into_iter()
        .filter(|a| scope.contains(&a.path))
        .collect();
    let sub = thamgia_domain::access::Scope {
        path: u.path.clone(),
    };
    let mut children = tree(
        units::list(db, &sub).await.page(lang)?,
        state.now().date_naive(),
    );
    children.retain(|r| r.unit.id != u.id);
    let successors = units::successors(db, u.id).await.page(lang)?;
    let agencies = agencies::list(db, &sub)
        .await
        .page(lang)?
        .into_iter()
        .filter(|(_, au)| au.id == u.id)
        .map(|(a, _)| a)
        .collect();
    let history = if p.can(Permission::ViewAudit) {
        audit_log::for_record(db, "unit", &u.id.to_string(), 20)
            .await
            .page(lang)?
    } else {
        vec![]
    };
    let inspections = super::inspections::party_rows(&state, &p, lang, Party::Unit(u.id))
        .await
        .page(lang)?;
    Ok(render(&UnitPage {
        c: Chrome::new(&ctx, "unit-title"),
        open: units::is_valid_on(&u, state.now().date_naive()),
        u,
        ancestors,
        children,
        successors,
        agencies,
        history,
        inspections,
    }))
}

#[derive(Template)]
#[template(path = "agencies.html")]
struct AgenciesPage {
    c: Chrome,
    rows: Vec<(agency::Model, unit::Model)>,
}

pub async fn agencies(Visit { state, p, ctx }: Visit) -> PageResult {
    require(&p, Permission::ViewAgencies, ctx.lang)?;
    let rows = agencies::list(&state.db.conn, &p.scope())
        .await
        .page(ctx.lang)?;
    Ok(render(&AgenciesPage {
        c: Chrome::new(&ctx, "agencies-title"),
        rows,
    }))
}

#[derive(Template)]
#[template(path = "agency.html")]
struct AgencyPage {
    c: Chrome,
    a: agency::Model,
    u: unit::Model,
    unit_visible: bool,
    /// The agency's inspections (`inspections_party.html`).
    inspections: Vec<super::inspections::Row>,
    year: i32,
    years: Vec<i32>,
    /// The agency owes the coordinator a report for the year.
    owes: bool,
    report_status: String,
    report_class: &'static str,
    recorded: super::agency_reports::RecordedView,
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct YearQuery {
    pub year: Option<String>,
}

pub async fn agency(
    Visit { state, p, ctx }: Visit,
    Path(code): Path<String>,
    axum::extract::Query(q): axum::extract::Query<YearQuery>,
) -> PageResult {
    use chrono::Datelike;
    require(&p, Permission::ViewAgencies, ctx.lang)?;
    let db = &state.db.conn;
    let (a, u) = agencies::get_in_scope(db, &p.scope(), &code)
        .await
        .page(ctx.lang)?;
    let inspections = super::inspections::party_rows(&state, &p, ctx.lang, Party::Agency(a.id))
        .await
        .page(ctx.lang)?;
    let today = state.now().date_naive();
    let year = q
        .year
        .as_deref()
        .and_then(|y| thamgia_actions::reports::parse_year(y, today))
        .unwrap_or((today.year() - 1).max(2000));
    let y = thamgia_actions::agency_reports::agency_year(db, &p, &a, &u, year, today)
        .await
        .page(ctx.lang)?;
    let c = Chrome::new(&ctx, "agency-title");
    let status = y.report.as_ref().map(|r| r.status);
    let narratives = y
        .report
        .as_ref()
        .map(thamgia_store::agency_reports::narratives)
        .unwrap_or_default();
    Ok(render(&AgencyPage {
        unit_visible: p.scope().contains(&u.path),
        inspections,
        year,
        years: (2016.min(year)..=today.year()).rev().collect(),
        owes: y.owes,
        report_status: c.t(&super::reports::status_key(status)),
        report_class: super::reports::status_class(status),
        recorded: super::agency_reports::recorded_view(
            &c,
            &y.figures,
            &narratives,
            &Default::default(),
        ),
        c,
        a,
        u,
    }))
}
