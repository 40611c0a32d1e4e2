//! Administration: municipalities, units, user accounts and roles
//! (DESIGN.md, Access, rules 7 and 8).

use super::{Actor, Capability, Denied, Ground};
use crate::admin::user::Role;
use crate::ids::{MunicipalityId, UnitId, UserId};

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

capability!(MunicipalityAdmin, |s| s.actor, s.ground);
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

impl Actor {
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

/// May change one unit (rename, deactivate, attach or detach the
/// municipalities it serves): the administrator of its host municipality
/// (vertskommune). Made only by [`MunicipalityAdmin::administer_unit`].
#[derive(Debug)]
pub struct UnitAdmin {
    actor: Option<UserId>,
    ground: Ground,
    unit_id: UnitId,
    host: MunicipalityId,
}

impl UnitAdmin {
    pub fn unit_id(&self) -> UnitId {
        self.unit_id
    }
    /// The unit's host municipality, which this administrator administers.
    pub fn host(&self) -> MunicipalityId {
        self.host
    }
}
capability!(UnitAdmin, |s| s.actor, s.ground);

/// Why giving a role was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GrantRefused {
    /// Nobody gives their own account a role (rule 7): another
    /// administrator must.
    OwnAccount,
    /// The unit is administered by another municipality (rule 8), or a unit
    /// role was asked for without a unit. Shown as a 404.
    NotHost,
}

/// May give one account one role: made only by
/// [`MunicipalityAdmin::grant_role`], taken by the `db` function that
/// writes the membership and the record of the grant.
#[derive(Debug)]
pub struct RoleGrant {
    actor: Option<UserId>,
    ground: Ground,
    municipality_id: MunicipalityId,
    user_id: UserId,
    role: Role,
    unit_id: Option<UnitId>,
}

impl RoleGrant {
    /// Where the role is held: the administrator's municipality, which for a
    /// unit role is the unit's host.
    pub fn municipality_id(&self) -> MunicipalityId {
        self.municipality_id
    }
    pub fn user_id(&self) -> UserId {
        self.user_id
    }
    pub fn role(&self) -> Role {
        self.role
    }
    pub fn unit_id(&self) -> Option<UnitId> {
        self.unit_id
    }
}
capability!(RoleGrant, |s| s.actor, s.ground);

impl AdministersUsers for RoleGrant {
    fn municipality(&self) -> Option<MunicipalityId> {
        Some(self.municipality_id)
    }
}

impl MunicipalityAdmin {
    /// Change a unit whose host municipality is `host`: only that
    /// municipality's administrator (or the system administrator or
    /// operator acting for it). The other municipalities a shared unit
    /// serves see it and may choose it (as an offer's provider, a unit a
    /// child attends, a unit on a team) but not change it.
    pub fn administer_unit(
        &self,
        unit_id: UnitId,
        host: MunicipalityId,
    ) -> Result<UnitAdmin, Denied> {
        if host == self.municipality_id {
            Ok(UnitAdmin {
                actor: self.actor,
                ground: self.ground,
                unit_id,
                host,
            })
        } else {
            Err(Denied)
        }
    }

    /// Give `user` the `role`: a unit role in `unit` (with that unit's host
    /// municipality), or the administrator role in this municipality.
    /// Refused for one's own account, whatever the role (rule 7: nobody
    /// grants themselves access), and for a unit hosted by another
    /// municipality (rule 8).
    pub fn grant_role(
        &self,
        user: UserId,
        role: Role,
        unit: Option<(UnitId, MunicipalityId)>,
    ) -> Result<RoleGrant, GrantRefused> {
        // The unit first: a unit another municipality hosts is a 404 whoever
        // the account is, so the answer does not tell that the unit exists.
        let unit_id = if role.is_unit_role() {
            match unit {
                Some((unit_id, host)) if host == self.municipality_id => Some(unit_id),
                _ => return Err(GrantRefused::NotHost),
            }
        } else {
            None
        };
        if self.actor == Some(user) {
            return Err(GrantRefused::OwnAccount);
        }
        Ok(RoleGrant {
            actor: self.actor,
            ground: self.ground,
            municipality_id: self.municipality_id,
            user_id: user,
            role,
            unit_id,
        })
    }
}

/// May read (and mark as reviewed) the grants of roles that open children's
/// data in one unit: the unit's leader.
#[derive(Debug)]
pub struct RoleGrantReviewer {
    actor: UserId,
    unit_id: UnitId,
}

impl RoleGrantReviewer {
    pub fn unit_id(&self) -> UnitId {
        self.unit_id
    }
    pub fn actor_id(&self) -> UserId {
        self.actor
    }
}
capability!(RoleGrantReviewer, |s| Some(s.actor), Ground::UnitLeader);

impl Actor {
    /// «Tildelte roller»: the unit's leader sees who was given a role that
    /// opens children's data in the unit, by whom and when.
    pub fn review_role_grants(&self, unit_id: UnitId) -> Result<RoleGrantReviewer, Denied> {
        if self.holds(Role::Leder, unit_id) {
            Ok(RoleGrantReviewer {
                actor: self.user_id,
                unit_id,
            })
        } else {
            Err(Denied)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::access::Membership;
    use crate::access::test_support::actor;

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
    fn nobody_grants_themselves_a_role_and_only_the_host_gives_roles_in_a_unit() {
        let host = MunicipalityId::new();
        let neighbour = MunicipalityId::new();
        let shared = UnitId::new();
        let admin_of = |m| {
            actor(
                false,
                vec![Membership {
                    municipality_id: m,
                    unit_id: None,
                    role: Role::Kommuneadministrator,
                }],
            )
        };
        let (host_admin, neighbour_admin) = (admin_of(host), admin_of(neighbour));
        let colleague = UserId::new();
        let own = |a: &Actor, m| a.administer(m).map(|c| (c, a.user_id()));

        // Her own account: refused for every role, in her own unit too.
        let Ok((cap, me)) = own(&host_admin, host) else {
            unreachable!("an administrator administers her municipality")
        };
        for role in Role::ALL {
            assert_eq!(
                cap.grant_role(me, role, Some((shared, host))).err(),
                Some(GrantRefused::OwnAccount),
                "{role:?}"
            );
        }
        // Someone else, in a unit her municipality hosts: allowed.
        let grant = cap.grant_role(colleague, Role::Leder, Some((shared, host)));
        assert!(grant.as_ref().is_ok_and(|g| g.unit_id() == Some(shared)
            && g.municipality_id() == host
            && g.ground() == Ground::MunicipalityAdmin
            && g.actor() == Some(me)));
        assert!(cap.administer_unit(shared, host).is_ok());

        // The neighbour the unit serves: neither changes it nor gives roles in it.
        let Ok((cap, me)) = own(&neighbour_admin, neighbour) else {
            unreachable!("an administrator administers her municipality")
        };
        assert_eq!(cap.administer_unit(shared, host).err(), Some(Denied));
        assert_eq!(
            cap.grant_role(colleague, Role::Leder, Some((shared, host)))
                .err(),
            Some(GrantRefused::NotHost)
        );
        assert_eq!(
            cap.grant_role(me, Role::Leder, Some((shared, host))).err(),
            Some(GrantRefused::NotHost),
            "another host's unit is not found, whoever the account"
        );
        assert_eq!(
            cap.grant_role(me, Role::Kommuneadministrator, None).err(),
            Some(GrantRefused::OwnAccount)
        );
        // A unit role needs a unit.
        assert_eq!(
            cap.grant_role(colleague, Role::Ansatt, None).err(),
            Some(GrantRefused::NotHost)
        );
        // The administrator role is held in her own municipality.
        assert!(
            cap.grant_role(colleague, Role::Kommuneadministrator, Some((shared, host)))
                .is_ok_and(|g| g.unit_id().is_none() && g.municipality_id() == neighbour)
        );

        // The operator has no account of its own to grant to.
        let op = Operator::at_console();
        assert!(
            op.administer(host)
                .grant_role(colleague, Role::Leder, Some((shared, host)))
                .is_ok_and(|g| g.ground() == Ground::Operator && g.actor().is_none())
        );
    }

    #[test]
    fn system_administration_needs_the_flag() {
        assert!(actor(true, vec![]).administer_system().is_ok());
        assert!(actor(false, vec![]).administer_system().is_err());
    }
}
