//! Municipalities: the tenants.

use crate::schema::municipalities;
use crate::{DbConnection, DbError, DbResult, audit as access_log, parse_id, to_micros};
use chrono::Utc;
use diesel::prelude::*;
use laget_domain::MunicipalityId;
use laget_domain::access::SystemAdmin;
use laget_domain::admin::municipality::{MunicipalityName, MunicipalityNumber, WrittenStandard};
use laget_domain::audit::{AccessRecord, Action, ObjectType, Scope};

#[derive(Clone, Debug)]
pub struct Municipality {
    pub id: MunicipalityId,
    pub number: String,
    pub name: String,
    pub written_standard: String,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = municipalities)]
struct Row {
    id: String,
    number: String,
    name: String,
    written_standard: String,
}

impl TryFrom<Row> for Municipality {
    type Error = DbError;
    fn try_from(r: Row) -> DbResult<Self> {
        Ok(Self {
            id: parse_id(&r.id)?,
            number: r.number,
            name: r.name,
            written_standard: r.written_standard,
        })
    }
}

pub struct NewMunicipality {
    pub number: MunicipalityNumber,
    pub name: MunicipalityName,
    pub written_standard: WrittenStandard,
}

pub fn create(
    conn: &mut DbConnection,
    cap: &SystemAdmin,
    new: &NewMunicipality,
    request_id: &str,
) -> DbResult<MunicipalityId> {
    let id = MunicipalityId::new();
    diesel::insert_into(municipalities::table)
        .values((
            municipalities::id.eq(id.to_string()),
            municipalities::number.eq(new.number.as_str()),
            municipalities::name.eq(new.name.as_str()),
            municipalities::written_standard.eq(new.written_standard.code()),
            municipalities::created_at.eq(to_micros(Utc::now())),
        ))
        .execute(conn)
        .map_err(DbError::from_insert)?;
    crate::catalogue::areas::add_default_areas(conn, id, new.written_standard)?;
    let scope = Scope {
        municipality_id: Some(id),
        unit_id: None,
    };
    access_log::append(
        conn,
        &AccessRecord::new(
            cap,
            ObjectType::Municipality,
            id,
            Action::Create,
            scope,
            request_id,
        ),
    )?;
    Ok(id)
}

/// The written standard (målform) of municipality `id`.
pub fn written_standard(conn: &mut DbConnection, id: MunicipalityId) -> DbResult<WrittenStandard> {
    let code: String = municipalities::table
        .find(id.to_string())
        .select(municipalities::written_standard)
        .first(conn)
        .optional()?
        .ok_or(DbError::NotFound)?;
    WrittenStandard::from_code(&code)
        .map_err(|_| DbError::Corrupt("municipalities.written_standard".into()))
}

pub fn list(conn: &mut DbConnection) -> DbResult<Vec<Municipality>> {
    let rows: Vec<Row> = municipalities::table
        .order(municipalities::name)
        .select(Row::as_select())
        .load(conn)?;
    rows.into_iter().map(Municipality::try_from).collect()
}

pub fn get(conn: &mut DbConnection, id: MunicipalityId) -> DbResult<Municipality> {
    let row: Row = municipalities::table
        .find(id.to_string())
        .select(Row::as_select())
        .first(conn)
        .optional()?
        .ok_or(DbError::NotFound)?;
    row.try_into()
}

pub fn find_by_number(
    conn: &mut DbConnection,
    number: &MunicipalityNumber,
) -> DbResult<Option<Municipality>> {
    let row: Option<Row> = municipalities::table
        .filter(municipalities::number.eq(number.as_str()))
        .select(Row::as_select())
        .first(conn)
        .optional()?;
    row.map(Municipality::try_from).transpose()
}

pub fn get_many(conn: &mut DbConnection, ids: &[MunicipalityId]) -> DbResult<Vec<Municipality>> {
    let ids: Vec<String> = ids.iter().map(ToString::to_string).collect();
    let rows: Vec<Row> = municipalities::table
        .filter(municipalities::id.eq_any(ids))
        .order(municipalities::name)
        .select(Row::as_select())
        .load(conn)?;
    rows.into_iter().map(Municipality::try_from).collect()
}
