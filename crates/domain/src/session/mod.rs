//! When a login session ends (OWASP ASVS 3.3): after a period without use
//! (idle timeout) and, regardless of use, a fixed time after login (absolute
//! timeout).

use chrono::{DateTime, Duration, Utc};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SessionPolicy {
    pub idle: Duration,
    pub absolute: Duration,
}

impl Default for SessionPolicy {
    fn default() -> Self {
        Self {
            idle: Duration::minutes(30),
            absolute: Duration::hours(8),
        }
    }
}

impl SessionPolicy {
    /// Whether a session created at `created` and last used at `last_seen` is
    /// still alive at `now`.
    pub fn is_alive(
        &self,
        created: DateTime<Utc>,
        last_seen: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> bool {
        now < created + self.absolute && now < last_seen + self.idle
    }

    /// Recording every request as a write would cost a write per page view;
    /// «last seen» is refreshed only when it is this old, which shortens the
    /// idle timeout by at most this much.
    pub fn touch_interval(&self) -> Duration {
        Duration::seconds(60).min(self.idle / 10)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn at(minutes: i64) -> DateTime<Utc> {
        DateTime::<Utc>::UNIX_EPOCH + Duration::minutes(minutes)
    }

    #[test]
    fn idle_timeout_ends_an_unused_session() {
        let p = SessionPolicy::default();
        assert!(p.is_alive(at(0), at(0), at(29)));
        assert!(!p.is_alive(at(0), at(0), at(30)));
        assert!(p.is_alive(at(0), at(100), at(120)));
    }

    #[test]
    fn absolute_timeout_ends_even_a_busy_session() {
        let p = SessionPolicy::default();
        assert!(p.is_alive(at(0), at(479), at(479)));
        assert!(!p.is_alive(at(0), at(480), at(480)));
    }

    proptest! {
        #[test]
        fn alive_means_within_both_limits(created in 0i64..10_000, seen_after in 0i64..1_000, now_after in 0i64..1_000) {
            let p = SessionPolicy::default();
            let last_seen = created + seen_after;
            let now = last_seen + now_after;
            let alive = p.is_alive(at(created), at(last_seen), at(now));
            prop_assert_eq!(alive, now - created < 480 && now - last_seen < 30);
        }
    }
}

pub mod password;
