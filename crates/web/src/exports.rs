//! Excel out: activities with their participants, and funding (budget
//! against spending by source, project, unit and year, and every budget
//! line), as .xlsx workbooks with Vietnamese headers, dd/mm/yyyy dates,
//! whole numbers in `#,##0` and a totals row on every sheet.
//!
//! Scoped like everything else: a `unit` outside the caller's scope is 404.
//! The activities sheet starts with the template's columns, so an export can
//! be edited and imported again (its totals row is skipped on import).
//! Pages: `/activities/export.xlsx`, `/funding/export.xlsx`; the API twins are
//! in `api/imports.rs`.

use crate::auth::PageUser;
use crate::error::{AppError, AppResult};
use crate::pages::imports::{activity_columns, xlsx_response};
use crate::pages::{PageErr, PageResult, require};
use crate::state::AppState;
use axum::Router;
use axum::extract::{Query, State};
use axum::routing::get;
use sea_orm::DatabaseConnection;
use std::collections::BTreeMap;
use thamgia_domain::access::{Permission, Principal};
use thamgia_domain::activities::{ActivityKind, ParticipantGroup};
use thamgia_office::{Column, Sheet, Value};
use thamgia_store::activities::{self, ActivityFilter, MoneyCell};
use thamgia_store::{plans, units};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/activities/export.xlsx", get(activities_page))
        .route("/funding/export.xlsx", get(funding_page))
}

/// Filters of an export; every one optional.
#[derive(Debug, Default, Clone, serde::Deserialize, utoipa::IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct ExportParams {
    /// Code of a unit in the caller's scope (its whole subtree); empty: the whole scope.
    pub unit: Option<String>,
    /// A year (activities by their start date, money by budget year and spending date).
    pub year: Option<String>,
    /// A project or model code (activities only).
    pub project: Option<String>,
}

struct Filters {
    unit_path: Option<String>,
    unit_code: String,
    year: Option<i32>,
    project: Option<String>,
}

async fn filters(db: &DatabaseConnection, p: &Principal, q: &ExportParams) -> AppResult<Filters> {
    let scope = p.scope();
    let (unit_path, unit_code) = match q.unit.as_deref().map(str::trim) {
        Some(code) if !code.is_empty() => {
            let u = units::get_in_scope(db, &scope, code).await?;
            (Some(u.path), u.code)
        }
        _ => (None, String::new()),
    };
    let year = match q.year.as_deref().map(str::trim) {
        Some(y) if !y.is_empty() => Some(
            y.parse::<i32>()
                .ok()
                .filter(|y| (1900..=2200).contains(y))
                .ok_or_else(|| AppError::invalid("year", "not_a_year"))?,
        ),
        _ => None,
    };
    let project = q
        .project
        .as_deref()
        .map(|s| s.trim().to_uppercase())
        .filter(|s| !s.is_empty());
    Ok(Filters {
        unit_path,
        unit_code,
        year,
        project,
    })
}

/// A file name naming the filters: `hoat-dong-108-2019.xlsx`.
fn file_name(stem: &str, f: &Filters) -> String {
    let mut s = stem.to_string();
    for part in [
        f.unit_code.clone(),
        f.year.map(|y| y.to_string()).unwrap_or_default(),
        f.project.clone().unwrap_or_default(),
    ] {
        let clean: String = part.chars().filter(char::is_ascii_alphanumeric).collect();
        if !clean.is_empty() {
            s.push('-');
            s.push_str(&clean);
        }
    }
    s.push_str(".xlsx");
    s
}

/// Projects' and funding sources' Vietnamese names from every plan.
async fn plan_names(
    db: &DatabaseConnection,
) -> AppResult<(BTreeMap<String, String>, BTreeMap<String, String>)> {
    let mut projects = BTreeMap::new();
    let mut sources = BTreeMap::new();
    for plan in plans::list_latest(db).await? {
        let Ok(doc) = serde_json::from_str::<thamgia_domain::plan::Plan>(&plan.document) else {
            continue;
        };
        for x in doc.projects {
            projects.entry(x.code).or_insert(x.name_vi);
        }
        for s in doc.funding_sources {
            sources.entry(s.code).or_insert(s.name_vi);
        }
    }
    Ok((projects, sources))
}

fn totals_label(n: usize, what: &str) -> Value {
    Value::Text(format!("Tổng cộng ({n} {what})"))
}

/// The activities workbook: "Hoạt động" (one row each, the template's
/// columns first), "Người tham gia" (by group and sex) and "Theo dự án".
pub async fn activities_xlsx(
    db: &DatabaseConnection,
    p: &Principal,
    q: &ExportParams,
) -> AppResult<(Vec<u8>, String)> {
    let f = filters(db, p, q).await?;
    let rows = activities::list(
        db,
        &p.scope(),
        &ActivityFilter {
            unit_path: f.unit_path.clone(),
            year: f.year,
            project: f.project.clone(),
            ..Default::default()
        },
    )
    .await?;
    let (project_names, _) = plan_names(db).await?;
    let groups = ParticipantGroup::ALL;
    let mut columns: Vec<Column> = activity_columns()
        .into_iter()
        .map(|c| Column::new(c.header, c.width, c.kind))
        .collect();
    columns.push(Column::text("Tên đơn vị", 24.0));
    columns.push(Column::int("Tổng số người tham gia", 14.0));
    columns.push(Column::int("Đã chi (đồng)", 16.0));
    // Sums by column index for the totals row.
    let width = columns.len();
    let mut sums = vec![0i64; width];
    let mut by_group: Vec<(i64, i64, i64)> = vec![(0, 0, 0); groups.len()];
    let mut by_project: BTreeMap<String, (i64, i64, i64)> = BTreeMap::new();
    let mut data = Vec::new();
    for r in &rows {
        let a = &r.activity;
        let mut v: Vec<Value> = vec![
            r.unit.code.clone().into(),
            a.code.clone().into(),
            a.project_code.clone().into(),
            ActivityKind::parse(&a.kind)
                .map_or(a.kind.clone(), |k| k.name_vi().to_string())
                .into(),
            a.title.clone().into(),
            a.starts_on.into(),
            a.ends_on.into(),
            r.lead.code.clone().into(),
            r.coordinating
                .iter()
                .map(|x| x.code.as_str())
                .collect::<Vec<_>>()
                .join("; ")
                .into(),
        ];
        let mut people = 0i64;
        for (gi, g) in groups.iter().enumerate() {
            let (fe, ma) = r
                .participants
                .iter()
                .find(|x| x.grp == g.as_str())
                .map_or((0, 0), |x| (i64::from(x.female), i64::from(x.male)));
            people += fe + ma;
            by_group[gi].0 += fe;
            by_group[gi].1 += ma;
            if fe + ma > 0 {
                by_group[gi].2 += 1;
            }
            v.push(if fe > 0 { Value::Int(fe) } else { Value::Empty });
            v.push(if ma > 0 { Value::Int(ma) } else { Value::Empty });
        }
        v.push(a.audience.map_or(Value::Empty, Value::from));
        v.push(a.copies.map_or(Value::Empty, Value::from));
        v.push(a.description.clone().unwrap_or_default().into());
        v.push(r.unit.name_vi.clone().into());
        v.push(Value::Int(people));
        v.push(Value::Int(r.spent));
        for (i, x) in v.iter().enumerate() {
            if let Value::Int(n) = x {
                sums[i] += n;
            }
        }
        let e = by_project.entry(a.project_code.clone()).or_default();
        e.0 += 1;
        e.1 += people;
        e.2 += r.spent;
        data.push(v);
    }
    let int_cols: Vec<bool> = columns
        .iter()
        .map(|c| c.kind == thamgia_office::ColumnKind::Int)
        .collect();
    let mut totals: Vec<Value> = (0..width)
        .map(|i| {
            if int_cols[i] {
                Value::Int(sums[i])
            } else {
                Value::Empty
            }
        })
        .collect();
    totals[0] = totals_label(rows.len(), "hoạt động");
    let activities_sheet = Sheet {
        name: "Hoạt động".into(),
        columns,
        rows: data,
        totals: Some(totals),
        blank_rows: 0,
    };
    let mut part_rows = Vec::new();
    let (mut tf, mut tm) = (0, 0);
    for (gi, g) in groups.iter().enumerate() {
        let (fe, ma, n) = by_group[gi];
        tf += fe;
        tm += ma;
        part_rows.push(vec![
            g.name_vi().into(),
            Value::Int(fe),
            Value::Int(ma),
            Value::Int(fe + ma),
            Value::Int(n),
        ]);
    }
    let participants_sheet = Sheet {
        name: "Người tham gia".into(),
        columns: vec![
            Column::text("Nhóm người tham gia", 34.0),
            Column::int("Nữ", 12.0),
            Column::int("Nam", 12.0),
            Column::int("Tổng số", 12.0),
            Column::int("Số hoạt động có nhóm tham gia", 18.0),
        ],
        rows: part_rows,
        totals: Some(vec![
            "Tổng cộng".into(),
            Value::Int(tf),
            Value::Int(tm),
            Value::Int(tf + tm),
            Value::Int(rows.len() as i64),
        ]),
        blank_rows: 0,
    };
    let mut proj_rows = Vec::new();
    for (code, (n, people, spent)) in &by_project {
        proj_rows.push(vec![
            code.clone().into(),
            project_names.get(code).cloned().unwrap_or_default().into(),
            Value::Int(*n),
            Value::Int(*people),
            Value::Int(*spent),
        ]);
    }
    let project_sheet = Sheet {
        name: "Theo dự án".into(),
        columns: vec![
            Column::text("Mã dự án", 10.0),
            Column::text("Dự án, mô hình", 50.0),
            Column::int("Số hoạt động", 12.0),
            Column::int("Số người tham gia", 14.0),
            Column::int("Đã chi (đồng)", 16.0),
        ],
        rows: proj_rows,
        totals: Some(vec![
            "Tổng cộng".into(),
            Value::Empty,
            Value::Int(rows.len() as i64),
            Value::Int(by_project.values().map(|x| x.1).sum()),
            Value::Int(by_project.values().map(|x| x.2).sum()),
        ]),
        blank_rows: 0,
    };
    let bytes = thamgia_office::write_xlsx(&[activities_sheet, participants_sheet, project_sheet])
        .map_err(|e| AppError::Internal(anyhow::anyhow!(e)))?;
    Ok((bytes, file_name("hoat-dong", &f)))
}

fn money_columns(first: Vec<Column>) -> Vec<Column> {
    let mut c = first;
    c.push(Column::int("Dự toán (đồng)", 18.0));
    c.push(Column::int("Đã chi (đồng)", 18.0));
    c.push(Column::int("Còn lại (đồng)", 18.0));
    c.push(Column::text("Vượt dự toán", 12.0));
    c
}

fn money_values(budget: i64, spent: i64) -> [Value; 4] {
    [
        Value::Int(budget),
        Value::Int(spent),
        Value::Int(budget - spent),
        if spent > budget { "Có" } else { "" }.into(),
    ]
}

/// A sheet of totals grouped by a key (source, project, unit or year).
fn grouped(
    name: &str,
    heads: [(&str, f64); 2],
    cells: &[MoneyCell],
    key: impl Fn(&MoneyCell) -> (String, String),
) -> Sheet {
    let mut sums: BTreeMap<(String, String), (i64, i64)> = BTreeMap::new();
    for c in cells {
        let e = sums.entry(key(c)).or_default();
        e.0 += c.budget;
        e.1 += c.spent;
    }
    let rows = sums
        .iter()
        .map(|((code, label), (b, s))| {
            let mut v: Vec<Value> = vec![code.clone().into(), label.clone().into()];
            v.extend(money_values(*b, *s));
            v
        })
        .collect();
    let (tb, ts) = sums.values().fold((0, 0), |(b, s), (x, y)| (b + x, s + y));
    let mut totals: Vec<Value> = vec!["Tổng cộng".into(), Value::Empty];
    totals.extend(money_values(tb, ts));
    Sheet {
        name: name.into(),
        columns: money_columns(vec![
            Column::text(heads[0].0, heads[0].1),
            Column::text(heads[1].0, heads[1].1),
        ]),
        rows,
        totals: Some(totals),
        blank_rows: 0,
    }
}

/// The funding workbook, from `store::activities::money`: by source, by
/// project, by unit, by year, and every budget line (unit, year, project,
/// source) with budget, spending, what remains and whether it ran over.
pub async fn funding_xlsx(
    db: &DatabaseConnection,
    p: &Principal,
    q: &ExportParams,
) -> AppResult<(Vec<u8>, String)> {
    let f = filters(db, p, q).await?;
    let scope = p.scope();
    let cells = activities::money(db, &scope, f.unit_path.as_deref(), f.year).await?;
    let (project_names, source_names) = plan_names(db).await?;
    let unit_names: BTreeMap<i32, (String, String)> = units::list(db, &scope)
        .await?
        .into_iter()
        .map(|u| (u.id, (u.code, u.name_vi)))
        .collect();
    let unit_of = |id: i32| unit_names.get(&id).cloned().unwrap_or_default();
    let by_source = grouped(
        "Theo nguồn",
        [("Mã nguồn", 16.0), ("Nguồn kinh phí", 40.0)],
        &cells,
        |c| {
            (
                c.source.clone(),
                source_names.get(&c.source).cloned().unwrap_or_default(),
            )
        },
    );
    let by_project = grouped(
        "Theo dự án",
        [("Mã dự án", 10.0), ("Dự án, mô hình", 50.0)],
        &cells,
        |c| {
            (
                c.project.clone(),
                project_names.get(&c.project).cloned().unwrap_or_default(),
            )
        },
    );
    let by_unit = grouped(
        "Theo đơn vị",
        [("Mã đơn vị", 14.0), ("Tên đơn vị", 30.0)],
        &cells,
        |c| unit_of(c.unit_id),
    );
    let mut by_year = grouped("Theo năm", [("Năm", 8.0), ("", 2.0)], &cells, |c| {
        (c.year.to_string(), String::new())
    });
    // Years are numbers in the workbook, as Excel sorts and filters them.
    for row in &mut by_year.rows {
        if let Some(Value::Text(t)) = row.first()
            && let Ok(y) = t.parse::<i32>()
        {
            row[0] = Value::Year(y);
        }
    }
    let mut lines = Vec::new();
    let (mut tb, mut ts) = (0, 0);
    for c in &cells {
        let (code, name) = unit_of(c.unit_id);
        tb += c.budget;
        ts += c.spent;
        let mut v: Vec<Value> = vec![
            Value::Year(c.year),
            code.into(),
            name.into(),
            c.project.clone().into(),
            source_names
                .get(&c.source)
                .cloned()
                .unwrap_or_else(|| c.source.clone())
                .into(),
        ];
        v.extend(money_values(c.budget, c.spent));
        lines.push(v);
    }
    let mut totals: Vec<Value> = vec![
        Value::Empty,
        format!("Tổng cộng ({} dòng)", cells.len()).into(),
        Value::Empty,
        Value::Empty,
        Value::Empty,
    ];
    totals.extend(money_values(tb, ts));
    let year_col = Column::text("Năm", 8.0);
    let lines_sheet = Sheet {
        name: "Dòng dự toán".into(),
        columns: money_columns(vec![
            year_col,
            Column::text("Mã đơn vị", 14.0),
            Column::text("Tên đơn vị", 30.0),
            Column::text("Dự án", 10.0),
            Column::text("Nguồn kinh phí", 36.0),
        ]),
        rows: lines,
        totals: Some(totals),
        blank_rows: 0,
    };
    let bytes = thamgia_office::write_xlsx(&[by_source, by_project, by_unit, by_year, lines_sheet])
        .map_err(|e| AppError::Internal(anyhow::anyhow!(e)))?;
    Ok((bytes, file_name("kinh-phi", &f)))
}

async fn activities_page(
    State(state): State<AppState>,
    PageUser(p, ctx): PageUser,
    Query(q): Query<ExportParams>,
) -> PageResult {
    require(&p, Permission::ViewActivities, ctx.lang)?;
    let (bytes, name) = activities_xlsx(&state.db.conn, &p, &q)
        .await
        .page(ctx.lang)?;
    Ok(xlsx_response(bytes, &name))
}

async fn funding_page(
    State(state): State<AppState>,
    PageUser(p, ctx): PageUser,
    Query(q): Query<ExportParams>,
) -> PageResult {
    require(&p, Permission::ViewActivities, ctx.lang)?;
    let (bytes, name) = funding_xlsx(&state.db.conn, &p, &q).await.page(ctx.lang)?;
    Ok(xlsx_response(bytes, &name))
}
