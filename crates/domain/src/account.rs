//! Accounts: what a valid username and password are, and when sign-in is throttled.

use thiserror::Error;

/// A username: 3–40 characters of lowercase ASCII letters, digits, `.`, `_`, `-`.
/// Kept ASCII so it is easy to type on any phone keyboard and safe in URLs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Username(String);

#[derive(Debug, Error, PartialEq, Eq)]
pub enum AccountError {
    #[error("invalid_username")]
    InvalidUsername,
    #[error("weak_password")]
    WeakPassword,
}

impl AccountError {
    pub fn code(&self) -> &'static str {
        match self {
            AccountError::InvalidUsername => "invalid_username",
            AccountError::WeakPassword => "weak_password",
        }
    }
}

impl Username {
    pub fn parse(s: &str) -> Result<Username, AccountError> {
        let s = s.trim();
        let ok = (3..=40).contains(&s.len())
            && s.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-".contains(c));
        if ok {
            Ok(Username(s.to_string()))
        } else {
            Err(AccountError::InvalidUsername)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Passwords need at least 10 characters; length beats composition rules.
pub const MIN_PASSWORD_CHARS: usize = 10;

pub fn check_password(p: &str) -> Result<(), AccountError> {
    if p.chars().count() >= MIN_PASSWORD_CHARS && p.len() <= 1024 {
        Ok(())
    } else {
        Err(AccountError::WeakPassword)
    }
}

/// Sign-in throttling: failures of one account counted over a sliding window,
/// from any address.
///
/// There is deliberately no limit per client address: a school's Wi-Fi or a
/// carrier's NAT puts a whole staff room behind one address, and a limit on
/// that address refused the right password of everyone there once a few
/// people (or one attacker) had failed. What stops guessing is this limit per
/// account: at most `max_failures_per_account` wrong passwords per window,
/// wherever they come from (by default 5 per 15 minutes, 480 a day, against
/// passwords of at least ten characters); spraying one password across many
/// accounts gets the same few tries per account. Floods of requests belong to
/// the reverse proxy in front.
#[derive(Debug, Clone, Copy)]
pub struct Throttle {
    pub window_secs: i64,
    pub max_failures_per_account: u64,
}

impl Default for Throttle {
    fn default() -> Self {
        Throttle {
            window_secs: 15 * 60,
            max_failures_per_account: 5,
        }
    }
}

impl Throttle {
    pub fn blocks(&self, account_failures: u64) -> bool {
        account_failures >= self.max_failures_per_account
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames() {
        assert!(Username::parse("admin").is_ok());
        assert!(Username::parse("do.106_tam-duong").is_ok());
        assert!(Username::parse("ab").is_err());
        assert!(Username::parse("Admin").is_err());
        assert!(Username::parse("đường").is_err());
        assert!(Username::parse("a b c").is_err());
    }

    #[test]
    fn passwords_and_throttle() {
        assert!(check_password("laichau2016").is_ok());
        assert!(check_password("short").is_err());
        let t = Throttle::default();
        assert!(!t.blocks(4));
        assert!(t.blocks(5));
    }
}
