//! Writing a report of concern (issue #13, R1): the draft from a log is
//! prefilled; every rule of the KS Fiks message is checked with the
//! Norwegian error beside its field and the input kept; sending routes to
//! the child welfare service that serves the child's municipality, writes
//! the delivery job, the timeline entry and an access-log row with the
//! ground «opplysningsplikt»; the leader co-signs when the municipality
//! requires it; a draft is its author's alone; a municipality without child
//! welfare gets a clear error; a child without a log.

use diesel::prelude::*;
use laget_db::schema::{access_log, log_entries, logs, outbox, report_settings, reports, users};
use laget_testkit::{TestApp, Who};

/// «Skriv bekymringsmelding» on the fixture log, as the staff member who
/// leads it; the draft's id.
async fn draft_from_log(app: &TestApp) -> String {
    let mut c = app.client(Who::Ansatt).await;
    let r = c
        .post(
            &format!("/logger/{}/bekymringsmelding/skriv", app.fx.log.log),
            &[],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let loc = r.location().to_owned();
    let id = loc
        .strip_prefix("/bekymringsmeldinger/")
        .and_then(|s| s.strip_suffix("/endre"))
        .unwrap_or_else(|| panic!("{loc}"));
    id.to_owned()
}

/// A complete, valid form for the fixture child.
fn valid(app: &TestApp) -> Vec<(&'static str, String)> {
    vec![
        ("melder_navn", "Anne Testansatt".into()),
        ("melder_rolle", "Pedagogisk leder".into()),
        ("melder_telefon", "+47 912 34 567".into()),
        ("melder_epost", "anne.testansatt@testlia.kommune.no".into()),
        ("virksomhet_navn", "Testlia barnehage".into()),
        ("virksomhet_orgnr", "974551683".into()),
        ("virksomhet_adresse", "Barnehageveien 1".into()),
        ("virksomhet_postnummer", "1712".into()),
        ("virksomhet_poststed", "Testbyen".into()),
        ("barn_fnr", app.fx.log.national_id.clone()),
        ("barn_navn", "Testbarn Fikstursen".into()),
        ("barn_adresse", "Gata 2".into()),
        ("barn_postnummer", "1710".into()),
        ("barn_poststed", "Testbyen".into()),
        ("barn_orientert", "nei".into()),
        ("barn_grunn", "Barnet er seks år".into()),
        ("foresatt1_navn", "Mor Fikstursen".into()),
        ("foresatt1_telefon", "98765432".into()),
        ("foresatt1_orientert", "ja".into()),
        ("foresatt2_navn", "Far Fikstursen".into()),
        ("foresatt2_orientert", "ja".into()),
        (
            "melding",
            "Barnet kommer ofte sulten.\nSier at hun er redd.".into(),
        ),
        ("historie", "Samtaler siden august.".into()),
    ]
}

fn with(
    mut fields: Vec<(&'static str, String)>,
    changes: &[(&'static str, &str)],
) -> Vec<(&'static str, String)> {
    for (k, v) in changes {
        fields.retain(|(f, _)| f != k);
        fields.push((k, (*v).to_owned()));
    }
    fields
}

fn refs<'a>(fields: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    fields.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

fn status_of(app: &TestApp, id: &str) -> String {
    app.with_conn(|c| {
        reports::table
            .find(id)
            .select(reports::status)
            .first::<String>(c)
            .unwrap()
    })
}

fn jobs_for(app: &TestApp, id: &str) -> usize {
    app.with_conn(|c| {
        outbox::table
            .filter(outbox::kind.eq("fiks_bekymringsmelding"))
            .select(outbox::payload)
            .load::<String>(c)
            .unwrap()
            .iter()
            .filter(|p| p.contains(id))
            .count()
    })
}

async fn a_draft_from_a_log_is_prefilled(app: TestApp) {
    let id = draft_from_log(&app).await;
    let mut c = app.client(Who::Ansatt).await;
    let page = c.get(&format!("/bekymringsmeldinger/{id}/endre")).await;
    assert_eq!(page.status, 200, "{}", page.body);
    let b = &page.body;
    assert!(b.contains("Testbarn Fikstursen"), "the child's name");
    assert!(
        b.contains(&format!("value=\"{}\"", app.fx.log.national_id)),
        "the child's national identity number"
    );
    // The two guardians with parental responsibility, not the bonusfar.
    let names: Vec<String> = app.with_conn(|c| {
        laget_db::schema::guardians::table
            .filter(laget_db::schema::guardians::child_id.eq(app.fx.log.child.to_string()))
            .order(laget_db::schema::guardians::id)
            .select((
                laget_db::schema::guardians::name,
                laget_db::schema::guardians::parental_responsibility,
            ))
            .load::<(String, bool)>(c)
            .unwrap()
            .into_iter()
            .filter(|(_, pr)| *pr)
            .map(|(n, _)| n)
            .collect()
    });
    assert_eq!(names.len(), 2);
    for n in &names {
        assert!(b.contains(&format!("value=\"{n}\"")), "guardian {n}");
    }
    assert!(!b.contains("id=\"foresatt3_navn\""), "two guardian slots");
    // The reporter, the unit, the municipality; district «00» (none).
    assert!(b.contains("Testlia barnehage"));
    let draft: String = app.with_conn(|c| {
        reports::table
            .find(&id)
            .select(reports::draft)
            .first(c)
            .unwrap()
    });
    let v: serde_json::Value = serde_json::from_str(&draft).unwrap();
    assert_eq!(v["bydelsnummer"], "00");
    assert_eq!(v["kommunenummer"].as_str().map(str::len), Some(4));
    // The measure tried is in the history; PPT and the school (on the team)
    // are the other services.
    assert!(!v["historie"].as_str().unwrap_or("").is_empty(), "{v}");
    let others = v["andre_hjelpeinstanser"].as_str().unwrap_or("");
    assert!(others.contains("Testdalen PPT"), "{others}");
    assert!(!others.contains("Testlia barnehage"), "{others}");
    // The hint: no consent needed, feedback will come.
    assert!(b.contains("opplysningsplikten"));
    // «Skriv bekymringsmelding» again opens the same draft.
    assert_eq!(draft_from_log(&app).await, id);
    // Reading and creating are in the access log with the duty's ground.
    let grounds: Vec<(String, String)> = app.with_conn(|c| {
        access_log::table
            .filter(access_log::object_type.eq("bekymringsmelding"))
            .filter(access_log::object_id.eq(&id))
            .select((access_log::action, access_log::ground))
            .load(c)
            .unwrap()
    });
    assert!(grounds.iter().any(|(a, _)| a == "create"), "{grounds:?}");
    assert!(
        grounds.iter().all(|(_, g)| g == "opplysningsplikt"),
        "{grounds:?}"
    );
}
crate::on_every_backend!(
    a_draft_from_a_log_is_prefilled_on_every_backend,
    a_draft_from_a_log_is_prefilled
);

async fn invalid_input_is_refused_beside_its_field_and_kept(app: TestApp) {
    let id = draft_from_log(&app).await;
    let mut c = app.client(Who::Ansatt).await;
    let send = format!("/bekymringsmeldinger/{id}/send");
    for (changes, field, message, kept) in [
        (
            vec![("barn_navn", "Testbarn\nFikstursen")],
            "barn_navn",
            "Skriv på én linje, uten linjeskift.",
            "Testbarn\nFikstursen",
        ),
        (
            vec![("melder_telefon", "ring meg")],
            "melder_telefon",
            "",
            "ring meg",
        ),
        (
            vec![("melder_epost", "anne@testlia")],
            "melder_epost",
            "",
            "anne@testlia",
        ),
        (
            vec![
                ("foresatt3_navn", "Bonusfar Fikstursen"),
                ("foresatt3_orientert", "ja"),
            ],
            "foresatte",
            "En bekymringsmelding kan ha én eller to foresatte, ikke flere.",
            "Bonusfar Fikstursen",
        ),
        (
            vec![("foresatt2_orientert", "nei")],
            "foresatt2_grunn",
            "Skriv hvorfor de ikke er orientert om meldingen.",
            "Far Fikstursen",
        ),
        (
            vec![("barn_fnr", "12345678901")],
            "barn_fnr",
            "",
            "12345678901",
        ),
    ] {
        let fields = with(valid(&app), &changes);
        let r = c.post(&send, &refs(&fields)).await;
        assert_eq!(r.status, 422, "{field}: {}", r.body);
        let error_id = format!("id=\"{field}-error\"");
        let at = r
            .body
            .find(&error_id)
            .unwrap_or_else(|| panic!("{field}: no error beside the field: {}", r.body));
        if !message.is_empty() {
            let after = &r.body[at..];
            assert!(
                after[..after.find("</p>").unwrap()].contains(message),
                "{field}: {after}"
            );
        }
        assert!(r.body.contains(kept), "{field}: the input is kept");
        assert!(r.body.contains("ds-error-summary"), "{field}");
        assert_eq!(status_of(&app, &id), "utkast", "{field}: nothing sent");
        assert_eq!(jobs_for(&app, &id), 0, "{field}: no delivery job");
    }
    // The draft keeps what was typed last.
    let draft: String = app.with_conn(|c| {
        reports::table
            .find(&id)
            .select(reports::draft)
            .first(c)
            .unwrap()
    });
    assert!(draft.contains("12345678901"), "{draft}");
}
crate::on_every_backend!(
    invalid_input_is_refused_beside_its_field_and_kept_on_every_backend,
    invalid_input_is_refused_beside_its_field_and_kept
);

async fn sending_routes_to_the_serving_child_welfare_service(app: TestApp) {
    let id = draft_from_log(&app).await;
    let mut c = app.client(Who::Ansatt).await;
    // Saving keeps the draft and says so.
    let r = c
        .post(
            &format!("/bekymringsmeldinger/{id}/endre"),
            &refs(&valid(&app)),
        )
        .await;
    assert_eq!(r.status, 303);
    let page = c.get(r.location()).await;
    assert!(page.body.contains("Utkastet er lagret."));
    assert!(page.body.contains("Sier at hun er redd."));

    let r = c
        .post(
            &format!("/bekymringsmeldinger/{id}/send"),
            &refs(&valid(&app)),
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(r.location(), format!("/bekymringsmeldinger/{id}"));

    let welfare_unit: String = app.with_conn(|c| {
        laget_db::schema::units::table
            .filter(laget_db::schema::units::name.eq("Testbyen barneverntjeneste"))
            .select(laget_db::schema::units::id)
            .first(c)
            .unwrap()
    });
    let (status, cw, message, told, sent_at): (
        String,
        Option<String>,
        Option<String>,
        bool,
        Option<i64>,
    ) = app.with_conn(|c| {
        reports::table
            .find(&id)
            .select((
                reports::status,
                reports::child_welfare_unit_id,
                reports::message,
                reports::guardians_told,
                reports::sent_at,
            ))
            .first(c)
            .unwrap()
    });
    assert_eq!(status, "sendt");
    assert_eq!(cw.as_deref(), Some(welfare_unit.as_str()));
    assert!(told);
    assert!(sent_at.is_some());
    let m: serde_json::Value = serde_json::from_str(&message.unwrap()).unwrap();
    assert_eq!(m["leveringskanal"], "Fagsystem");
    let at = m["sendingstidspunkt"].as_str().unwrap();
    assert!(
        chrono::DateTime::parse_from_rfc3339(at).is_ok()
            && (at.ends_with("+01:00") || at.ends_with("+02:00")),
        "{at}"
    );
    assert_eq!(m["offentligBarn"][0]["fnr"], app.fx.log.national_id);
    assert_eq!(m["foresatte"].as_array().map(Vec::len), Some(2));
    assert_eq!(m["bydelsnummer"], "00");
    // The delivery job, in the same transaction.
    assert_eq!(jobs_for(&app, &id), 1);
    // The timeline entry and the log's report state.
    let (kind_data, hidden): (Option<String>, Option<String>) = app.with_conn(|c| {
        log_entries::table
            .filter(log_entries::log_id.eq(app.fx.log.log.to_string()))
            .filter(log_entries::kind.eq("melding_sendt"))
            .select((log_entries::data, log_entries::family_hidden))
            .first(c)
            .unwrap()
    });
    assert!(kind_data.unwrap_or_default().contains(&id));
    assert_eq!(hidden, None, "the guardians are told");
    let state: Option<String> = app.with_conn(|c| {
        logs::table
            .find(app.fx.log.log.to_string())
            .select(logs::report_state)
            .first(c)
            .unwrap()
    });
    assert_eq!(state.as_deref(), Some("sendt"));
    // The access log: sending with the ground «opplysningsplikt».
    let rows: Vec<(String, String)> = app.with_conn(|c| {
        access_log::table
            .filter(access_log::object_id.eq(&id))
            .select((access_log::action, access_log::ground))
            .load(c)
            .unwrap()
    });
    assert!(
        rows.iter()
            .any(|(a, g)| a == "update" && g == "opplysningsplikt"),
        "{rows:?}"
    );
    // The reporter's phone and title are remembered for the next report.
    let (phone, title): (Option<String>, Option<String>) = app.with_conn(|c| {
        users::table
            .find(app.fx.users[&Who::Ansatt].to_string())
            .select((users::phone, users::job_title))
            .first(c)
            .unwrap()
    });
    assert_eq!(phone.as_deref(), Some("+47 912 34 567"));
    assert_eq!(title.as_deref(), Some("Pedagogisk leder"));
    // A sent report is no longer a draft: its form leads to the report.
    let again = c.get(&format!("/bekymringsmeldinger/{id}/endre")).await;
    assert_eq!(again.status, 303);
    assert_eq!(again.location(), format!("/bekymringsmeldinger/{id}"));
}
crate::on_every_backend!(
    sending_routes_to_the_serving_child_welfare_service_on_every_backend,
    sending_routes_to_the_serving_child_welfare_service
);

async fn guardians_not_told_hide_the_entry_from_the_family(app: TestApp) {
    let id = draft_from_log(&app).await;
    let mut c = app.client(Who::Ansatt).await;
    let fields = with(
        valid(&app),
        &[
            ("foresatt1_orientert", "nei"),
            ("foresatt1_grunn", "Mistanke om vold i hjemmet"),
        ],
    );
    let r = c
        .post(&format!("/bekymringsmeldinger/{id}/send"), &refs(&fields))
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let (told, reason): (bool, Option<String>) = app.with_conn(|c| {
        reports::table
            .find(&id)
            .select((reports::guardians_told, reports::not_told_reason))
            .first(c)
            .unwrap()
    });
    assert!(!told);
    assert_eq!(reason.as_deref(), Some("Mistanke om vold i hjemmet"));
    let hidden: Option<String> = app.with_conn(|c| {
        log_entries::table
            .filter(log_entries::log_id.eq(app.fx.log.log.to_string()))
            .filter(log_entries::kind.eq("melding_sendt"))
            .select(log_entries::family_hidden)
            .first(c)
            .unwrap()
    });
    assert!(hidden.is_some(), "withheld from the family");
}
crate::on_every_backend!(
    guardians_not_told_hide_the_entry_from_the_family_on_every_backend,
    guardians_not_told_hide_the_entry_from_the_family
);

async fn the_leader_cosigns_when_the_municipality_requires_it(app: TestApp) {
    app.with_conn(|c| {
        diesel::insert_into(report_settings::table)
            .values((
                report_settings::municipality_id.eq(app.fx.municipality.to_string()),
                report_settings::cosign.eq("paakrevd"),
            ))
            .execute(c)
            .unwrap()
    });
    let id = draft_from_log(&app).await;
    let mut c = app.client(Who::Ansatt).await;
    let form = c.get(&format!("/bekymringsmeldinger/{id}/endre")).await;
    assert!(form.body.contains("Kommunen krever at leder medsignerer"));
    let r = c
        .post(
            &format!("/bekymringsmeldinger/{id}/send"),
            &refs(&valid(&app)),
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(status_of(&app, &id), "til_medsignering");
    assert_eq!(jobs_for(&app, &id), 0, "not sent before the co-signature");

    // Another staff member of the unit cannot co-sign.
    let mut ppt = app.client(Who::PptOnTeam).await;
    let r = ppt
        .post(&format!("/bekymringsmeldinger/{id}/medsigner"), &[])
        .await;
    assert_eq!(r.status, 404);

    // The leader sends it back with a note: a draft again, the note shown.
    let mut leader = app.client(Who::Leder).await;
    let page = leader
        .get(&format!("/bekymringsmeldinger/{id}/medsigner"))
        .await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("Testbarn Fikstursen"));
    let r = leader
        .post(
            &format!("/bekymringsmeldinger/{id}/returner"),
            &[("merknad", "")],
        )
        .await;
    assert_eq!(r.status, 422, "a note is needed");
    assert!(r.body.contains("id=\"merknad-error\""));
    let r = leader
        .post(
            &format!("/bekymringsmeldinger/{id}/returner"),
            &[("merknad", "Skriv mer om hva barnet har sagt.")],
        )
        .await;
    assert_eq!(r.status, 303);
    assert_eq!(status_of(&app, &id), "utkast");
    let form = c.get(&format!("/bekymringsmeldinger/{id}/endre")).await;
    assert!(form.body.contains("Skriv mer om hva barnet har sagt."));

    // Sent again; the leader co-signs; it goes.
    let r = c
        .post(
            &format!("/bekymringsmeldinger/{id}/send"),
            &refs(&valid(&app)),
        )
        .await;
    assert_eq!(r.status, 303);
    assert_eq!(status_of(&app, &id), "til_medsignering");
    let r = leader
        .post(&format!("/bekymringsmeldinger/{id}/medsigner"), &[])
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(status_of(&app, &id), "sendt");
    assert_eq!(jobs_for(&app, &id), 1);
    let cosigned: Option<String> = app.with_conn(|c| {
        reports::table
            .find(&id)
            .select(reports::cosigned_by)
            .first(c)
            .unwrap()
    });
    assert_eq!(
        cosigned.as_deref(),
        Some(app.fx.users[&Who::Leder].to_string().as_str())
    );
    // Once sent there is nothing left to co-sign.
    let r = leader
        .post(&format!("/bekymringsmeldinger/{id}/medsigner"), &[])
        .await;
    assert_eq!(r.status, 404);
}
crate::on_every_backend!(
    the_leader_cosigns_when_the_municipality_requires_it_on_every_backend,
    the_leader_cosigns_when_the_municipality_requires_it
);

async fn a_draft_is_its_authors_alone(app: TestApp) {
    let id = draft_from_log(&app).await;
    for who in [
        Who::Anonymous,
        Who::Leder,
        Who::PptOnTeam,
        Who::ChildWelfareBreakGlass,
        Who::Kommuneadministrator,
        Who::Systemadmin,
        Who::Guardian,
    ] {
        let mut c = app.client(who).await;
        for (get, path) in [
            (true, format!("/bekymringsmeldinger/{id}/endre")),
            (true, format!("/bekymringsmeldinger/{id}/medsigner")),
            (false, format!("/bekymringsmeldinger/{id}/endre")),
            (false, format!("/bekymringsmeldinger/{id}/send")),
            (false, format!("/bekymringsmeldinger/{id}/slett")),
            (false, format!("/bekymringsmeldinger/{id}/medsigner")),
        ] {
            let r = if get {
                c.get(&path).await
            } else {
                c.post(&path, &refs(&valid(&app))).await
            };
            // The anonymous visitor and the citizen are sent to the staff login;
            // every staff member but the author gets 404.
            if who == Who::Anonymous || who.is_citizen() {
                assert!(
                    r.status == 303 || r.status == 404 || r.status == 403,
                    "{path}: {}",
                    r.status
                );
            } else {
                assert_eq!(r.status, 404, "{who:?} {path}");
            }
        }
    }
    assert_eq!(status_of(&app, &id), "utkast");
    // The author deletes it.
    let mut c = app.client(Who::Ansatt).await;
    let r = c
        .post(&format!("/bekymringsmeldinger/{id}/slett"), &[])
        .await;
    assert_eq!(r.status, 303);
    assert_eq!(r.location(), format!("/logger/{}", app.fx.log.log));
    let left: i64 = app.with_conn(|c| {
        reports::table
            .filter(reports::id.eq(&id))
            .count()
            .get_result(c)
            .unwrap()
    });
    assert_eq!(left, 0);
}
crate::on_every_backend!(
    a_draft_is_its_authors_alone_on_every_backend,
    a_draft_is_its_authors_alone
);

/// A report for a child without a log: the form to choose the child's
/// municipality, then the draft.
async fn new_report(app: &TestApp, municipality: &str) -> String {
    let mut c = app.client(Who::Ansatt).await;
    let page = c.get("/bekymringsmeldinger/ny").await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains(&format!("value=\"{municipality}\"")));
    let unit = app.fx.unit.to_string();
    let r = c
        .post(
            "/bekymringsmeldinger/ny",
            &[("enhet", unit.as_str()), ("kommune", municipality)],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    r.location()
        .strip_prefix("/bekymringsmeldinger/")
        .and_then(|s| s.strip_suffix("/endre"))
        .unwrap_or_else(|| panic!("{}", r.location()))
        .to_owned()
}

async fn a_child_without_a_log(app: TestApp) {
    let id = new_report(&app, &app.fx.municipality.to_string()).await;
    let mut c = app.client(Who::Ansatt).await;
    let page = c.get(&format!("/bekymringsmeldinger/{id}/endre")).await;
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("Testlia barnehage"),
        "the unit prefilled"
    );
    // Unborn: no national identity number needed.
    let fields = with(
        valid(&app),
        &[
            ("barn_fnr", ""),
            ("barn_ufoedt", "ja"),
            ("barn_navn", "Ufødt barn av Mor Fikstursen"),
        ],
    );
    let r = c
        .post(&format!("/bekymringsmeldinger/{id}/send"), &refs(&fields))
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let (status, log, message): (String, Option<String>, Option<String>) = app.with_conn(|c| {
        reports::table
            .find(&id)
            .select((reports::status, reports::log_id, reports::message))
            .first(c)
            .unwrap()
    });
    assert_eq!(status, "sendt");
    assert_eq!(log, None);
    let m: serde_json::Value = serde_json::from_str(&message.unwrap()).unwrap();
    assert_eq!(m["offentligBarn"][0]["ufoedt"], true);
    assert_eq!(m["offentligBarn"][0]["fnr"], "");
    assert_eq!(jobs_for(&app, &id), 1);
    // An unknown municipality is refused beside its field.
    let unit = app.fx.unit.to_string();
    let r = c
        .post(
            "/bekymringsmeldinger/ny",
            &[("enhet", unit.as_str()), ("kommune", "ukjent")],
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("id=\"kommune-error\""));
}
crate::on_every_backend!(
    a_child_without_a_log_on_every_backend,
    a_child_without_a_log
);

async fn a_municipality_without_child_welfare_gets_a_clear_error(app: TestApp) {
    let id = new_report(&app, &app.fx.other_municipality.to_string()).await;
    let mut c = app.client(Who::Ansatt).await;
    let r = c
        .post(
            &format!("/bekymringsmeldinger/{id}/send"),
            &refs(&valid(&app)),
        )
        .await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(
        r.body
            .contains("Ingen barneverntjeneste i Laget betjener barnets kommune"),
        "{}",
        r.body
    );
    assert!(r.body.contains("Sier at hun er redd."), "the input is kept");
    assert_eq!(status_of(&app, &id), "utkast");
    assert_eq!(jobs_for(&app, &id), 0);
}
crate::on_every_backend!(
    a_municipality_without_child_welfare_gets_a_clear_error_on_every_backend,
    a_municipality_without_child_welfare_gets_a_clear_error
);

async fn the_log_offers_the_form_first(app: TestApp) {
    app.with_conn(|c| {
        diesel::update(logs::table.find(app.fx.log.log.to_string()))
            .set(logs::report_state.eq(Some("foreslatt")))
            .execute(c)
            .unwrap()
    });
    let mut c = app.client(Who::Ansatt).await;
    let page = c.get(&format!("/logger/{}", app.fx.log.log)).await;
    assert_eq!(page.status, 200);
    let write = page
        .body
        .find("/bekymringsmelding/skriv")
        .unwrap_or_else(|| panic!("no «Skriv bekymringsmelding»: {}", page.body));
    let mark = page
        .body
        .find(&format!(
            "action=\"/logger/{}/bekymringsmelding\"",
            app.fx.log.log
        ))
        .unwrap_or_else(|| panic!("the old way is kept"));
    assert!(write < mark, "the form is the primary action");
}
crate::on_every_backend!(
    the_log_offers_the_form_first_on_every_backend,
    the_log_offers_the_form_first
);

async fn the_units_address_is_kept_and_prefilled(app: TestApp) {
    let mut admin = app.client(Who::Kommuneadministrator).await;
    let path = format!("/kommuner/{}/enheter/{}", app.fx.municipality, app.fx.unit);
    let edit = admin.get(&path).await;
    assert_eq!(edit.status, 200);
    assert!(edit.body.contains("id=\"orgnr\""));
    let base = [
        ("navn", "Testlia barnehage"),
        ("type", "barnehage"),
        ("aktiv", "ja"),
    ];
    let mut bad = base.to_vec();
    bad.extend([
        ("orgnr", "12345"),
        ("adresse", "Barnehageveien 1"),
        ("postnummer", "17"),
    ]);
    let r = admin.post(&path, &bad).await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains("Organisasjonsnummeret er ni sifre."));
    assert!(r.body.contains("Postnummeret er fire sifre."));
    assert!(r.body.contains("value=\"Barnehageveien 1\""), "kept");
    let mut good = base.to_vec();
    good.extend([
        ("orgnr", "974 551 683"),
        ("adresse", "Barnehageveien 1"),
        ("postnummer", "1712"),
        ("poststed", "Testbyen"),
    ]);
    let r = admin.post(&path, &good).await;
    assert_eq!(r.status, 303, "{}", r.body);
    let id = draft_from_log(&app).await;
    let draft: String = app.with_conn(|c| {
        reports::table
            .find(&id)
            .select(reports::draft)
            .first(c)
            .unwrap()
    });
    let v: serde_json::Value = serde_json::from_str(&draft).unwrap();
    assert_eq!(v["virksomhet_orgnr"], "974551683");
    assert_eq!(v["virksomhet_adresse"], "Barnehageveien 1");
    assert_eq!(v["virksomhet_postnummer"], "1712");
    assert_eq!(v["virksomhet_poststed"], "Testbyen");
}
crate::on_every_backend!(
    the_units_address_is_kept_and_prefilled_on_every_backend,
    the_units_address_is_kept_and_prefilled
);

async fn the_municipality_sets_cosign_and_districts(app: TestApp) {
    let path = format!(
        "/kommuner/{}/bekymringsmeldinger/innstillinger",
        app.fx.municipality
    );
    assert_eq!(app.client(Who::Ansatt).await.get(&path).await.status, 404);
    assert_eq!(
        app.client(Who::OtherKommuneadministrator)
            .await
            .get(&path)
            .await
            .status,
        404
    );
    let mut admin = app.client(Who::Kommuneadministrator).await;
    assert_eq!(admin.get(&path).await.status, 200);
    let r = admin
        .post(
            &path,
            &[("medsignering", "valgfri"), ("bydeler", "1 Sentrum")],
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("Bydelsnummeret er to sifre."));
    assert!(r.body.contains("1 Sentrum"), "kept");
    let r = admin
        .post(
            &path,
            &[
                ("medsignering", "valgfri"),
                ("bydeler", "01 Sentrum\n02 Nord"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);

    let id = draft_from_log(&app).await;
    let mut c = app.client(Who::Ansatt).await;
    let form = c.get(&format!("/bekymringsmeldinger/{id}/endre")).await;
    assert!(
        form.body.contains("id=\"bydelsnummer\""),
        "the district is chosen"
    );
    assert!(
        form.body.contains("id=\"medsignering\""),
        "the reporter may ask"
    );
    let send = format!("/bekymringsmeldinger/{id}/send");
    let r = c.post(&send, &refs(&valid(&app))).await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("id=\"bydelsnummer-error\""));
    // Asked for the leader's co-signature, with a district.
    let fields = with(
        valid(&app),
        &[("bydelsnummer", "02"), ("medsignering", "ja")],
    );
    let r = c.post(&send, &refs(&fields)).await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(status_of(&app, &id), "til_medsignering");
    let r = app
        .client(Who::Leder)
        .await
        .post(&format!("/bekymringsmeldinger/{id}/medsigner"), &[])
        .await;
    assert_eq!(r.status, 303);
    let message: Option<String> = app.with_conn(|c| {
        reports::table
            .find(&id)
            .select(reports::message)
            .first(c)
            .unwrap()
    });
    let m: serde_json::Value = serde_json::from_str(&message.unwrap()).unwrap();
    assert_eq!(m["bydelsnummer"], "02");
    assert_eq!(m["bydelsnavn"], "Nord");
}
crate::on_every_backend!(
    the_municipality_sets_cosign_and_districts_on_every_backend,
    the_municipality_sets_cosign_and_districts
);

fn set_cosign(app: &TestApp, rule: &str) {
    app.with_conn(|c| {
        diesel::delete(
            report_settings::table
                .filter(report_settings::municipality_id.eq(app.fx.municipality.to_string())),
        )
        .execute(c)
        .unwrap();
        diesel::insert_into(report_settings::table)
            .values((
                report_settings::municipality_id.eq(app.fx.municipality.to_string()),
                report_settings::cosign.eq(rule),
            ))
            .execute(c)
            .unwrap()
    });
}

fn draft_json(app: &TestApp, id: &str) -> serde_json::Value {
    let draft: String = app.with_conn(|c| {
        reports::table
            .find(id)
            .select(reports::draft)
            .first(c)
            .unwrap()
    });
    serde_json::from_str(&draft).unwrap()
}

/// A report for a child without a log, started by `who` in the fixture unit.
async fn new_report_by(app: &TestApp, who: Who) -> String {
    let mut c = app.client(who).await;
    let unit = app.fx.unit.to_string();
    let m = app.fx.municipality.to_string();
    let r = c
        .post(
            "/bekymringsmeldinger/ny",
            &[("enhet", unit.as_str()), ("kommune", m.as_str())],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    r.location()
        .strip_prefix("/bekymringsmeldinger/")
        .and_then(|s| s.strip_suffix("/endre"))
        .unwrap_or_else(|| panic!("{}", r.location()))
        .to_owned()
}

/// #20: with co-signature required, a leader's own report and a report from
/// a unit without a leader are sent directly (the reason kept), never left
/// waiting for a co-signer who does not exist; the checkbox is not offered.
async fn nobody_to_cosign_means_sent_directly(app: TestApp) {
    set_cosign(&app, "paakrevd");
    // (a) The leader's own report.
    let id = new_report_by(&app, Who::Leder).await;
    let mut leader = app.client(Who::Leder).await;
    let form = leader
        .get(&format!("/bekymringsmeldinger/{id}/endre"))
        .await;
    assert_eq!(form.status, 200, "{}", form.body);
    assert!(
        form.body.contains("Du er leder for enheten"),
        "{}",
        form.body
    );
    assert!(!form.body.contains("Kommunen krever at leder medsignerer"));
    let r = leader
        .post(
            &format!("/bekymringsmeldinger/{id}/send"),
            &refs(&valid(&app)),
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(status_of(&app, &id), "sendt");
    assert_eq!(jobs_for(&app, &id), 1);
    assert_eq!(draft_json(&app, &id)["medsignering_unntak"], "leder_selv");

    // (b) A unit without a leader.
    app.with_conn(|c| {
        use laget_db::schema::memberships;
        diesel::delete(
            memberships::table
                .filter(memberships::unit_id.eq(Some(app.fx.unit.to_string())))
                .filter(memberships::role.eq("leder")),
        )
        .execute(c)
        .unwrap()
    });
    let id = new_report_by(&app, Who::Ansatt).await;
    let mut c = app.client(Who::Ansatt).await;
    let form = c.get(&format!("/bekymringsmeldinger/{id}/endre")).await;
    assert!(form.body.contains("ingen leder i Laget"), "{}", form.body);
    let r = c
        .post(
            &format!("/bekymringsmeldinger/{id}/send"),
            &refs(&valid(&app)),
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(status_of(&app, &id), "sendt");
    assert_eq!(jobs_for(&app, &id), 1);
    assert_eq!(draft_json(&app, &id)["medsignering_unntak"], "ingen_leder");

    // «Valgfri»: the checkbox is not offered where nobody could co-sign, and
    // a ticked box posted anyway does not make it wait.
    set_cosign(&app, "valgfri");
    let id = new_report_by(&app, Who::Ansatt).await;
    let form = c.get(&format!("/bekymringsmeldinger/{id}/endre")).await;
    assert!(
        !form.body.contains("name=\"medsignering\""),
        "{}",
        form.body
    );
    let fields = with(valid(&app), &[("medsignering", "ja")]);
    let r = c
        .post(&format!("/bekymringsmeldinger/{id}/send"), &refs(&fields))
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(status_of(&app, &id), "sendt");
}
crate::on_every_backend!(
    nobody_to_cosign_means_sent_directly_on_every_backend,
    nobody_to_cosign_means_sent_directly
);

/// #16, #3: Enter saves (the first submit button of the form saves the
/// draft); sending goes through «Se over og send», which shows the whole
/// message; the co-signer sees the same.
async fn enter_saves_and_the_whole_message_is_reviewed_before_sending(app: TestApp) {
    let id = draft_from_log(&app).await;
    let mut c = app.client(Who::Ansatt).await;
    let page = c.get(&format!("/bekymringsmeldinger/{id}/endre")).await;
    let b = &page.body;
    let form_at = b
        .find(&format!("action=\"/bekymringsmeldinger/{id}/endre\""))
        .unwrap();
    let first_submit = form_at + b[form_at..].find("type=\"submit\"").unwrap();
    let tag_start = b[..first_submit].rfind('<').unwrap();
    let tag_end = first_submit + b[first_submit..].find('>').unwrap();
    let tag = &b[tag_start..tag_end];
    assert!(
        !tag.contains("formaction"),
        "the default button saves: {tag}"
    );
    assert!(
        !b.contains(&format!("formaction=\"/bekymringsmeldinger/{id}/send\"")),
        "no sending straight from the form"
    );
    assert!(b.contains(&format!("formaction=\"/bekymringsmeldinger/{id}/se-over\"")));

    let fields = with(
        valid(&app),
        &[
            ("andre_synspunkter", "Ingen andre synspunkter"),
            ("tolk", "Arabisk"),
        ],
    );
    // Problems: the form again, as typed.
    let bad = with(fields.clone(), &[("melder_telefon", "ring meg")]);
    let r = c
        .post(&format!("/bekymringsmeldinger/{id}/se-over"), &refs(&bad))
        .await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains("id=\"melder_telefon-error\""));
    assert!(r.body.contains("ring meg"));
    // The review: every field, nothing sent yet.
    let r = c
        .post(
            &format!("/bekymringsmeldinger/{id}/se-over"),
            &refs(&fields),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    for shown in [
        app.fx.log.national_id.as_str(),
        "Gata 2",
        "1710 Testbyen",
        "+47 912 34 567",
        "anne.testansatt@testlia.kommune.no",
        "974551683",
        "Barnehageveien 1",
        "Ingen andre synspunkter",
        "Arabisk",
        "Barnet er seks år",
    ] {
        assert!(r.body.contains(shown), "{shown}: {}", r.body);
    }
    assert!(
        r.body
            .contains(&format!("action=\"/bekymringsmeldinger/{id}/send\""))
    );
    assert_eq!(status_of(&app, &id), "utkast");
    assert_eq!(jobs_for(&app, &id), 0);
    // «Send til barneverntjenesten» sends what was shown.
    let r = c
        .post(&format!("/bekymringsmeldinger/{id}/send"), &[])
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(status_of(&app, &id), "sendt");
    assert_eq!(jobs_for(&app, &id), 1);

    // The co-signer sees the whole message; the reporter is «Melder».
    set_cosign(&app, "paakrevd");
    let id = new_report_by(&app, Who::Ansatt).await;
    let r = c
        .post(&format!("/bekymringsmeldinger/{id}/send"), &refs(&fields))
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(status_of(&app, &id), "til_medsignering");
    let mut leader = app.client(Who::Leder).await;
    let page = leader
        .get(&format!("/bekymringsmeldinger/{id}/medsigner"))
        .await;
    assert_eq!(page.status, 200, "{}", page.body);
    for shown in [
        app.fx.log.national_id.as_str(),
        "Gata 2",
        "+47 912 34 567",
        "974551683",
        "Ingen andre synspunkter",
        "Arabisk",
        "<dt>Melder</dt>",
    ] {
        assert!(page.body.contains(shown), "{shown}: {}", page.body);
    }
    assert!(!page.body.contains("Ditt navn"));
}
crate::on_every_backend!(
    enter_saves_and_the_whole_message_is_reviewed_before_sending_on_every_backend,
    enter_saves_and_the_whole_message_is_reviewed_before_sending
);

/// #14: after sending, the back button's form (and a co-signed report's
/// co-sign page) leads to the report; others still get 404.
async fn back_after_sending_leads_to_the_report(app: TestApp) {
    set_cosign(&app, "paakrevd");
    let id = draft_from_log(&app).await;
    let mut c = app.client(Who::Ansatt).await;
    let r = c
        .post(
            &format!("/bekymringsmeldinger/{id}/send"),
            &refs(&valid(&app)),
        )
        .await;
    assert_eq!(r.status, 303);
    let mut leader = app.client(Who::Leder).await;
    let r = leader
        .post(&format!("/bekymringsmeldinger/{id}/medsigner"), &[])
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(status_of(&app, &id), "sendt");
    let report = format!("/bekymringsmeldinger/{id}");
    let r = c.get(&format!("{report}/endre")).await;
    assert_eq!(r.status, 303);
    assert_eq!(r.location(), report);
    let r = leader.get(&format!("{report}/medsigner")).await;
    assert_eq!(r.status, 303);
    assert_eq!(r.location(), report);
    let mut ppt = app.client(Who::PptOnTeam).await;
    assert_eq!(ppt.get(&format!("{report}/endre")).await.status, 404);
    assert_eq!(ppt.get(&format!("{report}/medsigner")).await.status, 404);
}
crate::on_every_backend!(
    back_after_sending_leads_to_the_report_on_every_backend,
    back_after_sending_leads_to_the_report
);

/// #13: the child's municipality is chosen, never assumed.
async fn the_childs_municipality_must_be_chosen(app: TestApp) {
    let mut c = app.client(Who::Ansatt).await;
    let page = c.get("/bekymringsmeldinger/ny").await;
    assert_eq!(page.status, 200);
    assert!(
        !page
            .body
            .contains(&format!("value=\"{}\" selected", app.fx.municipality))
    );
    let unit = app.fx.unit.to_string();
    let r = c
        .post(
            "/bekymringsmeldinger/ny",
            &[("enhet", unit.as_str()), ("kommune", "")],
        )
        .await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains("id=\"kommune-error\""));
    assert!(r.body.contains("Velg barnets kommune."));
    let n: i64 = app.with_conn(|c| reports::table.count().get_result(c).unwrap());
    assert_eq!(n, 0);
}
crate::on_every_backend!(
    the_childs_municipality_must_be_chosen_on_every_backend,
    the_childs_municipality_must_be_chosen
);

/// #6: the municipality administrator finds the report rules from the
/// start page.
async fn the_report_rules_are_linked_from_the_start_page(app: TestApp) {
    let mut admin = app.client(Who::Kommuneadministrator).await;
    let home = admin.get("/").await;
    assert_eq!(home.status, 200);
    let link = format!(
        "href=\"/kommuner/{}/bekymringsmeldinger/innstillinger\"",
        app.fx.municipality
    );
    assert!(home.body.contains(&link), "{}", home.body);
}
crate::on_every_backend!(
    the_report_rules_are_linked_from_the_start_page_on_every_backend,
    the_report_rules_are_linked_from_the_start_page
);

/// #2, #18: «Skriv bekymringsmelding» on every open log (at any level, and
/// after a report was sent); a closed log keeps no stale instruction.
async fn a_report_can_be_written_from_any_open_log(app: TestApp) {
    let log = format!("/logger/{}", app.fx.log.log);
    let mut c = app.client(Who::Ansatt).await;
    let page = c.get(&log).await;
    assert_eq!(page.status, 200);
    assert!(
        page.body
            .contains(&format!("action=\"{log}/bekymringsmelding/skriv\""))
    );
    // After one report was sent, a new one can be written.
    let first = draft_from_log(&app).await;
    let r = c
        .post(
            &format!("/bekymringsmeldinger/{first}/send"),
            &refs(&valid(&app)),
        )
        .await;
    assert_eq!(r.status, 303);
    let page = c.get(&log).await;
    assert!(
        page.body
            .contains("Bekymringsmelding er sendt til barnevernet.")
    );
    assert!(
        page.body
            .contains(&format!("action=\"{log}/bekymringsmelding/skriv\""))
    );
    let second = draft_from_log(&app).await;
    assert_ne!(first, second);
    // Closed, with the prompt left: no instruction with nothing to press.
    app.with_conn(|c| {
        diesel::update(logs::table.find(app.fx.log.log.to_string()))
            .set((
                logs::report_state.eq(Some("foreslatt")),
                logs::status.eq("lukket"),
            ))
            .execute(c)
            .unwrap()
    });
    let page = c.get(&log).await;
    assert_eq!(page.status, 200);
    assert!(
        !page.body.contains("marker den som sendt her"),
        "{}",
        page.body
    );
    assert!(
        !page
            .body
            .contains(&format!("action=\"{log}/bekymringsmelding/skriv\""))
    );
}
crate::on_every_backend!(
    a_report_can_be_written_from_any_open_log_on_every_backend,
    a_report_can_be_written_from_any_open_log
);

/// #19: the textareas carry the message's limit; a longer text is refused
/// beside its field with the input kept.
async fn a_too_long_text_is_refused_beside_its_field(app: TestApp) {
    let id = draft_from_log(&app).await;
    let mut c = app.client(Who::Ansatt).await;
    let page = c.get(&format!("/bekymringsmeldinger/{id}/endre")).await;
    let max = laget_domain::reports::form::TEXT_MAX;
    for name in [
        "melding",
        "historie",
        "andre_synspunkter",
        "andre_hjelpeinstanser",
    ] {
        let at = page
            .body
            .find(&format!("<textarea class=\"ds-input\" id=\"{name}\""))
            .unwrap();
        let tag = &page.body[at..at + page.body[at..].find('>').unwrap()];
        assert!(tag.contains(&format!("maxlength=\"{max}\"")), "{tag}");
    }
    let long = format!("{}slutt", "a".repeat(max));
    let fields = with(valid(&app), &[("melding", long.as_str())]);
    let r = c
        .post(
            &format!("/bekymringsmeldinger/{id}/se-over"),
            &refs(&fields),
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("id=\"melding-error\""), "{}", r.body);
    assert!(r.body.contains("aaaslutt"), "the input is kept");
    assert_eq!(status_of(&app, &id), "utkast");
}
crate::on_every_backend!(
    a_too_long_text_is_refused_beside_its_field_on_every_backend,
    a_too_long_text_is_refused_beside_its_field
);

/// #12: a third guardian with parental responsibility, whom the message
/// cannot carry, is named on the form.
async fn a_third_guardian_is_named_not_dropped(app: TestApp) {
    let name: String = app.with_conn(|c| {
        use laget_db::schema::guardians;
        diesel::update(guardians::table.find(app.fx.log.bonus_father.to_string()))
            .set(guardians::parental_responsibility.eq(true))
            .execute(c)
            .unwrap();
        guardians::table
            .find(app.fx.log.bonus_father.to_string())
            .select(guardians::name)
            .first(c)
            .unwrap()
    });
    let id = draft_from_log(&app).await;
    let mut c = app.client(Who::Ansatt).await;
    let page = c.get(&format!("/bekymringsmeldinger/{id}/endre")).await;
    let at = page
        .body
        .find("id=\"andre-foresatte\"")
        .unwrap_or_else(|| panic!("no note: {}", page.body));
    assert!(page.body[at..].contains(&name), "{name}");
    // Still kept after saving.
    let r = c
        .post(
            &format!("/bekymringsmeldinger/{id}/endre"),
            &refs(&valid(&app)),
        )
        .await;
    assert_eq!(r.status, 303);
    let page = c.get(&format!("/bekymringsmeldinger/{id}/endre")).await;
    assert!(page.body.contains("id=\"andre-foresatte\""));
}
crate::on_every_backend!(
    a_third_guardian_is_named_not_dropped_on_every_backend,
    a_third_guardian_is_named_not_dropped
);

/// #19: a long report (more than the 64 kB other forms take, as the
/// browser encodes it) reaches the form's own checks instead of a 413 page.
async fn a_long_report_is_not_lost_to_the_body_limit(app: TestApp) {
    let id = draft_from_log(&app).await;
    let mut c = app.client(Who::Ansatt).await;
    // 19 000 «æ» are 114 000 bytes encoded (%C3%A6); the whole form ~120 kB.
    let long = "æ".repeat(19_000);
    let fields = with(valid(&app), &[("melding", long.as_str())]);
    let r = c
        .post(
            &format!("/bekymringsmeldinger/{id}/se-over"),
            &refs(&fields),
        )
        .await;
    assert_eq!(r.status, 200, "{}", &r.body[..r.body.len().min(500)]);
    assert_eq!(
        draft_json(&app, &id)["melding"]
            .as_str()
            .map(|s| s.chars().count()),
        Some(19_000)
    );
    // Too long for the message: refused beside the field, kept.
    let longer = "æ".repeat(25_000);
    let fields = with(valid(&app), &[("melding", longer.as_str())]);
    let r = c
        .post(&format!("/bekymringsmeldinger/{id}/endre"), &refs(&fields))
        .await;
    assert_eq!(r.status, 303, "saved as typed");
    let r = c
        .post(
            &format!("/bekymringsmeldinger/{id}/se-over"),
            &refs(&fields),
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("id=\"melding-error\""));
    assert!(r.body.contains(&longer));
    // Other forms keep their 64 kB limit.
    let r = c
        .post(
            &format!("/logger/{}/bekymringsmelding/skriv", app.fx.log.log),
            &[("enhet", long.as_str())],
        )
        .await;
    assert_eq!(r.status, 413);
}
crate::on_every_backend!(
    a_long_report_is_not_lost_to_the_body_limit_on_every_backend,
    a_long_report_is_not_lost_to_the_body_limit
);
