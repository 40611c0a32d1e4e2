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

/// The rows on an access-log page.
fn rows(body: &str) -> usize {
    body.matches("<tr><td").count()
}

/// The link to the next (older) page, unescaped.
fn older_link(body: &str) -> Option<String> {
    let end = body.find("\">Eldre oppføringer</a>")?;
    let start = body[..end].rfind("href=\"")? + "href=\"".len();
    Some(body[start..end].replace("&#38;", "&").replace("&amp;", "&"))
}

/// Issue item 11: the unit's access log is paged; children and logs are
/// named where the leader may open them, and nowhere else; the object
/// filter takes a child's name; a filter that cannot match says why.
async fn paged_named_and_explained(app: TestApp) {
    use laget_domain::access::Operator;
    use laget_domain::audit::{AccessRecord, Action, ObjectType, Scope};
    let unit = app.fx.unit;
    let base = format!("/enheter/{unit}/tilgangslogg");
    let mut leader = app.client(Who::Leder).await;

    // The log is kept by the unit: its rows name the child.
    let log = app.fx.log.log.to_string();
    let child = app.fx.log.child.to_string();
    let page = leader.get(&base).await;
    assert!(
        page.body.contains("Stafettlogg: Testbarn Fikstursen"),
        "{}",
        page.body
    );
    // The object filter takes a child's name, in any case and in part.
    let by_name = leader.get(&format!("{base}?objekt=fikstursen")).await;
    assert_eq!(by_name.status, 200, "{}", by_name.body);
    assert!(by_name.body.contains("Stafettlogg: Testbarn Fikstursen"));
    assert!(by_name.body.contains(&log));
    assert!(
        !by_name.body.contains("Enhet: Testlia barnehage"),
        "only the child's rows"
    );
    let shown = by_name.body.matches("<code class=\"laget-muted\">").count();
    assert_eq!(shown, rows(&by_name.body), "each row shows its object's id");
    assert_eq!(
        by_name
            .body
            .matches(&format!("laget-muted\">{log}</code>"))
            .count()
            + child_rows(&by_name.body, &child),
        shown,
        "only the child's and its log's rows"
    );
    assert!(
        by_name.body.contains("value=\"fikstursen\""),
        "the filter is kept"
    );
    // The id still works.
    let by_id = leader.get(&format!("{base}?objekt={log}")).await;
    assert_eq!(
        rows(&by_id.body),
        rows(&by_name.body) - child_rows(&by_name.body, &child)
    );

    // A name no child the leader may see has: said beside the field.
    let nobody = leader.get(&format!("{base}?objekt=Tobias")).await;
    assert_eq!(nobody.status, 422);
    assert!(
        nobody.body.contains(
            "id=\"objekt-error\">Fant ikke noe barn med dette navnet blant barna du har tilgang til."
        ),
        "{}",
        nobody.body
    );
    assert!(nobody.body.contains("value=\"Tobias\""));
    assert_eq!(rows(&nobody.body), 0);
    // A reversed date range: said beside «til», nothing shown.
    let reversed = leader
        .get(&format!("{base}?fra=10.01.2026&til=01.01.2026"))
        .await;
    assert_eq!(reversed.status, 422);
    assert!(
        reversed
            .body
            .contains("id=\"til-error\">Til-datoen er før fra-datoen."),
        "{}",
        reversed.body
    );
    assert!(reversed.body.contains("value=\"10.01.2026\""));
    assert_eq!(rows(&reversed.body), 0);

    // The log and the child move to PPT: the leader may open neither, so the
    // unit's older rows about them keep their ids and lose the name, and the
    // name finds nothing.
    app.with_conn(|c| {
        use diesel::prelude::*;
        use laget_db::schema::{child_units, logs};
        diesel::update(logs::table.find(&log))
            .set(logs::home_unit_id.eq(app.fx.log.ppt_unit.to_string()))
            .execute(c)?;
        diesel::delete(child_units::table.filter(child_units::child_id.eq(&child))).execute(c)?;
        diesel::insert_into(child_units::table)
            .values((
                child_units::child_id.eq(&child),
                child_units::unit_id.eq(app.fx.log.ppt_unit.to_string()),
            ))
            .execute(c)
    })
    .unwrap();
    let page = leader.get(&base).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains(&log), "the rows are still there");
    assert!(!page.body.contains("Fikstursen"), "{}", page.body);
    let hidden = leader.get(&format!("{base}?objekt=Fikstursen")).await;
    assert_eq!(hidden.status, 422);
    assert!(
        hidden
            .body
            .contains("id=\"objekt-error\">Fant ikke noe barn")
    );
    assert!(!hidden.body.contains(&log));

    // 130 rows about one object, numbered so that pages can be compared.
    let object = uuid::Uuid::now_v7().to_string();
    let records: Vec<AccessRecord> = (1..=130)
        .map(|n| {
            AccessRecord::new(
                &Operator::at_console(),
                ObjectType::Unit,
                &object,
                Action::Read,
                Scope {
                    municipality_id: Some(app.fx.municipality),
                    unit_id: Some(unit),
                },
                &format!("side-{n:03}"),
            )
        })
        .collect();
    app.db
        .write_blocking(move |c| laget_db::audit::append_all(c, &records))
        .unwrap();
    let first = leader.get(&format!("{base}?objekt={object}")).await;
    assert_eq!(first.status, 200);
    assert_eq!(rows(&first.body), 100, "a page holds 100 rows");
    assert!(first.body.contains("side-130") && first.body.contains("side-031"));
    assert!(
        !first.body.contains("side-030"),
        "older rows are on the next page"
    );
    assert!(
        !first.body.contains("Tilbake til de nyeste"),
        "this is the newest page"
    );
    let next = older_link(&first.body).expect("a link to older rows");
    assert!(
        next.contains(&format!("objekt={object}")),
        "the filter is kept: {next}"
    );
    let second = leader.get(&next).await;
    assert_eq!(second.status, 200);
    assert_eq!(rows(&second.body), 30, "{next}");
    assert!(second.body.contains("side-030") && second.body.contains("side-001"));
    assert!(!second.body.contains("side-031"), "no row on two pages");
    assert!(older_link(&second.body).is_none(), "the last page");
    assert!(second.body.contains("Tilbake til de nyeste"));
    // A made-up page start is no error: the rows before it.
    let odd = leader.get(&format!("{base}?objekt={object}&for=abc")).await;
    assert_eq!(odd.status, 200);
    assert_eq!(rows(&odd.body), 100);
}
on_every_backend!(
    the_access_log_is_paged_names_children_it_may_and_explains_filters,
    paged_named_and_explained
);

/// Rows of `body` about the child `child` itself (not its log).
fn child_rows(body: &str, child: &str) -> usize {
    body.matches(&format!("<code class=\"laget-muted\">{child}</code>"))
        .count()
}

/// Every row says who acted: a staff member by name, a citizen as
/// «Innbygger» (never by name or id), the operator as such.
async fn rows_say_who_acted(app: TestApp) {
    use laget_domain::audit::{AccessRecord, Action, ObjectType, Principal};
    use laget_domain::ids::CitizenId;
    let unit = app.fx.unit;
    let object = uuid::Uuid::now_v7().to_string();
    let citizen = CitizenId::new();
    let staff = app.fx.users[&Who::Kommuneadministrator];
    let records: Vec<AccessRecord> = [
        ("hvem-innbygger", Principal::Citizen(citizen)),
        ("hvem-ansatt", Principal::Staff(staff)),
        ("hvem-drift", Principal::Operator),
    ]
    .into_iter()
    .map(|(rid, principal)| AccessRecord {
        at: chrono::Utc::now(),
        principal,
        ground: "operator".to_owned(),
        object_type: ObjectType::Unit.code().to_owned(),
        object_id: object.clone(),
        action: Action::Read.code().to_owned(),
        unit_id: Some(unit),
        municipality_id: Some(app.fx.municipality),
        request_id: rid.to_owned(),
    })
    .collect();
    app.db
        .write_blocking(move |c| laget_db::audit::append_all(c, &records))
        .unwrap();
    let mut leader = app.client(Who::Leder).await;
    let page = leader
        .get(&format!("/enheter/{unit}/tilgangslogg?objekt={object}"))
        .await;
    assert_eq!(page.status, 200);
    let who_of = |rid: &str| {
        let row = page
            .body
            .split("<tr>")
            .find(|r| r.contains(rid))
            .unwrap_or_else(|| panic!("no row {rid}: {}", page.body));
        row.split("data-label=\"Hvem\">")
            .nth(1)
            .and_then(|r| r.split("</td>").next())
            .unwrap()
            .to_owned()
    };
    assert_eq!(who_of("hvem-innbygger"), "Innbygger");
    assert_eq!(who_of("hvem-ansatt"), "Ada Testadmin");
    assert_eq!(who_of("hvem-drift"), "Driftsoperatør (kommandolinje)");
    assert!(!page.body.contains(&citizen.to_string()));
    // The chain covers them all.
    assert_eq!(
        app.db.read_blocking(laget_db::audit::verify).unwrap(),
        Ok(u64::try_from(app.db.read_blocking(laget_db::audit::count).unwrap()).unwrap())
    );
}
on_every_backend!(access_log_rows_say_who_acted, rows_say_who_acted);
