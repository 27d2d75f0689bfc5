//! Maintained aggregates: the counts and sums behind `C1`, `A1`–`A3` and the
//! funding totals, one row per key, kept up to date by `store::aggregates` in
//! the same transaction as every write to the records they count.
//!
//! Keys start with `year, unit_id`, so a figure for a subtree and a year is a
//! sum over the few rows with `unit_id IN (subtree)`. `unit_id` is the unit
//! that owns the record (a response's consultation's unit, an activity's unit,
//! a spending's activity's unit, a budget line's unit). Absent profile values
//! are stored as `unknown` so that every key column is `NOT NULL` (an upsert
//! needs that). Rows whose counts fall back to zero stay; readers skip them.
//!
//! The migration fills the tables from the rows already there
//! (`INSERT … SELECT … GROUP BY`), so an upgraded database starts right;
//! [`backfill`] is the same SQL, which `store::aggregates::rebuild` reuses.

use sea_orm::DbBackend;
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use super::fk;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The year of a `DATE` column.
fn year_of_date(backend: DbBackend, col: &str) -> String {
    match backend {
        DbBackend::Sqlite => format!("CAST(strftime('%Y', {col}) AS INTEGER)"),
        _ => format!("CAST(EXTRACT(YEAR FROM {col}) AS INTEGER)"),
    }
}

/// The UTC year of a timestamp-with-time-zone column.
fn year_of_timestamp(backend: DbBackend, col: &str) -> String {
    match backend {
        DbBackend::Sqlite => format!("CAST(strftime('%Y', {col}) AS INTEGER)"),
        _ => format!("CAST(EXTRACT(YEAR FROM {col} AT TIME ZONE 'UTC') AS INTEGER)"),
    }
}

/// The statements that fill empty aggregate tables from the raw records.
pub(crate) fn backfill(backend: DbBackend) -> Vec<String> {
    let created = year_of_timestamp(backend, "r.created_at");
    let started = year_of_date(backend, "a.starts_on");
    let spent = year_of_date(backend, "s.spent_on");
    vec![
        format!(
            "INSERT INTO agg_responses (year, unit_id, age_band, sex, ethnic, n) \
             SELECT {created}, k.unit_id, \
             CASE WHEN r.age BETWEEN 6 AND 10 THEN '6-10' \
                  WHEN r.age BETWEEN 11 AND 15 THEN '11-15' ELSE 'unknown' END, \
             COALESCE(r.sex, 'unknown'), COALESCE(r.ethnic, 'unknown'), COUNT(*) \
             FROM responses r JOIN consultations k ON k.id = r.consultation_id \
             GROUP BY 1, 2, 3, 4, 5"
        ),
        format!(
            "INSERT INTO agg_activities (year, unit_id, project, kind, n) \
             SELECT {started}, a.unit_id, a.project_code, a.kind, COUNT(*) \
             FROM activities a GROUP BY 1, 2, 3, 4"
        ),
        format!(
            "INSERT INTO agg_participants (year, unit_id, project, kind, grp, female, male) \
             SELECT {started}, a.unit_id, a.project_code, a.kind, p.grp, \
             SUM(p.female), SUM(p.male) \
             FROM activity_participants p JOIN activities a ON a.id = p.activity_id \
             GROUP BY 1, 2, 3, 4, 5"
        ),
        format!(
            "INSERT INTO agg_money \
             (year, unit_id, source, project, budget_lines, budget, spendings, spent) \
             SELECT x.year, x.unit_id, x.source, x.project, \
             SUM(x.bl), SUM(x.b), SUM(x.sn), SUM(x.s) FROM ( \
               SELECT year, unit_id, source_code AS source, project_code AS project, \
               1 AS bl, amount AS b, 0 AS sn, 0 AS s FROM budget_lines \
               UNION ALL \
               SELECT {spent}, a.unit_id, s.source_code, a.project_code, 0, 0, 1, s.amount \
               FROM spendings s JOIN activities a ON a.id = s.activity_id \
             ) x GROUP BY x.year, x.unit_id, x.source, x.project"
        ),
    ]
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // C1: children's responses by the year they arrived and the
        // consultation's unit.
        m.create_table(
            Table::create()
                .table("agg_responses")
                .col(integer("year"))
                .col(integer("unit_id"))
                // 6-10 | 11-15 | unknown
                .col(string("age_band"))
                .col(string("sex"))
                .col(string("ethnic"))
                .col(big_integer("n"))
                .primary_key(
                    Index::create()
                        .col("year")
                        .col("unit_id")
                        .col("age_band")
                        .col("sex")
                        .col("ethnic"),
                )
                .foreign_key(&mut fk("agg_responses", "unit_id", "units", false))
                .take(),
        )
        .await?;
        // A2 (and A1's courses): activities by the year they start.
        m.create_table(
            Table::create()
                .table("agg_activities")
                .col(integer("year"))
                .col(integer("unit_id"))
                .col(string("project"))
                .col(string("kind"))
                .col(big_integer("n"))
                .primary_key(
                    Index::create()
                        .col("year")
                        .col("unit_id")
                        .col("project")
                        .col("kind"),
                )
                .foreign_key(&mut fk("agg_activities", "unit_id", "units", false))
                .take(),
        )
        .await?;
        // A1: participants by group and sex, by the year the activity starts.
        m.create_table(
            Table::create()
                .table("agg_participants")
                .col(integer("year"))
                .col(integer("unit_id"))
                .col(string("project"))
                .col(string("kind"))
                .col(string("grp"))
                .col(big_integer("female"))
                .col(big_integer("male"))
                .primary_key(
                    Index::create()
                        .col("year")
                        .col("unit_id")
                        .col("project")
                        .col("kind")
                        .col("grp"),
                )
                .foreign_key(&mut fk("agg_participants", "unit_id", "units", false))
                .take(),
        )
        .await?;
        // A3 and the funding totals: budget lines by their year, spending by
        // the year it was spent, against its activity's unit and project.
        m.create_table(
            Table::create()
                .table("agg_money")
                .col(integer("year"))
                .col(integer("unit_id"))
                .col(string("source"))
                .col(string("project"))
                .col(big_integer("budget_lines"))
                .col(big_integer("budget"))
                .col(big_integer("spendings"))
                .col(big_integer("spent"))
                .primary_key(
                    Index::create()
                        .col("year")
                        .col("unit_id")
                        .col("source")
                        .col("project"),
                )
                .foreign_key(&mut fk("agg_money", "unit_id", "units", false))
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
