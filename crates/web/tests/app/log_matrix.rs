//! The child's log, route × role × team/consent state, in one table. The
//! columns are the situations DESIGN.md names: the unit that keeps the log
//! (its staff, who leads the log, and its leader), another unit on the team
//! with consent, another unit on the team without a sufficient consent, a unit
//! not on the team, child welfare with break-glass, and the roles that have no
//! business in a child's log.

use crate::access_matrix::{Row, row};
use crate::on_every_backend;
use laget_testkit::{TestApp, Who};

const OK: u16 = 200;
const SEE: u16 = 303;
const NO: u16 = 404;
const BAD: u16 = 422;
const BUSY: u16 = 409;

// The columns, `Who::LOG`: anonymous, ansatt (lead), leder (of the keeping
// unit), PPT (team + consent), school (team, one guardian's consent only),
// health (not on team), child welfare (break-glass), koordinerende enhet,
// kommuneadministrator, systemadministrator, and the four citizens (who get
// the anonymous visitor's answer, `Row::staff_expected`; the youth on their
// own log). Each row gives the answer for the
// roles it does not name, then the roles whose answer differs (see
// `access_matrix::Row`).

const CHILD: &[(&str, &str)] = &[
    ("enhet", "{unit}"),
    ("navn", "Mio Matrise"),
    ("fodselsdato", "01.02.2020"),
];
// Without parental responsibility: a new responsible guardian would need to
// consent too, and close the log to PPT (tested on its own).
const GUARDIAN: &[(&str, &str)] = &[("navn", "Maja Matrise"), ("relasjon", "annen")];
// The child's stored values: saving them changes nothing.
const EDIT_CHILD: &[(&str, &str)] = &[
    ("navn", "Testbarn Fikstursen"),
    ("fodselsdato", "{child_birth}"),
    ("enheter", "{unit}"),
];
const EDIT_GUARDIAN: &[(&str, &str)] = &[
    ("navn", "Mona Fikstursen"),
    ("relasjon", "mor"),
    ("telefon", "900 00 000"),
    ("foreldreansvar", "ja"),
];
const CONCERN: &[(&str, &str)] = &[
    ("uro", "Sliten."),
    ("observert", "01.11.2026"),
    ("utfordringer", "sprak"),
];
const LEVEL: &[(&str, &str)] = &[
    ("niva", "1"),
    ("begrunnelse", "Tydelig uro."),
    ("barnets_beste", "Trygg hverdag."),
];
const NOTE: &[(&str, &str)] = &[("melding_notat", "Sendt per post.")];
const MEETING: &[(&str, &str)] = &[("mote_dato", "01.11.2026")];
const CONSENT: &[(&str, &str)] = &[
    ("givere", "{mother}"),
    ("givere", "{father}"),
    ("enheter", "{ppt_unit}"),
    ("formal", "dele"),
    ("gyldig_fra", "01.01.2026"),
    ("gyldig_til", "31.12.2030"),
    ("metode", "digitalt"),
];
const WITHDRAW: &[(&str, &str)] = &[("begrunnelse", "Foreldrene ønsker det.")];
const STAFF: &[(&str, &str)] = &[
    ("ansatt", "{health_user}:{health_unit}"),
    ("rolle", "Helsesykepleier"),
];
const PERSON: &[(&str, &str)] = &[
    ("type", "barnet"),
    ("person_navn", "Mio"),
    ("person_rolle", "Barnet"),
];
const HANDOVER: &[(&str, &str)] = &[("ny", "{ppt_member}")];
const DECLINE: &[(&str, &str)] = &[("beslutning", "avsla")];
const COORDINATE: &[(&str, &str)] = &[("koordinering", "Uenige om hvem som skal holde stafetten.")];
const ANSWER: &[(&str, &str)] = &[("svar", "PPT koordinerer.")];
const MEASURE: &[(&str, &str)] = &[
    ("navn", "Samtaler"),
    ("mal", "Trives."),
    ("ansvarlig", "{ppt_member}"),
    ("start", "01.01.2026"),
    ("evaluering", "31.12.2030"),
];
const EVALUATE: &[(&str, &str)] = &[
    ("effekt", "bedre"),
    ("vurdering", "Bra."),
    ("videre", "fortsette"),
    ("neste", "31.12.2030"),
];
const DECIDE: &[(&str, &str)] = &[("barnets_beste", "Vurdert.")];
const VOICE: &[(&str, &str)] = &[
    ("dato", "01.11.2026"),
    ("metode", "samtale"),
    ("ord", "Jeg liker å tegne."),
];
const BBIS: &[(&str, &str)] = &[
    ("dato", "01.11.2026"),
    ("tema_helse", "God helse."),
    ("ia_barnehage_skole", "ja"),
    ("ia_folelser_uttrykk", "ja"),
    ("ia_identitet", "ja"),
    ("ia_sosial_fungering", "ja"),
    ("ia_selvstendighet", "ja"),
    ("ia_grunnleggende_omsorg", "ja"),
    ("ia_stimulering_veiledning", "ja"),
    ("ia_sikkerhet", "ja"),
    ("ia_folelsesmessig", "ja"),
    ("ia_stabilitet", "ja"),
    ("ia_familieforhold", "ja"),
    ("ia_bolig_okonomi_arbeid", "ja"),
    ("ia_nettverk", "ja"),
];
const REASON: &[(&str, &str)] = &[("begrunnelse", "Saken er avklart.")];
const BREAK_GLASS: &[(&str, &str)] = &[
    ("fodselsnummer", "{national_id}"),
    ("begrunnelse", "Akutt melding fra politiet."),
];
const CONSULT: &[(&str, &str)] = &[
    ("enhet", "{unit}"),
    ("alder", "1-5"),
    ("dato", "01.11.2026"),
    ("sammendrag", "Stille barn."),
    ("rad", "Observer."),
    ("drofta_med", "PPT"),
];
const CONVERT: &[(&str, &str)] = &[("enhet", "{unit}"), ("logg", "{log}"), ("bekreft", "ja")];
const CORRECT: &[(&str, &str)] = &[
    ("enhet", "{unit}"),
    ("alder", "1-5"),
    ("dato", "01.11.2026"),
    ("sammendrag", "Stille barn i lek."),
    ("rad", "Observer."),
    ("drofta_med", "PPT"),
];
const UNLINK: &[(&str, &str)] = &[("begrunnelse", "Koblet til feil barn.")];
const REVIEW: &[(&str, &str)] = &[("merknad", "I orden.")];
const REQUEST_ANSWER: &[(&str, &str)] = &[("svar", "Vi ringer dere i morgen.")];

/// The family's request of the rows on `/henvendelser/{request}` (made by
/// [`prepare`]).
const REQUEST: &str = "01935d1e-0000-7000-8000-00000000c012";

/// Rows run in order on one database: reads first, then changes; the log is
/// closed and reopened last.
#[rustfmt::skip]
pub const LOG_MATRIX: &[Row] = &[
    // method path                                               form            rest roles whose answer differs
    row("GET",  "/barn",                                         &[],            OK,  &[(Who::Anonymous, SEE)]),
    row("GET",  "/barn/ny",                                      &[],            OK,  &[(Who::Anonymous, SEE), (Who::KoordinerendeEnhet, NO), (Who::Kommuneadministrator, NO), (Who::Systemadmin, NO)]),
    row("POST", "/barn",                                         CHILD,          NO,  &[(Who::Anonymous, SEE), (Who::Ansatt, SEE), (Who::Leder, SEE)]),
    row("GET",  "/barn/{child}",                                 &[],            NO,  &[(Who::Anonymous, SEE), (Who::Ansatt, OK), (Who::Leder, OK)]),
    row("POST", "/barn/{child}/foresatte",                       GUARDIAN,       NO,  &[(Who::Anonymous, SEE), (Who::Ansatt, SEE), (Who::Leder, SEE)]),
    row("GET",  "/barn/{child}/endre",                           &[],            NO,  &[(Who::Anonymous, SEE), (Who::Ansatt, OK), (Who::Leder, OK)]),
    row("POST", "/barn/{child}/endre",                           EDIT_CHILD,     NO,  &[(Who::Anonymous, SEE), (Who::Ansatt, SEE), (Who::Leder, SEE)]),
    row("GET",  "/barn/{child}/foresatte/{guardian}",            &[],            NO,  &[(Who::Anonymous, SEE), (Who::Ansatt, OK), (Who::Leder, OK)]),
    row("POST", "/barn/{child}/foresatte/{guardian}",            EDIT_GUARDIAN,  NO,  &[(Who::Anonymous, SEE), (Who::Ansatt, SEE), (Who::Leder, SEE)]),
    row("GET",  "/barn/{child}/ny-logg",                         &[],            NO,  &[(Who::Anonymous, SEE), (Who::Ansatt, OK), (Who::Leder, OK)]),
    row("POST", "/barn/{child}/ny-logg",                         CONCERN,        NO,  &[(Who::Anonymous, SEE), (Who::Ansatt, BAD), (Who::Leder, BAD)]),
    row("GET",  "/logger/{log}",                                 &[],            NO,  &[(Who::Anonymous, SEE), (Who::Ansatt, OK), (Who::Leder, OK), (Who::PptOnTeam, OK), (Who::ChildWelfareBreakGlass, OK)]),
    row("GET",  "/logger/{log}/utskrift",                        &[],            NO,  &[(Who::Anonymous, SEE), (Who::Ansatt, OK), (Who::Leder, OK), (Who::PptOnTeam, OK), (Who::ChildWelfareBreakGlass, OK)]),
    row("GET",  "/logger/{log}/vedlegg/{attachment}",            &[],            NO,  &[(Who::Anonymous, SEE), (Who::Ansatt, OK), (Who::Leder, OK), (Who::PptOnTeam, OK), (Who::ChildWelfareBreakGlass, OK)]),
    row("GET",  "/logger/{log}/tiltak/{measure}",                &[],            NO,  &[(Who::Anonymous, SEE), (Who::Ansatt, OK), (Who::Leder, OK), (Who::PptOnTeam, OK), (Who::ChildWelfareBreakGlass, OK)]),
    row("GET",  "/logger/{log}/innsyn",                          &[],            NO,  &[(Who::Anonymous, SEE), (Who::Ansatt, OK), (Who::Leder, OK)]),
    row("GET",  "/logger/{log}/niva",                            &[],            NO,  &[(Who::Anonymous, SEE), (Who::Ansatt, OK), (Who::Leder, OK), (Who::PptOnTeam, OK)]),
    row("GET",  "/logger/{log}/samtykke",                        &[],            NO,  &[(Who::Anonymous, SEE), (Who::Ansatt, OK), (Who::Leder, OK), (Who::PptOnTeam, OK)]),
    row("GET",  "/logger/{log}/overlevering",                    &[],            NO,  &[(Who::Anonymous, SEE), (Who::Ansatt, OK), (Who::Leder, OK)]),
    row("GET",  "/logger/{log}/samtykke/{consent}/trekk",        &[],            NO,  &[(Who::Anonymous, SEE), (Who::Ansatt, OK), (Who::Leder, OK), (Who::PptOnTeam, OK)]),
    row("GET",  "/logger/{log}/tiltak",                          &[],            NO,  &[(Who::Anonymous, SEE), (Who::Ansatt, OK), (Who::Leder, OK), (Who::PptOnTeam, OK)]),
    row("GET",  "/logger/{log}/stemme",                          &[],            NO,  &[(Who::Anonymous, SEE), (Who::Ansatt, OK), (Who::Leder, OK), (Who::PptOnTeam, OK)]),
    row("GET",  "/logger/{log}/bbis",                            &[],            NO,  &[(Who::Anonymous, SEE), (Who::Ansatt, OK), (Who::Leder, OK), (Who::PptOnTeam, OK)]),
    // From level 0 to 1 once; after that, level 1 is the same level (422: past the rights check).
    row("POST", "/logger/{log}/niva",                            LEVEL,          NO,  &[(Who::Anonymous, SEE), (Who::Ansatt, SEE), (Who::Leder, BAD), (Who::PptOnTeam, BAD)]),
    row("POST", "/logger/{log}/bekymringsmelding",               NOTE,           NO,  &[(Who::Anonymous, SEE), (Who::Ansatt, SEE), (Who::Leder, SEE), (Who::PptOnTeam, SEE)]),
    // A meeting is made due again before each cell of this row.
    row("POST", "/logger/{log}/mote",                            MEETING,        NO,  &[(Who::Anonymous, SEE), (Who::Ansatt, SEE), (Who::Leder, SEE), (Who::PptOnTeam, SEE)]),
    row("POST", "/logger/{log}/samtykke",                        CONSENT,        NO,  &[(Who::Anonymous, SEE), (Who::Ansatt, SEE), (Who::Leder, SEE), (Who::PptOnTeam, SEE)]),
    row("POST", "/logger/{log}/samtykke/{consent}/trekk",        WITHDRAW,       NO,  &[(Who::Anonymous, SEE), (Who::Ansatt, SEE), (Who::Leder, SEE), (Who::PptOnTeam, SEE)]),
    // The health nurse's unit is not covered by consent: the form says so (422).
    row("POST", "/logger/{log}/lag",                             STAFF,          NO,  &[(Who::Anonymous, SEE), (Who::Ansatt, BAD), (Who::Leder, BAD), (Who::PptOnTeam, BAD)]),
    row("POST", "/logger/{log}/lag/person",                      PERSON,         NO,  &[(Who::Anonymous, SEE), (Who::Ansatt, SEE), (Who::Leder, SEE), (Who::PptOnTeam, SEE)]),
    row("POST", "/logger/{log}/lag/{member}/fjern",              &[],            NO,  &[(Who::Anonymous, SEE), (Who::Ansatt, SEE), (Who::Leder, SEE), (Who::PptOnTeam, SEE)]),
    // One handover at a time: the fixture's is pending (the form says so, 422, past the rights check).
    row("POST", "/logger/{log}/overlevering",                    HANDOVER,       NO,  &[(Who::Anonymous, SEE), (Who::Ansatt, BAD), (Who::Leder, BAD)]),
    // The fixture's proposal is made pending again before each cell of these two rows.
    row("POST", "/logger/{log}/overlevering/{handover}/trekk",   &[],            NO,  &[(Who::Anonymous, SEE), (Who::Ansatt, SEE), (Who::Leder, SEE)]),
    row("POST", "/logger/{log}/overlevering/{handover}",         DECLINE,        NO,  &[(Who::Anonymous, SEE), (Who::PptOnTeam, SEE)]),
    row("POST", "/logger/{log}/tiltak",                          MEASURE,        NO,  &[(Who::Anonymous, SEE), (Who::Ansatt, SEE), (Who::Leder, SEE), (Who::PptOnTeam, SEE)]),
    row("POST", "/logger/{log}/tiltak/{measure}/evaluering",     EVALUATE,       NO,  &[(Who::Anonymous, SEE), (Who::Ansatt, SEE), (Who::Leder, SEE), (Who::PptOnTeam, SEE)]),
    row("POST", "/logger/{log}/tiltak/{measure}/beslutt",        DECIDE,         NO,  &[(Who::Anonymous, SEE), (Who::Ansatt, SEE), (Who::Leder, SEE), (Who::PptOnTeam, SEE)]),
    row("POST", "/logger/{log}/stemme",                          VOICE,          NO,  &[(Who::Anonymous, SEE), (Who::Ansatt, SEE), (Who::Leder, SEE), (Who::PptOnTeam, SEE)]),
    row("POST", "/logger/{log}/bbis",                            BBIS,           NO,  &[(Who::Anonymous, SEE), (Who::Ansatt, SEE), (Who::Leder, SEE), (Who::PptOnTeam, SEE)]),
    // One open request at a time; the leader answers it, after which the coordinating unit has no access.
    row("POST", "/logger/{log}/koordinering",                    COORDINATE,     NO,  &[(Who::Anonymous, SEE), (Who::Ansatt, SEE), (Who::Leder, BUSY), (Who::PptOnTeam, BUSY)]),
    // The request is opened again before each cell of the answer row, so that the coordinating unit's own right is exercised.
    row("POST", "/logger/{log}/koordinering/svar",               ANSWER,         NO,  &[(Who::Anonymous, SEE), (Who::Leder, OK), (Who::KoordinerendeEnhet, OK)]),
    // The answer waits to be read before each cell of this row: the lead and the keeping unit's leader mark it.
    row("POST", "/logger/{log}/koordinering/lest",               &[],            NO,  &[(Who::Anonymous, SEE), (Who::Ansatt, SEE), (Who::Leder, SEE)]),
    // Issue #12: a request from the family (a meeting, asked for in the portal), open again before each cell: the holder (the lead, the keeping unit's leader) answers it; anyone else who opens the log gets 404.
    row("GET",  "/logger/{log}/henvendelser/{request}",          &[],            NO,  &[(Who::Anonymous, SEE), (Who::Ansatt, OK), (Who::Leder, OK)]),
    row("POST", "/logger/{log}/henvendelser/{request}",          REQUEST_ANSWER, NO,  &[(Who::Anonymous, SEE), (Who::Ansatt, SEE), (Who::Leder, SEE)]),
    row("GET",  "/mine-oppgaver",                                &[],            OK,  &[(Who::Anonymous, SEE)]),
    row("GET",  "/nodtilgang",                                   &[],            NO,  &[(Who::Anonymous, SEE), (Who::Leder, OK), (Who::ChildWelfareBreakGlass, OK)]),
    row("POST", "/nodtilgang",                                   BREAK_GLASS,    NO,  &[(Who::Anonymous, SEE), (Who::Leder, SEE), (Who::ChildWelfareBreakGlass, SEE)]),
    row("GET",  "/drofting",                                     &[],            OK,  &[(Who::Anonymous, SEE), (Who::KoordinerendeEnhet, NO), (Who::Kommuneadministrator, NO), (Who::Systemadmin, NO)]),
    row("POST", "/drofting",                                     CONSULT,        NO,  &[(Who::Anonymous, SEE), (Who::Ansatt, SEE), (Who::Leder, SEE)]),
    row("POST", "/drofting/{consultation}/koble",                CONVERT,        NO,  &[(Who::Anonymous, SEE), (Who::Ansatt, SEE), (Who::Leder, SEE)]),
    // Only the writer (the staff member) corrects or withdraws; the consultation is open again before each cell.
    row("GET",  "/drofting/{consultation}/endre",                &[],            NO,  &[(Who::Anonymous, SEE), (Who::Ansatt, OK)]),
    row("POST", "/drofting/{consultation}/endre",                CORRECT,        NO,  &[(Who::Anonymous, SEE), (Who::Ansatt, SEE)]),
    row("POST", "/drofting/{consultation}/trekk",                &[],            NO,  &[(Who::Anonymous, SEE), (Who::Ansatt, SEE)]),
    // The consultation is linked to the log before each cell: readers of the whole log see it; the lead and the keeping unit's leader undo the link.
    row("GET",  "/logger/{log}/drofting/{consultation}",         &[],            NO,  &[(Who::Anonymous, SEE), (Who::Ansatt, OK), (Who::Leder, OK), (Who::PptOnTeam, OK), (Who::ChildWelfareBreakGlass, OK)]),
    row("POST", "/logger/{log}/drofting/{consultation}/koble-fra", UNLINK,         NO,  &[(Who::Anonymous, SEE), (Who::Ansatt, SEE), (Who::Leder, SEE)]),
    row("GET",  "/enheter/{unit}/logger",                        &[],            NO,  &[(Who::Anonymous, SEE), (Who::Leder, OK)]),
    row("POST", "/enheter/{unit}/nodtilgang/{break_glass}",      REVIEW,         NO,  &[(Who::Anonymous, SEE), (Who::Leder, SEE)]),
    row("POST", "/logger/{log}/lukk",                            REASON,         NO,  &[(Who::Anonymous, SEE), (Who::Ansatt, SEE), (Who::Leder, SEE)]),
    row("POST", "/logger/{log}/gjenapne",                        REASON,         NO,  &[(Who::Anonymous, SEE), (Who::Ansatt, SEE), (Who::Leder, SEE)]),
    // Last: the mother is no longer a guardian, which changes whose consent counts (idempotent).
    row("POST", "/barn/{child}/foresatte/{guardian}/avslutt",    &[],            NO,  &[(Who::Anonymous, SEE), (Who::Ansatt, SEE), (Who::Leder, SEE)]),
];

async fn log_matrix(app: TestApp) {
    let mut failures = Vec::new();
    for r in LOG_MATRIX {
        for who in &Who::LOG {
            let path = app.concrete_for(*who, &r.path.replace("{request}", REQUEST));
            // A citizen gets the anonymous visitor's answer (`Row::staff_expected`).
            let expected = r.staff_expected(*who);
            prepare(&app, r.path);
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
            // Where a 303 goes (a refused write on a closed log answers 303
            // too), and that a 404 is the unknown page, naming nothing.
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
        "{:?}: log access matrix mismatches:\n{}",
        app.backend,
        failures.join("\n")
    );
}
on_every_backend!(log_access_matrix_holds, log_matrix);

/// Puts back the state that a row's action ends, so that each cell of that
/// row meets the same state and a refusal is the rights check's, not an
/// earlier cell's doing: the fixture's handover proposal waits for an answer
/// again; a meeting is due again; the fixture's consultation is open again
/// (not withdrawn), and linked to the log for the rows about its link; the
/// family's request (the mother's, for a meeting) is there and not
/// answered.
fn prepare(app: &TestApp, path: &str) {
    use diesel::prelude::*;
    use laget_db::schema::{handovers, logs};
    if path.contains("/henvendelser/{request}") {
        use laget_db::schema::family_requests as fr;
        use laget_domain::children::national_id::NationalId;
        let mother = NationalId::parse(&app.fx.citizens[&Who::Guardian]).unwrap();
        app.with_conn(|c| {
            let now = chrono::Utc::now();
            let citizen = laget_db::portal::citizens::signed_in(c, &mother, now).unwrap();
            diesel::delete(fr::table.find(REQUEST)).execute(c)?;
            diesel::insert_into(fr::table)
                .values((
                    fr::id.eq(REQUEST),
                    fr::log_id.eq(app.fx.log.log.to_string()),
                    fr::citizen_id.eq(citizen.to_string()),
                    fr::kind.eq("mote"),
                    fr::message.eq("Vi ønsker et møte om overgangen."),
                    fr::created_at.eq(now.timestamp_micros()),
                ))
                .execute(c)
        })
        .unwrap();
    }
    if path.starts_with("/logger/{log}/overlevering/{handover}") {
        app.with_conn(|c| {
            diesel::update(handovers::table.find(app.fx.log.handover.to_string()))
                .set((
                    handovers::status.eq("venter"),
                    handovers::decided_at.eq(None::<i64>),
                ))
                .execute(c)
        })
        .unwrap();
    }
    if path == "/logger/{log}/koordinering/svar" || path == "/logger/{log}/koordinering/lest" {
        use laget_db::schema::coordination_requests as cr;
        let answered = path.ends_with("/lest");
        app.with_conn(|c| {
            diesel::update(cr::table.filter(cr::log_id.eq(app.fx.log.log.to_string())))
                .set((
                    cr::resolved_at.eq(answered.then_some(1_i64)),
                    cr::resolution.eq(answered.then_some("PPT koordinerer.")),
                    cr::answer_read_at.eq(None::<i64>),
                ))
                .execute(c)
        })
        .unwrap();
    }
    if path.starts_with("/drofting/{consultation}")
        || path.starts_with("/logger/{log}/drofting/{consultation}")
    {
        // Open (not withdrawn), and linked to the log only for the rows
        // about the linked consultation.
        use laget_db::schema::consultations;
        let linked = path
            .starts_with("/logger/")
            .then(|| app.fx.log.log.to_string());
        app.with_conn(|c| {
            diesel::update(consultations::table.find(app.fx.log.consultation.to_string()))
                .set((
                    consultations::log_id.eq(linked),
                    consultations::withdrawn_at.eq(None::<i64>),
                ))
                .execute(c)
        })
        .unwrap();
    }
    if path == "/logger/{log}/mote" {
        app.with_conn(|c| {
            diesel::update(logs::table.find(app.fx.log.log.to_string()))
                .set(logs::meeting_due.eq(Some("2030-01-01")))
                .execute(c)
        })
        .unwrap();
    }
}
