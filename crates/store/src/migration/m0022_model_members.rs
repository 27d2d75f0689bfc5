//! Children in the participation models as a maintained aggregate
//! (`children_in_models`): `agg_model_members` holds one row per council term
//! and club membership (`model` = `council` | `club`, `member_id` its row)
//! with what the measure needs and nothing else — the person, the unit of
//! the council or club, the first and last year the membership overlaps
//! (`to_year` null while it is open) and the person's year of birth (null
//! when none was recorded; such a person is never counted).
//!
//! Why a row per membership rather than per person, unit and year: an open
//! term has no last year, so rows per year could not be written ahead of time
//! (a term opened in 2022 counts in 2031 without any write in 2031). With the
//! span, "distinct persons of a subtree on a roster in year Y, aged lo..=hi"
//! is one indexed query: `COUNT(DISTINCT person_id) WHERE unit_id IN (subtree)
//! AND from_year <= Y AND (to_year IS NULL OR to_year >= Y) AND birth_year
//! BETWEEN Y − hi AND Y − lo` — a person in two models of the subtree counts
//! once. A membership's row is written (upserted) by every write that changes
//! the membership, in its transaction (`store::aggregates::member_changed`).
//!
//! [`backfill`] fills it from the rosters; `store::aggregates::rebuild` reuses it.

use sea_orm::DbBackend;
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use super::{fk, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The year of a date column (`NULL` stays `NULL`).
fn year_of(backend: DbBackend, col: &str) -> String {
    match backend {
        DbBackend::Sqlite => format!("CAST(strftime('%Y', {col}) AS INTEGER)"),
        _ => format!("CAST(EXTRACT(YEAR FROM {col}) AS INTEGER)"),
    }
}

/// The statement that fills an empty `agg_model_members` from the rosters.
pub(crate) fn backfill(backend: DbBackend) -> Vec<String> {
    let y = |col: &str| year_of(backend, col);
    vec![format!(
        "INSERT INTO agg_model_members \
         (model, member_id, person_id, unit_id, from_year, to_year, birth_year) \
         SELECT 'council', m.id, m.person_id, k.unit_id, {}, {}, {} \
         FROM council_members m JOIN councils k ON k.id = m.council_id \
         JOIN people p ON p.id = m.person_id \
         UNION ALL \
         SELECT 'club', m.id, m.person_id, k.unit_id, {}, {}, {} \
         FROM club_members m JOIN clubs k ON k.id = m.club_id \
         JOIN people p ON p.id = m.person_id",
        y("m.term_start"),
        y("m.term_end"),
        y("p.birth_date"),
        y("m.joined_on"),
        y("m.left_on"),
        y("p.birth_date"),
    )]
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("agg_model_members")
                .col(string_len("model", 8))
                .col(integer("member_id"))
                .col(integer("person_id"))
                .col(integer("unit_id"))
                .col(integer("from_year"))
                .col(integer_null("to_year"))
                .col(integer_null("birth_year"))
                .primary_key(Index::create().col("model").col("member_id"))
                .foreign_key(&mut fk("agg_model_members", "unit_id", "units", false))
                .foreign_key(&mut fk("agg_model_members", "person_id", "people", false))
                .take(),
        )
        .await?;
        m.create_index(index(
            "agg_model_members",
            "agg_model_members_unit_year",
            &["unit_id", "from_year"],
        ))
        .await?;
        m.create_index(index(
            "agg_model_members",
            "agg_model_members_person",
            &["person_id"],
        ))
        .await?;
        let conn = m.get_connection();
        for sql in backfill(m.get_database_backend()) {
            conn.execute_unprepared(&sql).await?;
        }
        Ok(())
    }
}
