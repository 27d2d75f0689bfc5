//! The child population: the page `/population` (figures by unit and year,
//! totals by age band and sex, demo figures labelled), its .xlsx template,
//! and the import of figures from .xlsx or .csv — checked like the
//! activities' import (`pages/imports.rs`, whose helpers it uses): every row
//! first, a file with any error saves nothing and names each error by row
//! and column, a good file replaces the figures of each unit and year it
//! holds in one transaction (`store::population::replace`). The row checks
//! and the save are `thamgia_actions::population`, shared with the JSON API
//! (`api/population.rs`).
//!
//! Unit codes are read with the row's year (`store::units::resolve`: the
//! unit carrying the code on 31/12 of that year, or the last one during it),
//! since codes were reused on 1/7/2025.

use super::imports::{
    Col, Found, Refused, RowError, col, error_at, locate, message, norm, take, upload_form, values,
    xlsx_response,
};
use super::{Chrome, PageErr, PageError, PageResult, render, require};
use crate::auth::{Ctx, PageUser};
use crate::error::AppError;
use crate::i18n::Lang;
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::StatusCode;
use axum::routing::get;
use sea_orm::DatabaseConnection;
use std::collections::HashMap;
use thamgia_domain::access::{Permission, Principal};
use thamgia_domain::population::{FigureText, sex_vi};
use thamgia_office::{ColumnKind, Row, Sheet, Value};
use thamgia_store::population::{self, BANDS};
use thamgia_store::units;

pub const SHEET_POPULATION: &str = "Dân số trẻ em";
pub const SHEET_GUIDE: &str = "Hướng dẫn";
pub const TEMPLATE_NAME: &str = "mau-nhap-dan-so-tre-em.xlsx";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/population",
            get(page)
                .post(upload)
                .layer(DefaultBodyLimit::max(super::imports::UPLOAD_BODY_LIMIT)),
        )
        .route("/population/template.xlsx", get(template_page))
}

/// The columns of the sheet "Dân số trẻ em", in order.
pub fn columns() -> Vec<Col> {
    use ColumnKind::{Int, Text};
    vec![
        col(
            "Đơn vị (mã)",
            "unit",
            Text,
            12.0,
            true,
            "Mã đơn vị (xem danh sách bên phải). Mã được đọc theo năm của dòng: từ 1/7/2025 một số mã xã, phường đã đổi nghĩa.",
        ),
        col(
            "Năm",
            "year",
            Int,
            8.0,
            true,
            "Năm của số liệu, ví dụ 2024.",
        ),
        col("Tuổi", "age", Int, 8.0, true, "Tuổi tròn, từ 0 đến 17."),
        col(
            "Giới tính (Nữ/Nam)",
            "sex",
            Text,
            12.0,
            true,
            "Nữ hoặc Nam.",
        ),
        col(
            "Số trẻ em",
            "children",
            Int,
            12.0,
            true,
            "Số trẻ em của đơn vị, năm, tuổi và giới tính đó (số nguyên, ví dụ 1.250).",
        ),
    ]
}

pub use thamgia_actions::population::{Prepared, RowProblems, check_rows};

/// Reads and checks a whole file (.xlsx: the sheet "Dân số trẻ em" or the
/// first with its headers; .csv: one table). Nothing is written.
pub async fn check_file(
    db: &DatabaseConnection,
    p: &Principal,
    file_name: &str,
    bytes: &[u8],
    lang: Lang,
) -> Result<Result<Prepared, Refused>, AppError> {
    let (_, tables) = match thamgia_office::read(bytes) {
        Ok(x) => x,
        Err(e) => return Ok(Err(e.into())),
    };
    let is_ours = |header: &Row| {
        header
            .cells
            .iter()
            .any(|c| norm(&c.text()) == norm("Số trẻ em"))
    };
    let table = tables
        .iter()
        .find(|t| norm(&t.name) == norm(SHEET_POPULATION))
        .or_else(|| tables.iter().find(|t| t.rows.first().is_some_and(&is_ours)));
    let Some(table) = table else {
        return Ok(Err(Refused::File("unknown_table")));
    };
    let mut errors = Vec::new();
    let Some(found) = locate(
        (),
        SHEET_POPULATION,
        columns(),
        &table.rows,
        &mut errors,
        lang,
    ) else {
        return Ok(Err(Refused::File("no_rows")));
    };
    if !errors.is_empty() {
        return Ok(Err(Refused::Rows(errors)));
    }
    let data: Vec<&Row> = found
        .data
        .iter()
        .copied()
        .filter(|r| !r.is_blank())
        .collect();
    if data.is_empty() {
        return Ok(Err(Refused::File("no_rows")));
    }
    let texts: Vec<(usize, FigureText)> = data
        .iter()
        .enumerate()
        .map(|(i, row)| {
            let mut v = values(&found, row);
            (
                i,
                FigureText {
                    unit: take(&mut v, "unit"),
                    year: take(&mut v, "year"),
                    age: take(&mut v, "age"),
                    sex: take(&mut v, "sex"),
                    children: take(&mut v, "children"),
                },
            )
        })
        .collect();
    match check_rows(db, p, &texts).await? {
        Ok(figures) => Ok(Ok(Prepared {
            source: file_name.to_string(),
            figures,
        })),
        Err(problems) => Ok(Err(Refused::Rows(file_errors(
            &found, &data, &problems, lang,
        )))),
    }
}

fn file_errors(
    found: &Found<'_, ()>,
    data: &[&Row],
    problems: &[RowProblems],
    lang: Lang,
) -> Vec<RowError> {
    problems
        .iter()
        .flat_map(|p| {
            p.errors
                .iter()
                .map(move |e| error_at(found, data[p.at], &e.field, e.code, lang))
        })
        .collect()
}

/// The template workbook: an empty "Dân số trẻ em" sheet (sex from a
/// drop-down list) and "Hướng dẫn" with each column explained, an example
/// and the codes of the units the user may write.
pub async fn template(db: &DatabaseConnection, p: &Principal) -> Result<Vec<u8>, AppError> {
    let unit_list = units::list(db, &p.scope()).await?;
    let mut cols: Vec<thamgia_office::Column> = columns()
        .into_iter()
        .map(|c| thamgia_office::Column::new(c.header, c.width, c.kind))
        .collect();
    cols[3] = cols[3]
        .clone()
        .with_list(format!("='{SHEET_GUIDE}'!$E$2:$E$3"));
    let mut explain: Vec<[String; 2]> = columns()
        .into_iter()
        .map(|c| [c.header, format!("Bắt buộc. {}", c.help)])
        .collect();
    explain.push(Default::default());
    explain.push([
        "Ví dụ".into(),
        "108 | 2024 | 6 | Nữ | 1.152 (mỗi đơn vị, năm, tuổi và giới tính một dòng)".into(),
    ]);
    explain.push([
        "Lưu ý".into(),
        "Tệp có lỗi sẽ không được nhập dòng nào; hệ thống liệt kê mọi lỗi theo dòng và cột. Số liệu của một đơn vị trong một năm được thay toàn bộ bằng các dòng của tệp cho đơn vị và năm đó: hãy ghi đủ mọi tuổi và giới tính. Có thể lưu trang này thành tệp .csv (UTF-8) để nhập.".into(),
    ]);
    let sexes = [sex_vi("girl"), sex_vi("boy")];
    let height = explain.len().max(unit_list.len()).max(sexes.len());
    let text = |s: Option<&String>| s.map_or(Value::Empty, |s| Value::Text(s.clone()));
    let rows: Vec<Vec<Value>> = (0..height)
        .map(|i| {
            let e = explain.get(i);
            let u = unit_list.get(i);
            vec![
                text(e.map(|x| &x[0])),
                text(e.map(|x| &x[1])),
                Value::Empty,
                Value::Empty,
                sexes
                    .get(i)
                    .map_or(Value::Empty, |s| Value::Text((*s).to_string())),
                Value::Empty,
                text(u.map(|u| &u.code)),
                text(u.map(|u| &u.name_vi)),
                u.map_or(Value::Empty, |u| {
                    Value::Text(match (u.valid_from, u.valid_to) {
                        (Some(f), Some(t)) => {
                            format!("{} – {}", f.format("%d/%m/%Y"), t.format("%d/%m/%Y"))
                        }
                        (Some(f), None) => format!("từ {}", f.format("%d/%m/%Y")),
                        (None, Some(t)) => format!("đến {}", t.format("%d/%m/%Y")),
                        (None, None) => String::new(),
                    })
                }),
            ]
        })
        .collect();
    let guide_cols = vec![
        thamgia_office::Column::text("Cột", 22.0),
        thamgia_office::Column::text("Cách điền", 80.0),
        thamgia_office::Column::text("", 2.0),
        thamgia_office::Column::text("", 2.0),
        thamgia_office::Column::text("Giới tính", 10.0),
        thamgia_office::Column::text("", 2.0),
        thamgia_office::Column::text("Mã đơn vị", 12.0),
        thamgia_office::Column::text("Tên đơn vị", 30.0),
        thamgia_office::Column::text("Thời gian tồn tại", 26.0),
    ];
    let sheets = [
        Sheet {
            name: SHEET_POPULATION.into(),
            columns: cols,
            blank_rows: 1000,
            ..Default::default()
        },
        Sheet {
            name: SHEET_GUIDE.into(),
            columns: guide_cols,
            rows,
            ..Default::default()
        },
    ];
    thamgia_office::write_xlsx(&sheets).map_err(|e| AppError::Internal(anyhow::anyhow!(e)))
}

async fn template_page(State(state): State<AppState>, PageUser(p, ctx): PageUser) -> PageResult {
    require(&p, Permission::ViewUnits, ctx.lang)?;
    let bytes = template(&state.db.conn, &p).await.page(ctx.lang)?;
    Ok(xlsx_response(bytes, TEMPLATE_NAME))
}

// ---------------------------------------------------------------- page

/// One unit-year of the table, formatted.
pub struct Line {
    pub unit: String,
    pub year: i32,
    pub bands: Vec<String>,
    pub girls: String,
    pub boys: String,
    pub total: String,
    pub demo: bool,
}

#[derive(Template)]
#[template(path = "population.html")]
struct PopulationPage {
    c: Chrome,
    can_import: bool,
    bands: Vec<String>,
    lines: Vec<Line>,
    /// Years with figures, newest first, and whether it is the one shown.
    years: Vec<(i32, bool)>,
    year: Option<i32>,
    any_demo: bool,
    file_error: Option<String>,
    errors: Vec<RowError>,
    saved: Option<String>,
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
struct PageQuery {
    year: Option<String>,
}

async fn page_for(
    state: &AppState,
    ctx: &Ctx,
    p: &Principal,
    year: Option<i32>,
) -> Result<PopulationPage, PageError> {
    let lang = ctx.lang;
    let db = &state.db.conn;
    let scope = p.scope();
    let all = population::summaries(db, &scope, None).await.page(lang)?;
    let mut years: Vec<i32> = all.iter().map(|s| s.year).collect();
    years.sort_unstable_by(|a, b| b.cmp(a));
    years.dedup();
    let names: HashMap<i32, (String, String, String)> = units::list(db, &scope)
        .await
        .page(lang)?
        .into_iter()
        .map(|u| (u.id, (u.code, u.name_vi, u.name_en)))
        .collect();
    let shown: Vec<_> = all
        .into_iter()
        .filter(|s| year.is_none_or(|y| s.year == y))
        .collect();
    let any_demo = shown.iter().any(|s| s.demo);
    let lines = shown
        .into_iter()
        .map(|s| Line {
            unit: names
                .get(&s.unit_id)
                .map(|(code, vi, en)| {
                    format!("{code} – {}", if lang == Lang::Vi { vi } else { en })
                })
                .unwrap_or_default(),
            year: s.year,
            bands: s.bands.iter().map(|n| lang.int(*n)).collect(),
            girls: lang.int(s.girls),
            boys: lang.int(s.boys),
            total: lang.int(s.total),
            demo: s.demo,
        })
        .collect();
    Ok(PopulationPage {
        c: Chrome::new(ctx, "population-title"),
        can_import: p.can(Permission::ManagePopulation),
        bands: BANDS
            .iter()
            .map(|(a, b)| {
                lang.t_args(
                    "population-band",
                    &[("from", a.to_string()), ("to", b.to_string())],
                )
            })
            .collect(),
        lines,
        years: years.into_iter().map(|y| (y, year == Some(y))).collect(),
        year,
        any_demo,
        file_error: None,
        errors: Vec::new(),
        saved: None,
    })
}

async fn page(
    State(state): State<AppState>,
    PageUser(p, ctx): PageUser,
    axum::extract::Query(q): axum::extract::Query<PageQuery>,
) -> PageResult {
    require(&p, Permission::ViewUnits, ctx.lang)?;
    let year = q.year.as_deref().and_then(|y| y.trim().parse::<i32>().ok());
    Ok(render(&page_for(&state, &ctx, &p, year).await?))
}

async fn upload(
    State(state): State<AppState>,
    PageUser(p, ctx): PageUser,
    m: Result<axum::extract::Multipart, axum::extract::multipart::MultipartRejection>,
) -> PageResult {
    let lang = ctx.lang;
    require(&p, Permission::ManagePopulation, lang)?;
    let file = match upload_form(&ctx, m).await {
        Ok(f) => f,
        Err(res) => return Ok(res),
    };
    let mut page = page_for(&state, &ctx, &p, None).await?;
    let refuse = |mut page: PopulationPage, code: &str, status: StatusCode| {
        page.file_error = Some(message(lang, code));
        let mut res = render(&page);
        *res.status_mut() = status;
        Ok(res)
    };
    let Some((name, bytes)) = file.filter(|(_, b)| !b.is_empty()) else {
        return refuse(page, "no_file", StatusCode::UNPROCESSABLE_ENTITY);
    };
    if bytes.len() > thamgia_office::MAX_FILE_BYTES {
        return refuse(page, "file_too_large", StatusCode::PAYLOAD_TOO_LARGE);
    }
    match check_file(&state.db.conn, &p, &name, &bytes, lang)
        .await
        .page(lang)?
    {
        Err(Refused::File(code)) => refuse(page, code, StatusCode::UNPROCESSABLE_ENTITY),
        Err(Refused::Rows(errors)) => {
            page.errors = errors;
            let mut res = render(&page);
            *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(res)
        }
        Ok(prepared) => {
            let act = thamgia_actions::Act::new(&state.db.conn, &p, state.now());
            let done = match thamgia_actions::population::save(act, &prepared).await {
                Ok(done) => done,
                Err(thamgia_actions::ActionError::Conflict { field })
                    if field == crate::error::YEAR_LOCKED =>
                {
                    return refuse(page, "year_locked", StatusCode::CONFLICT);
                }
                Err(e) => return Err(e).page(lang),
            };
            let mut page = page_for(&state, &ctx, &p, None).await?;
            page.saved = Some(lang.t_args(
                "population-saved",
                &[
                    ("rows", lang.int(done.rows as i64)),
                    ("units", lang.int(done.unit_years as i64)),
                ],
            ));
            Ok(render(&page))
        }
    }
}
