//! The poster of a consultation: its join code, the address children open
//! and the QR code of that address, made on the server and printed on paper.

use super::consultations::load;
use super::{Chrome, PageErr, PageResult, Visit, render, require};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::extract::Path;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::get;
use thamgia_domain::access::Permission;
use thamgia_store::entity::consultation;
use thamgia_store::voice_queries;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/consultations/{id}/poster", get(poster))
        .route("/consultations/{id}/qr.svg", get(qr_svg))
}

/// The address a child opens: `http://{Host}/c/{CODE}`. The Host header is
/// used only when it looks like a host name (it is printed on paper).
pub(crate) fn join_url(state: &AppState, headers: &HeaderMap, code: &str) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| {
            !h.is_empty()
                && h.len() <= 255
                && h.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'))
        })
        .unwrap_or("localhost");
    let scheme = if state.config.secure_cookies {
        "https"
    } else {
        "http"
    };
    format!("{scheme}://{host}/c/{code}")
}

fn attr_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The QR code of an address as an SVG document made by the server.
pub(crate) fn qr_document(url: &str) -> AppResult<String> {
    let code = qrcode::QrCode::new(url.as_bytes())
        .map_err(|e| AppError::Internal(anyhow::anyhow!("qr: {e}")))?;
    Ok(code
        .render::<qrcode::render::svg::Color>()
        .min_dimensions(300, 300)
        .build())
}

/// The same QR code to place inside a page: no XML declaration, with a role
/// and a label for screen readers.
pub(crate) fn qr_inline(url: &str, label: &str) -> AppResult<String> {
    let doc = qr_document(url)?;
    let start = doc.find("<svg").unwrap_or(0);
    let svg = &doc[start..];
    Ok(svg.replacen(
        "<svg ",
        &format!(
            "<svg role=\"img\" aria-label=\"{}\" class=\"qr\" ",
            attr_escape(label)
        ),
        1,
    ))
}

#[derive(Template)]
#[template(path = "poster.html")]
struct PosterPage {
    c: Chrome,
    k: consultation::Model,
    url: String,
    svg: String,
    /// The facilitator children can ask, if one was chosen.
    ask: Option<String>,
    unit_name: String,
    ages_line: String,
}

pub async fn poster(
    Visit { state, p, ctx }: Visit,
    Path(id): Path<i32>,
    headers: HeaderMap,
) -> PageResult {
    let lang = ctx.lang;
    require(&p, Permission::ViewResults, lang)?;
    let (k, u) = load(&state, &p, id, lang).await?;
    let url = join_url(&state, &headers, &k.join_code);
    let label = format!("{} {url}", lang.t("consult-poster-qr-label"));
    let svg = qr_inline(&url, &label).page(lang)?;
    let unit_name = lang.pick(&u.name_vi, &u.name_en).to_string();
    let ask = match k.facilitator_id {
        Some(fid) => voice_queries::user_names(&state.db.conn, &[fid])
            .await
            .page(lang)?
            .remove(&fid)
            .map(|(_, d)| d),
        None => None,
    };
    let ages_line = format!(
        "{} {}–{} {}",
        lang.t("consult-poster-ages"),
        k.age_min,
        k.age_max,
        lang.t("consult-years-old")
    );
    Ok(render(&PosterPage {
        c: Chrome::new(&ctx, "consult-poster-title"),
        ages_line,
        k,
        url,
        svg,
        ask,
        unit_name,
    }))
}

pub async fn qr_svg(
    Visit { state, p, ctx }: Visit,
    Path(id): Path<i32>,
    headers: HeaderMap,
) -> PageResult {
    require(&p, Permission::ViewResults, ctx.lang)?;
    let (k, _) = load(&state, &p, id, ctx.lang).await?;
    let svg = qr_document(&join_url(&state, &headers, &k.join_code)).page(ctx.lang)?;
    Ok((
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, "image/svg+xml"),
            (header::CACHE_CONTROL, "private, max-age=300"),
        ],
        svg,
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn qr_inline_has_a_role_and_no_declaration() {
        let s = qr_inline("http://example.org/c/ABCDEF", "Mã \"QR\"").expect("qr");
        assert!(
            s.starts_with("<svg role=\"img\" aria-label=\"Mã &quot;QR&quot;\""),
            "{}",
            &s[..80]
        );
        assert!(!s.contains("<?xml"));
        assert!(s.ends_with("</svg>"));
    }
}
