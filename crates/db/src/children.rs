//! Children and their guardians. Staff reach the children of their own units
//! only (`UnitCasework`); there is no search across the municipality. The
//! same staff edit the child's record (`ChildEditor`); every change is a row
//! in `child_changes` (the history on the child's page) and an access-log
//! row, in the change's transaction. Guardians are never deleted: one who is
//! no longer a guardian gets an end time.

use crate::codes::Stored;
use crate::schema::{child_changes, child_units, children, guardians, logs, units, users};
use crate::{
    DbConnection, DbError, DbResult, audit as access_log, from_micros, parse_id, to_micros,
};
use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use laget_domain::access::{Capability, ChildEditor, LogReader, UnitCasework};
use laget_domain::audit::{AccessRecord, Action, ObjectType, Scope};
use laget_domain::children::national_id::NationalId;
use laget_domain::children::{
    Birth, Change, ChangeField, GuardianNationalIdEdit, NewChild, NewGuardian, Relation,
    detail_changes, guardian_changes, guardian_national_id_change, unit_changes,
};
use laget_domain::ids::{ChildId, GuardianId, LogId};
use laget_domain::log::stafett::LogStatus;
use laget_domain::validation::FieldError;
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
    /// Never true for one who is no longer a guardian.
    pub parental_responsibility: bool,
    /// False once marked as no longer a guardian (kept for the history and
    /// for the names on consents they gave).
    pub current: bool,
    /// The guardian's national identity number, masked (birth date part):
    /// how the family's portal knows them.
    pub national_id_masked: Option<String>,
}

impl Guardian {
    /// The guardian's details as the edit form takes them.
    pub fn details(&self) -> NewGuardian {
        NewGuardian {
            name: self.name.clone(),
            relation: self.relation,
            phone: self.phone.clone(),
            email: self.email.clone(),
            parental_responsibility: self.parental_responsibility,
        }
    }
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
        if !all.contains(u) && crate::catalogue::offers::serves(conn, *u, m)? {
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
    pub open_log: Option<OpenLog>,
}

/// A child's open log, as its unit's list shows it.
#[derive(Clone, Copy, Debug)]
pub struct OpenLog {
    pub id: LogId,
    pub level: i32,
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
        .filter(logs::status.eq(LogStatus::Open.code()))
        .select((logs::child_id, logs::id, logs::level))
        .load(conn)?;
    let listed = assemble(conn, rows)?
        .into_iter()
        .map(|child| {
            let key = child.id.to_string();
            let open_log = open
                .iter()
                .find(|(c, _, _)| *c == key)
                .map(|(_, l, level)| {
                    Ok::<_, DbError>(OpenLog {
                        id: parse_id(l)?,
                        level: *level,
                    })
                })
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
/// ask for a capability in one of them (outside this crate:
/// [`crate::lookup::units_of_child`]).
pub(crate) fn units_of(conn: &mut DbConnection, child: ChildId) -> DbResult<Vec<UnitId>> {
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

/// A child's page: the child, its guardians, its logs and the history of
/// changes to its record.
#[derive(Clone, Debug)]
pub struct ChildPage {
    pub child: Child,
    pub guardians: Vec<Guardian>,
    /// Newest first.
    pub logs: Vec<ChildLog>,
    /// Newest first.
    pub history: Vec<HistoryEntry>,
}

/// One of a child's logs on the child's page.
#[derive(Clone, Copy, Debug)]
pub struct ChildLog {
    pub id: LogId,
    pub status: LogStatus,
    pub level: i32,
    pub created_at: DateTime<Utc>,
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
    let found: Vec<(String, Stored<LogStatus>, i32, i64)> = logs::table
        .filter(logs::child_id.eq(child.to_string()))
        .order(logs::created_at.desc())
        .select((logs::id, logs::status, logs::level, logs::created_at))
        .load(conn)?;
    let logs = found
        .into_iter()
        .map(|(id, status, level, at)| {
            Ok(ChildLog {
                id: parse_id(&id)?,
                status: status.parse()?,
                level,
                created_at: from_micros(at),
            })
        })
        .collect::<DbResult<_>>()?;
    let history = history(conn, child, &guardians)?;
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
        history,
    })
}

/// The guardians of a child, by name. Callers hold a capability that reaches
/// the child (a caseworker of its unit, or a reader of its log).
pub(crate) fn guardians_of(conn: &mut DbConnection, child: ChildId) -> DbResult<Vec<Guardian>> {
    type G = (
        String,
        String,
        String,
        Option<String>,
        Option<String>,
        bool,
        Option<i64>,
        Option<String>,
    );
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
            guardians::ended_at,
            guardians::national_id,
        ))
        .load(conn)?;
    rows.into_iter()
        .map(
            |(id, name, relation, phone, email, pr, ended, national_id)| {
                Ok(Guardian {
                    id: parse_id(&id)?,
                    name,
                    relation: Relation::from_code(&relation)
                        .map_err(|_| DbError::Corrupt(format!("relation {relation}")))?,
                    phone,
                    email,
                    parental_responsibility: pr && ended.is_none(),
                    current: ended.is_none(),
                    national_id_masked: masked(&national_id),
                })
            },
        )
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
    // Without a number nothing can be taken.
    add_guardian_with_national_id(conn, cap, child, g, None, request_id)?
        .map_err(|NationalIdTaken| DbError::Taken)
}

/// Adds a guardian with their national identity number (the «Legg til
/// foresatt» form), checked as the guardian edit form checks it: not the
/// child's own, nor another current guardian's of the same child. The
/// history holds the addition and the number masked
/// ([`guardian_national_id_change`]); one access-log row records the change.
pub fn add_guardian_with_national_id(
    conn: &mut DbConnection,
    cap: &UnitCasework,
    child: ChildId,
    g: &NewGuardian,
    national_id: Option<&NationalId>,
    request_id: &str,
) -> DbResult<Result<GuardianId, NationalIdTaken>> {
    check_attends(conn, cap, child)?;
    if let Some(n) = national_id {
        let child_id: Option<String> = children::table
            .find(child.to_string())
            .select(children::national_id)
            .first(conn)?;
        if national_id_taken(conn, child, None, child_id.as_deref(), n)? {
            return Ok(Err(NationalIdTaken));
        }
    }
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
            guardians::national_id.eq(national_id.map(|n| n.expose().to_owned())),
            guardians::created_at.eq(to_micros(Utc::now())),
        ))
        .execute(conn)?;
    let mut changes = vec![Change {
        field: ChangeField::GuardianAdded,
        subject: Some(id.to_string()),
        old: None,
        new: Some(g.name.clone()),
    }];
    changes.extend(guardian_national_id_change(
        &id.to_string(),
        None,
        national_id,
    ));
    append_changes(conn, child, cap.actor_id(), &changes)?;
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
    Ok(Ok(id))
}

/// Whether `n` is the child's own number (`child_number`, as stored) or
/// another current guardian's of the same child (`except` the one edited).
fn national_id_taken(
    conn: &mut DbConnection,
    child: ChildId,
    except: Option<GuardianId>,
    child_number: Option<&str>,
    n: &NationalId,
) -> DbResult<bool> {
    if child_number == Some(n.expose()) {
        return Ok(true);
    }
    let mut others = guardians::table
        .filter(guardians::child_id.eq(child.to_string()))
        .filter(guardians::ended_at.is_null())
        .filter(guardians::national_id.eq(n.expose()))
        .into_boxed();
    if let Some(g) = except {
        others = others.filter(guardians::id.ne(g.to_string()));
    }
    let count: i64 = others.count().get_result(conn)?;
    Ok(count > 0)
}

/// Looks a child up by the exact national identity number (break-glass:
/// child welfare has the number from a report). Not a search: one exact
/// match or nothing, in the municipality where the right holds.
pub fn by_national_id(
    conn: &mut DbConnection,
    right: &laget_domain::access::BreakGlassRight,
    n: &NationalId,
) -> DbResult<Option<ChildId>> {
    let m = right.municipality_id();
    let id: Option<String> = children::table
        .filter(children::municipality_id.eq(m.to_string()))
        .filter(children::national_id.eq(n.expose()))
        .select(children::id)
        .first(conn)
        .optional()?;
    id.as_deref().map(parse_id).transpose()
}

// ---------------------------------------------------------------------------
// Editing a child's record, and its history

/// One change in a child's history, as the child's page shows it.
#[derive(Clone, Debug)]
pub struct HistoryEntry {
    pub at: DateTime<Utc>,
    /// The name of the user who made the change.
    pub by: Option<String>,
    pub field: ChangeField,
    /// The name of the unit or guardian the change is about.
    pub subject: Option<String>,
    pub old: Option<String>,
    pub new: Option<String>,
}

fn append_changes(
    conn: &mut DbConnection,
    child: ChildId,
    by: laget_domain::UserId,
    changes: &[Change],
) -> DbResult<()> {
    let now = to_micros(Utc::now());
    for c in changes {
        diesel::insert_into(child_changes::table)
            .values((
                child_changes::id.eq(uuid::Uuid::now_v7().to_string()),
                child_changes::child_id.eq(child.to_string()),
                child_changes::changed_at.eq(now),
                child_changes::changed_by.eq(by.to_string()),
                child_changes::field.eq(c.field.code()),
                child_changes::subject_id.eq(&c.subject),
                child_changes::old_value.eq(&c.old),
                child_changes::new_value.eq(&c.new),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// The child's history, newest first, with the names of who made each
/// change and of the unit or guardian it is about.
fn history(
    conn: &mut DbConnection,
    child: ChildId,
    guardians: &[Guardian],
) -> DbResult<Vec<HistoryEntry>> {
    type H = (
        i64,
        Option<String>,
        String,
        Option<String>,
        Option<String>,
        Option<String>,
    );
    let rows: Vec<H> = child_changes::table
        .left_join(users::table.on(users::id.nullable().eq(child_changes::changed_by)))
        .filter(child_changes::child_id.eq(child.to_string()))
        .order((child_changes::changed_at.desc(), child_changes::id.desc()))
        .select((
            child_changes::changed_at,
            users::display_name.nullable(),
            child_changes::field,
            child_changes::subject_id,
            child_changes::old_value,
            child_changes::new_value,
        ))
        .load(conn)?;
    let unit_ids: Vec<&str> = rows
        .iter()
        .filter(|r| r.2.starts_with("enhet"))
        .filter_map(|r| r.3.as_deref())
        .collect();
    let unit_names: Vec<(String, String)> = units::table
        .filter(units::id.eq_any(&unit_ids))
        .select((units::id, units::name))
        .load(conn)?;
    rows.into_iter()
        .map(|(at, by, field, subject, old, new)| {
            let field = ChangeField::from_code(&field)
                .ok_or_else(|| DbError::Corrupt(format!("change field {field}")))?;
            let subject = subject.and_then(|s| {
                unit_names
                    .iter()
                    .find(|(id, _)| *id == s)
                    .map(|(_, n)| n.clone())
                    .or_else(|| {
                        guardians
                            .iter()
                            .find(|g| g.id.to_string() == s)
                            .map(|g| g.name.clone())
                    })
            });
            Ok(HistoryEntry {
                at: from_micros(at),
                by,
                field,
                subject,
                old,
                new,
            })
        })
        .collect()
}

/// As [`child_scope`]: the child's municipality and the editor's unit.
fn editor_scope(e: &ChildEditor, row: &Row) -> DbResult<Scope> {
    Ok(Scope {
        municipality_id: Some(parse_id(&row.municipality_id)?),
        unit_id: Some(e.unit_id()),
    })
}

/// The editor's child row, if the child still attends the editor's unit.
fn editable_row(conn: &mut DbConnection, e: &ChildEditor) -> DbResult<Row> {
    if !units_of(conn, e.child_id())?.contains(&e.unit_id()) {
        return Err(DbError::NotFound);
    }
    Ok(children::table
        .find(e.child_id().to_string())
        .select(Row::as_select())
        .first(conn)?)
}

/// The child as the edit form shows it (the national identity number masked
/// only). Recorded as a read of the child.
pub fn for_edit(conn: &mut DbConnection, e: &ChildEditor, request_id: &str) -> DbResult<Child> {
    let row = editable_row(conn, e)?;
    let scope = editor_scope(e, &row)?;
    let child = assemble(conn, vec![row])?.pop().ok_or(DbError::NotFound)?;
    record(
        conn,
        e,
        ObjectType::Child,
        e.child_id(),
        Action::Read,
        scope,
        request_id,
    )?;
    Ok(child)
}

/// The child's edit form as submitted.
#[derive(Clone, Debug)]
pub struct ChildForm {
    pub name: String,
    pub birth_date: String,
    pub unborn: bool,
    /// A new number; empty keeps the stored one unless `remove_national_id`.
    pub national_id: String,
    pub remove_national_id: bool,
    /// The units the child attends after the edit.
    pub units: Vec<laget_domain::UnitId>,
}

/// Why an edit of a child was not saved; the form comes back with these.
#[derive(Clone, Debug, Default)]
pub struct EditRefused {
    pub problems: Vec<FieldError>,
    /// Another child of the municipality has this national identity number.
    pub national_id_taken: bool,
    /// The child would attend none of the editor's units.
    pub loses_own_unit: bool,
}

/// Saves the child's details and units, validated as at registration, with
/// a history row per changed value and one access-log row. Returns how many
/// values changed, or why nothing was saved.
pub fn update(
    conn: &mut DbConnection,
    e: &ChildEditor,
    form: &ChildForm,
    today: NaiveDate,
    request_id: &str,
) -> DbResult<Result<usize, EditRefused>> {
    let row = editable_row(conn, e)?;
    let m: laget_domain::MunicipalityId = parse_id(&row.municipality_id)?;
    let stored = NewChild {
        name: row.name.clone(),
        birth: if row.unborn {
            Birth::Expected(date(&row.birth_date)?)
        } else {
            Birth::Born(date(&row.birth_date)?)
        },
        national_id: row
            .national_id
            .as_deref()
            .and_then(|n| NationalId::parse(n).ok()),
    };
    // An empty field keeps the stored number, which is then checked against
    // the (perhaps changed) birth date as a typed one would be.
    let national_id = if !form.national_id.trim().is_empty() {
        form.national_id.clone()
    } else if form.remove_national_id {
        String::new()
    } else {
        row.national_id.clone().unwrap_or_default()
    };
    let mut refused = EditRefused::default();
    let edited = match NewChild::parse(
        &form.name,
        &form.birth_date,
        form.unborn,
        &national_id,
        today,
    ) {
        Ok(c) => Some(c),
        Err(p) => {
            refused.problems = p.into_vec();
            None
        }
    };
    let old_units = units_of(conn, e.child_id())?;
    let mut new_units: Vec<laget_domain::UnitId> = Vec::new();
    for u in &form.units {
        if new_units.contains(u) {
            continue;
        }
        let active: Option<bool> = units::table
            .find(u.to_string())
            .select(units::active)
            .first(conn)
            .optional()?;
        // A unit the child attends stays choosable; another must be an
        // active unit serving the child's municipality.
        if old_units.contains(u)
            || (active == Some(true) && crate::catalogue::offers::serves(conn, *u, m)?)
        {
            new_units.push(*u);
        }
    }
    refused.loses_own_unit = !e.keeps_access(&new_units);
    if let Some(c) = &edited
        && let Some(n) = &c.national_id
    {
        let taken: i64 = children::table
            .filter(children::municipality_id.eq(m.to_string()))
            .filter(children::national_id.eq(n.expose()))
            .filter(children::id.ne(e.child_id().to_string()))
            .count()
            .get_result(conn)?;
        refused.national_id_taken = taken > 0;
    }
    let edited = match edited {
        Some(c) if !refused.loses_own_unit && !refused.national_id_taken => c,
        _ => return Ok(Err(refused)),
    };
    let mut changes = detail_changes(&stored, &edited);
    changes.extend(unit_changes(&old_units, &new_units));
    if changes.is_empty() {
        return Ok(Ok(0));
    }
    diesel::update(children::table.find(e.child_id().to_string()))
        .set((
            children::name.eq(&edited.name),
            children::birth_date.eq(iso(edited.birth.date())),
            children::unborn.eq(edited.birth.is_unborn()),
            children::national_id.eq(edited.national_id.as_ref().map(|n| n.expose().to_owned())),
        ))
        .execute(conn)
        .map_err(DbError::from_insert)?;
    for u in new_units.iter().filter(|u| !old_units.contains(u)) {
        diesel::insert_into(child_units::table)
            .values((
                child_units::child_id.eq(e.child_id().to_string()),
                child_units::unit_id.eq(u.to_string()),
            ))
            .execute(conn)?;
    }
    for u in old_units.iter().filter(|u| !new_units.contains(u)) {
        diesel::delete(
            child_units::table
                .filter(child_units::child_id.eq(e.child_id().to_string()))
                .filter(child_units::unit_id.eq(u.to_string())),
        )
        .execute(conn)?;
    }
    append_changes(conn, e.child_id(), e.actor_id(), &changes)?;
    record(
        conn,
        e,
        ObjectType::Child,
        e.child_id(),
        Action::Update,
        editor_scope(e, &row)?,
        request_id,
    )?;
    Ok(Ok(changes.len()))
}

/// A current guardian of the editor's child, for the edit form. Recorded as
/// a read of the child. One who is no longer a guardian is not found.
pub fn guardian_for_edit(
    conn: &mut DbConnection,
    e: &ChildEditor,
    guardian: GuardianId,
    request_id: &str,
) -> DbResult<(String, Guardian)> {
    let row = editable_row(conn, e)?;
    let g = guardians_of(conn, e.child_id())?
        .into_iter()
        .find(|g| g.id == guardian && g.current)
        .ok_or(DbError::NotFound)?;
    record(
        conn,
        e,
        ObjectType::Child,
        e.child_id(),
        Action::Read,
        editor_scope(e, &row)?,
        request_id,
    )?;
    Ok((row.name, g))
}

/// The guardian edit form's national identity number is the child's own, or
/// another current guardian's of the same child: nothing was saved.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NationalIdTaken;

/// Saves a current guardian's details, with a history row per changed value
/// (the national identity number masked) and one access-log row. Returns
/// how many values changed. Giving or taking parental responsibility
/// changes whose consent a log needs (`consent::coverage`) from the next
/// request on; setting or changing the national identity number changes
/// who may log in to the family's portal as this guardian.
pub fn update_guardian(
    conn: &mut DbConnection,
    e: &ChildEditor,
    guardian: GuardianId,
    edited: &NewGuardian,
    national_id: &GuardianNationalIdEdit,
    request_id: &str,
) -> DbResult<Result<usize, NationalIdTaken>> {
    let row = editable_row(conn, e)?;
    let g = guardians_of(conn, e.child_id())?
        .into_iter()
        .find(|g| g.id == guardian && g.current)
        .ok_or(DbError::NotFound)?;
    let stored_id: Option<String> = guardians::table
        .find(guardian.to_string())
        .select(guardians::national_id)
        .first(conn)?;
    let stored_id = stored_id.as_deref().and_then(|n| NationalId::parse(n).ok());
    let new_id = national_id.apply(stored_id.as_ref());
    if let Some(n) = &new_id
        && national_id_taken(
            conn,
            e.child_id(),
            Some(guardian),
            row.national_id.as_deref(),
            n,
        )?
    {
        return Ok(Err(NationalIdTaken));
    }
    let mut changes = guardian_changes(&guardian.to_string(), &g.details(), edited);
    changes.extend(guardian_national_id_change(
        &guardian.to_string(),
        stored_id.as_ref(),
        new_id.as_ref(),
    ));
    if changes.is_empty() {
        return Ok(Ok(0));
    }
    diesel::update(guardians::table.find(guardian.to_string()))
        .set((
            guardians::name.eq(&edited.name),
            guardians::relation.eq(edited.relation.code()),
            guardians::phone.eq(&edited.phone),
            guardians::email.eq(&edited.email),
            guardians::parental_responsibility.eq(edited.parental_responsibility),
            guardians::national_id.eq(new_id.as_ref().map(|n| n.expose().to_owned())),
        ))
        .execute(conn)?;
    append_changes(conn, e.child_id(), e.actor_id(), &changes)?;
    record(
        conn,
        e,
        ObjectType::Child,
        e.child_id(),
        Action::Update,
        editor_scope(e, &row)?,
        request_id,
    )?;
    Ok(Ok(changes.len()))
}

/// Marks a guardian as no longer a guardian: the record stays (with an end
/// time, and no parental responsibility, so their consent is no longer
/// needed nor counted); a history row and an access-log row say so. Ending
/// one who has already ended changes nothing (false).
pub fn end_guardian(
    conn: &mut DbConnection,
    e: &ChildEditor,
    guardian: GuardianId,
    request_id: &str,
) -> DbResult<bool> {
    let row = editable_row(conn, e)?;
    let g = guardians_of(conn, e.child_id())?
        .into_iter()
        .find(|g| g.id == guardian)
        .ok_or(DbError::NotFound)?;
    if !g.current {
        return Ok(false);
    }
    diesel::update(guardians::table.find(guardian.to_string()))
        .set((
            guardians::ended_at.eq(Some(to_micros(Utc::now()))),
            guardians::parental_responsibility.eq(false),
        ))
        .execute(conn)?;
    let mut changes = vec![Change {
        field: ChangeField::GuardianEnded,
        subject: Some(guardian.to_string()),
        old: Some(g.name.clone()),
        new: None,
    }];
    if g.parental_responsibility {
        changes.push(Change {
            field: ChangeField::GuardianResponsibility,
            subject: Some(guardian.to_string()),
            old: Some("ja".into()),
            new: Some("nei".into()),
        });
    }
    append_changes(conn, e.child_id(), e.actor_id(), &changes)?;
    record(
        conn,
        e,
        ObjectType::Child,
        e.child_id(),
        Action::Update,
        editor_scope(e, &row)?,
        request_id,
    )?;
    Ok(true)
}

/// The birth of the log's child, to choose offers by age. The caller
/// records the read (with the page it belongs to).
pub fn birth_of_log_child(conn: &mut DbConnection, r: &LogReader) -> DbResult<Birth> {
    let (birth, unborn): (String, bool) = logs::table
        .inner_join(children::table)
        .filter(logs::id.eq(r.log_id().to_string()))
        .select((children::birth_date, children::unborn))
        .first(conn)?;
    let d = date(&birth)?;
    Ok(if unborn {
        Birth::Expected(d)
    } else {
        Birth::Born(d)
    })
}
