//! The defects found by testing from outside (issue «Trust»): every view
//! that names a child follows the log page's decision; handovers cannot get
//! stuck; the new lead finds the log; a closed log takes no write; recorded
//! details are shown; level 2 promises a meeting as a task.

use crate::on_every_backend;
use diesel::prelude::*;
use laget_db::schema::{
    break_glass, consents, handovers, log_entries, logs, measures, team_members,
};
use laget_testkit::{TestApp, Who};

const CHILD: &str = "Testbarn Fikstursen";

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

fn iso(days: i64) -> String {
    (today() + chrono::Duration::days(days))
        .format("%Y-%m-%d")
        .to_string()
}

/// The views that name a child to `who`: «Mine oppgaver» (tasks and the
/// logs one is on) and the children of their units.
async fn views_name_the_child(app: &TestApp, who: Who) -> Vec<&'static str> {
    let mut client = app.client(who).await;
    let mut naming = Vec::new();
    for path in ["/mine-oppgaver", "/barn"] {
        let r = client.get(path).await;
        assert_eq!(r.status, 200, "{path} as {who:?}");
        if r.body.contains(CHILD) {
            naming.push(path);
        }
    }
    naming
}

/// The child's name appears in `who`'s lists if and only if the log opens
/// for them; `opens` says which the state should give, so that the test
/// cannot pass by both sides being empty.
async fn named_iff_opens(app: &TestApp, who: Who, opens: bool, state: &str) {
    let page = format!("/logger/{}", app.fx.log.log);
    let status = app.client(who).await.get(&page).await.status.as_u16();
    assert_eq!(
        status,
        if opens { 200 } else { 404 },
        "{state}: the log page as {who:?}"
    );
    let naming = views_name_the_child(app, who).await;
    if opens {
        assert!(
            naming.contains(&"/mine-oppgaver"),
            "{state}: {who:?} opens the log, so their tasks name the child"
        );
    } else {
        assert!(
            naming.is_empty(),
            "{state}: {who:?} cannot open the log, yet {naming:?} name the child"
        );
    }
}

/// Makes `who` (staff of `unit`) a team member responsible for a measure
/// due soon, as could have happened while a consent covered them.
fn responsible_for_a_measure(app: &TestApp, who: Who, unit: laget_domain::UnitId) {
    let user = app.fx.users[&who].to_string();
    let log = app.fx.log.log.to_string();
    let member = uuid_like();
    app.with_conn(|c| {
        diesel::insert_into(team_members::table)
            .values((
                team_members::id.eq(&member),
                team_members::log_id.eq(&log),
                team_members::kind.eq("ansatt"),
                team_members::user_id.eq(Some(&user)),
                team_members::unit_id.eq(Some(unit.to_string())),
                team_members::name.eq("Testperson"),
                team_members::team_role.eq("Rådgiver"),
                team_members::added_at.eq(0_i64),
            ))
            .execute(c)?;
        diesel::update(measures::table.find(app.fx.log.measure.to_string()))
            .set(measures::responsible_member_id.eq(&member))
            .execute(c)
    })
    .unwrap();
}

fn uuid_like() -> String {
    laget_domain::ids::TeamMemberId::new().to_string()
}

/// Issue item 1: for each state — consent valid, expired, withdrawn, unit
/// not covered, not on the team, break-glass in force and expired — the
/// child's name is in a person's lists exactly when the log opens for them.
async fn lists_follow_the_log_page(app: TestApp) {
    let fx = app.fx.log.clone();
    // Valid: PPT is on the team, covered, responsible for the measure and
    // proposed as the new lead.
    named_iff_opens(&app, Who::PptOnTeam, true, "consent valid").await;

    // Expired.
    app.with_conn(|c| {
        diesel::update(consents::table.find(fx.ppt_consent.to_string()))
            .set(consents::valid_to.eq(iso(-1)))
            .execute(c)
    })
    .unwrap();
    named_iff_opens(&app, Who::PptOnTeam, false, "consent expired").await;
    app.with_conn(|c| {
        diesel::update(consents::table.find(fx.ppt_consent.to_string()))
            .set(consents::valid_to.eq(iso(200)))
            .execute(c)
    })
    .unwrap();
    named_iff_opens(&app, Who::PptOnTeam, true, "consent valid again").await;

    // Unit not covered: the school (one guardian's consent of the two the
    // rule needs) is made responsible for the measure and proposed as lead.
    responsible_for_a_measure(&app, Who::SchoolWithoutConsent, fx.school_unit);
    let school_member: String = app.with_conn(|c| {
        team_members::table
            .filter(team_members::log_id.eq(fx.log.to_string()))
            .filter(team_members::user_id.eq(app.fx.users[&Who::SchoolWithoutConsent].to_string()))
            .select(team_members::id)
            .first(c)
            .unwrap()
    });
    app.with_conn(|c| {
        diesel::update(handovers::table.find(fx.handover.to_string()))
            .set((
                handovers::to_user_id.eq(app.fx.users[&Who::SchoolWithoutConsent].to_string()),
                handovers::to_member_id.eq(&school_member),
                handovers::to_unit_id.eq(fx.school_unit.to_string()),
            ))
            .execute(c)
    })
    .unwrap();
    named_iff_opens(&app, Who::SchoolWithoutConsent, false, "unit not covered").await;

    // Break-glass: child welfare, responsible for the measure while its
    // opening is in force, sees the task; once it has ended, nothing.
    let welfare_unit: String = app.with_conn(|c| {
        laget_db::schema::memberships::table
            .filter(
                laget_db::schema::memberships::user_id
                    .eq(app.fx.users[&Who::ChildWelfareBreakGlass].to_string()),
            )
            .select(laget_db::schema::memberships::unit_id)
            .first::<Option<String>>(c)
            .unwrap()
            .unwrap()
    });
    responsible_for_a_measure(
        &app,
        Who::ChildWelfareBreakGlass,
        welfare_unit.parse().unwrap(),
    );
    named_iff_opens(
        &app,
        Who::ChildWelfareBreakGlass,
        true,
        "break-glass in force",
    )
    .await;
    app.with_conn(|c| {
        diesel::update(break_glass::table.find(fx.break_glass.to_string()))
            .set(break_glass::expires_at.eq(1_i64))
            .execute(c)
    })
    .unwrap();
    named_iff_opens(
        &app,
        Who::ChildWelfareBreakGlass,
        false,
        "break-glass expired",
    )
    .await;

    // Not on the team: PPT made responsible again, then removed by the lead.
    app.with_conn(|c| {
        diesel::update(measures::table.find(fx.measure.to_string()))
            .set(measures::responsible_member_id.eq(fx.ppt_member.to_string()))
            .execute(c)
    })
    .unwrap();
    named_iff_opens(&app, Who::PptOnTeam, true, "PPT responsible again").await;
    let mut lead = app.client(Who::Ansatt).await;
    let page = format!("/logger/{}", fx.log);
    let r = lead
        .post(&format!("{page}/lag/{}/fjern", fx.ppt_member), &[])
        .await;
    assert_eq!(r.status, 303);
    named_iff_opens(&app, Who::PptOnTeam, false, "removed from the team").await;

    // Withdrawn: PPT back on the team, then the consent withdrawn.
    let ppt = format!("{}:{}", app.fx.users[&Who::PptOnTeam], fx.ppt_unit);
    let r = lead
        .post(
            &format!("{page}/lag"),
            &[("ansatt", &ppt), ("rolle", "PPT-rådgiver")],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let member: String = app.with_conn(|c| {
        team_members::table
            .filter(team_members::log_id.eq(fx.log.to_string()))
            .filter(team_members::user_id.eq(app.fx.users[&Who::PptOnTeam].to_string()))
            .filter(team_members::removed_at.is_null())
            .select(team_members::id)
            .first(c)
            .unwrap()
    });
    app.with_conn(|c| {
        diesel::update(measures::table.find(fx.measure.to_string()))
            .set(measures::responsible_member_id.eq(&member))
            .execute(c)
    })
    .unwrap();
    named_iff_opens(&app, Who::PptOnTeam, true, "PPT on the team again").await;
    let r = lead
        .post(
            &format!("{page}/samtykke/{}/trekk", fx.ppt_consent),
            &[("begrunnelse", "Foreldrene ønsker det."), ("bekreft", "ja")],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    named_iff_opens(&app, Who::PptOnTeam, false, "consent withdrawn").await;
}
on_every_backend!(
    every_list_that_names_a_child_follows_the_log_page,
    lists_follow_the_log_page
);

/// Item 13: only someone who can open the log may be proposed; the proposer
/// withdraws; removing the proposed person withdraws; a second proposal
/// while one waits is refused with a message, not a 409.
async fn handovers_cannot_get_stuck(app: TestApp) {
    let fx = app.fx.log.clone();
    let page = format!("/logger/{}", fx.log);
    let mut lead = app.client(Who::Ansatt).await;
    let school_member: String = app.with_conn(|c| {
        team_members::table
            .filter(team_members::log_id.eq(fx.log.to_string()))
            .filter(team_members::user_id.eq(app.fx.users[&Who::SchoolWithoutConsent].to_string()))
            .select(team_members::id)
            .first(c)
            .unwrap()
    });

    // The form lists PPT, and names the school as not proposable.
    let form = lead.get(&format!("{page}/overlevering")).await;
    assert_eq!(form.status, 200);
    let select = form.body.split("id=\"ny\"").nth(1).unwrap();
    let select = select.split("</select>").next().unwrap();
    assert!(select.contains("Petra Testppt"), "{select}");
    assert!(!select.contains("Sondre Testskole"), "{select}");
    assert!(form.body.contains("kan-ikke-foreslas"));

    // A second proposal while one waits: a message on the form.
    let r = lead
        .post(
            &format!("{page}/overlevering"),
            &[("ny", &fx.ppt_member.to_string())],
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("venter allerede"), "{}", r.body);

    // The proposer withdraws the waiting proposal.
    let r = lead
        .post(&format!("{page}/overlevering/{}/trekk", fx.handover), &[])
        .await;
    assert_eq!(r.status, 303);
    let status: String = app.with_conn(|c| {
        handovers::table
            .find(fx.handover.to_string())
            .select(handovers::status)
            .first(c)
            .unwrap()
    });
    assert_eq!(status, "trukket");
    let body = lead.get(&page).await.body;
    assert!(body.contains("har trukket forslaget"), "{body}");
    // PPT, proposed no more, has no handover task.
    let tasks = app
        .client(Who::PptOnTeam)
        .await
        .get("/mine-oppgaver")
        .await
        .body;
    assert!(!tasks.contains("foreslått som ny stafettholder"));

    // Someone the log would not open for cannot be proposed.
    let r = lead
        .post(&format!("{page}/overlevering"), &[("ny", &school_member)])
        .await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("kan ikke åpne loggen"), "{}", r.body);
    let waiting: i64 = app.with_conn(|c| {
        handovers::table
            .filter(handovers::log_id.eq(fx.log.to_string()))
            .filter(handovers::status.eq("venter"))
            .count()
            .get_result(c)
            .unwrap()
    });
    assert_eq!(waiting, 0);

    // Proposed anew to PPT, then PPT is removed from the team: it ends.
    let r = lead
        .post(
            &format!("{page}/overlevering"),
            &[("ny", &fx.ppt_member.to_string())],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let r = lead
        .post(&format!("{page}/lag/{}/fjern", fx.ppt_member), &[])
        .await;
    assert_eq!(r.status, 303);
    let waiting: i64 = app.with_conn(|c| {
        handovers::table
            .filter(handovers::log_id.eq(fx.log.to_string()))
            .filter(handovers::status.eq("venter"))
            .count()
            .get_result(c)
            .unwrap()
    });
    assert_eq!(
        waiting, 0,
        "removing the proposed member withdraws the proposal"
    );
    // The page offers a new proposal again (nothing waits).
    let body = lead.get(&page).await.body;
    assert!(body.contains(&format!("{page}/overlevering\"")), "{body}");
}
on_every_backend!(a_handover_cannot_get_stuck, handovers_cannot_get_stuck);

/// Items 12 and 16: after accepting, the new lead's unit has the child, the
/// new lead finds the log in «Barn», on the child's page and among their
/// logs; the unit that handed it on sees «Overlevert til …», not a link;
/// «Foreslå ny stafettholder» is offered only to those who may.
async fn the_new_lead_finds_the_log(app: TestApp) {
    let fx = app.fx.log.clone();
    let page = format!("/logger/{}", fx.log);
    let mut ppt = app.client(Who::PptOnTeam).await;
    // PPT is on the team but not the lead: no «Foreslå ny stafettholder».
    let body = ppt.get(&page).await.body;
    assert!(!body.contains(&format!("{page}/overlevering\"")), "{body}");
    assert_eq!(ppt.get(&format!("{page}/overlevering")).await.status, 404);

    let r = ppt
        .post(
            &format!("{page}/overlevering/{}", fx.handover),
            &[("beslutning", "godta")],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);

    let children = ppt.get(&format!("/barn?enhet={}", fx.ppt_unit)).await.body;
    assert!(children.contains(CHILD), "{children}");
    assert!(children.contains(&page), "{children}");
    assert_eq!(ppt.get(&format!("/barn/{}", fx.child)).await.status, 200);
    let tasks = ppt.get("/mine-oppgaver").await.body;
    let mine = tasks.split("id=\"mine-logger\"").nth(1).unwrap();
    assert!(mine.contains(CHILD) && mine.contains(&page), "{mine}");
    // Now the lead, PPT is offered the handover.
    let body = ppt.get(&page).await.body;
    assert!(body.contains(&format!("{page}/overlevering\"")), "{body}");

    // The kindergarten handed it on: no link that would give 404.
    let mut kindergarten = app.client(Who::Ansatt).await;
    assert_eq!(kindergarten.get(&page).await.status, 404);
    let children = kindergarten
        .get(&format!("/barn?enhet={}", app.fx.unit))
        .await
        .body;
    assert!(children.contains(CHILD));
    assert!(!children.contains(&page), "{children}");
    assert!(
        children.contains("Overlevert til Testdalen PPT"),
        "{children}"
    );
    let child = kindergarten.get(&format!("/barn/{}", fx.child)).await.body;
    assert!(!child.contains(&page), "{child}");
    assert!(child.contains("Overlevert til Testdalen PPT"), "{child}");
    let tasks = kindergarten.get("/mine-oppgaver").await.body;
    assert!(!tasks.contains(CHILD), "{tasks}");
}
on_every_backend!(
    after_a_handover_the_new_lead_finds_the_log,
    the_new_lead_finds_the_log
);

/// Item 7: a closed log refuses every write, from every route, whoever
/// asks — the coordinating unit's answer included.
async fn a_closed_log_takes_no_write(app: TestApp) {
    let fx = app.fx.log.clone();
    let page = format!("/logger/{}", fx.log);
    let mut lead = app.client(Who::Ansatt).await;
    let r = lead
        .post(
            &format!("{page}/koordinering"),
            &[("koordinering", "Uenige om hvem som skal koordinere.")],
        )
        .await;
    assert_eq!(r.status, 303);
    let r = lead
        .post(&format!("{page}/lukk"), &[("begrunnelse", "Avklart.")])
        .await;
    assert_eq!(r.status, 303);
    let state = |app: &TestApp| -> (i64, i64) {
        app.with_conn(|c| {
            let revision: i64 = logs::table
                .find(fx.log.to_string())
                .select(logs::revision)
                .first(c)
                .unwrap();
            let entries: i64 = log_entries::table
                .filter(log_entries::log_id.eq(fx.log.to_string()))
                .count()
                .get_result(c)
                .unwrap();
            (revision, entries)
        })
    };
    let before = state(&app);
    let mut tried = 0;
    for row in crate::log_matrix::LOG_MATRIX {
        // Reopening is the one way back; withdrawing a consent narrows
        // access and is recorded on a closed log too (below).
        if row.method != "POST"
            || !row.path.starts_with("/logger/{log}/")
            || row.path.ends_with("/gjenapne")
            || row.path.ends_with("/samtykke/{consent}/trekk")
        {
            continue;
        }
        for who in [
            Who::Ansatt,
            Who::Leder,
            Who::PptOnTeam,
            Who::KoordinerendeEnhet,
        ] {
            let form: Vec<(String, String)> = row
                .form_fields()
                .iter()
                .map(|(k, v)| ((*k).to_owned(), app.concrete(v)))
                .collect();
            let form: Vec<(&str, &str)> =
                form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            let r = app
                .client(who)
                .await
                .post(&app.concrete(row.path), &form)
                .await;
            assert!(
                r.status.as_u16() < 500,
                "{} as {who:?}: {}",
                row.path,
                r.status
            );
            assert_eq!(
                state(&app),
                before,
                "{} as {who:?} wrote to a closed log",
                row.path
            );
            tried += 1;
        }
    }
    assert!(tried > 40, "only {tried} writes tried");

    // A guardian withdraws consent after the log was closed: it is recorded
    // and PPT, which read the closed log under it, reads no more.
    assert_eq!(
        app.client(Who::PptOnTeam).await.get(&page).await.status,
        200
    );
    let r = lead
        .post(
            &format!("{page}/samtykke/{}/trekk", fx.ppt_consent),
            &[(
                "begrunnelse",
                "Mor trakk samtykket etter at saken ble avsluttet.",
            )],
        )
        .await;
    assert_eq!(r.status, 303);
    assert_ne!(state(&app), before);
    assert_eq!(
        app.client(Who::PptOnTeam).await.get(&page).await.status,
        404
    );
    // A reader without write rights cannot withdraw (break-glass).
    let r = app
        .client(Who::ChildWelfareBreakGlass)
        .await
        .post(
            &format!("{page}/samtykke/{}/trekk", fx.school_consent),
            &[("begrunnelse", "x")],
        )
        .await;
    assert_eq!(r.status, 404);
}
on_every_backend!(
    a_closed_log_refuses_every_write,
    a_closed_log_takes_no_write
);

/// Item 20: level 2 promises a meeting within two weeks: a task for the
/// lead, shown on the log, until it is marked held.
async fn level_two_meeting_is_a_task(app: TestApp) {
    let fx = app.fx.log.clone();
    let page = format!("/logger/{}", fx.log);
    let mut lead = app.client(Who::Ansatt).await;
    let r = lead
        .post(
            &format!("{page}/niva"),
            &[
                ("niva", "2"),
                ("begrunnelse", "To tjenester må samarbeide."),
                ("hopp_begrunnelse", "PPT er allerede inne."),
                ("barnets_beste", "Raskere hjelp er til barnets beste."),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let tasks = lead.get("/mine-oppgaver").await.body;
    assert!(tasks.contains("Møte i laget rundt barnet"), "{tasks}");
    assert!(tasks.contains(&d(14)), "{tasks}");
    let body = lead.get(&page).await.body;
    assert!(body.contains("Møte i laget innen"), "{body}");

    // A date in the future is refused beside the field, input kept.
    let r = lead
        .post(&format!("{page}/mote"), &[("mote_dato", &d(3))])
        .await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("mote_dato-error"), "{}", r.body);
    assert!(r.body.contains(&d(3)));

    let r = lead
        .post(
            &format!("{page}/mote"),
            &[("mote_dato", &d(0)), ("mote_notat", "Alle møtte.")],
        )
        .await;
    assert_eq!(r.status, 303);
    let tasks = lead.get("/mine-oppgaver").await.body;
    assert!(!tasks.contains("Møte i laget rundt barnet"), "{tasks}");
    let body = lead.get(&page).await.body;
    assert!(
        body.contains(&format!("Møte i laget holdt {}", d(0))),
        "{body}"
    );
}
on_every_backend!(
    level_two_promises_a_meeting_as_a_task,
    level_two_meeting_is_a_task
);

/// Item 14: under «all guardians», one guardian's consent for a unit with
/// nobody on the team yet is named as incomplete at once, and the team form
/// says which units lack consent.
async fn missing_consent_shown_at_once(app: TestApp) {
    let fx = app.fx.log.clone();
    let page = format!("/logger/{}", fx.log);
    let mut lead = app.client(Who::Ansatt).await;
    let (mother, health) = (fx.mother.to_string(), fx.health_unit.to_string());
    let (from, to) = (d(0), d(100));
    let r = lead
        .post(
            &format!("{page}/samtykke"),
            &[
                ("givere", &mother),
                ("enheter", &health),
                ("formal", "dele"),
                ("gyldig_fra", &from),
                ("gyldig_til", &to),
                ("metode", "digitalt"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let body = lead.get(&page).await.body;
    assert!(
        body.contains("Testheia helsestasjon: mangler samtykke fra Frode Fikstursen"),
        "{body}"
    );
    assert!(body.contains("dekker ikke alene"), "{body}");
    let team_form = body
        .split("action=\"/logger/")
        .find(|p| p.contains("/lag\""))
        .unwrap();
    assert!(team_form.contains("lag-mangler"), "{team_form}");
    assert!(team_form.contains("Testheia helsestasjon"), "{team_form}");
}
on_every_backend!(
    a_missing_consent_is_named_at_once,
    missing_consent_shown_at_once
);

/// Item 15: the concern's challenge areas and BBIS theme, the reason for
/// skipping a level and the handover's checklist are on the timeline and
/// in the print, which has absolute dates, the municipality and the unit.
async fn recorded_details_are_shown(app: TestApp) {
    let fx = app.fx.log.clone();
    let mut lead = app.client(Who::Ansatt).await;
    // A second child, with a concern in a BBIS theme.
    let unit = app.fx.unit.to_string();
    let r = lead
        .post(
            "/barn",
            &[
                ("enhet", &unit),
                ("navn", "Detalj Detaljesen"),
                ("fodselsdato", "01.02.2021"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let child = r
        .location()
        .trim_start_matches("/barn/")
        .split('?')
        .next()
        .unwrap()
        .to_owned();
    // A concern noticed tomorrow: the message speaks of the date, not of births.
    let r = lead
        .post(
            &format!("/barn/{child}/ny-logg"),
            &[
                ("uro", "Lei seg."),
                ("observert", &d(1)),
                ("utfordringer", "sprak"),
            ],
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(
        r.body.contains("Datoen kan ikke være fram i tid."),
        "{}",
        r.body
    );
    assert!(!r.body.contains("fødselsdato kan ikke"), "{}", r.body);
    let observed = d(-1);
    let r = lead
        .post(
            &format!("/barn/{child}/ny-logg"),
            &[
                ("uro", "Lei seg i garderoben."),
                ("observert", &observed),
                ("utfordringer", "sprak"),
                ("bbis", "folelser_uttrykk"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let log = r.location().split('?').next().unwrap().to_owned();
    let body = lead.get(&log).await.body;
    assert!(body.contains("Utfordringsområder"), "{body}");
    assert!(body.contains("Språk"));
    assert!(body.contains("Følelser og uttrykk"), "{body}");

    // Skipping a level, with its reason; a handover with its checklist.
    let page = format!("/logger/{}", fx.log);
    let r = lead
        .post(
            &format!("{page}/niva"),
            &[
                ("niva", "2"),
                ("begrunnelse", "To tjenester trengs."),
                ("hopp_begrunnelse", "PPT er allerede i gang med barnet."),
                ("barnets_beste", "Raskere hjelp."),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let r = lead
        .post(&format!("{page}/overlevering/{}/trekk", fx.handover), &[])
        .await;
    assert_eq!(r.status, 303);
    let r = lead
        .post(
            &format!("{page}/overlevering"),
            &[
                ("ny", &fx.ppt_member.to_string()),
                ("overgang", "ja"),
                ("ma_vite", "Trenger ro ved oppstart."),
                ("avtalt", "ja"),
                ("notat", "Overføringsmøte i neste uke."),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let body = lead.get(&page).await.body;
    let timeline = body.split("id=\"tidslinje\"").nth(1).unwrap();
    for shown in [
        "PPT er allerede i gang med barnet.",
        "Begrunnelse for å hoppe over nivå",
        "Overgang mellom enheter",
        "Overføringsmøte i neste uke.",
        "Trenger ro ved oppstart.",
    ] {
        assert!(timeline.contains(shown), "{shown} not on the timeline");
    }

    let print = lead.get(&format!("{page}/utskrift")).await.body;
    for shown in [
        "PPT er allerede i gang med barnet.",
        "Overføringsmøte i neste uke.",
        "Testkommune",
        "Loggen startet",
        "Testlia barnehage",
    ] {
        assert!(print.contains(shown), "{shown} not in the print: {print}");
    }
    // The measure is due in 30 days: the page says so, the print gives the date.
    assert!(lead.get(&page).await.body.contains(" dager)"));
    assert!(
        !print.contains(" dager)"),
        "the print has a relative date: {print}"
    );
    assert!(print.contains(&d(30)), "{print}");
}
on_every_backend!(
    recorded_details_are_shown_and_printed,
    recorded_details_are_shown
);

/// Item 18: withdrawing a consent asks for confirmation and a reason, and
/// the timeline names whose consent and which units.
async fn withdrawal_is_confirmed(app: TestApp) {
    let fx = app.fx.log.clone();
    let page = format!("/logger/{}", fx.log);
    let mut lead = app.client(Who::Ansatt).await;
    let body = lead.get(&page).await.body;
    let confirm = format!("{page}/samtykke/{}/trekk", fx.ppt_consent);
    assert!(body.contains(&format!("href=\"{confirm}\"")), "{body}");
    assert!(!body.contains(&format!("action=\"{confirm}\"")));
    let form = lead.get(&confirm).await;
    assert_eq!(form.status, 200);
    assert!(form.body.contains("Testdalen PPT") && form.body.contains("Mona Fikstursen"));

    // No reason: refused beside the field, nothing withdrawn.
    let r = lead.post(&confirm, &[("begrunnelse", "  ")]).await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("begrunnelse-error"), "{}", r.body);
    assert_eq!(
        app.client(Who::PptOnTeam).await.get(&page).await.status,
        200
    );

    let r = lead
        .post(
            &confirm,
            &[("begrunnelse", "Mor ringte og trakk samtykket.")],
        )
        .await;
    assert_eq!(r.status, 303);
    assert_eq!(
        app.client(Who::PptOnTeam).await.get(&page).await.status,
        404
    );
    let body = lead.get(&page).await.body;
    assert!(
        body.contains(
            "Samtykke fra Frode Fikstursen, Mona Fikstursen for Testdalen PPT trukket tilbake"
        ),
        "{body}"
    );
}
on_every_backend!(
    withdrawing_a_consent_is_confirmed_with_a_reason,
    withdrawal_is_confirmed
);

/// Item 21: the catalogue is linked from the login page; child welfare has
/// «Nødtilgang» in its navigation; the break-glass review names the child
/// and is in the leader's tasks; the reader sees when the access ends.
async fn findable(app: TestApp) {
    let login = app.anonymous().get("/logg-inn").await.body;
    assert!(login.contains("href=\"/tiltak\""), "{login}");
    let nav = |body: &str| {
        body.split("</nav>")
            .next()
            .unwrap_or_default()
            .contains("href=\"/nodtilgang\"")
    };
    assert!(nav(&app
        .client(Who::ChildWelfareBreakGlass)
        .await
        .get("/mine-oppgaver")
        .await
        .body));
    assert!(nav(&app
        .client(Who::Leder)
        .await
        .get("/mine-oppgaver")
        .await
        .body));
    assert!(!nav(&app
        .client(Who::PptOnTeam)
        .await
        .get("/mine-oppgaver")
        .await
        .body));

    let tasks = app
        .client(Who::Leder)
        .await
        .get("/mine-oppgaver")
        .await
        .body;
    assert!(
        tasks.contains("Gå gjennom bruk av nødtilgang: Bjørn Testbarnevern"),
        "the review task names who used break-glass: {tasks}"
    );
    assert!(tasks.contains(CHILD));
    let overview = app
        .client(Who::Leder)
        .await
        .get(&format!("/enheter/{}/logger", app.fx.unit))
        .await
        .body;
    let reviews = overview.split("id=\"nodtilgang\"").nth(1).unwrap();
    assert!(reviews.contains(CHILD), "{reviews}");
    assert!(reviews.contains("tilgang til"), "{reviews}");

    let page = format!("/logger/{}", app.fx.log.log);
    let body = app
        .client(Who::ChildWelfareBreakGlass)
        .await
        .get(&page)
        .await
        .body;
    assert!(body.contains("gjelder til"), "{body}");
}
on_every_backend!(break_glass_and_the_catalogue_are_findable, findable);

/// Issue 15, items 5, 7 and 17: the coordinating unit, asked who should
/// coordinate, sees what the question needs and not the child's story
/// (unless a consent covers it); it can answer (an empty answer is refused
/// beside the field); the confirmation quotes the answer; its access ends
/// with the answer; the lead gets the answer as a task until it is read.
async fn the_coordinating_unit_sees_the_question(app: TestApp) {
    let fx = app.fx.log.clone();
    let page = format!("/logger/{}", fx.log);
    let mut lead = app.client(Who::Ansatt).await;
    let question = "Barnehagen og PPT er uenige om hvem som skal holde stafetten.";
    let r = lead
        .post(
            &format!("{page}/koordinering"),
            &[("koordinering", question)],
        )
        .await;
    assert_eq!(r.status, 303);

    let mut ke = app.client(Who::KoordinerendeEnhet).await;
    let r = ke.get(&page).await;
    assert_eq!(r.status, 200);
    for needed in [question, "Testdalen PPT", "Nivå 0", "Enheter på laget"] {
        assert!(r.body.contains(needed), "the question needs «{needed}»");
    }
    for hidden in [
        "Mona Fikstursen",
        "Språkgruppe",
        "Trekker seg unna i lek",
        &format!("{page}/utskrift"),
    ] {
        assert!(
            !r.body.contains(hidden),
            "the coordinating unit sees «{hidden}»"
        );
    }
    for path in [
        format!("{page}/utskrift"),
        format!("{page}/tiltak/{}", fx.measure),
        format!("{page}/vedlegg/{}", fx.attachment),
    ] {
        assert_eq!(ke.get(&path).await.status, 404, "{path}");
    }

    // A consent that covers the coordinating unit opens the whole log.
    let ke_unit: String = app.with_conn(|c| {
        laget_db::schema::memberships::table
            .filter(
                laget_db::schema::memberships::user_id
                    .eq(app.fx.users[&Who::KoordinerendeEnhet].to_string()),
            )
            .select(laget_db::schema::memberships::unit_id)
            .first::<Option<String>>(c)
            .unwrap()
            .unwrap()
    });
    let (mother, father) = (fx.mother.to_string(), fx.father.to_string());
    let (from, to) = (d(0), d(30));
    let r = lead
        .post(
            &format!("{page}/samtykke"),
            &[
                ("givere", &mother),
                ("givere", &father),
                ("enheter", &ke_unit),
                ("formal", "dele"),
                ("gyldig_fra", &from),
                ("gyldig_til", &to),
                ("metode", "digitalt"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert!(ke.get(&page).await.body.contains("Mona Fikstursen"));
    assert_eq!(ke.get(&format!("{page}/utskrift")).await.status, 200);

    // An empty answer: the field says so, nothing is answered.
    let r = ke
        .post(&format!("{page}/koordinering/svar"), &[("svar", " ")])
        .await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("svar-error"), "{}", r.body);
    let answer = "PPT koordinerer fra neste uke.";
    let r = ke
        .post(&format!("{page}/koordinering/svar"), &[("svar", answer)])
        .await;
    assert_eq!(r.status, 200);
    assert!(
        r.body.contains(answer),
        "the confirmation quotes the answer"
    );
    assert!(!r.body.contains(CHILD), "the confirmation names no child");
    // Its access ends with the answer: a consent alone, off the team,
    // opens nothing (withdrawn here all the same).
    let consent: String = app.with_conn(|c| {
        consents::table
            .filter(consents::log_id.eq(fx.log.to_string()))
            .filter(consents::unit_ids.eq(&ke_unit))
            .select(consents::id)
            .first(c)
            .unwrap()
    });
    let r = lead
        .post(
            &format!("{page}/samtykke/{consent}/trekk"),
            &[("begrunnelse", "Ikke lenger nødvendig.")],
        )
        .await;
    assert_eq!(r.status, 303);
    assert_eq!(
        ke.get(&page).await.status,
        404,
        "its access ends with the answer"
    );

    // The lead is told, and marks the answer read.
    let tasks = lead.get("/mine-oppgaver").await.body;
    assert!(tasks.contains("Koordinerende enhet har svart"), "{tasks}");
    let body = lead.get(&page).await.body;
    assert!(body.contains(answer));
    let r = lead.post(&format!("{page}/koordinering/lest"), &[]).await;
    assert_eq!(r.status, 303);
    let tasks = lead.get("/mine-oppgaver").await.body;
    assert!(!tasks.contains("Koordinerende enhet har svart"), "{tasks}");
}
on_every_backend!(
    the_coordinating_unit_sees_what_the_question_needs,
    the_coordinating_unit_sees_the_question
);
