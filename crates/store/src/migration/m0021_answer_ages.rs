//! Children's answers by single year of age: `agg_responses.age_band` (the
//! bands 6–10 and 11–15 that were constants) becomes `age`, the answer's own
//! age (`"6"` … `"15"`) or `unknown` when none was given, so that any plan's
//! age bands and any measure's age range (7–15, 9–12, 11+) is a sum of rows.
//! The key stays `NOT NULL` (an upsert needs it): "not given" is the
//! `unknown` sentinel, kept as its own part rather than dropped.
//!
//! The rows are refilled from `responses` (`INSERT … SELECT … GROUP BY`, the
//! same SQL on SQLite and PostgreSQL but for the year of a timestamp);
//! [`backfill`] is that statement, which `store::aggregates::rebuild` reuses.

use sea_orm::DbBackend;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The statement that fills an empty `agg_responses` from the responses.
pub(crate) fn backfill(backend: DbBackend) -> Vec<String> {
    let created = match backend {
        DbBackend::Sqlite => "CAST(strftime('%Y', r.created_at) AS INTEGER)".to_string(),
        _ => "CAST(EXTRACT(YEAR FROM r.created_at AT TIME ZONE 'UTC') AS INTEGER)".to_string(),
    };
    vec![format!(
        "INSERT INTO agg_responses (year, unit_id, age, sex, ethnic, n) \
         SELECT {created}, k.unit_id, \
         CASE WHEN r.age BETWEEN 6 AND 15 THEN CAST(r.age AS VARCHAR(8)) ELSE 'unknown' END, \
         COALESCE(r.sex, 'unknown'), COALESCE(r.ethnic, 'unknown'), COUNT(*) \
         FROM responses r JOIN consultations k ON k.id = r.consultation_id \
         GROUP BY 1, 2, 3, 4, 5"
    )]
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let conn = m.get_connection();
        conn.execute_unprepared("DELETE FROM agg_responses").await?;
        conn.execute_unprepared("ALTER TABLE agg_responses RENAME COLUMN age_band TO age")
            .await?;
        for sql in backfill(m.get_database_backend()) {
            conn.execute_unprepared(&sql).await?;
        }
        Ok(())
    }
}
