//! The web layer: router, request context (who is asking), handlers, templates
//! and static assets. Handlers are short: extract, authorise, call `db`,
//! render.

// Shared parts, from the bottom up: `error` and `auth` depend on nothing
// here; `extract` (what a handler takes from the request) on `error`;
// `view` (how pages look) on `extract`; `middleware` on both.
mod auth;
mod error;
mod extract;
pub mod i18n;
mod middleware;
mod routes;
mod view;

// Features, with the same names as in `laget_domain` and `laget_db`.
mod admin;
mod audit;
mod casework;
mod catalogue;
mod children;
mod log;
mod meetings;
mod plans;
mod portal;
mod reports;
mod session;

/// Work done after a change commits (e-mail, invitations, KS Fiks): the
/// worker and one file per job kind.
pub mod outbox;

/// Sending e-mail and calendar invitations (SMTP settings, the transport).
pub mod mail;

/// Login with OpenID Connect (ID-porten for citizens, the municipality's
/// identity provider for staff) and the demo provider.
pub mod oidc;

use laget_db::Db;
use laget_domain::session::SessionPolicy;
use std::sync::Arc;

pub use auth::{PasswordHasher, PasswordParams, random_token, token_hash as session_token_hash};
pub use extract::user::{CSRF_FIELD, CSRF_HEADER};
pub use routes::{RouteInfo, router, router_with_inventory};
pub use view::assets::url as asset_url;

/// Settings of the web layer (section `[web]` of the configuration file).
#[derive(Clone, Debug)]
pub struct WebConfig {
    /// Serve over https: cookies get `Secure` and the `__Host-` prefix, and
    /// HSTS is sent. Turn on whenever Laget is reached over https.
    pub secure_cookies: bool,
    pub session: SessionPolicy,
    /// Take the client address from the last `X-Forwarded-For` entry (set it
    /// only behind a reverse proxy that adds that header).
    pub trust_forwarded_for: bool,
    /// Failed logins allowed per account within `throttle_window`.
    pub max_failures_per_account: i64,
    /// Failed logins allowed per client address within `throttle_window`.
    pub max_failures_per_address: i64,
    pub throttle_window: chrono::Duration,
    pub password: PasswordParams,
    /// The SMTP server (section `[mail]`); `None`: Laget sends no e-mail and
    /// says so where a message would have gone.
    pub mail: Option<mail::MailConfig>,
    /// The OpenID providers (sections `[idporten]` and `[staff_login]`).
    pub oidc: oidc::OidcConfig,
    /// How sent reports of concern leave Laget as KS Fiks messages (section
    /// `[reports]`); by default only into child welfare's inbox in Laget.
    pub reports: outbox::fiks::DeliveryConfig,
}

impl Default for WebConfig {
    fn default() -> Self {
        Self {
            secure_cookies: false,
            session: SessionPolicy::default(),
            trust_forwarded_for: false,
            max_failures_per_account: 5,
            max_failures_per_address: 50,
            throttle_window: chrono::Duration::minutes(15),
            password: PasswordParams::default(),
            mail: None,
            oidc: oidc::OidcConfig::default(),
            reports: outbox::fiks::DeliveryConfig::default(),
        }
    }
}

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState(Arc<Inner>);

pub struct Inner {
    pub db: Db,
    pub config: WebConfig,
    pub passwords: PasswordHasher,
    /// Rendered public catalogue pages (see `catalogue::cache`).
    pub public_cache: catalogue::cache::PublicCache,
    /// Rendered timelines of the log page (see `log::kept`).
    pub timelines: log::kept::Timelines,
    /// The log page's lists of staff for the team form (see `log::kept`).
    pub staff_lists: log::kept::StaffLists,
    /// The log page's snapshots of logs (see `log::snapshots`).
    pub log_snapshots: log::snapshots::Snapshots,
    /// The SMTP client, when `config.mail` is set.
    pub mailer: Option<mail::Mailer>,
    /// The OpenID providers' metadata and keys, read at the first login
    /// (see `oidc::client`).
    pub oidc: oidc::client::Discovery,
    /// The adapter that delivers reports of concern (`config.reports`);
    /// `None`: no delivery outside Laget.
    pub reports: Option<Arc<dyn outbox::fiks::ReportDelivery>>,
}

/// Why the application state cannot be made from the settings.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Password(#[from] auth::HashError),
    #[error(transparent)]
    Mail(#[from] mail::MailSetupError),
    #[error("OpenID Connect: {0}")]
    Oidc(String),
    #[error("reports: {0}")]
    Reports(String),
}

impl AppState {
    pub fn new(db: Db, config: WebConfig) -> Result<Self, StartError> {
        let passwords = PasswordHasher::new(config.password)?;
        let mailer = config.mail.as_ref().map(mail::Mailer::new).transpose()?;
        let oidc = oidc::client::Discovery::new().map_err(StartError::Oidc)?;
        let reports = outbox::fiks::adapter(&config.reports).map_err(StartError::Reports)?;
        Ok(Self(Arc::new(Inner {
            db,
            config,
            passwords,
            mailer,
            oidc,
            reports,
            public_cache: Default::default(),
            timelines: Default::default(),
            staff_lists: Default::default(),
            log_snapshots: Default::default(),
        })))
    }
}

impl std::ops::Deref for AppState {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}
