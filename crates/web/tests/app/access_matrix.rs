//! Every route × every role, with the expected answer, in one table. A route
//! added to the router without a row here fails `every_route_has_a_row`.

use crate::on_every_backend;
use laget_testkit::{TestApp, Who};

/// 200 page, 303 redirect (done, or to login), 404 (not yours), 422 (form
/// with errors, so the rights check passed).
const OK: u16 = 200;
const SEE: u16 = 303;
const NO: u16 = 404;
const BAD: u16 = 422;
const BAD_REQUEST: u16 = 400;

struct Row {
    method: &'static str,
    path: &'static str,
    /// A form that passes validation where the role may act.
    form: &'static [(&'static str, &'static str)],
    /// Expected status for Who::ALL, in that order: anonymous, ansatt, leder,
    /// koordinerende enhet, tiltaksredaktør, kommuneadministrator,
    /// kommuneadministrator of another municipality, systemadministrator.
    expect: [u16; 8],
}

const fn row(
    method: &'static str,
    path: &'static str,
    form: &'static [(&'static str, &'static str)],
    expect: [u16; 8],
) -> Row {
    Row {
        method,
        path,
        form,
        expect,
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
    //                                                                                      anon ansatt leder  KE   red  kadm  annen  sys
    row("GET",  "/",                                                             &[],                           [SEE, OK,  OK,  OK,  OK,  OK,  OK,  OK]),
    row("GET",  "/helse",                                                        &[],                           [OK,  OK,  OK,  OK,  OK,  OK,  OK,  OK]),
    row("GET",  "/static/{name}",                                                &[],                           [OK,  OK,  OK,  OK,  OK,  OK,  OK,  OK]),
    row("GET",  "/logg-inn",                                                     &[],                           [OK,  SEE, SEE, SEE, SEE, SEE, SEE, SEE]),
    row("POST", "/logg-inn",                                                     &[("brukernavn", "x"), ("passord", "y")], [BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD]),
    row("POST", "/logg-ut",                                                      &[],                           [SEE, SEE, SEE, SEE, SEE, SEE, SEE, SEE]),
    row("GET",  "/kommuner",                                                     &[],                           [SEE, NO,  NO,  NO,  NO,  NO,  NO,  OK]),
    row("POST", "/kommuner",                                                     &[("nummer", "9100"), ("navn", "Matrisekommune"), ("malform", "nb")], [SEE, NO, NO, NO, NO, NO, NO, SEE]),
    row("GET",  "/kommuner/{municipality}/enheter",                              &[],                           [SEE, NO,  NO,  NO,  NO,  OK,  NO,  OK]),
    row("GET",  "/kommuner/{municipality}/enheter/ny",                           &[],                           [SEE, NO,  NO,  NO,  NO,  OK,  NO,  OK]),
    row("POST", "/kommuner/{municipality}/enheter",                              UNIT_FORM,                     [SEE, NO,  NO,  NO,  NO,  SEE, NO,  SEE]),
    row("GET",  "/kommuner/{municipality}/enheter/{unit}",                       &[],                           [SEE, NO,  NO,  NO,  NO,  OK,  NO,  OK]),
    row("POST", "/kommuner/{municipality}/enheter/{unit}",                       UNIT_FORM,                     [SEE, NO,  NO,  NO,  NO,  SEE, NO,  SEE]),
    row("POST", "/kommuner/{municipality}/enheter/{unit}/vertskommune",          &[("vertskommune", "{municipality}")], [SEE, NO, NO, NO, NO, NO, NO, SEE]),
    row("GET",  "/kommuner/{municipality}/brukere",                              &[],                           [SEE, NO,  NO,  NO,  NO,  OK,  NO,  OK]),
    row("GET",  "/kommuner/{municipality}/brukere/ny",                           &[],                           [SEE, NO,  NO,  NO,  NO,  OK,  NO,  OK]),
    row("POST", "/kommuner/{municipality}/brukere",                              USER_FORM,                     [SEE, NO,  NO,  NO,  NO,  SEE, NO,  BAD]),
    row("GET",  "/kommuner/{municipality}/brukere/{user}",                       &[],                           [SEE, NO,  NO,  NO,  NO,  OK,  NO,  OK]),
    row("POST", "/kommuner/{municipality}/brukere/{user}",                       &[("navn", "Mona Ny"), ("epost", "")], [SEE, NO, NO, NO, NO, SEE, NO, SEE]),
    row("POST", "/kommuner/{municipality}/brukere/{user}/deaktiver",             &[],                           [SEE, NO,  NO,  NO,  NO,  SEE, NO,  SEE]),
    row("POST", "/kommuner/{municipality}/brukere/{user}/aktiver",               &[],                           [SEE, NO,  NO,  NO,  NO,  SEE, NO,  SEE]),
    row("POST", "/kommuner/{municipality}/brukere/{user}/passord",               &[("passord", "Blåveis-Kornmo-Trekkfugl-93"), ("passord2", "Blåveis-Kornmo-Trekkfugl-93")], [SEE, NO, NO, NO, NO, SEE, NO, SEE]),
    row("POST", "/kommuner/{municipality}/brukere/{user}/roller",                &[("rolle", "kommuneadministrator")], [SEE, NO, NO, NO, NO, SEE, NO, BAD]),
    row("POST", "/kommuner/{municipality}/brukere/{user}/roller/{membership}/fjern", &[],                       [SEE, NO,  NO,  NO,  NO,  SEE, NO,  NO]),
    row("GET",  "/enheter/{unit}/tilgangslogg",                                  &[],                           [SEE, NO,  OK,  NO,  NO,  NO,  NO,  NO]),
    row("GET",  "/enheter/{unit}/tildelte-roller",                               &[],                           [SEE, NO,  OK,  NO,  NO,  NO,  NO,  NO]),
    row("POST", "/enheter/{unit}/tildelte-roller/{membership}/gjennomgatt",      &[],                           [SEE, NO,  SEE, NO,  NO,  NO,  NO,  NO]),
    row("GET",  "/tiltak",                                                       &[],                           [OK,  OK,  OK,  OK,  OK,  OK,  OK,  OK]),
    row("GET",  "/tiltakstrapp",                                                 &[],                           [OK,  OK,  OK,  OK,  OK,  OK,  OK,  OK]),
    row("GET",  "/kommuner/{municipality}/tiltak",                               &[],                           [SEE, NO,  NO,  NO,  NO,  OK,  NO,  OK]),
    // The import form is multipart; this row checks who gets past the rights check (400: not multipart).
    row("POST", "/kommuner/{municipality}/tiltak/import",                        &[],                           [SEE, NO,  NO,  NO,  NO,  BAD_REQUEST, NO, BAD_REQUEST]),
    row("GET",  "/kommuner/{municipality}/tiltak/eksport",                       &[],                           [SEE, NO,  NO,  NO,  NO,  OK,  NO,  OK]),
    row("POST", "/kommuner/{municipality}/utfordringer",                         &[("nytt_navn", "Søvn")],      [SEE, NO,  NO,  NO,  NO,  SEE, NO,  BAD]),
    row("POST", "/kommuner/{municipality}/utfordringer/{code}",                  &[("navn", "Språk og tale")], [SEE, NO, NO,  NO,  NO,  SEE, NO,  SEE]),
    row("GET",  "/api/v1/offers",                                                &[],                           [OK,  OK,  OK,  OK,  OK,  OK,  OK,  OK]),
    row("GET",  "/api/v1/offers/{offer}",                                        &[],                           [OK,  OK,  OK,  OK,  OK,  OK,  OK,  OK]),
    row("GET",  "/api/v1/ladders",                                               &[],                           [OK,  OK,  OK,  OK,  OK,  OK,  OK,  OK]),
    row("GET",  "/api/openapi.json",                                             &[],                           [OK,  OK,  OK,  OK,  OK,  OK,  OK,  OK]),
    row("GET",  "/api/docs",                                                     &[],                           [OK,  OK,  OK,  OK,  OK,  OK,  OK,  OK]),
    row("GET",  "/tiltak/forslag",                                               &[],                           [SEE, NO,  NO,  OK,  NO,  OK,  OK,  NO]),
    row("GET",  "/tiltak/forslag/{proposal}",                                    &[],                           [SEE, NO,  NO,  OK,  NO,  NO,  NO,  NO]),
    row("POST", "/tiltak/forslag/{proposal}",                                    &[("kommentar", "Greit."), ("beslutning", "godkjenn")], [SEE, NO, NO, SEE, NO, NO, NO, NO]),
    row("GET",  "/tiltak/{offer}",                                               &[],                           [OK,  OK,  OK,  OK,  OK,  OK,  OK,  OK]),
    row("GET",  "/tiltak/mine",                                                  &[],                           [SEE, NO,  NO,  NO,  OK,  NO,  NO,  NO]),
    row("GET",  "/tiltak/ny",                                                    &[],                           [SEE, NO,  NO,  NO,  OK,  NO,  NO,  NO]),
    row("POST", "/tiltak/ny",                                                    OFFER_FORM,                    [SEE, NO,  NO,  NO,  SEE, NO,  NO,  NO]),
    row("GET",  "/tiltak/{offer}/endre",                                         &[],                           [SEE, NO,  NO,  NO,  OK,  NO,  NO,  NO]),
    row("POST", "/tiltak/{offer}/endre",                                         OFFER_FORM,                    [SEE, NO,  NO,  NO,  SEE, NO,  NO,  NO]),
    // After the row above the editor's change waits; withdrawing it is theirs alone.
    row("POST", "/tiltak/{offer}/trekk-forslag",                                 &[],                           [SEE, NO,  NO,  NO,  SEE, NO,  NO,  NO]),
    row("GET",  "/kommuner/{municipality}/stafettlogg",                          &[],                           [SEE, NO,  NO,  NO,  NO,  OK,  NO,  OK]),
    row("POST", "/kommuner/{municipality}/stafettlogg",                          &[("modell", "bti"), ("frist", "14"), ("regel", "alle")], [SEE, NO, NO, NO, NO, SEE, NO, SEE]),
    row("POST", "/kommuner/{municipality}/bbis",                                 &[("tema", "Barnets utvikling: Helse\nFamilie og miljø: Bolig")], [SEE, NO, NO, NO, NO, SEE, NO, SEE]),
    row("GET",  "/tiltak/{offer}/historikk",                                     &[],                           [SEE, NO,  NO,  OK,  OK,  OK,  NO,  OK]),
];

#[test]
fn every_route_has_a_row_and_every_row_a_route() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let app = rt.block_on(TestApp::new(laget_testkit::Backend::Sqlite));
    let log_rows = crate::log_matrix::LOG_MATRIX;
    for route in &app.inventory {
        assert!(
            MATRIX
                .iter()
                .any(|r| r.method == route.method && r.path == route.path)
                || log_rows
                    .iter()
                    .any(|r| r.method == route.method && r.path == route.path),
            "route {} {} has no row in the access matrix",
            route.method,
            route.path
        );
    }
    for (method, path) in MATRIX
        .iter()
        .map(|r| (r.method, r.path))
        .chain(log_rows.iter().map(|r| (r.method, r.path)))
    {
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
        let mut path = app.concrete(r.path);
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
        for (who, expected) in Who::ALL.iter().zip(r.expect) {
            let mut client = app.client(*who).await;
            let response = match r.method {
                "GET" => client.get(&path).await,
                _ => {
                    let form: Vec<(String, String)> = r
                        .form
                        .iter()
                        .map(|(k, v)| ((*k).to_owned(), app.concrete(v)))
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
