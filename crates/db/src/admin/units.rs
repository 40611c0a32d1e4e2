//! Units (virksomheter) and the municipalities they serve. Each unit has one
//! host municipality (vertskommune) whose administrator alone changes it
//! (DESIGN.md, Access, rule 8); the others it serves see it and choose it.

use crate::schema::{memberships, municipalities, unit_municipalities, units};
use crate::{DbConnection, DbError, DbResult, audit as access_log, parse_id, to_micros};
use chrono::Utc;
use diesel::prelude::*;
use laget_domain::access::{MunicipalityAdmin, SystemAdmin, UnitAdmin};
use laget_domain::admin::unit::{UnitKind, UnitName};
use laget_domain::audit::{AccessRecord, Action, ObjectType, Scope};
use laget_domain::{MunicipalityId, UnitId};

#[derive(Clone, Debug)]
pub struct Unit {
    pub id: UnitId,
    pub name: String,
    pub kind: UnitKind,
    pub active: bool,
    /// The municipalities the unit serves (id, name), sorted by name.
    pub municipalities: Vec<(MunicipalityId, String)>,
    /// The host municipality (vertskommune), one of those it serves.
    pub host: MunicipalityId,
}

impl Unit {
    /// The host municipality's name.
    pub fn host_name(&self) -> &str {
        self.municipalities
            .iter()
            .find(|(id, _)| *id == self.host)
            .map_or("", |(_, name)| name.as_str())
    }
}

/// What an administrator sets on a unit.
#[derive(Clone, Debug)]
pub struct UnitFields {
    pub name: UnitName,
    pub kind: UnitKind,
    pub active: bool,
    /// Besides the host municipality, which it always serves.
    pub also_serves: Vec<MunicipalityId>,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = units)]
struct Row {
    id: String,
    name: String,
    kind: String,
    active: bool,
    host_municipality_id: String,
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
                host: parse_id(&r.host_municipality_id)?,
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

/// The host municipality of a unit ([`DbError::NotFound`] if there is no such unit).
pub fn host_of(conn: &mut DbConnection, id: UnitId) -> DbResult<MunicipalityId> {
    let host: String = units::table
        .find(id.to_string())
        .select(units::host_municipality_id)
        .first(conn)?;
    parse_id(&host)
}

/// The administrator's right to change a unit: only if the unit's host is
/// the administrator's municipality; otherwise [`DbError::NotFound`], the
/// same as for a unit that does not exist.
pub fn administer(
    conn: &mut DbConnection,
    cap: &MunicipalityAdmin,
    id: UnitId,
) -> DbResult<UnitAdmin> {
    let host = host_of(conn, id)?;
    cap.administer_unit(id, host).map_err(|_| DbError::NotFound)
}

/// One unit that the administrator's municipality hosts, to change it.
/// [`DbError::NotFound`] if the host has changed since `cap` was made.
pub fn get_hosted(conn: &mut DbConnection, cap: &UnitAdmin) -> DbResult<Unit> {
    let unit = get_in_municipality(conn, cap.host(), cap.unit_id())?;
    if unit.host == cap.host() {
        Ok(unit)
    } else {
        Err(DbError::NotFound)
    }
}

/// Sets the unit's host and the municipalities it serves: the host and `also`.
fn set_served(
    conn: &mut DbConnection,
    unit: UnitId,
    host: MunicipalityId,
    also: &[MunicipalityId],
) -> DbResult<()> {
    diesel::update(units::table.find(unit.to_string()))
        .set(units::host_municipality_id.eq(host.to_string()))
        .execute(conn)?;
    let mut all = vec![host];
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
            units::host_municipality_id.eq(cap.municipality_id().to_string()),
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

/// Changes a unit hosted by the administrator's municipality: its name,
/// kind, whether it is active, and which other municipalities it serves.
pub fn update(
    conn: &mut DbConnection,
    cap: &UnitAdmin,
    fields: &UnitFields,
    request_id: &str,
) -> DbResult<()> {
    let id = cap.unit_id();
    get_hosted(conn, cap)?;
    diesel::update(units::table.find(id.to_string()))
        .set((
            units::name.eq(fields.name.as_str()),
            units::kind.eq(fields.kind.code()),
            units::active.eq(fields.active),
        ))
        .execute(conn)?;
    set_served(conn, id, cap.host(), &fields.also_serves)?;
    let scope = Scope {
        municipality_id: Some(cap.host()),
        unit_id: Some(id),
    };
    access_log::append(
        conn,
        &AccessRecord::new(cap, ObjectType::Unit, id, Action::Update, scope, request_id),
    )?;
    Ok(())
}

/// Moves a unit to another host municipality (system administrator or
/// operator). The new host is added to the municipalities the unit serves;
/// the old host keeps being served until the new host's administrator
/// detaches it. Roles held in the unit move to the new host, whose
/// administrator then sees and may remove them.
pub fn set_host(
    conn: &mut DbConnection,
    cap: &SystemAdmin,
    id: UnitId,
    host: MunicipalityId,
    request_id: &str,
) -> DbResult<()> {
    let unit = get_many(conn, &[id])?.pop().ok_or(DbError::NotFound)?;
    let known: i64 = municipalities::table
        .filter(municipalities::id.eq(host.to_string()))
        .count()
        .get_result(conn)?;
    if known == 0 {
        return Err(DbError::NotFound);
    }
    let also: Vec<MunicipalityId> = unit.municipalities.iter().map(|(m, _)| *m).collect();
    set_served(conn, id, host, &also)?;
    diesel::update(memberships::table.filter(memberships::unit_id.eq(id.to_string())))
        .set(memberships::municipality_id.eq(host.to_string()))
        .execute(conn)?;
    let scope = Scope {
        municipality_id: Some(host),
        unit_id: Some(id),
    };
    access_log::append(
        conn,
        &AccessRecord::new(cap, ObjectType::Unit, id, Action::Update, scope, request_id),
    )?;
    Ok(())
}

/// The unit's organisation number and postal address (what a report of
/// concern from it says of it, issue #13).
pub fn address(
    conn: &mut DbConnection,
    cap: &UnitAdmin,
) -> DbResult<laget_domain::reports::form::UnitAddress> {
    let (org_number, address_line, postal_code, postal_place) = units::table
        .find(cap.unit_id().to_string())
        .select((
            units::org_number,
            units::address_line,
            units::postal_code,
            units::postal_place,
        ))
        .first(conn)?;
    Ok(laget_domain::reports::form::UnitAddress {
        org_number,
        address_line,
        postal_code,
        postal_place,
    })
}

/// Sets the unit's organisation number and postal address (its host's
/// administrator), in the transaction of the unit form's other changes:
/// [`create`] or [`update`], whose access-log row records the change (one
/// row for one save of the form).
pub fn set_address(
    conn: &mut DbConnection,
    cap: &UnitAdmin,
    a: &laget_domain::reports::form::UnitAddress,
) -> DbResult<()> {
    get_hosted(conn, cap)?;
    let id = cap.unit_id();
    diesel::update(units::table.find(id.to_string()))
        .set((
            units::org_number.eq(a.org_number.clone()),
            units::address_line.eq(a.address_line.clone()),
            units::postal_code.eq(a.postal_code.clone()),
            units::postal_place.eq(a.postal_place.clone()),
        ))
        .execute(conn)?;
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use crate::{Db, DbConnection};
    use diesel::backend::Backend;
    use diesel::connection::SimpleConnection;
    use diesel::prelude::*;
    use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

    const SQLITE: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
    const POSTGRES: EmbeddedMigrations = embed_migrations!("migrations/postgres");
    const HOST_AND_GRANTS: &str = "2026-11-29-000006_host_and_grants";

    /// Runs the pending migrations up to (`before`) or from `name` on.
    fn run<DB: Backend, C: MigrationHarness<DB>>(c: &mut C, src: EmbeddedMigrations, before: bool) {
        for m in c.pending_migrations(src).unwrap() {
            if before && m.name().to_string() == HOST_AND_GRANTS {
                return;
            }
            c.run_migration(&*m).unwrap();
        }
    }

    fn migrate(conn: &mut DbConnection, before: bool) {
        match conn {
            DbConnection::Sqlite(c) => run(c, SQLITE, before),
            DbConnection::Postgresql(c) => run(c, POSTGRES, before),
        }
    }

    /// Data from before the host municipality: a unit created by B that
    /// serves A and B, where A's administrator gave a leader; a unit of A
    /// with no «create» row; a log of B's child kept under A.
    const LEGACY: &str = "
        INSERT INTO municipalities (id, number, name, written_standard, created_at)
            VALUES ('m-a', '9001', 'A', 'nb', 0), ('m-b', '9002', 'B', 'nb', 0);
        INSERT INTO units (id, name, kind, active, created_at)
            VALUES ('u-shared', 'Felles', 'barnevern', TRUE, 0), ('u-own', 'Egen', 'skole', TRUE, 0);
        INSERT INTO unit_municipalities (unit_id, municipality_id)
            VALUES ('u-shared', 'm-a'), ('u-shared', 'm-b'), ('u-own', 'm-a');
        INSERT INTO users (id, username, display_name, password_hash, is_system_admin, created_at)
            VALUES ('p-1', 'nabo', 'Nabo', 'x', FALSE, 0);
        INSERT INTO memberships (id, user_id, municipality_id, unit_id, role, created_at)
            VALUES ('ms-1', 'p-1', 'm-a', 'u-shared', 'leder', 5),
                   ('ms-2', 'p-1', 'm-a', NULL, 'kommuneadministrator', 6);
        INSERT INTO access_log (seq, at, actor_id, ground, object_type, object_id, action,
                                unit_id, municipality_id, request_id, prev_hash, hash)
            VALUES (1, 0, NULL, 'operator', 'unit', 'u-shared', 'create', 'u-shared', 'm-b', 'x', '', '');
        INSERT INTO children (id, municipality_id, name, birth_date, unborn, created_at)
            VALUES ('c-1', 'm-b', 'Barn', '2018-01-01', FALSE, 0);
        INSERT INTO logs (id, child_id, municipality_id, home_unit_id, status, level, level_since,
                          created_at, updated_at)
            VALUES ('l-1', 'c-1', 'm-a', 'u-shared', 'apen', 0, '2026-01-01', 0, 0);
    ";

    fn check(db: &Db) {
        use crate::schema::{logs, memberships, role_grants, units};
        let mut conn = db.conn().unwrap();
        migrate(&mut conn, true);
        conn.batch_execute(LEGACY).unwrap();
        migrate(&mut conn, false);
        let hosts: Vec<(String, String)> = units::table
            .order(units::id)
            .select((units::id, units::host_municipality_id))
            .load(&mut *conn)
            .unwrap();
        assert_eq!(
            hosts,
            vec![
                ("u-own".into(), "m-a".into()),
                ("u-shared".into(), "m-b".into())
            ],
            "the creating municipality hosts, or else the first served"
        );
        let held: Vec<(String, String)> = memberships::table
            .order(memberships::id)
            .select((memberships::id, memberships::municipality_id))
            .load(&mut *conn)
            .unwrap();
        assert_eq!(
            held,
            vec![("ms-1".into(), "m-b".into()), ("ms-2".into(), "m-a".into())],
            "a unit role moves to the host; the administrator role stays"
        );
        let grants: Vec<(String, Option<String>, String, Option<String>)> = role_grants::table
            .order(role_grants::id)
            .select((
                role_grants::id,
                role_grants::unit_id,
                role_grants::ground,
                role_grants::granted_by,
            ))
            .load(&mut *conn)
            .unwrap();
        assert_eq!(
            grants,
            vec![
                (
                    "ms-1".into(),
                    Some("u-shared".into()),
                    "ukjent".into(),
                    None
                ),
                ("ms-2".into(), None, "ukjent".into(), None)
            ]
        );
        let kept: String = logs::table
            .find("l-1")
            .select(logs::municipality_id)
            .first(&mut *conn)
            .unwrap();
        assert_eq!(kept, "m-b", "a log belongs to its child's municipality");
    }

    #[test]
    fn the_migration_gives_every_unit_a_host_and_lists_existing_roles() {
        let id = uuid::Uuid::now_v7().simple().to_string();
        let dir = std::env::temp_dir().join(format!("laget-host-test-{id}"));
        let db = Db::connect(&dir.join("db.sqlite3").to_string_lossy()).unwrap();
        check(&db);
        drop(db);
        let _ = std::fs::remove_dir_all(&dir);
        if let Ok(url) = std::env::var("DATABASE_URL")
            && !url.is_empty()
        {
            let schema = format!("test_{id}");
            let db = Db::connect_in_schema(&url, Some(&schema)).unwrap();
            check(&db);
            drop(db);
            let _ = Db::drop_schema(&url, &schema);
        }
    }
}
