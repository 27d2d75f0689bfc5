//! A unit's official code is unique only among units valid at the same time.
//! On 1/7/2025 Lai Châu's 38 new commune-level units each took the code of an
//! old commune (03388: Phường Quyết Tiến until 30/6/2025, Phường Đoàn Kết
//! since), so `units.code` loses its `UNIQUE` constraint and gets a plain
//! index; `store::units` refuses two units of one code whose periods overlap
//! (inside the write transaction, serialised per code on PostgreSQL with an
//! advisory lock, by `BEGIN IMMEDIATE` on SQLite).
//!
//! PostgreSQL drops the constraint. SQLite cannot drop a column's `UNIQUE`,
//! so the table is rebuilt the way SQLite documents ("making other kinds of
//! table schema changes"): on one connection of the pool, with foreign keys
//! off (they cannot be switched inside a transaction), in one transaction —
//! create `units_new` without the constraint, copy every row (ids kept), drop
//! `units`, rename `units_new` to `units` (the other tables' foreign keys name
//! `units` and point at it again), recreate the index — then
//! `PRAGMA foreign_key_check` must find nothing before foreign keys go back on.

use sea_orm::{ConnectionTrait, DbBackend};
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use super::{fk, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        match db.get_database_backend() {
            DbBackend::Postgres => {
                db.execute_unprepared("ALTER TABLE units DROP CONSTRAINT IF EXISTS units_code_key")
                    .await?;
            }
            DbBackend::Sqlite => rebuild_sqlite(db).await?,
            other => {
                return Err(DbErr::Custom(format!("unsupported database {other:?}")));
            }
        }
        m.create_index(index("units", "units_code", &["code", "valid_from"]))
            .await?;
        Ok(())
    }
}

/// The SQLite rebuild, on one pooled connection with foreign keys off.
async fn rebuild_sqlite(db: &SchemaManagerConnection<'_>) -> Result<(), DbErr> {
    use sea_orm::sqlx::{self, Executor, Row};
    let sea_orm::DatabaseExecutor::Connection(conn) = db else {
        return Err(DbErr::Custom(
            "migration 0015 must run outside a transaction on SQLite".into(),
        ));
    };
    let pool = conn.get_sqlite_connection_pool();
    let mut c = pool
        .acquire()
        .await
        .map_err(|e| DbErr::Custom(format!("acquire: {e}")))?;
    let create = Table::create()
        .table("units_new")
        .col(pk_auto("id"))
        .col(string("code"))
        .col(string("name_vi"))
        .col(string("name_en"))
        .col(string("level"))
        .col(integer_null("parent_id"))
        // `/00000001/00000002/`: ids from the root (migration 0014).
        .col(string("path"))
        .col(date_null("valid_from"))
        .col(date_null("valid_to"))
        .foreign_key(&mut fk("units_new", "parent_id", "units", false))
        .to_owned()
        .to_string(SqliteQueryBuilder);
    let index = index("units", "units_path", &["path"]).to_string(SqliteQueryBuilder);
    let steps = [
        "PRAGMA foreign_keys = OFF".to_string(),
        "BEGIN IMMEDIATE".to_string(),
        create,
        "INSERT INTO units_new (id, code, name_vi, name_en, level, parent_id, path, valid_from, valid_to) \
         SELECT id, code, name_vi, name_en, level, parent_id, path, valid_from, valid_to FROM units"
            .to_string(),
        "DROP TABLE units".to_string(),
        "ALTER TABLE units_new RENAME TO units".to_string(),
        index,
    ];
    let run = async |c: &mut sqlx::pool::PoolConnection<sqlx::Sqlite>| -> Result<(), DbErr> {
        for sql in &steps {
            c.execute(sqlx::AssertSqlSafe(sql.clone()))
                .await
                .map_err(|e| DbErr::Custom(format!("{sql}: {e}")))?;
        }
        let broken = c
            .fetch_all("PRAGMA foreign_key_check")
            .await
            .map_err(|e| DbErr::Custom(format!("foreign_key_check: {e}")))?;
        if let Some(r) = broken.first() {
            let table: String = r.try_get(0).unwrap_or_default();
            return Err(DbErr::Custom(format!(
                "foreign keys broken by the rebuild of units ({table})"
            )));
        }
        c.execute("COMMIT")
            .await
            .map_err(|e| DbErr::Custom(format!("commit: {e}")))?;
        Ok(())
    };
    let outcome = run(&mut c).await;
    if outcome.is_err() {
        c.execute("ROLLBACK").await.ok();
    }
    c.execute("PRAGMA foreign_keys = ON")
        .await
        .map_err(|e| DbErr::Custom(format!("foreign keys on: {e}")))?;
    outcome
}
