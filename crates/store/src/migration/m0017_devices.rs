//! Facilitators' offline devices and the answers they sync late.
//!
//! `devices`: one row per device a facilitator signed in on (the token stored
//! by its SHA-256 only), with what it last reported: when it synced, how many
//! answers it still held, and how far its clock was from the server's.
//! `late_syncs`: a response accepted after its consultation closed, because it
//! was made while the consultation was open (judged on the corrected device
//! time); counted like any other response, marked here.

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
                .table("devices")
                .col(pk_auto("id"))
                .col(integer("user_id"))
                .col(string_uniq("token_hash"))
                .col(string("label"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone_null("last_sync_at"))
                .col(integer_null("last_unsent"))
                .col(big_integer_null("last_offset_seconds"))
                .col(timestamp_with_time_zone_null("revoked_at"))
                .col(integer_null("revoked_by"))
                .foreign_key(&mut fk("devices", "user_id", "users", true))
                .take(),
        )
        .await?;
        m.create_index(index("devices", "devices_user", &["user_id"]))
            .await?;
        m.create_table(
            Table::create()
                .table("late_syncs")
                .col(pk_auto("id"))
                .col(integer_uniq("response_id"))
                .col(integer_null("device_id"))
                .col(timestamp_with_time_zone("made_at"))
                .col(timestamp_with_time_zone("synced_at"))
                .foreign_key(&mut fk("late_syncs", "response_id", "responses", true))
                .take(),
        )
        .await?;
        Ok(())
    }
}
