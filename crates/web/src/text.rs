//! Text at the HTTP edge: every form field, JSON string and query parameter is
//! brought to the one form Thamgia stores (`thamgia_domain::text`: LF line
//! ends, NFC), and a control character other than tab and LF is refused with
//! an error naming the field, before any handler reads the value.
//!
//! Where each kind of input passes:
//! - query strings: [`query`], a middleware over every route (pages and API);
//! - page forms: `auth::CsrfForm` (the only reader of form bodies) calls
//!   [`clean_pairs`] once the CSRF token is checked;
//! - JSON bodies: `api::JsonBody` (the only way an API handler can reach
//!   `api::json`) calls [`clean_json`].
//!
//! Multipart uploads carry files; their cells are normalised by the
//! spreadsheet reader (`thamgia_office`), documents are stored as sent.

use crate::auth::Ctx;
use crate::error::AppError;
use axum::extract::Request;
use axum::http::Uri;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::collections::BTreeMap;
use thamgia_domain::text::{CONTROL_CHARACTER, has_control_character, normalize};

/// Field name → error code, as `AppError::Invalid` carries them.
pub type Refused = BTreeMap<String, String>;

/// A password is a secret compared through its hash, never shown, searched
/// or used as a key: it is left exactly as typed, so an account whose
/// password was set before text was normalised can still sign in.
fn is_secret(name: &str) -> bool {
    name.contains("password")
}

/// Normalises one value; a refused value is recorded under `field`.
fn clean_into(s: &mut String, field: &str, refused: &mut Refused) -> bool {
    let changed = match normalize(s) {
        std::borrow::Cow::Borrowed(_) => false,
        std::borrow::Cow::Owned(n) => {
            *s = n;
            true
        }
    };
    if has_control_character(s) {
        refused.insert(field.to_string(), CONTROL_CHARACTER.to_string());
    }
    changed
}

/// Normalises the names and values of a form or query; returns whether
/// anything changed. A name that itself holds a control character is
/// reported as `form` (it cannot be shown as a field).
pub fn clean_pairs(pairs: &mut [(String, String)], refused: &mut Refused) -> bool {
    let mut changed = false;
    for (k, v) in pairs.iter_mut() {
        let mut bad_name = Refused::new();
        changed |= clean_into(k, "form", &mut bad_name);
        refused.extend(bad_name);
        let field = if has_control_character(k) {
            "form".to_string()
        } else {
            k.clone()
        };
        if !is_secret(k) {
            changed |= clean_into(v, &field, refused);
        }
    }
    changed
}

/// Normalises every string of a JSON document, object keys included; a
/// refused string is named by its path (`profile.unit`, `questions[2].label`).
pub fn clean_json(v: &mut serde_json::Value, path: &str, refused: &mut Refused) -> bool {
    use serde_json::Value;
    let at = |p: &str| {
        if p.is_empty() {
            "body".to_string()
        } else {
            p.to_string()
        }
    };
    match v {
        Value::String(s) => clean_into(s, &at(path), refused),
        Value::Array(items) => {
            let mut changed = false;
            for (i, item) in items.iter_mut().enumerate() {
                changed |= clean_json(item, &format!("{path}[{i}]"), refused);
            }
            changed
        }
        Value::Object(map) => {
            let mut changed = false;
            let entries = std::mem::take(map);
            for (mut k, mut item) in entries {
                let mut bad_key = Refused::new();
                changed |= clean_into(&mut k, &at(path), &mut bad_key);
                refused.extend(bad_key);
                let child = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                if !is_secret(&k) {
                    changed |= clean_json(&mut item, &child, refused);
                }
                map.insert(k, item);
            }
            changed
        }
        _ => false,
    }
}

/// The error for refused fields.
pub fn refusal(refused: Refused) -> AppError {
    AppError::Invalid {
        fields: refused,
        detail: None,
    }
}

/// The path with its `%XX` escapes decoded, as `Path` extractors see it.
fn decoded_path(path: &str) -> String {
    let b = path.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |c: u8| (c as char).to_digit(16);
        if b[i] == b'%'
            && let (Some(h), Some(l)) = (
                b.get(i + 1).copied().and_then(hex),
                b.get(i + 2).copied().and_then(hex),
            )
        {
            out.push((h * 16 + l) as u8);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Middleware: normalises the query string of every request and refuses one
/// holding a control character (in the visitor's language on pages, as JSON
/// on the API), so no `Query` extractor ever sees either. A path holding a
/// control character names nothing that can exist: 404, before a `Path`
/// extractor hands it to the database (PostgreSQL fails on NUL).
pub async fn query(mut req: Request, next: Next) -> Response {
    if has_control_character(&decoded_path(req.uri().path())) {
        let ctx = req.extensions().get::<Ctx>().cloned().map(axum::Extension);
        return crate::pages::not_found(ctx, req.uri().clone()).await;
    }
    let Some(q) = req.uri().query() else {
        return next.run(req).await;
    };
    // A query serde cannot read is left to the handler's own extractor.
    let Ok(mut pairs) = serde_urlencoded::from_str::<Vec<(String, String)>>(q) else {
        return next.run(req).await;
    };
    let mut refused = Refused::new();
    let changed = clean_pairs(&mut pairs, &mut refused);
    if !refused.is_empty() {
        let e = refusal(refused);
        if req.uri().path().starts_with("/api/") {
            return e.into_response();
        }
        let lang = req
            .extensions()
            .get::<Ctx>()
            .map(|c| c.lang)
            .unwrap_or_default();
        return crate::pages::PageError(e, lang).into_response();
    }
    if changed {
        let rebuilt = serde_urlencoded::to_string(&pairs)
            .ok()
            .and_then(|q| format!("{}?{q}", req.uri().path()).parse::<Uri>().ok());
        if let Some(pq) = rebuilt {
            let mut parts = req.uri().clone().into_parts();
            parts.path_and_query = pq.into_parts().path_and_query;
            if let Ok(uri) = Uri::from_parts(parts) {
                *req.uri_mut() = uri;
            }
        }
    }
    next.run(req).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_strings_and_keys_are_normalised_and_named() {
        let mut v = serde_json::json!({
            "title": "Ho\u{302}\u{323}i",
            "note": "a\r\nb",
            "profile": {"unit": "x\u{0}"},
            "answers": [{"text": "ok"}, {"text": "\u{7}"}],
        });
        let mut refused = Refused::new();
        assert!(clean_json(&mut v, "", &mut refused));
        assert_eq!(v["title"], "Hội");
        assert_eq!(v["note"], "a\nb");
        assert_eq!(
            refused.keys().cloned().collect::<Vec<_>>(),
            vec!["answers[1].text", "profile.unit"]
        );
    }

    #[test]
    fn paths_are_decoded() {
        assert_eq!(
            decoded_path("/api/v1/units/10%008"),
            "/api/v1/units/10\u{0}8"
        );
        assert_eq!(decoded_path("/c/AB%2"), "/c/AB%2");
        assert!(!has_control_character(&decoded_path("/matters/%C4%90")));
    }

    #[test]
    fn form_fields_are_named() {
        let mut pairs = vec![
            ("title".to_string(), "a\u{0}".to_string()),
            ("note".to_string(), "x\ry".to_string()),
            ("password".to_string(), "Ma\u{323}\u{302}t\r".to_string()),
        ];
        let mut refused = Refused::new();
        assert!(clean_pairs(&mut pairs, &mut refused));
        assert_eq!(pairs[1].1, "x\ny");
        assert_eq!(
            pairs[2].1, "Ma\u{323}\u{302}t\r",
            "a password stays as typed"
        );
        assert_eq!(
            refused.get("title").map(String::as_str),
            Some(CONTROL_CHARACTER)
        );
        assert_eq!(refused.len(), 1);
    }
}
