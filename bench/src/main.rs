//! `laget-bench`: measures Laget against its performance targets (DESIGN.md,
//! issue texts) and reports ratios against a trivial handler measured in the
//! same run on the same machine, so the numbers mean the same on a laptop and
//! on CI. Run in release mode:
//!
//! ```sh
//! cargo run --release -p laget-bench -- catalogue [--offers 10000] [--seconds 5]
//! cargo run --release -p laget-bench -- log [--logs 1000,100000] [--seconds 5] [--clients 64] [--rounds 1]
//! ```
//!
//! With `DATABASE_URL=postgres://…` it runs on PostgreSQL (in a schema of its
//! own, dropped afterwards); otherwise on a temporary SQLite file.

use axum::Router;
use axum::routing::get;
use laget_db::catalogue::offers::{self, Search, Visibility};
use laget_db::{Db, admin::municipalities, admin::units};
use laget_domain::access::Operator;
use laget_domain::admin::municipality::{MunicipalityName, MunicipalityNumber, WrittenStandard};
use laget_domain::admin::unit::{UnitKind, UnitName};
use laget_domain::catalogue::{
    AccessRoute, AgeFilter, OfferFields, OfferFilter, OfferSort, OfferStatus, PreventionLevel,
};
use laget_domain::{MunicipalityId, UnitId};
use rand::Rng;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// The challenge areas a benchmark municipality starts with (their codes are
/// the same in every written standard).
fn areas() -> &'static [(&'static str, &'static str)] {
    laget_domain::catalogue::default_challenge_areas(
        laget_domain::admin::municipality::WrittenStandard::Bokmal,
    )
}

mod log_page;
mod probe;

/// The server's allocator (`laget-cli` uses the same), so that the bench
/// measures what runs in production.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

type Result<T> = std::result::Result<T, Box<dyn std::error::Error + Send + Sync>>;

fn arg(args: &[String], name: &str, default: u64) -> u64 {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// A comma-separated list of numbers (`--logs 1000,100000`).
fn list_arg(args: &[String], name: &str, default: &[u64]) -> Result<Vec<u64>> {
    let Some(raw) = args
        .iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
    else {
        return Ok(default.to_vec());
    };
    raw.split(',')
        .map(|v| {
            v.trim()
                .replace('_', "")
                .parse()
                .map_err(|_| format!("{name}: not a number: {v}").into())
        })
        .collect()
}

fn main() -> Result<()> {
    probe::install();
    let args: Vec<String> = std::env::args().collect();
    match args.get(1).map(String::as_str) {
        Some("catalogue") => {
            let offers = arg(&args, "--offers", 10_000);
            let seconds = arg(&args, "--seconds", 5);
            tokio::runtime::Runtime::new()?.block_on(catalogue(offers, seconds))
        }
        Some("log") => {
            let sizes = list_arg(&args, "--logs", &[1_000, 100_000])?;
            let seconds = arg(&args, "--seconds", 5);
            let clients = arg(&args, "--clients", 64) as usize;
            let rounds = arg(&args, "--rounds", 1).max(1);
            tokio::runtime::Runtime::new()?.block_on(log_page::run(sizes, seconds, clients, rounds))
        }
        _ => {
            eprintln!(
                "usage: laget-bench catalogue [--offers N] [--seconds S]\n       \
                 laget-bench log [--logs N,N,…] [--seconds S] [--clients C] [--rounds R]"
            );
            std::process::exit(2);
        }
    }
}

/// Removes the run's database, unless `BENCH_KEEP` is set.
fn cleanup(bench: BenchDb) {
    if std::env::var("BENCH_KEEP").is_ok() {
        eprintln!("kept the database (BENCH_KEEP)");
    } else {
        let BenchDb { db, cleanup } = bench;
        drop(db);
        cleanup();
    }
}

/// A database for the run, removed afterwards.
struct BenchDb {
    db: Db,
    cleanup: Box<dyn FnOnce()>,
}

/// A key for the run's access log, held only in memory.
fn audit_key() -> laget_domain::audit::AuditKey {
    laget_domain::audit::AuditKey::from_bytes(rand::random())
}

fn open_db() -> Result<BenchDb> {
    let id = uuid::Uuid::now_v7().simple().to_string();
    match std::env::var("DATABASE_URL") {
        Ok(url) if !url.is_empty() => {
            let schema = format!("bench_{id}");
            eprintln!("schema {schema}");
            let db = Db::connect_in_schema(&url, Some(&schema))?.with_audit_key(audit_key());
            db.migrate()?;
            Ok(BenchDb {
                db,
                cleanup: Box::new(move || drop(Db::drop_schema(&url, &schema))),
            })
        }
        _ => {
            let dir = std::env::temp_dir().join(format!("laget-bench-{id}"));
            let db = Db::connect(&dir.join("bench.sqlite3").to_string_lossy())?
                .with_audit_key(audit_key());
            db.migrate()?;
            Ok(BenchDb {
                db,
                cleanup: Box::new(move || drop(std::fs::remove_dir_all(&dir))),
            })
        }
    }
}

const WORDS: &[&str] = &[
    "skole",
    "fravær",
    "foreldre",
    "gruppe",
    "samtale",
    "språk",
    "fritid",
    "angst",
    "rus",
    "mestring",
    "familie",
    "veiledning",
];

fn random_offer(rng: &mut impl Rng, unit: UnitId, i: u64) -> OfferFields {
    let a = rng.gen_range(0..=25u8);
    let b = rng.gen_range(0..=25u8);
    let areas: Vec<String> = (0..rng.gen_range(1..=3))
        .map(|_| areas()[rng.gen_range(0..areas().len())].0.to_owned())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    let words: Vec<&str> = (0..12)
        .map(|_| WORDS[rng.gen_range(0..WORDS.len())])
        .collect();
    OfferFields {
        name: format!("Tilbud {i} {}", WORDS[rng.gen_range(0..WORDS.len())]),
        provider_unit: unit,
        description: words.join(" "),
        level: PreventionLevel::ALL[rng.gen_range(0..3)],
        age_from: a.min(b),
        age_to: a.max(b),
        pregnant: rng.gen_bool(0.05),
        challenge_areas: areas,
        risk_factors: vec![rng.gen_range(1..=8)],
        access: AccessRoute::ALL[rng.gen_range(0..3)],
        access_requirements: String::new(),
        contact_person: String::new(),
        contact_phone: String::new(),
        contact_email: String::new(),
        contact_address: String::new(),
        capacity: String::new(),
        waiting_weeks: Some(rng.gen_range(0..12)),
        evidence_level: rng.gen_range(0..=5),
        evidence_local: false,
        evidence_link: String::new(),
        cost: "Gratis".into(),
        languages: vec!["norsk".into()],
        status: if rng.gen_bool(0.9) {
            OfferStatus::Publisert
        } else {
            OfferStatus::Utkast
        },
        valid_from: None,
        valid_to: None,
        ladder_step: rng.gen_range(1..=5),
    }
}

fn seed(db: &Db, count: u64) -> Result<(MunicipalityId, Vec<UnitId>)> {
    let op = Operator::at_console();
    let mut rng = rand::thread_rng();
    let (m, unit_ids) = db.write_blocking(|c| {
        let new = municipalities::NewMunicipality {
            number: MunicipalityNumber::parse("9990")
                .map_err(|_| laget_db::DbError::Corrupt("number".into()))?,
            name: MunicipalityName::parse("Målekommune")
                .map_err(|_| laget_db::DbError::Corrupt("name".into()))?,
            written_standard: WrittenStandard::Bokmal,
        };
        let m = municipalities::create(c, &op.system(), &new, "bench")?;
        let mut ids = Vec::new();
        for (i, kind) in UnitKind::ALL.iter().enumerate() {
            let fields = units::UnitFields {
                name: UnitName::parse(&format!("Enhet {i}"))
                    .map_err(|_| laget_db::DbError::Corrupt("unit".into()))?,
                kind: *kind,
                active: true,
                also_serves: vec![],
            };
            ids.push(units::create(c, &op.administer(m), &fields, "bench")?);
        }
        Ok((m, ids))
    })?;
    let started = Instant::now();
    let batch = 1_000;
    let mut done = 0;
    while done < count {
        let n = batch.min(count - done);
        let offers: Vec<OfferFields> = (0..n)
            .map(|i| {
                let unit = unit_ids[rng.gen_range(0..unit_ids.len())];
                random_offer(&mut rng, unit, done + i)
            })
            .collect();
        db.write_blocking(|c| {
            for f in &offers {
                offers::create(c, &op.administer(m), m, f, None)?;
            }
            Ok(())
        })?;
        done += n;
    }
    eprintln!(
        "seeded {count} offers in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    // What the database's own maintenance (PostgreSQL's autovacuum, the
    // server's housekeeping for SQLite) does in production: fresh planner
    // statistics after a bulk load.
    db.analyze()?;
    Ok((m, unit_ids))
}

fn random_filter(rng: &mut impl Rng, units: &[UnitId]) -> OfferFilter {
    let mut f = OfferFilter::default();
    if rng.gen_bool(0.5) {
        let a = rng.gen_range(0..=18);
        f.age = Some(AgeFilter::Range { from: a, to: a });
    }
    if rng.gen_bool(0.5) {
        f.area = Some(areas()[rng.gen_range(0..areas().len())].0.to_owned());
    }
    if rng.gen_bool(0.3) {
        f.level = Some(PreventionLevel::ALL[rng.gen_range(0..3)]);
    }
    if rng.gen_bool(0.2) {
        f.risk = Some(rng.gen_range(1..=8));
    }
    if rng.gen_bool(0.2) {
        f.text = Some(WORDS[rng.gen_range(0..WORDS.len())].to_owned());
    }
    if rng.gen_bool(0.1) {
        f.provider = Some(units[rng.gen_range(0..units.len())]);
    }
    f
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let idx = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted.get(idx).copied().unwrap_or_default()
}

/// Requests per second against `path`, from `clients` keep-alive connections
/// for `seconds`. With `unique`, every request gets its own query string, so none is served
/// from the public page cache.
async fn throughput(
    addr: std::net::SocketAddr,
    path: &str,
    clients: usize,
    seconds: u64,
    unique: bool,
) -> Result<f64> {
    // A returning visitor: the browser sends back its CSRF cookie.
    let cookie =
        "laget_csrf=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef".to_owned();
    Ok(load(addr, path, clients, seconds, unique, &[cookie])
        .await?
        .rps)
}

/// What a load run measured.
struct Load {
    /// Responses per second.
    rps: f64,
    /// Time from sending a request to having read its whole response, sorted.
    latencies: Vec<Duration>,
    /// Responses with a status other than 2xx.
    errors: u64,
    /// How long the run took.
    seconds: f64,
}

impl Load {
    fn percentile(&self, p: f64) -> Duration {
        percentile(&self.latencies, p)
    }

    /// Adds another run of the same measurement (taken at another time).
    fn merge(&mut self, other: Load) {
        self.latencies.extend(other.latencies);
        self.latencies.sort();
        self.errors += other.errors;
        self.seconds += other.seconds;
        self.rps = self.latencies.len() as f64 / self.seconds;
    }
}

/// Reads one HTTP/1.1 response with a `Content-Length` body into `buf`
/// (grown as needed). Returns the status and the body's range in `buf`.
async fn read_response(
    stream: &mut tokio::net::TcpStream,
    buf: &mut Vec<u8>,
) -> Result<(u16, std::ops::Range<usize>)> {
    let mut filled = 0;
    let (header_end, status, length) = loop {
        fill(stream, buf, &mut filled).await?;
        if let Some(end) = buf[..filled].windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..end]).to_lowercase();
            let status = head
                .split_whitespace()
                .nth(1)
                .and_then(|s| s.parse::<u16>().ok())
                .unwrap_or(0);
            if head.contains("transfer-encoding: chunked") {
                return Err("chunked responses are not supported by the load generator".into());
            }
            let length = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .and_then(|v| v.trim().parse::<usize>().ok())
                .unwrap_or(0);
            break (end + 4, status, length);
        }
    };
    while filled < header_end + length {
        fill(stream, buf, &mut filled).await?;
    }
    Ok((status, header_end..header_end + length))
}

/// Reads more of a response into `buf` after `filled`, growing it when full.
async fn fill(
    stream: &mut tokio::net::TcpStream,
    buf: &mut Vec<u8>,
    filled: &mut usize,
) -> Result<()> {
    if *filled == buf.len() {
        buf.resize(buf.len() * 2, 0);
    }
    let n = stream.read(&mut buf[*filled..]).await?;
    if n == 0 {
        return Err("connection closed".into());
    }
    *filled += n;
    Ok(())
}

/// One GET with `cookie`: the status and the body.
async fn fetch(addr: std::net::SocketAddr, path: &str, cookie: &str) -> Result<(u16, String)> {
    let mut stream = tokio::net::TcpStream::connect(addr).await?;
    let request = format!("GET {path} HTTP/1.1\r\nHost: bench\r\nCookie: {cookie}\r\n\r\n");
    stream.write_all(request.as_bytes()).await?;
    let mut buf = vec![0u8; 1 << 16];
    let (status, body) = read_response(&mut stream, &mut buf).await?;
    Ok((status, String::from_utf8_lossy(&buf[body]).into_owned()))
}

/// Load against `path` from `clients` keep-alive connections for `seconds`;
/// client `i` sends `cookies[i % len]` (none if empty). With `unique`, every
/// request gets its own query string, so none is served from the public page
/// cache.
async fn load(
    addr: std::net::SocketAddr,
    path: &str,
    clients: usize,
    seconds: u64,
    unique: bool,
    cookies: &[String],
) -> Result<Load> {
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let mut tasks = Vec::new();
    for i in 0..clients {
        let path = path.to_owned();
        let cookie = match cookies.get(i % cookies.len().max(1)) {
            Some(c) => format!("Cookie: {c}\r\n"),
            None => String::new(),
        };
        tasks.push(tokio::spawn(async move {
            let mut stream = tokio::net::TcpStream::connect(addr).await?;
            let mut n = 0u64;
            let mut buf = vec![0u8; 1 << 20];
            let mut latencies = Vec::new();
            let mut errors = 0u64;
            while Instant::now() < deadline {
                n += 1;
                let target = if unique {
                    format!("{path}&v={n}-{}", rand::random::<u32>())
                } else {
                    path.clone()
                };
                let request = format!("GET {target} HTTP/1.1\r\nHost: bench\r\n{cookie}\r\n");
                let sent = Instant::now();
                stream.write_all(request.as_bytes()).await?;
                let (status, _) = read_response(&mut stream, &mut buf).await?;
                latencies.push(sent.elapsed());
                if !(200..300).contains(&status) {
                    errors += 1;
                }
            }
            Ok::<_, Box<dyn std::error::Error + Send + Sync>>((latencies, errors))
        }));
    }
    let mut latencies = Vec::new();
    let mut errors = 0;
    for t in tasks {
        let (l, e) = t.await??;
        latencies.extend(l);
        errors += e;
    }
    latencies.sort();
    Ok(Load {
        rps: latencies.len() as f64 / seconds as f64,
        latencies,
        errors,
        seconds: seconds as f64,
    })
}

async fn catalogue(count: u64, seconds: u64) -> Result<()> {
    let bench = open_db()?;
    let db = bench.db.clone();
    let (m, unit_ids) = {
        let db = db.clone();
        tokio::task::spawn_blocking(move || seed(&db, count)).await??
    };

    // 1. Filtered search, server time (the database query and decoding).
    let mut rng = rand::thread_rng();
    let today = chrono::Utc::now().date_naive();
    let mut times = Vec::new();
    for _ in 0..500 {
        let search = Search {
            municipality: Some(m),
            filter: random_filter(&mut rng, &unit_ids),
            sort: OfferSort::Name,
            visibility: Visibility::Public(today),
            offset: 0,
            limit: 20,
        };
        let started = Instant::now();
        db.read_blocking(|c| offers::search(c, &search))?;
        times.push(started.elapsed());
    }
    times.sort();
    let median = percentile(&times, 0.5);
    let p95 = percentile(&times, 0.95);

    // 2. The public list page against a trivial handler, same server, same run.
    let state = laget_web::AppState::new(db.clone(), laget_web::WebConfig::default())?;
    let app: Router = laget_web::router(state).route("/bench/trivial", get(|| async { "ok" }));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    tokio::spawn(async move { axum::serve(listener, app).await });
    let clients = 16;
    let trivial = throughput(addr, "/bench/trivial", clients, seconds, false).await?;
    let page = "/tiltak?kommune=9990&alder=9&utfordring=skolefravaer";
    let list = throughput(addr, page, clients, seconds, false).await?;
    let uncached = throughput(addr, page, clients, seconds, true).await?;
    let ratio = list / trivial;

    println!(
        "catalogue benchmark ({count} offers, {})",
        if std::env::var("DATABASE_URL").is_ok() {
            "PostgreSQL"
        } else {
            "SQLite"
        }
    );
    println!(
        "  filtered search, server time: median {:.2} ms, p95 {:.2} ms (target: median ≤ 5 ms)",
        ms(median),
        ms(p95)
    );
    println!("  trivial handler: {trivial:.0} req/s; public list page: {list:.0} req/s");
    println!(
        "  list page / trivial handler = {:.1} % (target ≥ 50 %)",
        ratio * 100.0
    );
    println!(
        "  (anonymous pages come from the public page cache after their first request, see\n   \
         crates/web/src/public_cache.rs; rendered afresh every time the page does {uncached:.0} req/s,\n   \
         {:.1} % of the trivial handler)",
        uncached / trivial * 100.0
    );
    let ok = ms(median) <= 5.0 && ratio >= 0.5;
    println!("  {}", if ok { "targets met" } else { "TARGETS NOT MET" });
    if std::env::var("BENCH_KEEP").is_ok() {
        eprintln!("kept the database (BENCH_KEEP)");
    } else {
        (bench.cleanup)();
    }
    Ok(())
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
