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
    assert!(r.body.contains("Prøvekjøring") && r.body.contains("1 opprettet"));
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
        r.body.contains("Importen er fullført.") && r.body.contains("1 opprettet"),
        "{}",
        r.body
    );
    // Issue 15 item 14: one offer's line reads «opprettet», not «nye».
    assert!(
        r.body.contains("Godt tilbud – opprettet") && !r.body.contains("– nye"),
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
                .contains("0 opprettet, 0 endret, 0 sendt til koordinerende enhet, 2 uendret"),
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

/// A CSV file in the import format: the header, then `rows`.
fn csv_file(rows: &[String]) -> String {
    let mut text = laget_domain::catalogue::io::COLUMNS.join(",");
    text.push('\n');
    for row in rows {
        text.push_str(row);
        text.push('\n');
    }
    text
}

/// One CSV row of a good offer with `description`.
fn csv_row(external_id: &str, description: &str) -> String {
    format!(
        "{external_id},Stort tilbud,Testlia barnehage,{description},universell,0,5,false,sprak,,selvhenvisning,,,,,,,,0,false,,,,publisert,,,1,"
    )
}

fn offers_in(app: &TestApp) -> i64 {
    use diesel::prelude::*;
    use laget_db::schema::offers;
    let m = app.fx.municipality.to_string();
    app.with_conn(|c| {
        offers::table
            .filter(offers::municipality_id.eq(&m))
            .count()
            .get_result(c)
            .unwrap()
    })
}

/// The items of the import's error summary.
fn listed_problems(body: &str) -> usize {
    let start = body.find("id=\"importfeil\"").expect("an error summary");
    let end = start + body[start..].find("</div>").unwrap();
    body[start..end].matches("<li>").count()
}

async fn upload_limits(app: TestApp) {
    const MIB: usize = 1024 * 1024;
    let m = app.fx.municipality;
    let import = format!("/kommuner/{m}/tiltak/import");
    let mut admin = app.client(Who::Kommuneadministrator).await;
    let token = admin
        .get(&format!("/kommuner/{m}/tiltak"))
        .await
        .csrf()
        .unwrap();
    let before = offers_in(&app);

    // 3 MiB and a file of exactly 8 MiB are read and checked: the long
    // description is the problem, not the size of the upload.
    for size in [3 * MIB, 8 * MIB] {
        let head = csv_file(&[csv_row("stor-1", "")]);
        let padding = size - head.len();
        let file = csv_file(&[csv_row("stor-1", &"a".repeat(padding))]);
        assert_eq!(file.len(), size);
        let r = upload(
            &mut admin,
            &import,
            &token,
            false,
            Some(("stor.csv", file.as_bytes())),
        )
        .await;
        assert_eq!(
            r.status,
            422,
            "{size} bytes: {}",
            &r.body[..r.body.len().min(500)]
        );
        assert!(
            r.body
                .contains("linje 2, felt «description»: Teksten er for lang."),
            "{size} bytes"
        );
    }

    // 9 MiB: refused with the Norwegian page, as HTML, with or without a
    // Content-Length.
    let file = csv_file(&[csv_row("stor-1", &"a".repeat(9 * MIB))]);
    for with_length in [false, true] {
        let (content_type, body) =
            multipart(&[("_csrf", &token)], Some(("stor.csv", file.as_bytes())));
        let mut req = axum::http::Request::post(&import).header("content-type", content_type);
        if with_length {
            req = req.header("content-length", body.len());
        }
        let r = admin
            .request(req.body(axum::body::Body::from(body)).unwrap())
            .await;
        assert_eq!(r.status, 413);
        let content_type = r.headers.get("content-type").unwrap().to_str().unwrap();
        assert!(content_type.starts_with("text/html"), "{content_type}");
        assert!(r.body.contains("For mye data"), "{}", r.body);
        assert!(r.body.contains("høyst 8 MB"));
        assert!(r.body.contains("lang=\"nb\""));
    }
    assert_eq!(offers_in(&app), before, "nothing was imported");
}
on_every_backend!(
    uploads_up_to_8_mib_are_read_and_larger_ones_get_a_norwegian_page,
    upload_limits
);

async fn junk(app: TestApp) {
    let m = app.fx.municipality;
    let import = format!("/kommuner/{m}/tiltak/import");
    let mut admin = app.client(Who::Kommuneadministrator).await;
    let token = admin
        .get(&format!("/kommuner/{m}/tiltak"))
        .await
        .csrf()
        .unwrap();
    let before = offers_in(&app);

    // Rows that cannot be read at all: one problem each.
    let rows: Vec<String> = (0..2000).map(|i| format!("søppel {i}")).collect();
    let r = upload(
        &mut admin,
        &import,
        &token,
        false,
        Some(("søppel.csv", csv_file(&rows).as_bytes())),
    )
    .await;
    assert_eq!(r.status, 422);
    assert_eq!(
        listed_problems(&r.body),
        100,
        "the first hundred are listed"
    );
    assert!(r.body.contains("linje 2: kan ikke leses"));
    assert!(r.body.contains("linje 101: kan ikke leses"));
    assert!(!r.body.contains("linje 102: kan ikke leses"));
    assert!(
        r.body.contains("… og 1900 flere feil."),
        "and the rest counted"
    );

    // Rows of the right shape, every value wrong: many problems a row.
    let rows: Vec<String> = (0..3000)
        .map(|i| {
            let cells: Vec<String> = (0..laget_domain::catalogue::io::COLUMNS.len())
                .map(|c| format!("x{i}-{c}"))
                .collect();
            cells.join(",")
        })
        .collect();
    let r = upload(
        &mut admin,
        &import,
        &token,
        true,
        Some(("søppel.csv", csv_file(&rows).as_bytes())),
    )
    .await;
    assert_eq!(r.status, 422);
    assert_eq!(listed_problems(&r.body), 100);
    let more = r
        .body
        .split("… og ")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .and_then(|n| n.parse::<usize>().ok())
        .expect("a count of the rest");
    assert!(more > 3000, "several problems a row: {more}");
    assert!(
        r.body.len() < 200_000,
        "the page stays small: {} bytes",
        r.body.len()
    );
    assert_eq!(offers_in(&app), before, "nothing was imported");
}
on_every_backend!(
    a_junk_file_lists_the_first_hundred_problems_and_counts_the_rest,
    junk
);

async fn plain_csv_guards_formulas(app: TestApp) {
    let m = app.fx.municipality;
    let mut admin = app.client(Who::Kommuneadministrator).await;
    // The fixture offer's phone starts with «+», which a spreadsheet would
    // run as a formula.
    for format in ["csv", "excel"] {
        let file = admin
            .get(&format!("/kommuner/{m}/tiltak/eksport?format={format}"))
            .await;
        assert_eq!(file.status, 200);
        assert!(
            file.body.contains("'+47 400 00 000"),
            "{format}: {}",
            file.body
        );
        assert!(!file.body.contains(",+47") && !file.body.contains(";+47"));
    }
    // (The round trip back through the import is in
    // `the_administrator_imports_and_exports_the_catalogue`.)
}
on_every_backend!(
    the_plain_csv_export_guards_formula_cells_too,
    plain_csv_guards_formulas
);

/// Issue 15 items 6 and 14: an `http://` evidence link is refused in an
/// import as in the form; the page explains the columns in Norwegian and
/// offers an empty template.
async fn import_help_and_https(app: TestApp) {
    let m = app.fx.municipality;
    let page_path = format!("/kommuner/{m}/tiltak");
    let import = format!("/kommuner/{m}/tiltak/import");
    let mut admin = app.client(Who::Kommuneadministrator).await;
    let page = admin.get(&page_path).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Kolonnene i filen"), "{}", page.body);
    assert!(page.body.contains("Fra alder: et helt tall fra 0 til 25."));
    assert!(page.body.contains("<code>next_steps</code>"));
    let lead = page.body.split("</h1>").nth(1).unwrap_or_default();
    let lead = &lead[..lead.find("</p>").unwrap_or(0)];
    assert!(
        !lead.contains("external_id"),
        "the lead speaks Norwegian: {lead}"
    );
    let template = admin
        .get(&format!("/kommuner/{m}/tiltak/eksport?format=mal"))
        .await;
    assert_eq!(template.status, 200);
    assert_eq!(
        template.body.trim_start_matches('\u{feff}').trim_end(),
        laget_domain::catalogue::io::COLUMNS.join(";"),
        "the template is the header row only"
    );
    let token = page.csrf().unwrap();
    let file = format!(
        "[\n{}\n]",
        offer_json("h-1", "Lenketilbud", 5, "Testlia barnehage")
    )
    .replace(
        "\"evidence_link\":\"\"",
        "\"evidence_link\":\"http://ungsinn.no/tiltak\"",
    );
    assert!(file.contains("http://ungsinn.no"));
    let r = upload(
        &mut admin,
        &import,
        &token,
        false,
        Some(("lenke.json", file.as_bytes())),
    )
    .await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(
        r.body
            .contains("felt «evidence_link»: Skriv en nettadresse som begynner med https://."),
        "{}",
        r.body
    );
    // Issue 15 item 14: number problems name the allowed range and the value.
    let file = format!(
        "[\n{}\n]",
        offer_json("h-2", "Talltilbud", 30, "Testlia barnehage")
    )
    .replace("\"risk_factors\":[]", "\"risk_factors\":[9]");
    let r = upload(
        &mut admin,
        &import,
        &token,
        false,
        Some(("tall.json", file.as_bytes())),
    )
    .await;
    assert_eq!(r.status, 422, "{}", r.body);
    for expected in [
        "felt «age_to»: 30 er utenfor det tillatte. Skriv et helt tall fra 0 til 25.",
        "felt «risk_factors»: 9 er utenfor det tillatte. Skriv et helt tall fra 1 til 8.",
    ] {
        assert!(r.body.contains(expected), "{expected}: {}", r.body);
    }
}
on_every_backend!(
    imports_refuse_http_links_and_explain_the_columns,
    import_help_and_https
);
