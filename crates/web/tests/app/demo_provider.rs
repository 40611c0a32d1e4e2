//! The demo OpenID provider (`laget serve --demo`, `oidc::demo_provider`):
//! never mounted with the default configuration; when mounted, discovery,
//! keys, the authorize page, the code exchange with PKCE (a wrong verifier
//! and a code used twice refused) and an ID token that verifies against the
//! published keys with the `openidconnect` client types.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use laget_testkit::{Client, TestApp};
use laget_web::WebConfig;
use laget_web::oidc::demo_provider::{DemoIdToken, PERSONS};
use laget_web::oidc::{OidcConfig, ProviderConfig};
use openidconnect::core::{CoreJsonWebKeySet, CoreProviderMetadata};
use openidconnect::{ClientId, ClientSecret, IdTokenVerifier, IssuerUrl, Nonce, PkceCodeChallenge};

const BASE: &str = "http://127.0.0.1:8080";
const ISSUER: &str = "http://127.0.0.1:8080/demo-idporten";
const SECRET: &str = "demo-hemmelighet-for-testen";
const REDIRECT: &str = "http://127.0.0.1:8080/innlogging/tilbake";

fn demo_config() -> WebConfig {
    WebConfig {
        oidc: OidcConfig {
            citizens: Some(ProviderConfig {
                key: "idporten".into(),
                display_name: "ID-porten (demo)".into(),
                issuer: ISSUER.into(),
                client_id: "laget-demo".into(),
                client_secret: Some(SECRET.into()),
                base_url: BASE.into(),
                acr_values: vec![
                    "idporten-loa-high".into(),
                    "idporten-loa-substantial".into(),
                ],
                scopes: vec!["profile".into()],
                user_claim: None,
            }),
            staff: None,
            demo_provider: true,
        },
        ..WebConfig::default()
    }
}

/// The default configuration mounts nothing at /demo-idporten, nor does a
/// configured citizens' provider without `demo_provider`.
async fn not_mounted(backend: laget_testkit::Backend) {
    let mut without = demo_config();
    without.oidc.demo_provider = false;
    for config in [WebConfig::default(), without] {
        let app = TestApp::with_config(backend.clone(), config).await;
        let mut c = app.anonymous();
        for path in [
            "/demo-idporten/.well-known/openid-configuration",
            "/demo-idporten/jwks",
            "/demo-idporten/authorize?client_id=laget-demo",
            "/demo-idporten/endsession",
        ] {
            assert_eq!(c.get(path).await.status, StatusCode::NOT_FOUND, "{path}");
        }
        let r = c
            .post(
                "/demo-idporten/token",
                &[("grant_type", "authorization_code")],
            )
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        // Nor is it in the route inventory (so not in the access matrix).
        assert!(
            !app.inventory
                .iter()
                .any(|r| r.path.starts_with("/demo-idporten"))
        );
    }
    // Mounted, it stays out of the inventory too.
    let app = TestApp::with_config(backend, demo_config()).await;
    assert!(
        !app.inventory
            .iter()
            .any(|r| r.path.starts_with("/demo-idporten"))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_provider_is_never_mounted_by_default() {
    for backend in laget_testkit::backends() {
        not_mounted(backend).await;
    }
}

fn authorize_query(challenge: &PkceCodeChallenge, state: &str, nonce: &str) -> String {
    serde_urlencoded::to_string([
        ("response_type", "code"),
        ("client_id", "laget-demo"),
        ("redirect_uri", REDIRECT),
        ("scope", "openid profile"),
        ("state", state),
        ("nonce", nonce),
        ("code_challenge", challenge.as_str()),
        ("code_challenge_method", "S256"),
        ("acr_values", "idporten-loa-substantial"),
    ])
    .unwrap()
}

/// Logs in at the provider's page as `person`; the code from the redirect.
async fn code_for(c: &mut Client, challenge: &PkceCodeChallenge, person: &str) -> String {
    let query = authorize_query(challenge, "tilstand-1", "nonce-1");
    let page = c.get(&format!("/demo-idporten/authorize?{query}")).await;
    assert_eq!(page.status, StatusCode::OK);
    let mut fields: Vec<(String, String)> = serde_urlencoded::from_str(&query).unwrap();
    fields.push(("person".into(), person.into()));
    fields.push(("niva".into(), "idporten-loa-high".into()));
    let refs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let r = c.post("/demo-idporten/authorize", &refs).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let location = r.location().to_owned();
    let query = location
        .strip_prefix(&format!("{REDIRECT}?"))
        .unwrap_or_else(|| panic!("redirect to Laget: {location}"));
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(query).unwrap();
    let get = |k: &str| {
        pairs
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    assert_eq!(get("state"), "tilstand-1");
    get("code")
}

/// Exchanges a code at the token endpoint (client_secret_post, or Basic
/// when `basic` is given).
async fn exchange(
    c: &mut Client,
    code: &str,
    verifier: &str,
    basic: Option<(&str, &str)>,
) -> (StatusCode, serde_json::Value) {
    let mut fields = vec![
        ("grant_type", "authorization_code"),
        ("code", code),
        ("redirect_uri", REDIRECT),
        ("code_verifier", verifier),
    ];
    if basic.is_none() {
        fields.push(("client_id", "laget-demo"));
        fields.push(("client_secret", SECRET));
    }
    let mut req = Request::builder()
        .method(Method::POST)
        .uri("/demo-idporten/token")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    if let Some((id, secret)) = basic {
        let raw = format!("{id}:{secret}");
        req = req.header(
            header::AUTHORIZATION,
            format!("Basic {}", base64(raw.as_bytes())),
        );
    }
    let r = c
        .request(
            req.body(Body::from(serde_urlencoded::to_string(&fields).unwrap()))
                .unwrap(),
        )
        .await;
    (
        r.status,
        serde_json::from_str(&r.body).unwrap_or(serde_json::Value::Null),
    )
}

fn base64(bytes: &[u8]) -> String {
    const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(A[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

async fn provider_flow(backend: laget_testkit::Backend) {
    let app = TestApp::with_config(backend, demo_config()).await;
    let mut c = app.anonymous();

    // Discovery and keys, read with the client library's types.
    let r = c
        .get("/demo-idporten/.well-known/openid-configuration")
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let metadata: CoreProviderMetadata = serde_json::from_str(&r.body).expect("metadata");
    assert_eq!(metadata.issuer().as_str(), ISSUER);
    assert_eq!(
        metadata.token_endpoint().map(|t| t.as_str()),
        Some("http://127.0.0.1:8080/demo-idporten/token")
    );
    assert_eq!(
        metadata.jwks_uri().as_str(),
        "http://127.0.0.1:8080/demo-idporten/jwks"
    );
    let raw: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(
        raw["end_session_endpoint"],
        "http://127.0.0.1:8080/demo-idporten/endsession"
    );
    assert_eq!(raw["code_challenge_methods_supported"][0], "S256");
    let r = c.get("/demo-idporten/jwks").await;
    assert_eq!(r.status, StatusCode::OK);
    let keys: CoreJsonWebKeySet = serde_json::from_str(&r.body).expect("jwks");
    assert_eq!(keys.keys().len(), 1);

    // The authorize page: Norwegian, every demo person, the level asked
    // for preselected; a request from an unknown client or redirect is
    // refused without a redirect.
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let query = authorize_query(&challenge, "tilstand-1", "nonce-1");
    let page = c.get(&format!("/demo-idporten/authorize?{query}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Demo-innlogging (ikke ID-porten)"));
    for p in PERSONS {
        assert!(page.body.contains(p.name), "{}", p.name);
    }
    assert!(
        page.body
            .contains("forelder til Filip Haugland og Emma Haugland")
    );
    assert!(
        page.body.contains(
            "value=\"idporten-loa-substantial\" aria-describedby=\"niva-2-hint\" checked"
        )
    );
    for bad in [
        query.replace("laget-demo", "noen-andre"),
        query.replace("127.0.0.1%3A8080", "angriper.example"),
        query.replace("code_challenge_method=S256", "code_challenge_method=plain"),
        query.replace("&nonce=nonce-1", ""),
    ] {
        let r = c.get(&format!("/demo-idporten/authorize?{bad}")).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{bad}");
    }

    // No person chosen: the page again, with the error beside the field.
    let mut fields: Vec<(String, String)> = serde_urlencoded::from_str(&query).unwrap();
    fields.push(("niva".into(), "idporten-loa-high".into()));
    let refs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let r = c.post("/demo-idporten/authorize", &refs).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("id=\"person-error\""));
    assert!(r.body.contains("Velg hvem du vil logge inn som."));
    // The youth is looked up in the database: without the demo's families
    // the page says so.
    let mut youth = refs.clone();
    youth.push(("person", "ungdom"));
    let r = c.post("/demo-idporten/authorize", &youth).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("laget serve --demo"));

    // A wrong verifier is refused, and the code is spent.
    let code = code_for(&mut c, &challenge, "mor").await;
    let (status, body) = exchange(
        &mut c,
        &code,
        "feil-verifikator-feil-verifikator-feil-verifikator",
        None,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"], "invalid_grant");
    let (status, _) = exchange(&mut c, &code, verifier.secret(), None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    // A wrong client secret is refused.
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let code = code_for(&mut c, &challenge, "mor").await;
    let (status, body) = exchange(
        &mut c,
        &code,
        verifier.secret(),
        Some(("laget-demo", "feil")),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["error"], "invalid_client");

    // The right verifier (client_secret_basic): an ID token that verifies
    // against the published keys; the code cannot be used again.
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let code = code_for(&mut c, &challenge, "mor").await;
    let (status, body) = exchange(
        &mut c,
        &code,
        verifier.secret(),
        Some(("laget-demo", SECRET)),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["token_type"], "Bearer");
    assert!(body["access_token"].as_str().is_some_and(|t| t.len() >= 20));
    let id_token: DemoIdToken =
        serde_json::from_value(body["id_token"].clone()).expect("an ID token");
    let verifier_for = |keys: CoreJsonWebKeySet| {
        IdTokenVerifier::new_confidential_client(
            ClientId::new("laget-demo".into()),
            ClientSecret::new(SECRET.into()),
            IssuerUrl::new(ISSUER.into()).unwrap(),
            keys,
        )
    };
    let claims = id_token
        .claims(&verifier_for(keys.clone()), &Nonce::new("nonce-1".into()))
        .expect("the ID token verifies");
    let mother = PERSONS[0].guardian_number().unwrap();
    assert_eq!(claims.additional_claims().pid, mother.expose());
    assert_ne!(claims.subject().as_str(), mother.expose());
    assert_eq!(
        claims.auth_context_ref().map(|a| a.as_str()),
        Some("idporten-loa-high")
    );
    assert_eq!(
        (claims.expiration() - claims.issue_time()).num_seconds(),
        120
    );
    // Another nonce, or other keys, and it does not verify.
    assert!(
        id_token
            .claims(&verifier_for(keys.clone()), &Nonce::new("en-annen".into()))
            .is_err()
    );
    let other_key: CoreJsonWebKeySet = serde_json::from_str(
        r#"{"keys":[{"kty":"RSA","use":"sig","kid":"laget-demo-1","n":"sXchDaQebHnPiGvyDOAT4saGEUetSyo9MKLOoWFsueri23bOdgWp4Dy1WlUzewbgBHod5pcM9H95GQRV3JDXboIRROSBigeC5yjU1hGzHHyXss8UDprecbAYxknTcQkhslANGRUZmdTOQ5qTRsLAt6BTYuyvVRdhS8exSZEy_c4gs_7svlJJQ4H9_NxsiIoLwAEk7-Q3UXERGYw_75IDrGA84-lA_-Ct4eTlXHBIY2EaV7t7LjJaynVJCpkv4LKjTTAumiGUIuQhrNhZLuF_RJLqHpM2kgWFLU7-VTdL1VbC2tejvcI2BlMkEpk1BzBZI0KQB0GaDWFLN-aEAw3vRw","e":"AQAB"}]}"#,
    )
    .unwrap();
    assert!(
        id_token
            .claims(&verifier_for(other_key), &Nonce::new("nonce-1".into()))
            .is_err()
    );
    let (status, body) = exchange(&mut c, &code, verifier.secret(), None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"], "invalid_grant");

    // Logout at the provider leads back to Laget, never elsewhere.
    let r = c
        .get("/demo-idporten/endsession?post_logout_redirect_uri=http%3A%2F%2F127.0.0.1%3A8080%2Ffamilie%2Flogg-inn&state=s1")
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        r.location(),
        "http://127.0.0.1:8080/familie/logg-inn?state=s1"
    );
    let r = c
        .get("/demo-idporten/endsession?post_logout_redirect_uri=https%3A%2F%2Fangriper.example%2F")
        .await;
    assert_eq!(r.location(), "/familie/logg-inn");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_provider_issues_verifiable_id_tokens_with_pkce() {
    for backend in laget_testkit::backends() {
        provider_flow(backend).await;
    }
}
