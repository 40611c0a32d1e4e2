//! After a report of concern is sent (issue #13, R2): child welfare's inbox
//! (every municipality the service serves, nothing of another service's),
//! acknowledging receipt and recording the outcome (feedback rows,
//! access-log rows, e-mail through a real SMTP server without personal
//! data), what the reporter sees, who gets a 404, the log link only where
//! the log's own rules open it, and the counts with small numbers
//! suppressed. Both engines.
//!
//! The sent reports are inserted directly ([`sent_report`]) as sending
//! leaves them (status `sendt`, the KS Fiks message, the child welfare
//! service, the time sent), so these tests do not depend on the form.

use chrono::Utc;
use diesel::prelude::*;
use laget_db::admin::{units, users};
use laget_db::schema::{access_log, outgoing_mail, report_feedback, reports, unit_municipalities};
use laget_db::to_micros;
use laget_domain::access::Operator;
use laget_domain::admin::unit::UnitKind;
use laget_domain::admin::user::Role;
use laget_domain::ids::{LogId, ReportId};
use laget_domain::reports::fiks::{self, Message};
use laget_domain::{MunicipalityId, UnitId, UserId};
use laget_testkit::{SmtpSink, TestApp, Who};
use laget_web::WebConfig;
use laget_web::mail::{MailConfig, Security};
use laget_web::outbox::{Worker, WorkerConfig};
use std::time::Duration;

use crate::on_every_backend;

/// The fixtures' child welfare service («Testbyen barneverntjeneste»).
pub fn welfare_unit(app: &TestApp) -> UnitId {
    use laget_db::schema::units as u;
    app.with_conn(|c| {
        u::table
            .filter(u::name.eq("Testbyen barneverntjeneste"))
            .select(u::id)
            .first::<String>(c)
            .unwrap()
            .parse()
            .unwrap()
    })
}

/// A child welfare service of the other municipality with one staff member.
fn other_service(app: &TestApp) -> (UnitId, UserId) {
    let other = app.fx.other_municipality;
    app.with_conn(|c| {
        let op = Operator::at_console();
        let cap = op.administer(other);
        let unit = units::create(
            c,
            &cap,
            &laget_testkit::builders::unit_fields(
                "Annenkommune barneverntjeneste",
                UnitKind::Barnevern,
            ),
            "test",
        )
        .unwrap();
        let user =
            laget_testkit::builders::UserBuilder::new("test.annetbv", "Anne Annetbarnevern", "x")
                .create(c, &cap)
                .unwrap();
        users::add_membership(c, &cap, user, Some(unit), Role::Ansatt, "test").unwrap();
        (unit, user)
    })
}

/// Another staff member of the fixtures' child welfare service, without
/// break-glass on the fixture log.
fn welfare_colleague(app: &TestApp) -> UserId {
    let m = app.fx.municipality;
    let unit = welfare_unit(app);
    app.with_conn(|c| {
        let cap = Operator::at_console().administer(m);
        let user = laget_testkit::builders::UserBuilder::new("test.bvkollega", "Kari Kollega", "x")
            .create(c, &cap)
            .unwrap();
        users::add_membership(c, &cap, user, Some(unit), Role::Ansatt, "test").unwrap();
        user
    })
}

/// The KS Fiks message of a report about `child`.
fn message(child: &str) -> Message {
    Message {
        kommunenummer: "9001".into(),
        kommunenavn: "Testkommune".into(),
        bydelsnummer: fiks::NO_DISTRICT.into(),
        bydelsnavn: String::new(),
        offentlig_melder: fiks::Reporter {
            personnavn: "Tora Testansatt".into(),
            rolle: "Pedagogisk leder".into(),
            telefonnummer: "900 00 000".into(),
            epost: "tora@test.example".into(),
            virksomhet: fiks::Organisation {
                navn: "Testlia barnehage".into(),
                orgnr: Some("123456785".into()),
                adresse: fiks::Address {
                    adresselinje1: "Liaveien 1".into(),
                    postnummer: Some("9001".into()),
                    poststed: Some("Testby".into()),
                    ..fiks::Address::default()
                },
            },
        },
        offentlig_barn: vec![fiks::Child {
            fnr: "01017012345".into(),
            ufoedt: false,
            personnavn: child.into(),
            adresse: fiks::Address {
                adresselinje1: "Barneveien 2".into(),
                ..fiks::Address::default()
            },
            orientert: false,
            orientert_grunn: Some("For ung.".into()),
            ..fiks::Child::default()
        }],
        foresatte: vec![fiks::Guardian {
            personnavn: "Gunn Foresattsen".into(),
            telefonnummer: Some("911 11 111".into()),
            orientert: true,
            orientert_grunn: None,
        }],
        behov_for_tolk: Some("Polsk".into()),
        andre_hjelpeinstanser: Some("Helsestasjonen".into()),
        melding: fiks::Concern {
            melding: "Kommer sulten og uten klær etter været.".into(),
            historie: "Samtaler siden august.".into(),
            andre_synspunkter: None,
        },
        sendingstidspunkt: Utc::now().to_rfc3339(),
        leveringskanal: "Fagsystem".into(),
    }
}

/// A report as sending leaves it: from `reporter` of `reporter_unit` about
/// `child` of municipality `m`, delivered to `welfare`, sent at `sent_at`.
#[allow(clippy::too_many_arguments)]
pub fn sent_report_at(
    app: &TestApp,
    m: MunicipalityId,
    reporter: UserId,
    reporter_unit: UnitId,
    welfare: UnitId,
    child: &str,
    log: Option<LogId>,
    sent_at: chrono::DateTime<Utc>,
) -> ReportId {
    let id = ReportId::new();
    let json = serde_json::to_string(&message(child)).unwrap();
    app.with_conn(|c| {
        let now = to_micros(Utc::now());
        diesel::insert_into(reports::table)
            .values((
                reports::id.eq(id.to_string()),
                reports::municipality_id.eq(m.to_string()),
                reports::log_id.eq(log.map(|l| l.to_string())),
                reports::reporter_id.eq(reporter.to_string()),
                reports::reporter_unit_id.eq(reporter_unit.to_string()),
                reports::status.eq("sendt"),
                reports::draft.eq("{}"),
                reports::message.eq(Some(json)),
                reports::child_welfare_unit_id.eq(Some(welfare.to_string())),
                reports::guardians_told.eq(true),
                reports::sent_at.eq(Some(to_micros(sent_at))),
                reports::created_at.eq(now),
                reports::updated_at.eq(now),
            ))
            .execute(c)
            .unwrap();
    });
    id
}

/// A report from the fixtures' staff member (`Who::Ansatt`, Testlia
/// barnehage) sent now.
pub fn sent_report(
    app: &TestApp,
    m: MunicipalityId,
    welfare: UnitId,
    child: &str,
    log: Option<LogId>,
) -> ReportId {
    sent_report_at(
        app,
        m,
        app.fx.users[&Who::Ansatt],
        app.fx.unit,
        welfare,
        child,
        log,
        Utc::now(),
    )
}

fn serve_also(app: &TestApp, unit: UnitId, m: MunicipalityId) {
    app.with_conn(|c| {
        diesel::insert_into(unit_municipalities::table)
            .values((
                unit_municipalities::unit_id.eq(unit.to_string()),
                unit_municipalities::municipality_id.eq(m.to_string()),
            ))
            .execute(c)
            .unwrap();
    });
}

fn rows_for(app: &TestApp, report: ReportId, ground: &str) -> i64 {
    app.with_conn(|c| {
        access_log::table
            .filter(access_log::object_type.eq("bekymringsmelding"))
            .filter(access_log::object_id.eq(report.to_string()))
            .filter(access_log::ground.eq(ground))
            .count()
            .get_result(c)
            .unwrap()
    })
}

/// The inbox lists the reports delivered to the service from every
/// municipality it serves, and none delivered to another service; another
/// service's staff get 404 on this inbox and its reports.
async fn inbox_of_a_shared_service(app: TestApp) {
    let cw = welfare_unit(&app);
    serve_also(&app, cw, app.fx.other_municipality);
    let (other_cw, other_user) = other_service(&app);
    let here = sent_report(&app, app.fx.municipality, cw, "Hedda Herfraby", None);
    let there = sent_report(&app, app.fx.other_municipality, cw, "Dagny Derfraby", None);
    let elsewhere = sent_report(
        &app,
        app.fx.other_municipality,
        other_cw,
        "Elias Annensteds",
        None,
    );
    let mut bv = app.client(Who::ChildWelfareBreakGlass).await;
    let r = bv.get(&format!("/barnevern/{cw}/meldinger")).await;
    assert_eq!(r.status, 200, "{:?}", app.backend);
    assert!(r.body.contains("Hedda Herfraby"), "{}", r.body);
    assert!(r.body.contains("Dagny Derfraby"));
    assert!(r.body.contains("Annenkommune"));
    assert!(r.body.contains("Testlia barnehage"));
    assert!(r.body.contains("Ny"));
    assert!(!r.body.contains("Elias Annensteds"));
    // Every listed report was recorded on child welfare's ground.
    assert_eq!(rows_for(&app, here, "barneverntjenesten"), 1);
    assert_eq!(rows_for(&app, there, "barneverntjenesten"), 1);
    assert_eq!(rows_for(&app, elsewhere, "barneverntjenesten"), 0);
    // The other service: its own inbox, not this one.
    let mut other = app.client_for(other_user).await;
    assert_eq!(
        other
            .get(&format!("/barnevern/{cw}/meldinger"))
            .await
            .status,
        404
    );
    assert_eq!(
        other
            .get(&format!("/barnevern/{cw}/meldinger/{here}"))
            .await
            .status,
        404
    );
    assert_eq!(
        other
            .get(&format!("/barnevern/{other_cw}/meldinger/{here}"))
            .await
            .status,
        404
    );
    assert_eq!(
        other
            .post(
                &format!("/barnevern/{other_cw}/meldinger/{here}/mottatt"),
                &[]
            )
            .await
            .status,
        404
    );
    let r = other.get(&format!("/barnevern/{other_cw}/meldinger")).await;
    assert_eq!(r.status, 200);
    assert!(r.body.contains("Elias Annensteds"));
    assert!(!r.body.contains("Hedda Herfraby"));
    // Staff who are not child welfare have no inbox.
    for who in [Who::Ansatt, Who::Leder, Who::Kommuneadministrator] {
        let mut c = app.client(who).await;
        assert_eq!(
            c.get(&format!("/barnevern/{cw}/meldinger")).await.status,
            404,
            "{who:?}"
        );
        assert_eq!(
            c.get(&format!("/barnevern/{cw}/meldinger/{here}"))
                .await
                .status,
            404,
            "{who:?}"
        );
    }
    // Child welfare reads the whole message.
    let r = bv.get(&format!("/barnevern/{cw}/meldinger/{here}")).await;
    assert_eq!(r.status, 200);
    for text in [
        "Hedda Herfraby",
        "01017012345",
        "Gunn Foresattsen",
        "For ung.",
        "Polsk",
        "Helsestasjonen",
        "Kommer sulten og uten klær etter været.",
        "Samtaler siden august.",
        "Tora Testansatt",
        "Pedagogisk leder",
        "123456785",
        "Liaveien 1, 9001 Testby",
        "Fagsystem",
        "Ikke levert til fagsystemet ennå",
    ] {
        assert!(r.body.contains(text), "{text} missing");
    }
    assert_eq!(rows_for(&app, here, "barneverntjenesten"), 2);
}

on_every_backend!(
    the_inbox_shows_every_served_municipality_and_no_other_service,
    inbox_of_a_shared_service
);

fn mail_config(port: u16) -> MailConfig {
    MailConfig {
        host: "127.0.0.1".into(),
        port,
        security: Security::None,
        username: None,
        password: None,
        from: "Laget <laget@test.example>".into(),
        base_url: "https://laget.test.example".into(),
        timeout: Duration::from_secs(5),
    }
}

fn feedback_kinds(app: &TestApp, report: ReportId) -> Vec<(String, bool)> {
    app.with_conn(|c| {
        report_feedback::table
            .filter(report_feedback::report_id.eq(report.to_string()))
            .order((report_feedback::recorded_at, report_feedback::id))
            .select((
                report_feedback::kind,
                report_feedback::seen_at.is_not_null(),
            ))
            .load(c)
            .unwrap()
    })
}

/// Child welfare acknowledges receipt and opens an investigation: feedback
/// rows, access-log rows, the report's status, and one e-mail per step to
/// the reporter through a real SMTP server, without personal data. The
/// reporter sees the receipt and «Undersøkelse åpnet»; reading marks them
/// seen. A colleague of the reporter who is not the leader gets 404; the
/// leader reads it; child welfare reads it only from its inbox.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledge_and_outcome_give_the_reporter_feedback_and_mail() {
    for backend in laget_testkit::backends() {
        let sink = SmtpSink::start();
        let config = WebConfig {
            mail: Some(mail_config(sink.port())),
            ..WebConfig::default()
        };
        let app = TestApp::with_config(backend.clone(), config).await;
        let reporter = app.fx.users[&Who::Ansatt];
        app.with_conn(|c| {
            use laget_db::schema::users as u;
            diesel::update(u::table.find(reporter.to_string()))
                .set(u::email.eq(Some("tora@test.example")))
                .execute(c)
                .unwrap();
        });
        let cw = welfare_unit(&app);
        let report = sent_report(&app, app.fx.municipality, cw, "Hedda Herfraby", None);
        let page = format!("/barnevern/{cw}/meldinger/{report}");
        let mut bv = app.client(Who::ChildWelfareBreakGlass).await;
        let r = bv.get(&page).await;
        assert!(r.body.contains("Bekreft at meldingen er mottatt"));
        let r = bv.post(&format!("{page}/mottatt"), &[]).await;
        assert_eq!(r.status, 303, "{backend:?}");
        assert_eq!(r.location(), format!("{page}?melding=mottatt"));
        // A second click changes nothing and sends nothing.
        assert_eq!(bv.post(&format!("{page}/mottatt"), &[]).await.status, 303);
        let (status, received_by): (String, Option<String>) = app.with_conn(|c| {
            reports::table
                .find(report.to_string())
                .select((reports::status, reports::received_by))
                .first(c)
                .unwrap()
        });
        assert_eq!(status, "mottatt");
        assert_eq!(
            received_by,
            Some(app.fx.users[&Who::ChildWelfareBreakGlass].to_string())
        );
        // An unknown or missing outcome: the form again, with the error.
        let r = bv
            .post(&format!("{page}/utfall"), &[("utfall", "kanskje")])
            .await;
        assert_eq!(r.status, 422);
        let r = bv.post(&format!("{page}/utfall"), &[]).await;
        assert_eq!(r.status, 422);
        let r = bv
            .post(&format!("{page}/utfall"), &[("utfall", "undersokelse")])
            .await;
        assert_eq!(r.status, 303);
        assert_eq!(
            feedback_kinds(&app, report),
            vec![
                ("mottatt".to_owned(), false),
                ("undersokelse".to_owned(), false)
            ]
        );
        // Each change recorded on child welfare's ground.
        let updates: i64 = app.with_conn(|c| {
            access_log::table
                .filter(access_log::object_id.eq(report.to_string()))
                .filter(access_log::ground.eq("barneverntjenesten"))
                .filter(access_log::action.eq("update"))
                .count()
                .get_result(c)
                .unwrap()
        });
        assert_eq!(updates, 2);
        // An investigation cannot be opened twice.
        let r = bv
            .post(&format!("{page}/utfall"), &[("utfall", "undersokelse")])
            .await;
        assert_eq!(r.status, 422);

        // The mail: one per step, to the reporter, without personal data.
        let kinds: Vec<(String, Option<String>)> = app.with_conn(|c| {
            outgoing_mail::table
                .select((outgoing_mail::kind, outgoing_mail::recipient_user_id))
                .load(c)
                .unwrap()
        });
        assert_eq!(
            kinds,
            vec![
                (
                    "bekymringsmelding_svar".to_owned(),
                    Some(reporter.to_string())
                );
                2
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
        assert_eq!(got.len(), 2);
        for (i, m) in got.iter().enumerate() {
            let whole = format!("{m}\n{}", sink.raw(i));
            for word in [
                "Hedda",
                "Herfraby",
                "Testlia",
                "Testbyen",
                "Foresattsen",
                "sulten",
                "undersøkelse",
                "Undersøkelse",
                &report.to_string(),
            ] {
                assert!(!whole.contains(word), "{word} in {whole}");
            }
            assert_eq!(m["headers"]["To"].as_str(), Some("tora@test.example"));
            let text = m["text"].as_str().unwrap_or_default();
            assert!(
                text.contains("Du har fått svar fra barneverntjenesten på en bekymringsmelding. Logg inn i Laget for å se det."),
                "{text}"
            );
            assert!(
                text.contains("https://laget.test.example/bekymringsmeldinger"),
                "{text}"
            );
        }

        // The reporter: new feedback on the list, both steps on the page.
        let mut tora = app.client(Who::Ansatt).await;
        let r = tora.get("/bekymringsmeldinger").await;
        assert_eq!(r.status, 200);
        assert!(r.body.contains("Hedda Herfraby"));
        assert!(r.body.contains("Nytt svar"));
        assert!(r.body.contains("Testbyen barneverntjeneste"));
        let r = tora.get(&format!("/bekymringsmeldinger/{report}")).await;
        assert_eq!(r.status, 200);
        assert!(r.body.contains("Barneverntjenesten har mottatt meldingen."));
        assert!(r.body.contains("Undersøkelse åpnet"));
        assert!(r.body.contains("Testbyen barneverntjeneste"));
        assert_eq!(
            feedback_kinds(&app, report),
            vec![
                ("mottatt".to_owned(), true),
                ("undersokelse".to_owned(), true)
            ]
        );
        assert!(rows_for(&app, report, "opplysningsplikt") >= 2);
        let r = tora.get("/bekymringsmeldinger").await;
        assert!(!r.body.contains("Nytt svar"));

        // The leader reads it (and marks nothing seen); a colleague who is
        // not the leader, and child welfare outside its inbox, get 404.
        let mut leader = app.client(Who::Leder).await;
        assert_eq!(
            leader
                .get(&format!("/bekymringsmeldinger/{report}"))
                .await
                .status,
            200
        );
        let mut colleague = app.client_for(app.fx.target_user).await;
        assert_eq!(
            colleague
                .get(&format!("/bekymringsmeldinger/{report}"))
                .await
                .status,
            404
        );
        assert!(
            !colleague
                .get("/bekymringsmeldinger")
                .await
                .body
                .contains("Hedda Herfraby")
        );
        assert_eq!(
            bv.get(&format!("/bekymringsmeldinger/{report}"))
                .await
                .status,
            404
        );
        // The investigation ends: dismissed; then nothing more.
        let r = bv
            .post(&format!("{page}/utfall"), &[("utfall", "henlagt")])
            .await;
        assert_eq!(r.status, 303);
        let r = bv
            .post(&format!("{page}/utfall"), &[("utfall", "tiltak")])
            .await;
        assert_eq!(r.status, 422);
        assert_eq!(feedback_kinds(&app, report).len(), 3);
    }
}

/// Child welfare sees a link to the child's log only where the log's own
/// rules let them open it: the fixtures' break-glass holder does, a
/// colleague in the same service without break-glass or consent sees no
/// link and nothing about a log.
async fn no_log_link_without_access(app: TestApp) {
    let cw = welfare_unit(&app);
    let log = app.fx.log.log;
    let report = sent_report(
        &app,
        app.fx.municipality,
        cw,
        "Testbarn Fikstursen",
        Some(log),
    );
    let page = format!("/barnevern/{cw}/meldinger/{report}");
    let mut holder = app.client(Who::ChildWelfareBreakGlass).await;
    let r = holder.get(&page).await;
    assert_eq!(r.status, 200);
    assert!(
        r.body.contains(&format!("/logger/{log}")),
        "{:?}",
        app.backend
    );
    let colleague = welfare_colleague(&app);
    let mut kari = app.client_for(colleague).await;
    let r = kari.get(&page).await;
    assert_eq!(r.status, 200);
    assert!(r.body.contains("Testbarn Fikstursen"));
    assert!(!r.body.contains(&format!("/logger/{log}")));
    assert!(!r.body.contains("Åpne stafettloggen"));
    assert_eq!(kari.get(&format!("/logger/{log}")).await.status, 404);
}

on_every_backend!(
    child_welfare_sees_no_log_link_without_access,
    no_log_link_without_access
);

/// A report waiting for the leader's co-signature, written from the
/// fixture log by the staff member (no message yet).
fn awaiting_cosign(app: &TestApp) -> ReportId {
    let id = ReportId::new();
    let (m, reporter, unit, log) = (
        app.fx.municipality,
        app.fx.users[&Who::Ansatt],
        app.fx.unit,
        app.fx.log.log,
    );
    app.with_conn(|c| {
        let now = to_micros(Utc::now());
        diesel::insert_into(reports::table)
            .values((
                reports::id.eq(id.to_string()),
                reports::municipality_id.eq(m.to_string()),
                reports::log_id.eq(Some(log.to_string())),
                reports::reporter_id.eq(reporter.to_string()),
                reports::reporter_unit_id.eq(unit.to_string()),
                reports::status.eq("til_medsignering"),
                reports::draft.eq("{}"),
                reports::created_at.eq(now),
                reports::updated_at.eq(now),
            ))
            .execute(c)
            .unwrap();
    });
    id
}

/// «Mine oppgaver»: child welfare's new report until it is acknowledged,
/// the leader's report to co-sign, the reporter's unseen feedback until it
/// is read; each names the child only to someone who may open the report.
/// The start page links to the reports, the inbox and the counts.
async fn report_tasks_and_links(app: TestApp) {
    let cw = welfare_unit(&app);
    let (_, other_user) = other_service(&app);
    let report = sent_report(&app, app.fx.municipality, cw, "Hedda Herfraby", None);
    let waiting = awaiting_cosign(&app);
    let mut bv = app.client(Who::ChildWelfareBreakGlass).await;
    let r = bv.get("/mine-oppgaver").await;
    assert_eq!(r.status, 200);
    assert!(
        r.body.contains("Ny bekymringsmelding – bekreft mottak"),
        "{:?}",
        app.backend
    );
    assert!(
        r.body
            .contains(&format!("/barnevern/{cw}/meldinger/{report}"))
    );
    assert!(r.body.contains("Hedda Herfraby"));
    assert!(!r.body.contains("Venter på at du medsignerer"));
    for (who, user) in [
        ("other service", other_user),
        ("colleague", app.fx.target_user),
    ] {
        let mut c = app.client_for(user).await;
        let r = c.get("/mine-oppgaver").await;
        assert!(!r.body.contains("Hedda Herfraby"), "{who}");
        assert!(!r.body.contains(&waiting.to_string()), "{who}");
    }
    let mut leader = app.client(Who::Leder).await;
    let r = leader.get("/mine-oppgaver").await;
    assert!(r.body.contains("Venter på at du medsignerer"));
    assert!(
        r.body
            .contains(&format!("/bekymringsmeldinger/{waiting}/medsigner"))
    );
    assert!(r.body.contains("Testbarn Fikstursen"));
    assert!(!r.body.contains("Hedda Herfraby"));
    let r = leader.get("/bekymringsmeldinger").await;
    assert!(
        r.body
            .contains(&format!("/bekymringsmeldinger/{waiting}/medsigner"))
    );

    // Acknowledged: child welfare's task goes, the reporter's comes.
    let page = format!("/barnevern/{cw}/meldinger/{report}");
    assert_eq!(bv.post(&format!("{page}/mottatt"), &[]).await.status, 303);
    assert!(
        !bv.get("/mine-oppgaver")
            .await
            .body
            .contains("Hedda Herfraby")
    );
    let mut tora = app.client(Who::Ansatt).await;
    let r = tora.get("/mine-oppgaver").await;
    assert!(r.body.contains("Nytt svar fra barneverntjenesten"));
    assert!(r.body.contains(&format!("/bekymringsmeldinger/{report}")));
    assert_eq!(
        tora.get(&format!("/bekymringsmeldinger/{report}"))
            .await
            .status,
        200
    );
    assert!(
        !tora
            .get("/mine-oppgaver")
            .await
            .body
            .contains("Nytt svar fra barneverntjenesten")
    );

    // Links: the staff member's reports, child welfare's inbox (menu and
    // start page), the administrator's counts.
    let r = tora.get("/").await;
    assert!(r.body.contains("href=\"/bekymringsmeldinger\""));
    assert!(!r.body.contains("/barnevern/"));
    let r = bv.get("/").await;
    assert!(
        r.body
            .contains(&format!("href=\"/barnevern/{cw}/meldinger\""))
    );
    assert!(r.body.contains("Innboks fra melderne"));
    let mut admin = app.client(Who::Kommuneadministrator).await;
    let r = admin.get("/").await;
    assert!(r.body.contains(&format!(
        "/kommuner/{}/bekymringsmeldinger/tall",
        app.fx.municipality
    )));
}

on_every_backend!(
    report_tasks_name_the_child_only_to_readers,
    report_tasks_and_links
);

/// The counts for one municipality and year: by who reported, by month and
/// by outcome, with 1–4 shown as «færre enn 5» and the next smallest cell
/// hidden where the suppressed one could be worked out from the sum; other
/// municipalities, other years and drafts do not count. For the
/// municipality's administrator and the serving child welfare service.
async fn counts_with_suppression(app: TestApp) {
    let cw = welfare_unit(&app);
    let (_, other_user) = other_service(&app);
    let m = app.fx.municipality;
    let at = |month: u32| {
        chrono::NaiveDate::from_ymd_opt(2025, month, 15)
            .unwrap()
            .and_hms_opt(12, 0, 0)
            .unwrap()
            .and_utc()
    };
    let kindergarten = (app.fx.users[&Who::Ansatt], app.fx.unit);
    let school = (
        app.fx.users[&Who::SchoolWithoutConsent],
        app.fx.log.school_unit,
    );
    let health = (app.fx.users[&Who::HealthNotOnTeam], app.fx.log.health_unit);
    let sent = |(user, unit): (UserId, UnitId), month: u32, n: usize| {
        for _ in 0..n {
            sent_report_at(
                &app,
                m,
                user,
                unit,
                cw,
                "Tellebarn Tallesen",
                None,
                at(month),
            );
        }
    };
    sent(kindergarten, 3, 4);
    sent(kindergarten, 4, 3);
    sent(school, 3, 2);
    sent(health, 5, 6);
    // Not counted: another year, another municipality, a draft.
    sent_report_at(
        &app,
        m,
        kindergarten.0,
        kindergarten.1,
        cw,
        "X",
        None,
        at(1) - chrono::Duration::days(365),
    );
    sent_report_at(
        &app,
        app.fx.other_municipality,
        kindergarten.0,
        kindergarten.1,
        cw,
        "X",
        None,
        at(3),
    );
    awaiting_cosign(&app);

    let path = format!("/kommuner/{m}/bekymringsmeldinger/tall?ar=2025");
    let csv_path = format!("/kommuner/{m}/bekymringsmeldinger/tall.csv?ar=2025");
    let mut admin = app.client(Who::Kommuneadministrator).await;
    let r = admin.get(&path).await;
    assert_eq!(r.status, 200, "{:?}", app.backend);
    assert!(r.body.contains("færre enn 5"));
    assert!(!r.body.contains("Tellebarn"));
    let r = admin.get(&csv_path).await;
    assert_eq!(r.status, 200);
    let lines: Vec<Vec<String>> = r
        .body
        .trim_start_matches('\u{feff}')
        .lines()
        .map(|l| l.split(';').map(str::to_owned).collect())
        .collect();
    let table = |title: &str| -> Vec<(String, String)> {
        lines
            .iter()
            .filter(|l| l[0] == title)
            .map(|l| (l[1].clone(), l[2].clone()))
            .collect()
    };
    let nb = |k: UnitKind| laget_web::i18n::NB.unit_kind(k).to_owned();
    assert_eq!(
        table("Etter hvem som meldte"),
        vec![
            (nb(UnitKind::Barnehage), "7".to_owned()),
            (nb(UnitKind::Skole), "færre enn 5".to_owned()),
            (nb(UnitKind::Helsestasjon), "skjult".to_owned()),
            ("Sum".to_owned(), "15".to_owned()),
        ]
    );
    let months = table("Etter måned");
    assert_eq!(months.len(), 13);
    assert_eq!(months[2], ("mars 2025".to_owned(), "skjult".to_owned()));
    assert_eq!(
        months[3],
        ("april 2025".to_owned(), "færre enn 5".to_owned())
    );
    assert_eq!(months[4], ("mai 2025".to_owned(), "6".to_owned()));
    assert_eq!(months[0].1, "0");
    assert_eq!(months[12], ("Sum".to_owned(), "15".to_owned()));
    let outcomes = table("Etter utfall");
    assert_eq!(outcomes.last().map(|l| l.1.as_str()), Some("15"));
    assert!(outcomes.contains(&("Ikke avgjort ennå".to_owned(), "15".to_owned())));
    // A year with no reports: zeros, no error; a year that is no year: 404.
    let r = admin
        .get(&format!("/kommuner/{m}/bekymringsmeldinger/tall?ar=2019"))
        .await;
    assert_eq!(r.status, 200);
    let r = admin
        .get(&format!("/kommuner/{m}/bekymringsmeldinger/tall?ar=tjue"))
        .await;
    assert_eq!(r.status, 404);
    // Who may see them.
    let mut bv = app.client(Who::ChildWelfareBreakGlass).await;
    assert_eq!(bv.get(&path).await.status, 200);
    for who in [Who::Ansatt, Who::Leder, Who::OtherKommuneadministrator] {
        let mut c = app.client(who).await;
        assert_eq!(c.get(&path).await.status, 404, "{who:?}");
        assert_eq!(c.get(&csv_path).await.status, 404, "{who:?}");
    }
    let mut other = app.client_for(other_user).await;
    assert_eq!(other.get(&path).await.status, 404);
    assert_eq!(
        app.client(Who::Systemadmin).await.get(&path).await.status,
        200
    );
}

on_every_backend!(
    counts_suppress_small_numbers_beyond_recovery,
    counts_with_suppression
);

/// The whole way through R1's form: a draft from the log shows on the
/// reporter's list with the name typed in the form and a link to go on
/// writing; sent, it shows where it went, and lands in child welfare's
/// inbox, where receipt is acknowledged.
async fn through_the_form(app: TestApp) {
    let mut tora = app.client(Who::Ansatt).await;
    let r = tora
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
    let form: Vec<(&str, String)> = vec![
        ("melder_navn", "Tora Testansatt".into()),
        ("melder_rolle", "Pedagogisk leder".into()),
        ("melder_telefon", "+47 912 34 567".into()),
        ("melder_epost", "tora@testlia.kommune.no".into()),
        ("virksomhet_navn", "Testlia barnehage".into()),
        ("virksomhet_orgnr", "974551683".into()),
        ("virksomhet_adresse", "Barnehageveien 1".into()),
        ("virksomhet_postnummer", "1712".into()),
        ("virksomhet_poststed", "Testbyen".into()),
        ("barn_fnr", app.fx.log.national_id.clone()),
        ("barn_navn", "Annabelle Utkastsen".into()),
        ("barn_adresse", "Gata 2".into()),
        ("barn_postnummer", "1710".into()),
        ("barn_poststed", "Testbyen".into()),
        ("barn_orientert", "nei".into()),
        ("barn_grunn", "Barnet er seks år".into()),
        ("foresatt1_navn", "Mor Fikstursen".into()),
        ("foresatt1_orientert", "ja".into()),
        ("melding", "Barnet kommer ofte sulten.".into()),
        ("historie", "Samtaler siden august.".into()),
    ];
    let fields: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = tora
        .post(&format!("/bekymringsmeldinger/{id}/endre"), &fields)
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let r = tora.get("/bekymringsmeldinger").await;
    assert!(r.body.contains("Annabelle Utkastsen"), "{:?}", app.backend);
    assert!(r.body.contains(&format!("/bekymringsmeldinger/{id}/endre")));
    assert!(r.body.contains("Utkast"));
    let r = tora
        .post(&format!("/bekymringsmeldinger/{id}/send"), &fields)
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let r = tora.get(r.location()).await;
    assert_eq!(r.status, 200);
    assert!(r.body.contains("Sendt, venter på bekreftet mottak"));
    assert!(r.body.contains("Testbyen barneverntjeneste"));
    assert!(r.body.contains("Barnet kommer ofte sulten."));
    let cw = welfare_unit(&app);
    let mut bv = app.client(Who::ChildWelfareBreakGlass).await;
    let r = bv.get(&format!("/barnevern/{cw}/meldinger")).await;
    assert!(r.body.contains("Annabelle Utkastsen"));
    assert!(r.body.contains(&format!("/barnevern/{cw}/meldinger/{id}")));
    let r = bv
        .post(&format!("/barnevern/{cw}/meldinger/{id}/mottatt"), &[])
        .await;
    assert_eq!(r.status, 303);
    let r = tora.get(&format!("/bekymringsmeldinger/{id}")).await;
    assert!(r.body.contains("Barneverntjenesten har mottatt meldingen."));
}

on_every_backend!(
    a_report_sent_through_the_form_reaches_the_inbox,
    through_the_form
);

// ---------------------------------------------------------------------------
// Fixes after the outside test of #13 (F3).

/// A report from the staff member (`Who::Ansatt`) in `status` with `draft`
/// as the form was left (no message: not sent), about a child with a log
/// (`log`) or without one.
fn unsent_report(app: &TestApp, status: &str, draft: &str, log: Option<LogId>) -> ReportId {
    let id = ReportId::new();
    let (m, reporter, unit) = (app.fx.municipality, app.fx.users[&Who::Ansatt], app.fx.unit);
    app.with_conn(|c| {
        let now = to_micros(Utc::now());
        diesel::insert_into(reports::table)
            .values((
                reports::id.eq(id.to_string()),
                reports::municipality_id.eq(m.to_string()),
                reports::log_id.eq(log.map(|l| l.to_string())),
                reports::reporter_id.eq(reporter.to_string()),
                reports::reporter_unit_id.eq(unit.to_string()),
                reports::status.eq(status),
                reports::draft.eq(draft),
                reports::created_at.eq(now),
                reports::updated_at.eq(now),
            ))
            .execute(c)
            .unwrap();
    });
    id
}

/// #1 and #22: `/bekymringsmeldinger` offers «Ny bekymringsmelding» (a
/// child without a log) to staff, with the hint to write from the log; the
/// unit leader sees the reports sent from the unit (not drafts), each read
/// recorded on the leader's ground; another unit's leader sees none.
async fn list_links_new_and_shows_units_reports(app: TestApp) {
    let cw = welfare_unit(&app);
    let sent = sent_report(&app, app.fx.municipality, cw, "Sigrid Sendtsen", None);
    let draft = unsent_report(&app, "utkast", r#"{"barn_navn":"Ulrik Utkastsen"}"#, None);
    let mut tora = app.client(Who::Ansatt).await;
    let r = tora.get("/bekymringsmeldinger").await;
    assert_eq!(r.status, 200, "{:?}", app.backend);
    assert!(r.body.contains("href=\"/bekymringsmeldinger/ny\""));
    assert!(r.body.contains("Ny bekymringsmelding"));
    assert!(r.body.contains("skriv meldingen helst fra loggen"));
    assert_eq!(tora.get("/bekymringsmeldinger/ny").await.status, 200);

    let mut leader = app.client(Who::Leder).await;
    let r = leader.get("/bekymringsmeldinger").await;
    assert_eq!(r.status, 200);
    assert!(r.body.contains("Sendt fra enheter du leder"));
    assert!(r.body.contains("Sigrid Sendtsen"));
    assert!(
        r.body
            .contains(&format!("href=\"/bekymringsmeldinger/{sent}\""))
    );
    assert!(r.body.contains("Tora Testansatt"));
    assert!(r.body.contains("Sendt, venter på bekreftet mottak"));
    assert!(!r.body.contains("Ulrik Utkastsen"));
    assert!(!r.body.contains(&draft.to_string()));
    assert_eq!(rows_for(&app, sent, "leder_av_enheten"), 1);
    assert_eq!(
        leader
            .get(&format!("/bekymringsmeldinger/{sent}"))
            .await
            .status,
        200
    );
    // Child welfare's feedback shows to the leader too.
    let mut bv = app.client(Who::ChildWelfareBreakGlass).await;
    let r = bv
        .post(&format!("/barnevern/{cw}/meldinger/{sent}/mottatt"), &[])
        .await;
    assert_eq!(r.status, 303);
    let r = leader.get("/bekymringsmeldinger").await;
    assert!(r.body.contains("Mottatt"));
    // The leader's reading marks nothing seen for the reporter.
    let r = tora.get("/mine-oppgaver").await;
    assert!(r.body.contains("Nytt svar fra barneverntjenesten"));

    // Not a leader of the unit: nothing of it.
    for who in [Who::PptOnTeam, Who::KoordinerendeEnhet] {
        let mut c = app.client(who).await;
        let r = c.get("/bekymringsmeldinger").await;
        assert!(!r.body.contains("Sigrid Sendtsen"), "{who:?}");
        assert!(!r.body.contains("Sendt fra enheter du leder"), "{who:?}");
    }
}

on_every_backend!(
    the_list_offers_a_new_report_and_the_leader_sees_the_units_reports,
    list_links_new_and_shows_units_reports
);

/// #4: a report the leader sends back gives its author a task «Sendt
/// tilbake fra leder» that opens the draft; it goes when the draft is sent
/// again or deleted. Nobody else gets it.
async fn returned_report_task(app: TestApp) {
    let log = app.fx.log.log;
    let id = unsent_report(&app, "til_medsignering", "{}", Some(log));
    let mut tora = app.client(Who::Ansatt).await;
    let r = tora.get("/mine-oppgaver").await;
    assert!(
        !r.body.contains("Sendt tilbake fra leder"),
        "{:?}",
        app.backend
    );
    let mut leader = app.client(Who::Leder).await;
    let r = leader
        .post(
            &format!("/bekymringsmeldinger/{id}/returner"),
            &[("merknad", "Skriv mer om hva som er prøvd.")],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let r = tora.get("/mine-oppgaver").await;
    assert!(r.body.contains("Sendt tilbake fra leder"));
    assert!(r.body.contains(&format!("/bekymringsmeldinger/{id}/endre")));
    assert!(r.body.contains("Testbarn Fikstursen"), "{}", r.body);
    // The draft, with the leader's note.
    let r = tora.get(&format!("/bekymringsmeldinger/{id}/endre")).await;
    assert_eq!(r.status, 200);
    assert!(r.body.contains("Skriv mer om hva som er prøvd."));
    for who in [Who::Leder, Who::PptOnTeam] {
        let mut c = app.client(who).await;
        let r = c.get("/mine-oppgaver").await;
        assert!(!r.body.contains("Sendt tilbake fra leder"), "{who:?}");
    }
    // Deleted: the task goes.
    let r = tora
        .post(&format!("/bekymringsmeldinger/{id}/slett"), &[])
        .await;
    assert_eq!(r.status, 303);
    let r = tora.get("/mine-oppgaver").await;
    assert!(!r.body.contains("Sendt tilbake fra leder"));
}

on_every_backend!(
    a_report_sent_back_gives_its_author_a_task,
    returned_report_task
);

/// #5: the status names each guardian told or not — before sending (from
/// the form, waiting for the co-signature) and after (from the message).
async fn guardians_told_each(app: TestApp) {
    let draft = r#"{"barn_navn":"Nora Ødegård","foresatte":[
        {"navn":"Kari Ødegård","orientert":"ja"},
        {"navn":"Sindre Ødegård","orientert":"nei","grunn":"Fare for barnet"}]}"#;
    let waiting = unsent_report(&app, "til_medsignering", draft, None);
    let mut tora = app.client(Who::Ansatt).await;
    let r = tora.get(&format!("/bekymringsmeldinger/{waiting}")).await;
    assert_eq!(r.status, 200, "{:?}", app.backend);
    assert!(
        r.body
            .contains("Kari Ødegård: Ja; Sindre Ødegård: Nei. Hvorfor ikke: Fare for barnet"),
        "{}",
        r.body
    );

    let cw = welfare_unit(&app);
    let sent = sent_report(&app, app.fx.municipality, cw, "Nora Ødegård", None);
    let mut msg = message("Nora Ødegård");
    msg.foresatte = vec![
        fiks::Guardian {
            personnavn: "Kari Ødegård".into(),
            telefonnummer: None,
            orientert: true,
            orientert_grunn: None,
        },
        fiks::Guardian {
            personnavn: "Sindre Ødegård".into(),
            telefonnummer: None,
            orientert: false,
            orientert_grunn: Some("Fare for barnet".into()),
        },
    ];
    let json = serde_json::to_string(&msg).unwrap();
    app.with_conn(|c| {
        diesel::update(reports::table.find(sent.to_string()))
            .set((
                reports::message.eq(Some(json)),
                reports::guardians_told.eq(false),
                reports::not_told_reason.eq(Some("Fare for barnet")),
            ))
            .execute(c)
            .unwrap();
    });
    let r = tora.get(&format!("/bekymringsmeldinger/{sent}")).await;
    assert!(
        r.body
            .contains("Kari Ødegård: Ja; Sindre Ødegård: Nei. Hvorfor ikke: Fare for barnet")
    );
    assert!(
        !r.body
            .contains("<dd>Nei. Hvorfor ikke: Fare for barnet</dd>")
    );
}

on_every_backend!(
    the_status_says_for_each_guardian_whether_told,
    guardians_told_each
);

/// #21: a task about a report without a log names the child typed in the
/// form (for the leader who may open it), not «barnet er ikke fylt ut».
async fn task_names_typed_child(app: TestApp) {
    let id = unsent_report(
        &app,
        "til_medsignering",
        r#"{"barn_navn":"Oliver Dahlberg"}"#,
        None,
    );
    let mut leader = app.client(Who::Leder).await;
    let r = leader.get("/mine-oppgaver").await;
    assert!(
        r.body
            .contains(&format!("/bekymringsmeldinger/{id}/medsigner")),
        "{:?}",
        app.backend
    );
    assert!(r.body.contains("Oliver Dahlberg"));
    assert!(!r.body.contains("barnet er ikke fylt ut"));
    let mut ppt = app.client(Who::PptOnTeam).await;
    assert!(
        !ppt.get("/mine-oppgaver")
            .await
            .body
            .contains("Oliver Dahlberg")
    );
}

on_every_backend!(
    a_report_task_names_the_child_typed_without_a_log,
    task_names_typed_child
);

/// #17: the long report headings wrap inside the word at 375 px (class on
/// the headings, the rule in the app's CSS).
async fn headings_wrap(app: TestApp) {
    let m = app.fx.municipality;
    let mut tora = app.client(Who::Ansatt).await;
    let r = tora.get("/bekymringsmeldinger").await;
    assert!(
        r.body.contains(
            "<h1 class=\"ds-heading laget-wrap-heading\" data-size=\"lg\">Bekymringsmeldinger</h1>"
        ),
        "{:?}",
        app.backend
    );
    let mut admin = app.client(Who::Kommuneadministrator).await;
    let r = admin
        .get(&format!("/kommuner/{m}/bekymringsmeldinger/tall"))
        .await;
    assert!(r.body.contains(
        "<h1 class=\"ds-heading laget-wrap-heading\" data-size=\"lg\">Tall for bekymringsmeldinger"
    ));
    let css = admin.get(&laget_web::asset_url("app.css")).await;
    assert!(
        css.body
            .contains(".laget-wrap-heading { overflow-wrap: anywhere; hyphens: auto; }")
    );
}

on_every_backend!(report_headings_wrap_at_phone_width, headings_wrap);

/// R2's gap: child welfare's inbox links the counts of each municipality
/// the service serves.
async fn inbox_links_counts(app: TestApp) {
    let cw = welfare_unit(&app);
    serve_also(&app, cw, app.fx.other_municipality);
    let mut bv = app.client(Who::ChildWelfareBreakGlass).await;
    let r = bv.get(&format!("/barnevern/{cw}/meldinger")).await;
    assert_eq!(r.status, 200, "{:?}", app.backend);
    for m in [app.fx.municipality, app.fx.other_municipality] {
        let href = format!("/kommuner/{m}/bekymringsmeldinger/tall");
        assert!(r.body.contains(&format!("href=\"{href}\"")), "{m}");
        assert_eq!(bv.get(&href).await.status, 200);
    }
}

on_every_backend!(
    the_inbox_links_the_counts_of_each_served_municipality,
    inbox_links_counts
);
