//! Anonymous consultations (anonym drøfting): staff discuss a case without
//! naming the child, before consent exists, and may later link the
//! consultation to the child's log.
//!
//! - The text is checked for what looks identifying
//!   (`laget_domain::anonymity`): the first submit with such text comes back
//!   (422) with a warning beside the field and a checkbox «Jeg har sjekket at
//!   teksten ikke identifiserer barnet»; ticked, it is saved.
//! - The unit's open consultations are seen by the whole unit (the point is
//!   shared advice; they name no child), each with its writer. Only the
//!   writer corrects or withdraws one; both are kept as history.
//! - Linking names each child with its birth date and asks for confirmation,
//!   saying who will see it; the log must be shared under the municipality's
//!   consent rule (`consent::any_unit_coverage`), and a refusal names the
//!   guardians whose consent is missing. A linked consultation leaves the
//!   open list and is shown in the log; the lead undoes a wrong link.

use crate::AppState;
use crate::error::AppError;
use crate::extract::form::{self as forms, FormState};
use crate::extract::log::{closed_notice, open, open_whole, record_read};
use crate::extract::path::path_id;
use crate::extract::user::SignedIn;
use crate::i18n::Messages;
use crate::view::choices::Choice;
use crate::view::format::band_label;
use crate::view::format::today;
use crate::view::format::{date, time};
use crate::view::layout::Layout;
use crate::view::{invalid, page};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use laget_db::casework::{self, ConsultationAction, LinkTarget, NewConsultation};
use laget_db::log as logs;
use laget_domain::UnitId;
use laget_domain::access::{LogReader, UnitCasework, WriteRefused};
use laget_domain::casework::anonymity::{self, Identifying};
use laget_domain::children::AGE_BANDS;
use laget_domain::ids::{ConsultationId, LogId};
use laget_domain::log::consent::{self, Coverage};
use laget_domain::validation::{Problem, Problems, parse_date, required_text};

/// «Testbarn Fikstursen (født 01.02.2021)»: a name alone does not tell two
/// children apart.
fn target_label(m: &Messages, t: &LinkTarget) -> String {
    if t.unborn {
        format!(
            "{} ({} {})",
            t.child_name,
            m.consultation_due,
            date(t.birth_date)
        )
    } else {
        format!(
            "{} ({} {})",
            t.child_name,
            m.consultation_born,
            date(t.birth_date)
        )
    }
}

fn casework_for(user: &SignedIn, raw: &str) -> Result<UnitCasework, AppError> {
    if raw.is_empty() {
        let units = user.actor.casework_units();
        let (u, _) = units.first().ok_or(AppError::NotFound)?;
        return Ok(user.actor.casework(*u)?);
    }
    Ok(user.actor.casework(path_id(raw)?)?)
}

/// The form's fields, in the order shown, with their labels.
fn fields(m: &Messages) -> [(&'static str, &'static str); 6] {
    [
        ("alder", m.consultation_age_band),
        ("dato", m.consultation_date),
        ("sammendrag", m.consultation_summary),
        ("rad", m.consultation_advice),
        ("drofta_med", m.consultation_advisers),
        ("sjekket", m.consultation_checked),
    ]
}

fn bands(m: &Messages) -> Vec<Choice> {
    AGE_BANDS
        .iter()
        .map(|b| Choice {
            value: (*b).into(),
            label: band_label(m, b),
        })
        .collect()
}

/// A consultation form read: the consultation, or the form to show again
/// (with problems, or with warnings about identifying text and the
/// checkbox to save anyway).
enum Parsed {
    Ok(NewConsultation),
    Again { form: FormState, warned: bool },
}

/// The warning for one field: what was found, quoted, and what to do.
fn warning(m: &Messages, found: &[anonymity::Finding]) -> String {
    let what: Vec<String> = found
        .iter()
        .map(|f| {
            let kind = match f.kind {
                Identifying::NationalId => m.consultation_identifying_national_id,
                Identifying::PhoneNumber => m.consultation_identifying_phone,
                Identifying::FullName => m.consultation_identifying_name,
            };
            format!("{kind} («{}»)", f.text)
        })
        .collect();
    format!(
        "{} {}. {}",
        m.consultation_identifying_lead,
        what.join(", "),
        m.consultation_identifying_end
    )
}

fn parse(m: &Messages, pairs: &[(String, String)]) -> Parsed {
    let mut p = Problems::new();
    let band = forms::get(pairs, "alder");
    if !AGE_BANDS.contains(&band) {
        p.push("alder", Problem::Required);
    }
    let held_on = match parse_date(forms::get(pairs, "dato")) {
        Ok(Some(d)) if d <= today() => Some(d),
        Ok(Some(_)) => {
            p.push("dato", Problem::DateInFuture);
            None
        }
        Ok(None) => {
            p.push("dato", Problem::Required);
            None
        }
        Err(e) => {
            p.push("dato", e);
            None
        }
    };
    let summary = p.check(
        "sammendrag",
        required_text(forms::get(pairs, "sammendrag"), 8000),
    );
    let advice = p.check("rad", required_text(forms::get(pairs, "rad"), 8000));
    let advisers = p.check(
        "drofta_med",
        required_text(forms::get(pairs, "drofta_med"), 500),
    );
    let checked = forms::get(pairs, "sjekket") == "ja";
    let mut form =
        FormState::with_values(forms::redisplayable(pairs)).with_problems(m, p.into_vec());
    // Identifying text is warned about, field by field, unless the writer
    // has checked it.
    let mut warned = false;
    for field in ["sammendrag", "rad"] {
        let found = anonymity::findings(forms::get(pairs, field));
        if !found.is_empty() {
            warned = true;
            if !checked && form.error(field).is_none() {
                form.add_error(field, &warning(m, &found));
            }
        }
    }
    match (held_on, summary, advice, advisers) {
        (Some(held_on), Some(summary), Some(advice), Some(advisers)) if !form.has_errors() => {
            Parsed::Ok(NewConsultation {
                age_band: band.to_owned(),
                summary,
                advice,
                advisers,
                held_on,
            })
        }
        _ => Parsed::Again {
            form: form.fields(&fields(m)),
            warned,
        },
    }
}

// ---------------------------------------------------------------------------
// The list and a new consultation

pub struct ConsultationRow {
    pub id: String,
    pub held_on: String,
    pub age_band: String,
    pub summary: String,
    pub advice: String,
    pub advisers: String,
    pub by: String,
    pub corrected: Option<String>,
    /// The writer may correct or withdraw it.
    pub own: bool,
    /// Linking failed: the log chosen and what is missing, beside the field.
    pub link_error: Option<(String, String)>,
}

#[derive(Template)]
#[template(path = "log/consultations.html")]
struct ConsultationsPage {
    layout: Layout,
    unit: String,
    units: Vec<Choice>,
    bands: Vec<Choice>,
    rows: Vec<ConsultationRow>,
    logs: Vec<Choice>,
    form: FormState,
    /// The checkbox to save anyway, shown once a warning was given.
    show_check: bool,
    convert_error: Option<String>,
}

#[derive(serde::Deserialize, Default)]
pub struct UnitQuery {
    #[serde(default)]
    enhet: Option<String>,
    #[serde(default)]
    melding: Option<String>,
}

/// Why linking failed, for the row of that consultation.
struct LinkError {
    consultation: ConsultationId,
    log: String,
    message: String,
}

async fn consultations_page(
    state: &AppState,
    user: &SignedIn,
    cap: &UnitCasework,
    form: FormState,
    show_check: bool,
    link_error: Option<LinkError>,
) -> Result<ConsultationsPage, AppError> {
    let cap2 = cap.clone();
    let rid = user.ctx.request_id.clone();
    let (rows, open) = state
        .db
        .write(move |c| {
            Ok((
                casework::consultations(c, &cap2)?,
                casework::open_logs_of_unit(c, &cap2, &rid)?,
            ))
        })
        .await?;
    let ids: Vec<UnitId> = user
        .actor
        .casework_units()
        .into_iter()
        .map(|(u, _)| u)
        .collect();
    let units = state
        .db
        .read(move |c| laget_db::admin::units::get_many(c, &ids))
        .await?;
    let me = user.actor.user_id();
    Ok(ConsultationsPage {
        layout: Layout::signed_in(user, user.m.consultations_title),
        unit: cap.unit_id().to_string(),
        units: units
            .into_iter()
            .map(|u| Choice {
                value: u.id.to_string(),
                label: u.name,
            })
            .collect(),
        bands: bands(user.m),
        convert_error: link_error.as_ref().map(|e| e.message.clone()),
        rows: rows
            .into_iter()
            .map(|c| ConsultationRow {
                link_error: link_error
                    .as_ref()
                    .filter(|e| e.consultation == c.id)
                    .map(|e| (e.log.clone(), e.message.clone())),
                id: c.id.to_string(),
                held_on: date(c.held_on),
                age_band: band_label(user.m, &c.age_band),
                summary: c.summary,
                advice: c.advice,
                advisers: c.advisers,
                by: c.created_by.unwrap_or_default(),
                corrected: c.corrected_at.map(|t| date(t.date_naive())),
                own: c.created_by_id == Some(me),
            })
            .collect(),
        logs: open
            .iter()
            .map(|t| Choice {
                value: t.log_id.to_string(),
                label: target_label(user.m, t),
            })
            .collect(),
        form,
        show_check,
    })
}

pub async fn consultations(
    State(state): State<AppState>,
    user: SignedIn,
    Query(q): Query<UnitQuery>,
) -> Result<Response, AppError> {
    let cap = casework_for(&user, q.enhet.as_deref().unwrap_or(""))?;
    let form = FormState::with_values([("dato", date(today()))]).fields(&fields(user.m));
    let mut p = consultations_page(&state, &user, &cap, form, false, None).await?;
    p.layout = p.layout.with_notice(match q.melding.as_deref() {
        Some("lagret") => Some(user.m.consultation_saved),
        Some("rettet") => Some(user.m.consultation_corrected_notice),
        Some("trukket") => Some(user.m.consultation_withdrawn_notice),
        _ => None,
    });
    page(&p)
}

pub async fn add_consultation(
    State(state): State<AppState>,
    user: SignedIn,
    body: String,
) -> Result<Response, AppError> {
    let pairs = forms::pairs(&body);
    let cap = casework_for(&user, forms::get(&pairs, "enhet"))?;
    let c = match parse(user.m, &pairs) {
        Parsed::Ok(c) => c,
        Parsed::Again { form, warned } => {
            return invalid(&consultations_page(&state, &user, &cap, form, warned, None).await?);
        }
    };
    let rid = user.ctx.request_id.clone();
    let unit = cap.unit_id();
    state
        .db
        .write(move |conn| casework::add_consultation(conn, &cap, &c, &rid))
        .await?;
    Ok(Redirect::to(&format!("/drofting?enhet={unit}&melding=lagret")).into_response())
}

// ---------------------------------------------------------------------------
// Correcting and withdrawing (the writer)

#[derive(Template)]
#[template(path = "log/consultation_edit.html")]
struct EditPage {
    layout: Layout,
    id: String,
    unit: String,
    bands: Vec<Choice>,
    form: FormState,
    show_check: bool,
}

fn edit_page(
    user: &SignedIn,
    id: ConsultationId,
    unit: UnitId,
    form: FormState,
    show_check: bool,
) -> EditPage {
    EditPage {
        layout: Layout::signed_in(user, user.m.consultation_edit_title),
        id: id.to_string(),
        unit: unit.to_string(),
        bands: bands(user.m),
        form,
        show_check,
    }
}

/// The writer's own consultation, still open, in one of their units.
async fn own(
    state: &AppState,
    user: &SignedIn,
    raw: &str,
    unit: &str,
) -> Result<(UnitCasework, casework::Consultation), AppError> {
    let id: ConsultationId = path_id(raw)?;
    // The unit named, or else each of the user's units in turn.
    let caps: Vec<UnitCasework> = if unit.is_empty() {
        user.actor
            .casework_units()
            .into_iter()
            .filter_map(|(u, _)| user.actor.casework(u).ok())
            .collect()
    } else {
        vec![casework_for(user, unit)?]
    };
    for cap in caps {
        let cap2 = cap.clone();
        let found = state
            .db
            .read(
                move |c| match casework::own_open_consultation(c, &cap2, id) {
                    Ok(x) => Ok(Some(x)),
                    Err(laget_db::DbError::NotFound) => Ok(None),
                    Err(e) => Err(e),
                },
            )
            .await?;
        if let Some(c) = found {
            return Ok((cap, c));
        }
    }
    Err(AppError::NotFound)
}

#[derive(serde::Deserialize, Default)]
pub struct EditQuery {
    #[serde(default)]
    enhet: Option<String>,
}

pub async fn edit_form(
    State(state): State<AppState>,
    user: SignedIn,
    Path(k): Path<String>,
    Query(q): Query<EditQuery>,
) -> Result<Response, AppError> {
    let (cap, c) = own(&state, &user, &k, q.enhet.as_deref().unwrap_or("")).await?;
    let form = FormState::with_values([
        ("alder".to_owned(), c.age_band.clone()),
        ("dato".to_owned(), date(c.held_on)),
        ("sammendrag".to_owned(), c.summary.clone()),
        ("rad".to_owned(), c.advice.clone()),
        ("drofta_med".to_owned(), c.advisers.clone()),
    ])
    .fields(&fields(user.m));
    page(&edit_page(&user, c.id, cap.unit_id(), form, false))
}

pub async fn correct(
    State(state): State<AppState>,
    user: SignedIn,
    Path(k): Path<String>,
    body: String,
) -> Result<Response, AppError> {
    let pairs = forms::pairs(&body);
    let (cap, c) = own(&state, &user, &k, forms::get(&pairs, "enhet")).await?;
    let fixed = match parse(user.m, &pairs) {
        Parsed::Ok(x) => x,
        Parsed::Again { form, warned } => {
            return invalid(&edit_page(&user, c.id, cap.unit_id(), form, warned));
        }
    };
    let rid = user.ctx.request_id.clone();
    let unit = cap.unit_id();
    let id = c.id;
    state
        .db
        .write(move |conn| casework::correct_consultation(conn, &cap, id, &fixed, &rid))
        .await?;
    Ok(Redirect::to(&format!("/drofting?enhet={unit}&melding=rettet")).into_response())
}

pub async fn withdraw(
    State(state): State<AppState>,
    user: SignedIn,
    Path(k): Path<String>,
    body: String,
) -> Result<Response, AppError> {
    let pairs = forms::pairs(&body);
    let (cap, c) = own(&state, &user, &k, forms::get(&pairs, "enhet")).await?;
    let rid = user.ctx.request_id.clone();
    let unit = cap.unit_id();
    let id = c.id;
    state
        .db
        .write(move |conn| casework::withdraw_consultation(conn, &cap, id, &rid))
        .await?;
    Ok(Redirect::to(&format!("/drofting?enhet={unit}&melding=trukket")).into_response())
}

// ---------------------------------------------------------------------------
// Linking to a child's log

#[derive(Template)]
#[template(path = "log/consultation_link.html")]
struct LinkPage {
    layout: Layout,
    id: String,
    unit: String,
    log: String,
    child: String,
    held_on: String,
    age_band: String,
    summary: String,
    /// The units whose staff will see it in the log.
    units: Vec<String>,
}

/// Links a consultation to a named child's open log kept by its unit: the
/// first submit shows the child (name and birth date) and who will see it
/// and asks; the second (`bekreft=ja`) links. The log must be shared under
/// the municipality's consent rule; otherwise the list comes back with what
/// is missing beside the field.
pub async fn convert_consultation(
    State(state): State<AppState>,
    user: SignedIn,
    Path(k): Path<String>,
    body: String,
) -> Result<Response, AppError> {
    let pairs = forms::pairs(&body);
    let cap = casework_for(&user, forms::get(&pairs, "enhet"))?;
    let id: ConsultationId = path_id(&k)?;
    let cap2 = cap.clone();
    let c = state
        .db
        .read(move |conn| casework::consultation(conn, &cap2, id))
        .await?;
    if c.withdrawn {
        return Err(AppError::NotFound);
    }
    let raw_log = forms::get(&pairs, "logg");
    let Ok(log) = raw_log.parse::<LogId>() else {
        let form = FormState::with_values([("dato", date(today()))]).fields(&fields(user.m));
        let error = LinkError {
            consultation: id,
            log: String::new(),
            message: user.m.consultation_choose_log.into(),
        };
        return invalid(&consultations_page(&state, &user, &cap, form, false, Some(error)).await?);
    };
    let reader = open(&state, &user, &log.to_string()).await?;
    let w = reader.writer().map_err(|_| AppError::NotFound)?;
    let today = today();
    let r = reader.clone();
    let facts = state.db.read(move |c| logs::facts_of(c, &r, today)).await?;
    let refusal = match consent::any_unit_coverage(&facts.consent, facts.consent_rule, today) {
        Coverage::Covered(_) => None,
        Coverage::MissingGuardians(missing) => {
            let names = state
                .db
                .read({
                    let r = reader.clone();
                    move |c| logs::guardian_names(c, &r, &missing)
                })
                .await?;
            Some(format!(
                "{}: {} {}.",
                user.m.consultation_needs_rule,
                user.m.consent_missing_from,
                names.join(", ")
            ))
        }
        Coverage::NotCovered => Some(user.m.consultation_needs_consent.to_owned()),
    };
    if let Some(message) = refusal {
        // The message is about the child's log (and may name guardians).
        record_read(&state, &user, &reader).await?;
        let form = FormState::with_values([("dato", date(today))]).fields(&fields(user.m));
        let error = LinkError {
            consultation: id,
            log: log.to_string(),
            message,
        };
        return invalid(&consultations_page(&state, &user, &cap, form, false, Some(error)).await?);
    }
    if forms::get(&pairs, "bekreft") != "ja" {
        let cap2 = cap.clone();
        let target = state
            .db
            .read(move |conn| casework::link_target(conn, &cap2, log))
            .await?;
        let mut unit_ids = consent::covered_units(&facts.consent, facts.consent_rule, today);
        unit_ids.retain(|u| *u != reader.home_unit());
        unit_ids.insert(0, reader.home_unit());
        let units = state
            .db
            .read(move |c| laget_db::admin::units::get_many(c, &unit_ids))
            .await?;
        record_read(&state, &user, &reader).await?;
        return page(&LinkPage {
            layout: Layout::signed_in(&user, user.m.consultation_link_title),
            id: id.to_string(),
            unit: cap.unit_id().to_string(),
            log: log.to_string(),
            child: target_label(user.m, &target),
            held_on: date(c.held_on),
            age_band: band_label(user.m, &c.age_band),
            summary: c.summary,
            units: units.into_iter().map(|u| u.name).collect(),
        });
    }
    let rid = user.ctx.request_id.clone();
    state
        .db
        .write(move |c| casework::convert_consultation(c, &cap, id, &w, &rid))
        .await?;
    Ok(Redirect::to(&format!("/logger/{log}?melding=lagret")).into_response())
}

// ---------------------------------------------------------------------------
// A linked consultation, on its log

#[derive(Template)]
#[template(path = "log/consultation_linked.html")]
struct LinkedPage {
    layout: Layout,
    log: String,
    id: String,
    held_on: String,
    age_band: String,
    summary: String,
    advice: String,
    advisers: String,
    by: String,
    history: Vec<String>,
    may_unlink: bool,
    form: FormState,
}

async fn linked_page(
    state: &AppState,
    user: &SignedIn,
    reader: &LogReader,
    id: ConsultationId,
    form: FormState,
) -> Result<LinkedPage, AppError> {
    let r = reader.clone();
    let (c, events) = state
        .db
        .read(move |conn| casework::linked_consultation(conn, &r, id))
        .await?;
    record_read(state, user, reader).await?;
    let log = reader.log_id();
    let field_label = |code: &str| {
        fields(user.m)
            .iter()
            .find(|(f, _)| *f == code)
            .map(|(_, l)| (*l).to_owned())
            .unwrap_or_else(|| code.to_owned())
    };
    let mut history = vec![format!(
        "{} {}",
        user.m.consultation_written_by,
        c.created_by.clone().unwrap_or_default()
    )];
    for e in events {
        let who = e.actor.unwrap_or_default();
        let when = time(e.at);
        // Another log's link and its reason are that log's business.
        let here = e.log_id == Some(log);
        history.push(match e.action {
            ConsultationAction::Corrected => {
                let fields: Vec<String> = e
                    .detail
                    .unwrap_or_default()
                    .split(',')
                    .filter(|f| !f.is_empty())
                    .map(field_label)
                    .collect();
                format!(
                    "{when}: {} {who} ({})",
                    user.m.consultation_history_corrected,
                    fields.join(", ")
                )
            }
            ConsultationAction::Withdrawn => {
                format!("{when}: {} {who}", user.m.consultation_history_withdrawn)
            }
            ConsultationAction::Linked if here => {
                format!("{when}: {} {who}", user.m.consultation_history_linked)
            }
            ConsultationAction::Linked => {
                format!("{when}: {}", user.m.consultation_history_linked_elsewhere)
            }
            ConsultationAction::Unlinked if here => format!(
                "{when}: {} {who}: {}",
                user.m.consultation_history_unlinked,
                e.detail.unwrap_or_default()
            ),
            ConsultationAction::Unlinked => {
                format!("{when}: {}", user.m.consultation_history_unlinked_elsewhere)
            }
        });
    }
    Ok(LinkedPage {
        layout: Layout::signed_in(user, user.m.consultation_linked_title),
        log: log.to_string(),
        id: id.to_string(),
        held_on: date(c.held_on),
        age_band: band_label(user.m, &c.age_band),
        summary: c.summary,
        advice: c.advice,
        advisers: c.advisers,
        by: c.created_by.unwrap_or_default(),
        history,
        may_unlink: reader.as_lead().is_ok(),
        form: form.fields(&[("begrunnelse", user.m.consultation_unlink_reason)]),
    })
}

/// A consultation linked to the log, with its history; the lead (or the
/// keeping unit's leader) may undo the link here.
pub async fn linked(
    State(state): State<AppState>,
    user: SignedIn,
    Path((l, k)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let reader = open_whole(&state, &user, &l).await?;
    let id: ConsultationId = path_id(&k)?;
    page(&linked_page(&state, &user, &reader, id, FormState::default()).await?)
}

pub async fn unlink(
    State(state): State<AppState>,
    user: SignedIn,
    Path((l, k)): Path<(String, String)>,
    body: String,
) -> Result<Response, AppError> {
    let reader = open(&state, &user, &l).await?;
    let w = match reader.holder() {
        Ok(w) => w,
        Err(WriteRefused::Closed) => return Ok(closed_notice(reader.log_id())),
        Err(WriteRefused::Denied) => return Err(AppError::NotFound),
    };
    let id: ConsultationId = path_id(&k)?;
    let pairs = forms::pairs(&body);
    let mut p = Problems::new();
    let reason = p.check(
        "begrunnelse",
        required_text(forms::get(&pairs, "begrunnelse"), 4000),
    );
    let Some(reason) = reason else {
        let form = FormState::with_values(forms::redisplayable(&pairs))
            .with_problems(user.m, p.into_vec());
        return invalid(&linked_page(&state, &user, &reader, id, form).await?);
    };
    let rid = user.ctx.request_id.clone();
    let log = reader.log_id();
    state
        .db
        .write(move |c| casework::unlink_consultation(c, &w, id, &reason, &rid))
        .await?;
    Ok(Redirect::to(&format!("/logger/{log}?melding=lagret")).into_response())
}
