//! The child population: children by unit, year, single age and sex — the
//! denominator of every "share of children" measure.
//!
//! `child_population`: one row per unit, year, age (0–17) and sex (`girl`,
//! `boy`, as children's responses store it). `demo` marks figures the demo
//! made up (shown as "Số liệu minh họa" wherever they are used). A unit's
//! figures for a year are replaced as a whole by each import
//! (`store::population::replace`).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use super::{fk, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("child_population")
                .col(integer("unit_id"))
                .col(integer("year"))
                .col(small_integer("age"))
                .col(string_len("sex", 8))
                .col(big_integer("children"))
                .col(boolean("demo"))
                .col(integer_null("updated_by"))
                .col(timestamp_with_time_zone("updated_at"))
                .primary_key(
                    Index::create()
                        .col("unit_id")
                        .col("year")
                        .col("age")
                        .col("sex"),
                )
                .foreign_key(&mut fk("child_population", "unit_id", "units", false))
                .take(),
        )
        .await?;
        m.create_index(index(
            "child_population",
            "child_population_year",
            &["year", "unit_id"],
        ))
        .await?;
        Ok(())
    }
}
