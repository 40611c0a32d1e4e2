//! Rendered timelines of children's logs, kept between reads of the log page.
//!
//! The timeline is most of the log page — hundreds of entries — and the same
//! for every reader, while the rest of the page (forms, the reader's rights,
//! the CSRF token) is not. So the page keeps the timeline's HTML here, keyed
//! by the log, the log's **revision** and the filter. The database raises the
//! revision in the same transaction as every change to the timeline
//! (`laget_db::logs::touch`), so a kept timeline is never older than the log,
//! whichever server instance or command made the change.
//!
//! What the revision does not cover is a staff member's changed display name
//! (entries show their author's current name): any successful state-changing
//! request through this server empties the cache, as it does the public one,
//! and an entry is kept at most [`TTL`] for changes made elsewhere.
//!
//! Privacy: only the log page puts and gets timelines, and it asks for one
//! only after the access decision for that request has granted the log
//! ([`laget_db::logs::open_view`]), and shows it only after the read is in
//! the access log. Nothing leaves the process's memory, which holds the same
//! data in the database's page cache anyway; the cache is bounded.

use chrono::{DateTime, Utc};
use laget_domain::ids::LogId;
use laget_domain::stafett::EntryGroup;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long a timeline may be kept at most.
pub const TTL: Duration = Duration::from_secs(60);
/// Timelines kept at most; a timeline of 200 entries is about 60 KB, so this
/// bounds the cache to some 15 MB.
const MAX_ENTRIES: usize = 256;

/// A rendered timeline and what the page needs from the entries besides.
#[derive(Clone, Debug)]
pub struct Timeline {
    pub html: Arc<str>,
    /// The newest child's-voice entry (for the prompt before decisions).
    pub last_voice: Option<DateTime<Utc>>,
}

type Key = (LogId, i64, Option<&'static str>);

struct Kept {
    generation: u64,
    stored: Instant,
    timeline: Timeline,
}

#[derive(Default)]
pub struct TimelineCache {
    generation: AtomicU64,
    entries: Mutex<HashMap<Key, Kept>>,
}

fn key(log: LogId, revision: i64, group: Option<EntryGroup>) -> Key {
    (log, revision, group.map(|g| g.code()))
}

impl TimelineCache {
    /// The timeline of `log` at `revision` with the filter `group`, if kept.
    pub fn get(&self, log: LogId, revision: i64, group: Option<EntryGroup>) -> Option<Timeline> {
        let generation = self.generation.load(Ordering::Acquire);
        let entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        entries
            .get(&key(log, revision, group))
            .filter(|k| k.generation == generation && k.stored.elapsed() < TTL)
            .map(|k| k.timeline.clone())
    }

    /// Keeps a timeline; earlier revisions of the same log go, and when the
    /// cache is full the timeline stored longest ago.
    pub fn put(&self, log: LogId, revision: i64, group: Option<EntryGroup>, timeline: Timeline) {
        let generation = self.generation.load(Ordering::Acquire);
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        entries.retain(|(l, r, _), _| *l != log || *r >= revision);
        if entries.len() >= MAX_ENTRIES
            && let Some(oldest) = entries
                .iter()
                .min_by_key(|(_, k)| k.stored)
                .map(|(key, _)| *key)
        {
            entries.remove(&oldest);
        }
        entries.insert(
            key(log, revision, group),
            Kept {
                generation,
                stored: Instant::now(),
                timeline,
            },
        );
    }

    /// Makes every kept timeline stale.
    pub fn invalidate(&self) {
        self.generation.fetch_add(1, Ordering::AcqRel);
        self.entries
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clear();
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.entries.lock().map(|e| e.len()).unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn timeline(html: &str) -> Timeline {
        Timeline {
            html: html.into(),
            last_voice: None,
        }
    }

    #[test]
    fn a_timeline_is_kept_for_its_revision_and_filter_only() {
        let cache = TimelineCache::default();
        let log = LogId::new();
        assert!(cache.get(log, 3, None).is_none());
        cache.put(log, 3, None, timeline("r3"));
        assert_eq!(cache.get(log, 3, None).map(|t| t.html), Some("r3".into()));
        assert!(cache.get(log, 4, None).is_none(), "a newer revision");
        assert!(cache.get(log, 3, Some(EntryGroup::ALL[0])).is_none());
        assert!(cache.get(LogId::new(), 3, None).is_none(), "another log");
    }

    #[test]
    fn a_newer_revision_drops_the_older_and_invalidate_drops_all() {
        let cache = TimelineCache::default();
        let log = LogId::new();
        cache.put(log, 3, None, timeline("r3"));
        cache.put(log, 4, None, timeline("r4"));
        assert!(cache.get(log, 3, None).is_none());
        assert_eq!(cache.len(), 1);
        cache.invalidate();
        assert!(cache.get(log, 4, None).is_none());
    }

    #[test]
    fn the_cache_is_bounded() {
        let cache = TimelineCache::default();
        for _ in 0..MAX_ENTRIES + 10 {
            cache.put(LogId::new(), 1, None, timeline("x"));
        }
        assert_eq!(cache.len(), MAX_ENTRIES);
    }
}
