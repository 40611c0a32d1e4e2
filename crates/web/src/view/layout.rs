//! What every page shares: texts, the header with user and log-out, the
//! navigation, notices, and the stylesheet links.

use crate::AppState;
use crate::extract::user::{Ctx, SignedIn};
use crate::i18n::Messages;
use crate::view::assets;

#[derive(Clone, Debug)]
pub struct NavItem {
    pub href: String,
    pub label: String,
    pub current: bool,
}

/// Data for `base.html`.
#[derive(Debug)]
pub struct Layout {
    pub m: &'static Messages,
    pub title: String,
    pub csrf: String,
    pub user_name: Option<String>,
    pub municipality: Option<String>,
    pub nav: Vec<NavItem>,
    pub notice: Option<&'static str>,
    pub stylesheets: Vec<String>,
    /// Pages ship no script unless they opt in (progressive enhancement only).
    pub scripts: Vec<String>,
    /// Show a «Logg inn» link in the header (public pages).
    pub show_login: bool,
}

/// The editor's pages about offers (their own list, new, edit, history).
fn is_editor_page(path: &str) -> bool {
    path == "/tiltak/mine"
        || path == "/tiltak/ny"
        || path.starts_with("/tiltak/forslag")
        || path.ends_with("/endre")
        || path.ends_with("/historikk")
}

/// The catalogue's pages, open to everyone.
fn public_nav(m: &Messages, path: &str) -> Vec<NavItem> {
    let in_catalogue = (path == "/tiltak" || path.starts_with("/tiltak/")) && !is_editor_page(path);
    vec![
        NavItem {
            href: "/tiltak".into(),
            label: m.nav_catalogue.into(),
            current: in_catalogue,
        },
        NavItem {
            href: "/tiltakstrapp".into(),
            label: m.nav_ladder.into(),
            current: path == "/tiltakstrapp",
        },
    ]
}

fn stylesheets() -> Vec<String> {
    ["theme.css", "designsystemet.css", "app.css"]
        .into_iter()
        .map(assets::url)
        .collect()
}

impl Layout {
    /// The layout for a signed-in user. The navigation shows what the user's
    /// roles allow; later features add their entries here.
    pub fn signed_in(user: &SignedIn, title: &str) -> Self {
        let m = user.m;
        let path = user.ctx.path.as_str();
        let mut nav = vec![NavItem {
            href: "/".into(),
            label: m.nav_home.into(),
            current: path == "/",
        }];
        nav.extend(public_nav(m, path));
        let casework = user.actor.casework_units();
        if !casework.is_empty() {
            for (href, label) in [
                ("/barn", m.nav_children),
                ("/mine-oppgaver", m.nav_tasks),
                ("/drofting", m.nav_consultations),
            ] {
                nav.push(NavItem {
                    current: path == href
                        || (href == "/barn"
                            && (path.starts_with("/barn/") || path.starts_with("/logger/"))),
                    href: href.into(),
                    label: label.into(),
                });
            }
        } else if !user.actor.reviewed_municipalities().is_empty() {
            nav.push(NavItem {
                href: "/mine-oppgaver".into(),
                label: m.nav_tasks.into(),
                current: path == "/mine-oppgaver",
            });
        }
        if user.actor.may_break_glass() {
            nav.push(NavItem {
                href: "/nodtilgang".into(),
                label: m.nav_break_glass.into(),
                current: path == "/nodtilgang",
            });
        }
        if let [unit] = user.actor.led_units().as_slice() {
            let href = format!("/enheter/{unit}/logger");
            nav.push(NavItem {
                current: path == href,
                href,
                label: m.nav_overview.into(),
            });
        }
        if !user.actor.edited_units().is_empty() {
            nav.push(NavItem {
                href: "/tiltak/mine".into(),
                label: m.nav_my_offers.into(),
                current: is_editor_page(path) && !path.starts_with("/tiltak/forslag"),
            });
        }
        if !user.actor.reviewed_municipalities().is_empty()
            || !user.actor.administered_municipalities().is_empty()
        {
            nav.push(NavItem {
                href: "/tiltak/forslag".into(),
                label: m.nav_proposals.into(),
                current: path.starts_with("/tiltak/forslag"),
            });
        }
        let administered = user.actor.administered_municipalities();
        if let [municipality] = administered.as_slice() {
            for (segment, label) in [
                ("enheter", m.nav_units),
                ("brukere", m.nav_users),
                ("tiltak", m.nav_catalogue_admin),
                ("stafettlogg", m.nav_log_settings),
            ] {
                let href = format!("/kommuner/{municipality}/{segment}");
                nav.push(NavItem {
                    current: path.starts_with(&href),
                    href,
                    label: label.into(),
                });
            }
        }
        if user.actor.is_system_admin() {
            nav.push(NavItem {
                href: "/kommuner".into(),
                label: m.nav_municipalities.into(),
                current: path == "/kommuner",
            });
        }
        if let [unit] = user.actor.led_units().as_slice() {
            let href = format!("/enheter/{unit}/tilgangslogg");
            nav.push(NavItem {
                current: path == href,
                href,
                label: m.nav_access_log.into(),
            });
        }
        if let [unit] = user.actor.led_units().as_slice() {
            let href = format!("/enheter/{unit}/tildelte-roller");
            nav.push(NavItem {
                current: path == href,
                href,
                label: m.nav_role_grants.into(),
            });
        }
        Self {
            m,
            title: title.to_owned(),
            csrf: user.ctx.csrf_token.clone(),
            user_name: Some(user.display_name.clone()),
            municipality: user.municipality.clone(),
            nav,
            notice: None,
            stylesheets: stylesheets(),
            scripts: Vec::new(),
            show_login: false,
        }
    }

    /// The layout for a public page: signed in or not.
    pub fn visitor(ctx: &Ctx, user: Option<&SignedIn>, title: &str) -> Self {
        match user {
            Some(user) => Self::signed_in(user, title),
            None => {
                let mut layout = Self::anonymous(ctx, title);
                layout.nav = public_nav(ctx.m, &ctx.path);
                layout.show_login = true;
                layout
            }
        }
    }

    /// The layout for a visitor who is not signed in.
    pub fn anonymous(ctx: &Ctx, title: &str) -> Self {
        Self {
            m: ctx.m,
            title: title.to_owned(),
            csrf: ctx.csrf_token.clone(),
            user_name: None,
            municipality: None,
            nav: Vec::new(),
            notice: None,
            stylesheets: stylesheets(),
            scripts: Vec::new(),
            show_login: false,
        }
    }

    pub(crate) fn for_error(
        _state: &AppState,
        m: &'static Messages,
        title: &str,
        ctx: Option<&Ctx>,
    ) -> Self {
        Self {
            m,
            title: title.to_owned(),
            csrf: ctx.map(|c| c.csrf_token.clone()).unwrap_or_default(),
            user_name: ctx
                .and_then(|c| c.session.as_ref())
                .map(|s| s.display_name.clone()),
            municipality: None,
            nav: vec![NavItem {
                href: "/".into(),
                label: m.nav_home.into(),
                current: false,
            }],
            notice: None,
            stylesheets: stylesheets(),
            scripts: Vec::new(),
            show_login: false,
        }
    }

    /// Adds htmx, for pages that enhance themselves with it.
    /// «No error», for form macros used outside a form with state.
    pub fn no_error(&self) -> Option<&'static str> {
        None
    }

    pub fn with_htmx(mut self) -> Self {
        self.scripts.push(assets::url("htmx.min.js"));
        self
    }

    pub fn with_notice(mut self, notice: Option<&'static str>) -> Self {
        self.notice = notice;
        self
    }
}
