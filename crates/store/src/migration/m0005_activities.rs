//! Projects 1 and 2 and the money: activities with their coordinating
//! agencies, participants by group and sex, and attached documents; annual
//! activity plans and their planned items; budget lines by year, unit, source
//! and project; spending against activities. Amounts are whole đồng (BIGINT).

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
                .table("activities")
                .col(pk_auto("id"))
                .col(integer("unit_id"))
                // The unit's own reference; (unit_id, code) is unique, so a file
                // imported twice updates its activities instead of duplicating them.
                .col(string("code"))
                // A project code of the plan covering the year (DA1, DA2, MH1, ...).
                .col(string("project_code"))
                // event | training | broadcast | article | publication | contest | meeting | other
                .col(string("kind"))
                .col(string("title"))
                .col(date("starts_on"))
                .col(date("ends_on"))
                .col(integer("lead_agency_id"))
                .col(integer_null("audience"))
                .col(integer_null("copies"))
                .col(text_null("description"))
                .col(integer_null("created_by"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(&mut fk("activities", "unit_id", "units", false))
                .foreign_key(&mut fk("activities", "lead_agency_id", "agencies", false))
                .take(),
        )
        .await?;
        m.create_index(
            index("activities", "activities_unit_code", &["unit_id", "code"])
                .unique()
                .take(),
        )
        .await?;
        m.create_index(index("activities", "activities_starts", &["starts_on"]))
            .await?;
        m.create_table(
            Table::create()
                .table("activity_agencies")
                .col(integer("activity_id"))
                .col(integer("agency_id"))
                .primary_key(Index::create().col("activity_id").col("agency_id"))
                .foreign_key(&mut fk(
                    "activity_agencies",
                    "activity_id",
                    "activities",
                    true,
                ))
                .foreign_key(&mut fk("activity_agencies", "agency_id", "agencies", false))
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("activity_participants")
                .col(integer("activity_id"))
                // officials | child_protection | teachers | youth_pioneer | parents | children
                .col(string("grp"))
                .col(integer("female"))
                .col(integer("male"))
                .primary_key(Index::create().col("activity_id").col("grp"))
                .foreign_key(&mut fk(
                    "activity_participants",
                    "activity_id",
                    "activities",
                    true,
                ))
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("activity_documents")
                .col(pk_auto("id"))
                .col(integer("activity_id"))
                .col(string("file_name"))
                .col(string("content_type"))
                .col(integer("size_bytes"))
                .col(blob("content"))
                .col(integer_null("uploaded_by"))
                .col(timestamp_with_time_zone("uploaded_at"))
                .foreign_key(&mut fk(
                    "activity_documents",
                    "activity_id",
                    "activities",
                    true,
                ))
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("annual_plans")
                .col(pk_auto("id"))
                .col(integer("unit_id"))
                // The agency whose plan it is (a district's plan: its labour office).
                .col(integer("agency_id"))
                .col(integer("year"))
                .col(text_null("note"))
                .col(integer_null("created_by"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk("annual_plans", "unit_id", "units", false))
                .foreign_key(&mut fk("annual_plans", "agency_id", "agencies", false))
                .take(),
        )
        .await?;
        m.create_index(
            index(
                "annual_plans",
                "annual_plans_owner_year",
                &["unit_id", "agency_id", "year"],
            )
            .unique()
            .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("annual_plan_items")
                .col(pk_auto("id"))
                .col(integer("annual_plan_id"))
                .col(string("project_code"))
                .col(string("kind"))
                .col(string("title"))
                .col(integer_null("month"))
                .col(integer("planned_participants"))
                .col(big_integer("planned_budget"))
                // The activity that carried the item out, once recorded.
                .col(integer_null("activity_id"))
                .foreign_key(&mut fk(
                    "annual_plan_items",
                    "annual_plan_id",
                    "annual_plans",
                    true,
                ))
                .foreign_key(&mut fk(
                    "annual_plan_items",
                    "activity_id",
                    "activities",
                    false,
                ))
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("budget_lines")
                .col(pk_auto("id"))
                .col(integer("unit_id"))
                .col(integer("year"))
                // A funding-source code of the plan covering the year.
                .col(string("source_code"))
                .col(string("project_code"))
                .col(big_integer("amount"))
                .col(text_null("note"))
                .col(integer_null("created_by"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(&mut fk("budget_lines", "unit_id", "units", false))
                .take(),
        )
        .await?;
        m.create_index(
            index(
                "budget_lines",
                "budget_lines_key",
                &["unit_id", "year", "source_code", "project_code"],
            )
            .unique()
            .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("spendings")
                .col(pk_auto("id"))
                .col(integer("activity_id"))
                .col(string("source_code"))
                .col(date("spent_on"))
                .col(big_integer("amount"))
                // Empty when none; part of the identity below.
                .col(string("note"))
                .col(integer_null("created_by"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk("spendings", "activity_id", "activities", true))
                .take(),
        )
        .await?;
        // The same spending imported twice is one spending.
        m.create_index(
            index(
                "spendings",
                "spendings_identity",
                &["activity_id", "source_code", "spent_on", "amount", "note"],
            )
            .unique()
            .take(),
        )
        .await?;
        Ok(())
    }
}
