//! Who may see and change what. This module is the one place where access is
//! decided (DESIGN.md, «Access»).
//!
//! A check returns a *capability*: a value with private fields that only this
//! module can make. Functions in the `db` crate that read or change protected
//! data take a capability as an argument, so code that forgets the check does
//! not compile, and the capability carries the ground that the access log
//! records.

use crate::ids::{MunicipalityId, UnitId, UserId};
use crate::user::Role;

/// One role that a user holds: in a unit, or (for the municipality
/// administrator) in a whole municipality.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Membership {
    pub municipality_id: MunicipalityId,
    pub unit_id: Option<UnitId>,
    pub role: Role,
}

/// The person asking, as established by their session.
#[derive(Clone, Debug)]
pub struct Actor {
    user_id: UserId,
    is_system_admin: bool,
    memberships: Vec<Membership>,
}

/// The answer when access is refused. Handlers turn it into a 404, so that
/// nobody learns whether the object exists.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("access denied")]
pub struct Denied;

/// Why an access was allowed; recorded in every access-log row.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ground {
    /// System administrator (above the municipalities).
    SystemAdmin,
    /// Municipality administrator of the municipality concerned.
    MunicipalityAdmin,
    /// Leader of the unit concerned.
    UnitLeader,
    /// The user's own account.
    OwnAccount,
    /// An operator at the command line, with direct access to the server.
    Operator,
    /// Editor of the unit's offers (tiltaksredaktør).
    OfferEditor,
    /// Member of the coordinating unit.
    CoordinatingUnit,
}

impl Ground {
    pub fn code(self) -> &'static str {
        match self {
            Self::SystemAdmin => "systemadministrator",
            Self::MunicipalityAdmin => "kommuneadministrator",
            Self::UnitLeader => "leder_av_enheten",
            Self::OwnAccount => "egen_konto",
            Self::Operator => "operator",
            Self::OfferEditor => "tiltaksredaktor",
            Self::CoordinatingUnit => "koordinerende_enhet",
        }
    }
}

/// Anything that grants access: it names who acts and on what ground.
pub trait Capability {
    /// The acting user; `None` for an operator at the command line.
    fn actor(&self) -> Option<UserId>;
    fn ground(&self) -> Ground;
}

/// May administer one municipality: its units and users.
#[derive(Debug)]
pub struct MunicipalityAdmin {
    actor: Option<UserId>,
    municipality_id: MunicipalityId,
    ground: Ground,
}

impl MunicipalityAdmin {
    pub fn municipality_id(&self) -> MunicipalityId {
        self.municipality_id
    }
}

/// May administer user accounts: those of one municipality, or (system
/// administrator, operator) all of them.
pub trait AdministersUsers: Capability {
    /// The municipality whose users are reached; `None` reaches every user.
    fn municipality(&self) -> Option<MunicipalityId>;
}

impl AdministersUsers for MunicipalityAdmin {
    fn municipality(&self) -> Option<MunicipalityId> {
        Some(self.municipality_id)
    }
}

impl AdministersUsers for SystemAdmin {
    fn municipality(&self) -> Option<MunicipalityId> {
        None
    }
}

/// Where a catalogue writer may act.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OfferScope {
    /// Offers provided by this unit (a tiltaksredaktør).
    Unit(UnitId),
    /// Every offer of the municipality (its administrator, importing).
    Municipality(MunicipalityId),
}

/// May create and change offers in the catalogue, within a scope.
pub trait EditsOffers: Capability {
    fn offer_scope(&self) -> OfferScope;
}

impl EditsOffers for MunicipalityAdmin {
    fn offer_scope(&self) -> OfferScope {
        OfferScope::Municipality(self.municipality_id)
    }
}

/// May edit the offers of one unit (tiltaksredaktør).
#[derive(Debug)]
pub struct OfferEditor {
    actor: UserId,
    unit_id: UnitId,
}

impl OfferEditor {
    pub fn unit_id(&self) -> UnitId {
        self.unit_id
    }
}

impl EditsOffers for OfferEditor {
    fn offer_scope(&self) -> OfferScope {
        OfferScope::Unit(self.unit_id)
    }
}

/// May comment on, approve and reject proposed changes to a municipality's
/// offers (the coordinating unit, koordinerende enhet).
#[derive(Debug)]
pub struct CatalogueReviewer {
    actor: UserId,
    municipality_id: MunicipalityId,
}

impl CatalogueReviewer {
    pub fn municipality_id(&self) -> MunicipalityId {
        self.municipality_id
    }
}

/// May read the access log of one unit.
#[derive(Debug)]
pub struct UnitAccessLogReader {
    actor: UserId,
    unit_id: UnitId,
}

impl UnitAccessLogReader {
    pub fn unit_id(&self) -> UnitId {
        self.unit_id
    }
}

/// May manage municipalities (create them, appoint their administrators).
#[derive(Debug)]
pub struct SystemAdmin {
    actor: Option<UserId>,
}

/// An operator at the server's command line. Whoever runs `laget` there can
/// read the database directly, so the CLI gets full rights; what it does is
/// still recorded in the access log with the ground «operatør».
#[derive(Debug)]
pub struct Operator(());

impl Operator {
    /// Only the `laget` command-line program should call this.
    pub fn at_console() -> Self {
        Self(())
    }

    pub fn administer(&self, municipality_id: MunicipalityId) -> MunicipalityAdmin {
        MunicipalityAdmin {
            actor: None,
            municipality_id,
            ground: Ground::Operator,
        }
    }

    pub fn system(&self) -> SystemAdmin {
        SystemAdmin { actor: None }
    }
}

macro_rules! capability {
    ($t:ty, |$s:ident| $actor:expr, $ground:expr) => {
        impl Capability for $t {
            fn actor(&self) -> Option<UserId> {
                let $s = self;
                $actor
            }
            fn ground(&self) -> Ground {
                let $s = self;
                let _ = $s;
                $ground
            }
        }
    };
}

capability!(MunicipalityAdmin, |s| s.actor, s.ground);
capability!(UnitAccessLogReader, |s| Some(s.actor), Ground::UnitLeader);
capability!(OfferEditor, |s| Some(s.actor), Ground::OfferEditor);
capability!(
    CatalogueReviewer,
    |s| Some(s.actor),
    Ground::CoordinatingUnit
);
capability!(
    SystemAdmin,
    |s| s.actor,
    if s.actor.is_some() {
        Ground::SystemAdmin
    } else {
        Ground::Operator
    }
);
impl Capability for Operator {
    fn actor(&self) -> Option<UserId> {
        None
    }
    fn ground(&self) -> Ground {
        Ground::Operator
    }
}

/// Acting on one's own account (the start page, changing one's password).
#[derive(Debug)]
pub struct OwnAccount {
    actor: UserId,
}
capability!(OwnAccount, |s| Some(s.actor), Ground::OwnAccount);

impl Actor {
    /// The session layer builds the actor from the database; nothing else should.
    pub fn new(user_id: UserId, is_system_admin: bool, memberships: Vec<Membership>) -> Self {
        Self {
            user_id,
            is_system_admin,
            memberships,
        }
    }

    pub fn user_id(&self) -> UserId {
        self.user_id
    }

    pub fn is_system_admin(&self) -> bool {
        self.is_system_admin
    }

    pub fn memberships(&self) -> &[Membership] {
        &self.memberships
    }

    pub fn own_account(&self) -> OwnAccount {
        OwnAccount {
            actor: self.user_id,
        }
    }

    fn holds(&self, role: Role, unit_id: UnitId) -> bool {
        self.memberships
            .iter()
            .any(|m| m.role == role && m.unit_id == Some(unit_id))
    }

    /// The municipalities this user administers (empty for most users).
    pub fn administered_municipalities(&self) -> Vec<MunicipalityId> {
        let mut ids: Vec<_> = self
            .memberships
            .iter()
            .filter(|m| m.role == Role::Kommuneadministrator)
            .map(|m| m.municipality_id)
            .collect();
        ids.sort();
        ids.dedup();
        ids
    }

    /// The units this user leads.
    pub fn led_units(&self) -> Vec<UnitId> {
        self.memberships
            .iter()
            .filter(|m| m.role == Role::Leder)
            .filter_map(|m| m.unit_id)
            .collect()
    }

    /// Administer a municipality's units and users: its administrators, and
    /// the system administrator.
    pub fn administer(&self, municipality_id: MunicipalityId) -> Result<MunicipalityAdmin, Denied> {
        let is_admin = self
            .memberships
            .iter()
            .any(|m| m.role == Role::Kommuneadministrator && m.municipality_id == municipality_id);
        let ground = if is_admin {
            Ground::MunicipalityAdmin
        } else if self.is_system_admin {
            Ground::SystemAdmin
        } else {
            return Err(Denied);
        };
        Ok(MunicipalityAdmin {
            actor: Some(self.user_id),
            municipality_id,
            ground,
        })
    }

    /// Read a unit's access log: the unit's leader only. Neither the
    /// municipality administrator nor the system administrator may, since the
    /// log shows which children's records were opened.
    pub fn read_unit_access_log(&self, unit_id: UnitId) -> Result<UnitAccessLogReader, Denied> {
        if self.holds(Role::Leder, unit_id) {
            Ok(UnitAccessLogReader {
                actor: self.user_id,
                unit_id,
            })
        } else {
            Err(Denied)
        }
    }

    /// Edit the offers a unit provides: its tiltaksredaktør.
    pub fn edit_offers_of(&self, unit_id: UnitId) -> Result<OfferEditor, Denied> {
        if self.holds(Role::Tiltaksredaktor, unit_id) {
            Ok(OfferEditor {
                actor: self.user_id,
                unit_id,
            })
        } else {
            Err(Denied)
        }
    }

    /// The units whose offers this user edits.
    pub fn edited_units(&self) -> Vec<UnitId> {
        self.memberships
            .iter()
            .filter(|m| m.role == Role::Tiltaksredaktor)
            .filter_map(|m| m.unit_id)
            .collect()
    }

    /// Review changes to a municipality's catalogue: members of the
    /// coordinating unit in that municipality.
    pub fn review_catalogue(
        &self,
        municipality_id: MunicipalityId,
    ) -> Result<CatalogueReviewer, Denied> {
        let member = self
            .memberships
            .iter()
            .any(|m| m.role == Role::KoordinerendeEnhet && m.municipality_id == municipality_id);
        if member {
            Ok(CatalogueReviewer {
                actor: self.user_id,
                municipality_id,
            })
        } else {
            Err(Denied)
        }
    }

    /// The municipalities whose catalogue this user reviews.
    pub fn reviewed_municipalities(&self) -> Vec<MunicipalityId> {
        let mut ids: Vec<_> = self
            .memberships
            .iter()
            .filter(|m| m.role == Role::KoordinerendeEnhet)
            .map(|m| m.municipality_id)
            .collect();
        ids.sort();
        ids.dedup();
        ids
    }

    /// Manage municipalities: system administrators only.
    pub fn administer_system(&self) -> Result<SystemAdmin, Denied> {
        if self.is_system_admin {
            Ok(SystemAdmin {
                actor: Some(self.user_id),
            })
        } else {
            Err(Denied)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(sys: bool, memberships: Vec<Membership>) -> Actor {
        Actor::new(UserId::new(), sys, memberships)
    }

    #[test]
    fn only_admins_of_that_municipality_administer_it() {
        let m = MunicipalityId::new();
        let other = MunicipalityId::new();
        let admin = actor(
            false,
            vec![Membership {
                municipality_id: m,
                unit_id: None,
                role: Role::Kommuneadministrator,
            }],
        );
        let cap = admin.administer(m);
        assert!(
            matches!(cap, Ok(ref c) if c.ground() == Ground::MunicipalityAdmin && c.municipality_id() == m)
        );
        assert_eq!(admin.administer(other).err(), Some(Denied));

        let leader = actor(
            false,
            vec![Membership {
                municipality_id: m,
                unit_id: Some(UnitId::new()),
                role: Role::Leder,
            }],
        );
        assert_eq!(leader.administer(m).err(), Some(Denied));

        let sys = actor(true, vec![]);
        assert!(matches!(sys.administer(other), Ok(ref c) if c.ground() == Ground::SystemAdmin));
    }

    #[test]
    fn only_the_units_leader_reads_its_access_log() {
        let m = MunicipalityId::new();
        let unit = UnitId::new();
        let leader = actor(
            false,
            vec![Membership {
                municipality_id: m,
                unit_id: Some(unit),
                role: Role::Leder,
            }],
        );
        assert!(leader.read_unit_access_log(unit).is_ok());
        assert_eq!(
            leader.read_unit_access_log(UnitId::new()).err(),
            Some(Denied)
        );

        let staff = actor(
            false,
            vec![Membership {
                municipality_id: m,
                unit_id: Some(unit),
                role: Role::Ansatt,
            }],
        );
        assert_eq!(staff.read_unit_access_log(unit).err(), Some(Denied));
        let admin = actor(
            true,
            vec![Membership {
                municipality_id: m,
                unit_id: None,
                role: Role::Kommuneadministrator,
            }],
        );
        assert_eq!(admin.read_unit_access_log(unit).err(), Some(Denied));
    }

    #[test]
    fn editors_edit_their_units_offers_and_the_coordinating_unit_reviews() {
        let m = MunicipalityId::new();
        let unit = UnitId::new();
        let editor = actor(
            false,
            vec![Membership {
                municipality_id: m,
                unit_id: Some(unit),
                role: Role::Tiltaksredaktor,
            }],
        );
        assert!(
            matches!(editor.edit_offers_of(unit), Ok(ref e) if e.offer_scope() == OfferScope::Unit(unit))
        );
        assert!(editor.edit_offers_of(UnitId::new()).is_err());
        assert!(editor.review_catalogue(m).is_err());
        let ke = actor(
            false,
            vec![Membership {
                municipality_id: m,
                unit_id: Some(UnitId::new()),
                role: Role::KoordinerendeEnhet,
            }],
        );
        assert!(
            matches!(ke.review_catalogue(m), Ok(ref r) if r.ground() == Ground::CoordinatingUnit)
        );
        assert!(ke.review_catalogue(MunicipalityId::new()).is_err());
        assert!(ke.edit_offers_of(unit).is_err());
        let leader = actor(
            false,
            vec![Membership {
                municipality_id: m,
                unit_id: Some(unit),
                role: Role::Leder,
            }],
        );
        assert!(leader.edit_offers_of(unit).is_err());
    }

    #[test]
    fn system_administration_needs_the_flag() {
        assert!(actor(true, vec![]).administer_system().is_ok());
        assert!(actor(false, vec![]).administer_system().is_err());
    }
}
