//! The team around the child: staff, guardians and the child, and removing members.

use super::*;

/// Why a member could not be added.
#[derive(Debug)]
pub enum AddRefused {
    /// The member's unit is not covered by a valid consent.
    NotCovered,
    /// A consent exists, but the municipality's rule needs these guardians'
    /// consent too (their names).
    MissingConsentFrom(Vec<String>),
    /// The user is already on the team.
    AlreadyOn,
}

/// Adds a staff member (a user of `unit`). Staff of other units than the one
/// that keeps the log join only where a valid consent covers their unit.
pub fn add_staff(
    conn: &mut DbConnection,
    w: &LogWriter,
    user: UserId,
    unit: UnitId,
    role: &str,
    today: NaiveDate,
    rid: &str,
) -> DbResult<Result<TeamMemberId, AddRefused>> {
    // The user must be one the team form offers (`staff_choices`), decided
    // on the database now: a casework role in that unit and an account not
    // disabled. The form's list may be up to a minute old on another server
    // instance (`laget_web::log::kept`), so it may still offer someone just
    // disabled or taken off the unit.
    use crate::schema::memberships;
    let [staff, leader] = laget_domain::access::CASEWORK_ROLES;
    let holds: i64 = memberships::table
        .inner_join(users::table.on(users::id.eq(memberships::user_id)))
        .filter(memberships::user_id.eq(user.to_string()))
        .filter(memberships::unit_id.eq(unit.to_string()))
        .filter(
            memberships::role
                .eq(staff.code())
                .or(memberships::role.eq(leader.code())),
        )
        .filter(users::disabled_at.is_null())
        .count()
        .get_result(conn)?;
    if holds == 0 {
        return Err(DbError::NotFound);
    }
    let already: i64 = team_members::table
        .filter(team_members::log_id.eq(w.log_id().to_string()))
        .filter(team_members::user_id.eq(user.to_string()))
        .filter(team_members::removed_at.is_null())
        .count()
        .get_result(conn)?;
    if already > 0 {
        return Ok(Err(AddRefused::AlreadyOn));
    }
    if unit != w.reader().home_unit() {
        let f = facts(conn, w.log_id(), w.actor_id(), today)?;
        if !matches!(
            consent::coverage(&f.consent, f.consent_rule, unit, today),
            consent::Coverage::Covered(_)
        ) {
            return Ok(Err(AddRefused::NotCovered));
        }
    }
    let name = user_name(conn, user)?;
    let unit_n = unit_name(conn, unit)?;
    let id = add_member_row(
        conn,
        w.log_id(),
        &NewMember {
            kind: MemberKind::Staff,
            user: Some(user),
            unit: Some(unit),
            guardian: None,
            name: &name,
            role: &TeamRole::Named(role.to_owned()),
        },
    )?;
    entry(
        conn,
        w.log_id(),
        EntryKind::TeamJoined,
        Some(w.actor_id()),
        None,
        serde_json::json!({
            "medlem": id.to_string(),
            "navn": name,
            "enhet": unit.to_string(),
            "enhet_navn": unit_n,
            "rolle": role,
        }),
    )?;
    write_record(conn, w, Action::Update, rid)?;
    Ok(Ok(id))
}

/// A team member who is not staff: a guardian, the child, a network person.
pub struct Person<'a> {
    pub kind: MemberKind,
    pub name: &'a str,
    pub role: &'a str,
    pub guardian: Option<GuardianId>,
}

/// Adds a guardian, the child or a network person. Network persons take part
/// only while something of the log may be shared under the municipality's
/// consent rule ([`consent::any_unit_coverage`]).
pub fn add_person(
    conn: &mut DbConnection,
    w: &LogWriter,
    p: &Person<'_>,
    today: NaiveDate,
    rid: &str,
) -> DbResult<Result<TeamMemberId, AddRefused>> {
    if p.kind == MemberKind::Network {
        let f = facts(conn, w.log_id(), w.actor_id(), today)?;
        match consent::any_unit_coverage(&f.consent, f.consent_rule, today) {
            consent::Coverage::Covered(_) => {}
            consent::Coverage::MissingGuardians(missing) => {
                return Ok(Err(AddRefused::MissingConsentFrom(guardian_names(
                    conn,
                    w.reader(),
                    &missing,
                )?)));
            }
            consent::Coverage::NotCovered => return Ok(Err(AddRefused::NotCovered)),
        }
    }
    let id = add_member_row(
        conn,
        w.log_id(),
        &NewMember {
            kind: p.kind,
            user: None,
            unit: None,
            guardian: p.guardian,
            name: p.name,
            role: &TeamRole::Named(p.role.to_owned()),
        },
    )?;
    entry(
        conn,
        w.log_id(),
        EntryKind::TeamJoined,
        Some(w.actor_id()),
        None,
        serde_json::json!({
            "medlem": id.to_string(),
            "type": p.kind.code(),
            "navn": p.name,
            "rolle": p.role,
        }),
    )?;
    write_record(conn, w, Action::Update, rid)?;
    Ok(Ok(id))
}

/// The names of guardians, in the order given (for «mangler samtykke fra …»).
pub fn guardian_names(
    conn: &mut DbConnection,
    _r: &LogReader,
    ids: &[GuardianId],
) -> DbResult<Vec<String>> {
    let mut names = Vec::with_capacity(ids.len());
    for id in ids {
        names.push(
            guardians::table
                .find(id.to_string())
                .select(guardians::name)
                .first(conn)?,
        );
    }
    Ok(names)
}

pub fn remove_member(
    conn: &mut DbConnection,
    w: &LogWriter,
    member: TeamMemberId,
    rid: &str,
) -> DbResult<()> {
    let (name, user, removed): (String, Option<String>, Option<i64>) = team_members::table
        .filter(team_members::id.eq(member.to_string()))
        .filter(team_members::log_id.eq(w.log_id().to_string()))
        .select((
            team_members::name,
            team_members::user_id,
            team_members::removed_at,
        ))
        .first(conn)?;
    if removed.is_some() {
        return Ok(());
    }
    let lead = log_row(conn, w.log_id())?.lead_user_id;
    if user.is_some() && user == lead {
        // The lead leaves only by handing over.
        return Err(DbError::Conflict);
    }
    diesel::update(team_members::table.find(member.to_string()))
        .set(team_members::removed_at.eq(Some(to_micros(Utc::now()))))
        .execute(conn)?;
    // A proposal to someone who leaves the team cannot be answered: it ends.
    let proposed_to: i64 = handovers::table
        .filter(handovers::log_id.eq(w.log_id().to_string()))
        .filter(handovers::status.eq(HandoverStatus::Pending.code()))
        .filter(handovers::to_member_id.eq(member.to_string()))
        .count()
        .get_result(conn)?;
    if proposed_to > 0 {
        end_pending_handover(
            conn,
            w.log_id(),
            w.actor_id(),
            HandoverEnded::MemberLeft(&name),
        )?;
    }
    entry(
        conn,
        w.log_id(),
        EntryKind::TeamLeft,
        Some(w.actor_id()),
        None,
        serde_json::json!({ "medlem": member.to_string(), "navn": name }),
    )?;
    write_record(conn, w, Action::Update, rid)
}
