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
use laget_domain::ids::{
    AttachmentId, BreakGlassId, ChildId, ConsentId, ConsultationId, GuardianId, HandoverId, LogId,
    MeasureId, OfferId, ProposalId, TeamMemberId,
};
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
    /// Staff of «Testdalen PPT», on the test log's team, covered by consent.
    PptOnTeam,
    /// Staff of «Testbakken skole», on the team, but only one of the two
    /// guardians has consented for the school (the rule needs both).
    SchoolWithoutConsent,
    /// Staff of «Testheia helsestasjon», not on the team.
    HealthNotOnTeam,
    /// Staff of «Testbyen barneverntjeneste», holding break-glass for the log.
    ChildWelfareBreakGlass,
}

impl Who {
    /// The columns of the log access matrix.
    pub const LOG: [Who; 10] = [
        Who::Anonymous,
        Who::Ansatt,
        Who::Leder,
        Who::PptOnTeam,
        Who::SchoolWithoutConsent,
        Who::HealthNotOnTeam,
        Who::ChildWelfareBreakGlass,
        Who::KoordinerendeEnhet,
        Who::Kommuneadministrator,
        Who::Systemadmin,
    ];
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
            Who::PptOnTeam => "test.ppt",
            Who::SchoolWithoutConsent => "test.skole",
            Who::HealthNotOnTeam => "test.helse",
            Who::ChildWelfareBreakGlass => "test.barnevern",
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
    /// The child's log and what hangs on it.
    pub log: LogFixtures,
}

/// A child of Testlia barnehage with a log led by the staff member
/// (`Who::Ansatt`): two guardians with parental responsibility; a consent
/// from both for PPT (with a scanned form); a consent from the mother only for
/// the school; PPT and school staff on the team; a proposed measure; a
/// pending handover to PPT; an anonymous consultation; and a break-glass
/// opening by child welfare.
#[derive(Clone, Debug)]
pub struct LogFixtures {
    pub child: ChildId,
    pub national_id: String,
    pub mother: GuardianId,
    pub father: GuardianId,
    pub log: LogId,
    pub ppt_unit: UnitId,
    pub school_unit: UnitId,
    pub health_unit: UnitId,
    pub ppt_consent: ConsentId,
    pub school_consent: ConsentId,
    pub attachment: AttachmentId,
    /// The child, as a team member.
    pub child_member: TeamMemberId,
    pub ppt_member: TeamMemberId,
    pub measure: MeasureId,
    pub handover: HandoverId,
    pub consultation: ConsultationId,
    pub break_glass: BreakGlassId,
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

/// A key for a test database's access log, held only in memory.
pub fn random_audit_key() -> laget_domain::audit::AuditKey {
    laget_domain::audit::AuditKey::from_bytes(rand::random())
}

/// A fresh, migrated, empty database on `backend`.
pub fn fresh_db(backend: &Backend) -> (Db, Cleanup) {
    let id = uuid::Uuid::now_v7().simple().to_string();
    match backend {
        Backend::Sqlite => {
            let dir = std::env::temp_dir().join(format!("laget-test-{id}"));
            let db = Db::connect(dir.join("laget.sqlite3").to_str().expect("utf-8 path"))
                .expect("sqlite")
                .with_audit_key(random_audit_key());
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
            let db = Db::connect_in_schema(url, Some(&schema))
                .expect("postgres")
                .with_audit_key(random_audit_key());
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
                &laget_domain::national_id::NationalId::parse(&self.fx.log.national_id)
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

        let log = log_fixtures(
            c,
            &cap,
            m,
            unit,
            &mut made,
            &|c, username, name, unit_cap| new_user(c, username, name, unit_cap, false),
        )?;

        Ok(Fixtures {
            log,
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

type NewUserFn<'a> = dyn Fn(
        &mut laget_db::DbConnection,
        &str,
        &str,
        &dyn laget_domain::access::AdministersUsers,
    ) -> laget_db::DbResult<UserId>
    + 'a;

/// The log fixtures (see [`LogFixtures`]); `today` is the real day, so
/// deadlines and consent periods are relative to it.
fn log_fixtures(
    c: &mut laget_db::DbConnection,
    cap: &laget_domain::access::MunicipalityAdmin,
    m: MunicipalityId,
    kindergarten: UnitId,
    made: &mut HashMap<Who, UserId>,
    new_user: &NewUserFn<'_>,
) -> laget_db::DbResult<LogFixtures> {
    use laget_db::{casework, children, logs};
    use laget_domain::access::{Actor, Membership};
    use laget_domain::child::{NewChild, NewGuardian};
    use laget_domain::consent::{ConsentForm, ConsentRule, Giver, NewConsent};
    use laget_domain::escalation::LogSettings;
    use laget_domain::national_id::NationalId;
    use laget_domain::stafett::{Concern, HandoverChecklist, MeasureForm, MemberKind, NewMeasure};

    let today = chrono::Utc::now()
        .with_timezone(&chrono_tz::Europe::Oslo)
        .date_naive();
    let d = |days: i64| {
        (today + chrono::Duration::days(days))
            .format("%d.%m.%Y")
            .to_string()
    };
    let unit_fields = |name: &str, kind| units::UnitFields {
        name: UnitName::parse(name).unwrap(),
        kind,
        active: true,
        also_serves: vec![],
    };
    let mut staff =
        |c: &mut laget_db::DbConnection, who: Who, name: &str, unit_name: &str, kind| {
            let unit = units::create(c, cap, &unit_fields(unit_name, kind), "fixture")?;
            let id = new_user(c, who.username(), name, cap)?;
            users::add_membership(c, cap, id, Some(unit), Role::Ansatt, "fixture")?;
            made.insert(who, id);
            Ok::<_, laget_db::DbError>((unit, id))
        };
    let (ppt_unit, ppt_user) = staff(
        c,
        Who::PptOnTeam,
        "Petra Testppt",
        "Testdalen PPT",
        UnitKind::Ppt,
    )?;
    let (school_unit, school_user) = staff(
        c,
        Who::SchoolWithoutConsent,
        "Sondre Testskole",
        "Testbakken skole",
        UnitKind::Skole,
    )?;
    let (health_unit, _) = staff(
        c,
        Who::HealthNotOnTeam,
        "Hege Testhelse",
        "Testheia helsestasjon",
        UnitKind::Helsestasjon,
    )?;
    let (welfare_unit, welfare_user) = staff(
        c,
        Who::ChildWelfareBreakGlass,
        "Bjørn Testbarnevern",
        "Testbyen barneverntjeneste",
        UnitKind::Barnevern,
    )?;
    let member = |unit, role| Membership {
        municipality_id: m,
        unit_id: Some(unit),
        role,
    };
    let lead = Actor::new(
        made[&Who::Ansatt],
        false,
        vec![member(kindergarten, Role::Ansatt)],
    );
    let ppt = Actor::new(ppt_user, false, vec![member(ppt_unit, Role::Ansatt)]);
    let welfare = Actor::new(
        welfare_user,
        false,
        vec![member(welfare_unit, Role::Ansatt)],
    );
    let casework = lead.casework(kindergarten).unwrap();

    let born = today - chrono::Duration::days(6 * 365);
    let nid = NationalId::synthetic(born, 7).unwrap();
    let national_id = nid.expose().to_owned();
    let new_child = NewChild::parse(
        "Testbarn Fikstursen",
        &born.format("%d.%m.%Y").to_string(),
        false,
        &national_id,
        today,
    )
    .unwrap();
    let child = children::create(c, &casework, &new_child, &[], "fixture")?;
    let guardian = |c: &mut laget_db::DbConnection, name: &str, relation: &str| {
        children::add_guardian(
            c,
            &casework,
            child,
            &NewGuardian::parse(name, relation, "900 00 000", "", true).unwrap(),
            "fixture",
        )
    };
    let mother = guardian(c, "Mona Fikstursen", "mor")?;
    let father = guardian(c, "Frode Fikstursen", "far")?;
    let concern = Concern::parse(
        "Trekker seg unna i lek og sier lite.",
        &d(-3),
        &["sprak"],
        "",
        &["sprak".to_owned()],
        &[],
        today,
    )
    .unwrap();
    let log = logs::start(c, &casework, child, &concern, today, "fixture")?;
    let writer = |c: &mut laget_db::DbConnection, actor: &Actor| {
        let facts = logs::facts(c, log, actor.user_id(), today)?;
        Ok::<_, laget_db::DbError>(actor.open_log(&facts, today).unwrap().writer().unwrap())
    };
    let w = writer(c, &lead)?;
    let consent = |givers: Vec<Giver>, unit: UnitId, method: &str| {
        let g: Vec<String> = givers.iter().map(|g| g.code()).collect();
        let u = unit.to_string();
        let form = ConsentForm {
            givers: g.iter().map(String::as_str).collect(),
            units: vec![u.as_str()],
            purposes: vec!["dele", "mote"],
            valid_from: &d(-1),
            valid_to: &d(200),
            method,
            note: "",
            has_scan: method == "papir",
        };
        NewConsent::parse(&form, &givers, &[unit]).unwrap()
    };
    let scan = logs::Scan {
        file_name: "samtykke.pdf".into(),
        content_type: "application/pdf".into(),
        content: b"%PDF-1.4 synthetic test scan".to_vec(),
    };
    let both = vec![Giver::Guardian(mother), Giver::Guardian(father)];
    let ppt_consent = logs::add_consent(
        c,
        &w,
        &consent(both, ppt_unit, "papir"),
        Some(scan),
        "fixture",
    )?;
    let school_consent = logs::add_consent(
        c,
        &w,
        &consent(vec![Giver::Guardian(mother)], school_unit, "digitalt"),
        None,
        "fixture",
    )?;
    let attachment: String = {
        use diesel::prelude::*;
        laget_db::schema::consents::table
            .find(ppt_consent.to_string())
            .select(laget_db::schema::consents::attachment_id)
            .first::<Option<String>>(c)?
            .unwrap()
    };
    let ppt_member =
        logs::add_staff(c, &w, ppt_user, ppt_unit, "PPT-rådgiver", today, "fixture")?.unwrap();
    // The school joined while the municipality accepted one guardian's
    // consent; it now needs both, so the school sees nothing.
    let settings = |rule| LogSettings {
        consent_rule: rule,
        ..LogSettings::default()
    };
    let op = laget_domain::access::Operator::at_console();
    logs::set_settings(
        c,
        &op.administer(m),
        &settings(ConsentRule::AnyGuardian),
        "fixture",
    )?;
    let w = writer(c, &lead)?;
    logs::add_staff(
        c,
        &w,
        school_user,
        school_unit,
        "Kontaktlærer",
        today,
        "fixture",
    )?
    .unwrap();
    logs::set_settings(
        c,
        &op.administer(m),
        &settings(ConsentRule::AllGuardians),
        "fixture",
    )?;
    let child_member = logs::add_person(
        c,
        &w,
        &logs::Person {
            kind: MemberKind::Child,
            name: "Testbarn Fikstursen",
            role: "Barnet",
            guardian: None,
        },
        today,
        "fixture",
    )?
    .unwrap();
    let ppt_member_s = ppt_member.to_string();
    let measure = NewMeasure::parse(
        &MeasureForm {
            offer: "",
            name: "Språkgruppe",
            goal: "Snakker mer i lek med andre barn.",
            responsible: &ppt_member_s,
            start: &d(-1),
            evaluate_by: &d(30),
            is_final: false,
            best_interest: "",
        },
        &[],
        &[ppt_member],
    )
    .unwrap();
    let measure = logs::add_measure(c, &w, &measure, "fixture")?;
    let proposer = lead
        .open_log(&logs::facts(c, log, lead.user_id(), today)?, today)
        .unwrap()
        .handover_proposer()
        .unwrap();
    let handover = logs::propose_handover(
        c,
        &proposer,
        ppt_member,
        &HandoverChecklist::parse(false, "", false, "").unwrap(),
        today,
        "fixture",
    )?
    .unwrap();
    let consultation = casework::add_consultation(
        c,
        &casework,
        &casework::NewConsultation {
            age_band: "1-5".into(),
            summary: "Et barn som er stille i lek.".into(),
            advice: "Observer i to uker.".into(),
            advisers: "PPT".into(),
            held_on: today - chrono::Duration::days(10),
        },
        "fixture",
    )?;
    let right = welfare.break_glass_right(m, &[welfare_unit]).unwrap();
    let break_glass = casework::open_break_glass(
        c,
        &right,
        log,
        "Bekymringsmelding mottatt i dag.",
        "fixture",
    )?;
    let _ = ppt;
    Ok(LogFixtures {
        child,
        national_id,
        mother,
        father,
        log,
        ppt_unit,
        school_unit,
        health_unit,
        ppt_consent,
        school_consent,
        attachment: attachment.parse().unwrap(),
        child_member,
        ppt_member,
        measure,
        handover,
        consultation,
        break_glass,
    })
}
