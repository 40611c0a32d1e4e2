//! Login with OpenID Connect: ID-porten for citizens (guardians and youth,
//! the family's portal) and the municipality's identity provider for staff
//! (Entra ID, Feide or another OpenID provider), beside the local accounts
//! of the embedded default.
//!
//! The flow is the authorization code flow with PKCE, state and nonce (the
//! `openidconnect` crate); the ID token's issuer, audience, signature (the
//! provider's published keys), expiry and nonce are checked, and for
//! citizens the level of assurance (`acr`). The person is the `pid` claim
//! (ID-porten) or the configured claim matched to a Laget user (staff).
//! Logins under way are kept in the database (`oidc_logins`), so a state is
//! used once.
//!
//! [`demo_provider`] is a small OpenID provider for the demo (`laget serve
//! --demo`), never mounted otherwise.
//!
//! Parts: [`client`] (discovery, starting and finishing a login, logout at
//! the provider), [`callback`] (`GET /innlogging/tilbake`, one callback for
//! every provider: the stored login says which) and its pages. The citizens'
//! login pages are in `crate::portal::login`, the staff button in
//! `crate::session::oidc`.
//
// H2: declare `pub mod demo_provider;` below (a targeted edit is fine). The
// fields of `ProviderConfig` stay as they are; `redirect_uri()` and
// `validate()` were added for the client and the configuration.

pub mod callback;
pub mod client;

pub mod demo_provider;

/// One configured OpenID provider (sections `[idporten]` and `[staff_login]`
/// of the configuration file).
#[derive(Clone, Debug)]
pub struct ProviderConfig {
    /// The provider's name in Laget's URLs and sessions: `idporten` for
    /// citizens, `ansatt` for staff.
    pub key: String,
    /// Shown on the login button: «ID-porten», «Testbyen kommune (Entra ID)».
    pub display_name: String,
    /// The issuer; its `/.well-known/openid-configuration` is read at the
    /// first login. https, except on 127.0.0.1 / localhost.
    pub issuer: String,
    pub client_id: String,
    /// Never printed (`Debug` of the configuration hides it).
    pub client_secret: Option<String>,
    /// Laget's own address as the browser reaches it
    /// (`https://laget.kommune.no`); the redirect URI is
    /// `{base_url}/innlogging/tilbake`.
    pub base_url: String,
    /// The levels of assurance accepted, the first one asked for
    /// (ID-porten: `idporten-loa-high`, `idporten-loa-substantial`). Empty:
    /// no `acr` check (a staff provider that sets none).
    pub acr_values: Vec<String>,
    /// Scopes beyond `openid` (ID-porten: `profile`).
    pub scopes: Vec<String>,
    /// Staff only: the claim that names the Laget user (`email`,
    /// `preferred_username`, `upn`), and which field of the user it is
    /// matched to.
    pub user_claim: Option<UserClaim>,
}

impl ProviderConfig {
    /// Laget's callback, the same for every provider:
    /// `{base_url}/innlogging/tilbake`.
    pub fn redirect_uri(&self) -> String {
        format!("{}/innlogging/tilbake", self.base_url.trim_end_matches('/'))
    }

    /// Checks what the client needs: an issuer and a base URL that are
    /// https, or http on 127.0.0.1 / localhost only (tests, the demo); a
    /// client id; a staff provider's claim. The error says which setting of
    /// which section is wrong, in English, for the operator.
    pub fn validate(&self, section: &str) -> Result<(), String> {
        check_url(section, "issuer", &self.issuer)?;
        check_url(section, "base_url", &self.base_url)?;
        if self.client_id.trim().is_empty() {
            return Err(format!("[{section}] client_id is empty"));
        }
        if self
            .client_secret
            .as_deref()
            .is_some_and(|s| s.trim().is_empty())
        {
            return Err(format!("[{section}] client_secret is empty"));
        }
        if self.display_name.trim().is_empty() {
            return Err(format!("[{section}] display_name is empty"));
        }
        if let Some(c) = &self.user_claim
            && c.claim.trim().is_empty()
        {
            return Err(format!("[{section}] claim is empty"));
        }
        if self.acr_values.iter().any(|a| a.trim().is_empty()) {
            return Err(format!("[{section}] acr_values holds an empty value"));
        }
        Ok(())
    }
}

/// An address a provider setting may have: https, or http on the local
/// machine; no query, fragment or user name.
fn check_url(section: &str, name: &str, value: &str) -> Result<(), String> {
    let url = openidconnect::url::Url::parse(value)
        .map_err(|e| format!("[{section}] {name} is not a URL ({e}): {value}"))?;
    let local = matches!(url.host_str(), Some("127.0.0.1" | "localhost" | "[::1]"));
    match url.scheme() {
        "https" => {}
        "http" if local => {}
        "http" => {
            return Err(format!(
                "[{section}] {name} must use https (http only on 127.0.0.1 or localhost): {value}"
            ));
        }
        _ => return Err(format!("[{section}] {name} must be an https URL: {value}")),
    }
    if url.query().is_some() || url.fragment().is_some() || !url.username().is_empty() {
        return Err(format!(
            "[{section}] {name} must have no query, fragment or user: {value}"
        ));
    }
    Ok(())
}

impl OidcConfig {
    /// Checks both providers (see [`ProviderConfig::validate`]); their keys
    /// must differ, since the stored login names its provider by key.
    pub fn validate(&self) -> Result<(), String> {
        if let Some(p) = &self.citizens {
            p.validate("idporten")?;
        }
        if let Some(p) = &self.staff {
            p.validate("staff_login")?;
            if p.user_claim.is_none() {
                return Err("[staff_login] claim is missing".into());
            }
        }
        if let (Some(a), Some(b)) = (&self.citizens, &self.staff)
            && a.key == b.key
        {
            return Err("[idporten] and [staff_login] need different keys".into());
        }
        Ok(())
    }

    /// The configured provider with this key.
    pub fn provider(&self, key: &str) -> Option<&ProviderConfig> {
        [&self.citizens, &self.staff]
            .into_iter()
            .flatten()
            .find(|p| p.key == key)
    }
}

/// How a staff login's claim is matched to a Laget user.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UserClaim {
    /// The ID token claim (`email`, `preferred_username`, ...).
    pub claim: String,
    /// The user field it must equal.
    pub field: UserField,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UserField {
    Username,
    Email,
}

/// The providers Laget logs in with. Both `None`: local accounts only, and
/// the family's portal says that login through ID-porten is not set up.
#[derive(Clone, Debug, Default)]
pub struct OidcConfig {
    /// ID-porten, for citizens.
    pub citizens: Option<ProviderConfig>,
    /// The municipality's identity provider, for staff.
    pub staff: Option<ProviderConfig>,
    /// Mount the demo provider ([`demo_provider`]) at `/demo-idporten`
    /// (`laget serve --demo` only).
    pub demo_provider: bool,
}
