//! Writing a report of concern (issue #13, R1): «Skriv bekymringsmelding»
//! from a log (a prefilled draft) or for a child without one
//! (`/bekymringsmeldinger/ny`), the draft form (saved as typed, checked
//! against every rule of the KS Fiks message when sent), deleting a draft,
//! and the unit leader's co-signature or sending back.
//!
//! Who may do what is decided by `laget_domain::access::reports`: a draft is
//! its author's alone (404 for everyone else), the leader of the reporting
//! unit co-signs while it waits. After sending, the report's own page
//! (`/bekymringsmeldinger/{report}`, reports::feedback) shows it.

use crate::AppState;
use crate::error::AppError;
use crate::extract::form::{self as forms, FormState};
use crate::extract::log::open_whole;
use crate::extract::path::path_id;
use crate::extract::user::SignedIn;
use crate::i18n::Messages;
use crate::view::choices::Choice;
use crate::view::layout::Layout;
use crate::view::notice::NoticeQuery;
use crate::view::{invalid, page};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use laget_db::reports::draft::{self, CosignExemption, Draft, Refused, SendOutcome};
use laget_domain::MunicipalityId;
use laget_domain::UnitId;
use laget_domain::access::ReportReader;
use laget_domain::ids::ReportId;
use laget_domain::reports::CosignRule;
use laget_domain::reports::form::{GUARDIAN_FIELDS, GuardianForm, ReportForm, fields};
use laget_domain::validation::FieldError;

/// Opens the report in the path for the signed-in user, or 404.
async fn open(state: &AppState, user: &SignedIn, raw: &str) -> Result<ReportReader, AppError> {
    let id: ReportId = path_id(raw)?;
    let facts = state
        .db
        .read(move |c| laget_db::lookup::report_facts(c, id))
        .await?;
    Ok(user.actor.open_report(&facts)?)
}

/// The form's values as posted.
pub fn form_from_pairs(pairs: &[(String, String)]) -> ReportForm {
    let g = |k: &str| forms::get(pairs, k).to_owned();
    let present = |k: &str| pairs.iter().any(|(key, _)| key == k);
    let mut foresatte = Vec::new();
    for (i, f) in GUARDIAN_FIELDS.iter().enumerate() {
        // The third slot exists only when posted (the page shows two).
        if i >= 2 && !f.iter().any(|k| present(k)) {
            continue;
        }
        foresatte.push(GuardianForm {
            navn: g(f[0]),
            telefon: g(f[1]),
            orientert: g(f[2]),
            grunn: g(f[3]),
        });
    }
    ReportForm {
        kommunenummer: String::new(),
        kommunenavn: String::new(),
        bydelsnummer: g(fields::BYDELSNUMMER),
        bydelsnavn: String::new(),
        melder_navn: g(fields::MELDER_NAVN),
        melder_rolle: g(fields::MELDER_ROLLE),
        melder_telefon: g(fields::MELDER_TELEFON),
        melder_epost: g(fields::MELDER_EPOST),
        virksomhet_navn: g(fields::VIRKSOMHET_NAVN),
        virksomhet_orgnr: g(fields::VIRKSOMHET_ORGNR),
        virksomhet_adresse: g(fields::VIRKSOMHET_ADRESSE),
        virksomhet_postnummer: g(fields::VIRKSOMHET_POSTNUMMER),
        virksomhet_poststed: g(fields::VIRKSOMHET_POSTSTED),
        barn_ufoedt: forms::get(pairs, fields::BARN_UFOEDT) == "ja",
        barn_fnr: g(fields::BARN_FNR),
        barn_navn: g(fields::BARN_NAVN),
        barn_telefon: g(fields::BARN_TELEFON),
        barn_adresse: g(fields::BARN_ADRESSE),
        barn_postnummer: g(fields::BARN_POSTNUMMER),
        barn_poststed: g(fields::BARN_POSTSTED),
        barn_orientert: g(fields::BARN_ORIENTERT),
        barn_grunn: g(fields::BARN_GRUNN),
        foresatte,
        tolk: g(fields::TOLK),
        andre_hjelpeinstanser: g(fields::ANDRE_HJELPEINSTANSER),
        melding: g(fields::MELDING),
        historie: g(fields::HISTORIE),
        andre_synspunkter: g(fields::ANDRE_SYNSPUNKTER),
        medsignering: forms::get(pairs, fields::MEDSIGNERING) == "ja",
        returnert_merknad: String::new(),
        medsignering_unntak: String::new(),
        andre_foresatte: Vec::new(),
    }
}

/// The form's values as the page shows them (field name, value).
fn values(f: &ReportForm) -> Vec<(String, String)> {
    let yes = |b: bool| if b { "ja" } else { "" }.to_owned();
    let mut v: Vec<(&str, String)> = vec![
        (fields::KOMMUNENUMMER, f.kommunenummer.clone()),
        (fields::KOMMUNENAVN, f.kommunenavn.clone()),
        (fields::BYDELSNUMMER, f.bydelsnummer.clone()),
        (fields::MELDER_NAVN, f.melder_navn.clone()),
        (fields::MELDER_ROLLE, f.melder_rolle.clone()),
        (fields::MELDER_TELEFON, f.melder_telefon.clone()),
        (fields::MELDER_EPOST, f.melder_epost.clone()),
        (fields::VIRKSOMHET_NAVN, f.virksomhet_navn.clone()),
        (fields::VIRKSOMHET_ORGNR, f.virksomhet_orgnr.clone()),
        (fields::VIRKSOMHET_ADRESSE, f.virksomhet_adresse.clone()),
        (
            fields::VIRKSOMHET_POSTNUMMER,
            f.virksomhet_postnummer.clone(),
        ),
        (fields::VIRKSOMHET_POSTSTED, f.virksomhet_poststed.clone()),
        (fields::BARN_UFOEDT, yes(f.barn_ufoedt)),
        (fields::BARN_FNR, f.barn_fnr.clone()),
        (fields::BARN_NAVN, f.barn_navn.clone()),
        (fields::BARN_TELEFON, f.barn_telefon.clone()),
        (fields::BARN_ADRESSE, f.barn_adresse.clone()),
        (fields::BARN_POSTNUMMER, f.barn_postnummer.clone()),
        (fields::BARN_POSTSTED, f.barn_poststed.clone()),
        (fields::BARN_ORIENTERT, f.barn_orientert.clone()),
        (fields::BARN_GRUNN, f.barn_grunn.clone()),
        (fields::TOLK, f.tolk.clone()),
        (
            fields::ANDRE_HJELPEINSTANSER,
            f.andre_hjelpeinstanser.clone(),
        ),
        (fields::MELDING, f.melding.clone()),
        (fields::HISTORIE, f.historie.clone()),
        (fields::ANDRE_SYNSPUNKTER, f.andre_synspunkter.clone()),
        (fields::MEDSIGNERING, yes(f.medsignering)),
    ];
    for (g, names) in f.foresatte.iter().zip(GUARDIAN_FIELDS.iter()) {
        v.push((names[0], g.navn.clone()));
        v.push((names[1], g.telefon.clone()));
        v.push((names[2], g.orientert.clone()));
        v.push((names[3], g.grunn.clone()));
    }
    v.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
}

/// Field names and labels, in the order the page shows them (the error
/// summary follows it).
fn labels(m: &Messages) -> Vec<(&'static str, &'static str)> {
    let mut l = vec![
        (fields::KOMMUNENUMMER, m.report_municipality),
        (fields::KOMMUNENAVN, m.report_municipality),
        (fields::BYDELSNUMMER, m.report_district),
        (fields::MELDER_NAVN, m.report_reporter_name),
        (fields::MELDER_ROLLE, m.report_reporter_role),
        (fields::MELDER_TELEFON, m.report_reporter_phone),
        (fields::MELDER_EPOST, m.report_reporter_email),
        (fields::VIRKSOMHET_NAVN, m.report_unit_name),
        (fields::VIRKSOMHET_ORGNR, m.report_unit_orgnr),
        (fields::VIRKSOMHET_ADRESSE, m.report_unit_address),
        (fields::VIRKSOMHET_POSTNUMMER, m.report_unit_postal_code),
        (fields::VIRKSOMHET_POSTSTED, m.report_unit_postal_place),
        (fields::BARN_FNR, m.report_child_national_id),
        (fields::BARN_NAVN, m.report_child_name),
        (fields::BARN_TELEFON, m.report_child_phone),
        (fields::BARN_ADRESSE, m.report_child_address),
        (fields::BARN_POSTNUMMER, m.report_child_postal_code),
        (fields::BARN_POSTSTED, m.report_child_postal_place),
        (fields::BARN_ORIENTERT, m.report_child_informed),
        (fields::BARN_GRUNN, m.report_informed_reason),
        (fields::FORESATTE, m.report_section_guardians),
    ];
    for f in GUARDIAN_FIELDS.iter() {
        l.push((f[0], m.report_guardian_name));
        l.push((f[1], m.report_guardian_phone));
        l.push((f[2], m.report_guardian_informed));
        l.push((f[3], m.report_informed_reason));
    }
    l.extend([
        (fields::MELDING, m.report_concern),
        (fields::HISTORIE, m.report_history),
        (fields::ANDRE_SYNSPUNKTER, m.report_other_views),
        (fields::TOLK, m.report_interpreter),
        (fields::ANDRE_HJELPEINSTANSER, m.report_other_services),
    ]);
    l
}

/// One guardian slot on the page: its field names.
pub struct GuardianSlot {
    pub number: usize,
    pub navn: &'static str,
    pub telefon: &'static str,
    pub orientert: &'static str,
    pub grunn: &'static str,
}

#[derive(Template)]
#[template(path = "reports/form.html")]
struct FormPage {
    layout: Layout,
    report: String,
    log: Option<String>,
    form: FormState,
    districts: Vec<Choice>,
    yes_no: Vec<Choice>,
    guardians: Vec<GuardianSlot>,
    cosign_required: bool,
    cosign_optional: bool,
    /// Why no leader co-signs although the municipality asks (empty: one
    /// does, or none is asked for).
    cosign_exempt: &'static str,
    returned_note: String,
    no_child_welfare: bool,
    /// Guardians with parental responsibility the message has no room for.
    other_guardians: String,
    /// The textareas' limit (the message's).
    text_max: usize,
}

fn exemption_text(m: &Messages, d: &Draft) -> &'static str {
    match d.cosign_exemption {
        Some(CosignExemption::AuthorLeads) => m.report_cosign_author_leads,
        Some(CosignExemption::NoLeader) => m.report_cosign_no_leader,
        None => "",
    }
}

fn form_page(
    user: &SignedIn,
    d: &Draft,
    form: FormState,
    shown: &ReportForm,
    no_child_welfare: bool,
) -> FormPage {
    let m = user.m;
    let slots = shown.foresatte.len().clamp(2, GUARDIAN_FIELDS.len());
    FormPage {
        layout: Layout::signed_in(user, m.report_form_title),
        report: d.id.to_string(),
        log: d.log_id.map(|l| l.to_string()),
        form: form.fields(&labels(m)),
        districts: d
            .districts
            .iter()
            .map(|(n, name)| Choice {
                value: n.clone(),
                label: format!("{n} {name}"),
            })
            .collect(),
        yes_no: vec![
            Choice {
                value: "ja".into(),
                label: m.report_informed_yes.into(),
            },
            Choice {
                value: "nei".into(),
                label: m.report_informed_no.into(),
            },
        ],
        guardians: GUARDIAN_FIELDS
            .iter()
            .take(slots)
            .enumerate()
            .map(|(i, f)| GuardianSlot {
                number: i + 1,
                navn: f[0],
                telefon: f[1],
                orientert: f[2],
                grunn: f[3],
            })
            .collect(),
        cosign_required: d.cosign == CosignRule::Required && d.cosign_exemption.is_none(),
        cosign_optional: d.cosign == CosignRule::Optional && d.cosign_exemption.is_none(),
        cosign_exempt: exemption_text(m, d),
        returned_note: d.form.returnert_merknad.clone(),
        no_child_welfare,
        other_guardians: d.form.andre_foresatte.join(", "),
        text_max: laget_domain::reports::form::TEXT_MAX,
    }
}

async fn read_draft(
    state: &AppState,
    user: &SignedIn,
    r: &ReportReader,
) -> Result<Draft, AppError> {
    let rid = user.ctx.request_id.clone();
    let r = r.clone();
    Ok(state.db.write(move |c| draft::read(c, &r, &rid)).await?)
}

/// GET `/bekymringsmeldinger/{report}/endre`: the draft form, as saved.
pub async fn edit_form(
    State(state): State<AppState>,
    user: SignedIn,
    Path(raw): Path<String>,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, AppError> {
    let r = open(&state, &user, &raw).await?;
    if r.editor().is_err() {
        // Sent (or waiting for the leader): the back button lands on the
        // report, not on «Fant ikke siden». Whoever may not open it got 404.
        return Ok(
            Redirect::to(&format!("/bekymringsmeldinger/{}", r.report_id())).into_response(),
        );
    }
    let d = read_draft(&state, &user, &r).await?;
    let form = FormState::with_values(values(&d.form));
    let mut p = form_page(&user, &d, form, &d.form, false);
    if q.melding.as_deref() == Some("lagret") {
        p.layout = p.layout.with_notice(Some(user.m.report_saved));
    }
    page(&p)
}

/// POST `/bekymringsmeldinger/{report}/endre`: saves the draft as typed.
pub async fn save(
    State(state): State<AppState>,
    user: SignedIn,
    Path(raw): Path<String>,
    body: String,
) -> Result<Response, AppError> {
    let r = open(&state, &user, &raw).await?;
    let e = r.editor()?;
    let form = form_from_pairs(&forms::pairs(&body));
    let rid = user.ctx.request_id.clone();
    state
        .db
        .write(move |c| draft::update(c, &e, form, &rid))
        .await?;
    Ok(Redirect::to(&format!(
        "/bekymringsmeldinger/{}/endre?melding=lagret",
        r.report_id()
    ))
    .into_response())
}

/// POST `/bekymringsmeldinger/{report}/send`: saves and sends (or hands it
/// to the leader for co-signature). Problems: 422 with the form as typed.
pub async fn send(
    State(state): State<AppState>,
    user: SignedIn,
    Path(raw): Path<String>,
    body: String,
) -> Result<Response, AppError> {
    let r = open(&state, &user, &raw).await?;
    let e = r.editor()?;
    let pairs = forms::pairs(&body);
    // From the review page only the button is posted: the draft as saved
    // (and shown) is what goes.
    let form = if pairs.iter().any(|(k, _)| k == fields::MELDER_NAVN) {
        form_from_pairs(&pairs)
    } else {
        read_draft(&state, &user, &r).await?.form
    };
    let rid = user.ctx.request_id.clone();
    let e2 = e.clone();
    let typed = form.clone();
    let outcome = state
        .db
        .write(move |c| draft::send(c, &e2, typed, &rid))
        .await?;
    let id = r.report_id();
    match outcome {
        Ok(SendOutcome::Sent) | Ok(SendOutcome::AwaitingCosign) => {
            Ok(Redirect::to(&format!("/bekymringsmeldinger/{id}")).into_response())
        }
        Err(refused) => {
            let d = read_draft(&state, &user, &r).await?;
            refused_page(&user, &d, &d.form, refused)
        }
    }
}

#[derive(Template)]
#[template(path = "reports/form_review.html")]
struct ReviewPage {
    layout: Layout,
    report: String,
    lines: Vec<Line>,
    /// What happens on «Send»: to the leader first, or why not.
    to_leader: bool,
    cosign_exempt: &'static str,
}

/// POST `/bekymringsmeldinger/{report}/se-over`: saves the draft and shows
/// exactly the message that will be sent, with «Send til
/// barneverntjenesten». Problems: the form, 422, as typed.
pub async fn review(
    State(state): State<AppState>,
    user: SignedIn,
    Path(raw): Path<String>,
    body: String,
) -> Result<Response, AppError> {
    let r = open(&state, &user, &raw).await?;
    let e = r.editor()?;
    let form = form_from_pairs(&forms::pairs(&body));
    let rid = user.ctx.request_id.clone();
    let outcome = state
        .db
        .write(move |c| draft::review(c, &e, form, &rid))
        .await?;
    match outcome {
        Ok(d) => {
            let asks = match d.cosign {
                CosignRule::Required => true,
                CosignRule::Optional => d.form.medsignering,
                CosignRule::None => false,
            };
            page(&ReviewPage {
                layout: Layout::signed_in(&user, user.m.report_review_title),
                report: d.id.to_string(),
                lines: lines(user.m, &d.form),
                to_leader: asks && d.cosign_exemption.is_none(),
                cosign_exempt: if asks { exemption_text(user.m, &d) } else { "" },
            })
        }
        Err(refused) => {
            let d = read_draft(&state, &user, &r).await?;
            refused_page(&user, &d, &d.form, refused)
        }
    }
}

fn refused_page(
    user: &SignedIn,
    d: &Draft,
    shown: &ReportForm,
    refused: Refused,
) -> Result<Response, AppError> {
    let (problems, none): (Vec<FieldError>, bool) = match refused {
        Refused::Invalid(p) => (p, false),
        Refused::NoChildWelfare => (Vec::new(), true),
    };
    let form = FormState::with_values(values(shown)).with_problems(user.m, problems);
    invalid(&form_page(user, d, form, shown, none))
}

/// POST `/bekymringsmeldinger/{report}/slett`: deletes the draft.
pub async fn delete(
    State(state): State<AppState>,
    user: SignedIn,
    Path(raw): Path<String>,
) -> Result<Response, AppError> {
    let r = open(&state, &user, &raw).await?;
    let e = r.editor()?;
    let d = read_draft(&state, &user, &r).await?;
    let rid = user.ctx.request_id.clone();
    state.db.write(move |c| draft::delete(c, &e, &rid)).await?;
    let to = match d.log_id {
        Some(l) => format!("/logger/{l}"),
        None => "/".to_owned(),
    };
    Ok(Redirect::to(&to).into_response())
}

/// The unit the user reports from, for a report from a log: the one posted
/// (`enhet`), else the log's home unit when the user works there, else the
/// first of the user's units.
fn reporting_unit(user: &SignedIn, posted: &str, home: UnitId) -> Option<UnitId> {
    let units: Vec<UnitId> = user
        .actor
        .reporting_units()
        .into_iter()
        .map(|(u, _)| u)
        .collect();
    if let Ok(u) = posted.parse::<UnitId>()
        && units.contains(&u)
    {
        return Some(u);
    }
    if units.contains(&home) {
        return Some(home);
    }
    units.first().copied()
}

/// POST `/logger/{log}/bekymringsmelding/skriv`: a draft prefilled from the
/// log (or the author's open draft from it), then its form.
pub async fn create_from_log(
    State(state): State<AppState>,
    user: SignedIn,
    Path(raw): Path<String>,
    body: String,
) -> Result<Response, AppError> {
    let reader = open_whole(&state, &user, &raw).await?;
    // Whoever writes on the log (the keeping unit, a team member covered
    // by consent) may start from it; reading alone (break-glass, a unit
    // without consent) gives no prefilled report: 404, as elsewhere. The
    // duty itself needs no log: `/bekymringsmeldinger/ny`.
    reader.writer().map_err(|_| AppError::NotFound)?;
    let pairs = forms::pairs(&body);
    let unit = reporting_unit(&user, forms::get(&pairs, "enhet"), reader.home_unit())
        .ok_or(AppError::NotFound)?;
    let author = user.actor.report_author(unit)?;
    let rid = user.ctx.request_id.clone();
    let id = state
        .db
        .write(move |c| draft::create_from_log(c, &reader, &author, &rid))
        .await?;
    Ok(Redirect::to(&format!("/bekymringsmeldinger/{id}/endre")).into_response())
}

#[derive(Template)]
#[template(path = "reports/form_new.html")]
struct NewPage {
    layout: Layout,
    units: Vec<Choice>,
    municipalities: Vec<Choice>,
    form: FormState,
}

async fn new_page(
    state: &AppState,
    user: &SignedIn,
    form: Option<FormState>,
) -> Result<NewPage, AppError> {
    let m = user.m;
    let reporting = user.actor.reporting_units();
    let (first_unit, _) = *reporting.first().ok_or(AppError::NotFound)?;
    let author = user.actor.report_author(first_unit)?;
    let ids: Vec<UnitId> = reporting.iter().map(|(u, _)| *u).collect();
    let (names, municipalities) = state
        .db
        .read(move |c| {
            let names = draft::unit_names(c, &author, &ids)?;
            let ms = draft::municipality_choices(c, &author)?;
            Ok((names, ms))
        })
        .await?;
    // The child's municipality is chosen, never assumed (a child living
    // elsewhere goes to another service).
    let form = form.unwrap_or_else(|| FormState::with_values([("enhet", first_unit.to_string())]));
    Ok(NewPage {
        layout: Layout::signed_in(user, m.report_new_title),
        units: reporting
            .iter()
            .map(|(u, _)| Choice {
                value: u.to_string(),
                label: names
                    .iter()
                    .find(|(id, _)| id == u)
                    .map(|(_, n)| n.clone())
                    .unwrap_or_default(),
            })
            .collect(),
        municipalities: municipalities
            .into_iter()
            .map(|(id, n)| Choice {
                value: id.to_string(),
                label: n,
            })
            .collect(),
        form: form.fields(&[
            ("enhet", m.report_reporting_unit),
            ("kommune", m.report_child_municipality),
        ]),
    })
}

/// GET `/bekymringsmeldinger/ny`: a report for a child without a log —
/// choose the unit you report from (when several) and the child's
/// municipality.
pub async fn new_form(State(state): State<AppState>, user: SignedIn) -> Result<Response, AppError> {
    page(&new_page(&state, &user, None).await?)
}

/// POST `/bekymringsmeldinger/ny`: creates the draft, then its form.
pub async fn create_new(
    State(state): State<AppState>,
    user: SignedIn,
    body: String,
) -> Result<Response, AppError> {
    let pairs = forms::pairs(&body);
    let m = user.m;
    let unit = forms::get(&pairs, "enhet").parse::<UnitId>().ok();
    let author = unit.and_then(|u| user.actor.report_author(u).ok());
    let Some(author) = author else {
        let mut form = FormState::with_values(forms::redisplayable(&pairs));
        form.add_error("enhet", m.problem_unknown_choice);
        return invalid(&new_page(&state, &user, Some(form)).await?);
    };
    let chosen = forms::get(&pairs, "kommune").parse::<MunicipalityId>().ok();
    let a2 = author.clone();
    let choices = state
        .db
        .read(move |c| draft::municipality_choices(c, &a2))
        .await?;
    let Some(municipality) = chosen.filter(|c| choices.iter().any(|(id, _)| id == c)) else {
        let mut form = FormState::with_values(forms::redisplayable(&pairs));
        let problem = if forms::get(&pairs, "kommune").trim().is_empty() {
            m.report_choose_municipality
        } else {
            m.problem_unknown_choice
        };
        form.add_error("kommune", problem);
        return invalid(&new_page(&state, &user, Some(form)).await?);
    };
    let rid = user.ctx.request_id.clone();
    let id = state
        .db
        .write(move |c| draft::create_for_child(c, &author, municipality, &rid))
        .await?;
    Ok(Redirect::to(&format!("/bekymringsmeldinger/{id}/endre")).into_response())
}

/// One line of the read-only report on the co-sign page.
pub struct Line {
    pub label: &'static str,
    pub value: String,
}

#[derive(Template)]
#[template(path = "reports/form_cosign.html")]
struct CosignPage {
    layout: Layout,
    report: String,
    lines: Vec<Line>,
    form: FormState,
    no_child_welfare: bool,
}

/// The message as it will be sent, every field (the review step and the
/// co-sign page show the same).
fn lines(m: &Messages, f: &ReportForm) -> Vec<Line> {
    let informed = |v: &str, reason: &str| match v {
        "ja" => m.report_informed_yes.to_owned(),
        "nei" => format!("{} – {reason}", m.report_informed_no),
        _ => String::new(),
    };
    let join = |parts: &[&str]| {
        parts
            .iter()
            .map(|p| p.trim())
            .filter(|p| !p.is_empty())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let line = |label: &'static str, value: String| Line { label, value };
    let district = if f.bydelsnavn.is_empty() {
        f.bydelsnummer.clone()
    } else {
        format!("{} {}", f.bydelsnummer, f.bydelsnavn)
    };
    let mut l = vec![
        line(
            m.report_municipality,
            format!("{} {}", f.kommunenummer, f.kommunenavn),
        ),
        line(m.report_district, district),
        line(m.report_reporter, f.melder_navn.clone()),
        line(m.report_reporter_role, f.melder_rolle.clone()),
        line(m.report_reporter_phone, f.melder_telefon.clone()),
        line(m.report_reporter_email, f.melder_epost.clone()),
        line(m.report_unit_name, f.virksomhet_navn.clone()),
        line(m.report_unit_orgnr, f.virksomhet_orgnr.clone()),
        line(
            m.report_unit_address,
            join(&[
                &f.virksomhet_adresse,
                &format!("{} {}", f.virksomhet_postnummer, f.virksomhet_poststed),
            ]),
        ),
        line(m.report_child_name, f.barn_navn.clone()),
    ];
    if f.barn_ufoedt {
        l.push(line(
            m.report_child_unborn,
            m.report_informed_yes.to_owned(),
        ));
    } else {
        l.push(line(m.report_child_national_id, f.barn_fnr.clone()));
    }
    l.extend([
        line(m.report_child_phone, f.barn_telefon.clone()),
        line(
            m.report_child_address,
            join(&[
                &f.barn_adresse,
                &format!("{} {}", f.barn_postnummer, f.barn_poststed),
            ]),
        ),
        line(
            m.report_child_informed,
            informed(&f.barn_orientert, &f.barn_grunn),
        ),
    ]);
    for g in f.foresatte.iter().filter(|g| !g.is_blank()) {
        l.push(line(
            m.report_guardian_name,
            format!(
                "{} ({})",
                join(&[&g.navn, &g.telefon]),
                informed(&g.orientert, &g.grunn)
            ),
        ));
    }
    l.extend([
        line(m.report_concern, f.melding.clone()),
        line(m.report_history, f.historie.clone()),
        line(m.report_other_views, f.andre_synspunkter.clone()),
        line(m.report_interpreter, f.tolk.clone()),
        line(m.report_other_services, f.andre_hjelpeinstanser.clone()),
    ]);
    l
}

async fn cosign_page(
    state: &AppState,
    user: &SignedIn,
    r: &ReportReader,
    form: FormState,
    no_child_welfare: bool,
) -> Result<CosignPage, AppError> {
    let d = read_draft(state, user, r).await?;
    Ok(CosignPage {
        layout: Layout::signed_in(user, user.m.report_cosign_title),
        report: d.id.to_string(),
        lines: lines(user.m, &d.form),
        form,
        no_child_welfare,
    })
}

/// GET `/bekymringsmeldinger/{report}/medsigner`: the leader reads the
/// report and co-signs or sends it back.
pub async fn cosign_form(
    State(state): State<AppState>,
    user: SignedIn,
    Path(raw): Path<String>,
) -> Result<Response, AppError> {
    let r = open(&state, &user, &raw).await?;
    if r.cosigner().is_err() {
        // Co-signed and sent (or back with its author): to the report.
        return Ok(
            Redirect::to(&format!("/bekymringsmeldinger/{}", r.report_id())).into_response(),
        );
    }
    page(&cosign_page(&state, &user, &r, FormState::default(), false).await?)
}

/// POST `/bekymringsmeldinger/{report}/medsigner`: co-signs and sends.
pub async fn cosign(
    State(state): State<AppState>,
    user: SignedIn,
    Path(raw): Path<String>,
) -> Result<Response, AppError> {
    let r = open(&state, &user, &raw).await?;
    let c = r.cosigner()?;
    let rid = user.ctx.request_id.clone();
    let outcome = state
        .db
        .write(move |conn| draft::cosign(conn, &c, &rid))
        .await?;
    match outcome {
        Ok(()) => {
            Ok(Redirect::to(&format!("/bekymringsmeldinger/{}", r.report_id())).into_response())
        }
        Err(Refused::NoChildWelfare) => {
            invalid(&cosign_page(&state, &user, &r, FormState::default(), true).await?)
        }
        Err(Refused::Invalid(_)) => {
            let mut form = FormState::default();
            form.add_error("merknad", user.m.report_cosign_invalid);
            invalid(&cosign_page(&state, &user, &r, form, false).await?)
        }
    }
}

/// POST `/bekymringsmeldinger/{report}/returner`: back to its author as a
/// draft, with a note.
pub async fn send_back(
    State(state): State<AppState>,
    user: SignedIn,
    Path(raw): Path<String>,
    body: String,
) -> Result<Response, AppError> {
    let r = open(&state, &user, &raw).await?;
    let c = r.cosigner()?;
    let pairs = forms::pairs(&body);
    let note = forms::get(&pairs, "merknad").trim().to_owned();
    if note.is_empty() || note.chars().count() > 2000 {
        let mut form = FormState::with_values(forms::redisplayable(&pairs));
        let problem = if note.is_empty() {
            laget_domain::validation::Problem::Required
        } else {
            laget_domain::validation::Problem::TooLong { max: 2000 }
        };
        form = form.with_problems(
            user.m,
            vec![FieldError {
                field: "merknad",
                problem,
            }],
        );
        return invalid(&cosign_page(&state, &user, &r, form, false).await?);
    }
    let rid = user.ctx.request_id.clone();
    state
        .db
        .write(move |conn| draft::send_back(conn, &c, &note, &rid))
        .await?;
    Ok(Redirect::to(&format!("/bekymringsmeldinger/{}", r.report_id())).into_response())
}

#[derive(Template)]
#[template(path = "reports/form_settings.html")]
struct SettingsPage {
    layout: Layout,
    municipality: String,
    rules: Vec<Choice>,
    form: FormState,
}

fn settings_page(user: &SignedIn, municipality: String, form: FormState) -> SettingsPage {
    let m = user.m;
    let rule = |r: CosignRule, label: &str| Choice {
        value: r.code().into(),
        label: label.into(),
    };
    SettingsPage {
        layout: Layout::signed_in(user, m.report_settings_title),
        municipality,
        rules: vec![
            rule(CosignRule::None, m.report_cosign_none),
            rule(CosignRule::Optional, m.report_cosign_optional),
            rule(CosignRule::Required, m.report_cosign_paakrevd),
        ],
        form: form.fields(&[
            ("medsignering", m.report_settings_cosign),
            ("bydeler", m.report_settings_districts),
        ]),
    }
}

/// GET `/kommuner/{m}/bekymringsmeldinger/innstillinger`: whether the unit
/// leader co-signs reports, and the municipality's districts (its
/// administrator).
pub async fn settings_form(
    State(state): State<AppState>,
    user: SignedIn,
    Path(m): Path<String>,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, AppError> {
    let cap = crate::extract::path::municipality_admin(&user, &m)?;
    let mid = cap.municipality_id().to_string();
    let s = state.db.read(move |c| draft::settings(c, &cap)).await?;
    let districts: Vec<String> = s
        .districts
        .iter()
        .map(|(n, x)| format!("{n} {x}"))
        .collect();
    let form = FormState::with_values([
        ("medsignering", s.cosign.code().to_owned()),
        ("bydeler", districts.join("\n")),
    ]);
    let mut p = settings_page(&user, mid, form);
    if q.melding.as_deref() == Some("lagret") {
        p.layout = p.layout.with_notice(Some(user.m.report_settings_saved));
    }
    page(&p)
}

/// POST `/kommuner/{m}/bekymringsmeldinger/innstillinger`.
pub async fn save_settings(
    State(state): State<AppState>,
    user: SignedIn,
    Path(m): Path<String>,
    body: String,
) -> Result<Response, AppError> {
    let cap = crate::extract::path::municipality_admin(&user, &m)?;
    let mid = cap.municipality_id();
    let pairs = forms::pairs(&body);
    let mut problems = laget_domain::validation::Problems::new();
    let cosign = problems.check(
        "medsignering",
        CosignRule::from_code(forms::get(&pairs, "medsignering"))
            .ok_or(laget_domain::validation::Problem::UnknownChoice),
    );
    let districts = problems.check(
        "bydeler",
        laget_domain::reports::form::parse_districts(forms::get(&pairs, "bydeler")),
    );
    let (Some(cosign), Some(districts)) = (cosign, districts) else {
        let form = FormState::with_values(forms::redisplayable(&pairs))
            .with_problems(user.m, problems.into_vec());
        return invalid(&settings_page(&user, mid.to_string(), form));
    };
    let rid = user.ctx.request_id.clone();
    let s = draft::ReportSettings { cosign, districts };
    state
        .db
        .write(move |c| draft::save_settings(c, &cap, &s, &rid))
        .await?;
    Ok(Redirect::to(&format!(
        "/kommuner/{mid}/bekymringsmeldinger/innstillinger?melding=lagret"
    ))
    .into_response())
}
