//! A small cache of rendered public pages (the catalogue as anonymous
//! visitors see it). Those pages are the same for everyone, read far more
//! often than the catalogue changes, and cost several queries to build.
//!
//! Any successful state-changing request through this server empties the
//! cache (the context middleware calls [`PublicCache::invalidate`]), so a
//! change made on the pages shows at once. Changes made elsewhere — the
//! command line, another server instance — show within [`TTL`]. Entries are
//! keyed by path, query and the date in Norway, since offers start and end
//! by date.

use axum::body::Bytes;
use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// How long a page may be served from the cache at most.
pub const TTL: Duration = Duration::from_secs(30);
/// More distinct pages than this empties the cache: filter combinations are
/// many, and a page is tens of kilobytes, so this bounds memory to ~25 MB.
const MAX_ENTRIES: usize = 500;

struct Entry {
    generation: u64,
    stored: Instant,
    body: Bytes,
}

#[derive(Default)]
pub struct PublicCache {
    generation: AtomicU64,
    entries: Mutex<HashMap<String, Entry>>,
}

impl PublicCache {
    pub fn get(&self, key: &str) -> Option<Bytes> {
        let generation = self.generation.load(Ordering::Acquire);
        let entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        entries
            .get(key)
            .filter(|e| e.generation == generation && e.stored.elapsed() < TTL)
            .map(|e| e.body.clone())
    }

    pub fn put(&self, key: String, body: Bytes) {
        let generation = self.generation.load(Ordering::Acquire);
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        if entries.len() >= MAX_ENTRIES {
            entries.clear();
        }
        entries.insert(
            key,
            Entry {
                generation,
                stored: Instant::now(),
                body,
            },
        );
    }

    /// Makes every stored page stale.
    pub fn invalidate(&self) {
        self.generation.fetch_add(1, Ordering::AcqRel);
        self.entries
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_are_served_until_invalidated() {
        let cache = PublicCache::default();
        assert!(cache.get("/tiltak").is_none());
        cache.put("/tiltak".into(), Bytes::from_static(b"side"));
        assert_eq!(cache.get("/tiltak").as_deref(), Some(&b"side"[..]));
        cache.invalidate();
        assert!(cache.get("/tiltak").is_none());
    }

    #[test]
    fn a_put_racing_an_invalidation_is_not_served() {
        let cache = PublicCache::default();
        // Rendered before the change, stored after it: must not be served.
        let generation_before = cache.generation.load(Ordering::Acquire);
        cache.invalidate();
        cache
            .entries
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(
                "/tiltak".into(),
                Entry {
                    generation: generation_before,
                    stored: Instant::now(),
                    body: Bytes::from_static(b"gammel"),
                },
            );
        assert!(cache.get("/tiltak").is_none());
    }
}
