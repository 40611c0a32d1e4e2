//! The OpenID Connect client: discovery (the provider's metadata and keys,
//! read at the first login and kept in [`Discovery`]), starting a login
//! (state, nonce and PKCE verifier kept in `oidc_logins`, the state also in
//! a short-lived cookie) and finishing it (the code exchanged, the ID token
//! checked: issuer, audience, signature, expiry, nonce, and the level of
//! assurance).
//!
//! The HTTP client follows no redirects (a redirect at the provider could
//! otherwise send Laget's server anywhere, SSRF) and gives up after ten
//! seconds.

use super::ProviderConfig;
use crate::AppState;
use crate::auth::{constant_time_eq, random_token, token_hash};
use chrono::{DateTime, Utc};
use laget_db::session::oidc_logins::{self, PendingLogin};
use openidconnect::core::{
    CoreAuthDisplay, CoreAuthPrompt, CoreErrorResponseType, CoreGenderClaim, CoreJsonWebKey,
    CoreJweContentEncryptionAlgorithm, CoreJwsSigningAlgorithm, CoreRevocableToken,
    CoreRevocationErrorResponse, CoreTokenIntrospectionResponse, CoreTokenType,
};
use openidconnect::{
    AdditionalClaims, AuthenticationContextClass, AuthenticationFlow, AuthorizationCode,
    ClaimsVerificationError, Client, ClientId, ClientSecret, CsrfToken, EmptyExtraTokenFields,
    EndpointMaybeSet, EndpointNotSet, EndpointSet, IdTokenClaims, IdTokenFields, IssuerUrl, Nonce,
    PkceCodeChallenge, PkceCodeVerifier, ProviderMetadataWithLogout, RedirectUrl, Scope,
    SignatureVerificationError, StandardErrorResponse, StandardTokenResponse, TokenResponse,
};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::Arc;

/// The provider's metadata with its keys (and `end_session_endpoint`).
pub type Metadata = ProviderMetadataWithLogout;

/// Claims beyond the standard ones: ID-porten's `pid`, and the rest by name
/// (a staff provider's `upn`, …).
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
pub struct ExtraClaims {
    /// The national identity number (ID-porten).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pid: Option<String>,
    #[serde(flatten)]
    pub other: HashMap<String, serde_json::Value>,
}
impl AdditionalClaims for ExtraClaims {}

/// The checked ID token's claims.
pub type Claims = IdTokenClaims<ExtraClaims, CoreGenderClaim>;

type Fields = IdTokenFields<
    ExtraClaims,
    EmptyExtraTokenFields,
    CoreGenderClaim,
    CoreJweContentEncryptionAlgorithm,
    CoreJwsSigningAlgorithm,
>;
type Tokens = StandardTokenResponse<Fields, CoreTokenType>;

/// The client for one provider, as made from its metadata.
pub type OidcClient = Client<
    ExtraClaims,
    CoreAuthDisplay,
    CoreGenderClaim,
    CoreJweContentEncryptionAlgorithm,
    CoreJsonWebKey,
    CoreAuthPrompt,
    StandardErrorResponse<CoreErrorResponseType>,
    Tokens,
    CoreTokenIntrospectionResponse,
    CoreRevocableToken,
    CoreRevocationErrorResponse,
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointMaybeSet,
    EndpointMaybeSet,
>;

/// Why a login could not start or finish. Each is a Norwegian page, never
/// a 500 (see `super::callback`).
#[derive(Debug, thiserror::Error)]
pub enum LoginError {
    /// The provider is not configured (or not this one).
    #[error("provider not configured")]
    NotConfigured,
    /// The state is unknown, already used, too old, or not this browser's.
    #[error("unknown, used, expired or foreign state")]
    State,
    /// The provider answered with an error (`?error=access_denied`).
    #[error("the provider answered {0}")]
    Provider(String),
    /// The provider could not be reached or its metadata read.
    #[error("discovery: {0}")]
    Discovery(String),
    /// The code could not be exchanged, or the ID token failed a check.
    #[error("token: {0}")]
    Token(String),
    /// The level of assurance is not one of those accepted.
    #[error("level of assurance too low")]
    LowAcr,
    /// No valid national identity number (`pid`).
    #[error("no valid pid")]
    NoPid,
    /// No Laget user matches the staff login's claim.
    #[error("no Laget user for the login")]
    UnknownUser,
}

/// The providers' metadata, read at the first login and kept; read again
/// when an ID token names a key the kept set does not have.
pub struct Discovery {
    http: openidconnect::reqwest::Client,
    kept: tokio::sync::Mutex<HashMap<String, Arc<Metadata>>>,
    /// The origins of the kept providers' authorization and end-session
    /// endpoints, for the Content-Security-Policy's `form-action`: a login
    /// or logout is a form posted to Laget that redirects there, and
    /// browsers hold the redirect to `form-action` (ID-porten's endpoints
    /// are on login.idporten.no, not on its issuer's origin).
    form_targets: std::sync::RwLock<Vec<String>>,
}

impl Discovery {
    /// The HTTP client (no redirects, 10 s timeout).
    pub fn new() -> Result<Self, String> {
        let http = openidconnect::reqwest::Client::builder()
            .redirect(openidconnect::reqwest::redirect::Policy::none())
            .timeout(std::time::Duration::from_secs(10))
            .build()
            .map_err(|e| e.to_string())?;
        Ok(Self {
            http,
            kept: Default::default(),
            form_targets: Default::default(),
        })
    }

    /// The HTTP client Laget's server talks to providers with.
    pub fn http(&self) -> &openidconnect::reqwest::Client {
        &self.http
    }

    /// The provider's metadata and keys: kept, or read now (`fresh`: read
    /// again even if kept).
    pub async fn metadata(
        &self,
        provider: &ProviderConfig,
        fresh: bool,
    ) -> Result<Arc<Metadata>, LoginError> {
        if !fresh && let Some(found) = self.kept.lock().await.get(&provider.issuer) {
            return Ok(found.clone());
        }
        let issuer = IssuerUrl::new(provider.issuer.clone())
            .map_err(|e| LoginError::Discovery(e.to_string()))?;
        let read = Metadata::discover_async(issuer, &self.http)
            .await
            .map_err(|e| LoginError::Discovery(e.to_string()))?;
        let read = Arc::new(read);
        self.note_form_targets(&read);
        self.kept
            .lock()
            .await
            .insert(provider.issuer.clone(), read.clone());
        Ok(read)
    }

    /// Adds the origins of `metadata`'s authorization and end-session
    /// endpoints to [`Discovery::form_action_sources`].
    fn note_form_targets(&self, metadata: &Metadata) {
        let mut origins = vec![metadata.authorization_endpoint().url().origin()];
        if let Some(end) = &metadata.additional_metadata().end_session_endpoint {
            origins.push(end.url().origin());
        }
        let Ok(mut targets) = self.form_targets.write() else {
            return;
        };
        for origin in origins.into_iter().filter(|o| o.is_tuple()) {
            let origin = origin.ascii_serialization();
            if !targets.contains(&origin) {
                targets.push(origin);
            }
        }
    }

    /// Reads the provider's metadata now if it is not kept, so that the
    /// page about to be served — a login page, whose form leads to the
    /// provider — already carries the provider's origins in its policy:
    /// browsers hold a form's redirect to the policy of the page the form
    /// is on. A provider that cannot be reached is logged; the login itself
    /// then says so.
    pub async fn prepare(&self, provider: Option<&ProviderConfig>) {
        if let Some(provider) = provider
            && let Err(e) = self.metadata(provider, false).await
        {
            tracing::warn!(error = %e, provider = %provider.key, "the provider's metadata could not be read");
        }
    }

    /// The sources a form may lead to besides Laget itself: the origins of
    /// the providers' login and logout endpoints read so far (see the
    /// field). Discovery happens inside the login's own request, before
    /// the response's headers are written, so the redirect that needs them
    /// already carries them.
    pub fn form_action_sources(&self) -> Vec<String> {
        self.form_targets
            .read()
            .map(|t| t.clone())
            .unwrap_or_default()
    }
}

/// The client for `provider` from its metadata.
fn make_client(provider: &ProviderConfig, metadata: &Metadata) -> Result<OidcClient, LoginError> {
    let redirect = RedirectUrl::new(provider.redirect_uri())
        .map_err(|e| LoginError::Discovery(e.to_string()))?;
    Ok(OidcClient::from_provider_metadata(
        metadata.clone(),
        ClientId::new(provider.client_id.clone()),
        provider.client_secret.clone().map(ClientSecret::new),
    )
    .set_redirect_uri(redirect))
}

/// The cookie that binds a login under way to the browser that began it.
pub fn state_cookie_name(secure: bool) -> &'static str {
    if secure {
        "__Host-laget_oidc"
    } else {
        "laget_oidc"
    }
}

/// A login begun: where to send the browser, and the state to put in the
/// cookie.
pub struct Started {
    pub url: String,
    pub state: String,
}

/// Begins a login at `provider`: a random state, nonce and PKCE verifier,
/// kept in `oidc_logins` under the state's hash; returns the provider's
/// authorization URL. `next`: where to go afterwards (a safe path).
pub async fn start(
    state: &AppState,
    provider: &ProviderConfig,
    next: &str,
) -> Result<Started, LoginError> {
    let metadata = state.oidc.metadata(provider, false).await?;
    let client = make_client(provider, &metadata)?;
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let mut request = client
        .authorize_url(
            AuthenticationFlow::<openidconnect::core::CoreResponseType>::AuthorizationCode,
            || CsrfToken::new(random_token()),
            || Nonce::new(random_token()),
        )
        .set_pkce_challenge(challenge);
    for scope in &provider.scopes {
        request = request.add_scope(Scope::new(scope.clone()));
    }
    for acr in &provider.acr_values {
        request = request.add_auth_context_value(AuthenticationContextClass::new(acr.clone()));
    }
    let (url, csrf, nonce) = request.url();
    let login = PendingLogin {
        provider: provider.key.clone(),
        nonce: nonce.secret().clone(),
        pkce_verifier: verifier.secret().clone(),
        next_path: next.to_owned(),
        created_at: Utc::now(),
    };
    let hash = token_hash(csrf.secret());
    state
        .db
        .write(move |c| oidc_logins::begin(c, &hash, &login))
        .await
        .map_err(|e| LoginError::Discovery(e.to_string()))?;
    Ok(Started {
        url: url.to_string(),
        state: csrf.secret().clone(),
    })
}

/// The login under way that a callback's `state` names, taken (deleted) so
/// it is used once; refused unless the browser's cookie holds the same
/// state.
pub async fn take(
    state: &AppState,
    returned: &str,
    cookie: Option<&str>,
    now: DateTime<Utc>,
) -> Result<PendingLogin, LoginError> {
    if returned.is_empty() || returned.len() > 128 {
        return Err(LoginError::State);
    }
    let hash = token_hash(returned);
    let pending = state
        .db
        .write(move |c| oidc_logins::take(c, &hash, now))
        .await
        .map_err(|e| LoginError::Token(e.to_string()))?
        .ok_or(LoginError::State)?;
    match cookie {
        Some(cookie) if constant_time_eq(cookie, returned) => Ok(pending),
        _ => Err(LoginError::State),
    }
}

/// A finished login whose ID token passed every check.
pub struct Verified {
    pub claims: Claims,
    /// The ID token as issued (the `id_token_hint` at logout).
    pub id_token: String,
    /// The level of assurance, if the provider gave one.
    pub acr: Option<String>,
}

/// Exchanges the code (with the PKCE verifier) and checks the ID token:
/// issuer, audience, signature (reading the keys again once if the token
/// names an unknown key), expiry, nonce; then the level of assurance when
/// `acr_values` is configured.
pub async fn finish(
    state: &AppState,
    provider: &ProviderConfig,
    pending: &PendingLogin,
    code: &str,
) -> Result<Verified, LoginError> {
    let metadata = state.oidc.metadata(provider, false).await?;
    let client = make_client(provider, &metadata)?;
    let tokens = client
        .exchange_code(AuthorizationCode::new(code.to_owned()))
        .map_err(|e| LoginError::Token(e.to_string()))?
        .set_pkce_verifier(PkceCodeVerifier::new(pending.pkce_verifier.clone()))
        .request_async(state.oidc.http())
        .await
        .map_err(|e| LoginError::Token(token_error(&e)))?;
    let id_token = tokens
        .id_token()
        .ok_or_else(|| LoginError::Token("no ID token".into()))?;
    let nonce = Nonce::new(pending.nonce.clone());
    let claims = match id_token.claims(&client.id_token_verifier(), &nonce) {
        Ok(claims) => claims.clone(),
        Err(ClaimsVerificationError::SignatureVerification(
            SignatureVerificationError::NoMatchingKey,
        )) => {
            // The provider may have rotated its keys: read them again once.
            let metadata = state.oidc.metadata(provider, true).await?;
            let client = make_client(provider, &metadata)?;
            id_token
                .claims(&client.id_token_verifier(), &nonce)
                .map_err(|e| LoginError::Token(e.to_string()))?
                .clone()
        }
        Err(e) => return Err(LoginError::Token(e.to_string())),
    };
    let acr = claims.auth_context_ref().map(|a| a.as_str().to_owned());
    if !provider.acr_values.is_empty()
        && !acr
            .as_deref()
            .is_some_and(|a| provider.acr_values.iter().any(|v| v == a))
    {
        return Err(LoginError::LowAcr);
    }
    Ok(Verified {
        claims,
        id_token: id_token.to_string(),
        acr,
    })
}

/// A token request's failure, without the provider's free text.
fn token_error<E: std::error::Error>(
    e: &openidconnect::RequestTokenError<E, StandardErrorResponse<CoreErrorResponseType>>,
) -> String {
    match e {
        openidconnect::RequestTokenError::ServerResponse(r) => {
            format!("token endpoint: {}", r.error().as_ref())
        }
        other => other.to_string(),
    }
}

/// The value of the claim `name` as a string: the standard ones Laget
/// knows (`sub`, `email`, `preferred_username`) and any other string claim.
pub fn claim(claims: &Claims, name: &str) -> Option<String> {
    match name {
        "sub" => Some(claims.subject().as_str().to_owned()),
        "email" => claims.email().map(|e| e.as_str().to_owned()),
        "preferred_username" => claims.preferred_username().map(|u| u.as_str().to_owned()),
        "pid" => claims.additional_claims().pid.clone(),
        other => claims
            .additional_claims()
            .other
            .get(other)
            .and_then(|v| v.as_str())
            .map(str::to_owned),
    }
}

/// Where to send the browser to log out at the provider too, if it has an
/// `end_session_endpoint`: with the ID token as `id_token_hint`, the
/// address to come back to, and a random state.
pub async fn end_session_url(
    state: &AppState,
    provider: &ProviderConfig,
    id_token_hint: Option<&str>,
    back_to: &str,
) -> Option<String> {
    let metadata = match state.oidc.metadata(provider, false).await {
        Ok(m) => m,
        Err(e) => {
            tracing::warn!(error = %e, "no logout at the provider");
            return None;
        }
    };
    let endpoint = metadata
        .additional_metadata()
        .end_session_endpoint
        .as_ref()?;
    let mut url = endpoint.url().clone();
    {
        let mut query = url.query_pairs_mut();
        if let Some(hint) = id_token_hint {
            query.append_pair("id_token_hint", hint);
        }
        query.append_pair("client_id", &provider.client_id);
        query.append_pair(
            "post_logout_redirect_uri",
            &format!("{}{back_to}", provider.base_url.trim_end_matches('/')),
        );
        query.append_pair("state", &random_token());
    }
    Some(url.to_string())
}
