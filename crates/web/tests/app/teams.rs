//! Standing teams (issue #11, «Standing teams»), on both engines: the
//! administrator defines a TST with the defaults of the written standard;
//! a semester falls short of the rule until enough meetings are planned
//! (on the team page and the municipality's overview); another
//! municipality's administrator and non-members get the unknown page; a
//! named case needs consent covering the team's fixed units and names the
//! child only to members who may open the log; identifying text in an
//! anonymous case is warned about; a decision is the responsible person's
//! task until done; the yearly report counts.

use crate::on_every_backend;
use diesel::prelude::*;
use laget_db::meetings::team_cases::{self, NewDecision, NewTeamCase};
use laget_db::meetings::teams::{self, MemberSpec, NewTeamMeeting, TeamFields, Who as Member};
use laget_db::schema::{access_log, log_entries, meetings, standing_team_members, standing_teams};
use laget_domain::access::Operator;
use laget_domain::ids::{DecisionId, MeetingId, StandingTeamId, TeamCaseId};
use laget_domain::meetings::BroughtBy;
use laget_domain::meetings::teams::{MeetingRule, Semester, TeamKind};
use laget_domain::{UnitId, UserId};
use laget_testkit::{TestApp, Who};

pub fn today() -> chrono::NaiveDate {
    chrono::Utc::now()
        .with_timezone(&chrono_tz::Europe::Oslo)
        .date_naive()
}

/// A day in this semester that may still be planned: today, or the
/// semester's first day when it lies ahead (in July).
pub fn plannable_day() -> chrono::NaiveDate {
    today().max(Semester::current(today()).first_day())
}

/// A team made as the operator would for the fixture municipality:
/// `units` fixed, `on_demand` called on demand, `people` fixed persons,
/// led by `Who::Leder`.
pub fn make_team(
    app: &TestApp,
    kind: TeamKind,
    units: &[UnitId],
    on_demand: &[UnitId],
    people: &[UserId],
) -> StandingTeamId {
    let definer = Operator::at_console()
        .administer(app.fx.municipality)
        .define_teams();
    let mut members: Vec<MemberSpec> = units
        .iter()
        .map(|u| MemberSpec {
            who: Member::Unit(*u),
            on_demand: false,
        })
        .collect();
    members.extend(on_demand.iter().map(|u| MemberSpec {
        who: Member::Unit(*u),
        on_demand: true,
    }));
    members.extend(people.iter().map(|u| MemberSpec {
        who: Member::User(*u),
        on_demand: false,
    }));
    let fields = TeamFields {
        kind,
        name: format!("TST Testlia {}", uuid::Uuid::now_v7().simple()),
        unit: (kind == TeamKind::Tst).then_some(app.fx.unit),
        age_band: (kind == TeamKind::EarlyIntervention).then(|| "1-5".to_owned()),
        leader: Some(app.fx.users[&Who::Leder]),
        rule: kind.defaults().rule,
        min_minutes: kind.defaults().min_minutes,
        agenda: "1. Tilstanden\n2. Veiledning\n3. Observasjon".into(),
        active: true,
        members,
    };
    app.db
        .write_blocking(|c| teams::create(c, &definer, &fields, "test"))
        .unwrap()
}

/// The member capability of `who` on `team`.
pub fn member(app: &TestApp, who: Who, team: StandingTeamId) -> laget_domain::access::TeamMember {
    let user = app.fx.users[&who];
    app.db
        .read_blocking(|c| {
            let actor = laget_db::lookup::actor(c, user)?;
            let facts = teams::facts(c, team)?;
            Ok(actor.team_member(&facts).unwrap())
        })
        .unwrap()
}

/// A meeting the leader plans, `days` from now, two and a half hours long.
pub fn plan(app: &TestApp, team: StandingTeamId, days: i64) -> MeetingId {
    let planner = member(app, Who::Leder, team).planner().unwrap();
    let starts_at = chrono::Utc::now() + chrono::Duration::days(days);
    let m = NewTeamMeeting {
        starts_at,
        ends_at: starts_at + chrono::Duration::minutes(150),
        place: "Møterommet".into(),
        purpose: String::new(),
        agenda: "1. Tilstanden".into(),
    };
    app.db
        .write_blocking(|c| teams::plan(c, &planner, &m))
        .unwrap()
}

/// An anonymous case on `meeting`, brought by the staff member.
pub fn anonymous_case(app: &TestApp, team: StandingTeamId, meeting: MeetingId) -> TeamCaseId {
    let cap = member(app, Who::Ansatt, team);
    let case = NewTeamCase {
        meeting: Some(meeting),
        age_band: "1-5".into(),
        summary: "Et barn som er stille i frilek.".into(),
        brought_by: BroughtBy::Staff,
        guardians_present: true,
    };
    app.db
        .write_blocking(|c| team_cases::bring(c, &cap, &case, None, today(), "test"))
        .unwrap()
}

/// A decision on `case` in `meeting`, the staff member responsible.
pub fn decide(
    app: &TestApp,
    team: StandingTeamId,
    meeting: MeetingId,
    case: TeamCaseId,
    text: &str,
) -> DecisionId {
    let planner = member(app, Who::Leder, team).planner().unwrap();
    let d = NewDecision {
        case,
        text: text.into(),
        responsible: app.fx.users[&Who::Ansatt],
        deadline: today() + chrono::Duration::days(14),
    };
    app.db
        .write_blocking(|c| team_cases::decide(c, &planner, meeting, &d, today(), "test"))
        .unwrap()
        .unwrap()
}

/// The «Vedtak fra team» section of «Mine oppgaver» (empty when none).
fn team_section(body: &str) -> &str {
    body.split("<section aria-labelledby=\"team-vedtak\">")
        .nth(1)
        .and_then(|s| s.split("</section>").next())
        .unwrap_or("")
}

fn d(day: chrono::NaiveDate) -> String {
    day.format("%d.%m.%Y").to_string()
}

/// The administrator creates a TST with the short form: it gets the
/// written standard's defaults (its kindergarten, PPT, the health nurse
/// and child welfare fixed, the school not, ≥ 2 in autumn and ≥ 3 in
/// spring, 150 minutes, the three-part agenda); the form refuses a TST
/// without its unit beside the field, keeping the name.
async fn admin_defines_a_tst(app: TestApp) {
    let mut admin = app.client(Who::Kommuneadministrator).await;
    let m = app.fx.municipality;
    let r = admin
        .post(
            &format!("/kommuner/{m}/team"),
            &[("type", "tst"), ("navn", "TST Testlia")],
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("TST Testlia"), "the name is kept");
    assert!(
        r.body.contains("id=\"enhet-error\""),
        "the problem beside the unit"
    );
    let unit = app.fx.unit.to_string();
    let r = admin
        .post(
            &format!("/kommuner/{m}/team"),
            &[("type", "tst"), ("navn", "TST Testlia"), ("enhet", &unit)],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let to = r.location().to_owned();
    assert!(to.contains("melding=team-opprettet"));
    let (id, autumn, spring, minutes, agenda): (String, i32, i32, i32, String) =
        app.with_conn(|c| {
            standing_teams::table
                .filter(standing_teams::name.eq("TST Testlia"))
                .select((
                    standing_teams::id,
                    standing_teams::min_autumn,
                    standing_teams::min_spring,
                    standing_teams::min_minutes,
                    standing_teams::agenda,
                ))
                .first(c)
                .unwrap()
        });
    assert_eq!((autumn, spring, minutes), (2, 3, 150));
    assert!(
        agenda.starts_with("1. Generell diskusjon om tilstanden på enheten"),
        "{agenda}"
    );
    assert!(agenda.contains("3. Observasjon eller samtaler med barn og foresatte"));
    let fixed: Vec<(Option<String>, bool)> = app.with_conn(|c| {
        standing_team_members::table
            .filter(standing_team_members::team_id.eq(&id))
            .select((
                standing_team_members::unit_id,
                standing_team_members::on_demand,
            ))
            .load(c)
            .unwrap()
    });
    let has = |u: UnitId, on_demand: bool| {
        fixed
            .iter()
            .any(|(x, o)| x.as_deref() == Some(u.to_string().as_str()) && *o == on_demand)
    };
    let fx = &app.fx.log;
    assert!(has(app.fx.unit, false) && has(fx.ppt_unit, false) && has(fx.health_unit, false));
    assert!(
        !has(fx.school_unit, false) && !has(fx.school_unit, true),
        "a school is no TST member"
    );
    let welfare: i64 = app.with_conn(|c| {
        use laget_db::schema::units;
        standing_team_members::table
            .inner_join(units::table.on(units::id.nullable().eq(standing_team_members::unit_id)))
            .filter(standing_team_members::team_id.eq(&id))
            .filter(units::kind.eq("barnevern"))
            .filter(standing_team_members::on_demand.eq(false))
            .count()
            .get_result(c)
            .unwrap()
    });
    assert_eq!(welfare, 1, "child welfare is a fixed member");
    // The form shows the team with its rule; the defining is recorded on
    // the municipality.
    let r = admin.get(&to).await;
    assert_eq!(r.status, 200);
    assert!(r.body.contains("Teamet er opprettet med standardoppsettet"));
    let recorded: i64 = app.with_conn(|c| {
        access_log::table
            .filter(access_log::object_type.eq("municipality"))
            .filter(access_log::object_id.eq(m.to_string()))
            .filter(access_log::action.eq("update"))
            .count()
            .get_result(c)
            .unwrap()
    });
    assert!(recorded >= 1);
    // The administrator is no member: the team's own page is a 404.
    let r = admin.get(&format!("/team/{id}")).await;
    assert_eq!(r.status, 404);
}
on_every_backend!(
    the_administrator_defines_a_tst_with_the_written_standards_defaults,
    admin_defines_a_tst
);

/// The semester falls short of the rule until planned and held meetings
/// reach it: the team page warns and the overview marks the team; a
/// cancelled meeting counts no more.
async fn shortfall(app: TestApp) {
    let fx = &app.fx.log;
    let team = make_team(&app, TeamKind::Tst, &[app.fx.unit, fx.ppt_unit], &[], &[]);
    let required = MeetingRule::PerSemester {
        autumn: 2,
        spring: 3,
    }
    .required(Semester::current(today()));
    let mut leader = app.client(Who::Leder).await;
    let day = d(plannable_day());
    let form = |place: &'static str| {
        vec![
            ("dato", day.clone()),
            ("tid", "23:00".to_owned()),
            ("varighet", "150".to_owned()),
            ("sted", place.to_owned()),
            ("agenda", "1. Tilstanden".to_owned()),
        ]
    };
    let as_refs = |v: &[(&'static str, String)]| -> Vec<(&'static str, String)> { v.to_vec() };
    // Too short a meeting is refused beside the field.
    let mut short = as_refs(&form("Møterommet"));
    short[2].1 = "120".into();
    let refs: Vec<(&str, &str)> = short.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = leader.post(&format!("/team/{team}/moter/ny"), &refs).await;
    assert_eq!(r.status, 422);
    assert!(
        r.body.contains("Møtet må vare minst 150 minutter"),
        "{}",
        r.body
    );
    let mut ids = Vec::new();
    for _ in 0..required - 1 {
        let f = form("Møterommet");
        let refs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let r = leader.post(&format!("/team/{team}/moter/ny"), &refs).await;
        assert_eq!(r.status, 303, "{}", r.body);
        ids.push(r.location().split('?').next().unwrap().to_owned());
    }
    let page = leader.get(&format!("/team/{team}")).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("For få møter dette semesteret"));
    assert!(
        page.body.contains("Mangler 1 møte for å oppfylle"),
        "{}",
        page.body
    );
    let overview = format!("/kommuner/{}/team/oversikt", app.fx.municipality);
    let mut admin = app.client(Who::Kommuneadministrator).await;
    let o = admin.get(&overview).await;
    assert_eq!(o.status, 200);
    assert!(
        o.body.contains("1 team har for få møter dette semesteret"),
        "{}",
        o.body
    );
    // One more: the rule is met.
    let f = form("Gymsalen");
    let refs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = leader.post(&format!("/team/{team}/moter/ny"), &refs).await;
    assert_eq!(r.status, 303);
    let page = leader.get(&format!("/team/{team}")).await;
    assert!(!page.body.contains("For få møter"), "{}", page.body);
    let o = admin.get(&overview).await;
    assert!(!o.body.contains("har for få møter"));
    assert!(o.body.contains("Oppfyller regelen"));
    // Cancelling one falls short again; a reason is required.
    let meeting = r.location().split('?').next().unwrap().to_owned();
    let r = leader
        .post(&format!("{meeting}/avlys"), &[("begrunnelse", "")])
        .await;
    assert_eq!(r.status, 422);
    let r = leader
        .post(&format!("{meeting}/avlys"), &[("begrunnelse", "Sykdom.")])
        .await;
    assert_eq!(r.status, 303);
    let page = leader.get(&format!("/team/{team}")).await;
    assert!(page.body.contains("For få møter dette semesteret"));
    assert!(page.body.contains("Avlyst"));
    // Each planned meeting invited the leader by e-mail; the cancelled one
    // sent a cancellation.
    use laget_db::schema::outgoing_mail;
    let kinds: Vec<String> = app.with_conn(|c| {
        outgoing_mail::table
            .filter(outgoing_mail::meeting_id.eq(meeting.rsplit('/').next().unwrap()))
            .order(outgoing_mail::created_at)
            .select(outgoing_mail::kind)
            .load(c)
            .unwrap()
    });
    assert_eq!(kinds, vec!["innkalling", "avlysning"]);
    // A staff member plans nothing.
    let mut staff = app.client(Who::Ansatt).await;
    assert_eq!(
        staff.get(&format!("/team/{team}/moter/ny")).await.status,
        404
    );
    let _ = ids;
}
on_every_backend!(
    a_semester_falls_short_of_the_rule_until_enough_meetings_are_planned,
    shortfall
);

/// Another municipality's administrator gets the unknown page for the
/// team's form, through either municipality's address; a member of no
/// fixed unit (the school, on demand) gets it for every team page.
async fn strangers_get_404(app: TestApp) {
    let fx = &app.fx.log;
    let team = make_team(
        &app,
        TeamKind::Tst,
        &[app.fx.unit, fx.ppt_unit],
        &[fx.school_unit],
        &[],
    );
    let meeting = plan(&app, team, 7);
    let m = app.fx.municipality;
    let other = app.fx.other_municipality;
    let mut admin = app.client(Who::OtherKommuneadministrator).await;
    for path in [
        format!("/kommuner/{m}/team"),
        format!("/kommuner/{m}/team/{team}"),
        format!("/kommuner/{other}/team/{team}"),
        format!("/kommuner/{m}/team/oversikt"),
        format!("/team/{team}"),
        format!("/team/{team}/rapport"),
    ] {
        assert_eq!(admin.get(&path).await.status, 404, "{path}");
    }
    let r = admin
        .post(
            &format!("/kommuner/{other}/team/{team}"),
            &[
                ("navn", "Kapret"),
                ("type", "samhandling_barn"),
                ("regel", "semester"),
                ("host", "1"),
                ("var", "1"),
                ("minutter", "60"),
            ],
        )
        .await;
    assert_eq!(r.status, 404);
    let own = admin.get(&format!("/kommuner/{other}/team")).await;
    assert_eq!(own.status, 200);
    assert!(
        !own.body.contains("TST Testlia"),
        "the other municipality's list"
    );
    // The school is called on demand: not a member.
    let mut school = app.client(Who::SchoolWithoutConsent).await;
    for path in [
        format!("/team/{team}"),
        format!("/team/{team}/moter/{meeting}"),
        format!("/team/{team}/saker/ny"),
        format!("/team/{team}/rapport"),
    ] {
        assert_eq!(school.get(&path).await.status, 404, "{path}");
    }
    let mine = school.get("/team").await;
    assert_eq!(mine.status, 200);
    assert!(!mine.body.contains("TST Testlia"));
    // Staff of a fixed unit see it among their teams.
    let mut ppt = app.client(Who::PptOnTeam).await;
    let mine = ppt.get("/team").await;
    assert!(mine.body.contains("TST Testlia"));
    assert_eq!(
        ppt.get(&format!("/team/{team}/moter/{meeting}"))
            .await
            .status,
        200
    );
}
on_every_backend!(
    other_municipalities_and_non_members_get_404,
    strangers_get_404
);

fn case_form<'a>(kind: &'a str, log: &'a str, summary: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("type", kind),
        ("logg", log),
        ("alder", "6-12"),
        ("sammendrag", summary),
        ("mote", ""),
        ("meldt_av", "ansatt"),
        ("foresatte", "ja"),
    ]
}

/// A named case needs consent covering every fixed unit of the team but the
/// one that keeps the log: the health centre is not covered, so the form
/// names it; on a team of the kindergarten and PPT it is brought, goes on
/// the log's timeline and in its access log; the child is named only to
/// members who may open the log (the health nurse, a member person, sees
/// an anonymous case).
async fn named_cases(app: TestApp) {
    let fx = &app.fx.log;
    let log = fx.log.to_string();
    let summary = "Trenger en plan for overgangen til skolen.";
    let wide = make_team(
        &app,
        TeamKind::Tst,
        &[app.fx.unit, fx.ppt_unit, fx.health_unit],
        &[],
        &[],
    );
    let mut staff = app.client(Who::Ansatt).await;
    let r = staff
        .post(
            &format!("/team/{wide}/saker/ny"),
            &case_form("navngitt", &log, summary),
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(
        r.body.contains("Samtykket i loggen dekker ikke alle de faste enhetene i teamet. Mangler for: Testheia helsestasjon."),
        "{}",
        r.body
    );
    assert!(
        !r.body.contains("Mangler for: Testdalen PPT"),
        "PPT is covered"
    );
    assert!(r.body.contains(summary), "the text is kept");
    let health = app.fx.users[&Who::HealthNotOnTeam];
    let narrow = make_team(
        &app,
        TeamKind::Tst,
        &[app.fx.unit, fx.ppt_unit],
        &[],
        &[health],
    );
    let before: i64 = app.with_conn(|c| {
        access_log::table
            .filter(access_log::object_type.eq("log"))
            .filter(access_log::object_id.eq(&log))
            .filter(access_log::action.eq("update"))
            .count()
            .get_result(c)
            .unwrap()
    });
    let r = staff
        .post(
            &format!("/team/{narrow}/saker/ny"),
            &case_form("navngitt", &log, summary),
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let after: i64 = app.with_conn(|c| {
        access_log::table
            .filter(access_log::object_type.eq("log"))
            .filter(access_log::object_id.eq(&log))
            .filter(access_log::action.eq("update"))
            .count()
            .get_result(c)
            .unwrap()
    });
    assert_eq!(after, before + 1, "the case is in the log's access log");
    let entry: i64 = app.with_conn(|c| {
        log_entries::table
            .filter(log_entries::log_id.eq(&log))
            .filter(log_entries::kind.eq("team_sak"))
            .count()
            .get_result(c)
            .unwrap()
    });
    assert_eq!(entry, 1);
    let page = staff.get(&format!("/logger/{log}")).await;
    assert!(
        page.body.contains("Saken ble meldt inn til TST Testlia"),
        "on the timeline"
    );
    // Who sees the child's name on the team page.
    for (who, named) in [
        (Who::Ansatt, true),
        (Who::Leder, true),
        (Who::PptOnTeam, true),
        (Who::HealthNotOnTeam, false),
    ] {
        let mut client = app.client(who).await;
        let page = client.get(&format!("/team/{narrow}")).await;
        assert_eq!(page.status, 200, "{who:?}");
        assert_eq!(page.body.contains("Testbarn Fikstursen"), named, "{who:?}");
        assert!(page.body.contains(summary), "{who:?} sees the case");
        assert_eq!(page.body.contains("Anonym sak, 6-12 år"), !named, "{who:?}");
    }
    // The health nurse's view names no child and reads no log.
    let reads: i64 = app.with_conn(|c| {
        access_log::table
            .filter(access_log::object_type.eq("log"))
            .filter(access_log::object_id.eq(&log))
            .filter(access_log::actor_id.eq(health.to_string()))
            .count()
            .get_result(c)
            .unwrap()
    });
    assert_eq!(reads, 0);
    // A named case without a log is refused beside the field.
    let r = staff
        .post(
            &format!("/team/{narrow}/saker/ny"),
            &case_form("navngitt", "", summary),
        )
        .await;
    assert_eq!(r.status, 422);
}
on_every_backend!(
    named_cases_need_consent_and_name_the_child_only_to_those_who_may_open_the_log,
    named_cases
);

/// A national identity number in an anonymous case's summary is warned
/// about beside the field (422, nothing saved); ticked as checked, it is
/// saved.
async fn anonymity_warning(app: TestApp) {
    let team = make_team(&app, TeamKind::EarlyIntervention, &[app.fx.unit], &[], &[]);
    let mut staff = app.client(Who::Ansatt).await;
    let summary = format!(
        "Gjelder barnet med fødselsnummer {}.",
        app.fx.log.national_id
    );
    let mut form = case_form("anonym", "", &summary);
    let r = staff.post(&format!("/team/{team}/saker/ny"), &form).await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("id=\"sammendrag-error\""));
    assert!(r.body.contains("et fødselsnummer"), "{}", r.body);
    assert!(
        r.body
            .contains("Jeg har sjekket at teksten ikke identifiserer barnet")
    );
    let saved: i64 = app.with_conn(|c| {
        laget_db::schema::team_cases::table
            .count()
            .get_result(c)
            .unwrap()
    });
    assert_eq!(saved, 0);
    form.push(("sjekket", "ja"));
    let r = staff.post(&format!("/team/{team}/saker/ny"), &form).await;
    assert_eq!(r.status, 303, "{}", r.body);
}
on_every_backend!(
    an_anonymous_case_with_a_national_id_is_warned_about,
    anonymity_warning
);

/// A decision on a team case is the responsible person's task on «Mine
/// oppgaver» (an anonymous case names no child) until they mark it done.
async fn decision_tasks(app: TestApp) {
    let team = make_team(
        &app,
        TeamKind::Tst,
        &[app.fx.unit, app.fx.log.ppt_unit],
        &[],
        &[],
    );
    let meeting = plan(&app, team, 3);
    let case = anonymous_case(&app, team, meeting);
    let mut leader = app.client(Who::Leder).await;
    // The leader decides through the meeting page's form.
    let deadline = d(today() + chrono::Duration::days(10));
    let ansatt = app.fx.users[&Who::Ansatt].to_string();
    let case_s = case.to_string();
    let r = leader
        .post(
            &format!("/team/{team}/moter/{meeting}/vedtak"),
            &[
                ("sak", &case_s),
                ("tekst", ""),
                ("ansvarlig", &ansatt),
                ("frist", &deadline),
            ],
        )
        .await;
    assert_eq!(r.status, 422, "the text is required");
    let r = leader
        .post(
            &format!("/team/{team}/moter/{meeting}/vedtak"),
            &[
                ("sak", &case_s),
                ("tekst", "Kartlegg språket"),
                ("ansvarlig", &ansatt),
                ("frist", &deadline),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    // A staff member decides nothing.
    let mut staff = app.client(Who::Ansatt).await;
    let r = staff
        .post(
            &format!("/team/{team}/moter/{meeting}/vedtak"),
            &[
                ("sak", &case_s),
                ("tekst", "Noe annet"),
                ("ansvarlig", &ansatt),
                ("frist", &deadline),
            ],
        )
        .await;
    assert_eq!(r.status, 404);
    let tasks = staff.get("/mine-oppgaver").await;
    let section = team_section(&tasks.body);
    assert!(section.contains("Vedtak fra team"));
    assert!(section.contains("Kartlegg språket"));
    assert!(section.contains("Anonym sak, 1-5 år"));
    assert!(
        !section.contains("Testbarn Fikstursen"),
        "an anonymous case names no child"
    );
    // Someone else cannot mark it done; the responsible person can.
    let id: String = app.with_conn(|c| {
        laget_db::schema::meeting_decisions::table
            .filter(laget_db::schema::meeting_decisions::text.eq("Kartlegg språket"))
            .select(laget_db::schema::meeting_decisions::id)
            .first(c)
            .unwrap()
    });
    let mut ppt = app.client(Who::PptOnTeam).await;
    let r = ppt
        .post(
            &format!("/team/{team}/vedtak/{id}/utfort"),
            &[("tilbake", "oppgaver")],
        )
        .await;
    assert_eq!(r.status, 404);
    let r = staff
        .post(
            &format!("/team/{team}/vedtak/{id}/utfort"),
            &[("tilbake", "oppgaver")],
        )
        .await;
    assert_eq!(r.status, 303);
    assert!(r.location().starts_with("/mine-oppgaver"));
    let tasks = staff.get("/mine-oppgaver").await;
    assert!(
        !tasks.body.contains("Kartlegg språket"),
        "done: no longer a task"
    );
    let page = staff.get(&format!("/team/{team}/moter/{meeting}")).await;
    assert!(page.body.contains("Kartlegg språket"));
    assert!(page.body.contains("Utført"));
}
on_every_backend!(a_decision_is_a_task_until_marked_done, decision_tasks);

/// A decision on a named case names the child on «Mine oppgaver» only while
/// the responsible person may open the log.
async fn named_decision_task(app: TestApp) {
    let fx = &app.fx.log;
    let team = make_team(&app, TeamKind::Tst, &[app.fx.unit, fx.ppt_unit], &[], &[]);
    let meeting = plan(&app, team, 3);
    let mut staff = app.client(Who::Ansatt).await;
    let log = fx.log.to_string();
    let meeting_s = meeting.to_string();
    let mut form = case_form("navngitt", &log, "Overgang til skolen.");
    form[4] = ("mote", &meeting_s);
    let r = staff.post(&format!("/team/{team}/saker/ny"), &form).await;
    assert_eq!(r.status, 303, "{}", r.body);
    let case: String = app.with_conn(|c| {
        laget_db::schema::team_cases::table
            .filter(laget_db::schema::team_cases::team_id.eq(team.to_string()))
            .select(laget_db::schema::team_cases::id)
            .first(c)
            .unwrap()
    });
    decide(
        &app,
        team,
        meeting,
        case.parse().unwrap(),
        "Lag en overgangsplan",
    );
    let tasks = staff.get("/mine-oppgaver").await;
    let section = team_section(&tasks.body);
    assert!(section.contains("Lag en overgangsplan"));
    assert!(
        section.contains("Testbarn Fikstursen (6-12 år)"),
        "{section}"
    );
}
on_every_backend!(
    a_decision_on_a_named_case_names_the_child_to_whom_may_open_the_log,
    named_decision_task
);

/// The yearly report counts meetings held against the rule per semester,
/// and the cases: anonymous, named, brought by guardians, the share with
/// guardians present; no names.
async fn yearly_report(app: TestApp) {
    let fx = &app.fx.log;
    let team = make_team(&app, TeamKind::Tst, &[app.fx.unit, fx.ppt_unit], &[], &[]);
    let year = chrono::Datelike::year(&today());
    // A meeting held in May of this year (marked held).
    let may = chrono::NaiveDate::from_ymd_opt(year, 5, 15)
        .unwrap()
        .and_hms_opt(10, 0, 0)
        .unwrap()
        .and_utc();
    app.with_conn(|c| {
        diesel::insert_into(meetings::table)
            .values((
                meetings::id.eq(MeetingId::new().to_string()),
                meetings::municipality_id.eq(app.fx.municipality.to_string()),
                meetings::team_id.eq(Some(team.to_string())),
                meetings::kind.eq("team"),
                meetings::status.eq("holdt"),
                meetings::purpose.eq(""),
                meetings::agenda.eq("1."),
                meetings::starts_at.eq(may.timestamp_micros()),
                meetings::ends_at.eq(may.timestamp_micros() + 9_000_000_000),
                meetings::created_at.eq(may.timestamp_micros()),
                meetings::updated_at.eq(may.timestamp_micros()),
            ))
            .execute(c)
            .unwrap()
    });
    let mut staff = app.client(Who::Ansatt).await;
    let log = fx.log.to_string();
    for (kind, log, by, present) in [
        ("anonym", "", "ansatt", "ja"),
        ("anonym", "", "foresatt", "nei"),
        ("navngitt", log.as_str(), "ansatt", "nei"),
    ] {
        let r = staff
            .post(
                &format!("/team/{team}/saker/ny"),
                &[
                    ("type", kind),
                    ("logg", log),
                    ("alder", "1-5"),
                    ("sammendrag", "Drøfting av språk."),
                    ("meldt_av", by),
                    ("foresatte", present),
                ],
            )
            .await;
        assert_eq!(r.status, 303, "{}", r.body);
    }
    let mut admin = app.client(Who::Kommuneadministrator).await;
    let r = admin.get(&format!("/team/{team}/rapport?ar={year}")).await;
    assert_eq!(r.status, 200);
    let body = r.body;
    let counts = body.split("id=\"saker-i-aret\"").nth(1).unwrap();
    for (label, n) in [
        ("Saker i alt", "3"),
        ("Anonyme", "2"),
        ("Navngitte", "1"),
        ("Meldt inn av foresatte", "1"),
        ("Med foresatte til stede", "1"),
        ("Andel saker med foresatte til stede", "33 %"),
    ] {
        assert!(
            counts.contains(&format!("<dt>{label}</dt><dd>{n}</dd>")),
            "{label}: {counts}"
        );
    }
    assert!(
        body.contains(&format!(
            "<th scope=\"row\">Våren {year}</th><td data-label=\"Krav\">3</td><td data-label=\"Holdt\">1</td>"
        )),
        "spring: 3 required, 1 held: {body}"
    );
    assert!(!body.contains("Testbarn Fikstursen"), "no names");
    assert!(!body.contains("Drøfting av språk"), "no case text");
}
on_every_backend!(the_yearly_report_counts_meetings_and_cases, yearly_report);
