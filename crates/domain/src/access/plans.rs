//! Individual plans (issue #13): who decides a request and appoints the
//! coordinator. Working on the plan (goals, contributions) is writing on
//! the log ([`super::LogWriter`]); the family reads it through
//! [`super::FamilyReader`].

use super::{Actor, Capability, Denied, Ground, LogReader};
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
