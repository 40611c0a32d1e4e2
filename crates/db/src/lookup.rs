//! Lookups that must run *before* an access decision, so they take no
//! capability: they load what `laget_domain::access` needs to decide. Each
//! returns ids, flags and dates only — no child's name, story or record.
//!
//! Every other public function that reads or changes a child's data (in
//! `children`, `casework` and `log`) takes a capability; a test
//! (`capability_check`) fails when one does not. Keep this module small and
//! its callers few. The callers, outside tests and the demo data:
//! - [`actor`], [`actor_with_home`]: the session (`laget_web::extract::user`,
//!   once per request) and the CLI's demo loader (`laget_cli::demo_logs`,
//!   acting as demo staff).
//! - [`log_facts`]: `laget_web::extract::log::open` (every log page opens
//!   through it). (`casework::openable`, inside this crate, reads the same
//!   facts directly, for lists that name children.)
//! - [`units_of_child`]: `laget_web::children` (the child's page and its
//!   edit form, before `Actor::casework` / `Actor::edit_child`).
//! - [`child_welfare_units`]: `laget_web::casework::tasks` (break-glass,
//!   before `Actor::break_glass_right`).
//! - [`citizen`]: the session (`laget_web::extract::citizen`, once per
//!   request of a citizen).
//! - [`family_facts`], [`family_logs`]: `laget_web::portal` (every portal
//!   page of a log opens through `CitizenActor::open_log`).
//! - [`report_facts`]: `laget_web::reports` (every page of one report
//!   opens through `Actor::open_report`).
//! - [`demo_youth_number`]: the demo OpenID provider
//!   (`laget_web::oidc::demo_provider`, mounted by `laget serve --demo`
//!   only), before the login decides who the citizen is.

use crate::schema::{memberships, units, users};
use crate::{DbConnection, DbResult, parse_id};
use chrono::NaiveDate;
use diesel::prelude::*;
use laget_domain::access::{
    Actor, CitizenActor, FamilyFacts, FamilyGuardian, LogFacts, Membership, ReportFacts,
};
use laget_domain::ids::{ChildId, CitizenId, LogId, ReportId};
use laget_domain::{MunicipalityId, UnitId, UserId};

/// The actor for a signed-in user: their rights, as the access rules see
/// them. The one place outside tests that makes an [`Actor`].
pub fn actor(conn: &mut DbConnection, id: UserId) -> DbResult<Actor> {
    let is_system_admin: bool = users::table
        .find(id.to_string())
        .select(users::is_system_admin)
        .first(conn)?;
    let memberships = crate::admin::users::memberships_of(conn, id)?
        .into_iter()
        .map(|m| Membership {
            municipality_id: m.municipality_id,
            unit_id: m.unit_id,
            role: m.role,
        })
        .collect();
    let child_welfare: Vec<String> = memberships::table
        .inner_join(units::table)
        .filter(memberships::user_id.eq(id.to_string()))
        .filter(units::kind.eq(laget_domain::admin::unit::UnitKind::Barnevern.code()))
        .select(units::id)
        .load(conn)?;
    #[allow(
        clippy::disallowed_methods,
        reason = "the session builds the actor from the database; nothing else may"
    )]
    let actor = Actor::new(id, is_system_admin, memberships);
    Ok(actor.with_child_welfare_units(
        child_welfare
            .iter()
            .map(|u| parse_id(u))
            .collect::<DbResult<_>>()?,
    ))
}

/// [`actor`] and the user's municipality
/// ([`crate::admin::users::home_municipality`]) in two statements: what the
/// session reads on every request of a signed-in user.
pub fn actor_with_home(
    conn: &mut DbConnection,
    id: UserId,
) -> DbResult<(Actor, Option<crate::admin::users::HomeMunicipality>)> {
    use crate::admin::users::HomeMunicipality;
    use crate::schema::municipalities;
    use laget_domain::admin::municipality::WrittenStandard;
    use laget_domain::admin::user::Role;
    let standard = |code: &str| {
        WrittenStandard::from_code(code)
            .map_err(|_| crate::DbError::Corrupt(format!("written standard {code}")))
    };
    let (is_system_admin, home_name, home_standard): (bool, Option<String>, Option<String>) =
        users::table
            .left_join(
                municipalities::table
                    .on(users::home_municipality_id.eq(municipalities::id.nullable())),
            )
            .filter(users::id.eq(id.to_string()))
            .select((
                users::is_system_admin,
                municipalities::name.nullable(),
                municipalities::written_standard.nullable(),
            ))
            .first(conn)?;
    /// (municipality, unit, role, the unit's kind, the municipality's name
    /// and written standard, created)
    type Line = (
        String,
        Option<String>,
        String,
        Option<String>,
        String,
        String,
        i64,
    );
    // In the order of `memberships_of` (the unit's name, the role), which
    // the pages show.
    let rows: Vec<Line> = memberships::table
        .left_join(units::table)
        .inner_join(municipalities::table.on(memberships::municipality_id.eq(municipalities::id)))
        .filter(memberships::user_id.eq(id.to_string()))
        .order((units::name, memberships::role))
        .select((
            memberships::municipality_id,
            memberships::unit_id,
            memberships::role,
            units::kind.nullable(),
            municipalities::name,
            municipalities::written_standard,
            memberships::created_at,
        ))
        .load(conn)?;
    let mut memberships = Vec::with_capacity(rows.len());
    let mut child_welfare = Vec::new();
    for (m, unit, role, kind, _, _, _) in &rows {
        let unit_id: Option<UnitId> = unit.as_deref().map(parse_id).transpose()?;
        if let (Some(u), Some(k)) = (unit_id, kind.as_deref())
            && k == laget_domain::admin::unit::UnitKind::Barnevern.code()
        {
            child_welfare.push(u);
        }
        memberships.push(Membership {
            municipality_id: parse_id(m)?,
            unit_id,
            role: Role::from_code(role)
                .map_err(|_| crate::DbError::Corrupt(format!("role {role}")))?,
        });
    }
    let home = match (home_name, home_standard) {
        (Some(name), Some(code)) => Some(HomeMunicipality {
            name,
            written_standard: standard(&code)?,
        }),
        // The municipality of the first membership made.
        _ => match rows.iter().min_by_key(|r| r.6) {
            Some((_, _, _, _, name, code, _)) => Some(HomeMunicipality {
                name: name.clone(),
                written_standard: standard(code)?,
            }),
            None => None,
        },
    };
    #[allow(
        clippy::disallowed_methods,
        reason = "the session builds the actor from the database; nothing else may"
    )]
    let actor = Actor::new(id, is_system_admin, memberships);
    Ok((actor.with_child_welfare_units(child_welfare), home))
}

/// What the access rules need to decide whether `actor` may open `log`
/// (`Actor::open_log`). Ids and dates only; `DbError::NotFound` if there
/// is no such log.
pub fn log_facts(
    conn: &mut DbConnection,
    log: LogId,
    actor: UserId,
    today: NaiveDate,
) -> DbResult<LogFacts> {
    crate::log::facts(conn, log, actor, today)
}

/// The units a child attends (ids only), so the caller can ask for a
/// capability in one of them.
pub fn units_of_child(conn: &mut DbConnection, child: ChildId) -> DbResult<Vec<UnitId>> {
    crate::children::units_of(conn, child)
}

/// The units of a municipality that are child welfare services, whose
/// staff may use break-glass (`Actor::break_glass_right`).
pub fn child_welfare_units(conn: &mut DbConnection, m: MunicipalityId) -> DbResult<Vec<UnitId>> {
    let ids: Vec<String> = units::table
        .inner_join(crate::schema::unit_municipalities::table)
        .filter(crate::schema::unit_municipalities::municipality_id.eq(m.to_string()))
        .filter(units::kind.eq("barnevern"))
        .select(units::id)
        .load(conn)?;
    ids.iter().map(|i| parse_id(i)).collect()
}

/// The citizen of a live session, as the family's access rules see them.
/// The one place outside tests that makes a [`CitizenActor`].
pub fn citizen(conn: &mut DbConnection, id: CitizenId) -> DbResult<CitizenActor> {
    let national_id: String = crate::schema::citizens::table
        .find(id.to_string())
        .select(crate::schema::citizens::national_id)
        .first(conn)?;
    #[allow(
        clippy::disallowed_methods,
        reason = "the session builds the citizen from the database; nothing else may"
    )]
    let citizen = CitizenActor::new(id, national_id);
    Ok(citizen)
}

/// What the family's access rules need to decide whether a citizen may
/// open `log` (`CitizenActor::open_log`): the child's national identity
/// number and age, and its guardians' numbers and responsibility.
/// `DbError::NotFound` if there is no such log.
pub fn family_facts(
    conn: &mut DbConnection,
    log: LogId,
    today: NaiveDate,
) -> DbResult<FamilyFacts> {
    use crate::schema::{children, guardians, logs};
    let (child, municipality, status, national_id, birth, unborn): (
        String,
        String,
        String,
        Option<String>,
        String,
        bool,
    ) = logs::table
        .inner_join(children::table)
        .filter(logs::id.eq(log.to_string()))
        .select((
            children::id,
            logs::municipality_id,
            logs::status,
            children::national_id,
            children::birth_date,
            children::unborn,
        ))
        .first(conn)?;
    let born = NaiveDate::parse_from_str(&birth, "%Y-%m-%d")
        .map_err(|e| crate::DbError::Corrupt(e.to_string()))?;
    let birth = if unborn {
        laget_domain::children::Birth::Expected(born)
    } else {
        laget_domain::children::Birth::Born(born)
    };
    let rows: Vec<(String, Option<String>, bool, Option<i64>)> = guardians::table
        .filter(guardians::child_id.eq(&child))
        .select((
            guardians::id,
            guardians::national_id,
            guardians::parental_responsibility,
            guardians::ended_at,
        ))
        .load(conn)?;
    Ok(FamilyFacts {
        log_id: log,
        municipality_id: parse_id(&municipality)?,
        is_open: status == laget_domain::log::stafett::LogStatus::Open.code(),
        child_national_id: national_id,
        child_age: birth.age_on(today),
        guardians: rows
            .into_iter()
            .map(|(id, national_id, responsible, ended)| {
                Ok(FamilyGuardian {
                    id: parse_id(&id)?,
                    national_id,
                    responsible,
                    ended: ended.is_some(),
                })
            })
            .collect::<DbResult<_>>()?,
    })
}

/// The logs a citizen might open: those about a child with their national
/// identity number, or whose child has a guardian with it. Ids only, newest
/// first; the caller decides each with `CitizenActor::open_log`.
pub fn family_logs(conn: &mut DbConnection, citizen: &CitizenActor) -> DbResult<Vec<LogId>> {
    use crate::schema::{children, guardians, logs};
    let number = citizen.national_id().to_owned();
    let as_guardian = guardians::table
        .filter(guardians::national_id.eq(number.clone()))
        .select(guardians::child_id);
    let ids: Vec<String> = logs::table
        .inner_join(children::table)
        .filter(
            children::national_id
                .eq(&number)
                .or(children::id.eq_any(as_guardian)),
        )
        .order(logs::created_at.desc())
        .select(logs::id)
        .load(conn)?;
    ids.iter().map(|i| parse_id(i)).collect()
}

/// The national identity number of the child named `child` in the
/// municipality with the number `municipality` («Demo kommune»: 9999), if
/// there is exactly one such child with a number. The demo provider's
/// stand-in for the population register: ID-porten knows a person's number
/// from Folkeregisteret; the demo provider finds the number of the demo's
/// youth by name (synthetic, made at seeding from a birth date relative to
/// that day, so it cannot be a constant). Nothing else calls this.
pub fn demo_youth_number(
    conn: &mut DbConnection,
    municipality: &str,
    child: &str,
) -> DbResult<Option<String>> {
    use crate::schema::{children, municipalities};
    let numbers: Vec<Option<String>> = children::table
        .inner_join(municipalities::table.on(municipalities::id.eq(children::municipality_id)))
        .filter(municipalities::number.eq(municipality))
        .filter(children::name.eq(child))
        .select(children::national_id)
        .limit(2)
        .load(conn)?;
    Ok(match numbers.as_slice() {
        [Some(n)] => Some(n.clone()),
        _ => None,
    })
}

/// What the access rules need to decide whether a user may open `report`
/// (`Actor::open_report`): its reporter, unit, status and the child welfare
/// service it went to. `DbError::NotFound` if there is no such report.
pub fn report_facts(conn: &mut DbConnection, report: ReportId) -> DbResult<ReportFacts> {
    use crate::schema::reports;
    let (municipality, reporter, unit, status, cw): (
        String,
        String,
        String,
        String,
        Option<String>,
    ) = reports::table
        .find(report.to_string())
        .select((
            reports::municipality_id,
            reports::reporter_id,
            reports::reporter_unit_id,
            reports::status,
            reports::child_welfare_unit_id,
        ))
        .first(conn)?;
    Ok(ReportFacts {
        report_id: report,
        municipality_id: parse_id(&municipality)?,
        reporter: parse_id(&reporter)?,
        reporter_unit: parse_id(&unit)?,
        status: laget_domain::reports::ReportStatus::from_code(&status)
            .ok_or_else(|| crate::DbError::Corrupt(format!("report status {status}")))?,
        child_welfare_unit: cw.as_deref().map(parse_id).transpose()?,
    })
}

/// The child welfare services that serve `municipality` (ids only): where
/// a report about a child of it is delivered, and who may see its counts.
pub fn child_welfare_serving(
    conn: &mut DbConnection,
    municipality: MunicipalityId,
) -> DbResult<Vec<UnitId>> {
    child_welfare_units(conn, municipality)
}
