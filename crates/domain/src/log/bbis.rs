//! «Barnets behov i sentrum» (BBIS, Bufdir): the assessment triangle. The
//! sides and themes are data (a municipality's administrator may change the
//! list); these are the defaults every new municipality gets, in its written
//! standard. An assessment is a dated snapshot that stores the theme names it
//! used, so an old snapshot still reads right after the list changes.

use crate::admin::municipality::WrittenStandard;
use crate::validation::{Problem, Problems, optional_text, parse_date};
use chrono::NaiveDate;

/// One side of the triangle, with its themes (code, name).
pub struct Side {
    pub code: &'static str,
    pub name: &'static str,
    pub themes: &'static [(&'static str, &'static str)],
}

/// The default sides in bokmål.
const SIDES_NB: [Side; 3] = [
    Side {
        code: "utvikling",
        name: "Barnets utvikling",
        themes: &[
            ("barnehage_skole", "Barnehage og skole"),
            ("folelser_uttrykk", "Følelser og uttrykk"),
            ("helse", "Helse"),
            ("identitet", "Identitet"),
            ("sosial_fungering", "Sosial fungering"),
            ("selvstendighet", "Selvstendighet"),
        ],
    },
    Side {
        code: "omsorg",
        name: "Foreldrenes omsorg",
        themes: &[
            ("grunnleggende_omsorg", "Grunnleggende omsorg"),
            ("stimulering_veiledning", "Stimulering og veiledning"),
            ("sikkerhet", "Sikkerhet og beskyttelse"),
            ("folelsesmessig", "Følelsesmessig tilgjengelighet"),
            ("stabilitet", "Stabilitet"),
        ],
    },
    Side {
        code: "miljo",
        name: "Familie og miljø",
        themes: &[
            ("familieforhold", "Familieforhold"),
            ("bolig_okonomi_arbeid", "Bolig, økonomi og arbeid"),
            ("nettverk", "Nettverk og sosial integrering"),
        ],
    },
];

/// The same sides in nynorsk: the same codes in the same order, so nothing
/// keyed on a code (forms, demo data, snapshots) depends on the standard.
const SIDES_NN: [Side; 3] = [
    Side {
        code: "utvikling",
        name: "Utviklinga til barnet",
        themes: &[
            ("barnehage_skole", "Barnehage og skule"),
            ("folelser_uttrykk", "Kjensler og uttrykk"),
            ("helse", "Helse"),
            ("identitet", "Identitet"),
            ("sosial_fungering", "Sosial fungering"),
            ("selvstendighet", "Sjølvstende"),
        ],
    },
    Side {
        code: "omsorg",
        name: "Omsorga frå foreldra",
        themes: &[
            ("grunnleggende_omsorg", "Grunnleggjande omsorg"),
            ("stimulering_veiledning", "Stimulering og rettleiing"),
            ("sikkerhet", "Tryggleik og vern"),
            ("folelsesmessig", "Kjenslemessig tilgjenge"),
            ("stabilitet", "Stabilitet"),
        ],
    },
    Side {
        code: "miljo",
        name: "Familie og miljø",
        themes: &[
            ("familieforhold", "Familietilhøve"),
            ("bolig_okonomi_arbeid", "Bustad, økonomi og arbeid"),
            ("nettverk", "Nettverk og sosial integrering"),
        ],
    },
];

/// The default sides in the municipality's written standard.
pub fn default_sides(standard: WrittenStandard) -> &'static [Side; 3] {
    match standard {
        WrittenStandard::Bokmal => &SIDES_NB,
        WrittenStandard::Nynorsk => &SIDES_NN,
    }
}

/// A theme as a municipality's list holds it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Theme {
    pub side: String,
    pub side_name: String,
    pub code: String,
    pub name: String,
}

/// The default list in the municipality's written standard, flattened.
pub fn default_themes(standard: WrittenStandard) -> Vec<Theme> {
    default_sides(standard)
        .iter()
        .flat_map(|s| {
            s.themes.iter().map(|(code, name)| Theme {
                side: s.code.into(),
                side_name: s.name.into(),
                code: (*code).into(),
                name: (*name).into(),
            })
        })
        .collect()
}

/// Reads an edited theme list: one theme per line, «Side: Tema». Codes are
/// kept for themes whose name is unchanged (so old snapshots still match) and
/// made from the name for new ones. Every line's problem is reported by its
/// line number.
pub fn parse_theme_list(
    text: &str,
    current: &[Theme],
) -> Result<Vec<Theme>, Vec<(usize, Problem)>> {
    let mut themes: Vec<Theme> = Vec::new();
    let mut problems = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let Some((side, name)) = line.split_once(':') else {
            problems.push((i + 1, Problem::UnknownChoice));
            continue;
        };
        let (side, name) = (side.trim(), name.trim());
        if side.is_empty()
            || name.is_empty()
            || name.chars().count() > 100
            || side.chars().count() > 100
        {
            problems.push((i + 1, Problem::Required));
            continue;
        }
        let code = current
            .iter()
            .find(|t| t.name == name)
            .map(|t| t.code.clone())
            .unwrap_or_else(|| slug(name));
        if themes.iter().any(|t| t.code == code) {
            problems.push((i + 1, Problem::Taken));
            continue;
        }
        let side_code = themes
            .iter()
            .find(|t| t.side_name == side)
            .map(|t| t.side.clone())
            .or_else(|| {
                current
                    .iter()
                    .find(|t| t.side_name == side)
                    .map(|t| t.side.clone())
            })
            .unwrap_or_else(|| slug(side));
        themes.push(Theme {
            side: side_code,
            side_name: side.to_owned(),
            code,
            name: name.to_owned(),
        });
    }
    if themes.is_empty() && problems.is_empty() {
        problems.push((0, Problem::Required));
    }
    if problems.is_empty() {
        Ok(themes)
    } else {
        Err(problems)
    }
}

/// The list as the editor shows it.
pub fn theme_list_text(themes: &[Theme]) -> String {
    themes
        .iter()
        .map(|t| format!("{}: {}", t.side_name, t.name))
        .collect::<Vec<_>>()
        .join("\n")
}

fn slug(text: &str) -> String {
    let mut out = String::new();
    for c in text.to_lowercase().chars() {
        match c {
            'a'..='z' | '0'..='9' => out.push(c),
            'æ' => out.push_str("ae"),
            'ø' => out.push('o'),
            'å' => out.push('a'),
            _ if !out.ends_with('_') && !out.is_empty() => out.push('_'),
            _ => {}
        }
    }
    out.trim_end_matches('_').to_owned()
}

/// What was written for one theme.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Assessment {
    Text(String),
    /// «Ikke aktuelt»: the theme does not concern this child; no text needed.
    NotRelevant,
}

/// A dated BBIS assessment.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Snapshot {
    pub on: NaiveDate,
    pub items: Vec<(Theme, Assessment)>,
}

/// What is wrong with a BBIS form: the date, and themes by code.
#[derive(Debug, Default)]
pub struct SnapshotProblems {
    pub date: Problems,
    pub themes: Vec<(String, Problem)>,
}

impl Snapshot {
    /// `text(code)` and `not_relevant(code)` read the form. Every theme needs
    /// text or «ikke aktuelt».
    pub fn parse(
        on: &str,
        themes: &[Theme],
        text: impl Fn(&str) -> String,
        not_relevant: impl Fn(&str) -> bool,
        today: NaiveDate,
    ) -> Result<Self, SnapshotProblems> {
        let mut p = SnapshotProblems::default();
        let on = match parse_date(on) {
            Ok(Some(d)) if d <= today => Some(d),
            Ok(Some(_)) => {
                p.date.push("dato", Problem::DateInFuture);
                None
            }
            Ok(None) => {
                p.date.push("dato", Problem::Required);
                None
            }
            Err(e) => {
                p.date.push("dato", e);
                None
            }
        };
        let mut items = Vec::new();
        for theme in themes {
            if not_relevant(&theme.code) {
                items.push((theme.clone(), Assessment::NotRelevant));
                continue;
            }
            match optional_text(&text(&theme.code), 8000) {
                Ok(Some(t)) => items.push((theme.clone(), Assessment::Text(t))),
                Ok(None) => p
                    .themes
                    .push((theme.code.clone(), Problem::TextOrNotRelevant)),
                Err(e) => p.themes.push((theme.code.clone(), e)),
            }
        }
        match on {
            Some(on) if p.date.is_empty() && p.themes.is_empty() => Ok(Self { on, items }),
            _ => Err(p),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_hold_the_named_themes() {
        let all = default_themes(WrittenStandard::Bokmal);
        for name in [
            "Barnehage og skole",
            "Grunnleggende omsorg",
            "Bolig, økonomi og arbeid",
        ] {
            assert!(all.iter().any(|t| t.name == name), "{name}");
        }
        let mut codes: Vec<_> = all.iter().map(|t| &t.code).collect();
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), all.len(), "theme codes are unique");
    }

    /// A nynorsk municipality starts with the same themes under the same
    /// codes, in the same order, named in nynorsk.
    #[test]
    fn both_standards_have_the_same_codes_in_their_own_words() {
        let nb = default_themes(WrittenStandard::Bokmal);
        let nn = default_themes(WrittenStandard::Nynorsk);
        let keys = |l: &[Theme]| -> Vec<(String, String)> {
            l.iter().map(|t| (t.side.clone(), t.code.clone())).collect()
        };
        assert_eq!(keys(&nb), keys(&nn));
        let names = |l: &[Theme], side: &str, code: &str| -> (String, String) {
            l.iter()
                .find(|t| t.side == side && t.code == code)
                .map(|t| (t.side_name.clone(), t.name.clone()))
                .unwrap_or_default()
        };
        assert_eq!(
            names(&nn, "utvikling", "folelser_uttrykk"),
            ("Utviklinga til barnet".into(), "Kjensler og uttrykk".into())
        );
        assert_eq!(
            names(&nn, "omsorg", "grunnleggende_omsorg"),
            (
                "Omsorga frå foreldra".into(),
                "Grunnleggjande omsorg".into()
            )
        );
        assert_eq!(names(&nn, "utvikling", "selvstendighet").1, "Sjølvstende");
        assert_eq!(
            names(&nb, "utvikling", "folelser_uttrykk"),
            ("Barnets utvikling".into(), "Følelser og uttrykk".into())
        );
        // Most names differ; those that are the same word in both
        // standards are named here, so a bokmål name left in the nynorsk
        // list fails.
        let same = [
            "Familie og miljø",
            "Helse",
            "Identitet",
            "Sosial fungering",
            "Stabilitet",
            "Nettverk og sosial integrering",
        ];
        for (b, n) in nb.iter().zip(&nn) {
            for (b, n) in [(&b.name, &n.name), (&b.side_name, &n.side_name)] {
                assert_eq!(b == n, same.contains(&b.as_str()), "«{b}» / «{n}»");
            }
        }
        // An edited nynorsk list keeps the codes of its unchanged names.
        assert_eq!(parse_theme_list(&theme_list_text(&nn), &nn), Ok(nn.clone()));
    }

    #[test]
    fn theme_lists_round_trip_and_keep_codes() {
        let current = default_themes(WrittenStandard::Bokmal);
        let text = theme_list_text(&current);
        assert_eq!(parse_theme_list(&text, &current), Ok(current.clone()));
        let edited = format!("{text}\nFamilie og miljø: Fritid og venner");
        let parsed = parse_theme_list(&edited, &current).unwrap_or_default();
        assert_eq!(parsed.len(), current.len() + 1);
        assert_eq!(
            parsed.last().map(|t| t.code.as_str()),
            Some("fritid_og_venner")
        );
        assert_eq!(parsed.last().map(|t| t.side.as_str()), Some("miljo"));
        assert_eq!(
            parse_theme_list("Bare tekst\nA: B\nA: B", &current),
            Err(vec![(1, Problem::UnknownChoice), (3, Problem::Taken)])
        );
        assert!(parse_theme_list("  \n", &current).is_err());
    }

    #[test]
    fn every_theme_needs_text_or_not_relevant() {
        let themes = default_themes(WrittenStandard::Bokmal);
        let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap_or_default();
        let ok = Snapshot::parse(
            "20.11.2026",
            &themes,
            |c| {
                if c == "helse" {
                    "God".into()
                } else {
                    String::new()
                }
            },
            |c| c != "helse",
            today,
        );
        assert!(ok.is_ok_and(|s| s.items.len() == themes.len()));
        let e = Snapshot::parse(
            "20.11.2026",
            &themes,
            |_| String::new(),
            |c| c != "helse",
            today,
        );
        let themes: Vec<_> = e.err().map(|p| p.themes).unwrap_or_default();
        assert_eq!(
            themes,
            vec![("helse".to_owned(), Problem::TextOrNotRelevant)]
        );
    }
}
