//! The KS Fiks «offentlig bekymringsmelding» v2 schema, encoded by hand in
//! [`rules`] (independently of Laget's own validation), tested first on
//! hand-written good and bad values — every rule has a case that fails —
//! and then on the messages Laget produces: the message a report sent
//! through the form stores. The demo's messages are checked by
//! `crates/cli/tests/demo_reports.rs` with the same rules.

pub mod rules;

use diesel::prelude::*;
use laget_db::schema::reports;
use laget_testkit::{TestApp, Who};
use rules::{check, check_text, ecma_to_rust, is_date_time, matches_ecma};
use serde_json::{Value, json};

/// A message with every property, valid.
fn full() -> Value {
    json!({
        "kommunenummer": "9999",
        "kommunenavn": "Demo kommune",
        "bydelsnummer": "02",
        "bydelsnavn": "Sentrum",
        "offentligMelder": {
            "personnavn": "Lars Lærer",
            "rolle": "Kontaktlærer",
            "telefonnummer": "+47 912 34 567",
            "epost": "lars.laerer@bakken-skole.demo.no",
            "virksomhet": {
                "navn": "Bakken skole",
                "orgnr": "999000003",
                "adresse": {
                    "adresselinje1": "Skolevegen 3",
                    "adresselinje2": "",
                    "adresselinje3": "",
                    "postnummer": "9990",
                    "poststed": "Demoby"
                }
            }
        },
        "offentligBarn": [{
            "fnr": "01011099999",
            "ufoedt": false,
            "personnavn": "Emma Eksempel",
            "telefonnummer": "",
            "adresse": {"adresselinje1": "Bakkevegen 1", "postnummer": "9990", "poststed": "Demoby"},
            "orientert": false,
            "orientertGrunn": "Hun er for liten til å forstå det."
        }],
        "foresatte": [
            {"personnavn": "Mor Eksempel", "telefonnummer": "900 00 000", "orientert": true, "orientertGrunn": ""},
            {"personnavn": "Far Eksempel", "orientert": false, "orientertGrunn": "Vold i hjemmet."}
        ],
        "behovForTolk": "Nei.",
        "andreHjelpeinstanser": "Helsestasjonen.\nPPT.",
        "melding": {
            "melding": "Emma kommer ofte sulten.\nHun sier hun er redd.",
            "historie": "Siden august.\r\nTiltak: samtaler.",
            "andreSynspunkter": "Ingen."
        },
        "sendingstidspunkt": "2026-12-07T17:04:01+01:00",
        "leveringskanal": "Fagsystem"
    })
}

/// The same with the required properties only.
fn minimal() -> Value {
    json!({
        "kommunenummer": "9998",
        "kommunenavn": "Nabo kommune",
        "bydelsnummer": "00",
        "bydelsnavn": "",
        "offentligMelder": {
            "personnavn": "Nils Nabo",
            "rolle": "Lærar",
            "telefonnummer": "99999999",
            "epost": "nabo@demo.kommune.example",
            "virksomhet": {"navn": "Nabo skule", "adresse": {"adresselinje1": "Skulevegen 1"}}
        },
        "offentligBarn": [{
            "fnr": "",
            "ufoedt": true,
            "personnavn": "",
            "adresse": {"adresselinje1": "Ukjend"},
            "orientert": false
        }],
        "foresatte": [{"personnavn": "Mor Nabo", "orientert": true}],
        "melding": {"melding": "Uro.", "historie": ""},
        "sendingstidspunkt": "2026-12-07T16:04:01Z",
        "leveringskanal": "Fagsystem"
    })
}

fn at<'a>(v: &'a mut Value, pointer: &str) -> &'a mut Value {
    v.pointer_mut(pointer)
        .unwrap_or_else(|| panic!("no {pointer} in the test value"))
}

/// `v` without the property at `pointer`.
fn without(v: &Value, pointer: &str) -> Value {
    let mut v = v.clone();
    let (parent, name) = pointer.rsplit_once('/').unwrap();
    let parent = if parent.is_empty() {
        &mut v
    } else {
        at(&mut v, parent)
    };
    parent.as_object_mut().unwrap().remove(name).unwrap();
    v
}

/// `v` with `value` at `pointer`.
fn with(v: &Value, pointer: &str, value: Value) -> Value {
    let mut v = v.clone();
    *at(&mut v, pointer) = value;
    v
}

fn assert_valid(v: &Value, what: &str) {
    let problems = check(v);
    assert!(problems.is_empty(), "{what}: {problems:#?}");
}

fn assert_invalid(v: &Value, what: &str, mentions: &str) {
    let problems = check(v);
    assert!(
        problems.iter().any(|p| p.contains(mentions)),
        "{what}: expected a problem at {mentions}, got {problems:?}"
    );
}

const REQUIRED: &[&str] = &[
    "/kommunenummer",
    "/kommunenavn",
    "/bydelsnummer",
    "/bydelsnavn",
    "/offentligMelder",
    "/offentligMelder/personnavn",
    "/offentligMelder/rolle",
    "/offentligMelder/telefonnummer",
    "/offentligMelder/epost",
    "/offentligMelder/virksomhet",
    "/offentligMelder/virksomhet/navn",
    "/offentligMelder/virksomhet/adresse",
    "/offentligMelder/virksomhet/adresse/adresselinje1",
    "/offentligBarn",
    "/offentligBarn/0/fnr",
    "/offentligBarn/0/ufoedt",
    "/offentligBarn/0/personnavn",
    "/offentligBarn/0/adresse",
    "/offentligBarn/0/adresse/adresselinje1",
    "/offentligBarn/0/orientert",
    "/foresatte",
    "/foresatte/0/personnavn",
    "/foresatte/0/orientert",
    "/foresatte/1/personnavn",
    "/foresatte/1/orientert",
    "/melding",
    "/melding/melding",
    "/melding/historie",
    "/sendingstidspunkt",
    "/leveringskanal",
];

const OPTIONAL: &[&str] = &[
    "/offentligMelder/virksomhet/orgnr",
    "/offentligMelder/virksomhet/adresse/adresselinje2",
    "/offentligMelder/virksomhet/adresse/adresselinje3",
    "/offentligMelder/virksomhet/adresse/postnummer",
    "/offentligMelder/virksomhet/adresse/poststed",
    "/offentligBarn/0/telefonnummer",
    "/offentligBarn/0/orientertGrunn",
    "/foresatte/0/telefonnummer",
    "/foresatte/0/orientertGrunn",
    "/behovForTolk",
    "/andreHjelpeinstanser",
    "/melding/andreSynspunkter",
];

/// The strings with `^(.*)$`: one line.
const ONE_LINE: &[&str] = &[
    "/kommunenavn",
    "/bydelsnavn",
    "/offentligMelder/personnavn",
    "/offentligMelder/rolle",
    "/offentligMelder/virksomhet/navn",
    "/offentligMelder/virksomhet/orgnr",
    "/offentligMelder/virksomhet/adresse/adresselinje1",
    "/offentligMelder/virksomhet/adresse/adresselinje2",
    "/offentligMelder/virksomhet/adresse/adresselinje3",
    "/offentligMelder/virksomhet/adresse/postnummer",
    "/offentligMelder/virksomhet/adresse/poststed",
    "/offentligBarn/0/personnavn",
    "/offentligBarn/0/adresse/adresselinje1",
    "/offentligBarn/0/orientertGrunn",
    "/foresatte/0/personnavn",
    "/foresatte/0/telefonnummer",
    "/foresatte/0/orientertGrunn",
];

/// The strings without a pattern: anything, line breaks too.
const FREE_TEXT: &[&str] = &[
    "/offentligBarn/0/fnr",
    "/offentligBarn/0/telefonnummer",
    "/behovForTolk",
    "/andreHjelpeinstanser",
    "/melding/melding",
    "/melding/historie",
    "/melding/andreSynspunkter",
    "/leveringskanal",
];

const BOOLEANS: &[&str] = &[
    "/offentligBarn/0/ufoedt",
    "/offentligBarn/0/orientert",
    "/foresatte/0/orientert",
];

#[test]
fn good_messages_validate() {
    assert_valid(&full(), "every property");
    assert_valid(&minimal(), "the required properties only");
    for p in OPTIONAL {
        assert_valid(&without(&full(), p), p);
    }
    // Other properties are allowed (no additionalProperties in the schema).
    let mut extra = full();
    at(&mut extra, "/offentligMelder")
        .as_object_mut()
        .unwrap()
        .insert("ekstra".into(), json!(1));
    assert_valid(&extra, "extra property");
    let mut three = full();
    let child = at(&mut three, "/offentligBarn/0").clone();
    let list = at(&mut three, "/offentligBarn").as_array_mut().unwrap();
    list.push(child.clone());
    list.push(child);
    assert_valid(&three, "three children (no maxItems)");
}

#[test]
fn every_required_property_is_required() {
    for p in REQUIRED {
        assert_invalid(&without(&full(), p), p, &format!("{p}: required"));
    }
}

#[test]
fn every_type_is_checked() {
    assert_invalid(
        &json!([]),
        "an array",
        ": a array where the schema wants a object",
    );
    assert_invalid(&json!("x"), "a string", "wants a object");
    for p in ONE_LINE.iter().chain(FREE_TEXT).chain(&[
        "/kommunenummer",
        "/bydelsnummer",
        "/offentligMelder/telefonnummer",
        "/offentligMelder/epost",
        "/sendingstidspunkt",
    ]) {
        assert_invalid(&with(&full(), p, json!(1)), p, &format!("{p}: a number"));
        assert_invalid(&with(&full(), p, json!(null)), p, &format!("{p}: a null"));
    }
    for p in BOOLEANS {
        assert_invalid(
            &with(&full(), p, json!("false")),
            p,
            &format!("{p}: a string"),
        );
        assert_invalid(&with(&full(), p, json!(0)), p, &format!("{p}: a number"));
    }
    for p in [
        "/offentligMelder",
        "/offentligMelder/virksomhet",
        "/offentligMelder/virksomhet/adresse",
        "/offentligBarn/0",
        "/offentligBarn/0/adresse",
        "/foresatte/0",
        "/melding",
    ] {
        assert_invalid(
            &with(&full(), p, json!("tekst")),
            p,
            &format!("{p}: a string"),
        );
        assert_invalid(&with(&full(), p, json!([])), p, &format!("{p}: a array"));
    }
    for p in ["/offentligBarn", "/foresatte"] {
        let first = at(&mut full(), &format!("{p}/0")).clone();
        assert_invalid(&with(&full(), p, first), p, &format!("{p}: a object"));
    }
}

#[test]
fn the_number_of_children_and_guardians_is_checked() {
    assert_invalid(
        &with(&full(), "/offentligBarn", json!([])),
        "no child",
        "/offentligBarn: fewer than 1",
    );
    assert_invalid(
        &with(&full(), "/foresatte", json!([])),
        "no guardian",
        "/foresatte: fewer than 1",
    );
    let g = json!({"personnavn": "A", "orientert": true});
    assert_valid(
        &with(&full(), "/foresatte", json!([g.clone(), g.clone()])),
        "two",
    );
    assert_invalid(
        &with(&full(), "/foresatte", json!([g.clone(), g.clone(), g])),
        "three guardians",
        "/foresatte: more than 2",
    );
    // The items are checked too.
    assert_invalid(
        &with(&full(), "/foresatte/1/orientert", json!("ja")),
        "second guardian",
        "/foresatte/1/orientert",
    );
}

#[test]
fn one_line_fields_refuse_every_ecma_line_terminator() {
    for p in ONE_LINE {
        for bad in ["a\nb", "a\rb", "a\u{2028}b", "a\u{2029}b", "slutt\n"] {
            assert_invalid(
                &with(&full(), p, json!(bad)),
                p,
                &format!("{p}: does not match"),
            );
        }
        assert_valid(&with(&full(), p, json!("Æ ø å 😀 \t «»")), p);
        assert_valid(&with(&full(), p, json!("")), p);
    }
    for p in FREE_TEXT {
        assert_valid(&with(&full(), p, json!("linje 1\nlinje 2\r\n\u{2028}")), p);
    }
}

#[test]
fn municipality_and_district_numbers() {
    for good in ["0301", "4601", "9999"] {
        assert_valid(&with(&full(), "/kommunenummer", json!(good)), good);
    }
    // «١٢٣٤»: Arabic-Indic digits, which a Unicode \d would take.
    for bad in ["301", "03011", "03a1", "", " 0301", "0301\n", "١٢٣٤"] {
        assert_invalid(
            &with(&full(), "/kommunenummer", json!(bad)),
            bad,
            "/kommunenummer: does not match",
        );
    }
    for good in ["00", "02", "99"] {
        assert_valid(&with(&full(), "/bydelsnummer", json!(good)), good);
    }
    for bad in ["0", "002", "a2", "", "٠٢"] {
        assert_invalid(
            &with(&full(), "/bydelsnummer", json!(bad)),
            bad,
            "/bydelsnummer: does not match",
        );
    }
}

#[test]
fn the_reporters_phone() {
    let p = "/offentligMelder/telefonnummer";
    for good in [
        "99999999",
        "+4799999999",
        "+47 999 99 999",
        "22-33-44-55",
        "0",
    ] {
        assert_valid(&with(&full(), p, json!(good)), good);
    }
    for bad in [
        "",
        "+",
        "++47 99",
        "47 ",
        " 47",
        "12  34",
        "12-",
        "12 -34",
        "(22) 33",
        "999 99 999 tlf",
        "99.99",
        "٩٩",
    ] {
        assert_invalid(
            &with(&full(), p, json!(bad)),
            bad,
            &format!("{p}: does not match"),
        );
    }
}

#[test]
fn the_reporters_email() {
    let p = "/offentligMelder/epost";
    for good in [
        "lærer@skole.no",
        "a.b_c-d@x-y.kommune.no",
        "ÆØÅ@øy.no",
        "ansatt@demo.kommune.example",
        "a_b@c.no",
        "-@c.no",
    ] {
        assert_valid(&with(&full(), p, json!(good)), good);
    }
    for bad in [
        "a@b",        // no top level
        "a@b.c",      // a top level of one letter
        "a@b.n0",     // digits in the top level
        "a@b.æø",     // letters beyond A–Z in the top level
        "a..b@c.no",  // an empty part
        ".a@b.no",    // starts with a dot
        "a.@b.no",    // ends the local part with a dot
        "a@b_c.no",   // _ only in the local part
        "a b@c.no",   // a space
        "a+tag@b.no", // + is not in the class
        "a@b.no\n",   // a line break at the end
        "@b.no",      // no local part
        "a@@b.no",
        "",
    ] {
        assert_invalid(
            &with(&full(), p, json!(bad)),
            bad,
            &format!("{p}: does not match"),
        );
    }
}

#[test]
fn the_time_sent_is_an_rfc3339_date_time() {
    for good in [
        "2026-12-07T16:04:01Z",
        "2026-12-07T17:04:01+01:00",
        "2026-12-07t16:04:01.123456z",
        "2026-06-30T23:59:59.9-12:00",
        "2024-02-29T00:00:00Z",
        "2000-02-29T00:00:00Z",
        "1998-12-31T23:59:60Z",
        "1998-12-31T15:59:60.123-08:00",
    ] {
        assert!(is_date_time(good), "{good}");
        assert_valid(&with(&full(), "/sendingstidspunkt", json!(good)), good);
    }
    for bad in [
        // The published example's own time: no offset, which RFC 3339
        // requires.
        "2020-03-16T13:29:33",
        "2026-12-07 16:04:01Z",
        "2026-12-07",
        "16:04:01Z",
        "2026-13-01T00:00:00Z",
        "2026-00-01T00:00:00Z",
        "2026-04-31T00:00:00Z",
        "2023-02-29T00:00:00Z",
        "1900-02-29T00:00:00Z",
        "2026-12-07T24:00:00Z",
        "2026-12-07T16:60:00Z",
        "2026-12-07T16:04:61Z",
        "1998-12-31T22:59:60Z",
        "2026-12-07T16:04:01+1:00",
        "2026-12-07T16:04:01+0100",
        "2026-12-07T16:04:01+24:00",
        "2026-12-07T16:04:01.Z",
        "2026-12-07T16:04:01ZZ",
        "٢٠٢٦-12-07T16:04:01Z",
        "2026-12-7T16:04:01Z",
        "",
    ] {
        assert!(!is_date_time(bad), "{bad}");
        assert_invalid(
            &with(&full(), "/sendingstidspunkt", json!(bad)),
            bad,
            "/sendingstidspunkt: not an RFC 3339 date-time",
        );
    }
}

#[test]
fn the_ecma_translation_keeps_ecma_meaning() {
    assert_eq!(
        ecma_to_rust(r"^(.*)$").unwrap(),
        r"^([^\n\r\u{2028}\u{2029}]*)$"
    );
    assert_eq!(ecma_to_rust(r"^\d{4}$").unwrap(), r"^[0-9]{4}$");
    // A - after a range and at the end of a class is a literal.
    assert_eq!(ecma_to_rust(r"[a-z0-9-_]").unwrap(), r"[a-z0-9\-_]");
    assert_eq!(ecma_to_rust(r"[a-]").unwrap(), r"[a\-]");
    assert!(matches_ecma(r"^[0-9-_]+$", "1-_"));
    assert!(!matches_ecma(r"^[0-9-_]+$", "1+"));
    assert!(
        ecma_to_rust(r"\w").is_err(),
        "an escape it does not read is refused"
    );
    assert!(!matches_ecma(r"\w", "a"), "and then matches nothing");
    assert!(check_text("{").iter().any(|p| p.contains("not JSON")));
}

/// «Skriv bekymringsmelding» on the fixture log as its lead, then «Send»
/// with `fields`; the stored message.
async fn sent_through_the_form(app: &TestApp, fields: &[(&'static str, String)]) -> String {
    let mut c = app.client(Who::Ansatt).await;
    let r = c
        .post(
            &format!("/logger/{}/bekymringsmelding/skriv", app.fx.log.log),
            &[],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let id = r
        .location()
        .strip_prefix("/bekymringsmeldinger/")
        .and_then(|s| s.strip_suffix("/endre"))
        .unwrap()
        .to_owned();
    let form: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = c
        .post(&format!("/bekymringsmeldinger/{id}/send"), &form)
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    app.with_conn(|c| {
        reports::table
            .find(&id)
            .select(reports::message)
            .first::<Option<String>>(c)
            .unwrap()
    })
    .expect("a sent report has its message")
}

/// The messages stored when reports are sent through the form — every
/// field filled, and the required ones only — validate.
async fn form_messages_validate(app: TestApp) {
    let fnr = app.fx.log.national_id.clone();
    let every: Vec<(&'static str, String)> = vec![
        ("melder_navn", "Åse Øvrebø-Ærlig".into()),
        ("melder_rolle", "Pedagogisk leder".into()),
        ("melder_telefon", "+47 912 34 567".into()),
        ("melder_epost", "åse.øvrebø_1@testlia-bhg.kommune.no".into()),
        ("virksomhet_navn", "Testlia barnehage".into()),
        ("virksomhet_orgnr", "999000003".into()),
        ("virksomhet_adresse", "Barnehageveien 1".into()),
        ("virksomhet_postnummer", "1712".into()),
        ("virksomhet_poststed", "Testbyen".into()),
        ("barn_fnr", fnr.clone()),
        ("barn_navn", "Testbarn Fikstursen".into()),
        ("barn_telefon", "12121212".into()),
        ("barn_adresse", "Gata 2".into()),
        ("barn_postnummer", "1710".into()),
        ("barn_poststed", "Testbyen".into()),
        ("barn_orientert", "nei".into()),
        ("barn_grunn", "Barnet er seks år".into()),
        ("foresatt1_navn", "Mor Fikstursen".into()),
        ("foresatt1_telefon", "98765432".into()),
        ("foresatt1_orientert", "ja".into()),
        ("foresatt2_navn", "Far Fikstursen".into()),
        ("foresatt2_telefon", "+47 98 76 54 32".into()),
        ("foresatt2_orientert", "nei".into()),
        ("foresatt2_grunn", "Mistanke om vold fra far".into()),
        ("tolk", "Ja, far snakker polsk.\nTolk bestilt.".into()),
        ("andre_hjelpeinstanser", "PPT\nHelsestasjonen".into()),
        (
            "melding",
            "Barnet kommer ofte sulten.\r\nSier at hun er redd.".into(),
        ),
        (
            "historie",
            "Samtaler siden august.\n\nTiltak i barnehagen.".into(),
        ),
        ("andre_synspunkter", "Mor er enig.".into()),
    ];
    let required: Vec<(&'static str, String)> = vec![
        ("melder_navn", "Anne Testansatt".into()),
        ("melder_rolle", "Assistent".into()),
        ("melder_telefon", "99999999".into()),
        ("melder_epost", "anne@testlia.no".into()),
        ("virksomhet_navn", "Testlia barnehage".into()),
        ("virksomhet_adresse", "Barnehageveien 1".into()),
        ("barn_fnr", fnr),
        ("barn_navn", "Testbarn Fikstursen".into()),
        ("barn_adresse", "Gata 2".into()),
        ("barn_orientert", "ja".into()),
        ("foresatt1_navn", "Mor Fikstursen".into()),
        ("foresatt1_orientert", "ja".into()),
        ("melding", "Uro.".into()),
        ("historie", "Ingen tiltak ennå.".into()),
    ];
    for (what, fields) in [("every field", every), ("required only", required)] {
        let message = sent_through_the_form(&app, &fields).await;
        let problems = check_text(&message);
        assert!(problems.is_empty(), "{what}: {problems:#?}\n{message}");
        // The checker is not empty-handed: the same message with one rule
        // broken fails.
        let mut broken: Value = serde_json::from_str(&message).unwrap();
        broken["foresatte"] = json!([]);
        assert!(!check(&broken).is_empty());
    }
}
crate::on_every_backend!(
    a_report_sent_through_the_form_validates,
    form_messages_validate
);
