//! Charts as SVG written on the server: no JavaScript, no request to another
//! host, readable without colour (every bar has its label and its value in
//! words) and announced to screen readers by its `<title>`. The width follows
//! the page through `viewBox`.
//!
//! A chart is the only markup a template prints unescaped (`|safe`), so it is
//! built here from numbers and from labels escaped by [`esc`]. Suppressed
//! counts (1–4 children) arrive as `None` and are drawn as "<5" with no bar:
//! a bar's length would give the number away.

use std::fmt::Write;

/// One bar: a label, the count (`None`: suppressed) and the text shown beside it.
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    pub label: String,
    pub count: Option<u64>,
    /// e.g. "12 (41,7%)"; "<5" for a suppressed count.
    pub value_text: String,
}

/// Escapes text for SVG (and HTML): `< > & " '`.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Shortens a label for the chart (the table under it has the full text).
fn short(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(max - 1).collect();
        t.push('…');
        t
    }
}

// Drawn for a phone: 360 units wide, so 14-unit text stays readable on a
// 360 px screen; on a wide screen the stylesheet caps the chart's width.
const WIDTH: u32 = 360;
const LEFT: u32 = 2;
const BAR_MAX: f64 = 240.0;
const ROW: u32 = 46;

/// A horizontal bar chart. `id` must be unique on the page (it names the title).
pub fn bars(id: &str, title: &str, bars: &[Bar]) -> String {
    let height = ROW * bars.len().max(1) as u32 + 8;
    let max = bars
        .iter()
        .filter_map(|b| b.count)
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let id = esc(id);
    let mut s = String::new();
    let _ = write!(
        s,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" role=\"img\" aria-labelledby=\"{id}-t\" \
         viewBox=\"0 0 {WIDTH} {height}\" width=\"100%\" preserveAspectRatio=\"xMinYMin meet\" \
         font-family=\"system-ui, sans-serif\" font-size=\"14\"><title id=\"{id}-t\">{}</title>",
        esc(title)
    );
    for (i, b) in bars.iter().enumerate() {
        let top = ROW * i as u32 + 4;
        let _ = write!(
            s,
            "<text x=\"{LEFT}\" y=\"{}\" fill=\"#1a1a1a\">{}</text>",
            top + 14,
            esc(&short(&b.label, 44))
        );
        let value_x = match b.count {
            Some(n) => {
                let len = if n == 0 {
                    0.0
                } else {
                    (n as f64 / max * BAR_MAX).max(3.0)
                };
                if len > 0.0 {
                    let _ = write!(
                        s,
                        "<rect x=\"{LEFT}\" y=\"{}\" width=\"{len:.1}\" height=\"18\" rx=\"3\" fill=\"#0b4f9c\"></rect>",
                        top + 20
                    );
                }
                f64::from(LEFT) + len + 6.0
            }
            None => f64::from(LEFT),
        };
        let _ = write!(
            s,
            "<text x=\"{value_x:.1}\" y=\"{}\" fill=\"#1a1a1a\" font-weight=\"600\">{}</text>",
            top + 34,
            esc(&b.value_text)
        );
    }
    s.push_str("</svg>");
    s
}

/// One year of a trend: its label, value (`None`: nothing to draw), the value
/// in words and the target, if any.
#[derive(Debug, Clone, PartialEq)]
pub struct Point {
    pub label: String,
    pub value: Option<f64>,
    pub value_text: String,
    pub target: Option<f64>,
}

const TREND_HEIGHT: u32 = 190;
const TREND_TOP: f64 = 24.0;
const TREND_BASE: f64 = 160.0;

/// A column per year with its value written above it and the year below; a
/// target is a dashed mark across its column. `desc` says the same in words
/// (the page also prints a table). `id` must be unique on the page.
pub fn trend(id: &str, title: &str, desc: &str, points: &[Point]) -> String {
    let max = points
        .iter()
        .flat_map(|p| [p.value, p.target])
        .flatten()
        .filter(|v| v.is_finite())
        .fold(0.0_f64, f64::max)
        .max(1.0);
    let n = points.len().max(1) as f64;
    let slot = (f64::from(WIDTH) - 8.0) / n;
    let bar = (slot * 0.6).min(48.0);
    let id = esc(id);
    let mut s = String::new();
    let _ = write!(
        s,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart trend\" role=\"img\" \
         aria-labelledby=\"{id}-t {id}-d\" viewBox=\"0 0 {WIDTH} {TREND_HEIGHT}\" width=\"100%\" \
         preserveAspectRatio=\"xMinYMin meet\" font-family=\"system-ui, sans-serif\" font-size=\"13\">\
         <title id=\"{id}-t\">{}</title><desc id=\"{id}-d\">{}</desc>\
         <line x1=\"4\" y1=\"{TREND_BASE}\" x2=\"{}\" y2=\"{TREND_BASE}\" stroke=\"#1a1a1a\" stroke-width=\"1\"></line>",
        esc(title),
        esc(desc),
        WIDTH - 4
    );
    let height = |v: f64| (v.max(0.0) / max) * (TREND_BASE - TREND_TOP);
    for (i, p) in points.iter().enumerate() {
        let centre = 4.0 + slot * (i as f64 + 0.5);
        let x = centre - bar / 2.0;
        let top = match p.value.filter(|v| v.is_finite()) {
            Some(v) => {
                let h = height(v);
                if h > 0.0 {
                    let _ = write!(
                        s,
                        "<rect x=\"{x:.1}\" y=\"{:.1}\" width=\"{bar:.1}\" height=\"{h:.1}\" rx=\"2\" fill=\"#0b4f9c\"></rect>",
                        TREND_BASE - h
                    );
                }
                TREND_BASE - h
            }
            None => TREND_BASE,
        };
        if let Some(t) = p.target.filter(|t| t.is_finite() && *t > 0.0) {
            let y = TREND_BASE - height(t);
            let _ = write!(
                s,
                "<line x1=\"{:.1}\" y1=\"{y:.1}\" x2=\"{:.1}\" y2=\"{y:.1}\" stroke=\"#b3261e\" stroke-width=\"2\" stroke-dasharray=\"4 3\"></line>",
                x - 4.0,
                x + bar + 4.0
            );
        }
        let _ = write!(
            s,
            "<text x=\"{centre:.1}\" y=\"{:.1}\" text-anchor=\"middle\" fill=\"#1a1a1a\" font-weight=\"600\">{}</text>\
             <text x=\"{centre:.1}\" y=\"{:.1}\" text-anchor=\"middle\" fill=\"#1a1a1a\">{}</text>",
            (top - 6.0).max(12.0),
            esc(&short(&p.value_text, 10)),
            TREND_BASE + 20.0,
            esc(&short(&p.label, 8))
        );
    }
    s.push_str("</svg>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use thamgia_domain::suppression::HIDDEN_LABEL;

    #[test]
    fn labels_are_escaped_and_small_counts_have_no_bar() {
        let svg = bars(
            "q1",
            "Em thích <b>gì</b>?",
            &[
                Bar {
                    label: "Sân chơi & \"thư viện\" 'mới'".into(),
                    count: Some(12),
                    value_text: "12 (60%)".into(),
                },
                Bar {
                    label: "Khác".into(),
                    count: None,
                    value_text: HIDDEN_LABEL.into(),
                },
                Bar {
                    label: "Không".into(),
                    count: Some(0),
                    value_text: "0 (0%)".into(),
                },
            ],
        );
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(
            svg.contains("role=\"img\"")
                && svg.contains("<title id=\"q1-t\">Em thích &lt;b&gt;gì&lt;/b&gt;?</title>")
        );
        assert!(svg.contains("Sân chơi &amp; &quot;thư viện&quot; &#39;mới&#39;"));
        assert!(!svg.contains("<b>"));
        assert_eq!(svg.matches("<rect").count(), 1, "only the 12 gets a bar");
        assert!(svg.contains("&lt;5"));
        assert!(svg.contains("viewBox=\"0 0 360 146\""));
    }

    #[test]
    fn long_labels_are_shortened() {
        let l = "a".repeat(100);
        let svg = bars(
            "x",
            "t",
            &[Bar {
                label: l,
                count: Some(5),
                value_text: "5".into(),
            }],
        );
        assert!(svg.contains(&format!("{}…", "a".repeat(43))));
    }
    #[test]
    fn trends_have_a_column_per_value_and_words() {
        let p = |label: &str, value: Option<f64>, target: Option<f64>| Point {
            label: label.into(),
            value,
            value_text: value.map_or("—".into(), |v| format!("{v}")),
            target,
        };
        let svg = trend(
            "t1",
            "T1 <2016–2020>",
            "2016: 50; 2017: —",
            &[
                p("2016", Some(50.0), Some(100.0)),
                p("2017", None, Some(100.0)),
                p("2018", Some(0.0), None),
            ],
        );
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains("<title id=\"t1-t\">T1 &lt;2016–2020&gt;</title>"));
        assert!(svg.contains("<desc id=\"t1-d\">2016: 50; 2017: —</desc>"));
        assert_eq!(svg.matches("<rect").count(), 1, "only 50 gets a column");
        assert_eq!(svg.matches("stroke-dasharray").count(), 2, "two targets");
        assert!(svg.contains(">2018<") && svg.contains(">—<"));
    }
}
