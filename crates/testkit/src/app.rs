//! Starting the application for a test: a fresh, migrated database on either
//! engine ([`Backend`]), the standard fixtures on it, and the real router in
//! a [`TestApp`] that hands out signed-in [`Client`]s.

use crate::builders::{Fixtures, PASSWORD, Who, fixtures};
use crate::client::Client;
use axum::Router;
use laget_db::Db;
use laget_domain::UserId;
use laget_web::{AppState, RouteInfo, WebConfig};
use std::sync::OnceLock;

/// Which database engine a test runs on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres(String),
}

/// SQLite always; PostgreSQL too when `DATABASE_URL` is set.
pub fn backends() -> Vec<Backend> {
    let mut all = vec![Backend::Sqlite];
    if let Ok(url) = std::env::var("DATABASE_URL")
        && !url.is_empty()
    {
        all.push(Backend::Postgres(url));
    }
    all
}

/// One hash for every fixture user, made once per test binary: argon2 is slow
/// on purpose, and logins still verify against it for real.
fn fixture_hash(state: &AppState) -> String {
    static HASH: OnceLock<String> = OnceLock::new();
    HASH.get_or_init(|| state.passwords.hash(PASSWORD).expect("hash"))
        .clone()
}

/// Deletes the test's database when the test ends.
pub struct Cleanup {
    sqlite_dir: Option<std::path::PathBuf>,
    pg: Option<(String, String)>,
}

impl Drop for Cleanup {
    fn drop(&mut self) {
        if let Some(dir) = &self.sqlite_dir {
            let _ = std::fs::remove_dir_all(dir);
        }
        if let Some((url, schema)) = &self.pg {
            let _ = Db::drop_schema(url, schema);
        }
    }
}

pub struct TestApp {
    pub router: Router,
    pub db: Db,
    pub state: AppState,
    pub inventory: Vec<RouteInfo>,
    pub fx: Fixtures,
    pub backend: Backend,
    _cleanup: Cleanup,
}

/// A key for a test database's access log, held only in memory.
pub fn random_audit_key() -> laget_domain::audit::AuditKey {
    laget_domain::audit::AuditKey::from_bytes(rand::random())
}

/// A fresh, migrated, empty database on `backend`.
pub fn fresh_db(backend: &Backend) -> (Db, Cleanup) {
    let (mut handles, cleanup) = fresh_handles(backend, 1);
    (handles.remove(0), cleanup)
}

/// Two handles on one fresh, migrated database, as two Laget processes hold
/// it (pools, write locks and group-commit writers of their own; the same
/// access-log key).
pub fn fresh_db_pair(backend: &Backend) -> (Db, Db, Cleanup) {
    let (mut handles, cleanup) = fresh_handles(backend, 2);
    let b = handles.remove(1);
    (handles.remove(0), b, cleanup)
}

/// `count` handles on one fresh database, migrated through the first.
fn fresh_handles(backend: &Backend, count: usize) -> (Vec<Db>, Cleanup) {
    let id = uuid::Uuid::now_v7().simple().to_string();
    let key = random_audit_key();
    let (handles, cleanup): (Vec<Db>, Cleanup) = match backend {
        Backend::Sqlite => {
            let dir = std::env::temp_dir().join(format!("laget-test-{id}"));
            let file = dir.join("laget.sqlite3");
            let file = file.to_str().expect("utf-8 path");
            (
                (0..count)
                    .map(|_| {
                        Db::connect(file)
                            .expect("sqlite")
                            .with_audit_key(key.clone())
                    })
                    .collect(),
                Cleanup {
                    sqlite_dir: Some(dir),
                    pg: None,
                },
            )
        }
        Backend::Postgres(url) => {
            let schema = format!("test_{id}");
            (
                (0..count)
                    .map(|_| {
                        Db::connect_in_schema(url, Some(&schema))
                            .expect("postgres")
                            .with_audit_key(key.clone())
                    })
                    .collect(),
                Cleanup {
                    sqlite_dir: None,
                    pg: Some((url.clone(), schema)),
                },
            )
        }
    };
    handles[0].migrate().expect("migrate");
    (handles, cleanup)
}

impl TestApp {
    /// The real router on a fresh database with the standard fixtures.
    pub async fn new(backend: Backend) -> Self {
        Self::with_config(backend, WebConfig::default()).await
    }

    pub async fn with_config(backend: Backend, config: WebConfig) -> Self {
        let b = backend.clone();
        tokio::task::spawn_blocking(move || {
            let (db, cleanup) = fresh_db(&b);
            let state = AppState::new(db.clone(), config).expect("state");
            let fx = fixtures(&db, &fixture_hash(&state));
            let (router, inventory) = laget_web::router_with_inventory(state.clone());
            TestApp {
                router,
                db,
                state,
                inventory,
                fx,
                backend: b,
                _cleanup: cleanup,
            }
        })
        .await
        .expect("setup")
    }

    /// A client signed in as `who` (a session made directly in the database;
    /// the login form itself is tested on its own). A citizen
    /// (`Who::is_citizen`) is signed in to the family's portal with their
    /// fixture national identity number, as after an ID-porten login.
    pub async fn client(&self, who: Who) -> Client {
        let mut client = Client::new(self.router.clone());
        if who == Who::Anonymous {
            return client;
        }
        if who.is_citizen() {
            return self.citizen_client(&self.fx.citizens[&who]).await;
        }
        let user_id = self.fx.users[&who];
        client.sign_in_directly(&self.db, user_id).await;
        client
    }

    pub fn anonymous(&self) -> Client {
        Client::new(self.router.clone())
    }

    /// A client signed in as `user`.
    pub async fn client_for(&self, user: UserId) -> Client {
        let mut client = Client::new(self.router.clone());
        client.sign_in_directly(&self.db, user).await;
        client
    }

    /// A client signed in as the citizen with `national_id` (a guardian or
    /// a youth, as the family's portal knows them), at ID-porten's high
    /// level of assurance.
    pub async fn citizen_client(&self, national_id: &str) -> Client {
        let mut client = Client::new(self.router.clone());
        client
            .sign_in_citizen_directly(&self.db, national_id, "idporten-loa-high")
            .await;
        client
    }

    /// [`concrete`](Self::concrete) as `who` tries the route: for the youth
    /// (`Who::Youth`) the log is their own — `{log}`, `{child}`,
    /// `{consent}` and `{national_id}` name the youth's log, the youth, the
    /// youth's own consent and the youth's number ([`crate::YouthFixtures`])
    /// — so that the youth's column means «the youth, on their own log».
    /// Every other role gets the standard fixture values.
    pub fn concrete_for(&self, who: Who, pattern: &str) -> String {
        if who != Who::Youth {
            return self.concrete(pattern);
        }
        let y = &self.fx.youth;
        self.concrete(
            &pattern
                .replace("{log}", &y.log.to_string())
                .replace("{child}", &y.child.to_string())
                .replace("{consent}", &y.consent.to_string())
                .replace("{national_id}", &y.national_id),
        )
    }

    /// Replaces `{municipality}`, `{unit}`, `{user}`, `{membership}` and
    /// `{name}` (a static file) in a route pattern with fixture values.
    pub fn concrete(&self, pattern: &str) -> String {
        let asset = laget_web::asset_url("app.css");
        pattern
            .replace("{municipality}", &self.fx.municipality.to_string())
            .replace("{unit}", &self.fx.unit.to_string())
            .replace("{user}", &self.fx.target_user.to_string())
            .replace("{membership}", &self.fx.target_membership.to_string())
            .replace("{offer}", &self.fx.offer.to_string())
            .replace("{proposal}", &self.fx.proposal.to_string())
            .replace("{code}", "sprak")
            .replace("{child}", &self.fx.log.child.to_string())
            .replace("{log}", &self.fx.log.log.to_string())
            .replace("{consent}", &self.fx.log.school_consent.to_string())
            .replace("{attachment}", &self.fx.log.attachment.to_string())
            .replace("{member}", &self.fx.log.child_member.to_string())
            .replace("{measure}", &self.fx.log.measure.to_string())
            .replace("{handover}", &self.fx.log.handover.to_string())
            .replace("{consultation}", &self.fx.log.consultation.to_string())
            .replace("{break_glass}", &self.fx.log.break_glass.to_string())
            .replace("{mother}", &self.fx.log.mother.to_string())
            .replace("{guardian}", &self.fx.log.mother.to_string())
            .replace("{father}", &self.fx.log.father.to_string())
            .replace("{national_id}", &self.fx.log.national_id)
            .replace(
                "{child_birth}",
                &laget_domain::children::national_id::NationalId::parse(&self.fx.log.national_id)
                    .ok()
                    .and_then(|n| n.birth_date())
                    .map(|d| d.format("%d.%m.%Y").to_string())
                    .unwrap_or_default(),
            )
            .replace("{ppt_unit}", &self.fx.log.ppt_unit.to_string())
            .replace("{ppt_member}", &self.fx.log.ppt_member.to_string())
            .replace("{health_unit}", &self.fx.log.health_unit.to_string())
            .replace(
                "{health_user}",
                &self.fx.users[&Who::HealthNotOnTeam].to_string(),
            )
            .replace("{name}", asset.trim_start_matches("/static/"))
    }

    /// Runs `f` on a database connection (for assertions and tampering),
    /// with the database's access-log key lent (`access_log::verify`).
    pub fn with_conn<T>(&self, f: impl FnOnce(&mut laget_db::DbConnection) -> T) -> T {
        self.db.read_blocking(|c| Ok(f(c))).expect("connection")
    }
}
