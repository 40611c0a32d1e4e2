//! The password policy (OWASP ASVS 2.1): at least 12 characters, at most 128,
//! any characters allowed, and not easy to guess as judged by zxcvbn, which
//! knows common passwords, names, keyboard patterns and dates.

use crate::validation::Problem;

pub const MIN_CHARS: usize = 12;
pub const MAX_CHARS: usize = 128;
/// zxcvbn scores 0–4; 3 means «safely unguessable» against online attacks
/// with throttling and offline attacks against a slow hash.
const MIN_SCORE: u8 = 3;

/// A password that satisfies the policy. Deliberately not `Debug` or `Display`.
pub struct NewPassword(String);

impl NewPassword {
    /// Checks `raw` against the policy. `context` holds words an attacker
    /// would try first: the user name, the person's name, the municipality.
    pub fn parse(raw: &str, context: &[&str]) -> Result<Self, Problem> {
        let chars = raw.chars().count();
        if chars == 0 {
            return Err(Problem::Required);
        }
        if chars < MIN_CHARS {
            return Err(Problem::TooShort { min: MIN_CHARS });
        }
        if chars > MAX_CHARS {
            return Err(Problem::TooLong { max: MAX_CHARS });
        }
        let words = guessable_words(context);
        let words: Vec<&str> = words.iter().map(String::as_str).collect();
        let score = u8::from(zxcvbn::zxcvbn(raw, &words).score());
        if score < MIN_SCORE {
            return Err(Problem::WeakPassword);
        }
        Ok(Self(raw.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

/// The context words, their parts («kari.nordmann» → «kari», «nordmann») and
/// the parts run together («karinordmann»), since people build passwords so.
fn guessable_words(context: &[&str]) -> Vec<String> {
    let mut words = vec!["laget".to_owned(), "kommune".to_owned()];
    for text in context {
        let lower = text.to_lowercase();
        let parts: Vec<&str> = lower
            .split(|c: char| !c.is_alphanumeric())
            .filter(|p| !p.is_empty())
            .collect();
        words.extend(parts.iter().map(|p| (*p).to_owned()));
        words.push(parts.concat());
        words.push(lower.clone());
    }
    words.retain(|w| !w.is_empty());
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(raw: &str) -> Result<(), Problem> {
        NewPassword::parse(raw, &["kari.nordmann", "Kari Nordmann"]).map(|_| ())
    }

    #[test]
    fn short_passwords_are_refused() {
        assert_eq!(check("kort"), Err(Problem::TooShort { min: 12 }));
        assert_eq!(check(""), Err(Problem::Required));
    }

    #[test]
    fn common_and_personal_passwords_are_refused() {
        assert_eq!(check("passwordpassword"), Err(Problem::WeakPassword));
        assert_eq!(check("123456789012"), Err(Problem::WeakPassword));
        assert_eq!(check("karinordmann1"), Err(Problem::WeakPassword));
        assert_eq!(check("qwertyuiopasdf"), Err(Problem::WeakPassword));
    }

    #[test]
    fn long_unusual_passwords_are_accepted() {
        assert!(check("Fjordhest-Syltetøy-Blåbær-71").is_ok());
        assert!(check("korrekt hest batteri stift").is_ok());
    }

    #[test]
    fn limits_count_characters() {
        let long = "æ".repeat(MAX_CHARS + 1);
        assert_eq!(check(&long), Err(Problem::TooLong { max: MAX_CHARS }));
    }
}
