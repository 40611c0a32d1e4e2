//! Consent (samtykke): who may share information about a child with whom.
//! Enforced, not just recorded: [`coverage`] decides whether a unit is covered
//! today, and the access check (`access::Actor::open_log`) uses its answer.

use crate::ids::{ConsentId, GuardianId, UnitId};
use crate::validation::{Problem, Problems, optional_text, parse_date};
use chrono::{DateTime, NaiveDate, Utc};

/// From this age a youth's own consent covers their own matters (DOMAIN.md:
/// «the youth alone from 15 for own matters, from 16 for health»). For a
/// health unit ([`ConsentFacts::health_units`]) the youth's own consent
/// counts only from [`YOUTH_HEALTH_CONSENT_AGE`].
pub const YOUTH_CONSENT_AGE: u32 = 15;

/// From this age a youth's own consent also covers health units (DOMAIN.md
/// «from 16 for health»; pasient- og brukerrettighetsloven § 4-3 first
/// paragraph b: the youth consents to health care from 16). Below it the
/// guardians' consent is needed for a health unit, as for a younger child.
pub const YOUTH_HEALTH_CONSENT_AGE: u32 = 16;

/// How many days before expiry the lead is reminded.
pub const EXPIRY_WARNING_DAYS: i64 = 30;

/// Who must have consented before other units may see a log, when the child
/// has two guardians with shared parental responsibility.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConsentRule {
    /// One guardian with parental responsibility is enough.
    AnyGuardian,
    /// Every guardian with parental responsibility must consent.
    AllGuardians,
}

impl ConsentRule {
    pub const ALL: [ConsentRule; 2] = [Self::AnyGuardian, Self::AllGuardians];
    pub fn code(self) -> &'static str {
        match self {
            Self::AnyGuardian => "en",
            Self::AllGuardians => "alle",
        }
    }
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.code() == code)
    }
}

/// Who gave a consent.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Giver {
    Guardian(GuardianId),
    /// The child or youth themself.
    Youth,
}

impl Giver {
    pub fn code(self) -> String {
        match self {
            Self::Guardian(g) => g.to_string(),
            Self::Youth => "ungdom".into(),
        }
    }
    pub fn from_code(code: &str) -> Option<Self> {
        if code == "ungdom" {
            Some(Self::Youth)
        } else {
            code.parse().ok().map(Self::Guardian)
        }
    }
}

/// What a consent allows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purpose {
    /// Share information between the services named.
    ShareInformation,
    /// Take part in meetings about the child.
    Meetings,
}

impl Purpose {
    pub const ALL: [Purpose; 2] = [Self::ShareInformation, Self::Meetings];
    pub fn code(self) -> &'static str {
        match self {
            Self::ShareInformation => "dele",
            Self::Meetings => "mote",
        }
    }
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.code() == code)
    }
}

/// How the consent was given.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    Digital,
    /// Signed on paper; the scan is attached.
    SignedPaper,
    /// Given orally; a written note says who heard it.
    Oral,
}

impl Method {
    pub const ALL: [Method; 3] = [Self::Digital, Self::SignedPaper, Self::Oral];
    pub fn code(self) -> &'static str {
        match self {
            Self::Digital => "digitalt",
            Self::SignedPaper => "papir",
            Self::Oral => "muntlig",
        }
    }
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.code() == code)
    }
}

/// A recorded consent, as the access rules see it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Consent {
    pub id: ConsentId,
    pub givers: Vec<Giver>,
    pub units: Vec<UnitId>,
    pub purposes: Vec<Purpose>,
    pub valid_from: NaiveDate,
    pub valid_to: NaiveDate,
    pub withdrawn_at: Option<DateTime<Utc>>,
}

/// Where a consent stands on a day.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConsentState {
    NotYetValid,
    Valid,
    Expired,
    Withdrawn,
}

impl Consent {
    pub fn state(&self, today: NaiveDate) -> ConsentState {
        if self.withdrawn_at.is_some() {
            ConsentState::Withdrawn
        } else if today < self.valid_from {
            ConsentState::NotYetValid
        } else if today > self.valid_to {
            ConsentState::Expired
        } else {
            ConsentState::Valid
        }
    }

    /// Valid today, expiring within the warning period.
    pub fn expires_soon(&self, today: NaiveDate) -> bool {
        self.state(today) == ConsentState::Valid
            && (self.valid_to - today).num_days() <= EXPIRY_WARNING_DAYS
    }

    fn covers(&self, unit: UnitId, purpose: Purpose, today: NaiveDate) -> bool {
        self.state(today) == ConsentState::Valid
            && self.units.contains(&unit)
            && self.purposes.contains(&purpose)
    }
}

/// What the rules need to know about the child and its consents.
#[derive(Clone, Debug, Default)]
pub struct ConsentFacts {
    /// Guardians with parental responsibility.
    pub responsible_guardians: Vec<GuardianId>,
    /// The child's age today; `None` for an unborn child.
    pub child_age: Option<u32>,
    pub consents: Vec<Consent>,
    /// The units named in [`Self::consents`] that are health services
    /// (`admin::unit::UnitKind::is_health`): a youth's own consent covers
    /// them only from [`YOUTH_HEALTH_CONSENT_AGE`].
    pub health_units: Vec<UnitId>,
}

impl ConsentFacts {
    /// Whether the youth's own consent counts for `unit` at the child's age:
    /// from [`YOUTH_CONSENT_AGE`], and for a health unit from
    /// [`YOUTH_HEALTH_CONSENT_AGE`].
    pub fn youth_consents_for(&self, unit: UnitId) -> bool {
        let from = if self.health_units.contains(&unit) {
            YOUTH_HEALTH_CONSENT_AGE
        } else {
            YOUTH_CONSENT_AGE
        };
        self.child_age.is_some_and(|a| a >= from)
    }
}

/// Whether a unit may see a log under consent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Coverage {
    /// Covered; the consent that the access log names as ground.
    Covered(ConsentId),
    /// Some consent exists for this unit, but these guardians have not
    /// consented and the municipality's rule needs all of them.
    MissingGuardians(Vec<GuardianId>),
    NotCovered,
}

/// Decides whether `unit` is covered today under `rule` for sharing
/// information (what opens the log to it).
pub fn coverage(
    facts: &ConsentFacts,
    rule: ConsentRule,
    unit: UnitId,
    today: NaiveDate,
) -> Coverage {
    coverage_for(facts, rule, unit, Purpose::ShareInformation, today)
}

/// [`coverage`] for a given purpose: taking part in meetings about the
/// child needs a consent that names meetings (a case meeting's invitation,
/// `meetings::invitation::not_covered`).
pub fn coverage_for(
    facts: &ConsentFacts,
    rule: ConsentRule,
    unit: UnitId,
    purpose: Purpose,
    today: NaiveDate,
) -> Coverage {
    let covering: Vec<&Consent> = facts
        .consents
        .iter()
        .filter(|c| c.covers(unit, purpose, today))
        .collect();
    let Some(first) = covering.first() else {
        return Coverage::NotCovered;
    };
    // A youth old enough consents for themself (for a health unit from 16).
    if facts.youth_consents_for(unit)
        && let Some(c) = covering.iter().find(|c| c.givers.contains(&Giver::Youth))
    {
        return Coverage::Covered(c.id);
    }
    let by_guardian = |g: GuardianId| {
        covering
            .iter()
            .find(|c| c.givers.contains(&Giver::Guardian(g)))
    };
    match rule {
        ConsentRule::AnyGuardian => facts
            .responsible_guardians
            .iter()
            .find_map(|g| by_guardian(*g))
            .map(|c| Coverage::Covered(c.id))
            // No guardian with responsibility registered (e.g. an unborn
            // child's mother gave it as herself): any covering consent counts.
            .unwrap_or(if facts.responsible_guardians.is_empty() {
                Coverage::Covered(first.id)
            } else {
                Coverage::MissingGuardians(facts.responsible_guardians.clone())
            }),
        ConsentRule::AllGuardians => {
            let missing: Vec<GuardianId> = facts
                .responsible_guardians
                .iter()
                .copied()
                .filter(|g| by_guardian(*g).is_none())
                .collect();
            if missing.is_empty() {
                Coverage::Covered(first.id)
            } else {
                Coverage::MissingGuardians(missing)
            }
        }
    }
}

/// The units a valid consent covers today under `rule`.
pub fn covered_units(facts: &ConsentFacts, rule: ConsentRule, today: NaiveDate) -> Vec<UnitId> {
    let mut units: Vec<UnitId> = facts
        .consents
        .iter()
        .flat_map(|c| c.units.iter().copied())
        .collect();
    units.sort();
    units.dedup();
    units.retain(|u| matches!(coverage(facts, rule, *u, today), Coverage::Covered(_)));
    units
}

/// Whether anything of the log may be shared under `rule` today: covered
/// when some unit named in a consent is covered ([`coverage`], the same rule
/// as the log page's); otherwise the guardians whose consent would complete
/// the nearest unit (fewest missing), or not covered at all. Linking an
/// anonymous consultation to the log and adding a network person to its team
/// ask this, so that the form can name what is missing.
pub fn any_unit_coverage(facts: &ConsentFacts, rule: ConsentRule, today: NaiveDate) -> Coverage {
    let mut units: Vec<UnitId> = facts
        .consents
        .iter()
        .flat_map(|c| c.units.iter().copied())
        .collect();
    units.sort();
    units.dedup();
    let mut nearest = Coverage::NotCovered;
    for unit in units {
        match coverage(facts, rule, unit, today) {
            covered @ Coverage::Covered(_) => return covered,
            Coverage::MissingGuardians(missing) => match &nearest {
                Coverage::MissingGuardians(fewer) if fewer.len() <= missing.len() => {}
                _ => nearest = Coverage::MissingGuardians(missing),
            },
            Coverage::NotCovered => {}
        }
    }
    nearest
}

/// A consent as the form gives it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewConsent {
    pub givers: Vec<Giver>,
    pub units: Vec<UnitId>,
    pub purposes: Vec<Purpose>,
    pub valid_from: NaiveDate,
    pub valid_to: NaiveDate,
    pub method: Method,
    /// For oral consent: who heard it, and what was said.
    pub note: Option<String>,
}

/// A consent form's raw fields.
pub struct ConsentForm<'a> {
    pub givers: Vec<&'a str>,
    pub units: Vec<&'a str>,
    pub purposes: Vec<&'a str>,
    pub valid_from: &'a str,
    pub valid_to: &'a str,
    pub method: &'a str,
    pub note: &'a str,
    /// Whether a scan was uploaded with the form.
    pub has_scan: bool,
}

impl NewConsent {
    /// `known_givers` and `known_units` are the choices the form offered.
    pub fn parse(
        form: &ConsentForm<'_>,
        known_givers: &[Giver],
        known_units: &[UnitId],
    ) -> Result<Self, Problems> {
        let mut p = Problems::new();
        let mut pick = |field: &'static str, raw: &[&str], ok: &dyn Fn(&str) -> bool| {
            if raw.is_empty() {
                p.push(field, Problem::ChooseAtLeastOne);
            } else if !raw.iter().all(|r| ok(r)) {
                p.push(field, Problem::UnknownChoice);
            }
        };
        pick("givere", &form.givers, &|r| {
            Giver::from_code(r).is_some_and(|g| known_givers.contains(&g))
        });
        pick("enheter", &form.units, &|r| {
            r.parse().is_ok_and(|u: UnitId| known_units.contains(&u))
        });
        pick("formal", &form.purposes, &|r| {
            Purpose::from_code(r).is_some()
        });
        let date = |p: &mut Problems, field: &'static str, raw: &str| match parse_date(raw) {
            Ok(Some(d)) => Some(d),
            Ok(None) => {
                p.push(field, Problem::Required);
                None
            }
            Err(e) => {
                p.push(field, e);
                None
            }
        };
        let valid_from = date(&mut p, "gyldig_fra", form.valid_from);
        let valid_to = date(&mut p, "gyldig_til", form.valid_to);
        if let (Some(f), Some(t)) = (valid_from, valid_to)
            && t < f
        {
            p.push("gyldig_til", Problem::DateOrder);
        }
        let method = Method::from_code(form.method);
        match method {
            None if form.method.is_empty() => p.push("metode", Problem::Required),
            None => p.push("metode", Problem::UnknownChoice),
            Some(_) => {}
        }
        let note = p.check("notat", optional_text(form.note, 4000)).flatten();
        if method == Some(Method::Oral) && note.is_none() && p.is_empty_for("notat") {
            p.push("notat", Problem::Required);
        }
        if method == Some(Method::SignedPaper) && !form.has_scan {
            p.push("skann", Problem::FileRequired);
        }
        match (valid_from, valid_to, method) {
            (Some(valid_from), Some(valid_to), Some(method)) if p.is_empty() => {
                let mut givers: Vec<Giver> = form
                    .givers
                    .iter()
                    .filter_map(|g| Giver::from_code(g))
                    .collect();
                givers.sort();
                givers.dedup();
                let mut units: Vec<UnitId> =
                    form.units.iter().filter_map(|u| u.parse().ok()).collect();
                units.sort();
                units.dedup();
                let purposes = Purpose::ALL
                    .into_iter()
                    .filter(|x| form.purposes.contains(&x.code()))
                    .collect();
                Ok(Self {
                    givers,
                    units,
                    purposes,
                    valid_from,
                    valid_to,
                    method,
                    note,
                })
            }
            _ => Err(p),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default()
    }

    fn consent(givers: Vec<Giver>, unit: UnitId, from: NaiveDate, to: NaiveDate) -> Consent {
        Consent {
            id: ConsentId::new(),
            givers,
            units: vec![unit],
            purposes: vec![Purpose::ShareInformation],
            valid_from: from,
            valid_to: to,
            withdrawn_at: None,
        }
    }

    struct Case {
        mother: GuardianId,
        father: GuardianId,
        school: UnitId,
        today: NaiveDate,
    }

    fn case() -> Case {
        Case {
            mother: GuardianId::new(),
            father: GuardianId::new(),
            school: UnitId::new(),
            today: d(2026, 11, 23),
        }
    }

    fn facts(c: &Case, consents: Vec<Consent>) -> ConsentFacts {
        ConsentFacts {
            responsible_guardians: vec![c.mother, c.father],
            child_age: Some(8),
            consents,
            health_units: vec![],
        }
    }

    #[test]
    fn both_guardians_cover_under_either_rule() {
        let c = case();
        let both = consent(
            vec![Giver::Guardian(c.mother), Giver::Guardian(c.father)],
            c.school,
            d(2026, 1, 1),
            d(2027, 1, 1),
        );
        let f = facts(&c, vec![both.clone()]);
        for rule in ConsentRule::ALL {
            assert_eq!(
                coverage(&f, rule, c.school, c.today),
                Coverage::Covered(both.id)
            );
        }
    }

    #[test]
    fn one_of_two_guardians_meets_only_the_one_guardian_rule() {
        let c = case();
        let mothers = consent(
            vec![Giver::Guardian(c.mother)],
            c.school,
            d(2026, 1, 1),
            d(2027, 1, 1),
        );
        let f = facts(&c, vec![mothers.clone()]);
        assert_eq!(
            coverage(&f, ConsentRule::AnyGuardian, c.school, c.today),
            Coverage::Covered(mothers.id)
        );
        assert_eq!(
            coverage(&f, ConsentRule::AllGuardians, c.school, c.today),
            Coverage::MissingGuardians(vec![c.father])
        );
        // The father's separate consent completes it.
        let fathers = consent(
            vec![Giver::Guardian(c.father)],
            c.school,
            d(2026, 6, 1),
            d(2027, 1, 1),
        );
        let f = facts(&c, vec![mothers, fathers]);
        assert!(matches!(
            coverage(&f, ConsentRule::AllGuardians, c.school, c.today),
            Coverage::Covered(_)
        ));
    }

    #[test]
    fn expired_withdrawn_and_other_units_do_not_cover() {
        let c = case();
        let givers = vec![Giver::Guardian(c.mother), Giver::Guardian(c.father)];
        let expired = consent(givers.clone(), c.school, d(2025, 1, 1), d(2026, 11, 22));
        let mut withdrawn = consent(givers.clone(), c.school, d(2026, 1, 1), d(2027, 1, 1));
        withdrawn.withdrawn_at = Some(Utc::now());
        let other = consent(givers.clone(), UnitId::new(), d(2026, 1, 1), d(2027, 1, 1));
        let future = consent(givers.clone(), c.school, d(2026, 11, 24), d(2027, 1, 1));
        let mut meetings_only = consent(givers, c.school, d(2026, 1, 1), d(2027, 1, 1));
        meetings_only.purposes = vec![Purpose::Meetings];
        for k in [expired, withdrawn, other, future, meetings_only] {
            let f = facts(&c, vec![k]);
            for rule in ConsentRule::ALL {
                assert_eq!(coverage(&f, rule, c.school, c.today), Coverage::NotCovered);
            }
        }
    }

    #[test]
    fn covered_units_are_those_the_rule_opens() {
        let c = case();
        let other = UnitId::new();
        let both = consent(
            vec![Giver::Guardian(c.mother), Giver::Guardian(c.father)],
            c.school,
            d(2026, 1, 1),
            d(2027, 1, 1),
        );
        let one = consent(
            vec![Giver::Guardian(c.mother)],
            other,
            d(2026, 1, 1),
            d(2027, 1, 1),
        );
        let f = facts(&c, vec![both, one]);
        assert_eq!(
            covered_units(&f, ConsentRule::AllGuardians, c.today),
            vec![c.school]
        );
        let mut all = vec![c.school, other];
        all.sort();
        assert_eq!(covered_units(&f, ConsentRule::AnyGuardian, c.today), all);
    }

    #[test]
    fn any_unit_coverage_follows_the_rule_and_names_the_missing() {
        let c = case();
        let other = UnitId::new();
        let mothers = consent(
            vec![Giver::Guardian(c.mother)],
            c.school,
            d(2026, 1, 1),
            d(2027, 1, 1),
        );
        // One guardian's valid consent is «some valid consent», but under
        // «all guardians» it shares nothing: the father is missing.
        let f = facts(&c, vec![mothers.clone()]);
        assert_eq!(
            any_unit_coverage(&f, ConsentRule::AllGuardians, c.today),
            Coverage::MissingGuardians(vec![c.father])
        );
        assert_eq!(
            any_unit_coverage(&f, ConsentRule::AnyGuardian, c.today),
            Coverage::Covered(mothers.id)
        );
        // One complete consent for any unit is enough.
        let both = consent(
            vec![Giver::Guardian(c.mother), Giver::Guardian(c.father)],
            other,
            d(2026, 1, 1),
            d(2027, 1, 1),
        );
        let f = facts(&c, vec![mothers.clone(), both.clone()]);
        assert_eq!(
            any_unit_coverage(&f, ConsentRule::AllGuardians, c.today),
            Coverage::Covered(both.id)
        );
        // Nothing valid: not covered.
        let mut withdrawn = both;
        withdrawn.withdrawn_at = Some(Utc::now());
        let f = facts(&c, vec![withdrawn]);
        for rule in ConsentRule::ALL {
            assert_eq!(any_unit_coverage(&f, rule, c.today), Coverage::NotCovered);
        }
        assert_eq!(
            any_unit_coverage(&facts(&c, vec![]), ConsentRule::AnyGuardian, c.today),
            Coverage::NotCovered
        );
        // It agrees with the units the rule opens.
        for consents in [vec![mothers.clone()], vec![]] {
            let f = facts(&c, consents);
            for rule in ConsentRule::ALL {
                assert_eq!(
                    matches!(any_unit_coverage(&f, rule, c.today), Coverage::Covered(_)),
                    !covered_units(&f, rule, c.today).is_empty()
                );
            }
        }
    }

    #[test]
    fn a_youth_of_fifteen_consents_alone() {
        let c = case();
        let own = consent(vec![Giver::Youth], c.school, d(2026, 1, 1), d(2027, 1, 1));
        let mut f = facts(&c, vec![own.clone()]);
        f.child_age = Some(14);
        assert_eq!(
            coverage(&f, ConsentRule::AllGuardians, c.school, c.today),
            Coverage::MissingGuardians(vec![c.mother, c.father])
        );
        f.child_age = Some(15);
        assert_eq!(
            coverage(&f, ConsentRule::AllGuardians, c.school, c.today),
            Coverage::Covered(own.id)
        );
    }

    #[test]
    fn a_youth_consents_alone_for_health_only_from_sixteen() {
        let c = case();
        let health = UnitId::new();
        let own = consent(vec![Giver::Youth], health, d(2026, 1, 1), d(2027, 1, 1));
        let mut f = facts(&c, vec![own.clone()]);
        f.health_units = vec![health];
        f.child_age = Some(15);
        for rule in ConsentRule::ALL {
            assert_eq!(
                coverage(&f, rule, health, c.today),
                Coverage::MissingGuardians(vec![c.mother, c.father])
            );
        }
        assert!(covered_units(&f, ConsentRule::AnyGuardian, c.today).is_empty());
        // At 15 the guardians' consent is needed for health, as before.
        let mothers = consent(
            vec![Giver::Guardian(c.mother)],
            health,
            d(2026, 1, 1),
            d(2027, 1, 1),
        );
        f.consents.push(mothers.clone());
        assert_eq!(
            coverage(&f, ConsentRule::AnyGuardian, health, c.today),
            Coverage::Covered(mothers.id)
        );
        f.consents.pop();
        f.child_age = Some(16);
        for rule in ConsentRule::ALL {
            assert_eq!(
                coverage(&f, rule, health, c.today),
                Coverage::Covered(own.id)
            );
        }
        // A school stays the youth's own matter from 15.
        let school = consent(vec![Giver::Youth], c.school, d(2026, 1, 1), d(2027, 1, 1));
        let mut f = facts(&c, vec![school.clone(), own]);
        f.health_units = vec![health];
        f.child_age = Some(15);
        assert_eq!(
            coverage(&f, ConsentRule::AllGuardians, c.school, c.today),
            Coverage::Covered(school.id)
        );
        assert_eq!(
            covered_units(&f, ConsentRule::AllGuardians, c.today),
            vec![c.school]
        );
    }

    #[test]
    fn forms_say_what_is_missing() {
        let g = GuardianId::new();
        let u = UnitId::new();
        let gs = g.to_string();
        let us = u.to_string();
        let form = ConsentForm {
            givers: vec![&gs],
            units: vec![&us],
            purposes: vec!["dele"],
            valid_from: "01.12.2026",
            valid_to: "01.11.2026",
            method: "muntlig",
            note: "",
            has_scan: false,
        };
        let e: Vec<_> = NewConsent::parse(&form, &[Giver::Guardian(g)], &[u])
            .err()
            .map(|p| p.into_vec().into_iter().map(|e| e.field).collect())
            .unwrap_or_default();
        assert_eq!(e, ["gyldig_til", "notat"]);
        let paper = ConsentForm {
            method: "papir",
            valid_to: "01.12.2027",
            ..form
        };
        let e: Vec<_> = NewConsent::parse(&paper, &[Giver::Guardian(g)], &[u])
            .err()
            .map(|p| p.into_vec().into_iter().map(|e| e.field).collect())
            .unwrap_or_default();
        assert_eq!(e, ["skann"]);
        let stranger = UnitId::new().to_string();
        let bad = ConsentForm {
            units: vec![&stranger],
            givers: vec![],
            method: "digitalt",
            valid_to: "01.12.2027",
            ..paper
        };
        let e: Vec<_> = NewConsent::parse(&bad, &[Giver::Guardian(g)], &[u])
            .err()
            .map(|p| p.into_vec().into_iter().map(|e| e.field).collect())
            .unwrap_or_default();
        assert_eq!(e, ["givere", "enheter"]);
    }

    proptest! {
        /// A consent is valid exactly on the days from its first to its last.
        #[test]
        fn validity_is_inclusive(len in 0i64..800, probe in -10i64..810) {
            let from = d(2026, 1, 1);
            let to = from + chrono::Duration::days(len);
            let k = consent(vec![Giver::Youth], UnitId::new(), from, to);
            let day = from + chrono::Duration::days(probe);
            let valid = k.state(day) == ConsentState::Valid;
            prop_assert_eq!(valid, (0..=len).contains(&probe));
            prop_assert_eq!(k.expires_soon(day), valid && len - probe <= EXPIRY_WARNING_DAYS);
        }
    }
}
