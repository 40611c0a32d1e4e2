//! Synthetic national data (`laget demo generate`, and the bench's
//! «national scale»): municipalities of skewed sizes, their units and staff
//! made through the real admin functions, and children with logs, consents,
//! teams, measures, evaluations, meetings, timeline entries and access-log
//! rows, bulk-inserted.
//!
//! Everything is invented: names from the short lists in `names.rs`, no
//! national identity numbers, municipality numbers from 9000 up (no real
//! municipality has a number from 9000; the demo's 9998 and 9999 are above
//! the largest plan allowed). The access-log rows are appended through
//! [`crate::audit::append_all`], so the chain stays whole and keyed.
//!
//! ```no_run
//! # use laget_db::{Db, generate};
//! # fn f(db: &Db) -> laget_db::DbResult<()> {
//! let plan = generate::Plan { municipalities: 356, children: 1_100_000, seed: 1,
//!     password_hash: String::new() };
//! let summary = generate::national(db, &plan, &mut |_stage, _done, _total| {})?;
//! let sample = &summary.samples[0]; // a log with 200 entries, and its lead
//! # Ok(()) }
//! ```

mod names;
mod rows;

use crate::admin::{municipalities, units, users};
use crate::schema::municipalities as municipalities_t;
use crate::{Db, DbConnection, DbError, DbResult};
use chrono::{NaiveDate, Utc};
use diesel::prelude::*;
use laget_domain::access::Operator;
use laget_domain::admin::municipality::{MunicipalityName, MunicipalityNumber, WrittenStandard};
use laget_domain::admin::unit::{UnitKind, UnitName};
use laget_domain::admin::user::{DisplayName, Role, Username};
use laget_domain::ids::{ChildId, LogId};
use laget_domain::{MunicipalityId, UnitId, UserId};
use std::time::{Duration, Instant};

/// The first municipality number the generator uses; the plan's
/// municipalities get the numbers from here up.
pub const FIRST_NUMBER: u32 = 9000;
/// At most this many municipalities (numbers 9000–9899; the demo keeps
/// 9998 and 9999).
pub const MAX_MUNICIPALITIES: u32 = 900;
/// Timeline entries on each sample log ([`Summary::samples`]).
pub const SAMPLE_ENTRIES: usize = 200;
/// The request id of every row the generator writes to the access log.
pub const REQUEST_ID: &str = "generate";
/// Sample logs: one in each of the largest municipalities, up to this many.
const SAMPLES: usize = 3;
/// Children per transaction.
const CHUNK: u64 = 20_000;

/// What to generate.
#[derive(Clone, Debug)]
pub struct Plan {
    /// How many municipalities (1 to [`MAX_MUNICIPALITIES`]).
    pub municipalities: u32,
    /// Children in all; each municipality gets at least one.
    pub children: u64,
    /// The same seed gives the same sizes, names and shapes (not the same
    /// ids, which are UUID v7).
    pub seed: u64,
    /// The password hash every generated staff account gets (an argon2id
    /// PHC string; empty for accounts nobody signs in to with a password).
    pub password_hash: String,
}

/// The stages, in order, as [`national`] reports its progress.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    /// Municipalities, their units and staff through the admin functions;
    /// counted in municipalities.
    Municipalities,
    /// Children and all their logs' rows, and the access log; counted in
    /// children.
    Children,
    /// The planner's statistics (ANALYZE); 0 of 1, then 1 of 1.
    Analyze,
}

impl Stage {
    pub fn name(self) -> &'static str {
        match self {
            Self::Municipalities => "municipalities, units, staff",
            Self::Children => "children, logs, access log",
            Self::Analyze => "analyze",
        }
    }
}

/// A log with [`SAMPLE_ENTRIES`] timeline entries and a staff member who may
/// open it: its lead, a staff member of its home unit («egen enhet»).
#[derive(Clone, Debug)]
pub struct Sample {
    pub municipality: MunicipalityId,
    pub unit: UnitId,
    pub child: ChildId,
    pub log: LogId,
    pub user: UserId,
    /// The lead's user name (signs in with the plan's password).
    pub username: String,
}

/// Rows written, per table.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub municipalities: u64,
    pub units: u64,
    pub users: u64,
    pub children: u64,
    pub guardians: u64,
    pub logs: u64,
    pub open_logs: u64,
    pub consents: u64,
    pub team_members: u64,
    pub measures: u64,
    pub evaluations: u64,
    pub meetings: u64,
    pub meeting_participants: u64,
    pub log_entries: u64,
    /// Rows appended to the access log (the admin functions' and the
    /// generated history's).
    pub access_log: u64,
}

/// What [`national`] made.
#[derive(Clone, Debug)]
pub struct Summary {
    pub counts: Counts,
    /// The municipalities' numbers and sizes (children), largest first.
    pub sizes: Vec<(String, u64)>,
    pub samples: Vec<Sample>,
    /// How long each stage took.
    pub stages: Vec<(Stage, Duration)>,
}

/// The numbers the plan's municipalities get, in order.
pub fn numbers(plan: &Plan) -> Vec<String> {
    (0..plan.municipalities)
        .map(|i| format!("{:04}", FIRST_NUMBER + i))
        .collect()
}

/// The plan's municipality numbers that are already in the database. The
/// generator refuses to run when there is any: it never mixes its data into
/// a municipality it did not make.
pub fn taken_numbers(conn: &mut DbConnection, plan: &Plan) -> DbResult<Vec<String>> {
    let mut taken: Vec<String> = municipalities_t::table
        .filter(municipalities_t::number.eq_any(numbers(plan)))
        .select(municipalities_t::number)
        .load(conn)?;
    taken.sort();
    Ok(taken)
}

/// The numbers of the municipalities the database holds, sorted. The
/// generator only ever fills an empty database, one made for the purpose:
/// any municipality at all refuses it, so its staff (who sign in with the
/// published demo password) never appear beside real ones.
pub fn existing_numbers(conn: &mut DbConnection) -> DbResult<Vec<String>> {
    let mut numbers: Vec<String> = municipalities_t::table
        .select(municipalities_t::number)
        .load(conn)?;
    numbers.sort();
    Ok(numbers)
}

/// What is wrong with the plan, if anything.
pub fn check(plan: &Plan) -> Result<(), String> {
    if plan.municipalities == 0 || plan.municipalities > MAX_MUNICIPALITIES {
        return Err(format!(
            "municipalities must be 1 to {MAX_MUNICIPALITIES} (numbers {FIRST_NUMBER}–{})",
            FIRST_NUMBER + MAX_MUNICIPALITIES - 1
        ));
    }
    if plan.children < u64::from(plan.municipalities) {
        return Err("every municipality needs at least one child".into());
    }
    Ok(())
}

/// Fills `db` (migrated, with the access log's key) with the plan's
/// synthetic municipalities and children, reporting progress as
/// `progress(stage, done, total)`. Refuses with [`DbError::Taken`] when the
/// database holds any municipality ([`existing_numbers`]; [`taken_numbers`]
/// names those of the plan's), before writing anything; [`DbError::Conflict`] for a plan [`check`] refuses.
///
/// Each municipality's setup is one transaction, and so is each chunk of
/// its children: a failure leaves whole municipalities and whole chunks.
pub fn national(
    db: &Db,
    plan: &Plan,
    progress: &mut dyn FnMut(Stage, u64, u64),
) -> DbResult<Summary> {
    check(plan).map_err(|_| DbError::Conflict)?;
    if !db.read_blocking(existing_numbers)?.is_empty() {
        return Err(DbError::Taken);
    }
    let today = Utc::now().date_naive();
    let mut rng = Rng::new(plan.seed);
    let sizes = sizes(plan.municipalities, plan.children, &mut rng);
    let numbers = numbers(plan);
    let mut counts = Counts::default();
    let before = db.read_blocking(crate::audit::count)?;
    let mut stages = Vec::new();

    // Municipalities, units and staff, through the admin functions.
    let started = Instant::now();
    let total = u64::from(plan.municipalities);
    progress(Stage::Municipalities, 0, total);
    let mut towns = Vec::with_capacity(sizes.len());
    for (i, (number, &children)) in numbers.iter().zip(&sizes).enumerate() {
        let town = db.write_blocking(|c| setup(c, plan, i, number, children, &mut rng))?;
        counts.municipalities += 1;
        counts.units += town.units.len() as u64;
        counts.users += town.users;
        towns.push(town);
        progress(Stage::Municipalities, i as u64 + 1, total);
    }
    stages.push((Stage::Municipalities, started.elapsed()));

    // Children and their logs, in bulk.
    let started = Instant::now();
    progress(Stage::Children, 0, plan.children);
    let mut done = 0u64;
    let mut samples = Vec::new();
    for (i, town) in towns.iter().enumerate() {
        // A municipality's share of children with a log: 4–6 %.
        let share = 0.04 + 0.02 * rng.unit();
        let mut left = town.children;
        let mut first = true;
        while left > 0 {
            let n = left.min(CHUNK);
            let want_sample = first && i < SAMPLES;
            let batch = rows::Batch::make(town, n, share, want_sample, today, &mut rng);
            let sample = batch.sample.clone();
            db.write_blocking(|c| batch.insert(c))?;
            batch.count(&mut counts);
            samples.extend(sample);
            first = false;
            left -= n;
            done += n;
            progress(Stage::Children, done, plan.children);
        }
    }
    stages.push((Stage::Children, started.elapsed()));

    let started = Instant::now();
    progress(Stage::Analyze, 0, 1);
    db.analyze()?;
    progress(Stage::Analyze, 1, 1);
    stages.push((Stage::Analyze, started.elapsed()));

    counts.access_log = u64::try_from(db.read_blocking(crate::audit::count)? - before).unwrap_or(0);
    let mut sizes: Vec<(String, u64)> = numbers.into_iter().zip(sizes).collect();
    sizes.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    Ok(Summary {
        counts,
        sizes,
        samples,
        stages,
    })
}

/// The municipalities' sizes, largest first, summing to `children`: a
/// rank-size (Zipf-like) curve with some noise, so a few are large and
/// most are small, and each has at least one child.
fn sizes(municipalities: u32, children: u64, rng: &mut Rng) -> Vec<u64> {
    let n = municipalities as usize;
    let mut weights: Vec<f64> = (0..n)
        .map(|i| (0.85 + 0.3 * rng.unit()) / (i as f64 + 1.5).powf(1.1))
        .collect();
    weights.sort_by(|a, b| b.total_cmp(a));
    let sum: f64 = weights.iter().sum();
    let rest = children - n as u64;
    let exact: Vec<f64> = weights.iter().map(|w| w / sum * rest as f64).collect();
    let mut sizes: Vec<u64> = exact.iter().map(|x| 1 + x.floor() as u64).collect();
    // Largest remainders get the children the floors left over.
    let mut short = children - sizes.iter().sum::<u64>();
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| (exact[b] - exact[b].floor()).total_cmp(&(exact[a] - exact[a].floor())));
    for &i in order.iter().cycle() {
        if short == 0 {
            break;
        }
        sizes[i] += 1;
        short -= 1;
    }
    sizes
}

/// A unit as the children's stage needs it.
pub(super) struct TownUnit {
    pub id: UnitId,
    pub name: String,
    pub kind: UnitKind,
    /// (id, display name, user name); the first is the unit's leader.
    pub staff: Vec<(UserId, String, String)>,
}

/// A municipality made by [`setup`].
pub(super) struct Town {
    pub id: MunicipalityId,
    pub children: u64,
    pub units: Vec<TownUnit>,
    pub users: u64,
}

impl Town {
    pub fn of_kind(&self, kind: UnitKind) -> Vec<&TownUnit> {
        self.units.iter().filter(|u| u.kind == kind).collect()
    }
}

fn corrupt(what: &str) -> DbError {
    DbError::Corrupt(format!("generated {what} is not valid"))
}

/// One municipality with its units and staff, as an operator would make
/// them: `municipalities::create` (with the settings a new municipality
/// gets), `units::create`, `users::create` and `users::add_membership`.
fn setup(
    c: &mut DbConnection,
    plan: &Plan,
    index: usize,
    number: &str,
    children: u64,
    rng: &mut Rng,
) -> DbResult<Town> {
    let op = Operator::at_console();
    let a = names::PLACE_A[index % names::PLACE_A.len()];
    let b = names::PLACE_B[(index / names::PLACE_A.len()) % names::PLACE_B.len()];
    let name = if index < names::PLACE_A.len() * names::PLACE_B.len() {
        format!("{a}{b} kommune")
    } else {
        format!("{a}{b} kommune {number}")
    };
    // One in ten writes nynorsk, about as in the country.
    let written_standard = if index % 10 == 3 {
        WrittenStandard::Nynorsk
    } else {
        WrittenStandard::Bokmal
    };
    let id = municipalities::create(
        c,
        &op.system(),
        &municipalities::NewMunicipality {
            number: MunicipalityNumber::parse(number).map_err(|_| corrupt("number"))?,
            name: MunicipalityName::parse(&name).map_err(|_| corrupt("name"))?,
            written_standard,
        },
        REQUEST_ID,
    )?;
    let cap = op.administer(id);

    // Kindergartens of about 70 children (the youngest third), schools of
    // about 300 (the rest), and one of each service.
    let kindergartens = ((children as f64 / 3.0 / 70.0).round() as usize).max(1);
    let schools = ((children as f64 * 2.0 / 3.0 / 300.0).round() as usize).max(1);
    let mut plan_units: Vec<(String, UnitKind, usize)> = Vec::new();
    let place = |i: usize, rng: &mut Rng| {
        let p = format!(
            "{}{}",
            rng.pick(names::PLACE_A),
            names::PLACE_B[i % names::PLACE_B.len()]
        );
        let mut chars = p.chars();
        chars
            .next()
            .map_or(p.clone(), |f| f.to_string() + chars.as_str())
    };
    for i in 0..kindergartens {
        plan_units.push((
            format!("{} barnehage", place(i, rng)),
            UnitKind::Barnehage,
            1,
        ));
    }
    for i in 0..schools {
        plan_units.push((format!("{} skole", place(i, rng)), UnitKind::Skole, 2));
    }
    // Service staff grow with the municipality: 1 to 6 besides the leader.
    let service = (1 + children / 10_000).min(6) as usize;
    for (unit, kind) in [
        ("Helsestasjon og skolehelsetjeneste", UnitKind::Helsestasjon),
        ("PPT", UnitKind::Ppt),
        ("Barneverntjenesten", UnitKind::Barnevern),
        ("Familiesenteret", UnitKind::Familiesenter),
        ("Psykisk helse og rus", UnitKind::PsykiskHelseRus),
        ("Koordinerende enhet", UnitKind::KoordinerendeEnhet),
    ] {
        plan_units.push((unit.to_owned(), kind, service));
    }

    let mut made = Vec::with_capacity(plan_units.len());
    let mut user_count = 0u64;
    let mut new_user = |c: &mut DbConnection,
                        unit: Option<UnitId>,
                        role: Role,
                        username: String,
                        rng: &mut Rng|
     -> DbResult<(UserId, String, String)> {
        let display = format!("{} {}", rng.pick(names::FIRST), rng.pick(names::LAST));
        let user = users::create(
            c,
            &cap,
            &users::NewUser {
                username: Username::parse(&username).map_err(|_| corrupt("user name"))?,
                display_name: DisplayName::parse(&display).map_err(|_| corrupt("user"))?,
                email: None,
                password_hash: plan.password_hash.clone(),
                is_system_admin: false,
            },
            REQUEST_ID,
        )?;
        users::add_membership(c, &cap, user, unit, role, REQUEST_ID)?;
        user_count += 1;
        Ok((user, display, username))
    };
    for (u, (unit_name, kind, staff)) in plan_units.into_iter().enumerate() {
        let unit = units::create(
            c,
            &cap,
            &units::UnitFields {
                name: UnitName::parse(&unit_name).map_err(|_| corrupt("unit name"))?,
                kind,
                active: true,
                also_serves: vec![],
            },
            REQUEST_ID,
        )?;
        let mut people = Vec::with_capacity(staff + 1);
        for k in 0..=staff {
            let role = match (k, kind) {
                (0, _) => Role::Leder,
                (_, UnitKind::KoordinerendeEnhet) => Role::KoordinerendeEnhet,
                _ => Role::Ansatt,
            };
            people.push(new_user(
                c,
                Some(unit),
                role,
                format!("g{number}-{u}-{k}"),
                rng,
            )?);
        }
        made.push(TownUnit {
            id: unit,
            name: unit_name,
            kind,
            staff: people,
        });
    }
    new_user(
        c,
        None,
        Role::Kommuneadministrator,
        format!("g{number}-admin"),
        rng,
    )?;
    Ok(Town {
        id,
        children,
        units: made,
        users: user_count,
    })
}

/// A small, fast, seeded generator (SplitMix64): the shapes follow the
/// plan's seed without a dependency.
pub(super) struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed ^ 0x5DEE_CE66_D1CE_4E5B)
    }
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// A number in `0..n` (`n` > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    /// A number in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }
    pub fn pick<'a, T>(&mut self, list: &'a [T]) -> &'a T {
        &list[self.below(list.len() as u64) as usize]
    }
}

/// ISO date, as the schema stores dates.
pub(super) fn iso(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn sizes_add_up_and_are_skewed() {
        let mut rng = Rng::new(7);
        let s = sizes(356, 1_100_000, &mut rng);
        assert_eq!(s.iter().sum::<u64>(), 1_100_000);
        assert!(s.iter().all(|&n| n >= 1));
        assert!(s[0] > 50 * s[355], "{} vs {}", s[0], s[355]);
        let small = s.iter().filter(|&&n| n < 3_000).count();
        assert!(small > 356 / 2, "most are small: {small}");
        let s = sizes(3, 3, &mut rng);
        assert_eq!(s, vec![1, 1, 1]);
    }
}
