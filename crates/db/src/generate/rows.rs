//! One chunk of a municipality's children: the rows of every table, made in
//! memory and inserted in bulk (multi-row INSERTs), then the chunk's history
//! appended to the access log in time order.

use super::names;
use super::{Counts, Rng, Sample, Town, TownUnit, iso};
use crate::schema::{
    child_units, children, consents, evaluations, guardians, log_entries, logs, measures,
    meeting_participants, meetings, team_members,
};
use crate::{DbConnection, DbResult, audit, to_micros};
use chrono::{DateTime, Days, Duration, NaiveDate, Utc};
use diesel::prelude::*;
use laget_domain::access::Ground;
use laget_domain::admin::unit::UnitKind;
use laget_domain::audit::{AccessRecord, Action, ObjectType, Principal};
use laget_domain::ids::{
    ChildId, ConsentId, EntryId, EvaluationId, GuardianId, LogId, MeasureId, MeetingId,
    ParticipantId, TeamMemberId,
};
use laget_domain::log::consent::Method;
use laget_domain::log::stafett::{
    Continuation, Effect, EntryKind, LogStatus, MeasureStatus, MemberKind, TeamRole,
};
use laget_domain::meetings::{
    MeetingKind, MeetingStatus, MinutesStatus, ParticipantKind, Response,
};
use laget_domain::{UnitId, UserId};
use serde_json::json;

type S = String;
type O = Option<String>;
/// id, log, kind, user, unit, guardian, name, team role, added, role code.
type TeamRow = (S, S, &'static str, O, O, O, S, S, i64, O);
/// id, measure, on, effect, assessment, continuation, next, by, at.
type EvaluationRow = (S, S, S, &'static str, S, &'static str, O, S, i64);
/// id, meeting, kind, user, unit, guardian, name, response, must answer,
/// attended, added.
type ParticipantRow = (
    S,
    S,
    &'static str,
    O,
    O,
    O,
    S,
    &'static str,
    bool,
    Option<bool>,
    i64,
);

/// A staff member on a team: (member id, user, unit, name, unit name).
struct OnTeam {
    member: S,
    user: UserId,
    unit: UnitId,
}

#[derive(Default)]
pub(super) struct Batch {
    children: Vec<(S, S, S, S, i64)>,
    attends: Vec<(S, S)>,
    guardians: Vec<(S, S, S, &'static str, i64)>,
    logs: Vec<LogRow>,
    team: Vec<TeamRow>,
    consents: Vec<ConsentRow>,
    measures: Vec<MeasureRow>,
    evaluations: Vec<EvaluationRow>,
    meetings: Vec<MeetingRow>,
    participants: Vec<ParticipantRow>,
    entries: Vec<(S, S, i64, &'static str, O, O, S)>,
    records: Vec<AccessRecord>,
    open_logs: u64,
    pub sample: Option<Sample>,
}

struct LogRow {
    id: S,
    child: S,
    municipality: S,
    home: S,
    status: &'static str,
    level: i32,
    level_since: S,
    decision_due: O,
    lead: S,
    created_at: i64,
    updated_at: i64,
    closed_at: Option<i64>,
    revision: i64,
}

struct ConsentRow {
    id: S,
    log: S,
    givers: S,
    units: S,
    valid_from: S,
    valid_to: S,
    method: &'static str,
    created_by: S,
    created_at: i64,
    withdrawn: Option<(i64, S)>,
}

struct MeasureRow {
    id: S,
    log: S,
    name: S,
    goal: S,
    responsible: S,
    start: S,
    evaluate_by: S,
    status: &'static str,
    best_interest: S,
    created_by: S,
    created_at: i64,
}

struct MeetingRow {
    id: S,
    municipality: S,
    log: S,
    kind: &'static str,
    status: &'static str,
    purpose: S,
    starts_at: i64,
    called_by: S,
    created_at: i64,
    minutes: &'static str,
    approved_at: Option<i64>,
}

/// The history of one log, gathered while its rows are made.
struct History<'a> {
    batch: &'a mut Batch,
    log: S,
    log_id: LogId,
    unit: UnitId,
    municipality: laget_domain::MunicipalityId,
    entries: i64,
    last: i64,
}

impl History<'_> {
    fn entry(
        &mut self,
        at: i64,
        kind: EntryKind,
        actor: UserId,
        body: Option<&str>,
        data: serde_json::Value,
    ) {
        self.batch.entries.push((
            EntryId::new().to_string(),
            self.log.clone(),
            at,
            kind.code(),
            Some(actor.to_string()),
            body.map(str::to_owned),
            data.to_string(),
        ));
        self.entries += 1;
        self.last = self.last.max(at);
    }

    /// An access-log row about this log by `user` on `ground`.
    fn record(&mut self, at: i64, user: UserId, ground: Ground, action: Action) {
        self.batch.records.push(AccessRecord {
            at: crate::from_micros(at),
            principal: Principal::Staff(user),
            ground: ground.code().to_owned(),
            object_type: ObjectType::Log.code().to_owned(),
            object_id: self.log_id.to_string(),
            action: action.code().to_owned(),
            unit_id: Some(self.unit),
            municipality_id: Some(self.municipality),
            request_id: super::REQUEST_ID.to_owned(),
        });
    }
}

const DAY: i64 = 86_400_000_000;

impl Batch {
    /// `n` children of `town`, each with a log at the chance `share`; with
    /// `want_sample`, the first log gets [`super::SAMPLE_ENTRIES`] entries.
    pub fn make(
        town: &Town,
        n: u64,
        share: f64,
        want_sample: bool,
        today: NaiveDate,
        rng: &mut Rng,
    ) -> Self {
        let mut b = Batch::default();
        let kindergartens = town.of_kind(UnitKind::Barnehage);
        let schools = town.of_kind(UnitKind::Skole);
        let services: Vec<&TownUnit> = town
            .units
            .iter()
            .filter(|u| {
                !matches!(
                    u.kind,
                    UnitKind::Barnehage | UnitKind::Skole | UnitKind::KoordinerendeEnhet
                )
            })
            .collect();
        let now = Utc::now();
        let m = town.id.to_string();
        for i in 0..n {
            let age_days = rng.below(18 * 365);
            let birth = today - Days::new(age_days);
            let unit = if age_days < 6 * 365 {
                *rng.pick(&kindergartens)
            } else {
                *rng.pick(&schools)
            };
            let child = ChildId::new();
            let name = format!("{} {}", rng.pick(names::FIRST), rng.pick(names::LAST));
            // Registered when the child started at the unit.
            let registered = now - Duration::days(rng.below(age_days.min(6 * 365) + 1) as i64);
            b.children.push((
                child.to_string(),
                m.clone(),
                name,
                iso(birth),
                to_micros(registered),
            ));
            b.attends.push((child.to_string(), unit.id.to_string()));
            let sample = want_sample && i == 0;
            if sample || rng.chance(share) {
                b.log(town, child, unit, &services, age_days, sample, now, rng);
            }
        }
        // The chunk's history goes to the access log oldest first.
        b.records.sort_by_key(|r| r.at);
        b
    }

    #[allow(clippy::too_many_arguments)]
    fn log(
        &mut self,
        town: &Town,
        child: ChildId,
        home: &TownUnit,
        services: &[&TownUnit],
        age_days: u64,
        sample: bool,
        now: DateTime<Utc>,
        rng: &mut Rng,
    ) {
        let log_id = LogId::new();
        let log = log_id.to_string();
        let child_s = child.to_string();
        let (lead, lead_name, lead_username) = rng.pick(&home.staff).clone();
        let started = to_micros(now) - DAY * (1 + rng.below(age_days.min(1_000) + 1) as i64);
        let open = sample || rng.chance(0.8);
        let level = if sample {
            3
        } else {
            let r = rng.unit();
            if r < 0.35 {
                0
            } else if r < 0.65 {
                1
            } else if r < 0.87 {
                2
            } else {
                3
            }
        };
        let now_us = to_micros(now);
        let span = (now_us - started).max(DAY);
        // A time in the log's life: `f` of the way from its start.
        let at = |f: f64| started + (span as f64 * f) as i64;

        // Guardians: two, or one.
        let mut guardian_rows = Vec::new();
        for g in 0..if rng.chance(0.75) { 2 } else { 1 } {
            let id = GuardianId::new();
            let relation = match g {
                0 => "mor",
                _ if rng.chance(0.9) => "far",
                _ => "annen",
            };
            let name = format!("{} {}", rng.pick(names::FIRST), rng.pick(names::LAST));
            self.guardians.push((
                id.to_string(),
                child_s.clone(),
                name.clone(),
                relation,
                started,
            ));
            guardian_rows.push((id, name));
        }

        let mut h = History {
            batch: self,
            log: log.clone(),
            log_id,
            unit: home.id,
            municipality: town.id,
            entries: 0,
            last: started,
        };
        let areas: Vec<&str> = laget_domain::catalogue::default_challenge_areas(
            laget_domain::admin::municipality::WrittenStandard::Bokmal,
        )
        .iter()
        .map(|(code, _)| *code)
        .collect();
        h.entry(
            started,
            EntryKind::Concern,
            lead,
            Some(*rng.pick(names::CONCERNS)),
            json!({
                "observert": iso(crate::from_micros(started).date_naive()),
                "utfordringer": [rng.pick(&areas)],
                "bbis": null,
            }),
        );
        h.record(started, lead, Ground::OwnUnit, Action::Create);

        // The team: the lead, the guardians, and staff up to 2–5 members.
        let size = 2 + rng.below(4) as usize;
        let lead_member = TeamMemberId::new().to_string();
        h.batch.team.push((
            lead_member.clone(),
            log.clone(),
            MemberKind::Staff.code(),
            Some(lead.to_string()),
            Some(home.id.to_string()),
            None,
            lead_name.clone(),
            String::new(),
            started,
            TeamRole::Lead.code().map(str::to_owned),
        ));
        let mut staff = vec![OnTeam {
            member: lead_member.clone(),
            user: lead,
            unit: home.id,
        }];
        let mut members = 1;
        for (gid, gname) in &guardian_rows {
            if members >= size {
                break;
            }
            let member = TeamMemberId::new().to_string();
            let t = at(0.05);
            h.batch.team.push((
                member.clone(),
                log.clone(),
                MemberKind::Guardian.code(),
                None,
                None,
                Some(gid.to_string()),
                gname.clone(),
                String::new(),
                t,
                None,
            ));
            h.entry(t, EntryKind::TeamJoined, lead, None, json!({
                "medlem": member, "type": MemberKind::Guardian.code(), "navn": gname, "rolle": "",
            }));
            members += 1;
        }
        while members < size {
            // Level 2 and 3 bring in the services; below, a colleague.
            let unit = if level >= 2 && !services.is_empty() {
                *rng.pick(services)
            } else {
                home
            };
            let (user, name, _) = rng.pick(&unit.staff).clone();
            if staff.iter().any(|s| s.user == user) {
                members += 1;
                continue;
            }
            let member = TeamMemberId::new().to_string();
            let role = if unit.id == home.id {
                "Kontaktperson"
            } else {
                *rng.pick(names::TEAM_ROLES)
            };
            let t = at(0.1 + 0.2 * rng.unit());
            h.batch.team.push((
                member.clone(),
                log.clone(),
                MemberKind::Staff.code(),
                Some(user.to_string()),
                Some(unit.id.to_string()),
                None,
                name.clone(),
                role.to_owned(),
                t,
                None,
            ));
            h.entry(
                t,
                EntryKind::TeamJoined,
                lead,
                None,
                json!({
                    "medlem": member, "navn": name, "enhet": unit.id.to_string(),
                    "enhet_navn": unit.name, "rolle": role,
                }),
            );
            h.record(t, lead, Ground::OwnUnit, Action::Update);
            staff.push(OnTeam {
                member,
                user,
                unit: unit.id,
            });
            members += 1;
        }

        // Consent from the guardians for the team's units: most logs; some
        // have expired, some were withdrawn.
        if sample || level >= 1 || rng.chance(0.5) {
            let id = ConsentId::new();
            let t = at(0.15);
            let from = crate::from_micros(t).date_naive();
            let to = from + Days::new(365);
            let mut unit_ids: Vec<String> = staff.iter().map(|s| s.unit.to_string()).collect();
            unit_ids.sort();
            unit_ids.dedup();
            let unit_names: Vec<&str> = staff
                .iter()
                .filter_map(|s| {
                    town.units
                        .iter()
                        .find(|u| u.id == s.unit)
                        .map(|u| u.name.as_str())
                })
                .collect();
            let giver_names: Vec<&str> = guardian_rows.iter().map(|(_, n)| n.as_str()).collect();
            let withdrawn = (!sample && rng.chance(0.05)).then(|| at(0.6 + 0.3 * rng.unit()));
            h.batch.consents.push(ConsentRow {
                id: id.to_string(),
                log: log.clone(),
                givers: guardian_rows
                    .iter()
                    .map(|(g, _)| g.to_string())
                    .collect::<Vec<_>>()
                    .join(","),
                units: unit_ids.join(","),
                valid_from: iso(from),
                valid_to: iso(to),
                method: [Method::Digital, Method::SignedPaper, Method::Oral][rng.below(3) as usize]
                    .code(),
                created_by: lead.to_string(),
                created_at: t,
                withdrawn: withdrawn.map(|w| (w, lead.to_string())),
            });
            h.entry(
                t,
                EntryKind::ConsentGiven,
                lead,
                None,
                json!({
                    "samtykke": id.to_string(), "givere": giver_names, "ungdom": false,
                    "enheter": unit_names, "fra": iso(from), "til": iso(to),
                }),
            );
            h.record(t, lead, Ground::OwnUnit, Action::Update);
            if let Some(w) = withdrawn {
                h.entry(
                    w,
                    EntryKind::ConsentWithdrawn,
                    lead,
                    Some("Foresatte trakk samtykket."),
                    json!({
                        "samtykke": id.to_string(), "givere": giver_names, "ungdom": false,
                        "enheter": unit_names,
                    }),
                );
                h.record(w, lead, Ground::OwnUnit, Action::Update);
            }
        }

        // The levels the log went through.
        let mut level_since = started;
        for to in 1..=level {
            let t = at(0.2 + 0.1 * f64::from(to));
            h.entry(
                t,
                EntryKind::LevelChange,
                lead,
                Some("Tiltak på laveste nivå var ikke nok."),
                json!({
                    "modell": "bti", "fra": to - 1, "til": to, "hopp": null, "barnets_beste": null,
                }),
            );
            h.record(t, lead, Ground::OwnUnit, Action::Update);
            level_since = t;
        }

        // Measures from level 1, some evaluated.
        if level >= 1 {
            for _ in 0..1 + rng.below(3) {
                let id = MeasureId::new();
                let t = at(0.3 + 0.2 * rng.unit());
                let start = crate::from_micros(t).date_naive();
                let responsible = rng.pick(&staff);
                let responsible_name = h
                    .batch
                    .team
                    .iter()
                    .rev()
                    .find(|m| m.0 == responsible.member)
                    .map(|m| m.6.clone())
                    .unwrap_or_default();
                let name = (*rng.pick(names::MEASURES)).to_owned();
                let goal = *rng.pick(names::GOALS);
                let evaluations = if rng.chance(0.6) { 1 + rng.below(2) } else { 0 };
                let mut status = MeasureStatus::Active;
                let mut evaluate_by = start + Days::new(56);
                for e in 0..evaluations {
                    let on = start + Days::new(56 * (e + 1));
                    let on_us = to_micros(on.and_hms_opt(12, 0, 0).unwrap_or_default().and_utc());
                    if on_us >= to_micros(now) {
                        break;
                    }
                    let last = e + 1 == evaluations;
                    let continuation = if last && rng.chance(0.3) {
                        Continuation::Stop
                    } else {
                        Continuation::Continue
                    };
                    let effect = *rng.pick(&[
                        Effect::Better,
                        Effect::Better,
                        Effect::Unchanged,
                        Effect::Worse,
                    ]);
                    let next = (continuation != Continuation::Stop).then(|| on + Days::new(56));
                    let eid = EvaluationId::new();
                    let assessment = *rng.pick(names::ASSESSMENTS);
                    h.batch.evaluations.push((
                        eid.to_string(),
                        id.to_string(),
                        iso(on),
                        effect.code(),
                        assessment.to_owned(),
                        continuation.code(),
                        next.map(iso),
                        responsible.user.to_string(),
                        on_us,
                    ));
                    h.entry(on_us, EntryKind::Evaluation, responsible.user, Some(assessment), json!({
                        "tiltak": id.to_string(), "vurdering": eid.to_string(), "navn": name,
                        "effekt": effect.code(), "videre": continuation.code(), "ikke_nok": false,
                        "barnets_beste": null,
                    }));
                    h.record(
                        on_us,
                        responsible.user,
                        ground_of(home.id, responsible.unit),
                        Action::Update,
                    );
                    if let Some(next) = next {
                        evaluate_by = next;
                    } else {
                        status = MeasureStatus::Stopped;
                    }
                }
                let best = "Tiltaket er til barnets beste etter samtale med barnet.";
                h.batch.measures.push(MeasureRow {
                    id: id.to_string(),
                    log: log.clone(),
                    name: name.clone(),
                    goal: goal.to_owned(),
                    responsible: responsible.member.clone(),
                    start: iso(start),
                    evaluate_by: iso(evaluate_by),
                    status: status.code(),
                    best_interest: best.to_owned(),
                    created_by: lead.to_string(),
                    created_at: t,
                });
                h.entry(
                    t,
                    EntryKind::MeasureAdded,
                    lead,
                    Some(goal),
                    json!({
                        "tiltak": id.to_string(), "navn": name, "besluttet": true,
                        "ansvarlig": responsible_name, "evaluering": iso(start + Days::new(56)),
                        "barnets_beste": best,
                    }),
                );
                h.record(t, lead, Ground::OwnUnit, Action::Update);
            }
        }

        // Case meetings from level 2: held ones with approved minutes, and
        // on an open log perhaps one ahead.
        if level >= 2 {
            let count = 1 + rng.below(2);
            for k in 0..count {
                let ahead = open && k + 1 == count && rng.chance(0.4);
                let starts = if ahead {
                    now_us + DAY * (1 + rng.below(20) as i64)
                } else {
                    at(0.5 + 0.4 * rng.unit())
                };
                let called = if ahead {
                    now_us - DAY * 7
                } else {
                    starts - DAY * 10
                };
                let id = MeetingId::new();
                let kind = *rng.pick(&MeetingKind::CASE);
                let held = !ahead;
                h.batch.meetings.push(MeetingRow {
                    id: id.to_string(),
                    municipality: town.id.to_string(),
                    log: log.clone(),
                    kind: kind.code(),
                    status: if held {
                        MeetingStatus::Held.code()
                    } else {
                        MeetingStatus::Planned.code()
                    },
                    purpose: "Oppfølging av tiltakene og veien videre.".into(),
                    starts_at: starts,
                    called_by: lead.to_string(),
                    created_at: called,
                    minutes: if held {
                        MinutesStatus::Approved.code()
                    } else {
                        MinutesStatus::None.code()
                    },
                    approved_at: held.then_some(starts + DAY),
                });
                for s in &staff {
                    h.batch.participants.push((
                        ParticipantId::new().to_string(),
                        id.to_string(),
                        ParticipantKind::Staff.code(),
                        Some(s.user.to_string()),
                        Some(s.unit.to_string()),
                        None,
                        h.batch
                            .team
                            .iter()
                            .rev()
                            .find(|m| m.0 == s.member)
                            .map(|m| m.6.clone())
                            .unwrap_or_default(),
                        if held {
                            Response::Accepted.code()
                        } else {
                            Response::Pending.code()
                        },
                        true,
                        held.then_some(true),
                        called,
                    ));
                }
                if kind.with_family() {
                    for (gid, gname) in &guardian_rows {
                        h.batch.participants.push((
                            ParticipantId::new().to_string(),
                            id.to_string(),
                            ParticipantKind::Guardian.code(),
                            None,
                            None,
                            Some(gid.to_string()),
                            gname.clone(),
                            Response::Pending.code(),
                            false,
                            held.then_some(true),
                            called,
                        ));
                    }
                }
                let start_s = crate::from_micros(starts).to_rfc3339();
                let end_s = crate::from_micros(starts + DAY / 24).to_rfc3339();
                h.entry(called, EntryKind::MeetingCalled, lead, None, json!({
                    "mote": id.to_string(), "type": kind.code(), "start": start_s, "slutt": end_s,
                    "antall": staff.len(), "moteplikt": false,
                }));
                h.record(called, lead, Ground::OwnUnit, Action::Update);
                if held {
                    let t = starts + DAY;
                    h.entry(t, EntryKind::MinutesApproved, lead, None, json!({
                        "mote": id.to_string(), "dato": iso(crate::from_micros(starts).date_naive()),
                        "vedtak": 0,
                    }));
                    h.record(t, lead, Ground::OwnUnit, Action::Update);
                }
            }
        }

        // Notes, and on a sample log as many as make it SAMPLE_ENTRIES long.
        let notes = if sample {
            super::SAMPLE_ENTRIES.saturating_sub(h.entries as usize)
        } else {
            rng.below(4) as usize
        };
        for k in 0..notes {
            let t = at(0.3 + 0.6 * (k as f64 + 1.0) / (notes as f64 + 1.0));
            let held = iso(crate::from_micros(t).date_naive());
            h.entry(
                t,
                EntryKind::Note,
                lead,
                Some(*rng.pick(names::NOTES)),
                json!({
                    "hendelse": "mote_holdt", "mote_holdt": held,
                }),
            );
        }
        let closed_at = (!open).then(|| at(0.95));
        if let Some(t) = closed_at {
            h.entry(
                t,
                EntryKind::Closed,
                lead,
                Some("Tiltakene har virket."),
                json!({ "avlyste_moter": 0 }),
            );
            h.record(t, lead, Ground::OwnUnit, Action::Update);
        }

        // Reads: the team opens the log now and then.
        for _ in 0..1 + rng.below(6) {
            let s = rng.pick(&staff);
            let t = at(rng.unit());
            h.record(t, s.user, ground_of(home.id, s.unit), Action::Read);
        }

        let (entries, last) = (h.entries, h.last);
        let decision_due = (open && level == 0)
            .then(|| iso(crate::from_micros(level_since).date_naive() + Days::new(14)));
        self.logs.push(LogRow {
            id: log.clone(),
            child: child_s,
            municipality: town.id.to_string(),
            home: home.id.to_string(),
            status: if open {
                LogStatus::Open.code()
            } else {
                LogStatus::Closed.code()
            },
            level,
            level_since: iso(crate::from_micros(level_since).date_naive()),
            decision_due,
            lead: lead.to_string(),
            created_at: started,
            updated_at: last,
            closed_at,
            revision: entries,
        });
        if open {
            self.open_logs += 1;
        }
        if sample {
            self.sample = Some(Sample {
                municipality: town.id,
                unit: home.id,
                child,
                log: log_id,
                user: lead,
                username: lead_username,
            });
        }
    }

    pub fn count(&self, c: &mut Counts) {
        let n = |v: usize| v as u64;
        c.children += n(self.children.len());
        c.guardians += n(self.guardians.len());
        c.logs += n(self.logs.len());
        c.open_logs += self.open_logs;
        c.consents += n(self.consents.len());
        c.team_members += n(self.team.len());
        c.measures += n(self.measures.len());
        c.evaluations += n(self.evaluations.len());
        c.meetings += n(self.meetings.len());
        c.meeting_participants += n(self.participants.len());
        c.log_entries += n(self.entries.len());
    }

    /// Inserts the chunk (in the caller's transaction) and appends its
    /// history to the access log, oldest first.
    pub fn insert(&self, c: &mut DbConnection) -> DbResult<()> {
        // Multi-row inserts need the concrete connection (the
        // multi-connection wrapper does not do batch inserts); chunks keep
        // every statement under the engines' parameter limits.
        macro_rules! bulk {
            ($table:expr, $rows:expr) => {
                for chunk in $rows.chunks(ROWS) {
                    let insert = diesel::insert_into($table).values(chunk.to_vec());
                    match c {
                        DbConnection::Sqlite(s) => insert.execute(s)?,
                        DbConnection::Postgresql(p) => insert.execute(p)?,
                    };
                }
            };
        }
        const ROWS: usize = 1_000;
        let v: Vec<_> = self
            .children
            .iter()
            .map(|(id, m, name, birth, at)| {
                (
                    children::id.eq(id),
                    children::municipality_id.eq(m),
                    children::name.eq(name),
                    children::birth_date.eq(birth),
                    children::unborn.eq(false),
                    children::created_at.eq(*at),
                )
            })
            .collect();
        bulk!(children::table, v);
        let v: Vec<_> = self
            .attends
            .iter()
            .map(|(ch, u)| (child_units::child_id.eq(ch), child_units::unit_id.eq(u)))
            .collect();
        bulk!(child_units::table, v);
        let v: Vec<_> = self
            .guardians
            .iter()
            .map(|(id, ch, name, rel, at)| {
                (
                    guardians::id.eq(id),
                    guardians::child_id.eq(ch),
                    guardians::name.eq(name),
                    guardians::relation.eq(*rel),
                    guardians::parental_responsibility.eq(true),
                    guardians::created_at.eq(*at),
                )
            })
            .collect();
        bulk!(guardians::table, v);
        let v: Vec<_> = self
            .logs
            .iter()
            .map(|l| {
                (
                    (
                        logs::id.eq(&l.id),
                        logs::child_id.eq(&l.child),
                        logs::municipality_id.eq(&l.municipality),
                        logs::home_unit_id.eq(&l.home),
                        logs::status.eq(l.status),
                        logs::level.eq(l.level),
                        logs::level_since.eq(&l.level_since),
                    ),
                    (
                        logs::decision_due.eq(&l.decision_due),
                        logs::lead_user_id.eq(Some(&l.lead)),
                        logs::created_by.eq(Some(&l.lead)),
                        logs::created_at.eq(l.created_at),
                        logs::updated_at.eq(l.updated_at),
                        logs::closed_at.eq(l.closed_at),
                        logs::revision.eq(l.revision),
                    ),
                )
            })
            .collect();
        bulk!(logs::table, v);
        let v: Vec<_> = self
            .team
            .iter()
            .map(|t| {
                (
                    team_members::id.eq(&t.0),
                    team_members::log_id.eq(&t.1),
                    team_members::kind.eq(t.2),
                    team_members::user_id.eq(&t.3),
                    team_members::unit_id.eq(&t.4),
                    team_members::guardian_id.eq(&t.5),
                    team_members::name.eq(&t.6),
                    team_members::team_role.eq(&t.7),
                    team_members::added_at.eq(t.8),
                    team_members::role_code.eq(&t.9),
                )
            })
            .collect();
        bulk!(team_members::table, v);
        let v: Vec<_> = self
            .consents
            .iter()
            .map(|k| {
                (
                    (
                        consents::id.eq(&k.id),
                        consents::log_id.eq(&k.log),
                        consents::givers.eq(&k.givers),
                        consents::unit_ids.eq(&k.units),
                        consents::purposes.eq("dele,mote"),
                        consents::valid_from.eq(&k.valid_from),
                        consents::valid_to.eq(&k.valid_to),
                    ),
                    (
                        consents::method.eq(k.method),
                        consents::created_by.eq(Some(&k.created_by)),
                        consents::created_at.eq(k.created_at),
                        consents::withdrawn_at.eq(k.withdrawn.as_ref().map(|w| w.0)),
                        consents::withdrawn_by.eq(k.withdrawn.as_ref().map(|w| &w.1)),
                        consents::withdraw_reason
                            .eq(k.withdrawn.as_ref().map(|_| "Foresatte trakk samtykket.")),
                    ),
                )
            })
            .collect();
        bulk!(consents::table, v);
        let v: Vec<_> = self
            .measures
            .iter()
            .map(|m| {
                (
                    measures::id.eq(&m.id),
                    measures::log_id.eq(&m.log),
                    measures::name.eq(&m.name),
                    measures::goal.eq(&m.goal),
                    measures::responsible_member_id.eq(&m.responsible),
                    measures::start_on.eq(&m.start),
                    measures::evaluate_by.eq(&m.evaluate_by),
                    measures::status.eq(m.status),
                    measures::best_interest.eq(Some(&m.best_interest)),
                    measures::created_by.eq(Some(&m.created_by)),
                    measures::created_at.eq(m.created_at),
                )
            })
            .collect();
        bulk!(measures::table, v);
        let v: Vec<_> = self
            .evaluations
            .iter()
            .map(|e| {
                (
                    evaluations::id.eq(&e.0),
                    evaluations::measure_id.eq(&e.1),
                    evaluations::evaluated_on.eq(&e.2),
                    evaluations::effect.eq(e.3),
                    evaluations::assessment.eq(&e.4),
                    evaluations::continuation.eq(e.5),
                    evaluations::next_evaluation.eq(&e.6),
                    evaluations::evaluated_by.eq(Some(&e.7)),
                    evaluations::created_at.eq(e.8),
                )
            })
            .collect();
        bulk!(evaluations::table, v);
        let v: Vec<_> = self
            .meetings
            .iter()
            .map(|m| {
                (
                    (
                        meetings::id.eq(&m.id),
                        meetings::municipality_id.eq(&m.municipality),
                        meetings::log_id.eq(Some(&m.log)),
                        meetings::kind.eq(m.kind),
                        meetings::status.eq(m.status),
                        meetings::purpose.eq(&m.purpose),
                        meetings::agenda.eq("1. Hvordan går det?\n2. Tiltakene\n3. Veien videre"),
                        meetings::starts_at.eq(m.starts_at),
                        meetings::ends_at.eq(m.starts_at + DAY / 24),
                        meetings::place.eq(Some("Møterom 1")),
                    ),
                    (
                        meetings::invite_guardians.eq(true),
                        meetings::invite_child.eq(false),
                        meetings::attendance_required.eq(false),
                        meetings::sequence.eq(0),
                        meetings::called_by.eq(Some(&m.called_by)),
                        meetings::created_at.eq(m.created_at),
                        meetings::updated_at.eq(m.approved_at.unwrap_or(m.created_at)),
                        meetings::minutes_status.eq(m.minutes),
                    ),
                    (
                        meetings::minutes_discussed
                            .eq(m.approved_at.map(|_| "Vi gikk gjennom tiltakene.")),
                        meetings::minutes_written_by
                            .eq(m.approved_at.map(|_| m.called_by.as_str())),
                        meetings::minutes_updated_at.eq(m.approved_at),
                        meetings::minutes_approved_by
                            .eq(m.approved_at.map(|_| m.called_by.as_str())),
                        meetings::minutes_approved_at.eq(m.approved_at),
                    ),
                )
            })
            .collect();
        bulk!(meetings::table, v);
        let v: Vec<_> = self
            .participants
            .iter()
            .map(|p| {
                (
                    meeting_participants::id.eq(&p.0),
                    meeting_participants::meeting_id.eq(&p.1),
                    meeting_participants::kind.eq(p.2),
                    meeting_participants::user_id.eq(&p.3),
                    meeting_participants::unit_id.eq(&p.4),
                    meeting_participants::guardian_id.eq(&p.5),
                    meeting_participants::name.eq(&p.6),
                    meeting_participants::response.eq(p.7),
                    meeting_participants::must_answer.eq(p.8),
                    meeting_participants::attended.eq(p.9),
                    meeting_participants::added_at.eq(p.10),
                    meeting_participants::called_in.eq(false),
                )
            })
            .collect();
        bulk!(meeting_participants::table, v);
        let v: Vec<_> = self
            .entries
            .iter()
            .map(|e| {
                (
                    log_entries::id.eq(&e.0),
                    log_entries::log_id.eq(&e.1),
                    log_entries::at.eq(e.2),
                    log_entries::kind.eq(e.3),
                    log_entries::actor_id.eq(&e.4),
                    log_entries::summary.eq(""),
                    log_entries::body.eq(&e.5),
                    log_entries::data.eq(Some(&e.6)),
                )
            })
            .collect();
        bulk!(log_entries::table, v);

        for chunk in self.records.chunks(5_000) {
            audit::append_all(c, chunk)?;
        }
        Ok(())
    }
}

/// The ground a team member opens the log on: their own unit's, or the
/// team's with consent.
fn ground_of(home: UnitId, unit: UnitId) -> Ground {
    if home == unit {
        Ground::OwnUnit
    } else {
        Ground::TeamConsent
    }
}
