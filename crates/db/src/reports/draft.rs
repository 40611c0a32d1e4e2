//! Writing a report of concern (issue #13, R1): the draft from a log
//! (prefilled) or for a child without one, saving it as typed, the
//! co-signature the municipality may ask for, and sending.
//!
//! Sending parses the form into the KS Fiks message (every rule of the
//! schema, `laget_domain::reports::form`), routes it to the child welfare
//! service that serves the child's municipality, fixes the message, and in
//! the same transaction adds the delivery job ([`super::delivery::enqueue`])
//! and, for a report written from a log, the timeline entry. Every read and
//! write records an access-log row with the capability's ground
//! (opplysningsplikt for the author, the unit leader's for the co-signer).

use crate::children::record;
use crate::schema::{
    children, districts, log_entries, logs, memberships, municipalities, report_settings, reports,
    units, users,
};
use crate::{DbConnection, DbError, DbResult, parse_id, to_micros};
use chrono::{SecondsFormat, Utc};
use diesel::prelude::*;
use laget_domain::access::{
    Capability, LogReader, MunicipalityAdmin, ReportAuthor, ReportCosigner, ReportEditor,
    ReportReader,
};
use laget_domain::admin::user::Role;
use laget_domain::audit::{Action, ObjectType, Scope};
use laget_domain::ids::{LogId, ReportId};
use laget_domain::log::stafett::{EntryKind, ReportState};
use laget_domain::portal::Withheld;
use laget_domain::reports::form::{
    COSIGN_AUTHOR_LEADS, COSIGN_NO_LEADER, GuardianForm, Parsed, ReportForm,
};
use laget_domain::reports::{CosignRule, ReportStatus, fiks};
use laget_domain::validation::FieldError;
use laget_domain::{MunicipalityId, UnitId, UserId};

/// What `leveringskanal` says: delivered from a case system.
pub const DELIVERY_CHANNEL: &str = "Fagsystem";

/// A draft as its form shows it.
#[derive(Clone, Debug)]
pub struct Draft {
    pub id: ReportId,
    pub status: ReportStatus,
    pub log_id: Option<LogId>,
    /// The child's municipality.
    pub municipality_id: MunicipalityId,
    pub reporter_id: UserId,
    pub reporter_unit: UnitId,
    pub form: ReportForm,
    /// Whether the leader must (or may be asked to) co-sign.
    pub cosign: CosignRule,
    /// The municipality's districts (number, name); empty: none («00»).
    pub districts: Vec<(String, String)>,
    /// Why no leader can co-sign although the municipality asks for it
    /// (sent directly, never left waiting); `None` when one can, or when
    /// the municipality does not ask.
    pub cosign_exemption: Option<CosignExemption>,
}

/// Why a report goes without the co-signature the municipality asks for:
/// nobody else could give it, and the duty to report cannot wait.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CosignExemption {
    /// The author leads the reporting unit.
    AuthorLeads,
    /// The reporting unit has no (active) leader.
    NoLeader,
}

impl CosignExemption {
    /// As stored in the draft ([`ReportForm::medsignering_unntak`]).
    pub fn code(self) -> &'static str {
        match self {
            CosignExemption::AuthorLeads => COSIGN_AUTHOR_LEADS,
            CosignExemption::NoLeader => COSIGN_NO_LEADER,
        }
    }
}

/// The active leaders of `unit` (no personal data: ids only).
fn unit_leaders(conn: &mut DbConnection, unit: UnitId) -> DbResult<Vec<UserId>> {
    let ids: Vec<String> = memberships::table
        .inner_join(users::table)
        .filter(memberships::unit_id.eq(Some(unit.to_string())))
        .filter(memberships::role.eq(Role::Leder.code()))
        .filter(users::disabled_at.is_null())
        .select(memberships::user_id)
        .distinct()
        .load(conn)?;
    ids.iter().map(|i| parse_id(i)).collect()
}

fn exemption(
    conn: &mut DbConnection,
    rule: CosignRule,
    author: UserId,
    unit: UnitId,
) -> DbResult<Option<CosignExemption>> {
    if rule == CosignRule::None {
        return Ok(None);
    }
    let leaders = unit_leaders(conn, unit)?;
    Ok(if leaders.contains(&author) {
        Some(CosignExemption::AuthorLeads)
    } else if leaders.is_empty() {
        Some(CosignExemption::NoLeader)
    } else {
        None
    })
}

/// Why a report was not sent (nothing changed but the saved draft).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refused {
    /// The form breaks a rule of the message; each problem by field.
    Invalid(Vec<FieldError>),
    /// No child welfare service serves the child's municipality.
    NoChildWelfare,
}

/// What sending did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SendOutcome {
    /// Sent to child welfare.
    Sent,
    /// Waiting for the unit leader's co-signature.
    AwaitingCosign,
}

fn scope(m: MunicipalityId, unit: UnitId) -> Scope {
    Scope {
        municipality_id: Some(m),
        unit_id: Some(unit),
    }
}

fn report_record(
    conn: &mut DbConnection,
    cap: &dyn Capability,
    report: ReportId,
    action: Action,
    scope: Scope,
    rid: &str,
) -> DbResult<()> {
    record(conn, cap, ObjectType::Report, report, action, scope, rid)
}

/// The cosign rule of a municipality (no row: none).
fn cosign_rule(conn: &mut DbConnection, m: MunicipalityId) -> DbResult<CosignRule> {
    let code: Option<String> = report_settings::table
        .find(m.to_string())
        .select(report_settings::cosign)
        .first(conn)
        .optional()?;
    Ok(code
        .as_deref()
        .and_then(CosignRule::from_code)
        .unwrap_or(CosignRule::None))
}

fn district_list(conn: &mut DbConnection, m: MunicipalityId) -> DbResult<Vec<(String, String)>> {
    Ok(districts::table
        .filter(districts::municipality_id.eq(m.to_string()))
        .order(districts::number)
        .select((districts::number, districts::name))
        .load(conn)?)
}

/// The reporter, the unit and the municipality, as a new form starts.
fn base_form(
    conn: &mut DbConnection,
    author: &ReportAuthor,
    m: MunicipalityId,
) -> DbResult<ReportForm> {
    let (name, email, phone, title): (String, Option<String>, Option<String>, Option<String>) =
        users::table
            .find(author.actor_id().to_string())
            .select((
                users::display_name,
                users::email,
                users::phone,
                users::job_title,
            ))
            .first(conn)?;
    let (unit, org, line, code, place): (
        String,
        Option<String>,
        Option<String>,
        Option<String>,
        Option<String>,
    ) = units::table
        .find(author.unit_id().to_string())
        .select((
            units::name,
            units::org_number,
            units::address_line,
            units::postal_code,
            units::postal_place,
        ))
        .first(conn)?;
    let (number, mname): (String, String) = municipalities::table
        .find(m.to_string())
        .select((municipalities::number, municipalities::name))
        .first(conn)?;
    let has_districts = !district_list(conn, m)?.is_empty();
    Ok(ReportForm {
        kommunenummer: number,
        kommunenavn: mname,
        bydelsnummer: if has_districts {
            String::new()
        } else {
            fiks::NO_DISTRICT.to_owned()
        },
        bydelsnavn: String::new(),
        melder_navn: name,
        melder_rolle: title.unwrap_or_default(),
        melder_telefon: phone.unwrap_or_default(),
        melder_epost: email.unwrap_or_default(),
        virksomhet_navn: unit,
        virksomhet_orgnr: org.unwrap_or_default(),
        virksomhet_adresse: line.unwrap_or_default(),
        virksomhet_postnummer: code.unwrap_or_default(),
        virksomhet_poststed: place.unwrap_or_default(),
        foresatte: vec![GuardianForm::default(), GuardianForm::default()],
        ..ReportForm::default()
    })
}

fn insert(
    conn: &mut DbConnection,
    author: &ReportAuthor,
    m: MunicipalityId,
    log: Option<LogId>,
    form: &ReportForm,
    rid: &str,
) -> DbResult<ReportId> {
    let id = ReportId::new();
    let now = to_micros(Utc::now());
    let draft = serde_json::to_string(form).map_err(|e| DbError::Corrupt(e.to_string()))?;
    diesel::insert_into(reports::table)
        .values((
            reports::id.eq(id.to_string()),
            reports::municipality_id.eq(m.to_string()),
            reports::log_id.eq(log.map(|l| l.to_string())),
            reports::reporter_id.eq(author.actor_id().to_string()),
            reports::reporter_unit_id.eq(author.unit_id().to_string()),
            reports::status.eq(ReportStatus::Draft.code()),
            reports::draft.eq(draft),
            reports::created_at.eq(now),
            reports::updated_at.eq(now),
        ))
        .execute(conn)?;
    report_record(
        conn,
        author,
        id,
        Action::Create,
        scope(m, author.unit_id()),
        rid,
    )?;
    Ok(id)
}

/// The author's open draft (or report awaiting co-signature) from `log`,
/// so that «Skriv bekymringsmelding» twice opens the same draft.
fn open_draft_of(
    conn: &mut DbConnection,
    author: &ReportAuthor,
    log: LogId,
) -> DbResult<Option<ReportId>> {
    let id: Option<String> = reports::table
        .filter(reports::log_id.eq(log.to_string()))
        .filter(reports::reporter_id.eq(author.actor_id().to_string()))
        .filter(reports::status.eq(ReportStatus::Draft.code()))
        .select(reports::id)
        .first(conn)
        .optional()?;
    id.as_deref().map(parse_id).transpose()
}

/// A draft written from a log, prefilled: the child (name, national
/// identity number or unborn), up to two guardians with parental
/// responsibility, the concern (the log's concern entries), the measures
/// tried and their evaluations («historie»), the other services on the
/// team, the reporter, the unit and the municipality. An open draft of the
/// same author from the same log is returned instead of a new one.
pub fn create_from_log(
    conn: &mut DbConnection,
    r: &LogReader,
    author: &ReportAuthor,
    rid: &str,
) -> DbResult<ReportId> {
    if let Some(id) = open_draft_of(conn, author, r.log_id())? {
        return Ok(id);
    }
    let today = Utc::now()
        .with_timezone(&chrono_tz::Europe::Oslo)
        .date_naive();
    let v = crate::log::view(conn, r, None, today)?;
    crate::audit::append(conn, &crate::log::read_record(r, Action::Read, rid))?;
    let m = v.child.municipality_id;
    let mut form = base_form(conn, author, m)?;

    let (national_id, unborn): (Option<String>, bool) = children::table
        .find(v.child.id.to_string())
        .select((children::national_id, children::unborn))
        .first(conn)?;
    form.barn_navn = v.child.name.clone();
    form.barn_ufoedt = unborn;
    form.barn_fnr = if unborn {
        String::new()
    } else {
        national_id.unwrap_or_default()
    };

    let responsible: Vec<_> = v
        .guardians
        .iter()
        .filter(|g| g.current && g.parental_responsibility)
        .collect();
    form.andre_foresatte = responsible.iter().skip(2).map(|g| g.name.clone()).collect();
    let mut guardians: Vec<GuardianForm> = responsible
        .iter()
        .take(2)
        .map(|g| GuardianForm {
            navn: g.name.clone(),
            telefon: g.phone.clone().unwrap_or_default(),
            orientert: String::new(),
            grunn: String::new(),
        })
        .collect();
    while guardians.len() < 2 {
        guardians.push(GuardianForm::default());
    }
    form.foresatte = guardians;

    let mut concern: Vec<String> = v
        .entries
        .iter()
        .filter(|e| e.kind == EntryKind::Concern)
        .filter_map(|e| e.body.clone())
        .filter(|b| !b.trim().is_empty())
        .collect();
    concern.reverse();
    form.melding = concern.join("\n\n");

    let history: Vec<String> = v
        .measures
        .iter()
        .map(|ms| {
            let mut s = format!(
                "{} (fra {}): {}",
                ms.name,
                ms.start.format("%d.%m.%Y"),
                ms.goal
            );
            for e in &ms.evaluations {
                s.push_str(&format!(
                    "\n– Evaluert {}: {}. {}",
                    e.on.format("%d.%m.%Y"),
                    e.effect,
                    e.text
                ));
            }
            s
        })
        .collect();
    form.historie = history.join("\n\n");

    let mut services: Vec<String> = v
        .team
        .iter()
        .filter_map(|t| t.unit.as_ref())
        .filter(|(u, _)| *u != author.unit_id())
        .map(|(_, n)| n.clone())
        .collect();
    services.sort();
    services.dedup();
    form.andre_hjelpeinstanser = services.join(", ");

    insert(conn, author, m, Some(r.log_id()), &form, rid)
}

/// The municipalities a report may be about (the child's municipality is
/// chosen among them; no personal data), by name.
pub fn municipality_choices(
    conn: &mut DbConnection,
    _author: &ReportAuthor,
) -> DbResult<Vec<(MunicipalityId, String)>> {
    let rows: Vec<(String, String)> = municipalities::table
        .order(municipalities::name)
        .select((municipalities::id, municipalities::name))
        .load(conn)?;
    rows.into_iter()
        .map(|(id, n)| Ok((parse_id(&id)?, n)))
        .collect()
}

/// The names of the units the user reports from (`units`: the user's own,
/// from `Actor::reporting_units`; no personal data).
pub fn unit_names(
    conn: &mut DbConnection,
    _author: &ReportAuthor,
    units: &[UnitId],
) -> DbResult<Vec<(UnitId, String)>> {
    let ids: Vec<String> = units.iter().map(|u| u.to_string()).collect();
    let rows: Vec<(String, String)> = units::table
        .filter(units::id.eq_any(ids))
        .select((units::id, units::name))
        .load(conn)?;
    rows.into_iter()
        .map(|(id, n)| Ok((parse_id(&id)?, n)))
        .collect()
}

/// A draft for a child without a log in Laget: the reporter, the unit and
/// the child's municipality `m` (one of the instance's) are filled in.
pub fn create_for_child(
    conn: &mut DbConnection,
    author: &ReportAuthor,
    m: MunicipalityId,
    rid: &str,
) -> DbResult<ReportId> {
    let form = base_form(conn, author, m)?;
    insert(conn, author, m, None, &form, rid)
}

#[derive(Queryable)]
struct Row {
    status: String,
    log_id: Option<String>,
    municipality_id: String,
    reporter_id: String,
    reporter_unit_id: String,
    draft: String,
}

fn row(conn: &mut DbConnection, id: ReportId) -> DbResult<Row> {
    Ok(reports::table
        .find(id.to_string())
        .select((
            reports::status,
            reports::log_id,
            reports::municipality_id,
            reports::reporter_id,
            reports::reporter_unit_id,
            reports::draft,
        ))
        .first(conn)?)
}

fn draft_of(conn: &mut DbConnection, id: ReportId) -> DbResult<Draft> {
    let r = row(conn, id)?;
    let m: MunicipalityId = parse_id(&r.municipality_id)?;
    let cosign = cosign_rule(conn, m)?;
    let reporter: UserId = parse_id(&r.reporter_id)?;
    let unit: UnitId = parse_id(&r.reporter_unit_id)?;
    let cosign_exemption = exemption(conn, cosign, reporter, unit)?;
    Ok(Draft {
        id,
        status: ReportStatus::from_code(&r.status)
            .ok_or_else(|| DbError::Corrupt(format!("report status {}", r.status)))?,
        log_id: r.log_id.as_deref().map(parse_id).transpose()?,
        municipality_id: m,
        reporter_id: reporter,
        reporter_unit: unit,
        form: serde_json::from_str(&r.draft).map_err(|e| DbError::Corrupt(e.to_string()))?,
        cosign,
        districts: district_list(conn, m)?,
        cosign_exemption,
    })
}

/// The draft's form as saved (its author while a draft; the leader while
/// it waits for the co-signature). Records the read.
pub fn read(conn: &mut DbConnection, r: &ReportReader, rid: &str) -> DbResult<Draft> {
    let d = draft_of(conn, r.report_id())?;
    report_record(
        conn,
        r,
        d.id,
        Action::Read,
        scope(d.municipality_id, d.reporter_unit),
        rid,
    )?;
    Ok(d)
}

/// The form as it goes to the database: the municipality is the report's
/// (not typed), the district's name follows its number.
fn settle(d: &Draft, mut form: ReportForm) -> ReportForm {
    form.kommunenummer = d.form.kommunenummer.clone();
    form.kommunenavn = d.form.kommunenavn.clone();
    if d.districts.is_empty() {
        form.bydelsnummer = fiks::NO_DISTRICT.to_owned();
        form.bydelsnavn = String::new();
    } else {
        form.bydelsnavn = d
            .districts
            .iter()
            .find(|(n, _)| *n == form.bydelsnummer.trim())
            .map(|(_, name)| name.clone())
            .unwrap_or_default();
    }
    form.returnert_merknad = d.form.returnert_merknad.clone();
    form.andre_foresatte = d.form.andre_foresatte.clone();
    form.medsignering_unntak = String::new();
    form
}

fn store_form(conn: &mut DbConnection, id: ReportId, form: &ReportForm) -> DbResult<()> {
    let draft = serde_json::to_string(form).map_err(|e| DbError::Corrupt(e.to_string()))?;
    diesel::update(reports::table.find(id.to_string()))
        .set((
            reports::draft.eq(draft),
            reports::updated_at.eq(to_micros(Utc::now())),
        ))
        .execute(conn)?;
    Ok(())
}

/// Saves the draft as typed (whatever it holds: it is checked when sent).
pub fn update(
    conn: &mut DbConnection,
    e: &ReportEditor,
    form: ReportForm,
    rid: &str,
) -> DbResult<()> {
    let d = draft_of(conn, e.report_id())?;
    let form = settle(&d, form);
    store_form(conn, d.id, &form)?;
    report_record(
        conn,
        e,
        d.id,
        Action::Update,
        scope(d.municipality_id, d.reporter_unit),
        rid,
    )
}

/// Saves the form and checks it as sending would, without sending: the
/// «Se over og send» step. `Ok(draft)` holds the form as it will be sent.
pub fn review(
    conn: &mut DbConnection,
    e: &ReportEditor,
    form: ReportForm,
    rid: &str,
) -> DbResult<Result<Draft, Refused>> {
    let mut d = draft_of(conn, e.report_id())?;
    let form = settle(&d, form);
    store_form(conn, d.id, &form)?;
    report_record(
        conn,
        e,
        d.id,
        Action::Update,
        scope(d.municipality_id, d.reporter_unit),
        rid,
    )?;
    if let Err(errors) = form.parse() {
        return Ok(Err(Refused::Invalid(errors)));
    }
    if serving(conn, d.municipality_id)?.is_none() {
        return Ok(Err(Refused::NoChildWelfare));
    }
    d.form = form;
    Ok(Ok(d))
}

/// Deletes a draft (never a sent report: the capability is the author's
/// while a draft).
pub fn delete(conn: &mut DbConnection, e: &ReportEditor, rid: &str) -> DbResult<()> {
    let d = draft_of(conn, e.report_id())?;
    diesel::delete(
        reports::table
            .find(d.id.to_string())
            .filter(reports::status.eq(ReportStatus::Draft.code())),
    )
    .execute(conn)?;
    report_record(
        conn,
        e,
        d.id,
        Action::Disable,
        scope(d.municipality_id, d.reporter_unit),
        rid,
    )
}

/// The child welfare service a report about a child of `m` goes to: the
/// first of those that serve it (a shared service serves several
/// municipalities; one municipality is served by one, in practice).
fn serving(conn: &mut DbConnection, m: MunicipalityId) -> DbResult<Option<UnitId>> {
    let mut units = crate::lookup::child_welfare_serving(conn, m)?;
    units.sort();
    Ok(units.into_iter().next())
}

/// Saves the form and sends it: checked against every rule of the message,
/// routed to the child welfare service that serves the child's
/// municipality; to the leader first when the municipality requires it (or
/// allows it and the reporter asked). Refused: the typed form is still
/// saved, nothing else changes.
pub fn send(
    conn: &mut DbConnection,
    e: &ReportEditor,
    form: ReportForm,
    rid: &str,
) -> DbResult<Result<SendOutcome, Refused>> {
    let d = draft_of(conn, e.report_id())?;
    let form = settle(&d, form);
    store_form(conn, d.id, &form)?;
    let parsed = match form.parse() {
        Ok(p) => p,
        Err(errors) => {
            report_record(
                conn,
                e,
                d.id,
                Action::Update,
                scope(d.municipality_id, d.reporter_unit),
                rid,
            )?;
            return Ok(Err(Refused::Invalid(errors)));
        }
    };
    let Some(cw) = serving(conn, d.municipality_id)? else {
        report_record(
            conn,
            e,
            d.id,
            Action::Update,
            scope(d.municipality_id, d.reporter_unit),
            rid,
        )?;
        return Ok(Err(Refused::NoChildWelfare));
    };
    let asks_leader = match d.cosign {
        CosignRule::Required => true,
        CosignRule::Optional => form.medsignering,
        CosignRule::None => false,
    };
    // Nobody could co-sign (the author leads the unit, or it has no
    // leader): sent directly, the reason kept with the report.
    if asks_leader && let Some(x) = d.cosign_exemption {
        let mut form = form.clone();
        form.medsignering_unntak = x.code().to_owned();
        store_form(conn, d.id, &form)?;
    }
    if asks_leader && d.cosign_exemption.is_none() {
        diesel::update(reports::table.find(d.id.to_string()))
            .set((
                reports::status.eq(ReportStatus::AwaitingCosign.code()),
                reports::updated_at.eq(to_micros(Utc::now())),
            ))
            .execute(conn)?;
        report_record(
            conn,
            e,
            d.id,
            Action::Update,
            scope(d.municipality_id, d.reporter_unit),
            rid,
        )?;
        return Ok(Ok(SendOutcome::AwaitingCosign));
    }
    deliver(conn, e, &d, parsed, cw, rid)?;
    Ok(Ok(SendOutcome::Sent))
}

/// The leader co-signs: the report is sent as its author left it.
pub fn cosign(
    conn: &mut DbConnection,
    c: &ReportCosigner,
    rid: &str,
) -> DbResult<Result<(), Refused>> {
    let d = draft_of(conn, c.report_id())?;
    let parsed = match d.form.parse() {
        Ok(p) => p,
        Err(errors) => return Ok(Err(Refused::Invalid(errors))),
    };
    let Some(cw) = serving(conn, d.municipality_id)? else {
        return Ok(Err(Refused::NoChildWelfare));
    };
    let now = to_micros(Utc::now());
    diesel::update(reports::table.find(d.id.to_string()))
        .set((
            reports::cosigned_by.eq(Some(c.actor_id().to_string())),
            reports::cosigned_at.eq(Some(now)),
        ))
        .execute(conn)?;
    deliver(conn, c, &d, parsed, cw, rid)?;
    Ok(Ok(()))
}

/// The leader sends the report back to its author as a draft, with a note
/// (shown on the form).
pub fn send_back(
    conn: &mut DbConnection,
    c: &ReportCosigner,
    note: &str,
    rid: &str,
) -> DbResult<()> {
    let d = draft_of(conn, c.report_id())?;
    let mut form = d.form.clone();
    form.returnert_merknad = note.trim().to_owned();
    store_form(conn, d.id, &form)?;
    diesel::update(reports::table.find(d.id.to_string()))
        .set(reports::status.eq(ReportStatus::Draft.code()))
        .execute(conn)?;
    report_record(
        conn,
        c,
        d.id,
        Action::Update,
        scope(d.municipality_id, d.reporter_unit),
        rid,
    )
}

/// Fixes the message and sends it: status, the child welfare service, the
/// delivery job, the reporter's phone and title remembered, and the log's
/// timeline entry (withheld from the family when the guardians are not
/// told).
fn deliver(
    conn: &mut DbConnection,
    cap: &dyn Capability,
    d: &Draft,
    parsed: Parsed,
    child_welfare: UnitId,
    rid: &str,
) -> DbResult<()> {
    let now = Utc::now();
    let mut message = parsed.message;
    message.sendingstidspunkt = now
        .with_timezone(&chrono_tz::Europe::Oslo)
        .to_rfc3339_opts(SecondsFormat::Secs, false);
    message.leveringskanal = DELIVERY_CHANNEL.to_owned();
    let json = serde_json::to_string(&message).map_err(|e| DbError::Corrupt(e.to_string()))?;
    let micros = to_micros(now);
    diesel::update(reports::table.find(d.id.to_string()))
        .set((
            reports::status.eq(ReportStatus::Sent.code()),
            reports::message.eq(Some(json)),
            reports::sent_at.eq(Some(micros)),
            reports::child_welfare_unit_id.eq(Some(child_welfare.to_string())),
            reports::guardians_told.eq(parsed.guardians_told),
            reports::not_told_reason.eq(parsed.not_told_reason.clone()),
            reports::updated_at.eq(micros),
        ))
        .execute(conn)?;
    diesel::update(users::table.find(d.reporter_id.to_string()))
        .set((
            users::phone.eq(Some(message.offentlig_melder.telefonnummer.clone())),
            users::job_title.eq(Some(message.offentlig_melder.rolle.clone())),
        ))
        .execute(conn)?;
    super::delivery::enqueue(conn, d.id)?;
    let sc = scope(d.municipality_id, d.reporter_unit);
    report_record(conn, cap, d.id, Action::Update, sc, rid)?;
    if let Some(log) = d.log_id {
        let entry = crate::log::insert_entry(
            conn,
            log,
            EntryKind::ReportSent,
            Some(d.reporter_id),
            None,
            serde_json::json!({ "report": d.id.to_string() }),
            now,
        )?;
        // Not told: the family must not learn of it from the portal. The
        // youth sees what the guardians may not only when the child is told.
        let withheld = match (parsed.guardians_told, parsed.child_told) {
            (true, _) => None,
            (false, true) => Some(Withheld::ChildsSake),
            (false, false) => Some(Withheld::Internal),
        };
        if let Some(w) = withheld {
            diesel::update(log_entries::table.find(entry.to_string()))
                .set(log_entries::family_hidden.eq(Some(w.code())))
                .execute(conn)?;
        }
        diesel::update(logs::table.find(log.to_string()))
            .set(logs::report_state.eq(ReportState::Sent.code()))
            .execute(conn)?;
        record(conn, cap, ObjectType::Log, log, Action::Update, sc, rid)?;
    }
    Ok(())
}

/// A municipality's rules for reports of concern: whether the unit leader
/// co-signs, and its districts (number, name).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReportSettings {
    pub cosign: CosignRule,
    pub districts: Vec<(String, String)>,
}

/// The municipality's report settings (its administrator).
pub fn settings(conn: &mut DbConnection, cap: &MunicipalityAdmin) -> DbResult<ReportSettings> {
    let m = cap.municipality_id();
    Ok(ReportSettings {
        cosign: cosign_rule(conn, m)?,
        districts: district_list(conn, m)?,
    })
}

/// Saves the municipality's report settings: the co-sign rule, and its
/// districts (replaced as a whole; none: reports carry «00»).
pub fn save_settings(
    conn: &mut DbConnection,
    cap: &MunicipalityAdmin,
    s: &ReportSettings,
    rid: &str,
) -> DbResult<()> {
    let m = cap.municipality_id().to_string();
    diesel::delete(report_settings::table.find(&m)).execute(conn)?;
    diesel::insert_into(report_settings::table)
        .values((
            report_settings::municipality_id.eq(&m),
            report_settings::cosign.eq(s.cosign.code()),
        ))
        .execute(conn)?;
    diesel::delete(districts::table.filter(districts::municipality_id.eq(&m))).execute(conn)?;
    for (number, name) in &s.districts {
        diesel::insert_into(districts::table)
            .values((
                districts::municipality_id.eq(&m),
                districts::number.eq(number),
                districts::name.eq(name),
            ))
            .execute(conn)
            .map_err(DbError::from_insert)?;
    }
    crate::audit::append(
        conn,
        &laget_domain::audit::AccessRecord::new(
            cap,
            ObjectType::Municipality,
            cap.municipality_id(),
            Action::Update,
            Scope {
                municipality_id: Some(cap.municipality_id()),
                unit_id: None,
            },
            rid,
        ),
    )?;
    Ok(())
}
