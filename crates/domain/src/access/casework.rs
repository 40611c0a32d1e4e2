//! Working with children: a unit's children and logs, the child's record,
//! overseeing a unit's logs, break-glass.

use super::{Actor, Capability, Denied, Ground};
use crate::admin::user::Role;
use crate::ids::{MunicipalityId, UnitId, UserId};

/// Works with the children of one unit: register them, list them, start logs,
/// hold anonymous consultations. Staff and leaders of the unit.
#[derive(Clone, Debug)]
pub struct UnitCasework {
    actor: UserId,
    unit_id: UnitId,
    municipality_id: MunicipalityId,
    ground: Ground,
}

impl UnitCasework {
    pub fn unit_id(&self) -> UnitId {
        self.unit_id
    }
    pub fn municipality_id(&self) -> MunicipalityId {
        self.municipality_id
    }
    pub fn actor_id(&self) -> UserId {
        self.actor
    }
}
capability!(UnitCasework, |s| Some(s.actor), s.ground);

/// Changes a child's record (name, birth, national identity number, the
/// units it attends, its guardians): staff and leaders of a unit the child
/// attends, the same people who see the child's page.
#[derive(Clone, Debug)]
pub struct ChildEditor {
    casework: UnitCasework,
    child: crate::ids::ChildId,
    /// Every unit where the editor works with children.
    own_units: Vec<UnitId>,
}

impl ChildEditor {
    pub fn child_id(&self) -> crate::ids::ChildId {
        self.child
    }
    /// The editor's unit through which the child is reached.
    pub fn unit_id(&self) -> UnitId {
        self.casework.unit_id
    }
    pub fn municipality_id(&self) -> MunicipalityId {
        self.casework.municipality_id
    }
    pub fn actor_id(&self) -> UserId {
        self.casework.actor
    }
    /// Whether the editor still reaches the child once it attends `units`:
    /// an edit that would leave none of the editor's own units is refused,
    /// since nobody could undo it from here.
    pub fn keeps_access(&self, units: &[UnitId]) -> bool {
        units.iter().any(|u| self.own_units.contains(u))
    }
}
capability!(ChildEditor, |s| Some(s.casework.actor), s.casework.ground);

impl Actor {
    /// Edit the record of `child`, who attends `attends`: staff and leaders
    /// of one of those units (a unit the user leads first).
    pub fn edit_child(
        &self,
        child: crate::ids::ChildId,
        attends: &[UnitId],
    ) -> Result<ChildEditor, Denied> {
        let own_units: Vec<UnitId> = self.casework_units().into_iter().map(|(u, _)| u).collect();
        let casework = attends
            .iter()
            .filter(|u| own_units.contains(u))
            .filter_map(|u| self.casework(*u).ok())
            .max_by_key(|c| c.ground == Ground::UnitLeader)
            .ok_or(Denied)?;
        Ok(ChildEditor {
            casework,
            child,
            own_units,
        })
    }
}

/// The roles that work with children in a unit: staff and leaders. They
/// are the ones who may be put on a team around a child.
pub const CASEWORK_ROLES: [Role; 2] = [Role::Ansatt, Role::Leder];

/// Oversees the logs of one unit: its leader (by level and status, overdue
/// items, break-glass reviews).
#[derive(Clone, Debug)]
pub struct UnitOverseer {
    actor: UserId,
    unit_id: UnitId,
    municipality_id: MunicipalityId,
}

impl UnitOverseer {
    pub fn unit_id(&self) -> UnitId {
        self.unit_id
    }
    /// The municipality in which the leader holds the role.
    pub fn municipality_id(&self) -> MunicipalityId {
        self.municipality_id
    }
}
capability!(UnitOverseer, |s| Some(s.actor), Ground::UnitLeader);

/// The fewest characters a break-glass reason may have.
pub const BREAK_GLASS_REASON_MIN: usize = 10;

/// May open a log one is not on, giving a reason: a leader, or staff of
/// child welfare (DOMAIN.md, consent rules).
#[derive(Clone, Debug)]
pub struct BreakGlassRight {
    actor: UserId,
    municipality_id: MunicipalityId,
}

impl BreakGlassRight {
    pub fn municipality_id(&self) -> MunicipalityId {
        self.municipality_id
    }
    pub fn actor_id(&self) -> UserId {
        self.actor
    }

    /// The written reason a break-glass opening needs: at least
    /// [`BREAK_GLASS_REASON_MIN`] characters, so that a reviewer learns why.
    pub fn reason(&self, reason: String) -> Result<String, crate::validation::Problem> {
        if reason.chars().count() < BREAK_GLASS_REASON_MIN {
            Err(crate::validation::Problem::TooShort {
                min: BREAK_GLASS_REASON_MIN,
            })
        } else {
            Ok(reason)
        }
    }
}
capability!(BreakGlassRight, |s| Some(s.actor), Ground::BreakGlass);
impl Actor {
    /// Whether the user may use break-glass in some municipality: a leader,
    /// or staff of a child welfare service (for the navigation; the right
    /// itself is [`Actor::break_glass_right`]).
    pub fn may_break_glass(&self) -> bool {
        self.memberships.iter().any(|m| {
            m.role == Role::Leder
                || (m.role == Role::Ansatt
                    && m.unit_id
                        .is_some_and(|u| self.child_welfare_units.contains(&u)))
        })
    }
    /// The units this user leads.
    pub fn led_units(&self) -> Vec<UnitId> {
        self.memberships
            .iter()
            .filter(|m| m.role == Role::Leder)
            .filter_map(|m| m.unit_id)
            .collect()
    }
    /// The units where this user works with children (staff and leaders).
    pub fn casework_units(&self) -> Vec<(UnitId, MunicipalityId)> {
        let mut units: Vec<_> = self
            .memberships
            .iter()
            .filter(|m| CASEWORK_ROLES.contains(&m.role))
            .filter_map(|m| m.unit_id.map(|u| (u, m.municipality_id)))
            .collect();
        units.sort();
        units.dedup();
        units
    }

    /// Work with the children of `unit`: its staff and leaders.
    pub fn casework(&self, unit_id: UnitId) -> Result<UnitCasework, Denied> {
        let m = self
            .memberships
            .iter()
            .filter(|m| m.unit_id == Some(unit_id))
            .filter(|m| CASEWORK_ROLES.contains(&m.role))
            .max_by_key(|m| m.role == Role::Leder)
            .ok_or(Denied)?;
        Ok(UnitCasework {
            actor: self.user_id,
            unit_id,
            municipality_id: m.municipality_id,
            ground: if m.role == Role::Leder {
                Ground::UnitLeader
            } else {
                Ground::OwnUnit
            },
        })
    }

    /// Oversee a unit's logs: its leader.
    pub fn oversee(&self, unit_id: UnitId) -> Result<UnitOverseer, Denied> {
        let m = self
            .memberships
            .iter()
            .find(|m| m.role == Role::Leder && m.unit_id == Some(unit_id))
            .ok_or(Denied)?;
        Ok(UnitOverseer {
            actor: self.user_id,
            unit_id,
            municipality_id: m.municipality_id,
        })
    }

    /// Break-glass in a municipality: leaders of its units, and staff of its
    /// child welfare units (`child_welfare_units`, known from the database).
    pub fn break_glass_right(
        &self,
        municipality_id: MunicipalityId,
        child_welfare_units: &[UnitId],
    ) -> Result<BreakGlassRight, Denied> {
        let allowed = self.memberships.iter().any(|m| {
            m.municipality_id == municipality_id
                && (m.role == Role::Leder
                    || (m.role == Role::Ansatt
                        && m.unit_id.is_some_and(|u| child_welfare_units.contains(&u))))
        });
        if allowed {
            Ok(BreakGlassRight {
                actor: self.user_id,
                municipality_id,
            })
        } else {
            Err(Denied)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::access::LogFacts;
    use crate::access::Membership;
    use crate::access::test_support::actor;
    use crate::ids::LogId;

    #[test]
    fn only_staff_of_the_childs_units_edit_the_child() {
        let m = MunicipalityId::new();
        let (kindergarten, school, ppt) = (UnitId::new(), UnitId::new(), UnitId::new());
        let child = crate::ids::ChildId::new();
        let member = |unit, role| Membership {
            municipality_id: m,
            unit_id: Some(unit),
            role,
        };
        let staff = actor(
            false,
            vec![
                member(kindergarten, Role::Ansatt),
                member(school, Role::Leder),
            ],
        );
        let editor = staff.edit_child(child, &[kindergarten, ppt]);
        assert!(
            matches!(editor, Ok(ref e) if e.unit_id() == kindergarten && e.child_id() == child && e.ground() == Ground::OwnUnit)
        );
        // A unit the user leads is preferred (the ground recorded).
        assert!(
            staff
                .edit_child(child, &[kindergarten, school])
                .is_ok_and(|e| e.ground() == Ground::UnitLeader && e.unit_id() == school)
        );
        // Moving the child to another of one's own units keeps access;
        // leaving only other units' staff does not.
        assert!(staff.edit_child(child, &[kindergarten]).is_ok_and(|e| {
            e.keeps_access(&[school, ppt]) && !e.keeps_access(&[ppt]) && !e.keeps_access(&[])
        }));
        // Not the child's unit, an editor of offers, an administrator: denied.
        assert_eq!(staff.edit_child(child, &[ppt]).err(), Some(Denied));
        let editor_role = actor(false, vec![member(ppt, Role::Tiltaksredaktor)]);
        assert_eq!(editor_role.edit_child(child, &[ppt]).err(), Some(Denied));
        let admin = actor(true, vec![member(ppt, Role::Kommuneadministrator)]);
        assert_eq!(admin.edit_child(child, &[ppt]).err(), Some(Denied));
    }

    #[test]
    fn the_administrator_role_opens_no_child() {
        let m = MunicipalityId::new();
        let unit = UnitId::new();
        let admin = actor(
            true,
            vec![Membership {
                municipality_id: m,
                unit_id: Some(unit),
                role: Role::Kommuneadministrator,
            }],
        );
        assert!(admin.casework_units().is_empty());
        assert!(admin.casework(unit).is_err());
        assert!(admin.oversee(unit).is_err());
        assert!(admin.break_glass_right(m, &[unit]).is_err());
        assert!(admin.review_role_grants(unit).is_err());
        let facts = LogFacts {
            log_id: LogId::new(),
            municipality_id: m,
            home_unit: unit,
            is_open: true,
            team: vec![],
            lead: None,
            consent: crate::log::consent::ConsentFacts {
                responsible_guardians: vec![],
                child_age: Some(5),
                consents: vec![],
                health_units: vec![],
            },
            consent_rule: crate::log::consent::ConsentRule::AllGuardians,
            break_glass: None,
            coordination_requested: true,
            plan_requested: false,
        };
        let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 29).unwrap_or_default();
        assert!(admin.open_log(&facts, today).is_err());
        let leader = actor(
            false,
            vec![Membership {
                municipality_id: m,
                unit_id: Some(unit),
                role: Role::Leder,
            }],
        );
        assert!(leader.review_role_grants(unit).is_ok());
        assert!(leader.review_role_grants(UnitId::new()).is_err());
    }
}
