//! Every agency reports: one yearly report per agency (a department or union
//! owing a `[[reporting]]` duty) through the same chain as the units' reports
//! (draft → submitted → returned with a reason → approved), with a narrative
//! per duty of the plan, the figures frozen at each submission, and the
//! history of its moves. An approved report locks the agency's records of the
//! year (its activities), as a unit's approved report locks its subtree.

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
                .table("agency_reports")
                .col(pk_auto("id"))
                .col(integer("agency_id"))
                .col(integer("year"))
                // draft | submitted | returned | approved (domain::reports::ReportStatus)
                .col(string("status"))
                // The narrative per duty: a JSON object, duty code → text.
                .col(text("narratives"))
                // The agency's figures as they stood at the last submission (JSON).
                .col(text_null("figures"))
                .col(date("due_on"))
                .col(date_null("first_submitted_on"))
                .col(timestamp_with_time_zone_null("submitted_at"))
                .col(timestamp_with_time_zone_null("approved_at"))
                .col(integer_null("approved_by"))
                .col(integer_null("created_by"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(&mut fk("agency_reports", "agency_id", "agencies", false))
                .take(),
        )
        .await?;
        m.create_index(
            index(
                "agency_reports",
                "agency_reports_agency_year",
                &["agency_id", "year"],
            )
            .unique()
            .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("agency_report_events")
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
                .foreign_key(&mut fk(
                    "agency_report_events",
                    "report_id",
                    "agency_reports",
                    true,
                ))
                .take(),
        )
        .await?;
        m.create_index(index(
            "agency_report_events",
            "agency_report_events_report",
            &["report_id"],
        ))
        .await?;
        Ok(())
    }
}
