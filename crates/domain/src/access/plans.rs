//! Individual plans (issue #13): who decides a request and appoints the
//! coordinator. Working on the plan (goals, contributions) is writing on
//! the log ([`super::LogWriter`]); the family reads it through
//! [`super::FamilyReader`].

use super::{Actor, Capability, Denied, Ground, LogReader, LogWriter};
use crate::admin::user::Role;
use crate::ids::{LogId, MunicipalityId, UserId};

/// May decide a request for an individual plan in one log and appoint its
/// coordinator: a member of the coordinating unit of the log's
/// municipality. Made by [`LogReader::plan_decider`].
#[derive(Clone, Debug)]
pub struct PlanDecider(pub(super) LogReader);

impl PlanDecider {
    pub fn reader(&self) -> &LogReader {
        &self.0
    }
    pub fn log_id(&self) -> LogId {
        self.0.log_id()
    }
    pub fn actor_id(&self) -> UserId {
        self.0.actor_id()
    }
}
as_its_reader!(PlanDecider);

/// May close the log's individual plan: its coordinator, or the leader of
/// the unit that keeps the log, as a writer of the log (issue #13, P1).
/// Made by [`LogWriter::plan_closer`].
#[derive(Clone, Debug)]
pub struct PlanCloser(LogWriter);

impl PlanCloser {
    pub fn writer(&self) -> &LogWriter {
        &self.0
    }
    pub fn log_id(&self) -> LogId {
        self.0.log_id()
    }
    pub fn actor_id(&self) -> UserId {
        self.0.actor_id()
    }
}
as_its_reader!(PlanCloser);

impl LogWriter {
    /// Closing the plan whose coordinator is `coordinator`: the coordinator,
    /// or the leader of the unit that keeps the log.
    pub fn plan_closer(&self, coordinator: Option<UserId>) -> Result<PlanCloser, Denied> {
        if coordinator == Some(self.actor_id()) || self.reader().leads_home_unit() {
            Ok(PlanCloser(self.clone()))
        } else {
            Err(Denied)
        }
    }
}

/// May list the requests for individual plans in one municipality (child's
/// name, the log, when asked): its coordinating unit.
#[derive(Clone, Debug)]
pub struct PlanQueue {
    actor: UserId,
    municipality_id: MunicipalityId,
}

impl PlanQueue {
    pub fn municipality_id(&self) -> MunicipalityId {
        self.municipality_id
    }
}
capability!(PlanQueue, |s| Some(s.actor), Ground::CoordinatingUnit);

impl Actor {
    /// The coordinating unit's decider for a log whose plan is asked for or
    /// active (`plan`): deciding the request, and later naming another
    /// coordinator (helse- og omsorgstjenesteloven § 7-3 gives it the
    /// appointing of coordinators). It reads the log as it does when asked
    /// (`LogFacts::plan_requested`): only what the question needs unless a
    /// consent covers it. Anyone else, and any other plan state: [`Denied`].
    pub fn plan_decider(
        &self,
        facts: &super::LogFacts,
        plan: Option<crate::plans::PlanStatus>,
        today: chrono::NaiveDate,
    ) -> Result<PlanDecider, Denied> {
        use crate::plans::PlanStatus;
        if !matches!(plan, Some(PlanStatus::Requested | PlanStatus::Active)) {
            return Err(Denied);
        }
        let mut f = facts.clone();
        f.plan_requested = true;
        self.open_log(&f, today)?.plan_decider()
    }

    /// The queue of plan requests of `municipality`: its coordinating unit.
    pub fn plan_queue(&self, municipality_id: MunicipalityId) -> Result<PlanQueue, Denied> {
        if self
            .memberships
            .iter()
            .any(|m| m.role == Role::KoordinerendeEnhet && m.municipality_id == municipality_id)
        {
            Ok(PlanQueue {
                actor: self.user_id,
                municipality_id,
            })
        } else {
            Err(Denied)
        }
    }
}

#[cfg(test)]
mod plan_closer_tests {
    use super::*;
    use crate::access::test_support::actor;
    use crate::access::{LogFacts, Membership};
    use crate::ids::{GuardianId, UnitId};
    use crate::log::consent::{ConsentFacts, ConsentRule};
    use crate::plans::PlanStatus;

    #[test]
    fn the_coordinator_or_the_keeping_units_leader_closes_the_plan() {
        let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 7).unwrap_or_default();
        let (m, kindergarten) = (MunicipalityId::new(), UnitId::new());
        let facts = LogFacts {
            log_id: LogId::new(),
            municipality_id: m,
            home_unit: kindergarten,
            is_open: true,
            team: vec![],
            lead: None,
            consent: ConsentFacts {
                responsible_guardians: vec![GuardianId::new()],
                child_age: Some(9),
                consents: vec![],
                health_units: vec![],
            },
            consent_rule: ConsentRule::AllGuardians,
            break_glass: None,
            coordination_requested: false,
            plan_requested: false,
        };
        let of = |role| {
            actor(
                false,
                vec![Membership {
                    municipality_id: m,
                    unit_id: Some(kindergarten),
                    role,
                }],
            )
        };
        let staff = of(Role::Ansatt);
        let w = staff
            .open_log(&facts, today)
            .and_then(|r| r.writer().map_err(|_| Denied));
        assert!(
            w.as_ref().is_ok_and(|w| w.plan_closer(None).is_err()),
            "staff, not the coordinator"
        );
        assert!(
            w.as_ref()
                .is_ok_and(|w| w.plan_closer(Some(UserId::new())).is_err())
        );
        assert!(
            w.is_ok_and(|w| w.plan_closer(Some(staff.user_id())).is_ok()),
            "the coordinator"
        );
        let leader = of(Role::Leder);
        let lw = leader
            .open_log(&facts, today)
            .and_then(|r| r.writer().map_err(|_| Denied));
        assert!(lw.is_ok_and(|w| w.plan_closer(None).is_ok()), "the leader");
    }

    #[test]
    fn the_coordinating_unit_decides_while_asked_and_changes_the_coordinator_while_active() {
        let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 7).unwrap_or_default();
        let (m, kindergarten, ke_unit) = (MunicipalityId::new(), UnitId::new(), UnitId::new());
        let facts = LogFacts {
            log_id: LogId::new(),
            municipality_id: m,
            home_unit: kindergarten,
            is_open: true,
            team: vec![],
            lead: None,
            consent: ConsentFacts {
                responsible_guardians: vec![GuardianId::new()],
                child_age: Some(9),
                consents: vec![],
                health_units: vec![],
            },
            consent_rule: ConsentRule::AllGuardians,
            break_glass: None,
            coordination_requested: false,
            plan_requested: false,
        };
        let in_m = |m, unit, role| {
            actor(
                false,
                vec![Membership {
                    municipality_id: m,
                    unit_id: Some(unit),
                    role,
                }],
            )
        };
        let ke = in_m(m, ke_unit, Role::KoordinerendeEnhet);
        for (plan, may) in [
            (None, false),
            (Some(PlanStatus::Requested), true),
            (Some(PlanStatus::Active), true),
            (Some(PlanStatus::Refused), false),
            (Some(PlanStatus::Closed), false),
        ] {
            let d = ke.plan_decider(&facts, plan, today);
            assert_eq!(d.is_ok(), may, "{plan:?}");
            assert!(d.is_err() || d.is_ok_and(|d| d.reader().writer().is_err()));
        }
        let other = in_m(
            MunicipalityId::new(),
            UnitId::new(),
            Role::KoordinerendeEnhet,
        );
        assert!(
            other
                .plan_decider(&facts, Some(PlanStatus::Requested), today)
                .is_err()
        );
        let staff = in_m(m, kindergarten, Role::Ansatt);
        assert!(
            staff
                .plan_decider(&facts, Some(PlanStatus::Requested), today)
                .is_err()
        );
    }
}
