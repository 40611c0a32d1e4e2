//! Delivery of a sent report of concern as the KS Fiks message (issue #13):
//! the `fiks_bekymringsmelding` outbox job through the file drop and
//! through HTTP against a real HTTP server started here (axum on a free
//! port of 127.0.0.1), with its retries: a 500 then a 200 is delivered
//! once, with the same idempotency key both times; a 400 is given up at
//! once and kept as failed; a timeout is retried. Both engines.
//!
//! The reports are written as rows here (status `sendt`, the message, the
//! child welfare service) with the job enqueued in the same transaction, as
//! the sending does; the sending itself is tested with the form.

use super::fiks_schema::rules;
use axum::http::{HeaderMap, StatusCode};
use diesel::prelude::*;
use laget_db::outbox::{self, Backoff, State};
use laget_db::reports::delivery;
use laget_db::schema::{reports, units};
use laget_db::{from_micros, to_micros};
use laget_domain::ids::{JobId, ReportId};
use laget_testkit::{TestApp, Who};
use laget_web::outbox::fiks::{
    DeliverReportJob, FileDrop, HttpConfig, HttpDelivery, MESSAGE_TYPE, Outgoing, ReportDelivery,
};
use laget_web::outbox::{Ran, Worker, WorkerConfig};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// A message as the sending stores it (valid against the schema).
fn message(report: ReportId) -> String {
    serde_json::json!({
        "kommunenummer": "9999",
        "kommunenavn": "Testbyen",
        "bydelsnummer": "00",
        "bydelsnavn": "",
        "offentligMelder": {
            "personnavn": "Test Ansatt",
            "rolle": "Pedagogisk leder",
            "telefonnummer": "99999999",
            "epost": "ansatt@test.example",
            "virksomhet": {"navn": "Testlia barnehage", "orgnr": "999000001",
                "adresse": {"adresselinje1": "Testvegen 1", "postnummer": "9999", "poststed": "Testbyen"}}
        },
        "offentligBarn": [{"fnr": "", "ufoedt": false, "personnavn": format!("Barn {report}"),
            "adresse": {"adresselinje1": "Testvegen 2"}, "orientert": false,
            "orientertGrunn": "For liten."}],
        "foresatte": [{"personnavn": "Mor Test", "orientert": true}],
        "melding": {"melding": "Bekymring.\nTo linjer.", "historie": "Siden høsten."},
        "sendingstidspunkt": "2026-12-07T16:04:01Z",
        "leveringskanal": "Fagsystem"
    })
    .to_string()
}

/// A report in `status` with its stored message and, when sent, its
/// delivery job (in one transaction, as the sending does).
async fn report(app: &TestApp, status: &'static str) -> (ReportId, Option<JobId>, String) {
    let id = ReportId::new();
    let json = message(id);
    let stored = json.clone();
    let m = app.fx.municipality.to_string();
    let reporter = app.fx.users[&Who::Ansatt].to_string();
    let unit = app.fx.unit.to_string();
    let job = app
        .db
        .write(move |c| {
            let cw: String = units::table
                .filter(units::kind.eq("barnevern"))
                .filter(units::host_municipality_id.eq(&m))
                .select(units::id)
                .first(c)?;
            let now = to_micros(chrono::Utc::now());
            diesel::insert_into(reports::table)
                .values((
                    reports::id.eq(id.to_string()),
                    reports::municipality_id.eq(&m),
                    reports::reporter_id.eq(&reporter),
                    reports::reporter_unit_id.eq(&unit),
                    reports::status.eq(status),
                    reports::draft.eq("{}"),
                    reports::message.eq(Some(stored)),
                    reports::child_welfare_unit_id.eq((status == "sendt").then_some(cw)),
                    reports::sent_at.eq((status == "sendt").then_some(now)),
                    reports::created_at.eq(now),
                    reports::updated_at.eq(now),
                ))
                .execute(c)?;
            Ok(if status == "sendt" {
                Some(delivery::enqueue(c, id)?)
            } else {
                None
            })
        })
        .await
        .unwrap();
    (id, job, json)
}

fn worker(app: &TestApp, adapter: Option<Arc<dyn ReportDelivery>>) -> Worker {
    Worker::new(
        app.state.clone(),
        WorkerConfig {
            lease: Duration::from_secs(30),
            poll: Duration::from_millis(20),
            backoff: Backoff {
                base: Duration::from_millis(10),
                max: Duration::from_millis(20),
            },
            ..WorkerConfig::default()
        },
    )
    .with_kind(DeliverReportJob::new(adapter))
}

/// Runs the worker until the job is finished (done or failed); what each
/// run came to.
async fn run_until_finished(w: &Worker, app: &TestApp, job: JobId) -> Vec<Ran> {
    let mut ran = Vec::new();
    for _ in 0..200 {
        if let Some(r) = w.run_one().await.unwrap() {
            ran.push(r);
        }
        let state = app
            .db
            .read(move |c| outbox::get(c, job))
            .await
            .unwrap()
            .unwrap()
            .state;
        if state != State::Pending {
            return ran;
        }
        tokio::time::sleep(Duration::from_millis(15)).await;
    }
    panic!("the job did not finish: {ran:?}");
}

async fn job_state(app: &TestApp, job: JobId) -> (State, Option<String>) {
    let j = app
        .db
        .read(move |c| outbox::get(c, job))
        .await
        .unwrap()
        .unwrap();
    (j.state, j.last_error)
}

async fn delivered(app: &TestApp, id: ReportId) -> (Option<String>, Option<i64>) {
    app.db
        .read(move |c| {
            Ok(reports::table
                .find(id.to_string())
                .select((reports::delivery_channel, reports::delivered_at))
                .first(c)?)
        })
        .await
        .unwrap()
}

fn temp_dir() -> std::path::PathBuf {
    std::env::temp_dir().join(format!("laget-fiks-{}", uuid::Uuid::now_v7().simple()))
}

fn files_in(dir: &std::path::Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

async fn through_the_file_drop(app: TestApp) {
    let dir = temp_dir().join("ut");
    let drop = Arc::new(FileDrop::new(dir.clone()));
    let w = worker(&app, Some(drop.clone()));
    let (id, job, json) = report(&app, "sendt").await;
    let job = job.unwrap();
    assert_eq!(run_until_finished(&w, &app, job).await, vec![Ran::Done]);
    assert_eq!(job_state(&app, job).await.0, State::Done);

    // The message exactly as stored, valid, beside its metadata; nothing
    // else (no temporary file left).
    let written = std::fs::read_to_string(dir.join(format!("{id}.json"))).unwrap();
    assert_eq!(written, json);
    assert_eq!(rules::check_text(&written), Vec::<String>::new());
    let meta: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.join(format!("{id}.meta.json"))).unwrap(),
    )
    .unwrap();
    assert_eq!(meta["meldingstype"], MESSAGE_TYPE);
    assert_eq!(
        meta["meldingstype"],
        "no.ks.fiks.bekymringsmelding.offentlig.v2"
    );
    assert_eq!(meta["meldingId"], id.to_string());
    assert_eq!(
        files_in(&dir),
        vec![format!("{id}.json"), format!("{id}.meta.json")]
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&dir), 0o700, "the drop holds personal data");
        assert_eq!(mode(&dir.join(format!("{id}.json"))), 0o600);
    }

    // Marked delivered, through the file drop.
    let (channel, at) = delivered(&app, id).await;
    assert_eq!(channel.as_deref(), Some("fil"));
    let at = at.unwrap();
    assert!((chrono::Utc::now() - from_micros(at)).num_seconds() < 60);

    // The same report again (a worker that died after writing): the same
    // files, replaced; a second job for a delivered report delivers
    // nothing and keeps the first time.
    std::fs::write(dir.join(format!("{id}.json")), "stale").unwrap();
    let receipt = drop
        .deliver(Outgoing {
            report: id,
            message_type: MESSAGE_TYPE,
            json: &json,
        })
        .await
        .unwrap();
    assert_eq!(receipt.channel, "fil");
    assert_eq!(
        std::fs::read_to_string(dir.join(format!("{id}.json"))).unwrap(),
        json
    );
    assert_eq!(files_in(&dir).len(), 2);
    std::fs::remove_file(dir.join(format!("{id}.json"))).unwrap();
    let again = app
        .db
        .write(move |c| delivery::enqueue(c, id))
        .await
        .unwrap();
    assert_eq!(run_until_finished(&w, &app, again).await, vec![Ran::Done]);
    assert!(
        !dir.join(format!("{id}.json")).exists(),
        "not delivered twice"
    );
    assert_eq!(delivered(&app, id).await.1, Some(at));

    // A report that is not sent is never delivered: the job is given up.
    let (draft, _, _) = report(&app, "utkast").await;
    let job = app
        .db
        .write(move |c| delivery::enqueue(c, draft))
        .await
        .unwrap();
    assert_eq!(run_until_finished(&w, &app, job).await, vec![Ran::GaveUp]);
    let (state, error) = job_state(&app, job).await;
    assert_eq!(state, State::Failed);
    assert!(error.unwrap_or_default().starts_with("not_sent"));
    assert!(!dir.join(format!("{draft}.json")).exists());
    let _ = std::fs::remove_dir_all(dir.parent().unwrap());
}
crate::on_every_backend!(
    a_sent_report_is_delivered_through_the_file_drop,
    through_the_file_drop
);

async fn without_an_adapter(app: TestApp) {
    let w = worker(&app, None);
    let (id, job, _) = report(&app, "sendt").await;
    assert_eq!(
        run_until_finished(&w, &app, job.unwrap()).await,
        vec![Ran::Done]
    );
    assert_eq!(
        delivered(&app, id).await,
        (None, None),
        "in Laget's inbox only"
    );
}
crate::on_every_backend!(
    without_an_adapter_the_report_stays_in_laget,
    without_an_adapter
);

/// What the test server received.
#[derive(Clone, Debug)]
struct Received {
    headers: HeaderMap,
    body: String,
}

/// An HTTP server on a free port answering POST /bekymring with the next
/// of `answers` (then 200), after `delay`.
async fn receiver(answers: Vec<u16>, delay: Duration) -> (String, Arc<Mutex<Vec<Received>>>) {
    let seen: Arc<Mutex<Vec<Received>>> = Arc::default();
    let queue = Arc::new(Mutex::new(answers));
    let (s, q) = (seen.clone(), queue.clone());
    let app = axum::Router::new().route(
        "/bekymring",
        axum::routing::post(move |headers: HeaderMap, body: String| {
            let (s, q) = (s.clone(), q.clone());
            async move {
                s.lock().unwrap().push(Received { headers, body });
                tokio::time::sleep(delay).await;
                let next = {
                    let mut q = q.lock().unwrap();
                    if q.is_empty() { 200 } else { q.remove(0) }
                };
                (StatusCode::from_u16(next).unwrap(), "svar fra mottakeren")
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (format!("http://{addr}/bekymring"), seen)
}

fn http(url: &str, timeout: Duration) -> Arc<dyn ReportDelivery> {
    Arc::new(
        HttpDelivery::new(HttpConfig {
            url: url.to_owned(),
            token: Some(laget_web::mail::Secret::new("test-token")),
            timeout,
        })
        .unwrap(),
    )
}

async fn through_http(app: TestApp) {
    // A 500, then a 200: retried, delivered once, the same key both times.
    let (url, seen) = receiver(vec![500], Duration::ZERO).await;
    let w = worker(&app, Some(http(&url, Duration::from_secs(10))));
    let (id, job, json) = report(&app, "sendt").await;
    let job = job.unwrap();
    assert_eq!(
        run_until_finished(&w, &app, job).await,
        vec![Ran::Retry, Ran::Done]
    );
    let got = seen.lock().unwrap().clone();
    assert_eq!(got.len(), 2);
    for r in &got {
        assert_eq!(r.body, json);
        assert_eq!(rules::check_text(&r.body), Vec::<String>::new());
        let h = |name: &str| {
            r.headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        assert_eq!(h("content-type").as_deref(), Some("application/json"));
        assert_eq!(h("x-fiks-meldingstype").as_deref(), Some(MESSAGE_TYPE));
        assert_eq!(h("idempotency-key"), Some(id.to_string()));
        assert_eq!(h("x-fiks-melding-id"), Some(id.to_string()));
        assert_eq!(h("authorization").as_deref(), Some("Bearer test-token"));
    }
    assert_eq!(delivered(&app, id).await.0.as_deref(), Some("http"));

    // A 400: permanent, given up at once, kept as failed, not delivered.
    let (url, seen) = receiver(vec![400], Duration::ZERO).await;
    let w = worker(&app, Some(http(&url, Duration::from_secs(10))));
    let (id, job, _) = report(&app, "sendt").await;
    let job = job.unwrap();
    assert_eq!(run_until_finished(&w, &app, job).await, vec![Ran::GaveUp]);
    let (state, error) = job_state(&app, job).await;
    assert_eq!(state, State::Failed);
    let error = error.unwrap_or_default();
    assert!(
        error.starts_with("http_status_refused: HTTP 400"),
        "{error}"
    );
    assert_eq!(seen.lock().unwrap().len(), 1);
    assert_eq!(delivered(&app, id).await, (None, None));

    // 503 and 429 are retried as well; a timeout too.
    let (url, seen) = receiver(vec![503, 429], Duration::ZERO).await;
    let w = worker(&app, Some(http(&url, Duration::from_secs(10))));
    let (id, job, _) = report(&app, "sendt").await;
    assert_eq!(
        run_until_finished(&w, &app, job.unwrap()).await,
        vec![Ran::Retry, Ran::Retry, Ran::Done]
    );
    assert_eq!(seen.lock().unwrap().len(), 3);
    assert_eq!(delivered(&app, id).await.0.as_deref(), Some("http"));

    let (url, _) = receiver(vec![], Duration::from_secs(3)).await;
    let w = worker(&app, Some(http(&url, Duration::from_millis(300))));
    let (id, job, _) = report(&app, "sendt").await;
    let job = job.unwrap();
    assert_eq!(w.run_one().await.unwrap(), Some(Ran::Retry));
    let (state, error) = job_state(&app, job).await;
    assert_eq!(state, State::Pending);
    assert!(error.unwrap_or_default().starts_with("http_timeout"));
    assert_eq!(delivered(&app, id).await, (None, None));

    // Nobody listening: transient as well.
    let w = worker(
        &app,
        Some(http("http://127.0.0.1:9/bekymring", Duration::from_secs(2))),
    );
    let (_, job, _) = report(&app, "sendt").await;
    let _ = run_until_finished_or(&w, &app, job.unwrap(), Ran::Retry).await;
}
crate::on_every_backend!(
    a_sent_report_is_delivered_over_http_with_retries,
    through_http
);

/// Runs until a run comes to `want` (for a job that would otherwise be
/// retried for a long time); asserts it did.
async fn run_until_finished_or(w: &Worker, app: &TestApp, job: JobId, want: Ran) -> Vec<Ran> {
    let mut ran = Vec::new();
    for _ in 0..50 {
        if let Some(r) = w.run_one().await.unwrap() {
            ran.push(r);
            if r == want {
                let (state, error) = job_state(app, job).await;
                assert_eq!(state, State::Pending);
                assert!(error.unwrap_or_default().starts_with("http_unreachable"));
                return ran;
            }
        }
        tokio::time::sleep(Duration::from_millis(15)).await;
    }
    panic!("never {want:?}: {ran:?}");
}

#[test]
fn which_answers_are_worth_another_attempt() {
    use laget_web::outbox::fiks::transient_status;
    for s in [500, 502, 503, 504, 408, 429] {
        assert!(transient_status(s), "{s}");
    }
    for s in [400, 401, 403, 404, 409, 413, 422, 301, 302] {
        assert!(!transient_status(s), "{s}");
    }
}
