//! Inspections (kiểm tra) and supervision (giám sát): the plan of a year
//! (one row per planned inspection: its kind, the inspected unit or agency,
//! the inspecting unit and agency, the team, the subject and the planned
//! date), the visit on the same row (date, findings, participants — the
//! officials present, never children), the recommendations made to the
//! inspected party with their deadlines and states, and the follow-up notes
//! of each until the inspector closes it.

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
                .table("inspections")
                .col(pk_auto("id"))
                .col(integer("year"))
                .col(text("kind"))
                .col(integer("unit_id"))
                .col(integer_null("agency_id"))
                .col(integer("inspector_unit_id"))
                .col(integer_null("inspector_agency_id"))
                .col(text("team"))
                .col(text("subject"))
                .col(date("planned_on"))
                .col(date_null("visited_on"))
                .col(text("findings"))
                .col(text("participants"))
                .col(integer_null("created_by"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(&mut fk("inspections", "unit_id", "units", false))
                .foreign_key(&mut fk("inspections", "agency_id", "agencies", false))
                .foreign_key(&mut fk("inspections", "inspector_unit_id", "units", false))
                .foreign_key(&mut fk(
                    "inspections",
                    "inspector_agency_id",
                    "agencies",
                    false,
                ))
                .foreign_key(&mut fk("inspections", "created_by", "users", false))
                .take(),
        )
        .await?;
        m.create_index(index(
            "inspections",
            "inspections_year",
            &["year", "unit_id"],
        ))
        .await?;
        m.create_table(
            Table::create()
                .table("inspection_recommendations")
                .col(pk_auto("id"))
                .col(integer("inspection_id"))
                .col(text("text"))
                .col(date("deadline"))
                .col(text("state"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(&mut fk(
                    "inspection_recommendations",
                    "inspection_id",
                    "inspections",
                    true,
                ))
                .take(),
        )
        .await?;
        m.create_index(index(
            "inspection_recommendations",
            "inspection_recommendations_inspection",
            &["inspection_id"],
        ))
        .await?;
        m.create_table(
            Table::create()
                .table("inspection_follow_ups")
                .col(pk_auto("id"))
                .col(integer("recommendation_id"))
                .col(integer("inspection_id"))
                .col(date("noted_on"))
                .col(text("side"))
                .col(text("note"))
                .col(text("state_after"))
                .col(integer_null("user_id"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk(
                    "inspection_follow_ups",
                    "recommendation_id",
                    "inspection_recommendations",
                    true,
                ))
                .foreign_key(&mut fk(
                    "inspection_follow_ups",
                    "inspection_id",
                    "inspections",
                    true,
                ))
                .foreign_key(&mut fk("inspection_follow_ups", "user_id", "users", false))
                .take(),
        )
        .await?;
        m.create_index(index(
            "inspection_follow_ups",
            "inspection_follow_ups_recommendation",
            &["recommendation_id"],
        ))
        .await?;
        Ok(())
    }
}
