//! What ends with a unit (units through time, 1/7/2025): a council gets the
//! day it ended (`councils.ended_on`; clubs already have `closed_on`),
//! agencies get a validity period like units (a district's offices end with
//! the district; the coordinating department may change), and a consultation
//! whose unit ended before it answered the children can be handed over to the
//! unit that now owes the answer (`consultations.answer_unit_id`; empty means
//! the consultation's own unit).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // SQLite takes one column per ALTER TABLE.
        let add = |table: &'static str, col: &'static str, date: bool| {
            let mut c = ColumnDef::new(col);
            if date {
                c.date();
            } else {
                c.integer();
            }
            c.null();
            Table::alter().table(table).add_column(c).take()
        };
        m.alter_table(add("councils", "ended_on", true)).await?;
        m.alter_table(add("agencies", "valid_from", true)).await?;
        m.alter_table(add("agencies", "valid_to", true)).await?;
        m.alter_table(add("consultations", "answer_unit_id", false))
            .await?;
        Ok(())
    }
}
