//! The `log` scenario: a child's log page (`GET /logger/{log}`, which
//! records its read in the access log before it renders) against the same
//! page's bytes served as a static body by the same server in the same run,
//! at several database sizes.
//!
//! For each size N: a fresh database with a municipality, units, staff, N
//! logs (children, their units, logs, a few timeline entries and the lead on
//! the team, bulk-inserted straight into the tables), and one target log made
//! through the real `db` functions (guardians, a consent, a team, measures)
//! with 200 timeline entries. Every client signs in as its own staff member
//! of the log's home unit (the «own unit» ground) through a session row
//! written directly to the database, as `laget-testkit` does. The server is
//! the product's router in a process of its own (`laget-bench serve`), so
//! that the memory measured is the server's alone.
//!
//! All sizes are prepared first; the measurements then take turns between
//! them (`--rounds` times), so a change in the machine's load during the run
//! does not favour one size. Beside the targets it prints where the time
//! goes: the page from one client, the statements a page sends, the
//! database work of the page without HTTP, and `Db::record_reads` on its own
//! (group commit against one transaction per call).

use crate::{Load, Result, load, ms, open_db};
use axum::Router;
use axum::routing::get;
use chrono::{Datelike, Days, NaiveDate, Utc};
use diesel::prelude::*;
use laget_db::schema::{
    child_units, children as children_t, log_entries, logs as logs_t, team_members,
};
use laget_db::{
    Db, DbConnection, DbError, DbResult, admin::municipalities, admin::units, admin::users,
    children, log as logs, session as sessions, to_micros,
};
use laget_domain::access::Operator;
use laget_domain::admin::municipality::{MunicipalityName, MunicipalityNumber, WrittenStandard};
use laget_domain::admin::unit::{UnitKind, UnitName};
use laget_domain::admin::user::{DisplayName, Role, Username};
use laget_domain::children::{Birth, NewChild, NewGuardian, Relation};
use laget_domain::ids::{ChildId, EntryId, LogId, TeamMemberId};
use laget_domain::log::consent::{Giver, Method, NewConsent, Purpose};
use laget_domain::log::stafett::{ChildVoice, Concern, MemberKind, NewMeasure, TeamRole};
use laget_domain::{UnitId, UserId};
use rand::Rng;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};
use tokio::io::AsyncWriteExt;

/// Timeline entries on the log the clients read.
const TARGET_ENTRIES: usize = 200;
/// The child whose log is read; the page must show this name.
const CHILD_NAME: &str = "Nora Benkesen";
/// Units in the municipality.
const UNITS: usize = 24;
/// Bulk logs per transaction.
const BATCH: usize = 2_000;

/// What one size measured.
struct Row {
    logs: u64,
    trivial: Load,
    page: Load,
    /// The page from a single client.
    alone: Load,
    /// A static body the size of the page, from all clients.
    copy: Load,
    page_bytes: usize,
    server: Server,
    /// Statements per page, one request at a time (its access-log commit
    /// included).
    statements: f64,
    /// The process's largest resident memory while the clients read the
    /// page (MiB).
    rss: f64,
}

/// Where a page's time goes, measured without HTTP.
#[derive(Clone, Copy, Default)]
struct Server {
    /// `lookup::log_facts` + `logs::view` + `logs::settings` for the target log
    /// (median, p95), one at a time.
    view: (Duration, Duration),
    /// `logs::staff_choices` (median): the team form's list of staff.
    staff: Duration,
    /// `Db::record_reads` alone from as many concurrent callers as clients:
    /// records committed per second.
    reads_per_second: f64,
    /// The same with one transaction per call, for comparison.
    one_by_one: f64,
    /// `Db::record_reads` from a single caller (median): one commit.
    lone: Duration,
}

impl Row {
    /// The page against its own bytes served as a static body: the target's
    /// reference.
    fn ratio(&self) -> f64 {
        self.page.rps / self.copy.rps
    }
}

/// The targets (../shared/DESIGN.md, issue #14).
struct Targets {
    /// Least share of the page's static body.
    ratio: f64,
    /// Largest p99 at the given clients (ms).
    p99_ms: f64,
    /// Largest cost per page at the largest size against the smallest.
    growth: f64,
    /// Largest resident memory of the server (MiB).
    rss_mib: f64,
}

fn targets(postgres: bool) -> Targets {
    Targets {
        ratio: if postgres { 0.10 } else { 0.25 },
        p99_ms: 50.0,
        growth: 1.2,
        rss_mib: 150.0,
    }
}

fn verdict(ok: bool) -> &'static str {
    if ok { "met" } else { "NOT MET" }
}

/// What a size's database holds.
#[derive(Clone, Copy, Debug)]
pub enum Size {
    /// That many logs in one municipality, bulk-inserted, and the target log.
    Logs(u64),
    /// `laget_db::generate::national`: that many municipalities and children
    /// (4–6 % with a log); the page read is a generated 200-entry log.
    National { municipalities: u32, children: u64 },
}

pub async fn run(sizes: Vec<Size>, seconds: u64, clients: usize, rounds: u64) -> Result<()> {
    let engine = if std::env::var("DATABASE_URL").is_ok_and(|u| !u.is_empty()) {
        "PostgreSQL"
    } else {
        "SQLite"
    };
    // Every size gets its database and server first; then the measurements
    // take turns between the sizes, round by round, so that a change in the
    // machine's load in the middle of the run does not favour one size.
    let mut prepared = Vec::new();
    for &n in &sizes {
        match Prepared::new(n, clients).await {
            Ok(p) => prepared.push(p),
            Err(e) => {
                for p in prepared {
                    p.finish().await;
                }
                return Err(e);
            }
        }
    }
    let mut measured: Vec<Option<Measured>> = (0..prepared.len()).map(|_| None).collect();
    let mut failure = None;
    'rounds: for _ in 0..rounds {
        for (p, m) in prepared.iter().zip(measured.iter_mut()) {
            match p.round(seconds, clients).await {
                Ok(r) => match m {
                    Some(m) => m.merge(r),
                    None => *m = Some(r),
                },
                Err(e) => {
                    failure = Some(e);
                    break 'rounds;
                }
            }
        }
    }
    let mut rows = Vec::new();
    for (p, m) in prepared.into_iter().zip(measured) {
        let (logs, page_bytes, server, statements) =
            (p.logs, p.page_bytes, p.server_side, p.statements);
        p.finish().await;
        if let Some(m) = m {
            rows.push(Row {
                logs,
                trivial: m.trivial,
                page: m.page,
                alone: m.alone,
                copy: m.copy,
                page_bytes,
                server,
                statements,
                rss: m.rss,
            });
        }
    }
    if let Some(e) = failure {
        return Err(e);
    }
    report(engine, &rows, seconds, clients, rounds);
    Ok(())
}

/// Prints the measurements, each target with «met» or «NOT MET», and where
/// the time goes.
fn report(engine: &str, rows: &[Row], seconds: u64, clients: usize, rounds: u64) {
    let t = targets(engine == "PostgreSQL");
    println!(
        "log page benchmark ({engine}, {clients} clients, {rounds} × {seconds} s per measurement, \
         {TARGET_ENTRIES} timeline entries on the page)"
    );
    println!(
        "  reference: the page's own bytes served as a static body by the same server in the \
         same run"
    );
    println!(
        "  {:>9}  {:>11}  {:>11}  {:>7}  {:>9}  {:>9}  {:>10}  {:>6}",
        "logs", "static/s", "log page/s", "share", "p50 ms", "p99 ms", "stmts/page", "errors"
    );
    for r in rows {
        println!(
            "  {:>9}  {:>11.0}  {:>11.0}  {:>6.1}%  {:>9.2}  {:>9.2}  {:>10.1}  {:>6}",
            r.logs,
            r.copy.rps,
            r.page.rps,
            r.ratio() * 100.0,
            ms(r.page.percentile(0.5)),
            ms(r.page.percentile(0.99)),
            r.statements,
            r.page.errors,
        );
    }
    println!("  where the time goes:");
    for r in rows {
        println!(
            "  {:>9}  one client alone: {:.0} pages/s, p50 {:.2} ms; trivial handler {:.0} req/s \
             (page {:.1} % of it); page {} bytes",
            r.logs,
            r.alone.rps,
            ms(r.alone.percentile(0.5)),
            r.trivial.rps,
            r.page.rps / r.trivial.rps * 100.0,
            r.page_bytes,
        );
        println!(
            "  {:>9}  without HTTP: facts+view+settings median {:.2} ms, p95 {:.2} ms; \
             staff list {:.2} ms; record_reads from one caller {:.2} ms",
            r.logs,
            ms(r.server.view.0),
            ms(r.server.view.1),
            ms(r.server.staff),
            ms(r.server.lone),
        );
        println!(
            "  {:>9}  record_reads alone from {clients} callers: {:.0} rows/s \
             (one transaction per call instead: {:.0} rows/s)",
            r.logs, r.server.reads_per_second, r.server.one_by_one,
        );
    }
    println!("  targets:");
    let mut all = true;
    for r in rows {
        let share = r.ratio() >= t.ratio && r.page.errors == 0;
        let p99 = ms(r.page.percentile(0.99)) < t.p99_ms;
        let rss = r.rss < t.rss_mib;
        all &= share && p99 && rss;
        println!(
            "  {:>9}  share of the static body {:.1} % (≥ {:.0} %): {}; p99 {:.1} ms (< {:.0} ms): {}; \
             the server process's largest RSS {:.0} MiB (< {:.0} MiB): {}",
            r.logs,
            r.ratio() * 100.0,
            t.ratio * 100.0,
            verdict(share),
            ms(r.page.percentile(0.99)),
            t.p99_ms,
            verdict(p99),
            r.rss,
            t.rss_mib,
            verdict(rss),
        );
    }
    if let (Some(small), Some(large)) = (
        rows.iter().min_by_key(|r| r.logs),
        rows.iter().max_by_key(|r| r.logs),
    ) && small.logs != large.logs
    {
        // Cost per page = 1 / throughput, measured in turns on the same
        // machine; the cost relative to each run's static body, the server
        // time (one request at a time, no HTTP) and p99 are shown beside it.
        let cost = small.page.rps / large.page.rps;
        let relative = small.ratio() / large.ratio();
        let server = ms(large.server.view.0) / ms(small.server.view.0);
        let p99 = ms(large.page.percentile(0.99)) / ms(small.page.percentile(0.99));
        let ok = cost <= t.growth;
        all &= ok;
        println!(
            "  {:>9}  cost per page against {} logs ×{cost:.2} (≤ ×{:.1}): {}; relative to the \
             static body ×{relative:.2}, server time ×{server:.2}, p99 ×{p99:.2}",
            large.logs,
            small.logs,
            t.growth,
            verdict(ok),
        );
    }
    println!(
        "  {}",
        if all {
            "targets met"
        } else {
            "TARGETS NOT MET"
        }
    );
}

/// One size's database and server, ready to measure.
struct Prepared {
    logs: u64,
    bench: crate::BenchDb,
    addr: std::net::SocketAddr,
    server: ServerProcess,
    path: String,
    cookies: Vec<String>,
    page_bytes: usize,
    server_side: Server,
    /// Statements per page, one request at a time.
    statements: f64,
}

/// One round's measurements of one size.
struct Measured {
    trivial: Load,
    page: Load,
    alone: Load,
    /// The page's own bytes as a static body.
    copy: Load,
    /// The process's largest resident memory while the page was read (MiB).
    rss: f64,
}

impl Measured {
    fn merge(&mut self, other: Measured) {
        self.trivial.merge(other.trivial);
        self.page.merge(other.page);
        self.alone.merge(other.alone);
        self.copy.merge(other.copy);
        self.rss = self.rss.max(other.rss);
    }
}

impl Prepared {
    /// Seeds a fresh database with `n` logs, measures the server side, starts
    /// the real router on it and checks that the page works.
    async fn new(size: Size, clients: usize) -> Result<Self> {
        let bench = open_db()?;
        let db = bench.db.clone();
        let started = Instant::now();
        let seeded = {
            let db = db.clone();
            tokio::task::spawn_blocking(move || match size {
                Size::Logs(n) => seed(&db, n, clients),
                Size::National {
                    municipalities,
                    children,
                } => seed_national(&db, municipalities, children, clients),
            })
            .await?
        };
        let seeded = match seeded {
            Ok(s) => s,
            Err(e) => {
                drop(db);
                crate::cleanup(bench);
                return Err(e.into());
            }
        };
        let n = seeded.logs;
        eprintln!(
            "{n} logs: seeded in {:.1} s",
            started.elapsed().as_secs_f64()
        );
        // The server runs in a process of its own (`laget-bench serve`), so
        // that its memory and its statements are its own.
        let server = match ServerProcess::spawn(&bench) {
            Ok(s) => s,
            Err(e) => {
                drop(db);
                crate::cleanup(bench);
                return Err(e);
            }
        };
        let addr = server.addr;
        let mut p = Prepared {
            logs: n,
            bench,
            addr,
            server,
            path: format!("/logger/{}", seeded.log),
            cookies: seeded
                .tokens
                .iter()
                .map(|t| format!("laget_session={t}"))
                .collect(),
            page_bytes: 0,
            server_side: Server::default(),
            statements: 0.0,
        };
        let checked = async {
            let page = check(addr, &p.path, &p.cookies, &seeded.child_name).await?;
            p.page_bytes = page.len();
            set_copy(addr, page.as_bytes()).await?;
            p.statements = statements_per_page(addr, &p.path, &p.cookies).await?;
            p.server_side = server_time(&db, seeded.reader, seeded.log, clients).await?;
            // Warm up (connections, statement caches, the OS page cache).
            load(addr, &p.path, clients, 1, false, &p.cookies).await?;
            Ok::<(), Box<dyn std::error::Error + Send + Sync>>(())
        }
        .await;
        match checked {
            Ok(()) => Ok(p),
            Err(e) => {
                p.finish().await;
                Err(e)
            }
        }
    }

    /// The trivial handler, the page from all clients, the page from one.
    async fn round(&self, seconds: u64, clients: usize) -> Result<Measured> {
        let (addr, path, cookies) = (self.addr, &self.path, &self.cookies);
        let trivial = load(addr, "/bench/trivial", clients, seconds, false, &[]).await?;
        let copy = load(addr, "/bench/copy", clients, seconds, false, &[]).await?;
        // The process's memory, sampled while the clients read the page.
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let pid = self.server.pid();
        let sampler = tokio::spawn(async move {
            let mut largest = 0.0f64;
            let mut stopped = stopped;
            loop {
                if let Some((rss, _)) = crate::probe::memory_of(pid) {
                    largest = largest.max(rss);
                }
                tokio::select! {
                    _ = &mut stopped => break largest,
                    () = tokio::time::sleep(Duration::from_millis(50)) => {}
                }
            }
        });
        let page = load(addr, path, clients, seconds, false, cookies).await?;
        let _ = stop.send(());
        let rss = sampler.await?;
        // One request at a time: the page's own latency, without queueing.
        let alone = load(addr, path, 1, 1, false, cookies).await?;
        Ok(Measured {
            trivial,
            page,
            alone,
            copy,
            rss,
        })
    }

    /// Stops the server and removes the database (unless `BENCH_KEEP`).
    async fn finish(self) {
        self.server.stop();
        crate::cleanup(self.bench);
    }
}

/// One size's server: `laget-bench serve` in a process of its own, on the
/// size's database, with the bench's extra routes (see [`serve_child`]).
struct ServerProcess {
    process: std::process::Child,
    addr: std::net::SocketAddr,
}

impl ServerProcess {
    fn spawn(bench: &crate::BenchDb) -> Result<Self> {
        use std::io::BufRead;
        let mut cmd = std::process::Command::new(std::env::current_exe()?);
        cmd.arg("serve").arg(&bench.url);
        if let Some(schema) = &bench.schema {
            cmd.arg(schema);
        }
        cmd.env("BENCH_AUDIT_KEY", bench.key.to_hex())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::inherit());
        let mut process = cmd.spawn()?;
        let mut line = String::new();
        if let Some(out) = process.stdout.take() {
            std::io::BufReader::new(out).read_line(&mut line)?;
        }
        let addr = match line.trim().strip_prefix("listening ").map(str::parse) {
            Some(Ok(addr)) => addr,
            _ => {
                let _ = process.kill();
                let _ = process.wait();
                return Err(format!("the bench server did not start: {line:?}").into());
            }
        };
        Ok(Self { process, addr })
    }

    fn pid(&self) -> u32 {
        self.process.id()
    }

    fn stop(mut self) {
        let _ = self.process.kill();
        let _ = self.process.wait();
    }
}

/// `laget-bench serve <database> [<schema>]`: the product's router on an
/// existing database, with `/bench/trivial` (a constant), `/bench/copy` (the
/// bytes last POSTed to it: the page's own bytes as a static body),
/// `/bench/statements` (statements sent so far) and `/bench/tally`. Prints
/// `listening <address>` and serves until killed.
pub fn serve_child(args: &[String]) -> Result<()> {
    let url = args.get(2).ok_or("serve: no database")?;
    let key = laget_domain::audit::AuditKey::from_hex(&std::env::var("BENCH_AUDIT_KEY")?)
        .map_err(|e| format!("BENCH_AUDIT_KEY: {e:?}"))?;
    let db = match args.get(3) {
        Some(schema) => Db::connect_in_schema(url, Some(schema))?,
        None => Db::connect(url)?,
    }
    .with_audit_key(key);
    tokio::runtime::Runtime::new()?.block_on(async move {
        let state = laget_web::AppState::new(db, laget_web::WebConfig::default())?;
        let copy: Arc<OnceLock<axum::body::Bytes>> = Arc::default();
        let (get_copy, set_copy) = (Arc::clone(&copy), copy);
        let app: Router = laget_web::router(state)
            .route("/bench/trivial", get(|| async { "ok" }))
            .route(
                "/bench/copy",
                get(move || {
                    let body = get_copy.get().cloned().unwrap_or_default();
                    async move { body }
                })
                .post(move |body: axum::body::Bytes| {
                    let _ = set_copy.set(body);
                    async { "ok" }
                }),
            )
            .route(
                "/bench/statements",
                get(|| async { crate::probe::statements().to_string() }),
            )
            .route(
                "/bench/tally",
                get(|q: axum::extract::RawQuery| async move {
                    if q.0.is_some() {
                        crate::probe::tally(true);
                        return String::new();
                    }
                    crate::probe::tallied()
                        .into_iter()
                        .map(|(text, n)| format!("  {n:>5}  {text}\n"))
                        .collect::<String>()
                }),
            );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        println!("listening {}", listener.local_addr()?);
        use std::io::Write;
        std::io::stdout().flush()?;
        axum::serve(listener, app).await?;
        Ok(())
    })
}

/// Gives the server the page's bytes to serve as `/bench/copy`.
async fn set_copy(addr: std::net::SocketAddr, page: &[u8]) -> Result<()> {
    let mut stream = tokio::net::TcpStream::connect(addr).await?;
    let head = format!(
        "POST /bench/copy HTTP/1.1\r\nHost: bench\r\nContent-Length: {}\r\n\r\n",
        page.len()
    );
    stream.write_all(head.as_bytes()).await?;
    stream.write_all(page).await?;
    let mut buf = vec![0u8; 1 << 12];
    let (status, _) = crate::read_response(&mut stream, &mut buf).await?;
    if status != 200 {
        return Err(format!("POST /bench/copy: {status}").into());
    }
    Ok(())
}

/// The page must work before it is measured: 200 and the child's name.
/// Returns the page.
async fn check(
    addr: std::net::SocketAddr,
    path: &str,
    cookies: &[String],
    child_name: &str,
) -> Result<String> {
    let cookie = cookies.first().ok_or("no sessions")?;
    let (status, body) = crate::fetch(addr, path, cookie).await?;
    if status != 200 || !body.contains(child_name) {
        let start: String = body.chars().take(600).collect();
        return Err(format!(
            "GET {path} answered {status}{}; not measuring. Start of the body:\n{start}",
            if status == 200 {
                format!(" without the child's name «{child_name}»")
            } else {
                String::new()
            }
        )
        .into());
    }
    Ok(body)
}

/// Statements the page sends to the database, one request at a time (its
/// access-log commit included); with `BENCH_STATEMENTS` set, prints them.
async fn statements_per_page(
    addr: std::net::SocketAddr,
    path: &str,
    cookies: &[String],
) -> Result<f64> {
    let cookie = cookies.first().ok_or("no sessions")?;
    let tally = std::env::var("BENCH_STATEMENTS").is_ok();
    const PAGES: u64 = 20;
    let count = || async {
        let (_, body) = crate::fetch(addr, "/bench/statements?on=1", "").await?;
        body.trim()
            .parse::<u64>()
            .map_err(|e| format!("statements: {e}").into())
    };
    if tally {
        crate::fetch(addr, "/bench/tally?on=1", "").await?;
    }
    let before: Result<u64> = count().await;
    let before = before?;
    for _ in 0..PAGES {
        crate::fetch(addr, path, cookie).await?;
    }
    let after: Result<u64> = count().await;
    let sent = after? - before;
    if tally {
        let (_, list) = crate::fetch(addr, "/bench/tally", "").await?;
        eprintln!("statements of {PAGES} pages (and two counter reads):\n{list}");
    }
    Ok(sent as f64 / PAGES as f64)
}

async fn server_time(db: &Db, user: UserId, log: LogId, clients: usize) -> Result<Server> {
    let today = Utc::now().date_naive();
    let reader = db.read_blocking(|c| {
        let actor = laget_db::lookup::actor(c, user)?;
        let facts = laget_db::lookup::log_facts(c, log, user, today)?;
        actor.open_log(&facts, today).map_err(bad("open"))
    })?;
    let mut view = Vec::new();
    let mut staff = Vec::new();
    for _ in 0..300 {
        let started = Instant::now();
        db.read_blocking(|c| {
            let facts = laget_db::lookup::log_facts(c, log, user, today)?;
            let v = logs::view(c, &reader, None, today)?;
            logs::settings(c, v.municipality_id)?;
            Ok(facts)
        })?;
        view.push(started.elapsed());
        let started = Instant::now();
        db.read_blocking(|c| {
            let facts = laget_db::lookup::log_facts(c, log, user, today)?;
            let mut units = laget_domain::log::consent::covered_units(
                &facts.consent,
                facts.consent_rule,
                today,
            );
            units.push(facts.home_unit);
            logs::staff_choices(c, &reader, &units)
        })?;
        staff.push(started.elapsed());
    }
    view.sort();
    staff.sort();

    let mut lone = Vec::new();
    for i in 0..200 {
        let record = logs::read_record(
            &reader,
            laget_domain::audit::Action::Read,
            &format!("bench-lone-{i}"),
        );
        let started = Instant::now();
        db.record_reads(vec![record]).await?;
        lone.push(started.elapsed());
    }
    lone.sort();
    let grouped = concurrent_reads(db, &reader, clients, true).await?;
    let one_by_one = concurrent_reads(db, &reader, clients, false).await?;
    Ok(Server {
        view: (
            crate::percentile(&view, 0.5),
            crate::percentile(&view, 0.95),
        ),
        staff: crate::percentile(&staff, 0.5),
        reads_per_second: grouped,
        one_by_one,
        lone: crate::percentile(&lone, 0.5),
    })
}

/// Read records committed per second by `clients` concurrent callers for two
/// seconds: through `record_reads` (group commit), or with one transaction
/// per call (as `record_reads` did before, for comparison).
async fn concurrent_reads(
    db: &Db,
    reader: &laget_domain::access::LogReader,
    clients: usize,
    grouped: bool,
) -> Result<f64> {
    let seconds = 2;
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let mut tasks = Vec::new();
    for i in 0..clients {
        let db = db.clone();
        let reader = reader.clone();
        tasks.push(tokio::spawn(async move {
            let mut n = 0u64;
            while Instant::now() < deadline {
                let rid = format!("bench-{i}-{n}");
                let record = logs::read_record(&reader, laget_domain::audit::Action::Read, &rid);
                if grouped {
                    db.record_reads(vec![record]).await?;
                } else {
                    db.write(move |c| laget_db::audit::append(c, &record).map(|_| ()))
                        .await?;
                }
                n += 1;
            }
            Ok::<u64, DbError>(n)
        }));
    }
    let mut records = 0;
    for t in tasks {
        records += t.await??;
    }
    Ok(records as f64 / seconds as f64)
}

/// What the clients need: the log to read and one session token each.
struct Seeded {
    /// Logs in the database.
    logs: u64,
    /// The read log's child, whose name the page must show.
    child_name: String,
    log: LogId,
    /// The first client's user.
    reader: UserId,
    tokens: Vec<String>,
}

fn bad<E: std::fmt::Debug>(what: &'static str) -> impl Fn(E) -> DbError {
    move |e| DbError::Corrupt(format!("{what}: {e:?}"))
}

fn new_user(
    c: &mut laget_db::DbConnection,
    cap: &laget_domain::access::MunicipalityAdmin,
    username: &str,
    name: &str,
    unit: UnitId,
    role: Role,
) -> DbResult<UserId> {
    let new = users::NewUser {
        username: Username::parse(username).map_err(bad("username"))?,
        display_name: DisplayName::parse(name).map_err(bad("name"))?,
        email: None,
        // Nobody logs in with a password here: sessions are made directly.
        password_hash: "$argon2id$v=19$m=19456,t=2,p=1$YmVuY2g$YmVuY2g".into(),
        is_system_admin: false,
    };
    let id = users::create(c, cap, &new, "bench")?;
    users::add_membership(c, cap, id, Some(unit), role, "bench")?;
    Ok(id)
}

const FIRST: &[&str] = &[
    "Emma", "Noah", "Olivia", "Jakob", "Nora", "Emil", "Ella", "Lucas", "Sofie", "Filip", "Leah",
    "Oskar", "Ingrid", "Aksel", "Maja", "Henrik",
];
const LAST: &[&str] = &[
    "Hansen",
    "Johansen",
    "Olsen",
    "Larsen",
    "Andersen",
    "Pedersen",
    "Nilsen",
    "Kristiansen",
    "Jensen",
    "Karlsen",
    "Johnsen",
    "Pettersen",
    "Eriksen",
    "Berg",
    "Haugen",
    "Hagen",
];
const NOTES: &[&str] = &[
    "Samtale med foreldrene om søvn og rutiner hjemme.",
    "Barnet trekker seg fra leken i storefri; avtalt observasjon neste uke.",
    "Møte i laget: skolen og helsestasjonen deler det de har sett siden sist.",
    "Fraværet er redusert etter at skoleveien ble endret.",
    "Foreldrene ønsker veiledning; henvist til familiesenteret.",
    "Barnet forteller at det gruer seg til gymtimene.",
];

fn seed(db: &Db, n: u64, clients: usize) -> DbResult<Seeded> {
    let op = Operator::at_console();
    let today = Utc::now().date_naive();
    // Municipality, units, staff: the home unit's staff are the clients.
    let (m, unit_ids, leads, readers, partner) = db.write_blocking(|c| {
        let new = municipalities::NewMunicipality {
            number: MunicipalityNumber::parse("9991").map_err(bad("number"))?,
            name: MunicipalityName::parse("Loggkommune").map_err(bad("name"))?,
            written_standard: WrittenStandard::Bokmal,
        };
        let m = municipalities::create(c, &op.system(), &new, "bench")?;
        let cap = op.administer(m);
        let mut unit_ids = Vec::new();
        let mut leads = Vec::new();
        for i in 0..UNITS {
            let kind = UnitKind::ALL[i % UnitKind::ALL.len()];
            let fields = units::UnitFields {
                name: UnitName::parse(&format!("{} {}", kind.code(), i + 1))
                    .map_err(bad("unit"))?,
                kind,
                active: true,
                also_serves: vec![],
            };
            let unit = units::create(c, &cap, &fields, "bench")?;
            let lead = new_user(
                c,
                &cap,
                &format!("bench.leder{i}"),
                &format!("Stafettholder {}", i + 1),
                unit,
                Role::Ansatt,
            )?;
            unit_ids.push(unit);
            leads.push((lead, format!("Stafettholder {}", i + 1)));
        }
        let home = unit_ids[0];
        let readers = (0..clients.max(1))
            .map(|i| {
                new_user(
                    c,
                    &cap,
                    &format!("bench.ansatt{i}"),
                    &format!("Ansatt {} Benk", i + 1),
                    home,
                    Role::Ansatt,
                )
            })
            .collect::<DbResult<Vec<_>>>()?;
        let partner = new_user(
            c,
            &cap,
            "bench.laerer",
            "Lærer Benk",
            unit_ids[1],
            Role::Ansatt,
        )?;
        Ok((m, unit_ids, leads, readers, partner))
    })?;

    bulk_logs(
        db,
        n.saturating_sub(1),
        m.to_string(),
        &unit_ids,
        &leads,
        today,
    )?;
    let log = target_log(db, readers[0], partner, &unit_ids, today)?;

    // One session per client, written directly (as laget-testkit does).
    let tokens = db.write_blocking(|c| {
        readers
            .iter()
            .map(|&user| {
                let token = laget_web::random_token();
                let csrf = laget_web::random_token();
                let hash = laget_web::session_token_hash(&token);
                sessions::create(c, &hash, user, &csrf, Utc::now())?;
                Ok(token)
            })
            .collect::<DbResult<Vec<_>>>()
    })?;
    // Fresh planner statistics after the bulk load, as the server's
    // housekeeping (SQLite) or autovacuum (PostgreSQL) would make them.
    db.analyze()?;
    Ok(Seeded {
        logs: n.max(1),
        child_name: CHILD_NAME.to_owned(),
        log,
        reader: readers[0],
        tokens,
    })
}

/// National-scale data through `laget_db::generate::national` (progress on
/// stderr); the clients read the first sample log (open, level 3, 200
/// entries), each with a session of its lead.
fn seed_national(db: &Db, municipalities: u32, children: u64, clients: usize) -> DbResult<Seeded> {
    use laget_db::generate::{self, Plan};
    let plan = Plan {
        municipalities,
        children,
        seed: 1,
        password_hash: String::new(),
    };
    let mut last = Instant::now();
    let summary = generate::national(db, &plan, &mut |stage, done, total| {
        if last.elapsed() > Duration::from_secs(10) || done == total {
            last = Instant::now();
            eprintln!("  {} {done} of {total}", stage.name());
        }
    })?;
    let sample = summary.samples.first().ok_or(DbError::NotFound)?.clone();
    let child_name: String = db.read_blocking(|c| {
        Ok(children_t::table
            .find(sample.child.to_string())
            .select(children_t::name)
            .first(c)?)
    })?;
    let tokens = db.write_blocking(|c| {
        (0..clients.max(1))
            .map(|_| {
                let token = laget_web::random_token();
                let csrf = laget_web::random_token();
                let hash = laget_web::session_token_hash(&token);
                sessions::create(c, &hash, sample.user, &csrf, Utc::now())?;
                Ok(token)
            })
            .collect::<DbResult<Vec<_>>>()
    })?;
    db.analyze()?;
    Ok(Seeded {
        logs: summary.counts.logs,
        child_name,
        log: sample.log,
        reader: sample.user,
        tokens,
    })
}

/// `count` logs spread over the units, inserted in bulk: each with its child
/// (attending the log's unit), its lead on the team, and three entries.
fn bulk_logs(
    db: &Db,
    count: u64,
    m: String,
    units: &[UnitId],
    leads: &[(UserId, String)],
    today: NaiveDate,
) -> DbResult<()> {
    let mut rng = rand::thread_rng();
    let now = Utc::now();
    let mut done = 0u64;
    let mut reported = 0u64;
    while done < count {
        let size = (count - done).min(BATCH as u64) as usize;
        let mut kids = Vec::with_capacity(size);
        let mut attends = Vec::with_capacity(size);
        let mut rows = Vec::with_capacity(size);
        let mut team = Vec::with_capacity(size);
        let mut entries = Vec::with_capacity(size * 3);
        for _ in 0..size {
            let u = rng.gen_range(0..units.len());
            let unit = units[u].to_string();
            let (lead, lead_name) = &leads[u];
            let lead = lead.to_string();
            let child = ChildId::new().to_string();
            let log = LogId::new().to_string();
            let age_days = rng.gen_range(200..18 * 365);
            let birth = today - Days::new(age_days);
            let started_days = rng.gen_range(1..900u64);
            let started = now - chrono::Duration::days(started_days as i64);
            let open = rng.gen_bool(0.8);
            let level_since = today - Days::new(rng.gen_range(0..=started_days));
            kids.push((
                children_t::id.eq(child.clone()),
                children_t::municipality_id.eq(m.clone()),
                children_t::name.eq(format!(
                    "{} {}",
                    FIRST[rng.gen_range(0..FIRST.len())],
                    LAST[rng.gen_range(0..LAST.len())]
                )),
                children_t::birth_date.eq(birth.format("%Y-%m-%d").to_string()),
                children_t::unborn.eq(false),
                children_t::created_by.eq(Some(lead.clone())),
                children_t::created_at.eq(to_micros(started)),
            ));
            attends.push((
                child_units::child_id.eq(child.clone()),
                child_units::unit_id.eq(unit.clone()),
            ));
            rows.push((
                (
                    logs_t::id.eq(log.clone()),
                    logs_t::child_id.eq(child),
                    logs_t::municipality_id.eq(m.clone()),
                    logs_t::home_unit_id.eq(unit.clone()),
                    logs_t::status.eq(if open { "apen" } else { "lukket" }),
                    logs_t::level.eq(rng.gen_range(0..=3)),
                    logs_t::level_since.eq(level_since.format("%Y-%m-%d").to_string()),
                ),
                (
                    logs_t::decision_due.eq((open && rng.gen_bool(0.3)).then(|| {
                        (today + Days::new(rng.gen_range(1..30)))
                            .format("%Y-%m-%d")
                            .to_string()
                    })),
                    logs_t::lead_user_id.eq(Some(lead.clone())),
                    logs_t::created_by.eq(Some(lead.clone())),
                    logs_t::created_at.eq(to_micros(started)),
                    logs_t::updated_at.eq(to_micros(started)),
                    logs_t::closed_at.eq((!open).then(|| to_micros(now))),
                ),
            ));
            team.push((
                team_members::id.eq(TeamMemberId::new().to_string()),
                team_members::log_id.eq(log.clone()),
                team_members::kind.eq(MemberKind::Staff.code()),
                team_members::user_id.eq(Some(lead.clone())),
                team_members::unit_id.eq(Some(unit)),
                team_members::name.eq(lead_name.clone()),
                team_members::team_role.eq(""),
                team_members::role_code.eq(TeamRole::Lead.code()),
                team_members::added_at.eq(to_micros(started)),
            ));
            let noticed = started.date_naive();
            for k in 0..3i64 {
                // What the product stores: an event's kind and data, no
                // sentence (the page renders it in the reader's language).
                let (kind, data) = if k == 0 {
                    (
                        "uro",
                        format!(
                            r#"{{"observert":"{}","utfordringer":["skolefravaer"],"bbis":null}}"#,
                            noticed.format("%Y-%m-%d")
                        ),
                    )
                } else {
                    (
                        "notat",
                        format!(
                            r#"{{"hendelse":"mote_holdt","mote_holdt":"{}"}}"#,
                            noticed.format("%Y-%m-%d")
                        ),
                    )
                };
                entries.push((
                    log_entries::id.eq(EntryId::new().to_string()),
                    log_entries::log_id.eq(log.clone()),
                    log_entries::at.eq(to_micros(started) + k * 86_400_000_000),
                    log_entries::kind.eq(kind),
                    log_entries::actor_id.eq(Some(lead.clone())),
                    log_entries::summary.eq(""),
                    log_entries::body.eq(Some(NOTES[rng.gen_range(0..NOTES.len())])),
                    log_entries::data.eq(Some(data)),
                ));
            }
        }
        db.write_blocking(|c| {
            // Multi-row inserts need the concrete connection (the
            // multi-connection wrapper does not do batch inserts); chunks
            // keep every statement under the engines' parameter limits.
            macro_rules! bulk {
                ($table:expr, $rows:expr) => {
                    for chunk in $rows.chunks(500) {
                        let insert = diesel::insert_into($table).values(chunk.to_vec());
                        match c {
                            DbConnection::Sqlite(s) => insert.execute(s)?,
                            DbConnection::Postgresql(p) => insert.execute(p)?,
                        };
                    }
                };
            }
            bulk!(children_t::table, kids);
            bulk!(child_units::table, attends);
            bulk!(logs_t::table, rows);
            bulk!(team_members::table, team);
            bulk!(log_entries::table, entries);
            Ok(())
        })?;
        done += size as u64;
        if count >= 100_000 && (done >= reported + 100_000 || done == count) {
            reported = done;
            eprintln!("  {done} of {count} logs");
        }
    }
    Ok(())
}

/// The log the clients read, made through the real `db` functions: a child
/// with two guardians attending the home unit and a school, a consent for
/// both, a teacher and a guardian on the team, three measures, and notes and
/// the child's voice up to [`TARGET_ENTRIES`] timeline entries.
fn target_log(
    db: &Db,
    caseworker: UserId,
    teacher: UserId,
    units: &[UnitId],
    today: NaiveDate,
) -> DbResult<LogId> {
    let (home, school) = (units[0], units[1]);
    db.write_blocking(|c| {
        let actor = laget_db::lookup::actor(c, caseworker)?;
        let cw = actor.casework(home).map_err(bad("casework"))?;
        let birth = NaiveDate::from_ymd_opt(today.year() - 9, 3, 14).ok_or(DbError::NotFound)?;
        let child = children::create(
            c,
            &cw,
            &NewChild {
                name: CHILD_NAME.into(),
                birth: Birth::Born(birth),
                national_id: None,
            },
            &[school],
            "bench",
        )?;
        let mut guardians = Vec::new();
        for (name, relation) in [
            ("Kari Benkesen", Relation::Mor),
            ("Per Benkesen", Relation::Far),
        ] {
            guardians.push(children::add_guardian(
                c,
                &cw,
                child,
                &NewGuardian {
                    name: name.into(),
                    relation,
                    phone: Some("+47 400 00 000".into()),
                    email: None,
                    parental_responsibility: true,
                },
                "bench",
            )?);
        }
        let concern = Concern {
            noticed: "Mye fravær og lite kontakt med de andre barna.".into(),
            noticed_on: today - Days::new(200),
            areas: vec!["skolefravaer".into()],
            bbis_theme: None,
        };
        let log = logs::start(c, &cw, child, &concern, today - Days::new(200), "bench")?;
        let facts = laget_db::lookup::log_facts(c, log, caseworker, today)?;
        let reader = actor.open_log(&facts, today).map_err(bad("open"))?;
        let w = reader.writer().map_err(bad("writer"))?;
        logs::add_consent(
            c,
            &w,
            &NewConsent {
                givers: guardians.iter().map(|g| Giver::Guardian(*g)).collect(),
                units: vec![home, school],
                purposes: Purpose::ALL.to_vec(),
                valid_from: today - Days::new(150),
                valid_to: today + Days::new(215),
                method: Method::Digital,
                note: None,
            },
            None,
            "bench",
        )?;
        let teacher = logs::add_staff(c, &w, teacher, school, "Kontaktlærer", today, "bench")?
            .map_err(bad("staff"))?;
        let mother = logs::add_person(
            c,
            &w,
            &logs::Person {
                kind: MemberKind::Guardian,
                name: "Kari Benkesen",
                role: "Mor",
                guardian: guardians.first().copied(),
            },
            today,
            "bench",
        )?
        .map_err(bad("person"))?;
        for (i, (name, responsible)) in [
            ("Fast voksen i friminuttene", teacher),
            ("Foreldreveiledning (ICDP)", mother),
            ("Samtalegruppe på skolen", teacher),
        ]
        .into_iter()
        .enumerate()
        {
            logs::add_measure(
                c,
                &w,
                &NewMeasure {
                    offer: None,
                    name: Some(name.into()),
                    goal: "Barnet opplever trygghet og møter på skolen hver dag.".into(),
                    responsible,
                    start: today - Days::new(100 - 10 * i as u64),
                    evaluate_by: today + Days::new(30 + 10 * i as u64),
                    best_interest: (i != 2).then(|| {
                        "Barnets beste: tiltaket styrker trygghet og tilhørighet.".to_owned()
                    }),
                },
                "bench",
            )?;
        }
        let made: i64 = log_entries::table
            .filter(log_entries::log_id.eq(log.to_string()))
            .count()
            .get_result(c)?;
        let missing = TARGET_ENTRIES.saturating_sub(usize::try_from(made).unwrap_or(0));
        let mut rng = rand::thread_rng();
        let start = Utc::now() - chrono::Duration::days(190);
        let mut notes = Vec::new();
        for i in 0..missing {
            if i % 10 == 0 {
                logs::add_voice(
                    c,
                    &w,
                    &ChildVoice {
                        on: today - Days::new(rng.gen_range(1..180)),
                        method: "samtale".into(),
                        words: "Jeg liker å tegne, men ikke når de andre ser på.".into(),
                    },
                    "bench",
                )?;
            } else {
                notes.push((
                    log_entries::id.eq(EntryId::new().to_string()),
                    log_entries::log_id.eq(log.to_string()),
                    log_entries::at.eq(to_micros(start) + i as i64 * 3_600_000_000 * 20),
                    log_entries::kind.eq("notat"),
                    log_entries::actor_id.eq(Some(caseworker.to_string())),
                    log_entries::summary.eq(""),
                    log_entries::body.eq(Some(NOTES[rng.gen_range(0..NOTES.len())])),
                    log_entries::data.eq(Some(format!(
                        r#"{{"hendelse":"mote_holdt","mote_holdt":"{}"}}"#,
                        (start + chrono::Duration::hours(i as i64 * 20))
                            .date_naive()
                            .format("%Y-%m-%d")
                    ))),
                ));
            }
        }
        for note in notes {
            diesel::insert_into(log_entries::table)
                .values(note)
                .execute(c)?;
        }
        Ok(log)
    })
}
