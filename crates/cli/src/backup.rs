//! `laget backup --to FILE`: an online copy of a SQLite database, taken
//! while `laget serve` runs (docs/PRODUCTION.md, «Backups»).
//!
//! SQLite's `VACUUM INTO` writes a consistent copy as of one read
//! transaction: every commit before it, none after, without stopping the
//! writers (WAL mode). Copying the database file with `cp` instead can catch
//! it between a commit and the WAL's checkpoint and miss what is in
//! `-wal`. On PostgreSQL the command refuses and names `pg_dump -Fc`, which
//! does the same for a server database.
//!
//! The access log's key and its checkpoint file are not in the copy: the
//! guide copies the checkpoint file *before* this command, and keeps the
//! key apart from every backup.

use anyhow::Context as _;
use diesel::connection::SimpleConnection as _;
use laget_db::{Backend, Db};
use std::path::Path;

/// Writes the copy to `to`, which must not exist yet.
pub fn run(db: &Db, to: &Path) -> anyhow::Result<()> {
    anyhow::ensure!(
        db.backend() == Backend::Sqlite,
        "laget backup copies a SQLite database. On PostgreSQL use \
         `pg_dump -Fc` (see docs/PRODUCTION.md, «Backups»)"
    );
    let target = to
        .to_str()
        .context("the backup file's name must be valid UTF-8")?;
    if let Some(dir) = to.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    // Made empty first, readable by its owner only (the copy holds personal
    // data); `VACUUM INTO` accepts an empty file.
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(to).with_context(|| {
        format!(
            "cannot create {} (it must not exist yet; give a new file name)",
            to.display()
        )
    })?;
    // A string literal in SQL: a quote is doubled.
    let sql = format!("VACUUM INTO '{}'", target.replace('\'', "''"));
    if let Err(e) = db.conn()?.batch_execute(&sql) {
        let _ = std::fs::remove_file(to);
        return Err(e).with_context(|| format!("cannot write the backup to {}", to.display()));
    }
    println!(
        "Wrote a copy of the database to {}. The access log's key is not in it: keep \
         the key apart.",
        to.display()
    );
    Ok(())
}
