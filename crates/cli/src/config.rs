//! Configuration: built-in defaults, then a TOML file (`laget.toml`, or the
//! file given with `--config`), then environment variables named
//! `LAGET__SECTION__KEY` (for example `LAGET__DATABASE__URL`). Unknown keys
//! are errors, and the values are checked before anything starts.

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

#[derive(Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    pub database: DatabaseConfig,
    pub server: ServerConfig,
    pub security: SecurityConfig,
    pub log: LogConfig,
    pub audit: AuditConfig,
    pub outbox: OutboxConfig,
    /// The SMTP server; without it Laget sends no e-mail (each message is
    /// listed as not sent, «Laget er ikke satt opp for e-post»).
    pub mail: Option<MailConfig>,
    /// ID-porten, for the family's portal; without it the portal's login
    /// page says that login through ID-porten is not set up.
    pub idporten: Option<IdportenConfig>,
    /// The municipality's identity provider for staff (Entra ID, Feide, …);
    /// without it staff log in with local accounts only.
    pub staff_login: Option<StaffLoginConfig>,
    /// How sent reports of concern leave Laget as KS Fiks messages
    /// (docs/REPORTS.md); without it only into child welfare's inbox in
    /// Laget (`laget serve --demo`: a file drop under `data/`).
    pub reports: ReportsConfig,
    /// The configuration file read, if any (`--config`, or `./laget.toml`
    /// when it exists); not a key.
    #[serde(skip)]
    pub file: Option<PathBuf>,
}

/// How a sent report is delivered besides the inbox (`reports.delivery`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ReportDeliveryKind {
    /// Only into child welfare's inbox in Laget.
    Ingen,
    /// `<drop_dir>/<report id>.json`, with `<report id>.meta.json`.
    Fil,
    /// A POST to `url`.
    Http,
}

/// Section `[reports]`: the delivery adapter for reports of concern.
#[derive(Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ReportsConfig {
    /// `ingen`, `fil` or `http`; not set: `ingen` (`fil` with `--demo`).
    pub delivery: Option<ReportDeliveryKind>,
    /// The file drop's directory (made if missing, mode 0700).
    pub drop_dir: String,
    /// The HTTP receiver: https, or http to this machine only.
    pub url: Option<String>,
    /// Sent as `Authorization: Bearer`; never printed. Give it as
    /// `LAGET__REPORTS__TOKEN` from a secret store.
    pub token: Option<String>,
    pub timeout_seconds: u64,
}

impl Default for ReportsConfig {
    fn default() -> Self {
        Self {
            delivery: None,
            drop_dir: "data/bekymringsmeldinger".into(),
            url: None,
            token: None,
            timeout_seconds: 30,
        }
    }
}

impl std::fmt::Debug for ReportsConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReportsConfig")
            .field("delivery", &self.delivery)
            .field("drop_dir", &self.drop_dir)
            .field("url", &self.url)
            .field("token", &self.token.as_ref().map(|_| "<hidden>"))
            .field("timeout_seconds", &self.timeout_seconds)
            .finish()
    }
}

impl ReportsConfig {
    /// The web layer's setting; `demo`: a file drop when nothing is set.
    pub fn web(&self, demo: bool) -> laget_web::outbox::fiks::DeliveryConfig {
        use laget_web::outbox::fiks::{DeliveryConfig, HttpConfig};
        let kind = self.delivery.unwrap_or(if demo {
            ReportDeliveryKind::Fil
        } else {
            ReportDeliveryKind::Ingen
        });
        match kind {
            ReportDeliveryKind::Ingen => DeliveryConfig::Off,
            ReportDeliveryKind::Fil => DeliveryConfig::FileDrop {
                dir: self.drop_dir.clone().into(),
            },
            ReportDeliveryKind::Http => DeliveryConfig::Http(HttpConfig {
                url: self.url.clone().unwrap_or_default(),
                token: self
                    .token
                    .clone()
                    .filter(|t| !t.is_empty())
                    .map(laget_web::mail::Secret::new),
                timeout: std::time::Duration::from_secs(self.timeout_seconds),
            }),
        }
    }

    fn validate(&self) -> anyhow::Result<()> {
        anyhow::ensure!(
            (1..=600).contains(&self.timeout_seconds),
            "reports.timeout_seconds must be between 1 and 600"
        );
        match self.delivery {
            Some(ReportDeliveryKind::Fil) => anyhow::ensure!(
                !self.drop_dir.trim().is_empty(),
                "reports.drop_dir must name a directory when reports.delivery = \"fil\""
            ),
            Some(ReportDeliveryKind::Http) => {
                let url = self.url.as_deref().unwrap_or("").trim();
                anyhow::ensure!(
                    !url.is_empty(),
                    "reports.url is required when reports.delivery = \"http\""
                );
                let local = ["http://127.0.0.1", "http://localhost", "http://[::1]"]
                    .iter()
                    .any(|p| {
                        url.strip_prefix(p)
                            .is_some_and(|rest| rest.is_empty() || rest.starts_with([':', '/']))
                    });
                // The message holds personal data: never in clear text
                // across the network.
                anyhow::ensure!(
                    url.starts_with("https://") || local,
                    "reports.url must use https (plain http only to this machine)"
                );
            }
            Some(ReportDeliveryKind::Ingen) | None => {}
        }
        Ok(())
    }
}

/// Section `[idporten]`: Laget as a client of ID-porten (see
/// docs/IDENTITY.md for the registration).
#[derive(Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IdportenConfig {
    /// `https://idporten.no` (production), `https://test.idporten.no` (test).
    pub issuer: String,
    pub client_id: String,
    /// Never printed.
    #[serde(default)]
    pub client_secret: Option<String>,
    /// Laget's address as the browser reaches it; the redirect URI is
    /// `{base_url}/innlogging/tilbake`.
    pub base_url: String,
    /// The levels of assurance accepted, the first asked for.
    #[serde(default = "IdportenConfig::default_acr_values")]
    pub acr_values: Vec<String>,
    /// Scopes beyond `openid`.
    #[serde(default = "IdportenConfig::default_scopes")]
    pub scopes: Vec<String>,
    #[serde(default = "IdportenConfig::default_display_name")]
    pub display_name: String,
}

impl IdportenConfig {
    fn default_acr_values() -> Vec<String> {
        vec!["idporten-loa-high".into()]
    }
    fn default_scopes() -> Vec<String> {
        vec!["profile".into()]
    }
    fn default_display_name() -> String {
        "ID-porten".into()
    }

    pub fn web(&self) -> laget_web::oidc::ProviderConfig {
        laget_web::oidc::ProviderConfig {
            key: "idporten".into(),
            display_name: self.display_name.clone(),
            issuer: self.issuer.clone(),
            client_id: self.client_id.clone(),
            client_secret: self.client_secret.clone(),
            base_url: self.base_url.clone(),
            acr_values: self.acr_values.clone(),
            scopes: self.scopes.clone(),
            user_claim: None,
        }
    }
}

/// Which field of a Laget user the staff provider's claim is matched to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StaffMatch {
    /// The user's username.
    Brukernavn,
    /// The user's e-mail address.
    Epost,
}

/// Section `[staff_login]`: the municipality's identity provider for staff.
#[derive(Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StaffLoginConfig {
    /// Entra ID: `https://login.microsoftonline.com/{tenant}/v2.0`; Feide:
    /// `https://auth.dataporten.no`.
    pub issuer: String,
    pub client_id: String,
    /// Never printed.
    #[serde(default)]
    pub client_secret: Option<String>,
    pub base_url: String,
    /// Levels of assurance accepted; empty: not checked.
    #[serde(default)]
    pub acr_values: Vec<String>,
    #[serde(default = "StaffLoginConfig::default_scopes")]
    pub scopes: Vec<String>,
    /// On the button: «Logg inn med {display_name}».
    pub display_name: String,
    /// The ID token claim that names the Laget user (`email`,
    /// `preferred_username`, `upn`, …).
    #[serde(default = "StaffLoginConfig::default_claim")]
    pub claim: String,
    /// `brukernavn` or `epost`.
    #[serde(default = "StaffLoginConfig::default_match", rename = "match")]
    pub match_: StaffMatch,
}

impl StaffLoginConfig {
    fn default_scopes() -> Vec<String> {
        vec!["profile".into(), "email".into()]
    }
    fn default_claim() -> String {
        "email".into()
    }
    fn default_match() -> StaffMatch {
        StaffMatch::Epost
    }

    pub fn web(&self) -> laget_web::oidc::ProviderConfig {
        use laget_web::oidc::{UserClaim, UserField};
        laget_web::oidc::ProviderConfig {
            key: "ansatt".into(),
            display_name: self.display_name.clone(),
            issuer: self.issuer.clone(),
            client_id: self.client_id.clone(),
            client_secret: self.client_secret.clone(),
            base_url: self.base_url.clone(),
            acr_values: self.acr_values.clone(),
            scopes: self.scopes.clone(),
            user_claim: Some(UserClaim {
                claim: self.claim.clone(),
                field: match self.match_ {
                    StaffMatch::Brukernavn => UserField::Username,
                    StaffMatch::Epost => UserField::Email,
                },
            }),
        }
    }
}

impl std::fmt::Debug for IdportenConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IdportenConfig")
            .field("issuer", &self.issuer)
            .field("client_id", &self.client_id)
            .field(
                "client_secret",
                &self.client_secret.as_ref().map(|_| "<hidden>"),
            )
            .field("base_url", &self.base_url)
            .field("acr_values", &self.acr_values)
            .finish_non_exhaustive()
    }
}

impl std::fmt::Debug for StaffLoginConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StaffLoginConfig")
            .field("issuer", &self.issuer)
            .field("client_id", &self.client_id)
            .field(
                "client_secret",
                &self.client_secret.as_ref().map(|_| "<hidden>"),
            )
            .field("base_url", &self.base_url)
            .field("display_name", &self.display_name)
            .field("claim", &self.claim)
            .field("match", &self.match_)
            .finish_non_exhaustive()
    }
}

#[derive(Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DatabaseConfig {
    /// A SQLite file path, or `postgres://user:password@host/db`.
    pub url: String,
}

#[derive(Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ServerConfig {
    pub listen: String,
    /// Set when Laget is reached over https (directly or behind a proxy).
    pub secure_cookies: bool,
    pub trust_forwarded_for: bool,
    pub session_idle_minutes: i64,
    pub session_absolute_hours: i64,
}

#[derive(Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SecurityConfig {
    pub argon2_memory_kib: u32,
    pub argon2_iterations: u32,
    pub argon2_parallelism: u32,
    pub max_failed_logins_per_account: i64,
    pub max_failed_logins_per_address: i64,
    pub failed_login_window_minutes: i64,
}

/// The access log's key and checkpoints, kept outside the database
/// (docs/ARCHITECTURE.md, «The access log's threat model»).
#[derive(Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AuditConfig {
    /// The file holding the key (64 hexadecimal digits). Created (mode 0600)
    /// by the first command that writes, as long as no row is keyed yet.
    pub key_file: String,
    /// The key itself, instead of a file (for a secret store that sets
    /// `LAGET__AUDIT__KEY`). Never printed.
    pub key: Option<String>,
    /// The file that signed checkpoints of the chain's head are appended to:
    /// ship it somewhere the database's writers cannot reach.
    pub checkpoint_file: String,
    /// Minutes between checkpoints while serving (at most a day); also at
    /// start and at shutdown.
    pub checkpoint_minutes: u64,
}

/// The worker that sends e-mail after a change commits.
#[derive(Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct OutboxConfig {
    /// Seconds between looks for due jobs when none was due.
    pub poll_seconds: u64,
}

/// How the SMTP connection is protected (`mail.security`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MailSecurity {
    /// STARTTLS, required (port 587 by default).
    Starttls,
    /// TLS from the start (port 465 by default).
    Tls,
    /// No encryption: only to a relay on this machine (127.0.0.1, ::1,
    /// localhost), since the password and the messages would otherwise
    /// cross the network in clear text.
    None,
}

/// Section `[mail]`: the SMTP server Laget sends through.
#[derive(Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MailConfig {
    pub smtp_host: String,
    /// Default: 587 for starttls, 465 for tls, 25 for none.
    #[serde(default)]
    pub smtp_port: Option<u16>,
    #[serde(default = "MailConfig::default_security")]
    pub security: MailSecurity,
    #[serde(default)]
    pub username: Option<String>,
    /// Never printed; give it as `LAGET__MAIL__PASSWORD` from a secret store
    /// rather than in the file.
    #[serde(default)]
    pub password: Option<String>,
    /// The sender: `laget@kommune.no` or `Laget <laget@kommune.no>`.
    pub from: String,
    /// Where Laget is reached, `https://laget.kommune.no`: links in e-mail
    /// start with it.
    pub base_url: String,
    #[serde(default = "MailConfig::default_timeout")]
    pub timeout_seconds: u64,
}

impl MailConfig {
    fn default_security() -> MailSecurity {
        MailSecurity::Starttls
    }
    fn default_timeout() -> u64 {
        30
    }

    /// The web layer's settings.
    pub fn web(&self) -> laget_web::mail::MailConfig {
        use laget_web::mail::Security;
        let security = match self.security {
            MailSecurity::Starttls => Security::StartTls,
            MailSecurity::Tls => Security::Tls,
            MailSecurity::None => Security::None,
        };
        laget_web::mail::MailConfig {
            host: self.smtp_host.clone(),
            port: self.smtp_port.unwrap_or(security.default_port()),
            security,
            username: self.username.clone().filter(|u| !u.is_empty()),
            password: self
                .password
                .clone()
                .filter(|p| !p.is_empty())
                .map(laget_web::mail::Secret::new),
            from: self.from.clone(),
            base_url: self.base_url.clone(),
            timeout: std::time::Duration::from_secs(self.timeout_seconds),
        }
    }
}

// The password is a secret: never printed.
impl std::fmt::Debug for MailConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MailConfig")
            .field("smtp_host", &self.smtp_host)
            .field("smtp_port", &self.smtp_port)
            .field("security", &self.security)
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| "<hidden>"))
            .field("from", &self.from)
            .field("base_url", &self.base_url)
            .finish()
    }
}

#[derive(Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LogConfig {
    /// A `tracing` filter, e.g. `info` or `laget_web=debug,info`.
    pub filter: String,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            database: DatabaseConfig {
                url: "data/laget.sqlite3".into(),
            },
            server: ServerConfig {
                listen: "127.0.0.1:8080".into(),
                secure_cookies: false,
                trust_forwarded_for: false,
                session_idle_minutes: 30,
                session_absolute_hours: 8,
            },
            security: SecurityConfig {
                argon2_memory_kib: laget_web::PasswordParams::MIN_MEMORY_KIB,
                argon2_iterations: 1,
                argon2_parallelism: 1,
                max_failed_logins_per_account: 5,
                max_failed_logins_per_address: 50,
                failed_login_window_minutes: 15,
            },
            log: LogConfig {
                filter: "info".into(),
            },
            audit: AuditConfig {
                key_file: "data/audit.key".into(),
                key: None,
                checkpoint_file: "data/audit-checkpoints.log".into(),
                checkpoint_minutes: 24 * 60,
            },
            outbox: OutboxConfig { poll_seconds: 5 },
            mail: None,
            idporten: None,
            staff_login: None,
            reports: ReportsConfig::default(),
            file: None,
        }
    }
}
impl Default for OutboxConfig {
    fn default() -> Self {
        Config::default().outbox
    }
}
impl Default for DatabaseConfig {
    fn default() -> Self {
        Config::default().database
    }
}
impl Default for ServerConfig {
    fn default() -> Self {
        Config::default().server
    }
}
impl Default for SecurityConfig {
    fn default() -> Self {
        Config::default().security
    }
}
impl Default for LogConfig {
    fn default() -> Self {
        Config::default().log
    }
}
impl Default for AuditConfig {
    fn default() -> Self {
        Config::default().audit
    }
}

// The database URL may hold a password, and the audit key is a secret:
// never print them.
impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("database", &"<hidden>")
            .field("listen", &self.server.listen)
            .field("mail", &self.mail)
            .field("idporten", &self.idporten)
            .field("staff_login", &self.staff_login)
            .field("reports", &self.reports)
            .finish_non_exhaustive()
    }
}

impl Config {
    pub fn load(file: Option<&Path>) -> anyhow::Result<Self> {
        let mut figment = Figment::from(Serialized::defaults(Config::default()));
        let found = match file {
            Some(path) => {
                anyhow::ensure!(
                    path.exists(),
                    "configuration file {} does not exist",
                    path.display()
                );
                figment = figment.merge(Toml::file(path));
                Some(path.to_owned())
            }
            None => {
                figment = figment.merge(Toml::file("laget.toml"));
                Path::new("laget.toml")
                    .exists()
                    .then(|| PathBuf::from("laget.toml"))
            }
        };
        let mut config: Config = figment
            .merge(Env::prefixed("LAGET__").split("__"))
            .extract()
            .map_err(|e| anyhow::anyhow!(describe_error(e)))?;
        config.file = found;
        config.validate()?;
        Ok(config)
    }

    fn validate(&self) -> anyhow::Result<()> {
        anyhow::ensure!(
            !self.database.url.trim().is_empty(),
            "database.url is empty"
        );
        anyhow::ensure!(
            self.server.listen.parse::<std::net::SocketAddr>().is_ok(),
            "server.listen is not an address such as 127.0.0.1:8080"
        );
        anyhow::ensure!(
            (1..=24 * 60).contains(&self.server.session_idle_minutes),
            "server.session_idle_minutes must be between 1 and 1440"
        );
        anyhow::ensure!(
            (1..=24).contains(&self.server.session_absolute_hours),
            "server.session_absolute_hours must be between 1 and 24"
        );
        anyhow::ensure!(
            self.security.argon2_memory_kib >= laget_web::PasswordParams::MIN_MEMORY_KIB
                && self.security.argon2_iterations >= 1,
            "security.argon2_* is below the minimum (47104 KiB, 1 iteration)"
        );
        anyhow::ensure!(
            self.security.max_failed_logins_per_account >= 1,
            "security.max_failed_logins_per_account must be at least 1"
        );
        anyhow::ensure!(
            self.security.max_failed_logins_per_address >= 1,
            "security.max_failed_logins_per_address must be at least 1"
        );
        anyhow::ensure!(
            self.security.failed_login_window_minutes >= 1,
            "security.failed_login_window_minutes must be at least 1"
        );
        if let Some(key) = &self.audit.key {
            // The message does not repeat the value: it is a secret.
            anyhow::ensure!(
                laget_domain::audit::AuditKey::from_hex(key).is_ok(),
                "audit.key is not 64 hexadecimal digits (256 bits)"
            );
        }
        anyhow::ensure!(
            !self.audit.key_file.trim().is_empty() && !self.audit.checkpoint_file.trim().is_empty(),
            "audit.key_file and audit.checkpoint_file must name files"
        );
        anyhow::ensure!(
            (1..=24 * 60).contains(&self.audit.checkpoint_minutes),
            "audit.checkpoint_minutes must be between 1 and 1440 (a checkpoint at least daily)"
        );
        anyhow::ensure!(
            (1..=3600).contains(&self.outbox.poll_seconds),
            "outbox.poll_seconds must be between 1 and 3600"
        );
        if let Some(mail) = &self.mail {
            anyhow::ensure!(
                (1..=600).contains(&mail.timeout_seconds),
                "mail.timeout_seconds must be between 1 and 600"
            );
            // The messages name the setting, never the password.
            mail.web().check()?;
        }
        // The messages name the section and setting, never the secret.
        self.oidc().validate().map_err(anyhow::Error::msg)?;
        self.reports.validate()?;
        Ok(())
    }

    /// The outbox worker's timing.
    pub fn outbox(&self) -> laget_web::outbox::WorkerConfig {
        laget_web::outbox::WorkerConfig {
            poll: std::time::Duration::from_secs(self.outbox.poll_seconds),
            ..laget_web::outbox::WorkerConfig::default()
        }
    }

    /// The OpenID providers of `[idporten]` and `[staff_login]`.
    pub fn oidc(&self) -> laget_web::oidc::OidcConfig {
        laget_web::oidc::OidcConfig {
            citizens: self.idporten.as_ref().map(IdportenConfig::web),
            staff: self.staff_login.as_ref().map(StaffLoginConfig::web),
            demo_provider: false,
        }
    }

    pub fn web(&self) -> laget_web::WebConfig {
        laget_web::WebConfig {
            secure_cookies: self.server.secure_cookies,
            session: laget_domain::session::SessionPolicy {
                idle: chrono::Duration::minutes(self.server.session_idle_minutes),
                absolute: chrono::Duration::hours(self.server.session_absolute_hours),
            },
            trust_forwarded_for: self.server.trust_forwarded_for,
            max_failures_per_account: self.security.max_failed_logins_per_account,
            max_failures_per_address: self.security.max_failed_logins_per_address,
            throttle_window: chrono::Duration::minutes(self.security.failed_login_window_minutes),
            password: laget_web::PasswordParams {
                memory_kib: self.security.argon2_memory_kib,
                iterations: self.security.argon2_iterations,
                parallelism: self.security.argon2_parallelism,
            },
            mail: self.mail.as_ref().map(MailConfig::web),
            oidc: self.oidc(),
            reports: self.reports.web(false),
        }
    }

    /// What kind of database, without the URL (which may hold a password).
    /// Which database the URL names, never its password: «PostgreSQL
    /// host:port/database» (and «, schema s» when the URL sets the
    /// search_path), or «SQLite /absolute/path».
    pub fn database_description(&self) -> String {
        let url = &self.database.url;
        if let Some(rest) = url
            .strip_prefix("postgres://")
            .or_else(|| url.strip_prefix("postgresql://"))
        {
            let (main, query) = rest.split_once('?').unwrap_or((rest, ""));
            let (authority, name) = main.split_once('/').unwrap_or((main, ""));
            // user:password@host — only what follows the last «@».
            let host = authority.rsplit('@').next().unwrap_or("");
            let host = if host.is_empty() { "localhost" } else { host };
            let mut text = format!("PostgreSQL {host}/{name}");
            let schema = ["search_path%3D", "search_path%3d", "search_path="]
                .iter()
                .find_map(|m| query.split_once(m).map(|(_, after)| after))
                .map(|after| {
                    after
                        .split(['&', '%', ',', ' '])
                        .next()
                        .unwrap_or("")
                        .to_owned()
                });
            if let Some(schema) = schema.filter(|s| !s.is_empty()) {
                text.push_str(&format!(", schema {schema}"));
            }
            text
        } else {
            let path = Path::new(url.strip_prefix("sqlite://").unwrap_or(url));
            let path = std::path::absolute(path).unwrap_or_else(|_| path.to_owned());
            format!("SQLite {}", path.display())
        }
    }

    /// A SQLite database file that does not exist yet (a command that opens
    /// it creates it).
    pub fn sqlite_file_missing(&self) -> bool {
        let url = &self.database.url;
        let postgres = url.starts_with("postgres://") || url.starts_with("postgresql://");
        !(postgres || Path::new(url.strip_prefix("sqlite://").unwrap_or(url)).exists())
    }
}

/// A configuration error in plain words: the key as written in the file
/// (without figment's internal profile prefix «default.»), where it came
/// from, and for an unknown key the keys allowed there.
fn describe_error(error: figment::Error) -> String {
    error
        .into_iter()
        .map(|e| {
            let key = e.path.join(".");
            let place = match &e.metadata {
                Some(m) => match &m.source {
                    Some(figment::Source::File(path)) => format!(" in {}", path.display()),
                    _ => format!(" in {}", m.name),
                },
                None => String::new(),
            };
            match &e.kind {
                figment::error::Kind::UnknownField(found, expected) => {
                    let key = if key.is_empty() { found.clone() } else { key };
                    let allowed = match expected.len() {
                        0 => "none".to_owned(),
                        1 => expected[0].to_owned(),
                        _ => format!("one of {}", expected.join(", ")),
                    };
                    format!("unknown key {key}{place} (expected {allowed})")
                }
                kind if key.is_empty() => format!("{kind}{place}"),
                kind => format!("{kind} for key {key}{place}"),
            }
        })
        .collect::<Vec<_>>()
        .join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_keys_are_refused() -> anyhow::Result<()> {
        let dir = std::env::temp_dir().join(format!("laget-config-{}", uuid::Uuid::now_v7()));
        std::fs::create_dir_all(&dir)?;
        let file = dir.join("laget.toml");
        std::fs::write(
            &file,
            "[server]\nlisten = \"127.0.0.1:9000\"\nlistne = \"typo\"\n",
        )?;
        let err = Config::load(Some(&file))
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.contains("listne"), "{err}");
        std::fs::write(&file, "[server]\nlisten = \"127.0.0.1:9000\"\n")?;
        assert_eq!(Config::load(Some(&file))?.server.listen, "127.0.0.1:9000");
        std::fs::write(&file, "[security]\nargon2_memory_kib = 1024\n")?;
        assert!(
            Config::load(Some(&file)).is_err(),
            "weak hashing settings are refused"
        );
        std::fs::remove_dir_all(&dir)?;
        Ok(())
    }

    #[test]
    fn audit_settings_are_checked_and_the_key_never_printed() -> anyhow::Result<()> {
        let dir = std::env::temp_dir().join(format!("laget-config-{}", uuid::Uuid::now_v7()));
        std::fs::create_dir_all(&dir)?;
        let file = dir.join("laget.toml");
        let key = "ab".repeat(32);
        std::fs::write(
            &file,
            format!("[audit]\nkey = \"{key}\"\ncheckpoint_minutes = 60\n"),
        )?;
        let c = Config::load(Some(&file))?;
        assert_eq!(c.audit.checkpoint_minutes, 60);
        assert_eq!(c.audit.key_file, "data/audit.key");
        assert!(!format!("{c:?}").contains(&key));
        std::fs::write(&file, "[audit]\nkey = \"hemmelig-men-for-kort\"\n")?;
        let err = Config::load(Some(&file))
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.contains("audit.key is not 64"), "{err}");
        assert!(!err.contains("hemmelig"), "{err}");
        std::fs::write(&file, "[audit]\ncheckpoint_minutes = 2000\n")?;
        assert!(Config::load(Some(&file)).is_err(), "at least daily");
        std::fs::write(&file, "[audit]\nkey_fil = \"x\"\n")?;
        assert!(
            Config::load(Some(&file)).is_err(),
            "unknown keys are refused"
        );
        std::fs::remove_dir_all(&dir)?;
        Ok(())
    }

    fn load(toml: &str) -> anyhow::Result<Config> {
        let dir = std::env::temp_dir().join(format!("laget-config-{}", uuid::Uuid::now_v7()));
        std::fs::create_dir_all(&dir)?;
        let file = dir.join("laget.toml");
        std::fs::write(&file, toml)?;
        let loaded = Config::load(Some(&file));
        std::fs::remove_dir_all(&dir)?;
        loaded
    }

    fn error_of(toml: &str) -> String {
        load(toml).err().map(|e| e.to_string()).unwrap_or_default()
    }

    #[test]
    fn without_a_mail_section_no_mail_is_sent() -> anyhow::Result<()> {
        let c = load("[server]\nlisten = \"127.0.0.1:9000\"\n")?;
        assert!(c.mail.is_none());
        assert!(c.web().mail.is_none());
        assert_eq!(c.outbox().poll, std::time::Duration::from_secs(5));
        Ok(())
    }

    #[test]
    fn the_mail_section_is_read_checked_and_its_password_never_printed() -> anyhow::Result<()> {
        let c = load(
            "[mail]\nsmtp_host = \"smtp.kommune.no\"\nusername = \"laget\"\n\
             password = \"hemmelig-smtp\"\nfrom = \"Laget <laget@kommune.no>\"\n\
             base_url = \"https://laget.kommune.no\"\n[outbox]\npoll_seconds = 2\n",
        )?;
        let web = c
            .web()
            .mail
            .ok_or_else(|| anyhow::anyhow!("[mail] was not read"))?;
        assert_eq!(web.port, 587, "starttls by default, on its port");
        assert_eq!(web.security, laget_web::mail::Security::StartTls);
        assert_eq!(c.outbox().poll, std::time::Duration::from_secs(2));
        for printed in [
            format!("{c:?}"),
            format!("{web:?}"),
            format!("{:?}", c.mail),
        ] {
            assert!(!printed.contains("hemmelig"), "{printed}");
        }
        assert!(format!("{c:?}").contains("smtp.kommune.no"));

        let plain = "[mail]\nsmtp_host = \"smtp.kommune.no\"\nsecurity = \"none\"\n\
                     from = \"laget@kommune.no\"\nbase_url = \"https://laget.kommune.no\"\n";
        assert!(error_of(plain).contains("only for a relay on this machine"));
        let local = plain.replace("smtp.kommune.no", "127.0.0.1");
        assert_eq!(load(&local)?.web().mail.map(|m| m.port), Some(25));

        let err = error_of(
            "[mail]\nsmtp_host = \"smtp.kommune.no\"\npassword = \"hemmelig-smtp\"\n\
             from = \"laget@kommune.no\"\nbase_url = \"https://laget.kommune.no\"\n",
        );
        assert!(err.contains("username and mail.password"), "{err}");
        assert!(!err.contains("hemmelig"), "{err}");
        assert!(error_of("[mail]\nsmtp_host = \"x\"\nfrom = \"a@b.no\"\nbase_url = \"https://a.no\"\nsecurty = \"tls\"\n").contains("securty"));
        assert!(error_of("[mail]\nsmtp_host = \"x\"\nfrom = \"a@b.no\"\nbase_url = \"https://a.no\"\nsecurity = \"ssl\"\n").contains("ssl"));
        assert!(
            !error_of("[mail]\nsmtp_host = \"x\"\nfrom = \"a@b.no\"\n").is_empty(),
            "base_url is required"
        );
        assert!(error_of("[outbox]\npoll_seconds = 0\n").contains("outbox.poll_seconds"));
        Ok(())
    }

    #[test]
    fn the_reports_section_chooses_the_delivery_and_hides_the_token() -> anyhow::Result<()> {
        use laget_web::outbox::fiks::DeliveryConfig;
        let c = load("[server]\nlisten = \"127.0.0.1:9000\"\n")?;
        assert!(matches!(c.web().reports, DeliveryConfig::Off));
        assert!(matches!(
            c.reports.web(true),
            DeliveryConfig::FileDrop { ref dir } if dir.ends_with("data/bekymringsmeldinger")
        ));
        let c = load("[reports]\ndelivery = \"ingen\"\n")?;
        assert!(
            matches!(c.reports.web(true), DeliveryConfig::Off),
            "the demo keeps a choice"
        );
        let c = load("[reports]\ndelivery = \"fil\"\ndrop_dir = \"/srv/fiks/ut\"\n")?;
        assert!(matches!(
            c.web().reports,
            DeliveryConfig::FileDrop { ref dir } if dir.as_path() == std::path::Path::new("/srv/fiks/ut")
        ));
        let c = load(
            "[reports]\ndelivery = \"http\"\nurl = \"https://fagsystem.example/bekymring\"\n\
             token = \"hemmelig-token\"\ntimeout_seconds = 5\n",
        )?;
        let DeliveryConfig::Http(http) = c.web().reports else {
            anyhow::bail!("http not read");
        };
        assert_eq!(http.url, "https://fagsystem.example/bekymring");
        assert_eq!(http.timeout, std::time::Duration::from_secs(5));
        assert_eq!(
            http.token.as_ref().map(|t| t.expose()),
            Some("hemmelig-token")
        );
        for printed in [format!("{c:?}"), format!("{http:?}")] {
            assert!(!printed.contains("hemmelig"), "{printed}");
        }
        assert!(error_of("[reports]\ndelivery = \"http\"\n").contains("reports.url is required"));
        assert!(
            error_of("[reports]\ndelivery = \"http\"\nurl = \"http://fagsystem.example/\"\n")
                .contains("https")
        );
        assert!(load("[reports]\ndelivery = \"http\"\nurl = \"http://127.0.0.1:9/x\"\n").is_ok());
        assert!(
            error_of("[reports]\ndelivery = \"http\"\nurl = \"http://localhost.example/\"\n")
                .contains("https")
        );
        assert!(error_of("[reports]\ndelivery = \"fiks\"\n").contains("fiks"));
        assert!(error_of("[reports]\ndrop_dri = \"x\"\n").contains("drop_dri"));
        assert!(error_of("[reports]\ndelivery = \"fil\"\ndrop_dir = \" \"\n").contains("drop_dir"));
        Ok(())
    }

    #[test]
    fn the_database_url_is_never_printed() {
        let mut c = Config::default();
        c.database.url = "postgres://laget:hemmelig@db/laget".into();
        assert!(!format!("{c:?}").contains("hemmelig"));
        assert_eq!(c.database_description(), "PostgreSQL db/laget");
        c.database.url = "postgresql://laget:hemmelig@127.0.0.1:5432/test?sslmode=disable\
                          &options=-c%20search_path%3Dlaget_a"
            .into();
        assert_eq!(
            c.database_description(),
            "PostgreSQL 127.0.0.1:5432/test, schema laget_a"
        );
        c.database.url = "data/laget.sqlite3".into();
        let said = c.database_description();
        assert!(said.starts_with("SQLite /"), "an absolute path: {said}");
        assert!(said.ends_with("data/laget.sqlite3"), "{said}");
    }

    /// The message for a misspelt key names the key as written in the
    /// file, the file and the keys allowed there, without doubled
    /// backticks or figment's internal profile prefix («default.»).
    #[test]
    fn an_unknown_key_is_named_cleanly() {
        let err = error_of("[outbox]\npoll_second = 5\n");
        assert!(
            err.starts_with("unknown key outbox.poll_second in "),
            "{err}"
        );
        assert!(err.contains("laget.toml"), "names the file: {err}");
        assert!(err.contains("poll_seconds"), "names the right key: {err}");
        assert!(!err.contains("``"), "{err}");
        assert!(!err.contains("default."), "{err}");
    }

    #[test]
    fn the_openid_sections_are_read_checked_and_their_secrets_never_printed() -> anyhow::Result<()>
    {
        let c = load(
            "[idporten]\nissuer = \"https://test.idporten.no\"\nclient_id = \"laget-test\"\n\
             client_secret = \"hemmelig-idporten\"\nbase_url = \"https://laget.kommune.no\"\n\
             [staff_login]\nissuer = \"https://login.microsoftonline.com/t/v2.0\"\n\
             client_id = \"laget-ansatt\"\nclient_secret = \"hemmelig-entra\"\n\
             base_url = \"https://laget.kommune.no\"\ndisplay_name = \"Testbyen kommune\"\n\
             claim = \"preferred_username\"\nmatch = \"brukernavn\"\n",
        )?;
        let oidc = c.web().oidc;
        let citizens = oidc
            .citizens
            .ok_or_else(|| anyhow::anyhow!("[idporten] not read"))?;
        assert_eq!(citizens.key, "idporten");
        assert_eq!(citizens.acr_values, vec!["idporten-loa-high".to_owned()]);
        assert_eq!(citizens.scopes, vec!["profile".to_owned()]);
        assert_eq!(
            citizens.redirect_uri(),
            "https://laget.kommune.no/innlogging/tilbake"
        );
        let staff = oidc
            .staff
            .ok_or_else(|| anyhow::anyhow!("[staff_login] not read"))?;
        assert_eq!(staff.key, "ansatt");
        assert_eq!(
            staff.user_claim,
            Some(laget_web::oidc::UserClaim {
                claim: "preferred_username".into(),
                field: laget_web::oidc::UserField::Username,
            })
        );
        let printed = format!("{c:?}");
        assert!(!printed.contains("hemmelig"), "{printed}");
        assert!(printed.contains("laget-ansatt"), "{printed}");

        // http only on the local machine; unknown keys and matches refused.
        let section = |issuer: &str, extra: &str| {
            format!(
                "[idporten]\nissuer = \"{issuer}\"\nclient_id = \"x\"\n\
                 base_url = \"https://laget.kommune.no\"\n{extra}"
            )
        };
        assert!(
            error_of(&section("http://idporten.no", ""))
                .contains("[idporten] issuer must use https")
        );
        assert!(
            load(&section("http://127.0.0.1:9000", ""))?
                .web()
                .oidc
                .citizens
                .is_some()
        );
        assert!(
            error_of(&section("https://idporten.no", "clientid = \"y\"\n")).contains("clientid")
        );
        assert!(error_of(&section("ftp://idporten.no", "")).contains("https"));
        assert!(error_of(
            "[staff_login]\nissuer = \"https://a.no\"\nclient_id = \"x\"\nbase_url = \"https://b.no\"\n\
             display_name = \"A\"\nmatch = \"navn\"\n"
        )
        .contains("navn"));
        Ok(())
    }
}
