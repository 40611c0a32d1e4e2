//! Field-level validation errors.
//!
//! A form is parsed into domain values field by field; every problem is kept
//! (not just the first), so the page can show each message beside its field.
//! The problems are codes, not sentences: the web crate's message catalogue
//! turns them into Norwegian.

use std::fmt;

/// What is wrong with one value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Problem {
    /// Nothing was given where something is required.
    Required,
    /// Longer than the field allows.
    TooLong { max: usize },
    /// Shorter than the field allows.
    TooShort { min: usize },
    /// Not a valid e-mail address.
    InvalidEmail,
    /// A user name may only use a–z, 0–9, dot, dash and underscore.
    InvalidUsername,
    /// A municipality number is four digits.
    InvalidMunicipalityNumber,
    /// The value is not one of the choices offered.
    UnknownChoice,
    /// The password is too easy to guess.
    WeakPassword,
    /// The two passwords typed differ.
    PasswordMismatch,
    /// Another record already uses this value.
    Taken,
    /// Not a valid date (dd.mm.åååå or åååå-mm-dd).
    InvalidDate,
    /// Not a whole number, or outside the allowed range.
    NotANumberInRange,
    /// Not a whole number from `min` to `max`; `given` is the number written,
    /// when it was one, so the message can name it.
    NumberOutside {
        min: i64,
        max: i64,
        given: Option<i64>,
    },
    /// Not a web address that starts with https://.
    InvalidLink,
    /// «To» age is below «from» age.
    AgeOrder,
    /// «To» date is before «from» date.
    DateOrder,
    /// At least one choice is needed.
    ChooseAtLeastOne,
    /// Eleven digits, but not a valid national identity number (fødselsnummer
    /// or D-nummer): the check digits or the date are wrong.
    InvalidNationalId,
    /// Not eleven digits: a national identity number has eleven (spaces
    /// aside), and nothing else.
    NationalIdLength,
    /// The national identity number encodes another birth date.
    NationalIdBirthDateMismatch,
    /// The date is outside what the field allows (e.g. a birth date in the future).
    DateOutOfRange,
    /// A real date, but its year is outside 1900–2200 (e.g. 9999).
    YearOutOfRange,
    /// The date is after today where only what has happened can be recorded
    /// (when a concern was noticed, when a meeting was held).
    DateInFuture,
    /// The date is before today where a date ahead is needed (the next
    /// evaluation).
    DateInPast,
    /// Not a telephone number (digits, spaces, + and -).
    InvalidPhone,
    /// Moving more than one level needs a reason for skipping.
    SkipNeedsReason,
    /// The decision cannot be final without a best-interest assessment.
    BestInterestRequired,
    /// The chosen level is where the log already stands.
    SameLevel,
    /// The unit is not covered by a valid consent.
    NotCoveredByConsent,
    /// The log is closed; reopen it first.
    LogClosed,
    /// A file is required (e.g. the scan of a signed consent form).
    FileRequired,
    /// A BBIS theme needs text or «ikke aktuelt».
    TextOrNotRelevant,
    /// The field is one line: no line break (the KS Fiks schema's `^(.*)$`).
    OneLine,
    /// A district number (bydelsnummer) is two digits.
    InvalidDistrictNumber,
    /// A report of concern names one or two guardians, not more.
    AtMostTwoGuardians,
    /// Not informed about the report: say why (Laget's rule).
    NotInformedNeedsReason,
    /// An organisation number is nine digits.
    InvalidOrgNumber,
    /// A Norwegian postal code is four digits.
    InvalidPostalCode,
}

/// A problem with a named field of a form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldError {
    pub field: &'static str,
    pub problem: Problem,
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {:?}", self.field, self.problem)
    }
}

/// Collects the problems of a form while its fields are parsed.
#[derive(Debug, Default)]
pub struct Problems(Vec<FieldError>);

impl Problems {
    pub fn new() -> Self {
        Self::default()
    }

    /// Keeps the value if it parsed; records the problem under `field` if not.
    pub fn check<T>(&mut self, field: &'static str, result: Result<T, Problem>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(problem) => {
                self.0.push(FieldError { field, problem });
                None
            }
        }
    }

    pub fn push(&mut self, field: &'static str, problem: Problem) {
        self.0.push(FieldError { field, problem });
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Whether `field` has no problem recorded yet.
    pub fn is_empty_for(&self, field: &str) -> bool {
        !self.0.iter().any(|e| e.field == field)
    }

    pub fn into_vec(self) -> Vec<FieldError> {
        self.0
    }
}

/// Trims `raw` and checks that it is present and at most `max` characters.
pub fn required_text(raw: &str, max: usize) -> Result<String, Problem> {
    let trimmed = raw.trim();
    if trimmed.is_empty() {
        return Err(Problem::Required);
    }
    if trimmed.chars().count() > max {
        return Err(Problem::TooLong { max });
    }
    Ok(trimmed.to_owned())
}

/// Like [`required_text`], but an empty value is `None`.
pub fn optional_text(raw: &str, max: usize) -> Result<Option<String>, Problem> {
    match required_text(raw, max) {
        Ok(text) => Ok(Some(text)),
        Err(Problem::Required) => Ok(None),
        Err(other) => Err(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn required_text_trims_and_limits() {
        assert_eq!(required_text("  Sarpsborg ", 20), Ok("Sarpsborg".into()));
        assert_eq!(required_text("   ", 20), Err(Problem::Required));
        assert_eq!(required_text("ææææ", 3), Err(Problem::TooLong { max: 3 }));
        assert_eq!(
            required_text("æøå", 3),
            Ok("æøå".into()),
            "limits count characters, not bytes"
        );
    }

    #[test]
    fn problems_keeps_every_problem() {
        let mut p = Problems::new();
        assert_eq!(p.check("a", required_text("", 5)), None);
        assert_eq!(p.check("b", required_text("x", 5)), Some("x".to_owned()));
        p.push("c", Problem::Taken);
        let all = p.into_vec();
        assert_eq!(all.len(), 2);
        assert_eq!(all[0].field, "a");
        assert_eq!(all[1].problem, Problem::Taken);
    }
}

/// A date as Norwegians write it (`23.11.2026`, also `23.11.26` is refused)
/// or as ISO (`2026-11-23`, what `<input type="date">` sends).
pub fn parse_date(raw: &str) -> Result<Option<chrono::NaiveDate>, Problem> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    let d = chrono::NaiveDate::parse_from_str(raw, "%d.%m.%Y")
        .or_else(|_| chrono::NaiveDate::parse_from_str(raw, "%Y-%m-%d"))
        .map_err(|_| Problem::InvalidDate)?;
    if (1900..=2200).contains(&chrono::Datelike::year(&d)) {
        Ok(Some(d))
    } else {
        // Written right, but a year no form here can mean.
        Err(Problem::YearOutOfRange)
    }
}

#[cfg(test)]
mod date_tests {
    use super::*;

    #[test]
    fn dates_in_norwegian_and_iso_form() {
        let d = chrono::NaiveDate::from_ymd_opt(2026, 11, 23);
        assert_eq!(parse_date("23.11.2026"), Ok(d));
        assert_eq!(parse_date("2026-11-23"), Ok(d));
        assert_eq!(parse_date(""), Ok(None));
        assert_eq!(parse_date("31.02.2026"), Err(Problem::InvalidDate));
        assert_eq!(parse_date("i går"), Err(Problem::InvalidDate));
        assert_eq!(parse_date("01.01.9999"), Err(Problem::YearOutOfRange));
    }
}
