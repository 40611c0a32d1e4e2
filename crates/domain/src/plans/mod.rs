//! Individual plans (individuell plan, IP; issue #13): requested from a log
//! (or by the family), decided by the coordinating unit, which appoints a
//! coordinator (or a barnekoordinator); the plan grows from the log — the
//! child's own goals in the child's words, each service's contribution
//! (measures linked to goals), responsible people and evaluation dates —
//! without losing the log's history.
//!
//! The codes are stored in the columns of migration 000020; the words are in
//! the web layer's message catalogue.

pub mod form;

use crate::meetings::coded;

coded!(
    /// Where a plan stands (plans.status).
    PlanStatus {
        /// Asked for; the coordinating unit decides.
        Requested => "bedt_om",
        /// The coordinating unit said no (with a reason).
        Refused => "avslatt",
        /// Decided, with a coordinator: the plan is worked on.
        Active => "aktiv",
        /// Ended.
        Closed => "avsluttet",
    }
);

coded!(
    /// What the coordinator is (plans.coordinator_kind).
    CoordinatorKind {
        /// Koordinator (helse- og omsorgstjenesteloven § 7-2).
        Coordinator => "koordinator",
        /// Barnekoordinator, for families with a child with serious illness
        /// or disability (§ 7-2 a).
        ChildCoordinator => "barnekoordinator",
    }
);

coded!(
    /// Whose words a goal is in (plan_goals.said_by).
    SaidBy {
        Child => "barnet",
        Guardians => "foresatte",
        Team => "laget",
    }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for s in PlanStatus::ALL {
            assert_eq!(PlanStatus::from_code(s.code()), Some(*s));
        }
        for k in CoordinatorKind::ALL {
            assert_eq!(CoordinatorKind::from_code(k.code()), Some(*k));
        }
        for w in SaidBy::ALL {
            assert_eq!(SaidBy::from_code(w.code()), Some(*w));
        }
    }
}
