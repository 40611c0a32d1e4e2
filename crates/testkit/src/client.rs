//! The HTTP client of a test: drives the real router in-process, keeps
//! cookies like a browser, sends the CSRF token with forms, and reads each
//! response whole into a [`TestResponse`] for assertions.

use axum::Router;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use http_body_util::BodyExt;
use laget_db::{Db, session as sessions};
use laget_domain::UserId;
use std::collections::HashMap;
use tower::ServiceExt;

/// A response, read whole.
#[derive(Debug)]
pub struct TestResponse {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: String,
}

impl TestResponse {
    pub fn location(&self) -> &str {
        self.headers
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    /// The value of the first hidden `_csrf` input, if the page has a form.
    pub fn csrf(&self) -> Option<String> {
        let marker = "name=\"_csrf\" value=\"";
        let start = self.body.find(marker)? + marker.len();
        let end = self.body[start..].find('"')?;
        Some(self.body[start..start + end].to_owned())
    }
}

/// A browser-like client: keeps cookies and sends the CSRF token with forms.
pub struct Client {
    router: Router,
    cookies: HashMap<String, String>,
    csrf: Option<String>,
}

impl Client {
    pub fn new(router: Router) -> Self {
        Self {
            router,
            cookies: HashMap::new(),
            csrf: None,
        }
    }

    /// Signs in as `user` with a session written straight to the database
    /// (the login form itself is tested on its own).
    pub(crate) async fn sign_in_directly(&mut self, db: &Db, user: UserId) {
        let token = laget_web::random_token();
        let csrf = laget_web::random_token();
        let hash = laget_web::session_token_hash(&token);
        let csrf2 = csrf.clone();
        db.write(move |c| sessions::create(c, &hash, user, &csrf2, chrono::Utc::now()))
            .await
            .expect("session");
        self.cookies.insert("laget_session".into(), token);
        self.csrf = Some(csrf);
    }

    /// Signs the client in as the citizen with `national_id`, as a login
    /// through ID-porten at `acr` would (a session made directly in the
    /// database; the OpenID Connect login itself is tested on its own).
    pub async fn sign_in_citizen_directly(
        &mut self,
        db: &Db,
        national_id: &str,
        acr: &str,
    ) -> laget_domain::ids::CitizenId {
        let number = laget_domain::children::national_id::NationalId::parse(national_id)
            .expect("a valid national identity number");
        let token = laget_web::random_token();
        let csrf = laget_web::random_token();
        let hash = laget_web::session_token_hash(&token);
        let csrf2 = csrf.clone();
        let acr = acr.to_owned();
        let citizen = db
            .write(move |c| {
                let now = chrono::Utc::now();
                let citizen = laget_db::portal::citizens::signed_in(c, &number, now)?;
                laget_db::portal::sessions::create(
                    c,
                    &laget_db::portal::sessions::NewCitizenSession {
                        token_hash: &hash,
                        citizen_id: citizen,
                        csrf_token: &csrf2,
                        acr: &acr,
                        provider: "idporten",
                        id_token_hint: None,
                    },
                    now,
                )?;
                Ok(citizen)
            })
            .await
            .expect("citizen session");
        self.cookies.insert("laget_session".into(), token);
        self.csrf = Some(csrf);
        citizen
    }

    pub fn cookie(&self, name: &str) -> Option<&str> {
        self.cookies.get(name).map(String::as_str)
    }

    pub fn set_cookie(&mut self, name: &str, value: &str) {
        self.cookies.insert(name.into(), value.into());
    }

    pub async fn request(&mut self, req: Request<Body>) -> TestResponse {
        let mut req = req;
        if !self.cookies.is_empty() {
            let cookie = self
                .cookies
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join("; ");
            req.headers_mut()
                .insert(header::COOKIE, cookie.parse().unwrap());
        }
        let response = self.router.clone().oneshot(req).await.expect("infallible");
        for value in response.headers().get_all(header::SET_COOKIE) {
            let raw = value.to_str().unwrap_or("");
            let Some((pair, attrs)) = raw.split_once(';').or(Some((raw, ""))) else {
                continue;
            };
            let Some((name, val)) = pair.split_once('=') else {
                continue;
            };
            if val.is_empty() || attrs.contains("Max-Age=0") {
                self.cookies.remove(name);
            } else {
                self.cookies.insert(name.to_owned(), val.to_owned());
            }
        }
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response
            .into_body()
            .collect()
            .await
            .expect("body")
            .to_bytes();
        let body = String::from_utf8_lossy(&bytes).into_owned();
        let response = TestResponse {
            status,
            headers,
            body,
        };
        if let Some(token) = response.csrf() {
            self.csrf = Some(token);
        }
        response
    }

    pub async fn get(&mut self, path: &str) -> TestResponse {
        self.request(
            Request::builder()
                .method(Method::GET)
                .uri(path)
                .body(Body::empty())
                .unwrap(),
        )
        .await
    }

    /// Posts a form with the current CSRF token (fetching a page first if no
    /// token is known yet).
    pub async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> TestResponse {
        if self.csrf.is_none() {
            self.get("/logg-inn").await;
        }
        let token = self.csrf.clone().unwrap_or_default();
        let mut all: Vec<(&str, &str)> = vec![("_csrf", token.as_str())];
        all.extend_from_slice(fields);
        self.post_raw(path, &all).await
    }

    /// Posts exactly `fields`, with no token added.
    pub async fn post_raw(&mut self, path: &str, fields: &[(&str, &str)]) -> TestResponse {
        let body = serde_urlencoded::to_string(fields).unwrap();
        let req = Request::builder()
            .method(Method::POST)
            .uri(path)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .unwrap();
        self.request(req).await
    }

    /// Logs in through the login form.
    pub async fn login(&mut self, username: &str, password: &str) -> TestResponse {
        self.get("/logg-inn").await;
        self.post(
            "/logg-inn",
            &[
                ("brukernavn", username),
                ("passord", password),
                ("neste", "/"),
            ],
        )
        .await
    }
}
