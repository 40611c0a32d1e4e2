//! After a report of concern is sent (issue #13, R2): child welfare's inbox,
//! the whole report for its readers, acknowledging receipt and recording the
//! outcome, the feedback the reporter gets (in Laget, and an e-mail without
//! personal data through the outbox), the reporter's own list, and the
//! tasks on «Mine oppgaver».
//!
//! Every function takes a capability from `laget_domain::access::reports`
//! (or the `Actor`, for lists that decide each report with
//! `Actor::open_report` inside) and writes an access-log row for each report
//! it shows or changes (`ObjectType::Report`), on the capability's ground:
//! «barneverntjenesten» for child welfare, «opplysningsplikt» for the
//! author, the unit leader's for the leader.

use crate::children::record;
use crate::meetings::mail::{self as mails, MailRequest, Recipient};
use crate::schema::{children, logs, municipalities, report_feedback, reports, units, users};
use crate::{DbConnection, DbError, DbResult, from_micros, parse_id, to_micros};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use laget_domain::access::{
    Actor, ReportFacts, ReportInbox, ReportReader, ReportReceiver, ReportRole,
};
use laget_domain::admin::unit::UnitKind;
use laget_domain::audit::{Action, ObjectType, Scope};
use laget_domain::ids::{LogId, ReportFeedbackId, ReportId};
use laget_domain::meetings::mail::MailKind;
use laget_domain::reports::fiks::Message;
use laget_domain::reports::form::ReportForm;
use laget_domain::reports::{FeedbackKind, Outcome, ReportStatus};
use laget_domain::{MunicipalityId, UnitId, UserId};
use std::collections::HashMap;

/// One report in a list (child welfare's inbox, the reporter's list).
#[derive(Clone, Debug)]
pub struct ReportLine {
    pub id: ReportId,
    pub municipality_id: MunicipalityId,
    pub municipality_name: String,
    pub status: ReportStatus,
    pub outcome: Option<Outcome>,
    pub reporter_name: String,
    pub reporter_unit_name: String,
    pub reporter_unit_kind: Option<UnitKind>,
    pub child_welfare_name: Option<String>,
    /// The children's names: from the sent message, or (a draft) the
    /// log's child; empty when a draft names nobody yet.
    pub children: Vec<String>,
    pub sent_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Feedback steps the reporter has not seen in Laget.
    pub unseen_feedback: usize,
}

/// One step of child welfare's feedback.
#[derive(Clone, Debug)]
pub struct Feedback {
    pub id: ReportFeedbackId,
    pub kind: FeedbackKind,
    pub recorded_at: DateTime<Utc>,
    pub recorded_by: String,
    /// When the reporter first saw it in Laget.
    pub seen_at: Option<DateTime<Utc>>,
}

/// Whether one guardian was told of the report (from the message once
/// sent; before that, as typed in the form).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GuardianTold {
    pub name: String,
    /// `None`: not answered yet (a draft).
    pub told: Option<bool>,
    pub reason: Option<String>,
}

fn guardians_told(message: Option<&Message>, draft: &str) -> Vec<GuardianTold> {
    if let Some(m) = message {
        return m
            .foresatte
            .iter()
            .map(|g| GuardianTold {
                name: g.personnavn.clone(),
                told: Some(g.orientert),
                reason: g.orientert_grunn.clone(),
            })
            .collect();
    }
    let Ok(form) = serde_json::from_str::<ReportForm>(draft) else {
        return Vec::new();
    };
    form.foresatte
        .iter()
        .filter(|g| !g.is_blank())
        .map(|g| GuardianTold {
            name: g.navn.trim().to_owned(),
            told: match g.orientert.trim() {
                "ja" => Some(true),
                "nei" => Some(false),
                _ => None,
            },
            reason: Some(g.grunn.trim().to_owned()).filter(|r| !r.is_empty()),
        })
        .collect()
}

/// The whole report, as its readers see it.
#[derive(Clone, Debug)]
pub struct ReportView {
    pub line: ReportLine,
    pub log_id: Option<LogId>,
    pub reporter_id: UserId,
    pub reporter_unit_id: UnitId,
    pub child_welfare_unit_id: Option<UnitId>,
    /// The KS Fiks message, fixed when the report was sent.
    pub message: Option<Message>,
    pub guardians_told: bool,
    pub not_told_reason: Option<String>,
    /// Each guardian, whether told (the message's, or the draft's answers
    /// while it waits for the co-signature).
    pub guardians: Vec<GuardianTold>,
    pub cosigned_by: Option<String>,
    pub cosigned_at: Option<DateTime<Utc>>,
    pub delivery_channel: Option<String>,
    pub delivered_at: Option<DateTime<Utc>>,
    pub received_by: Option<String>,
    pub received_at: Option<DateTime<Utc>>,
    pub outcome_by: Option<String>,
    pub outcome_at: Option<DateTime<Utc>>,
    pub feedback: Vec<Feedback>,
}

#[derive(Clone, Queryable)]
struct Row {
    id: String,
    municipality_id: String,
    log_id: Option<String>,
    reporter_id: String,
    reporter_unit_id: String,
    status: String,
    message: Option<String>,
    child_welfare_unit_id: Option<String>,
    sent_at: Option<i64>,
    outcome: Option<String>,
    created_at: i64,
    updated_at: i64,
    /// The form as typed, while there is no message.
    draft: String,
}

type RowColumns = (
    reports::id,
    reports::municipality_id,
    reports::log_id,
    reports::reporter_id,
    reports::reporter_unit_id,
    reports::status,
    reports::message,
    reports::child_welfare_unit_id,
    reports::sent_at,
    reports::outcome,
    reports::created_at,
    reports::updated_at,
    reports::draft,
);

const ROW: RowColumns = (
    reports::id,
    reports::municipality_id,
    reports::log_id,
    reports::reporter_id,
    reports::reporter_unit_id,
    reports::status,
    reports::message,
    reports::child_welfare_unit_id,
    reports::sent_at,
    reports::outcome,
    reports::created_at,
    reports::updated_at,
    reports::draft,
);

fn status_of(code: &str) -> DbResult<ReportStatus> {
    ReportStatus::from_code(code)
        .ok_or_else(|| DbError::Corrupt(format!("reports.status {code:?}")))
}

fn outcome_of(code: Option<&str>) -> DbResult<Option<Outcome>> {
    code.map(|c| {
        Outcome::from_code(c).ok_or_else(|| DbError::Corrupt(format!("reports.outcome {c:?}")))
    })
    .transpose()
}

fn feedback_kind_of(code: &str) -> DbResult<FeedbackKind> {
    FeedbackKind::from_code(code)
        .ok_or_else(|| DbError::Corrupt(format!("report_feedback.kind {code:?}")))
}

fn message_of(raw: Option<&str>) -> DbResult<Option<Message>> {
    raw.map(|m| {
        serde_json::from_str::<Message>(m)
            .map_err(|e| DbError::Corrupt(format!("reports.message: {e}")))
    })
    .transpose()
}

impl Row {
    fn facts(&self) -> DbResult<ReportFacts> {
        Ok(ReportFacts {
            report_id: parse_id(&self.id)?,
            municipality_id: parse_id(&self.municipality_id)?,
            reporter: parse_id(&self.reporter_id)?,
            reporter_unit: parse_id(&self.reporter_unit_id)?,
            status: status_of(&self.status)?,
            child_welfare_unit: self
                .child_welfare_unit_id
                .as_deref()
                .map(parse_id)
                .transpose()?,
        })
    }
}

/// Names of municipalities, units (with kind) and users, read once per list.
#[derive(Default)]
struct Names {
    municipalities: HashMap<String, String>,
    units: HashMap<String, (String, String)>,
    users: HashMap<String, String>,
    /// A draft's log's child.
    log_children: HashMap<String, String>,
    unseen: HashMap<String, usize>,
}

fn names(conn: &mut DbConnection, rows: &[Row]) -> DbResult<Names> {
    let mut n = Names::default();
    if rows.is_empty() {
        return Ok(n);
    }
    let ms: Vec<&str> = rows.iter().map(|r| r.municipality_id.as_str()).collect();
    n.municipalities = municipalities::table
        .filter(municipalities::id.eq_any(&ms))
        .select((municipalities::id, municipalities::name))
        .load::<(String, String)>(conn)?
        .into_iter()
        .collect();
    let mut us: Vec<&str> = rows.iter().map(|r| r.reporter_unit_id.as_str()).collect();
    us.extend(
        rows.iter()
            .filter_map(|r| r.child_welfare_unit_id.as_deref()),
    );
    n.units = units::table
        .filter(units::id.eq_any(&us))
        .select((units::id, units::name, units::kind))
        .load::<(String, String, String)>(conn)?
        .into_iter()
        .map(|(id, name, kind)| (id, (name, kind)))
        .collect();
    let people: Vec<&str> = rows.iter().map(|r| r.reporter_id.as_str()).collect();
    n.users = users::table
        .filter(users::id.eq_any(&people))
        .select((users::id, users::display_name))
        .load::<(String, String)>(conn)?
        .into_iter()
        .collect();
    let drafts_logs: Vec<&str> = rows
        .iter()
        .filter(|r| r.message.is_none())
        .filter_map(|r| r.log_id.as_deref())
        .collect();
    if !drafts_logs.is_empty() {
        n.log_children = logs::table
            .inner_join(children::table)
            .filter(logs::id.eq_any(&drafts_logs))
            .select((logs::id, children::name))
            .load::<(String, String)>(conn)?
            .into_iter()
            .collect();
    }
    let ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
    for id in report_feedback::table
        .filter(report_feedback::report_id.eq_any(&ids))
        .filter(report_feedback::seen_at.is_null())
        .select(report_feedback::report_id)
        .load::<String>(conn)?
    {
        *n.unseen.entry(id).or_default() += 1;
    }
    Ok(n)
}

fn line(row: &Row, n: &Names) -> DbResult<ReportLine> {
    let unit = n.units.get(&row.reporter_unit_id);
    let message = message_of(row.message.as_deref())?;
    let children = match (&message, &row.log_id) {
        (Some(m), _) => m
            .offentlig_barn
            .iter()
            .map(|c| c.personnavn.clone())
            .collect(),
        // Not sent yet: the name typed in the form, else the log's child.
        (None, log) => serde_json::from_str::<ReportForm>(&row.draft)
            .ok()
            .map(|f| f.barn_navn.trim().to_owned())
            .filter(|name| !name.is_empty())
            .or_else(|| log.as_ref().and_then(|l| n.log_children.get(l).cloned()))
            .into_iter()
            .collect(),
    };
    Ok(ReportLine {
        id: parse_id(&row.id)?,
        municipality_id: parse_id(&row.municipality_id)?,
        municipality_name: n
            .municipalities
            .get(&row.municipality_id)
            .cloned()
            .unwrap_or_default(),
        status: status_of(&row.status)?,
        outcome: outcome_of(row.outcome.as_deref())?,
        reporter_name: n.users.get(&row.reporter_id).cloned().unwrap_or_default(),
        reporter_unit_name: unit.map(|(name, _)| name.clone()).unwrap_or_default(),
        reporter_unit_kind: unit.and_then(|(_, kind)| UnitKind::from_code(kind).ok()),
        child_welfare_name: row
            .child_welfare_unit_id
            .as_ref()
            .and_then(|u| n.units.get(u))
            .map(|(name, _)| name.clone()),
        children,
        sent_at: row.sent_at.map(from_micros),
        created_at: from_micros(row.created_at),
        updated_at: from_micros(row.updated_at),
        unseen_feedback: n.unseen.get(&row.id).copied().unwrap_or_default(),
    })
}

fn scope(row: &Row, unit: Option<&str>) -> DbResult<Scope> {
    Ok(Scope {
        municipality_id: Some(parse_id(&row.municipality_id)?),
        unit_id: unit.map(parse_id).transpose()?,
    })
}

/// Child welfare's inbox: the reports delivered to the service `cap` opens,
/// from every municipality it serves, newest first. One access-log row per
/// report listed (ground «barneverntjenesten»).
pub fn inbox(
    conn: &mut DbConnection,
    cap: &ReportInbox,
    request_id: &str,
) -> DbResult<Vec<ReportLine>> {
    let unit = cap.unit_id().to_string();
    let sent: Vec<&str> = ReportStatus::ALL
        .iter()
        .filter(|s| s.is_sent())
        .map(|s| s.code())
        .collect();
    let rows: Vec<Row> = reports::table
        .filter(reports::child_welfare_unit_id.eq(&unit))
        .filter(reports::status.eq_any(&sent))
        .order((reports::sent_at.desc(), reports::id.desc()))
        .select(ROW)
        .load(conn)?;
    let n = names(conn, &rows)?;
    let mut out = Vec::with_capacity(rows.len());
    for row in &rows {
        out.push(line(row, &n)?);
        record(
            conn,
            cap,
            ObjectType::Report,
            &row.id,
            Action::List,
            scope(row, Some(&unit))?,
            request_id,
        )?;
    }
    Ok(out)
}

/// The reports on the reporter's page: their own (every status), and, for
/// a unit leader, the reports of their units that wait for their
/// co-signature and those sent from their units by others.
#[derive(Clone, Debug, Default)]
pub struct MyReports {
    pub own: Vec<ReportLine>,
    pub to_cosign: Vec<ReportLine>,
    /// A leader: the reports others of the units they lead have sent
    /// (never drafts), with their status and feedback.
    pub unit_sent: Vec<ReportLine>,
}

/// The user's own reports, those waiting for their co-signature and (a
/// leader) those sent from the units they lead, newest first, each only
/// while `actor` may open it (the report page's decision,
/// `Actor::open_report`). One access-log row per report listed.
pub fn mine(conn: &mut DbConnection, actor: &Actor, request_id: &str) -> DbResult<MyReports> {
    let me = actor.user_id().to_string();
    let own: Vec<Row> = reports::table
        .filter(reports::reporter_id.eq(&me))
        .order((reports::updated_at.desc(), reports::id.desc()))
        .select(ROW)
        .load(conn)?;
    let led: Vec<String> = actor.led_units().iter().map(|u| u.to_string()).collect();
    let waiting: Vec<Row> = if led.is_empty() {
        Vec::new()
    } else {
        reports::table
            .filter(reports::reporter_unit_id.eq_any(&led))
            .filter(reports::status.eq(ReportStatus::AwaitingCosign.code()))
            .filter(reports::reporter_id.ne(&me))
            .order((reports::updated_at.desc(), reports::id.desc()))
            .select(ROW)
            .load(conn)?
    };
    let sent_codes: Vec<&str> = ReportStatus::ALL
        .iter()
        .filter(|s| s.is_sent())
        .map(|s| s.code())
        .collect();
    let unit_sent: Vec<Row> = if led.is_empty() {
        Vec::new()
    } else {
        reports::table
            .filter(reports::reporter_unit_id.eq_any(&led))
            .filter(reports::status.eq_any(&sent_codes))
            .filter(reports::reporter_id.ne(&me))
            .order((reports::sent_at.desc(), reports::id.desc()))
            .select(ROW)
            .load(conn)?
    };
    let mut out = MyReports::default();
    for (rows, list) in [(own, 0), (waiting, 1), (unit_sent, 2)] {
        let mut readable = Vec::new();
        for row in rows {
            if let Ok(reader) = actor.open_report(&row.facts()?) {
                readable.push((row, reader));
            }
        }
        let rows_only: Vec<Row> = readable.iter().map(|(r, _)| r.clone()).collect();
        let n = names(conn, &rows_only)?;
        for (row, reader) in &readable {
            let l = line(row, &n)?;
            record(
                conn,
                reader,
                ObjectType::Report,
                &row.id,
                Action::List,
                scope(row, Some(&row.reporter_unit_id))?,
                request_id,
            )?;
            match list {
                0 => out.own.push(l),
                1 => out.to_cosign.push(l),
                _ => out.unit_sent.push(l),
            }
        }
    }
    Ok(out)
}

fn name_of(conn: &mut DbConnection, user: Option<&str>) -> DbResult<Option<String>> {
    match user {
        None => Ok(None),
        Some(u) => Ok(users::table
            .find(u)
            .select(users::display_name)
            .first::<String>(conn)
            .optional()?),
    }
}

/// The whole report for a reader (author, leader, child welfare). One
/// access-log row (read, on the reader's ground).
pub fn view(
    conn: &mut DbConnection,
    reader: &ReportReader,
    request_id: &str,
) -> DbResult<ReportView> {
    let id = reader.report_id().to_string();
    let row: Row = reports::table
        .find(&id)
        .select(ROW)
        .first(conn)
        .optional()?
        .ok_or(DbError::NotFound)?;
    #[allow(clippy::type_complexity)]
    let (
        told,
        not_told,
        cosigned_by,
        cosigned_at,
        channel,
        delivered,
        received_by,
        received_at,
        outcome_by,
        outcome_at,
    ): (
        bool,
        Option<String>,
        Option<String>,
        Option<i64>,
        Option<String>,
        Option<i64>,
        Option<String>,
        Option<i64>,
        Option<String>,
        Option<i64>,
    ) = reports::table
        .find(&id)
        .select((
            reports::guardians_told,
            reports::not_told_reason,
            reports::cosigned_by,
            reports::cosigned_at,
            reports::delivery_channel,
            reports::delivered_at,
            reports::received_by,
            reports::received_at,
            reports::outcome_by,
            reports::outcome_at,
        ))
        .first(conn)?;
    let n = names(conn, std::slice::from_ref(&row))?;
    let l = line(&row, &n)?;
    let feedback = report_feedback::table
        .inner_join(users::table.on(users::id.eq(report_feedback::recorded_by)))
        .filter(report_feedback::report_id.eq(&id))
        .order((report_feedback::recorded_at, report_feedback::id))
        .select((
            report_feedback::id,
            report_feedback::kind,
            report_feedback::recorded_at,
            users::display_name,
            report_feedback::seen_at,
        ))
        .load::<(String, String, i64, String, Option<i64>)>(conn)?
        .into_iter()
        .map(|(fid, kind, at, by, seen)| {
            Ok(Feedback {
                id: parse_id(&fid)?,
                kind: feedback_kind_of(&kind)?,
                recorded_at: from_micros(at),
                recorded_by: by,
                seen_at: seen.map(from_micros),
            })
        })
        .collect::<DbResult<Vec<_>>>()?;
    let view = ReportView {
        log_id: row.log_id.as_deref().map(parse_id).transpose()?,
        reporter_id: parse_id(&row.reporter_id)?,
        reporter_unit_id: parse_id(&row.reporter_unit_id)?,
        child_welfare_unit_id: row
            .child_welfare_unit_id
            .as_deref()
            .map(parse_id)
            .transpose()?,
        message: message_of(row.message.as_deref())?,
        guardians: guardians_told(message_of(row.message.as_deref())?.as_ref(), &row.draft),
        guardians_told: told,
        not_told_reason: not_told,
        cosigned_by: name_of(conn, cosigned_by.as_deref())?,
        cosigned_at: cosigned_at.map(from_micros),
        delivery_channel: channel,
        delivered_at: delivered.map(from_micros),
        received_by: name_of(conn, received_by.as_deref())?,
        received_at: received_at.map(from_micros),
        outcome_by: name_of(conn, outcome_by.as_deref())?,
        outcome_at: outcome_at.map(from_micros),
        feedback,
        line: l,
    };
    let unit = match reader.role() {
        ReportRole::ChildWelfare => row.child_welfare_unit_id.clone(),
        ReportRole::Author | ReportRole::Leader => Some(row.reporter_unit_id.clone()),
    };
    record(
        conn,
        reader,
        ObjectType::Report,
        &row.id,
        Action::Read,
        scope(&row, unit.as_deref())?,
        request_id,
    )?;
    Ok(view)
}

/// Marks the feedback on the report as seen by its reporter (the author's
/// reading of the report page). Nothing for another reader. Returns how
/// many steps were new.
pub fn mark_feedback_seen(conn: &mut DbConnection, reader: &ReportReader) -> DbResult<usize> {
    if reader.role() != ReportRole::Author {
        return Ok(0);
    }
    Ok(diesel::update(
        report_feedback::table
            .filter(report_feedback::report_id.eq(reader.report_id().to_string()))
            .filter(report_feedback::seen_at.is_null()),
    )
    .set(report_feedback::seen_at.eq(Some(to_micros(Utc::now()))))
    .execute(conn)?)
}

/// Adds one feedback step, and the e-mail that tells the reporter (no
/// personal data: the message says only that there is an answer).
fn add_feedback(
    conn: &mut DbConnection,
    receiver: &ReportReceiver,
    kind: FeedbackKind,
    now: i64,
) -> DbResult<()> {
    diesel::insert_into(report_feedback::table)
        .values((
            report_feedback::id.eq(ReportFeedbackId::new().to_string()),
            report_feedback::report_id.eq(receiver.report_id().to_string()),
            report_feedback::kind.eq(kind.code()),
            report_feedback::recorded_by.eq(receiver.actor_id().to_string()),
            report_feedback::recorded_at.eq(now),
            report_feedback::seen_at.eq(None::<i64>),
        ))
        .execute(conn)?;
    Ok(())
}

fn tell_reporter(
    conn: &mut DbConnection,
    receiver: &ReportReceiver,
    reporter: UserId,
) -> DbResult<()> {
    mails::enqueue(
        conn,
        &MailRequest {
            kind: MailKind::ReportFeedback,
            recipient: Recipient::User(reporter),
            meeting: None,
            decision: None,
            sequence: 0,
            created_by: Some(receiver.actor_id()),
        },
    )?;
    Ok(())
}

/// What [`acknowledge`] and [`record_outcome`] need of the report.
struct Current {
    row: Row,
    reporter: UserId,
    status: ReportStatus,
    outcome: Option<Outcome>,
}

fn current(conn: &mut DbConnection, receiver: &ReportReceiver) -> DbResult<Current> {
    let row: Row = reports::table
        .find(receiver.report_id().to_string())
        .select(ROW)
        .first(conn)
        .optional()?
        .ok_or(DbError::NotFound)?;
    Ok(Current {
        reporter: parse_id(&row.reporter_id)?,
        status: status_of(&row.status)?,
        outcome: outcome_of(row.outcome.as_deref())?,
        row,
    })
}

/// Marks `c`'s report received (status `mottatt`), with a feedback step,
/// in the transaction `conn` is in. Nothing if already received.
fn receive(
    conn: &mut DbConnection,
    receiver: &ReportReceiver,
    c: &Current,
    now: i64,
) -> DbResult<bool> {
    if c.status != ReportStatus::Sent {
        return Ok(false);
    }
    let changed = diesel::update(
        reports::table
            .find(&c.row.id)
            .filter(reports::status.eq(ReportStatus::Sent.code())),
    )
    .set((
        reports::status.eq(ReportStatus::Received.code()),
        reports::received_by.eq(Some(receiver.actor_id().to_string())),
        reports::received_at.eq(Some(now)),
        reports::updated_at.eq(now),
    ))
    .execute(conn)?;
    if changed == 0 {
        return Ok(false);
    }
    add_feedback(conn, receiver, FeedbackKind::Received, now)?;
    Ok(true)
}

/// Child welfare acknowledges receipt: status `mottatt`, who and when, a
/// feedback step `mottatt` and an e-mail to the reporter. A report already
/// received changes nothing (a second click, two staff at once) and sends
/// nothing; returns whether it changed. One access-log row either way.
pub fn acknowledge(
    conn: &mut DbConnection,
    receiver: &ReportReceiver,
    request_id: &str,
) -> DbResult<bool> {
    conn.transaction(|conn| {
        let c = current(conn, receiver)?;
        let now = to_micros(Utc::now());
        let changed = receive(conn, receiver, &c, now)?;
        if changed {
            tell_reporter(conn, receiver, c.reporter)?;
        }
        record(
            conn,
            receiver,
            ObjectType::Report,
            &c.row.id,
            if changed {
                Action::Update
            } else {
                Action::Read
            },
            scope(&c.row, c.row.child_welfare_unit_id.as_deref())?,
            request_id,
        )?;
        Ok(changed)
    })
}

/// Whether `next` may be recorded after `current`: a first outcome of
/// any kind; after an investigation, its end (dismissed or measures). A
/// dismissal or measures is final.
pub fn outcome_may_follow(
    _receiver: &ReportReceiver,
    current: Option<Outcome>,
    next: Outcome,
) -> bool {
    match current {
        None => true,
        Some(Outcome::Investigation) => next != Outcome::Investigation,
        Some(Outcome::Dismissed | Outcome::Measures) => false,
    }
}

/// Child welfare records what it decided: `henlagt`, `undersokelse` or
/// `tiltak` (an investigation may later end as dismissed or measures). A
/// report not yet acknowledged is received first (its own feedback step).
/// A feedback step per change and one e-mail to the reporter. An outcome
/// that may not follow the present one is `DbError::Conflict`.
pub fn record_outcome(
    conn: &mut DbConnection,
    receiver: &ReportReceiver,
    outcome: Outcome,
    request_id: &str,
) -> DbResult<()> {
    conn.transaction(|conn| {
        let c = current(conn, receiver)?;
        if !outcome_may_follow(receiver, c.outcome, outcome) {
            return Err(DbError::Conflict);
        }
        let now = to_micros(Utc::now());
        receive(conn, receiver, &c, now)?;
        let set = (
            reports::outcome.eq(Some(outcome.code())),
            reports::outcome_by.eq(Some(receiver.actor_id().to_string())),
            reports::outcome_at.eq(Some(now)),
            reports::updated_at.eq(now),
        );
        // Only from the outcome read above: two answers at once make one.
        let changed = match &c.row.outcome {
            Some(before) => diesel::update(
                reports::table
                    .find(&c.row.id)
                    .filter(reports::outcome.eq(before)),
            )
            .set(set)
            .execute(conn)?,
            None => diesel::update(
                reports::table
                    .find(&c.row.id)
                    .filter(reports::outcome.is_null()),
            )
            .set(set)
            .execute(conn)?,
        };
        if changed == 0 {
            return Err(DbError::Conflict);
        }
        add_feedback(conn, receiver, outcome.into(), now)?;
        tell_reporter(conn, receiver, c.reporter)?;
        record(
            conn,
            receiver,
            ObjectType::Report,
            &c.row.id,
            Action::Update,
            scope(&c.row, c.row.child_welfare_unit_id.as_deref())?,
            request_id,
        )?;
        Ok(())
    })
}

/// What a report asks of someone on «Mine oppgaver».
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReportTaskKind {
    /// Child welfare: a new report not yet acknowledged.
    Acknowledge,
    /// The unit leader: a report waits for the co-signature.
    Cosign,
    /// The reporter: feedback not yet seen.
    Feedback,
    /// The reporter: the leader sent the report back (a draft again, with
    /// the leader's note), until it is sent again or deleted.
    Returned,
}

/// A task a report gives (`casework` turns it into a row of «Mine
/// oppgaver»).
#[derive(Clone, Debug)]
pub struct ReportTask {
    pub kind: ReportTaskKind,
    pub report: ReportId,
    /// The child welfare service it was delivered to (its inbox's link).
    pub child_welfare_unit: Option<UnitId>,
    /// The children the report is about (the user may open it).
    pub children: Vec<String>,
    pub since: DateTime<Utc>,
}

/// The report tasks of `actor`, each only while `actor` may open the
/// report (the report page's decision): new reports in the inboxes of the
/// child welfare services they work in, reports of the units they lead
/// waiting for co-signature, their own reports with unseen feedback, their
/// own reports the leader sent back. Reads
/// no more than the list shows; recorded with «Mine oppgaver» (`casework`).
pub fn tasks(conn: &mut DbConnection, actor: &Actor) -> DbResult<Vec<ReportTask>> {
    let mut out = Vec::new();
    let inboxes: Vec<String> = actor
        .child_welfare_inboxes()
        .iter()
        .map(|u| u.to_string())
        .collect();
    let mut candidates: Vec<(ReportTaskKind, Row)> = Vec::new();
    if !inboxes.is_empty() {
        for row in reports::table
            .filter(reports::child_welfare_unit_id.eq_any(&inboxes))
            .filter(reports::status.eq(ReportStatus::Sent.code()))
            .select(ROW)
            .load::<Row>(conn)?
        {
            candidates.push((ReportTaskKind::Acknowledge, row));
        }
    }
    let led: Vec<String> = actor.led_units().iter().map(|u| u.to_string()).collect();
    if !led.is_empty() {
        for row in reports::table
            .filter(reports::reporter_unit_id.eq_any(&led))
            .filter(reports::status.eq(ReportStatus::AwaitingCosign.code()))
            .select(ROW)
            .load::<Row>(conn)?
        {
            candidates.push((ReportTaskKind::Cosign, row));
        }
    }
    let unseen: Vec<String> = report_feedback::table
        .inner_join(reports::table.on(reports::id.eq(report_feedback::report_id)))
        .filter(reports::reporter_id.eq(actor.user_id().to_string()))
        .filter(report_feedback::seen_at.is_null())
        .select(reports::id)
        .distinct()
        .load(conn)?;
    if !unseen.is_empty() {
        for row in reports::table
            .filter(reports::id.eq_any(&unseen))
            .select(ROW)
            .load::<Row>(conn)?
        {
            candidates.push((ReportTaskKind::Feedback, row));
        }
    }
    // Sent back by the leader: a draft again, with the leader's note kept
    // in the form (`returnert_merknad`, set only by the sending back).
    for row in reports::table
        .filter(reports::reporter_id.eq(actor.user_id().to_string()))
        .filter(reports::status.eq(ReportStatus::Draft.code()))
        .select(ROW)
        .load::<Row>(conn)?
    {
        let returned = serde_json::from_str::<ReportForm>(&row.draft)
            .is_ok_and(|f| !f.returnert_merknad.trim().is_empty());
        if returned {
            candidates.push((ReportTaskKind::Returned, row));
        }
    }
    let (kinds, rows): (Vec<ReportTaskKind>, Vec<Row>) = candidates.into_iter().unzip();
    let n = names(conn, &rows)?;
    for (kind, row) in kinds.into_iter().zip(rows.iter()) {
        let Ok(reader) = actor.open_report(&row.facts()?) else {
            continue;
        };
        let fits = match kind {
            ReportTaskKind::Acknowledge => reader.receiver().is_ok(),
            ReportTaskKind::Cosign => reader.cosigner().is_ok(),
            ReportTaskKind::Feedback => reader.role() == ReportRole::Author,
            ReportTaskKind::Returned => reader.editor().is_ok(),
        };
        if !fits {
            continue;
        }
        let l = line(row, &n)?;
        out.push(ReportTask {
            kind,
            report: l.id,
            child_welfare_unit: row
                .child_welfare_unit_id
                .as_deref()
                .map(parse_id)
                .transpose()?,
            children: l.children,
            since: l.sent_at.unwrap_or(l.updated_at),
        });
    }
    Ok(out)
}
