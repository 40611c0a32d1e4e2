//! The family's own voice in the portal (issue #12, H5): the child's voice
//! and the guardians' view, ratings of meetings, requests for a meeting or
//! a tidlig innsatsteam and their answers. Each scenario runs on both
//! engines.

use crate::on_every_backend;
use chrono::{Duration, Utc};
use diesel::prelude::*;
use laget_db::schema::{
    access_log, children, family_requests, guardians, log_entries, logs, meeting_participants,
    meeting_ratings, meetings, outgoing_mail, standing_teams, team_cases,
};
use laget_domain::children::national_id::NationalId;
use laget_testkit::{TestApp, Who};

/// Gives a guardian of the fixture child a national identity number (the
/// fixtures have none), so a citizen with it is that guardian.
fn number_for(app: &TestApp, guardian: laget_domain::ids::GuardianId, seed: u32) -> String {
    let born = chrono::NaiveDate::from_ymd_opt(1985, 3, 1).unwrap();
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

async fn mother(app: &TestApp) -> laget_testkit::Client {
    let n = number_for(app, app.fx.log.mother, 21);
    app.citizen_client(&n).await
}

fn log(app: &TestApp) -> String {
    app.fx.log.log.to_string()
}

fn revision(app: &TestApp) -> i64 {
    app.with_conn(|c| {
        logs::table
            .find(log(app))
            .select(logs::revision)
            .first(c)
            .unwrap()
    })
}

async fn the_guardians_voice_reaches_the_staff_log(app: TestApp) {
    let mut mum = mother(&app).await;
    let path = format!("/familie/logger/{}/stemme", log(&app));
    let r = mum.get(&path).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(
        r.body.contains("Barnet fortalte det til en foresatt"),
        "{}",
        r.body
    );

    // Errors beside the fields, what was typed kept.
    let tomorrow = (Utc::now() + Duration::days(2))
        .format("%d.%m.%Y")
        .to_string();
    let r = mum
        .post(
            &path,
            &[
                ("hvem", "barnet"),
                ("dato", &tomorrow),
                ("metode", ""),
                ("ord", ""),
            ],
        )
        .await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains("id=\"dato-error\""), "{}", r.body);
    assert!(r.body.contains("id=\"metode-error\""), "{}", r.body);
    assert!(r.body.contains("id=\"ord-error\""), "{}", r.body);
    assert!(r.body.contains(&tomorrow));
    let long = "a".repeat(4001);
    let r = mum
        .post(
            &path,
            &[
                ("hvem", "foresatte"),
                ("dato", ""),
                ("metode", ""),
                ("ord", &long),
            ],
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("4000"), "{}", r.body);

    let before = revision(&app);
    let today = Utc::now()
        .with_timezone(&chrono_tz::Europe::Oslo)
        .format("%d.%m.%Y")
        .to_string();
    let r = mum
        .post(
            &path,
            &[
                ("hvem", "barnet"),
                ("dato", &today),
                ("metode", "fortalt_foresatt"),
                ("ord", "Jeg liker ikke friminuttene, ingen vil leke."),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert!(r.location().ends_with("/stemme?melding=lagret"));
    let r = mum
        .post(
            &path,
            &[
                ("hvem", "foresatte"),
                ("ord", "Vi ønsker mer kontakt med skolen."),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert!(revision(&app) >= before + 2, "the log's revision is raised");

    // Stored with the citizen as author, no staff actor.
    let rows: Vec<(String, Option<String>, Option<String>)> = app.with_conn(|c| {
        log_entries::table
            .filter(log_entries::log_id.eq(log(&app)))
            .filter(log_entries::citizen_id.is_not_null())
            .order(log_entries::at)
            .select((log_entries::kind, log_entries::actor_id, log_entries::body))
            .load(c)
            .unwrap()
    });
    assert_eq!(
        rows.iter().map(|r| r.0.as_str()).collect::<Vec<_>>(),
        ["stemme", "familiens_syn"]
    );
    assert!(rows.iter().all(|r| r.1.is_none()));
    // The access log: the citizen as principal, the ground foresatt.
    let citizen_rows: Vec<(String, String, Option<String>)> = app.with_conn(|c| {
        access_log::table
            .filter(access_log::object_id.eq(log(&app)))
            .filter(access_log::principal_kind.eq("citizen"))
            .filter(access_log::action.eq("update"))
            .select((
                access_log::ground,
                access_log::principal_kind,
                access_log::actor_id,
            ))
            .load(c)
            .unwrap()
    });
    assert_eq!(citizen_rows.len(), 2, "{citizen_rows:?}");
    assert!(
        citizen_rows[0].0.starts_with("foresatt"),
        "{citizen_rows:?}"
    );
    assert!(citizen_rows.iter().all(|r| r.2.is_none()));

    // Staff see both in the child's part of the log, marked as the family's.
    let mut lead = app.client(Who::Ansatt).await;
    let page = lead
        .get(&format!("/logger/{}?gruppe=barnet", log(&app)))
        .await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("ingen vil leke"), "{}", page.body);
    assert!(
        page.body.contains(
            "Barnet fortalte det til en foresatt"
                .to_lowercase()
                .as_str()
        ),
        "{}",
        page.body
    );
    assert!(
        page.body.contains("Foresatt skrev (familiens side)"),
        "{}",
        page.body
    );
    assert!(page.body.contains("Foresattes syn"), "{}", page.body);
    assert!(page.body.contains("mer kontakt med skolen"));
}

on_every_backend!(
    the_guardians_voice_is_on_the_staff_log_with_a_citizen_row,
    the_guardians_voice_reaches_the_staff_log
);

async fn the_youth_writes_their_own_voice(app: TestApp) {
    // The child is 16: the youth logs in with the child's own number.
    let born = (Utc::now() - Duration::days(16 * 366)).date_naive();
    app.with_conn(|c| {
        diesel::update(children::table.find(app.fx.log.child.to_string()))
            .set(children::birth_date.eq(born.format("%Y-%m-%d").to_string()))
            .execute(c)
            .unwrap()
    });
    let mut youth = app.citizen_client(&app.fx.log.national_id).await;
    let path = format!("/familie/logger/{}/stemme", log(&app));
    let r = youth.get(&path).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(
        !r.body.contains("name=\"metode\""),
        "a youth is not asked how"
    );
    let r = youth
        .post(&path, &[("ord", "Jeg vil ha mindre lekser.")])
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let mut lead = app.client(Who::Ansatt).await;
    let page = lead.get(&format!("/logger/{}", log(&app))).await;
    assert!(page.body.contains("Ungdommen skrev selv"), "{}", page.body);
    let ground: String = app.with_conn(|c| {
        access_log::table
            .filter(access_log::principal_kind.eq("citizen"))
            .filter(access_log::action.eq("update"))
            .select(access_log::ground)
            .first(c)
            .unwrap()
    });
    assert_eq!(ground, "ungdom");
}

on_every_backend!(
    a_youth_writes_their_own_voice,
    the_youth_writes_their_own_voice
);

async fn a_closed_log_takes_nothing(app: TestApp) {
    let mut mum = mother(&app).await;
    app.with_conn(|c| {
        diesel::update(logs::table.find(log(&app)))
            .set(logs::status.eq("lukket"))
            .execute(c)
            .unwrap()
    });
    let voice = format!("/familie/logger/{}/stemme", log(&app));
    let r = mum.get(&voice).await;
    assert_eq!(r.status, 200);
    assert!(r.body.contains("Loggen er avsluttet"), "{}", r.body);
    assert!(!r.body.contains("name=\"ord\""));
    let r = mum
        .post(&voice, &[("hvem", "foresatte"), ("ord", "Hei")])
        .await;
    assert_eq!(r.status, 409, "{}", r.body);
    let asks = format!("/familie/logger/{}/be-om", log(&app));
    let r = mum
        .post(&asks, &[("type", "mote"), ("melding", "Møte?")])
        .await;
    assert_eq!(r.status, 409, "{}", r.body);
    let written: i64 = app.with_conn(|c| {
        log_entries::table
            .filter(log_entries::citizen_id.is_not_null())
            .count()
            .get_result(c)
            .unwrap()
    });
    let asked: i64 = app.with_conn(|c| family_requests::table.count().get_result(c).unwrap());
    assert_eq!((written, asked), (0, 0));
}

on_every_backend!(
    a_closed_log_refuses_with_a_message,
    a_closed_log_takes_nothing
);

/// Inserts a case meeting of the fixture log starting `days` from now,
/// with its minutes in `minutes`, the mother invited when `mother`.
fn meeting(app: &TestApp, days: i64, minutes: &str, mother: bool) -> String {
    let id = laget_domain::ids::MeetingId::new().to_string();
    let start = (Utc::now() + Duration::days(days)).timestamp_micros();
    let now = Utc::now().timestamp_micros();
    app.with_conn(|c| {
        diesel::insert_into(meetings::table)
            .values((
                meetings::id.eq(&id),
                meetings::municipality_id.eq(app.fx.municipality.to_string()),
                meetings::log_id.eq(Some(log(app))),
                meetings::kind.eq("samarbeid"),
                meetings::status.eq(if days < 0 { "holdt" } else { "planlagt" }),
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
                meetings::minutes_status.eq(minutes),
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

/// A stored rating: meeting, score, guardian, citizen, recorded by.
type RatingRow = (String, i32, Option<String>, Option<String>, Option<String>);

async fn ratings_of_held_meetings_one_each(app: TestApp) {
    let held = meeting(&app, -2, "godkjent", true);
    let not_held = meeting(&app, 3, "ingen", true);
    let not_invited = meeting(&app, -3, "godkjent", false);
    let mut mum = mother(&app).await;
    let path = |m: &str| format!("/familie/logger/{}/moter/{m}/vurdering", log(&app));

    let r = mum.get(&path(&not_held)).await;
    assert_eq!(r.status, 200);
    assert!(r.body.contains("når det er holdt"), "{}", r.body);
    let r = mum.post(&path(&not_held), &[("poeng", "4")]).await;
    assert_eq!(r.status, 409, "{}", r.body);
    let r = mum.post(&path(&not_invited), &[("poeng", "4")]).await;
    assert_eq!(r.status, 409, "{}", r.body);
    assert!(r.body.contains("invitert til"), "{}", r.body);
    // Another log's meeting, or none: 404.
    let r = mum
        .get(&path(&laget_domain::ids::MeetingId::new().to_string()))
        .await;
    assert_eq!(r.status, 404);

    let r = mum.get(&path(&held)).await;
    assert_eq!(r.status, 200);
    assert!(r.body.contains("name=\"poeng\""), "{}", r.body);
    let r = mum
        .post(&path(&held), &[("poeng", "9"), ("kommentar", "Fint")])
        .await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains("Velg et tall fra 1 til 5."), "{}", r.body);
    assert!(r.body.contains("Fint"));
    let r = mum
        .post(
            &path(&held),
            &[("poeng", "4"), ("kommentar", "Vi ble hørt.")],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let r = mum.post(&path(&held), &[("poeng", "1")]).await;
    assert_eq!(r.status, 409, "a second rating is refused: {}", r.body);

    let rows: Vec<RatingRow> = app.with_conn(|c| {
        meeting_ratings::table
            .select((
                meeting_ratings::meeting_id,
                meeting_ratings::score,
                meeting_ratings::guardian_id,
                meeting_ratings::citizen_id,
                meeting_ratings::recorded_by,
            ))
            .load(c)
            .unwrap()
    });
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!((rows[0].0.as_str(), rows[0].1), (held.as_str(), 4));
    assert_eq!(rows[0].2, Some(app.fx.log.mother.to_string()));
    assert!(rows[0].3.is_some() && rows[0].4.is_none());

    let mut lead = app.client(Who::Ansatt).await;
    let page = lead
        .get(&format!("/logger/{}/moter/{held}/referat", log(&app)))
        .await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(
        page.body.contains("gitt på familiens side"),
        "{}",
        page.body
    );
    assert!(page.body.contains("Vi ble hørt."));
}

on_every_backend!(
    the_family_rates_a_held_meeting_they_were_invited_to_once,
    ratings_of_held_meetings_one_each
);

async fn every_route_is_404_without_responsibility(app: TestApp) {
    let held = meeting(&app, -2, "godkjent", true);
    // The father loses parental responsibility; a stranger is no one's.
    let n = number_for(&app, app.fx.log.father, 22);
    app.with_conn(|c| {
        diesel::update(guardians::table.find(app.fx.log.father.to_string()))
            .set(guardians::parental_responsibility.eq(false))
            .execute(c)
            .unwrap()
    });
    let stranger = NationalId::synthetic(chrono::NaiveDate::from_ymd_opt(1980, 5, 5).unwrap(), 3)
        .unwrap()
        .expose()
        .to_owned();
    let request: String = {
        let mut mum = mother(&app).await;
        let r = mum
            .post(
                &format!("/familie/logger/{}/be-om", log(&app)),
                &[("type", "mote"), ("melding", "Kan vi møtes?")],
            )
            .await;
        assert_eq!(r.status, 303, "{}", r.body);
        app.with_conn(|c| {
            family_requests::table
                .select(family_requests::id)
                .first(c)
                .unwrap()
        })
    };
    let routes = [
        format!("/familie/logger/{}/stemme", log(&app)),
        format!("/familie/logger/{}/moter/{held}/vurdering", log(&app)),
        format!("/familie/logger/{}/be-om", log(&app)),
    ];
    for number in [n, stranger] {
        let mut c = app.citizen_client(&number).await;
        for path in &routes {
            assert_eq!(c.get(path).await.status, 404, "GET {path}");
            let r = c
                .post(
                    path,
                    &[
                        ("hvem", "foresatte"),
                        ("ord", "x"),
                        ("poeng", "3"),
                        ("type", "mote"),
                        ("melding", "x"),
                    ],
                )
                .await;
            assert_eq!(r.status, 404, "POST {path}");
        }
    }
    // Staff who are not the holder: the answer page is 404.
    let answer = format!("/logger/{}/henvendelser/{request}", log(&app));
    let mut ppt = app.client(Who::PptOnTeam).await;
    assert_eq!(ppt.get(&answer).await.status, 404);
    assert_eq!(ppt.post(&answer, &[("svar", "Ja")]).await.status, 404);
    let written: i64 = app.with_conn(|c| {
        log_entries::table
            .filter(log_entries::citizen_id.is_not_null())
            .count()
            .get_result(c)
            .unwrap()
    });
    assert_eq!(written, 0);
}

on_every_backend!(
    a_guardian_without_responsibility_gets_404_on_every_route,
    every_route_is_404_without_responsibility
);

async fn requests_reach_the_holder_and_the_answer_the_family(app: TestApp) {
    let mut mum = mother(&app).await;
    let asks = format!("/familie/logger/{}/be-om", log(&app));
    let r = mum.get(&asks).await;
    assert_eq!(r.status, 200, "{}", r.body);
    // No tidlig innsatsteam in the municipality: only a meeting is offered.
    assert!(!r.body.contains("value=\"team\""));
    let r = mum.post(&asks, &[("type", "mote"), ("melding", "")]).await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("id=\"melding-error\""), "{}", r.body);
    let r = mum
        .post(
            &asks,
            &[
                ("type", "mote"),
                ("melding", "Vi vil snakke om skolestarten."),
                ("tidspunkt", "en ettermiddag"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);

    // The lead gets an e-mail that names no one, and a task.
    let lead_id = app.fx.users[&Who::Ansatt].to_string();
    let mail: Vec<(String, Option<String>)> = app.with_conn(|c| {
        outgoing_mail::table
            .filter(outgoing_mail::kind.eq("henvendelse"))
            .select((outgoing_mail::kind, outgoing_mail::recipient_user_id))
            .load(c)
            .unwrap()
    });
    assert_eq!(mail, vec![("henvendelse".to_owned(), Some(lead_id))]);
    let mut lead = app.client(Who::Ansatt).await;
    let tasks = lead.get("/mine-oppgaver").await;
    assert!(
        tasks.body.contains("Familien ber om et møte"),
        "{}",
        tasks.body
    );
    let mut ppt = app.client(Who::PptOnTeam).await;
    let other = ppt.get("/mine-oppgaver").await;
    assert_eq!(other.status, 200);
    assert!(!other.body.contains("Familien ber om et møte"));

    // The holder sees it on the log page and answers.
    let page = lead.get(&format!("/logger/{}", log(&app))).await;
    assert!(
        page.body.contains("Henvendelser fra familien"),
        "{}",
        page.body
    );
    assert!(
        !ppt.get(&format!("/logger/{}", log(&app)))
            .await
            .body
            .contains("Henvendelser fra familien")
    );
    let request: String = app.with_conn(|c| {
        family_requests::table
            .select(family_requests::id)
            .first(c)
            .unwrap()
    });
    let answer = format!("/logger/{}/henvendelser/{request}", log(&app));
    let r = lead.get(&answer).await;
    assert_eq!(r.status, 200);
    assert!(r.body.contains("skolestarten") && r.body.contains("en ettermiddag"));
    assert!(r.body.contains(&format!("/logger/{}/moter/ny", log(&app))));
    let r = lead.post(&answer, &[("svar", "")]).await;
    assert_eq!(r.status, 422);
    let r = lead
        .post(&answer, &[("svar", "Jeg ringer dere i morgen.")])
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert!(
        !lead
            .get("/mine-oppgaver")
            .await
            .body
            .contains("Familien ber om et møte")
    );

    let mine = mum.get(&asks).await;
    assert!(
        mine.body.contains("Jeg ringer dere i morgen."),
        "{}",
        mine.body
    );
    // The other guardian does not see the mother's request.
    let dad_number = number_for(&app, app.fx.log.father, 23);
    let mut dad = app.citizen_client(&dad_number).await;
    let theirs = dad.get(&asks).await;
    assert_eq!(theirs.status, 200);
    assert!(!theirs.body.contains("skolestarten"));
}

on_every_backend!(
    a_request_reaches_the_holders_tasks_and_the_answer_the_portal,
    requests_reach_the_holder_and_the_answer_the_family
);

async fn a_team_request_is_taken_up_by_the_teams_leader(app: TestApp) {
    // Two tidlig innsatsteam; the lead leads the one for the child's age.
    let lead_id = app.fx.users[&Who::Ansatt].to_string();
    let team = |name: &str, band: &str, leader: Option<String>| {
        let id = laget_domain::ids::StandingTeamId::new().to_string();
        let (name, band) = (name.to_owned(), band.to_owned());
        app.with_conn(|c| {
            diesel::insert_into(standing_teams::table)
                .values((
                    standing_teams::id.eq(&id),
                    standing_teams::municipality_id.eq(app.fx.municipality.to_string()),
                    standing_teams::kind.eq("tidlig_innsats"),
                    standing_teams::name.eq(name),
                    standing_teams::age_band.eq(Some(band)),
                    standing_teams::leader_user_id.eq(leader),
                    standing_teams::min_autumn.eq(2),
                    standing_teams::min_spring.eq(2),
                    standing_teams::min_minutes.eq(90),
                    standing_teams::agenda.eq(""),
                    standing_teams::active.eq(true),
                    standing_teams::created_at.eq(Utc::now().timestamp_micros()),
                ))
                .execute(c)
                .unwrap()
        });
        id
    };
    let older = team("Aaa tidlig innsats 13-15", "13-15", None);
    let ours = team("Tidlig innsats 1-5", "1-5", Some(lead_id));
    let mut mum = mother(&app).await;
    let asks = format!("/familie/logger/{}/be-om", log(&app));
    let page = mum.get(&asks).await;
    let (a, b) = (
        page.body.find(&format!("value=\"{ours}\"")).unwrap(),
        page.body.find(&format!("value=\"{older}\"")).unwrap(),
    );
    assert!(a < b, "the team for the child's age comes first");
    let r = mum
        .post(
            &asks,
            &[
                ("type", "team"),
                ("melding", "Ta saken i teamet."),
                ("team", ""),
            ],
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("id=\"team-error\""));
    let r = mum
        .post(
            &asks,
            &[
                ("type", "team"),
                ("melding", "Ta saken i teamet."),
                ("team", &ours),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let mut lead = app.client(Who::Ansatt).await;
    assert!(
        lead.get("/mine-oppgaver")
            .await
            .body
            .contains("tidlig innsatsteam")
    );
    let request: String = app.with_conn(|c| {
        family_requests::table
            .select(family_requests::id)
            .first(c)
            .unwrap()
    });
    let answer = format!("/logger/{}/henvendelser/{request}", log(&app));
    let r = lead.get(&answer).await;
    assert!(r.body.contains("name=\"ta_opp\""), "{}", r.body);
    let r = lead
        .post(
            &answer,
            &[("svar", "Vi tar saken opp i teamet."), ("ta_opp", "ja")],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let cases: Vec<(String, Option<String>, String)> = app.with_conn(|c| {
        team_cases::table
            .select((
                team_cases::team_id,
                team_cases::log_id,
                team_cases::brought_by,
            ))
            .load(c)
            .unwrap()
    });
    assert_eq!(cases, vec![(ours, Some(log(&app)), "foresatt".to_owned())]);
}

on_every_backend!(
    a_team_request_becomes_a_case_brought_by_the_guardians,
    a_team_request_is_taken_up_by_the_teams_leader
);

/// The holder's e-mail about a request: sent through the outbox, saying
/// only that a request waits, with a link to «Mine oppgaver»; no child's
/// name and nothing the family wrote.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_holders_email_names_no_one() {
    for backend in laget_testkit::backends() {
        let sink = laget_testkit::SmtpSink::start();
        let config = laget_web::WebConfig {
            mail: Some(laget_web::mail::MailConfig {
                host: "127.0.0.1".into(),
                port: sink.port(),
                security: laget_web::mail::Security::None,
                username: None,
                password: None,
                from: "Laget <laget@test.example>".into(),
                base_url: "https://laget.test.example".into(),
                timeout: std::time::Duration::from_secs(5),
            }),
            ..laget_web::WebConfig::default()
        };
        let app = TestApp::with_config(backend.clone(), config).await;
        let child: String = app.with_conn(|c| {
            children::table
                .find(app.fx.log.child.to_string())
                .select(children::name)
                .first(c)
                .unwrap()
        });
        let mut mum = mother(&app).await;
        let r = mum
            .post(
                &format!("/familie/logger/{}/be-om", log(&app)),
                &[("type", "mote"), ("melding", "Skolevegring etter jul.")],
            )
            .await;
        assert_eq!(r.status, 303, "{}", r.body);
        let w = laget_web::outbox::Worker::for_app(
            app.state.clone(),
            laget_web::outbox::WorkerConfig::default(),
        );
        while w.run_one().await.unwrap().is_some() {}
        let got = sink.wait_for(1).await;
        let text = got[0]["text"].as_str().unwrap_or_default();
        let subject = got[0]["headers"]["Subject"].as_str().unwrap_or_default();
        assert_eq!(
            subject, "Du har fått en henvendelse i Laget",
            "{:?}",
            got[0]
        );
        assert!(
            text.contains("https://laget.test.example/mine-oppgaver"),
            "{text}"
        );
        assert!(
            !text.contains(&child) && !text.contains("Skolevegring"),
            "{text}"
        );
        assert!(!subject.contains(&child));
    }
}
