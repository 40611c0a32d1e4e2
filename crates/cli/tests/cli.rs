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

#[test]
fn an_acknowledged_write_survives_kill_9() {
    for db in TestDb::all() {
        let port = free_port();
        let mut server = start_server(&db, port);
        // Log in as the demo administrator through the real login form.
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
        let body = format!("_csrf={}&navn=Etter+kill&type=skole&aktiv=ja", csrf(&form));
        let (status, _, _) = http(port, "POST", &units_path, &cookie, &body);
        assert_eq!(status, 303, "the write was acknowledged");

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
