//! Thamgia's HTTP face: HTML pages (Vietnamese first, no JavaScript needed),
//! the JSON API under `/api/v1`, sessions, CSRF protection, the OpenAPI
//! document, health and metrics.
//!
//! The app is a library: [`build`] binds the listener (port 0 in tests) and
//! returns the real address, so tests talk to it over HTTP like a browser.

pub mod accounts;
pub mod api;
pub mod audit_query;
pub mod auth;
pub mod charts;
pub mod client_addr;
pub mod clock;
pub mod error;
pub mod exports;
pub mod forum_words;
pub mod i18n;
pub mod inspection_files;
pub mod links;
pub mod mail;
pub mod pager;
pub mod pages;
pub mod password;
pub mod pictures;
pub mod ratelimit;
pub mod reminder_files;
pub mod report_files;
pub mod sheets;
pub mod state;
mod telemetry;
pub mod text;

use anyhow::Context;
use axum::Router;
use axum::http::{HeaderName, HeaderValue, header};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use thamgia_store::Db;
use tower_http::compression::CompressionLayer;
use tower_http::set_header::SetResponseHeaderLayer;

pub use state::AppState;

/// What the server needs to run.
#[derive(Debug, Clone)]
pub struct Config {
    pub listen: String,
    pub database_url: String,
    /// Mark cookies `Secure` (behind HTTPS in production).
    pub secure_cookies: bool,
    /// How long a signed-in session lives.
    pub session_hours: i64,
    /// Children's submissions stored per minute from one client address (a
    /// whole class behind one school NAT must fit).
    pub child_per_client_per_minute: u32,
    /// Children's submissions stored per minute for one join code.
    pub child_per_code_per_minute: u32,
    /// Reverse proxies whose `X-Forwarded-For`/`Forwarded` is believed
    /// (`client_addr`); empty: the TCP peer is the client.
    pub trusted_proxies: Vec<client_addr::Cidr>,
    /// Sign-in throttle: failed sign-ins per account inside the window.
    pub signin_failures_per_account: u64,
    /// Sign-in throttle: the sliding window, in minutes.
    pub signin_window_minutes: i64,
    /// Grace period, in days after a consultation closes, for answers made
    /// while it was open and synced later from a facilitator's device.
    pub late_sync_days: i64,
    /// The SMTP server reminders are mailed through (`smtp://host:port`,
    /// `smtps://user:pass@host`); none: reminders are recorded, not mailed.
    pub smtp_url: Option<String>,
    /// The sender of reminder mails.
    pub mail_from: String,
    /// The server reminds by itself of what is this many days overdue (one
    /// reminder per item, from the top unit); none: only people remind.
    pub auto_remind_after_days: Option<i64>,
    /// The server reminds by itself of what falls due within this many days
    /// (once per item and due date, another reminder than the one after it).
    pub auto_remind_before_days: Option<i64>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            listen: "127.0.0.1:8080".into(),
            database_url: "sqlite://thamgia.db".into(),
            secure_cookies: false,
            session_hours: 12,
            // 500 children behind one school address answer within two
            // minutes; an address sending thousands a minute is stopped.
            child_per_client_per_minute: 300,
            child_per_code_per_minute: 600,
            trusted_proxies: Vec::new(),
            signin_failures_per_account: 5,
            signin_window_minutes: 15,
            late_sync_days: 14,
            smtp_url: None,
            mail_from: "Thamgia <no-reply@thamgia.invalid>".into(),
            auto_remind_after_days: None,
            auto_remind_before_days: None,
        }
    }
}

/// A bound, migrated, ready-to-serve application.
pub struct App {
    pub addr: SocketAddr,
    pub state: AppState,
    listener: tokio::net::TcpListener,
    router: Router,
}

/// Opens the database, runs pending migrations and binds the listener.
pub async fn build(config: Config) -> anyhow::Result<App> {
    let db = Db::connect(&config.database_url)
        .await
        .with_context(|| "cannot open the database")?;
    db.migrate().await.context("cannot migrate the database")?;
    build_with(config, db, Arc::new(clock::SystemClock)).await
}

/// As [`build`], with an open database and a chosen clock (tests set the time).
pub async fn build_with(
    config: Config,
    db: Db,
    clock: Arc<dyn clock::Clock>,
) -> anyhow::Result<App> {
    let listener = tokio::net::TcpListener::bind(&config.listen)
        .await
        .with_context(|| format!("cannot listen on {}", config.listen))?;
    let addr = listener.local_addr()?;
    let mut state = AppState::new(db, config, clock);
    if let Some(url) = &state.config.smtp_url {
        state.mailer = Some(mail::Mailer::new(url, &state.config.mail_from)?);
        // What a stopped server left unsent goes now.
        mail::deliver_later(&state);
    }
    if let Some(days) = state.config.auto_remind_after_days {
        mail::remind_automatically(state.clone(), thamgia_store::reminders::Round::After(days));
    }
    if let Some(days) = state.config.auto_remind_before_days {
        mail::remind_automatically(state.clone(), thamgia_store::reminders::Round::Before(days));
    }
    let router = router(state.clone());
    Ok(App {
        addr,
        state,
        listener,
        router,
    })
}

impl App {
    /// Serves until `shutdown` resolves, then finishes open requests.
    pub async fn serve(
        self,
        shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        axum::serve(
            self.listener,
            self.router
                .into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(shutdown)
        .await?;
        Ok(())
    }
}

/// The whole route table, with the layers every response goes through.
pub fn router(state: AppState) -> Router {
    let (api_router, openapi) = api::router().split_for_parts();
    let openapi = Arc::new(api::document(&openapi));
    Router::new()
        .merge(pages::router())
        .merge(api_router)
        .route(
            "/api/openapi.json",
            axum::routing::get(move || {
                let doc = openapi.clone();
                async move { axum::Json(doc.as_ref().clone()) }
            }),
        )
        .route("/healthz", axum::routing::get(telemetry::healthz))
        .route("/metrics", axum::routing::get(telemetry::metrics))
        // Only matched routes are measured, labelled by their pattern.
        .route_layer(axum::middleware::from_fn(telemetry::track))
        .fallback(pages::not_found)
        // Inside `resolve`, so a refused query is answered in the visitor's language.
        .layer(axum::middleware::from_fn(text::query))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            auth::resolve,
        ))
        // The outer bound is the largest upload (an activity's document);
        // every other body stays under axum's default 2 MB extractor limit,
        // which only the upload routes raise (`DefaultBodyLimit::max`).
        .layer(tower_http::limit::RequestBodyLimitLayer::new(
            pages::activities::UPLOAD_BODY_LIMIT,
        ))
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(60),
        ))
        // Outside the body limit and the timeout, so their refusals are JSON
        // under `/api/` too.
        .layer(axum::middleware::from_fn(error::api_errors_as_json))
        .layer(CompressionLayer::new())
        .layer(security_headers())
        .layer(axum::middleware::map_response_with_state(
            state.clone(),
            strict_transport,
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .with_state(state)
}

/// `Strict-Transport-Security` when the site runs behind HTTPS (the operator
/// says so with `--secure-cookies`): browsers then never try plain HTTP again,
/// where a session cookie or a document could be read or changed on the way.
/// Not sent otherwise, since it would lock a plain-HTTP install out of browsers.
async fn strict_transport(
    axum::extract::State(state): axum::extract::State<AppState>,
    mut res: axum::response::Response,
) -> axum::response::Response {
    if state.config.secure_cookies {
        res.headers_mut().insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000"),
        );
    }
    res
}

/// Security headers, set once for every response.
fn security_headers() -> tower::layer::util::Stack<
    SetResponseHeaderLayer<HeaderValue>,
    tower::layer::util::Stack<
        SetResponseHeaderLayer<HeaderValue>,
        SetResponseHeaderLayer<HeaderValue>,
    >,
> {
    let csp = SetResponseHeaderLayer::if_not_present(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; \
             frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
        ),
    );
    let referrer = SetResponseHeaderLayer::if_not_present(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    let frame = SetResponseHeaderLayer::if_not_present(
        HeaderName::from_static("x-frame-options"),
        HeaderValue::from_static("DENY"),
    );
    tower::layer::util::Stack::new(csp, tower::layer::util::Stack::new(referrer, frame))
}
