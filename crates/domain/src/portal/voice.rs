//! The family's own voice in the portal: a guardian writes down what the
//! child says (the child's voice, with the day and how it was heard) or the
//! guardians' own view; a youth writes their own voice. Both are entries of
//! the log's timeline with the citizen as author (`log_entries.citizen_id`),
//! shown to staff in the child's part of the log as written on the family's
//! side. And what the family asks for: a meeting, or to bring the case to a
//! tidlig innsatsteam ([`NewRequest`]).

use super::{FamilyRole, RequestKind};
use crate::ids::StandingTeamId;
use crate::validation::{Problem, Problems, optional_text, parse_date, required_text};
use chrono::NaiveDate;

/// The longest text the family writes in one entry or request (a page or
/// two; the staff's own voice form takes 8000, the family writes shorter).
pub const MAX_FAMILY_TEXT: usize = 4000;
/// The longest wished time of a meeting request («en ettermiddag neste
/// uke»).
pub const MAX_WISHED_TIME: usize = 200;
/// The longest answer staff give to a request.
pub const MAX_ANSWER: usize = 2000;

/// How the family heard the child's voice (codes; the web layer names
/// them). Not the staff's methods (`stafett::VOICE_METHODS`): the family
/// hears the child at home.
pub const FAMILY_VOICE_METHODS: [&str; 4] =
    ["barnet_skrev", "fortalt_foresatt", "tegning", "annet"];

/// The method code of a youth's own voice («skrev selv»).
pub const YOUTH_WROTE: &str = "barnet_skrev";

/// Whose voice the entry is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Whose {
    /// The child's voice (a youth's own, or the child's as a guardian heard
    /// it): an entry of kind `stemme`.
    Child,
    /// The guardians' own view («Foresattes syn»): kind `familiens_syn`.
    Guardians,
}

impl Whose {
    pub fn code(self) -> &'static str {
        match self {
            Self::Child => "barnet",
            Self::Guardians => "foresatte",
        }
    }
    pub fn from_code(code: &str) -> Option<Self> {
        match code {
            "barnet" => Some(Self::Child),
            "foresatte" => Some(Self::Guardians),
            _ => None,
        }
    }
}

/// Who in the family wrote an entry, as the staff's timeline names them
/// (the entry's data `familie`).
pub fn writer_code(role: FamilyRole) -> &'static str {
    match role {
        FamilyRole::Guardian(_) => "foresatt",
        FamilyRole::Youth => "ungdom",
    }
}

/// What the family writes: whose voice, the day, how it was heard (the
/// child's voice only), and the words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FamilyVoice {
    pub whose: Whose,
    pub on: NaiveDate,
    /// One of [`FAMILY_VOICE_METHODS`] for the child's voice; `None` for
    /// the guardians' view.
    pub method: Option<String>,
    pub words: String,
}

impl FamilyVoice {
    /// Field names: `hvem` (`barnet` or `foresatte`; a youth writes their
    /// own voice only, and the field is not asked), `dato` (not after
    /// today; the guardians' view is dated today), `metode` (the child's
    /// voice as a guardian heard it), `ord`.
    pub fn parse(
        role: FamilyRole,
        whose: &str,
        on: &str,
        method: &str,
        words: &str,
        today: NaiveDate,
    ) -> Result<Self, Problems> {
        let mut p = Problems::new();
        let whose = match role {
            FamilyRole::Youth => Some(Whose::Child),
            FamilyRole::Guardian(_) => match Whose::from_code(whose.trim()) {
                Some(w) => Some(w),
                None => {
                    p.push(
                        "hvem",
                        if whose.trim().is_empty() {
                            Problem::Required
                        } else {
                            Problem::UnknownChoice
                        },
                    );
                    None
                }
            },
        };
        let asks_day = whose == Some(Whose::Child) && role != FamilyRole::Youth;
        let on = if asks_day {
            match parse_date(on) {
                Ok(Some(d)) if d > today => {
                    p.push("dato", Problem::DateInFuture);
                    None
                }
                Ok(Some(d)) => Some(d),
                Ok(None) => {
                    p.push("dato", Problem::Required);
                    None
                }
                Err(e) => {
                    p.push("dato", e);
                    None
                }
            }
        } else {
            Some(today)
        };
        let method = match (whose, role) {
            (Some(Whose::Child), FamilyRole::Youth) => Some(YOUTH_WROTE.to_owned()),
            (Some(Whose::Child), FamilyRole::Guardian(_)) => {
                let m = method.trim();
                if FAMILY_VOICE_METHODS.contains(&m) {
                    Some(m.to_owned())
                } else {
                    p.push(
                        "metode",
                        if m.is_empty() {
                            Problem::Required
                        } else {
                            Problem::UnknownChoice
                        },
                    );
                    None
                }
            }
            _ => None,
        };
        let words = p.check("ord", required_text(words, MAX_FAMILY_TEXT));
        match (whose, on, words) {
            (Some(whose), Some(on), Some(words)) if p.is_empty() => Ok(Self {
                whose,
                on,
                method,
                words,
            }),
            _ => Err(p),
        }
    }
}

/// What the family asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewRequest {
    pub kind: RequestKind,
    /// The tidlig innsatsteam asked for (kind `team`).
    pub team: Option<StandingTeamId>,
    /// The message, with the wished time of a meeting after it.
    pub message: String,
}

impl NewRequest {
    /// Field names: `type` (`mote` or `team`), `melding`, `tidspunkt` (a
    /// meeting's wished time, free text, optional), `team` (one of
    /// `teams`, for kind `team`). The wished time is kept in the message,
    /// on a line of its own after `wished_label`.
    pub fn parse(
        kind: &str,
        message: &str,
        wished: &str,
        team: &str,
        teams: &[StandingTeamId],
        wished_label: &str,
    ) -> Result<Self, Problems> {
        let mut p = Problems::new();
        let kind = match RequestKind::from_code(kind.trim()) {
            Some(k) => Some(k),
            None => {
                p.push(
                    "type",
                    if kind.trim().is_empty() {
                        Problem::Required
                    } else {
                        Problem::UnknownChoice
                    },
                );
                None
            }
        };
        let message = p.check("melding", required_text(message, MAX_FAMILY_TEXT));
        let wished = if kind == Some(RequestKind::Meeting) {
            p.check("tidspunkt", optional_text(wished, MAX_WISHED_TIME))
                .flatten()
        } else {
            None
        };
        let team = if kind == Some(RequestKind::Team) {
            match team.trim().parse::<StandingTeamId>().ok() {
                Some(t) if teams.contains(&t) => Some(t),
                _ => {
                    p.push(
                        "team",
                        if team.trim().is_empty() {
                            Problem::Required
                        } else {
                            Problem::UnknownChoice
                        },
                    );
                    None
                }
            }
        } else {
            None
        };
        match (kind, message) {
            (Some(kind), Some(message)) if p.is_empty() => Ok(Self {
                kind,
                team,
                message: match wished {
                    Some(w) => format!("{message}\n\n{wished_label}: {w}"),
                    None => message,
                },
            }),
            _ => Err(p),
        }
    }
}

/// Whether a tidlig innsatsteam's age group (`TEAM_AGE_BANDS`, «6-12»)
/// holds a child of `age` (`None`: unborn, held by the youngest group).
pub fn team_band_holds(band: &str, age: Option<u32>) -> bool {
    let Some((low, high)) = band.split_once('-') else {
        return false;
    };
    match (low.trim().parse::<u32>(), high.trim().parse::<u32>(), age) {
        (Ok(low), Ok(high), Some(age)) => (low..=high).contains(&age),
        (Ok(low), Ok(_), None) => low == 0,
        _ => false,
    }
}

/// The age band of a team case brought for a child of `age`
/// (`children::AGE_BANDS`).
pub fn case_band(age: Option<u32>) -> &'static str {
    match age {
        None => "ufodt",
        Some(0) => "0",
        Some(1..=5) => "1-5",
        Some(6..=12) => "6-12",
        Some(13..=15) => "13-15",
        Some(_) => "16-25",
    }
}

/// A staff member's answer to a request (field `svar`).
pub fn answer(raw: &str) -> Result<String, Problems> {
    let mut p = Problems::new();
    match p.check("svar", required_text(raw, MAX_ANSWER)) {
        Some(a) => Ok(a),
        None => Err(p),
    }
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    reason = "tests: each case states whether the input parses"
)]
mod tests {
    use super::*;
    use crate::ids::GuardianId;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, d).unwrap()
    }

    fn fields(p: Problems) -> Vec<&'static str> {
        p.into_vec().into_iter().map(|e| e.field).collect()
    }

    #[test]
    fn a_guardian_writes_the_childs_voice_with_day_and_method() {
        let g = FamilyRole::Guardian(GuardianId::new());
        let v = FamilyVoice::parse(
            g,
            "barnet",
            "06.12.2026",
            "fortalt_foresatt",
            " Hei ",
            day(7),
        )
        .unwrap();
        assert_eq!(v.whose, Whose::Child);
        assert_eq!(v.on, day(6));
        assert_eq!(v.method.as_deref(), Some("fortalt_foresatt"));
        assert_eq!(v.words, "Hei");
        assert_eq!(
            FamilyVoice::parse(g, "barnet", "08.12.2026", "x", "", day(7))
                .err()
                .map(fields),
            Some(vec!["dato", "metode", "ord"])
        );
        assert_eq!(
            FamilyVoice::parse(g, "", "", "", "ord", day(7))
                .err()
                .map(fields),
            Some(vec!["hvem"])
        );
    }

    #[test]
    fn the_guardians_view_is_dated_today_and_a_youth_writes_their_own() {
        let g = FamilyRole::Guardian(GuardianId::new());
        let v = FamilyVoice::parse(g, "foresatte", "", "", "Vi mener", day(7)).unwrap();
        assert_eq!((v.whose, v.on, v.method), (Whose::Guardians, day(7), None));
        let y = FamilyVoice::parse(FamilyRole::Youth, "foresatte", "", "", "Meg", day(7)).unwrap();
        assert_eq!(y.whose, Whose::Child);
        assert_eq!(y.method.as_deref(), Some(YOUTH_WROTE));
        let long = "a".repeat(MAX_FAMILY_TEXT + 1);
        assert!(FamilyVoice::parse(FamilyRole::Youth, "", "", "", &long, day(7)).is_err());
    }

    #[test]
    fn a_request_names_a_team_of_the_choices_and_keeps_the_wished_time() {
        let t = StandingTeamId::new();
        let r = NewRequest::parse("mote", "Kan vi møtes?", "etter kl 15", "", &[], "Tid").unwrap();
        assert_eq!(r.kind, RequestKind::Meeting);
        assert_eq!(r.message, "Kan vi møtes?\n\nTid: etter kl 15");
        let r = NewRequest::parse("team", "Ta saken", "", &t.to_string(), &[t], "Tid").unwrap();
        assert_eq!(r.team, Some(t));
        let other = StandingTeamId::new().to_string();
        assert_eq!(
            NewRequest::parse("team", "", "", &other, &[t], "Tid")
                .err()
                .map(fields),
            Some(vec!["melding", "team"])
        );
        assert_eq!(
            NewRequest::parse("x", "m", "", "", &[t], "Tid")
                .err()
                .map(fields),
            Some(vec!["type"])
        );
        assert!(team_band_holds("6-12", Some(9)));
        assert!(!team_band_holds("13-15", Some(9)));
        assert!(team_band_holds("0-1", None));
        assert!(!team_band_holds("alle", Some(9)));
        assert_eq!(case_band(Some(9)), "6-12");
        assert!(crate::children::AGE_BANDS.contains(&case_band(Some(17))));
        assert!(answer(" ").is_err());
        assert_eq!(answer(" Ja ").unwrap(), "Ja");
    }
}
