//! The catalogue of measures: search (against the pure filter, as a property
//! test), public visibility, editors' scope, the coordinating unit's review,
//! version history, and the API.

use crate::on_every_backend;
use laget_db::catalogue::offers::{self, SaveOutcome, Search, Visibility};
use laget_domain::access::Operator;
use laget_domain::admin::unit::UnitKind;
use laget_domain::catalogue::{
    AccessRoute, AgeFilter, OfferFields, OfferFilter, OfferSort, OfferStatus, PreventionLevel,
    Searchable,
};
use laget_testkit::{TestApp, Who, offer_fields};
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, TestRunner};

const AREAS: &[&str] = &["psykisk_helse", "rus", "skolefravaer", "sprak", "fritid"];
const WORDS: &[&str] = &[
    "skole", "Fravær", "språk", "gruppe", "foreldre", "ÆRLIG", "samtale",
];

/// (age a, age b, pregnant, level, areas, risks, access, status, words)
type RandomOffer = (
    u8,
    u8,
    bool,
    usize,
    Vec<usize>,
    Vec<u8>,
    usize,
    usize,
    Vec<usize>,
);

fn random_fields() -> impl Strategy<Value = RandomOffer> {
    (
        0u8..=25,
        0u8..=25,
        any::<bool>(),
        0usize..3,
        proptest::sample::subsequence((0..AREAS.len()).collect::<Vec<_>>(), 1..3),
        proptest::sample::subsequence((1u8..=8).collect::<Vec<_>>(), 0..3),
        0usize..3,
        0usize..2,
        proptest::sample::subsequence((0..WORDS.len()).collect::<Vec<_>>(), 0..4),
    )
}

/// Every offer the database returns satisfies the filter, and none that
/// satisfies it is missing, for random filters over random offers.
async fn search_matches_the_filter(app: TestApp) {
    let m = app.fx.municipality;
    let units = [app.fx.unit, {
        let units = app.with_conn(|c| laget_db::admin::units::list_in_municipality(c, m).unwrap());
        units
            .iter()
            .find(|u| u.kind == UnitKind::KoordinerendeEnhet)
            .unwrap()
            .id
    }];
    let mut runner = TestRunner::new(Config {
        cases: 1,
        ..Config::default()
    });
    let offers_strategy = proptest::collection::vec((random_fields(), 0usize..2), 40);
    let generated = offers_strategy.new_tree(&mut runner).unwrap().current();
    let cap = Operator::at_console().administer(m);
    let mut all: Vec<OfferFields> = Vec::new();
    app.with_conn(|c| {
        for (i, ((a, b, pregnant, level, areas, risks, access, status, words), unit)) in
            generated.into_iter().enumerate()
        {
            let mut f = offer_fields(units[unit], &format!("Tilbud {i}"));
            f.age_from = a.min(b);
            f.age_to = a.max(b);
            f.pregnant = pregnant;
            f.level = PreventionLevel::ALL[level];
            f.challenge_areas = areas.iter().map(|i| AREAS[*i].to_owned()).collect();
            f.risk_factors = risks;
            f.access = AccessRoute::ALL[access];
            f.status = [OfferStatus::Publisert, OfferStatus::Utkast][status];
            f.description = words
                .iter()
                .map(|w| WORDS[*w])
                .collect::<Vec<_>>()
                .join(" ");
            offers::create(c, &cap, m, &f, None).unwrap();
            all.push(f);
        }
    });
    // The fixture offer is in the database too.
    all.push(app.with_conn(|c| offers::get(c, app.fx.offer).unwrap().fields));
    let unit_list = app.with_conn(|c| laget_db::admin::units::list_in_municipality(c, m).unwrap());
    let filter_strategy = (
        proptest::option::of(proptest::sample::select(WORDS.to_vec())),
        proptest::option::of(prop_oneof![
            (0u8..=25, 0u8..=25).prop_map(|(a, b)| AgeFilter::Range {
                from: a.min(b),
                to: a.max(b)
            }),
            Just(AgeFilter::Pregnant)
        ]),
        proptest::option::of(proptest::sample::select(PreventionLevel::ALL.to_vec())),
        proptest::option::of(proptest::sample::select(AREAS.to_vec())),
        proptest::option::of(1u8..=8),
        proptest::option::of(proptest::sample::select(units.to_vec())),
        proptest::option::of(proptest::sample::select(vec![
            UnitKind::Barnehage,
            UnitKind::KoordinerendeEnhet,
            UnitKind::Skole,
        ])),
        proptest::option::of(proptest::sample::select(AccessRoute::ALL.to_vec())),
        any::<bool>(),
    );
    let mut runner = TestRunner::new(Config {
        cases: 200,
        failure_persistence: None,
        ..Config::default()
    });
    let today = chrono::Utc::now().date_naive();
    runner
        .run(
            &filter_strategy,
            |(text, age, level, area, risk, provider, unit_kind, access, public)| {
                let filter = OfferFilter {
                    text: text.map(str::to_owned),
                    age,
                    level,
                    area: area.map(str::to_owned),
                    risk,
                    provider,
                    unit_kind,
                    access,
                };
                let visibility = if public {
                    Visibility::Public(today)
                } else {
                    Visibility::All
                };
                let search = Search {
                    municipality: Some(m),
                    filter: filter.clone(),
                    sort: OfferSort::Name,
                    visibility,
                    offset: 0,
                    limit: 10_000,
                };
                let (found, total) = app.with_conn(|c| offers::search(c, &search).unwrap());
                let mut got: Vec<String> = found.iter().map(|o| o.fields.name.clone()).collect();
                got.sort();
                let mut expected: Vec<String> = all
                    .iter()
                    .filter(|f| {
                        let unit = unit_list.iter().find(|u| u.id == f.provider_unit).unwrap();
                        filter.matches(&Searchable {
                            fields: f,
                            provider_name: &unit.name,
                            provider_kind: unit.kind,
                        }) && (!public || f.is_public_on(today))
                    })
                    .map(|f| f.name.clone())
                    .collect();
                expected.sort();
                prop_assert_eq!(total, i64::try_from(expected.len()).unwrap());
                prop_assert_eq!(got, expected, "filter {:?}", filter);
                Ok(())
            },
        )
        .unwrap();
}
on_every_backend!(
    search_returns_exactly_the_offers_the_filter_allows,
    search_matches_the_filter
);

async fn public_sees_published_only(app: TestApp) {
    let m = app.fx.municipality;
    let cap = Operator::at_console().administer(m);
    let mut draft = offer_fields(app.fx.unit, "Hemmelig utkast");
    draft.status = OfferStatus::Utkast;
    let mut ended = offer_fields(app.fx.unit, "Utløpt tilbud");
    ended.valid_to = chrono::NaiveDate::from_ymd_opt(2020, 1, 1);
    let (draft_id, ended_id) = app.with_conn(|c| {
        (
            offers::create(c, &cap, m, &draft, None).unwrap(),
            offers::create(c, &cap, m, &ended, None).unwrap(),
        )
    });
    let mut anon = app.anonymous();
    let list = anon.get("/tiltak?kommune=9001").await;
    assert_eq!(list.status, 200);
    assert!(list.body.contains("Testtilbud ved skolefravær"));
    assert!(!list.body.contains("Hemmelig utkast") && !list.body.contains("Utløpt tilbud"));
    assert_eq!(anon.get(&format!("/tiltak/{draft_id}")).await.status, 404);
    assert_eq!(anon.get(&format!("/tiltak/{ended_id}")).await.status, 404);
    assert_eq!(
        anon.get(&format!("/api/v1/offers/{draft_id}")).await.status,
        404
    );
    // The offer's editor may look at the draft.
    let mut editor = app.client(Who::Tiltaksredaktor).await;
    let page = editor.get(&format!("/tiltak/{draft_id}")).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Utkast"));
    // A filter that cannot be read is explained, not applied half-way.
    let bad = anon.get("/tiltak?kommune=9001&alder=ni").await;
    assert_eq!(bad.status, 422);
    assert!(bad.body.contains("Skriv en alder (0–25)"));
    assert!(bad.body.contains("value=\"ni\""));
    // One age finds the offer for 6–12; a range that misses it does not.
    assert!(
        anon.get("/tiltak?kommune=9001&alder=9&utfordring=skolefravaer")
            .await
            .body
            .contains("Testtilbud ved skolefravær")
    );
    assert!(
        !anon
            .get("/tiltak?kommune=9001&alder=13-18")
            .await
            .body
            .contains("Testtilbud ved skolefravær")
    );
    // Several municipalities and none chosen: the visitor chooses.
    let chooser = anon.get("/tiltak").await;
    assert!(chooser.body.contains("Velg kommune") && chooser.body.contains("?kommune=9002"));
    assert_eq!(anon.get("/tiltak?kommune=0000").await.status, 404);
}
on_every_backend!(
    the_public_sees_only_published_offers,
    public_sees_published_only
);

async fn editor_scope(app: TestApp) {
    // An offer of another unit (the coordinating unit's) is not the editor's.
    let m = app.fx.municipality;
    let units = app.with_conn(|c| laget_db::admin::units::list_in_municipality(c, m).unwrap());
    let other_unit = units
        .iter()
        .find(|u| u.kind == UnitKind::KoordinerendeEnhet)
        .unwrap()
        .id;
    let cap = Operator::at_console().administer(m);
    let theirs = app.with_conn(|c| {
        offers::create(
            c,
            &cap,
            m,
            &offer_fields(other_unit, "Annen enhets tilbud"),
            None,
        )
        .unwrap()
    });
    let mut editor = app.client(Who::Tiltaksredaktor).await;
    assert_eq!(
        editor.get(&format!("/tiltak/{theirs}/endre")).await.status,
        404
    );
    let r = editor
        .post(&format!("/tiltak/{theirs}/endre"), &[("navn", "Kapret")])
        .await;
    assert_eq!(r.status, 404);
    // Naming another unit as provider of a new offer is refused beside the field.
    let other = other_unit.to_string();
    let r = editor
        .post(
            "/tiltak/ny",
            &[
                ("navn", "Nytt"),
                ("tilbyder", &other),
                ("beskrivelse", "x"),
                ("niva", "universell"),
                ("alder_fra", "0"),
                ("alder_til", "5"),
                ("utfordringer", "sprak"),
                ("tilgang", "selvhenvisning"),
                ("status", "utkast"),
                ("trinn", "1"),
            ],
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("id=\"tilbyder-error\""), "{}", r.body);
    // Every problem of a bad form is shown, and what was typed is kept.
    let r = editor
        .post(
            "/tiltak/ny",
            &[
                ("navn", ""),
                ("tilbyder", &app.fx.unit.to_string()),
                ("beskrivelse", "Beskrivelse\r\n\r\nmed avsnitt"),
                ("alder_fra", "10"),
                ("alder_til", "4"),
                ("utfordringer", "sprak"),
                ("kontakt_epost", "feil"),
            ],
        )
        .await;
    assert_eq!(r.status, 422);
    for expected in [
        "Navn: Dette feltet må fylles ut.",
        "«Til alder» kan ikke være lavere",
        "Skriv en gyldig e-postadresse",
        "Nivå: Dette feltet må fylles ut.",
    ] {
        assert!(r.body.contains(expected), "{expected} missing");
    }
    assert!(
        r.body
            .contains(">Beskrivelse\r\n\r\nmed avsnitt</textarea>"),
        "the description is kept as typed"
    );
    assert!(
        r.body.contains("value=\"sprak\" checked"),
        "checked areas stay checked"
    );
}
on_every_backend!(editors_edit_only_their_units_offers, editor_scope);

async fn review(app: TestApp) {
    let offer = app.fx.offer;
    let mut editor = app.client(Who::Tiltaksredaktor).await;
    let form = editor.get(&format!("/tiltak/{offer}/endre")).await;
    assert_eq!(form.status, 200);
    // Submit the form as it stands, with a typo fixed and the ages changed.
    let mut fields = form_values(&form.body);
    set(&mut fields, "kontakt_telefon", "+47 400 00 001");
    set(&mut fields, "alder_til", "16");
    let pairs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let r = editor.post(&format!("/tiltak/{offer}/endre"), &pairs).await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert!(
        editor
            .get(r.location())
            .await
            .body
            .contains("lagt til forslaget som venter på koordinerende enhet"),
        "the fixture's proposal waits, so the change extends it"
    );
    // The editorial fix is public at once; the ages wait.
    let mut anon = app.anonymous();
    let public = anon.get(&format!("/tiltak/{offer}")).await;
    assert!(public.body.contains("+47 400 00 001"));
    assert!(
        public.body.contains("6–12 år"),
        "the age change waits for the coordinating unit"
    );
    // The editor's change extended the fixture's proposal; the coordinating unit sees one.
    let mut ke = app.client(Who::KoordinerendeEnhet).await;
    let queue = ke.get("/tiltak/forslag").await;
    assert_eq!(
        queue.body.matches("/tiltak/forslag/").count(),
        1,
        "{}",
        queue.body
    );
    let link = queue
        .body
        .split("href=\"")
        .find(|s| s.starts_with("/tiltak/forslag/"))
        .unwrap();
    let link = link[..link.find('"').unwrap()].to_owned();
    let page = ke.get(&link).await;
    assert!(
        page.body.contains("6–16 år"),
        "the proposal shows the new ages"
    );
    // A decision needs a comment.
    let r = ke
        .post(&link, &[("kommentar", ""), ("beslutning", "godkjenn")])
        .await;
    assert_eq!(r.status, 422);
    assert!(
        r.body
            .contains("Kommentar fra koordinerende enhet: Dette feltet må fylles ut.")
    );
    let r = ke
        .post(
            &link,
            &[
                ("kommentar", "Greit, det passer med ungdomsskolen."),
                ("beslutning", "godkjenn"),
            ],
        )
        .await;
    assert_eq!(r.status, 303);
    assert!(
        anon.get(&format!("/tiltak/{offer}"))
            .await
            .body
            .contains("6–16 år")
    );
    let decided = ke.get(&link).await;
    assert!(
        decided.body.contains("Godkjent") && !decided.body.contains("name=\"beslutning\""),
        "decided: no form"
    );
    let again = ke
        .post(
            &link,
            &[("kommentar", "Likevel ikke."), ("beslutning", "avvis")],
        )
        .await;
    assert_eq!(
        again.status, 404,
        "a decided proposal cannot be decided again"
    );
    // The history shows every version and the decision.
    let history = editor.get(&format!("/tiltak/{offer}/historikk")).await;
    assert!(history.body.contains("Godkjent endring"));
    assert!(
        history
            .body
            .contains("Greit, det passer med ungdomsskolen.")
    );
    assert!(history.body.contains("+47 400 00 001"));
    // The anonymous public cannot read the history.
    assert_eq!(
        anon.get(&format!("/tiltak/{offer}/historikk")).await.status,
        303
    );
}
on_every_backend!(substantive_changes_wait_for_the_coordinating_unit, review);

async fn reject(app: TestApp) {
    let mut ke = app.client(Who::KoordinerendeEnhet).await;
    let link = format!("/tiltak/forslag/{}", app.fx.proposal);
    let r = ke
        .post(
            &link,
            &[
                ("kommentar", "Nei, kapasiteten holder ikke."),
                ("beslutning", "avvis"),
            ],
        )
        .await;
    assert_eq!(r.status, 303);
    let offer = app.with_conn(|c| offers::get(c, app.fx.offer).unwrap());
    assert_eq!(offer.fields.age_to, 12, "a rejected change never applies");
    // The administrator sees overdue proposals (none now) but cannot decide.
    let mut admin = app.client(Who::Kommuneadministrator).await;
    assert_eq!(admin.get("/tiltak/forslag").await.status, 200);
    assert_eq!(
        admin
            .post(&link, &[("kommentar", "x"), ("beslutning", "godkjenn")])
            .await
            .status,
        404
    );
}
on_every_backend!(a_rejected_proposal_changes_nothing, reject);

async fn overdue(app: TestApp) {
    let m = app.fx.municipality;
    let cap = Operator::at_console().administer(m);
    // The fixture's proposal is withdrawn, so this one is new (with its due date).
    app.with_conn(|c| offers::withdraw(c, &cap, app.fx.proposal).unwrap());
    let mut changed = app.with_conn(|c| offers::get(c, app.fx.offer).unwrap().fields);
    changed.status = OfferStatus::Avsluttet;
    let past = chrono::NaiveDate::from_ymd_opt(2020, 1, 1).unwrap();
    let outcome = app.with_conn(|c| offers::update(c, &cap, app.fx.offer, &changed, past).unwrap());
    assert!(
        matches!(outcome, SaveOutcome::Proposed(_)),
        "closing an offer needs the coordinating unit"
    );
    let mut admin = app.client(Who::Kommuneadministrator).await;
    let page = admin.get("/tiltak/forslag").await;
    assert!(
        page.body.contains("Forfalt") && page.body.contains("Testtilbud ved skolefravær"),
        "{}",
        page.body
    );
}
on_every_backend!(overdue_proposals_are_shown_to_the_administrator, overdue);

async fn api(app: TestApp) {
    let mut c = app.anonymous();
    let r = c
        .get("/api/v1/offers?kommune=9001&alder=9&utfordring=skolefravaer")
        .await;
    assert_eq!(r.status, 200);
    let json: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(json["total"], 1);
    assert_eq!(json["offers"][0]["name"], "Testtilbud ved skolefravær");
    assert_eq!(json["offers"][0]["age_to"], 12);
    let etag = r.headers.get("etag").unwrap().to_str().unwrap().to_owned();
    assert!(
        r.headers
            .get("cache-control")
            .unwrap()
            .to_str()
            .unwrap()
            .contains("public")
    );
    let req =
        axum::http::Request::get("/api/v1/offers?kommune=9001&alder=9&utfordring=skolefravaer")
            .header("if-none-match", &etag)
            .body(axum::body::Body::empty())
            .unwrap();
    assert_eq!(c.request(req).await.status, 304);
    let bad = c
        .get("/api/v1/offers?kommune=9001&alder=hundre&niva=middels")
        .await;
    assert_eq!(bad.status, 400);
    let json: serde_json::Value = serde_json::from_str(&bad.body).unwrap();
    assert_eq!(json["errors"].as_array().map(Vec::len), Some(2));
    assert_eq!(
        c.get("/api/v1/offers").await.status,
        404,
        "two municipalities: kommune is needed"
    );
    let missing = c
        .get(&format!("/api/v1/offers/{}", uuid::Uuid::now_v7()))
        .await;
    assert_eq!(missing.status, 404);
    assert!(
        missing.body.starts_with('{'),
        "API errors are JSON: {}",
        missing.body
    );
    let one = c.get(&format!("/api/v1/offers/{}", app.fx.offer)).await;
    assert!(one.body.contains("\"ladder_step\":2"));
    let ladders: serde_json::Value =
        serde_json::from_str(&c.get("/api/v1/ladders?kommune=9001").await.body).unwrap();
    let absence = ladders["areas"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["code"] == "skolefravaer")
        .unwrap();
    assert_eq!(
        absence["steps"][1]["offers"][0]["name"],
        "Testtilbud ved skolefravær"
    );
    let spec: serde_json::Value =
        serde_json::from_str(&c.get("/api/openapi.json").await.body).unwrap();
    for path in ["/api/v1/offers", "/api/v1/offers/{id}", "/api/v1/ladders"] {
        assert!(spec["paths"][path].is_object(), "{path} is documented");
    }
    assert!(
        spec["paths"]["/api/v1/offers"]["get"]["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["name"] == "alder")
    );
}
on_every_backend!(the_api_serves_the_catalogue_with_etags, api);

async fn ladder_page(app: TestApp) {
    let mut c = app.anonymous();
    let page = c.get("/tiltakstrapp?kommune=9001").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("id=\"skolefravaer\""));
    assert!(page.body.contains("Trinn 2: Tidlig innsats i tjenesten"));
    assert!(page.body.contains("Testtilbud ved skolefravær"));
    assert!(
        page.body.contains("<svg") && page.body.contains("aria-hidden=\"true\""),
        "the drawing is hidden from screen readers"
    );
    // Issue 15 item 13: the drawing says what its numbers are, names its
    // steps, and the tallest bar's count is inside the picture.
    assert!(
        page.body
            .contains("Tallet over hver søyle er antall tilbud på trinnet"),
        "{}",
        page.body
    );
    assert!(page.body.contains(">Trinn i tiltakstrappen</text>"));
    let drawing = &page.body[page.body.find("<svg").unwrap()..];
    let drawing = &drawing[..drawing.find("</svg>").unwrap()];
    for step in 1..=5 {
        assert!(
            drawing.contains(&format!(">{step}</text>")),
            "step {step} named"
        );
    }
    let lowest_text_y = drawing
        .split("<text ")
        .skip(1)
        .filter_map(|t| {
            let y = &t[t.find("y=\"")? + 3..];
            y[..y.find('"')?].parse::<i32>().ok()
        })
        .min()
        .unwrap();
    assert!(
        lowest_text_y >= 12,
        "a count at y={lowest_text_y} is cut off at the top"
    );
}
on_every_backend!(the_ladder_lists_offers_by_step, ladder_page);

/// The named fields of a page's form (text inputs, selects, checked boxes, textareas).
fn form_values(html: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for part in html.split('<').skip(1) {
        let attr = |name: &str| {
            let marker = format!("{name}=\"");
            part.find(&marker).map(|i| {
                let rest = &part[i + marker.len()..];
                rest[..rest.find('"').unwrap_or(0)].to_owned()
            })
        };
        if part.starts_with("input") {
            let (Some(name), value) = (attr("name"), attr("value").unwrap_or_default()) else {
                continue;
            };
            let kind = attr("type").unwrap_or_default();
            if (kind == "checkbox" || kind == "radio") && !part.contains(" checked") {
                continue;
            }
            out.push((name, value.replace("&#x2b;", "+").replace("&#43;", "+")));
        } else if part.starts_with("select") {
            if let Some(name) = attr("name") {
                let after = &html[html.find(part).unwrap_or(0)..];
                let selected = after
                    .split("</select>")
                    .next()
                    .unwrap_or("")
                    .split("<option")
                    .find(|o| o.contains(" selected"))
                    .and_then(|o| {
                        let i = o.find("value=\"")? + 7;
                        Some(o[i..i + o[i..].find('"')?].to_owned())
                    });
                out.push((name, selected.unwrap_or_default()));
            }
        } else if part.starts_with("textarea")
            && let Some(name) = attr("name")
        {
            let content = &part[part.find('>').unwrap_or(0) + 1..];
            out.push((name, content.to_owned()));
        }
    }
    out.retain(|(k, _)| k != "_csrf");
    out
}

fn set(fields: &mut Vec<(String, String)>, key: &str, value: &str) {
    fields.retain(|(k, _)| k != key);
    fields.push((key.to_owned(), value.to_owned()));
}

async fn same_proposal_twice(app: TestApp) {
    let m = app.fx.municipality;
    let cap = Operator::at_console().administer(m);
    let mut older = app.with_conn(|c| offers::get(c, app.fx.offer).unwrap().fields);
    older.age_to = 15;
    let due = chrono::Utc::now().date_naive();
    let again = app.with_conn(|c| offers::update(c, &cap, app.fx.offer, &older, due).unwrap());
    assert_eq!(
        again,
        SaveOutcome::Proposed(app.fx.proposal),
        "the same change keeps its proposal"
    );
    let proposals = app.with_conn(|c| offers::proposals_for(c, app.fx.offer).unwrap());
    assert_eq!(proposals.len(), 1);
    older.age_to = 16;
    let other = app.with_conn(|c| offers::update(c, &cap, app.fx.offer, &older, due).unwrap());
    assert_eq!(
        other,
        SaveOutcome::Extended(app.fx.proposal),
        "a different change extends the waiting proposal"
    );
    let proposals = app.with_conn(|c| offers::proposals_for(c, app.fx.offer).unwrap());
    assert_eq!(proposals.len(), 1, "nothing is replaced");
    assert_eq!(proposals[0].fields.age_to, 16);
}
on_every_backend!(a_repeated_change_keeps_its_proposal, same_proposal_twice);

/// Submits the offer's edit form as it stands, with `changes` made.
async fn submit_edit(
    client: &mut laget_testkit::Client,
    offer: laget_domain::ids::OfferId,
    changes: &[(&str, &str)],
) -> laget_testkit::TestResponse {
    let form = client.get(&format!("/tiltak/{offer}/endre")).await;
    assert_eq!(form.status, 200);
    let mut fields = form_values(&form.body);
    // The withdraw form's hidden field is not part of the offer's form.
    fields.retain(|(k, _)| k != "forslag");
    for (k, v) in changes {
        set(&mut fields, k, v);
    }
    let pairs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    client.post(&format!("/tiltak/{offer}/endre"), &pairs).await
}

/// Issue 15 item 1: an editor changes a published offer's level and ages,
/// then its ages only. Nothing is lost: the edit form shows what waits, the
/// second change extends the proposal, the coordinating unit sees both, and
/// the editor can withdraw it.
async fn nothing_replaced_silently(app: TestApp) {
    let offer = app.fx.offer;
    let mut editor = app.client(Who::Tiltaksredaktor).await;
    // The fixture's proposal (ages 6–15) shows on the form and on «Mine tilbud».
    let form = editor.get(&format!("/tiltak/{offer}/endre")).await;
    assert!(
        form.body
            .contains("Et endringsforslag venter på koordinerende enhet"),
        "{}",
        form.body
    );
    assert!(form.body.contains("6–15 år"), "the proposed ages are shown");
    // Issue 15 item 14: one field is «Språk» (a challenge area), the other
    // says what it asks for.
    assert!(form.body.contains("Språk tilbudet gis på"));
    assert_eq!(
        form.body.matches(">Språk<").count(),
        1,
        "one field labelled «Språk»"
    );
    let mine = editor.get("/tiltak/mine").await;
    assert!(
        mine.body.contains("Venter på koordinerende enhet, frist"),
        "{}",
        mine.body
    );
    // Level and ages.
    let r = submit_edit(
        &mut editor,
        offer,
        &[("niva", "indikert"), ("alder_til", "14")],
    )
    .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let shown = editor.get(r.location()).await;
    assert!(
        shown
            .body
            .contains("Endringen er lagt til forslaget som venter på koordinerende enhet"),
        "{}",
        shown.body
    );
    // Ages only: the form shows the offer as it stands (level selektiv).
    let r = submit_edit(&mut editor, offer, &[("alder_til", "16")]).await;
    assert_eq!(r.status, 303, "{}", r.body);
    let proposals = app.with_conn(|c| offers::proposals_for(c, offer).unwrap());
    assert_eq!(proposals.len(), 1, "one proposal, extended");
    let p = &proposals[0];
    assert_eq!(p.id, app.fx.proposal);
    assert_eq!(p.status, laget_domain::catalogue::ProposalStatus::Venter);
    assert_eq!(
        p.fields.level,
        PreventionLevel::Indikert,
        "the level change stays"
    );
    assert_eq!(p.fields.age_to, 16);
    assert_eq!(p.changes, vec!["niva".to_owned(), "alder".to_owned()]);
    // The coordinating unit sees both changes.
    let mut ke = app.client(Who::KoordinerendeEnhet).await;
    let queue = ke.get("/tiltak/forslag").await;
    assert!(queue.body.contains("Nivå, Alder"), "{}", queue.body);
    let page = ke.get(&format!("/tiltak/forslag/{}", p.id)).await;
    assert!(page.body.contains("6–16 år") && page.body.contains("Indikert"));
    // The history never says a proposal was replaced.
    let history = editor.get(&format!("/tiltak/{offer}/historikk")).await;
    assert!(!history.body.contains("Erstattet"), "{}", history.body);
    // The editor withdraws it: the offer is as before, the form shows nothing waiting.
    let r = editor
        .post(
            &format!("/tiltak/{offer}/trekk-forslag"),
            &[("forslag", &p.id.to_string())],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let form = editor.get(r.location()).await;
    assert!(form.body.contains("Forslaget er trukket tilbake"));
    assert!(!form.body.contains("Et endringsforslag venter"));
    let now = app.with_conn(|c| offers::get(c, offer).unwrap());
    assert_eq!(
        (now.fields.level, now.fields.age_to),
        (PreventionLevel::Selektiv, 12)
    );
    let history = editor.get(&format!("/tiltak/{offer}/historikk")).await;
    assert!(history.body.contains("Trukket tilbake av redaktøren"));
    // Nothing waits now: withdrawing again, or deciding it, is not found.
    let again = editor
        .post(&format!("/tiltak/{offer}/trekk-forslag"), &[])
        .await;
    assert_eq!(again.status, 404);
    let decide = ke
        .post(
            &format!("/tiltak/forslag/{}", p.id),
            &[("kommentar", "Greit."), ("beslutning", "godkjenn")],
        )
        .await;
    assert_eq!(decide.status, 404);
    // Someone who does not edit the offer cannot withdraw.
    let mut other = app.client(Who::KoordinerendeEnhet).await;
    assert_eq!(
        other
            .post(&format!("/tiltak/{offer}/trekk-forslag"), &[])
            .await
            .status,
        404
    );
}
on_every_backend!(
    a_second_change_extends_the_waiting_proposal,
    nothing_replaced_silently
);

/// Issue 15 item 10: the coordinating unit finds catalogue proposals in
/// «Mine oppgaver» (their own section) and counted on the start page; the
/// editor reads the decision on «Mine tilbud»; the history shows labels.
async fn proposals_reach_people(app: TestApp) {
    let mut ke = app.client(Who::KoordinerendeEnhet).await;
    let tasks = ke.get("/mine-oppgaver").await;
    assert_eq!(tasks.status, 200);
    assert!(
        tasks.body.contains("Endringsforslag til tiltaksoversikten")
            && tasks
                .body
                .contains(&format!("/tiltak/forslag/{}", app.fx.proposal)),
        "{}",
        tasks.body
    );
    let home = ke.get("/").await;
    assert!(
        home.body
            .contains("1 endringsforslag til tiltaksoversikten venter på dere"),
        "{}",
        home.body
    );
    // Others do not get the section.
    let mut staff = app.client(Who::Ansatt).await;
    assert!(
        !staff
            .get("/mine-oppgaver")
            .await
            .body
            .contains("Endringsforslag til tiltaksoversikten")
    );
    let r = ke
        .post(
            &format!("/tiltak/forslag/{}", app.fx.proposal),
            &[
                ("kommentar", "Nei, kapasiteten holder ikke."),
                ("beslutning", "avvis"),
            ],
        )
        .await;
    assert_eq!(r.status, 303);
    assert!(
        !ke.get("/").await.body.contains("venter på dere"),
        "nothing waits any more"
    );
    let mut editor = app.client(Who::Tiltaksredaktor).await;
    let mine = editor.get("/tiltak/mine").await;
    assert!(
        mine.body.contains("Svar fra koordinerende enhet")
            && mine.body.contains("Avvist")
            && mine.body.contains("Nei, kapasiteten holder ikke."),
        "{}",
        mine.body
    );
    // History with labels: a draft published shows «Utkast» → «Publisert».
    let m = app.fx.municipality;
    let cap = Operator::at_console().administer(m);
    let mut f = offer_fields(app.fx.unit, "Utkast som publiseres");
    f.status = OfferStatus::Utkast;
    let id = app.with_conn(|c| offers::create(c, &cap, m, &f, None).unwrap());
    f.status = OfferStatus::Publisert;
    f.level = PreventionLevel::Universell;
    let due = chrono::Utc::now().date_naive();
    app.with_conn(|c| offers::update(c, &cap, id, &f, due).unwrap());
    let history = editor.get(&format!("/tiltak/{id}/historikk")).await;
    assert!(
        history.body.contains(">Utkast<") && history.body.contains(">Publisert<"),
        "{}",
        history.body
    );
    assert!(history.body.contains(">Universell<"));
    assert!(
        !history.body.contains(">publisert<") && !history.body.contains(">utkast<"),
        "no raw codes"
    );
}
on_every_backend!(
    catalogue_proposals_reach_the_coordinating_unit_and_the_editor,
    proposals_reach_people
);

/// Issue 15 item 9: «Hvis dette ikke er nok» on the public page names only
/// offers that share the offer's ages.
async fn next_steps_share_ages(app: TestApp) {
    let m = app.fx.municipality;
    let cap = Operator::at_console().administer(m);
    let make = |name: &str, from: u8, to: u8, step: u8| {
        let mut f = offer_fields(app.fx.unit, name);
        f.age_from = from;
        f.age_to = to;
        f.ladder_step = step;
        f.challenge_areas = vec!["fritid".to_owned()];
        app.with_conn(|c| offers::create(c, &cap, m, &f, None).unwrap())
    };
    let small = make("Lek for de minste", 5, 7, 2);
    make("Ungdomsklubb 16 til 25", 16, 25, 3);
    make("Aktivitetsgruppe 6 til 10", 6, 10, 3);
    make("Barnegruppe trinn 1", 4, 5, 1);
    make("Voksengruppe trinn 1", 18, 25, 1);
    let public = app.anonymous().get(&format!("/tiltak/{small}")).await;
    assert_eq!(public.status, 200);
    assert!(
        public.body.contains("Aktivitetsgruppe 6 til 10"),
        "{}",
        public.body
    );
    assert!(
        !public.body.contains("Ungdomsklubb 16 til 25"),
        "an offer for 5–7 suggests nothing for 16–25"
    );
    assert!(public.body.contains("Barnegruppe trinn 1"));
    assert!(!public.body.contains("Voksengruppe trinn 1"));
    // The one query, with another age given (a child's log).
    let (next, below) = app.with_conn(|c| {
        let o = offers::get(c, small).unwrap();
        let n = offers::neighbours_in_ages(
            c,
            &o,
            chrono::Utc::now().date_naive(),
            &[AgeFilter::Range { from: 9, to: 9 }],
        )
        .unwrap();
        (
            n.next
                .iter()
                .map(|o| o.fields.name.clone())
                .collect::<Vec<_>>(),
            n.below.len(),
        )
    });
    assert_eq!(next, vec!["Aktivitetsgruppe 6 til 10".to_owned()]);
    assert_eq!(below, 0);
}
on_every_backend!(next_steps_share_the_offers_ages, next_steps_share_ages);
