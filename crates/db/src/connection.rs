//! Connections, the pool, and running queries off the async threads.

use crate::{DbError, DbResult};
use diesel::connection::SimpleConnection;
use diesel::r2d2::{self, ManageConnection, Pool};
use diesel::{Connection, PgConnection, SqliteConnection};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};
use std::sync::Arc;
use std::time::Duration;

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// One connection to either engine; queries are written once for both.
#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    Postgresql(PgConnection),
    Sqlite(SqliteConnection),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Opens connections for the pool. The engine is chosen by the URL, never by
/// trying one and falling back to the other.
#[derive(Debug)]
struct Manager {
    backend: Backend,
    url: String,
    /// PostgreSQL schema to work in (used to give each test its own).
    schema: Option<String>,
}

impl ManageConnection for Manager {
    type Connection = DbConnection;
    type Error = r2d2::Error;

    fn connect(&self) -> Result<DbConnection, r2d2::Error> {
        match self.backend {
            Backend::Postgres => {
                let mut conn =
                    PgConnection::establish(&self.url).map_err(r2d2::Error::ConnectionError)?;
                if let Some(schema) = &self.schema {
                    conn.batch_execute(&format!("SET search_path TO \"{schema}\""))
                        .map_err(r2d2::Error::QueryError)?;
                }
                Ok(DbConnection::Postgresql(conn))
            }
            Backend::Sqlite => {
                let mut conn =
                    SqliteConnection::establish(&self.url).map_err(r2d2::Error::ConnectionError)?;
                // WAL lets readers work beside the writer; synchronous=FULL
                // makes every acknowledged commit durable.
                conn.batch_execute(
                    // busy_timeout first: switching to WAL needs a lock that
                    // another connection (a migration) may hold.
                    "PRAGMA busy_timeout = 10000; PRAGMA journal_mode = WAL; \
                     PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;",
                )
                .map_err(r2d2::Error::QueryError)?;
                Ok(DbConnection::Sqlite(conn))
            }
        }
    }

    fn is_valid(&self, conn: &mut DbConnection) -> Result<(), r2d2::Error> {
        conn.batch_execute("SELECT 1")
            .map_err(r2d2::Error::QueryError)
    }

    fn has_broken(&self, _conn: &mut DbConnection) -> bool {
        false
    }
}

/// The database: a pool of connections and the way to use them from async code.
#[derive(Clone)]
pub struct Db {
    pool: Pool<Manager>,
    backend: Backend,
    /// SQLite allows one writer at a time; taking this lock before a write
    /// transaction avoids «database is locked» when two requests upgrade
    /// read transactions to writes at once.
    write_lock: Arc<std::sync::Mutex<()>>,
}

impl std::fmt::Debug for Db {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Db")
            .field("backend", &self.backend)
            .finish_non_exhaustive()
    }
}

impl Db {
    /// Connects to `url`: `postgres://…`/`postgresql://…` for PostgreSQL,
    /// anything else is a SQLite file path (an optional `sqlite://` prefix is
    /// removed). The SQLite file's folder is created if missing.
    pub fn connect(url: &str) -> DbResult<Self> {
        Self::connect_in_schema(url, None)
    }

    /// Like [`Db::connect`], but on PostgreSQL works inside `schema`
    /// (created if missing). Tests use it to get a fresh database each.
    pub fn connect_in_schema(url: &str, schema: Option<&str>) -> DbResult<Self> {
        let (backend, target) =
            if url.starts_with("postgres://") || url.starts_with("postgresql://") {
                (Backend::Postgres, url.to_owned())
            } else {
                let path = url.strip_prefix("sqlite://").unwrap_or(url);
                if let Some(dir) = std::path::Path::new(path)
                    .parent()
                    .filter(|d| !d.as_os_str().is_empty())
                {
                    std::fs::create_dir_all(dir)
                        .map_err(|e| DbError::Connection(format!("{}: {e}", dir.display())))?;
                }
                (Backend::Sqlite, path.to_owned())
            };
        if let (Backend::Postgres, Some(schema)) = (backend, schema) {
            let mut conn =
                PgConnection::establish(&target).map_err(|e| DbError::Connection(e.to_string()))?;
            conn.batch_execute(&format!("CREATE SCHEMA IF NOT EXISTS \"{schema}\""))?;
        }
        let manager = Manager {
            backend,
            url: target,
            schema: schema.map(str::to_owned),
        };
        let max_size = match backend {
            Backend::Sqlite => 8,
            Backend::Postgres => 16,
        };
        let pool = Pool::builder()
            .max_size(max_size)
            // No idle minimum: r2d2 would open connections on a background
            // thread, and a short-lived process (the CLI) can exit while one
            // is half-open inside libpq or SQLite, which crashes the exit.
            .min_idle(Some(0))
            .connection_timeout(Duration::from_secs(10))
            .build(manager)
            .map_err(|e| DbError::Connection(e.to_string()))?;
        Ok(Self {
            pool,
            backend,
            write_lock: Arc::new(std::sync::Mutex::new(())),
        })
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Applies the migrations that have not run yet; returns their names.
    pub fn migrate(&self) -> DbResult<Vec<String>> {
        let mut conn = self.conn()?;
        let applied = match &mut *conn {
            DbConnection::Sqlite(c) => c.run_pending_migrations(SQLITE_MIGRATIONS),
            DbConnection::Postgresql(c) => c.run_pending_migrations(POSTGRES_MIGRATIONS),
        }
        .map_err(|e| DbError::Migration(e.to_string()))?;
        Ok(applied.iter().map(|m| m.to_string()).collect())
    }

    /// A pooled connection for synchronous code (the CLI, tests).
    pub fn conn(
        &self,
    ) -> DbResult<r2d2::PooledConnection<impl ManageConnection<Connection = DbConnection>>> {
        self.pool
            .get()
            .map_err(|e| DbError::Connection(e.to_string()))
    }

    /// Runs `f` in one transaction, synchronously. Use [`Db::write`] from async code.
    pub fn write_blocking<T>(
        &self,
        f: impl FnOnce(&mut DbConnection) -> DbResult<T>,
    ) -> DbResult<T> {
        let _guard = match self.backend {
            Backend::Sqlite => Some(
                self.write_lock
                    .lock()
                    .unwrap_or_else(|poisoned| poisoned.into_inner()),
            ),
            Backend::Postgres => None,
        };
        let mut conn = self.conn()?;
        DbConnection::transaction(&mut conn, f)
    }

    /// Runs `f` on a connection without a write transaction, synchronously.
    pub fn read_blocking<T>(
        &self,
        f: impl FnOnce(&mut DbConnection) -> DbResult<T>,
    ) -> DbResult<T> {
        let mut conn = self.conn()?;
        f(&mut conn)
    }

    /// Runs `f` in one transaction on a blocking thread. Everything it writes,
    /// including access-log rows, commits together or not at all.
    pub async fn write<T, F>(&self, f: F) -> DbResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut DbConnection) -> DbResult<T> + Send + 'static,
    {
        let db = self.clone();
        tokio::task::spawn_blocking(move || db.write_blocking(f))
            .await
            .map_err(|e| DbError::Task(e.to_string()))?
    }

    /// Appends access-log rows that record reads, and returns once they are
    /// committed. The caller shows nothing of what was read before this
    /// returns, so no read goes unrecorded.
    pub async fn record_reads(
        &self,
        records: Vec<laget_domain::audit::AccessRecord>,
    ) -> DbResult<()> {
        self.write(move |c| {
            for r in &records {
                crate::access_log::append(c, r)?;
            }
            Ok(())
        })
        .await
    }

    /// Runs read-only `f` on a blocking thread.
    pub async fn read<T, F>(&self, f: F) -> DbResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut DbConnection) -> DbResult<T> + Send + 'static,
    {
        let db = self.clone();
        tokio::task::spawn_blocking(move || db.read_blocking(f))
            .await
            .map_err(|e| DbError::Task(e.to_string()))?
    }

    /// Refreshes the query planner's statistics (`ANALYZE`). PostgreSQL's
    /// autovacuum does this too; SQLite has no background process, so the
    /// server's housekeeping calls this periodically.
    pub fn analyze(&self) -> DbResult<()> {
        let mut conn = self.conn()?;
        match &mut *conn {
            DbConnection::Sqlite(c) => c.batch_execute("PRAGMA analysis_limit = 1000; ANALYZE;")?,
            DbConnection::Postgresql(c) => c.batch_execute("ANALYZE")?,
        }
        Ok(())
    }

    /// Drops a PostgreSQL schema made by [`Db::connect_in_schema`] (tests).
    pub fn drop_schema(url: &str, schema: &str) -> DbResult<()> {
        let mut conn =
            PgConnection::establish(url).map_err(|e| DbError::Connection(e.to_string()))?;
        conn.batch_execute(&format!("DROP SCHEMA IF EXISTS \"{schema}\" CASCADE"))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    fn names(dir: &str) -> BTreeSet<String> {
        std::fs::read_dir(format!("{}/migrations/{dir}", env!("CARGO_MANIFEST_DIR")))
            .map(|rd| {
                rd.filter_map(|e| e.ok())
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default()
    }

    #[test]
    fn migrations_are_in_step() {
        let sqlite = names("sqlite");
        assert!(!sqlite.is_empty());
        assert_eq!(
            sqlite,
            names("postgres"),
            "every migration must exist for both engines"
        );
    }
}
