//! The log page keeps a snapshot of each log it shows (web/src/log/snapshots.rs)
//! and reads only the log's revision while it is current. A change made
//! outside this server — another instance, the command line, any code path
//! that forgets to mark the log changed — empties no cache here, so these
//! scenarios write straight to the tables and read the page at once: the
//! database's triggers (migration 000022) must have raised the revision, or
//! the page would show, and grant, what the snapshot held.

use crate::on_every_backend;
use diesel::prelude::*;
use laget_db::schema::{break_glass, children, consents, log_settings, team_members};
use laget_testkit::{TestApp, Who};

fn now_micros() -> i64 {
    chrono::Utc::now().timestamp_micros()
}

/// A consent withdrawn outside this server closes the log to the unit it
/// covered on the very next read.
async fn withdrawn_elsewhere_closes_at_once(app: TestApp) {
    let fx = app.fx.log.clone();
    let page = format!("/logger/{}", fx.log);
    let mut ppt = app.client(Who::PptOnTeam).await;
    assert_eq!(ppt.get(&page).await.status.as_u16(), 200);
    assert_eq!(
        ppt.get(&page).await.status.as_u16(),
        200,
        "read again: kept"
    );
    app.with_conn(|c| {
        diesel::update(consents::table.find(fx.ppt_consent.to_string()))
            .set(consents::withdrawn_at.eq(Some(now_micros())))
            .execute(c)
            .unwrap();
    });
    assert_eq!(
        ppt.get(&page).await.status.as_u16(),
        404,
        "no consent, no log"
    );
}
on_every_backend!(
    a_consent_withdrawn_elsewhere_closes_the_log_at_once,
    withdrawn_elsewhere_closes_at_once
);

/// A break-glass opening ended outside this server ends the access at once.
async fn break_glass_ended_elsewhere(app: TestApp) {
    let fx = app.fx.log.clone();
    let page = format!("/logger/{}", fx.log);
    let mut welfare = app.client(Who::ChildWelfareBreakGlass).await;
    assert_eq!(welfare.get(&page).await.status.as_u16(), 200);
    let user = app.fx.users[&Who::ChildWelfareBreakGlass].to_string();
    app.with_conn(|c| {
        diesel::update(
            break_glass::table
                .filter(break_glass::log_id.eq(fx.log.to_string()))
                .filter(break_glass::user_id.eq(user)),
        )
        .set(break_glass::expires_at.eq(now_micros() - 1))
        .execute(c)
        .unwrap();
    });
    assert_eq!(welfare.get(&page).await.status.as_u16(), 404);
}
on_every_backend!(
    a_break_glass_opening_ended_elsewhere_ends_at_once,
    break_glass_ended_elsewhere
);

/// Taken off the team outside this server: the team was the only ground.
async fn removed_elsewhere(app: TestApp) {
    let fx = app.fx.log.clone();
    let page = format!("/logger/{}", fx.log);
    let mut ppt = app.client(Who::PptOnTeam).await;
    assert_eq!(ppt.get(&page).await.status.as_u16(), 200);
    app.with_conn(|c| {
        diesel::update(team_members::table.find(fx.ppt_member.to_string()))
            .set(team_members::removed_at.eq(Some(now_micros())))
            .execute(c)
            .unwrap();
    });
    assert_eq!(ppt.get(&page).await.status.as_u16(), 404);
}
on_every_backend!(
    taken_off_the_team_elsewhere_closes_the_log_at_once,
    removed_elsewhere
);

/// The municipality's consent rule is read with every page: changed outside
/// this server to «one guardian», the school (consented by one of two) may
/// open the log at once, and back to «all guardians», no longer.
async fn consent_rule_elsewhere(app: TestApp) {
    let fx = app.fx.log.clone();
    let page = format!("/logger/{}", fx.log);
    let mut school = app.client(Who::SchoolWithoutConsent).await;
    let mut lead = app.client(Who::Ansatt).await;
    assert_eq!(school.get(&page).await.status.as_u16(), 404);
    assert_eq!(
        lead.get(&page).await.status.as_u16(),
        200,
        "kept by the lead's read"
    );
    let m = app.fx.municipality.to_string();
    let set_rule = |rule: &'static str| {
        app.with_conn(|c| {
            let changed = diesel::update(log_settings::table.find(m.clone()))
                .set(log_settings::consent_rule.eq(rule))
                .execute(c)
                .unwrap();
            assert_eq!(changed, 1, "the municipality has settings");
        })
    };
    set_rule("en");
    assert_eq!(
        school.get(&page).await.status.as_u16(),
        200,
        "one guardian suffices"
    );
    set_rule("alle");
    assert_eq!(
        school.get(&page).await.status.as_u16(),
        404,
        "both are needed again"
    );
}
on_every_backend!(
    the_consent_rule_changed_elsewhere_counts_at_once,
    consent_rule_elsewhere
);

/// The child's name changed outside this server shows on the next read.
async fn renamed_elsewhere(app: TestApp) {
    let fx = app.fx.log.clone();
    let page = format!("/logger/{}", fx.log);
    let mut lead = app.client(Who::Ansatt).await;
    let before = lead.get(&page).await.body;
    let name = "Omdøpt Utenforsen";
    assert!(!before.contains(name));
    app.with_conn(|c| {
        diesel::update(children::table.find(fx.child.to_string()))
            .set(children::name.eq(name))
            .execute(c)
            .unwrap();
    });
    assert!(lead.get(&page).await.body.contains(name));
}
on_every_backend!(the_child_renamed_elsewhere_shows_at_once, renamed_elsewhere);
