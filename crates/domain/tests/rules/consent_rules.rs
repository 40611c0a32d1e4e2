//! Consent and escalation rules that `make mutants` (issue #15) found
//! untested in the domain crate: the stored codes (a consent rule, purpose or
//! giver read back as another would change who sees a log), the last valid
//! day of a consent, and the consent and level forms' edge cases.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::NaiveDate;
use laget_domain::UnitId;
use laget_domain::ids::{ConsentId, GuardianId};
use laget_domain::log::consent::{
    Consent, ConsentForm, ConsentRule, ConsentState, Giver, Method, NewConsent, Purpose,
};
use laget_domain::log::escalation::{EscalationModel, LevelChange};
use laget_domain::validation::Problem;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

#[test]
fn stored_codes_read_back_as_themselves() {
    assert_eq!(ConsentRule::AnyGuardian.code(), "en");
    assert_eq!(ConsentRule::AllGuardians.code(), "alle");
    for rule in ConsentRule::ALL {
        assert_eq!(ConsentRule::from_code(rule.code()), Some(rule));
    }
    assert_eq!(ConsentRule::from_code("ingen"), None);
    assert_eq!(Purpose::ShareInformation.code(), "dele");
    assert_eq!(Purpose::Meetings.code(), "mote");
    for purpose in Purpose::ALL {
        assert_eq!(Purpose::from_code(purpose.code()), Some(purpose));
    }
    assert_eq!(Purpose::from_code("alt"), None);
    for method in Method::ALL {
        assert_eq!(Method::from_code(method.code()), Some(method));
    }
    let mother = GuardianId::new();
    assert_eq!(Giver::Youth.code(), "ungdom");
    assert_eq!(Giver::Guardian(mother).code(), mother.to_string());
    for giver in [Giver::Youth, Giver::Guardian(mother)] {
        assert_eq!(Giver::from_code(&giver.code()), Some(giver));
    }
    assert_eq!(Giver::from_code("mor"), None);
    assert_eq!(EscalationModel::Bti.code(), "bti");
    assert_eq!(EscalationModel::Tiltakskjede.code(), "tiltakskjede");
    for model in EscalationModel::ALL {
        assert_eq!(EscalationModel::from_code(model.code()), Some(model));
    }
    assert_eq!(EscalationModel::from_code("annen"), None);
}

#[test]
fn a_consent_holds_from_its_first_to_its_last_day() {
    let consent = Consent {
        id: ConsentId::new(),
        givers: vec![Giver::Youth],
        units: vec![UnitId::new()],
        purposes: vec![Purpose::ShareInformation],
        valid_from: d(2026, 1, 1),
        valid_to: d(2026, 12, 31),
        withdrawn_at: None,
    };
    assert_eq!(consent.state(d(2025, 12, 31)), ConsentState::NotYetValid);
    assert_eq!(consent.state(d(2026, 1, 1)), ConsentState::Valid);
    assert_eq!(consent.state(d(2026, 12, 31)), ConsentState::Valid);
    assert_eq!(consent.state(d(2027, 1, 1)), ConsentState::Expired);
    let withdrawn = Consent {
        withdrawn_at: Some(chrono::Utc::now()),
        ..consent
    };
    assert_eq!(withdrawn.state(d(2026, 6, 1)), ConsentState::Withdrawn);
}

/// The problems of a consent form, by field.
fn problems(form: &ConsentForm<'_>, givers: &[Giver], units: &[UnitId]) -> Vec<(String, Problem)> {
    match NewConsent::parse(form, givers, units) {
        Ok(_) => Vec::new(),
        Err(p) => p
            .into_vec()
            .into_iter()
            .map(|e| (e.field.to_owned(), e.problem))
            .collect(),
    }
}

#[test]
fn consent_forms_take_one_day_and_name_a_missing_method() {
    let mother = GuardianId::new();
    let unit = UnitId::new();
    let (giver, unit_text) = (mother.to_string(), unit.to_string());
    let form = ConsentForm {
        givers: vec![&giver],
        units: vec![&unit_text],
        purposes: vec!["dele"],
        valid_from: "01.03.2026",
        valid_to: "01.03.2026",
        method: "digitalt",
        note: "",
        has_scan: false,
    };
    let givers = [Giver::Guardian(mother)];
    let parsed = NewConsent::parse(&form, &givers, &[unit]);
    let parsed = parsed.map_err(|p| format!("{:?}", p.into_vec())).unwrap();
    assert_eq!(parsed.valid_from, d(2026, 3, 1));
    assert_eq!(parsed.valid_to, d(2026, 3, 1), "a consent for one day");
    assert_eq!(parsed.givers, givers);
    assert_eq!(parsed.units, [unit]);
    assert_eq!(parsed.method, Method::Digital);

    let no_method = ConsentForm { method: "", ..form };
    assert_eq!(
        problems(&no_method, &givers, &[unit]),
        [("metode".to_owned(), Problem::Required)]
    );
    let odd_method = ConsentForm {
        method: "telepatisk",
        ..no_method
    };
    assert_eq!(
        problems(&odd_method, &givers, &[unit]),
        [("metode".to_owned(), Problem::UnknownChoice)]
    );
    let backwards = ConsentForm {
        method: "digitalt",
        valid_to: "28.02.2026",
        ..odd_method
    };
    assert_eq!(
        problems(&backwards, &givers, &[unit]),
        [("gyldig_til".to_owned(), Problem::DateOrder)]
    );
}

#[test]
fn a_level_must_be_chosen() {
    let decide = |to: &str| {
        LevelChange::decide(EscalationModel::Bti, 0, to, "Uro.", "", "Trygg hverdag.")
            .err()
            .map(|p| {
                p.into_vec()
                    .into_iter()
                    .map(|e| (e.field, e.problem))
                    .collect::<Vec<_>>()
            })
    };
    assert_eq!(decide(""), Some(vec![("niva", Problem::Required)]));
    assert_eq!(decide("9"), Some(vec![("niva", Problem::UnknownChoice)]));
    assert_eq!(decide("0"), Some(vec![("niva", Problem::SameLevel)]));
    assert_eq!(decide("1"), None);
}
