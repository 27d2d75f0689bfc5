//! A multiple-choice question may limit how many choices a child ticks
//! ("choose up to three"): `questions.max_choices`, empty for no limit.
//! The limit is checked where every answer is (`domain::voice::validate_answers`).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table("questions")
                .add_column(integer_null("max_choices"))
                .take(),
        )
        .await
    }
}
