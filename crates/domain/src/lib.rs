//! The rules of Thamgia, in plain Rust: no HTTP, no SQL.
//!
//! A reader learns here what a unit, a role, a scope or a plan is; the `store`
//! crate persists these things and the `web` crate shows them.

/// A closed set of snake_case words stored as text: `ALL`, `as_str`, `parse`,
/// `Display`. With the `db` feature the type is also a sea-orm active enum
/// stored as the same word, so an entity field can have the type itself.
macro_rules! str_enum {
    ($(#[$m:meta])* $name:ident { $($var:ident = $s:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[cfg_attr(feature = "db", derive(sea_orm::EnumIter, sea_orm::DeriveActiveEnum))]
        #[cfg_attr(feature = "db", sea_orm(rs_type = "String", db_type = "String(sea_orm::sea_query::StringLen::None)"))]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $(#[cfg_attr(feature = "db", sea_orm(string_value = $s))] $var),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$var),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$var => $s),+ }
            }

            pub fn parse(s: &str) -> Option<$name> {
                match s { $($s => Some($name::$var),)+ _ => None }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

pub mod access;
pub mod account;
pub mod activities;
pub mod documents;
pub mod ethnic;
pub mod inspections;
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
