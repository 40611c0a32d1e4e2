//! Who may see and change what. This module is the one place where access is
//! decided (DESIGN.md, «Access»).
//!
//! A check returns a *capability*: a value with private fields that only this
//! module can make. Functions in the `db` crate that read or change protected
//! data take a capability as an argument, so code that forgets the check does
//! not compile, and the capability carries the ground that the access log
//! records.

use crate::admin::user::Role;
use crate::ids::{CitizenId, MunicipalityId, UnitId, UserId};

/// Implements [`Capability`] for a capability type: who acts, on what ground.
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

/// Capabilities narrowed from a [`LogReader`] record what the reader does:
/// the same actor, ground and ground detail.
macro_rules! as_its_reader {
    ($($t:ty),*) => {$(
        impl Capability for $t {
            fn actor(&self) -> Option<UserId> {
                self.0.actor()
            }
            fn ground(&self) -> Ground {
                self.0.ground()
            }
            fn ground_detail(&self) -> Option<String> {
                self.0.ground_detail()
            }
        }
    )*};
}

mod admin;
mod audit;
mod casework;
mod catalogue;
mod family;
mod log;
mod plans;
mod reports;
mod teams;

pub use admin::*;
pub use audit::*;
pub use casework::*;
pub use catalogue::*;
pub use family::*;
pub use log::*;
pub use plans::*;
pub use reports::*;
pub use teams::*;

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
    /// Those of the user's units that are child welfare services (known
    /// from the database; see [`Actor::with_child_welfare_units`]).
    child_welfare_units: Vec<UnitId>,
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
    /// Staff of the unit that keeps the log (its own records).
    OwnUnit,
    /// On the team around the child, under a consent covering the unit.
    TeamConsent,
    /// Break-glass (nødtilgang) with a written reason.
    BreakGlass,
    /// A guardian with parental responsibility, in the family's portal.
    Guardian,
    /// The youth whose log it is, in the family's portal.
    Youth,
    /// The duty to inform child welfare (opplysningsplikten, barnevernsloven
    /// § 13-2): writing and sending a report of concern, no consent needed.
    ReportingDuty,
    /// Staff of the child welfare service a report was delivered to.
    ChildWelfare,
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
            Self::OwnUnit => "egen_enhet",
            Self::TeamConsent => "lag_og_samtykke",
            Self::BreakGlass => "nodtilgang",
            Self::Guardian => "foresatt",
            Self::Youth => "ungdom",
            Self::ReportingDuty => "opplysningsplikt",
            Self::ChildWelfare => "barneverntjenesten",
        }
    }
}

/// Anything that grants access: it names who acts and on what ground.
pub trait Capability {
    /// The acting user; `None` for an operator at the command line.
    fn actor(&self) -> Option<UserId>;
    /// The acting citizen, for the family's capabilities (`actor()` is then
    /// `None`).
    fn citizen(&self) -> Option<CitizenId> {
        None
    }
    fn ground(&self) -> Ground;
    /// What the ground rests on, when it is a record: the consent, the
    /// break-glass opening. The access log stores «ground:detail».
    fn ground_detail(&self) -> Option<String> {
        None
    }
}

/// Acting on one's own account (the start page, changing one's password).
#[derive(Debug)]
pub struct OwnAccount {
    actor: UserId,
}
capability!(OwnAccount, |s| Some(s.actor), Ground::OwnAccount);

impl Actor {
    /// An actor for a test, with the given rights. Only with the
    /// `test-support` feature (and in this crate's unit tests).
    #[cfg(any(test, feature = "test-support"))]
    pub fn for_tests(user_id: UserId, is_system_admin: bool, memberships: Vec<Membership>) -> Self {
        #[allow(clippy::disallowed_methods, reason = "the test-support constructor")]
        Self::new(user_id, is_system_admin, memberships)
    }

    /// The session layer builds the actor from the database; nothing else
    /// may (`clippy.toml` bans it elsewhere; the one call is
    /// `laget_db::lookup::actor`).
    pub fn new(user_id: UserId, is_system_admin: bool, memberships: Vec<Membership>) -> Self {
        Self {
            user_id,
            is_system_admin,
            memberships,
            child_welfare_units: Vec::new(),
        }
    }

    /// Says which of the user's units are child welfare services, whose
    /// staff may open a log with break-glass.
    pub fn with_child_welfare_units(mut self, units: Vec<UnitId>) -> Self {
        self.child_welfare_units = units;
        self
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

    /// The municipalities in which the user holds some role, each once.
    pub fn municipalities(&self) -> Vec<MunicipalityId> {
        let mut ids: Vec<_> = self.memberships.iter().map(|m| m.municipality_id).collect();
        ids.sort();
        ids.dedup();
        ids
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
}

#[cfg(test)]
pub(crate) mod test_support {
    use super::{Actor, Membership};
    use crate::ids::UserId;

    pub(crate) fn actor(sys: bool, memberships: Vec<Membership>) -> Actor {
        Actor::for_tests(UserId::new(), sys, memberships)
    }
}
