//! The citizen's choice of language for the portal (`POST /familie/sprak`):
//! the pages are bokmål or nynorsk; a language the municipality has written
//! texts in (`laget_db::portal::texts`) may be chosen too, and its texts are
//! then shown beside the bokmål pages. Stored on the citizen
//! (`laget_db::portal::citizens::set_language`); `CitizenRights::messages`
//! picks the pages' written standard from it. Without a choice the pages
//! are bokmål.
//!
//! [`picker`] is the small form a portal page shows to choose.

use crate::AppState;
use crate::error::AppError;
use crate::extract::citizen::SignedInCitizen;
use crate::extract::form as forms;
use crate::i18n::Messages;
use crate::view::format::today;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use laget_db::portal::texts::PortalText;

/// One language to choose.
pub struct LanguageOption {
    pub value: String,
    /// The language's name in itself.
    pub label: String,
    pub checked: bool,
}

/// The language form of a portal page.
pub struct LanguagePicker {
    pub options: Vec<LanguageOption>,
    /// Where to return after choosing (this page).
    pub next: String,
}

/// Bokmål, nynorsk and the municipality's languages, the chosen one
/// checked (bokmål when none is).
pub fn picker(
    m: &Messages,
    chosen: Option<&str>,
    texts: &[PortalText],
    next: &str,
) -> LanguagePicker {
    let chosen = chosen.unwrap_or("nb");
    let mut options = vec![
        LanguageOption {
            value: "nb".into(),
            label: m.portal_language_nb.into(),
            checked: chosen == "nb",
        },
        LanguageOption {
            value: "nn".into(),
            label: m.portal_language_nn.into(),
            checked: chosen == "nn",
        },
    ];
    options.extend(texts.iter().map(|t| LanguageOption {
        value: t.language.clone(),
        label: t.language_name.clone(),
        checked: chosen == t.language,
    }));
    LanguagePicker {
        options,
        next: next.to_owned(),
    }
}

/// The languages the municipalities of the citizen's children's logs have
/// texts in (only logs the citizen may open count).
async fn offered(state: &AppState, citizen: &SignedInCitizen) -> Result<Vec<String>, AppError> {
    let actor = citizen.citizen.clone();
    let today = today();
    Ok(state
        .db
        .read(move |c| {
            let mut tags = Vec::new();
            for log in laget_db::lookup::family_logs(c, &actor)? {
                let facts = laget_db::lookup::family_facts(c, log, today)?;
                if let Ok(r) = actor.open_log(&facts) {
                    tags.extend(
                        laget_db::portal::texts::for_family(c, &r)?
                            .into_iter()
                            .map(|t| t.language),
                    );
                }
            }
            Ok(tags)
        })
        .await?)
}

/// Chooses the portal's language and returns to the page it was chosen on.
/// A language not offered is a 404.
pub async fn choose(
    State(state): State<AppState>,
    citizen: SignedInCitizen,
    body: String,
) -> Result<Response, AppError> {
    let pairs = forms::pairs(&body);
    let chosen = forms::get(&pairs, "sprak").trim().to_owned();
    let next = forms::safe_next(forms::get(&pairs, "neste"));
    let next = if next.starts_with("/familie") {
        next
    } else {
        "/familie".to_owned()
    };
    if chosen != "nb" && chosen != "nn" && !offered(&state, &citizen).await?.contains(&chosen) {
        return Err(AppError::NotFound);
    }
    let id = citizen.citizen.id();
    state
        .db
        .write(move |c| laget_db::portal::citizens::set_language(c, id, Some(&chosen)))
        .await?;
    Ok(Redirect::to(&next).into_response())
}
