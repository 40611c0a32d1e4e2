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
        // The wrong length or a letter says so, not «check the digits».
        if compact.len() != 11 || !compact.bytes().all(|b| b.is_ascii_digit()) {
            return Err(Problem::NationalIdLength);
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

    /// Makes a synthetic number for a date and individual number with the
    /// code under test, or None when no check digit exists for it. It shows
    /// only that parsing agrees with making; [`BY_HAND`] shows both are right.
    fn synthetic(date: &str, individual: u32) -> Option<String> {
        let mut digits: Vec<u32> = date.chars().filter_map(|c| c.to_digit(10)).collect();
        digits.extend([individual / 100, individual / 10 % 10, individual % 10]);
        let k1 = check_digit(&digits, &WEIGHTS_1)?;
        digits.push(k1);
        let k2 = check_digit(&digits, &WEIGHTS_2)?;
        digits.push(k2);
        Some(digits.iter().map(u32::to_string).collect())
    }

    /// Valid numbers whose check digits were worked out by hand from the
    /// Population Register's rule, not with the code under test:
    /// k1 = 11 − (3·d1 + 7·d2 + 6·m1 + 1·m2 + 8·y1 + 9·y2 + 4·i1 + 5·i2 + 2·i3) mod 11,
    /// k2 = 11 − (5·d1 + 4·d2 + 3·m1 + 2·m2 + 7·y1 + 6·y2 + 5·i1 + 4·i2 + 3·i3 + 2·k1) mod 11,
    /// where 11 becomes 0 and 10 means no valid number. All are synthetic
    /// (month + 80) and, between them, have a digit other than 0 in every
    /// weighted place, so a wrong weight anywhere fails one of them.
    const BY_HAND: [(&str, (i32, u32, u32)); 5] = [
        // 15.01.2023, individual 512.
        // 1·3+5·7+8·6+1·1+2·8+3·9+5·4+1·5+2·2 = 159; 159 mod 11 = 5 → k1 = 6
        // 1·5+5·4+8·3+1·2+2·7+3·6+5·5+1·4+2·3+6·2 = 130; 130 mod 11 = 9 → k2 = 2
        ("15812351262", (2023, 1, 15)),
        // The same date as a D-number (day + 40), individual 512.
        // 5·3+5·7+8·6+1·1+2·8+3·9+5·4+1·5+2·2 = 171; 171 mod 11 = 6 → k1 = 5
        // 5·5+5·4+8·3+1·2+2·7+3·6+5·5+1·4+2·3+5·2 = 148; 148 mod 11 = 5 → k2 = 6
        ("55812351256", (2023, 1, 15)),
        // 31.12.1971, individual 123 (000–499: the 1900s).
        // 3·3+1·7+9·6+2·1+7·8+1·9+1·4+2·5+3·2 = 157; 157 mod 11 = 3 → k1 = 8
        // 3·5+1·4+9·3+2·2+7·7+1·6+1·5+2·4+3·3+8·2 = 143; 143 mod 11 = 0 → k2 = 11 → 0
        ("31927112380", (1971, 12, 31)),
        // 29.02.2012 (a leap day), individual 987 (900–999 with year ≤ 39: the 2000s).
        // 2·3+9·7+8·6+2·1+1·8+2·9+9·4+8·5+7·2 = 235; 235 mod 11 = 4 → k1 = 7
        // 2·5+9·4+8·3+2·2+1·7+2·6+9·5+8·4+7·3+7·2 = 205; 205 mod 11 = 7 → k2 = 4
        ("29821298774", (2012, 2, 29)),
        // 02.04.2009, individual 760.
        // 0·3+2·7+8·6+4·1+0·8+9·9+7·4+6·5+0·2 = 205; 205 mod 11 = 7 → k1 = 4
        // 0·5+2·4+8·3+4·2+0·7+9·6+7·5+6·4+0·3+4·2 = 161; 161 mod 11 = 7 → k2 = 4
        ("02840976044", (2009, 4, 2)),
    ];

    #[test]
    fn numbers_checked_by_hand_parse_to_their_birth_dates() {
        for (number, (y, m, d)) in BY_HAND {
            let id = NationalId::parse(number);
            assert!(id.is_ok(), "{number} was worked out by hand as valid");
            let id = id.ok();
            assert_eq!(
                id.as_ref().and_then(NationalId::birth_date),
                NaiveDate::from_ymd_opt(y, m, d),
                "{number}"
            );
            assert!(id.is_some_and(|i| i.is_synthetic()), "{number}");
        }
        // With a space after the date, as people write it.
        assert!(NationalId::parse("158123 51262").is_ok());
        // The generator of test numbers makes the same number: individual
        // 500 + seed 12 is the first with check digits.
        let made =
            NationalId::synthetic(NaiveDate::from_ymd_opt(2023, 1, 15).unwrap_or_default(), 12);
        assert_eq!(made.as_ref().map(NationalId::expose), Some("15812351262"));
    }

    #[test]
    fn numbers_known_to_be_invalid_are_refused() {
        for number in [
            // The first valid number with each check digit one off.
            "15812351272",
            "15812351252",
            "15812351263",
            "15812351261",
            // 1·3+5·7+8·6+1·1+2·8+3·9+5·4+0·5+8·2 = 166; 166 mod 11 = 1 → k1
            // would be 10: no number with this start is valid, whatever follows.
            "15812350800",
            "15812350801",
            "15812350899",
            // k1 = 5 is right here, but the second sum is 133; 133 mod 11 = 1
            // → k2 would be 10.
            "15812350550",
            "15812350559",
            // The check digits of the 15.01.2023 number with another date:
            // the date is covered by the check digits.
            "16812351262",
            // Right check digits, impossible dates: 31 February 2023 (sums
            // 138 and 124 → k1 = 5, k2 = 8) and month 13 + 80 (sums 167 and
            // 143 → k1 = 9, k2 = 0).
            "31822351258",
            "15932351290",
        ] {
            assert_eq!(
                NationalId::parse(number).err(),
                Some(Problem::InvalidNationalId),
                "{number}"
            );
        }
        // Any single changed digit of a valid number breaks it.
        for (valid, _) in BY_HAND {
            for pos in 0..11 {
                let mut bytes = valid.as_bytes().to_vec();
                bytes[pos] = if bytes[pos] == b'9' {
                    b'0'
                } else {
                    bytes[pos] + 1
                };
                let changed = String::from_utf8(bytes).unwrap_or_default();
                assert!(NationalId::parse(&changed).is_err(), "{changed}");
            }
        }
    }

    #[test]
    fn shape_and_emptiness() {
        assert_eq!(NationalId::parse("").err(), Some(Problem::Required));
        // Stranger 12, #9: ten digits, twelve, letters are a matter of
        // shape («11 sifre»), not of check digits.
        for shape in ["1234", "1483880412", "158123512621", "1501231234a", "abc"] {
            assert_eq!(
                NationalId::parse(shape).err(),
                Some(Problem::NationalIdLength),
                "{shape}"
            );
        }
        // Eleven digits with wrong check digits are not.
        assert_eq!(
            NationalId::parse("12345678901").err(),
            Some(Problem::InvalidNationalId)
        );
    }

    #[test]
    fn d_numbers_carry_the_date_plus_forty() {
        let id = NationalId::parse("55812351256");
        assert_eq!(
            id.ok().and_then(|i| i.birth_date()),
            NaiveDate::from_ymd_opt(2023, 1, 15)
        );
    }

    #[test]
    fn the_number_is_masked_in_debug_output() -> Result<(), Problem> {
        let valid = "15812351262";
        let id = NationalId::parse(valid)?;
        let shown = format!("{id:?}");
        assert!(!shown.contains(&valid[6..]), "{shown}");
        assert!(shown.contains("158123 *****"), "{shown}");
        assert_eq!(id.masked(), "158123 *****");
        Ok(())
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
