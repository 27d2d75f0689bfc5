//! How every sheet Thamgia writes prints: column widths from what the
//! columns hold (a number, a date or a money amount always shows whole, never
//! `###`), wrapped text with row heights to match, the header row repeated on
//! every printed page, A4 fitted to the page's width, and landscape when the
//! columns are wider than a portrait page.

use crate::OfficeError;
use rust_xlsxwriter::Worksheet;

/// What a cell shows, for sizing: its text as displayed and whether it may
/// wrap (text) or must stay on one line (numbers, dates, codes).
#[derive(Debug, Clone)]
pub struct Shown {
    pub text: String,
    pub wraps: bool,
}

impl Shown {
    pub fn text(s: &str) -> Shown {
        Shown {
            text: s.to_string(),
            wraps: true,
        }
    }

    pub fn whole(s: impl Into<String>) -> Shown {
        Shown {
            text: s.into(),
            wraps: false,
        }
    }
}

/// Text wider than this (in Excel's character widths) wraps.
const MAX_TEXT: f64 = 50.0;
/// Columns wider than this in all print on a landscape page.
const PORTRAIT_CHARS: f64 = 95.0;
/// The default row height (Calibri 11) in points.
const LINE: f64 = 15.0;

/// About how many of Excel's width units `s` takes (capitals and wide
/// letters count more than the digit the unit is measured by).
pub fn chars(s: &str) -> f64 {
    s.chars()
        .map(|c| match c {
            'm' | 'w' | 'M' | 'W' | '%' => 1.5,
            c if c.is_uppercase() => 1.3,
            '.' | ',' | 'i' | 'l' | 'j' | 't' | 'f' | 'r' | ' ' | '(' | ')' | '/' | '-' => 0.6,
            _ => 1.0,
        })
        .sum()
}

/// Sets widths, row heights and the print setup of a sheet whose header is
/// row 0 and whose rows (data, then totals) follow. `designed` are the widths
/// the sheet was designed with: text is never wider than that unless its
/// longest word needs it, and a column is never narrower than its longest
/// number, date or header word.
/// A template to fill in (`keep_designed`) keeps at least its designed widths.
pub fn lay_out(
    ws: &mut Worksheet,
    heads: &[String],
    designed: &[f64],
    rows: &[Vec<Shown>],
    keep_designed: bool,
) -> Result<Vec<f64>, OfficeError> {
    let mut widths = Vec::with_capacity(heads.len());
    for (i, head) in heads.iter().enumerate() {
        // Bold header words: a tenth wider.
        let head_word = head
            .split_whitespace()
            .map(|w| chars(w) * 1.1)
            .fold(0.0, f64::max);
        let (mut whole, mut text) = (0.0f64, 0.0f64);
        for r in rows {
            if let Some(c) = r.get(i) {
                if c.wraps {
                    text = text.max(chars(&c.text));
                    whole = whole.max(c.text.split_whitespace().map(chars).fold(0.0, f64::max));
                } else {
                    whole = whole.max(chars(&c.text));
                }
            }
        }
        let cap = designed.get(i).copied().unwrap_or(MAX_TEXT).min(MAX_TEXT);
        let mut w = (head_word.max(whole) + 2.0)
            .max(text.min(cap) + 1.0)
            .max(6.0);
        if keep_designed {
            w = w.max(designed.get(i).copied().unwrap_or(0.0));
        }
        widths.push((w * 10.0).ceil() / 10.0);
    }
    for (col, w) in (0u16..).zip(&widths) {
        ws.set_column_width(col, *w).map_err(xerr)?;
    }
    // Row heights for the lines wrapped text takes.
    let lines = |cells: &mut dyn Iterator<Item = (f64, &str)>| -> usize {
        cells
            .map(|(w, t)| {
                t.lines()
                    .map(|l| (chars(l) / (w - 1.0).max(1.0)).ceil().max(1.0) as usize)
                    .sum::<usize>()
                    .max(1)
            })
            .max()
            .unwrap_or(1)
    };
    let head_lines = lines(&mut widths.iter().copied().zip(heads.iter().map(String::as_str)));
    if head_lines > 1 {
        ws.set_row_height(0, LINE * head_lines as f64)
            .map_err(xerr)?;
    }
    for (r, cells) in (1u32..).zip(rows) {
        let n = lines(
            &mut widths
                .iter()
                .copied()
                .zip(cells)
                .filter(|(_, c)| c.wraps)
                .map(|(w, c)| (w, c.text.as_str())),
        );
        if n > 1 {
            ws.set_row_height(r, LINE * n as f64).map_err(xerr)?;
        }
    }
    print_setup(ws, widths.iter().sum::<f64>())?;
    Ok(widths)
}

/// A4, one page wide (as many tall as it takes), the header row on every
/// page, landscape when the sheet is wider than a portrait page.
pub fn print_setup(ws: &mut Worksheet, total_width: f64) -> Result<(), OfficeError> {
    ws.set_paper_size(9);
    ws.set_print_fit_to_pages(1, 0);
    ws.set_repeat_rows(0, 0).map_err(xerr)?;
    if total_width > PORTRAIT_CHARS {
        ws.set_landscape();
    }
    Ok(())
}

fn xerr(e: rust_xlsxwriter::XlsxError) -> OfficeError {
    OfficeError::Write(e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_xlsxwriter::Workbook;

    #[test]
    fn numbers_get_their_width_and_text_wraps_at_the_design() {
        let mut book = Workbook::new();
        let ws = book.add_worksheet();
        let heads = vec![
            "Mã".to_string(),
            "Tên".to_string(),
            "Đã chi (đồng)".to_string(),
        ];
        let rows = vec![vec![
            Shown::whole("A3"),
            Shown::text(&"Kinh phí đã chi thực hiện kế hoạch ".repeat(4)),
            Shown::whole("1.234.567.890"),
        ]];
        let w = lay_out(ws, &heads, &[4.0, 30.0, 8.0], &rows, false).expect("layout");
        assert!(w[2] >= chars("1.234.567.890") + 2.0, "money whole: {w:?}");
        assert!(w[1] <= 31.0, "text wraps at its design: {w:?}");
        assert!(w[0] >= chars("Mã") * 1.1, "{w:?}");
    }
}
