//! Forum participants by ethnic group: one row per forum and group with the
//! number of children of that group. `forums.ethnic_minority` stays, kept equal
//! to the sum over every group but Kinh, so older reports read the same.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use super::fk;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("forum_ethnic_counts")
                .col(integer("forum_id"))
                // Official two-digit code (data/ethnic-groups.csv).
                .col(string_len("ethnic_code", 2))
                .col(integer("children"))
                .primary_key(Index::create().col("forum_id").col("ethnic_code"))
                .foreign_key(&mut fk("forum_ethnic_counts", "forum_id", "forums", true))
                .take(),
        )
        .await?;
        Ok(())
    }
}
