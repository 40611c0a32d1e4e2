//! Minutes and their decisions: the rules for writing, approving and
//! following them up, and for the family's rating of a meeting.
//!
//! Who does what (the capabilities are in `access/log.rs`):
//! - **Writing the draft**: anyone who may write on the log
//!   (`LogReader::minutes_writer`). A case meeting often has a referent who
//!   is not the lead; what makes the minutes the meeting's record is the
//!   lead's approval, not who typed them.
//! - **Approving**: the one who holds the log — the lead, or the leader of
//!   the unit that keeps it (`LogReader::minutes_approver`). Approved minutes
//!   are locked: no field, attendance or decision changes after that. A
//!   correction note to approved minutes is not built (out of scope).
//! - **Marking a decision done**: its responsible person or the holder
//!   (`LogReader::decision_closer`), with a note of what was done.
//! - **Rating**: guardians who took part, and the child from
//!   [`CHILD_RATES_FROM_AGE`], recorded by staff on their behalf.

use super::{MeetingStatus, MinutesStatus, Score};
use crate::ids::{DecisionId, GuardianId, UserId};
use crate::validation::{Problem, Problems, optional_text, parse_date, required_text};
use chrono::{DateTime, NaiveDate, Utc};

/// The longest text of a field of the minutes (the child's voice, what was
/// discussed).
pub const MAX_TEXT: usize = 8000;
/// The longest decision.
pub const MAX_DECISION: usize = 1000;
/// The longest note on the next meeting, the note on a done decision and a
/// rating's comment.
pub const MAX_NOTE: usize = 2000;
/// Empty decision rows the minutes form offers below the written ones (the
/// form needs no script: saving the draft gives three more).
pub const EMPTY_DECISION_ROWS: usize = 3;
/// At most this many decisions in one meeting's minutes.
pub const MAX_DECISIONS: usize = 30;
/// The lead's task to write and approve the minutes falls due this many
/// days after the meeting. The seeds say the lead «sees that minutes are
/// written and sent» but set no deadline; a week is Laget's choice, so that
/// the decisions reach their responsible persons while they are fresh.
pub const MINUTES_DUE_DAYS: i64 = 7;

/// From this age the child rates a meeting themself (recorded by staff on
/// their behalf). The seeds ask that children rate the meetings they attend
/// (seed 002, «brukeropplevd nytte») but name no age. Why 7: a 1–5 scale
/// needs a child who can tell the numbers apart and hold a view of a
/// meeting as a whole, which is reasonable from the first school years; and
/// 7 was, until 2018, the age from which the Children Act (barneloven § 31)
/// gave the child the right to say its view in matters about itself, an age
/// services still work from. A younger child's view is gathered as the
/// child's voice before the meeting instead (DOMAIN.md). A municipality
/// setting is not built.
pub const CHILD_RATES_FROM_AGE: u32 = 7;

/// Whether a child of `age` (on the day of the meeting; `None` if not born)
/// rates the meeting themself.
pub fn child_may_rate(age: Option<u32>) -> bool {
    age.is_some_and(|a| a >= CHILD_RATES_FROM_AGE)
}

/// Whether a participant was at the meeting, as the minutes record it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Attendance {
    Present,
    Absent,
}

impl Attendance {
    pub const ALL: [Self; 2] = [Self::Present, Self::Absent];
    /// The form's code.
    pub fn code(self) -> &'static str {
        match self {
            Self::Present => "ja",
            Self::Absent => "nei",
        }
    }
    /// From the form: `Ok(None)` when not yet marked.
    pub fn parse(raw: &str) -> Result<Option<Self>, Problem> {
        match raw.trim() {
            "" => Ok(None),
            "ja" => Ok(Some(Self::Present)),
            "nei" => Ok(Some(Self::Absent)),
            _ => Err(Problem::UnknownChoice),
        }
    }
    /// As stored (meeting_participants.attended).
    pub fn from_stored(attended: Option<bool>) -> Option<Self> {
        attended.map(|a| if a { Self::Present } else { Self::Absent })
    }
    pub fn stored(self) -> bool {
        self == Self::Present
    }
}

/// The text fields of the minutes, as the form gives them.
#[derive(Clone, Copy, Debug, Default)]
pub struct MinutesForm<'a> {
    pub voice: &'a str,
    pub discussed: &'a str,
    pub next: &'a str,
    pub next_on: &'a str,
}

/// The text of the minutes, parsed. Every field may still be empty in a
/// draft; approval needs the child's voice and what was discussed
/// ([`check_approval`]).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MinutesText {
    pub voice: Option<String>,
    pub discussed: Option<String>,
    /// The next meeting, in words («Om seks uker, samme sted»).
    pub next: Option<String>,
    /// The next meeting's date, when it is set; not in the past.
    pub next_on: Option<NaiveDate>,
}

impl MinutesText {
    /// Field names: `stemme`, `droftet`, `neste`, `neste_dato`. The next
    /// meeting's date may stay as it was stored (`kept_next_on`) even once
    /// that day has passed; a new one must not be in the past.
    pub fn parse(
        form: &MinutesForm<'_>,
        kept_next_on: Option<NaiveDate>,
        today: NaiveDate,
    ) -> Result<Self, Problems> {
        let mut p = Problems::new();
        let voice = p.check("stemme", optional_text(form.voice, MAX_TEXT));
        let discussed = p.check("droftet", optional_text(form.discussed, MAX_TEXT));
        let next = p.check("neste", optional_text(form.next, MAX_NOTE));
        let next_on = match parse_date(form.next_on) {
            Ok(Some(d)) if d < today && Some(d) != kept_next_on => {
                p.push("neste_dato", Problem::DateInPast);
                None
            }
            Ok(d) => d,
            Err(e) => {
                p.push("neste_dato", e);
                None
            }
        };
        match (voice, discussed, next) {
            (Some(voice), Some(discussed), Some(next)) if p.is_empty() => Ok(Self {
                voice,
                discussed,
                next,
                next_on,
            }),
            _ => Err(p),
        }
    }
}

/// One row of the form's decisions.
#[derive(Clone, Copy, Debug, Default)]
pub struct DecisionForm<'a> {
    pub text: &'a str,
    pub responsible: &'a str,
    pub deadline: &'a str,
}

impl DecisionForm<'_> {
    /// A row with nothing written in it (an empty row of the form, or a
    /// written decision emptied to take it out of the draft).
    pub fn is_empty(&self) -> bool {
        self.text.trim().is_empty()
            && self.responsible.trim().is_empty()
            && self.deadline.trim().is_empty()
    }
}

/// A decision of the minutes: what is to be done, by whom, by when. It
/// becomes a task for the responsible person when the minutes are approved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewDecision {
    pub text: String,
    pub responsible: UserId,
    pub deadline: NaiveDate,
}

impl NewDecision {
    /// A row of the form: `Ok(None)` for an empty row. Field names (the web
    /// layer puts the row's number in front): `tekst`, `ansvarlig`, `frist`.
    /// The responsible person is one of `staff` (the team's staff who may
    /// open the log). The deadline is not in the past, unless it is the one
    /// the decision already had (`kept_deadline`: a draft saved again after
    /// that day keeps it).
    pub fn parse(
        form: &DecisionForm<'_>,
        staff: &[UserId],
        kept_deadline: Option<NaiveDate>,
        today: NaiveDate,
    ) -> Result<Option<Self>, Problems> {
        if form.is_empty() {
            return Ok(None);
        }
        let mut p = Problems::new();
        let text = p.check("tekst", required_text(form.text, MAX_DECISION));
        let responsible = match form.responsible.trim() {
            "" => {
                p.push("ansvarlig", Problem::Required);
                None
            }
            raw => match raw.parse::<UserId>() {
                Ok(u) if staff.contains(&u) => Some(u),
                _ => {
                    p.push("ansvarlig", Problem::UnknownChoice);
                    None
                }
            },
        };
        let deadline = match parse_date(form.deadline) {
            Ok(None) => {
                p.push("frist", Problem::Required);
                None
            }
            Ok(Some(d)) if d < today && Some(d) != kept_deadline => {
                p.push("frist", Problem::DateInPast);
                None
            }
            Ok(Some(d)) => Some(d),
            Err(e) => {
                p.push("frist", e);
                None
            }
        };
        match (text, responsible, deadline) {
            (Some(text), Some(responsible), Some(deadline)) if p.is_empty() => Ok(Some(Self {
                text,
                responsible,
                deadline,
            })),
            _ => Err(p),
        }
    }
}

/// A decision of the draft: a written one (`id`) changed or kept, or a new one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DraftDecision {
    pub id: Option<DecisionId>,
    pub decision: NewDecision,
}

/// What the minutes state before approval: the meeting and the stored
/// draft, as far as approval asks.
#[derive(Clone, Debug)]
pub struct MinutesFacts {
    pub meeting_status: MeetingStatus,
    pub starts_at: DateTime<Utc>,
    pub minutes_status: MinutesStatus,
    pub has_voice: bool,
    pub has_discussed: bool,
    /// The attendance of every participant still invited.
    pub attendance: Vec<Option<Attendance>>,
}

/// Why minutes cannot be approved.
#[derive(Debug)]
pub enum ApprovalRefused {
    /// The meeting was cancelled: it has no minutes.
    Cancelled,
    /// The meeting has not begun.
    NotYetHeld,
    /// Approved already.
    Approved,
    /// What the draft still lacks, by field: `stemme` (the child's voice),
    /// `droftet` (what was discussed), `tilstede` (someone's attendance is
    /// not marked).
    Incomplete(Problems),
}

/// Whether the stored minutes may be approved at `now`: the meeting has
/// begun and was not cancelled; the draft records the child's voice (or why
/// it was not gathered), what was discussed, and whether each participant
/// was present.
pub fn check_approval(f: &MinutesFacts, now: DateTime<Utc>) -> Result<(), ApprovalRefused> {
    if f.meeting_status == MeetingStatus::Cancelled {
        return Err(ApprovalRefused::Cancelled);
    }
    if f.minutes_status == MinutesStatus::Approved {
        return Err(ApprovalRefused::Approved);
    }
    if f.starts_at > now {
        return Err(ApprovalRefused::NotYetHeld);
    }
    let mut p = Problems::new();
    if !f.has_voice {
        p.push("stemme", Problem::Required);
    }
    if !f.has_discussed {
        p.push("droftet", Problem::Required);
    }
    if f.attendance.iter().any(Option::is_none) {
        p.push("tilstede", Problem::Required);
    }
    if p.is_empty() {
        Ok(())
    } else {
        Err(ApprovalRefused::Incomplete(p))
    }
}

/// Why the minutes cannot be written (saved as a draft).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DraftRefused {
    /// The meeting was cancelled.
    Cancelled,
    /// The minutes are approved and locked.
    Locked,
}

/// Whether the minutes of a meeting may be written: not for a cancelled
/// meeting, and not once approved (locked).
pub fn check_draft(meeting: MeetingStatus, minutes: MinutesStatus) -> Result<(), DraftRefused> {
    if meeting == MeetingStatus::Cancelled {
        Err(DraftRefused::Cancelled)
    } else if minutes == MinutesStatus::Approved {
        Err(DraftRefused::Locked)
    } else {
        Ok(())
    }
}

/// The note on a decision marked done (field `notat`): what was done.
pub fn done_note(raw: &str) -> Result<String, Problems> {
    let mut p = Problems::new();
    match p.check("notat", required_text(raw, MAX_NOTE)) {
        Some(n) => Ok(n),
        None => Err(p),
    }
}

/// Who rates a meeting: a guardian who took part, or the child.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RaterChoice {
    Guardian(GuardianId),
    Child,
}

impl RaterChoice {
    /// The form's value: `foresatt:<id>` or `barn`.
    pub fn code(self) -> String {
        match self {
            Self::Guardian(g) => format!("foresatt:{g}"),
            Self::Child => "barn".to_owned(),
        }
    }
    pub fn from_code(raw: &str) -> Option<Self> {
        match raw.trim() {
            "barn" => Some(Self::Child),
            other => other
                .strip_prefix("foresatt:")
                .and_then(|g| g.parse().ok())
                .map(Self::Guardian),
        }
    }
    pub fn rater(self) -> super::Rater {
        match self {
            Self::Guardian(_) => super::Rater::Guardian,
            Self::Child => super::Rater::Child,
        }
    }
}

/// Who may rate a meeting: the guardians invited and not recorded absent,
/// and the child when invited, not recorded absent and old enough
/// ([`child_may_rate`], age on the day of the meeting).
pub fn raters(
    guardians: &[(GuardianId, Option<Attendance>)],
    child: Option<Option<Attendance>>,
    child_age: Option<u32>,
) -> Vec<RaterChoice> {
    let mut out: Vec<RaterChoice> = guardians
        .iter()
        .filter(|(_, a)| *a != Some(Attendance::Absent))
        .map(|(g, _)| RaterChoice::Guardian(*g))
        .collect();
    if let Some(a) = child
        && a != Some(Attendance::Absent)
        && child_may_rate(child_age)
    {
        out.push(RaterChoice::Child);
    }
    out
}

/// A rating of a meeting: who, 1–5, and a comment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewRating {
    pub rater: RaterChoice,
    pub score: Score,
    pub comment: Option<String>,
}

impl NewRating {
    /// Field names: `hvem` (one of `raters`; refused with
    /// [`Problem::Taken`] when that rater has rated the meeting already),
    /// `poeng` (a whole number from 1 to 5), `kommentar`.
    pub fn parse(
        who: &str,
        score: &str,
        comment: &str,
        raters: &[RaterChoice],
        rated: &[RaterChoice],
    ) -> Result<Self, Problems> {
        let mut p = Problems::new();
        let rater = match RaterChoice::from_code(who) {
            _ if who.trim().is_empty() => {
                p.push("hvem", Problem::Required);
                None
            }
            Some(r) if raters.contains(&r) && rated.contains(&r) => {
                p.push("hvem", Problem::Taken);
                None
            }
            Some(r) if raters.contains(&r) => Some(r),
            _ => {
                p.push("hvem", Problem::UnknownChoice);
                None
            }
        };
        let score = match score.trim() {
            "" => {
                p.push("poeng", Problem::Required);
                None
            }
            raw => {
                let given = raw.parse::<i64>().ok();
                match given.and_then(Score::new) {
                    Some(s) => Some(s),
                    None => {
                        p.push(
                            "poeng",
                            Problem::NumberOutside {
                                min: i64::from(Score::MIN),
                                max: i64::from(Score::MAX),
                                given,
                            },
                        );
                        None
                    }
                }
            }
        };
        let comment = p.check("kommentar", optional_text(comment, MAX_NOTE));
        match (rater, score, comment) {
            (Some(rater), Some(score), Some(comment)) if p.is_empty() => Ok(Self {
                rater,
                score,
                comment,
            }),
            _ => Err(p),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default()
    }

    fn fields(p: Problems) -> Vec<(&'static str, Problem)> {
        p.into_vec()
            .into_iter()
            .map(|e| (e.field, e.problem))
            .collect()
    }

    #[test]
    fn a_decision_needs_text_a_responsible_person_from_the_team_and_a_deadline_ahead() {
        let today = d(2026, 12, 7);
        let staff = UserId::new();
        let row = |text, responsible, deadline| DecisionForm {
            text,
            responsible,
            deadline,
        };
        let s = staff.to_string();
        let ok = NewDecision::parse(&row("Søke PPT", &s, "07.12.2026"), &[staff], None, today);
        assert_eq!(
            ok.ok().flatten().map(|n| (n.responsible, n.deadline)),
            Some((staff, today))
        );
        assert!(matches!(
            NewDecision::parse(&row("", "", " "), &[staff], None, today),
            Ok(None)
        ));
        let past = NewDecision::parse(&row("Søke PPT", &s, "06.12.2026"), &[staff], None, today);
        assert_eq!(
            past.err().map(fields),
            Some(vec![("frist", Problem::DateInPast)])
        );
        // The deadline the decision had stays, though its day has passed.
        let kept = NewDecision::parse(
            &row("Søke PPT", &s, "06.12.2026"),
            &[staff],
            Some(d(2026, 12, 6)),
            today,
        );
        assert!(kept.is_ok_and(|k| k.is_some()));
        let stranger = UserId::new().to_string();
        let e = NewDecision::parse(&row("", &stranger, "x"), &[staff], None, today);
        assert_eq!(
            e.err().map(fields),
            Some(vec![
                ("tekst", Problem::Required),
                ("ansvarlig", Problem::UnknownChoice),
                ("frist", Problem::InvalidDate),
            ])
        );
        let e = NewDecision::parse(&row("Noe", "", ""), &[staff], None, today);
        assert_eq!(
            e.err().map(fields),
            Some(vec![
                ("ansvarlig", Problem::Required),
                ("frist", Problem::Required)
            ])
        );
    }

    #[test]
    fn the_next_meeting_is_not_set_in_the_past() {
        let today = d(2026, 12, 7);
        let form = |next_on| MinutesForm {
            voice: " Vil gå på skolen. ",
            discussed: "Overgang.",
            next: "",
            next_on,
        };
        let ok = MinutesText::parse(&form("14.01.2027"), None, today);
        assert_eq!(
            ok.as_ref().ok().map(|t| (t.voice.clone(), t.next.clone())),
            Some((Some("Vil gå på skolen.".to_owned()), None))
        );
        assert_eq!(
            MinutesText::parse(&form("01.12.2026"), None, today)
                .err()
                .map(fields),
            Some(vec![("neste_dato", Problem::DateInPast)])
        );
        assert!(MinutesText::parse(&form("01.12.2026"), Some(d(2026, 12, 1)), today).is_ok());
    }

    fn facts() -> MinutesFacts {
        MinutesFacts {
            meeting_status: MeetingStatus::Planned,
            starts_at: DateTime::from_timestamp(1_700_000_000, 0).unwrap_or_default(),
            minutes_status: MinutesStatus::Draft,
            has_voice: true,
            has_discussed: true,
            attendance: vec![Some(Attendance::Present), Some(Attendance::Absent)],
        }
    }

    #[test]
    fn approval_needs_a_held_meeting_and_a_whole_draft() {
        let now = DateTime::from_timestamp(1_700_000_100, 0).unwrap_or_default();
        assert!(check_approval(&facts(), now).is_ok());
        let before = DateTime::from_timestamp(1_699_999_000, 0).unwrap_or_default();
        assert!(matches!(
            check_approval(&facts(), before),
            Err(ApprovalRefused::NotYetHeld)
        ));
        let mut f = facts();
        f.meeting_status = MeetingStatus::Cancelled;
        assert!(matches!(
            check_approval(&f, now),
            Err(ApprovalRefused::Cancelled)
        ));
        let mut f = facts();
        f.minutes_status = MinutesStatus::Approved;
        assert!(matches!(
            check_approval(&f, now),
            Err(ApprovalRefused::Approved)
        ));
        let mut f = facts();
        f.minutes_status = MinutesStatus::None;
        f.has_voice = false;
        f.has_discussed = false;
        f.attendance.push(None);
        let incomplete = match check_approval(&f, now) {
            Err(ApprovalRefused::Incomplete(p)) => Some(fields(p)),
            _ => None,
        };
        assert_eq!(
            incomplete,
            Some(vec![
                ("stemme", Problem::Required),
                ("droftet", Problem::Required),
                ("tilstede", Problem::Required),
            ])
        );
    }

    #[test]
    fn approved_or_cancelled_minutes_are_not_written() {
        assert!(check_draft(MeetingStatus::Held, MinutesStatus::Draft).is_ok());
        assert!(check_draft(MeetingStatus::Planned, MinutesStatus::None).is_ok());
        assert_eq!(
            check_draft(MeetingStatus::Held, MinutesStatus::Approved),
            Err(DraftRefused::Locked)
        );
        assert_eq!(
            check_draft(MeetingStatus::Cancelled, MinutesStatus::None),
            Err(DraftRefused::Cancelled)
        );
    }

    #[test]
    fn the_child_rates_from_seven() {
        assert!(!child_may_rate(None));
        assert!(!child_may_rate(Some(6)));
        assert!(child_may_rate(Some(7)));
        assert!(child_may_rate(Some(17)));
        let g = GuardianId::new();
        let absent = GuardianId::new();
        let guardians = [(g, None), (absent, Some(Attendance::Absent))];
        assert_eq!(
            raters(&guardians, Some(None), Some(6)),
            vec![RaterChoice::Guardian(g)]
        );
        assert_eq!(
            raters(&guardians, Some(Some(Attendance::Present)), Some(7)),
            vec![RaterChoice::Guardian(g), RaterChoice::Child]
        );
        // Not invited, or absent: the child does not rate.
        assert_eq!(raters(&[], None, Some(12)), vec![]);
        assert_eq!(
            raters(&[], Some(Some(Attendance::Absent)), Some(12)),
            vec![]
        );
    }

    #[test]
    fn a_rating_is_one_to_five_by_someone_who_may_rate_once() {
        let g = GuardianId::new();
        let raters = [RaterChoice::Guardian(g), RaterChoice::Child];
        let who = RaterChoice::Guardian(g).code();
        let ok = NewRating::parse(&who, "5", " Nyttig. ", &raters, &[]);
        assert_eq!(
            ok.ok().map(|r| (r.rater, r.score.value(), r.comment)),
            Some((RaterChoice::Guardian(g), 5, Some("Nyttig.".to_owned())))
        );
        for (raw, given) in [("0", Some(0)), ("6", Some(6)), ("fem", None)] {
            assert_eq!(
                NewRating::parse("barn", raw, "", &raters, &[])
                    .err()
                    .map(fields),
                Some(vec![(
                    "poeng",
                    Problem::NumberOutside {
                        min: 1,
                        max: 5,
                        given
                    }
                )])
            );
        }
        assert_eq!(
            NewRating::parse("barn", "3", "", &[RaterChoice::Guardian(g)], &[])
                .err()
                .map(fields),
            Some(vec![("hvem", Problem::UnknownChoice)])
        );
        assert_eq!(
            NewRating::parse("barn", "3", "", &raters, &[RaterChoice::Child])
                .err()
                .map(fields),
            Some(vec![("hvem", Problem::Taken)])
        );
        assert_eq!(
            NewRating::parse("", "", "", &raters, &[]).err().map(fields),
            Some(vec![
                ("hvem", Problem::Required),
                ("poeng", Problem::Required)
            ])
        );
        assert_eq!(
            RaterChoice::from_code(&RaterChoice::Guardian(g).code()),
            Some(RaterChoice::Guardian(g))
        );
        assert_eq!(RaterChoice::from_code("foresatt:x"), None);
    }

    #[test]
    fn a_done_decision_says_what_was_done() {
        assert_eq!(
            done_note(" Søknad sendt. ").ok(),
            Some("Søknad sendt.".into())
        );
        assert_eq!(
            done_note("  ").err().map(fields),
            Some(vec![("notat", Problem::Required)])
        );
    }
}
