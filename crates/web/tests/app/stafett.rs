//! The child's log through the router: consent edges, handover, deadlines,
//! the best-interest rule, skipping levels, anonymous consultations, closed
//! logs, and the access log behind «Hvem har sett loggen».

use crate::on_every_backend;
use diesel::prelude::*;
use laget_db::schema::{access_log, consents, log_entries, logs};
use laget_testkit::{TestApp, Who};

fn today() -> chrono::NaiveDate {
    chrono::Utc::now()
        .with_timezone(&chrono_tz::Europe::Oslo)
        .date_naive()
}

fn d(days: i64) -> String {
    (today() + chrono::Duration::days(days))
        .format("%d.%m.%Y")
        .to_string()
}

async fn status(app: &TestApp, who: Who, path: &str) -> u16 {
    app.client(who).await.get(path).await.status.as_u16()
}

/// Withdrawal and expiry end access with the next request; a unit not
/// covered sees nothing; one of two guardians is enough only under the
/// «one guardian» rule; the log says whose consent is missing.
async fn consent_edges(app: TestApp) {
    let fx = app.fx.log.clone();
    let page = format!("/logger/{}", fx.log);
    let mut lead = app.client(Who::Ansatt).await;
    assert_eq!(status(&app, Who::PptOnTeam, &page).await, 200);
    assert_eq!(status(&app, Who::SchoolWithoutConsent, &page).await, 404);
    assert_eq!(status(&app, Who::HealthNotOnTeam, &page).await, 404);

    // The lead sees what is missing, by name.
    let body = lead.get(&page).await.body;
    assert!(
        body.contains("Testbakken skole: mangler samtykke fra Frode Fikstursen"),
        "{body}"
    );
    assert!(body.contains("Ikke dekket av samtykke"));

    // The municipality's rule: one guardian is enough → the school sees it.
    let settings = format!("/kommuner/{}/stafettlogg", app.fx.municipality);
    let mut admin = app.client(Who::Kommuneadministrator).await;
    let form = [("modell", "bti"), ("frist", "14"), ("regel", "en")];
    assert_eq!(admin.post(&settings, &form).await.status, 303);
    assert_eq!(status(&app, Who::SchoolWithoutConsent, &page).await, 200);
    let form = [("modell", "bti"), ("frist", "14"), ("regel", "alle")];
    assert_eq!(admin.post(&settings, &form).await.status, 303);
    assert_eq!(status(&app, Who::SchoolWithoutConsent, &page).await, 404);

    // The father's own consent for the school completes it.
    let father = fx.father.to_string();
    let school = fx.school_unit.to_string();
    let (from, to) = (d(0), d(100));
    let r = lead
        .post(
            &format!("{page}/samtykke"),
            &[
                ("givere", &father),
                ("enheter", &school),
                ("formal", "dele"),
                ("gyldig_fra", &from),
                ("gyldig_til", &to),
                ("metode", "muntlig"),
                ("notat", "Far samtykket i telefon; hørt av Tora Testansatt."),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(status(&app, Who::SchoolWithoutConsent, &page).await, 200);

    // Oral consent needs its note; paper needs its scan; both forms keep input.
    let r = lead
        .post(
            &format!("{page}/samtykke"),
            &[
                ("givere", &father),
                ("enheter", &school),
                ("formal", "dele"),
                ("gyldig_fra", &from),
                ("gyldig_til", &to),
                ("metode", "papir"),
                ("notat", "Levert i barnehagen."),
            ],
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("Last opp den signerte samtykkeerklæringen"));
    assert!(
        r.body.contains("Levert i barnehagen."),
        "typed text is kept"
    );

    // Withdrawal: access ends at the next request; the history remains.
    let r = lead
        .post(
            &format!("{page}/samtykke/{}/trekk", fx.ppt_consent),
            &[("begrunnelse", "Foreldrene trekker samtykket.")],
        )
        .await;
    assert_eq!(r.status, 303);
    assert_eq!(status(&app, Who::PptOnTeam, &page).await, 404);
    let body = lead.get(&page).await.body;
    assert!(body.contains("Trukket tilbake"));
    assert!(body.contains("Foreldrene trekker samtykket."));

    // Expiry: a consent that ended yesterday no longer covers the school.
    let yesterday = (today() - chrono::Duration::days(1))
        .format("%Y-%m-%d")
        .to_string();
    app.with_conn(|c| {
        diesel::update(consents::table.filter(consents::log_id.eq(fx.log.to_string())))
            .set(consents::valid_to.eq(&yesterday))
            .execute(c)
            .unwrap()
    });
    assert_eq!(status(&app, Who::SchoolWithoutConsent, &page).await, 404);
    assert!(lead.get(&page).await.body.contains("Utløpt"));

    // A unit not covered cannot be put on the team.
    let health = format!("{}:{}", app.fx.users[&Who::HealthNotOnTeam], fx.health_unit);
    let r = lead
        .post(
            &format!("{page}/lag"),
            &[("ansatt", &health), ("rolle", "Helsesykepleier")],
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("ikke dekket av et gyldig samtykke"));
    // On the log page itself: beside the field, in an open section, the role kept.
    assert!(r.body.contains("id=\"ansatt-error\""), "{}", r.body);
    assert!(r.body.contains("value=\"Helsesykepleier\""));
    assert!(
        r.body
            .contains("<details class=\"ds-details laget-details\" open>")
    );
    // A coordination request without a reason: the same, for its field.
    let r = lead
        .post(&format!("{page}/koordinering"), &[("koordinering", " ")])
        .await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("id=\"koordinering-error\""));
}
on_every_backend!(consent_is_enforced_at_every_edge, consent_edges);

/// A new guardian with parental responsibility must consent too (rule «all»).
async fn new_guardian_closes_until_consent(app: TestApp) {
    let fx = app.fx.log.clone();
    let page = format!("/logger/{}", fx.log);
    let mut lead = app.client(Who::Ansatt).await;
    let r = lead
        .post(
            &format!("/barn/{}/foresatte", fx.child),
            &[
                ("navn", "Ny Fosterfar"),
                ("relasjon", "annen"),
                ("foreldreansvar", "ja"),
            ],
        )
        .await;
    assert_eq!(r.status, 303);
    assert_eq!(status(&app, Who::PptOnTeam, &page).await, 404);
    assert!(
        lead.get(&page)
            .await
            .body
            .contains("mangler samtykke fra Ny Fosterfar")
    );
}
on_every_backend!(
    a_new_responsible_guardian_must_consent_too,
    new_guardian_closes_until_consent
);

/// The lead keeps the log until the proposed lead accepts; only the proposed
/// lead can answer; after acceptance the new lead's unit keeps the log.
async fn handover(app: TestApp) {
    let fx = app.fx.log.clone();
    let page = format!("/logger/{}", fx.log);
    let decide = format!("{page}/overlevering/{}", fx.handover);
    let mut lead = app.client(Who::Ansatt).await;
    let mut ppt = app.client(Who::PptOnTeam).await;
    // Both see the pending handover; only PPT gets the buttons.
    let lead_page = lead.get(&page).await.body;
    assert!(lead_page.contains("Overlevering venter på svar"));
    assert!(!lead_page.contains("Godta og bli stafettholder"));
    let ppt_page = ppt.get(&page).await.body;
    assert!(ppt_page.contains("Godta og bli stafettholder"));
    // It is a task for PPT.
    let tasks = ppt.get("/mine-oppgaver").await.body;
    assert!(
        tasks.contains("Du er foreslått som ny stafettholder"),
        "{tasks}"
    );
    // The lead cannot accept on PPT's behalf.
    assert_eq!(
        lead.post(&decide, &[("beslutning", "godta")]).await.status,
        404
    );
    // The old lead is still the lead.
    assert!(lead.get(&page).await.body.contains("Tora Testansatt"));
    let r = ppt.post(&decide, &[("beslutning", "godta")]).await;
    assert_eq!(r.status, 303);
    let (lead_id, home): (Option<String>, String) = app.with_conn(|c| {
        logs::table
            .find(fx.log.to_string())
            .select((logs::lead_user_id, logs::home_unit_id))
            .first(c)
            .unwrap()
    });
    assert_eq!(lead_id, Some(app.fx.users[&Who::PptOnTeam].to_string()));
    assert_eq!(home, fx.ppt_unit.to_string());
    let body = ppt.get(&page).await.body;
    assert!(body.contains("Petra Testppt har godtatt og er ny stafettholder"));
    assert!(
        body.contains("Tora Testansatt – Tidligere stafettholder"),
        "{body}"
    );
    assert!(!body.contains("Overlevering venter på svar"));
    // The new lead may read who has seen the log; a second answer changes nothing.
    assert_eq!(ppt.get(&format!("{page}/innsyn")).await.status, 200);
    assert_eq!(
        ppt.post(&decide, &[("beslutning", "avsla")]).await.status,
        404
    );
}
on_every_backend!(handover_needs_the_new_leads_acceptance, handover);

/// Level 0 has a decision deadline; changing level needs a reason and a
/// best-interest assessment; skipping needs its own reason; level 3 prompts
/// a report of concern; overdue decisions show on the lead's and the
/// leader's pages.
async fn levels_and_deadlines(app: TestApp) {
    let fx = app.fx.log.clone();
    let page = format!("/logger/{}", fx.log);
    let mut lead = app.client(Who::Ansatt).await;
    let body = lead.get(&page).await.body;
    let due = (today() + chrono::Duration::days(14))
        .format("%d.%m.%Y")
        .to_string();
    assert!(body.contains(&format!("{due} (om 14 dager)")), "{body}");
    assert!(
        lead.get("/mine-oppgaver")
            .await
            .body
            .contains("Beslutning på første nivå")
    );

    // Overdue: the deadline passed three days ago.
    let past = (today() - chrono::Duration::days(3))
        .format("%Y-%m-%d")
        .to_string();
    app.with_conn(|c| {
        diesel::update(logs::table.find(fx.log.to_string()))
            .set(logs::decision_due.eq(Some(&past)))
            .execute(c)
            .unwrap()
    });
    assert!(
        lead.get("/mine-oppgaver")
            .await
            .body
            .contains("3 dager over fristen")
    );
    let mut leader = app.client(Who::Leder).await;
    let overview = leader
        .get(&format!("/enheter/{}/logger", app.fx.unit))
        .await
        .body;
    assert!(overview.contains("3 dager over fristen"), "{overview}");

    let level = format!("{page}/niva");
    // No best-interest assessment: not final, nothing changes.
    let r = lead
        .post(
            &level,
            &[
                ("niva", "1"),
                ("begrunnelse", "Tydelig uro."),
                ("barnets_beste", ""),
            ],
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(
        r.body
            .contains("kan ikke være endelig uten en barnets beste-vurdering")
    );
    assert!(r.body.contains("Tydelig uro."), "typed text is kept");
    // Skipping from 0 to 3 asks why.
    let r = lead
        .post(
            &level,
            &[
                ("niva", "3"),
                ("begrunnelse", "Alvorlig."),
                ("barnets_beste", "Vern."),
            ],
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("Du hopper over et nivå"));
    let r = lead
        .post(
            &level,
            &[
                ("niva", "3"),
                ("begrunnelse", "Alvorlig."),
                ("hopp_begrunnelse", "Akutt fare."),
                ("barnets_beste", "Barnet trenger vern nå."),
            ],
        )
        .await;
    assert_eq!(r.status, 303);
    let body = lead.get(&page).await.body;
    assert!(body.contains("Nivå endret: Nivå 0 → Nivå 3"));
    assert!(body.contains("Bekymringsmelding til barnevernet"));
    assert!(body.contains("Barnet trenger vern nå."));
    assert!(
        !body.contains("Frist for beslutning"),
        "the deadline is met"
    );
    let r = lead
        .post(
            &format!("{page}/bekymringsmelding"),
            &[("melding_notat", "Sendt.")],
        )
        .await;
    assert_eq!(r.status, 303);
    assert!(
        lead.get(&page)
            .await
            .body
            .contains("Bekymringsmelding er sendt")
    );
}
on_every_backend!(levels_deadlines_and_reports, levels_and_deadlines);

/// Measures: a final decision needs a best-interest assessment; proposed
/// measures can be decided later; an evaluation that says «not enough» shows
/// the next steps; stopping needs a best-interest assessment.
async fn measures(app: TestApp) {
    let fx = app.fx.log.clone();
    let page = format!("/logger/{}", fx.log);
    let mut lead = app.client(Who::Ansatt).await;
    let member = fx.ppt_member.to_string();
    let offer = app.fx.offer.to_string();
    let (start, eval) = (d(0), d(42));
    let mut form = vec![
        ("tilbud", offer.as_str()),
        ("mal", "Kommer på skolen hver dag."),
        ("ansvarlig", member.as_str()),
        ("start", start.as_str()),
        ("evaluering", eval.as_str()),
        ("endelig", "ja"),
    ];
    let r = lead.post(&format!("{page}/tiltak"), &form).await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("barnets beste-vurdering"));
    form.push(("barnets_beste", "Skolen er viktig for barnet."));
    let r = lead.post(&format!("{page}/tiltak"), &form).await;
    assert_eq!(r.status, 303);
    let measure_page = r.location().split('?').next().unwrap().to_owned();
    let body = lead.get(&measure_page).await.body;
    assert!(body.contains("Testtilbud ved skolefravær"));
    assert!(body.contains("Besluttet"));

    // Evaluate: unchanged → «not enough» → the ladder's next steps.
    let next = d(30);
    let r = lead
        .post(
            &format!("{measure_page}/evaluering"),
            &[
                ("effekt", "uendret"),
                ("vurdering", "Lite endring."),
                ("videre", "fortsette"),
                ("neste", &next),
            ],
        )
        .await;
    assert_eq!(r.status, 303);
    let body = lead.get(&measure_page).await.body;
    assert!(body.contains("Hvis dette ikke er nok"));
    // Stopping without best interest is refused.
    let r = lead
        .post(
            &format!("{measure_page}/evaluering"),
            &[
                ("effekt", "verre"),
                ("vurdering", "Verre."),
                ("videre", "avslutte"),
            ],
        )
        .await;
    assert_eq!(r.status, 422);
    let r = lead
        .post(
            &format!("{measure_page}/evaluering"),
            &[
                ("effekt", "verre"),
                ("vurdering", "Verre."),
                ("videre", "avslutte"),
                ("barnets_beste", "Prøv noe annet."),
            ],
        )
        .await;
    assert_eq!(r.status, 303);
    assert!(lead.get(&measure_page).await.body.contains("Avsluttet"));

    // The fixture's proposed measure is decided with an assessment.
    let proposed = format!("{page}/tiltak/{}", fx.measure);
    assert!(
        lead.get(&proposed)
            .await
            .body
            .contains("Foreslått, ikke endelig besluttet")
    );
    let r = lead
        .post(&format!("{proposed}/beslutt"), &[("barnets_beste", "")])
        .await;
    assert_eq!(r.status, 422);
    let r = lead
        .post(
            &format!("{proposed}/beslutt"),
            &[("barnets_beste", "Språket er nøkkelen.")],
        )
        .await;
    assert_eq!(r.status, 303);
    assert!(lead.get(&proposed).await.body.contains("Besluttet"));

    // An overdue evaluation shows for the lead and the leader.
    app.with_conn(|c| {
        use laget_db::schema::measures;
        diesel::update(measures::table.find(fx.measure.to_string()))
            .set(measures::evaluate_by.eq("2020-01-01"))
            .execute(c)
            .unwrap()
    });
    assert!(
        lead.get(&page)
            .await
            .body
            .contains("Evaluering er forsinket")
    );
    let mut leader = app.client(Who::Leder).await;
    let overview = leader
        .get(&format!("/enheter/{}/logger", app.fx.unit))
        .await
        .body;
    assert!(
        overview.contains("<strong class=\"laget-overdue\">1</strong>"),
        "{overview}"
    );
}
on_every_backend!(measures_and_evaluations, measures);

/// Closed logs are read-only until reopened; only the lead or the leader
/// closes; a consultation turns into part of a log only once consent exists.
async fn closing_and_consultations(app: TestApp) {
    let fx = app.fx.log.clone();
    let page = format!("/logger/{}", fx.log);
    let mut lead = app.client(Who::Ansatt).await;
    let mut ppt = app.client(Who::PptOnTeam).await;
    assert_eq!(
        ppt.post(&format!("{page}/lukk"), &[("begrunnelse", "x")])
            .await
            .status,
        404
    );
    let r = lead
        .post(&format!("{page}/lukk"), &[("begrunnelse", "")])
        .await;
    assert_eq!(r.status, 422, "a reason is required");
    let r = lead
        .post(&format!("{page}/lukk"), &[("begrunnelse", "Avklart.")])
        .await;
    assert_eq!(r.status, 303);
    let count = |app: &TestApp| -> i64 {
        app.with_conn(|c| {
            log_entries::table
                .filter(log_entries::log_id.eq(fx.log.to_string()))
                .count()
                .get_result(c)
                .unwrap()
        })
    };
    let before = count(&app);
    let today = d(0);
    let r = ppt
        .post(
            &format!("{page}/stemme"),
            &[("dato", &today), ("metode", "samtale"), ("ord", "Hei.")],
        )
        .await;
    assert_eq!(r.status, 303);
    assert!(r.location().ends_with("melding=logg-lukket"));
    assert_eq!(count(&app), before, "nothing written to a closed log");
    assert!(
        ppt.get(&page)
            .await
            .body
            .contains("Loggen er lukket og kan bare leses")
    );
    assert_eq!(
        lead.post(&format!("{page}/gjenapne"), &[("begrunnelse", "Ny uro.")])
            .await
            .status,
        303
    );
    let r = ppt
        .post(
            &format!("{page}/stemme"),
            &[
                ("dato", &today),
                ("metode", "samtale"),
                ("ord", "Jeg vil tegne."),
            ],
        )
        .await;
    assert!(r.location().ends_with("melding=lagret"));
    assert!(ppt.get(&page).await.body.contains("Jeg vil tegne."));

    // A second child with a log but no consent: the consultation cannot go there.
    let r = lead
        .post(
            "/barn",
            &[
                ("enhet", &app.fx.unit.to_string()),
                ("navn", "Uten Samtykke"),
                ("fodselsdato", "01.01.2021"),
            ],
        )
        .await;
    let child = r
        .location()
        .trim_start_matches("/barn/")
        .split('?')
        .next()
        .unwrap()
        .to_owned();
    let r = lead
        .post(
            &format!("/barn/{child}/ny-logg"),
            &[
                ("uro", "Uro."),
                ("observert", &today),
                ("utfordringer", "sprak"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let other_log = r
        .location()
        .trim_start_matches("/logger/")
        .split('?')
        .next()
        .unwrap()
        .to_owned();
    let unit = app.fx.unit.to_string();
    let convert = format!("/drofting/{}/koble", fx.consultation);
    let r = lead
        .post(&convert, &[("enhet", &unit), ("logg", &other_log)])
        .await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("gyldig samtykke"));
    let log = fx.log.to_string();
    // Linking asks first (tests/app/consultations.rs), then links.
    let r = lead
        .post(
            &convert,
            &[("enhet", &unit), ("logg", &log), ("bekreft", "ja")],
        )
        .await;
    assert_eq!(r.status, 303);
    let body = lead.get(&format!("{page}?vis=beslutninger")).await.body;
    assert!(body.contains("Anonym drøfting"), "{body}");
    assert!(body.contains("Observer i to uker."));
}
on_every_backend!(
    closed_logs_are_read_only_and_consultations_need_consent,
    closing_and_consultations
);

/// Every look is in the access log, with its ground, and the lead reads it
/// on «Hvem har sett loggen»; break-glass is flagged for the leader.
async fn every_look_is_recorded(app: TestApp) {
    let fx = app.fx.log.clone();
    let page = format!("/logger/{}", fx.log);
    let rows = |app: &TestApp| -> Vec<(Option<String>, String, String)> {
        app.with_conn(|c| {
            access_log::table
                .filter(access_log::object_id.eq(fx.log.to_string()))
                .order(access_log::seq)
                .select((access_log::actor_id, access_log::ground, access_log::action))
                .load(c)
                .unwrap()
        })
    };
    let before = rows(&app).len();
    let ppt_id = app.fx.users[&Who::PptOnTeam].to_string();
    assert_eq!(status(&app, Who::PptOnTeam, &page).await, 200);
    assert_eq!(
        status(&app, Who::PptOnTeam, &format!("{page}/utskrift")).await,
        200
    );
    let after = rows(&app);
    assert_eq!(after.len(), before + 2);
    let (actor, ground, action) = &after[before];
    assert_eq!(actor.as_deref(), Some(ppt_id.as_str()));
    assert_eq!(ground, &format!("lag_og_samtykke:{}", fx.ppt_consent));
    assert_eq!(action, "read");
    assert_eq!(after[before + 1].2, "print");
    // A refused look writes nothing (and says nothing).
    assert_eq!(status(&app, Who::HealthNotOnTeam, &page).await, 404);
    assert_eq!(rows(&app).len(), before + 2);

    // Break-glass by child welfare is recorded and waits for the leader.
    let mut leader = app.client(Who::Leder).await;
    let overview = leader
        .get(&format!("/enheter/{}/logger", app.fx.unit))
        .await
        .body;
    assert!(overview.contains("Bekymringsmelding mottatt i dag."));
    assert!(overview.contains("Marker som gjennomgått"));
    assert_eq!(status(&app, Who::ChildWelfareBreakGlass, &page).await, 200);

    let mut lead = app.client(Who::Ansatt).await;
    let seen = lead.get(&format!("{page}/innsyn")).await.body;
    assert!(seen.contains("Petra Testppt"));
    assert!(seen.contains("På laget, med samtykke"));
    assert!(seen.contains("Skrevet ut"));
    assert!(seen.contains("Bjørn Testbarnevern"));
    assert!(seen.contains("Nødtilgang"));
    // The full national identity number is never shown.
    let body = lead.get(&page).await.body;
    assert!(!body.contains(&fx.national_id));
    assert!(body.contains(&format!("{} *****", &fx.national_id[..6])));
    // Unknown and malformed ids are the same 404.
    assert_eq!(
        status(
            &app,
            Who::Ansatt,
            &format!("/logger/{}", laget_domain::ids::LogId::new())
        )
        .await,
        404
    );
    assert_eq!(status(&app, Who::Ansatt, "/logger/../../etc").await, 404);
}
on_every_backend!(every_look_at_a_log_is_recorded, every_look_is_recorded);

/// The log page keeps its rendered timeline between reads, but a change to
/// the timeline shows on the very next read — also one made outside this
/// server (the command line, another instance), which empties no cache here.
async fn kept_timeline_follows_the_log(app: TestApp) {
    let fx = app.fx.log.clone();
    let page = format!("/logger/{}", fx.log);
    let mut lead = app.client(Who::Ansatt).await;
    let first = lead.get(&page).await.body;
    let note = "Meldingen sendt utenfor denne serveren.";
    assert!(!first.contains(note));
    assert_eq!(
        lead.get(&page).await.body.matches("<li>").count(),
        first.matches("<li>").count()
    );
    // Written straight to the database, as another instance would.
    let user = app.fx.users[&Who::Ansatt];
    app.with_conn(|c| {
        let facts = laget_db::lookup::log_facts(c, fx.log, user, today()).unwrap();
        let actor = laget_db::lookup::actor(c, user).unwrap();
        let writer = actor.open_log(&facts, today()).unwrap().writer().unwrap();
        laget_db::log::report_sent(c, &writer, note, "test").unwrap();
    });
    let after = lead.get(&page).await.body;
    assert!(after.contains(note), "the new entry shows at once");
    // And the filtered timeline is kept apart from the whole one.
    let decisions = lead.get(&format!("{page}?vis=beslutninger")).await.body;
    let all = lead.get(&page).await.body;
    assert!(all.contains(note));
    assert_ne!(
        decisions.matches("<li>").count(),
        all.matches("<li>").count(),
        "filter and whole timeline differ"
    );
}
on_every_backend!(
    kept_timeline_follows_the_log_revision,
    kept_timeline_follows_the_log
);

/// Registering a child: errors in Norwegian beside the field, input kept.
async fn register_child(app: TestApp) {
    let mut staff = app.client(Who::Ansatt).await;
    let unit = app.fx.unit.to_string();
    let r = staff
        .post(
            "/barn",
            &[
                ("enhet", &unit),
                ("navn", "Kari Prøve"),
                ("fodselsdato", "01.01.2019"),
                ("fodselsnummer", "01011912345"),
            ],
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("Fødselsnummeret er ikke gyldig"));
    assert!(r.body.contains("Kari Prøve"));
    let r = staff
        .post(
            "/barn",
            &[
                ("enhet", &unit),
                ("navn", "Kari Prøve"),
                ("fodselsdato", &app.concrete("{national_id}")[..0]),
                ("fodselsnummer", ""),
            ],
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("Dette feltet må fylles ut"));
    // The same national id twice in a municipality is refused: a form that
    // is valid in every other way (the birth date matches the number), so
    // that only the duplicate check can refuse it.
    let birth = app.concrete("{child_birth}");
    assert_eq!(birth.len(), 10, "the fixture child's birth date");
    let named = |app: &TestApp, name: &str| -> i64 {
        use laget_db::schema::children;
        app.with_conn(|c| {
            children::table
                .filter(children::name.eq(name))
                .count()
                .get_result(c)
                .unwrap()
        })
    };
    let r = staff
        .post(
            "/barn",
            &[
                ("enhet", &unit),
                ("navn", "Dobbel Fikstursen"),
                ("fodselsdato", &birth),
                ("fodselsnummer", &app.fx.log.national_id),
            ],
        )
        .await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(
        r.body.contains(
            "id=\"fodselsnummer-error\">Et barn med dette fødselsnummeret er allerede registrert i kommunen."
        ),
        "the duplicate is told beside the number: {}",
        r.body
    );
    assert!(r.body.contains("value=\"Dobbel Fikstursen\""), "input kept");
    assert_eq!(named(&app, "Dobbel Fikstursen"), 0, "nothing was saved");
    // The same form with another valid number for that date is accepted.
    let other = laget_domain::children::national_id::NationalId::parse(&app.fx.log.national_id)
        .ok()
        .and_then(|n| n.birth_date())
        .and_then(|d| {
            (1..500).find_map(|seed| {
                laget_domain::children::national_id::NationalId::synthetic(d, seed)
                    .filter(|n| n.expose() != app.fx.log.national_id)
            })
        })
        .unwrap();
    let r = staff
        .post(
            "/barn",
            &[
                ("enhet", &unit),
                ("navn", "Dobbel Fikstursen"),
                ("fodselsdato", &birth),
                ("fodselsnummer", other.expose()),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(named(&app, "Dobbel Fikstursen"), 1);
    // Another unit's staff cannot register children in this unit.
    let mut ppt = app.client(Who::PptOnTeam).await;
    let r = ppt
        .post(
            "/barn",
            &[
                ("enhet", &unit),
                ("navn", "X"),
                ("fodselsdato", "01.01.2020"),
            ],
        )
        .await;
    assert_eq!(r.status, 404);
    // Lists hold only the unit's own children.
    assert!(!ppt.get("/barn").await.body.contains("Testbarn Fikstursen"));
    assert!(
        staff
            .get("/barn")
            .await
            .body
            .contains("Testbarn Fikstursen")
    );
}
on_every_backend!(registering_children, register_child);

/// The BBIS themes are data the administrator edits; snapshots keep the
/// names they were written with.
async fn bbis_themes_are_data(app: TestApp) {
    let fx = app.fx.log.clone();
    let page = format!("/logger/{}", fx.log);
    let mut lead = app.client(Who::Ansatt).await;
    let mut form: Vec<(String, String)> = vec![("dato".into(), d(0))];
    for t in laget_domain::log::bbis::default_themes(
        laget_domain::admin::municipality::WrittenStandard::Bokmal,
    ) {
        form.push((format!("ia_{}", t.code), "ja".into()));
    }
    form.retain(|(k, _)| k != "ia_helse");
    let form_ref: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    // «Helse» has neither text nor «ikke aktuelt»: refused beside that theme.
    let r = lead.post(&format!("{page}/bbis"), &form_ref).await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("id=\"tema_helse-error\""), "{}", r.body);
    form.push(("tema_helse".into(), "Sover dårlig.".into()));
    let form_ref: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    assert_eq!(
        lead.post(&format!("{page}/bbis"), &form_ref).await.status,
        303
    );

    let mut admin = app.client(Who::Kommuneadministrator).await;
    let url = format!("/kommuner/{}/bbis", app.fx.municipality);
    let r = admin.post(&url, &[("tema", "uten kolon")]).await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("uten kolon"), "typed text is kept");
    let r = admin
        .post(
            &url,
            &[("tema", "Barnets utvikling: Søvn\nFamilie og miljø: Bolig")],
        )
        .await;
    assert_eq!(r.status, 303);
    let body = lead.get(&format!("{page}/bbis")).await.body;
    assert!(body.contains("Søvn"));
    assert!(!body.contains("Grunnleggende omsorg"));
    // The earlier snapshot still reads with its own themes.
    let body = lead.get(&format!("{page}?vis=barnet")).await.body;
    assert!(body.contains("Helse"));
    assert!(body.contains("Sover dårlig."));
}
on_every_backend!(
    bbis_themes_are_data_and_snapshots_keep_theirs,
    bbis_themes_are_data
);

/// A municipality on the school «tiltakskjede»: logs start at «Trinnteam»
/// with the municipality's own deadline, and the levels are its levels.
async fn tiltakskjede(app: TestApp) {
    let mut admin = app.client(Who::Kommuneadministrator).await;
    let settings = format!("/kommuner/{}/stafettlogg", app.fx.municipality);
    let r = admin
        .post(
            &settings,
            &[
                ("modell", "tiltakskjede"),
                ("frist", "0"),
                ("regel", "alle"),
            ],
        )
        .await;
    assert_eq!(r.status, 422, "the deadline is 1–90 days");
    assert!(r.body.contains("Skriv et helt tall"));
    let r = admin
        .post(
            &settings,
            &[
                ("modell", "tiltakskjede"),
                ("frist", "10"),
                ("regel", "alle"),
            ],
        )
        .await;
    assert_eq!(r.status, 303);
    let mut staff = app.client(Who::Ansatt).await;
    let unit = app.fx.unit.to_string();
    let r = staff
        .post(
            "/barn",
            &[
                ("enhet", &unit),
                ("navn", "Tia Kjede"),
                ("fodselsdato", "01.01.2016"),
            ],
        )
        .await;
    let child = r
        .location()
        .trim_start_matches("/barn/")
        .split('?')
        .next()
        .unwrap()
        .to_owned();
    let today = d(0);
    let r = staff
        .post(
            &format!("/barn/{child}/ny-logg"),
            &[
                ("uro", "Mye fravær."),
                ("observert", &today),
                ("utfordringer", "sprak"),
            ],
        )
        .await;
    let log = r.location().split('?').next().unwrap().to_owned();
    let body = staff.get(&log).await.body;
    assert!(body.contains("<strong>Trinnteam</strong>"), "{body}");
    assert!(body.contains(&format!("{} (om 10 dager)", d(10))));
    let form = staff.get(&format!("{log}/niva")).await.body;
    assert!(form.contains("Tiltaksteam") && form.contains("Ledelsesteam"));
    assert!(!form.contains("Nivå 0"));
}
on_every_backend!(the_tiltakskjede_model, tiltakskjede);
