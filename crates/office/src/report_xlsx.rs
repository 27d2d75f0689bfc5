//! The annual report (or the plan's figures) as an .xlsx workbook: sheet
//! "Chỉ tiêu" (every indicator with numerator, denominator, value, target,
//! unit and standing in words), "Phân tổ" (the breakdowns, "<5" for a part of
//! fewer than 5 children), one sheet per table of the report (activities,
//! participants, funding, models, recommendations, districts) and "Thông tin"
//! (unit, year, state). Headers are Vietnamese, bold and frozen; whole numbers
//! are `#,##0`, percentages `0.0`, dates `dd/mm/yyyy`; every number is a
//! number cell, never text, so it compares exactly with the API.

use crate::report_doc::{BREAKDOWN_HEADERS, DocCell, DocKind, INDICATOR_HEADERS, ReportDoc};
use crate::sheet_layout::{Shown, lay_out};
use crate::{DATE_FORMAT, INT_FORMAT, OfficeError};
use chrono::Datelike;
use rust_xlsxwriter::{ExcelDateTime, Format, FormatBorder, Workbook, Worksheet, XlsxError};
use thamgia_domain::suppression::{self, HIDDEN_LABEL};

/// One decimal, for percentages.
pub const DEC_FORMAT: &str = "0.0";

/// The indicator sheet's name.
pub const SHEET_INDICATORS: &str = "Chỉ tiêu";
/// The breakdown sheet's name.
pub const SHEET_BREAKDOWNS: &str = "Phân tổ";

fn xerr(e: XlsxError) -> OfficeError {
    OfficeError::Write(e.to_string())
}

struct Formats {
    header: Format,
    int: Format,
    dec: Format,
    date: Format,
    text: Format,
    bold: Format,
    bold_int: Format,
    bold_dec: Format,
}

impl Formats {
    fn new() -> Formats {
        let bold = Format::new().set_bold().set_border_top(FormatBorder::Thin);
        Formats {
            header: Format::new()
                .set_bold()
                .set_text_wrap()
                .set_background_color(0xDDEBF7)
                .set_border_bottom(FormatBorder::Thin),
            int: Format::new().set_num_format(INT_FORMAT),
            dec: Format::new().set_num_format(DEC_FORMAT),
            date: Format::new().set_num_format(DATE_FORMAT),
            text: Format::new().set_text_wrap(),
            bold_int: bold.clone().set_num_format(INT_FORMAT),
            bold_dec: bold.clone().set_num_format(DEC_FORMAT),
            bold,
        }
    }
}

fn header_row(ws: &mut Worksheet, f: &Formats, heads: &[(&str, f64)]) -> Result<(), OfficeError> {
    for (col, (h, _)) in (0u16..).zip(heads) {
        ws.write_string_with_format(0, col, *h, &f.header)
            .map_err(xerr)?;
    }
    ws.set_freeze_panes(1, 0).map_err(xerr)?;
    Ok(())
}

/// Widths, row heights and print setup from what the sheet shows.
fn fit(ws: &mut Worksheet, heads: &[(&str, f64)], rows: &[Vec<Shown>]) -> Result<(), OfficeError> {
    let names: Vec<String> = heads.iter().map(|(h, _)| h.to_string()).collect();
    let designed: Vec<f64> = heads.iter().map(|(_, w)| *w).collect();
    lay_out(ws, &names, &designed, rows, false)?;
    Ok(())
}

fn shown(c: &DocCell) -> Shown {
    match c {
        DocCell::Text(t) => Shown::text(t),
        other => Shown::whole(other.text()),
    }
}

fn cell(
    ws: &mut Worksheet,
    f: &Formats,
    row: u32,
    col: u16,
    v: &DocCell,
    total: bool,
) -> Result<(), OfficeError> {
    match v {
        DocCell::Empty if total => {
            ws.write_blank(row, col, &f.bold).map_err(xerr)?;
        }
        DocCell::Empty => {}
        DocCell::Text(t) => {
            ws.write_string_with_format(row, col, t, if total { &f.bold } else { &f.text })
                .map_err(xerr)?;
        }
        DocCell::Int(n) => {
            ws.write_number_with_format(
                row,
                col,
                *n as f64,
                if total { &f.bold_int } else { &f.int },
            )
            .map_err(xerr)?;
        }
        DocCell::Dec(x) => {
            ws.write_number_with_format(row, col, *x, if total { &f.bold_dec } else { &f.dec })
                .map_err(xerr)?;
        }
        DocCell::Date(d) => {
            let dt = ExcelDateTime::from_ymd(
                u16::try_from(d.year()).map_err(|_| OfficeError::Write("year".into()))?,
                d.month() as u8,
                d.day() as u8,
            )
            .map_err(xerr)?;
            ws.write_datetime_with_format(row, col, dt, &f.date)
                .map_err(xerr)?;
        }
    }
    Ok(())
}

/// A number (or nothing) in the format its unit asks for.
fn figure(
    ws: &mut Worksheet,
    f: &Formats,
    row: u32,
    col: u16,
    v: Option<f64>,
    percent: bool,
) -> Result<(), OfficeError> {
    if let Some(x) = v {
        ws.write_number_with_format(row, col, x, if percent { &f.dec } else { &f.int })
            .map_err(xerr)?;
    }
    Ok(())
}

/// The year's indicators ("Chỉ tiêu") and their breakdowns ("Phân tổ").
fn indicator_sheets(book: &mut Workbook, f: &Formats, doc: &ReportDoc) -> Result<(), OfficeError> {
    let ws = book.add_worksheet();
    ws.set_name(SHEET_INDICATORS).map_err(xerr)?;
    let widths = [8.0, 48.0, 10.0, 10.0, 12.0, 12.0, 12.0, 18.0];
    let heads: Vec<(&str, f64)> = INDICATOR_HEADERS.iter().copied().zip(widths).collect();
    header_row(ws, f, &heads)?;
    let mut sizes = Vec::new();
    for (row, i) in (1u32..).zip(&doc.indicators) {
        let p = i.is_percent();
        sizes.push(vec![
            Shown::whole(i.code.clone()),
            Shown::text(&i.name),
            Shown::whole(crate::report_doc::vn_int(
                i64::try_from(i.numerator).unwrap_or(i64::MAX),
            )),
            Shown::whole(crate::report_doc::vn_int(
                i64::try_from(i.denominator).unwrap_or(i64::MAX),
            )),
            Shown::whole(crate::report_doc::value_cell(i.value, p).text()),
            Shown::whole(crate::report_doc::value_cell(i.target, p).text()),
            Shown::text(i.unit_vi()),
            Shown::text(&i.standing),
        ]);
        ws.write_string(row, 0, &i.code).map_err(xerr)?;
        ws.write_string_with_format(row, 1, &i.name, &f.text)
            .map_err(xerr)?;
        if i.hidden {
            for col in 2..=4 {
                ws.write_string(row, col, HIDDEN_LABEL).map_err(xerr)?;
            }
        } else {
            ws.write_number_with_format(row, 2, i.numerator as f64, &f.int)
                .map_err(xerr)?;
            ws.write_number_with_format(row, 3, i.denominator as f64, &f.int)
                .map_err(xerr)?;
            figure(ws, f, row, 4, i.value, p)?;
        }
        figure(ws, f, row, 5, i.target, p)?;
        ws.write_string(row, 6, i.unit_vi()).map_err(xerr)?;
        ws.write_string(row, 7, &i.standing).map_err(xerr)?;
    }
    fit(ws, &heads, &sizes)?;

    let ws = book.add_worksheet();
    ws.set_name(SHEET_BREAKDOWNS).map_err(xerr)?;
    let heads: Vec<(&str, f64)> = BREAKDOWN_HEADERS
        .iter()
        .copied()
        .zip([10.0, 22.0, 40.0, 14.0])
        .collect();
    header_row(ws, f, &heads)?;
    let sizes: Vec<Vec<Shown>> = doc
        .breakdowns
        .iter()
        .map(|b| {
            vec![
                Shown::whole(b.code.clone()),
                Shown::whole(b.key.clone()),
                Shown::text(&b.name),
                Shown::whole(suppression::shown(b.value, crate::report_doc::vn_int)),
            ]
        })
        .collect();
    fit(ws, &heads, &sizes)?;
    for (row, b) in (1u32..).zip(&doc.breakdowns) {
        ws.write_string(row, 0, &b.code).map_err(xerr)?;
        ws.write_string(row, 1, &b.key).map_err(xerr)?;
        ws.write_string(row, 2, &b.name).map_err(xerr)?;
        match b.value {
            Some(v) => {
                ws.write_number_with_format(row, 3, v as f64, &f.int)
                    .map_err(xerr)?;
            }
            None => {
                ws.write_string(row, 3, HIDDEN_LABEL).map_err(xerr)?;
            }
        }
    }
    Ok(())
}

/// Writes the workbook.
pub fn report_xlsx(doc: &ReportDoc) -> Result<Vec<u8>, OfficeError> {
    let f = Formats::new();
    let mut book = Workbook::new();

    if doc.period.is_none() {
        indicator_sheets(&mut book, &f, doc)?;
    }

    for t in &doc.tables {
        let ws = book.add_worksheet();
        ws.set_name(&t.sheet).map_err(xerr)?;
        let heads: Vec<(&str, f64)> = t
            .columns
            .iter()
            .map(|c| (c.header.as_str(), c.width))
            .collect();
        header_row(ws, &f, &heads)?;
        for (col, c) in (0u16..).zip(&t.columns) {
            let fmt = match c.kind {
                DocKind::Int => Some(&f.int),
                DocKind::Dec => Some(&f.dec),
                DocKind::Date => Some(&f.date),
                DocKind::Text => None,
            };
            if let Some(fmt) = fmt {
                ws.set_column_format(col, fmt).map_err(xerr)?;
            }
        }
        let sizes: Vec<Vec<Shown>> = t
            .rows
            .iter()
            .chain(t.totals.iter())
            .map(|r| r.iter().map(shown).collect())
            .collect();
        fit(ws, &heads, &sizes)?;
        let rows = t.rows.iter().map(|r| (r, false));
        let totals = t.totals.iter().map(|r| (r, true));
        for (row, (values, total)) in (1u32..).zip(rows.chain(totals)) {
            for (col, v) in (0u16..).zip(values) {
                cell(ws, &f, row, col, v, total)?;
            }
        }
    }

    let ws = book.add_worksheet();
    ws.set_name("Thông tin").map_err(xerr)?;
    let heads = [("Mục", 24.0), ("Nội dung", 70.0)];
    header_row(ws, &f, &heads)?;
    if let Some((from, to)) = doc.period {
        ws.write_string(1, 0, "Giai đoạn").map_err(xerr)?;
        ws.write_string(1, 1, format!("{from}–{to}"))
            .map_err(xerr)?;
    } else {
        ws.write_string(1, 0, "Năm").map_err(xerr)?;
        ws.write_number_with_format(
            1,
            1,
            f64::from(doc.year),
            &Format::new()
                .set_num_format("0")
                .set_align(rust_xlsxwriter::FormatAlign::Left),
        )
        .map_err(xerr)?;
    }
    let info: [(&str, String); 6] = [
        ("Mã đơn vị", doc.unit_code.clone()),
        ("Đơn vị", doc.unit_name.clone()),
        ("Trạng thái báo cáo", doc.status.clone()),
        ("Cơ quan ban hành", doc.header.issuing_body.clone()),
        ("Số, ký hiệu", doc.header.number.clone()),
        ("Trích yếu", doc.header.summary.clone()),
    ];
    let mut sizes = vec![vec![Shown::text("Năm"), Shown::whole(doc.year.to_string())]];
    for (row, (k, v)) in (2u32..).zip(info) {
        ws.write_string(row, 0, k).map_err(xerr)?;
        ws.write_string_with_format(row, 1, &v, &f.text)
            .map_err(xerr)?;
        sizes.push(vec![Shown::text(k), Shown::text(&v)]);
    }
    fit(ws, &heads, &sizes)?;

    book.save_to_buffer().map_err(xerr)
}
