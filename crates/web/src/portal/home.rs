//! `GET /familie`: the family's start page. Lists the logs the signed-in
//! citizen may open — their children's (as a guardian with parental
//! responsibility) and, from 15, their own («Din logg») — each decided with
//! `CitizenActor::open_log`. Listing a log is a read of the child's data,
//! recorded with the citizen as principal. A citizen Laget does not know,
//! or one with no log to open, sees only a friendly text.
//!
//! The page also offers the language choice (`crate::portal::language`),
//! and, when the citizen chose a language a municipality of their logs has
//! texts in, that municipality's welcome text (`portal_texts.portal_info`).

use crate::AppState;
use crate::error::AppError;
use crate::extract::citizen::SignedInCitizen;
use crate::portal::consent::direction;
use crate::portal::language::{self, LanguagePicker};
use crate::view::format::today;
use crate::view::layout::Layout;
use crate::view::page;
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use laget_db::portal::texts::PortalText;
use laget_domain::portal::FamilyRole;

/// One log on the start page.
pub struct Card {
    pub href: String,
    /// The child's first name, or «Din logg» for the youth's own.
    pub name: String,
    pub level: String,
    pub lead: String,
    pub status: &'static str,
}

#[derive(Template)]
#[template(path = "portal/home.html")]
struct HomePage {
    layout: Layout,
    cards: Vec<Card>,
    picker: LanguagePicker,
    welcome: Option<Welcome>,
}

/// The municipality's welcome text in the language the citizen chose.
pub struct Welcome {
    pub lang: String,
    /// `rtl` or `ltr`.
    pub dir: &'static str,
    pub name: String,
    pub text: String,
}

/// The languages the citizen's municipalities have texts in, each once
/// (the first municipality's text for it).
fn distinct(texts: Vec<PortalText>) -> Vec<PortalText> {
    let mut out: Vec<PortalText> = Vec::new();
    for t in texts {
        if !out.iter().any(|x| x.language == t.language) {
            out.push(t);
        }
    }
    out
}

fn welcome(chosen: Option<&str>, texts: &[PortalText]) -> Option<Welcome> {
    let chosen = chosen?;
    texts
        .iter()
        .find(|t| t.language == chosen && !t.portal_info.trim().is_empty())
        .map(|t| Welcome {
            lang: t.language.clone(),
            dir: direction(&t.language),
            name: t.language_name.clone(),
            text: t.portal_info.clone(),
        })
}

pub async fn get(
    State(state): State<AppState>,
    citizen: SignedInCitizen,
) -> Result<Response, AppError> {
    let actor = citizen.citizen.clone();
    let rid = citizen.ctx.request_id.clone();
    let today = today();
    let (found, texts) = state
        .db
        .write(move |c| {
            let mut out = Vec::new();
            let mut texts = Vec::new();
            for log in laget_db::lookup::family_logs(c, &actor)? {
                let facts = laget_db::lookup::family_facts(c, log, today)?;
                // Only the logs that open are listed (and read).
                if let Ok(reader) = actor.open_log(&facts) {
                    out.push((
                        reader.role(),
                        laget_db::portal::view::card(c, &reader, &rid)?,
                    ));
                    texts.extend(laget_db::portal::texts::for_family(c, &reader)?);
                }
            }
            Ok((out, texts))
        })
        .await?;
    let texts = distinct(texts);
    let m = citizen.m;
    let cards = found
        .into_iter()
        .map(|(role, card)| Card {
            href: format!("/familie/logger/{}", card.log_id),
            name: match role {
                FamilyRole::Youth => m.portal_your_log.to_owned(),
                FamilyRole::Guardian(_) => card.child_first_name.clone(),
            },
            level: crate::log::words::level_name(m, card.model, card.level),
            lead: card.lead.unwrap_or_else(|| m.portal_no_lead.to_owned()),
            status: if card.is_open {
                m.portal_status_open
            } else {
                m.portal_status_closed
            },
        })
        .collect();
    let chosen = citizen.language.as_deref();
    page(&HomePage {
        layout: Layout::citizen(&citizen, m.portal_home_title),
        cards,
        picker: language::picker(m, chosen, &texts, "/familie"),
        welcome: welcome(chosen, &texts),
    })
}
