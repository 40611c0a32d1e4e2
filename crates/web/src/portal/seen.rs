//! `GET /familie/logger/{log}/innsyn`: «Hvem har sett loggen» for the
//! family — every read and write of the child's log and record from the
//! access log: when (Norwegian time), who (a staff member by name and
//! unit; «Du», «En foresatt» or «Ungdommen» for citizens; the operator),
//! what, and the ground in words. Newest first, 50 a page (keyset paging on
//! the row number, `?for=`). The staff page's query is reused
//! (`laget_db::audit::for_objects_before`); reading this page is itself
//! recorded.
//!
//! A break-glass opening is shown as «Nødtilgang» without its written
//! reason: the reason may tell what the family is not to be told (a
//! suspicion of harm at home); the opening is reviewed afterwards by the
//! unit's leader.

use crate::AppState;
use crate::error::AppError;
use crate::extract::citizen::FamilyLog;
use crate::i18n::Messages;
use crate::view::format::time;
use crate::view::layout::Layout;
use crate::view::page;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use laget_db::portal::view::Seen;
use laget_domain::audit::Principal;

/// Rows on one page.
const PAGE_ROWS: i64 = 50;

#[derive(serde::Deserialize, Default)]
pub struct SeenQuery {
    /// The next page: rows older than this row number.
    #[serde(default, rename = "for")]
    before: String,
}

pub struct SeenRow {
    pub when: String,
    pub who: String,
    pub what: String,
    pub ground: String,
}

#[derive(Template)]
#[template(path = "portal/seen.html")]
struct SeenPage {
    layout: Layout,
    log: String,
    rows: Vec<SeenRow>,
    older_href: Option<String>,
    newest_href: Option<String>,
}

/// Who acted, as the family reads it.
fn who(m: &Messages, r: &laget_domain::access::FamilyReader, s: &Seen) -> String {
    let e = &s.entry;
    match e.principal {
        Some(Principal::Staff(_)) => {
            let name = e
                .actor_name
                .clone()
                .unwrap_or_else(|| m.portal_seen_unknown.into());
            match &s.unit {
                Some(unit) => format!("{name} ({unit})"),
                None => name,
            }
        }
        Some(Principal::Citizen(c)) if c == r.citizen_id() => m.portal_seen_you.into(),
        Some(Principal::Citizen(_)) => match ground_code(&e.ground) {
            "ungdom" => m.portal_seen_youth.into(),
            _ => m.portal_seen_guardian.into(),
        },
        Some(Principal::Operator) => m.portal_seen_operator.into(),
        None => m.portal_seen_unknown.into(),
    }
}

/// The ground's code without the record it rests on («lag_og_samtykke:<id>»).
fn ground_code(ground: &str) -> &str {
    ground.split_once(':').map_or(ground, |(code, _)| code)
}

/// Why they had access, in the family's words.
fn ground(m: &Messages, ground: &str) -> String {
    match ground_code(ground) {
        "egen_enhet" => m.portal_ground_own_unit.into(),
        "lag_og_samtykke" => m.portal_ground_team_consent.into(),
        "leder_av_enheten" => m.portal_ground_unit_leader.into(),
        "nodtilgang" => m.portal_ground_break_glass.into(),
        "koordinerende_enhet" => m.portal_ground_coordinating.into(),
        "foresatt" => m.portal_ground_guardian.into(),
        "ungdom" => m.portal_ground_youth.into(),
        "operator" => m.portal_ground_operator.into(),
        other => m.audit_code(other),
    }
}

/// What was done, and to which part.
fn what(m: &Messages, object: &str, action: &str) -> String {
    match (object, action) {
        ("log", "read") => m.portal_what_read_log.into(),
        // The start page's listing of the family's logs (F3).
        ("log", "list") => m.portal_what_list_log.into(),
        ("log", "update") => m.portal_what_update_log.into(),
        ("log", "create") => m.portal_what_create_log.into(),
        ("log", "print") => m.portal_what_print_log.into(),
        ("log", "break_glass") => m.portal_what_break_glass_log.into(),
        ("child", "read") => m.portal_what_read_child.into(),
        ("child", "update") => m.portal_what_update_child.into(),
        ("child", "create") => m.portal_what_create_child.into(),
        ("child", "list") => m.portal_what_list_child.into(),
        ("access_log", "read") => m.portal_what_read_access_log.into(),
        (object, action) => format!("{}: {}", m.audit_code(object), m.audit_code(action)),
    }
}

pub async fn get(
    State(state): State<AppState>,
    FamilyLog { citizen, reader }: FamilyLog,
    Query(q): Query<SeenQuery>,
) -> Result<Response, AppError> {
    let before = q.before.trim().parse::<i64>().ok().filter(|b| *b > 0);
    let rid = citizen.ctx.request_id.clone();
    let r = reader.clone();
    let mut rows = state
        .db
        .write(move |c| laget_db::portal::view::who_has_seen(c, &r, before, PAGE_ROWS + 1, &rid))
        .await?;
    // The row past the page only tells that there is a next page.
    let more = rows.len() > PAGE_ROWS as usize;
    rows.truncate(PAGE_ROWS as usize);
    let log = reader.log_id();
    let m = citizen.m;
    let older_href = rows
        .last()
        .filter(|_| more)
        .map(|s| format!("/familie/logger/{log}/innsyn?for={}", s.entry.seq));
    let newest_href = before.map(|_| format!("/familie/logger/{log}/innsyn"));
    let rows = rows
        .iter()
        .map(|s| SeenRow {
            when: time(s.entry.at),
            who: who(m, &reader, s),
            what: what(m, &s.entry.object_type, &s.entry.action),
            ground: ground(m, &s.entry.ground),
        })
        .collect();
    page(&SeenPage {
        layout: Layout::citizen(&citizen, m.portal_seen_title),
        log: log.to_string(),
        rows,
        older_href,
        newest_href,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::{NB, NN};

    #[test]
    fn grounds_and_actions_are_in_the_familys_words() {
        assert_eq!(ground(&NB, "lag_og_samtykke:abc"), "På laget, med samtykke");
        assert_eq!(ground(&NB, "foresatt:123"), "Foresatt");
        assert_eq!(ground(&NN, "ungdom"), "Ungdommen sjølv");
        assert!(ground(&NB, "nodtilgang:xyz").starts_with("Nødtilgang"));
        assert_eq!(what(&NB, "log", "read"), "Leste loggen");
        assert_eq!(what(&NB, "log", "list"), "Så oversikten over loggene");
        assert_eq!(
            what(&NB, "access_log", "read"),
            "Så hvem som har sett loggen"
        );
        assert_eq!(what(&NB, "child", "update"), "Endret barnets opplysninger");
    }
}
