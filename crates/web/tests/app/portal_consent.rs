//! Digital consent in the family's portal (issue #12, H4): the guardians'
//! national identity numbers set by staff on the child's guardian form, the
//! consent page, giving and withdrawing consent with the ID-porten login as
//! the signature — gating staff access exactly as a staff-recorded consent
//! does —, the access log's citizen rows, the e-mails (through a real SMTP
//! sink), the language choice and the municipality's texts in other
//! languages. Each scenario runs on both engines.

use crate::on_every_backend;
use chrono::NaiveDate;
use diesel::prelude::*;
use laget_db::schema::{access_log, child_changes, children, consents, guardians, outgoing_mail};
use laget_domain::children::national_id::NationalId;
use laget_testkit::{SmtpSink, TestApp, Who};
use laget_web::WebConfig;
use laget_web::mail::{MailConfig, Security};
use laget_web::outbox::{Worker, WorkerConfig};
use std::time::Duration;

fn today() -> NaiveDate {
    chrono::Utc::now()
        .with_timezone(&chrono_tz::Europe::Oslo)
        .date_naive()
}

fn day(days: i64) -> String {
    (today() + chrono::Duration::days(days))
        .format("%d.%m.%Y")
        .to_string()
}

/// Synthetic national identity numbers for the guardians.
fn mother_id() -> String {
    let d = NaiveDate::from_ymd_opt(1985, 3, 1).unwrap_or_default();
    NationalId::synthetic(d, 21).unwrap().expose().to_owned()
}

fn father_id() -> String {
    let d = NaiveDate::from_ymd_opt(1983, 7, 9).unwrap_or_default();
    NationalId::synthetic(d, 22).unwrap().expose().to_owned()
}

fn consent_page(app: &TestApp) -> String {
    format!("/familie/logger/{}/samtykke", app.fx.log.log)
}

fn consent_count(app: &TestApp) -> i64 {
    app.with_conn(|c| consents::table.count().get_result(c).unwrap())
}

/// Sets a guardian's details and national identity number through the
/// child's guardian form, as the lead (staff of the child's unit).
async fn set_guardian(
    app: &TestApp,
    guardian: laget_domain::ids::GuardianId,
    name: &str,
    relation: &str,
    email: &str,
    national_id: &str,
) -> laget_testkit::TestResponse {
    let mut lead = app.client(Who::Ansatt).await;
    lead.post(
        &format!("/barn/{}/foresatte/{guardian}", app.fx.log.child),
        &[
            ("navn", name),
            ("relasjon", relation),
            ("telefon", "900 00 000"),
            ("epost", email),
            ("foreldreansvar", "ja"),
            ("fodselsnummer", national_id),
        ],
    )
    .await
}

/// The consent form's fields for `unit`, valid to `to`, with or without
/// the confirmation.
fn give_form(unit: &str, to: &str, confirm: bool) -> Vec<(&'static str, String)> {
    let mut f = vec![
        ("enheter", unit.to_owned()),
        ("formal", "dele".to_owned()),
        ("gyldig_til", to.to_owned()),
    ];
    if confirm {
        f.push(("bekreft", "ja".to_owned()));
    }
    f
}

fn pairs<'a>(f: &'a [(&'static str, String)]) -> Vec<(&'a str, &'a str)> {
    f.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

/// The id of the consent a citizen gave last.
fn last_consent(app: &TestApp) -> String {
    app.with_conn(|c| {
        consents::table
            .filter(consents::citizen_id.is_not_null())
            .order(consents::created_at.desc())
            .select(consents::id)
            .first::<String>(c)
            .unwrap()
    })
}

/// Adds the health nurse to the log's team as the lead; the status.
async fn add_health(app: &TestApp) -> axum::http::StatusCode {
    let mut lead = app.client(Who::Ansatt).await;
    let pick = format!(
        "{}:{}",
        app.fx.users[&Who::HealthNotOnTeam],
        app.fx.log.health_unit
    );
    lead.post(
        &format!("/logger/{}/lag", app.fx.log.log),
        &[("ansatt", pick.as_str()), ("rolle", "Helsesykepleier")],
    )
    .await
    .status
}

/// THE PATH: staff register the guardians' national identity numbers; the
/// health nurse cannot open the log; the mother and the father (the
/// municipality needs both) give digital consent to the health centre; the
/// lead adds the nurse to the team and the nurse opens the log; the father
/// cannot withdraw the mother's consent; the mother withdraws hers and the
/// nurse gets 404 on the next request. The staff log page says «Gitt
/// digitalt av … via ID-porten»; the access log has the citizens' rows.
async fn the_path(app: TestApp) {
    let fx = app.fx.log.clone();
    let stored_id = |app: &TestApp| -> Option<String> {
        app.with_conn(|c| {
            guardians::table
                .find(fx.mother.to_string())
                .select(guardians::national_id)
                .first(c)
                .unwrap()
        })
    };
    let before = stored_id(&app);
    // The guardian form: a wrong number is refused beside the field, what
    // was typed is kept, nothing is saved.
    let r = set_guardian(&app, fx.mother, "Mona Fikstursen", "mor", "", "12345678901").await;
    assert_eq!(r.status, 422);
    assert!(
        r.body.contains("Fødselsnummeret er ikke gyldig."),
        "{}",
        r.body
    );
    assert!(r.body.contains("12345678901"), "typed value kept");
    assert_eq!(stored_id(&app), before);
    // The form explains what the number is for.
    let mut lead = app.client(Who::Ansatt).await;
    let form = lead
        .get(&format!("/barn/{}/foresatte/{}", fx.child, fx.mother))
        .await;
    assert!(
        form.body.contains("logge inn på familiens side"),
        "{}",
        form.body
    );
    // Set for real; the mother with an e-mail address, the father without.
    let r = set_guardian(
        &app,
        fx.mother,
        "Mona Fikstursen",
        "mor",
        "mona@test.example",
        &mother_id(),
    )
    .await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(stored_id(&app), Some(mother_id()));
    let r = set_guardian(&app, fx.father, "Frode Fikstursen", "far", "", &father_id()).await;
    assert_eq!(r.status, 303, "{}", r.body);
    // The same number for the other guardian is refused.
    let r = set_guardian(&app, fx.father, "Frode Fikstursen", "far", "", &mother_id()).await;
    assert_eq!(r.status, 422);
    assert!(
        r.body
            .contains("allerede registrert med dette fødselsnummeret")
    );
    // The history holds the change, masked; the child's page shows it masked.
    let history: Vec<(Option<String>, Option<String>)> = app.with_conn(|c| {
        child_changes::table
            .filter(child_changes::field.eq("foresatt_fodselsnummer"))
            .select((child_changes::old_value, child_changes::new_value))
            .load(c)
            .unwrap()
    });
    assert_eq!(history.len(), 2);
    assert!(
        history
            .iter()
            .all(|(_, new)| new.as_deref().is_some_and(|n| n.ends_with("*****")))
    );
    let child_page = lead.get(&format!("/barn/{}", fx.child)).await;
    assert!(
        child_page
            .body
            .contains(&NationalId::parse(&mother_id()).unwrap().masked()),
        "masked in the list: {}",
        child_page.body
    );
    assert!(!child_page.body.contains(&mother_id()), "never whole");

    // Before: the health nurse sees nothing, and cannot be added.
    let mut nurse = app.client(Who::HealthNotOnTeam).await;
    let log_path = format!("/logger/{}", fx.log);
    assert_eq!(nurse.get(&log_path).await.status, 404);
    assert_ne!(add_health(&app).await, 303);

    // The mother's consent page lists the health centre among the units.
    let mut mother = app.citizen_client(&mother_id()).await;
    let page = mother.get(&consent_page(&app)).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("Testheia helsestasjon"));
    assert!(page.body.contains("Hva betyr samtykke?"));
    // The paper consent for PPT is shown as recorded by staff.
    assert!(
        page.body
            .contains("registrert av en ansatt (signert på papir)")
    );
    let health = fx.health_unit.to_string();

    // Without the confirmation: refused beside the box, nothing written,
    // what was typed kept.
    let before = consent_count(&app);
    let f = give_form(&health, &day(100), false);
    let r = mother.post(&consent_page(&app), &pairs(&f)).await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("Kryss av for at du samtykker."));
    assert!(r.body.contains(&day(100)), "the date kept");
    // A date in the past: refused in Norwegian, nothing written.
    let f = give_form(&health, &day(-1), true);
    let r = mother.post(&consent_page(&app), &pairs(&f)).await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("Datoen kan ikke være tilbake i tid."));
    // Beyond the last day allowed.
    let f = give_form(&health, &day(365 * 13), true);
    let r = mother.post(&consent_page(&app), &pairs(&f)).await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("Samtykket kan gjelde til og med"));
    // A unit not offered.
    let f = give_form(&app.fx.other_unit.to_string(), &day(100), true);
    let r = mother.post(&consent_page(&app), &pairs(&f)).await;
    assert_eq!(r.status, 422);
    assert_eq!(consent_count(&app), before, "nothing written");

    // The mother consents: the municipality needs both, so not yet.
    let f = give_form(&health, &day(100), true);
    let r = mother.post(&consent_page(&app), &pairs(&f)).await;
    assert_eq!(r.status, 303, "{}", r.body);
    let mothers = last_consent(&app);
    let (method, givers): (String, String) = app.with_conn(|c| {
        consents::table
            .find(&mothers)
            .select((consents::method, consents::givers))
            .first(c)
            .unwrap()
    });
    assert_eq!(method, "digitalt");
    assert_eq!(givers, fx.mother.to_string());
    assert_ne!(add_health(&app).await, 303, "the father is missing");
    // The father consents too.
    let mut father = app.citizen_client(&father_id()).await;
    let r = father.post(&consent_page(&app), &pairs(&f)).await;
    assert_eq!(r.status, 303, "{}", r.body);
    // Now the nurse may join the team, and opens the log.
    assert_eq!(add_health(&app).await, 303);
    assert_eq!(nurse.get(&log_path).await.status, 200);
    // The staff log page says how it was given.
    let staff_page = lead.get(&log_path).await;
    assert!(
        staff_page
            .body
            .contains("Gitt digitalt av Mona Fikstursen via ID-porten"),
        "{}",
        staff_page.body
    );
    assert!(
        staff_page
            .body
            .contains("via ID-porten for Testheia helsestasjon")
    );

    // The mother's page names the father's as «den andre forelderen».
    let page = mother.get(&consent_page(&app)).await;
    assert!(page.body.contains("den andre forelderen"));
    assert!(page.body.contains("digitalt med ID-porten"));

    // The father cannot withdraw the mother's consent.
    let withdraw = format!("{}/{mothers}/trekk", consent_page(&app));
    let r = father.post(&withdraw, &[("begrunnelse", "")]).await;
    assert_eq!(r.status, 404);
    assert_eq!(nurse.get(&log_path).await.status, 200);
    // The mother withdraws; the nurse gets 404 on the next request.
    let r = mother
        .post(&withdraw, &[("begrunnelse", "Vi vil vente.")])
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(nurse.get(&log_path).await.status, 404);
    let page = mother.get(&consent_page(&app)).await;
    assert!(page.body.contains("Trukket tilbake"));
    assert!(page.body.contains("Vi vil vente."));

    // The access log: the citizens' reads and writes, as citizens, with
    // the ground foresatt.
    let rows: Vec<(String, Option<String>, String, String)> = app.with_conn(|c| {
        access_log::table
            .filter(access_log::citizen_id.is_not_null())
            .filter(access_log::object_id.eq(fx.log.to_string()))
            .select((
                access_log::principal_kind,
                access_log::actor_id,
                access_log::ground,
                access_log::action,
            ))
            .load(c)
            .unwrap()
    });
    assert!(
        rows.iter()
            .all(|(_, actor, ground, _)| actor.is_none() && ground.starts_with("foresatt"))
    );
    assert!(rows.iter().any(|(_, _, _, a)| a == "read"));
    assert!(rows.iter().filter(|(_, _, _, a)| a == "update").count() >= 3);
}

on_every_backend!(
    a_guardian_consents_digitally_staff_open_the_log_and_lose_it_when_withdrawn,
    the_path
);

/// The youth from 15 consents for themself: their own consent covers the
/// health centre under a rule that needs both guardians.
async fn the_youth_consents_for_themself(app: TestApp) {
    let fx = app.fx.log.clone();
    // Sixteen and 40 days whatever the day: the health centre needs 16.
    let born = today()
        .checked_sub_months(chrono::Months::new(16 * 12))
        .unwrap_or_default()
        - chrono::Duration::days(40);
    let youth = NationalId::synthetic(born, 31).unwrap().expose().to_owned();
    let (child, y) = (fx.child.to_string(), youth.clone());
    app.with_conn(|c| {
        diesel::update(children::table.find(child))
            .set((
                children::birth_date.eq(born.format("%Y-%m-%d").to_string()),
                children::national_id.eq(Some(y)),
            ))
            .execute(c)
            .unwrap()
    });
    let mut me = app.citizen_client(&youth).await;
    let page = me.get(&consent_page(&app)).await;
    assert_eq!(page.status, 200, "{}", page.body);
    let f = give_form(&fx.health_unit.to_string(), &day(30), true);
    let r = me.post(&consent_page(&app), &pairs(&f)).await;
    assert_eq!(r.status, 303, "{}", r.body);
    let givers: String = app.with_conn(|c| {
        consents::table
            .find(last_consent(&app))
            .select(consents::givers)
            .first(c)
            .unwrap()
    });
    assert_eq!(givers, "ungdom");
    assert_eq!(add_health(&app).await, 303);
    let mut nurse = app.client(Who::HealthNotOnTeam).await;
    assert_eq!(nurse.get(&format!("/logger/{}", fx.log)).await.status, 200);
    let grounds: Vec<String> = app.with_conn(|c| {
        access_log::table
            .filter(access_log::citizen_id.is_not_null())
            .select(access_log::ground)
            .load(c)
            .unwrap()
    });
    assert!(!grounds.is_empty() && grounds.iter().all(|g| g == "ungdom"));
    // The page names the youth's own consent as theirs.
    let page = me.get(&consent_page(&app)).await;
    assert!(page.body.contains("Gitt av</dt><dd>deg"), "{}", page.body);
}

on_every_backend!(
    a_youth_of_fifteen_consents_for_themself,
    the_youth_consents_for_themself
);

/// A citizen who is no guardian of the child (and a guardian whose number
/// staff have not registered) gets 404 on the page and the form.
async fn strangers_get_404(app: TestApp) {
    let mut stranger = app.citizen_client(&mother_id()).await;
    assert_eq!(stranger.get(&consent_page(&app)).await.status, 404);
    let f = give_form(&app.fx.log.health_unit.to_string(), &day(30), true);
    assert_eq!(
        stranger.post(&consent_page(&app), &pairs(&f)).await.status,
        404
    );
    // Staff are sent to the portal's login, not shown the page.
    let mut staff = app.client(Who::Ansatt).await;
    let r = staff.get(&consent_page(&app)).await;
    assert_ne!(r.status, 200);
}

on_every_backend!(citizens_who_are_not_the_family_get_404, strangers_get_404);

/// The e-mails: the lead is told a consent changed (a link to the log),
/// the mother gets a receipt (a link to the portal); neither names the
/// child, the guardian or the unit.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_lead_and_the_guardian_get_an_email_without_personal_data() {
    for backend in laget_testkit::backends() {
        let sink = SmtpSink::start();
        let config = WebConfig {
            mail: Some(MailConfig {
                host: "127.0.0.1".into(),
                port: sink.port(),
                security: Security::None,
                username: None,
                password: None,
                from: "Laget <laget@test.example>".into(),
                base_url: "https://laget.test.example".into(),
                timeout: Duration::from_secs(5),
            }),
            ..WebConfig::default()
        };
        let app = TestApp::with_config(backend.clone(), config).await;
        let fx = app.fx.log.clone();
        let r = set_guardian(
            &app,
            fx.mother,
            "Mona Fikstursen",
            "mor",
            "mona@test.example",
            &mother_id(),
        )
        .await;
        assert_eq!(r.status, 303);
        let mut mother = app.citizen_client(&mother_id()).await;
        let f = give_form(&fx.health_unit.to_string(), &day(30), true);
        assert_eq!(
            mother.post(&consent_page(&app), &pairs(&f)).await.status,
            303
        );
        let kinds: Vec<(String, Option<String>, Option<String>)> = app.with_conn(|c| {
            outgoing_mail::table
                .order(outgoing_mail::kind)
                .select((
                    outgoing_mail::kind,
                    outgoing_mail::recipient_user_id,
                    outgoing_mail::recipient_guardian_id,
                ))
                .load(c)
                .unwrap()
        });
        assert_eq!(
            kinds,
            vec![
                (
                    "samtykke_endret".to_owned(),
                    Some(app.fx.users[&Who::Ansatt].to_string()),
                    None
                ),
                (
                    "samtykke_kvittering".to_owned(),
                    None,
                    Some(fx.mother.to_string())
                ),
            ]
        );
        let w = Worker::for_app(
            app.state.clone(),
            WorkerConfig {
                poll: Duration::from_millis(20),
                ..WorkerConfig::default()
            },
        );
        while w.run_one().await.unwrap().is_some() {}
        let got = sink.wait_for(2).await;
        let mut subjects = Vec::new();
        for (i, m) in got.iter().enumerate() {
            let whole = format!("{m}\n{}", sink.raw(i));
            for word in ["Fikstursen", "Testbarn", "Mona", "Testheia", "helsestasjon"] {
                assert!(!whole.contains(word), "{word} in {whole}");
            }
            let subject = m["headers"]["Subject"]
                .as_str()
                .unwrap_or_default()
                .to_owned();
            let text = m["text"].as_str().unwrap_or_default();
            if subject.starts_with("Et samtykke") {
                assert!(
                    text.contains(&format!("https://laget.test.example/logger/{}", fx.log)),
                    "{text}"
                );
            } else {
                assert!(
                    text.contains("https://laget.test.example/familie"),
                    "{text}"
                );
            }
            subjects.push(subject);
        }
        subjects.sort();
        assert_eq!(
            subjects,
            [
                "Et samtykke er endret i en logg du følger i Laget",
                "Samtykket ditt er registrert i Laget"
            ]
        );
    }
}

/// The municipality's texts in other languages: its administrator only;
/// the tag is checked; a citizen who picks the language sees the consent
/// text in it, marked with `lang` and `dir`.
async fn texts_in_other_languages(app: TestApp) {
    let m = app.fx.municipality;
    let path = format!("/kommuner/{m}/familietekster");
    for who in [
        Who::Ansatt,
        Who::Leder,
        Who::OtherKommuneadministrator,
        Who::HealthNotOnTeam,
    ] {
        let mut c = app.client(who).await;
        assert_eq!(c.get(&path).await.status, 404, "{who:?}");
        let r = c
            .post(
                &path,
                &[
                    ("sprak", "en"),
                    ("navn", "English"),
                    ("samtykke", "x"),
                    ("velkommen", "y"),
                ],
            )
            .await;
        assert_eq!(r.status, 404, "{who:?}");
    }
    let mut anonymous = app.anonymous();
    assert_ne!(anonymous.get(&path).await.status, 200);
    let mut admin = app.client(Who::Kommuneadministrator).await;
    assert_eq!(admin.get(&path).await.status, 200);
    // The administrator's start page links it.
    assert!(admin.get("/").await.body.contains(&path));
    // A tag that is no language subtag, and bokmål itself, are refused.
    let r = admin
        .post(
            &path,
            &[
                ("sprak", "arabic"),
                ("navn", "العربية"),
                ("samtykke", "الموافقة تعني"),
                ("velkommen", "مرحبا"),
            ],
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(
        r.body
            .contains("Skriv språkkoden med to eller tre bokstaver")
    );
    assert!(r.body.contains("الموافقة تعني"), "kept");
    let r = admin
        .post(
            &path,
            &[
                ("sprak", "nb"),
                ("navn", "Norsk"),
                ("samtykke", "a"),
                ("velkommen", "b"),
            ],
        )
        .await;
    assert_eq!(r.status, 422);
    let r = admin
        .post(
            &path,
            &[
                ("sprak", "ar"),
                ("navn", "العربية"),
                ("samtykke", "الموافقة تعني مشاركة المعلومات"),
                ("velkommen", "مرحبا"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let list = admin.get(&path).await;
    assert!(
        list.body.contains(r#"lang="ar" dir="rtl""#),
        "{}",
        list.body
    );

    // The mother chooses Arabic: the consent page shows the text beside
    // the bokmål one.
    let r = set_guardian(
        &app,
        app.fx.log.mother,
        "Mona Fikstursen",
        "mor",
        "",
        &mother_id(),
    )
    .await;
    assert_eq!(r.status, 303);
    let mut mother = app.citizen_client(&mother_id()).await;
    let page = consent_page(&app);
    let r = mother
        .post(
            "/familie/sprak",
            &[("sprak", "ar"), ("neste", page.as_str())],
        )
        .await;
    assert_eq!(r.status, 303);
    assert_eq!(r.location(), page);
    let body = mother.get(&page).await.body;
    assert!(body.contains(r#"lang="ar" dir="rtl""#), "{body}");
    assert!(body.contains("الموافقة تعني مشاركة المعلومات"));
    assert!(body.contains("Hva betyr samtykke?"), "bokmål beside it");
    // A language the municipality has no texts in is not offered.
    let r = mother
        .post(
            "/familie/sprak",
            &[("sprak", "so"), ("neste", page.as_str())],
        )
        .await;
    assert_eq!(r.status, 404);
    // Nynorsk: the pages in nynorsk.
    let r = mother
        .post(
            "/familie/sprak",
            &[("sprak", "nn"), ("neste", page.as_str())],
        )
        .await;
    assert_eq!(r.status, 303);
    let body = mother.get(&page).await.body;
    assert!(body.contains("Kva betyr samtykke?"), "{body}");
    // Deleted: gone from the list and from the page.
    let r = admin.post(&path, &[("slett", "ar")]).await;
    assert_eq!(r.status, 303);
    assert!(!admin.get(&path).await.body.contains(r#"lang="ar""#));
}

on_every_backend!(
    the_municipality_writes_texts_in_other_languages,
    texts_in_other_languages
);

/// Without a choice the portal speaks the written standard of the child's
/// municipality; the citizen's choice of bokmål overrides it.
async fn the_municipalitys_written_standard_by_default(app: TestApp) {
    use laget_db::schema::municipalities;
    let m = app.fx.municipality.to_string();
    app.with_conn(|c| {
        diesel::update(municipalities::table.find(m))
            .set(municipalities::written_standard.eq("nn"))
            .execute(c)
            .unwrap()
    });
    let r = set_guardian(
        &app,
        app.fx.log.mother,
        "Mona Fikstursen",
        "mor",
        "",
        &mother_id(),
    )
    .await;
    assert_eq!(r.status, 303);
    let mut mother = app.citizen_client(&mother_id()).await;
    let page = consent_page(&app);
    let body = mother.get(&page).await.body;
    assert!(body.contains("Kva betyr samtykke?"), "{body}");
    assert!(body.contains(r#"lang="nn""#));
    let r = mother
        .post(
            "/familie/sprak",
            &[("sprak", "nb"), ("neste", page.as_str())],
        )
        .await;
    assert_eq!(r.status, 303);
    assert!(mother.get(&page).await.body.contains("Hva betyr samtykke?"));
}

on_every_backend!(
    the_portal_speaks_the_municipalitys_written_standard_until_the_citizen_chooses,
    the_municipalitys_written_standard_by_default
);

/// On a closed log the family gives no new consent (no form, the post is a
/// 404) but withdraws one they gave, at once.
async fn a_closed_log_takes_withdrawals(app: TestApp) {
    let fx = app.fx.log.clone();
    let r = set_guardian(&app, fx.mother, "Mona Fikstursen", "mor", "", &mother_id()).await;
    assert_eq!(r.status, 303);
    let mut mother = app.citizen_client(&mother_id()).await;
    let f = give_form(&fx.health_unit.to_string(), &day(30), true);
    assert_eq!(
        mother.post(&consent_page(&app), &pairs(&f)).await.status,
        303
    );
    let given = last_consent(&app);
    let mut lead = app.client(Who::Ansatt).await;
    let r = lead
        .post(
            &format!("/logger/{}/lukk", fx.log),
            &[("begrunnelse", "Saken er avklart.")],
        )
        .await;
    assert_eq!(r.status, 303);
    let page = mother.get(&consent_page(&app)).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Loggen er avsluttet."));
    let before = consent_count(&app);
    assert_eq!(
        mother.post(&consent_page(&app), &pairs(&f)).await.status,
        404
    );
    assert_eq!(consent_count(&app), before);
    let r = mother
        .post(
            &format!("{}/{given}/trekk", consent_page(&app)),
            &[("begrunnelse", "")],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let withdrawn: Option<i64> = app.with_conn(|c| {
        consents::table
            .find(&given)
            .select(consents::withdrawn_at)
            .first(c)
            .unwrap()
    });
    assert!(withdrawn.is_some());
}

on_every_backend!(
    a_closed_log_takes_no_new_consent_but_a_withdrawal,
    a_closed_log_takes_withdrawals
);

/// The notice after giving consent is true: under the fixture
/// municipality's rule (every guardian with parental responsibility), the
/// mother's consent leaves the health centre waiting for the other
/// guardian — and the centre still gets 404 —; after the father's, it says
/// the centre has access. The form's error summary reads naturally, and the
/// page links back to the log.
async fn the_notice_after_consent_says_who_has_access_now(app: TestApp) {
    let fx = app.fx.log.clone();
    for (g, name, relation, number) in [
        (fx.mother, "Mona Fikstursen", "mor", mother_id()),
        (fx.father, "Frode Fikstursen", "far", father_id()),
    ] {
        let r = set_guardian(&app, g, name, relation, "", &number).await;
        assert_eq!(r.status, 303, "{}", r.body);
    }
    let health = fx.health_unit.to_string();
    let f = give_form(&health, &day(100), true);
    let waiting = "Testheia helsestasjon får tilgang når den andre som har foreldreansvar, også har samtykket.";
    let access = "Testheia helsestasjon har tilgang til loggen fra nå.";

    let mut mother = app.citizen_client(&mother_id()).await;
    // The error summary names the box shortly, not with its whole sentence.
    let r = mother
        .post(
            &consent_page(&app),
            &pairs(&give_form(&health, &day(100), false)),
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(
        r.body
            .contains(">Bekreftelse: Kryss av for at du samtykker.</a>"),
        "{}",
        r.body
    );
    assert!(!r.body.contains("over.:"), "{}", r.body);
    // Back to the log, not the overview.
    assert!(
        r.body.contains(&format!(
            "<a class=\"ds-link\" href=\"/familie/logger/{}\">Tilbake til loggen</a>",
            fx.log
        )),
        "{}",
        r.body
    );

    let r = mother.post(&consent_page(&app), &pairs(&f)).await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert!(r.location().contains("melding=gitt"), "{}", r.location());
    let page = mother.get(r.location()).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(
        page.body.contains("Samtykket er registrert."),
        "{}",
        page.body
    );
    assert!(page.body.contains(waiting), "{}", page.body);
    assert!(!page.body.contains(access), "{}", page.body);
    assert!(!page.body.contains("har tilgang fra nå"), "{}", page.body);
    assert_ne!(add_health(&app).await, 303, "the centre is not covered yet");

    let mut father = app.citizen_client(&father_id()).await;
    let r = father.post(&consent_page(&app), &pairs(&f)).await;
    assert_eq!(r.status, 303, "{}", r.body);
    let page = father.get(r.location()).await;
    assert!(page.body.contains(access), "{}", page.body);
    assert!(!page.body.contains(waiting), "{}", page.body);
    // And it is true: the centre may now be put on the team.
    assert_eq!(add_health(&app).await, 303);
}

on_every_backend!(
    the_notice_after_consent_is_true_under_the_rule,
    the_notice_after_consent_says_who_has_access_now
);
