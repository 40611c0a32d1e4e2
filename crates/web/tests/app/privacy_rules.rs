//! Privacy rules that once could be broken with the whole suite passing
//! (issue #15, items 15, 16, 18 and 25): break-glass ends after 8 hours; a
//! staff member taken off the team loses access at once; reading a measure
//! or a consent scan is recorded; and what the access matrices check in an
//! answer besides its status.

use crate::on_every_backend;
use diesel::prelude::*;
use laget_db::schema::{access_log, break_glass, team_members};
use laget_testkit::{Client, TestApp, TestResponse, Who};

const CHILD: &str = "Testbarn Fikstursen";

/// The body of a page that does not exist, as `client` gets it: what every
/// 404 must look like, so that a refusal tells nothing an unknown address
/// would not.
pub async fn unknown_page(client: &mut Client) -> String {
    let r = client.get("/finnes/ikke").await;
    assert_eq!(r.status, 404);
    r.body
}

/// What a matrix cell's answer must hold besides its status: a redirect goes
/// where it should (anonymous, and a citizen on a staff route, who is no
/// staff: to the login page; signed in as staff: not to the
/// login page unless logging out, and not to «the log is closed», which is
/// how a refused write on a closed log answers, unless the row closes the
/// log), and a 404 is the unknown page exactly, naming neither the child nor
/// any id of the path.
pub async fn answer_problems(
    app: &TestApp,
    client: &mut Client,
    who: Who,
    pattern: &str,
    response: &TestResponse,
) -> Vec<String> {
    let mut problems = Vec::new();
    match response.status.as_u16() {
        303 => {
            let to = response.location();
            if who == Who::Anonymous || who.is_citizen() {
                if !to.starts_with("/logg-inn") {
                    problems.push(format!("303 to {to:?}, not to the login page"));
                }
            } else if pattern == "/logg-ut" {
                if to != "/logg-inn?utlogget=1" {
                    problems.push(format!("logged out, yet sent to {to:?}"));
                }
            } else if to.starts_with("/logg-inn") {
                problems.push(format!("signed in, yet sent to log in ({to:?})"));
            } else if to.contains("melding=logg-lukket") && !pattern.ends_with("/lukk") {
                problems.push(format!("303 to {to:?}: refused because the log is closed"));
            }
        }
        // The staff's login through an OpenID provider answers 404 with
        // its own page when no provider is configured (as in the tests):
        // no refusal of anything, and it names nobody.
        404 if pattern == "/logg-inn/ekstern" => {}
        404 => {
            let unknown = unknown_page(client).await;
            if response.body != unknown {
                problems.push("the 404 page differs from an unknown page's".to_owned());
            }
            let path = app.concrete_for(who, pattern);
            let ids = path
                .split(['/', '?', '=', '&', ':'])
                .filter(|part| uuid::Uuid::parse_str(part).is_ok());
            for secret in ids.chain([CHILD, &app.fx.log.national_id[..6]]) {
                if response.body.contains(secret) {
                    problems.push(format!("the 404 page shows {secret:?}"));
                }
            }
        }
        _ => {}
    }
    problems
}

fn today() -> chrono::NaiveDate {
    chrono::Utc::now()
        .with_timezone(&chrono_tz::Europe::Oslo)
        .date_naive()
}

/// The log's pages that show something of the child, and a write.
fn log_pages(app: &TestApp) -> Vec<String> {
    let fx = &app.fx.log;
    let page = format!("/logger/{}", fx.log);
    vec![
        page.clone(),
        format!("{page}/utskrift"),
        format!("{page}/tiltak/{}", fx.measure),
        format!("{page}/vedlegg/{}", fx.attachment),
    ]
}

/// Asserts that every page of the log answers `expected` to `who`, each 404
/// the unknown page; when the log does not open, «Mine oppgaver» does not
/// name the child either.
async fn log_opens(app: &TestApp, who: Who, expected: u16, state: &str) {
    let mut client = app.client(who).await;
    for path in log_pages(app) {
        let r = client.get(&path).await;
        assert_eq!(r.status, expected, "{state}: {path} as {who:?}");
        if expected == 404 {
            assert_eq!(
                r.body,
                unknown_page(&mut client).await,
                "{state}: {path} as {who:?} is the unknown page"
            );
        }
    }
    if expected == 404 {
        let tasks = client.get("/mine-oppgaver").await;
        assert_eq!(tasks.status, 200);
        assert!(
            !tasks.body.contains(CHILD),
            "{state}: «Mine oppgaver» names a child whose log {who:?} cannot open"
        );
    }
}

/// Issue item 15: break-glass lasts exactly 8 hours from its opening.
async fn break_glass_lasts_eight_hours(app: TestApp) {
    let fx = app.fx.log.clone();
    let welfare = Who::ChildWelfareBreakGlass;
    // The fixture's opening ended long ago: nothing.
    app.with_conn(|c| {
        diesel::update(break_glass::table.find(fx.break_glass.to_string()))
            .set((
                break_glass::opened_at.eq(1_i64),
                break_glass::expires_at.eq(2_i64),
            ))
            .execute(c)
    })
    .unwrap();
    log_opens(&app, welfare, 404, "the fixture's opening ended").await;

    // A new opening, with a reason.
    let mut client = app.client(welfare).await;
    let r = client
        .post(
            "/nodtilgang",
            &[
                ("fodselsnummer", fx.national_id.as_str()),
                ("begrunnelse", "Akutt melding fra politiet i natt."),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(
        r.location(),
        format!("/logger/{}?melding=nodtilgang", fx.log)
    );
    let user = app.fx.users[&welfare].to_string();
    let (id, opened, expires): (String, i64, i64) = app.with_conn(|c| {
        break_glass::table
            .filter(break_glass::user_id.eq(&user))
            .filter(break_glass::id.ne(fx.break_glass.to_string()))
            .select((
                break_glass::id,
                break_glass::opened_at,
                break_glass::expires_at,
            ))
            .first(c)
            .unwrap()
    });
    let hour: i64 = 3_600 * 1_000_000;
    assert_eq!(expires - opened, 8 * hour, "an opening lasts 8 hours");
    log_opens(&app, welfare, 200, "just opened").await;

    // Time passes (the opening is moved back): at 7 h 59 min it still holds…
    let minute: i64 = 60 * 1_000_000;
    let age = |by: i64| {
        app.with_conn(|c| {
            diesel::update(break_glass::table.find(&id))
                .set((
                    break_glass::opened_at.eq(opened - by),
                    break_glass::expires_at.eq(expires - by),
                ))
                .execute(c)
        })
        .unwrap();
    };
    age(8 * hour - minute);
    log_opens(&app, welfare, 200, "after 7 h 59 min").await;
    // … at 8 h 1 min it has ended, everywhere.
    age(8 * hour + minute);
    log_opens(&app, welfare, 404, "after 8 h 1 min").await;
}
on_every_backend!(
    break_glass_ends_after_eight_hours,
    break_glass_lasts_eight_hours
);

/// Issue item 16: a staff member taken off the team loses access with the
/// next request — every page of the log, writes, and the task lists.
async fn removed_member_loses_access(app: TestApp) {
    let fx = app.fx.log.clone();
    let page = format!("/logger/{}", fx.log);
    let ppt = Who::PptOnTeam;
    log_opens(&app, ppt, 200, "on the team with consent").await;
    let tasks = app.client(ppt).await.get("/mine-oppgaver").await;
    assert!(tasks.body.contains(CHILD), "«Mine logger» names the child");
    let voice = |words: &'static str| {
        [
            ("dato", today().format("%d.%m.%Y").to_string()),
            ("metode", "samtale".to_owned()),
            ("ord", words.to_owned()),
        ]
    };
    let mut member = app.client(ppt).await;
    let form = voice("Jeg liker å tegne.");
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = member.post(&format!("{page}/stemme"), &form).await;
    assert_eq!(r.status, 303, "a member on the team writes");

    let mut lead = app.client(Who::Ansatt).await;
    let r = lead
        .post(&format!("{page}/lag/{}/fjern", fx.ppt_member), &[])
        .await;
    assert_eq!(r.status, 303);
    assert!(!r.location().contains("logg-lukket"), "{}", r.location());
    let removed: Option<i64> = app.with_conn(|c| {
        team_members::table
            .find(fx.ppt_member.to_string())
            .select(team_members::removed_at)
            .first(c)
            .unwrap()
    });
    assert!(removed.is_some(), "the member is marked as removed");

    log_opens(&app, ppt, 404, "taken off the team").await;
    let form = voice("Etter at PPT gikk av laget.");
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = member.post(&format!("{page}/stemme"), &form).await;
    assert_eq!(r.status, 404, "no writes after leaving the team");
    let body = lead.get(&page).await.body;
    assert!(!body.contains("Etter at PPT gikk av laget."));
    assert!(body.contains("er ikke lenger med på laget"), "{body}");
}
on_every_backend!(
    a_member_taken_off_the_team_loses_access,
    removed_member_loses_access
);

/// Issue item 18: reading a measure's page and a consent scan each write
/// one access-log row on the log, with the reader and the ground; a refused
/// look writes none.
async fn measure_and_scan_reads_are_recorded(app: TestApp) {
    let fx = app.fx.log.clone();
    let page = format!("/logger/{}", fx.log);
    let rows = || -> Vec<(Option<String>, String, String, String)> {
        app.with_conn(|c| {
            access_log::table
                .filter(access_log::object_id.eq(fx.log.to_string()))
                .order(access_log::seq)
                .select((
                    access_log::actor_id,
                    access_log::ground,
                    access_log::action,
                    access_log::object_type,
                ))
                .load(c)
                .unwrap()
        })
    };
    let ppt = app.fx.users[&Who::PptOnTeam].to_string();
    let expected = (
        Some(ppt),
        format!("lag_og_samtykke:{}", fx.ppt_consent),
        "read".to_owned(),
        "log".to_owned(),
    );
    let mut reader = app.client(Who::PptOnTeam).await;
    for path in [
        format!("{page}/tiltak/{}", fx.measure),
        format!("{page}/vedlegg/{}", fx.attachment),
    ] {
        let before = rows();
        let r = reader.get(&path).await;
        assert_eq!(r.status, 200, "{path}");
        let after = rows();
        assert_eq!(after.len(), before.len() + 1, "one row for {path}");
        assert_eq!(after.last(), Some(&expected), "{path}");
    }
    // Under break-glass, the ground names the opening.
    let welfare = app.fx.users[&Who::ChildWelfareBreakGlass].to_string();
    let mut welfare_client = app.client(Who::ChildWelfareBreakGlass).await;
    let before = rows().len();
    let r = welfare_client
        .get(&format!("{page}/vedlegg/{}", fx.attachment))
        .await;
    assert_eq!(r.status, 200);
    let after = rows();
    assert_eq!(after.len(), before + 1);
    assert_eq!(
        after.last().map(|r| (r.0.clone(), r.1.clone())),
        Some((Some(welfare), format!("nodtilgang:{}", fx.break_glass)))
    );
    // A refused look is not recorded (and says nothing).
    let before = rows().len();
    let mut outsider = app.client(Who::HealthNotOnTeam).await;
    for path in [
        format!("{page}/tiltak/{}", fx.measure),
        format!("{page}/vedlegg/{}", fx.attachment),
    ] {
        assert_eq!(outsider.get(&path).await.status, 404);
    }
    assert_eq!(rows().len(), before);
}
on_every_backend!(
    reading_a_measure_or_a_consent_scan_is_recorded,
    measure_and_scan_reads_are_recorded
);
