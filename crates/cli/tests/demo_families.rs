//! The demo's families (issue #12): `laget serve --demo` seeds the guardians
//! and the youth the demo OpenID provider lists (synthetic national
//! identity numbers on the right rows, the sister's log, the youth's own
//! consent and a health entry withheld from his guardians), prints them
//! with the demo logins, and a family logs in end to end: Laget's login
//! page, the demo provider's page, the code exchanged by Laget's server at
//! the provider, a citizen session. Runs on SQLite, and on PostgreSQL too
//! when `DATABASE_URL` is set.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use diesel::prelude::*;
use laget_domain::children::national_id::NationalId;
use laget_web::oidc::demo_provider::{DemoKind, PERSONS};
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A fresh database for one test, as `LAGET__DATABASE__URL`.
struct TestDb {
    url: String,
    dir: std::path::PathBuf,
    pg: Option<(String, String)>,
}

impl TestDb {
    fn all() -> Vec<Self> {
        let dir = std::env::temp_dir().join(format!("laget-fam-{}", uuid::Uuid::now_v7().simple()));
        std::fs::create_dir_all(&dir).unwrap();
        let mut all = vec![Self {
            url: dir.join("laget.sqlite3").to_string_lossy().into_owned(),
            dir,
            pg: None,
        }];
        if let Ok(base) = std::env::var("DATABASE_URL")
            && !base.is_empty()
        {
            let schema = format!("fam_{}", uuid::Uuid::now_v7().simple());
            laget_db::Db::connect_in_schema(&base, Some(&schema)).unwrap();
            let sep = if base.contains('?') { '&' } else { '?' };
            let dir = std::env::temp_dir().join(format!("laget-fam-{schema}"));
            std::fs::create_dir_all(&dir).unwrap();
            all.push(Self {
                url: format!("{base}{sep}options=-c%20search_path%3D{schema}"),
                dir,
                pg: Some((base, schema)),
            });
        }
        all
    }

    /// `laget serve --demo` on `port`; what it printed up to the end of the
    /// family logins.
    fn serve_demo(&self, port: u16) -> (Child, Vec<String>) {
        let mut child = Command::new(env!("CARGO_BIN_EXE_laget"))
            .args(["serve", "--demo", "--listen", &format!("127.0.0.1:{port}")])
            .current_dir(&self.dir)
            .env("LAGET__DATABASE__URL", &self.url)
            .env("LAGET__LOG__FILTER", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let out = child.stdout.take().unwrap();
        let mut lines = BufReader::new(out).lines();
        let deadline = Instant::now() + Duration::from_secs(120);
        let mut printed = Vec::new();
        let mut in_families = false;
        loop {
            assert!(Instant::now() < deadline, "server did not start");
            match lines.next() {
                Some(Ok(line)) => {
                    if line.contains("choose one of these") {
                        in_families = true;
                    } else if in_families && line.trim().is_empty() {
                        break;
                    }
                    printed.push(line);
                }
                _ => panic!("server exited before it was ready: {printed:?}"),
            }
        }
        std::thread::spawn(move || for _ in lines {});
        (child, printed)
    }

    fn db(&self) -> laget_db::Db {
        laget_db::Db::connect(&self.url).unwrap()
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

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A browser for the running server: one request per connection, cookies
/// kept by name.
struct Browser {
    port: u16,
    cookies: BTreeMap<String, String>,
}

impl Browser {
    fn request(&mut self, method: &str, path: &str, body: &str) -> (u16, String, String) {
        let mut s = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        let cookie = self
            .cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ");
        let req = format!(
            "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nCookie: {cookie}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            self.port,
            body.len()
        );
        s.write_all(req.as_bytes()).unwrap();
        let mut raw = String::new();
        s.read_to_string(&mut raw).unwrap();
        let (head, body) = raw.split_once("\r\n\r\n").unwrap_or((&raw, ""));
        let status = head
            .split(' ')
            .nth(1)
            .and_then(|c| c.parse().ok())
            .unwrap_or(0);
        for line in head.lines() {
            if let Some((name, value)) = line.split_once(':')
                && name.eq_ignore_ascii_case("set-cookie")
            {
                let pair = value.trim().split(';').next().unwrap_or("");
                if let Some((k, v)) = pair.split_once('=') {
                    if v.is_empty() || value.contains("Max-Age=0") {
                        self.cookies.remove(k);
                    } else {
                        self.cookies.insert(k.to_owned(), v.to_owned());
                    }
                }
            }
        }
        (status, head.to_owned(), body.to_owned())
    }

    /// The path of the redirect, on this server.
    fn location(&self, head: &str) -> String {
        let value = head
            .lines()
            .find_map(|l| {
                l.split_once(':')
                    .filter(|(n, _)| n.eq_ignore_ascii_case("location"))
                    .map(|(_, v)| v.trim().to_owned())
            })
            .unwrap_or_else(|| panic!("no redirect: {head}"));
        value
            .strip_prefix(&format!("http://127.0.0.1:{}", self.port))
            .map(str::to_owned)
            .unwrap_or(value)
    }

    /// Logs in through «Logg inn med ID-porten (demo)» as the demo person
    /// `key`; the last response (Laget's callback).
    fn family_login(&mut self, key: &str) -> (u16, String, String) {
        let (status, _, page) = self.request("GET", "/familie/logg-inn", "");
        assert_eq!(status, 200);
        assert!(page.contains("Logg inn med ID-porten"), "the login button");
        let body = format!("_csrf={}&neste=%2Ffamilie", field(&page, "_csrf"));
        let (status, head, _) = self.request("POST", "/familie/logg-inn", &body);
        assert_eq!(status, 303, "{head}");
        let authorize = self.location(&head);
        assert!(
            authorize.starts_with("/demo-idporten/authorize?"),
            "{authorize}"
        );
        let (status, _, page) = self.request("GET", &authorize, "");
        assert_eq!(status, 200);
        assert!(page.contains("Demo-innlogging (ikke ID-porten)"));
        let mut form: Vec<(String, String)> = hidden_fields(&page);
        form.push(("person".into(), key.into()));
        form.push(("niva".into(), "idporten-loa-high".into()));
        let body = serde_urlencoded_pairs(&form);
        let (status, head, body) = self.request("POST", "/demo-idporten/authorize", &body);
        assert_eq!(status, 303, "{head}{body}");
        let callback = self.location(&head);
        assert!(
            callback.starts_with("/innlogging/tilbake?code="),
            "{callback}"
        );
        self.request("GET", &callback, "")
    }
}

fn unescape(s: &str) -> String {
    s.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// The value of the input named `name`.
fn field(page: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = page.find(&marker).unwrap_or_else(|| panic!("no {name}")) + marker.len();
    unescape(&page[start..start + page[start..].find('"').unwrap()])
}

/// Every hidden input of the page, in order.
fn hidden_fields(page: &str) -> Vec<(String, String)> {
    page.split("<input type=\"hidden\" name=\"")
        .skip(1)
        .filter_map(|rest| {
            let (name, rest) = rest.split_once('"')?;
            let rest = rest.strip_prefix(" value=\"")?;
            let value = &rest[..rest.find('"')?];
            Some((name.to_owned(), unescape(value)))
        })
        .collect()
}

fn serde_urlencoded_pairs(pairs: &[(String, String)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// (child's name, guardian's name, parental responsibility) of every
/// guardian with a national identity number `number`.
fn guardians_with(c: &mut laget_db::DbConnection, number: &str) -> Vec<(String, String, bool)> {
    use laget_db::schema::{children, guardians};
    guardians::table
        .inner_join(children::table)
        .filter(guardians::national_id.eq(number))
        .select((
            children::name,
            guardians::name,
            guardians::parental_responsibility,
        ))
        .order(children::name)
        .load(c)
        .unwrap()
}

fn number_of(person: usize) -> String {
    PERSONS[person]
        .guardian_number()
        .unwrap()
        .expose()
        .to_owned()
}

#[test]
fn the_demo_seeds_the_families_and_a_family_logs_in_through_the_demo_provider() {
    use laget_db::schema::{
        access_log, children, citizens, consents, log_entries, logs, municipalities,
    };
    for db in TestDb::all() {
        let port = free_port();
        let (mut server, printed) = db.serve_demo(port);
        let printed = printed.join("\n");
        // The family logins are printed with the others.
        for p in PERSONS {
            assert!(printed.contains(p.name), "{} is printed: {printed}", p.name);
        }
        assert!(printed.contains("/familie/logg-inn"), "{printed}");

        let handle = db.db();
        let mut c = handle.conn().unwrap();
        // The mother: both her children's guardian rows, with responsibility.
        assert_eq!(
            guardians_with(&mut c, &number_of(0)),
            vec![
                ("Emma Haugland".into(), "Silje Haugland".into(), true),
                ("Filip Haugland".into(), "Silje Haugland".into(), true),
            ]
        );
        // Emma has a log of her own at level 1; Filip's is at level 2.
        let levels: Vec<(String, i32)> = logs::table
            .inner_join(children::table)
            .filter(children::name.eq_any(["Emma Haugland", "Filip Haugland"]))
            .select((children::name, logs::level))
            .order(children::name)
            .load(&mut c)
            .unwrap();
        assert_eq!(
            levels,
            vec![("Emma Haugland".into(), 1), ("Filip Haugland".into(), 2)]
        );
        // The father without parental responsibility.
        assert_eq!(
            guardians_with(&mut c, &number_of(1)),
            vec![("Noah Bakkerud".into(), "Tom Erik Vold".into(), false)]
        );
        // The neighbour's mother, in «Nabo kommune» (nynorsk).
        let neighbour: Vec<(String, String)> = {
            use laget_db::schema::guardians;
            guardians::table
                .inner_join(children::table)
                .inner_join(
                    municipalities::table.on(municipalities::id.eq(children::municipality_id)),
                )
                .filter(guardians::national_id.eq(number_of(3)))
                .select((children::name, municipalities::written_standard))
                .load(&mut c)
                .unwrap()
        };
        assert_eq!(neighbour, vec![("Eirik Haugland".into(), "nn".into())]);
        // The youth: a synthetic number matching a birth 16 years ago, his
        // own consent, and a health entry withheld from his guardians.
        let DemoKind::Youth { child } = PERSONS[2].kind else {
            panic!("the third person is the youth")
        };
        let (child_id, number, birth): (String, Option<String>, String) = children::table
            .filter(children::name.eq(child))
            .select((children::id, children::national_id, children::birth_date))
            .first(&mut c)
            .unwrap();
        let number = NationalId::parse(&number.expect("the youth has a number")).unwrap();
        assert!(number.is_synthetic());
        let born = chrono::NaiveDate::parse_from_str(&birth, "%Y-%m-%d").unwrap();
        assert_eq!(number.birth_date(), Some(born));
        let today = chrono::Utc::now().date_naive();
        let age = today.years_since(born).unwrap();
        assert_eq!(age, 16, "the youth is 16");
        let log: String = logs::table
            .filter(logs::child_id.eq(&child_id))
            .select(logs::id)
            .first(&mut c)
            .unwrap();
        let givers: Vec<String> = consents::table
            .filter(consents::log_id.eq(&log))
            .select(consents::givers)
            .load(&mut c)
            .unwrap();
        assert_eq!(givers.len(), 1, "{givers:?}");
        assert!(givers[0].contains("ungdom"), "{givers:?}");
        assert!(!givers[0].contains('-'), "no guardian signed: {givers:?}");
        let hidden: Vec<Option<String>> = log_entries::table
            .filter(log_entries::log_id.eq(&log))
            .filter(log_entries::family_hidden.is_not_null())
            .select(log_entries::family_hidden)
            .load(&mut c)
            .unwrap();
        assert_eq!(hidden, vec![Some("helse_ungdom".to_owned())]);

        // End to end: the mother logs in through the demo provider and
        // lands in a citizen session on the family's page.
        let mut browser = Browser {
            port,
            cookies: BTreeMap::new(),
        };
        let (status, head, body) = browser.family_login("mor");
        assert_eq!(status, 303, "{head}{body}");
        assert_eq!(browser.location(&head), "/familie");
        let (status, head, _) = browser.request("GET", "/familie", "");
        assert_eq!(status, 200, "a citizen session: {head}");
        let known: Vec<String> = citizens::table
            .select(citizens::national_id)
            .load(&mut c)
            .unwrap();
        assert_eq!(known, vec![number_of(0)]);
        // The youth too, with his own number.
        let mut youth = Browser {
            port,
            cookies: BTreeMap::new(),
        };
        let (status, head, _) = youth.family_login("ungdom");
        assert_eq!(status, 303, "{head}");
        assert_eq!(youth.request("GET", "/familie", "").0, 200);
        let known: i64 = citizens::table
            .filter(citizens::national_id.eq(number.expose()))
            .count()
            .get_result(&mut c)
            .unwrap();
        assert_eq!(known, 1);

        // Seeding again changes nothing, and writes no access-log rows of
        // its own.
        server.kill().unwrap();
        server.wait().unwrap();
        let rows: i64 = access_log::table.count().get_result(&mut c).unwrap();
        let (mut server, _) = db.serve_demo(free_port());
        server.kill().unwrap();
        server.wait().unwrap();
        assert_eq!(
            access_log::table.count().get_result::<i64>(&mut c).unwrap(),
            rows
        );
        assert_eq!(guardians_with(&mut c, &number_of(0)).len(), 2);
    }
}
