//! The annual report chain: one report per unit and year with its narrative
//! sections and the figures frozen at each submission, the history of its
//! moves (submitted, returned with a reason, approved, reopened), and the
//! years an approval has locked.

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
                .table("reports")
                .col(pk_auto("id"))
                .col(integer("unit_id"))
                .col(integer("year"))
                // draft | submitted | returned | approved
                .col(string("status"))
                // Số và ký hiệu, e.g. "25/BC-UBND"; place and signer for the Decree 30 layout.
                .col(string_null("doc_number"))
                .col(string_null("place"))
                .col(string_null("signer_name"))
                .col(string_null("signer_title"))
                .col(text_null("recipients"))
                .col(text("results"))
                .col(text("difficulties"))
                .col(text("proposals"))
                // The figures as they stood at the last submission (JSON).
                .col(text_null("figures"))
                .col(date("due_on"))
                .col(date_null("first_submitted_on"))
                .col(timestamp_with_time_zone_null("submitted_at"))
                .col(timestamp_with_time_zone_null("approved_at"))
                .col(integer_null("approved_by"))
                .col(integer_null("created_by"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(&mut fk("reports", "unit_id", "units", false))
                .take(),
        )
        .await?;
        m.create_index(
            index("reports", "reports_unit_year", &["unit_id", "year"])
                .unique()
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("report_events")
                .col(pk_auto("id"))
                .col(integer("report_id"))
                // submit | return | approve | reopen
                .col(string("action"))
                .col(string("from_status"))
                .col(string("to_status"))
                .col(text_null("reason"))
                .col(integer_null("actor_id"))
                .col(string("actor_label"))
                .col(timestamp_with_time_zone("at"))
                .foreign_key(&mut fk("report_events", "report_id", "reports", true))
                .take(),
        )
        .await?;
        m.create_index(index(
            "report_events",
            "report_events_report",
            &["report_id"],
        ))
        .await?;
        // An approved report locks its unit's subtree for the year.
        m.create_table(
            Table::create()
                .table("year_locks")
                .col(integer("unit_id"))
                .col(integer("year"))
                .col(integer("report_id"))
                .col(timestamp_with_time_zone("locked_at"))
                .primary_key(Index::create().col("unit_id").col("year"))
                .foreign_key(&mut fk("year_locks", "unit_id", "units", false))
                .foreign_key(&mut fk("year_locks", "report_id", "reports", true))
                .take(),
        )
        .await?;
        Ok(())
    }
}
