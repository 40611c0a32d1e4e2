//! Connections, the pool, and running queries off the async threads.

use crate::{DbError, DbResult};
use diesel::connection::SimpleConnection;
use diesel::r2d2::{self, ManageConnection, Pool};
use diesel::{Connection, PgConnection, SqliteConnection};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

#[path = "group_commit.rs"]
mod group_commit;
use group_commit::GroupCommit;

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// The first key of the PostgreSQL advisory lock held while migrating (the
/// second is the schema's name hashed): «LAGE» in ASCII.
pub const MIGRATION_LOCK: i32 = 0x4C41_4745;

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
    /// The group-commit writer for [`Db::record_reads`], started on first
    /// use (`None` if its thread could not be started).
    group_commit: Arc<OnceLock<Option<GroupCommit>>>,
    /// Admission for [`Db::read`] and [`Db::write`]: one permit fewer than
    /// the pool has connections. Requests wait their turn here, first come
    /// first served, instead of as blocked threads racing for a connection
    /// (which let some wait far longer than others under load), and one
    /// connection always stays free for the access-log writer, which every
    /// page waits for.
    admission: Arc<tokio::sync::Semaphore>,
    /// The access log's key ([`Db::with_audit_key`]), lent to the thread of
    /// every closure run by [`Db::write_blocking`] and [`Db::read_blocking`]
    /// (see `access_log`). Without it nothing can be appended to the log.
    audit_key: Option<Arc<laget_domain::audit::AuditKey>>,
}

impl std::fmt::Debug for Db {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Db")
            .field("backend", &self.backend)
            .field("audit_key", &self.audit_key.is_some())
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
            // A SQLite connection is a file handle and does not go stale, so
            // it is not tested with a query on every checkout; a PostgreSQL
            // connection can (a restarted server) and is.
            .test_on_check_out(backend == Backend::Postgres)
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
            group_commit: Arc::new(OnceLock::new()),
            admission: Arc::new(tokio::sync::Semaphore::new(max_size as usize - 1)),
            audit_key: None,
        })
    }

    /// This `Db` with the access log's key, which keys every row it appends
    /// and checks the chain. Give it before the first use (the group-commit
    /// writer takes the key when it starts).
    #[must_use]
    pub fn with_audit_key(mut self, key: laget_domain::audit::AuditKey) -> Self {
        self.audit_key = Some(Arc::new(key));
        self
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Applies the migrations that have not run yet; returns their names.
    ///
    /// Safe when several processes start at once (two `laget serve` on one
    /// database, or `laget migrate` beside them): on PostgreSQL the whole run
    /// holds a session advisory lock for the schema ([`MIGRATION_LOCK`] and
    /// the hash of `current_schema()`), so a second process waits, then
    /// finds nothing pending; on SQLite it is one `BEGIN IMMEDIATE`
    /// transaction (each migration a savepoint in it), which a second
    /// process waits for (`busy_timeout`).
    pub fn migrate(&self) -> DbResult<Vec<String>> {
        let mut conn = self.conn()?;
        let applied = match &mut *conn {
            DbConnection::Sqlite(c) => c.immediate_transaction(|c| {
                c.run_pending_migrations(SQLITE_MIGRATIONS)
                    .map(|v| v.iter().map(|m| m.to_string()).collect::<Vec<_>>())
                    .map_err(|e| DbError::Migration(e.to_string()))
            })?,
            DbConnection::Postgresql(c) => {
                let lock = format!("{MIGRATION_LOCK}, hashtext(current_schema())");
                c.batch_execute(&format!("SELECT pg_advisory_lock({lock})"))?;
                let applied = c
                    .run_pending_migrations(POSTGRES_MIGRATIONS)
                    .map(|v| v.iter().map(|m| m.to_string()).collect::<Vec<_>>())
                    .map_err(|e| DbError::Migration(e.to_string()));
                // Released with the connection if this fails (the pool then
                // finds the connection broken and closes it).
                c.batch_execute(&format!("SELECT pg_advisory_unlock({lock})"))?;
                applied?
            }
        };
        Ok(applied)
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
        crate::audit::with_key(self.audit_key.as_ref(), || {
            DbConnection::transaction(&mut conn, f)
        })
    }

    /// Runs `f` on a connection without a write transaction, synchronously.
    pub fn read_blocking<T>(
        &self,
        f: impl FnOnce(&mut DbConnection) -> DbResult<T>,
    ) -> DbResult<T> {
        let mut conn = self.conn()?;
        crate::audit::with_key(self.audit_key.as_ref(), || f(&mut conn))
    }

    /// Runs `f` in one transaction on a blocking thread. Everything it writes,
    /// including access-log rows, commits together or not at all.
    pub async fn write<T, F>(&self, f: F) -> DbResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut DbConnection) -> DbResult<T> + Send + 'static,
    {
        let turn = self.turn().await?;
        let db = self.clone();
        tokio::task::spawn_blocking(move || {
            let _turn = turn;
            db.write_blocking(f)
        })
        .await
        .map_err(|e| DbError::Task(e.to_string()))?
    }

    /// Appends access-log rows that record reads, and returns once they are
    /// committed. The caller shows nothing of what was read before this
    /// returns, so no read goes unrecorded.
    ///
    /// Concurrent calls are committed together (group commit, see
    /// `group_commit.rs`): one transaction, and one fsync, per batch rather
    /// than per page view. If that transaction fails, every caller in the
    /// batch gets an error.
    pub async fn record_reads(
        &self,
        records: Vec<laget_domain::audit::AccessRecord>,
    ) -> DbResult<()> {
        if records.is_empty() {
            return Ok(());
        }
        let records = match self.group_commit() {
            Some(writer) => match writer.submit(records).await {
                Ok(outcome) => return outcome,
                Err(records) => records,
            },
            None => records,
        };
        // No writer thread: a transaction of our own.
        self.write(move |c| crate::audit::append_all(c, &records).map(|_| ()))
            .await
    }

    /// The group-commit writer, started on first use.
    fn group_commit(&self) -> Option<&GroupCommit> {
        self.group_commit
            .get_or_init(|| {
                // The writer's own handle shares the pool and the write lock
                // but not this cell, so dropping the last `Db` ends it.
                let db = Db {
                    pool: self.pool.clone(),
                    backend: self.backend,
                    write_lock: Arc::clone(&self.write_lock),
                    group_commit: Arc::new(OnceLock::new()),
                    admission: Arc::clone(&self.admission),
                    audit_key: self.audit_key.clone(),
                };
                GroupCommit::start(db)
                    .map_err(|e| tracing::error!(error = %e, "no access-log writer thread"))
                    .ok()
            })
            .as_ref()
    }

    /// Runs read-only `f` on a blocking thread.
    pub async fn read<T, F>(&self, f: F) -> DbResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut DbConnection) -> DbResult<T> + Send + 'static,
    {
        let turn = self.turn().await?;
        let db = self.clone();
        tokio::task::spawn_blocking(move || {
            let _turn = turn;
            db.read_blocking(f)
        })
        .await
        .map_err(|e| DbError::Task(e.to_string()))?
    }

    /// Waits for a turn to use a connection (see `admission`).
    async fn turn(&self) -> DbResult<tokio::sync::OwnedSemaphorePermit> {
        Arc::clone(&self.admission)
            .acquire_owned()
            .await
            .map_err(|e| DbError::Task(e.to_string()))
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
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::{
        Db, DbConnection, EmbeddedMigrations, MigrationHarness, POSTGRES_MIGRATIONS,
        SQLITE_MIGRATIONS,
    };
    use crate::audit as access_log;
    use diesel::connection::SimpleConnection;
    use laget_domain::audit::{AccessRecord, AuditKey};
    use std::collections::BTreeSet;
    use std::sync::Arc;

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

    /// A fresh migrated database: SQLite in a temporary folder, and also
    /// PostgreSQL (a schema of its own) when `DATABASE_URL` is set. The
    /// guard removes it.
    struct Fresh {
        db: Db,
        dir: Option<std::path::PathBuf>,
        pg: Option<(String, String)>,
    }

    impl Drop for Fresh {
        fn drop(&mut self) {
            if let Some(dir) = &self.dir {
                let _ = std::fs::remove_dir_all(dir);
            }
            if let Some((url, schema)) = &self.pg {
                let _ = Db::drop_schema(url, schema);
            }
        }
    }

    fn fresh_dbs() -> Vec<Fresh> {
        let all = unmigrated_dbs();
        for fresh in &all {
            fresh.db.migrate().unwrap();
        }
        all
    }

    /// Like [`fresh_dbs`], before any migration.
    fn unmigrated_dbs() -> Vec<Fresh> {
        let id = uuid::Uuid::now_v7().simple().to_string();
        let dir = std::env::temp_dir().join(format!("laget-db-test-{id}"));
        let db = Db::connect(&dir.join("db.sqlite3").to_string_lossy())
            .unwrap()
            .with_audit_key(AuditKey::from_bytes([3; 32]));
        let mut all = vec![Fresh {
            db,
            dir: Some(dir),
            pg: None,
        }];
        if let Ok(url) = std::env::var("DATABASE_URL")
            && !url.is_empty()
        {
            let schema = format!("test_{id}");
            let db = Db::connect_in_schema(&url, Some(&schema))
                .unwrap()
                .with_audit_key(AuditKey::from_bytes([3; 32]));
            all.push(Fresh {
                db,
                dir: None,
                pg: Some((url, schema)),
            });
        }
        all
    }

    fn read_of(i: usize) -> AccessRecord {
        AccessRecord {
            at: chrono::Utc::now(),
            principal: laget_domain::audit::Principal::Operator,
            ground: "test".into(),
            object_type: "log".into(),
            object_id: format!("log-{i}"),
            action: "read".into(),
            unit_id: None,
            municipality_id: None,
            request_id: format!("req-{i}"),
        }
    }

    /// Many readers at once: every row lands, the chain holds, and the rows
    /// went in fewer transactions than there were callers.
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn concurrent_reads_are_committed_in_groups() {
        for fresh in fresh_dbs() {
            let db = fresh.db.clone();
            let before = db.read_blocking(access_log::count).unwrap();
            let callers = 200;
            let tasks: Vec<_> = (0..callers)
                .map(|i| {
                    let db = db.clone();
                    // Some callers record more than one row.
                    let records = (0..1 + i % 3).map(|k| read_of(i * 10 + k)).collect();
                    tokio::spawn(async move { db.record_reads(records).await })
                })
                .collect();
            let mut rows = 0;
            for (i, t) in tasks.into_iter().enumerate() {
                t.await.unwrap().unwrap();
                rows += 1 + i % 3;
            }
            let after = db.read_blocking(access_log::count).unwrap();
            assert_eq!(after - before, i64::try_from(rows).unwrap());
            let checked = db.read_blocking(access_log::verify).unwrap();
            assert_eq!(
                checked,
                Ok(u64::try_from(after).unwrap()),
                "{:?}",
                db.backend()
            );
            let commits = db
                .group_commit
                .get()
                .and_then(Option::as_ref)
                .map(|g| g.commits())
                .unwrap();
            eprintln!(
                "{:?}: {rows} rows from {callers} callers in {commits} transactions",
                db.backend()
            );
            assert!(
                commits < callers as u64,
                "{commits} transactions for {callers} callers"
            );
            // Nothing to record: no transaction at all.
            db.record_reads(Vec::new()).await.unwrap();
        }
    }

    /// When the batch's transaction fails, every caller in it hears so, and
    /// none of its rows is written.
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn a_failed_batch_fails_every_caller() {
        for fresh in fresh_dbs() {
            let db = fresh.db.clone();
            db.record_reads(vec![read_of(0)]).await.unwrap();
            let base = db.read_blocking(access_log::count).unwrap();
            db.conn()
                .unwrap()
                .batch_execute("ALTER TABLE access_log RENAME TO access_log_away")
                .unwrap();
            let tasks: Vec<_> = (0..20)
                .map(|i| {
                    let db = db.clone();
                    tokio::spawn(async move { db.record_reads(vec![read_of(i)]).await })
                })
                .collect();
            for t in tasks {
                assert!(t.await.unwrap().is_err());
            }
            db.conn()
                .unwrap()
                .batch_execute("ALTER TABLE access_log_away RENAME TO access_log")
                .unwrap();
            // The writer carries on, and the failed rows left no trace.
            db.record_reads(vec![read_of(99)]).await.unwrap();
            assert_eq!(db.read_blocking(access_log::count).unwrap(), base + 1);
            let rows = u64::try_from(base + 1).unwrap();
            assert_eq!(db.read_blocking(access_log::verify).unwrap(), Ok(rows));
        }
    }

    /// Applies the migrations before the one that keyed the access log.
    fn migrate_to_before_the_key(db: &Db) {
        use diesel::migration::MigrationSource;
        fn run<C, B>(c: &mut C, source: EmbeddedMigrations)
        where
            B: diesel::backend::Backend,
            C: MigrationHarness<B>,
            EmbeddedMigrations: MigrationSource<B>,
        {
            for m in c.pending_migrations(source).unwrap() {
                if m.name().to_string().ends_with("_audit_key") {
                    return;
                }
                c.run_migration(&*m).unwrap();
            }
            panic!("no audit_key migration");
        }
        let mut conn = db.conn().unwrap();
        match &mut *conn {
            DbConnection::Sqlite(c) => run(c, SQLITE_MIGRATIONS),
            DbConnection::Postgresql(c) => run(c, POSTGRES_MIGRATIONS),
        }
    }

    /// A log written before Laget had a key keeps verifying: its rows keep
    /// their plain SHA-256, and the rows after the migration are keyed.
    #[test]
    fn rows_from_before_the_key_keep_verifying() {
        use crate::schema::{access_log as al, access_log_head as head};
        use diesel::prelude::*;
        use laget_domain::audit::GENESIS_HASH;
        for fresh in unmigrated_dbs() {
            let db = &fresh.db;
            migrate_to_before_the_key(db);
            // Three rows as the Laget before the key wrote them: unkeyed,
            // in the format from before the principal (format 1), by the
            // operator (no actor), which migration 000013 marks as such.
            let mut conn = db.conn().unwrap();
            let mut prev = GENESIS_HASH.to_owned();
            for seq in 1..=3 {
                let r = read_of(usize::try_from(seq).unwrap());
                let hash = r
                    .chain_hash_as(laget_domain::audit::RowFormat::V1, seq, &prev)
                    .unwrap();
                diesel::insert_into(al::table)
                    .values((
                        al::seq.eq(seq),
                        al::at.eq(r.at.timestamp_micros()),
                        al::ground.eq(&r.ground),
                        al::object_type.eq(&r.object_type),
                        al::object_id.eq(&r.object_id),
                        al::action.eq(&r.action),
                        al::request_id.eq(&r.request_id),
                        al::prev_hash.eq(&prev),
                        al::hash.eq(&hash),
                    ))
                    .execute(&mut *conn)
                    .unwrap();
                prev = hash;
            }
            diesel::update(head::table.find(1))
                .set((head::seq.eq(3), head::hash.eq(&prev)))
                .execute(&mut *conn)
                .unwrap();
            drop(conn);

            db.migrate().unwrap();
            let h = db.read_blocking(access_log::head).unwrap();
            assert_eq!((h.seq, h.keyed_from), (3, 4), "{:?}", db.backend());
            db.write_blocking(|c| access_log::append_all(c, &[read_of(4), read_of(5)]))
                .unwrap();
            assert_eq!(db.read_blocking(access_log::verify).unwrap(), Ok(5));
            let prev4: String = db
                .read_blocking(|c| Ok(al::table.find(4).select(al::prev_hash).first(c)?))
                .unwrap();
            assert_eq!(
                prev4, prev,
                "the first keyed row links to the last plain one"
            );
            // Under another key the plain rows pass and row 4 is named.
            let other = Db {
                audit_key: Some(Arc::new(AuditKey::from_bytes([4; 32]))),
                ..db.clone()
            };
            assert_eq!(
                other.read_blocking(access_log::verify).unwrap(),
                Err(laget_domain::audit::BrokenLink::Altered { seq: 4 })
            );
            assert!(!other.read_blocking(access_log::key_fits).unwrap());
            assert!(db.read_blocking(access_log::key_fits).unwrap());
        }
    }

    /// A `Db` without the key appends nothing.
    #[test]
    fn without_the_key_nothing_is_appended() {
        for fresh in fresh_dbs() {
            let keyless = Db {
                audit_key: None,
                ..fresh.db.clone()
            };
            let result = keyless.write_blocking(|c| access_log::append(c, &read_of(1)));
            assert!(
                matches!(result, Err(crate::DbError::NoAuditKey)),
                "{result:?}"
            );
            assert_eq!(fresh.db.read_blocking(access_log::count).unwrap(), 0);
        }
    }
}
