//! The outbox's worker and its job kinds, one file per kind beside this one.
//!
//! A change enqueues its job with `laget_db::outbox::enqueue` inside its own
//! transaction (see that module for the table, the leases and the retries).
//! This worker, started by `laget serve`, claims due jobs one at a time and
//! runs each with the handler of its kind.
//!
//! **Why here, in the web crate.** Running a job needs more than the
//! database: an e-mail or a calendar invitation is rendered from the same
//! message catalogue and templates as the pages, in the recipient's written
//! standard, and links back to pages this crate routes; the SMTP, calendar
//! and KS Fiks clients the next issues bring are configured with the rest of
//! the server ([`crate::AppState`]). `laget_domain` has no I/O and
//! `laget_db` knows no HTTP or texts, so neither can run them; the CLI only
//! starts and stops the worker. A job's payload type is a
//! [`laget_db::outbox::Payload`], so that `laget_db` code can enqueue it in
//! the transaction of the change.
//!
//! **Kinds.** Each is a file here (the payload type, holding ids, and a
//! [`JobKind`]) and a line in [`Worker::for_app`]:
//! - [`mail`]: `send_mail`, one e-mail about a meeting (with its calendar
//!   invitation), queued by `laget_db::meetings::mail::enqueue`.
//!
//! - [`fiks`]: `fiks_bekymringsmelding`, one report of concern as the KS
//!   Fiks message through the configured delivery adapter, queued by
//!   `laget_db::reports::delivery::enqueue` when the report is sent.
//!
//! The access-log checkpoint and housekeeping are timers, not consequences
//! of a change, so they are not kinds.
//!
//! **Logs.** Job payloads and error details may name people; the worker
//! logs a job's id, kind, attempt and error code only. The detail goes to
//! the job's row for the operator.

pub mod fiks;
pub mod mail;

use crate::AppState;
use laget_db::DbError;
use laget_db::outbox::{self, AfterFailure, Backoff, Claimed, Payload};
use laget_domain::ids::JobId;
use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

/// How a job ran, when it did not succeed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JobError {
    /// A short, fixed code for the logs (`smtp_unavailable`); never data.
    pub code: &'static str,
    /// For the operator, stored with the job (may name the failing address).
    pub detail: String,
    /// Whether trying again cannot help (the recipient does not exist):
    /// the job is given up at once.
    pub permanent: bool,
}

impl JobError {
    /// A failure worth another attempt later.
    pub fn transient(code: &'static str, detail: impl Into<String>) -> Self {
        Self {
            code,
            detail: detail.into(),
            permanent: false,
        }
    }

    /// A failure no later attempt can mend.
    pub fn permanent(code: &'static str, detail: impl Into<String>) -> Self {
        Self {
            code,
            detail: detail.into(),
            permanent: true,
        }
    }
}

/// What a job's handler is given besides its payload.
#[derive(Clone)]
pub struct JobContext {
    pub state: AppState,
    pub job: JobId,
    /// 1 on the first attempt.
    pub attempt: i32,
}

/// One kind of job: its payload and how to run it. Running it twice must do
/// no harm (delivery is at least once): a message sent out carries an id
/// made from [`JobContext::job`].
pub trait JobKind: Send + Sync + 'static {
    type Payload: Payload;
    fn run(
        &self,
        ctx: &JobContext,
        payload: Self::Payload,
    ) -> impl Future<Output = Result<(), JobError>> + Send;

    /// Called once the worker has given the job up — its last attempt
    /// failed, or the failure was permanent — after that is recorded: a kind
    /// that keeps a status of its own (an e-mail's «feilet») sets it here.
    /// Not called for a job given up because its worker died during the
    /// last attempt (`outbox::give_up_abandoned`); such a kind also reads
    /// its job's state.
    fn gave_up(
        &self,
        _ctx: &JobContext,
        _payload: Self::Payload,
        _error: &JobError,
    ) -> impl Future<Output = ()> + Send {
        async {}
    }
}

type Running<'a> = Pin<Box<dyn Future<Output = Result<(), JobError>> + Send + 'a>>;

/// A [`JobKind`] behind its payload's JSON, so that kinds of different
/// payloads share one table.
trait Handler: Send + Sync {
    fn run<'a>(&'a self, ctx: &'a JobContext, payload: &'a str) -> Running<'a>;
    fn gave_up<'a>(
        &'a self,
        ctx: &'a JobContext,
        payload: &'a str,
        error: &'a JobError,
    ) -> Pin<Box<dyn Future<Output = ()> + Send + 'a>>;
}

struct Typed<K>(K);

impl<K: JobKind> Handler for Typed<K> {
    fn run<'a>(&'a self, ctx: &'a JobContext, payload: &'a str) -> Running<'a> {
        Box::pin(async move {
            let payload: K::Payload = serde_json::from_str(payload).map_err(|e| {
                JobError::permanent("unreadable_payload", format!("the payload: {e}"))
            })?;
            self.0.run(ctx, payload).await
        })
    }

    fn gave_up<'a>(
        &'a self,
        ctx: &'a JobContext,
        payload: &'a str,
        error: &'a JobError,
    ) -> Pin<Box<dyn Future<Output = ()> + Send + 'a>> {
        Box::pin(async move {
            // A payload that cannot be read was given up for that reason;
            // there is nothing to tell its kind.
            if let Ok(payload) = serde_json::from_str::<K::Payload>(payload) {
                self.0.gave_up(ctx, payload, error).await;
            }
        })
    }
}

/// The worker's timing.
#[derive(Clone, Copy, Debug)]
pub struct WorkerConfig {
    /// How long a claimed job is the worker's alone. A run is cut off
    /// before its lease ends, so that another worker never takes a job that
    /// still runs.
    pub lease: Duration,
    /// How long to wait before looking again when nothing was due.
    pub poll: Duration,
    pub backoff: Backoff,
    /// Done jobs are deleted after this long.
    pub keep_done: Duration,
}

impl Default for WorkerConfig {
    fn default() -> Self {
        Self {
            lease: Duration::from_secs(5 * 60),
            poll: Duration::from_secs(5),
            backoff: Backoff::default(),
            keep_done: Duration::from_secs(30 * 24 * 60 * 60),
        }
    }
}

/// What one claimed job came to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ran {
    Done,
    Retry,
    GaveUp,
    /// The run outlived its lease and another worker holds the job.
    LeaseLost,
}

/// Claims due jobs of the kinds it knows and runs them.
#[derive(Clone)]
pub struct Worker {
    state: AppState,
    kinds: HashMap<&'static str, Arc<dyn Handler>>,
    config: WorkerConfig,
}

impl Worker {
    /// A worker that knows no kind yet.
    pub fn new(state: AppState, config: WorkerConfig) -> Self {
        Self {
            state,
            kinds: HashMap::new(),
            config,
        }
    }

    /// The worker `laget serve` runs: every kind Laget has (see the
    /// module's documentation).
    pub fn for_app(state: AppState, config: WorkerConfig) -> Self {
        let fiks = fiks::DeliverReportJob::new(state.reports.clone());
        Self::new(state, config)
            .with_kind(mail::SendMailJob)
            .with_kind(fiks)
    }

    /// This worker, also running jobs of `kind`.
    #[must_use]
    pub fn with_kind<K: JobKind>(mut self, kind: K) -> Self {
        self.kinds
            .insert(<K::Payload as Payload>::KIND, Arc::new(Typed(kind)));
        self
    }

    /// Claims one due job and runs it; `None` when nothing was due.
    pub async fn run_one(&self) -> Result<Option<Ran>, DbError> {
        if self.kinds.is_empty() {
            return Ok(None);
        }
        let kinds: Vec<&'static str> = self.kinds.keys().copied().collect();
        let lease = self.config.lease;
        let claimed = self
            .state
            .db
            .write(move |c| outbox::claim(c, &kinds, chrono::Utc::now(), lease))
            .await?;
        let Some(job) = claimed else {
            return Ok(None);
        };
        let outcome = self.run_claimed(&job).await;
        self.record(job, outcome).await.map(Some)
    }

    async fn run_claimed(&self, job: &Claimed) -> Result<(), JobError> {
        let Some(handler) = self.kinds.get(job.kind.as_str()) else {
            return Err(JobError::transient(
                "no_handler",
                "no handler for this kind",
            ));
        };
        let ctx = JobContext {
            state: self.state.clone(),
            job: job.id,
            attempt: job.attempt,
        };
        // Cut off before the lease ends (a tenth of it, at most a minute,
        // left to record the outcome).
        let margin = (self.config.lease / 10).min(Duration::from_secs(60));
        let limit = self.config.lease.saturating_sub(margin);
        match tokio::time::timeout(limit, handler.run(&ctx, &job.payload)).await {
            Ok(outcome) => outcome,
            Err(_) => Err(JobError::transient(
                "timed_out",
                format!("still running after {} s", limit.as_secs()),
            )),
        }
    }

    async fn record(&self, job: Claimed, outcome: Result<(), JobError>) -> Result<Ran, DbError> {
        let backoff = self.config.backoff;
        let (id, kind, attempt) = (job.id, job.kind.clone(), job.attempt);
        let ran = match outcome {
            Ok(()) => {
                let held = self
                    .state
                    .db
                    .write(move |c| outbox::complete(c, &job, chrono::Utc::now()))
                    .await?;
                if held { Ran::Done } else { Ran::LeaseLost }
            }
            Err(error) => {
                let code = error.code;
                let stored = format!("{}: {}", error.code, error.detail);
                let payload = job.payload.clone();
                let permanent = error.permanent;
                let after = self
                    .state
                    .db
                    .write(move |c| {
                        outbox::fail(c, &job, &stored, permanent, &backoff, chrono::Utc::now())
                    })
                    .await?;
                match after {
                    AfterFailure::Retry(next) => {
                        tracing::warn!(job = %id, kind, attempt, error = code, retry_at = %next, "outbox job failed");
                        Ran::Retry
                    }
                    AfterFailure::GaveUp => {
                        tracing::error!(job = %id, kind, attempt, error = code, "outbox job given up");
                        if let Some(handler) = self.kinds.get(kind.as_str()) {
                            let ctx = JobContext {
                                state: self.state.clone(),
                                job: id,
                                attempt,
                            };
                            handler.gave_up(&ctx, &payload, &error).await;
                        }
                        Ran::GaveUp
                    }
                    AfterFailure::LeaseLost => Ran::LeaseLost,
                }
            }
        };
        if ran == Ran::LeaseLost {
            tracing::warn!(job = %id, kind, attempt, "outbox job outlived its lease");
        }
        Ok(ran)
    }

    /// Runs due jobs until none is due or `stop` says so; returns how many
    /// ran.
    pub async fn run_due(
        &self,
        stop: &tokio::sync::watch::Receiver<bool>,
    ) -> Result<usize, DbError> {
        let mut ran = 0;
        while !*stop.borrow() {
            match self.run_one().await? {
                Some(_) => ran += 1,
                None => break,
            }
        }
        Ok(ran)
    }

    /// Runs until `stop` turns `true` (or its sender is dropped): a job
    /// that has started is finished and recorded first. Jobs whose worker
    /// died on their last attempt are marked failed, and old done jobs are
    /// deleted, once an hour.
    pub async fn run(self, mut stop: tokio::sync::watch::Receiver<bool>) {
        if self.kinds.is_empty() {
            tracing::info!("outbox worker: no job kinds yet, idle");
        }
        let mut tidied: Option<tokio::time::Instant> = None;
        loop {
            if *stop.borrow() {
                break;
            }
            if !self.kinds.is_empty()
                && tidied.is_none_or(|t| t.elapsed() >= Duration::from_secs(60 * 60))
            {
                tidied = Some(tokio::time::Instant::now());
                self.tidy().await;
            }
            if let Err(e) = self.run_due(&stop).await {
                tracing::error!(error = %e, "outbox worker: database error");
            }
            tokio::select! {
                () = tokio::time::sleep(self.config.poll) => {}
                changed = stop.changed() => {
                    if changed.is_err() {
                        break;
                    }
                }
            }
        }
        tracing::info!("outbox worker stopped");
    }

    async fn tidy(&self) {
        let keep = chrono::Duration::from_std(self.config.keep_done).unwrap_or_default();
        let outcome = self
            .state
            .db
            .write(move |c| {
                let now = chrono::Utc::now();
                Ok((
                    outbox::give_up_abandoned(c, now)?,
                    outbox::purge_done(c, now - keep)?,
                ))
            })
            .await;
        match outcome {
            Ok((abandoned, purged)) => {
                if abandoned > 0 {
                    tracing::error!(
                        jobs = abandoned,
                        "outbox jobs given up: the worker stopped during their last attempt"
                    );
                }
                tracing::debug!(jobs = purged, "done outbox jobs deleted");
            }
            Err(e) => tracing::error!(error = %e, "outbox worker: tidying failed"),
        }
    }
}
