//! The write actions of Thamgia, one function per action, below HTTP.
//!
//! Every action takes an [`Act`] (the database, the principal, the time) and a
//! typed input, and does once, in this order:
//! 1. **permission** — `act.require(Permission::…)`;
//! 2. **load in scope** — the target through the store's scoped getter, then
//!    the ownership rule of `thamgia_domain::access` (and the year lock, which
//!    the store checks inside its write transaction);
//! 3. **checks** — every field, every error at once, as [`Fields`];
//! 4. **the store call**;
//! 5. **conflicts to fields** — a store conflict becomes the field it names.
//!
//! No axum, askama or utoipa type enters this crate (its `Cargo.toml` is the
//! proof). A page parses its form into the input and renders the outcome; the
//! API deserialises JSON into the same input and serialises. Inputs carry
//! what a person or a client sends where the value must be looked up or read
//! (unit and agency codes, kinds, dates as `dd/mm/yyyy` or `yyyy-mm-dd`), so
//! the one reading of them, with its field errors, lives here too.
//!
//! To add an action, read `matters.rs`: an input type, a `create`/`update`
//! function, and its entry in the module's `ACTIONS` (`catalog::all` gathers
//! them; the access test walks that list).

pub mod activities;
pub mod agency_reports;
pub mod annual_plans;
pub mod catalog;
pub mod clubs;
pub mod consultations;
pub mod councils;
mod error;
pub mod forums;
pub mod funding;
pub mod handover;
pub mod inspections;
pub mod matters;
pub mod membership;
pub mod models;
pub mod moderation;
pub mod people;
pub mod population;
pub mod recommendations;
pub mod reminders;
pub mod reports;
pub mod responses;
pub mod results;
pub mod reviews;

pub use error::{ActionError, ActionResult, Fields, choice, invalid, invalid_one};

use chrono::{DateTime, Utc};
use sea_orm::DatabaseConnection;
use thamgia_domain::access::{Actor, Permission, Principal};

/// Who acts, on which database, when.
#[derive(Clone, Copy)]
pub struct Act<'a> {
    pub db: &'a DatabaseConnection,
    pub p: &'a Principal,
    pub now: DateTime<Utc>,
}

impl<'a> Act<'a> {
    pub fn new(db: &'a DatabaseConnection, p: &'a Principal, now: DateTime<Utc>) -> Self {
        Act { db, p, now }
    }

    /// The permission this action needs, or `Forbidden`.
    pub fn require(&self, perm: Permission) -> ActionResult<()> {
        if self.p.can(perm) {
            Ok(())
        } else {
            Err(ActionError::Forbidden)
        }
    }

    /// The actor the audit trail records.
    pub fn actor(&self) -> Actor {
        Actor::from(self.p)
    }
}
