//! Consent in the family's portal: the log's consents as the family sees
//! them, and giving and withdrawing consent digitally. The ID-porten login
//! is the signature: a digital consent is an ordinary `consents` row
//! (method `digitalt`, the giver from `FamilyWriter::giver`, `citizen_id`
//! set), written by the same code as staff's (`crate::log::consent_work`),
//! so it gates access exactly as the others do
//! (`laget_domain::log::consent::coverage`).
//!
//! Every function takes the family's capability and writes its access-log
//! row (principal: the citizen; ground foresatt or ungdom) in the same
//! transaction; a give or withdraw also writes the timeline event (which
//! raises the log's revision, so kept timelines refresh) and queues the
//! e-mails: the log's lead is told a consent changed, the guardian gets a
//! receipt at their registered address. No e-mail holds personal data.

use crate::children::{date, record};
use crate::log::{ConsentAuthor, insert_consent, mark_withdrawn};
use crate::meetings::mail::{self as mail, MailRequest, Recipient};
use crate::schema::{child_units, children, consents, guardians, logs, team_members, units};
use crate::{DbConnection, DbResult, from_micros, parse_id};
use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use laget_domain::access::{Capability, FamilyReader, FamilyWriter};
use laget_domain::admin::unit::UnitKind;
use laget_domain::audit::{Action, ObjectType, Scope};
use laget_domain::children::Birth;
use laget_domain::ids::{CitizenId, ConsentId, LogId, UnitId};
use laget_domain::log::consent::{Consent, Giver, Method, NewConsent, Purpose};
use laget_domain::meetings::mail::MailKind;
use laget_domain::portal::consent_shown_to;
use laget_domain::{MunicipalityId, UserId};

/// The kinds of the municipality's services the family may consent to
/// beyond the units already around the child (its team and the units it
/// attends): PPT, the health nurse, child welfare, mental health, the
/// family centre, NAV and the coordinating unit.
pub const SERVICE_KINDS: [UnitKind; 7] = [
    UnitKind::Ppt,
    UnitKind::Helsestasjon,
    UnitKind::Barnevern,
    UnitKind::PsykiskHelseRus,
    UnitKind::Familiesenter,
    UnitKind::Nav,
    UnitKind::KoordinerendeEnhet,
];

/// One consent of the log, as the family sees it.
#[derive(Clone, Debug)]
pub struct FamilyConsent {
    pub consent: Consent,
    pub method: Method,
    /// Given in the portal (the ID-porten login signed it), by this citizen.
    pub citizen: Option<CitizenId>,
    pub unit_names: Vec<String>,
    pub created_at: DateTime<Utc>,
    pub withdraw_reason: Option<String>,
}

/// What the portal's consent page shows.
#[derive(Clone, Debug)]
pub struct ConsentPage {
    pub municipality: MunicipalityId,
    /// The child's birth (the last day a consent may run to follows from it).
    pub birth: Birth,
    /// Newest first.
    pub consents: Vec<FamilyConsent>,
    /// The units the family may consent to (id, name), by name: the staff
    /// form's units (every active unit serving the municipality) and the
    /// units of the log's team and the child's units, active ones only.
    pub units: Vec<(UnitId, String)>,
}

fn split(raw: &str) -> impl Iterator<Item = &str> {
    raw.split(',').filter(|s| !s.is_empty())
}

/// The access-log row's scope: the log's municipality and the unit that
/// keeps it.
fn scope(conn: &mut DbConnection, log: LogId, municipality: MunicipalityId) -> DbResult<Scope> {
    let home: String = logs::table
        .find(log.to_string())
        .select(logs::home_unit_id)
        .first(conn)?;
    Ok(Scope {
        municipality_id: Some(municipality),
        unit_id: Some(parse_id(&home)?),
    })
}

fn log_record(
    conn: &mut DbConnection,
    r: &FamilyReader,
    cap: &dyn Capability,
    action: Action,
    rid: &str,
) -> DbResult<()> {
    let scope = scope(conn, r.log_id(), r.municipality_id())?;
    record(conn, cap, ObjectType::Log, r.log_id(), action, scope, rid)
}

type Row = (
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    i64,
    Option<i64>,
    Option<String>,
    Option<String>,
);

fn consents_of(conn: &mut DbConnection, log: LogId) -> DbResult<Vec<FamilyConsent>> {
    let rows: Vec<Row> = consents::table
        .filter(consents::log_id.eq(log.to_string()))
        .order((consents::created_at.desc(), consents::id.desc()))
        .select((
            consents::id,
            consents::givers,
            consents::unit_ids,
            consents::purposes,
            consents::valid_from,
            consents::valid_to,
            consents::method,
            consents::created_at,
            consents::withdrawn_at,
            consents::withdraw_reason,
            consents::citizen_id,
        ))
        .load(conn)?;
    let mut names: Vec<(String, String)> = Vec::new();
    let mut out = Vec::new();
    for (id, givers, unit_ids, purposes, from, to, method, created, withdrawn, reason, citizen) in
        rows
    {
        let mut unit_names = Vec::new();
        for u in split(&unit_ids) {
            if let Some((_, n)) = names.iter().find(|(id, _)| id == u) {
                unit_names.push(n.clone());
                continue;
            }
            let name: Option<String> = units::table
                .find(u)
                .select(units::name)
                .first(conn)
                .optional()?;
            if let Some(n) = name {
                names.push((u.to_owned(), n.clone()));
                unit_names.push(n);
            }
        }
        out.push(FamilyConsent {
            consent: Consent {
                id: parse_id(&id)?,
                givers: split(&givers).filter_map(Giver::from_code).collect(),
                units: split(&unit_ids).map(parse_id).collect::<DbResult<_>>()?,
                purposes: split(&purposes).filter_map(Purpose::from_code).collect(),
                valid_from: date(&from)?,
                valid_to: date(&to)?,
                withdrawn_at: withdrawn.map(from_micros),
            },
            method: Method::from_code(&method)
                .ok_or_else(|| crate::DbError::Corrupt(format!("method {method}")))?,
            citizen: citizen.as_deref().map(parse_id).transpose()?,
            unit_names,
            created_at: from_micros(created),
            withdraw_reason: reason,
        });
    }
    Ok(out)
}

/// The units the family may consent to (see [`ConsentPage::units`]): the
/// same units the staff's consent form offers — every active unit serving
/// the municipality (`crate::admin::units::list_in_municipality`, as
/// `web::log::work` uses it) — and the units of the log's team and the
/// units the child attends, should one of them serve from elsewhere. A
/// family preparing a move (a new school, SFO) can consent before staff
/// add the unit to the team.
fn unit_choices(
    conn: &mut DbConnection,
    log: LogId,
    child: &str,
    municipality: MunicipalityId,
) -> DbResult<Vec<(UnitId, String)>> {
    let team: Vec<Option<String>> = team_members::table
        .filter(team_members::log_id.eq(log.to_string()))
        .filter(team_members::removed_at.is_null())
        .select(team_members::unit_id)
        .load(conn)?;
    let attends: Vec<String> = child_units::table
        .filter(child_units::child_id.eq(child))
        .select(child_units::unit_id)
        .load(conn)?;
    let near: Vec<String> = team.into_iter().flatten().chain(attends).collect();
    let mut out: Vec<(UnitId, String)> =
        crate::admin::units::list_in_municipality(conn, municipality)?
            .into_iter()
            .filter(|u| u.active)
            .map(|u| (u.id, u.name))
            .collect();
    let rows: Vec<(String, String)> = units::table
        .filter(units::id.eq_any(&near))
        .filter(units::active.eq(true))
        .select((units::id, units::name))
        .load(conn)?;
    for (id, name) in rows {
        let id: UnitId = parse_id(&id)?;
        if !out.iter().any(|(u, _)| *u == id) {
            out.push((id, name));
        }
    }
    out.sort_by(|a, b| a.1.cmp(&b.1).then(a.0.to_string().cmp(&b.0.to_string())));
    Ok(out)
}

/// The child of the log: its id and birth.
fn child_of(conn: &mut DbConnection, log: LogId) -> DbResult<(String, Birth)> {
    let (child, birth, unborn): (String, String, bool) = logs::table
        .inner_join(children::table)
        .filter(logs::id.eq(log.to_string()))
        .select((children::id, children::birth_date, children::unborn))
        .first(conn)?;
    let d = date(&birth)?;
    Ok((
        child,
        if unborn {
            Birth::Expected(d)
        } else {
            Birth::Born(d)
        },
    ))
}

/// The consent page: the log's consents with their history, and the units
/// one may consent to. Recorded as a read of the log.
pub fn page(conn: &mut DbConnection, r: &FamilyReader, rid: &str) -> DbResult<ConsentPage> {
    let (child, birth) = child_of(conn, r.log_id())?;
    // A consent the youth gave alone is the youth's own matter: not listed
    // for a guardian (`laget_domain::portal::consent_shown_to`).
    let consents = consents_of(conn, r.log_id())?
        .into_iter()
        .filter(|c| consent_shown_to(&c.consent.givers, r.role()))
        .collect();
    let units = unit_choices(conn, r.log_id(), &child, r.municipality_id())?;
    log_record(conn, r, r, Action::Read, rid)?;
    Ok(ConsentPage {
        municipality: r.municipality_id(),
        birth,
        consents,
        units,
    })
}

/// What a sent form is checked against: the units the writer may consent
/// to now (the form's choices) and the child's birth (the last day a
/// consent may run to). The give that follows records the access.
pub fn choices(
    conn: &mut DbConnection,
    w: &FamilyWriter,
) -> DbResult<(Vec<(UnitId, String)>, Birth)> {
    let (child, birth) = child_of(conn, w.log_id())?;
    let units = unit_choices(conn, w.log_id(), &child, w.reader().municipality_id())?;
    Ok((units, birth))
}

/// The e-mails of a consent given or withdrawn in the portal: the log's
/// lead is told that a consent changed (a link to the log), the guardian
/// who did it gets a receipt at their registered address (a link to the
/// portal). No names, no units, nothing of the log.
fn notify(conn: &mut DbConnection, w: &FamilyWriter) -> DbResult<()> {
    let lead: Option<String> = logs::table
        .find(w.log_id().to_string())
        .select(logs::lead_user_id)
        .first(conn)?;
    if let Some(lead) = lead {
        let lead: UserId = parse_id(&lead)?;
        mail::enqueue_about_log(
            conn,
            &MailRequest {
                kind: MailKind::ConsentChanged,
                recipient: Recipient::User(lead),
                meeting: None,
                decision: None,
                sequence: 0,
                created_by: None,
            },
            w.log_id(),
        )?;
    }
    if let Giver::Guardian(g) = w.giver() {
        let email: Option<String> = guardians::table
            .find(g.to_string())
            .select(guardians::email)
            .first(conn)?;
        if email.is_some_and(|e| !e.trim().is_empty()) {
            mail::enqueue(
                conn,
                &MailRequest {
                    kind: MailKind::ConsentReceipt,
                    recipient: Recipient::Guardian(g),
                    meeting: None,
                    decision: None,
                    sequence: 0,
                    created_by: None,
                },
            )?;
        }
    }
    Ok(())
}

fn author(w: &FamilyWriter) -> ConsentAuthor {
    ConsentAuthor {
        log: w.log_id(),
        user: None,
        citizen: Some(w.citizen_id()),
    }
}

/// Gives a consent digitally: `c` as the form gave it (its givers must be
/// the writer's giver alone, its method `digitalt`; anything else is a
/// caller's error and refused as not found). The consent row, its timeline
/// event, the access-log row and the e-mails in one transaction.
pub fn give(
    conn: &mut DbConnection,
    w: &FamilyWriter,
    c: &NewConsent,
    rid: &str,
) -> DbResult<ConsentId> {
    if c.givers != [w.giver()] || c.method != Method::Digital {
        return Err(crate::DbError::NotFound);
    }
    // A form sent twice (a double click, a resubmit) lands on the consent
    // the first made: the same citizen's consent, not withdrawn, with the
    // same units, purposes and valid-to. The log's row is locked first
    // (a write to it), so that two sends at once on PostgreSQL wait for
    // each other and the second finds the first.
    diesel::update(logs::table.find(w.log_id().to_string()))
        .set(logs::id.eq(w.log_id().to_string()))
        .execute(conn)?;
    if let Some(id) = same_consent(conn, w, c)? {
        log_record(conn, w.reader(), w, Action::Read, rid)?;
        return Ok(id);
    }
    let id = insert_consent(conn, author(w), c, None)?;
    log_record(conn, w.reader(), w, Action::Update, rid)?;
    notify(conn, w)?;
    Ok(id)
}

/// The citizen's consent on the log that `c` repeats: not withdrawn, the
/// same givers, units, purposes and valid-to (in any order).
fn same_consent(
    conn: &mut DbConnection,
    w: &FamilyWriter,
    c: &NewConsent,
) -> DbResult<Option<ConsentId>> {
    let rows: Vec<(String, String, String, String, String)> = consents::table
        .filter(consents::log_id.eq(w.log_id().to_string()))
        .filter(consents::citizen_id.eq(w.citizen_id().to_string()))
        .filter(consents::withdrawn_at.is_null())
        .select((
            consents::id,
            consents::givers,
            consents::unit_ids,
            consents::purposes,
            consents::valid_to,
        ))
        .load(conn)?;
    let sorted = |v: Vec<String>| {
        let mut v = v;
        v.sort();
        v.dedup();
        v
    };
    let stored = |raw: &str| sorted(split(raw).map(str::to_owned).collect());
    let givers = sorted(c.givers.iter().map(|g| g.code()).collect());
    let units = sorted(c.units.iter().map(|u| u.to_string()).collect());
    let purposes = sorted(c.purposes.iter().map(|p| p.code().to_owned()).collect());
    let to = c.valid_to.format("%Y-%m-%d").to_string();
    for (id, g, u, p, valid_to) in rows {
        if stored(&g) == givers && stored(&u) == units && stored(&p) == purposes && valid_to == to {
            return Ok(Some(parse_id(&id)?));
        }
    }
    Ok(None)
}

/// Withdraws a consent the writer is a giver of, at once (access under it
/// ends with the next request); on a closed log too (`withdrawer`). A
/// consent of this log the writer did not give is not found (a 404).
/// Already withdrawn is `Ok(false)` and writes nothing.
pub fn withdraw(
    conn: &mut DbConnection,
    w: &FamilyWriter,
    id: ConsentId,
    reason: Option<&str>,
    rid: &str,
) -> DbResult<bool> {
    let done = mark_withdrawn(conn, author(w), id, reason, Some(w.giver()))?;
    if done {
        log_record(conn, w.reader(), w, Action::Update, rid)?;
        notify(conn, w)?;
    }
    Ok(done)
}

/// How many years ahead a consent given in the portal may run at most.
pub const MAX_CONSENT_YEARS: u32 = 3;

/// The last day a consent given in the portal may run to: the day before
/// the child turns 18 (from then on the youth decides alone, and the
/// guardians' part in the log ends), and never more than
/// [`MAX_CONSENT_YEARS`] ahead, so that consent is asked for again.
pub fn last_valid_day(birth: Birth, today: NaiveDate) -> NaiveDate {
    let years = |d: NaiveDate, n: u32| {
        d.checked_add_months(chrono::Months::new(12 * n))
            .unwrap_or(NaiveDate::MAX)
    };
    let of_age =
        years(birth.date(), laget_domain::portal::MAJORITY_AGE) - chrono::Duration::days(1);
    of_age.min(years(today, MAX_CONSENT_YEARS))
}
