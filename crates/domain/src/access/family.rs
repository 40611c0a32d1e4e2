//! The family's access to a log (DESIGN.md, Access, rule 3): a guardian with
//! parental responsibility sees their child's log until the child is of age;
//! a youth from 15 sees their own (DOMAIN.md consent rules). Anyone else —
//! a guardian without parental responsibility, a guardian whose
//! responsibility has ended, another child's guardian — is refused, and the
//! refusal is a 404 like every other.
//!
//! A citizen is known by the national identity number ID-porten gives; the
//! facts carry the numbers of the child and its guardians as staff recorded
//! them. What the family then sees of the log is narrowed by
//! [`crate::portal::Withheld`].

use super::{Capability, Denied, Ground};
use crate::ids::{CitizenId, GuardianId, LogId, MunicipalityId, UserId};
use crate::log::consent::Giver;
use crate::portal::{FamilyRole, MAJORITY_AGE, Withheld, YOUTH_PORTAL_AGE};

/// A citizen signed in through ID-porten, as established by their session.
/// Made only by `laget_db::portal::citizens::signed_in` (the session layer),
/// like [`super::Actor`].
#[derive(Clone, Debug)]
pub struct CitizenActor {
    id: CitizenId,
    national_id: String,
}

impl CitizenActor {
    /// The session layer builds the citizen from the database.
    pub fn new(id: CitizenId, national_id: String) -> Self {
        Self { id, national_id }
    }
    pub fn id(&self) -> CitizenId {
        self.id
    }
    /// The citizen's national identity number, for finding their children.
    pub fn national_id(&self) -> &str {
        &self.national_id
    }

    /// May this citizen open the log described by `facts`? As the youth
    /// whose log it is (from 15), or as a guardian with parental
    /// responsibility of a child under 18.
    pub fn open_log(&self, facts: &FamilyFacts) -> Result<FamilyReader, Denied> {
        let reader = |role, ground| FamilyReader {
            citizen: self.id,
            log_id: facts.log_id,
            municipality_id: facts.municipality_id,
            role,
            ground,
            is_open: facts.is_open,
            child_age: facts.child_age,
        };
        if facts.child_national_id.as_deref() == Some(self.national_id.as_str())
            && facts.child_age.is_some_and(|a| a >= YOUTH_PORTAL_AGE)
        {
            return Ok(reader(FamilyRole::Youth, Ground::Youth));
        }
        if facts.child_age.is_some_and(|a| a >= MAJORITY_AGE) {
            return Err(Denied);
        }
        facts
            .guardians
            .iter()
            .find(|g| {
                g.responsible && !g.ended && g.national_id.as_deref() == Some(&self.national_id)
            })
            .map(|g| reader(FamilyRole::Guardian(g.id), Ground::Guardian))
            .ok_or(Denied)
    }
}

/// One guardian of the child, as the family rules need it.
#[derive(Clone, Debug)]
pub struct FamilyGuardian {
    pub id: GuardianId,
    pub national_id: Option<String>,
    /// Has parental responsibility (foreldreansvar).
    pub responsible: bool,
    /// No longer the child's guardian.
    pub ended: bool,
}

/// What the family rules need to know about one log: ids, ages and the
/// national identity numbers to match, loaded before anything is read.
#[derive(Clone, Debug)]
pub struct FamilyFacts {
    pub log_id: LogId,
    pub municipality_id: MunicipalityId,
    pub is_open: bool,
    pub child_national_id: Option<String>,
    /// The child's age today; `None` for an unborn child.
    pub child_age: Option<u32>,
    pub guardians: Vec<FamilyGuardian>,
}

/// May read one log as its family; made only by [`CitizenActor::open_log`].
/// Every `db` function that reads the log for the portal takes it, and
/// records the citizen and the ground (foresatt, ungdom) in the access log.
#[derive(Clone, Debug)]
pub struct FamilyReader {
    citizen: CitizenId,
    log_id: LogId,
    municipality_id: MunicipalityId,
    role: FamilyRole,
    ground: Ground,
    is_open: bool,
    child_age: Option<u32>,
}

impl Capability for FamilyReader {
    fn actor(&self) -> Option<UserId> {
        None
    }
    fn citizen(&self) -> Option<CitizenId> {
        Some(self.citizen)
    }
    fn ground(&self) -> Ground {
        self.ground
    }
    fn ground_detail(&self) -> Option<String> {
        match self.role {
            FamilyRole::Guardian(g) => Some(g.to_string()),
            FamilyRole::Youth => None,
        }
    }
}

/// May change the family's part of one log (give consent, add the child's
/// voice and their own view, rate a meeting, ask for a meeting). Made from a
/// [`FamilyReader`].
#[derive(Clone, Debug)]
pub struct FamilyWriter(FamilyReader);

impl Capability for FamilyWriter {
    fn actor(&self) -> Option<UserId> {
        None
    }
    fn citizen(&self) -> Option<CitizenId> {
        Some(self.0.citizen)
    }
    fn ground(&self) -> Ground {
        self.0.ground
    }
    fn ground_detail(&self) -> Option<String> {
        self.0.ground_detail()
    }
}

impl FamilyWriter {
    pub fn reader(&self) -> &FamilyReader {
        &self.0
    }
    pub fn log_id(&self) -> LogId {
        self.0.log_id
    }
    pub fn citizen_id(&self) -> CitizenId {
        self.0.citizen
    }
    /// Who gives a consent written under this capability.
    pub fn giver(&self) -> Giver {
        match self.0.role {
            FamilyRole::Guardian(g) => Giver::Guardian(g),
            FamilyRole::Youth => Giver::Youth,
        }
    }
}

impl FamilyReader {
    pub fn log_id(&self) -> LogId {
        self.log_id
    }
    pub fn municipality_id(&self) -> MunicipalityId {
        self.municipality_id
    }
    pub fn citizen_id(&self) -> CitizenId {
        self.citizen
    }
    pub fn role(&self) -> FamilyRole {
        self.role
    }
    pub fn is_open(&self) -> bool {
        self.is_open
    }
    /// The child's age today (`None`: unborn).
    pub fn child_age(&self) -> Option<u32> {
        self.child_age
    }

    /// Whether this reader sees an entry withheld as `withheld`.
    pub fn sees(&self, withheld: Option<Withheld>) -> bool {
        crate::portal::entry_shown_to(withheld, self.role)
    }

    /// Giving consent, adding the child's voice or one's own view, rating a
    /// meeting, asking for a meeting: on an open log.
    pub fn writer(&self) -> Result<FamilyWriter, Denied> {
        if self.is_open {
            Ok(FamilyWriter(self.clone()))
        } else {
            Err(Denied)
        }
    }

    /// Withdrawing a consent one gave (or one's own side of it): on an open
    /// log or a closed one, since a withdrawal takes effect at once,
    /// everywhere (DOMAIN.md, consent rules).
    pub fn withdrawer(&self) -> FamilyWriter {
        FamilyWriter(self.clone())
    }
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::disallowed_methods,
    reason = "tests: each case states whether the citizen opens the log, and makes citizens as the session would"
)]
mod tests {
    use super::*;

    const PARENT: &str = "01017012345";
    const CHILD: &str = "15011012345";

    fn facts(age: Option<u32>, responsible: bool, ended: bool) -> FamilyFacts {
        FamilyFacts {
            log_id: LogId::new(),
            municipality_id: MunicipalityId::new(),
            is_open: true,
            child_national_id: Some(CHILD.into()),
            child_age: age,
            guardians: vec![FamilyGuardian {
                id: GuardianId::new(),
                national_id: Some(PARENT.into()),
                responsible,
                ended,
            }],
        }
    }

    fn citizen(n: &str) -> CitizenActor {
        CitizenActor::new(CitizenId::new(), n.into())
    }

    #[test]
    fn a_responsible_guardian_opens_until_the_child_is_of_age() {
        let r = citizen(PARENT)
            .open_log(&facts(Some(9), true, false))
            .unwrap();
        assert!(matches!(r.role(), FamilyRole::Guardian(_)));
        assert_eq!(r.ground(), Ground::Guardian);
        assert_eq!(r.actor(), None);
        assert!(r.citizen().is_some());
        assert!(citizen(PARENT).open_log(&facts(None, true, false)).is_ok());
        assert!(
            citizen(PARENT)
                .open_log(&facts(Some(17), true, false))
                .is_ok()
        );
        assert_eq!(
            citizen(PARENT)
                .open_log(&facts(Some(18), true, false))
                .unwrap_err(),
            Denied
        );
    }

    #[test]
    fn without_responsibility_or_after_it_ended_or_a_stranger_is_refused() {
        assert!(
            citizen(PARENT)
                .open_log(&facts(Some(9), false, false))
                .is_err()
        );
        assert!(
            citizen(PARENT)
                .open_log(&facts(Some(9), true, true))
                .is_err()
        );
        assert!(
            citizen("02027012345")
                .open_log(&facts(Some(9), true, false))
                .is_err()
        );
    }

    #[test]
    fn the_youth_opens_their_own_log_from_fifteen() {
        assert!(
            citizen(CHILD)
                .open_log(&facts(Some(14), true, false))
                .is_err()
        );
        let r = citizen(CHILD)
            .open_log(&facts(Some(15), true, false))
            .unwrap();
        assert_eq!(r.role(), FamilyRole::Youth);
        assert_eq!(r.ground(), Ground::Youth);
        assert_eq!(r.writer().unwrap().giver(), Giver::Youth);
    }

    #[test]
    fn a_closed_log_takes_withdrawals_only() {
        let mut f = facts(Some(9), true, false);
        f.is_open = false;
        let r = citizen(PARENT).open_log(&f).unwrap();
        assert!(r.writer().is_err());
        assert!(matches!(r.withdrawer().giver(), Giver::Guardian(_)));
    }
}
