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

/// From this age a youth logs in and sees their own log (own matters), and
/// consents for themself (DOMAIN.md: «the youth alone from 15 for own
/// matters»).
pub const YOUTH_PORTAL_AGE: u32 = YOUTH_CONSENT_AGE;

/// From this age the youth's health information is the youth's own: the
/// services' health records are withheld from the guardians
/// (pasient- og brukerrettighetsloven § 3-4 first paragraph; DOMAIN.md
/// «from 16 for health»).
pub const YOUTH_HEALTH_AGE: u32 = 16;

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
}
