//! Identifiers. Every id is a UUID v7 (time-ordered), never a sequential number,
//! so that URLs reveal neither counts nor order of creation across tenants.

use std::fmt;
use std::str::FromStr;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        #[serde(transparent)]
        pub struct $name(uuid::Uuid);

        impl $name {
            /// A new, unique id.
            pub fn new() -> Self {
                Self(uuid::Uuid::now_v7())
            }
            /// The id as a UUID.
            pub fn as_uuid(&self) -> uuid::Uuid {
                self.0
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl From<uuid::Uuid> for $name {
            fn from(value: uuid::Uuid) -> Self {
                Self(value)
            }
        }

        impl FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                uuid::Uuid::parse_str(s).map(Self)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.hyphenated().fmt(f)
            }
        }
    };
}

id_type!(
    /// A municipality (kommune), the tenant.
    MunicipalityId
);
id_type!(
    /// A unit (virksomhet): a kindergarten, a school, a PPT office, …
    UnitId
);
id_type!(
    /// A staff user account.
    UserId
);
id_type!(
    /// One membership of a user: a role in a unit or in a municipality.
    MembershipId
);
id_type!(
    /// An offer in the catalogue of measures.
    OfferId
);
id_type!(
    /// A proposed change to a published offer, awaiting the coordinating unit.
    ProposalId
);

id_type!(
    /// A child (or an unborn child) whose log the team works on.
    ChildId
);
id_type!(
    /// A guardian (foresatt) of a child.
    GuardianId
);
id_type!(
    /// A child's log (stafettlogg).
    LogId
);
id_type!(
    /// One entry on a log's timeline.
    EntryId
);
id_type!(
    /// A consent (samtykke) recorded on a log.
    ConsentId
);
id_type!(
    /// A member of the team around the child.
    TeamMemberId
);
id_type!(
    /// A proposed handover of the lead (stafettholder).
    HandoverId
);
id_type!(
    /// A measure (tiltak) on a log.
    MeasureId
);
id_type!(
    /// An evaluation of a measure.
    EvaluationId
);
id_type!(
    /// A break-glass opening (nødtilgang) of a log.
    BreakGlassId
);
id_type!(
    /// An anonymous consultation (anonym drøfting).
    ConsultationId
);
id_type!(
    /// A request to the coordinating unit to settle who coordinates.
    CoordinationRequestId
);
id_type!(
    /// A file attached to a log (such as a signed consent form).
    AttachmentId
);
id_type!(
    /// A citizen who acts in Laget themselves (a guardian, a young person),
    /// signed in through ID-porten; not a staff account.
    CitizenId
);
id_type!(
    /// A job in the outbox: work done after the transaction that asked for it.
    JobId
);
id_type!(
    /// A meeting: a case meeting in a child's log or a standing team's meeting.
    MeetingId
);
id_type!(
    /// Someone invited to a meeting (a staff member, a guardian, the child, a unit).
    ParticipantId
);
id_type!(
    /// A decision in a meeting's minutes, with a responsible person and a deadline.
    DecisionId
);
id_type!(
    /// A guardian's or the child's rating of a meeting.
    RatingId
);
id_type!(
    /// A standing team of the municipality (TST, tidlig innsatsteam, …).
    StandingTeamId
);
id_type!(
    /// A unit or person on a standing team.
    StandingTeamMemberId
);
id_type!(
    /// A case brought to a standing team, anonymous or named.
    TeamCaseId
);
id_type!(
    /// An e-mail Laget sends (and how it went).
    MailId
);
id_type!(
    /// What a family asked for in the portal (a meeting, a team).
    FamilyRequestId
);

id_type!(
    /// A report of concern (bekymringsmelding) to child welfare.
    ReportId
);
id_type!(
    /// One step of child welfare's feedback on a report (receipt, outcome).
    ReportFeedbackId
);
id_type!(
    /// An individual plan (individuell plan), grown from a log.
    PlanId
);
id_type!(
    /// One of the child's own goals in an individual plan.
    PlanGoalId
);
id_type!(
    /// What one service contributes to a goal of an individual plan.
    PlanContributionId
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_through_text() {
        let id = UnitId::new();
        let parsed: UnitId = id.to_string().parse().unwrap_or_default();
        assert_eq!(id, parsed);
    }

    #[test]
    fn ids_are_time_ordered_and_unique() {
        let a = UserId::new();
        let b = UserId::new();
        assert_ne!(a, b);
        assert!(a < b, "v7 ids sort by creation time");
    }

    #[test]
    fn garbage_is_not_an_id() {
        assert!("1".parse::<UserId>().is_err());
        assert!("../etc/passwd".parse::<UserId>().is_err());
    }
}
