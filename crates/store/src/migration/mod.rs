//! Schema migrations, embedded in the binary and run at start.
//!
//! One set for both databases: tables are described with sea-query's builder,
//! which writes each backend's own DDL. A migration is never edited once it has
//! shipped; changes go in a new file.

use sea_orm_migration::prelude::*;

mod m0001_spine;
mod m0002_voice;
mod m0003_models;
mod m0004_forum_ethnic;
mod m0005_activities;
mod m0006_reports;
pub(crate) mod m0007_aggregates;
pub(crate) mod m0008_matter_model_aggregates;
mod m0009_mask_published_contacts;
mod m0012_audit_unit;
mod m0014_unit_id_paths;
mod m0015_unit_codes_in_time;
mod m0016_bodies_in_time;
mod m0017_devices;
mod m0019_late_tallies;
mod m0020_child_population;
pub(crate) mod m0021_answer_ages;
pub(crate) mod m0022_model_members;
mod m0023_reviews;
mod m0024_reminders;
mod m0025_agency_reports;
mod m0026_inspections;
mod m0027_max_choices;

pub struct Migrator;

/// A foreign key to `to.id`; `cascade` deletes the child rows with the parent,
/// otherwise deleting a referenced row is refused.
pub(crate) fn fk(
    table: &'static str,
    col: &'static str,
    to: &'static str,
    cascade: bool,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(table, col)
        .to(to, "id")
        .on_delete(if cascade {
            ForeignKeyAction::Cascade
        } else {
            ForeignKeyAction::Restrict
        })
        .take()
}

/// A named index over some columns of a table.
pub(crate) fn index(
    table: &'static str,
    name: &'static str,
    cols: &[&'static str],
) -> IndexCreateStatement {
    let mut i = Index::create();
    i.name(name).table(table);
    for c in cols {
        i.col(*c);
    }
    i.take()
}

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m0001_spine::Migration),
            Box::new(m0002_voice::Migration),
            Box::new(m0003_models::Migration),
            Box::new(m0004_forum_ethnic::Migration),
            Box::new(m0005_activities::Migration),
            Box::new(m0006_reports::Migration),
            Box::new(m0007_aggregates::Migration),
            Box::new(m0008_matter_model_aggregates::Migration),
            Box::new(m0009_mask_published_contacts::Migration),
            Box::new(m0012_audit_unit::Migration),
            Box::new(m0014_unit_id_paths::Migration),
            Box::new(m0015_unit_codes_in_time::Migration),
            Box::new(m0016_bodies_in_time::Migration),
            Box::new(m0017_devices::Migration),
            Box::new(m0019_late_tallies::Migration),
            Box::new(m0020_child_population::Migration),
            Box::new(m0021_answer_ages::Migration),
            Box::new(m0022_model_members::Migration),
            Box::new(m0023_reviews::Migration),
            Box::new(m0024_reminders::Migration),
            Box::new(m0025_agency_reports::Migration),
            Box::new(m0026_inspections::Migration),
            Box::new(m0027_max_choices::Migration),
        ]
    }
}
