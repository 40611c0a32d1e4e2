//! Kept log snapshots ([`laget_db::log::LogSnapshot`]): what every reader's
//! log page starts from, by log, revision and day, so that a page whose log
//! has not changed reads one row (the revision) instead of some thirty.
//!
//! The same rules as the timelines in [`super::kept`]: only the log page puts
//! and gets them, through `laget_db::log::open_view`, which makes the access
//! decision for each request afresh from the snapshot and the request's
//! clock, and uses a snapshot only for the revision and day it was read at
//! (the database raises the revision with every change to what a snapshot
//! holds, from any instance: migration 000022). Emptied with the other kept
//! work on every successful change through this server; nothing is kept
//! longer than [`super::kept::TTL`]; bounded.

use super::kept::{Kept, TTL, Ticket};
use laget_db::log::LogSnapshot;
use laget_domain::ids::LogId;
use std::sync::Arc;

/// Snapshots kept at most: a few KB each (no timeline).
const MAX_SNAPSHOTS: usize = 2048;

/// Log snapshots by log; the newest revision and day only.
pub struct Snapshots(Kept<LogId, Arc<LogSnapshot>>);

impl Default for Snapshots {
    fn default() -> Self {
        Self(Kept::new(MAX_SNAPSHOTS, TTL))
    }
}

impl Snapshots {
    pub fn get(&self, log: LogId) -> Option<Arc<LogSnapshot>> {
        self.0.get(&log)
    }

    pub fn ticket(&self) -> Ticket {
        self.0.ticket()
    }

    /// Keeps `snapshot` unless a newer one of its log is kept.
    pub fn put(&self, ticket: Ticket, snapshot: Arc<LogSnapshot>) {
        let log = snapshot.log();
        if self
            .0
            .get(&log)
            .is_some_and(|s| (s.day(), s.revision()) > (snapshot.day(), snapshot.revision()))
        {
            return;
        }
        self.0.put(ticket, log, snapshot, |_| false);
    }

    pub fn invalidate(&self) {
        self.0.invalidate();
    }
}
