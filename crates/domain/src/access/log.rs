//! The child's log (DESIGN.md, Access, rules 1–5).

use super::{Actor, Capability, Denied, Ground, Membership};
use crate::admin::user::Role;
use crate::ids::{BreakGlassId, DecisionId, LogId, MunicipalityId, UnitId, UserId};

/// What the access rules need to know about one log. It holds ids and dates,
/// no personal data, and is loaded before anything of the log is read.
#[derive(Clone, Debug)]
pub struct LogFacts {
    pub log_id: LogId,
    pub municipality_id: MunicipalityId,
    /// The unit that keeps the log (where the concern arose, or where the
    /// lead works now).
    pub home_unit: UnitId,
    pub is_open: bool,
    /// Staff on the team now, with the unit they are on it for.
    pub team: Vec<(UserId, UnitId)>,
    pub lead: Option<UserId>,
    pub consent: crate::log::consent::ConsentFacts,
    pub consent_rule: crate::log::consent::ConsentRule,
    /// The asking user's break-glass opening of this log, while in force.
    pub break_glass: Option<BreakGlassId>,
    /// Whether the coordinating unit has been asked to settle who coordinates.
    pub coordination_requested: bool,
    /// Whether an individual plan has been asked for and waits for the
    /// coordinating unit's decision (`plans.status` = `bedt_om`).
    pub plan_requested: bool,
}

impl LogFacts {
    /// Whether the staff member `user`, on the team now, could open the log
    /// on the ground of the team: their unit keeps it, or a valid consent
    /// covers their unit today. Only such a member may be proposed as the
    /// new lead, since a lead who cannot open the log could neither accept
    /// nor decline.
    pub fn team_member_may_open(&self, user: UserId, today: chrono::NaiveDate) -> bool {
        self.team.iter().any(|(u, unit)| {
            *u == user
                && (*unit == self.home_unit
                    || matches!(
                        crate::log::consent::coverage(
                            &self.consent,
                            self.consent_rule,
                            *unit,
                            today
                        ),
                        crate::log::consent::Coverage::Covered(_)
                    ))
        })
    }
}

/// May read one log; made only by [`Actor::open_log`]. Every `db` function
/// that reads the log takes it, and records the ground it carries.
#[derive(Clone, Debug)]
pub struct LogReader {
    actor: UserId,
    log_id: LogId,
    municipality_id: MunicipalityId,
    home_unit: UnitId,
    ground: Ground,
    detail: Option<String>,
    may_write: bool,
    is_open: bool,
    is_lead: bool,
    leads_home_unit: bool,
    /// Whether the reader sees the whole log. The coordinating unit, asked
    /// who should coordinate, sees only what the question needs (level, the
    /// units involved, the question) unless a consent covers it.
    whole: bool,
    /// Whether the reader is a member of the coordinating unit of the log's
    /// municipality (who decides individual plans).
    coordinating_unit: bool,
}

/// Why a write was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WriteRefused {
    /// The reader may not write (break-glass and the coordinating unit read only).
    Denied,
    /// The log is closed: reopen it first.
    Closed,
}

/// May change one log (add entries, decide). Made from a [`LogReader`].
#[derive(Clone, Debug)]
pub struct LogWriter(LogReader);

impl LogReader {
    pub fn log_id(&self) -> LogId {
        self.log_id
    }
    pub fn municipality_id(&self) -> MunicipalityId {
        self.municipality_id
    }
    pub fn home_unit(&self) -> UnitId {
        self.home_unit
    }
    pub fn is_lead(&self) -> bool {
        self.is_lead
    }
    pub fn leads_home_unit(&self) -> bool {
        self.leads_home_unit
    }
    pub fn may_write(&self) -> bool {
        self.may_write && self.is_open
    }
    pub fn actor_id(&self) -> UserId {
        self.actor
    }

    /// Writing needs the team or the own unit (not break-glass) and an open log.
    pub fn writer(&self) -> Result<LogWriter, WriteRefused> {
        if !self.may_write {
            Err(WriteRefused::Denied)
        } else if !self.is_open {
            Err(WriteRefused::Closed)
        } else {
            Ok(LogWriter(self.clone()))
        }
    }

    /// Closing and reopening: the lead, or the leader of the unit that keeps it.
    pub fn closer(&self) -> Result<LogWriter, Denied> {
        if self.may_write && (self.is_lead || self.leads_home_unit) {
            Ok(LogWriter(self.clone()))
        } else {
            Err(Denied)
        }
    }

    /// Proposing a new lead, and withdrawing a proposal: the lead, or the
    /// leader of the unit that keeps the log, on an open log.
    pub fn handover_proposer(&self) -> Result<HandoverProposer, WriteRefused> {
        self.as_lead().map(HandoverProposer)
    }

    /// Calling, changing and cancelling a case meeting, and marking the
    /// child's voice gathered before it: the one who holds the log, as
    /// [`LogReader::holder`] — the lead, or the leader of the unit that keeps
    /// it, on an open log. Others are refused before the log's state is told.
    pub fn meeting_convener(&self) -> Result<MeetingConvener, WriteRefused> {
        self.holder().map(MeetingConvener)
    }

    /// Recording that a consent was withdrawn: whoever may write, on an open
    /// log or a closed one. A closed log takes no other write, but a
    /// withdrawal narrows who may read it and takes effect at once,
    /// everywhere (DOMAIN.md, consent rules).
    pub fn consent_withdrawer(&self) -> Result<LogWriter, WriteRefused> {
        if self.may_write {
            Ok(LogWriter(self.clone()))
        } else {
            Err(WriteRefused::Denied)
        }
    }

    /// Writing as the one who holds the log: the lead, or the leader of the
    /// unit that keeps it, on an open log (marking the coordinating unit's
    /// answer read, say).
    pub fn as_lead(&self) -> Result<LogWriter, WriteRefused> {
        let w = self.writer()?;
        if self.is_lead || self.leads_home_unit {
            Ok(w)
        } else {
            Err(WriteRefused::Denied)
        }
    }

    /// Writing as the one who holds the log, like [`LogReader::as_lead`], but
    /// a reader who is neither the lead nor the keeping unit's leader is
    /// refused before the log's state is told: only the holder learns that
    /// the log is closed (undoing a consultation's link, say).
    pub fn holder(&self) -> Result<LogWriter, WriteRefused> {
        if !(self.may_write && (self.is_lead || self.leads_home_unit)) {
            Err(WriteRefused::Denied)
        } else if !self.is_open {
            Err(WriteRefused::Closed)
        } else {
            Ok(LogWriter(self.clone()))
        }
    }

    /// Writing a meeting's minutes as a draft (attendance, the child's
    /// voice, what was discussed, decisions, the next meeting): whoever may
    /// write on the log, on an open log. A case meeting often has a referent
    /// who is not the lead; the lead's approval is what makes the minutes
    /// the meeting's record ([`LogReader::minutes_approver`]).
    pub fn minutes_writer(&self) -> Result<LogWriter, WriteRefused> {
        self.writer()
    }

    /// Approving a meeting's minutes (they are locked after that, the
    /// decisions become tasks and the participants are told): the one who
    /// holds the log, as [`LogReader::holder`] — the lead, or the leader of
    /// the unit that keeps it. Others are refused before the log's state is
    /// told.
    pub fn minutes_approver(&self) -> Result<MinutesApprover, WriteRefused> {
        self.holder().map(MinutesApprover)
    }

    /// Marking a decision of approved minutes done: its responsible person
    /// (`responsible`, as stored with the decision) or the one who holds the
    /// log, on an open log. Others are refused before the log's state is
    /// told.
    pub fn decision_closer(
        &self,
        decision: DecisionId,
        responsible: Option<UserId>,
    ) -> Result<DecisionCloser, WriteRefused> {
        let own = responsible == Some(self.actor);
        if !(self.may_write && (own || self.is_lead || self.leads_home_unit)) {
            Err(WriteRefused::Denied)
        } else if !self.is_open {
            Err(WriteRefused::Closed)
        } else {
            Ok(DecisionCloser {
                writer: LogWriter(self.clone()),
                decision,
                responsible,
            })
        }
    }

    /// Recording the family's rating of a meeting on their behalf: whoever
    /// may write on the log, on an open log (later the guardians and the
    /// youth themselves, from the portal).
    pub fn rating_recorder(&self) -> Result<LogWriter, WriteRefused> {
        self.writer()
    }

    /// The break-glass opening (its id) by which the reader holds the log;
    /// `None` on any other ground.
    pub fn break_glass_opening(&self) -> Option<&str> {
        if self.ground == Ground::BreakGlass {
            self.detail.as_deref()
        } else {
            None
        }
    }

    /// Answering the question of who coordinates: the coordinating unit
    /// that was asked (its one write), or the leader of the unit that keeps
    /// the log; never on a closed log.
    pub fn coordination_answerer(&self) -> Result<CoordinationAnswerer, WriteRefused> {
        if !(self.ground == Ground::CoordinatingUnit || self.leads_home_unit) {
            Err(WriteRefused::Denied)
        } else if !self.is_open {
            Err(WriteRefused::Closed)
        } else {
            Ok(CoordinationAnswerer(self.clone()))
        }
    }

    /// Whether the log is open (a closed log takes no writes).
    pub fn is_open(&self) -> bool {
        self.is_open
    }

    /// Whether the reader sees the whole log (see [`LogReader::whole`]).
    pub fn reads_whole(&self) -> bool {
        self.whole
    }

    /// Pages that show more of the log than the question to the
    /// coordinating unit needs (the print, a measure, a consent scan): for
    /// readers who see the whole log.
    pub fn whole(&self) -> Result<&Self, Denied> {
        if self.whole { Ok(self) } else { Err(Denied) }
    }

    /// «Hvem har sett loggen»: the lead and the leader of the unit that keeps it.
    /// Deciding a request for an individual plan and appointing its
    /// coordinator: a member of the coordinating unit of the log's
    /// municipality (who may open the log while a plan is asked for).
    pub fn plan_decider(&self) -> Result<super::PlanDecider, Denied> {
        if self.coordinating_unit {
            Ok(super::PlanDecider(self.clone()))
        } else {
            Err(Denied)
        }
    }

    pub fn audit_reader(&self) -> Result<LogAuditReader, Denied> {
        if self.is_lead || self.leads_home_unit {
            Ok(LogAuditReader(self.clone()))
        } else {
            Err(Denied)
        }
    }
}

impl LogWriter {
    pub fn reader(&self) -> &LogReader {
        &self.0
    }
    pub fn log_id(&self) -> LogId {
        self.0.log_id
    }
    pub fn is_lead(&self) -> bool {
        self.0.is_lead
    }
    pub fn actor_id(&self) -> UserId {
        self.0.actor
    }
    /// Whether the writer may accept or decline a proposed handover to
    /// `proposed`: only the person it was proposed to.
    pub fn may_decide_handover_to(&self, proposed: UserId) -> bool {
        self.0.actor == proposed
    }
}

/// May propose a new lead for one open log, and withdraw the proposal: the
/// lead or the leader of the unit that keeps it. Made only by
/// [`LogReader::handover_proposer`].
#[derive(Clone, Debug)]
pub struct HandoverProposer(LogWriter);

impl HandoverProposer {
    pub fn writer(&self) -> &LogWriter {
        &self.0
    }
    pub fn log_id(&self) -> LogId {
        self.0.log_id()
    }
}

/// May approve the minutes of meetings in one open log: the one who holds
/// it. Made only by [`LogReader::minutes_approver`].
#[derive(Clone, Debug)]
pub struct MinutesApprover(LogWriter);

impl MinutesApprover {
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

/// May mark one decision of a meeting's minutes done: its responsible
/// person or the one who holds the log. Made only by
/// [`LogReader::decision_closer`], for the decision and the responsible
/// person it was asked with (the database marks it only while that is
/// still who is responsible).
#[derive(Clone, Debug)]
pub struct DecisionCloser {
    writer: LogWriter,
    decision: DecisionId,
    responsible: Option<UserId>,
}

impl DecisionCloser {
    pub fn writer(&self) -> &LogWriter {
        &self.writer
    }
    pub fn log_id(&self) -> LogId {
        self.writer.log_id()
    }
    pub fn actor_id(&self) -> UserId {
        self.writer.actor_id()
    }
    pub fn decision(&self) -> DecisionId {
        self.decision
    }
    pub fn responsible(&self) -> Option<UserId> {
        self.responsible
    }
}

impl Capability for DecisionCloser {
    fn actor(&self) -> Option<UserId> {
        self.writer.actor()
    }
    fn ground(&self) -> Ground {
        self.writer.ground()
    }
    fn ground_detail(&self) -> Option<String> {
        self.writer.ground_detail()
    }
}

/// May answer an open request to the coordinating unit on one open log.
/// Made only by [`LogReader::coordination_answerer`].
#[derive(Clone, Debug)]
pub struct CoordinationAnswerer(LogReader);

impl CoordinationAnswerer {
    pub fn reader(&self) -> &LogReader {
        &self.0
    }
    pub fn log_id(&self) -> LogId {
        self.0.log_id
    }
    pub fn actor_id(&self) -> UserId {
        self.0.actor
    }
}

/// May call, change and cancel case meetings in one open log, and mark the
/// child's voice gathered: the one who holds it. Made only by
/// [`LogReader::meeting_convener`].
#[derive(Clone, Debug)]
pub struct MeetingConvener(LogWriter);

impl MeetingConvener {
    pub fn writer(&self) -> &LogWriter {
        &self.0
    }
    pub fn reader(&self) -> &LogReader {
        self.0.reader()
    }
    pub fn log_id(&self) -> LogId {
        self.0.log_id()
    }
    pub fn actor_id(&self) -> UserId {
        self.0.actor_id()
    }
}
as_its_reader!(MeetingConvener);

/// May read who has read and changed one log.
#[derive(Clone, Debug)]
pub struct LogAuditReader(LogReader);

impl LogAuditReader {
    pub fn log_id(&self) -> LogId {
        self.0.log_id
    }
}
as_its_reader!(
    LogWriter,
    LogAuditReader,
    CoordinationAnswerer,
    HandoverProposer,
    MinutesApprover
);

impl Capability for LogReader {
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

impl Actor {
    /// Opens a log (DESIGN.md, Access): the unit that keeps it; a team
    /// member whose unit a valid consent covers today; break-glass; the
    /// coordinating unit when asked. Anything else is [`Denied`] (a 404).
    pub fn open_log(
        &self,
        facts: &LogFacts,
        today: chrono::NaiveDate,
    ) -> Result<LogReader, Denied> {
        let is_lead = facts.lead == Some(self.user_id);
        let leads_home_unit = self.holds(Role::Leder, facts.home_unit);
        let coordinating: Vec<&Membership> = self
            .memberships
            .iter()
            .filter(|m| {
                m.role == Role::KoordinerendeEnhet && m.municipality_id == facts.municipality_id
            })
            .collect();
        let coordinating_unit = !coordinating.is_empty();
        let reader = |ground, detail, may_write| LogReader {
            actor: self.user_id,
            log_id: facts.log_id,
            municipality_id: facts.municipality_id,
            home_unit: facts.home_unit,
            ground,
            detail,
            may_write,
            is_open: facts.is_open,
            is_lead,
            leads_home_unit,
            whole: true,
            coordinating_unit,
        };
        if leads_home_unit {
            return Ok(reader(Ground::UnitLeader, None, true));
        }
        if self.holds(Role::Ansatt, facts.home_unit) {
            return Ok(reader(Ground::OwnUnit, None, true));
        }
        for (user, unit) in &facts.team {
            if *user != self.user_id {
                continue;
            }
            if let crate::log::consent::Coverage::Covered(consent) =
                crate::log::consent::coverage(&facts.consent, facts.consent_rule, *unit, today)
            {
                return Ok(reader(Ground::TeamConsent, Some(consent.to_string()), true));
            }
        }
        if let Some(grant) = facts.break_glass {
            return Ok(reader(Ground::BreakGlass, Some(grant.to_string()), false));
        }
        if (facts.coordination_requested || facts.plan_requested) && coordinating_unit {
            // Asked who should coordinate, it needs the question, not the
            // child's story — unless a consent covers the coordinating unit.
            let covered = coordinating.iter().filter_map(|m| m.unit_id).any(|u| {
                matches!(
                    crate::log::consent::coverage(&facts.consent, facts.consent_rule, u, today),
                    crate::log::consent::Coverage::Covered(_)
                )
            });
            let mut r = reader(Ground::CoordinatingUnit, None, false);
            r.whole = covered;
            return Ok(r);
        }
        Err(Denied)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::access::Membership;
    use crate::access::test_support::actor;
    use crate::ids::{ConsentId, GuardianId};
    use crate::log::consent::{Consent, ConsentFacts, ConsentRule, Giver, Purpose};
    use chrono::NaiveDate;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 23).unwrap_or_default()
    }

    struct World {
        m: MunicipalityId,
        kindergarten: UnitId,
        ppt: UnitId,
        mother: GuardianId,
        father: GuardianId,
    }

    fn world() -> World {
        World {
            m: MunicipalityId::new(),
            kindergarten: UnitId::new(),
            ppt: UnitId::new(),
            mother: GuardianId::new(),
            father: GuardianId::new(),
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
    }

    fn facts(w: &World, team: Vec<(UserId, UnitId)>, consents: Vec<Consent>) -> LogFacts {
        LogFacts {
            log_id: LogId::new(),
            municipality_id: w.m,
            home_unit: w.kindergarten,
            is_open: true,
            team,
            lead: None,
            consent: ConsentFacts {
                responsible_guardians: vec![w.mother, w.father],
                child_age: Some(5),
                consents,
                health_units: vec![],
            },
            consent_rule: ConsentRule::AllGuardians,
            break_glass: None,
            coordination_requested: false,
            plan_requested: false,
        }
    }

    fn consent(w: &World, givers: Vec<Giver>) -> Consent {
        Consent {
            id: ConsentId::new(),
            givers,
            units: vec![w.ppt],
            purposes: vec![Purpose::ShareInformation],
            valid_from: today(),
            valid_to: today() + chrono::Duration::days(365),
            withdrawn_at: None,
        }
    }

    #[test]
    fn the_own_unit_reads_and_writes() {
        let w = world();
        let staff = member(&w, w.kindergarten, Role::Ansatt);
        let r = staff.open_log(&facts(&w, vec![], vec![]), today());
        assert!(
            r.as_ref()
                .is_ok_and(|r| r.ground() == Ground::OwnUnit && r.writer().is_ok())
        );
        let leader = member(&w, w.kindergarten, Role::Leder);
        let r = leader.open_log(&facts(&w, vec![], vec![]), today());
        assert!(r.is_ok_and(|r| r.leads_home_unit() && r.audit_reader().is_ok()));
        // An editor of the same unit does not work with children.
        let editor = member(&w, w.kindergarten, Role::Tiltaksredaktor);
        assert!(
            editor
                .open_log(&facts(&w, vec![], vec![]), today())
                .is_err()
        );
    }

    #[test]
    fn another_units_team_member_needs_consent_covering_their_unit() {
        let w = world();
        let ppt = member(&w, w.ppt, Role::Ansatt);
        let on_team = vec![(ppt.user_id(), w.ppt)];
        assert!(
            ppt.open_log(&facts(&w, on_team.clone(), vec![]), today())
                .is_err()
        );
        let both = consent(
            &w,
            vec![Giver::Guardian(w.mother), Giver::Guardian(w.father)],
        );
        let r = ppt.open_log(&facts(&w, on_team.clone(), vec![both.clone()]), today());
        assert!(
            r.as_ref().is_ok_and(|r| r.ground() == Ground::TeamConsent
                && r.ground_detail() == Some(both.id.to_string()))
        );
        assert!(r.is_ok_and(|r| r.audit_reader().is_err()), "not the lead");
        // Consent alone, without being on the team, is not enough.
        assert!(
            ppt.open_log(&facts(&w, vec![], vec![both.clone()]), today())
                .is_err()
        );
        // Only one of two guardians: closed under «all», open under «one».
        let mothers = consent(&w, vec![Giver::Guardian(w.mother)]);
        let mut f = facts(&w, on_team.clone(), vec![mothers]);
        assert!(ppt.open_log(&f, today()).is_err());
        f.consent_rule = ConsentRule::AnyGuardian;
        assert!(ppt.open_log(&f, today()).is_ok());
        // Withdrawn: closed at once.
        let mut withdrawn = both;
        withdrawn.withdrawn_at = Some(chrono::Utc::now());
        assert!(
            ppt.open_log(&facts(&w, on_team, vec![withdrawn]), today())
                .is_err()
        );
    }

    #[test]
    fn break_glass_and_the_coordinating_unit_read_only() {
        let w = world();
        let bv = UnitId::new();
        let worker = member(&w, bv, Role::Ansatt);
        assert!(worker.break_glass_right(w.m, &[bv]).is_ok());
        assert!(worker.break_glass_right(w.m, &[]).is_err());
        let mut f = facts(&w, vec![], vec![]);
        assert!(worker.open_log(&f, today()).is_err());
        f.break_glass = Some(BreakGlassId::new());
        let r = worker.open_log(&f, today());
        assert!(
            r.is_ok_and(|r| r.ground() == Ground::BreakGlass
                && r.writer().err() == Some(WriteRefused::Denied))
        );
        let ke = member(&w, UnitId::new(), Role::KoordinerendeEnhet);
        let mut f = facts(&w, vec![], vec![]);
        assert!(ke.open_log(&f, today()).is_err());
        f.coordination_requested = true;
        assert!(ke.open_log(&f, today()).is_ok_and(|r| !r.may_write()));
    }

    #[test]
    fn closed_logs_are_read_only_until_the_lead_reopens() {
        let w = world();
        let staff = member(&w, w.kindergarten, Role::Ansatt);
        let mut f = facts(&w, vec![], vec![]);
        f.is_open = false;
        let r = staff.open_log(&f, today());
        assert!(
            r.as_ref()
                .is_ok_and(|r| r.writer().err() == Some(WriteRefused::Closed))
        );
        assert!(r.is_ok_and(|r| r.closer().is_err()), "not the lead");
        f.lead = Some(staff.user_id());
        assert!(
            staff
                .open_log(&f, today())
                .is_ok_and(|r| r.closer().is_ok())
        );
    }

    #[test]
    #[allow(clippy::unwrap_used, reason = "every actor here opens the log")]
    fn the_holder_approves_minutes_and_the_responsible_or_the_holder_closes_a_decision() {
        let w = world();
        let lead = member(&w, w.kindergarten, Role::Ansatt);
        let colleague = member(&w, w.kindergarten, Role::Ansatt);
        let leader = member(&w, w.kindergarten, Role::Leder);
        let ppt = member(&w, w.ppt, Role::Ansatt);
        let both = consent(
            &w,
            vec![Giver::Guardian(w.mother), Giver::Guardian(w.father)],
        );
        let mut f = facts(&w, vec![(ppt.user_id(), w.ppt)], vec![both]);
        f.lead = Some(lead.user_id());
        let open = |a: &Actor, f: &LogFacts| a.open_log(f, today()).unwrap();
        // Anyone who writes drafts; only the lead and the keeping unit's leader approve.
        for a in [&lead, &colleague, &leader, &ppt] {
            assert!(open(a, &f).minutes_writer().is_ok());
            assert!(open(a, &f).rating_recorder().is_ok());
        }
        assert!(open(&lead, &f).minutes_approver().is_ok());
        assert!(open(&leader, &f).minutes_approver().is_ok());
        assert_eq!(
            open(&colleague, &f).minutes_approver().err(),
            Some(WriteRefused::Denied)
        );
        assert_eq!(
            open(&ppt, &f).minutes_approver().err(),
            Some(WriteRefused::Denied)
        );
        let decision = DecisionId::new();
        let ppts = Some(ppt.user_id());
        let closer = open(&ppt, &f).decision_closer(decision, ppts);
        assert!(closer.is_ok_and(|c| c.decision() == decision && c.responsible() == ppts));
        assert!(open(&lead, &f).decision_closer(decision, ppts).is_ok());
        assert!(open(&leader, &f).decision_closer(decision, None).is_ok());
        assert_eq!(
            open(&colleague, &f).decision_closer(decision, ppts).err(),
            Some(WriteRefused::Denied)
        );
        // Break-glass reads only: no drafts, no ratings.
        let mut bg = f.clone();
        bg.break_glass = Some(BreakGlassId::new());
        let welfare = member(&w, UnitId::new(), Role::Ansatt);
        assert_eq!(
            open(&welfare, &bg).minutes_writer().err(),
            Some(WriteRefused::Denied)
        );
        // A closed log: the holder is told it is closed, others are refused.
        f.is_open = false;
        assert_eq!(
            open(&lead, &f).minutes_approver().err(),
            Some(WriteRefused::Closed)
        );
        assert_eq!(
            open(&colleague, &f).minutes_approver().err(),
            Some(WriteRefused::Denied)
        );
        assert_eq!(
            open(&ppt, &f).decision_closer(decision, ppts).err(),
            Some(WriteRefused::Closed)
        );
        assert_eq!(
            open(&colleague, &f).minutes_writer().err(),
            Some(WriteRefused::Closed)
        );
    }
}
