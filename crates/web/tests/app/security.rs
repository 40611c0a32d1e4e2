//! CSRF, security headers, error pages, body limits, the access log's
//! append-only guard.

use crate::on_every_backend;
use laget_testkit::{PASSWORD, TestApp, Who};

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

/// The token may come in the `X-CSRF-Token` header instead of the form
/// (htmx sends it so); the header is compared like the field, and a wrong
/// header is not saved by a right field.
async fn csrf_header(app: TestApp) {
    let m = app.fx.municipality;
    let path = format!("/kommuner/{m}/enheter");
    let mut admin = app.client(Who::Kommuneadministrator).await;
    let token = admin.get(&path).await.csrf().unwrap();
    let mut other = app.client(Who::Systemadmin).await;
    let other_token = other.get("/").await.csrf().unwrap();
    let post = |header: &str, with_field: bool, name: &str| {
        let mut fields = vec![("navn", name), ("type", "skole"), ("aktiv", "ja")];
        if with_field {
            fields.push(("_csrf", token.as_str()));
        }
        axum::http::Request::post(&path)
            .header("content-type", "application/x-www-form-urlencoded")
            .header("x-csrf-token", header)
            .body(axum::body::Body::from(
                serde_urlencoded::to_string(&fields).unwrap(),
            ))
            .unwrap()
    };
    for (header, with_field, name, why) in [
        ("0000", false, "Feil hode skole", "a wrong token"),
        ("", false, "Tomt hode skole", "an empty token"),
        (
            &token[..token.len() - 1],
            false,
            "Kort hode skole",
            "a cut token",
        ),
        (
            other_token.as_str(),
            false,
            "Stjålet hode skole",
            "another session's token",
        ),
        (
            "0000",
            true,
            "Feil hode rett felt skole",
            "a wrong header beside a right field",
        ),
    ] {
        let r = admin.request(post(header, with_field, name)).await;
        assert_eq!(r.status, 400, "{why} in the header is refused");
        assert!(
            r.body.contains("Skjemaet var utløpt eller ugyldig"),
            "{why}"
        );
    }
    let r = admin.request(post(&token, false, "Rett hode skole")).await;
    assert_eq!(
        r.status, 303,
        "the session's token in the header is accepted"
    );
    let list = admin.get(&path).await.body;
    assert!(list.contains("Rett hode skole"));
    for refused in ["Feil hode", "Tomt hode", "Kort hode", "Stjålet hode"] {
        assert!(!list.contains(refused), "{refused}: nothing was created");
    }
}
on_every_backend!(the_csrf_header_is_compared_too, csrf_header);

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
    // Both of those are refused by the rights check; compare them with pages
    // that do not exist: an address no route has, and a log that is not there.
    let no_log = c
        .get(&format!("/logger/{}", laget_domain::ids::LogId::new()))
        .await;
    assert_eq!(no_log.status, 404);
    for (what, r) in [
        ("a unit's access log the user may not read", &forbidden),
        ("the access log of a unit that does not exist", &made_up),
        ("a malformed id", &garbage),
        ("a log that does not exist", &no_log),
    ] {
        assert_eq!(r.body, unknown.body, "{what} looks like an unknown page");
    }
    // A real log the user is refused: the same page, without the child.
    let mut outsider = app.client(Who::HealthNotOnTeam).await;
    let unknown = outsider.get("/finnes/ikke").await;
    let log = app.fx.log.log;
    for path in [
        format!("/logger/{log}"),
        format!("/logger/{log}/tiltak/{}", app.fx.log.measure),
        format!("/barn/{}", app.fx.log.child),
    ] {
        let refused = outsider.get(&path).await;
        assert_eq!(refused.status, 404, "{path}");
        assert_eq!(
            refused.body, unknown.body,
            "{path} looks like an unknown page"
        );
        assert!(!refused.body.contains("Testbarn Fikstursen"));
        assert!(!refused.body.contains(&log.to_string()));
    }
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
    let verified = app.with_conn(|c| laget_db::audit::verify(c).unwrap());
    assert!(matches!(verified, Ok(n) if n > 10), "{verified:?}");
}
on_every_backend!(the_access_log_is_append_only, append_only);

/// What the server logged while a scenario ran: a `tracing` subscriber for
/// the scenario's own future only (other tests run beside it), one line
/// per event, `level field=value …`.
mod captured {
    use std::fmt::Write as _;
    use std::sync::{Arc, Mutex};
    use tracing::field::{Field, Visit};
    use tracing::span::{Attributes, Id, Record};
    use tracing::{Event, Metadata, Subscriber};

    #[derive(Clone, Default)]
    pub struct Log(Arc<Mutex<Vec<String>>>);

    impl Log {
        pub fn lines(&self) -> Vec<String> {
            self.0.lock().unwrap().clone()
        }

        /// The «request refused» lines.
        pub fn refusals(&self) -> Vec<String> {
            self.lines()
                .into_iter()
                .filter(|l| l.contains("message=request refused"))
                .collect()
        }
    }

    struct Fields<'a>(&'a mut String);

    impl Visit for Fields<'_> {
        fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
            let _ = write!(self.0, " {}={:?}", field.name(), value);
        }
        fn record_str(&mut self, field: &Field, value: &str) {
            let _ = write!(self.0, " {}={}", field.name(), value);
        }
    }

    impl Subscriber for Log {
        fn enabled(&self, _: &Metadata<'_>) -> bool {
            true
        }
        fn new_span(&self, _: &Attributes<'_>) -> Id {
            Id::from_u64(1)
        }
        fn record(&self, _: &Id, _: &Record<'_>) {}
        fn record_follows_from(&self, _: &Id, _: &Id) {}
        fn event(&self, event: &Event<'_>) {
            let mut line = event.metadata().level().to_string();
            event.record(&mut Fields(&mut line));
            self.0.lock().unwrap().push(line);
        }
        fn enter(&self, _: &Id) {}
        fn exit(&self, _: &Id) {}
    }
}

async fn refusals_are_logged_scenario(app: TestApp, log: captured::Log) {
    let m = app.fx.municipality;
    // A query string with something personal in it, which must not be logged.
    let path = format!("/kommuner/{m}/enheter?fnr=01011912345");
    let route = "route=/kommuner/{municipality}/enheter";
    let mut admin = app.client(Who::Kommuneadministrator).await;
    let form = [("navn", "Kari Nordmann skole"), ("type", "skole")];

    let missing = admin.post_raw(&path, &form).await;
    assert_eq!(missing.status, 400);
    let mut wrong = vec![("_csrf", "0000")];
    wrong.extend_from_slice(&form);
    let mismatch = admin.post_raw(&path, &wrong).await;
    assert_eq!(mismatch.status, 400);
    let token = admin
        .get(&format!("/kommuner/{m}/enheter"))
        .await
        .csrf()
        .unwrap();
    let req = axum::http::Request::post(&path)
        .header("content-type", "application/x-www-form-urlencoded")
        .header("sec-fetch-site", "cross-site")
        .body(axum::body::Body::from(format!(
            "_csrf={token}&navn=x&type=skole"
        )))
        .unwrap();
    let cross = admin.request(req).await;
    assert_eq!(cross.status, 400);
    let big = "x".repeat(100 * 1024);
    let large = admin
        .post(&path, &[("navn", &big), ("type", "skole")])
        .await;
    assert_eq!(large.status, 413);
    // Access the domain refuses: another unit's access log.
    let mut staff = app.client(Who::Ansatt).await;
    let denied = staff
        .get(&format!("/enheter/{}/tilgangslogg", app.fx.unit))
        .await;
    assert_eq!(denied.status, 404);
    // Too many failed logins.
    let mut anon = app.anonymous();
    for _ in 0..5 {
        anon.login(Who::Ansatt.username(), "feil-passord-her").await;
    }
    let throttled = anon.login(Who::Ansatt.username(), PASSWORD).await;
    assert!(throttled.body.contains("For mange mislykkede forsøk"));

    let refusals = log.refusals();
    let id = |r: &laget_testkit::TestResponse| {
        r.headers
            .get("x-request-id")
            .unwrap()
            .to_str()
            .unwrap()
            .to_owned()
    };
    let find = |r: &laget_testkit::TestResponse, reason: &str| {
        let rid = format!("request_id={}", id(r));
        let found = refusals
            .iter()
            .find(|l| l.contains(&rid))
            .unwrap_or_else(|| panic!("no refusal logged for {reason}: {refusals:#?}"));
        assert!(found.starts_with("WARN"), "{found}");
        assert!(found.contains(&format!("reason={reason}")), "{found}");
        found.clone()
    };
    for (response, reason) in [
        (&missing, "csrf_missing"),
        (&mismatch, "csrf_mismatch"),
        (&cross, "cross_site"),
        (&large, "too_large"),
    ] {
        let line = find(response, reason);
        assert!(line.contains("method=POST"), "{line}");
        assert!(line.contains(route), "{line}");
    }
    let line = find(&denied, "access_denied");
    assert!(line.contains("method=GET"), "{line}");
    assert!(
        line.contains("route=/enheter/{unit}/tilgangslogg"),
        "{line}"
    );
    let line = find(&throttled, "login_throttled");
    assert!(line.contains("route=/logg-inn"), "{line}");

    // No personal data and no ids from the path or query in any of them.
    for line in &refusals {
        for secret in [
            "01011912345",
            "fnr",
            "Kari",
            "test.ansatt",
            "test.kommuneadmin",
            &app.fx.unit.to_string(),
            &m.to_string(),
        ] {
            assert!(!line.contains(secret), "{secret} logged: {line}");
        }
    }
}

async fn refusals_are_logged(app: TestApp) {
    use tracing::instrument::WithSubscriber;
    let log = captured::Log::default();
    refusals_are_logged_scenario(app, log.clone())
        .with_subscriber(log)
        .await;
}
on_every_backend!(
    refused_requests_are_logged_with_request_id_route_and_reason,
    refusals_are_logged
);

/// A multipart body with `fields` and one file part `file` (name, bytes,
/// the type the browser claims).
fn multipart(fields: &[(&str, &str)], file: (&str, &str, &[u8], &str)) -> (String, Vec<u8>) {
    let boundary = "----lagetsikkerhet";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    let (name, filename, bytes, claimed) = file;
    body.extend_from_slice(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{filename}\"\r\nContent-Type: {claimed}\r\n\r\n").as_bytes(),
    );
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

async fn consent_scans(app: TestApp) {
    use diesel::prelude::*;
    use laget_db::schema::{attachments, consents};
    let fx = app.fx.log.clone();
    let log = fx.log.to_string();
    let page = format!("/logger/{log}");
    let mut lead = app.client(Who::Ansatt).await;
    let token = lead.get(&format!("{page}/samtykke")).await.csrf().unwrap();
    let today = chrono::Utc::now().date_naive();
    let (from, to) = (
        today.format("%Y-%m-%d").to_string(),
        (today + chrono::Duration::days(100))
            .format("%Y-%m-%d")
            .to_string(),
    );
    let (father, school) = (fx.father.to_string(), fx.school_unit.to_string());
    let fields = [
        ("_csrf", token.as_str()),
        ("givere", father.as_str()),
        ("enheter", school.as_str()),
        ("formal", "dele"),
        ("gyldig_fra", from.as_str()),
        ("gyldig_til", to.as_str()),
        ("metode", "papir"),
        ("notat", "Levert i barnehagen av far."),
    ];
    let count = |app: &TestApp| -> i64 {
        app.with_conn(|c| {
            consents::table
                .filter(consents::log_id.eq(&log))
                .count()
                .get_result(c)
                .unwrap()
        })
    };
    let before = count(&app);
    let html = &b"<!doctype html><title>x</title><script>alert(document.cookie)</script>"[..];
    let svg = &b"<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"/>"[..];
    let exe = &b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xffPE\x00\x00"[..];
    for (filename, bytes, claimed) in [
        ("samtykke.html", html, "text/html"),
        ("samtykke.pdf", html, "application/pdf"),
        ("samtykke.svg", svg, "image/svg+xml"),
        ("samtykke.png", svg, "image/png"),
        ("samtykke.exe", exe, "application/x-msdownload"),
        ("samtykke.jpg", exe, "image/jpeg"),
    ] {
        let (content_type, body) = multipart(&fields, ("skann", filename, bytes, claimed));
        let req = axum::http::Request::post(format!("{page}/samtykke"))
            .header("content-type", content_type)
            .body(axum::body::Body::from(body))
            .unwrap();
        let r = lead.request(req).await;
        assert_eq!(r.status, 422, "{filename} with {claimed}: {}", r.body);
        assert!(
            r.body.contains(
                "id=\"skann-error\">Filen er ikke en PDF, PNG eller JPG. Last opp den skannede erklæringen som en av disse filtypene.</p>"
            ),
            "the problem is told beside the file field: {}",
            r.body
        );
        assert!(
            r.body
                .contains("aria-invalid=\"true\" aria-describedby=\"skann-error skann-hint\""),
            "{filename}"
        );
        assert!(
            r.body.contains("Levert i barnehagen av far."),
            "the note is kept"
        );
        assert!(
            r.body.contains(&format!("value=\"{school}\" checked")),
            "the chosen unit is kept"
        );
        assert!(
            !r.body.contains("Last opp den signerte samtykkeerklæringen"),
            "not also told that a scan is missing"
        );
        assert_eq!(count(&app), before, "{filename}: nothing saved");
    }

    // A real PNG, whatever its name and claimed type: kept as a PNG.
    let png =
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00";
    let (content_type, body) = multipart(&fields, ("skann", "skann.html", png, "text/html"));
    let req = axum::http::Request::post(format!("{page}/samtykke"))
        .header("content-type", content_type)
        .body(axum::body::Body::from(body))
        .unwrap();
    let r = lead.request(req).await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(count(&app), before + 1);
    let (id, file_name, stored_type): (String, String, String) = app.with_conn(|c| {
        attachments::table
            .filter(attachments::log_id.eq(&log))
            .filter(attachments::file_name.like("skann%"))
            .select((
                attachments::id,
                attachments::file_name,
                attachments::content_type,
            ))
            .first(c)
            .unwrap()
    });
    assert_eq!(stored_type, "image/png", "the type comes from the content");
    assert_eq!(file_name, "skann.html.png", "and so does the name's ending");
    let r = lead.get(&format!("{page}/vedlegg/{id}")).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.headers.get("content-type").unwrap(), "image/png");
}
on_every_backend!(consent_scans_are_checked_by_their_content, consent_scans);
