//! Work kept between requests: the log page's rendered timeline and the team
//! form's list of staff (and, through the same [`Kept`], the public pages of
//! `public_cache`). Both are most of what the log page costs, and both
//! change far less often than the page is read.
//!
//! - **Timelines** ([`Timelines`]) are the same for every reader who reads
//!   the same language, while the rest of the page (forms, the reader's
//!   rights, the CSRF token) is not. A timeline is keyed by the log, the
//!   log's **revision**, the filter and the **language** it was rendered in
//!   (its sentences are made from the stored events when it is read). The
//!   database raises the revision in the same transaction as every change to
//!   the timeline (`laget_db::log::touch`), so a kept timeline is never older
//!   than the log, whichever server instance or command made the change.
//! - **Staff lists** ([`StaffLists`]) are keyed by the municipality and the
//!   units; they hold names of staff, not children's data.
//!
//! What a key does not cover — a staff member's changed name, a membership
//! that ended — is covered by two rules: any successful state-changing
//! request through this server empties both (the context middleware calls
//! [`Kept::invalidate`], as for the public cache), and nothing is kept
//! longer than [`TTL`], for changes made elsewhere (the command line,
//! another instance).
//!
//! So with several server instances on one database, what one instance may
//! show older than a change made through another, for at most [`TTL`], is:
//! in a timeline, the current names of the entries' authors and of the
//! municipality's BBIS themes and challenge areas (never an entry: those
//! raise the revision); in a staff list, who may be chosen — someone just
//! added missing, someone just disabled or taken off the unit still
//! offered. Neither decides access, and adding a member is decided on the
//! database (`laget_db::log::add_staff` refuses one the list no longer
//! holds). `crates/cli/tests/instances.rs` tests a timeline changed through
//! one instance and a stale staff list on the other.
//!
//! Privacy: only the log page puts and gets timelines, and it asks for one
//! only after the access decision for that request has granted the log
//! (`laget_db::log::open_view`), and shows it only after the read is in the
//! access log. Nothing leaves the process's memory, which holds the same data
//! in the database's page cache anyway, and both caches are bounded.

use crate::view::choices::Choice;
use chrono::{DateTime, Utc};
use laget_domain::ids::LogId;
use laget_domain::log::stafett::EntryGroup;
use laget_domain::{MunicipalityId, UnitId};
use std::collections::HashMap;
use std::hash::Hash;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long a timeline or staff list is kept at most.
pub const TTL: Duration = Duration::from_secs(60);
/// Timelines kept at most; a timeline of 200 entries is about 60 KB, so this
/// bounds them to some 15 MB.
const MAX_TIMELINES: usize = 256;
/// Staff lists kept at most (a few KB each).
const MAX_STAFF_LISTS: usize = 512;

/// Taken before a value is made, checked when it is kept (see [`Kept::put`]).
#[derive(Clone, Copy, Debug)]
pub struct Ticket(u64);

/// A bounded map whose values expire after a time to live and on
/// [`Kept::invalidate`].
pub struct Kept<K, V> {
    max: usize,
    ttl: Duration,
    generation: AtomicU64,
    entries: Mutex<HashMap<K, Entry<V>>>,
}

struct Entry<V> {
    generation: u64,
    stored: Instant,
    value: V,
}

impl<K: Hash + Eq + Clone, V: Clone> Kept<K, V> {
    pub fn new(max: usize, ttl: Duration) -> Self {
        Self {
            max,
            ttl,
            generation: AtomicU64::new(0),
            entries: Mutex::new(HashMap::new()),
        }
    }

    pub fn get(&self, key: &K) -> Option<V> {
        let generation = self.generation.load(Ordering::Acquire);
        let entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        entries
            .get(key)
            .filter(|e| e.generation == generation && e.stored.elapsed() < self.ttl)
            .map(|e| e.value.clone())
    }

    /// What to hand to [`Kept::put`]: take it before reading what the value
    /// is made from.
    pub fn ticket(&self) -> Ticket {
        Ticket(self.generation.load(Ordering::Acquire))
    }

    /// Keeps `value` under `key`, first dropping the keys `superseded` says
    /// are out of date; when full, the value stored longest ago goes. Not
    /// kept if the cache was emptied since `ticket` was taken: the value may
    /// have been made from what that change replaced.
    pub fn put(&self, ticket: Ticket, key: K, value: V, superseded: impl Fn(&K) -> bool) {
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        let generation = self.generation.load(Ordering::Acquire);
        if ticket.0 != generation {
            return;
        }
        entries.retain(|k, _| !superseded(k));
        if entries.len() >= self.max
            && let Some(oldest) = entries
                .iter()
                .min_by_key(|(_, e)| e.stored)
                .map(|(k, _)| k.clone())
        {
            entries.remove(&oldest);
        }
        entries.insert(
            key,
            Entry {
                generation,
                stored: Instant::now(),
                value,
            },
        );
    }

    /// Makes everything kept stale.
    pub fn invalidate(&self) {
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        self.generation.fetch_add(1, Ordering::AcqRel);
        entries.clear();
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.entries.lock().map(|e| e.len()).unwrap_or(0)
    }
}

/// A rendered timeline and what the page needs from the entries besides.
#[derive(Clone, Debug)]
pub struct Timeline {
    pub html: Arc<str>,
    /// The newest child's-voice entry (for the prompt before decisions).
    pub last_voice: Option<DateTime<Utc>>,
}

/// The key of a kept timeline: (log, revision, filter, language).
type TimelineKey = (LogId, i64, Option<&'static str>, &'static str);

/// Rendered timelines by (log, revision, filter, language).
pub struct Timelines(Kept<TimelineKey, Timeline>);

impl Default for Timelines {
    fn default() -> Self {
        Self(Kept::new(MAX_TIMELINES, TTL))
    }
}

impl Timelines {
    /// The timeline of `log` at `revision` with the filter `group`, rendered
    /// in the language `lang` (the catalogue's `lang`), if kept.
    pub fn get(
        &self,
        log: LogId,
        revision: i64,
        group: Option<EntryGroup>,
        lang: &'static str,
    ) -> Option<Timeline> {
        self.0.get(&(log, revision, group.map(|g| g.code()), lang))
    }

    pub fn ticket(&self) -> Ticket {
        self.0.ticket()
    }

    /// Keeps a timeline; the log's earlier revisions go.
    pub fn put(
        &self,
        ticket: Ticket,
        log: LogId,
        revision: i64,
        group: Option<EntryGroup>,
        lang: &'static str,
        timeline: Timeline,
    ) {
        let key = (log, revision, group.map(|g| g.code()), lang);
        self.0.put(ticket, key, timeline, |(l, r, _, _)| {
            *l == log && *r < revision
        });
    }

    pub fn invalidate(&self) {
        self.0.invalidate();
    }
}

/// The team form's staff to choose from, by municipality and units.
pub struct StaffLists(Kept<(MunicipalityId, Vec<UnitId>), Arc<[Choice]>>);

impl Default for StaffLists {
    fn default() -> Self {
        Self(Kept::new(MAX_STAFF_LISTS, TTL))
    }
}

impl StaffLists {
    /// `units` in any order, with or without repeats.
    fn key(m: MunicipalityId, units: &[UnitId]) -> (MunicipalityId, Vec<UnitId>) {
        let mut units = units.to_vec();
        units.sort();
        units.dedup();
        (m, units)
    }

    pub fn get(&self, m: MunicipalityId, units: &[UnitId]) -> Option<Arc<[Choice]>> {
        self.0.get(&Self::key(m, units))
    }

    pub fn ticket(&self) -> Ticket {
        self.0.ticket()
    }

    pub fn put(&self, ticket: Ticket, m: MunicipalityId, units: &[UnitId], staff: Arc<[Choice]>) {
        self.0.put(ticket, Self::key(m, units), staff, |_| false);
    }

    pub fn invalidate(&self) {
        self.0.invalidate();
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
    fn a_timeline_is_kept_for_its_revision_filter_and_language_only() {
        let kept = Timelines::default();
        let log = LogId::new();
        assert!(kept.get(log, 3, None, "nb").is_none());
        kept.put(kept.ticket(), log, 3, None, "nb", timeline("r3"));
        assert_eq!(
            kept.get(log, 3, None, "nb").map(|t| t.html),
            Some("r3".into())
        );
        assert!(kept.get(log, 4, None, "nb").is_none(), "a newer revision");
        assert!(kept.get(log, 3, Some(EntryGroup::ALL[0]), "nb").is_none());
        assert!(
            kept.get(LogId::new(), 3, None, "nb").is_none(),
            "another log"
        );
        assert!(kept.get(log, 3, None, "nn").is_none(), "another language");
        kept.put(kept.ticket(), log, 3, None, "nn", timeline("r3 nn"));
        assert_eq!(
            kept.get(log, 3, None, "nn").map(|t| t.html),
            Some("r3 nn".into())
        );
        assert_eq!(
            kept.get(log, 3, None, "nb").map(|t| t.html),
            Some("r3".into())
        );
    }

    #[test]
    fn a_newer_revision_drops_the_older_and_invalidate_drops_all() {
        let kept = Timelines::default();
        let log = LogId::new();
        kept.put(kept.ticket(), log, 3, None, "nb", timeline("r3"));
        kept.put(kept.ticket(), log, 4, None, "nb", timeline("r4"));
        assert!(kept.get(log, 3, None, "nb").is_none());
        assert_eq!(kept.0.len(), 1);
        kept.invalidate();
        assert!(kept.get(log, 4, None, "nb").is_none());
    }

    #[test]
    fn what_is_kept_is_bounded() {
        let kept = Timelines::default();
        for _ in 0..MAX_TIMELINES + 10 {
            kept.put(kept.ticket(), LogId::new(), 1, None, "nb", timeline("x"));
        }
        assert_eq!(kept.0.len(), MAX_TIMELINES);
    }

    #[test]
    fn what_was_made_before_an_invalidation_is_not_kept() {
        let kept = Timelines::default();
        let log = LogId::new();
        let ticket = kept.ticket();
        kept.invalidate();
        kept.put(
            ticket,
            log,
            1,
            None,
            "nb",
            timeline("made before the change"),
        );
        assert!(kept.get(log, 1, None, "nb").is_none());
        kept.put(kept.ticket(), log, 1, None, "nb", timeline("made after"));
        assert!(kept.get(log, 1, None, "nb").is_some());
    }

    #[test]
    fn staff_lists_are_kept_by_the_set_of_units() {
        let kept = StaffLists::default();
        let m = MunicipalityId::new();
        let (a, b) = (UnitId::new(), UnitId::new());
        let staff: Arc<[Choice]> = vec![Choice {
            value: "u:a".into(),
            label: "Kari (Skolen)".into(),
        }]
        .into();
        kept.put(kept.ticket(), m, &[a, b, a], staff);
        assert_eq!(kept.get(m, &[b, a]).map(|s| s.len()), Some(1));
        assert!(kept.get(m, &[a]).is_none());
        assert!(kept.get(MunicipalityId::new(), &[a, b]).is_none());
        kept.invalidate();
        assert!(kept.get(m, &[a, b]).is_none());
    }
}
