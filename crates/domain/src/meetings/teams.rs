//! Standing teams: their kinds and meeting rules (≥ 2 meetings in autumn
//! and ≥ 3 in spring, every Monday, …) and whether a semester falls short.
//!
//! The semester arithmetic: autumn is August to December, spring January to
//! June; July belongs to neither (no team meets then, and a meeting in July
//! counts towards no rule). «This semester» in July is the coming autumn.
//!
//! A semester's meetings are those that start on a day in it and are not
//! cancelled; one that started before today counts as held, the others as
//! planned. A semester *falls short* when planned and held together are
//! fewer than the rule requires: a leader who plans enough meetings is not
//! warned, and a cancelled meeting has to be planned anew.

use super::{MeetingStatus, coded};
use crate::admin::unit::UnitKind;
use crate::ids::{LogId, UnitId};
use chrono::{Datelike, NaiveDate, NaiveTime, Weekday};

coded!(
    /// What kind of standing team (standing_teams.kind).
    TeamKind {
        /// Tverrfaglig samhandlingsteam at a school or kindergarten.
        Tst => "tst",
        /// Tidlig innsatsteam for one age group.
        EarlyIntervention => "tidlig_innsats",
        /// Samhandlingsteam for children.
        CooperationChildren => "samhandling_barn",
        /// Samhandlingsteam for youth (16–25).
        CooperationYouth => "samhandling_ungdom",
        /// Samhandlingsforum for leaders.
        LeadersForum => "samhandlingsforum",
    }
);

/// The age groups of the tidlig innsatsteam (seed 002): one team each.
pub const TEAM_AGE_BANDS: [&str; 5] = ["0-1", "1-5", "6-12", "13-15", "16-23"];

/// The longest a meeting rule may ask for in a semester (about one a week).
pub const MAX_PER_SEMESTER: u32 = 26;
/// The longest minimum length of a meeting, in minutes (a working day).
pub const MAX_MIN_MINUTES: u32 = 480;

/// What a new team of a kind starts with; the administrator changes any of
/// it afterwards.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TeamDefaults {
    pub rule: MeetingRule,
    pub min_minutes: u32,
    /// Units of these kinds (in the municipality) are fixed members.
    pub fixed: &'static [UnitKind],
    /// Units of these kinds are called on demand.
    pub on_demand: &'static [UnitKind],
    /// Whether the agenda template is TST's three parts (seed 004); other
    /// kinds start with a general one. The words are the web layer's.
    pub three_part_agenda: bool,
}

impl TeamKind {
    /// A TST belongs to one school or kindergarten.
    pub fn needs_unit(self) -> bool {
        self == Self::Tst
    }

    /// A tidlig innsatsteam serves one age group.
    pub fn needs_age_band(self) -> bool {
        self == Self::EarlyIntervention
    }

    /// The defaults of the seeds: TST (004) with the school or kindergarten,
    /// PPT, the health nurse and child welfare as fixed members and NAV on
    /// demand, ≥ 2 meetings in autumn and ≥ 3 in spring, 2.5 hours; tidlig
    /// innsatsteam (002) with PPT, child welfare and the health services;
    /// samhandlingsteam for children every Monday; samhandlingsforum for
    /// leaders twice a year.
    pub fn defaults(self) -> TeamDefaults {
        const SERVICES: &[UnitKind] = &[UnitKind::Ppt, UnitKind::Helsestasjon, UnitKind::Barnevern];
        match self {
            Self::Tst => TeamDefaults {
                rule: MeetingRule::PerSemester {
                    autumn: 2,
                    spring: 3,
                },
                min_minutes: 150,
                fixed: SERVICES,
                on_demand: &[UnitKind::Nav],
                three_part_agenda: true,
            },
            Self::EarlyIntervention => TeamDefaults {
                rule: MeetingRule::PerSemester {
                    autumn: 2,
                    spring: 2,
                },
                min_minutes: 90,
                fixed: SERVICES,
                on_demand: &[UnitKind::Nav, UnitKind::Familiesenter],
                three_part_agenda: false,
            },
            Self::CooperationChildren => TeamDefaults {
                rule: MeetingRule::Weekly(Weekday::Mon),
                min_minutes: 60,
                fixed: SERVICES,
                on_demand: &[UnitKind::Nav],
                three_part_agenda: false,
            },
            Self::CooperationYouth => TeamDefaults {
                rule: MeetingRule::PerSemester {
                    autumn: 2,
                    spring: 2,
                },
                min_minutes: 90,
                fixed: &[
                    UnitKind::Helsestasjon,
                    UnitKind::Barnevern,
                    UnitKind::Nav,
                    UnitKind::PsykiskHelseRus,
                ],
                on_demand: &[UnitKind::Ppt, UnitKind::KulturFritid],
                three_part_agenda: false,
            },
            Self::LeadersForum => TeamDefaults {
                rule: MeetingRule::PerSemester {
                    autumn: 1,
                    spring: 1,
                },
                min_minutes: 120,
                fixed: &[],
                on_demand: &[],
                three_part_agenda: false,
            },
        }
    }
}

/// The units a new team of `kind` starts with, as (unit, on demand): its own
/// school or kindergarten (a TST's) as fixed, then the municipality's
/// `units` of the kinds the defaults name, fixed or on demand.
pub fn default_units(
    kind: TeamKind,
    own: Option<UnitId>,
    units: &[(UnitId, UnitKind)],
) -> Vec<(UnitId, bool)> {
    let d = kind.defaults();
    let mut out: Vec<(UnitId, bool)> = own.map(|u| (u, false)).into_iter().collect();
    for (unit, unit_kind) in units {
        if Some(*unit) == own {
            continue;
        }
        if d.fixed.contains(unit_kind) {
            out.push((*unit, false));
        } else if d.on_demand.contains(unit_kind) {
            out.push((*unit, true));
        }
    }
    out
}

/// Half of a school year.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Term {
    /// January to June.
    Spring,
    /// August to December.
    Autumn,
}

/// One semester: the spring or the autumn of a year. Ordered in time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Semester {
    pub year: i32,
    pub term: Term,
}

impl Semester {
    pub fn spring(year: i32) -> Self {
        Self {
            year,
            term: Term::Spring,
        }
    }

    pub fn autumn(year: i32) -> Self {
        Self {
            year,
            term: Term::Autumn,
        }
    }

    /// The semester a day falls in; `None` in July.
    pub fn of(day: NaiveDate) -> Option<Self> {
        match day.month() {
            1..=6 => Some(Self::spring(day.year())),
            8..=12 => Some(Self::autumn(day.year())),
            _ => None,
        }
    }

    /// «This semester» on `today`: the one it falls in, and in July the
    /// coming autumn.
    pub fn current(today: NaiveDate) -> Self {
        Self::of(today).unwrap_or(Self::autumn(today.year()))
    }

    /// The two semesters of a year, spring first.
    pub fn of_year(year: i32) -> [Self; 2] {
        [Self::spring(year), Self::autumn(year)]
    }

    pub fn first_day(self) -> NaiveDate {
        let month = match self.term {
            Term::Spring => 1,
            Term::Autumn => 8,
        };
        NaiveDate::from_ymd_opt(self.year, month, 1).unwrap_or(NaiveDate::MIN)
    }

    pub fn last_day(self) -> NaiveDate {
        let (month, day) = match self.term {
            Term::Spring => (6, 30),
            Term::Autumn => (12, 31),
        };
        NaiveDate::from_ymd_opt(self.year, month, day).unwrap_or(NaiveDate::MAX)
    }

    pub fn contains(self, day: NaiveDate) -> bool {
        Self::of(day) == Some(self)
    }

    /// The semester after this one.
    pub fn next(self) -> Self {
        match self.term {
            Term::Spring => Self::autumn(self.year),
            Term::Autumn => Self::spring(self.year + 1),
        }
    }

    /// The semester before this one.
    pub fn previous(self) -> Self {
        match self.term {
            Term::Spring => Self::autumn(self.year - 1),
            Term::Autumn => Self::spring(self.year),
        }
    }

    /// How many times `weekday` falls in the semester.
    pub fn count_of(self, weekday: Weekday) -> u32 {
        let first = self.first_day();
        let days = (self.last_day() - first).num_days() + 1;
        let offset = (i64::from(weekday.num_days_from_monday())
            - i64::from(first.weekday().num_days_from_monday()))
        .rem_euclid(7);
        u32::try_from((days - offset + 6) / 7).unwrap_or(0)
    }
}

/// How often a team must meet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MeetingRule {
    /// At least so many meetings in each autumn and each spring.
    PerSemester { autumn: u32, spring: u32 },
    /// Every week on this day («every Monday»).
    Weekly(Weekday),
}

impl MeetingRule {
    /// The rule as stored: `min_autumn`, `min_spring`, `weekday` (1 =
    /// Monday). A weekday makes the rule weekly.
    pub fn from_stored(min_autumn: i32, min_spring: i32, weekday: Option<i32>) -> Self {
        match weekday.and_then(weekday_of) {
            Some(day) => Self::Weekly(day),
            None => Self::PerSemester {
                autumn: u32::try_from(min_autumn).unwrap_or(0),
                spring: u32::try_from(min_spring).unwrap_or(0),
            },
        }
    }

    /// `(min_autumn, min_spring, weekday)` to store.
    pub fn to_stored(self) -> (i32, i32, Option<i32>) {
        match self {
            Self::PerSemester { autumn, spring } => (
                i32::try_from(autumn).unwrap_or(i32::MAX),
                i32::try_from(spring).unwrap_or(i32::MAX),
                None,
            ),
            Self::Weekly(day) => (0, 0, Some(weekday_number(day))),
        }
    }

    /// How many meetings the rule asks for in `semester`.
    pub fn required(self, semester: Semester) -> u32 {
        match (self, semester.term) {
            (Self::PerSemester { autumn, .. }, Term::Autumn) => autumn,
            (Self::PerSemester { spring, .. }, Term::Spring) => spring,
            (Self::Weekly(day), _) => semester.count_of(day),
        }
    }
}

/// 1 = Monday … 7 = Sunday, as stored and as the form sends it.
pub fn weekday_of(n: i32) -> Option<Weekday> {
    Some(match n {
        1 => Weekday::Mon,
        2 => Weekday::Tue,
        3 => Weekday::Wed,
        4 => Weekday::Thu,
        5 => Weekday::Fri,
        6 => Weekday::Sat,
        7 => Weekday::Sun,
        _ => return None,
    })
}

/// The number of a weekday, 1 = Monday.
pub fn weekday_number(day: Weekday) -> i32 {
    i32::try_from(day.number_from_monday()).unwrap_or(1)
}

/// One meeting as the count needs it: the day it starts (in Norway) and its
/// status.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Dated {
    pub day: NaiveDate,
    pub status: MeetingStatus,
}

/// Where a semester stands against the rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Standing {
    pub semester: Semester,
    pub required: u32,
    /// Not cancelled, starting today or later.
    pub planned: u32,
    /// Not cancelled, started before today (or marked held).
    pub held: u32,
}

impl Standing {
    /// Counts the meetings of `semester` against `rule` on `today`.
    pub fn of(rule: MeetingRule, semester: Semester, meetings: &[Dated], today: NaiveDate) -> Self {
        let mut planned = 0;
        let mut held = 0;
        for m in meetings
            .iter()
            .filter(|m| semester.contains(m.day) && m.status != MeetingStatus::Cancelled)
        {
            if m.status == MeetingStatus::Held || m.day < today {
                held += 1;
            } else {
                planned += 1;
            }
        }
        Self {
            semester,
            required: rule.required(semester),
            planned,
            held,
        }
    }

    /// Planned and held together are fewer than the rule asks for.
    pub fn falls_short(&self) -> bool {
        self.planned + self.held < self.required
    }

    /// How many meetings are missing (0 when the rule is met).
    pub fn missing(&self) -> u32 {
        self.required.saturating_sub(self.planned + self.held)
    }
}

/// A meeting's start and length as the planning form gives them, checked
/// against the team's minimum length.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LengthProblem {
    /// Not a whole number of minutes from 1 to 24 hours.
    NotMinutes,
    /// Shorter than the team's rule (`min` minutes).
    TooShort { min: u32 },
}

/// The length of a planned meeting in minutes: a whole number, at least the
/// team's minimum and at most a day.
pub fn meeting_length(raw: &str, min_minutes: u32) -> Result<u32, LengthProblem> {
    let minutes: u32 = raw.trim().parse().map_err(|_| LengthProblem::NotMinutes)?;
    if minutes == 0 || minutes > 24 * 60 {
        return Err(LengthProblem::NotMinutes);
    }
    if minutes < min_minutes {
        return Err(LengthProblem::TooShort { min: min_minutes });
    }
    Ok(minutes)
}

/// A time of day as written: «14:30», «14.30», «9:05» or «1430».
pub fn parse_clock(raw: &str) -> Option<NaiveTime> {
    let raw = raw.trim();
    let (h, m) = if let Some((h, m)) = raw.split_once([':', '.']) {
        (h, m)
    } else if raw.len() == 4 && raw.bytes().all(|b| b.is_ascii_digit()) {
        raw.split_at(2)
    } else {
        return None;
    };
    if h.is_empty() || h.len() > 2 || m.len() != 2 {
        return None;
    }
    if !h.bytes().chain(m.bytes()).all(|b| b.is_ascii_digit()) {
        return None;
    }
    NaiveTime::from_hms_opt(h.parse().ok()?, m.parse().ok()?, 0)
}

/// Which of the team's fixed member units a log's consent does not cover
/// today: a named case may be brought only when this is empty. The unit
/// that keeps the log has the child's log already and needs no consent.
pub fn uncovered_units(
    team_units: &[UnitId],
    log: &crate::access::LogFacts,
    today: NaiveDate,
) -> Vec<UnitId> {
    let mut out: Vec<UnitId> = team_units
        .iter()
        .copied()
        .filter(|u| *u != log.home_unit)
        .filter(|u| {
            !matches!(
                crate::log::consent::coverage(&log.consent, log.consent_rule, *u, today),
                crate::log::consent::Coverage::Covered(_)
            )
        })
        .collect();
    out.sort();
    out.dedup();
    out
}

/// A case as a reader is shown it: a named case names its child only to
/// those who may open its log; to everyone else it is anonymous (its age
/// band and summary).
pub fn shown_as_named(log: Option<LogId>, openable: &[LogId]) -> bool {
    log.is_some_and(|l| openable.contains(&l))
}

/// The counts of the yearly report on a team's cases. A withdrawn case was
/// not discussed: it counts only as withdrawn, in none of the others (so
/// the share with guardians present is of the cases the team took up).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CaseCounts {
    pub total: u32,
    pub anonymous: u32,
    pub named: u32,
    pub brought_by_guardians: u32,
    pub guardians_present: u32,
    pub withdrawn: u32,
}

impl CaseCounts {
    /// Adds one withdrawn case.
    pub fn add_withdrawn(&mut self) {
        self.withdrawn += 1;
    }

    /// Adds one case.
    pub fn add(&mut self, anonymous: bool, by_guardian: bool, guardians_present: bool) {
        self.total += 1;
        if anonymous {
            self.anonymous += 1;
        } else {
            self.named += 1;
        }
        if by_guardian {
            self.brought_by_guardians += 1;
        }
        if guardians_present {
            self.guardians_present += 1;
        }
    }

    /// The share of cases with guardians present, in whole per cent
    /// (rounded half up); `None` without cases.
    pub fn guardians_present_percent(&self) -> Option<u32> {
        (self.total > 0).then(|| (self.guardians_present * 200 + self.total) / (self.total * 2))
    }
}

/// The longest note on one case in a team meeting's minutes («short
/// notes»), and the longest general part.
pub const CASE_NOTE_MAX: usize = 2000;
pub const MINUTES_TEXT_MAX: usize = 8000;
/// The longest reason for withdrawing a case.
pub const WITHDRAW_REASON_MAX: usize = 1000;

/// Why a team meeting's minutes may not be written (drafted or approved)
/// now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MinutesClosed {
    /// The meeting was cancelled.
    Cancelled,
    /// The meeting has not begun.
    NotBegun,
    /// The minutes are approved, and so locked.
    Approved,
}

/// Whether a team meeting's minutes may be written: the meeting has begun
/// and is not cancelled, and the minutes are not approved.
pub fn minutes_open(
    status: MeetingStatus,
    begun: bool,
    minutes: super::MinutesStatus,
) -> Result<(), MinutesClosed> {
    if minutes == super::MinutesStatus::Approved {
        Err(MinutesClosed::Approved)
    } else if status == MeetingStatus::Cancelled {
        Err(MinutesClosed::Cancelled)
    } else if !begun {
        Err(MinutesClosed::NotBegun)
    } else {
        Ok(())
    }
}

/// What a team meeting's saved minutes lack before the leader may approve
/// them: everyone invited marked present or absent, and a note on every
/// case taken up in the meeting (what was discussed).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MinutesGaps {
    /// Invited (units and persons) with no attendance.
    pub attendance: usize,
    /// Cases of the meeting with no note.
    pub notes: usize,
}

impl MinutesGaps {
    pub fn of<'a>(
        attendance: impl IntoIterator<Item = Option<bool>>,
        notes: impl IntoIterator<Item = Option<&'a str>>,
    ) -> Self {
        Self {
            attendance: attendance.into_iter().filter(Option::is_none).count(),
            notes: notes
                .into_iter()
                .filter(|n| n.is_none_or(|n| n.trim().is_empty()))
                .count(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.attendance == 0 && self.notes == 0
    }
}

/// Why a case may not be withdrawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WithdrawRefused {
    /// The team has made decisions on it: it was taken up.
    Decided,
    /// Its meeting's minutes are approved: it was discussed.
    InApprovedMinutes,
}

/// A case may be withdrawn until the team has taken it up: no decision on
/// it, and its meeting's minutes (if it is on a meeting) not approved.
pub fn may_withdraw(decisions: usize, minutes_approved: bool) -> Result<(), WithdrawRefused> {
    if decisions > 0 {
        Err(WithdrawRefused::Decided)
    } else if minutes_approved {
        Err(WithdrawRefused::InApprovedMinutes)
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default()
    }

    #[test]
    fn autumn_is_august_to_december_and_spring_january_to_june() {
        assert_eq!(Semester::of(d(2026, 1, 1)), Some(Semester::spring(2026)));
        assert_eq!(Semester::of(d(2026, 6, 30)), Some(Semester::spring(2026)));
        assert_eq!(Semester::of(d(2026, 7, 1)), None);
        assert_eq!(Semester::of(d(2026, 7, 31)), None);
        assert_eq!(Semester::of(d(2026, 8, 1)), Some(Semester::autumn(2026)));
        assert_eq!(Semester::of(d(2026, 12, 31)), Some(Semester::autumn(2026)));
        // In July, «this semester» is the coming autumn.
        assert_eq!(Semester::current(d(2026, 7, 15)), Semester::autumn(2026));
        assert_eq!(Semester::current(d(2026, 3, 15)), Semester::spring(2026));
        assert_eq!(Semester::autumn(2026).next(), Semester::spring(2027));
        assert_eq!(Semester::spring(2027).previous(), Semester::autumn(2026));
        assert_eq!(Semester::autumn(2026).first_day(), d(2026, 8, 1));
        assert_eq!(Semester::spring(2027).last_day(), d(2027, 6, 30));
    }

    #[test]
    fn a_weekly_rule_asks_for_every_such_day_of_the_semester() {
        // Autumn 2026: 1 August is a Saturday and 31 December a Thursday,
        // 153 days (21 weeks and 6 days): Mondays from 3 August to 28
        // December are 22, Saturdays and Thursdays 22 too, and only Friday
        // (7 August to 25 December) falls 21 times.
        assert_eq!(Semester::autumn(2026).count_of(Weekday::Mon), 22);
        assert_eq!(Semester::autumn(2026).count_of(Weekday::Sat), 22);
        assert_eq!(Semester::autumn(2026).count_of(Weekday::Thu), 22);
        assert_eq!(Semester::autumn(2026).count_of(Weekday::Fri), 21);
        let counts: u32 = [
            Weekday::Mon,
            Weekday::Tue,
            Weekday::Wed,
            Weekday::Thu,
            Weekday::Fri,
            Weekday::Sat,
            Weekday::Sun,
        ]
        .into_iter()
        .map(|w| Semester::autumn(2026).count_of(w))
        .sum();
        assert_eq!(counts, 153);
        // Spring 2026 (1 January a Thursday, 181 days): 26 Mondays.
        assert_eq!(Semester::spring(2026).count_of(Weekday::Mon), 26);
        assert_eq!(
            MeetingRule::Weekly(Weekday::Mon).required(Semester::spring(2026)),
            26
        );
    }

    #[test]
    fn a_semester_falls_short_when_planned_and_held_are_fewer_than_the_rule() {
        let rule = MeetingRule::PerSemester {
            autumn: 2,
            spring: 3,
        };
        let today = d(2026, 10, 1);
        let held = |day| Dated {
            day,
            status: MeetingStatus::Planned,
        };
        let cancelled = |day| Dated {
            day,
            status: MeetingStatus::Cancelled,
        };
        let autumn = Semester::autumn(2026);
        // One held, one cancelled, one in July, one in spring: short by one.
        let meetings = [
            held(d(2026, 9, 1)),
            cancelled(d(2026, 11, 1)),
            held(d(2026, 7, 20)),
            held(d(2026, 3, 1)),
        ];
        let s = Standing::of(rule, autumn, &meetings, today);
        assert_eq!((s.required, s.held, s.planned), (2, 1, 0));
        assert!(s.falls_short());
        assert_eq!(s.missing(), 1);
        // A planned one later in the semester meets the rule.
        let mut more = meetings.to_vec();
        more.push(held(d(2026, 12, 3)));
        let s = Standing::of(rule, autumn, &more, today);
        assert_eq!((s.held, s.planned), (1, 1));
        assert!(!s.falls_short());
        assert_eq!(s.missing(), 0);
        // Spring asks for three; a meeting marked held counts as held even
        // if its day is ahead.
        let spring = Standing::of(
            rule,
            Semester::spring(2027),
            &[Dated {
                day: d(2027, 5, 1),
                status: MeetingStatus::Held,
            }],
            today,
        );
        assert_eq!((spring.required, spring.held, spring.missing()), (3, 1, 2));
        // A rule of none never falls short.
        let none = MeetingRule::PerSemester {
            autumn: 0,
            spring: 0,
        };
        assert!(!Standing::of(none, autumn, &[], today).falls_short());
    }

    #[test]
    fn rules_round_trip_through_storage() {
        for rule in [
            MeetingRule::PerSemester {
                autumn: 2,
                spring: 3,
            },
            MeetingRule::Weekly(Weekday::Mon),
            MeetingRule::Weekly(Weekday::Sun),
        ] {
            let (a, s, w) = rule.to_stored();
            assert_eq!(MeetingRule::from_stored(a, s, w), rule);
        }
        assert_eq!(
            MeetingRule::from_stored(2, 3, Some(9)),
            MeetingRule::PerSemester {
                autumn: 2,
                spring: 3
            },
            "an unknown weekday is no weekly rule"
        );
    }

    #[test]
    fn the_tst_defaults_follow_the_written_standard() {
        let tst = TeamKind::Tst.defaults();
        assert_eq!(
            tst.rule,
            MeetingRule::PerSemester {
                autumn: 2,
                spring: 3
            }
        );
        assert_eq!(tst.min_minutes, 150, "2.5 hours");
        assert_eq!(
            tst.fixed,
            &[UnitKind::Ppt, UnitKind::Helsestasjon, UnitKind::Barnevern]
        );
        assert_eq!(tst.on_demand, &[UnitKind::Nav]);
        assert!(tst.three_part_agenda);
        assert_eq!(
            TeamKind::CooperationChildren.defaults().rule,
            MeetingRule::Weekly(Weekday::Mon)
        );
        assert!(TeamKind::Tst.needs_unit() && !TeamKind::Tst.needs_age_band());
        assert!(TeamKind::EarlyIntervention.needs_age_band());
        for kind in TeamKind::ALL {
            let d = kind.defaults();
            assert!(d.fixed.iter().all(|k| !d.on_demand.contains(k)), "{kind:?}");
        }
    }

    #[test]
    fn a_new_tst_has_its_unit_ppt_health_and_child_welfare_fixed_and_nav_on_demand() {
        let (school, other_school, ppt, health, welfare, nav, culture) = (
            UnitId::new(),
            UnitId::new(),
            UnitId::new(),
            UnitId::new(),
            UnitId::new(),
            UnitId::new(),
            UnitId::new(),
        );
        let units = [
            (school, UnitKind::Skole),
            (other_school, UnitKind::Skole),
            (ppt, UnitKind::Ppt),
            (health, UnitKind::Helsestasjon),
            (welfare, UnitKind::Barnevern),
            (nav, UnitKind::Nav),
            (culture, UnitKind::KulturFritid),
        ];
        assert_eq!(
            default_units(TeamKind::Tst, Some(school), &units),
            vec![
                (school, false),
                (ppt, false),
                (health, false),
                (welfare, false),
                (nav, true)
            ]
        );
        assert!(default_units(TeamKind::LeadersForum, None, &units).is_empty());
    }

    #[test]
    fn a_meeting_is_at_least_the_teams_minimum() {
        assert_eq!(meeting_length("150", 150), Ok(150));
        assert_eq!(
            meeting_length("120", 150),
            Err(LengthProblem::TooShort { min: 150 })
        );
        assert_eq!(
            meeting_length("to timer", 0),
            Err(LengthProblem::NotMinutes)
        );
        assert_eq!(meeting_length("0", 0), Err(LengthProblem::NotMinutes));
        assert_eq!(meeting_length("1441", 0), Err(LengthProblem::NotMinutes));
    }

    #[test]
    fn clock_times_as_written() {
        let t = |h, m| NaiveTime::from_hms_opt(h, m, 0);
        assert_eq!(parse_clock("14:30"), t(14, 30));
        assert_eq!(parse_clock(" 9.05 "), t(9, 5));
        assert_eq!(parse_clock("0830"), t(8, 30));
        for bad in [
            "", "24:00", "12:60", "12", "12:5", "ab:cd", "123:00", "-1:00",
        ] {
            assert_eq!(parse_clock(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn the_guardian_share_rounds_to_whole_per_cent() {
        let mut c = CaseCounts::default();
        assert_eq!(c.guardians_present_percent(), None);
        c.add(true, false, true);
        c.add(false, true, false);
        c.add(true, true, false);
        assert_eq!(
            c,
            CaseCounts {
                total: 3,
                anonymous: 2,
                named: 1,
                brought_by_guardians: 2,
                guardians_present: 1,
                withdrawn: 0,
            }
        );
        // A withdrawn case is counted as such and in nothing else.
        let before = c;
        c.add_withdrawn();
        assert_eq!(c.withdrawn, 1);
        assert_eq!(
            c.guardians_present_percent(),
            before.guardians_present_percent()
        );
        assert_eq!((c.total, c.anonymous, c.named), (3, 2, 1));
        assert_eq!(c.guardians_present_percent(), Some(33));
        c.add(true, false, true);
        assert_eq!(c.guardians_present_percent(), Some(50));
        let mut two_of_three = CaseCounts::default();
        for present in [true, true, false] {
            two_of_three.add(true, false, present);
        }
        assert_eq!(two_of_three.guardians_present_percent(), Some(67));
    }

    #[test]
    fn a_named_case_needs_consent_for_every_fixed_unit_but_the_keeping_one() {
        use crate::access::LogFacts;
        use crate::ids::{ConsentId, GuardianId, MunicipalityId};
        use crate::log::consent::{Consent, ConsentFacts, ConsentRule, Giver, Purpose};
        let today = d(2026, 10, 1);
        let (kindergarten, ppt, health) = (UnitId::new(), UnitId::new(), UnitId::new());
        let (mother, father) = (GuardianId::new(), GuardianId::new());
        let consent = |givers: Vec<Giver>, units: Vec<UnitId>| Consent {
            id: ConsentId::new(),
            givers,
            units,
            purposes: vec![Purpose::ShareInformation],
            valid_from: d(2026, 1, 1),
            valid_to: d(2027, 1, 1),
            withdrawn_at: None,
        };
        let facts = |consents| LogFacts {
            log_id: LogId::new(),
            municipality_id: MunicipalityId::new(),
            home_unit: kindergarten,
            is_open: true,
            team: vec![],
            lead: None,
            consent: ConsentFacts {
                responsible_guardians: vec![mother, father],
                child_age: Some(5),
                consents,
                health_units: vec![health],
            },
            consent_rule: ConsentRule::AllGuardians,
            break_glass: None,
            coordination_requested: false,
            plan_requested: false,
        };
        let both = vec![Giver::Guardian(mother), Giver::Guardian(father)];
        let team = [kindergarten, ppt, health];
        // No consent: every unit but the kindergarten that keeps the log.
        let mut missing = vec![ppt, health];
        missing.sort();
        assert_eq!(uncovered_units(&team, &facts(vec![]), today), missing);
        // PPT covered by both guardians; health by the mother only (the
        // rule needs both): health is missing.
        let f = facts(vec![
            consent(both.clone(), vec![ppt]),
            consent(vec![Giver::Guardian(mother)], vec![health]),
        ]);
        assert_eq!(uncovered_units(&team, &f, today), vec![health]);
        let f = facts(vec![consent(both, vec![ppt, health])]);
        assert!(uncovered_units(&team, &f, today).is_empty());
        assert!(uncovered_units(&[kindergarten], &facts(vec![]), today).is_empty());
        // Named only to those who may open the log.
        let log = LogId::new();
        assert!(shown_as_named(Some(log), &[log]));
        assert!(!shown_as_named(Some(log), &[]));
        assert!(!shown_as_named(None, &[log]));
    }

    #[test]
    fn team_minutes_are_written_after_the_meeting_began_until_approved() {
        use crate::meetings::MinutesStatus;
        assert_eq!(
            minutes_open(MeetingStatus::Planned, true, MinutesStatus::None),
            Ok(())
        );
        assert_eq!(
            minutes_open(MeetingStatus::Held, true, MinutesStatus::Draft),
            Ok(())
        );
        assert_eq!(
            minutes_open(MeetingStatus::Planned, false, MinutesStatus::None),
            Err(MinutesClosed::NotBegun)
        );
        assert_eq!(
            minutes_open(MeetingStatus::Cancelled, true, MinutesStatus::Draft),
            Err(MinutesClosed::Cancelled)
        );
        assert_eq!(
            minutes_open(MeetingStatus::Held, true, MinutesStatus::Approved),
            Err(MinutesClosed::Approved)
        );
        // Approval needs everyone's attendance and a note on every case.
        let gaps = MinutesGaps::of(
            [Some(true), None, Some(false)],
            [Some("Drøftet."), Some("  "), None],
        );
        assert_eq!(
            gaps,
            MinutesGaps {
                attendance: 1,
                notes: 2
            }
        );
        assert!(!gaps.is_empty());
        assert!(MinutesGaps::of([Some(false)], [Some("Drøftet.")]).is_empty());
        assert!(MinutesGaps::of([], []).is_empty());
    }

    #[test]
    fn a_case_is_withdrawn_only_until_the_team_has_taken_it_up() {
        assert_eq!(may_withdraw(0, false), Ok(()));
        assert_eq!(may_withdraw(1, false), Err(WithdrawRefused::Decided));
        assert_eq!(
            may_withdraw(0, true),
            Err(WithdrawRefused::InApprovedMinutes)
        );
    }

    proptest! {
        /// Every day is in at most one semester; the semester of a day
        /// contains it and lies between its first and last day; July is in
        /// none; `current` is the day's semester or, in July, the next one.
        #[test]
        fn semesters_partition_the_year_without_july(days in 0i64..40_000) {
            let day = d(2000, 1, 1) + chrono::Duration::days(days);
            match Semester::of(day) {
                Some(s) => {
                    prop_assert!(s.contains(day));
                    prop_assert!(s.first_day() <= day && day <= s.last_day());
                    prop_assert!(!s.next().contains(day) && !s.previous().contains(day));
                    prop_assert_eq!(Semester::current(day), s);
                    prop_assert_eq!(s.next().previous(), s);
                    prop_assert!(s < s.next());
                }
                None => {
                    prop_assert_eq!(day.month(), 7);
                    prop_assert_eq!(Semester::current(day), Semester::autumn(day.year()));
                }
            }
        }

        /// A weekday falls in a semester as often as counting its days does.
        #[test]
        fn weekday_counts_match_a_day_by_day_count(year in 1990i32..2100, n in 1i32..=7, autumn: bool) {
            let s = if autumn { Semester::autumn(year) } else { Semester::spring(year) };
            let day = weekday_of(n).unwrap_or(Weekday::Mon);
            let counted = s.first_day().iter_days().take_while(|x| *x <= s.last_day()).filter(|x| x.weekday() == day).count();
            prop_assert_eq!(s.count_of(day) as usize, counted);
            prop_assert_eq!(weekday_of(weekday_number(day)), Some(day));
        }

        /// Adding a meeting that is not cancelled never makes a semester
        /// fall shorter; cancelling one never makes it fall less short.
        #[test]
        fn more_meetings_never_fall_shorter(offsets in proptest::collection::vec(0i64..153, 0..8), extra in 0i64..153, autumn in 0u32..6) {
            let rule = MeetingRule::PerSemester { autumn, spring: 0 };
            let s = Semester::autumn(2026);
            let today = d(2026, 10, 1);
            let at = |o: i64| Dated { day: s.first_day() + chrono::Duration::days(o), status: MeetingStatus::Planned };
            let mut ms: Vec<Dated> = offsets.iter().map(|o| at(*o)).collect();
            let before = Standing::of(rule, s, &ms, today);
            prop_assert_eq!(before.planned + before.held, ms.len() as u32);
            ms.push(at(extra));
            let after = Standing::of(rule, s, &ms, today);
            prop_assert!(after.missing() <= before.missing());
            prop_assert_eq!(after.falls_short(), after.missing() > 0);
            if let Some(last) = ms.last_mut() { last.status = MeetingStatus::Cancelled; }
            prop_assert_eq!(Standing::of(rule, s, &ms, today), before);
        }
    }
}
