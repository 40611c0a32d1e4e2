//! The family's portal (issue #12, H3): the start page, the log as the
//! family sees it, «Hvem har sett loggen», and what staff withhold from the
//! family. Who may open a log (a guardian with parental responsibility, the
//! youth from 15) and who gets 404; a youth's health entry hidden from the
//! guardians and shown to the youth; the citizen's reads in the access log.
//! Each scenario runs on both engines.

use crate::on_every_backend;
use chrono::{Datelike, NaiveDate};
use diesel::prelude::*;
use laget_db::schema::{access_log, children, guardians, log_entries, users};
use laget_domain::children::national_id::NationalId;
use laget_domain::ids::GuardianId;
use laget_testkit::{TestApp, Who};

/// Gives `guardian` a synthetic national identity number (the fixtures
/// have none; H4 adds the staff form field), so a citizen with it is that
/// guardian.
fn number_for(app: &TestApp, guardian: GuardianId, seed: u32) -> String {
    let born = NaiveDate::from_ymd_opt(1984, 6, 1).unwrap();
    let n = NationalId::synthetic(born, seed)
        .unwrap()
        .expose()
        .to_owned();
    let set = n.clone();
    app.with_conn(|c| {
        diesel::update(guardians::table.find(guardian.to_string()))
            .set(guardians::national_id.eq(Some(set)))
            .execute(c)
            .unwrap()
    });
    n
}

/// A number no child or guardian in the fixtures has.
fn stranger() -> String {
    let born = NaiveDate::from_ymd_opt(1979, 2, 3).unwrap();
    NationalId::synthetic(born, 77).unwrap().expose().to_owned()
}

/// Makes the fixture child `years` old today (born this day `years` ago).
fn child_aged(app: &TestApp, years: i32) {
    let today = chrono::Utc::now()
        .with_timezone(&chrono_tz::Europe::Oslo)
        .date_naive();
    let born = today
        .with_year(today.year() - years)
        .or_else(|| (today - chrono::Duration::days(1)).with_year(today.year() - years))
        .unwrap();
    app.with_conn(|c| {
        diesel::update(children::table.find(app.fx.log.child.to_string()))
            .set(children::birth_date.eq(born.format("%Y-%m-%d").to_string()))
            .execute(c)
            .unwrap()
    });
}

fn today_text() -> String {
    chrono::Utc::now()
        .with_timezone(&chrono_tz::Europe::Oslo)
        .format("%d.%m.%Y")
        .to_string()
}

fn log_path(app: &TestApp) -> String {
    format!("/familie/logger/{}", app.fx.log.log)
}

fn seen_path(app: &TestApp) -> String {
    format!("/familie/logger/{}/innsyn", app.fx.log.log)
}

/// The citizens' access-log rows on the fixture log: (ground, action, object type).
fn citizen_rows(app: &TestApp) -> Vec<(String, String, String)> {
    app.with_conn(|c| {
        access_log::table
            .filter(access_log::principal_kind.eq("citizen"))
            .filter(access_log::object_id.eq(app.fx.log.log.to_string()))
            .order(access_log::seq)
            .select((
                access_log::ground,
                access_log::action,
                access_log::object_type,
            ))
            .load(c)
            .unwrap()
    })
}

async fn a_guardian_with_responsibility_reads_the_log_and_others_get_404(app: TestApp) {
    let mother = number_for(&app, app.fx.log.mother, 11);
    let mut mum = app.citizen_client(&mother).await;

    // The start page lists the child by first name, with level and lead.
    let r = mum.get("/familie").await;
    assert_eq!(r.status, 200, "{}", r.body);
    let child_name: String = app.with_conn(|c| {
        children::table
            .find(app.fx.log.child.to_string())
            .select(children::name)
            .first(c)
            .unwrap()
    });
    let first = child_name.split_whitespace().next().unwrap();
    assert!(r.body.contains(first), "{}", r.body);
    assert!(r.body.contains(&log_path(&app)), "{}", r.body);
    assert!(!r.body.contains("Din logg"), "{}", r.body);

    let r = mum.get(&log_path(&app)).await;
    assert_eq!(r.status, 200, "{}", r.body);
    for heading in [
        "Laget rundt barnet",
        "Tiltak",
        "Møter",
        "Barnets stemme",
        "Hva som har skjedd",
    ] {
        assert!(r.body.contains(heading), "{heading}: {}", r.body);
    }
    assert!(r.body.contains(&child_name), "{}", r.body);
    assert!(r.body.contains("Hvem har sett loggen"), "{}", r.body);
    let r = mum.get(&seen_path(&app)).await;
    assert_eq!(r.status, 200, "{}", r.body);

    // The listing (a «list», F3), the log and «innsyn» are reads with the
    // ground foresatt.
    let rows = citizen_rows(&app);
    assert!(rows.len() >= 3, "{rows:?}");
    assert!(
        rows.iter()
            .all(|(g, a, _)| g.starts_with("foresatt") && (a == "read" || a == "list")),
        "{rows:?}"
    );
    assert!(rows.iter().any(|(_, _, o)| o == "access_log"), "{rows:?}");
    assert!(rows.iter().any(|(_, _, o)| o == "log"), "{rows:?}");
    let with_guardian: i64 = app.with_conn(|c| {
        access_log::table
            .filter(access_log::ground.eq(format!("foresatt:{}", app.fx.log.mother)))
            .filter(access_log::citizen_id.is_not_null())
            .filter(access_log::actor_id.is_null())
            .count()
            .get_result(c)
            .unwrap()
    });
    assert!(with_guardian >= 3, "{with_guardian}");

    // The bonus father has a number but no responsibility; a stranger has
    // none of this child.
    let bonus = number_for(&app, app.fx.log.bonus_father, 12);
    for number in [bonus, stranger()] {
        let mut other = app.citizen_client(&number).await;
        for path in [log_path(&app), seen_path(&app)] {
            let r = other.get(&path).await;
            assert_eq!(r.status, 404, "{number} {path}: {}", r.body);
        }
        let r = other.get("/familie").await;
        assert_eq!(r.status, 200);
        assert!(!r.body.contains(&log_path(&app)), "{}", r.body);
        assert!(r.body.contains("Vi fant ingen stafettlogg"), "{}", r.body);
    }
    // The father has parental responsibility but no number recorded
    // (cleared here, whatever the fixtures give him): a citizen with the
    // number he had is not known as him.
    let father_number = number_for(&app, app.fx.log.father, 16);
    app.with_conn(|c| {
        diesel::update(guardians::table.find(app.fx.log.father.to_string()))
            .set(guardians::national_id.eq(None::<String>))
            .execute(c)
            .unwrap()
    });
    let mut father = app.citizen_client(&father_number).await;
    for path in [log_path(&app), seen_path(&app)] {
        let r = father.get(&path).await;
        assert_eq!(r.status, 404, "father without a number {path}: {}", r.body);
    }

    // Another child's guardian: a second child of the kindergarten, with a
    // log of its own; its guardian sees that log and gets 404 on this one.
    let mut staff = app.client(Who::Ansatt).await;
    let born = "01.02.2019";
    let r = staff
        .post(
            "/barn",
            &[
                ("enhet", &app.fx.unit.to_string()),
                ("navn", "Vilde Annenbarn"),
                ("fodselsdato", born),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let other_child = r
        .location()
        .trim_start_matches("/barn/")
        .split(['?', '/'])
        .next()
        .unwrap()
        .to_owned();
    let r = staff
        .post(
            &format!("/barn/{other_child}/foresatte"),
            &[
                ("navn", "Olga Annenforelder"),
                ("relasjon", "mor"),
                ("foreldreansvar", "ja"),
            ],
        )
        .await;
    assert!(r.status == 303 || r.status == 200, "{}", r.body);
    let other_guardian: String = app.with_conn(|c| {
        guardians::table
            .filter(guardians::child_id.eq(&other_child))
            .select(guardians::id)
            .first(c)
            .unwrap()
    });
    let r = staff
        .post(
            &format!("/barn/{other_child}/ny-logg"),
            &[
                ("uro", "Vilde trekker seg unna i lek."),
                ("observert", &today_text()),
                ("utfordringer", "sprak"),
                ("skjult", ""),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let other_log = r
        .location()
        .trim_start_matches("/logger/")
        .split(['?', '/'])
        .next()
        .unwrap()
        .to_owned();
    let olga = number_for(&app, other_guardian.parse().unwrap(), 13);
    let mut olga = app.citizen_client(&olga).await;
    let r = olga.get(&format!("/familie/logger/{other_log}")).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(
        r.body.contains("Vilde trekker seg unna i lek."),
        "{}",
        r.body
    );
    for path in [log_path(&app), seen_path(&app)] {
        let r = olga.get(&path).await;
        assert_eq!(r.status, 404, "{path}");
    }
    // A malformed or unknown log id is a 404 too.
    let r = mum.get("/familie/logger/ikke-en-id").await;
    assert_eq!(r.status, 404);
    let r = mum
        .get(&format!(
            "/familie/logger/{}",
            laget_domain::ids::LogId::new()
        ))
        .await;
    assert_eq!(r.status, 404);
    // Not signed in: to the portal's login page.
    let mut anonymous = app.client(Who::Anonymous).await;
    let r = anonymous.get(&log_path(&app)).await;
    assert!(r.status == 303 || r.status == 302, "{}", r.status);
}

async fn the_youth_sees_their_own_log_from_fifteen(app: TestApp) {
    let youth = app.fx.log.national_id.clone();
    child_aged(&app, 14);
    let mut y = app.citizen_client(&youth).await;
    let r = y.get(&log_path(&app)).await;
    assert_eq!(r.status, 404, "14: {}", r.body);
    let r = y.get(&seen_path(&app)).await;
    assert_eq!(r.status, 404);
    let r = y.get("/familie").await;
    assert!(!r.body.contains(&log_path(&app)), "{}", r.body);

    child_aged(&app, 15);
    let r = y.get("/familie").await;
    assert_eq!(r.status, 200);
    assert!(r.body.contains("Din logg"), "{}", r.body);
    assert!(r.body.contains(&log_path(&app)), "{}", r.body);
    let r = y.get(&log_path(&app)).await;
    assert_eq!(r.status, 200, "15: {}", r.body);
    assert!(r.body.contains("Din logg"), "{}", r.body);
    let rows = citizen_rows(&app);
    assert!(
        rows.iter()
            .any(|(g, a, o)| g == "ungdom" && a == "read" && o == "log"),
        "{rows:?}"
    );
}

async fn a_youths_health_entry_is_hidden_from_the_guardian_and_shown_to_the_youth(app: TestApp) {
    let mother = number_for(&app, app.fx.log.mother, 14);
    let voice = format!("/logger/{}/stemme", app.fx.log.log);
    let today = chrono::Utc::now()
        .with_timezone(&chrono_tz::Europe::Oslo)
        .format("%d.%m.%Y")
        .to_string();
    let mut staff = app.client(Who::Ansatt).await;

    // The form offers the choice with its default; the youth's health only
    // from 16.
    child_aged(&app, 15);
    let r = staff.get(&voice).await;
    assert_eq!(r.status, 200);
    assert!(r.body.contains("Hvem i familien ser dette?"), "{}", r.body);
    assert!(
        r.body
            .contains("Foresatte og ungdommen ser dette på familiens side")
    );
    assert!(!r.body.contains("value=\"helse_ungdom\""), "{}", r.body);
    let health = "Hun går til samtaler hos helsesykepleier om søvn.";
    let r = staff
        .post(
            &voice,
            &[
                ("dato", &today),
                ("metode", "samtale"),
                ("ord", health),
                ("skjult", "helse_ungdom"),
            ],
        )
        .await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains("id=\"skjult-error\""), "{}", r.body);
    assert!(r.body.contains(health), "what was typed is kept");
    let r = staff
        .post(
            &voice,
            &[
                ("dato", &today),
                ("metode", "samtale"),
                ("ord", health),
                ("skjult", "tull"),
            ],
        )
        .await;
    assert_eq!(r.status, 422);

    child_aged(&app, 16);
    let r = staff.get(&voice).await;
    assert!(r.body.contains("value=\"helse_ungdom\""), "{}", r.body);
    let r = staff
        .post(
            &voice,
            &[
                ("dato", &today),
                ("metode", "samtale"),
                ("ord", health),
                ("skjult", "helse_ungdom"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let open = "Jeg vil gjerne være med på fotball igjen.";
    let r = staff
        .post(
            &voice,
            &[
                ("dato", &today),
                ("metode", "samtale"),
                ("ord", open),
                ("skjult", ""),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let third = "Bestevennen hennes har det vanskelig hjemme.";
    let r = staff
        .post(
            &voice,
            &[
                ("dato", &today),
                ("metode", "samtale"),
                ("ord", third),
                ("skjult", "tredjeperson"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let stored: Vec<Option<String>> = app.with_conn(|c| {
        log_entries::table
            .filter(log_entries::log_id.eq(app.fx.log.log.to_string()))
            .filter(log_entries::kind.eq("stemme"))
            .order(log_entries::at)
            .select(log_entries::family_hidden)
            .load(c)
            .unwrap()
    });
    assert!(
        stored.ends_with(&[
            Some("helse_ungdom".to_owned()),
            None,
            Some("tredjeperson".to_owned())
        ]),
        "{stored:?}"
    );

    // Staff see the notice and the marks.
    let r = staff.get(&format!("/logger/{}", app.fx.log.log)).await;
    assert_eq!(r.status, 200);
    assert!(
        r.body.contains(
            "Foresatte med foreldreansvar og ungdom fra 15 år ser loggen på familiens side"
        ),
        "{}",
        r.body
    );
    assert!(
        r.body
            .contains("Skjult for familien: ungdommens helseopplysninger"),
        "{}",
        r.body
    );
    assert!(
        r.body
            .contains("Skjult for familien: opplysninger om andre"),
        "{}",
        r.body
    );

    // The guardian sees the open voice only.
    let mut mum = app.citizen_client(&mother).await;
    let r = mum.get(&log_path(&app)).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains(open), "{}", r.body);
    assert!(!r.body.contains(health), "{}", r.body);
    assert!(!r.body.contains(third), "{}", r.body);
    // The youth sees their health entry, not the one about others.
    let mut y = app.citizen_client(&app.fx.log.national_id.clone()).await;
    let r = y.get(&log_path(&app)).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains(open));
    assert!(r.body.contains(health), "{}", r.body);
    assert!(!r.body.contains(third), "{}", r.body);

    // Kinds the family never sees: the fixture's linked consultation.
    let consultation: Option<String> = app.with_conn(|c| {
        log_entries::table
            .filter(log_entries::log_id.eq(app.fx.log.log.to_string()))
            .filter(log_entries::kind.eq("drofting"))
            .select(log_entries::data)
            .first::<Option<String>>(c)
            .optional()
            .unwrap()
            .flatten()
    });
    if let Some(data) = consultation {
        let v: serde_json::Value = serde_json::from_str(&data).unwrap();
        if let Some(summary) = v.get("sammendrag").and_then(|s| s.as_str()) {
            let r = mum.get(&log_path(&app)).await;
            assert!(!r.body.contains(summary), "{}", r.body);
        }
    }
}

async fn the_family_sees_who_has_seen_the_log(app: TestApp) {
    // A staff read first.
    let mut staff = app.client(Who::Ansatt).await;
    let r = staff.get(&format!("/logger/{}", app.fx.log.log)).await;
    assert_eq!(r.status, 200);
    let name: String = app.with_conn(|c| {
        users::table
            .find(app.fx.users[&Who::Ansatt].to_string())
            .select(users::display_name)
            .first(c)
            .unwrap()
    });
    let mother = number_for(&app, app.fx.log.mother, 15);
    let mut mum = app.citizen_client(&mother).await;
    let r = mum.get(&log_path(&app)).await;
    assert_eq!(r.status, 200);
    let r = mum.get(&seen_path(&app)).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains(&name), "{}", r.body);
    assert!(r.body.contains("Leste loggen"), "{}", r.body);
    assert!(r.body.contains("Egen enhet"), "{}", r.body);
    // Her own read of the log, as «Du» on the ground «Foresatt».
    assert!(
        r.body.contains("<td data-label=\"Hvem\">Du</td>"),
        "{}",
        r.body
    );
    assert!(r.body.contains("Foresatt"), "{}", r.body);
    // The page itself was recorded; a second visit lists it.
    let r = mum.get(&seen_path(&app)).await;
    assert!(r.body.contains("Så hvem som har sett loggen"), "{}", r.body);
    // The staff side names the ground in words too.
    let r = app
        .client(Who::Leder)
        .await
        .get(&format!("/logger/{}/innsyn", app.fx.log.log))
        .await;
    if r.status == 200 {
        assert!(r.body.contains("Foresatt (familiens side)"), "{}", r.body);
    }

    // Paging: 50 a page, the next page from the last row's number.
    let mut mum2 = app.citizen_client(&mother).await;
    for _ in 0..55 {
        let r = mum2.get(&log_path(&app)).await;
        assert_eq!(r.status, 200);
    }
    let r = mum.get(&seen_path(&app)).await;
    let rows = r.body.matches("<tr><td data-label=").count();
    assert_eq!(rows, 50, "{}", r.body);
    let older = r
        .body
        .split("href=\"")
        .filter_map(|s| s.split('"').next())
        .find(|h| h.contains("/innsyn?for="))
        .expect("a link to older rows")
        .to_owned();
    let r = mum.get(&older.replace("&amp;", "&")).await;
    assert_eq!(r.status, 200);
    assert!(
        r.body.matches("<tr><td data-label=").count() > 0,
        "{}",
        r.body
    );
    assert!(
        r.body.contains(&name),
        "the staff read is on an older page: {}",
        r.body
    );
    let r = mum.get(&format!("{}?for=tull", seen_path(&app))).await;
    assert_eq!(r.status, 200);
}

on_every_backend!(
    a_guardian_with_responsibility_reads_the_log_and_others_get_404_on_every_backend,
    a_guardian_with_responsibility_reads_the_log_and_others_get_404
);
on_every_backend!(
    the_youth_sees_their_own_log_from_fifteen_on_every_backend,
    the_youth_sees_their_own_log_from_fifteen
);
on_every_backend!(
    a_youths_health_entry_is_hidden_from_the_guardian_and_shown_to_the_youth_on_every_backend,
    a_youths_health_entry_is_hidden_from_the_guardian_and_shown_to_the_youth
);
on_every_backend!(
    the_family_sees_who_has_seen_the_log_on_every_backend,
    the_family_sees_who_has_seen_the_log
);

/// Inserts a held case meeting of the fixture log (two days ago, minutes
/// approved), the mother invited and present when `mother`; its id.
fn held_meeting(app: &TestApp, mother: bool) -> String {
    use laget_db::schema::{meeting_participants, meetings};
    let id = laget_domain::ids::MeetingId::new().to_string();
    let start = (chrono::Utc::now() - chrono::Duration::days(2)).timestamp_micros();
    let now = chrono::Utc::now().timestamp_micros();
    app.with_conn(|c| {
        diesel::insert_into(meetings::table)
            .values((
                meetings::id.eq(&id),
                meetings::municipality_id.eq(app.fx.municipality.to_string()),
                meetings::log_id.eq(Some(app.fx.log.log.to_string())),
                meetings::kind.eq("samarbeid"),
                meetings::status.eq("holdt"),
                meetings::purpose.eq("Bli enige om tiltak."),
                meetings::agenda.eq("1. Tiltak"),
                meetings::starts_at.eq(start),
                meetings::ends_at.eq(start + 3_600_000_000),
                meetings::invite_guardians.eq(mother),
                meetings::invite_child.eq(false),
                meetings::attendance_required.eq(false),
                meetings::sequence.eq(0),
                meetings::created_at.eq(now),
                meetings::updated_at.eq(now),
                meetings::minutes_status.eq("godkjent"),
            ))
            .execute(c)
            .unwrap();
        if mother {
            diesel::insert_into(meeting_participants::table)
                .values((
                    meeting_participants::id
                        .eq(laget_domain::ids::ParticipantId::new().to_string()),
                    meeting_participants::meeting_id.eq(&id),
                    meeting_participants::kind.eq("foresatt"),
                    meeting_participants::guardian_id.eq(Some(app.fx.log.mother.to_string())),
                    meeting_participants::name.eq("Mor Fikstursen"),
                    meeting_participants::response.eq("kommer"),
                    meeting_participants::must_answer.eq(false),
                    meeting_participants::attended.eq(Some(true)),
                    meeting_participants::added_at.eq(now),
                    meeting_participants::called_in.eq(false),
                ))
                .execute(c)
                .unwrap();
        }
    });
    id
}

/// The log page lists the family's actions near the top: consent, the
/// child's voice, asking for a meeting or a team, who has seen the log, and
/// «Vurder møtet» for a held meeting the guardian was invited to and has
/// not rated — not for one she was not invited to, nor once rated. On a
/// closed log only consent (to withdraw) and «Hvem har sett loggen».
async fn the_log_page_links_to_the_familys_actions(app: TestApp) {
    let mother = number_for(&app, app.fx.log.mother, 15);
    let invited = held_meeting(&app, true);
    let not_invited = held_meeting(&app, false);
    let mut mum = app.citizen_client(&mother).await;
    let base = log_path(&app);
    let r = mum.get(&base).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains(">Handlinger</h2>"), "{}", r.body);
    for (path, label) in [
        ("samtykke", "Samtykke"),
        ("stemme", "Skriv barnets stemme / ditt syn"),
        ("be-om", "Be om møte eller team"),
        ("innsyn", "Hvem har sett loggen"),
    ] {
        let link = format!("<a class=\"ds-link\" href=\"{base}/{path}\">{label}</a>");
        assert!(r.body.contains(&link), "{link}: {}", r.body);
    }
    // The actions come before the team (near the top).
    let actions = r.body.find(">Handlinger</h2>").unwrap();
    let team = r.body.find("id=\"laget\"").unwrap();
    assert!(actions < team);
    let rate = |m: &str| format!("{base}/moter/{m}/vurdering");
    assert!(r.body.contains(&rate(&invited)), "{}", r.body);
    assert!(!r.body.contains(&rate(&not_invited)), "{}", r.body);
    // Every page an action leads to links back to the log.
    let back = format!("<a class=\"ds-link\" href=\"{base}\">Tilbake til loggen</a>");
    for path in [
        format!("{base}/samtykke"),
        format!("{base}/stemme"),
        format!("{base}/be-om"),
        format!("{base}/innsyn"),
        rate(&invited),
    ] {
        let page = mum.get(&path).await;
        assert_eq!(page.status, 200, "{path}: {}", page.body);
        assert!(page.body.contains(&back), "{path}: {}", page.body);
    }
    // Once rated, the link goes.
    let saved = mum
        .post(&rate(&invited), &[("poeng", "4"), ("kommentar", "")])
        .await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    let r = mum.get(&base).await;
    assert!(!r.body.contains(&rate(&invited)), "{}", r.body);

    // A closed log: consent (to withdraw) and «Hvem har sett loggen» only.
    let other = held_meeting(&app, true);
    app.with_conn(|c| {
        diesel::update(laget_db::schema::logs::table.find(app.fx.log.log.to_string()))
            .set(laget_db::schema::logs::status.eq("lukket"))
            .execute(c)
            .unwrap()
    });
    let r = mum.get(&base).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains(&format!("href=\"{base}/samtykke\"")));
    assert!(r.body.contains(&format!("href=\"{base}/innsyn\"")));
    assert!(!r.body.contains(&format!("href=\"{base}/stemme\"")));
    assert!(!r.body.contains(&format!("href=\"{base}/be-om\"")));
    assert!(!r.body.contains(&rate(&other)), "{}", r.body);
}

on_every_backend!(
    the_log_page_links_to_the_familys_actions_on_every_backend,
    the_log_page_links_to_the_familys_actions
);

/// A signed-in citizen's error page is the portal's: home `/familie`, the
/// portal's menu and «Logg ut» posting to `/familie/logg-ut` — not the
/// staff side's «Start» and `/logg-ut`.
async fn a_citizens_error_page_has_the_portals_layout(app: TestApp) {
    let mother = number_for(&app, app.fx.log.mother, 16);
    let mut mum = app.citizen_client(&mother).await;
    let unknown = format!("/familie/logger/{}", laget_domain::ids::LogId::new());
    for path in [unknown.as_str(), "/finnes-ikke", "/logger"] {
        let r = mum.get(path).await;
        assert_eq!(r.status, 404, "{path}: {}", r.body);
        assert!(
            r.body
                .contains(r#"<form method="post" action="/familie/logg-ut">"#),
            "{path}: {}",
            r.body
        );
        assert!(
            r.body.contains(r#"href="/familie">Oversikt</a>"#),
            "{}",
            r.body
        );
        assert!(!r.body.contains(r#"action="/logg-ut""#), "{}", r.body);
        assert!(!r.body.contains(r#"href="/">Start</a>"#), "{}", r.body);
    }
    // Staff still get the staff layout.
    let mut staff = app.client(Who::Ansatt).await;
    let r = staff.get("/finnes-ikke").await;
    assert_eq!(r.status, 404);
    assert!(r.body.contains(r#"action="/logg-ut""#), "{}", r.body);
}

on_every_backend!(
    a_citizens_error_page_has_the_portals_layout_on_every_backend,
    a_citizens_error_page_has_the_portals_layout
);

/// The start page offers the language choice (the consent page's picker),
/// and shows the municipality's welcome text, marked with `lang` and `dir`,
/// once the citizen chose a language the municipality has texts in.
async fn the_start_page_offers_languages_and_the_welcome_text(app: TestApp) {
    let m = app.fx.municipality;
    let mut admin = app.client(Who::Kommuneadministrator).await;
    let r = admin
        .post(
            &format!("/kommuner/{m}/familietekster"),
            &[
                ("sprak", "ar"),
                ("navn", "العربية"),
                ("samtykke", "الموافقة تعني مشاركة المعلومات"),
                ("velkommen", "مرحبا بكم في صفحة العائلة"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let mother = number_for(&app, app.fx.log.mother, 17);
    let mut mum = app.citizen_client(&mother).await;
    let r = mum.get("/familie").await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains(r#"action="/familie/sprak""#), "{}", r.body);
    assert!(
        r.body.contains(r#"name="neste" value="/familie""#),
        "{}",
        r.body
    );
    assert!(r.body.contains(r#"value="ar""#), "{}", r.body);
    assert!(!r.body.contains("مرحبا بكم"), "not before it is chosen");
    let r = mum
        .post("/familie/sprak", &[("sprak", "ar"), ("neste", "/familie")])
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(r.location(), "/familie");
    let r = mum.get("/familie").await;
    assert!(r.body.contains("مرحبا بكم في صفحة العائلة"), "{}", r.body);
    assert!(r.body.contains(r#"lang="ar" dir="rtl""#), "{}", r.body);
}

on_every_backend!(
    the_start_page_offers_languages_and_the_welcome_text_on_every_backend,
    the_start_page_offers_languages_and_the_welcome_text
);
