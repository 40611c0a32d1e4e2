//! «Demo kommune»: a fictional municipality with synthetic units and one login
//! per role, so that a newcomer can try every page. Nothing here is real: the
//! names are invented and the few national identity numbers are synthetic
//! (month plus 80). Running it twice changes nothing; a demo made by an older
//! version gets the users and logs it lacks.
//!
//! The catalogue of measures is `demo/offers.json` (67 invented offers on the
//! ladder), read by the same importer as `laget import offers`. The children
//! and their logs are in [`crate::demo_logs`]; their meetings and the
//! standing teams in [`crate::demo_meetings`].

use laget_db::{
    Db, DbConnection, DbError, admin::municipalities, admin::units, admin::users,
    catalogue::import as offers_import,
};
use laget_domain::MunicipalityId;
use laget_domain::access::Operator;
use laget_domain::admin::municipality::{MunicipalityName, MunicipalityNumber, WrittenStandard};
use laget_domain::admin::unit::{UnitKind, UnitName};
use laget_domain::admin::user::{DisplayName, Email, Role, Username};
use laget_domain::catalogue::io as catalogue_io;
use laget_web::AppState;

/// The one password of every demo account. Printed at start; demo only.
pub const DEMO_PASSWORD: &str = "Tusenfryd-Gulrot-Lunefull-42";
const DEMO_NUMBER: &str = "9999";
const NEIGHBOUR_NUMBER: &str = "9998";
const REQUEST_ID: &str = "demo";

pub struct Login {
    pub username: &'static str,
    pub role: &'static str,
    pub unit: Option<&'static str>,
}

const UNITS: &[(&str, UnitKind)] = &[
    ("Solsiden barnehage", UnitKind::Barnehage),
    ("Lia barnehage", UnitKind::Barnehage),
    ("Bakken skole", UnitKind::Skole),
    ("Bakken SFO", UnitKind::Sfo),
    ("Fjellet ungdomsskole", UnitKind::Skole),
    ("Helsestasjon og skolehelsetjeneste", UnitKind::Helsestasjon),
    ("PPT Demo", UnitKind::Ppt),
    ("Familiesenteret", UnitKind::Familiesenter),
    ("Psykisk helse og rus", UnitKind::PsykiskHelseRus),
    ("NAV Demo", UnitKind::Nav),
    ("Kultur og fritid", UnitKind::KulturFritid),
    ("Koordinerende enhet", UnitKind::KoordinerendeEnhet),
    ("Utekontakten", UnitKind::PsykiskHelseRus),
    ("Kulturskolen", UnitKind::KulturFritid),
    ("Fritidsklubben Boksen", UnitKind::KulturFritid),
    ("SLT-koordinator", UnitKind::Annet),
];

/// The demo catalogue, in the import format.
const OFFERS: &str = include_str!("../demo/offers.json");

/// (user name, full name, role, unit)
type DemoUser = (&'static str, &'static str, Role, Option<&'static str>);

const USERS: &[DemoUser] = &[
    (
        "ansatt",
        "Astrid Ansatt",
        Role::Ansatt,
        Some("Solsiden barnehage"),
    ),
    (
        "leder",
        "Leif Leder",
        Role::Leder,
        Some("Solsiden barnehage"),
    ),
    (
        "koordinator",
        "Kari Koordinator",
        Role::KoordinerendeEnhet,
        Some("Koordinerende enhet"),
    ),
    (
        "redaktor",
        "Rune Redaktør",
        Role::Tiltaksredaktor,
        Some("Familiesenteret"),
    ),
    (
        "kommuneadmin",
        "Anne Administrator",
        Role::Kommuneadministrator,
        None,
    ),
    ("larer", "Lars Lærer", Role::Ansatt, Some("Bakken skole")),
    ("rektor", "Randi Rektor", Role::Leder, Some("Bakken skole")),
    (
        "kontaktlarer",
        "Kjetil Kontaktlærer",
        Role::Ansatt,
        Some("Fjellet ungdomsskole"),
    ),
    (
        "pedagog",
        "Pia Pedagog",
        Role::Ansatt,
        Some("Lia barnehage"),
    ),
    ("ppt", "Petter PP-rådgiver", Role::Ansatt, Some("PPT Demo")),
    (
        "helsesykepleier",
        "Hanne Helsesykepleier",
        Role::Ansatt,
        Some("Helsestasjon og skolehelsetjeneste"),
    ),
    (
        "barnevern",
        "Bente Barnevern",
        Role::Ansatt,
        Some(BARNEVERN),
    ),
];

/// The child welfare service, shared with the neighbour municipality.
const BARNEVERN: &str = "Barnevernstjenesten Demo og Nabo";

/// «Nabo kommune» writes nynorsk: its own units and staff, so that the pages
/// of a nynorsk municipality can be tried (and are tested in the browser).
const NEIGHBOUR_UNITS: &[(&str, UnitKind)] = &[
    ("Nabo skule", UnitKind::Skole),
    ("Helsestasjonen i Nabo", UnitKind::Helsestasjon),
];

/// (user name, full name, role, unit) in «Nabo kommune».
const NEIGHBOUR_USERS: &[DemoUser] = &[
    ("nabo", "Nils Nabo", Role::Ansatt, Some("Nabo skule")),
    ("naboleiar", "Liv Leiar", Role::Leder, Some("Nabo skule")),
];

fn role_label(role: Role) -> &'static str {
    laget_web::i18n::NB.role(role)
}

fn corrupt(what: &str) -> DbError {
    DbError::Corrupt(what.to_owned())
}

pub fn seed(state: &AppState) -> anyhow::Result<Vec<Login>> {
    let db: &Db = &state.db;
    let op = Operator::at_console();
    let today = crate::catalogue::today();
    let mut logins: Vec<Login> = USERS
        .iter()
        .chain(NEIGHBOUR_USERS)
        .map(|(u, _, role, unit)| Login {
            username: u,
            role: role_label(*role),
            unit: *unit,
        })
        .collect();
    logins.push(Login {
        username: "sysadmin",
        role: "Systemadministrator",
        unit: None,
    });

    let number = MunicipalityNumber::parse(DEMO_NUMBER).map_err(|_| corrupt("demo number"))?;
    let existing = db.read_blocking(|c| municipalities::find_by_number(c, &number))?;
    // The demo users not there yet: all of them at first; those added since
    // in a demo made by an older version.
    let missing = db.read_blocking(|c| missing_users(c, USERS))?;
    let missing_neighbours = db.read_blocking(|c| missing_users(c, NEIGHBOUR_USERS))?;
    let hash = if existing.is_none() || !missing.is_empty() || !missing_neighbours.is_empty() {
        state.passwords.hash(DEMO_PASSWORD)?
    } else {
        String::new()
    };
    let demo = match existing {
        Some(m) => m.id,
        None => db.write_blocking(|c| create(c, &op, &hash))?,
    };
    if !missing.is_empty() {
        db.write_blocking(|c| add_users(c, &op, demo, &missing, &hash))?;
    }
    db.write_blocking(|c| crate::demo_logs::seed(c, demo, today))?;
    // Meetings and standing teams (added to a demo made by an older version
    // too).
    db.write_blocking(|c| crate::demo_meetings::seed(c, demo, today))?;
    // The neighbour's units, staff and log (added to a demo made by an older
    // version too; its written standard stays what it was made with).
    let number =
        MunicipalityNumber::parse(NEIGHBOUR_NUMBER).map_err(|_| corrupt("neighbour number"))?;
    if let Some(neighbour) = db.read_blocking(|c| municipalities::find_by_number(c, &number))? {
        let id = neighbour.id;
        if !missing_neighbours.is_empty() {
            db.write_blocking(|c| {
                let cap = op.administer(id);
                let have = units::list_in_municipality(c, id)?;
                for (name, kind) in NEIGHBOUR_UNITS {
                    if !have.iter().any(|u| u.name == *name) {
                        let fields = units::UnitFields {
                            name: UnitName::parse(name).map_err(|_| corrupt("unit name"))?,
                            kind: *kind,
                            active: true,
                            also_serves: vec![],
                        };
                        units::create(c, &cap, &fields, REQUEST_ID)?;
                    }
                }
                add_users(c, &op, id, &missing_neighbours, &hash)
            })?;
        }
        db.write_blocking(|c| crate::demo_logs::seed_neighbour(c, id, today))?;
        db.write_blocking(|c| crate::demo_meetings::seed_neighbour(c, id, today))?;
    }
    // The families who log in to the portal through the demo provider
    // (issue #12; added to a demo made by an older version too).
    db.write_blocking(|c| crate::demo_portal::seed(c, demo, today))?;
    // (P1) Individual plans: one active, one asked for (added to a demo
    // made by an older version too).
    db.write_blocking(|c| crate::demo_plans::seed(c, demo, today))?;
    // (R3) Reports of concern: the units' org numbers and addresses, the
    // districts, the co-signature rule, and reports in every state (added
    // to a demo made by an older version too).
    let neighbour_number =
        MunicipalityNumber::parse(NEIGHBOUR_NUMBER).map_err(|_| corrupt("neighbour number"))?;
    let neighbour = db
        .read_blocking(|c| municipalities::find_by_number(c, &neighbour_number))?
        .map(|m| m.id);
    db.write_blocking(|c| crate::demo_reports::seed(c, demo, neighbour, today))?;
    Ok(logins)
}

/// The users of a list that are not there yet.
fn missing_users(
    c: &mut DbConnection,
    list: &'static [DemoUser],
) -> Result<Vec<&'static DemoUser>, DbError> {
    let mut missing = Vec::new();
    for user in list {
        let name = Username::parse(user.0).map_err(|_| corrupt("username"))?;
        if users::find_by_username(c, &name)?.is_none() {
            missing.push(user);
        }
    }
    Ok(missing)
}

/// Adds demo users to a municipality, each with their role in their unit.
fn add_users(
    c: &mut DbConnection,
    op: &Operator,
    municipality: MunicipalityId,
    list: &[&DemoUser],
    hash: &str,
) -> Result<(), DbError> {
    let cap = op.administer(municipality);
    let units = units::list_in_municipality(c, municipality)?;
    for (username, name, role, unit) in list.iter().copied() {
        let new = users::NewUser {
            username: Username::parse(username).map_err(|_| corrupt("username"))?,
            display_name: DisplayName::parse(name).map_err(|_| corrupt("name"))?,
            email: Email::parse(&format!("{username}@demo.kommune.example")).ok(),
            password_hash: hash.to_owned(),
            is_system_admin: false,
        };
        let id = users::create(c, &cap, &new, REQUEST_ID)?;
        let unit_id = match unit {
            Some(u) => Some(
                units
                    .iter()
                    .find(|x| x.name == *u)
                    .map(|x| x.id)
                    .ok_or_else(|| corrupt("demo unit"))?,
            ),
            None => None,
        };
        users::add_membership(c, &cap, id, unit_id, *role, REQUEST_ID)?;
    }
    Ok(())
}

/// The municipality, its neighbour, the units, the system administrator and
/// the catalogue.
fn create(c: &mut DbConnection, op: &Operator, hash: &str) -> Result<MunicipalityId, DbError> {
    let system = op.system();
    let mk = |number: &str,
              name: &str,
              written_standard: WrittenStandard|
     -> Result<municipalities::NewMunicipality, DbError> {
        Ok(municipalities::NewMunicipality {
            number: MunicipalityNumber::parse(number).map_err(|_| corrupt("number"))?,
            name: MunicipalityName::parse(name).map_err(|_| corrupt("name"))?,
            written_standard,
        })
    };
    let demo = municipalities::create(
        c,
        &system,
        &mk(DEMO_NUMBER, "Demo kommune", WrittenStandard::Bokmal)?,
        REQUEST_ID,
    )?;
    // The neighbour writes nynorsk.
    let neighbour = municipalities::create(
        c,
        &system,
        &mk(NEIGHBOUR_NUMBER, "Nabo kommune", WrittenStandard::Nynorsk)?,
        REQUEST_ID,
    )?;
    let cap = op.administer(demo);
    for (name, kind) in UNITS {
        let fields = units::UnitFields {
            name: UnitName::parse(name).map_err(|_| corrupt("unit name"))?,
            kind: *kind,
            active: true,
            also_serves: vec![],
        };
        units::create(c, &cap, &fields, REQUEST_ID)?;
    }
    // A child welfare service shared with the neighbour (interkommunalt samarbeid).
    let shared = units::UnitFields {
        name: UnitName::parse(BARNEVERN).map_err(|_| corrupt("unit"))?,
        kind: UnitKind::Barnevern,
        active: true,
        also_serves: vec![neighbour],
    };
    units::create(c, &cap, &shared, REQUEST_ID)?;

    let sys = users::NewUser {
        username: Username::parse("sysadmin").map_err(|_| corrupt("username"))?,
        display_name: DisplayName::parse("Sigrid Systemadmin").map_err(|_| corrupt("name"))?,
        email: None,
        password_hash: hash.to_owned(),
        is_system_admin: true,
    };
    users::create(c, &system, &sys, REQUEST_ID)?;

    let rows =
        catalogue_io::parse_json(OFFERS).map_err(|e| corrupt(&format!("demo offers: {e:?}")))?;
    offers_import::import(
        c,
        &cap,
        &rows,
        crate::catalogue::today(),
        false,
        &mut |_| {},
    )?
    .map_err(|e| corrupt(&format!("demo offers: {e:?}")))?;
    Ok(demo)
}

pub fn print_logins(logins: &[Login]) {
    println!();
    println!("Demo kommune is ready. Log in with one of these (password: {DEMO_PASSWORD}):");
    for l in logins {
        match l.unit {
            Some(unit) => println!("  {:<16} {}, {unit}", l.username, l.role),
            None => println!("  {:<16} {}", l.username, l.role),
        }
    }
    println!();
    crate::demo_portal::print_families();
}
