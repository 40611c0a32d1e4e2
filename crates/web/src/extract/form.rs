//! Form state for pages: what the user typed and what is wrong with it, so a
//! form with errors comes back with every value kept and each message beside
//! its field.

use crate::i18n::Messages;
use laget_domain::validation::FieldError;

#[derive(Clone, Debug)]
pub struct FormError {
    pub field: String,
    /// The field's label, so that each link in the error summary says which
    /// field it is about.
    pub label: String,
    pub message: String,
}

#[derive(Clone, Debug, Default)]
pub struct FormState {
    values: Vec<(String, String)>,
    pub errors: Vec<FormError>,
}

impl FormState {
    /// A form filled with `values` (field name, value).
    pub fn with_values<I, K, V>(values: I) -> Self
    where
        I: IntoIterator<Item = (K, V)>,
        K: Into<String>,
        V: Into<String>,
    {
        Self {
            values: values
                .into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
            errors: Vec::new(),
        }
    }

    /// Adds the domain's problems, in Norwegian.
    pub fn with_problems(mut self, m: &Messages, problems: Vec<FieldError>) -> Self {
        for p in problems {
            self.errors.push(FormError {
                field: p.field.to_owned(),
                label: String::new(),
                message: m.problem(p.problem),
            });
        }
        self
    }

    pub fn add_error(&mut self, field: &str, message: &str) {
        self.errors.push(FormError {
            field: field.to_owned(),
            label: String::new(),
            message: message.to_owned(),
        });
    }

    /// Names the fields (in the order the form shows them): the error
    /// summary then lists problems in that order, each with its field's label.
    pub fn fields(mut self, fields: &[(&str, &str)]) -> Self {
        let position = |field: &str| {
            fields
                .iter()
                .position(|(f, _)| *f == field)
                .unwrap_or(fields.len())
        };
        self.errors.sort_by_key(|e| position(&e.field));
        for e in &mut self.errors {
            if let Some((_, label)) = fields.iter().find(|(f, _)| *f == e.field) {
                e.label = (*label).to_owned();
            }
        }
        self
    }

    pub fn value(&self, field: &str) -> &str {
        self.values
            .iter()
            .find(|(k, _)| k == field)
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    }

    /// Whether a multi-valued field (checkboxes) holds `value`.
    pub fn has(&self, field: &str, value: &str) -> bool {
        self.values.iter().any(|(k, v)| k == field && v == value)
    }

    pub fn error(&self, field: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.as_str())
    }

    pub fn has_errors(&self) -> bool {
        !self.errors.is_empty()
    }
}

/// Reads a urlencoded body into pairs, keeping repeated keys (checkboxes).
pub fn pairs(body: &str) -> Vec<(String, String)> {
    serde_urlencoded::from_str::<Vec<(String, String)>>(body).unwrap_or_default()
}

pub fn get<'a>(pairs: &'a [(String, String)], key: &str) -> &'a str {
    pairs
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
        .unwrap_or("")
}

pub fn get_all<'a>(pairs: &'a [(String, String)], key: &str) -> Vec<&'a str> {
    pairs
        .iter()
        .filter(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
        .collect()
}

/// The pairs minus the CSRF token and passwords, for redisplay.
pub fn redisplayable(pairs: &[(String, String)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .filter(|(k, _)| k != crate::CSRF_FIELD && !k.starts_with("passord"))
        .cloned()
        .collect()
}

/// Where to go after login: a path on this site, or else `/`.
///
/// Browsers are lenient with a `Location`: they drop tabs and line breaks
/// anywhere (`/\t/evil.example` becomes `//evil.example`, another host),
/// strip leading control characters and spaces, and read `\` as `/`. So
/// only a path that starts with one `/` followed by neither `/` nor `\`, and
/// has no control character and no backslash anywhere, is kept. Letters
/// outside ASCII are percent-encoded, so the value is always a valid header.
pub fn safe_next(next: &str) -> String {
    let same_origin_path = next.starts_with('/')
        && !next.starts_with("//")
        && !next.chars().any(|c| c == '\\' || c.is_control());
    if !same_origin_path {
        return "/".to_owned();
    }
    let mut path = String::with_capacity(next.len());
    for c in next.chars() {
        if c.is_ascii() {
            path.push(c);
        } else {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                path.push_str(&format!("%{b:02X}"));
            }
        }
    }
    path
}

/// The kinds of file accepted as a scanned form, told by their first bytes
/// (never by the name or the type the browser claims): the content type to
/// store and serve, and the file name endings that belong to it (the first
/// is added to a name that has none of them).
const SCAN_KINDS: [(&[u8], &str, &[&str]); 3] = [
    (b"%PDF-", "application/pdf", &["pdf"]),
    (b"\x89PNG\r\n\x1a\n", "image/png", &["png"]),
    (b"\xFF\xD8\xFF", "image/jpeg", &["jpg", "jpeg"]),
];

/// A scan's content type and stored file name, if its content is a PDF, PNG
/// or JPEG; `None` for anything else (HTML, SVG, programs, …), whatever it
/// is called. A name that does not end as its content is given the right
/// ending, so that a download never opens as something else.
pub fn scan_kind(file_name: &str, content: &[u8]) -> Option<(&'static str, String)> {
    let (_, content_type, endings) = SCAN_KINDS
        .iter()
        .find(|(magic, _, _)| content.starts_with(magic))?;
    let name = file_name.trim();
    let ending = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    let name = if endings.contains(&ending.as_str()) {
        name.to_owned()
    } else if name.is_empty() {
        format!("skann.{}", endings[0])
    } else {
        format!("{name}.{}", endings[0])
    };
    Some((content_type, name))
}

/// One part of a `multipart/form-data` body (a file upload form).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Part {
    pub name: String,
    pub filename: Option<String>,
    pub bytes: Vec<u8>,
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() || haystack.len() < needle.len() {
        return None;
    }
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// The value of `key="…"` in a Content-Disposition header.
fn disposition_param(header: &str, key: &str) -> Option<String> {
    let marker = format!("{key}=\"");
    let start = header.find(&marker)? + marker.len();
    let end = header[start..].find('"')?;
    Some(header[start..start + end].to_owned())
}

/// Splits a `multipart/form-data` body into its parts; `None` if it is not
/// well-formed. Small and strict: forms here have a token, a checkbox and
/// one file.
pub fn multipart(content_type: &str, body: &[u8]) -> Option<Vec<Part>> {
    let boundary = content_type
        .split(';')
        .map(str::trim)
        .find_map(|p| p.strip_prefix("boundary="))?
        .trim_matches('"');
    if boundary.is_empty() || boundary.len() > 200 {
        return None;
    }
    let delimiter = format!("--{boundary}");
    let between = format!("\r\n{delimiter}");
    let mut rest = &body[find(body, delimiter.as_bytes())? + delimiter.len()..];
    let mut parts = Vec::new();
    loop {
        if rest.starts_with(b"--") {
            return Some(parts);
        }
        rest = rest.strip_prefix(b"\r\n")?;
        let header_end = find(rest, b"\r\n\r\n")?;
        let headers = std::str::from_utf8(&rest[..header_end]).ok()?;
        let content_start = header_end + 4;
        let content_end = content_start + find(&rest[content_start..], between.as_bytes())?;
        let disposition = headers
            .lines()
            .find(|l| l.to_ascii_lowercase().starts_with("content-disposition:"))?;
        parts.push(Part {
            name: disposition_param(disposition, "name")?,
            filename: disposition_param(disposition, "filename"),
            bytes: rest[content_start..content_end].to_vec(),
        });
        rest = &rest[content_end + between.len()..];
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multipart_bodies_split_into_parts() {
        let body = b"--XyZ\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\nabc\r\n--XyZ\r\nContent-Disposition: form-data; name=\"fil\"; filename=\"tilbud.csv\"\r\nContent-Type: text/csv\r\n\r\na;b\r\n1;2\r\n--XyZ--\r\n";
        let parts = multipart("multipart/form-data; boundary=XyZ", body).unwrap_or_default();
        assert_eq!(parts.len(), 2);
        assert_eq!(
            (parts[0].name.as_str(), parts[0].bytes.as_slice()),
            ("_csrf", &b"abc"[..])
        );
        assert_eq!(parts[1].filename.as_deref(), Some("tilbud.csv"));
        assert_eq!(parts[1].bytes, b"a;b\r\n1;2");
        assert!(multipart("multipart/form-data; boundary=XyZ", b"garbage").is_none());
        assert!(multipart("multipart/form-data", body).is_none());
    }

    #[test]
    fn errors_follow_the_form_order_and_carry_labels() {
        let mut form = FormState::default();
        form.add_error("passord", "a");
        form.add_error("navn", "b");
        let form = form.fields(&[("navn", "Fullt navn"), ("passord", "Passord")]);
        let order: Vec<_> = form
            .errors
            .iter()
            .map(|e| (e.field.as_str(), e.label.as_str()))
            .collect();
        assert_eq!(order, vec![("navn", "Fullt navn"), ("passord", "Passord")]);
    }

    #[test]
    fn next_stays_on_this_site() {
        assert_eq!(safe_next("/kommuner"), "/kommuner");
        assert_eq!(safe_next("//evil.example"), "/");
        assert_eq!(safe_next("/\\evil.example"), "/");
        assert_eq!(safe_next("https://evil.example"), "/");
        assert_eq!(safe_next(""), "/");
        // Browsers drop tabs and line breaks inside a URL: `//evil.example`.
        assert_eq!(safe_next("/\t/evil.example"), "/");
        assert_eq!(safe_next("/\n/evil.example"), "/");
        assert_eq!(safe_next("/\r\n/evil.example"), "/");
        assert_eq!(safe_next("/a\\b"), "/", "a backslash anywhere");
        for c in (0u8..0x20).chain([0x7f]) {
            let next = format!("/a{}b", char::from(c));
            assert_eq!(safe_next(&next), "/", "control character {c:#04x}");
        }
        assert_eq!(safe_next("\u{85}/x"), "/");
        assert_eq!(safe_next("/%2F/evil.example"), "/%2F/evil.example");
        assert_eq!(safe_next("/tiltak?alder=9&q=x"), "/tiltak?alder=9&q=x");
        assert_eq!(safe_next("/søk"), "/s%C3%B8k");
    }

    #[test]
    fn scans_are_known_by_their_content() {
        let pdf = b"%PDF-1.7\n...";
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
        let jpeg = b"\xFF\xD8\xFF\xE0\0\x10JFIF";
        assert_eq!(
            scan_kind("samtykke.PDF", pdf),
            Some(("application/pdf", "samtykke.PDF".to_owned()))
        );
        assert_eq!(
            scan_kind("bilde.png", png),
            Some(("image/png", "bilde.png".to_owned()))
        );
        assert_eq!(
            scan_kind("foto.jpeg", jpeg),
            Some(("image/jpeg", "foto.jpeg".to_owned()))
        );
        // The name does not decide, and gets the content's ending.
        assert_eq!(
            scan_kind("skann.html", pdf),
            Some(("application/pdf", "skann.html.pdf".to_owned()))
        );
        assert_eq!(
            scan_kind("", jpeg),
            Some(("image/jpeg", "skann.jpg".to_owned()))
        );
        for (name, content) in [
            (
                "samtykke.pdf",
                &b"<!doctype html><script>alert(1)</script>"[..],
            ),
            (
                "samtykke.png",
                b"<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
            ),
            ("samtykke.jpg", b"MZ\x90\0\x03\0\0\0PE\0\0"),
            ("samtykke.pdf", b" %PDF-1.4"),
            ("samtykke.pdf", b"%PD"),
            ("samtykke.pdf", b""),
        ] {
            assert_eq!(scan_kind(name, content), None, "{name}: {content:?}");
        }
    }

    #[test]
    fn passwords_and_tokens_are_not_redisplayed() {
        let p = pairs("brukernavn=kari&passord=hemmelig&passord2=x&_csrf=t");
        let kept = redisplayable(&p);
        assert_eq!(kept, vec![("brukernavn".to_owned(), "kari".to_owned())]);
    }
}
