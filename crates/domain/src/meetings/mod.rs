//! Meetings (issue #11): case meetings in a child's log and the meetings of
//! the municipality's standing teams, their invitations, answers, minutes,
//! decisions and the family's ratings; and the e-mail sent about them.
//!
//! The kinds and statuses are codes (stored in the columns of migration
//! 000014, read through `laget_db::codes::Stored`); the words are in the web
//! layer's message catalogue.

pub mod invitation;
pub mod mail;
pub mod minutes;
pub mod teams;

/// Declares a stored enum: `ALL`, `code()` and `from_code()`.
macro_rules! coded {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident => $code:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $($(#[$vdoc])* $variant),+
        }

        impl $name {
            pub const ALL: &'static [Self] = &[$(Self::$variant),+];
            /// The stored code.
            pub fn code(self) -> &'static str {
                match self {
                    $(Self::$variant => $code),+
                }
            }
            /// The value of a stored code.
            pub fn from_code(code: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|v| v.code() == code)
            }
        }
    };
}
pub(crate) use coded;

coded!(
    /// What kind of meeting (meetings.kind; also the key of a municipality's
    /// template).
    MeetingKind {
        /// Samarbeidsmøte: the services with the family.
        Cooperation => "samarbeid",
        /// Ansvarsgruppemøte: the responsible group, with the family.
        ResponsibilityGroup => "ansvarsgruppe",
        /// Instansmøte: the services without the family (on consent).
        Services => "instans",
        /// A standing team's meeting.
        Team => "team",
    }
);

impl MeetingKind {
    /// The kinds a case meeting in a log may have.
    pub const CASE: [Self; 3] = [Self::Cooperation, Self::ResponsibilityGroup, Self::Services];

    /// Whether the family takes part (samarbeidsmøte, ansvarsgruppemøte).
    pub fn with_family(self) -> bool {
        matches!(self, Self::Cooperation | Self::ResponsibilityGroup)
    }
}

coded!(
    /// Where a meeting stands (meetings.status).
    MeetingStatus {
        Planned => "planlagt",
        Cancelled => "avlyst",
        Held => "holdt",
    }
);

coded!(
    /// Where a meeting's minutes stand (meetings.minutes_status).
    MinutesStatus {
        None => "ingen",
        Draft => "utkast",
        Approved => "godkjent",
    }
);

coded!(
    /// Who an invitation is for (meeting_participants.kind).
    ParticipantKind {
        Staff => "ansatt",
        Unit => "enhet",
        Guardian => "foresatt",
        Child => "barn",
    }
);

coded!(
    /// An invited person's answer (meeting_participants.response).
    Response {
        Pending => "venter",
        Accepted => "kommer",
        Declined => "kommer_ikke",
    }
);

coded!(
    /// Who rated a meeting (meeting_ratings.rater).
    Rater {
        Guardian => "foresatt",
        Child => "barn",
    }
);

coded!(
    /// Who brought a case to a standing team (team_cases.brought_by).
    BroughtBy {
        Staff => "ansatt",
        Guardian => "foresatt",
    }
);

/// How useful the family found a meeting: 1 (not at all) to 5 (very).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Score(u8);

impl Score {
    pub const MIN: u8 = 1;
    pub const MAX: u8 = 5;

    /// A score from 1 to 5, or `None`.
    pub fn new(value: i64) -> Option<Self> {
        u8::try_from(value)
            .ok()
            .filter(|v| (Self::MIN..=Self::MAX).contains(v))
            .map(Self)
    }

    pub fn value(self) -> u8 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_are_unique() {
        fn check<T: Copy + PartialEq + std::fmt::Debug>(
            all: &[T],
            code: fn(T) -> &'static str,
            from: fn(&str) -> Option<T>,
        ) {
            let mut seen = std::collections::HashSet::new();
            for &v in all {
                assert!(seen.insert(code(v)), "{v:?} shares its code");
                assert_eq!(from(code(v)), Some(v));
            }
            assert_eq!(from("ukjent"), None);
        }
        check(MeetingKind::ALL, MeetingKind::code, MeetingKind::from_code);
        check(
            MeetingStatus::ALL,
            MeetingStatus::code,
            MeetingStatus::from_code,
        );
        check(
            MinutesStatus::ALL,
            MinutesStatus::code,
            MinutesStatus::from_code,
        );
        check(
            ParticipantKind::ALL,
            ParticipantKind::code,
            ParticipantKind::from_code,
        );
        check(Response::ALL, Response::code, Response::from_code);
        check(Rater::ALL, Rater::code, Rater::from_code);
        check(BroughtBy::ALL, BroughtBy::code, BroughtBy::from_code);
    }

    #[test]
    fn a_score_is_one_to_five() {
        assert_eq!(Score::new(0), None);
        assert_eq!(Score::new(1).map(Score::value), Some(1));
        assert_eq!(Score::new(5).map(Score::value), Some(5));
        assert_eq!(Score::new(6), None);
        assert_eq!(Score::new(-3), None);
    }

    #[test]
    fn only_the_family_meetings_invite_the_family() {
        assert!(MeetingKind::Cooperation.with_family());
        assert!(MeetingKind::ResponsibilityGroup.with_family());
        assert!(!MeetingKind::Services.with_family());
    }
}
