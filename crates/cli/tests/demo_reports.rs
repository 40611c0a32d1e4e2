//! The demo's reports of concern (issue #13): `laget serve --demo` seeds
//! reports in every state through the pages' db functions, and every
//! message it stores validates against the published KS Fiks «offentlig
//! bekymringsmelding» v2 schema — checked by the independent encoding of
//! the schema in `crates/web/tests/app/fiks_schema/rules.rs` (shared here
//! with `#[path]`). The server delivers the sent ones to the demo's file
//! drop (`data/bekymringsmeldinger` under its working directory), and those
//! files validate too. Runs on SQLite, and on PostgreSQL too when
//! `DATABASE_URL` is set.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "../../web/tests/app/fiks_schema/rules.rs"]
mod rules;

use diesel::prelude::*;
use laget_db::schema::{districts, report_feedback, report_settings, reports, units};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

struct TestDb {
    url: String,
    dir: std::path::PathBuf,
    pg: Option<(String, String)>,
}

impl TestDb {
    fn all() -> Vec<Self> {
        let dir = std::env::temp_dir().join(format!("laget-rep-{}", uuid::Uuid::now_v7().simple()));
        std::fs::create_dir_all(&dir).unwrap();
        let mut all = vec![Self {
            url: dir.join("laget.sqlite3").to_string_lossy().into_owned(),
            dir,
            pg: None,
        }];
        if let Ok(base) = std::env::var("DATABASE_URL")
            && !base.is_empty()
        {
            let schema = format!("rep_{}", uuid::Uuid::now_v7().simple());
            laget_db::Db::connect_in_schema(&base, Some(&schema)).unwrap();
            let sep = if base.contains('?') { '&' } else { '?' };
            let dir = std::env::temp_dir().join(format!("laget-rep-{schema}"));
            std::fs::create_dir_all(&dir).unwrap();
            all.push(Self {
                url: format!("{base}{sep}options=-c%20search_path%3D{schema}"),
                dir,
                pg: Some((base, schema)),
            });
        }
        all
    }

    /// `laget serve --demo`; what it printed up to the line about reports.
    fn serve_demo(&self) -> (Child, Vec<String>) {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let mut child = Command::new(env!("CARGO_BIN_EXE_laget"))
            .args(["serve", "--demo", "--listen", &format!("127.0.0.1:{port}")])
            .current_dir(&self.dir)
            .env("LAGET__DATABASE__URL", &self.url)
            .env("LAGET__LOG__FILTER", "warn")
            .env("LAGET__OUTBOX__POLL_SECONDS", "1")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let deadline = Instant::now() + Duration::from_secs(180);
        let mut printed = Vec::new();
        loop {
            assert!(Instant::now() < deadline, "server did not start");
            match lines.next() {
                Some(Ok(line)) => {
                    let done = line.starts_with("Reports of concern");
                    printed.push(line);
                    if done {
                        break;
                    }
                }
                _ => panic!("server exited before it was ready: {printed:?}"),
            }
        }
        std::thread::spawn(move || for _ in lines {});
        (child, printed)
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
        if let Some((url, schema)) = &self.pg {
            let _ = laget_db::Db::drop_schema(url, schema);
        }
    }
}

type Row = (
    String,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<i64>,
);

#[test]
fn the_demos_reports_validate_against_the_schema_and_reach_the_file_drop() {
    for db in TestDb::all() {
        let (mut server, printed) = db.serve_demo();
        let drop_dir = db.dir.join("data/bekymringsmeldinger");
        assert!(
            printed
                .iter()
                .any(|l| l.contains("KS Fiks messages to data/bekymringsmeldinger")),
            "{printed:?}"
        );
        // The worker delivers the sent reports (three) to the file drop.
        let deadline = Instant::now() + Duration::from_secs(60);
        let count = || {
            std::fs::read_dir(&drop_dir)
                .map(|d| {
                    d.filter_map(Result::ok)
                        .filter(|e| {
                            let n = e.file_name().to_string_lossy().into_owned();
                            n.ends_with(".json") && !n.ends_with(".meta.json")
                        })
                        .count()
                })
                .unwrap_or(0)
        };
        while count() < 3 && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(200));
        }
        std::thread::sleep(Duration::from_millis(1500));
        server.kill().unwrap();
        server.wait().unwrap();

        let store = laget_db::Db::connect(&db.url).unwrap();
        let rows: Vec<Row> = store
            .read_blocking(|c| {
                Ok(reports::table
                    .select((
                        reports::id,
                        reports::status,
                        reports::log_id,
                        reports::message,
                        reports::outcome,
                        reports::delivery_channel,
                        reports::delivered_at,
                    ))
                    .load(c)?)
            })
            .unwrap();
        let status = |s: &str| rows.iter().filter(|r| r.1 == s).count();
        assert_eq!(status("utkast"), 1, "a draft");
        assert_eq!(status("til_medsignering"), 1, "one waiting for the leader");
        assert_eq!(status("sendt"), 1, "one sent, not yet received");
        assert_eq!(status("mottatt"), 2, "two received");
        assert!(
            rows.iter().any(|r| r.1 == "mottatt"
                && r.2.is_some()
                && r.4.as_deref() == Some("undersokelse")),
            "the level-3 log's report: an investigation opened"
        );
        assert!(
            rows.iter().any(|r| r.1 == "sendt" && r.2.is_none()),
            "a child without a log"
        );

        // Every stored message validates against the schema.
        let sent: Vec<&Row> = rows.iter().filter(|r| r.3.is_some()).collect();
        assert_eq!(sent.len(), 3, "a message for every sent report");
        for r in &sent {
            let problems = rules::check_text(r.3.as_deref().unwrap());
            assert!(problems.is_empty(), "report {}: {problems:#?}", r.0);
        }
        assert!(
            rows.iter()
                .filter(|r| matches!(r.1.as_str(), "utkast" | "til_medsignering"))
                .all(|r| r.3.is_none()),
            "no message before sending"
        );

        // Delivered through the file drop: the same message, valid, with
        // its metadata; marked on the report.
        for r in &sent {
            let path = drop_dir.join(format!("{}.json", r.0));
            let written = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            assert_eq!(Some(written.as_str()), r.3.as_deref());
            assert!(rules::check_text(&written).is_empty());
            let meta: serde_json::Value = serde_json::from_str(
                &std::fs::read_to_string(drop_dir.join(format!("{}.meta.json", r.0))).unwrap(),
            )
            .unwrap();
            assert_eq!(
                meta["meldingstype"],
                "no.ks.fiks.bekymringsmelding.offentlig.v2"
            );
            assert_eq!(r.5.as_deref(), Some("fil"));
            assert!(r.6.is_some());
        }

        // The settings the demo needs: org numbers and addresses on every
        // unit, the districts, the co-signature rule, feedback rows.
        let (missing, districts, rule, feedback): (i64, i64, Option<String>, i64) = store
            .read_blocking(|c| {
                Ok((
                    units::table
                        .filter(
                            units::org_number
                                .is_null()
                                .or(units::address_line.is_null()),
                        )
                        .count()
                        .get_result(c)?,
                    districts::table.count().get_result(c)?,
                    report_settings::table
                        .select(report_settings::cosign)
                        .first(c)
                        .optional()?,
                    report_feedback::table.count().get_result(c)?,
                ))
            })
            .unwrap();
        assert_eq!(missing, 0, "every demo unit has an org number and address");
        assert_eq!(districts, 3);
        assert_eq!(rule.as_deref(), Some("valgfri"));
        assert_eq!(feedback, 3, "two receipts and one investigation");
        let orgs: Vec<Option<String>> = store
            .read_blocking(|c| Ok(units::table.select(units::org_number).load(c)?))
            .unwrap();
        for o in orgs.into_iter().flatten() {
            assert!(o.len() == 9 && o.starts_with("999"), "{o}");
        }

        // A second start changes nothing.
        let (mut again, _) = db.serve_demo();
        again.kill().unwrap();
        again.wait().unwrap();
        let n: i64 = store
            .read_blocking(|c| Ok(reports::table.count().get_result(c)?))
            .unwrap();
        assert_eq!(n, 5);
    }
}

#[test]
fn the_schema_rules_read_here_are_the_web_tests() {
    // The shared file is read, not a copy: a broken message fails here too.
    assert!(!rules::check(&serde_json::json!({})).is_empty());
    assert!(rules::matches_ecma(rules::EMAIL, "a@b.no"));
}
