//! Anonymous consultations (issue #15, items 2, 3, 4 and 8): identifying
//! text is warned about before it is saved; the writer corrects or
//! withdraws an entry, with history; linking to a child's log shows the
//! child's name and birth date and asks first; the lead undoes a link; the
//! consent rule for linking (and for network persons) is the log's
//! coverage rule and names what is missing; a linked consultation is on the
//! timeline with its date only and its age band, under «Beslutninger».

use crate::on_every_backend;
use diesel::prelude::*;
use laget_db::schema::{consultation_events, consultations, guardians, log_entries};
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

fn count(app: &TestApp) -> i64 {
    app.with_conn(|c| consultations::table.count().get_result(c).unwrap())
}

/// (action, actor) of a consultation's history, oldest first.
fn events(app: &TestApp, id: &str) -> Vec<(String, Option<String>)> {
    app.with_conn(|c| {
        consultation_events::table
            .filter(consultation_events::consultation_id.eq(id))
            .order((consultation_events::at, consultation_events::id))
            .select((consultation_events::action, consultation_events::actor_id))
            .load(c)
            .unwrap()
    })
}

fn consultation_form<'a>(
    unit: &'a str,
    summary: &'a str,
    advice: &'a str,
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("enhet", unit),
        ("alder", "1-5"),
        ("dato", "01.11.2026"),
        ("sammendrag", summary),
        ("rad", advice),
        ("drofta_med", "PPT"),
    ]
}

/// Item 2: a national identity number, a phone number or a full name is
/// warned about beside its field (422, nothing saved, the text kept); the
/// writer saves anyway by ticking that they have checked; clean text is
/// saved at once.
async fn identifying_text_is_warned(app: TestApp) {
    let mut lead = app.client(Who::Ansatt).await;
    let unit = app.fx.unit.to_string();
    let before = count(&app);

    let r = lead
        .post(
            "/drofting",
            &consultation_form(
                &unit,
                "Gutten har fnr 010120 12345.",
                "Snakk med helsesykepleier.",
            ),
        )
        .await;
    assert_eq!(r.status, 422, "an 11-digit number is warned about");
    assert!(r.body.contains("kan identifisere barnet"), "{}", r.body);
    assert!(r.body.contains("fødselsnummer"), "{}", r.body);
    assert!(
        r.body.contains("id=\"sammendrag-error\""),
        "beside the field"
    );
    assert!(
        r.body.contains("Gutten har fnr 010120 12345."),
        "the text is kept"
    );
    assert!(
        r.body
            .contains("Jeg har sjekket at teksten ikke identifiserer barnet"),
        "{}",
        r.body
    );
    assert_eq!(count(&app), before, "nothing saved");

    let r = lead
        .post(
            "/drofting",
            &consultation_form(&unit, "Stille i lek.", "Ring mor på +47 912 34 567."),
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("id=\"rad-error\""), "{}", r.body);
    assert!(r.body.contains("telefonnummer"), "{}", r.body);

    let r = lead
        .post(
            "/drofting",
            &consultation_form(&unit, "Vi drøftet Emma Hansen i dag.", "Observer."),
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("fullt navn"), "{}", r.body);
    assert!(r.body.contains("Emma Hansen"), "{}", r.body);
    assert_eq!(count(&app), before);

    // Checked and saved anyway.
    let mut form = consultation_form(&unit, "Vi drøftet Emma Hansen i dag.", "Observer.");
    form.push(("sjekket", "ja"));
    let r = lead.post("/drofting", &form).await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(count(&app), before + 1);

    // Clean text needs no check.
    let r = lead
        .post(
            "/drofting",
            &consultation_form(&unit, "Et barn som biter i lek.", "Snakk med PPT."),
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(count(&app), before + 2);
}
on_every_backend!(
    identifying_text_is_warned_before_saving,
    identifying_text_is_warned
);

/// Item 2: each entry says who wrote it; only the writer corrects or
/// withdraws it; both are kept as history; a withdrawn entry leaves the list.
async fn writer_corrects_and_withdraws(app: TestApp) {
    let id = app.fx.log.consultation.to_string();
    let edit = format!("/drofting/{id}/endre");
    let mut lead = app.client(Who::Ansatt).await;
    let mut leader = app.client(Who::Leder).await;
    let unit = app.fx.unit.to_string();

    let list = leader.get("/drofting").await.body;
    assert!(list.contains("Et barn som er stille i lek."), "{list}");
    assert!(list.contains("Tora Testansatt"), "who wrote it: {list}");

    // Only the writer.
    assert_eq!(leader.get(&edit).await.status, 404);
    assert_eq!(
        app.client(Who::PptOnTeam).await.get(&edit).await.status,
        404
    );
    let r = lead.get(&edit).await;
    assert_eq!(r.status, 200);
    assert!(
        r.body.contains("Et barn som er stille i lek."),
        "{}",
        r.body
    );

    // A correction is checked like a new entry.
    let r = lead
        .post(
            &edit,
            &consultation_form(&unit, "Drøftet Ola Nordmann Hansen.", "Observer."),
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("fullt navn"), "{}", r.body);
    let r = lead
        .post(
            &edit,
            &consultation_form(
                &unit,
                "Et barn som er stille i frilek.",
                "Observer i tre uker.",
            ),
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let list = leader.get("/drofting").await.body;
    assert!(list.contains("Et barn som er stille i frilek."), "{list}");
    assert!(!list.contains("Observer i to uker."), "{list}");
    assert!(list.contains(&format!("Rettet {}", d(0))), "{list}");
    let lead_id = app.fx.users[&Who::Ansatt].to_string();
    assert_eq!(
        events(&app, &id),
        [("rettet".to_owned(), Some(lead_id.clone()))]
    );

    // Withdrawn: out of everyone's list, kept in the history.
    assert_eq!(
        leader
            .post(&format!("/drofting/{id}/trekk"), &[])
            .await
            .status,
        404
    );
    let r = lead.post(&format!("/drofting/{id}/trekk"), &[]).await;
    assert_eq!(r.status, 303);
    for client in [&mut lead, &mut leader] {
        let list = client.get("/drofting").await.body;
        assert!(!list.contains("stille i frilek"), "{list}");
    }
    assert_eq!(lead.get(&edit).await.status, 404);
    let withdrawn: Option<i64> = app.with_conn(|c| {
        consultations::table
            .find(&id)
            .select(consultations::withdrawn_at)
            .first(c)
            .unwrap()
    });
    assert!(withdrawn.is_some());
    assert_eq!(
        events(&app, &id),
        [
            ("rettet".to_owned(), Some(lead_id.clone())),
            ("trukket".to_owned(), Some(lead_id))
        ]
    );
    // A withdrawn consultation cannot be linked.
    let log = app.fx.log.log.to_string();
    let r = lead
        .post(
            &format!("/drofting/{id}/koble"),
            &[("enhet", &unit), ("logg", &log), ("bekreft", "ja")],
        )
        .await;
    assert_eq!(r.status, 404);
}
on_every_backend!(
    the_writer_corrects_or_withdraws_a_consultation,
    writer_corrects_and_withdraws
);

/// Items 3 and 8: the list of logs names each child with its birth date;
/// linking asks first; a linked consultation leaves the open list and is on
/// the timeline with its date only and its age band, under «Beslutninger»;
/// the lead undoes a wrong link, which leaves a trace in the log and the
/// consultation's history.
async fn linking_asks_and_can_be_undone(app: TestApp) {
    let fx = app.fx.log.clone();
    let id = fx.consultation.to_string();
    let log = fx.log.to_string();
    let unit = app.fx.unit.to_string();
    let page = format!("/logger/{log}");
    let born = app.concrete("{child_birth}");
    let mut lead = app.client(Who::Ansatt).await;

    let list = lead.get("/drofting").await.body;
    assert!(
        list.contains(&format!("Testbarn Fikstursen (født {born})")),
        "{list}"
    );

    // The first submit asks, naming the child and who will see it.
    let link = format!("/drofting/{id}/koble");
    let r = lead.post(&link, &[("enhet", &unit), ("logg", &log)]).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("Testbarn Fikstursen"), "{}", r.body);
    assert!(r.body.contains(&format!("født {born}")), "{}", r.body);
    assert!(
        r.body.contains("Testdalen PPT"),
        "units that will see it: {}",
        r.body
    );
    assert!(r.body.contains("name=\"bekreft\""), "{}", r.body);
    let linked = |app: &TestApp| -> Option<String> {
        app.with_conn(|c| {
            consultations::table
                .find(&id)
                .select(consultations::log_id)
                .first(c)
                .unwrap()
        })
    };
    assert_eq!(linked(&app), None, "nothing linked before the confirmation");

    let r = lead
        .post(
            &link,
            &[("enhet", &unit), ("logg", &log), ("bekreft", "ja")],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(linked(&app).as_deref(), Some(log.as_str()));
    let list = lead.get("/drofting").await.body;
    assert!(
        !list.contains("Et barn som er stille i lek."),
        "linked ones leave the open list"
    );

    // On the timeline: the day it was held, no invented time; the age band;
    // under «Beslutninger», not under «Samtykke».
    let held = d(-10);
    let body = lead.get(&format!("{page}?vis=beslutninger")).await.body;
    assert!(
        body.contains(&format!("{held} · Anonym drøfting ·")),
        "date only: {body}"
    );
    assert!(body.contains("Observer i to uker."), "{body}");
    assert!(
        body.contains("<dt>Aldersgruppe</dt><dd class=\"laget-pre\">1-5 år</dd>"),
        "{body}"
    );
    let body = lead.get(&format!("{page}?vis=samtykke")).await.body;
    assert!(!body.contains("Observer i to uker."), "{body}");
    let print = lead.get(&format!("{page}/utskrift")).await.body;
    assert!(print.contains(&format!("<td>{held}</td>")), "{print}");
    assert!(print.contains("1-5 år"), "{print}");

    // The consultation on the log: those who read the log see it and its
    // history; only the lead (or the keeping unit's leader) undoes the link.
    let shown = format!("{page}/drofting/{id}");
    let mut ppt = app.client(Who::PptOnTeam).await;
    let r = ppt.get(&shown).await;
    assert_eq!(r.status, 200);
    assert!(r.body.contains("Observer i to uker."), "{}", r.body);
    assert!(!r.body.contains("/koble-fra"), "{}", r.body);
    assert_eq!(
        app.client(Who::SchoolWithoutConsent)
            .await
            .get(&shown)
            .await
            .status,
        404
    );
    let unlink = format!("{shown}/koble-fra");
    assert_eq!(
        ppt.post(&unlink, &[("begrunnelse", "Feil barn.")])
            .await
            .status,
        404
    );
    let r = lead.get(&shown).await;
    assert!(r.body.contains("/koble-fra"), "{}", r.body);
    let r = lead.post(&unlink, &[("begrunnelse", "")]).await;
    assert_eq!(r.status, 422, "a reason is required");
    let r = lead
        .post(&unlink, &[("begrunnelse", "Koblet til feil barn.")])
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(linked(&app), None);
    let body = lead.get(&page).await.body;
    assert!(
        !body.contains("Observer i to uker."),
        "the text leaves the log: {body}"
    );
    assert!(body.contains("Anonym drøfting koblet fra loggen"), "{body}");
    assert!(body.contains("Koblet til feil barn."), "{body}");
    let list = lead.get("/drofting").await.body;
    assert!(
        list.contains("Et barn som er stille i lek."),
        "back on the open list: {list}"
    );
    let lead_id = app.fx.users[&Who::Ansatt].to_string();
    assert_eq!(
        events(&app, &id),
        [
            ("koblet".to_owned(), Some(lead_id.clone())),
            ("koblet_fra".to_owned(), Some(lead_id))
        ]
    );
    // Only the one entry about the unlinking is about the consultation now.
    let entries: i64 = app.with_conn(|c| {
        log_entries::table
            .filter(log_entries::log_id.eq(&log))
            .filter(log_entries::kind.eq("drofting"))
            .count()
            .get_result(c)
            .unwrap()
    });
    assert_eq!(entries, 1);
}
on_every_backend!(
    linking_asks_first_and_the_lead_can_undo_it,
    linking_asks_and_can_be_undone
);

/// Item 4: under «all guardians», one guardian's consent does not let a
/// consultation be linked or a network person join, and the form names the
/// guardian whose consent is missing; the team form's hint does not tell
/// the user to register a consent that is already listed.
async fn one_rule_for_coverage(app: TestApp) {
    let mut lead = app.client(Who::Ansatt).await;
    let unit = app.fx.unit.to_string();
    let r = lead
        .post(
            "/barn",
            &[
                ("enhet", &unit),
                ("navn", "Halv Samtykkesen"),
                ("fodselsdato", "01.03.2021"),
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
    for (name, relation) in [("Mari Samtykkesen", "mor"), ("Per Samtykkesen", "far")] {
        let r = lead
            .post(
                &format!("/barn/{child}/foresatte"),
                &[
                    ("navn", name),
                    ("relasjon", relation),
                    ("foreldreansvar", "ja"),
                ],
            )
            .await;
        assert_eq!(r.status, 303, "{}", r.body);
    }
    let mother: String = app.with_conn(|c| {
        guardians::table
            .filter(guardians::child_id.eq(&child))
            .filter(guardians::name.eq("Mari Samtykkesen"))
            .select(guardians::id)
            .first(c)
            .unwrap()
    });
    let r = lead
        .post(
            &format!("/barn/{child}/ny-logg"),
            &[
                ("uro", "Uro."),
                ("observert", &d(0)),
                ("utfordringer", "sprak"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let log = r
        .location()
        .trim_start_matches("/logger/")
        .split('?')
        .next()
        .unwrap()
        .to_owned();
    let page = format!("/logger/{log}");
    let ppt = app.fx.log.ppt_unit.to_string();
    let r = lead
        .post(
            &format!("{page}/samtykke"),
            &[
                ("givere", &mother),
                ("enheter", &ppt),
                ("formal", "dele"),
                ("gyldig_fra", &d(0)),
                ("gyldig_til", &d(100)),
                ("metode", "digitalt"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);

    let id = app.fx.log.consultation.to_string();
    let r = lead
        .post(
            &format!("/drofting/{id}/koble"),
            &[("enhet", &unit), ("logg", &log), ("bekreft", "ja")],
        )
        .await;
    assert_eq!(
        r.status, 422,
        "one of two guardians is not enough: {}",
        r.body
    );
    assert!(
        r.body.contains("mangler samtykke fra Per Samtykkesen"),
        "{}",
        r.body
    );
    let linked: Option<String> = app.with_conn(|c| {
        consultations::table
            .find(&id)
            .select(consultations::log_id)
            .first(c)
            .unwrap()
    });
    assert_eq!(linked, None);

    let r = lead
        .post(
            &format!("{page}/lag/person"),
            &[
                ("type", "nettverk"),
                ("person_navn", "Trener Tom"),
                ("person_rolle", "Fotballtrener"),
            ],
        )
        .await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(
        r.body.contains("mangler samtykke fra Per Samtykkesen"),
        "{}",
        r.body
    );

    // The team form names what is missing and does not ask for a consent
    // that is already listed.
    let body = lead.get(&page).await.body;
    assert!(
        body.contains("Testdalen PPT: mangler samtykke fra Per Samtykkesen"),
        "{body}"
    );
    let team_form = body
        .split("action=\"/logger/")
        .find(|p| p.contains("/lag\""))
        .unwrap();
    assert!(team_form.contains("lag-mangler"), "{team_form}");
    assert!(!team_form.contains("registrer samtykke"), "{team_form}");

    // The father's consent completes it: both now work.
    let father: String = app.with_conn(|c| {
        guardians::table
            .filter(guardians::child_id.eq(&child))
            .filter(guardians::name.eq("Per Samtykkesen"))
            .select(guardians::id)
            .first(c)
            .unwrap()
    });
    let r = lead
        .post(
            &format!("{page}/samtykke"),
            &[
                ("givere", &father),
                ("enheter", &ppt),
                ("formal", "dele"),
                ("gyldig_fra", &d(0)),
                ("gyldig_til", &d(100)),
                ("metode", "digitalt"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let r = lead
        .post(
            &format!("{page}/lag/person"),
            &[
                ("type", "nettverk"),
                ("person_navn", "Trener Tom"),
                ("person_rolle", "Fotballtrener"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let r = lead
        .post(
            &format!("/drofting/{id}/koble"),
            &[("enhet", &unit), ("logg", &log), ("bekreft", "ja")],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
}
on_every_backend!(
    linking_and_network_persons_follow_the_consent_rule,
    one_rule_for_coverage
);
