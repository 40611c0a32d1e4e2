//! Minutes of case meetings through the router, on both engines: the draft
//! and its approval (only by the one who holds the log), decisions that
//! become tasks for their responsible person and leave «Mine oppgaver» when
//! done, a responsible person whose consent ended, a decision that becomes a
//! measure, the family's rating (1–5, the child by age), the e-mail queued
//! on approval, a closed log, and the printed minutes in the access log.
//!
//! The meetings are inserted as stored rows (independent of the functions
//! under test): a cooperation meeting in the fixture log that ended an hour
//! ago, called by the lead, with the lead, PPT's staff member, the mother
//! and the child invited.

use crate::on_every_backend;
use diesel::prelude::*;
use laget_db::schema::{
    access_log, children, consents, log_entries, logs, measures, meeting_decisions,
    meeting_participants, meeting_ratings, meeting_templates, meetings, outgoing_mail,
};
use laget_domain::ids::{MeetingId, ParticipantId};
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

/// A meeting in the fixture log and who is invited to it.
struct Meeting {
    id: MeetingId,
    lead: ParticipantId,
    ppt: ParticipantId,
    mother: ParticipantId,
    child: ParticipantId,
}

impl Meeting {
    /// `/logger/<log>/moter/<meeting>`.
    fn base(&self, app: &TestApp) -> String {
        format!("/logger/{}/moter/{}", app.fx.log.log, self.id)
    }
}

/// A cooperation meeting that began `hours_ago` hours ago and lasted an hour.
fn meeting(app: &TestApp, hours_ago: i64) -> Meeting {
    let m = Meeting {
        id: MeetingId::new(),
        lead: ParticipantId::new(),
        ppt: ParticipantId::new(),
        mother: ParticipantId::new(),
        child: ParticipantId::new(),
    };
    let now = chrono::Utc::now();
    let start = now - chrono::Duration::hours(hours_ago);
    let micros = |t: chrono::DateTime<chrono::Utc>| t.timestamp_micros();
    let fx = &app.fx;
    app.with_conn(|c| {
        diesel::insert_into(meetings::table)
            .values((
                meetings::id.eq(m.id.to_string()),
                meetings::municipality_id.eq(fx.municipality.to_string()),
                meetings::log_id.eq(Some(fx.log.log.to_string())),
                meetings::kind.eq("samarbeid"),
                meetings::status.eq("planlagt"),
                meetings::purpose.eq("Bli enige om tiltak."),
                meetings::agenda.eq("1. Barnets stemme\n2. Tiltak"),
                meetings::starts_at.eq(micros(start)),
                meetings::ends_at.eq(micros(start + chrono::Duration::hours(1))),
                meetings::place.eq(Some("Møterom 1")),
                meetings::invite_guardians.eq(true),
                meetings::invite_child.eq(true),
                meetings::called_by.eq(Some(fx.users[&Who::Ansatt].to_string())),
                meetings::created_at.eq(micros(now)),
                meetings::updated_at.eq(micros(now)),
            ))
            .execute(c)
            .unwrap();
        let person = |id: ParticipantId,
                      kind: &'static str,
                      user: Option<String>,
                      guardian: Option<String>,
                      name: &'static str| {
            (
                meeting_participants::id.eq(id.to_string()),
                meeting_participants::meeting_id.eq(m.id.to_string()),
                meeting_participants::kind.eq(kind),
                meeting_participants::user_id.eq(user),
                meeting_participants::guardian_id.eq(guardian),
                meeting_participants::name.eq(name),
                meeting_participants::added_at.eq(micros(now)),
            )
        };
        for row in [
            person(
                m.lead,
                "ansatt",
                Some(fx.users[&Who::Ansatt].to_string()),
                None,
                "Tora Testansatt",
            ),
            person(
                m.ppt,
                "ansatt",
                Some(fx.users[&Who::PptOnTeam].to_string()),
                None,
                "Petra Testppt",
            ),
            person(
                m.mother,
                "foresatt",
                None,
                Some(fx.log.mother.to_string()),
                "Mona Fikstursen",
            ),
            person(m.child, "barn", None, None, "Testbarn Fikstursen"),
        ] {
            diesel::insert_into(meeting_participants::table)
                .values(row)
                .execute(c)
                .unwrap();
        }
    });
    m
}

/// A whole draft: everyone's attendance, the text, and decisions for PPT
/// and for the lead.
fn draft<'a>(m: &Meeting, ppt: &'a str, lead: &'a str, deadline: &'a str) -> Vec<(String, String)> {
    let mut f: Vec<(String, String)> = vec![
        (format!("tilstede_{}", m.lead), "ja".into()),
        (format!("tilstede_{}", m.ppt), "ja".into()),
        (format!("tilstede_{}", m.mother), "ja".into()),
        (format!("tilstede_{}", m.child), "nei".into()),
    ];
    for (k, v) in [
        ("stemme", "Vil gjerne være med på språkgruppa."),
        ("droftet", "Språk og lek i barnehagen."),
        ("neste", "Om seks uker, samme sted."),
        ("neste_dato", ""),
        ("vedtak_antall", "3"),
        ("vedtak_1_tekst", "Søke plass i språkgruppe"),
        ("vedtak_1_ansvarlig", ppt),
        ("vedtak_1_frist", deadline),
        ("vedtak_2_tekst", "Snakke med foreldrene om leggetider"),
        ("vedtak_2_ansvarlig", lead),
        ("vedtak_2_frist", deadline),
    ] {
        f.push((k.into(), v.into()));
    }
    f
}

fn pairs(f: &[(String, String)]) -> Vec<(&str, &str)> {
    f.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
}

fn minutes_status(app: &TestApp, m: &Meeting) -> (String, String) {
    app.with_conn(|c| {
        meetings::table
            .find(m.id.to_string())
            .select((meetings::minutes_status, meetings::status))
            .first(c)
            .unwrap()
    })
}

fn decision_ids(app: &TestApp, m: &Meeting) -> Vec<(String, String)> {
    app.with_conn(|c| {
        meeting_decisions::table
            .filter(meeting_decisions::meeting_id.eq(m.id.to_string()))
            .order(meeting_decisions::position)
            .select((meeting_decisions::id, meeting_decisions::text))
            .load(c)
            .unwrap()
    })
}

fn entries(app: &TestApp, kind: &str) -> usize {
    app.with_conn(|c| {
        log_entries::table
            .filter(log_entries::log_id.eq(app.fx.log.log.to_string()))
            .filter(log_entries::kind.eq(kind))
            .count()
            .get_result::<i64>(c)
            .unwrap()
    }) as usize
}

/// Saves a whole draft as PPT and approves it as the lead.
async fn approved(app: &TestApp, m: &Meeting) {
    let ppt = app.fx.users[&Who::PptOnTeam].to_string();
    let lead = app.fx.users[&Who::Ansatt].to_string();
    let deadline = d(14);
    let form = draft(m, &ppt, &lead, &deadline);
    let r = app
        .client(Who::PptOnTeam)
        .await
        .post(&format!("{}/referat", m.base(app)), &pairs(&form))
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let r = app
        .client(Who::Ansatt)
        .await
        .post(&format!("{}/referat/godkjenn", m.base(app)), &[])
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(minutes_status(app, m).0, "godkjent");
}

/// A referent on the team writes the draft from the template's guide; its
/// problems come back beside the fields with what was typed; only the lead
/// approves, and only a whole draft of a meeting that has begun; approved
/// minutes are locked; the timeline tells the draft once and the approval.
async fn draft_and_approval(app: TestApp) {
    let m = meeting(&app, 2);
    let base = m.base(&app);
    let ppt = app.fx.users[&Who::PptOnTeam].to_string();
    let lead = app.fx.users[&Who::Ansatt].to_string();
    app.with_conn(|c| {
        diesel::insert_into(meeting_templates::table)
            .values((
                meeting_templates::municipality_id.eq(app.fx.municipality.to_string()),
                meeting_templates::kind.eq("samarbeid"),
                meeting_templates::purpose.eq("Samarbeid."),
                meeting_templates::agenda.eq("1. Runde"),
                meeting_templates::minutes_guide.eq("Skriv hvem som gjør hva innen når."),
                meeting_templates::updated_at.eq(0_i64),
            ))
            .execute(c)
            .unwrap()
    });
    let mut writer = app.client(Who::PptOnTeam).await;
    let page = writer.get(&format!("{base}/referat")).await;
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("Skriv hvem som gjør hva innen når."),
        "the guide is help"
    );
    assert!(page.body.contains("Mona Fikstursen (foresatt)"));
    // Three empty decision rows, and no approval for a referent.
    assert!(page.body.contains("name=\"vedtak_3_tekst\""));
    assert!(!page.body.contains("name=\"vedtak_4_tekst\""));
    assert!(page.body.contains("Stafettholderen godkjenner referatet."));
    assert!(!page.body.contains("/referat/godkjenn"));

    // A deadline in the past and a responsible person off the team.
    let health = app.fx.users[&Who::HealthNotOnTeam].to_string();
    let mut form = draft(&m, &ppt, &health, &d(-1));
    form.retain(|(k, _)| k != "vedtak_1_frist");
    form.push(("vedtak_1_frist".into(), d(-1)));
    let r = writer.post(&format!("{base}/referat"), &pairs(&form)).await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("id=\"vedtak_1_frist-error\""), "{}", r.body);
    assert!(r.body.contains("Datoen må være i dag eller senere."));
    assert!(r.body.contains("id=\"vedtak_2_ansvarlig-error\""));
    assert!(r.body.contains("Velg et av alternativene i listen."));
    assert!(
        r.body.contains("Språk og lek i barnehagen."),
        "typed text is kept"
    );
    assert_eq!(minutes_status(&app, &m).0, "ingen", "nothing saved");

    // A half-filled row: what is missing is named.
    let r = writer
        .post(
            &format!("{base}/referat"),
            &[("vedtak_antall", "3"), ("vedtak_3_tekst", "Noe")],
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("id=\"vedtak_3_ansvarlig-error\""));
    assert!(r.body.contains("id=\"vedtak_3_frist-error\""));

    // A partial draft saves: the first is an event, later saves are not.
    let r = writer
        .post(
            &format!("{base}/referat"),
            &[("droftet", "Språk."), ("vedtak_antall", "3")],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(minutes_status(&app, &m).0, "utkast");
    // The lead cannot approve it yet: the voice and attendance are missing.
    let mut holder = app.client(Who::Ansatt).await;
    assert!(
        holder
            .get(&format!("{base}/referat"))
            .await
            .body
            .contains("/referat/godkjenn")
    );
    let r = holder.post(&format!("{base}/referat/godkjenn"), &[]).await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("id=\"stemme-error\""), "{}", r.body);
    assert!(r.body.contains("id=\"tilstede-error\""));
    assert_eq!(minutes_status(&app, &m).0, "utkast");

    let deadline = d(14);
    let form = draft(&m, &ppt, &lead, &deadline);
    let r = writer.post(&format!("{base}/referat"), &pairs(&form)).await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(entries(&app, "referat_utkast"), 1);
    let decisions = decision_ids(&app, &m);
    assert_eq!(decisions.len(), 2);
    // Saved again: the written decisions keep their ids, an emptied row goes.
    let mut again = form.clone();
    again.push(("vedtak_1_id".into(), decisions[0].0.clone()));
    again.push(("vedtak_2_id".into(), decisions[1].0.clone()));
    again.retain(|(k, _)| !k.starts_with("vedtak_2_") || k == "vedtak_2_id");
    let r = writer
        .post(&format!("{base}/referat"), &pairs(&again))
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(decision_ids(&app, &m), vec![decisions[0].clone()]);
    assert_eq!(entries(&app, "referat_utkast"), 1);
    let r = writer.post(&format!("{base}/referat"), &pairs(&form)).await;
    assert_eq!(r.status, 303);
    assert_eq!(decision_ids(&app, &m).len(), 2);

    // Only the holder approves: PPT, the school and a colleague are refused.
    for who in [Who::PptOnTeam, Who::SchoolWithoutConsent] {
        let r = app
            .client(who)
            .await
            .post(&format!("{base}/referat/godkjenn"), &[])
            .await;
        assert_eq!(r.status, 404, "{who:?}");
    }
    let mut colleague = app.client_for(app.fx.target_user).await;
    let r = colleague
        .post(&format!("{base}/referat/godkjenn"), &[])
        .await;
    assert_eq!(r.status, 404);
    assert_eq!(minutes_status(&app, &m).0, "utkast");

    let r = holder.post(&format!("{base}/referat/godkjenn"), &[]).await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(
        minutes_status(&app, &m),
        ("godkjent".to_owned(), "holdt".to_owned())
    );
    let page = holder.get(r.location()).await;
    assert!(
        page.body.contains("Referatet er godkjent."),
        "{}",
        page.body
    );
    assert!(
        !page.body.contains("name=\"vedtak_1_tekst\""),
        "locked: no form"
    );
    assert!(page.body.contains("Søke plass i språkgruppe"));
    assert!(page.body.contains("Vil gjerne være med på språkgruppa."));
    assert!(
        page.body
            .contains("Testbarn Fikstursen (barnet): Ikke til stede")
    );

    // Locked: a save changes nothing and says so; approving again is a no-op.
    let changed: Vec<(String, String)> = form
        .iter()
        .map(|(k, v)| match k.as_str() {
            "droftet" => (k.clone(), "Endret etterpå.".to_owned()),
            _ => (k.clone(), v.clone()),
        })
        .collect();
    let r = writer
        .post(&format!("{base}/referat"), &pairs(&changed))
        .await;
    assert_eq!(r.status, 303);
    assert!(r.location().ends_with("melding=referat-last"));
    let discussed: Option<String> = app.with_conn(|c| {
        meetings::table
            .find(m.id.to_string())
            .select(meetings::minutes_discussed)
            .first(c)
            .unwrap()
    });
    assert_eq!(discussed.as_deref(), Some("Språk og lek i barnehagen."));
    let r = holder.post(&format!("{base}/referat/godkjenn"), &[]).await;
    assert_eq!(r.status, 303);
    assert_eq!(entries(&app, "referat_godkjent"), 1);
    let log = holder.get(&format!("/logger/{}", app.fx.log.log)).await;
    assert!(log.body.contains("godkjent (2 vedtak)"), "{}", log.body);
}
on_every_backend!(
    minutes_are_drafted_and_approved_by_the_lead,
    draft_and_approval
);

/// Minutes of a meeting that has not begun are not approved; a cancelled
/// meeting's minutes are not written.
async fn not_before_the_meeting(app: TestApp) {
    let m = meeting(&app, -24);
    let base = m.base(&app);
    let ppt = app.fx.users[&Who::PptOnTeam].to_string();
    let lead = app.fx.users[&Who::Ansatt].to_string();
    let deadline = d(14);
    let form = draft(&m, &ppt, &lead, &deadline);
    let mut holder = app.client(Who::Ansatt).await;
    assert_eq!(
        holder
            .post(&format!("{base}/referat"), &pairs(&form))
            .await
            .status,
        303
    );
    let r = holder.post(&format!("{base}/referat/godkjenn"), &[]).await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("Møtet har ikke begynt ennå."), "{}", r.body);
    assert_eq!(minutes_status(&app, &m).0, "utkast");
    app.with_conn(|c| {
        diesel::update(meetings::table.find(m.id.to_string()))
            .set(meetings::status.eq("avlyst"))
            .execute(c)
            .unwrap()
    });
    let r = holder.post(&format!("{base}/referat"), &pairs(&form)).await;
    assert!(r.location().ends_with("melding=avlyst"), "{}", r.location());
    let page = holder.get(&format!("{base}/referat")).await;
    assert!(page.body.contains("Møtet er avlyst og har ikke referat."));
}
on_every_backend!(minutes_wait_for_the_meeting, not_before_the_meeting);

/// Approval queues the minutes for the invited staff and guardians (not the
/// approver) and each decision for its responsible person (not the
/// approver); the rows name no child.
async fn approval_queues_mail(app: TestApp) {
    let m = meeting(&app, 2);
    approved(&app, &m).await;
    /// Kind, the staff member or guardian it goes to, the decision.
    type Mail = (String, Option<String>, Option<String>, Option<String>);
    let mut mail: Vec<Mail> = app.with_conn(|c| {
        outgoing_mail::table
            .filter(outgoing_mail::meeting_id.eq(m.id.to_string()))
            .select((
                outgoing_mail::kind,
                outgoing_mail::recipient_user_id,
                outgoing_mail::recipient_guardian_id,
                outgoing_mail::decision_id,
            ))
            .load(c)
            .unwrap()
    });
    mail.sort();
    let ppt = app.fx.users[&Who::PptOnTeam].to_string();
    let ppt_decision = decision_ids(&app, &m)[0].0.clone();
    assert_eq!(
        mail,
        vec![
            (
                "referat".into(),
                None,
                Some(app.fx.log.mother.to_string()),
                None
            ),
            ("referat".into(), Some(ppt.clone()), None, None),
            ("vedtak".into(), Some(ppt), None, Some(ppt_decision)),
        ]
    );
    let jobs: i64 = app.with_conn(|c| {
        outgoing_mail::table
            .filter(outgoing_mail::meeting_id.eq(m.id.to_string()))
            .filter(outgoing_mail::job_id.is_not_null())
            .count()
            .get_result(c)
            .unwrap()
    });
    assert_eq!(jobs, 3, "each is an outbox job");
}
on_every_backend!(
    approval_queues_the_minutes_and_decisions_by_mail,
    approval_queues_mail
);

fn task_lines(body: &str) -> String {
    body.split("<tbody>")
        .nth(1)
        .and_then(|b| b.split("</tbody>").next())
        .unwrap_or("")
        .to_owned()
}

/// The lead has the minutes as a task once the meeting has ended; a
/// decision is a task for its responsible person from approval until done;
/// only they or the lead mark it done, with a note.
async fn decision_tasks(app: TestApp) {
    let m = meeting(&app, 2);
    let mut lead = app.client(Who::Ansatt).await;
    let tasks = lead.get("/mine-oppgaver").await;
    assert!(
        tasks.body.contains(&format!("{}/referat\"", m.base(&app))),
        "the lead's task to write the minutes: {}",
        tasks.body
    );
    let mut ppt = app.client(Who::PptOnTeam).await;
    assert!(
        !ppt.get("/mine-oppgaver")
            .await
            .body
            .contains("Søke plass i språkgruppe")
    );
    approved(&app, &m).await;
    assert!(
        !lead
            .get("/mine-oppgaver")
            .await
            .body
            .contains(&format!("{}/referat\"", m.base(&app))),
        "approved: no longer the lead's task"
    );
    let tasks = task_lines(&ppt.get("/mine-oppgaver").await.body);
    assert!(tasks.contains("Søke plass i språkgruppe"), "{tasks}");
    assert!(tasks.contains("Testbarn Fikstursen"));
    assert!(tasks.contains(&format!("{}/referat#vedtak", m.base(&app))));

    let decision = decision_ids(&app, &m)[0].0.clone();
    let done = format!("{}/vedtak/{decision}/utfort", m.base(&app));
    // The meeting's page shows the approved minutes with the «done» form
    // for the responsible person (the partial minutes_summary.html).
    let meeting_page = ppt.get(&m.base(&app)).await;
    assert_eq!(meeting_page.status, 200);
    assert!(meeting_page.body.contains("Søke plass i språkgruppe"));
    assert!(
        meeting_page.body.contains(&format!("action=\"{done}\"")),
        "{}",
        meeting_page.body
    );
    assert!(
        meeting_page
            .body
            .contains(&format!("{}/referat/utskrift", m.base(&app)))
    );
    // Neither a colleague of the lead nor the school may mark it done.
    let mut colleague = app.client_for(app.fx.target_user).await;
    assert_eq!(
        colleague.post(&done, &[("notat", "Gjort.")]).await.status,
        404
    );
    let mut school = app.client(Who::SchoolWithoutConsent).await;
    assert_eq!(school.post(&done, &[("notat", "Gjort.")]).await.status, 404);
    // A note is needed.
    let r = ppt.post(&done, &[("notat", " ")]).await;
    assert_eq!(r.status, 422);
    assert!(
        r.body.contains(&format!("id=\"notat_{decision}-error\"")),
        "{}",
        r.body
    );
    assert!(r.body.contains("Dette feltet må fylles ut."));
    let r = ppt
        .post(&done, &[("notat", "Søknad sendt 3. desember.")])
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let tasks = task_lines(&ppt.get("/mine-oppgaver").await.body);
    assert!(!tasks.contains("Søke plass i språkgruppe"), "{tasks}");
    assert_eq!(entries(&app, "vedtak_utfort"), 1);
    let page = ppt.get(&format!("{}/referat", m.base(&app))).await;
    assert!(page.body.contains("Søknad sendt 3. desember."));
    // The lead's own decision: the lead marks it done.
    let second = decision_ids(&app, &m)[1].0.clone();
    let r = lead
        .post(
            &format!("{}/vedtak/{second}/utfort", m.base(&app)),
            &[("notat", "Snakket med mor.")],
        )
        .await;
    assert_eq!(r.status, 303);
    let log = lead.get(&format!("/logger/{}", app.fx.log.log)).await;
    assert!(
        log.body
            .contains("Vedtak utført: Snakke med foreldrene om leggetider")
    );
}
on_every_backend!(a_decision_is_a_task_until_done, decision_tasks);

/// A responsible person whose unit's consent is withdrawn sees neither the
/// task nor the child's name, and cannot open the minutes.
async fn ended_consent(app: TestApp) {
    let m = meeting(&app, 2);
    approved(&app, &m).await;
    let mut ppt = app.client(Who::PptOnTeam).await;
    assert!(task_lines(&ppt.get("/mine-oppgaver").await.body).contains("Testbarn Fikstursen"));
    app.with_conn(|c| {
        diesel::update(consents::table.find(app.fx.log.ppt_consent.to_string()))
            .set(consents::withdrawn_at.eq(Some(chrono::Utc::now().timestamp_micros())))
            .execute(c)
            .unwrap()
    });
    let body = ppt.get("/mine-oppgaver").await.body;
    assert!(!body.contains("Testbarn Fikstursen"), "{body}");
    assert!(!body.contains("Søke plass i språkgruppe"));
    assert_eq!(
        ppt.get(&format!("{}/referat", m.base(&app))).await.status,
        404
    );
    let decision = decision_ids(&app, &m)[0].0.clone();
    let r = ppt
        .post(
            &format!("{}/vedtak/{decision}/utfort", m.base(&app)),
            &[("notat", "Gjort.")],
        )
        .await;
    assert_eq!(r.status, 404);
}
on_every_backend!(
    a_responsible_person_without_consent_sees_no_task,
    ended_consent
);

/// A decision of approved minutes opens the measure form filled from it;
/// the measure made is linked to the decision, which shows it.
async fn decision_to_measure(app: TestApp) {
    let m = meeting(&app, 2);
    let mut lead = app.client(Who::Ansatt).await;
    // Not before approval: a draft's decision is no decision yet.
    let ppt = app.fx.users[&Who::PptOnTeam].to_string();
    let me = app.fx.users[&Who::Ansatt].to_string();
    let deadline = d(14);
    let form = draft(&m, &ppt, &me, &deadline);
    assert_eq!(
        lead.post(&format!("{}/referat", m.base(&app)), &pairs(&form))
            .await
            .status,
        303
    );
    let decision = decision_ids(&app, &m)[0].0.clone();
    let from = format!("/logger/{}/tiltak?vedtak={decision}", app.fx.log.log);
    assert_eq!(lead.get(&from).await.status, 404);
    assert_eq!(
        lead.post(&format!("{}/referat/godkjenn", m.base(&app)), &[])
            .await
            .status,
        303
    );
    let page = lead.get(&format!("{}/referat", m.base(&app))).await;
    assert!(page.body.contains(&from), "the way to a measure");
    let r = lead.get(&from).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("Tiltaket lages fra et vedtak i et møte:"));
    assert!(
        r.body.contains(">Søke plass i språkgruppe</textarea>"),
        "{}",
        r.body
    );
    assert!(
        r.body
            .contains(&format!("value=\"{}\" selected", app.fx.log.ppt_member)),
        "PPT is responsible"
    );
    assert!(
        r.body.contains(&format!("value=\"{deadline}\"")),
        "evaluated by the deadline"
    );
    let r = lead
        .post(
            &format!("/logger/{}/tiltak", app.fx.log.log),
            &[
                ("vedtak", decision.as_str()),
                ("navn", "Språkgruppe ved PPT"),
                ("mal", "Søke plass i språkgruppe"),
                ("ansvarlig", &app.fx.log.ppt_member.to_string()),
                ("start", &d(0)),
                ("evaluering", &deadline),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let measure: Option<String> = app.with_conn(|c| {
        meeting_decisions::table
            .find(&decision)
            .select(meeting_decisions::measure_id)
            .first(c)
            .unwrap()
    });
    let measure = measure.expect("the decision names its measure");
    assert!(r.location().contains(&measure));
    let page = lead.get(&format!("{}/referat", m.base(&app))).await;
    assert!(
        page.body
            .contains(&format!("/tiltak/{measure}\">Språkgruppe ved PPT</a>"))
    );
    assert!(!page.body.contains(&from), "no second measure offered");
    // Once only: the form opened again goes to the measure with a notice,
    // and a second submit (the back button, a double click) makes none.
    let measures = || -> i64 {
        app.with_conn(|c| {
            measures::table
                .filter(measures::log_id.eq(app.fx.log.log.to_string()))
                .count()
                .get_result(c)
                .unwrap()
        })
    };
    let before = measures();
    let again = format!(
        "/logger/{}/tiltak/{measure}?melding=vedtak-har-tiltak",
        app.fx.log.log
    );
    let r = lead.get(&from).await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(r.location(), again);
    let r = lead.get(&again).await;
    assert!(
        r.body.contains("Vedtaket er allerede gjort til et tiltak."),
        "{}",
        r.body
    );
    let r = lead
        .post(
            &format!("/logger/{}/tiltak", app.fx.log.log),
            &[
                ("vedtak", decision.as_str()),
                ("navn", "Språkgruppe ved PPT"),
                ("mal", "Søke plass i språkgruppe"),
                ("ansvarlig", &app.fx.log.ppt_member.to_string()),
                ("start", &d(0)),
                ("evaluering", &deadline),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(r.location(), again);
    assert_eq!(measures(), before, "no second measure");
}
on_every_backend!(a_decision_becomes_a_measure, decision_to_measure);

fn set_child_age(app: &TestApp, years: i64) {
    let born = today() - chrono::Duration::days(years * 365 + 30);
    app.with_conn(|c| {
        diesel::update(children::table.find(app.fx.log.child.to_string()))
            .set(children::birth_date.eq(born.format("%Y-%m-%d").to_string()))
            .execute(c)
            .unwrap()
    });
}

/// Guardians who took part rate a held meeting 1–5 once; the child rates
/// from 7; 0 and 6 are refused beside the field; a meeting ahead is not
/// rated yet.
async fn ratings(app: TestApp) {
    let m = meeting(&app, 2);
    let rate = format!("{}/vurdering", m.base(&app));
    let mother = format!("foresatt:{}", app.fx.log.mother);
    let mut staff = app.client(Who::PptOnTeam).await;
    // The fixture child is 6: only the mother is offered.
    let page = staff.get(&rate).await;
    assert_eq!(page.status, 200);
    assert!(
        page.body
            .contains("Barnet vurderer møtet selv fra det er 7 år.")
    );
    assert!(page.body.contains(&format!("value=\"{mother}\"")));
    assert!(!page.body.contains("value=\"barn\""));
    let r = staff.post(&rate, &[("hvem", "barn"), ("poeng", "4")]).await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("id=\"hvem-error\""));
    // Radio buttons: the error asks to choose, not to write a number.
    for (score, message) in [
        ("", "Velg et tall fra 1 til 5."),
        ("0", "Velg et tall fra 1 til 5."),
        ("6", "Velg et tall fra 1 til 5."),
    ] {
        let r = staff
            .post(
                &rate,
                &[
                    ("hvem", &mother),
                    ("poeng", score),
                    ("kommentar", "Kort møte."),
                ],
            )
            .await;
        assert_eq!(r.status, 422, "{score}");
        assert!(r.body.contains("id=\"poeng-error\""), "{}", r.body);
        assert!(r.body.contains(message), "{}", r.body);
        assert!(!r.body.contains("Skriv et helt tall"), "{score}");
        assert!(r.body.contains("Kort møte."), "the comment is kept");
    }
    let count = || -> i64 {
        app.with_conn(|c| {
            meeting_ratings::table
                .filter(meeting_ratings::meeting_id.eq(m.id.to_string()))
                .count()
                .get_result(c)
                .unwrap()
        })
    };
    assert_eq!(count(), 0);
    let r = staff
        .post(
            &rate,
            &[("hvem", &mother), ("poeng", "4"), ("kommentar", "Nyttig.")],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(count(), 1);
    let recorded_by: Option<String> = app.with_conn(|c| {
        meeting_ratings::table
            .filter(meeting_ratings::meeting_id.eq(m.id.to_string()))
            .select(meeting_ratings::recorded_by)
            .first(c)
            .unwrap()
    });
    assert_eq!(recorded_by, Some(app.fx.users[&Who::PptOnTeam].to_string()));
    // Once per rater.
    let r = staff
        .post(&rate, &[("hvem", &mother), ("poeng", "2")])
        .await;
    assert_eq!(r.status, 422);
    assert_eq!(count(), 1);

    // At 8 the child rates too.
    set_child_age(&app, 8);
    let page = staff.get(&rate).await;
    assert!(page.body.contains("value=\"barn\""), "{}", page.body);
    let r = staff.post(&rate, &[("hvem", "barn"), ("poeng", "5")]).await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(count(), 2);
    let page = staff.get(&format!("{}/referat", m.base(&app))).await;
    assert!(
        page.body.contains("Mona Fikstursen: 4 av 5"),
        "{}",
        page.body
    );
    assert!(page.body.contains("Barnet: 5 av 5"));
    let log = staff.get(&format!("/logger/{}", app.fx.log.log)).await;
    assert!(log.body.contains("Barnet vurderte møtet"), "{}", log.body);
    assert_eq!(entries(&app, "mote_vurdert"), 2);

    // A meeting tomorrow is not rated yet.
    let ahead = meeting(&app, -24);
    let rate = format!("{}/vurdering", ahead.base(&app));
    assert!(
        staff
            .get(&rate)
            .await
            .body
            .contains("Møtet kan vurderes når det er holdt.")
    );
    let r = staff
        .post(&rate, &[("hvem", &mother), ("poeng", "3")])
        .await;
    assert_eq!(r.status, 422);
    assert_eq!(count(), 2);
}
on_every_backend!(the_family_rates_a_meeting_one_to_five, ratings);

/// A closed log takes no minutes, approval, decision done or rating; its
/// minutes stay readable.
async fn closed_log(app: TestApp) {
    let m = meeting(&app, 2);
    approved(&app, &m).await;
    let open = meeting(&app, 2);
    app.with_conn(|c| {
        diesel::update(logs::table.find(app.fx.log.log.to_string()))
            .set(logs::status.eq("lukket"))
            .execute(c)
            .unwrap()
    });
    let closed = format!("/logger/{}?melding=logg-lukket", app.fx.log.log);
    let mut lead = app.client(Who::Ansatt).await;
    let ppt = app.fx.users[&Who::PptOnTeam].to_string();
    let me = app.fx.users[&Who::Ansatt].to_string();
    let deadline = d(14);
    let form = draft(&open, &ppt, &me, &deadline);
    let r = lead
        .post(&format!("{}/referat", open.base(&app)), &pairs(&form))
        .await;
    assert_eq!((r.status.as_u16(), r.location()), (303, closed.as_str()));
    assert_eq!(minutes_status(&app, &open).0, "ingen");
    let r = lead
        .post(&format!("{}/referat/godkjenn", open.base(&app)), &[])
        .await;
    assert_eq!((r.status.as_u16(), r.location()), (303, closed.as_str()));
    let decision = decision_ids(&app, &m)[1].0.clone();
    let r = lead
        .post(
            &format!("{}/vedtak/{decision}/utfort", m.base(&app)),
            &[("notat", "Gjort.")],
        )
        .await;
    assert_eq!((r.status.as_u16(), r.location()), (303, closed.as_str()));
    let mother = format!("foresatt:{}", app.fx.log.mother);
    let r = lead
        .post(
            &format!("{}/vurdering", m.base(&app)),
            &[("hvem", &mother), ("poeng", "3")],
        )
        .await;
    assert_eq!((r.status.as_u16(), r.location()), (303, closed.as_str()));
    let done: i64 = app.with_conn(|c| {
        meeting_decisions::table
            .filter(meeting_decisions::done_at.is_not_null())
            .count()
            .get_result(c)
            .unwrap()
    });
    assert_eq!(done, 0);
    let page = lead.get(&format!("{}/referat", m.base(&app))).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Søke plass i språkgruppe"));
    assert!(
        !page.body.contains("/utfort\""),
        "no «done» form on a closed log"
    );
}
on_every_backend!(a_closed_log_refuses_minutes, closed_log);

/// The minutes' pages are recorded: a read for the form, a print for the
/// printout, each on the log with the reader; the printout is marked a
/// draft until approved.
async fn print_recorded(app: TestApp) {
    let m = meeting(&app, 2);
    let rows = |action: &str| -> Vec<Option<String>> {
        app.with_conn(|c| {
            access_log::table
                .filter(access_log::object_id.eq(app.fx.log.log.to_string()))
                .filter(access_log::action.eq(action))
                .select(access_log::actor_id)
                .load(c)
                .unwrap()
        })
    };
    let ppt = Some(app.fx.users[&Who::PptOnTeam].to_string());
    let mut reader = app.client(Who::PptOnTeam).await;
    let saved = reader
        .post(
            &format!("{}/referat", m.base(&app)),
            &[("droftet", "Utkast om språk."), ("vedtak_antall", "3")],
        )
        .await;
    assert_eq!(saved.status, 303);
    let before = rows("print").len();
    let page = reader
        .get(&format!("{}/referat/utskrift", m.base(&app)))
        .await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Utkast – ikke godkjent"));
    assert!(page.body.contains("Testbarn Fikstursen"));
    assert!(page.body.contains("Ikke markert"), "the draft's attendance");
    assert!(page.body.contains("Utkast om språk."), "the draft's text");
    let printed = rows("print");
    assert_eq!(printed.len(), before + 1);
    assert_eq!(printed.last(), Some(&ppt));
    approved(&app, &m).await;
    let page = reader
        .get(&format!("{}/referat/utskrift", m.base(&app)))
        .await;
    assert!(!page.body.contains("Utkast – ikke godkjent"));
    assert!(page.body.contains("Søke plass i språkgruppe"));
    assert!(page.body.contains("Møterom 1"));
    // An archive copy: the deadline as a date, not «(om 14 dager)»; the
    // reference is the meeting, as on the printed invitation.
    assert!(
        page.body.contains(&format!("<dd>{}</dd>", d(14))),
        "{}",
        page.body
    );
    assert!(!page.body.contains("(om "), "{}", page.body);
    assert!(page.body.contains(&format!("<code>{}</code>", m.id)));
    assert!(
        !page
            .body
            .contains(&format!("<code>{}</code>", app.fx.log.log))
    );
    assert!(
        !page.body.contains("/utfort\""),
        "the archive copy has no forms"
    );
    assert_eq!(rows("print").len(), before + 2);
    let reads = rows("read").len();
    assert_eq!(
        reader
            .get(&format!("{}/referat", m.base(&app)))
            .await
            .status,
        200
    );
    assert_eq!(rows("read").len(), reads + 1);
    // Break-glass reads the minutes and prints them, and writes nothing.
    let mut glass = app.client(Who::ChildWelfareBreakGlass).await;
    let page = glass.get(&format!("{}/referat", m.base(&app))).await;
    assert_eq!(page.status, 200);
    assert!(!page.body.contains("/utfort\""));
    assert_eq!(
        glass
            .get(&format!("{}/vurdering", m.base(&app)))
            .await
            .status,
        404
    );
}
on_every_backend!(printed_minutes_are_in_the_access_log, print_recorded);

/// In nynorsk the minutes say «Stemma til barnet», as the rest of the
/// nynorsk pages, and name the purpose with the meeting page's word.
async fn nynorsk_words(app: TestApp) {
    let m = meeting(&app, 2);
    let municipality = app.fx.municipality.to_string();
    app.with_conn(|c| {
        diesel::update(laget_db::schema::municipalities::table.find(municipality))
            .set(laget_db::schema::municipalities::written_standard.eq("nn"))
            .execute(c)
            .unwrap()
    });
    let mut lead = app.client(Who::Ansatt).await;
    let minutes = lead.get(&format!("{}/referat", m.base(&app))).await;
    assert_eq!(minutes.status, 200);
    assert!(
        minutes.body.contains("Stemma til barnet"),
        "{}",
        minutes.body
    );
    assert!(!minutes.body.contains(">Barnets stemme<"));
    assert!(!minutes.body.contains("barnets stemme"), "the hint too");
    let meeting = lead.get(&m.base(&app)).await;
    assert_eq!(meeting.status, 200);
    let print = lead
        .get(&format!("{}/referat/utskrift", m.base(&app)))
        .await;
    for word in ["Formål", "Føremål"] {
        assert_eq!(
            meeting.body.contains(word),
            minutes.body.contains(word),
            "{word} on the meeting page and the minutes"
        );
        assert_eq!(
            meeting.body.contains(word),
            print.body.contains(word),
            "{word}"
        );
    }
}
on_every_backend!(nynorsk_minutes_use_the_nynorsk_words, nynorsk_words);

/// Approved minutes meet the level's promised meeting when nothing has yet
/// (here the promise was made after the meeting was called): the log no
/// longer waits for a meeting, and the timeline says the promise was met,
/// after its day.
async fn approval_meets_the_promise(app: TestApp) {
    let m = meeting(&app, 2);
    let due = today() - chrono::Duration::days(10);
    app.with_conn(|c| {
        diesel::update(logs::table.find(app.fx.log.log.to_string()))
            .set(logs::meeting_due.eq(Some(due.format("%Y-%m-%d").to_string())))
            .execute(c)
            .unwrap()
    });
    approved(&app, &m).await;
    let left: Option<String> = app.with_conn(|c| {
        logs::table
            .find(app.fx.log.log.to_string())
            .select(logs::meeting_due)
            .first(c)
            .unwrap()
    });
    assert_eq!(left, None, "the promise is met");
    let page = app
        .client(Who::Ansatt)
        .await
        .get(&format!("/logger/{}", app.fx.log.log))
        .await;
    assert!(
        page.body.contains(&format!(
            "oppfyller løftet om møte i laget innen {}, men etter fristen",
            due.format("%d.%m.%Y")
        )),
        "{}",
        page.body
    );
}
on_every_backend!(
    approved_minutes_meet_the_levels_promised_meeting,
    approval_meets_the_promise
);

/// «Skriv inn barnets stemme» on a planned meeting's page leads to the
/// voice form for that meeting; saving the voice marks the meeting's voice
/// gathered and returns to the meeting. A meeting of another log is 404.
async fn voice_for_a_meeting(app: TestApp) {
    let m = meeting(&app, -24);
    let mut lead = app.client(Who::Ansatt).await;
    let form = format!("/logger/{}/stemme?mote={}", app.fx.log.log, m.id);
    let page = lead.get(&m.base(&app)).await;
    assert!(page.body.contains(&form), "{}", page.body);
    let r = lead.get(&form).await;
    assert_eq!(r.status, 200);
    assert!(
        r.body
            .contains(&format!("name=\"mote\" value=\"{}\"", m.id))
    );
    let other = format!(
        "/logger/{}/stemme?mote={}",
        app.fx.log.log,
        MeetingId::new()
    );
    assert_eq!(lead.get(&other).await.status, 404);
    let done = || -> Option<i64> {
        app.with_conn(|c| {
            meetings::table
                .find(m.id.to_string())
                .select(meetings::voice_done_at)
                .first(c)
                .unwrap()
        })
    };
    assert_eq!(done(), None);
    let mote = m.id.to_string();
    let r = lead
        .post(
            &format!("/logger/{}/stemme", app.fx.log.log),
            &[
                ("mote", mote.as_str()),
                ("dato", &d(0)),
                ("metode", "samtale"),
                ("ord", "Jeg liker å tegne."),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(r.location(), format!("{}?melding=stemme", m.base(&app)));
    assert!(done().is_some(), "the meeting's voice is gathered");
    assert_eq!(entries(&app, "mote_stemme"), 1);
}
on_every_backend!(the_voice_form_gathers_a_meetings_voice, voice_for_a_meeting);
