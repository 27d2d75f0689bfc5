//! Pages of a list, for the HTML lists and the API alike: which slice of the
//! rows a page holds, and the address of another page of the same list with
//! every other query parameter (the filters) kept.

use axum::http::Uri;

/// `uri`'s path and query with `page` (and `per_page`, when given) set;
/// every other parameter is kept in its order.
pub fn with_page(uri: &Uri, page: usize, per_page: Option<usize>) -> String {
    let mut pairs: Vec<(String, String)> = uri
        .query()
        .and_then(|q| serde_urlencoded::from_str::<Vec<(String, String)>>(q).ok())
        .unwrap_or_default()
        .into_iter()
        .filter(|(k, _)| k != "page" && k != "per_page")
        .collect();
    pairs.push(("page".into(), page.to_string()));
    if let Some(n) = per_page {
        pairs.push(("per_page".into(), n.to_string()));
    }
    let query = serde_urlencoded::to_string(&pairs).unwrap_or_default();
    format!("{}?{query}", uri.path())
}

/// The page asked for in an HTML list's address (`?page=`), as text: a bad
/// value shows the nearest page rather than an error.
#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(default)]
pub struct PageQuery {
    pub page: Option<String>,
}

/// Rows shown on one page of an HTML list.
pub const PAGE_ROWS: usize = 50;

/// Where a page of an HTML list stands, for the pager under it
/// (`templates/pager.html`).
#[derive(Debug, Clone, Default)]
pub struct Pager {
    /// The page shown, from 1.
    pub page: usize,
    /// The last page (1 for an empty list).
    pub last: usize,
    /// Rows in the whole list (every page).
    pub total: usize,
    /// The first row shown, from 1 (0 for an empty list).
    pub from: usize,
    /// The last row shown.
    pub to: usize,
    pub prev_href: Option<String>,
    pub next_href: Option<String>,
}

impl Pager {
    /// Cuts the page `page` (text from the address; missing, not a number
    /// or out of range: the nearest page) out of `rows`.
    pub fn cut<T>(rows: Vec<T>, page: Option<&str>, uri: &Uri) -> (Vec<T>, Pager) {
        let total = rows.len();
        let last = total.div_ceil(PAGE_ROWS).max(1);
        let page = page
            .and_then(|p| p.trim().parse::<usize>().ok())
            .unwrap_or(1)
            .clamp(1, last);
        let start = (page - 1) * PAGE_ROWS;
        let shown: Vec<T> = rows.into_iter().skip(start).take(PAGE_ROWS).collect();
        let pager = Pager {
            page,
            last,
            total,
            from: if shown.is_empty() { 0 } else { start + 1 },
            to: start + shown.len(),
            prev_href: (page > 1).then(|| with_page(uri, page - 1, None)),
            next_href: (page < last).then(|| with_page(uri, page + 1, None)),
        };
        (shown, pager)
    }

    /// "Rows 51–100 of 120 (page 2 of 3)", in the page's language.
    pub fn where_text(&self, lang: crate::i18n::Lang) -> String {
        lang.t_args(
            "pager-where",
            &[
                ("from", lang.int(i64::try_from(self.from).unwrap_or(0))),
                ("to", lang.int(i64::try_from(self.to).unwrap_or(0))),
                ("total", lang.int(i64::try_from(self.total).unwrap_or(0))),
                ("page", self.page.to_string()),
                ("last", self.last.to_string()),
            ],
        )
    }

    /// Whether the list has more than one page (no pager otherwise).
    pub fn shows(&self) -> bool {
        self.last > 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_keep_the_filters_and_clamp() {
        let uri: Uri = "/activities?unit=106&year=2019&page=9"
            .parse()
            .expect("uri");
        let (rows, p) = Pager::cut((1..=120).collect::<Vec<_>>(), Some("2"), &uri);
        assert_eq!(rows.first(), Some(&51));
        assert_eq!(rows.len(), 50);
        assert_eq!(
            (p.page, p.last, p.total, p.from, p.to),
            (2, 3, 120, 51, 100)
        );
        assert_eq!(
            p.prev_href.as_deref(),
            Some("/activities?unit=106&year=2019&page=1")
        );
        assert_eq!(
            p.next_href.as_deref(),
            Some("/activities?unit=106&year=2019&page=3")
        );
        let (rows, p) = Pager::cut((1..=120).collect::<Vec<_>>(), Some("99"), &uri);
        assert_eq!((rows.len(), p.page, p.next_href), (20, 3, None));
        let (rows, p) = Pager::cut(Vec::<i32>::new(), Some("x"), &uri);
        assert!(rows.is_empty() && !p.shows() && p.from == 0);
    }
}
