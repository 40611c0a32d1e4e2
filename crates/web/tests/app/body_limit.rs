//! Too large bodies over a real connection (#14, stranger14 F2): the router
//! served by hyper on a TCP port, as `laget serve` serves it, and a raw
//! client that writes its body in chunks, the way a proxy forwards one. A
//! request over a limit must get its whole answer (Laget's own page) with
//! no reset while the client is still writing, and the connection must
//! stay usable; behind nginx a reset is a 502 and the instance counted as
//! failed.

use laget_testkit::TestApp;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

/// One request's body, as the client sends it.
enum Sent {
    /// `Content-Length` and this many bytes, in 64 KiB chunks.
    Length(usize),
    /// `Transfer-Encoding: chunked` and this many bytes, 64 KiB a chunk.
    Chunked(usize),
    /// A `Content-Length` of this many bytes, and none of them sent.
    HeadOnly(usize),
}

const CHUNK: usize = 64 * 1024;

/// What is sent, and what must come back: the case, the method, headers,
/// the body, the status, a text on the page.
type Case = (
    &'static str,
    &'static str,
    Vec<(&'static str, &'static str)>,
    Sent,
    u16,
    &'static str,
);

/// A response as read off the connection: the head (status line and
/// headers, lower case) and the body.
struct Answer {
    status: u16,
    head: String,
    body: String,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.head.lines().find_map(|line| {
            let (n, v) = line.split_once(':')?;
            (n == name).then_some(v.trim())
        })
    }
}

/// Reads one response with a `Content-Length` body off `stream`.
fn read_answer(stream: &mut TcpStream) -> Result<Answer, String> {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        match stream.read(&mut byte) {
            Ok(0) => {
                return Err(format!(
                    "closed before the end of the head: {:?}",
                    String::from_utf8_lossy(&head)
                ));
            }
            Ok(_) => head.push(byte[0]),
            Err(e) => return Err(format!("reading the head: {e}")),
        }
    }
    let head = String::from_utf8_lossy(&head).to_lowercase();
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| format!("no status: {head:?}"))?;
    let mut answer = Answer {
        status,
        head,
        body: String::new(),
    };
    let length: usize = answer
        .header("content-length")
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| format!("no content-length: {:?}", answer.head))?;
    let mut body = vec![0u8; length];
    stream
        .read_exact(&mut body)
        .map_err(|e| format!("reading the body: {e}"))?;
    answer.body = String::from_utf8_lossy(&body).into_owned();
    Ok(answer)
}

/// Sends one request on a new connection, its body a chunk at a time with
/// a pause between chunks (so that a server that answers early has answered
/// long before the last one), and reads the answer.
fn exchange(
    addr: SocketAddr,
    method: &str,
    headers: &[(&str, &str)],
    sent: &Sent,
) -> Result<(Answer, TcpStream), String> {
    let mut stream = TcpStream::connect(addr).map_err(|e| format!("connect: {e}"))?;
    // Guards against a hang, not a measurement.
    stream
        .set_read_timeout(Some(Duration::from_secs(90)))
        .unwrap();
    stream
        .set_write_timeout(Some(Duration::from_secs(90)))
        .unwrap();
    let mut head = format!("{method} /logg-inn HTTP/1.1\r\nHost: laget.test\r\n");
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    match sent {
        Sent::Length(n) | Sent::HeadOnly(n) => head.push_str(&format!("Content-Length: {n}\r\n")),
        Sent::Chunked(_) => head.push_str("Transfer-Encoding: chunked\r\n"),
    }
    head.push_str("\r\n");
    stream
        .write_all(head.as_bytes())
        .map_err(|e| format!("writing the head: {e}"))?;
    let (total, chunked) = match sent {
        Sent::Length(n) => (*n, false),
        Sent::Chunked(n) => (*n, true),
        Sent::HeadOnly(_) => (0, false),
    };
    let chunk = vec![b'x'; CHUNK];
    let mut written = 0;
    while written < total {
        let n = CHUNK.min(total - written);
        let mut bytes = Vec::with_capacity(n + 16);
        if chunked {
            bytes.extend_from_slice(format!("{n:x}\r\n").as_bytes());
        }
        bytes.extend_from_slice(&chunk[..n]);
        if chunked {
            bytes.extend_from_slice(b"\r\n");
        }
        stream
            .write_all(&bytes)
            .map_err(|e| format!("writing the body after {written} of {total} bytes: {e}"))?;
        written += n;
        std::thread::sleep(Duration::from_millis(2));
    }
    if chunked {
        stream
            .write_all(b"0\r\n\r\n")
            .map_err(|e| format!("writing the last chunk: {e}"))?;
    }
    let answer = read_answer(&mut stream)?;
    Ok((answer, stream))
}

/// The next request on the same connection: the health check.
fn health_on(stream: &mut TcpStream) -> Result<Answer, String> {
    stream
        .write_all(b"GET /helse HTTP/1.1\r\nHost: laget.test\r\n\r\n")
        .map_err(|e| format!("writing the next request: {e}"))?;
    read_answer(stream)
}

async fn too_large_bodies(app: TestApp) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let service = app
        .router
        .clone()
        .into_make_service_with_connect_info::<SocketAddr>();
    let server = tokio::spawn(async move {
        let _ = axum::serve(listener, service).await;
    });
    const MB: usize = 1_000_000;
    let form = ("Content-Type", "application/x-www-form-urlencoded");
    let cases: Vec<Case> = vec![
        (
            "a 5 MB login form (over the 64 KiB form limit)",
            "POST",
            vec![form],
            Sent::Length(5 * MB),
            413,
            "For mye data",
        ),
        (
            "a 2 MB form sent chunked, without a length",
            "POST",
            vec![form],
            Sent::Chunked(2 * MB),
            413,
            "For mye data",
        ),
        (
            "a 9 MB upload (over the 8 MiB file limit, under the guide's proxy limit)",
            "POST",
            vec![("Content-Type", "multipart/form-data; boundary=grense")],
            Sent::Length(9 * MB),
            413,
            "For mye data",
        ),
        (
            "5 MB with a wrong CSRF header",
            "POST",
            vec![form, ("X-CSRF-Token", "feil")],
            Sent::Length(5 * MB),
            400,
            "Forespørselen kunne ikke behandles",
        ),
        (
            "a GET with a 5 MB body",
            "GET",
            vec![],
            Sent::Length(5 * MB),
            200,
            "brukernavn",
        ),
    ];
    for (what, method, headers, sent, status, text) in cases {
        let (answer, mut stream) =
            tokio::task::spawn_blocking(move || exchange(addr, method, &headers, &sent))
                .await
                .unwrap()
                .unwrap_or_else(|e| panic!("{what}: {e}"));
        assert_eq!(answer.status, status, "{what}: {}", answer.head);
        assert!(answer.body.contains(text), "{what}: {}", answer.body);
        assert!(
            answer
                .header("content-type")
                .unwrap()
                .starts_with("text/html"),
            "{what}: {}",
            answer.head
        );
        assert_eq!(answer.header("connection"), None, "{what}: {}", answer.head);
        let next = tokio::task::spawn_blocking(move || health_on(&mut stream))
            .await
            .unwrap()
            .unwrap_or_else(|e| panic!("{what}, then on the same connection: {e}"));
        assert_eq!(next.status, 200, "{what}, then /helse: {}", next.head);
    }

    // Larger than Laget reads to drop it: answered at once, without waiting
    // for the body, and the connection closed.
    let declared = 100 * MB;
    let (answer, mut stream) = tokio::task::spawn_blocking(move || {
        exchange(addr, "POST", &[form], &Sent::HeadOnly(declared))
    })
    .await
    .unwrap()
    .unwrap_or_else(|e| panic!("a 100 MB Content-Length: {e}"));
    assert_eq!(answer.status, 413, "{}", answer.head);
    assert!(answer.body.contains("For mye data"), "{}", answer.body);
    assert_eq!(
        answer.header("connection"),
        Some("close"),
        "{}",
        answer.head
    );
    let mut rest = Vec::new();
    tokio::task::spawn_blocking(move || stream.read_to_end(&mut rest).map(|_| rest))
        .await
        .unwrap()
        .expect("the connection ends after the answer");
    server.abort();
}
crate::on_every_backend!(
    too_large_bodies_get_their_answer_without_a_reset,
    too_large_bodies
);
