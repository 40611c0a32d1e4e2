//! Reports of concern in «Demo kommune» and «Nabo kommune» (issue #13), so
//! that the report path can be tried at once: the units' organisation
//! numbers and addresses (synthetic: nine digits starting with 999, with a
//! valid check digit), Demo kommune's districts and its co-signature rule
//! (`valgfri`: the reporter may ask the leader), and reports in every
//! state, written through the same db functions and capabilities as the
//! pages:
//!
//! - Lucas Hansen Holm (level 3 in Solsiden barnehage): written by «ansatt»
//!   from the log, sent, received by «barnevern», investigation opened;
//! - an unborn child, reported by «helsesykepleier» with no log: sent,
//!   waiting in child welfare's inbox;
//! - a child without a log at Bakken skole, written by «larer», waiting for
//!   «rektor»'s co-signature;
//! - a draft by «pedagog» in Lia barnehage;
//! - Eirik Haugland in Nabo kommune (nynorsk), written by «nabo» from his
//!   log, sent to the shared service and received.
//!
//! Everyone is invented; national identity numbers are synthetic (month
//! plus 80). The e-mails to the reporters are held back like the rest of
//! the demo's (`withhold_demo`). The sent reports' delivery jobs stay: with
//! `laget serve --demo` they are delivered to the file drop
//! (`data/bekymringsmeldinger`). Seeded once: a demo that has reports is
//! left alone.

use crate::demo_logs::{Ctx, NEIGHBOUR_STAFF, RID, STAFF, bad};
use chrono::{Months, NaiveDate, Utc};
use diesel::prelude::*;
use laget_db::schema::{districts, report_settings, reports, units};
use laget_db::{DbConnection, DbResult, casework, reports::draft, reports::inbox};
use laget_domain::MunicipalityId;
use laget_domain::access::{Actor, ReportReader};
use laget_domain::children::national_id::NationalId;
use laget_domain::ids::{LogId, ReportId};
use laget_domain::reports::Outcome;
use laget_domain::reports::form::{GuardianForm, ReportForm};

/// (unit, postal address line) in Demo kommune; postcode 9990 Demoby.
const DEMO_ADDRESSES: &[(&str, &str)] = &[
    ("Solsiden barnehage", "Solsidevegen 4"),
    ("Lia barnehage", "Liaveien 12"),
    ("Bakken skole", "Skolebakken 1"),
    ("Bakken SFO", "Skolebakken 1"),
    ("Fjellet ungdomsskole", "Fjellvegen 20"),
    ("Helsestasjon og skolehelsetjeneste", "Rådhusgata 2"),
    ("PPT Demo", "Rådhusgata 2"),
    ("Familiesenteret", "Torget 5"),
    ("Psykisk helse og rus", "Torget 5"),
    ("NAV Demo", "Torget 7"),
    ("Kultur og fritid", "Rådhusgata 1"),
    ("Koordinerende enhet", "Rådhusgata 1"),
    ("Utekontakten", "Torget 5"),
    ("Kulturskolen", "Kulturhuset"),
    ("Fritidsklubben Boksen", "Kulturhuset"),
    ("SLT-koordinator", "Rådhusgata 1"),
    ("Barnevernstjenesten Demo og Nabo", "Rådhusgata 3"),
];

/// (unit, address) in Nabo kommune; postcode 9980 Naboby.
const NEIGHBOUR_ADDRESSES: &[(&str, &str)] = &[
    ("Nabo skule", "Skulevegen 1"),
    ("Helsestasjonen i Nabo", "Kommunehuset"),
];

/// Demo kommune's districts (bydeler).
const DISTRICTS: &[(&str, &str)] = &[("01", "Sentrum"), ("02", "Bakken"), ("03", "Fjellet")];

/// A synthetic organisation number: `999` and six digits from `n`, with a
/// valid modulus 11 check digit (weights 3 2 7 6 5 4 3 2); `None` when the
/// check digit would be 10 (no such number exists).
pub fn org_number(n: u32) -> Option<String> {
    let body = format!("999{:05}", n % 100_000);
    let weights = [3, 2, 7, 6, 5, 4, 3, 2];
    let sum: u32 = body
        .chars()
        .zip(weights)
        .map(|(c, w)| c.to_digit(10).unwrap_or(0) * w)
        .sum();
    match 11 - sum % 11 {
        11 => Some(format!("{body}0")),
        10 => None,
        d => Some(format!("{body}{d}")),
    }
}

/// Org numbers, addresses, districts and the co-signature rule; then the
/// reports, unless there are some.
pub fn seed(
    conn: &mut DbConnection,
    demo: MunicipalityId,
    neighbour: Option<MunicipalityId>,
    today: NaiveDate,
) -> DbResult<()> {
    let mut n = 0;
    let mut addresses = |conn: &mut DbConnection,
                         m: MunicipalityId,
                         list: &[(&str, &str)],
                         code: &str,
                         place: &str|
     -> DbResult<()> {
        for (name, line) in list {
            let org = loop {
                n += 1;
                if let Some(o) = org_number(n) {
                    break o;
                }
            };
            diesel::update(
                units::table
                    .filter(units::name.eq(*name))
                    .filter(units::host_municipality_id.eq(m.to_string()))
                    .filter(units::org_number.is_null()),
            )
            .set((
                units::org_number.eq(Some(org)),
                units::address_line.eq(Some(*line)),
                units::postal_code.eq(Some(code)),
                units::postal_place.eq(Some(place)),
            ))
            .execute(conn)?;
        }
        Ok(())
    };
    addresses(conn, demo, DEMO_ADDRESSES, "9990", "Demoby")?;
    if let Some(nabo) = neighbour {
        addresses(conn, nabo, NEIGHBOUR_ADDRESSES, "9980", "Naboby")?;
    }
    let has_districts = districts::table
        .filter(districts::municipality_id.eq(demo.to_string()))
        .count()
        .get_result::<i64>(conn)?
        > 0;
    if !has_districts {
        for (number, name) in DISTRICTS {
            diesel::insert_into(districts::table)
                .values((
                    districts::municipality_id.eq(demo.to_string()),
                    districts::number.eq(*number),
                    districts::name.eq(*name),
                ))
                .execute(conn)?;
        }
    }
    let has_rule = report_settings::table
        .find(demo.to_string())
        .count()
        .get_result::<i64>(conn)?
        > 0;
    if !has_rule {
        diesel::insert_into(report_settings::table)
            .values((
                report_settings::municipality_id.eq(demo.to_string()),
                report_settings::cosign.eq("valgfri"),
            ))
            .execute(conn)?;
    }
    let any = reports::table.count().get_result::<i64>(conn)? > 0;
    if any {
        return Ok(());
    }
    let since = Utc::now();
    let ctx = Ctx::load(conn, demo, today, STAFF)?;
    demo_reports(conn, &ctx, demo, today)?;
    if let Some(nabo) = neighbour {
        let ctx_nabo = Ctx::load(conn, nabo, today, NEIGHBOUR_STAFF)?;
        neighbour_report(conn, &ctx_nabo, &ctx)?;
    }
    // The e-mails to the reporters about the feedback: made up people.
    laget_db::meetings::mail::withhold_demo(conn, since)?;
    Ok(())
}

fn open(conn: &mut DbConnection, actor: &Actor, id: ReportId) -> DbResult<ReportReader> {
    let facts = laget_db::lookup::report_facts(conn, id)?;
    actor
        .open_report(&facts)
        .map_err(|e| bad(format!("open report {id}"), e))
}

/// The reporter's phone and title, as they type them the first time.
fn reporter(form: &mut ReportForm, phone: &str, title: &str) {
    form.melder_telefon = phone.into();
    form.melder_rolle = title.into();
}

fn guardian(name: &str, phone: &str, told: bool, why: &str) -> GuardianForm {
    GuardianForm {
        navn: name.into(),
        telefon: phone.into(),
        orientert: if told { "ja" } else { "nei" }.into(),
        grunn: why.into(),
    }
}

/// Saves `form` and sends it as `actor`; the outcome must be `want`.
fn send(
    conn: &mut DbConnection,
    actor: &Actor,
    id: ReportId,
    form: ReportForm,
    want: draft::SendOutcome,
) -> DbResult<()> {
    let editor = open(conn, actor, id)?
        .editor()
        .map_err(|e| bad("editor", e))?;
    match draft::send(conn, &editor, form, RID)? {
        Ok(outcome) if outcome == want => Ok(()),
        other => Err(bad(format!("sending report {id}"), other)),
    }
}

/// The draft's form as saved.
fn form_of(conn: &mut DbConnection, actor: &Actor, id: ReportId) -> DbResult<ReportForm> {
    let reader = open(conn, actor, id)?;
    Ok(draft::read(conn, &reader, RID)?.form)
}

fn lead_log(conn: &mut DbConnection, ctx: &Ctx, user: &str, child: &str) -> DbResult<LogId> {
    let (actor, _) = ctx.user(user)?;
    casework::my_logs(conn, actor, ctx.today, RID)?
        .into_iter()
        .find(|g| g.is_lead && g.is_open && g.child_name == child)
        .map(|g| g.log_id)
        .ok_or_else(|| bad(child, "no open log led by the demo user"))
}

fn receive(
    conn: &mut DbConnection,
    ctx: &Ctx,
    id: ReportId,
    outcome: Option<Outcome>,
) -> DbResult<()> {
    let (cw, _) = ctx.user("barnevern")?;
    let receiver = open(conn, cw, id)?
        .receiver()
        .map_err(|e| bad("receiver", e))?;
    inbox::acknowledge(conn, &receiver, RID)?;
    if let Some(o) = outcome {
        let receiver = open(conn, cw, id)?
            .receiver()
            .map_err(|e| bad("receiver", e))?;
        inbox::record_outcome(conn, &receiver, o, RID)?;
    }
    Ok(())
}

fn demo_reports(
    conn: &mut DbConnection,
    ctx: &Ctx,
    demo: MunicipalityId,
    today: NaiveDate,
) -> DbResult<()> {
    use draft::SendOutcome::{AwaitingCosign, Sent};

    // Lucas (level 3), from his log: sent, received, investigation opened.
    let log = lead_log(conn, ctx, "ansatt", "Lucas Hansen Holm")?;
    let (ansatt, unit) = ctx.user("ansatt")?;
    let reader = ctx.open(conn, "ansatt", log)?;
    let author = ansatt
        .report_author(*unit)
        .map_err(|e| bad("ansatt reports", e))?;
    let id = draft::create_from_log(conn, &reader, &author, RID)?;
    let mut form = form_of(conn, ansatt, id)?;
    reporter(&mut form, "+47 900 00 001", "Pedagogisk leder");
    form.bydelsnummer = "01".into();
    form.barn_adresse = "Solsidevegen 11".into();
    form.barn_postnummer = "9990".into();
    form.barn_poststed = "Demoby".into();
    form.barn_orientert = "nei".into();
    form.barn_grunn = "Lucas er fire år og for liten til å forstå hva en melding er.".into();
    form.foresatte = vec![
        guardian("Mona Holm", "900 00 011", true, ""),
        guardian("Geir Hansen", "900 00 012", true, ""),
    ];
    form.tolk = "Nei, familien snakker norsk.".into();
    form.andre_synspunkter = "Mor er enig i at familien trenger mer hjelp.".into();
    send(conn, ansatt, id, form, Sent)?;
    receive(conn, ctx, id, Some(Outcome::Investigation))?;

    // An unborn child, from the health station, without a log: sent.
    let (nurse, unit) = ctx.user("helsesykepleier")?;
    let author = nurse
        .report_author(*unit)
        .map_err(|e| bad("helsesykepleier reports", e))?;
    let id = draft::create_for_child(conn, &author, demo, RID)?;
    let mut form = form_of(conn, nurse, id)?;
    reporter(&mut form, "+47 900 00 002", "Helsesykepleier");
    form.bydelsnummer = "02".into();
    form.barn_ufoedt = true;
    form.barn_navn = "Ufødt barn av Karoline Strøm".into();
    form.barn_adresse = "Bakkevegen 8".into();
    form.barn_postnummer = "9990".into();
    form.barn_poststed = "Demoby".into();
    form.barn_orientert = "nei".into();
    form.barn_grunn = "Barnet er ikke født.".into();
    form.foresatte = vec![guardian("Karoline Strøm", "900 00 021", true, "")];
    form.tolk = "Nei.".into();
    form.andre_hjelpeinstanser = "Fastlegen.".into();
    form.melding = "Mor er gravid i uke 30 og har fortalt at hun ruser seg jevnlig. \
                    Hun har ikke møtt til de siste to kontrollene."
        .into();
    form.historie = "Fulgt opp på helsestasjonen siden uke 12. Tilbudt samtaler og \
                     henvisning til rusteamet, som hun har takket nei til."
        .into();
    send(conn, nurse, id, form, Sent)?;

    // A child without a log at Bakken skole: waiting for the co-signature.
    let (larer, unit) = ctx.user("larer")?;
    let author = larer
        .report_author(*unit)
        .map_err(|e| bad("larer reports", e))?;
    let id = draft::create_for_child(conn, &author, demo, RID)?;
    let mut form = form_of(conn, larer, id)?;
    reporter(&mut form, "+47 900 00 003", "Kontaktlærer");
    form.bydelsnummer = "02".into();
    let born = today
        .checked_sub_months(Months::new(9 * 12 + 4))
        .ok_or_else(|| bad("birth", "out of range"))?;
    form.barn_fnr = NationalId::synthetic(born, 41)
        .map(|n| n.expose().to_owned())
        .ok_or_else(|| bad("synthetic number", born))?;
    form.barn_navn = "Oliver Dahlberg".into();
    form.barn_adresse = "Bakkevegen 21".into();
    form.barn_postnummer = "9990".into();
    form.barn_poststed = "Demoby".into();
    form.barn_orientert = "ja".into();
    form.foresatte = vec![guardian(
        "Per Dahlberg",
        "",
        false,
        "Oliver forteller om vold fra far; far skal ikke varsles av skolen.",
    )];
    form.tolk = "Nei.".into();
    form.melding = "Oliver sier at far slår ham når han er sint. Han hadde et merke \
                    på kinnet i dag."
        .into();
    form.historie = "Skolen har sett endring i høst: Oliver er stille og trøtt.".into();
    form.medsignering = true;
    send(conn, larer, id, form, AwaitingCosign)?;

    // A draft in Lia barnehage, half written.
    let (pedagog, unit) = ctx.user("pedagog")?;
    let author = pedagog
        .report_author(*unit)
        .map_err(|e| bad("pedagog reports", e))?;
    let id = draft::create_for_child(conn, &author, demo, RID)?;
    let mut form = form_of(conn, pedagog, id)?;
    form.barn_navn = "Mia Fossum".into();
    form.melding = "Mia blir ofte hentet sent, og den som henter virker ruset.".into();
    let editor = open(conn, pedagog, id)?
        .editor()
        .map_err(|e| bad("editor", e))?;
    draft::update(conn, &editor, form, RID)?;
    Ok(())
}

/// Eirik Haugland in Nabo kommune (nynorsk), from his log: sent to the
/// shared service and received (`ctx_demo` holds «barnevern»).
fn neighbour_report(conn: &mut DbConnection, ctx: &Ctx, ctx_demo: &Ctx) -> DbResult<()> {
    let log = lead_log(conn, ctx, "nabo", "Eirik Haugland")?;
    let (nabo, unit) = ctx.user("nabo")?;
    let reader = ctx.open(conn, "nabo", log)?;
    let author = nabo
        .report_author(*unit)
        .map_err(|e| bad("nabo reports", e))?;
    let id = draft::create_from_log(conn, &reader, &author, RID)?;
    let mut form = form_of(conn, nabo, id)?;
    reporter(&mut form, "+47 900 00 004", "Kontaktlærar");
    form.barn_adresse = "Haugen 3".into();
    form.barn_postnummer = "9980".into();
    form.barn_poststed = "Naboby".into();
    form.barn_orientert = "ja".into();
    form.foresatte = vec![
        guardian("Solveig Haugland", "", true, ""),
        guardian("Bjarte Haugland", "", true, ""),
    ];
    form.tolk = "Nei.".into();
    if form.melding.trim().is_empty() {
        form.melding = "Eirik har mykje fråvær og seier at han gruar seg til skulen.".into();
    }
    if form.historie.trim().is_empty() {
        form.historie = "Fast vaksen i friminutta sidan september.".into();
    }
    send(conn, nabo, id, form, draft::SendOutcome::Sent)?;
    receive(conn, ctx_demo, id, None)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::org_number;

    /// The modulus 11 check of Brønnøysundregistrene, written out.
    fn valid(o: &str) -> bool {
        let d: Vec<u32> = o.chars().filter_map(|c| c.to_digit(10)).collect();
        if d.len() != 9 {
            return false;
        }
        let sum: u32 = d[..8]
            .iter()
            .zip([3, 2, 7, 6, 5, 4, 3, 2])
            .map(|(a, w)| a * w)
            .sum();
        let check = match 11 - sum % 11 {
            11 => 0,
            c => c,
        };
        check < 10 && check == d[8]
    }

    #[test]
    fn the_demos_org_numbers_are_synthetic_and_well_formed() {
        let numbers: Vec<String> = (1..40).filter_map(org_number).collect();
        assert!(numbers.len() > 30, "most have a check digit");
        for o in &numbers {
            assert!(o.starts_with("999") && valid(o), "{o}");
        }
        assert!(!valid("999000011"), "the check itself fails a wrong digit");
    }
}
