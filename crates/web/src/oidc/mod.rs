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
