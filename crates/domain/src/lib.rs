//! The rules of Thamgia, in plain Rust: no HTTP, no SQL.
//!
//! A reader learns here what a unit, a role, a scope or a plan is; the `store`
//! crate persists these things and the `web` crate shows them.

pub mod access;
pub mod account;
pub mod ethnic;
pub mod models;
pub mod plan;
pub mod results;
pub mod voice;
