//! The timeline's words. The database stores each entry as an event — its
//! kind and data (ids, names at the time, level numbers, dates, codes) — and
//! no sentence; the sentence is made here, when the timeline is read, from
//! the reader's message catalogue.
//!
//! Entries written before events (migration 000012) carry their bokmål
//! sentence in `summary`; where their data is not enough to render them, that
//! sentence is shown as it was written.
//!
//! The data keys per kind (as written by `laget_db::log`):
//! - `uro`: `observert` (date), `utfordringer`, `bbis`
//! - `niva`: `modell`, `fra`, `til` (level numbers), `hopp`, `barnets_beste`
//! - `melding_foreslatt`: `niva`; `melding_sendt`, `lukket`, `gjenapnet`: none
//! - `samtykke`, `samtykke_trukket`: `samtykke` (id), `givere` (guardians'
//!   names), `ungdom` (the youth gave it), `enheter` (unit names); given
//!   also `fra`, `til` (dates)
//! - `lag_inn`: `medlem`, `navn`, `rolle`, and for staff `enhet`, `enhet_navn`,
//!   for others `type`; `lag_ut`: `medlem`, `navn`
//! - `overlevering_foreslatt`: the checklist, `overlevering` (id), `til` (name);
//!   `overlevering_godtatt`, `overlevering_avslatt`: `overlevering`, `navn`;
//!   `overlevering_trukket`: `overlevering`, `grunn` (`trukket` or
//!   `ut_av_laget`), `navn`
//! - `koordinering`: `koordinering` (id)
//! - `tiltak`: `tiltak`, `navn`, `besluttet`, `ansvarlig`, `evaluering` (date),
//!   `barnets_beste`; `tiltak_besluttet`: `tiltak`, `navn`
//! - `evaluering`: `tiltak`, `vurdering` (the evaluation's id), `navn`, `effekt`, `videre` (codes), `ikke_nok`,
//!   `barnets_beste`
//! - `stemme`: the voice (`on`, `method`, `words`); `bbis`: the snapshot
//! - written in the family's portal (H5), with `familie` (`foresatt` or
//!   `ungdom`): `stemme` as above (the family's methods), `familiens_syn`
//!   (`on`; the view is the body), `mote_vurdert` as below
//! - `drofting`: linked: `drofting`, `alder`, `holdt`, `sammendrag`, `rad`,
//!   `droftet_med`; unlinked: `koblet_fra`
//! - `notat`: `hendelse` = `mote_holdt` (with `mote_holdt`, a date) or
//!   `koordinering_svart`
//! - `team_sak`: `team_sak` (id), `team` (the team's name then),
//!   `team_type`, `meldt_av` (`ansatt` or `foresatt`),
//!   `foresatte_til_stede`; the case's summary is the body
//! - `team_vedtak`: `team_sak`, `vedtak` (ids), `team`, `team_type`,
//!   `ansvarlig` (the responsible person's name then), `frist` (date); the
//!   decision's text is the body
//! - `team_sak_trukket`: `team_sak`, `team`, `team_type`; the reason is
//!   the body
//! - `referat_utkast`: `mote` (id), `dato` (the meeting's day);
//!   `referat_godkjent`: also `vedtak` (how many decisions), and `lofte`,
//!   `lofte_sen` as a called meeting's when the approval met the level's
//!   promised meeting
//! - `vedtak_utfort`: `mote`, `vedtak` (id), `tekst` (the decision); the
//!   note on what was done is the body
//! - `mote_vurdert`: `mote`, `dato`, `hvem` (`foresatt` or `barn`), `navn`
//!   (the guardian's), `poeng` (1–5); the comment is the body
//! - `individuell_plan` (P1): `hendelse` = `bedt_om` (`plan`; `familie`
//!   when the family asked; the reason is the body), `innvilget` and
//!   `koordinator` (`plan`, `koordinator` (name), `type` (kind code),
//!   `enhet` (unit name)), `avslatt` (the reason is the body), `mal`
//!   (`mal`, `sagt_av`; the words are the body), `mal_endret` (`mal`, `for`:
//!   the old words; the new ones are the body), `mal_nadd`, `mal_avsluttet`
//!   (`mal`), `bidrag` (`bidrag`, `mal`, `enhet`, `ansvarlig`, `evaluering`),
//!   `bidrag_avsluttet` (`bidrag`, `enhet`), `avsluttet` (the reason is the
//!   body)
//! - `mote_innkalt`, `mote_endret`, `mote_avlyst`, `mote_svar`,
//!   `mote_stemme`: `mote` (id), `type` (the meeting's kind), `start`,
//!   `slutt` (UTC, RFC 3339); called also `antall` (invited), `moteplikt`;
//!   called and changed `lofte` (the level's promised day, when this meeting
//!   met it) and `lofte_sen` (true when it was called after that day); changed `versjon`; answered `navn`, `svar` (a response code,
//!   the note is the body); a cancellation's reason is the body

use crate::i18n::Messages;
use crate::log::words;
use crate::meetings::words as meeting_words;
use crate::view::format::date;
use chrono::NaiveDate;
use laget_db::log::Entry;
use laget_domain::log::escalation::EscalationModel;
use laget_domain::log::stafett::{Continuation, Effect, EntryKind};
use laget_domain::meetings::{MeetingKind, Response};
use serde_json::Value;
use std::collections::HashMap;

/// How a handover proposal ended, as a later entry tells.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Accepted,
    Declined,
    Withdrawn,
}

/// The outcomes of the handover proposals among `entries`, by the
/// handover's id (entries written before events name no handover and are
/// not found here).
pub fn handover_outcomes(entries: &[Entry]) -> HashMap<String, Outcome> {
    entries
        .iter()
        .filter_map(|e| {
            let outcome = match e.kind {
                EntryKind::HandoverAccepted => Outcome::Accepted,
                EntryKind::HandoverDeclined => Outcome::Declined,
                EntryKind::HandoverWithdrawn => Outcome::Withdrawn,
                _ => return None,
            };
            let data: Value = serde_json::from_str(e.data.as_deref()?).ok()?;
            Some((data.get("overlevering")?.as_str()?.to_owned(), outcome))
        })
        .collect()
}

/// Who wrote an entry in the family's portal (data `familie`, H5):
/// «Foresatt skrev (familiens side)» or «Ungdommen skrev selv»; shown where
/// staff entries show their author. `None` for the staff's entries.
pub fn family_author(m: &Messages, data: Option<&Value>) -> Option<&'static str> {
    match data?.get("familie")?.as_str()? {
        "foresatt" => Some(m.ev_family_guardian_wrote),
        "ungdom" => Some(m.ev_family_youth_wrote),
        _ => None,
    }
}

/// The entry's sentence in the reader's language; the stored sentence of an
/// entry from before events when its data is not enough.
pub fn summary(
    m: &Messages,
    e: &Entry,
    data: Option<&Value>,
    outcomes: &HashMap<String, Outcome>,
) -> String {
    render(m, e.kind, data, outcomes).unwrap_or_else(|| e.summary.clone())
}

/// (P1) Fills a sentence's `{key}` placeholders.
type Fill<'f> = &'f dyn Fn(&str, &[(&str, &str)]) -> String;

/// (P1) The sentence of an individual plan's event.
fn plan_event<'a>(
    m: &Messages,
    data: &'a Value,
    text: &dyn Fn(&str) -> Option<&'a str>,
    fill: Fill<'_>,
) -> Option<String> {
    let kind = || {
        laget_domain::plans::CoordinatorKind::from_code(text("type")?)
            .map(|k| crate::plans::kind_label(m, k).to_lowercase())
    };
    Some(match text("hendelse")? {
        "bedt_om" if data.get("familie").is_some() => m.ev_plan_requested_family.to_owned(),
        "bedt_om" => m.ev_plan_requested.to_owned(),
        "innvilget" => fill(
            m.ev_plan_granted,
            &[
                ("type", &kind()?),
                ("navn", text("koordinator")?),
                ("enhet", text("enhet")?),
            ],
        ),
        "koordinator" => fill(
            m.ev_plan_coordinator,
            &[
                ("type", &kind()?),
                ("navn", text("koordinator")?),
                ("enhet", text("enhet")?),
            ],
        ),
        "avslatt" => m.ev_plan_refused.to_owned(),
        "mal" => fill(
            m.ev_plan_goal,
            &[(
                "hvem",
                &crate::plans::said_by_label(
                    m,
                    laget_domain::plans::SaidBy::from_code(text("sagt_av")?)?,
                )
                .to_lowercase(),
            )],
        ),
        "mal_endret" => fill(m.ev_plan_goal_edited, &[("for", text("for")?)]),
        "mal_nadd" => m.ev_plan_goal_reached.to_owned(),
        "mal_avsluttet" => m.ev_plan_goal_ended.to_owned(),
        "bidrag" => fill(
            m.ev_plan_contribution,
            &[
                ("enhet", text("enhet")?),
                ("ansvarlig", text("ansvarlig")?),
                (
                    "dato",
                    &NaiveDate::parse_from_str(text("evaluering")?, "%Y-%m-%d")
                        .ok()
                        .map(date)?,
                ),
            ],
        ),
        "bidrag_avsluttet" => fill(m.ev_plan_contribution_ended, &[("enhet", text("enhet")?)]),
        "avsluttet" => m.ev_plan_closed.to_owned(),
        _ => return None,
    })
}

/// The entry's text: as stored, or for a linked consultation its record,
/// put together with the reader's labels.
pub fn body(m: &Messages, e: &Entry, data: Option<&Value>) -> Option<String> {
    if e.body.is_some() || e.kind != EntryKind::Consultation {
        return e.body.clone();
    }
    let data = data?;
    let text = |key: &str| data.get(key).and_then(Value::as_str);
    Some(format!(
        "{}\n\n{}: {}\n\n{}: {}",
        text("sammendrag")?,
        m.ev_consultation_advice,
        text("rad")?,
        m.consultation_advisers,
        text("droftet_med")?
    ))
}

fn render(
    m: &Messages,
    kind: EntryKind,
    data: Option<&Value>,
    outcomes: &HashMap<String, Outcome>,
) -> Option<String> {
    // Kinds whose sentence needs no data read the same for old entries.
    match kind {
        EntryKind::ReportPrompted => return Some(m.ev_report_prompted.into()),
        EntryKind::ReportSent => return Some(m.ev_report_sent.into()),
        EntryKind::Closed => {
            // `avlyste_moter`: the planned meetings cancelled with it.
            let n = data
                .and_then(|d| d.get("avlyste_moter"))
                .and_then(serde_json::Value::as_u64)
                .unwrap_or(0);
            return Some(if n > 0 {
                format!(
                    "{}; {}",
                    m.ev_closed,
                    m.ev_closed_meetings.replace("{antall}", &n.to_string())
                )
            } else {
                m.ev_closed.into()
            });
        }
        EntryKind::Reopened => return Some(m.ev_reopened.into()),
        EntryKind::CoordinationRequested => return Some(m.ev_coordination_requested.into()),
        _ => {}
    }
    let data = data?;
    let text = |key: &str| data.get(key).and_then(Value::as_str);
    let day = |key: &str| {
        text(key)
            .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
            .map(date)
    };
    let list = |key: &str| -> Option<Vec<String>> {
        Some(
            data.get(key)?
                .as_array()?
                .iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect(),
        )
    };
    let level = |key: &str| data.get(key)?.as_u64().and_then(|l| u8::try_from(l).ok());
    let fill = |template: &str, pairs: &[(&str, &str)]| {
        pairs.iter().fold(template.to_owned(), |t, (k, v)| {
            t.replace(&format!("{{{k}}}"), v)
        })
    };
    let givers = || -> Option<String> {
        let mut names = list("givere")?;
        if data.get("ungdom").and_then(Value::as_bool) == Some(true) {
            names.push(m.ev_consent_youth.to_owned());
        }
        Some(names.join(", "))
    };
    Some(match kind {
        EntryKind::Concern => fill(m.ev_concern, &[("dato", &day("observert")?)]),
        EntryKind::LevelChange => {
            let model = EscalationModel::from_code(text("modell")?)?;
            fill(
                m.ev_level,
                &[
                    ("fra", &words::level_name(m, model, level("fra")?)),
                    ("til", &words::level_name(m, model, level("til")?)),
                ],
            )
        }
        EntryKind::ConsentGiven => fill(
            // Given in the family's portal (H4): «… via ID-porten».
            if data.get("id_porten").and_then(Value::as_bool) == Some(true) {
                m.ev_consent_given_idporten
            } else {
                m.ev_consent_given
            },
            &[
                ("givere", &givers()?),
                ("enheter", &list("enheter")?.join(", ")),
                ("fra", &day("fra")?),
                ("til", &day("til")?),
            ],
        ),
        EntryKind::ConsentWithdrawn => fill(
            if data.get("id_porten").and_then(Value::as_bool) == Some(true) {
                m.ev_consent_withdrawn_idporten
            } else {
                m.ev_consent_withdrawn
            },
            &[
                ("givere", &givers()?),
                ("enheter", &list("enheter")?.join(", ")),
            ],
        ),
        EntryKind::TeamJoined => {
            let (name, role) = (text("navn")?, text("rolle")?);
            match text("enhet_navn") {
                Some(unit) => fill(
                    m.ev_team_joined_staff,
                    &[("navn", name), ("enhet", unit), ("rolle", role)],
                ),
                None => fill(m.ev_team_joined, &[("navn", name), ("rolle", role)]),
            }
        }
        EntryKind::TeamLeft => fill(m.ev_team_left, &[("navn", text("navn")?)]),
        EntryKind::HandoverProposed => {
            let to = text("til")?;
            let outcome = text("overlevering").and_then(|id| outcomes.get(id));
            let template = match outcome {
                None => m.ev_handover_proposed,
                Some(Outcome::Accepted) => m.ev_handover_proposed_accepted,
                Some(Outcome::Declined) => m.ev_handover_proposed_declined,
                Some(Outcome::Withdrawn) => m.ev_handover_proposed_withdrawn,
            };
            fill(template, &[("navn", to)])
        }
        EntryKind::HandoverAccepted => fill(m.ev_handover_accepted, &[("navn", text("navn")?)]),
        EntryKind::HandoverDeclined => fill(m.ev_handover_declined, &[("navn", text("navn")?)]),
        EntryKind::HandoverWithdrawn => {
            let template = match text("grunn")? {
                "trukket" => m.ev_handover_withdrawn,
                "ut_av_laget" => m.ev_handover_member_left,
                _ => return None,
            };
            fill(template, &[("navn", text("navn")?)])
        }
        EntryKind::MeasureAdded => {
            let template = if data.get("besluttet")?.as_bool()? {
                m.ev_measure_added_decided
            } else {
                m.ev_measure_added_proposed
            };
            fill(
                template,
                &[
                    ("navn", text("navn")?),
                    ("ansvarlig", text("ansvarlig")?),
                    ("dato", &day("evaluering")?),
                ],
            )
        }
        EntryKind::MeasureDecided => fill(m.ev_measure_decided, &[("navn", text("navn")?)]),
        EntryKind::Evaluation => {
            let effect = match Effect::from_code(text("effekt")?)? {
                Effect::Better => m.ev_effect_better,
                Effect::Unchanged => m.ev_effect_unchanged,
                Effect::Worse => m.ev_effect_worse,
            };
            let next = match Continuation::from_code(text("videre")?)? {
                Continuation::Continue => m.ev_continuation_continue,
                Continuation::Change => m.ev_continuation_change,
                Continuation::Stop => m.ev_continuation_stop,
            };
            fill(
                m.ev_evaluation,
                &[
                    ("navn", text("navn")?),
                    ("effekt", effect),
                    ("videre", next),
                ],
            )
        }
        EntryKind::ChildVoice => fill(
            m.ev_voice,
            &[
                ("dato", &day("on")?),
                (
                    "metode",
                    &words::voice_method(m, text("method")?).to_lowercase(),
                ),
            ],
        ),
        EntryKind::Bbis => {
            let items = data.get("items")?.as_array()?;
            // An item is (theme, assessment); a written assessment is
            // `{"Text": …}`, «not relevant» a bare string.
            let written = items
                .iter()
                .filter(|i| i.get(1).is_some_and(|a| a.get("Text").is_some()))
                .count();
            fill(
                m.ev_bbis,
                &[
                    ("dato", &day("on")?),
                    ("vurdert", &written.to_string()),
                    ("antall", &items.len().to_string()),
                ],
            )
        }
        EntryKind::Consultation => {
            if data.get("koblet_fra").is_some() {
                m.ev_consultation_unlinked.to_owned()
            } else {
                fill(m.ev_consultation_linked, &[("dato", &day("holdt")?)])
            }
        }
        EntryKind::Note => match text("hendelse") {
            Some("koordinering_svart") => m.ev_coordination_answered.to_owned(),
            _ => fill(m.ev_meeting_held, &[("dato", &day("mote_holdt")?)]),
        },
        EntryKind::MinutesDrafted => fill(m.ev_minutes_drafted, &[("dato", &day("dato")?)]),
        EntryKind::MinutesApproved => {
            let approved = fill(
                m.ev_minutes_approved,
                &[
                    ("dato", &day("dato")?),
                    ("antall", &data.get("vedtak")?.as_u64()?.to_string()),
                ],
            );
            let promise = if data.get("lofte_sen").and_then(|v| v.as_bool()) == Some(true) {
                m.ev_meeting_promise_late
            } else {
                m.ev_meeting_promise
            };
            match day("lofte") {
                Some(due) => format!("{approved}; {}", promise.replace("{dato}", &due)),
                None => approved,
            }
        }
        EntryKind::DecisionDone => fill(m.ev_decision_done, &[("vedtak", text("tekst")?)]),
        EntryKind::MeetingRated => {
            let who = match text("hvem")? {
                "barn" => m.minutes_rater_child,
                _ => text("navn")?,
            };
            fill(
                m.ev_meeting_rated,
                &[
                    ("navn", who),
                    ("dato", &day("dato")?),
                    ("poeng", &data.get("poeng")?.as_u64()?.to_string()),
                ],
            )
        }
        EntryKind::MeetingCalled
        | EntryKind::MeetingChanged
        | EntryKind::MeetingCancelled
        | EntryKind::MeetingAnswered
        | EntryKind::MeetingVoiceGathered => {
            let at = |key: &str| {
                chrono::DateTime::parse_from_rfc3339(text(key)?)
                    .ok()
                    .map(|t| t.with_timezone(&chrono::Utc))
            };
            let when = meeting_words::span(m, at("start")?, at("slutt")?);
            let what = meeting_words::kind_label(m, MeetingKind::from_code(text("type")?)?);
            let pairs = [("type", what), ("tid", when.as_str())];
            let promise = if data.get("lofte_sen").and_then(|v| v.as_bool()) == Some(true) {
                m.ev_meeting_promise_late
            } else {
                m.ev_meeting_promise
            };
            match kind {
                EntryKind::MeetingCalled => {
                    let called = fill(m.ev_meeting_called, &pairs);
                    match day("lofte") {
                        Some(due) => {
                            format!("{called}; {}", promise.replace("{dato}", &due))
                        }
                        None => called,
                    }
                }
                EntryKind::MeetingChanged => {
                    let changed = fill(m.ev_meeting_changed, &pairs);
                    match day("lofte") {
                        Some(due) => format!("{changed}; {}", promise.replace("{dato}", &due)),
                        None => changed,
                    }
                }
                EntryKind::MeetingCancelled => fill(m.ev_meeting_cancelled, &pairs),
                EntryKind::MeetingAnswered => fill(
                    if text("svar")? == Response::Accepted.code() {
                        m.ev_meeting_coming
                    } else {
                        m.ev_meeting_not_coming
                    },
                    &[("navn", text("navn")?), ("tid", &when)],
                ),
                _ => fill(m.ev_meeting_voice, &pairs),
            }
        }
        EntryKind::TeamCase => fill(
            if text("meldt_av") == Some("foresatt") {
                m.ev_team_case_guardian
            } else {
                m.ev_team_case
            },
            &[("team", text("team")?)],
        ),
        EntryKind::TeamDecision => fill(
            m.ev_team_decision,
            &[
                ("team", text("team")?),
                ("ansvarlig", text("ansvarlig")?),
                ("frist", &day("frist")?),
            ],
        ),
        EntryKind::TeamCaseWithdrawn => fill(m.ev_team_case_withdrawn, &[("team", text("team")?)]),
        // The guardians' view, written in the family's portal (H5).
        EntryKind::FamilyView => fill(m.ev_family_view, &[("dato", &day("on")?)]),
        // (P1) The individual plan's events.
        EntryKind::Plan => plan_event(m, data, &text, &fill)?,
        EntryKind::ReportPrompted
        | EntryKind::ReportSent
        | EntryKind::Closed
        | EntryKind::Reopened
        | EntryKind::CoordinationRequested => return None,
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;
    use crate::i18n::{NB, NN};
    use chrono::Utc;
    use laget_domain::ids::EntryId;
    use serde_json::json;

    fn entry(kind: EntryKind, summary: &str, data: Option<Value>) -> Entry {
        Entry {
            id: EntryId::new(),
            at: Utc::now(),
            kind,
            actor: None,
            summary: summary.into(),
            body: None,
            data: data.map(|d| d.to_string()),
            family_hidden: None,
        }
    }

    fn say(m: &Messages, entries: &[Entry]) -> Vec<String> {
        let outcomes = handover_outcomes(entries);
        entries
            .iter()
            .map(|e| {
                let data = e.data.as_deref().and_then(|d| serde_json::from_str(d).ok());
                summary(m, e, data.as_ref(), &outcomes)
            })
            .collect()
    }

    #[test]
    fn events_are_rendered_in_the_readers_language() {
        let entries = [
            entry(
                EntryKind::LevelChange,
                "",
                Some(json!({ "modell": "tiltakskjede", "fra": 1, "til": 3 })),
            ),
            entry(
                EntryKind::ConsentWithdrawn,
                "",
                Some(json!({ "givere": ["Kari"], "ungdom": true, "enheter": ["PPT"] })),
            ),
            entry(
                EntryKind::Evaluation,
                "",
                Some(json!({ "navn": "Leksehjelp", "effekt": "bedre", "videre": "avslutte" })),
            ),
            entry(EntryKind::Closed, "", Some(json!({}))),
        ];
        assert_eq!(
            say(&NB, &entries),
            [
                "Nivå endret: Trinnteam → Ledelsesteam",
                "Samtykke fra Kari, Barnet/ungdommen selv for PPT trukket tilbake",
                "Evaluering av Leksehjelp: bedre; tiltaket avsluttes",
                "Loggen er lukket",
            ]
        );
        assert_eq!(
            say(&NN, &entries),
            [
                "Nivå endra: Trinnteam → Leiingsteam",
                "Samtykke frå Kari, Barnet/ungdomen sjølv for PPT trekt tilbake",
                "Evaluering av Leksehjelp: betre; tiltaket blir avslutta",
                "Loggen er lukka",
            ]
        );
    }

    #[test]
    fn a_proposal_says_how_it_ended() {
        let proposed = |id: &str| {
            entry(
                EntryKind::HandoverProposed,
                "",
                Some(json!({ "overlevering": id, "til": "Per", "is_transition": false })),
            )
        };
        // Newest first, as the timeline lists them.
        let entries = [
            proposed("b"),
            entry(
                EntryKind::HandoverWithdrawn,
                "",
                Some(json!({ "overlevering": "a", "grunn": "trukket", "navn": "Kari" })),
            ),
            proposed("a"),
        ];
        assert_eq!(
            say(&NB, &entries),
            [
                "Foreslått ny stafettholder: Per. Venter på at Per godtar.",
                "Kari har trukket forslaget om ny stafettholder",
                "Foreslått ny stafettholder: Per. Forslaget er trukket.",
            ]
        );
        assert_eq!(
            say(&NN, &entries)[2],
            "Føreslått ny stafetthaldar: Per. Forslaget er trekt tilbake."
        );
    }

    #[test]
    fn an_entry_from_before_events_shows_its_stored_sentence_when_its_data_is_not_enough() {
        let entries = [
            // No model: the level names cannot be told.
            entry(
                EntryKind::LevelChange,
                "Nivå endret: Nivå 0 → Nivå 1",
                Some(json!({ "fra": 0, "til": 1 })),
            ),
            entry(EntryKind::Note, "Koordinerende enhet har svart", None),
            entry(
                EntryKind::HandoverProposed,
                "Foreslått ny stafettholder: Per. Venter på at Per godtar.",
                Some(json!({ "is_transition": false })),
            ),
            // Its data was always enough: rendered like a new one.
            entry(
                EntryKind::Note,
                "Møte i laget holdt 01.02.2026",
                Some(json!({ "mote_holdt": "2026-02-01" })),
            ),
        ];
        assert_eq!(
            say(&NN, &entries),
            [
                "Nivå endret: Nivå 0 → Nivå 1",
                "Koordinerende enhet har svart",
                "Foreslått ny stafettholder: Per. Venter på at Per godtar.",
                "Møte i laget halde 01.02.2026",
            ]
        );
    }

    #[test]
    fn a_linked_consultation_is_put_together_with_the_readers_labels() {
        let e = entry(
            EntryKind::Consultation,
            "",
            Some(json!({
                "drofting": "x", "holdt": "2026-02-01", "sammendrag": "Stille.",
                "rad": "Observer.", "droftet_med": "PPT",
            })),
        );
        let data: Value = serde_json::from_str(e.data.as_deref().unwrap_or("")).unwrap();
        assert_eq!(
            body(&NN, &e, Some(&data)).as_deref(),
            Some("Stille.\n\nRåd: Observer.\n\nDrøfta med: PPT")
        );
        assert_eq!(
            summary(&NN, &e, Some(&data), &HashMap::new()),
            "Anonym drøfting 01.02.2026 (kopla til loggen)"
        );
    }

    #[test]
    fn minutes_decisions_and_ratings_are_rendered_in_the_readers_language() {
        let entries = [
            entry(
                EntryKind::MinutesDrafted,
                "",
                Some(json!({ "mote": "m", "dato": "2026-12-07" })),
            ),
            entry(
                EntryKind::MinutesApproved,
                "",
                Some(json!({ "mote": "m", "dato": "2026-12-07", "vedtak": 2 })),
            ),
            entry(
                EntryKind::DecisionDone,
                "",
                Some(json!({ "mote": "m", "vedtak": "v", "tekst": "Søke PPT" })),
            ),
            entry(
                EntryKind::MeetingRated,
                "",
                Some(
                    json!({ "mote": "m", "dato": "2026-12-07", "hvem": "foresatt",
                    "navn": "Mona", "poeng": 4 }),
                ),
            ),
            entry(
                EntryKind::MeetingRated,
                "",
                Some(json!({ "mote": "m", "dato": "2026-12-07", "hvem": "barn",
                    "navn": null, "poeng": 5 })),
            ),
        ];
        assert_eq!(
            say(&NB, &entries),
            [
                "Referat fra møtet 07.12.2026 påbegynt",
                "Referat fra møtet 07.12.2026 godkjent (2 vedtak)",
                "Vedtak utført: Søke PPT",
                "Mona vurderte møtet 07.12.2026: 4 av 5",
                "Barnet vurderte møtet 07.12.2026: 5 av 5",
            ]
        );
        assert_eq!(
            say(&NN, &entries)[..2],
            [
                "Referat frå møtet 07.12.2026 påbyrja",
                "Referat frå møtet 07.12.2026 godkjent (2 vedtak)",
            ]
        );
    }

    #[test]
    fn a_standing_teams_decision_and_withdrawal_in_both_languages() {
        let entries = [
            entry(
                EntryKind::TeamDecision,
                "",
                Some(json!({ "team_sak": "s", "vedtak": "v", "team": "TST Lia",
                    "team_type": "tst", "ansvarlig": "Pia Pedagog", "frist": "2026-12-20" })),
            ),
            entry(
                EntryKind::TeamCaseWithdrawn,
                "",
                Some(json!({ "team_sak": "s", "team": "TST Lia", "team_type": "tst" })),
            ),
        ];
        assert_eq!(
            say(&NB, &entries),
            [
                "TST Lia gjorde et vedtak i saken. Ansvarlig: Pia Pedagog, frist 20.12.2026",
                "Saken ble trukket fra TST Lia",
            ]
        );
        assert_eq!(
            say(&NN, &entries),
            [
                "TST Lia gjorde eit vedtak i saka. Ansvarleg: Pia Pedagog, frist 20.12.2026",
                "Saka vart trekt frå TST Lia",
            ]
        );
    }
}
