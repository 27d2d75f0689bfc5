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
    AlignmentType, Docx, Header, LineSpacing, PageMargin, PageNum, Paragraph, RunFonts,
    SpecialIndentType, Table, TableCell, TableRow, VAlignType, WidthType,
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

fn table_cell(text: &str, width: usize, bold: bool, align: AlignmentType) -> TableCell {
    let mut r = run(text, TABLE);
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

/// Splits the text width among columns in proportion to their widths.
fn grid(widths: &[f64]) -> Vec<usize> {
    let sum: f64 = widths.iter().sum::<f64>().max(1.0);
    let mut g: Vec<usize> = widths
        .iter()
        .map(|w| ((w / sum) * TEXT_WIDTH as f64).floor() as usize)
        .collect();
    let used: usize = g.iter().sum();
    if let Some(last) = g.last_mut() {
        *last += TEXT_WIDTH.saturating_sub(used);
    }
    g
}

fn data_table(
    heads: &[String],
    kinds: &[DocKind],
    g: &[usize],
    rows: &[(Vec<String>, bool)],
) -> Table {
    let head_row = TableRow::new(
        heads
            .iter()
            .zip(g)
            .map(|(h, w)| table_cell(h, *w, true, AlignmentType::Center))
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
                        table_cell(t, *w, *bold, align)
                    })
                    .collect(),
            )
            .cant_split(),
        );
    }
    Table::new(all)
        .set_grid(g.to_vec())
        .width(TEXT_WIDTH, WidthType::Dxa)
}

/// The indicator table: the same columns as the .xlsx sheet "Chỉ tiêu".
fn indicator_table(doc: &ReportDoc) -> Table {
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
    // Wide enough for money (262.400.000) on one line at 11 pt.
    let g = grid(&[6.0, 22.0, 13.0, 13.0, 13.0, 12.0, 11.0, 10.0]);
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
    data_table(&heads, &kinds, &g, &rows)
}

fn doc_table(t: &DocTable) -> Table {
    let heads: Vec<String> = t.columns.iter().map(|c| c.header.clone()).collect();
    let kinds: Vec<DocKind> = t.columns.iter().map(|c| c.kind).collect();
    let widths: Vec<f64> = t.columns.iter().map(|c| c.width).collect();
    let g = grid(&widths);
    let n = t.columns.len();
    let fit = |cells: &[DocCell]| -> Vec<String> {
        (0..n)
            .map(|i| cells.get(i).map(DocCell::text).unwrap_or_default())
            .collect()
    };
    let mut rows: Vec<(Vec<String>, bool)> = t.rows.iter().map(|r| (fit(r), false)).collect();
    if let Some(tot) = &t.totals {
        rows.push((fit(tot), true));
    }
    data_table(&heads, &kinds, &g, &rows)
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
    Table::without_borders(vec![TableRow::new(vec![left, right])])
        .set_grid(vec![left_w, right_w])
        .width(TEXT_WIDTH, WidthType::Dxa)
}

/// Writes the report as a .docx.
pub fn report_docx(doc: &ReportDoc) -> Result<Vec<u8>, OfficeError> {
    let page_number = Header::new().add_paragraph(
        Paragraph::new()
            .align(AlignmentType::Center)
            .add_page_num(PageNum::new()),
    );
    let mut d = Docx::new()
        .page_size(PAGE_WIDTH, PAGE_HEIGHT)
        .page_margin(PageMargin {
            top: MARGIN_TOP,
            left: MARGIN_LEFT,
            bottom: MARGIN_BOTTOM,
            right: MARGIN_RIGHT,
            header: 567,
            footer: 567,
            gutter: 0,
        })
        .default_fonts(fonts())
        .default_size(BODY)
        .header(page_number)
        .first_header(Header::new())
        .add_table(header_table(doc))
        .add_paragraph(centred(run("", BODY)))
        .add_paragraph(centred(run("BÁO CÁO", BODY).bold()))
        .add_paragraph(centred(run(&doc.header.summary, BODY).bold()))
        .add_paragraph(centred(run("", BODY)));

    d = d
        .add_paragraph(heading("I. KẾT QUẢ THỰC HIỆN"))
        .add_paragraph(heading("1. Các chỉ số của kế hoạch"))
        .add_paragraph(caption(&format!(
            "Bảng 1. Kết quả các chỉ số năm {} của {}",
            doc.year, doc.unit_name
        )))
        .add_table(indicator_table(doc));
    for p in narrative(&doc.results) {
        d = d.add_paragraph(p);
    }
    let parts = [
        (DocPart::Activities, "2. Hoạt động"),
        (DocPart::Funding, "3. Kinh phí"),
        (DocPart::Models, "4. Các mô hình tham gia của trẻ em"),
        (
            DocPart::Recommendations,
            "5. Kiến nghị của trẻ em và việc trả lời",
        ),
        (DocPart::Districts, "6. Báo cáo của các huyện"),
    ];
    let mut number = 2;
    for (part, title) in parts {
        let tables: Vec<&DocTable> = doc.tables.iter().filter(|t| t.part == part).collect();
        if tables.is_empty() {
            continue;
        }
        d = d.add_paragraph(heading(title));
        for t in tables {
            d = d
                .add_paragraph(caption(&format!("Bảng {number}. {}", t.heading)))
                .add_table(doc_table(t));
            number += 1;
        }
    }
    d = d.add_paragraph(heading("II. KHÓ KHĂN, VƯỚNG MẮC"));
    for p in narrative(&doc.difficulties) {
        d = d.add_paragraph(p);
    }
    d = d.add_paragraph(heading("III. ĐỀ XUẤT, KIẾN NGHỊ"));
    for p in narrative(&doc.proposals) {
        d = d.add_paragraph(p);
    }
    d = d
        .add_paragraph(centred(run("", BODY)))
        .add_table(signature_table(doc));

    let mut out = std::io::Cursor::new(Vec::new());
    d.build()
        .pack(&mut out)
        .map_err(|e| OfficeError::Write(e.to_string()))?;
    Ok(out.into_inner())
}
