//! Staff accounts and their memberships.

use crate::schema::{memberships, role_grants, sessions, units, users};
use crate::{DbConnection, DbError, DbResult, audit as access_log, parse_id, to_micros};
use chrono::Utc;
use diesel::prelude::*;
use laget_domain::access::{
    AdministersUsers, Capability, GrantRefused, MunicipalityAdmin, RoleGrant, RoleGrantReviewer,
};
use laget_domain::admin::municipality::WrittenStandard;
use laget_domain::admin::user::{DisplayName, Email, Role, Username};
use laget_domain::audit::{AccessRecord, Action, ObjectType, Scope};
use laget_domain::ids::MembershipId;
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

/// Gives a user a role, as decided by [`MunicipalityAdmin::grant_role`]:
/// the membership, a row in `role_grants` under the membership's id (shown to the unit's leaders when
/// the role opens children's data) and an access-log row, in one
/// transaction. The unit's host is checked again here, so a grant made
/// against a stale host is [`DbError::NotFound`].
pub fn grant(
    conn: &mut DbConnection,
    grant: &RoleGrant,
    request_id: &str,
) -> DbResult<MembershipId> {
    let m = grant.municipality_id();
    let id = grant.user_id();
    let role = grant.role();
    let unit = grant.unit_id();
    ensure_reaches(conn, grant, id)?;
    if let Some(unit) = unit
        && crate::admin::units::host_of(conn, unit)? != m
    {
        return Err(DbError::NotFound);
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
    let now = to_micros(Utc::now());
    diesel::insert_into(memberships::table)
        .values((
            memberships::id.eq(mid.to_string()),
            memberships::user_id.eq(id.to_string()),
            memberships::municipality_id.eq(m.to_string()),
            memberships::unit_id.eq(unit.map(|u| u.to_string())),
            memberships::role.eq(role.code()),
            memberships::created_at.eq(now),
        ))
        .execute(conn)?;
    diesel::insert_into(role_grants::table)
        .values((
            role_grants::id.eq(mid.to_string()),
            role_grants::user_id.eq(id.to_string()),
            role_grants::municipality_id.eq(m.to_string()),
            role_grants::unit_id.eq(unit.map(|u| u.to_string())),
            role_grants::role.eq(role.code()),
            role_grants::granted_by.eq(grant.actor().map(|a| a.to_string())),
            role_grants::ground.eq(grant.ground().code()),
            role_grants::granted_at.eq(now),
        ))
        .execute(conn)?;
    let scope = Scope {
        municipality_id: Some(m),
        unit_id: unit,
    };
    access_log::append(
        conn,
        &AccessRecord::new(
            grant,
            ObjectType::User,
            id,
            Action::Update,
            scope,
            request_id,
        ),
    )?;
    Ok(mid)
}

/// Decides and gives a role in one step, for callers that need no reason
/// for a refusal (the operator, demo data, fixtures): a refused grant (one's
/// own account, a unit another municipality hosts, a unit role without a
/// unit) is [`DbError::NotFound`]. Pages use [`MunicipalityAdmin::grant_role`]
/// and [`grant`], so they can say why.
pub fn add_membership(
    conn: &mut DbConnection,
    cap: &MunicipalityAdmin,
    id: UserId,
    unit: Option<UnitId>,
    role: Role,
    request_id: &str,
) -> DbResult<MembershipId> {
    let decision = decide_grant(conn, cap, id, unit, role)?;
    let g = decision.map_err(|_| DbError::NotFound)?;
    grant(conn, &g, request_id)
}

/// Asks the domain whether `cap` may give `id` the `role` in `unit`, with
/// the unit's host read from the database ([`DbError::NotFound`] for a unit
/// that does not exist).
pub fn decide_grant(
    conn: &mut DbConnection,
    cap: &MunicipalityAdmin,
    id: UserId,
    unit: Option<UnitId>,
    role: Role,
) -> DbResult<Result<RoleGrant, GrantRefused>> {
    let unit = match unit.filter(|_| role.is_unit_role()) {
        Some(u) => Some((u, crate::admin::units::host_of(conn, u)?)),
        None => None,
    };
    Ok(cap.grant_role(id, role, unit))
}

/// Removes a membership: one held in the administrator's municipality, or
/// one in a unit that municipality hosts. Its grant is marked revoked.
pub fn remove_membership(
    conn: &mut DbConnection,
    cap: &MunicipalityAdmin,
    id: UserId,
    membership: MembershipId,
    request_id: &str,
) -> DbResult<()> {
    let m = cap.municipality_id();
    let found: Option<(String, Option<String>)> = memberships::table
        .filter(memberships::id.eq(membership.to_string()))
        .filter(memberships::user_id.eq(id.to_string()))
        .select((memberships::municipality_id, memberships::unit_id))
        .first(conn)
        .optional()?;
    let (held_in, unit) = found.ok_or(DbError::NotFound)?;
    let unit: Option<UnitId> = unit.as_deref().map(parse_id).transpose()?;
    let hosted = match unit {
        Some(u) => crate::admin::units::host_of(conn, u)? == m,
        None => false,
    };
    if held_in != m.to_string() && !hosted {
        return Err(DbError::NotFound);
    }
    diesel::delete(memberships::table.find(membership.to_string())).execute(conn)?;
    diesel::update(
        role_grants::table
            .filter(role_grants::id.eq(membership.to_string()))
            .filter(role_grants::revoked_at.is_null()),
    )
    .set((
        role_grants::revoked_at.eq(Some(to_micros(Utc::now()))),
        role_grants::revoked_by.eq(cap.actor().map(|a| a.to_string())),
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
    Ok(())
}

/// One grant of a role that opens children's data in a unit, for its
/// leader's review list.
#[derive(Clone, Debug)]
pub struct GrantLine {
    /// The grant's id, which is that of the membership it made.
    pub id: MembershipId,
    pub user_id: UserId,
    pub user_name: String,
    pub role: Role,
    /// Who gave it; `None` for the operator at the console or an unknown
    /// origin (see `ground`).
    pub granted_by: Option<String>,
    /// The ground code («kommuneadministrator», «operator», «ukjent», …).
    pub ground: String,
    pub granted_at: chrono::DateTime<Utc>,
    pub revoked_at: Option<chrono::DateTime<Utc>>,
    pub reviewed_at: Option<chrono::DateTime<Utc>>,
    pub reviewed_by: Option<String>,
}

/// Most grants shown at once.
pub const GRANT_LIMIT: i64 = 500;

/// The grants of roles that open children's data in the reviewer's unit,
/// newest first. Reading the list is recorded (a read on the unit).
pub fn grants_in_unit(
    conn: &mut DbConnection,
    cap: &RoleGrantReviewer,
    request_id: &str,
) -> DbResult<Vec<GrantLine>> {
    use diesel::alias;
    let (grantee, granter, reviewer) =
        alias!(users as grantee, users as granter, users as reviewer);
    type Line = (
        String,
        String,
        String,
        String,
        Option<String>,
        String,
        i64,
        Option<i64>,
        Option<i64>,
        Option<String>,
    );
    let opening: Vec<&str> = Role::ALL
        .into_iter()
        .filter(|r| r.opens_children())
        .map(Role::code)
        .collect();
    let rows: Vec<Line> = role_grants::table
        .inner_join(grantee.on(grantee.field(users::id).eq(role_grants::user_id)))
        .left_join(
            granter.on(granter
                .field(users::id)
                .nullable()
                .eq(role_grants::granted_by)),
        )
        .left_join(
            reviewer.on(reviewer
                .field(users::id)
                .nullable()
                .eq(role_grants::reviewed_by)),
        )
        .filter(role_grants::unit_id.eq(cap.unit_id().to_string()))
        .filter(role_grants::role.eq_any(opening))
        .order((role_grants::granted_at.desc(), role_grants::id.desc()))
        .limit(GRANT_LIMIT)
        .select((
            role_grants::id,
            role_grants::user_id,
            grantee.field(users::display_name),
            role_grants::role,
            granter.field(users::display_name).nullable(),
            role_grants::ground,
            role_grants::granted_at,
            role_grants::revoked_at,
            role_grants::reviewed_at,
            reviewer.field(users::display_name).nullable(),
        ))
        .load(conn)?;
    let lines = rows
        .into_iter()
        .map(
            |(id, user, name, role, by, ground, at, revoked, reviewed, reviewed_by)| {
                Ok(GrantLine {
                    id: parse_id(&id)?,
                    user_id: parse_id(&user)?,
                    user_name: name,
                    role: Role::from_code(&role)
                        .map_err(|_| DbError::Corrupt(format!("role {role}")))?,
                    granted_by: by,
                    ground,
                    granted_at: crate::from_micros(at),
                    revoked_at: revoked.map(crate::from_micros),
                    reviewed_at: reviewed.map(crate::from_micros),
                    reviewed_by,
                })
            },
        )
        .collect::<DbResult<Vec<_>>>()?;
    let scope = Scope {
        municipality_id: None,
        unit_id: Some(cap.unit_id()),
    };
    access_log::append(
        conn,
        &AccessRecord::new(
            cap,
            ObjectType::Unit,
            cap.unit_id(),
            Action::Read,
            scope,
            request_id,
        ),
    )?;
    Ok(lines)
}

/// The leader marks a grant in their unit as reviewed (once; a second time
/// changes nothing). A grant of another unit is [`DbError::NotFound`].
pub fn review_grant(
    conn: &mut DbConnection,
    cap: &RoleGrantReviewer,
    grant: MembershipId,
    request_id: &str,
) -> DbResult<()> {
    let grant = grant.to_string();
    let user: String = role_grants::table
        .filter(role_grants::id.eq(&grant))
        .filter(role_grants::unit_id.eq(cap.unit_id().to_string()))
        .select(role_grants::user_id)
        .first(conn)?;
    diesel::update(
        role_grants::table
            .filter(role_grants::id.eq(&grant))
            .filter(role_grants::reviewed_at.is_null()),
    )
    .set((
        role_grants::reviewed_at.eq(Some(to_micros(Utc::now()))),
        role_grants::reviewed_by.eq(Some(cap.actor_id().to_string())),
    ))
    .execute(conn)?;
    let scope = Scope {
        municipality_id: None,
        unit_id: Some(cap.unit_id()),
    };
    access_log::append(
        conn,
        &AccessRecord::new(
            cap,
            ObjectType::User,
            user,
            Action::Update,
            scope,
            request_id,
        ),
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

/// The user's own summary, for the page header.
pub fn summary(conn: &mut DbConnection, id: UserId) -> DbResult<UserSummary> {
    let row: Row = users::table
        .find(id.to_string())
        .select(Row::as_select())
        .first(conn)?;
    row.try_into()
}

/// The municipality a user works for, as the pages need it: its name for
/// the header and its written standard for the texts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HomeMunicipality {
    pub name: String,
    pub written_standard: WrittenStandard,
}

/// The municipality a user works for: their home municipality, or else that
/// of their first membership.
pub fn home_municipality(
    conn: &mut DbConnection,
    id: UserId,
) -> DbResult<Option<HomeMunicipality>> {
    use crate::schema::municipalities;
    let home: Option<(String, String)> = users::table
        .inner_join(
            municipalities::table.on(users::home_municipality_id.eq(municipalities::id.nullable())),
        )
        .filter(users::id.eq(id.to_string()))
        .select((municipalities::name, municipalities::written_standard))
        .first(conn)
        .optional()?;
    let found = match home {
        Some(home) => Some(home),
        None => memberships::table
            .inner_join(
                municipalities::table.on(memberships::municipality_id.eq(municipalities::id)),
            )
            .filter(memberships::user_id.eq(id.to_string()))
            .order(memberships::created_at)
            .select((municipalities::name, municipalities::written_standard))
            .first(conn)
            .optional()?,
    };
    found
        .map(|(name, code)| {
            Ok(HomeMunicipality {
                name,
                written_standard: WrittenStandard::from_code(&code)
                    .map_err(|_| DbError::Corrupt("municipalities.written_standard".into()))?,
            })
        })
        .transpose()
}
