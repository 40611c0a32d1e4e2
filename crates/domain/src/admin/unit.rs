//! Units (virksomheter): the kindergartens, schools and services that work with children.

use crate::validation::{Problem, required_text};

/// What kind of service a unit is. The code is stored; the label comes from
/// the message catalogue.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum UnitKind {
    Barnehage,
    Skole,
    Sfo,
    Helsestasjon,
    Ppt,
    Barnevern,
    PsykiskHelseRus,
    Familiesenter,
    Nav,
    KulturFritid,
    KoordinerendeEnhet,
    Annet,
}

impl UnitKind {
    pub const ALL: [UnitKind; 12] = [
        Self::Barnehage,
        Self::Skole,
        Self::Sfo,
        Self::Helsestasjon,
        Self::Ppt,
        Self::Barnevern,
        Self::PsykiskHelseRus,
        Self::Familiesenter,
        Self::Nav,
        Self::KulturFritid,
        Self::KoordinerendeEnhet,
        Self::Annet,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::Barnehage => "barnehage",
            Self::Skole => "skole",
            Self::Sfo => "sfo",
            Self::Helsestasjon => "helsestasjon",
            Self::Ppt => "ppt",
            Self::Barnevern => "barnevern",
            Self::PsykiskHelseRus => "psykisk_helse_rus",
            Self::Familiesenter => "familiesenter",
            Self::Nav => "nav",
            Self::KulturFritid => "kultur_fritid",
            Self::KoordinerendeEnhet => "koordinerende_enhet",
            Self::Annet => "annet",
        }
    }

    /// Whether units of this kind give health care, so that a youth's own
    /// consent covers them only from 16 (`log::consent::YOUTH_HEALTH_CONSENT_AGE`;
    /// DOMAIN.md «from 16 for health», pasient- og brukerrettighetsloven
    /// § 4-3): the health station and school health service
    /// ([`Self::Helsestasjon`]) and mental health and substance use
    /// ([`Self::PsykiskHelseRus`]). A fastlege (GP) is no kind of its own; a
    /// municipality that adds one as a unit gives it [`Self::Annet`], which,
    /// like PPT, child welfare, the family centre, NAV and the coordinating
    /// unit (which coordinates but does not treat), is not counted as health.
    pub fn is_health(self) -> bool {
        matches!(self, Self::Helsestasjon | Self::PsykiskHelseRus)
    }

    pub fn from_code(code: &str) -> Result<Self, Problem> {
        Self::ALL
            .into_iter()
            .find(|k| k.code() == code)
            .ok_or(if code.trim().is_empty() {
                Problem::Required
            } else {
                Problem::UnknownChoice
            })
    }
}

/// A unit's name, e.g. «Lunden barnehage».
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnitName(String);

impl UnitName {
    pub const MAX: usize = 150;
    pub fn parse(raw: &str) -> Result<Self, Problem> {
        required_text(raw, Self::MAX).map(Self)
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
    pub fn into_string(self) -> String {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_round_trips_and_codes_are_unique() {
        let mut codes = std::collections::HashSet::new();
        for kind in UnitKind::ALL {
            assert_eq!(UnitKind::from_code(kind.code()), Ok(kind));
            assert!(codes.insert(kind.code()));
        }
    }

    #[test]
    fn the_health_kinds_are_the_health_station_and_mental_health() {
        let health: Vec<_> = UnitKind::ALL
            .into_iter()
            .filter(|k| k.is_health())
            .collect();
        assert_eq!(health, [UnitKind::Helsestasjon, UnitKind::PsykiskHelseRus]);
    }

    #[test]
    fn unknown_kinds_are_refused() {
        assert_eq!(UnitKind::from_code("bank"), Err(Problem::UnknownChoice));
        assert_eq!(UnitKind::from_code(""), Err(Problem::Required));
    }
}
