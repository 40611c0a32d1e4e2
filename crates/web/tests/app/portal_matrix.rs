//! The family's portal (`/familie…`), route × role, in one table like
//! `log_matrix.rs`. The columns are every role (`Who::EVERY`): the staff
//! roles and the anonymous visitor, who have no citizen session and are
//! sent to the portal's login page (303 to `/familie/logg-inn?neste=…`),
//! and the four citizens of the fixtures:
//!
//! - `Who::Guardian`, the mother (parental responsibility): her child's log,
//!   as the route does (200 a page, 303 after a write);
//! - `Who::OtherGuardian`, the father (responsible too): the same, except
//!   that he may not withdraw the consent the mother alone gave (404) and
//!   may not rate a meeting he was not invited to (409, the page says why);
//! - `Who::GuardianWithoutResponsibility`, the bonusfar: 404 on every route
//!   of a log (the portal's start page only tells him there is nothing);
//! - `Who::Youth`, 16: their own log (`TestApp::concrete_for` and
//!   [`PortalFixture::concrete`] put the youth's log, consent and meeting
//!   in the path), as the guardian gets the child's.
//!
//! Part of `access_matrix::every_route_has_a_row_and_every_row_a_route`,
//! so a portal route without a row here fails. The staff's side of the
//! family's requests (`/logger/{log}/henvendelser/{request}`) and the
//! municipality's texts (`/kommuner/{municipality}/familietekster`) are
//! staff routes, in `log_matrix.rs` and `access_matrix.rs`.

use crate::access_matrix::{Row, row};
use crate::on_every_backend;
use diesel::prelude::*;
use laget_db::schema::{consents, meeting_participants, meeting_ratings, meetings};
use laget_domain::ids::{GuardianId, LogId, MeetingId, ParticipantId};
use laget_testkit::{Client, TestApp, TestResponse, Who};

const OK: u16 = 200;
const SEE: u16 = 303;
const NO: u16 = 404;
const BAD: u16 = 422;
const BUSY: u16 = 409;

const G: Who = Who::Guardian;
const OG: Who = Who::OtherGuardian;
const GWR: Who = Who::GuardianWithoutResponsibility;
const Y: Who = Who::Youth;

/// A consent for PPT, given in the portal (PPT is a service the form offers
/// for both logs).
const CONSENT: &[(&str, &str)] = &[
    ("enheter", "{ppt_unit}"),
    ("formal", "dele"),
    ("gyldig_til", "{in_100_days}"),
    ("bekreft", "ja"),
];
/// The same without the confirmation box: refused beside it (422, past the
/// rights check).
const CONSENT_UNCONFIRMED: &[(&str, &str)] = &[
    ("enheter", "{ppt_unit}"),
    ("formal", "dele"),
    ("gyldig_til", "{in_100_days}"),
];
const WITHDRAW: &[(&str, &str)] = &[("begrunnelse", "Vi vil vente litt.")];
/// The guardians' own view (a youth writes their own voice; the field
/// `hvem` is not theirs).
const VOICE: &[(&str, &str)] = &[
    ("hvem", "foresatte"),
    ("ord", "Hun trives best med faste rutiner."),
];
const ASK: &[(&str, &str)] = &[
    ("type", "mote"),
    ("melding", "Vi ønsker et møte om overgangen."),
    ("tidspunkt", "En ettermiddag"),
];
const ASK_PLAN: &[(&str, &str)] = &[("begrunnelse", "Vi trenger én plan for alle tjenestene.")];
const RATE: &[(&str, &str)] = &[("poeng", "4"), ("kommentar", "Godt møte.")];
const LANGUAGE: &[(&str, &str)] = &[("sprak", "nb"), ("neste", "/familie")];

/// Rows run in order on one database per engine: reads first, then
/// changes; [`PortalFixture::prepare`] puts back what a row ends before
/// each cell (the mother's consent not withdrawn, the meetings not rated).
#[rustfmt::skip]
pub const PORTAL_MATRIX: &[Row] = &[
    // method path                                                 form                 rest roles whose answer differs
    // A citizen already signed in goes on to the portal.
    row("GET",  "/familie/logg-inn",                               &[],                 OK,  &[(G, SEE), (OG, SEE), (GWR, SEE), (Y, SEE)]),
    // ID-porten is not configured in the tests: the login cannot start, for anyone (the login's own page).
    row("POST", "/familie/logg-inn",                               &[("neste", "/familie")], NO, &[]),
    // The start page: the bonusfar's says there is nothing to see.
    row("GET",  "/familie",                                        &[],                 SEE, &[(G, OK), (OG, OK), (GWR, OK), (Y, OK)]),
    row("GET",  "/familie/logger/{log}",                           &[],                 SEE, &[(G, OK), (OG, OK), (GWR, NO), (Y, OK)]),
    row("GET",  "/familie/logger/{log}/innsyn",                    &[],                 SEE, &[(G, OK), (OG, OK), (GWR, NO), (Y, OK)]),
    row("GET",  "/familie/logger/{log}/samtykke",                  &[],                 SEE, &[(G, OK), (OG, OK), (GWR, NO), (Y, OK)]),
    row("GET",  "/familie/logger/{log}/stemme",                    &[],                 SEE, &[(G, OK), (OG, OK), (GWR, NO), (Y, OK)]),
    row("GET",  "/familie/logger/{log}/be-om",                     &[],                 SEE, &[(G, OK), (OG, OK), (GWR, NO), (Y, OK)]),
    // A held meeting (minutes approved): the mother was invited, the father not (the page says so); the youth's own meeting invited the youth.
    row("GET",  "/familie/logger/{log}/moter/{meeting}/vurdering", &[],                 SEE, &[(G, OK), (OG, OK), (GWR, NO), (Y, OK)]),
    // Issue #13: the individual plan, as it stands (none yet: the page says so and offers to ask).
    row("GET",  "/familie/logger/{log}/plan",                      &[],                 SEE, &[(G, OK), (OG, OK), (GWR, NO), (Y, OK)]),
    row("POST", "/familie/sprak",                                  LANGUAGE,            SEE, &[]),
    row("POST", "/familie/logger/{log}/samtykke",                  CONSENT_UNCONFIRMED, SEE, &[(G, BAD), (OG, BAD), (GWR, NO), (Y, BAD)]),
    row("POST", "/familie/logger/{log}/samtykke",                  CONSENT,             SEE, &[(GWR, NO)]),
    row("POST", "/familie/logger/{log}/stemme",                    VOICE,               SEE, &[(GWR, NO)]),
    row("POST", "/familie/logger/{log}/be-om",                     ASK,                 SEE, &[(GWR, NO)]),
    // Asking for an individual plan: the first asks, the others find it asked for (both 303).
    row("POST", "/familie/logger/{log}/plan",                      ASK_PLAN,            SEE, &[(GWR, NO)]),
    // Not rated before each cell; the father was not invited (409, the page says why).
    row("POST", "/familie/logger/{log}/moter/{meeting}/vurdering", RATE,                SEE, &[(OG, BUSY), (GWR, NO)]),
    // {consent}: the school's, given by the mother alone (the youth's own for the youth), not withdrawn before each cell.
    row("POST", "/familie/logger/{log}/samtykke/{consent}/trekk",  WITHDRAW,            SEE, &[(OG, NO), (GWR, NO)]),
    row("POST", "/familie/logg-ut",                                &[],                 SEE, &[]),
];

/// What the portal's rows need beyond the standard fixtures: a held
/// meeting (minutes approved) in each log — the child's with the mother
/// invited and present, the youth's with the youth invited.
pub struct PortalFixture {
    pub meeting: MeetingId,
    pub youth_meeting: MeetingId,
}

/// Inserts a meeting of `log` that began two days ago, its minutes
/// approved, as stored rows (independent of the functions under test),
/// with `guardian` invited and present; the child invited if
/// `invite_child`.
fn held_meeting(
    app: &TestApp,
    log: LogId,
    guardian: Option<(GuardianId, &str)>,
    invite_child: bool,
) -> MeetingId {
    let meeting = MeetingId::new();
    let now = chrono::Utc::now();
    let start = now - chrono::Duration::days(2);
    let micros = |t: chrono::DateTime<chrono::Utc>| t.timestamp_micros();
    let fx = &app.fx;
    app.with_conn(|c| {
        diesel::insert_into(meetings::table)
            .values((
                meetings::id.eq(meeting.to_string()),
                meetings::municipality_id.eq(fx.municipality.to_string()),
                meetings::log_id.eq(Some(log.to_string())),
                meetings::kind.eq("samarbeid"),
                meetings::status.eq("planlagt"),
                meetings::purpose.eq("Bli enige om tiltak."),
                meetings::agenda.eq("1. Barnets stemme\n2. Tiltak"),
                meetings::starts_at.eq(micros(start)),
                meetings::ends_at.eq(micros(start + chrono::Duration::hours(1))),
                meetings::place.eq(Some("Møterom 1")),
                meetings::invite_guardians.eq(guardian.is_some()),
                meetings::invite_child.eq(invite_child),
                meetings::created_at.eq(micros(now)),
                meetings::updated_at.eq(micros(now)),
                meetings::minutes_status.eq("godkjent"),
                meetings::minutes_voice.eq(Some("Vil være med.")),
                meetings::minutes_discussed.eq(Some("Språk.")),
                meetings::minutes_approved_at.eq(Some(micros(now))),
            ))
            .execute(c)?;
        if let Some((g, name)) = guardian {
            diesel::insert_into(meeting_participants::table)
                .values((
                    meeting_participants::id.eq(ParticipantId::new().to_string()),
                    meeting_participants::meeting_id.eq(meeting.to_string()),
                    meeting_participants::kind.eq("foresatt"),
                    meeting_participants::guardian_id.eq(Some(g.to_string())),
                    meeting_participants::name.eq(name),
                    meeting_participants::attended.eq(Some(true)),
                    meeting_participants::added_at.eq(micros(now)),
                ))
                .execute(c)?;
        }
        Ok::<_, diesel::result::Error>(())
    })
    .unwrap();
    meeting
}

impl PortalFixture {
    pub fn create(app: &TestApp) -> Self {
        Self {
            meeting: held_meeting(
                app,
                app.fx.log.log,
                Some((app.fx.log.mother, "Mona Fikstursen")),
                false,
            ),
            youth_meeting: held_meeting(app, app.fx.youth.log, None, true),
        }
    }

    /// A route pattern or form value as `who` tries it: the portal's
    /// placeholders (`{meeting}` the youth's own meeting for the youth),
    /// then `TestApp::concrete_for`'s (the youth's own log and consent).
    pub fn concrete(&self, app: &TestApp, who: Who, pattern: &str) -> String {
        let meeting = if who == Who::Youth {
            self.youth_meeting
        } else {
            self.meeting
        };
        let in_100_days = (chrono::Utc::now() + chrono::Duration::days(100))
            .with_timezone(&chrono_tz::Europe::Oslo)
            .format("%d.%m.%Y")
            .to_string();
        app.concrete_for(
            who,
            &pattern
                .replace("{meeting}", &meeting.to_string())
                .replace("{in_100_days}", &in_100_days),
        )
    }

    /// Puts back what a row ends, so that each cell meets the same state:
    /// the consents in the path not withdrawn, the meetings not rated.
    fn prepare(&self, app: &TestApp, path: &str) {
        app.with_conn(|c| {
            if path.ends_with("/trekk") {
                let ids = [
                    app.fx.log.school_consent.to_string(),
                    app.fx.youth.consent.to_string(),
                ];
                diesel::update(consents::table.filter(consents::id.eq_any(ids)))
                    .set((
                        consents::withdrawn_at.eq(None::<i64>),
                        consents::withdrawn_by.eq(None::<String>),
                        consents::withdraw_reason.eq(None::<String>),
                    ))
                    .execute(c)?;
            }
            if path.ends_with("/vurdering") {
                let ids = [self.meeting.to_string(), self.youth_meeting.to_string()];
                diesel::delete(
                    meeting_ratings::table.filter(meeting_ratings::meeting_id.eq_any(ids)),
                )
                .execute(c)?;
            }
            Ok::<_, diesel::result::Error>(())
        })
        .unwrap();
    }
}

/// The portal's routes that begin a login at a provider: without one
/// configured they answer 404 with the login's own page («innlogging er
/// ikke satt opp»), which names nobody — not the unknown page.
const LOGIN_STARTS: [&str; 1] = ["/familie/logg-inn"];

/// What a portal cell's answer must hold besides its status: a redirect of
/// anyone who is no citizen goes to the portal's login page (with `neste`,
/// or logged out), a citizen's goes on in the portal (not to a login page,
/// but when logging out); a 404 is the unknown page exactly, naming neither
/// child nor any id of the path.
async fn portal_problems(
    app: &TestApp,
    client: &mut Client,
    who: Who,
    r: &Row,
    path: &str,
    response: &TestResponse,
) -> Vec<String> {
    let mut problems = Vec::new();
    match response.status.as_u16() {
        303 => {
            let to = response.location();
            if r.path == "/familie/logg-ut" {
                if to != "/familie/logg-inn?utlogget=1" {
                    problems.push(format!("logged out, yet sent to {to:?}"));
                }
            } else if !who.is_citizen() {
                if !to.starts_with("/familie/logg-inn?neste=") {
                    problems.push(format!("303 to {to:?}, not to the portal's login page"));
                }
            } else if to.starts_with("/familie/logg-inn") || to.starts_with("/logg-inn") {
                problems.push(format!("a citizen, yet sent to log in ({to:?})"));
            } else if !to.starts_with("/familie") {
                problems.push(format!("a citizen sent out of the portal ({to:?})"));
            }
        }
        404 if r.method == "POST" && LOGIN_STARTS.contains(&r.path) => {}
        404 => {
            let unknown = crate::privacy_rules::unknown_page(client).await;
            if response.body != unknown {
                problems.push("the 404 page differs from an unknown page's".to_owned());
            }
            let ids = path
                .split(['/', '?', '=', '&', ':'])
                .filter(|part| uuid::Uuid::parse_str(part).is_ok());
            let secrets = [
                "Testbarn Fikstursen",
                "Ungdom Fikstursen",
                &app.fx.log.national_id[..6],
                &app.fx.youth.national_id[..6],
            ];
            for secret in ids.chain(secrets) {
                if response.body.contains(secret) {
                    problems.push(format!("the 404 page shows {secret:?}"));
                }
            }
        }
        _ => {}
    }
    problems
}

async fn portal_matrix(app: TestApp) {
    let f = PortalFixture::create(&app);
    let mut failures = Vec::new();
    for r in PORTAL_MATRIX {
        for who in Who::EVERY {
            let path = f.concrete(&app, who, r.path);
            let expected = r.expected(who);
            f.prepare(&app, r.path);
            let mut client = app.client(who).await;
            let response = match r.method {
                "GET" => client.get(&path).await,
                _ => {
                    let form: Vec<(String, String)> = r
                        .form_fields()
                        .iter()
                        .map(|(k, v)| ((*k).to_owned(), f.concrete(&app, who, v)))
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
            for problem in portal_problems(&app, &mut client, who, r, &path, &response).await {
                failures.push(format!("{} {} as {who:?}: {problem}", r.method, r.path));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{:?}: portal access matrix mismatches:\n{}",
        app.backend,
        failures.join("\n")
    );
}
on_every_backend!(portal_access_matrix_holds, portal_matrix);

/// The rows' writes were made: a cell that answered 303 did what it says
/// (the row's status alone could be a redirect for any reason). After the
/// matrix, the mother's, the father's and the youth's consents for PPT
/// are recorded as given digitally, and the bonusfar gave none.
async fn the_portals_writes_land(app: TestApp) {
    let f = PortalFixture::create(&app);
    let give = PORTAL_MATRIX
        .iter()
        .find(|r| {
            r.method == "POST"
                && r.path == "/familie/logger/{log}/samtykke"
                && r.form_fields().len() == 4
        })
        .unwrap();
    for who in Who::CITIZENS {
        let mut client = app.client(who).await;
        let path = f.concrete(&app, who, give.path);
        let form: Vec<(String, String)> = give
            .form_fields()
            .iter()
            .map(|(k, v)| ((*k).to_owned(), f.concrete(&app, who, v)))
            .collect();
        let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let r = client.post(&path, &form).await;
        assert_eq!(r.status.as_u16(), give.expected(who), "{who:?}: {}", r.body);
    }
    let digital = |log: LogId| -> Vec<String> {
        app.with_conn(|c| {
            consents::table
                .filter(consents::log_id.eq(log.to_string()))
                .filter(consents::citizen_id.is_not_null())
                .select(consents::givers)
                .load(c)
                .unwrap()
        })
    };
    let mut child = digital(app.fx.log.log);
    child.sort();
    let mut expected = vec![app.fx.log.mother.to_string(), app.fx.log.father.to_string()];
    expected.sort();
    assert_eq!(
        child, expected,
        "the mother and the father, not the bonusfar"
    );
    assert_eq!(digital(app.fx.youth.log), vec!["ungdom".to_owned()]);
}
on_every_backend!(
    the_portals_consents_land_for_whoever_may_give_them,
    the_portals_writes_land
);
