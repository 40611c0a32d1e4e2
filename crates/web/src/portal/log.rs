//! `GET /familie/logger/{log}`: the log as the family may see it — the
//! level in the municipality's words, the lead and the team with the
//! contact details Laget holds, measures and evaluations, meetings with
//! their approved minutes, the child's voice, and the timeline. What the
//! family does not see (`laget_domain::portal`: kinds never shown, entries
//! staff withheld from this reader) is left out by
//! `laget_db::portal::view::view`, which also records the read.

use crate::AppState;
use crate::error::AppError;
use crate::extract::citizen::FamilyLog;
use crate::i18n::Messages;
use crate::log::timeline;
use crate::log::work::{continuation_label, effect_label};
use crate::meetings::words as meeting_words;
use crate::view::format::{date, time};
use crate::view::layout::Layout;
use crate::view::page;
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use laget_db::portal::view::{Contact, FamilyLogView, FamilyMeeting};
use laget_domain::log::stafett::{EntryKind, MeasureStatus, MemberKind};
use laget_domain::meetings::MeetingStatus;
use laget_domain::meetings::minutes::Attendance;
use laget_domain::portal::FamilyRole;

pub struct TeamRow {
    pub name: String,
    /// Role, and the unit or what kind of member.
    pub detail: String,
    pub phone: Option<String>,
    pub email: Option<String>,
}

pub struct EvaluationRow {
    pub on: String,
    pub effect: String,
    pub text: String,
    pub decision: String,
}

pub struct MeasureRow {
    pub name: String,
    pub goal: String,
    pub responsible: String,
    pub status: &'static str,
    pub evaluate_by: Option<String>,
    pub evaluations: Vec<EvaluationRow>,
}

pub struct DecisionRow {
    pub text: String,
    pub responsible: String,
    pub deadline: String,
    pub done: bool,
}

pub struct MinutesBox {
    pub attendance: Vec<(String, &'static str)>,
    pub voice: Option<String>,
    pub discussed: Option<String>,
    pub decisions: Vec<DecisionRow>,
    pub next: Option<String>,
}

pub struct MeetingRow {
    pub when: String,
    pub kind: &'static str,
    pub status: &'static str,
    pub cancel_reason: Option<String>,
    pub place: Option<String>,
    pub video: bool,
    pub purpose: String,
    /// Held with approved minutes.
    pub minutes: Option<MinutesBox>,
    /// Held, the minutes not yet approved.
    pub minutes_pending: bool,
    /// The rating form, when the citizen may rate this meeting now.
    pub rate_href: Option<String>,
}

/// One of the family's actions, listed near the top of the log page.
pub struct Action {
    pub href: String,
    pub label: String,
}

pub struct EntryRow {
    pub when: String,
    pub summary: String,
    pub body: Option<String>,
}

#[derive(Template)]
#[template(path = "portal/log.html")]
struct LogPage {
    layout: Layout,
    heading: String,
    intro: &'static str,
    level: String,
    level_description: String,
    level_since: String,
    status: &'static str,
    /// What the family can do from here (on a closed log: consent, for
    /// withdrawing, and «Hvem har sett loggen»).
    actions: Vec<Action>,
    home_unit: String,
    team: Vec<TeamRow>,
    measures: Vec<MeasureRow>,
    meetings: Vec<MeetingRow>,
    voices: Vec<EntryRow>,
    entries: Vec<EntryRow>,
}

fn team_row(m: &Messages, c: &Contact) -> TeamRow {
    let role = crate::log::words::team_role(m, &c.role);
    let detail = match (c.kind, &c.unit) {
        (MemberKind::Staff, Some(unit)) => format!("{role}, {unit}"),
        (MemberKind::Staff, None) => role,
        (MemberKind::Guardian, _) => {
            join_role(&role, m.portal_team_guardian, |w| w.portal_team_guardian)
        }
        (MemberKind::Child, _) => join_role(&role, m.portal_team_child, |w| w.portal_team_child),
        (MemberKind::Network, _) => {
            join_role(&role, m.portal_team_network, |w| w.portal_team_network)
        }
    };
    TeamRow {
        name: c.name.clone(),
        detail,
        phone: c.phone.clone(),
        email: c.email.clone(),
    }
}

/// «Rolle (foresatt)»; the kind alone for no role, and the role alone when
/// it only names the kind in either written standard (stranger 12, #12: not
/// «Foresatt (foresatt)» nor «Foresatt (føresett)»).
fn join_role(role: &str, kind: &str, word: fn(&Messages) -> &'static str) -> String {
    use laget_domain::admin::municipality::WrittenStandard;
    let typed = role.trim().to_lowercase();
    if typed.is_empty() {
        kind.to_owned()
    } else if [WrittenStandard::Bokmal, WrittenStandard::Nynorsk]
        .into_iter()
        .any(|w| word(Messages::of(w)).to_lowercase() == typed)
    {
        role.trim().to_owned()
    } else {
        format!("{role} ({kind})")
    }
}

fn meeting_row(m: &Messages, mt: &FamilyMeeting, rate_href: Option<String>) -> MeetingRow {
    let minutes = mt.minutes.as_ref().map(|x| MinutesBox {
        attendance: x
            .attendance
            .iter()
            .map(|(name, a)| {
                let said = match a {
                    Some(Attendance::Present) => m.portal_minutes_present,
                    Some(Attendance::Absent) => m.portal_minutes_absent,
                    None => m.portal_minutes_not_noted,
                };
                (name.clone(), said)
            })
            .collect(),
        voice: x.voice.clone(),
        discussed: x.discussed.clone(),
        decisions: x
            .decisions
            .iter()
            .map(|d| DecisionRow {
                text: d.text.clone(),
                responsible: d.responsible.clone().unwrap_or_default(),
                deadline: date(d.deadline),
                done: d.done,
            })
            .collect(),
        next: match (&x.next, x.next_on) {
            (Some(t), Some(d)) => Some(format!("{} – {t}", date(d))),
            (Some(t), None) => Some(t.clone()),
            (None, Some(d)) => Some(date(d)),
            (None, None) => None,
        },
    });
    MeetingRow {
        when: meeting_words::span(m, mt.starts_at, mt.ends_at),
        kind: meeting_words::kind_label(m, mt.kind),
        status: meeting_words::status_label(m, mt.status),
        cancel_reason: mt.cancel_reason.clone(),
        place: mt.place.clone(),
        video: mt.video_link.is_some(),
        purpose: mt.purpose.clone(),
        minutes_pending: mt.status == MeetingStatus::Held && minutes.is_none(),
        minutes,
        rate_href,
    }
}

fn measure_rows(m: &Messages, v: &FamilyLogView) -> Vec<MeasureRow> {
    v.measures
        .iter()
        .map(|x| MeasureRow {
            name: x.name.clone(),
            goal: x.goal.clone(),
            responsible: x.responsible.clone(),
            status: m.measure_status(x.status),
            evaluate_by: (x.status != MeasureStatus::Stopped).then(|| date(x.evaluate_by)),
            evaluations: x
                .evaluations
                .iter()
                .rev()
                .map(|e| EvaluationRow {
                    on: date(e.on),
                    effect: effect_label(m, &e.effect),
                    text: e.text.clone(),
                    decision: continuation_label(m, &e.continuation),
                })
                .collect(),
        })
        .collect()
}

fn youth_of(r: &laget_domain::access::FamilyReader) -> bool {
    r.role() == FamilyRole::Youth
}

/// The family's actions: consent, their own voice, asking for a meeting or
/// a team, who has seen the log, and rating each meeting they may rate. On a
/// closed log only what still works: consent (to withdraw it) and
/// «Hvem har sett loggen».
fn actions(m: &Messages, v: &FamilyLogView, youth: bool, meetings: &[MeetingRow]) -> Vec<Action> {
    let base = format!("/familie/logger/{}", v.log_id);
    let link = |path: &str, label: &str| Action {
        href: format!("{base}/{path}"),
        label: label.to_owned(),
    };
    let mut out = vec![link("samtykke", m.portal_action_consent)];
    if v.is_open {
        out.push(link(
            "stemme",
            if youth {
                m.portal_action_voice_youth
            } else {
                m.portal_action_voice
            },
        ));
        out.push(link("be-om", m.portal_action_request));
    }
    // (P1) The individual plan: to read it, or to ask for one.
    out.push(link("plan", m.portal_action_plan));
    out.push(link("innsyn", m.portal_seen_title));
    out.extend(meetings.iter().filter_map(|mt| {
        mt.rate_href.as_ref().map(|href| Action {
            href: href.clone(),
            label: m
                .portal_action_rate
                .replace("{mote}", &format!("{}, {}", mt.kind, mt.when)),
        })
    }));
    out
}

pub async fn get(
    State(state): State<AppState>,
    FamilyLog { citizen, reader }: FamilyLog,
) -> Result<Response, AppError> {
    let rid = citizen.ctx.request_id.clone();
    let r = reader.clone();
    let (v, rateable) = state
        .db
        .write(move |c| {
            let v = laget_db::portal::view::view(c, &r, &rid)?;
            let held: Vec<_> = v
                .meetings
                .iter()
                .filter(|x| x.minutes.is_some())
                .map(|x| x.id)
                .collect();
            let rateable = laget_db::portal::ratings::rateable_meetings(c, &r, &held)?;
            Ok((v, rateable))
        })
        .await?;
    let m = citizen.m;
    let log = v.log_id;
    let rate_href = |mt: &FamilyMeeting| {
        rateable
            .contains(&mt.id)
            .then(|| format!("/familie/logger/{log}/moter/{}/vurdering", mt.id))
    };
    let meetings: Vec<MeetingRow> = v
        .meetings
        .iter()
        .map(|x| meeting_row(m, x, rate_href(x)))
        .collect();
    let actions = actions(m, &v, youth_of(&reader), &meetings);
    let outcomes = timeline::handover_outcomes(&v.entries);
    let rows = |kinds: &dyn Fn(EntryKind) -> bool| -> Vec<EntryRow> {
        v.entries
            .iter()
            .filter(|e| kinds(e.kind))
            .map(|e| {
                let data: Option<serde_json::Value> =
                    e.data.as_deref().and_then(|d| serde_json::from_str(d).ok());
                EntryRow {
                    when: time(e.at),
                    // A report the family is told of (#13): a neutral
                    // sentence, not the staff's words on the legal ground.
                    summary: if e.kind == EntryKind::ReportSent {
                        m.portal_report_sent.to_owned()
                    } else {
                        timeline::summary(m, e, data.as_ref(), &outcomes)
                    },
                    body: timeline::body(m, e, data.as_ref()),
                }
            })
            .collect()
    };
    let voices = rows(&|k| k == EntryKind::ChildVoice);
    let entries = rows(&|_| true);
    let youth = youth_of(&reader);
    let level = v
        .model
        .level(v.level)
        .map(|l| crate::log::words::level_description(m, v.model, l.level).to_owned())
        .unwrap_or_default();
    let heading = if youth {
        m.portal_your_log.to_owned()
    } else {
        format!("{} – {}", m.portal_log_title, v.child_name)
    };
    page(&LogPage {
        layout: Layout::citizen(&citizen, &heading),
        intro: if youth {
            m.portal_log_intro_youth
        } else {
            m.portal_log_intro_guardian
        },
        level: crate::log::words::level_name(m, v.model, v.level),
        level_description: level,
        level_since: date(v.level_since),
        status: if v.is_open {
            m.portal_status_open
        } else {
            m.portal_status_closed
        },
        actions,
        home_unit: v.home_unit.clone(),
        team: v.team.iter().map(|c| team_row(m, c)).collect(),
        measures: measure_rows(m, &v),
        meetings,
        voices,
        entries,
        heading,
    })
}
