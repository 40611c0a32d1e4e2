//! Calling a case meeting in a child's log: the invitation's fields, who may
//! be invited (the log's team, and for the family's meetings the guardians
//! with parental responsibility and the child), whom a consent must cover
//! (every unit other than the one that keeps the log, for meetings), when
//! invited services must answer (møteplikt, levels 2–3), when the child's
//! voice is due, and what an answer or a cancellation needs.

use super::MeetingKind;
use crate::ids::{GuardianId, UnitId, UserId};
use crate::log::consent::{self, ConsentFacts, ConsentRule, Coverage, Purpose};
use crate::log::escalation::EscalationModel;
use crate::validation::{Problem, optional_text, parse_date, required_text};
use chrono::{DateTime, Days, NaiveDate, NaiveDateTime, NaiveTime, Utc};

/// The longest purpose, agenda, place, note or reason.
pub const PURPOSE_MAX: usize = 2000;
pub const AGENDA_MAX: usize = 4000;
pub const PLACE_MAX: usize = 300;
pub const NOTE_MAX: usize = 1000;
/// Without a template row, the child's voice is due this many days before.
pub const DEFAULT_VOICE_DAYS_BEFORE: u8 = 7;
/// The most days before a meeting a template may set.
pub const MAX_VOICE_DAYS_BEFORE: u8 = 60;

/// Who is invited.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Invitee {
    /// A staff member on the team, for the unit they are on it for.
    Staff { user: UserId, unit: UnitId },
    /// A unit on the team as a whole.
    Unit(UnitId),
    /// A guardian with parental responsibility (family meetings only).
    Guardian(GuardianId),
    /// The child (family meetings only).
    Child,
}

impl Invitee {
    /// The unit a consent must cover before it is invited, if any.
    pub fn unit(self) -> Option<UnitId> {
        match self {
            Self::Staff { unit, .. } | Self::Unit(unit) => Some(unit),
            Self::Guardian(_) | Self::Child => None,
        }
    }

    /// Whether the invited must answer when attendance is required: the
    /// services (staff and units), not the family.
    pub fn serves(self) -> bool {
        self.unit().is_some()
    }
}

/// What the form may invite: the choices it offered.
#[derive(Clone, Debug, Default)]
pub struct InviteChoices {
    /// Staff on the team, with their unit.
    pub staff: Vec<(UserId, UnitId)>,
    /// Units on the team.
    pub units: Vec<UnitId>,
    /// Guardians with parental responsibility.
    pub guardians: Vec<GuardianId>,
}

/// A meeting-specific problem with a field, besides the common ones.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MeetingProblem {
    Common(Problem),
    /// Not a time of day (tt:mm).
    InvalidTime,
    /// The meeting ends before it starts.
    EndsBeforeStart,
    /// The meeting would start before now.
    StartsInPast,
    /// Neither a place nor a video link.
    PlaceOrLink,
    /// Nobody is invited.
    NobodyInvited,
    /// The family is invited to a meeting without the family (instansmøte).
    FamilyNotInvited,
    /// At møteplikt a «kommer ikke» needs a reason.
    DeclineNeedsReason,
}

impl From<Problem> for MeetingProblem {
    fn from(p: Problem) -> Self {
        Self::Common(p)
    }
}

/// The problems of a form, each under its field, in the order found.
pub type FieldProblems = Vec<(&'static str, MeetingProblem)>;

/// A meeting as the invitation form gives it, checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewMeeting {
    pub kind: MeetingKind,
    pub purpose: String,
    pub agenda: String,
    /// The day, as written (Norwegian time).
    pub day: NaiveDate,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub place: Option<String>,
    pub video_link: Option<String>,
    /// Sorted, each once.
    pub invitees: Vec<Invitee>,
}

impl NewMeeting {
    pub fn invites_guardians(&self) -> bool {
        self.invitees
            .iter()
            .any(|i| matches!(i, Invitee::Guardian(_)))
    }
    pub fn invites_child(&self) -> bool {
        self.invitees.contains(&Invitee::Child)
    }
}

/// The invitation form's raw fields.
#[derive(Clone, Debug, Default)]
pub struct MeetingForm<'a> {
    pub kind: &'a str,
    pub purpose: &'a str,
    pub agenda: &'a str,
    pub date: &'a str,
    pub from: &'a str,
    pub to: &'a str,
    pub place: &'a str,
    pub video_link: &'a str,
    /// `user:unit`
    pub staff: Vec<&'a str>,
    pub units: Vec<&'a str>,
    pub guardians: Vec<&'a str>,
    /// «ja» when the child is invited.
    pub child: bool,
}

/// A time of day as Norwegians write it: `9:00`, `09:00`, `09.00`.
pub fn parse_time(raw: &str) -> Result<Option<NaiveTime>, MeetingProblem> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    let normal = raw.replace('.', ":");
    NaiveTime::parse_from_str(&normal, "%H:%M")
        .map(Some)
        .map_err(|_| MeetingProblem::InvalidTime)
}

/// A video link: https only, no spaces, at most 500 characters.
fn video_link(raw: &str) -> Result<Option<String>, MeetingProblem> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    let ok = raw.starts_with("https://")
        && raw.len() > "https://".len() + 2
        && raw.len() <= 500
        && !raw.chars().any(|c| c.is_whitespace() || c.is_control());
    if ok {
        Ok(Some(raw.to_owned()))
    } else {
        Err(Problem::InvalidLink.into())
    }
}

impl NewMeeting {
    /// Checks the invitation form against the choices it offered. `today`
    /// is the day in Norway (a meeting cannot be called for a day past),
    /// `now` the moment (nor for a time already past today); `to_utc` turns a Norwegian local time into UTC (`None` for a time
    /// that does not exist, as in the hour skipped in spring).
    pub fn parse(
        form: &MeetingForm<'_>,
        choices: &InviteChoices,
        today: NaiveDate,
        now: DateTime<Utc>,
        to_utc: &dyn Fn(NaiveDateTime) -> Option<DateTime<Utc>>,
    ) -> Result<Self, FieldProblems> {
        let mut p: FieldProblems = Vec::new();
        let mut check = |field: &'static str, r: Result<String, Problem>| match r {
            Ok(v) => Some(v),
            Err(e) => {
                p.push((field, e.into()));
                None
            }
        };
        let kind = MeetingKind::from_code(form.kind).filter(|k| MeetingKind::CASE.contains(k));
        let purpose = check("formal", required_text(form.purpose, PURPOSE_MAX));
        let agenda = check("agenda", required_text(form.agenda, AGENDA_MAX));
        if kind.is_none() {
            p.push((
                "type",
                if form.kind.trim().is_empty() {
                    Problem::Required
                } else {
                    Problem::UnknownChoice
                }
                .into(),
            ));
        }
        let day = match parse_date(form.date) {
            Ok(Some(d)) if d < today => {
                p.push(("dato", Problem::DateInPast.into()));
                None
            }
            Ok(Some(d)) => Some(d),
            Ok(None) => {
                p.push(("dato", Problem::Required.into()));
                None
            }
            Err(e) => {
                p.push(("dato", e.into()));
                None
            }
        };
        let mut time = |field: &'static str, raw: &str| match parse_time(raw) {
            Ok(Some(t)) => Some(t),
            Ok(None) => {
                p.push((field, Problem::Required.into()));
                None
            }
            Err(e) => {
                p.push((field, e));
                None
            }
        };
        let from = time("fra", form.from);
        let to = time("til", form.to);
        let mut times = None;
        if let (Some(day), Some(from), Some(to)) = (day, from, to) {
            if to <= from {
                p.push(("til", MeetingProblem::EndsBeforeStart));
            } else {
                match (to_utc(day.and_time(from)), to_utc(day.and_time(to))) {
                    (Some(s), _) if s < now => p.push(("fra", MeetingProblem::StartsInPast)),
                    (Some(s), Some(e)) => times = Some((s, e)),
                    (None, _) => p.push(("fra", MeetingProblem::InvalidTime)),
                    (_, None) => p.push(("til", MeetingProblem::InvalidTime)),
                }
            }
        }
        let place = match optional_text(form.place, PLACE_MAX) {
            Ok(v) => v,
            Err(e) => {
                p.push(("sted", e.into()));
                None
            }
        };
        let link = match video_link(form.video_link) {
            Ok(v) => v,
            Err(e) => {
                p.push(("video", e));
                None
            }
        };
        if place.is_none()
            && link.is_none()
            && form.place.trim().is_empty()
            && form.video_link.trim().is_empty()
        {
            p.push(("sted", MeetingProblem::PlaceOrLink));
        }
        let mut invitees = Vec::new();
        let unknown = |field: &'static str, p: &mut FieldProblems| {
            if !p.iter().any(|(f, _)| *f == field) {
                p.push((field, Problem::UnknownChoice.into()));
            }
        };
        for raw in &form.staff {
            let pick = raw
                .split_once(':')
                .and_then(|(u, unit)| Some((u.parse().ok()?, unit.parse().ok()?)))
                .filter(|pick| choices.staff.contains(pick));
            match pick {
                Some((user, unit)) => invitees.push(Invitee::Staff { user, unit }),
                None => unknown("ansatte", &mut p),
            }
        }
        for raw in &form.units {
            match raw.parse().ok().filter(|u| choices.units.contains(u)) {
                Some(unit) => invitees.push(Invitee::Unit(unit)),
                None => unknown("enheter", &mut p),
            }
        }
        let family = kind.is_none_or(MeetingKind::with_family);
        for raw in &form.guardians {
            match raw.parse().ok().filter(|g| choices.guardians.contains(g)) {
                Some(g) if family => invitees.push(Invitee::Guardian(g)),
                Some(_) => {
                    if !p.iter().any(|(f, _)| *f == "foresatte") {
                        p.push(("foresatte", MeetingProblem::FamilyNotInvited));
                    }
                }
                None => unknown("foresatte", &mut p),
            }
        }
        if form.child {
            if family {
                invitees.push(Invitee::Child);
            } else {
                p.push(("barnet", MeetingProblem::FamilyNotInvited));
            }
        }
        invitees.sort();
        invitees.dedup();
        if invitees.is_empty() && !p.iter().any(|(f, _)| f.starts_with("ansatte")) {
            p.push(("ansatte", MeetingProblem::NobodyInvited));
        }
        match (kind, purpose, agenda, day, times) {
            (Some(kind), Some(purpose), Some(agenda), Some(day), Some((starts_at, ends_at)))
                if p.is_empty() =>
            {
                Ok(Self {
                    kind,
                    purpose,
                    agenda,
                    day,
                    starts_at,
                    ends_at,
                    place,
                    video_link: link,
                    invitees,
                })
            }
            _ => Err(p),
        }
    }
}

/// The units among `invitees` that no valid consent covers for meetings
/// today under `rule`: every unit but the one that keeps the log
/// (`home_unit`, its own records) needs one, in a meeting with the family
/// and in an instansmøte alike (the services discuss the child). Each unit
/// once, in the order of `invitees`.
pub fn not_covered(
    invitees: &[Invitee],
    facts: &ConsentFacts,
    rule: ConsentRule,
    home_unit: UnitId,
    today: NaiveDate,
) -> Vec<UnitId> {
    let mut out: Vec<UnitId> = Vec::new();
    for unit in invitees.iter().filter_map(|i| i.unit()) {
        if unit == home_unit || out.contains(&unit) {
            continue;
        }
        if !matches!(
            consent::coverage_for(facts, rule, unit, Purpose::Meetings, today),
            Coverage::Covered(_)
        ) {
            out.push(unit);
        }
    }
    out
}

/// Whether invited services must answer (møteplikt): at levels 2 and 3 of
/// either model (BTI: nivå 2–3; tiltakskjeden: tiltaksteam and
/// ledelsesteam, where «every service invited has a duty to attend»).
pub fn attendance_required(model: EscalationModel, level: u8) -> bool {
    level >= 2 && model.level(level).is_some()
}

/// The day by which the lead gathers the child's voice: `days_before` the
/// meeting's day.
pub fn voice_due(day: NaiveDate, days_before: u8) -> NaiveDate {
    day.checked_sub_days(Days::new(u64::from(days_before)))
        .unwrap_or(day)
}

/// An invited staff member's answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Answer {
    pub coming: bool,
    pub note: Option<String>,
}

impl Answer {
    /// «kommer» or «kommer_ikke», with a note; at møteplikt (`must_answer`)
    /// a decline needs a reason in the note.
    pub fn parse(response: &str, note: &str, must_answer: bool) -> Result<Self, FieldProblems> {
        let mut p: FieldProblems = Vec::new();
        let coming = match response {
            "kommer" => Some(true),
            "kommer_ikke" => Some(false),
            "" => {
                p.push(("svar", Problem::Required.into()));
                None
            }
            _ => {
                p.push(("svar", Problem::UnknownChoice.into()));
                None
            }
        };
        let note = match optional_text(note, NOTE_MAX) {
            Ok(n) => n,
            Err(e) => {
                p.push(("merknad", e.into()));
                None
            }
        };
        if coming == Some(false) && must_answer && note.is_none() && p.is_empty() {
            p.push(("merknad", MeetingProblem::DeclineNeedsReason));
        }
        match coming {
            Some(coming) if p.is_empty() => Ok(Self { coming, note }),
            _ => Err(p),
        }
    }
}

/// Why a meeting is cancelled: required.
pub fn cancel_reason(raw: &str) -> Result<String, FieldProblems> {
    required_text(raw, NOTE_MAX).map_err(|e| vec![("grunn", e.into())])
}

/// A template's «days before» field: 0–60.
pub fn voice_days_before(raw: &str) -> Result<u8, MeetingProblem> {
    let given = raw.trim().parse::<i64>().ok();
    given
        .filter(|d| (0..=i64::from(MAX_VOICE_DAYS_BEFORE)).contains(d))
        .and_then(|d| u8::try_from(d).ok())
        .ok_or(MeetingProblem::Common(Problem::NumberOutside {
            min: 0,
            max: i64::from(MAX_VOICE_DAYS_BEFORE),
            given,
        }))
}

#[cfg(test)]
#[allow(clippy::panic)]
mod tests {
    use super::*;
    use crate::ids::ConsentId;
    use crate::log::consent::{Consent, Giver};
    use chrono::TimeZone;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default()
    }

    fn at(y: i32, m: u32, day: u32) -> DateTime<Utc> {
        Utc.from_utc_datetime(&d(y, m, day).and_hms_opt(8, 0, 0).unwrap_or_default())
    }

    /// Treats local time as UTC: the conversion is the web layer's.
    fn as_utc(t: NaiveDateTime) -> Option<DateTime<Utc>> {
        Some(Utc.from_utc_datetime(&t))
    }

    struct World {
        lead: UserId,
        home: UnitId,
        ppt: UnitId,
        mother: GuardianId,
    }

    fn world() -> World {
        World {
            lead: UserId::new(),
            home: UnitId::new(),
            ppt: UnitId::new(),
            mother: GuardianId::new(),
        }
    }

    fn choices(w: &World) -> InviteChoices {
        InviteChoices {
            staff: vec![(w.lead, w.home)],
            units: vec![w.ppt],
            guardians: vec![w.mother],
        }
    }

    fn form<'a>(kind: &'a str, staff: &'a str) -> MeetingForm<'a> {
        MeetingForm {
            kind,
            purpose: "Bli enige om tiltak.",
            agenda: "1. Runde",
            date: "10.12.2026",
            from: "9:00",
            to: "10.30",
            place: "Møterom",
            staff: vec![staff],
            ..MeetingForm::default()
        }
    }

    fn fields(p: &FieldProblems) -> Vec<(&'static str, MeetingProblem)> {
        p.clone()
    }

    #[test]
    fn a_meeting_is_parsed_with_its_times_and_invitees() {
        let w = world();
        let staff = format!("{}:{}", w.lead, w.home);
        let mother = w.mother.to_string();
        let ppt = w.ppt.to_string();
        let mut f = form("samarbeid", &staff);
        f.guardians = vec![&mother];
        f.units = vec![&ppt];
        f.child = true;
        let m = NewMeeting::parse(&f, &choices(&w), d(2026, 12, 1), at(2026, 12, 1), &as_utc);
        let m = m.unwrap_or_else(|p| panic!("{p:?}"));
        assert_eq!(m.kind, MeetingKind::Cooperation);
        assert_eq!(m.day, d(2026, 12, 10));
        assert_eq!(m.starts_at.format("%H:%M").to_string(), "09:00");
        assert_eq!(m.ends_at.format("%H:%M").to_string(), "10:30");
        assert_eq!(m.invitees.len(), 4);
        assert!(m.invites_guardians() && m.invites_child());
    }

    #[test]
    fn every_problem_is_named_beside_its_field() {
        let w = world();
        let f = MeetingForm {
            kind: "team",
            date: "01.01.2026",
            from: "25:00",
            to: "",
            video_link: "http://møte.example",
            ..MeetingForm::default()
        };
        let p = NewMeeting::parse(&f, &choices(&w), d(2026, 12, 1), at(2026, 12, 1), &as_utc)
            .err()
            .unwrap_or_default();
        let got = fields(&p);
        for expected in [
            ("formal", MeetingProblem::Common(Problem::Required)),
            ("agenda", MeetingProblem::Common(Problem::Required)),
            ("type", MeetingProblem::Common(Problem::UnknownChoice)),
            ("dato", MeetingProblem::Common(Problem::DateInPast)),
            ("fra", MeetingProblem::InvalidTime),
            ("til", MeetingProblem::Common(Problem::Required)),
            ("video", MeetingProblem::Common(Problem::InvalidLink)),
            ("ansatte", MeetingProblem::NobodyInvited),
        ] {
            assert!(got.contains(&expected), "{expected:?} not in {got:?}");
        }
        assert!(
            !got.iter().any(|(f, _)| *f == "sted"),
            "a link was given, if a bad one"
        );
    }

    #[test]
    fn a_meeting_ends_after_it_starts_and_has_a_place_or_a_link() {
        let w = world();
        let staff = format!("{}:{}", w.lead, w.home);
        let mut f = form("instans", &staff);
        f.to = "08:00";
        f.place = "";
        let p = NewMeeting::parse(&f, &choices(&w), d(2026, 12, 1), at(2026, 12, 1), &as_utc)
            .err()
            .unwrap_or_default();
        assert!(p.contains(&("til", MeetingProblem::EndsBeforeStart)));
        assert!(p.contains(&("sted", MeetingProblem::PlaceOrLink)));
        f.to = "10:00";
        f.video_link = "https://video.example/rom";
        let m = NewMeeting::parse(&f, &choices(&w), d(2026, 12, 1), at(2026, 12, 1), &as_utc);
        assert!(m.is_ok_and(|m| m.video_link.as_deref() == Some("https://video.example/rom")));
    }

    #[test]
    fn a_meeting_cannot_start_before_now() {
        let w = world();
        let staff = format!("{}:{}", w.lead, w.home);
        let mut f = form("samarbeid", &staff);
        f.date = "01.12.2026";
        f.from = "07:00";
        f.to = "08:00";
        let p = NewMeeting::parse(&f, &choices(&w), d(2026, 12, 1), at(2026, 12, 1), &as_utc)
            .err()
            .unwrap_or_default();
        assert!(p.contains(&("fra", MeetingProblem::StartsInPast)), "{p:?}");
        f.from = "09:00";
        f.to = "10:00";
        let m = NewMeeting::parse(&f, &choices(&w), d(2026, 12, 1), at(2026, 12, 1), &as_utc);
        assert!(m.is_ok(), "later today is fine");
    }

    #[test]
    fn the_family_is_invited_only_to_the_familys_meetings_and_only_as_offered() {
        let w = world();
        let staff = format!("{}:{}", w.lead, w.home);
        let mother = w.mother.to_string();
        let mut f = form("instans", &staff);
        f.guardians = vec![&mother];
        f.child = true;
        let p = NewMeeting::parse(&f, &choices(&w), d(2026, 12, 1), at(2026, 12, 1), &as_utc)
            .err()
            .unwrap_or_default();
        assert!(p.contains(&("foresatte", MeetingProblem::FamilyNotInvited)));
        assert!(p.contains(&("barnet", MeetingProblem::FamilyNotInvited)));
        // Someone the form did not offer.
        let stranger = format!("{}:{}", UserId::new(), w.home);
        let f = form("samarbeid", &stranger);
        let p = NewMeeting::parse(&f, &choices(&w), d(2026, 12, 1), at(2026, 12, 1), &as_utc)
            .err()
            .unwrap_or_default();
        assert!(p.contains(&("ansatte", MeetingProblem::Common(Problem::UnknownChoice))));
    }

    fn consent(units: Vec<UnitId>, purposes: Vec<Purpose>, givers: Vec<Giver>) -> Consent {
        Consent {
            id: ConsentId::new(),
            givers,
            units,
            purposes,
            valid_from: d(2026, 1, 1),
            valid_to: d(2027, 1, 1),
            withdrawn_at: None,
        }
    }

    #[test]
    fn every_unit_but_the_keeping_one_needs_a_consent_for_meetings() {
        let w = world();
        let school = UnitId::new();
        let invitees = [
            Invitee::Staff {
                user: w.lead,
                unit: w.home,
            },
            Invitee::Unit(w.ppt),
            Invitee::Unit(school),
            Invitee::Guardian(w.mother),
        ];
        let giver = vec![Giver::Guardian(w.mother)];
        let facts = |consents| ConsentFacts {
            responsible_guardians: vec![w.mother],
            child_age: Some(6),
            consents,
            health_units: vec![],
        };
        let today = d(2026, 6, 1);
        // Sharing only is not taking part in meetings.
        let f = facts(vec![consent(
            vec![w.ppt, school],
            vec![Purpose::ShareInformation],
            giver.clone(),
        )]);
        assert_eq!(
            not_covered(&invitees, &f, ConsentRule::AllGuardians, w.home, today),
            vec![w.ppt, school]
        );
        let f = facts(vec![consent(
            vec![w.ppt],
            vec![Purpose::Meetings],
            giver.clone(),
        )]);
        assert_eq!(
            not_covered(&invitees, &f, ConsentRule::AllGuardians, w.home, today),
            vec![school]
        );
        // Expired: not covered.
        assert_eq!(
            not_covered(
                &invitees,
                &f,
                ConsentRule::AllGuardians,
                w.home,
                d(2027, 2, 1)
            ),
            vec![w.ppt, school]
        );
    }

    /// Who calls, changes and cancels: the lead and the keeping unit's
    /// leader on an open log; a covered team member from another unit, the
    /// keeping unit's other staff and break-glass do not; on a closed log
    /// the holder is told it is closed, the others are refused as before.
    #[test]
    fn the_holder_of_the_log_convenes_meetings() {
        use crate::access::LogFacts;
        use crate::access::{Actor, Membership, WriteRefused};
        use crate::admin::user::Role;
        use crate::ids::{BreakGlassId, LogId, MunicipalityId};
        let w = world();
        let m = MunicipalityId::new();
        let member = |unit, role| Membership {
            municipality_id: m,
            unit_id: Some(unit),
            role,
        };
        let lead = Actor::for_tests(w.lead, false, vec![member(w.home, Role::Ansatt)]);
        let colleague = Actor::for_tests(UserId::new(), false, vec![member(w.home, Role::Ansatt)]);
        let leader = Actor::for_tests(UserId::new(), false, vec![member(w.home, Role::Leder)]);
        let ppt = Actor::for_tests(UserId::new(), false, vec![member(w.ppt, Role::Ansatt)]);
        let today = d(2026, 6, 1);
        let mut facts = LogFacts {
            log_id: LogId::new(),
            municipality_id: m,
            home_unit: w.home,
            is_open: true,
            team: vec![(lead.user_id(), w.home), (ppt.user_id(), w.ppt)],
            lead: Some(lead.user_id()),
            consent: ConsentFacts {
                responsible_guardians: vec![w.mother],
                child_age: Some(6),
                consents: vec![consent(
                    vec![w.ppt],
                    vec![Purpose::ShareInformation, Purpose::Meetings],
                    vec![Giver::Guardian(w.mother)],
                )],
                health_units: vec![],
            },
            consent_rule: ConsentRule::AllGuardians,
            break_glass: None,
            coordination_requested: false,
            plan_requested: false,
        };
        let convenes = |a: &Actor, f: &LogFacts| {
            a.open_log(f, today)
                .map_err(|_| WriteRefused::Denied)
                .and_then(|r| r.meeting_convener().map(|_| ()))
        };
        assert_eq!(convenes(&lead, &facts), Ok(()));
        assert_eq!(convenes(&leader, &facts), Ok(()));
        assert_eq!(convenes(&colleague, &facts), Err(WriteRefused::Denied));
        assert_eq!(convenes(&ppt, &facts), Err(WriteRefused::Denied));
        facts.is_open = false;
        assert_eq!(convenes(&lead, &facts), Err(WriteRefused::Closed));
        assert_eq!(convenes(&ppt, &facts), Err(WriteRefused::Denied));
        facts.is_open = true;
        let welfare = Actor::for_tests(
            UserId::new(),
            false,
            vec![member(UnitId::new(), Role::Ansatt)],
        );
        facts.break_glass = Some(BreakGlassId::new());
        assert_eq!(convenes(&welfare, &facts), Err(WriteRefused::Denied));
    }

    #[test]
    fn services_must_answer_at_levels_two_and_three() {
        for model in EscalationModel::ALL {
            assert!(!attendance_required(model, 1));
            assert!(attendance_required(model, 2));
            assert!(attendance_required(model, 3));
        }
        assert!(!attendance_required(EscalationModel::Bti, 0));
        assert!(!attendance_required(EscalationModel::Bti, 4));
    }

    #[test]
    fn the_voice_is_due_days_before_the_meeting() {
        assert_eq!(voice_due(d(2026, 12, 10), 7), d(2026, 12, 3));
        assert_eq!(voice_due(d(2026, 12, 10), 0), d(2026, 12, 10));
        assert_eq!(voice_days_before("60"), Ok(60));
        assert!(voice_days_before("61").is_err());
        assert!(voice_days_before("-1").is_err());
        assert!(voice_days_before("sju").is_err());
    }

    #[test]
    fn a_decline_at_duty_to_attend_needs_a_reason() {
        assert_eq!(
            Answer::parse("kommer_ikke", " ", true),
            Err(vec![("merknad", MeetingProblem::DeclineNeedsReason)])
        );
        assert!(Answer::parse("kommer_ikke", "", false).is_ok_and(|a| !a.coming));
        assert!(Answer::parse("kommer_ikke", "Sykdom.", true).is_ok());
        assert!(Answer::parse("kommer", "", true).is_ok_and(|a| a.coming));
        assert!(Answer::parse("kanskje", "", true).is_err());
        assert!(cancel_reason("  ").is_err());
    }
}
