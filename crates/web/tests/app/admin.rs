//! Municipality administration: units and users, through the pages.

use crate::on_every_backend;
use laget_db::audit as access_log;
use laget_testkit::{TestApp, Who};

async fn units(app: TestApp) {
    let m = app.fx.municipality;
    let mut admin = app.client(Who::Kommuneadministrator).await;
    let list = admin.get(&format!("/kommuner/{m}/enheter")).await;
    assert!(list.body.contains("Testlia barnehage"));
    assert!(
        !list.body.contains("Testbyen skole"),
        "only this municipality's units"
    );

    // Errors are shown beside the fields and nothing typed is lost.
    let r = admin
        .post(
            &format!("/kommuner/{m}/enheter"),
            &[("navn", "   "), ("type", "skole"), ("aktiv", "ja")],
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(
        r.body
            .contains("id=\"navn-error\">Dette feltet må fylles ut."),
        "{}",
        r.body
    );
    assert!(r.body.contains("aria-invalid=\"true\""));
    assert!(
        r.body.contains("<option value=\"skole\" selected>"),
        "the chosen kind is kept"
    );
    let r = admin
        .post(
            &format!("/kommuner/{m}/enheter"),
            &[("navn", "Nyskolen"), ("type", "bank")],
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("value=\"Nyskolen\""));
    assert!(r.body.contains("Velg et av alternativene i listen."));
    let long = "å".repeat(151);
    let r = admin
        .post(
            &format!("/kommuner/{m}/enheter"),
            &[("navn", &long), ("type", "skole")],
        )
        .await;
    assert!(r.body.contains("Bruk høyst 150 tegn."));

    // A made-up municipality in «also serves» is refused beside the field.
    let made_up = uuid::Uuid::now_v7().to_string();
    let r = admin
        .post(
            &format!("/kommuner/{m}/enheter"),
            &[("navn", "Lurt"), ("type", "skole"), ("betjener", &made_up)],
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("Velg et av alternativene i listen."));

    // A unit shared with the neighbour municipality.
    let other = app.fx.other_municipality.to_string();
    let r = admin
        .post(
            &format!("/kommuner/{m}/enheter"),
            &[
                ("navn", "Felles barnevern"),
                ("type", "barnevern"),
                ("aktiv", "ja"),
                ("betjener", &other),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(
        r.location(),
        format!("/kommuner/{m}/enheter?melding=enhet-opprettet")
    );
    let list = admin.get(r.location()).await;
    assert!(list.body.contains("Enheten er opprettet."));
    assert!(list.body.contains("Felles barnevern"));
    let mut other_admin = app.client(Who::OtherKommuneadministrator).await;
    let theirs = other_admin.get(&format!("/kommuner/{other}/enheter")).await;
    assert!(
        theirs.body.contains("Felles barnevern"),
        "the neighbour sees the shared unit"
    );

    // Edit.
    let unit = app.fx.unit;
    let form = admin.get(&format!("/kommuner/{m}/enheter/{unit}")).await;
    assert!(form.body.contains("value=\"Testlia barnehage\""));
    let r = admin
        .post(
            &format!("/kommuner/{m}/enheter/{unit}"),
            &[("navn", "Testlia naturbarnehage"), ("type", "barnehage")],
        )
        .await;
    assert_eq!(r.status, 303);
    let list = admin.get(&format!("/kommuner/{m}/enheter")).await;
    assert!(list.body.contains("Testlia naturbarnehage"));

    // Every change is in the access log, under the unit, with the admin's ground.
    let reader = app.fx.users[&Who::Kommuneadministrator];
    let rows = app.with_conn(|c| {
        use diesel::prelude::*;
        use laget_db::schema::access_log::dsl;
        dsl::access_log
            .filter(dsl::unit_id.eq(unit.to_string()))
            .filter(dsl::actor_id.eq(reader.to_string()))
            .select((dsl::action, dsl::ground))
            .load::<(String, String)>(c)
            .unwrap()
    });
    assert_eq!(
        rows,
        vec![("update".to_owned(), "kommuneadministrator".to_owned())]
    );
}
on_every_backend!(an_administrator_manages_units, units);

async fn users(app: TestApp) {
    let m = app.fx.municipality;
    let mut admin = app.client(Who::Kommuneadministrator).await;
    let list = admin.get(&format!("/kommuner/{m}/brukere")).await;
    assert!(list.body.contains("Lars Testleder"));
    assert!(
        !list.body.contains("Otto Annenadmin"),
        "only this municipality's users"
    );

    let base = [
        ("navn", "Nina Ny"),
        ("brukernavn", "nina.ny"),
        ("epost", "nina@test.example"),
    ];
    let with = |p: &'static str, p2: &'static str| {
        let mut f = base.to_vec();
        f.push(("passord", p));
        f.push(("passord2", p2));
        f
    };
    let r = admin
        .post(
            &format!("/kommuner/{m}/brukere"),
            &with("passordpassord", "passordpassord"),
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(
        r.body
            .contains("id=\"passord-error\">Passordet er for lett å gjette."),
        "{}",
        r.body
    );
    assert!(
        r.body.contains("value=\"Nina Ny\"") && r.body.contains("value=\"nina.ny\""),
        "values are kept"
    );
    assert!(
        !r.body.contains("passordpassord"),
        "passwords are not sent back"
    );
    let r = admin
        .post(&format!("/kommuner/{m}/brukere"), &with("kort", "kort"))
        .await;
    assert!(r.body.contains("For kort. Bruk minst 12 tegn."));
    let r = admin
        .post(
            &format!("/kommuner/{m}/brukere"),
            &with("Blåveis-Kornmo-Trekkfugl-93", "Blåveis-Kornmo-Trekkfugl-39"),
        )
        .await;
    assert!(r.body.contains("Passordene er ikke like."));
    let r = admin
        .post(
            &format!("/kommuner/{m}/brukere"),
            &with("ninany12345678", "ninany12345678"),
        )
        .await;
    assert!(
        r.body.contains("Passordet er for lett å gjette."),
        "a password built from the name is weak"
    );
    let mut bad_email = with("Blåveis-Kornmo-Trekkfugl-93", "Blåveis-Kornmo-Trekkfugl-93");
    bad_email[2] = ("epost", "nina@");
    let r = admin
        .post(&format!("/kommuner/{m}/brukere"), &bad_email)
        .await;
    assert!(r.body.contains("Skriv en gyldig e-postadresse"));

    let r = admin
        .post(
            &format!("/kommuner/{m}/brukere"),
            &with("Blåveis-Kornmo-Trekkfugl-93", "Blåveis-Kornmo-Trekkfugl-93"),
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let page = admin.get(r.location()).await;
    assert!(page.body.contains("Brukeren er opprettet."));
    assert!(page.body.contains("Brukeren har ingen roller ennå."));
    let user_path = r.location().split('?').next().unwrap().to_owned();

    // The same user name again is refused beside the field.
    let r = admin
        .post(
            &format!("/kommuner/{m}/brukere"),
            &with("Blåveis-Kornmo-Trekkfugl-93", "Blåveis-Kornmo-Trekkfugl-93"),
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(
        r.body
            .contains("id=\"brukernavn-error\">Dette er allerede i bruk.")
    );

    // Roles: a unit role needs a unit.
    let r = admin
        .post(
            &format!("{user_path}/roller"),
            &[("rolle", "ansatt"), ("enhet", "")],
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("Velg en enhet for denne rollen."));
    let unit = app.fx.unit.to_string();
    let r = admin
        .post(
            &format!("{user_path}/roller"),
            &[("rolle", "ansatt"), ("enhet", &unit)],
        )
        .await;
    assert_eq!(r.status, 303);
    let page = admin.get(&user_path).await;
    assert!(page.body.contains("Testlia barnehage") && page.body.contains("Ansatt"));
    let r = admin
        .post(
            &format!("{user_path}/roller"),
            &[("rolle", "ansatt"), ("enhet", &unit)],
        )
        .await;
    assert!(
        r.body.contains("Dette er allerede i bruk."),
        "the same role twice is refused"
    );

    // The new user logs in, and the start page shows the role.
    let mut nina = app.anonymous();
    assert_eq!(
        nina.login("nina.ny", "Blåveis-Kornmo-Trekkfugl-93")
            .await
            .status,
        303
    );
    assert!(nina.get("/").await.body.contains("Testlia barnehage"));

    // Remove the role again (the remove form is on the page).
    let remove = page
        .body
        .split("action=\"")
        .find(|s| s.contains("/fjern"))
        .unwrap();
    let remove = remove[..remove.find('"').unwrap()].to_owned();
    assert_eq!(admin.post(&remove, &[]).await.status, 303);
    assert!(
        admin
            .get(&user_path)
            .await
            .body
            .contains("Brukeren har ingen roller ennå.")
    );

    // Edit details, with an error first.
    let r = admin
        .post(&user_path, &[("navn", ""), ("epost", "nina@test.example")])
        .await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("value=\"nina@test.example\""));
    assert_eq!(
        admin
            .post(&user_path, &[("navn", "Nina Nyhus"), ("epost", "")])
            .await
            .status,
        303
    );
    assert!(admin.get(&user_path).await.body.contains("Nina Nyhus"));

    // A new password ends the user's sessions.
    let r = admin
        .post(
            &format!("{user_path}/passord"),
            &[
                ("passord", "Snøskred-Vaffel-Kanel-2026"),
                ("passord2", "Snøskred-Vaffel-Kanel-2026"),
            ],
        )
        .await;
    assert_eq!(r.status, 303);
    assert_eq!(nina.get("/").await.status, 303);
    assert_eq!(
        nina.login("nina.ny", "Snøskred-Vaffel-Kanel-2026")
            .await
            .status,
        303
    );

    // Reading a user's record is itself logged.
    let reads = app.with_conn(|c| {
        use diesel::prelude::*;
        use laget_db::schema::access_log::dsl;
        dsl::access_log
            .filter(dsl::object_type.eq("user"))
            .filter(dsl::action.eq("read"))
            .count()
            .get_result::<i64>(c)
            .unwrap()
    });
    assert!(reads >= 5, "{reads}");
    assert!(app.with_conn(|c| access_log::verify(c).unwrap()).is_ok());
}
on_every_backend!(an_administrator_manages_users, users);

async fn municipalities(app: TestApp) {
    let mut sys = app.client(Who::Systemadmin).await;
    let r = sys
        .post(
            "/kommuner",
            &[("nummer", "31O5"), ("navn", "Sarpsborg"), ("malform", "nb")],
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("Kommunenummeret har fire sifre"));
    assert!(r.body.contains("value=\"Sarpsborg\""));
    let r = sys
        .post(
            "/kommuner",
            &[("nummer", "9001"), ("navn", "Dobbel"), ("malform", "nb")],
        )
        .await;
    assert!(
        r.body.contains("Dette er allerede i bruk."),
        "numbers are unique"
    );
    let r = sys
        .post(
            "/kommuner",
            &[
                ("nummer", "9105"),
                ("navn", "Prøvekommune"),
                ("malform", "nn"),
            ],
        )
        .await;
    assert_eq!(r.status, 303);
    let list = sys.get("/kommuner?melding=opprettet").await;
    assert!(list.body.contains("Prøvekommune") && list.body.contains("Kommunen er opprettet."));
}
on_every_backend!(
    the_system_administrator_creates_municipalities,
    municipalities
);

// ---------------------------------------------------------------------------
// DESIGN.md, Access, rules 7 (nobody grants themselves access) and 8 (a unit
// has one host municipality).

/// The memberships and grants rows of a user.
fn roles_of(app: &TestApp, user: laget_domain::UserId) -> (i64, i64) {
    use diesel::prelude::*;
    use laget_db::schema::{memberships, role_grants};
    app.with_conn(|c| {
        let m = memberships::table
            .filter(memberships::user_id.eq(user.to_string()))
            .count()
            .get_result(c)
            .unwrap();
        let g = role_grants::table
            .filter(role_grants::user_id.eq(user.to_string()))
            .count()
            .get_result(c)
            .unwrap();
        (m, g)
    })
}

/// The path of the user page a «create user» redirect points to, and the id.
fn user_page(location: &str) -> (String, laget_domain::UserId) {
    let path = location.split('?').next().unwrap().to_owned();
    let id = path.rsplit('/').next().unwrap().parse().unwrap();
    (path, id)
}

async fn create_user(
    admin: &mut laget_testkit::Client,
    m: laget_domain::MunicipalityId,
    name: &str,
    username: &str,
) -> (String, laget_domain::UserId) {
    let r = admin
        .post(
            &format!("/kommuner/{m}/brukere"),
            &[
                ("navn", name),
                ("brukernavn", username),
                ("passord", "Blåveis-Kornmo-Trekkfugl-93"),
                ("passord2", "Blåveis-Kornmo-Trekkfugl-93"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    user_page(r.location())
}

async fn no_self_grants(app: TestApp) {
    let m = app.fx.municipality;
    let me = app.fx.users[&Who::Kommuneadministrator];
    let mut admin = app.client(Who::Kommuneadministrator).await;
    let before = roles_of(&app, me);
    let unit = app.fx.unit.to_string();
    for (role, unit) in [
        ("leder", unit.as_str()),
        ("ansatt", &unit),
        ("kommuneadministrator", ""),
    ] {
        let r = admin
            .post(
                &format!("/kommuner/{m}/brukere/{me}/roller"),
                &[("rolle", role), ("enhet", unit)],
            )
            .await;
        assert_eq!(r.status, 422, "{role}: {}", r.body);
        assert!(
            r.body.contains(
                "id=\"rolle-error\">Du kan ikke gi deg selv en rolle. Be en annen administrator om å gjøre det."
            ),
            "{role}: {}",
            r.body
        );
        assert!(
            r.body
                .contains(&format!("<option value=\"{role}\" selected>")),
            "the choice is kept"
        );
    }
    assert_eq!(roles_of(&app, me), before, "nothing changed");
    // Still no child for the administrator.
    let r = admin.get(&format!("/barn/{}", app.fx.log.child)).await;
    assert_eq!(r.status, 404);
    // The system administrator cannot either.
    let sys_id = app.fx.users[&Who::Systemadmin];
    let mut sys = app.client(Who::Systemadmin).await;
    let r = sys
        .post(
            &format!("/kommuner/{m}/brukere/{sys_id}/roller"),
            &[("rolle", "leder"), ("enhet", &unit)],
        )
        .await;
    assert_eq!(
        r.status, 404,
        "the system administrator is not a user of the municipality"
    );
    assert_eq!(roles_of(&app, sys_id), (0, 0));
}
on_every_backend!(
    an_administrator_cannot_grant_themselves_a_role,
    no_self_grants
);

async fn shared_units(app: TestApp) {
    let (m, other) = (app.fx.municipality, app.fx.other_municipality);
    let mut host_admin = app.client(Who::Kommuneadministrator).await;
    let mut neighbour = app.client(Who::OtherKommuneadministrator).await;
    let neighbour_id = app.fx.users[&Who::OtherKommuneadministrator];

    // The host creates a child welfare service shared with the neighbour.
    let other_s = other.to_string();
    let r = host_admin
        .post(
            &format!("/kommuner/{m}/enheter"),
            &[
                ("navn", "Felles barnevern"),
                ("type", "barnevern"),
                ("aktiv", "ja"),
                ("betjener", &other_s),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let shared = app.with_conn(|c| {
        laget_db::admin::units::list_in_municipality(c, other)
            .unwrap()
            .into_iter()
            .find(|u| u.name == "Felles barnevern")
            .unwrap()
    });
    assert_eq!(shared.host, m, "the creating municipality hosts it");
    let unit = shared.id;
    let unit_s = unit.to_string();

    // The neighbour sees it, marked with its host, without a link to change it.
    let list = neighbour.get(&format!("/kommuner/{other}/enheter")).await;
    assert!(list.body.contains("Felles barnevern"));
    assert!(
        list.body.contains("Vertskommune: Testkommune"),
        "{}",
        list.body
    );
    assert!(!list.body.contains(&format!("/enheter/{unit}\"")));
    let list = host_admin.get(&format!("/kommuner/{m}/enheter")).await;
    assert!(
        list.body
            .contains(&format!("/kommuner/{m}/enheter/{unit}\""))
    );

    // The neighbour may neither open its form, rename, deactivate nor detach it.
    let path = format!("/kommuner/{other}/enheter/{unit}");
    assert_eq!(neighbour.get(&path).await.status, 404);
    let m_s = m.to_string();
    for form in [
        vec![
            ("navn", "Kapret"),
            ("type", "barnevern"),
            ("aktiv", "ja"),
            ("betjener", m_s.as_str()),
        ],
        vec![
            ("navn", "Felles barnevern"),
            ("type", "barnevern"),
            ("betjener", m_s.as_str()),
        ],
        vec![
            ("navn", "Felles barnevern"),
            ("type", "barnevern"),
            ("aktiv", "ja"),
        ],
        // With errors in the form too.
        vec![("navn", ""), ("type", "barnevern")],
    ] {
        assert_eq!(neighbour.post(&path, &form).await.status, 404, "{form:?}");
    }
    // Nor give roles in it: not to her own account, not to her own users.
    let (user_path, her_user) = create_user(&mut neighbour, other, "Nils Nabo", "nils.nabo").await;
    for target in [
        format!("/kommuner/{other}/brukere/{neighbour_id}"),
        user_path,
    ] {
        let r = neighbour
            .post(
                &format!("{target}/roller"),
                &[("rolle", "leder"), ("enhet", &unit_s)],
            )
            .await;
        assert_eq!(r.status, 404, "{target}");
    }
    assert_eq!(roles_of(&app, her_user), (0, 0));
    // Her role form offers only the units her municipality hosts.
    let page = neighbour
        .get(&format!("/kommuner/{other}/brukere/{her_user}"))
        .await;
    assert!(
        !page.body.contains(&unit_s),
        "the shared unit is not offered for roles"
    );
    assert!(page.body.contains("Testbyen skole"));
    let unchanged = app.with_conn(|c| {
        laget_db::admin::units::get_many(c, &[unit])
            .unwrap()
            .pop()
            .unwrap()
    });
    assert_eq!(
        (
            unchanged.name.as_str(),
            unchanged.active,
            unchanged.municipalities.len()
        ),
        ("Felles barnevern", true, 2)
    );

    // The host's administrator gives a leader.
    let (leader_path, leader) =
        create_user(&mut host_admin, m, "Berit Barnevernleder", "berit.leder").await;
    let r = host_admin
        .post(
            &format!("{leader_path}/roller"),
            &[("rolle", "leder"), ("enhet", &unit_s)],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let (staff_path, _) = create_user(&mut host_admin, m, "Stine Saksbehandler", "stine.sak").await;
    let r = host_admin
        .post(
            &format!("{staff_path}/roller"),
            &[("rolle", "ansatt"), ("enhet", &unit_s)],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let r = host_admin
        .post(
            &format!("{staff_path}/roller"),
            &[("rolle", "tiltaksredaktor"), ("enhet", &unit_s)],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);

    // The leader sees both grants of roles that open children's data, newest
    // first, with who gave them; the editor role is not listed.
    let mut berit = app.client_for(leader).await;
    let home = berit.get("/").await;
    assert!(
        home.body
            .contains(&format!("href=\"/enheter/{unit}/tildelte-roller\"")),
        "the leader's navigation links the review list"
    );
    let grants = berit.get(&format!("/enheter/{unit}/tildelte-roller")).await;
    assert_eq!(grants.status, 200);
    let body = &grants.body;
    let (stine, berit_row) = (
        body.find("Stine Saksbehandler").unwrap(),
        body.find("Berit Barnevernleder</td>").unwrap(),
    );
    assert!(stine < berit_row, "newest first");
    assert!(body.contains("Ada Testadmin"), "from whom");
    assert!(!body.contains("Tiltaksredaktør"), "editors open no child");
    // She marks one as reviewed.
    let action = body
        .split("action=\"")
        .find(|s| s.contains("/gjennomgatt"))
        .unwrap();
    let action = action[..action.find('"').unwrap()].to_owned();
    let r = berit.post(&action, &[]).await;
    assert_eq!(r.status, 303);
    let after = berit.get(r.location()).await;
    assert!(
        after
            .body
            .contains("Tildelingen er markert som gjennomgått.")
    );
    assert_eq!(
        after.body.matches("Marker som gjennomgått<").count(),
        1,
        "one left to review"
    );
    // Another unit's leader, and the administrators, do not see the list.
    let mut other_leader = app.client(Who::Leder).await;
    for client in [&mut other_leader, &mut host_admin, &mut neighbour] {
        assert_eq!(
            client
                .get(&format!("/enheter/{unit}/tildelte-roller"))
                .await
                .status,
            404
        );
        assert_eq!(client.post(&action, &[]).await.status, 404);
    }

    // The host renames it and detaches the neighbour.
    let r = host_admin
        .post(
            &format!("/kommuner/{m}/enheter/{unit}"),
            &[
                ("navn", "Barnevernet i Testkommune"),
                ("type", "barnevern"),
                ("aktiv", "ja"),
            ],
        )
        .await;
    assert_eq!(r.status, 303);
    let theirs = neighbour.get(&format!("/kommuner/{other}/enheter")).await;
    assert!(!theirs.body.contains("Barnevernet i Testkommune"));

    // The system administrator moves the host (the unit serves the new host
    // from then on), and the roles in it move along.
    let mut sys = app.client(Who::Systemadmin).await;
    let edit = sys.get(&format!("/kommuner/{m}/enheter/{unit}")).await;
    assert!(edit.body.contains("Endre vertskommune"));
    assert!(
        !host_admin
            .get(&format!("/kommuner/{m}/enheter/{unit}"))
            .await
            .body
            .contains("Endre vertskommune")
    );
    let r = sys
        .post(
            &format!("/kommuner/{m}/enheter/{unit}/vertskommune"),
            &[("vertskommune", &other_s)],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let moved = app.with_conn(|c| {
        laget_db::admin::units::get_many(c, &[unit])
            .unwrap()
            .pop()
            .unwrap()
    });
    assert_eq!((moved.host, moved.municipalities.len()), (other, 2));
    assert_eq!(
        host_admin
            .get(&format!("/kommuner/{m}/enheter/{unit}"))
            .await
            .status,
        404
    );
    assert_eq!(
        neighbour
            .get(&format!("/kommuner/{other}/enheter/{unit}"))
            .await
            .status,
        200
    );
    let list = host_admin.get(&format!("/kommuner/{m}/enheter")).await;
    assert!(list.body.contains("Vertskommune: Annenkommune"));
    let people = neighbour.get(&format!("/kommuner/{other}/brukere")).await;
    assert!(
        people.body.contains("Berit Barnevernleder"),
        "the new host sees the unit's leader"
    );
    assert!(app.with_conn(|c| access_log::verify(c).unwrap()).is_ok());
}
on_every_backend!(a_shared_unit_is_changed_by_its_host_only, shared_units);

/// A child of the neighbour municipality attends a child welfare service
/// that the first municipality hosts: the access-log rows about the child and
/// its log carry the child's municipality, not the caseworker's.
async fn child_rows_in_a_shared_unit(app: TestApp) {
    use diesel::prelude::*;
    use laget_db::schema::{access_log as al, logs};
    use laget_db::{admin::units, admin::users, children};
    use laget_domain::access::Operator;
    use laget_domain::admin::unit::{UnitKind, UnitName};
    use laget_domain::admin::user::{DisplayName, Role, Username};
    use laget_domain::children::NewChild;

    let (m, other) = (app.fx.municipality, app.fx.other_municipality);
    let op = Operator::at_console();
    let (worker, child) = app.with_conn(|c| {
        let fields = |name: &str, kind, also: Vec<_>| units::UnitFields {
            name: UnitName::parse(name).unwrap(),
            kind,
            active: true,
            also_serves: also,
        };
        let welfare = units::create(
            c,
            &op.administer(m),
            &fields("Felles barnevern", UnitKind::Barnevern, vec![other]),
            "test",
        )
        .unwrap();
        let school = units::create(
            c,
            &op.administer(other),
            &fields("Nabobyen skole", UnitKind::Skole, vec![]),
            "test",
        )
        .unwrap();
        let person = |c: &mut laget_db::DbConnection, username: &str, at| {
            let cap = op.administer(at);
            let new = users::NewUser {
                username: Username::parse(username).unwrap(),
                display_name: DisplayName::parse(username).unwrap(),
                email: None,
                password_hash: "x".into(),
                is_system_admin: false,
            };
            users::create(c, &cap, &new, "test").unwrap()
        };
        let teacher = person(c, "nabo.larer", other);
        users::add_membership(
            c,
            &op.administer(other),
            teacher,
            Some(school),
            Role::Ansatt,
            "test",
        )
        .unwrap();
        let worker = person(c, "felles.barnevern", m);
        users::add_membership(
            c,
            &op.administer(m),
            worker,
            Some(welfare),
            Role::Ansatt,
            "test",
        )
        .unwrap();
        let cap = laget_db::lookup::actor(c, teacher)
            .unwrap()
            .casework(school)
            .unwrap();
        let today = chrono::Utc::now().date_naive();
        let new = NewChild::parse("Nabobarn Delt", "01.02.2018", false, "", today).unwrap();
        let child = children::create(c, &cap, &new, &[welfare], "test").unwrap();
        (worker, child)
    });
    let last_row = |object: String| {
        app.with_conn(|c| {
            al::table
                .filter(al::object_id.eq(object))
                .order(al::seq.desc())
                .select((al::action, al::municipality_id))
                .first::<(String, Option<String>)>(c)
                .unwrap()
        })
    };
    let theirs = Some(other.to_string());

    let mut welfare = app.client_for(worker).await;
    let r = welfare.get(&format!("/barn/{child}")).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(last_row(child.to_string()), ("read".into(), theirs.clone()));

    let r = welfare
        .post(
            &format!("/barn/{child}/foresatte"),
            &[("navn", "Nora Delt"), ("relasjon", "annen")],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(
        last_row(child.to_string()),
        ("update".into(), theirs.clone())
    );

    let r = welfare
        .post(
            &format!("/barn/{child}/ny-logg"),
            &[
                ("uro", "Mye fravær."),
                ("observert", "01.11.2026"),
                ("utfordringer", "skolefravaer"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let log = r.location().trim_start_matches("/logger/");
    let log = log[..log.find('?').unwrap_or(log.len())].to_owned();
    let kept_by: String = app.with_conn(|c| {
        logs::table
            .find(&log)
            .select(logs::municipality_id)
            .first(c)
            .unwrap()
    });
    assert_eq!(
        Some(kept_by),
        theirs,
        "the log belongs to the child's municipality"
    );
    assert_eq!(last_row(log.clone()), ("create".into(), theirs.clone()));
    assert_eq!(welfare.get(&format!("/logger/{log}")).await.status, 200);
    assert_eq!(last_row(log), ("read".into(), theirs));
}
on_every_backend!(
    access_log_rows_carry_the_childs_municipality,
    child_rows_in_a_shared_unit
);

/// DESIGN.md, Access, rule 7: the administrator role opens no child, in no
/// list either.
async fn administrators_open_no_child(app: TestApp) {
    let child = "Testbarn Fikstursen";
    for who in [
        Who::Kommuneadministrator,
        Who::OtherKommuneadministrator,
        Who::Systemadmin,
    ] {
        let mut admin = app.client(who).await;
        for list in ["/barn", "/mine-oppgaver", "/drofting", "/"] {
            let r = admin.get(list).await;
            assert!(!r.body.contains(child), "{who:?} {list}");
        }
        for page in [
            format!("/barn/{}", app.fx.log.child),
            format!("/logger/{}", app.fx.log.log),
            format!("/logger/{}/innsyn", app.fx.log.log),
            format!("/logger/{}/utskrift", app.fx.log.log),
            format!("/enheter/{}/logger", app.fx.unit),
            format!("/enheter/{}/tilgangslogg", app.fx.unit),
            format!("/enheter/{}/tildelte-roller", app.fx.unit),
        ] {
            assert_eq!(admin.get(&page).await.status, 404, "{who:?} {page}");
        }
    }
}
on_every_backend!(
    the_administrator_role_opens_no_child,
    administrators_open_no_child
);
