//! Logging in and out, sessions and their timeouts, throttling.

use crate::on_every_backend;
use laget_db::session as sessions;
use laget_testkit::{PASSWORD, TestApp, Who};

async fn good_login(app: TestApp) {
    let mut c = app.anonymous();
    let r = c.get("/").await;
    assert_eq!(r.status, 303);
    assert_eq!(r.location(), "/logg-inn?neste=%2F");
    let before = c.cookie("laget_session").map(str::to_owned);
    let r = c.login(Who::Leder.username(), PASSWORD).await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(r.location(), "/");
    let set_cookie = r
        .headers
        .get("set-cookie")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    assert!(set_cookie.starts_with("laget_session="), "{set_cookie}");
    assert!(
        set_cookie.contains("HttpOnly")
            && set_cookie.contains("SameSite=Lax")
            && set_cookie.contains("Path=/")
    );
    assert!(!set_cookie.contains("Secure"), "plain http by default");
    assert_ne!(c.cookie("laget_session").map(str::to_owned), before);
    let r = c.get("/").await;
    assert_eq!(r.status, 200);
    assert!(r.body.contains("Hei, Lars Testleder"), "{}", r.body);
    assert!(r.body.contains("lang=\"nb\""));
    assert!(r.body.contains("Testlia barnehage"));
    assert!(
        r.body.contains("<small>Testkommune</small>"),
        "the header names the municipality"
    );
    // User names are case-insensitive.
    let mut c2 = app.anonymous();
    assert_eq!(c2.login("TEST.LEDER", PASSWORD).await.status, 303);
}
on_every_backend!(a_user_logs_in_and_sees_the_start_page, good_login);

async fn next_is_kept_and_safe(app: TestApp) {
    let mut c = app.anonymous();
    c.get("/logg-inn").await;
    let r = c
        .post(
            "/logg-inn",
            &[
                ("brukernavn", Who::Systemadmin.username()),
                ("passord", PASSWORD),
                ("neste", "/kommuner"),
            ],
        )
        .await;
    assert_eq!(r.location(), "/kommuner");
    let mut c = app.anonymous();
    c.get("/logg-inn").await;
    let r = c
        .post(
            "/logg-inn",
            &[
                ("brukernavn", Who::Systemadmin.username()),
                ("passord", PASSWORD),
                ("neste", "//evil.example/"),
            ],
        )
        .await;
    assert_eq!(r.location(), "/", "no open redirect");
}
on_every_backend!(
    login_returns_to_the_page_asked_for_but_only_on_this_site,
    next_is_kept_and_safe
);

async fn bad_login(app: TestApp) {
    let mut c = app.anonymous();
    let r = c.login(Who::Leder.username(), "feil-passord-her").await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("Feil brukernavn eller passord."));
    assert!(
        r.body.contains("value=\"test.leder\""),
        "the user name typed is kept"
    );
    assert!(
        !r.body.contains("feil-passord-her"),
        "the password is never sent back"
    );
    let unknown = c.login("finnes.ikke", "feil-passord-her").await;
    assert_eq!(unknown.status, 422);
    assert!(
        unknown.body.contains("Feil brukernavn eller passord."),
        "unknown users get the same answer"
    );
    let empty = c.login("", "").await;
    assert_eq!(empty.status, 422);
    assert!(empty.body.contains("Dette feltet må fylles ut."));
    assert!(c.cookie("laget_session").is_none());
}
on_every_backend!(a_wrong_password_is_refused_in_norwegian, bad_login);

async fn throttle(app: TestApp) {
    let mut c = app.anonymous();
    for _ in 0..5 {
        assert_eq!(
            c.login(Who::Ansatt.username(), "feil-passord-her")
                .await
                .status,
            422
        );
    }
    let r = c.login(Who::Ansatt.username(), PASSWORD).await;
    assert_eq!(
        r.status, 422,
        "even the right password waits after five failures"
    );
    assert!(r.body.contains("For mange mislykkede forsøk"), "{}", r.body);
    // Another account from the same address is not locked by this one.
    assert_eq!(c.login(Who::Leder.username(), PASSWORD).await.status, 303);
}
on_every_backend!(failed_logins_are_throttled_per_account, throttle);

async fn throttle_by_address(app: TestApp) {
    let mut config = laget_web::WebConfig {
        max_failures_per_address: 3,
        ..Default::default()
    };
    config.max_failures_per_account = 100;
    let app = TestApp::with_config(app.backend.clone(), config).await;
    let mut c = app.anonymous();
    for name in ["a.b.c", "d.e.f", "g.h.i"] {
        c.login(name, "feil-passord-her").await;
    }
    let r = c.login(Who::Leder.username(), PASSWORD).await;
    assert!(
        r.body.contains("For mange mislykkede forsøk"),
        "the address is throttled across accounts"
    );
}
on_every_backend!(failed_logins_are_throttled_per_address, throttle_by_address);

async fn disabled(app: TestApp) {
    let mut admin = app.client(Who::Kommuneadministrator).await;
    let target = app.fx.target_user;
    let m = app.fx.municipality;
    let mut victim = app.anonymous();
    assert_eq!(victim.login("test.maal", PASSWORD).await.status, 303);
    assert_eq!(victim.get("/").await.status, 200);
    let r = admin
        .post(&format!("/kommuner/{m}/brukere/{target}/deaktiver"), &[])
        .await;
    assert_eq!(r.status, 303);
    let r = victim.get("/").await;
    assert_eq!(r.status, 303, "the session ended at once");
    assert!(r.location().starts_with("/logg-inn"));
    assert_eq!(
        app.with_conn(|c| sessions::count_for_user(c, target).unwrap()),
        0
    );
    assert_eq!(
        victim.login("test.maal", PASSWORD).await.status,
        422,
        "a disabled user cannot log in"
    );
    admin
        .post(&format!("/kommuner/{m}/brukere/{target}/aktiver"), &[])
        .await;
    assert_eq!(victim.login("test.maal", PASSWORD).await.status, 303);
}
on_every_backend!(disabling_a_user_ends_their_sessions_at_once, disabled);

async fn logout(app: TestApp) {
    let mut c = app.anonymous();
    c.login(Who::Ansatt.username(), PASSWORD).await;
    let token = c.cookie("laget_session").unwrap().to_owned();
    // The CSRF token changes at login; the page after login carries the new one.
    assert_eq!(
        c.post("/logg-ut", &[]).await.status,
        400,
        "the pre-login token is no longer valid"
    );
    c.get("/").await;
    let r = c.post("/logg-ut", &[]).await;
    assert_eq!(r.status, 303);
    assert_eq!(r.location(), "/logg-inn?utlogget=1");
    assert!(
        c.get("/logg-inn?utlogget=1")
            .await
            .body
            .contains("Du er logget ut.")
    );
    // Replaying the old cookie does not work: the session is gone on the server.
    let mut replay = app.anonymous();
    replay.set_cookie("laget_session", &token);
    assert_eq!(replay.get("/").await.status, 303);
}
on_every_backend!(logging_out_ends_the_session_on_the_server, logout);

async fn timeouts(app: TestApp) {
    use chrono::{Duration, Utc};
    let mut c = app.anonymous();
    c.login(Who::Ansatt.username(), PASSWORD).await;
    let hash = laget_web::session_token_hash(c.cookie("laget_session").unwrap());
    // 29 minutes idle: still alive.
    let h = hash.clone();
    app.with_conn(|conn| sessions::touch(conn, &h, Utc::now() - Duration::minutes(29)).unwrap());
    assert_eq!(c.get("/").await.status, 200);
    // 31 minutes idle: ended, and the login page says so.
    let h = hash.clone();
    app.with_conn(|conn| sessions::touch(conn, &h, Utc::now() - Duration::minutes(31)).unwrap());
    let r = c.get("/").await;
    assert_eq!(r.status, 303);
    assert_eq!(r.location(), "/logg-inn?neste=%2F&utlopt=1");
    assert!(
        c.get(r.location())
            .await
            .body
            .contains("Økten din er utløpt")
    );

    // Absolute timeout: a session created 8 hours ago ends even if busy.
    let user = app.fx.users[&Who::Ansatt];
    let token = laget_web::random_token();
    let real_hash = laget_web::session_token_hash(&token);
    app.with_conn(|conn| {
        sessions::create(conn, &real_hash, user, "x", Utc::now() - Duration::hours(8)).unwrap();
        sessions::touch(conn, &real_hash, Utc::now()).unwrap();
    });
    let mut old_client = app.anonymous();
    old_client.set_cookie("laget_session", &token);
    assert_eq!(old_client.get("/").await.status, 303);
    assert!(
        app.with_conn(|conn| sessions::find(conn, &real_hash).unwrap())
            .is_none(),
        "the ended session is removed"
    );
}
on_every_backend!(sessions_end_after_idle_and_absolute_timeouts, timeouts);

/// `neste` values an attacker may put in a link to the login page.
const HOSTILE_NEXT: &[&str] = &[
    "//evil.example",
    "///evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    "/\r\n/evil.example",
    "\t//evil.example",
    " //evil.example",
    "/%09/evil.example",
    "/%2F/evil.example",
    "/%5C/evil.example",
    "/a\0b",
    "\0",
    "/\u{1}",
    "/\u{1f}",
    "/\u{7f}",
    "/\u{85}/evil.example",
    "/\u{2028}/evil.example",
    "/tiltak\\..\\..\\evil",
    "https://evil.example",
    "http:evil.example",
    "HTTPS:/evil.example",
    "javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "evil.example",
    "/søk?q=blåbær",
    "/\"><script>alert(1)</script>",
    "",
];

/// Whether a browser would stay on this site when sent to `location`: a
/// path that starts with one `/`, with nothing a browser drops or bends
/// (control characters, backslashes) and only visible ASCII.
fn stays_on_this_site(location: &str) -> bool {
    location.starts_with('/')
        && !location.starts_with("//")
        && location
            .bytes()
            .all(|b| (0x20..0x7f).contains(&b) && b != b'\\')
}

/// The hidden `neste` value of the login form, unescaped.
fn hidden_next(body: &str) -> String {
    let marker = "name=\"neste\" value=\"";
    let start = body.find(marker).expect("a neste field") + marker.len();
    let end = body[start..].find('"').unwrap();
    body[start..start + end]
        .replace("&#x2f;", "/")
        .replace("&#x2F;", "/")
        .replace("&#47;", "/")
        .replace("&quot;", "\"")
        .replace("&#34;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

async fn hostile_next(app: TestApp) {
    let mut signed_in = app.client(Who::Leder).await;
    for next in HOSTILE_NEXT {
        let query = serde_urlencoded::to_string([("neste", next)]).unwrap();
        let url = format!("/logg-inn?{query}");

        // The form: shown, with a safe value to send back.
        let mut anon = app.anonymous();
        let r = anon.get(&url).await;
        assert_eq!(r.status, 200, "GET {next:?}");
        let kept = hidden_next(&r.body);
        assert!(stays_on_this_site(&kept), "GET {next:?} keeps {kept:?}");

        // Already signed in: sent on at once, to this site only.
        let r = signed_in.get(&url).await;
        assert_eq!(r.status, 303, "GET signed in {next:?}: {}", r.body);
        assert!(
            stays_on_this_site(r.location()),
            "GET signed in {next:?} → {:?}",
            r.location()
        );

        // The login itself, with the value as posted by a crafted form.
        let r = anon
            .post(
                "/logg-inn",
                &[
                    ("brukernavn", Who::Leder.username()),
                    ("passord", PASSWORD),
                    ("neste", next),
                ],
            )
            .await;
        assert_eq!(r.status, 303, "POST {next:?}: {}", r.body);
        assert!(
            stays_on_this_site(r.location()),
            "POST {next:?} → {:?}",
            r.location()
        );
    }
    // The query read leniently: repeated and odd parameters are no error.
    let mut anon = app.anonymous();
    for query in [
        "neste=/a&neste=//evil.example",
        "neste",
        "neste=%ff%fe",
        "utlopt=1&utlopt=2",
        "%%%",
    ] {
        let r = anon.get(&format!("/logg-inn?{query}")).await;
        assert_eq!(r.status, 200, "{query}: {}", r.body);
        assert!(stays_on_this_site(&hidden_next(&r.body)), "{query}");
    }
    // A good value still works, percent-encoded where it must be.
    let r = anon
        .post(
            "/logg-inn",
            &[
                ("brukernavn", Who::Leder.username()),
                ("passord", PASSWORD),
                ("neste", "/søk?q=blåbær"),
            ],
        )
        .await;
    assert_eq!(r.location(), "/s%C3%B8k?q=bl%C3%A5b%C3%A6r");
}
on_every_backend!(
    no_neste_value_leads_off_site_or_to_a_server_error,
    hostile_next
);

async fn stale_cookie_login(app: TestApp) {
    use chrono::{Duration, Utc};
    // A cookie naming a session that does not exist (a restored database,
    // a session removed meanwhile), sent with the login itself: the form was
    // opened before, and the cookie came back from another tab.
    let mut c = app.anonymous();
    c.get("/logg-inn").await;
    c.set_cookie("laget_session", &laget_web::random_token());
    let r = c
        .post(
            "/logg-inn",
            &[
                ("brukernavn", Who::Leder.username()),
                ("passord", PASSWORD),
                ("neste", "/"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let r = c.get("/").await;
    assert_eq!(r.status, 200, "signed in after the login: {}", r.location());
    assert!(r.body.contains("Hei, Lars Testleder"));

    // The same with a session that has timed out.
    let user = app.fx.users[&Who::Ansatt];
    let token = laget_web::random_token();
    let hash = laget_web::session_token_hash(&token);
    app.with_conn(|conn| {
        sessions::create(conn, &hash, user, "x", Utc::now() - Duration::hours(9)).unwrap();
    });
    let mut c = app.anonymous();
    c.get("/logg-inn").await;
    c.set_cookie("laget_session", &token);
    let r = c
        .post(
            "/logg-inn",
            &[
                ("brukernavn", Who::Ansatt.username()),
                ("passord", PASSWORD),
                ("neste", "/"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(c.get("/").await.status, 200, "signed in after the login");

    // And the way a browser gets there: the stale cookie on the page that
    // shows the form, then the login.
    let mut c = app.anonymous();
    c.set_cookie("laget_session", &laget_web::random_token());
    let r = c.get("/").await;
    assert_eq!(r.status, 303);
    let r = c.login(Who::Leder.username(), PASSWORD).await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(c.get("/").await.status, 200);
}
on_every_backend!(
    logging_in_with_a_stale_session_cookie_ends_signed_in,
    stale_cookie_login
);

async fn summary_focus(app: TestApp) {
    // The page after a failed submit opens with the focus on the error
    // summary, without any script: `autofocus` on a focusable summary.
    let mut c = app.anonymous();
    let r = c.login("", "").await;
    assert_eq!(r.status, 422);
    let start = r
        .body
        .find("<div class=\"ds-error-summary\"")
        .expect("a summary");
    let tag = &r.body[start..start + r.body[start..].find('>').unwrap()];
    assert!(
        tag.contains("tabindex=\"-1\"") && tag.contains(" autofocus"),
        "{tag}"
    );
    assert_eq!(
        r.body.matches(" autofocus").count(),
        1,
        "one autofocus only"
    );
}
on_every_backend!(
    a_failed_login_opens_with_the_focus_on_the_error_summary,
    summary_focus
);
