//! The demo's families (issue #12): guardians and a youth who log in to the
//! family's portal through the demo OpenID provider that `laget serve
//! --demo` mounts (`laget_web::oidc::demo_provider`, «Demo-innlogging (ikke
//! ID-porten)»). The provider lists exactly the persons of
//! `demo_provider::PERSONS`; this module makes the database fit them:
//!
//! - Silje Haugland, mother with parental responsibility for Filip Haugland
//!   (level 2, with meetings and minutes) and his little sister Emma
//!   Haugland (a log at level 1, made here);
//! - Tom Erik Vold, Noah Bakkerud's father WITHOUT parental responsibility:
//!   he logs in and sees no log;
//! - Markus Iversen, 16, whose own log it is: he gets a synthetic national
//!   identity number, gives consent himself (to Psykisk helse og rus), and
//!   the school nurse's evaluation of his talks is a health entry withheld
//!   from his guardians (`Withheld::YouthHealth`), which he sees;
//! - Solveig Haugland, mother of Eirik Haugland in «Nabo kommune», which
//!   writes nynorsk.
//!
//! The guardians' numbers are synthetic (month plus 80) and set with
//! `laget_db::portal::demo::set_guardian_national_id` under the same
//! capability as the child's edit form, by the staff who hold the logs, so
//! the access log tells it as for the rest of the demo. Running it again
//! changes nothing: the sister, the youth's number, consent and health
//! entry are made only when missing, and a number already set stays.

use crate::demo_logs::{self, Ctx, RID, bad, nb};
use chrono::{Duration, Months, NaiveDate};
use laget_db::admin::municipalities;
use laget_db::{DbConnection, DbResult, casework, children, log as logs};
use laget_domain::MunicipalityId;
use laget_domain::admin::municipality::MunicipalityNumber;
use laget_domain::children::national_id::NationalId;
use laget_domain::children::{Birth, NewChild, NewGuardian};
use laget_domain::ids::{GuardianId, LogId};
use laget_domain::log::consent::{ConsentForm, Giver, NewConsent};
use laget_domain::log::escalation::LevelChange;
use laget_domain::log::stafett::{ChildVoice, Concern, MeasureForm, NewEvaluation, NewMeasure};
use laget_domain::portal::Withheld;
use laget_web::oidc::demo_provider::{DemoKind, DemoPerson, PERSONS};

/// «Nabo kommune»'s number (as in `crate::demo`).
const NEIGHBOUR_NUMBER: &str = "9998";

/// The seed of the youth's synthetic number.
const YOUTH_SEED: u32 = 1601;

/// The sister made here, and her story.
const SISTER: &str = "Emma Haugland";
const SISTER_MONTHS: u32 = 40;
const SISTER_CONCERN: &str = "Emma har begynt å bite andre barn når hun blir frustrert, og hun sover dårlig i hvilen etter at storebroren begynte på skolen.";
const SISTER_LEVEL_REASON: &str =
    "Uroen er gjort konkret og delt med mor og far. Vi setter inn tiltak i egen tjeneste.";
const SISTER_BEST_INTEREST: &str = "Tiltak i hverdagen der Emma er, er minst inngripende og nærmest henne. Emma og foreldrene er hørt.";
const SISTER_MEASURE: &str = "Fast voksen i overgangene";
const SISTER_GOAL: &str = "Emma har en voksen som hjelper henne å sette ord på det som er vanskelig, før det blir biting.";
const SISTER_VOICE: &str = "Emma sier at hun savner Filip i barnehagen, og at hun blir sint når de andre tar lekene hennes.";

/// The youth's consent, given by him alone, and the health entry.
const YOUTH_UNIT: &str = "Psykisk helse og rus";
const YOUTH_CONSENT_NOTE: &str = "Markus samtykket selv, muntlig i samtale med helsesykepleieren: han vil at Psykisk helse og rus skal få vite om søvnvanskene.";
const YOUTH_HEALTH: &str = "Markus har fått time hos fastlegen for søvnvanskene og har begynt med fast leggetid. Han sover bedre og ønsker ikke at foreldrene får vite om legetimen ennå.";

/// Gives the demo's families what the demo provider's persons need.
pub fn seed(conn: &mut DbConnection, demo: MunicipalityId, today: NaiveDate) -> DbResult<()> {
    // Seeded already (in one transaction, so all of it): the mother has her
    // number. Checked before anything that the access log records.
    let mother = PERSONS[0]
        .guardian_number()
        .ok_or_else(|| bad(PERSONS[0].name, "no synthetic number"))?;
    let operator = laget_domain::access::Operator::at_console();
    if laget_db::portal::demo::guardian_number_in_use(conn, &operator, &mother)? {
        return Ok(());
    }
    let ctx = Ctx::load(conn, demo, today, demo_logs::STAFF)?;
    sister(conn, &ctx)?;
    for person in PERSONS.iter() {
        match person.kind {
            DemoKind::Guardian {
                municipality: None,
                children,
                ..
            } => guardian_numbers(conn, &ctx, demo_logs::STAFF, person, children)?,
            DemoKind::Guardian { .. } => {}
            DemoKind::Youth { child } => youth(conn, &ctx, child)?,
        }
    }
    let number = MunicipalityNumber::parse(NEIGHBOUR_NUMBER).map_err(|e| bad("number", e))?;
    if let Some(neighbour) = municipalities::find_by_number(conn, &number)? {
        let ctx = Ctx::load(conn, neighbour.id, today, demo_logs::NEIGHBOUR_STAFF)?;
        for person in PERSONS.iter() {
            if let DemoKind::Guardian {
                municipality: Some(_),
                children,
                ..
            } = person.kind
            {
                guardian_numbers(conn, &ctx, demo_logs::NEIGHBOUR_STAFF, person, children)?;
            }
        }
    }
    Ok(())
}

/// The log of `child` and the demo user who leads it, if the demo has it.
fn find_log(
    conn: &mut DbConnection,
    ctx: &Ctx,
    staff: &[&'static str],
    child: &str,
) -> DbResult<Option<(LogId, &'static str)>> {
    for user in staff {
        let (actor, _) = ctx.user(user)?;
        let found = casework::my_logs(conn, actor, ctx.today, RID)?
            .into_iter()
            .find(|g| g.is_lead && g.child_name == child);
        if let Some(g) = found {
            return Ok(Some((g.log_id, user)));
        }
    }
    Ok(None)
}

/// Sets the person's number on their guardian row of each of `children`.
fn guardian_numbers(
    conn: &mut DbConnection,
    ctx: &Ctx,
    staff: &[&'static str],
    person: &DemoPerson,
    children: &[&str],
) -> DbResult<()> {
    let number = person
        .guardian_number()
        .ok_or_else(|| bad(person.name, "no synthetic number"))?;
    for child in children {
        let Some((log, lead)) = find_log(conn, ctx, staff, child)? else {
            continue;
        };
        let reader = ctx.open(conn, lead, log)?;
        let view = logs::view(conn, &reader, None, ctx.today)?;
        let Some(guardian) = view.guardians.iter().find(|g| g.name == person.name) else {
            return Err(bad(person.name, format!("not a guardian of {child}")));
        };
        let units: Vec<_> = view.child.units.iter().map(|(u, _)| *u).collect();
        let (actor, _) = ctx.user(lead)?;
        let editor = actor
            .edit_child(view.child.id, &units)
            .map_err(|e| bad(format!("{lead} edits {child}"), e))?;
        laget_db::portal::demo::set_guardian_national_id(conn, &editor, guardian.id, &number, RID)?;
    }
    Ok(())
}

/// Emma Haugland, Filip's little sister at Solsiden barnehage: a log at
/// level 1 with a measure and her voice, held by «ansatt». Made once.
fn sister(conn: &mut DbConnection, ctx: &Ctx) -> DbResult<()> {
    if find_log(conn, ctx, &["ansatt"], SISTER)?.is_some() {
        return Ok(());
    }
    let today = ctx.today;
    let (actor, home) = ctx.user("ansatt")?;
    let cap = actor
        .casework(*home)
        .map_err(|e| bad("ansatt in Solsiden", e))?;
    let birth = today
        .checked_sub_months(Months::new(SISTER_MONTHS))
        .ok_or_else(|| bad("birth", SISTER_MONTHS))?;
    let child =
        NewChild::parse(SISTER, &nb(birth), false, "", today).map_err(|e| bad("child", e))?;
    let child_id = children::create(conn, &cap, &child, &[], RID)?;
    let mut guardians: Vec<GuardianId> = Vec::new();
    for (name, relation) in [("Silje Haugland", "mor"), ("Bjørn Haugland", "far")] {
        let g = NewGuardian::parse(name, relation, "", "", true).map_err(|e| bad("guardian", e))?;
        guardians.push(children::add_guardian(conn, &cap, child_id, &g, RID)?);
    }
    let m = cap.municipality_id();
    let areas: Vec<String> = laget_db::catalogue::offers::challenge_areas(conn, m)?
        .into_iter()
        .map(|(code, _)| code)
        .collect();
    let themes: Vec<String> = logs::bbis_themes(conn, m)?
        .into_iter()
        .map(|t| t.code)
        .collect();
    let started = today - Duration::days(45);
    let concern = Concern::parse(
        SISTER_CONCERN,
        &nb(started - Duration::days(1)),
        &["atferd", "overganger"],
        "folelser_uttrykk",
        &areas,
        &themes,
        started,
    )
    .map_err(|e| bad("concern", e))?;
    let log = logs::start(conn, &cap, child_id, &concern, started, RID)?;
    let w = ctx.writer(conn, "ansatt", log)?;
    let settings = logs::settings(conn, m)?;
    let change = LevelChange::decide(
        settings.model,
        settings.model.first_level(),
        "1",
        SISTER_LEVEL_REASON,
        "",
        SISTER_BEST_INTEREST,
    )
    .map_err(|e| bad("level change", e))?;
    logs::change_level(
        conn,
        &w,
        &change,
        &settings,
        today - Duration::days(30),
        RID,
    )?;
    let reader = ctx.open(conn, "ansatt", log)?;
    let lead = logs::view(conn, &reader, None, today)?
        .team
        .into_iter()
        .find(|t| t.user_id == Some(actor.user_id()))
        .map(|t| t.id)
        .ok_or_else(|| bad("lead", "not on the team"))?;
    let form = MeasureForm {
        offer: "",
        name: SISTER_MEASURE,
        goal: SISTER_GOAL,
        responsible: &lead.to_string(),
        start: &nb(today - Duration::days(28)),
        evaluate_by: &nb(today + Duration::days(20)),
        is_final: true,
        best_interest: SISTER_BEST_INTEREST,
    };
    let measure = NewMeasure::parse(&form, &[], &[lead]).map_err(|e| bad("measure", e))?;
    logs::add_measure(conn, &w, &measure, RID)?;
    let voice = ChildVoice::parse(
        &nb(today - Duration::days(6)),
        "samtale",
        SISTER_VOICE,
        today,
    )
    .map_err(|e| bad("voice", e))?;
    logs::add_voice(conn, &w, &voice, RID)?;
    Ok(())
}

/// Markus Iversen's own log: his synthetic number, his own consent and a
/// health entry withheld from his guardians. Each made when missing.
fn youth(conn: &mut DbConnection, ctx: &Ctx, child: &str) -> DbResult<()> {
    let Some((log, lead)) = find_log(conn, ctx, demo_logs::STAFF, child)? else {
        return Ok(());
    };
    let today = ctx.today;
    let reader = ctx.open(conn, lead, log)?;
    let view = logs::view(conn, &reader, None, today)?;
    let Birth::Born(birth) = view.child.birth else {
        return Err(bad(child, "not born"));
    };
    let units: Vec<_> = view.child.units.iter().map(|(u, _)| *u).collect();
    if view.child.national_id_masked.is_none() {
        let number = NationalId::synthetic(birth, YOUTH_SEED)
            .ok_or_else(|| bad("synthetic national id", birth))?;
        let (actor, _) = ctx.user(lead)?;
        let editor = actor
            .edit_child(view.child.id, &units)
            .map_err(|e| bad(format!("{lead} edits {child}"), e))?;
        let form = children::ChildForm {
            name: view.child.name.clone(),
            birth_date: nb(birth),
            unborn: false,
            national_id: number.expose().to_owned(),
            remove_national_id: false,
            units: units.clone(),
        };
        children::update(conn, &editor, &form, today, RID)?
            .map_err(|e| bad("the youth's number", e))?;
    }
    let w = ctx.writer(conn, lead, log)?;
    if view.consents.is_empty() {
        let unit = ctx.unit(YOUTH_UNIT)?.to_string();
        let all_units: Vec<_> =
            laget_db::admin::units::list_in_municipality(conn, view.municipality_id)?
                .into_iter()
                .map(|u| u.id)
                .collect();
        let mut known: Vec<Giver> = view
            .guardians
            .iter()
            .filter(|g| g.parental_responsibility)
            .map(|g| Giver::Guardian(g.id))
            .collect();
        known.push(Giver::Youth);
        let form = ConsentForm {
            givers: vec!["ungdom"],
            units: vec![unit.as_str()],
            purposes: vec!["dele", "mote"],
            valid_from: &nb(today - Duration::days(20)),
            valid_to: &nb(today + Duration::days(345)),
            method: "muntlig",
            note: YOUTH_CONSENT_NOTE,
            has_scan: false,
        };
        let consent =
            NewConsent::parse(&form, &known, &all_units).map_err(|e| bad("consent", e))?;
        logs::add_consent(conn, &w, &consent, None, RID)?;
    }
    let withheld = view
        .entries
        .iter()
        .any(|e| e.family_hidden == Some(Withheld::YouthHealth));
    if !withheld && let Some(measure) = view.measures.first() {
        let on = today - Duration::days(3);
        let evaluation = NewEvaluation::parse(
            "bedre",
            YOUTH_HEALTH,
            "fortsette",
            &nb(today + Duration::days(21)),
            "",
            on,
        )
        .map_err(|e| bad("evaluation", e))?;
        logs::evaluate_withheld(
            conn,
            &w,
            measure.id,
            &evaluation,
            Some(Withheld::YouthHealth),
            on,
            RID,
        )?;
    }
    Ok(())
}

/// The family logins, printed with the staff's (`crate::demo::print_logins`).
pub fn print_families() {
    let m = laget_web::i18n::Messages::for_visitors();
    println!(
        "Families log in at /familie/logg-inn, «Logg inn med ID-porten», which leads to the demo"
    );
    println!("provider (not ID-porten): choose one of these on its page (no password):");
    for p in PERSONS.iter() {
        println!("  {:<18} {}", p.name, p.role(m));
    }
    println!();
}

/// `laget serve --demo`: unless ID-porten is configured (`[idporten]`),
/// citizens log in through the demo provider, mounted at
/// `{base}/demo-idporten` with a client secret made at each start. `base` is
/// Laget's address as the browser reaches it: the listen address, with
/// 127.0.0.1 for an unspecified one (0.0.0.0, [::]).
pub fn use_demo_provider(web: &mut laget_web::WebConfig, listen: &str) -> anyhow::Result<()> {
    use anyhow::Context as _;
    use laget_web::oidc::{ProviderConfig, demo_provider};
    if web.oidc.citizens.is_some() {
        return Ok(());
    }
    let addr: std::net::SocketAddr = listen.parse().context("listen address")?;
    let host = if addr.ip().is_unspecified() {
        format!("127.0.0.1:{}", addr.port())
    } else {
        addr.to_string()
    };
    let scheme = if web.secure_cookies { "https" } else { "http" };
    let base = format!("{scheme}://{host}");
    web.oidc.citizens = Some(ProviderConfig {
        key: "idporten".into(),
        display_name: "ID-porten (demo)".into(),
        issuer: format!("{base}{}", demo_provider::PATH),
        client_id: demo_provider::CLIENT_ID.into(),
        client_secret: Some(laget_web::random_token()),
        base_url: base,
        acr_values: demo_provider::LEVELS
            .iter()
            .map(|l| (*l).to_owned())
            .collect(),
        scopes: vec!["profile".into()],
        user_claim: None,
    });
    web.oidc.demo_provider = true;
    Ok(())
}

#[cfg(test)]
#[allow(clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_provider_is_set_up_on_the_listen_address() {
        let mut web = laget_web::WebConfig::default();
        use_demo_provider(&mut web, "0.0.0.0:8080").expect("set up");
        let citizens = web.oidc.citizens.as_ref().expect("citizens");
        assert!(web.oidc.demo_provider);
        assert_eq!(citizens.issuer, "http://127.0.0.1:8080/demo-idporten");
        assert_eq!(citizens.base_url, "http://127.0.0.1:8080");
        assert_eq!(citizens.client_id, "laget-demo");
        assert!(
            citizens
                .client_secret
                .as_ref()
                .is_some_and(|s| s.len() >= 20)
        );
        assert_eq!(citizens.acr_values[0], "idporten-loa-high");
    }

    #[test]
    fn a_configured_idporten_is_kept_and_no_demo_provider_mounted() {
        let mut web = laget_web::WebConfig::default();
        let mut other = laget_web::WebConfig::default();
        use_demo_provider(&mut other, "127.0.0.1:9000").expect("set up");
        let mut real = other.oidc.citizens.clone().expect("citizens");
        real.issuer = "https://idporten.no".into();
        web.oidc.citizens = Some(real);
        use_demo_provider(&mut web, "127.0.0.1:8080").expect("kept");
        assert!(!web.oidc.demo_provider);
        assert_eq!(
            web.oidc.citizens.as_ref().map(|c| c.issuer.as_str()),
            Some("https://idporten.no")
        );
    }
}
