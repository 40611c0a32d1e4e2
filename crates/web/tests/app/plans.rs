//! Individual plans (issue #13, P1): asked for from the log or by the
//! family, decided by the coordinating unit with a coordinator, goals in the
//! child's words and the services' contributions, the printed plan and the
//! family's view; refusals, closing, and 404 for everyone else. Each
//! scenario runs on both engines.

use crate::on_every_backend;
use diesel::prelude::*;
use laget_db::schema::{
    access_log, consents, log_entries, memberships, plan_contributions, plan_goals, plans,
    team_members, users,
};
use laget_testkit::{TestApp, Who};

fn log(app: &TestApp) -> String {
    app.fx.log.log.to_string()
}

/// Status, coordinator, coordinator kind, the citizen who asked.
type PlanRow = (String, Option<String>, Option<String>, Option<String>);

fn plan_row(app: &TestApp) -> Option<PlanRow> {
    let log = log(app);
    app.with_conn(|c| {
        plans::table
            .filter(plans::log_id.eq(log))
            .select((
                plans::status,
                plans::coordinator_id,
                plans::coordinator_kind,
                plans::requested_by_citizen,
            ))
            .first(c)
            .optional()
            .unwrap()
    })
}

fn log_rows(app: &TestApp) -> i64 {
    let log = log(app);
    app.with_conn(|c| {
        access_log::table
            .filter(access_log::object_id.eq(log))
            .count()
            .get_result(c)
            .unwrap()
    })
}

fn plan_events(app: &TestApp) -> Vec<(String, Option<String>)> {
    let log = log(app);
    app.with_conn(|c| {
        log_entries::table
            .filter(log_entries::log_id.eq(log))
            .filter(log_entries::kind.eq("individuell_plan"))
            .order(log_entries::at)
            .select((log_entries::data, log_entries::body))
            .load::<(Option<String>, Option<String>)>(c)
            .unwrap()
            .into_iter()
            .map(|(d, b)| {
                let v: serde_json::Value = serde_json::from_str(&d.unwrap()).unwrap();
                (v["hendelse"].as_str().unwrap().to_owned(), b)
            })
            .collect()
    })
}

/// The team member id of the school's staff (on the team, no consent).
fn school_member(app: &TestApp) -> String {
    let user = app.fx.users[&Who::SchoolWithoutConsent].to_string();
    let log = log(app);
    app.with_conn(|c| {
        team_members::table
            .filter(team_members::log_id.eq(log))
            .filter(team_members::user_id.eq(Some(user)))
            .select(team_members::id)
            .first(c)
            .unwrap()
    })
}

/// A member of the other municipality's coordinating unit.
fn other_coordinating_unit(app: &TestApp) -> laget_domain::UserId {
    let id = laget_domain::UserId::new();
    let m = app.fx.other_municipality.to_string();
    app.with_conn(|c| {
        diesel::insert_into(users::table)
            .values((
                users::id.eq(id.to_string()),
                users::username.eq("annen.koordinerende"),
                users::display_name.eq("Kari Annenkommune"),
                users::password_hash.eq("x"),
                users::is_system_admin.eq(false),
                users::created_at.eq(0i64),
            ))
            .execute(c)
            .unwrap();
        diesel::insert_into(memberships::table)
            .values((
                memberships::id.eq(laget_domain::ids::MembershipId::new().to_string()),
                memberships::user_id.eq(id.to_string()),
                memberships::municipality_id.eq(m),
                memberships::unit_id.eq(None::<String>),
                memberships::role.eq("koordinerende_enhet"),
                memberships::created_at.eq(0i64),
            ))
            .execute(c)
            .unwrap();
    });
    id
}

fn in_a_month() -> String {
    (chrono::Utc::now().date_naive() + chrono::Duration::days(30))
        .format("%d.%m.%Y")
        .to_string()
}

async fn a_log_becomes_a_plan_with_a_coordinator(app: TestApp) {
    let log = log(&app);
    let page = format!("/logger/{log}/plan");
    let mut lead = app.client(Who::Ansatt).await;

    // The log page points to the plan; the plan page offers the request.
    let r = lead.get(&format!("/logger/{log}")).await;
    assert!(r.body.contains(&format!("href=\"{page}\"")), "{}", r.body);
    let r = lead.get(&page).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("Be om individuell plan"), "{}", r.body);

    // A reason is required; the error is beside the field.
    let r = lead.post(&page, &[("begrunnelse", "  ")]).await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains("id=\"begrunnelse-error\""), "{}", r.body);
    assert!(plan_row(&app).is_none());

    let before = log_rows(&app);
    let r = lead
        .post(
            &page,
            &[(
                "begrunnelse",
                "Mange tjenester er involvert; familien trenger én plan.",
            )],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert!(
        r.location().ends_with("melding=bedt-om"),
        "{}",
        r.location()
    );
    assert_eq!(plan_row(&app).unwrap().0, "bedt_om");
    assert!(log_rows(&app) > before, "the request is in the access log");
    // One plan per log: a second request shows the one that stands.
    let r = lead.post(&page, &[("begrunnelse", "Igjen.")]).await;
    assert!(r.location().ends_with("melding=finnes"), "{}", r.location());

    // The coordinating unit sees it: a task, the queue, the decision page.
    let mut ke = app.client(Who::KoordinerendeEnhet).await;
    let r = ke.get("/mine-oppgaver").await;
    assert!(
        r.body
            .contains("En forespørsel om individuell plan venter på avgjørelse"),
        "{}",
        r.body
    );
    let queue = format!("/kommuner/{}/planer", app.fx.municipality);
    let r = ke.get(&queue).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("Testbarn Fikstursen"), "{}", r.body);
    let decide = format!("/logger/{log}/plan/beslutning");
    let r = ke.get(&decide).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("Petra Testppt"), "PPT may open the log");
    assert!(
        !r.body.contains("Sondre Testskole"),
        "the school's consent does not cover it: it cannot coordinate"
    );

    // A coordinator the consent does not cover is refused beside the field.
    let school = school_member(&app);
    let r = ke
        .post(
            &decide,
            &[
                ("beslutning", "innvilg"),
                ("koordinator", &school),
                ("type", "koordinator"),
            ],
        )
        .await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains("id=\"koordinator-error\""), "{}", r.body);

    let ppt_member = app.fx.log.ppt_member.to_string();
    let r = ke
        .post(
            &decide,
            &[
                ("beslutning", "innvilg"),
                ("koordinator", &ppt_member),
                ("type", "barnekoordinator"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let (status, coordinator, kind, _) = plan_row(&app).unwrap();
    assert_eq!(status, "aktiv");
    assert_eq!(
        coordinator.as_deref(),
        Some(app.fx.users[&Who::PptOnTeam].to_string().as_str())
    );
    assert_eq!(kind.as_deref(), Some("barnekoordinator"));
    // It names another coordinator later, but never reads the plan's
    // content (its view stays the question's).
    let r = ke.get(&decide).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("Bytt koordinator"), "{}", r.body);
    assert!(!r.body.contains("Jeg vil"), "no goals on its page");
    assert_eq!(ke.get(&page).await.status, 404);

    // The coordinator gets a task.
    let mut ppt = app.client(Who::PptOnTeam).await;
    let r = ppt.get("/mine-oppgaver").await;
    assert!(
        r.body.contains("Du er oppnevnt som koordinator"),
        "{}",
        r.body
    );

    // Goals in the child's words.
    let r = ppt
        .post(
            &format!("{page}/mal"),
            &[("ord", ""), ("sagt_av", "barnet")],
        )
        .await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains("id=\"ord-error\""), "{}", r.body);
    for (words, said) in [
        ("Jeg vil ha en venn å leke med i friminuttet.", "barnet"),
        ("At hun skal glede seg til å gå på skolen.", "foresatte"),
    ] {
        let r = ppt
            .post(&format!("{page}/mal"), &[("ord", words), ("sagt_av", said)])
            .await;
        assert_eq!(r.status, 303, "{}", r.body);
    }
    let goal: String = app.with_conn(|c| {
        plan_goals::table
            .filter(plan_goals::position.eq(1))
            .select(plan_goals::id)
            .first(c)
            .unwrap()
    });
    // New words keep the old ones on the timeline.
    let r = ppt
        .post(
            &format!("{page}/mal/{goal}"),
            &[("ord", "Jeg vil ha en venn i friminuttet.")],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);

    // A contribution from a unit no consent covers is refused, clearly.
    let school_unit = app.fx.log.school_unit.to_string();
    let ppt_user = app.fx.users[&Who::PptOnTeam].to_string();
    let on = in_a_month();
    let r = ppt
        .post(
            &format!("{page}/bidrag"),
            &[
                ("mal", &goal),
                ("enhet", &school_unit),
                ("tiltak", ""),
                ("hva", "Lesetrening"),
                ("ansvarlig", &ppt_user),
                ("evaluering", &on),
            ],
        )
        .await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(
        r.body.contains("ikke dekket av et gyldig samtykke"),
        "{}",
        r.body
    );
    assert!(r.body.contains("Lesetrening"), "input kept");
    // From the PPT, linked to the log's measure; from the kindergarten.
    let ppt_unit = app.fx.log.ppt_unit.to_string();
    let measure = app.fx.log.measure.to_string();
    let r = ppt
        .post(
            &format!("{page}/bidrag"),
            &[
                ("mal", &goal),
                ("enhet", &ppt_unit),
                ("tiltak", &measure),
                ("hva", "Sosial ferdighetstrening i liten gruppe"),
                ("ansvarlig", &ppt_user),
                ("evaluering", &on),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let kindergarten = app.fx.unit.to_string();
    let lead_user = app.fx.users[&Who::Ansatt].to_string();
    let r = lead
        .post(
            &format!("{page}/bidrag"),
            &[
                ("mal", &goal),
                ("enhet", &kindergarten),
                ("tiltak", ""),
                ("hva", "Voksen til stede i friminuttet"),
                ("ansvarlig", &lead_user),
                ("evaluering", &on),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let n: i64 = app.with_conn(|c| plan_contributions::table.count().get_result(c).unwrap());
    assert_eq!(n, 2);

    // The plan page shows it all, with the participants and their consent.
    let r = lead.get(&page).await;
    assert_eq!(r.status, 200);
    for text in [
        "Jeg vil ha en venn i friminuttet.",
        "Sosial ferdighetstrening i liten gruppe",
        "Testdalen PPT",
        "Petra Testppt",
        "Barnekoordinator",
        "Ikke dekket av samtykke",
        on.as_str(),
    ] {
        assert!(r.body.contains(text), "{text}: {}", r.body);
    }
    // The timeline continues: plan events on the log's timeline.
    let events: Vec<String> = plan_events(&app).into_iter().map(|(e, _)| e).collect();
    assert_eq!(
        events,
        [
            "bedt_om",
            "innvilget",
            "mal",
            "mal",
            "mal_endret",
            "bidrag",
            "bidrag"
        ]
    );
    let r = lead.get(&format!("/logger/{log}")).await;
    assert!(
        r.body
            .contains("Individuell plan ble innvilget; barnekoordinator: Petra Testppt"),
        "{}",
        r.body
    );
    assert!(
        r.body
            .contains("før: «Jeg vil ha en venn å leke med i friminuttet.»")
    );

    // The printed plan: the family's document, absolute dates.
    let before = log_rows(&app);
    let r = lead.get(&format!("{page}/utskrift")).await;
    assert_eq!(r.status, 200, "{}", r.body);
    for text in [
        "Individuell plan for Testbarn Fikstursen",
        "Jeg vil ha en venn i friminuttet.",
        "Voksen til stede i friminuttet",
        "Barnekoordinator",
        on.as_str(),
        "laget-print",
    ] {
        assert!(r.body.contains(text), "{text}: {}", r.body);
    }
    let printed: i64 = app.with_conn(|c| {
        access_log::table
            .filter(access_log::object_id.eq(log.clone()))
            .filter(access_log::action.eq("print"))
            .count()
            .get_result(c)
            .unwrap()
    });
    assert!(printed >= 1 && log_rows(&app) > before);

    // The family sees it in the portal, linked from their log page.
    let mut mum = app.client(Who::Guardian).await;
    let r = mum.get(&format!("/familie/logger/{log}")).await;
    assert!(
        r.body.contains(&format!("/familie/logger/{log}/plan")),
        "{}",
        r.body
    );
    let r = mum.get(&format!("/familie/logger/{log}/plan")).await;
    assert_eq!(r.status, 200, "{}", r.body);
    for text in [
        "Jeg vil ha en venn i friminuttet.",
        "Petra Testppt",
        "Testdalen PPT",
        on.as_str(),
    ] {
        assert!(r.body.contains(text), "{text}: {}", r.body);
    }
    assert!(!r.body.contains("Be om individuell plan"), "a plan stands");

    // Closing: not the lead (neither coordinator nor leader); the coordinator.
    let r = lead
        .post(&format!("{page}/avslutt"), &[("begrunnelse", "Ferdig.")])
        .await;
    assert_eq!(r.status, 404, "{}", r.body);
    let r = ppt
        .post(&format!("{page}/avslutt"), &[("begrunnelse", "")])
        .await;
    assert_eq!(r.status, 422, "{}", r.body);
    let r = ppt
        .post(
            &format!("{page}/avslutt"),
            &[(
                "begrunnelse",
                "Målene er nådd, og familien ønsker å avslutte.",
            )],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(plan_row(&app).unwrap().0, "avsluttet");
    // A closed plan takes no new goal.
    let r = ppt
        .post(
            &format!("{page}/mal"),
            &[("ord", "Mer."), ("sagt_av", "barnet")],
        )
        .await;
    assert_eq!(r.status, 409, "{}", r.body);
}
on_every_backend!(
    a_log_becomes_a_plan_with_a_coordinator_on_every_engine,
    a_log_becomes_a_plan_with_a_coordinator
);

async fn the_family_asks_and_the_coordinating_unit_refuses(app: TestApp) {
    let log = log(&app);
    let mut mum = app.client(Who::Guardian).await;
    let family = format!("/familie/logger/{log}/plan");
    let r = mum.get(&family).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("Be om individuell plan"), "{}", r.body);
    let r = mum.post(&family, &[("begrunnelse", "")]).await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains("id=\"begrunnelse-error\""));
    let r = mum
        .post(
            &family,
            &[(
                "begrunnelse",
                "Vi har mange å forholde oss til og ønsker én plan.",
            )],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let (status, _, _, citizen) = plan_row(&app).unwrap();
    assert_eq!(status, "bedt_om");
    assert!(citizen.is_some(), "asked by the family");
    let cited: i64 = app.with_conn(|c| {
        access_log::table
            .filter(access_log::object_id.eq(log.clone()))
            .filter(access_log::principal_kind.eq("citizen"))
            .filter(access_log::action.eq("update"))
            .count()
            .get_result(c)
            .unwrap()
    });
    assert!(cited >= 1, "the family's request is in the access log");
    let r = mum.get(&family).await;
    assert!(
        r.body.contains("venter på koordinerende enhet"),
        "{}",
        r.body
    );

    // The coordinating unit refuses: a reason is needed.
    let mut ke = app.client(Who::KoordinerendeEnhet).await;
    let decide = format!("/logger/{log}/plan/beslutning");
    let r = ke.get(&decide).await;
    assert!(r.body.contains("Bedt om av familien"), "{}", r.body);
    let r = ke.post(&decide, &[("beslutning", "avsla")]).await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains("id=\"begrunnelse-error\""), "{}", r.body);
    let r = ke
        .post(
            &decide,
            &[
                ("beslutning", "avsla"),
                ("begrunnelse", "Behovet dekkes av ansvarsgruppen foreløpig."),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(plan_row(&app).unwrap().0, "avslatt");
    let events = plan_events(&app);
    assert_eq!(events.last().unwrap().0, "avslatt");
    assert_eq!(
        events.last().unwrap().1.as_deref(),
        Some("Behovet dekkes av ansvarsgruppen foreløpig.")
    );
    let r = mum.get(&family).await;
    assert!(r.body.contains("Forespørselen ble avslått"), "{}", r.body);
    // The staff see the refusal on the timeline and may ask again.
    let mut lead = app.client(Who::Ansatt).await;
    let r = lead.get(&format!("/logger/{log}")).await;
    assert!(
        r.body
            .contains("Forespørselen om individuell plan ble avslått"),
        "{}",
        r.body
    );
    let r = lead
        .post(
            &format!("/logger/{log}/plan"),
            &[("begrunnelse", "Nye behov.")],
        )
        .await;
    assert!(
        r.location().ends_with("melding=bedt-om"),
        "{}",
        r.location()
    );
    assert_eq!(plan_row(&app).unwrap().0, "bedt_om");
}
on_every_backend!(
    the_family_asks_and_the_coordinating_unit_refuses_on_every_engine,
    the_family_asks_and_the_coordinating_unit_refuses
);

async fn plans_are_404_for_those_who_may_not_open_the_log(app: TestApp) {
    let log = log(&app);
    let page = format!("/logger/{log}/plan");
    let decide = format!("/logger/{log}/plan/beslutning");
    // Nothing asked: the coordinating unit may not open the log.
    let mut ke = app.client(Who::KoordinerendeEnhet).await;
    assert_eq!(ke.get(&decide).await.status, 404);
    assert_eq!(ke.get(&page).await.status, 404);

    let mut lead = app.client(Who::Ansatt).await;
    let r = lead
        .post(&page, &[("begrunnelse", "Behov for koordinering.")])
        .await;
    assert_eq!(r.status, 303);

    // Staff without access to the log: 404 everywhere.
    let mut health = app.client(Who::HealthNotOnTeam).await;
    for path in [&page, &decide, &format!("{page}/utskrift")] {
        assert_eq!(health.get(path).await.status, 404, "{path}");
    }
    let r = health
        .post(&page, &[("begrunnelse", "Jeg vil også.")])
        .await;
    assert_eq!(r.status, 404);
    // The school, on the team without consent: 404.
    let mut school = app.client(Who::SchoolWithoutConsent).await;
    assert_eq!(school.get(&page).await.status, 404);
    // The coordinating unit, asked, sees the decision but not the whole
    // plan page (the limited view).
    assert_eq!(ke.get(&decide).await.status, 200);
    assert_eq!(ke.get(&page).await.status, 404);

    // Another municipality's coordinating unit: 404, and not in its queue.
    let other = other_coordinating_unit(&app);
    let mut them = app.client_for(other).await;
    assert_eq!(them.get(&decide).await.status, 404);
    let r = them
        .post(&decide, &[("beslutning", "avsla"), ("begrunnelse", "Nei.")])
        .await;
    assert_eq!(r.status, 404);
    assert_eq!(
        them.get(&format!("/kommuner/{}/planer", app.fx.municipality))
            .await
            .status,
        404
    );
    let r = them
        .get(&format!("/kommuner/{}/planer", app.fx.other_municipality))
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(!r.body.contains("Testbarn Fikstursen"));
    assert_eq!(plan_row(&app).unwrap().0, "bedt_om", "nothing decided");
    // Staff are not the coordinating unit's queue.
    assert_eq!(
        lead.get(&format!("/kommuner/{}/planer", app.fx.municipality))
            .await
            .status,
        404
    );

    // The family: a guardian without parental responsibility sees nothing.
    let mut bonus = app.client(Who::GuardianWithoutResponsibility).await;
    assert_eq!(
        bonus
            .get(&format!("/familie/logger/{log}/plan"))
            .await
            .status,
        404
    );
    // No print before a plan is granted.
    assert_eq!(lead.get(&format!("{page}/utskrift")).await.status, 404);
}
on_every_backend!(
    plans_are_404_for_those_who_may_not_open_the_log_on_every_engine,
    plans_are_404_for_those_who_may_not_open_the_log
);

// ---------------------------------------------------------------------------
// Fixes after the outside test of #13 (F3).

/// Asks for the fixture log's plan (the lead) and grants it with PPT's
/// adviser as coordinator, without a reason.
async fn granted_without_reason(app: &TestApp) {
    let log = log(app);
    let mut lead = app.client(Who::Ansatt).await;
    let r = lead
        .post(
            &format!("/logger/{log}/plan"),
            &[("begrunnelse", "Mange tjenester.")],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let mut ke = app.client(Who::KoordinerendeEnhet).await;
    let ppt_member = app.fx.log.ppt_member.to_string();
    let r = ke
        .post(
            &format!("/logger/{log}/plan/beslutning"),
            &[
                ("beslutning", "innvilg"),
                ("koordinator", &ppt_member),
                ("type", "koordinator"),
                ("begrunnelse", ""),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
}

/// #15, #23, #9 (heading): granted without a reason, the plan page has no
/// heading for one; the same goal sent twice at once is one goal; a closed
/// plan says when, by whom and why, and the log page links the closed plan
/// instead of saying there is none.
async fn closed_plan_and_repeated_goal(app: TestApp) {
    let log = log(&app);
    let page = format!("/logger/{log}/plan");
    granted_without_reason(&app).await;
    let mut lead = app.client(Who::Ansatt).await;
    let r = lead.get(&page).await;
    assert_eq!(r.status, 200, "{:?}", app.backend);
    assert!(
        !r.body.contains("Begrunnelse for avgjørelsen"),
        "{}",
        r.body
    );
    assert!(r.body.contains("Avgjørelse"));
    // A consent (PPT's) is in place: no warning.
    assert!(!r.body.contains("Planen krever samtykke"));

    // The same goal twice (a double click): one goal, one event.
    let mut ppt = app.client(Who::PptOnTeam).await;
    let goal = [("ord", "Jeg vil lære å sykle."), ("sagt_av", "barnet")];
    let url = format!("{page}/mal");
    let mut other = app.client(Who::PptOnTeam).await;
    let (a, b) = tokio::join!(other.post(&url, &goal), ppt.post(&url, &goal));
    assert_eq!(a.status, 303);
    assert_eq!(b.status, 303);
    let goals: i64 = app.with_conn(|c| {
        plan_goals::table
            .filter(plan_goals::words.eq("Jeg vil lære å sykle."))
            .count()
            .get_result(c)
            .unwrap()
    });
    assert_eq!(goals, 1);
    let mal = plan_events(&app).iter().filter(|(e, _)| e == "mal").count();
    assert_eq!(mal, 1);
    // Other words are another goal.
    let r = ppt
        .post(
            &format!("{page}/mal"),
            &[("ord", "Jeg vil lære å svømme."), ("sagt_av", "barnet")],
        )
        .await;
    assert_eq!(r.status, 303);
    let all: i64 = app.with_conn(|c| plan_goals::table.count().get_result(c).unwrap());
    assert_eq!(all, 2);

    // Closed: when, by whom, why; the log links the closed plan.
    let r = ppt
        .post(
            &format!("{page}/avslutt"),
            &[("begrunnelse", "Målene er nådd.")],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let today = chrono::Utc::now()
        .with_timezone(&chrono_tz::Europe::Oslo)
        .format("%d.%m.%Y")
        .to_string();
    let r = lead.get(&page).await;
    assert!(
        r.body.contains(&format!(
            "Planen ble avsluttet {today} av Petra Testppt: Målene er nådd."
        )),
        "{}",
        r.body
    );
    let r = lead.get(&format!("/logger/{log}")).await;
    assert!(
        r.body.contains("Den individuelle planen er avsluttet."),
        "{}",
        r.body
    );
    assert!(r.body.contains("Se den avsluttede planen"));
    assert!(r.body.contains(&format!("href=\"{page}\"")));
    assert!(!r.body.contains("Loggen har ingen individuell plan"));
}
on_every_backend!(
    a_closed_plan_tells_its_end_and_a_repeated_goal_is_one,
    closed_plan_and_repeated_goal
);

/// #9: no valid consent on the log: the decision page and the plan page
/// say the plan needs consent.
async fn consent_missing_notice(app: TestApp) {
    let log = log(&app);
    app.with_conn(|c| {
        diesel::update(consents::table.filter(consents::log_id.eq(log.clone())))
            .set(consents::withdrawn_at.eq(Some(0i64)))
            .execute(c)
            .unwrap();
    });
    let mut lead = app.client(Who::Ansatt).await;
    let page = format!("/logger/{log}/plan");
    let r = lead
        .post(&page, &[("begrunnelse", "Mange tjenester.")])
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let r = lead.get(&page).await;
    assert!(
        r.body.contains("Planen krever samtykke"),
        "{:?} {}",
        app.backend,
        r.body
    );
    let mut ke = app.client(Who::KoordinerendeEnhet).await;
    let r = ke.get(&format!("{page}/beslutning")).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("Planen krever samtykke"), "{}", r.body);
}
on_every_backend!(
    a_plan_without_consent_says_it_needs_one,
    consent_missing_notice
);

// ---------------------------------------------------------------------------
// Fixes after the outside test of #13 (F4).

/// The coordinating unit's start page links its queue of plan requests; a
/// member of staff's does not.
async fn the_start_page_links_the_plan_queue(app: TestApp) {
    let queue = format!("/kommuner/{}/planer", app.fx.municipality);
    let mut ke = app.client(Who::KoordinerendeEnhet).await;
    let r = ke.get("/").await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(
        r.body.matches(&format!("href=\"{queue}\"")).count(),
        1,
        "{}",
        r.body
    );
    assert!(r.body.contains("Individuelle planer – forespørsler"));
    assert_eq!(ke.get(&queue).await.status, 200);
    let mut staff = app.client(Who::Ansatt).await;
    let r = staff.get("/").await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(!r.body.contains("/planer\""), "{}", r.body);
}
on_every_backend!(
    the_start_page_links_the_plan_queue_on_every_engine,
    the_start_page_links_the_plan_queue
);

/// With two goals, every id on the staff plan page is used once (the goals
/// heading, the contribution's goal select and each goal's «Endre ordene»).
async fn the_plan_page_has_no_duplicate_ids(app: TestApp) {
    granted_without_reason(&app).await;
    let page = format!("/logger/{}/plan", log(&app));
    let mut lead = app.client(Who::Ansatt).await;
    for words in ["Jeg vil lese selv.", "Jeg vil ha en venn."] {
        let r = lead
            .post(
                &format!("{page}/mal"),
                &[("ord", words), ("sagt_av", "barnet")],
            )
            .await;
        assert_eq!(r.status, 303, "{}", r.body);
    }
    let r = lead.get(&page).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(
        r.body
            .matches("<textarea class=\"ds-input\" id=\"ord-")
            .count(),
        2
    );
    let mut seen = std::collections::HashSet::new();
    for part in r.body.split(" id=\"").skip(1) {
        let id = part.split('"').next().unwrap_or_default();
        assert!(seen.insert(id.to_string()), "duplicate id {id}");
    }
    assert!(seen.contains("mal") && seen.contains("ord"));
}
on_every_backend!(
    the_plan_page_has_no_duplicate_ids_on_every_engine,
    the_plan_page_has_no_duplicate_ids
);
