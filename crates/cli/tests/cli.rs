//! The `laget` binary as an operator uses it: migrate, admin commands, audit
//! verify against a tampered log, and durability across `kill -9`. Runs on
//! SQLite, and on PostgreSQL too when `DATABASE_URL` is set.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use diesel::connection::SimpleConnection;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// A fresh database for one test, as `LAGET__DATABASE__URL`.
struct TestDb {
    url: String,
    dir: std::path::PathBuf,
    pg: Option<(String, String)>,
}

impl TestDb {
    fn sqlite() -> Self {
        let dir = std::env::temp_dir().join(format!("laget-cli-{}", uuid::Uuid::now_v7().simple()));
        std::fs::create_dir_all(&dir).unwrap();
        Self {
            url: dir.join("laget.sqlite3").to_string_lossy().into_owned(),
            dir,
            pg: None,
        }
    }

    fn postgres(base: &str) -> Self {
        let schema = format!("cli_{}", uuid::Uuid::now_v7().simple());
        laget_db::Db::connect_in_schema(base, Some(&schema)).unwrap();
        let sep = if base.contains('?') { '&' } else { '?' };
        let url = format!("{base}{sep}options=-c%20search_path%3D{schema}");
        let dir = std::env::temp_dir().join(format!("laget-cli-{schema}"));
        std::fs::create_dir_all(&dir).unwrap();
        Self {
            url,
            dir,
            pg: Some((base.to_owned(), schema)),
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

    fn laget(&self, args: &[&str]) -> Output {
        self.laget_with_stdin(args, "")
    }

    fn laget_with_stdin(&self, args: &[&str], stdin: &str) -> Output {
        let mut child = self
            .command(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(stdin.as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_laget"));
        c.args(args)
            .current_dir(&self.dir)
            .env("LAGET__DATABASE__URL", &self.url)
            .env("LAGET__LOG__FILTER", "warn");
        c
    }

    fn sql(&self, sql: &str) {
        let db = laget_db::Db::connect(&self.url).unwrap();
        db.conn().unwrap().batch_execute(sql).unwrap();
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
        if let Some((url, schema)) = &self.pg {
            let _ = laget_db::Db::drop_schema(url, schema);
        }
    }
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}
fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn an_operator_sets_up_a_municipality() {
    for db in TestDb::all() {
        let o = db.laget(&["migrate"]);
        assert!(o.status.success(), "{}", stderr(&o));
        assert!(stdout(&o).contains("Applied"), "{}", stdout(&o));
        assert!(stdout(&db.laget(&["migrate"])).contains("up to date"));

        let o = db.laget(&[
            "admin",
            "create-municipality",
            "--number",
            "31O5",
            "--name",
            "Sarpsborg",
        ]);
        assert!(!o.status.success());
        assert!(
            stderr(&o).contains("Kommunenummeret har fire sifre"),
            "{}",
            stderr(&o)
        );

        {
            let o = db.laget(&[
                "admin",
                "create-municipality",
                "--number",
                "3105",
                "--name",
                "Sarpsborg",
            ]);
            assert!(
                o.status.success(),
                "{:?}: {}{}",
                o.status,
                stdout(&o),
                stderr(&o)
            );
        }
        {
            let o = db.laget(&[
                "admin",
                "create-municipality",
                "--number",
                "3101",
                "--name",
                "Halden",
            ]);
            assert!(
                o.status.success(),
                "{:?}: {}{}",
                o.status,
                stdout(&o),
                stderr(&o)
            );
        }
        let dup = db.laget(&[
            "admin",
            "create-municipality",
            "--number",
            "3105",
            "--name",
            "Igjen",
        ]);
        assert!(!dup.status.success() && stderr(&dup).contains("exists already"));

        let o = db.laget(&[
            "admin",
            "create-unit",
            "--municipality",
            "3105",
            "--name",
            "Lunden barnehage",
            "--kind",
            "barnehage",
        ]);
        assert!(o.status.success(), "{}", stderr(&o));
        let o = db.laget(&[
            "admin",
            "create-unit",
            "--municipality",
            "3105",
            "--name",
            "Barnevern",
            "--kind",
            "barnevern",
            "--also-serves",
            "3101",
        ]);
        assert!(o.status.success(), "{}", stderr(&o));
        let o = db.laget(&[
            "admin",
            "create-unit",
            "--municipality",
            "3105",
            "--name",
            "X",
            "--kind",
            "bank",
        ]);
        assert!(!o.status.success());

        // A generated password is printed once; a weak one on stdin is refused.
        let o = db.laget(&[
            "admin",
            "create-user",
            "--username",
            "leder1",
            "--name",
            "Liv Leder",
            "--municipality",
            "3105",
            "--role",
            "leder",
            "--unit",
            "Lunden barnehage",
        ]);
        assert!(o.status.success(), "{}", stderr(&o));
        assert!(stdout(&o).contains("Password (shown once): "));
        let o = db.laget_with_stdin(
            &[
                "admin",
                "create-user",
                "--username",
                "svak",
                "--name",
                "Svein Svak",
                "--municipality",
                "3105",
                "--password-stdin",
            ],
            "passordpassord\n",
        );
        assert!(!o.status.success());
        assert!(stderr(&o).contains("for lett å gjette"), "{}", stderr(&o));
        let o = db.laget_with_stdin(
            &[
                "admin",
                "create-user",
                "--username",
                "sys",
                "--name",
                "Sofie Sys",
                "--system-admin",
                "--password-stdin",
            ],
            "Fjordhest-Syltetøy-Blåbær-71\n",
        );
        assert!(o.status.success(), "{}", stderr(&o));
        assert!(
            !stdout(&o).contains("Fjordhest"),
            "a password given on stdin is not echoed"
        );

        let o = db.laget_with_stdin(
            &[
                "admin",
                "reset-password",
                "--username",
                "leder1",
                "--password-stdin",
            ],
            "Snøskred-Vaffel-Kanel-2026\n",
        );
        assert!(o.status.success(), "{}", stderr(&o));
        let o = db.laget(&["admin", "disable-user", "--username", "leder1"]);
        assert!(o.status.success(), "{}", stderr(&o));
        assert!(
            !db.laget(&["admin", "disable-user", "--username", "finnes.ikke"])
                .status
                .success()
        );

        // The shared child welfare service is hosted by Sarpsborg (which
        // created it): Halden gives no roles in it until the operator makes
        // Halden its host.
        let halden_leader = |username: &str| {
            db.laget(&[
                "admin",
                "create-user",
                "--username",
                username,
                "--name",
                "Hilde Halden",
                "--municipality",
                "3101",
                "--role",
                "leder",
                "--unit",
                "Barnevern",
            ])
        };
        let o = halden_leader("hilde1");
        assert!(!o.status.success());
        assert!(
            stderr(&o).contains("with Halden as its host municipality"),
            "{}",
            stderr(&o)
        );
        let o = db.laget(&[
            "admin",
            "set-unit-host",
            "--municipality",
            "3105",
            "--unit",
            "Barnevern",
            "--host",
            "3101",
        ]);
        assert!(o.status.success(), "{}", stderr(&o));
        assert!(stdout(&o).contains("now has Halden as its host municipality"));
        let o = halden_leader("hilde2");
        assert!(o.status.success(), "{}", stderr(&o));

        let o = db.laget(&["audit", "verify"]);
        assert!(o.status.success(), "{}", stdout(&o));
        assert!(stdout(&o).contains("intact"));
    }
}

#[test]
fn audit_verify_names_the_first_broken_link() {
    for db in TestDb::all() {
        db.laget(&["migrate"]);
        for (n, name) in [
            ("3105", "Sarpsborg"),
            ("3101", "Halden"),
            ("3103", "Moss"),
            ("3107", "Fredrikstad"),
        ] {
            {
                let o = db.laget(&[
                    "admin",
                    "create-municipality",
                    "--number",
                    n,
                    "--name",
                    name,
                ]);
                assert!(
                    o.status.success(),
                    "{:?}: {}{}",
                    o.status,
                    stdout(&o),
                    stderr(&o)
                );
            }
        }
        {
            let o = db.laget(&["audit", "verify"]);
            assert!(
                o.status.success(),
                "{:?}: {}{}",
                o.status,
                stdout(&o),
                stderr(&o)
            );
        }
        let is_pg = db.pg.is_some();
        let drop_triggers = if is_pg {
            "DROP TRIGGER access_log_no_update ON access_log; DROP TRIGGER access_log_no_delete ON access_log;"
        } else {
            "DROP TRIGGER access_log_no_update; DROP TRIGGER access_log_no_delete;"
        };
        db.sql(drop_triggers);

        // Edit row 2: verify fails and names it.
        db.sql("UPDATE access_log SET action = 'read' WHERE seq = 2");
        let o = db.laget(&["audit", "verify"]);
        assert_eq!(o.status.code(), Some(2));
        assert!(stdout(&o).contains("row 2 was altered"), "{}", stdout(&o));
        db.sql("UPDATE access_log SET action = 'create' WHERE seq = 2");
        assert!(
            db.laget(&["audit", "verify"]).status.success(),
            "restoring the row restores the chain"
        );

        // Delete the last row: the head catches it.
        db.sql("DELETE FROM access_log WHERE seq = 4");
        let o = db.laget(&["audit", "verify"]);
        assert_eq!(o.status.code(), Some(2));
        assert!(stdout(&o).contains("ends at 3"), "{}", stdout(&o));

        // Delete a middle row: the gap is named.
        db.sql("DELETE FROM access_log WHERE seq = 2");
        let o = db.laget(&["audit", "verify"]);
        assert!(stdout(&o).contains("row 2 is missing"), "{}", stdout(&o));
    }
}

// ---------------------------------------------------------------------------
// The keyed chain and its checkpoints: what someone who can write the
// database, but does not hold the key, cannot hide.

impl TestDb {
    /// Four municipalities made at the command line: rows 1–4, and a
    /// checkpoint after each command.
    fn with_four_rows(&self) {
        let o = self.laget(&["migrate"]);
        assert!(o.status.success(), "{}", stderr(&o));
        for (n, name) in [
            ("3105", "Sarpsborg"),
            ("3101", "Halden"),
            ("3103", "Moss"),
            ("3107", "Fredrikstad"),
        ] {
            let o = self.laget(&[
                "admin",
                "create-municipality",
                "--number",
                n,
                "--name",
                name,
            ]);
            assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
        }
    }

    /// What an attacker with write access to the database does first.
    fn drop_append_only_triggers(&self) {
        self.sql(if self.pg.is_some() {
            "DROP TRIGGER access_log_no_update ON access_log; DROP TRIGGER access_log_no_delete ON access_log;"
        } else {
            "DROP TRIGGER access_log_no_update; DROP TRIGGER access_log_no_delete;"
        });
    }

    fn file(&self, name: &str) -> std::path::PathBuf {
        self.dir.join("data").join(name)
    }

    /// Rewrites every row of the access log: `edit` changes the record, and
    /// every row's hash is recomputed with `hash` (record, row number,
    /// previous hash); the head is set to the last row.
    fn recompute_chain(
        &self,
        edit: impl Fn(i64, &mut laget_domain::audit::AccessRecord),
        hash: impl Fn(&laget_domain::audit::AccessRecord, i64, &str) -> String,
    ) {
        use diesel::prelude::*;
        use laget_db::schema::{access_log as al, access_log_head as head};
        type Stored = (
            i64,
            i64,
            Option<String>,
            String,
            String,
            String,
            String,
            Option<String>,
            Option<String>,
            String,
            String,
            Option<String>,
        );
        let d = laget_db::Db::connect(&self.url).unwrap();
        let mut c = d.conn().unwrap();
        let rows: Vec<Stored> = al::table
            .order(al::seq)
            .select((
                al::seq,
                al::at,
                al::actor_id,
                al::ground,
                al::object_type,
                al::object_id,
                al::action,
                al::unit_id,
                al::municipality_id,
                al::request_id,
                al::principal_kind,
                al::citizen_id,
            ))
            .load(&mut c)
            .unwrap();
        let mut prev = laget_domain::audit::GENESIS_HASH.to_owned();
        for (
            seq,
            at,
            actor,
            ground,
            object_type,
            object_id,
            action,
            unit,
            municipality,
            rid,
            kind,
            citizen,
        ) in rows
        {
            let mut record = laget_domain::audit::AccessRecord {
                at: laget_db::from_micros(at),
                principal: laget_domain::audit::Principal::from_stored(
                    &kind,
                    actor.map(|a| a.parse().unwrap()),
                    citizen.map(|c| c.parse().unwrap()),
                )
                .unwrap(),
                ground,
                object_type,
                object_id,
                action,
                unit_id: unit.map(|u| u.parse().unwrap()),
                municipality_id: municipality.map(|m| m.parse().unwrap()),
                request_id: rid,
            };
            edit(seq, &mut record);
            let new_hash = hash(&record, seq, &prev);
            diesel::update(al::table.find(seq))
                .set((
                    al::action.eq(&record.action),
                    al::prev_hash.eq(&prev),
                    al::hash.eq(&new_hash),
                ))
                .execute(&mut c)
                .unwrap();
            prev = new_hash;
        }
        diesel::update(head::table.find(1))
            .set(head::hash.eq(&prev))
            .execute(&mut c)
            .unwrap();
    }
}

/// (a) Rows at the end deleted and the head moved back: the chain is whole,
/// but the checkpoints name the removal. A checkpoint file shipped elsewhere
/// still names it after the local file is deleted.
#[test]
fn removed_rows_at_the_end_are_named_against_the_checkpoints() {
    for db in TestDb::all() {
        db.with_four_rows();
        let o = db.laget(&["audit", "verify"]);
        assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
        assert!(stdout(&o).contains("intact"), "{}", stdout(&o));
        assert!(stdout(&o).contains("the newest: row 4"), "{}", stdout(&o));
        let shipped = db.dir.join("shipped-checkpoints.log");
        std::fs::copy(db.file("audit-checkpoints.log"), &shipped).unwrap();

        db.drop_append_only_triggers();
        db.sql(
            "DELETE FROM access_log WHERE seq > 2; \
             UPDATE access_log_head SET seq = 2, hash = (SELECT hash FROM access_log WHERE seq = 2)",
        );
        let o = db.laget(&["audit", "verify"]);
        assert_eq!(o.status.code(), Some(2), "{}{}", stdout(&o), stderr(&o));
        assert!(
            stdout(&o).contains("rows after row 2 were removed (truncated): the newest checkpoint"),
            "{}",
            stdout(&o)
        );
        assert!(
            stdout(&o).contains("says the log reached row 4"),
            "{}",
            stdout(&o)
        );
        assert!(!stdout(&o).contains("intact"), "{}", stdout(&o));

        // Without the local checkpoints nothing is called intact, and the
        // shipped copy still names the removal.
        std::fs::remove_file(db.file("audit-checkpoints.log")).unwrap();
        let o = db.laget(&["audit", "verify"]);
        assert_eq!(o.status.code(), Some(3), "{}{}", stdout(&o), stderr(&o));
        assert!(stdout(&o).contains("does not exist"), "{}", stdout(&o));
        assert!(!stdout(&o).contains("intact"), "{}", stdout(&o));
        let o = db.laget(&[
            "audit",
            "verify",
            "--checkpoints",
            shipped.to_str().unwrap(),
        ]);
        assert_eq!(o.status.code(), Some(2), "{}{}", stdout(&o), stderr(&o));
        assert!(stdout(&o).contains("truncated"), "{}", stdout(&o));
    }
}

/// (b) The whole chain recomputed after an edit, with the hash from before
/// the key, or with another key: the first keyed row is named, and so are
/// the checkpoints the rows no longer match, also when the keyed boundary is
/// moved past the end to pass every row off as one from before the key.
#[test]
fn a_chain_recomputed_without_the_key_is_named() {
    for db in TestDb::all() {
        db.with_four_rows();
        db.drop_append_only_triggers();
        let forge = |seq: i64, r: &mut laget_domain::audit::AccessRecord| {
            if seq == 2 {
                r.action = "read".into();
            }
        };

        db.recompute_chain(forge, |r, seq, prev| r.chain_hash(seq, prev));
        let o = db.laget(&["audit", "verify"]);
        assert_eq!(o.status.code(), Some(2), "{}{}", stdout(&o), stderr(&o));
        assert!(
            stdout(&o).contains("row 1 was altered after it was written, or the chain from there was recomputed without the key"),
            "{}",
            stdout(&o)
        );
        assert!(
            stdout(&o).contains(
                "the chain was recomputed: row 1's hash differs from the one the checkpoint of"
            ),
            "{}",
            stdout(&o)
        );

        db.sql("UPDATE access_log_head SET keyed_from = 5");
        let o = db.laget(&["audit", "verify"]);
        assert_eq!(o.status.code(), Some(2), "{}{}", stdout(&o), stderr(&o));
        assert!(
            stdout(&o).contains("the boundary was moved"),
            "{}",
            stdout(&o)
        );
        assert!(
            stdout(&o).contains("the chain was recomputed"),
            "{}",
            stdout(&o)
        );
        assert!(!stdout(&o).contains("was altered"), "{}", stdout(&o));

        db.sql("UPDATE access_log_head SET keyed_from = 1");
        let other = laget_domain::audit::AuditKey::from_bytes([9; 32]);
        db.recompute_chain(forge, |r, seq, prev| r.chain_mac(&other, seq, prev));
        let o = db.laget(&["audit", "verify"]);
        assert_eq!(o.status.code(), Some(2), "{}{}", stdout(&o), stderr(&o));
        assert!(stdout(&o).contains("row 1 was altered"), "{}", stdout(&o));
    }
}

/// (d) Who acted is part of a row: changing a row's principal — its kind
/// alone, or with a staff member's or a citizen's id — is named, in rows
/// written now (format 2) and in rows from before the principal was stored
/// (format 1, hashed without it), which still verify beside new rows.
#[test]
fn a_changed_principal_is_named_in_old_and_new_rows() {
    use laget_domain::audit::{AuditKey, RowFormat};
    for db in TestDb::all() {
        db.with_four_rows();
        db.drop_append_only_triggers();
        let (user, citizen) = (uuid::Uuid::now_v7(), uuid::Uuid::now_v7());
        let tamperings = [
            "UPDATE access_log SET principal_kind = 'staff' WHERE seq = 2".to_owned(),
            format!(
                "UPDATE access_log SET principal_kind = 'staff', actor_id = '{user}' WHERE seq = 2"
            ),
            format!(
                "UPDATE access_log SET principal_kind = 'citizen', citizen_id = '{citizen}' WHERE seq = 2"
            ),
            "UPDATE access_log SET principal_kind = 'guardian' WHERE seq = 2".to_owned(),
        ];
        let restore = "UPDATE access_log SET principal_kind = 'operator', actor_id = NULL, \
                       citizen_id = NULL WHERE seq = 2";
        let each_is_named = |format: &str| {
            for tampering in &tamperings {
                db.sql(tampering);
                let o = db.laget(&["audit", "verify"]);
                assert_eq!(
                    o.status.code(),
                    Some(2),
                    "{format}: {tampering}: {}",
                    stdout(&o)
                );
                assert!(
                    stdout(&o).contains("row 2 was altered"),
                    "{format}: {tampering}: {}",
                    stdout(&o)
                );
                db.sql(restore);
                let o = db.laget(&["audit", "verify"]);
                assert!(o.status.success(), "{format}: restored: {}", stdout(&o));
            }
        };
        each_is_named("format 2");

        // The chain as a Laget from before the principal wrote it: format
        // 1, keyed, the rows marked by the migration (the operator's), with
        // a checkpoint of it.
        let key =
            AuditKey::from_hex(&std::fs::read_to_string(db.file("audit.key")).unwrap()).unwrap();
        db.recompute_chain(
            |_, _| {},
            |r, seq, prev| r.chain_mac_as(RowFormat::V1, &key, seq, prev).unwrap(),
        );
        db.sql("UPDATE access_log SET row_format = 1");
        std::fs::remove_file(db.file("audit-checkpoints.log")).unwrap();
        assert!(db.laget(&["audit", "checkpoint"]).status.success());
        // A row written now follows them.
        let o = db.laget(&[
            "admin",
            "create-municipality",
            "--number",
            "3118",
            "--name",
            "Indre Østfold",
        ]);
        assert!(o.status.success(), "{}", stderr(&o));
        let o = db.laget(&["audit", "verify"]);
        assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
        assert!(
            stdout(&o).contains("The access log is intact: 5 rows"),
            "{}",
            stdout(&o)
        );
        each_is_named("format 1");
    }
}

/// (c) An intact log verifies; without its key nothing is called intact,
/// and no command writes under a new key.
#[test]
fn without_the_key_the_log_cannot_be_verified_or_written() {
    for db in TestDb::all() {
        db.with_four_rows();
        let key = db.file("audit.key");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = std::fs::metadata(&key).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600, "the key file is the owner's alone");
        }
        let o = db.laget(&["audit", "verify"]);
        assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
        assert!(
            stdout(&o).contains("The access log is intact: 4 rows"),
            "{}",
            stdout(&o)
        );

        let text = std::fs::read_to_string(&key).unwrap();
        std::fs::remove_file(&key).unwrap();
        let o = db.laget(&["audit", "verify"]);
        assert_eq!(o.status.code(), Some(3), "{}{}", stdout(&o), stderr(&o));
        assert!(stdout(&o).contains("Cannot verify"), "{}", stdout(&o));
        assert!(!stdout(&o).contains("intact"), "{}", stdout(&o));
        let o = db.laget(&[
            "admin",
            "create-municipality",
            "--number",
            "3108",
            "--name",
            "Hvaler",
        ]);
        assert!(!o.status.success());
        assert!(stderr(&o).contains("does not exist"), "{}", stderr(&o));
        assert!(!key.exists(), "no new key was made");

        // The key given as a setting instead of a file.
        let o = db
            .command(&["audit", "verify"])
            .env("LAGET__AUDIT__KEY", text.trim())
            .output()
            .unwrap();
        assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
        // Another key is refused before it writes anything.
        let o = db
            .command(&[
                "admin",
                "create-municipality",
                "--number",
                "3108",
                "--name",
                "Hvaler",
            ])
            .env("LAGET__AUDIT__KEY", "cd".repeat(32))
            .output()
            .unwrap();
        assert!(!o.status.success());
        assert!(
            stderr(&o).contains("does not verify with the key"),
            "{}",
            stderr(&o)
        );
    }
}

/// (d) `laget serve` signs the head at start and again at a graceful
/// shutdown, after the last request's rows.
#[test]
fn serve_writes_a_checkpoint_at_start_and_at_shutdown() {
    for db in TestDb::all() {
        let port = free_port();
        let mut server = start_server(&db, port);
        let seqs = || -> Vec<i64> {
            std::fs::read_to_string(db.file("audit-checkpoints.log"))
                .unwrap_or_default()
                .lines()
                .map(|l| {
                    let seq = l.split_whitespace().nth(1).unwrap();
                    seq.strip_prefix("seq=").unwrap().parse().unwrap()
                })
                .collect()
        };
        let at_start = seqs();
        assert_eq!(at_start.len(), 1, "one checkpoint at start");
        create_unit_on_the_web(port, "Etter+start");

        Command::new("kill")
            .args(["-TERM", &server.id().to_string()])
            .status()
            .unwrap();
        assert!(server.wait().unwrap().success());
        let head = laget_db::Db::connect(&db.url)
            .unwrap()
            .read_blocking(laget_db::audit::head)
            .unwrap();
        let all = seqs();
        assert_eq!(all.len(), 2, "{all:?}");
        assert!(head.seq > at_start[0]);
        assert_eq!(
            all[1], head.seq,
            "the last checkpoint signs the head at shutdown"
        );
        let o = db.laget(&["audit", "verify"]);
        assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
    }
}

/// A minimal HTTP/1.1 client for the running server (one request per connection).
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

fn start_server(db: &TestDb, port: u16) -> std::process::Child {
    let mut child = db
        .command(&["serve", "--demo", "--listen", &format!("127.0.0.1:{port}")])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let out = child.stdout.take().unwrap();
    let mut lines = BufReader::new(out).lines();
    let deadline = Instant::now() + Duration::from_secs(60);
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

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Logs in as the demo administrator through the real login form and creates
/// the unit `name` (form-encoded); returns the session cookie and the path
/// of the unit list.
fn create_unit_on_the_web(port: u16, name: &str) -> (String, String) {
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
    let units_link = home
        .split("href=\"")
        .find(|s| s.contains("/enheter\""))
        .unwrap();
    let units_path = units_link[..units_link.find('"').unwrap()].to_owned();
    let (_, _, form) = http(port, "GET", &format!("{units_path}/ny"), &cookie, "");
    let body = format!("_csrf={}&navn={name}&type=skole&aktiv=ja", csrf(&form));
    let (status, _, _) = http(port, "POST", &units_path, &cookie, &body);
    assert_eq!(status, 303, "the write was acknowledged");
    (cookie, units_path)
}

#[test]
fn an_acknowledged_write_survives_kill_9() {
    for db in TestDb::all() {
        let port = free_port();
        let mut server = start_server(&db, port);
        let (cookie, units_path) = create_unit_on_the_web(port, "Etter+kill");

        // kill -9: no shutdown, no flushing.
        Command::new("kill")
            .args(["-9", &server.id().to_string()])
            .status()
            .unwrap();
        server.wait().unwrap();

        let port = free_port();
        let mut server = start_server(&db, port);
        let (status, _, list) = http(port, "GET", &units_path, &cookie, "");
        assert_eq!(status, 200, "the session survived too");
        assert!(
            list.contains("Etter kill"),
            "the acknowledged unit is there after kill -9"
        );
        server.kill().unwrap();
        server.wait().unwrap();
        {
            let o = db.laget(&["audit", "verify"]);
            assert!(
                o.status.success(),
                "{:?}: {}{}",
                o.status,
                stdout(&o),
                stderr(&o)
            );
        }
    }
}

// ---------------------------------------------------------------------------
// The catalogue of measures: import and export.

const DEMO_OFFERS: &str = include_str!("../demo/offers.json");

fn ok(o: &Output) {
    assert!(
        o.status.success(),
        "{:?}: {}{}",
        o.status,
        stdout(o),
        stderr(o)
    );
}

impl TestDb {
    /// A municipality 9999 with every unit the demo catalogue names.
    fn with_catalogue_units() -> Vec<Self> {
        let all = Self::all();
        let demo: serde_json::Value = serde_json::from_str(DEMO_OFFERS).unwrap();
        let mut names: Vec<&str> = demo
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o["provider_unit"].as_str().unwrap())
            .collect();
        names.sort_unstable();
        names.dedup();
        for db in &all {
            ok(&db.laget(&[
                "admin",
                "create-municipality",
                "--number",
                "9999",
                "--name",
                "Demo kommune",
            ]));
            for name in &names {
                ok(&db.laget(&[
                    "admin",
                    "create-unit",
                    "--municipality",
                    "9999",
                    "--name",
                    name,
                    "--kind",
                    "annet",
                ]));
            }
        }
        all
    }

    fn write(&self, name: &str, text: &str) -> String {
        let path = self.dir.join(name);
        std::fs::write(&path, text).unwrap();
        path.to_string_lossy().into_owned()
    }

    fn import(&self, name: &str, text: &str, extra: &[&str]) -> Output {
        let path = self.write(name, text);
        let mut args = vec!["import", "offers", "--municipality", "9999", &path];
        args.extend_from_slice(extra);
        self.laget(&args)
    }

    fn export(&self, extra: &[&str]) -> String {
        let mut args = vec!["export", "offers", "--municipality", "9999"];
        args.extend_from_slice(extra);
        let o = self.laget(&args);
        ok(&o);
        stdout(&o)
    }

    /// (age_from, age_to, description) of one offer, from an export.
    fn offer(&self, external_id: &str) -> (u64, u64, String) {
        let all: serde_json::Value = serde_json::from_str(&self.export(&[])).unwrap();
        let o = all
            .as_array()
            .unwrap()
            .iter()
            .find(|o| o["external_id"] == external_id)
            .unwrap();
        (
            o["age_from"].as_u64().unwrap(),
            o["age_to"].as_u64().unwrap(),
            o["description"].as_str().unwrap().to_owned(),
        )
    }
}

fn demo_offers() -> Vec<serde_json::Value> {
    serde_json::from_str(DEMO_OFFERS).unwrap()
}

fn pretty(offers: &[serde_json::Value]) -> String {
    serde_json::to_string_pretty(offers).unwrap()
}

/// The line of the `{` that opens each offer of a pretty-printed file.
fn json_lines(text: &str) -> Vec<usize> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| *l == "  {")
        .map(|(i, _)| i + 1)
        .collect()
}

const UNCHANGED: &str = "0 nye, 0 endret, 0 forslag til koordinerende enhet, 67 uendret.";

#[test]
fn a_file_with_bad_rows_is_refused_whole_with_every_problem_named() {
    for db in TestDb::with_catalogue_units() {
        ok(&db.import("demo.json", DEMO_OFFERS, &[]));
        let before = db.export(&[]);

        let mut offers = demo_offers();
        offers[1]["provider_unit"] = "Ukjent enhet".into();
        offers[2]["age_from"] = 9.into();
        offers[2]["age_to"] = 3.into();
        offers[3]["level"] = "middels".into();
        offers[4]["external_id"] = offers[0]["external_id"].clone();
        offers[5]["challenge_areas"] = serde_json::json!(["sjakk"]);
        offers[6]["contact_email"] = "ikke-en-adresse".into();
        offers[7]["name"] = "".into();
        offers[8]["next_steps"] = serde_json::json!(["finnes-ikke"]);
        // A change to a good row must not be saved either.
        offers[9]["description"] = "Endret, men skal ikke lagres.".into();
        let text = pretty(&offers);
        let lines = json_lines(&text);
        let line = |i: usize| lines[i];
        let o = db.import("bad.json", &text, &[]);
        assert!(!o.status.success(), "{}", stdout(&o));
        let out = stdout(&o);
        for (i, field) in [
            (1, "provider_unit"),
            (2, "age_to"),
            (3, "level"),
            (4, "external_id"),
            (5, "challenge_areas"),
            (6, "contact_email"),
            (7, "name"),
            (8, "next_steps"),
        ] {
            let wanted = format!("linje {}, felt «{field}»: ", line(i));
            assert!(out.contains(&wanted), "{wanted} missing from\n{out}");
        }
        assert!(out.contains("Velg et av alternativene"), "Norwegian: {out}");
        assert!(out.contains("Ingenting ble importert: 8 feil"), "{out}");
        assert_eq!(db.export(&[]), before, "nothing changed");

        // The same problems in a spreadsheet's CSV are named by their lines there.
        let excel = db.export(&["--excel"]);
        let start = excel.find("\r\ndemo-010;").unwrap() + 2;
        let end = start + excel[start..].find("\r\ndemo-011;").unwrap();
        let row = excel[start..end].replacen(";universell;", ";middels;", 1);
        assert_ne!(row, excel[start..end]);
        let bad = format!("{}{row}{}", &excel[..start], &excel[end..]);
        let row_line = excel[..start].matches('\n').count() + 1;
        let o = db.import("bad.csv", &bad, &[]);
        assert!(!o.status.success());
        assert!(
            stdout(&o).contains(&format!("linje {row_line}, felt «level»")),
            "{}",
            stdout(&o)
        );
        assert_eq!(db.export(&[]), before, "nothing changed");
    }
}

#[test]
fn export_and_import_round_trip_in_json_and_csv() {
    for db in TestDb::with_catalogue_units() {
        let o = db.import("demo.json", DEMO_OFFERS, &[]);
        ok(&o);
        assert!(
            stdout(&o).contains("67 nye, 0 endret, 0 forslag til koordinerende enhet, 0 uendret."),
            "{}",
            stdout(&o)
        );
        let json = db.export(&[]);
        let o = db.import("export.json", &json, &[]);
        ok(&o);
        assert!(stdout(&o).contains(UNCHANGED), "{}", stdout(&o));
        assert!(
            stdout(&db.import("demo.json", DEMO_OFFERS, &[])).contains(UNCHANGED),
            "the same file again changes nothing"
        );

        for flags in [&["--format", "csv"][..], &["--excel"], &["--semicolon"]] {
            let csv = db.export(flags);
            assert_eq!(csv.starts_with('\u{feff}'), flags == ["--excel"]);
            let o = db.import("export.csv", &csv, &[]);
            ok(&o);
            assert!(stdout(&o).contains(UNCHANGED), "{flags:?}: {}", stdout(&o));
        }
        assert_eq!(db.export(&[]), json, "nothing changed on the way");

        // --output writes a file.
        let path = db.dir.join("out.csv");
        let o = db.laget(&[
            "export",
            "offers",
            "--municipality",
            "9999",
            "--excel",
            "--output",
            path.to_str().unwrap(),
        ]);
        ok(&o);
        assert!(stderr(&o).contains("67 tilbud"));
        let bytes = std::fs::read(&path).unwrap();
        assert!(bytes.starts_with(b"\xef\xbb\xbfexternal_id;name;"));
    }
}

#[test]
fn a_dry_run_reports_and_changes_nothing() {
    for db in TestDb::with_catalogue_units() {
        let o = db.import("demo.json", DEMO_OFFERS, &["--dry-run"]);
        ok(&o);
        let out = stdout(&o);
        assert!(out.contains("Prøvekjøring: ingenting er lagret"), "{out}");
        assert!(out.contains("demo-001"), "every new offer is listed: {out}");
        assert!(out.contains("67 nye"), "{out}");
        assert_eq!(db.export(&[]).trim(), "[]", "nothing was imported");

        ok(&db.import("demo.json", DEMO_OFFERS, &[]));
        let before = db.export(&[]);
        let mut offers = demo_offers();
        offers[10]["description"] = "Ny beskrivelse.".into();
        offers[10]["next_steps"] = serde_json::json!([]);
        let o = db.import("changed.json", &pretty(&offers), &["--dry-run"]);
        ok(&o);
        let out = stdout(&o);
        let id = offers[10]["external_id"].as_str().unwrap();
        assert!(
            out.lines()
                .any(|l| l.contains(id) && l.contains("endret: description, next_steps")),
            "{out}"
        );
        assert!(out.contains("0 nye, 1 endret, 0 forslag"), "{out}");
        assert_eq!(db.export(&[]), before, "a dry run changes nothing");
    }
}

#[test]
fn a_substantive_change_to_a_published_offer_waits_for_the_coordinating_unit() {
    for db in TestDb::with_catalogue_units() {
        ok(&db.import("demo.json", DEMO_OFFERS, &[]));
        let mut offers = demo_offers();
        let i = offers
            .iter()
            .position(|o| o["status"] == "publisert" && o["age_to"].as_u64() < Some(20))
            .unwrap();
        let id = offers[i]["external_id"].as_str().unwrap().to_owned();
        let (from, to, _) = db.offer(&id);
        offers[i]["age_to"] = (to + 2).into();
        offers[i]["description"] = "Oppdatert beskrivelse.".into();
        let text = pretty(&offers);

        let o = db.import("older.json", &text, &[]);
        ok(&o);
        let out = stdout(&o);
        assert!(
            out.contains("0 nye, 0 endret, 1 forslag til koordinerende enhet, 66 uendret."),
            "{out}"
        );
        assert!(out.contains(&id) && out.contains("age_to"), "{out}");
        assert_eq!(
            db.offer(&id),
            (from, to, "Oppdatert beskrivelse.".to_owned()),
            "the ages wait for approval; the editorial change is saved"
        );

        // Importing the same file again makes no second proposal.
        let o = db.import("older.json", &text, &[]);
        ok(&o);
        assert!(stdout(&o).contains(UNCHANGED), "{}", stdout(&o));
        assert!(stdout(&o).contains("venter fortsatt"), "{}", stdout(&o));

        let waiting = laget_db::Db::connect(&db.url)
            .unwrap()
            .read_blocking(|c| {
                let number =
                    laget_domain::admin::municipality::MunicipalityNumber::parse("9999").unwrap();
                let m = laget_db::admin::municipalities::find_by_number(c, &number)?.unwrap();
                let offer = laget_db::catalogue::offers::find_external(c, m.id, &id)?.unwrap();
                laget_db::catalogue::offers::proposals_for(c, offer.id)
            })
            .unwrap();
        assert_eq!(waiting.len(), 1);
        assert_eq!(
            waiting[0].status,
            laget_domain::catalogue::ProposalStatus::Venter
        );
        assert_eq!(waiting[0].fields.age_to, u8::try_from(to + 2).unwrap());
    }
}

#[test]
fn the_demo_municipality_has_a_catalogue_on_the_ladder() {
    for db in TestDb::all() {
        let mut server = start_server(&db, free_port());
        server.kill().unwrap();
        server.wait().unwrap();
        let first = db.export(&[]);
        let offers: Vec<serde_json::Value> = serde_json::from_str(&first).unwrap();
        assert!(offers.len() >= 40, "{} offers", offers.len());
        for step in 1..=5u64 {
            assert!(
                offers.iter().any(|o| o["ladder_step"] == step),
                "an offer on step {step}"
            );
        }
        assert!(
            offers
                .iter()
                .any(|o| !o["next_steps"].as_array().unwrap().is_empty())
        );

        // Seeding again changes nothing.
        let mut server = start_server(&db, free_port());
        server.kill().unwrap();
        server.wait().unwrap();
        assert_eq!(db.export(&[]), first);
    }
}

/// (status, level) of every log, and the number of access-log rows.
fn demo_logs(db: &TestDb) -> (Vec<(String, i32)>, i64) {
    use diesel::prelude::*;
    use laget_db::schema::{access_log, logs};
    let d = laget_db::Db::connect(&db.url).unwrap();
    let mut c = d.conn().unwrap();
    let all = logs::table
        .select((logs::status, logs::level))
        .load::<(String, i32)>(&mut c)
        .unwrap();
    let rows = access_log::table.count().get_result::<i64>(&mut c).unwrap();
    (all, rows)
}

#[test]
fn the_demo_has_logs_on_every_level_and_seeding_again_changes_nothing() {
    for db in TestDb::all() {
        let mut server = start_server(&db, free_port());
        server.kill().unwrap();
        server.wait().unwrap();
        let (logs, rows) = demo_logs(&db);
        assert!(logs.len() >= 30, "{} logs", logs.len());
        for level in 0..=3 {
            assert!(
                logs.iter().any(|(s, l)| s == "apen" && *l == level),
                "an open log on level {level}"
            );
        }
        assert!(logs.iter().any(|(s, _)| s == "lukket"), "a closed log");

        let mut server = start_server(&db, free_port());
        server.kill().unwrap();
        server.wait().unwrap();
        assert_eq!(
            demo_logs(&db),
            (logs, rows),
            "seeding again changes nothing"
        );
        let o = db.laget(&["audit", "verify"]);
        assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
    }
}

/// What the demo's meetings and standing teams hold, per municipality
/// number (issue #11): read straight from the tables.
#[derive(Debug, Default)]
struct DemoMeetings {
    /// Logs with case meetings.
    logs: usize,
    planned: usize,
    /// Held, with approved minutes.
    approved: usize,
    drafts: usize,
    answered: usize,
    pending: usize,
    decisions_done: usize,
    decisions_open: usize,
    decisions_to_measure: usize,
    guardian_ratings: usize,
    child_ratings: usize,
    /// (team kind, unit kind) of every standing team.
    teams: Vec<(String, Option<String>)>,
    /// Teams short of their rule this semester.
    short: usize,
    anonymous_cases: usize,
    named_cases: usize,
    mail_sent: usize,
    /// E-mail held back as demo data (reason `demo`), and any other.
    mail_demo: usize,
    mail_other: usize,
    /// `send_mail` jobs not finished (in the whole database).
    send_jobs_pending: usize,
}

fn demo_meetings(db: &TestDb, number: &str) -> DemoMeetings {
    use diesel::prelude::*;
    use laget_db::schema::{
        meeting_decisions, meeting_participants, meeting_ratings, meetings, municipalities,
        outgoing_mail, standing_teams, team_cases, units,
    };
    use laget_domain::meetings::MeetingStatus;
    use laget_domain::meetings::teams::{Dated, MeetingRule, Semester, Standing};
    let d = laget_db::Db::connect(&db.url).unwrap();
    let mut c = d.conn().unwrap();
    let m: String = municipalities::table
        .filter(municipalities::number.eq(number))
        .select(municipalities::id)
        .first(&mut c)
        .unwrap();
    let case: Vec<(String, Option<String>, String, String)> = meetings::table
        .filter(meetings::municipality_id.eq(&m))
        .filter(meetings::log_id.is_not_null())
        .select((
            meetings::id,
            meetings::log_id,
            meetings::status,
            meetings::minutes_status,
        ))
        .load(&mut c)
        .unwrap();
    let ids: Vec<&String> = case.iter().map(|(id, _, _, _)| id).collect();
    let mut logs: Vec<&Option<String>> = case.iter().map(|(_, l, _, _)| l).collect();
    logs.sort();
    logs.dedup();
    let responses: Vec<String> = meeting_participants::table
        .filter(meeting_participants::meeting_id.eq_any(&ids))
        .filter(meeting_participants::kind.eq("ansatt"))
        .select(meeting_participants::response)
        .load(&mut c)
        .unwrap();
    let decisions: Vec<(Option<i64>, Option<String>)> = meeting_decisions::table
        .filter(meeting_decisions::meeting_id.eq_any(&ids))
        .select((meeting_decisions::done_at, meeting_decisions::measure_id))
        .load(&mut c)
        .unwrap();
    let raters: Vec<String> = meeting_ratings::table
        .filter(meeting_ratings::meeting_id.eq_any(&ids))
        .select(meeting_ratings::rater)
        .load(&mut c)
        .unwrap();
    /// (id, kind, its unit's kind, min_autumn, min_spring, weekday)
    type TeamRow = (String, String, Option<String>, i32, i32, Option<i32>);
    let teams: Vec<TeamRow> = standing_teams::table
        .left_join(units::table.on(units::id.nullable().eq(standing_teams::unit_id)))
        .filter(standing_teams::municipality_id.eq(&m))
        .select((
            standing_teams::id,
            standing_teams::kind,
            units::kind.nullable(),
            standing_teams::min_autumn,
            standing_teams::min_spring,
            standing_teams::weekday,
        ))
        .load(&mut c)
        .unwrap();
    let today = chrono::Utc::now()
        .with_timezone(&chrono_tz::Europe::Oslo)
        .date_naive();
    let mut short = 0;
    for (id, _, _, autumn, spring, weekday) in &teams {
        let dated: Vec<Dated> = meetings::table
            .filter(meetings::team_id.eq(id))
            .select((meetings::starts_at, meetings::status))
            .load::<(i64, String)>(&mut c)
            .unwrap()
            .into_iter()
            .map(|(at, status)| Dated {
                day: chrono::DateTime::from_timestamp_micros(at)
                    .unwrap()
                    .with_timezone(&chrono_tz::Europe::Oslo)
                    .date_naive(),
                status: MeetingStatus::from_code(&status).unwrap(),
            })
            .collect();
        let rule = MeetingRule::from_stored(*autumn, *spring, *weekday);
        if Standing::of(rule, Semester::current(today), &dated, today).falls_short() {
            short += 1;
        }
    }
    let team_ids: Vec<&String> = teams.iter().map(|t| &t.0).collect();
    let cases: Vec<bool> = team_cases::table
        .filter(team_cases::team_id.eq_any(&team_ids))
        .select(team_cases::anonymous)
        .load(&mut c)
        .unwrap();
    let mail_sent = outgoing_mail::table
        .filter(outgoing_mail::state.eq("sendt"))
        .count()
        .get_result::<i64>(&mut c)
        .unwrap();
    let reasons: Vec<(String, Option<String>)> = outgoing_mail::table
        .select((outgoing_mail::state, outgoing_mail::reason))
        .load(&mut c)
        .unwrap();
    let mail_demo = reasons
        .iter()
        .filter(|(st, r)| st == "ikke_sendt" && r.as_deref() == Some("demo"))
        .count();
    let send_jobs_pending = laget_db::schema::outbox::table
        .filter(laget_db::schema::outbox::kind.eq("send_mail"))
        .filter(laget_db::schema::outbox::state.ne("done"))
        .count()
        .get_result::<i64>(&mut c)
        .unwrap();
    let count = |st: &str, minutes: &str| {
        case.iter()
            .filter(|(_, _, s, mi)| s == st && (minutes.is_empty() || mi == minutes))
            .count()
    };
    DemoMeetings {
        logs: logs.len(),
        planned: count("planlagt", "ingen"),
        approved: count("holdt", "godkjent"),
        drafts: count("planlagt", "utkast"),
        answered: responses.iter().filter(|r| *r != "venter").count(),
        pending: responses.iter().filter(|r| *r == "venter").count(),
        decisions_done: decisions.iter().filter(|(done, _)| done.is_some()).count(),
        decisions_open: decisions.iter().filter(|(done, _)| done.is_none()).count(),
        decisions_to_measure: decisions.iter().filter(|(_, m)| m.is_some()).count(),
        guardian_ratings: raters.iter().filter(|r| *r == "foresatt").count(),
        child_ratings: raters.iter().filter(|r| *r == "barn").count(),
        teams: teams.iter().map(|t| (t.1.clone(), t.2.clone())).collect(),
        short,
        anonymous_cases: cases.iter().filter(|a| **a).count(),
        named_cases: cases.iter().filter(|a| !**a).count(),
        mail_sent: usize::try_from(mail_sent).unwrap(),
        mail_demo,
        mail_other: reasons.len() - mail_demo,
        send_jobs_pending: usize::try_from(send_jobs_pending).unwrap(),
    }
}

#[test]
fn the_demo_has_meetings_with_minutes_decisions_ratings_and_standing_teams() {
    for db in TestDb::all() {
        let mut server = start_server(&db, free_port());
        server.kill().unwrap();
        server.wait().unwrap();
        let demo = demo_meetings(&db, "9999");
        assert!(demo.logs >= 5, "case meetings in several logs: {demo:?}");
        assert!(
            demo.planned >= 3 && demo.approved >= 3 && demo.drafts >= 1,
            "{demo:?}"
        );
        assert!(
            demo.answered >= 5 && demo.pending >= 1,
            "answers and some not yet: {demo:?}"
        );
        assert!(
            demo.decisions_done >= 3 && demo.decisions_open >= 3 && demo.decisions_to_measure >= 1,
            "decisions done, open and made measures: {demo:?}"
        );
        assert!(
            demo.guardian_ratings >= 2 && demo.child_ratings >= 1,
            "{demo:?}"
        );
        // A TST at each school and kindergarten, and a tidlig innsatsteam
        // with an anonymous case and a named one.
        let tst = |unit: &str| {
            demo.teams
                .iter()
                .filter(|(k, u)| k == "tst" && u.as_deref() == Some(unit))
                .count()
        };
        assert_eq!((tst("barnehage"), tst("skole")), (2, 2), "{demo:?}");
        assert!(
            demo.teams.iter().any(|(k, _)| k == "tidlig_innsats"),
            "{demo:?}"
        );
        assert_eq!(demo.short, 1, "one team short of its rule: {demo:?}");
        assert!(
            demo.anonymous_cases >= 1 && demo.named_cases >= 1,
            "{demo:?}"
        );
        assert_eq!(demo.mail_sent, 0, "no SMTP server: nothing is sent");
        // Every e-mail the seeding queued is held back as demo data, with no
        // job left to send it, so a demo with SMTP configured sends none of
        // it (#21).
        assert!(demo.mail_demo > 0, "the seeding queues e-mail: {demo:?}");
        assert_eq!(demo.mail_other, 0, "all of it held back: {demo:?}");
        assert_eq!(demo.send_jobs_pending, 0, "{demo:?}");
        // Nabo kommune, nynorsk: a log's meetings and a TST.
        let nabo = demo_meetings(&db, "9998");
        assert!(
            nabo.approved >= 1 && nabo.planned >= 1 && nabo.child_ratings >= 1,
            "{nabo:?}"
        );
        assert_eq!(
            nabo.teams,
            vec![("tst".to_owned(), Some("skole".to_owned()))]
        );
    }
}

#[test]
fn the_operator_lists_the_outbox_jobs_given_up() {
    for db in TestDb::all() {
        ok(&db.laget(&["migrate"]));
        let none = db.laget(&["outbox", "failed"]);
        ok(&none);
        assert_eq!(stdout(&none).trim(), "No failed jobs.");
        db.sql(
            "INSERT INTO outbox (id, kind, payload, state, created_at, due_at, attempts, \
             max_attempts, last_error, finished_at) VALUES \
             ('01900000-0000-7000-8000-000000000001', 'send_mail', '{}', 'failed', \
              1700000000000000, 1700000000000000, 8, 8, \
              'smtp_unavailable: Connection refused', 1700000100000000), \
             ('01900000-0000-7000-8000-000000000002', 'send_mail', '{}', 'done', \
              1700000000000000, 1700000000000000, 1, 8, NULL, 1700000100000000);",
        );
        let listed = db.laget(&["outbox", "failed"]);
        ok(&listed);
        let out = stdout(&listed);
        assert!(
            out.contains("01900000-0000-7000-8000-000000000001  send_mail  8 of 8 attempts"),
            "{out}"
        );
        assert!(
            out.contains("smtp_unavailable: Connection refused"),
            "{out}"
        );
        assert!(
            !out.contains("000000000002"),
            "done jobs are not listed: {out}"
        );
    }
}

/// Every command that opens the database says which one on stderr, without
/// a password; a forgotten `--config` that would make a new SQLite file in
/// the current directory says so.
#[test]
fn commands_name_the_database_they_open() {
    for db in TestDb::all() {
        let o = db.laget(&[
            "admin",
            "create-municipality",
            "--number",
            "3105",
            "--name",
            "Sarpsborg",
        ]);
        ok(&o);
        let err = stderr(&o);
        let line = err
            .lines()
            .find(|l| l.starts_with("laget: database "))
            .unwrap_or_else(|| panic!("names the database: {err}"));
        match &db.pg {
            None => assert!(line.contains(&db.url), "the SQLite file: {line}"),
            Some((_, schema)) => {
                assert!(line.contains("PostgreSQL "), "{line}");
                assert!(line.contains(schema.as_str()), "the schema: {line}");
            }
        }
        assert!(!line.contains("new:"), "an existing database: {line}");
        for args in [
            &["migrate"][..],
            &["audit", "verify"],
            &["outbox", "failed"],
        ] {
            let o = db.laget(args);
            ok(&o);
            assert!(stderr(&o).contains(line), "{args:?}: {}", stderr(&o));
        }
    }

    // No configuration file, no LAGET__DATABASE__URL: the built-in default,
    // a new SQLite file under the current directory — said, with the hint.
    let dir = std::env::temp_dir().join(format!("laget-cli-{}", uuid::Uuid::now_v7().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_laget"))
        .args([
            "admin",
            "create-municipality",
            "--number",
            "3105",
            "--name",
            "Glemt",
        ])
        .current_dir(&dir)
        .env_remove("LAGET__DATABASE__URL")
        .env("LAGET__LOG__FILTER", "warn")
        .output()
        .unwrap();
    let err = stderr(&o);
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        err.contains("laget: database SQLite /") && err.contains("data/laget.sqlite3"),
        "{err}"
    );
    assert!(
        err.contains("new: no configuration file found") && err.contains("--config"),
        "{err}"
    );
}

/// The checkpoint file holds signed heads of the access log: made readable
/// by its owner only, whatever the umask.
#[cfg(unix)]
#[test]
fn the_checkpoint_file_is_made_private() {
    use std::os::unix::fs::PermissionsExt as _;
    for db in TestDb::all() {
        db.with_four_rows();
        let mode = std::fs::metadata(db.file("audit-checkpoints.log"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "{mode:o}");
    }
}

/// A misspelt key in the configuration file stops the command and is named
/// as written, with the file, without doubled backticks or an internal
/// «default.» prefix.
#[test]
fn a_misspelt_config_key_is_named_cleanly() {
    let db = TestDb::sqlite();
    let file = db.dir.join("typo.toml");
    std::fs::write(&file, "[outbox]\npoll_second = 5\n").unwrap();
    let o = db.laget(&["--config", file.to_str().unwrap(), "migrate"]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.starts_with("laget: unknown key outbox.poll_second in "),
        "{err}"
    );
    assert!(
        err.contains("typo.toml") && err.contains("poll_seconds"),
        "{err}"
    );
    assert!(!err.contains("``") && !err.contains("default."), "{err}");
}
