//! Staff accounts and their roles.

use crate::validation::{Problem, required_text};
use std::fmt;

/// A login name: 3–64 characters of a–z, 0–9, «.», «-», «_», stored in lower case.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Username(String);

impl Username {
    pub fn parse(raw: &str) -> Result<Self, Problem> {
        let name = raw.trim().to_lowercase();
        if name.is_empty() {
            return Err(Problem::Required);
        }
        if name.len() < 3 {
            return Err(Problem::TooShort { min: 3 });
        }
        if name.len() > 64 {
            return Err(Problem::TooLong { max: 64 });
        }
        if !name.bytes().all(|b| {
            b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'_')
        }) {
            return Err(Problem::InvalidUsername);
        }
        Ok(Self(name))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Username {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The name shown for a user, e.g. «Kari Nordmann».
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DisplayName(String);

impl DisplayName {
    pub fn parse(raw: &str) -> Result<Self, Problem> {
        required_text(raw, 200).map(Self)
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An e-mail address. Only the shape is checked: one «@», something on both
/// sides, a dot in the domain, no spaces.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    pub fn parse(raw: &str) -> Result<Self, Problem> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Err(Problem::Required);
        }
        if raw.len() > 254 {
            return Err(Problem::TooLong { max: 254 });
        }
        let Some((local, domain)) = raw.split_once('@') else {
            return Err(Problem::InvalidEmail);
        };
        let valid = !local.is_empty()
            && !domain.contains('@')
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !raw.chars().any(|c| c.is_whitespace() || c.is_control());
        if valid {
            Ok(Self(raw.to_owned()))
        } else {
            Err(Problem::InvalidEmail)
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// What a user may do, by membership. Unit roles hold in one unit; the
/// municipality administrator role holds in a whole municipality.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    /// Ansatt: works with children in the unit.
    Ansatt,
    /// Leder: leads the unit (styrer, rektor, virksomhetsleder).
    Leder,
    /// Member of the coordinating unit (koordinerende enhet).
    KoordinerendeEnhet,
    /// Edits the unit's offers in the catalogue (tiltaksredaktør).
    Tiltaksredaktor,
    /// Administers the municipality's units and users (kommuneadministrator).
    Kommuneadministrator,
}

impl Role {
    pub const ALL: [Role; 5] = [
        Self::Ansatt,
        Self::Leder,
        Self::KoordinerendeEnhet,
        Self::Tiltaksredaktor,
        Self::Kommuneadministrator,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::Ansatt => "ansatt",
            Self::Leder => "leder",
            Self::KoordinerendeEnhet => "koordinerende_enhet",
            Self::Tiltaksredaktor => "tiltaksredaktor",
            Self::Kommuneadministrator => "kommuneadministrator",
        }
    }

    pub fn from_code(code: &str) -> Result<Self, Problem> {
        Self::ALL
            .into_iter()
            .find(|r| r.code() == code)
            .ok_or(if code.trim().is_empty() {
                Problem::Required
            } else {
                Problem::UnknownChoice
            })
    }

    /// Whether the role is held in a unit (true) or in a whole municipality.
    pub fn is_unit_role(self) -> bool {
        !matches!(self, Self::Kommuneadministrator)
    }

    /// Whether the role opens children's data: staff and leaders work with
    /// the unit's children (and leaders may open a log by break-glass), and
    /// the coordinating unit reads a log it is asked to settle. Grants of
    /// these roles are shown to the unit's leaders (DESIGN.md, Access,
    /// rule 7). Editors and administrators open no child.
    pub fn opens_children(self) -> bool {
        matches!(self, Self::Ansatt | Self::Leder | Self::KoordinerendeEnhet)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_are_lower_case_and_plain() {
        assert_eq!(
            Username::parse(" Kari.Nordmann ").map(|u| u.to_string()),
            Ok("kari.nordmann".into())
        );
        assert_eq!(Username::parse("ka"), Err(Problem::TooShort { min: 3 }));
        assert_eq!(Username::parse("kåre"), Err(Problem::InvalidUsername));
        assert_eq!(Username::parse("a b c"), Err(Problem::InvalidUsername));
        assert_eq!(Username::parse(""), Err(Problem::Required));
    }

    #[test]
    fn emails_need_a_plausible_shape() {
        assert!(Email::parse("kari@demo.kommune.no").is_ok());
        for bad in [
            "kari",
            "kari@",
            "@demo.no",
            "kari@demo",
            "kari@@demo.no",
            "ka ri@demo.no",
            "kari@demo.no.",
        ] {
            assert_eq!(Email::parse(bad), Err(Problem::InvalidEmail), "{bad}");
        }
    }

    #[test]
    fn roles_round_trip() {
        for role in Role::ALL {
            assert_eq!(Role::from_code(role.code()), Ok(role));
        }
        assert!(Role::Leder.is_unit_role());
        assert!(!Role::Kommuneadministrator.is_unit_role());
        assert!(Role::Ansatt.opens_children() && Role::Leder.opens_children());
        assert!(Role::KoordinerendeEnhet.opens_children());
        assert!(!Role::Kommuneadministrator.opens_children());
        assert!(!Role::Tiltaksredaktor.opens_children());
    }
}
