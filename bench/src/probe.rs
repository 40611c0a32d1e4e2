//! What the bench looks at besides time: the statements a page sends to the
//! database (through diesel's instrumentation, on every connection the
//! process opens) and the process's memory (from `/proc`).

use diesel::connection::{Instrumentation, InstrumentationEvent, set_default_instrumentation};
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Mutex, OnceLock};

static STATEMENTS: AtomicU64 = AtomicU64::new(0);
/// Whether statements' texts are tallied too (`BENCH_STATEMENTS`): costs a
/// lock per statement, so only while counting one page at a time.
static TALLY: AtomicBool = AtomicBool::new(false);

fn texts() -> &'static Mutex<HashMap<String, u64>> {
    static TEXTS: OnceLock<Mutex<HashMap<String, u64>>> = OnceLock::new();
    TEXTS.get_or_init(Mutex::default)
}

struct Counter;

impl Instrumentation for Counter {
    fn on_connection_event(&mut self, event: InstrumentationEvent<'_>) {
        if let InstrumentationEvent::StartQuery { query, .. } = event {
            STATEMENTS.fetch_add(1, Ordering::Relaxed);
            if TALLY.load(Ordering::Relaxed) {
                let text: String = query.to_string().chars().take(160).collect();
                let mut t = texts().lock().unwrap_or_else(|p| p.into_inner());
                *t.entry(text).or_default() += 1;
            }
        }
    }
}

fn counter() -> Option<Box<dyn Instrumentation>> {
    Some(Box::new(Counter))
}

/// Counts every statement of every connection opened from now on. Call
/// before the first database is opened.
pub fn install() {
    // Only fails if the lock is poisoned, which nothing here can do.
    let _ = set_default_instrumentation(counter);
}

/// Statements sent so far by the whole process.
pub fn statements() -> u64 {
    STATEMENTS.load(Ordering::Relaxed)
}

/// Starts tallying statements by their text (see [`tallied`]).
pub fn tally(on: bool) {
    if on {
        texts().lock().unwrap_or_else(|p| p.into_inner()).clear();
    }
    TALLY.store(on, Ordering::Relaxed);
}

/// The statements tallied since [`tally`]`(true)`, most frequent first.
pub fn tallied() -> Vec<(String, u64)> {
    let t = texts().lock().unwrap_or_else(|p| p.into_inner());
    let mut v: Vec<_> = t.iter().map(|(k, n)| (k.clone(), *n)).collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    v
}

/// The resident memory of process `pid` now and at its peak, in MiB (Linux).
pub fn memory_of(pid: u32) -> Option<(f64, f64)> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.split_whitespace().next())
            .and_then(|kb| kb.parse::<f64>().ok())
            .map(|kb| kb / 1024.0)
    };
    Some((field("VmRSS:")?, field("VmHWM:")?))
}
