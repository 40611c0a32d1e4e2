//! `laget outbox failed`: the jobs the outbox gave up (an e-mail whose SMTP
//! server stayed unreachable through every attempt, or refused it), newest
//! first, with the error of their last attempt, for an operator. The
//! sender sees the same outcome on the meeting's page («Feilet»).

use laget_db::Db;
use laget_db::outbox::{self, State};

/// Prints the newest `limit` failed jobs; returns how many there were.
pub fn failed(db: &Db, limit: i64) -> anyhow::Result<usize> {
    let jobs = db.read_blocking(|c| outbox::list(c, State::Failed, limit))?;
    if jobs.is_empty() {
        println!("No failed jobs.");
        return Ok(0);
    }
    for job in &jobs {
        let finished = job
            .finished_at
            .map(|t| t.format("%Y-%m-%d %H:%M:%S UTC").to_string())
            .unwrap_or_default();
        println!(
            "{}  {}  {} of {} attempts  failed {}",
            job.id, job.kind, job.attempts, job.max_attempts, finished
        );
        println!(
            "    {}",
            job.last_error.as_deref().unwrap_or("(no error recorded)")
        );
    }
    Ok(jobs.len())
}
