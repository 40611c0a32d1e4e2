//! Meetings, route × role, in two tables like `log_matrix.rs`:
//!
//! - [`MEETING_MATRIX`]: the case meetings in a child's log (calling,
//!   changing, cancelling, answering, the child's voice, the printed
//!   invitation; minutes, decisions and ratings), with the log matrix's
//!   columns (`Who::LOG`): meeting content is log content.
//! - [`MEETING_ADMIN_MATRIX`]: the municipality's pages about meetings (the
//!   templates), with the access matrix's columns (`Who::ALL`), which include
//!   another municipality's administrator.
//!
//! Both are part of `access_matrix::every_route_has_a_row_and_every_row_a_route`,
//! so a meeting route without a row here fails.
//!
//! To add a row: put it in the right table (reads before writes; a row that
//! ends a state needs [`prepare`] to put it back before each cell). Path
//! placeholders beyond `TestApp::concrete`'s are the meeting fixture's
//! ([`MeetingFixture::concrete`]: `{meeting}`, `{decision}`, …); add a field
//! and a `.replace` there for a new one.

use crate::access_matrix::{Row, row};
use crate::on_every_backend;
use diesel::prelude::*;
use laget_db::schema::{meeting_decisions, meeting_participants, meeting_ratings, meetings};
use laget_domain::ids::{DecisionId, MeetingId, ParticipantId};
use laget_testkit::{TestApp, Who};

const OK: u16 = 200;
const SEE: u16 = 303;
const NO: u16 = 404;
const BAD: u16 = 422;

// The columns of MEETING_MATRIX, `Who::LOG`: anonymous, ansatt (the lead),
// leder (of the keeping unit), PPT (team + consent for sharing and meetings),
// school (team, one guardian's consent only), health (not on team), child
// welfare (break-glass), koordinerende enhet, kommuneadministrator,
// systemadministrator; and the four citizens, who get the anonymous
// visitor's answer on these staff routes (`access_matrix::Row::staff_expected`;
// the youth tries them on their own log).

/// A meeting the lead calls: a cooperation meeting in a week with PPT.
const CALL: &[(&str, &str)] = &[
    ("type", "samarbeid"),
    ("formal", "Bli enige om tiltak."),
    ("agenda", "1. Barnets stemme\n2. Tiltak"),
    ("dato", "{in_a_week}"),
    ("fra", "09:00"),
    ("til", "10:00"),
    ("sted", "Møterom 1"),
    ("ansatte", "{ppt_user}:{ppt_unit}"),
];
const CANCEL: &[(&str, &str)] = &[("grunn", "Foreldrene er syke.")];
/// The fixture meeting's minutes as a draft, its decision for PPT kept.
const MINUTES: &[(&str, &str)] = &[
    ("stemme", "Vil være med i språkgruppa."),
    ("droftet", "Språk og lek."),
    ("vedtak_antall", "1"),
    ("vedtak_1_id", "{decision}"),
    ("vedtak_1_tekst", "Søke plass i språkgruppe."),
    ("vedtak_1_ansvarlig", "{ppt_user}"),
    ("vedtak_1_frist", "{in_a_week}"),
];
const DONE: &[(&str, &str)] = &[("notat", "Søknad sendt.")];
const RATE: &[(&str, &str)] = &[
    ("hvem", "foresatt:{mother}"),
    ("poeng", "4"),
    ("kommentar", "Nyttig."),
];
const RATE_ZERO: &[(&str, &str)] = &[("hvem", "foresatt:{mother}"), ("poeng", "0")];
const ANSWER: &[(&str, &str)] = &[("svar", "kommer"), ("merknad", "")];
const TEMPLATE: &[(&str, &str)] = &[
    ("formal_samarbeid", "Samarbeid."),
    ("agenda_samarbeid", "1. Runde"),
    ("referat_samarbeid", "Vedtak med ansvarlig og frist."),
    ("dager_samarbeid", "7"),
    ("formal_ansvarsgruppe", "Ansvarsgruppe."),
    ("agenda_ansvarsgruppe", "1. Runde"),
    ("referat_ansvarsgruppe", "Vedtak med ansvarlig og frist."),
    ("dager_ansvarsgruppe", "7"),
    ("formal_instans", "Instansmøte."),
    ("agenda_instans", "1. Runde"),
    ("referat_instans", "Vedtak med ansvarlig og frist."),
    ("dager_instans", "3"),
];

/// The case meetings in the fixture log. Rows run in order on one
/// database: reads first, then changes; [`prepare`] puts the fixture
/// meeting back (planned, PPT's answer pending) before each cell.
#[rustfmt::skip]
pub const MEETING_MATRIX: &[Row] = &[
    // method path                                               form      rest roles whose answer differs
    row("GET",  "/logger/{log}/moter/ny",                        &[],      NO,  &[(Who::Anonymous, SEE), (Who::Ansatt, OK), (Who::Leder, OK)]),
    row("GET",  "/logger/{log}/moter/{meeting}",                 &[],      NO,  &[(Who::Anonymous, SEE), (Who::Ansatt, OK), (Who::Leder, OK), (Who::PptOnTeam, OK), (Who::ChildWelfareBreakGlass, OK)]),
    row("GET",  "/logger/{log}/moter/{meeting}/innkalling",      &[],      NO,  &[(Who::Anonymous, SEE), (Who::Ansatt, OK), (Who::Leder, OK), (Who::PptOnTeam, OK), (Who::ChildWelfareBreakGlass, OK)]),
    row("GET",  "/logger/{log}/moter/{meeting}/endre",           &[],      NO,  &[(Who::Anonymous, SEE), (Who::Ansatt, OK), (Who::Leder, OK)]),
    row("POST", "/logger/{log}/moter/ny",                        CALL,     NO,  &[(Who::Anonymous, SEE), (Who::Ansatt, SEE), (Who::Leder, SEE)]),
    row("POST", "/logger/{log}/moter/{meeting}/endre",           CALL,     NO,  &[(Who::Anonymous, SEE), (Who::Ansatt, SEE), (Who::Leder, SEE)]),
    // Only the invited answer: PPT is invited to the fixture meeting.
    row("POST", "/logger/{log}/moter/{meeting}/svar",            ANSWER,   NO,  &[(Who::Anonymous, SEE), (Who::PptOnTeam, SEE)]),
    row("POST", "/logger/{log}/moter/{meeting}/stemme",          &[],      NO,  &[(Who::Anonymous, SEE), (Who::Ansatt, SEE), (Who::Leder, SEE)]),
    // A cancel without a reason is refused beside the field (past the rights check).
    row("POST", "/logger/{log}/moter/{meeting}/avlys",           &[],      NO,  &[(Who::Anonymous, SEE), (Who::Ansatt, BAD), (Who::Leder, BAD)]),
    row("POST", "/logger/{log}/moter/{meeting}/avlys",           CANCEL,   NO,  &[(Who::Anonymous, SEE), (Who::Ansatt, SEE), (Who::Leder, SEE)]),
    // Minutes, decisions, ratings (H3): [`prepare`] moves the meeting to
    // two days ago, its minutes a whole draft with the decision for PPT
    // (approved for the rows on the decision and the ratings). Break-glass
    // reads and prints them, and writes nothing.
    row("GET",  "/logger/{log}/moter/{meeting}/referat",                  &[],       NO,  &[(Who::Anonymous, SEE), (Who::Ansatt, OK), (Who::Leder, OK), (Who::PptOnTeam, OK), (Who::ChildWelfareBreakGlass, OK)]),
    row("GET",  "/logger/{log}/moter/{meeting}/referat/utskrift",         &[],       NO,  &[(Who::Anonymous, SEE), (Who::Ansatt, OK), (Who::Leder, OK), (Who::PptOnTeam, OK), (Who::ChildWelfareBreakGlass, OK)]),
    row("GET",  "/logger/{log}/moter/{meeting}/vurdering",                &[],       NO,  &[(Who::Anonymous, SEE), (Who::Ansatt, OK), (Who::Leder, OK), (Who::PptOnTeam, OK)]),
    // Any writer drafts; only the holder (the lead, the keeping unit's leader) approves.
    row("POST", "/logger/{log}/moter/{meeting}/referat",                  MINUTES,   NO,  &[(Who::Anonymous, SEE), (Who::Ansatt, SEE), (Who::Leder, SEE), (Who::PptOnTeam, SEE)]),
    row("POST", "/logger/{log}/moter/{meeting}/referat/godkjenn",         &[],       NO,  &[(Who::Anonymous, SEE), (Who::Ansatt, SEE), (Who::Leder, SEE)]),
    // The decision's responsible person (PPT) or the holder marks it done.
    row("POST", "/logger/{log}/moter/{meeting}/vedtak/{decision}/utfort", DONE,      NO,  &[(Who::Anonymous, SEE), (Who::Ansatt, SEE), (Who::Leder, SEE), (Who::PptOnTeam, SEE)]),
    // A score of 0 is refused beside the field (past the rights check).
    row("POST", "/logger/{log}/moter/{meeting}/vurdering",                RATE_ZERO, NO,  &[(Who::Anonymous, SEE), (Who::Ansatt, BAD), (Who::Leder, BAD), (Who::PptOnTeam, BAD)]),
    row("POST", "/logger/{log}/moter/{meeting}/vurdering",                RATE,      NO,  &[(Who::Anonymous, SEE), (Who::Ansatt, SEE), (Who::Leder, SEE), (Who::PptOnTeam, SEE)]),
];

/// The municipality's pages about meetings.
#[rustfmt::skip]
pub const MEETING_ADMIN_MATRIX: &[Row] = &[
    row("GET",  "/kommuner/{municipality}/motemaler",            &[],      NO,  &[(Who::Anonymous, SEE), (Who::Kommuneadministrator, OK), (Who::Systemadmin, OK)]),
    row("POST", "/kommuner/{municipality}/motemaler",            TEMPLATE, NO,  &[(Who::Anonymous, SEE), (Who::Kommuneadministrator, SEE), (Who::Systemadmin, SEE)]),
];

/// What the meeting rows need beyond the standard fixtures: a planned
/// cooperation meeting in the fixture log, called by the lead, with PPT's
/// staff member and the mother invited.
pub struct MeetingFixture {
    pub meeting: MeetingId,
    /// PPT's invitation to it.
    pub ppt_participant: ParticipantId,
    /// When it begins, as made.
    pub starts_at: i64,
    /// A decision in its minutes, PPT responsible (`{decision}`).
    pub decision: DecisionId,
}

impl MeetingFixture {
    /// Inserts the meeting as stored rows (independent of the functions
    /// under test).
    pub fn create(app: &TestApp) -> Self {
        let meeting = MeetingId::new();
        let ppt_participant = ParticipantId::new();
        let decision = DecisionId::new();
        let now = chrono::Utc::now();
        let start = now + chrono::Duration::days(7);
        let micros = |t: chrono::DateTime<chrono::Utc>| t.timestamp_micros();
        let fx = &app.fx;
        app.with_conn(|c| {
            diesel::insert_into(meetings::table)
                .values((
                    meetings::id.eq(meeting.to_string()),
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
                    meetings::voice_due.eq(Some(
                        (start.date_naive() - chrono::Duration::days(7))
                            .format("%Y-%m-%d")
                            .to_string(),
                    )),
                    meetings::called_by.eq(Some(fx.users[&Who::Ansatt].to_string())),
                    meetings::created_at.eq(micros(now)),
                    meetings::updated_at.eq(micros(now)),
                ))
                .execute(c)?;
            // One row at a time: the two engines share no batch insert.
            let participants = [
                (
                    ppt_participant,
                    "ansatt",
                    Some(fx.users[&Who::PptOnTeam].to_string()),
                    Some(fx.log.ppt_unit.to_string()),
                    None,
                    "Petra Testppt",
                ),
                (
                    ParticipantId::new(),
                    "foresatt",
                    None,
                    None,
                    Some(fx.log.mother.to_string()),
                    "Mona Fikstursen",
                ),
            ];
            for (id, kind, user, unit, guardian, name) in participants {
                diesel::insert_into(meeting_participants::table)
                    .values((
                        meeting_participants::id.eq(id.to_string()),
                        meeting_participants::meeting_id.eq(meeting.to_string()),
                        meeting_participants::kind.eq(kind),
                        meeting_participants::user_id.eq(user),
                        meeting_participants::unit_id.eq(unit),
                        meeting_participants::guardian_id.eq(guardian),
                        meeting_participants::name.eq(name),
                        meeting_participants::added_at.eq(micros(now)),
                    ))
                    .execute(c)?;
            }
            diesel::insert_into(meeting_decisions::table)
                .values((
                    meeting_decisions::id.eq(decision.to_string()),
                    meeting_decisions::meeting_id.eq(meeting.to_string()),
                    meeting_decisions::position.eq(0),
                    meeting_decisions::text.eq("Søke plass i språkgruppe."),
                    meeting_decisions::responsible_user_id
                        .eq(Some(fx.users[&Who::PptOnTeam].to_string())),
                    meeting_decisions::deadline
                        .eq((start.date_naive() + chrono::Duration::days(7))
                            .format("%Y-%m-%d")
                            .to_string()),
                    meeting_decisions::created_at.eq(micros(now)),
                ))
                .execute(c)?;
            Ok::<_, diesel::result::Error>(())
        })
        .unwrap();
        Self {
            meeting,
            ppt_participant,
            starts_at: micros(start),
            decision,
        }
    }

    /// A route pattern or form value with the meeting fixture's
    /// placeholders, then the standard ones as `who` tries it
    /// (`TestApp::concrete_for`: the youth on their own log), replaced.
    pub fn concrete(&self, app: &TestApp, who: Who, pattern: &str) -> String {
        let in_a_week = (chrono::Utc::now() + chrono::Duration::days(7))
            .with_timezone(&chrono_tz::Europe::Oslo)
            .format("%d.%m.%Y")
            .to_string();
        let pattern = pattern
            .replace("{meeting}", &self.meeting.to_string())
            .replace("{decision}", &self.decision.to_string())
            .replace("{in_a_week}", &in_a_week)
            .replace("{ppt_user}", &app.fx.users[&Who::PptOnTeam].to_string());
        app.concrete_for(who, &pattern)
    }
}

/// Puts back what a row's action ends, so that each cell meets the same
/// state: the fixture meeting planned (not cancelled), its time and place
/// as made, PPT invited with no answer yet. For the rows on its minutes
/// (`/referat`, `/vedtak/`, `/vurdering`) the meeting began two days ago,
/// its minutes are a whole draft (approved for the decision and the
/// ratings) with the decision for PPT not done, and nobody has rated it.
fn prepare(app: &TestApp, fx: &MeetingFixture, path: &str) {
    let minutes = ["/referat", "/vedtak/", "/vurdering"]
        .iter()
        .any(|p| path.contains(p));
    let approved = path.contains("/vedtak/") || path.contains("/vurdering");
    let hour = 3_600_000_000_i64;
    let starts = if minutes {
        chrono::Utc::now().timestamp_micros() - 48 * hour
    } else {
        fx.starts_at
    };
    app.with_conn(|c| {
        diesel::update(meetings::table.find(fx.meeting.to_string()))
            .set((
                meetings::status.eq("planlagt"),
                meetings::cancelled_at.eq(None::<i64>),
                meetings::cancel_reason.eq(None::<String>),
                meetings::voice_done_at.eq(None::<i64>),
                meetings::starts_at.eq(starts),
                meetings::ends_at.eq(starts + hour),
            ))
            .execute(c)?;
        diesel::update(meetings::table.find(fx.meeting.to_string()))
            .set((
                meetings::minutes_status.eq(match (minutes, approved) {
                    (false, _) => "ingen",
                    (true, false) => "utkast",
                    (true, true) => "godkjent",
                }),
                meetings::minutes_voice.eq(minutes.then_some("Vil være med.")),
                meetings::minutes_discussed.eq(minutes.then_some("Språk.")),
                meetings::minutes_approved_by.eq(None::<String>),
                meetings::minutes_approved_at.eq(None::<i64>),
            ))
            .execute(c)?;
        // Everyone invited as made (a change by an earlier row may have
        // taken the mother off), each present in the minutes' rows.
        let invited = || {
            meeting_participants::table
                .filter(meeting_participants::meeting_id.eq(fx.meeting.to_string()))
        };
        if minutes {
            diesel::update(invited())
                .set(meeting_participants::removed_at.eq(None::<i64>))
                .execute(c)?;
        }
        diesel::update(invited())
            .set(meeting_participants::attended.eq(minutes.then_some(true)))
            .execute(c)?;
        diesel::update(meeting_decisions::table.find(fx.decision.to_string()))
            .set((
                meeting_decisions::done_at.eq(None::<i64>),
                meeting_decisions::done_by.eq(None::<String>),
                meeting_decisions::done_note.eq(None::<String>),
            ))
            .execute(c)?;
        diesel::delete(
            meeting_ratings::table.filter(meeting_ratings::meeting_id.eq(fx.meeting.to_string())),
        )
        .execute(c)?;
        diesel::update(meeting_participants::table.find(fx.ppt_participant.to_string()))
            .set((
                meeting_participants::response.eq("venter"),
                meeting_participants::response_note.eq(None::<String>),
                meeting_participants::answered_at.eq(None::<i64>),
                meeting_participants::removed_at.eq(None::<i64>),
            ))
            .execute(c)
    })
    .unwrap();
}

async fn run(app: &TestApp, fx: &MeetingFixture, rows: &[Row], columns: &[Who]) -> Vec<String> {
    let mut failures = Vec::new();
    for r in rows {
        for who in columns {
            let path = fx.concrete(app, *who, r.path);
            // A citizen gets the anonymous visitor's answer (`Row::staff_expected`).
            let expected = r.staff_expected(*who);
            prepare(app, fx, r.path);
            let mut client = app.client(*who).await;
            let response = match r.method {
                "GET" => client.get(&path).await,
                _ => {
                    let form: Vec<(String, String)> = r
                        .form_fields()
                        .iter()
                        .map(|(k, v)| ((*k).to_owned(), fx.concrete(app, *who, v)))
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
            for problem in
                crate::privacy_rules::answer_problems(app, &mut client, *who, r.path, &response)
                    .await
            {
                failures.push(format!("{} {} as {who:?}: {problem}", r.method, r.path));
            }
        }
    }
    failures
}

async fn meeting_matrix(app: TestApp) {
    let fx = MeetingFixture::create(&app);
    let mut failures = run(&app, &fx, MEETING_MATRIX, &Who::LOG).await;
    failures.extend(run(&app, &fx, MEETING_ADMIN_MATRIX, &Who::ALL).await);
    assert!(
        failures.is_empty(),
        "{:?}: meeting access matrix mismatches:\n{}",
        app.backend,
        failures.join("\n")
    );
}
on_every_backend!(meeting_access_matrix_holds, meeting_matrix);
