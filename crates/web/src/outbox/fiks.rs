//! The `fiks_bekymringsmelding` job: hands a sent report's KS Fiks message
//! («offentlig bekymringsmelding» v2, [`MESSAGE_TYPE`]) to the configured
//! delivery adapter, and records the channel and the time on the report.
//!
//! - **Adapters.** [`ReportDelivery`] is what a way of delivering does:
//!   take the report's id, the message type and the JSON, and answer with a
//!   [`Receipt`] or a [`DeliveryError`] that says whether trying again can
//!   help. Two exist: [`FileDrop`] (`<dir>/<report id>.json`, written
//!   atomically, with `<report id>.meta.json` beside it) and [`HttpDelivery`]
//!   (a POST to a configured URL). A Fiks IO client is a third
//!   implementation and a variant of [`DeliveryConfig`]; nothing else
//!   changes (docs/REPORTS.md).
//! - **At least once.** The outbox may run a job twice (a worker that died
//!   after delivering). The message's id is the report's id: the file drop
//!   writes the same file again, and the HTTP receiver gets the same
//!   `Idempotency-Key`, so a repeat can be dropped. A report already marked
//!   delivered is not delivered again.
//! - **Outcomes.** Delivered: `reports.delivered_at` and `delivery_channel`
//!   (`fil`, `http`). No adapter (`delivery = "ingen"`): the job is done and
//!   the report is in child welfare's inbox in Laget only. A transient
//!   failure (the directory cannot be written, a timeout, an HTTP 5xx, 408
//!   or 429) is retried by the outbox with its backoff, up to
//!   [`MAX_ATTEMPTS`](laget_db::outbox::Payload::MAX_ATTEMPTS) times (about
//!   two and a half days); a permanent one (another 4xx, a redirect) is
//!   given up at once and kept for the operator (`laget outbox failed`).
//! - **Logs.** The report's id, the job's id, kind, attempt and an error
//!   code; never the message or a receiver's answer (which may quote it).

use super::{JobContext, JobError, JobKind};
use chrono::Utc;
use laget_db::DbError;
use laget_db::reports::delivery::{self, DeliverReport};
use laget_domain::access::ReportCourier;
use laget_domain::ids::ReportId;
pub use laget_domain::reports::fiks::MESSAGE_TYPE;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

/// How sent reports leave Laget as KS Fiks messages (section `[reports]`).
#[derive(Clone, Debug, Default)]
pub enum DeliveryConfig {
    /// `delivery = "ingen"`: only into child welfare's inbox in Laget.
    #[default]
    Off,
    /// `delivery = "fil"`: files in a directory that the child welfare
    /// service's case system (or a Fiks IO sender) picks up.
    FileDrop { dir: PathBuf },
    /// `delivery = "http"`: a POST to an endpoint of the receiver.
    Http(HttpConfig),
}

/// The HTTP adapter's settings.
#[derive(Clone, Debug)]
pub struct HttpConfig {
    /// `https://…` (plain http only to this machine; checked by the CLI).
    pub url: String,
    /// Sent as `Authorization: Bearer …` when set; never printed.
    pub token: Option<crate::mail::Secret>,
    pub timeout: Duration,
}

/// What a delivery came to, when it succeeded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Receipt {
    /// Stored in `reports.delivery_channel`: `fil`, `http`.
    pub channel: &'static str,
}

/// Why a delivery failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeliveryError {
    /// A short, fixed code for the logs (`http_status_5xx`); never data.
    pub code: &'static str,
    /// For the operator, stored with the job (may quote the receiver).
    pub detail: String,
    /// Whether trying again cannot help.
    pub permanent: bool,
}

impl DeliveryError {
    pub fn transient(code: &'static str, detail: impl Into<String>) -> Self {
        Self {
            code,
            detail: detail.into(),
            permanent: false,
        }
    }
    pub fn permanent(code: &'static str, detail: impl Into<String>) -> Self {
        Self {
            code,
            detail: detail.into(),
            permanent: true,
        }
    }
}

impl From<DeliveryError> for JobError {
    fn from(e: DeliveryError) -> Self {
        Self {
            code: e.code,
            detail: e.detail,
            permanent: e.permanent,
        }
    }
}

/// One message to deliver.
#[derive(Clone, Copy, Debug)]
pub struct Outgoing<'a> {
    /// The report's id, which is also the message's id and the idempotency
    /// key: a receiver drops a second message with the same id.
    pub report: ReportId,
    /// The Fiks IO message type ([`MESSAGE_TYPE`]).
    pub message_type: &'a str,
    /// The message, JSON, as stored when the report was sent.
    pub json: &'a str,
}

/// A future a [`ReportDelivery`] returns.
pub type Delivering<'a> = Pin<Box<dyn Future<Output = Result<Receipt, DeliveryError>> + Send + 'a>>;

/// A way of delivering a report's message to the child welfare service.
/// Delivering the same report twice must do no harm: the receiver can tell
/// by the report's id.
pub trait ReportDelivery: Send + Sync + 'static {
    fn deliver<'a>(&'a self, message: Outgoing<'a>) -> Delivering<'a>;
}

/// The adapter `config` asks for; `None` for [`DeliveryConfig::Off`].
pub fn adapter(config: &DeliveryConfig) -> Result<Option<Arc<dyn ReportDelivery>>, String> {
    Ok(match config {
        DeliveryConfig::Off => None,
        DeliveryConfig::FileDrop { dir } => Some(Arc::new(FileDrop::new(dir.clone()))),
        DeliveryConfig::Http(http) => Some(Arc::new(HttpDelivery::new(http.clone())?)),
    })
}

/// The file drop: `<dir>/<report id>.json` (the message, exactly as
/// stored) and `<dir>/<report id>.meta.json` (`meldingstype`, `meldingId`),
/// the metadata first. Each is written to a temporary file in the same
/// directory and renamed into place, so a reader never sees half a file;
/// the same report again replaces the same files. The directory is made if
/// missing (mode 0700: the files hold personal data; the files 0600).
#[derive(Clone, Debug)]
pub struct FileDrop {
    dir: PathBuf,
}

impl FileDrop {
    pub fn new(dir: PathBuf) -> Self {
        Self { dir }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The message's file for `report`.
    pub fn message_path(&self, report: ReportId) -> PathBuf {
        self.dir.join(format!("{report}.json"))
    }

    /// The metadata's file for `report`.
    pub fn meta_path(&self, report: ReportId) -> PathBuf {
        self.dir.join(format!("{report}.meta.json"))
    }

    fn write(&self, report: ReportId, message_type: &str, json: &str) -> std::io::Result<()> {
        make_private_dir(&self.dir)?;
        let meta = serde_json::json!({
            "meldingstype": message_type,
            "meldingId": report.to_string(),
            "melding": format!("{report}.json"),
        });
        write_atomically(&self.meta_path(report), meta.to_string().as_bytes())?;
        write_atomically(&self.message_path(report), json.as_bytes())?;
        sync_dir(&self.dir);
        Ok(())
    }
}

impl ReportDelivery for FileDrop {
    fn deliver<'a>(&'a self, message: Outgoing<'a>) -> Delivering<'a> {
        let this = self.clone();
        let (report, message_type, json) = (
            message.report,
            message.message_type.to_owned(),
            message.json.to_owned(),
        );
        Box::pin(async move {
            let written =
                tokio::task::spawn_blocking(move || this.write(report, &message_type, &json)).await;
            match written {
                Ok(Ok(())) => Ok(Receipt { channel: "fil" }),
                // The directory may be mended (space freed, rights given):
                // worth another attempt.
                Ok(Err(e)) => Err(DeliveryError::transient(
                    "file_drop_failed",
                    format!("writing to the drop directory: {e}"),
                )),
                Err(e) => Err(DeliveryError::transient(
                    "file_drop_failed",
                    format!("the writing task: {e}"),
                )),
            }
        })
    }
}

fn make_private_dir(dir: &Path) -> std::io::Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir)
}

/// Writes `bytes` to a temporary file beside `path`, flushes it to disk and
/// renames it to `path` (atomic on one file system).
fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.{}.tmp", uuid::Uuid::now_v7().simple()));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let outcome = (|| {
        let mut file = options.open(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if outcome.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    outcome
}

/// Makes the renames durable where the platform allows (best effort).
fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

/// The HTTP adapter: `POST {url}` with the message as the body
/// (`Content-Type: application/json`) and the headers
/// `X-Fiks-Meldingstype` (the message type), `X-Fiks-Melding-Id` and
/// `Idempotency-Key` (both the report's id), and `Authorization: Bearer`
/// when a token is set. A 2xx answer is a delivery; 5xx, 408, 429, a
/// timeout or a connection that fails are transient; any other answer
/// (4xx, a redirect) is permanent: the message or the configuration must
/// be mended. Redirects are not followed.
#[derive(Clone, Debug)]
pub struct HttpDelivery {
    config: HttpConfig,
    client: reqwest::Client,
}

impl HttpDelivery {
    pub fn new(config: HttpConfig) -> Result<Self, String> {
        let client = reqwest::Client::builder()
            .timeout(config.timeout)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| format!("reports.url: the HTTP client: {e}"))?;
        Ok(Self { config, client })
    }
}

/// Whether a receiver's answer is worth another attempt.
pub fn transient_status(status: u16) -> bool {
    status >= 500 || status == 408 || status == 429
}

impl ReportDelivery for HttpDelivery {
    fn deliver<'a>(&'a self, message: Outgoing<'a>) -> Delivering<'a> {
        Box::pin(async move {
            let id = message.report.to_string();
            let mut request = self
                .client
                .post(&self.config.url)
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .header("X-Fiks-Meldingstype", message.message_type)
                .header("X-Fiks-Melding-Id", &id)
                .header("Idempotency-Key", &id)
                .body(message.json.to_owned());
            if let Some(token) = &self.config.token {
                request = request.bearer_auth(token.expose());
            }
            let response = match request.send().await {
                Ok(r) => r,
                Err(e) if e.is_timeout() => {
                    return Err(DeliveryError::transient(
                        "http_timeout",
                        format!("no answer within {} s", self.config.timeout.as_secs()),
                    ));
                }
                Err(e) => {
                    return Err(DeliveryError::transient(
                        "http_unreachable",
                        format!("the receiver: {e}"),
                    ));
                }
            };
            let status = response.status().as_u16();
            if response.status().is_success() {
                return Ok(Receipt { channel: "http" });
            }
            // The answer's start, for the operator (it may quote the message,
            // so it goes to the job's row only).
            let body = response.text().await.unwrap_or_default();
            let detail = format!(
                "HTTP {status}: {}",
                body.chars().take(500).collect::<String>()
            );
            if transient_status(status) {
                Err(DeliveryError::transient("http_status_transient", detail))
            } else {
                Err(DeliveryError::permanent("http_status_refused", detail))
            }
        })
    }
}

/// Delivers the message of a [`DeliverReport`] job through an adapter.
#[derive(Clone)]
pub struct DeliverReportJob {
    adapter: Option<Arc<dyn ReportDelivery>>,
}

impl DeliverReportJob {
    /// The job with `adapter` (`None`: no delivery outside Laget).
    pub fn new(adapter: Option<Arc<dyn ReportDelivery>>) -> Self {
        Self { adapter }
    }
}

fn database(e: DbError) -> JobError {
    JobError::transient("database", e.to_string())
}

impl JobKind for DeliverReportJob {
    type Payload = DeliverReport;

    async fn run(&self, ctx: &JobContext, job: DeliverReport) -> Result<(), JobError> {
        let report = job.report;
        let facts = ctx
            .state
            .db
            .read(move |c| laget_db::lookup::report_facts(c, report))
            .await;
        let facts = match facts {
            Ok(f) => f,
            Err(DbError::NotFound) => {
                return Err(JobError::permanent(
                    "no_report",
                    format!("no report {report}"),
                ));
            }
            Err(e) => return Err(database(e)),
        };
        let courier = ReportCourier::for_sent(&facts)
            .map_err(|_| JobError::permanent("not_sent", format!("report {report} is not sent")))?;
        let c = courier.clone();
        let stored = ctx
            .state
            .db
            .read(move |conn| delivery::to_deliver(conn, &c))
            .await
            .map_err(database)?;
        if stored.delivered.is_some() {
            // An earlier run delivered it; nothing more to do.
            return Ok(());
        }
        let Some(adapter) = &self.adapter else {
            tracing::debug!(report = %report, "no delivery adapter: the report is in Laget's inbox only");
            return Ok(());
        };
        let Some(json) = stored.message else {
            return Err(JobError::permanent(
                "no_message",
                format!("report {report} has no stored message"),
            ));
        };
        let receipt = adapter
            .deliver(Outgoing {
                report,
                message_type: MESSAGE_TYPE,
                json: &json,
            })
            .await?;
        let channel = receipt.channel;
        ctx.state
            .db
            .write(move |c| delivery::mark_delivered(c, &courier, channel, Utc::now()))
            .await
            .map_err(database)?;
        tracing::info!(report = %report, job = %ctx.job, attempt = ctx.attempt, channel, "report of concern delivered");
        Ok(())
    }
}
