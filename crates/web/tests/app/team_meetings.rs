//! What a standing team does in and after its meetings (issue #11,
//! «Standing teams»), on both engines: an on-demand member called in to
//! one meeting sees that meeting and the cases their consent reaches, and
//! nothing else of the team; the minutes (attendance, notes per case, the
//! guardians' presence the yearly report counts) are drafted by a member
//! and approved by the leader; a decision on a named case goes on the
//! child's log and into its access log, and can become a measure there; a
//! case is withdrawn with a reason and counts only as withdrawn.

use crate::on_every_backend;
use crate::teams::{anonymous_case, decide, make_team, plan, today};
use diesel::prelude::*;
use laget_db::schema::{
    access_log, log_entries, meeting_decisions, meeting_participants, meetings, outgoing_mail,
    standing_teams, team_cases,
};
use laget_domain::ids::{MeetingId, StandingTeamId, TeamCaseId};
use laget_domain::meetings::teams::TeamKind;
use laget_testkit::{TestApp, Who};

fn pairs(f: &[(String, String)]) -> Vec<(&str, &str)> {
    f.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
}

fn d(day: chrono::NaiveDate) -> String {
    day.format("%d.%m.%Y").to_string()
}

/// A named case from the fixture log, brought by the staff member who
/// keeps it, on `meeting`.
async fn named_case(
    app: &TestApp,
    team: StandingTeamId,
    meeting: MeetingId,
    summary: &str,
) -> TeamCaseId {
    let mut staff = app.client(Who::Ansatt).await;
    let log = app.fx.log.log.to_string();
    let meeting_s = meeting.to_string();
    let r = staff
        .post(
            &format!("/team/{team}/saker/ny"),
            &[
                ("type", "navngitt"),
                ("logg", &log),
                ("alder", "6-12"),
                ("sammendrag", summary),
                ("mote", &meeting_s),
                ("meldt_av", "ansatt"),
                ("foresatte", "ja"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    app.with_conn(|c| {
        team_cases::table
            .filter(team_cases::summary.eq(summary))
            .select(team_cases::id)
            .first::<String>(c)
            .unwrap()
    })
    .parse()
    .unwrap()
}

fn log_access(app: &TestApp, actor: Who, action: &str) -> Vec<String> {
    let user = app.fx.users[&actor].to_string();
    app.with_conn(|c| {
        access_log::table
            .filter(access_log::object_type.eq("log"))
            .filter(access_log::object_id.eq(app.fx.log.log.to_string()))
            .filter(access_log::actor_id.eq(&user))
            .filter(access_log::action.eq(action))
            .select(access_log::ground)
            .load(c)
            .unwrap()
    })
}

fn entries(app: &TestApp, kind: &str) -> Vec<Option<String>> {
    app.with_conn(|c| {
        log_entries::table
            .filter(log_entries::log_id.eq(app.fx.log.log.to_string()))
            .filter(log_entries::kind.eq(kind))
            .select(log_entries::body)
            .load(c)
            .unwrap()
    })
}

/// NAV-like: the school is on demand. Called in to meeting A by the
/// leader (a member cannot be called in; nor can anyone but the leader
/// call), its staff member gets an invitation by e-mail, sees meeting A
/// with its anonymous case but not the named one (the consent does not
/// reach the school), lists it under «Møter du er kalt inn til», and gets
/// the unknown page for meeting B, the team, its cases, minutes and report.
/// Called in where the consent does reach them (PPT on demand on another
/// team), the named case shows with the child.
async fn called_in(app: TestApp) {
    let fx = &app.fx.log;
    let team = make_team(
        &app,
        TeamKind::Tst,
        &[app.fx.unit, fx.ppt_unit],
        &[fx.school_unit],
        &[],
    );
    let a = plan(&app, team, 5);
    let b = plan(&app, team, 12);
    let anonymous = "Et barn som sjelden tar kontakt i friminuttet.";
    let named = "Overgangen til skolen må planlegges.";
    let _ = anonymous_case(&app, team, b);
    let mut staff = app.client(Who::Ansatt).await;
    let r = staff
        .post(
            &format!("/team/{team}/saker/ny"),
            &[
                ("type", "anonym"),
                ("alder", "6-12"),
                ("sammendrag", anonymous),
                ("mote", &a.to_string()),
                ("meldt_av", "ansatt"),
                ("foresatte", "nei"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    named_case(&app, team, a, named).await;
    let school_user = app.fx.users[&Who::SchoolWithoutConsent];
    let mut school = app.client(Who::SchoolWithoutConsent).await;
    let page_a = format!("/team/{team}/moter/{a}");
    assert_eq!(school.get(&page_a).await.status, 404, "not yet called in");

    // The leader calls in; a member is not among the choices, and a staff
    // member calls in no one.
    let mut leader = app.client(Who::Leder).await;
    let body = leader.get(&page_a).await.body;
    let form = body
        .split("id=\"kall-inn\"")
        .nth(1)
        .and_then(|s| s.split("</section>").next())
        .unwrap_or_default();
    assert!(form.contains("Kall inn ved behov"), "{body}");
    assert!(
        form.contains(&format!("value=\"{school_user}\"")),
        "the school's staff is a choice"
    );
    let ppt = app.fx.users[&Who::PptOnTeam].to_string();
    assert!(
        !form.contains(&format!("value=\"{ppt}\"")),
        "a member is no choice"
    );
    let r = leader
        .post(&format!("{page_a}/innkall"), &[("person", &ppt)])
        .await;
    assert_eq!(r.status, 422, "a member is not called in");
    assert!(r.body.contains("id=\"person-error\""));
    let r = leader
        .post(&format!("{page_a}/innkall"), &[("person", "")])
        .await;
    assert_eq!(r.status, 422);
    let school_s = school_user.to_string();
    assert_eq!(
        staff
            .post(&format!("{page_a}/innkall"), &[("person", &school_s)])
            .await
            .status,
        404,
        "only the leader calls in"
    );
    let r = leader
        .post(&format!("{page_a}/innkall"), &[("person", &school_s)])
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert!(r.location().contains("melding=innkalt"));
    let mails: Vec<(String, i32)> = app.with_conn(|c| {
        outgoing_mail::table
            .filter(outgoing_mail::meeting_id.eq(a.to_string()))
            .filter(outgoing_mail::recipient_user_id.eq(&school_s))
            .select((outgoing_mail::kind, outgoing_mail::sequence))
            .load(c)
            .unwrap()
    });
    assert_eq!(
        mails,
        vec![("innkalling".to_owned(), 0)],
        "an invitation by e-mail"
    );
    let again = leader
        .post(&format!("{page_a}/innkall"), &[("person", &school_s)])
        .await;
    assert_eq!(again.status, 422, "called in once");

    // What the school sees.
    let p = school.get(&page_a).await;
    assert_eq!(p.status, 200, "{}", p.body);
    assert!(p.body.contains("Du er kalt inn til dette møtet ved behov"));
    assert!(p.body.contains(anonymous), "the anonymous case");
    assert!(
        !p.body.contains(named),
        "not the named case the consent does not reach"
    );
    assert!(!p.body.contains("Testbarn Fikstursen"));
    assert!(
        !p.body.contains("Nytt vedtak")
            && !p.body.contains("Avlys møtet")
            && !p.body.contains("Meld inn sak")
    );
    let leader_view = leader.get(&page_a).await;
    assert!(
        leader_view.body.contains("(kalt inn ved behov)"),
        "the page says who was called in"
    );
    for path in [
        format!("/team/{team}/moter/{b}"),
        format!("/team/{team}"),
        format!("/team/{team}/saker/ny"),
        format!("/team/{team}/rapport"),
        format!("{page_a}/referat"),
    ] {
        assert_eq!(school.get(&path).await.status, 404, "{path}");
    }
    let mine = school.get("/team").await;
    assert!(
        mine.body.contains("Møter du er kalt inn til"),
        "{}",
        mine.body
    );
    assert!(mine.body.contains(&page_a));
    assert!(!mine.body.contains(&format!("/team/{team}/moter/{b}")));
    // A member does not see the meeting among calls.
    assert!(
        !staff
            .get("/team")
            .await
            .body
            .contains("Møter du er kalt inn til")
    );

    // PPT on demand on another team, where the consent reaches it: called
    // in, it sees the named case with the child.
    let other = make_team(&app, TeamKind::Tst, &[app.fx.unit], &[fx.ppt_unit], &[]);
    let c = plan(&app, other, 5);
    named_case(&app, other, c, "Samme barn, et annet team.").await;
    let r = leader
        .post(
            &format!("/team/{other}/moter/{c}/innkall"),
            &[("person", &ppt)],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let mut ppt_client = app.client(Who::PptOnTeam).await;
    let p = ppt_client.get(&format!("/team/{other}/moter/{c}")).await;
    assert_eq!(p.status, 200);
    assert!(p.body.contains("Samme barn, et annet team."));
    assert!(
        p.body.contains("Testbarn Fikstursen"),
        "named where the log opens"
    );
    assert_eq!(ppt_client.get(&format!("/team/{other}")).await.status, 404);
}
on_every_backend!(
    an_on_demand_member_called_in_sees_that_meeting_and_nothing_else_of_the_team,
    called_in
);

/// Minutes: not before the meeting has begun; a member drafts (attendance
/// of everyone invited, the one called in too, a general part, a note and
/// the guardians' presence per case; too long a note comes back beside its
/// field with the values kept); only the leader approves, and only a whole
/// draft (what is missing is said beside each field); approved, the minutes
/// are locked, the meeting is held, the invited persons but the leader get
/// them by e-mail, the meeting page shows them, and the yearly report's
/// share with guardians present follows what the minutes say.
async fn minutes(app: TestApp) {
    let fx = &app.fx.log;
    let team = make_team(
        &app,
        TeamKind::Tst,
        &[app.fx.unit, fx.ppt_unit],
        &[fx.school_unit],
        &[],
    );
    let meeting = plan(&app, team, 3);
    let case = anonymous_case(&app, team, meeting);
    let base = format!("/team/{team}/moter/{meeting}");
    let mut leader = app.client(Who::Leder).await;
    let school_s = app.fx.users[&Who::SchoolWithoutConsent].to_string();
    assert_eq!(
        leader
            .post(&format!("{base}/innkall"), &[("person", &school_s)])
            .await
            .status,
        303
    );
    let mut staff = app.client(Who::Ansatt).await;
    let early = staff.get(&format!("{base}/referat")).await;
    assert_eq!(early.status, 200);
    assert!(
        early
            .body
            .contains("Referatet kan skrives når møtet har begynt.")
    );
    let r = staff
        .post(
            &format!("{base}/referat"),
            &[
                ("generelt", "Tidlig."),
                (&format!("foresatte_{case}"), "ja"),
            ],
        )
        .await;
    assert_eq!(r.status, 422, "not before the meeting");
    let status: String = app.with_conn(|c| {
        meetings::table
            .find(meeting.to_string())
            .select(meetings::minutes_status)
            .first(c)
            .unwrap()
    });
    assert_eq!(status, "ingen", "nothing saved");

    // Begun a second after midnight (today in Norway, whenever the test
    // runs): the case form still offers it, so a case can be brought while
    // the team meets.
    let midnight = today()
        .and_hms_opt(0, 0, 1)
        .unwrap()
        .and_local_timezone(chrono_tz::Europe::Oslo)
        .earliest()
        .unwrap()
        .with_timezone(&chrono::Utc);
    app.with_conn(|c| {
        diesel::update(meetings::table.find(meeting.to_string()))
            .set((
                meetings::starts_at.eq(midnight.timestamp_micros()),
                meetings::ends_at
                    .eq((midnight + chrono::Duration::minutes(150)).timestamp_micros()),
            ))
            .execute(c)
    })
    .unwrap();
    let form = staff.get(&format!("/team/{team}/saker/ny")).await;
    assert!(
        form.body.contains(&format!("<option value=\"{meeting}\"")),
        "today's begun meeting is offered: {}",
        form.body
    );
    let p = staff.get(&format!("{base}/referat")).await;
    assert_eq!(p.status, 200);
    // The fields: the units and persons invited, the called-in one marked.
    let participants: Vec<(String, String)> = app.with_conn(|c| {
        meeting_participants::table
            .filter(meeting_participants::meeting_id.eq(meeting.to_string()))
            .select((meeting_participants::id, meeting_participants::name))
            .load(c)
            .unwrap()
    });
    assert!(
        participants.len() >= 4,
        "two units, the leader, the one called in"
    );
    for (id, _) in &participants {
        assert!(p.body.contains(&format!("name=\"tilstede_{id}\"")), "{id}");
    }
    assert!(p.body.contains("(kalt inn ved behov)"));
    assert!(p.body.contains(&format!("name=\"notat_{case}\"")));
    let note_field = format!("notat_{case}");
    let guardians_field = format!("foresatte_{case}");
    let long = "x".repeat(2001);
    let mut form: Vec<(String, String)> = vec![
        ("generelt".into(), "Tilstanden på avdelingen er god.".into()),
        (note_field.clone(), long),
        (guardians_field.clone(), "nei".into()),
    ];
    // Everyone present but the last one, whose attendance is not said.
    for (id, _) in &participants[..participants.len() - 1] {
        form.push((format!("tilstede_{id}"), "ja".into()));
    }
    let r = staff.post(&format!("{base}/referat"), &pairs(&form)).await;
    assert_eq!(r.status, 422);
    assert!(
        r.body.contains(&format!("id=\"{note_field}-error\"")),
        "beside the note"
    );
    assert!(
        r.body.contains("Tilstanden på avdelingen er god."),
        "values kept"
    );
    form[1].1 = String::new();
    let r = staff.post(&format!("{base}/referat"), &pairs(&form)).await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert!(r.location().contains("melding=referat-lagret"));

    // Only the leader approves; a draft with gaps is refused beside them.
    assert_eq!(
        staff
            .post(&format!("{base}/referat/godkjenn"), &[])
            .await
            .status,
        404
    );
    let r = leader.post(&format!("{base}/referat/godkjenn"), &[]).await;
    assert_eq!(r.status, 422);
    let (last, _) = participants.last().unwrap();
    assert!(
        r.body.contains(&format!("id=\"tilstede_{last}-error\"")),
        "{}",
        r.body
    );
    assert!(r.body.contains(&format!("id=\"{note_field}-error\"")));
    assert!(
        r.body
            .contains("Velg om de var til stede før referatet godkjennes.")
    );
    // The draft completed: the last one absent, a note on the case.
    form.push((format!("tilstede_{last}"), "nei".into()));
    form[1].1 = "Drøftet tiltak i frilek.".into();
    assert_eq!(
        staff
            .post(&format!("{base}/referat"), &pairs(&form))
            .await
            .status,
        303
    );
    let r = leader.post(&format!("{base}/referat/godkjenn"), &[]).await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert!(r.location().contains("melding=referat-godkjent"));
    let (status, minutes): (String, String) = app.with_conn(|c| {
        meetings::table
            .find(meeting.to_string())
            .select((meetings::status, meetings::minutes_status))
            .first(c)
            .unwrap()
    });
    assert_eq!((status.as_str(), minutes.as_str()), ("holdt", "godkjent"));
    let leader_s = app.fx.users[&Who::Leder].to_string();
    let told: Vec<Option<String>> = app.with_conn(|c| {
        outgoing_mail::table
            .filter(outgoing_mail::meeting_id.eq(meeting.to_string()))
            .filter(outgoing_mail::kind.eq("referat"))
            .select(outgoing_mail::recipient_user_id)
            .load(c)
            .unwrap()
    });
    assert_eq!(
        told,
        vec![Some(school_s.clone())],
        "the one called in, not the approving leader"
    );
    assert!(!told.contains(&Some(leader_s)));

    // Locked; shown on the meeting page, to the one called in too; a held
    // meeting is not cancelled.
    let r = staff.post(&format!("{base}/referat"), &pairs(&form)).await;
    assert_eq!(r.status, 422, "approved minutes are locked");
    let page = leader.get(&base).await;
    assert!(
        !page.body.contains("Avlys møtet"),
        "no cancelling a held meeting"
    );
    let r = leader
        .post(&format!("{base}/avlys"), &[("begrunnelse", "For sent.")])
        .await;
    assert_eq!(r.status, 409);
    let mut school = app.client(Who::SchoolWithoutConsent).await;
    for client in [&mut staff, &mut school] {
        let page = client.get(&base).await;
        assert!(
            page.body.contains("Drøftet tiltak i frilek."),
            "{}",
            page.body
        );
        assert!(page.body.contains("Tilstanden på avdelingen er god."));
        assert!(page.body.contains("Godkjent av"));
        assert!(page.body.contains("– Ikke til stede"));
    }
    // The report counts the guardians as the minutes say (absent).
    let mut admin = app.client(Who::Kommuneadministrator).await;
    let year = chrono::Datelike::year(&today());
    let report = admin.get(&format!("/team/{team}/rapport?ar={year}")).await;
    let counts = report.body.split("id=\"saker-i-aret\"").nth(1).unwrap();
    assert!(
        counts.contains("<dt>Med foresatte til stede</dt><dd>0</dd>"),
        "{counts}"
    );
    assert!(counts.contains("<dt>Andel saker med foresatte til stede</dt><dd>0 %</dd>"));
}
on_every_backend!(
    team_minutes_are_drafted_by_a_member_and_approved_whole_by_the_leader,
    minutes
);

/// A decision on a named case is a `team_vedtak` event on the child's log
/// and an access-log row there with the leader's ground; those who may
/// write in the log get the way to a measure from it, which links back;
/// a leader who may not write on the log (no consent for their unit, not
/// where it is kept) is refused beside the case, and nothing is written.
async fn named_decision(app: TestApp) {
    let fx = &app.fx.log;
    let team = make_team(&app, TeamKind::Tst, &[app.fx.unit, fx.ppt_unit], &[], &[]);
    let meeting = plan(&app, team, 3);
    let case = named_case(&app, team, meeting, "Trenger en plan for overgangen.").await;
    let before = log_access(&app, Who::Leder, "update").len();
    let decision = decide(
        &app,
        team,
        meeting,
        case,
        "Lag en overgangsplan med skolen.",
    );
    assert_eq!(
        entries(&app, "team_vedtak"),
        vec![Some("Lag en overgangsplan med skolen.".to_owned())]
    );
    let grounds = log_access(&app, Who::Leder, "update");
    assert_eq!(
        grounds.len(),
        before + 1,
        "the decision is in the log's access log"
    );
    assert_eq!(grounds.last().map(String::as_str), Some("leder_av_enheten"));
    let mut staff = app.client(Who::Ansatt).await;
    let log = format!("/logger/{}", fx.log);
    let page = staff.get(&log).await;
    assert!(
        page.body.contains(" gjorde et vedtak i saken. Ansvarlig: "),
        "{}",
        page.body
    );

    // The way to a measure, for who may write in the log.
    let from = format!("/logger/{}/tiltak?vedtak={decision}", fx.log);
    let m = staff.get(&format!("/team/{team}/moter/{meeting}")).await;
    assert!(
        m.body.contains(&from.replace('&', "&amp;")) || m.body.contains(&from),
        "{}",
        m.body
    );
    let mut ppt = app.client(Who::PptOnTeam).await;
    let r = ppt.get(&format!("/team/{team}/moter/{meeting}")).await;
    assert!(r.body.contains(&from), "PPT writes in the log too");
    let r = staff.get(&from).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(
        r.body
            .contains(">Lag en overgangsplan med skolen.</textarea>")
    );
    let deadline = d(today() + chrono::Duration::days(14));
    let r = staff
        .post(
            &format!("/logger/{}/tiltak", fx.log),
            &[
                ("vedtak", decision.to_string().as_str()),
                ("navn", "Overgangsplan"),
                ("mal", "Lag en overgangsplan med skolen."),
                ("ansvarlig", &fx.ppt_member.to_string()),
                ("start", &d(today())),
                ("evaluering", &deadline),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let measure: Option<String> = app.with_conn(|c| {
        meeting_decisions::table
            .find(decision.to_string())
            .select(meeting_decisions::measure_id)
            .first(c)
            .unwrap()
    });
    let measure = measure.expect("the decision names its measure");
    let m = staff.get(&format!("/team/{team}/moter/{meeting}")).await;
    assert!(
        m.body
            .contains(&format!("/logger/{}/tiltak/{measure}", fx.log))
    );
    assert!(!m.body.contains(&from), "no second measure offered");
    // Another log's reader cannot make a measure of it.
    let mut health = app.client(Who::HealthNotOnTeam).await;
    assert_eq!(health.get(&from).await.status, 404);

    // A leader whose unit no consent covers, who does not work where the
    // log is kept: refused beside the case.
    let health_user = app.fx.users[&Who::HealthNotOnTeam];
    app.with_conn(|c| {
        diesel::update(standing_teams::table.find(team.to_string()))
            .set(standing_teams::leader_user_id.eq(Some(health_user.to_string())))
            .execute(c)
    })
    .unwrap();
    let count = |app: &TestApp| -> i64 {
        app.with_conn(|c| meeting_decisions::table.count().get_result(c).unwrap())
    };
    let decisions = count(&app);
    let r = health
        .post(
            &format!("/team/{team}/moter/{meeting}/vedtak"),
            &[
                ("sak", case.to_string().as_str()),
                ("tekst", "Noe annet."),
                ("ansvarlig", &app.fx.users[&Who::Ansatt].to_string()),
                ("frist", &deadline),
            ],
        )
        .await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(
        r.body
            .contains("Saken er navngitt, og vedtaket skrives i barnets logg.")
    );
    assert_eq!(count(&app), decisions, "nothing recorded");
    assert_eq!(entries(&app, "team_vedtak").len(), 1);
}
on_every_backend!(
    a_decision_on_a_named_case_goes_on_the_childs_log_and_can_become_a_measure,
    named_decision
);

/// A case is withdrawn with a reason by the one who brought it or the
/// leader (another member gets the unknown page), until the team has
/// taken it up; it leaves the lists, and the yearly report counts it as
/// withdrawn only. A named case's withdrawal is on the log's timeline and
/// in its access log.
async fn withdraw(app: TestApp) {
    let fx = &app.fx.log;
    let team = make_team(&app, TeamKind::Tst, &[app.fx.unit, fx.ppt_unit], &[], &[]);
    let meeting = plan(&app, team, 3);
    let case = anonymous_case(&app, team, meeting);
    let decided = anonymous_case(&app, team, meeting);
    app.with_conn(|c| {
        diesel::update(team_cases::table.find(decided.to_string()))
            .set(team_cases::summary.eq("En sak med vedtak."))
            .execute(c)
    })
    .unwrap();
    decide(&app, team, meeting, decided, "Observer.");
    let path = format!("/team/{team}/saker/{case}/trekk");
    let mut ppt = app.client(Who::PptOnTeam).await;
    assert_eq!(
        ppt.get(&path).await.status,
        404,
        "not the one who brought it"
    );
    assert_eq!(
        ppt.post(&path, &[("begrunnelse", "Feil.")]).await.status,
        404
    );
    let mut staff = app.client(Who::Ansatt).await;
    let page = staff.get(&format!("/team/{team}/moter/{meeting}")).await;
    assert!(
        page.body.contains(&path),
        "the one who brought it is offered it"
    );
    assert!(
        !page
            .body
            .contains(&format!("/team/{team}/saker/{decided}/trekk")),
        "not once the team has decided on it"
    );
    assert_eq!(staff.get(&path).await.status, 200);
    let r = staff.post(&path, &[("begrunnelse", "")]).await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("id=\"begrunnelse-error\""));
    let r = staff
        .post(
            &path,
            &[("begrunnelse", "Foreldrene ønsker ikke at saken drøftes.")],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert!(
        r.location()
            .starts_with(&format!("/team/{team}/moter/{meeting}"))
    );
    let (by, reason): (Option<String>, Option<String>) = app.with_conn(|c| {
        team_cases::table
            .find(case.to_string())
            .select((team_cases::withdrawn_by, team_cases::withdraw_reason))
            .first(c)
            .unwrap()
    });
    assert_eq!(by, Some(app.fx.users[&Who::Ansatt].to_string()));
    assert_eq!(
        reason.as_deref(),
        Some("Foreldrene ønsker ikke at saken drøftes.")
    );
    for p in [
        format!("/team/{team}"),
        format!("/team/{team}/moter/{meeting}"),
    ] {
        let body = staff.get(&p).await.body;
        assert!(
            !body.contains("Et barn som er stille i frilek."),
            "gone from {p}"
        );
        assert!(body.contains("En sak med vedtak."));
    }
    assert_eq!(staff.get(&path).await.status, 404, "withdrawn once");
    // Taken up: refused (the form is not offered, a post is told why).
    let taken = format!("/team/{team}/saker/{decided}/trekk");
    let mut leader = app.client(Who::Leder).await;
    assert_eq!(
        leader
            .post(&taken, &[("begrunnelse", "Likevel.")])
            .await
            .status,
        404
    );
    // The leader withdraws a named case: on its log's timeline.
    let named = named_case(&app, team, meeting, "En navngitt sak som trekkes.").await;
    let before = log_access(&app, Who::Leder, "update").len();
    let r = leader
        .post(
            &format!("/team/{team}/saker/{named}/trekk"),
            &[("begrunnelse", "Meldt til feil team.")],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(
        entries(&app, "team_sak_trukket"),
        vec![Some("Meldt til feil team.".to_owned())]
    );
    assert_eq!(log_access(&app, Who::Leder, "update").len(), before + 1);
    let log = staff.get(&format!("/logger/{}", fx.log)).await;
    assert!(
        log.body.contains("Saken ble trukket fra TST Testlia"),
        "{}",
        log.body
    );
    // The report: withdrawn ones apart.
    let mut admin = app.client(Who::Kommuneadministrator).await;
    let year = chrono::Datelike::year(&today());
    let report = admin.get(&format!("/team/{team}/rapport?ar={year}")).await;
    let counts = report.body.split("id=\"saker-i-aret\"").nth(1).unwrap();
    assert!(
        counts.contains("<dt>Saker i alt</dt><dd>1</dd>"),
        "{counts}"
    );
    assert!(
        counts.contains("(telles ikke med over)</dt><dd>2</dd>"),
        "{counts}"
    );
}
on_every_backend!(
    a_case_is_withdrawn_with_a_reason_and_counts_only_as_withdrawn,
    withdraw
);
