//! Editing the catalogue, for the tiltaksredaktør of the providing unit:
//! their offers, a new offer, changes (substantive ones to published offers
//! go to the coordinating unit), and each offer's version history.

use crate::AppState;
use crate::catalogue::proposals::{Comparison, comparison};
use crate::catalogue::public::{
    OfferCard, access_choices, area_choices, card, is_staff_for, level_choices, risk_choices,
};
use crate::error::AppError;
use crate::extract::form::{self as forms, FormState};
use crate::extract::path::path_id;
use crate::extract::user::SignedIn;
use crate::i18n::Messages;
use crate::view::choices::Choice;
use crate::view::format;
use crate::view::format::today;
use crate::view::layout::Layout;
use crate::view::notice::NoticeQuery;
use crate::view::{invalid, page};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Days;
use laget_db::catalogue::offers::{self, Offer, Proposal, SaveOutcome, Search, Visibility};
use laget_db::{admin::municipalities, admin::units};
use laget_domain::catalogue::{
    AccessRoute, EVIDENCE_LEVELS, LADDER_STEP_NAMES, OfferDraft, OfferFields, OfferFilter,
    OfferSort, OfferStatus, PROPOSAL_DAYS, PreventionLevel, ProposalStatus, RISK_FACTORS,
};
use laget_domain::ids::{OfferId, ProposalId};
use laget_domain::{MunicipalityId, UnitId};

/// Form fields in the order the form shows them, with their labels.
fn field_labels(m: &Messages) -> Vec<(&'static str, &'static str)> {
    vec![
        ("navn", m.field_name),
        ("tilbyder", m.catalogue_provider),
        ("beskrivelse", m.offer_description),
        ("niva", m.catalogue_level),
        ("alder_fra", m.field_age_from),
        ("alder_til", m.field_age_to),
        ("utfordringer", m.offer_areas),
        ("risiko", m.offer_risks),
        ("tilgang", m.catalogue_access),
        ("tilgang_krav", m.field_access_requirements),
        ("kontakt_person", m.offer_contact_person),
        ("kontakt_telefon", m.offer_phone),
        ("kontakt_epost", m.offer_email),
        ("kontakt_adresse", m.offer_address),
        ("kapasitet", m.offer_capacity),
        ("ventetid", m.offer_waiting),
        ("evidens", m.offer_evidence_level),
        ("evidens_lenke", m.field_evidence_link),
        ("kostnad", m.offer_cost),
        ("sprak", m.field_languages),
        ("status", m.offer_status),
        ("gyldig_fra", m.field_valid_from),
        ("gyldig_til", m.field_valid_to),
        ("trinn", m.field_ladder_step),
        ("neste", m.field_next_steps),
    ]
}

/// The form's values for an existing offer.
fn values_of(fields: &OfferFields, next: &[OfferId]) -> Vec<(String, String)> {
    let d = OfferDraft::from(fields);
    let mut v: Vec<(String, String)> = vec![
        ("navn".into(), d.name),
        ("tilbyder".into(), d.provider_unit),
        ("beskrivelse".into(), d.description),
        ("niva".into(), d.level),
        ("alder_fra".into(), d.age_from),
        ("alder_til".into(), d.age_to),
        ("tilgang".into(), d.access),
        ("tilgang_krav".into(), d.access_requirements),
        ("kontakt_person".into(), d.contact_person),
        ("kontakt_telefon".into(), d.contact_phone),
        ("kontakt_epost".into(), d.contact_email),
        ("kontakt_adresse".into(), d.contact_address),
        ("kapasitet".into(), d.capacity),
        ("ventetid".into(), d.waiting_weeks),
        ("evidens".into(), d.evidence_level),
        ("evidens_lenke".into(), d.evidence_link),
        ("kostnad".into(), d.cost),
        ("sprak".into(), d.languages.join(", ")),
        ("status".into(), d.status),
        ("gyldig_fra".into(), d.valid_from),
        ("gyldig_til".into(), d.valid_to),
        ("trinn".into(), d.ladder_step),
    ];
    if d.pregnant {
        v.push(("gravide".into(), "ja".into()));
    }
    if d.evidence_local {
        v.push(("evidens_lokal".into(), "ja".into()));
    }
    v.extend(
        d.challenge_areas
            .into_iter()
            .map(|a| ("utfordringer".into(), a)),
    );
    v.extend(d.risk_factors.into_iter().map(|r| ("risiko".into(), r)));
    v.extend(next.iter().map(|n| ("neste".into(), n.to_string())));
    v
}

/// The draft a submitted form describes.
fn draft_of(pairs: &[(String, String)]) -> OfferDraft {
    let get = |k: &str| forms::get(pairs, k).to_owned();
    let all = |k: &str| {
        forms::get_all(pairs, k)
            .into_iter()
            .map(str::to_owned)
            .collect::<Vec<_>>()
    };
    OfferDraft {
        name: get("navn"),
        provider_unit: get("tilbyder"),
        description: get("beskrivelse").replace("\r\n", "\n"),
        level: get("niva"),
        age_from: get("alder_fra"),
        age_to: get("alder_til"),
        pregnant: get("gravide") == "ja",
        challenge_areas: all("utfordringer"),
        risk_factors: all("risiko"),
        access: get("tilgang"),
        access_requirements: get("tilgang_krav"),
        contact_person: get("kontakt_person"),
        contact_phone: get("kontakt_telefon"),
        contact_email: get("kontakt_epost"),
        contact_address: get("kontakt_adresse"),
        capacity: get("kapasitet"),
        waiting_weeks: get("ventetid"),
        evidence_level: get("evidens"),
        evidence_local: get("evidens_lokal") == "ja",
        evidence_link: get("evidens_lenke"),
        cost: get("kostnad"),
        languages: get("sprak")
            .split(',')
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
            .collect(),
        status: get("status"),
        valid_from: get("gyldig_fra"),
        valid_to: get("gyldig_til"),
        ladder_step: get("trinn"),
    }
}

pub struct EditorChoices {
    pub providers: Vec<Choice>,
    pub levels: Vec<Choice>,
    pub areas: Vec<Choice>,
    pub risks: Vec<Choice>,
    pub accesses: Vec<Choice>,
    pub evidence: Vec<Choice>,
    pub statuses: Vec<Choice>,
    pub steps: Vec<Choice>,
    pub next: Vec<Choice>,
}

/// A proposal waiting for the coordinating unit, as the edit form shows it.
pub struct WaitingPanel {
    /// «Foreslått 01.12.2026 av … Frist …».
    pub meta: String,
    /// The parts it changes: now and proposed.
    pub rows: Vec<Comparison>,
    pub withdraw_action: String,
    pub proposal_id: String,
}

#[derive(Template)]
#[template(path = "catalogue/edit.html")]
struct EditPage {
    layout: Layout,
    heading: &'static str,
    action: String,
    /// The saved offer (link, name), when editing one.
    offer_link: Option<(String, String)>,
    /// The change waiting for the coordinating unit, if any.
    waiting: Option<WaitingPanel>,
    form: FormState,
    choices: EditorChoices,
}

fn waiting_panel(msgs: &Messages, p: &Proposal) -> WaitingPanel {
    WaitingPanel {
        meta: msgs
            .editor_waiting_meta
            .replace("{dato}", &format::date(format::oslo_day(p.proposed_at)))
            .replace(
                "{navn}",
                p.proposed_by.as_deref().unwrap_or(msgs.access_log_operator),
            )
            .replace("{frist}", &format::date(p.due_date)),
        rows: comparison(msgs, &p.offer.fields, &p.fields, true),
        withdraw_action: format!("/tiltak/{}/trekk-forslag", p.offer.id),
        proposal_id: p.id.to_string(),
    }
}

/// The municipality in which the user edits `unit`'s offers.
fn municipality_of(user: &SignedIn, unit: UnitId) -> Option<MunicipalityId> {
    user.actor
        .edit_offers_of(unit)
        .ok()
        .map(|e| e.municipality_id())
}

async fn edit_page(
    state: &AppState,
    user: &SignedIn,
    m: MunicipalityId,
    current: Option<&Offer>,
    form: FormState,
) -> Result<EditPage, AppError> {
    let editable = user.actor.edited_units();
    let current_id = current.map(|o| o.id);
    let (areas, unit_list, all, waiting) = state
        .db
        .read(move |c| {
            let search = Search {
                municipality: Some(m),
                filter: OfferFilter::default(),
                sort: OfferSort::Name,
                visibility: Visibility::All,
                offset: 0,
                limit: 100_000,
            };
            Ok((
                offers::challenge_areas(c, m)?,
                units::list_in_municipality(c, m)?,
                offers::search(c, &search)?.0,
                match current_id {
                    Some(id) => offers::waiting_for(c, id)?,
                    None => None,
                },
            ))
        })
        .await?;
    let step: u8 = form.value("trinn").parse().unwrap_or(1);
    let chosen_areas: Vec<&str> = areas
        .iter()
        .filter(|(a, _)| form.has("utfordringer", a))
        .map(|(a, _)| a.as_str())
        .collect();
    let choices = EditorChoices {
        providers: unit_list
            .iter()
            .filter(|u| editable.contains(&u.id))
            .map(|u| Choice {
                value: u.id.to_string(),
                label: u.name.clone(),
            })
            .collect(),
        levels: level_choices(user.m),
        areas: area_choices(&areas),
        risks: risk_choices(user.m),
        accesses: access_choices(user.m),
        evidence: EVIDENCE_LEVELS
            .iter()
            .map(|(n, _)| Choice {
                value: n.to_string(),
                label: format!("{n} – {}", user.m.evidence_level(*n).unwrap_or_default()),
            })
            .collect(),
        statuses: OfferStatus::ALL
            .iter()
            .map(|s| Choice {
                value: s.code().into(),
                label: user.m.offer_status(*s).into(),
            })
            .collect(),
        steps: LADDER_STEP_NAMES
            .iter()
            .map(|(n, _)| Choice {
                value: n.to_string(),
                label: format!(
                    "{} {n}: {}",
                    user.m.offer_step,
                    user.m.ladder_step(*n).unwrap_or_default()
                ),
            })
            .collect(),
        // Candidates for «next step»: offers higher up that share a challenge area.
        next: all
            .iter()
            .filter(|o| Some(o.id) != current.map(|c| c.id))
            .filter(|o| o.fields.ladder_step > step || form.has("neste", &o.id.to_string()))
            .filter(|o| {
                chosen_areas.is_empty()
                    || o.fields
                        .challenge_areas
                        .iter()
                        .any(|a| chosen_areas.contains(&a.as_str()))
            })
            .map(|o| Choice {
                value: o.id.to_string(),
                label: format!(
                    "{} ({} {})",
                    o.fields.name, user.m.offer_step, o.fields.ladder_step
                ),
            })
            .collect(),
    };
    let (heading, action, offer_link) = match current {
        Some(o) => (
            user.m.editor_edit,
            format!("/tiltak/{}/endre", o.id),
            Some((format!("/tiltak/{}", o.id), o.fields.name.clone())),
        ),
        None => (user.m.editor_new, "/tiltak/ny".to_owned(), None),
    };
    Ok(EditPage {
        layout: Layout::signed_in(user, heading),
        heading,
        action,
        offer_link,
        waiting: waiting.as_ref().map(|p| waiting_panel(user.m, p)),
        form: form.fields(&field_labels(user.m)),
        choices,
    })
}

/// One offer on «Mine tilbud».
pub struct MineRow {
    pub card: OfferCard,
    pub edit: String,
    /// The due date of a change waiting for the coordinating unit.
    pub waiting: Option<String>,
}

/// A decision on one of the editor's proposals («Svar fra koordinerende enhet»).
pub struct DecisionLine {
    pub href: String,
    pub offer: String,
    pub status: String,
    pub changes: String,
    pub when: String,
    pub comment: String,
}

/// How long a decision stays on «Mine tilbud».
const DECISION_DAYS: i64 = 60;

#[derive(Template)]
#[template(path = "catalogue/mine.html")]
struct MinePage {
    layout: Layout,
    offers: Vec<MineRow>,
    decisions: Vec<DecisionLine>,
}

pub async fn mine(
    State(state): State<AppState>,
    user: SignedIn,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, AppError> {
    let units = user.actor.edited_units();
    if units.is_empty() {
        return Err(AppError::NotFound);
    }
    let memberships: Vec<_> = units
        .iter()
        .filter_map(|u| {
            let m = municipality_of(&user, *u)?;
            let cap = user.actor.edit_offers_of(*u).ok()?;
            Some((*u, m, cap))
        })
        .collect();
    let (list, proposals) = state
        .db
        .read(move |c| {
            let mut out = Vec::new();
            let mut proposals = Vec::new();
            for (unit, m, cap) in memberships {
                proposals.extend(offers::proposals_of_provider(c, &cap, m, unit)?);
                let search = Search {
                    municipality: Some(m),
                    filter: OfferFilter {
                        provider: Some(unit),
                        ..OfferFilter::default()
                    },
                    sort: OfferSort::Name,
                    visibility: Visibility::All,
                    offset: 0,
                    limit: 10_000,
                };
                let number = municipalities::get(c, m)?.number;
                let areas = offers::challenge_areas(c, m)?;
                for o in offers::search(c, &search)?.0 {
                    out.push((card(user.m, &o, &areas, &number), o.id));
                }
            }
            Ok((out, proposals))
        })
        .await?;
    let offers = list
        .into_iter()
        .map(|(card, id)| MineRow {
            card,
            edit: format!("/tiltak/{id}/endre"),
            waiting: proposals
                .iter()
                .find(|p| p.offer.id == id && p.status == ProposalStatus::Venter)
                .map(|p| format::date(p.due_date)),
        })
        .collect();
    let since = chrono::Utc::now() - chrono::Duration::days(DECISION_DAYS);
    let mut decided: Vec<&Proposal> = proposals
        .iter()
        .filter(|p| matches!(p.status, ProposalStatus::Godkjent | ProposalStatus::Avvist))
        .filter(|p| p.decided_at.is_some_and(|t| t >= since))
        .collect();
    decided.sort_by_key(|p| std::cmp::Reverse(p.decided_at));
    let decisions = decided
        .into_iter()
        .map(|p| DecisionLine {
            href: format!("/tiltak/{}/historikk", p.offer.id),
            offer: p.offer.fields.name.clone(),
            status: user.m.proposal_status(p.status),
            changes: p
                .changes
                .iter()
                .map(|c| user.m.change(c))
                .collect::<Vec<_>>()
                .join(", "),
            when: p
                .decided_at
                .map(|t| format::date(format::oslo_day(t)))
                .unwrap_or_default(),
            comment: p.comment.clone(),
        })
        .collect();
    page(&MinePage {
        layout: Layout::signed_in(&user, user.m.editor_title)
            .with_notice(crate::view::notice::notice(user.m, &q)),
        offers,
        decisions,
    })
}

pub async fn new(State(state): State<AppState>, user: SignedIn) -> Result<Response, AppError> {
    let Some(unit) = user.actor.edited_units().first().copied() else {
        return Err(AppError::NotFound);
    };
    let m = municipality_of(&user, unit).ok_or(AppError::NotFound)?;
    let form = FormState::with_values([
        ("tilbyder", unit.to_string()),
        ("status", OfferStatus::Utkast.code().to_owned()),
        ("trinn", "1".to_owned()),
        ("evidens", "0".to_owned()),
        ("alder_fra", "0".to_owned()),
        ("alder_til", "18".to_owned()),
    ]);
    page(&edit_page(&state, &user, m, None, form).await?)
}

fn next_of(pairs: &[(String, String)]) -> Vec<OfferId> {
    forms::get_all(pairs, "neste")
        .into_iter()
        .filter_map(|s| s.parse().ok())
        .collect()
}

pub async fn create(
    State(state): State<AppState>,
    user: SignedIn,
    body: String,
) -> Result<Response, AppError> {
    let pairs = forms::pairs(&body);
    let draft = draft_of(&pairs);
    // The provider must be a unit the user edits; anything else is refused
    // beside the field, with the form kept.
    let provider: Option<UnitId> = draft
        .provider_unit
        .parse()
        .ok()
        .filter(|u| user.actor.edit_offers_of(*u).is_ok());
    let unit = provider
        .or_else(|| user.actor.edited_units().first().copied())
        .ok_or(AppError::NotFound)?;
    let m = municipality_of(&user, unit).ok_or(AppError::NotFound)?;
    let (areas, allowed) = allowed(&state, &user, m).await?;
    let form = FormState::with_values(forms::redisplayable(&pairs));
    let fields = match draft.parse(&allowed, &areas) {
        Ok(f) => f,
        Err(problems) => {
            return invalid(
                &edit_page(&state, &user, m, None, form.with_problems(user.m, problems)).await?,
            );
        }
    };
    let cap = user.actor.edit_offers_of(fields.provider_unit)?;
    let next = next_of(&pairs);
    let id = state
        .db
        .write(move |c| {
            let id = offers::create(c, &cap, m, &fields, None)?;
            offers::set_next_steps(c, &cap, id, &next)?;
            Ok(id)
        })
        .await?;
    Ok(Redirect::to(&format!("/tiltak/{id}/endre?melding=tilbud-opprettet")).into_response())
}

/// The municipality's challenge-area codes and the units the user may name as provider.
async fn allowed(
    state: &AppState,
    user: &SignedIn,
    m: MunicipalityId,
) -> Result<(Vec<String>, Vec<UnitId>), AppError> {
    let areas = state
        .db
        .read(move |c| offers::challenge_areas(c, m))
        .await?;
    Ok((
        areas.into_iter().map(|(c, _)| c).collect(),
        user.actor.edited_units(),
    ))
}

/// The offer, if the user edits its provider's offers.
async fn editable(state: &AppState, user: &SignedIn, raw: &str) -> Result<Offer, AppError> {
    let id: OfferId = path_id(raw)?;
    let offer = state.db.read(move |c| offers::get(c, id)).await?;
    user.actor.edit_offers_of(offer.fields.provider_unit)?;
    Ok(offer)
}

pub async fn edit(
    State(state): State<AppState>,
    user: SignedIn,
    Path(raw): Path<String>,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, AppError> {
    let offer = editable(&state, &user, &raw).await?;
    let id = offer.id;
    let next: Vec<OfferId> = state
        .db
        .read(move |c| offers::next_steps(c, id))
        .await?
        .iter()
        .map(|o| o.id)
        .collect();
    let form = FormState::with_values(values_of(&offer.fields, &next));
    let mut body = edit_page(&state, &user, offer.municipality_id, Some(&offer), form).await?;
    body.layout = body
        .layout
        .with_notice(crate::view::notice::notice(user.m, &q));
    page(&body)
}

pub async fn update(
    State(state): State<AppState>,
    user: SignedIn,
    Path(raw): Path<String>,
    body: String,
) -> Result<Response, AppError> {
    let offer = editable(&state, &user, &raw).await?;
    let pairs = forms::pairs(&body);
    let (areas, allowed) = allowed(&state, &user, offer.municipality_id).await?;
    let form = FormState::with_values(forms::redisplayable(&pairs));
    let fields = match draft_of(&pairs).parse(&allowed, &areas) {
        Ok(f) => f,
        Err(problems) => {
            return invalid(
                &edit_page(
                    &state,
                    &user,
                    offer.municipality_id,
                    Some(&offer),
                    form.with_problems(user.m, problems),
                )
                .await?,
            );
        }
    };
    let cap = user.actor.edit_offers_of(offer.fields.provider_unit)?;
    let next = next_of(&pairs);
    let due = today()
        .checked_add_days(Days::new(PROPOSAL_DAYS))
        .unwrap_or_else(today);
    let id = offer.id;
    let outcome = state
        .db
        .write(move |c| {
            let before: Vec<OfferId> = offers::next_steps(c, id)?.iter().map(|o| o.id).collect();
            let outcome = offers::update(c, &cap, id, &fields, due)?;
            let links_changed = before != next;
            if links_changed {
                offers::set_next_steps(c, &cap, id, &next)?;
            }
            Ok(match outcome {
                SaveOutcome::Unchanged if links_changed => SaveOutcome::Saved,
                other => other,
            })
        })
        .await?;
    let notice = match outcome {
        SaveOutcome::Unchanged => "tilbud-uendret",
        SaveOutcome::Saved => "tilbud-lagret",
        SaveOutcome::Proposed(_) => "tilbud-foreslatt",
        SaveOutcome::Extended(_) => "tilbud-forslag-utvidet",
    };
    Ok(Redirect::to(&format!("/tiltak/{id}/endre?melding={notice}")).into_response())
}

/// The editor withdraws the change waiting for the coordinating unit. With
/// `forslag` given it must name the proposal still waiting (a stale page
/// withdraws nothing else).
pub async fn withdraw(
    State(state): State<AppState>,
    user: SignedIn,
    Path(raw): Path<String>,
    body: String,
) -> Result<Response, AppError> {
    let offer = editable(&state, &user, &raw).await?;
    let cap = user.actor.edit_offers_of(offer.fields.provider_unit)?;
    let pairs = forms::pairs(&body);
    let named: Option<ProposalId> = match forms::get(&pairs, "forslag") {
        "" => None,
        raw => Some(path_id(raw)?),
    };
    let id = offer.id;
    state
        .db
        .write(move |c| {
            let waiting = offers::waiting_for(c, id)?.ok_or(laget_db::DbError::NotFound)?;
            if named.is_some_and(|n| n != waiting.id) {
                return Err(laget_db::DbError::NotFound);
            }
            offers::withdraw(c, &cap, waiting.id)
        })
        .await?;
    Ok(Redirect::to(&format!("/tiltak/{id}/endre?melding=forslag-trukket")).into_response())
}

pub struct HistoryEntry {
    pub version: i32,
    pub when: String,
    pub by: String,
    pub kind: &'static str,
    pub changes: Vec<(String, String, String)>,
}

pub struct ProposalLine {
    pub when: String,
    pub by: String,
    pub changes: String,
    pub status: String,
    pub comment: String,
}

#[derive(Template)]
#[template(path = "catalogue/history.html")]
struct HistoryPage {
    layout: Layout,
    offer: Offer,
    entries: Vec<HistoryEntry>,
    proposals: Vec<ProposalLine>,
}

fn label_of(m: &Messages, field: &str) -> String {
    field_labels(m)
        .into_iter()
        .find(|(f, _)| *f == field)
        .map(|(_, l)| l.to_owned())
        .unwrap_or_else(|| match field {
            "gravide" => m.catalogue_pregnant.to_owned(),
            "evidens_lokal" => m.offer_evidence_local.to_owned(),
            other => other.to_owned(),
        })
}

/// A stored value of `field` as the history shows it: labels, not codes
/// («Publisert», not `publisert`; a unit's name, not its id).
fn shown(
    m: &Messages,
    field: &str,
    raw: &str,
    units: &[(UnitId, String)],
    areas: &[(String, String)],
) -> String {
    if raw.is_empty() {
        return "–".to_owned();
    }
    let list =
        |one: &dyn Fn(&str) -> String| raw.split(", ").map(one).collect::<Vec<_>>().join(", ");
    match field {
        "niva" => PreventionLevel::from_code(raw)
            .map(|l| m.level(l).to_owned())
            .unwrap_or_else(|_| raw.to_owned()),
        "tilgang" => AccessRoute::from_code(raw)
            .map(|a| m.access(a).to_owned())
            .unwrap_or_else(|_| raw.to_owned()),
        "status" => OfferStatus::from_code(raw)
            .map(|s| m.offer_status(s).to_owned())
            .unwrap_or_else(|_| raw.to_owned()),
        "tilbyder" => units
            .iter()
            .find(|(id, _)| id.to_string() == raw)
            .map(|(_, name)| name.clone())
            .unwrap_or_else(|| raw.to_owned()),
        "utfordringer" => list(&|code| {
            areas
                .iter()
                .find(|(c, _)| c == code)
                .map(|(_, name)| name.clone())
                .unwrap_or_else(|| code.to_owned())
        }),
        "risiko" => list(&|n| {
            RISK_FACTORS
                .iter()
                .find(|(k, _)| k.to_string() == n)
                .map(|(k, _)| format!("{k} {}", m.risk_factor(*k).unwrap_or_default()))
                .unwrap_or_else(|| n.to_owned())
        }),
        "evidens" => EVIDENCE_LEVELS
            .iter()
            .find(|(k, _)| k.to_string() == raw)
            .map(|(k, _)| format!("{k} – {}", m.evidence_level(*k).unwrap_or_default()))
            .unwrap_or_else(|| raw.to_owned()),
        "trinn" => LADDER_STEP_NAMES
            .iter()
            .find(|(k, _)| k.to_string() == raw)
            .map(|(k, _)| {
                format!(
                    "{} {k}: {}",
                    m.offer_step,
                    m.ladder_step(*k).unwrap_or_default()
                )
            })
            .unwrap_or_else(|| raw.to_owned()),
        "ventetid" => format!("{raw} {}", m.offer_weeks),
        _ => raw.to_owned(),
    }
}

pub async fn history(
    State(state): State<AppState>,
    user: SignedIn,
    Path(raw): Path<String>,
) -> Result<Response, AppError> {
    let id: OfferId = path_id(&raw)?;
    let (offer, versions, proposals, unit_names, areas) = state
        .db
        .read(move |c| {
            let offer = offers::get(c, id)?;
            let m = offer.municipality_id;
            Ok((
                offer,
                offers::versions(c, id)?,
                offers::proposals_for(c, id)?,
                units::list_in_municipality(c, m)?
                    .into_iter()
                    .map(|u| (u.id, u.name))
                    .collect::<Vec<_>>(),
                offers::challenge_areas(c, m)?,
            ))
        })
        .await?;
    if !is_staff_for(Some(&user), &offer) {
        return Err(AppError::NotFound);
    }
    let mut entries = Vec::new();
    let mut previous: Option<&OfferFields> = None;
    for v in &versions {
        let changes = previous.map(|p| p.diff(&v.fields)).unwrap_or_default();
        entries.push(HistoryEntry {
            version: v.version,
            when: format::time(v.at),
            by: v
                .actor_name
                .clone()
                .unwrap_or_else(|| user.m.access_log_operator.to_owned()),
            kind: match v.kind.as_str() {
                "opprettet" => user.m.history_created,
                "godkjent" => user.m.history_approved,
                _ => user.m.history_changed,
            },
            changes: changes
                .into_iter()
                .map(|(f, a, b)| {
                    (
                        label_of(user.m, f),
                        shown(user.m, f, &a, &unit_names, &areas),
                        shown(user.m, f, &b, &unit_names, &areas),
                    )
                })
                .collect(),
        });
        previous = Some(&v.fields);
    }
    entries.reverse();
    let proposals = proposals
        .iter()
        .rev()
        .map(|p| ProposalLine {
            when: format::time(p.proposed_at),
            by: p
                .proposed_by
                .clone()
                .unwrap_or_else(|| user.m.access_log_operator.to_owned()),
            changes: p
                .changes
                .iter()
                .map(|c| user.m.change(c))
                .collect::<Vec<_>>()
                .join(", "),
            status: user.m.proposal_status(p.status),
            comment: p.comment.clone(),
        })
        .collect();
    page(&HistoryPage {
        layout: Layout::signed_in(&user, user.m.history_title),
        offer,
        entries,
        proposals,
    })
}
