//! Group tallies synced late by a facilitator's offline device.
//!
//! `late_tally_syncs`: a group tally accepted after its consultation closed,
//! because it was made while the consultation was open (judged on the
//! corrected device time, as `late_syncs` does for a child's response);
//! counted like any other tally, marked here. A table of its own rather than
//! a second column in `late_syncs`, whose `response_id` is required.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use super::fk;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("late_tally_syncs")
                .col(pk_auto("id"))
                .col(integer_uniq("tally_id"))
                .col(integer_null("device_id"))
                .col(timestamp_with_time_zone("made_at"))
                .col(timestamp_with_time_zone("synced_at"))
                .foreign_key(&mut fk(
                    "late_tally_syncs",
                    "tally_id",
                    "group_tallies",
                    true,
                ))
                .take(),
        )
        .await?;
        Ok(())
    }
}
