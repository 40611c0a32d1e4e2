//! The outbox: work to do once a change has committed — an e-mail, a
//! calendar invitation, a KS Fiks message — written as a row in the same
//! transaction as the change that causes it. A job exists exactly when its
//! change does: a change that rolls back leaves no job, and a job is never
//! lost between the commit and the sending.
//!
//! - [`enqueue`] takes the connection of a write transaction already open
//!   (any `Db::write` closure) and adds the job to it.
//! - A worker (`laget_web::outbox`, started by `laget serve`) [`claim`]s one
//!   due job at a time with a lease: a single conditional UPDATE that sets a
//!   fresh lease token only where no live lease is held, so two workers (two
//!   processes on one database) never hold the same job at once. On
//!   PostgreSQL the UPDATE re-checks its condition on the row it waited for,
//!   on SQLite writes are serial; no engine-specific SQL is needed.
//! - Running a job ends in [`complete`] or [`fail`]; both act only while the
//!   caller still holds the lease. A failure is retried after an exponential
//!   [`Backoff`]; after `max_attempts` claims the job is kept as `failed`
//!   for an operator to see ([`list`]). A worker that dies leaves its lease
//!   to expire, and the job is claimed again ([`give_up_abandoned`] fails
//!   one that died on its last attempt).
//!
//! Delivery is at least once: a job whose run outlives its lease, or whose
//! worker dies after the work but before [`complete`], runs again. Kinds that
//! talk to the outside give their messages an id derived from the job's, so
//! that the receiver can drop the repeat. Lease and due times are the
//! workers' clocks; instances should keep them in step (NTP).
//!
//! Payloads are JSON and hold ids, not names or other personal data: the job
//! reads what it needs when it runs, under the rules of that moment. Errors
//! are stored for the operator ([`Job::last_error`]); the worker logs only
//! the job's id, kind, attempt and an error code.

use crate::schema::outbox;
use crate::{DbConnection, DbError, DbResult, from_micros, parse_id, to_micros};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use laget_domain::ids::JobId;
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::time::Duration;

/// Attempts before a job is given up, unless its kind says otherwise.
pub const DEFAULT_MAX_ATTEMPTS: i32 = 8;

/// What a job of one kind carries. The type lives with the code that
/// enqueues it; the worker's handler for [`Payload::KIND`] reads it back.
pub trait Payload: Serialize + DeserializeOwned + Send + 'static {
    /// The kind's name as stored (`outbox.kind`); never change it while
    /// jobs of the kind may be waiting.
    const KIND: &'static str;
    /// Claims before the job is given up and kept as failed.
    const MAX_ATTEMPTS: i32 = DEFAULT_MAX_ATTEMPTS;
}

/// Where a job stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum State {
    /// Waiting for its due time, or held by a worker under a lease.
    Pending,
    Done,
    /// Given up after its last attempt; kept for an operator.
    Failed,
}

impl State {
    pub const ALL: [State; 3] = [Self::Pending, Self::Done, Self::Failed];
    pub fn code(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Done => "done",
            Self::Failed => "failed",
        }
    }
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }
}

/// Adds a job, due now, to the transaction `conn` is in.
pub fn enqueue<P: Payload>(conn: &mut DbConnection, payload: &P) -> DbResult<JobId> {
    enqueue_at(conn, payload, Utc::now())
}

/// Adds a job that is not to run before `due`.
pub fn enqueue_at<P: Payload>(
    conn: &mut DbConnection,
    payload: &P,
    due: DateTime<Utc>,
) -> DbResult<JobId> {
    let id = JobId::new();
    let payload = serde_json::to_string(payload)
        .map_err(|e| DbError::Corrupt(format!("outbox payload of {}: {e}", P::KIND)))?;
    diesel::insert_into(outbox::table)
        .values((
            outbox::id.eq(id.to_string()),
            outbox::kind.eq(P::KIND),
            outbox::payload.eq(payload),
            outbox::state.eq(State::Pending.code()),
            outbox::created_at.eq(to_micros(Utc::now())),
            outbox::due_at.eq(to_micros(due)),
            outbox::attempts.eq(0),
            outbox::max_attempts.eq(P::MAX_ATTEMPTS.max(1)),
        ))
        .execute(conn)?;
    Ok(id)
}

/// A job a worker holds under a lease.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Claimed {
    pub id: JobId,
    pub kind: String,
    /// JSON, as [`Payload`] wrote it.
    pub payload: String,
    /// This claim's number: 1 on the first.
    pub attempt: i32,
    pub max_attempts: i32,
    /// Held until then; afterwards another worker may claim the job.
    pub lease_until: DateTime<Utc>,
    lease: String,
}

/// Claims the job of one of `kinds` that has been due longest (at `now`),
/// if any, with a lease of `lease`. Run it in a transaction of its own
/// (`Db::write`), so that the lease is visible to other workers at once.
pub fn claim(
    conn: &mut DbConnection,
    kinds: &[&str],
    now: DateTime<Utc>,
    lease: Duration,
) -> DbResult<Option<Claimed>> {
    if kinds.is_empty() {
        return Ok(None);
    }
    let now_us = to_micros(now);
    let until = now + chrono::Duration::from_std(lease).unwrap_or(chrono::Duration::MAX);
    let token = uuid::Uuid::now_v7().to_string();
    // The condition is on the UPDATE itself, not only on the candidate
    // query: a PostgreSQL UPDATE that waited for another worker's claim of
    // the same row re-checks it against the claimed row and skips it.
    let claimable = outbox::state
        .eq(State::Pending.code())
        .and(outbox::due_at.le(now_us))
        .and(outbox::attempts.lt(outbox::max_attempts))
        .and(
            outbox::lease_until
                .is_null()
                .or(outbox::lease_until.le(now_us)),
        );
    // The same conditions on the candidate, read through an alias (a
    // subquery on the table being updated).
    let waiting = diesel::alias!(outbox as waiting);
    let candidate = waiting
        .filter(waiting.field(outbox::state).eq(State::Pending.code()))
        .filter(waiting.field(outbox::due_at).le(now_us))
        .filter(
            waiting
                .field(outbox::attempts)
                .lt(waiting.field(outbox::max_attempts)),
        )
        .filter(
            waiting
                .field(outbox::lease_until)
                .is_null()
                .or(waiting.field(outbox::lease_until).le(now_us)),
        )
        .filter(waiting.field(outbox::kind).eq_any(kinds))
        .order((waiting.field(outbox::due_at), waiting.field(outbox::id)))
        .select(waiting.field(outbox::id))
        .single_value();
    let claimed = diesel::update(
        outbox::table
            .filter(outbox::id.nullable().eq(candidate))
            .filter(claimable),
    )
    .set((
        outbox::lease_token.eq(&token),
        outbox::lease_until.eq(to_micros(until)),
        outbox::attempts.eq(outbox::attempts + 1),
    ))
    .execute(conn)?;
    if claimed == 0 {
        return Ok(None);
    }
    let (id, kind, payload, attempt, max_attempts): (String, String, String, i32, i32) =
        outbox::table
            .filter(outbox::lease_token.eq(&token))
            .select((
                outbox::id,
                outbox::kind,
                outbox::payload,
                outbox::attempts,
                outbox::max_attempts,
            ))
            .first(conn)?;
    Ok(Some(Claimed {
        id: parse_id(&id)?,
        kind,
        payload,
        attempt,
        max_attempts,
        lease_until: from_micros(to_micros(until)),
        lease: token,
    }))
}

/// The job is done. `false` when the lease was no longer the caller's (it
/// expired and another worker claimed the job): then nothing changes.
pub fn complete(conn: &mut DbConnection, job: &Claimed, now: DateTime<Utc>) -> DbResult<bool> {
    let changed = diesel::update(held(job))
        .set((
            outbox::state.eq(State::Done.code()),
            outbox::finished_at.eq(Some(to_micros(now))),
            outbox::lease_token.eq(None::<String>),
            outbox::lease_until.eq(None::<i64>),
        ))
        .execute(conn)?;
    Ok(changed == 1)
}

/// What became of a failed attempt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AfterFailure {
    /// To be tried again, not before this.
    Retry(DateTime<Utc>),
    /// That was the last attempt (or the job cannot succeed): kept as failed.
    GaveUp,
    /// The lease was no longer the caller's; nothing changed.
    LeaseLost,
}

/// Records a failed attempt with `error` (for the operator; no personal
/// data). The job is tried again after `backoff`, unless this was its last
/// attempt or `permanent` (a payload that cannot be read will not be read
/// next time either).
pub fn fail(
    conn: &mut DbConnection,
    job: &Claimed,
    error: &str,
    permanent: bool,
    backoff: &Backoff,
    now: DateTime<Utc>,
) -> DbResult<AfterFailure> {
    let error: String = error.chars().take(2_000).collect();
    if permanent || job.attempt >= job.max_attempts {
        let changed = diesel::update(held(job))
            .set((
                outbox::state.eq(State::Failed.code()),
                outbox::last_error.eq(Some(&error)),
                outbox::finished_at.eq(Some(to_micros(now))),
                outbox::lease_token.eq(None::<String>),
                outbox::lease_until.eq(None::<i64>),
            ))
            .execute(conn)?;
        return Ok(if changed == 1 {
            AfterFailure::GaveUp
        } else {
            AfterFailure::LeaseLost
        });
    }
    let next = now + chrono::Duration::from_std(backoff.delay(job.attempt)).unwrap_or_default();
    let changed = diesel::update(held(job))
        .set((
            outbox::due_at.eq(to_micros(next)),
            outbox::last_error.eq(Some(&error)),
            outbox::lease_token.eq(None::<String>),
            outbox::lease_until.eq(None::<i64>),
        ))
        .execute(conn)?;
    Ok(if changed == 1 {
        AfterFailure::Retry(from_micros(to_micros(next)))
    } else {
        AfterFailure::LeaseLost
    })
}

/// The condition of [`held`]: the job's lease token, on a job not yet
/// finished.
type StillHeld = diesel::dsl::And<
    diesel::dsl::Eq<outbox::lease_token, String>,
    diesel::dsl::Eq<outbox::state, &'static str>,
>;
type Held = diesel::dsl::Filter<diesel::dsl::Find<outbox::table, String>, StillHeld>;

/// The row of `job` while the caller still holds its lease.
fn held(job: &Claimed) -> Held {
    outbox::table.find(job.id.to_string()).filter(
        outbox::lease_token
            .eq(job.lease.clone())
            .and(outbox::state.eq(State::Pending.code())),
    )
}

/// Fails the jobs whose worker died on their last attempt (the lease
/// expired and no attempt is left), so that they show as failed rather than
/// waiting forever. Returns how many.
pub fn give_up_abandoned(conn: &mut DbConnection, now: DateTime<Utc>) -> DbResult<usize> {
    let now_us = to_micros(now);
    Ok(diesel::update(
        outbox::table
            .filter(outbox::state.eq(State::Pending.code()))
            .filter(outbox::attempts.ge(outbox::max_attempts))
            .filter(outbox::lease_until.le(now_us)),
    )
    .set((
        outbox::state.eq(State::Failed.code()),
        outbox::last_error.eq(Some("the worker stopped during the last attempt")),
        outbox::finished_at.eq(Some(now_us)),
        outbox::lease_token.eq(None::<String>),
        outbox::lease_until.eq(None::<i64>),
    ))
    .execute(conn)?)
}

/// Deletes jobs that were done before `before` (failed ones stay until an
/// operator has seen them). Returns how many.
pub fn purge_done(conn: &mut DbConnection, before: DateTime<Utc>) -> DbResult<usize> {
    Ok(diesel::delete(
        outbox::table
            .filter(outbox::state.eq(State::Done.code()))
            .filter(outbox::finished_at.lt(to_micros(before))),
    )
    .execute(conn)?)
}

/// A job as an operator reads it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Job {
    pub id: JobId,
    pub kind: String,
    pub payload: String,
    pub state: State,
    pub created_at: DateTime<Utc>,
    pub due_at: DateTime<Utc>,
    pub attempts: i32,
    pub max_attempts: i32,
    /// The lease's end, while a worker holds the job.
    pub lease_until: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
    pub finished_at: Option<DateTime<Utc>>,
}

/// A stored job as read.
#[derive(Queryable, Selectable)]
#[diesel(table_name = outbox)]
struct JobRow {
    id: String,
    kind: String,
    payload: String,
    state: String,
    created_at: i64,
    due_at: i64,
    attempts: i32,
    max_attempts: i32,
    lease_until: Option<i64>,
    last_error: Option<String>,
    finished_at: Option<i64>,
}

impl JobRow {
    fn into_job(self) -> DbResult<Job> {
        Ok(Job {
            id: parse_id(&self.id)?,
            state: State::from_code(&self.state)
                .ok_or_else(|| DbError::Corrupt(format!("outbox state {:?}", self.state)))?,
            kind: self.kind,
            payload: self.payload,
            created_at: from_micros(self.created_at),
            due_at: from_micros(self.due_at),
            attempts: self.attempts,
            max_attempts: self.max_attempts,
            lease_until: self.lease_until.map(from_micros),
            last_error: self.last_error,
            finished_at: self.finished_at.map(from_micros),
        })
    }
}

/// One job, if it exists.
pub fn get(conn: &mut DbConnection, id: JobId) -> DbResult<Option<Job>> {
    outbox::table
        .find(id.to_string())
        .select(JobRow::as_select())
        .first(conn)
        .optional()?
        .map(JobRow::into_job)
        .transpose()
}

/// The newest `limit` jobs in `state`, newest first (the failed ones for an
/// operator).
pub fn list(conn: &mut DbConnection, state: State, limit: i64) -> DbResult<Vec<Job>> {
    outbox::table
        .filter(outbox::state.eq(state.code()))
        .order((outbox::created_at.desc(), outbox::id.desc()))
        .limit(limit)
        .select(JobRow::as_select())
        .load(conn)?
        .into_iter()
        .map(JobRow::into_job)
        .collect()
}

/// Exponential backoff: `base` after the first failed attempt, doubling
/// with each one after, never more than `max`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Backoff {
    pub base: Duration,
    pub max: Duration,
}

impl Default for Backoff {
    /// 30 seconds, doubling to at most 6 hours: eight attempts span about
    /// an hour, enough to outlast a mail server's restart.
    fn default() -> Self {
        Self {
            base: Duration::from_secs(30),
            max: Duration::from_secs(6 * 60 * 60),
        }
    }
}

impl Backoff {
    /// The wait after failed attempt number `attempt` (1 for the first).
    pub fn delay(&self, attempt: i32) -> Duration {
        let doublings = u32::try_from(attempt.saturating_sub(1))
            .unwrap_or(0)
            .min(30);
        self.base
            .checked_mul(1u32 << doublings)
            .unwrap_or(self.max)
            .min(self.max)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;
    use crate::Db;

    #[derive(Serialize, serde::Deserialize, Debug, PartialEq)]
    struct Ping {
        n: u32,
    }
    impl Payload for Ping {
        const KIND: &'static str = "test_ping";
        const MAX_ATTEMPTS: i32 = 3;
    }

    const LEASE: Duration = Duration::from_secs(60);
    const KINDS: &[&str] = &[Ping::KIND];

    /// Two handles on one fresh, migrated database per engine (SQLite in a
    /// temporary folder; PostgreSQL in a schema of its own when
    /// `DATABASE_URL` is set), as two Laget processes would hold it. The
    /// guard removes the database.
    struct Pair {
        a: Db,
        b: Db,
        dir: Option<std::path::PathBuf>,
        pg: Option<(String, String)>,
    }

    impl Drop for Pair {
        fn drop(&mut self) {
            if let Some(dir) = &self.dir {
                let _ = std::fs::remove_dir_all(dir);
            }
            if let Some((url, schema)) = &self.pg {
                let _ = Db::drop_schema(url, schema);
            }
        }
    }

    fn pairs() -> Vec<Pair> {
        let id = uuid::Uuid::now_v7().simple().to_string();
        let dir = std::env::temp_dir().join(format!("laget-outbox-test-{id}"));
        let file = dir.join("db.sqlite3").to_string_lossy().into_owned();
        let mut all = vec![Pair {
            a: Db::connect(&file).unwrap(),
            b: Db::connect(&file).unwrap(),
            dir: Some(dir),
            pg: None,
        }];
        if let Ok(url) = std::env::var("DATABASE_URL")
            && !url.is_empty()
        {
            let schema = format!("test_{id}");
            all.push(Pair {
                a: Db::connect_in_schema(&url, Some(&schema)).unwrap(),
                b: Db::connect_in_schema(&url, Some(&schema)).unwrap(),
                dir: None,
                pg: Some((url, schema)),
            });
        }
        for pair in &all {
            pair.a.migrate().unwrap();
        }
        all
    }

    fn claim_at(db: &Db, now: DateTime<Utc>) -> Option<Claimed> {
        db.write_blocking(|c| claim(c, KINDS, now, LEASE)).unwrap()
    }

    fn job(db: &Db, id: JobId) -> Option<Job> {
        db.read_blocking(|c| get(c, id)).unwrap()
    }

    #[test]
    fn a_job_exists_exactly_when_its_transaction_commits() {
        for pair in pairs() {
            let db = &pair.a;
            let mut rolled_back = None;
            let outcome: DbResult<()> = db.write_blocking(|c| {
                rolled_back = Some(enqueue(c, &Ping { n: 1 })?);
                Err(DbError::Conflict)
            });
            assert!(matches!(outcome, Err(DbError::Conflict)));
            assert_eq!(job(db, rolled_back.unwrap()), None);
            assert_eq!(claim_at(db, Utc::now()), None, "{:?}", db.backend());

            let id = db.write_blocking(|c| enqueue(c, &Ping { n: 2 })).unwrap();
            let stored = job(db, id).unwrap();
            assert_eq!(stored.state, State::Pending);
            assert_eq!((stored.attempts, stored.max_attempts), (0, 3));
            assert_eq!(
                serde_json::from_str::<Ping>(&stored.payload).unwrap(),
                Ping { n: 2 }
            );
        }
    }

    #[test]
    fn a_claimed_job_is_held_until_done() {
        for pair in pairs() {
            let db = &pair.a;
            let later = db
                .write_blocking(|c| {
                    enqueue_at(c, &Ping { n: 1 }, Utc::now() + chrono::Duration::hours(1))
                })
                .unwrap();
            let id = db.write_blocking(|c| enqueue(c, &Ping { n: 2 })).unwrap();
            let now = Utc::now();
            assert_eq!(
                db.write_blocking(|c| claim(c, &["another_kind"], now, LEASE))
                    .unwrap(),
                None,
                "only the kinds asked for"
            );
            let held = claim_at(db, now).unwrap();
            assert_eq!((held.id, held.attempt), (id, 1));
            assert_eq!(held.kind, Ping::KIND);
            // Held: not claimed again while the lease runs, and the other
            // job is not due yet.
            assert_eq!(claim_at(db, now + chrono::Duration::seconds(59)), None);
            assert!(db.write_blocking(|c| complete(c, &held, now)).unwrap());
            let done = job(db, id).unwrap();
            assert_eq!(done.state, State::Done);
            assert_eq!(done.lease_until, None);
            // Done is done, also after the lease would have run out.
            assert_eq!(claim_at(db, now + chrono::Duration::minutes(2)), None);
            assert!(!db.write_blocking(|c| complete(c, &held, now)).unwrap());
            assert_eq!(
                claim_at(db, now + chrono::Duration::hours(2)).map(|c| c.id),
                Some(later)
            );
            // Done jobs are purged after a while; others are not.
            assert_eq!(
                db.write_blocking(|c| purge_done(c, now + chrono::Duration::seconds(1)))
                    .unwrap(),
                1
            );
            assert_eq!(job(db, id), None);
            assert!(job(db, later).is_some());
        }
    }

    #[test]
    fn a_failing_job_backs_off_and_is_given_up_after_its_attempts() {
        let backoff = Backoff {
            base: Duration::from_secs(10),
            max: Duration::from_secs(15),
        };
        for pair in pairs() {
            let db = &pair.a;
            let id = db.write_blocking(|c| enqueue(c, &Ping { n: 1 })).unwrap();
            let mut now = Utc::now();
            let first = claim_at(db, now).unwrap();
            let after = db
                .write_blocking(|c| fail(c, &first, "e1", false, &backoff, now))
                .unwrap();
            let AfterFailure::Retry(next) = after else {
                panic!("{after:?}")
            };
            assert_eq!(
                to_micros(next),
                to_micros(now + chrono::Duration::seconds(10))
            );
            let stored = job(db, id).unwrap();
            assert_eq!((stored.state, stored.attempts), (State::Pending, 1));
            assert_eq!(stored.last_error.as_deref(), Some("e1"));
            assert_eq!(
                claim_at(db, now + chrono::Duration::seconds(9)),
                None,
                "backing off"
            );

            now += chrono::Duration::seconds(10);
            let second = claim_at(db, now).unwrap();
            assert_eq!(second.attempt, 2);
            let after = db
                .write_blocking(|c| fail(c, &second, "e2", false, &backoff, now))
                .unwrap();
            assert_eq!(
                after,
                AfterFailure::Retry(from_micros(to_micros(now + chrono::Duration::seconds(15)))),
                "doubled, but no more than the most"
            );

            now += chrono::Duration::seconds(15);
            let third = claim_at(db, now).unwrap();
            assert_eq!((third.attempt, third.max_attempts), (3, 3));
            assert_eq!(
                db.write_blocking(|c| fail(c, &third, "e3", false, &backoff, now))
                    .unwrap(),
                AfterFailure::GaveUp
            );
            let failed = job(db, id).unwrap();
            assert_eq!((failed.state, failed.attempts), (State::Failed, 3));
            assert_eq!(failed.last_error.as_deref(), Some("e3"));
            assert_eq!(claim_at(db, now + chrono::Duration::days(1)), None);
            let listed = db.read_blocking(|c| list(c, State::Failed, 10)).unwrap();
            assert_eq!(listed.iter().map(|j| j.id).collect::<Vec<_>>(), vec![id]);

            // A permanent failure gives up at once.
            let id = db.write_blocking(|c| enqueue(c, &Ping { n: 2 })).unwrap();
            let held = claim_at(db, now).unwrap();
            assert_eq!(
                db.write_blocking(|c| fail(c, &held, "bad payload", true, &backoff, now))
                    .unwrap(),
                AfterFailure::GaveUp
            );
            assert_eq!(job(db, id).unwrap().state, State::Failed);
        }
    }

    #[test]
    fn a_job_whose_lease_expired_is_claimed_again() {
        for pair in pairs() {
            let (a, b) = (&pair.a, &pair.b);
            let id = a.write_blocking(|c| enqueue(c, &Ping { n: 1 })).unwrap();
            let now = Utc::now();
            let dead = claim_at(a, now).unwrap();
            // Worker A dies. Until its lease runs out, B waits.
            assert_eq!(claim_at(b, now + chrono::Duration::seconds(59)), None);
            let expired = now + chrono::Duration::seconds(60);
            let again = claim_at(b, expired).unwrap();
            assert_eq!((again.id, again.attempt), (id, 2));
            // A, come back to life, can no longer finish or fail it.
            assert!(!a.write_blocking(|c| complete(c, &dead, expired)).unwrap());
            assert_eq!(
                a.write_blocking(|c| fail(c, &dead, "late", false, &Backoff::default(), expired))
                    .unwrap(),
                AfterFailure::LeaseLost
            );
            assert!(b.write_blocking(|c| complete(c, &again, expired)).unwrap());
            assert_eq!(job(a, id).unwrap().state, State::Done);

            // A worker that dies on the last attempt: failed once the lease
            // runs out, and not claimed again.
            let id = a.write_blocking(|c| enqueue(c, &Ping { n: 2 })).unwrap();
            let mut t = expired;
            for attempt in 1..=3 {
                let held = claim_at(a, t).unwrap();
                assert_eq!(held.attempt, attempt);
                t += chrono::Duration::seconds(61);
            }
            assert_eq!(claim_at(b, t), None);
            assert_eq!(
                b.write_blocking(|c| give_up_abandoned(c, t - chrono::Duration::seconds(2)))
                    .unwrap(),
                0,
                "the lease still runs"
            );
            assert_eq!(b.write_blocking(|c| give_up_abandoned(c, t)).unwrap(), 1);
            let failed = job(b, id).unwrap();
            assert_eq!((failed.state, failed.attempts), (State::Failed, 3));
        }
    }

    /// Two processes claiming at once from one database: every job is
    /// claimed exactly once.
    #[test]
    fn two_handles_never_claim_the_same_job() {
        for pair in pairs() {
            let jobs = 60;
            let ids: Vec<JobId> = pair
                .a
                .write_blocking(|c| (0..jobs).map(|n| enqueue(c, &Ping { n })).collect())
                .unwrap();
            let now = Utc::now();
            let claims: Vec<Vec<JobId>> = std::thread::scope(|s| {
                let workers: Vec<_> = [&pair.a, &pair.b, &pair.a, &pair.b]
                    .into_iter()
                    .map(|db| {
                        s.spawn(move || {
                            let mut mine = Vec::new();
                            while let Some(job) = claim_at(db, now) {
                                mine.push(job.id);
                                assert!(db.write_blocking(|c| complete(c, &job, now)).unwrap());
                            }
                            mine
                        })
                    })
                    .collect();
                workers.into_iter().map(|w| w.join().unwrap()).collect()
            });
            let mut all: Vec<JobId> = claims.iter().flatten().copied().collect();
            all.sort();
            let mut expected = ids.clone();
            expected.sort();
            assert_eq!(
                all,
                expected,
                "each job once, none left: {:?}",
                pair.a.backend()
            );
            eprintln!(
                "{:?}: claims per worker {:?}",
                pair.a.backend(),
                claims.iter().map(Vec::len).collect::<Vec<_>>()
            );
        }
    }

    #[test]
    fn backoff_doubles_up_to_its_most() {
        let b = Backoff::default();
        assert_eq!(b.delay(1), Duration::from_secs(30));
        assert_eq!(b.delay(2), Duration::from_secs(60));
        assert_eq!(b.delay(4), Duration::from_secs(240));
        assert_eq!(b.delay(20), Duration::from_secs(6 * 60 * 60));
        assert_eq!(b.delay(i32::MAX), Duration::from_secs(6 * 60 * 60));
        assert_eq!(b.delay(0), Duration::from_secs(30));
    }
}
