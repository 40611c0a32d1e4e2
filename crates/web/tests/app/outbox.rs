//! The outbox's worker (`laget_web::outbox`) on both engines, with a job
//! kind defined here: Laget has no real kind yet. A job enqueued in a
//! transaction that rolls back never runs; a committed one runs exactly once;
//! a failing one is retried after a growing wait and given up; two workers
//! on two handles of one database never run a job twice; a job whose worker
//! died is run once its lease has expired; the worker stops gracefully.

use laget_db::outbox::{self, Backoff, Payload, State};
use laget_db::{Db, DbError};
use laget_testkit::Backend;
use laget_web::outbox::{JobContext, JobError, JobKind, Ran, Worker, WorkerConfig};
use laget_web::{AppState, WebConfig};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

#[derive(serde::Serialize, serde::Deserialize)]
struct Count {
    n: u32,
}

impl Payload for Count {
    const KIND: &'static str = "test_count";
    const MAX_ATTEMPTS: i32 = 3;
}

/// Counts its runs per job; fails while `failing`, and takes `pause` to run.
#[derive(Clone, Default)]
struct Counter {
    runs: Arc<Mutex<HashMap<u32, u32>>>,
    failing: bool,
    pause: Duration,
    started: Arc<tokio::sync::Notify>,
}

impl Counter {
    fn runs(&self, n: u32) -> u32 {
        self.runs.lock().unwrap().get(&n).copied().unwrap_or(0)
    }
}

impl JobKind for Counter {
    type Payload = Count;
    async fn run(&self, _ctx: &JobContext, job: Count) -> Result<(), JobError> {
        *self.runs.lock().unwrap().entry(job.n).or_default() += 1;
        self.started.notify_one();
        tokio::time::sleep(self.pause).await;
        if self.failing {
            return Err(JobError::transient("test_failure", "failing on purpose"));
        }
        Ok(())
    }
}

/// Two handles on one fresh database (two Laget processes); the guard
/// removes it.
struct Pair {
    a: Db,
    b: Db,
    _cleanup: laget_testkit::Cleanup,
}

fn pair(backend: &Backend) -> Pair {
    let (a, b, cleanup) = laget_testkit::fresh_db_pair(backend);
    Pair {
        a,
        b,
        _cleanup: cleanup,
    }
}

fn worker(db: &Db, kind: Counter, config: WorkerConfig) -> Worker {
    let state = AppState::new(db.clone(), WebConfig::default()).unwrap();
    Worker::new(state, config).with_kind(kind)
}

fn quick() -> WorkerConfig {
    WorkerConfig {
        lease: Duration::from_secs(30),
        poll: Duration::from_millis(20),
        backoff: Backoff {
            base: Duration::from_millis(300),
            max: Duration::from_millis(600),
        },
        ..WorkerConfig::default()
    }
}

async fn job(db: &Db, id: laget_domain::ids::JobId) -> Option<outbox::Job> {
    db.read(move |c| outbox::get(c, id)).await.unwrap()
}

async fn enqueue(db: &Db, n: u32) -> laget_domain::ids::JobId {
    db.write(move |c| outbox::enqueue(c, &Count { n }))
        .await
        .unwrap()
}

/// A stop signal that never comes.
fn running() -> tokio::sync::watch::Receiver<bool> {
    tokio::sync::watch::channel(false).1
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_committed_job_runs_exactly_once_and_a_rolled_back_one_never() {
    for backend in laget_testkit::backends() {
        let p = pair(&backend);
        let kind = Counter::default();
        let w = worker(&p.a, kind.clone(), quick());
        // The change fails after enqueueing: neither it nor the job exist.
        let outcome =
            p.a.write(|c| {
                outbox::enqueue(c, &Count { n: 1 })?;
                Err::<(), _>(DbError::Conflict)
            })
            .await;
        assert!(matches!(outcome, Err(DbError::Conflict)));
        let id = enqueue(&p.a, 2).await;
        assert_eq!(w.run_due(&running()).await.unwrap(), 1, "{backend:?}");
        assert_eq!(w.run_due(&running()).await.unwrap(), 0);
        assert_eq!((kind.runs(1), kind.runs(2)), (0, 1), "{backend:?}");
        let done = job(&p.a, id).await.unwrap();
        assert_eq!((done.state, done.attempts), (State::Done, 1));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_job_is_retried_after_a_growing_wait_and_given_up() {
    for backend in laget_testkit::backends() {
        let p = pair(&backend);
        let kind = Counter {
            failing: true,
            ..Counter::default()
        };
        let w = worker(&p.a, kind.clone(), quick());
        let id = enqueue(&p.a, 7).await;
        let start = std::time::Instant::now();
        assert_eq!(w.run_one().await.unwrap(), Some(Ran::Retry));
        assert_eq!(w.run_one().await.unwrap(), None, "backing off");
        let first = job(&p.a, id).await.unwrap();
        assert_eq!((first.state, first.attempts), (State::Pending, 1));
        assert_eq!(
            first.last_error.as_deref(),
            Some("test_failure: failing on purpose")
        );
        let wait = (first.due_at - chrono::Utc::now()).num_milliseconds();
        assert!((100..=300).contains(&wait), "{wait} ms");

        tokio::time::sleep(Duration::from_millis(320)).await;
        assert_eq!(w.run_one().await.unwrap(), Some(Ran::Retry));
        let second = job(&p.a, id).await.unwrap();
        let wait = (second.due_at - chrono::Utc::now()).num_milliseconds();
        assert!((400..=600).contains(&wait), "doubled: {wait} ms");
        tokio::time::sleep(Duration::from_millis(320)).await;
        assert_eq!(w.run_one().await.unwrap(), None, "still backing off");

        tokio::time::sleep(Duration::from_millis(300)).await;
        assert_eq!(w.run_one().await.unwrap(), Some(Ran::GaveUp));
        assert!(start.elapsed() >= Duration::from_millis(900));
        tokio::time::sleep(Duration::from_millis(700)).await;
        assert_eq!(w.run_one().await.unwrap(), None, "given up for good");
        assert_eq!(kind.runs(7), 3);
        let failed = job(&p.a, id).await.unwrap();
        assert_eq!((failed.state, failed.attempts), (State::Failed, 3));
        let listed =
            p.a.read(|c| outbox::list(c, State::Failed, 10))
                .await
                .unwrap();
        assert_eq!(listed.len(), 1, "kept for the operator");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_workers_on_one_database_never_run_a_job_twice() {
    for backend in laget_testkit::backends() {
        let p = pair(&backend);
        let kind = Counter {
            pause: Duration::from_millis(2),
            ..Counter::default()
        };
        let jobs = 40;
        p.a.write(move |c| {
            for n in 0..jobs {
                outbox::enqueue(c, &Count { n })?;
            }
            Ok(())
        })
        .await
        .unwrap();
        let workers = [
            worker(&p.a, kind.clone(), quick()),
            worker(&p.b, kind.clone(), quick()),
            worker(&p.a, kind.clone(), quick()),
            worker(&p.b, kind.clone(), quick()),
        ];
        let tasks: Vec<_> = workers
            .into_iter()
            .map(|w| tokio::spawn(async move { w.run_due(&running()).await.unwrap() }))
            .collect();
        let mut ran = Vec::new();
        for t in tasks {
            ran.push(t.await.unwrap());
        }
        assert_eq!(ran.iter().sum::<usize>(), jobs as usize, "{ran:?}");
        for n in 0..jobs {
            assert_eq!(kind.runs(n), 1, "job {n} on {backend:?} ({ran:?})");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_job_whose_worker_died_runs_once_its_lease_expires() {
    for backend in laget_testkit::backends() {
        let p = pair(&backend);
        let kind = Counter::default();
        let w = worker(&p.b, kind.clone(), quick());
        let id = enqueue(&p.a, 3).await;
        // A worker on the other handle claims it for 300 ms and dies.
        let dead =
            p.a.write(|c| {
                outbox::claim(
                    c,
                    &[Count::KIND],
                    chrono::Utc::now(),
                    Duration::from_millis(300),
                )
            })
            .await
            .unwrap()
            .unwrap();
        assert_eq!(dead.id, id);
        assert_eq!(w.run_one().await.unwrap(), None, "the lease still holds");
        assert_eq!(kind.runs(3), 0);
        tokio::time::sleep(Duration::from_millis(350)).await;
        assert_eq!(w.run_one().await.unwrap(), Some(Ran::Done));
        assert_eq!(kind.runs(3), 1);
        let done = job(&p.a, id).await.unwrap();
        assert_eq!((done.state, done.attempts), (State::Done, 2));
    }
}

/// Asked to stop while a job runs, the worker finishes and records it, then
/// returns.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_worker_finishes_its_job_and_stops_when_asked() {
    for backend in laget_testkit::backends() {
        let p = pair(&backend);
        let kind = Counter {
            pause: Duration::from_millis(300),
            ..Counter::default()
        };
        let (stop, stopped) = tokio::sync::watch::channel(false);
        let task = tokio::spawn(worker(&p.a, kind.clone(), quick()).run(stopped));
        let id = enqueue(&p.a, 5).await;
        tokio::time::timeout(Duration::from_secs(5), kind.started.notified())
            .await
            .expect("the worker picks the job up");
        stop.send(true).unwrap();
        tokio::time::timeout(Duration::from_secs(5), task)
            .await
            .expect("the worker stops")
            .unwrap();
        assert_eq!(job(&p.a, id).await.unwrap().state, State::Done);
        assert_eq!(kind.runs(5), 1);
    }
}
