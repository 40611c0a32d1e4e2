//! The log page's data in one statement when nothing changed: a log's
//! [`LogSnapshot`] — the log, the child and guardians, consents, team,
//! break-glass openings, requests, plan, measures, handovers, meetings — is
//! the same for every reader on one day at one revision, and the caller may
//! keep it. [`open_view`] reads the log's revision and the municipality's
//! settings in one statement; with a kept snapshot of that revision and day
//! it reads nothing else, and the access decision is made afresh, from the
//! snapshot, for this actor at this moment (a break-glass opening's expiry,
//! say, is checked against the clock of the request, not of the snapshot).
//!
//! Why that is safe: every change to anything in a snapshot raises the log's
//! revision in the same transaction — `touch` for the timeline, and database
//! triggers (migration 000022) for the log row, the child, guardians, the
//! child's units, consents, team, break-glass, coordination and family
//! requests, plans, measures, evaluations, handovers, entries, meetings and a
//! unit's kind — whichever code path, command or server instance writes. The
//! revision is read before the snapshot's rows, so a snapshot is never older
//! than its key. The day is part of the key because a child's age, which
//! consent rules use, moves with it. What a snapshot holds beyond its key —
//! the names of units and staff — is display only and bounded by the
//! caller's time to live.

use super::view::{Fetched, LogView, consent_facts_of, view_from};
use super::{Coordination, LogRow, consent_rows, coordination, log_row};
use crate::children;
use crate::meetings::invitations::{self, MeetingSummary};
use crate::portal::requests::{self as family_requests, Request};
use crate::schema::{break_glass, log_settings, logs, plans, team_members};
use crate::{DbConnection, DbError, DbResult, from_micros, parse_id, to_micros};
use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use laget_domain::access::{Actor, LogFacts, LogReader};
use laget_domain::ids::{BreakGlassId, ChildId, LogId};
use laget_domain::log::consent::ConsentRule;
use laget_domain::log::escalation::{EscalationModel, LogSettings};
use laget_domain::log::stafett::{EntryGroup, LogStatus, MemberKind};
use laget_domain::plans::PlanStatus;
use laget_domain::{UnitId, UserId};
use std::sync::Arc;

/// A log as every reader's page starts from it, at one revision on one day.
/// Made only by [`open_view`], after an access decision granted the log;
/// handed back to it (through its `kept` argument) to skip the reads.
#[derive(Clone, Debug)]
pub struct LogSnapshot {
    log: LogId,
    revision: i64,
    day: NaiveDate,
    /// The view without the timeline (`entries` empty, `last_voice` none).
    view: LogView,
    /// The staff on the team, with their units.
    team: Vec<(UserId, UnitId)>,
    /// Break-glass openings not expired when the snapshot was read.
    openings: Vec<Opening>,
    plan: Option<PlanStatus>,
    meetings: Vec<MeetingSummary>,
    family_requests: Vec<Request>,
}

#[derive(Clone, Debug)]
struct Opening {
    id: BreakGlassId,
    user: UserId,
    expires_at: DateTime<Utc>,
}

impl LogSnapshot {
    /// Whether this is the snapshot of `log` at `revision` on `day`.
    pub fn is_of(&self, log: LogId, revision: i64, day: NaiveDate) -> bool {
        self.log == log && self.revision == revision && self.day == day
    }

    pub fn log(&self) -> LogId {
        self.log
    }

    pub fn revision(&self) -> i64 {
        self.revision
    }

    pub fn day(&self) -> NaiveDate {
        self.day
    }

    /// What the access rules need, for `actor` at `now`.
    fn facts(&self, actor: UserId, settings: &LogSettings, now: DateTime<Utc>) -> LogFacts {
        let v = &self.view;
        LogFacts {
            log_id: self.log,
            municipality_id: v.municipality_id,
            home_unit: v.home_unit.0,
            is_open: v.is_open,
            team: self.team.clone(),
            lead: v.lead.as_ref().map(|(u, _)| *u),
            consent: v.consent_facts.clone(),
            consent_rule: settings.consent_rule,
            break_glass: self
                .openings
                .iter()
                .find(|o| o.user == actor && o.expires_at > now)
                .map(|o| o.id),
            coordination_requested: v.coordination_open.is_some(),
            plan_requested: self.plan == Some(PlanStatus::Requested),
        }
    }
}

/// A log opened for its page by [`open_view`].
pub struct OpenedLog<T> {
    pub reader: LogReader,
    /// The log as this reader's page shows it; `entries` only when the
    /// caller had no timeline kept.
    pub view: LogView,
    pub settings: LogSettings,
    /// What the caller already had for the log's timeline at this revision
    /// (see [`open_view`]). When it is `Some`, the timeline was not read:
    /// `view.entries` is empty and `view.last_voice` is `None`.
    pub kept: Option<T>,
    /// The snapshot the page was made from, for the caller to keep.
    pub snapshot: Arc<LogSnapshot>,
    /// Until when the reader's own break-glass opening lasts, if that is
    /// the ground.
    pub break_glass_until: Option<DateTime<Utc>>,
    /// The plan's status, if the log has one.
    pub plan: Option<PlanStatus>,
    /// The log's meetings.
    pub meetings: Vec<MeetingSummary>,
    /// The family's unanswered requests.
    pub family_requests: Vec<Request>,
}

/// The log's revision and its municipality's settings (model, decision days,
/// consent rule; none if the municipality has no row).
type HeadRow = (i64, Option<String>, Option<i32>, Option<String>);

/// The log's revision and its municipality's settings, in one statement;
/// `None` if there is no such log.
fn head(conn: &mut DbConnection, log: LogId) -> DbResult<Option<(i64, LogSettings)>> {
    let row: Option<HeadRow> = logs::table
        .left_join(log_settings::table.on(log_settings::municipality_id.eq(logs::municipality_id)))
        .filter(logs::id.eq(log.to_string()))
        .select((
            logs::revision,
            log_settings::model.nullable(),
            log_settings::decision_days.nullable(),
            log_settings::consent_rule.nullable(),
        ))
        .first(conn)
        .optional()?;
    let Some((revision, model, days, rule)) = row else {
        return Ok(None);
    };
    let settings = match (model, days, rule) {
        (Some(model), Some(days), Some(rule)) => LogSettings {
            model: EscalationModel::from_code(&model)
                .ok_or_else(|| DbError::Corrupt(format!("model {model}")))?,
            decision_days: u32::try_from(days).unwrap_or(14),
            consent_rule: ConsentRule::from_code(&rule)
                .ok_or_else(|| DbError::Corrupt(format!("rule {rule}")))?,
        },
        _ => LogSettings::default(),
    };
    Ok(Some((revision, settings)))
}

/// The log page's data: decides whether `actor` may open `log` (`None` if
/// not, which callers show as a 404), and if so gives the log as that reader
/// sees it, with the municipality's settings.
///
/// `kept` is asked, with the log's revision and the day, for a snapshot the
/// caller kept ([`OpenedLog::snapshot`]); a snapshot of another log,
/// revision or day is not used. `kept_timeline` is asked, with the revision,
/// for a timeline the caller already has — a rendered one, say; if it
/// answers, the timeline is not read. Both are asked only once access has
/// been granted. Reads only: record [`super::read_record`] before showing
/// anything.
pub fn open_view<T>(
    conn: &mut DbConnection,
    actor: &Actor,
    log: LogId,
    group: Option<EntryGroup>,
    today: NaiveDate,
    kept: impl FnOnce(i64, NaiveDate) -> Option<Arc<LogSnapshot>>,
    kept_timeline: impl FnOnce(i64) -> Option<T>,
) -> DbResult<Option<OpenedLog<T>>> {
    let now = Utc::now();
    let Some((revision, settings)) = head(conn, log)? else {
        return Ok(None);
    };
    let snapshot = match kept(revision, today).filter(|s| s.is_of(log, revision, today)) {
        Some(s) => s,
        None => {
            let Some(s) = read_snapshot(conn, actor, log, today, &settings, now)? else {
                return Ok(None);
            };
            Arc::new(s)
        }
    };
    let facts = snapshot.facts(actor.user_id(), &settings, now);
    let Ok(reader) = actor.open_log(&facts, today) else {
        return Ok(None);
    };
    let kept_timeline = kept_timeline(snapshot.revision);
    let mut view = snapshot.view.clone();
    if kept_timeline.is_none() {
        let (entries, last_voice) = super::view::timeline(conn, log, group)?;
        view.entries = entries;
        view.last_voice = last_voice;
    }
    let break_glass_until = reader.break_glass_opening().and_then(|id| {
        snapshot
            .openings
            .iter()
            .find(|o| o.id.to_string() == id)
            .map(|o| o.expires_at)
    });
    Ok(Some(OpenedLog {
        reader,
        view,
        settings,
        kept: kept_timeline,
        break_glass_until,
        plan: snapshot.plan,
        meetings: snapshot.meetings.clone(),
        family_requests: snapshot.family_requests.clone(),
        snapshot,
    }))
}

/// Reads a log's snapshot; `None` if `actor` may not open it (nothing of
/// the page is read then, and nothing is kept).
fn read_snapshot(
    conn: &mut DbConnection,
    actor: &Actor,
    log: LogId,
    today: NaiveDate,
    settings: &LogSettings,
    now: DateTime<Utc>,
) -> DbResult<Option<LogSnapshot>> {
    // The revision was read (by `head`) before anything below: what is read
    // here is at least as new as the key it is kept under.
    let row: LogRow = log_row(conn, log)?;
    let revision = row.revision;
    let child_id: ChildId = parse_id(&row.child_id)?;
    let child = children::child_by_id(conn, child_id)?;
    let guardians = children::guardians_of(conn, child_id)?;
    let consents = consent_rows(conn, log)?;
    let consent_facts = consent_facts_of(conn, &child, &guardians, &consents, today)?;
    let key = log.to_string();
    let team: Vec<(Option<String>, Option<String>)> = team_members::table
        .filter(team_members::log_id.eq(&key))
        .filter(team_members::kind.eq(MemberKind::Staff.code()))
        .filter(team_members::removed_at.is_null())
        .select((team_members::user_id, team_members::unit_id))
        .load(conn)?;
    let team = team
        .into_iter()
        .filter_map(|(u, unit)| Some((u?, unit?)))
        .map(|(u, unit)| Ok((parse_id(&u)?, parse_id(&unit)?)))
        .collect::<DbResult<Vec<(UserId, UnitId)>>>()?;
    let openings: Vec<(String, String, i64)> = break_glass::table
        .filter(break_glass::log_id.eq(&key))
        .filter(break_glass::expires_at.gt(to_micros(now)))
        .select((
            break_glass::id,
            break_glass::user_id,
            break_glass::expires_at,
        ))
        .load(conn)?;
    let openings = openings
        .into_iter()
        .map(|(id, user, expires)| {
            Ok(Opening {
                id: parse_id(&id)?,
                user: parse_id(&user)?,
                expires_at: from_micros(expires),
            })
        })
        .collect::<DbResult<Vec<_>>>()?;
    let plan: Option<String> = plans::table
        .filter(plans::log_id.eq(&key))
        .select(plans::status)
        .first(conn)
        .optional()?;
    let plan = plan
        .map(|s| {
            PlanStatus::from_code(&s).ok_or_else(|| DbError::Corrupt(format!("plan status {s}")))
        })
        .transpose()?;
    let coordination: Coordination = coordination(conn, log)?;
    let facts = LogFacts {
        log_id: log,
        municipality_id: parse_id(&row.municipality_id)?,
        home_unit: parse_id(&row.home_unit_id)?,
        is_open: row.status == LogStatus::Open,
        team: team.clone(),
        lead: row.lead_user_id.as_deref().map(parse_id).transpose()?,
        consent: consent_facts.clone(),
        consent_rule: settings.consent_rule,
        break_glass: openings
            .iter()
            .find(|o| o.user == actor.user_id())
            .map(|o| o.id),
        coordination_requested: coordination.open.is_some(),
        plan_requested: plan == Some(PlanStatus::Requested),
    };
    // Nothing more is read for an actor who may not open the log.
    let Ok(reader) = actor.open_log(&facts, today) else {
        return Ok(None);
    };
    let fetched = Fetched {
        row,
        child,
        guardians,
        consents,
        consent_facts,
        coordination,
    };
    let view = view_from(conn, &reader, fetched, None, false)?;
    let meetings = invitations::list(conn, &reader)?;
    let family_requests = family_requests::open_of_log(conn, &reader)?;
    Ok(Some(LogSnapshot {
        log,
        revision,
        day: today,
        view,
        team,
        openings,
        plan,
        meetings,
        family_requests,
    }))
}
