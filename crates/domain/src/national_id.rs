//! Norwegian national identity numbers (fødselsnummer and D-nummer): eleven
//! digits, the first six a birth date (D-numbers add 4 to the first digit),
//! the last two check digits (modulus 11). A valid number is never shown in
//! full in lists or logs: [`NationalId::masked`] shows the birth date only.

use crate::validation::Problem;
use chrono::NaiveDate;
use std::fmt;

/// A national identity number whose check digits are right.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct NationalId(String);

const WEIGHTS_1: [u32; 9] = [3, 7, 6, 1, 8, 9, 4, 5, 2];
const WEIGHTS_2: [u32; 10] = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2];

fn check_digit(digits: &[u32], weights: &[u32]) -> Option<u32> {
    let sum: u32 = digits.iter().zip(weights).map(|(d, w)| d * w).sum();
    match 11 - sum % 11 {
        11 => Some(0),
        10 => None,
        k => Some(k),
    }
}

impl NationalId {
    /// Accepts the eleven digits with or without a space after the date.
    pub fn parse(raw: &str) -> Result<Self, Problem> {
        let compact: String = raw.chars().filter(|c| !c.is_whitespace()).collect();
        if compact.is_empty() {
            return Err(Problem::Required);
        }
        if compact.len() != 11 || !compact.bytes().all(|b| b.is_ascii_digit()) {
            return Err(Problem::InvalidNationalId);
        }
        let digits: Vec<u32> = compact.chars().filter_map(|c| c.to_digit(10)).collect();
        let k1 = check_digit(&digits[..9], &WEIGHTS_1);
        let k2 = check_digit(&digits[..10], &WEIGHTS_2);
        if k1 != Some(digits[9]) || k2 != Some(digits[10]) {
            return Err(Problem::InvalidNationalId);
        }
        let id = Self(compact);
        if id.birth_date().is_none() {
            return Err(Problem::InvalidNationalId);
        }
        Ok(id)
    }

    /// The birth date the number encodes (D-numbers: first digit + 4;
    /// century from the individual number, as the Population Register rules).
    pub fn birth_date(&self) -> Option<NaiveDate> {
        let d: Vec<u32> = self.0.chars().filter_map(|c| c.to_digit(10)).collect();
        let mut day = d[0] * 10 + d[1];
        if day > 40 {
            day -= 40; // D-nummer
        }
        let mut month = d[2] * 10 + d[3];
        if month > 80 {
            month -= 80; // synthetic number (Skatteetaten's test numbers)
        }
        let yy = d[4] * 10 + d[5];
        let individual = d[6] * 100 + d[7] * 10 + d[8];
        let century = match individual {
            0..=499 => 1900,
            500..=749 if yy >= 54 => 1800,
            900..=999 if yy >= 40 => 1900,
            500..=999 if yy <= 39 => 2000,
            _ => return None,
        };
        NaiveDate::from_ymd_opt(i32::try_from(century + yy).ok()?, month, day)
    }

    /// Whether this is a synthetic test number (month plus 80, as in
    /// Skatteetaten's test data), which no real person has.
    pub fn is_synthetic(&self) -> bool {
        self.0[2..4].parse::<u32>().is_ok_and(|m| m > 80)
    }

    /// A synthetic number (month plus 80) for `date`, for demo and test data:
    /// the first individual number from `seed` on that has check digits.
    pub fn synthetic(date: NaiveDate, seed: u32) -> Option<Self> {
        use chrono::Datelike;
        let (lo, hi) = match date.year() {
            1900..=1999 => (0, 499),
            2000..=2039 => (500, 999),
            _ => return None,
        };
        let head = format!(
            "{:02}{:02}{:02}",
            date.day(),
            date.month() + 80,
            date.year() % 100
        );
        (0..=(hi - lo)).find_map(|k| {
            let individual = lo + (seed + k) % (hi - lo + 1);
            let mut digits: Vec<u32> = head.chars().filter_map(|c| c.to_digit(10)).collect();
            digits.extend([individual / 100, individual / 10 % 10, individual % 10]);
            digits.push(check_digit(&digits, &WEIGHTS_1)?);
            digits.push(check_digit(&digits, &WEIGHTS_2)?);
            Self::parse(&digits.iter().map(u32::to_string).collect::<String>()).ok()
        })
    }

    /// The number as stored (only ever shown to those who may see it).
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// For lists: the birth date part and the rest hidden, «230115 *****».
    pub fn masked(&self) -> String {
        format!("{} *****", &self.0[..6])
    }
}

// Never print the number by accident (logs, debug output).
impl fmt::Debug for NationalId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "NationalId({})", self.masked())
    }
}

#[cfg(test)]
pub(crate) mod tests_support {
    use chrono::NaiveDate;

    /// A valid synthetic number for `date`, as text.
    pub fn valid_for(date: NaiveDate) -> String {
        super::NationalId::synthetic(date, 0)
            .map(|n| n.expose().to_owned())
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn synthetic_numbers_are_valid_and_marked() {
        let date = NaiveDate::from_ymd_opt(2019, 1, 1).unwrap_or_default();
        for seed in [0, 17, 400] {
            let id = NationalId::synthetic(date, seed);
            assert!(id.as_ref().is_some_and(NationalId::is_synthetic), "{id:?}");
            assert_eq!(id.and_then(|i| i.birth_date()), Some(date));
        }
    }

    /// Makes a valid synthetic number for a date and individual number, or
    /// None when no check digit exists for it.
    fn synthetic(date: &str, individual: u32) -> Option<String> {
        let mut digits: Vec<u32> = date.chars().filter_map(|c| c.to_digit(10)).collect();
        digits.extend([individual / 100, individual / 10 % 10, individual % 10]);
        let k1 = check_digit(&digits, &WEIGHTS_1)?;
        digits.push(k1);
        let k2 = check_digit(&digits, &WEIGHTS_2)?;
        digits.push(k2);
        Some(digits.iter().map(u32::to_string).collect())
    }

    #[test]
    fn check_digits_are_checked() {
        // Find a valid synthetic number for 15 January 2023 (a child).
        let valid = (500..750)
            .find_map(|i| synthetic("150123", i))
            .unwrap_or_default();
        let id = NationalId::parse(&valid);
        assert!(id.is_ok(), "{valid}");
        assert_eq!(
            id.as_ref().ok().and_then(NationalId::birth_date),
            NaiveDate::from_ymd_opt(2023, 1, 15)
        );
        // Any single changed digit breaks it.
        for pos in 0..11 {
            let mut bytes = valid.clone().into_bytes();
            bytes[pos] = if bytes[pos] == b'9' {
                b'0'
            } else {
                bytes[pos] + 1
            };
            let changed = String::from_utf8(bytes).unwrap_or_default();
            assert!(NationalId::parse(&changed).is_err(), "{changed}");
        }
    }

    #[test]
    fn shape_and_emptiness() {
        assert_eq!(NationalId::parse("").err(), Some(Problem::Required));
        assert_eq!(
            NationalId::parse("1234").err(),
            Some(Problem::InvalidNationalId)
        );
        assert_eq!(
            NationalId::parse("1501231234a").err(),
            Some(Problem::InvalidNationalId)
        );
    }

    #[test]
    fn d_numbers_carry_the_date_plus_forty() {
        let valid = (500..750)
            .find_map(|i| synthetic("550123", i))
            .unwrap_or_default();
        let id = NationalId::parse(&valid);
        assert_eq!(
            id.ok().and_then(|i| i.birth_date()),
            NaiveDate::from_ymd_opt(2023, 1, 15)
        );
    }

    #[test]
    fn the_number_is_masked_in_debug_output() {
        let valid = (500..750)
            .find_map(|i| synthetic("150123", i))
            .unwrap_or_default();
        let Ok(id) = NationalId::parse(&valid) else {
            return;
        };
        let shown = format!("{id:?}");
        assert!(!shown.contains(&valid[6..]), "{shown}");
        assert_eq!(id.masked(), "150123 *****");
    }

    proptest! {
        #[test]
        fn every_synthetic_number_parses_back_to_its_date(day in 1u32..=28, month in 1u32..=12, yy in 0u32..=39, individual in 500u32..=999) {
            let date = format!("{day:02}{month:02}{yy:02}");
            if let Some(number) = synthetic(&date, individual) {
                let id = NationalId::parse(&number);
                prop_assert!(id.is_ok(), "{}", number);
                prop_assert_eq!(id.ok().and_then(|i| i.birth_date()), NaiveDate::from_ymd_opt(2000 + i32::try_from(yy).unwrap_or(0), month, day));
            }
        }
    }
}
