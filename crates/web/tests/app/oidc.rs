//! Login with OpenID Connect against a real OpenID provider (npm
//! `oidc-provider`, configured like ID-porten, started by the test: see
//! `laget_testkit::oidc`): citizens into the family's portal, staff mapped
//! to their Laget user; and every way a login must be refused — a wrong or
//! foreign state, a wrong nonce, an expired or wrongly signed token, a
//! wrong audience, too low a level of assurance, a person Laget does not
//! know, a replayed code or callback, an error at the provider. Logging out
//! goes to the provider's end-session endpoint with the ID token as hint.
//! Each scenario runs on both engines.

use diesel::prelude::*;
use laget_db::schema::{citizen_sessions, citizens, guardians, oidc_logins, sessions, users};
use laget_domain::children::national_id::NationalId;
use laget_testkit::oidc::BASE_URL;
use laget_testkit::{OidcProvider, TestApp, TestResponse, Who};
use laget_web::oidc::OidcConfig;

/// One provider per test; each engine gets a fresh app configured with it.
macro_rules! oidc_test {
    ($name:ident, $scenario:path) => {
        oidc_test!($name, $scenario, |p: &OidcProvider| p.config());
    };
    ($name:ident, $scenario:path, $config:expr) => {
        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn $name() {
            let provider = OidcProvider::start();
            let config: fn(&OidcProvider) -> OidcConfig = $config;
            for backend in laget_testkit::backends() {
                provider.set_mode("normal").await;
                let mut web = laget_web::WebConfig::default();
                web.oidc = config(&provider);
                let app = TestApp::with_config(backend.clone(), web).await;
                $scenario(app, &provider).await;
            }
        }
    };
}

/// The response's Content-Security-Policy lets a form lead to `url`'s
/// origin (`form-action`), as a login or logout through the provider needs.
fn assert_form_may_lead_to(r: &TestResponse, url: &str) {
    let policy = r
        .headers
        .get("content-security-policy")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let form_action = policy
        .split(';')
        .map(str::trim)
        .find(|d| d.starts_with("form-action"))
        .unwrap_or_default();
    let origin = reqwest::Url::parse(url)
        .unwrap()
        .origin()
        .ascii_serialization();
    assert!(
        form_action.split_whitespace().any(|s| s == origin),
        "form-action «{form_action}» does not name {origin}"
    );
}

/// A synthetic national identity number.
fn person(year: i32, seed: u32) -> String {
    let date = chrono::NaiveDate::from_ymd_opt(year, 3, 14).unwrap();
    NationalId::synthetic(date, seed)
        .unwrap()
        .expose()
        .to_owned()
}

/// Gives the fixture log's mother a national identity number.
fn mother_with_number(app: &TestApp) -> String {
    let number = person(1985, 17);
    let mother = app.fx.log.mother.to_string();
    let n = number.clone();
    app.with_conn(move |c| {
        diesel::update(guardians::table.find(mother))
            .set(guardians::national_id.eq(Some(n)))
            .execute(c)
            .unwrap()
    });
    number
}

fn count_citizen_sessions(app: &TestApp) -> i64 {
    app.with_conn(|c| citizen_sessions::table.count().get_result(c).unwrap())
}

fn count_staff_sessions_via(app: &TestApp, provider: &str) -> i64 {
    let provider = provider.to_owned();
    app.with_conn(move |c| {
        sessions::table
            .filter(sessions::provider.eq(provider))
            .count()
            .get_result(c)
            .unwrap()
    })
}

fn pending_logins(app: &TestApp) -> i64 {
    app.with_conn(|c| oidc_logins::table.count().get_result(c).unwrap())
}

fn staff_email(who: Who) -> String {
    format!("{}@test.example", who.username())
}

/// A refused login: the status, the Norwegian text, no 500, no session.
fn assert_refused(app: &TestApp, r: &TestResponse, status: u16, text: &str) {
    assert_eq!(r.status.as_u16(), status, "{}", r.body);
    assert!(r.body.contains(text), "expected «{text}»: {}", r.body);
    assert_eq!(count_citizen_sessions(app), 0, "a citizen session was made");
    assert_eq!(
        count_staff_sessions_via(app, "ansatt"),
        0,
        "a staff session was made"
    );
}

/// A guardian logs in through the provider: a citizen (by `pid`) and a
/// session at the level the provider gave, with the ID token kept; the
/// portal's log page opens for her. A second login makes a new session id.
async fn citizen_login(app: TestApp, provider: &OidcProvider) {
    let number = mother_with_number(&app);
    let mut browser = app.anonymous();
    let page = browser.get("/familie/logg-inn").await;
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("Logg inn med ID-porten"),
        "{}",
        page.body
    );
    // The login page's own policy: the browser holds the form's redirect
    // to it (a fresh server had not read the provider yet, so the first
    // login in a browser stayed on this page).
    assert_form_may_lead_to(&page, &provider.issuer());

    let started = browser.post("/familie/logg-inn", &[("neste", "")]).await;
    assert_eq!(started.status, 303);
    let to = started.location().to_owned();
    assert!(to.starts_with(&provider.issuer()), "{to}");
    // Browsers hold a form's redirect to the policy's form-action: the
    // provider's origin must be in it, or the login never leaves Laget.
    assert_form_may_lead_to(&started, &provider.issuer());
    for part in [
        "code_challenge_method=S256",
        "acr_values=idporten-loa-high",
        "scope=openid+profile",
        "nonce=",
        "state=",
    ] {
        assert!(to.contains(part), "{part} missing in {to}");
    }
    let cookie = started
        .headers
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|c| c.starts_with("laget_oidc="))
        .expect("the state cookie");
    assert!(
        cookie.contains("HttpOnly")
            && cookie.contains("SameSite=Lax")
            && cookie.contains("Max-Age=600")
    );
    assert_eq!(pending_logins(&app), 1);

    let back = provider.authorize(&to, &number).await;
    assert!(back.starts_with("/innlogging/tilbake?"), "{back}");
    let done = browser.get(&back).await;
    assert_eq!(done.status, 303, "{}", done.body);
    assert_eq!(done.location(), "/familie");
    assert_eq!(pending_logins(&app), 0, "the login under way is used up");
    assert!(
        browser.cookie("laget_oidc").is_none(),
        "the state cookie is cleared"
    );
    let first_token = browser
        .cookie("laget_session")
        .expect("a session")
        .to_owned();

    let (stored, acr, provider_key, hint): (String, String, String, Option<String>) = app
        .with_conn(|c| {
            citizen_sessions::table
                .inner_join(citizens::table)
                .select((
                    citizens::national_id,
                    citizen_sessions::acr,
                    citizen_sessions::provider,
                    citizen_sessions::id_token_hint,
                ))
                .first(c)
                .unwrap()
        });
    assert_eq!(stored, number);
    assert_eq!(acr, "idporten-loa-high");
    assert_eq!(provider_key, "idporten");
    assert!(
        hint.is_some_and(|h| h.split('.').count() == 3),
        "the ID token is kept"
    );

    let log = browser
        .get(&format!("/familie/logger/{}", app.fx.log.log))
        .await;
    assert_eq!(
        log.status, 200,
        "the mother opens her child's log: {}",
        log.body
    );
    // Signed in, the login page leads on.
    let again = browser.get("/familie/logg-inn?neste=/familie").await;
    assert_eq!(again.status, 303);

    // Logging in again (same browser) gives a new session id; the old one
    // is gone.
    let second = provider
        .login(&mut browser, "/familie/logg-inn", &number)
        .await;
    assert_eq!(second.status, 303, "{}", second.body);
    let second_token = browser.cookie("laget_session").unwrap().to_owned();
    assert_ne!(first_token, second_token);
    assert_eq!(count_citizen_sessions(&app), 1);
}
oidc_test!(a_guardian_logs_in_with_idporten, citizen_login);

/// A staff member logs in through the municipality's provider, mapped by
/// e-mail to the fixture user; the staff login page shows the button.
async fn staff_login(app: TestApp, provider: &OidcProvider) {
    let mut browser = app.anonymous();
    let page = browser.get("/logg-inn").await;
    assert!(
        page.body.contains("Logg inn med Testbyen kommune"),
        "{}",
        page.body
    );
    assert_form_may_lead_to(&page, &provider.issuer());
    let done = provider
        .login(&mut browser, "/logg-inn/ekstern", &staff_email(Who::Ansatt))
        .await;
    assert_eq!(done.status, 303, "{}", done.body);
    assert_eq!(done.location(), "/");
    let user: String = app.with_conn(|c| {
        sessions::table
            .filter(sessions::provider.eq("ansatt"))
            .select(sessions::user_id)
            .first(c)
            .unwrap()
    });
    assert_eq!(user, app.fx.users[&Who::Ansatt].to_string());
    let home = browser.get("/").await;
    assert_eq!(home.status, 200);
    assert!(home.body.contains("logg-ut"), "signed in: {}", home.body);
}
oidc_test!(a_staff_member_logs_in_through_the_municipality, staff_login);

/// A staff login whose e-mail names no Laget user, or a disabled one, is
/// refused with a Norwegian page; nothing is made.
async fn unknown_staff(app: TestApp, provider: &OidcProvider) {
    let users_before: i64 = app.with_conn(|c| users::table.count().get_result(c).unwrap());
    let mut browser = app.anonymous();
    let r = provider
        .login(
            &mut browser,
            "/logg-inn/ekstern",
            "ukjent.person@test.example",
        )
        .await;
    assert_refused(
        &app,
        &r,
        403,
        "Vi fant ingen bruker i Laget for denne innloggingen",
    );
    let users_after: i64 = app.with_conn(|c| users::table.count().get_result(c).unwrap());
    assert_eq!(users_before, users_after);

    let leader = app.fx.users[&Who::Leder].to_string();
    app.with_conn(move |c| {
        diesel::update(users::table.find(leader))
            .set(users::disabled_at.eq(Some(1_i64)))
            .execute(c)
            .unwrap()
    });
    let r = provider
        .login(&mut browser, "/logg-inn/ekstern", &staff_email(Who::Leder))
        .await;
    assert_refused(&app, &r, 403, "Vi fant ingen bruker i Laget");
}
oidc_test!(an_unknown_or_disabled_staff_login_is_refused, unknown_staff);

/// A person Laget does not know logs in (ID-porten vouches for them) but
/// opens no log: the fixture log's portal page is a 404.
async fn unknown_citizen(app: TestApp, provider: &OidcProvider) {
    let stranger = person(1979, 123);
    let mut browser = app.anonymous();
    let done = provider
        .login(&mut browser, "/familie/logg-inn", &stranger)
        .await;
    assert_eq!(done.status, 303, "{}", done.body);
    assert_eq!(count_citizen_sessions(&app), 1);
    let log = browser
        .get(&format!("/familie/logger/{}", app.fx.log.log))
        .await;
    assert_eq!(log.status, 404);
}
oidc_test!(a_person_laget_does_not_know_sees_no_log, unknown_citizen);

/// A state that is not the one sent, or the right state from another
/// browser (no cookie: login CSRF), or a login older than ten minutes, is
/// refused; so is a callback without state.
async fn wrong_state(app: TestApp, provider: &OidcProvider) {
    let text = "Innloggingen kunne ikke fullføres";
    let mut browser = app.anonymous();
    browser.get("/familie/logg-inn").await;
    let started = browser.post("/familie/logg-inn", &[("neste", "")]).await;
    let back = provider
        .authorize(started.location(), &person(1985, 17))
        .await;
    let state = query_value(&back, "state");
    let forged = back.replace(&state, &"ab".repeat(32));
    let r = browser.get(&forged).await;
    assert_refused(&app, &r, 400, text);

    // The right callback, but in another browser: refused.
    let mut other = app.anonymous();
    let r = other.get(&back).await;
    assert_refused(&app, &r, 400, text);

    // No state at all.
    let r = browser.get("/innlogging/tilbake?code=abc").await;
    assert_refused(&app, &r, 400, text);

    // A login begun 11 minutes ago.
    browser.get("/familie/logg-inn").await;
    let started = browser.post("/familie/logg-inn", &[("neste", "")]).await;
    let back = provider
        .authorize(started.location(), &person(1985, 17))
        .await;
    let old = (chrono::Utc::now() - chrono::Duration::minutes(11)).timestamp_micros();
    app.with_conn(move |c| {
        diesel::update(oidc_logins::table)
            .set(oidc_logins::created_at.eq(old))
            .execute(c)
            .unwrap()
    });
    let r = browser.get(&back).await;
    assert_refused(&app, &r, 400, text);
    assert_eq!(pending_logins(&app), 0, "the old login is purged");
}
oidc_test!(a_wrong_foreign_or_old_state_is_refused, wrong_state);

fn query_value(path: &str, name: &str) -> String {
    let query = path.split_once('?').map(|(_, q)| q).unwrap_or("");
    serde_urlencoded::from_str::<Vec<(String, String)>>(query)
        .unwrap()
        .into_iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v)
        .unwrap_or_default()
}

/// The provider tampers with the ID token (the test says how): each is
/// refused, and nothing is made.
async fn tampered(app: TestApp, provider: &OidcProvider) {
    let text = "Vi kunne ikke bekrefte innloggingen";
    for mode in ["wrongnonce", "expired", "badsig", "wrongaud"] {
        provider.set_mode(mode).await;
        let mut browser = app.anonymous();
        let r = provider
            .login(&mut browser, "/familie/logg-inn", &person(1985, 17))
            .await;
        assert_refused(&app, &r, 400, text);
        assert!(browser.cookie("laget_session").is_none(), "{mode}");
        // The staff login checks the same.
        let r = provider
            .login(&mut browser, "/logg-inn/ekstern", &staff_email(Who::Ansatt))
            .await;
        assert_refused(&app, &r, 400, text);
    }
    // The same logins go through untampered (the refusals came from the
    // tampering).
    provider.set_mode("normal").await;
    let mut browser = app.anonymous();
    let r = provider
        .login(&mut browser, "/familie/logg-inn", &person(1985, 17))
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
}
oidc_test!(a_tampered_id_token_is_refused, tampered);

/// The provider rotates its keys after Laget read them: an ID token signed
/// with the new key (a key id Laget has not seen) makes Laget read the keys
/// again, and the login goes through. (A token signed with an unpublished
/// key under a known id is refused: `a_tampered_id_token_is_refused`.)
async fn rotated(app: TestApp, provider: &OidcProvider) {
    let mut browser = app.anonymous();
    // The first login reads the provider's keys (one key).
    let r = provider
        .login(&mut browser, "/familie/logg-inn", &person(1985, 17))
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    provider.set_mode("rotated").await;
    let mut browser = app.anonymous();
    let r = provider
        .login(&mut browser, "/familie/logg-inn", &person(1985, 17))
        .await;
    assert_eq!(r.status, 303, "a rotated key is read again: {}", r.body);
    assert!(browser.cookie("laget_session").is_some());
}
oidc_test!(a_rotated_key_is_read_again, rotated);

/// With only `idporten-loa-high` accepted, a login the provider finishes at
/// `substantial` is refused with the Norwegian page.
async fn low_acr(app: TestApp, provider: &OidcProvider) {
    provider.set_mode("lowacr").await;
    let mut browser = app.anonymous();
    let r = provider
        .login(&mut browser, "/familie/logg-inn", &person(1985, 17))
        .await;
    assert_refused(&app, &r, 403, "Innloggingen hadde for lavt sikkerhetsnivå");
    provider.set_mode("normal").await;
    let r = provider
        .login(&mut browser, "/familie/logg-inn", &person(1985, 17))
        .await;
    assert_eq!(r.status, 303, "at high it goes through: {}", r.body);
}
oidc_test!(too_low_a_level_of_assurance_is_refused, low_acr, |p| {
    OidcConfig {
        citizens: Some(p.citizens(&["idporten-loa-high"])),
        staff: None,
        demo_provider: false,
    }
});

/// A callback replayed (the same code and state) is refused; so is a used
/// code brought to a new login's state (the provider refuses it at its
/// token endpoint).
async fn replay(app: TestApp, provider: &OidcProvider) {
    let number = person(1985, 17);
    let mut browser = app.anonymous();
    browser.get("/familie/logg-inn").await;
    let started = browser.post("/familie/logg-inn", &[("neste", "")]).await;
    let back = provider.authorize(started.location(), &number).await;
    let state_cookie = browser.cookie("laget_oidc").unwrap().to_owned();
    let first = browser.get(&back).await;
    assert_eq!(first.status, 303, "{}", first.body);
    assert_eq!(count_citizen_sessions(&app), 1);

    // Replayed, with the state cookie put back as an attacker would.
    let mut attacker = app.anonymous();
    attacker.set_cookie("laget_oidc", &state_cookie);
    let r = attacker.get(&back).await;
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(r.body.contains("Innloggingen kunne ikke fullføres"));
    assert!(attacker.cookie("laget_session").is_none());

    // The used code under a fresh login's state.
    let code = query_value(&back, "code");
    attacker.get("/familie/logg-inn").await;
    let fresh = attacker.post("/familie/logg-inn", &[("neste", "")]).await;
    let fresh_state = query_value(fresh.location(), "state");
    let r = attacker
        .get(&format!(
            "/innlogging/tilbake?code={code}&state={fresh_state}"
        ))
        .await;
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(r.body.contains("Vi kunne ikke bekrefte innloggingen"));
    assert!(attacker.cookie("laget_session").is_none());
    assert_eq!(count_citizen_sessions(&app), 1);
}
oidc_test!(a_replayed_code_is_refused, replay);

/// The provider names itself in the answer (`iss`, RFC 9207): an answer
/// naming another issuer is refused before the code is used; the same
/// answer naming the right one goes through.
async fn mixed_up_issuer(app: TestApp, provider: &OidcProvider) {
    let mut browser = app.anonymous();
    browser.get("/familie/logg-inn").await;
    let started = browser.post("/familie/logg-inn", &[("neste", "")]).await;
    let back = provider
        .authorize(started.location(), &person(1985, 17))
        .await;
    let iss = query_value(&back, "iss");
    assert_eq!(iss, provider.issuer(), "the provider names itself");
    let code = query_value(&back, "code");
    let state = query_value(&back, "state");
    let r = browser
        .get(&format!(
            "/innlogging/tilbake?code={code}&state={state}&iss=https%3A%2F%2Fidporten.example"
        ))
        .await;
    assert_refused(&app, &r, 400, "Vi kunne ikke bekrefte innloggingen");

    browser.get("/familie/logg-inn").await;
    let started = browser.post("/familie/logg-inn", &[("neste", "")]).await;
    let back = provider
        .authorize(started.location(), &person(1985, 17))
        .await;
    let r = browser.get(&back).await;
    assert_eq!(r.status, 303, "{}", r.body);
}
oidc_test!(an_answer_from_another_issuer_is_refused, mixed_up_issuer);

/// An error at the provider (the person cancelled) is a Norwegian page, not
/// a 500; the login under way is used up.
async fn provider_error(app: TestApp, _provider: &OidcProvider) {
    let mut browser = app.anonymous();
    browser.get("/familie/logg-inn").await;
    let started = browser.post("/familie/logg-inn", &[("neste", "")]).await;
    let state = query_value(started.location(), "state");
    let r = browser
        .get(&format!(
            "/innlogging/tilbake?error=access_denied&error_description=x&state={state}"
        ))
        .await;
    assert_refused(&app, &r, 400, "Innloggingen ble avbrutt");
    assert!(r.body.contains("/familie/logg-inn"), "a way back");
    assert_eq!(pending_logins(&app), 0);
    // A callback with nothing at all.
    let r = browser.get("/innlogging/tilbake").await;
    assert_eq!(r.status, 400);
}
oidc_test!(an_error_at_the_provider_is_a_norwegian_page, provider_error);

/// Logging out ends the session and sends the browser to the provider's
/// end-session endpoint with the ID token as `id_token_hint`; the provider
/// accepts it (its logout page, not an error).
async fn logout(app: TestApp, provider: &OidcProvider) {
    let number = person(1985, 17);
    let mut browser = app.anonymous();
    let done = provider
        .login(&mut browser, "/familie/logg-inn", &number)
        .await;
    assert_eq!(done.status, 303);
    let hint: Option<String> = app.with_conn(|c| {
        citizen_sessions::table
            .select(citizen_sessions::id_token_hint)
            .first(c)
            .unwrap()
    });
    let hint = hint.unwrap();
    // The portal's start page carries the session's form token.
    assert_eq!(browser.get("/familie").await.status, 200);
    let out = browser.post("/familie/logg-ut", &[]).await;
    assert_eq!(out.status, 303, "{}", out.body);
    let to = out.location().to_owned();
    assert_form_may_lead_to(&out, &provider.issuer());
    assert!(
        to.starts_with(&format!("{}/session/end?", provider.issuer())),
        "{to}"
    );
    assert_eq!(query_value(&to, "id_token_hint"), hint);
    assert_eq!(
        query_value(&to, "post_logout_redirect_uri"),
        format!("{BASE_URL}/familie/logg-inn?utlogget=1")
    );
    assert!(!query_value(&to, "state").is_empty());
    assert_eq!(count_citizen_sessions(&app), 0);
    assert!(browser.cookie("laget_session").is_none());
    let at_provider = reqwest::get(&to).await.unwrap();
    assert_eq!(
        at_provider.status().as_u16(),
        200,
        "the provider takes the hint"
    );

    // Staff too.
    let done = provider
        .login(&mut browser, "/logg-inn/ekstern", &staff_email(Who::Ansatt))
        .await;
    assert_eq!(done.status, 303);
    assert_eq!(browser.get("/").await.status, 200);
    let out = browser.post("/logg-ut", &[]).await;
    let to = out.location().to_owned();
    assert!(
        to.contains("/session/end?") && to.contains("id_token_hint="),
        "{to}"
    );
    assert_eq!(
        query_value(&to, "post_logout_redirect_uri"),
        format!("{BASE_URL}/logg-inn?utlogget=1")
    );
    assert_eq!(count_staff_sessions_via(&app, "ansatt"), 0);
    // A local login's logout stays in Laget.
    let mut local = app.client(Who::Leder).await;
    let out = local.post("/logg-ut", &[]).await;
    assert_eq!(out.location(), "/logg-inn?utlogget=1");
}
oidc_test!(logging_out_logs_out_at_the_provider_too, logout);

/// A citizen whose session outlived a restart (a fresh server that has read
/// no provider yet) still gets portal pages whose policy lets the logout
/// form lead to the provider's end-session endpoint.
async fn pages_after_a_restart(app: TestApp, provider: &OidcProvider) {
    let number = person(1985, 17);
    let mut citizen = app.citizen_client(&number).await;
    let page = citizen.get("/familie").await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert_form_may_lead_to(&page, &provider.issuer());
}

oidc_test!(
    a_portal_page_lets_the_logout_reach_the_provider,
    pages_after_a_restart
);

/// Without `[idporten]` the portal's login page says so, and the buttons
/// lead nowhere (404 page, no 500).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_configuration_the_login_page_says_so() {
    for backend in laget_testkit::backends() {
        let app = TestApp::new(backend).await;
        let mut browser = app.anonymous();
        let page = browser.get("/familie/logg-inn?utlogget=1").await;
        assert_eq!(page.status, 200);
        assert!(page.body.contains("ikke satt opp"), "{}", page.body);
        assert!(page.body.contains("Du er logget ut") || page.body.contains("logget ut"));
        assert!(!page.body.contains("action=\"/familie/logg-inn\""));
        let r = browser.post("/familie/logg-inn", &[]).await;
        assert_eq!(r.status, 404);
        let r = browser.post("/logg-inn/ekstern", &[]).await;
        assert_eq!(r.status, 404);
        let staff = browser.get("/logg-inn").await;
        assert!(!staff.body.contains("/logg-inn/ekstern"));
    }
}
