//! Configuration: built-in defaults, then a TOML file (`laget.toml`, or the
//! file given with `--config`), then environment variables named
//! `LAGET__SECTION__KEY` (for example `LAGET__DATABASE__URL`). Unknown keys
//! are errors, and the values are checked before anything starts.

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};
use std::path::Path;

#[derive(Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    pub database: DatabaseConfig,
    pub server: ServerConfig,
    pub security: SecurityConfig,
    pub log: LogConfig,
    pub audit: AuditConfig,
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
        }
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
            .finish_non_exhaustive()
    }
}

impl Config {
    pub fn load(file: Option<&Path>) -> anyhow::Result<Self> {
        let mut figment = Figment::from(Serialized::defaults(Config::default()));
        match file {
            Some(path) => {
                anyhow::ensure!(
                    path.exists(),
                    "configuration file {} does not exist",
                    path.display()
                );
                figment = figment.merge(Toml::file(path));
            }
            None => figment = figment.merge(Toml::file("laget.toml")),
        }
        let config: Config = figment
            .merge(Env::prefixed("LAGET__").split("__"))
            .extract()?;
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
        Ok(())
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
        }
    }

    /// What kind of database, without the URL (which may hold a password).
    pub fn database_description(&self) -> String {
        let url = &self.database.url;
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            "PostgreSQL".into()
        } else {
            format!("SQLite ({})", url.strip_prefix("sqlite://").unwrap_or(url))
        }
    }
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

    #[test]
    fn the_database_url_is_never_printed() {
        let mut c = Config::default();
        c.database.url = "postgres://laget:hemmelig@db/laget".into();
        assert!(!format!("{c:?}").contains("hemmelig"));
        assert_eq!(c.database_description(), "PostgreSQL");
    }
}
