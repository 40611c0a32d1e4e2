//! The family's portal: guardians and youth who log in through ID-porten and
//! see their own or their child's log, give and withdraw consent, add the
//! child's voice and their own view, rate meetings and ask for help.
//!
//! Who may see which log is decided in `access::family`; this module holds
//! the portal's codes and the rules on what the family does not see
//! ([`Withheld`], written out in docs/ARCHITECTURE.md «The family's portal»).

use crate::log::consent::YOUTH_CONSENT_AGE;

/// The family's own voice and requests (H5).
pub mod voice;
use crate::log::stafett::EntryKind;

/// From this age a youth logs in and sees their own log (own matters), and
/// consents for themself (DOMAIN.md: «the youth alone from 15 for own
/// matters»).
pub const YOUTH_PORTAL_AGE: u32 = YOUTH_CONSENT_AGE;

/// From this age the youth's health information is the youth's own: the
/// services' health records are withheld from the guardians
/// (pasient- og brukerrettighetsloven § 3-4 first paragraph; DOMAIN.md
/// «from 16 for health»).
pub const YOUTH_HEALTH_AGE: u32 = crate::log::consent::YOUTH_HEALTH_CONSENT_AGE;

/// Parental responsibility ends at majority: guardians see nothing of a
/// log about a child of this age or older.
pub const MAJORITY_AGE: u32 = 18;

/// How a citizen stands to a log: a guardian of the child, or the youth
/// whose log it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FamilyRole {
    Guardian(crate::ids::GuardianId),
    Youth,
}

/// Why an entry of the log is withheld from the family. Staff choose it when
/// they write (the form says the family sees the entry otherwise); each kind
/// rests on a rule of law, written out in docs/ARCHITECTURE.md.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Withheld {
    /// The services' internal working note (arbeidsdokument, forvaltningsloven
    /// § 18 a): withheld from guardians and youth.
    Internal,
    /// Information about other people than the child and the family
    /// (taushetsplikt for tredjepersoner, forvaltningsloven § 19 second
    /// paragraph): withheld from guardians and youth.
    ThirdParty,
    /// Withheld from the guardians for the child's sake, at the child's
    /// wish or where telling would harm the child (pasient- og
    /// brukerrettighetsloven § 3-4 second and third paragraphs, barnevernsloven
    /// § 12-5): the youth sees it, the guardians do not.
    ChildsSake,
    /// Health information about a youth of 16 or older (pasient- og
    /// brukerrettighetsloven § 3-4 first paragraph): the youth sees it, the
    /// guardians do not.
    YouthHealth,
}

impl Withheld {
    pub const ALL: [Withheld; 4] = [
        Self::Internal,
        Self::ThirdParty,
        Self::ChildsSake,
        Self::YouthHealth,
    ];
    pub fn code(self) -> &'static str {
        match self {
            Self::Internal => "intern",
            Self::ThirdParty => "tredjeperson",
            Self::ChildsSake => "barnets_skyld",
            Self::YouthHealth => "helse_ungdom",
        }
    }
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|w| w.code() == code)
    }

    /// Whether a citizen in `role` sees an entry withheld for this reason.
    pub fn shown_to(self, role: FamilyRole) -> bool {
        match self {
            Self::Internal | Self::ThirdParty => false,
            Self::ChildsSake | Self::YouthHealth => role == FamilyRole::Youth,
        }
    }
}

/// Whether a citizen in `role` sees an entry with the stored withholding
/// `withheld` (`None`: not withheld).
pub fn entry_shown_to(withheld: Option<Withheld>, role: FamilyRole) -> bool {
    withheld.is_none_or(|w| w.shown_to(role))
}

impl Withheld {
    /// Whether staff may choose this withholding for an entry about a child
    /// of `child_age` (`None`: unborn): [`Withheld::YouthHealth`] only for a
    /// youth of [`YOUTH_HEALTH_AGE`] or older. Below that age the guardians
    /// have the right to the child's health information; what a child of
    /// 12–15 does not want them told is [`Withheld::ChildsSake`].
    pub fn allowed_for(self, child_age: Option<u32>) -> bool {
        match self {
            Self::YouthHealth => child_age.is_some_and(|a| a >= YOUTH_HEALTH_AGE),
            Self::Internal | Self::ThirdParty | Self::ChildsSake => true,
        }
    }

    /// The withholdings staff may choose for an entry about a child of
    /// `child_age`, in the order the form lists them.
    pub fn choices_for(child_age: Option<u32>) -> Vec<Withheld> {
        Self::ALL
            .into_iter()
            .filter(|w| w.allowed_for(child_age))
            .collect()
    }
}

/// Why a kind of timeline entry is never shown in the portal, whatever
/// staff chose when it was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NeverShown {
    /// The services' own working steps — a handover proposed, declined or
    /// withdrawn, the question to the coordinating unit and its answer, a
    /// meeting's draft minutes, the services' answers to an invitation —
    /// are internal documents (forvaltningsloven § 18 a); what they lead
    /// to (a new lead, a meeting, approved minutes) is shown.
    Internal,
    /// An anonymous consultation linked to the log: the advice of
    /// colleagues who never knew who the child was, about the services'
    /// own practice (forvaltningsloven § 18 a), and it may name no one.
    Consultation,
    /// A report of concern to child welfare that the family was not asked
    /// about: the prompt that one should be considered, and a report marked
    /// as sent outside Laget (no report in Laget, so no record of whether
    /// the guardians are to be told). When a report is about harm at home,
    /// the family must not learn of it from the portal before child welfare
    /// has acted. A report sent through Laget records for each guardian and
    /// the child whether they are told; its entry is shown by that record
    /// (its [`Withheld`], see [`REPORT_SENT_IN_LAGET`]).
    ReportOfConcern,
    /// A family member's rating of a meeting: feedback to the services,
    /// not shown to the other guardian or the youth (it may be about them).
    Rating,
}

/// The event of a [`EntryKind::ReportSent`] entry written by sending a
/// report through Laget (its data names the report): the reporter recorded
/// whether the family is told, and the entry is withheld when they are not.
pub const REPORT_SENT_IN_LAGET: &str = "bekymringsmelding_i_laget";

/// What an entry's data tells beyond its kind, for
/// [`kind_shown_to_family`]: a note's `hendelse`; for a report sent,
/// [`REPORT_SENT_IN_LAGET`] when its data names the report (an entry from
/// «marked as sent» outside Laget names none).
pub fn entry_event(kind: EntryKind, data: Option<&serde_json::Value>) -> Option<&str> {
    match kind {
        EntryKind::Note => data?.get("hendelse")?.as_str(),
        EntryKind::ReportSent => data?
            .get("report")
            .and_then(|v| v.as_str())
            .map(|_| REPORT_SENT_IN_LAGET),
        _ => None,
    }
}

/// Whether the family ever sees an entry of `kind` (`event`: what its data
/// tells, [`entry_event`]); `Err` with the reason when it never does.
/// Entries that pass are then narrowed by their [`Withheld`]
/// ([`entry_shown_to`]).
pub fn kind_shown_to_family(kind: EntryKind, event: Option<&str>) -> Result<(), NeverShown> {
    use EntryKind as K;
    match kind {
        K::HandoverProposed
        | K::HandoverDeclined
        | K::HandoverWithdrawn
        | K::CoordinationRequested
        | K::MinutesDrafted
        | K::MeetingAnswered => Err(NeverShown::Internal),
        K::Note if event == Some("koordinering_svart") => Err(NeverShown::Internal),
        K::Consultation => Err(NeverShown::Consultation),
        // Sent through Laget: shown unless withheld (not told).
        K::ReportSent if event == Some(REPORT_SENT_IN_LAGET) => Ok(()),
        K::ReportPrompted | K::ReportSent => Err(NeverShown::ReportOfConcern),
        K::MeetingRated => Err(NeverShown::Rating),
        K::Concern
        | K::LevelChange
        | K::Closed
        | K::Reopened
        | K::ConsentGiven
        | K::ConsentWithdrawn
        | K::TeamJoined
        | K::TeamLeft
        | K::HandoverAccepted
        | K::MeasureAdded
        | K::MeasureDecided
        | K::Evaluation
        | K::ChildVoice
        | K::Bbis
        | K::Note
        | K::MinutesApproved
        | K::DecisionDone
        | K::MeetingCalled
        | K::MeetingChanged
        | K::MeetingCancelled
        | K::MeetingVoiceGathered
        | K::TeamCase
        | K::TeamDecision
        | K::TeamCaseWithdrawn => Ok(()),
        // The individual plan's events (asked for, decided, coordinator,
        // goals, contributions, closed): the plan is the family's document,
        // and its page in the portal shows the same.
        K::Plan => Ok(()),
        // The guardians' own view, written in the portal (H5's
        // `EntryKind::FamilyView`, named by its stored code so that this
        // rule stands with or without that kind): the family sees it.
        #[allow(unreachable_patterns, reason = "kinds added later are decided here")]
        k if k.code() == "familiens_syn" => Ok(()),
        // A kind not decided above is not shown until it is decided here.
        #[allow(unreachable_patterns, reason = "kinds added later are decided here")]
        _ => Err(NeverShown::Internal),
    }
}

/// Whether a citizen in `role` sees a timeline entry: its kind is one the
/// family sees ([`kind_shown_to_family`]) and its withholding lets `role`
/// see it ([`entry_shown_to`]).
pub fn timeline_entry_shown_to(
    kind: EntryKind,
    event: Option<&str>,
    withheld: Option<Withheld>,
    role: FamilyRole,
) -> bool {
    kind_shown_to_family(kind, event).is_ok() && entry_shown_to(withheld, role)
}

/// Whether a citizen in `role` sees a consent given by `givers` — the
/// consent itself on the consent page, and its timeline events (given,
/// withdrawn) with their note. A consent the youth gave alone (from
/// [`YOUTH_PORTAL_AGE`] for own matters, from [`YOUTH_HEALTH_AGE`] for
/// health) is the youth's own matter: which service the youth turned to,
/// and why, is the youth's to tell (pasient- og brukerrettighetsloven
/// § 3-4, DOMAIN.md «the youth alone from 15 for own matters»). The
/// guardians do not see it; the youth does. A consent with a guardian among
/// its givers is the family's and shown to all.
pub fn consent_shown_to(givers: &[crate::log::consent::Giver], role: FamilyRole) -> bool {
    use crate::log::consent::Giver;
    let youth_alone = !givers.is_empty() && givers.iter().all(|g| *g == Giver::Youth);
    !youth_alone || role == FamilyRole::Youth
}

/// What the family asks for in the portal.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RequestKind {
    /// A meeting about the child, with the lead.
    Meeting,
    /// To bring their case to a tidlig innsatsteam.
    Team,
}

impl RequestKind {
    pub const ALL: [RequestKind; 2] = [Self::Meeting, Self::Team];
    pub fn code(self) -> &'static str {
        match self {
            Self::Meeting => "mote",
            Self::Team => "team",
        }
    }
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::GuardianId;

    #[test]
    fn codes_round_trip() {
        for w in Withheld::ALL {
            assert_eq!(Withheld::from_code(w.code()), Some(w));
        }
        for k in RequestKind::ALL {
            assert_eq!(RequestKind::from_code(k.code()), Some(k));
        }
        assert_eq!(Withheld::from_code("noe"), None);
    }

    #[test]
    fn guardians_see_less_than_the_youth() {
        let guardian = FamilyRole::Guardian(GuardianId::new());
        assert!(entry_shown_to(None, guardian));
        assert!(entry_shown_to(None, FamilyRole::Youth));
        for w in Withheld::ALL {
            assert!(!entry_shown_to(Some(w), guardian), "{w:?}");
        }
        assert!(entry_shown_to(
            Some(Withheld::ChildsSake),
            FamilyRole::Youth
        ));
        assert!(entry_shown_to(
            Some(Withheld::YouthHealth),
            FamilyRole::Youth
        ));
        assert!(!entry_shown_to(Some(Withheld::Internal), FamilyRole::Youth));
        assert!(!entry_shown_to(
            Some(Withheld::ThirdParty),
            FamilyRole::Youth
        ));
    }

    #[test]
    fn a_consent_the_youth_gave_alone_is_the_youths_own() {
        use crate::log::consent::Giver;
        let g = GuardianId::new();
        let guardian = FamilyRole::Guardian(g);
        let other = FamilyRole::Guardian(GuardianId::new());
        let alone = [Giver::Youth];
        assert!(!consent_shown_to(&alone, guardian));
        assert!(!consent_shown_to(&alone, other));
        assert!(consent_shown_to(&alone, FamilyRole::Youth));
        // With a guardian among the givers it is the family's.
        for givers in [
            vec![Giver::Guardian(g)],
            vec![Giver::Guardian(g), Giver::Youth],
            vec![Giver::Guardian(GuardianId::new())],
        ] {
            for role in [guardian, other, FamilyRole::Youth] {
                assert!(consent_shown_to(&givers, role), "{givers:?} {role:?}");
            }
        }
    }

    #[test]
    fn youth_health_is_chosen_only_from_sixteen() {
        assert!(!Withheld::YouthHealth.allowed_for(None));
        assert!(!Withheld::YouthHealth.allowed_for(Some(15)));
        assert!(Withheld::YouthHealth.allowed_for(Some(16)));
        assert!(Withheld::YouthHealth.allowed_for(Some(17)));
        assert_eq!(
            Withheld::choices_for(Some(12)),
            vec![
                Withheld::Internal,
                Withheld::ThirdParty,
                Withheld::ChildsSake
            ]
        );
        assert_eq!(Withheld::choices_for(Some(16)), Withheld::ALL.to_vec());
        for w in [
            Withheld::Internal,
            Withheld::ThirdParty,
            Withheld::ChildsSake,
        ] {
            assert!(w.allowed_for(None) && w.allowed_for(Some(3)), "{w:?}");
        }
    }

    #[test]
    fn a_report_sent_through_laget_is_shown_unless_withheld() {
        let guardian = FamilyRole::Guardian(GuardianId::new());
        let sent = serde_json::json!({ "report": "01a25176-0000-7000-8000-000000000000" });
        let event = entry_event(EntryKind::ReportSent, Some(&sent));
        assert_eq!(event, Some(REPORT_SENT_IN_LAGET));
        assert!(timeline_entry_shown_to(
            EntryKind::ReportSent,
            event,
            None,
            guardian
        ));
        assert!(!timeline_entry_shown_to(
            EntryKind::ReportSent,
            event,
            Some(Withheld::Internal),
            FamilyRole::Youth
        ));
        assert!(timeline_entry_shown_to(
            EntryKind::ReportSent,
            event,
            Some(Withheld::ChildsSake),
            FamilyRole::Youth
        ));
        // Marked as sent outside Laget (a note, no report): never shown.
        let marked = serde_json::json!({});
        let event = entry_event(EntryKind::ReportSent, Some(&marked));
        assert_eq!(
            kind_shown_to_family(EntryKind::ReportSent, event),
            Err(NeverShown::ReportOfConcern)
        );
        // The prompt is never shown, whatever its data.
        assert!(
            kind_shown_to_family(EntryKind::ReportPrompted, Some(REPORT_SENT_IN_LAGET)).is_err()
        );
    }

    #[test]
    fn internal_steps_consultations_reports_and_ratings_are_never_shown() {
        let guardian = FamilyRole::Guardian(GuardianId::new());
        for kind in [
            EntryKind::HandoverProposed,
            EntryKind::HandoverDeclined,
            EntryKind::HandoverWithdrawn,
            EntryKind::CoordinationRequested,
            EntryKind::MinutesDrafted,
            EntryKind::MeetingAnswered,
            EntryKind::Consultation,
            EntryKind::ReportPrompted,
            EntryKind::ReportSent,
            EntryKind::MeetingRated,
        ] {
            assert!(kind_shown_to_family(kind, None).is_err(), "{kind:?}");
            for role in [guardian, FamilyRole::Youth] {
                assert!(!timeline_entry_shown_to(kind, None, None, role), "{kind:?}");
            }
        }
        assert_eq!(
            kind_shown_to_family(EntryKind::Consultation, None),
            Err(NeverShown::Consultation)
        );
        assert_eq!(
            kind_shown_to_family(EntryKind::ReportSent, None),
            Err(NeverShown::ReportOfConcern)
        );
        // The coordinating unit's answer is a note too; a meeting held is not internal.
        assert_eq!(
            kind_shown_to_family(EntryKind::Note, Some("koordinering_svart")),
            Err(NeverShown::Internal)
        );
        assert!(kind_shown_to_family(EntryKind::Note, Some("mote_holdt")).is_ok());
    }

    #[test]
    fn what_the_family_sees_follows_the_kind_and_the_withholding() {
        let guardian = FamilyRole::Guardian(GuardianId::new());
        let shown = [
            EntryKind::Concern,
            EntryKind::LevelChange,
            EntryKind::ChildVoice,
            EntryKind::Evaluation,
            EntryKind::HandoverAccepted,
            EntryKind::MinutesApproved,
            EntryKind::MeetingCalled,
        ];
        for kind in shown {
            assert!(
                timeline_entry_shown_to(kind, None, None, guardian),
                "{kind:?}"
            );
            assert!(timeline_entry_shown_to(kind, None, None, FamilyRole::Youth));
            assert!(!timeline_entry_shown_to(
                kind,
                None,
                Some(Withheld::YouthHealth),
                guardian
            ));
            assert!(timeline_entry_shown_to(
                kind,
                None,
                Some(Withheld::YouthHealth),
                FamilyRole::Youth
            ));
            assert!(!timeline_entry_shown_to(
                kind,
                None,
                Some(Withheld::ThirdParty),
                FamilyRole::Youth
            ));
        }
        // The guardians' own view (once that kind exists) is the family's.
        if let Some(view) = EntryKind::from_code("familiens_syn") {
            assert!(timeline_entry_shown_to(view, None, None, guardian));
        }
        // Every kind is decided (a new kind must be placed on one side).
        let never = EntryKind::ALL
            .into_iter()
            .filter(|k| kind_shown_to_family(*k, None).is_err())
            .count();
        assert_eq!(never, 10);
    }
}
