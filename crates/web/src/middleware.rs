//! The request context: one middleware that every request passes through.
//!
//! It gives the request an id, finds the session (and ends it when it has
//! timed out), checks the CSRF token of every state-changing request, and
//! adds the security headers. Handlers read the result with the extractors
//! in [`crate::extract`].

use crate::AppState;
use crate::auth::{constant_time_eq, random_token, token_hash};
use crate::error::AppError;
use crate::extract::citizen::{CitizenRights, CitizenSessionInfo};
use crate::extract::user::*;
use crate::i18n::Messages;
use crate::view::error_page::render_error_page;
use axum::body::{Body, Bytes, HttpBody};
use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;
use chrono::Utc;
use http_body_util::BodyExt;
use laget_db::session as sessions;
use std::net::SocketAddr;

/// The client's address, for throttling failed logins per address. Behind
/// a trusted proxy, the last `X-Forwarded-For` entry: an address, or an
/// address with a port, which some proxies add (a port would give every
/// connection an address of its own and so no throttling); an entry that is
/// neither counts as the proxy's own address.
fn client_address(req: &Request, trust_forwarded_for: bool) -> String {
    if trust_forwarded_for
        && let Some(ip) = req
            .headers()
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.rsplit(',').next())
            .and_then(forwarded_ip)
    {
        return ip.to_string();
    }
    req.extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ci| ci.0.ip().to_string())
        .unwrap_or_else(|| "ukjent".to_owned())
}

/// One `X-Forwarded-For` entry as an address: `192.0.2.1`, `2001:db8::1`,
/// `192.0.2.1:4711` or `[2001:db8::1]:4711`.
fn forwarded_ip(entry: &str) -> Option<std::net::IpAddr> {
    let entry = entry.trim();
    entry
        .parse()
        .ok()
        .or_else(|| entry.parse::<SocketAddr>().ok().map(|a| a.ip()))
}

/// What a session cookie named: a staff member's session, a citizen's, or
/// nothing live.
enum Found {
    Staff(sessions::Session, Rights),
    Citizen(laget_db::portal::sessions::CitizenSession, CitizenRights),
    Nothing,
}

fn is_safe(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

pub async fn middleware(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let request_id = random_token()[..16].to_owned();
    let secure = state.config.secure_cookies;
    let names = cookie_names(secure);
    let now = Utc::now();
    let path = req.uri().path().to_owned();
    let started = std::time::Instant::now();
    let method = req.method().clone();
    // The route pattern, not the path: paths carry ids, which stay out of logs.
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| "-".into());
    // Static files need neither a session nor a token.
    let is_static = path.starts_with("/static/");

    // The session, if the cookie names a live one.
    let mut session = None;
    let mut rights = None;
    let mut session_expired = false;
    let mut set_cookies: Vec<String> = Vec::new();
    let mut citizen = None;
    let mut citizen_rights = None;
    if let Some(token) = read_cookie(req.headers(), names.session).filter(|_| !is_static) {
        let hash = token_hash(&token);
        // The user's rights come in the same trip to the database: nearly
        // every request with a session extracts [`SignedIn`]. A token that
        // is no staff session may be a citizen's (the family's portal).
        let lookup = {
            let hash = hash.clone();
            state
                .db
                .read(move |c| {
                    if let Some(s) = sessions::find(c, &hash)? {
                        let rights = Rights::read(c, s.user_id)?;
                        return Ok(Found::Staff(s, rights));
                    }
                    if let Some(s) = laget_db::portal::sessions::find(c, &hash)? {
                        let rights = CitizenRights::read(c, s.citizen_id)?;
                        return Ok(Found::Citizen(s, rights));
                    }
                    Ok(Found::Nothing)
                })
                .await
        };
        let policy = &state.config.session;
        match lookup {
            Ok(Found::Staff(s, found)) if policy.is_alive(s.created_at, s.last_seen_at, now) => {
                if now - s.last_seen_at >= policy.touch_interval() {
                    let hash = hash.clone();
                    if let Err(e) = state
                        .db
                        .write(move |c| sessions::touch(c, &hash, now))
                        .await
                    {
                        tracing::warn!(request_id, error = %e, "could not refresh session");
                    }
                }
                session = Some((
                    SessionInfo {
                        token_hash: hash,
                        user_id: s.user_id,
                        display_name: s.display_name,
                    },
                    s.csrf_token,
                ));
                rights = Some(found);
            }
            Ok(Found::Citizen(s, found)) if policy.is_alive(s.created_at, s.last_seen_at, now) => {
                if now - s.last_seen_at >= policy.touch_interval() {
                    let hash = hash.clone();
                    if let Err(e) = state
                        .db
                        .write(move |c| laget_db::portal::sessions::touch(c, &hash, now))
                        .await
                    {
                        tracing::warn!(request_id, error = %e, "could not refresh session");
                    }
                }
                // The portal's pages carry the logout form, which leads to
                // the provider's end-session endpoint: its origin must be in
                // their policy even after a restart (kept after the first).
                state
                    .oidc
                    .prepare(state.config.oidc.provider(&s.provider))
                    .await;
                citizen = Some((
                    CitizenSessionInfo {
                        token_hash: hash,
                        citizen_id: s.citizen_id,
                        provider: s.provider,
                        id_token_hint: s.id_token_hint,
                    },
                    s.csrf_token,
                ));
                citizen_rights = Some(found);
            }
            Ok(Found::Staff(..)) => {
                session_expired = true;
                let _ = state.db.write(move |c| sessions::delete(c, &hash)).await;
                set_cookies.push(cookie(names.session, "", secure, Some(0)));
            }
            Ok(Found::Citizen(..)) => {
                session_expired = true;
                let _ = state
                    .db
                    .write(move |c| laget_db::portal::sessions::delete(c, &hash))
                    .await;
                set_cookies.push(cookie(names.session, "", secure, Some(0)));
            }
            Ok(Found::Nothing) => {
                session_expired = true;
                set_cookies.push(cookie(names.session, "", secure, Some(0)));
            }
            Err(e) => {
                tracing::error!(request_id, error = %e, "session lookup failed");
                return render_error_page(
                    &state,
                    &AppError::internal("session lookup"),
                    &request_id,
                    None,
                );
            }
        }
    }

    // The CSRF token: the session's, or for visitors without a session a
    // random one kept in its own cookie (double-submit).
    let csrf_token = match (&session, &citizen) {
        (Some((_, token)), _) | (None, Some((_, token))) => token.clone(),
        (None, None) if is_static => String::new(),
        (None, None) => match read_cookie(req.headers(), names.csrf) {
            Some(token) => token,
            None => {
                let token = random_token();
                set_cookies.push(cookie(names.csrf, &token, secure, None));
                token
            }
        },
    };

    let ctx = Ctx {
        request_id: request_id.clone(),
        session: session.map(|(s, _)| s),
        citizen: citizen.map(|(s, _)| s),
        csrf_token: csrf_token.clone(),
        client_address: client_address(&req, state.config.trust_forwarded_for),
        session_expired,
        path,
        m: match (&rights, &citizen_rights) {
            (Some(rights), _) => rights.messages(),
            (None, Some(citizen)) => citizen.messages(),
            (None, None) => Messages::for_visitors(),
        },
    };

    // Every body is read here, to its end, before the handler runs. A
    // server that answers while the client is still sending, and then
    // closes, makes the client's next write fail: behind nginx that is a
    // 502 instead of the answer, and the instance is counted as failed.
    let checked = if !is_safe(req.method()) {
        check_csrf(req, &csrf_token)
            .await
            .map_err(|(refusal, rest)| (refusal, Some(rest)))
    } else {
        // A body on a GET is never read by a handler: dropped here.
        let (parts, mut body) = req.into_parts();
        if drain(&mut body).await {
            Ok(Request::from_parts(parts, Body::empty()))
        } else {
            Err((Refusal::TooLarge, None))
        }
    };
    let mut req = match checked {
        Ok(req) => req,
        Err((refusal, rest)) => {
            // The rest of the refused body is read and dropped before the
            // answer; one too large to read gets the answer and a closed
            // connection.
            let drained = match rest {
                Some(mut rest) => drain(&mut rest).await,
                None => false,
            };
            log_refusal(&request_id, &method, &route, refusal.code());
            let mut response = finish(
                &state,
                render_error_page(&state, &refusal.error(), &request_id, Some(&ctx)),
                &request_id,
                &set_cookies,
            );
            if !drained {
                response
                    .headers_mut()
                    .insert(header::CONNECTION, HeaderValue::from_static("close"));
            }
            return response;
        }
    };

    req.extensions_mut().insert(ctx.clone());
    if let Some(rights) = rights {
        req.extensions_mut().insert(rights);
    }
    if let Some(citizen) = citizen_rights {
        req.extensions_mut().insert(citizen);
    }
    let mut response = next.run(req).await;
    // Any change may show on a public page, rename a timeline entry's author
    // or change who is staff where: start every cache afresh.
    if !is_safe(&method) && (response.status().is_success() || response.status().is_redirection()) {
        state.public_cache.invalidate();
        state.timelines.invalidate();
        state.staff_lists.invalidate();
        state.log_snapshots.invalidate();
    }
    // A body too large for an extractor or the body limit comes back as
    // plain text from axum or tower-http: give it the same page as ours.
    if response.status() == StatusCode::PAYLOAD_TOO_LARGE
        && response.extensions().get::<AppError>().is_none()
    {
        response.extensions_mut().insert(AppError::TooLarge);
    }
    if let Some(error) = response.extensions_mut().remove::<AppError>() {
        if let Some(reason) = error.refusal_code() {
            log_refusal(&request_id, &method, &route, reason);
        }
        let mut page = render_error_page(&state, &error, &request_id, Some(&ctx));
        for c in response.headers().get_all(header::SET_COOKIE) {
            page.headers_mut().append(header::SET_COOKIE, c.clone());
        }
        response = page;
    }
    tracing::info!(
        request_id,
        %method,
        route,
        status = response.status().as_u16(),
        ms = started.elapsed().as_millis() as u64,
        "request"
    );
    finish(&state, response, &request_id, &set_cookies)
}

/// Logs a refused request: the request id, the method, the route pattern
/// (never the path, which carries ids, nor the query) and a reason code. No
/// personal data: the refusal is about the request, not about who sent it.
pub fn log_refusal(request_id: &str, method: &Method, route: &str, reason: &str) {
    tracing::warn!(request_id, %method, route, reason, "request refused");
}

/// Why the middleware refused a state-changing request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Refusal {
    /// `Sec-Fetch-Site: cross-site`.
    CrossSite,
    /// No token in the header or the form.
    CsrfMissing,
    /// A token that is not this session's (or this visitor's).
    CsrfMismatch,
    /// The body is over the limit for its kind.
    TooLarge,
}

impl Refusal {
    fn code(self) -> &'static str {
        match self {
            Self::CrossSite => "cross_site",
            Self::CsrfMissing => "csrf_missing",
            Self::CsrfMismatch => "csrf_mismatch",
            Self::TooLarge => "too_large",
        }
    }

    fn error(self) -> AppError {
        match self {
            Self::TooLarge => AppError::TooLarge,
            Self::CrossSite | Self::CsrfMissing | Self::CsrfMismatch => AppError::BadRequest,
        }
    }
}

/// Refuses cross-site posts and posts without the right token. The body is
/// read (up to a limit) and handed on unchanged. A refusal comes with the
/// part of the body not yet read.
async fn check_csrf(req: Request, expected: &str) -> Result<Request, (Refusal, Body)> {
    let (parts, body) = req.into_parts();
    if parts
        .headers
        .get("sec-fetch-site")
        .and_then(|v| v.to_str().ok())
        == Some("cross-site")
    {
        return Err((Refusal::CrossSite, body));
    }
    if let Some(token) = parts.headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok()) {
        if !constant_time_eq(token, expected) {
            return Err((Refusal::CsrfMismatch, body));
        }
        // The largest body any route takes (the extractors' own limit).
        let bytes = read_limited(body, MAX_UPLOAD_BODY_BYTES)
            .await
            .map_err(|rest| (Refusal::TooLarge, rest))?;
        return Ok(Request::from_parts(parts, Body::from(bytes)));
    }
    let content_type = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let is_upload = content_type.starts_with("multipart/form-data");
    let limit = if is_upload {
        MAX_UPLOAD_BODY_BYTES
    } else if is_report_form(parts.uri.path()) {
        MAX_REPORT_FORM_BYTES
    } else {
        MAX_FORM_BYTES
    };
    let bytes = read_limited(body, limit)
        .await
        .map_err(|rest| (Refusal::TooLarge, rest))?;
    let sent = if content_type.starts_with("application/x-www-form-urlencoded") {
        form_urlencoded_value(&bytes, CSRF_FIELD)
    } else if is_upload {
        crate::extract::form::multipart(&content_type, &bytes)
            .and_then(|parts| parts.into_iter().find(|p| p.name == CSRF_FIELD))
            .and_then(|p| String::from_utf8(p.bytes).ok())
    } else {
        None
    };
    match sent {
        Some(token) if constant_time_eq(&token, expected) => {
            Ok(Request::from_parts(parts, Body::from(bytes)))
        }
        Some(_) => Err((Refusal::CsrfMismatch, Body::empty())),
        None => Err((Refusal::CsrfMissing, Body::empty())),
    }
}

/// The most of a refused body that is read (and dropped) so that the
/// answer reaches the client: above the largest body Laget takes and the
/// guide's proxy limit (`client_max_body_size 9m`, docs/PRODUCTION.md).
/// A larger body gets its answer and a closed connection.
const MAX_DRAIN_BYTES: u64 = 16 * 1024 * 1024;

/// How long the rest of a refused body may take to arrive.
const DRAIN_TIME: std::time::Duration = std::time::Duration::from_secs(30);

/// The body, when it is at most `limit` bytes; otherwise the part of it not
/// yet read (refused at once when its `Content-Length` says so). A body that
/// breaks off counts as too large, with nothing left to read.
async fn read_limited(mut body: Body, limit: usize) -> Result<Bytes, Body> {
    let limit = limit as u64;
    if body.size_hint().lower() > limit {
        return Err(body);
    }
    let mut bytes = Vec::with_capacity(body.size_hint().lower() as usize);
    while let Some(frame) = body.frame().await {
        let Ok(frame) = frame else {
            return Err(Body::empty());
        };
        if let Some(data) = frame.data_ref() {
            if (bytes.len() + data.len()) as u64 > limit {
                return Err(body);
            }
            bytes.extend_from_slice(data);
        }
    }
    Ok(Bytes::from(bytes))
}

/// Reads the rest of a body and drops it, up to [`MAX_DRAIN_BYTES`] within
/// [`DRAIN_TIME`]. True when the body was read to its end, so that the
/// connection can carry the answer and the next request.
async fn drain(body: &mut Body) -> bool {
    if body.is_end_stream() {
        return true;
    }
    if body.size_hint().lower() > MAX_DRAIN_BYTES {
        return false;
    }
    let read = async {
        let mut left = MAX_DRAIN_BYTES;
        while let Some(frame) = body.frame().await {
            let Ok(frame) = frame else {
                return false;
            };
            if let Some(data) = frame.data_ref() {
                match left.checked_sub(data.len() as u64) {
                    Some(rest) => left = rest,
                    None => return false,
                }
            }
        }
        true
    };
    tokio::time::timeout(DRAIN_TIME, read)
        .await
        .unwrap_or(false)
}

fn form_urlencoded_value(bytes: &[u8], field: &str) -> Option<String> {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(bytes)
        .ok()?
        .into_iter()
        .find(|(k, _)| k == field)
        .map(|(_, v)| v)
}

/// The Content-Security-Policy: everything from Laget itself, except that
/// a form may also lead to the OpenID providers' login and logout
/// endpoints (`oidc::client::Discovery::form_action_sources`).
fn content_security_policy(state: &AppState) -> HeaderValue {
    const POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
        font-src 'self'; connect-src 'self'; form-action 'self'{}; frame-ancestors 'none'; base-uri 'none'; \
        object-src 'none'";
    let sources: String = state
        .oidc
        .form_action_sources()
        .iter()
        .map(|origin| format!(" {origin}"))
        .collect();
    HeaderValue::from_str(&POLICY.replace("{}", &sources)).unwrap_or_else(|_| {
        HeaderValue::from_static(
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; \
             connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'",
        )
    })
}

/// Security headers for every response (OWASP ASVS 14.4).
fn finish(
    state: &AppState,
    mut response: Response,
    request_id: &str,
    set_cookies: &[String],
) -> Response {
    let is_static = response
        .headers()
        .get(header::CACHE_CONTROL)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("immutable"));
    let h = response.headers_mut();
    // The middleware's cookies (clearing a stale session, a visitor's CSRF
    // token) give way to one of the same name set by the handler: the
    // browser applies them in order, so the clearing would otherwise undo a
    // session that a login with a stale cookie has just made.
    let cookie_name = |c: &str| c.split_once('=').map(|(name, _)| name.trim().to_owned());
    let set_by_handler: Vec<String> = h
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(cookie_name)
        .collect();
    for c in set_cookies {
        if cookie_name(c).is_some_and(|name| set_by_handler.contains(&name)) {
            continue;
        }
        if let Ok(v) = HeaderValue::from_str(c) {
            h.append(header::SET_COOKIE, v);
        }
    }
    if let Ok(v) = HeaderValue::from_str(request_id) {
        h.insert("x-request-id", v);
    }
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        content_security_policy(state),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    h.insert(
        "permissions-policy",
        HeaderValue::from_static(
            "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()",
        ),
    );
    h.insert(
        "cross-origin-opener-policy",
        HeaderValue::from_static("same-origin"),
    );
    // Pages carry personal data and are not cached; responses that chose
    // their own caching (static files, the public API) keep it.
    if !is_static && !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    if state.config.secure_cookies {
        h.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=63072000; includeSubDomains"),
        );
    }
    response
}

/// The report of concern's form (#13): four texts of up to
/// `laget_domain::reports::form::TEXT_MAX` characters each, which the
/// browser may encode as up to nine bytes a character (`%E2%82%AC`), and the
/// one-line fields. Within this limit the form's own check answers a too
/// long text beside its field, with the input kept, instead of a 413 page
/// that loses everything typed.
const MAX_REPORT_FORM_BYTES: usize = 1024 * 1024;

/// The routes that take the report form: save, review, send.
fn is_report_form(path: &str) -> bool {
    path.strip_prefix("/bekymringsmeldinger/")
        .and_then(|rest| rest.split_once('/'))
        .is_some_and(|(id, action)| {
            !id.is_empty() && matches!(action, "endre" | "se-over" | "send")
        })
}

#[cfg(test)]
mod tests {
    use super::client_address;
    use axum::extract::{ConnectInfo, Request};
    use std::net::SocketAddr;

    fn request(forwarded_for: Option<&str>) -> Request {
        let mut req = Request::builder().uri("/logg-inn");
        if let Some(v) = forwarded_for {
            req = req.header("x-forwarded-for", v);
        }
        let mut req = req.body(axum::body::Body::empty()).unwrap_or_default();
        let proxy: SocketAddr = ([127, 0, 0, 1], 40000).into();
        req.extensions_mut().insert(ConnectInfo(proxy));
        req
    }

    #[test]
    fn the_client_is_the_last_forwarded_entry_without_its_port() {
        for (header, expected) in [
            ("203.0.113.7", "203.0.113.7"),
            ("198.51.100.1, 203.0.113.7", "203.0.113.7"),
            ("203.0.113.7:51234", "203.0.113.7"),
            ("10.0.0.1, 203.0.113.7:443", "203.0.113.7"),
            ("2001:db8::7", "2001:db8::7"),
            ("[2001:db8::7]:51234", "2001:db8::7"),
            // Not an address: the proxy's own, never the text.
            ("unknown", "127.0.0.1"),
            ("203.0.113.7, ", "127.0.0.1"),
        ] {
            assert_eq!(
                client_address(&request(Some(header)), true),
                expected,
                "{header}"
            );
        }
        assert_eq!(client_address(&request(None), true), "127.0.0.1");
        // Not trusted: the connection's address, whatever the header says.
        assert_eq!(
            client_address(&request(Some("203.0.113.7")), false),
            "127.0.0.1"
        );
    }
}
