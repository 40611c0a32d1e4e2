//! Individual plans (issue #13): the request and decision, the coordinator,
//! the child's goals and the services' contributions.
//!
//! A plan belongs to one log (`plans.log_id` is unique) and grows from it:
//! every change is an event on the log's timeline (`EntryKind::Plan`, its
//! `hendelse` says which), so nothing of the log is copied or lost. Staff
//! read the plan under the log's `LogReader` and change it under its
//! `LogWriter`; the coordinating unit decides under a `PlanDecider`; the
//! family reads it and asks for one under `FamilyReader`/`FamilyWriter`.
//! Every function writes its access-log row on the log (reads that feed a
//! page leave the row to the page, as the log's own reads do).

use crate::children::record;
use crate::schema::{
    children, log_entries, logs, measures, plan_contributions, plan_goals, plans, team_members,
    units, users,
};
use crate::{DbConnection, DbError, DbResult, from_micros, parse_id, to_micros};
use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use laget_domain::access::{
    Actor, Capability, FamilyReader, FamilyWriter, LogReader, LogWriter, PlanCloser, PlanDecider,
    PlanQueue,
};
use laget_domain::audit::{Action, ObjectType, Scope};
use laget_domain::ids::{
    LogId, MeasureId, PlanContributionId, PlanGoalId, PlanId, TeamMemberId, UnitId, UserId,
};
use laget_domain::log::stafett::{EntryKind, LogStatus, MeasureStatus, MemberKind};
use laget_domain::plans::form::{ContributionChoices, Decision, NewContribution, NewGoal};
use laget_domain::plans::{CoordinatorKind, PlanStatus, SaidBy};
use laget_domain::portal::FamilyRole;

/// The plan's coordinator.
#[derive(Clone, Debug)]
pub struct Coordinator {
    pub user_id: UserId,
    pub name: String,
    pub kind: CoordinatorKind,
    pub unit_id: UnitId,
    pub unit_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
}

/// One of the child's goals.
#[derive(Clone, Debug)]
pub struct Goal {
    pub id: PlanGoalId,
    pub position: i32,
    pub words: String,
    pub said_by: SaidBy,
    pub created_at: DateTime<Utc>,
    pub reached_at: Option<DateTime<Utc>>,
    pub ended_at: Option<DateTime<Utc>>,
}

/// What one service contributes to a goal.
#[derive(Clone, Debug)]
pub struct Contribution {
    pub id: PlanContributionId,
    pub goal_id: PlanGoalId,
    pub unit_id: UnitId,
    pub unit_name: String,
    /// The log's measure it is, with its name.
    pub measure: Option<(MeasureId, String)>,
    pub what: String,
    pub responsible_id: UserId,
    pub responsible_name: String,
    pub evaluate_on: NaiveDate,
    pub ended_at: Option<DateTime<Utc>>,
}

/// A plan as its pages show it.
#[derive(Clone, Debug)]
pub struct Plan {
    pub id: PlanId,
    pub log_id: LogId,
    pub status: PlanStatus,
    /// Who asked (staff's name); `None` when the family asked.
    pub requested_by: Option<String>,
    /// The family asked, in the portal.
    pub requested_by_family: bool,
    pub requested_at: DateTime<Utc>,
    pub request_note: String,
    pub decided_by: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
    pub decision_note: Option<String>,
    pub coordinator: Option<Coordinator>,
    pub closed_at: Option<DateTime<Utc>>,
    /// Who closed it and why (from the timeline's closing event).
    pub closed_by: Option<String>,
    pub close_reason: Option<String>,
    pub goals: Vec<Goal>,
    pub contributions: Vec<Contribution>,
}

/// What asking for a plan did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Requested {
    /// A new request (or a refused or closed plan asked for again).
    New(PlanId),
    /// The log has a plan asked for or active already: that one stands.
    Exists(PlanId),
}

/// A staff member on the team, as the decision and the contribution form
/// offer them.
#[derive(Clone, Debug)]
pub struct TeamChoice {
    pub member: TeamMemberId,
    pub user: UserId,
    pub unit: UnitId,
    pub name: String,
    pub unit_name: String,
    /// Could open the log on the ground of the team today (their unit keeps
    /// it, or a valid consent covers it).
    pub may_open: bool,
}

/// A participant of the plan (staff on the team) and whether consent
/// covers them today.
#[derive(Clone, Debug)]
pub struct Participant {
    pub name: String,
    pub unit_name: String,
    /// Their unit keeps the log (no consent needed).
    pub keeps: bool,
    pub covered: bool,
}

/// The contribution form's choices, with their labels.
#[derive(Clone, Debug, Default)]
pub struct ContributionForm {
    pub choices: ContributionChoices,
    pub units: Vec<(UnitId, String, bool)>,
    pub measures: Vec<(MeasureId, String)>,
    pub people: Vec<(UserId, String)>,
}

/// Why a contribution was not recorded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ContributionRefused {
    /// No valid consent covers the unit today (and it does not keep the log).
    NotCovered,
}

fn scope_of(r: &LogReader) -> Scope {
    Scope {
        municipality_id: Some(r.municipality_id()),
        unit_id: Some(r.home_unit()),
    }
}

fn log_row(
    conn: &mut DbConnection,
    r: &LogReader,
    cap: &dyn Capability,
    action: Action,
    rid: &str,
) -> DbResult<()> {
    record(
        conn,
        cap,
        ObjectType::Log,
        r.log_id(),
        action,
        scope_of(r),
        rid,
    )
}

fn corrupt(what: &str, code: &str) -> DbError {
    DbError::Corrupt(format!("{what} {code:?}"))
}

fn name_of(conn: &mut DbConnection, user: &str) -> DbResult<String> {
    Ok(users::table
        .find(user)
        .select(users::display_name)
        .first(conn)?)
}

fn unit_name(conn: &mut DbConnection, unit: &str) -> DbResult<String> {
    Ok(units::table.find(unit).select(units::name).first(conn)?)
}

/// Adds a plan event to the log's timeline.
fn event(
    conn: &mut DbConnection,
    log: LogId,
    actor: Option<UserId>,
    body: Option<&str>,
    data: serde_json::Value,
) -> DbResult<String> {
    Ok(
        crate::log::insert_entry(conn, log, EntryKind::Plan, actor, body, data, Utc::now())?
            .to_string(),
    )
}

type PlanRow = (
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    i64,
    String,
    Option<String>,
    Option<i64>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<i64>,
);

fn load(conn: &mut DbConnection, log: LogId, content: bool) -> DbResult<Option<Plan>> {
    let row: Option<PlanRow> = plans::table
        .filter(plans::log_id.eq(log.to_string()))
        .select((
            plans::id,
            plans::log_id,
            plans::status,
            plans::requested_by,
            plans::requested_by_citizen,
            plans::requested_at,
            plans::request_note,
            plans::decided_by,
            plans::decided_at,
            plans::decision_note,
            plans::coordinator_id,
            plans::coordinator_kind,
            plans::coordinator_unit_id,
            plans::closed_at,
        ))
        .first(conn)
        .optional()?;
    let Some((
        id,
        log_id,
        status,
        by,
        by_citizen,
        at,
        note,
        decided_by,
        decided_at,
        decision_note,
        coordinator,
        kind,
        unit,
        closed_at,
    )) = row
    else {
        return Ok(None);
    };
    let coordinator = match (coordinator, kind, unit) {
        (Some(c), Some(k), Some(u)) => {
            let (name, email, phone): (String, Option<String>, Option<String>) = users::table
                .find(&c)
                .select((users::display_name, users::email, users::phone))
                .first(conn)?;
            Some(Coordinator {
                user_id: parse_id(&c)?,
                name,
                kind: CoordinatorKind::from_code(&k)
                    .ok_or_else(|| corrupt("coordinator kind", &k))?,
                unit_id: parse_id(&u)?,
                unit_name: unit_name(conn, &u)?,
                email,
                phone,
            })
        }
        _ => None,
    };
    let requested_by = by.as_deref().map(|u| name_of(conn, u)).transpose()?;
    let decided_by = decided_by
        .as_deref()
        .map(|u| name_of(conn, u))
        .transpose()?;
    let (closed_by, close_reason) = if closed_at.is_some() {
        closing(conn, log, &id)?
    } else {
        (None, None)
    };
    let (goals, contributions) = if content {
        (goals_of(conn, &id)?, contributions_of(conn, &id)?)
    } else {
        (Vec::new(), Vec::new())
    };
    Ok(Some(Plan {
        id: parse_id(&id)?,
        log_id: parse_id(&log_id)?,
        status: PlanStatus::from_code(&status).ok_or_else(|| corrupt("plan status", &status))?,
        requested_by,
        requested_by_family: by_citizen.is_some(),
        requested_at: from_micros(at),
        request_note: note,
        decided_by,
        decided_at: decided_at.map(from_micros),
        decision_note,
        coordinator,
        closed_at: closed_at.map(from_micros),
        closed_by,
        close_reason,
        goals,
        contributions,
    }))
}

/// Who closed the plan `plan` and the reason given: the newest closing
/// event of the log's timeline (`close` writes it with the reason).
fn closing(
    conn: &mut DbConnection,
    log: LogId,
    plan: &str,
) -> DbResult<(Option<String>, Option<String>)> {
    let events: Vec<(Option<String>, Option<String>, Option<String>)> = log_entries::table
        .filter(log_entries::log_id.eq(log.to_string()))
        .filter(log_entries::kind.eq(EntryKind::Plan.code()))
        .order((log_entries::at.desc(), log_entries::id.desc()))
        .select((log_entries::actor_id, log_entries::body, log_entries::data))
        .load(conn)?;
    for (actor, body, data) in events {
        let closes = data
            .as_deref()
            .and_then(|d| serde_json::from_str::<serde_json::Value>(d).ok())
            .is_some_and(|d| d["hendelse"] == "avsluttet" && d["plan"] == plan);
        if closes {
            let by = actor.as_deref().map(|u| name_of(conn, u)).transpose()?;
            return Ok((by, body));
        }
    }
    Ok((None, None))
}

fn goals_of(conn: &mut DbConnection, plan: &str) -> DbResult<Vec<Goal>> {
    type Row = (String, i32, String, String, i64, Option<i64>, Option<i64>);
    let rows: Vec<Row> = plan_goals::table
        .filter(plan_goals::plan_id.eq(plan))
        .order((plan_goals::position, plan_goals::created_at))
        .select((
            plan_goals::id,
            plan_goals::position,
            plan_goals::words,
            plan_goals::said_by,
            plan_goals::created_at,
            plan_goals::reached_at,
            plan_goals::ended_at,
        ))
        .load(conn)?;
    rows.into_iter()
        .map(|(id, position, words, said_by, at, reached, ended)| {
            Ok(Goal {
                id: parse_id(&id)?,
                position,
                words,
                said_by: SaidBy::from_code(&said_by).ok_or_else(|| corrupt("said by", &said_by))?,
                created_at: from_micros(at),
                reached_at: reached.map(from_micros),
                ended_at: ended.map(from_micros),
            })
        })
        .collect()
}

fn contributions_of(conn: &mut DbConnection, plan: &str) -> DbResult<Vec<Contribution>> {
    type Row = (
        String,
        String,
        String,
        String,
        Option<String>,
        String,
        String,
        String,
        String,
        Option<i64>,
    );
    let rows: Vec<Row> = plan_contributions::table
        .inner_join(units::table.on(units::id.eq(plan_contributions::unit_id)))
        .inner_join(users::table.on(users::id.eq(plan_contributions::responsible_id)))
        .filter(plan_contributions::plan_id.eq(plan))
        .order(plan_contributions::created_at)
        .select((
            plan_contributions::id,
            plan_contributions::goal_id,
            plan_contributions::unit_id,
            units::name,
            plan_contributions::measure_id,
            plan_contributions::what,
            plan_contributions::responsible_id,
            users::display_name,
            plan_contributions::evaluate_on,
            plan_contributions::ended_at,
        ))
        .load(conn)?;
    let mut out = Vec::with_capacity(rows.len());
    for (id, goal, unit, unit_name, measure, what, resp, resp_name, on, ended) in rows {
        let measure = match measure {
            Some(m) => {
                let name: String = measures::table
                    .find(&m)
                    .select(measures::name)
                    .first(conn)?;
                Some((parse_id(&m)?, name))
            }
            None => None,
        };
        out.push(Contribution {
            id: parse_id(&id)?,
            goal_id: parse_id(&goal)?,
            unit_id: parse_id(&unit)?,
            unit_name,
            measure,
            what,
            responsible_id: parse_id(&resp)?,
            responsible_name: resp_name,
            evaluate_on: NaiveDate::parse_from_str(&on, "%Y-%m-%d")
                .map_err(|_| corrupt("evaluation date", &on))?,
            ended_at: ended.map(from_micros),
        });
    }
    Ok(out)
}

/// The log's plan with its goals and contributions, for a reader of the
/// whole log (the web layer checks `LogReader::whole`). Reads only: the page
/// records its read.
pub fn of_log(conn: &mut DbConnection, r: &LogReader) -> DbResult<Option<Plan>> {
    load(conn, r.log_id(), true)
}

/// The request as the coordinating unit decides it: the plan without its
/// goals and contributions. Reads only.
pub fn request_of(conn: &mut DbConnection, d: &PlanDecider) -> DbResult<Option<Plan>> {
    load(conn, d.log_id(), false)
}

/// The plan as the family sees it in the portal (goals, contributions,
/// coordinator). Records the read.
pub fn for_family(conn: &mut DbConnection, r: &FamilyReader, rid: &str) -> DbResult<Option<Plan>> {
    let plan = load(conn, r.log_id(), true)?;
    crate::portal::voice::log_record(conn, r, r, Action::Read, rid)?;
    Ok(plan)
}

/// Records the request, or finds the plan that stands. A refused or closed
/// plan is asked for again (the same row; its goals are kept).
fn ask(
    conn: &mut DbConnection,
    log: LogId,
    municipality: String,
    by: Option<UserId>,
    citizen: Option<String>,
    note: &str,
) -> DbResult<Requested> {
    let now = to_micros(Utc::now());
    let existing: Option<(String, String)> = plans::table
        .filter(plans::log_id.eq(log.to_string()))
        .select((plans::id, plans::status))
        .first(conn)
        .optional()?;
    let id = match existing {
        Some((id, status))
            if status == PlanStatus::Requested.code() || status == PlanStatus::Active.code() =>
        {
            return Ok(Requested::Exists(parse_id(&id)?));
        }
        Some((id, _)) => {
            diesel::update(plans::table.find(&id))
                .set((
                    plans::status.eq(PlanStatus::Requested.code()),
                    plans::requested_by.eq(by.map(|u| u.to_string())),
                    plans::requested_by_citizen.eq(&citizen),
                    plans::requested_at.eq(now),
                    plans::request_note.eq(note),
                    plans::decided_by.eq(None::<String>),
                    plans::decided_at.eq(None::<i64>),
                    plans::decision_note.eq(None::<String>),
                    plans::closed_at.eq(None::<i64>),
                    plans::updated_at.eq(now),
                ))
                .execute(conn)?;
            id
        }
        None => {
            let id = PlanId::new().to_string();
            diesel::insert_into(plans::table)
                .values((
                    plans::id.eq(&id),
                    plans::log_id.eq(log.to_string()),
                    plans::municipality_id.eq(municipality),
                    plans::status.eq(PlanStatus::Requested.code()),
                    plans::requested_by.eq(by.map(|u| u.to_string())),
                    plans::requested_by_citizen.eq(&citizen),
                    plans::requested_at.eq(now),
                    plans::request_note.eq(note),
                    plans::created_at.eq(now),
                    plans::updated_at.eq(now),
                ))
                .execute(conn)?;
            id
        }
    };
    Ok(Requested::New(parse_id(&id)?))
}

/// Asks for an individual plan from the log (a writer of it), with the
/// reason; a timeline event. The log's plan, if one is asked for or active,
/// stands ([`Requested::Exists`], nothing written).
pub fn request(
    conn: &mut DbConnection,
    w: &LogWriter,
    note: &str,
    rid: &str,
) -> DbResult<Requested> {
    let asked = ask(
        conn,
        w.log_id(),
        w.reader().municipality_id().to_string(),
        Some(w.actor_id()),
        None,
        note,
    )?;
    if let Requested::New(id) = asked {
        event(
            conn,
            w.log_id(),
            Some(w.actor_id()),
            Some(note),
            serde_json::json!({ "hendelse": "bedt_om", "plan": id.to_string() }),
        )?;
        log_row(conn, w.reader(), w, Action::Update, rid)?;
    }
    Ok(asked)
}

/// The family asks for an individual plan in the portal (a guardian with
/// parental responsibility, or the youth): as [`request`], the event naming
/// the family as the asker.
pub fn request_by_family(
    conn: &mut DbConnection,
    w: &FamilyWriter,
    note: &str,
    rid: &str,
) -> DbResult<Requested> {
    let municipality: String = logs::table
        .find(w.log_id().to_string())
        .select(logs::municipality_id)
        .first(conn)?;
    let asked = ask(
        conn,
        w.log_id(),
        municipality,
        None,
        Some(w.citizen_id().to_string()),
        note,
    )?;
    if let Requested::New(id) = asked {
        let family = match w.reader().role() {
            FamilyRole::Guardian(_) => "foresatt",
            FamilyRole::Youth => "ungdom",
        };
        let entry = event(
            conn,
            w.log_id(),
            None,
            Some(note),
            serde_json::json!({ "hendelse": "bedt_om", "plan": id.to_string(), "familie": family }),
        )?;
        diesel::update(log_entries::table.find(entry))
            .set(log_entries::citizen_id.eq(Some(w.citizen_id().to_string())))
            .execute(conn)?;
        crate::portal::voice::log_record(conn, w.reader(), w, Action::Update, rid)?;
    }
    Ok(asked)
}

/// The staff on the log's team, each with whether they could open the log
/// today (only those may coordinate or be responsible). Reads only.
pub fn team_choices(
    conn: &mut DbConnection,
    r: &LogReader,
    today: NaiveDate,
) -> DbResult<Vec<TeamChoice>> {
    type Row = (
        String,
        Option<String>,
        Option<String>,
        String,
        Option<String>,
    );
    let facts = crate::log::facts_of(conn, r, today)?;
    let rows: Vec<Row> = team_members::table
        .left_join(units::table.on(units::id.nullable().eq(team_members::unit_id)))
        .filter(team_members::log_id.eq(r.log_id().to_string()))
        .filter(team_members::kind.eq(MemberKind::Staff.code()))
        .filter(team_members::removed_at.is_null())
        .order(team_members::added_at)
        .select((
            team_members::id,
            team_members::user_id,
            team_members::unit_id,
            team_members::name,
            units::name.nullable(),
        ))
        .load(conn)?;
    let mut out = Vec::new();
    for (id, user, unit, name, unit_name) in rows {
        let (Some(user), Some(unit)) = (user, unit) else {
            continue;
        };
        let user: UserId = parse_id(&user)?;
        out.push(TeamChoice {
            member: parse_id(&id)?,
            user,
            unit: parse_id(&unit)?,
            name,
            unit_name: unit_name.unwrap_or_default(),
            may_open: facts.team_member_may_open(user, today),
        });
    }
    Ok(out)
}

/// The plan's participants (staff on the team) and whether consent covers
/// each today. Reads only.
pub fn participants(
    conn: &mut DbConnection,
    r: &LogReader,
    today: NaiveDate,
) -> DbResult<Vec<Participant>> {
    let home = r.home_unit();
    Ok(team_choices(conn, r, today)?
        .into_iter()
        .map(|t| Participant {
            keeps: t.unit == home,
            covered: t.may_open,
            name: t.name,
            unit_name: t.unit_name,
        })
        .collect())
}

/// Whether a valid consent covers the log today for any service (the
/// same rule as the log page's, `consent::any_unit_coverage`): an
/// individual plan needs consent, and the pages say so when there is none.
/// Reads only.
pub fn consent_in_place(
    conn: &mut DbConnection,
    r: &LogReader,
    today: NaiveDate,
) -> DbResult<bool> {
    let facts = crate::log::facts_of(conn, r, today)?;
    Ok(matches!(
        laget_domain::log::consent::any_unit_coverage(&facts.consent, facts.consent_rule, today),
        laget_domain::log::consent::Coverage::Covered(_)
    ))
}

fn set_coordinator(
    conn: &mut DbConnection,
    d: &PlanDecider,
    member: TeamMemberId,
    today: NaiveDate,
) -> DbResult<(String, String, String)> {
    let choice = team_choices(conn, d.reader(), today)?
        .into_iter()
        .find(|t| t.member == member && t.may_open)
        .ok_or(DbError::Conflict)?;
    Ok((
        choice.user.to_string(),
        choice.unit.to_string(),
        choice.name,
    ))
}

/// The coordinating unit decides a waiting request: grants it with a
/// coordinator (a staff member on the team who may open the log; the plan's
/// coordinating unit is theirs) or refuses it with the reason. A timeline
/// event either way. [`DbError::NotFound`] when no request waits;
/// [`DbError::Conflict`] when the coordinator may no longer open the log.
pub fn decide(
    conn: &mut DbConnection,
    d: &PlanDecider,
    decision: &Decision,
    today: NaiveDate,
    rid: &str,
) -> DbResult<()> {
    let id: String = plans::table
        .filter(plans::log_id.eq(d.log_id().to_string()))
        .filter(plans::status.eq(PlanStatus::Requested.code()))
        .select(plans::id)
        .first(conn)
        .optional()?
        .ok_or(DbError::NotFound)?;
    let now = to_micros(Utc::now());
    match decision {
        Decision::Grant {
            coordinator,
            kind,
            note,
        } => {
            let (user, unit, name) = set_coordinator(conn, d, *coordinator, today)?;
            diesel::update(plans::table.find(&id))
                .set((
                    plans::status.eq(PlanStatus::Active.code()),
                    plans::decided_by.eq(Some(d.actor_id().to_string())),
                    plans::decided_at.eq(Some(now)),
                    plans::decision_note.eq(note.as_deref()),
                    plans::coordinator_id.eq(Some(&user)),
                    plans::coordinator_kind.eq(Some(kind.code())),
                    plans::coordinator_unit_id.eq(Some(&unit)),
                    plans::updated_at.eq(now),
                ))
                .execute(conn)?;
            let unit_name = unit_name(conn, &unit)?;
            event(
                conn,
                d.log_id(),
                Some(d.actor_id()),
                note.as_deref(),
                serde_json::json!({
                    "hendelse": "innvilget", "plan": id,
                    "koordinator": name, "type": kind.code(), "enhet": unit_name,
                }),
            )?;
        }
        Decision::Refuse { reason } => {
            diesel::update(plans::table.find(&id))
                .set((
                    plans::status.eq(PlanStatus::Refused.code()),
                    plans::decided_by.eq(Some(d.actor_id().to_string())),
                    plans::decided_at.eq(Some(now)),
                    plans::decision_note.eq(Some(reason)),
                    plans::updated_at.eq(now),
                ))
                .execute(conn)?;
            event(
                conn,
                d.log_id(),
                Some(d.actor_id()),
                Some(reason),
                serde_json::json!({ "hendelse": "avslatt", "plan": id }),
            )?;
        }
    }
    log_row(conn, d.reader(), d, Action::Update, rid)
}

/// The coordinating unit names another coordinator for an active plan.
pub fn change_coordinator(
    conn: &mut DbConnection,
    d: &PlanDecider,
    member: TeamMemberId,
    kind: CoordinatorKind,
    today: NaiveDate,
    rid: &str,
) -> DbResult<()> {
    let id = active_plan(conn, d.log_id())?;
    let (user, unit, name) = set_coordinator(conn, d, member, today)?;
    diesel::update(plans::table.find(&id))
        .set((
            plans::coordinator_id.eq(Some(&user)),
            plans::coordinator_kind.eq(Some(kind.code())),
            plans::coordinator_unit_id.eq(Some(&unit)),
            plans::updated_at.eq(to_micros(Utc::now())),
        ))
        .execute(conn)?;
    let unit_name = unit_name(conn, &unit)?;
    event(
        conn,
        d.log_id(),
        Some(d.actor_id()),
        None,
        serde_json::json!({
            "hendelse": "koordinator", "plan": id,
            "koordinator": name, "type": kind.code(), "enhet": unit_name,
        }),
    )?;
    log_row(conn, d.reader(), d, Action::Update, rid)
}

/// The log's active plan; [`DbError::Conflict`] when it has none (asked
/// for, refused or closed: a stale form).
fn active_plan(conn: &mut DbConnection, log: LogId) -> DbResult<String> {
    plans::table
        .filter(plans::log_id.eq(log.to_string()))
        .filter(plans::status.eq(PlanStatus::Active.code()))
        .select(plans::id)
        .first(conn)
        .optional()?
        .ok_or(DbError::Conflict)
}

/// How long the same goal sent again by the same person counts as a
/// repeat of the first (a double click), not a new goal.
pub const REPEAT_SECONDS: i64 = 60;

/// Adds one of the child's goals, in the child's words, to the active plan.
/// The same words, said by the same, from the same person within
/// [`REPEAT_SECONDS`] give the goal already added (nothing new written).
pub fn add_goal(
    conn: &mut DbConnection,
    w: &LogWriter,
    g: &NewGoal,
    rid: &str,
) -> DbResult<PlanGoalId> {
    let plan = active_plan(conn, w.log_id())?;
    let now = Utc::now();
    // The plan's row first: two requests at once wait for each other here
    // (a row lock in PostgreSQL; SQLite writes one at a time), so the
    // second sees the first's goal below.
    diesel::update(plans::table.find(&plan))
        .set(plans::updated_at.eq(to_micros(now)))
        .execute(conn)?;
    // The same goal from the same person moments ago (a double click, the
    // form sent twice): that goal, nothing new.
    let since = to_micros(now - chrono::Duration::seconds(REPEAT_SECONDS));
    let repeated: Option<String> = plan_goals::table
        .filter(plan_goals::plan_id.eq(&plan))
        .filter(plan_goals::words.eq(&g.words))
        .filter(plan_goals::said_by.eq(g.said_by.code()))
        .filter(plan_goals::created_by.eq(Some(w.actor_id().to_string())))
        .filter(plan_goals::created_at.ge(since))
        .filter(plan_goals::reached_at.is_null())
        .filter(plan_goals::ended_at.is_null())
        .select(plan_goals::id)
        .first(conn)
        .optional()?;
    if let Some(existing) = repeated {
        return parse_id(&existing);
    }
    let count: i64 = plan_goals::table
        .filter(plan_goals::plan_id.eq(&plan))
        .count()
        .get_result(conn)?;
    let id = PlanGoalId::new();
    diesel::insert_into(plan_goals::table)
        .values((
            plan_goals::id.eq(id.to_string()),
            plan_goals::plan_id.eq(&plan),
            plan_goals::position.eq(i32::try_from(count + 1).unwrap_or(i32::MAX)),
            plan_goals::words.eq(&g.words),
            plan_goals::said_by.eq(g.said_by.code()),
            plan_goals::created_by.eq(Some(w.actor_id().to_string())),
            plan_goals::created_at.eq(to_micros(now)),
        ))
        .execute(conn)?;
    event(
        conn,
        w.log_id(),
        Some(w.actor_id()),
        Some(&g.words),
        serde_json::json!({ "hendelse": "mal", "mal": id.to_string(), "sagt_av": g.said_by.code() }),
    )?;
    log_row(conn, w.reader(), w, Action::Update, rid)?;
    Ok(id)
}

/// A goal of the log's active plan, still open (not reached, not ended):
/// its words. [`DbError::NotFound`] for another log's; `Conflict` when it
/// is no longer open.
fn open_goal(conn: &mut DbConnection, log: LogId, goal: PlanGoalId) -> DbResult<String> {
    let plan = active_plan(conn, log)?;
    let (words, reached, ended): (String, Option<i64>, Option<i64>) = plan_goals::table
        .filter(plan_goals::id.eq(goal.to_string()))
        .filter(plan_goals::plan_id.eq(&plan))
        .select((
            plan_goals::words,
            plan_goals::reached_at,
            plan_goals::ended_at,
        ))
        .first(conn)
        .optional()?
        .ok_or(DbError::NotFound)?;
    if reached.is_some() || ended.is_some() {
        return Err(DbError::Conflict);
    }
    Ok(words)
}

/// New words for a goal; the old words stay on the timeline (the event
/// holds them), so nothing the child said is lost.
pub fn edit_goal(
    conn: &mut DbConnection,
    w: &LogWriter,
    goal: PlanGoalId,
    words: &str,
    rid: &str,
) -> DbResult<()> {
    let before = open_goal(conn, w.log_id(), goal)?;
    if before == words {
        return Ok(());
    }
    diesel::update(plan_goals::table.find(goal.to_string()))
        .set(plan_goals::words.eq(words))
        .execute(conn)?;
    event(
        conn,
        w.log_id(),
        Some(w.actor_id()),
        Some(words),
        serde_json::json!({ "hendelse": "mal_endret", "mal": goal.to_string(), "for": before }),
    )?;
    log_row(conn, w.reader(), w, Action::Update, rid)
}

/// Marks a goal reached (`reached`) or ends it without reaching it.
pub fn finish_goal(
    conn: &mut DbConnection,
    w: &LogWriter,
    goal: PlanGoalId,
    reached: bool,
    rid: &str,
) -> DbResult<()> {
    let words = open_goal(conn, w.log_id(), goal)?;
    let now = Some(to_micros(Utc::now()));
    let q = diesel::update(plan_goals::table.find(goal.to_string()));
    if reached {
        q.set(plan_goals::reached_at.eq(now)).execute(conn)?;
    } else {
        q.set(plan_goals::ended_at.eq(now)).execute(conn)?;
    }
    event(
        conn,
        w.log_id(),
        Some(w.actor_id()),
        Some(&words),
        serde_json::json!({
            "hendelse": if reached { "mal_nadd" } else { "mal_avsluttet" },
            "mal": goal.to_string(),
        }),
    )?;
    log_row(conn, w.reader(), w, Action::Update, rid)
}

/// What the contribution form may choose among: the plan's open goals, the
/// units (the one that keeps the log, and the team's, each with whether a
/// valid consent covers it today), the log's measures that are not stopped,
/// and the people who may be responsible (staff on the team who may open
/// the log). Reads only.
pub fn contribution_form(
    conn: &mut DbConnection,
    r: &LogReader,
    today: NaiveDate,
) -> DbResult<ContributionForm> {
    let mut f = ContributionForm::default();
    if let Some(plan) = load(conn, r.log_id(), true)? {
        f.choices.goals = plan
            .goals
            .iter()
            .filter(|g| g.reached_at.is_none() && g.ended_at.is_none())
            .map(|g| g.id)
            .collect();
    }
    let home = r.home_unit();
    f.units
        .push((home, unit_name(conn, &home.to_string())?, true));
    f.choices.covered_units.push(home);
    for t in team_choices(conn, r, today)? {
        if t.may_open && !f.people.iter().any(|(u, _)| *u == t.user) {
            f.people
                .push((t.user, format!("{} ({})", t.name, t.unit_name)));
            f.choices.people.push(t.user);
        }
        if f.units.iter().any(|(u, _, _)| *u == t.unit) {
            continue;
        }
        f.units.push((t.unit, t.unit_name.clone(), t.may_open));
        if t.may_open {
            f.choices.covered_units.push(t.unit);
        } else {
            f.choices.uncovered_units.push(t.unit);
        }
    }
    let rows: Vec<(String, String)> = measures::table
        .filter(measures::log_id.eq(r.log_id().to_string()))
        .filter(measures::status.ne(MeasureStatus::Stopped.code()))
        .order(measures::created_at)
        .select((measures::id, measures::name))
        .load(conn)?;
    for (id, name) in rows {
        let id: MeasureId = parse_id(&id)?;
        f.measures.push((id, name));
        f.choices.measures.push(id);
    }
    Ok(f)
}

/// Records what a service contributes to a goal. The unit must keep the log
/// or be covered by a valid consent today (checked again here, in the
/// transaction); the responsible person must be able to open the log.
pub fn add_contribution(
    conn: &mut DbConnection,
    w: &LogWriter,
    c: &NewContribution,
    today: NaiveDate,
    rid: &str,
) -> DbResult<Result<PlanContributionId, ContributionRefused>> {
    let plan = active_plan(conn, w.log_id())?;
    open_goal(conn, w.log_id(), c.goal)?;
    let form = contribution_form(conn, w.reader(), today)?;
    if !form.choices.covered_units.contains(&c.unit) {
        return Ok(Err(ContributionRefused::NotCovered));
    }
    if !form.choices.people.contains(&c.responsible) {
        return Err(DbError::Conflict);
    }
    if let Some(m) = c.measure
        && !form.choices.measures.contains(&m)
    {
        return Err(DbError::NotFound);
    }
    let id = PlanContributionId::new();
    diesel::insert_into(plan_contributions::table)
        .values((
            plan_contributions::id.eq(id.to_string()),
            plan_contributions::plan_id.eq(&plan),
            plan_contributions::goal_id.eq(c.goal.to_string()),
            plan_contributions::unit_id.eq(c.unit.to_string()),
            plan_contributions::measure_id.eq(c.measure.map(|m| m.to_string())),
            plan_contributions::what.eq(&c.what),
            plan_contributions::responsible_id.eq(c.responsible.to_string()),
            plan_contributions::evaluate_on.eq(c.evaluate_on.format("%Y-%m-%d").to_string()),
            plan_contributions::created_by.eq(Some(w.actor_id().to_string())),
            plan_contributions::created_at.eq(to_micros(Utc::now())),
        ))
        .execute(conn)?;
    let unit = unit_name(conn, &c.unit.to_string())?;
    let responsible = name_of(conn, &c.responsible.to_string())?;
    event(
        conn,
        w.log_id(),
        Some(w.actor_id()),
        Some(&c.what),
        serde_json::json!({
            "hendelse": "bidrag", "bidrag": id.to_string(), "mal": c.goal.to_string(),
            "enhet": unit, "ansvarlig": responsible,
            "evaluering": c.evaluate_on.format("%Y-%m-%d").to_string(),
        }),
    )?;
    log_row(conn, w.reader(), w, Action::Update, rid)?;
    Ok(Ok(id))
}

/// Ends a contribution (the service no longer gives it).
pub fn end_contribution(
    conn: &mut DbConnection,
    w: &LogWriter,
    id: PlanContributionId,
    rid: &str,
) -> DbResult<()> {
    let plan = active_plan(conn, w.log_id())?;
    let (what, unit): (String, String) = plan_contributions::table
        .filter(plan_contributions::id.eq(id.to_string()))
        .filter(plan_contributions::plan_id.eq(&plan))
        .filter(plan_contributions::ended_at.is_null())
        .select((plan_contributions::what, plan_contributions::unit_id))
        .first(conn)
        .optional()?
        .ok_or(DbError::NotFound)?;
    diesel::update(plan_contributions::table.find(id.to_string()))
        .set(plan_contributions::ended_at.eq(Some(to_micros(Utc::now()))))
        .execute(conn)?;
    let unit = unit_name(conn, &unit)?;
    event(
        conn,
        w.log_id(),
        Some(w.actor_id()),
        Some(&what),
        serde_json::json!({ "hendelse": "bidrag_avsluttet", "bidrag": id.to_string(), "enhet": unit }),
    )?;
    log_row(conn, w.reader(), w, Action::Update, rid)
}

/// Closes the active plan, with the reason (the coordinator, or the keeping
/// unit's leader: [`PlanCloser`]).
pub fn close(conn: &mut DbConnection, c: &PlanCloser, reason: &str, rid: &str) -> DbResult<()> {
    let id = active_plan(conn, c.log_id())?;
    let now = to_micros(Utc::now());
    diesel::update(plans::table.find(&id))
        .set((
            plans::status.eq(PlanStatus::Closed.code()),
            plans::closed_at.eq(Some(now)),
            plans::updated_at.eq(now),
        ))
        .execute(conn)?;
    event(
        conn,
        c.log_id(),
        Some(c.actor_id()),
        Some(reason),
        serde_json::json!({ "hendelse": "avsluttet", "plan": id }),
    )?;
    log_row(conn, c.writer().reader(), c, Action::Update, rid)
}

/// The coordinator of the log's plan, if it has one (for deciding who may
/// close it). Ids only.
pub fn coordinator_of(conn: &mut DbConnection, r: &LogReader) -> DbResult<Option<UserId>> {
    let c: Option<Option<String>> = plans::table
        .filter(plans::log_id.eq(r.log_id().to_string()))
        .select(plans::coordinator_id)
        .first(conn)
        .optional()?;
    c.flatten().as_deref().map(parse_id).transpose()
}

/// A request waiting in the coordinating unit's queue.
#[derive(Clone, Debug)]
pub struct QueueLine {
    pub log_id: LogId,
    pub child_name: String,
    pub requested_at: DateTime<Utc>,
    pub by_family: bool,
}

/// The requests waiting for the municipality's coordinating unit, oldest
/// first. A line names the child only because the coordinating unit may open
/// that log now (the log page's decision, as `casework::openable` makes it);
/// one access-log row for the list.
pub fn queue(
    conn: &mut DbConnection,
    q: &PlanQueue,
    actor: &Actor,
    today: NaiveDate,
    rid: &str,
) -> DbResult<Vec<QueueLine>> {
    let rows: Vec<(String, String, i64, Option<String>)> = plans::table
        .inner_join(logs::table.on(logs::id.eq(plans::log_id)))
        .inner_join(children::table.on(children::id.eq(logs::child_id)))
        .filter(plans::municipality_id.eq(q.municipality_id().to_string()))
        .filter(plans::status.eq(PlanStatus::Requested.code()))
        .filter(logs::status.eq(LogStatus::Open.code()))
        .order(plans::requested_at)
        .select((
            logs::id,
            children::name,
            plans::requested_at,
            plans::requested_by_citizen,
        ))
        .load(conn)?;
    let ids: Vec<LogId> = rows
        .iter()
        .map(|r| parse_id(&r.0))
        .collect::<DbResult<_>>()?;
    // The log page's decision, once per log (as `casework::openable`,
    // which imports this module for «Mine oppgaver»).
    let mut open = Vec::with_capacity(ids.len());
    for log in ids {
        let facts = crate::log::facts(conn, log, actor.user_id(), today)?;
        if actor.open_log(&facts, today).is_ok() {
            open.push(log);
        }
    }
    let mut out = Vec::new();
    for (log, child, at, citizen) in rows {
        let log_id: LogId = parse_id(&log)?;
        if open.contains(&log_id) {
            out.push(QueueLine {
                log_id,
                child_name: child,
                requested_at: from_micros(at),
                by_family: citizen.is_some(),
            });
        }
    }
    record(
        conn,
        q,
        ObjectType::Municipality,
        q.municipality_id(),
        Action::List,
        Scope {
            municipality_id: Some(q.municipality_id()),
            unit_id: None,
        },
        rid,
    )?;
    Ok(out)
}

/// A plan task on «Mine oppgaver».
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PlanTaskKind {
    /// A plan is asked for: the coordinating unit decides.
    Requested,
    /// I was appointed coordinator and the plan has no goal yet.
    Appointed,
}

/// One plan task (the caller filters by whether the actor may open the
/// log, as every task).
#[derive(Clone, Debug)]
pub struct PlanTask {
    pub kind: PlanTaskKind,
    pub log_id: LogId,
    pub child_name: String,
    pub since: NaiveDate,
}

/// The actor's plan tasks: requests waiting in the municipalities whose
/// coordinating unit they are in, and plans they coordinate that have no
/// goal yet. Names children: `casework::my_tasks` keeps only those whose
/// log the actor may open.
pub fn tasks(conn: &mut DbConnection, actor: &Actor) -> DbResult<Vec<PlanTask>> {
    let mut out = Vec::new();
    let coordinating: Vec<String> = actor
        .reviewed_municipalities()
        .iter()
        .filter(|m| actor.plan_queue(**m).is_ok())
        .map(|m| m.to_string())
        .collect();
    if !coordinating.is_empty() {
        let rows: Vec<(String, String, i64)> = plans::table
            .inner_join(logs::table.on(logs::id.eq(plans::log_id)))
            .inner_join(children::table.on(children::id.eq(logs::child_id)))
            .filter(plans::municipality_id.eq_any(&coordinating))
            .filter(plans::status.eq(PlanStatus::Requested.code()))
            .filter(logs::status.eq(LogStatus::Open.code()))
            .select((logs::id, children::name, plans::requested_at))
            .load(conn)?;
        for (log, child, at) in rows {
            out.push(PlanTask {
                kind: PlanTaskKind::Requested,
                log_id: parse_id(&log)?,
                child_name: child,
                since: from_micros(at).date_naive(),
            });
        }
    }
    let rows: Vec<(String, String, String, Option<i64>)> = plans::table
        .inner_join(logs::table.on(logs::id.eq(plans::log_id)))
        .inner_join(children::table.on(children::id.eq(logs::child_id)))
        .filter(plans::coordinator_id.eq(actor.user_id().to_string()))
        .filter(plans::status.eq(PlanStatus::Active.code()))
        .filter(logs::status.eq(LogStatus::Open.code()))
        .select((plans::id, logs::id, children::name, plans::decided_at))
        .load(conn)?;
    for (plan, log, child, at) in rows {
        let goals: i64 = plan_goals::table
            .filter(plan_goals::plan_id.eq(&plan))
            .count()
            .get_result(conn)?;
        if goals == 0 {
            out.push(PlanTask {
                kind: PlanTaskKind::Appointed,
                log_id: parse_id(&log)?,
                child_name: child,
                since: at.map(|a| from_micros(a).date_naive()).unwrap_or_default(),
            });
        }
    }
    Ok(out)
}

/// Where the log's plan stands, if it has one (the log page's box). Reads
/// only; the log page records its read.
pub fn status_of(conn: &mut DbConnection, r: &LogReader) -> DbResult<Option<PlanStatus>> {
    let s: Option<String> = plans::table
        .filter(plans::log_id.eq(r.log_id().to_string()))
        .select(plans::status)
        .first(conn)
        .optional()?;
    s.map(|s| PlanStatus::from_code(&s).ok_or_else(|| corrupt("plan status", &s)))
        .transpose()
}

/// The child's name, for the family's page of the plan. Reads only (the
/// page's read is recorded by [`for_family`]).
pub fn child_name_for_family(conn: &mut DbConnection, r: &FamilyReader) -> DbResult<String> {
    Ok(logs::table
        .inner_join(children::table.on(children::id.eq(logs::child_id)))
        .filter(logs::id.eq(r.log_id().to_string()))
        .select(children::name)
        .first(conn)?)
}

/// The coordinating unit's decider for `log` (`Actor::plan_decider`: the
/// plan asked for or active), or `None` (a 404). Reads the access facts and
/// the plan's state before the decision, ids only.
pub fn decider(
    conn: &mut DbConnection,
    actor: &Actor,
    log: LogId,
    today: NaiveDate,
) -> DbResult<Option<PlanDecider>> {
    let facts = crate::log::facts(conn, log, actor.user_id(), today)?;
    let status: Option<String> = plans::table
        .filter(plans::log_id.eq(log.to_string()))
        .select(plans::status)
        .first(conn)
        .optional()?;
    let status = status.as_deref().and_then(PlanStatus::from_code);
    Ok(actor.plan_decider(&facts, status, today).ok())
}
