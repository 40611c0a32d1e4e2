//! Units (virksomheter) and the municipalities they serve.

use crate::schema::{municipalities, unit_municipalities, units};
use crate::{DbConnection, DbError, DbResult, access_log, parse_id, to_micros};
use chrono::Utc;
use diesel::prelude::*;
use laget_domain::access::MunicipalityAdmin;
use laget_domain::audit::{AccessRecord, Action, ObjectType, Scope};
use laget_domain::unit::{UnitKind, UnitName};
use laget_domain::{MunicipalityId, UnitId};

#[derive(Clone, Debug)]
pub struct Unit {
    pub id: UnitId,
    pub name: String,
    pub kind: UnitKind,
    pub active: bool,
    /// The municipalities the unit serves (id, name), sorted by name.
    pub municipalities: Vec<(MunicipalityId, String)>,
}

/// What an administrator sets on a unit.
#[derive(Clone, Debug)]
pub struct UnitFields {
    pub name: UnitName,
    pub kind: UnitKind,
    pub active: bool,
    /// Besides the administrator's own municipality, which it always serves.
    pub also_serves: Vec<MunicipalityId>,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = units)]
struct Row {
    id: String,
    name: String,
    kind: String,
    active: bool,
}

fn served_by_unit(
    conn: &mut DbConnection,
    unit_ids: &[String],
) -> DbResult<Vec<(String, String, String)>> {
    let rows = unit_municipalities::table
        .inner_join(municipalities::table)
        .filter(unit_municipalities::unit_id.eq_any(unit_ids))
        .order(municipalities::name)
        .select((
            unit_municipalities::unit_id,
            municipalities::id,
            municipalities::name,
        ))
        .load(conn)?;
    Ok(rows)
}

fn assemble(conn: &mut DbConnection, rows: Vec<Row>) -> DbResult<Vec<Unit>> {
    let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
    let served = served_by_unit(conn, &ids)?;
    rows.into_iter()
        .map(|r| {
            let municipalities = served
                .iter()
                .filter(|(unit, _, _)| *unit == r.id)
                .map(|(_, id, name)| Ok((parse_id(id)?, name.clone())))
                .collect::<DbResult<Vec<_>>>()?;
            Ok(Unit {
                id: parse_id(&r.id)?,
                kind: UnitKind::from_code(&r.kind)
                    .map_err(|_| DbError::Corrupt(format!("unit kind {}", r.kind)))?,
                name: r.name,
                active: r.active,
                municipalities,
            })
        })
        .collect()
}

/// The units that serve a municipality, by name.
pub fn list_in_municipality(
    conn: &mut DbConnection,
    municipality: MunicipalityId,
) -> DbResult<Vec<Unit>> {
    let rows: Vec<Row> = units::table
        .inner_join(unit_municipalities::table)
        .filter(unit_municipalities::municipality_id.eq(municipality.to_string()))
        .order(units::name)
        .select(Row::as_select())
        .load(conn)?;
    assemble(conn, rows)
}

/// The units with these ids.
pub fn get_many(conn: &mut DbConnection, ids: &[UnitId]) -> DbResult<Vec<Unit>> {
    let ids: Vec<String> = ids.iter().map(ToString::to_string).collect();
    let rows: Vec<Row> = units::table
        .filter(units::id.eq_any(ids))
        .order(units::name)
        .select(Row::as_select())
        .load(conn)?;
    assemble(conn, rows)
}

/// One unit, if it serves `municipality`.
pub fn get_in_municipality(
    conn: &mut DbConnection,
    municipality: MunicipalityId,
    id: UnitId,
) -> DbResult<Unit> {
    let row: Row = units::table
        .inner_join(unit_municipalities::table)
        .filter(units::id.eq(id.to_string()))
        .filter(unit_municipalities::municipality_id.eq(municipality.to_string()))
        .select(Row::as_select())
        .first(conn)
        .optional()?
        .ok_or(DbError::NotFound)?;
    assemble(conn, vec![row])?.pop().ok_or(DbError::NotFound)
}

fn set_served(
    conn: &mut DbConnection,
    unit: UnitId,
    own: MunicipalityId,
    also: &[MunicipalityId],
) -> DbResult<()> {
    let mut all = vec![own];
    all.extend(also.iter().copied());
    all.sort();
    all.dedup();
    diesel::delete(
        unit_municipalities::table.filter(unit_municipalities::unit_id.eq(unit.to_string())),
    )
    .execute(conn)?;
    for m in all {
        diesel::insert_into(unit_municipalities::table)
            .values((
                unit_municipalities::unit_id.eq(unit.to_string()),
                unit_municipalities::municipality_id.eq(m.to_string()),
            ))
            .execute(conn)
            .map_err(DbError::from_insert)?;
    }
    Ok(())
}

pub fn create(
    conn: &mut DbConnection,
    cap: &MunicipalityAdmin,
    fields: &UnitFields,
    request_id: &str,
) -> DbResult<UnitId> {
    let id = UnitId::new();
    diesel::insert_into(units::table)
        .values((
            units::id.eq(id.to_string()),
            units::name.eq(fields.name.as_str()),
            units::kind.eq(fields.kind.code()),
            units::active.eq(fields.active),
            units::created_at.eq(to_micros(Utc::now())),
        ))
        .execute(conn)?;
    set_served(conn, id, cap.municipality_id(), &fields.also_serves)?;
    let scope = Scope {
        municipality_id: Some(cap.municipality_id()),
        unit_id: Some(id),
    };
    access_log::append(
        conn,
        &AccessRecord::new(cap, ObjectType::Unit, id, Action::Create, scope, request_id),
    )?;
    Ok(id)
}

/// Changes a unit that serves the administrator's municipality.
pub fn update(
    conn: &mut DbConnection,
    cap: &MunicipalityAdmin,
    id: UnitId,
    fields: &UnitFields,
    request_id: &str,
) -> DbResult<()> {
    get_in_municipality(conn, cap.municipality_id(), id)?;
    diesel::update(units::table.find(id.to_string()))
        .set((
            units::name.eq(fields.name.as_str()),
            units::kind.eq(fields.kind.code()),
            units::active.eq(fields.active),
        ))
        .execute(conn)?;
    set_served(conn, id, cap.municipality_id(), &fields.also_serves)?;
    let scope = Scope {
        municipality_id: Some(cap.municipality_id()),
        unit_id: Some(id),
    };
    access_log::append(
        conn,
        &AccessRecord::new(cap, ObjectType::Unit, id, Action::Update, scope, request_id),
    )?;
    Ok(())
}
