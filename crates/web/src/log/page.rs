//! The child's log page (stafettlogg): summary, timeline, print view, level
//! decisions, closing and reopening, and «Hvem har sett loggen».

use crate::AppState;
use crate::error::AppError;
use crate::extract::form::{self as forms, FormState};
use crate::extract::log::{OpenLog, WholeLog, WritableLog, record_read};
use crate::extract::path::path_id;
use crate::extract::user::SignedIn;
use crate::i18n::Messages;
use crate::log::kept::Timeline;
use crate::log::{timeline, words};
use crate::view::choices::Choice;
use crate::view::format::today;
use crate::view::format::{birth_text, date, deadline_text, method_label, time};
use crate::view::layout::Layout;
use crate::view::notice::log_notice;
use crate::view::{invalid, page};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{NaiveDate, Utc};
use chrono_tz::Europe::Oslo;
use laget_db::log::{self as logs, LogView};
use laget_domain::UnitId;
use laget_domain::access::LogReader;
use laget_domain::audit::Action;
use laget_domain::ids::{AttachmentId, LogId};
use laget_domain::log::consent::{self, ConsentState, Coverage, Purpose};
use laget_domain::log::escalation::{LevelChange, LogSettings};
use laget_domain::log::stafett::{EntryGroup, EntryKind, MeasureStatus, MemberKind, ReportState};
use std::sync::Arc;

pub struct Link {
    pub href: String,
    pub label: String,
    pub current: bool,
}

pub struct Row {
    pub id: String,
    pub label: String,
    pub detail: String,
    pub flag: Option<String>,
    pub href: Option<String>,
    pub removable: bool,
}

pub struct ConsentRow {
    pub id: String,
    pub givers: String,
    pub units: String,
    pub purposes: String,
    pub period: String,
    pub method: String,
    pub state: &'static str,
    /// A valid consent that does not by itself cover its units under the
    /// municipality's rule (one guardian of two under «all guardians»).
    pub partial: Option<&'static str>,
    pub active: bool,
    pub expires_soon: bool,
    pub note: Option<String>,
    pub scan_href: Option<String>,
    pub withdraw_reason: Option<String>,
}

pub struct EntryRow {
    pub when: String,
    pub kind: &'static str,
    pub actor: String,
    pub summary: String,
    pub body: Option<String>,
    /// Recorded details beyond the summary: (label, value).
    pub details: Vec<(&'static str, String)>,
    /// BBIS items: (side, theme, assessment)
    pub items: Vec<(String, String, String)>,
    pub best_interest: Option<String>,
    /// A page of its own (a linked anonymous consultation).
    pub href: Option<String>,
    /// What the family sees of it: «Skjult for familien: …» when staff
    /// withheld it, «Vises ikke på familiens side» for a kind the family
    /// never sees; `None`: the family sees it.
    pub family: Option<String>,
}

pub struct HandoverBox {
    pub id: String,
    pub to_name: String,
    pub to_unit: String,
    pub from_name: String,
    pub proposed: String,
    pub is_transition: bool,
    pub needs_to_know: Option<String>,
    pub agreed: bool,
    pub note: Option<String>,
    pub for_me: bool,
    /// The proposer (the lead or the keeping unit's leader) may withdraw it.
    pub may_withdraw: bool,
}

/// The log page's timeline, rendered apart from the page so that it can be
/// kept between reads (`kept.rs`).
#[derive(Template)]
#[template(path = "log/timeline.html")]
struct TimelineFragment {
    m: &'static crate::i18n::Messages,
    entries: Vec<EntryRow>,
}

#[derive(Template)]
#[template(path = "log/log.html")]
struct LogPage {
    layout: Layout,
    log: String,
    child_name: String,
    child_href: Option<String>,
    birth: String,
    national_id: Option<String>,
    guardians: Vec<Row>,
    is_open: bool,
    may_write: bool,
    may_close: bool,
    may_audit: bool,
    /// «Foreslå ny stafettholder» is offered: to the lead or the keeping
    /// unit's leader, on an open log with no proposal waiting.
    may_propose_handover: bool,
    /// Withdrawing a consent is recorded on closed logs too.
    may_withdraw_consent: bool,
    level_name: String,
    level_description: String,
    level_since: String,
    decision_due: Option<(String, bool)>,
    meeting_due: Option<(String, bool)>,
    lead: String,
    home_unit: String,
    ground: String,
    report_prompted: bool,
    report_sent: bool,
    team: Vec<Row>,
    consents: Vec<ConsentRow>,
    missing: Vec<String>,
    measures: Vec<Row>,
    open_measures: usize,
    handover: Option<HandoverBox>,
    coordination: Option<String>,
    may_resolve_coordination: bool,
    /// The coordinating unit's answer, until the lead marks it read.
    coordination_answer: Option<String>,
    may_mark_answer_read: bool,
    /// The family's open requests, for the log's holder (H5).
    family_requests: Vec<crate::portal::requests::RequestLine>,
    filters: Vec<Link>,
    /// The rendered timeline ([`TimelineFragment`]), kept between reads.
    timeline: Arc<str>,
    staff_choices: Arc<[Choice]>,
    guardian_choices: Vec<crate::view::choices::Choice>,
    team_form: FormState,
    voice_hint: bool,
    /// Only what the coordinating unit's question needs is shown.
    limited: bool,
    units_involved: String,
    /// The log's case meetings («Møter»).
    meetings: Vec<crate::meetings::invitations::MeetingListRow>,
    /// «Kall inn til møte»: the lead or the keeping unit's leader, open log.
    may_call_meeting: bool,
    /// (P1) The individual plan's box.
    plan: Option<crate::plans::LogBox>,
}

impl LogPage {
    /// What the coordinating unit needs to answer who should coordinate:
    /// the level, the lead, the units involved and the question — not the
    /// guardians, the consents, the measures or the timeline.
    fn limit_to_the_question(&mut self) {
        self.limited = true;
        self.national_id = None;
        self.guardians.clear();
        self.consents.clear();
        self.missing.clear();
        self.measures.clear();
        self.filters.clear();
        self.handover = None;
        self.voice_hint = false;
        self.team.clear();
        self.meetings.clear();
        self.may_call_meeting = false;
        // Whether a report of concern was prompted or sent is not part of
        // the question asked (#13): the report is the most sensitive fact
        // of the log and no consent covers it.
        self.report_prompted = false;
        self.report_sent = false;
    }
}

#[derive(Template)]
#[template(path = "log/print.html")]
struct PrintPage {
    layout: Layout,
    log: String,
    child_name: String,
    birth: String,
    level_name: String,
    lead: String,
    home_unit: String,
    municipality: String,
    started: String,
    level_since: String,
    status: &'static str,
    printed: String,
    printed_by: String,
    guardians: Vec<Row>,
    team: Vec<Row>,
    consents: Vec<ConsentRow>,
    measures: Vec<Row>,
    entries: Vec<EntryRow>,
}

fn consent_state(m: &Messages, s: ConsentState) -> &'static str {
    match s {
        ConsentState::Valid => m.consent_valid,
        ConsentState::Expired => m.consent_expired,
        ConsentState::Withdrawn => m.consent_withdrawn,
        ConsentState::NotYetValid => m.consent_not_yet,
    }
}

fn kind_label(m: &Messages, k: EntryKind) -> &'static str {
    match k.group() {
        EntryGroup::Decisions => match k {
            EntryKind::Concern => m.entry_concern,
            EntryKind::LevelChange => m.entry_level,
            EntryKind::ReportPrompted | EntryKind::ReportSent => m.entry_report,
            EntryKind::Closed | EntryKind::Reopened => m.entry_status,
            EntryKind::Consultation => m.entry_consultation,
            EntryKind::Plan => m.entry_plan,
            _ => m.entry_note,
        },
        EntryGroup::Consent => m.entry_consent,
        EntryGroup::Team => m.entry_team,
        EntryGroup::Measures => m.entry_measure,
        EntryGroup::Child => match k {
            EntryKind::Bbis => m.entry_bbis,
            EntryKind::FamilyView => m.entry_family_view,
            _ => m.entry_voice,
        },
    }
}

fn group_label(m: &Messages, g: EntryGroup) -> &'static str {
    match g {
        EntryGroup::Decisions => m.timeline_decisions,
        EntryGroup::Consent => m.timeline_consent,
        EntryGroup::Team => m.timeline_team,
        EntryGroup::Measures => m.timeline_measures,
        EntryGroup::Child => m.timeline_child,
    }
}

fn ground_label(m: &Messages, r: &LogReader) -> String {
    use laget_domain::access::{Capability, Ground};
    match r.ground() {
        Ground::OwnUnit => m.ground_egen_enhet.into(),
        Ground::UnitLeader => m.ground_leder_av_enheten.into(),
        Ground::TeamConsent => m.ground_lag_og_samtykke.into(),
        Ground::BreakGlass => m.ground_nodtilgang.into(),
        Ground::CoordinatingUnit => m.role_koordinerende_enhet.into(),
        other => other.code().into(),
    }
}

/// The timeline's rows in the reader's language: each entry's sentence is
/// rendered from its event here ([`timeline`]).
fn entry_rows(m: &Messages, v: &LogView, names: &logs::TimelineNames) -> Vec<EntryRow> {
    let outcomes = timeline::handover_outcomes(&v.entries);
    v.entries
        .iter()
        .map(|e| {
            // Only decisions carry a best-interest assessment, and only the
            // concern, level changes and handover proposals other details
            // worth showing; parse only theirs.
            let data: Option<serde_json::Value> =
                e.data.as_deref().and_then(|d| serde_json::from_str(d).ok());
            let decides = matches!(
                e.kind,
                EntryKind::LevelChange
                    | EntryKind::MeasureAdded
                    | EntryKind::Evaluation
                    | EntryKind::Concern
                    | EntryKind::HandoverProposed
                    | EntryKind::Consultation
            );
            let items = if e.kind == EntryKind::Bbis {
                e.data
                    .as_deref()
                    .and_then(|d| serde_json::from_str::<laget_domain::log::bbis::Snapshot>(d).ok())
                    .map(|s| {
                        s.items
                            .into_iter()
                            .map(|(t, a)| {
                                let text = match a {
                                    laget_domain::log::bbis::Assessment::Text(t) => t,
                                    laget_domain::log::bbis::Assessment::NotRelevant => {
                                        m.bbis_not_relevant.to_owned()
                                    }
                                };
                                (t.side_name, t.name, text)
                            })
                            .collect()
                    })
                    .unwrap_or_default()
            } else {
                Vec::new()
            };
            // A linked consultation is dated by the day it was held; its
            // time of day is not known, so none is shown.
            let consultation = data
                .as_ref()
                .filter(|_| e.kind == EntryKind::Consultation)
                .and_then(|d| d.get("drofting"))
                .and_then(|c| c.as_str());
            EntryRow {
                when: if consultation.is_some() {
                    date(e.at.with_timezone(&Oslo).date_naive())
                } else {
                    time(e.at)
                },
                href: consultation.map(|c| format!("/logger/{}/drofting/{c}", v.id)),
                kind: kind_label(m, e.kind),
                actor: e
                    .actor
                    .clone()
                    .or_else(|| timeline::family_author(m, data.as_ref()).map(str::to_owned))
                    .unwrap_or_default(),
                summary: timeline::summary(m, e, data.as_ref(), &outcomes),
                body: timeline::body(m, e, data.as_ref()),
                details: data
                    .as_ref()
                    .filter(|_| decides)
                    .map(|d| entry_details(m, e.kind, d, names))
                    .unwrap_or_default(),
                items,
                best_interest: data
                    .as_ref()
                    .filter(|_| decides)
                    .and_then(|d| d.get("barnets_beste"))
                    .and_then(|b| b.as_str())
                    .map(str::to_owned),
                family: family_mark(m, e, data.as_ref()),
            }
        })
        .collect()
}

/// What the family sees of an entry on their side (`laget_domain::portal`):
/// nothing of a kind they never see, nothing of one staff withheld (with
/// the reason), else all of it (`None`).
fn family_mark(m: &Messages, e: &logs::Entry, data: Option<&serde_json::Value>) -> Option<String> {
    let event = laget_domain::portal::entry_event(e.kind, data);
    if laget_domain::portal::kind_shown_to_family(e.kind, event).is_err() {
        return Some(m.withheld_never.to_owned());
    }
    e.family_hidden.map(|w| {
        format!(
            "{}: {}",
            m.withheld_mark,
            crate::portal::withheld::reason(m, w)
        )
    })
}

/// The details an entry's data holds beyond its summary and text: the
/// concern's challenge areas and BBIS theme, the reason for skipping a level,
/// a handover's checklist.
fn entry_details(
    m: &Messages,
    kind: EntryKind,
    data: &serde_json::Value,
    names: &logs::TimelineNames,
) -> Vec<(&'static str, String)> {
    let text = |key: &str| {
        data.get(key)
            .and_then(|v| v.as_str())
            .filter(|t| !t.trim().is_empty())
            .map(str::to_owned)
    };
    let yes_no = |key: &str| {
        if data.get(key).and_then(|v| v.as_bool()).unwrap_or(false) {
            m.yes.to_owned()
        } else {
            m.no.to_owned()
        }
    };
    let name_of = |list: &[(String, String)], code: &str| {
        list.iter()
            .find(|(c, _)| c == code)
            .map(|(_, n)| n.clone())
            .unwrap_or_else(|| code.to_owned())
    };
    let mut out = Vec::new();
    match kind {
        EntryKind::Concern => {
            let areas: Vec<String> = data
                .get("utfordringer")
                .and_then(|v| v.as_array())
                .map(|a| {
                    a.iter()
                        .filter_map(|c| c.as_str())
                        .map(|c| name_of(&names.areas, c))
                        .collect()
                })
                .unwrap_or_default();
            if !areas.is_empty() {
                out.push((m.concern_areas, areas.join(", ")));
            }
            if let Some(theme) = text("bbis") {
                out.push((m.entry_bbis_theme, name_of(&names.themes, &theme)));
            }
        }
        EntryKind::LevelChange => {
            if let Some(skip) = text("hopp") {
                out.push((m.level_skip_reason, skip));
            }
        }
        EntryKind::Consultation => {
            if let Some(band) = text("alder") {
                out.push((
                    m.consultation_age_band,
                    crate::view::format::band_label(m, &band),
                ));
            }
        }
        EntryKind::HandoverProposed => {
            out.push((m.handover_transition, yes_no("is_transition")));
            out.push((m.handover_agreed, yes_no("agreed_with_guardians")));
            if let Some(note) = text("note") {
                out.push((m.handover_note, note));
            }
        }
        _ => {}
    }
    out
}

/// A consent's givers: the guardians by name, and the youth in the reader's words.
pub(crate) fn giver_names(m: &Messages, c: &logs::ConsentView) -> String {
    let mut names = c.giver_names.clone();
    if c.consent.givers.contains(&consent::Giver::Youth) {
        names.push(m.ev_consent_youth.to_owned());
    }
    names.join(", ")
}

fn consent_rows(
    m: &Messages,
    v: &LogView,
    rule: consent::ConsentRule,
    today: NaiveDate,
) -> Vec<ConsentRow> {
    v.consents
        .iter()
        .rev()
        .map(|c| {
            let state = c.consent.state(today);
            ConsentRow {
                id: c.consent.id.to_string(),
                givers: giver_names(m, c),
                units: c.unit_names.join(", "),
                purposes: c
                    .consent
                    .purposes
                    .iter()
                    .map(|p| match p {
                        Purpose::ShareInformation => m.consent_purpose_share,
                        Purpose::Meetings => m.consent_purpose_meetings,
                    })
                    .collect::<Vec<_>>()
                    .join(", "),
                period: format!(
                    "{}–{}",
                    date(c.consent.valid_from),
                    date(c.consent.valid_to)
                ),
                method: if c.by_citizen {
                    m.consent_method_idporten
                        .replace("{givere}", &giver_names(m, c))
                } else {
                    method_label(m, c.method).into()
                },
                state: consent_state(m, state),
                partial: (state == ConsentState::Valid
                    && c.consent.units.iter().any(|u| {
                        !matches!(
                            consent::coverage(&v.consent_facts, rule, *u, today),
                            Coverage::Covered(_)
                        )
                    }))
                .then_some(m.consent_partial),
                active: state == ConsentState::Valid || state == ConsentState::NotYetValid,
                expires_soon: c.consent.expires_soon(today),
                note: c.note.clone(),
                scan_href: c
                    .attachment
                    .map(|a| format!("/logger/{}/vedlegg/{a}", v.id)),
                withdraw_reason: c.withdraw_reason.clone(),
            }
        })
        .collect()
}

fn team_rows(
    msgs: &Messages,
    v: &LogView,
    settings: &LogSettings,
    today: NaiveDate,
    may_write: bool,
) -> Vec<Row> {
    v.team
        .iter()
        .map(|m| {
            let kind = match m.kind {
                MemberKind::Staff => msgs.team_kind_staff,
                MemberKind::Guardian => msgs.team_kind_guardian,
                MemberKind::Child => msgs.team_kind_child,
                MemberKind::Network => msgs.team_kind_network,
            };
            let flag = match (&m.unit, m.kind) {
                (Some((unit, _)), MemberKind::Staff) if *unit != v.home_unit.0 => {
                    match consent::coverage(&v.consent_facts, settings.consent_rule, *unit, today) {
                        Coverage::Covered(_) => None,
                        _ => Some(msgs.team_not_covered.to_owned()),
                    }
                }
                _ => None,
            };
            let is_lead = v.lead.as_ref().map(|(u, _)| Some(*u)) == Some(m.user_id);
            Row {
                id: m.id.to_string(),
                label: m.name.clone(),
                detail: match &m.unit {
                    Some((_, n)) => format!("{}, {n} – {kind}", words::team_role(msgs, &m.role)),
                    None => format!("{} – {kind}", words::team_role(msgs, &m.role)),
                },
                flag,
                href: None,
                removable: may_write && !is_lead,
            }
        })
        .collect()
}

/// What is missing for each unit other than the keeping one that is on the
/// team or named in a consent: «unit: mangler samtykke fra far». Shown at
/// once, before anyone of that unit joins the team.
fn missing_consents(
    msgs: &Messages,
    v: &LogView,
    settings: &LogSettings,
    today: NaiveDate,
) -> Vec<String> {
    let mut units: Vec<(UnitId, &str)> = v
        .team
        .iter()
        .filter_map(|m| m.unit.as_ref().map(|(u, n)| (*u, n.as_str())))
        .collect();
    for c in &v.consents {
        if c.consent.state(today) != ConsentState::Valid {
            continue;
        }
        units.extend(
            c.consent
                .units
                .iter()
                .copied()
                .zip(c.unit_names.iter().map(String::as_str)),
        );
    }
    let mut out = Vec::new();
    for (unit, unit_name) in units {
        if unit == v.home_unit.0 {
            continue;
        }
        match consent::coverage(&v.consent_facts, settings.consent_rule, unit, today) {
            Coverage::MissingGuardians(missing) => {
                let names: Vec<String> = v
                    .guardians
                    .iter()
                    .filter(|g| missing.contains(&g.id))
                    .map(|g| g.name.clone())
                    .collect();
                out.push(format!(
                    "{unit_name}: {} {}",
                    msgs.consent_missing_from,
                    names.join(", ")
                ));
            }
            Coverage::NotCovered => out.push(format!("{unit_name}: {}", msgs.consent_missing_none)),
            Coverage::Covered(_) => {}
        }
    }
    out.sort();
    out.dedup();
    out
}

/// The log's measures; `absolute` dates only (for the print, which is read
/// later), otherwise with «om 3 dager».
fn measure_rows(msgs: &Messages, v: &LogView, today: NaiveDate, absolute: bool) -> Vec<Row> {
    v.measures
        .iter()
        .map(|m| {
            let (due, overdue) = deadline_text(msgs, m.evaluate_by, today);
            let due = if absolute { date(m.evaluate_by) } else { due };
            let status = msgs.measure_status(m.status);
            Row {
                id: m.id.to_string(),
                label: m.name.clone(),
                detail: if m.status == MeasureStatus::Stopped {
                    format!("{status}. {}: {}", msgs.measure_responsible, m.responsible)
                } else {
                    format!(
                        "{status}. {}: {}. {}: {due}",
                        msgs.measure_responsible, m.responsible, msgs.measure_evaluate_by
                    )
                },
                flag: (overdue && m.status != MeasureStatus::Stopped)
                    .then(|| msgs.measure_overdue.to_owned()),
                href: Some(format!("/logger/{}/tiltak/{}", v.id, m.id)),
                removable: false,
            }
        })
        .collect()
}

fn guardian_rows(m: &Messages, v: &LogView) -> Vec<Row> {
    v.guardians
        .iter()
        .map(|g| Row {
            id: g.id.to_string(),
            label: g.name.clone(),
            detail: crate::view::format::guardian_detail(m, g),
            flag: None,
            href: None,
            removable: false,
        })
        .collect()
}

#[derive(serde::Deserialize, Default)]
pub struct LogQuery {
    #[serde(default)]
    vis: Option<String>,
    #[serde(default)]
    melding: Option<String>,
}

async fn load(
    state: &AppState,
    reader: &LogReader,
    group: Option<EntryGroup>,
    action: Action,
    rid: &str,
) -> Result<(LogView, LogSettings), AppError> {
    let r = reader.clone();
    let today = today();
    let (view, settings) = state
        .db
        .read(move |c| {
            let v = logs::view(c, &r, group, today)?;
            let s = logs::settings(c, v.municipality_id)?;
            Ok((v, s))
        })
        .await?;
    // Nothing of the log is shown before its read is recorded.
    state
        .db
        .record_reads(vec![logs::read_record(reader, action, rid)])
        .await?;
    Ok((view, settings))
}

pub async fn show(
    State(state): State<AppState>,
    user: SignedIn,
    Path(l): Path<String>,
    Query(q): Query<LogQuery>,
) -> Result<Response, AppError> {
    let log: LogId = path_id(&l)?;
    let group = q.vis.as_deref().and_then(EntryGroup::from_code);
    let notice = log_notice(user.m, q.melding.as_deref());
    page(&log_page(&state, &user, log, group, notice, FormState::default()).await?)
}

/// The log page again, with what was typed into one of its forms (the team,
/// the coordination request) and the problems beside the fields; 422.
pub async fn log_page_with_errors(
    state: &AppState,
    user: &SignedIn,
    log: LogId,
    form: FormState,
) -> Result<Response, AppError> {
    invalid(&log_page(state, user, log, None, None, form).await?)
}

/// Decides access and reads the page's data in one trip to the database,
/// records the read, and builds the page.
async fn log_page(
    state: &AppState,
    user: &SignedIn,
    log: LogId,
    group: Option<EntryGroup>,
    notice: Option<&'static str>,
    form: FormState,
) -> Result<LogPage, AppError> {
    let actor = user.actor.clone();
    let today = today();
    let kept_by = state.clone();
    // The timeline is rendered, and kept, in the reader's language.
    let lang = user.m.lang;
    // Taken before anything is read, so that nothing read before a change
    // is kept after it.
    let (timeline_ticket, staff_ticket, snapshot_ticket) = (
        state.timelines.ticket(),
        state.staff_lists.ticket(),
        state.log_snapshots.ticket(),
    );
    let loaded = state
        .db
        .read(move |c| {
            let kept = |revision| kept_by.timelines.get(log, revision, group, lang);
            let snapshot = |_revision, _day| kept_by.log_snapshots.get(log);
            let Some(opened) = logs::open_view(c, &actor, log, group, today, snapshot, kept)?
            else {
                return Ok(None);
            };
            kept_by
                .log_snapshots
                .put(snapshot_ticket, Arc::clone(&opened.snapshot));
            let staff: Arc<[Choice]> = if opened.reader.may_write() {
                let mut units = consent::covered_units(
                    &opened.view.consent_facts,
                    opened.settings.consent_rule,
                    today,
                );
                units.push(opened.reader.home_unit());
                let m = opened.view.municipality_id;
                match kept_by.staff_lists.get(m, &units) {
                    Some(staff) => staff,
                    None => {
                        let staff: Arc<[Choice]> = logs::staff_choices(c, &opened.reader, &units)?
                            .into_iter()
                            .map(|s| Choice {
                                value: format!("{}:{}", s.user_id, s.unit_id),
                                label: format!("{} ({})", s.name, s.unit_name),
                            })
                            .collect();
                        kept_by
                            .staff_lists
                            .put(staff_ticket, m, &units, Arc::clone(&staff));
                        staff
                    }
                }
            } else {
                Arc::from([])
            };
            // The timeline's codes are named only when it is rendered afresh.
            let names = match opened.kept {
                Some(_) => None,
                None => Some(logs::timeline_names(c, opened.view.municipality_id)?),
            };
            Ok(Some((opened, staff, names)))
        })
        .await?;
    let Some((opened, staff, names)) = loaded else {
        return Err(AppError::NotFound);
    };
    let logs::OpenedLog {
        reader,
        view: v,
        settings,
        kept,
        break_glass_until,
        plan,
        meetings,
        family_requests,
        ..
    } = opened;
    let meetings = if reader.reads_whole() {
        meetings
    } else {
        Vec::new()
    };
    // Nothing of the log is shown before its read is recorded.
    record_read(state, user, &reader).await?;
    let family_requests =
        crate::portal::requests::lines_for_log_page(user.m, &reader, &family_requests);
    let timeline = match kept {
        // The coordinating unit, asked a question, sees no timeline.
        _ if !reader.reads_whole() => Timeline {
            html: Arc::from(""),
            last_voice: None,
        },
        Some(t) => t,
        None => {
            let t = Timeline {
                html: TimelineFragment {
                    m: user.m,
                    entries: entry_rows(user.m, &v, &names.unwrap_or_default()),
                }
                .render()?
                .into(),
                last_voice: v.last_voice,
            };
            state
                .timelines
                .put(timeline_ticket, log, v.revision, group, lang, t.clone());
            t
        }
    };
    let mut layout = Layout::signed_in(user, &v.child.name).with_notice(notice);
    layout.title = format!("{} – {}", user.m.log_title, v.child.name);
    let form = form.fields(&[
        ("ansatt", user.m.team_staff),
        ("rolle", user.m.team_role),
        ("type", user.m.team_person_kind),
        ("foresatt", user.m.team_kind_guardian),
        ("person_navn", user.m.team_person_name),
        ("person_rolle", user.m.team_role),
        ("koordinering", user.m.coordination_reason),
        ("mote_dato", user.m.meeting_held_on),
        ("svar", user.m.coordination_answer),
    ]);
    let mut page = render_log(
        layout, user, &reader, v, &settings, group, timeline, staff, form,
    );
    page.meetings = crate::meetings::invitations::list_rows(user.m, log, &meetings);
    page.may_call_meeting = reader.meeting_convener().is_ok();
    page.family_requests = family_requests;
    page.plan = crate::plans::log_box_of(user.m, &reader, plan);
    if !reader.reads_whole() {
        page.limit_to_the_question();
    }
    if let Some(until) = break_glass_until {
        page.ground = format!(
            "{} ({} {})",
            page.ground,
            user.m.break_glass_until,
            time(until)
        );
    }
    Ok(page)
}

#[allow(clippy::too_many_arguments)]
fn render_log(
    layout: Layout,
    user: &SignedIn,
    reader: &LogReader,
    v: LogView,
    settings: &LogSettings,
    group: Option<EntryGroup>,
    timeline: Timeline,
    staff_choices: Arc<[Choice]>,
    team_form: FormState,
) -> LogPage {
    let today = today();
    let may_write = reader.may_write();
    let level = settings.model.level(v.level);
    let mut filters = vec![Link {
        href: format!("/logger/{}", v.id),
        label: user.m.timeline_all.into(),
        current: group.is_none(),
    }];
    filters.extend(EntryGroup::ALL.iter().map(|g| Link {
        href: format!("/logger/{}?vis={}", v.id, g.code()),
        label: group_label(user.m, *g).into(),
        current: group == Some(*g),
    }));
    let handover = v.pending_handover.as_ref().map(|h| HandoverBox {
        id: h.id.to_string(),
        to_name: h.to_name.clone(),
        to_unit: h.to_unit.clone(),
        from_name: h.from_name.clone().unwrap_or_default(),
        proposed: time(h.proposed_at),
        is_transition: h.checklist.is_transition,
        needs_to_know: h.checklist.needs_to_know.clone(),
        agreed: h.checklist.agreed_with_guardians,
        note: h.checklist.note.clone(),
        for_me: h.to_user == user.actor.user_id() && may_write,
        may_withdraw: reader.handover_proposer().is_ok(),
    });
    let voice_hint = timeline
        .last_voice
        .is_none_or(|t| (Utc::now() - t).num_days() > 90);
    LogPage {
        layout,
        log: v.id.to_string(),
        child_href: user
            .actor
            .casework_units()
            .iter()
            .any(|(u, _)| v.child.units.iter().any(|(cu, _)| cu == u))
            .then(|| format!("/barn/{}", v.child.id)),
        child_name: v.child.name.clone(),
        birth: birth_text(user.m, v.child.birth, today),
        national_id: v.child.national_id_masked.clone(),
        guardians: guardian_rows(user.m, &v),
        is_open: v.is_open,
        may_write,
        may_close: reader.closer().is_ok(),
        may_audit: reader.audit_reader().is_ok(),
        may_propose_handover: reader.handover_proposer().is_ok() && v.pending_handover.is_none(),
        may_withdraw_consent: reader.consent_withdrawer().is_ok(),
        level_name: words::level_name(user.m, settings.model, v.level),
        level_description: level
            .map(|l| words::level_description(user.m, settings.model, l.level).to_owned())
            .unwrap_or_default(),
        level_since: date(v.level_since),
        decision_due: v.decision_due.map(|d| deadline_text(user.m, d, today)),
        meeting_due: v
            .meeting_due
            .filter(|_| v.is_open)
            .map(|d| deadline_text(user.m, d, today)),
        lead: v.lead.as_ref().map(|(_, n)| n.clone()).unwrap_or_default(),
        home_unit: v.home_unit.1.clone(),
        ground: ground_label(user.m, reader),
        report_prompted: v.report_state == Some(ReportState::Prompted),
        report_sent: v.report_state == Some(ReportState::Sent),
        team: team_rows(user.m, &v, settings, today, may_write),
        consents: consent_rows(user.m, &v, settings.consent_rule, today),
        missing: if v.is_open {
            missing_consents(user.m, &v, settings, today)
        } else {
            Vec::new()
        },
        measures: measure_rows(user.m, &v, today, false),
        open_measures: v
            .measures
            .iter()
            .filter(|m| m.status != MeasureStatus::Stopped)
            .count(),
        handover,
        coordination: v.coordination_open.clone(),
        coordination_answer: v.coordination_answer.clone(),
        may_mark_answer_read: reader.as_lead().is_ok(),
        family_requests: Vec::new(),
        may_resolve_coordination: v.coordination_open.is_some()
            && reader.coordination_answerer().is_ok(),
        filters,
        timeline: timeline.html,
        staff_choices,
        guardian_choices: v
            .guardians
            .iter()
            .filter(|g| g.current)
            .map(|g| crate::view::choices::Choice {
                value: g.id.to_string(),
                label: g.name.clone(),
            })
            .collect(),
        team_form,
        voice_hint,
        limited: false,
        units_involved: {
            let mut units: Vec<&str> = v
                .team
                .iter()
                .filter_map(|m| m.unit.as_ref().map(|(_, n)| n.as_str()))
                .collect();
            units.sort_unstable();
            units.dedup();
            units.join(", ")
        },
        meetings: Vec::new(),
        may_call_meeting: false,
        plan: None,
    }
}

pub async fn print(
    State(state): State<AppState>,
    WholeLog { user, reader }: WholeLog,
) -> Result<Response, AppError> {
    let (v, settings) = load(&state, &reader, None, Action::Print, &user.ctx.request_id).await?;
    let m = v.municipality_id;
    let names = state.db.read(move |c| logs::timeline_names(c, m)).await?;
    let today = today();
    let mut layout = Layout::signed_in(&user, &v.child.name);
    layout.title = format!("{} – {}", user.m.log_title, v.child.name);
    let mut entries = entry_rows(user.m, &v, &names);
    entries.reverse();
    page(&PrintPage {
        layout,
        log: v.id.to_string(),
        child_name: v.child.name.clone(),
        birth: birth_text(user.m, v.child.birth, today),
        level_name: words::level_name(user.m, settings.model, v.level),
        lead: v.lead.as_ref().map(|(_, n)| n.clone()).unwrap_or_default(),
        home_unit: v.home_unit.1.clone(),
        municipality: names.municipality.clone(),
        started: date(v.created_at.with_timezone(&Oslo).date_naive()),
        level_since: date(v.level_since),
        status: if v.is_open {
            user.m.log_status_open
        } else {
            user.m.log_status_closed
        },
        printed: time(Utc::now()),
        printed_by: user.display_name.clone(),
        guardians: guardian_rows(user.m, &v),
        team: team_rows(user.m, &v, &settings, today, false),
        consents: consent_rows(user.m, &v, settings.consent_rule, today),
        measures: measure_rows(user.m, &v, today, true),
        entries,
    })
}

// ---------------------------------------------------------------------------
// Level decisions

#[derive(Template)]
#[template(path = "log/level.html")]
struct LevelPage {
    layout: Layout,
    log: String,
    child_name: String,
    current: String,
    levels: Vec<LevelChoice>,
    form: FormState,
    voice_hint: bool,
}

pub struct LevelChoice {
    pub value: String,
    pub label: String,
    pub description: String,
    pub prompts_report: bool,
}

async fn level_page(
    state: &AppState,
    user: &SignedIn,
    reader: &LogReader,
    form: FormState,
) -> Result<LevelPage, AppError> {
    let (v, settings) = load(state, reader, None, Action::Read, &user.ctx.request_id).await?;
    Ok(LevelPage {
        layout: Layout::signed_in(user, user.m.level_title),
        log: v.id.to_string(),
        child_name: v.child.name.clone(),
        current: words::level_name(user.m, settings.model, v.level),
        levels: settings
            .model
            .levels()
            .iter()
            .filter(|l| l.level != v.level)
            .map(|l| LevelChoice {
                value: l.level.to_string(),
                label: words::level_name(user.m, settings.model, l.level),
                description: words::level_description(user.m, settings.model, l.level).into(),
                prompts_report: l.prompts_report,
            })
            .collect(),
        form: form.fields(&[
            ("niva", user.m.level_new),
            ("begrunnelse", user.m.level_reason),
            ("hopp_begrunnelse", user.m.level_skip_reason),
            ("barnets_beste", user.m.best_interest),
        ]),
        voice_hint: v
            .last_voice
            .is_none_or(|t| (Utc::now() - t).num_days() > 90),
    })
}

pub async fn level_form(
    State(state): State<AppState>,
    WritableLog { user, writer: w }: WritableLog,
) -> Result<Response, AppError> {
    page(&level_page(&state, &user, w.reader(), FormState::default()).await?)
}

pub async fn change_level(
    State(state): State<AppState>,
    WritableLog { user, writer: w }: WritableLog,
    body: String,
) -> Result<Response, AppError> {
    let pairs = forms::pairs(&body);
    let log = w.log_id();
    let m = w.reader().municipality_id();
    let r = w.reader().clone();
    let (settings, level) = state
        .db
        .read(move |c| {
            let s = logs::settings(c, m)?;
            let level: i32 = laget_db::log::current_level(c, &r)?;
            Ok((s, level))
        })
        .await?;
    let from = u8::try_from(level).unwrap_or(0);
    let change = match LevelChange::decide(
        settings.model,
        from,
        forms::get(&pairs, "niva"),
        forms::get(&pairs, "begrunnelse"),
        forms::get(&pairs, "hopp_begrunnelse"),
        forms::get(&pairs, "barnets_beste"),
    ) {
        Ok(c) => c,
        Err(p) => {
            let form = FormState::with_values(forms::redisplayable(&pairs))
                .with_problems(user.m, p.into_vec());
            return invalid(&level_page(&state, &user, w.reader(), form).await?);
        }
    };
    let rid = user.ctx.request_id.clone();
    let today = today();
    state
        .db
        .write(move |c| logs::change_level(c, &w, &change, &settings, today, &rid))
        .await?;
    Ok(Redirect::to(&format!("/logger/{log}?melding=niva-endret")).into_response())
}

/// The lead marks the meeting the level promised as held.
pub async fn meeting_held(
    State(state): State<AppState>,
    WritableLog { user, writer: w }: WritableLog,
    body: String,
) -> Result<Response, AppError> {
    let pairs = forms::pairs(&body);
    let log = w.log_id();
    let today = today();
    let held = match laget_domain::validation::parse_date(forms::get(&pairs, "mote_dato")) {
        Ok(Some(d)) if d <= today => Ok(d),
        Ok(Some(_)) => Err(laget_domain::validation::Problem::DateInFuture),
        Ok(None) => Err(laget_domain::validation::Problem::Required),
        Err(p) => Err(p),
    };
    let held = match held {
        Ok(d) => d,
        Err(p) => {
            let form = FormState::with_values(forms::redisplayable(&pairs)).with_problems(
                user.m,
                vec![laget_domain::validation::FieldError {
                    field: "mote_dato",
                    problem: p,
                }],
            );
            return log_page_with_errors(&state, &user, log, form).await;
        }
    };
    let note = forms::get(&pairs, "mote_notat").trim().to_owned();
    let rid = user.ctx.request_id.clone();
    state
        .db
        .write(move |c| logs::meeting_held(c, &w, held, &note, &rid))
        .await?;
    Ok(Redirect::to(&format!("/logger/{log}?melding=lagret")).into_response())
}

pub async fn report_sent(
    State(state): State<AppState>,
    WritableLog { user, writer: w }: WritableLog,
    body: String,
) -> Result<Response, AppError> {
    let pairs = forms::pairs(&body);
    let note = forms::get(&pairs, "melding_notat").trim().to_owned();
    let log = w.log_id();
    let rid = user.ctx.request_id.clone();
    state
        .db
        .write(move |c| logs::report_sent(c, &w, &note, &rid))
        .await?;
    Ok(Redirect::to(&format!("/logger/{log}?melding=lagret")).into_response())
}

#[derive(Template)]
#[template(path = "log/reason.html")]
struct ReasonPage {
    layout: Layout,
    log: String,
    heading: &'static str,
    action: String,
    form: FormState,
}

async fn close_or_reopen(
    state: AppState,
    user: SignedIn,
    reader: LogReader,
    body: String,
    closing: bool,
) -> Result<Response, AppError> {
    let w = reader.closer()?;
    let log = w.log_id();
    if closing != reader.may_write() {
        // Closing a closed log, or reopening an open one: nothing to do.
        return Ok(Redirect::to(&format!("/logger/{log}")).into_response());
    }
    let pairs = forms::pairs(&body);
    let reason = match laget_domain::log::stafett::reason(forms::get(&pairs, "begrunnelse")) {
        Ok(r) => r,
        Err(p) => {
            let (heading, action) = if closing {
                (user.m.log_close, format!("/logger/{log}/lukk"))
            } else {
                (user.m.log_reopen, format!("/logger/{log}/gjenapne"))
            };
            return invalid(&ReasonPage {
                layout: Layout::signed_in(&user, heading),
                log: log.to_string(),
                heading,
                action,
                form: FormState::with_values(forms::redisplayable(&pairs))
                    .with_problems(user.m, p.into_vec())
                    .fields(&[("begrunnelse", user.m.log_reason)]),
            });
        }
    };
    let rid = user.ctx.request_id.clone();
    let cancelled = state
        .db
        .write(move |c| {
            if closing {
                logs::close(c, &w, &reason, &rid)
            } else {
                logs::reopen(c, &w, &reason, &rid).map(|()| 0)
            }
        })
        .await?;
    let notice = if closing && cancelled > 0 {
        // The meetings ahead were cancelled with it; the log says how many.
        "logg-lukket-moter"
    } else if closing {
        "logg-lukket"
    } else {
        "logg-gjenapnet"
    };
    Ok(Redirect::to(&format!("/logger/{log}?melding={notice}")).into_response())
}

pub async fn close(
    State(state): State<AppState>,
    OpenLog { user, reader }: OpenLog,
    body: String,
) -> Result<Response, AppError> {
    close_or_reopen(state, user, reader, body, true).await
}

pub async fn reopen(
    State(state): State<AppState>,
    OpenLog { user, reader }: OpenLog,
    body: String,
) -> Result<Response, AppError> {
    close_or_reopen(state, user, reader, body, false).await
}

// ---------------------------------------------------------------------------
// Who has seen the log

pub struct SeenRow {
    pub when: String,
    pub who: String,
    pub what: String,
    pub action: String,
    pub ground: String,
}

#[derive(Template)]
#[template(path = "log/seen.html")]
struct SeenPage {
    layout: Layout,
    log: String,
    rows: Vec<SeenRow>,
}

pub async fn who_has_seen(
    State(state): State<AppState>,
    OpenLog { user, reader }: OpenLog,
) -> Result<Response, AppError> {
    let audit = reader.audit_reader()?;
    let rid = user.ctx.request_id.clone();
    let r = reader.clone();
    let rows = state
        .db
        .write(move |c| logs::who_has_seen(c, &audit, &r, &rid))
        .await?;
    let rows = rows
        .into_iter()
        .map(|e| SeenRow {
            when: time(e.at),
            who: crate::audit::access_log::who(user.m, &e),
            what: user.m.audit_code(&e.object_type),
            action: user.m.audit_code(&e.action),
            ground: user.m.audit_code(&e.ground),
        })
        .collect();
    page(&SeenPage {
        layout: Layout::signed_in(&user, user.m.seen_title),
        log: reader.log_id().to_string(),
        rows,
    })
}

pub async fn attachment(
    State(state): State<AppState>,
    WholeLog { user, reader }: WholeLog,
    Path((_, a)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let id: AttachmentId = path_id(&a)?;
    let rid = user.ctx.request_id.clone();
    let scan = state
        .db
        .write(move |c| logs::attachment(c, &reader, id, &rid))
        .await?;
    let disposition = format!(
        "attachment; filename=\"{}\"",
        scan.file_name
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || ".-_".contains(*c))
            .collect::<String>()
    );
    Ok((
        [
            (header::CONTENT_TYPE, scan.content_type),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        scan.content,
    )
        .into_response())
}
