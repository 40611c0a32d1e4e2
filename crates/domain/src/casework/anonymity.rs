//! What in an anonymous consultation's text looks like it identifies the
//! child. An anonymous consultation (anonym drøfting) is the way to get
//! advice before consent exists, so it must not say who the child is; these
//! pure functions find the three things that most often do, and the form
//! warns about them before it saves (the writer may save anyway after
//! checking).
//!
//! The rules, kept simple on purpose:
//! - **National identity number**: 11 digits in a row, or in groups
//!   separated by single spaces («010120 12345»).
//! - **Phone number**: 8 digits in the same way, the first 2–9 (Norwegian
//!   numbers do not start with 0 or 1), optionally after «+47»
//!   («+47 912 34 567», «91234567», «22 33 44 55»).
//! - **Full name**: two or more capitalised words in a row (a capital letter
//!   followed by at least one small letter, hyphens allowed: «Anne-Lise»),
//!   not across punctuation («Emma, Hansen» is not a name). A sentence's
//!   first word is capitalised anyway: it counts only when the next word is
//!   capitalised too and nothing more follows («Emma Hansen kom …» is a
//!   name; in «Drøftet Ola Hansen …» the name is «Ola Hansen»).
//!
//! Limits (what it does not catch, and what it flags wrongly): a first name
//! alone, a name written in small letters, a birth date, an address, a rare
//! diagnosis or a family story that identifies the child; numbers written
//! with dots or dashes, or with «0047». It flags place names and proper
//! nouns of two capitalised words («Nye Solsiden»), bank account numbers
//! (11 digits) and any other 8-digit number that starts with 2–9. A warning
//! is therefore a question to the writer, never a refusal.

/// What a piece of text looks like.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Identifying {
    NationalId,
    PhoneNumber,
    FullName,
}

/// One thing found, with the text as written (for the warning to quote).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    pub kind: Identifying,
    pub text: String,
}

/// Everything in `text` that looks identifying, numbers first, each distinct
/// finding once, in the order found.
pub fn findings(text: &str) -> Vec<Finding> {
    let mut out = numbers(text);
    out.extend(full_names(text));
    let mut seen: Vec<Finding> = Vec::with_capacity(out.len());
    for f in out {
        if !seen.contains(&f) {
            seen.push(f);
        }
    }
    seen
}

fn is_gap(c: char) -> bool {
    c == ' ' || c == '\u{a0}'
}

/// Runs of digits, possibly in groups separated by single spaces.
fn numbers(text: &str) -> Vec<Finding> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].1.is_ascii_digit() || (i > 0 && chars[i - 1].1.is_ascii_digit()) {
            i += 1;
            continue;
        }
        let start = i;
        let mut end = i; // index of the last digit in the run
        let mut digits = String::new();
        let mut j = i;
        while j < chars.len() {
            let c = chars[j].1;
            if c.is_ascii_digit() {
                digits.push(c);
                end = j;
                j += 1;
            } else if is_gap(c) && chars.get(j + 1).is_some_and(|(_, n)| n.is_ascii_digit()) {
                j += 1;
            } else {
                break;
            }
        }
        i = end + 1;
        // A run glued to letters («A12345678») is a code, not a number.
        let letter_after = chars.get(end + 1).is_some_and(|(_, c)| c.is_alphabetic());
        let letter_before = start > 0 && chars[start - 1].1.is_alphabetic();
        if letter_after || letter_before {
            continue;
        }
        let plus = start > 0 && chars[start - 1].1 == '+';
        let from = if plus { start - 1 } else { start };
        let byte_end = chars[end].0 + chars[end].1.len_utf8();
        let written = text[chars[from].0..byte_end].to_owned();
        let kind = if plus {
            digits
                .strip_prefix("47")
                .filter(|rest| is_phone(rest))
                .map(|_| Identifying::PhoneNumber)
        } else if digits.len() == 11 {
            Some(Identifying::NationalId)
        } else if is_phone(&digits) {
            Some(Identifying::PhoneNumber)
        } else {
            None
        };
        if let Some(kind) = kind {
            out.push(Finding {
                kind,
                text: written,
            });
        }
    }
    out
}

fn is_phone(digits: &str) -> bool {
    digits.len() == 8 && digits.starts_with(['2', '3', '4', '5', '6', '7', '8', '9'])
}

/// A capital letter followed by at least one small letter; letters, hyphens
/// and apostrophes only.
fn is_capitalised(word: &str) -> bool {
    let mut chars = word.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    let rest: Vec<char> = chars.collect();
    first.is_uppercase()
        && rest.iter().any(|c| c.is_lowercase())
        && rest
            .iter()
            .all(|c| c.is_alphabetic() || *c == '-' || *c == '\'' || *c == '’')
}

fn full_names(text: &str) -> Vec<Finding> {
    let mut out = Vec::new();
    // The words of a run, and whether the first one started a sentence.
    let mut run: Vec<&str> = Vec::new();
    let mut from_start = false;
    let close = |run: &mut Vec<&str>, from_start: bool, out: &mut Vec<Finding>| {
        if run.len() >= 2 {
            // «Drøftet Ola Hansen»: the sentence's first word is not part
            // of the name when two capitalised words follow it.
            let words = if from_start && run.len() >= 3 {
                &run[1..]
            } else {
                &run[..]
            };
            out.push(Finding {
                kind: Identifying::FullName,
                text: words.join(" "),
            });
        }
        run.clear();
    };
    for line in text.lines() {
        close(&mut run, from_start, &mut out);
        let mut sentence_start = true;
        for token in line.split_whitespace() {
            let core = token.trim_matches(|c: char| !c.is_alphanumeric());
            let before = &token[..token.find(core).unwrap_or(0)];
            let after = token
                .get(token.find(core).unwrap_or(0) + core.len()..)
                .unwrap_or("");
            if core.is_empty() {
                // A dash or a bullet: breaks a name, not a sentence.
                close(&mut run, from_start, &mut out);
                continue;
            }
            if !before.is_empty() {
                close(&mut run, from_start, &mut out);
            }
            if is_capitalised(core) {
                if run.is_empty() {
                    from_start = sentence_start;
                }
                run.push(core);
            } else {
                close(&mut run, from_start, &mut out);
            }
            sentence_start = after.contains(['.', '!', '?']);
            if !after.is_empty() {
                close(&mut run, from_start, &mut out);
            }
        }
    }
    close(&mut run, from_start, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn kinds(text: &str) -> Vec<(Identifying, String)> {
        findings(text)
            .into_iter()
            .map(|f| (f.kind, f.text))
            .collect()
    }

    #[test]
    fn eleven_digits_look_like_a_national_identity_number() {
        use Identifying::NationalId;
        assert_eq!(
            kinds("fnr 01012012345."),
            [(NationalId, "01012012345".into())]
        );
        assert_eq!(kinds("010120 12345"), [(NationalId, "010120 12345".into())]);
        assert_eq!(
            kinds("010 120 123 45"),
            [(NationalId, "010 120 123 45".into())]
        );
        // Ten or twelve digits, or two spaces between groups, are not.
        assert!(kinds("0101201234").is_empty());
        assert!(kinds("010120123456").is_empty());
        assert!(kinds("010120  12345").is_empty());
    }

    #[test]
    fn eight_digits_look_like_a_phone_number() {
        use Identifying::PhoneNumber;
        assert_eq!(kinds("ring 91234567"), [(PhoneNumber, "91234567".into())]);
        assert_eq!(
            kinds("tlf. 912 34 567"),
            [(PhoneNumber, "912 34 567".into())]
        );
        assert_eq!(kinds("22 33 44 55"), [(PhoneNumber, "22 33 44 55".into())]);
        assert_eq!(
            kinds("+47 912 34 567"),
            [(PhoneNumber, "+47 912 34 567".into())]
        );
        assert_eq!(
            kinds("(+4791234567)"),
            [(PhoneNumber, "+4791234567".into())]
        );
        // Starting with 0 or 1, or glued to letters, it is not a phone number.
        assert!(kinds("01 02 2020").is_empty());
        assert!(kinds("sak A12345678").is_empty());
        assert!(kinds("+46 912 34 567").is_empty());
        // Years, ages and counts are not.
        assert!(kinds("I 2025 var hun 4 år og hadde 3 søsken.").is_empty());
        assert!(kinds("Datoer: 01.02.2020 og 1-5 år").is_empty());
    }

    #[test]
    fn capitalised_words_in_a_row_look_like_a_full_name() {
        use Identifying::FullName;
        assert_eq!(
            kinds("Vi drøftet Emma Hansen i dag."),
            [(FullName, "Emma Hansen".into())]
        );
        assert_eq!(
            kinds("Mor heter Anne-Lise Berg."),
            [(FullName, "Anne-Lise Berg".into())]
        );
        assert_eq!(
            kinds("Drøftet Ola Nordmann Hansen."),
            [(FullName, "Ola Nordmann Hansen".into())]
        );
        // The first word of a sentence or a line is capitalised anyway.
        assert!(kinds("Barnet er stille. Hun leker alene.").is_empty());
        assert!(kinds("Drøftet med PPT.\nVidere oppfølging i barnehagen.").is_empty());
        assert_eq!(
            kinds("Emma Hansen Berg kom."),
            [(FullName, "Hansen Berg".into())]
        );
        // Not across punctuation, not acronyms, not a single name.
        assert!(kinds("Vi snakket med Emma, Hansen var borte.").is_empty());
        assert!(kinds("Henvist til PPT BUP i høst.").is_empty());
        assert!(kinds("Vi drøftet Emma i dag.").is_empty());
        assert!(kinds("Drøftet med «Kari» Hansen.").is_empty());
    }

    #[test]
    fn a_name_at_the_start_of_a_sentence_is_found() {
        use Identifying::FullName;
        assert_eq!(
            kinds("Emma Hansen er stille."),
            [(FullName, "Emma Hansen".into())]
        );
        assert_eq!(
            kinds("Tiril Solheim (Lia barnehage, avdeling Blåbær) strever med språket."),
            [(FullName, "Tiril Solheim".into())]
        );
        assert_eq!(
            kinds("Barnet er stille. Kari Berg kom i dag."),
            [(FullName, "Kari Berg".into())]
        );
    }

    #[test]
    fn the_limits_are_as_documented() {
        // A first name alone is missed.
        assert!(kinds("Emma er stille.").is_empty());
        // Two capitalised words that are not a name are flagged.
        assert_eq!(kinds("Hun går i Nye Solsiden.").len(), 1);
    }

    #[test]
    fn everything_found_once_numbers_first() {
        let f = kinds("Kari Berg og Kari Berg, tlf 91234567 og 91234567.");
        assert_eq!(
            f,
            [
                (Identifying::PhoneNumber, "91234567".into()),
                (Identifying::FullName, "Kari Berg".into()),
            ]
        );
    }

    proptest! {
        /// Any text is read without panicking; text without digits and
        /// capital letters never warns.
        #[test]
        fn any_text_is_read(s in "\\PC{0,200}") {
            let f = findings(&s);
            if !s.chars().any(|c| c.is_ascii_digit() || c.is_uppercase()) {
                prop_assert!(f.is_empty());
            }
            for x in f {
                prop_assert!(s.contains(x.text.split(' ').next().unwrap_or("")));
            }
        }
    }
}
