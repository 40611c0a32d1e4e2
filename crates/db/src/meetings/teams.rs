//! The municipality's standing teams (TST, tidlig innsatsteam,
//! samhandlingsteam, samhandlingsforum): their definition by the
//! administrator, their members, their meetings (planned by the leader, with
//! invitations by e-mail to the member persons; on-demand members called in
//! to one meeting) and the counts against their meeting rule. The cases
//! brought to them are in `team_cases`, the minutes in `team_minutes`.
//!
//! Every function takes a capability from `laget_domain::access` (teams
//! hold no child's data by themselves; a named case's child is read only in
//! `team_cases`, per log, where the reader may open it), except [`facts`],
//! which is read before the decision (ids and flags only, like
//! `crate::lookup`). Unknown teams, and teams of another municipality, are
//! `NotFound`. Changing a team's definition is recorded in the access log
//! on the municipality, as the municipality's other settings are.
//!
//! Times are stored in UTC; which semester a meeting falls in is decided in
//! Norwegian time by the caller (`laget_domain::meetings::teams::Standing`),
//! so these functions take and give instants.

use crate::children::record;
use crate::meetings::mail::{self, MailRequest, Recipient};
use crate::schema::{
    meeting_participants, meetings, memberships, standing_team_members, standing_teams,
    unit_municipalities, units, users,
};
use crate::{DbConnection, DbError, DbResult, from_micros, parse_id, to_micros};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use laget_domain::access::{
    Actor, CASEWORK_ROLES, CallFacts, TeamDefiner, TeamFacts, TeamMeetingReader, TeamMember,
    TeamPlanner, TeamReportReader, TeamsOverview,
};
use laget_domain::admin::unit::UnitKind;
use laget_domain::admin::user::Role;
use laget_domain::audit::{Action, ObjectType, Scope};
use laget_domain::ids::{MeetingId, ParticipantId, StandingTeamId, StandingTeamMemberId};
use laget_domain::meetings::mail::MailKind;
use laget_domain::meetings::teams::{MeetingRule, TeamKind};
use laget_domain::meetings::{MeetingKind, MeetingStatus, ParticipantKind};
use laget_domain::{MunicipalityId, UnitId, UserId};

/// A member of a team: a unit (its staff take part) or a person.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Who {
    Unit(UnitId),
    User(UserId),
}

/// A member as the administrator defines it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MemberSpec {
    pub who: Who,
    /// Called on demand (NAV in a TST), not a fixed member.
    pub on_demand: bool,
}

/// What the administrator sets on a team.
#[derive(Clone, Debug)]
pub struct TeamFields {
    pub kind: TeamKind,
    pub name: String,
    /// A TST's school or kindergarten.
    pub unit: Option<UnitId>,
    /// A tidlig innsatsteam's age group (`TEAM_AGE_BANDS`).
    pub age_band: Option<String>,
    pub leader: Option<UserId>,
    pub rule: MeetingRule,
    pub min_minutes: u32,
    pub agenda: String,
    pub active: bool,
    pub members: Vec<MemberSpec>,
}

/// A team as lists show it.
#[derive(Clone, Debug)]
pub struct TeamSummary {
    pub id: StandingTeamId,
    pub municipality_id: MunicipalityId,
    pub kind: TeamKind,
    pub name: String,
    pub unit: Option<UnitId>,
    pub unit_name: Option<String>,
    pub age_band: Option<String>,
    pub leader: Option<UserId>,
    pub leader_name: Option<String>,
    pub rule: MeetingRule,
    pub min_minutes: u32,
    pub agenda: String,
    pub active: bool,
}

/// A member with its name.
#[derive(Clone, Debug)]
pub struct Member {
    pub who: Who,
    pub name: String,
    pub on_demand: bool,
    /// A unit's kind; `None` for a person.
    pub unit_kind: Option<UnitKind>,
}

/// A team with its members (fixed first, units before persons, by name).
#[derive(Clone, Debug)]
pub struct Team {
    pub summary: TeamSummary,
    pub members: Vec<Member>,
}

/// What the team form offers: the units that serve the municipality and
/// the staff of those units (ansatt, leder, koordinerende enhet).
#[derive(Clone, Debug, Default)]
pub struct Candidates {
    pub units: Vec<(UnitId, String, UnitKind)>,
    /// (user, name, the names of their units)
    pub staff: Vec<(UserId, String, String)>,
}

/// A team meeting as the calendar shows it.
#[derive(Clone, Debug)]
pub struct TeamMeeting {
    pub id: MeetingId,
    pub team_id: StandingTeamId,
    pub status: MeetingStatus,
    pub purpose: String,
    pub agenda: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub place: Option<String>,
    pub cancel_reason: Option<String>,
    pub called_by: Option<String>,
}

/// Someone invited to a team meeting: a member unit or person, or someone
/// called in (on demand).
#[derive(Clone, Debug)]
pub struct Invited {
    pub id: ParticipantId,
    pub kind: ParticipantKind,
    pub name: String,
    pub user: Option<UserId>,
    pub called_in: bool,
    /// Present (`Some(true)`) or absent, as the minutes say.
    pub attended: Option<bool>,
}

/// A meeting someone is called in to, as their own list shows it.
#[derive(Clone, Debug)]
pub struct Call {
    pub team_id: StandingTeamId,
    pub team_name: String,
    pub meeting: TeamMeeting,
}

/// A meeting to plan.
#[derive(Clone, Debug)]
pub struct NewTeamMeeting {
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub place: String,
    pub purpose: String,
    pub agenda: String,
}

// ---------------------------------------------------------------------------
// Reading

#[derive(Queryable)]
struct TeamRow {
    id: String,
    municipality_id: String,
    kind: String,
    name: String,
    unit_id: Option<String>,
    unit_name: Option<String>,
    age_band: Option<String>,
    leader: Option<String>,
    leader_name: Option<String>,
    min_autumn: i32,
    min_spring: i32,
    weekday: Option<i32>,
    min_minutes: i32,
    agenda: String,
    active: bool,
}

macro_rules! team_query {
    () => {
        standing_teams::table
            .left_join(units::table.on(units::id.nullable().eq(standing_teams::unit_id)))
            .left_join(users::table.on(users::id.nullable().eq(standing_teams::leader_user_id)))
            .select((
                standing_teams::id,
                standing_teams::municipality_id,
                standing_teams::kind,
                standing_teams::name,
                standing_teams::unit_id,
                units::name.nullable(),
                standing_teams::age_band,
                standing_teams::leader_user_id,
                users::display_name.nullable(),
                standing_teams::min_autumn,
                standing_teams::min_spring,
                standing_teams::weekday,
                standing_teams::min_minutes,
                standing_teams::agenda,
                standing_teams::active,
            ))
    };
}

fn kind_of(code: &str) -> DbResult<TeamKind> {
    TeamKind::from_code(code).ok_or_else(|| DbError::Corrupt(format!("team kind {code:?}")))
}

fn status_of(code: &str) -> DbResult<MeetingStatus> {
    MeetingStatus::from_code(code)
        .ok_or_else(|| DbError::Corrupt(format!("meeting status {code:?}")))
}

fn summary_from(r: TeamRow) -> DbResult<TeamSummary> {
    Ok(TeamSummary {
        id: parse_id(&r.id)?,
        municipality_id: parse_id(&r.municipality_id)?,
        kind: kind_of(&r.kind)?,
        name: r.name,
        unit: r.unit_id.as_deref().map(parse_id).transpose()?,
        unit_name: r.unit_name,
        age_band: r.age_band,
        leader: r.leader.as_deref().map(parse_id).transpose()?,
        leader_name: r.leader_name,
        rule: MeetingRule::from_stored(r.min_autumn, r.min_spring, r.weekday),
        min_minutes: u32::try_from(r.min_minutes).unwrap_or(0),
        agenda: r.agenda,
        active: r.active,
    })
}

/// What the access rules need about a team (`Actor::team_member`,
/// `Actor::team_report`): ids and flags only; `NotFound` if there is no
/// such team. Read before the decision, so it takes no capability.
pub fn facts(conn: &mut DbConnection, team: StandingTeamId) -> DbResult<TeamFacts> {
    let (m, active, leader): (String, bool, Option<String>) = standing_teams::table
        .find(team.to_string())
        .select((
            standing_teams::municipality_id,
            standing_teams::active,
            standing_teams::leader_user_id,
        ))
        .first(conn)?;
    let fixed: Vec<(Option<String>, Option<String>)> = standing_team_members::table
        .filter(standing_team_members::team_id.eq(team.to_string()))
        .filter(standing_team_members::removed_at.is_null())
        .filter(standing_team_members::on_demand.eq(false))
        .select((
            standing_team_members::unit_id,
            standing_team_members::user_id,
        ))
        .load(conn)?;
    let mut units = Vec::new();
    let mut people = Vec::new();
    for (unit, user) in fixed {
        if let Some(u) = unit {
            units.push(parse_id(&u)?);
        }
        if let Some(u) = user {
            people.push(parse_id(&u)?);
        }
    }
    Ok(TeamFacts {
        team_id: team,
        municipality_id: parse_id(&m)?,
        active,
        leader: leader.as_deref().map(parse_id).transpose()?,
        units,
        users: people,
    })
}

/// A member row: the unit or the user, on demand, the unit's name and kind,
/// the user's name.
type MemberRow = (
    Option<String>,
    Option<String>,
    bool,
    Option<String>,
    Option<String>,
    Option<String>,
);

fn members_of(conn: &mut DbConnection, team: StandingTeamId) -> DbResult<Vec<Member>> {
    let rows: Vec<MemberRow> = standing_team_members::table
        .left_join(units::table.on(units::id.nullable().eq(standing_team_members::unit_id)))
        .left_join(users::table.on(users::id.nullable().eq(standing_team_members::user_id)))
        .filter(standing_team_members::team_id.eq(team.to_string()))
        .filter(standing_team_members::removed_at.is_null())
        .select((
            standing_team_members::unit_id,
            standing_team_members::user_id,
            standing_team_members::on_demand,
            units::name.nullable(),
            units::kind.nullable(),
            users::display_name.nullable(),
        ))
        .load(conn)?;
    let mut out = Vec::with_capacity(rows.len());
    for (unit, user, on_demand, unit_name, unit_kind, user_name) in rows {
        let (who, name, unit_kind) = match (unit, user) {
            (Some(u), _) => (
                Who::Unit(parse_id(&u)?),
                unit_name.unwrap_or_default(),
                unit_kind
                    .as_deref()
                    .map(|k| {
                        UnitKind::from_code(k)
                            .map_err(|_| DbError::Corrupt(format!("unit kind {k:?}")))
                    })
                    .transpose()?,
            ),
            (None, Some(u)) => (
                Who::User(parse_id(&u)?),
                user_name.unwrap_or_default(),
                None,
            ),
            (None, None) => return Err(DbError::Corrupt("team member of no one".into())),
        };
        out.push(Member {
            who,
            name,
            on_demand,
            unit_kind,
        });
    }
    out.sort_by(|a, b| {
        (a.on_demand, matches!(a.who, Who::User(_)), &a.name).cmp(&(
            b.on_demand,
            matches!(b.who, Who::User(_)),
            &b.name,
        ))
    });
    Ok(out)
}

fn summary(conn: &mut DbConnection, team: StandingTeamId) -> DbResult<TeamSummary> {
    let row: TeamRow = team_query!()
        .filter(standing_teams::id.eq(team.to_string()))
        .first(conn)?;
    summary_from(row)
}

fn team(conn: &mut DbConnection, id: StandingTeamId) -> DbResult<Team> {
    Ok(Team {
        summary: summary(conn, id)?,
        members: members_of(conn, id)?,
    })
}

/// The municipality's teams, by name (active ones first).
pub fn list(conn: &mut DbConnection, cap: &TeamDefiner) -> DbResult<Vec<TeamSummary>> {
    let rows: Vec<TeamRow> = team_query!()
        .filter(standing_teams::municipality_id.eq(cap.municipality_id().to_string()))
        .order((standing_teams::active.desc(), standing_teams::name))
        .load(conn)?;
    rows.into_iter().map(summary_from).collect()
}

/// One of the municipality's teams, for its form.
pub fn get(conn: &mut DbConnection, cap: &TeamDefiner, id: StandingTeamId) -> DbResult<Team> {
    let t = team(conn, id)?;
    if t.summary.municipality_id != cap.municipality_id() {
        return Err(DbError::NotFound);
    }
    Ok(t)
}

/// The member's team, with its members.
pub fn of_member(conn: &mut DbConnection, cap: &TeamMember) -> DbResult<Team> {
    team(conn, cap.team_id())
}

/// The team of a yearly report (its definition only).
pub fn of_report(conn: &mut DbConnection, cap: &TeamReportReader) -> DbResult<TeamSummary> {
    summary(conn, cap.team_id())
}

/// What the team form offers in the administrator's municipality.
pub fn candidates(conn: &mut DbConnection, cap: &TeamDefiner) -> DbResult<Candidates> {
    let m = cap.municipality_id().to_string();
    let unit_rows: Vec<(String, String, String)> = units::table
        .inner_join(unit_municipalities::table)
        .filter(unit_municipalities::municipality_id.eq(&m))
        .filter(units::active.eq(true))
        .order(units::name)
        .select((units::id, units::name, units::kind))
        .load(conn)?;
    let mut out = Candidates::default();
    let mut unit_ids = Vec::with_capacity(unit_rows.len());
    for (id, name, kind) in unit_rows {
        let kind = UnitKind::from_code(&kind)
            .map_err(|_| DbError::Corrupt(format!("unit kind {kind:?}")))?;
        unit_ids.push(id.clone());
        out.units.push((parse_id(&id)?, name, kind));
    }
    // Those who work with children, and the coordinating unit's staff (who
    // may lead a tidlig innsatsteam); not offer editors or administrators.
    let roles: Vec<&str> = CASEWORK_ROLES
        .iter()
        .chain([&Role::KoordinerendeEnhet])
        .map(|r| r.code())
        .collect();
    let staff: Vec<(String, String, String)> = memberships::table
        .inner_join(users::table)
        .inner_join(units::table)
        .filter(memberships::unit_id.eq_any(&unit_ids))
        .filter(memberships::role.eq_any(&roles))
        .filter(users::disabled_at.is_null())
        .order((users::display_name, users::id, units::name))
        .select((users::id, users::display_name, units::name))
        .load(conn)?;
    for (id, name, unit) in staff {
        let id: UserId = parse_id(&id)?;
        match out.staff.last_mut() {
            Some((last, _, units)) if *last == id => {
                if !units.split(", ").any(|u| u == unit) {
                    units.push_str(", ");
                    units.push_str(&unit);
                }
            }
            _ => out.staff.push((id, name, unit)),
        }
    }
    Ok(out)
}

// ---------------------------------------------------------------------------
// Defining

/// Checks that every unit and person the fields name is offered in the
/// administrator's municipality; anything else is `NotFound` (the form
/// offers only those).
fn check_scope(conn: &mut DbConnection, cap: &TeamDefiner, f: &TeamFields) -> DbResult<()> {
    let c = candidates(conn, cap)?;
    let unit_ok = |u: &UnitId| c.units.iter().any(|(id, _, _)| id == u);
    let user_ok = |u: &UserId| c.staff.iter().any(|(id, _, _)| id == u);
    let tst_unit_ok = f.unit.is_none_or(|u| {
        c.units
            .iter()
            .any(|(id, _, k)| *id == u && matches!(k, UnitKind::Skole | UnitKind::Barnehage))
    });
    let members_ok = f.members.iter().all(|m| match &m.who {
        Who::Unit(u) => unit_ok(u),
        Who::User(u) => user_ok(u),
    });
    if tst_unit_ok && f.leader.as_ref().is_none_or(user_ok) && members_ok {
        Ok(())
    } else {
        Err(DbError::NotFound)
    }
}

fn record_definition(conn: &mut DbConnection, cap: &TeamDefiner, rid: &str) -> DbResult<()> {
    record(
        conn,
        cap,
        ObjectType::Municipality,
        cap.municipality_id(),
        Action::Update,
        Scope {
            municipality_id: Some(cap.municipality_id()),
            unit_id: None,
        },
        rid,
    )
}

/// Creates a team with its members.
pub fn create(
    conn: &mut DbConnection,
    cap: &TeamDefiner,
    f: &TeamFields,
    rid: &str,
) -> DbResult<StandingTeamId> {
    check_scope(conn, cap, f)?;
    let id = StandingTeamId::new();
    let (autumn, spring, weekday) = f.rule.to_stored();
    let now = to_micros(Utc::now());
    diesel::insert_into(standing_teams::table)
        .values((
            standing_teams::id.eq(id.to_string()),
            standing_teams::municipality_id.eq(cap.municipality_id().to_string()),
            standing_teams::kind.eq(f.kind.code()),
            standing_teams::name.eq(&f.name),
            standing_teams::unit_id.eq(f.unit.map(|u| u.to_string())),
            standing_teams::age_band.eq(f.age_band.as_deref()),
            standing_teams::leader_user_id.eq(f.leader.map(|u| u.to_string())),
            standing_teams::min_autumn.eq(autumn),
            standing_teams::min_spring.eq(spring),
            standing_teams::weekday.eq(weekday),
            standing_teams::min_minutes.eq(i32::try_from(f.min_minutes).unwrap_or(0)),
            standing_teams::agenda.eq(&f.agenda),
            standing_teams::active.eq(f.active),
            standing_teams::created_by.eq(cap.actor_id().map(|u| u.to_string())),
            standing_teams::created_at.eq(now),
        ))
        .execute(conn)?;
    sync_members(conn, id, &f.members, now)?;
    record_definition(conn, cap, rid)?;
    Ok(id)
}

/// Changes a team of the administrator's municipality: its fields, and its
/// members (a member no longer chosen is marked removed, never deleted).
pub fn update(
    conn: &mut DbConnection,
    cap: &TeamDefiner,
    id: StandingTeamId,
    f: &TeamFields,
    rid: &str,
) -> DbResult<()> {
    get(conn, cap, id)?;
    check_scope(conn, cap, f)?;
    let (autumn, spring, weekday) = f.rule.to_stored();
    diesel::update(standing_teams::table.find(id.to_string()))
        .set((
            standing_teams::kind.eq(f.kind.code()),
            standing_teams::name.eq(&f.name),
            standing_teams::unit_id.eq(f.unit.map(|u| u.to_string())),
            standing_teams::age_band.eq(f.age_band.as_deref()),
            standing_teams::leader_user_id.eq(f.leader.map(|u| u.to_string())),
            standing_teams::min_autumn.eq(autumn),
            standing_teams::min_spring.eq(spring),
            standing_teams::weekday.eq(weekday),
            standing_teams::min_minutes.eq(i32::try_from(f.min_minutes).unwrap_or(0)),
            standing_teams::agenda.eq(&f.agenda),
            standing_teams::active.eq(f.active),
        ))
        .execute(conn)?;
    sync_members(conn, id, &f.members, to_micros(Utc::now()))?;
    record_definition(conn, cap, rid)
}

/// Makes the team's current members those of `wanted`.
fn sync_members(
    conn: &mut DbConnection,
    team: StandingTeamId,
    wanted: &[MemberSpec],
    now: i64,
) -> DbResult<()> {
    let current: Vec<(String, Option<String>, Option<String>, bool)> = standing_team_members::table
        .filter(standing_team_members::team_id.eq(team.to_string()))
        .filter(standing_team_members::removed_at.is_null())
        .select((
            standing_team_members::id,
            standing_team_members::unit_id,
            standing_team_members::user_id,
            standing_team_members::on_demand,
        ))
        .load(conn)?;
    let mut kept: Vec<Who> = Vec::new();
    for (row, unit, user, on_demand) in current {
        let who = match (unit, user) {
            (Some(u), _) => Who::Unit(parse_id(&u)?),
            (None, Some(u)) => Who::User(parse_id(&u)?),
            (None, None) => continue,
        };
        match wanted.iter().find(|w| w.who == who) {
            Some(w) if !kept.contains(&who) => {
                kept.push(who);
                if w.on_demand != on_demand {
                    diesel::update(standing_team_members::table.find(&row))
                        .set(standing_team_members::on_demand.eq(w.on_demand))
                        .execute(conn)?;
                }
            }
            _ => {
                diesel::update(standing_team_members::table.find(&row))
                    .set(standing_team_members::removed_at.eq(Some(now)))
                    .execute(conn)?;
            }
        }
    }
    for w in wanted {
        if kept.contains(&w.who) {
            continue;
        }
        kept.push(w.who);
        let (unit, user) = match w.who {
            Who::Unit(u) => (Some(u.to_string()), None),
            Who::User(u) => (None, Some(u.to_string())),
        };
        diesel::insert_into(standing_team_members::table)
            .values((
                standing_team_members::id.eq(StandingTeamMemberId::new().to_string()),
                standing_team_members::team_id.eq(team.to_string()),
                standing_team_members::unit_id.eq(unit),
                standing_team_members::user_id.eq(user),
                standing_team_members::on_demand.eq(w.on_demand),
                standing_team_members::added_at.eq(now),
            ))
            .execute(conn)?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// The member's view

/// The teams `actor` is a member of (as `Actor::team_member` decides), with
/// the capability for each, active ones first, by name.
pub fn my_teams(
    conn: &mut DbConnection,
    actor: &Actor,
) -> DbResult<Vec<(TeamMember, TeamSummary)>> {
    let me = actor.user_id().to_string();
    let my_units: Vec<String> = actor
        .casework_units()
        .into_iter()
        .map(|(u, _)| u.to_string())
        .collect();
    let mut ids: Vec<String> = standing_team_members::table
        .filter(standing_team_members::removed_at.is_null())
        .filter(standing_team_members::on_demand.eq(false))
        .filter(
            standing_team_members::user_id
                .eq(&me)
                .or(standing_team_members::unit_id.eq_any(&my_units)),
        )
        .select(standing_team_members::team_id)
        .load(conn)?;
    ids.extend(
        standing_teams::table
            .filter(standing_teams::leader_user_id.eq(&me))
            .select(standing_teams::id)
            .load::<String>(conn)?,
    );
    ids.sort();
    ids.dedup();
    let mut out = Vec::new();
    for id in ids {
        let id: StandingTeamId = parse_id(&id)?;
        let f = facts(conn, id)?;
        if let Ok(member) = actor.team_member(&f) {
            out.push((member, summary(conn, id)?));
        }
    }
    out.sort_by(|(_, a), (_, b)| (!a.active, &a.name).cmp(&(!b.active, &b.name)));
    Ok(out)
}

#[derive(Queryable)]
struct MeetingRow {
    id: String,
    team_id: Option<String>,
    status: String,
    purpose: String,
    agenda: String,
    starts_at: i64,
    ends_at: i64,
    place: Option<String>,
    cancel_reason: Option<String>,
    called_by: Option<String>,
}

macro_rules! meeting_query {
    () => {
        meetings::table
            .left_join(users::table.on(users::id.nullable().eq(meetings::called_by)))
            .filter(meetings::kind.eq(MeetingKind::Team.code()))
            .select((
                meetings::id,
                meetings::team_id,
                meetings::status,
                meetings::purpose,
                meetings::agenda,
                meetings::starts_at,
                meetings::ends_at,
                meetings::place,
                meetings::cancel_reason,
                users::display_name.nullable(),
            ))
    };
}

fn meeting_from(r: MeetingRow) -> DbResult<TeamMeeting> {
    Ok(TeamMeeting {
        id: parse_id(&r.id)?,
        team_id: parse_id(r.team_id.as_deref().unwrap_or_default())?,
        status: status_of(&r.status)?,
        purpose: r.purpose,
        agenda: r.agenda,
        starts_at: from_micros(r.starts_at),
        ends_at: from_micros(r.ends_at),
        place: r.place,
        cancel_reason: r.cancel_reason,
        called_by: r.called_by,
    })
}

/// A team's meetings that start in `[from, to)`, cancelled ones too, in
/// time order.
fn meetings_between(
    conn: &mut DbConnection,
    team: StandingTeamId,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> DbResult<Vec<TeamMeeting>> {
    let rows: Vec<MeetingRow> = meeting_query!()
        .filter(meetings::team_id.eq(team.to_string()))
        .filter(meetings::starts_at.ge(to_micros(from)))
        .filter(meetings::starts_at.lt(to_micros(to)))
        .order((meetings::starts_at, meetings::id))
        .load(conn)?;
    rows.into_iter().map(meeting_from).collect()
}

/// The member's team's meetings that start in `[from, to)`.
pub fn meetings(
    conn: &mut DbConnection,
    cap: &TeamMember,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> DbResult<Vec<TeamMeeting>> {
    meetings_between(conn, cap.team_id(), from, to)
}

/// The meetings that start in `[from, to)` of a team in a report.
pub fn report_meetings(
    conn: &mut DbConnection,
    cap: &TeamReportReader,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> DbResult<Vec<TeamMeeting>> {
    meetings_between(conn, cap.team_id(), from, to)
}

/// The meeting the reader reads, with who was invited (units, then
/// persons, by name).
pub fn meeting(
    conn: &mut DbConnection,
    cap: &TeamMeetingReader,
) -> DbResult<(TeamMeeting, Vec<Invited>)> {
    let id = cap.meeting_id();
    let row: MeetingRow = meeting_query!()
        .filter(meetings::id.eq(id.to_string()))
        .filter(meetings::team_id.eq(cap.team_id().to_string()))
        .first(conn)?;
    let m = meeting_from(row)?;
    Ok((m, invited(conn, id)?))
}

/// The invited of a meeting that is not taken off it.
pub(crate) fn invited(conn: &mut DbConnection, id: MeetingId) -> DbResult<Vec<Invited>> {
    type Row = (String, String, String, Option<String>, bool, Option<bool>);
    let rows: Vec<Row> = meeting_participants::table
        .filter(meeting_participants::meeting_id.eq(id.to_string()))
        .filter(meeting_participants::removed_at.is_null())
        .order((
            meeting_participants::kind.desc(),
            meeting_participants::name,
            meeting_participants::id,
        ))
        .select((
            meeting_participants::id,
            meeting_participants::kind,
            meeting_participants::name,
            meeting_participants::user_id,
            meeting_participants::called_in,
            meeting_participants::attended,
        ))
        .load(conn)?;
    rows.into_iter()
        .map(|(pid, kind, name, user, called_in, attended)| {
            Ok(Invited {
                id: parse_id(&pid)?,
                kind: ParticipantKind::from_code(&kind)
                    .ok_or_else(|| DbError::Corrupt(format!("participant kind {kind:?}")))?,
                name,
                user: user.as_deref().map(parse_id).transpose()?,
                called_in,
                attended,
            })
        })
        .collect()
}

/// Decides who may read `meeting` of `team` (`Actor::team_meeting`): a
/// member, or someone called in to it. Reads the team's facts and whether
/// `actor` is called in to the meeting (ids and a flag) before the
/// decision; an unknown team, a meeting of another team, or anyone else is
/// `NotFound`.
pub fn open_meeting(
    conn: &mut DbConnection,
    actor: &Actor,
    team: StandingTeamId,
    meeting: MeetingId,
) -> DbResult<TeamMeetingReader> {
    let f = facts(conn, team)?;
    let of_team: i64 = meetings::table
        .filter(meetings::id.eq(meeting.to_string()))
        .filter(meetings::team_id.eq(team.to_string()))
        .count()
        .get_result(conn)?;
    if of_team == 0 {
        return Err(DbError::NotFound);
    }
    let called: i64 = meeting_participants::table
        .filter(meeting_participants::meeting_id.eq(meeting.to_string()))
        .filter(meeting_participants::user_id.eq(actor.user_id().to_string()))
        .filter(meeting_participants::called_in.eq(true))
        .filter(meeting_participants::removed_at.is_null())
        .count()
        .get_result(conn)?;
    let call = CallFacts {
        meeting,
        called_in: called > 0,
    };
    actor.team_meeting(&f, &call).map_err(|_| DbError::NotFound)
}

/// The name of the team whose meeting the reader reads (all that someone
/// called in sees of the team itself).
pub fn name_of(conn: &mut DbConnection, cap: &TeamMeetingReader) -> DbResult<String> {
    Ok(standing_teams::table
        .find(cap.team_id().to_string())
        .select(standing_teams::name)
        .first(conn)?)
}

/// The people who are members of a team (`Actor::team_member`): its
/// leader, its fixed member persons and the staff (ansatt, leder) of its
/// fixed member units, not disabled; by name.
pub(crate) fn member_people(
    conn: &mut DbConnection,
    team: StandingTeamId,
) -> DbResult<Vec<(UserId, String)>> {
    people_of(conn, team, false)
}

/// The people of a team's fixed (`on_demand` false) or on-demand members:
/// the persons, and the staff (ansatt, leder) of the units; with the
/// fixed ones, the leader.
fn people_of(
    conn: &mut DbConnection,
    team: StandingTeamId,
    on_demand: bool,
) -> DbResult<Vec<(UserId, String)>> {
    let team = team.to_string();
    let units: Vec<Option<String>> = standing_team_members::table
        .filter(standing_team_members::team_id.eq(&team))
        .filter(standing_team_members::removed_at.is_null())
        .filter(standing_team_members::on_demand.eq(on_demand))
        .select(standing_team_members::unit_id)
        .load(conn)?;
    let units: Vec<String> = units.into_iter().flatten().collect();
    let roles: Vec<&str> = CASEWORK_ROLES.iter().map(|r| r.code()).collect();
    let through_units = memberships::table
        .filter(memberships::unit_id.eq_any(&units))
        .filter(memberships::role.eq_any(&roles))
        .select(memberships::user_id);
    let persons = standing_team_members::table
        .filter(standing_team_members::team_id.eq(&team))
        .filter(standing_team_members::removed_at.is_null())
        .filter(standing_team_members::on_demand.eq(on_demand))
        .filter(standing_team_members::user_id.is_not_null())
        .select(standing_team_members::user_id.assume_not_null());
    let leader: Vec<String> = if on_demand {
        Vec::new()
    } else {
        standing_teams::table
            .filter(standing_teams::id.eq(&team))
            .filter(standing_teams::leader_user_id.is_not_null())
            .select(standing_teams::leader_user_id.assume_not_null())
            .load(conn)?
    };
    let rows: Vec<(String, String)> = users::table
        .filter(users::disabled_at.is_null())
        .filter(
            users::id
                .eq_any(through_units)
                .or(users::id.eq_any(persons))
                .or(users::id.eq_any(&leader)),
        )
        .order((users::display_name, users::id))
        .select((users::id, users::display_name))
        .load(conn)?;
    rows.into_iter()
        .map(|(id, name)| Ok((parse_id(&id)?, name)))
        .collect()
}

/// Whom the leader may call in to `meeting`: the team's on-demand persons
/// and the staff of its on-demand units, who are no members and are not
/// invited to the meeting yet; by name.
pub fn call_in_choices(
    conn: &mut DbConnection,
    cap: &TeamPlanner,
    meeting: MeetingId,
) -> DbResult<Vec<(UserId, String)>> {
    let members = member_people(conn, cap.team_id())?;
    let invited: Vec<UserId> = invited(conn, meeting)?
        .into_iter()
        .filter_map(|i| i.user)
        .collect();
    Ok(people_of(conn, cap.team_id(), true)?
        .into_iter()
        .filter(|(u, _)| !members.iter().any(|(m, _)| m == u) && !invited.contains(u))
        .collect())
}

/// The leader calls `user` in to a meeting of the team that is not
/// cancelled: invited in their own name (marked as called in), with an
/// invitation by e-mail at the meeting's present SEQUENCE. Someone not
/// among [`call_in_choices`] is `NotFound`; a cancelled meeting is
/// `Conflict`. They then read this meeting (`Actor::team_meeting`) and
/// nothing else of the team.
pub fn call_in(
    conn: &mut DbConnection,
    cap: &TeamPlanner,
    meeting: MeetingId,
    user: UserId,
) -> DbResult<()> {
    let (status, sequence): (String, i32) = meetings::table
        .filter(meetings::id.eq(meeting.to_string()))
        .filter(meetings::team_id.eq(cap.team_id().to_string()))
        .select((meetings::status, meetings::sequence))
        .first(conn)?;
    let Some((_, name)) = call_in_choices(conn, cap, meeting)?
        .into_iter()
        .find(|(u, _)| *u == user)
    else {
        return Err(DbError::NotFound);
    };
    if status_of(&status)? == MeetingStatus::Cancelled {
        return Err(DbError::Conflict);
    }
    let now = to_micros(Utc::now());
    diesel::insert_into(meeting_participants::table)
        .values((
            meeting_participants::id.eq(ParticipantId::new().to_string()),
            meeting_participants::meeting_id.eq(meeting.to_string()),
            meeting_participants::kind.eq(ParticipantKind::Staff.code()),
            meeting_participants::user_id.eq(Some(user.to_string())),
            meeting_participants::name.eq(&name),
            meeting_participants::called_in.eq(true),
            meeting_participants::added_at.eq(now),
        ))
        .execute(conn)?;
    mail::enqueue(
        conn,
        &MailRequest {
            kind: MailKind::Invitation,
            recipient: Recipient::User(user),
            meeting: Some(meeting),
            decision: None,
            sequence,
            created_by: Some(cap.actor_id()),
        },
    )?;
    Ok(())
}

/// The meetings `actor` is called in to (not as a member) that started
/// after `since`, soonest first, with their team's name: their own
/// invitations, which name no case.
pub fn my_calls(
    conn: &mut DbConnection,
    actor: &Actor,
    since: DateTime<Utc>,
) -> DbResult<Vec<Call>> {
    let ids: Vec<String> = meeting_participants::table
        .filter(meeting_participants::user_id.eq(actor.user_id().to_string()))
        .filter(meeting_participants::called_in.eq(true))
        .filter(meeting_participants::removed_at.is_null())
        .select(meeting_participants::meeting_id)
        .load(conn)?;
    let rows: Vec<MeetingRow> = meeting_query!()
        .filter(meetings::id.eq_any(&ids))
        .filter(meetings::starts_at.ge(to_micros(since)))
        .order((meetings::starts_at, meetings::id))
        .load(conn)?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let m = meeting_from(r)?;
        let reader = open_meeting(conn, actor, m.team_id, m.id)?;
        if !reader.is_called_in() {
            continue;
        }
        out.push(Call {
            team_id: m.team_id,
            team_name: name_of(conn, &reader)?,
            meeting: m,
        });
    }
    Ok(out)
}

/// Plans a meeting of the leader's team: the agenda as given (from the
/// team's template), the fixed member units and persons and the leader
/// invited, and an invitation by e-mail to each person (sent after the
/// commit by the outbox; the message names no case).
pub fn plan(conn: &mut DbConnection, cap: &TeamPlanner, m: &NewTeamMeeting) -> DbResult<MeetingId> {
    let team = team(conn, cap.team_id())?;
    let id = MeetingId::new();
    let now = to_micros(Utc::now());
    diesel::insert_into(meetings::table)
        .values((
            meetings::id.eq(id.to_string()),
            meetings::municipality_id.eq(team.summary.municipality_id.to_string()),
            meetings::team_id.eq(Some(cap.team_id().to_string())),
            meetings::kind.eq(MeetingKind::Team.code()),
            meetings::status.eq(MeetingStatus::Planned.code()),
            meetings::purpose.eq(&m.purpose),
            meetings::agenda.eq(&m.agenda),
            meetings::starts_at.eq(to_micros(m.starts_at)),
            meetings::ends_at.eq(to_micros(m.ends_at)),
            meetings::place.eq(Some(m.place.as_str()).filter(|p| !p.is_empty())),
            meetings::sequence.eq(0),
            meetings::called_by.eq(Some(cap.actor_id().to_string())),
            meetings::created_at.eq(now),
            meetings::updated_at.eq(now),
        ))
        .execute(conn)?;
    let mut people: Vec<(UserId, String)> = team
        .members
        .iter()
        .filter(|x| !x.on_demand)
        .filter_map(|x| match x.who {
            Who::User(u) => Some((u, x.name.clone())),
            Who::Unit(_) => None,
        })
        .collect();
    if let (Some(leader), Some(name)) = (team.summary.leader, &team.summary.leader_name)
        && !people.iter().any(|(u, _)| *u == leader)
    {
        people.push((leader, name.clone()));
    }
    let invite = |conn: &mut DbConnection,
                  kind: ParticipantKind,
                  unit: Option<UnitId>,
                  user: Option<UserId>,
                  name: &str| {
        diesel::insert_into(meeting_participants::table)
            .values((
                meeting_participants::id.eq(ParticipantId::new().to_string()),
                meeting_participants::meeting_id.eq(id.to_string()),
                meeting_participants::kind.eq(kind.code()),
                meeting_participants::user_id.eq(user.map(|u| u.to_string())),
                meeting_participants::unit_id.eq(unit.map(|u| u.to_string())),
                meeting_participants::name.eq(name),
                meeting_participants::added_at.eq(now),
            ))
            .execute(conn)
    };
    for x in team.members.iter().filter(|x| !x.on_demand) {
        if let Who::Unit(u) = x.who {
            invite(conn, ParticipantKind::Unit, Some(u), None, &x.name)?;
        }
    }
    for (user, name) in &people {
        invite(conn, ParticipantKind::Staff, None, Some(*user), name)?;
        mail::enqueue(
            conn,
            &MailRequest {
                kind: MailKind::Invitation,
                recipient: Recipient::User(*user),
                meeting: Some(id),
                decision: None,
                sequence: 0,
                created_by: Some(cap.actor_id()),
            },
        )?;
    }
    Ok(id)
}

/// Cancels a planned meeting of the leader's team, with a reason: the
/// invited persons get a cancellation (the same UID, a higher SEQUENCE).
/// A meeting already cancelled, or held (its minutes approved), is
/// `Conflict`.
pub fn cancel(
    conn: &mut DbConnection,
    cap: &TeamPlanner,
    id: MeetingId,
    reason: &str,
) -> DbResult<()> {
    let (status, sequence): (String, i32) = meetings::table
        .filter(meetings::id.eq(id.to_string()))
        .filter(meetings::team_id.eq(cap.team_id().to_string()))
        .select((meetings::status, meetings::sequence))
        .first(conn)?;
    if status_of(&status)? != MeetingStatus::Planned {
        return Err(DbError::Conflict);
    }
    let now = to_micros(Utc::now());
    let sequence = sequence + 1;
    diesel::update(meetings::table.find(id.to_string()))
        .set((
            meetings::status.eq(MeetingStatus::Cancelled.code()),
            meetings::cancelled_at.eq(Some(now)),
            meetings::cancel_reason.eq(Some(reason)),
            meetings::sequence.eq(sequence),
            meetings::updated_at.eq(now),
        ))
        .execute(conn)?;
    let invited: Vec<Option<String>> = meeting_participants::table
        .filter(meeting_participants::meeting_id.eq(id.to_string()))
        .filter(meeting_participants::removed_at.is_null())
        .filter(meeting_participants::kind.eq(ParticipantKind::Staff.code()))
        .select(meeting_participants::user_id)
        .load(conn)?;
    for user in invited.into_iter().flatten() {
        mail::enqueue(
            conn,
            &MailRequest {
                kind: MailKind::Cancellation,
                recipient: Recipient::User(parse_id(&user)?),
                meeting: Some(id),
                decision: None,
                sequence,
                created_by: Some(cap.actor_id()),
            },
        )?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// The municipality's overview

/// The municipality's active teams with their meetings that start in
/// `[from, to)` (the caller counts them against each rule).
pub fn overview(
    conn: &mut DbConnection,
    cap: &TeamsOverview,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> DbResult<Vec<(TeamSummary, Vec<TeamMeeting>)>> {
    let rows: Vec<TeamRow> = team_query!()
        .filter(standing_teams::municipality_id.eq(cap.municipality_id().to_string()))
        .filter(standing_teams::active.eq(true))
        .order(standing_teams::name)
        .load(conn)?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let s = summary_from(r)?;
        let ms = meetings_between(conn, s.id, from, to)?;
        out.push((s, ms));
    }
    Ok(out)
}
