//! The municipality's standing teams (TST, tidlig innsatsteam,
//! samhandlingsteam, samhandlingsforum).
//!
//! - **Defining** a team is the municipality administrator's (or the system
//!   administrator's acting for it): [`MunicipalityAdmin::define_teams`].
//!   It opens no child: a team's cases are not the administrator's.
//! - **Members** are the staff (ansatt, leder) of a fixed member unit, the
//!   fixed member persons, and the team's leader ([`Actor::team_member`]).
//!   Units and persons called on demand (NAV in a TST) are not members: they
//!   see nothing of the team until they are made fixed members. Members see
//!   the calendar and the cases; a named case names its child only to those
//!   who may open its log (decided per log, as the log page decides).
//! - The **leader** plans and cancels meetings and records decisions
//!   ([`TeamMember::planner`]); only on an active team.
//! - The municipality's **overview** (every team's meetings against its
//!   rule, counts only) is for its administrator and the leaders of its
//!   units ([`Actor::teams_overview`]); the yearly report of a team (counts
//!   only) for its members and those who see the overview
//!   ([`Actor::team_report`]).

use super::{Actor, Capability, Denied, Ground, MunicipalityAdmin};
use crate::admin::user::Role;
use crate::ids::{MunicipalityId, StandingTeamId, UnitId, UserId};

/// What the rules need to know about one team, loaded before anything of it
/// is read: ids and flags only.
#[derive(Clone, Debug)]
pub struct TeamFacts {
    pub team_id: StandingTeamId,
    pub municipality_id: MunicipalityId,
    pub active: bool,
    pub leader: Option<UserId>,
    /// The fixed member units (not those called on demand).
    pub units: Vec<UnitId>,
    /// The fixed member persons.
    pub users: Vec<UserId>,
}

/// May define the standing teams of one municipality (create, change,
/// deactivate them, choose their members): its administrator. Made from
/// [`MunicipalityAdmin`].
#[derive(Clone, Debug)]
pub struct TeamDefiner {
    actor: Option<UserId>,
    municipality_id: MunicipalityId,
    ground: Ground,
}

impl TeamDefiner {
    pub fn municipality_id(&self) -> MunicipalityId {
        self.municipality_id
    }
    pub fn actor_id(&self) -> Option<UserId> {
        self.actor
    }
}
capability!(TeamDefiner, |s| s.actor, s.ground);

impl MunicipalityAdmin {
    /// Define the municipality's standing teams.
    pub fn define_teams(&self) -> TeamDefiner {
        TeamDefiner {
            actor: self.actor(),
            municipality_id: self.municipality_id(),
            ground: self.ground(),
        }
    }
}

/// A member of one team: sees its calendar and cases, brings cases to it.
/// Made only by [`Actor::team_member`].
#[derive(Clone, Debug)]
pub struct TeamMember {
    actor: UserId,
    team_id: StandingTeamId,
    municipality_id: MunicipalityId,
    ground: Ground,
    is_leader: bool,
    active: bool,
}

impl TeamMember {
    pub fn team_id(&self) -> StandingTeamId {
        self.team_id
    }
    pub fn municipality_id(&self) -> MunicipalityId {
        self.municipality_id
    }
    pub fn actor_id(&self) -> UserId {
        self.actor
    }
    /// Whether the member leads the team.
    pub fn is_leader(&self) -> bool {
        self.is_leader
    }
    /// Whether the team is active (an inactive one takes no new meetings or
    /// cases).
    pub fn is_active(&self) -> bool {
        self.active
    }

    /// Planning and cancelling meetings, recording decisions: the team's
    /// leader, on an active team.
    pub fn planner(&self) -> Result<TeamPlanner, Denied> {
        if self.is_leader && self.active {
            Ok(TeamPlanner(self.clone()))
        } else {
            Err(Denied)
        }
    }

    /// Bringing a case: any member, on an active team.
    pub fn case_bringer(&self) -> Result<&Self, Denied> {
        if self.active { Ok(self) } else { Err(Denied) }
    }

    /// Marking a decision done: the person responsible for it, or the
    /// team's leader.
    pub fn may_mark_done(&self, responsible: Option<UserId>) -> bool {
        self.is_leader || responsible == Some(self.actor)
    }
}
capability!(TeamMember, |s| Some(s.actor), s.ground);

/// The leader of one active team, planning its meetings and recording its
/// decisions. Made only by [`TeamMember::planner`].
#[derive(Clone, Debug)]
pub struct TeamPlanner(TeamMember);

impl TeamPlanner {
    pub fn member(&self) -> &TeamMember {
        &self.0
    }
    pub fn team_id(&self) -> StandingTeamId {
        self.0.team_id
    }
    pub fn actor_id(&self) -> UserId {
        self.0.actor
    }
}
capability!(TeamPlanner, |s| Some(s.0.actor), s.0.ground);

/// Sees the municipality's teams against their rules (counts only, no
/// case): its administrator and the leaders of its units.
#[derive(Clone, Debug)]
pub struct TeamsOverview {
    actor: UserId,
    municipality_id: MunicipalityId,
    ground: Ground,
}

impl TeamsOverview {
    pub fn municipality_id(&self) -> MunicipalityId {
        self.municipality_id
    }
}
capability!(TeamsOverview, |s| Some(s.actor), s.ground);

/// Reads one team's yearly report (counts only): its members and those who
/// see the municipality's overview. Made only by [`Actor::team_report`].
#[derive(Clone, Debug)]
pub struct TeamReportReader {
    actor: UserId,
    team_id: StandingTeamId,
    ground: Ground,
}

impl TeamReportReader {
    pub fn team_id(&self) -> StandingTeamId {
        self.team_id
    }
}
capability!(TeamReportReader, |s| Some(s.actor), s.ground);

impl Actor {
    /// Define the teams of `municipality`: its administrators (and the
    /// system administrator), as for its units.
    pub fn define_teams(&self, municipality: MunicipalityId) -> Result<TeamDefiner, Denied> {
        Ok(self.administer(municipality)?.define_teams())
    }

    /// A member of the team: its leader, a fixed member person, or staff
    /// (ansatt, leder) of a fixed member unit. An administrator is none of
    /// these by that role. Anyone else is [`Denied`] (a 404).
    pub fn team_member(&self, f: &TeamFacts) -> Result<TeamMember, Denied> {
        let member = |ground| TeamMember {
            actor: self.user_id,
            team_id: f.team_id,
            municipality_id: f.municipality_id,
            ground,
            is_leader: f.leader == Some(self.user_id),
            active: f.active,
        };
        // Through a unit first: the ground then says which.
        let through_unit = self
            .memberships
            .iter()
            .filter(|m| m.unit_id.is_some_and(|u| f.units.contains(&u)))
            .filter(|m| super::CASEWORK_ROLES.contains(&m.role))
            .max_by_key(|m| m.role == Role::Leder);
        if let Some(m) = through_unit {
            return Ok(member(if m.role == Role::Leder {
                Ground::UnitLeader
            } else {
                Ground::OwnUnit
            }));
        }
        if f.leader == Some(self.user_id) || f.users.contains(&self.user_id) {
            return Ok(member(Ground::OwnAccount));
        }
        Err(Denied)
    }

    /// The municipality's teams against their rules: its administrator (or
    /// the system administrator) and the leaders of its units.
    pub fn teams_overview(&self, municipality: MunicipalityId) -> Result<TeamsOverview, Denied> {
        let leads = self
            .memberships
            .iter()
            .any(|m| m.role == Role::Leder && m.municipality_id == municipality);
        let ground = match self.administer(municipality) {
            Ok(admin) => admin.ground(),
            Err(_) if leads => Ground::UnitLeader,
            Err(denied) => return Err(denied),
        };
        Ok(TeamsOverview {
            actor: self.user_id,
            municipality_id: municipality,
            ground,
        })
    }

    /// A team's yearly report: its members, and those who see the overview
    /// of its municipality.
    pub fn team_report(&self, f: &TeamFacts) -> Result<TeamReportReader, Denied> {
        let ground = match self.team_member(f) {
            Ok(m) => m.ground(),
            Err(_) => self.teams_overview(f.municipality_id)?.ground,
        };
        Ok(TeamReportReader {
            actor: self.user_id,
            team_id: f.team_id,
            ground,
        })
    }

    /// The municipalities whose teams overview the user sees (for the
    /// navigation; the right itself is [`Actor::teams_overview`]).
    pub fn overviewed_municipalities(&self) -> Vec<MunicipalityId> {
        let mut ids: Vec<MunicipalityId> = self
            .memberships
            .iter()
            .filter(|m| matches!(m.role, Role::Leder | Role::Kommuneadministrator))
            .map(|m| m.municipality_id)
            .collect();
        ids.sort();
        ids.dedup();
        ids
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::access::Membership;
    use crate::access::test_support::actor;

    struct World {
        m: MunicipalityId,
        school: UnitId,
        ppt: UnitId,
        nav: UnitId,
        facts: TeamFacts,
    }

    fn world() -> World {
        let m = MunicipalityId::new();
        let (school, ppt, nav) = (UnitId::new(), UnitId::new(), UnitId::new());
        World {
            m,
            school,
            ppt,
            nav,
            facts: TeamFacts {
                team_id: StandingTeamId::new(),
                municipality_id: m,
                active: true,
                leader: None,
                units: vec![school, ppt],
                users: vec![],
            },
        }
    }

    fn in_unit(w: &World, unit: UnitId, role: Role) -> Actor {
        actor(
            false,
            vec![Membership {
                municipality_id: w.m,
                unit_id: Some(unit),
                role,
            }],
        )
    }

    #[test]
    fn staff_of_a_fixed_member_unit_are_members() {
        let w = world();
        let teacher = in_unit(&w, w.school, Role::Ansatt);
        let m = teacher.team_member(&w.facts);
        assert!(m.as_ref().is_ok_and(|m| m.ground() == Ground::OwnUnit
            && !m.is_leader()
            && m.team_id() == w.facts.team_id));
        assert_eq!(m.map(|m| m.planner().err()), Ok(Some(Denied)));
        let principal = in_unit(&w, w.school, Role::Leder);
        assert!(
            principal
                .team_member(&w.facts)
                .is_ok_and(|m| m.ground() == Ground::UnitLeader)
        );
        // NAV is called on demand (not among the fixed units): no access.
        assert_eq!(
            in_unit(&w, w.nav, Role::Ansatt).team_member(&w.facts).err(),
            Some(Denied)
        );
        // Roles that do no casework are not members through the unit.
        for role in [Role::Tiltaksredaktor, Role::KoordinerendeEnhet] {
            assert_eq!(
                in_unit(&w, w.school, role).team_member(&w.facts).err(),
                Some(Denied)
            );
        }
    }

    #[test]
    fn the_leader_and_member_persons_are_members_and_only_the_leader_plans() {
        let mut w = world();
        let leader = in_unit(&w, UnitId::new(), Role::Ansatt);
        let person = in_unit(&w, UnitId::new(), Role::Ansatt);
        assert!(leader.team_member(&w.facts).is_err());
        w.facts.leader = Some(leader.user_id());
        w.facts.users = vec![person.user_id()];
        let lead = leader.team_member(&w.facts);
        assert!(lead.as_ref().is_ok_and(|m| m.is_leader()
            && m.ground() == Ground::OwnAccount
            && m.planner().is_ok()
            && m.may_mark_done(None)));
        let p = person.team_member(&w.facts);
        assert!(p.as_ref().is_ok_and(|m| !m.is_leader()
            && m.planner().is_err()
            && m.may_mark_done(Some(person.user_id()))
            && !m.may_mark_done(Some(leader.user_id()))));
        // An inactive team: seen, but no meetings planned or cases brought.
        w.facts.active = false;
        let lead = leader.team_member(&w.facts);
        assert!(lead.is_ok_and(|m| m.planner().is_err() && m.case_bringer().is_err()));
    }

    #[test]
    fn the_administrator_defines_teams_but_is_no_member() {
        let w = world();
        let other = MunicipalityId::new();
        let admin = actor(
            false,
            vec![Membership {
                municipality_id: w.m,
                unit_id: None,
                role: Role::Kommuneadministrator,
            }],
        );
        assert!(
            admin.define_teams(w.m).is_ok_and(
                |d| d.municipality_id() == w.m && d.ground() == Ground::MunicipalityAdmin
            )
        );
        assert_eq!(admin.define_teams(other).err(), Some(Denied));
        assert_eq!(admin.team_member(&w.facts).err(), Some(Denied));
        assert!(admin.teams_overview(w.m).is_ok());
        assert!(admin.teams_overview(other).is_err());
        assert!(admin.team_report(&w.facts).is_ok());
        // Staff define nothing.
        let teacher = in_unit(&w, w.school, Role::Ansatt);
        assert!(teacher.define_teams(w.m).is_err());
        assert!(teacher.teams_overview(w.m).is_err());
        assert!(teacher.team_report(&w.facts).is_ok(), "a member");
        let stranger = in_unit(&w, UnitId::new(), Role::Ansatt);
        assert!(stranger.team_report(&w.facts).is_err());
    }

    #[test]
    fn the_municipalitys_unit_leaders_see_the_overview_not_the_team() {
        let w = world();
        let leader = in_unit(&w, UnitId::new(), Role::Leder);
        assert!(
            leader
                .teams_overview(w.m)
                .is_ok_and(|o| o.ground() == Ground::UnitLeader && o.municipality_id() == w.m)
        );
        assert!(leader.teams_overview(MunicipalityId::new()).is_err());
        assert!(leader.team_member(&w.facts).is_err());
        assert!(leader.team_report(&w.facts).is_ok());
        assert_eq!(leader.overviewed_municipalities(), vec![w.m]);
        let staff = in_unit(&w, w.ppt, Role::Ansatt);
        assert!(staff.overviewed_municipalities().is_empty());
        let _ = w.nav;
    }
}
