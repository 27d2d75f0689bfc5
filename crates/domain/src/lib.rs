//! The rules of Thamgia, in plain Rust: no HTTP, no SQL.
//!
//! A reader learns here what a unit, a role, a scope or a plan is; the `store`
//! crate persists these things and the `web` crate shows them.

/// A closed set of snake_case words stored as text: `ALL`, `as_str`, `parse`.
macro_rules! str_enum {
    ($(#[$m:meta])* $name:ident { $($var:ident = $s:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($var),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$var),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$var => $s),+ }
            }

            pub fn parse(s: &str) -> Option<$name> {
                match s { $($s => Some($name::$var),)+ _ => None }
            }
        }
    };
}

pub mod access;
pub mod account;
pub mod activities;
pub mod documents;
pub mod ethnic;
pub mod models;
pub mod money;
pub mod pictures;
pub mod plan;
pub mod population;
pub mod reports;
pub mod results;
pub mod review;
pub mod suppression;
pub mod text;
pub mod units;
pub mod voice;
