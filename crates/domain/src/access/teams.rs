//! The municipality's standing teams (TST, tidlig innsatsteam,
//! samhandlingsteam, samhandlingsforum).
//!
//! - **Defining** a team is the municipality administrator's (or the system
//!   administrator's acting for it): [`MunicipalityAdmin::define_teams`].
//!   It opens no child: a team's cases are not the administrator's.
//! - **Members** are the staff (ansatt, leder) of a fixed member unit, the
//!   fixed member persons, and the team's leader ([`Actor::team_member`]).
//!   Units and persons on demand (NAV in a TST) are not members: the leader
//!   **calls one of them in** to one meeting, and they see that meeting
//!   ([`Actor::team_meeting`], a [`TeamMeetingReader`] without a member)
//!   and nothing else of the team. Members see the calendar and the cases; a
//!   named case names its child only to those who may open its log
//!   (decided per log, as the log page decides).
//! - The **leader** plans and cancels meetings, calls in, and records
//!   decisions ([`TeamMember::planner`]); only on an active team. Any
//!   member drafts a meeting's minutes; the leader approves them
//!   ([`TeamMember::minutes_approver`]).
//! - A decision on a named case, or its withdrawal, is written on the
//!   case's log ([`TeamMember::case_recorder`]): only while the log is open
//!   and the one who writes it works in the unit that keeps the log or in a
//!   unit its consent covers today, which is the ground the access log
//!   records.
//! - The municipality's **overview** (every team's meetings against its
//!   rule, counts only) is for its administrator and the leaders of its
//!   units ([`Actor::teams_overview`]); the yearly report of a team (counts
//!   only) for its members and those who see the overview
//!   ([`Actor::team_report`]).

use super::{Actor, Capability, Denied, Ground, LogFacts, MunicipalityAdmin};
use crate::admin::user::Role;
use crate::ids::{LogId, MeetingId, MunicipalityId, StandingTeamId, UnitId, UserId};

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
    /// The member's own units where they work with children (ansatt,
    /// leder), for writing on a named case's log.
    units: Vec<(UnitId, Role)>,
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

    /// Withdrawing a case: the one who brought it, or the team's leader.
    pub fn may_withdraw(&self, brought_by: Option<UserId>) -> bool {
        self.is_leader || brought_by == Some(self.actor)
    }

    /// Approving a meeting's minutes: the team's leader (any member drafts
    /// them).
    pub fn minutes_approver(&self) -> Result<TeamMinutesApprover, Denied> {
        if self.is_leader {
            Ok(TeamMinutesApprover(self.clone()))
        } else {
            Err(Denied)
        }
    }

    /// The meeting `meeting` of the team, read as a member.
    pub fn meeting_reader(&self, meeting: MeetingId) -> TeamMeetingReader {
        TeamMeetingReader {
            actor: self.actor,
            team_id: self.team_id,
            meeting_id: meeting,
            ground: self.ground,
            member: Some(self.clone()),
        }
    }

    /// Writing what the team did with a named case (a decision, its
    /// withdrawal) on the case's log: while the log is open, by a member
    /// who works in the unit that keeps it (its leader or staff, grounded as
    /// the log page grounds them) or in a unit a valid consent covers today
    /// (the consent is the ground's detail). Anyone else is [`Denied`]: the
    /// team does not write on a log its consent does not reach.
    pub fn case_recorder(
        &self,
        log: &LogFacts,
        today: chrono::NaiveDate,
    ) -> Result<TeamCaseRecorder, Denied> {
        if !log.is_open {
            return Err(Denied);
        }
        let recorder = |ground, detail| TeamCaseRecorder {
            actor: self.actor,
            team_id: self.team_id,
            log_id: log.log_id,
            municipality_id: log.municipality_id,
            home_unit: log.home_unit,
            ground,
            detail,
        };
        let home = |role| {
            self.units
                .iter()
                .any(|(u, r)| *u == log.home_unit && *r == role)
        };
        if home(Role::Leder) {
            return Ok(recorder(Ground::UnitLeader, None));
        }
        if home(Role::Ansatt) {
            return Ok(recorder(Ground::OwnUnit, None));
        }
        let mut units: Vec<UnitId> = self.units.iter().map(|(u, _)| *u).collect();
        units.sort();
        units.dedup();
        for unit in units {
            if let crate::log::consent::Coverage::Covered(consent) =
                crate::log::consent::coverage(&log.consent, log.consent_rule, unit, today)
            {
                return Ok(recorder(Ground::TeamConsent, Some(consent.to_string())));
            }
        }
        Err(Denied)
    }
}
capability!(TeamMember, |s| Some(s.actor), s.ground);

/// The leader of one team approving a meeting's minutes. Made only by
/// [`TeamMember::minutes_approver`].
#[derive(Clone, Debug)]
pub struct TeamMinutesApprover(TeamMember);

impl TeamMinutesApprover {
    pub fn member(&self) -> &TeamMember {
        &self.0
    }
    pub fn actor_id(&self) -> UserId {
        self.0.actor
    }
}
capability!(TeamMinutesApprover, |s| Some(s.0.actor), s.0.ground);

/// Writes on a named case's log what its team did: the actor, the log, and
/// the ground the log page would give them (own unit, unit leader, or team
/// and consent with the consent's id). Made only by
/// [`TeamMember::case_recorder`].
#[derive(Clone, Debug)]
pub struct TeamCaseRecorder {
    actor: UserId,
    team_id: StandingTeamId,
    log_id: LogId,
    municipality_id: MunicipalityId,
    home_unit: UnitId,
    ground: Ground,
    detail: Option<String>,
}

impl TeamCaseRecorder {
    pub fn log_id(&self) -> LogId {
        self.log_id
    }
    pub fn team_id(&self) -> StandingTeamId {
        self.team_id
    }
    pub fn actor_id(&self) -> UserId {
        self.actor
    }
    /// The log's municipality (its child's).
    pub fn municipality_id(&self) -> MunicipalityId {
        self.municipality_id
    }
    /// The unit that keeps the log.
    pub fn home_unit(&self) -> UnitId {
        self.home_unit
    }
}

impl Capability for TeamCaseRecorder {
    fn actor(&self) -> Option<UserId> {
        Some(self.actor)
    }
    fn ground(&self) -> Ground {
        self.ground
    }
    fn ground_detail(&self) -> Option<String> {
        self.detail.clone()
    }
}

/// Whether someone is called in to one meeting of a team: read before the
/// decision (ids and a flag), for [`Actor::team_meeting`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CallFacts {
    /// A meeting of the team.
    pub meeting: MeetingId,
    /// The asking user is among the meeting's invited as called in (on
    /// demand), and not taken off it.
    pub called_in: bool,
}

/// Reads one meeting of a team: a member (who reads every meeting of it),
/// or someone called in to this meeting (who reads only this one, and of
/// its cases the anonymous ones and the named ones whose log they may
/// open). Made only by [`TeamMember::meeting_reader`] and
/// [`Actor::team_meeting`].
#[derive(Clone, Debug)]
pub struct TeamMeetingReader {
    actor: UserId,
    team_id: StandingTeamId,
    meeting_id: MeetingId,
    ground: Ground,
    member: Option<TeamMember>,
}

impl TeamMeetingReader {
    pub fn team_id(&self) -> StandingTeamId {
        self.team_id
    }
    pub fn meeting_id(&self) -> MeetingId {
        self.meeting_id
    }
    pub fn actor_id(&self) -> UserId {
        self.actor
    }
    /// The member, unless the reader is only called in.
    pub fn member(&self) -> Option<&TeamMember> {
        self.member.as_ref()
    }
    /// Called in to this meeting, not a member of the team.
    pub fn is_called_in(&self) -> bool {
        self.member.is_none()
    }
}
capability!(TeamMeetingReader, |s| Some(s.actor), s.ground);

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
        let units: Vec<(UnitId, Role)> = self
            .memberships
            .iter()
            .filter(|m| super::CASEWORK_ROLES.contains(&m.role))
            .filter_map(|m| m.unit_id.map(|u| (u, m.role)))
            .collect();
        let member = |ground| TeamMember {
            actor: self.user_id,
            team_id: f.team_id,
            municipality_id: f.municipality_id,
            ground,
            is_leader: f.leader == Some(self.user_id),
            active: f.active,
            units: units.clone(),
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

    /// One meeting of a team: as a member ([`Actor::team_member`]), or
    /// called in to it (`call.called_in`), on the ground of the invitation
    /// in the user's own name. Anyone else is [`Denied`] (a 404).
    pub fn team_meeting(
        &self,
        f: &TeamFacts,
        call: &CallFacts,
    ) -> Result<TeamMeetingReader, Denied> {
        if let Ok(member) = self.team_member(f) {
            return Ok(member.meeting_reader(call.meeting));
        }
        if call.called_in {
            return Ok(TeamMeetingReader {
                actor: self.user_id,
                team_id: f.team_id,
                meeting_id: call.meeting,
                ground: Ground::OwnAccount,
                member: None,
            });
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
    fn someone_called_in_reads_that_meeting_only_and_members_every_meeting() {
        let w = world();
        let meeting = MeetingId::new();
        let nav = in_unit(&w, w.nav, Role::Ansatt);
        let not_called = CallFacts {
            meeting,
            called_in: false,
        };
        let called = CallFacts {
            meeting,
            called_in: true,
        };
        assert_eq!(nav.team_meeting(&w.facts, &not_called).err(), Some(Denied));
        let guest = nav.team_meeting(&w.facts, &called);
        assert!(guest.as_ref().is_ok_and(|g| g.is_called_in()
            && g.member().is_none()
            && g.meeting_id() == meeting
            && g.team_id() == w.facts.team_id
            && g.ground() == Ground::OwnAccount));
        // Still no member: nothing else of the team.
        assert_eq!(nav.team_member(&w.facts).err(), Some(Denied));
        // A member reads any meeting as a member, called in or not.
        let teacher = in_unit(&w, w.school, Role::Ansatt);
        let r = teacher.team_meeting(&w.facts, &not_called);
        assert!(r.is_ok_and(|r| !r.is_called_in() && r.ground() == Ground::OwnUnit));
    }

    #[test]
    fn only_the_leader_approves_minutes_and_the_bringer_or_leader_withdraws() {
        let mut w = world();
        let leader = in_unit(&w, w.school, Role::Ansatt);
        let staff = in_unit(&w, w.ppt, Role::Ansatt);
        w.facts.leader = Some(leader.user_id());
        let lead = leader.team_member(&w.facts);
        assert!(lead.as_ref().is_ok_and(|m| m.minutes_approver().is_ok()
            && m.may_withdraw(Some(staff.user_id()))
            && m.may_withdraw(None)));
        let member = staff.team_member(&w.facts);
        assert!(member.as_ref().is_ok_and(|m| m.minutes_approver().is_err()
            && m.may_withdraw(Some(staff.user_id()))
            && !m.may_withdraw(Some(leader.user_id()))
            && !m.may_withdraw(None)));
    }

    #[test]
    fn a_member_writes_on_a_named_cases_log_where_it_is_kept_or_under_consent() {
        use crate::ids::{ConsentId, GuardianId, LogId};
        use crate::log::consent::{Consent, ConsentFacts, ConsentRule, Giver, Purpose};
        let w = world();
        let today = chrono::NaiveDate::from_ymd_opt(2026, 10, 1).unwrap_or_default();
        let mother = GuardianId::new();
        let consent = ConsentId::new();
        let log = |units: Vec<UnitId>, is_open: bool| LogFacts {
            log_id: LogId::new(),
            municipality_id: w.m,
            home_unit: w.school,
            is_open,
            team: vec![],
            lead: None,
            consent: ConsentFacts {
                responsible_guardians: vec![mother],
                child_age: Some(8),
                consents: vec![Consent {
                    id: consent,
                    givers: vec![Giver::Guardian(mother)],
                    units,
                    purposes: vec![Purpose::ShareInformation],
                    valid_from: today - chrono::Duration::days(30),
                    valid_to: today + chrono::Duration::days(300),
                    withdrawn_at: None,
                }],
                health_units: vec![],
            },
            consent_rule: ConsentRule::AllGuardians,
            break_glass: None,
            coordination_requested: false,
            plan_requested: false,
        };
        let covered = log(vec![w.ppt], true);
        let member = |a: &Actor| a.team_member(&w.facts);
        // Where the log is kept: its leader and its staff, as the log page
        // grounds them.
        let head = in_unit(&w, w.school, Role::Leder);
        let r = member(&head).map(|m| m.case_recorder(&covered, today));
        assert!(
            r.is_ok_and(|r| r.is_ok_and(|r| r.ground() == Ground::UnitLeader
                && r.ground_detail().is_none()
                && r.log_id() == covered.log_id
                && r.home_unit() == w.school))
        );
        let teacher = in_unit(&w, w.school, Role::Ansatt);
        let r = member(&teacher).map(|m| m.case_recorder(&covered, today));
        assert!(r.is_ok_and(|r| r.is_ok_and(|r| r.ground() == Ground::OwnUnit)));
        // A unit the consent covers: team and consent, the consent named.
        let ppt = in_unit(&w, w.ppt, Role::Ansatt);
        let r = member(&ppt).map(|m| m.case_recorder(&covered, today));
        assert!(r.is_ok_and(|r| {
            r.is_ok_and(|r| {
                r.ground() == Ground::TeamConsent && r.ground_detail() == Some(consent.to_string())
            })
        }));
        // Not covered (the consent names another unit), or a closed log.
        let uncovered = log(vec![w.nav], true);
        let r = member(&ppt).map(|m| m.case_recorder(&uncovered, today).err());
        assert_eq!(r, Ok(Some(Denied)));
        let closed = log(vec![w.ppt], false);
        let r = member(&head).map(|m| m.case_recorder(&closed, today).err());
        assert_eq!(r, Ok(Some(Denied)));
        // Nor after the consent's period.
        let later = today + chrono::Duration::days(400);
        let r = member(&ppt).map(|m| m.case_recorder(&covered, later).err());
        assert_eq!(r, Ok(Some(Denied)));
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
