//! CSRF, security headers, error pages, body limits, the access log's
//! append-only guard.

use crate::on_every_backend;
use laget_testkit::{TestApp, Who};

async fn csrf(app: TestApp) {
    let m = app.fx.municipality;
    let path = format!("/kommuner/{m}/enheter");
    let form = [("navn", "Uten token"), ("type", "skole")];
    let mut admin = app.client(Who::Kommuneadministrator).await;
    assert_eq!(admin.post_raw(&path, &form).await.status, 400, "no token");
    let mut with_wrong = vec![("_csrf", "0000")];
    with_wrong.extend_from_slice(&form);
    let r = admin.post_raw(&path, &with_wrong).await;
    assert_eq!(r.status, 400, "wrong token");
    assert!(r.body.contains("Skjemaet var utløpt eller ugyldig"));
    // A token from another session does not work either.
    let mut other = app.client(Who::Systemadmin).await;
    let other_token = other.get("/").await.csrf().unwrap();
    let mut stolen = vec![("_csrf", other_token.as_str())];
    stolen.extend_from_slice(&form);
    assert_eq!(admin.post_raw(&path, &stolen).await.status, 400);
    // Nothing was created.
    let list = admin.get(&path).await;
    assert!(!list.body.contains("Uten token"));
    // And a cross-site post is refused even with the right token.
    let token = admin.get(&path).await.csrf().unwrap();
    let body = serde_urlencoded::to_string([
        ("_csrf", token.as_str()),
        ("navn", "Fra annet nettsted"),
        ("type", "skole"),
    ])
    .unwrap();
    let req = axum::http::Request::post(&path)
        .header("content-type", "application/x-www-form-urlencoded")
        .header("sec-fetch-site", "cross-site")
        .body(axum::body::Body::from(body))
        .unwrap();
    assert_eq!(admin.request(req).await.status, 400);
    // The login form is protected too (double-submit cookie).
    let mut anon = app.anonymous();
    let r = anon
        .post_raw(
            "/logg-inn",
            &[
                ("brukernavn", "test.leder"),
                ("passord", laget_testkit::PASSWORD),
            ],
        )
        .await;
    assert_eq!(r.status, 400);
}
on_every_backend!(state_changes_need_a_valid_csrf_token, csrf);

async fn headers(app: TestApp) {
    let mut c = app.client(Who::Leder).await;
    let r = c.get("/").await;
    let h = |name: &str| {
        r.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned()
    };
    let csp = h("content-security-policy");
    assert!(
        csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"),
        "{csp}"
    );
    assert!(csp.contains("frame-ancestors 'none'"));
    assert_eq!(h("x-content-type-options"), "nosniff");
    assert_eq!(h("referrer-policy"), "same-origin");
    assert!(h("permissions-policy").contains("camera=()"));
    assert_eq!(
        h("cache-control"),
        "no-store",
        "pages with personal data are not cached"
    );
    assert!(
        h("strict-transport-security").is_empty(),
        "no HSTS on plain http"
    );
    assert_eq!(h("x-request-id").len(), 16);
    let css = c.get(&laget_web::asset_url("app.css")).await;
    assert_eq!(css.status, 200);
    assert!(
        css.headers
            .get("cache-control")
            .unwrap()
            .to_str()
            .unwrap()
            .contains("immutable")
    );
    assert!(
        css.body.contains("/static/inter-latin-400-normal."),
        "fonts are referenced by fingerprinted names"
    );
}
on_every_backend!(pages_carry_security_headers, headers);

async fn secure_cookies(app: TestApp) {
    let config = laget_web::WebConfig {
        secure_cookies: true,
        ..Default::default()
    };
    let app = TestApp::with_config(app.backend.clone(), config).await;
    let mut c = app.anonymous();
    let r = c.get("/logg-inn").await;
    let cookie = r
        .headers
        .get("set-cookie")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        cookie.starts_with("__Host-laget_csrf=") && cookie.contains("; Secure"),
        "{cookie}"
    );
    let token = r.csrf().unwrap();
    let r = c
        .post_raw(
            "/logg-inn",
            &[
                ("_csrf", &token),
                ("brukernavn", "test.leder"),
                ("passord", laget_testkit::PASSWORD),
            ],
        )
        .await;
    let cookie = r
        .headers
        .get("set-cookie")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        cookie.starts_with("__Host-laget_session=")
            && cookie.contains("; Secure")
            && cookie.contains("Path=/"),
        "{cookie}"
    );
    assert!(!cookie.contains("Domain"), "__Host- cookies have no domain");
    let r = c.get("/").await;
    assert_eq!(r.status, 200);
    assert!(r.headers.get("strict-transport-security").is_some());
}
on_every_backend!(
    https_mode_uses_host_prefixed_secure_cookies_and_hsts,
    secure_cookies
);

async fn not_found(app: TestApp) {
    let mut c = app.client(Who::Ansatt).await;
    let unknown = c.get("/finnes/ikke").await;
    assert_eq!(unknown.status, 404);
    assert!(unknown.body.contains("Fant ikke siden"));
    // A real unit's access log, not the user's: the same page as a made-up one.
    let forbidden = c
        .get(&format!("/enheter/{}/tilgangslogg", app.fx.unit))
        .await;
    let made_up = c
        .get(&format!("/enheter/{}/tilgangslogg", uuid::Uuid::now_v7()))
        .await;
    let garbage = c.get("/enheter/ikke-en-id/tilgangslogg").await;
    assert_eq!(forbidden.status, 404);
    assert_eq!(made_up.status, 404);
    assert_eq!(garbage.status, 404);
    assert_eq!(
        forbidden.body, made_up.body,
        "forbidden and unknown look the same"
    );
}
on_every_backend!(forbidden_and_unknown_are_the_same_404, not_found);

async fn internal_error(app: TestApp) {
    // Break the database under the running app: the page says sorry, shows a
    // request id, and nothing internal.
    app.with_conn(|c| {
        use diesel::connection::SimpleConnection;
        c.batch_execute("DROP TABLE unit_municipalities").unwrap();
    });
    let mut c = app.client(Who::Kommuneadministrator).await;
    let r = c
        .get(&format!("/kommuner/{}/enheter", app.fx.municipality))
        .await;
    assert_eq!(r.status, 500);
    let id = r
        .headers
        .get("x-request-id")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    assert!(r.body.contains("Noe gikk galt"));
    assert!(r.body.contains(&id), "the request id is shown to quote");
    for leak in [
        "unit_municipalities",
        "no such table",
        "does not exist",
        "diesel",
        "SELECT",
    ] {
        assert!(!r.body.contains(leak), "the page leaks {leak:?}");
    }
}
on_every_backend!(
    server_errors_show_a_request_id_and_nothing_internal,
    internal_error
);

async fn body_limit(app: TestApp) {
    let mut c = app.client(Who::Kommuneadministrator).await;
    let big = "x".repeat(2 * 1024 * 1024);
    let r = c
        .post(
            &format!("/kommuner/{}/enheter", app.fx.municipality),
            &[("navn", &big), ("type", "skole")],
        )
        .await;
    assert_eq!(r.status, 413);
    let medium = "x".repeat(100 * 1024);
    let r = c
        .post(
            &format!("/kommuner/{}/enheter", app.fx.municipality),
            &[("navn", &medium), ("type", "skole")],
        )
        .await;
    assert_eq!(r.status, 413, "forms are limited to 64 KiB");
}
on_every_backend!(request_bodies_are_limited, body_limit);

async fn append_only(app: TestApp) {
    use diesel::connection::SimpleConnection;
    let update =
        app.with_conn(|c| c.batch_execute("UPDATE access_log SET action = 'read' WHERE seq = 1"));
    assert!(update.is_err(), "rows cannot be changed");
    let delete = app.with_conn(|c| c.batch_execute("DELETE FROM access_log WHERE seq = 1"));
    assert!(delete.is_err(), "rows cannot be deleted");
    let verified = app.with_conn(|c| laget_db::access_log::verify(c).unwrap());
    assert!(matches!(verified, Ok(n) if n > 10), "{verified:?}");
}
on_every_backend!(the_access_log_is_append_only, append_only);
