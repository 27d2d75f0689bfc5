//! Children's voice: matters, consultations, questions, responses, answers,
//! group tallies and safeguarding alerts.

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
                .table("matters")
                .col(pk_auto("id"))
                .col(string("kind"))
                .col(string("title"))
                .col(text("summary"))
                .col(integer("owner_agency_id"))
                .col(integer("unit_id"))
                .col(string("stage"))
                .col(date_null("decision_date"))
                // The year the matter counts in (its decision's year, else the year registered).
                .col(integer("year"))
                .col(integer_null("created_by"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(&mut fk("matters", "owner_agency_id", "agencies", false))
                .foreign_key(&mut fk("matters", "unit_id", "units", false))
                .take(),
        )
        .await?;
        m.create_index(index(
            "matters",
            "matters_unit_year",
            &["unit_id", "year", "kind"],
        ))
        .await?;
        m.create_table(
            Table::create()
                .table("consultations")
                .col(pk_auto("id"))
                .col(integer_null("matter_id"))
                .col(integer("unit_id"))
                .col(string("title"))
                .col(text("intro"))
                .col(string("method"))
                .col(integer("age_min"))
                .col(integer("age_max"))
                .col(date("opens_on"))
                .col(date("closes_on"))
                .col(integer_null("facilitator_id"))
                .col(string_uniq("join_code"))
                .col(string("status"))
                .col(text_null("findings"))
                .col(text_null("answer_decided"))
                .col(text_null("answer_taken"))
                .col(text_null("answer_not_taken"))
                .col(timestamp_with_time_zone_null("closed_at"))
                .col(timestamp_with_time_zone_null("answer_published_at"))
                .col(integer_null("created_by"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk("consultations", "matter_id", "matters", false))
                .foreign_key(&mut fk("consultations", "unit_id", "units", false))
                .foreign_key(&mut fk("consultations", "facilitator_id", "users", false))
                .take(),
        )
        .await?;
        m.create_index(index(
            "consultations",
            "consultations_matter",
            &["matter_id"],
        ))
        .await?;
        m.create_table(
            Table::create()
                .table("consultation_units")
                .col(integer("consultation_id"))
                .col(integer("unit_id"))
                .primary_key(Index::create().col("consultation_id").col("unit_id"))
                .foreign_key(&mut fk(
                    "consultation_units",
                    "consultation_id",
                    "consultations",
                    true,
                ))
                .foreign_key(&mut fk("consultation_units", "unit_id", "units", false))
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("questions")
                .col(pk_auto("id"))
                .col(integer("consultation_id"))
                .col(integer("ord"))
                .col(string("kind"))
                .col(text("text_vi"))
                .col(text_null("text_en"))
                .col(boolean("required"))
                .foreign_key(&mut fk(
                    "questions",
                    "consultation_id",
                    "consultations",
                    true,
                ))
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("question_options")
                .col(pk_auto("id"))
                .col(integer("question_id"))
                .col(integer("ord"))
                .col(string("label_vi"))
                .col(string_null("label_en"))
                // An emoji or a short picture name shown beside the words.
                .col(string_null("emoji"))
                .foreign_key(&mut fk(
                    "question_options",
                    "question_id",
                    "questions",
                    true,
                ))
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("responses")
                .col(pk_auto("id"))
                .col(integer("consultation_id"))
                .col(string("submission_id"))
                // SHA-256 of the submission's content: the same id with other content is a conflict.
                .col(string("content_hash"))
                .col(string("source"))
                .col(integer_null("age"))
                .col(string_null("sex"))
                .col(string_null("ethnic"))
                .col(boolean_null("disability"))
                .col(integer_null("unit_id"))
                .col(integer_null("entered_by"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk(
                    "responses",
                    "consultation_id",
                    "consultations",
                    true,
                ))
                .foreign_key(&mut fk("responses", "unit_id", "units", false))
                .index(
                    Index::create()
                        .name("responses_submission")
                        .col("consultation_id")
                        .col("submission_id")
                        .unique(),
                )
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("answers")
                .col(pk_auto("id"))
                .col(integer("response_id"))
                .col(integer("question_id"))
                .col(integer_null("option_id"))
                // Ranking position (1 = first) or face value (1..=5).
                .col(integer_null("value"))
                .col(text_null("text"))
                .col(string_null("moderation"))
                .col(boolean("redacted"))
                .col(integer_null("moderated_by"))
                .col(timestamp_with_time_zone_null("moderated_at"))
                .foreign_key(&mut fk("answers", "response_id", "responses", true))
                .foreign_key(&mut fk("answers", "question_id", "questions", true))
                .foreign_key(&mut fk("answers", "option_id", "question_options", false))
                .take(),
        )
        .await?;
        m.create_index(index("answers", "answers_question", &["question_id"]))
            .await?;
        m.create_index(index("answers", "answers_response", &["response_id"]))
            .await?;
        m.create_table(
            Table::create()
                .table("group_tallies")
                .col(pk_auto("id"))
                .col(integer("consultation_id"))
                .col(string("submission_id"))
                .col(string("label"))
                .col(integer("girls"))
                .col(integer("boys"))
                .col(integer("age_6_10"))
                .col(integer("age_11_15"))
                .col(integer_null("entered_by"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk(
                    "group_tallies",
                    "consultation_id",
                    "consultations",
                    true,
                ))
                .index(
                    Index::create()
                        .name("group_tallies_submission")
                        .col("consultation_id")
                        .col("submission_id")
                        .unique(),
                )
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("group_tally_counts")
                .col(integer("tally_id"))
                .col(integer("option_id"))
                .col(integer("count"))
                .primary_key(Index::create().col("tally_id").col("option_id"))
                .foreign_key(&mut fk(
                    "group_tally_counts",
                    "tally_id",
                    "group_tallies",
                    true,
                ))
                .foreign_key(&mut fk(
                    "group_tally_counts",
                    "option_id",
                    "question_options",
                    false,
                ))
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("safeguarding_alerts")
                .col(pk_auto("id"))
                .col(integer("answer_id"))
                .col(integer("consultation_id"))
                .col(integer("unit_id"))
                .col(text("note"))
                .col(integer_null("raised_by"))
                .col(timestamp_with_time_zone("raised_at"))
                .col(timestamp_with_time_zone_null("resolved_at"))
                .col(integer_null("resolved_by"))
                .foreign_key(&mut fk("safeguarding_alerts", "answer_id", "answers", true))
                .foreign_key(&mut fk(
                    "safeguarding_alerts",
                    "consultation_id",
                    "consultations",
                    true,
                ))
                .foreign_key(&mut fk("safeguarding_alerts", "unit_id", "units", false))
                .take(),
        )
        .await?;
        Ok(())
    }
}
