//! Maintained aggregates for the rest of the plan's figures: `T1`–`T3`
//! (matters and how many of them count as consulted) and `M1`–`M3`, `T4`
//! (forums, council dialogues and club activities), kept up to date by
//! `store::aggregates` in the same transaction as every write that changes
//! them, like the tables of migration 0007.
//!
//! - `matter_consulted` holds the id of every matter that counts as consulted
//!   now (`voice_queries::consulted_matters`: a consultation of it received a
//!   response or a group tally, closed and published its answer). It is the
//!   remembered state that lets a write know whether the matter's state
//!   changed, so `agg_matters` moves by exactly one.
//! - `agg_matters(year, unit_id, kind)`: matters registered in the unit for
//!   the decision's year (`total`) and those among them consulted.
//! - `agg_models(year, unit_id)`: forums held by the unit at its own level
//!   (a district forum recorded at a district), dialogues of the unit's
//!   council, activities of its clubs and how many of its clubs were active.
//!
//! The migration fills the tables from the rows already there; [`backfill`]
//! is the same SQL, which `store::aggregates::rebuild` reuses.

use sea_orm::DbBackend;
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use super::fk;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The statements that fill the empty tables from the raw records, in order
/// (`agg_matters` reads `matter_consulted`).
pub(crate) fn backfill(_backend: DbBackend) -> Vec<String> {
    vec![
        "INSERT INTO matter_consulted (matter_id) \
         SELECT DISTINCT k.matter_id FROM consultations k \
         WHERE k.matter_id IS NOT NULL \
         AND k.closed_at IS NOT NULL AND k.answer_published_at IS NOT NULL \
         AND (EXISTS (SELECT 1 FROM responses r WHERE r.consultation_id = k.id) \
              OR EXISTS (SELECT 1 FROM group_tallies t WHERE t.consultation_id = k.id))"
            .to_string(),
        "INSERT INTO agg_matters (year, unit_id, kind, total, consulted) \
         SELECT m.year, m.unit_id, m.kind, COUNT(*), \
         SUM(CASE WHEN c.matter_id IS NULL THEN 0 ELSE 1 END) \
         FROM matters m LEFT JOIN matter_consulted c ON c.matter_id = m.id \
         GROUP BY m.year, m.unit_id, m.kind"
            .to_string(),
        "INSERT INTO agg_models (year, unit_id, forums, dialogues, club_activities, active_clubs) \
         SELECT x.year, x.unit_id, SUM(x.f), SUM(x.d), SUM(x.a), SUM(x.c) FROM ( \
           SELECT f.year AS year, f.unit_id AS unit_id, 1 AS f, 0 AS d, 0 AS a, 0 AS c \
           FROM forums f JOIN units u ON u.id = f.unit_id WHERE f.level = u.level \
           UNION ALL \
           SELECT d.year, k.unit_id, 0, 1, 0, 0 \
           FROM council_dialogues d JOIN councils k ON k.id = d.council_id \
           UNION ALL \
           SELECT a.year, k.unit_id, 0, 0, COUNT(*), 1 \
           FROM club_activities a JOIN clubs k ON k.id = a.club_id \
           GROUP BY a.year, k.unit_id, a.club_id \
         ) x GROUP BY x.year, x.unit_id"
            .to_string(),
    ]
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("matter_consulted")
                .col(integer("matter_id").primary_key())
                .foreign_key(&mut fk("matter_consulted", "matter_id", "matters", true))
                .take(),
        )
        .await?;
        // T1–T3: matters by the decision's year, unit and kind.
        m.create_table(
            Table::create()
                .table("agg_matters")
                .col(integer("year"))
                .col(integer("unit_id"))
                .col(string("kind"))
                .col(big_integer("total"))
                .col(big_integer("consulted"))
                .primary_key(Index::create().col("year").col("unit_id").col("kind"))
                .foreign_key(&mut fk("agg_matters", "unit_id", "units", false))
                .take(),
        )
        .await?;
        // M1–M3 and T4: what each unit did with the three models in a year.
        m.create_table(
            Table::create()
                .table("agg_models")
                .col(integer("year"))
                .col(integer("unit_id"))
                .col(big_integer("forums"))
                .col(big_integer("dialogues"))
                .col(big_integer("club_activities"))
                .col(big_integer("active_clubs"))
                .primary_key(Index::create().col("year").col("unit_id"))
                .foreign_key(&mut fk("agg_models", "unit_id", "units", false))
                .take(),
        )
        .await?;
        let conn = m.get_connection();
        for sql in backfill(m.get_database_backend()) {
            conn.execute_unprepared(&sql).await?;
        }
        Ok(())
    }
}
