//! Group commit for read records ([`crate::Db::record_reads`]).
//!
//! Every page that shows a child's data first appends an access-log row and
//! waits until it is durable. Appends serialise on the chain's head row
//! (`access_log_head`), so with one transaction per page view every view
//! waits for its own fsync, one after the other: the disk's flush rate caps
//! the page rate.
//!
//! Instead, callers hand their records to one writer and wait:
//!
//! - **Queue.** `record_reads` sends `(records, oneshot sender)` on an
//!   unbounded channel and awaits the oneshot. The queue cannot grow beyond
//!   one request per waiting caller, so the callers themselves are the back
//!   pressure.
//! - **Writer.** One dedicated OS thread, started on the first
//!   `record_reads` of a [`crate::Db`] (so CLI commands that never record a
//!   read never start it). It blocks in `recv` until a request arrives (no
//!   polling, no timers), then takes everything else already queued, up to
//!   [`MAX_BATCH`] records, and appends them all with
//!   [`crate::audit::append_all`] in one transaction through
//!   [`crate::Db::write_blocking`] — so on SQLite it takes the same write
//!   mutex as every other write, and on PostgreSQL it holds the head-row lock
//!   for one commit per batch instead of one per page view. While it commits,
//!   the next batch gathers; under light load a batch is a single request and
//!   nothing waits for a timer.
//! - **Result.** After the commit every caller of the batch is woken with
//!   `Ok`; if the transaction fails, every caller of the batch gets an error
//!   and none of its records is written. No caller returns before its rows
//!   are committed, so durability is the same as before: only the number of
//!   fsyncs changes. A caller that gives up (a dropped request) does not stop
//!   its records from being written.
//! - **Lifetime.** The thread holds its own handle on the pool, but not the
//!   channel's sender: when the last `Db` clone is dropped the channel
//!   closes and the thread ends. It never keeps the process alive (it is not
//!   joined), and at exit it is idle in `recv`, because every request it
//!   took has a caller waiting for the answer. Should the thread be gone,
//!   `record_reads` falls back to a transaction of its own.

use crate::{Db, DbError, DbResult, audit as access_log};
use laget_domain::audit::AccessRecord;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;
use tokio::sync::oneshot;

/// Most records one transaction appends (a single request larger than this
/// still goes in one transaction of its own).
pub(crate) const MAX_BATCH: usize = 512;

/// One caller's records and the way to tell it the outcome.
struct Request {
    records: Vec<AccessRecord>,
    done: oneshot::Sender<DbResult<()>>,
}

/// The callers' side of the writer. Dropping it ends the writer thread.
pub(crate) struct GroupCommit {
    queue: mpsc::Sender<Request>,
    /// Transactions committed so far (the tests check that calls group).
    #[cfg_attr(not(test), allow(dead_code))]
    commits: Arc<AtomicU64>,
}

impl GroupCommit {
    /// Starts the writer thread on `db`, which must not itself hold this
    /// handle (or the thread would keep its own channel open).
    pub(crate) fn start(db: Db) -> std::io::Result<Self> {
        let (queue, requests) = mpsc::channel();
        let commits = Arc::new(AtomicU64::new(0));
        let counter = Arc::clone(&commits);
        std::thread::Builder::new()
            .name("laget-access-log".into())
            .spawn(move || run(&db, &requests, &counter))?;
        Ok(Self { queue, commits })
    }

    /// Queues `records` and waits until they are committed. `Err(records)`
    /// hands them back when the writer is gone.
    pub(crate) async fn submit(
        &self,
        records: Vec<AccessRecord>,
    ) -> Result<DbResult<()>, Vec<AccessRecord>> {
        let (done, outcome) = oneshot::channel();
        if let Err(mpsc::SendError(request)) = self.queue.send(Request { records, done }) {
            return Err(request.records);
        }
        Ok(outcome.await.unwrap_or_else(|_| {
            Err(DbError::Task(
                "the access-log writer stopped before committing".into(),
            ))
        }))
    }

    /// Transactions committed so far (one per batch).
    #[cfg(test)]
    pub(crate) fn commits(&self) -> u64 {
        self.commits.load(Ordering::Relaxed)
    }
}

/// The writer: waits for a request, gathers what else is queued, commits.
fn run(db: &Db, requests: &mpsc::Receiver<Request>, commits: &AtomicU64) {
    let mut carried: Option<Request> = None;
    loop {
        let first = match carried.take() {
            Some(r) => r,
            None => match requests.recv() {
                Ok(r) => r,
                // Every `Db` handle is gone.
                Err(mpsc::RecvError) => return,
            },
        };
        let mut size = first.records.len();
        let mut batch = vec![first];
        while size < MAX_BATCH {
            match requests.try_recv() {
                Ok(r) if size + r.records.len() > MAX_BATCH => {
                    carried = Some(r);
                    break;
                }
                Ok(r) => {
                    size += r.records.len();
                    batch.push(r);
                }
                // Empty, or closed (seen by `recv` next time round).
                Err(_) => break,
            }
        }
        commit(db, batch, size);
        commits.fetch_add(1, Ordering::Relaxed);
    }
}

/// Appends the batch in one transaction and answers every caller in it.
fn commit(db: &Db, batch: Vec<Request>, size: usize) {
    let result = db.write_blocking(|c| {
        let records: Vec<AccessRecord> = batch
            .iter()
            .flat_map(|r| r.records.iter().cloned())
            .collect();
        access_log::append_all(c, &records).map(|_| ())
    });
    match result {
        Ok(()) => {
            tracing::trace!(
                records = size,
                callers = batch.len(),
                "read records committed"
            );
            for r in batch {
                // The caller may have gone; its rows are written regardless.
                let _ = r.done.send(Ok(()));
            }
        }
        Err(e) => {
            tracing::error!(records = size, callers = batch.len(), error = %e, "read records not committed");
            for r in batch {
                let _ = r.done.send(Err(shared(&e)));
            }
        }
    }
}

/// The batch's error for each of its callers (`DbError` is not `Clone`).
fn shared(e: &DbError) -> DbError {
    match e {
        DbError::NotFound => DbError::NotFound,
        DbError::Taken => DbError::Taken,
        DbError::Conflict => DbError::Conflict,
        DbError::Connection(s) => DbError::Connection(s.clone()),
        DbError::Migration(s) => DbError::Migration(s.clone()),
        DbError::Corrupt(s) => DbError::Corrupt(s.clone()),
        DbError::Task(s) => DbError::Task(s.clone()),
        DbError::NoAuditKey => DbError::NoAuditKey,
        DbError::Query(q) => DbError::Task(format!("recording reads failed: {q}")),
    }
}
