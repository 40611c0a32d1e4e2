//! Every route × every role, with the expected answer, in one table. A route
//! added to the router without a row here fails `every_route_has_a_row`.
//!
//! The citizens of the family's portal (`Who::CITIZENS`: the guardian, the
//! other guardian, the guardian without parental responsibility, the youth)
//! are columns of every staff matrix (this one, the log's, the meetings',
//! the teams'), by one rule rather than in each row: a citizen's session is
//! no staff session, so on a staff route a citizen gets exactly what the
//! anonymous visitor gets ([`Row::staff_expected`]) — a 303 to `/logg-inn`
//! where a login is needed, the public pages as for visitors. Every such
//! cell is still requested and compared. The youth tries each route on
//! their own log (`TestApp::concrete_for`). The portal's own routes
//! (`/familie…`) are in `portal_matrix.rs`, where the citizens are named.

use crate::on_every_backend;
use laget_testkit::{TestApp, Who};

/// 200 page, 303 redirect (done, or to login), 404 (not yours), 422 (form
/// with errors, so the rights check passed).
const OK: u16 = 200;
const SEE: u16 = 303;
const NO: u16 = 404;
const BAD: u16 = 422;
const BAD_REQUEST: u16 = 400;

/// One route's expected answers, keyed by role: `rest` for every role the row
/// does not name, and `named` for those whose answer differs. A new role in
/// the matrix's columns (`Who::ALL`, `Who::LOG`) therefore widens no row: it
/// gets each row's `rest`, and every cell is still requested and compared, so
/// a wrong default fails the matrix run rather than passing unseen.
/// [`row_problems`] refuses a row that names a role twice, names a role that
/// is not a column of its matrix (it would never be tried), or names a role
/// with the row's default (noise that hides which answers differ).
pub struct Row {
    pub method: &'static str,
    pub path: &'static str,
    /// A form that passes validation where the role may act (values as
    /// patterns for `TestApp::concrete`).
    form: &'static [(&'static str, &'static str)],
    /// The answer for every role not in `named`.
    rest: u16,
    /// The roles whose answer differs from `rest`.
    named: &'static [(Who, u16)],
}

impl Row {
    /// The form the row sends (values as patterns for `TestApp::concrete`).
    pub fn form_fields(&self) -> &'static [(&'static str, &'static str)] {
        self.form
    }

    /// The status the row expects for `who`.
    pub fn expected(&self, who: Who) -> u16 {
        self.named
            .iter()
            .find(|(named, _)| *named == who)
            .map_or(self.rest, |(_, status)| *status)
    }

    /// The status a row of a staff matrix expects for `who`: a citizen
    /// (`Who::is_citizen`) gets the anonymous visitor's answer — a citizen's
    /// session opens no staff page and changes no public one. Staff rows
    /// never name a citizen ([`staff_row_problems`]).
    pub fn staff_expected(&self, who: Who) -> u16 {
        if who.is_citizen() {
            self.expected(Who::Anonymous)
        } else {
            self.expected(who)
        }
    }
}

/// What is wrong with the rows of a staff matrix beyond [`row_problems`]: a
/// row that names a citizen, whose answer there is the anonymous visitor's
/// by rule ([`Row::staff_expected`]), so the named answer would be ignored.
pub fn staff_row_problems(rows: &[Row]) -> Vec<String> {
    rows.iter()
        .flat_map(|r| {
            r.named
                .iter()
                .filter(|(who, _)| who.is_citizen())
                .map(move |(who, _)| {
                    format!(
                        "{} {} names the citizen {who:?}: a staff row's citizens get the anonymous visitor's answer",
                        r.method, r.path
                    )
                })
        })
        .collect()
}

pub const fn row(
    method: &'static str,
    path: &'static str,
    form: &'static [(&'static str, &'static str)],
    rest: u16,
    named: &'static [(Who, u16)],
) -> Row {
    Row {
        method,
        path,
        form,
        rest,
        named,
    }
}

/// What is wrong with the rows of a matrix whose columns are `columns`.
pub fn row_problems(rows: &[Row], columns: &[Who]) -> Vec<String> {
    let mut problems = Vec::new();
    for r in rows {
        for (i, (who, status)) in r.named.iter().enumerate() {
            let at = format!("{} {} names {who:?}", r.method, r.path);
            if r.named[..i].iter().any(|(earlier, _)| earlier == who) {
                problems.push(format!("{at} twice"));
            }
            if !columns.contains(who) {
                problems.push(format!("{at}, which is not a column of this matrix"));
            }
            if *status == r.rest {
                problems.push(format!("{at} with the row's default {status}"));
            }
        }
    }
    problems
}

/// Which matrices a role is a column of. The match has no catch-all arm, so
/// a new variant of `Who` does not compile until its author says where it is
/// tried; `columns_match_the_roles` then holds `Who::ALL` and `Who::LOG` to it.
/// Every role is a column of the portal's matrix (`Who::EVERY`).
const fn columns_of(who: Who) -> (bool, bool) {
    // (access matrix, log matrix)
    match who {
        Who::Anonymous | Who::Ansatt | Who::Leder | Who::KoordinerendeEnhet => (true, true),
        Who::Kommuneadministrator | Who::Systemadmin => (true, true),
        Who::Tiltaksredaktor | Who::OtherKommuneadministrator => (true, false),
        Who::PptOnTeam
        | Who::SchoolWithoutConsent
        | Who::HealthNotOnTeam
        | Who::ChildWelfareBreakGlass => (false, true),
        // A citizen on a staff route: the anonymous visitor's answer, by
        // rule (`Row::staff_expected`), in both.
        Who::Guardian | Who::OtherGuardian | Who::GuardianWithoutResponsibility | Who::Youth => {
            (true, true)
        }
    }
}

#[test]
fn rows_name_each_role_once_and_only_columns() {
    let staff: [(&[Row], &[Who]); 4] = [
        (MATRIX, &Who::ALL),
        (crate::log_matrix::LOG_MATRIX, &Who::LOG),
        (crate::meeting_matrix::MEETING_MATRIX, &Who::LOG),
        (crate::meeting_matrix::MEETING_ADMIN_MATRIX, &Who::ALL),
    ];
    let mut problems = Vec::new();
    for (rows, columns) in staff {
        problems.extend(row_problems(rows, columns));
        problems.extend(staff_row_problems(rows));
    }
    problems.extend(staff_row_problems(crate::team_matrix::TEAM_MATRIX));
    // Issue #13: reports of concern and individual plans, every role a column.
    for rows in [
        crate::report_matrix::REPORT_MATRIX,
        crate::plan_matrix::PLAN_MATRIX,
    ] {
        problems.extend(row_problems(rows, &Who::EVERY));
        problems.extend(staff_row_problems(rows));
    }
    problems.extend(row_problems(
        crate::portal_matrix::PORTAL_MATRIX,
        &Who::EVERY,
    ));
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Every role the fixtures make a user or a citizen for (and the anonymous
/// visitor) is a column exactly where `columns_of` says, and of the
/// portal's matrix.
#[test]
fn columns_match_the_roles() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let app = rt.block_on(TestApp::new(laget_testkit::Backend::Sqlite));
    let roles = app.fx.users.keys().copied().chain([Who::Anonymous]);
    let roles = roles.chain(app.fx.citizens.keys().copied());
    let roles: Vec<Who> = roles.chain(Who::ALL).chain(Who::LOG).collect();
    for who in &roles {
        let (access, log) = columns_of(*who);
        assert_eq!(Who::ALL.contains(who), access, "{who:?} in Who::ALL");
        assert_eq!(Who::LOG.contains(who), log, "{who:?} in Who::LOG");
        assert!(Who::EVERY.contains(who), "{who:?} in Who::EVERY");
    }
    for who in Who::CITIZENS {
        assert!(
            app.fx.citizens.contains_key(&who),
            "{who:?} has a national identity number in the fixtures"
        );
    }
    // Each of Who::EVERY once: the portal matrix tries each role once.
    for (i, who) in Who::EVERY.iter().enumerate() {
        assert!(
            !Who::EVERY[..i].contains(who),
            "{who:?} twice in Who::EVERY"
        );
    }
}

const UNIT_FORM: &[(&str, &str)] = &[
    ("navn", "Matriseskolen"),
    ("type", "skole"),
    ("aktiv", "ja"),
];
const USER_FORM: &[(&str, &str)] = &[
    ("navn", "Mia Matrise"),
    ("brukernavn", "mia.matrise"),
    ("passord", "Blåveis-Kornmo-Trekkfugl-93"),
    ("passord2", "Blåveis-Kornmo-Trekkfugl-93"),
];

/// The municipality's texts in English for families.
const TEXTS_FORM: &[(&str, &str)] = &[
    ("sprak", "en"),
    ("navn", "English"),
    (
        "samtykke",
        "Consent means that you allow the services to share information.",
    ),
    ("velkommen", "Welcome. Here you see your child's log."),
];

/// A valid offer; `{unit}` is replaced by the fixture unit's id.
const OFFER_FORM: &[(&str, &str)] = &[
    ("navn", "Matrisetilbud"),
    ("tilbyder", "{unit}"),
    ("beskrivelse", "Et tilbud."),
    ("niva", "universell"),
    ("alder_fra", "0"),
    ("alder_til", "5"),
    ("utfordringer", "sprak"),
    ("tilgang", "selvhenvisning"),
    ("status", "utkast"),
    ("trinn", "1"),
];

/// Rows run in order on one database per engine: the proposal is decided
/// before the offer's editor changes the offer (which replaces the proposal).
#[rustfmt::skip]
const MATRIX: &[Row] = &[
    // method path                                                               form         rest roles whose answer differs
    row("GET",  "/",                                                             &[],         OK,  &[(Who::Anonymous, SEE)]),
    row("GET",  "/helse",                                                        &[],         OK,  &[]),
    row("GET",  "/static/{name}",                                                &[],         OK,  &[]),
    row("GET",  "/logg-inn",                                                     &[],         SEE, &[(Who::Anonymous, OK)]),
    row("POST", "/logg-inn",                                                     &[("brukernavn", "x"), ("passord", "y")], BAD, &[]),
    row("POST", "/logg-ut",                                                      &[],         SEE, &[]),
    row("GET",  "/kommuner",                                                     &[],         NO,  &[(Who::Anonymous, SEE), (Who::Systemadmin, OK)]),
    row("POST", "/kommuner",                                                     &[("nummer", "9100"), ("navn", "Matrisekommune"), ("malform", "nb")], NO,  &[(Who::Anonymous, SEE), (Who::Systemadmin, SEE)]),
    row("GET",  "/kommuner/{municipality}/enheter",                              &[],         NO,  &[(Who::Anonymous, SEE), (Who::Kommuneadministrator, OK), (Who::Systemadmin, OK)]),
    row("GET",  "/kommuner/{municipality}/enheter/ny",                           &[],         NO,  &[(Who::Anonymous, SEE), (Who::Kommuneadministrator, OK), (Who::Systemadmin, OK)]),
    row("POST", "/kommuner/{municipality}/enheter",                              UNIT_FORM,   NO,  &[(Who::Anonymous, SEE), (Who::Kommuneadministrator, SEE), (Who::Systemadmin, SEE)]),
    row("GET",  "/kommuner/{municipality}/enheter/{unit}",                       &[],         NO,  &[(Who::Anonymous, SEE), (Who::Kommuneadministrator, OK), (Who::Systemadmin, OK)]),
    row("POST", "/kommuner/{municipality}/enheter/{unit}",                       UNIT_FORM,   NO,  &[(Who::Anonymous, SEE), (Who::Kommuneadministrator, SEE), (Who::Systemadmin, SEE)]),
    row("POST", "/kommuner/{municipality}/enheter/{unit}/vertskommune",          &[("vertskommune", "{municipality}")], NO,  &[(Who::Anonymous, SEE), (Who::Systemadmin, SEE)]),
    row("GET",  "/kommuner/{municipality}/brukere",                              &[],         NO,  &[(Who::Anonymous, SEE), (Who::Kommuneadministrator, OK), (Who::Systemadmin, OK)]),
    row("GET",  "/kommuner/{municipality}/brukere/ny",                           &[],         NO,  &[(Who::Anonymous, SEE), (Who::Kommuneadministrator, OK), (Who::Systemadmin, OK)]),
    row("POST", "/kommuner/{municipality}/brukere",                              USER_FORM,   NO,  &[(Who::Anonymous, SEE), (Who::Kommuneadministrator, SEE), (Who::Systemadmin, BAD)]),
    row("GET",  "/kommuner/{municipality}/brukere/{user}",                       &[],         NO,  &[(Who::Anonymous, SEE), (Who::Kommuneadministrator, OK), (Who::Systemadmin, OK)]),
    row("POST", "/kommuner/{municipality}/brukere/{user}",                       &[("navn", "Mona Ny"), ("epost", "")], NO,  &[(Who::Anonymous, SEE), (Who::Kommuneadministrator, SEE), (Who::Systemadmin, SEE)]),
    row("POST", "/kommuner/{municipality}/brukere/{user}/deaktiver",             &[],         NO,  &[(Who::Anonymous, SEE), (Who::Kommuneadministrator, SEE), (Who::Systemadmin, SEE)]),
    row("POST", "/kommuner/{municipality}/brukere/{user}/aktiver",               &[],         NO,  &[(Who::Anonymous, SEE), (Who::Kommuneadministrator, SEE), (Who::Systemadmin, SEE)]),
    row("POST", "/kommuner/{municipality}/brukere/{user}/passord",               &[("passord", "Blåveis-Kornmo-Trekkfugl-93"), ("passord2", "Blåveis-Kornmo-Trekkfugl-93")], NO,  &[(Who::Anonymous, SEE), (Who::Kommuneadministrator, SEE), (Who::Systemadmin, SEE)]),
    row("POST", "/kommuner/{municipality}/brukere/{user}/roller",                &[("rolle", "kommuneadministrator")], NO,  &[(Who::Anonymous, SEE), (Who::Kommuneadministrator, SEE), (Who::Systemadmin, BAD)]),
    row("POST", "/kommuner/{municipality}/brukere/{user}/roller/{membership}/fjern", &[],         NO,  &[(Who::Anonymous, SEE), (Who::Kommuneadministrator, SEE)]),
    row("GET",  "/enheter/{unit}/tilgangslogg",                                  &[],         NO,  &[(Who::Anonymous, SEE), (Who::Leder, OK)]),
    row("GET",  "/enheter/{unit}/tildelte-roller",                               &[],         NO,  &[(Who::Anonymous, SEE), (Who::Leder, OK)]),
    row("POST", "/enheter/{unit}/tildelte-roller/{membership}/gjennomgatt",      &[],         NO,  &[(Who::Anonymous, SEE), (Who::Leder, SEE)]),
    row("GET",  "/tiltak",                                                       &[],         OK,  &[]),
    row("GET",  "/tiltakstrapp",                                                 &[],         OK,  &[]),
    row("GET",  "/kommuner/{municipality}/tiltak",                               &[],         NO,  &[(Who::Anonymous, SEE), (Who::Kommuneadministrator, OK), (Who::Systemadmin, OK)]),
    // The import form is multipart; this row checks who gets past the rights check (400: not multipart).
    row("POST", "/kommuner/{municipality}/tiltak/import",                        &[],         NO,  &[(Who::Anonymous, SEE), (Who::Kommuneadministrator, BAD_REQUEST), (Who::Systemadmin, BAD_REQUEST)]),
    row("GET",  "/kommuner/{municipality}/tiltak/eksport",                       &[],         NO,  &[(Who::Anonymous, SEE), (Who::Kommuneadministrator, OK), (Who::Systemadmin, OK)]),
    row("POST", "/kommuner/{municipality}/utfordringer",                         &[("nytt_navn", "Søvn")], NO,  &[(Who::Anonymous, SEE), (Who::Kommuneadministrator, SEE), (Who::Systemadmin, BAD)]),
    row("POST", "/kommuner/{municipality}/utfordringer/{code}",                  &[("navn", "Språk og tale")], NO,  &[(Who::Anonymous, SEE), (Who::Kommuneadministrator, SEE), (Who::Systemadmin, SEE)]),
    row("GET",  "/api/v1/offers",                                                &[],         OK,  &[]),
    row("GET",  "/api/v1/offers/{offer}",                                        &[],         OK,  &[]),
    row("GET",  "/api/v1/ladders",                                               &[],         OK,  &[]),
    row("GET",  "/api/openapi.json",                                             &[],         OK,  &[]),
    row("GET",  "/api/docs",                                                     &[],         OK,  &[]),
    row("GET",  "/tiltak/forslag",                                               &[],         NO,  &[(Who::Anonymous, SEE), (Who::KoordinerendeEnhet, OK), (Who::Kommuneadministrator, OK), (Who::OtherKommuneadministrator, OK)]),
    row("GET",  "/tiltak/forslag/{proposal}",                                    &[],         NO,  &[(Who::Anonymous, SEE), (Who::KoordinerendeEnhet, OK)]),
    row("POST", "/tiltak/forslag/{proposal}",                                    &[("kommentar", "Greit."), ("beslutning", "godkjenn")], NO,  &[(Who::Anonymous, SEE), (Who::KoordinerendeEnhet, SEE)]),
    row("GET",  "/tiltak/{offer}",                                               &[],         OK,  &[]),
    row("GET",  "/tiltak/mine",                                                  &[],         NO,  &[(Who::Anonymous, SEE), (Who::Tiltaksredaktor, OK)]),
    row("GET",  "/tiltak/ny",                                                    &[],         NO,  &[(Who::Anonymous, SEE), (Who::Tiltaksredaktor, OK)]),
    row("POST", "/tiltak/ny",                                                    OFFER_FORM,  NO,  &[(Who::Anonymous, SEE), (Who::Tiltaksredaktor, SEE)]),
    row("GET",  "/tiltak/{offer}/endre",                                         &[],         NO,  &[(Who::Anonymous, SEE), (Who::Tiltaksredaktor, OK)]),
    row("POST", "/tiltak/{offer}/endre",                                         OFFER_FORM,  NO,  &[(Who::Anonymous, SEE), (Who::Tiltaksredaktor, SEE)]),
    // After the row above the editor's change waits; withdrawing it is theirs alone.
    row("POST", "/tiltak/{offer}/trekk-forslag",                                 &[],         NO,  &[(Who::Anonymous, SEE), (Who::Tiltaksredaktor, SEE)]),
    row("GET",  "/kommuner/{municipality}/stafettlogg",                          &[],         NO,  &[(Who::Anonymous, SEE), (Who::Kommuneadministrator, OK), (Who::Systemadmin, OK)]),
    row("POST", "/kommuner/{municipality}/stafettlogg",                          &[("modell", "bti"), ("frist", "14"), ("regel", "alle")], NO,  &[(Who::Anonymous, SEE), (Who::Kommuneadministrator, SEE), (Who::Systemadmin, SEE)]),
    row("POST", "/kommuner/{municipality}/bbis",                                 &[("tema", "Barnets utvikling: Helse\nFamilie og miljø: Bolig")], NO,  &[(Who::Anonymous, SEE), (Who::Kommuneadministrator, SEE), (Who::Systemadmin, SEE)]),
    row("GET",  "/tiltak/{offer}/historikk",                                     &[],         OK,  &[(Who::Anonymous, SEE), (Who::Ansatt, NO), (Who::Leder, NO), (Who::OtherKommuneadministrator, NO)]),
    // Issue #12. The municipality's texts for families in other languages (its administrator's, like the templates).
    row("GET",  "/kommuner/{municipality}/familietekster",                       &[],         NO,  &[(Who::Anonymous, SEE), (Who::Kommuneadministrator, OK), (Who::Systemadmin, OK)]),
    row("POST", "/kommuner/{municipality}/familietekster",                       TEXTS_FORM,  NO,  &[(Who::Anonymous, SEE), (Who::Kommuneadministrator, SEE), (Who::Systemadmin, SEE)]),
    // Login through an OpenID provider: none is configured in the tests, so the staff's login cannot start (404, the login's own page) and a return without a login under way is refused (400), for anyone.
    row("POST", "/logg-inn/ekstern",                                             &[("neste", "/")], NO, &[]),
    row("GET",  "/innlogging/tilbake",                                           &[],         BAD_REQUEST, &[]),
];

#[test]
fn every_route_has_a_row_and_every_row_a_route() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let app = rt.block_on(TestApp::new(laget_testkit::Backend::Sqlite));
    // Every table: this one, the log's, the meetings' (in a log, and the
    // municipality's pages about meetings), the standing teams', the
    // family's portal, the reports of concern and the individual plans.
    let tables: [&[Row]; 8] = [
        MATRIX,
        crate::log_matrix::LOG_MATRIX,
        crate::meeting_matrix::MEETING_MATRIX,
        crate::meeting_matrix::MEETING_ADMIN_MATRIX,
        crate::team_matrix::TEAM_MATRIX,
        crate::portal_matrix::PORTAL_MATRIX,
        crate::report_matrix::REPORT_MATRIX,
        crate::plan_matrix::PLAN_MATRIX,
    ];
    let all_rows = || tables.iter().flat_map(|t| t.iter());
    for route in &app.inventory {
        assert!(
            all_rows().any(|r| r.method == route.method && r.path == route.path),
            "route {} {} has no row in the access matrix",
            route.method,
            route.path
        );
    }
    for (method, path) in all_rows().map(|r| (r.method, r.path)) {
        assert!(
            app.inventory
                .iter()
                .any(|route| method == route.method && path == route.path),
            "matrix row {method} {path} names no route"
        );
    }
}

async fn matrix(app: TestApp) {
    let mut failures = Vec::new();
    for r in MATRIX {
        for who in &Who::ALL {
            let mut path = app.concrete_for(*who, r.path);
            // The catalogue's lists need the municipality when there are several.
            if [
                "/tiltak",
                "/tiltakstrapp",
                "/api/v1/offers",
                "/api/v1/ladders",
            ]
            .contains(&r.path)
            {
                path.push_str("?kommune=9001");
            }
            let expected = r.staff_expected(*who);
            let mut client = app.client(*who).await;
            let response = match r.method {
                "GET" => client.get(&path).await,
                _ => {
                    let form: Vec<(String, String)> = r
                        .form_fields()
                        .iter()
                        .map(|(k, v)| ((*k).to_owned(), app.concrete_for(*who, v)))
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
            // Where a 303 goes, and that a 404 is the unknown page.
            for problem in
                crate::privacy_rules::answer_problems(&app, &mut client, *who, r.path, &response)
                    .await
            {
                failures.push(format!("{} {} as {who:?}: {problem}", r.method, r.path));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{:?}: access matrix mismatches:\n{}",
        app.backend,
        failures.join("\n")
    );
}
on_every_backend!(access_matrix_holds, matrix);

/// The other municipality's administrator gets 404 for this municipality's
/// unit even through their own municipality's URL.
async fn cross_tenant(app: TestApp) {
    let mut other = app.client(Who::OtherKommuneadministrator).await;
    let own = app.fx.other_municipality;
    let foreign_unit = app.fx.unit;
    let r = other
        .get(&format!("/kommuner/{own}/enheter/{foreign_unit}"))
        .await;
    assert_eq!(r.status, 404);
    let r = other
        .post(
            &format!("/kommuner/{own}/enheter/{foreign_unit}"),
            UNIT_FORM,
        )
        .await;
    assert_eq!(r.status, 404);
    let target = app.fx.target_user;
    let r = other
        .get(&format!("/kommuner/{own}/brukere/{target}"))
        .await;
    assert_eq!(r.status, 404);
    let r = other
        .post(&format!("/kommuner/{own}/brukere/{target}/deaktiver"), &[])
        .await;
    assert_eq!(r.status, 404);
    // Giving one's own user a role in the other municipality's unit is refused too.
    let own_admin = app.fx.users[&Who::OtherKommuneadministrator];
    let unit = app.fx.unit.to_string();
    let r = other
        .post(
            &format!("/kommuner/{own}/brukere/{own_admin}/roller"),
            &[("rolle", "leder"), ("enhet", &unit)],
        )
        .await;
    assert_eq!(r.status, 404);
    let r = other
        .get(&format!("/enheter/{}/tilgangslogg", app.fx.other_unit))
        .await;
    assert_eq!(r.status, 404, "an administrator is not a leader");
}
on_every_backend!(administrators_stay_in_their_municipality, cross_tenant);
