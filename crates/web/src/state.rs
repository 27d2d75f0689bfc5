//! Shared application state, cloned into every handler.

use crate::Config;
use crate::clock::Clock;
use chrono::{DateTime, Utc};
use std::sync::Arc;
use thamgia_domain::account::Throttle;
use thamgia_store::Db;

#[derive(Clone, Debug)]
pub struct AppState {
    pub db: Db,
    pub config: Arc<Config>,
    pub clock: Arc<dyn Clock>,
    pub throttle: Throttle,
    /// Children's submissions per client and per join code (in memory).
    pub child_limits: crate::ratelimit::RateLimiter,
    /// Excel imports running or finished on this server, with their progress (in memory).
    pub imports: crate::sheets::Jobs,
    /// The SMTP server reminders go through (`--smtp-url`), when configured.
    pub mailer: Option<crate::mail::Mailer>,
}

impl AppState {
    pub fn new(db: Db, config: Config, clock: Arc<dyn Clock>) -> Self {
        let throttle = Throttle {
            window_secs: config.signin_window_minutes.saturating_mul(60),
            max_failures_per_account: config.signin_failures_per_account,
        };
        AppState {
            db,
            config: Arc::new(config),
            clock,
            throttle,
            child_limits: Default::default(),
            imports: Default::default(),
            mailer: None,
        }
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }
}
