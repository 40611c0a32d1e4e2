//! The catalogue scenario: filtered searches (with free text and without)
//! against their targets, and the public list page against the machine's
//! limit for its bytes, measured in the same run (../shared/DESIGN.md
//! «Performance targets», issue #14):
//!
//! - filtered search including free text at 10 000 offers: median ≤ 2 ms,
//!   p95 ≤ 5 ms (the server's time: the database query and decoding);
//! - the list page rendered afresh (a query string of its own, so not the
//!   public page cache) ≥ 10 % of the same bytes served as a static body;
//! - the public cached page ≥ 50 % of a trivial handler.
//!
//! Offers are described in Norwegian from a vocabulary with compounds and
//! inflections («skolefravær», «fraværet»), common words more often than
//! rare ones; searches type stems that occur inside those words.

use crate::{Result, load, ms, open_db, percentile, throughput};
use axum::Router;
use axum::routing::get;
use laget_db::catalogue::offers::{self, Search, Visibility};
use laget_db::{Db, admin::municipalities, admin::units};
use laget_domain::access::Operator;
use laget_domain::admin::municipality::{MunicipalityName, MunicipalityNumber, WrittenStandard};
use laget_domain::admin::unit::{UnitKind, UnitName};
use laget_domain::catalogue::{
    AccessRoute, AgeFilter, OfferFields, OfferFilter, OfferSort, OfferStatus, PreventionLevel,
};
use laget_domain::{MunicipalityId, UnitId};
use rand::Rng;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

/// The targets (DESIGN.md «Performance targets»).
const SEARCH_MEDIAN_MS: f64 = 2.0;
const SEARCH_P95_MS: f64 = 5.0;
const AFRESH_SHARE_OF_STATIC: f64 = 0.10;
const CACHED_SHARE_OF_TRIVIAL: f64 = 0.50;

/// Concurrent clients for the HTTP measurements.
const CLIENTS: usize = 16;
/// Searches per kind.
const SEARCHES: usize = 1_000;
/// The list page measured: a municipality, an age and a challenge area.
const LIST_PAGE: &str = "/tiltak?kommune=9990&alder=9&utfordring=skolefravaer";

/// The challenge areas a benchmark municipality starts with (their codes are
/// the same in every written standard).
fn areas() -> &'static [(&'static str, &'static str)] {
    laget_domain::catalogue::default_challenge_areas(WrittenStandard::Bokmal)
}

/// Words of offers' descriptions, the most common first (picked with a
/// skew towards the front): plain words, compounds and inflected forms.
const VOCABULARY: &[&str] = &[
    "og",
    "for",
    "barn",
    "ungdom",
    "foreldre",
    "tilbud",
    "skole",
    "gruppe",
    "samtaler",
    "oppfølging",
    "familien",
    "hjelp",
    "veiledning",
    "barnehage",
    "helsesykepleier",
    "skolefravær",
    "fravær",
    "fraværet",
    "fraværsoppfølging",
    "foreldreveiledning",
    "foreldregruppe",
    "samtalegruppe",
    "mestring",
    "angstmestring",
    "mestringskurs",
    "språk",
    "språkgruppe",
    "språkopplæring",
    "fritid",
    "fritidsaktiviteter",
    "fritidsklubb",
    "ungdomsklubb",
    "leksehjelp",
    "skolehelsetjenesten",
    "familieterapi",
    "barnevernet",
    "rusforebygging",
    "rusmidler",
    "psykisk",
    "helse",
    "psykiske",
    "vansker",
    "søvnvansker",
    "lærevansker",
    "atferd",
    "atferdsvansker",
    "sorg",
    "sorggruppe",
    "samlivsbrudd",
    "mobbing",
    "mobbeombud",
    "vold",
    "voldsforebygging",
    "overgrep",
    "trygghet",
    "tilknytning",
    "samspill",
    "samspillsveiledning",
    "hjemmebesøk",
    "kartlegging",
    "kurs",
    "kursrekke",
    "nettverk",
    "nettverksmøte",
    "ansvarsgruppe",
    "koordinator",
    "individuell",
    "plan",
    "overgang",
    "ungdomsskolen",
    "videregående",
    "barneskolen",
    "lavterskel",
    "selvhenvisning",
    "henvisning",
    "gratis",
    "kveld",
    "helg",
    "uke",
    "måned",
    "trinn",
    "elever",
    "lærere",
    "miljøterapeut",
    "miljøarbeid",
    "utenforskap",
    "inkludering",
    "fattigdom",
    "bolig",
    "økonomi",
    "arbeid",
    "aktivitet",
    "idrett",
    "friluftsliv",
    "turgruppe",
    "musikk",
    "kulturskole",
    "minoritetsspråklige",
    "tolk",
    "nyankomne",
    "flyktninger",
    "graviditet",
    "gravide",
    "svangerskap",
    "spedbarn",
    "småbarn",
    "foreldrerollen",
    "rolig",
    "struktur",
    "rutiner",
    "selvfølelse",
    "selvskading",
    "spiseforstyrrelser",
    "depresjon",
    "angst",
    "konflikt",
    "konflikthåndtering",
    "mekling",
    "digital",
    "skjermbruk",
    "gaming",
    "søsken",
    "besteforeldre",
    "fosterhjem",
    "beredskapshjem",
    "funksjonsnedsettelse",
    "avlastning",
    "habilitering",
    "logoped",
    "fysioterapi",
];

/// What people type: stems that occur inside compounds and inflections
/// («fravær» in «skolefravær», «fraværet», «fraværsoppfølging»), plain words
/// and rarer ones.
const SEARCH_WORDS: &[&str] = &[
    "fravær",
    "skole",
    "foreldre",
    "gruppe",
    "samtale",
    "språk",
    "fritid",
    "angst",
    "rus",
    "mestring",
    "familie",
    "veiledning",
    "sorg",
    "mobbing",
    "vold",
    "søvn",
    "klubb",
    "ungdom",
    "barnehage",
    "helse",
    "lekse",
    "konflikt",
    "gravid",
    "tolk",
    "avlastning",
    "depresjon",
    "selvskading",
    "skjerm",
];

/// A word of `list`, the front of it more often (a rough Zipf).
fn skewed<'a>(rng: &mut impl Rng, list: &[&'a str]) -> &'a str {
    let u: f64 = rng.r#gen();
    list[((u * u) * list.len() as f64) as usize % list.len()]
}

fn random_offer(rng: &mut impl Rng, unit: UnitId, i: u64) -> OfferFields {
    let a = rng.gen_range(0..=25u8);
    let b = rng.gen_range(0..=25u8);
    let areas: Vec<String> = (0..rng.gen_range(1..=3))
        .map(|_| areas()[rng.gen_range(0..areas().len())].0.to_owned())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    let words: Vec<&str> = (0..rng.gen_range(25..=60))
        .map(|_| skewed(rng, VOCABULARY))
        .collect();
    OfferFields {
        name: format!(
            "Tilbud {i} {} {}",
            skewed(rng, VOCABULARY),
            skewed(rng, VOCABULARY)
        ),
        provider_unit: unit,
        description: words.join(" "),
        level: PreventionLevel::ALL[rng.gen_range(0..3)],
        age_from: a.min(b),
        age_to: a.max(b),
        pregnant: rng.gen_bool(0.05),
        challenge_areas: areas,
        risk_factors: vec![rng.gen_range(1..=8)],
        access: AccessRoute::ALL[rng.gen_range(0..3)],
        access_requirements: String::new(),
        contact_person: String::new(),
        contact_phone: String::new(),
        contact_email: String::new(),
        contact_address: String::new(),
        capacity: String::new(),
        waiting_weeks: Some(rng.gen_range(0..12)),
        evidence_level: rng.gen_range(0..=5),
        evidence_local: false,
        evidence_link: String::new(),
        cost: "Gratis".into(),
        languages: vec!["norsk".into()],
        status: if rng.gen_bool(0.9) {
            OfferStatus::Publisert
        } else {
            OfferStatus::Utkast
        },
        valid_from: None,
        valid_to: None,
        ladder_step: rng.gen_range(1..=5),
    }
}

fn seed(db: &Db, count: u64) -> Result<(MunicipalityId, Vec<UnitId>)> {
    let op = Operator::at_console();
    let mut rng = rand::thread_rng();
    let (m, unit_ids) = db.write_blocking(|c| {
        let new = municipalities::NewMunicipality {
            number: MunicipalityNumber::parse("9990")
                .map_err(|_| laget_db::DbError::Corrupt("number".into()))?,
            name: MunicipalityName::parse("Målekommune")
                .map_err(|_| laget_db::DbError::Corrupt("name".into()))?,
            written_standard: WrittenStandard::Bokmal,
        };
        let m = municipalities::create(c, &op.system(), &new, "bench")?;
        let mut ids = Vec::new();
        for (i, kind) in UnitKind::ALL.iter().enumerate() {
            let fields = units::UnitFields {
                name: UnitName::parse(&format!("Enhet {i}"))
                    .map_err(|_| laget_db::DbError::Corrupt("unit".into()))?,
                kind: *kind,
                active: true,
                also_serves: vec![],
            };
            ids.push(units::create(c, &op.administer(m), &fields, "bench")?);
        }
        Ok((m, ids))
    })?;
    let started = Instant::now();
    let batch = 1_000;
    let mut done = 0;
    while done < count {
        let n = batch.min(count - done);
        let offers: Vec<OfferFields> = (0..n)
            .map(|i| {
                let unit = unit_ids[rng.gen_range(0..unit_ids.len())];
                random_offer(&mut rng, unit, done + i)
            })
            .collect();
        db.write_blocking(|c| {
            for f in &offers {
                offers::create(c, &op.administer(m), m, f, None)?;
            }
            Ok(())
        })?;
        done += n;
    }
    eprintln!(
        "seeded {count} offers in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    // What the database's own maintenance (PostgreSQL's autovacuum, the
    // server's housekeeping for SQLite) does in production: fresh planner
    // statistics after a bulk load.
    db.analyze()?;
    Ok((m, unit_ids))
}

/// What a person types in the search field: mostly one word, sometimes
/// two, now and then with a word too short for a trigram.
fn random_text(rng: &mut impl Rng) -> String {
    let first = skewed(rng, SEARCH_WORDS);
    match rng.gen_range(0..20) {
        0..=13 => first.to_owned(),
        14..=18 => format!("{first} {}", skewed(rng, SEARCH_WORDS)),
        _ => format!("{first} ro"),
    }
}

/// Random filters as a person sets them; `text`: always a free-text word
/// (else one search in five has one).
fn random_filter(rng: &mut impl Rng, units: &[UnitId], text: bool) -> OfferFilter {
    let mut f = OfferFilter::default();
    if rng.gen_bool(0.5) {
        let a = rng.gen_range(0..=18);
        f.age = Some(AgeFilter::Range { from: a, to: a });
    }
    if rng.gen_bool(0.5) {
        f.area = Some(areas()[rng.gen_range(0..areas().len())].0.to_owned());
    }
    if rng.gen_bool(0.3) {
        f.level = Some(PreventionLevel::ALL[rng.gen_range(0..3)]);
    }
    if rng.gen_bool(0.2) {
        f.risk = Some(rng.gen_range(1..=8));
    }
    if text || rng.gen_bool(0.2) {
        f.text = Some(random_text(rng));
    }
    if rng.gen_bool(0.1) {
        f.provider = Some(units[rng.gen_range(0..units.len())]);
    }
    f
}

/// The server's time for searches (the database query and decoding).
struct Searches {
    median: Duration,
    p95: Duration,
    /// Offers found per search, on average.
    found: f64,
}

fn searches(db: &Db, m: MunicipalityId, unit_ids: &[UnitId], text: bool) -> Result<Searches> {
    let mut rng = rand::thread_rng();
    let today = chrono::Utc::now().date_naive();
    let mut times = Vec::with_capacity(SEARCHES);
    let mut found = 0i64;
    for _ in 0..SEARCHES {
        let search = Search {
            municipality: Some(m),
            filter: random_filter(&mut rng, unit_ids, text),
            sort: OfferSort::Name,
            visibility: Visibility::Public(today),
            offset: 0,
            limit: 20,
        };
        let started = Instant::now();
        let (_, total) = db.read_blocking(|c| offers::search(c, &search))?;
        times.push(started.elapsed());
        found += total;
    }
    times.sort();
    Ok(Searches {
        median: percentile(&times, 0.5),
        p95: percentile(&times, 0.95),
        found: found as f64 / SEARCHES as f64,
    })
}

/// The list page's reads without HTTP or rendering, as `render_list` makes
/// them (the municipality, its areas and units, the search): median.
fn page_reads(db: &Db, m: MunicipalityId) -> Result<Duration> {
    let today = chrono::Utc::now().date_naive();
    let area = "skolefravaer".to_owned();
    let mut times = Vec::new();
    for _ in 0..300 {
        let started = Instant::now();
        db.read_blocking(municipalities::list)?;
        db.read_blocking(|c| {
            offers::challenge_areas(c, m)?;
            units::list_in_municipality(c, m)?;
            offers::search(
                c,
                &Search {
                    municipality: Some(m),
                    filter: OfferFilter {
                        age: Some(AgeFilter::Range { from: 9, to: 9 }),
                        area: Some(area.clone()),
                        ..OfferFilter::default()
                    },
                    sort: OfferSort::Name,
                    visibility: Visibility::Public(today),
                    offset: 0,
                    limit: 20,
                },
            )
        })?;
        times.push(started.elapsed());
    }
    times.sort();
    Ok(percentile(&times, 0.5))
}

/// Statements one list page sends to the database, rendered afresh; with
/// `BENCH_STATEMENTS` set, prints them.
async fn statements_per_page(addr: std::net::SocketAddr) -> Result<f64> {
    const PAGES: u64 = 20;
    let tally = std::env::var("BENCH_STATEMENTS").is_ok();
    crate::probe::tally(tally);
    let before = crate::probe::statements();
    for i in 0..PAGES {
        crate::fetch(addr, &format!("{LIST_PAGE}&v=count-{i}"), "").await?;
    }
    let sent = crate::probe::statements() - before;
    crate::probe::tally(false);
    if tally {
        eprintln!("statements of {PAGES} list pages:");
        for (text, n) in crate::probe::tallied() {
            eprintln!("  {n:>5}  {text}");
        }
    }
    Ok(sent as f64 / PAGES as f64)
}

fn verdict(met: bool) -> &'static str {
    if met { "met" } else { "NOT MET" }
}

pub async fn run(count: u64, seconds: u64) -> Result<()> {
    let bench = open_db()?;
    let db = bench.db.clone();
    let (m, unit_ids) = {
        let db = db.clone();
        tokio::task::spawn_blocking(move || seed(&db, count)).await??
    };

    // 1. Filtered searches, the server's time: every one with a word of
    //    free text, then the mix of all filters.
    let (text, all, reads) = {
        let db = db.clone();
        tokio::task::spawn_blocking(move || -> Result<_> {
            // Warm up (statement caches, the OS page cache).
            searches(&db, m, &unit_ids, true)?;
            Ok((
                searches(&db, m, &unit_ids, true)?,
                searches(&db, m, &unit_ids, false)?,
                page_reads(&db, m)?,
            ))
        })
        .await??
    };

    // 2. The public list page: from the cache against a trivial handler,
    //    rendered afresh against its own bytes as a static body; same
    //    server, same run.
    let state = laget_web::AppState::new(db.clone(), laget_web::WebConfig::default())?;
    let copy: Arc<OnceLock<axum::body::Bytes>> = Arc::default();
    let body = Arc::clone(&copy);
    let app: Router = laget_web::router(state)
        .route("/bench/trivial", get(|| async { "ok" }))
        .route(
            "/bench/copy",
            get(move || {
                let body = body.get().cloned().unwrap_or_default();
                async move { body }
            }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    tokio::spawn(async move { axum::serve(listener, app).await });
    let (status, page) = crate::fetch(addr, &format!("{LIST_PAGE}&v=check"), "").await?;
    if status != 200 || !page.contains("Tilbud ") {
        return Err(
            format!("GET {LIST_PAGE} answered {status} without offers; not measuring").into(),
        );
    }
    let page_bytes = page.len();
    let _ = copy.set(page.into());
    let statements = statements_per_page(addr).await?;
    // Warm up (connections, statement caches).
    load(addr, LIST_PAGE, CLIENTS, 1, true, &[]).await?;
    let trivial = throughput(addr, "/bench/trivial", CLIENTS, seconds, false).await?;
    let cached = throughput(addr, LIST_PAGE, CLIENTS, seconds, false).await?;
    let afresh = load(addr, LIST_PAGE, CLIENTS, seconds, true, &[]).await?;
    let alone = load(addr, LIST_PAGE, 1, 1, true, &[]).await?;
    let copy = load(addr, "/bench/copy", CLIENTS, seconds, false, &[]).await?;
    let with_text = throughput(
        addr,
        &format!("{LIST_PAGE}&q=frav%C3%A6r"),
        CLIENTS,
        seconds,
        true,
    )
    .await?;

    let engine = if std::env::var("DATABASE_URL").is_ok_and(|u| !u.is_empty()) {
        "PostgreSQL"
    } else {
        "SQLite"
    };
    println!(
        "catalogue benchmark ({count} offers, {engine}, {CLIENTS} clients, {seconds} s per measurement)"
    );
    let mut all_met = true;
    for (what, s) in [
        ("filtered search with a free-text word", &text),
        ("filtered search, all filters (one in five with text)", &all),
    ] {
        let median_met = ms(s.median) <= SEARCH_MEDIAN_MS;
        let p95_met = ms(s.p95) <= SEARCH_P95_MS;
        all_met &= median_met && p95_met;
        println!(
            "  {what} ({SEARCHES} searches, {:.0} offers found on average):",
            s.found
        );
        println!(
            "    median {:.2} ms (target ≤ {SEARCH_MEDIAN_MS} ms: {}), p95 {:.2} ms (target ≤ {SEARCH_P95_MS} ms: {})",
            ms(s.median),
            verdict(median_met),
            ms(s.p95),
            verdict(p95_met),
        );
    }
    let afresh_share = afresh.rps / copy.rps;
    let afresh_met = afresh_share >= AFRESH_SHARE_OF_STATIC;
    let cached_share = cached / trivial;
    let cached_met = cached_share >= CACHED_SHARE_OF_TRIVIAL;
    all_met &= afresh_met && cached_met;
    println!("  list page {LIST_PAGE} ({page_bytes} bytes):");
    println!(
        "    rendered afresh {:.0} pages/s, its bytes as a static body {:.0} req/s: {:.1} % \
         (target ≥ {:.0} %: {})",
        afresh.rps,
        copy.rps,
        afresh_share * 100.0,
        AFRESH_SHARE_OF_STATIC * 100.0,
        verdict(afresh_met),
    );
    println!(
        "    from the public cache {cached:.0} pages/s, trivial handler {trivial:.0} req/s: \
         {:.1} % (target ≥ {:.0} %: {})",
        cached_share * 100.0,
        CACHED_SHARE_OF_TRIVIAL * 100.0,
        verdict(cached_met),
    );
    println!("  where the afresh page's time goes:");
    println!(
        "    p50 {:.2} ms, p99 {:.2} ms at {CLIENTS} clients ({} errors); one client alone \
         {:.0} pages/s, p50 {:.2} ms",
        ms(afresh.percentile(0.5)),
        ms(afresh.percentile(0.99)),
        afresh.errors,
        alone.rps,
        ms(alone.percentile(0.5)),
    );
    println!(
        "    {statements:.1} statements per page; its reads without HTTP or rendering \
         (municipalities, areas, units, search) median {:.2} ms",
        ms(reads),
    );
    println!(
        "    the same page with the free-text word «fravær», afresh: {with_text:.0} pages/s \
         ({:.1} % of the static body)",
        with_text / copy.rps * 100.0
    );
    println!(
        "  {}",
        if all_met {
            "targets met"
        } else {
            "TARGETS NOT MET"
        }
    );
    crate::cleanup(bench);
    Ok(())
}
