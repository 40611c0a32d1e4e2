//! Choosing a measure for a child: the offers fit the child's age and the
//! log's challenge areas by default, with a search and a way out to all;
//! «Hvis dette ikke er nok» on the measure page shows the next steps of the
//! public offer page that fit the child's age, each one click from a new
//! measure.

use crate::on_every_backend;
use laget_domain::access::Operator;
use laget_domain::catalogue::PreventionLevel;
use laget_domain::ids::OfferId;
use laget_testkit::{TestApp, Who, offer_fields};

fn today() -> chrono::NaiveDate {
    chrono::Utc::now()
        .with_timezone(&chrono_tz::Europe::Oslo)
        .date_naive()
}

fn ddmmyyyy(d: chrono::NaiveDate) -> String {
    d.format("%d.%m.%Y").to_string()
}

/// A published offer of the fixture kindergarten in the «språk» area.
fn offer(app: &TestApp, name: &str, ages: (u8, u8), step: u8) -> OfferId {
    let m = app.fx.municipality;
    let mut f = offer_fields(app.fx.unit, name);
    f.age_from = ages.0;
    f.age_to = ages.1;
    f.ladder_step = step;
    f.level = PreventionLevel::Selektiv;
    f.challenge_areas = vec!["sprak".to_owned()];
    app.with_conn(|c| {
        laget_db::catalogue::offers::create(c, &Operator::at_console().administer(m), m, &f, None)
            .unwrap()
    })
}

/// The link texts in the part of `html` that starts at `start` and ends at
/// the first `end` after it.
fn names_in(html: &str, start: &str, end: &str) -> Vec<String> {
    let Some(from) = html.find(start) else {
        return Vec::new();
    };
    let part = &html[from..];
    let part = &part[..part.find(end).unwrap_or(part.len())];
    let mut names: Vec<String> = part
        .split("class=\"ds-link\" href=\"/tiltak/")
        .skip(1)
        .filter_map(|s| {
            let text = &s[s.find('>')? + 1..];
            Some(text[..text.find('<')?].to_owned())
        })
        .collect();
    names.sort();
    names
}

async fn measure_offers(app: TestApp) {
    // A ladder in «språk»: a first step for 0–6, an explicit next step, and
    // three offers one step up: one for 3–10, one for 5–10 (on the public
    // page, since it shares ages with the first step, but not for a
    // four-year-old), and one for youth (on neither).
    let first = offer(&app, "Språkstart i barnehagen", (0, 6), 1);
    let explicit = offer(&app, "Språkgruppe med foreldre", (2, 6), 3);
    let speech = offer(&app, "Logoped i barnehagen", (3, 10), 2);
    offer(&app, "Skolestartgruppe", (5, 10), 2);
    let youth = offer(&app, "Sommerjobb for ungdom", (16, 25), 2);
    let m = app.fx.municipality;
    app.with_conn(|c| {
        laget_db::catalogue::offers::set_next_steps(
            c,
            &Operator::at_console().administer(m),
            first,
            &[explicit],
        )
        .unwrap()
    });
    let ages = |name: &str| match name {
        "Språkstart i barnehagen" => (0, 6),
        "Språkgruppe med foreldre" => (2, 6),
        "Logoped i barnehagen" => (3, 10),
        "Skolestartgruppe" => (5, 10),
        "Sommerjobb for ungdom" => (16, 25),
        _ => (0, 99),
    };

    // A four-year-old with a log about language.
    let mut staff = app.client(Who::Ansatt).await;
    let born = today() - chrono::Duration::days(4 * 365 + 30);
    let r = staff
        .post(
            "/barn",
            &[
                ("enhet", &app.fx.unit.to_string()),
                ("navn", "Fire Åringsen"),
                ("fodselsdato", &ddmmyyyy(born)),
            ],
        )
        .await;
    assert_eq!(r.status, 303);
    let child = r
        .location()
        .trim_start_matches("/barn/")
        .split('?')
        .next()
        .unwrap()
        .to_owned();
    let r = staff
        .post(
            &format!("/barn/{child}/ny-logg"),
            &[
                ("uro", "Sier få ord."),
                ("observert", &ddmmyyyy(today())),
                ("utfordringer", "sprak"),
            ],
        )
        .await;
    assert_eq!(r.status, 303);
    let log = r.location().split('?').next().unwrap().to_owned();
    let form = format!("{log}/tiltak");

    // By default: the child's age and the log's areas.
    let body = staff.get(&form).await.body;
    assert!(body.contains("Passer for barnets alder (4 år)"), "{body}");
    assert!(body.contains("Innen loggens utfordringer (Språk)"));
    assert!(body.contains("Språkstart i barnehagen"));
    assert!(body.contains("Logoped i barnehagen"));
    assert!(!body.contains("Sommerjobb for ungdom"));
    // The fixture's offer is for 6–12 and school absence.
    assert!(!body.contains("Testtilbud ved skolefravær"));
    // A search within the filter finds nothing for youth, and says so with
    // the way out; the way out with the search finds it.
    let body = staff.get(&format!("{form}?sok=sommerjobb")).await.body;
    assert!(!body.contains("Sommerjobb for ungdom"));
    assert!(body.contains("Ingen tilbud passer."));
    assert!(
        body.contains(&format!("href=\"{form}?filtrert=ja&#38;sok=sommerjobb\"")),
        "{body}"
    );
    let body = staff
        .get(&format!("{form}?filtrert=ja&sok=sommerjobb"))
        .await
        .body;
    assert!(body.contains("Sommerjobb for ungdom"));
    assert!(!body.contains("Logoped i barnehagen"));
    // «Vis alle»: every offer.
    let body = staff.get(&format!("{form}?filtrert=ja")).await.body;
    assert!(body.contains("Sommerjobb for ungdom"));
    assert!(body.contains("Testtilbud ved skolefravær"));
    // Only the age filter: the areas do not narrow.
    let body = staff
        .get(&format!("{form}?filtrert=ja&alder=ja"))
        .await
        .body;
    assert!(!body.contains("Sommerjobb for ungdom"));
    assert!(body.contains("Språkstart i barnehagen"));

    // A form with errors comes back with its filter and input.
    let team: String = {
        let page = staff.get(&form).await.body;
        let at = page.find("name=\"ansvarlig\"").unwrap();
        let opt = &page[at..];
        let opt = &opt[opt.find("<option value=\"").unwrap() + 15..];
        let opt = &opt[opt.find("<option value=\"").unwrap() + 15..];
        opt[..opt.find('"').unwrap()].to_owned()
    };
    let (start, eval) = (
        ddmmyyyy(today()),
        ddmmyyyy(today() + chrono::Duration::days(42)),
    );
    let speech_s = speech.to_string();
    let r = staff
        .post(
            &form,
            &[
                ("filtrert", "ja"),
                ("sok", "logoped"),
                ("alder", "ja"),
                ("tilbud", &speech_s),
                ("mal", ""),
                ("ansvarlig", &team),
                ("start", &start),
                ("evaluering", &eval),
            ],
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("id=\"mal-error\""));
    assert!(r.body.contains("value=\"logoped\""));
    assert!(
        r.body
            .contains(&format!("<option value=\"{speech}\" selected>"))
    );
    assert!(!r.body.contains("Språkstart i barnehagen"));

    // A measure from the first step, evaluated as not enough.
    let first_s = first.to_string();
    let r = staff
        .post(
            &form,
            &[
                ("tilbud", &first_s),
                ("mal", "Flere ord."),
                ("ansvarlig", &team),
                ("start", &start),
                ("evaluering", &eval),
                ("endelig", "ja"),
                ("barnets_beste", "Språket er viktig for barnet."),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let measure = r.location().split('?').next().unwrap().to_owned();
    let r = staff
        .post(
            &format!("{measure}/evaluering"),
            &[
                ("effekt", "uendret"),
                ("vurdering", "Lite endring."),
                ("videre", "fortsette"),
                ("neste", &eval),
            ],
        )
        .await;
    assert_eq!(r.status, 303);

    // The public page's next steps, and the measure page's: the same, less
    // those that do not fit a four-year-old.
    let public = app.anonymous().get(&format!("/tiltak/{first}")).await.body;
    let public_next = names_in(&public, "id=\"neste\"", "</ul>");
    assert_eq!(
        public_next,
        [
            "Logoped i barnehagen",
            "Skolestartgruppe",
            "Språkgruppe med foreldre"
        ]
    );
    let page = staff.get(&measure).await.body;
    let on_measure = names_in(&page, "id=\"neste-trinn\"", "</section>");
    let expected: Vec<String> = public_next
        .iter()
        .filter(|n| {
            let (from, to) = ages(n);
            from <= 4 && 4 <= to
        })
        .cloned()
        .collect();
    assert_eq!(
        expected,
        ["Logoped i barnehagen", "Språkgruppe med foreldre"]
    );
    assert_eq!(on_measure, expected);
    assert!(!page.contains(&youth.to_string()));
    // Each step opens the new-measure form with that offer chosen.
    let add = format!("{form}?tilbud={speech}");
    assert!(page.contains(&format!("href=\"{add}\"")), "{page}");
    let body = staff.get(&add).await.body;
    assert!(body.contains(&format!("<option value=\"{speech}\" selected>")));
    // Chosen from elsewhere, an offer outside the filter is still listed.
    let body = staff.get(&format!("{form}?tilbud={youth}")).await.body;
    assert!(body.contains(&format!("<option value=\"{youth}\" selected>")));
}
on_every_backend!(
    measures_are_chosen_for_the_childs_age_and_areas,
    measure_offers
);
