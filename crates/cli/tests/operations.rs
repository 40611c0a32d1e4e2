//! Operating Laget as docs/PRODUCTION.md says: a backup taken while the
//! server runs, restored elsewhere and verified (and a tampered restore
//! refused), and several processes migrating one database at once. Runs on
//! SQLite, and on PostgreSQL too when `DATABASE_URL` is set (`pg_dump`,
//! `pg_restore` and `psql` on the PATH).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use diesel::connection::SimpleConnection;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// A database for one test, as `LAGET__DATABASE__URL`, with a working
/// directory whose `data/` holds the key and the checkpoint file.
struct TestDb {
    url: String,
    dir: PathBuf,
    /// PostgreSQL: the base URL, the schema, and a database made for a
    /// restore (dropped with the guard).
    pg: Option<Pg>,
}

struct Pg {
    base: String,
    schema: String,
    database: Option<String>,
}

fn temp_dir(prefix: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "laget-ops-{prefix}-{}",
        uuid::Uuid::now_v7().simple()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// `base` with its database name replaced by `database`.
fn with_database(base: &str, database: &str) -> String {
    let (url, query) = base
        .split_once('?')
        .map_or((base, None), |(u, q)| (u, Some(q)));
    let (server, _) = url.rsplit_once('/').unwrap();
    match query {
        Some(q) => format!("{server}/{database}?{q}"),
        None => format!("{server}/{database}"),
    }
}

/// The URL the binary is given for `schema`: its search path set.
fn in_schema(url: &str, schema: &str) -> String {
    let sep = if url.contains('?') { '&' } else { '?' };
    format!("{url}{sep}options=-c%20search_path%3D{schema}")
}

impl TestDb {
    fn sqlite() -> Self {
        let dir = temp_dir("sqlite");
        Self {
            url: dir.join("laget.sqlite3").to_string_lossy().into_owned(),
            dir,
            pg: None,
        }
    }

    fn postgres(base: &str) -> Self {
        let schema = format!("ops_{}", uuid::Uuid::now_v7().simple());
        laget_db::Db::connect_in_schema(base, Some(&schema)).unwrap();
        Self {
            url: in_schema(base, &schema),
            dir: temp_dir(&schema),
            pg: Some(Pg {
                base: base.to_owned(),
                schema,
                database: None,
            }),
        }
    }

    fn all() -> Vec<Self> {
        let mut all = vec![Self::sqlite()];
        if let Ok(url) = std::env::var("DATABASE_URL")
            && !url.is_empty()
        {
            all.push(Self::postgres(&url));
        }
        all
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_laget"));
        c.args(args)
            .current_dir(&self.dir)
            .env("LAGET__DATABASE__URL", &self.url)
            .env("LAGET__LOG__FILTER", "warn");
        c
    }

    fn laget(&self, args: &[&str]) -> Output {
        self.command(args).stdin(Stdio::null()).output().unwrap()
    }

    fn sql(&self, sql: &str) {
        let db = laget_db::Db::connect(&self.url).unwrap();
        db.conn().unwrap().batch_execute(sql).unwrap();
    }

    fn file(&self, name: &str) -> PathBuf {
        self.dir.join("data").join(name)
    }

    fn drop_access_log_triggers(&self) {
        self.sql(if self.pg.is_some() {
            "DROP TRIGGER access_log_no_update ON access_log; \
             DROP TRIGGER access_log_no_delete ON access_log;"
        } else {
            "DROP TRIGGER access_log_no_update; DROP TRIGGER access_log_no_delete;"
        });
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
        if let Some(pg) = &self.pg {
            match &pg.database {
                Some(database) => {
                    if let Ok(db) = laget_db::Db::connect(&pg.base)
                        && let Ok(mut c) = db.conn()
                    {
                        let _ = c.batch_execute(&format!(
                            "DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)"
                        ));
                    }
                }
                None => {
                    let _ = laget_db::Db::drop_schema(&pg.base, &pg.schema);
                }
            }
        }
    }
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}
fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}
fn ok(o: &Output) {
    assert!(
        o.status.success(),
        "{:?}: {}{}",
        o.status,
        stdout(o),
        stderr(o)
    );
}

fn run(program: &str, args: &[&str]) {
    let o = Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{program}: {e}"));
    ok(&o);
}

// ---------------------------------------------------------------------------
// The server, through its pages.

/// A minimal HTTP/1.1 client (one request per connection).
fn http(port: u16, method: &str, path: &str, cookie: &str, body: &str) -> (u16, String, String) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    let req = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: {cookie}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    s.write_all(req.as_bytes()).unwrap();
    let mut raw = String::new();
    s.read_to_string(&mut raw).unwrap();
    let (head, body) = raw.split_once("\r\n\r\n").unwrap_or((&raw, ""));
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    (status, head.to_owned(), body.to_owned())
}

fn set_cookies(head: &str) -> Vec<String> {
    head.lines()
        .filter(|l| l.to_ascii_lowercase().starts_with("set-cookie:"))
        .filter_map(|l| {
            l.split_once(':')
                .map(|(_, v)| v.trim().split(';').next().unwrap_or("").to_owned())
        })
        .collect()
}

fn csrf(body: &str) -> String {
    let marker = "name=\"_csrf\" value=\"";
    let start = body.find(marker).unwrap() + marker.len();
    body[start..start + body[start..].find('"').unwrap()].to_owned()
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// `laget serve` (with `--demo`: the demo municipality and its accounts),
/// once it says it is running.
fn start_server(db: &TestDb, port: u16, demo: bool) -> std::process::Child {
    let listen = format!("127.0.0.1:{port}");
    let mut args = vec!["serve", "--listen", &listen];
    if demo {
        args.push("--demo");
    }
    let mut child = db
        .command(&args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let out = child.stdout.take().unwrap();
    let mut lines = BufReader::new(out).lines();
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        assert!(Instant::now() < deadline, "server did not start");
        match lines.next() {
            Some(Ok(line)) if line.contains("Laget is running at") => break,
            Some(Ok(_)) => continue,
            _ => panic!("server exited before it was ready"),
        }
    }
    std::thread::spawn(move || for _ in lines {});
    child
}

/// Stops the server as systemd does (SIGTERM) and waits for it.
fn stop_server(mut server: std::process::Child) {
    Command::new("kill")
        .args(["-TERM", &server.id().to_string()])
        .status()
        .unwrap();
    assert!(server.wait().unwrap().success());
}

/// Logs in as the demo administrator through the login form; the cookie
/// and the path of Demo kommune's unit list.
fn log_in(port: u16) -> (String, String) {
    let (_, head, body) = http(port, "GET", "/logg-inn", "", "");
    let mut cookies = set_cookies(&head);
    let body = format!(
        "_csrf={}&brukernavn=kommuneadmin&passord=Tusenfryd-Gulrot-Lunefull-42&neste=%2F",
        csrf(&body)
    );
    let (status, head, _) = http(port, "POST", "/logg-inn", &cookies.join("; "), &body);
    assert_eq!(status, 303, "{head}");
    cookies.extend(set_cookies(&head));
    let cookie = cookies.join("; ");
    let (_, _, home) = http(port, "GET", "/", &cookie, "");
    let link = home
        .split("href=\"")
        .find(|s| s.contains("/enheter\""))
        .unwrap();
    (cookie, link[..link.find('"').unwrap()].to_owned())
}

/// Creates the unit `name` (form-encoded) through the web form.
fn create_unit(port: u16, cookie: &str, units_path: &str, name: &str) {
    let (_, _, form) = http(port, "GET", &format!("{units_path}/ny"), cookie, "");
    let body = format!("_csrf={}&navn={name}&type=skole&aktiv=ja", csrf(&form));
    let (status, _, _) = http(port, "POST", units_path, cookie, &body);
    assert_eq!(status, 303, "the write was acknowledged");
}

// ---------------------------------------------------------------------------
// Backup and restore, exactly as docs/PRODUCTION.md says.

/// «Backups»: sign the head, copy the checkpoint file, then copy the
/// database (PostgreSQL: `pg_dump -Fc`; SQLite: `laget backup --to`). The
/// checkpoint file is copied first, so that every checkpoint in the copy is
/// covered by the database copy taken after it.
fn take_backup(db: &TestDb, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    ok(&db.laget(&["audit", "checkpoint"]));
    std::fs::copy(
        db.file("audit-checkpoints.log"),
        to.join("audit-checkpoints.log"),
    )
    .unwrap();
    match &db.pg {
        // The guide dumps the whole database; a test owns one schema of the
        // test database, so it dumps that schema.
        Some(pg) => run(
            "pg_dump",
            &[
                "-Fc",
                "-n",
                &pg.schema,
                "-f",
                to.join("laget.dump").to_str().unwrap(),
                &pg.base,
            ],
        ),
        None => ok(&db.laget(&["backup", "--to", to.join("laget.sqlite3").to_str().unwrap()])),
    }
}

/// «Restore»: the database into a fresh one (PostgreSQL: `createdb`, then
/// `pg_restore`; SQLite: the copy where the database file goes), the key
/// from where it is kept apart, and the backup's checkpoint file in place
/// of the live one.
fn restore(from: &TestDb, backup: &Path) -> TestDb {
    let dir = temp_dir("restored");
    std::fs::create_dir_all(dir.join("data")).unwrap();
    std::fs::copy(from.file("audit.key"), dir.join("data/audit.key")).unwrap();
    std::fs::copy(
        backup.join("audit-checkpoints.log"),
        dir.join("data/audit-checkpoints.log"),
    )
    .unwrap();
    match &from.pg {
        Some(pg) => {
            let database = format!("laget_restore_{}", uuid::Uuid::now_v7().simple());
            let url = with_database(&pg.base, &database);
            run(
                "createdb",
                &[&format!("--maintenance-db={}", pg.base), &database],
            );
            // As the guide: the superuser creates pg_trgm in the fresh
            // database (a dump of one schema does not hold the extension).
            run(
                "psql",
                &[
                    "-d",
                    &url,
                    "-c",
                    "CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public",
                ],
            );
            run(
                "pg_restore",
                &[
                    "--no-owner",
                    "--exit-on-error",
                    "-d",
                    &url,
                    backup.join("laget.dump").to_str().unwrap(),
                ],
            );
            TestDb {
                url: in_schema(&url, &pg.schema),
                dir,
                pg: Some(Pg {
                    base: pg.base.clone(),
                    schema: pg.schema.clone(),
                    database: Some(database),
                }),
            }
        }
        None => {
            let file = dir.join("laget.sqlite3");
            std::fs::copy(backup.join("laget.sqlite3"), &file).unwrap();
            TestDb {
                url: file.to_string_lossy().into_owned(),
                dir,
                pg: None,
            }
        }
    }
}

#[test]
fn a_backup_taken_while_serving_restores_and_verifies() {
    for db in TestDb::all() {
        let port = free_port();
        let server = start_server(&db, port, true);
        let (cookie, units) = log_in(port);
        create_unit(port, &cookie, &units, "F%C3%B8r+sikkerhetskopien");

        // Taken while the server runs and writes.
        let backup = db.dir.join("backup");
        take_backup(&db, &backup);
        create_unit(port, &cookie, &units, "Etter+sikkerhetskopien");
        stop_server(server);
        ok(&db.laget(&["audit", "verify"]));

        let restored = restore(&db, &backup);
        let o = restored.laget(&["audit", "verify"]);
        ok(&o);
        assert!(stdout(&o).contains("intact"), "{}", stdout(&o));

        // The live checkpoint file signed rows the backup does not hold:
        // against it the restored log is named as cut short. That is why
        // the guide puts the backup's file in place and keeps the live one.
        let live = db.file("audit-checkpoints.log");
        let o = restored.laget(&["audit", "verify", "--checkpoints", live.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(2), "{}{}", stdout(&o), stderr(&o));
        assert!(stdout(&o).contains("truncated"), "{}", stdout(&o));

        // The restored copy serves what was written before the backup, to
        // the same session, and nothing written after it.
        let port = free_port();
        let server = start_server(&restored, port, false);
        let (status, _, list) = http(port, "GET", &units, &cookie, "");
        assert_eq!(status, 200);
        assert!(list.contains("Før sikkerhetskopien"), "{list}");
        assert!(!list.contains("Etter sikkerhetskopien"));
        let (status, _, _) = http(port, "GET", "/helse", "", "");
        assert_eq!(status, 200);
        stop_server(server);
        ok(&restored.laget(&["audit", "verify"]));

        // A restore whose access log was changed is refused.
        restored.drop_access_log_triggers();
        restored.sql("UPDATE access_log SET object_id = 'endret' WHERE seq = 2");
        let o = restored.laget(&["audit", "verify"]);
        assert_eq!(o.status.code(), Some(2), "{}{}", stdout(&o), stderr(&o));
        assert!(stdout(&o).contains("row 2 was altered"), "{}", stdout(&o));
    }
}

#[test]
fn the_backup_command_copies_sqlite_only_and_never_over_a_file() {
    for db in TestDb::all() {
        ok(&db.laget(&["migrate"]));
        let to = db.dir.join("kopi.sqlite3");
        let o = db.laget(&["backup", "--to", to.to_str().unwrap()]);
        if db.pg.is_some() {
            assert!(!o.status.success());
            assert!(stderr(&o).contains("pg_dump -Fc"), "{}", stderr(&o));
            assert!(!to.exists());
            continue;
        }
        ok(&o);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = std::fs::metadata(&to).unwrap().permissions().mode();
            assert_eq!(mode & 0o077, 0, "the copy is its owner's only: {mode:o}");
        }
        let before = std::fs::read(&to).unwrap();
        let o = db.laget(&["backup", "--to", to.to_str().unwrap()]);
        assert!(!o.status.success());
        assert!(stderr(&o).contains("must not exist"), "{}", stderr(&o));
        assert_eq!(std::fs::read(&to).unwrap(), before, "left as it was");
    }
}

// ---------------------------------------------------------------------------
// Upgrades: several processes migrating one database at once.

fn migration_names() -> Vec<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../db/migrations/sqlite");
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Two instances started at once after an upgrade (and `laget migrate`
/// beside them) each migrate: every process succeeds and each migration is
/// applied once, by one of them.
#[test]
fn processes_migrating_at_once_apply_each_migration_once() {
    for db in TestDb::all() {
        let children: Vec<_> = (0..4)
            .map(|_| {
                db.command(&["migrate"])
                    .stdout(Stdio::piped())
                    .stderr(Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        let mut applied = Vec::new();
        for child in children {
            let o = child.wait_with_output().unwrap();
            ok(&o);
            applied.extend(
                stdout(&o)
                    .lines()
                    .filter_map(|l| l.strip_prefix("Applied ").map(str::to_owned)),
            );
        }
        applied.sort();
        let expected = migration_names();
        assert_eq!(applied.len(), expected.len(), "{applied:?}");
        for (name, dir) in applied.iter().zip(&expected) {
            // diesel names a migration by its version, the folder's digits.
            let version: String = dir.chars().filter(char::is_ascii_digit).collect();
            assert_eq!(
                name.chars()
                    .filter(char::is_ascii_digit)
                    .collect::<String>(),
                version
            );
        }
        assert!(stdout(&db.laget(&["migrate"])).contains("up to date"));
    }
}

// ---------------------------------------------------------------------------
// Monitoring.

/// `GET /helse`, which a load balancer asks every few seconds, reads the
/// access log's one-row head, never the log itself (a count of a log of
/// millions of rows scans it each time), and fails when the database does.
#[test]
fn the_health_check_reads_the_head_not_the_whole_log() {
    for db in TestDb::all() {
        let port = free_port();
        let server = start_server(&db, port, false);
        let (status, _, body) = http(port, "GET", "/helse", "", "");
        assert_eq!((status, body.as_str()), (200, "ok"));

        // Without the log's table, the check does not notice.
        db.sql("ALTER TABLE access_log RENAME TO access_log_away");
        let (status, _, _) = http(port, "GET", "/helse", "", "");
        db.sql("ALTER TABLE access_log_away RENAME TO access_log");
        assert_eq!(status, 200, "/helse read the access log itself");

        // Without the head, it fails: the database is not usable.
        db.sql("ALTER TABLE access_log_head RENAME TO access_log_head_away");
        let (status, _, _) = http(port, "GET", "/helse", "", "");
        db.sql("ALTER TABLE access_log_head_away RENAME TO access_log_head");
        assert_eq!(status, 500);
        stop_server(server);
    }
}
