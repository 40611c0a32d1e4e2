//! Editing a child's record: details and national identity number validated
//! as at registration, the units it attends (the added unit's staff then see
//! the child; one's own last unit cannot be removed), guardians (edit, no
//! longer a guardian, never deleted), the history on the child's page, and
//! an access-log row for every change.

use crate::on_every_backend;
use diesel::prelude::*;
use laget_db::schema::{access_log, child_changes, guardians};
use laget_domain::children::national_id::NationalId;
use laget_testkit::{TestApp, Who};

fn today() -> chrono::NaiveDate {
    chrono::Utc::now()
        .with_timezone(&chrono_tz::Europe::Oslo)
        .date_naive()
}

fn ddmmyyyy(d: chrono::NaiveDate) -> String {
    d.format("%d.%m.%Y").to_string()
}

/// The fixture child's birth date as the form shows it.
fn fixture_birth(app: &TestApp) -> String {
    NationalId::parse(&app.fx.log.national_id)
        .ok()
        .and_then(|n| n.birth_date())
        .map(ddmmyyyy)
        .unwrap()
}

/// (field, subject, old, new) as stored.
type ChangeRow = (String, Option<String>, Option<String>, Option<String>);

fn updates_of(app: &TestApp, object: &str) -> i64 {
    let object = object.to_owned();
    app.with_conn(|c| {
        access_log::table
            .filter(access_log::object_id.eq(object))
            .filter(access_log::action.eq("update"))
            .count()
            .get_result(c)
            .unwrap()
    })
}

async fn edit_details(app: TestApp) {
    let fx = app.fx.log.clone();
    let child = fx.child.to_string();
    let edit = format!("/barn/{child}/endre");
    let unit = app.fx.unit.to_string();
    let health = fx.health_unit.to_string();
    let birth = fixture_birth(&app);
    let base = updates_of(&app, &child);
    let mut staff = app.client(Who::Ansatt).await;

    // The form shows the stored values; the number only masked.
    let body = staff.get(&edit).await.body;
    assert!(body.contains("value=\"Testbarn Fikstursen\""), "{body}");
    assert!(body.contains(&birth));
    assert!(body.contains(&format!("{} *****", &fx.national_id[..6])));
    assert!(!body.contains(&fx.national_id));
    assert!(body.contains("Testheia helsestasjon"));

    // Only the child's own units' staff edit it.
    let mut ppt = app.client(Who::PptOnTeam).await;
    assert_eq!(ppt.get(&edit).await.status, 404);
    let r = ppt
        .post(
            &edit,
            &[("navn", "X"), ("fodselsdato", &birth), ("enheter", &unit)],
        )
        .await;
    assert_eq!(r.status, 404);
    let mut health_staff = app.client(Who::HealthNotOnTeam).await;
    assert_eq!(
        health_staff.get(&format!("/barn/{child}")).await.status,
        404
    );

    // Errors in Norwegian beside the fields, the input kept.
    let r = staff
        .post(
            &edit,
            &[
                ("navn", ""),
                ("fodselsdato", "31.02.2020"),
                ("fodselsnummer", "12345678901"),
                ("enheter", &unit),
            ],
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("id=\"navn-error\""));
    assert!(r.body.contains("Dette feltet må fylles ut"));
    assert!(r.body.contains("id=\"fodselsdato-error\""));
    assert!(r.body.contains("Fødselsnummeret er ikke gyldig"));
    assert!(r.body.contains("value=\"12345678901\""));
    // A new birth date that the stored number contradicts is refused.
    let r = staff
        .post(
            &edit,
            &[
                ("navn", "Testbarn Fikstursen"),
                ("fodselsdato", "01.01.2021"),
                ("enheter", &unit),
            ],
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(
        r.body
            .contains("Fødselsnummeret passer ikke med fødselsdatoen")
    );

    // Another child's number is refused with the registration's message.
    let other_birth = today() - chrono::Duration::days(3 * 365);
    let other_id = NationalId::synthetic(other_birth, 3).unwrap();
    let r = staff
        .post(
            "/barn",
            &[
                ("enhet", &unit),
                ("navn", "Annen Prøve"),
                ("fodselsdato", &ddmmyyyy(other_birth)),
                ("fodselsnummer", other_id.expose()),
            ],
        )
        .await;
    assert_eq!(r.status, 303);
    let r = staff
        .post(
            &edit,
            &[
                ("navn", "Testbarn Fikstursen"),
                ("fodselsdato", &ddmmyyyy(other_birth)),
                ("fodselsnummer", other_id.expose()),
                ("enheter", &unit),
            ],
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(
        r.body.contains("allerede registrert i kommunen"),
        "{}",
        r.body
    );

    // Removing one's own (last) unit is refused: nobody here could undo it.
    let r = staff
        .post(
            &edit,
            &[
                ("navn", "Testbarn Fikstursen"),
                ("fodselsdato", &birth),
                ("enheter", &health),
            ],
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("minst én av dine enheter"));
    assert_eq!(
        health_staff.get(&format!("/barn/{child}")).await.status,
        404
    );
    assert_eq!(updates_of(&app, &child), base);

    // A rename and a new unit: saved, in the history, and one access-log row.
    let r = staff
        .post(
            &edit,
            &[
                ("navn", "Testbarn Endretsen"),
                ("fodselsdato", &birth),
                ("enheter", &unit),
                ("enheter", &health),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(updates_of(&app, &child), base + 1);
    let page = staff.get(&format!("/barn/{child}")).await.body;
    assert!(page.contains("<h1 class=\"ds-heading\" data-size=\"lg\">Testbarn Endretsen</h1>"));
    assert!(
        page.contains("Testbarn Fikstursen</td><td>Testbarn Endretsen"),
        "{page}"
    );
    assert!(page.contains("Enhet lagt til (Testheia helsestasjon)"));
    assert!(page.contains("Tora Testansatt"));
    // The added unit's staff now see the child in their list and its page.
    assert!(
        health_staff
            .get("/barn")
            .await
            .body
            .contains("Testbarn Endretsen")
    );
    assert_eq!(
        health_staff.get(&format!("/barn/{child}")).await.status,
        200
    );

    // Saving the same values changes nothing and writes nothing.
    let r = staff
        .post(
            &edit,
            &[
                ("navn", "Testbarn Endretsen"),
                ("fodselsdato", &birth),
                ("enheter", &unit),
                ("enheter", &health),
            ],
        )
        .await;
    assert_eq!(r.status, 303);
    assert_eq!(updates_of(&app, &child), base + 1);

    // Removing the national identity number: the history holds it masked.
    let r = staff
        .post(
            &edit,
            &[
                ("navn", "Testbarn Endretsen"),
                ("fodselsdato", &birth),
                ("fjern_fodselsnummer", "ja"),
                ("enheter", &unit),
            ],
        )
        .await;
    assert_eq!(r.status, 303);
    assert_eq!(updates_of(&app, &child), base + 2);
    let rows: Vec<ChangeRow> = app.with_conn(|c| {
        child_changes::table
            .filter(child_changes::child_id.eq(&child))
            .order((child_changes::changed_at, child_changes::field))
            .select((
                child_changes::field,
                child_changes::subject_id,
                child_changes::old_value,
                child_changes::new_value,
            ))
            .load(c)
            .unwrap()
    });
    let codes: Vec<&str> = rows.iter().map(|r| r.0.as_str()).collect();
    assert!(codes.contains(&"navn"));
    assert!(codes.contains(&"enhet_lagt_til"));
    assert!(codes.contains(&"enhet_fjernet"));
    let nid = rows.iter().find(|r| r.0 == "fodselsnummer").unwrap();
    assert_eq!(
        nid.2.as_deref(),
        Some(format!("{} *****", &fx.national_id[..6]).as_str())
    );
    assert_eq!(nid.3, None);
    assert!(rows.iter().all(|r| {
        [&r.1, &r.2, &r.3]
            .iter()
            .all(|v| v.as_deref() != Some(fx.national_id.as_str()))
    }));
    // The health station was removed again: its staff lose the child.
    assert_eq!(
        health_staff.get(&format!("/barn/{child}")).await.status,
        404
    );
}
on_every_backend!(a_childs_details_and_units_are_editable, edit_details);

async fn edit_guardians(app: TestApp) {
    let fx = app.fx.log.clone();
    let child = fx.child.to_string();
    let mother = format!("/barn/{child}/foresatte/{}", fx.mother);
    let father = format!("/barn/{child}/foresatte/{}", fx.father);
    let log = format!("/logger/{}", fx.log);
    let mut staff = app.client(Who::Ansatt).await;

    let body = staff.get(&mother).await.body;
    assert!(body.contains("value=\"Mona Fikstursen\""));
    assert!(body.contains("value=\"900 00 000\""));
    let mut ppt = app.client(Who::PptOnTeam).await;
    assert_eq!(ppt.get(&mother).await.status, 404);

    // Errors beside the field, the input kept.
    let r = staff
        .post(
            &mother,
            &[
                ("navn", "Mona Fikstursen"),
                ("relasjon", "mor"),
                ("telefon", "900 00 001"),
                ("epost", "ikke-en-adresse"),
                ("foreldreansvar", "ja"),
            ],
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("id=\"epost-error\""));
    assert!(r.body.contains("value=\"900 00 001\""));

    let before = updates_of(&app, &child);
    let r = staff
        .post(
            &mother,
            &[
                ("navn", "Mona Fikstursen"),
                ("relasjon", "mor"),
                ("telefon", "900 00 001"),
                ("epost", "mona@example.no"),
                ("foreldreansvar", "ja"),
            ],
        )
        .await;
    assert_eq!(r.status, 303);
    assert_eq!(updates_of(&app, &child), before + 1);
    let page = staff.get(&format!("/barn/{child}")).await.body;
    assert!(
        page.contains("Telefon (Mona Fikstursen)</td><td>900 00 000</td><td>900 00 001"),
        "{page}"
    );
    assert!(page.contains("mona@example.no"));

    // The school is on the team with the mother's consent only; under the
    // «all guardians» rule it sees nothing while the father is a guardian.
    assert_eq!(
        app.client(Who::SchoolWithoutConsent)
            .await
            .get(&log)
            .await
            .status,
        404
    );
    // The father is no longer a guardian: kept, marked, without an edit
    // link, and his consent is no longer needed.
    let r = staff.post(&format!("{father}/avslutt"), &[]).await;
    assert_eq!(r.status, 303);
    assert_eq!(updates_of(&app, &child), before + 2);
    let page = staff.get(&format!("/barn/{child}")).await.body;
    // His line may carry his masked national identity number between the
    // phone and the mark (the fixture's guardians have one, for the portal).
    let line = page
        .split("<li>")
        .find(|li| li.starts_with("Frode Fikstursen – Far · 900 00 000 · "))
        .and_then(|li| li.split("</li>").next())
        .unwrap_or_default();
    assert!(line.ends_with(" · ikke lenger foresatt"), "{page}");
    assert!(!page.contains(&format!("href=\"{father}\"")));
    assert!(page.contains("Ikke lenger foresatt: Frode Fikstursen"));
    assert_eq!(staff.get(&father).await.status, 404);
    let kept: (String, Option<i64>, bool) = app.with_conn(|c| {
        guardians::table
            .find(fx.father.to_string())
            .select((
                guardians::name,
                guardians::ended_at,
                guardians::parental_responsibility,
            ))
            .first(c)
            .unwrap()
    });
    assert_eq!(kept.0, "Frode Fikstursen");
    assert!(kept.1.is_some());
    assert!(!kept.2);
    assert_eq!(
        app.client(Who::SchoolWithoutConsent)
            .await
            .get(&log)
            .await
            .status,
        200
    );
    // His name stays on the consent he gave; the log lists him as former.
    let log_page = staff.get(&log).await.body;
    assert!(log_page.contains("Frode Fikstursen"));
    // He is not offered as a team member any more.
    assert!(log_page.contains(&format!("<option value=\"{}\"", fx.mother)));
    assert!(!log_page.contains(&format!("<option value=\"{}\"", fx.father)));
    // Ending him again changes nothing.
    let r = staff.post(&format!("{father}/avslutt"), &[]).await;
    assert_eq!(r.status, 303);
    assert_eq!(updates_of(&app, &child), before + 2);
}
on_every_backend!(guardians_are_editable_and_never_deleted, edit_guardians);

/// Giving an existing guardian parental responsibility under the «all
/// guardians» rule closes the log to a team member until they consent too.
async fn responsibility_closes_until_consent(app: TestApp) {
    let fx = app.fx.log.clone();
    let child = fx.child.to_string();
    let log = format!("/logger/{}", fx.log);
    let mut staff = app.client(Who::Ansatt).await;
    let r = staff
        .post(
            &format!("/barn/{child}/foresatte"),
            &[("navn", "Sture Stefar"), ("relasjon", "annen")],
        )
        .await;
    assert_eq!(r.status, 303);
    let mut ppt = app.client(Who::PptOnTeam).await;
    assert_eq!(ppt.get(&log).await.status, 200);
    let stepfather: String = app.with_conn(|c| {
        guardians::table
            .filter(guardians::name.eq("Sture Stefar"))
            .select(guardians::id)
            .first(c)
            .unwrap()
    });
    let r = staff
        .post(
            &format!("/barn/{child}/foresatte/{stepfather}"),
            &[
                ("navn", "Sture Stefar"),
                ("relasjon", "annen"),
                ("foreldreansvar", "ja"),
            ],
        )
        .await;
    assert_eq!(r.status, 303);
    assert_eq!(ppt.get(&log).await.status, 404);
    assert!(
        staff
            .get(&log)
            .await
            .body
            .contains("mangler samtykke fra Sture Stefar")
    );
    // All three consent for PPT: PPT sees the log again.
    let (from, to) = (
        ddmmyyyy(today() - chrono::Duration::days(1)),
        ddmmyyyy(today() + chrono::Duration::days(100)),
    );
    let (m, f, ppt_unit) = (
        fx.mother.to_string(),
        fx.father.to_string(),
        fx.ppt_unit.to_string(),
    );
    let r = staff
        .post(
            &format!("{log}/samtykke"),
            &[
                ("givere", &m),
                ("givere", &f),
                ("givere", &stepfather),
                ("enheter", &ppt_unit),
                ("formal", "dele"),
                ("gyldig_fra", &from),
                ("gyldig_til", &to),
                ("metode", "digitalt"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(ppt.get(&log).await.status, 200);
}
on_every_backend!(
    parental_responsibility_given_by_an_edit_needs_consent_too,
    responsibility_closes_until_consent
);

/// Stranger 12, #9: a national identity number of the wrong length or with
/// letters is told so («11 sifre»), a wrong check digit has its own message;
/// in nynorsk too.
async fn national_id_messages(app: TestApp) {
    let fx = app.fx.log.clone();
    let mother = format!("/barn/{}/foresatte/{}", fx.child, fx.mother);
    let form = |nid: &'static str| {
        vec![
            ("navn", "Mona Fikstursen"),
            ("relasjon", "mor"),
            ("foreldreansvar", "ja"),
            ("fodselsnummer", nid),
        ]
    };
    let mut staff = app.client(Who::Ansatt).await;
    for (typed, message) in [
        ("1483880412", "Et fødselsnummer har 11 sifre."),
        ("abc", "Et fødselsnummer har 11 sifre."),
        ("148388041281", "Et fødselsnummer har 11 sifre."),
        (
            "12345678901",
            "Fødselsnummeret er ikke gyldig. Sjekk sifrene.",
        ),
    ] {
        let r = staff.post(&mother, &form(typed)).await;
        assert_eq!(r.status, 422, "{typed}");
        let error = r
            .body
            .split("id=\"fodselsnummer-error\"")
            .nth(1)
            .and_then(|e| e.split("</").next())
            .unwrap_or_default()
            .to_owned();
        assert!(error.contains(message), "{typed}: {error}");
        assert!(!error.contains("Det har 11 sifre"), "{typed}: {error}");
        assert!(r.body.contains(&format!("value=\"{typed}\"")), "{typed}");
    }
    // The wrong length on the child's own form too.
    let r = staff
        .post(
            &format!("/barn/{}/endre", fx.child),
            &[
                ("navn", "Testbarn Fikstursen"),
                ("fodselsdato", &fixture_birth(&app)),
                ("fodselsnummer", "1483880412"),
                ("enheter", &app.fx.unit.to_string()),
            ],
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("Et fødselsnummer har 11 sifre."));
    // Nynorsk.
    let municipality = app.fx.municipality.to_string();
    app.with_conn(|c| {
        diesel::update(laget_db::schema::municipalities::table.find(municipality))
            .set(laget_db::schema::municipalities::written_standard.eq("nn"))
            .execute(c)
            .unwrap()
    });
    let mut staff = app.client(Who::Ansatt).await;
    let r = staff.post(&mother, &form("abc")).await;
    assert_eq!(r.status, 422);
    assert!(
        r.body.contains("Eit fødselsnummer har 11 siffer."),
        "{}",
        r.body
    );
    let r = staff.post(&mother, &form("12345678901")).await;
    assert!(
        r.body
            .contains("Fødselsnummeret er ikkje gyldig. Sjekk sifra."),
        "{}",
        r.body
    );
}
on_every_backend!(
    a_national_id_of_the_wrong_length_says_eleven_digits_and_a_wrong_one_says_check,
    national_id_messages
);

/// Stranger 12, #9: «Legg til foresatt» takes the national identity number
/// as the edit form does: checked, not the child's nor another guardian's,
/// kept on an error, stored, in the history masked, shown masked, an
/// access-log row — and the new guardian can then use the family's portal.
async fn add_guardian_with_national_id(app: TestApp) {
    let fx = app.fx.log.clone();
    let child = fx.child.to_string();
    let add = format!("/barn/{child}/foresatte");
    let mut staff = app.client(Who::Ansatt).await;

    let page = staff.get(&format!("/barn/{child}")).await.body;
    let form = page
        .split(&format!("action=\"{add}\""))
        .nth(1)
        .and_then(|f| f.split("</form>").next())
        .unwrap_or_default()
        .to_owned();
    assert!(form.contains("name=\"fodselsnummer\""), "{page}");
    assert!(form.contains("logge inn på familiens side"), "{form}");

    let number = NationalId::synthetic(chrono::NaiveDate::from_ymd_opt(1980, 5, 17).unwrap(), 3)
        .unwrap()
        .expose()
        .to_owned();
    let post = |nid: String| {
        vec![
            ("navn", "Sture Stefar".to_owned()),
            ("relasjon", "annen".to_owned()),
            ("foreldreansvar", "ja".to_owned()),
            ("fodselsnummer", nid),
        ]
    };
    let before = updates_of(&app, &child);
    let guardians_before: i64 = app.with_conn(|c| {
        guardians::table
            .filter(guardians::child_id.eq(&child))
            .count()
            .get_result(c)
            .unwrap()
    });
    // Wrong: beside the field, what was typed kept, nothing saved.
    for (typed, message) in [
        ("1483880412".to_owned(), "Et fødselsnummer har 11 sifre."),
        ("12345678901".to_owned(), "Sjekk sifrene."),
        (
            fx.national_id.clone(),
            "allerede registrert med dette fødselsnummeret",
        ),
        (
            app.fx.citizens[&Who::Guardian].clone(),
            "allerede registrert med dette fødselsnummeret",
        ),
    ] {
        let f = post(typed.clone());
        let f: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let r = staff.post(&add, &f).await;
        assert_eq!(r.status, 422, "{typed}");
        let error = r
            .body
            .split("id=\"fodselsnummer-error\"")
            .nth(1)
            .and_then(|e| e.split("</").next())
            .unwrap_or_default()
            .to_owned();
        assert!(error.contains(message), "{typed}: {error}");
        assert!(r.body.contains("value=\"Sture Stefar\""));
        assert!(r.body.contains(&format!("value=\"{typed}\"")));
    }
    let guardians_now: i64 = app.with_conn(|c| {
        guardians::table
            .filter(guardians::child_id.eq(&child))
            .count()
            .get_result(c)
            .unwrap()
    });
    assert_eq!(guardians_now, guardians_before, "nothing saved");
    assert_eq!(updates_of(&app, &child), before);

    // Right: stored, with an access-log row and the history masked.
    let f = post(format!("{} {}", &number[..6], &number[6..]));
    let f: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = staff.post(&add, &f).await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(updates_of(&app, &child), before + 1);
    let (id, stored): (String, Option<String>) = app.with_conn(|c| {
        guardians::table
            .filter(guardians::name.eq("Sture Stefar"))
            .select((guardians::id, guardians::national_id))
            .first(c)
            .unwrap()
    });
    assert_eq!(stored.as_deref(), Some(number.as_str()));
    let rows: Vec<ChangeRow> = app.with_conn(|c| {
        child_changes::table
            .filter(child_changes::subject_id.eq(&id))
            .select((
                child_changes::field,
                child_changes::subject_id,
                child_changes::old_value,
                child_changes::new_value,
            ))
            .load(c)
            .unwrap()
    });
    let masked = format!("{} *****", &number[..6]);
    assert!(
        rows.iter()
            .any(|r| r.0 == "foresatt_lagt_til" && r.3.as_deref() == Some("Sture Stefar")),
        "{rows:?}"
    );
    assert!(
        rows.iter().any(|r| r.0 == "foresatt_fodselsnummer"
            && r.2.is_none()
            && r.3.as_deref() == Some(masked.as_str())),
        "{rows:?}"
    );
    let page = staff.get(&format!("/barn/{child}")).await.body;
    assert!(page.contains(&masked), "{page}");
    assert!(!page.contains(&number), "never whole");
    // The edit form knows it (masked), as if it had been set there.
    let edit = staff
        .get(&format!("/barn/{child}/foresatte/{id}"))
        .await
        .body;
    assert!(edit.contains(&masked));
    assert!(edit.contains("name=\"fjern_fodselsnummer\""));
    // The family's portal knows the new guardian by it.
    let mut stepfather = app.citizen_client(&number).await;
    let home = stepfather.get("/familie").await;
    assert_eq!(home.status, 200);
    assert!(
        home.body
            .contains(&format!("href=\"/familie/logger/{}\"", fx.log)),
        "{}",
        home.body
    );
    // Without a number it still adds, as before.
    let r = staff
        .post(
            &add,
            &[("navn", "Berit Besteforelder"), ("relasjon", "annen")],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
}
on_every_backend!(
    a_guardian_is_added_with_a_checked_national_id_as_on_the_edit_form,
    add_guardian_with_national_id
);
