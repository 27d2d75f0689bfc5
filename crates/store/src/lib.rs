//! Thamgia's storage: SQLite (embedded, the default) or PostgreSQL, chosen by
//! the URL, behind one set of entities and migrations.
//!
//! Every function that lists records takes a [`Scope`](thamgia_domain::access::Scope)
//! and filters inside SQL, so a caller cannot forget to scope a query: there is
//! no unscoped variant except the ones the command line uses with
//! `Scope::everything()`.

pub mod activities;
pub mod activity_indicators;
pub mod agencies;
pub mod agency_reports;
pub mod aggregates;
pub mod annual_plans;
pub mod audit;
pub mod clubs;
pub mod consultations;
pub mod councils;
pub mod devices;
pub mod drilldown;
pub mod engine;
pub mod entity;
pub mod forums;
pub mod handover;
pub mod imports;
pub mod indicators;
pub mod inspections;
pub mod matters;
pub mod membership;
pub mod migration;
pub mod model_indicators;
pub mod people;
pub mod plans;
pub mod population;
pub mod recommendations;
pub mod reminders;
pub mod report_data;
pub mod reports;
pub mod responses;
pub mod review;
pub mod scoped;
pub mod units;
pub mod users;
pub mod voice_queries;

use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{
    ConnectOptions, Database, DatabaseConnection, DbBackend, DbErr, SqliteTransactionMode,
    TransactionOptions, TransactionTrait,
};
use sea_orm_migration::MigratorTrait;
use sha2::{Digest, Sha256};
use std::time::Duration;

pub use sea_orm;

/// A storage failure, already sorted into what the web layer must tell apart.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    /// Inside the scope, but the principal may not change it
    /// (`Principal::may_act_for`).
    #[error("forbidden")]
    Forbidden,
    /// A uniqueness rule was broken; `field` names the offending input.
    #[error("conflict on {field}")]
    Conflict { field: &'static str },
    #[error("database error: {0}")]
    Db(#[from] DbErr),
}

pub type Result<T> = std::result::Result<T, StoreError>;

/// The connection pool. Cheap to clone.
#[derive(Clone, Debug)]
pub struct Db {
    pub conn: DatabaseConnection,
}

impl Db {
    /// Opens the database named by `url` (`sqlite://file.db` or `postgres://…`).
    /// SQLite runs in WAL mode with foreign keys on and a busy timeout, and the
    /// file is created if missing.
    ///
    /// `synchronous = FULL`: in WAL mode `NORMAL` already survives the process
    /// being killed, but a commit it acknowledged can be lost if the machine
    /// loses power; a child's answer acknowledged by the server must survive
    /// both, so every commit waits for the WAL to reach the disk.
    pub async fn connect(url: &str) -> Result<Db> {
        let mut opts = ConnectOptions::new(url.to_string());
        opts.sqlx_logging(false)
            .connect_timeout(Duration::from_secs(10))
            .acquire_timeout(Duration::from_secs(30));
        if url.starts_with("sqlite:") {
            opts.max_connections(8).map_sqlx_sqlite_opts(|o| {
                o.journal_mode(SqliteJournalMode::Wal)
                    .synchronous(SqliteSynchronous::Full)
                    .foreign_keys(true)
                    .busy_timeout(Duration::from_secs(10))
                    .create_if_missing(true)
            });
        } else {
            opts.max_connections(16);
        }
        let conn = Database::connect(opts).await?;
        Ok(Db { conn })
    }

    pub fn backend(&self) -> DbBackend {
        self.conn.get_database_backend()
    }

    /// Applies every pending migration.
    pub async fn migrate(&self) -> Result<()> {
        migration::Migrator::up(&self.conn, None).await?;
        Ok(())
    }

    /// `true` when the database answers a trivial query.
    pub async fn ping(&self) -> bool {
        self.conn.ping().await.is_ok()
    }

    /// Writes a consistent copy of a SQLite database to `file` (which must
    /// not exist) while the server keeps running. `VACUUM INTO` reads the
    /// whole database inside one read transaction — the WAL makes that a
    /// snapshot, so writers carry on and the copy holds every transaction
    /// committed before it began and none after. It is what SQLite's online
    /// backup gives, without a second SQLite binding (the workspace forbids
    /// `unsafe`). PostgreSQL is copied with `pg_dump` (see the README).
    pub async fn backup_sqlite(&self, file: &str) -> Result<()> {
        use sea_orm::{ConnectionTrait, Statement};
        self.conn
            .execute_raw(Statement::from_sql_and_values(
                DbBackend::Sqlite,
                "VACUUM INTO ?",
                [file.into()],
            ))
            .await?;
        Ok(())
    }

    /// `true` when no plan has been imported yet (the `demo` command fills only
    /// an empty database).
    pub async fn is_empty(&self) -> Result<bool> {
        use sea_orm::{EntityTrait, PaginatorTrait};
        Ok(entity::plan::Entity::find().count(&self.conn).await? == 0
            && entity::user::Entity::find().count(&self.conn).await? == 0)
    }
}

/// Begins a transaction that will write. **Every write transaction starts
/// here** (clippy's `disallowed-methods` refuses a plain `begin()`).
///
/// On SQLite the transaction is `BEGIN IMMEDIATE`: it takes the write lock at
/// once, waiting its turn under `busy_timeout`. A plain (deferred) transaction
/// that reads first and writes later holds a read snapshot; if another writer
/// commits meanwhile, its write fails at once with `SQLITE_BUSY_SNAPSHOT`
/// ("database is locked", code 517) and no timeout helps. On PostgreSQL the
/// option is ignored and a transaction begins as usual.
pub async fn begin_write<C: TransactionTrait>(c: &C) -> std::result::Result<C::Transaction, DbErr> {
    c.begin_with_options(TransactionOptions {
        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
        ..Default::default()
    })
    .await
}

/// Hex SHA-256, used to store secrets (session ids, API tokens) one-way.
pub fn sha256_hex(s: &str) -> String {
    hex::encode(Sha256::digest(s.as_bytes()))
}

/// Turns a unique-constraint violation into a [`StoreError::Conflict`] naming
/// the field; anything else passes through.
pub(crate) fn on_unique(e: DbErr, field: &'static str) -> StoreError {
    use sea_orm::SqlErr;
    match e.sql_err() {
        Some(SqlErr::UniqueConstraintViolation(_)) => StoreError::Conflict { field },
        _ => StoreError::Db(e),
    }
}
