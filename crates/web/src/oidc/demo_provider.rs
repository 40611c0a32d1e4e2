//! A small OpenID provider for the demo, standing in for ID-porten: `laget
//! serve --demo` mounts it at [`PATH`] (`WebConfig.oidc.demo_provider`);
//! nothing else does, so a Laget in production never has it.
//!
//! It speaks the part of OpenID Connect that Laget's login uses, as
//! ID-porten does: discovery (`/.well-known/openid-configuration`), the keys
//! (`/jwks`), the authorization code flow with PKCE (S256) at `/authorize`
//! and `/token` (client_secret_basic or client_secret_post), the ID token
//! signed with RS256 and carrying `pid` (the national identity number) and
//! `acr` (`idporten-loa-high` or `idporten-loa-substantial`), and logout at
//! `/endsession`.
//!
//! Instead of BankID, `/authorize` shows a page «Demo-innlogging (ikke
//! ID-porten)» listing the demo's persons ([`PERSONS`], synthetic people in
//! the demo municipalities, seeded by `laget serve --demo`) and a choice of
//! level of assurance. The only client it knows is the citizens' provider
//! of the configuration when its issuer is this provider
//! (`WebConfig.oidc.citizens`: `laget-demo`, with the secret `laget serve
//! --demo` made at start). Codes live in memory for 60 seconds and are
//! used once; ID tokens live 2 minutes.
//!
//! The signing key, `demo_key.pem`, is in the repository on purpose: it is
//! a DEMO key, public, and signs nothing but the demo's logins.
//!
//! The pages (`/authorize`, `/endsession`) go through the middleware like
//! every page (CSRF on the form, security headers); the machine endpoints
//! (discovery, keys, token) are mounted outside it, since the token request
//! comes from Laget's server, with no cookie nor CSRF token. None of them is
//! in the route inventory: they are not Laget's pages but the demo's
//! stand-in for another service.

use crate::AppState;
use crate::auth::{constant_time_eq, random_token};
use crate::error::AppError;
use crate::extract::form::{self as forms, FormState};
use crate::extract::user::Ctx;
use crate::i18n::Messages;
use crate::view::layout::Layout;
use crate::view::{invalid, page};
use askama::Template;
use axum::extract::{Extension, RawQuery, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Json, Router};
use chrono::{Duration, NaiveDate, Utc};
use laget_domain::children::national_id::NationalId;
use openidconnect::core::{
    CoreClaimName, CoreClientAuthMethod, CoreGenderClaim, CoreGrantType, CoreJsonWebKeySet,
    CoreJweContentEncryptionAlgorithm, CoreJwsSigningAlgorithm, CoreResponseType,
    CoreRsaPrivateSigningKey, CoreSubjectIdentifierType,
};
use openidconnect::{
    AccessToken, AdditionalClaims, Audience, AuthUrl, AuthenticationContextClass,
    AuthorizationCode, EmptyAdditionalProviderMetadata, EndSessionUrl, IdToken, IdTokenClaims,
    IssuerUrl, JsonWebKeyId, JsonWebKeySetUrl, LogoutProviderMetadata, Nonce, PkceCodeChallenge,
    PkceCodeVerifier, PrivateSigningKey, ProviderMetadataWithLogout, ResponseTypes, Scope,
    StandardClaims, SubjectIdentifier, TokenUrl,
};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Where the demo provider is mounted.
pub const PATH: &str = "/demo-idporten";

/// The levels of assurance the provider offers (ID-porten's), the first one
/// preselected.
pub const LEVELS: [&str; 2] = ["idporten-loa-high", "idporten-loa-substantial"];

/// The client id `laget serve --demo` registers with the provider.
pub const CLIENT_ID: &str = "laget-demo";

/// The number of «Demo kommune», whose youth the provider looks up.
const DEMO_MUNICIPALITY: &str = "9999";

/// DEMO ONLY: the provider's signing key (RSA 2048, PKCS#1 PEM, after the
/// two lines that say what it is).
const DEMO_KEY: &str = include_str!("demo_key.pem");
const KEY_ID: &str = "laget-demo-1";

/// How long a code may be exchanged, and how long an ID token lives.
const CODE_SECONDS: i64 = 60;
const TOKEN_SECONDS: i64 = 120;

/// Codes kept at most (a demo; the oldest go first when it is full).
const MAX_CODES: usize = 1000;

/// A person the demo provider lets log in.
#[derive(Clone, Copy, Debug)]
pub struct DemoPerson {
    /// The form's value for the person.
    pub key: &'static str,
    /// The synthetic name.
    pub name: &'static str,
    pub kind: DemoKind,
}

#[derive(Clone, Copy, Debug)]
pub enum DemoKind {
    /// A guardian, known to Laget by a synthetic number that the demo
    /// seeding sets on their guardian row of each child named.
    Guardian {
        /// Birth date (year, month, day) and seed of the synthetic number.
        born: (i32, u32, u32),
        seed: u32,
        /// The children whose guardian they are, by name in the demo.
        children: &'static [&'static str],
        /// Parental responsibility (without it the portal shows nothing).
        responsible: bool,
        /// The children's municipality when not «Demo kommune».
        municipality: Option<&'static str>,
    },
    /// A youth whose own log it is; their number is the child's, made at
    /// seeding ([`laget_db::lookup::demo_youth_number`]).
    Youth { child: &'static str },
}

/// The demo's families, exactly the persons the provider lists. The
/// seeding (`crates/cli/src/demo_portal.rs`) gives the guardians their
/// numbers from here.
pub const PERSONS: [DemoPerson; 4] = [
    DemoPerson {
        key: "mor",
        name: "Silje Haugland",
        kind: DemoKind::Guardian {
            born: (1988, 3, 14),
            seed: 41,
            children: &["Filip Haugland", "Emma Haugland"],
            responsible: true,
            municipality: None,
        },
    },
    DemoPerson {
        key: "far",
        name: "Tom Erik Vold",
        kind: DemoKind::Guardian {
            born: (1985, 11, 2),
            seed: 42,
            children: &["Noah Bakkerud"],
            responsible: false,
            municipality: None,
        },
    },
    DemoPerson {
        key: "ungdom",
        name: "Markus Iversen",
        kind: DemoKind::Youth {
            child: "Markus Iversen",
        },
    },
    DemoPerson {
        key: "nabo",
        name: "Solveig Haugland",
        kind: DemoKind::Guardian {
            born: (1982, 6, 23),
            seed: 43,
            children: &["Eirik Haugland"],
            responsible: true,
            municipality: Some("Nabo kommune"),
        },
    },
];

impl DemoPerson {
    /// A guardian's synthetic national identity number (`None` for the
    /// youth, whose number is the child's).
    pub fn guardian_number(&self) -> Option<NationalId> {
        match self.kind {
            DemoKind::Guardian {
                born: (y, m, d),
                seed,
                ..
            } => {
                NaiveDate::from_ymd_opt(y, m, d).and_then(|born| NationalId::synthetic(born, seed))
            }
            DemoKind::Youth { .. } => None,
        }
    }

    /// Who the person is, as the provider's page says it: «forelder til
    /// Filip Haugland og Emma Haugland», «ungdom».
    pub fn role(&self, m: &Messages) -> String {
        match self.kind {
            DemoKind::Guardian {
                children,
                responsible,
                municipality,
                ..
            } => {
                let names = match children {
                    [] => String::new(),
                    [one] => (*one).to_owned(),
                    [rest @ .., last] => format!("{} {} {last}", rest.join(", "), m.demo_idp_and),
                };
                let mut role = m.demo_idp_parent_of.replace("{barn}", &names);
                if !responsible {
                    role = format!("{role}, {}", m.demo_idp_no_responsibility);
                }
                if let Some(municipality) = municipality {
                    role = format!("{role} ({municipality})");
                }
                role
            }
            DemoKind::Youth { .. } => m.demo_idp_youth.to_owned(),
        }
    }
}

/// ID-porten's claims beyond the standard ones: `pid`, the person's
/// national identity number.
#[derive(Clone, Debug, Deserialize, Serialize)]
pub struct PidClaims {
    pub pid: String,
}
impl AdditionalClaims for PidClaims {}

/// The ID token the provider signs.
pub type DemoIdToken =
    IdToken<PidClaims, CoreGenderClaim, CoreJweContentEncryptionAlgorithm, CoreJwsSigningAlgorithm>;

/// A code given at `/authorize`, waiting for `/token`.
struct Grant {
    client_id: String,
    redirect_uri: String,
    nonce: String,
    challenge: String,
    acr: String,
    pid: String,
    expires: chrono::DateTime<Utc>,
}

/// The provider's state: its key and the codes given.
pub struct Provider {
    key: CoreRsaPrivateSigningKey,
    codes: Mutex<HashMap<String, Grant>>,
}

impl Provider {
    fn new() -> Result<Self, String> {
        let pem = DEMO_KEY
            .find("-----BEGIN")
            .map(|at| &DEMO_KEY[at..])
            .ok_or("the demo key is not PEM")?;
        Ok(Self {
            key: CoreRsaPrivateSigningKey::from_pem(pem, Some(JsonWebKeyId::new(KEY_ID.into())))?,
            codes: Mutex::new(HashMap::new()),
        })
    }

    fn keep(&self, code: String, grant: Grant) {
        let now = Utc::now();
        let mut codes = self.codes.lock().unwrap_or_else(|e| e.into_inner());
        codes.retain(|_, g| g.expires > now);
        if codes.len() >= MAX_CODES {
            codes.clear();
        }
        codes.insert(code, grant);
    }

    /// The grant of `code`, removed: a code is used once, whatever the
    /// outcome of the request that presents it.
    fn take(&self, code: &str) -> Option<Grant> {
        let mut codes = self.codes.lock().unwrap_or_else(|e| e.into_inner());
        codes.remove(code).filter(|g| g.expires > Utc::now())
    }
}

/// The demo provider's routes: the pages (to go inside the middleware) and
/// the machine endpoints (to go outside it), or `None` unless the
/// configuration asks for the provider.
pub(crate) fn routers(state: &AppState) -> Option<(Router<AppState>, Router<AppState>)> {
    if !state.config.oidc.demo_provider {
        return None;
    }
    let provider = match Provider::new() {
        Ok(p) => Arc::new(p),
        Err(e) => {
            tracing::error!(error = %e, "the demo provider's key cannot be read");
            return None;
        }
    };
    let pages = Router::new()
        .route(
            "/demo-idporten/authorize",
            get(authorize_page).post(authorize),
        )
        .route("/demo-idporten/endsession", get(end_session))
        .layer(Extension(provider.clone()));
    let api = Router::new()
        .route(
            "/demo-idporten/.well-known/openid-configuration",
            get(discovery),
        )
        .route("/demo-idporten/jwks", get(jwks))
        .route("/demo-idporten/token", axum::routing::post(token))
        .layer(axum::extract::DefaultBodyLimit::max(16 * 1024))
        .layer(Extension(provider));
    Some((pages, api))
}

/// The client registered with the provider: the citizens' provider of the
/// configuration, when its issuer is this provider.
fn client(state: &AppState) -> Option<&super::ProviderConfig> {
    state
        .config
        .oidc
        .citizens
        .as_ref()
        .filter(|p| p.issuer.trim_end_matches('/').ends_with(PATH))
}

/// The issuer: the configured one (`{base}/demo-idporten`), or else built
/// from the request's host.
fn issuer(state: &AppState, headers: &HeaderMap) -> String {
    if let Some(p) = client(state) {
        return p.issuer.trim_end_matches('/').to_owned();
    }
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| {
            h.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | ':' | '-' | '[' | ']'))
        })
        .unwrap_or("localhost");
    format!("http://{host}{PATH}")
}

fn no_store(mut response: Response) -> Response {
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    response
}

async fn discovery(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let issuer = issuer(&state, &headers);
    let url = |path: &str| format!("{issuer}{path}");
    let metadata = (|| -> Result<serde_json::Value, String> {
        let metadata = ProviderMetadataWithLogout::new(
            IssuerUrl::new(issuer.clone()).map_err(|e| e.to_string())?,
            AuthUrl::new(url("/authorize")).map_err(|e| e.to_string())?,
            JsonWebKeySetUrl::new(url("/jwks")).map_err(|e| e.to_string())?,
            vec![ResponseTypes::new(vec![CoreResponseType::Code])],
            vec![CoreSubjectIdentifierType::Public],
            vec![CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256],
            LogoutProviderMetadata {
                end_session_endpoint: Some(
                    EndSessionUrl::new(url("/endsession")).map_err(|e| e.to_string())?,
                ),
                additional_metadata: EmptyAdditionalProviderMetadata {},
            },
        )
        .set_token_endpoint(Some(
            TokenUrl::new(url("/token")).map_err(|e| e.to_string())?,
        ))
        .set_scopes_supported(Some(vec![
            Scope::new("openid".into()),
            Scope::new("profile".into()),
        ]))
        .set_grant_types_supported(Some(vec![CoreGrantType::AuthorizationCode]))
        .set_token_endpoint_auth_methods_supported(Some(vec![
            CoreClientAuthMethod::ClientSecretBasic,
            CoreClientAuthMethod::ClientSecretPost,
        ]))
        .set_acr_values_supported(Some(
            LEVELS
                .iter()
                .map(|l| AuthenticationContextClass::new((*l).into()))
                .collect(),
        ))
        .set_claims_supported(Some(
            ["iss", "aud", "sub", "pid", "acr", "nonce", "iat", "exp"]
                .iter()
                .map(|c| CoreClaimName::new((*c).into()))
                .collect(),
        ));
        let mut json = serde_json::to_value(&metadata).map_err(|e| e.to_string())?;
        if let Some(map) = json.as_object_mut() {
            map.insert(
                "code_challenge_methods_supported".into(),
                serde_json::json!(["S256"]),
            );
        }
        Ok(json)
    })();
    match metadata {
        Ok(json) => Json(json).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "demo provider metadata");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

async fn jwks(Extension(provider): Extension<Arc<Provider>>) -> Response {
    Json(CoreJsonWebKeySet::new(vec![
        provider.key.as_verification_key(),
    ]))
    .into_response()
}

/// An authorization request, as `/authorize` takes it (query or form).
#[derive(Clone, Debug, Default)]
struct AuthRequest {
    client_id: String,
    redirect_uri: String,
    state: String,
    nonce: String,
    code_challenge: String,
    acr_values: String,
}

impl AuthRequest {
    /// The request's parameters, or `None` when it is not one this provider
    /// answers: an unknown client or redirect URI (never redirected to), no
    /// `openid` scope, not the code flow, or without state, nonce or an S256
    /// PKCE challenge.
    fn read(state: &AppState, pairs: &[(String, String)]) -> Option<Self> {
        let get = |k: &str| forms::get(pairs, k).to_owned();
        let client = client(state)?;
        let request = Self {
            client_id: get("client_id"),
            redirect_uri: get("redirect_uri"),
            state: get("state"),
            nonce: get("nonce"),
            code_challenge: get("code_challenge"),
            acr_values: get("acr_values"),
        };
        let base = client.base_url.trim_end_matches('/');
        let ok = request.client_id == client.client_id
            && request.redirect_uri.starts_with(&format!("{base}/"))
            && get("response_type") == "code"
            && get("scope").split(' ').any(|s| s == "openid")
            && !request.state.is_empty()
            && !request.nonce.is_empty()
            && get("code_challenge_method") == "S256"
            && (43..=128).contains(&request.code_challenge.len());
        ok.then_some(request)
    }

    /// The level asked for first that the provider offers, or high.
    fn wanted_level(&self) -> &'static str {
        self.acr_values
            .split(' ')
            .find_map(|a| LEVELS.iter().find(|l| **l == a).copied())
            .unwrap_or(LEVELS[0])
    }

    fn hidden(&self) -> Vec<(&'static str, String)> {
        vec![
            ("response_type", "code".into()),
            ("scope", "openid".into()),
            ("code_challenge_method", "S256".into()),
            ("client_id", self.client_id.clone()),
            ("redirect_uri", self.redirect_uri.clone()),
            ("state", self.state.clone()),
            ("nonce", self.nonce.clone()),
            ("code_challenge", self.code_challenge.clone()),
            ("acr_values", self.acr_values.clone()),
        ]
    }
}

/// One choice of a radio group.
struct Choice {
    value: String,
    label: String,
    hint: String,
}

#[derive(Template)]
#[template(path = "oidc/demo_authorize.html")]
struct AuthorizePage {
    layout: Layout,
    form: FormState,
    persons: Vec<Choice>,
    levels: Vec<Choice>,
    hidden: Vec<(&'static str, String)>,
    cancel: String,
}

fn level_label(m: &'static Messages, level: &str) -> (&'static str, &'static str) {
    if level == LEVELS[0] {
        (m.demo_idp_level_high, m.demo_idp_level_high_hint)
    } else {
        (
            m.demo_idp_level_substantial,
            m.demo_idp_level_substantial_hint,
        )
    }
}

fn with_query(uri: &str, params: &[(&str, &str)]) -> String {
    let query = serde_urlencoded::to_string(params).unwrap_or_default();
    let joiner = if uri.contains('?') { '&' } else { '?' };
    format!("{uri}{joiner}{query}")
}

fn authorize_form(ctx: &Ctx, request: &AuthRequest, form: FormState) -> AuthorizePage {
    let m = ctx.m;
    AuthorizePage {
        layout: Layout::anonymous(ctx, m.demo_idp_title),
        form: form.fields(&[("person", m.demo_idp_person), ("niva", m.demo_idp_level)]),
        persons: PERSONS
            .iter()
            .map(|p| Choice {
                value: p.key.to_owned(),
                label: p.name.to_owned(),
                hint: p.role(m),
            })
            .collect(),
        levels: LEVELS
            .iter()
            .map(|l| {
                let (label, hint) = level_label(m, l);
                Choice {
                    value: (*l).to_owned(),
                    label: label.to_owned(),
                    hint: hint.to_owned(),
                }
            })
            .collect(),
        hidden: request.hidden(),
        cancel: with_query(
            &request.redirect_uri,
            &[("error", "access_denied"), ("state", &request.state)],
        ),
    }
}

async fn authorize_page(
    State(state): State<AppState>,
    ctx: Ctx,
    RawQuery(query): RawQuery,
) -> Result<Response, AppError> {
    let pairs = forms::pairs(query.as_deref().unwrap_or(""));
    let request = AuthRequest::read(&state, &pairs).ok_or(AppError::BadRequest)?;
    let form = FormState::with_values([("niva", request.wanted_level())]);
    Ok(no_store(page(&authorize_form(&ctx, &request, form))?))
}

async fn authorize(
    State(state): State<AppState>,
    Extension(provider): Extension<Arc<Provider>>,
    ctx: Ctx,
    body: String,
) -> Result<Response, AppError> {
    let pairs = forms::pairs(&body);
    let request = AuthRequest::read(&state, &pairs).ok_or(AppError::BadRequest)?;
    let chosen = forms::get(&pairs, "person");
    let level = forms::get(&pairs, "niva");
    let mut form = FormState::with_values(forms::redisplayable(&pairs));
    let person = PERSONS.iter().find(|p| p.key == chosen);
    if person.is_none() {
        form.add_error("person", ctx.m.demo_idp_choose_person);
    }
    let level = LEVELS.iter().find(|l| **l == level).copied();
    if level.is_none() {
        form.add_error("niva", ctx.m.demo_idp_choose_level);
    }
    let (Some(person), Some(acr)) = (person, level) else {
        return invalid(&authorize_form(&ctx, &request, form));
    };
    let pid = match person.kind {
        DemoKind::Guardian { .. } => person.guardian_number().map(|n| n.expose().to_owned()),
        DemoKind::Youth { child } => {
            state
                .db
                .read(move |c| laget_db::lookup::demo_youth_number(c, DEMO_MUNICIPALITY, child))
                .await?
        }
    };
    let Some(pid) = pid else {
        // The youth of a database without the demo's families.
        form.add_error("person", ctx.m.demo_idp_person_missing);
        return invalid(&authorize_form(&ctx, &request, form));
    };
    let code = random_token();
    provider.keep(
        code.clone(),
        Grant {
            client_id: request.client_id.clone(),
            redirect_uri: request.redirect_uri.clone(),
            nonce: request.nonce.clone(),
            challenge: request.code_challenge.clone(),
            acr: acr.to_owned(),
            pid,
            expires: Utc::now() + Duration::seconds(CODE_SECONDS),
        },
    );
    Ok(Redirect::to(&with_query(
        &request.redirect_uri,
        &[("code", &code), ("state", &request.state)],
    ))
    .into_response())
}

/// An OAuth error from the token endpoint.
fn token_error(status: StatusCode, error: &'static str) -> Response {
    no_store((status, Json(serde_json::json!({ "error": error }))).into_response())
}

/// The client's id and secret from HTTP Basic (`client_secret_basic`: both
/// form-urlencoded, then base64), if the header is there.
fn basic_credentials(headers: &HeaderMap) -> Option<(String, String)> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let encoded = value
        .strip_prefix("Basic ")
        .or_else(|| value.strip_prefix("basic "))?;
    let decoded = String::from_utf8(base64_decode(encoded.trim())?).ok()?;
    let (id, secret) = decoded.split_once(':')?;
    let unescape = |s: &str| -> Option<String> {
        let pairs: Vec<(String, String)> = serde_urlencoded::from_str(&format!("x={s}")).ok()?;
        pairs.into_iter().next().map(|(_, v)| v)
    };
    Some((unescape(id)?, unescape(secret)?))
}

/// Standard base64 (with or without padding).
fn base64_decode(s: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let mut buffer = 0u32;
    let mut bits = 0;
    for c in s.bytes().filter(|c| *c != b'=') {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        };
        buffer = (buffer << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push(u8::try_from((buffer >> bits) & 0xff).ok()?);
        }
    }
    Some(out)
}

async fn token(
    State(state): State<AppState>,
    Extension(provider): Extension<Arc<Provider>>,
    headers: HeaderMap,
    body: String,
) -> Response {
    let pairs = forms::pairs(&body);
    let get = |k: &str| forms::get(&pairs, k).to_owned();
    let Some(client) = client(&state) else {
        return token_error(StatusCode::UNAUTHORIZED, "invalid_client");
    };
    let (id, secret) =
        basic_credentials(&headers).unwrap_or_else(|| (get("client_id"), get("client_secret")));
    let expected = client.client_secret.as_deref().unwrap_or("");
    if id != client.client_id || expected.is_empty() || !constant_time_eq(&secret, expected) {
        return token_error(StatusCode::UNAUTHORIZED, "invalid_client");
    }
    if get("grant_type") != "authorization_code" {
        return token_error(StatusCode::BAD_REQUEST, "unsupported_grant_type");
    }
    let Some(grant) = provider.take(&get("code")) else {
        return token_error(StatusCode::BAD_REQUEST, "invalid_grant");
    };
    let verifier = get("code_verifier");
    let challenge = PkceCodeChallenge::from_code_verifier_sha256(&PkceCodeVerifier::new(verifier));
    if grant.client_id != id
        || grant.redirect_uri != get("redirect_uri")
        || !constant_time_eq(challenge.as_str(), &grant.challenge)
    {
        return token_error(StatusCode::BAD_REQUEST, "invalid_grant");
    }
    let issuer = issuer(&state, &headers);
    let now = Utc::now();
    let access_token = AccessToken::new(random_token());
    let code = AuthorizationCode::new(get("code"));
    let claims = (|| -> Result<DemoIdToken, String> {
        let claims = IdTokenClaims::new(
            IssuerUrl::new(issuer).map_err(|e| e.to_string())?,
            vec![Audience::new(grant.client_id.clone())],
            now + Duration::seconds(TOKEN_SECONDS),
            now,
            StandardClaims::new(SubjectIdentifier::new(subject(&grant.pid))),
            PidClaims {
                pid: grant.pid.clone(),
            },
        )
        .set_nonce(Some(Nonce::new(grant.nonce.clone())))
        .set_auth_context_ref(Some(AuthenticationContextClass::new(grant.acr.clone())))
        .set_auth_time(Some(now));
        DemoIdToken::new(
            claims,
            &provider.key,
            CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256,
            Some(&access_token),
            Some(&code),
        )
        .map_err(|e| e.to_string())
    })();
    match claims {
        Ok(id_token) => no_store(
            Json(serde_json::json!({
                "access_token": access_token.secret(),
                "token_type": "Bearer",
                "expires_in": TOKEN_SECONDS,
                "scope": "openid profile",
                "id_token": id_token.to_string(),
            }))
            .into_response(),
        ),
        Err(e) => {
            tracing::error!(error = %e, "demo provider could not sign");
            token_error(StatusCode::INTERNAL_SERVER_ERROR, "server_error")
        }
    }
}

/// The subject: stable per person, not the national identity number (as
/// ID-porten's `sub` is a pairwise pseudonym).
fn subject(pid: &str) -> String {
    use sha2::{Digest, Sha256};
    let hash = Sha256::digest(format!("laget-demo-sub:{pid}").as_bytes());
    hex::encode(&hash[..16])
}

/// Logout at the provider: back to `post_logout_redirect_uri` (on Laget)
/// with the state, or to Laget's family login page.
async fn end_session(State(state): State<AppState>, RawQuery(query): RawQuery) -> Response {
    let pairs = forms::pairs(query.as_deref().unwrap_or(""));
    let target = forms::get(&pairs, "post_logout_redirect_uri");
    let back_to_laget = client(&state).is_some_and(|c| {
        let base = c.base_url.trim_end_matches('/');
        target.starts_with(&format!("{base}/"))
    });
    if !back_to_laget {
        return Redirect::to("/familie/logg-inn").into_response();
    }
    let state_param = forms::get(&pairs, "state");
    if state_param.is_empty() {
        Redirect::to(target).into_response()
    } else {
        Redirect::to(&with_query(target, &[("state", state_param)])).into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_key_loads() {
        assert!(Provider::new().is_ok());
    }

    #[test]
    fn every_guardian_has_a_synthetic_number_and_the_keys_differ() {
        let mut keys: Vec<_> = PERSONS.iter().map(|p| p.key).collect();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), PERSONS.len());
        for p in PERSONS {
            match p.kind {
                DemoKind::Guardian { .. } => {
                    let n = p.guardian_number();
                    assert!(
                        n.as_ref().is_some_and(NationalId::is_synthetic),
                        "{}",
                        p.name
                    );
                }
                DemoKind::Youth { .. } => assert!(p.guardian_number().is_none()),
            }
        }
    }

    #[test]
    fn base64_decodes_basic_credentials() {
        assert_eq!(
            base64_decode("bGFnZXQtZGVtbzpoZW1tZWxpZw==").as_deref(),
            Some(b"laget-demo:hemmelig".as_slice())
        );
        assert_eq!(base64_decode("a*b"), None);
    }

    #[test]
    fn roles_name_the_children() {
        let m = crate::i18n::Messages::for_visitors();
        assert_eq!(
            PERSONS[0].role(m),
            "forelder til Filip Haugland og Emma Haugland"
        );
        assert!(PERSONS[1].role(m).contains("uten foreldreansvar"));
        assert_eq!(PERSONS[2].role(m), "ungdom");
        assert!(PERSONS[3].role(m).ends_with("(Nabo kommune)"));
    }
}
