//! Reports of concern (issue #13): who may write, co-sign, read and answer
//! a report, and see child welfare's inbox and the counts.
//!
//! Writing rests on the duty to inform (opplysningsplikten,
//! [`Ground::ReportingDuty`]), not on consent: any staff member or leader of
//! a unit may report about any child. A report is seen by its author, by the
//! leader of the reporting unit once it is no longer a draft, and by the
//! staff of the child welfare service it was delivered to
//! ([`Ground::ChildWelfare`]). Child welfare reaches the child's *log* only
//! through the log's own rules ([`Actor::open_log`]); a report opens nothing
//! else.

use super::casework::CASEWORK_ROLES;
use super::{Actor, Capability, Denied, Ground};
use crate::admin::user::Role;
use crate::ids::{MunicipalityId, ReportId, UnitId, UserId};
use crate::reports::ReportStatus;

/// What the access rules need to know about one report: ids and its status,
/// no personal data. Loaded by `laget_db::lookup::report_facts`.
#[derive(Clone, Debug)]
pub struct ReportFacts {
    pub report_id: ReportId,
    /// The child's municipality.
    pub municipality_id: MunicipalityId,
    pub reporter: UserId,
    pub reporter_unit: UnitId,
    pub status: ReportStatus,
    /// The child welfare service it was delivered to (once sent).
    pub child_welfare_unit: Option<UnitId>,
}

/// May write a new report as staff of `unit` (opplysningsplikt).
#[derive(Clone, Debug)]
pub struct ReportAuthor {
    actor: UserId,
    unit: UnitId,
    municipality_id: MunicipalityId,
}

impl ReportAuthor {
    pub fn actor_id(&self) -> UserId {
        self.actor
    }
    /// The reporting unit.
    pub fn unit_id(&self) -> UnitId {
        self.unit
    }
    /// The municipality the reporting unit is reached through.
    pub fn municipality_id(&self) -> MunicipalityId {
        self.municipality_id
    }
}
capability!(ReportAuthor, |s| Some(s.actor), Ground::ReportingDuty);

/// In what capacity a report is read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReportRole {
    /// Its author.
    Author,
    /// The leader of the reporting unit.
    Leader,
    /// Staff of the child welfare service it was delivered to.
    ChildWelfare,
}

/// May read one report; made only by [`Actor::open_report`].
#[derive(Clone, Debug)]
pub struct ReportReader {
    actor: UserId,
    report: ReportId,
    role: ReportRole,
    status: ReportStatus,
    reporter_unit: UnitId,
    ground: Ground,
}

impl ReportReader {
    pub fn report_id(&self) -> ReportId {
        self.report
    }
    pub fn actor_id(&self) -> UserId {
        self.actor
    }
    pub fn role(&self) -> ReportRole {
        self.role
    }
    pub fn status(&self) -> ReportStatus {
        self.status
    }
    pub fn reporter_unit(&self) -> UnitId {
        self.reporter_unit
    }

    /// Changing, sending or deleting a draft: its author, while a draft.
    pub fn editor(&self) -> Result<ReportEditor, Denied> {
        if self.role == ReportRole::Author && self.status == ReportStatus::Draft {
            Ok(ReportEditor(self.clone()))
        } else {
            Err(Denied)
        }
    }

    /// Co-signing (or sending back) a report: the leader of the reporting
    /// unit, while it waits for the co-signature.
    pub fn cosigner(&self) -> Result<ReportCosigner, Denied> {
        if self.role == ReportRole::Leader && self.status == ReportStatus::AwaitingCosign {
            Ok(ReportCosigner(self.clone()))
        } else {
            Err(Denied)
        }
    }

    /// Acknowledging receipt and recording the outcome: the staff of the
    /// child welfare service the report was delivered to.
    pub fn receiver(&self) -> Result<ReportReceiver, Denied> {
        if self.role == ReportRole::ChildWelfare && self.status.is_sent() {
            Ok(ReportReceiver(self.clone()))
        } else {
            Err(Denied)
        }
    }
}

impl Capability for ReportReader {
    fn actor(&self) -> Option<UserId> {
        Some(self.actor)
    }
    fn ground(&self) -> Ground {
        self.ground
    }
}

/// Narrowed report capabilities record what their reader does.
macro_rules! as_report_reader {
    ($($t:ident),*) => {$(
        #[derive(Clone, Debug)]
        pub struct $t(ReportReader);
        impl $t {
            pub fn reader(&self) -> &ReportReader {
                &self.0
            }
            pub fn report_id(&self) -> ReportId {
                self.0.report
            }
            pub fn actor_id(&self) -> UserId {
                self.0.actor
            }
        }
        impl Capability for $t {
            fn actor(&self) -> Option<UserId> {
                Some(self.0.actor)
            }
            fn ground(&self) -> Ground {
                self.0.ground
            }
        }
    )*};
}
as_report_reader!(ReportEditor, ReportCosigner, ReportReceiver);

/// May see the inbox of one child welfare service: its staff and leaders.
#[derive(Clone, Debug)]
pub struct ReportInbox {
    actor: UserId,
    unit: UnitId,
}

impl ReportInbox {
    pub fn unit_id(&self) -> UnitId {
        self.unit
    }
    pub fn actor_id(&self) -> UserId {
        self.actor
    }
}
capability!(ReportInbox, |s| Some(s.actor), Ground::ChildWelfare);

/// May see the counts of reports (no names) for one municipality: its
/// administrator, the system administrator, and the staff of a child
/// welfare service that serves it.
#[derive(Clone, Debug)]
pub struct ReportStatistics {
    actor: UserId,
    municipality_id: MunicipalityId,
    ground: Ground,
}

impl ReportStatistics {
    pub fn municipality_id(&self) -> MunicipalityId {
        self.municipality_id
    }
}
capability!(ReportStatistics, |s| Some(s.actor), s.ground);

/// Laget itself handing a sent report to the delivery adapter (the outbox
/// job `fiks_bekymringsmelding`, after the sending that its author or
/// co-signer did under [`Ground::ReportingDuty`] and that was recorded
/// then). Made only for a report that is sent and has its child welfare
/// service; it reads the stored message and records the delivery, nothing
/// else. No user acts: the access log would name the operator.
#[derive(Clone, Debug)]
pub struct ReportCourier {
    report: ReportId,
    child_welfare_unit: UnitId,
}

impl ReportCourier {
    /// The courier of a sent report; [`Denied`] for a draft, a report
    /// waiting for its co-signature, or one without a child welfare service.
    pub fn for_sent(facts: &ReportFacts) -> Result<Self, Denied> {
        match (facts.status.is_sent(), facts.child_welfare_unit) {
            (true, Some(unit)) => Ok(Self {
                report: facts.report_id,
                child_welfare_unit: unit,
            }),
            _ => Err(Denied),
        }
    }
    pub fn report_id(&self) -> ReportId {
        self.report
    }
    /// The child welfare service the report goes to.
    pub fn child_welfare_unit(&self) -> UnitId {
        self.child_welfare_unit
    }
}
capability!(ReportCourier, |_s| None, Ground::ReportingDuty);

impl Actor {
    /// Write a report as staff or leader of `unit`.
    pub fn report_author(&self, unit: UnitId) -> Result<ReportAuthor, Denied> {
        let m = self
            .memberships
            .iter()
            .find(|m| m.unit_id == Some(unit) && CASEWORK_ROLES.contains(&m.role))
            .ok_or(Denied)?;
        Ok(ReportAuthor {
            actor: self.user_id,
            unit,
            municipality_id: m.municipality_id,
        })
    }

    /// The units this user may report from (staff and leaders).
    pub fn reporting_units(&self) -> Vec<(UnitId, MunicipalityId)> {
        self.casework_units()
    }

    /// The child welfare services whose inbox this user sees.
    pub fn child_welfare_inboxes(&self) -> Vec<UnitId> {
        let mut units: Vec<UnitId> = self
            .memberships
            .iter()
            .filter(|m| CASEWORK_ROLES.contains(&m.role))
            .filter_map(|m| m.unit_id)
            .filter(|u| self.child_welfare_units.contains(u))
            .collect();
        units.sort();
        units.dedup();
        units
    }

    /// Opens a report: its author; the leader of the reporting unit once it
    /// is no longer a draft; the staff of the child welfare service it was
    /// delivered to. Anything else is [`Denied`] (a 404).
    pub fn open_report(&self, facts: &ReportFacts) -> Result<ReportReader, Denied> {
        let reader = |role, ground| ReportReader {
            actor: self.user_id,
            report: facts.report_id,
            role,
            status: facts.status,
            reporter_unit: facts.reporter_unit,
            ground,
        };
        if facts.reporter == self.user_id {
            return Ok(reader(ReportRole::Author, Ground::ReportingDuty));
        }
        if facts.status != ReportStatus::Draft && self.holds(Role::Leder, facts.reporter_unit) {
            return Ok(reader(ReportRole::Leader, Ground::UnitLeader));
        }
        if facts.status.is_sent()
            && let Some(unit) = facts.child_welfare_unit
            && self.child_welfare_inboxes().contains(&unit)
        {
            return Ok(reader(ReportRole::ChildWelfare, Ground::ChildWelfare));
        }
        Err(Denied)
    }

    /// The inbox of the child welfare service `unit`.
    pub fn report_inbox(&self, unit: UnitId) -> Result<ReportInbox, Denied> {
        if self.child_welfare_inboxes().contains(&unit) {
            Ok(ReportInbox {
                actor: self.user_id,
                unit,
            })
        } else {
            Err(Denied)
        }
    }

    /// The counts of reports about children of `municipality`. `served`:
    /// the child welfare services that serve it (from the database).
    pub fn report_statistics(
        &self,
        municipality_id: MunicipalityId,
        served_by: &[UnitId],
    ) -> Result<ReportStatistics, Denied> {
        let ground =
            if self.is_system_admin {
                Ground::SystemAdmin
            } else if self.memberships.iter().any(|m| {
                m.role == Role::Kommuneadministrator && m.municipality_id == municipality_id
            }) {
                Ground::MunicipalityAdmin
            } else if self
                .child_welfare_inboxes()
                .iter()
                .any(|u| served_by.contains(u))
            {
                Ground::ChildWelfare
            } else {
                return Err(Denied);
            };
        Ok(ReportStatistics {
            actor: self.user_id,
            municipality_id,
            ground,
        })
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
        cw: UnitId,
        other_cw: UnitId,
    }

    fn world() -> World {
        World {
            m: MunicipalityId::new(),
            school: UnitId::new(),
            cw: UnitId::new(),
            other_cw: UnitId::new(),
        }
    }

    fn member(w: &World, unit: UnitId, role: Role) -> Actor {
        actor(
            false,
            vec![Membership {
                municipality_id: w.m,
                unit_id: Some(unit),
                role,
            }],
        )
        .with_child_welfare_units(vec![w.cw, w.other_cw])
    }

    fn facts(w: &World, reporter: UserId, status: ReportStatus) -> ReportFacts {
        ReportFacts {
            report_id: ReportId::new(),
            municipality_id: w.m,
            reporter,
            reporter_unit: w.school,
            status,
            child_welfare_unit: status.is_sent().then_some(w.cw),
        }
    }

    #[test]
    fn staff_report_from_their_own_unit_only() {
        let w = world();
        let teacher = member(&w, w.school, Role::Ansatt);
        let a = teacher.report_author(w.school);
        assert!(a.is_ok());
        assert_eq!(a.map(|a| a.ground()).ok(), Some(Ground::ReportingDuty));
        assert!(teacher.report_author(w.cw).is_err());
        let editor = member(&w, w.school, Role::Tiltaksredaktor);
        assert!(editor.report_author(w.school).is_err());
    }

    #[test]
    fn a_draft_is_its_authors_alone() {
        let w = world();
        let teacher = member(&w, w.school, Role::Ansatt);
        let f = facts(&w, teacher.user_id(), ReportStatus::Draft);
        let r = teacher.open_report(&f);
        assert!(r.as_ref().is_ok_and(|r| r.editor().is_ok()));
        for other in [
            member(&w, w.school, Role::Leder),
            member(&w, w.school, Role::Ansatt),
            member(&w, w.cw, Role::Ansatt),
        ] {
            assert!(other.open_report(&f).is_err());
        }
    }

    #[test]
    fn the_leader_cosigns_while_asked_and_child_welfare_receives_once_sent() {
        let w = world();
        let teacher = member(&w, w.school, Role::Ansatt);
        let leader = member(&w, w.school, Role::Leder);
        let cw = member(&w, w.cw, Role::Ansatt);
        let other_cw = member(&w, w.other_cw, Role::Ansatt);
        let waiting = facts(&w, teacher.user_id(), ReportStatus::AwaitingCosign);
        assert!(
            leader
                .open_report(&waiting)
                .is_ok_and(|r| r.cosigner().is_ok() && r.receiver().is_err())
        );
        assert!(cw.open_report(&waiting).is_err());
        assert!(
            teacher
                .open_report(&waiting)
                .is_ok_and(|r| r.editor().is_err() && r.cosigner().is_err())
        );
        let sent = facts(&w, teacher.user_id(), ReportStatus::Sent);
        let r = cw.open_report(&sent);
        assert!(r.as_ref().is_ok_and(|r| r.receiver().is_ok()));
        assert_eq!(r.map(|r| r.ground()).ok(), Some(Ground::ChildWelfare));
        assert!(other_cw.open_report(&sent).is_err());
        assert!(
            leader
                .open_report(&sent)
                .is_ok_and(|r| r.cosigner().is_err())
        );
        assert!(cw.report_inbox(w.cw).is_ok());
        assert!(cw.report_inbox(w.other_cw).is_err());
        assert!(teacher.report_inbox(w.cw).is_err());
    }

    #[test]
    fn the_courier_carries_only_a_sent_report() {
        let w = world();
        let teacher = UserId::new();
        for status in [ReportStatus::Draft, ReportStatus::AwaitingCosign] {
            assert!(ReportCourier::for_sent(&facts(&w, teacher, status)).is_err());
        }
        for status in [ReportStatus::Sent, ReportStatus::Received] {
            let c = ReportCourier::for_sent(&facts(&w, teacher, status));
            assert!(c.as_ref().is_ok_and(|c| c.child_welfare_unit() == w.cw));
            assert_eq!(
                c.map(|c| (c.actor(), c.ground())).ok(),
                Some((None, Ground::ReportingDuty))
            );
        }
        let mut lost = facts(&w, teacher, ReportStatus::Sent);
        lost.child_welfare_unit = None;
        assert!(ReportCourier::for_sent(&lost).is_err());
    }

    #[test]
    fn counts_for_the_administrator_and_the_serving_child_welfare_service() {
        let w = world();
        let admin = actor(
            false,
            vec![Membership {
                municipality_id: w.m,
                unit_id: None,
                role: Role::Kommuneadministrator,
            }],
        );
        assert!(admin.report_statistics(w.m, &[]).is_ok());
        assert!(admin.report_statistics(MunicipalityId::new(), &[]).is_err());
        let cw = member(&w, w.cw, Role::Ansatt);
        assert!(cw.report_statistics(w.m, &[w.cw]).is_ok());
        assert!(cw.report_statistics(w.m, &[w.other_cw]).is_err());
        let teacher = member(&w, w.school, Role::Leder);
        assert!(teacher.report_statistics(w.m, &[w.cw]).is_err());
    }
}
