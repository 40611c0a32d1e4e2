//! A youth's own digital consent and health services (DOMAIN.md: «the youth
//! alone from 15 for own matters, from 16 for health»): at 15 the youth's
//! consent in the portal opens the log to a school but not to a health unit
//! (helsestasjon), whose staff need the guardians' consent until the youth
//! turns 16; at 16 the same consent opens it. The consent form tells a
//! 15-year-old so. Each scenario runs on both engines.

use crate::on_every_backend;
use chrono::{Months, NaiveDate};
use diesel::prelude::*;
use laget_db::schema::{children, consents};
use laget_domain::children::national_id::NationalId;
use laget_testkit::{TestApp, Who};

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

/// A birth date `years` years and 40 days ago: that age for the next
/// ten months whatever the day the test runs.
fn born(years: u32) -> NaiveDate {
    today()
        .checked_sub_months(Months::new(years * 12))
        .unwrap_or_default()
        - chrono::Duration::days(40)
}

/// Sets the fixture child's birth date (and, if given, its national
/// identity number) directly, as a staff correction would.
fn set_birth(app: &TestApp, birth: NaiveDate, national_id: Option<String>) {
    let child = app.fx.log.child.to_string();
    app.with_conn(|c| {
        diesel::update(children::table.find(&child))
            .set(children::birth_date.eq(birth.format("%Y-%m-%d").to_string()))
            .execute(c)
            .unwrap();
        if let Some(n) = national_id {
            diesel::update(children::table.find(&child))
                .set(children::national_id.eq(Some(n)))
                .execute(c)
                .unwrap();
        }
    });
}

/// Adds the health nurse to the log's team as the lead; the status (the
/// team form refuses a unit no consent covers).
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

/// The hint on the consent form for a youth under 16 (nb.txt
/// `portal_consent_youth_health`).
const HEALTH_HINT: &str = "må foresatte samtykke til helsetjenester";

/// A youth of 15 consents digitally to the health centre and the school:
/// the school's staff open the log (the municipality's rule needs both
/// guardians, who have not consented), the health nurse does not and cannot
/// be added to the team. At 16 the same consent covers the health centre:
/// the nurse joins the team and opens the log. Were the birth date corrected
/// back to 15, the nurse on the team gets 404 again.
async fn health_waits_for_sixteen(app: TestApp) {
    let fx = app.fx.log.clone();
    let log_path = format!("/logger/{}", fx.log);
    let consent_page = format!("/familie/logger/{}/samtykke", fx.log);
    let fifteen = born(15);
    let youth = NationalId::synthetic(fifteen, 33)
        .unwrap()
        .expose()
        .to_owned();
    set_birth(&app, fifteen, Some(youth.clone()));

    let mut school = app.client(Who::SchoolWithoutConsent).await;
    let mut nurse = app.client(Who::HealthNotOnTeam).await;
    assert_eq!(school.get(&log_path).await.status, 404, "no consent yet");

    // The form tells the youth of 15 that health needs the guardians.
    let mut me = app.citizen_client(&youth).await;
    let page = me.get(&consent_page).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains(HEALTH_HINT), "{}", page.body);

    let (health, school_unit, to) = (
        fx.health_unit.to_string(),
        fx.school_unit.to_string(),
        day(60),
    );
    let r = me
        .post(
            &consent_page,
            &[
                ("enheter", health.as_str()),
                ("enheter", school_unit.as_str()),
                ("formal", "dele"),
                ("gyldig_til", to.as_str()),
                ("bekreft", "ja"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    // The notice says the school has access and health waits for the
    // guardians (not «the other guardian»).
    let notice = me.get(r.location()).await;
    assert!(
        notice
            .body
            .contains("Testbakken skole har tilgang til loggen fra nå."),
        "{}",
        notice.body
    );
    assert!(
        notice.body.contains(
            "Testheia helsestasjon får tilgang når foresatte også har samtykket, fordi samtykke til helsetjenester"
        ),
        "{}",
        notice.body
    );
    let givers: Vec<String> = app.with_conn(|c| {
        consents::table
            .filter(consents::citizen_id.is_not_null())
            .select(consents::givers)
            .load(c)
            .unwrap()
    });
    assert_eq!(givers, ["ungdom"]);

    // Own matters from 15: the school opens the log.
    assert_eq!(school.get(&log_path).await.status, 200);
    // Health only from 16: the nurse cannot join and does not open it.
    assert_ne!(add_health(&app).await, 303, "health waits for 16");
    assert_eq!(nurse.get(&log_path).await.status, 404);

    // At 16 the same consent covers the health centre; the hint is gone.
    set_birth(&app, born(16), None);
    assert_eq!(add_health(&app).await, 303);
    assert_eq!(nurse.get(&log_path).await.status, 200);
    let page = me.get(&consent_page).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(!page.body.contains(HEALTH_HINT));

    // The gate itself, with the nurse on the team: at 15 again, 404.
    set_birth(&app, fifteen, None);
    assert_eq!(nurse.get(&log_path).await.status, 404);
    assert_eq!(school.get(&log_path).await.status, 200);
}

on_every_backend!(
    a_youth_of_fifteen_consents_alone_for_school_but_not_health_until_sixteen,
    health_waits_for_sixteen
);
