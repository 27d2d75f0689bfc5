//! `thamgia backup FILE`: a consistent copy of the database while the server
//! runs. SQLite is copied by the store (`Db::backup_sqlite`, a snapshot of the
//! WAL database); PostgreSQL by `pg_dump`, which reads the whole database in
//! one repeatable-read transaction, into a custom-format archive that
//! `pg_restore` loads into an empty database.

use anyhow::{Context, bail};
use std::path::Path;
use thamgia_store::Db;

pub async fn run(database_url: &str, file: &Path) -> anyhow::Result<()> {
    // Never overwrite: a backup that replaces the last good one with a
    // failed half-copy loses both.
    if file.exists() {
        bail!("{} already exists; choose a new file name", file.display());
    }
    if database_url.starts_with("sqlite:") {
        let db = Db::connect(database_url)
            .await
            .context("cannot open the database")?;
        let target = file.to_str().context("the file name is not UTF-8")?;
        db.backup_sqlite(target)
            .await
            .context("cannot write the backup")?;
        db.conn.close_by_ref().await.ok();
    } else {
        let status = std::process::Command::new("pg_dump")
            .args(["--format=custom", "--no-owner", "--file"])
            .arg(file)
            .arg(database_url)
            .status()
            .context("cannot run pg_dump (install the PostgreSQL client tools)")?;
        if !status.success() {
            bail!("pg_dump failed ({status})");
        }
    }
    Ok(())
}
