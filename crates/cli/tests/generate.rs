//! `laget demo generate`: synthetic national data, small. The counts it
//! prints are the database's, the access log verifies, a generated staff
//! member opens a generated log through the real server, and a second run
//! (or a run over a taken municipality number, or on a database with any
//! municipality at all) is refused without writing.
//! Runs on SQLite, and on PostgreSQL too when `DATABASE_URL` is set.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use diesel::prelude::*;
use laget_db::schema::{
    access_log, children, consents, evaluations, guardians, log_entries, logs, measures,
    meeting_participants, meetings, municipalities, team_members, units, users,
};
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

const PASSWORD: &str = "Tusenfryd-Gulrot-Lunefull-42";

/// A fresh database for one test, as `LAGET__DATABASE__URL`.
struct TestDb {
    url: String,
    dir: std::path::PathBuf,
    pg: Option<(String, String)>,
}

impl TestDb {
    fn all() -> Vec<Self> {
        let sqlite = {
            let dir =
                std::env::temp_dir().join(format!("laget-gen-{}", uuid::Uuid::now_v7().simple()));
            std::fs::create_dir_all(&dir).unwrap();
            Self {
                url: dir.join("laget.sqlite3").to_string_lossy().into_owned(),
                dir,
                pg: None,
            }
        };
        let mut all = vec![sqlite];
        if let Ok(base) = std::env::var("DATABASE_URL")
            && !base.is_empty()
        {
            let schema = format!("gen_{}", uuid::Uuid::now_v7().simple());
            laget_db::Db::connect_in_schema(&base, Some(&schema)).unwrap();
            let sep = if base.contains('?') { '&' } else { '?' };
            let dir = std::env::temp_dir().join(format!("laget-gen-{schema}"));
            std::fs::create_dir_all(&dir).unwrap();
            all.push(Self {
                url: format!("{base}{sep}options=-c%20search_path%3D{schema}"),
                dir,
                pg: Some((base, schema)),
            });
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

    fn conn(&self) -> laget_db::Db {
        laget_db::Db::connect(&self.url).unwrap()
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

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// Rows per table, read from the database.
fn counts(db: &TestDb) -> BTreeMap<&'static str, i64> {
    let d = db.conn();
    let mut c = d.conn().unwrap();
    let c = &mut *c;
    let mut m = BTreeMap::new();
    macro_rules! count {
        ($name:expr, $table:expr) => {
            m.insert($name, $table.count().get_result::<i64>(c).unwrap());
        };
    }
    count!("municipalities", municipalities::table);
    count!("units", units::table);
    count!("users (staff)", users::table);
    count!("children", children::table);
    count!("guardians", guardians::table);
    count!("logs", logs::table);
    count!("consents", consents::table);
    count!("team members", team_members::table);
    count!("measures", measures::table);
    count!("evaluations", evaluations::table);
    count!("meetings", meetings::table);
    count!("meeting participants", meeting_participants::table);
    count!("timeline entries", log_entries::table);
    count!("access-log rows", access_log::table);
    m
}

/// The counts `laget demo generate` printed («  children   3000»).
fn printed(out: &str) -> BTreeMap<String, i64> {
    out.lines()
        .filter_map(|l| {
            let l = l.trim();
            let (name, n) = l.rsplit_once(' ')?;
            Some((name.trim().to_owned(), n.parse().ok()?))
        })
        .collect()
}

fn generate(db: &TestDb, extra: &[&str]) -> Output {
    let mut args = vec![
        "demo",
        "generate",
        "--municipalities",
        "3",
        "--children",
        "3000",
        "--seed",
        "5",
    ];
    args.extend_from_slice(extra);
    db.laget(&args)
}

#[test]
fn generated_data_adds_up_verifies_and_opens_and_a_second_run_is_refused() {
    for db in TestDb::all() {
        let o = generate(&db, &[]);
        assert!(o.status.success(), "{}", text(&o));
        let out = String::from_utf8_lossy(&o.stdout).into_owned();
        assert!(
            String::from_utf8_lossy(&o.stderr).contains("children, logs, access log"),
            "a progress bar on stderr: {}",
            text(&o)
        );
        // Stderr is a pipe here, not a terminal: one line per finished
        // stage, no `\r` redraws (cron, files, journald).
        let err = String::from_utf8_lossy(&o.stderr).into_owned();
        assert!(!err.contains('\r'), "no \\r off a terminal: {err:?}");
        assert!(
            err.lines()
                .any(|l| l.starts_with("children, logs, access log") && l.contains("3000/3000")),
            "the finished stage on a line of its own: {err:?}"
        );

        // What it printed is what the database holds.
        let before = counts(&db);
        let said = printed(&out);
        for (table, n) in &before {
            assert_eq!(said.get(*table), Some(n), "{table}: {out}");
        }
        assert_eq!(before["municipalities"], 3);
        assert_eq!(before["children"], 3000);
        {
            let d = db.conn();
            let mut c = d.conn().unwrap();
            let c = &mut *c;
            let numbers: Vec<String> = municipalities::table
                .select(municipalities::number)
                .order(municipalities::number)
                .load(c)
                .unwrap();
            assert_eq!(numbers, ["9000", "9001", "9002"]);
            // Sizes are skewed but sum to the plan.
            let mut per: Vec<i64> = municipalities::table
                .inner_join(children::table.on(children::municipality_id.eq(municipalities::id)))
                .group_by(municipalities::id)
                .select(diesel::dsl::count_star())
                .load(c)
                .unwrap();
            per.sort();
            assert_eq!(per.iter().sum::<i64>(), 3000);
            assert!(per[2] > per[0], "{per:?}");
            // A realistic share of the children have a log (4–6 %, and the
            // samples).
            let share = before["logs"] as f64 / 3000.0;
            assert!((0.03..0.075).contains(&share), "{share}");
            // Every log has a team of 2 to 5.
            let sizes: Vec<i64> = team_members::table
                .group_by(team_members::log_id)
                .select(diesel::dsl::count_star())
                .load(c)
                .unwrap();
            assert_eq!(sizes.len() as i64, before["logs"]);
            assert!(sizes.iter().all(|n| (2..=5).contains(n)), "{sizes:?}");
            // No national identity numbers.
            let with_id: i64 = children::table
                .filter(children::national_id.is_not_null())
                .count()
                .get_result(c)
                .unwrap();
            assert_eq!(with_id, 0);
            // Some consents withdrawn or expired beside the valid ones.
            assert!(before["consents"] > 0 && before["consents"] <= before["logs"]);
        }
        let o = db.laget(&["audit", "verify"]);
        assert!(o.status.success(), "{}", text(&o));

        // A sample log and its lead, from what was printed.
        let sample = out
            .lines()
            .find_map(|l| l.strip_prefix("Sample: log "))
            .expect("a sample");
        let log = sample.split(' ').next().unwrap().to_owned();
        let username = sample
            .rsplit(' ')
            .next()
            .unwrap()
            .trim_end_matches('.')
            .to_owned();
        let (entries, child): (i64, String) = {
            let d = db.conn();
            let mut c = d.conn().unwrap();
            let entries = log_entries::table
                .filter(log_entries::log_id.eq(&log))
                .count()
                .get_result(&mut *c)
                .unwrap();
            let child = logs::table
                .inner_join(children::table)
                .filter(logs::id.eq(&log))
                .select(children::name)
                .first(&mut *c)
                .unwrap();
            (entries, child)
        };
        assert_eq!(entries, 200);

        // The lead signs in to the real server and opens the log; the read
        // is recorded, and the chain still verifies.
        let port = free_port();
        let mut server = start_server(&db, port);
        let cookie = log_in(port, &username);
        let (status, _, page) = http(port, "GET", &format!("/logger/{log}"), &cookie, "");
        assert_eq!(status, 200, "{page}");
        assert!(page.contains(&child), "the page names the child");
        server.kill().unwrap();
        server.wait().unwrap();
        let after_read = counts(&db);
        assert!(after_read["access-log rows"] > before["access-log rows"]);
        let o = db.laget(&["audit", "verify"]);
        assert!(o.status.success(), "{}", text(&o));

        // A second run is refused and writes nothing.
        let o = generate(&db, &[]);
        assert_eq!(o.status.code(), Some(2), "{}", text(&o));
        assert!(text(&o).contains("refused"), "{}", text(&o));
        assert_eq!(counts(&db), after_read);
    }
}

#[test]
fn one_taken_number_refuses_the_whole_run() {
    for db in TestDb::all() {
        let o = db.laget(&[
            "admin",
            "create-municipality",
            "--number",
            "9002",
            "--name",
            "Ekte kommune",
        ]);
        assert!(o.status.success(), "{}", text(&o));
        let before = counts(&db);
        let o = generate(&db, &[]);
        assert_eq!(o.status.code(), Some(2), "{}", text(&o));
        assert!(text(&o).contains("9002"), "names the number: {}", text(&o));
        assert_eq!(counts(&db), before, "nothing written");
    }
}

/// A database that holds a real municipality (any municipality at all) is
/// refused before anything is written: generated staff sign in with the
/// published demo password and must never appear in production.
#[test]
fn a_database_with_any_municipality_is_refused() {
    for db in TestDb::all() {
        let o = db.laget(&[
            "admin",
            "create-municipality",
            "--number",
            "3105",
            "--name",
            "Ekte kommune",
        ]);
        assert!(o.status.success(), "{}", text(&o));
        let before = counts(&db);
        assert_eq!(before["municipalities"], 1);
        let o = generate(&db, &[]);
        assert_eq!(o.status.code(), Some(2), "{}", text(&o));
        let said = text(&o);
        assert!(said.contains("refused"), "{said}");
        assert!(said.contains("3105"), "names what is there: {said}");
        assert!(said.contains("fresh database"), "says what to do: {said}");
        assert!(!said.contains("Generated in"), "{said}");
        let after = counts(&db);
        for table in ["municipalities", "users (staff)", "access-log rows"] {
            assert_eq!(after[table], before[table], "{table}: nothing written");
        }
        assert_eq!(after, before, "nothing written");
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
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let raw = String::from_utf8_lossy(&raw).into_owned();
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

/// Signs in through the real login form; the session cookie.
fn log_in(port: u16, username: &str) -> String {
    let (_, head, body) = http(port, "GET", "/logg-inn", "", "");
    let mut cookies = set_cookies(&head);
    let body = format!(
        "_csrf={}&brukernavn={username}&passord={PASSWORD}&neste=%2F",
        csrf(&body)
    );
    let (status, head, _) = http(port, "POST", "/logg-inn", &cookies.join("; "), &body);
    assert_eq!(status, 303, "{head}");
    cookies.extend(set_cookies(&head));
    cookies.join("; ")
}

fn start_server(db: &TestDb, port: u16) -> std::process::Child {
    let mut child = db
        .command(&["serve", "--listen", &format!("127.0.0.1:{port}")])
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
