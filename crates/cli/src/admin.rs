//! `laget admin …`: what an operator does at the server's command line. Every
//! change is recorded in the access log with the ground «operatør».

use crate::config::Config;
use anyhow::{Context as _, anyhow, bail};
use clap::Subcommand;
use laget_db::{Db, DbConnection, admin::municipalities, admin::units, admin::users};
use laget_domain::access::Operator;
use laget_domain::admin::municipality::{MunicipalityName, MunicipalityNumber, WrittenStandard};
use laget_domain::admin::unit::{UnitKind, UnitName};
use laget_domain::admin::user::{DisplayName, Email, Role, Username};
use laget_domain::session::password::NewPassword;
use laget_domain::validation::Problem;
use laget_web::PasswordHasher;
use std::io::BufRead;

#[derive(Subcommand)]
pub enum AdminCommand {
    /// Create a municipality.
    CreateMunicipality {
        /// The four-digit municipality number.
        #[arg(long)]
        number: String,
        #[arg(long)]
        name: String,
        /// nb (bokmål) or nn (nynorsk).
        #[arg(long, default_value = "nb")]
        written_standard: String,
    },
    /// Create a unit serving one or more municipalities.
    CreateUnit {
        /// Number of the municipality the unit belongs to.
        #[arg(long)]
        municipality: String,
        #[arg(long)]
        name: String,
        /// barnehage, skole, sfo, helsestasjon, ppt, barnevern, psykisk_helse_rus,
        /// familiesenter, nav, kultur_fritid, koordinerende_enhet or annet.
        #[arg(long)]
        kind: String,
        /// Numbers of other municipalities the unit also serves.
        #[arg(long = "also-serves")]
        also_serves: Vec<String>,
    },
    /// Create a user. The password is read from standard input with
    /// --password-stdin; otherwise a strong one is made and printed once.
    CreateUser {
        #[arg(long)]
        username: String,
        #[arg(long)]
        name: String,
        #[arg(long)]
        email: Option<String>,
        /// Number of the user's municipality (not for --system-admin).
        #[arg(long)]
        municipality: Option<String>,
        /// Role: ansatt, leder, koordinerende_enhet, tiltaksredaktor or kommuneadministrator.
        #[arg(long)]
        role: Option<String>,
        /// Name of the unit the role is held in (not for kommuneadministrator).
        #[arg(long)]
        unit: Option<String>,
        /// A system administrator, above the municipalities.
        #[arg(long)]
        system_admin: bool,
        #[arg(long)]
        password_stdin: bool,
    },
    /// Set a new password (ends the user's sessions).
    ResetPassword {
        #[arg(long)]
        username: String,
        #[arg(long)]
        password_stdin: bool,
    },
    /// Disable a user; their sessions end at once.
    DisableUser {
        #[arg(long)]
        username: String,
    },
    /// Make another municipality the host (vertskommune) of a unit: the one
    /// whose administrator alone changes the unit and gives roles in it.
    SetUnitHost {
        /// Number of a municipality the unit serves now.
        #[arg(long)]
        municipality: String,
        /// The unit's name.
        #[arg(long)]
        unit: String,
        /// Number of the new host municipality.
        #[arg(long)]
        host: String,
    },
}

const REQUEST_ID: &str = "cli";

fn field<T>(name: &str, r: Result<T, Problem>) -> anyhow::Result<T> {
    r.map_err(|p| anyhow!("--{name}: {}", laget_web::i18n::NB.problem(p)))
}

pub(crate) fn municipality_by_number(
    conn: &mut DbConnection,
    raw: &str,
) -> anyhow::Result<municipalities::Municipality> {
    let number = field("municipality", MunicipalityNumber::parse(raw))?;
    municipalities::find_by_number(conn, &number)?
        .ok_or_else(|| anyhow!("no municipality has number {number}"))
}

fn password(stdin: bool, context: &[&str]) -> anyhow::Result<(String, bool)> {
    if stdin {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line)?;
        let raw = line.trim_end_matches(['\r', '\n']);
        let p = field("password", NewPassword::parse(raw, context))?;
        Ok((p.expose().to_owned(), false))
    } else {
        Ok((generate_password(), true))
    }
}

/// Four random words' worth of entropy: 20 characters from a 56-letter alphabet.
fn generate_password() -> String {
    use rand::Rng;
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::rngs::OsRng;
    let chars: Vec<char> = (0..20)
        .map(|_| char::from(ALPHABET[rng.gen_range(0..ALPHABET.len())]))
        .collect();
    chars
        .chunks(5)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join("-")
}

pub fn run(db: &Db, config: &Config, command: AdminCommand) -> anyhow::Result<()> {
    let op = Operator::at_console();
    match command {
        AdminCommand::CreateMunicipality {
            number,
            name,
            written_standard,
        } => {
            let new = municipalities::NewMunicipality {
                number: field("number", MunicipalityNumber::parse(&number))?,
                name: field("name", MunicipalityName::parse(&name))?,
                written_standard: field(
                    "written-standard",
                    WrittenStandard::from_code(&written_standard),
                )?,
            };
            let id = db
                .write_blocking(|c| municipalities::create(c, &op.system(), &new, REQUEST_ID))
                .map_err(|e| match e {
                    laget_db::DbError::Taken => {
                        anyhow!("a municipality with number {number} exists already")
                    }
                    other => other.into(),
                })?;
            println!(
                "Created municipality {} {} ({id})",
                new.number,
                new.name.as_str()
            );
        }
        AdminCommand::CreateUnit {
            municipality,
            name,
            kind,
            also_serves,
        } => {
            let id = db.write_blocking(|c| {
                let home = municipality_by_number(c, &municipality)
                    .map_err(|e| laget_db::DbError::Corrupt(e.to_string()))?;
                let mut others = Vec::new();
                for n in &also_serves {
                    others.push(
                        municipality_by_number(c, n)
                            .map_err(|e| laget_db::DbError::Corrupt(e.to_string()))?
                            .id,
                    );
                }
                let fields = units::UnitFields {
                    name: UnitName::parse(&name)
                        .map_err(|p| laget_db::DbError::Corrupt(format!("--name: {p:?}")))?,
                    kind: UnitKind::from_code(&kind).map_err(|_| {
                        laget_db::DbError::Corrupt(format!("--kind: unknown kind {kind:?}"))
                    })?,
                    active: true,
                    also_serves: others,
                };
                units::create(c, &op.administer(home.id), &fields, REQUEST_ID)
            })?;
            println!("Created unit {name} ({id})");
        }
        AdminCommand::CreateUser {
            username,
            name,
            email,
            municipality,
            role,
            unit,
            system_admin,
            password_stdin,
        } => {
            let username = field("username", Username::parse(&username))?;
            let display_name = field("name", DisplayName::parse(&name))?;
            let email = email
                .as_deref()
                .map(Email::parse)
                .transpose()
                .map_err(|p| anyhow!("--email: {}", laget_web::i18n::NB.problem(p)))?;
            let role = role
                .as_deref()
                .map(Role::from_code)
                .transpose()
                .map_err(|_| anyhow!("--role: unknown role"))?;
            if system_admin && municipality.is_some() {
                bail!(
                    "a system administrator belongs to no municipality: leave out --municipality"
                );
            }
            if !system_admin && municipality.is_none() {
                bail!("--municipality is required (or --system-admin)");
            }
            if role.is_some_and(Role::is_unit_role) && unit.is_none() {
                bail!("--unit is required for that role");
            }
            let (password, generated) =
                password(password_stdin, &[username.as_str(), display_name.as_str()])?;
            let hasher = PasswordHasher::new(config.web().password)?;
            let password_hash = hasher.hash(&password)?;
            let new = users::NewUser {
                username: username.clone(),
                display_name,
                email,
                password_hash,
                is_system_admin: system_admin,
            };
            let id = db
                .write_blocking(|c| {
                    let id = match &municipality {
                        None => users::create(c, &op.system(), &new, REQUEST_ID)?,
                        Some(number) => {
                            let m = municipality_by_number(c, number)
                                .map_err(|e| laget_db::DbError::Corrupt(e.to_string()))?;
                            let cap = op.administer(m.id);
                            let id = users::create(c, &cap, &new, REQUEST_ID)?;
                            if let Some(role) = role {
                                let unit_id = match &unit {
                                    Some(unit_name) => Some(
                                        // Roles are given only in units the
                                        // municipality hosts (vertskommune).
                                        units::list_in_municipality(c, m.id)?
                                            .into_iter()
                                            .find(|u| u.name == *unit_name && u.host == m.id)
                                            .ok_or_else(|| {
                                                laget_db::DbError::Corrupt(format!(
                                                    "no unit named {unit_name:?} with {} as its host municipality",
                                                    m.name
                                                ))
                                            })?
                                            .id,
                                    ),
                                    None => None,
                                };
                                users::add_membership(c, &cap, id, unit_id, role, REQUEST_ID)?;
                            }
                            id
                        }
                    };
                    Ok(id)
                })
                .map_err(|e| match e {
                    laget_db::DbError::Taken => anyhow!("the user name {username} is taken"),
                    other => other.into(),
                })?;
            println!("Created user {username} ({id})");
            if generated {
                println!("Password (shown once): {password}");
            }
        }
        AdminCommand::ResetPassword {
            username,
            password_stdin,
        } => {
            let username = field("username", Username::parse(&username))?;
            let user = db
                .read_blocking(|c| users::find_by_username(c, &username))?
                .ok_or_else(|| anyhow!("no user {username}"))?;
            let (password, generated) =
                password(password_stdin, &[username.as_str(), &user.display_name])?;
            let hash = PasswordHasher::new(config.web().password)?.hash(&password)?;
            db.write_blocking(|c| {
                users::set_password_hash(c, &op.system(), user.id, &hash, REQUEST_ID)
            })
            .context("setting the password")?;
            println!("New password set for {username}; their sessions have ended.");
            if generated {
                println!("Password (shown once): {password}");
            }
        }
        AdminCommand::DisableUser { username } => {
            let username = field("username", Username::parse(&username))?;
            let user = db
                .read_blocking(|c| users::find_by_username(c, &username))?
                .ok_or_else(|| anyhow!("no user {username}"))?;
            db.write_blocking(|c| users::set_disabled(c, &op.system(), user.id, true, REQUEST_ID))?;
            println!("Disabled {username}; their sessions have ended.");
        }
        AdminCommand::SetUnitHost {
            municipality,
            unit,
            host,
        } => {
            let corrupt = |e: anyhow::Error| laget_db::DbError::Corrupt(e.to_string());
            let (unit_id, host_name) = db.write_blocking(|c| {
                let m = municipality_by_number(c, &municipality).map_err(corrupt)?;
                let new_host = municipality_by_number(c, &host).map_err(corrupt)?;
                let found = units::list_in_municipality(c, m.id)?
                    .into_iter()
                    .find(|u| u.name == unit)
                    .ok_or_else(|| {
                        laget_db::DbError::Corrupt(format!("no unit named {unit:?} in {}", m.name))
                    })?;
                units::set_host(c, &op.system(), found.id, new_host.id, REQUEST_ID)?;
                Ok((found.id, new_host.name))
            })?;
            println!("{unit} ({unit_id}) now has {host_name} as its host municipality.");
        }
    }
    Ok(())
}
