//! The annual report and the plan's figures as one plain document, written
//! three ways from the same rows: .xlsx ([`crate::report_xlsx`]), .docx
//! ([`crate::docx`], the Decree 30/2020 layout) and CSV ([`indicators_csv`]).
//! The web layer fills a [`ReportDoc`] from the indicator engine (or from a
//! report's frozen figures); this crate only lays it out, so every file shows
//! exactly the numbers it was given.

use chrono::{Datelike, NaiveDate};
use thamgia_domain::suppression::{shown, shown_unless};

/// One indicator line: the engine's figure, its target and its standing in words.
#[derive(Debug, Clone, PartialEq)]
pub struct IndicatorLine {
    pub code: String,
    pub name: String,
    pub numerator: u64,
    pub denominator: u64,
    /// `%` values carry one decimal; counts and đồng are whole.
    pub value: Option<f64>,
    pub target: Option<f64>,
    /// `%`, `count` or `dong`.
    pub unit: String,
    /// "Đạt", "Đúng tiến độ", "Chậm", "Chưa có chỉ tiêu", "Chưa có số liệu".
    pub standing: String,
    /// The figure is hidden (C1 of 1–4 children, or one only hiding protects):
    /// numerator, denominator and value are written `<5`.
    pub hidden: bool,
}

impl IndicatorLine {
    /// Whether values are percentages (one decimal) rather than whole numbers.
    pub fn is_percent(&self) -> bool {
        self.unit == "%"
    }

    /// The unit of measure in Vietnamese.
    pub fn unit_vi(&self) -> &str {
        match self.unit.as_str() {
            "%" => "%",
            "count" => "Số lượng",
            "dong" => "Đồng",
            other => other,
        }
    }
}

/// One part of a figure's breakdown; `None` is a part of fewer than 5 children.
#[derive(Debug, Clone, PartialEq)]
pub struct BreakdownLine {
    pub code: String,
    pub key: String,
    pub name: String,
    pub value: Option<i64>,
}

/// One cell of a report table.
#[derive(Debug, Clone, PartialEq)]
pub enum DocCell {
    Empty,
    Text(String),
    /// A whole number: `#,##0` in Excel, `1.250.000` in the .docx.
    Int(i64),
    /// A number with one decimal (a percentage): `0.0` in Excel, `66,7` in the .docx.
    Dec(f64),
    Date(NaiveDate),
}

impl DocCell {
    /// The cell as the .docx shows it, written the Vietnamese way.
    pub fn text(&self) -> String {
        match self {
            DocCell::Empty => String::new(),
            DocCell::Text(s) => s.clone(),
            DocCell::Int(n) => vn_int(*n),
            DocCell::Dec(v) => vn_dec(*v),
            DocCell::Date(d) => d.format("%d/%m/%Y").to_string(),
        }
    }
}

impl From<&str> for DocCell {
    fn from(s: &str) -> DocCell {
        DocCell::Text(s.to_string())
    }
}

impl From<String> for DocCell {
    fn from(s: String) -> DocCell {
        DocCell::Text(s)
    }
}

impl From<i64> for DocCell {
    fn from(n: i64) -> DocCell {
        DocCell::Int(n)
    }
}

/// What a column holds: decides its Excel format and alignment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocKind {
    Text,
    Int,
    Dec,
    Date,
}

/// A column of a report table: header, width in characters (the .xlsx),
/// kind, and whether the .docx shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct DocColumn {
    pub header: String,
    pub width: f64,
    pub kind: DocKind,
    /// False for a column of internal codes (`central`, `local`): the
    /// workbook keeps them for matching, a signed document shows names only.
    pub in_docx: bool,
}

impl DocColumn {
    pub fn new(header: impl Into<String>, width: f64, kind: DocKind) -> DocColumn {
        DocColumn {
            header: header.into(),
            width,
            kind,
            in_docx: true,
        }
    }

    /// The same column, left out of the .docx.
    pub fn workbook_only(mut self) -> DocColumn {
        self.in_docx = false;
        self
    }
}

/// Where a table goes in the .docx body (part I of the report).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocPart {
    /// The indicators of a period review, each year's and the span's: they
    /// stand in section 1 in place of the year's indicator table.
    Indicators,
    Activities,
    Funding,
    Models,
    Recommendations,
    Districts,
    /// The inspections and supervisions of the unit in the year, with the
    /// recommendations made to it and where they stand (only when there are).
    Inspections,
}

/// A table of the report: one sheet of the .xlsx, one table of the .docx.
#[derive(Debug, Clone, PartialEq)]
pub struct DocTable {
    /// The sheet's name (at most 31 characters).
    pub sheet: String,
    /// The table's caption in the .docx.
    pub heading: String,
    pub part: DocPart,
    pub columns: Vec<DocColumn>,
    pub rows: Vec<Vec<DocCell>>,
    pub totals: Option<Vec<DocCell>>,
}

/// The document's administrative details (Decree 30/2020, appendix I).
#[derive(Debug, Clone, PartialEq)]
pub struct DocHeader {
    /// The directly superior body ("UBND TỈNH LAI CHÂU"); empty when none.
    pub parent_body: String,
    /// The issuing body, in capitals ("SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI").
    pub issuing_body: String,
    /// "Số: 12/BC-SLDTBXH" (the whole line).
    pub number: String,
    /// "Lai Châu".
    pub place: String,
    /// The day it was sent; `None` on a draft (left blank to be filled in).
    pub date: Option<NaiveDate>,
    /// "Kết quả thực hiện Kế hoạch thúc đẩy quyền tham gia của trẻ em năm 2018".
    pub summary: String,
    /// "GIÁM ĐỐC", "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH" (lines).
    pub signer_title: String,
    pub signer_name: String,
    /// The recipients, one a line, ending "Lưu: VT, …".
    pub recipients: Vec<String>,
}

/// The report (or the figures alone) as a document.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportDoc {
    pub unit_code: String,
    pub unit_name: String,
    pub year: i32,
    /// A period review's span (sơ kết, tổng kết) instead of one year: its
    /// indicators are the [`DocPart::Indicators`] tables.
    pub period: Option<(i32, i32)>,
    /// The report's state in words ("Dự thảo", "Đã phê duyệt"…).
    pub status: String,
    pub header: DocHeader,
    pub indicators: Vec<IndicatorLine>,
    pub breakdowns: Vec<BreakdownLine>,
    pub tables: Vec<DocTable>,
    pub results: String,
    pub difficulties: String,
    pub proposals: String,
}

impl ReportDoc {
    /// A document with this header and nothing else yet: no unit, no figures,
    /// no tables, no narrative.
    pub fn with_header(header: DocHeader) -> ReportDoc {
        ReportDoc {
            unit_code: String::new(),
            unit_name: String::new(),
            year: 0,
            period: None,
            status: String::new(),
            header,
            indicators: Vec::new(),
            breakdowns: Vec::new(),
            tables: Vec::new(),
            results: String::new(),
            difficulties: String::new(),
            proposals: String::new(),
        }
    }

    /// "năm 2018", or "giai đoạn 2016–2020" for a period review.
    pub fn period_words(&self) -> String {
        match self.period {
            Some((from, to)) => format!("giai đoạn {from}–{to}"),
            None => format!("năm {}", self.year),
        }
    }
}

/// A whole number with dots between thousands: `1.250.000`, `-3.000`.
pub fn vn_int(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(ch);
    }
    if n < 0 { format!("-{out}") } else { out }
}

/// A number with one decimal and a decimal comma: `66,7`, `1.250,0`.
pub fn vn_dec(v: f64) -> String {
    let tenths = (v * 10.0).round() as i64;
    let whole = vn_int(tenths.abs() / 10);
    let sign = if tenths < 0 { "-" } else { "" };
    format!("{sign}{whole},{}", tenths.abs() % 10)
}

/// A figure's value as a cell: one decimal for `%`, whole otherwise.
pub fn value_cell(v: Option<f64>, percent: bool) -> DocCell {
    match v {
        None => DocCell::Empty,
        Some(x) if percent => DocCell::Dec(x),
        Some(x) => DocCell::Int(x.round() as i64),
    }
}

/// "Lai Châu, ngày 05 tháng 03 năm 2019".
pub fn place_and_date(place: &str, d: Option<NaiveDate>) -> String {
    match d {
        Some(d) => format!(
            "{place}, ngày {:02} tháng {:02} năm {}",
            d.day(),
            d.month(),
            d.year()
        ),
        // A draft: day, month and year are written in when it is signed.
        None => format!("{place}, ngày      tháng      năm      "),
    }
}

/// The number line of a document: `Số: 15/BC-UBND`, the symbol always the
/// issuing body's; a draft (`number` None or without digits) leaves the
/// number blank: `Số:       /BC-UBND`.
pub fn number_line(number: Option<&str>, symbol: &str) -> String {
    let digits: String = number
        .unwrap_or("")
        .trim()
        .trim_start_matches("Số")
        .trim_start_matches(':')
        .trim()
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    if digits.is_empty() {
        format!("Số:       /BC-{symbol}")
    } else {
        format!("Số: {digits}/BC-{symbol}")
    }
}

/// The signer's lines in the form of Decree 30/2020 (appendix I): a deputy
/// signs "KT." for the head ("KT. CHỦ TỊCH" over "PHÓ CHỦ TỊCH"); for a
/// collective body (a people's committee) the first line is "TM." and the
/// body. `typed` is what the report's author wrote ("Phó Chủ tịch UBND");
/// lines already in the decree's form are kept.
pub fn signer_lines(collective: Option<&str>, head: &str, typed: &str) -> Vec<String> {
    let head = head.to_uppercase();
    let mut lines: Vec<String> = typed
        .lines()
        .map(|l| l.trim().to_uppercase())
        .filter(|l| !l.is_empty())
        .collect();
    let formal = |l: &String| {
        ["TM.", "KT.", "TL.", "TUQ.", "Q."]
            .iter()
            .any(|p| l.starts_with(p))
    };
    if !lines.iter().any(formal) {
        let title = lines.join(" ");
        lines = if title.is_empty() || title.starts_with(&head) {
            vec![head.clone()]
        } else if title.starts_with("PHÓ ") {
            vec![format!("KT. {head}"), format!("PHÓ {head}")]
        } else {
            vec![title]
        };
    }
    if let Some(body) = collective
        && lines.first().is_some_and(|l| !l.starts_with("TM."))
        && lines
            .first()
            .is_some_and(|l| *l == head || l.starts_with("KT."))
    {
        lines.insert(0, format!("TM. {}", body.to_uppercase()));
    }
    lines
}

/// A number for the CSV: whole numbers plain (`1250000`), decimals with a
/// comma (`66,7`), as Excel on a Vietnamese computer reads them.
fn csv_number(v: Option<f64>, percent: bool) -> String {
    match v {
        None => String::new(),
        Some(x) if percent => {
            let t = (x * 10.0).round() as i64;
            let sign = if t < 0 { "-" } else { "" };
            format!("{sign}{},{}", t.abs() / 10, t.abs() % 10)
        }
        Some(x) => format!("{}", x.round() as i64),
    }
}

fn csv_field(s: &str) -> String {
    if s.contains([';', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

fn csv_line(out: &mut String, fields: &[String]) {
    let line: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
    out.push_str(&line.join(";"));
    out.push_str("\r\n");
}

/// The header row of the indicator table, in the .xlsx, the .docx and the CSV.
pub const INDICATOR_HEADERS: [&str; 8] = [
    "Mã",
    "Chỉ số",
    "Tử số",
    "Mẫu số",
    "Kết quả",
    "Mục tiêu",
    "Đơn vị tính",
    "Đánh giá",
];

/// `<5` for a hidden figure's numbers, else the number as written.
pub fn hidden_or(hidden: bool, s: String) -> String {
    shown_unless(hidden, || s)
}

/// The header row of the breakdowns.
pub const BREAKDOWN_HEADERS: [&str; 4] = ["Mã chỉ số", "Mã phân tổ", "Phân tổ", "Giá trị"];

/// The indicator table then, after a blank line, the breakdowns — one CSV
/// file in UTF-8 with a byte-order mark, fields separated by `;`, lines ended
/// by CRLF: what Excel on a Vietnamese computer opens without a wizard. A
/// part of fewer than 5 children is written `<5`.
pub fn indicators_csv(doc: &ReportDoc) -> Vec<u8> {
    let mut out = String::from("\u{feff}");
    csv_line(&mut out, &INDICATOR_HEADERS.map(str::to_string));
    for i in &doc.indicators {
        let p = i.is_percent();
        csv_line(
            &mut out,
            &[
                i.code.clone(),
                i.name.clone(),
                hidden_or(i.hidden, i.numerator.to_string()),
                hidden_or(i.hidden, i.denominator.to_string()),
                hidden_or(i.hidden, csv_number(i.value, p)),
                csv_number(i.target, p),
                i.unit_vi().to_string(),
                i.standing.clone(),
            ],
        );
    }
    out.push_str("\r\n");
    csv_line(&mut out, &BREAKDOWN_HEADERS.map(str::to_string));
    for b in &doc.breakdowns {
        csv_line(
            &mut out,
            &[
                b.code.clone(),
                b.key.clone(),
                b.name.clone(),
                shown(b.value, |v| v.to_string()),
            ],
        );
    }
    out.into_bytes()
}

/// Every table of the document, one after another: its heading on a line of
/// its own (padded with empty fields), its header row, its rows and totals, then a blank line — the
/// CSV of a period review, written like [`indicators_csv`] (UTF-8 with a
/// byte-order mark, `;`, CRLF). Whole numbers are written without
/// separators, shares with a decimal comma.
pub fn tables_csv(doc: &ReportDoc) -> Vec<u8> {
    let mut out = String::from("\u{feff}");
    for t in &doc.tables {
        // The heading padded to the table's width, so every line carries
        // the separator (a reader guesses it from the first line).
        let mut heading = vec![String::new(); t.columns.len().max(2)];
        heading[0] = t.heading.clone();
        csv_line(&mut out, &heading);
        let heads: Vec<String> = t.columns.iter().map(|c| c.header.clone()).collect();
        csv_line(&mut out, &heads);
        for r in t.rows.iter().chain(t.totals.iter()) {
            let cells: Vec<String> = r
                .iter()
                .map(|c| match c {
                    DocCell::Int(n) => n.to_string(),
                    DocCell::Dec(v) => csv_number(Some(*v), true),
                    other => other.text(),
                })
                .collect();
            csv_line(&mut out, &cells);
        }
        out.push_str("\r\n");
    }
    out.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signers_in_the_decrees_form() {
        let ubnd = Some("Ủy ban nhân dân");
        assert_eq!(
            signer_lines(ubnd, "Chủ tịch", "Phó Chủ tịch UBND"),
            ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]
        );
        assert_eq!(
            signer_lines(ubnd, "Chủ tịch", "Chủ tịch"),
            ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"]
        );
        assert_eq!(
            signer_lines(ubnd, "Chủ tịch", "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH"),
            ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]
        );
        assert_eq!(
            signer_lines(ubnd, "Chủ tịch", "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH"),
            ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"]
        );
        assert_eq!(
            signer_lines(None, "Giám đốc", "Phó Giám đốc"),
            ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"]
        );
        assert_eq!(signer_lines(None, "Giám đốc", ""), ["GIÁM ĐỐC"]);
        assert_eq!(
            signer_lines(None, "Giám đốc", "TL. GIÁM ĐỐC\nTRƯỞNG PHÒNG"),
            ["TL. GIÁM ĐỐC", "TRƯỞNG PHÒNG"]
        );
    }

    #[test]
    fn numbers_carry_the_issuers_symbol_and_drafts_none() {
        assert_eq!(
            number_line(Some("15/BC-UBND"), "SLDTBXH"),
            "Số: 15/BC-SLDTBXH"
        );
        assert_eq!(number_line(Some("Số: 7"), "UBND"), "Số: 7/BC-UBND");
        assert_eq!(number_line(None, "UBND"), "Số:       /BC-UBND");
        assert_eq!(number_line(Some("abc"), "UBND"), "Số:       /BC-UBND");
        assert_eq!(
            place_and_date("Lai Châu", None),
            "Lai Châu, ngày      tháng      năm      "
        );
    }

    #[test]
    fn vietnamese_numbers() {
        assert_eq!(vn_int(0), "0");
        assert_eq!(vn_int(999), "999");
        assert_eq!(vn_int(1_000), "1.000");
        assert_eq!(vn_int(1_250_000), "1.250.000");
        assert_eq!(vn_int(-3_000), "-3.000");
        assert_eq!(vn_dec(66.7), "66,7");
        assert_eq!(vn_dec(1250.04), "1.250,0");
        assert_eq!(vn_dec(0.0), "0,0");
        assert_eq!(csv_number(Some(66.66), true), "66,7");
        assert_eq!(csv_number(Some(1_250_000.0), false), "1250000");
        assert_eq!(csv_field("a;b"), "\"a;b\"");
        let d = NaiveDate::from_ymd_opt(2019, 3, 5).expect("date");
        assert_eq!(
            place_and_date("Lai Châu", Some(d)),
            "Lai Châu, ngày 05 tháng 03 năm 2019"
        );
    }
}
