//! Sliding-window rate limits kept in memory, against floods of children's
//! submissions (per join code and per client).
//!
//! Each key keeps the instants of its recent hits; a hit is allowed while
//! fewer than `limit` lie inside the window. Keys whose hits have all left the
//! window are pruned now and then, so memory follows the traffic of the last
//! window only.
//!
//! Several servers behind one load balancer each keep their own count: the
//! effective limit is then up to N times the configured one. That is accepted
//! here (the limit is against floods, not an exact quota); sign-in throttling,
//! which must be exact, counts in the database instead.

use chrono::{DateTime, Duration, Utc};
use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};

/// Prune idle keys every this many calls.
const PRUNE_EVERY: u64 = 1024;

#[derive(Debug, Default)]
struct Inner {
    hits: HashMap<String, VecDeque<DateTime<Utc>>>,
    calls: u64,
}

/// A set of sliding windows, one per key. Cheap to clone (shared).
#[derive(Debug, Clone, Default)]
pub struct RateLimiter {
    inner: Arc<Mutex<Inner>>,
}

/// Hits taken by [`RateLimiter::acquire`]; give them back with
/// [`RateLimiter::release`] when the request turned out not to count.
#[derive(Debug)]
pub struct Ticket {
    hits: Vec<(String, DateTime<Utc>)>,
}

impl RateLimiter {
    /// Takes one hit on every key, all or none: `None` when any key already
    /// has `limit` hits inside `window` before `now` (a limit of 0 refuses all).
    pub fn acquire(
        &self,
        keys: &[(&str, u32)],
        window: Duration,
        now: DateTime<Utc>,
    ) -> Option<Ticket> {
        let mut g = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        g.calls += 1;
        if g.calls.is_multiple_of(PRUNE_EVERY) {
            g.hits
                .retain(|_, q| q.back().is_some_and(|t| *t > now - window));
        }
        let since = now - window;
        for (key, limit) in keys {
            let count = match g.hits.get_mut(*key) {
                Some(q) => {
                    while q.front().is_some_and(|t| *t <= since) {
                        q.pop_front();
                    }
                    q.len()
                }
                None => 0,
            };
            if count >= *limit as usize {
                return None;
            }
        }
        let mut hits = vec![];
        for (key, _) in keys {
            g.hits.entry((*key).to_string()).or_default().push_back(now);
            hits.push(((*key).to_string(), now));
        }
        Some(Ticket { hits })
    }

    /// Gives back the hits of a request that did not count (a resend, an error).
    pub fn release(&self, ticket: Ticket) {
        let mut g = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        for (key, at) in ticket.hits {
            let mut empty = false;
            if let Some(q) = g.hits.get_mut(&key) {
                if let Some(i) = q.iter().rposition(|t| *t == at) {
                    q.remove(i);
                }
                empty = q.is_empty();
            }
            if empty {
                g.hits.remove(&key);
            }
        }
    }

    /// How many keys are tracked (for tests of pruning).
    pub fn keys(&self) -> usize {
        self.inner.lock().map(|g| g.hits.len()).unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t0() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 29, 8, 0, 0)
            .single()
            .expect("time")
    }

    #[test]
    fn limits_slide_and_release() {
        let r = RateLimiter::default();
        let w = Duration::minutes(1);
        let now = t0();
        for _ in 0..3 {
            assert!(r.acquire(&[("a", 3), ("code", 5)], w, now).is_some());
        }
        assert!(
            r.acquire(&[("a", 3), ("code", 5)], w, now).is_none(),
            "a is full"
        );
        // All or none: the refused call took nothing from `code`.
        assert!(r.acquire(&[("b", 3), ("code", 5)], w, now).is_some());
        assert!(r.acquire(&[("b", 3), ("code", 5)], w, now).is_some());
        assert!(
            r.acquire(&[("c", 3), ("code", 5)], w, now).is_none(),
            "code is full"
        );
        // A released ticket frees its place.
        let later = now + Duration::seconds(30);
        let r2 = RateLimiter::default();
        let t = r2.acquire(&[("x", 1)], w, later).expect("first");
        assert!(r2.acquire(&[("x", 1)], w, later).is_none());
        r2.release(t);
        assert!(r2.acquire(&[("x", 1)], w, later).is_some());
        // The window slides.
        assert!(
            r.acquire(&[("a", 3)], w, now + Duration::seconds(59))
                .is_none()
        );
        assert!(
            r.acquire(&[("a", 3)], w, now + Duration::seconds(61))
                .is_some()
        );
    }

    /// The shipped defaults, as the children's page applies them (one client
    /// key and one code key, a one-minute window).
    fn stored(r: &RateLimiter, client: &str, at: DateTime<Utc>) -> bool {
        let c = crate::Config::default();
        r.acquire(
            &[
                (client, c.child_per_client_per_minute),
                ("code:ABC234", c.child_per_code_per_minute),
            ],
            Duration::minutes(1),
            at,
        )
        .is_some()
    }

    #[test]
    fn defaults_let_a_school_answer_and_stop_a_flood() {
        // 500 children behind one school address answer together, within the
        // first two minutes (one every 240 ms): none is refused, all are in
        // well within ten minutes.
        let r = RateLimiter::default();
        for i in 0..500 {
            let at = t0() + Duration::milliseconds(240 * i);
            assert!(stored(&r, "client:school", at), "child {i} refused");
        }
        // One address sending 3,000 within a minute is stopped after a few
        // hundred (and it does not spend the code's budget for others).
        let r = RateLimiter::default();
        let through = (0..3000)
            .filter(|i| stored(&r, "client:flood", t0() + Duration::milliseconds(20 * i)))
            .count();
        assert!(through <= 300, "{through} of a flood stored");
        assert!(stored(&r, "client:school", t0() + Duration::seconds(30)));
    }

    #[test]
    fn idle_keys_are_pruned() {
        let r = RateLimiter::default();
        let w = Duration::minutes(1);
        for i in 0..100 {
            assert!(r.acquire(&[(&format!("k{i}"), 1)], w, t0()).is_some());
        }
        assert_eq!(r.keys(), 100);
        let later = t0() + Duration::minutes(5);
        for _ in 0..PRUNE_EVERY {
            let _ = r.acquire(&[("busy", u32::MAX)], w, later);
        }
        assert_eq!(r.keys(), 1);
    }
}
