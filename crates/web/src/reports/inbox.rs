//! Child welfare's side of a sent report (issue #13, R2): the inbox of a
//! child welfare service (`/barnevern/{unit}/meldinger`, every municipality
//! it serves), the whole report (`…/{report}`), acknowledging receipt
//! (`…/mottatt`) and recording the outcome (`…/utfall`). The page of one
//! report is shared with the reporter's side ([`view_page`]).
//!
//! Access: the inbox through `Actor::report_inbox`, a report through
//! `Actor::open_report` in the role of child welfare and `receiver()` for
//! the changes; anything else is a 404. The child's log is linked only
//! where `Actor::open_log` lets the reader open it; otherwise the page says
//! nothing about a log.

use crate::AppState;
use crate::error::AppError;
use crate::extract::form::{self as forms, FormState};
use crate::extract::path::path_id;
use crate::extract::user::SignedIn;
use crate::i18n::Messages;
use crate::view::choices::Choice;
use crate::view::format::{time, today};
use crate::view::layout::Layout;
use crate::view::notice::NoticeQuery;
use crate::view::{invalid, page};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use laget_db::reports::inbox::{self as reports, ReportLine, ReportView};
use laget_domain::UnitId;
use laget_domain::access::{ReportReader, ReportRole};
use laget_domain::ids::ReportId;
use laget_domain::reports::fiks::Address;
use laget_domain::reports::{FeedbackKind, Outcome, ReportStatus};
use laget_domain::validation::Problem;

/// «Ny» (to child welfare) or «Sendt» (to the reporter), «Mottatt», or the
/// outcome: how a report stands.
pub fn status_text(
    m: &Messages,
    status: ReportStatus,
    outcome: Option<Outcome>,
    to_child_welfare: bool,
) -> &'static str {
    match (status, outcome) {
        (_, Some(o)) => outcome_text(m, o),
        (ReportStatus::Draft, None) => m.bm_status_draft,
        (ReportStatus::AwaitingCosign, None) => m.bm_status_awaiting_cosign,
        (ReportStatus::Sent, None) if to_child_welfare => m.bm_status_new,
        (ReportStatus::Sent, None) => m.bm_status_sent,
        (ReportStatus::Received, None) => m.bm_status_received,
    }
}

pub fn outcome_text(m: &Messages, o: Outcome) -> &'static str {
    match o {
        Outcome::Dismissed => m.bm_outcome_henlagt,
        Outcome::Investigation => m.bm_outcome_undersokelse,
        Outcome::Measures => m.bm_outcome_tiltak,
    }
}

pub fn feedback_text(m: &Messages, k: FeedbackKind) -> &'static str {
    match k {
        FeedbackKind::Received => m.bm_feedback_mottatt,
        FeedbackKind::Investigation => m.bm_feedback_undersokelse,
        FeedbackKind::Dismissed => m.bm_feedback_henlagt,
        FeedbackKind::Measures => m.bm_feedback_tiltak,
    }
}

/// «Skole: Testbakken skole».
pub fn from_text(m: &Messages, l: &ReportLine) -> String {
    match l.reporter_unit_kind {
        Some(k) => format!("{}: {}", m.unit_kind(k), l.reporter_unit_name),
        None => l.reporter_unit_name.clone(),
    }
}

pub fn children_text(m: &Messages, l: &ReportLine) -> String {
    if l.children.is_empty() {
        m.bm_no_child_yet.to_owned()
    } else {
        l.children.join(", ")
    }
}

// ---------------------------------------------------------------------------
// The inbox

pub struct InboxRow {
    pub href: String,
    pub child: String,
    pub status: &'static str,
    pub new: bool,
    pub municipality: String,
    pub from: String,
    pub sent: String,
}

#[derive(Template)]
#[template(path = "reports/inbox.html")]
struct InboxPage {
    layout: Layout,
    unit_name: String,
    rows: Vec<InboxRow>,
    /// The counts of each municipality the service serves (href, label).
    counts: Vec<(String, String)>,
}

async fn unit_of(
    state: &AppState,
    unit: UnitId,
) -> Result<Option<laget_db::admin::units::Unit>, AppError> {
    Ok(state
        .db
        .read(move |c| laget_db::admin::units::get_many(c, &[unit]))
        .await?
        .pop())
}

pub async fn list(
    State(state): State<AppState>,
    user: SignedIn,
    Path(u): Path<String>,
) -> Result<Response, AppError> {
    let unit: UnitId = path_id(&u)?;
    let cap = user.actor.report_inbox(unit)?;
    let rid = user.ctx.request_id.clone();
    let lines = state
        .db
        .write(move |c| reports::inbox(c, &cap, &rid))
        .await?;
    let m = user.m;
    let rows = lines
        .iter()
        .map(|l| InboxRow {
            href: format!("/barnevern/{unit}/meldinger/{}", l.id),
            child: children_text(m, l),
            status: status_text(m, l.status, l.outcome, true),
            new: l.status == ReportStatus::Sent,
            municipality: l.municipality_name.clone(),
            from: from_text(m, l),
            sent: l.sent_at.map(time).unwrap_or_default(),
        })
        .collect();
    let service = unit_of(&state, unit).await?;
    // The counts of every municipality the service serves, where the
    // counts' own rule lets this user see them.
    let counts = service
        .as_ref()
        .map(|u| {
            u.municipalities
                .iter()
                .filter(|(mid, _)| user.actor.report_statistics(*mid, &[unit]).is_ok())
                .map(|(mid, name)| {
                    (
                        format!("/kommuner/{mid}/bekymringsmeldinger/tall"),
                        format!("{} {name}", m.home_admin_report_counts),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    page(&InboxPage {
        layout: Layout::signed_in(&user, m.bm_inbox_title),
        unit_name: service.map(|u| u.name).unwrap_or_default(),
        rows,
        counts,
    })
}

// ---------------------------------------------------------------------------
// One report

/// One label and value of the report.
pub struct Field {
    pub label: &'static str,
    pub value: String,
}

/// A part of the report (the reporter, a child, a guardian, the concern).
pub struct Section {
    pub title: String,
    pub fields: Vec<Field>,
}

pub struct FeedbackRow {
    pub what: &'static str,
    pub when: String,
    pub by: String,
    /// Not seen by the reporter before this reading.
    pub new: bool,
}

#[derive(Template)]
#[template(path = "reports/view.html")]
pub(crate) struct ViewPage {
    layout: Layout,
    status: &'static str,
    children: String,
    summary: Vec<Field>,
    sections: Vec<Section>,
    feedback: Vec<FeedbackRow>,
    /// Child welfare: the form acknowledging receipt.
    receive_action: Option<String>,
    /// Child welfare: the outcome form, with the outcomes that may follow.
    outcome_action: Option<String>,
    outcomes: Vec<Choice>,
    form: FormState,
    /// The child's log, only where the reader may open it.
    log_href: Option<String>,
    /// The author's draft: where to go on writing it.
    edit_href: Option<String>,
    /// The leader: where to co-sign.
    cosign_href: Option<String>,
    back_href: String,
    back_label: &'static str,
    /// Whether the reader is the reporter (the feedback is addressed to them).
    is_reporter: bool,
}

fn address_text(a: &Address) -> String {
    let mut parts: Vec<String> = [
        Some(&a.adresselinje1),
        a.adresselinje2.as_ref(),
        a.adresselinje3.as_ref(),
    ]
    .into_iter()
    .flatten()
    .filter(|s| !s.trim().is_empty())
    .cloned()
    .collect();
    let place = [a.postnummer.as_deref(), a.poststed.as_deref()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    if !place.trim().is_empty() {
        parts.push(place);
    }
    parts.join(", ")
}

fn push(fields: &mut Vec<Field>, label: &'static str, value: impl Into<String>) {
    let value = value.into();
    if !value.trim().is_empty() {
        fields.push(Field { label, value });
    }
}

fn told_text(m: &Messages, told: bool, why: Option<&String>) -> String {
    match (told, why) {
        (true, _) => m.yes.to_owned(),
        (false, Some(w)) if !w.trim().is_empty() => format!("{}. {}: {w}", m.no, m.bm_why_not),
        (false, _) => m.no.to_owned(),
    }
}

/// The KS Fiks message's fields, as sections.
fn message_sections(m: &Messages, v: &ReportView) -> Vec<Section> {
    let Some(msg) = &v.message else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let r = &msg.offentlig_melder;
    let mut f = Vec::new();
    push(&mut f, m.bm_f_name, &r.personnavn);
    push(&mut f, m.bm_f_role, &r.rolle);
    push(&mut f, m.bm_f_phone, &r.telefonnummer);
    push(&mut f, m.bm_f_email, &r.epost);
    push(&mut f, m.bm_f_organisation, &r.virksomhet.navn);
    push(
        &mut f,
        m.bm_f_org_number,
        r.virksomhet.orgnr.clone().unwrap_or_default(),
    );
    push(&mut f, m.bm_f_address, address_text(&r.virksomhet.adresse));
    out.push(Section {
        title: m.bm_s_reporter.to_owned(),
        fields: f,
    });
    for c in &msg.offentlig_barn {
        let mut f = Vec::new();
        push(&mut f, m.bm_f_name, &c.personnavn);
        if c.ufoedt {
            push(&mut f, m.bm_f_national_id, m.bm_unborn);
        } else {
            push(&mut f, m.bm_f_national_id, &c.fnr);
        }
        push(&mut f, m.bm_f_address, address_text(&c.adresse));
        push(
            &mut f,
            m.bm_f_phone,
            c.telefonnummer.clone().unwrap_or_default(),
        );
        push(
            &mut f,
            m.bm_f_told_child,
            told_text(m, c.orientert, c.orientert_grunn.as_ref()),
        );
        out.push(Section {
            title: format!("{}: {}", m.bm_s_child, c.personnavn),
            fields: f,
        });
    }
    for g in &msg.foresatte {
        let mut f = Vec::new();
        push(&mut f, m.bm_f_name, &g.personnavn);
        push(
            &mut f,
            m.bm_f_phone,
            g.telefonnummer.clone().unwrap_or_default(),
        );
        push(
            &mut f,
            m.bm_f_told_guardian,
            told_text(m, g.orientert, g.orientert_grunn.as_ref()),
        );
        out.push(Section {
            title: format!("{}: {}", m.bm_s_guardian, g.personnavn),
            fields: f,
        });
    }
    let mut f = Vec::new();
    push(&mut f, m.bm_f_concern, &msg.melding.melding);
    push(&mut f, m.bm_f_history, &msg.melding.historie);
    push(
        &mut f,
        m.bm_f_other_views,
        msg.melding.andre_synspunkter.clone().unwrap_or_default(),
    );
    push(
        &mut f,
        m.bm_f_interpreter,
        msg.behov_for_tolk.clone().unwrap_or_default(),
    );
    push(
        &mut f,
        m.bm_f_other_services,
        msg.andre_hjelpeinstanser.clone().unwrap_or_default(),
    );
    out.push(Section {
        title: m.bm_s_concern.to_owned(),
        fields: f,
    });
    let mut f = Vec::new();
    push(
        &mut f,
        m.bm_f_municipality,
        format!("{} {}", msg.kommunenummer, msg.kommunenavn),
    );
    if msg.bydelsnummer != laget_domain::reports::fiks::NO_DISTRICT {
        push(
            &mut f,
            m.bm_f_district,
            format!("{} {}", msg.bydelsnummer, msg.bydelsnavn),
        );
    }
    // The message carries RFC 3339 («2026-12-07T17:57:17+01:00»); shown as
    // every other time in Laget.
    let sent = chrono::DateTime::parse_from_rfc3339(&msg.sendingstidspunkt)
        .map(|t| time(t.with_timezone(&chrono::Utc)))
        .unwrap_or_else(|_| msg.sendingstidspunkt.clone());
    push(&mut f, m.bm_f_sent_time, sent);
    push(&mut f, m.bm_f_channel, &msg.leveringskanal);
    out.push(Section {
        title: m.bm_s_message.to_owned(),
        fields: f,
    });
    out
}

/// Where the report went and how it stands: for every reader.
fn summary(m: &Messages, v: &ReportView) -> Vec<Field> {
    let mut f = Vec::new();
    push(&mut f, m.bm_f_from, from_text(m, &v.line));
    push(&mut f, m.bm_f_reporter, &v.line.reporter_name);
    if let Some(cw) = &v.line.child_welfare_name {
        push(&mut f, m.bm_f_to, cw);
    }
    push(&mut f, m.bm_f_municipality, &v.line.municipality_name);
    if let Some(at) = v.line.sent_at {
        push(&mut f, m.bm_f_sent, time(at));
    }
    if v.line.status.is_sent() {
        push(
            &mut f,
            m.bm_f_delivered,
            match v.delivered_at {
                Some(at) => match &v.delivery_channel {
                    Some(ch) if !ch.is_empty() => format!("{} ({ch})", time(at)),
                    _ => time(at),
                },
                None => m.bm_not_delivered_yet.to_owned(),
            },
        );
    }
    if let (Some(by), Some(at)) = (&v.cosigned_by, v.cosigned_at) {
        push(&mut f, m.bm_f_cosigned, format!("{by}, {}", time(at)));
    }
    if v.line.status.is_sent() || v.line.status == ReportStatus::AwaitingCosign {
        // Per guardian: one told and one not is not «Nei» (#13 stranger #5).
        let value = if v.guardians.is_empty() {
            told_text(m, v.guardians_told, v.not_told_reason.as_ref())
        } else {
            v.guardians
                .iter()
                .map(|g| {
                    let told = match g.told {
                        Some(t) => told_text(m, t, g.reason.as_ref()),
                        None => m.bm_told_not_answered.to_owned(),
                    };
                    format!("{}: {told}", g.name)
                })
                .collect::<Vec<_>>()
                .join("; ")
        };
        push(&mut f, m.bm_f_guardians_told, value);
    }
    f
}

/// The choices of outcome that may follow the present one.
fn outcome_choices(
    m: &Messages,
    receiver: &laget_domain::access::ReportReceiver,
    current: Option<Outcome>,
) -> Vec<Choice> {
    Outcome::ALL
        .iter()
        .filter(|o| reports::outcome_may_follow(receiver, current, **o))
        .map(|o| Choice {
            value: o.code().to_owned(),
            label: outcome_text(m, *o).to_owned(),
        })
        .collect()
}

/// Reads the report for `reader` (an access-log row; the reporter's reading
/// marks the feedback seen) and builds its page.
pub(crate) async fn view_page(
    state: &AppState,
    user: &SignedIn,
    reader: ReportReader,
    form: FormState,
    notice: Option<&'static str>,
) -> Result<ViewPage, AppError> {
    let rid = user.ctx.request_id.clone();
    let r = reader.clone();
    let actor = user.actor.clone();
    let today = today();
    let (v, log_open) = state
        .db
        .write(move |c| {
            let v = reports::view(c, &r, &rid)?;
            reports::mark_feedback_seen(c, &r)?;
            // The log only through its own rules.
            let log_open = match v.log_id {
                Some(log) => {
                    let facts = laget_db::lookup::log_facts(c, log, actor.user_id(), today)?;
                    actor.open_log(&facts, today).is_ok()
                }
                None => false,
            };
            Ok((v, log_open))
        })
        .await?;
    let m = user.m;
    let id = v.line.id;
    let role = reader.role();
    let receiver = reader.receiver().ok();
    let (receive_action, outcome_action, outcomes) = match (&receiver, v.child_welfare_unit_id) {
        (Some(rc), Some(cw)) => {
            let base = format!("/barnevern/{cw}/meldinger/{id}");
            let outcomes = outcome_choices(m, rc, v.line.outcome);
            (
                (v.line.status == ReportStatus::Sent).then(|| format!("{base}/mottatt")),
                (!outcomes.is_empty()).then(|| format!("{base}/utfall")),
                outcomes,
            )
        }
        _ => (None, None, Vec::new()),
    };
    let (back_href, back_label) = match (role, v.child_welfare_unit_id) {
        (ReportRole::ChildWelfare, Some(cw)) => {
            (format!("/barnevern/{cw}/meldinger"), m.bm_inbox_title)
        }
        _ => ("/bekymringsmeldinger".to_owned(), m.bm_mine_title),
    };
    let mut layout = Layout::signed_in(user, m.bm_title).with_notice(notice);
    layout.title = format!("{} – {}", m.bm_title, children_text(m, &v.line));
    Ok(ViewPage {
        layout,
        status: status_text(
            m,
            v.line.status,
            v.line.outcome,
            role == ReportRole::ChildWelfare,
        ),
        children: children_text(m, &v.line),
        summary: summary(m, &v),
        sections: message_sections(m, &v),
        feedback: v
            .feedback
            .iter()
            .map(|f| FeedbackRow {
                what: feedback_text(m, f.kind),
                when: time(f.recorded_at),
                by: f.recorded_by.clone(),
                new: role == ReportRole::Author && f.seen_at.is_none(),
            })
            .collect(),
        receive_action,
        outcome_action,
        outcomes,
        form: form.fields(&[("utfall", m.bm_outcome_label)]),
        log_href: v
            .log_id
            .filter(|_| log_open)
            .map(|log| format!("/logger/{log}")),
        edit_href: reader
            .editor()
            .is_ok()
            .then(|| format!("/bekymringsmeldinger/{id}/endre")),
        cosign_href: reader
            .cosigner()
            .is_ok()
            .then(|| format!("/bekymringsmeldinger/{id}/medsigner")),
        back_href,
        back_label,
        is_reporter: role == ReportRole::Author,
    })
}

/// The report as child welfare opens it from the inbox of `unit`.
async fn open_in_inbox(
    state: &AppState,
    user: &SignedIn,
    u: &str,
    r: &str,
) -> Result<ReportReader, AppError> {
    let unit: UnitId = path_id(u)?;
    let id: ReportId = path_id(r)?;
    let facts = state
        .db
        .read(move |c| laget_db::lookup::report_facts(c, id))
        .await?;
    let reader = user.actor.open_report(&facts)?;
    if reader.role() != ReportRole::ChildWelfare || facts.child_welfare_unit != Some(unit) {
        return Err(AppError::NotFound);
    }
    Ok(reader)
}

pub async fn show(
    State(state): State<AppState>,
    user: SignedIn,
    Path((u, r)): Path<(String, String)>,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, AppError> {
    let reader = open_in_inbox(&state, &user, &u, &r).await?;
    let notice = match q.melding.as_deref() {
        Some("mottatt") => Some(user.m.bm_notice_received),
        Some("utfall") => Some(user.m.bm_notice_outcome),
        _ => None,
    };
    page(&view_page(&state, &user, reader, FormState::default(), notice).await?)
}

pub async fn acknowledge(
    State(state): State<AppState>,
    user: SignedIn,
    Path((u, r)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let reader = open_in_inbox(&state, &user, &u, &r).await?;
    let receiver = reader.receiver()?;
    let rid = user.ctx.request_id.clone();
    state
        .db
        .write(move |c| reports::acknowledge(c, &receiver, &rid))
        .await?;
    Ok(Redirect::to(&format!("/barnevern/{u}/meldinger/{r}?melding=mottatt")).into_response())
}

pub async fn outcome(
    State(state): State<AppState>,
    user: SignedIn,
    Path((u, r)): Path<(String, String)>,
    body: String,
) -> Result<Response, AppError> {
    let reader = open_in_inbox(&state, &user, &u, &r).await?;
    let receiver = reader.receiver()?;
    let pairs = forms::pairs(&body);
    let chosen = forms::get(&pairs, "utfall");
    let problem = match Outcome::from_code(chosen) {
        None if chosen.is_empty() => Some(Problem::Required),
        None => Some(Problem::UnknownChoice),
        Some(_) => None,
    };
    let rid = user.ctx.request_id.clone();
    let result = match Outcome::from_code(chosen) {
        Some(o) => {
            let rc = receiver.clone();
            state
                .db
                .write(move |c| reports::record_outcome(c, &rc, o, &rid))
                .await
        }
        None => Err(laget_db::DbError::Conflict),
    };
    match result {
        Ok(()) => Ok(
            Redirect::to(&format!("/barnevern/{u}/meldinger/{r}?melding=utfall")).into_response(),
        ),
        // Not a choice, or one that may not follow the present outcome
        // (another worker answered meanwhile): the page again, with why.
        Err(laget_db::DbError::Conflict) => {
            let mut form = FormState::with_values(forms::redisplayable(&pairs));
            let text = match problem {
                Some(p) => user.m.problem(p),
                None => user.m.bm_outcome_not_now.to_owned(),
            };
            form.add_error("utfall", &text);
            invalid(&view_page(&state, &user, reader, form, None).await?)
        }
        Err(e) => Err(e.into()),
    }
}
