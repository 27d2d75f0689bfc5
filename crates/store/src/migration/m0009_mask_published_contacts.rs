//! Masks the phone numbers and e-mail addresses in free-text answers approved
//! before approval masked them (`voice::mask_contacts`, the same rule
//! `store::responses::moderate` now applies). Only approved texts are
//! published; pending, rejected and flagged ones keep the child's words for
//! the moderators. The rows are read and rewritten in Rust so both databases
//! get the one masking rule. Masking cannot be undone: `down` does nothing.

use sea_orm::ConnectionTrait;
use sea_orm_migration::prelude::*;
use thamgia_domain::voice::{Moderation, mask_contacts};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        let select = Query::select()
            .columns(["id", "text"])
            .from("answers")
            .and_where(Expr::col("moderation").eq(Moderation::Approved.as_str()))
            .and_where(Expr::col("text").is_not_null())
            .to_owned();
        let rows = db.query_all(&select).await?;
        for row in rows {
            let id: i32 = row.try_get("", "id")?;
            let text: String = row.try_get("", "text")?;
            let masked = mask_contacts(&text);
            if masked != text {
                let update = Query::update()
                    .table("answers")
                    .value("text", masked)
                    .and_where(Expr::col("id").eq(id))
                    .to_owned();
                db.execute(&update).await?;
            }
        }
        Ok(())
    }

    async fn down(&self, _m: &SchemaManager) -> Result<(), DbErr> {
        Ok(())
    }
}
