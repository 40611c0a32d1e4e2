//! Staff accounts and their memberships.

use crate::schema::{memberships, sessions, unit_municipalities, units, users};
use crate::{DbConnection, DbError, DbResult, access_log, parse_id, to_micros};
use chrono::Utc;
use diesel::prelude::*;
use laget_domain::access::{Actor, AdministersUsers, Membership, MunicipalityAdmin};
use laget_domain::audit::{AccessRecord, Action, ObjectType, Scope};
use laget_domain::ids::MembershipId;
use laget_domain::user::{DisplayName, Email, Role, Username};
use laget_domain::{MunicipalityId, UnitId, UserId};

#[derive(Clone, Debug)]
pub struct UserSummary {
    pub id: UserId,
    pub username: String,
    pub display_name: String,
    pub email: Option<String>,
    pub is_system_admin: bool,
    pub disabled: bool,
}

#[derive(Clone, Debug)]
pub struct MembershipView {
    pub id: MembershipId,
    pub municipality_id: MunicipalityId,
    pub unit_id: Option<UnitId>,
    pub unit_name: Option<String>,
    pub role: Role,
}

#[derive(Clone, Debug)]
pub struct UserDetail {
    pub user: UserSummary,
    pub memberships: Vec<MembershipView>,
}

pub struct NewUser {
    pub username: Username,
    pub display_name: DisplayName,
    pub email: Option<Email>,
    /// An argon2id PHC string; hashing is the caller's (it is slow, and
    /// belongs off the async threads).
    pub password_hash: String,
    pub is_system_admin: bool,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = users)]
struct Row {
    id: String,
    username: String,
    display_name: String,
    email: Option<String>,
    is_system_admin: bool,
    disabled_at: Option<i64>,
}

impl TryFrom<Row> for UserSummary {
    type Error = DbError;
    fn try_from(r: Row) -> DbResult<Self> {
        Ok(Self {
            id: parse_id(&r.id)?,
            username: r.username,
            display_name: r.display_name,
            email: r.email,
            is_system_admin: r.is_system_admin,
            disabled: r.disabled_at.is_some(),
        })
    }
}

fn audit(
    conn: &mut DbConnection,
    cap: &dyn AdministersUsers,
    id: UserId,
    action: Action,
    request_id: &str,
) -> DbResult<()> {
    let scope = Scope {
        municipality_id: cap.municipality(),
        unit_id: None,
    };
    access_log::append(
        conn,
        &AccessRecord::new(cap, ObjectType::User, id, action, scope, request_id),
    )?;
    Ok(())
}

/// Creates an account. A municipality administrator's new users belong to
/// that municipality.
pub fn create(
    conn: &mut DbConnection,
    cap: &dyn AdministersUsers,
    new: &NewUser,
    request_id: &str,
) -> DbResult<UserId> {
    let id = UserId::new();
    diesel::insert_into(users::table)
        .values((
            users::id.eq(id.to_string()),
            users::username.eq(new.username.as_str()),
            users::display_name.eq(new.display_name.as_str()),
            users::email.eq(new.email.as_ref().map(Email::as_str)),
            users::password_hash.eq(&new.password_hash),
            users::home_municipality_id.eq(cap.municipality().map(|m| m.to_string())),
            users::is_system_admin.eq(new.is_system_admin && cap.municipality().is_none()),
            users::created_at.eq(to_micros(Utc::now())),
        ))
        .execute(conn)
        .map_err(DbError::from_insert)?;
    audit(conn, cap, id, Action::Create, request_id)?;
    Ok(id)
}

/// The ids of users that `cap` reaches: in its municipality (by home or by a
/// membership), or all.
fn reaches(conn: &mut DbConnection, cap: &dyn AdministersUsers, id: UserId) -> DbResult<bool> {
    let Some(m) = cap.municipality() else {
        let n: i64 = users::table
            .filter(users::id.eq(id.to_string()))
            .count()
            .get_result(conn)?;
        return Ok(n > 0);
    };
    let by_home: i64 = users::table
        .filter(users::id.eq(id.to_string()))
        .filter(users::home_municipality_id.eq(m.to_string()))
        .count()
        .get_result(conn)?;
    if by_home > 0 {
        return Ok(true);
    }
    let by_membership: i64 = memberships::table
        .filter(memberships::user_id.eq(id.to_string()))
        .filter(memberships::municipality_id.eq(m.to_string()))
        .count()
        .get_result(conn)?;
    Ok(by_membership > 0)
}

fn ensure_reaches(conn: &mut DbConnection, cap: &dyn AdministersUsers, id: UserId) -> DbResult<()> {
    if reaches(conn, cap, id)? {
        Ok(())
    } else {
        Err(DbError::NotFound)
    }
}

/// The users of the administrator's municipality, by name.
pub fn list(conn: &mut DbConnection, cap: &dyn AdministersUsers) -> DbResult<Vec<UserSummary>> {
    let rows: Vec<Row> = match cap.municipality() {
        None => users::table
            .order(users::display_name)
            .select(Row::as_select())
            .load(conn)?,
        Some(m) => {
            let members = memberships::table
                .filter(memberships::municipality_id.eq(m.to_string()))
                .select(memberships::user_id);
            users::table
                .filter(
                    users::home_municipality_id
                        .eq(m.to_string())
                        .or(users::id.eq_any(members)),
                )
                .order(users::display_name)
                .select(Row::as_select())
                .load(conn)?
        }
    };
    rows.into_iter().map(UserSummary::try_from).collect()
}

/// A user's memberships with unit names, for their own start page and the admin.
pub fn memberships_of(conn: &mut DbConnection, id: UserId) -> DbResult<Vec<MembershipView>> {
    /// (membership id, municipality id, unit id, unit name, role)
    type Line = (String, String, Option<String>, Option<String>, String);
    let rows: Vec<Line> = memberships::table
        .left_join(units::table)
        .filter(memberships::user_id.eq(id.to_string()))
        .order((units::name, memberships::role))
        .select((
            memberships::id,
            memberships::municipality_id,
            memberships::unit_id,
            units::name.nullable(),
            memberships::role,
        ))
        .load(conn)?;
    rows.into_iter()
        .map(|(mid, municipality, unit, unit_name, role)| {
            Ok(MembershipView {
                id: parse_id(&mid)?,
                municipality_id: parse_id(&municipality)?,
                unit_id: unit.as_deref().map(parse_id).transpose()?,
                unit_name,
                role: Role::from_code(&role)
                    .map_err(|_| DbError::Corrupt(format!("role {role}")))?,
            })
        })
        .collect()
}

/// One user with memberships, for the administrator. The read is recorded.
pub fn get_for_admin(
    conn: &mut DbConnection,
    cap: &dyn AdministersUsers,
    id: UserId,
    request_id: &str,
) -> DbResult<UserDetail> {
    ensure_reaches(conn, cap, id)?;
    let row: Row = users::table
        .find(id.to_string())
        .select(Row::as_select())
        .first(conn)?;
    let detail = UserDetail {
        user: row.try_into()?,
        memberships: memberships_of(conn, id)?,
    };
    audit(conn, cap, id, Action::Read, request_id)?;
    Ok(detail)
}

pub fn update(
    conn: &mut DbConnection,
    cap: &dyn AdministersUsers,
    id: UserId,
    display_name: &DisplayName,
    email: Option<&Email>,
    request_id: &str,
) -> DbResult<()> {
    ensure_reaches(conn, cap, id)?;
    diesel::update(users::table.find(id.to_string()))
        .set((
            users::display_name.eq(display_name.as_str()),
            users::email.eq(email.map(Email::as_str)),
        ))
        .execute(conn)?;
    audit(conn, cap, id, Action::Update, request_id)
}

/// Disables or enables an account. Disabling ends every session of the user
/// in the same transaction.
pub fn set_disabled(
    conn: &mut DbConnection,
    cap: &dyn AdministersUsers,
    id: UserId,
    disabled: bool,
    request_id: &str,
) -> DbResult<()> {
    ensure_reaches(conn, cap, id)?;
    let at = disabled.then(|| to_micros(Utc::now()));
    diesel::update(users::table.find(id.to_string()))
        .set(users::disabled_at.eq(at))
        .execute(conn)?;
    if disabled {
        diesel::delete(sessions::table.filter(sessions::user_id.eq(id.to_string())))
            .execute(conn)?;
    }
    audit(
        conn,
        cap,
        id,
        if disabled {
            Action::Disable
        } else {
            Action::Enable
        },
        request_id,
    )
}

/// Sets a new password hash and ends the user's sessions.
pub fn set_password_hash(
    conn: &mut DbConnection,
    cap: &dyn AdministersUsers,
    id: UserId,
    password_hash: &str,
    request_id: &str,
) -> DbResult<()> {
    ensure_reaches(conn, cap, id)?;
    diesel::update(users::table.find(id.to_string()))
        .set(users::password_hash.eq(password_hash))
        .execute(conn)?;
    diesel::delete(sessions::table.filter(sessions::user_id.eq(id.to_string()))).execute(conn)?;
    audit(conn, cap, id, Action::ResetPassword, request_id)
}

/// Gives a user a role: in a unit that serves the municipality, or (for the
/// municipality administrator role) in the municipality itself.
pub fn add_membership(
    conn: &mut DbConnection,
    cap: &MunicipalityAdmin,
    id: UserId,
    unit: Option<UnitId>,
    role: Role,
    request_id: &str,
) -> DbResult<MembershipId> {
    let m = cap.municipality_id();
    ensure_reaches(conn, cap, id)?;
    let unit = if role.is_unit_role() {
        Some(unit.ok_or(DbError::NotFound)?)
    } else {
        None
    };
    if let Some(unit) = unit {
        let serves: i64 = unit_municipalities::table
            .filter(unit_municipalities::unit_id.eq(unit.to_string()))
            .filter(unit_municipalities::municipality_id.eq(m.to_string()))
            .count()
            .get_result(conn)?;
        if serves == 0 {
            return Err(DbError::NotFound);
        }
    }
    let mut same = memberships::table
        .filter(memberships::user_id.eq(id.to_string()))
        .filter(memberships::municipality_id.eq(m.to_string()))
        .filter(memberships::role.eq(role.code()))
        .into_boxed();
    same = match unit {
        Some(u) => same.filter(memberships::unit_id.eq(u.to_string())),
        None => same.filter(memberships::unit_id.is_null()),
    };
    let existing: i64 = same.count().get_result(conn)?;
    if existing > 0 {
        return Err(DbError::Taken);
    }
    let mid = MembershipId::new();
    diesel::insert_into(memberships::table)
        .values((
            memberships::id.eq(mid.to_string()),
            memberships::user_id.eq(id.to_string()),
            memberships::municipality_id.eq(m.to_string()),
            memberships::unit_id.eq(unit.map(|u| u.to_string())),
            memberships::role.eq(role.code()),
            memberships::created_at.eq(to_micros(Utc::now())),
        ))
        .execute(conn)?;
    let scope = Scope {
        municipality_id: Some(m),
        unit_id: unit,
    };
    access_log::append(
        conn,
        &AccessRecord::new(cap, ObjectType::User, id, Action::Update, scope, request_id),
    )?;
    Ok(mid)
}

/// Removes a membership held in the administrator's municipality.
pub fn remove_membership(
    conn: &mut DbConnection,
    cap: &MunicipalityAdmin,
    id: UserId,
    membership: MembershipId,
    request_id: &str,
) -> DbResult<()> {
    let m = cap.municipality_id();
    let unit: Option<Option<String>> = memberships::table
        .filter(memberships::id.eq(membership.to_string()))
        .filter(memberships::user_id.eq(id.to_string()))
        .filter(memberships::municipality_id.eq(m.to_string()))
        .select(memberships::unit_id)
        .first(conn)
        .optional()?;
    let unit = unit.ok_or(DbError::NotFound)?;
    diesel::delete(memberships::table.find(membership.to_string())).execute(conn)?;
    let scope = Scope {
        municipality_id: Some(m),
        unit_id: unit.as_deref().map(parse_id).transpose()?,
    };
    access_log::append(
        conn,
        &AccessRecord::new(cap, ObjectType::User, id, Action::Update, scope, request_id),
    )?;
    Ok(())
}

/// What login needs to know about an account.
pub struct Credentials {
    pub id: UserId,
    pub password_hash: String,
    pub disabled: bool,
}

pub fn credentials(conn: &mut DbConnection, username: &Username) -> DbResult<Option<Credentials>> {
    let row: Option<(String, String, Option<i64>)> = users::table
        .filter(users::username.eq(username.as_str()))
        .select((users::id, users::password_hash, users::disabled_at))
        .first(conn)
        .optional()?;
    row.map(|(id, password_hash, disabled_at)| {
        Ok(Credentials {
            id: parse_id(&id)?,
            password_hash,
            disabled: disabled_at.is_some(),
        })
    })
    .transpose()
}

pub fn find_by_username(
    conn: &mut DbConnection,
    username: &Username,
) -> DbResult<Option<UserSummary>> {
    let row: Option<Row> = users::table
        .filter(users::username.eq(username.as_str()))
        .select(Row::as_select())
        .first(conn)
        .optional()?;
    row.map(UserSummary::try_from).transpose()
}

/// The home municipality and the municipalities of a user's memberships.
pub fn municipalities_of(conn: &mut DbConnection, id: UserId) -> DbResult<Vec<MunicipalityId>> {
    let home: Option<Option<String>> = users::table
        .find(id.to_string())
        .select(users::home_municipality_id)
        .first(conn)
        .optional()?;
    let mut ids: Vec<String> = memberships::table
        .filter(memberships::user_id.eq(id.to_string()))
        .select(memberships::municipality_id)
        .load(conn)?;
    ids.extend(home.flatten());
    ids.sort();
    ids.dedup();
    ids.iter().map(|s| parse_id(s)).collect()
}

/// The actor for a signed-in user: their rights, as the access rules see them.
pub fn actor(conn: &mut DbConnection, id: UserId) -> DbResult<Actor> {
    let is_system_admin: bool = users::table
        .find(id.to_string())
        .select(users::is_system_admin)
        .first(conn)?;
    let memberships = memberships_of(conn, id)?
        .into_iter()
        .map(|m| Membership {
            municipality_id: m.municipality_id,
            unit_id: m.unit_id,
            role: m.role,
        })
        .collect();
    Ok(Actor::new(id, is_system_admin, memberships))
}

/// The user's own summary, for the page header.
pub fn summary(conn: &mut DbConnection, id: UserId) -> DbResult<UserSummary> {
    let row: Row = users::table
        .find(id.to_string())
        .select(Row::as_select())
        .first(conn)?;
    row.try_into()
}

/// The name of the municipality a user works for: their home municipality, or
/// else that of their first membership. Shown in the page header.
pub fn municipality_name(conn: &mut DbConnection, id: UserId) -> DbResult<Option<String>> {
    use crate::schema::municipalities;
    let home: Option<String> = users::table
        .inner_join(
            municipalities::table.on(users::home_municipality_id.eq(municipalities::id.nullable())),
        )
        .filter(users::id.eq(id.to_string()))
        .select(municipalities::name)
        .first(conn)
        .optional()?;
    if home.is_some() {
        return Ok(home);
    }
    Ok(memberships::table
        .inner_join(municipalities::table.on(memberships::municipality_id.eq(municipalities::id)))
        .filter(memberships::user_id.eq(id.to_string()))
        .order(memberships::created_at)
        .select(municipalities::name)
        .first(conn)
        .optional()?)
}
