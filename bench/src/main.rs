//! `laget-bench`: measures Laget against its performance targets (DESIGN.md,
//! issue texts) and reports ratios against the machine's limit measured in
//! the same run (for a page: its own bytes served as a static body by the
//! same server), so the numbers mean the same on a laptop and on CI. Each
//! target is printed «met» or «NOT MET». Run in release mode:
//!
//! ```sh
//! cargo run --release -p laget-bench -- catalogue [--offers 10000] [--seconds 5]
//! cargo run --release -p laget-bench -- log [--logs 1000,1000000] [--seconds 5] [--clients 64] [--rounds 1]
//! cargo run --release -p laget-bench -- log --logs 0 --national 1100000   # 356 municipalities
//! ```
//!
//! With `DATABASE_URL=postgres://…` it runs on PostgreSQL (in a schema of its
//! own, dropped afterwards); otherwise on a temporary SQLite file.

use laget_db::Db;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

mod catalogue;
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
            tokio::runtime::Runtime::new()?.block_on(catalogue::run(offers, seconds))
        }
        // The server of the `log` scenario in a process of its own, so that
        // its memory is its own (started by the scenario, not by hand).
        Some("serve") => log_page::serve_child(&args),
        Some("log") => {
            let mut sizes: Vec<log_page::Size> = list_arg(&args, "--logs", &[1_000, 1_000_000])?
                .into_iter()
                .map(log_page::Size::Logs)
                .collect();
            // `--national 1100000`: national-scale data (356 municipalities,
            // or `--municipalities N`) as one more size, or the only one
            // with `--logs 0`.
            if args.iter().any(|a| a == "--national") {
                sizes.retain(|s| !matches!(s, log_page::Size::Logs(0)));
                sizes.push(log_page::Size::National {
                    municipalities: arg(&args, "--municipalities", 356) as u32,
                    children: arg(&args, "--national", 1_100_000),
                });
            }
            let seconds = arg(&args, "--seconds", 5);
            let clients = arg(&args, "--clients", 64) as usize;
            let rounds = arg(&args, "--rounds", 1).max(1);
            tokio::runtime::Runtime::new()?.block_on(log_page::run(sizes, seconds, clients, rounds))
        }
        _ => {
            eprintln!(
                "usage: laget-bench catalogue [--offers N] [--seconds S]\n       \
                 laget-bench log [--logs N,N,…] [--national CHILDREN [--municipalities M]] \
                 [--seconds S] [--clients C] [--rounds R]"
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
        let BenchDb { db, cleanup, .. } = bench;
        drop(db);
        cleanup();
    }
}

/// A database for the run, removed afterwards.
struct BenchDb {
    db: Db,
    cleanup: Box<dyn FnOnce()>,
    /// How a server in another process reaches the same database: the URL
    /// or file, and the PostgreSQL schema.
    url: String,
    schema: Option<String>,
    key: laget_domain::audit::AuditKey,
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
            let key = audit_key();
            let db = Db::connect_in_schema(&url, Some(&schema))?.with_audit_key(key.clone());
            db.migrate()?;
            let (u, s) = (url.clone(), schema.clone());
            Ok(BenchDb {
                db,
                cleanup: Box::new(move || drop(Db::drop_schema(&u, &s))),
                url,
                schema: Some(schema),
                key,
            })
        }
        _ => {
            let dir = std::env::temp_dir().join(format!("laget-bench-{id}"));
            let key = audit_key();
            let file = dir.join("bench.sqlite3").to_string_lossy().into_owned();
            let db = Db::connect(&file)?.with_audit_key(key.clone());
            db.migrate()?;
            Ok(BenchDb {
                db,
                cleanup: Box::new(move || drop(std::fs::remove_dir_all(&dir))),
                url: file,
                schema: None,
                key,
            })
        }
    }
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
            // Grown by `fill` when a response is larger.
            let mut buf = vec![0u8; 1 << 17];
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

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
