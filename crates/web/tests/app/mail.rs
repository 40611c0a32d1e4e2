//! E-mail and calendar invitations against a real SMTP server: aiosmtpd on
//! 127.0.0.1 (`laget_testkit::SmtpSink`, from `make deps`), which writes
//! each message it receives with its calendar parts parsed by Python's
//! `icalendar`. The e-mail is queued with `laget_db::meetings::mail::enqueue`
//! as the meeting pages queue it, and sent by the app's own outbox worker
//! (`Worker::for_app`). Every scenario runs on both engines.
//!
//! What is checked: headers (From, To, Subject, Message-ID from the mail's
//! id), the text (the link, and neither the child's name nor anything
//! written about the meeting), the recipient's written standard, the
//! invitation (METHOD, a UID that stays, a SEQUENCE that rises, CANCEL), the
//! status the sender sees, and what happens without an address, without
//! SMTP, with the server down and with the server refusing.

use chrono::{DateTime, Duration as Days, Utc};
use diesel::prelude::*;
use laget_db::meetings::mail::{self as mails, MailLine, MailRequest, Recipient, SendMail};
use laget_db::outbox::{self, Backoff};
use laget_db::schema::{
    children, guardians, meeting_decisions, meetings, municipalities, standing_teams,
};
use laget_db::{DbError, to_micros};
use laget_domain::access::{Actor, LogReader, Membership};
use laget_domain::admin::municipality::WrittenStandard;
use laget_domain::admin::user::Role;
use laget_domain::ids::{DecisionId, LogId, MailId, MeetingId, StandingTeamId};
use laget_domain::meetings::mail::{MailKind, MailReason, MailState};
use laget_testkit::smtp::closed_port;
use laget_testkit::{Backend, SmtpSink, TestApp, Who};
use laget_web::WebConfig;
use laget_web::mail::{MailConfig, Security};
use laget_web::outbox::{Ran, Worker, WorkerConfig};
use serde_json::Value;
use std::time::Duration;

/// A child's name nothing else in the fixtures contains.
const CHILD: &str = "Eldrid Quistgaard-Holm";
/// What the meeting's invitation says, which no e-mail may repeat.
const PURPOSE: &str = "Skolevegring hos Eldrid etter flyttingen";
const PLACE: &str = "Møterom Fjellsiden, 2. etasje";
const VIDEO: &str = "https://video.test.example/m/123-456";
const BASE: &str = "https://laget.test.example";
const HOST: &str = "laget.test.example";

fn mail_config(port: u16) -> MailConfig {
    MailConfig {
        host: "127.0.0.1".into(),
        port,
        security: Security::None,
        username: None,
        password: None,
        from: "Laget <laget@test.example>".into(),
        base_url: BASE.into(),
        timeout: Duration::from_secs(5),
    }
}

/// The app with its mail going to `port` (or no mail at all).
async fn app_with_mail(backend: &Backend, port: Option<u16>) -> TestApp {
    let config = WebConfig {
        mail: port.map(mail_config),
        ..WebConfig::default()
    };
    let app = TestApp::with_config(backend.clone(), config).await;
    let child = app.fx.log.child.to_string();
    app.db
        .write(move |c| {
            diesel::update(children::table.find(child))
                .set(children::name.eq(CHILD))
                .execute(c)?;
            Ok(())
        })
        .await
        .unwrap();
    app
}

fn worker(app: &TestApp) -> Worker {
    Worker::for_app(
        app.state.clone(),
        WorkerConfig {
            lease: Duration::from_secs(30),
            poll: Duration::from_millis(20),
            backoff: Backoff {
                base: Duration::from_millis(10),
                max: Duration::from_millis(20),
            },
            ..WorkerConfig::default()
        },
    )
}

/// Runs jobs until none is due; returns what each came to.
async fn run_all(w: &Worker) -> Vec<Ran> {
    let mut ran = Vec::new();
    while let Some(r) = w.run_one().await.unwrap() {
        ran.push(r);
    }
    ran
}

fn starts() -> DateTime<Utc> {
    // 09:00 in Oslo (winter time) on a day well ahead.
    DateTime::parse_from_rfc3339("2031-01-13T08:00:00Z")
        .unwrap()
        .with_timezone(&Utc)
}

/// A meeting in the fixture log, or (with `team`) of a standing team.
async fn new_meeting(app: &TestApp, team: Option<StandingTeamId>) -> MeetingId {
    let id = MeetingId::new();
    let m = app.fx.municipality.to_string();
    let log = team.is_none().then(|| app.fx.log.log.to_string());
    app.db
        .write(move |c| {
            let now = to_micros(Utc::now());
            diesel::insert_into(meetings::table)
                .values((
                    meetings::id.eq(id.to_string()),
                    meetings::municipality_id.eq(m),
                    meetings::log_id.eq(log),
                    meetings::team_id.eq(team.map(|t| t.to_string())),
                    meetings::kind.eq(if team.is_some() { "team" } else { "samarbeid" }),
                    meetings::purpose.eq(PURPOSE),
                    meetings::agenda.eq(format!("1. {CHILD} forteller")),
                    meetings::starts_at.eq(to_micros(starts())),
                    meetings::ends_at.eq(to_micros(starts() + Days::minutes(90))),
                    meetings::place.eq(Some(PLACE)),
                    meetings::created_at.eq(now),
                    meetings::updated_at.eq(now),
                ))
                .execute(c)?;
            Ok(())
        })
        .await
        .unwrap();
    id
}

/// A standing team led by the fixtures' `Who::Ansatt`.
async fn new_team(app: &TestApp) -> StandingTeamId {
    let id = StandingTeamId::new();
    let leader = app.fx.users[&Who::Ansatt];
    let m = app.fx.municipality.to_string();
    app.db
        .write(move |c| {
            diesel::insert_into(standing_teams::table)
                .values((
                    standing_teams::id.eq(id.to_string()),
                    standing_teams::municipality_id.eq(m),
                    standing_teams::kind.eq("tst"),
                    standing_teams::name.eq("TST Testlia"),
                    standing_teams::leader_user_id.eq(Some(leader.to_string())),
                    standing_teams::created_at.eq(to_micros(Utc::now())),
                ))
                .execute(c)?;
            Ok(())
        })
        .await
        .unwrap();
    id
}

async fn enqueue(
    app: &TestApp,
    kind: MailKind,
    recipient: Recipient,
    meeting: Option<MeetingId>,
    sequence: i32,
) -> MailId {
    enqueue_decision(app, kind, recipient, meeting, None, sequence).await
}

async fn enqueue_decision(
    app: &TestApp,
    kind: MailKind,
    recipient: Recipient,
    meeting: Option<MeetingId>,
    decision: Option<DecisionId>,
    sequence: i32,
) -> MailId {
    let request = MailRequest {
        kind,
        recipient,
        meeting,
        decision,
        sequence,
        created_by: Some(app.fx.users[&Who::Ansatt]),
    };
    app.db
        .write(move |c| mails::enqueue(c, &request))
        .await
        .unwrap()
}

fn staff(app: &TestApp, who: Who) -> Recipient {
    Recipient::User(app.fx.users[&who])
}

/// The lead's reader of the fixture log, as the meeting page has it.
async fn lead_reader(app: &TestApp) -> LogReader {
    let user = app.fx.users[&Who::Ansatt];
    let actor = Actor::for_tests(
        user,
        false,
        vec![Membership {
            municipality_id: app.fx.municipality,
            unit_id: Some(app.fx.unit),
            role: Role::Ansatt,
        }],
    );
    let log: LogId = app.fx.log.log;
    app.db
        .read(move |c| {
            let today = Utc::now().date_naive();
            let facts = laget_db::lookup::log_facts(c, log, user, today)?;
            Ok(actor.open_log(&facts, today).unwrap())
        })
        .await
        .unwrap()
}

async fn lines(app: &TestApp, meeting: MeetingId) -> Vec<MailLine> {
    let reader = lead_reader(app).await;
    app.db
        .read(move |c| mails::for_meeting(c, &reader, meeting))
        .await
        .unwrap()
}

async fn line(app: &TestApp, meeting: MeetingId, id: MailId) -> MailLine {
    lines(app, meeting)
        .await
        .into_iter()
        .find(|l| l.id == id)
        .expect("the e-mail is listed")
}

fn header<'a>(message: &'a Value, name: &str) -> &'a str {
    message["headers"][name].as_str().unwrap_or_default()
}

fn text(message: &Value) -> &str {
    message["text"].as_str().unwrap_or_default()
}

/// The message's calendar parts (inline and attachment), each parsed.
fn calendars(message: &Value) -> Vec<&Value> {
    message["calendars"].as_array().unwrap().iter().collect()
}

/// The one event of every calendar part of `message`, after checking that
/// the parts agree and carry `method`.
fn event<'a>(message: &'a Value, method: &str) -> &'a Value {
    let parts = calendars(message);
    assert_eq!(parts.len(), 2, "inline and attached: {message}");
    for part in &parts {
        assert_eq!(part["parsed"]["method"], method, "{part}");
        assert_eq!(part["method_param"], method, "the content type says it too");
        assert_eq!(part["parsed"]["events"].as_array().unwrap().len(), 1);
    }
    assert_eq!(parts[0]["parsed"], parts[1]["parsed"]);
    assert!(
        parts[0]["content_type"]
            .as_str()
            .unwrap()
            .starts_with("text/calendar")
    );
    assert_eq!(parts[1]["filename"], "invitasjon.ics");
    &parts[0]["parsed"]["events"][0]
}

/// The first calendar part's text with its folded lines joined.
fn unfolded(message: &Value) -> String {
    calendars(message)[0]["ics"]
        .as_str()
        .unwrap()
        .replace("\r\n ", "")
}

/// Nothing of the child or of what was written about the meeting.
fn assert_no_personal_data(message: &Value, raw: &str) {
    let whole = message.to_string();
    for word in [
        "Eldrid",
        "Quistgaard",
        "Fikstursen",
        "Skolevegring",
        "forteller",
    ] {
        assert!(!whole.contains(word), "{word} in {message}");
        assert!(!raw.contains(word), "{word} in the raw message");
    }
}

async fn invitation_update_and_cancellation(backend: &Backend) {
    let sink = SmtpSink::start();
    let app = app_with_mail(backend, Some(sink.port())).await;
    let w = worker(&app);
    let meeting = new_meeting(&app, None).await;
    let to = staff(&app, Who::Ansatt);

    let first = enqueue(&app, MailKind::Invitation, to, Some(meeting), 0).await;
    assert_eq!(line(&app, meeting, first).await.state, MailState::Queued);
    assert_eq!(run_all(&w).await, vec![Ran::Done]);
    let got = sink.wait_for(1).await;
    let m = &got[0];
    assert_eq!(header(m, "From"), "Laget <laget@test.example>");
    assert_eq!(header(m, "To"), "test.ansatt@test.example");
    assert_eq!(m["rcpt_tos"][0], "test.ansatt@test.example");
    assert_eq!(header(m, "Subject"), "Du har fått en innkalling i Laget");
    assert_eq!(header(m, "Message-ID"), format!("<{first}@{HOST}>"));
    assert!(!header(m, "Date").is_empty());
    let link = format!("{BASE}/logger/{}/moter/{meeting}", app.fx.log.log);
    assert!(text(m).contains(&link), "{}", text(m));
    assert!(
        text(m).contains("13.01.2031 kl. 09:00"),
        "Norwegian time: {}",
        text(m)
    );
    assert_no_personal_data(m, &sink.raw(0));
    let ev = event(m, "REQUEST");
    let uid = format!("{meeting}@{HOST}");
    assert_eq!(ev["uid"], uid.as_str());
    assert_eq!(ev["sequence"], 0);
    assert_eq!(ev["dtstart"], "2031-01-13T08:00:00+00:00");
    assert_eq!(ev["dtend"], "2031-01-13T09:30:00+00:00");
    assert_eq!(ev["summary"], "Møte i Laget");
    assert_eq!(ev["location"], PLACE);
    assert_eq!(ev["url"], link.as_str());
    assert_eq!(ev["status"], "CONFIRMED");
    assert_eq!(ev["organizer"], "mailto:laget@test.example");
    assert_eq!(ev["attendees"][0], "mailto:test.ansatt@test.example");
    let sent = line(&app, meeting, first).await;
    assert_eq!((sent.state, sent.reason), (MailState::Sent, None));
    assert!(sent.sent_at.is_some());
    assert_eq!(sent.recipient, "Tora Testansatt");
    assert_eq!(sent.kind, MailKind::Invitation);

    // The meeting moves: the same event, a higher SEQUENCE.
    let update = enqueue(&app, MailKind::Update, to, Some(meeting), 1).await;
    assert_eq!(run_all(&w).await, vec![Ran::Done]);
    let got = sink.wait_for(2).await;
    assert_eq!(
        header(&got[1], "Subject"),
        "Et møte du er innkalt til i Laget, er endret"
    );
    assert_eq!(header(&got[1], "Message-ID"), format!("<{update}@{HOST}>"));
    let ev = event(&got[1], "REQUEST");
    assert_eq!(ev["uid"], uid.as_str());
    assert_eq!(ev["sequence"], 1);

    // Cancelled: METHOD:CANCEL, STATUS:CANCELLED, still the same event.
    enqueue(&app, MailKind::Cancellation, to, Some(meeting), 2).await;
    assert_eq!(run_all(&w).await, vec![Ran::Done]);
    let got = sink.wait_for(3).await;
    assert_eq!(
        header(&got[2], "Subject"),
        "Et møte du er innkalt til i Laget, er avlyst"
    );
    let ev = event(&got[2], "CANCEL");
    assert_eq!(ev["uid"], uid.as_str());
    assert_eq!(ev["sequence"], 2);
    assert_eq!(ev["status"], "CANCELLED");
    assert_no_personal_data(&got[2], &sink.raw(2));

    // A repeat of a job already done sends nothing again.
    app.db
        .write(move |c| {
            outbox::enqueue(
                c,
                &SendMail {
                    mail: first,
                    log: None,
                },
            )
        })
        .await
        .unwrap();
    assert_eq!(run_all(&w).await, vec![Ran::Done]);
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(sink.messages().len(), 3, "{backend:?}");
    let listed = lines(&app, meeting).await;
    assert_eq!(listed.len(), 3);
    assert!(listed.iter().all(|l| l.state == MailState::Sent));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_invitation_its_change_and_its_cancellation_are_one_calendar_event() {
    for backend in laget_testkit::backends() {
        invitation_update_and_cancellation(&backend).await;
    }
}

async fn written_standards(backend: &Backend) {
    let sink = SmtpSink::start();
    let app = app_with_mail(backend, Some(sink.port())).await;
    // Testkommune writes nynorsk; Annenkommune, bokmål.
    let (m, mother) = (
        app.fx.municipality.to_string(),
        app.fx.log.mother.to_string(),
    );
    app.db
        .write(move |c| {
            diesel::update(municipalities::table.find(m))
                .set(municipalities::written_standard.eq(WrittenStandard::Nynorsk.code()))
                .execute(c)?;
            diesel::update(guardians::table.find(mother))
                .set(guardians::email.eq(Some("mor@familie.example")))
                .execute(c)?;
            Ok(())
        })
        .await
        .unwrap();
    let w = worker(&app);
    let meeting = new_meeting(&app, None).await;
    enqueue(
        &app,
        MailKind::Invitation,
        staff(&app, Who::Ansatt),
        Some(meeting),
        0,
    )
    .await;
    enqueue(
        &app,
        MailKind::Invitation,
        staff(&app, Who::OtherKommuneadministrator),
        Some(meeting),
        0,
    )
    .await;
    let guardian = enqueue(
        &app,
        MailKind::Invitation,
        Recipient::Guardian(app.fx.log.mother),
        Some(meeting),
        0,
    )
    .await;
    assert_eq!(run_all(&w).await.len(), 3);
    let got = sink.wait_for(3).await;
    let to = |address: &str| {
        got.iter()
            .position(|m| header(m, "To") == address)
            .unwrap_or_else(|| panic!("nothing to {address}"))
    };

    let nn = &got[to("test.ansatt@test.example")];
    assert_eq!(header(nn, "Subject"), "Du har fått ei innkalling i Laget");
    assert!(text(nn).contains("Du er kalla inn til eit møte 13.01.2031 kl. 09:00."));
    assert!(text(nn).contains("Les meir og svar i Laget:"));
    assert!(!text(nn).contains("innkalt"), "no bokmål: {}", text(nn));

    let nb = &got[to("test.annenadmin@test.example")];
    assert_eq!(header(nb, "Subject"), "Du har fått en innkalling i Laget");
    assert!(text(nb).contains("Les mer og svar i Laget:"));

    // A guardian has no account: no link, but told where time and place are;
    // in the child's municipality's written standard.
    let n = to("mor@familie.example");
    let g = &got[n];
    assert_eq!(header(g, "Subject"), "Du har fått ei innkalling i Laget");
    assert!(!text(g).contains("http"), "{}", text(g));
    assert!(text(g).contains("Tid og stad står i kalenderinvitasjonen."));
    let ev = event(g, "REQUEST");
    assert!(ev["url"].is_null());
    assert!(!ev["description"].as_str().unwrap().contains("http"));
    assert_eq!(ev["location"], PLACE);
    for (i, m) in got.iter().enumerate() {
        assert_no_personal_data(m, &sink.raw(i));
    }
    let listed = line(&app, meeting, guardian).await;
    assert_eq!(listed.recipient, "Mona Fikstursen");
    assert_eq!(listed.recipient_kind, mails::RecipientKind::Guardian);
    assert_eq!(listed.state, MailState::Sent);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_recipient_gets_their_written_standard_and_guardians_no_link() {
    for backend in laget_testkit::backends() {
        written_standards(&backend).await;
    }
}

async fn team_meeting_and_decision(backend: &Backend) {
    let sink = SmtpSink::start();
    let app = app_with_mail(backend, Some(sink.port())).await;
    let w = worker(&app);
    let team = new_team(&app).await;
    let meeting = new_meeting(&app, Some(team)).await;
    enqueue(
        &app,
        MailKind::Invitation,
        staff(&app, Who::Ansatt),
        Some(meeting),
        0,
    )
    .await;
    let decision = DecisionId::new();
    app.db
        .write(move |c| {
            diesel::insert_into(meeting_decisions::table)
                .values((
                    meeting_decisions::id.eq(decision.to_string()),
                    meeting_decisions::meeting_id.eq(meeting.to_string()),
                    meeting_decisions::position.eq(1),
                    meeting_decisions::text.eq(format!("Skolevegring: snakke med {CHILD}")),
                    meeting_decisions::deadline.eq("2031-02-01"),
                    meeting_decisions::created_at.eq(to_micros(Utc::now())),
                ))
                .execute(c)?;
            Ok(())
        })
        .await
        .unwrap();
    enqueue_decision(
        &app,
        MailKind::Decision,
        staff(&app, Who::Ansatt),
        Some(meeting),
        Some(decision),
        0,
    )
    .await;
    assert_eq!(run_all(&w).await, vec![Ran::Done, Ran::Done]);
    let got = sink.wait_for(2).await;
    let team_link = format!("{BASE}/team/{team}/moter/{meeting}");
    assert!(text(&got[0]).contains(&team_link), "{}", text(&got[0]));
    assert_eq!(event(&got[0], "REQUEST")["url"], team_link.as_str());
    assert_eq!(
        header(&got[1], "Subject"),
        "Du har fått en oppgave etter et møte i Laget"
    );
    assert!(text(&got[1]).contains(&format!("{BASE}/mine-oppgaver")));
    assert!(
        calendars(&got[1]).is_empty(),
        "a decision has no invitation"
    );
    assert_eq!(got[1]["content_type"], "text/plain");
    for (i, m) in got.iter().enumerate() {
        assert_no_personal_data(m, &sink.raw(i));
    }
    // The team's member reads the list; the log's reader does not.
    let user = app.fx.users[&Who::Ansatt];
    let actor = Actor::for_tests(
        user,
        false,
        vec![Membership {
            municipality_id: app.fx.municipality,
            unit_id: Some(app.fx.unit),
            role: Role::Ansatt,
        }],
    );
    let listed = app
        .db
        .read(move |c| {
            let facts = laget_db::meetings::teams::facts(c, team)?;
            let member = actor.team_member(&facts).unwrap();
            mails::for_meeting(c, &member, meeting)
        })
        .await
        .unwrap();
    assert_eq!(listed.len(), 2);
    assert!(listed.iter().all(|l| l.state == MailState::Sent));
    let reader = lead_reader(&app).await;
    let other = app
        .db
        .read(move |c| mails::for_meeting(c, &reader, meeting))
        .await;
    assert!(matches!(other, Err(DbError::NotFound)), "{other:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn team_meetings_and_decisions_link_to_their_own_pages() {
    for backend in laget_testkit::backends() {
        team_meeting_and_decision(&backend).await;
    }
}

async fn nothing_sent(backend: &Backend) {
    // No [mail]: every e-mail is listed as not sent, and the page says why.
    let app = app_with_mail(backend, None).await;
    let meeting = new_meeting(&app, None).await;
    let id = enqueue(
        &app,
        MailKind::Invitation,
        staff(&app, Who::Ansatt),
        Some(meeting),
        0,
    )
    .await;
    assert_eq!(run_all(&worker(&app)).await, vec![Ran::Done]);
    let l = line(&app, meeting, id).await;
    assert_eq!(
        (l.state, l.reason, l.sent_at),
        (MailState::NotSent, Some(MailReason::SmtpOff), None)
    );
    let m = laget_web::i18n::Messages::of(WrittenStandard::Bokmal);
    assert_eq!(
        laget_web::mail::status::off_notice(&app.state, m),
        Some("Laget er ikke satt opp for e-post; ingen e-post ble sendt.")
    );
    let status = laget_web::mail::status::MailStatus::new(&app.state, m, &[l]);
    assert!(status.off);
    assert_eq!(
        status.lines[0].reason,
        Some("Laget er ikke satt opp for e-post")
    );

    // With SMTP, a recipient without an address is listed as not sent.
    let sink = SmtpSink::start();
    let app = app_with_mail(backend, Some(sink.port())).await;
    assert!(laget_web::mail::status::off_notice(&app.state, m).is_none());
    let meeting = new_meeting(&app, None).await;
    let id = enqueue(
        &app,
        MailKind::Invitation,
        Recipient::Guardian(app.fx.log.father),
        Some(meeting),
        0,
    )
    .await;
    assert_eq!(run_all(&worker(&app)).await, vec![Ran::Done]);
    let l = line(&app, meeting, id).await;
    assert_eq!(
        (l.state, l.reason),
        (MailState::NotSent, Some(MailReason::NoAddress))
    );
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(sink.messages().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_smtp_or_an_address_nothing_is_sent_and_the_list_says_why() {
    for backend in laget_testkit::backends() {
        nothing_sent(&backend).await;
    }
}

/// Runs the one job until the worker gives it up; returns how many runs
/// were retried first.
async fn until_given_up(w: &Worker) -> usize {
    let mut retries = 0;
    let start = std::time::Instant::now();
    loop {
        match w.run_one().await.unwrap() {
            Some(Ran::Retry) => retries += 1,
            Some(Ran::GaveUp) => return retries,
            Some(other) => panic!("unexpected {other:?}"),
            None => tokio::time::sleep(Duration::from_millis(10)).await,
        }
        assert!(start.elapsed() < Duration::from_secs(60), "never given up");
    }
}

async fn server_down(backend: &Backend) {
    let app = app_with_mail(backend, Some(closed_port())).await;
    let w = worker(&app);
    let meeting = new_meeting(&app, None).await;
    let id = enqueue(
        &app,
        MailKind::Invitation,
        staff(&app, Who::Ansatt),
        Some(meeting),
        0,
    )
    .await;
    assert_eq!(w.run_one().await.unwrap(), Some(Ran::Retry));
    let waiting = line(&app, meeting, id).await;
    assert_eq!((waiting.state, waiting.reason), (MailState::Queued, None));
    let retries = until_given_up(&w).await;
    assert_eq!(
        retries + 2,
        outbox::DEFAULT_MAX_ATTEMPTS as usize,
        "every attempt was made"
    );
    let failed = line(&app, meeting, id).await;
    assert_eq!(
        (failed.state, failed.reason),
        (MailState::Failed, Some(MailReason::SmtpUnavailable))
    );
    let jobs = app
        .db
        .read(|c| outbox::list(c, outbox::State::Failed, 10))
        .await
        .unwrap();
    assert_eq!(jobs.len(), 1, "{backend:?}");
    let error = jobs[0].last_error.as_deref().unwrap_or_default();
    assert!(error.starts_with("smtp_unavailable: "), "{error}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_server_is_retried_and_the_mail_ends_failed() {
    for backend in laget_testkit::backends() {
        server_down(&backend).await;
    }
}

async fn refused(backend: &Backend) {
    let sink = SmtpSink::refusing();
    let app = app_with_mail(backend, Some(sink.port())).await;
    let meeting = new_meeting(&app, None).await;
    let id = enqueue(
        &app,
        MailKind::Invitation,
        staff(&app, Who::Ansatt),
        Some(meeting),
        0,
    )
    .await;
    assert_eq!(
        worker(&app).run_one().await.unwrap(),
        Some(Ran::GaveUp),
        "a 550 is not retried"
    );
    let l = line(&app, meeting, id).await;
    assert_eq!(
        (l.state, l.reason),
        (MailState::Failed, Some(MailReason::SmtpRefused))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_message_fails_at_once() {
    for backend in laget_testkit::backends() {
        refused(&backend).await;
    }
}

async fn starttls_required(backend: &Backend) {
    // The sink offers no STARTTLS: a server that cannot encrypt gets nothing.
    let sink = SmtpSink::start();
    let config = WebConfig {
        mail: Some(MailConfig {
            security: Security::StartTls,
            ..mail_config(sink.port())
        }),
        ..WebConfig::default()
    };
    let app = TestApp::with_config(backend.clone(), config).await;
    let meeting = new_meeting(&app, None).await;
    let id = enqueue(
        &app,
        MailKind::Invitation,
        staff(&app, Who::Ansatt),
        Some(meeting),
        0,
    )
    .await;
    assert_eq!(worker(&app).run_one().await.unwrap(), Some(Ran::Retry));
    assert_eq!(line(&app, meeting, id).await.state, MailState::Queued);
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(sink.messages().is_empty(), "sent without TLS");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn starttls_is_required_not_tried() {
    for backend in laget_testkit::backends() {
        starttls_required(&backend).await;
    }
}

/// A meeting called through the meeting form, as the lead calls it: the
/// invitation to a staff member and to a guardian go out, and the meeting's
/// page shows how each went (or that Laget sends no e-mail).
async fn called_through_the_pages(backend: &Backend, port: Option<u16>) -> (TestApp, String) {
    let app = app_with_mail(backend, port).await;
    let mother = app.fx.log.mother.to_string();
    app.db
        .write(move |c| {
            diesel::update(guardians::table.find(mother))
                .set(guardians::email.eq(Some("mor@familie.example")))
                .execute(c)?;
            Ok(())
        })
        .await
        .unwrap();
    let day = (Utc::now().with_timezone(&chrono_tz::Europe::Oslo) + Days::days(7))
        .format("%d.%m.%Y")
        .to_string();
    let ppt = format!("{}:{}", app.fx.users[&Who::PptOnTeam], app.fx.log.ppt_unit);
    let mother = app.fx.log.mother.to_string();
    let mut lead = app.client(Who::Ansatt).await;
    let r = lead
        .post(
            &format!("/logger/{}/moter/ny", app.fx.log.log),
            &[
                ("type", "samarbeid"),
                ("formal", PURPOSE),
                ("agenda", "1. Barnets stemme"),
                ("dato", &day),
                ("fra", "09:00"),
                ("til", "10:00"),
                ("sted", PLACE),
                // The place is checked for a person's name (#2); this one
                // is a room.
                ("sted_sjekket", "ja"),
                ("video", VIDEO),
                ("ansatte", &ppt),
                ("foresatte", &mother),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let page = r.location().split('?').next().unwrap().to_owned();
    assert!(page.contains("/moter/"), "{page}");
    (app, page)
}

/// The page's «E-post om møtet» section.
fn mail_section(body: &str) -> &str {
    let start = body
        .find("id=\"epost-om-motet\"")
        .unwrap_or_else(|| panic!("no e-mail section: {body}"));
    let rest = &body[start..];
    &rest[..rest.find("</section>").unwrap()]
}

async fn through_the_pages(backend: &Backend) {
    let sink = SmtpSink::start();
    let (app, page) = called_through_the_pages(backend, Some(sink.port())).await;
    let mut lead = app.client(Who::Ansatt).await;
    let before = lead.get(&page).await;
    assert_eq!(before.status, 200);
    let listed = mail_section(&before.body);
    assert!(listed.contains("E-post om møtet"), "{listed}");
    assert!(listed.contains("Venter"), "{listed}");
    assert!(listed.contains("Petra Testppt"), "{listed}");
    assert!(!before.body.contains("ikke satt opp for e-post"));

    assert_eq!(run_all(&worker(&app)).await, vec![Ran::Done, Ran::Done]);
    let got = sink.wait_for(2).await;
    let ppt = got
        .iter()
        .find(|m| header(m, "To") == "test.ppt@test.example")
        .unwrap();
    assert!(
        text(ppt).contains(&format!("{BASE}{page}")),
        "{}",
        text(ppt)
    );
    let guardian = got
        .iter()
        .find(|m| header(m, "To") == "mor@familie.example")
        .unwrap();
    assert!(!text(guardian).contains("http"));
    // The guardian is told who called the meeting and where they work
    // (#19), and the calendar's organizer is that person at Laget's address.
    assert!(
        text(guardian).contains("Møtet er kalt inn av Tora Testansatt, Testlia barnehage."),
        "{}",
        text(guardian)
    );
    for (i, m) in got.iter().enumerate() {
        assert_eq!(header(m, "Subject"), "Du har fått en innkalling i Laget");
        assert_eq!(header(m, "From"), "Laget <laget@test.example>");
        let ev = event(m, "REQUEST");
        // The place is the LOCATION; the video link is in the description
        // and the CONFERENCE property (#11).
        assert_eq!(ev["location"], PLACE);
        let description = ev["description"].as_str().unwrap();
        assert!(
            description.contains(&format!("Videolenke: {VIDEO}")),
            "{description}"
        );
        let ics = unfolded(m);
        assert!(
            ics.contains("ORGANIZER;CN=Tora Testansatt:mailto:laget@test.example\r\n"),
            "{ics}"
        );
        assert!(ics.contains(&format!(":{VIDEO}\r\n")), "{ics}");
        assert!(ics.contains("CONFERENCE;"), "{ics}");
        assert_no_personal_data(m, &sink.raw(i));
    }
    let ev = event(guardian, "REQUEST");
    assert!(
        ev["description"]
            .as_str()
            .unwrap()
            .contains("Møtet er kalt inn av Tora Testansatt, Testlia barnehage."),
        "{ev}"
    );
    let after = lead.get(&page).await;
    let listed = mail_section(&after.body);
    assert!(listed.contains("Sendt"), "{listed}");
    assert!(listed.contains("Mona Fikstursen (foresatt)"), "{listed}");
    assert!(!listed.contains("Venter"), "{listed}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_meeting_called_in_the_page_is_mailed_and_the_page_says_how_it_went() {
    for backend in laget_testkit::backends() {
        through_the_pages(&backend).await;
    }
}

async fn page_without_smtp(backend: &Backend) {
    let (app, page) = called_through_the_pages(backend, None).await;
    assert_eq!(run_all(&worker(&app)).await, vec![Ran::Done, Ran::Done]);
    let shown = app.client(Who::Ansatt).await.get(&page).await;
    let listed = mail_section(&shown.body);
    assert!(
        listed.contains("Laget er ikke satt opp for e-post; ingen e-post ble sendt."),
        "{listed}"
    );
    assert!(listed.contains("Ikke sendt"), "{listed}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_smtp_the_meeting_page_says_nothing_was_mailed() {
    for backend in laget_testkit::backends() {
        page_without_smtp(&backend).await;
    }
}

async fn video_link(backend: &Backend) {
    let sink = SmtpSink::start();
    let app = app_with_mail(backend, Some(sink.port())).await;
    let w = worker(&app);
    let meeting = new_meeting(&app, None).await;
    let set = |place: Option<&'static str>| {
        let id = meeting.to_string();
        app.db.write(move |c| {
            diesel::update(meetings::table.find(id))
                .set((
                    meetings::place.eq(place),
                    meetings::video_link.eq(Some(VIDEO)),
                ))
                .execute(c)?;
            Ok(())
        })
    };
    let to = staff(&app, Who::Ansatt);

    // Place and video link: the place is the LOCATION, the link is in the
    // description and the CONFERENCE property.
    set(Some(PLACE)).await.unwrap();
    enqueue(&app, MailKind::Invitation, to, Some(meeting), 0).await;
    assert_eq!(run_all(&w).await, vec![Ran::Done]);
    let got = sink.wait_for(1).await;
    let ev = event(&got[0], "REQUEST");
    assert_eq!(ev["location"], PLACE);
    let description = ev["description"].as_str().unwrap();
    assert!(
        description.contains(&format!("Videolenke: {VIDEO}")),
        "{description}"
    );
    assert!(
        description.contains(BASE),
        "still the link to Laget: {description}"
    );
    let ics = unfolded(&got[0]);
    assert!(
        ics.contains(&format!("CONFERENCE;FEATURE=VIDEO;VALUE=URI:{VIDEO}\r\n")),
        "{ics}"
    );
    // No one called it through the pages: the organizer is Laget itself.
    assert!(
        ics.contains("ORGANIZER;CN=Laget:mailto:laget@test.example\r\n"),
        "{ics}"
    );

    // Only a video link: it is the LOCATION.
    set(None).await.unwrap();
    enqueue(&app, MailKind::Update, to, Some(meeting), 1).await;
    assert_eq!(run_all(&w).await, vec![Ran::Done]);
    let got = sink.wait_for(2).await;
    let ev = event(&got[1], "REQUEST");
    assert_eq!(ev["location"], VIDEO);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_calendar_invitation_carries_the_video_link_beside_the_place() {
    for backend in laget_testkit::backends() {
        video_link(&backend).await;
    }
}

async fn only_invitations_ask_for_an_answer(backend: &Backend) {
    let sink = SmtpSink::start();
    let app = app_with_mail(backend, Some(sink.port())).await;
    let w = worker(&app);
    let meeting = new_meeting(&app, None).await;
    let to = staff(&app, Who::Ansatt);
    let kinds = [
        MailKind::Invitation,
        MailKind::Update,
        MailKind::Cancellation,
        MailKind::Minutes,
        MailKind::Decision,
    ];
    for (n, kind) in kinds.into_iter().enumerate() {
        enqueue(&app, kind, to, Some(meeting), i32::try_from(n).unwrap()).await;
        assert_eq!(run_all(&w).await, vec![Ran::Done], "{kind:?}");
        let got = sink.wait_for(n + 1).await;
        let body = text(&got[n]);
        let asks = body.contains("Les mer og svar i Laget:");
        assert_eq!(asks, kind == MailKind::Invitation, "{kind:?}: {body}");
        let reads = match kind {
            MailKind::Invitation => "Les mer og svar i Laget:",
            MailKind::Decision => "Du finner oppgaven under «Mine oppgaver» i Laget:",
            _ => "Les mer i Laget:",
        };
        assert!(body.contains(reads), "{kind:?}: {body}");
        assert!(!body.contains("svar i Laget") || asks, "{kind:?}: {body}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_the_invitation_asks_for_an_answer() {
    for backend in laget_testkit::backends() {
        only_invitations_ask_for_an_answer(&backend).await;
    }
}
