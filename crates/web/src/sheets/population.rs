//! The child population's file: the .xlsx template and the reading of
//! figures from .xlsx or .csv, checked like the activities' import (the
//! table helpers of [`crate::sheets`]): every row first, a file with any
//! error saves nothing and names each error by row and column. The row
//! checks and the save are `thamgia_actions::population`; the page
//! (`pages/population.rs`) and the JSON API (`api/population.rs`) both read
//! files here.
//!
//! Unit codes are read with the row's year (`store::units::resolve`: the
//! unit carrying the code on 31/12 of that year, or the last one during it),
//! since codes were reused on 1/7/2025.

use super::{
    Checked, Col, Found, Refused, RowError, col, error_at, input_sheet, locate, norm, take,
    unit_col, values,
};
use crate::error::AppError;
use crate::i18n::Lang;
use sea_orm::DatabaseConnection;
use thamgia_actions::Act;
use thamgia_domain::access::Principal;
use thamgia_domain::population::{FigureText, sex_vi};
use thamgia_office::{ColumnKind, Row, Sheet, Value};
use thamgia_store::units;

pub const SHEET_POPULATION: &str = "Dân số trẻ em";
pub const SHEET_GUIDE: &str = "Hướng dẫn";
pub const TEMPLATE_NAME: &str = "mau-nhap-dan-so-tre-em.xlsx";

/// The columns of the sheet "Dân số trẻ em", in order.
pub fn columns() -> Vec<Col> {
    use ColumnKind::{Int, Text};
    vec![
        unit_col(
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
pub async fn check_file(act: Act<'_>, name: &str, bytes: &[u8], lang: Lang) -> Checked<Prepared> {
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
    match check_rows(act.db, act.p, &texts).await? {
        Ok(figures) => Ok(Ok(Prepared {
            source: name.to_string(),
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
        input_sheet(SHEET_POPULATION, cols),
        Sheet {
            name: SHEET_GUIDE.into(),
            columns: guide_cols,
            rows,
            ..Default::default()
        },
    ];
    thamgia_office::write_xlsx(&sheets).map_err(|e| AppError::Internal(anyhow::anyhow!(e)))
}
