//! Work across logs: «Mine oppgaver», the unit leader's overview, break-glass
//! openings and their review, and anonymous consultations.

use crate::children::{casework_scope, date, iso, record};
use crate::codes::Stored;
use crate::schema::{
    break_glass, children, consents, consultation_events, consultations, coordination_requests,
    handovers, logs, measures, team_members, units, users,
};
use crate::{DbConnection, DbError, DbResult, from_micros, parse_id, to_micros};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use diesel::prelude::*;
use laget_domain::access::{Actor, BreakGlassRight, LogWriter, UnitCasework, UnitOverseer};
use laget_domain::audit::{Action, ObjectType, Scope};
use laget_domain::ids::{BreakGlassId, ConsultationId, LogId, MeetingId};
use laget_domain::log::consent::EXPIRY_WARNING_DAYS;
use laget_domain::log::stafett::{EntryKind, HandoverStatus, LogStatus, MeasureStatus};
use laget_domain::{MunicipalityId, UserId};

/// How long a break-glass opening lasts.
pub const BREAK_GLASS_HOURS: i64 = 8;

/// One task on «Mine oppgaver».
#[derive(Clone, Debug)]
pub struct Task {
    pub kind: TaskKind,
    pub log_id: LogId,
    pub child_name: String,
    pub due: Option<NaiveDate>,
    /// What the task's words name besides the child: the measure to
    /// evaluate, who used break-glass. The web layer says the rest.
    pub subject: Option<String>,
    /// The meeting the task is about (answer, the child's voice, minutes,
    /// a decision), for the link.
    pub meeting: Option<MeetingId>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TaskKind {
    /// A first-level decision is due (BTI level 0).
    LevelDecision,
    Evaluation,
    /// A handover waits for my acceptance.
    Handover,
    ConsentExpiring,
    /// The coordinating unit is asked to settle who coordinates.
    Coordination,
    /// The level decided promises a meeting by a date (BTI level 2).
    Meeting,
    /// A break-glass opening of a log my unit keeps waits for my review.
    BreakGlassReview,
    /// The coordinating unit has answered; the lead has not read it.
    CoordinationAnswered,
    /// An invitation to a meeting waits for my answer.
    MeetingAnswer,
    /// Gather the child's voice before a meeting I lead.
    MeetingVoice,
    /// A meeting has been held; its minutes wait to be written or approved.
    Minutes,
    /// A decision in a meeting's minutes made me responsible (`subject`:
    /// the decision's text).
    Decision,
    /// A family asked for a meeting in the portal (the log's holder).
    FamilyMeetingRequest,
    /// A family asked to bring their case to a tidlig innsatsteam (the
    /// log's holder).
    FamilyTeamRequest,
    /// (P1) An individual plan is asked for: the coordinating unit decides.
    PlanRequested,
    /// (P1) I was appointed the plan's coordinator; it has no goal yet.
    PlanCoordinator,
}

/// The user's tasks, soonest first. One access-log row (a list of own tasks).
///
/// A task names a child, so it is shown only while `actor` may open the log
/// (the same decision as the log page, [`Actor::open_log`]): a team member
/// whose consent has expired or been withdrawn, who has left the team, or
/// whose break-glass has ended sees no task on it.
pub fn my_tasks(
    conn: &mut DbConnection,
    actor: &Actor,
    today: NaiveDate,
    request_id: &str,
) -> DbResult<Vec<Task>> {
    let user = actor.user_id();
    let uid = user.to_string();
    let mut tasks = Vec::new();
    // Level decisions, promised meetings and expiring consents on logs I lead.
    let led: Vec<(String, String, Option<String>, Option<String>)> = logs::table
        .inner_join(children::table)
        .filter(logs::lead_user_id.eq(&uid))
        .filter(logs::status.eq(LogStatus::Open.code()))
        .select((
            logs::id,
            children::name,
            logs::decision_due,
            logs::meeting_due,
        ))
        .load(conn)?;
    for (log, child, due, meeting) in &led {
        if let Some(due) = due {
            tasks.push(Task {
                kind: TaskKind::LevelDecision,
                log_id: parse_id(log)?,
                child_name: child.clone(),
                due: Some(date(due)?),
                subject: None,
                meeting: None,
            });
        }
        if let Some(meeting) = meeting {
            tasks.push(Task {
                kind: TaskKind::Meeting,
                log_id: parse_id(log)?,
                child_name: child.clone(),
                due: Some(date(meeting)?),
                subject: None,
                meeting: None,
            });
        }
    }
    let led_ids: Vec<String> = led.iter().map(|(l, ..)| l.clone()).collect();
    let answered: Vec<(String, String, Option<i64>)> = coordination_requests::table
        .inner_join(logs::table.on(logs::id.eq(coordination_requests::log_id)))
        .inner_join(children::table.on(children::id.eq(logs::child_id)))
        .filter(coordination_requests::log_id.eq_any(&led_ids))
        .filter(coordination_requests::answer_read_at.is_null())
        .filter(coordination_requests::resolved_at.is_not_null())
        .select((logs::id, children::name, coordination_requests::resolved_at))
        .load(conn)?;
    for (log, child, at) in answered {
        tasks.push(Task {
            kind: TaskKind::CoordinationAnswered,
            log_id: parse_id(&log)?,
            child_name: child,
            due: at.map(|a| from_micros(a).date_naive()),
            subject: None,
            meeting: None,
        });
    }
    let warn = iso(today + Duration::days(EXPIRY_WARNING_DAYS));
    let expiring: Vec<(String, String, String)> = consents::table
        .inner_join(logs::table.inner_join(children::table))
        .filter(consents::log_id.eq_any(&led_ids))
        .filter(consents::withdrawn_at.is_null())
        .filter(consents::valid_to.ge(iso(today)))
        .filter(consents::valid_to.le(&warn))
        .select((logs::id, children::name, consents::valid_to))
        .load(conn)?;
    for (log, child, to) in expiring {
        tasks.push(Task {
            kind: TaskKind::ConsentExpiring,
            log_id: parse_id(&log)?,
            child_name: child,
            due: Some(date(&to)?),
            subject: None,
            meeting: None,
        });
    }
    // Evaluations: measures I am responsible for (while on the team), and
    // those on logs I lead.
    let mine: Vec<(String, String, String, String)> = measures::table
        .inner_join(team_members::table.on(team_members::id.eq(measures::responsible_member_id)))
        .inner_join(logs::table.on(logs::id.eq(measures::log_id)))
        .inner_join(children::table.on(children::id.eq(logs::child_id)))
        .filter(measures::status.ne(MeasureStatus::Stopped.code()))
        .filter(logs::status.eq(LogStatus::Open.code()))
        .filter(
            team_members::user_id
                .eq(&uid)
                .and(team_members::removed_at.is_null())
                .or(logs::lead_user_id.eq(&uid)),
        )
        .select((
            logs::id,
            children::name,
            measures::name,
            measures::evaluate_by,
        ))
        .load(conn)?;
    for (log, child, measure, due) in mine {
        tasks.push(Task {
            kind: TaskKind::Evaluation,
            log_id: parse_id(&log)?,
            child_name: child,
            due: Some(date(&due)?),
            subject: Some(measure),
            meeting: None,
        });
    }
    let waiting: Vec<(String, String, i64)> = handovers::table
        .inner_join(logs::table.on(logs::id.eq(handovers::log_id)))
        .inner_join(children::table.on(children::id.eq(logs::child_id)))
        .filter(handovers::to_user_id.eq(&uid))
        .filter(handovers::status.eq(HandoverStatus::Pending.code()))
        .filter(logs::status.eq(LogStatus::Open.code()))
        .select((logs::id, children::name, handovers::proposed_at))
        .load(conn)?;
    for (log, child, at) in waiting {
        tasks.push(Task {
            kind: TaskKind::Handover,
            log_id: parse_id(&log)?,
            child_name: child,
            due: Some(from_micros(at).date_naive()),
            subject: None,
            meeting: None,
        });
    }
    let coordinating_for = actor.reviewed_municipalities();
    if !coordinating_for.is_empty() {
        let asked: Vec<(String, String, i64)> = coordination_requests::table
            .inner_join(logs::table.on(logs::id.eq(coordination_requests::log_id)))
            .inner_join(children::table.on(children::id.eq(logs::child_id)))
            .filter(
                coordination_requests::municipality_id
                    .eq_any(coordinating_for.iter().map(|m| m.to_string())),
            )
            .filter(coordination_requests::resolved_at.is_null())
            .select((
                logs::id,
                children::name,
                coordination_requests::requested_at,
            ))
            .load(conn)?;
        for (log, child, at) in asked {
            tasks.push(Task {
                kind: TaskKind::Coordination,
                log_id: parse_id(&log)?,
                child_name: child,
                due: Some(from_micros(at).date_naive()),
                subject: None,
                meeting: None,
            });
        }
    }
    let led_units: Vec<String> = actor.led_units().iter().map(|u| u.to_string()).collect();
    if !led_units.is_empty() {
        let to_review: Vec<(String, String, i64, String)> = break_glass::table
            .inner_join(logs::table.on(logs::id.eq(break_glass::log_id)))
            .inner_join(children::table.on(children::id.eq(logs::child_id)))
            .inner_join(users::table.on(users::id.eq(break_glass::user_id)))
            .filter(break_glass::review_unit_id.eq_any(&led_units))
            .filter(break_glass::reviewed_at.is_null())
            .select((
                logs::id,
                children::name,
                break_glass::opened_at,
                users::display_name,
            ))
            .load(conn)?;
        for (log, child, at, who) in to_review {
            tasks.push(Task {
                kind: TaskKind::BreakGlassReview,
                log_id: parse_id(&log)?,
                child_name: child,
                due: Some(from_micros(at).date_naive()),
                subject: Some(who),
                meeting: None,
            });
        }
    }
    // The case meetings' own rows (the meetings module does not know
    // `Task`, so that neither imports the other).
    for t in crate::meetings::invitations::tasks(conn, actor)? {
        use crate::meetings::invitations::MeetingTaskKind;
        tasks.push(Task {
            kind: match t.kind {
                MeetingTaskKind::Answer => TaskKind::MeetingAnswer,
                MeetingTaskKind::Voice => TaskKind::MeetingVoice,
            },
            log_id: t.log_id,
            child_name: t.child_name,
            due: t.due,
            subject: None,
            meeting: Some(t.meeting),
        });
    }
    for t in crate::meetings::minutes::tasks(conn, actor)? {
        use crate::meetings::minutes::MinutesTaskKind;
        tasks.push(Task {
            kind: match t.kind {
                MinutesTaskKind::Minutes => TaskKind::Minutes,
                MinutesTaskKind::Decision => TaskKind::Decision,
            },
            log_id: t.log_id,
            child_name: t.child_name,
            due: Some(t.due),
            subject: t.subject,
            meeting: Some(t.meeting),
        });
    }
    // What families asked for in the portal, on logs the actor holds.
    for t in crate::portal::requests::tasks(conn, actor)? {
        tasks.push(Task {
            kind: match t.kind {
                laget_domain::portal::RequestKind::Meeting => TaskKind::FamilyMeetingRequest,
                laget_domain::portal::RequestKind::Team => TaskKind::FamilyTeamRequest,
            },
            log_id: t.log_id,
            child_name: t.child_name,
            due: Some(t.asked_at.date_naive()),
            subject: None,
            meeting: None,
        });
    }
    // (P1) Individual plans: requests for the coordinating unit, and plans
    // the actor was appointed to coordinate.
    for t in crate::plans::tasks(conn, actor)? {
        tasks.push(Task {
            kind: match t.kind {
                crate::plans::PlanTaskKind::Requested => TaskKind::PlanRequested,
                crate::plans::PlanTaskKind::Appointed => TaskKind::PlanCoordinator,
            },
            log_id: t.log_id,
            child_name: t.child_name,
            due: Some(t.since),
            subject: None,
            meeting: None,
        });
    }
    let open = openable(conn, actor, tasks.iter().map(|t| t.log_id), today)?;
    tasks.retain(|t| open.contains(&t.log_id));
    tasks.sort_by(|a, b| a.due.cmp(&b.due).then(a.child_name.cmp(&b.child_name)));
    record(
        conn,
        &actor.own_account(),
        ObjectType::User,
        user,
        Action::List,
        Scope::default(),
        request_id,
    )?;
    Ok(tasks)
}

/// Of `logs`, those `actor` may open today: the log page's decision, made
/// once per log. Every list that names a child filters through it.
pub fn openable(
    conn: &mut DbConnection,
    actor: &Actor,
    logs: impl IntoIterator<Item = LogId>,
    today: NaiveDate,
) -> DbResult<Vec<LogId>> {
    let mut ids: Vec<LogId> = logs.into_iter().collect();
    ids.sort();
    ids.dedup();
    let mut open = Vec::with_capacity(ids.len());
    for log in ids {
        let facts = crate::log::facts(conn, log, actor.user_id(), today)?;
        if actor.open_log(&facts, today).is_ok() {
            open.push(log);
        }
    }
    Ok(open)
}

/// [`openable`] for log ids as the database stores them.
fn openable_stored<'a>(
    conn: &mut DbConnection,
    actor: &Actor,
    logs: impl Iterator<Item = &'a str>,
    today: NaiveDate,
) -> DbResult<Vec<LogId>> {
    let ids = logs.map(parse_id).collect::<DbResult<Vec<LogId>>>()?;
    openable(conn, actor, ids, today)
}

/// A log on «Mine logger»: one the user leads or is on the team of.
#[derive(Clone, Debug)]
pub struct MyLog {
    pub log_id: LogId,
    pub municipality_id: MunicipalityId,
    pub child_name: String,
    pub level: u8,
    pub is_open: bool,
    pub is_lead: bool,
    pub role: laget_domain::log::stafett::TeamRole,
    pub unit_name: String,
    pub updated_at: DateTime<Utc>,
}

/// The logs the user leads or is on the team of, open ones first, each only
/// while the user may open it (as the log page decides). One access-log row.
pub fn my_logs(
    conn: &mut DbConnection,
    actor: &Actor,
    today: NaiveDate,
    request_id: &str,
) -> DbResult<Vec<MyLog>> {
    let uid = actor.user_id().to_string();
    /// A team membership with its log, as selected below.
    #[derive(Queryable)]
    struct R {
        log: String,
        municipality: String,
        child: String,
        level: i32,
        #[diesel(deserialize_as = Stored<LogStatus>)]
        status: LogStatus,
        lead: Option<String>,
        role_code: Option<String>,
        role: String,
        unit: String,
        updated: i64,
    }
    let rows: Vec<R> = team_members::table
        .inner_join(logs::table.on(logs::id.eq(team_members::log_id)))
        .inner_join(children::table.on(children::id.eq(logs::child_id)))
        .inner_join(units::table.on(units::id.eq(logs::home_unit_id)))
        .filter(team_members::user_id.eq(&uid))
        .filter(team_members::removed_at.is_null())
        .select((
            logs::id,
            logs::municipality_id,
            children::name,
            logs::level,
            logs::status,
            logs::lead_user_id,
            team_members::role_code,
            team_members::team_role,
            units::name,
            logs::updated_at,
        ))
        .load(conn)?;
    let open = openable_stored(conn, actor, rows.iter().map(|r| r.log.as_str()), today)?;
    let mut out = Vec::new();
    for R {
        log,
        municipality: m,
        child,
        level,
        status,
        lead,
        role_code,
        role,
        unit,
        updated,
    } in rows
    {
        let log_id: LogId = parse_id(&log)?;
        if !open.contains(&log_id) || out.iter().any(|l: &MyLog| l.log_id == log_id) {
            continue;
        }
        out.push(MyLog {
            log_id,
            municipality_id: parse_id(&m)?,
            child_name: child,
            level: u8::try_from(level).map_err(|_| DbError::Corrupt(format!("level {level}")))?,
            is_open: status == LogStatus::Open,
            is_lead: lead.as_deref() == Some(uid.as_str()),
            role: laget_domain::log::stafett::TeamRole::from_stored(role_code.as_deref(), &role),
            unit_name: unit,
            updated_at: from_micros(updated),
        });
    }
    out.sort_by(|a, b| {
        (!a.is_open, !a.is_lead, &a.child_name).cmp(&(!b.is_open, !b.is_lead, &b.child_name))
    });
    record(
        conn,
        &actor.own_account(),
        ObjectType::User,
        actor.user_id(),
        Action::List,
        Scope::default(),
        request_id,
    )?;
    Ok(out)
}

/// A log in the leader's overview.
#[derive(Clone, Debug)]
pub struct OverviewLog {
    pub log_id: LogId,
    pub child_name: String,
    pub status: LogStatus,
    pub level: i32,
    pub lead: Option<String>,
    pub decision_due: Option<NaiveDate>,
    pub overdue_evaluations: i64,
    pub updated_at: DateTime<Utc>,
}

#[derive(Clone, Debug)]
pub struct BreakGlassView {
    pub id: BreakGlassId,
    pub log_id: LogId,
    /// The child, named only while the leader may open the log.
    pub child_name: Option<String>,
    pub user_name: String,
    pub expires_at: DateTime<Utc>,
    pub reason: String,
    pub opened_at: DateTime<Utc>,
    pub reviewed: Option<Review>,
}

/// A leader's review of a break-glass opening.
#[derive(Clone, Debug)]
pub struct Review {
    /// The reviewer's name.
    pub by: String,
    pub at: DateTime<Utc>,
    pub note: String,
}

#[derive(Clone, Debug)]
pub struct Overview {
    pub logs: Vec<OverviewLog>,
    pub break_glass: Vec<BreakGlassView>,
}

/// The logs kept by a unit, with overdue items and break-glass openings to review.
pub fn unit_overview(
    conn: &mut DbConnection,
    cap: &UnitOverseer,
    actor: &Actor,
    today: NaiveDate,
    request_id: &str,
) -> DbResult<Overview> {
    let unit = cap.unit_id().to_string();
    /// A log of the unit, as selected below.
    #[derive(Queryable)]
    struct L {
        id: String,
        child: String,
        #[diesel(deserialize_as = Stored<LogStatus>)]
        status: LogStatus,
        level: i32,
        lead: Option<String>,
        due: Option<String>,
        updated: i64,
    }
    let rows: Vec<L> = logs::table
        .inner_join(children::table)
        .left_join(users::table.on(users::id.nullable().eq(logs::lead_user_id)))
        .filter(logs::home_unit_id.eq(&unit))
        .order((logs::status, logs::level.desc(), children::name))
        .select((
            logs::id,
            children::name,
            logs::status,
            logs::level,
            users::display_name.nullable(),
            logs::decision_due,
            logs::updated_at,
        ))
        .load(conn)?;
    let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
    let overdue: Vec<String> = measures::table
        .filter(measures::log_id.eq_any(&ids))
        .filter(measures::status.ne(MeasureStatus::Stopped.code()))
        .filter(measures::evaluate_by.lt(iso(today)))
        .select(measures::log_id)
        .load(conn)?;
    let logs_v = rows
        .into_iter()
        .map(
            |L {
                 id,
                 child,
                 status,
                 level,
                 lead,
                 due,
                 updated,
             }| {
                Ok(OverviewLog {
                    overdue_evaluations: i64::try_from(
                        overdue.iter().filter(|l| **l == id).count(),
                    )
                    .unwrap_or(0),
                    log_id: parse_id(&id)?,
                    child_name: child,
                    status,
                    level,
                    lead,
                    decision_due: due.as_deref().map(date).transpose()?,
                    updated_at: from_micros(updated),
                })
            },
        )
        .collect::<DbResult<Vec<_>>>()?;
    let break_glass = break_glass_for(conn, &unit, actor, today)?;
    record(
        conn,
        cap,
        ObjectType::Unit,
        cap.unit_id(),
        Action::List,
        Scope {
            municipality_id: None,
            unit_id: Some(cap.unit_id()),
        },
        request_id,
    )?;
    Ok(Overview {
        logs: logs_v,
        break_glass,
    })
}

fn break_glass_for(
    conn: &mut DbConnection,
    unit: &str,
    actor: &Actor,
    today: NaiveDate,
) -> DbResult<Vec<BreakGlassView>> {
    type B = (
        String,
        String,
        String,
        String,
        String,
        i64,
        i64,
        Option<String>,
        Option<i64>,
        Option<String>,
    );
    let rows: Vec<B> = break_glass::table
        .inner_join(users::table.on(users::id.eq(break_glass::user_id)))
        .inner_join(logs::table.on(logs::id.eq(break_glass::log_id)))
        .inner_join(children::table.on(children::id.eq(logs::child_id)))
        .filter(break_glass::review_unit_id.eq(unit))
        .order(break_glass::opened_at.desc())
        .limit(200)
        .select((
            break_glass::id,
            break_glass::log_id,
            children::name,
            users::display_name,
            break_glass::reason,
            break_glass::opened_at,
            break_glass::expires_at,
            break_glass::reviewed_by,
            break_glass::reviewed_at,
            break_glass::review_note,
        ))
        .load(conn)?;
    let open = openable_stored(conn, actor, rows.iter().map(|r| r.1.as_str()), today)?;
    let mut out = Vec::new();
    for (id, log, child, user, reason, at, expires, by, when, note) in rows {
        let reviewed = match (by, when) {
            (Some(by), Some(when)) => {
                let name: String = users::table
                    .find(&by)
                    .select(users::display_name)
                    .first(conn)?;
                Some(Review {
                    by: name,
                    at: from_micros(when),
                    note: note.unwrap_or_default(),
                })
            }
            _ => None,
        };
        let log_id: LogId = parse_id(&log)?;
        out.push(BreakGlassView {
            id: parse_id(&id)?,
            log_id,
            child_name: open.contains(&log_id).then_some(child),
            user_name: user,
            expires_at: from_micros(expires),
            reason,
            opened_at: from_micros(at),
            reviewed,
        });
    }
    Ok(out)
}

/// Opens a log with break-glass: recorded, flagged for the review of the
/// leader of the unit that keeps the log, in force for [`BREAK_GLASS_HOURS`].
pub fn open_break_glass(
    conn: &mut DbConnection,
    cap: &BreakGlassRight,
    log: LogId,
    reason: &str,
    request_id: &str,
) -> DbResult<BreakGlassId> {
    let (home, m): (String, String) = logs::table
        .find(log.to_string())
        .filter(logs::municipality_id.eq(cap.municipality_id().to_string()))
        .select((logs::home_unit_id, logs::municipality_id))
        .first(conn)?;
    let id = BreakGlassId::new();
    let now = Utc::now();
    diesel::insert_into(break_glass::table)
        .values((
            break_glass::id.eq(id.to_string()),
            break_glass::log_id.eq(log.to_string()),
            break_glass::user_id.eq(cap.actor_id().to_string()),
            break_glass::reason.eq(reason),
            break_glass::opened_at.eq(to_micros(now)),
            break_glass::expires_at.eq(to_micros(now + Duration::hours(BREAK_GLASS_HOURS))),
            break_glass::review_unit_id.eq(&home),
        ))
        .execute(conn)?;
    record(
        conn,
        cap,
        ObjectType::Log,
        log,
        Action::BreakGlass,
        Scope {
            municipality_id: Some(parse_id(&m)?),
            unit_id: Some(parse_id(&home)?),
        },
        request_id,
    )?;
    Ok(id)
}

/// When the reader's break-glass opening of the log ends (`None` unless the
/// reader holds the log by break-glass).
pub fn break_glass_until(
    conn: &mut DbConnection,
    r: &laget_domain::access::LogReader,
) -> DbResult<Option<DateTime<Utc>>> {
    let Some(id) = r.break_glass_opening() else {
        return Ok(None);
    };
    let until: Option<i64> = break_glass::table
        .find(id)
        .filter(break_glass::log_id.eq(r.log_id().to_string()))
        .select(break_glass::expires_at)
        .first(conn)
        .optional()?;
    Ok(until.map(from_micros))
}

/// The leader marks a break-glass opening as reviewed.
pub fn review_break_glass(
    conn: &mut DbConnection,
    cap: &UnitOverseer,
    id: BreakGlassId,
    note: &str,
    request_id: &str,
) -> DbResult<()> {
    let n = diesel::update(
        break_glass::table
            .filter(break_glass::id.eq(id.to_string()))
            .filter(break_glass::review_unit_id.eq(cap.unit_id().to_string()))
            .filter(break_glass::reviewed_at.is_null()),
    )
    .set((
        break_glass::reviewed_by.eq(Some(
            laget_domain::access::Capability::actor(cap)
                .map(|a| a.to_string())
                .unwrap_or_default(),
        )),
        break_glass::reviewed_at.eq(Some(to_micros(Utc::now()))),
        break_glass::review_note.eq(Some(note)),
    ))
    .execute(conn)?;
    if n == 0 {
        return Err(DbError::NotFound);
    }
    record(
        conn,
        cap,
        ObjectType::Unit,
        cap.unit_id(),
        Action::Update,
        Scope {
            municipality_id: None,
            unit_id: Some(cap.unit_id()),
        },
        request_id,
    )
}

// ---------------------------------------------------------------------------
// Anonymous consultations

/// An anonymous consultation: no identifying fields.
#[derive(Clone, Debug)]
pub struct NewConsultation {
    pub age_band: String,
    pub summary: String,
    pub advice: String,
    pub advisers: String,
    pub held_on: NaiveDate,
}

#[derive(Clone, Debug)]
pub struct Consultation {
    pub id: ConsultationId,
    pub age_band: String,
    pub summary: String,
    pub advice: String,
    pub advisers: String,
    pub held_on: NaiveDate,
    /// The writer's name.
    pub created_by: Option<String>,
    pub created_by_id: Option<UserId>,
    pub log_id: Option<LogId>,
    pub withdrawn: bool,
    /// When it was last corrected.
    pub corrected_at: Option<DateTime<Utc>>,
}

/// What happened to a consultation after it was written (its history; the
/// writing itself is the consultation's own `created_by`/`created_at`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConsultationAction {
    /// The writer corrected it; the event names the fields, not the old text.
    Corrected,
    /// The writer withdrew it: out of the unit's list.
    Withdrawn,
    /// Linked to a child's log.
    Linked,
    /// The link was undone by the log's lead (with a reason).
    Unlinked,
}

impl ConsultationAction {
    pub const ALL: [Self; 4] = [
        Self::Corrected,
        Self::Withdrawn,
        Self::Linked,
        Self::Unlinked,
    ];
    pub fn code(self) -> &'static str {
        match self {
            Self::Corrected => "rettet",
            Self::Withdrawn => "trukket",
            Self::Linked => "koblet",
            Self::Unlinked => "koblet_fra",
        }
    }
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.code() == code)
    }
}

/// One event in a consultation's history.
#[derive(Clone, Debug)]
pub struct ConsultationEvent {
    pub at: DateTime<Utc>,
    pub actor: Option<String>,
    pub action: ConsultationAction,
    pub log_id: Option<LogId>,
    /// For a correction, the changed fields' codes (comma-separated); for an
    /// undone link, the reason.
    pub detail: Option<String>,
}

pub fn add_consultation(
    conn: &mut DbConnection,
    cap: &UnitCasework,
    c: &NewConsultation,
    request_id: &str,
) -> DbResult<ConsultationId> {
    let id = ConsultationId::new();
    diesel::insert_into(consultations::table)
        .values((
            consultations::id.eq(id.to_string()),
            consultations::municipality_id.eq(cap.municipality_id().to_string()),
            consultations::unit_id.eq(cap.unit_id().to_string()),
            consultations::age_band.eq(&c.age_band),
            consultations::summary.eq(&c.summary),
            consultations::advice.eq(&c.advice),
            consultations::advisers.eq(&c.advisers),
            consultations::held_on.eq(iso(c.held_on)),
            consultations::created_by.eq(cap.actor_id().to_string()),
            consultations::created_at.eq(to_micros(Utc::now())),
        ))
        .execute(conn)?;
    record(
        conn,
        cap,
        ObjectType::Consultation,
        id,
        Action::Create,
        casework_scope(cap),
        request_id,
    )?;
    Ok(id)
}

type ConsultationRow = (
    String,
    String,
    String,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<i64>,
);

fn consultation_from(row: ConsultationRow) -> DbResult<Consultation> {
    let (id, band, summary, advice, advisers, on, by_id, by, log, withdrawn) = row;
    Ok(Consultation {
        id: parse_id(&id)?,
        age_band: band,
        summary,
        advice,
        advisers,
        held_on: date(&on)?,
        created_by: by,
        created_by_id: by_id.as_deref().map(parse_id).transpose()?,
        log_id: log.as_deref().map(parse_id).transpose()?,
        withdrawn: withdrawn.is_some(),
        corrected_at: None,
    })
}

macro_rules! consultation_query {
    () => {
        consultations::table
            .left_join(users::table.on(users::id.nullable().eq(consultations::created_by)))
            .select((
                consultations::id,
                consultations::age_band,
                consultations::summary,
                consultations::advice,
                consultations::advisers,
                consultations::held_on,
                consultations::created_by,
                users::display_name.nullable(),
                consultations::log_id,
                consultations::withdrawn_at,
            ))
    };
}

/// The unit's open consultations, newest first: neither withdrawn nor
/// linked to a log (a linked one is part of a child's log and shown there).
/// The whole unit sees them: a consultation exists to share advice, and it
/// names no child. Each says who wrote it and when it was last corrected.
pub fn consultations(conn: &mut DbConnection, cap: &UnitCasework) -> DbResult<Vec<Consultation>> {
    let rows: Vec<ConsultationRow> = consultation_query!()
        .filter(consultations::unit_id.eq(cap.unit_id().to_string()))
        .filter(consultations::withdrawn_at.is_null())
        .filter(consultations::log_id.is_null())
        .order((consultations::held_on.desc(), consultations::id.desc()))
        .load(conn)?;
    let mut list = rows
        .into_iter()
        .map(consultation_from)
        .collect::<DbResult<Vec<_>>>()?;
    let ids: Vec<String> = list.iter().map(|c| c.id.to_string()).collect();
    let corrected: Vec<(String, i64)> = consultation_events::table
        .filter(consultation_events::consultation_id.eq_any(&ids))
        .filter(consultation_events::action.eq(ConsultationAction::Corrected.code()))
        .select((
            consultation_events::consultation_id,
            consultation_events::at,
        ))
        .load(conn)?;
    for c in &mut list {
        let id = c.id.to_string();
        c.corrected_at = corrected
            .iter()
            .filter(|(k, _)| *k == id)
            .map(|(_, at)| *at)
            .max()
            .map(from_micros);
    }
    Ok(list)
}

/// One consultation of the unit, in any state.
pub fn consultation(
    conn: &mut DbConnection,
    cap: &UnitCasework,
    id: ConsultationId,
) -> DbResult<Consultation> {
    let row: ConsultationRow = consultation_query!()
        .filter(consultations::id.eq(id.to_string()))
        .filter(consultations::unit_id.eq(cap.unit_id().to_string()))
        .first(conn)?;
    consultation_from(row)
}

/// The caller's own consultation while it may still be corrected or
/// withdrawn: written by them in this unit, not withdrawn, not linked to a
/// log (the lead undoes a link first). Anything else is `NotFound`.
pub fn own_open_consultation(
    conn: &mut DbConnection,
    cap: &UnitCasework,
    id: ConsultationId,
) -> DbResult<Consultation> {
    let c = consultation(conn, cap, id)?;
    if c.created_by_id != Some(cap.actor_id()) || c.withdrawn || c.log_id.is_some() {
        return Err(DbError::NotFound);
    }
    Ok(c)
}

fn consultation_event(
    conn: &mut DbConnection,
    id: ConsultationId,
    actor: UserId,
    action: ConsultationAction,
    log: Option<LogId>,
    detail: Option<&str>,
) -> DbResult<()> {
    diesel::insert_into(consultation_events::table)
        .values((
            consultation_events::id.eq(uuid::Uuid::now_v7().to_string()),
            consultation_events::consultation_id.eq(id.to_string()),
            consultation_events::at.eq(to_micros(Utc::now())),
            consultation_events::actor_id.eq(Some(actor.to_string())),
            consultation_events::action.eq(action.code()),
            consultation_events::log_id.eq(log.map(|l| l.to_string())),
            consultation_events::detail.eq(detail),
        ))
        .execute(conn)?;
    Ok(())
}

/// The writer corrects their consultation. The history records who, when
/// and which fields changed, not the old text (a correction usually removes
/// what identified the child). Nothing changed, nothing recorded.
pub fn correct_consultation(
    conn: &mut DbConnection,
    cap: &UnitCasework,
    id: ConsultationId,
    c: &NewConsultation,
    request_id: &str,
) -> DbResult<()> {
    let old = own_open_consultation(conn, cap, id)?;
    let changed: Vec<&str> = [
        ("alder", old.age_band != c.age_band),
        ("dato", old.held_on != c.held_on),
        ("sammendrag", old.summary != c.summary),
        ("rad", old.advice != c.advice),
        ("drofta_med", old.advisers != c.advisers),
    ]
    .into_iter()
    .filter(|(_, changed)| *changed)
    .map(|(field, _)| field)
    .collect();
    if changed.is_empty() {
        return Ok(());
    }
    diesel::update(consultations::table.find(id.to_string()))
        .set((
            consultations::age_band.eq(&c.age_band),
            consultations::summary.eq(&c.summary),
            consultations::advice.eq(&c.advice),
            consultations::advisers.eq(&c.advisers),
            consultations::held_on.eq(iso(c.held_on)),
        ))
        .execute(conn)?;
    consultation_event(
        conn,
        id,
        cap.actor_id(),
        ConsultationAction::Corrected,
        None,
        Some(&changed.join(",")),
    )?;
    record(
        conn,
        cap,
        ObjectType::Consultation,
        id,
        Action::Update,
        casework_scope(cap),
        request_id,
    )
}

/// The writer withdraws their consultation: it leaves the unit's list and
/// cannot be linked; the row and its history stay.
pub fn withdraw_consultation(
    conn: &mut DbConnection,
    cap: &UnitCasework,
    id: ConsultationId,
    request_id: &str,
) -> DbResult<()> {
    own_open_consultation(conn, cap, id)?;
    diesel::update(consultations::table.find(id.to_string()))
        .set(consultations::withdrawn_at.eq(Some(to_micros(Utc::now()))))
        .execute(conn)?;
    consultation_event(
        conn,
        id,
        cap.actor_id(),
        ConsultationAction::Withdrawn,
        None,
        None,
    )?;
    record(
        conn,
        cap,
        ObjectType::Consultation,
        id,
        Action::Update,
        casework_scope(cap),
        request_id,
    )
}

/// Turns a consultation into part of a named child's log: its record moves
/// onto the log's timeline (dated the day it was held, with its age band and
/// advice) and it points to the log. The log must be kept by the
/// consultation's unit and shared under the municipality's consent rule
/// (the caller checks [`laget_domain::log::consent::any_unit_coverage`], so the
/// form can say what is missing); a withdrawn consultation is not found.
pub fn convert_consultation(
    conn: &mut DbConnection,
    cap: &UnitCasework,
    id: ConsultationId,
    w: &LogWriter,
    request_id: &str,
) -> DbResult<()> {
    let c = consultation(conn, cap, id)?;
    if c.withdrawn || w.reader().home_unit() != cap.unit_id() {
        return Err(DbError::NotFound);
    }
    match c.log_id {
        Some(log) if log == w.log_id() => return Ok(()),
        Some(_) => return Err(DbError::Conflict),
        None => {}
    }
    diesel::update(consultations::table.find(id.to_string()))
        .set((
            consultations::log_id.eq(Some(w.log_id().to_string())),
            consultations::converted_at.eq(Some(to_micros(Utc::now()))),
        ))
        .execute(conn)?;
    // The consultation's record, as its parts: the timeline renders it
    // with the reader's words for «Råd» and «Drøftet med».
    crate::log::insert_entry(
        conn,
        w.log_id(),
        EntryKind::Consultation,
        Some(cap.actor_id()),
        None,
        serde_json::json!({
            "drofting": id.to_string(),
            "alder": c.age_band,
            "holdt": iso(c.held_on),
            "sammendrag": c.summary,
            "rad": c.advice,
            "droftet_med": c.advisers,
        }),
        // Keeps its place in the history: the day it was held. The time
        // of day is not known; the timeline shows the date only.
        c.held_on
            .and_hms_opt(12, 0, 0)
            .map(|t| t.and_utc())
            .unwrap_or_else(Utc::now),
    )?;
    consultation_event(
        conn,
        id,
        cap.actor_id(),
        ConsultationAction::Linked,
        Some(w.log_id()),
        None,
    )?;
    record(
        conn,
        cap,
        ObjectType::Consultation,
        id,
        Action::Update,
        casework_scope(cap),
        request_id,
    )?;
    record(
        conn,
        w,
        ObjectType::Log,
        w.log_id(),
        Action::Update,
        Scope {
            municipality_id: Some(w.reader().municipality_id()),
            unit_id: Some(w.reader().home_unit()),
        },
        request_id,
    )
}

/// A consultation linked to the reader's log, with its history (oldest
/// first). Reads only: the caller records the read on the log.
pub fn linked_consultation(
    conn: &mut DbConnection,
    r: &laget_domain::access::LogReader,
    id: ConsultationId,
) -> DbResult<(Consultation, Vec<ConsultationEvent>)> {
    let row: ConsultationRow = consultation_query!()
        .filter(consultations::id.eq(id.to_string()))
        .filter(consultations::log_id.eq(r.log_id().to_string()))
        .first(conn)?;
    let c = consultation_from(row)?;
    let history = consultation_history(conn, id)?;
    Ok((c, history))
}

fn consultation_history(
    conn: &mut DbConnection,
    id: ConsultationId,
) -> DbResult<Vec<ConsultationEvent>> {
    type E = (i64, Option<String>, String, Option<String>, Option<String>);
    let rows: Vec<E> = consultation_events::table
        .left_join(users::table.on(users::id.nullable().eq(consultation_events::actor_id)))
        .filter(consultation_events::consultation_id.eq(id.to_string()))
        .order((consultation_events::at, consultation_events::id))
        .select((
            consultation_events::at,
            users::display_name.nullable(),
            consultation_events::action,
            consultation_events::log_id,
            consultation_events::detail,
        ))
        .load(conn)?;
    rows.into_iter()
        .map(|(at, actor, action, log, detail)| {
            Ok(ConsultationEvent {
                at: from_micros(at),
                actor,
                action: ConsultationAction::from_code(&action)
                    .ok_or_else(|| DbError::Corrupt(format!("consultation action {action}")))?,
                log_id: log.as_deref().map(parse_id).transpose()?,
                detail,
            })
        })
        .collect()
}

/// The lead (or the keeping unit's leader: [`LogReader::as_lead`]) undoes
/// the link of a consultation to their log, giving a reason: the
/// consultation is anonymous again and back on its unit's list, its copy
/// leaves the timeline (it may be another child's information), and the log
/// keeps an entry saying that a consultation was unlinked, by whom and why.
/// The consultation's history keeps both the link and its undoing.
///
/// [`LogReader::as_lead`]: laget_domain::access::LogReader::as_lead
pub fn unlink_consultation(
    conn: &mut DbConnection,
    w: &LogWriter,
    id: ConsultationId,
    reason: &str,
    request_id: &str,
) -> DbResult<()> {
    let n = diesel::update(
        consultations::table
            .filter(consultations::id.eq(id.to_string()))
            .filter(consultations::log_id.eq(w.log_id().to_string())),
    )
    .set((
        consultations::log_id.eq(None::<String>),
        consultations::converted_at.eq(None::<i64>),
    ))
    .execute(conn)?;
    if n == 0 {
        return Err(DbError::NotFound);
    }
    use crate::schema::log_entries;
    diesel::delete(
        log_entries::table
            .filter(log_entries::log_id.eq(w.log_id().to_string()))
            .filter(log_entries::kind.eq(EntryKind::Consultation.code()))
            .filter(log_entries::data.like(format!("%\"drofting\":\"{id}\"%"))),
    )
    .execute(conn)?;
    crate::log::insert_entry(
        conn,
        w.log_id(),
        EntryKind::Consultation,
        Some(w.actor_id()),
        Some(reason),
        serde_json::json!({ "koblet_fra": id.to_string() }),
        Utc::now(),
    )?;
    consultation_event(
        conn,
        id,
        w.actor_id(),
        ConsultationAction::Unlinked,
        Some(w.log_id()),
        Some(reason),
    )?;
    let scope = Scope {
        municipality_id: Some(w.reader().municipality_id()),
        unit_id: Some(w.reader().home_unit()),
    };
    record(
        conn,
        w,
        ObjectType::Consultation,
        id,
        Action::Update,
        scope,
        request_id,
    )?;
    record(
        conn,
        w,
        ObjectType::Log,
        w.log_id(),
        Action::Update,
        scope,
        request_id,
    )
}

/// An open log a consultation may be linked to: the child as the person
/// choosing must tell them apart (name and birth date).
#[derive(Clone, Debug)]
pub struct LinkTarget {
    pub log_id: LogId,
    pub child_name: String,
    pub birth_date: NaiveDate,
    pub unborn: bool,
}

/// The open logs kept by a unit (for choosing where to link a
/// consultation), by the child's name. Names children, so it is recorded as
/// a «list» row on the unit.
pub fn open_logs_of_unit(
    conn: &mut DbConnection,
    cap: &UnitCasework,
    request_id: &str,
) -> DbResult<Vec<LinkTarget>> {
    crate::children::record_list(conn, cap, request_id)?;
    let rows: Vec<(String, String, String, bool)> = logs::table
        .inner_join(children::table)
        .filter(logs::home_unit_id.eq(cap.unit_id().to_string()))
        .filter(logs::status.eq(LogStatus::Open.code()))
        .order((children::name, children::birth_date))
        .select((
            logs::id,
            children::name,
            children::birth_date,
            children::unborn,
        ))
        .load(conn)?;
    rows.into_iter()
        .map(|(l, n, born, unborn)| {
            Ok(LinkTarget {
                log_id: parse_id(&l)?,
                child_name: n,
                birth_date: date(&born)?,
                unborn,
            })
        })
        .collect()
}

/// One open log kept by the unit, as a link target (for the confirmation).
/// The caller records the read on the log.
pub fn link_target(
    conn: &mut DbConnection,
    cap: &UnitCasework,
    log: LogId,
) -> DbResult<LinkTarget> {
    let (n, born, unborn): (String, String, bool) = logs::table
        .inner_join(children::table)
        .filter(logs::id.eq(log.to_string()))
        .filter(logs::home_unit_id.eq(cap.unit_id().to_string()))
        .filter(logs::status.eq(LogStatus::Open.code()))
        .select((children::name, children::birth_date, children::unborn))
        .first(conn)?;
    Ok(LinkTarget {
        log_id: log,
        child_name: n,
        birth_date: date(&born)?,
        unborn,
    })
}

/// Whether the unit keeps any open log (a count, no personal data; nothing
/// to record).
pub fn has_open_logs(conn: &mut DbConnection, cap: &UnitCasework) -> DbResult<bool> {
    let n: i64 = logs::table
        .filter(logs::home_unit_id.eq(cap.unit_id().to_string()))
        .filter(logs::status.eq(LogStatus::Open.code()))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}
