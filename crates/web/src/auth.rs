//! Who is asking: sessions, bearer tokens, CSRF and the language choice.
//!
//! [`resolve`] runs before every handler and leaves a [`Ctx`] in the request's
//! extensions. Pages take [`PageUser`] (redirects to sign-in), the API takes
//! [`ApiUser`] (401 JSON); both carry the [`Principal`] that the access rules
//! in `thamgia_domain::access` judge.
//!
//! CSRF: a signed-in session has its own token (rotated with the session); an
//! anonymous visitor gets one in a cookie (double submit). Every page form
//! carries it in a hidden `csrf` field, checked by [`CsrfForm`]. In addition,
//! any unsafe request whose `Origin` names another site is refused here.

use crate::error::AppError;
use crate::i18n::Lang;
use crate::state::AppState;
use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, header, request::Parts};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use rand::RngCore;
use std::net::SocketAddr;
use thamgia_domain::access::Principal;

pub const SESSION_COOKIE: &str = "tg_session";
pub const CSRF_COOKIE: &str = "tg_csrf";
pub const LANG_COOKIE: &str = "tg_lang";
/// The operations a facilitator's device token opens (`api::facilitator`).
pub const DEVICE_API: &str = "/api/v1/device/";

/// The request's context, available to every handler.
#[derive(Debug, Clone)]
pub struct Ctx {
    pub principal: Option<Principal>,
    pub display_name: Option<String>,
    pub lang: Lang,
    /// The token forms must carry.
    pub csrf: String,
    pub session_token: Option<String>,
    pub via_bearer: bool,
    /// The facilitator's device behind a device token (`devices`), if any.
    pub device_id: Option<i32>,
    /// Path and query of the request, for the language switch's `next`.
    pub path: String,
    /// A one-way digest of the client address, for throttling; never the address.
    pub client: String,
}

/// 32 random bytes, hex.
pub fn random_token() -> String {
    let mut b = [0u8; 32];
    rand::rng().fill_bytes(&mut b);
    hex::encode(b)
}

pub fn cookies(headers: &HeaderMap) -> impl Iterator<Item = (&str, &str)> {
    headers
        .get_all(header::COOKIE)
        .into_iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
}

pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    cookies(headers).find(|(k, _)| *k == name).map(|(_, v)| v)
}

pub fn set_cookie(state: &AppState, name: &str, value: &str, max_age: Option<i64>) -> HeaderValue {
    let mut c = format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax");
    if let Some(a) = max_age {
        c.push_str(&format!("; Max-Age={a}"));
    }
    if state.config.secure_cookies {
        c.push_str("; Secure");
    }
    HeaderValue::from_str(&c).unwrap_or_else(|_| HeaderValue::from_static(""))
}

fn origin_ok(headers: &HeaderMap) -> bool {
    let Some(origin) = headers.get(header::ORIGIN).and_then(|o| o.to_str().ok()) else {
        // Browsers send Origin on cross-site POSTs; its absence means a
        // same-origin navigation or a non-browser client.
        return true;
    };
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("");
    let origin_host = origin
        .strip_prefix("http://")
        .or_else(|| origin.strip_prefix("https://"))
        .unwrap_or("");
    !host.is_empty() && origin_host == host
}

/// Builds the [`Ctx`] for each request.
pub async fn resolve(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let unsafe_method = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if unsafe_method && !origin_ok(req.headers()) {
        return page_or_api_error(req.uri().path(), AppError::Csrf, Lang::Vi);
    }
    let now = state.now();
    let headers = req.headers().clone();
    // Behind a trusted reverse proxy, the address it forwarded (see client_addr).
    let client_ip = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| {
            crate::client_addr::client_ip(c.0.ip(), &headers, &state.config.trusted_proxies)
                .to_string()
        })
        .unwrap_or_default();
    let mut ctx = Ctx {
        principal: None,
        display_name: None,
        lang: cookie(&headers, LANG_COOKIE)
            .and_then(Lang::parse)
            .unwrap_or_default(),
        csrf: String::new(),
        session_token: None,
        via_bearer: false,
        device_id: None,
        path: req
            .uri()
            .path_and_query()
            .map(|p| p.as_str().to_string())
            .unwrap_or_else(|| "/".into()),
        client: thamgia_store::sha256_hex(&format!("thamgia-client:{client_ip}")),
    };
    let lang_cookie = cookie(&headers, LANG_COOKIE).and_then(Lang::parse);
    let mut user = None;
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim);
    if let Some(token) = bearer.filter(|t| t.starts_with(thamgia_store::devices::TOKEN_PREFIX)) {
        // A device token opens the device's own operations only; revoked, it
        // opens nothing.
        if !req.uri().path().starts_with(DEVICE_API) {
            return AppError::Unauthenticated.into_response();
        }
        match thamgia_store::devices::by_token(&state.db.conn, token).await {
            Ok(Some((d, u))) => {
                ctx.via_bearer = true;
                ctx.device_id = Some(d.id);
                user = Some(u);
            }
            Ok(None) => return AppError::Unauthenticated.into_response(),
            Err(e) => return AppError::from(e).into_response(),
        }
    } else if let Some(token) = bearer {
        match thamgia_store::users::user_for_token(&state.db.conn, token.trim(), now).await {
            Ok(Some((u, touch))) => {
                ctx.via_bearer = true;
                user = Some(u);
                // The stamp is written at most once a minute and off the
                // request's path: a client polling while an import holds the
                // write lock must not wait for it, nor make it wait.
                if let Some(id) = touch {
                    let conn = state.db.conn.clone();
                    tokio::spawn(async move {
                        if let Err(e) = thamgia_store::users::touch_token(&conn, id, now).await {
                            tracing::warn!(error = %e, "could not stamp a token's last use");
                        }
                    });
                }
            }
            Ok(None) => return AppError::Unauthenticated.into_response(),
            Err(e) => return AppError::from(e).into_response(),
        }
    } else if let Some(token) = cookie(&headers, SESSION_COOKIE) {
        match thamgia_store::users::session(&state.db.conn, token, now).await {
            Ok(Some((s, u))) => {
                ctx.csrf = s.csrf_token;
                ctx.session_token = Some(token.to_string());
                user = Some(u);
            }
            Ok(None) => {}
            Err(e) => return AppError::from(e).into_response(),
        }
    }
    if let Some(u) = user {
        match thamgia_store::users::principal(&state.db.conn, &u).await {
            Ok(p) => {
                ctx.principal = Some(p);
                ctx.display_name = Some(u.display_name.clone());
                if lang_cookie.is_none() {
                    ctx.lang = u
                        .locale
                        .as_deref()
                        .and_then(Lang::parse)
                        .unwrap_or_default();
                }
            }
            Err(e) => return AppError::from(e).into_response(),
        }
    }
    let mut new_csrf_cookie = None;
    if ctx.csrf.is_empty() {
        match cookie(&headers, CSRF_COOKIE) {
            Some(c) if c.len() == 64 && c.chars().all(|ch| ch.is_ascii_hexdigit()) => {
                ctx.csrf = c.to_string()
            }
            _ => {
                ctx.csrf = random_token();
                new_csrf_cookie = Some(ctx.csrf.clone());
            }
        }
    }
    req.extensions_mut().insert(ctx);
    let mut res = next.run(req).await;
    if let Some(c) = new_csrf_cookie {
        res.headers_mut().append(
            header::SET_COOKIE,
            set_cookie(&state, CSRF_COOKIE, &c, None),
        );
    }
    res
}

fn page_or_api_error(path: &str, e: AppError, lang: Lang) -> Response {
    if path.starts_with("/api/") {
        e.into_response()
    } else {
        crate::pages::PageError(e, lang).into_response()
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Ctx {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Ctx>()
            .cloned()
            .ok_or_else(|| AppError::Internal(anyhow::anyhow!("request context missing")))
    }
}

/// A signed-in user on a page; anyone else is sent to the sign-in page.
pub struct PageUser(pub Principal, pub Ctx);

impl<S: Send + Sync> FromRequestParts<S> for PageUser {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, s: &S) -> Result<Self, Self::Rejection> {
        let ctx = Ctx::from_request_parts(parts, s)
            .await
            .map_err(IntoResponse::into_response)?;
        match ctx.principal.clone() {
            Some(p) => Ok(PageUser(p, ctx)),
            None => {
                let next = urlencode(&ctx.path);
                Err(Redirect::to(&format!("/login?next={next}")).into_response())
            }
        }
    }
}

/// A signed-in user or token holder on the API; anyone else gets 401.
pub struct ApiUser(pub Principal, pub Ctx);

impl<S: Send + Sync> FromRequestParts<S> for ApiUser {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, s: &S) -> Result<Self, Self::Rejection> {
        let ctx = Ctx::from_request_parts(parts, s).await?;
        match ctx.principal.clone() {
            Some(p) => Ok(ApiUser(p, ctx)),
            None => Err(AppError::Unauthenticated),
        }
    }
}

/// A form whose hidden `csrf` field matched the session's token. The form is
/// parsed as a map first so the check runs before any field is read.
pub struct CsrfForm<T>(pub T);

impl<S, T> FromRequest<S> for CsrfForm<T>
where
    S: Send + Sync,
    T: serde::de::DeserializeOwned,
{
    type Rejection = Response;

    async fn from_request(req: Request, s: &S) -> Result<Self, Self::Rejection> {
        let ctx = req.extensions().get::<Ctx>().cloned();
        let lang = ctx.as_ref().map(|c| c.lang).unwrap_or_default();
        let bytes = axum::body::Bytes::from_request(req, s)
            .await
            .map_err(IntoResponse::into_response)?;
        let mut pairs: Vec<(String, String)> =
            serde_urlencoded::from_bytes(&bytes).map_err(|_| {
                crate::pages::PageError(AppError::invalid("form", "malformed"), lang)
                    .into_response()
            })?;
        let sent = pairs
            .iter()
            .find(|(k, _)| k == "csrf")
            .map(|(_, v)| v.as_str());
        let expected = ctx.as_ref().map(|c| c.csrf.as_str()).unwrap_or("");
        if expected.is_empty() || sent != Some(expected) {
            return Err(crate::pages::PageError(AppError::Csrf, lang).into_response());
        }
        // Every page form passes here: its text is normalised (LF, NFC) and a
        // control character refused, naming the field, before a handler reads it.
        let mut refused = crate::text::Refused::new();
        let changed = crate::text::clean_pairs(&mut pairs, &mut refused);
        if !refused.is_empty() {
            return Err(
                crate::pages::PageError(crate::text::refusal(refused), lang).into_response()
            );
        }
        let parsed = if changed {
            serde_urlencoded::to_string(&pairs)
                .ok()
                .and_then(|body| serde_urlencoded::from_str(&body).ok())
        } else {
            serde_urlencoded::from_bytes(&bytes).ok()
        };
        parsed.ok_or(()).map(CsrfForm).map_err(|_| {
            crate::pages::PageError(AppError::invalid("form", "malformed"), lang).into_response()
        })
    }
}

pub fn urlencode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// A `next` target is only ever a local path, never another site.
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => n.to_string(),
        _ => "/".to_string(),
    }
}
