//! Children and their guardians: who a log is about, and who gives consent.

use crate::children::national_id::NationalId;
use crate::validation::{Problem, Problems, optional_text, parse_date, required_text};
use chrono::{Datelike, NaiveDate};

/// When a child was born, or (for an unborn child, gravide in the catalogue)
/// when it is expected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Birth {
    Born(NaiveDate),
    Expected(NaiveDate),
}

impl Birth {
    pub fn date(self) -> NaiveDate {
        match self {
            Self::Born(d) | Self::Expected(d) => d,
        }
    }

    pub fn is_unborn(self) -> bool {
        matches!(self, Self::Expected(_))
    }

    /// Whole years of age on `today`; `None` before birth.
    pub fn age_on(self, today: NaiveDate) -> Option<u32> {
        let born = match self {
            Self::Born(d) => d,
            Self::Expected(_) => return None,
        };
        if today < born {
            return None;
        }
        let mut years = today.year() - born.year();
        if (today.month(), today.day()) < (born.month(), born.day()) {
            years -= 1;
        }
        u32::try_from(years).ok()
    }

    /// The age to choose offers by: whole years, and 0 before birth (an
    /// unborn child's offers are those for the youngest).
    pub fn offer_age(self, today: NaiveDate) -> u8 {
        self.age_on(today)
            .map_or(0, |a| u8::try_from(a).unwrap_or(u8::MAX))
    }
}

/// A registered child, as the registration form gives it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewChild {
    pub name: String,
    pub birth: Birth,
    pub national_id: Option<NationalId>,
}

/// Children are 0–18, some measures run to 25; older «children» are typing errors.
const OLDEST_YEARS: i32 = 25;

impl NewChild {
    /// `unborn` says that `date` is the expected date of birth.
    pub fn parse(
        name: &str,
        date: &str,
        unborn: bool,
        national_id: &str,
        today: NaiveDate,
    ) -> Result<Self, Problems> {
        let mut p = Problems::new();
        let name = p.check("navn", required_text(name, 200));
        let date = match parse_date(date) {
            Ok(Some(d)) => Some(d),
            Ok(None) => {
                p.push("fodselsdato", Problem::Required);
                None
            }
            Err(e) => {
                p.push("fodselsdato", e);
                None
            }
        };
        let birth = date.and_then(|d| {
            let earliest = NaiveDate::from_ymd_opt(today.year() - OLDEST_YEARS, 1, 1)?;
            let latest_expected = today.checked_add_days(chrono::Days::new(300))?;
            let ok = if unborn {
                d >= today && d <= latest_expected
            } else {
                d <= today && d >= earliest
            };
            if ok {
                Some(if unborn {
                    Birth::Expected(d)
                } else {
                    Birth::Born(d)
                })
            } else {
                p.push("fodselsdato", Problem::DateOutOfRange);
                None
            }
        });
        let national_id = if national_id.trim().is_empty() {
            None
        } else {
            p.check("fodselsnummer", NationalId::parse(national_id))
        };
        if let (Some(id), Some(Birth::Born(d))) = (&national_id, birth)
            && id.birth_date().is_some_and(|b| b != d)
        {
            p.push("fodselsnummer", Problem::NationalIdBirthDateMismatch);
        }
        if unborn && national_id.is_some() {
            p.push("fodselsnummer", Problem::NationalIdBirthDateMismatch);
        }
        match (name, birth) {
            (Some(name), Some(birth)) if p.is_empty() => Ok(Self {
                name,
                birth,
                national_id,
            }),
            _ => Err(p),
        }
    }
}

/// How a guardian is related to the child.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Relation {
    Mor,
    Far,
    Annen,
}

impl Relation {
    pub const ALL: [Relation; 3] = [Self::Mor, Self::Far, Self::Annen];
    pub fn code(self) -> &'static str {
        match self {
            Self::Mor => "mor",
            Self::Far => "far",
            Self::Annen => "annen",
        }
    }
    pub fn from_code(code: &str) -> Result<Self, Problem> {
        Self::ALL
            .into_iter()
            .find(|r| r.code() == code)
            .ok_or(if code.is_empty() {
                Problem::Required
            } else {
                Problem::UnknownChoice
            })
    }
}

/// A guardian as the form gives it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewGuardian {
    pub name: String,
    pub relation: Relation,
    pub phone: Option<String>,
    pub email: Option<String>,
    /// Foreldreansvar: only guardians with parental responsibility give consent.
    pub parental_responsibility: bool,
}

impl NewGuardian {
    pub fn parse(
        name: &str,
        relation: &str,
        phone: &str,
        email: &str,
        parental_responsibility: bool,
    ) -> Result<Self, Problems> {
        let mut p = Problems::new();
        let name = p.check("navn", required_text(name, 200));
        let relation = p.check("relasjon", Relation::from_code(relation));
        let phone = p.check(
            "telefon",
            optional_text(phone, 30).and_then(|t| match t {
                Some(t) if !t.chars().all(|c| c.is_ascii_digit() || " +-".contains(c)) => {
                    Err(Problem::InvalidPhone)
                }
                other => Ok(other),
            }),
        );
        let email = p.check(
            "epost",
            optional_text(email, 254).and_then(|t| match t {
                Some(t) => {
                    crate::admin::user::Email::parse(&t).map(|e| Some(e.as_str().to_owned()))
                }
                None => Ok(None),
            }),
        );
        match (name, relation, phone, email) {
            (Some(name), Some(relation), Some(phone), Some(email)) if p.is_empty() => Ok(Self {
                name,
                relation,
                phone,
                email,
                parental_responsibility,
            }),
            _ => Err(p),
        }
    }
}

/// What a change to a child's record touched. Stored by code in the child's
/// history (`child_changes.field`); the words for it belong to the web layer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChangeField {
    Name,
    BirthDate,
    Unborn,
    NationalId,
    UnitAdded,
    UnitRemoved,
    GuardianAdded,
    /// Marked as no longer a guardian (the record stays).
    GuardianEnded,
    GuardianName,
    GuardianRelation,
    GuardianPhone,
    GuardianEmail,
    GuardianResponsibility,
    /// The guardian's national identity number (how the family's portal
    /// knows them), stored masked in the history like the child's.
    GuardianNationalId,
}

impl ChangeField {
    pub const ALL: [ChangeField; 14] = [
        Self::Name,
        Self::BirthDate,
        Self::Unborn,
        Self::NationalId,
        Self::UnitAdded,
        Self::UnitRemoved,
        Self::GuardianAdded,
        Self::GuardianEnded,
        Self::GuardianName,
        Self::GuardianRelation,
        Self::GuardianPhone,
        Self::GuardianEmail,
        Self::GuardianResponsibility,
        Self::GuardianNationalId,
    ];
    pub fn code(self) -> &'static str {
        match self {
            Self::Name => "navn",
            Self::BirthDate => "fodselsdato",
            Self::Unborn => "ufodt",
            Self::NationalId => "fodselsnummer",
            Self::UnitAdded => "enhet_lagt_til",
            Self::UnitRemoved => "enhet_fjernet",
            Self::GuardianAdded => "foresatt_lagt_til",
            Self::GuardianEnded => "foresatt_avsluttet",
            Self::GuardianName => "foresatt_navn",
            Self::GuardianRelation => "foresatt_relasjon",
            Self::GuardianPhone => "foresatt_telefon",
            Self::GuardianEmail => "foresatt_epost",
            Self::GuardianResponsibility => "foresatt_foreldreansvar",
            Self::GuardianNationalId => "foresatt_fodselsnummer",
        }
    }
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.code() == code)
    }
}

/// One change to a child's record: the field, what it is about (a unit's or
/// a guardian's id), and the old and new values as stored values, not
/// sentences: dates ISO, yes/no as `ja`/`nei`, relations by code, national
/// identity numbers masked (the history never holds a whole number).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    pub field: ChangeField,
    pub subject: Option<String>,
    pub old: Option<String>,
    pub new: Option<String>,
}

fn yes_no(b: bool) -> String {
    if b { "ja" } else { "nei" }.to_owned()
}

fn change(
    field: ChangeField,
    subject: Option<&str>,
    old: Option<String>,
    new: Option<String>,
) -> Option<Change> {
    (old != new).then(|| Change {
        field,
        subject: subject.map(str::to_owned),
        old,
        new,
    })
}

/// What changed between a child's stored details and the edited ones.
pub fn detail_changes(old: &NewChild, new: &NewChild) -> Vec<Change> {
    let iso = |b: Birth| b.date().format("%Y-%m-%d").to_string();
    let id = |c: &NewChild| c.national_id.as_ref().map(NationalId::masked);
    // A new number with the same birth date masks alike: compare whole.
    let id_changed = old.national_id.as_ref().map(NationalId::expose)
        != new.national_id.as_ref().map(NationalId::expose);
    [
        change(
            ChangeField::Name,
            None,
            Some(old.name.clone()),
            Some(new.name.clone()),
        ),
        change(
            ChangeField::BirthDate,
            None,
            Some(iso(old.birth)),
            Some(iso(new.birth)),
        ),
        change(
            ChangeField::Unborn,
            None,
            Some(yes_no(old.birth.is_unborn())),
            Some(yes_no(new.birth.is_unborn())),
        ),
        id_changed.then(|| Change {
            field: ChangeField::NationalId,
            subject: None,
            old: id(old),
            new: id(new),
        }),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// What changed between a guardian's stored details and the edited ones.
pub fn guardian_changes(guardian: &str, old: &NewGuardian, new: &NewGuardian) -> Vec<Change> {
    let g = Some(guardian);
    [
        change(
            ChangeField::GuardianName,
            g,
            Some(old.name.clone()),
            Some(new.name.clone()),
        ),
        change(
            ChangeField::GuardianRelation,
            g,
            Some(old.relation.code().to_owned()),
            Some(new.relation.code().to_owned()),
        ),
        change(
            ChangeField::GuardianPhone,
            g,
            old.phone.clone(),
            new.phone.clone(),
        ),
        change(
            ChangeField::GuardianEmail,
            g,
            old.email.clone(),
            new.email.clone(),
        ),
        change(
            ChangeField::GuardianResponsibility,
            g,
            Some(yes_no(old.parental_responsibility)),
            Some(yes_no(new.parental_responsibility)),
        ),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// What the guardian edit form asks for the guardian's national identity
/// number: an empty field keeps the stored one (it is shown masked only, so
/// it cannot be shown to be kept), a box removes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GuardianNationalIdEdit {
    Keep,
    Set(NationalId),
    Remove,
}

impl GuardianNationalIdEdit {
    /// The form's field (`fodselsnummer`) and box (`fjern_fodselsnummer`);
    /// a typed number is checked with [`NationalId::parse`].
    pub fn parse(raw: &str, remove: bool) -> Result<Self, Problem> {
        if raw.trim().is_empty() {
            return Ok(if remove { Self::Remove } else { Self::Keep });
        }
        NationalId::parse(raw).map(Self::Set)
    }

    /// The number after the edit, given the stored one.
    pub fn apply(&self, stored: Option<&NationalId>) -> Option<NationalId> {
        match self {
            Self::Keep => stored.cloned(),
            Self::Set(n) => Some(n.clone()),
            Self::Remove => None,
        }
    }
}

/// The history row for a guardian's national identity number, masked (a
/// new number with the same birth date masks alike: compared whole).
pub fn guardian_national_id_change(
    guardian: &str,
    old: Option<&NationalId>,
    new: Option<&NationalId>,
) -> Option<Change> {
    (old.map(NationalId::expose) != new.map(NationalId::expose)).then(|| Change {
        field: ChangeField::GuardianNationalId,
        subject: Some(guardian.to_owned()),
        old: old.map(NationalId::masked),
        new: new.map(NationalId::masked),
    })
}

/// The units added to and removed from the set a child attends.
pub fn unit_changes(old: &[crate::ids::UnitId], new: &[crate::ids::UnitId]) -> Vec<Change> {
    let added = new.iter().filter(|u| !old.contains(u)).map(|u| Change {
        field: ChangeField::UnitAdded,
        subject: Some(u.to_string()),
        old: None,
        new: None,
    });
    let removed = old.iter().filter(|u| !new.contains(u)).map(|u| Change {
        field: ChangeField::UnitRemoved,
        subject: Some(u.to_string()),
        old: None,
        new: None,
    });
    added.chain(removed).collect()
}

/// The age bands of the early-intervention teams (DOMAIN.md), used where a
/// child must not be identified: anonymous consultations. They do not
/// overlap («0» is under one year) and run to 25 like the catalogue. Bands
/// stored before, «0-1» and «16-23», are still read and shown as written
/// (see [`OLD_AGE_BANDS`]); new consultations use these.
pub const AGE_BANDS: [&str; 6] = ["ufodt", "0", "1-5", "6-12", "13-15", "16-25"];

/// Age bands that older consultations may hold: shown, no longer offered.
pub const OLD_AGE_BANDS: [&str; 2] = ["0-1", "16-23"];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_guardians_national_id_is_kept_set_or_removed_and_masked_in_the_history() {
        let day = NaiveDate::from_ymd_opt(1985, 3, 1).unwrap_or_default();
        let (a, b) = (
            NationalId::synthetic(day, 11),
            NationalId::synthetic(day, 12),
        );
        assert!(a.is_some() && b.is_some());
        let (Some(a), Some(b)) = (a, b) else { return };
        assert_eq!(
            GuardianNationalIdEdit::parse(" ", false),
            Ok(GuardianNationalIdEdit::Keep)
        );
        assert_eq!(
            GuardianNationalIdEdit::parse("", true),
            Ok(GuardianNationalIdEdit::Remove)
        );
        assert_eq!(
            GuardianNationalIdEdit::parse("12345678901", false),
            Err(Problem::InvalidNationalId)
        );
        assert_eq!(
            GuardianNationalIdEdit::parse(a.expose(), true),
            Ok(GuardianNationalIdEdit::Set(a.clone()))
        );
        let set = GuardianNationalIdEdit::Set(a.clone());
        assert_eq!(set.apply(Some(&b)), Some(a.clone()));
        assert_eq!(
            GuardianNationalIdEdit::Keep.apply(Some(&b)),
            Some(b.clone())
        );
        assert_eq!(GuardianNationalIdEdit::Remove.apply(Some(&b)), None);
        // Same birth date, same mask: still a change, and never whole.
        let c = guardian_national_id_change("g", Some(&a), Some(&b));
        assert!(c.is_some());
        let Some(c) = c else { return };
        assert_eq!(c.field, ChangeField::GuardianNationalId);
        assert_eq!(c.old.as_deref(), Some(a.masked().as_str()));
        assert_eq!(c.new.as_deref(), Some(b.masked().as_str()));
        assert!(guardian_national_id_change("g", Some(&a), Some(&a)).is_none());
        assert!(ChangeField::from_code("foresatt_fodselsnummer").is_some());
    }

    /// Issue 15 item 14: the bands neither overlap nor stop before 25.
    #[test]
    fn age_bands_cover_0_to_25_once() {
        let mut covered = [0u8; 26];
        for band in AGE_BANDS.iter().filter(|b| **b != "ufodt") {
            let (from, to) = band.split_once('-').unwrap_or((band, band));
            let parsed = (from.parse::<usize>(), to.parse::<usize>());
            assert!(parsed.0.is_ok() && parsed.1.is_ok(), "{band}");
            let (Ok(from), Ok(to)) = parsed else { return };
            assert!(from <= to && to <= 25, "{band}");
            for c in covered.iter_mut().take(to + 1).skip(from) {
                *c += 1;
            }
        }
        assert_eq!(covered, [1u8; 26], "each age 0–25 in exactly one band");
        assert!(OLD_AGE_BANDS.iter().all(|b| !AGE_BANDS.contains(b)));
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default()
    }

    #[test]
    fn age_counts_whole_years() {
        let b = Birth::Born(d(2016, 11, 24));
        assert_eq!(b.age_on(d(2026, 11, 23)), Some(9));
        assert_eq!(b.age_on(d(2026, 11, 24)), Some(10));
        assert_eq!(b.age_on(d(2015, 1, 1)), None);
        assert_eq!(Birth::Expected(d(2027, 2, 1)).age_on(d(2026, 11, 23)), None);
    }

    #[test]
    fn children_need_a_name_and_a_plausible_date() {
        let today = d(2026, 11, 23);
        assert!(NewChild::parse("Ola", "01.02.2019", false, "", today).is_ok());
        let e = NewChild::parse("", "01.02.2030", false, "123", today)
            .err()
            .map(|p| p.into_vec())
            .unwrap_or_default();
        let fields: Vec<_> = e.iter().map(|e| e.field).collect();
        assert_eq!(fields, ["navn", "fodselsdato", "fodselsnummer"]);
        assert!(NewChild::parse("Ufødt", "01.03.2027", true, "", today).is_ok());
        assert!(NewChild::parse("Ufødt", "01.03.2026", true, "", today).is_err());
    }

    #[test]
    fn national_id_must_match_the_birth_date() {
        let today = d(2026, 11, 23);
        // 01.01.2019 with valid check digits (synthetic).
        let id = crate::children::national_id::tests_support::valid_for(d(2019, 1, 1));
        assert!(NewChild::parse("Kari", "01.01.2019", false, &id, today).is_ok());
        let e = NewChild::parse("Kari", "02.01.2019", false, &id, today)
            .err()
            .map(|p| p.into_vec())
            .unwrap_or_default();
        assert_eq!(e[0].problem, Problem::NationalIdBirthDateMismatch);
    }

    #[test]
    fn unborn_children_choose_offers_as_newborns() {
        let today = d(2026, 11, 23);
        assert_eq!(Birth::Born(d(2022, 6, 1)).offer_age(today), 4);
        assert_eq!(Birth::Born(d(2022, 12, 1)).offer_age(today), 3);
        assert_eq!(Birth::Expected(d(2027, 2, 1)).offer_age(today), 0);
    }

    #[test]
    fn changes_are_codes_and_values_and_never_a_whole_national_id() {
        let today = d(2026, 11, 23);
        let id = crate::children::national_id::tests_support::valid_for(d(2019, 1, 1));
        let old = NewChild::parse("Kari", "01.01.2019", false, "", today);
        let new = NewChild::parse("Kari Nord", "01.01.2019", false, &id, today);
        let (Ok(old), Ok(new)) = (old, new) else {
            unreachable!("valid input")
        };
        assert!(detail_changes(&old, &old).is_empty());
        let c = detail_changes(&old, &new);
        assert_eq!(
            c.iter().map(|c| c.field).collect::<Vec<_>>(),
            [ChangeField::Name, ChangeField::NationalId]
        );
        assert_eq!(c[0].old.as_deref(), Some("Kari"));
        assert_eq!(c[0].new.as_deref(), Some("Kari Nord"));
        assert_eq!(c[1].old, None);
        let shown = c[1].new.clone().unwrap_or_default();
        assert_eq!(shown, format!("{} *****", &id[..6]));
        let unborn = NewChild::parse("Kari", "01.03.2027", true, "", today);
        let Ok(unborn) = unborn else {
            unreachable!("valid input")
        };
        let c = detail_changes(&unborn, &old);
        assert_eq!(
            c.iter()
                .map(|c| (c.field.code(), c.old.as_deref(), c.new.as_deref()))
                .collect::<Vec<_>>(),
            [
                ("fodselsdato", Some("2027-03-01"), Some("2019-01-01")),
                ("ufodt", Some("ja"), Some("nei")),
            ]
        );
        for f in ChangeField::ALL {
            assert_eq!(ChangeField::from_code(f.code()), Some(f));
        }
    }

    #[test]
    fn guardian_and_unit_changes() {
        let a = NewGuardian::parse("Mor", "mor", "900 00 000", "", false);
        let b = NewGuardian::parse("Mor", "mor", "", "mor@example.no", true);
        let (Ok(a), Ok(b)) = (a, b) else {
            unreachable!("valid input")
        };
        let c = guardian_changes("g1", &a, &b);
        assert_eq!(
            c.iter()
                .map(|c| (c.field.code(), c.old.as_deref(), c.new.as_deref()))
                .collect::<Vec<_>>(),
            [
                ("foresatt_telefon", Some("900 00 000"), None),
                ("foresatt_epost", None, Some("mor@example.no")),
                ("foresatt_foreldreansvar", Some("nei"), Some("ja")),
            ]
        );
        assert!(c.iter().all(|c| c.subject.as_deref() == Some("g1")));
        let (x, y, z) = (
            crate::ids::UnitId::new(),
            crate::ids::UnitId::new(),
            crate::ids::UnitId::new(),
        );
        let c = unit_changes(&[x, y], &[y, z]);
        assert_eq!(
            c.iter()
                .map(|c| (c.field, c.subject.clone()))
                .collect::<Vec<_>>(),
            [
                (ChangeField::UnitAdded, Some(z.to_string())),
                (ChangeField::UnitRemoved, Some(x.to_string())),
            ]
        );
    }

    #[test]
    fn guardians_have_a_relation_and_checked_contacts() {
        assert!(NewGuardian::parse("Mor", "mor", "+47 900 00 000", "", true).is_ok());
        let e = NewGuardian::parse("", "x", "abc", "nei", false)
            .err()
            .map(|p| p.into_vec())
            .unwrap_or_default();
        let fields: Vec<_> = e.iter().map(|e| e.field).collect();
        assert_eq!(fields, ["navn", "relasjon", "telefon", "epost"]);
    }
}

pub mod national_id;
