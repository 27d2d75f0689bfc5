//! The child population over the API: a unit's figures for a year with
//! totals by age and sex, a JSON replacement of figures, the template and
//! the import of an .xlsx or .csv body. The same checks and save as the page
//! (`thamgia_actions::population`); every write is all or nothing.

use super::Query;
use super::funding::text;
use super::imports::{check_upload, file_error, rows_error};
use super::require;
use super::shapes::query_params;
use super::{Api, JsonBody};
use crate::error::{AppError, AppResult, ErrorBody};
use crate::exports::{safe_file_name, xlsx_response};
use crate::i18n::Lang;
use crate::sheets::Refused;
use crate::sheets::population as rules;
use axum::Json;
use axum::body::Bytes;
use axum::http::HeaderMap;
use axum::response::Response;
use serde_json::Value;
use std::collections::BTreeMap;
use thamgia_actions::Act;
use thamgia_actions::population as actions;
use thamgia_domain::access::Permission;
use thamgia_domain::population::{FigureText, MAX_AGE};
use thamgia_store::population::{self, Replaced};
use thamgia_store::units;

#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct PopulationParams {
    /// The unit's code, read in the year (codes were reused on 1/7/2025).
    pub unit: String,
    /// The year of the figures.
    pub year: Option<i32>,
}

/// One figure: children of one age and sex.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct FigureDto {
    pub age: u8,
    /// `girl` or `boy`.
    pub sex: String,
    pub children: i64,
}

/// The children of one age.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct AgeTotalDto {
    pub age: u8,
    pub girls: i64,
    pub boys: i64,
    pub total: i64,
}

/// The figure of a unit's whole subtree (its own if it has one, else the sum
/// of the units under it), all ages.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct SubtreeDto {
    pub children: i64,
    pub demo: bool,
}

/// A unit's child population in a year.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct PopulationDto {
    pub unit: String,
    pub unit_name_vi: String,
    pub unit_name_en: String,
    pub year: i32,
    /// Whether the unit's own figures are demo figures ("Số liệu minh họa").
    pub demo: bool,
    /// The unit's own figures, by age then sex; empty when it has none.
    pub rows: Vec<FigureDto>,
    pub by_age: Vec<AgeTotalDto>,
    pub girls: i64,
    pub boys: i64,
    pub total: i64,
    /// The subtree's figure (`null`: no figure covers it).
    pub subtree: Option<SubtreeDto>,
}

/// A unit's own figures for a year (rows, totals by age and by sex) and its
/// subtree's figure. A unit outside the caller's scope is 404.
#[utoipa::path(get, path = "/api/v1/population", tag = "units", params(PopulationParams),
    responses((status = 200, body = PopulationDto), (status = 404, body = ErrorBody)))]
pub async fn show(
    Api { state, p }: Api,
    Query(q): Query<PopulationParams>,
) -> AppResult<Json<PopulationDto>> {
    require(&p, Permission::ViewUnits)?;
    let Some(year) = q.year else {
        return Err(AppError::invalid("year", "required"));
    };
    if q.unit.trim().is_empty() {
        return Err(AppError::invalid("unit", "required"));
    }
    let db = &state.db.conn;
    let u = units::resolve(db, &p.scope(), q.unit.trim(), Some(year), None)
        .await?
        .unit;
    let own = population::of_unit(db, u.id, year).await?;
    let mut by_age: BTreeMap<u8, AgeTotalDto> = BTreeMap::new();
    let (mut girls, mut boys) = (0, 0);
    let rows: Vec<FigureDto> = own
        .iter()
        .map(|r| {
            let age = u8::try_from(r.age).unwrap_or(MAX_AGE);
            let a = by_age.entry(age).or_insert(AgeTotalDto {
                age,
                girls: 0,
                boys: 0,
                total: 0,
            });
            if r.sex == "girl" {
                a.girls += r.children;
                girls += r.children;
            } else {
                a.boys += r.children;
                boys += r.children;
            }
            a.total += r.children;
            FigureDto {
                age,
                sex: r.sex.clone(),
                children: r.children,
            }
        })
        .collect();
    let subtree = population::children(db, &u.path, year, 0, MAX_AGE)
        .await?
        .map(|s| SubtreeDto {
            children: s.children,
            demo: s.demo,
        });
    Ok(Json(PopulationDto {
        unit: u.code,
        unit_name_vi: u.name_vi,
        unit_name_en: u.name_en,
        year,
        demo: own.iter().any(|r| r.demo),
        rows,
        by_age: by_age.into_values().collect(),
        girls,
        boys,
        total: girls + boys,
        subtree,
    }))
}

/// One figure to save. Numbers may be JSON numbers or text (`"1.250"`).
// No container `#[serde(default)]`: utoipa would write `default: null` into
// each field's schema (invalid for an integer); missing `Option` fields are
// `None` anyway.
#[derive(Debug, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct FigurePut {
    /// The unit's code, read in the row's year.
    #[schema(value_type = String)]
    pub unit: Option<Value>,
    #[schema(value_type = i32)]
    pub year: Option<Value>,
    /// 0–17.
    #[schema(value_type = i32)]
    pub age: Option<Value>,
    /// `girl`/`boy` (or `Nữ`/`Nam`).
    #[schema(value_type = String)]
    pub sex: Option<Value>,
    #[schema(value_type = i64)]
    pub children: Option<Value>,
}

/// Figures to save: each unit and year present gets exactly these rows.
#[derive(Debug, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct PopulationPut {
    pub rows: Vec<FigurePut>,
}

/// What a replacement did.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ReplacedDto {
    /// Units and years whose figures were replaced.
    pub unit_years: usize,
    /// Figures saved.
    pub rows: usize,
    /// Figures those unit-years held before.
    pub rows_before: usize,
}

impl From<Replaced> for ReplacedDto {
    fn from(r: Replaced) -> Self {
        ReplacedDto {
            unit_years: r.unit_years,
            rows: r.rows,
            rows_before: r.rows_before,
        }
    }
}

/// Replaces figures: every unit and year present in `rows` gets exactly
/// those rows (a unit-year not in the body is left as it was). All or
/// nothing: any error is 422 with `fields` keyed `rows[i].field`
/// (`rows[2].age: "not_an_age"`). Province staff write every unit,
/// district and commune officers their own subtree.
#[utoipa::path(put, path = "/api/v1/population", tag = "units", request_body = PopulationPut,
    responses((status = 200, body = ReplacedDto), (status = 403, body = ErrorBody)))]
pub async fn put(Api { state, p }: Api, body: JsonBody) -> AppResult<Json<ReplacedDto>> {
    require(&p, Permission::ManagePopulation)?;
    let b: PopulationPut = super::json(&body)?;
    let rows: Vec<FigureText> = b
        .rows
        .iter()
        .map(|r| FigureText {
            unit: text(&r.unit),
            year: text(&r.year),
            age: text(&r.age),
            sex: text(&r.sex),
            children: text(&r.children),
        })
        .collect();
    let act = Act::new(&state.db.conn, &p, state.now());
    Ok(Json(actions::replace(act, &rows, "api").await?.into()))
}

/// The .xlsx template: sheet "Dân số trẻ em" (unit code, year, age, sex,
/// children) and "Hướng dẫn" (each column, an example, the caller's units).
#[utoipa::path(get, path = "/api/v1/population/template.xlsx", tag = "units",
    responses((status = 200, description = "The template", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>),
        (status = 403, body = ErrorBody)))]
pub async fn template(Api { state, p }: Api) -> AppResult<Response> {
    require(&p, Permission::ViewUnits)?;
    let bytes = rules::template(&state.db.conn, &p).await?;
    Ok(xlsx_response(bytes, rules::TEMPLATE_NAME))
}

query_params! {
    #[serde(default)]
    PopulationImportParams {
        /// The file's name, kept in the audit trail.
        file_name,
    }
}

/// Imports figures from the raw body: an .xlsx workbook (sheet "Dân số trẻ
/// em") or a .csv table (UTF-8, `,` or `;`), at most 5 MB. Any error imports
/// nothing: 422 with `fields` keyed by cell (`"Dân số trẻ em!C4":
/// "not_an_age"`) and `detail.rows` listing every error with its row,
/// column, Vietnamese header and message. Each unit and year in the file
/// gets exactly the file's rows.
#[utoipa::path(post, path = "/api/v1/population/import", tag = "units", params(PopulationImportParams),
    request_body(content = Vec<u8>, description = "The file", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    responses((status = 200, body = ReplacedDto), (status = 403, body = ErrorBody)))]
pub async fn import(
    Api { state, p }: Api,
    Query(q): Query<PopulationImportParams>,
    headers: HeaderMap,
    body: Bytes,
) -> AppResult<Json<ReplacedDto>> {
    require(&p, Permission::ManagePopulation)?;
    check_upload(&headers, &body)?;
    let name = safe_file_name(q.file_name.as_deref().unwrap_or("tep-nhap"));
    let act = Act::new(&state.db.conn, &p, state.now());
    let prepared = match rules::check_file(act, &name, &body, Lang::Vi).await? {
        Ok(x) => x,
        Err(Refused::File(code)) => return Err(file_error(code)),
        Err(Refused::Rows(rows)) => return Err(rows_error(rows)),
    };
    Ok(Json(actions::save(act, &prepared).await?.into()))
}
