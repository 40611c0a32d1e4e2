//! The municipality's texts for families in other languages
//! (`/kommuner/{municipality}/familietekster`, for its administrator): the
//! languages it has written texts in, and a form to add or change one (the
//! language tag, its name in itself, what consent means, the portal's
//! welcome) or delete it. The family's portal is bokmål and nynorsk; a
//! citizen who picks one of these languages sees its texts beside the
//! pages (`crate::portal::consent`).
//!
//! A tag is a BCP 47 primary language subtag: two or three letters (ISO
//! 639-1 or 639-2/3), written in lower case: `en`, `ar`, `so`, `ti`, `pl`,
//! `uk`, … Region or script subtags are not taken (one text per language);
//! bokmål and nynorsk (`nb`, `nn`, `no`, `nob`, `nno`, `nor`) are Laget's
//! own and refused.

use crate::AppState;
use crate::error::AppError;
use crate::extract::form::{self as forms, FormState};
use crate::extract::path::municipality_admin;
use crate::extract::user::SignedIn;
use crate::i18n::Messages;
use crate::view::format::time;
use crate::view::layout::Layout;
use crate::view::{invalid, page};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use laget_db::portal::texts::{self as db, PortalText};
use laget_domain::validation::required_text;

/// How long a language's name and its texts may be.
const NAME_MAX: usize = 100;
const TEXT_MAX: usize = 8000;

/// Laget's own written standards, not added as other languages.
const BUILT_IN: [&str; 6] = ["nb", "nn", "no", "nob", "nno", "nor"];

/// Why a language tag was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TagProblem {
    Invalid,
    BuiltIn,
}

/// A language tag as typed: trimmed and in lower case, two or three ASCII
/// letters, not bokmål or nynorsk.
pub fn parse_tag(raw: &str) -> Result<String, TagProblem> {
    let tag = raw.trim().to_ascii_lowercase();
    if !(2..=3).contains(&tag.len()) || !tag.bytes().all(|b| b.is_ascii_lowercase()) {
        return Err(TagProblem::Invalid);
    }
    if BUILT_IN.contains(&tag.as_str()) {
        return Err(TagProblem::BuiltIn);
    }
    Ok(tag)
}

/// One language in the list.
pub struct TextLine {
    pub language: String,
    pub name: String,
    pub dir: &'static str,
    pub updated: String,
    pub edit_href: String,
}

#[derive(Template)]
#[template(path = "portal/texts.html")]
struct TextsPage {
    layout: Layout,
    municipality: String,
    lines: Vec<TextLine>,
    form: FormState,
}

#[derive(serde::Deserialize)]
pub struct TextsQuery {
    /// A language to edit (its texts fill the form).
    #[serde(default)]
    sprak: Option<String>,
    #[serde(default)]
    melding: Option<String>,
}

fn render(user: &SignedIn, municipality: &str, texts: &[PortalText], form: FormState) -> TextsPage {
    let m: &Messages = user.m;
    TextsPage {
        layout: Layout::signed_in(user, m.texts_title),
        municipality: municipality.to_owned(),
        lines: texts
            .iter()
            .map(|t| TextLine {
                language: t.language.clone(),
                name: t.language_name.clone(),
                dir: crate::portal::consent::direction(&t.language),
                updated: time(t.updated_at),
                edit_href: format!(
                    "/kommuner/{municipality}/familietekster?sprak={}#skjema",
                    t.language
                ),
            })
            .collect(),
        form: form.fields(&[
            ("sprak", m.texts_tag),
            ("navn", m.texts_name),
            ("samtykke", m.texts_consent),
            ("velkommen", m.texts_portal),
        ]),
    }
}

pub async fn show(
    State(state): State<AppState>,
    user: SignedIn,
    Path(raw): Path<String>,
    Query(q): Query<TextsQuery>,
) -> Result<Response, AppError> {
    let cap = municipality_admin(&user, &raw)?;
    let mid = cap.municipality_id().to_string();
    let texts = state.db.read(move |c| db::all(c, &cap)).await?;
    let form = match q
        .sprak
        .as_deref()
        .and_then(|l| texts.iter().find(|t| t.language == l))
    {
        Some(t) => FormState::with_values([
            ("sprak", t.language.clone()),
            ("navn", t.language_name.clone()),
            ("samtykke", t.consent_info.clone()),
            ("velkommen", t.portal_info.clone()),
        ]),
        None => FormState::default(),
    };
    let m = user.m;
    let mut p = render(&user, &mid, &texts, form);
    p.layout = p.layout.with_notice(match q.melding.as_deref() {
        Some("lagret") => Some(m.texts_saved),
        Some("slettet") => Some(m.texts_deleted),
        _ => None,
    });
    page(&p)
}

/// Saves a language's texts, or deletes a language (`slett`).
pub async fn save(
    State(state): State<AppState>,
    user: SignedIn,
    Path(raw): Path<String>,
    body: String,
) -> Result<Response, AppError> {
    let cap = municipality_admin(&user, &raw)?;
    let mid = cap.municipality_id().to_string();
    let pairs = forms::pairs(&body);
    let m = user.m;
    let delete = forms::get(&pairs, "slett").trim().to_owned();
    if !delete.is_empty() {
        let rid = user.ctx.request_id.clone();
        let found = state
            .db
            .write(move |c| db::delete(c, &cap, &delete, &rid))
            .await?;
        if !found {
            return Err(AppError::NotFound);
        }
        return Ok(
            Redirect::to(&format!("/kommuner/{mid}/familietekster?melding=slettet"))
                .into_response(),
        );
    }
    let mut form = FormState::with_values(forms::redisplayable(&pairs));
    let tag = match parse_tag(forms::get(&pairs, "sprak")) {
        Ok(t) => Some(t),
        Err(TagProblem::Invalid) => {
            form.add_error("sprak", m.texts_tag_invalid);
            None
        }
        Err(TagProblem::BuiltIn) => {
            form.add_error("sprak", m.texts_tag_builtin);
            None
        }
    };
    let mut text = |field: &str, max: usize| match required_text(forms::get(&pairs, field), max) {
        Ok(t) => Some(t),
        Err(p) => {
            form.add_error(field, &m.problem(p));
            None
        }
    };
    let name = text("navn", NAME_MAX);
    let consent = text("samtykke", TEXT_MAX);
    let welcome = text("velkommen", TEXT_MAX);
    let (Some(language), Some(language_name), Some(consent_info), Some(portal_info)) =
        (tag, name, consent, welcome)
    else {
        let texts = state.db.read(move |c| db::all(c, &cap)).await?;
        return invalid(&render(&user, &mid, &texts, form));
    };
    let t = PortalText {
        language,
        language_name,
        consent_info,
        portal_info,
        updated_at: chrono::Utc::now(),
    };
    let rid = user.ctx.request_id.clone();
    state.db.write(move |c| db::save(c, &cap, &t, &rid)).await?;
    Ok(Redirect::to(&format!("/kommuner/{mid}/familietekster?melding=lagret")).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_are_primary_language_subtags() {
        for ok in ["en", "ar", "so", "ti", "pl", "uk", " EN ", "fil"] {
            assert!(parse_tag(ok).is_ok(), "{ok}");
        }
        assert_eq!(parse_tag(" EN "), Ok("en".to_owned()));
        for bad in ["", "e", "engl", "en-GB", "e1", "ær", "<b>"] {
            assert_eq!(parse_tag(bad), Err(TagProblem::Invalid), "{bad}");
        }
        for own in ["nb", "NN", "no"] {
            assert_eq!(parse_tag(own), Err(TagProblem::BuiltIn), "{own}");
        }
    }
}
