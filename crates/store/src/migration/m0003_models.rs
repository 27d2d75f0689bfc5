//! The three participation models: identified children with their consents,
//! forums (with sessions and delegates), councils (members, dialogues), clubs
//! (members, activities), and the recommendations children make there.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use super::{fk, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // Children stored by name: only council and club members and forum
        // delegates, only with consent. Withdrawal replaces name and contact
        // with a pseudonym (`pseudonymised_at` set) and keeps the anonymous history.
        m.create_table(
            Table::create()
                .table("people")
                .col(pk_auto("id"))
                .col(string("full_name"))
                .col(date_null("birth_date"))
                .col(string_null("sex"))
                .col(string_null("ethnic"))
                .col(boolean_null("disability"))
                .col(integer("unit_id"))
                .col(string_null("school_or_commune"))
                .col(string_null("guardian_contact"))
                .col(timestamp_with_time_zone_null("pseudonymised_at"))
                .col(integer_null("created_by"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk("people", "unit_id", "units", false))
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("consents")
                .col(pk_auto("id"))
                .col(integer("person_id"))
                .col(string("guardian_name"))
                .col(string("guardian_relation"))
                // written | verbal | electronic
                .col(string("guardian_method"))
                .col(date("guardian_date"))
                .col(boolean("child_agreed"))
                .col(date_null("child_date"))
                .col(text("purpose"))
                .col(integer_null("recorded_by"))
                .col(timestamp_with_time_zone("recorded_at"))
                .col(timestamp_with_time_zone_null("withdrawn_at"))
                .col(integer_null("withdrawn_by"))
                .foreign_key(&mut fk("consents", "person_id", "people", true))
                .take(),
        )
        .await?;
        m.create_index(index("consents", "consents_person", &["person_id"]))
            .await?;
        m.create_table(
            Table::create()
                .table("forums")
                .col(pk_auto("id"))
                // national | province | district | commune | other
                .col(string("level"))
                .col(integer("unit_id"))
                .col(integer("year"))
                .col(string("theme"))
                .col(date("starts_on"))
                .col(date("ends_on"))
                .col(string("venue"))
                .col(integer("organiser_agency_id"))
                .col(integer("girls"))
                .col(integer("boys"))
                .col(integer("age_6_10"))
                .col(integer("age_11_15"))
                .col(integer("ethnic_minority"))
                .col(integer("with_disability"))
                .col(integer("adults_in_charge"))
                .col(integer("volunteers"))
                .col(integer("guests"))
                .col(date_null("report_submitted_on"))
                .col(integer_null("created_by"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk("forums", "unit_id", "units", false))
                .foreign_key(&mut fk("forums", "organiser_agency_id", "agencies", false))
                .take(),
        )
        .await?;
        m.create_index(index("forums", "forums_unit_year", &["unit_id", "year"]))
            .await?;
        m.create_table(
            Table::create()
                .table("forum_delegates")
                .col(integer("forum_id"))
                .col(integer("person_id"))
                .primary_key(Index::create().col("forum_id").col("person_id"))
                .foreign_key(&mut fk("forum_delegates", "forum_id", "forums", true))
                .foreign_key(&mut fk("forum_delegates", "person_id", "people", false))
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("forum_sessions")
                .col(pk_auto("id"))
                .col(integer("forum_id"))
                // discussion | dialogue
                .col(string("kind"))
                .col(string("title"))
                .col(date("held_on"))
                .col(integer_null("consultation_id"))
                .foreign_key(&mut fk("forum_sessions", "forum_id", "forums", true))
                .foreign_key(&mut fk(
                    "forum_sessions",
                    "consultation_id",
                    "consultations",
                    false,
                ))
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("councils")
                .col(pk_auto("id"))
                // One council per unit (district).
                .col(integer_uniq("unit_id"))
                .col(string("name"))
                .col(date("established_on"))
                .col(integer_null("created_by"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk("councils", "unit_id", "units", false))
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("council_members")
                .col(pk_auto("id"))
                .col(integer("council_id"))
                .col(integer("person_id"))
                // chair | vice_chair | secretary | member
                .col(string("role"))
                .col(date("term_start"))
                .col(date_null("term_end"))
                .foreign_key(&mut fk("council_members", "council_id", "councils", true))
                .foreign_key(&mut fk("council_members", "person_id", "people", false))
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("council_dialogues")
                .col(pk_auto("id"))
                .col(integer("council_id"))
                .col(date("held_on"))
                .col(integer("year"))
                // People's Council representatives who attended (names of adults).
                .col(text("attendees"))
                .col(text("issues"))
                .col(integer("children_present"))
                .col(integer_null("consultation_id"))
                .col(integer_null("created_by"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk("council_dialogues", "council_id", "councils", true))
                .foreign_key(&mut fk(
                    "council_dialogues",
                    "consultation_id",
                    "consultations",
                    false,
                ))
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("clubs")
                .col(pk_auto("id"))
                // The district (or commune) the club counts for.
                .col(integer("unit_id"))
                // school | community
                .col(string("setting"))
                // The school or village where it meets, when it is a unit.
                .col(integer_null("host_unit_id"))
                .col(string("name"))
                .col(date("founded_on"))
                .col(date_null("closed_on"))
                .col(integer_null("created_by"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk("clubs", "unit_id", "units", false))
                .foreign_key(&mut fk("clubs", "host_unit_id", "units", false))
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("club_members")
                .col(pk_auto("id"))
                .col(integer("club_id"))
                .col(integer("person_id"))
                .col(boolean("is_leader"))
                .col(date("joined_on"))
                .col(date_null("left_on"))
                .foreign_key(&mut fk("club_members", "club_id", "clubs", true))
                .foreign_key(&mut fk("club_members", "person_id", "people", false))
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("club_activities")
                .col(pk_auto("id"))
                .col(integer("club_id"))
                .col(date("held_on"))
                .col(integer("year"))
                .col(string("topic"))
                .col(integer("girls"))
                .col(integer("boys"))
                .col(integer_null("created_by"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk("club_activities", "club_id", "clubs", true))
                .take(),
        )
        .await?;
        m.create_index(index(
            "club_activities",
            "club_activities_year",
            &["club_id", "year"],
        ))
        .await?;
        m.create_table(
            Table::create()
                .table("recommendations")
                .col(pk_auto("id"))
                // forum | council_dialogue | club
                .col(string("source"))
                .col(integer("source_id"))
                .col(integer("unit_id"))
                .col(integer("year"))
                .col(text("text"))
                .col(string("topic"))
                .col(integer("agency_id"))
                .col(date("deadline"))
                // received | assigned | in_progress | answered
                .col(string("status"))
                // accepted | partly_accepted | not_accepted
                .col(string_null("outcome"))
                .col(text_null("answer"))
                .col(text_null("reason"))
                .col(text_null("feedback"))
                .col(date_null("answered_on"))
                .col(integer_null("answered_by"))
                .col(integer_null("created_by"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(&mut fk("recommendations", "unit_id", "units", false))
                .foreign_key(&mut fk("recommendations", "agency_id", "agencies", false))
                .take(),
        )
        .await?;
        m.create_index(index(
            "recommendations",
            "recommendations_agency",
            &["agency_id", "status"],
        ))
        .await?;
        m.create_index(index(
            "recommendations",
            "recommendations_source",
            &["source", "source_id"],
        ))
        .await?;
        Ok(())
    }
}
