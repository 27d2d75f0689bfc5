//! The spine: units, agencies, accounts, sessions, tokens, plans and the audit log.

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
                .table("units")
                .col(pk_auto("id"))
                .col(string_uniq("code"))
                .col(string("name_vi"))
                .col(string("name_en"))
                .col(string("level"))
                .col(integer_null("parent_id"))
                // `/12/106/`: the codes from the root; scoping is a prefix test.
                .col(string("path"))
                .col(date_null("valid_from"))
                .col(date_null("valid_to"))
                .foreign_key(&mut fk("units", "parent_id", "units", false))
                .take(),
        )
        .await?;
        m.create_index(index("units", "units_path", &["path"]))
            .await?;
        m.create_table(
            Table::create()
                .table("unit_successors")
                .col(integer("unit_id"))
                .col(integer("successor_id"))
                .primary_key(Index::create().col("unit_id").col("successor_id"))
                .foreign_key(&mut fk("unit_successors", "unit_id", "units", true))
                .foreign_key(&mut fk("unit_successors", "successor_id", "units", false))
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("agencies")
                .col(pk_auto("id"))
                .col(string_uniq("code"))
                .col(string("name_vi"))
                .col(string("name_en"))
                .col(string_null("short_vi"))
                .col(string("kind"))
                .col(integer("unit_id"))
                .foreign_key(&mut fk("agencies", "unit_id", "units", false))
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("users")
                .col(pk_auto("id"))
                .col(string_uniq("username"))
                .col(string("display_name"))
                .col(string("password_hash"))
                .col(string("role"))
                .col(integer("unit_id"))
                .col(integer_null("agency_id"))
                .col(boolean("active"))
                .col(string_null("locale"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk("users", "unit_id", "units", false))
                .foreign_key(&mut fk("users", "agency_id", "agencies", false))
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("sessions")
                // sha256 of the cookie value: a stolen database holds no live session.
                .col(string("id").primary_key())
                .col(integer("user_id"))
                .col(string("csrf_token"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("expires_at"))
                .foreign_key(&mut fk("sessions", "user_id", "users", true))
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("api_tokens")
                .col(pk_auto("id"))
                .col(integer("user_id"))
                .col(string_uniq("token_hash"))
                .col(string("label"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone_null("last_used_at"))
                .col(timestamp_with_time_zone_null("revoked_at"))
                .foreign_key(&mut fk("api_tokens", "user_id", "users", true))
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("login_failures")
                .col(big_pk_auto("id"))
                .col(string("username"))
                // A salted hash of the client address: throttling without storing IPs.
                .col(string("client"))
                .col(timestamp_with_time_zone("at"))
                .take(),
        )
        .await?;
        m.create_index(index(
            "login_failures",
            "login_failures_user",
            &["username", "at"],
        ))
        .await?;
        m.create_index(index(
            "login_failures",
            "login_failures_client",
            &["client", "at"],
        ))
        .await?;
        m.create_table(
            Table::create()
                .table("plans")
                .col(pk_auto("id"))
                .col(string("code"))
                .col(integer("version"))
                .col(string("fingerprint"))
                .col(string("name_vi"))
                .col(string("name_en"))
                .col(string("issuer_vi"))
                .col(string("issuer_en"))
                .col(integer("issuer_unit_id"))
                .col(date("document_date"))
                .col(text_null("based_on_vi"))
                .col(text_null("based_on_en"))
                .col(integer("period_start"))
                .col(integer("period_end"))
                .col(string("subject_vi"))
                .col(string("subject_en"))
                .col(integer("subject_min_age"))
                .col(integer("subject_max_age"))
                .col(text("scope_vi"))
                .col(text("scope_en"))
                .col(integer("coordinator_agency_id"))
                // The validated plan as JSON and the file as imported, for audit and re-export.
                .col(text("document"))
                .col(text("source"))
                .col(timestamp_with_time_zone("imported_at"))
                .col(string("imported_by"))
                .foreign_key(&mut fk("plans", "issuer_unit_id", "units", false))
                .foreign_key(&mut fk("plans", "coordinator_agency_id", "agencies", false))
                .index(
                    Index::create()
                        .name("plans_code_version")
                        .col("code")
                        .col("version")
                        .unique(),
                )
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("plan_units")
                .col(integer("plan_id"))
                .col(integer("unit_id"))
                .col(integer("ord"))
                .primary_key(Index::create().col("plan_id").col("unit_id"))
                .foreign_key(&mut fk("plan_units", "plan_id", "plans", true))
                .foreign_key(&mut fk("plan_units", "unit_id", "units", false))
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("plan_settings")
                .col(integer("plan_id"))
                .col(string("key"))
                .col(big_integer("value"))
                .primary_key(Index::create().col("plan_id").col("key"))
                .foreign_key(&mut fk("plan_settings", "plan_id", "plans", true))
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("plan_texts")
                .col(pk_auto("id"))
                .col(integer("plan_id"))
                // purpose | general | specific
                .col(string("kind"))
                .col(integer("ord"))
                .col(text("text_vi"))
                .col(text("text_en"))
                .col(string_null("indicator_code"))
                .foreign_key(&mut fk("plan_texts", "plan_id", "plans", true))
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("indicators")
                .col(pk_auto("id"))
                .col(integer("plan_id"))
                .col(string("code"))
                .col(integer("ord"))
                .col(string("name_vi"))
                .col(string("name_en"))
                .col(string("unit"))
                .col(double("target"))
                .col(text("definition_vi"))
                .col(text("definition_en"))
                .col(text_null("numerator_vi"))
                .col(text_null("numerator_en"))
                .col(text_null("denominator_vi"))
                .col(text_null("denominator_en"))
                .foreign_key(&mut fk("indicators", "plan_id", "plans", true))
                .index(
                    Index::create()
                        .name("indicators_plan_code")
                        .col("plan_id")
                        .col("code")
                        .unique(),
                )
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("indicator_targets")
                .col(pk_auto("id"))
                .col(integer("indicator_id"))
                .col(integer_null("year"))
                .col(integer_null("unit_id"))
                .col(double("value"))
                .foreign_key(&mut fk(
                    "indicator_targets",
                    "indicator_id",
                    "indicators",
                    true,
                ))
                .foreign_key(&mut fk("indicator_targets", "unit_id", "units", false))
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("projects")
                .col(pk_auto("id"))
                .col(integer("plan_id"))
                .col(string("code"))
                .col(integer("ord"))
                .col(string("kind"))
                .col(string_null("parent_code"))
                .col(string("name_vi"))
                .col(string("name_en"))
                .col(text("goal_vi"))
                .col(text("goal_en"))
                .col(text_null("target_vi"))
                .col(text_null("target_en"))
                // Comma-separated indicator codes the project or model serves.
                .col(string("indicator_codes"))
                .foreign_key(&mut fk("projects", "plan_id", "plans", true))
                .index(
                    Index::create()
                        .name("projects_plan_code")
                        .col("plan_id")
                        .col("code")
                        .unique(),
                )
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("project_agencies")
                .col(integer("project_id"))
                .col(integer("agency_id"))
                // lead | coordinating
                .col(string("role"))
                .col(integer("ord"))
                .primary_key(Index::create().col("project_id").col("agency_id"))
                .foreign_key(&mut fk("project_agencies", "project_id", "projects", true))
                .foreign_key(&mut fk("project_agencies", "agency_id", "agencies", false))
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("funding_sources")
                .col(pk_auto("id"))
                .col(integer("plan_id"))
                .col(string("code"))
                .col(integer("ord"))
                .col(string("name_vi"))
                .col(string("name_en"))
                .foreign_key(&mut fk("funding_sources", "plan_id", "plans", true))
                .index(
                    Index::create()
                        .name("funding_plan_code")
                        .col("plan_id")
                        .col("code")
                        .unique(),
                )
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("reporting_duties")
                .col(pk_auto("id"))
                .col(integer("plan_id"))
                .col(integer("ord"))
                .col(string("reporter"))
                .col(integer("recipient_agency_id"))
                .col(integer_null("via_agency_id"))
                .col(string("frequency"))
                .col(text("text_vi"))
                .col(text("text_en"))
                .foreign_key(&mut fk("reporting_duties", "plan_id", "plans", true))
                .foreign_key(&mut fk(
                    "reporting_duties",
                    "recipient_agency_id",
                    "agencies",
                    false,
                ))
                .foreign_key(&mut fk(
                    "reporting_duties",
                    "via_agency_id",
                    "agencies",
                    false,
                ))
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("audit_log")
                .col(big_pk_auto("id"))
                .col(timestamp_with_time_zone("at"))
                // No foreign key: the trail outlives the account.
                .col(integer_null("actor_user_id"))
                .col(string("actor"))
                .col(string("action"))
                .col(string("entity"))
                .col(string("entity_id"))
                .col(text_null("before"))
                .col(text_null("after"))
                .take(),
        )
        .await?;
        m.create_index(index("audit_log", "audit_entity", &["entity", "entity_id"]))
            .await?;
        Ok(())
    }
}
