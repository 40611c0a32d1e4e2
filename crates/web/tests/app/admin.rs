//! Municipality administration: units and users, through the pages.

use crate::on_every_backend;
use laget_db::access_log;
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
