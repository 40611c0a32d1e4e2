//! Two `laget serve` processes on one PostgreSQL database, as behind a load
//! balancer (the test alternates between their ports itself; no proxy):
//!
//! - a session opened on one instance works on the other, and a logout on
//!   one ends it on the other;
//! - a timeline changed through one instance is on the log page read through
//!   the other at once (kept timelines are keyed by the log's revision,
//!   which the change raises in its own transaction);
//! - the team form's staff list, kept up to a minute in each instance, may
//!   still offer on one instance someone just disabled through the other:
//!   putting them on the team is decided on the database, and refused;
//! - both under write load from several threads while one of them is killed
//!   with `kill -9` at random moments and started again: every write the
//!   test saw acknowledged is in the database, every page read the test saw
//!   answered has its access-log row, `laget audit verify` passes, and every
//!   e-mail job is delivered to a real SMTP server (`tests/mail/smtp_sink.py`)
//!   under one Message-ID.
//!
//! PostgreSQL only (`DATABASE_URL`): SQLite is one process's file. Without
//! `DATABASE_URL` the test says on stderr that it did not run.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU16, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Writes a line to the process's standard error, past the test harness's
/// capture (which takes only `print!`/`eprint!`), so that it shows in every
/// run: that the test did not run, and what it measured.
macro_rules! say {
    ($($arg:tt)*) => {{
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

/// Times one instance is killed during the load.
const KILLS: usize = 5;
/// The demo's one password (`laget serve --demo`).
const PASSWORD: &str = "Tusenfryd-Gulrot-Lunefull-42";

// ---------------------------------------------------------------------------
// The database, the SMTP server and the instances

/// A fresh PostgreSQL schema and a folder (the instances' working directory,
/// so they share `data/audit.key` as production instances must).
struct Pg {
    base: String,
    schema: String,
    url: String,
    dir: PathBuf,
}

impl Pg {
    fn new() -> Option<Self> {
        let base = match std::env::var("DATABASE_URL") {
            Ok(url) if !url.is_empty() => url,
            _ => {
                say!(
                    "\n*** instances.rs: NOT RUN — DATABASE_URL is not set. Two instances on one \
                     database need PostgreSQL; set DATABASE_URL (CI does). ***\n"
                );
                return None;
            }
        };
        let schema = format!("inst_{}", uuid::Uuid::now_v7().simple());
        laget_db::Db::connect_in_schema(&base, Some(&schema)).unwrap();
        let sep = if base.contains('?') { '&' } else { '?' };
        let url = format!("{base}{sep}options=-c%20search_path%3D{schema}");
        let dir = std::env::temp_dir().join(format!("laget-cli-{schema}"));
        std::fs::create_dir_all(&dir).unwrap();
        Some(Self {
            base,
            schema,
            url,
            dir,
        })
    }

    fn db(&self) -> laget_db::Db {
        laget_db::Db::connect(&self.url).unwrap()
    }

    fn laget(&self, args: &[&str]) -> std::process::Output {
        Command::new(env!("CARGO_BIN_EXE_laget"))
            .args(args)
            .current_dir(&self.dir)
            .env("LAGET__DATABASE__URL", &self.url)
            .env("LAGET__LOG__FILTER", "warn")
            .output()
            .unwrap()
    }
}

impl Drop for Pg {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
        let _ = laget_db::Db::drop_schema(&self.base, &self.schema);
    }
}

/// The mail tests' SMTP server (aiosmtpd), as `laget_testkit::SmtpSink`
/// runs it: each message it accepts is written as NNNN.json before it
/// answers 250.
struct Sink {
    child: Child,
    stdin: Option<ChildStdin>,
    port: u16,
    dir: PathBuf,
}

impl Sink {
    fn start() -> Self {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
        let python = match std::env::var_os("LAGET_TEST_PYTHON") {
            Some(p) if !p.is_empty() => PathBuf::from(p),
            _ => root.join("target/mail-venv/bin/python"),
        };
        let hint = "run `make deps` (target/mail-venv with aiosmtpd and icalendar) or set \
                    LAGET_TEST_PYTHON";
        assert!(python.exists(), "no Python at {}: {hint}", python.display());
        let dir = std::env::temp_dir().join(format!("laget-smtp-{}", uuid::Uuid::now_v7()));
        std::fs::create_dir_all(&dir).unwrap();
        let mut child = Command::new(&python)
            .arg(root.join("tests/mail/smtp_sink.py"))
            .arg(&dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot run {}: {e}; {hint}", python.display()));
        let stdin = child.stdin.take();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let port = line
            .trim()
            .strip_prefix("READY ")
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("the SMTP sink did not start ({line:?}): {hint}"));
        Self {
            child,
            stdin,
            port,
            dir,
        }
    }

    /// The messages accepted so far, in the order accepted.
    fn messages(&self) -> Vec<serde_json::Value> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(&self.dir)
            .unwrap()
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .collect();
        files.sort();
        files
            .iter()
            .map(|f| serde_json::from_str(&std::fs::read_to_string(f).unwrap()).unwrap())
            .collect()
    }
}

impl Drop for Sink {
    fn drop(&mut self) {
        drop(self.stdin.take());
        std::thread::sleep(Duration::from_millis(100));
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Starts `laget serve` on a free port and waits until it listens.
fn start(pg: &Pg, smtp: u16, demo: bool) -> (Server, u16) {
    let port = free_port();
    let listen = format!("127.0.0.1:{port}");
    let mut args = vec!["serve", "--listen", &listen];
    if demo {
        args.push("--demo");
    }
    let mut child = Command::new(env!("CARGO_BIN_EXE_laget"))
        .args(&args)
        .current_dir(&pg.dir)
        .env("LAGET__DATABASE__URL", &pg.url)
        .env("LAGET__LOG__FILTER", "error")
        .env("LAGET__OUTBOX__POLL_SECONDS", "1")
        .env("LAGET__MAIL__SMTP_HOST", "127.0.0.1")
        .env("LAGET__MAIL__SMTP_PORT", smtp.to_string())
        .env("LAGET__MAIL__SECURITY", "none")
        .env("LAGET__MAIL__FROM", "laget@kommune.example")
        .env("LAGET__MAIL__BASE_URL", "https://laget.kommune.example")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
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
    (Server(Some(child)), port)
}

/// A running `laget serve`; killed when dropped (a failed test leaves
/// no server behind on a dropped schema).
struct Server(Option<Child>);

impl Server {
    /// Sends `sig` and waits for the process; its exit status.
    fn signal(mut self, sig: &str) -> std::process::ExitStatus {
        let mut child = self.0.take().unwrap();
        let ok = Command::new("kill")
            .args([sig, &child.id().to_string()])
            .status()
            .unwrap()
            .success();
        assert!(ok, "kill {sig}");
        child.wait().unwrap()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(mut child) = self.0.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// SIGTERM: the server finishes its requests and its outbox job, then exits.
fn stop(server: Server) {
    assert!(server.signal("-TERM").success(), "a clean shutdown");
}

// ---------------------------------------------------------------------------
// HTTP

/// A minimal HTTP/1.1 client, one request per connection. `Err` when the
/// server did not answer (refused, reset, killed mid-request).
fn http(port: u16, method: &str, path: &str, cookie: &str, body: &str) -> std::io::Result<Answer> {
    let addr = std::net::SocketAddr::from(([127, 0, 0, 1], port));
    let mut s = TcpStream::connect_timeout(&addr, Duration::from_secs(2))?;
    s.set_read_timeout(Some(Duration::from_secs(30)))?;
    let req = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: {cookie}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    s.write_all(req.as_bytes())?;
    let mut raw = Vec::new();
    s.read_to_end(&mut raw)?;
    let raw = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = raw
        .split_once("\r\n\r\n")
        .ok_or_else(|| std::io::Error::other("no answer"))?;
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .ok_or_else(|| std::io::Error::other("no status"))?;
    Ok(Answer {
        status,
        head: head.to_owned(),
        body: body.to_owned(),
    })
}

struct Answer {
    status: u16,
    head: String,
    body: String,
}

impl Answer {
    fn header(&self, name: &str) -> Option<String> {
        self.head.lines().find_map(|l| {
            let (n, v) = l.split_once(':')?;
            n.trim()
                .eq_ignore_ascii_case(name)
                .then(|| v.trim().to_owned())
        })
    }

    /// A 303 to a path that starts with `to`.
    fn redirects_to(&self, to: &str) -> bool {
        self.status == 303 && self.header("location").is_some_and(|l| l.starts_with(to))
    }

    fn set_cookies(&self) -> Vec<(String, String)> {
        self.head
            .lines()
            .filter(|l| l.to_ascii_lowercase().starts_with("set-cookie:"))
            .filter_map(|l| {
                let pair = l.split_once(':')?.1.trim().split(';').next()?;
                let (n, v) = pair.split_once('=')?;
                Some((n.to_owned(), v.to_owned()))
            })
            .collect()
    }
}

fn csrf(body: &str) -> String {
    let marker = "name=\"_csrf\" value=\"";
    let start = body.find(marker).expect("a form with a CSRF token") + marker.len();
    body[start..start + body[start..].find('"').unwrap()].to_owned()
}

/// The values of the options of the `<select name="{name}">` on a page.
fn options(body: &str, name: &str) -> Vec<String> {
    let Some(start) = body.find(&format!("name=\"{name}\"")) else {
        return Vec::new();
    };
    let select = &body[start..];
    let select = &select[..select.find("</select>").unwrap_or(select.len())];
    select
        .split("<option value=\"")
        .skip(1)
        .filter_map(|o| o.split('"').next())
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
        .collect()
}

fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A signed-in staff member: the session cookie and its CSRF token.
#[derive(Clone)]
struct Session {
    cookie: String,
    csrf: String,
}

/// Logs `username` in through the login form of the instance on `port`.
fn login(port: u16, username: &str) -> Session {
    let form = http(port, "GET", "/logg-inn", "", "").unwrap();
    let mut jar: BTreeMap<String, String> = form.set_cookies().into_iter().collect();
    let cookie = |jar: &BTreeMap<String, String>| {
        jar.iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(n, v)| format!("{n}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    };
    let body = format!(
        "_csrf={}&brukernavn={username}&passord={PASSWORD}&neste=%2F",
        csrf(&form.body)
    );
    let answer = http(port, "POST", "/logg-inn", &cookie(&jar), &body).unwrap();
    assert_eq!(answer.status, 303, "{username} logs in: {}", answer.head);
    jar.extend(answer.set_cookies());
    let cookie = cookie(&jar);
    let home = http(port, "GET", "/", &cookie, "").unwrap();
    assert_eq!(home.status, 200, "signed in");
    Session {
        csrf: csrf(&home.body),
        cookie,
    }
}

fn post(port: u16, s: &Session, path: &str, fields: &[(&str, &str)]) -> std::io::Result<Answer> {
    let mut body = format!("_csrf={}", encode(&s.csrf));
    for (k, v) in fields {
        body.push_str(&format!("&{k}={}", encode(v)));
    }
    http(port, "POST", path, &s.cookie, &body)
}

fn get(port: u16, s: &Session, path: &str) -> std::io::Result<Answer> {
    http(port, "GET", path, &s.cookie, "")
}

fn today() -> String {
    // UTC's date is never after Oslo's, so never «in the future».
    chrono::Utc::now()
        .date_naive()
        .format("%Y-%m-%d")
        .to_string()
}

fn random_below(n: u64) -> u64 {
    use std::hash::BuildHasher;
    std::collections::hash_map::RandomState::new().hash_one(Instant::now()) % n.max(1)
}

// ---------------------------------------------------------------------------
// What the load does, and what it saw acknowledged

/// A log and its lead (who may write on it and call meetings).
struct Case {
    log: String,
    lead: String,
    /// The meeting form's staff to invite (`user:unit`), two at most.
    invitees: Vec<String>,
}

/// Finds an open demo log whose lead can call a meeting with staff to invite.
fn a_case(pg: &Pg, port: u16) -> (Case, Session) {
    use diesel::prelude::*;
    use laget_db::schema::{logs, users};
    let db = pg.db();
    let mut c = db.conn().unwrap();
    let candidates: Vec<(String, String)> = logs::table
        .inner_join(users::table.on(logs::lead_user_id.eq(users::id.nullable())))
        .filter(logs::status.eq("apen"))
        .filter(users::disabled_at.is_null())
        .order(logs::id)
        .select((logs::id, users::username))
        .load(&mut c)
        .unwrap();
    let mut sessions: HashMap<String, Session> = HashMap::new();
    for (log, lead) in candidates {
        let s = sessions
            .entry(lead.clone())
            .or_insert_with(|| login(port, &lead))
            .clone();
        let form = get(port, &s, &format!("/logger/{log}/moter/ny")).unwrap();
        if form.status != 200 {
            continue;
        }
        let invitees: Vec<String> = form
            .body
            .split("name=\"ansatte\" value=\"")
            .skip(1)
            .filter_map(|rest| rest.split('"').next().map(str::to_owned))
            .take(2)
            .collect();
        if !invitees.is_empty() {
            return (
                Case {
                    log,
                    lead,
                    invitees,
                },
                s,
            );
        }
    }
    panic!("no demo log whose lead can call a meeting with staff");
}

/// An e-mail the load queued (`outgoing_mail`) and its outbox job.
struct Mail {
    id: String,
    job: String,
    meeting: String,
    state: String,
    /// The recipient's address, lower case.
    to: String,
}

/// What the server acknowledged, recorded only on its success answer.
#[derive(Default)]
struct Acknowledged {
    /// The words of each child's-voice entry (303 back to the log).
    voices: Vec<String>,
    /// Each meeting's purpose (303 to the meeting, «innkalt»).
    meetings: Vec<String>,
    /// Each unit's name (303 back to the list).
    units: Vec<String>,
    /// The request id of each log page shown (200).
    reads: Vec<String>,
    /// Requests that got no answer or an error (the instance was killed).
    lost: usize,
}

#[test]
fn two_instances_share_sessions_timelines_the_access_log_and_the_outbox_under_kill_9() {
    let Some(pg) = Pg::new() else { return };
    let began = Instant::now();
    let sink = Sink::start();
    // A seeds the demo; B starts on the seeded database (as a second
    // production instance starts on a migrated one).
    let (a, port_a) = start(&pg, sink.port, true);
    let (b, port_b) = start(&pg, sink.port, false);

    let admin = login(port_b, "kommuneadmin");
    let units_path = {
        let home = get(port_b, &admin, "/").unwrap().body;
        let link = home
            .split("href=\"")
            .find(|s| s.split('"').next().is_some_and(|p| p.ends_with("/enheter")))
            .expect("the administrator's link to the units");
        link[..link.find('"').unwrap()].to_owned()
    };
    // --- Sessions: a login on A works on B; a logout on A ends it on B.
    let (case, _) = a_case(&pg, port_a);
    let s = login(port_a, &case.lead);
    let on_b = get(port_b, &s, "/").unwrap();
    assert_eq!(on_b.status, 200, "A's session works on B");
    // --- Timelines: B keeps the log's timeline; a change through A is on
    // B's next page at once.
    let log_path = format!("/logger/{}", case.log);
    for _ in 0..2 {
        assert_eq!(get(port_b, &s, &log_path).unwrap().status, 200);
    }
    let words = format!("Sagt gjennom A {}", uuid::Uuid::now_v7().simple());
    let written = post(
        port_a,
        &s,
        &format!("{log_path}/stemme"),
        &[("dato", &today()), ("metode", "samtale"), ("ord", &words)],
    )
    .unwrap();
    assert!(written.redirects_to(&log_path), "{}", written.head);
    let page = get(port_b, &s, &log_path).unwrap();
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains(&words),
        "the change through A is on B's log page at once"
    );

    // --- The team form's staff list is kept up to a minute on each
    // instance (`log::kept`), so A may still offer someone B has just
    // disabled; adding them is decided on the database, and refused.
    let municipality_path = units_path.trim_end_matches("/enheter").to_owned();
    let offered = options(&get(port_a, &s, &log_path).unwrap().body, "ansatt");
    let excluded: BTreeSet<String> = {
        use diesel::prelude::*;
        use laget_db::schema::{team_members, users};
        let mut c = pg.db().conn().unwrap();
        let mut ids: BTreeSet<String> = team_members::table
            .filter(team_members::log_id.eq(&case.log))
            .filter(team_members::removed_at.is_null())
            .select(team_members::user_id)
            .load::<Option<String>>(&mut c)
            .unwrap()
            .into_iter()
            .flatten()
            .collect();
        ids.extend(
            users::table
                .filter(users::username.eq(&case.lead))
                .select(users::id)
                .load::<String>(&mut c)
                .unwrap(),
        );
        ids.extend(
            case.invitees
                .iter()
                .filter_map(|i| Some(i.split_once(':')?.0.to_owned())),
        );
        ids
    };
    let mut disabled = None;
    for pick in offered {
        let Some((user, _)) = pick.split_once(':') else {
            continue;
        };
        if excluded.contains(user) {
            continue;
        }
        let answer = post(
            port_b,
            &admin,
            &format!("{municipality_path}/brukere/{user}/deaktiver"),
            &[],
        )
        .unwrap();
        if answer.status == 303 {
            disabled = Some((user.to_owned(), pick));
            break;
        }
    }
    let (disabled, pick) =
        disabled.expect("a staff member off the team that B's admin may disable");
    let still_offered =
        options(&get(port_a, &s, &log_path).unwrap().body, "ansatt").contains(&pick);
    let answer = post(
        port_a,
        &s,
        &format!("{log_path}/lag"),
        &[("ansatt", &pick), ("rolle", "Kontaktlærer")],
    )
    .unwrap();
    assert!(
        !answer.redirects_to(&format!("{log_path}?melding=lagret")),
        "a staff member disabled through B was put on the team through A"
    );
    {
        use diesel::prelude::*;
        use laget_db::schema::team_members;
        let on: i64 = team_members::table
            .filter(team_members::log_id.eq(&case.log))
            .filter(team_members::user_id.eq(&disabled))
            .count()
            .get_result(&mut *pg.db().conn().unwrap())
            .unwrap();
        assert_eq!(on, 0, "the disabled staff member is not on the team");
    }
    say!(
        "instances: A's team form {} the staff member disabled through B; adding them: {}",
        if still_offered {
            "still offered"
        } else {
            "no longer offered"
        },
        answer.status
    );

    let out = post(port_a, &s, "/logg-ut", &[]).unwrap();
    assert_eq!(out.status, 303, "logged out on A");
    let after = get(port_b, &s, "/").unwrap();
    assert!(
        after.redirects_to("/logg-inn"),
        "the session ended on A is ended on B: {}",
        after.head
    );

    // --- Load on both, one killed with kill -9 five times and restarted.
    let lead = login(port_a, &case.lead);
    let ports = Arc::new([AtomicU16::new(port_a), AtomicU16::new(port_b)]);
    let done = Arc::new(AtomicBool::new(false));
    let acked = Arc::new(Mutex::new(Acknowledged::default()));
    let case = Arc::new(case);
    let mut threads = Vec::new();
    for worker in 0..5usize {
        let (ports, done, acked, case) = (ports.clone(), done.clone(), acked.clone(), case.clone());
        let (lead, admin, units_path) = (lead.clone(), admin.clone(), units_path.clone());
        threads.push(std::thread::spawn(move || {
            let log_path = format!("/logger/{}", case.log);
            let mut n = 0usize;
            while !done.load(Ordering::Relaxed) {
                n += 1;
                // Alternate between the instances, as a balancer would.
                let port = ports[(n + worker) % 2].load(Ordering::Relaxed);
                let token = format!("w{worker}-{n}-{}", uuid::Uuid::now_v7().simple());
                let record = |ok: bool, what: &mut dyn FnMut(&mut Acknowledged)| {
                    let mut a = acked.lock().unwrap();
                    if ok { what(&mut a) } else { a.lost += 1 }
                };
                match worker {
                    0 | 1 => {
                        let words = format!("Barnet sa {token}");
                        let answer = post(
                            port,
                            &lead,
                            &format!("{log_path}/stemme"),
                            &[("dato", &today()), ("metode", "samtale"), ("ord", &words)],
                        );
                        let ok = answer
                            .is_ok_and(|a| a.redirects_to(&format!("{log_path}?melding=lagret")));
                        record(ok, &mut |a| a.voices.push(words.clone()));
                    }
                    2 => {
                        let purpose = format!("Samarbeid {token}");
                        let tomorrow = (chrono::Utc::now().date_naive() + chrono::Days::new(7))
                            .format("%Y-%m-%d")
                            .to_string();
                        let mut fields = vec![
                            ("type", "samarbeid"),
                            ("formal", purpose.as_str()),
                            ("agenda", "Hvordan går det"),
                            ("dato", tomorrow.as_str()),
                            ("fra", "09:00"),
                            ("til", "10:00"),
                            ("sted", "Møterom 2"),
                        ];
                        for i in &case.invitees {
                            fields.push(("ansatte", i.as_str()));
                        }
                        let answer = post(port, &lead, &format!("{log_path}/moter/ny"), &fields);
                        let ok = answer.is_ok_and(|a| {
                            a.redirects_to(&format!("{log_path}/moter/"))
                                && a.header("location").is_some_and(|l| l.ends_with("innkalt"))
                        });
                        record(ok, &mut |a| a.meetings.push(purpose.clone()));
                        // Meetings are the slow write (and each is mail).
                        std::thread::sleep(Duration::from_millis(150));
                    }
                    3 => {
                        let name = format!("Enhet {token}");
                        let answer = post(
                            port,
                            &admin,
                            &units_path,
                            &[("navn", &name), ("type", "skole"), ("aktiv", "ja")],
                        );
                        let ok = answer.is_ok_and(|a| a.redirects_to(&units_path));
                        record(ok, &mut |a| a.units.push(name.clone()));
                    }
                    _ => {
                        let answer = get(port, &lead, &log_path);
                        let id = answer
                            .ok()
                            .filter(|a| a.status == 200)
                            .and_then(|a| a.header("x-request-id"));
                        let ok = id.is_some();
                        record(ok, &mut |a| a.reads.push(id.clone().unwrap_or_default()));
                    }
                }
            }
        }));
    }
    let mut instances = [Some(a), Some(b)];
    for _ in 0..KILLS {
        // At a random moment of the load.
        std::thread::sleep(Duration::from_millis(1500 + random_below(3000)));
        let which = random_below(2) as usize;
        // kill -9: no shutdown, no flushing, whatever it was doing.
        instances[which].take().unwrap().signal("-9");
        ports[which].store(free_port(), Ordering::Relaxed);
        let (child, port) = start(&pg, sink.port, false);
        ports[which].store(port, Ordering::Relaxed);
        instances[which] = Some(child);
    }
    std::thread::sleep(Duration::from_secs(2));
    done.store(true, Ordering::Relaxed);
    for t in threads {
        t.join().unwrap();
    }
    let load_ended = began.elapsed();
    for i in instances.iter_mut() {
        stop(i.take().unwrap());
    }

    // --- The outbox. Leases are five minutes: a job a killed worker held is
    // claimed again only after that. Neither instance runs now, so every
    // lease still live is a dead worker's; let their time pass (the lease
    // moves to now) and start both again to finish the work.
    let db = pg.db();
    let now = laget_db::to_micros(chrono::Utc::now());
    let held_by_the_dead = {
        use diesel::prelude::*;
        use laget_db::schema::outbox;
        diesel::update(
            outbox::table
                .filter(outbox::state.eq("pending"))
                .filter(outbox::lease_until.gt(now)),
        )
        .set(outbox::lease_until.eq(now))
        .execute(&mut *db.conn().unwrap())
        .unwrap()
    };
    assert!(
        held_by_the_dead <= KILLS,
        "a worker holds one job at a time: {held_by_the_dead} leases for {KILLS} kills"
    );
    // What was delivered while the instances ran and no lease expired.
    let delivered_under_load = sink.messages().len();
    let (a, port_a) = start(&pg, sink.port, false);
    let (b, _) = start(&pg, sink.port, false);
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        use diesel::prelude::*;
        use laget_db::schema::outbox;
        let pending: i64 = outbox::table
            .filter(outbox::state.eq("pending"))
            .count()
            .get_result(&mut *db.conn().unwrap())
            .unwrap();
        if pending == 0 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "{pending} outbox jobs still pending"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    // After the restarts the session still works on both.
    assert_eq!(get(port_a, &lead, "/").unwrap().status, 200);
    stop(a);
    stop(b);

    // --- Every acknowledged write is in the database.
    let acked = std::mem::take(&mut *acked.lock().unwrap());
    {
        use diesel::prelude::*;
        use laget_db::schema::{access_log, log_entries, meetings, units};
        let mut c = db.conn().unwrap();
        let bodies: BTreeSet<String> = log_entries::table
            .filter(log_entries::log_id.eq(&case.log))
            .select(log_entries::body)
            .load::<Option<String>>(&mut c)
            .unwrap()
            .into_iter()
            .flatten()
            .collect();
        for v in &acked.voices {
            assert!(bodies.contains(v), "acknowledged voice lost: {v}");
        }
        let purposes: BTreeSet<String> = meetings::table
            .select(meetings::purpose)
            .load(&mut c)
            .unwrap()
            .into_iter()
            .collect();
        for m in &acked.meetings {
            assert!(purposes.contains(m), "acknowledged meeting lost: {m}");
        }
        let names: BTreeSet<String> = units::table
            .select(units::name)
            .load(&mut c)
            .unwrap()
            .into_iter()
            .collect();
        for u in &acked.units {
            assert!(names.contains(u), "acknowledged unit lost: {u}");
        }
        // --- Every page the test was shown has its access-log row.
        let recorded: BTreeSet<String> = access_log::table
            .filter(access_log::object_id.eq(&case.log))
            .filter(access_log::action.eq("read"))
            .select(access_log::request_id)
            .load(&mut c)
            .unwrap()
            .into_iter()
            .collect();
        for r in &acked.reads {
            assert!(
                recorded.contains(r),
                "a page was shown without its row: {r}"
            );
        }
    }
    assert!(
        !acked.voices.is_empty()
            && !acked.meetings.is_empty()
            && !acked.units.is_empty()
            && !acked.reads.is_empty(),
        "each kind of write was acknowledged at least once"
    );

    // --- The access log is one chain.
    let o = pg.laget(&["audit", "verify"]);
    assert!(
        o.status.success(),
        "audit verify: {}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );

    // --- Each e-mail job delivered, each under the one Message-ID made from
    // its row. A message is matched to its row by what it says — the
    // meeting (the calendar's UID) and the recipient — not by its
    // Message-ID, so a job sent under two ids would show.
    //
    // Repeats: a job runs again only when its lease has passed, and a live
    // worker never outlives its lease (the run is cut off before it). So the
    // one window for a second delivery is a worker killed after the SMTP
    // server had the whole message (this sink keeps it as soon as the data
    // has ended, before it answers 250) and before the row was marked sent
    // (`mail::finish`, its own commit before the job's `complete`): the job
    // is claimed again when the dead worker's lease expires, and the message
    // goes out again with the same Message-ID, which a receiver drops. A
    // worker killed after `finish` leaves a job that runs again and finds
    // the row sent: nothing is sent. The test asserts: no job was
    // delivered twice while no lease expired (no two live workers ran one
    // job), a repeated job was held by a killed worker, every delivery of a
    // job carries its one Message-ID; and prints the repeats.
    let messages = sink.messages();
    // Every meeting the load called, acknowledged or not (an instance killed
    // after the commit and before its answer still called it).
    let called: BTreeSet<String> = {
        use diesel::prelude::*;
        use laget_db::schema::meetings;
        meetings::table
            .filter(meetings::purpose.like("Samarbeid w2-%"))
            .select(meetings::id)
            .load(&mut *db.conn().unwrap())
            .unwrap()
            .into_iter()
            .collect()
    };
    let acknowledged_meetings: BTreeSet<String> = {
        use diesel::prelude::*;
        use laget_db::schema::meetings;
        meetings::table
            .filter(meetings::purpose.eq_any(&acked.meetings))
            .select(meetings::id)
            .load(&mut *db.conn().unwrap())
            .unwrap()
            .into_iter()
            .collect()
    };
    type Row = (
        String,
        Option<String>,
        Option<String>,
        String,
        Option<String>,
    );
    let rows: Vec<Row> = {
        use diesel::prelude::*;
        use laget_db::schema::{outgoing_mail, users};
        outgoing_mail::table
            .inner_join(users::table.on(outgoing_mail::recipient_user_id.eq(users::id.nullable())))
            .filter(outgoing_mail::meeting_id.eq_any(&called))
            .select((
                outgoing_mail::id,
                outgoing_mail::job_id,
                outgoing_mail::meeting_id,
                outgoing_mail::state,
                users::email,
            ))
            .load(&mut *db.conn().unwrap())
            .unwrap()
    };
    let rows: Vec<Mail> = rows
        .into_iter()
        .map(|(id, job, meeting, state, to)| Mail {
            id,
            job: job.expect("a job"),
            meeting: meeting.expect("a meeting"),
            state,
            to: to.expect("staff with an address").to_lowercase(),
        })
        .collect();
    for m in &acknowledged_meetings {
        assert!(
            rows.iter().any(|r| &r.meeting == m),
            "an acknowledged meeting queued no e-mail"
        );
    }
    let by_content: HashMap<(&str, &str), &Mail> = rows
        .iter()
        .map(|r| ((r.meeting.as_str(), r.to.as_str()), r))
        .collect();
    assert_eq!(
        by_content.len(),
        rows.len(),
        "one e-mail per meeting and recipient"
    );
    let mut deliveries: BTreeMap<String, Vec<(usize, String)>> = BTreeMap::new();
    for (i, m) in messages.iter().enumerate() {
        let uid = m["calendars"][0]["parsed"]["events"][0]["uid"]
            .as_str()
            .expect("an invitation's UID");
        let meeting = uid.split('@').next().unwrap().to_owned();
        let to = m["rcpt_tos"][0].as_str().unwrap().to_lowercase();
        let row = by_content
            .get(&(meeting.as_str(), to.as_str()))
            .unwrap_or_else(|| panic!("a message for no row: {meeting} to {to}"));
        let message_id = m["headers"]["Message-ID"]
            .as_str()
            .expect("a Message-ID")
            .to_owned();
        deliveries
            .entry(row.job.clone())
            .or_default()
            .push((i, message_id));
    }
    let attempts: HashMap<String, i32> = {
        use diesel::prelude::*;
        use laget_db::schema::outbox;
        outbox::table
            .select((outbox::id, outbox::attempts))
            .load(&mut *db.conn().unwrap())
            .unwrap()
            .into_iter()
            .collect()
    };
    let mut repeats = 0;
    for Mail {
        id,
        job,
        meeting,
        state,
        ..
    } in &rows
    {
        assert_eq!(state, "sendt", "mail {id} of job {job} (meeting {meeting})");
        let got = deliveries
            .get(job)
            .unwrap_or_else(|| panic!("job {job} was never delivered"));
        let expected = format!("<{id}@laget.kommune.example>");
        for (_, message_id) in got {
            assert_eq!(message_id, &expected, "job {job} under another Message-ID");
        }
        let during_load = got
            .iter()
            .filter(|(i, _)| *i < delivered_under_load)
            .count();
        assert!(
            during_load <= 1,
            "job {job} delivered {during_load} times while no lease had expired: two live workers"
        );
        if got.len() > 1 {
            repeats += got.len() - 1;
            assert!(
                attempts[job] >= 2,
                "job {job} was delivered again without being claimed again"
            );
        }
    }
    assert!(
        repeats <= held_by_the_dead,
        "{repeats} repeats, but only {held_by_the_dead} jobs were held by killed workers"
    );
    assert!(!rows.is_empty(), "the meetings sent e-mail");
    say!(
        "instances: {KILLS} kills (kill -9) in {load_ended:.0?} of load; acknowledged: {} voices, \
         {} meetings, {} units, {} page reads; {} requests unanswered; {} e-mail jobs, {} messages \
         delivered, {repeats} repeat(s) (same Message-ID); {held_by_the_dead} job(s) held by a \
         killed worker; {:.0?} in all",
        acked.voices.len(),
        acked.meetings.len(),
        acked.units.len(),
        acked.reads.len(),
        acked.lost,
        rows.len(),
        messages.len(),
        began.elapsed(),
    );
    drop(sink);
}
