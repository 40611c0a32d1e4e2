//! A real SMTP server for the mail tests: `tests/mail/smtp_sink.py`
//! (aiosmtpd) on a free port of 127.0.0.1, run by the Python of the venv
//! that `make deps` makes (`target/mail-venv`, from
//! `tests/mail/requirements.txt`). Each message it receives is read back as
//! JSON ([`SmtpSink::messages`]): envelope, headers, text and the calendar
//! parts parsed by the `icalendar` package.
//!
//! Missing Python or packages fail the test with how to install them; a
//! mail test never skips quietly. `LAGET_TEST_PYTHON` names another Python
//! that has the packages.

use std::io::{BufRead, BufReader, Read};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::time::{Duration, Instant};

/// How to get what the sink needs, said whenever it cannot start.
pub const INSTALL_HINT: &str = "the mail tests need Python 3 with aiosmtpd and icalendar: run \
     `make deps` (it makes target/mail-venv from tests/mail/requirements.txt), or set \
     LAGET_TEST_PYTHON to a Python that has them";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The Python to run the sink with.
pub fn python() -> PathBuf {
    match std::env::var_os("LAGET_TEST_PYTHON") {
        Some(p) if !p.is_empty() => PathBuf::from(p),
        _ => root().join("target/mail-venv/bin/python"),
    }
}

/// A running SMTP sink; stopped and its folder removed when dropped.
pub struct SmtpSink {
    child: Child,
    /// Closing it tells the sink to stop.
    stdin: Option<ChildStdin>,
    port: u16,
    dir: PathBuf,
}

impl SmtpSink {
    /// Starts a sink that accepts every message.
    pub fn start() -> Self {
        Self::spawn(false)
    }

    /// Starts a sink that refuses every recipient for good (550).
    pub fn refusing() -> Self {
        Self::spawn(true)
    }

    fn spawn(refuse: bool) -> Self {
        let python = python();
        assert!(
            python.exists(),
            "no Python at {}: {INSTALL_HINT}",
            python.display()
        );
        let dir = std::env::temp_dir().join(format!("laget-smtp-{}", uuid::Uuid::now_v7()));
        std::fs::create_dir_all(&dir).expect("the sink's folder");
        let mut command = Command::new(&python);
        command
            .arg(root().join("tests/mail/smtp_sink.py"))
            .arg(&dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        if refuse {
            command.arg("--refuse");
        }
        let mut child = command
            .spawn()
            .unwrap_or_else(|e| panic!("cannot run {}: {e}; {INSTALL_HINT}", python.display()));
        let stdin = child.stdin.take();
        let stdout = child.stdout.take().expect("the sink's stdout");
        let mut line = String::new();
        let read = BufReader::new(stdout).read_line(&mut line);
        let port = line
            .trim()
            .strip_prefix("READY ")
            .and_then(|p| p.parse::<u16>().ok());
        let Some(port) = port else {
            let _ = child.kill();
            let mut err = String::new();
            if let Some(mut e) = child.stderr.take() {
                let _ = e.read_to_string(&mut err);
            }
            let _ = child.wait();
            panic!(
                "the SMTP sink did not start ({read:?}, said {line:?}): {}\n{INSTALL_HINT}",
                err.trim()
            );
        };
        SmtpSink {
            child,
            stdin,
            port,
            dir,
        }
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The messages received so far, oldest first, as the sink described
    /// them.
    pub fn messages(&self) -> Vec<serde_json::Value> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(&self.dir)
            .expect("the sink's folder")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .collect();
        files.sort();
        files
            .iter()
            .map(|f| {
                let text = std::fs::read_to_string(f).expect("a message's JSON");
                let value: serde_json::Value =
                    serde_json::from_str(&text).expect("the sink writes JSON");
                assert!(
                    value.get("error").is_none(),
                    "the sink could not read a message: {value}"
                );
                value
            })
            .collect()
    }

    /// The raw message `n` (0 = the first), as received.
    pub fn raw(&self, n: usize) -> String {
        std::fs::read_to_string(self.dir.join(format!("{:04}.eml", n + 1))).expect("a message")
    }

    /// Waits until at least `count` messages have arrived (at most 10 s).
    pub async fn wait_for(&self, count: usize) -> Vec<serde_json::Value> {
        let start = Instant::now();
        loop {
            let got = self.messages();
            if got.len() >= count {
                return got;
            }
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "waited 10 s for {count} message(s), got {}",
                got.len()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        drop(self.stdin.take());
        let deadline = Instant::now() + Duration::from_secs(2);
        while Instant::now() < deadline {
            if matches!(self.child.try_wait(), Ok(Some(_))) {
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A port on 127.0.0.1 that nothing listens on (bound, then let go), for
/// the tests of an SMTP server that is down.
pub fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
    listener.local_addr().expect("its address").port()
}
