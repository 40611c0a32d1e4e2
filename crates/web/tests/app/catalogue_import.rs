//! Uploading and downloading the catalogue as the municipality administrator.

use crate::on_every_backend;
use laget_testkit::{Client, TestApp, TestResponse, Who};

fn multipart(fields: &[(&str, &str)], file: Option<(&str, &[u8])>) -> (String, Vec<u8>) {
    let boundary = "----lagettestgrense";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    if let Some((filename, bytes)) = file {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"fil\"; filename=\"{filename}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

async fn upload(
    client: &mut Client,
    path: &str,
    token: &str,
    dry_run: bool,
    file: Option<(&str, &[u8])>,
) -> TestResponse {
    let mut fields = vec![("_csrf", token)];
    if dry_run {
        fields.push(("provekjoring", "ja"));
    }
    let (content_type, body) = multipart(&fields, file);
    let req = axum::http::Request::post(path)
        .header("content-type", content_type)
        .body(axum::body::Body::from(body))
        .unwrap();
    client.request(req).await
}

fn offer_json(external_id: &str, name: &str, age_to: u8, unit: &str) -> String {
    format!(
        r#"{{"external_id":"{external_id}","name":"{name}","provider_unit":"{unit}","description":"Et tilbud.","level":"universell","age_from":0,"age_to":{age_to},"pregnant":false,"challenge_areas":["sprak"],"risk_factors":[],"access":"selvhenvisning","access_requirements":"","contact_person":"","contact_phone":"","contact_email":"","contact_address":"","capacity":"","waiting_weeks":null,"evidence_level":0,"evidence_local":false,"evidence_link":"","cost":"","languages":[],"status":"publisert","valid_from":null,"valid_to":null,"ladder_step":1,"next_steps":[]}}"#
    )
}

async fn round_trip(app: TestApp) {
    let m = app.fx.municipality;
    let page_path = format!("/kommuner/{m}/tiltak");
    let import = format!("/kommuner/{m}/tiltak/import");
    let mut admin = app.client(Who::Kommuneadministrator).await;
    let page = admin.get(&page_path).await;
    assert_eq!(page.status, 200);
    let token = page.csrf().unwrap();

    // No file: the field says so.
    let r = upload(&mut admin, &import, &token, false, None).await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("id=\"fil-error\">Velg en fil"));
    // A missing token is refused for uploads too.
    let r = upload(&mut admin, &import, "feil", false, Some(("t.json", b"[]"))).await;
    assert_eq!(r.status, 400);

    // A bad file: every problem listed, nothing imported.
    let bad = format!(
        "[\n{},\n{},\n{}\n]",
        offer_json("a-1", "Godt tilbud", 5, "Testlia barnehage"),
        offer_json("a-2", "", 5, "Finnes ikke"),
        offer_json("a-1", "Dobbel", 5, "Testlia barnehage")
    );
    let r = upload(
        &mut admin,
        &import,
        &token,
        false,
        Some(("tilbud.json", bad.as_bytes())),
    )
    .await;
    assert_eq!(r.status, 422);
    for expected in [
        "linje 3, felt «name»",
        "linje 3, felt «provider_unit»",
        "ingen enhet i kommunen har dette navnet",
        "linje 4, felt «external_id»",
    ] {
        assert!(
            r.body.contains(expected),
            "{expected} missing from:\n{}",
            r.body
        );
    }
    let mut anon = app.anonymous();
    assert!(
        !anon
            .get("/tiltak?kommune=9001")
            .await
            .body
            .contains("Godt tilbud"),
        "nothing was imported"
    );

    // A dry run tells what would happen and saves nothing.
    let good = format!(
        "[\n{}\n]",
        offer_json("a-1", "Godt tilbud", 5, "Testlia barnehage")
    );
    let r = upload(
        &mut admin,
        &import,
        &token,
        true,
        Some(("tilbud.json", good.as_bytes())),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("Prøvekjøring") && r.body.contains("1 nye"));
    assert!(
        !anon
            .get("/tiltak?kommune=9001")
            .await
            .body
            .contains("Godt tilbud")
    );

    // The real import.
    let r = upload(
        &mut admin,
        &import,
        &token,
        false,
        Some(("tilbud.json", good.as_bytes())),
    )
    .await;
    assert!(
        r.body.contains("Importen er fullført.") && r.body.contains("1 nye"),
        "{}",
        r.body
    );
    assert!(
        anon.get("/tiltak?kommune=9001")
            .await
            .body
            .contains("Godt tilbud")
    );

    // Export (JSON and Excel CSV) and import again: nothing changes.
    for format in ["json", "excel", "csv"] {
        let file = admin
            .get(&format!("/kommuner/{m}/tiltak/eksport?format={format}"))
            .await;
        assert_eq!(file.status, 200);
        assert!(
            file.headers
                .get("content-disposition")
                .unwrap()
                .to_str()
                .unwrap()
                .contains("attachment")
        );
        if format == "excel" {
            assert!(
                file.body.starts_with('\u{feff}')
                    && file.body.lines().next().unwrap().contains(';'),
                "BOM and semicolons"
            );
        }
        let name = if format == "json" {
            "eksport.json"
        } else {
            "eksport.csv"
        };
        let r = upload(
            &mut admin,
            &import,
            &token,
            false,
            Some((name, file.body.as_bytes())),
        )
        .await;
        assert!(
            r.body
                .contains("0 nye, 0 endret, 0 sendt til koordinerende enhet, 2 uendret"),
            "{format}: {}",
            r.body
        );
    }

    // Raising the age of a published offer goes to the coordinating unit.
    let older = format!(
        "[\n{}\n]",
        offer_json("a-1", "Godt tilbud", 9, "Testlia barnehage")
    );
    let r = upload(
        &mut admin,
        &import,
        &token,
        false,
        Some(("tilbud.json", older.as_bytes())),
    )
    .await;
    assert!(
        r.body.contains("1 sendt til koordinerende enhet"),
        "{}",
        r.body
    );
    assert!(
        !anon
            .get("/tiltak?kommune=9001&alder=7")
            .await
            .body
            .contains("Godt tilbud"),
        "the age waits"
    );

    // Other municipalities' administrators do not reach this page.
    let mut other = app.client(Who::OtherKommuneadministrator).await;
    assert_eq!(other.get(&page_path).await.status, 404);
    assert_eq!(
        other
            .get(&format!("/kommuner/{m}/tiltak/eksport?format=json"))
            .await
            .status,
        404
    );
}
on_every_backend!(
    the_administrator_imports_and_exports_the_catalogue,
    round_trip
);

async fn challenge_areas(app: TestApp) {
    let m = app.fx.municipality;
    let mut admin = app.client(Who::Kommuneadministrator).await;
    let r = admin
        .post(
            &format!("/kommuner/{m}/utfordringer"),
            &[("nytt_navn", "Søvn og hvile")],
        )
        .await;
    assert_eq!(r.status, 303);
    let page = admin.get(r.location()).await;
    assert!(
        page.body.contains("Utfordringsområdet er lagt til.")
            && page.body.contains("<code>sovn_og_hvile</code>")
    );
    let again = admin
        .post(
            &format!("/kommuner/{m}/utfordringer"),
            &[("nytt_navn", "Søvn og hvile")],
        )
        .await;
    assert_eq!(again.status, 422);
    assert!(
        again
            .body
            .contains("id=\"nytt_navn-error\">Dette er allerede i bruk.")
    );
    assert!(again.body.contains("value=\"Søvn og hvile\""));
    let empty = admin
        .post(
            &format!("/kommuner/{m}/utfordringer/sprak"),
            &[("navn", " ")],
        )
        .await;
    assert_eq!(empty.status, 422);
    assert!(
        empty
            .body
            .contains("id=\"navn-error\">Dette feltet må fylles ut.")
    );
    assert_eq!(
        admin
            .post(
                &format!("/kommuner/{m}/utfordringer/sprak"),
                &[("navn", "Språk og tale")]
            )
            .await
            .status,
        303
    );
    assert_eq!(
        admin
            .post(
                &format!("/kommuner/{m}/utfordringer/finnes_ikke"),
                &[("navn", "X")]
            )
            .await
            .status,
        404
    );
    // The public filter offers the new and renamed areas.
    let list = app.anonymous().get("/tiltak?kommune=9001").await;
    assert!(
        list.body.contains(">Søvn og hvile</option>")
            && list.body.contains(">Språk og tale</option>")
    );
    // The neighbour municipality's list is its own.
    let theirs = app.anonymous().get("/tiltak?kommune=9002").await;
    assert!(!theirs.body.contains("Søvn og hvile") && theirs.body.contains(">Språk</option>"));
}
on_every_backend!(the_administrator_edits_the_challenge_areas, challenge_areas);
