//! What the family asks for in the portal (`family_requests`): a meeting
//! about the child, or to bring their case to one of the municipality's
//! tidlig innsatsteam. The family asks under a `FamilyWriter` and sees their
//! own requests with the answers under a `FamilyReader`; the log's holder
//! (the lead, or the leader of the unit that keeps it) sees the open ones
//! on the log page and on «Mine oppgaver», and answers under the holder's
//! `LogWriter`. A request arriving sends the holder an e-mail that says only
//! that something waits in Laget.

use crate::meetings::mail::{self, MailRequest, Recipient};
use crate::portal::voice::log_record;
use crate::schema::{children, family_requests, logs, memberships, standing_teams, users};
use crate::{DbConnection, DbResult, from_micros, parse_id, to_micros};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use laget_domain::access::{Actor, FamilyReader, FamilyWriter, LogReader, LogWriter};
use laget_domain::admin::user::Role;
use laget_domain::audit::Action;
use laget_domain::ids::{FamilyRequestId, LogId, StandingTeamId};
use laget_domain::log::stafett::LogStatus;
use laget_domain::meetings::mail::MailKind;
use laget_domain::meetings::teams::TeamKind;
use laget_domain::portal::RequestKind;
use laget_domain::portal::voice::{NewRequest, team_band_holds};
use laget_domain::{UnitId, UserId};

/// A tidlig innsatsteam the family may ask for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TeamChoice {
    pub id: StandingTeamId,
    pub name: String,
    pub age_band: Option<String>,
    /// Its age group holds the child's age.
    pub matches_age: bool,
}

/// A request as the family and the holder see it.
#[derive(Clone, Debug)]
pub struct Request {
    pub id: FamilyRequestId,
    pub log_id: LogId,
    pub kind: RequestKind,
    pub team: Option<(StandingTeamId, String)>,
    pub message: String,
    pub created_at: DateTime<Utc>,
    pub answered_at: Option<DateTime<Utc>>,
    pub answer: Option<String>,
    /// Who answered (staff's name), shown to the family with the answer.
    pub answered_by: Option<String>,
}

/// The municipality's active tidlig innsatsteam, the one whose age group
/// holds the child's age first, then by name. Names and age groups only.
pub fn team_choices(conn: &mut DbConnection, r: &FamilyReader) -> DbResult<Vec<TeamChoice>> {
    let rows: Vec<(String, String, Option<String>)> = standing_teams::table
        .filter(standing_teams::municipality_id.eq(r.municipality_id().to_string()))
        .filter(standing_teams::kind.eq(TeamKind::EarlyIntervention.code()))
        .filter(standing_teams::active.eq(true))
        .order(standing_teams::name)
        .select((
            standing_teams::id,
            standing_teams::name,
            standing_teams::age_band,
        ))
        .load(conn)?;
    let mut out = rows
        .into_iter()
        .map(|(id, name, band)| {
            Ok(TeamChoice {
                id: parse_id(&id)?,
                matches_age: band
                    .as_deref()
                    .is_some_and(|b| team_band_holds(b, r.child_age())),
                name,
                age_band: band,
            })
        })
        .collect::<DbResult<Vec<_>>>()?;
    // Stable: by name within each.
    out.sort_by_key(|t| !t.matches_age);
    Ok(out)
}

type Row = (
    String,
    String,
    String,
    Option<String>,
    String,
    i64,
    Option<i64>,
    Option<String>,
    Option<String>,
);

fn requests(conn: &mut DbConnection, rows: Vec<Row>) -> DbResult<Vec<Request>> {
    let mut out = Vec::with_capacity(rows.len());
    for (id, log, kind, team, message, at, answered_at, answer, by) in rows {
        let team = match team {
            Some(t) => {
                let name: Option<String> = standing_teams::table
                    .find(&t)
                    .select(standing_teams::name)
                    .first(conn)
                    .optional()?;
                Some((parse_id(&t)?, name.unwrap_or_default()))
            }
            None => None,
        };
        let answered_by = match by {
            Some(u) => users::table
                .find(u)
                .select(users::display_name)
                .first::<String>(conn)
                .optional()?,
            None => None,
        };
        out.push(Request {
            id: parse_id(&id)?,
            log_id: parse_id(&log)?,
            kind: RequestKind::from_code(&kind)
                .ok_or_else(|| crate::DbError::Corrupt(format!("request kind {kind:?}")))?,
            team,
            message,
            created_at: from_micros(at),
            answered_at: answered_at.map(from_micros),
            answer,
            answered_by,
        });
    }
    Ok(out)
}

macro_rules! request_columns {
    () => {
        (
            family_requests::id,
            family_requests::log_id,
            family_requests::kind,
            family_requests::team_id,
            family_requests::message,
            family_requests::created_at,
            family_requests::answered_at,
            family_requests::answer,
            family_requests::answered_by,
        )
    };
}

/// The citizen's own requests on the log, newest first, with the answers.
/// Records the read.
pub fn mine(conn: &mut DbConnection, r: &FamilyReader, rid: &str) -> DbResult<Vec<Request>> {
    let rows: Vec<Row> = family_requests::table
        .filter(family_requests::log_id.eq(r.log_id().to_string()))
        .filter(family_requests::citizen_id.eq(r.citizen_id().to_string()))
        .order(family_requests::created_at.desc())
        .select(request_columns!())
        .load(conn)?;
    let out = requests(conn, rows)?;
    log_record(conn, r, r, Action::Read, rid)?;
    Ok(out)
}

/// Who is told of a new request: the lead, or without one the leaders of
/// the unit that keeps the log.
fn holders(conn: &mut DbConnection, log: LogId) -> DbResult<Vec<UserId>> {
    let (lead, unit): (Option<String>, String) = logs::table
        .find(log.to_string())
        .select((logs::lead_user_id, logs::home_unit_id))
        .first(conn)?;
    let ids: Vec<String> = match lead {
        Some(lead) => vec![lead],
        None => memberships::table
            .filter(memberships::unit_id.eq(Some(unit)))
            .filter(memberships::role.eq(Role::Leder.code()))
            .select(memberships::user_id)
            .distinct()
            .load(conn)?,
    };
    ids.iter().map(|i| parse_id(i)).collect()
}

/// Records the family's request, tells the holder by e-mail (no personal
/// data: «Du har fått en henvendelse i Laget»), writes the access-log row.
/// A team request names one of [`team_choices`] (the web layer checks it
/// with `NewRequest::parse`).
pub fn ask(
    conn: &mut DbConnection,
    w: &FamilyWriter,
    req: &NewRequest,
    rid: &str,
) -> DbResult<FamilyRequestId> {
    let id = FamilyRequestId::new();
    diesel::insert_into(family_requests::table)
        .values((
            family_requests::id.eq(id.to_string()),
            family_requests::log_id.eq(w.log_id().to_string()),
            family_requests::citizen_id.eq(w.citizen_id().to_string()),
            family_requests::kind.eq(req.kind.code()),
            family_requests::team_id.eq(req.team.map(|t| t.to_string())),
            family_requests::message.eq(&req.message),
            family_requests::created_at.eq(to_micros(Utc::now())),
        ))
        .execute(conn)?;
    for user in holders(conn, w.log_id())? {
        mail::enqueue(
            conn,
            &MailRequest {
                kind: MailKind::FamilyRequest,
                recipient: Recipient::User(user),
                meeting: None,
                decision: None,
                sequence: 0,
                created_by: None,
            },
        )?;
    }
    log_record(conn, w.reader(), w, Action::Update, rid)?;
    Ok(id)
}

/// The log's requests not yet answered, oldest first, for the log page (it
/// records its read). Only the holder answers them; the page shows them to
/// the holder.
pub fn open_of_log(conn: &mut DbConnection, r: &LogReader) -> DbResult<Vec<Request>> {
    let rows: Vec<Row> = family_requests::table
        .filter(family_requests::log_id.eq(r.log_id().to_string()))
        .filter(family_requests::answered_at.is_null())
        .order(family_requests::created_at)
        .select(request_columns!())
        .load(conn)?;
    requests(conn, rows)
}

/// One request of `r`'s log; `DbError::NotFound` for another log's. The
/// page records its read.
pub fn of_log(conn: &mut DbConnection, r: &LogReader, id: FamilyRequestId) -> DbResult<Request> {
    let rows: Vec<Row> = family_requests::table
        .filter(family_requests::log_id.eq(r.log_id().to_string()))
        .filter(family_requests::id.eq(id.to_string()))
        .select(request_columns!())
        .load(conn)?;
    requests(conn, rows)?
        .into_iter()
        .next()
        .ok_or(crate::DbError::NotFound)
}

/// Answers a request as the log's holder (`LogReader::holder`). An answered
/// request is `DbError::Conflict` (a double submit; the first answer
/// stands).
pub fn answer(
    conn: &mut DbConnection,
    holder: &LogWriter,
    id: FamilyRequestId,
    answer: &str,
    rid: &str,
) -> DbResult<()> {
    let n = diesel::update(
        family_requests::table
            .filter(family_requests::id.eq(id.to_string()))
            .filter(family_requests::log_id.eq(holder.log_id().to_string()))
            .filter(family_requests::answered_at.is_null()),
    )
    .set((
        family_requests::answered_at.eq(Some(to_micros(Utc::now()))),
        family_requests::answered_by.eq(Some(holder.actor_id().to_string())),
        family_requests::answer.eq(Some(answer)),
    ))
    .execute(conn)?;
    if n == 0 {
        let exists = family_requests::table
            .filter(family_requests::id.eq(id.to_string()))
            .filter(family_requests::log_id.eq(holder.log_id().to_string()))
            .count()
            .get_result::<i64>(conn)?;
        return Err(if exists > 0 {
            crate::DbError::Conflict
        } else {
            crate::DbError::NotFound
        });
    }
    crate::children::record(
        conn,
        holder,
        laget_domain::audit::ObjectType::Log,
        holder.log_id(),
        Action::Update,
        laget_domain::audit::Scope {
            municipality_id: Some(holder.reader().municipality_id()),
            unit_id: Some(holder.reader().home_unit()),
        },
        rid,
    )
}

/// A request waiting on «Mine oppgaver».
#[derive(Clone, Debug)]
pub struct RequestTask {
    pub log_id: LogId,
    pub child_name: String,
    pub kind: RequestKind,
    pub asked_at: DateTime<Utc>,
}

/// The requests waiting for `actor`'s answer: on open logs they lead, or
/// kept by a unit they lead. Filtered by `casework::my_tasks` like every
/// task (only logs the actor may open; it names the child only then).
pub(crate) fn tasks(conn: &mut DbConnection, actor: &Actor) -> DbResult<Vec<RequestTask>> {
    let uid = actor.user_id().to_string();
    let led: Vec<String> = actor.led_units().iter().map(UnitId::to_string).collect();
    let rows: Vec<(String, String, String, i64)> = family_requests::table
        .inner_join(logs::table.on(logs::id.eq(family_requests::log_id)))
        .inner_join(children::table.on(children::id.eq(logs::child_id)))
        .filter(family_requests::answered_at.is_null())
        .filter(logs::status.eq(LogStatus::Open.code()))
        .filter(
            logs::lead_user_id
                .eq(&uid)
                .or(logs::home_unit_id.eq_any(&led)),
        )
        .select((
            logs::id,
            children::name,
            family_requests::kind,
            family_requests::created_at,
        ))
        .load(conn)?;
    rows.into_iter()
        .map(|(log, child, kind, at)| {
            Ok(RequestTask {
                log_id: parse_id(&log)?,
                child_name: child,
                kind: RequestKind::from_code(&kind).unwrap_or(RequestKind::Meeting),
                asked_at: from_micros(at),
            })
        })
        .collect()
}
