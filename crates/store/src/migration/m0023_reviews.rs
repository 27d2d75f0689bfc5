//! Period reviews (sơ kết, tổng kết): the narrative the coordinator writes
//! for a unit over a span of years. The figures are never stored here: the
//! review reads each year's annual report (frozen once sent up) and applies
//! the span rule (`thamgia_domain::review`) every time it is shown.

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
                .table("reviews")
                .col(pk_auto("id"))
                .col(integer("unit_id"))
                .col(integer("from_year"))
                .col(integer("to_year"))
                .col(text("results"))
                .col(text("difficulties"))
                .col(text("proposals"))
                .col(integer_null("updated_by"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(&mut fk("reviews", "unit_id", "units", false))
                .take(),
        )
        .await?;
        m.create_index(
            index(
                "reviews",
                "reviews_unit_span",
                &["unit_id", "from_year", "to_year"],
            )
            .unique()
            .take(),
        )
        .await?;
        Ok(())
    }
}
