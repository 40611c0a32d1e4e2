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

/// Where to go after login: only paths on this site (no `//host` tricks).
pub fn safe_next(next: &str) -> String {
    if next.starts_with('/')
        && !next.starts_with("//")
        && !next.starts_with("/\\")
        && !next.contains(['\r', '\n'])
    {
        next.to_owned()
    } else {
        "/".to_owned()
    }
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
    }

    #[test]
    fn passwords_and_tokens_are_not_redisplayed() {
        let p = pairs("brukernavn=kari&passord=hemmelig&passord2=x&_csrf=t");
        let kept = redisplayable(&p);
        assert_eq!(kept, vec![("brukernavn".to_owned(), "kari".to_owned())]);
    }
}
