//! Reports of concern (issue #13), route × role, in one table like
//! `log_matrix.rs`. The columns are every role (`Who::EVERY`): besides the
//! roles of the municipality's pages, the services of the fixture log — PPT
//! on the team with consent, the school without, the health centre not on
//! the team, and «Testbyen barneverntjeneste», which serves the
//! municipality and holds break-glass for the log (a break-glass opening of
//! a log gives nothing on reports). The citizens get the anonymous
//! visitor's answer (`Row::staff_expected`): no report route is the
//! family's.
//!
//! The reports ([`laget_testkit::builders::ReportFixtures`]) are the staff
//! member's (`Who::Ansatt`, «Testlia barnehage»), in a municipality that
//! requires the leader's co-signature: `{report}` is, by row,
//!
//! - a draft from the fixture log (the form's rows): its author's alone;
//! - a report waiting for the co-signature (the co-sign rows): the leader
//!   of the reporting unit (`Who::Leder`) co-signs or sends it back;
//! - a sent report, delivered to the child welfare service and
//!   acknowledged (the reporter's view, the inbox): its author and the
//!   leader read it on `/bekymringsmeldinger/{report}`, child welfare in
//!   its inbox `/barnevern/{unit}/meldinger` (`{unit}` the service).
//!
//! A row whose action ends the report's state (send, delete, co-sign, send
//! back, acknowledge, record the outcome) gets a new report in that state
//! before each cell ([`report_in_path`]), so every cell meets the same
//! state and a refusal is the rights check's.

use crate::access_matrix::{Row, row};
use crate::on_every_backend;
use laget_domain::ids::ReportId;
use laget_testkit::builders::{ReportFixtures, report_draft, report_sent, report_waiting};
use laget_testkit::{TestApp, Who};

const OK: u16 = 200;
const SEE: u16 = 303;
const NO: u16 = 404;
const BAD: u16 = 422;

const PPT: Who = Who::PptOnTeam;
const SCHOOL: Who = Who::SchoolWithoutConsent;
const HEALTH: Who = Who::HealthNotOnTeam;
const CW: Who = Who::ChildWelfareBreakGlass;

/// A report for a child without a log, from the fixture kindergarten: the
/// kindergarten's staff go on to the form; staff of other units are told
/// beside the field that it is not theirs (422, past the rights check).
const NEW: &[(&str, &str)] = &[("enhet", "{unit}"), ("kommune", "{municipality}")];
/// Saved as typed (checked when sent).
const SAVE: &[(&str, &str)] = &[("melding", "Barnet virker trist og sliten.")];
/// Every field the KS Fiks message needs: with the municipality's rule the
/// report goes to the leader (303).
const SEND: &[(&str, &str)] = &[
    ("melder_navn", "Tora Testansatt"),
    ("melder_rolle", "Pedagogisk leder"),
    ("melder_telefon", "+47 912 34 567"),
    ("melder_epost", "test.ansatt@test.example"),
    ("virksomhet_navn", "Testlia barnehage"),
    ("virksomhet_orgnr", "974551683"),
    ("virksomhet_adresse", "Barnehageveien 1"),
    ("virksomhet_postnummer", "1712"),
    ("virksomhet_poststed", "Testbyen"),
    ("barn_fnr", "{national_id}"),
    ("barn_navn", "Testbarn Fikstursen"),
    ("barn_adresse", "Gata 2"),
    ("barn_postnummer", "1710"),
    ("barn_poststed", "Testbyen"),
    ("barn_orientert", "nei"),
    ("barn_grunn", "Barnet er seks år"),
    ("foresatt1_navn", "Mona Fikstursen"),
    ("foresatt1_telefon", "98765432"),
    ("foresatt1_orientert", "ja"),
    ("foresatt2_navn", "Frode Fikstursen"),
    ("foresatt2_orientert", "ja"),
    ("melding", "Barnet kommer ofte sulten."),
    ("historie", "Samtaler siden august."),
];
const SEND_BACK: &[(&str, &str)] = &[("merknad", "Skriv mer om hva dere har prøvd.")];
const OUTCOME: &[(&str, &str)] = &[("utfall", "undersokelse")];
const SETTINGS: &[(&str, &str)] = &[("medsignering", "paakrevd"), ("bydeler", "")];

/// Rows run in order on one database per engine.
#[rustfmt::skip]
pub const REPORT_MATRIX: &[Row] = &[
    // method path                                                     form       rest roles whose answer differs
    // From a log: whoever reads the whole log and writes there (the keeping unit, PPT with consent). Break-glass gives nothing on reports.
    row("POST", "/logger/{log}/bekymringsmelding/skriv",               &[],       NO,  &[(Who::Anonymous, SEE), (Who::Ansatt, SEE), (Who::Leder, SEE), (PPT, SEE)]),
    // For a child without a log: staff and leaders of a unit (opplysningsplikten needs no log and no consent).
    row("GET",  "/bekymringsmeldinger/ny",                             &[],       NO,  &[(Who::Anonymous, SEE), (Who::Ansatt, OK), (Who::Leder, OK), (PPT, OK), (SCHOOL, OK), (HEALTH, OK), (CW, OK)]),
    row("POST", "/bekymringsmeldinger/ny",                             NEW,       NO,  &[(Who::Anonymous, SEE), (Who::Ansatt, SEE), (Who::Leder, SEE), (PPT, BAD), (SCHOOL, BAD), (HEALTH, BAD), (CW, BAD)]),
    // One's own reports (and, for a leader, those waiting for the co-signature): every staff user has the page.
    row("GET",  "/bekymringsmeldinger",                                &[],       OK,  &[(Who::Anonymous, SEE)]),
    // The draft: its author's alone.
    row("GET",  "/bekymringsmeldinger/{report}/endre",                 &[],       NO,  &[(Who::Anonymous, SEE), (Who::Ansatt, OK)]),
    row("POST", "/bekymringsmeldinger/{report}/endre",                 SAVE,      NO,  &[(Who::Anonymous, SEE), (Who::Ansatt, SEE)]),
    // Saved and shown as the message that will be sent (200), still a draft.
    row("POST", "/bekymringsmeldinger/{report}/se-over",               SEND,      NO,  &[(Who::Anonymous, SEE), (Who::Ansatt, OK)]),
    // A new draft before each cell.
    row("POST", "/bekymringsmeldinger/{report}/send",                  SEND,      NO,  &[(Who::Anonymous, SEE), (Who::Ansatt, SEE)]),
    row("POST", "/bekymringsmeldinger/{report}/slett",                 &[],       NO,  &[(Who::Anonymous, SEE), (Who::Ansatt, SEE)]),
    // Waiting for the co-signature: the reporting unit's leader (a new report before each cell of the writes).
    // Its author, who reads it but does not co-sign, is sent on to the report's own page.
    row("GET",  "/bekymringsmeldinger/{report}/medsigner",             &[],       NO,  &[(Who::Anonymous, SEE), (Who::Ansatt, SEE), (Who::Leder, OK)]),
    row("POST", "/bekymringsmeldinger/{report}/medsigner",             &[],       NO,  &[(Who::Anonymous, SEE), (Who::Leder, SEE)]),
    row("POST", "/bekymringsmeldinger/{report}/returner",              SEND_BACK, NO,  &[(Who::Anonymous, SEE), (Who::Leder, SEE)]),
    // Sent: the reporter's view (author, leader); child welfare reads it in its inbox, not here.
    row("GET",  "/bekymringsmeldinger/{report}",                       &[],       NO,  &[(Who::Anonymous, SEE), (Who::Ansatt, OK), (Who::Leder, OK)]),
    // Child welfare's inbox ({unit}: «Testbyen barneverntjeneste»): its staff only.
    row("GET",  "/barnevern/{unit}/meldinger",                         &[],       NO,  &[(Who::Anonymous, SEE), (CW, OK)]),
    row("GET",  "/barnevern/{unit}/meldinger/{report}",                &[],       NO,  &[(Who::Anonymous, SEE), (CW, OK)]),
    // A new sent report before each cell.
    row("POST", "/barnevern/{unit}/meldinger/{report}/mottatt",        &[],       NO,  &[(Who::Anonymous, SEE), (CW, SEE)]),
    row("POST", "/barnevern/{unit}/meldinger/{report}/utfall",         OUTCOME,   NO,  &[(Who::Anonymous, SEE), (CW, SEE)]),
    // The municipality's rules for reports (co-signature, districts): its administrator's (the matrix's rule, co-signature required, kept).
    row("GET",  "/kommuner/{municipality}/bekymringsmeldinger/innstillinger", &[], NO,  &[(Who::Anonymous, SEE), (Who::Kommuneadministrator, OK), (Who::Systemadmin, OK)]),
    row("POST", "/kommuner/{municipality}/bekymringsmeldinger/innstillinger", SETTINGS, NO, &[(Who::Anonymous, SEE), (Who::Kommuneadministrator, SEE), (Who::Systemadmin, SEE)]),
    // The counts (no names): the municipality's administrator, the system administrator, the child welfare service that serves it; not another municipality's administrator.
    row("GET",  "/kommuner/{municipality}/bekymringsmeldinger/tall",     &[],       NO,  &[(Who::Anonymous, SEE), (Who::Kommuneadministrator, OK), (Who::Systemadmin, OK), (CW, OK)]),
    row("GET",  "/kommuner/{municipality}/bekymringsmeldinger/tall.csv", &[],       NO,  &[(Who::Anonymous, SEE), (Who::Kommuneadministrator, OK), (Who::Systemadmin, OK), (CW, OK)]),
];

/// Which report a row's `{report}` is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Which {
    /// The standing draft, waiting or sent report of the fixtures.
    Standing(State),
    /// A new one in that state, made before each cell.
    New(State),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    Draft,
    Waiting,
    Sent,
}

fn which(method: &str, path: &str) -> Option<Which> {
    use State::*;
    let post = method == "POST";
    let w = match path {
        "/bekymringsmeldinger/{report}/endre" | "/bekymringsmeldinger/{report}/se-over" => {
            Which::Standing(Draft)
        }
        "/bekymringsmeldinger/{report}/send" | "/bekymringsmeldinger/{report}/slett" => {
            Which::New(Draft)
        }
        "/bekymringsmeldinger/{report}/medsigner" if !post => Which::Standing(Waiting),
        "/bekymringsmeldinger/{report}/medsigner" | "/bekymringsmeldinger/{report}/returner" => {
            Which::New(Waiting)
        }
        "/bekymringsmeldinger/{report}" | "/barnevern/{unit}/meldinger/{report}" => {
            Which::Standing(Sent)
        }
        "/barnevern/{unit}/meldinger/{report}/mottatt"
        | "/barnevern/{unit}/meldinger/{report}/utfall" => Which::New(Sent),
        p if p.contains("{report}") => panic!("{method} {p}: say which report its {{report}} is"),
        _ => return None,
    };
    Some(w)
}

/// The report of a row's path, made new before the cell where the row
/// says so.
fn report_in_path(
    app: &TestApp,
    fx: &ReportFixtures,
    method: &str,
    path: &str,
) -> Option<ReportId> {
    Some(match which(method, path)? {
        Which::Standing(State::Draft) => fx.draft,
        Which::Standing(State::Waiting) => fx.waiting,
        Which::Standing(State::Sent) => fx.sent,
        Which::New(State::Draft) => report_draft(&app.db, &app.fx),
        Which::New(State::Waiting) => report_waiting(&app.db, &app.fx),
        Which::New(State::Sent) => report_sent(&app.db, &app.fx, false, false),
    })
}

/// The report's status and outcome as stored; `None` once deleted.
fn stored(app: &TestApp, id: ReportId) -> Option<(String, Option<String>)> {
    use diesel::prelude::*;
    use laget_db::schema::reports;
    app.with_conn(|c| {
        reports::table
            .find(id.to_string())
            .select((reports::status, reports::outcome))
            .first(c)
            .optional()
            .unwrap()
    })
}

/// What a row that ends its report's state leaves stored: as the row says
/// when `done` (the cell's answer was the action's 303), else the state
/// the report was made in (a refusal changes nothing).
fn expected_after(state: State, path: &str, done: bool) -> Option<(String, Option<String>)> {
    let s =
        |status: &str, outcome: Option<&str>| Some((status.to_owned(), outcome.map(str::to_owned)));
    if done {
        return match path.rsplit('/').next() {
            Some("send") => s("til_medsignering", None),
            Some("slett") => None,
            Some("medsigner") => s("sendt", None),
            Some("returner") => s("utkast", None),
            Some("mottatt") => s("mottatt", None),
            Some("utfall") => s("mottatt", Some("undersokelse")),
            other => panic!("no expected state after {other:?}"),
        };
    }
    match state {
        State::Draft => s("utkast", None),
        State::Waiting => s("til_medsignering", None),
        State::Sent => s("sendt", None),
    }
}

/// A route pattern or form value as `who` tries it: `{report}` the row's
/// report, `{unit}` the child welfare service on its pages, then
/// `TestApp::concrete_for`.
fn concrete(app: &TestApp, who: Who, pattern: &str, report: Option<ReportId>) -> String {
    let mut p = pattern.to_owned();
    if let Some(r) = report {
        p = p.replace("{report}", &r.to_string());
    }
    if p.starts_with("/barnevern/") {
        p = p.replace("{unit}", &app.fx.log.welfare_unit.to_string());
    }
    app.concrete_for(who, &p)
}

async fn report_matrix(app: TestApp) {
    let fx = ReportFixtures::create(&app.db, &app.fx);
    let mut failures = Vec::new();
    let mut cells = 0;
    for r in REPORT_MATRIX {
        for who in Who::EVERY {
            let report = report_in_path(&app, &fx, r.method, r.path);
            let path = concrete(&app, who, r.path, report);
            let expected = r.staff_expected(who);
            let mut client = app.client(who).await;
            let response = match r.method {
                "GET" => client.get(&path).await,
                _ => {
                    let form: Vec<(String, String)> = r
                        .form_fields()
                        .iter()
                        .map(|(k, v)| ((*k).to_owned(), concrete(&app, who, v, report)))
                        .collect();
                    let form: Vec<(&str, &str)> =
                        form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
                    client.post(&path, &form).await
                }
            };
            cells += 1;
            if response.status.as_u16() != expected {
                failures.push(format!(
                    "{} {} as {who:?}: expected {expected}, got {}",
                    r.method, r.path, response.status
                ));
            }
            let mut problems =
                crate::privacy_rules::answer_problems(&app, &mut client, who, r.path, &response)
                    .await;
            // A row that ends its report's state did so on its 303, and
            // nothing on a refusal.
            if let (Some(Which::New(state)), Some(id)) = (which(r.method, r.path), report) {
                let done =
                    response.status.as_u16() == SEE && who != Who::Anonymous && !who.is_citizen();
                let want = expected_after(state, r.path, done);
                let got = stored(&app, id);
                if got != want {
                    problems.push(format!("left the report {got:?}, not {want:?}"));
                }
            }
            // The report's id is no more on a 404 than the log's.
            if response.status.as_u16() == NO
                && let Some(id) = report
                && response.body.contains(&id.to_string())
            {
                problems.push("the 404 page shows the report's id".to_owned());
            }
            for problem in problems {
                failures.push(format!("{} {} as {who:?}: {problem}", r.method, r.path));
            }
        }
    }
    assert_eq!(cells, REPORT_MATRIX.len() * Who::EVERY.len());
    assert!(
        failures.is_empty(),
        "{:?}: report access matrix mismatches:\n{}",
        app.backend,
        failures.join("\n")
    );
}
on_every_backend!(report_access_matrix_holds, report_matrix);
