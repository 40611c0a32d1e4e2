//! The messages of a request follow the written standard (målform) of the
//! signed-in user's municipality: a nynorsk municipality's staff get nynorsk
//! pages, a bokmål municipality's staff and visitors bokmål.

use crate::on_every_backend;
use diesel::prelude::*;
use laget_db::schema::municipalities;
use laget_testkit::{TestApp, Who};

fn written_standard_of(app: &TestApp, number: &str) -> String {
    app.with_conn(|c| {
        municipalities::table
            .filter(municipalities::number.eq(number))
            .select(municipalities::written_standard)
            .first(c)
            .unwrap()
    })
}

/// Texts only the nynorsk catalogue has, and their bokmål counterparts.
const NYNORSK: [&str; 2] = ["Hopp til hovudinnhaldet", "det tverrfaglege arbeidet"];
const BOKMAL: [&str; 2] = ["Hopp til hovedinnhold", "kommunens tverrfaglige arbeid"];

/// `page` contains every text of `says` and none of `not`.
fn assert_says(page: &str, what: &str, says: &[&str], not: &[&str]) {
    for text in says {
        assert!(page.contains(text), "{what} says «{text}»: {page}");
    }
    for text in not {
        assert!(!page.contains(text), "{what} does not say «{text}»: {page}");
    }
}

fn assert_nynorsk(page: &str, what: &str) {
    assert!(page.contains("<html lang=\"nn\""), "{what}: {page}");
    assert_says(page, what, &NYNORSK, &BOKMAL);
}

fn assert_bokmal(page: &str, what: &str) {
    assert!(page.contains("<html lang=\"nb\""), "{what}: {page}");
    assert_says(page, what, &BOKMAL, &NYNORSK);
}

async fn pages_in_the_municipalitys_written_standard(app: TestApp) {
    // The system administrator makes a municipality that writes nynorsk.
    let mut sys = app.client(Who::Systemadmin).await;
    let r = sys
        .post(
            "/kommuner",
            &[("nummer", "9105"), ("navn", "Nykommune"), ("malform", "nn")],
        )
        .await;
    assert_eq!(r.status, 303);
    assert_eq!(written_standard_of(&app, "9105"), "nn");
    assert_eq!(written_standard_of(&app, "9001"), "nb");
    let r = sys
        .post(
            "/kommuner",
            &[("nummer", "9106"), ("navn", "Ukjent"), ("malform", "en")],
        )
        .await;
    assert_eq!(r.status, 422, "only nb and nn");
    // Without a municipality of their own, the system administrator reads
    // bokmål.
    assert_bokmal(&sys.get("/kommuner").await.body, "the municipality list");

    // Testkommune goes over to nynorsk.
    app.with_conn(|c| {
        diesel::update(municipalities::table.filter(municipalities::number.eq("9001")))
            .set(municipalities::written_standard.eq("nn"))
            .execute(c)
            .unwrap()
    });
    let log = format!("/logger/{}", app.fx.log.log);
    let child = format!("/barn/{}", app.fx.log.child);
    let mut staff = app.client(Who::Ansatt).await;
    let home = staff.get("/").await;
    assert_eq!(home.status, 200);
    assert_nynorsk(&home.body, "the start page");
    assert!(home.body.contains("Mine oppgåver"), "{}", home.body);
    assert!(
        home.body.contains("aria-label=\"Hovudmeny\""),
        "{}",
        home.body
    );
    assert!(!home.body.contains("Mine oppgaver"), "{}", home.body);
    for path in ["/barn", "/mine-oppgaver", log.as_str(), child.as_str()] {
        let r = staff.get(path).await;
        assert_eq!(r.status, 200, "{path}");
        assert_nynorsk(&r.body, path);
    }
    let r = staff.get(&log).await;
    assert!(r.body.contains("Open"), "the log's status in nynorsk");
    // A form's problems, and the error page, speak nynorsk too.
    let r = staff.post("/barn", &[("navn", "")]).await;
    assert_eq!(r.status, 422);
    assert_nynorsk(&r.body, "a form with problems");
    assert!(r.body.contains("Dette feltet må fyllast ut."), "{}", r.body);
    let r = staff
        .get("/logger/00000000-0000-0000-0000-000000000000")
        .await;
    assert_eq!(r.status, 404);
    assert_nynorsk(&r.body, "the unknown page");
    assert!(r.body.contains("Fann ikkje sida"), "{}", r.body);
    // So do the public pages for its staff.
    let r = staff.get("/tiltak?kommune=9001").await;
    assert_nynorsk(&r.body, "the catalogue, signed in");

    // The other municipality still writes bokmål, and visitors read bokmål.
    let mut other = app.client(Who::OtherKommuneadministrator).await;
    let r = other.get("/").await;
    assert_eq!(r.status, 200);
    assert_bokmal(&r.body, "the other municipality's start page");
    assert!(r.body.contains("aria-label=\"Hovedmeny\""), "{}", r.body);
    let mut visitor = app.anonymous();
    for path in ["/tiltak?kommune=9001", "/logg-inn", "/tiltakstrapp"] {
        let r = visitor.get(path).await;
        assert_eq!(r.status, 200, "{path}");
        assert_bokmal(&r.body, path);
    }
}
on_every_backend!(
    a_nynorsk_municipalitys_staff_get_nynorsk_pages,
    pages_in_the_municipalitys_written_standard
);

/// The data a municipality starts with (its challenge areas, its BBIS
/// themes) is written in its written standard; the codes are the same.
async fn defaults_in_the_municipalitys_written_standard(app: TestApp) {
    // A new nynorsk municipality's catalogue filters on nynorsk challenge
    // areas, under the same codes; a bokmål one's on bokmål areas.
    let mut sys = app.client(Who::Systemadmin).await;
    for (number, name, standard) in [("9105", "Nykommune", "nn"), ("9107", "Bokkommune", "nb")] {
        let r = sys
            .post(
                "/kommuner",
                &[("nummer", number), ("navn", name), ("malform", standard)],
            )
            .await;
        assert_eq!(r.status, 303, "{name}");
    }
    let mut visitor = app.anonymous();
    let nn = visitor.get("/tiltak?kommune=9105").await;
    assert_eq!(nn.status, 200);
    let nn_areas = [
        "Skulefråvær",
        "Foreldrerettleiing",
        "Åtferd",
        "Vald og overgrep",
    ];
    // («Vold og overgrep» is also a risk factor, and a visitor reads the
    // page's own texts in bokmål, so it is not in the bokmål list.)
    let nb_areas = ["Skolefravær", "Foreldreveiledning", "Atferd"];
    assert_says(&nn.body, "the nynorsk filter", &nn_areas, &nb_areas);
    assert!(
        nn.body.contains("value=\"skolefravaer\""),
        "the code is kept: {}",
        nn.body
    );
    for number in ["9107", "9001"] {
        let nb = visitor.get(&format!("/tiltak?kommune={number}")).await;
        assert_eq!(nb.status, 200);
        assert_says(
            &nb.body,
            &format!("{number}'s filter"),
            &nb_areas,
            &nn_areas,
        );
        assert!(
            nb.body.contains("value=\"skolefravaer\""),
            "{number}: {}",
            nb.body
        );
    }

    // The BBIS form of Testkommune's log lists the default themes in
    // bokmål while the municipality writes bokmål …
    let bbis = format!("/logger/{}/bbis", app.fx.log.log);
    let mut staff = app.client(Who::Ansatt).await;
    let nb_themes = [
        "Barnets utvikling",
        "Følelser og uttrykk",
        "Selvstendighet",
        "Foreldrenes omsorg",
        "Stimulering og veiledning",
    ];
    let nn_themes = [
        "Utviklinga til barnet",
        "Kjensler og uttrykk",
        "Sjølvstende",
        "Omsorga frå foreldra",
        "Stimulering og rettleiing",
    ];
    let r = staff.get(&bbis).await;
    assert_eq!(r.status, 200);
    assert_says(&r.body, "bokmål BBIS", &nb_themes, &nn_themes);
    assert!(
        r.body.contains("name=\"tema_selvstendighet\""),
        "{}",
        r.body
    );
    // … and in nynorsk once it writes nynorsk (it has no list of its own).
    app.with_conn(|c| {
        diesel::update(municipalities::table.filter(municipalities::number.eq("9001")))
            .set(municipalities::written_standard.eq("nn"))
            .execute(c)
            .unwrap()
    });
    let r = staff.get(&bbis).await;
    assert_eq!(r.status, 200);
    assert_nynorsk(&r.body, "the BBIS form");
    assert_says(&r.body, "nynorsk BBIS", &nn_themes, &nb_themes);
    assert!(
        r.body.contains("name=\"tema_selvstendighet\""),
        "the code is kept: {}",
        r.body
    );
}
on_every_backend!(
    a_municipality_starts_with_data_in_its_written_standard,
    defaults_in_the_municipalitys_written_standard
);
