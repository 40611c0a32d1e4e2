//! Escalation models: the steps a municipality has agreed for acting on a
//! concern. A municipality picks one (DOMAIN.md): BTI, levels 0–3, or the
//! school «tiltakskjede» (trinnteam, tiltaksteam, ledelsesteam). Levels and
//! deadlines come from here and from the municipality's settings, never from
//! handlers; the names of models and levels are words, in the web layer's
//! message catalogue.

use crate::validation::{Problem, Problems, required_text};
use chrono::{Days, NaiveDate};

/// The model a municipality follows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EscalationModel {
    /// Bedre tverrfaglig innsats: nivå 0–3.
    Bti,
    /// Tiltakskjedemodellen (Sarpsborg): trinnteam, tiltaksteam, ledelsesteam.
    Tiltakskjede,
}

/// The municipality's settings for the child's log.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LogSettings {
    pub model: EscalationModel,
    /// Days from the start of the first level to its decision (BTI: 14).
    pub decision_days: u32,
    /// Whose consent opens a log to other units.
    pub consent_rule: crate::log::consent::ConsentRule,
}

impl Default for LogSettings {
    fn default() -> Self {
        Self {
            model: EscalationModel::Bti,
            decision_days: 14,
            consent_rule: crate::log::consent::ConsentRule::AllGuardians,
        }
    }
}

/// One level of a model. Its name and description are words, and come from
/// the web layer's message catalogue (keys `level_<model>_<level>` and
/// `level_<model>_<level>_description`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LevelDef {
    pub level: u8,
    /// Whether this level ends with a decision due some days after it starts.
    pub has_decision_deadline: bool,
    /// Whether choosing this level prompts a report of concern to child welfare.
    pub prompts_report: bool,
    /// Days within which the team meets after the decision (BTI level 2:
    /// «møte innen to uker»); the lead gets it as a task.
    pub meeting_within_days: Option<u32>,
}

const BTI: [LevelDef; 4] = [
    LevelDef {
        level: 0,
        has_decision_deadline: true,
        prompts_report: false,
        meeting_within_days: None,
    },
    LevelDef {
        level: 1,
        has_decision_deadline: false,
        prompts_report: false,
        meeting_within_days: None,
    },
    LevelDef {
        level: 2,
        has_decision_deadline: false,
        prompts_report: false,
        meeting_within_days: Some(14),
    },
    LevelDef {
        level: 3,
        has_decision_deadline: false,
        prompts_report: true,
        meeting_within_days: None,
    },
];

const TILTAKSKJEDE: [LevelDef; 3] = [
    LevelDef {
        level: 1,
        has_decision_deadline: true,
        prompts_report: false,
        meeting_within_days: None,
    },
    LevelDef {
        level: 2,
        has_decision_deadline: false,
        prompts_report: false,
        meeting_within_days: None,
    },
    LevelDef {
        level: 3,
        has_decision_deadline: false,
        prompts_report: true,
        meeting_within_days: None,
    },
];

impl EscalationModel {
    pub const ALL: [EscalationModel; 2] = [Self::Bti, Self::Tiltakskjede];

    pub fn code(self) -> &'static str {
        match self {
            Self::Bti => "bti",
            Self::Tiltakskjede => "tiltakskjede",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.code() == code)
    }

    pub fn levels(self) -> &'static [LevelDef] {
        match self {
            Self::Bti => &BTI,
            Self::Tiltakskjede => &TILTAKSKJEDE,
        }
    }

    /// Where a new log stands.
    pub fn first_level(self) -> u8 {
        self.levels()[0].level
    }

    pub fn level(self, level: u8) -> Option<&'static LevelDef> {
        self.levels().iter().find(|l| l.level == level)
    }
}

/// The date a decision is due: `days` after `from`.
pub fn deadline(from: NaiveDate, days: u32) -> NaiveDate {
    from.checked_add_days(Days::new(u64::from(days)))
        .unwrap_or(NaiveDate::MAX)
}

/// How a deadline stands on a given day.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeadlineState {
    /// Past the due date by this many days.
    Overdue(i64),
    DueToday,
    /// Due in this many days.
    DueIn(i64),
}

impl DeadlineState {
    pub fn of(due: NaiveDate, today: NaiveDate) -> Self {
        let days = (due - today).num_days();
        match days {
            d if d < 0 => Self::Overdue(-d),
            0 => Self::DueToday,
            d => Self::DueIn(d),
        }
    }

    pub fn is_overdue(self) -> bool {
        matches!(self, Self::Overdue(_))
    }
}

/// A decided change of level, checked against the model.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LevelChange {
    pub from: u8,
    pub to: u8,
    pub reason: String,
    /// Why levels were skipped (only when they were).
    pub skip_reason: Option<String>,
    /// The best-interest assessment the decision rests on.
    pub best_interest: String,
    /// Whether the new level prompts a report of concern.
    pub prompts_report: bool,
}

impl LevelChange {
    /// Checks a decision to move a log from `from` to the level chosen in
    /// `to`. Going up more than one step is skipping and needs its own reason;
    /// a level change is a final decision and needs a best-interest assessment.
    pub fn decide(
        model: EscalationModel,
        from: u8,
        to: &str,
        reason: &str,
        skip_reason: &str,
        best_interest: &str,
    ) -> Result<Self, Problems> {
        let mut p = Problems::new();
        let to = match to.parse::<u8>().ok().and_then(|l| model.level(l)) {
            Some(def) if def.level == from => {
                p.push("niva", Problem::SameLevel);
                None
            }
            Some(def) => Some(def),
            None if to.is_empty() => {
                p.push("niva", Problem::Required);
                None
            }
            None => {
                p.push("niva", Problem::UnknownChoice);
                None
            }
        };
        let reason = p.check("begrunnelse", required_text(reason, 4000));
        let skips = to.is_some_and(|def| def.level > from.saturating_add(1));
        let skip_reason = if skips {
            match required_text(skip_reason, 4000) {
                Ok(t) => Some(t),
                Err(Problem::Required) => {
                    p.push("hopp_begrunnelse", Problem::SkipNeedsReason);
                    None
                }
                Err(e) => {
                    p.push("hopp_begrunnelse", e);
                    None
                }
            }
        } else {
            None
        };
        let best_interest = match required_text(best_interest, 8000) {
            Ok(t) => Some(t),
            Err(Problem::Required) => {
                p.push("barnets_beste", Problem::BestInterestRequired);
                None
            }
            Err(e) => {
                p.push("barnets_beste", e);
                None
            }
        };
        match (to, reason, best_interest) {
            (Some(def), Some(reason), Some(best_interest)) if p.is_empty() => Ok(Self {
                from,
                to: def.level,
                reason,
                skip_reason,
                best_interest,
                prompts_report: def.prompts_report,
            }),
            _ => Err(p),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn fields(p: Problems) -> Vec<(&'static str, Problem)> {
        p.into_vec()
            .into_iter()
            .map(|e| (e.field, e.problem))
            .collect()
    }

    #[test]
    fn models_have_their_levels() {
        assert_eq!(EscalationModel::Bti.first_level(), 0);
        assert_eq!(EscalationModel::Tiltakskjede.first_level(), 1);
        assert!(EscalationModel::Tiltakskjede.level(2).is_some());
        assert!(EscalationModel::Bti.level(7).is_none());
        assert!(
            EscalationModel::Bti
                .level(3)
                .is_some_and(|l| l.prompts_report)
        );
    }

    #[test]
    fn one_step_needs_a_reason_and_best_interest() {
        let ok = LevelChange::decide(EscalationModel::Bti, 0, "1", "Tydelig uro", "", "Trygghet");
        assert!(ok.is_ok_and(|c| c.to == 1 && c.skip_reason.is_none() && !c.prompts_report));
        let e = LevelChange::decide(EscalationModel::Bti, 0, "1", "", "", "");
        assert_eq!(
            e.err().map(fields),
            Some(vec![
                ("begrunnelse", Problem::Required),
                ("barnets_beste", Problem::BestInterestRequired)
            ])
        );
    }

    #[test]
    fn skipping_asks_why_and_level_three_prompts_a_report() {
        let e = LevelChange::decide(EscalationModel::Bti, 0, "3", "Alvorlig", "", "Vurdert");
        assert_eq!(
            e.err().map(fields),
            Some(vec![("hopp_begrunnelse", Problem::SkipNeedsReason)])
        );
        let ok = LevelChange::decide(EscalationModel::Bti, 0, "3", "Alvorlig", "Akutt", "V");
        assert!(ok.is_ok_and(|c| c.prompts_report && c.skip_reason.is_some()));
        // Going down is never skipping.
        assert!(LevelChange::decide(EscalationModel::Bti, 3, "1", "Bedre", "", "V").is_ok());
    }

    #[test]
    fn levels_outside_the_model_are_refused() {
        let e = LevelChange::decide(EscalationModel::Tiltakskjede, 1, "0", "x", "", "y");
        assert_eq!(
            e.err().map(fields),
            Some(vec![("niva", Problem::UnknownChoice)])
        );
        let e = LevelChange::decide(EscalationModel::Bti, 2, "2", "x", "", "y");
        assert_eq!(
            e.err().map(fields),
            Some(vec![("niva", Problem::SameLevel)])
        );
    }

    proptest! {
        #[test]
        fn deadline_is_exactly_days_later(start in 0i64..40_000, days in 0u32..400) {
            let from = NaiveDate::from_ymd_opt(2000, 1, 1).unwrap_or_default()
                + chrono::Duration::days(start);
            let due = deadline(from, days);
            prop_assert_eq!((due - from).num_days(), i64::from(days));
            // Due today on the day, overdue the day after, never before.
            prop_assert_eq!(DeadlineState::of(due, due), DeadlineState::DueToday);
            prop_assert_eq!(DeadlineState::of(due, due + chrono::Duration::days(1)), DeadlineState::Overdue(1));
            prop_assert!(!DeadlineState::of(due, from).is_overdue());
        }

        #[test]
        fn deadline_state_counts_days(offset in -1000i64..1000) {
            let due = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap_or_default();
            let today = due - chrono::Duration::days(offset);
            let state = DeadlineState::of(due, today);
            match state {
                DeadlineState::Overdue(d) => prop_assert_eq!(-d, offset),
                DeadlineState::DueToday => prop_assert_eq!(offset, 0),
                DeadlineState::DueIn(d) => prop_assert_eq!(d, offset),
            }
            prop_assert_eq!(state.is_overdue(), offset < 0);
        }
    }
}
