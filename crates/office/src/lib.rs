//! Spreadsheets in and out, without knowing what they hold.
//!
//! Reading: an .xlsx workbook (through `calamine`) or a .csv file (through
//! `csv`; UTF-8 with or without a byte-order mark, `,` or `;` between fields)
//! becomes sheets of [`Cell`]s, each row carrying the number Excel shows for it,
//! so errors can be named as a person sees them (`Hoạt động!F7`).
//!
//! Writing: [`Sheet`]s of [`Value`]s become an .xlsx workbook (through
//! `rust_xlsxwriter`) with a bold frozen header row, column widths, whole
//! numbers as `#,##0` (Excel shows the reader's own thousands separator: dots
//! on a Vietnamese computer), dates as `dd/mm/yyyy`, an optional totals row,
//! and drop-down lists where a column takes one of a few values.

pub mod docx;
pub mod report_doc;
pub mod report_xlsx;
pub mod sheet_layout;

use chrono::{Datelike, NaiveDate};
use std::io::Cursor;

/// The most bytes an uploaded file may have.
pub const MAX_FILE_BYTES: usize = 5 * 1024 * 1024;

/// Why a file could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum OfficeError {
    /// Neither an .xlsx workbook nor a UTF-8 text file.
    #[error("not_a_spreadsheet")]
    NotASpreadsheet,
    /// A .csv file that is not UTF-8.
    #[error("not_utf8")]
    NotUtf8,
    /// An .xlsx file calamine could not open.
    #[error("unreadable: {0}")]
    Unreadable(String),
    #[error("too_large")]
    TooLarge,
    #[error("write: {0}")]
    Write(String),
}

impl OfficeError {
    /// A stable snake_case code for pages and the API.
    pub fn code(&self) -> &'static str {
        match self {
            OfficeError::NotASpreadsheet => "not_a_spreadsheet",
            OfficeError::NotUtf8 => "not_utf8",
            OfficeError::Unreadable(_) => "unreadable_file",
            OfficeError::TooLarge => "file_too_large",
            OfficeError::Write(_) => "write_failed",
        }
    }
}

// ---------------------------------------------------------------- reading

/// One cell as the file held it.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Number(f64),
    /// A date (an Excel cell formatted as a date).
    Date(NaiveDate),
    Bool(bool),
}

/// Excel's day 0 (serial numbers count days from 30/12/1899, 1900 leap-year bug included).
fn excel_epoch() -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(1899, 12, 30)
}

/// The date of an Excel serial number (the fraction, a time of day, is dropped).
pub fn date_from_serial(v: f64) -> Option<NaiveDate> {
    if !v.is_finite() || !(1.0..2_958_466.0).contains(&v) {
        return None;
    }
    excel_epoch()?.checked_add_days(chrono::Days::new(v.trunc() as u64))
}

/// A whole number written without a decimal part; anything else as Rust prints it.
fn number_text(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e17 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

impl Cell {
    /// The cell as text: whole numbers without `.0`, dates as `dd/mm/yyyy`.
    pub fn text(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(s) => s.trim().to_string(),
            Cell::Number(v) => number_text(*v),
            Cell::Date(d) => d.format("%d/%m/%Y").to_string(),
            Cell::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
        }
    }

    /// The cell as a date's text: a number in a date column is an Excel
    /// serial number (a date cell whose format was lost).
    pub fn date_text(&self) -> String {
        match self {
            Cell::Number(v) => date_from_serial(*v)
                .map(|d| d.format("%d/%m/%Y").to_string())
                .unwrap_or_else(|| number_text(*v)),
            other => other.text(),
        }
    }

    pub fn is_empty(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(s) => s.trim().is_empty(),
            _ => false,
        }
    }
}

/// One row and the number Excel (or a text editor, for .csv) shows for it.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub number: usize,
    pub cells: Vec<Cell>,
}

impl Row {
    /// The cell at `col`, empty past the row's end.
    pub fn get(&self, col: usize) -> &Cell {
        self.cells.get(col).unwrap_or(&Cell::Empty)
    }

    pub fn is_blank(&self) -> bool {
        self.cells.iter().all(Cell::is_empty)
    }
}

/// A sheet (or the one table of a .csv file): its name and its rows, the
/// header row first; rows with nothing in them are left out.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub name: String,
    pub rows: Vec<Row>,
}

/// What kind of file the bytes are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Xlsx,
    Csv,
}

/// Tells an .xlsx workbook (a zip archive) from a text file; anything else
/// (a picture, a PDF, an old .xls) is refused.
pub fn sniff(bytes: &[u8]) -> Result<FileKind, OfficeError> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err(OfficeError::TooLarge);
    }
    if bytes.starts_with(b"PK\x03\x04") {
        return Ok(FileKind::Xlsx);
    }
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if body.is_empty() || body.contains(&0) {
        return Err(OfficeError::NotASpreadsheet);
    }
    if std::str::from_utf8(body).is_err() {
        return Err(OfficeError::NotUtf8);
    }
    Ok(FileKind::Csv)
}

/// Reads any supported file: the sheets of a workbook, or one table named
/// `csv` for a .csv file.
pub fn read(bytes: &[u8]) -> Result<(FileKind, Vec<Table>), OfficeError> {
    match sniff(bytes)? {
        FileKind::Xlsx => Ok((FileKind::Xlsx, read_xlsx(bytes)?)),
        FileKind::Csv => Ok((FileKind::Csv, vec![read_csv(bytes)?])),
    }
}

/// Every sheet of an .xlsx workbook, rows numbered as Excel shows them.
pub fn read_xlsx(bytes: &[u8]) -> Result<Vec<Table>, OfficeError> {
    use calamine::{Data, Reader, Xlsx};
    if bytes.len() > MAX_FILE_BYTES {
        return Err(OfficeError::TooLarge);
    }
    let mut book: Xlsx<Cursor<&[u8]>> = Xlsx::new(Cursor::new(bytes))
        .map_err(|e: calamine::XlsxError| OfficeError::Unreadable(e.to_string()))?;
    let mut out = Vec::new();
    for name in book.sheet_names() {
        let range: calamine::Range<Data> = book
            .worksheet_range(&name)
            .map_err(|e| OfficeError::Unreadable(e.to_string()))?;
        let (row0, col0) = range.start().unwrap_or((0, 0));
        let mut rows = Vec::new();
        for (i, r) in range.rows().enumerate() {
            let mut cells = vec![Cell::Empty; col0 as usize];
            cells.extend(r.iter().map(|d: &Data| match d {
                Data::Empty | Data::Error(_) => Cell::Empty,
                Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => {
                    Cell::Text(normal_text(s))
                }
                Data::Float(v) => Cell::Number(*v),
                Data::Int(v) => Cell::Number(*v as f64),
                Data::Bool(b) => Cell::Bool(*b),
                Data::DateTime(dt) => {
                    if dt.is_datetime() {
                        date_from_serial(dt.as_f64())
                            .map(Cell::Date)
                            .unwrap_or(Cell::Number(dt.as_f64()))
                    } else {
                        Cell::Number(dt.as_f64())
                    }
                }
            }));
            let row = Row {
                number: row0 as usize + i + 1,
                cells,
            };
            if !row.is_blank() {
                rows.push(row);
            }
        }
        // Sheets are found by name ("Hoạt động"), so the name is normalised too.
        out.push(Table {
            name: normal_text(&name),
            rows,
        });
    }
    Ok(out)
}

/// A cell's text as Thamgia stores text: line ends as LF, composed (NFC), so
/// a header or code typed on a keyboard that sends decomposed diacritics
/// matches the same words typed on any other. Headers are cells too.
fn normal_text(s: &str) -> String {
    let s = if s.contains('\r') {
        s.replace("\r\n", "\n").replace('\r', "\n")
    } else {
        s.to_string()
    };
    match unicode_normalization::is_nfc_quick(s.chars()) {
        unicode_normalization::IsNormalized::Yes => s,
        _ => unicode_normalization::UnicodeNormalization::nfc(s.as_str()).collect(),
    }
}

/// The separator of a .csv file: `;` when its first line holds more of them
/// than commas (Excel on a Vietnamese computer writes `;`), else `,`.
fn separator(text: &str) -> u8 {
    let first = text.lines().next().unwrap_or("");
    let (mut semi, mut comma, mut quoted) = (0, 0, false);
    for ch in first.chars() {
        match ch {
            '"' => quoted = !quoted,
            ';' if !quoted => semi += 1,
            ',' if !quoted => comma += 1,
            _ => {}
        }
    }
    if semi > comma { b';' } else { b',' }
}

/// A .csv file as one table; every cell is text. Rows are numbered by the
/// line they start on.
pub fn read_csv(bytes: &[u8]) -> Result<Table, OfficeError> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err(OfficeError::TooLarge);
    }
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = std::str::from_utf8(body).map_err(|_| OfficeError::NotUtf8)?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(separator(text))
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    // Newlines before `seen` (records come in order, so each byte is counted once).
    let (mut seen, mut newlines) = (0usize, 0usize);
    for rec in reader.records() {
        let rec = rec.map_err(|e| OfficeError::Unreadable(e.to_string()))?;
        // By byte offset: the reader skips blank lines without counting them.
        let number = rec.position().map_or(0, |p| {
            let mut at = usize::try_from(p.byte()).unwrap_or(0).min(text.len());
            while at < text.len() && matches!(text.as_bytes()[at], b'\r' | b'\n') {
                at += 1;
            }
            let from = if at >= seen { seen } else { 0 };
            let before = if at >= seen { newlines } else { 0 };
            newlines = before
                + text.as_bytes()[from..at]
                    .iter()
                    .filter(|b| **b == b'\n')
                    .count();
            seen = at;
            newlines + 1
        });
        let row = Row {
            number,
            cells: rec
                .iter()
                .map(|s| {
                    if s.trim().is_empty() {
                        Cell::Empty
                    } else {
                        Cell::Text(normal_text(s))
                    }
                })
                .collect(),
        };
        if !row.is_blank() {
            rows.push(row);
        }
    }
    Ok(Table {
        name: "csv".into(),
        rows,
    })
}

/// The letters of a column as Excel shows them (0 → `A`, 26 → `AA`).
pub fn column_letters(col: usize) -> String {
    let mut n = col + 1;
    let mut out = Vec::new();
    while n > 0 {
        let r = (n - 1) % 26;
        out.push(b'A' + r as u8);
        n = (n - 1) / 26;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

// ---------------------------------------------------------------- writing

/// One value to write.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Empty,
    Text(String),
    /// A whole number (people, activities, đồng): `#,##0`.
    Int(i64),
    Date(NaiveDate),
    /// A year: a number, shown without a thousands separator (`2018`).
    Year(i32),
}

impl Value {
    /// What the cell shows, for sizing its column and row.
    fn shown(&self) -> sheet_layout::Shown {
        use sheet_layout::Shown;
        match self {
            Value::Empty => Shown::whole(""),
            Value::Text(t) => Shown::text(t),
            Value::Int(n) => Shown::whole(report_doc::vn_int(*n)),
            Value::Date(d) => Shown::whole(d.format("%d/%m/%Y").to_string()),
            Value::Year(y) => Shown::whole(y.to_string()),
        }
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Value {
        Value::Text(s.to_string())
    }
}

impl From<String> for Value {
    fn from(s: String) -> Value {
        Value::Text(s)
    }
}

impl From<i64> for Value {
    fn from(n: i64) -> Value {
        Value::Int(n)
    }
}

impl From<i32> for Value {
    fn from(n: i32) -> Value {
        Value::Int(i64::from(n))
    }
}

impl From<NaiveDate> for Value {
    fn from(d: NaiveDate) -> Value {
        Value::Date(d)
    }
}

impl From<Option<NaiveDate>> for Value {
    fn from(d: Option<NaiveDate>) -> Value {
        d.map_or(Value::Empty, Value::Date)
    }
}

/// What a column holds, for the format of cells typed into it later.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ColumnKind {
    #[default]
    Text,
    Int,
    Date,
}

/// A column: its header, width (in characters) and kind, and, for the
/// template, a drop-down list (an Excel range such as `'Hướng dẫn'!$A$2:$A$9`).
#[derive(Debug, Clone, Default)]
pub struct Column {
    pub header: String,
    pub width: f64,
    pub kind: ColumnKind,
    pub list_range: Option<String>,
}

impl Column {
    pub fn new(header: impl Into<String>, width: f64, kind: ColumnKind) -> Column {
        Column {
            header: header.into(),
            width,
            kind,
            list_range: None,
        }
    }

    pub fn text(header: impl Into<String>, width: f64) -> Column {
        Column::new(header, width, ColumnKind::Text)
    }

    pub fn int(header: impl Into<String>, width: f64) -> Column {
        Column::new(header, width, ColumnKind::Int)
    }

    pub fn date(header: impl Into<String>) -> Column {
        Column::new(header, 12.0, ColumnKind::Date)
    }

    pub fn with_list(mut self, range: impl Into<String>) -> Column {
        self.list_range = Some(range.into());
        self
    }
}

/// A sheet to write: a header row, data rows, and an optional totals row in bold.
#[derive(Debug, Clone, Default)]
pub struct Sheet {
    pub name: String,
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<Value>>,
    pub totals: Option<Vec<Value>>,
    /// Rows below the header that take drop-down lists and formats (the template).
    pub blank_rows: u32,
}

/// The `#,##0` number format: Excel shows the thousands separator of the
/// reader's own settings (`1.250.000` on a Vietnamese computer), which a
/// literal `#.##0` would not.
pub const INT_FORMAT: &str = "#,##0";
pub const DATE_FORMAT: &str = "dd/mm/yyyy";

fn xerr(e: rust_xlsxwriter::XlsxError) -> OfficeError {
    OfficeError::Write(e.to_string())
}

fn excel_date(d: NaiveDate) -> Result<rust_xlsxwriter::ExcelDateTime, OfficeError> {
    rust_xlsxwriter::ExcelDateTime::from_ymd(
        u16::try_from(d.year()).map_err(|_| OfficeError::Write("year".into()))?,
        d.month() as u8,
        d.day() as u8,
    )
    .map_err(xerr)
}

/// Writes the sheets into an .xlsx workbook.
pub fn write_xlsx(sheets: &[Sheet]) -> Result<Vec<u8>, OfficeError> {
    use rust_xlsxwriter::{DataValidation, Format, FormatBorder, Formula, Workbook};
    let mut book = Workbook::new();
    let header = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_background_color(0xDDEBF7)
        .set_border_bottom(FormatBorder::Thin);
    let int = Format::new().set_num_format(INT_FORMAT);
    let date = Format::new().set_num_format(DATE_FORMAT);
    let year = Format::new().set_num_format("0");
    let wrap = Format::new().set_text_wrap();
    let bold = Format::new().set_bold().set_border_top(FormatBorder::Thin);
    let bold_wrap = bold.clone().set_text_wrap();
    let bold_int = bold.clone().set_num_format(INT_FORMAT);
    for s in sheets {
        let ws = book.add_worksheet();
        ws.set_name(&s.name).map_err(xerr)?;
        for (i, c) in s.columns.iter().enumerate() {
            let col = u16::try_from(i).map_err(|_| OfficeError::Write("columns".into()))?;
            ws.set_column_width(col, c.width).map_err(xerr)?;
            match c.kind {
                ColumnKind::Int => {
                    ws.set_column_format(col, &int).map_err(xerr)?;
                }
                ColumnKind::Date => {
                    ws.set_column_format(col, &date).map_err(xerr)?;
                }
                ColumnKind::Text => {}
            }
            ws.write_string_with_format(0, col, &c.header, &header)
                .map_err(xerr)?;
            if let Some(range) = &c.list_range
                && s.blank_rows > 0
            {
                let dv = DataValidation::new()
                    .allow_list_formula(Formula::new(range))
                    .ignore_blank(true);
                ws.add_data_validation(1, col, s.blank_rows, col, &dv)
                    .map_err(xerr)?;
            }
        }
        ws.set_freeze_panes(1, 0).map_err(xerr)?;
        let all = s.rows.iter().map(|v| (v, false));
        let totals = s.totals.iter().map(|v| (v, true));
        for (r, (values, is_total)) in (1_u32..).zip(all.chain(totals)) {
            for (i, v) in values.iter().enumerate() {
                let col = u16::try_from(i).map_err(|_| OfficeError::Write("columns".into()))?;
                match (v, is_total) {
                    (Value::Empty, false) => {}
                    (Value::Empty, true) => {
                        ws.write_blank(r, col, &bold).map_err(xerr)?;
                    }
                    (Value::Text(t), total) => {
                        ws.write_string_with_format(
                            r,
                            col,
                            t,
                            if total { &bold_wrap } else { &wrap },
                        )
                        .map_err(xerr)?;
                    }
                    (Value::Year(y), _) => {
                        ws.write_number_with_format(r, col, f64::from(*y), &year)
                            .map_err(xerr)?;
                    }
                    (Value::Int(n), t) => {
                        ws.write_number_with_format(
                            r,
                            col,
                            *n as f64,
                            if t { &bold_int } else { &int },
                        )
                        .map_err(xerr)?;
                    }
                    (Value::Date(d), _) => {
                        ws.write_datetime_with_format(r, col, excel_date(*d)?, &date)
                            .map_err(xerr)?;
                    }
                }
            }
        }
        let heads: Vec<String> = s.columns.iter().map(|c| c.header.clone()).collect();
        let designed: Vec<f64> = s.columns.iter().map(|c| c.width).collect();
        let shown: Vec<Vec<sheet_layout::Shown>> = s
            .rows
            .iter()
            .chain(s.totals.iter())
            .map(|r| r.iter().map(Value::shown).collect())
            .collect();
        sheet_layout::lay_out(ws, &heads, &designed, &shown, s.blank_rows > 0)?;
    }
    book.save_to_buffer().map_err(xerr)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serial_numbers_are_dates() {
        assert_eq!(
            date_from_serial(43_536.0),
            NaiveDate::from_ymd_opt(2019, 3, 12)
        );
        assert_eq!(date_from_serial(-1.0), None);
        assert_eq!(Cell::Number(1_250_000.0).text(), "1250000");
        assert_eq!(Cell::Number(12.5).text(), "12.5");
        assert_eq!(Cell::Number(43_536.0).date_text(), "12/03/2019");
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
    }

    #[test]
    fn csv_with_bom_and_semicolons() {
        let t = read_csv("\u{feff}Mã;Tên\n\nA1;\"Tập huấn; kỹ năng\"\n".as_bytes()).expect("csv");
        assert_eq!(t.rows.len(), 2);
        assert_eq!(t.rows[1].number, 3);
        assert_eq!(t.rows[1].get(1).text(), "Tập huấn; kỹ năng");
        assert_eq!(t.rows[0].get(0).text(), "Mã");
        let t = read_csv(b"a,b\n1,2\n").expect("csv");
        assert_eq!(t.rows[1].get(1).text(), "2");
    }

    #[test]
    fn csv_rows_keep_their_line_numbers() {
        // Blank lines, CRLF and a quoted cell over two lines: each row is
        // numbered by the line it starts on, as a text editor shows it.
        let t = read_csv(b"a,b\r\n\r\n1,\"x\ny\"\r\n2,z\n\n\n3,w\n").expect("csv");
        let numbers: Vec<usize> = t.rows.iter().map(|r| r.number).collect();
        assert_eq!(numbers, vec![1, 3, 5, 8]);
        // Many rows: numbering stays exact (and linear in the file's size).
        let big: String = (0..20_000).map(|i| format!("{i},v\n")).collect();
        let t = read_csv(big.as_bytes()).expect("csv");
        assert_eq!(t.rows.len(), 20_000);
        assert!(t.rows.iter().enumerate().all(|(i, r)| r.number == i + 1));
    }

    #[test]
    fn what_is_written_reads_back() {
        let d = NaiveDate::from_ymd_opt(2019, 3, 12).expect("date");
        let bytes = write_xlsx(&[Sheet {
            name: "Hoạt động".into(),
            columns: vec![
                Column::text("Tên", 30.0),
                Column::date("Ngày"),
                Column::int("Số tiền", 14.0),
            ],
            rows: vec![vec!["Tập huấn".into(), d.into(), 1_250_000i64.into()]],
            totals: Some(vec!["Tổng cộng".into(), Value::Empty, 1_250_000i64.into()]),
            blank_rows: 0,
        }])
        .expect("write");
        assert_eq!(sniff(&bytes).expect("sniff"), FileKind::Xlsx);
        let sheets = read_xlsx(&bytes).expect("read");
        assert_eq!(sheets[0].name, "Hoạt động");
        let rows = &sheets[0].rows;
        assert_eq!(rows[0].get(0).text(), "Tên");
        assert_eq!(rows[1].number, 2);
        assert_eq!(rows[1].get(1).date_text(), "12/03/2019");
        assert_eq!(rows[1].get(2).text(), "1250000");
        assert_eq!(rows[2].get(0).text(), "Tổng cộng");
        assert!(matches!(
            sniff(b"%PDF-1.4\x00"),
            Err(OfficeError::NotASpreadsheet)
        ));
    }
    /// A workbook or .csv written with decomposed diacritics (NFD) reads as
    /// composed text (NFC) — sheet names, headers and cells — with CRLF as LF.
    #[test]
    fn decomposed_text_reads_composed() {
        use unicode_normalization::UnicodeNormalization;
        let nfd = |s: &str| -> String { s.nfd().collect() };
        assert_ne!(nfd("Hoạt động"), "Hoạt động");
        let bytes = write_xlsx(&[Sheet {
            name: nfd("Hoạt động"),
            columns: vec![Column::text(nfd("Tên hoạt động"), 30.0)],
            rows: vec![vec![Value::Text(nfd("Tập huấn\r\nngày 2"))]],
            totals: None,
            blank_rows: 0,
        }])
        .expect("write");
        let sheets = read_xlsx(&bytes).expect("read");
        assert_eq!(sheets[0].name, "Hoạt động");
        assert_eq!(sheets[0].rows[0].get(0).text(), "Tên hoạt động");
        assert_eq!(sheets[0].rows[1].get(0).text(), "Tập huấn\nngày 2");
        let t = read_csv(nfd("Mã;Tên\r\nMƯỜNG-01;Tập huấn\r\n").as_bytes()).expect("csv");
        assert_eq!(t.rows[0].get(1).text(), "Tên");
        assert_eq!(t.rows[1].get(0).text(), "MƯỜNG-01");
    }
}
