//! An independent checker of the KS Fiks «offentlig bekymringsmelding» v2
//! message, written from the published schema
//! (`ks-no/fiks-io-bekymringsmelding-protokoll`:
//! `schema/domain/v2/offentlig.bekymringsmelding.v2.json`, draft 2019-09,
//! and `schema/domain/adresse.json`), read by hand; nothing of it is copied
//! or vendored, and nothing of Laget's own validation is used. Shared by the
//! web test (`tests/app/fiks_schema.rs`) and the demo test
//! (`crates/cli/tests/demo_reports.rs`, through `#[path]`).
//!
//! What the schema says, rule by rule, is the tree in [`message`]:
//! - required properties at every level (other properties are allowed: the
//!   schema sets no `additionalProperties`);
//! - types: `string`, `boolean`, `object`, `array`;
//! - `offentligBarn`: `minItems` 1; `foresatte`: `minItems` 1, `maxItems` 2;
//! - the patterns, kept here as the schema writes them (ECMA-262, the
//!   dialect of JSON Schema) and translated by [`ecma_to_rust`]: `.` there
//!   matches anything but the line terminators `\n`, `\r`, U+2028 and
//!   U+2029 (the `regex` crate's `.` only excludes `\n`), and `\d` is ASCII
//!   (the `regex` crate's is Unicode). Without flags, `^` and `$` are the
//!   ends of the string in both;
//! - `sendingstidspunkt`: `format: date-time`, RFC 3339 section 5.6 (a
//!   format is only an annotation by default in 2019-09; this checker
//!   asserts it, as receivers parse it): a time offset is required.

#![allow(dead_code)]

use regex::Regex;
use serde_json::Value;

/// One line: the schema's `^(.*)$`.
pub const ONE_LINE: &str = r"^(.*)$";
/// `kommunenummer`.
pub const MUNICIPALITY_NUMBER: &str = r"^\d{4}$";
/// `bydelsnummer`.
pub const DISTRICT_NUMBER: &str = r"^[0-9]{2}$";
/// `offentligMelder.telefonnummer`.
pub const PHONE: &str = r"^[+]?[0-9]+([- ][0-9]+)*$";
/// `offentligMelder.epost`.
pub const EMAIL: &str = r"^[A-Za-zæøåÆØÅ0-9-_]+(\.[A-Za-zæøåÆØÅ0-9-_]+)*@[A-Za-zæøåÆØÅ0-9-]+(\.[A-Za-zæøåÆØÅ0-9-]+)*(\.[A-Za-z]{2,})$";

/// What a value must be.
#[derive(Clone, Debug)]
pub enum Rule {
    /// A string, matching the ECMA pattern if one is given.
    Str(Option<&'static str>),
    /// A string in RFC 3339 `date-time` format.
    DateTime,
    Bool,
    /// An object: (name, required, rule) per property.
    Obj(Vec<(&'static str, bool, Rule)>),
    Arr {
        min: usize,
        max: Option<usize>,
        items: Box<Rule>,
    },
}

fn s() -> Rule {
    Rule::Str(None)
}
fn line() -> Rule {
    Rule::Str(Some(ONE_LINE))
}

/// `adresse.json`.
pub fn address() -> Rule {
    Rule::Obj(vec![
        ("adresselinje1", true, line()),
        ("adresselinje2", false, line()),
        ("adresselinje3", false, line()),
        ("postnummer", false, line()),
        ("poststed", false, line()),
    ])
}

/// `#/definitions/foresatt`.
fn guardian() -> Rule {
    Rule::Obj(vec![
        ("personnavn", true, line()),
        ("telefonnummer", false, line()),
        ("orientert", true, Rule::Bool),
        ("orientertGrunn", false, line()),
    ])
}

/// The whole message (`offentlig.bekymringsmelding.v2.json`).
pub fn message() -> Rule {
    Rule::Obj(vec![
        ("kommunenummer", true, Rule::Str(Some(MUNICIPALITY_NUMBER))),
        ("kommunenavn", true, line()),
        ("bydelsnummer", true, Rule::Str(Some(DISTRICT_NUMBER))),
        ("bydelsnavn", true, line()),
        (
            "offentligMelder",
            true,
            Rule::Obj(vec![
                ("personnavn", true, line()),
                ("rolle", true, line()),
                ("telefonnummer", true, Rule::Str(Some(PHONE))),
                ("epost", true, Rule::Str(Some(EMAIL))),
                (
                    "virksomhet",
                    true,
                    Rule::Obj(vec![
                        ("navn", true, line()),
                        ("orgnr", false, line()),
                        ("adresse", true, address()),
                    ]),
                ),
            ]),
        ),
        (
            "offentligBarn",
            true,
            Rule::Arr {
                min: 1,
                max: None,
                items: Box::new(Rule::Obj(vec![
                    ("fnr", true, s()),
                    ("ufoedt", true, Rule::Bool),
                    ("personnavn", true, line()),
                    ("telefonnummer", false, s()),
                    ("adresse", true, address()),
                    ("orientert", true, Rule::Bool),
                    ("orientertGrunn", false, line()),
                ])),
            },
        ),
        (
            "foresatte",
            true,
            Rule::Arr {
                min: 1,
                max: Some(2),
                items: Box::new(guardian()),
            },
        ),
        ("behovForTolk", false, s()),
        ("andreHjelpeinstanser", false, s()),
        (
            "melding",
            true,
            Rule::Obj(vec![
                ("melding", true, s()),
                ("historie", true, s()),
                ("andreSynspunkter", false, s()),
            ]),
        ),
        ("sendingstidspunkt", true, Rule::DateTime),
        ("leveringskanal", true, s()),
    ])
}

/// The problems of `value` against the message's schema, each as «JSON
/// pointer: what is wrong»; empty when it validates.
pub fn check(value: &Value) -> Vec<String> {
    let mut problems = Vec::new();
    check_rule(&message(), value, "", &mut problems);
    problems
}

/// [`check`] of a message as text.
pub fn check_text(json: &str) -> Vec<String> {
    match serde_json::from_str::<Value>(json) {
        Ok(v) => check(&v),
        Err(e) => vec![format!("not JSON: {e}")],
    }
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

pub fn check_rule(rule: &Rule, value: &Value, at: &str, problems: &mut Vec<String>) {
    match (rule, value) {
        (Rule::Str(pattern), Value::String(text)) => {
            if let Some(p) = pattern
                && !matches_ecma(p, text)
            {
                problems.push(format!("{at}: does not match {p}"));
            }
        }
        (Rule::DateTime, Value::String(text)) => {
            if !is_date_time(text) {
                problems.push(format!("{at}: not an RFC 3339 date-time"));
            }
        }
        (Rule::Bool, Value::Bool(_)) => {}
        (Rule::Obj(properties), Value::Object(map)) => {
            for (name, required, inner) in properties {
                let path = format!("{at}/{name}");
                match map.get(*name) {
                    Some(v) => check_rule(inner, v, &path, problems),
                    None if *required => problems.push(format!("{path}: required")),
                    None => {}
                }
            }
        }
        (Rule::Arr { min, max, items }, Value::Array(list)) => {
            if list.len() < *min {
                problems.push(format!("{at}: fewer than {min} items"));
            }
            if let Some(max) = max
                && list.len() > *max
            {
                problems.push(format!("{at}: more than {max} items"));
            }
            for (i, item) in list.iter().enumerate() {
                check_rule(items, item, &format!("{at}/{i}"), problems);
            }
        }
        (rule, v) => {
            let want = match rule {
                Rule::Str(_) | Rule::DateTime => "string",
                Rule::Bool => "boolean",
                Rule::Obj(_) => "object",
                Rule::Arr { .. } => "array",
            };
            problems.push(format!(
                "{at}: a {} where the schema wants a {want}",
                kind(v)
            ));
        }
    }
}

/// Whether `text` matches the ECMA-262 `pattern` (as JSON Schema reads it).
pub fn matches_ecma(pattern: &str, text: &str) -> bool {
    match ecma_to_rust(pattern).and_then(|p| Regex::new(&p).map_err(|e| e.to_string())) {
        Ok(re) => re.is_match(text),
        // A pattern this checker cannot read matches nothing: the test says
        // so rather than passing.
        Err(_) => false,
    }
}

/// The `regex` crate's spelling of an ECMA-262 pattern, for the constructs
/// the schema uses: `.` outside a class excludes every ECMA line
/// terminator; `\d` is ASCII; a `-` that starts or ends a class, or follows
/// a range, is a literal (as in ECMA) and is escaped. Anything else unusual
/// is refused.
pub fn ecma_to_rust(pattern: &str) -> Result<String, String> {
    let chars: Vec<char> = pattern.chars().collect();
    let mut out = String::new();
    let mut in_class = false;
    // Inside a class: whether the last thing was a single atom that a `-`
    // could make the start of a range.
    let mut atom_before = false;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\\' {
            let next = *chars.get(i + 1).ok_or("a pattern ends in \\")?;
            let piece = match next {
                'd' if in_class => "0-9".to_owned(),
                'd' => "[0-9]".to_owned(),
                '.' | '\\' | '-' | '+' | '*' | '?' | '(' | ')' | '[' | ']' | '{' | '}' | '/'
                | '^' | '$' | '|' => format!("\\{next}"),
                other => return Err(format!("\\{other} is not read by this checker")),
            };
            out.push_str(&piece);
            atom_before = in_class && next != 'd';
            i += 2;
            continue;
        }
        if in_class {
            match c {
                ']' => {
                    in_class = false;
                    out.push(']');
                }
                '-' => {
                    let ends = chars.get(i + 1) == Some(&']');
                    if atom_before && !ends {
                        // A range: the next atom ends it.
                        out.push('-');
                        let end = *chars.get(i + 1).ok_or("a class is not closed")?;
                        out.push(end);
                        i += 1;
                        atom_before = false;
                    } else {
                        out.push_str("\\-");
                        atom_before = true;
                    }
                }
                '[' | '&' | '~' => {
                    // Literal in ECMA, special in the regex crate.
                    out.push('\\');
                    out.push(c);
                    atom_before = true;
                }
                _ => {
                    out.push(c);
                    atom_before = true;
                }
            }
        } else {
            match c {
                '[' => {
                    in_class = true;
                    atom_before = false;
                    out.push('[');
                    if chars.get(i + 1) == Some(&'^') {
                        out.push('^');
                        i += 1;
                    }
                }
                '.' => out.push_str("[^\\n\\r\\u{2028}\\u{2029}]"),
                _ => out.push(c),
            }
        }
        i += 1;
    }
    if in_class {
        return Err("a class is not closed".into());
    }
    Ok(out)
}

/// RFC 3339 section 5.6 `date-time`: `full-date "T" full-time`, with the
/// `T` and `Z` also in lower case (the RFC's note), ASCII digits, real
/// dates (leap years), and a leap second only at 23:59 UTC.
pub fn is_date_time(text: &str) -> bool {
    let b = text.as_bytes();
    let digits = |from: usize, n: usize| -> Option<u32> {
        let part = b.get(from..from + n)?;
        if !part.iter().all(u8::is_ascii_digit) {
            return None;
        }
        std::str::from_utf8(part).ok()?.parse().ok()
    };
    let sep = |at: usize, want: &[u8]| b.get(at).is_some_and(|c| want.contains(c));
    let (Some(year), Some(month), Some(day)) = (digits(0, 4), digits(5, 2), digits(8, 2)) else {
        return false;
    };
    if !(sep(4, b"-") && sep(7, b"-") && sep(10, b"Tt")) {
        return false;
    }
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    if !(1..=days).contains(&day) {
        return false;
    }
    let (Some(hour), Some(minute), Some(second)) = (digits(11, 2), digits(14, 2), digits(17, 2))
    else {
        return false;
    };
    if !(sep(13, b":") && sep(16, b":")) || hour > 23 || minute > 59 || second > 60 {
        return false;
    }
    let mut at = 19;
    if sep(at, b".") {
        let n = b[at + 1..]
            .iter()
            .take_while(|c| c.is_ascii_digit())
            .count();
        if n == 0 {
            return false;
        }
        at += 1 + n;
    }
    // The offset, in minutes east of UTC.
    let offset: i64 = if sep(at, b"Zz") && b.len() == at + 1 {
        0
    } else if sep(at, b"+-") && b.len() == at + 6 && sep(at + 3, b":") {
        let (Some(h), Some(m)) = (digits(at + 1, 2), digits(at + 4, 2)) else {
            return false;
        };
        if h > 23 || m > 59 {
            return false;
        }
        let sign = if b[at] == b'-' { -1 } else { 1 };
        sign * i64::from(h * 60 + m)
    } else {
        return false;
    };
    if second == 60 {
        let utc = (i64::from(hour * 60 + minute) - offset).rem_euclid(24 * 60);
        return utc == 23 * 60 + 59;
    }
    true
}
