//! The forms of an individual plan, parsed field by field: the request, the
//! coordinating unit's decision, a goal in the child's words, a service's
//! contribution, closing. Every problem is kept (the page shows each beside
//! its field); the choices offered (team members, units, measures, goals)
//! are given by the caller, which read them under its capability.

use super::{CoordinatorKind, SaidBy};
use crate::ids::{MeasureId, PlanGoalId, TeamMemberId, UnitId, UserId};
use crate::validation::{Problem, Problems, parse_date, required_text};
use chrono::NaiveDate;

/// At most this many characters in a request's reason, a decision's reason
/// or a closing reason.
pub const MAX_NOTE: usize = 4000;
/// At most this many characters in a goal's words.
pub const MAX_WORDS: usize = 2000;
/// At most this many characters in what a service contributes.
pub const MAX_WHAT: usize = 2000;

/// A reason (a request's, a refusal's, a closing's) in the field `field`.
pub fn reason(field: &'static str, raw: &str) -> Result<String, Problems> {
    let mut p = Problems::new();
    match p.check(field, required_text(raw, MAX_NOTE)) {
        Some(r) => Ok(r),
        None => Err(p),
    }
}

fn choice<T: Copy + PartialEq + std::str::FromStr>(raw: &str, among: &[T]) -> Result<T, Problem> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Err(Problem::Required);
    }
    raw.parse::<T>()
        .ok()
        .filter(|v| among.contains(v))
        .ok_or(Problem::UnknownChoice)
}

fn coded<T: Copy>(raw: &str, from: fn(&str) -> Option<T>) -> Result<T, Problem> {
    if raw.trim().is_empty() {
        Err(Problem::Required)
    } else {
        from(raw.trim()).ok_or(Problem::UnknownChoice)
    }
}

/// The coordinating unit's decision.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Decision {
    /// Granted: the coordinator (a member of the team who may open the
    /// log), what kind, and a note if any.
    Grant {
        coordinator: TeamMemberId,
        kind: CoordinatorKind,
        note: Option<String>,
    },
    /// Refused, with the reason.
    Refuse { reason: String },
}

impl Decision {
    /// Fields `beslutning` (`innvilg`, `avsla`), `koordinator` (one of
    /// `members`), `type` (a [`CoordinatorKind`] code), `begrunnelse`
    /// (required to refuse).
    pub fn parse(
        decision: &str,
        coordinator: &str,
        kind: &str,
        note: &str,
        members: &[TeamMemberId],
    ) -> Result<Self, Problems> {
        let mut p = Problems::new();
        match decision.trim() {
            "innvilg" => {
                let c = p.check("koordinator", choice(coordinator, members));
                let k = p.check("type", coded(kind, CoordinatorKind::from_code));
                let note = p.check(
                    "begrunnelse",
                    crate::validation::optional_text(note, MAX_NOTE),
                );
                match (c, k, note) {
                    (Some(coordinator), Some(kind), Some(note)) if p.is_empty() => {
                        Ok(Self::Grant {
                            coordinator,
                            kind,
                            note,
                        })
                    }
                    _ => Err(p),
                }
            }
            "avsla" => match p.check("begrunnelse", required_text(note, MAX_NOTE)) {
                Some(reason) => Ok(Self::Refuse { reason }),
                None => Err(p),
            },
            "" => {
                p.push("beslutning", Problem::Required);
                Err(p)
            }
            _ => {
                p.push("beslutning", Problem::UnknownChoice);
                Err(p)
            }
        }
    }
}

/// A new coordinator for an active plan.
pub fn coordinator(
    member: &str,
    kind: &str,
    members: &[TeamMemberId],
) -> Result<(TeamMemberId, CoordinatorKind), Problems> {
    let mut p = Problems::new();
    let c = p.check("koordinator", choice(member, members));
    let k = p.check("type", coded(kind, CoordinatorKind::from_code));
    match (c, k) {
        (Some(c), Some(k)) => Ok((c, k)),
        _ => Err(p),
    }
}

/// A goal in the child's own words, and whose words they are.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewGoal {
    pub words: String,
    pub said_by: SaidBy,
}

impl NewGoal {
    /// Fields `ord` and `sagt_av`.
    pub fn parse(words: &str, said_by: &str) -> Result<Self, Problems> {
        let mut p = Problems::new();
        let w = p.check("ord", required_text(words, MAX_WORDS));
        let s = p.check("sagt_av", coded(said_by, SaidBy::from_code));
        match (w, s) {
            (Some(words), Some(said_by)) => Ok(Self { words, said_by }),
            _ => Err(p),
        }
    }
}

/// The new words of a goal (field `ord`).
pub fn words(raw: &str) -> Result<String, Problems> {
    let mut p = Problems::new();
    match p.check("ord", required_text(raw, MAX_WORDS)) {
        Some(w) => Ok(w),
        None => Err(p),
    }
}

/// What the contribution form may choose among, as the plan page offers it.
#[derive(Clone, Debug, Default)]
pub struct ContributionChoices {
    pub goals: Vec<PlanGoalId>,
    /// Units that may contribute today: the unit that keeps the log, and
    /// units on the team whose consent covers them today.
    pub covered_units: Vec<UnitId>,
    /// Units on the team that no valid consent covers today: shown, and
    /// refused with [`Problem::NotCoveredByConsent`].
    pub uncovered_units: Vec<UnitId>,
    pub measures: Vec<MeasureId>,
    /// People who may be responsible: staff on the team (or the lead) who
    /// may open the log.
    pub people: Vec<UserId>,
}

/// What one service contributes to a goal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewContribution {
    pub goal: PlanGoalId,
    pub unit: UnitId,
    pub measure: Option<MeasureId>,
    pub what: String,
    pub responsible: UserId,
    pub evaluate_on: NaiveDate,
}

impl NewContribution {
    /// Fields `mal`, `enhet`, `tiltak` (optional), `hva` (may be empty
    /// when a measure is chosen: the measure's name is then used, given as
    /// `measure_name`), `ansvarlig`, `evaluering` (a date, today or later).
    #[allow(
        clippy::too_many_arguments,
        reason = "one argument per field of the form"
    )]
    pub fn parse(
        goal: &str,
        unit: &str,
        measure: &str,
        what: &str,
        responsible: &str,
        evaluate_on: &str,
        measure_name: impl Fn(MeasureId) -> Option<String>,
        choices: &ContributionChoices,
        today: NaiveDate,
    ) -> Result<Self, Problems> {
        let mut p = Problems::new();
        let goal = p.check("mal", choice(goal, &choices.goals));
        let unit = p.check(
            "enhet",
            choice::<UnitId>(unit, &choices.covered_units).map_err(|e| {
                match unit.trim().parse::<UnitId>() {
                    Ok(u) if choices.uncovered_units.contains(&u) => Problem::NotCoveredByConsent,
                    _ => e,
                }
            }),
        );
        let measure = if measure.trim().is_empty() {
            Some(None)
        } else {
            p.check("tiltak", choice(measure, &choices.measures).map(Some))
        };
        let what = match (what.trim().is_empty(), measure.flatten()) {
            (true, Some(m)) => {
                let name = measure_name(m);
                if name.is_none() {
                    p.push("hva", Problem::Required);
                }
                name
            }
            _ => p.check("hva", required_text(what, MAX_WHAT)),
        };
        let responsible = p.check("ansvarlig", choice(responsible, &choices.people));
        let evaluate_on = match parse_date(evaluate_on) {
            Ok(Some(d)) if d < today => {
                p.push("evaluering", Problem::DateInPast);
                None
            }
            Ok(Some(d)) => Some(d),
            Ok(None) => {
                p.push("evaluering", Problem::Required);
                None
            }
            Err(e) => {
                p.push("evaluering", e);
                None
            }
        };
        match (goal, unit, measure, what, responsible, evaluate_on) {
            (Some(goal), Some(unit), Some(measure), Some(what), Some(responsible), Some(on))
                if p.is_empty() =>
            {
                Ok(Self {
                    goal,
                    unit,
                    measure,
                    what,
                    responsible,
                    evaluate_on: on,
                })
            }
            _ => Err(p),
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests")]
mod tests {
    use super::*;

    fn fields(p: Problems) -> Vec<(&'static str, Problem)> {
        p.into_vec()
            .into_iter()
            .map(|e| (e.field, e.problem))
            .collect()
    }

    #[test]
    fn a_refusal_needs_a_reason_and_a_grant_a_coordinator() {
        let m = TeamMemberId::new();
        assert_eq!(
            fields(Decision::parse("avsla", "", "", " ", &[m]).unwrap_err()),
            vec![("begrunnelse", Problem::Required)]
        );
        assert_eq!(
            fields(Decision::parse("innvilg", "", "x", "", &[m]).unwrap_err()),
            vec![
                ("koordinator", Problem::Required),
                ("type", Problem::UnknownChoice)
            ]
        );
        let other = TeamMemberId::new().to_string();
        assert_eq!(
            fields(Decision::parse("innvilg", &other, "koordinator", "", &[m]).unwrap_err()),
            vec![("koordinator", Problem::UnknownChoice)]
        );
        assert_eq!(
            Decision::parse("innvilg", &m.to_string(), "barnekoordinator", "", &[m]).unwrap(),
            Decision::Grant {
                coordinator: m,
                kind: CoordinatorKind::ChildCoordinator,
                note: None
            }
        );
        assert!(Decision::parse("", "", "", "", &[m]).is_err());
    }

    #[test]
    fn a_contribution_from_an_uncovered_unit_is_refused_as_such() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 7).unwrap();
        let (g, covered, uncovered, u) = (
            PlanGoalId::new(),
            UnitId::new(),
            UnitId::new(),
            UserId::new(),
        );
        let choices = ContributionChoices {
            goals: vec![g],
            covered_units: vec![covered],
            uncovered_units: vec![uncovered],
            measures: vec![],
            people: vec![u],
        };
        let parse = |unit: UnitId, on: &str| {
            NewContribution::parse(
                &g.to_string(),
                &unit.to_string(),
                "",
                "Lesetrening",
                &u.to_string(),
                on,
                |_| None,
                &choices,
                today,
            )
        };
        assert_eq!(
            fields(parse(uncovered, "2027-01-10").unwrap_err()),
            vec![("enhet", Problem::NotCoveredByConsent)]
        );
        assert_eq!(
            fields(parse(covered, "01.12.2026").unwrap_err()),
            vec![("evaluering", Problem::DateInPast)]
        );
        assert_eq!(parse(covered, "10.01.2027").unwrap().unit, covered);
    }

    #[test]
    fn a_goal_needs_words_and_whose() {
        assert_eq!(
            fields(NewGoal::parse(" ", "naboen").unwrap_err()),
            vec![
                ("ord", Problem::Required),
                ("sagt_av", Problem::UnknownChoice)
            ]
        );
        assert_eq!(
            NewGoal::parse("Jeg vil ha en venn", "barnet")
                .unwrap()
                .said_by,
            SaidBy::Child
        );
    }
}
