//! Municipalities (kommuner): the tenants of Laget.

use crate::validation::{Problem, required_text};
use std::fmt;

/// The official four-digit municipality number, e.g. «3105» for Sarpsborg.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MunicipalityNumber(String);

impl MunicipalityNumber {
    pub fn parse(raw: &str) -> Result<Self, Problem> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Err(Problem::Required);
        }
        if raw.len() == 4 && raw.bytes().all(|b| b.is_ascii_digit()) {
            Ok(Self(raw.to_owned()))
        } else {
            Err(Problem::InvalidMunicipalityNumber)
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for MunicipalityNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The municipality's name, as it writes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MunicipalityName(String);

impl MunicipalityName {
    pub const MAX: usize = 100;
    pub fn parse(raw: &str) -> Result<Self, Problem> {
        required_text(raw, Self::MAX).map(Self)
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The written standard (målform) the municipality has chosen. Bokmål
/// unless the municipality chooses nynorsk.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum WrittenStandard {
    #[default]
    Bokmal,
    Nynorsk,
}

impl WrittenStandard {
    pub fn code(self) -> &'static str {
        match self {
            Self::Bokmal => "nb",
            Self::Nynorsk => "nn",
        }
    }
    pub fn from_code(code: &str) -> Result<Self, Problem> {
        match code {
            "nb" => Ok(Self::Bokmal),
            "nn" => Ok(Self::Nynorsk),
            _ => Err(Problem::UnknownChoice),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn municipality_numbers_are_four_digits() {
        assert!(MunicipalityNumber::parse("3105").is_ok());
        assert_eq!(
            MunicipalityNumber::parse(" 0301 ").map(|n| n.to_string()),
            Ok("0301".into())
        );
        assert_eq!(
            MunicipalityNumber::parse("310"),
            Err(Problem::InvalidMunicipalityNumber)
        );
        assert_eq!(
            MunicipalityNumber::parse("31O5"),
            Err(Problem::InvalidMunicipalityNumber)
        );
        assert_eq!(
            MunicipalityNumber::parse("٣١٠٥"),
            Err(Problem::InvalidMunicipalityNumber)
        );
        assert_eq!(MunicipalityNumber::parse(""), Err(Problem::Required));
    }

    #[test]
    fn written_standard_codes_round_trip() {
        for s in [WrittenStandard::Bokmal, WrittenStandard::Nynorsk] {
            assert_eq!(WrittenStandard::from_code(s.code()), Ok(s));
        }
        assert!(WrittenStandard::from_code("en").is_err());
    }
}
