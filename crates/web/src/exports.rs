//! Excel out: activities with their participants, and funding (budget
//! against spending by source, project, unit and year, and every budget
//! line), as .xlsx workbooks in Vietnamese or English (the page's language;
//! `lang=en` on the API), dd/mm/yyyy dates, whole numbers in `#,##0` and a
//! totals row on every sheet. Names come in the language where the data has
//! them (units, projects, funding sources, kinds, participant groups).
//!
//! Scoped like everything else: a `unit` outside the caller's scope is 404.
//! The activities sheet starts with the template's columns, so an export can
//! be edited and imported again (its totals row is skipped on import).
//! Pages: `/activities/export.xlsx`, `/funding/export.xlsx`; the API twins are
//! in `api/imports.rs`.
//!
//! Also the HTTP of files that pages and the API share: the .xlsx response,
//! a safe file name, a document's download and the body limits of uploads.

use crate::api::shapes::query_params;
use crate::auth::PageUser;
use crate::error::{AppError, AppResult};
use crate::i18n::Lang;
use crate::pages::{PageErr, PageResult, require};
use crate::sheets::activity_columns;
use crate::state::AppState;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use sea_orm::DatabaseConnection;
use std::collections::BTreeMap;
use thamgia_domain::access::{Permission, Principal};
use thamgia_domain::activities::ParticipantGroup;
use thamgia_office::{Column, Sheet, Value};
use thamgia_store::activities::{self, ActivityFilter, MoneyCell};
use thamgia_store::{plans, units};

// ---------------------------------------------------------------- HTTP of files

/// The body limit of a document upload: the document and the form around it.
pub(crate) const DOCUMENT_BODY_LIMIT: usize =
    thamgia_actions::activities::MAX_DOCUMENT + 512 * 1024;

/// The download of a stored document: always an attachment, never rendered
/// by the browser in the site's origin.
pub(crate) fn document_response(d: thamgia_store::entity::activity_document::Model) -> Response {
    let ascii: String = d
        .file_name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "._- ".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded = crate::auth::urlencode(&d.file_name);
    let disposition = format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}");
    let mut res = d.content.into_response();
    let h = res.headers_mut();
    // The stored type is not believed (rows from before the allow-list hold
    // what the uploader claimed): the name decides, else octet-stream.
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(thamgia_domain::documents::served_type(&d.file_name)),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    res
}

// ---------------------------------------------------------------- workbooks

/// The request body may hold twice the largest file, so that a file past
/// the 5 MB limit is refused in words (the server's outer bound is higher).
pub const SHEET_BODY_LIMIT: usize = 2 * thamgia_office::MAX_FILE_BYTES;

/// The type of an .xlsx workbook.
pub const XLSX_TYPE: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// An .xlsx download.
pub fn xlsx_response(bytes: Vec<u8>, file_name: &str) -> Response {
    (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, XLSX_TYPE.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file_name}\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_string()),
        ],
        bytes,
    )
        .into_response()
}

/// A file name as kept in the audit trail and shown back: no path, no
/// control characters, at most 120 characters.
pub fn safe_file_name(s: &str) -> String {
    let base = s.rsplit(['/', '\\']).next().unwrap_or("");
    let clean: String = base
        .chars()
        .filter(|c| !c.is_control() && *c != '"')
        .take(120)
        .collect();
    if clean.trim().is_empty() {
        "tep-nhap".into()
    } else {
        clean
    }
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/activities/export.xlsx", get(activities_page))
        .route("/funding/export.xlsx", get(funding_page))
}

query_params! {
    /// Filters of an export; every one optional.
    #[serde(default)]
    ExportParams {
        /// Code of a unit in the caller's scope (its whole subtree); empty: the whole scope.
        unit,
        /// A year (activities by their start date, money by budget year and spending date).
        year,
        /// A project or model code (activities only).
        project,
        /// The workbook's language: `vi` (default; also when empty) or `en`.
        #[param(pattern = "^(vi|en)?$")]
        lang,
    }
}

impl ExportParams {
    /// The language asked for (`lang`), else `default`; 422 `lang` when
    /// it is neither `vi` nor `en`.
    pub fn lang_or(&self, default: Lang) -> AppResult<Lang> {
        match self.lang.as_deref().map(str::trim) {
            None | Some("") => Ok(default),
            Some(s) => Lang::parse(s).ok_or_else(|| AppError::invalid("lang", "unknown_language")),
        }
    }
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

/// Projects' and funding sources' names in `lang` from every plan.
async fn plan_names(
    db: &DatabaseConnection,
    lang: Lang,
) -> AppResult<(BTreeMap<String, String>, BTreeMap<String, String>)> {
    let mut projects = BTreeMap::new();
    let mut sources = BTreeMap::new();
    for plan in plans::list_latest(db).await? {
        let Ok(doc) = serde_json::from_str::<thamgia_domain::plan::Plan>(&plan.document) else {
            continue;
        };
        for x in doc.projects {
            let name = lang.pick(&x.name_vi, &x.name_en).to_string();
            projects.entry(x.code).or_insert(name);
        }
        for s in doc.funding_sources {
            let name = lang.pick(&s.name_vi, &s.name_en).to_string();
            sources.entry(s.code).or_insert(name);
        }
    }
    Ok((projects, sources))
}

/// A totals row's first cell: "Tổng cộng (12 hoạt động)" (`key` is the
/// catalog's line with a count `n`). An import skips such a row.
fn totals_label(lang: Lang, key: &str, n: usize) -> Value {
    Value::Text(lang.t_counts(key, &[("n", i64::try_from(n).unwrap_or(i64::MAX))], &[]))
}

/// The activities workbook: "Hoạt động" (one row each, the template's
/// columns first), "Người tham gia" (by group and sex) and "Theo dự án".
pub async fn activities_xlsx(
    db: &DatabaseConnection,
    p: &Principal,
    q: &ExportParams,
    lang: Lang,
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
    let (project_names, _) = plan_names(db, lang).await?;
    let groups = ParticipantGroup::ALL;
    let mut columns: Vec<Column> = activity_columns()
        .into_iter()
        .map(|c| Column::new(c.header_in(lang), c.width, c.kind))
        .collect();
    columns.push(Column::text(lang.t("xlsx-unit-name"), 24.0));
    columns.push(Column::int(lang.t("xlsx-people-total"), 14.0));
    columns.push(Column::int(lang.t("xlsx-spent"), 16.0));
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
            lang.pick(a.kind.name_vi(), a.kind.name_en())
                .to_string()
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
        v.push(lang.pick(&r.unit.name_vi, &r.unit.name_en).into());
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
    totals[0] = totals_label(lang, "xlsx-total-activities", rows.len());
    let activities_sheet = Sheet {
        name: lang.t("xlsx-sheet-activities"),
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
            lang.pick(g.name_vi(), g.name_en()).into(),
            Value::Int(fe),
            Value::Int(ma),
            Value::Int(fe + ma),
            Value::Int(n),
        ]);
    }
    let participants_sheet = Sheet {
        name: lang.t("xlsx-sheet-participants"),
        columns: vec![
            Column::text(lang.t("xlsx-group"), 34.0),
            Column::int(lang.t("xlsx-female"), 12.0),
            Column::int(lang.t("xlsx-male"), 12.0),
            Column::int(lang.t("xlsx-total"), 12.0),
            Column::int(lang.t("xlsx-activities-with-group"), 18.0),
        ],
        rows: part_rows,
        totals: Some(vec![
            lang.t("xlsx-grand-total").into(),
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
        name: lang.t("xlsx-sheet-by-project"),
        columns: vec![
            Column::text(lang.t("xlsx-project-code"), 10.0),
            Column::text(lang.t("xlsx-project"), 50.0),
            Column::int(lang.t("xlsx-activities"), 12.0),
            Column::int(lang.t("xlsx-people"), 14.0),
            Column::int(lang.t("xlsx-spent"), 16.0),
        ],
        rows: proj_rows,
        totals: Some(vec![
            lang.t("xlsx-grand-total").into(),
            Value::Empty,
            Value::Int(rows.len() as i64),
            Value::Int(by_project.values().map(|x| x.1).sum()),
            Value::Int(by_project.values().map(|x| x.2).sum()),
        ]),
        blank_rows: 0,
    };
    let bytes = thamgia_office::write_xlsx(&[activities_sheet, participants_sheet, project_sheet])
        .map_err(|e| AppError::Internal(anyhow::anyhow!(e)))?;
    Ok((bytes, file_name(lang.pick("hoat-dong", "activities"), &f)))
}

fn money_columns(lang: Lang, first: Vec<Column>) -> Vec<Column> {
    let mut c = first;
    c.push(Column::int(lang.t("xlsx-budget"), 18.0));
    c.push(Column::int(lang.t("xlsx-spent"), 18.0));
    c.push(Column::int(lang.t("xlsx-remaining"), 18.0));
    c.push(Column::text(lang.t("xlsx-over-budget"), 12.0));
    c
}

fn money_values(lang: Lang, budget: i64, spent: i64) -> [Value; 4] {
    [
        Value::Int(budget),
        Value::Int(spent),
        Value::Int(budget - spent),
        if spent > budget {
            lang.t("xlsx-yes").into()
        } else {
            Value::Text(String::new())
        },
    ]
}

/// A sheet of totals grouped by a key (source, project, unit or year).
fn grouped(
    lang: Lang,
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
            v.extend(money_values(lang, *b, *s));
            v
        })
        .collect();
    let (tb, ts) = sums.values().fold((0, 0), |(b, s), (x, y)| (b + x, s + y));
    let mut totals: Vec<Value> = vec![lang.t("xlsx-grand-total").into(), Value::Empty];
    totals.extend(money_values(lang, tb, ts));
    Sheet {
        name: name.into(),
        columns: money_columns(
            lang,
            vec![
                Column::text(heads[0].0, heads[0].1),
                Column::text(heads[1].0, heads[1].1),
            ],
        ),
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
    lang: Lang,
) -> AppResult<(Vec<u8>, String)> {
    let f = filters(db, p, q).await?;
    let scope = p.scope();
    let cells = activities::money(db, &scope, f.unit_path.as_deref(), f.year).await?;
    let (project_names, source_names) = plan_names(db, lang).await?;
    let unit_names: BTreeMap<i32, (String, String)> = units::list(db, &scope)
        .await?
        .into_iter()
        .map(|u| {
            let name = lang.pick(&u.name_vi, &u.name_en).to_string();
            (u.id, (u.code, name))
        })
        .collect();
    let unit_of = |id: i32| unit_names.get(&id).cloned().unwrap_or_default();
    let t = |k: &str| lang.t(k);
    let by_source = grouped(
        lang,
        &t("xlsx-sheet-by-source"),
        [(&t("xlsx-source-code"), 16.0), (&t("xlsx-source"), 40.0)],
        &cells,
        |c| {
            (
                c.source.clone(),
                source_names.get(&c.source).cloned().unwrap_or_default(),
            )
        },
    );
    let by_project = grouped(
        lang,
        &t("xlsx-sheet-by-project"),
        [(&t("xlsx-project-code"), 10.0), (&t("xlsx-project"), 50.0)],
        &cells,
        |c| {
            (
                c.project.clone(),
                project_names.get(&c.project).cloned().unwrap_or_default(),
            )
        },
    );
    let by_unit = grouped(
        lang,
        &t("xlsx-sheet-by-unit"),
        [(&t("xlsx-unit-code"), 14.0), (&t("xlsx-unit-name"), 30.0)],
        &cells,
        |c| unit_of(c.unit_id),
    );
    let mut by_year = grouped(
        lang,
        &t("xlsx-sheet-by-year"),
        [(&t("xlsx-year"), 8.0), ("", 2.0)],
        &cells,
        |c| (c.year.to_string(), String::new()),
    );
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
        v.extend(money_values(lang, c.budget, c.spent));
        lines.push(v);
    }
    let mut totals: Vec<Value> = vec![
        Value::Empty,
        totals_label(lang, "xlsx-total-lines", cells.len()),
        Value::Empty,
        Value::Empty,
        Value::Empty,
    ];
    totals.extend(money_values(lang, tb, ts));
    let year_col = Column::text(t("xlsx-year"), 8.0);
    let lines_sheet = Sheet {
        name: t("xlsx-sheet-budget-lines"),
        columns: money_columns(
            lang,
            vec![
                year_col,
                Column::text(t("xlsx-unit-code"), 14.0),
                Column::text(t("xlsx-unit-name"), 30.0),
                Column::text(t("xlsx-project-code"), 10.0),
                Column::text(t("xlsx-source"), 36.0),
            ],
        ),
        rows: lines,
        totals: Some(totals),
        blank_rows: 0,
    };
    let bytes = thamgia_office::write_xlsx(&[by_source, by_project, by_unit, by_year, lines_sheet])
        .map_err(|e| AppError::Internal(anyhow::anyhow!(e)))?;
    Ok((bytes, file_name(lang.pick("kinh-phi", "funding"), &f)))
}

/// The workbooks the pages offer for download.
#[derive(Clone, Copy)]
enum Workbook {
    Activities,
    Funding,
}

/// Downloads a workbook: the visitor needs `ViewActivities`; the workbook is
/// written in the language asked for (`?lang=`, else the page's).
async fn workbook_page(
    State(state): State<AppState>,
    PageUser(p, ctx): PageUser,
    Query(q): Query<ExportParams>,
    which: Workbook,
) -> PageResult {
    require(&p, Permission::ViewActivities, ctx.lang)?;
    let lang = q.lang_or(ctx.lang).page(ctx.lang)?;
    let db = &state.db.conn;
    let (bytes, name) = match which {
        Workbook::Activities => activities_xlsx(db, &p, &q, lang).await,
        Workbook::Funding => funding_xlsx(db, &p, &q, lang).await,
    }
    .page(ctx.lang)?;
    Ok(xlsx_response(bytes, &name))
}

async fn activities_page(s: State<AppState>, u: PageUser, q: Query<ExportParams>) -> PageResult {
    workbook_page(s, u, q, Workbook::Activities).await
}

async fn funding_page(s: State<AppState>, u: PageUser, q: Query<ExportParams>) -> PageResult {
    workbook_page(s, u, q, Workbook::Funding).await
}
