//! What every page shares: texts, the header with user and log-out, the
//! navigation, notices, and the stylesheet links.

use crate::AppState;
use crate::extract::citizen::SignedInCitizen;
use crate::extract::user::{Ctx, SignedIn};
use crate::i18n::Messages;
use crate::view::{assets, nav};

pub use crate::view::nav::NavItem;

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
    /// Where the header's name links and «Logg ut» posts: `/` and
    /// `/logg-ut` for staff, `/familie` and `/familie/logg-ut` for citizens.
    pub home: &'static str,
    pub logout_action: &'static str,
}

fn stylesheets() -> Vec<String> {
    ["theme.css", "designsystemet.css", "app.css"]
        .into_iter()
        .map(assets::url)
        .collect()
}

impl Layout {
    /// The layout for a signed-in user. The navigation shows what the user's
    /// roles allow (the table in [`crate::view::nav`]).
    pub fn signed_in(user: &SignedIn, title: &str) -> Self {
        let m = user.m;
        let nav = nav::menu(m, Some(&user.actor), &user.ctx.path);
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
            home: "/",
            logout_action: "/logg-ut",
        }
    }

    /// The layout for a citizen in the family's portal: «Innlogget med
    /// ID-porten» in the header (Laget knows the citizen by number only),
    /// the portal's own navigation, and logging out through the portal.
    pub fn citizen(citizen: &SignedInCitizen, title: &str) -> Self {
        Self::for_citizen(citizen.m, title, &citizen.ctx.csrf_token, &citizen.ctx.path)
    }

    /// The portal's layout from the request's parts (also for a citizen's
    /// error page, where no `SignedInCitizen` was made).
    fn for_citizen(m: &'static Messages, title: &str, csrf: &str, path: &str) -> Self {
        Self {
            m,
            title: title.to_owned(),
            csrf: csrf.to_owned(),
            user_name: Some(m.portal_signed_in.to_owned()),
            municipality: None,
            nav: vec![NavItem {
                href: "/familie".into(),
                label: m.portal_nav_home.into(),
                current: path == "/familie",
            }],
            notice: None,
            stylesheets: stylesheets(),
            scripts: Vec::new(),
            show_login: false,
            home: "/familie",
            logout_action: "/familie/logg-ut",
        }
    }

    /// The layout for a public page: signed in or not.
    pub fn visitor(ctx: &Ctx, user: Option<&SignedIn>, title: &str) -> Self {
        match user {
            Some(user) => Self::signed_in(user, title),
            None => {
                let mut layout = Self::anonymous(ctx, title);
                layout.nav = nav::menu(ctx.m, None, &ctx.path);
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
            home: "/",
            logout_action: "/logg-ut",
        }
    }

    /// The error page's layout: a signed-in citizen's is the portal's
    /// (home `/familie`, its menu, «Logg ut» through the portal); anyone
    /// else's the staff side's.
    pub(crate) fn for_error(
        _state: &AppState,
        m: &'static Messages,
        title: &str,
        ctx: Option<&Ctx>,
    ) -> Self {
        if let Some(c) = ctx.filter(|c| c.citizen.is_some()) {
            return Self::for_citizen(m, title, &c.csrf_token, &c.path);
        }
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
            home: "/",
            logout_action: "/logg-ut",
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
