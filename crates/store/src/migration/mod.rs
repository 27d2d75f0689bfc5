//! Schema migrations, embedded in the binary and run at start.
//!
//! One set for both databases: tables are described with sea-query's builder,
//! which writes each backend's own DDL. A migration is never edited once it has
//! shipped; changes go in a new file.

use sea_orm_migration::prelude::*;

mod m0001_spine;
mod m0002_voice;
mod m0003_models;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m0001_spine::Migration),
            Box::new(m0002_voice::Migration),
            Box::new(m0003_models::Migration),
        ]
    }
}
