//! A unit's access log, as its leader reads it.

use crate::on_every_backend;
use laget_testkit::{TestApp, Who};

async fn leader_reads(app: TestApp) {
    let unit = app.fx.unit;
    let m = app.fx.municipality;
    // Something to see: the administrator edits the unit.
    let mut admin = app.client(Who::Kommuneadministrator).await;
    admin
        .post(
            &format!("/kommuner/{m}/enheter/{unit}"),
            &[
                ("navn", "Testlia barnehage"),
                ("type", "barnehage"),
                ("aktiv", "ja"),
            ],
        )
        .await;

    let mut leader = app.client(Who::Leder).await;
    let home = leader.get("/").await;
    assert!(
        home.body.contains(&format!("/enheter/{unit}/tilgangslogg")),
        "the leader finds the log from the start page"
    );
    let page = leader.get(&format!("/enheter/{unit}/tilgangslogg")).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Ada Testadmin"), "who");
    assert!(page.body.contains("Endret"), "what was done");
    assert!(page.body.contains("Kommuneadministrator"), "on what ground");
    assert!(
        page.body.contains("Driftsoperatør"),
        "the fixtures were made at the console"
    );
    assert!(
        page.body.contains("Enhet: Testlia barnehage"),
        "objects are named, not only numbered"
    );
    assert!(
        page.body.contains("Bruker: Mona Målbruker"),
        "the fixture gave Mona a role in the unit"
    );

    // Filter by person.
    let admin_id = app.fx.users[&Who::Kommuneadministrator];
    let only_admin = leader
        .get(&format!("/enheter/{unit}/tilgangslogg?person={admin_id}"))
        .await;
    assert!(only_admin.body.contains("Ada Testadmin"));
    assert!(!only_admin.body.contains("Driftsoperatør"));
    // Filter by date: nothing before 2020, today's rows today.
    let old = leader
        .get(&format!("/enheter/{unit}/tilgangslogg?til=31.12.2019"))
        .await;
    assert!(old.body.contains("Ingen oppføringer passer filteret."));
    let today = chrono::Utc::now()
        .with_timezone(&chrono_tz::Europe::Oslo)
        .format("%d.%m.%Y")
        .to_string();
    let now = leader
        .get(&format!(
            "/enheter/{unit}/tilgangslogg?fra={today}&til={today}"
        ))
        .await;
    assert!(now.body.contains("Ada Testadmin"));
    // Filter by object.
    let by_object = leader
        .get(&format!(
            "/enheter/{unit}/tilgangslogg?objekt={}",
            uuid::Uuid::now_v7()
        ))
        .await;
    assert!(
        by_object
            .body
            .contains("Ingen oppføringer passer filteret.")
    );
    // A bad date is explained beside the field, and the value kept.
    let bad = leader
        .get(&format!("/enheter/{unit}/tilgangslogg?fra=32.13.2026"))
        .await;
    assert!(
        bad.body
            .contains("id=\"fra-error\">Skriv datoen som dd.mm.åååå")
    );
    assert!(bad.body.contains("value=\"32.13.2026\""));
    assert_eq!(bad.status, 422);
    assert!(
        bad.body
            .contains("Rett opp filteret for å se oppføringene."),
        "a broken filter is not applied half-way"
    );
    assert!(
        !bad.body.contains("Ada Testadmin</td>"),
        "no rows until the filter is fixed"
    );

    // Reading the log is itself in the log.
    let again = leader
        .get(&format!(
            "/enheter/{unit}/tilgangslogg?person={}",
            app.fx.users[&Who::Leder]
        ))
        .await;
    assert!(
        again.body.contains("Tilgangslogg") && again.body.contains("Leder av enheten"),
        "{}",
        again.body
    );
}
on_every_backend!(
    a_leader_reads_and_filters_the_units_access_log,
    leader_reads
);
