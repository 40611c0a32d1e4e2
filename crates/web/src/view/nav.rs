//! The main menu as a table: one [`Entry`] per link, in menu order. An entry
//! says where it links, its text, who sees it, and which routes make it the
//! current page. A new page on an existing feature adds its route to the
//! `current` list of the entry it belongs under (or to none); a new menu
//! link is one more row.

use crate::i18n::Messages;
use laget_domain::access::Actor;
use laget_domain::{MunicipalityId, UnitId};

/// One link in the menu, as `base.html` shows it.
#[derive(Clone, Debug)]
pub struct NavItem {
    pub href: String,
    pub label: String,
    pub current: bool,
}

/// Where an entry links.
#[derive(Clone, Copy)]
pub enum Href {
    /// The same for everyone.
    Fixed(&'static str),
    /// Made from the user's rights (their one unit, their one municipality);
    /// `None` leaves the entry out.
    Of(fn(&Actor) -> Option<String>),
}

/// Who sees an entry.
#[derive(Clone, Copy)]
pub enum Audience {
    /// Everyone, visitors who are not signed in too (the catalogue).
    Everyone,
    /// Signed-in users for whom the function holds.
    SignedIn(fn(&Actor) -> bool),
}

/// One row of the menu table.
pub struct Entry {
    pub href: Href,
    pub label: fn(&Messages) -> &'static str,
    pub audience: Audience,
    /// The route patterns whose pages this entry is current on. A pattern is
    /// a route as in `routes.rs` (`{name}` stands for one segment), or ends in
    /// `/**` for every path below it. Where several entries' patterns match a
    /// path, the most specific one wins, as in the router: a literal segment
    /// before a parameter, a parameter before `**`. The winner is marked
    /// current only if the user sees it.
    pub current: &'static [&'static str],
}

fn everyone(_: &Actor) -> bool {
    true
}

fn does_casework(a: &Actor) -> bool {
    !a.casework_units().is_empty()
}

fn reviews_offers(a: &Actor) -> bool {
    !a.reviewed_municipalities().is_empty()
}

/// The user's unit when they lead exactly one.
fn led_unit(a: &Actor) -> Option<UnitId> {
    match a.led_units().as_slice() {
        [unit] => Some(*unit),
        _ => None,
    }
}

/// The inbox of the user's child welfare service when they work in exactly
/// one (issue #13).
fn report_inbox(a: &Actor) -> Option<String> {
    match a.child_welfare_inboxes().as_slice() {
        [unit] => Some(format!("/barnevern/{unit}/meldinger")),
        _ => None,
    }
}

/// The user's municipality when they administer exactly one.
fn administered(a: &Actor) -> Option<MunicipalityId> {
    match a.administered_municipalities().as_slice() {
        [municipality] => Some(*municipality),
        _ => None,
    }
}

/// The menu, in order.
pub const MENU: &[Entry] = &[
    Entry {
        href: Href::Fixed("/"),
        label: |m| m.nav_home,
        audience: Audience::SignedIn(everyone),
        current: &["/"],
    },
    Entry {
        href: Href::Fixed("/tiltak"),
        label: |m| m.nav_catalogue,
        audience: Audience::Everyone,
        current: &["/tiltak", "/tiltak/**"],
    },
    Entry {
        href: Href::Fixed("/tiltakstrapp"),
        label: |m| m.nav_ladder,
        audience: Audience::Everyone,
        current: &["/tiltakstrapp"],
    },
    Entry {
        href: Href::Fixed("/barn"),
        label: |m| m.nav_children,
        audience: Audience::SignedIn(does_casework),
        current: &["/barn", "/barn/**", "/logger/**"],
    },
    Entry {
        href: Href::Fixed("/mine-oppgaver"),
        label: |m| m.nav_tasks,
        audience: Audience::SignedIn(|a| does_casework(a) || reviews_offers(a)),
        current: &["/mine-oppgaver"],
    },
    Entry {
        href: Href::Fixed("/bekymringsmeldinger"),
        label: |m| m.nav_reports,
        audience: Audience::SignedIn(does_casework),
        current: &["/bekymringsmeldinger", "/bekymringsmeldinger/**"],
    },
    Entry {
        href: Href::Of(report_inbox),
        label: |m| m.nav_report_inbox,
        audience: Audience::SignedIn(everyone),
        current: &[
            "/barnevern/{unit}/meldinger",
            "/barnevern/{unit}/meldinger/**",
        ],
    },
    Entry {
        href: Href::Fixed("/drofting"),
        label: |m| m.nav_consultations,
        audience: Audience::SignedIn(does_casework),
        current: &["/drofting"],
    },
    Entry {
        href: Href::Fixed("/team"),
        label: |m| m.nav_teams,
        // The coordinating unit's staff may lead or sit on a team too.
        audience: Audience::SignedIn(|a| does_casework(a) || reviews_offers(a)),
        current: &["/team", "/team/**"],
    },
    Entry {
        href: Href::Fixed("/nodtilgang"),
        label: |m| m.nav_break_glass,
        audience: Audience::SignedIn(Actor::may_break_glass),
        current: &["/nodtilgang"],
    },
    Entry {
        href: Href::Of(|a| led_unit(a).map(|u| format!("/enheter/{u}/logger"))),
        label: |m| m.nav_overview,
        audience: Audience::SignedIn(everyone),
        current: &["/enheter/{unit}/logger"],
    },
    Entry {
        href: Href::Fixed("/tiltak/mine"),
        label: |m| m.nav_my_offers,
        audience: Audience::SignedIn(|a| !a.edited_units().is_empty()),
        current: &[
            "/tiltak/mine",
            "/tiltak/ny",
            "/tiltak/{offer}/endre",
            "/tiltak/{offer}/historikk",
        ],
    },
    Entry {
        href: Href::Fixed("/tiltak/forslag"),
        label: |m| m.nav_proposals,
        audience: Audience::SignedIn(|a| {
            reviews_offers(a) || !a.administered_municipalities().is_empty()
        }),
        current: &["/tiltak/forslag", "/tiltak/forslag/**"],
    },
    Entry {
        href: Href::Of(|a| administered(a).map(|k| format!("/kommuner/{k}/enheter"))),
        label: |m| m.nav_units,
        audience: Audience::SignedIn(everyone),
        current: &[
            "/kommuner/{municipality}/enheter",
            "/kommuner/{municipality}/enheter/**",
        ],
    },
    Entry {
        href: Href::Of(|a| administered(a).map(|k| format!("/kommuner/{k}/brukere"))),
        label: |m| m.nav_users,
        audience: Audience::SignedIn(everyone),
        current: &[
            "/kommuner/{municipality}/brukere",
            "/kommuner/{municipality}/brukere/**",
        ],
    },
    Entry {
        href: Href::Of(|a| administered(a).map(|k| format!("/kommuner/{k}/tiltak"))),
        label: |m| m.nav_catalogue_admin,
        audience: Audience::SignedIn(everyone),
        current: &[
            "/kommuner/{municipality}/tiltak",
            "/kommuner/{municipality}/tiltak/**",
        ],
    },
    Entry {
        href: Href::Of(|a| administered(a).map(|k| format!("/kommuner/{k}/stafettlogg"))),
        label: |m| m.nav_log_settings,
        audience: Audience::SignedIn(everyone),
        current: &[
            "/kommuner/{municipality}/stafettlogg",
            "/kommuner/{municipality}/stafettlogg/**",
        ],
    },
    Entry {
        href: Href::Of(|a| administered(a).map(|k| format!("/kommuner/{k}/motemaler"))),
        label: |m| m.nav_meeting_templates,
        audience: Audience::SignedIn(everyone),
        current: &["/kommuner/{municipality}/motemaler"],
    },
    Entry {
        href: Href::Of(|a| administered(a).map(|k| format!("/kommuner/{k}/team"))),
        label: |m| m.nav_teams_admin,
        audience: Audience::SignedIn(everyone),
        current: &[
            "/kommuner/{municipality}/team",
            "/kommuner/{municipality}/team/**",
        ],
    },
    Entry {
        href: Href::Fixed("/kommuner"),
        label: |m| m.nav_municipalities,
        audience: Audience::SignedIn(Actor::is_system_admin),
        current: &["/kommuner"],
    },
    Entry {
        href: Href::Of(|a| led_unit(a).map(|u| format!("/enheter/{u}/tilgangslogg"))),
        label: |m| m.nav_access_log,
        audience: Audience::SignedIn(everyone),
        current: &["/enheter/{unit}/tilgangslogg"],
    },
    Entry {
        href: Href::Of(|a| led_unit(a).map(|u| format!("/enheter/{u}/tildelte-roller"))),
        label: |m| m.nav_role_grants,
        audience: Audience::SignedIn(everyone),
        current: &["/enheter/{unit}/tildelte-roller"],
    },
];

/// How specifically `pattern` matches `path`, one score per path segment
/// (2 literal, 1 parameter, 0 under `**`), or `None` when it does not match.
/// Scores of matches of the same path have the same length and compare as
/// the router ranks routes.
fn specificity(pattern: &str, path: &str) -> Option<Vec<u8>> {
    let mut path = path.trim_start_matches('/').split('/');
    let mut scores = Vec::new();
    for part in pattern.trim_start_matches('/').split('/') {
        if part == "**" {
            // One segment at least, then everything.
            path.next()?;
            scores.push(0);
            scores.extend(path.map(|_| 0));
            return Some(scores);
        }
        let segment = path.next()?;
        if part.starts_with('{') && part.ends_with('}') && !segment.is_empty() {
            scores.push(1);
        } else if part == segment {
            scores.push(2);
        } else {
            return None;
        }
    }
    path.next().is_none().then_some(scores)
}

/// The entry's best match on `path`.
fn best(entry: &Entry, path: &str) -> Option<Vec<u8>> {
    entry
        .current
        .iter()
        .filter_map(|pattern| specificity(pattern, path))
        .max()
}

/// The menu for `actor` (`None`: a visitor who is not signed in) on `path`.
pub fn menu(m: &Messages, actor: Option<&Actor>, path: &str) -> Vec<NavItem> {
    // The most specific match over the whole table, whoever sees it: a page
    // of an entry the user does not see makes no other entry current.
    let winner = MENU.iter().filter_map(|e| best(e, path)).max();
    MENU.iter()
        .filter_map(|entry| {
            let shown = match (entry.audience, actor) {
                (Audience::Everyone, _) => true,
                (Audience::SignedIn(holds), Some(actor)) => holds(actor),
                (Audience::SignedIn(_), None) => false,
            };
            if !shown {
                return None;
            }
            let (href, own) = match (entry.href, actor) {
                (Href::Fixed(href), _) => (href.to_owned(), true),
                // The user's own unit or municipality, not another's.
                (Href::Of(make), Some(actor)) => {
                    let href = make(actor)?;
                    let own = path == href || path.starts_with(&format!("{href}/"));
                    (href, own)
                }
                (Href::Of(_), None) => return None,
            };
            Some(NavItem {
                href,
                label: (entry.label)(m).to_owned(),
                current: own && winner.is_some() && best(entry, path) == winner,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn current(path: &str) -> Vec<&'static str> {
        let winner = MENU.iter().filter_map(|e| best(e, path)).max();
        MENU.iter()
            .filter(|e| winner.is_some() && best(e, path) == winner)
            .map(|e| (e.label)(&crate::i18n::NB))
            .collect()
    }

    #[test]
    fn patterns_match_like_the_router() {
        assert_eq!(specificity("/", "/"), Some(vec![2]));
        assert_eq!(specificity("/tiltak", "/tiltak/"), None);
        assert_eq!(specificity("/tiltak/**", "/tiltak"), None);
        assert_eq!(
            specificity("/tiltak/**", "/tiltak/a/b"),
            Some(vec![2, 0, 0])
        );
        assert_eq!(
            specificity("/tiltak/{offer}", "/tiltak/mine"),
            Some(vec![2, 1])
        );
        assert_eq!(specificity("/tiltak/{offer}", "/tiltak/a/endre"), None);
        assert_eq!(specificity("/barn", "/"), None);
    }

    #[test]
    fn each_page_makes_its_entry_current() {
        let nb = &crate::i18n::NB;
        for (path, entry) in [
            ("/", nb.nav_home),
            ("/tiltak", nb.nav_catalogue),
            ("/tiltak/3f1c", nb.nav_catalogue),
            ("/tiltak/mine", nb.nav_my_offers),
            ("/tiltak/ny", nb.nav_my_offers),
            ("/tiltak/3f1c/endre", nb.nav_my_offers),
            ("/tiltak/3f1c/historikk", nb.nav_my_offers),
            ("/tiltak/forslag", nb.nav_proposals),
            ("/tiltak/forslag/9a", nb.nav_proposals),
            ("/barn/7/endre", nb.nav_children),
            ("/logger/7/tiltak/8", nb.nav_children),
            ("/kommuner", nb.nav_municipalities),
            ("/kommuner/1/enheter/2", nb.nav_units),
            ("/kommuner/1/tiltak", nb.nav_catalogue_admin),
            ("/enheter/2/tilgangslogg", nb.nav_access_log),
        ] {
            assert_eq!(current(path), vec![entry], "{path}");
        }
        for path in ["/drofting/7/endre", "/kommuner/1/utfordringer", "/logg-inn"] {
            assert!(current(path).is_empty(), "{path}: {:?}", current(path));
        }
    }
}
