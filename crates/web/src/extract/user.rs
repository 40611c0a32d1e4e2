//! The signed-in user and the request context, as extractors. The
//! middleware (`crate::middleware`) finds the session and puts them in the
//! request.

use crate::AppState;
use crate::error::AppError;
use crate::i18n::Messages;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};
use laget_db::admin::users::HomeMunicipality;
use laget_domain::UserId;
use laget_domain::access::Actor;

/// The form field that carries the CSRF token.
pub const CSRF_FIELD: &str = "_csrf";
/// The header that may carry it instead (for scripts).
pub const CSRF_HEADER: &str = "x-csrf-token";
/// Largest form body accepted.
pub(crate) const MAX_FORM_BYTES: usize = 64 * 1024;
/// Largest file accepted in an upload (`multipart/form-data`): 8 MiB, the
/// «8 MB» the upload pages promise.
pub const MAX_UPLOAD_BYTES: usize = 8 * 1024 * 1024;
/// Largest upload body: the file, the form's other fields and the multipart
/// framing around them.
pub const MAX_UPLOAD_BODY_BYTES: usize = MAX_UPLOAD_BYTES + 64 * 1024;

/// The signed-in user's session, as found by the middleware.
#[derive(Clone, Debug)]
pub struct SessionInfo {
    pub token_hash: String,
    pub user_id: UserId,
    pub display_name: String,
}

/// A citizen's session (the family's portal, `super::citizen`), as found
/// by the middleware. It lives here, beside [`SessionInfo`], because
/// [`Ctx`] carries it.
#[derive(Clone, Debug)]
pub struct CitizenSessionInfo {
    pub token_hash: String,
    pub citizen_id: laget_domain::ids::CitizenId,
    /// The provider the citizen logged in through (for logging out there).
    pub provider: String,
    pub id_token_hint: Option<String>,
}

/// What the middleware learned about the request.
#[derive(Clone, Debug)]
pub struct Ctx {
    pub request_id: String,
    pub session: Option<SessionInfo>,
    /// A citizen's session (the family's portal); never together with
    /// `session`.
    pub citizen: Option<CitizenSessionInfo>,
    /// The token that forms must send back.
    pub csrf_token: String,
    /// The client's address, for throttling failed logins.
    pub client_address: String,
    /// A session cookie was sent but the session had ended.
    pub session_expired: bool,
    pub path: String,
    /// The texts of the request: those of the signed-in user's municipality,
    /// bokmål for visitors.
    pub m: &'static Messages,
}

impl<S: Send + Sync> FromRequestParts<S> for Ctx {
    type Rejection = AppError;
    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, AppError> {
        parts
            .extensions
            .get::<Ctx>()
            .cloned()
            .ok_or_else(|| AppError::internal("request context missing"))
    }
}

/// The session user's rights and municipality (name and written standard),
/// read by the middleware in the same trip to the database as the session,
/// for [`SignedIn`].
#[derive(Clone, Debug)]
pub(crate) struct Rights(pub(crate) Actor, pub(crate) Option<HomeMunicipality>);

impl Rights {
    /// Reads a user's rights and municipality.
    pub(crate) fn read(
        c: &mut laget_db::DbConnection,
        user_id: UserId,
    ) -> laget_db::DbResult<Self> {
        let (actor, home) = laget_db::lookup::actor_with_home(c, user_id)?;
        Ok(Self(actor, home))
    }

    /// The texts in the written standard of the user's municipality
    /// (bokmål for a user without one, such as the system administrator).
    pub(crate) fn messages(&self) -> &'static Messages {
        self.1.as_ref().map_or_else(Messages::for_visitors, |home| {
            Messages::of(home.written_standard)
        })
    }
}

/// A signed-in user with their rights. Extracting it redirects anonymous
/// visitors to the login page.
#[derive(Clone, Debug)]
pub struct SignedIn {
    pub ctx: Ctx,
    pub actor: Actor,
    pub display_name: String,
    /// The user's municipality, for the header.
    pub municipality: Option<String>,
    /// The texts in the written standard of the user's municipality.
    pub m: &'static Messages,
}

impl FromRequestParts<AppState> for SignedIn {
    type Rejection = AppError;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let ctx = Ctx::from_request_parts(parts, state).await?;
        let Some(session) = ctx.session.clone() else {
            let next = parts
                .uri
                .path_and_query()
                .map(|p| p.as_str().to_owned())
                .unwrap_or_else(|| "/".into());
            return Err(AppError::LoginRequired {
                next,
                expired: ctx.session_expired,
            });
        };
        let rights = match parts.extensions.remove::<Rights>() {
            Some(rights) => rights,
            // Not found with the session (the handler has run the extractor
            // already, or the request did not pass the middleware): read them.
            None => {
                let user_id = session.user_id;
                state.db.read(move |c| Rights::read(c, user_id)).await?
            }
        };
        let m = rights.messages();
        let Rights(actor, municipality) = rights;
        Ok(Self {
            display_name: session.display_name.clone(),
            ctx,
            actor,
            municipality: municipality.map(|home| home.name),
            m,
        })
    }
}

/// The signed-in user if there is one; public pages use it to show more to
/// staff without requiring a login.
#[derive(Clone, Debug)]
pub struct MaybeSignedIn(pub Option<SignedIn>);

impl FromRequestParts<AppState> for MaybeSignedIn {
    type Rejection = AppError;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let ctx = Ctx::from_request_parts(parts, state).await?;
        if ctx.session.is_none() {
            return Ok(Self(None));
        }
        SignedIn::from_request_parts(parts, state)
            .await
            .map(|u| Self(Some(u)))
    }
}

/// Names of the cookies. With `secure_cookies` they carry the `__Host-`
/// prefix, which browsers accept only with `Secure`, `Path=/` and no domain.
pub struct CookieNames {
    pub session: &'static str,
    pub csrf: &'static str,
}

pub fn cookie_names(secure: bool) -> CookieNames {
    if secure {
        CookieNames {
            session: "__Host-laget_session",
            csrf: "__Host-laget_csrf",
        }
    } else {
        CookieNames {
            session: "laget_session",
            csrf: "laget_csrf",
        }
    }
}

pub fn cookie(name: &str, value: &str, secure: bool, max_age: Option<i64>) -> String {
    let mut c = format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax");
    if secure {
        c.push_str("; Secure");
    }
    if let Some(age) = max_age {
        c.push_str(&format!("; Max-Age={age}"));
    }
    c
}

pub(crate) fn read_cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
        .filter(|v| !v.is_empty() && v.len() <= 128 && v.bytes().all(|b| b.is_ascii_hexdigit()))
}
