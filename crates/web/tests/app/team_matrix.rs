//! Standing teams, route × role, in one table like `log_matrix.rs`. The
//! columns are every role of the other matrices (`Who::ALL` and `Who::LOG`):
//! the fixture team is a TST of «Testlia barnehage» led by its leader
//! (`Who::Leder`), with the kindergarten, PPT and the health centre as fixed
//! units (so `Who::Ansatt`, `Who::PptOnTeam` and `Who::HealthNotOnTeam` are
//! members) and the school on demand (`Who::SchoolWithoutConsent` is not);
//! child welfare, the coordinating unit, the offer editor and the
//! administrators are no members. The leader has called the school's staff
//! member in to the fixture meeting, which they alone of the non-members
//! see. The municipality's administrator (and the system administrator)
//! define teams; its unit leaders and its administrator see the overview
//! and the yearly reports.
//!
//! The citizens of the family's portal are columns too (they are in
//! `Who::ALL`): on these staff routes each gets the anonymous visitor's
//! answer (`access_matrix::Row::staff_expected`).
//!
//! Part of `access_matrix::every_route_has_a_row_and_every_row_a_route`.

use crate::access_matrix::{Row, row, row_problems};
use crate::on_every_backend;
use crate::teams::{anonymous_case, decide, make_team, member, plan, today};
use diesel::prelude::*;
use laget_db::schema::{meeting_decisions, meeting_participants, meetings, team_cases};
use laget_domain::ids::{DecisionId, MeetingId, StandingTeamId, TeamCaseId};
use laget_domain::meetings::teams::TeamKind;
use laget_testkit::{TestApp, Who};

const OK: u16 = 200;
const SEE: u16 = 303;
const NO: u16 = 404;

/// Every role of the other matrices.
fn columns() -> Vec<Who> {
    let mut all: Vec<Who> = Who::ALL.into_iter().chain(Who::LOG).collect();
    all.sort_by_key(|w| format!("{w:?}"));
    all.dedup();
    all
}

const NEW_TEAM: &[(&str, &str)] = &[("type", "samhandling_barn"), ("navn", "Matriseteam")];
/// The fixture team's values under another name.
const TEAM: &[(&str, &str)] = &[
    ("navn", "TST Matrise"),
    ("type", "tst"),
    ("enhet", "{unit}"),
    ("leder", "{leader}"),
    ("regel", "semester"),
    ("host", "2"),
    ("var", "3"),
    ("minutter", "150"),
    ("agenda", "1. Tilstanden"),
    ("aktiv", "ja"),
    ("m_enhet_{unit}", "fast"),
    ("m_enhet_{ppt_unit}", "fast"),
    ("m_enhet_{health_unit}", "fast"),
    ("m_enhet_{school_unit}", "behov"),
];
const PLAN: &[(&str, &str)] = &[
    ("dato", "{in_a_week}"),
    ("tid", "09:00"),
    ("varighet", "150"),
    ("sted", "Møterommet"),
    ("agenda", "1. Tilstanden"),
];
const CASE: &[(&str, &str)] = &[
    ("type", "anonym"),
    ("alder", "1-5"),
    ("sammendrag", "Stille i frilek."),
    ("meldt_av", "ansatt"),
    ("foresatte", "ja"),
];
const DECIDE: &[(&str, &str)] = &[
    ("sak", "{case}"),
    ("tekst", "Observer i to uker."),
    ("ansvarlig", "{ansatt}"),
    ("frist", "{in_a_week}"),
];
const CANCEL: &[(&str, &str)] = &[("begrunnelse", "Sykdom.")];
const MINUTES: &[(&str, &str)] = &[
    ("generelt", "Tilstanden er god."),
    ("notat_{case}", "Drøftet."),
    ("foresatte_{case}", "ja"),
    ("foresatte_{open_case}", "nei"),
];
const CALL: &[(&str, &str)] = &[("person", "{school_user}")];
const WITHDRAW: &[(&str, &str)] = &[("begrunnelse", "Meldt inn to ganger.")];

/// Rows run in order on one database per engine; [`prepare`] puts the
/// fixture's decision (not done), meeting (planned, its minutes a whole
/// draft), the school's call-in and the case to withdraw back before each
/// cell of the rows that change them. The fixture meeting began two hours
/// ago, so that its minutes may be written.
#[rustfmt::skip]
pub const TEAM_MATRIX: &[Row] = &[
    // method path                                                 form       rest roles whose answer differs
    row("GET",  "/kommuner/{municipality}/team",                   &[],       NO,  &[(Who::Anonymous, SEE), (Who::Kommuneadministrator, OK), (Who::Systemadmin, OK)]),
    row("POST", "/kommuner/{municipality}/team",                   NEW_TEAM,  NO,  &[(Who::Anonymous, SEE), (Who::Kommuneadministrator, SEE), (Who::Systemadmin, SEE)]),
    row("GET",  "/kommuner/{municipality}/team/oversikt",          &[],       NO,  &[(Who::Anonymous, SEE), (Who::Leder, OK), (Who::Kommuneadministrator, OK), (Who::Systemadmin, OK)]),
    row("GET",  "/kommuner/{municipality}/team/{team}",            &[],       NO,  &[(Who::Anonymous, SEE), (Who::Kommuneadministrator, OK), (Who::Systemadmin, OK)]),
    row("POST", "/kommuner/{municipality}/team/{team}",            TEAM,      NO,  &[(Who::Anonymous, SEE), (Who::Kommuneadministrator, SEE), (Who::Systemadmin, SEE)]),
    row("GET",  "/team",                                           &[],       OK,  &[(Who::Anonymous, SEE)]),
    row("GET",  "/team/{team}",                                    &[],       NO,  &[(Who::Anonymous, SEE), (Who::Ansatt, OK), (Who::Leder, OK), (Who::PptOnTeam, OK), (Who::HealthNotOnTeam, OK)]),
    row("GET",  "/team/{team}/rapport",                            &[],       NO,  &[(Who::Anonymous, SEE), (Who::Ansatt, OK), (Who::Leder, OK), (Who::PptOnTeam, OK), (Who::HealthNotOnTeam, OK), (Who::Kommuneadministrator, OK), (Who::Systemadmin, OK)]),
    row("GET",  "/team/{team}/moter/ny",                           &[],       NO,  &[(Who::Anonymous, SEE), (Who::Leder, OK)]),
    // The school is on demand and called in to this meeting: it sees the meeting, nothing else of the team.
    row("GET",  "/team/{team}/moter/{meeting}",                    &[],       NO,  &[(Who::Anonymous, SEE), (Who::Ansatt, OK), (Who::Leder, OK), (Who::PptOnTeam, OK), (Who::HealthNotOnTeam, OK), (Who::SchoolWithoutConsent, OK)]),
    row("GET",  "/team/{team}/saker/ny",                           &[],       NO,  &[(Who::Anonymous, SEE), (Who::Ansatt, OK), (Who::Leder, OK), (Who::PptOnTeam, OK), (Who::HealthNotOnTeam, OK)]),
    row("POST", "/team/{team}/moter/ny",                           PLAN,      NO,  &[(Who::Anonymous, SEE), (Who::Leder, SEE)]),
    row("POST", "/team/{team}/saker/ny",                           CASE,      NO,  &[(Who::Anonymous, SEE), (Who::Ansatt, SEE), (Who::Leder, SEE), (Who::PptOnTeam, SEE), (Who::HealthNotOnTeam, SEE)]),
    row("POST", "/team/{team}/moter/{meeting}/vedtak",             DECIDE,    NO,  &[(Who::Anonymous, SEE), (Who::Leder, SEE)]),
    // The fixture's decision is open again before each cell: its responsible person (the staff member) and the leader mark it done.
    row("POST", "/team/{team}/vedtak/{decision}/utfort",           &[],       NO,  &[(Who::Anonymous, SEE), (Who::Ansatt, SEE), (Who::Leder, SEE)]),
    // Minutes: any member drafts (a whole draft again before each cell), the leader approves.
    row("GET",  "/team/{team}/moter/{meeting}/referat",            &[],       NO,  &[(Who::Anonymous, SEE), (Who::Ansatt, OK), (Who::Leder, OK), (Who::PptOnTeam, OK), (Who::HealthNotOnTeam, OK)]),
    row("POST", "/team/{team}/moter/{meeting}/referat",            MINUTES,   NO,  &[(Who::Anonymous, SEE), (Who::Ansatt, SEE), (Who::Leder, SEE), (Who::PptOnTeam, SEE), (Who::HealthNotOnTeam, SEE)]),
    row("POST", "/team/{team}/moter/{meeting}/referat/godkjenn",   &[],       NO,  &[(Who::Anonymous, SEE), (Who::Leder, SEE)]),
    // The school's call-in is taken back before each cell: the leader calls it in.
    row("POST", "/team/{team}/moter/{meeting}/innkall",            CALL,      NO,  &[(Who::Anonymous, SEE), (Who::Leder, SEE)]),
    // {case} is here the fixture's second case (no decision), brought by the staff member: they and the leader withdraw it.
    row("GET",  "/team/{team}/saker/{case}/trekk",                 &[],       NO,  &[(Who::Anonymous, SEE), (Who::Ansatt, OK), (Who::Leder, OK)]),
    row("POST", "/team/{team}/saker/{case}/trekk",                 WITHDRAW,  NO,  &[(Who::Anonymous, SEE), (Who::Ansatt, SEE), (Who::Leder, SEE)]),
    // The fixture's meeting is planned again before each cell.
    row("POST", "/team/{team}/moter/{meeting}/avlys",              CANCEL,    NO,  &[(Who::Anonymous, SEE), (Who::Leder, SEE)]),
];

/// The fixture team and what hangs on it.
struct Fixture {
    team: StandingTeamId,
    meeting: MeetingId,
    case: TeamCaseId,
    decision: DecisionId,
    /// A second case on the meeting, without a decision (to withdraw).
    open_case: TeamCaseId,
    /// The school's staff member's invitation as called in.
    call: String,
}

impl Fixture {
    fn new(app: &TestApp) -> Self {
        let fx = &app.fx.log;
        let team = make_team(
            app,
            TeamKind::Tst,
            &[app.fx.unit, fx.ppt_unit, fx.health_unit],
            &[fx.school_unit],
            &[],
        );
        let meeting = plan(app, team, 7);
        let case = anonymous_case(app, team, meeting);
        let decision = decide(app, team, meeting, case, "Kartlegg språket.");
        let open_case = anonymous_case(app, team, meeting);
        let planner = member(app, Who::Leder, team).planner().unwrap();
        let school = app.fx.users[&Who::SchoolWithoutConsent];
        app.db
            .write_blocking(|c| laget_db::meetings::teams::call_in(c, &planner, meeting, school))
            .unwrap();
        let call: String = app.with_conn(|c| {
            meeting_participants::table
                .filter(meeting_participants::meeting_id.eq(meeting.to_string()))
                .filter(meeting_participants::user_id.eq(school.to_string()))
                .select(meeting_participants::id)
                .first(c)
                .unwrap()
        });
        // Begun two hours ago: its minutes may be written.
        let start = chrono::Utc::now() - chrono::Duration::hours(2);
        app.with_conn(|c| {
            diesel::update(meetings::table.find(meeting.to_string()))
                .set((
                    meetings::starts_at.eq(start.timestamp_micros()),
                    meetings::ends_at
                        .eq((start + chrono::Duration::minutes(150)).timestamp_micros()),
                ))
                .execute(c)
        })
        .unwrap();
        Self {
            team,
            meeting,
            case,
            decision,
            open_case,
            call,
        }
    }

    /// `TestApp::concrete_for` as `who`, and the team's own placeholders.
    fn concrete(&self, app: &TestApp, who: Who, pattern: &str) -> String {
        let in_a_week = (today() + chrono::Duration::days(7))
            .format("%d.%m.%Y")
            .to_string();
        app.concrete_for(
            who,
            &pattern
                .replace("{case}/trekk", &format!("{}/trekk", self.open_case))
                .replace("{open_case}", &self.open_case.to_string())
                .replace(
                    "{school_user}",
                    &app.fx.users[&Who::SchoolWithoutConsent].to_string(),
                )
                .replace("{team}", &self.team.to_string())
                .replace("{meeting}", &self.meeting.to_string())
                .replace("{case}", &self.case.to_string())
                .replace("{decision}", &self.decision.to_string())
                .replace("{leader}", &app.fx.users[&Who::Leder].to_string())
                .replace("{ansatt}", &app.fx.users[&Who::Ansatt].to_string())
                .replace("{school_unit}", &app.fx.log.school_unit.to_string())
                .replace("{in_a_week}", &in_a_week),
        )
    }

    fn prepare(&self, app: &TestApp, path: &str) {
        app.with_conn(|c| {
            if path.ends_with("/innkall") {
                // Taken back: the leader may call the school in again.
                diesel::update(
                    meeting_participants::table
                        .filter(meeting_participants::meeting_id.eq(self.meeting.to_string()))
                        .filter(meeting_participants::called_in.eq(true)),
                )
                .set(meeting_participants::removed_at.eq(Some(0_i64)))
                .execute(c)?;
            } else {
                diesel::update(meeting_participants::table.find(&self.call))
                    .set(meeting_participants::removed_at.eq(None::<i64>))
                    .execute(c)?;
            }
            if path.contains("/referat") {
                // A whole draft: everyone's attendance, a note on each case.
                diesel::update(meetings::table.find(self.meeting.to_string()))
                    .set((
                        meetings::status.eq("planlagt"),
                        meetings::minutes_status.eq("utkast"),
                    ))
                    .execute(c)?;
                diesel::update(
                    meeting_participants::table
                        .filter(meeting_participants::meeting_id.eq(self.meeting.to_string())),
                )
                .set(meeting_participants::attended.eq(Some(true)))
                .execute(c)?;
                diesel::update(
                    team_cases::table.filter(team_cases::meeting_id.eq(self.meeting.to_string())),
                )
                .set(team_cases::minutes_note.eq(Some("Drøftet.")))
                .execute(c)?;
            }
            if path.ends_with("/trekk") {
                diesel::update(team_cases::table.find(self.open_case.to_string()))
                    .set((
                        team_cases::withdrawn_at.eq(None::<i64>),
                        team_cases::withdrawn_by.eq(None::<String>),
                    ))
                    .execute(c)?;
            }
            Ok::<_, diesel::result::Error>(())
        })
        .unwrap();
        if path.ends_with("/utfort") {
            app.with_conn(|c| {
                diesel::update(meeting_decisions::table.find(self.decision.to_string()))
                    .set((
                        meeting_decisions::done_at.eq(None::<i64>),
                        meeting_decisions::done_by.eq(None::<String>),
                    ))
                    .execute(c)
            })
            .unwrap();
        }
        if path.ends_with("/avlys") {
            app.with_conn(|c| {
                diesel::update(meetings::table.find(self.meeting.to_string()))
                    .set((
                        meetings::status.eq("planlagt"),
                        meetings::cancelled_at.eq(None::<i64>),
                    ))
                    .execute(c)
            })
            .unwrap();
        }
    }
}

#[test]
fn rows_name_each_role_once_and_only_columns() {
    let problems = row_problems(TEAM_MATRIX, &columns());
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

async fn team_matrix(app: TestApp) {
    let f = Fixture::new(&app);
    let mut failures = Vec::new();
    for r in TEAM_MATRIX {
        for who in columns() {
            let path = f.concrete(&app, who, r.path);
            // A citizen gets the anonymous visitor's answer (`Row::staff_expected`).
            let expected = r.staff_expected(who);
            f.prepare(&app, r.path);
            let mut client = app.client(who).await;
            let response = match r.method {
                "GET" => client.get(&path).await,
                _ => {
                    let form: Vec<(String, String)> = r
                        .form_fields()
                        .iter()
                        .map(|(k, v)| (f.concrete(&app, who, k), f.concrete(&app, who, v)))
                        .collect();
                    let form: Vec<(&str, &str)> =
                        form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
                    client.post(&path, &form).await
                }
            };
            if response.status.as_u16() != expected {
                failures.push(format!(
                    "{} {} as {who:?}: expected {expected}, got {}",
                    r.method, r.path, response.status
                ));
            }
            // Where a 303 goes, and that a 404 is the unknown page naming
            // none of the path's ids.
            for problem in
                crate::privacy_rules::answer_problems(&app, &mut client, who, &path, &response)
                    .await
            {
                failures.push(format!("{} {} as {who:?}: {problem}", r.method, r.path));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{:?}: team access matrix mismatches:\n{}",
        app.backend,
        failures.join("\n")
    );
}
on_every_backend!(team_access_matrix_holds, team_matrix);
