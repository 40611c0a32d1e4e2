//! Test support: a [`TestApp`] that builds the real router on a fresh
//! database, one [`Client`] per role, and builders for fixtures.
//!
//! Every integration test runs against SQLite, and also against PostgreSQL
//! when `DATABASE_URL` is set (CI sets it): use [`backends`] and
//! [`TestApp::new`] for each.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use axum::Router;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use http_body_util::BodyExt;
use laget_db::{Db, municipalities, offers, sessions, units, users};
use laget_domain::access::Operator;
use laget_domain::catalogue::{AccessRoute, OfferFields, OfferStatus, PreventionLevel};
use laget_domain::ids::MembershipId;
use laget_domain::ids::{OfferId, ProposalId};
use laget_domain::municipality::{MunicipalityName, MunicipalityNumber, WrittenStandard};
use laget_domain::unit::{UnitKind, UnitName};
use laget_domain::user::{DisplayName, Email, Role, Username};
use laget_domain::{MunicipalityId, UnitId, UserId};
use laget_web::{AppState, RouteInfo, WebConfig};
use std::collections::HashMap;
use std::sync::OnceLock;
use tower::ServiceExt;

/// The password of every fixture user.
pub const PASSWORD: &str = "Fjordhest-Syltetøy-Blåbær-71";

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

/// The roles the access matrix checks, plus the anonymous visitor.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Who {
    Anonymous,
    Ansatt,
    Leder,
    KoordinerendeEnhet,
    Tiltaksredaktor,
    Kommuneadministrator,
    /// Municipality administrator of *another* municipality.
    OtherKommuneadministrator,
    Systemadmin,
}

impl Who {
    pub const ALL: [Who; 8] = [
        Who::Anonymous,
        Who::Ansatt,
        Who::Leder,
        Who::KoordinerendeEnhet,
        Who::Tiltaksredaktor,
        Who::Kommuneadministrator,
        Who::OtherKommuneadministrator,
        Who::Systemadmin,
    ];
    pub fn username(self) -> &'static str {
        match self {
            Who::Anonymous => "",
            Who::Ansatt => "test.ansatt",
            Who::Leder => "test.leder",
            Who::KoordinerendeEnhet => "test.koordinator",
            Who::Tiltaksredaktor => "test.redaktor",
            Who::Kommuneadministrator => "test.kommuneadmin",
            Who::OtherKommuneadministrator => "test.annenadmin",
            Who::Systemadmin => "test.sysadmin",
        }
    }
}

/// What the fixtures created.
#[derive(Clone, Debug)]
pub struct Fixtures {
    pub municipality: MunicipalityId,
    pub other_municipality: MunicipalityId,
    /// «Testlia barnehage», led by the leader; the staff member works there.
    pub unit: UnitId,
    /// «Testbyen skole» in the other municipality.
    pub other_unit: UnitId,
    pub users: HashMap<Who, UserId>,
    /// A staff member in the first municipality that tests may change.
    pub target_user: UserId,
    pub target_membership: MembershipId,
    /// A published offer of Testlia barnehage.
    pub offer: OfferId,
    /// A waiting proposal to change that offer's ages.
    pub proposal: ProposalId,
}

/// A published offer's fields, provided by `unit`.
pub fn offer_fields(unit: UnitId, name: &str) -> OfferFields {
    OfferFields {
        name: name.to_owned(),
        provider_unit: unit,
        description: "Et tilbud i testdataene.\n\nAndre avsnitt.".to_owned(),
        level: PreventionLevel::Selektiv,
        age_from: 6,
        age_to: 12,
        pregnant: false,
        challenge_areas: vec!["skolefravaer".to_owned()],
        risk_factors: vec![7],
        access: AccessRoute::Henvisning,
        access_requirements: "Henvisning fra skolen.".to_owned(),
        contact_person: "Test Testesen".to_owned(),
        contact_phone: "+47 400 00 000".to_owned(),
        contact_email: "tilbud@test.example".to_owned(),
        contact_address: String::new(),
        capacity: "10 barn".to_owned(),
        waiting_weeks: Some(2),
        evidence_level: 2,
        evidence_local: false,
        evidence_link: String::new(),
        cost: "Gratis".to_owned(),
        languages: vec!["norsk".to_owned()],
        status: OfferStatus::Publisert,
        valid_from: None,
        valid_to: None,
        ladder_step: 2,
    }
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

/// A fresh, migrated, empty database on `backend`.
pub fn fresh_db(backend: &Backend) -> (Db, Cleanup) {
    let id = uuid::Uuid::now_v7().simple().to_string();
    match backend {
        Backend::Sqlite => {
            let dir = std::env::temp_dir().join(format!("laget-test-{id}"));
            let db = Db::connect(dir.join("laget.sqlite3").to_str().expect("utf-8 path"))
                .expect("sqlite");
            db.migrate().expect("migrate");
            (
                db,
                Cleanup {
                    sqlite_dir: Some(dir),
                    pg: None,
                },
            )
        }
        Backend::Postgres(url) => {
            let schema = format!("test_{id}");
            let db = Db::connect_in_schema(url, Some(&schema)).expect("postgres");
            db.migrate().expect("migrate");
            (
                db,
                Cleanup {
                    sqlite_dir: None,
                    pg: Some((url.clone(), schema)),
                },
            )
        }
    }
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
    /// the login form itself is tested on its own).
    pub async fn client(&self, who: Who) -> Client {
        let mut client = Client::new(self.router.clone());
        if who == Who::Anonymous {
            return client;
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
            .replace("{name}", asset.trim_start_matches("/static/"))
    }

    /// Runs `f` on a database connection (for assertions and tampering).
    pub fn with_conn<T>(&self, f: impl FnOnce(&mut laget_db::DbConnection) -> T) -> T {
        let mut conn = self.db.conn().expect("connection");
        f(&mut conn)
    }
}

/// Builds the standard fixtures: two municipalities, a unit in each, and one
/// user per role.
pub fn fixtures(db: &Db, hash: &str) -> Fixtures {
    let op = Operator::at_console();
    db.write_blocking(|c| {
        let mk = |n: &str, name: &str| municipalities::NewMunicipality {
            number: MunicipalityNumber::parse(n).unwrap(),
            name: MunicipalityName::parse(name).unwrap(),
            written_standard: WrittenStandard::Bokmal,
        };
        let m = municipalities::create(c, &op.system(), &mk("9001", "Testkommune"), "fixture")?;
        let other =
            municipalities::create(c, &op.system(), &mk("9002", "Annenkommune"), "fixture")?;
        let unit_fields = |name: &str, kind| units::UnitFields {
            name: UnitName::parse(name).unwrap(),
            kind,
            active: true,
            also_serves: vec![],
        };
        let cap = op.administer(m);
        let other_cap = op.administer(other);
        let unit = units::create(
            c,
            &cap,
            &unit_fields("Testlia barnehage", UnitKind::Barnehage),
            "fixture",
        )?;
        let ke = units::create(
            c,
            &cap,
            &unit_fields("Koordinerende enhet", UnitKind::KoordinerendeEnhet),
            "fixture",
        )?;
        let other_unit = units::create(
            c,
            &other_cap,
            &unit_fields("Testbyen skole", UnitKind::Skole),
            "fixture",
        )?;

        let mut made = HashMap::new();
        let new_user = |c: &mut laget_db::DbConnection,
                        username: &str,
                        name: &str,
                        cap: &dyn laget_domain::access::AdministersUsers,
                        sys: bool| {
            let new = users::NewUser {
                username: Username::parse(username).unwrap(),
                display_name: DisplayName::parse(name).unwrap(),
                email: Some(Email::parse(&format!("{username}@test.example")).unwrap()),
                password_hash: hash.to_owned(),
                is_system_admin: sys,
            };
            users::create(c, cap, &new, "fixture")
        };
        let roles: [(Who, &str, Option<UnitId>, Role); 5] = [
            (Who::Ansatt, "Tora Testansatt", Some(unit), Role::Ansatt),
            (Who::Leder, "Lars Testleder", Some(unit), Role::Leder),
            (
                Who::KoordinerendeEnhet,
                "Kaja Testkoordinator",
                Some(ke),
                Role::KoordinerendeEnhet,
            ),
            (
                Who::Tiltaksredaktor,
                "Rolf Testredaktør",
                Some(unit),
                Role::Tiltaksredaktor,
            ),
            (
                Who::Kommuneadministrator,
                "Ada Testadmin",
                None,
                Role::Kommuneadministrator,
            ),
        ];
        for (who, name, unit, role) in roles {
            let id = new_user(c, who.username(), name, &cap, false)?;
            users::add_membership(c, &cap, id, unit, role, "fixture")?;
            made.insert(who, id);
        }
        let id = new_user(
            c,
            Who::OtherKommuneadministrator.username(),
            "Otto Annenadmin",
            &other_cap,
            false,
        )?;
        users::add_membership(
            c,
            &other_cap,
            id,
            None,
            Role::Kommuneadministrator,
            "fixture",
        )?;
        made.insert(Who::OtherKommuneadministrator, id);
        let id = new_user(
            c,
            Who::Systemadmin.username(),
            "Siri Testsystem",
            &op.system(),
            true,
        )?;
        made.insert(Who::Systemadmin, id);

        let target = new_user(c, "test.maal", "Mona Målbruker", &cap, false)?;
        let target_membership =
            users::add_membership(c, &cap, target, Some(unit), Role::Ansatt, "fixture")?;

        let fields = offer_fields(unit, "Testtilbud ved skolefravær");
        let offer = offers::create(c, &cap, m, &fields, Some("test-1"))?;
        let mut older = fields.clone();
        older.age_to = 15;
        let due = chrono::Utc::now().date_naive() + chrono::Days::new(14);
        let proposal = match offers::update(c, &cap, offer, &older, due)? {
            offers::SaveOutcome::Proposed(p) => p,
            other => panic!("expected a proposal, got {other:?}"),
        };

        Ok(Fixtures {
            municipality: m,
            other_municipality: other,
            unit,
            other_unit,
            users: made,
            target_user: target,
            target_membership,
            offer,
            proposal,
        })
    })
    .expect("fixtures")
}

/// A response, read whole.
#[derive(Debug)]
pub struct TestResponse {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: String,
}

impl TestResponse {
    pub fn location(&self) -> &str {
        self.headers
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    /// The value of the first hidden `_csrf` input, if the page has a form.
    pub fn csrf(&self) -> Option<String> {
        let marker = "name=\"_csrf\" value=\"";
        let start = self.body.find(marker)? + marker.len();
        let end = self.body[start..].find('"')?;
        Some(self.body[start..start + end].to_owned())
    }
}

/// A browser-like client: keeps cookies and sends the CSRF token with forms.
pub struct Client {
    router: Router,
    cookies: HashMap<String, String>,
    csrf: Option<String>,
}

impl Client {
    pub fn new(router: Router) -> Self {
        Self {
            router,
            cookies: HashMap::new(),
            csrf: None,
        }
    }

    async fn sign_in_directly(&mut self, db: &Db, user: UserId) {
        let token = laget_web::random_token();
        let csrf = laget_web::random_token();
        let hash = laget_web::session_token_hash(&token);
        let csrf2 = csrf.clone();
        db.write(move |c| sessions::create(c, &hash, user, &csrf2, chrono::Utc::now()))
            .await
            .expect("session");
        self.cookies.insert("laget_session".into(), token);
        self.csrf = Some(csrf);
    }

    pub fn cookie(&self, name: &str) -> Option<&str> {
        self.cookies.get(name).map(String::as_str)
    }

    pub fn set_cookie(&mut self, name: &str, value: &str) {
        self.cookies.insert(name.into(), value.into());
    }

    pub async fn request(&mut self, req: Request<Body>) -> TestResponse {
        let mut req = req;
        if !self.cookies.is_empty() {
            let cookie = self
                .cookies
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join("; ");
            req.headers_mut()
                .insert(header::COOKIE, cookie.parse().unwrap());
        }
        let response = self.router.clone().oneshot(req).await.expect("infallible");
        for value in response.headers().get_all(header::SET_COOKIE) {
            let raw = value.to_str().unwrap_or("");
            let Some((pair, attrs)) = raw.split_once(';').or(Some((raw, ""))) else {
                continue;
            };
            let Some((name, val)) = pair.split_once('=') else {
                continue;
            };
            if val.is_empty() || attrs.contains("Max-Age=0") {
                self.cookies.remove(name);
            } else {
                self.cookies.insert(name.to_owned(), val.to_owned());
            }
        }
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response
            .into_body()
            .collect()
            .await
            .expect("body")
            .to_bytes();
        let body = String::from_utf8_lossy(&bytes).into_owned();
        let response = TestResponse {
            status,
            headers,
            body,
        };
        if let Some(token) = response.csrf() {
            self.csrf = Some(token);
        }
        response
    }

    pub async fn get(&mut self, path: &str) -> TestResponse {
        self.request(
            Request::builder()
                .method(Method::GET)
                .uri(path)
                .body(Body::empty())
                .unwrap(),
        )
        .await
    }

    /// Posts a form with the current CSRF token (fetching a page first if no
    /// token is known yet).
    pub async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> TestResponse {
        if self.csrf.is_none() {
            self.get("/logg-inn").await;
        }
        let token = self.csrf.clone().unwrap_or_default();
        let mut all: Vec<(&str, &str)> = vec![("_csrf", token.as_str())];
        all.extend_from_slice(fields);
        self.post_raw(path, &all).await
    }

    /// Posts exactly `fields`, with no token added.
    pub async fn post_raw(&mut self, path: &str, fields: &[(&str, &str)]) -> TestResponse {
        let body = serde_urlencoded::to_string(fields).unwrap();
        let req = Request::builder()
            .method(Method::POST)
            .uri(path)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .unwrap();
        self.request(req).await
    }

    /// Logs in through the login form.
    pub async fn login(&mut self, username: &str, password: &str) -> TestResponse {
        self.get("/logg-inn").await;
        self.post(
            "/logg-inn",
            &[
                ("brukernavn", username),
                ("passord", password),
                ("neste", "/"),
            ],
        )
        .await
    }
}
