//! Paged lists: every list of the API stays a JSON array and takes
//! `?page=` (from 1) and `?per_page=` (1–1,000, default 100). The answer
//! carries `X-Total-Count` (the records matching the filters, on every page)
//! and a `Link` header (RFC 8288) with `rel="first"`, `rel="last"`, and
//! `rel="prev"`/`rel="next"` where there is such a page, each a reference to
//! the same path with the same filters. A page past the last is an empty
//! array (with the headers). The document at `/api/openapi.json` declares
//! both headers on every operation that takes `page` ([`document`]).

use crate::error::{AppError, AppResult};
use crate::pager::with_page;
use axum::Json;
use axum::http::{HeaderValue, Uri, header};
use axum::response::{IntoResponse, Response};

/// Items per page when `per_page` is not given.
pub const DEFAULT_PER_PAGE: u32 = 100;
/// The most items a page may hold.
pub const MAX_PER_PAGE: u32 = 1_000;

/// Which page of a list (`?page=&per_page=`).
#[derive(Debug, Default, Clone, Copy, serde::Deserialize, utoipa::IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct Paging {
    /// The page, from 1 (default 1).
    #[param(minimum = 1, maximum = 2147483647)]
    pub page: Option<u32>,
    /// Items per page, 1–1,000 (default 100).
    #[param(minimum = 1, maximum = 1000)]
    pub per_page: Option<u32>,
}

impl Paging {
    fn checked(self) -> AppResult<(usize, usize)> {
        let page = self.page.unwrap_or(1);
        if page == 0 || page > i32::MAX as u32 {
            return Err(AppError::invalid("page", "out_of_range"));
        }
        let per_page = self.per_page.unwrap_or(DEFAULT_PER_PAGE);
        if !(1..=MAX_PER_PAGE).contains(&per_page) {
            return Err(AppError::invalid("per_page", "out_of_range"));
        }
        Ok((page as usize, per_page as usize))
    }

    /// The page of `items` (the whole list, in its order) that was asked
    /// for, with its headers; `uri` is the request's (its other query
    /// parameters are kept in the links).
    pub fn page<T: serde::Serialize>(self, items: Vec<T>, uri: &Uri) -> AppResult<Page<T>> {
        let (page, per_page) = self.checked()?;
        let total = items.len();
        let last = total.div_ceil(per_page).max(1);
        let start = (page - 1).saturating_mul(per_page);
        let items: Vec<T> = items.into_iter().skip(start).take(per_page).collect();
        let link_to = |p: usize| format!("<{}>", with_page(uri, p, Some(per_page)));
        let mut links = vec![
            format!("{}; rel=\"first\"", link_to(1)),
            format!("{}; rel=\"last\"", link_to(last)),
        ];
        if page > 1 {
            links.push(format!("{}; rel=\"prev\"", link_to((page - 1).min(last))));
        }
        if page < last {
            links.push(format!("{}; rel=\"next\"", link_to(page + 1)));
        }
        Ok(Page {
            items,
            total,
            link: links.join(", "),
        })
    }
}

/// A list request's paging with the address it came to (whose other query
/// parameters the links keep): the extractor of every paged list.
#[derive(Debug)]
pub struct Listing {
    paging: Paging,
    uri: Uri,
}

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for Listing {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &S,
    ) -> Result<Self, Self::Rejection> {
        let super::Query(paging) = super::Query::from_request_parts(parts, state).await?;
        let axum::extract::OriginalUri(uri) =
            axum::extract::OriginalUri::from_request_parts(parts, state)
                .await
                .unwrap_or_else(|e| match e {});
        Ok(Listing { paging, uri })
    }
}

impl Listing {
    /// The page of `items` that was asked for ([`Paging::page`]).
    pub fn page<T: serde::Serialize>(self, items: Vec<T>) -> AppResult<Page<T>> {
        self.paging.page(items, &self.uri)
    }
}

/// One page of a list: a JSON array with `X-Total-Count` and `Link`.
#[derive(Debug)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: usize,
    link: String,
}

impl<T: serde::Serialize> IntoResponse for Page<T> {
    fn into_response(self) -> Response {
        let mut res = Json(self.items).into_response();
        let h = res.headers_mut();
        h.insert("x-total-count", HeaderValue::from(self.total));
        if let Ok(v) = HeaderValue::from_str(&self.link) {
            h.insert(header::LINK, v);
        }
        res
    }
}

/// Declares the two headers on the `200` of every operation that takes
/// `page`.
pub fn document(op: &mut serde_json::Value) {
    let pages = op["parameters"]
        .as_array()
        .is_some_and(|ps| ps.iter().any(|p| p["name"] == "page" && p["in"] == "query"));
    if !pages {
        return;
    }
    let Some(ok) = op.get_mut("responses").and_then(|r| r.get_mut("200")) else {
        return;
    };
    ok["headers"] = serde_json::json!({
        "X-Total-Count": {
            "description": "How many records match the filters, on every page.",
            "schema": { "type": "integer", "minimum": 0 }
        },
        "Link": {
            "description": "RFC 8288 links to the first, last, previous and next pages (rel=\"first\", \"last\", \"prev\", \"next\"), each with the same filters.",
            "schema": { "type": "string" }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn uri(s: &str) -> Uri {
        s.parse().expect("uri")
    }

    #[test]
    fn pages_slice_and_link_with_the_filters_kept() {
        let items: Vec<u32> = (1..=250).collect();
        let p = Paging {
            page: Some(2),
            per_page: Some(100),
        }
        .page(
            items.clone(),
            &uri("/api/v1/x?year=2019&page=2&per_page=100"),
        )
        .expect("page");
        assert_eq!(p.items.first(), Some(&101));
        assert_eq!(p.items.len(), 100);
        assert_eq!(p.total, 250);
        assert!(
            p.link
                .contains("</api/v1/x?year=2019&page=3&per_page=100>; rel=\"next\"")
        );
        assert!(p.link.contains("page=1&per_page=100>; rel=\"prev\""));
        assert!(p.link.contains("page=3&per_page=100>; rel=\"last\""));
        let last = Paging {
            page: Some(3),
            per_page: None,
        }
        .page(items.clone(), &uri("/api/v1/x"))
        .expect("page");
        assert_eq!(last.items.len(), 50);
        assert!(!last.link.contains("rel=\"next\""));
        let past = Paging {
            page: Some(9),
            per_page: None,
        }
        .page(items, &uri("/api/v1/x"))
        .expect("page");
        assert!(past.items.is_empty());
        assert_eq!(past.total, 250);
        for (page, per_page, field) in [
            (Some(0), None, "page"),
            (None, Some(0), "per_page"),
            (None, Some(1_001), "per_page"),
        ] {
            let e = Paging { page, per_page }
                .page(vec![1], &uri("/"))
                .expect_err("refused");
            assert_eq!(e.code(), "invalid_input");
            assert!(format!("{e:?}").contains(field), "{field}");
        }
    }
}
