//! Who may see and change what. This module is the one place where access is
//! decided (DESIGN.md, «Access»).
//!
//! A check returns a *capability*: a value with private fields that only this
//! module can make. Functions in the `db` crate that read or change protected
//! data take a capability as an argument, so code that forgets the check does
//! not compile, and the capability carries the ground that the access log
//! records.

use crate::admin::user::Role;
use crate::ids::{BreakGlassId, LogId, MunicipalityId, UnitId, UserId};

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
        }
    }
}

/// Anything that grants access: it names who acts and on what ground.
pub trait Capability {
    /// The acting user; `None` for an operator at the command line.
    fn actor(&self) -> Option<UserId>;
    fn ground(&self) -> Ground;
    /// What the ground rests on, when it is a record: the consent, the
    /// break-glass opening. The access log stores «ground:detail».
    fn ground_detail(&self) -> Option<String> {
        None
    }
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
            child_welfare_units: Vec::new(),
        }
    }

    /// Says which of the user's units are child welfare services, whose
    /// staff may open a log with break-glass.
    pub fn with_child_welfare_units(mut self, units: Vec<UnitId>) -> Self {
        self.child_welfare_units = units;
        self
    }

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

// ---------------------------------------------------------------------------
// Units and roles (DESIGN.md, Access, rules 7 and 8).

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

// ---------------------------------------------------------------------------
// The child's log (DESIGN.md, Access, rules 1–5).

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

/// May read who has read and changed one log.
#[derive(Clone, Debug)]
pub struct LogAuditReader(LogReader);

impl LogAuditReader {
    pub fn log_id(&self) -> LogId {
        self.0.log_id
    }
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
as_its_reader!(LogWriter, LogAuditReader, CoordinationAnswerer);

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

/// Oversees the logs of one unit: its leader (by level and status, overdue
/// items, break-glass reviews).
#[derive(Clone, Debug)]
pub struct UnitOverseer {
    actor: UserId,
    unit_id: UnitId,
}

impl UnitOverseer {
    pub fn unit_id(&self) -> UnitId {
        self.unit_id
    }
}
capability!(UnitOverseer, |s| Some(s.actor), Ground::UnitLeader);

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
}
capability!(BreakGlassRight, |s| Some(s.actor), Ground::BreakGlass);

impl Actor {
    /// The units where this user works with children (staff and leaders).
    pub fn casework_units(&self) -> Vec<(UnitId, MunicipalityId)> {
        let mut units: Vec<_> = self
            .memberships
            .iter()
            .filter(|m| matches!(m.role, Role::Ansatt | Role::Leder))
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
            .filter(|m| matches!(m.role, Role::Ansatt | Role::Leder))
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
        if self.holds(Role::Leder, unit_id) {
            Ok(UnitOverseer {
                actor: self.user_id,
                unit_id,
            })
        } else {
            Err(Denied)
        }
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
        let coordinating: Vec<&Membership> = self
            .memberships
            .iter()
            .filter(|m| {
                m.role == Role::KoordinerendeEnhet && m.municipality_id == facts.municipality_id
            })
            .collect();
        if facts.coordination_requested && !coordinating.is_empty() {
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
            },
            consent_rule: crate::log::consent::ConsentRule::AllGuardians,
            break_glass: None,
            coordination_requested: true,
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

    #[test]
    fn system_administration_needs_the_flag() {
        assert!(actor(true, vec![]).administer_system().is_ok());
        assert!(actor(false, vec![]).administer_system().is_err());
    }

    mod log_access {
        use super::*;
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
                },
                consent_rule: ConsentRule::AllGuardians,
                break_glass: None,
                coordination_requested: false,
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
            assert!(r.as_ref().is_ok_and(|r| r.ground() == Ground::TeamConsent
                && r.ground_detail() == Some(both.id.to_string())));
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
            assert!(r.is_ok_and(|r| r.ground() == Ground::BreakGlass
                && r.writer().err() == Some(WriteRefused::Denied)));
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
    }
}
