//! Children and their guardians. Staff reach the children of their own units
//! only (`UnitCasework`); there is no search across the municipality.

use crate::schema::{child_units, children, guardians, logs, units};
use crate::{DbConnection, DbError, DbResult, access_log, parse_id, to_micros};
use chrono::{NaiveDate, Utc};
use diesel::prelude::*;
use laget_domain::access::{Capability, UnitCasework};
use laget_domain::audit::{AccessRecord, Action, ObjectType, Scope};
use laget_domain::child::{Birth, NewChild, NewGuardian, Relation};
use laget_domain::ids::{ChildId, GuardianId, LogId};
use laget_domain::national_id::NationalId;
use laget_domain::{MunicipalityId, UnitId};

pub(crate) fn iso(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

pub(crate) fn date(raw: &str) -> DbResult<NaiveDate> {
    NaiveDate::parse_from_str(raw, "%Y-%m-%d")
        .map_err(|_| DbError::Corrupt(format!("date {raw:?}")))
}

/// Where a caseworker's records live: their unit, in its municipality.
pub(crate) fn casework_scope(cap: &UnitCasework) -> Scope {
    Scope {
        municipality_id: Some(cap.municipality_id()),
        unit_id: Some(cap.unit_id()),
    }
}

/// The scope of an access-log row about one child: the child's
/// municipality, which a caseworker of a shared unit need not share
/// (DESIGN.md, Access, rule 8), and the caseworker's unit.
pub(crate) fn child_scope(
    conn: &mut DbConnection,
    cap: &UnitCasework,
    child: ChildId,
) -> DbResult<Scope> {
    let m: String = children::table
        .find(child.to_string())
        .select(children::municipality_id)
        .first(conn)?;
    Ok(Scope {
        municipality_id: Some(parse_id(&m)?),
        unit_id: Some(cap.unit_id()),
    })
}

/// Appends an access-log row for `object` under `cap`.
pub(crate) fn record(
    conn: &mut DbConnection,
    cap: &dyn Capability,
    object: ObjectType,
    id: impl ToString,
    action: Action,
    scope: Scope,
    request_id: &str,
) -> DbResult<()> {
    access_log::append(
        conn,
        &AccessRecord::new(cap, object, id, action, scope, request_id),
    )?;
    Ok(())
}

/// A child as lists and pages show it.
#[derive(Clone, Debug)]
pub struct Child {
    pub id: ChildId,
    pub municipality_id: MunicipalityId,
    pub name: String,
    pub birth: Birth,
    /// Shown masked only (birth date part).
    pub national_id_masked: Option<String>,
    pub units: Vec<(UnitId, String)>,
}

#[derive(Clone, Debug)]
pub struct Guardian {
    pub id: GuardianId,
    pub name: String,
    pub relation: Relation,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub parental_responsibility: bool,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = children)]
struct Row {
    id: String,
    municipality_id: String,
    name: String,
    birth_date: String,
    unborn: bool,
    national_id: Option<String>,
}

fn masked(raw: &Option<String>) -> Option<String> {
    raw.as_deref()
        .and_then(|n| NationalId::parse(n).ok())
        .map(|n| n.masked())
}

fn assemble(conn: &mut DbConnection, rows: Vec<Row>) -> DbResult<Vec<Child>> {
    let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
    let attends: Vec<(String, String, String)> = child_units::table
        .inner_join(units::table.on(units::id.eq(child_units::unit_id)))
        .filter(child_units::child_id.eq_any(&ids))
        .order(units::name)
        .select((child_units::child_id, units::id, units::name))
        .load(conn)?;
    rows.into_iter()
        .map(|r| {
            let id = r.id.clone();
            let units = attends
                .iter()
                .filter(move |(c, _, _)| *c == id)
                .map(|(_, u, n)| (u, n));
            child_from(r, units)
        })
        .collect()
}

/// A child from its row and the units it attends, (id, name).
fn child_from<'a>(
    r: Row,
    units: impl Iterator<Item = (&'a String, &'a String)>,
) -> DbResult<Child> {
    let d = date(&r.birth_date)?;
    Ok(Child {
        id: parse_id(&r.id)?,
        municipality_id: parse_id(&r.municipality_id)?,
        birth: if r.unborn {
            Birth::Expected(d)
        } else {
            Birth::Born(d)
        },
        national_id_masked: masked(&r.national_id),
        units: units
            .map(|(u, n)| Ok((parse_id(u)?, n.clone())))
            .collect::<DbResult<_>>()?,
        name: r.name,
    })
}

/// Registers a child in the caseworker's unit (and `other_units` it attends,
/// which must serve the same municipality).
pub fn create(
    conn: &mut DbConnection,
    cap: &UnitCasework,
    child: &NewChild,
    other_units: &[UnitId],
    request_id: &str,
) -> DbResult<ChildId> {
    let id = ChildId::new();
    let m = cap.municipality_id();
    let national_id = child.national_id.as_ref().map(|n| n.expose().to_owned());
    if let Some(n) = &national_id {
        let taken: i64 = children::table
            .filter(children::municipality_id.eq(m.to_string()))
            .filter(children::national_id.eq(n))
            .count()
            .get_result(conn)?;
        if taken > 0 {
            return Err(DbError::Taken);
        }
    }
    diesel::insert_into(children::table)
        .values((
            children::id.eq(id.to_string()),
            children::municipality_id.eq(m.to_string()),
            children::name.eq(&child.name),
            children::birth_date.eq(iso(child.birth.date())),
            children::unborn.eq(child.birth.is_unborn()),
            children::national_id.eq(national_id),
            children::created_by.eq(cap.actor_id().to_string()),
            children::created_at.eq(to_micros(Utc::now())),
        ))
        .execute(conn)
        .map_err(DbError::from_insert)?;
    let mut all = vec![cap.unit_id()];
    for u in other_units {
        if !all.contains(u) && crate::offers::serves(conn, *u, m)? {
            all.push(*u);
        }
    }
    for u in all {
        diesel::insert_into(child_units::table)
            .values((
                child_units::child_id.eq(id.to_string()),
                child_units::unit_id.eq(u.to_string()),
            ))
            .execute(conn)?;
    }
    record(
        conn,
        cap,
        ObjectType::Child,
        id,
        Action::Create,
        Scope {
            municipality_id: Some(m),
            unit_id: Some(cap.unit_id()),
        },
        request_id,
    )?;
    Ok(id)
}

/// A row of a unit's list of children, with its open log.
#[derive(Clone, Debug)]
pub struct ListedChild {
    pub child: Child,
    pub open_log: Option<(LogId, i32)>,
}

/// The children of the caseworker's unit, by name. Recorded as one «list»
/// row on the unit.
pub fn list_for_unit(
    conn: &mut DbConnection,
    cap: &UnitCasework,
    request_id: &str,
) -> DbResult<Vec<ListedChild>> {
    let rows: Vec<Row> = children::table
        .inner_join(child_units::table)
        .filter(child_units::unit_id.eq(cap.unit_id().to_string()))
        .order((children::name, children::id))
        .select(Row::as_select())
        .load(conn)?;
    let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
    let open: Vec<(String, String, i32)> = logs::table
        .filter(logs::child_id.eq_any(&ids))
        .filter(logs::status.eq("apen"))
        .select((logs::child_id, logs::id, logs::level))
        .load(conn)?;
    let listed = assemble(conn, rows)?
        .into_iter()
        .map(|child| {
            let key = child.id.to_string();
            let open_log = open
                .iter()
                .find(|(c, _, _)| *c == key)
                .map(|(_, l, level)| Ok::<_, DbError>((parse_id(l)?, *level)))
                .transpose()?;
            Ok(ListedChild { child, open_log })
        })
        .collect::<DbResult<Vec<_>>>()?;
    record_list(conn, cap, request_id)?;
    Ok(listed)
}

/// Records that `cap`'s unit's children were listed: one «list» row on the
/// unit, not one per child.
pub(crate) fn record_list(
    conn: &mut DbConnection,
    cap: &UnitCasework,
    request_id: &str,
) -> DbResult<()> {
    record(
        conn,
        cap,
        ObjectType::Unit,
        cap.unit_id(),
        Action::List,
        casework_scope(cap),
        request_id,
    )
}

/// The units a child attends (ids only; no personal data), so the caller can
/// ask for a capability in one of them.
pub fn units_of(conn: &mut DbConnection, child: ChildId) -> DbResult<Vec<UnitId>> {
    let ids: Vec<String> = child_units::table
        .filter(child_units::child_id.eq(child.to_string()))
        .select(child_units::unit_id)
        .load(conn)?;
    ids.iter().map(|i| parse_id(i)).collect()
}

fn check_attends(conn: &mut DbConnection, cap: &UnitCasework, child: ChildId) -> DbResult<()> {
    if units_of(conn, child)?.contains(&cap.unit_id()) {
        Ok(())
    } else {
        Err(DbError::NotFound)
    }
}

/// A child's page: the child, its guardians and its logs.
#[derive(Clone, Debug)]
pub struct ChildPage {
    pub child: Child,
    pub guardians: Vec<Guardian>,
    /// (log, status code, level, created at)
    pub logs: Vec<(LogId, String, i32, i64)>,
}

pub fn get(
    conn: &mut DbConnection,
    cap: &UnitCasework,
    child: ChildId,
    request_id: &str,
) -> DbResult<ChildPage> {
    check_attends(conn, cap, child)?;
    let row: Row = children::table
        .find(child.to_string())
        .select(Row::as_select())
        .first(conn)?;
    let child_v = assemble(conn, vec![row])?.pop().ok_or(DbError::NotFound)?;
    let guardians = guardians_of(conn, child)?;
    let found: Vec<(String, String, i32, i64)> = logs::table
        .filter(logs::child_id.eq(child.to_string()))
        .order(logs::created_at.desc())
        .select((logs::id, logs::status, logs::level, logs::created_at))
        .load(conn)?;
    let logs = found
        .into_iter()
        .map(|(id, s, l, at)| Ok((parse_id(&id)?, s, l, at)))
        .collect::<DbResult<_>>()?;
    let scope = Scope {
        municipality_id: Some(child_v.municipality_id),
        unit_id: Some(cap.unit_id()),
    };
    record(
        conn,
        cap,
        ObjectType::Child,
        child,
        Action::Read,
        scope,
        request_id,
    )?;
    Ok(ChildPage {
        child: child_v,
        guardians,
        logs,
    })
}

/// The guardians of a child, by name. Callers hold a capability that reaches
/// the child (a caseworker of its unit, or a reader of its log).
pub(crate) fn guardians_of(conn: &mut DbConnection, child: ChildId) -> DbResult<Vec<Guardian>> {
    type G = (String, String, String, Option<String>, Option<String>, bool);
    let rows: Vec<G> = guardians::table
        .filter(guardians::child_id.eq(child.to_string()))
        .order((guardians::name, guardians::id))
        .select((
            guardians::id,
            guardians::name,
            guardians::relation,
            guardians::phone,
            guardians::email,
            guardians::parental_responsibility,
        ))
        .load(conn)?;
    rows.into_iter()
        .map(|(id, name, relation, phone, email, pr)| {
            Ok(Guardian {
                id: parse_id(&id)?,
                name,
                relation: Relation::from_code(&relation)
                    .map_err(|_| DbError::Corrupt(format!("relation {relation}")))?,
                phone,
                email,
                parental_responsibility: pr,
            })
        })
        .collect()
}

/// The child as a reader of its log sees it.
pub(crate) fn child_by_id(conn: &mut DbConnection, child: ChildId) -> DbResult<Child> {
    let row: Row = children::table
        .find(child.to_string())
        .select(Row::as_select())
        .first(conn)?;
    // As `assemble` does for many, but with `=` rather than `IN`, so that
    // this query (one per log page) is prepared once per connection.
    let attends: Vec<(String, String)> = child_units::table
        .inner_join(units::table.on(units::id.eq(child_units::unit_id)))
        .filter(child_units::child_id.eq(&row.id))
        .order(units::name)
        .select((units::id, units::name))
        .load(conn)?;
    child_from(row, attends.iter().map(|(u, n)| (u, n)))
}

pub fn add_guardian(
    conn: &mut DbConnection,
    cap: &UnitCasework,
    child: ChildId,
    g: &NewGuardian,
    request_id: &str,
) -> DbResult<GuardianId> {
    check_attends(conn, cap, child)?;
    let id = GuardianId::new();
    diesel::insert_into(guardians::table)
        .values((
            guardians::id.eq(id.to_string()),
            guardians::child_id.eq(child.to_string()),
            guardians::name.eq(&g.name),
            guardians::relation.eq(g.relation.code()),
            guardians::phone.eq(&g.phone),
            guardians::email.eq(&g.email),
            guardians::parental_responsibility.eq(g.parental_responsibility),
            guardians::created_at.eq(to_micros(Utc::now())),
        ))
        .execute(conn)?;
    let scope = child_scope(conn, cap, child)?;
    record(
        conn,
        cap,
        ObjectType::Child,
        child,
        Action::Update,
        scope,
        request_id,
    )?;
    Ok(id)
}

/// Looks a child up by the exact national identity number (break-glass:
/// child welfare has the number from a report). Not a search: one exact
/// match or nothing.
pub fn by_national_id(
    conn: &mut DbConnection,
    m: MunicipalityId,
    n: &NationalId,
) -> DbResult<Option<ChildId>> {
    let id: Option<String> = children::table
        .filter(children::municipality_id.eq(m.to_string()))
        .filter(children::national_id.eq(n.expose()))
        .select(children::id)
        .first(conn)
        .optional()?;
    id.as_deref().map(parse_id).transpose()
}
