//! The report form: the values as typed ([`ReportForm`], stored as JSON in
//! `reports.draft` so a draft comes back exactly as it was left) and their
//! parsing into the KS Fiks message ([`ReportForm::parse`]).
//!
//! Parsing encodes every rule of the published schema
//! (`offentlig.bekymringsmelding.v2.json`, `adresse.json`; see
//! [`super::fiks`]) and a few of Laget's own, each marked below. Every
//! problem is kept, under the name of the form field it belongs to, so the
//! page shows each Norwegian message beside its field.
//!
//! One child per report: the schema allows several (`offentligBarn`, one or
//! more); Laget writes one report per child, as it keeps one log per child.

use super::fiks::{Address, Child, Concern, Guardian, Message, Organisation, Reporter};
use crate::children::national_id::NationalId;
use crate::validation::{FieldError, Problem, Problems};
use serde::{Deserialize, Serialize};

/// How long a one-line field may be (Laget's limit; the schema has none).
pub const LINE_MAX: usize = 200;
/// How long a free text may be (Laget's limit; the schema has none).
pub const TEXT_MAX: usize = 20_000;
/// How many guardian slots the form parses; the schema allows two, so a
/// third filled in is an error, not dropped silently.
pub const GUARDIAN_SLOTS: usize = 3;

/// The form fields of each guardian slot: name, phone, informed, reason.
pub const GUARDIAN_FIELDS: [[&str; 4]; GUARDIAN_SLOTS] = [
    [
        "foresatt1_navn",
        "foresatt1_telefon",
        "foresatt1_orientert",
        "foresatt1_grunn",
    ],
    [
        "foresatt2_navn",
        "foresatt2_telefon",
        "foresatt2_orientert",
        "foresatt2_grunn",
    ],
    [
        "foresatt3_navn",
        "foresatt3_telefon",
        "foresatt3_orientert",
        "foresatt3_grunn",
    ],
];

/// One guardian as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct GuardianForm {
    pub navn: String,
    pub telefon: String,
    /// `ja`, `nei` or empty (not answered).
    pub orientert: String,
    pub grunn: String,
}

impl GuardianForm {
    /// Whether nothing was written in this slot.
    pub fn is_blank(&self) -> bool {
        self.navn.trim().is_empty()
            && self.telefon.trim().is_empty()
            && self.orientert.trim().is_empty()
            && self.grunn.trim().is_empty()
    }
}

/// The report form's values, as typed. Field names (the form's `name`s) are
/// in [`fields`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ReportForm {
    // The child's municipality (from the municipality chosen; not typed).
    pub kommunenummer: String,
    pub kommunenavn: String,
    pub bydelsnummer: String,
    pub bydelsnavn: String,
    // The reporter.
    pub melder_navn: String,
    pub melder_rolle: String,
    pub melder_telefon: String,
    pub melder_epost: String,
    // The reporting unit.
    pub virksomhet_navn: String,
    pub virksomhet_orgnr: String,
    pub virksomhet_adresse: String,
    pub virksomhet_postnummer: String,
    pub virksomhet_poststed: String,
    // The child.
    pub barn_ufoedt: bool,
    pub barn_fnr: String,
    pub barn_navn: String,
    pub barn_telefon: String,
    pub barn_adresse: String,
    pub barn_postnummer: String,
    pub barn_poststed: String,
    pub barn_orientert: String,
    pub barn_grunn: String,
    pub foresatte: Vec<GuardianForm>,
    pub tolk: String,
    pub andre_hjelpeinstanser: String,
    pub melding: String,
    pub historie: String,
    pub andre_synspunkter: String,
    /// «Be leder medsignere» (when the municipality lets the reporter ask).
    pub medsignering: bool,
    /// The leader's note when the report was sent back to its author (not
    /// typed in the form; not part of the message).
    pub returnert_merknad: String,
    /// Why a report the municipality wants co-signed went without it
    /// ([`COSIGN_AUTHOR_LEADS`], [`COSIGN_NO_LEADER`]); empty otherwise. Not
    /// typed, not part of the message.
    pub medsignering_unntak: String,
    /// Guardians with parental responsibility the message cannot carry (it
    /// holds two), by name, from the log when the draft was made. Not
    /// typed, not part of the message.
    pub andre_foresatte: Vec<String>,
}

/// [`ReportForm::medsignering_unntak`]: the author leads the reporting unit.
pub const COSIGN_AUTHOR_LEADS: &str = "leder_selv";
/// [`ReportForm::medsignering_unntak`]: the reporting unit has no leader.
pub const COSIGN_NO_LEADER: &str = "ingen_leder";

/// The form's field names, in the order the page shows them.
pub mod fields {
    pub const KOMMUNENUMMER: &str = "kommunenummer";
    pub const KOMMUNENAVN: &str = "kommunenavn";
    pub const BYDELSNUMMER: &str = "bydelsnummer";
    pub const BYDELSNAVN: &str = "bydelsnavn";
    pub const MELDER_NAVN: &str = "melder_navn";
    pub const MELDER_ROLLE: &str = "melder_rolle";
    pub const MELDER_TELEFON: &str = "melder_telefon";
    pub const MELDER_EPOST: &str = "melder_epost";
    pub const VIRKSOMHET_NAVN: &str = "virksomhet_navn";
    pub const VIRKSOMHET_ORGNR: &str = "virksomhet_orgnr";
    pub const VIRKSOMHET_ADRESSE: &str = "virksomhet_adresse";
    pub const VIRKSOMHET_POSTNUMMER: &str = "virksomhet_postnummer";
    pub const VIRKSOMHET_POSTSTED: &str = "virksomhet_poststed";
    pub const BARN_UFOEDT: &str = "barn_ufoedt";
    pub const BARN_FNR: &str = "barn_fnr";
    pub const BARN_NAVN: &str = "barn_navn";
    pub const BARN_TELEFON: &str = "barn_telefon";
    pub const BARN_ADRESSE: &str = "barn_adresse";
    pub const BARN_POSTNUMMER: &str = "barn_postnummer";
    pub const BARN_POSTSTED: &str = "barn_poststed";
    pub const BARN_ORIENTERT: &str = "barn_orientert";
    pub const BARN_GRUNN: &str = "barn_grunn";
    /// The guardians as a whole (how many).
    pub const FORESATTE: &str = "foresatte";
    pub const TOLK: &str = "tolk";
    pub const ANDRE_HJELPEINSTANSER: &str = "andre_hjelpeinstanser";
    pub const MELDING: &str = "melding";
    pub const HISTORIE: &str = "historie";
    pub const ANDRE_SYNSPUNKTER: &str = "andre_synspunkter";
    pub const MEDSIGNERING: &str = "medsignering";
}

/// What a parsed form gives besides the message: whether the guardians are
/// told by the reporter, and why not.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Parsed {
    /// The message without `sendingstidspunkt` and `leveringskanal` (set
    /// when it is sent).
    pub message: Message,
    /// Every guardian is informed.
    pub guardians_told: bool,
    /// The reasons given for the guardians not informed, joined.
    pub not_told_reason: Option<String>,
    /// The child is informed.
    pub child_told: bool,
}

/// One line (`^(.*)$` in the schema, ECMAScript: `.` matches no line
/// terminator): no `\n`, `\r`, U+2028 or U+2029.
pub fn one_line(raw: &str) -> Result<(), Problem> {
    if raw.contains(['\n', '\r', '\u{2028}', '\u{2029}']) {
        Err(Problem::OneLine)
    } else {
        Ok(())
    }
}

/// A required one-line text, trimmed.
fn line(raw: &str) -> Result<String, Problem> {
    one_line(raw)?;
    let t = raw.trim();
    if t.is_empty() {
        return Err(Problem::Required);
    }
    if t.chars().count() > LINE_MAX {
        return Err(Problem::TooLong { max: LINE_MAX });
    }
    Ok(t.to_owned())
}

/// An optional one-line text, trimmed (`None` when empty).
fn optional_line(raw: &str) -> Result<Option<String>, Problem> {
    match line(raw) {
        Ok(t) => Ok(Some(t)),
        Err(Problem::Required) => Ok(None),
        Err(p) => Err(p),
    }
}

/// A required free text (line breaks allowed; the schema has no pattern).
fn text(raw: &str) -> Result<String, Problem> {
    let t = raw.trim();
    if t.is_empty() {
        return Err(Problem::Required);
    }
    if t.chars().count() > TEXT_MAX {
        return Err(Problem::TooLong { max: TEXT_MAX });
    }
    Ok(t.to_owned())
}

fn optional_text(raw: &str) -> Result<Option<String>, Problem> {
    match text(raw) {
        Ok(t) => Ok(Some(t)),
        Err(Problem::Required) => Ok(None),
        Err(p) => Err(p),
    }
}

/// `kommunenummer`: `^\d{4}$`.
pub fn municipality_number(raw: &str) -> Result<String, Problem> {
    let t = raw.trim();
    if t.is_empty() {
        return Err(Problem::Required);
    }
    if t.len() == 4 && t.bytes().all(|b| b.is_ascii_digit()) {
        Ok(t.to_owned())
    } else {
        Err(Problem::InvalidMunicipalityNumber)
    }
}

/// `bydelsnummer`: `^[0-9]{2}$`.
pub fn district_number(raw: &str) -> Result<String, Problem> {
    let t = raw.trim();
    if t.is_empty() {
        return Err(Problem::Required);
    }
    if t.len() == 2 && t.bytes().all(|b| b.is_ascii_digit()) {
        Ok(t.to_owned())
    } else {
        Err(Problem::InvalidDistrictNumber)
    }
}

/// The reporter's phone: `^[+]?[0-9]+([- ][0-9]+)*$` — an optional leading
/// `+`, then groups of digits separated by one space or one dash.
pub fn reporter_phone(raw: &str) -> Result<String, Problem> {
    let t = raw.trim();
    if t.is_empty() {
        return Err(Problem::Required);
    }
    let rest = t.strip_prefix('+').unwrap_or(t);
    let ok = !rest.is_empty()
        && rest
            .split([' ', '-'])
            .all(|g| !g.is_empty() && g.bytes().all(|b| b.is_ascii_digit()));
    if ok {
        Ok(t.to_owned())
    } else {
        Err(Problem::InvalidPhone)
    }
}

/// The reporter's e-mail, as the schema's pattern:
/// `^[A-Za-zæøåÆØÅ0-9-_]+(\.[A-Za-zæøåÆØÅ0-9-_]+)*@[A-Za-zæøåÆØÅ0-9-]+(\.[A-Za-zæøåÆØÅ0-9-]+)*(\.[A-Za-z]{2,})$`
/// — dot-separated parts of letters (also æøå), digits, `-` and `_` before
/// the `@`; after it, dot-separated labels of letters, digits and `-`, the
/// last of two or more ASCII letters.
pub fn reporter_email(raw: &str) -> Result<String, Problem> {
    let t = raw.trim();
    if t.is_empty() {
        return Err(Problem::Required);
    }
    let letter = |c: char| c.is_ascii_alphanumeric() || "æøåÆØÅ".contains(c);
    let dotted = |s: &str, extra: &str| {
        s.split('.')
            .all(|p| !p.is_empty() && p.chars().all(|c| letter(c) || extra.contains(c)))
    };
    let Some((local, domain)) = t.split_once('@') else {
        return Err(Problem::InvalidEmail);
    };
    let Some((labels, top)) = domain.rsplit_once('.') else {
        return Err(Problem::InvalidEmail);
    };
    let ok = dotted(local, "-_")
        && dotted(labels, "-")
        && top.len() >= 2
        && top.chars().all(|c| c.is_ascii_alphabetic());
    if ok {
        Ok(t.to_owned())
    } else {
        Err(Problem::InvalidEmail)
    }
}

/// `ja` → true, `nei` → false, anything else → not answered.
fn yes_no(raw: &str) -> Result<bool, Problem> {
    match raw.trim() {
        "ja" => Ok(true),
        "nei" => Ok(false),
        "" => Err(Problem::Required),
        _ => Err(Problem::UnknownChoice),
    }
}

/// Informed, and the reason when not. Laget's rule, stricter than the
/// schema (where `orientertGrunn` is optional): when someone is not
/// informed, the reporter records why — the law's default is that the
/// family is told.
fn informed(
    p: &mut Problems,
    field: &'static str,
    reason_field: &'static str,
    raw: &str,
    reason: &str,
) -> (bool, Option<String>) {
    let told = p.check(field, yes_no(raw));
    let reason = p.check(reason_field, optional_line(reason)).flatten();
    match told {
        Some(false) if reason.is_none() && p.is_empty_for(reason_field) => {
            p.push(reason_field, Problem::NotInformedNeedsReason);
            (false, None)
        }
        Some(true) => (true, None),
        Some(false) => (false, reason),
        None => (false, reason),
    }
}

fn address(
    p: &mut Problems,
    fields: [&'static str; 3],
    line1: &str,
    code: &str,
    place: &str,
) -> Address {
    Address {
        adresselinje1: p.check(fields[0], line(line1)).unwrap_or_default(),
        adresselinje2: None,
        adresselinje3: None,
        postnummer: p.check(fields[1], optional_line(code)).flatten(),
        poststed: p.check(fields[2], optional_line(place)).flatten(),
    }
}

/// What a report needs of the reporting unit (`offentligMelder.virksomhet`):
/// its organisation number and postal address, kept on the unit by its
/// administrator and prefilled in every report from it. Each part is
/// optional on the unit; the report's form requires the address line.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UnitAddress {
    pub org_number: Option<String>,
    pub address_line: Option<String>,
    pub postal_code: Option<String>,
    pub postal_place: Option<String>,
}

impl UnitAddress {
    /// The unit form's fields: `orgnr` (nine digits, spaces allowed —
    /// Laget's rule; the schema takes any one line), `adresse`,
    /// `postnummer` (four digits — Laget's rule, Norwegian postal codes),
    /// `poststed` (one line each).
    pub fn parse(
        orgnr: &str,
        address: &str,
        code: &str,
        place: &str,
    ) -> Result<Self, Vec<FieldError>> {
        let mut p = Problems::new();
        let compact: String = orgnr.chars().filter(|c| !c.is_whitespace()).collect();
        let org_number = if compact.is_empty() {
            None
        } else if compact.len() == 9 && compact.bytes().all(|b| b.is_ascii_digit()) {
            Some(compact)
        } else {
            p.push("orgnr", Problem::InvalidOrgNumber);
            None
        };
        let address_line = p.check("adresse", optional_line(address)).flatten();
        let postal_code = match p.check("postnummer", optional_line(code)).flatten() {
            Some(c) if c.len() == 4 && c.bytes().all(|b| b.is_ascii_digit()) => Some(c),
            Some(_) => {
                p.push("postnummer", Problem::InvalidPostalCode);
                None
            }
            None => None,
        };
        let postal_place = p.check("poststed", optional_line(place)).flatten();
        if p.is_empty() {
            Ok(Self {
                org_number,
                address_line,
                postal_code,
                postal_place,
            })
        } else {
            Err(p.into_vec())
        }
    }
}

/// A municipality's districts as its administrator writes them: one a line,
/// the two-digit number (`bydelsnummer`), a space, the name. Blank lines are
/// skipped; a number used twice is [`Problem::Taken`].
pub fn parse_districts(raw: &str) -> Result<Vec<(String, String)>, Problem> {
    let mut out: Vec<(String, String)> = Vec::new();
    for l in raw.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let (number, name) = l.split_once(char::is_whitespace).unwrap_or((l, ""));
        let number = district_number(number)?;
        let name = line(name)?;
        if out.iter().any(|(n, _)| *n == number) {
            return Err(Problem::Taken);
        }
        out.push((number, name));
    }
    Ok(out)
}

impl ReportForm {
    /// The guardians filled in (blank slots left out).
    pub fn guardians_given(&self) -> impl Iterator<Item = (usize, &GuardianForm)> {
        self.foresatte
            .iter()
            .enumerate()
            .filter(|(_, g)| !g.is_blank())
    }

    /// Parses the form into the KS Fiks message; every problem, by field.
    pub fn parse(&self) -> Result<Parsed, Vec<FieldError>> {
        use fields::*;
        let mut p = Problems::new();
        let kommunenummer = p
            .check(KOMMUNENUMMER, municipality_number(&self.kommunenummer))
            .unwrap_or_default();
        let kommunenavn = p
            .check(KOMMUNENAVN, line(&self.kommunenavn))
            .unwrap_or_default();
        let bydelsnummer = p
            .check(BYDELSNUMMER, district_number(&self.bydelsnummer))
            .unwrap_or_default();
        // An empty district name is allowed (no districts: «00» and "").
        let bydelsnavn = p
            .check(BYDELSNAVN, optional_line(&self.bydelsnavn))
            .flatten()
            .unwrap_or_default();

        let reporter = Reporter {
            personnavn: p
                .check(MELDER_NAVN, line(&self.melder_navn))
                .unwrap_or_default(),
            rolle: p
                .check(MELDER_ROLLE, line(&self.melder_rolle))
                .unwrap_or_default(),
            telefonnummer: p
                .check(MELDER_TELEFON, reporter_phone(&self.melder_telefon))
                .unwrap_or_default(),
            epost: p
                .check(MELDER_EPOST, reporter_email(&self.melder_epost))
                .unwrap_or_default(),
            virksomhet: Organisation {
                navn: p
                    .check(VIRKSOMHET_NAVN, line(&self.virksomhet_navn))
                    .unwrap_or_default(),
                orgnr: p
                    .check(VIRKSOMHET_ORGNR, optional_line(&self.virksomhet_orgnr))
                    .flatten(),
                adresse: address(
                    &mut p,
                    [
                        VIRKSOMHET_ADRESSE,
                        VIRKSOMHET_POSTNUMMER,
                        VIRKSOMHET_POSTSTED,
                    ],
                    &self.virksomhet_adresse,
                    &self.virksomhet_postnummer,
                    &self.virksomhet_poststed,
                ),
            },
        };

        // The child: a national identity number, or unborn (then `fnr` is
        // empty, as the schema's description says).
        let fnr = if self.barn_ufoedt {
            String::new()
        } else {
            p.check(BARN_FNR, NationalId::parse(&self.barn_fnr))
                .map(|n| n.expose().to_owned())
                .unwrap_or_default()
        };
        let (child_told, child_reason) = informed(
            &mut p,
            BARN_ORIENTERT,
            BARN_GRUNN,
            &self.barn_orientert,
            &self.barn_grunn,
        );
        let child = Child {
            fnr,
            ufoedt: self.barn_ufoedt,
            personnavn: p
                .check(BARN_NAVN, line(&self.barn_navn))
                .unwrap_or_default(),
            telefonnummer: p
                .check(BARN_TELEFON, optional_line(&self.barn_telefon))
                .flatten(),
            adresse: address(
                &mut p,
                [BARN_ADRESSE, BARN_POSTNUMMER, BARN_POSTSTED],
                &self.barn_adresse,
                &self.barn_postnummer,
                &self.barn_poststed,
            ),
            orientert: child_told,
            orientert_grunn: child_reason,
        };

        // One or two guardians (`minItems` 1, `maxItems` 2).
        let given: Vec<(usize, &GuardianForm)> = self.guardians_given().collect();
        if given.is_empty() {
            p.push(FORESATTE, Problem::Required);
        } else if given.len() > 2 {
            p.push(FORESATTE, Problem::AtMostTwoGuardians);
        }
        let mut guardians = Vec::new();
        let mut reasons = Vec::new();
        let mut all_told = true;
        for (i, g) in given {
            let Some(f) = GUARDIAN_FIELDS.get(i) else {
                p.push(FORESATTE, Problem::AtMostTwoGuardians);
                continue;
            };
            let (told, reason) = informed(&mut p, f[2], f[3], &g.orientert, &g.grunn);
            all_told &= told;
            if let Some(r) = &reason {
                reasons.push(r.clone());
            }
            guardians.push(Guardian {
                personnavn: p.check(f[0], line(&g.navn)).unwrap_or_default(),
                telefonnummer: p.check(f[1], optional_line(&g.telefon)).flatten(),
                orientert: told,
                orientert_grunn: reason,
            });
        }

        let concern = Concern {
            melding: p.check(MELDING, text(&self.melding)).unwrap_or_default(),
            historie: p.check(HISTORIE, text(&self.historie)).unwrap_or_default(),
            andre_synspunkter: p
                .check(ANDRE_SYNSPUNKTER, optional_text(&self.andre_synspunkter))
                .flatten(),
        };
        let behov_for_tolk = p.check(TOLK, optional_text(&self.tolk)).flatten();
        let andre_hjelpeinstanser = p
            .check(
                ANDRE_HJELPEINSTANSER,
                optional_text(&self.andre_hjelpeinstanser),
            )
            .flatten();

        if !p.is_empty() {
            return Err(p.into_vec());
        }
        let not_told_reason = (!reasons.is_empty()).then(|| reasons.join(" "));
        Ok(Parsed {
            message: Message {
                kommunenummer,
                kommunenavn,
                bydelsnummer,
                bydelsnavn,
                offentlig_melder: reporter,
                offentlig_barn: vec![child],
                foresatte: guardians,
                behov_for_tolk,
                andre_hjelpeinstanser,
                melding: concern,
                sendingstidspunkt: String::new(),
                leveringskanal: String::new(),
            },
            guardians_told: all_told,
            not_told_reason,
            child_told,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn valid() -> ReportForm {
        let fnr = crate::children::national_id::tests_support::valid_for(
            NaiveDate::from_ymd_opt(2015, 3, 4).unwrap_or_default(),
        );
        ReportForm {
            kommunenummer: "3105".into(),
            kommunenavn: "Sarpsborg".into(),
            bydelsnummer: "00".into(),
            bydelsnavn: String::new(),
            melder_navn: "Kari Lærer".into(),
            melder_rolle: "Kontaktlærer".into(),
            melder_telefon: "+47 912 34 567".into(),
            melder_epost: "kari.laerer@skole.sarpsborg.no".into(),
            virksomhet_navn: "Hafslund skole".into(),
            virksomhet_orgnr: "974551683".into(),
            virksomhet_adresse: "Skoleveien 1".into(),
            virksomhet_postnummer: "1712".into(),
            virksomhet_poststed: "Grålum".into(),
            barn_ufoedt: false,
            barn_fnr: fnr,
            barn_navn: "Ola Nordmann".into(),
            barn_telefon: String::new(),
            barn_adresse: "Gata 2".into(),
            barn_postnummer: "1710".into(),
            barn_poststed: "Sarpsborg".into(),
            barn_orientert: "ja".into(),
            barn_grunn: String::new(),
            foresatte: vec![GuardianForm {
                navn: "Mor Nordmann".into(),
                telefon: "98765432".into(),
                orientert: "ja".into(),
                grunn: String::new(),
            }],
            tolk: String::new(),
            andre_hjelpeinstanser: "Helsestasjonen".into(),
            melding: "Ola kommer ofte sulten.\nHan sier han er redd.".into(),
            historie: "Samtaler siden august.".into(),
            andre_synspunkter: String::new(),
            medsignering: false,
            returnert_merknad: String::new(),
            ..ReportForm::default()
        }
    }

    type R = Result<(), Box<dyn std::error::Error>>;

    fn ok(f: &ReportForm) -> Result<Parsed, String> {
        f.parse().map_err(|e| format!("{e:?}"))
    }

    fn problems(f: &ReportForm) -> Vec<(&'static str, Problem)> {
        f.parse()
            .err()
            .unwrap_or_default()
            .into_iter()
            .map(|e| (e.field, e.problem))
            .collect()
    }

    #[test]
    fn districts_one_a_line() {
        assert_eq!(
            parse_districts("01 Gamle Oslo\n\n 02  Grünerløkka "),
            Ok(vec![
                ("01".into(), "Gamle Oslo".into()),
                ("02".into(), "Grünerløkka".into())
            ])
        );
        assert_eq!(
            parse_districts("1 Gamle Oslo"),
            Err(Problem::InvalidDistrictNumber)
        );
        assert_eq!(parse_districts("01"), Err(Problem::Required));
        assert_eq!(parse_districts("01 A\n01 B"), Err(Problem::Taken));
        assert_eq!(parse_districts(""), Ok(vec![]));
    }

    #[test]
    fn a_units_address() {
        assert_eq!(
            UnitAddress::parse("974 551 683", "Skoleveien 1", "1712", "Grålum")
                .map(|a| a.org_number),
            Ok(Some("974551683".into()))
        );
        assert_eq!(
            UnitAddress::parse("", "", "", ""),
            Ok(UnitAddress::default())
        );
        let errors: Vec<_> = UnitAddress::parse("97455168", "a\nb", "171", "x")
            .err()
            .unwrap_or_default()
            .into_iter()
            .map(|e| (e.field, e.problem))
            .collect();
        assert_eq!(
            errors,
            vec![
                ("orgnr", Problem::InvalidOrgNumber),
                ("adresse", Problem::OneLine),
                ("postnummer", Problem::InvalidPostalCode)
            ]
        );
    }

    #[test]
    fn a_valid_form_parses_into_the_message() -> R {
        let parsed = ok(&valid())?;
        let m = &parsed.message;
        assert_eq!(m.kommunenummer, "3105");
        assert_eq!(m.bydelsnummer, "00");
        assert_eq!(m.offentlig_barn.len(), 1);
        assert_eq!(m.foresatte.len(), 1);
        assert!(parsed.guardians_told);
        assert_eq!(m.andre_hjelpeinstanser.as_deref(), Some("Helsestasjonen"));
        assert!(
            m.melding.melding.contains('\n'),
            "free text keeps its lines"
        );
        assert_eq!(
            m.offentlig_melder.virksomhet.adresse.adresselinje1,
            "Skoleveien 1"
        );
        Ok(())
    }

    #[test]
    fn the_draft_round_trips_as_json() -> R {
        let f = valid();
        let json = serde_json::to_string(&f)?;
        assert_eq!(serde_json::from_str::<ReportForm>(&json)?, f);
        // An older draft without some fields still reads.
        assert!(serde_json::from_str::<ReportForm>("{}").is_ok());
        Ok(())
    }

    #[test]
    fn one_line_fields_refuse_line_breaks() {
        for (field, set) in [
            (
                fields::BARN_NAVN,
                (|f: &mut ReportForm| f.barn_navn = "Ola\nNordmann".into()) as fn(&mut ReportForm),
            ),
            (fields::MELDER_NAVN, |f| {
                f.melder_navn = "Kari\r\nLærer".into()
            }),
            (fields::MELDER_ROLLE, |f| {
                f.melder_rolle = "Lærer\u{2028}x".into()
            }),
            (fields::VIRKSOMHET_NAVN, |f| {
                f.virksomhet_navn = "a\nb".into()
            }),
            (fields::VIRKSOMHET_ORGNR, |f| {
                f.virksomhet_orgnr = "1\n2".into()
            }),
            (fields::VIRKSOMHET_ADRESSE, |f| {
                f.virksomhet_adresse = "a\nb".into()
            }),
            (fields::BARN_POSTSTED, |f| f.barn_poststed = "a\rb".into()),
            ("foresatt1_navn", |f| {
                f.foresatte[0].navn = "Mor\nFar".into()
            }),
            ("foresatt1_telefon", |f| {
                f.foresatte[0].telefon = "1\n2".into()
            }),
            (fields::KOMMUNENAVN, |f| {
                f.kommunenavn = "Sarps\nborg".into()
            }),
            (fields::BYDELSNAVN, |f| f.bydelsnavn = "a\nb".into()),
        ] {
            let mut f = valid();
            set(&mut f);
            assert_eq!(problems(&f), vec![(field, Problem::OneLine)], "{field}");
        }
    }

    #[test]
    fn required_fields() {
        let f = ReportForm {
            foresatte: vec![],
            ..ReportForm::default()
        };
        let got = problems(&f);
        for field in [
            fields::KOMMUNENUMMER,
            fields::KOMMUNENAVN,
            fields::BYDELSNUMMER,
            fields::MELDER_NAVN,
            fields::MELDER_ROLLE,
            fields::MELDER_TELEFON,
            fields::MELDER_EPOST,
            fields::VIRKSOMHET_NAVN,
            fields::VIRKSOMHET_ADRESSE,
            fields::BARN_FNR,
            fields::BARN_NAVN,
            fields::BARN_ADRESSE,
            fields::BARN_ORIENTERT,
            fields::FORESATTE,
            fields::MELDING,
            fields::HISTORIE,
        ] {
            assert!(
                got.contains(&(field, Problem::Required)),
                "{field}: {got:?}"
            );
        }
        for optional in [
            fields::BYDELSNAVN,
            fields::VIRKSOMHET_ORGNR,
            fields::BARN_TELEFON,
            fields::TOLK,
            fields::ANDRE_HJELPEINSTANSER,
            fields::ANDRE_SYNSPUNKTER,
        ] {
            assert!(got.iter().all(|(f, _)| *f != optional), "{optional}");
        }
    }

    #[test]
    fn municipality_number_is_four_digits_and_district_two() {
        assert_eq!(municipality_number("3105"), Ok("3105".into()));
        for bad in ["31051", "310", "31a5", "３１０５"] {
            assert_eq!(
                municipality_number(bad),
                Err(Problem::InvalidMunicipalityNumber)
            );
        }
        assert_eq!(district_number("03"), Ok("03".into()));
        for bad in ["3", "003", "a1"] {
            assert_eq!(district_number(bad), Err(Problem::InvalidDistrictNumber));
        }
        let mut f = valid();
        f.kommunenummer = "31055".into();
        f.bydelsnummer = "1".into();
        assert_eq!(
            problems(&f),
            vec![
                (fields::KOMMUNENUMMER, Problem::InvalidMunicipalityNumber),
                (fields::BYDELSNUMMER, Problem::InvalidDistrictNumber)
            ]
        );
    }

    #[test]
    fn the_reporters_phone_follows_the_schema() {
        for ok in [
            "91234567",
            "+4791234567",
            "+47 912 34 567",
            "912-34-567",
            "912 ",
        ] {
            assert!(reporter_phone(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "+",
            "91 34  56",
            "912--34",
            "tlf 912",
            "(+47) 912",
            "+-912",
            "9123 4567x",
        ] {
            assert!(reporter_phone(bad).is_err(), "{bad:?}");
        }
        let mut f = valid();
        f.melder_telefon = "ring meg".into();
        assert_eq!(
            problems(&f),
            vec![(fields::MELDER_TELEFON, Problem::InvalidPhone)]
        );
    }

    #[test]
    fn the_reporters_email_follows_the_schema() {
        for ok in [
            "kari@skole.no",
            "kari.laerer@skole.sarpsborg.kommune.no",
            "kåre_ø-1@bø-skole.no",
        ] {
            assert!(reporter_email(ok).is_ok(), "{ok}");
        }
        for bad in [
            "kari",
            "kari@skole",
            "kari@skole.n",
            "kari@skole.n0",
            "kari..l@skole.no",
            "kari@@skole.no",
            "kari@skole_x.no",
            "kari l@skole.no",
            "kari@skole.nø",
            ".kari@skole.no",
        ] {
            assert_eq!(reporter_email(bad), Err(Problem::InvalidEmail), "{bad}");
        }
    }

    #[test]
    fn one_or_two_guardians() {
        let g = |n: &str| GuardianForm {
            navn: n.into(),
            telefon: String::new(),
            orientert: "ja".into(),
            grunn: String::new(),
        };
        let mut f = valid();
        f.foresatte = vec![g("Mor"), g("Far")];
        assert!(f.parse().is_ok());
        f.foresatte = vec![g("Mor"), GuardianForm::default(), g("Far")];
        assert_eq!(
            f.parse().map(|p| p.message.foresatte.len()),
            Ok(2),
            "blank slots are skipped"
        );
        f.foresatte = vec![g("Mor"), g("Far"), g("Bonusmor")];
        assert_eq!(
            problems(&f),
            vec![(fields::FORESATTE, Problem::AtMostTwoGuardians)]
        );
        f.foresatte = vec![];
        assert_eq!(problems(&f), vec![(fields::FORESATTE, Problem::Required)]);
        f.foresatte = vec![GuardianForm {
            navn: String::new(),
            telefon: "12345678".into(),
            orientert: "ja".into(),
            grunn: String::new(),
        }];
        assert_eq!(problems(&f), vec![("foresatt1_navn", Problem::Required)]);
    }

    #[test]
    fn not_informed_needs_a_reason() -> R {
        let mut f = valid();
        f.foresatte[0].orientert = "nei".into();
        assert_eq!(
            problems(&f),
            vec![("foresatt1_grunn", Problem::NotInformedNeedsReason)]
        );
        f.foresatte[0].grunn = "Mistanke om vold i hjemmet".into();
        let parsed = ok(&f)?;
        assert!(!parsed.guardians_told);
        assert_eq!(
            parsed.not_told_reason.as_deref(),
            Some("Mistanke om vold i hjemmet")
        );
        assert_eq!(
            parsed.message.foresatte[0].orientert_grunn.as_deref(),
            Some("Mistanke om vold i hjemmet")
        );
        f.foresatte[0].grunn = "to\nlinjer".into();
        assert_eq!(problems(&f), vec![("foresatt1_grunn", Problem::OneLine)]);

        let mut f = valid();
        f.barn_orientert = "nei".into();
        assert_eq!(
            problems(&f),
            vec![(fields::BARN_GRUNN, Problem::NotInformedNeedsReason)]
        );
        f.barn_orientert = String::new();
        assert_eq!(
            problems(&f),
            vec![(fields::BARN_ORIENTERT, Problem::Required)]
        );
        f.barn_orientert = "kanskje".into();
        assert_eq!(
            problems(&f),
            vec![(fields::BARN_ORIENTERT, Problem::UnknownChoice)]
        );
        // Informed: a reason left in the form is not sent.
        let mut f = valid();
        f.barn_grunn = "gammel tekst".into();
        assert_eq!(
            f.parse()
                .map(|p| p.message.offentlig_barn[0].orientert_grunn.clone()),
            Ok(None)
        );
        Ok(())
    }

    #[test]
    fn the_childs_national_id_or_unborn() -> R {
        let mut f = valid();
        f.barn_fnr = "12345678901".into();
        assert_eq!(
            problems(&f),
            vec![(fields::BARN_FNR, Problem::InvalidNationalId)]
        );
        f.barn_fnr = "1234".into();
        assert_eq!(
            problems(&f),
            vec![(fields::BARN_FNR, Problem::NationalIdLength)]
        );
        f.barn_ufoedt = true;
        let parsed = ok(&f)?;
        assert!(parsed.message.offentlig_barn[0].ufoedt);
        assert_eq!(parsed.message.offentlig_barn[0].fnr, "");
        Ok(())
    }

    #[test]
    fn an_address_needs_its_first_line() {
        let mut f = valid();
        f.barn_adresse = " ".into();
        f.virksomhet_adresse = String::new();
        f.barn_postnummer = String::new();
        let got = problems(&f);
        assert_eq!(
            got,
            vec![
                (fields::VIRKSOMHET_ADRESSE, Problem::Required),
                (fields::BARN_ADRESSE, Problem::Required)
            ]
        );
    }

    #[test]
    fn the_message_serialises_with_the_schemas_names() -> R {
        let parsed = ok(&valid())?;
        let json = serde_json::to_value(&parsed.message)?;
        for key in [
            "kommunenummer",
            "kommunenavn",
            "bydelsnummer",
            "bydelsnavn",
            "offentligMelder",
            "offentligBarn",
            "foresatte",
            "melding",
            "sendingstidspunkt",
            "leveringskanal",
        ] {
            assert!(json.get(key).is_some(), "{key}");
        }
        assert!(
            json.get("behovForTolk").is_none(),
            "empty optional left out"
        );
        assert_eq!(json["offentligBarn"][0]["ufoedt"], false);
        Ok(())
    }
}
