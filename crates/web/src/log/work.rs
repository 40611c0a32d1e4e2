//! Working on a log: consent, the team and its lead, measures and their
//! evaluations, the child's voice and BBIS assessments.

use crate::AppState;
use crate::error::AppError;
use crate::extract::form::{self as forms, FormState};
use crate::extract::log::{OpenLog, WholeLog, WritableLog, closed_notice, record_read};
use crate::extract::path::path_id;
use crate::extract::user::SignedIn;
use crate::i18n::Messages;
use crate::log::measures::{NextStep, PickFilter, Picker, next_steps, picker};
use crate::portal::withheld;
use crate::view::choices::Choice;
use crate::view::format::today;
use crate::view::format::{date, deadline_text};
use crate::view::layout::Layout;
use crate::view::{invalid, page};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Redirect, Response};
use laget_db::log::{self as logs, AddRefused, Person, Scan};
use laget_domain::access::{HandoverProposer, LogReader, LogWriter, WriteRefused};
use laget_domain::ids::{
    ConsentId, DecisionId, HandoverId, LogId, MeasureId, MeetingId, OfferId, TeamMemberId,
};
use laget_domain::log::bbis::Snapshot;
use laget_domain::log::consent::{ConsentForm, Giver, Method, NewConsent, Purpose};
use laget_domain::log::stafett::{
    ChildVoice, Continuation, Effect, HandoverChecklist, MeasureForm, MeasureStatus, MemberKind,
    NewEvaluation, NewMeasure, VOICE_METHODS,
};
use laget_domain::validation::{Problem, Problems, required_text};
use laget_domain::{UnitId, UserId};

fn back(log: impl std::fmt::Display, notice: &str) -> Response {
    Redirect::to(&format!("/logger/{log}?melding={notice}")).into_response()
}

/// The child's name and the log's municipality, for headings.
async fn child_name(state: &AppState, user: &SignedIn, r: &LogReader) -> Result<String, AppError> {
    let r2 = r.clone();
    let name = state.db.read(move |c| logs::child_name(c, &r2)).await?;
    record_read(state, user, r).await?;
    Ok(name)
}

// ---------------------------------------------------------------------------
// Consent

#[derive(Template)]
#[template(path = "log/consent.html")]
struct ConsentPage {
    layout: Layout,
    log: String,
    child_name: String,
    givers: Vec<Choice>,
    units: Vec<Choice>,
    purposes: Vec<Choice>,
    methods: Vec<Choice>,
    form: FormState,
}

struct ConsentChoices {
    child_name: String,
    givers: Vec<(Giver, String)>,
    units: Vec<(UnitId, String)>,
}

async fn consent_choices(
    state: &AppState,
    user: &SignedIn,
    r: &LogReader,
) -> Result<ConsentChoices, AppError> {
    record_read(state, user, r).await?;
    let r2 = r.clone();
    let today = today();
    let m = r.municipality_id();
    let (v, units) = state
        .db
        .read(move |c| {
            Ok((
                logs::view(
                    c,
                    &r2,
                    Some(laget_domain::log::stafett::EntryGroup::Consent),
                    today,
                )?,
                laget_db::admin::units::list_in_municipality(c, m)?,
            ))
        })
        .await?;
    let mut givers: Vec<(Giver, String)> = v
        .guardians
        .iter()
        .filter(|g| g.parental_responsibility)
        .map(|g| (Giver::Guardian(g.id), g.name.clone()))
        .collect();
    if v.child.birth.age_on(today).is_some_and(|a| a >= 12) {
        givers.push((
            Giver::Youth,
            format!("{} ({})", v.child.name, user.m.consent_youth),
        ));
    }
    Ok(ConsentChoices {
        child_name: v.child.name,
        givers,
        units: units
            .into_iter()
            .filter(|u| u.active)
            .map(|u| (u.id, u.name))
            .collect(),
    })
}

fn consent_page(
    user: &SignedIn,
    r: &LogReader,
    ch: &ConsentChoices,
    form: FormState,
) -> ConsentPage {
    ConsentPage {
        layout: Layout::signed_in(user, user.m.consent_title),
        log: r.log_id().to_string(),
        child_name: ch.child_name.clone(),
        givers: ch
            .givers
            .iter()
            .map(|(g, n)| Choice {
                value: g.code(),
                label: n.clone(),
            })
            .collect(),
        units: ch
            .units
            .iter()
            .map(|(u, n)| Choice {
                value: u.to_string(),
                label: n.clone(),
            })
            .collect(),
        purposes: Purpose::ALL
            .iter()
            .map(|p| Choice {
                value: p.code().into(),
                label: match p {
                    Purpose::ShareInformation => user.m.consent_purpose_share,
                    Purpose::Meetings => user.m.consent_purpose_meetings,
                }
                .into(),
            })
            .collect(),
        methods: Method::ALL
            .iter()
            .map(|m| Choice {
                value: m.code().into(),
                label: crate::view::format::method_label(user.m, *m).into(),
            })
            .collect(),
        form: form.fields(&[
            ("givere", user.m.consent_givers),
            ("enheter", user.m.consent_units),
            ("formal", user.m.consent_purposes),
            ("gyldig_fra", user.m.consent_from),
            ("gyldig_til", user.m.consent_to),
            ("metode", user.m.consent_method),
            ("skann", user.m.consent_scan),
            ("notat", user.m.consent_note),
        ]),
    }
}

pub async fn consent_form(
    State(state): State<AppState>,
    WritableLog { user, writer: w }: WritableLog,
) -> Result<Response, AppError> {
    let ch = consent_choices(&state, &user, w.reader()).await?;
    let today = today();
    let form = FormState::with_values([
        ("gyldig_fra".to_owned(), date(today)),
        (
            "gyldig_til".to_owned(),
            date(today + chrono::Duration::days(365)),
        ),
        ("formal".to_owned(), "dele".to_owned()),
    ]);
    page(&consent_page(&user, w.reader(), &ch, form))
}

pub async fn add_consent(
    State(state): State<AppState>,
    WritableLog { user, writer: w }: WritableLog,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Result<Response, AppError> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    // The form is multipart (it may carry a scan); a plain form works too.
    let (pairs, file) = match forms::multipart(content_type, &body) {
        Some(parts) => {
            let mut pairs = Vec::new();
            let mut file = None;
            for p in parts {
                if p.filename.is_some() {
                    if !p.bytes.is_empty() {
                        file = Some(p);
                    }
                } else {
                    pairs.push((p.name, String::from_utf8_lossy(&p.bytes).into_owned()));
                }
            }
            (pairs, file)
        }
        None => (forms::pairs(&String::from_utf8_lossy(&body)), None),
    };
    let ch = consent_choices(&state, &user, w.reader()).await?;
    // A scan is taken by its content (PDF, PNG, JPEG), not by its name or
    // the type the browser claims; the stored type is the content's.
    let mut scan_refused = false;
    let scan = match file {
        Some(f) => {
            let name = f.filename.clone().unwrap_or_default();
            match forms::scan_kind(&name, &f.bytes) {
                Some((content_type, file_name)) => Some(Scan {
                    file_name,
                    content_type: content_type.to_owned(),
                    content: f.bytes,
                }),
                None => {
                    scan_refused = true;
                    None
                }
            }
        }
        None => None,
    };
    let givers: Vec<Giver> = ch.givers.iter().map(|(g, _)| *g).collect();
    let units: Vec<UnitId> = ch.units.iter().map(|(u, _)| *u).collect();
    let form = ConsentForm {
        givers: forms::get_all(&pairs, "givere"),
        units: forms::get_all(&pairs, "enheter"),
        purposes: forms::get_all(&pairs, "formal"),
        valid_from: forms::get(&pairs, "gyldig_fra"),
        valid_to: forms::get(&pairs, "gyldig_til"),
        method: forms::get(&pairs, "metode"),
        note: forms::get(&pairs, "notat"),
        has_scan: scan.is_some() || scan_refused,
    };
    let parsed = NewConsent::parse(&form, &givers, &units);
    let consent = match parsed {
        Ok(c) if !scan_refused => c,
        other => {
            let problems = other.err().map(|p| p.into_vec()).unwrap_or_default();
            let mut form = FormState::with_values(forms::redisplayable(&pairs))
                .with_problems(user.m, problems);
            if scan_refused {
                form.add_error("skann", user.m.consent_scan_refused);
            }
            return invalid(&consent_page(&user, w.reader(), &ch, form));
        }
    };
    let log = w.log_id();
    let rid = user.ctx.request_id.clone();
    state
        .db
        .write(move |c| logs::add_consent(c, &w, &consent, scan, &rid))
        .await?;
    Ok(back(log, "samtykke"))
}

#[derive(Template)]
#[template(path = "log/consent_withdraw.html")]
struct WithdrawPage {
    layout: Layout,
    log: String,
    consent: String,
    child_name: String,
    givers: String,
    units: String,
    period: String,
    form: FormState,
}

/// The confirmation page for withdrawing a consent: whose, for which units,
/// and a reason. 404 for a consent that is not active on this log.
async fn withdraw_page(
    state: &AppState,
    user: &SignedIn,
    w: &LogWriter,
    id: ConsentId,
    form: FormState,
) -> Result<WithdrawPage, AppError> {
    let r = w.reader().clone();
    let today = today();
    let v = state
        .db
        .read(move |c| {
            logs::view(
                c,
                &r,
                Some(laget_domain::log::stafett::EntryGroup::Consent),
                today,
            )
        })
        .await?;
    let c = v
        .consents
        .iter()
        .find(|c| c.consent.id == id && c.consent.withdrawn_at.is_none())
        .ok_or(AppError::NotFound)?;
    record_read(state, user, w.reader()).await?;
    Ok(WithdrawPage {
        layout: Layout::signed_in(user, user.m.consent_withdraw_title),
        log: v.id.to_string(),
        consent: id.to_string(),
        child_name: v.child.name.clone(),
        givers: crate::log::page::giver_names(user.m, c),
        units: c.unit_names.join(", "),
        period: format!(
            "{}–{}",
            date(c.consent.valid_from),
            date(c.consent.valid_to)
        ),
        form: form.fields(&[("begrunnelse", user.m.consent_withdraw_reason)]),
    })
}

pub async fn withdraw_consent_form(
    State(state): State<AppState>,
    OpenLog { user, reader }: OpenLog,
    Path((_, k)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let w = reader
        .consent_withdrawer()
        .map_err(|_| AppError::NotFound)?;
    let id: ConsentId = path_id(&k)?;
    page(&withdraw_page(&state, &user, &w, id, FormState::default()).await?)
}

pub async fn withdraw_consent(
    State(state): State<AppState>,
    OpenLog { user, reader }: OpenLog,
    Path((_, k)): Path<(String, String)>,
    body: String,
) -> Result<Response, AppError> {
    let w = reader
        .consent_withdrawer()
        .map_err(|_| AppError::NotFound)?;
    let id: ConsentId = path_id(&k)?;
    let pairs = forms::pairs(&body);
    let mut p = Problems::new();
    let Some(reason) = p.check(
        "begrunnelse",
        required_text(forms::get(&pairs, "begrunnelse"), 4000),
    ) else {
        let form = FormState::with_values(forms::redisplayable(&pairs))
            .with_problems(user.m, p.into_vec());
        return invalid(&withdraw_page(&state, &user, &w, id, form).await?);
    };
    let log = w.log_id();
    let rid = user.ctx.request_id.clone();
    state
        .db
        .write(move |c| logs::withdraw_consent(c, &w, id, &reason, &rid))
        .await?;
    Ok(back(log, "samtykke-trukket"))
}

// ---------------------------------------------------------------------------
// The team

/// A form on the log page had problems: the log page again, values kept.
async fn problem(
    state: &AppState,
    user: &SignedIn,
    log: &LogWriter,
    form: FormState,
) -> Result<Response, AppError> {
    crate::log::page::log_page_with_errors(state, user, log.log_id(), form).await
}

pub async fn add_staff(
    State(state): State<AppState>,
    WritableLog { user, writer: w }: WritableLog,
    body: String,
) -> Result<Response, AppError> {
    let pairs = forms::pairs(&body);
    let mut p = Problems::new();
    let pick = forms::get(&pairs, "ansatt")
        .split_once(':')
        .and_then(|(u, unit)| Some((u.parse::<UserId>().ok()?, unit.parse::<UnitId>().ok()?)));
    if pick.is_none() {
        p.push("ansatt", Problem::Required);
    }
    let role = p.check("rolle", required_text(forms::get(&pairs, "rolle"), 200));
    let (Some((uid, unit)), Some(role)) = (pick, role) else {
        let form = FormState::with_values(forms::redisplayable(&pairs))
            .with_problems(user.m, p.into_vec());
        return problem(&state, &user, &w, form).await;
    };
    let log = w.log_id();
    let rid = user.ctx.request_id.clone();
    let today = today();
    let w2 = w.clone();
    let result = state
        .db
        .write(move |c| logs::add_staff(c, &w2, uid, unit, &role, today, &rid))
        .await?;
    match result {
        Ok(_) => Ok(back(log, "lagret")),
        Err(refused) => {
            let mut form = FormState::with_values(forms::redisplayable(&pairs));
            form.add_error(
                "ansatt",
                match refused {
                    AddRefused::NotCovered | AddRefused::MissingConsentFrom(_) => {
                        user.m.team_not_covered_error
                    }
                    AddRefused::AlreadyOn => user.m.team_already_on,
                },
            );
            problem(&state, &user, &w, form).await
        }
    }
}

pub async fn add_person(
    State(state): State<AppState>,
    WritableLog { user, writer: w }: WritableLog,
    body: String,
) -> Result<Response, AppError> {
    let pairs = forms::pairs(&body);
    let mut p = Problems::new();
    let kind = match MemberKind::from_code(forms::get(&pairs, "type")) {
        Some(k) if k != MemberKind::Staff => Some(k),
        _ => {
            p.push("type", Problem::Required);
            None
        }
    };
    let role = p.check(
        "person_rolle",
        required_text(forms::get(&pairs, "person_rolle"), 200),
    );
    let r = w.reader().clone();
    let today = today();
    let guardians = state
        .db
        .read(move |c| {
            Ok(logs::view(
                c,
                &r,
                Some(laget_domain::log::stafett::EntryGroup::Team),
                today,
            )?
            .guardians)
        })
        .await?;
    let guardian = guardians
        .iter()
        .find(|g| g.id.to_string() == forms::get(&pairs, "foresatt"));
    let name = match kind {
        Some(MemberKind::Guardian) => match guardian {
            Some(g) => Some(g.name.clone()),
            None => {
                p.push("foresatt", Problem::Required);
                None
            }
        },
        _ => p.check(
            "person_navn",
            required_text(forms::get(&pairs, "person_navn"), 200),
        ),
    };
    let (Some(kind), Some(role), Some(name)) = (kind, role, name) else {
        let form = FormState::with_values(forms::redisplayable(&pairs))
            .with_problems(user.m, p.into_vec());
        return problem(&state, &user, &w, form).await;
    };
    let guardian_id = guardian
        .filter(|_| kind == MemberKind::Guardian)
        .map(|g| g.id);
    let log = w.log_id();
    let rid = user.ctx.request_id.clone();
    let w2 = w.clone();
    let result = state
        .db
        .write(move |c| {
            logs::add_person(
                c,
                &w2,
                &Person {
                    kind,
                    name: &name,
                    role: &role,
                    guardian: guardian_id,
                },
                today,
                &rid,
            )
        })
        .await?;
    match result {
        Ok(_) => Ok(back(log, "lagret")),
        Err(refused) => {
            let mut form = FormState::with_values(forms::redisplayable(&pairs));
            let message = match refused {
                // The rule is not met: name whose consent is missing.
                AddRefused::MissingConsentFrom(names) => format!(
                    "{}: {} {}.",
                    user.m.team_network_needs_rule,
                    user.m.consent_missing_from,
                    names.join(", ")
                ),
                _ => user.m.team_network_needs_consent.to_owned(),
            };
            form.add_error("type", &message);
            problem(&state, &user, &w, form).await
        }
    }
}

pub async fn remove_member(
    State(state): State<AppState>,
    WritableLog { user, writer: w }: WritableLog,
    Path((_, m)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let member: TeamMemberId = path_id(&m)?;
    let log = w.log_id();
    let rid = user.ctx.request_id.clone();
    state
        .db
        .write(move |c| logs::remove_member(c, &w, member, &rid))
        .await?;
    Ok(back(log, "lagret"))
}

// ---------------------------------------------------------------------------
// Handover

#[derive(Template)]
#[template(path = "log/handover.html")]
struct HandoverPage {
    layout: Layout,
    log: String,
    child_name: String,
    candidates: Vec<Choice>,
    /// Staff on the team who cannot be proposed, since they could not open
    /// the log (no valid consent covers their unit): «name (unit)».
    excluded: Vec<String>,
    form: FormState,
}

/// The proposer's writer, or the answer for a closed log or for someone who
/// may not propose (404).
macro_rules! proposer {
    ($reader:expr) => {{
        let reader = $reader;
        match reader.handover_proposer() {
            Ok(p) => p,
            Err(WriteRefused::Closed) => return Ok(closed_notice(reader.log_id())),
            Err(WriteRefused::Denied) => return Err(AppError::NotFound),
        }
    }};
}

async fn handover_page(
    state: &AppState,
    user: &SignedIn,
    p: &HandoverProposer,
    form: FormState,
) -> Result<HandoverPage, AppError> {
    let r = p.writer().reader().clone();
    let today = today();
    let (v, facts) = state
        .db
        .read(move |c| {
            let v = logs::view(
                c,
                &r,
                Some(laget_domain::log::stafett::EntryGroup::Team),
                today,
            )?;
            let f = logs::facts_of(c, &r, today)?;
            Ok((v, f))
        })
        .await?;
    record_read(state, user, p.writer().reader()).await?;
    let lead = v.lead.as_ref().map(|(u, _)| *u);
    let label = |m: &logs::Member| {
        format!(
            "{} ({})",
            m.name,
            m.unit.as_ref().map(|(_, n)| n.as_str()).unwrap_or("")
        )
    };
    let (candidates, excluded): (Vec<&logs::Member>, Vec<&logs::Member>) = v
        .team
        .iter()
        .filter(|m| m.kind == MemberKind::Staff && m.user_id.is_some() && m.user_id != lead)
        .partition(|m| {
            m.user_id
                .is_some_and(|u| facts.team_member_may_open(u, today))
        });
    Ok(HandoverPage {
        layout: Layout::signed_in(user, user.m.handover_title),
        log: v.id.to_string(),
        child_name: v.child.name.clone(),
        candidates: candidates
            .into_iter()
            .map(|m| Choice {
                value: m.id.to_string(),
                label: label(m),
            })
            .collect(),
        excluded: excluded.into_iter().map(label).collect(),
        form: form.fields(&[
            ("ny", user.m.handover_to),
            ("ma_vite", user.m.handover_needs_to_know),
            ("avtalt", user.m.handover_agreed),
            ("notat", user.m.handover_note),
        ]),
    })
}

pub async fn handover_form(
    State(state): State<AppState>,
    OpenLog { user, reader }: OpenLog,
) -> Result<Response, AppError> {
    let p = proposer!(reader);
    page(&handover_page(&state, &user, &p, FormState::default()).await?)
}

pub async fn propose_handover(
    State(state): State<AppState>,
    OpenLog { user, reader }: OpenLog,
    body: String,
) -> Result<Response, AppError> {
    let p = proposer!(reader);
    let pairs = forms::pairs(&body);
    let to: Option<TeamMemberId> = forms::get(&pairs, "ny").parse().ok();
    let checklist = HandoverChecklist::parse(
        forms::get(&pairs, "overgang") == "ja",
        forms::get(&pairs, "ma_vite"),
        forms::get(&pairs, "avtalt") == "ja",
        forms::get(&pairs, "notat"),
    );
    let (to, checklist) = match (to, checklist) {
        (Some(to), Ok(c)) => (to, c),
        (to, c) => {
            let mut problems = c.err().map(|p| p.into_vec()).unwrap_or_default();
            if to.is_none() {
                problems.insert(
                    0,
                    laget_domain::validation::FieldError {
                        field: "ny",
                        problem: Problem::Required,
                    },
                );
            }
            let form = FormState::with_values(forms::redisplayable(&pairs))
                .with_problems(user.m, problems);
            return invalid(&handover_page(&state, &user, &p, form).await?);
        }
    };
    let log = p.log_id();
    let rid = user.ctx.request_id.clone();
    let today = today();
    let p2 = p.clone();
    let result = state
        .db
        .write(move |c| logs::propose_handover(c, &p2, to, &checklist, today, &rid))
        .await?;
    let refused = match result {
        Ok(_) => return Ok(back(log, "overlevering-foreslatt")),
        Err(logs::HandoverRefused::CannotOpen) => user.m.handover_cannot_open,
        Err(logs::HandoverRefused::Pending) => user.m.handover_pending_exists,
        Err(logs::HandoverRefused::AlreadyLead) => user.m.handover_already_lead,
    };
    let mut form = FormState::with_values(forms::redisplayable(&pairs));
    form.add_error("ny", refused);
    invalid(&handover_page(&state, &user, &p, form).await?)
}

/// The proposer withdraws a waiting proposal.
pub async fn withdraw_handover(
    State(state): State<AppState>,
    OpenLog { user, reader }: OpenLog,
    Path((_, h)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let p = proposer!(reader);
    let id: HandoverId = path_id(&h)?;
    let log = p.log_id();
    let rid = user.ctx.request_id.clone();
    state
        .db
        .write(move |c| logs::withdraw_handover(c, &p, id, &rid))
        .await?;
    Ok(back(log, "overlevering-trukket"))
}

pub async fn decide_handover(
    State(state): State<AppState>,
    WritableLog { user, writer: w }: WritableLog,
    Path((_, h)): Path<(String, String)>,
    body: String,
) -> Result<Response, AppError> {
    let id: HandoverId = path_id(&h)?;
    let pairs = forms::pairs(&body);
    let accept = match forms::get(&pairs, "beslutning") {
        "godta" => true,
        "avsla" => false,
        _ => return Err(AppError::BadRequest),
    };
    let note = forms::get(&pairs, "notat").trim().to_owned();
    let log = w.log_id();
    let rid = user.ctx.request_id.clone();
    state
        .db
        .write(move |c| {
            logs::decide_handover(
                c,
                &w,
                id,
                accept,
                (!note.is_empty()).then_some(note.as_str()),
                &rid,
            )
        })
        .await?;
    Ok(back(
        log,
        if accept {
            "overlevering-godtatt"
        } else {
            "overlevering-avslatt"
        },
    ))
}

pub async fn request_coordination(
    State(state): State<AppState>,
    WritableLog { user, writer: w }: WritableLog,
    body: String,
) -> Result<Response, AppError> {
    let pairs = forms::pairs(&body);
    let mut p = Problems::new();
    let Some(reason) = p.check(
        "koordinering",
        required_text(forms::get(&pairs, "koordinering"), 4000),
    ) else {
        let form = FormState::with_values(forms::redisplayable(&pairs))
            .with_problems(user.m, p.into_vec());
        return problem(&state, &user, &w, form).await;
    };
    let log = w.log_id();
    let rid = user.ctx.request_id.clone();
    state
        .db
        .write(move |c| logs::request_coordination(c, &w, &reason, &rid))
        .await?;
    Ok(back(log, "lagret"))
}

pub async fn resolve_coordination(
    State(state): State<AppState>,
    OpenLog { user, reader }: OpenLog,
    body: String,
) -> Result<Response, AppError> {
    let log = reader.log_id();
    let answerer = match reader.coordination_answerer() {
        Ok(a) => a,
        Err(WriteRefused::Closed) => return Ok(closed_notice(log)),
        Err(WriteRefused::Denied) => return Err(AppError::NotFound),
    };
    let pairs = forms::pairs(&body);
    let mut p = Problems::new();
    let Some(text) = p.check("svar", required_text(forms::get(&pairs, "svar"), 4000)) else {
        let form = FormState::with_values(forms::redisplayable(&pairs))
            .with_problems(user.m, p.into_vec());
        return crate::log::page::log_page_with_errors(&state, &user, log, form).await;
    };
    let rid = user.ctx.request_id.clone();
    let answer = text.clone();
    state
        .db
        .write(move |c| logs::resolve_coordination(c, &answerer, &text, &rid))
        .await?;
    // The coordinating unit's access ends with its answer: the confirmation
    // quotes what was sent and names nothing of the child.
    page(&AnsweredPage {
        layout: Layout::signed_in(&user, user.m.coordination_answered_title),
        answer,
    })
}

#[derive(Template)]
#[template(path = "log/coordination_answered.html")]
struct AnsweredPage {
    layout: Layout,
    answer: String,
}

/// The lead (or the keeping unit's leader) has read the coordinating unit's
/// answer.
pub async fn coordination_answer_read(
    State(state): State<AppState>,
    OpenLog { user, reader }: OpenLog,
) -> Result<Response, AppError> {
    let log = reader.log_id();
    let w = match reader.as_lead() {
        Ok(w) => w,
        Err(WriteRefused::Closed) => return Ok(closed_notice(log)),
        Err(WriteRefused::Denied) => return Err(AppError::NotFound),
    };
    let rid = user.ctx.request_id.clone();
    state
        .db
        .write(move |c| logs::mark_coordination_answer_read(c, &w, &rid))
        .await?;
    Ok(back(log, "lagret"))
}

// ---------------------------------------------------------------------------
// Measures

#[derive(Template)]
#[template(path = "log/measure_new.html")]
struct MeasureNewPage {
    layout: Layout,
    log: String,
    child_name: String,
    picker: Picker,
    team: Vec<Choice>,
    form: FormState,
    /// The decision of a meeting the measure is made from (`vedtak`), its text.
    decision: Option<String>,
}

async fn measure_new_page(
    state: &AppState,
    user: &SignedIn,
    w: &LogWriter,
    filter: &PickFilter,
    form: FormState,
) -> Result<(MeasureNewPage, Vec<OfferId>, Vec<TeamMemberId>), AppError> {
    let r = w.reader().clone();
    let today = today();
    let v = state
        .db
        .read(move |c| {
            logs::view(
                c,
                &r,
                Some(laget_domain::log::stafett::EntryGroup::Measures),
                today,
            )
        })
        .await?;
    let (picker, offers) = picker(user.m, state, w.reader(), filter, form.value("tilbud")).await?;
    record_read(state, user, w.reader()).await?;
    let team: Vec<_> = v
        .team
        .iter()
        .filter(|m| m.kind == MemberKind::Staff)
        .collect();
    let decision = match form.value("vedtak") {
        "" => None,
        raw => {
            let id = path_id(raw)?;
            let r = w.reader().clone();
            let d = state
                .db
                .read(move |c| laget_db::meetings::team_cases::any_decision_of_log(c, &r, id))
                .await?;
            if !d.approved {
                return Err(AppError::NotFound);
            }
            Some(d.text)
        }
    };
    let page = MeasureNewPage {
        decision,
        layout: Layout::signed_in(user, user.m.measure_new_title),
        log: v.id.to_string(),
        child_name: v.child.name.clone(),
        picker,
        team: team
            .iter()
            .map(|m| Choice {
                value: m.id.to_string(),
                label: format!(
                    "{} ({})",
                    m.name,
                    crate::log::words::team_role(user.m, &m.role)
                ),
            })
            .collect(),
        form: form.fields(&[
            ("tilbud", user.m.measure_offer),
            ("navn", user.m.measure_name),
            ("mal", user.m.measure_goal),
            ("ansvarlig", user.m.measure_responsible),
            ("start", user.m.measure_start),
            ("evaluering", user.m.measure_evaluate_by),
            ("barnets_beste", user.m.best_interest),
        ]),
    };
    Ok((page, offers, team.iter().map(|m| m.id).collect()))
}

/// The new-measure form; `?tilbud=` chooses an offer (from «Hvis dette
/// ikke er nok»), `?sok=`, `?alder=`, `?omrader=` and `?filtrert=` filter
/// the list of offers; `?vedtak=` makes it from a decision of a meeting's
/// approved minutes, or of a standing team on a named case of this log
/// (its text as the goal, its responsible person and deadline), and the
/// measure is linked to the decision when created.
pub async fn measure_form(
    State(state): State<AppState>,
    WritableLog { user, writer: w }: WritableLog,
    axum::extract::RawQuery(q): axum::extract::RawQuery,
) -> Result<Response, AppError> {
    let query = forms::pairs(q.as_deref().unwrap_or(""));
    let today = today();
    let mut values = vec![
        ("start".to_owned(), date(today)),
        (
            "evaluering".to_owned(),
            date(today + chrono::Duration::days(42)),
        ),
        ("tilbud".to_owned(), forms::get(&query, "tilbud").to_owned()),
    ];
    let raw = forms::get(&query, "vedtak");
    if !raw.is_empty() {
        let id = path_id(raw)?;
        let r = w.reader().clone();
        let d = state
            .db
            .read(move |c| laget_db::meetings::team_cases::any_decision_of_log(c, &r, id))
            .await?;
        if let Some(measure) = d.measure {
            return Ok(made_already(w.log_id(), measure));
        }
        values.push(("vedtak".to_owned(), d.id.to_string()));
        values.push(("mal".to_owned(), d.text));
        if let Some(member) = d.responsible_member {
            values.push(("ansvarlig".to_owned(), member.to_string()));
        }
        if d.deadline > today {
            values[1].1 = date(d.deadline);
        }
    }
    let form = FormState::with_values(values);
    let filter = PickFilter::from_pairs(&query);
    page(&measure_new_page(&state, &user, &w, &filter, form).await?.0)
}

/// A decision becomes a measure once only: the form for one that has a
/// measure already (opened again, or submitted twice) goes to that measure
/// with a notice saying so.
fn made_already(log: LogId, measure: MeasureId) -> Response {
    Redirect::to(&format!(
        "/logger/{log}/tiltak/{measure}?melding=vedtak-har-tiltak"
    ))
    .into_response()
}

/// The measure decision `id` of this log was made into, if any.
async fn measure_of_decision(
    state: &AppState,
    w: &LogWriter,
    id: DecisionId,
) -> Result<Option<MeasureId>, AppError> {
    let r = w.reader().clone();
    Ok(state
        .db
        .read(move |c| laget_db::meetings::team_cases::any_decision_of_log(c, &r, id))
        .await?
        .measure)
}

pub async fn add_measure(
    State(state): State<AppState>,
    WritableLog { user, writer: w }: WritableLog,
    body: String,
) -> Result<Response, AppError> {
    let pairs = forms::pairs(&body);
    let decision: Option<DecisionId> = match forms::get(&pairs, "vedtak") {
        "" => None,
        raw => Some(path_id(raw)?),
    };
    if let Some(d) = decision
        && let Some(measure) = measure_of_decision(&state, &w, d).await?
    {
        return Ok(made_already(w.log_id(), measure));
    }
    let filter = PickFilter::from_pairs(&pairs);
    let (_, offers, team) =
        measure_new_page(&state, &user, &w, &filter, FormState::default()).await?;
    let form = MeasureForm {
        offer: forms::get(&pairs, "tilbud"),
        name: forms::get(&pairs, "navn"),
        goal: forms::get(&pairs, "mal"),
        responsible: forms::get(&pairs, "ansvarlig"),
        start: forms::get(&pairs, "start"),
        evaluate_by: forms::get(&pairs, "evaluering"),
        is_final: forms::get(&pairs, "endelig") == "ja",
        best_interest: forms::get(&pairs, "barnets_beste"),
    };
    let m = match NewMeasure::parse(&form, &offers, &team) {
        Ok(m) => m,
        Err(p) => {
            let form = FormState::with_values(forms::redisplayable(&pairs))
                .with_problems(user.m, p.into_vec());
            return invalid(&measure_new_page(&state, &user, &w, &filter, form).await?.0);
        }
    };
    let log = w.log_id();
    let rid = user.ctx.request_id.clone();
    let w2 = w.clone();
    let made = state
        .db
        .write(move |c| {
            let id = logs::add_measure(c, &w2, &m, &rid)?;
            if let Some(d) = decision {
                // `Conflict` when another submit linked it first: the whole
                // transaction, this measure too, is rolled back.
                laget_db::meetings::team_cases::link_any_measure(c, &w2, d, id, &rid)?;
            }
            Ok(id)
        })
        .await;
    let id = match (made, decision) {
        (Ok(id), _) => id,
        (Err(laget_db::DbError::Conflict), Some(d)) => {
            match measure_of_decision(&state, &w, d).await? {
                Some(measure) => return Ok(made_already(log, measure)),
                None => return Err(AppError::Conflict),
            }
        }
        (Err(e), _) => return Err(e.into()),
    };
    Ok(Redirect::to(&format!("/logger/{log}/tiltak/{id}?melding=tiltak")).into_response())
}

pub struct EvaluationRow {
    pub on: String,
    pub effect: String,
    pub text: String,
    pub decision: String,
    pub best_interest: Option<String>,
    pub by: String,
}

#[derive(Template)]
#[template(path = "log/measure.html")]
struct MeasurePage {
    layout: Layout,
    log: String,
    id: String,
    child_name: String,
    name: String,
    offer_href: Option<String>,
    goal: String,
    responsible: String,
    start: String,
    evaluate_by: (String, bool),
    status: &'static str,
    proposed: bool,
    stopped: bool,
    best_interest: Option<String>,
    evaluations: Vec<EvaluationRow>,
    may_write: bool,
    next_steps: Vec<NextStep>,
    not_enough: bool,
    effects: Vec<Choice>,
    continuations: Vec<Choice>,
    /// «Hvem i familien ser dette?» for the evaluation (`crate::portal::withheld`).
    withheld: Vec<Choice>,
    form: FormState,
    decide_form: FormState,
}

pub(crate) fn effect_label(m: &Messages, code: &str) -> String {
    match Effect::from_code(code) {
        Some(Effect::Better) => m.effect_better,
        Some(Effect::Unchanged) => m.effect_unchanged,
        Some(Effect::Worse) => m.effect_worse,
        None => code,
    }
    .to_owned()
}

pub(crate) fn continuation_label(m: &Messages, code: &str) -> String {
    match Continuation::from_code(code) {
        Some(Continuation::Continue) => m.continuation_continue,
        Some(Continuation::Change) => m.continuation_change,
        Some(Continuation::Stop) => m.continuation_stop,
        None => code,
    }
    .to_owned()
}

async fn measure_page(
    state: &AppState,
    user: &SignedIn,
    r: &LogReader,
    id: MeasureId,
    form: FormState,
    decide_form: FormState,
) -> Result<MeasurePage, AppError> {
    let rid = user.ctx.request_id.clone();
    let r2 = r.clone();
    let today = today();
    // `logs::measure` records the read.
    let (measure, areas, child_name) = state
        .db
        .write(move |c| {
            Ok((
                logs::measure(c, &r2, id, &rid)?,
                logs::concern_areas(c, &r2)?,
                logs::child_name(c, &r2)?,
            ))
        })
        .await?;
    let not_enough = measure
        .evaluations
        .last()
        .is_some_and(|e| e.effect != "bedre" || e.continuation == "endre");
    // «Hvis dette ikke er nok»: the next steps the offer's public page
    // shows, or for a measure of one's own, indicated offers in the concern's
    // challenge areas; those that fit the child's age.
    let next_steps = if not_enough {
        next_steps(user.m, state, r, measure.offer, areas).await?
    } else {
        Vec::new()
    };
    let withheld = withheld::choices(user.m, withheld::child_age(state, r).await?);
    Ok(MeasurePage {
        withheld,
        layout: Layout::signed_in(user, &measure.name),
        name: measure.name.clone(),
        log: r.log_id().to_string(),
        id: id.to_string(),
        child_name,
        offer_href: measure.offer.map(|o| format!("/tiltak/{o}")),
        goal: measure.goal.clone(),
        responsible: measure.responsible.clone(),
        start: date(measure.start),
        evaluate_by: deadline_text(user.m, measure.evaluate_by, today),
        status: user.m.measure_status(measure.status),
        proposed: measure.status == MeasureStatus::Proposed,
        stopped: measure.status == MeasureStatus::Stopped,
        best_interest: measure.best_interest.clone(),
        evaluations: measure
            .evaluations
            .iter()
            .rev()
            .map(|e| EvaluationRow {
                on: date(e.on),
                effect: effect_label(user.m, &e.effect),
                text: e.text.clone(),
                decision: match e.next {
                    Some(n) => format!(
                        "{} ({} {})",
                        continuation_label(user.m, &e.continuation),
                        user.m.measure_next_evaluation,
                        date(n)
                    ),
                    None => continuation_label(user.m, &e.continuation),
                },
                best_interest: e.best_interest.clone(),
                by: e.by.clone().unwrap_or_default(),
            })
            .collect(),
        may_write: r.may_write(),
        next_steps,
        not_enough,
        effects: Effect::ALL
            .iter()
            .map(|e| Choice {
                value: e.code().into(),
                label: effect_label(user.m, e.code()),
            })
            .collect(),
        continuations: Continuation::ALL
            .iter()
            .map(|c| Choice {
                value: c.code().into(),
                label: continuation_label(user.m, c.code()),
            })
            .collect(),
        form: form.fields(&[
            ("effekt", user.m.evaluation_effect),
            ("vurdering", user.m.evaluation_text),
            ("videre", user.m.evaluation_decision),
            ("neste", user.m.measure_next_evaluation),
            ("barnets_beste", user.m.best_interest),
            (withheld::FIELD, user.m.withheld_legend),
        ]),
        decide_form: decide_form.fields(&[("barnets_beste", user.m.best_interest)]),
    })
}

pub async fn show_measure(
    State(state): State<AppState>,
    WholeLog { user, reader }: WholeLog,
    Path((_, m)): Path<(String, String)>,
    axum::extract::Query(q): axum::extract::Query<crate::view::notice::NoticeQuery>,
) -> Result<Response, AppError> {
    let id: MeasureId = path_id(&m)?;
    let mut p = measure_page(
        &state,
        &user,
        &reader,
        id,
        FormState::default(),
        FormState::default(),
    )
    .await?;
    p.layout = p.layout.with_notice(crate::view::notice::log_notice(
        user.m,
        q.melding.as_deref(),
    ));
    page(&p)
}

pub async fn evaluate(
    State(state): State<AppState>,
    WritableLog { user, writer: w }: WritableLog,
    Path((_, m)): Path<(String, String)>,
    body: String,
) -> Result<Response, AppError> {
    let id: MeasureId = path_id(&m)?;
    let pairs = forms::pairs(&body);
    let today = today();
    let age = withheld::child_age(&state, w.reader()).await?;
    let hidden = withheld::parse(user.m, forms::get(&pairs, withheld::FIELD), age);
    let e = match (
        NewEvaluation::parse(
            forms::get(&pairs, "effekt"),
            forms::get(&pairs, "vurdering"),
            forms::get(&pairs, "videre"),
            forms::get(&pairs, "neste"),
            forms::get(&pairs, "barnets_beste"),
            today,
        ),
        hidden,
    ) {
        (Ok(e), Ok(_)) => e,
        (parsed, hidden) => {
            let mut form = FormState::with_values(forms::redisplayable(&pairs)).with_problems(
                user.m,
                parsed.err().map(|p| p.into_vec()).unwrap_or_default(),
            );
            if let Err(e) = hidden {
                form.add_error(withheld::FIELD, e);
            }
            return invalid(
                &measure_page(&state, &user, w.reader(), id, form, FormState::default()).await?,
            );
        }
    };
    let hidden = hidden.unwrap_or_default();
    let log = w.log_id();
    let rid = user.ctx.request_id.clone();
    state
        .db
        .write(move |c| logs::evaluate_withheld(c, &w, id, &e, hidden, today, &rid))
        .await?;
    Ok(Redirect::to(&format!("/logger/{log}/tiltak/{id}?melding=evaluering")).into_response())
}

pub async fn decide_measure(
    State(state): State<AppState>,
    WritableLog { user, writer: w }: WritableLog,
    Path((_, m)): Path<(String, String)>,
    body: String,
) -> Result<Response, AppError> {
    let id: MeasureId = path_id(&m)?;
    let pairs = forms::pairs(&body);
    let mut p = Problems::new();
    let Some(best) = laget_domain::log::stafett::best_interest(
        &mut p,
        true,
        forms::get(&pairs, "barnets_beste"),
    ) else {
        let form = FormState::with_values(forms::redisplayable(&pairs))
            .with_problems(user.m, p.into_vec());
        return invalid(
            &measure_page(&state, &user, w.reader(), id, FormState::default(), form).await?,
        );
    };
    let log = w.log_id();
    let rid = user.ctx.request_id.clone();
    state
        .db
        .write(move |c| logs::decide_measure(c, &w, id, &best, &rid))
        .await?;
    Ok(Redirect::to(&format!("/logger/{log}/tiltak/{id}?melding=tiltak")).into_response())
}

// ---------------------------------------------------------------------------
// The child's voice and BBIS

#[derive(Template)]
#[template(path = "log/voice.html")]
struct VoicePage {
    layout: Layout,
    log: String,
    /// The meeting the voice is gathered for (`mote`), if any.
    meeting: Option<String>,
    child_name: String,
    methods: Vec<Choice>,
    /// «Hvem i familien ser dette?» (`crate::portal::withheld`).
    withheld: Vec<Choice>,
    form: FormState,
}

async fn voice_page(
    state: &AppState,
    user: &SignedIn,
    w: &LogWriter,
    meeting: Option<MeetingId>,
    form: FormState,
) -> Result<VoicePage, AppError> {
    Ok(VoicePage {
        layout: Layout::signed_in(user, user.m.voice_title),
        log: w.log_id().to_string(),
        meeting: meeting.map(|m| m.to_string()),
        child_name: child_name(state, user, w.reader()).await?,
        withheld: withheld::choices(user.m, withheld::child_age(state, w.reader()).await?),
        methods: VOICE_METHODS
            .iter()
            .map(|c| Choice {
                value: (*c).into(),
                label: crate::log::words::voice_method(user.m, c).into(),
            })
            .collect(),
        form: form.fields(&[
            ("dato", user.m.voice_date),
            ("metode", user.m.voice_method),
            ("ord", user.m.voice_words),
            (withheld::FIELD, user.m.withheld_legend),
        ]),
    })
}

/// The meeting (`mote`) the voice is gathered for, from the meeting page's
/// «Skriv inn barnets stemme»: one of this log's (otherwise 404).
async fn voice_meeting(
    state: &AppState,
    w: &LogWriter,
    raw: &str,
) -> Result<Option<MeetingId>, AppError> {
    if raw.is_empty() {
        return Ok(None);
    }
    let id: MeetingId = path_id(raw)?;
    let r = w.reader().clone();
    state
        .db
        .read(move |c| laget_db::meetings::minutes::minutes(c, &r, id))
        .await?;
    Ok(Some(id))
}

/// The voice form; `?mote=` when it is gathered for a meeting: saving it
/// then marks the meeting's voice gathered and returns to the meeting.
pub async fn voice_form(
    State(state): State<AppState>,
    WritableLog { user, writer: w }: WritableLog,
    axum::extract::RawQuery(q): axum::extract::RawQuery,
) -> Result<Response, AppError> {
    let query = forms::pairs(q.as_deref().unwrap_or(""));
    let meeting = voice_meeting(&state, &w, forms::get(&query, "mote")).await?;
    let form = FormState::with_values([("dato", date(today()))]);
    page(&voice_page(&state, &user, &w, meeting, form).await?)
}

pub async fn add_voice(
    State(state): State<AppState>,
    WritableLog { user, writer: w }: WritableLog,
    body: String,
) -> Result<Response, AppError> {
    let pairs = forms::pairs(&body);
    let meeting = voice_meeting(&state, &w, forms::get(&pairs, "mote")).await?;
    let age = withheld::child_age(&state, w.reader()).await?;
    let hidden = withheld::parse(user.m, forms::get(&pairs, withheld::FIELD), age);
    let v = match (
        ChildVoice::parse(
            forms::get(&pairs, "dato"),
            forms::get(&pairs, "metode"),
            forms::get(&pairs, "ord"),
            today(),
        ),
        hidden,
    ) {
        (Ok(v), Ok(_)) => v,
        (parsed, hidden) => {
            let mut form = FormState::with_values(forms::redisplayable(&pairs)).with_problems(
                user.m,
                parsed.err().map(|p| p.into_vec()).unwrap_or_default(),
            );
            if let Err(e) = hidden {
                form.add_error(withheld::FIELD, e);
            }
            return invalid(&voice_page(&state, &user, &w, meeting, form).await?);
        }
    };
    let hidden = hidden.unwrap_or_default();
    let log = w.log_id();
    let rid = user.ctx.request_id.clone();
    // The one who convenes the meeting (the log's holder) marks its voice
    // gathered with the voice, in one transaction; anyone else who may
    // write records the voice only.
    let convener = meeting.and_then(|_| w.reader().meeting_convener().ok());
    state
        .db
        .write(move |c| {
            logs::add_voice_withheld(c, &w, &v, hidden, &rid)?;
            if let (Some(id), Some(conv)) = (meeting, convener) {
                match laget_db::meetings::invitations::voice_gathered(c, &conv, id, &rid) {
                    // Held or cancelled since: the voice is kept all the same.
                    Err(laget_db::DbError::Conflict) => {}
                    other => other?,
                }
            }
            Ok(())
        })
        .await?;
    match meeting {
        Some(id) => {
            Ok(Redirect::to(&format!("/logger/{log}/moter/{id}?melding=stemme")).into_response())
        }
        None => Ok(back(log, "lagret")),
    }
}

pub struct ThemeField {
    pub field: String,
    pub na_field: String,
    pub name: String,
    pub side_name: String,
    pub first_of_side: bool,
}

#[derive(Template)]
#[template(path = "log/bbis.html")]
struct BbisPage {
    layout: Layout,
    log: String,
    child_name: String,
    themes: Vec<ThemeField>,
    /// «Hvem i familien ser dette?» (`crate::portal::withheld`).
    withheld: Vec<Choice>,
    form: FormState,
}

async fn bbis_page(
    state: &AppState,
    user: &SignedIn,
    w: &LogWriter,
    form: FormState,
) -> Result<(BbisPage, Vec<laget_domain::log::bbis::Theme>), AppError> {
    let m = w.reader().municipality_id();
    let themes = state.db.read(move |c| logs::bbis_themes(c, m)).await?;
    let mut fields: Vec<(&str, String)> = vec![
        ("dato", user.m.bbis_date.to_owned()),
        (withheld::FIELD, user.m.withheld_legend.to_owned()),
    ];
    let labels: Vec<(String, String)> = themes
        .iter()
        .map(|t| (format!("tema_{}", t.code), t.name.clone()))
        .collect();
    for (f, l) in &labels {
        fields.push((f.as_str(), l.clone()));
    }
    let field_refs: Vec<(&str, &str)> = fields.iter().map(|(f, l)| (*f, l.as_str())).collect();
    let page = BbisPage {
        layout: Layout::signed_in(user, user.m.bbis_title),
        log: w.log_id().to_string(),
        child_name: child_name(state, user, w.reader()).await?,
        withheld: withheld::choices(user.m, withheld::child_age(state, w.reader()).await?),
        themes: themes
            .iter()
            .enumerate()
            .map(|(i, t)| ThemeField {
                field: format!("tema_{}", t.code),
                na_field: format!("ia_{}", t.code),
                name: t.name.clone(),
                side_name: t.side_name.clone(),
                first_of_side: i == 0 || themes[i - 1].side != t.side,
            })
            .collect(),
        form: form.fields(&field_refs),
    };
    Ok((page, themes))
}

pub async fn bbis_form(
    State(state): State<AppState>,
    WritableLog { user, writer: w }: WritableLog,
) -> Result<Response, AppError> {
    let form = FormState::with_values([("dato", date(today()))]);
    page(&bbis_page(&state, &user, &w, form).await?.0)
}

pub async fn add_bbis(
    State(state): State<AppState>,
    WritableLog { user, writer: w }: WritableLog,
    body: String,
) -> Result<Response, AppError> {
    let pairs = forms::pairs(&body);
    let m = w.reader().municipality_id();
    let themes = state.db.read(move |c| logs::bbis_themes(c, m)).await?;
    let parsed = Snapshot::parse(
        forms::get(&pairs, "dato"),
        &themes,
        |code| forms::get(&pairs, &format!("tema_{code}")).to_owned(),
        |code| forms::get(&pairs, &format!("ia_{code}")) == "ja",
        today(),
    );
    let age = withheld::child_age(&state, w.reader()).await?;
    let hidden = withheld::parse(user.m, forms::get(&pairs, withheld::FIELD), age);
    let snapshot = match (parsed, hidden) {
        (Ok(s), Ok(_)) => s,
        (parsed, hidden) => {
            let mut form = FormState::with_values(forms::redisplayable(&pairs));
            if let Err(p) = parsed {
                form = form.with_problems(user.m, p.date.into_vec());
                for (code, problem) in p.themes {
                    form.add_error(&format!("tema_{code}"), &user.m.problem(problem));
                }
            }
            if let Err(e) = hidden {
                form.add_error(withheld::FIELD, e);
            }
            return invalid(&bbis_page(&state, &user, &w, form).await?.0);
        }
    };
    let hidden = hidden.unwrap_or_default();
    let log = w.log_id();
    let rid = user.ctx.request_id.clone();
    state
        .db
        .write(move |c| logs::add_bbis_withheld(c, &w, &snapshot, hidden, &rid))
        .await?;
    Ok(back(log, "lagret"))
}
