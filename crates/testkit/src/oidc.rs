//! A real OpenID provider for the login tests: `tests/oidc/provider.mjs`
//! (npm `oidc-provider`, a certified implementation, configured like
//! ID-porten) on a free port of 127.0.0.1, run by Node.js ([`OidcProvider`]),
//! and a helper that walks a login through the real router and the
//! provider over HTTP ([`OidcProvider::login`]).
//!
//! The provider knows two clients, [`CITIZEN_CLIENT`] (ID-porten's role)
//! and [`STAFF_CLIENT`] (the staff identity provider's role), both with
//! Laget at [`BASE_URL`]. Its login is not interactive: it logs in the
//! account named by `login_hint` (the helper adds it, as a person would type
//! it at the provider) at the first level of `acr_values`. Its test switch
//! ([`OidcProvider::set_mode`]) makes it tamper with the next ID tokens.
//!
//! Missing Node.js or packages fail the test with how to install them; a
//! login test never skips quietly. `LAGET_TEST_NODE` names another `node`.

use crate::client::{Client, TestResponse};
use laget_web::oidc::{OidcConfig, ProviderConfig, UserClaim, UserField};
use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::time::{Duration, Instant};

/// How to get what the provider needs, said whenever it cannot start.
pub const INSTALL_HINT: &str = "the login tests need Node.js and the npm package oidc-provider: \
     run `make deps` (npm ci installs it from package-lock.json), or set LAGET_TEST_NODE to a \
     node that can run tests/oidc/provider.mjs";

/// Laget's address as the provider's redirects name it. Nothing listens
/// there: the helper hands the callback to the test's router.
pub const BASE_URL: &str = "http://localhost:3000";
/// The citizens' client (the role of ID-porten).
pub const CITIZEN_CLIENT: &str = "laget-idporten";
/// The staff client (the role of Entra ID or Feide).
pub const STAFF_CLIENT: &str = "laget-ansatt";
/// Both clients' secret.
pub const SECRET: &str = "test-secret-not-a-real-one-0123456789";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn node() -> PathBuf {
    match std::env::var_os("LAGET_TEST_NODE") {
        Some(p) if !p.is_empty() => PathBuf::from(p),
        _ => PathBuf::from("node"),
    }
}

/// A running provider; stopped when dropped.
pub struct OidcProvider {
    child: Child,
    /// Closing it tells the provider to stop.
    stdin: Option<ChildStdin>,
    port: u16,
    http: reqwest::Client,
}

impl OidcProvider {
    /// Starts the provider with the two clients.
    pub fn start() -> Self {
        let clients = serde_json::json!([
            {
                "client_id": CITIZEN_CLIENT,
                "client_secret": SECRET,
                "redirect_uris": [format!("{BASE_URL}/innlogging/tilbake")],
                "post_logout_redirect_uris": [format!("{BASE_URL}/familie/logg-inn?utlogget=1")],
            },
            {
                "client_id": STAFF_CLIENT,
                "client_secret": SECRET,
                "redirect_uris": [format!("{BASE_URL}/innlogging/tilbake")],
                "post_logout_redirect_uris": [format!("{BASE_URL}/logg-inn?utlogget=1")],
            },
        ]);
        let script = root().join("tests/oidc/provider.mjs");
        let mut child = Command::new(node())
            .arg(&script)
            .arg("0")
            .arg(clients.to_string())
            .current_dir(root())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot run node: {e}; {INSTALL_HINT}"));
        let stdin = child.stdin.take();
        let stdout = child.stdout.take().expect("the provider's stdout");
        let mut line = String::new();
        let mut stdout = BufReader::new(stdout);
        let read = stdout.read_line(&mut line);
        let port = line
            .trim()
            .strip_prefix("READY ")
            .and_then(|p| p.parse::<u16>().ok());
        let Some(port) = port else {
            let _ = child.kill();
            let mut err = String::new();
            if let Some(mut e) = child.stderr.take() {
                let _ = e.read_to_string(&mut err);
            }
            let _ = child.wait();
            panic!(
                "the OpenID provider did not start ({read:?}, said {line:?}): {}\n{INSTALL_HINT}",
                err.trim()
            );
        };
        // Its notices too (on stdout after READY); a closed pipe would
        // stop it.
        std::thread::spawn(move || {
            for line in stdout.lines().map_while(Result::ok) {
                eprintln!("oidc-provider: {line}");
            }
        });
        // Its warnings and errors go to the test's output (shown when a
        // test fails); reading them keeps the pipe from filling.
        if let Some(err) = child.stderr.take() {
            std::thread::spawn(move || {
                for line in BufReader::new(err).lines().map_while(Result::ok) {
                    eprintln!("oidc-provider: {line}");
                }
            });
        }
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(10))
            .build()
            .expect("an HTTP client");
        OidcProvider {
            child,
            stdin,
            port,
            http,
        }
    }

    pub fn issuer(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The citizens' provider (ID-porten's role), accepting `acr_values`
    /// (the first asked for).
    pub fn citizens(&self, acr_values: &[&str]) -> ProviderConfig {
        ProviderConfig {
            key: "idporten".into(),
            display_name: "ID-porten".into(),
            issuer: self.issuer(),
            client_id: CITIZEN_CLIENT.into(),
            client_secret: Some(SECRET.into()),
            base_url: BASE_URL.into(),
            acr_values: acr_values.iter().map(|a| (*a).to_owned()).collect(),
            scopes: vec!["profile".into()],
            user_claim: None,
        }
    }

    /// The staff provider, matching the claim `email` to the users' e-mail
    /// addresses.
    pub fn staff(&self) -> ProviderConfig {
        ProviderConfig {
            key: "ansatt".into(),
            display_name: "Testbyen kommune".into(),
            issuer: self.issuer(),
            client_id: STAFF_CLIENT.into(),
            client_secret: Some(SECRET.into()),
            base_url: BASE_URL.into(),
            acr_values: Vec::new(),
            scopes: vec!["profile".into(), "email".into()],
            user_claim: Some(UserClaim {
                claim: "email".into(),
                field: UserField::Email,
            }),
        }
    }

    /// Both providers, citizens at `idporten-loa-high` or `-substantial`.
    pub fn config(&self) -> OidcConfig {
        OidcConfig {
            citizens: Some(self.citizens(&["idporten-loa-high", "idporten-loa-substantial"])),
            staff: Some(self.staff()),
            demo_provider: false,
        }
    }

    /// Switches the provider's tampering for the next logins: `normal`,
    /// `expired`, `badsig`, `wrongaud`, `wrongnonce` or `lowacr` (see
    /// tests/oidc/provider.mjs).
    pub async fn set_mode(&self, mode: &str) {
        let response = self
            .http
            .post(format!("{}/test/mode?mode={mode}", self.issuer()))
            .send()
            .await
            .expect("the provider's test switch");
        assert_eq!(response.status().as_u16(), 204, "mode {mode} refused");
    }

    /// Follows the browser's way from Laget's redirect to the provider
    /// (`authorize`: the `Location` Laget answered) through the provider's
    /// own redirects and cookies, logging in as `login_hint`, until the
    /// provider sends the browser back to Laget; returns that path and
    /// query (`/innlogging/tilbake?code=…&state=…`).
    pub async fn authorize(&self, authorize: &str, login_hint: &str) -> String {
        let mut url = reqwest::Url::parse(authorize).expect("Laget's redirect is a URL");
        assert!(
            url.as_str().starts_with(&self.issuer()),
            "Laget sent the browser to {url}, not to the provider"
        );
        url.query_pairs_mut().append_pair("login_hint", login_hint);
        self.follow(url).await
    }

    /// Follows redirects from `url` until one leads to Laget; returns its
    /// path and query.
    pub async fn follow(&self, mut url: reqwest::Url) -> String {
        let mut cookies: HashMap<String, String> = HashMap::new();
        for _ in 0..12 {
            let mut request = self.http.get(url.clone());
            if !cookies.is_empty() {
                let header = cookies
                    .iter()
                    .map(|(k, v)| format!("{k}={v}"))
                    .collect::<Vec<_>>()
                    .join("; ");
                request = request.header(reqwest::header::COOKIE, header);
            }
            let response = request.send().await.expect("the provider answers");
            for value in response.headers().get_all(reqwest::header::SET_COOKIE) {
                let raw = value.to_str().unwrap_or("");
                let pair = raw.split(';').next().unwrap_or("");
                if let Some((name, val)) = pair.split_once('=') {
                    if val.is_empty() || raw.contains("expires=Thu, 01 Jan 1970") {
                        cookies.remove(name.trim());
                    } else {
                        cookies.insert(name.trim().to_owned(), val.to_owned());
                    }
                }
            }
            let status = response.status();
            let Some(location) = response
                .headers()
                .get(reqwest::header::LOCATION)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
            else {
                let body = response.text().await.unwrap_or_default();
                panic!("the provider stopped at {url} with {status}: {body}");
            };
            let next = url.join(&location).expect("a redirect URL");
            if next.as_str().starts_with(BASE_URL) {
                let mut path = next.path().to_owned();
                if let Some(q) = next.query() {
                    path.push('?');
                    path.push_str(q);
                }
                return path;
            }
            url = next;
        }
        panic!("more than 12 redirects at the provider");
    }

    /// A whole login: the login page (for the CSRF token), the button
    /// (`start`: `/familie/logg-inn` or `/logg-inn/ekstern`), the provider
    /// as `login_hint`, and the callback on the test's router. Returns the
    /// callback's answer.
    pub async fn login(&self, client: &mut Client, start: &str, login_hint: &str) -> TestResponse {
        let page = if start.starts_with("/familie") {
            "/familie/logg-inn"
        } else {
            "/logg-inn"
        };
        client.get(page).await;
        let started = client.post(start, &[("neste", "")]).await;
        assert_eq!(
            started.status.as_u16(),
            303,
            "the login did not start: {}",
            started.body
        );
        let back = self.authorize(started.location(), login_hint).await;
        client.get(&back).await
    }
}

impl Drop for OidcProvider {
    fn drop(&mut self) {
        drop(self.stdin.take());
        let deadline = Instant::now() + Duration::from_secs(2);
        while Instant::now() < deadline {
            if matches!(self.child.try_wait(), Ok(Some(_))) {
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
