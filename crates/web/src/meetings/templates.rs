//! The municipality's templates for case meetings
//! (`/kommuner/{municipality}/motemaler`, for its administrator, like
//! `/kommuner/{municipality}/stafettlogg`): per kind the purpose and agenda
//! an invitation starts from, a guide for the minutes, and how many days
//! before the meeting the child's voice is due. Without the
//! municipality's own text, the message catalogue's default in its written
//! standard ([`text`]); the invitation form and the minutes use the same.

use crate::AppState;
use crate::error::AppError;
use crate::extract::form::{self as forms, FormState};
use crate::extract::path::municipality_admin;
use crate::extract::user::SignedIn;
use crate::i18n::Messages;
use crate::meetings::words::kind_label;
use crate::view::layout::Layout;
use crate::view::notice::NoticeQuery;
use crate::view::{invalid, page};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use laget_db::meetings::templates::{self as db, MeetingTemplate};
use laget_domain::MunicipalityId;
use laget_domain::meetings::MeetingKind;
use laget_domain::meetings::invitation::{
    AGENDA_MAX, DEFAULT_VOICE_DAYS_BEFORE, MeetingProblem, PURPOSE_MAX, voice_days_before,
};
use laget_domain::validation::{Problem, required_text};

/// A template's texts as they apply: the municipality's own, or the
/// catalogue's default in the reader's (the municipality's) language.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TemplateText {
    pub purpose: String,
    pub agenda: String,
    pub minutes_guide: String,
    pub voice_days_before: u8,
    /// Whether these are the municipality's own words.
    pub own: bool,
}

/// The catalogue's default for `kind` (agenda items are `|`-separated in
/// the catalogue, one per line here).
pub fn default_text(m: &Messages, kind: MeetingKind) -> TemplateText {
    let (purpose, agenda, minutes) = match kind {
        MeetingKind::ResponsibilityGroup => (
            m.meeting_default_purpose_ansvarsgruppe,
            m.meeting_default_agenda_ansvarsgruppe,
            m.meeting_default_minutes_ansvarsgruppe,
        ),
        MeetingKind::Services => (
            m.meeting_default_purpose_instans,
            m.meeting_default_agenda_instans,
            m.meeting_default_minutes_instans,
        ),
        MeetingKind::Cooperation | MeetingKind::Team => (
            m.meeting_default_purpose_samarbeid,
            m.meeting_default_agenda_samarbeid,
            m.meeting_default_minutes_samarbeid,
        ),
    };
    TemplateText {
        purpose: purpose.to_owned(),
        agenda: agenda
            .split('|')
            .enumerate()
            .map(|(i, item)| format!("{}. {}", i + 1, item.trim()))
            .collect::<Vec<_>>()
            .join("\n"),
        minutes_guide: minutes.to_owned(),
        voice_days_before: DEFAULT_VOICE_DAYS_BEFORE,
        own: false,
    }
}

/// The template that applies to `kind`: the municipality's stored one
/// (`laget_db::meetings::templates::for_kind`), or the default. `m` must be
/// the municipality's messages (its written standard), as every signed-in
/// page's `user.m` is.
pub fn text(m: &Messages, kind: MeetingKind, stored: Option<&MeetingTemplate>) -> TemplateText {
    match stored {
        Some(t) => TemplateText {
            purpose: t.purpose.clone(),
            agenda: t.agenda.clone(),
            minutes_guide: t.minutes_guide.clone(),
            voice_days_before: t.voice_days_before,
            own: true,
        },
        None => default_text(m, kind),
    }
}

/// One kind's fields on the page.
pub struct KindFields {
    pub code: &'static str,
    pub name: &'static str,
    pub own: bool,
    pub purpose: String,
    pub agenda: String,
    pub minutes: String,
    pub days: String,
}

#[derive(Template)]
#[template(path = "meetings/templates.html")]
struct TemplatesPage {
    layout: Layout,
    municipality: String,
    kinds: Vec<KindFields>,
    form: FormState,
}

fn field(prefix: &str, kind: MeetingKind) -> String {
    format!("{prefix}_{}", kind.code())
}

/// The page; `defaults` are the messages of the municipality's written
/// standard (a system administrator's own are bokmål).
fn templates_page(
    user: &SignedIn,
    municipality: MunicipalityId,
    stored: &[MeetingTemplate],
    defaults: &Messages,
    form: FormState,
) -> TemplatesPage {
    let m = user.m;
    let kinds = MeetingKind::CASE
        .iter()
        .map(|k| {
            let t = text(defaults, *k, stored.iter().find(|t| t.kind == *k));
            let value = |prefix: &str, fallback: String| {
                let name = field(prefix, *k);
                if form.has_errors() {
                    form.value(&name).to_owned()
                } else {
                    fallback
                }
            };
            KindFields {
                code: k.code(),
                name: kind_label(m, *k),
                own: t.own,
                purpose: value("formal", t.purpose),
                agenda: value("agenda", t.agenda),
                minutes: value("referat", t.minutes_guide),
                days: value("dager", t.voice_days_before.to_string()),
            }
        })
        .collect();
    let labels: Vec<(String, String)> = MeetingKind::CASE
        .iter()
        .flat_map(|k| {
            let name = kind_label(m, *k);
            [
                (
                    field("formal", *k),
                    format!("{name}: {}", m.meeting_templates_purpose),
                ),
                (
                    field("agenda", *k),
                    format!("{name}: {}", m.meeting_templates_agenda),
                ),
                (
                    field("referat", *k),
                    format!("{name}: {}", m.meeting_templates_minutes),
                ),
                (
                    field("dager", *k),
                    format!("{name}: {}", m.meeting_templates_days),
                ),
            ]
        })
        .collect();
    let labels: Vec<(&str, &str)> = labels
        .iter()
        .map(|(f, l)| (f.as_str(), l.as_str()))
        .collect();
    TemplatesPage {
        layout: Layout::signed_in(user, m.meeting_templates_title),
        municipality: municipality.to_string(),
        kinds,
        form: form.fields(&labels),
    }
}

/// The municipality's stored templates, and the messages its defaults are
/// written in.
async fn stored_and_defaults(
    state: &AppState,
    cap: laget_domain::access::MunicipalityAdmin,
) -> Result<(Vec<MeetingTemplate>, &'static Messages), AppError> {
    let mid = cap.municipality_id();
    let (stored, standard) = state
        .db
        .read(move |c| {
            Ok((
                db::all(c, &cap)?,
                laget_db::admin::municipalities::written_standard(c, mid)?,
            ))
        })
        .await?;
    Ok((stored, Messages::of(standard)))
}

pub async fn form(
    State(state): State<AppState>,
    user: SignedIn,
    Path(m): Path<String>,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, AppError> {
    let cap = municipality_admin(&user, &m)?;
    let mid = cap.municipality_id();
    let (stored, defaults) = stored_and_defaults(&state, cap).await?;
    let mut p = templates_page(&user, mid, &stored, defaults, FormState::default());
    p.layout = p.layout.with_notice(
        (q.melding.as_deref() == Some("lagret")).then_some(user.m.meeting_templates_saved),
    );
    page(&p)
}

pub async fn save(
    State(state): State<AppState>,
    user: SignedIn,
    Path(m): Path<String>,
    body: String,
) -> Result<Response, AppError> {
    let cap = municipality_admin(&user, &m)?;
    let mid = cap.municipality_id();
    let pairs = forms::pairs(&body);
    let mut form = FormState::with_values(forms::redisplayable(&pairs));
    let mut templates = Vec::new();
    let mut standard = Vec::new();
    // An empty field takes the standard text (in the municipality's
    // written standard); a kind with nothing but standard text goes back
    // to it (its row deleted, the page says «Standardtekst» again).
    let standard_of = state
        .db
        .read(move |c| laget_db::admin::municipalities::written_standard(c, mid))
        .await?;
    let defaults = Messages::of(standard_of);
    for kind in MeetingKind::CASE {
        let d = default_text(defaults, kind);
        let mut text = |prefix: &str, max: usize, default: &str| {
            let name = field(prefix, kind);
            let raw = forms::get(&pairs, &name);
            let raw = if raw.trim().is_empty() { default } else { raw };
            match required_text(raw, max) {
                Ok(t) => Some(t),
                Err(p) => {
                    form.add_error(&name, &user.m.problem(p));
                    None
                }
            }
        };
        let purpose = text("formal", PURPOSE_MAX, &d.purpose);
        let agenda = text("agenda", AGENDA_MAX, &d.agenda);
        let minutes = text("referat", AGENDA_MAX, &d.minutes_guide);
        let days_field = field("dager", kind);
        let days_raw = forms::get(&pairs, &days_field);
        let default_days = d.voice_days_before.to_string();
        let days_raw = if days_raw.trim().is_empty() {
            default_days.as_str()
        } else {
            days_raw
        };
        let days = match voice_days_before(days_raw) {
            Ok(d) => Some(d),
            Err(MeetingProblem::Common(p)) => {
                form.add_error(&days_field, &user.m.problem(p));
                None
            }
            Err(_) => {
                form.add_error(&days_field, &user.m.problem(Problem::NotANumberInRange));
                None
            }
        };
        if let (Some(purpose), Some(agenda), Some(minutes_guide), Some(voice_days_before)) =
            (purpose, agenda, minutes, days)
        {
            let same = |a: &str, b: &str| a.trim() == b.trim();
            if same(&purpose, &d.purpose)
                && same(&agenda, &d.agenda)
                && same(&minutes_guide, &d.minutes_guide)
                && voice_days_before == d.voice_days_before
            {
                standard.push(kind);
                continue;
            }
            templates.push(MeetingTemplate {
                kind,
                purpose,
                agenda,
                minutes_guide,
                voice_days_before,
            });
        }
    }
    if form.has_errors() {
        let (stored, defaults) = stored_and_defaults(&state, cap).await?;
        return invalid(&templates_page(&user, mid, &stored, defaults, form));
    }
    let rid = user.ctx.request_id.clone();
    state
        .db
        .write(move |c| db::save(c, &cap, &templates, &standard, &rid))
        .await?;
    Ok(Redirect::to(&format!("/kommuner/{mid}/motemaler?melding=lagret")).into_response())
}
