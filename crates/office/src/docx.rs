//! The annual report as a .docx laid out as a Vietnamese administrative
//! report under Decree 30/2020/NĐ-CP (appendix I):
//!
//! - A4 portrait; margins top and bottom 20 mm, left 30 mm, right 20 mm;
//!   Times New Roman, black; body 14 pt, tables 11 pt; page numbers centred
//!   in the top margin, none on the first page.
//! - A two-column header table without borders: on the left the superior
//!   body, the issuing body (bold, capitals) and "Số: …/BC-…"; on the right
//!   the national title (bold, capitals, 13 pt), the motto (bold, 14 pt,
//!   underlined) and, in italics, the place and date.
//! - The type "BÁO CÁO" and the summary (bold, centred); the body: I. results
//!   (the indicator table, activities, funding, models, recommendations, the
//!   districts), II. difficulties, III. proposals (the narrative).
//! - The signature block on the right (title in bold capitals, space for the
//!   signature and seal, name in bold) and the recipients on the left
//!   ("Nơi nhận:" bold italic 12 pt, the list 11 pt).

use crate::OfficeError;
use crate::report_doc::{DocCell, DocKind, DocPart, DocTable, INDICATOR_HEADERS, ReportDoc};
use docx_rs::{
    AlignmentType, Docx, Header, LineSpacing, PageMargin, PageNum, PageOrientationType, PageSize,
    Paragraph, RunFonts, SectionProperty, SpecialIndentType, Table, TableCell, TableLayoutType,
    TableRow, VAlignType, WidthType,
};

/// The font of every run.
pub const FONT: &str = "Times New Roman";
/// A4 in twips (1/20 pt): 210 × 297 mm.
pub const PAGE_WIDTH: u32 = 11_906;
pub const PAGE_HEIGHT: u32 = 16_838;
/// Margins in twips: 20 mm = 1134, 30 mm = 1701.
pub const MARGIN_TOP: i32 = 1_134;
pub const MARGIN_BOTTOM: i32 = 1_134;
pub const MARGIN_LEFT: i32 = 1_701;
pub const MARGIN_RIGHT: i32 = 1_134;
/// The width between the margins.
const TEXT_WIDTH: usize = (PAGE_WIDTH as i32 - MARGIN_LEFT - MARGIN_RIGHT) as usize;
/// The width between the margins of a landscape page (Decree 30 allows
/// landscape pages for wide tables).
const LANDSCAPE_TEXT_WIDTH: usize = (PAGE_HEIGHT as i32 - MARGIN_LEFT - MARGIN_RIGHT) as usize;
/// Left and right padding of a table cell as word processors lay it out, in
/// twips (LibreOffice pads 0.19 cm a side whatever the file asks), with room
/// to spare.
const CELL_PADDING: usize = 2 * 108 + 30;
/// The width (4 cm) a column of wrapping text keeps on a portrait page
/// before the table turns to a landscape page.
const READABLE: usize = 2_268;
/// A smaller table font (10 pt), tried before turning a page to landscape.
const TABLE_SMALL: usize = 20;

/// Font sizes in half-points.
const BODY: usize = 28;
const TABLE: usize = 22;
/// Decree 30/2020, Appendix I: the national title 12–13 pt; 12 pt keeps it on one line.
const NATIONAL: usize = 24;
const BODY_NAME: usize = 26;

fn fonts() -> RunFonts {
    RunFonts::new()
        .ascii(FONT)
        .hi_ansi(FONT)
        .cs(FONT)
        .east_asia(FONT)
}

fn run(text: &str, size: usize) -> docx_rs::Run {
    docx_rs::Run::new()
        .add_text(text)
        .size(size)
        .fonts(fonts())
        .color("000000")
}

fn centred(r: docx_rs::Run) -> Paragraph {
    Paragraph::new()
        .align(AlignmentType::Center)
        .line_spacing(LineSpacing::new().before(0).after(0))
        .add_run(r)
}

fn body_paragraph(text: &str) -> Paragraph {
    Paragraph::new()
        .align(AlignmentType::Both)
        .indent(None, Some(SpecialIndentType::FirstLine(567)), None, None)
        .line_spacing(LineSpacing::new().before(60).after(60))
        .add_run(run(text, BODY))
}

fn heading(text: &str) -> Paragraph {
    Paragraph::new()
        .align(AlignmentType::Both)
        .indent(None, Some(SpecialIndentType::FirstLine(567)), None, None)
        .line_spacing(LineSpacing::new().before(120).after(60))
        .keep_next(true)
        .add_run(run(text, BODY).bold())
}

/// Narrative text: one paragraph per non-empty line; a placeholder when empty.
fn narrative(text: &str) -> Vec<Paragraph> {
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    if lines.is_empty() {
        return vec![body_paragraph("(Chưa có nội dung.)")];
    }
    lines.into_iter().map(body_paragraph).collect()
}

/// The header table (no borders): issuing body on the left, national title
/// and motto on the right.
fn header_table(doc: &ReportDoc) -> Table {
    let h = &doc.header;
    let left_w = 3_400;
    let right_w = TEXT_WIDTH - left_w;
    let mut left = TableCell::new().width(left_w, WidthType::Dxa);
    if !h.parent_body.is_empty() {
        left = left.add_paragraph(centred(run(&h.parent_body, BODY_NAME)));
    }
    for (i, line) in h.issuing_body.lines().enumerate() {
        let last = i + 1 == h.issuing_body.lines().count();
        let mut r = run(line, BODY_NAME).bold();
        if last {
            r = r.underline("single");
        }
        left = left.add_paragraph(centred(r));
    }
    left = left
        .add_paragraph(centred(run("", BODY_NAME)))
        .add_paragraph(centred(run(&h.number, BODY_NAME)));
    let right = TableCell::new()
        .width(right_w, WidthType::Dxa)
        .add_paragraph(centred(
            run("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", NATIONAL).bold(),
        ))
        .add_paragraph(centred(
            run("Độc lập - Tự do - Hạnh phúc", BODY)
                .bold()
                .underline("single"),
        ))
        .add_paragraph(centred(run("", BODY)))
        .add_paragraph(centred(
            run(&crate::report_doc::place_and_date(&h.place, h.date), BODY).italic(),
        ));
    Table::without_borders(vec![TableRow::new(vec![left, right])])
        .set_grid(vec![left_w, right_w])
        .width(TEXT_WIDTH, WidthType::Dxa)
}

fn table_cell(
    text: &str,
    width: usize,
    size: usize,
    bold: bool,
    align: AlignmentType,
) -> TableCell {
    let mut r = run(text, size);
    if bold {
        r = r.bold();
    }
    TableCell::new()
        .width(width, WidthType::Dxa)
        .vertical_align(VAlignType::Center)
        .add_paragraph(
            Paragraph::new()
                .align(align)
                .line_spacing(LineSpacing::new().before(20).after(20))
                .add_run(r),
        )
}

/// About how wide `text` is at `half_points` in Times New Roman, in twips:
/// glyph widths by class in thousandths of an em, rounded up from the font's
/// metrics (so a cell given this width never breaks the text).
pub fn text_twips(text: &str, half_points: usize, bold: bool) -> usize {
    let milli_em: usize = text
        .chars()
        .map(|c| match c {
            ' ' => 250,
            '.' | ',' => 250,
            ':' | ';' | '\'' | '(' | ')' | '[' | ']' | '/' | '-' | 'i' | 'j' | 'l' | 't' | 'f'
            | 'r' | 'I' => 340,
            '0'..='9' => 500,
            '%' | 'm' | 'w' | 'M' | 'W' | '@' => 950,
            c if c.is_uppercase() => 740,
            _ => 520,
        })
        .sum();
    // An em is the font size: half-points × 10 twips; 5% to spare for a
    // substituted font of the same metrics.
    let twips = milli_em * half_points * 105 / 10_000;
    if bold { twips * 108 / 100 } else { twips }
}

/// The widest piece of `text` that may not be broken: a number, a date or a
/// code is one piece; words break between them.
fn longest_piece(text: &str, half_points: usize, bold: bool, whole: bool) -> usize {
    if whole {
        return text_twips(text, half_points, bold);
    }
    text.split_whitespace()
        .map(|w| text_twips(w, half_points, bold))
        .max()
        .unwrap_or(0)
}

/// How a table is laid out: column widths, font size, and whether it needs
/// a landscape page.
struct Layout {
    grid: Vec<usize>,
    size: usize,
    landscape: bool,
}

/// Column widths from the content: every column at least as wide as its
/// longest number, date, code or word (so none is split across lines), the
/// rest of the width shared by the columns whose text would wrap, in
/// proportion to what they hold. A table that does not fit a portrait page
/// at 11 pt tries 10 pt, then takes a landscape page at 11 pt.
fn content_grid(heads: &[String], rows: &[(Vec<String>, bool)]) -> Layout {
    let measure = |size: usize| {
        let n = heads.len();
        let mut least = vec![0usize; n];
        let mut want = vec![0usize; n];
        for (i, h) in heads.iter().enumerate() {
            least[i] = longest_piece(h, size, true, false);
            want[i] = text_twips(h, size, true).min(least[i] * 3);
        }
        for (cells, bold) in rows {
            for (i, t) in cells.iter().enumerate().take(n) {
                // A number, a date or a percentage ("90,0 %") is one piece.
                let whole = !t.chars().any(char::is_alphabetic);
                least[i] = least[i].max(longest_piece(t, size, *bold, whole));
                want[i] = want[i].max(text_twips(t, size, *bold));
            }
        }
        let least: Vec<usize> = least.iter().map(|w| w + CELL_PADDING).collect();
        let want: Vec<usize> = want
            .iter()
            .zip(&least)
            .map(|(w, l)| (w + CELL_PADDING).max(*l))
            .collect();
        (least, want)
    };
    for size in [TABLE, TABLE_SMALL] {
        let (least, want) = measure(size);
        // Text that wraps keeps a readable width (4 cm, or all it needs).
        let readable: usize = least
            .iter()
            .zip(&want)
            .map(|(l, w)| (*l).max((*w).min(READABLE)))
            .sum();
        if readable <= TEXT_WIDTH {
            return Layout {
                grid: share(&least, &want, TEXT_WIDTH),
                size,
                landscape: false,
            };
        }
    }
    let (least, want) = measure(TABLE);
    Layout {
        grid: share(&least, &want, LANDSCAPE_TEXT_WIDTH),
        size: TABLE,
        landscape: true,
    }
}

/// Gives each column its least width, then the rest of `width` towards what
/// each wants (in proportion to what it lacks); what is still left goes to
/// the columns that wrap (in proportion to what they want), so text gets the
/// room and numbers keep theirs.
fn share(least: &[usize], want: &[usize], width: usize) -> Vec<usize> {
    let mut g = least.to_vec();
    let spare = width.saturating_sub(g.iter().sum());
    let lacking: usize = want.iter().zip(&g).map(|(w, l)| w.saturating_sub(*l)).sum();
    if lacking > 0 && spare > 0 {
        let give = spare.min(lacking);
        for (x, w) in g.iter_mut().zip(want) {
            *x += w.saturating_sub(*x) * give / lacking;
        }
    }
    let spare = width.saturating_sub(g.iter().sum());
    if spare > 0 {
        let wraps: Vec<bool> = want.iter().zip(least).map(|(w, l)| w > l).collect();
        let any = wraps.iter().any(|w| *w);
        let weight: usize = want
            .iter()
            .zip(&wraps)
            .filter(|(_, w)| **w || !any)
            .map(|(x, _)| *x)
            .sum::<usize>()
            .max(1);
        for ((x, w), wraps) in g.iter_mut().zip(want).zip(&wraps) {
            if *wraps || !any {
                *x += spare * w / weight;
            }
        }
    }
    // Rounding: the last column takes what is left, so the table fills the width.
    let used: usize = g.iter().sum();
    if let Some(last) = g.last_mut()
        && used < width
    {
        *last += width - used;
    }
    g
}

fn data_table(
    heads: &[String],
    kinds: &[DocKind],
    layout: &Layout,
    rows: &[(Vec<String>, bool)],
) -> Table {
    let g = &layout.grid;
    let size = layout.size;
    let head_row = TableRow::new(
        heads
            .iter()
            .zip(g)
            .map(|(h, w)| table_cell(h, *w, size, true, AlignmentType::Center))
            .collect(),
    )
    .cant_split();
    let mut all = vec![head_row];
    for (cells, bold) in rows {
        all.push(
            TableRow::new(
                cells
                    .iter()
                    .zip(g)
                    .zip(kinds)
                    .map(|((t, w), k)| {
                        let align = match k {
                            DocKind::Int | DocKind::Dec => AlignmentType::Right,
                            DocKind::Date => AlignmentType::Center,
                            DocKind::Text => AlignmentType::Left,
                        };
                        table_cell(t, *w, size, *bold, align)
                    })
                    .collect(),
            )
            .cant_split(),
        );
    }
    Table::new(all)
        .set_grid(g.to_vec())
        .layout(TableLayoutType::Fixed)
        .width(g.iter().sum(), WidthType::Dxa)
}

/// The indicator table: the same columns as the .xlsx sheet "Chỉ tiêu".
fn indicator_table(doc: &ReportDoc) -> (Table, bool) {
    let heads: Vec<String> = INDICATOR_HEADERS.iter().map(|s| s.to_string()).collect();
    let kinds = [
        DocKind::Text,
        DocKind::Text,
        DocKind::Int,
        DocKind::Int,
        DocKind::Dec,
        DocKind::Dec,
        DocKind::Text,
        DocKind::Text,
    ];
    let rows: Vec<(Vec<String>, bool)> = doc
        .indicators
        .iter()
        .map(|i| {
            let p = i.is_percent();
            (
                vec![
                    i.code.clone(),
                    i.name.clone(),
                    crate::report_doc::hidden_or(
                        i.hidden,
                        crate::report_doc::vn_int(i64::try_from(i.numerator).unwrap_or(i64::MAX)),
                    ),
                    crate::report_doc::hidden_or(
                        i.hidden,
                        crate::report_doc::vn_int(i64::try_from(i.denominator).unwrap_or(i64::MAX)),
                    ),
                    crate::report_doc::hidden_or(
                        i.hidden,
                        crate::report_doc::value_cell(i.value, p).text(),
                    ),
                    crate::report_doc::value_cell(i.target, p).text(),
                    i.unit_vi().to_string(),
                    i.standing.clone(),
                ],
                false,
            )
        })
        .collect();
    let layout = content_grid(&heads, &rows);
    (data_table(&heads, &kinds, &layout, &rows), layout.landscape)
}

fn doc_table(t: &DocTable) -> (Table, bool) {
    let shown: Vec<usize> = (0..t.columns.len())
        .filter(|i| t.columns[*i].in_docx)
        .collect();
    let heads: Vec<String> = shown.iter().map(|i| t.columns[*i].header.clone()).collect();
    let kinds: Vec<DocKind> = shown.iter().map(|i| t.columns[*i].kind).collect();
    let fit = |cells: &[DocCell]| -> Vec<String> {
        shown
            .iter()
            .map(|i| cells.get(*i).map(DocCell::text).unwrap_or_default())
            .collect()
    };
    let mut rows: Vec<(Vec<String>, bool)> = t.rows.iter().map(|r| (fit(r), false)).collect();
    if let Some(tot) = &t.totals {
        rows.push((fit(tot), true));
    }
    let layout = content_grid(&heads, &rows);
    (data_table(&heads, &kinds, &layout, &rows), layout.landscape)
}

fn caption(text: &str) -> Paragraph {
    Paragraph::new()
        .align(AlignmentType::Left)
        .line_spacing(LineSpacing::new().before(120).after(60))
        .keep_next(true)
        .add_run(run(text, BODY).italic())
}

/// The signature block (right) and the recipients (left), borderless.
fn signature_table(doc: &ReportDoc) -> Table {
    let h = &doc.header;
    let left_w = 4_300;
    let right_w = TEXT_WIDTH - left_w;
    let mut left = TableCell::new()
        .width(left_w, WidthType::Dxa)
        .add_paragraph(Paragraph::new().add_run(run("Nơi nhận:", 24).bold().italic()));
    for r in &h.recipients {
        left = left.add_paragraph(
            Paragraph::new()
                .line_spacing(LineSpacing::new().before(0).after(0))
                .add_run(run(&format!("- {r}"), 22)),
        );
    }
    let mut right = TableCell::new().width(right_w, WidthType::Dxa);
    for line in h.signer_title.lines() {
        right = right.add_paragraph(centred(run(&line.to_uppercase(), BODY).bold()));
    }
    for _ in 0..4 {
        right = right.add_paragraph(centred(run("", BODY)));
    }
    right = right.add_paragraph(centred(run(&h.signer_name, BODY).bold()));
    // One row that never splits: the signer's title, the space to sign and
    // the name stay on one page.
    Table::without_borders(vec![TableRow::new(vec![left, right]).cant_split()])
        .set_grid(vec![left_w, right_w])
        .width(TEXT_WIDTH, WidthType::Dxa)
}

/// What the body is made of, in order; a landscape table takes its caption
/// (and a heading just before it) onto its landscape page.
enum Block {
    Para(Box<Paragraph>),
    Table(Box<Table>),
}

/// The body as runs of blocks, each run on portrait or landscape pages.
#[derive(Default)]
struct Body {
    runs: Vec<(bool, Vec<Block>)>,
    /// Paragraphs kept with what follows (headings, captions) not yet placed.
    pending: Vec<Paragraph>,
}

impl Body {
    fn run_for(&mut self, landscape: bool) -> &mut Vec<Block> {
        if self.runs.last().is_none_or(|(l, _)| *l != landscape) {
            self.runs.push((landscape, Vec::new()));
        }
        &mut self.runs.last_mut().expect("a run").1
    }

    /// A heading or caption: it goes where the next block goes.
    fn keep_with_next(&mut self, p: Paragraph) {
        self.pending.push(p);
    }

    /// Text: always on portrait pages (after a landscape table, it returns).
    fn para(&mut self, p: Paragraph) {
        let pending = std::mem::take(&mut self.pending);
        let run = self.run_for(false);
        run.extend(pending.into_iter().map(|p| Block::Para(Box::new(p))));
        run.push(Block::Para(Box::new(p)));
    }

    fn table(&mut self, t: Table, landscape: bool) {
        let pending = std::mem::take(&mut self.pending);
        let run = self.run_for(landscape);
        run.extend(pending.into_iter().map(|p| Block::Para(Box::new(p))));
        run.push(Block::Table(Box::new(t)));
    }
}

/// The section properties of a page run: A4 either way, the same margins,
/// the page number centred at the top (`first` also has an empty first-page
/// header: no number on the first page).
fn section(landscape: bool, header: &Header, first: Option<&Header>) -> SectionProperty {
    let (w, h, orient) = if landscape {
        (PAGE_HEIGHT, PAGE_WIDTH, PageOrientationType::Landscape)
    } else {
        (PAGE_WIDTH, PAGE_HEIGHT, PageOrientationType::Portrait)
    };
    let mut sp = SectionProperty::new()
        .page_size(PageSize::new().size(w, h).orient(orient))
        .page_margin(margins())
        .header(header.clone(), "rIdHeader1");
    if let Some(f) = first {
        sp = sp.first_header(f.clone(), "rIdHeader2");
    }
    sp
}

fn margins() -> PageMargin {
    PageMargin {
        top: MARGIN_TOP,
        left: MARGIN_LEFT,
        bottom: MARGIN_BOTTOM,
        right: MARGIN_RIGHT,
        header: 567,
        footer: 567,
        gutter: 0,
    }
}

/// A paragraph too small to see, where Word needs one (to close a section,
/// or after the last table) without pushing anything onto a new page.
fn tiny(keep_next: bool) -> Paragraph {
    Paragraph::new()
        .line_spacing(LineSpacing::new().before(0).after(0).line(20))
        .keep_next(keep_next)
        .add_run(run("", 2))
}

/// Writes the report as a .docx.
pub fn report_docx(doc: &ReportDoc) -> Result<Vec<u8>, OfficeError> {
    let page_number = Header::new().add_paragraph(
        Paragraph::new()
            .align(AlignmentType::Center)
            .add_page_num(PageNum::new()),
    );
    let mut b = Body::default();
    b.para(centred(run("", BODY)));
    b.para(centred(run("BÁO CÁO", BODY).bold()));
    b.para(centred(run(&doc.header.summary, BODY).bold()));
    b.para(centred(run("", BODY)));
    b.keep_with_next(heading("I. KẾT QUẢ THỰC HIỆN"));
    b.keep_with_next(heading("1. Các chỉ số của kế hoạch"));
    let mut number = 1;
    let spans: Vec<&DocTable> = doc
        .tables
        .iter()
        .filter(|t| t.part == DocPart::Indicators)
        .collect();
    if spans.is_empty() {
        b.keep_with_next(caption(&format!(
            "Bảng 1. Kết quả các chỉ số {} của {}",
            doc.period_words(),
            doc.unit_name
        )));
        let (t, landscape) = indicator_table(doc);
        b.table(t, landscape);
        number += 1;
    }
    for t in spans {
        b.keep_with_next(caption(&format!("Bảng {number}. {}", t.heading)));
        let (table, landscape) = doc_table(t);
        b.table(table, landscape);
        number += 1;
    }
    for p in narrative(&doc.results) {
        b.para(p);
    }
    let parts = [
        (DocPart::Activities, "2. Hoạt động"),
        (DocPart::Funding, "3. Kinh phí"),
        (DocPart::Models, "4. Các mô hình tham gia của trẻ em"),
        (
            DocPart::Recommendations,
            "5. Kiến nghị của trẻ em và việc trả lời",
        ),
        (DocPart::Districts, "6. Báo cáo của các đơn vị trực thuộc"),
        (DocPart::Inspections, "7. Kết quả kiểm tra, giám sát"),
    ];
    for (part, title) in parts {
        let tables: Vec<&DocTable> = doc.tables.iter().filter(|t| t.part == part).collect();
        if tables.is_empty() {
            continue;
        }
        b.keep_with_next(heading(title));
        for t in tables {
            b.keep_with_next(caption(&format!("Bảng {number}. {}", t.heading)));
            let (table, landscape) = doc_table(t);
            b.table(table, landscape);
            number += 1;
        }
    }
    b.keep_with_next(heading("II. KHÓ KHĂN, VƯỚNG MẮC"));
    for p in narrative(&doc.difficulties) {
        b.para(p);
    }
    b.keep_with_next(heading("III. ĐỀ XUẤT, KIẾN NGHỊ"));
    let mut last = narrative(&doc.proposals);
    // The last line of text goes onto the signature's page.
    if let Some(p) = last.pop() {
        last.push(p.keep_next(true));
    }
    for p in last {
        b.para(p);
    }
    b.keep_with_next(centred(run("", BODY)).keep_next(true));
    b.table(signature_table(doc), false);
    b.para(tiny(false));

    let mut d = Docx::new()
        .page_size(PAGE_WIDTH, PAGE_HEIGHT)
        .page_margin(margins())
        .default_fonts(fonts())
        .default_size(BODY)
        .header(page_number.clone())
        .first_header(Header::new())
        .add_table(header_table(doc));
    let several = b.runs.len() > 1;
    let count = b.runs.len();
    for (i, (landscape, blocks)) in b.runs.into_iter().enumerate() {
        for block in blocks {
            d = match block {
                Block::Para(p) => d.add_paragraph(*p),
                Block::Table(t) => d.add_table(*t),
            };
        }
        if i + 1 < count {
            // This run ends here: its page size and headers (the first run
            // keeps the first page without a number).
            let first = (i == 0).then(Header::new);
            d = d.add_paragraph(tiny(false).section_property(section(
                landscape,
                &page_number,
                first.as_ref(),
            )));
        }
    }
    if several {
        // The last run starts on a new page, which shows its number.
        d.document.section_property.title_pg = false;
    }

    let mut out = std::io::Cursor::new(Vec::new());
    d.build()
        .pack(&mut out)
        .map_err(|e| OfficeError::Write(e.to_string()))?;
    Ok(out.into_inner())
}

/// An official letter (công văn) under Decree 30/2020 (appendix I, form
/// 1.4): the header of the report, the summary ("V/v …") under the number
/// in the left column, "Kính gửi:" and the addressees, the body paragraphs,
/// then the signature block and the recipients.
#[derive(Debug, Clone, PartialEq)]
pub struct LetterDoc {
    /// The header; `summary` is the line under the number, "V/v …".
    pub header: crate::report_doc::DocHeader,
    /// Those the letter is addressed to, one a line.
    pub addressees: Vec<String>,
    /// The body, one paragraph an item.
    pub paragraphs: Vec<String>,
}

/// Writes an official letter as a .docx, on the report's page, header and
/// signature layout.
pub fn letter_docx(l: &LetterDoc) -> Result<Vec<u8>, OfficeError> {
    // The report's header and signature blocks read only the header.
    let frame = ReportDoc::with_header(l.header.clone());
    let left_column = 3_400;
    let summary = Paragraph::new()
        .align(AlignmentType::Center)
        .indent(
            None,
            None,
            Some(i32::try_from(TEXT_WIDTH - left_column).unwrap_or(0)),
            None,
        )
        .line_spacing(LineSpacing::new().before(0).after(120))
        .add_run(run(&l.header.summary, 24));
    let mut d = Docx::new()
        .page_size(PAGE_WIDTH, PAGE_HEIGHT)
        .page_margin(margins())
        .default_fonts(fonts())
        .default_size(BODY)
        .add_table(header_table(&frame))
        .add_paragraph(summary)
        .add_paragraph(centred(run("", BODY)));
    for (i, a) in l.addressees.iter().enumerate() {
        let lead = if i == 0 { "Kính gửi: " } else { "" };
        d = d.add_paragraph(
            Paragraph::new()
                .align(if l.addressees.len() == 1 {
                    AlignmentType::Center
                } else {
                    AlignmentType::Left
                })
                .indent(Some(if i == 0 { 1_134 } else { 2_400 }), None, None, None)
                .line_spacing(LineSpacing::new().before(0).after(60))
                .add_run(run(&format!("{lead}{a}"), BODY)),
        );
    }
    d = d.add_paragraph(centred(run("", BODY)));
    for p in &l.paragraphs {
        d = d.add_paragraph(body_paragraph(p));
    }
    d = d
        .add_paragraph(centred(run("", BODY)).keep_next(true))
        .add_table(signature_table(&frame))
        .add_paragraph(tiny(false));
    let mut out = std::io::Cursor::new(Vec::new());
    d.build()
        .pack(&mut out)
        .map_err(|e| OfficeError::Write(e.to_string()))?;
    Ok(out.into_inner())
}

/// Minutes (biên bản) of an inspection or a supervision under Decree 30: the
/// issuer's header, the title ("BIÊN BẢN KIỂM TRA"), what it is about, the
/// sections (a heading and its paragraphs), and two signatures side by
/// side — the inspecting team's and the inspected party's.
#[derive(Debug, Clone, PartialEq)]
pub struct MinutesDoc {
    /// The header; `summary` is the line under the title ("Về việc …").
    pub header: crate::report_doc::DocHeader,
    /// "BIÊN BẢN KIỂM TRA" or "BIÊN BẢN GIÁM SÁT".
    pub title: String,
    /// Each section: a heading and its paragraphs.
    pub sections: Vec<(String, Vec<String>)>,
    /// The two who sign: ("ĐẠI DIỆN ĐOÀN KIỂM TRA", "ĐẠI DIỆN ĐƠN VỊ ĐƯỢC KIỂM TRA").
    pub signers: (String, String),
}

/// Writes minutes as a .docx, on the report's page and header layout.
pub fn minutes_docx(m: &MinutesDoc) -> Result<Vec<u8>, OfficeError> {
    let frame = ReportDoc::with_header(m.header.clone());
    let mut d = Docx::new()
        .page_size(PAGE_WIDTH, PAGE_HEIGHT)
        .page_margin(margins())
        .default_fonts(fonts())
        .default_size(BODY)
        .add_table(header_table(&frame))
        .add_paragraph(centred(run("", BODY)))
        .add_paragraph(centred(run(&m.title, BODY).bold()))
        .add_paragraph(centred(run(&m.header.summary, BODY).bold()))
        .add_paragraph(centred(run("", BODY)));
    for (h, paragraphs) in &m.sections {
        d = d.add_paragraph(heading(h));
        for p in paragraphs {
            for para in narrative(p) {
                d = d.add_paragraph(para);
            }
        }
    }
    let half = TEXT_WIDTH / 2;
    let signer = |title: &str| {
        let mut cell = TableCell::new()
            .width(half, WidthType::Dxa)
            .add_paragraph(centred(run(title, BODY).bold()));
        for _ in 0..4 {
            cell = cell.add_paragraph(centred(run("", BODY)));
        }
        cell
    };
    let signatures = Table::without_borders(vec![
        TableRow::new(vec![signer(&m.signers.0), signer(&m.signers.1)]).cant_split(),
    ])
    .set_grid(vec![half, TEXT_WIDTH - half])
    .width(TEXT_WIDTH, WidthType::Dxa);
    d = d
        .add_paragraph(centred(run("", BODY)).keep_next(true))
        .add_table(signatures)
        .add_paragraph(tiny(false));
    let mut out = std::io::Cursor::new(Vec::new());
    d.build()
        .pack(&mut out)
        .map_err(|e| OfficeError::Write(e.to_string()))?;
    Ok(out.into_inner())
}
