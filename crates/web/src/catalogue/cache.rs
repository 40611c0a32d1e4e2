//! A small cache of rendered public pages (the catalogue as anonymous
//! visitors see it). Those pages are the same for everyone, read far more
//! often than the catalogue changes, and cost several queries to build.
//!
//! Any successful state-changing request through this server empties the
//! cache (the context middleware calls [`PublicCache::invalidate`]), so a
//! change made on the pages shows at once; a page rendered before such a
//! change is not kept after it (the ticket, see [`crate::log::kept::Kept`]).
//! Changes made elsewhere — the command line, another server instance — show
//! within [`TTL`]. Entries are keyed by path, query and the date in Norway,
//! since offers start and end by date.

use crate::log::kept::{Kept, Ticket};
use axum::body::Bytes;
use std::time::Duration;

/// How long a page may be served from the cache at most.
pub const TTL: Duration = Duration::from_secs(30);
/// Pages kept at most: filter combinations are many, and a page is tens of
/// kilobytes, so this bounds memory to ~25 MB.
const MAX_ENTRIES: usize = 500;

pub struct PublicCache(Kept<String, Bytes>);

impl Default for PublicCache {
    fn default() -> Self {
        Self(Kept::new(MAX_ENTRIES, TTL))
    }
}

impl PublicCache {
    pub fn get(&self, key: &str) -> Option<Bytes> {
        self.0.get(&key.to_owned())
    }

    /// Take it before rendering the page to [`PublicCache::put`].
    pub fn ticket(&self) -> Ticket {
        self.0.ticket()
    }

    pub fn put(&self, ticket: Ticket, key: String, body: Bytes) {
        self.0.put(ticket, key, body, |_| false);
    }

    /// Makes every stored page stale.
    pub fn invalidate(&self) {
        self.0.invalidate();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_are_served_until_invalidated() {
        let cache = PublicCache::default();
        assert!(cache.get("/tiltak").is_none());
        cache.put(
            cache.ticket(),
            "/tiltak".into(),
            Bytes::from_static(b"side"),
        );
        assert_eq!(cache.get("/tiltak").as_deref(), Some(&b"side"[..]));
        cache.invalidate();
        assert!(cache.get("/tiltak").is_none());
    }

    #[test]
    fn a_page_rendered_before_an_invalidation_is_not_kept() {
        let cache = PublicCache::default();
        let ticket = cache.ticket();
        // The catalogue changes while the page renders.
        cache.invalidate();
        cache.put(ticket, "/tiltak".into(), Bytes::from_static(b"gammel"));
        assert!(cache.get("/tiltak").is_none());
    }
}
