//! Reminders (đôn đốc): who reminded which unit or agency, about what
//! overdue item and its due date (the reminders sent at once share a
//! `batch`, which is one letter), and, per recipient, the state of the
//! e-mail that carried it. Users get an optional e-mail address.
//!
//! A mail is claimed with one `UPDATE … WHERE state = 'pending'` (or a
//! `sending` claim older than the lease), so two servers on one database
//! never both send it; `claimed_at` lets a claim left by a crash be taken
//! again on restart. An automatic reminder (the server's own round) carries
//! an `auto_key` (item and due date), unique, so it is written once however
//! many servers run the round.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use super::{fk, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table("users")
                .add_column(text_null("email"))
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("reminders")
                .col(pk_auto("id"))
                .col(text("batch"))
                .col(integer_null("sent_by"))
                .col(integer("from_unit_id"))
                .col(integer("unit_id"))
                .col(integer_null("agency_id"))
                .col(text("kind"))
                .col(text("reference"))
                .col(text("subject"))
                .col(date("due_on"))
                .col(timestamp_with_time_zone("created_at"))
                .col(text_null("auto_key"))
                .foreign_key(&mut fk("reminders", "sent_by", "users", false))
                .foreign_key(&mut fk("reminders", "from_unit_id", "units", false))
                .foreign_key(&mut fk("reminders", "unit_id", "units", false))
                .foreign_key(&mut fk("reminders", "agency_id", "agencies", false))
                .take(),
        )
        .await?;
        m.create_index(index(
            "reminders",
            "reminders_unit",
            &["unit_id", "created_at"],
        ))
        .await?;
        m.create_index(index("reminders", "reminders_batch", &["batch"]))
            .await?;
        m.create_index(
            index("reminders", "reminders_auto_key", &["auto_key"])
                .unique()
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("reminder_mails")
                .col(integer("reminder_id"))
                .col(integer("user_id"))
                .col(text("state"))
                .col(text_null("claim"))
                .col(timestamp_with_time_zone_null("claimed_at"))
                .col(timestamp_with_time_zone_null("sent_at"))
                .primary_key(Index::create().col("reminder_id").col("user_id"))
                .foreign_key(&mut fk("reminder_mails", "reminder_id", "reminders", true))
                .foreign_key(&mut fk("reminder_mails", "user_id", "users", false))
                .take(),
        )
        .await?;
        m.create_index(index("reminder_mails", "reminder_mails_state", &["state"]))
            .await?;
        Ok(())
    }
}
