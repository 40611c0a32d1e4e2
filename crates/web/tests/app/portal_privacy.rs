//! Fixes to the family's portal after the outside test of issue #12
//! (F3): what the guardians do not see of the youth's own consents, child
//! welfare's break-glass openings before they are reviewed, a consent sent
//! twice, the guardian named to staff, the start page's listing in «Hvem
//! har sett loggen», and the units the family may consent to. Each
//! scenario runs on both engines.

use crate::on_every_backend;
use chrono::{Datelike, NaiveDate};
use diesel::prelude::*;
use laget_db::schema::{children, consents, guardians};
use laget_domain::children::national_id::NationalId;
use laget_testkit::TestApp;

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

fn mother_id() -> String {
    let d = NaiveDate::from_ymd_opt(1985, 3, 1).unwrap_or_default();
    NationalId::synthetic(d, 41).unwrap().expose().to_owned()
}

fn father_id() -> String {
    let d = NaiveDate::from_ymd_opt(1983, 7, 9).unwrap_or_default();
    NationalId::synthetic(d, 42).unwrap().expose().to_owned()
}

/// Registers the guardians' national identity numbers directly.
fn register_guardians(app: &TestApp) {
    let fx = app.fx.log.clone();
    for (g, id) in [(fx.mother, mother_id()), (fx.father, father_id())] {
        app.with_conn(|c| {
            diesel::update(guardians::table.find(g.to_string()))
                .set(guardians::national_id.eq(Some(id)))
                .execute(c)
                .unwrap()
        });
    }
}

/// Makes the child a youth of 16 who can log in; the youth's number.
fn make_youth(app: &TestApp) -> String {
    let fx = app.fx.log.clone();
    let born = NaiveDate::from_ymd_opt(today().year() - 16, 1, 15).unwrap_or_default();
    let youth = NationalId::synthetic(born, 43).unwrap().expose().to_owned();
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
    youth
}

fn consent_page(app: &TestApp) -> String {
    format!("/familie/logger/{}/samtykke", app.fx.log.log)
}

fn log_page(app: &TestApp) -> String {
    format!("/familie/logger/{}", app.fx.log.log)
}

fn give_form(unit: &str, to: &str) -> Vec<(&'static str, String)> {
    vec![
        ("enheter", unit.to_owned()),
        ("formal", "dele".to_owned()),
        ("gyldig_til", to.to_owned()),
        ("bekreft", "ja".to_owned()),
    ]
}

fn pairs<'a>(f: &'a [(&'static str, String)]) -> Vec<(&'a str, &'a str)> {
    f.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

fn consent_count(app: &TestApp) -> i64 {
    app.with_conn(|c| consents::table.count().get_result(c).unwrap())
}

/// #3: a consent the youth gave alone (here to the health centre,
/// digitally) is the youth's own matter: the guardians see neither it on
/// the consent page nor its events (given, withdrawn) on the timeline; the
/// youth sees both.
async fn the_youths_own_consent_is_not_shown_to_the_guardians(app: TestApp) {
    register_guardians(&app);
    let youth = make_youth(&app);
    let mut me = app.citizen_client(&youth).await;
    let f = give_form(&app.fx.log.health_unit.to_string(), &day(30));
    let r = me.post(&consent_page(&app), &pairs(&f)).await;
    assert_eq!(r.status, 303, "{}", r.body);
    let log_id = app.fx.log.log.to_string();
    let id: String = app.with_conn(|c| {
        consents::table
            .filter(consents::log_id.eq(log_id))
            .filter(consents::givers.eq("ungdom"))
            .select(consents::id)
            .first(c)
            .unwrap()
    });
    // The youth sees it: on the consent page and on the timeline.
    let page = me.get(&consent_page(&app)).await;
    assert!(page.body.contains("Testheia helsestasjon"), "{}", page.body);
    let log = me.get(&log_page(&app)).await;
    assert!(log.body.contains("via ID-porten for Testheia helsestasjon"));
    // The mother sees neither.
    let mut mother = app.citizen_client(&mother_id()).await;
    let page = mother.get(&consent_page(&app)).await;
    assert_eq!(page.status, 200);
    assert!(!page.body.contains(&id), "the consent is not listed");
    assert!(
        !page.body.contains("Gitt av</dt><dd>ungdommen"),
        "{}",
        page.body
    );
    let log = mother.get(&log_page(&app)).await;
    assert_eq!(log.status, 200);
    assert!(
        !log.body.contains("via ID-porten for Testheia helsestasjon"),
        "{}",
        log.body
    );
    // Withdrawn: the youth sees the withdrawal, the mother does not.
    let r = me
        .post(
            &format!("{}/{id}/trekk", consent_page(&app)),
            &[("begrunnelse", "")],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let log = me.get(&log_page(&app)).await;
    assert!(
        log.body.contains("trukket tilbake via ID-porten"),
        "{}",
        log.body
    );
    let log = mother.get(&log_page(&app)).await;
    assert!(!log.body.contains("Testheia helsestasjon trukket tilbake"));
    assert!(!log.body.contains("trukket tilbake via ID-porten"));
    // A consent the guardians gave is still shown to them (the paper
    // consent for PPT in the fixtures).
    let page = mother.get(&consent_page(&app)).await;
    assert!(page.body.contains(&app.fx.log.ppt_consent.to_string()));
}

on_every_backend!(
    a_youths_own_consent_is_hidden_from_the_guardians,
    the_youths_own_consent_is_not_shown_to_the_guardians
);

fn seen_page(app: &TestApp) -> String {
    format!("/familie/logger/{}/innsyn", app.fx.log.log)
}

/// #4: child welfare's break-glass opening (the fixtures open one on the
/// log) and its reads are not in the family's «Hvem har sett loggen» until
/// the leader of the keeping unit has reviewed the opening; then they are.
/// The page always says that such openings are shown once checked.
async fn break_glass_shows_after_the_review(app: TestApp) {
    use laget_db::schema::{access_log, logs};
    register_guardians(&app);
    // Child welfare reads the log under its opening.
    let mut welfare = app.client(laget_testkit::Who::ChildWelfareBreakGlass).await;
    let r = welfare.get(&format!("/logger/{}", app.fx.log.log)).await;
    assert_eq!(r.status, 200);
    let grounds: Vec<String> = app.with_conn(|c| {
        access_log::table
            .filter(access_log::ground.like("nodtilgang%"))
            .select(access_log::ground)
            .load(c)
            .unwrap()
    });
    assert!(grounds.len() >= 2, "the opening and the read: {grounds:?}");
    let mut mother = app.citizen_client(&mother_id()).await;
    assert_eq!(mother.get(&log_page(&app)).await.status, 200);
    let page = mother.get(&seen_page(&app)).await;
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("først etter at lederen"),
        "{}",
        page.body
    );
    assert!(!page.body.contains("Nødtilgang"), "{}", page.body);
    assert!(!page.body.contains("med nødtilgang</td>"), "{}", page.body);
    // Other rows are there (the mother's own reading of the log).
    assert!(page.body.contains("Leste loggen"), "{}", page.body);
    // The leader reviews the opening.
    let home: String = app.with_conn(|c| {
        logs::table
            .find(app.fx.log.log.to_string())
            .select(logs::home_unit_id)
            .first(c)
            .unwrap()
    });
    let mut leader = app.client(laget_testkit::Who::Leder).await;
    let r = leader
        .post(
            &format!("/enheter/{home}/nodtilgang/{}", app.fx.log.break_glass),
            &[("merknad", "Kontrollert: begrunnet.")],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let page = mother.get(&seen_page(&app)).await;
    assert!(
        page.body.contains("Åpnet loggen med nødtilgang"),
        "{}",
        page.body
    );
    assert!(page.body.contains("Nødtilgang i en alvorlig situasjon"));
    assert!(page.body.contains("først etter at lederen"));
    // The written reason is never shown.
    assert!(!page.body.contains("Bekymringsmelding mottatt i dag"));
}

on_every_backend!(
    break_glass_is_shown_to_the_family_after_the_review,
    break_glass_shows_after_the_review
);

/// #8: the start page's listing is recorded as a listing («Så oversikten
/// over loggene»), not as a read of the log; opening the log is «Leste
/// loggen». Every read is still recorded.
async fn the_start_page_is_a_listing(app: TestApp) {
    use laget_db::schema::access_log;
    register_guardians(&app);
    let mut mother = app.citizen_client(&mother_id()).await;
    let count = |app: &TestApp, action: &'static str| -> i64 {
        app.with_conn(|c| {
            access_log::table
                .filter(access_log::citizen_id.is_not_null())
                .filter(access_log::action.eq(action))
                .count()
                .get_result(c)
                .unwrap()
        })
    };
    let r = mother.get("/familie").await;
    assert_eq!(r.status, 200);
    assert_eq!(count(&app, "list"), 1, "the listing is recorded");
    assert_eq!(count(&app, "read"), 0, "not as a read of the log");
    let r = mother.get(&log_page(&app)).await;
    assert_eq!(r.status, 200);
    assert!(count(&app, "read") >= 1);
    let page = mother.get(&seen_page(&app)).await;
    assert!(
        page.body.contains("Så oversikten over loggene"),
        "{}",
        page.body
    );
    assert!(page.body.contains("Leste loggen"));
}

on_every_backend!(
    the_start_page_is_recorded_as_a_listing,
    the_start_page_is_a_listing
);

/// #6: the consent form sent twice — one after the other, and two at once
/// — makes one consent; the second lands on the first (303 both times).
async fn a_consent_sent_twice_is_one(app: TestApp) {
    register_guardians(&app);
    let mut mother = app.citizen_client(&mother_id()).await;
    let mut again = app.citizen_client(&mother_id()).await;
    let before = consent_count(&app);
    let f = give_form(&app.fx.log.health_unit.to_string(), &day(60));
    let r = mother.post(&consent_page(&app), &pairs(&f)).await;
    assert_eq!(r.status, 303, "{}", r.body);
    let r = again.post(&consent_page(&app), &pairs(&f)).await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(consent_count(&app), before + 1, "one consent");
    // Two at once, of another form.
    let g = give_form(&app.fx.log.health_unit.to_string(), &day(90));
    let (path, fields) = (consent_page(&app), pairs(&g));
    let (a, b) = tokio::join!(mother.post(&path, &fields), again.post(&path, &fields));
    assert_eq!(a.status, 303);
    assert_eq!(b.status, 303);
    assert_eq!(consent_count(&app), before + 2, "one more");
}

on_every_backend!(a_consent_sent_twice_makes_one, a_consent_sent_twice_is_one);

/// #10: the family's consent form offers the same units as the staff's
/// consent form: every active unit serving the municipality (a new school,
/// SFO, …), not only the team's and the services'.
async fn the_family_may_consent_to_every_unit_staff_may(app: TestApp) {
    use laget_db::schema::{logs, unit_municipalities, units};
    register_guardians(&app);
    let log_id = app.fx.log.log.to_string();
    let names: Vec<String> = app.with_conn(|c| {
        let m: String = logs::table
            .find(log_id)
            .select(logs::municipality_id)
            .first(c)
            .unwrap();
        units::table
            .inner_join(unit_municipalities::table)
            .filter(unit_municipalities::municipality_id.eq(m))
            .filter(units::active.eq(true))
            .select(units::name)
            .load(c)
            .unwrap()
    });
    assert!(names.len() > 3, "{names:?}");
    let mut mother = app.citizen_client(&mother_id()).await;
    let page = mother.get(&consent_page(&app)).await;
    assert_eq!(page.status, 200);
    for n in &names {
        assert!(page.body.contains(n.as_str()), "{n}: {}", page.body);
    }
}

on_every_backend!(
    the_family_is_offered_the_staff_forms_units,
    the_family_may_consent_to_every_unit_staff_may
);

// Privacy fixes after the outside test of issue #13 (F2): a report of
// concern in the family's portal and in the coordinating unit's limited
// view; the reason for an individual plan's refusal.

/// The staff member (`Who::Ansatt`) writes a report of concern from the
/// fixture log and sends it to child welfare; the guardians are told if
/// `told`, else not («Fare for barnet»; the child is not told either).
fn send_report_from_log(app: &TestApp, told: bool) {
    use laget_db::reports::draft::{self, SendOutcome};
    use laget_testkit::Who;
    let fx = app.fx.clone();
    app.db
        .write_blocking(move |c| {
            let today = today();
            let actor = laget_db::lookup::actor(c, fx.users[&Who::Ansatt])?;
            let facts = laget_db::lookup::log_facts(c, fx.log.log, actor.user_id(), today)?;
            let reader = actor
                .open_log(&facts, today)
                .expect("the lead opens the log");
            let author = actor.report_author(fx.unit).expect("staff report");
            let id = draft::create_from_log(c, &reader, &author, "test")?;
            let rf = laget_db::lookup::report_facts(c, id)?;
            let editor = actor
                .open_report(&rf)
                .expect("the author")
                .editor()
                .expect("edits");
            let mut form = laget_testkit::builders::valid_report_form(&fx);
            if !told {
                for g in &mut form.foresatte {
                    g.orientert = "nei".to_owned();
                    g.grunn = "Fare for barnet".to_owned();
                }
            }
            match draft::send(c, &editor, form, "test")?.expect("the form is valid") {
                SendOutcome::Sent => {}
                SendOutcome::AwaitingCosign => {
                    let leader = laget_db::lookup::actor(c, fx.users[&Who::Leder])?;
                    let rf = laget_db::lookup::report_facts(c, id)?;
                    let cosigner = leader
                        .open_report(&rf)
                        .expect("the leader")
                        .cosigner()
                        .expect("co-signs");
                    draft::cosign(c, &cosigner, "test")?.expect("sent");
                }
            }
            Ok(())
        })
        .expect("report sent");
}

/// The access-log rows about the fixture log with the ground
/// `opplysningsplikt` (sending a report from it).
fn reporting_duty_rows(app: &TestApp) -> i64 {
    use laget_db::schema::access_log;
    let log = app.fx.log.log.to_string();
    app.with_conn(|c| {
        access_log::table
            .filter(access_log::object_id.eq(log))
            .filter(access_log::ground.like("opplysningsplikt%"))
            .count()
            .get_result(c)
            .unwrap()
    })
}

const PORTAL_REPORT_SENT: &str = "Det er sendt en bekymringsmelding til barneverntjenesten.";

/// #24 (stranger 13): a report the guardians must not be told of (the
/// reporter recorded «Fare for barnet») is not revealed by «Hvem har sett
/// loggen»: the row written when it is sent (ground `opplysningsplikt`) is
/// never shown to the family, nor the timeline entry.
async fn a_report_not_told_is_not_in_who_has_seen(app: TestApp) {
    register_guardians(&app);
    send_report_from_log(&app, false);
    assert!(reporting_duty_rows(&app) > 0, "the sending is recorded");
    let mut mother = app.citizen_client(&mother_id()).await;
    let page = mother.get(&seen_page(&app)).await;
    assert_eq!(page.status, 200, "{}", page.body);
    // Other rows are there (the staff's reads of the log).
    assert!(page.body.contains("Leste loggen"), "{}", page.body);
    assert!(
        !page.body.to_lowercase().contains("opplysningsplikt"),
        "{}",
        page.body
    );
    let log = mother
        .get(&format!("/familie/logger/{}", app.fx.log.log))
        .await;
    assert_eq!(log.status, 200, "{}", log.body);
    assert!(!log.body.contains(PORTAL_REPORT_SENT), "{}", log.body);
    assert!(
        !log.body.to_lowercase().contains("bekymringsmelding"),
        "{}",
        log.body
    );
}

on_every_backend!(
    a_report_the_family_is_not_told_of_is_not_in_who_has_seen,
    a_report_not_told_is_not_in_who_has_seen
);

/// #11 (stranger 13): a report the guardians are told of is shown on the
/// family's page, in neutral words (not the staff's «opplysningsplikt, uten
/// samtykke»); «Hvem har sett loggen» still holds the sending's row back.
/// A report only marked as sent outside Laget (the family was not asked)
/// stays hidden.
async fn a_report_told_is_shown_in_the_portal(app: TestApp) {
    register_guardians(&app);
    let log_page = format!("/familie/logger/{}", app.fx.log.log);
    // Marked as sent outside Laget first: not shown.
    let mut lead = app.client(laget_testkit::Who::Ansatt).await;
    let r = lead
        .post(
            &format!("/logger/{}/bekymringsmelding", app.fx.log.log),
            &[("melding_notat", "Sendt på papir.")],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let mut mother = app.citizen_client(&mother_id()).await;
    let page = mother.get(&log_page).await;
    assert!(!page.body.contains(PORTAL_REPORT_SENT), "{}", page.body);
    assert!(!page.body.contains("Sendt på papir."), "{}", page.body);
    // Sent through Laget, the guardians told: shown.
    send_report_from_log(&app, true);
    let page = mother.get(&log_page).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert_eq!(
        page.body.matches(PORTAL_REPORT_SENT).count(),
        1,
        "{}",
        page.body
    );
    assert!(!page.body.contains("uten samtykke"), "{}", page.body);
    let seen = mother.get(&seen_page(&app)).await;
    assert!(
        !seen.body.to_lowercase().contains("opplysningsplikt"),
        "{}",
        seen.body
    );
    // Staff see that the family sees it (no «Vises ikke på familiens side»
    // on the sent entry).
    let staff = lead.get(&format!("/logger/{}", app.fx.log.log)).await;
    assert!(
        staff
            .body
            .contains("Bekymringsmelding sendt til barnevernet (opplysningsplikt, uten samtykke)"),
        "{}",
        staff.body
    );
}

on_every_backend!(
    a_report_the_family_is_told_of_is_shown_in_the_portal,
    a_report_told_is_shown_in_the_portal
);

/// #8 (stranger 13): the coordinating unit, opening the log only because
/// a plan is asked for (no consent covers it), is not told that a report
/// of concern was sent; the lead is.
async fn the_limited_view_hides_the_report(app: TestApp) {
    use laget_testkit::Who;
    send_report_from_log(&app, true);
    laget_testkit::builders::plan_to(&app.db, &app.fx, laget_domain::plans::PlanStatus::Requested);
    let page = format!("/logger/{}", app.fx.log.log);
    let mut lead = app.client(Who::Ansatt).await;
    let r = lead.get(&page).await;
    assert!(
        r.body
            .contains("Bekymringsmelding er sendt til barnevernet."),
        "{}",
        r.body
    );
    let mut ke = app.client(Who::KoordinerendeEnhet).await;
    let r = ke.get(&page).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("Koordinerende enhet"), "{}", r.body);
    assert!(
        !r.body
            .contains("Bekymringsmelding er sendt til barnevernet."),
        "{}",
        r.body
    );
    assert!(
        !r.body.contains("Bekymringsmelding til barnevernet"),
        "{}",
        r.body
    );
    assert!(!r.body.contains("/bekymringsmelding/skriv"), "{}", r.body);
    assert!(
        !r.body.contains("opplysningsplikt"),
        "the timeline: {}",
        r.body
    );
}

on_every_backend!(
    the_coordinating_units_limited_view_hides_the_report,
    the_limited_view_hides_the_report
);

/// #10 (stranger 13): the family sees why an individual plan was refused,
/// and how to complain.
async fn the_family_sees_the_refusal_reason(app: TestApp) {
    use laget_testkit::Who;
    register_guardians(&app);
    laget_testkit::builders::plan_to(&app.db, &app.fx, laget_domain::plans::PlanStatus::Requested);
    let mut ke = app.client(Who::KoordinerendeEnhet).await;
    let reason = "Filip har ikke behov for langvarige, koordinerte tjenester nå.";
    let r = ke
        .post(
            &format!("/logger/{}/plan/beslutning", app.fx.log.log),
            &[("beslutning", "avsla"), ("begrunnelse", reason)],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let mut mother = app.citizen_client(&mother_id()).await;
    let page = mother
        .get(&format!("/familie/logger/{}/plan", app.fx.log.log))
        .await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(
        page.body.contains("Forespørselen ble avslått."),
        "{}",
        page.body
    );
    assert!(page.body.contains(reason), "{}", page.body);
    assert!(
        page.body.contains("klage til Statsforvalteren"),
        "{}",
        page.body
    );
}

on_every_backend!(
    the_family_sees_why_a_plan_was_refused,
    the_family_sees_the_refusal_reason
);
