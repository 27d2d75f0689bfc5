//! The facilitators' devices (`/devices`): officers see each device of their
//! scope — whose it is, when it last synced, how many answers it still held
//! and how far its clock was off — and revoke one (its token stops working
//! at once). Also serves the offline app itself under `/facilitator/`.

use super::{Chrome, PageErr, PageResult, Visit, render};
use crate::api::facilitator::device_view;
use crate::auth::CsrfForm;
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use thamgia_domain::access::Actor;
use thamgia_store::devices;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/devices", get(page))
        .route("/devices/{id}/revoke", post(revoke))
        .route(
            "/facilitator",
            get(|| async { Redirect::permanent("/facilitator/") }),
        )
        .route("/facilitator/", get(app_file))
        .route("/facilitator/{file}", get(app_file))
}

struct Row {
    id: i32,
    label: String,
    who: String,
    unit: String,
    created: String,
    last_sync: String,
    unsent: String,
    offset: String,
    revoked: Option<String>,
}

#[derive(Template)]
#[template(path = "devices.html")]
struct DevicesPage {
    c: Chrome,
    rows: Vec<Row>,
    revoked: bool,
}

#[derive(serde::Deserialize)]
pub struct Done {
    revoked: Option<String>,
}

/// A clock offset as people read it: "+1 giờ 2 phút" / "−5 phút".
fn offset_text(lang: crate::i18n::Lang, secs: i64) -> String {
    let sign = if secs < 0 { "−" } else { "+" };
    let m = secs.unsigned_abs() / 60;
    let (h, m) = (m / 60, m % 60);
    let (hw, mw) = match lang {
        crate::i18n::Lang::Vi => ("giờ", "phút"),
        crate::i18n::Lang::En => ("h", "min"),
    };
    if h > 0 {
        format!("{sign}{h} {hw} {m} {mw}")
    } else {
        format!("{sign}{m} {mw}")
    }
}

pub async fn page(Visit { state, p, ctx }: Visit, Query(q): Query<Done>) -> PageResult {
    let lang = ctx.lang;
    let only = device_view(&p).page(lang)?;
    let when = |t: chrono::DateTime<chrono::Utc>| {
        format!("{} {}", lang.date(t.date_naive()), t.format("%H:%M"))
    };
    let rows = devices::list(&state.db.conn, &p.scope(), only)
        .await
        .page(lang)?
        .into_iter()
        .map(|(d, u, un)| Row {
            id: d.id,
            label: d.label,
            who: u.display_name,
            unit: un.code,
            created: when(d.created_at),
            last_sync: d.last_sync_at.map(when).unwrap_or_else(|| "—".into()),
            unsent: d
                .last_unsent
                .map(|n| lang.int(i64::from(n)))
                .unwrap_or_else(|| "—".into()),
            offset: d
                .last_offset_seconds
                .map(|s| offset_text(lang, s))
                .unwrap_or_else(|| "—".into()),
            revoked: d.revoked_at.map(when),
        })
        .collect();
    Ok(render(&DevicesPage {
        c: Chrome::new(&ctx, "devices-title"),
        rows,
        revoked: q.revoked.is_some(),
    }))
}

pub async fn revoke(
    Visit { state, p, ctx }: Visit,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm<super::moderation::Empty>,
) -> PageResult {
    let lang = ctx.lang;
    let only = device_view(&p).page(lang)?;
    let id = super::results::path_id(&id, lang)?;
    devices::revoke(
        &state.db.conn,
        &Actor::from(&p),
        state.now(),
        &p.scope(),
        only,
        id,
        Some(p.user_id),
    )
    .await
    .page(lang)?;
    Ok(Redirect::to("/devices?revoked=1").into_response())
}

/// The offline app's shell: every file it needs to start with no network.
/// `sw.js` caches exactly these.
pub const SHELL: &[(&str, &str, &str)] = &[
    (
        "index.html",
        "text/html; charset=utf-8",
        include_str!("../../static/facilitator/index.html"),
    ),
    (
        "app.js",
        "text/javascript; charset=utf-8",
        include_str!("../../static/facilitator/app.js"),
    ),
    (
        "app.css",
        "text/css; charset=utf-8",
        include_str!("../../static/facilitator/app.css"),
    ),
    (
        "sw.js",
        "text/javascript; charset=utf-8",
        include_str!("../../static/facilitator/sw.js"),
    ),
    (
        "manifest.webmanifest",
        "application/manifest+json",
        include_str!("../../static/facilitator/manifest.webmanifest"),
    ),
    (
        "icon.svg",
        "image/svg+xml",
        include_str!("../../static/facilitator/icon.svg"),
    ),
];

async fn app_file(file: Option<Path<String>>) -> Response {
    let name = file.map(|Path(f)| f).unwrap_or_else(|| "index.html".into());
    match SHELL.iter().find(|(n, _, _)| *n == name) {
        Some((_, kind, body)) => (
            StatusCode::OK,
            [
                (header::CONTENT_TYPE, *kind),
                // Always checked with the server when it is there; the
                // service worker answers from its cache when it is not.
                (header::CACHE_CONTROL, "no-cache"),
            ],
            *body,
        )
            .into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_read_as_people_say_them() {
        use crate::i18n::Lang;
        assert_eq!(offset_text(Lang::Vi, 3600), "+1 giờ 0 phút");
        assert_eq!(offset_text(Lang::En, -300), "−5 min");
    }
}
