//! Files of the catalogue of measures: reading offers from JSON and CSV for
//! an import, and writing them back in the same formats for an export, so
//! that an exported file imports again without changing anything.
//!
//! # The format
//!
//! One offer per JSON object (the file is a JSON array) or per CSV row (after
//! one header row). The keys, in order, are [`COLUMNS`]:
//!
//! - `external_id`: the offer's id in the file; an import updates the offer of
//!   the municipality with this id and creates one if there is none;
//! - `provider_unit`: the providing unit's *name* within the municipality;
//! - `next_steps`: the external ids of the offers one step up the ladder;
//! - the rest are the offer's fields as in [`OfferFields`], with the same
//!   codes (`level`, `access`, `status`, challenge-area codes, risk factors
//!   1–8) and ISO dates (`YYYY-MM-DD`; `dd.mm.åååå` is read too, since a
//!   spreadsheet may rewrite dates that way).
//!
//! In CSV, lists (`challenge_areas`, `risk_factors`, `languages`,
//! `next_steps`) are joined with `|`; booleans are `true`/`false` (`ja`/`nei`
//! are read too); an empty cell is an empty value. The delimiter (`,` or `;`)
//! is taken from the header line, a UTF-8 byte-order mark is ignored, and a
//! quoted cell may hold line breaks. In JSON every key must be present
//! (`null` where a value may be empty), numbers may also be written as
//! strings, and a list may also be a `|`-joined string.
//!
//! # Line numbers
//!
//! [`RowError::line`] and [`ImportRow::line`] are 1-based line numbers in the
//! file: for CSV the line where the record starts (the header is line 1); for
//! JSON the line where the offer's object starts (its `{`). Problems with the
//! file as a whole (not JSON at all, a missing CSV column) name the line where
//! they were found.
//!
//! Nothing here does I/O or speaks Norwegian: problems are
//! [`Problem`] codes under the file's key (`"age_to"`), and the key
//! [`WHOLE_ROW`] (empty) when the row or file as a whole cannot be read.

use crate::catalogue::{OfferDraft, OfferFields};
use crate::validation::Problem;
use chrono::NaiveDate;
use serde::Serialize;
use serde_json::Value;
use std::collections::{HashMap, HashSet};

/// The keys of an offer in a file, in file order: the JSON keys and the CSV
/// header.
pub const COLUMNS: &[&str] = &[
    "external_id",
    "name",
    "provider_unit",
    "description",
    "level",
    "age_from",
    "age_to",
    "pregnant",
    "challenge_areas",
    "risk_factors",
    "access",
    "access_requirements",
    "contact_person",
    "contact_phone",
    "contact_email",
    "contact_address",
    "capacity",
    "waiting_weeks",
    "evidence_level",
    "evidence_local",
    "evidence_link",
    "cost",
    "languages",
    "status",
    "valid_from",
    "valid_to",
    "ladder_step",
    "next_steps",
];

/// The [`RowError::field`] of a problem with a row (or the file) as a whole:
/// not JSON, not an object, the wrong number of CSV cells.
pub const WHOLE_ROW: &str = "";

/// The longest external id accepted.
pub const MAX_EXTERNAL_ID: usize = 100;

/// What separates the values of a list in a CSV cell.
pub const LIST_SEPARATOR: char = '|';

/// One offer read from a file, not yet checked against the municipality.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportRow {
    /// 1-based line in the file where the offer starts (see the module docs).
    pub line: usize,
    pub external_id: String,
    /// The providing unit's name, as written.
    pub provider_unit_name: String,
    /// The offer's values as text. `provider_unit` is empty: the database
    /// layer fills in the id of the unit named `provider_unit_name`.
    pub draft: OfferDraft,
    /// External ids of the offers one step up, in file order, no repeats.
    pub next_steps: Vec<String>,
}

/// A problem with one value in a file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RowError {
    /// 1-based line in the file (see the module docs).
    pub line: usize,
    /// The file's key, such as `"age_to"`, or [`WHOLE_ROW`].
    pub field: String,
    pub problem: Problem,
}

impl RowError {
    pub fn new(line: usize, field: &str, problem: Problem) -> Self {
        Self {
            line,
            field: field.to_owned(),
            problem,
        }
    }

    /// Whether the problem is with the row or file as a whole.
    pub fn is_whole_row(&self) -> bool {
        self.field == WHOLE_ROW
    }
}

/// One offer to write to a file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExportRow {
    pub external_id: String,
    pub provider_unit_name: String,
    pub fields: OfferFields,
    /// External ids of the offers one step up.
    pub next_steps: Vec<String>,
}

/// The two file formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileFormat {
    Json,
    Csv,
}

impl FileFormat {
    /// The format named by a file name's extension (`.json`, `.csv`, any case).
    pub fn from_file_name(name: &str) -> Option<Self> {
        let ext = name.rsplit_once('.')?.1.to_ascii_lowercase();
        match ext.as_str() {
            "json" => Some(Self::Json),
            "csv" => Some(Self::Csv),
            _ => None,
        }
    }
}

/// The file key of a field name of the offer form ([`OfferDraft::parse`]
/// reports problems under those: `"alder_til"` → `"age_to"`). Unknown names
/// come back unchanged.
pub fn file_key(form_field: &str) -> &str {
    match form_field {
        "navn" => "name",
        "tilbyder" => "provider_unit",
        "beskrivelse" => "description",
        "niva" => "level",
        "alder_fra" => "age_from",
        "alder_til" => "age_to",
        "gravide" => "pregnant",
        "utfordringer" => "challenge_areas",
        "risiko" => "risk_factors",
        "tilgang" => "access",
        "tilgang_krav" => "access_requirements",
        "kontakt_person" => "contact_person",
        "kontakt_telefon" => "contact_phone",
        "kontakt_epost" => "contact_email",
        "kontakt_adresse" => "contact_address",
        "kapasitet" => "capacity",
        "ventetid" => "waiting_weeks",
        "evidens" => "evidence_level",
        "evidens_lokal" => "evidence_local",
        "evidens_lenke" => "evidence_link",
        "kostnad" => "cost",
        "sprak" => "languages",
        "status" => "status",
        "gyldig_fra" => "valid_from",
        "gyldig_til" => "valid_to",
        "trinn" => "ladder_step",
        other => other,
    }
}

/// Text of a file: UTF-8 (with or without a byte-order mark), or else
/// Windows-1252, which a spreadsheet in Norway may still save CSV as.
pub fn decode_text(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(text) => text.to_owned(),
        Err(_) => bytes.iter().map(|&b| windows_1252(b)).collect(),
    }
}

fn windows_1252(b: u8) -> char {
    const HIGH: [char; 32] = [
        '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8d}', 'Ž',
        '\u{8f}', '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9d}',
        'ž', 'Ÿ',
    ];
    match b {
        0x80..=0x9f => HIGH[usize::from(b - 0x80)],
        _ => char::from(b),
    }
}

/// Orders problems by line, then by column, and keeps one per line and
/// field (the first). A line with a problem as a whole keeps only those,
/// since its other values cannot be trusted.
pub fn merge_errors(mut errors: Vec<RowError>) -> Vec<RowError> {
    let whole: HashSet<usize> = errors
        .iter()
        .filter(|e| e.is_whole_row())
        .map(|e| e.line)
        .collect();
    errors.retain(|e| e.is_whole_row() || !whole.contains(&e.line));
    let column = |e: &RowError| {
        COLUMNS.iter().position(|c| *c == e.field).map_or(
            if e.is_whole_row() {
                0
            } else {
                COLUMNS.len() + 1
            },
            |i| i + 1,
        )
    };
    // Stable: problems of one field keep the order they were found in.
    errors.sort_by_key(|e| (e.line, column(e)));
    let mut seen = HashSet::new();
    errors.retain(|e| seen.insert((e.line, e.field.clone())));
    errors
}

/// Reads a file leniently: every offer that could be read, and every
/// problem found on the way (structure, types, duplicate or missing external
/// ids). An import must not go on if there are problems; reading on lets it
/// report the rows' other problems in the same run.
pub fn read(format: FileFormat, text: &str) -> (Vec<ImportRow>, Vec<RowError>) {
    match format {
        FileFormat::Json => read_json(text),
        FileFormat::Csv => read_csv(text),
    }
}

/// Reads a JSON file; `Err` holds every problem found (see [`read`]).
pub fn parse_json(text: &str) -> Result<Vec<ImportRow>, Vec<RowError>> {
    strict(read_json(text))
}

/// Reads a CSV file; `Err` holds every problem found (see [`read`]).
pub fn parse_csv(text: &str) -> Result<Vec<ImportRow>, Vec<RowError>> {
    strict(read_csv(text))
}

fn strict(
    (rows, errors): (Vec<ImportRow>, Vec<RowError>),
) -> Result<Vec<ImportRow>, Vec<RowError>> {
    if errors.is_empty() {
        Ok(rows)
    } else {
        Err(merge_errors(errors))
    }
}

/// Checks the `next_steps` of every row: each must name an offer in the
/// file or one for which `exists` holds, and not the row itself.
pub fn check_next_steps(rows: &[ImportRow], exists: impl Fn(&str) -> bool) -> Vec<RowError> {
    let in_file: HashSet<&str> = rows.iter().map(|r| r.external_id.as_str()).collect();
    let mut errors = Vec::new();
    for row in rows {
        for next in &row.next_steps {
            let known = in_file.contains(next.as_str()) || exists(next);
            if !known || *next == row.external_id {
                errors.push(RowError::new(
                    row.line,
                    "next_steps",
                    Problem::UnknownChoice,
                ));
            }
        }
    }
    errors
}

// ---------------------------------------------------------------------------
// Reading

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Text,
    Number,
    Date,
    Bool,
    List,
}

fn kind(key: &str) -> Kind {
    match key {
        "age_from" | "age_to" | "waiting_weeks" | "evidence_level" | "ladder_step" => Kind::Number,
        "valid_from" | "valid_to" => Kind::Date,
        "pregnant" | "evidence_local" => Kind::Bool,
        "challenge_areas" | "risk_factors" | "languages" | "next_steps" => Kind::List,
        _ => Kind::Text,
    }
}

/// One value, read as its key's kind.
enum Cell {
    Text(String),
    Bool(bool),
    List(Vec<String>),
}

/// The values of one row, collected with the problems met while reading them.
struct Cells {
    line: usize,
    values: HashMap<&'static str, Cell>,
    errors: Vec<RowError>,
}

impl Cells {
    fn new(line: usize) -> Self {
        Self {
            line,
            values: HashMap::new(),
            errors: Vec::new(),
        }
    }

    fn put(&mut self, key: &'static str, cell: Result<Cell, Problem>) {
        match cell {
            Ok(cell) => {
                self.values.insert(key, cell);
            }
            Err(problem) => self.errors.push(RowError::new(self.line, key, problem)),
        }
    }

    fn text(&self, key: &str) -> String {
        match self.values.get(key) {
            Some(Cell::Text(t)) => t.clone(),
            _ => String::new(),
        }
    }

    fn flag(&self, key: &str) -> bool {
        matches!(self.values.get(key), Some(Cell::Bool(true)))
    }

    fn list(&self, key: &str) -> Vec<String> {
        match self.values.get(key) {
            Some(Cell::List(l)) => l.clone(),
            _ => Vec::new(),
        }
    }

    fn into_row(mut self) -> (ImportRow, Vec<RowError>) {
        let mut errors = std::mem::take(&mut self.errors);
        let external_id = self.text("external_id").trim().to_owned();
        if external_id.is_empty() {
            errors.push(RowError::new(self.line, "external_id", Problem::Required));
        } else if external_id.chars().count() > MAX_EXTERNAL_ID {
            errors.push(RowError::new(
                self.line,
                "external_id",
                Problem::TooLong {
                    max: MAX_EXTERNAL_ID,
                },
            ));
        } else if external_id
            .chars()
            .any(|c| c == LIST_SEPARATOR || c.is_control())
        {
            // `|` would split it in a CSV list of next steps.
            errors.push(RowError::new(
                self.line,
                "external_id",
                Problem::UnknownChoice,
            ));
        }
        let mut next_steps: Vec<String> = Vec::new();
        for next in self.list("next_steps") {
            if !next_steps.contains(&next) {
                next_steps.push(next);
            }
        }
        let draft = OfferDraft {
            name: self.text("name"),
            provider_unit: String::new(),
            description: self.text("description"),
            level: self.text("level"),
            age_from: self.text("age_from"),
            age_to: self.text("age_to"),
            pregnant: self.flag("pregnant"),
            challenge_areas: self.list("challenge_areas"),
            risk_factors: self.list("risk_factors"),
            access: self.text("access"),
            access_requirements: self.text("access_requirements"),
            contact_person: self.text("contact_person"),
            contact_phone: self.text("contact_phone"),
            contact_email: self.text("contact_email"),
            contact_address: self.text("contact_address"),
            capacity: self.text("capacity"),
            waiting_weeks: self.text("waiting_weeks"),
            evidence_level: self.text("evidence_level"),
            evidence_local: self.flag("evidence_local"),
            evidence_link: self.text("evidence_link"),
            cost: self.text("cost"),
            languages: self.list("languages"),
            status: self.text("status"),
            valid_from: self.text("valid_from"),
            valid_to: self.text("valid_to"),
            ladder_step: self.text("ladder_step"),
        };
        let row = ImportRow {
            line: self.line,
            external_id,
            provider_unit_name: self.text("provider_unit").trim().to_owned(),
            draft,
            next_steps,
        };
        (row, errors)
    }
}

fn parse_bool(raw: &str) -> Result<bool, Problem> {
    match raw.trim().to_lowercase().as_str() {
        "" | "false" | "nei" => Ok(false),
        "true" | "ja" => Ok(true),
        _ => Err(Problem::UnknownChoice),
    }
}

fn split_list(raw: &str) -> Vec<String> {
    raw.split(LIST_SEPARATOR)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Adds a problem for each duplicate external id, on the later line.
fn check_duplicates(rows: &[ImportRow], errors: &mut Vec<RowError>) {
    let mut seen = HashSet::new();
    for row in rows {
        if !row.external_id.is_empty() && !seen.insert(row.external_id.as_str()) {
            errors.push(RowError::new(row.line, "external_id", Problem::Taken));
        }
    }
}

fn json_cell(key: &str, value: &Value) -> Result<Cell, Problem> {
    let text = |v: &Value| match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Null => Some(String::new()),
        _ => None,
    };
    match kind(key) {
        Kind::Text => text(value).map(Cell::Text).ok_or(Problem::UnknownChoice),
        Kind::Number => text(value)
            .map(Cell::Text)
            .ok_or(Problem::NotANumberInRange),
        Kind::Date => match value {
            Value::String(s) => Ok(Cell::Text(s.clone())),
            Value::Null => Ok(Cell::Text(String::new())),
            _ => Err(Problem::InvalidDate),
        },
        Kind::Bool => match value {
            Value::Bool(b) => Ok(Cell::Bool(*b)),
            Value::Null => Ok(Cell::Bool(false)),
            Value::String(s) => parse_bool(s).map(Cell::Bool),
            _ => Err(Problem::UnknownChoice),
        },
        Kind::List => match value {
            Value::Null => Ok(Cell::List(Vec::new())),
            Value::String(s) => Ok(Cell::List(split_list(s))),
            Value::Array(items) => items
                .iter()
                .map(|item| match item {
                    Value::String(s) => Ok(s.trim().to_owned()),
                    Value::Number(n) => Ok(n.to_string()),
                    _ => Err(Problem::UnknownChoice),
                })
                .filter(|s| !matches!(s, Ok(s) if s.is_empty()))
                .collect::<Result<Vec<_>, _>>()
                .map(Cell::List),
            _ => Err(Problem::UnknownChoice),
        },
    }
}

/// The line where each element of the top-level array starts. `text` must
/// be valid JSON (it has been parsed already).
fn element_lines(text: &str) -> Vec<usize> {
    let mut starts = Vec::new();
    let (mut depth, mut line) = (0usize, 1usize);
    let (mut in_string, mut escaped, mut expecting) = (false, false, false);
    for b in text.bytes() {
        if b == b'\n' {
            line += 1;
        }
        if in_string {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        if b.is_ascii_whitespace() {
            continue;
        }
        if depth == 1 && expecting && b != b']' && b != b',' {
            starts.push(line);
            expecting = false;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                if depth == 1 {
                    expecting = true;
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            b',' if depth == 1 => expecting = true,
            _ => {}
        }
    }
    starts
}

fn read_json(text: &str) -> (Vec<ImportRow>, Vec<RowError>) {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let value: Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            let error = RowError::new(e.line().max(1), WHOLE_ROW, Problem::UnknownChoice);
            return (Vec::new(), vec![error]);
        }
    };
    let Value::Array(items) = value else {
        return (
            Vec::new(),
            vec![RowError::new(1, WHOLE_ROW, Problem::UnknownChoice)],
        );
    };
    let mut lines = element_lines(text);
    if lines.len() != items.len() {
        lines = (1..=items.len()).collect();
    }
    let mut rows = Vec::new();
    let mut errors = Vec::new();
    for (item, line) in items.iter().zip(lines) {
        let Value::Object(object) = item else {
            errors.push(RowError::new(line, WHOLE_ROW, Problem::UnknownChoice));
            continue;
        };
        let mut cells = Cells::new(line);
        for key in object.keys() {
            if !COLUMNS.contains(&key.as_str()) {
                cells
                    .errors
                    .push(RowError::new(line, key, Problem::UnknownChoice));
            }
        }
        for key in COLUMNS {
            match object.get(*key) {
                Some(value) => cells.put(key, json_cell(key, value)),
                None => cells.put(key, Err(Problem::Required)),
            }
        }
        let (row, row_errors) = cells.into_row();
        errors.extend(row_errors);
        rows.push(row);
    }
    check_duplicates(&rows, &mut errors);
    (rows, errors)
}

/// `,` or `;`, whichever the header line has more of.
fn detect_delimiter(text: &str) -> u8 {
    let header = text.lines().next().unwrap_or_default();
    let count = |c: char| header.chars().filter(|x| *x == c).count();
    if count(';') > count(',') { b';' } else { b',' }
}

/// Cells that a spreadsheet would run as a formula (CSV injection, OWASP):
/// those starting with `=`, `+`, `-`, `@`, a tab or a carriage return. Every
/// CSV export, plain or for Excel, guards them with a leading `'`, which
/// spreadsheets read as «this is text» and hide; an import takes it away
/// again. So that this round-trips, a value that itself starts with `'` and
/// then `'` or a formula character is guarded too.
///
/// Why the plain CSV too, and not only the Excel flavour: a plain CSV is
/// opened in a spreadsheet just as often (double-clicked, or imported by
/// LibreOffice), and a catalogue is written by many editors, so a cell such
/// as `=HYPERLINK(…)` in an offer's description must not become a live
/// formula on the administrator's machine. A program reading the plain CSV
/// sees the `'`; Laget's own import removes it, and the JSON export is the
/// exact format for other programs.
const FORMULA_STARTS: &[char] = &['=', '+', '-', '@', '\t', '\r'];

fn starts_guardable(rest: &str) -> bool {
    rest.starts_with(FORMULA_STARTS) || rest.starts_with('\'')
}

fn unguard(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if starts_guardable(rest) => rest,
        _ => cell,
    }
}

fn guard(cell: String) -> String {
    let formula = cell.starts_with(FORMULA_STARTS);
    let quoted = cell.strip_prefix('\'').is_some_and(starts_guardable);
    if formula || quoted {
        format!("'{cell}")
    } else {
        cell
    }
}

fn csv_cell(key: &str, raw: &str) -> Result<Cell, Problem> {
    let raw = unguard(raw);
    match kind(key) {
        Kind::Text | Kind::Number | Kind::Date => Ok(Cell::Text(raw.to_owned())),
        Kind::Bool => parse_bool(raw).map(Cell::Bool),
        Kind::List => Ok(Cell::List(split_list(raw))),
    }
}

/// Finds the 1-based line where each record starts. The reader's own
/// position may point at the line break that ended the record before (or at
/// blank lines), so those are skipped. Records come in order, so counting
/// goes on from the last one.
struct Lines<'a> {
    text: &'a str,
    byte: usize,
    line: usize,
}

impl<'a> Lines<'a> {
    fn new(text: &'a str) -> Self {
        Self {
            text,
            byte: 0,
            line: 1,
        }
    }

    fn at(&mut self, position: Option<&csv::Position>) -> Option<usize> {
        let byte = usize::try_from(position?.byte()).ok()?;
        let rest = self.text.get(byte..)?;
        let start = byte + (rest.len() - rest.trim_start_matches(['\r', '\n']).len());
        if start < self.byte {
            return None;
        }
        let between = self.text.as_bytes().get(self.byte..start)?;
        self.line += between.iter().filter(|b| **b == b'\n').count();
        self.byte = start;
        Some(self.line)
    }
}

fn read_csv(text: &str) -> (Vec<ImportRow>, Vec<RowError>) {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(detect_delimiter(text))
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut records = reader.records();
    let mut errors = Vec::new();
    let header = match records.next() {
        None => {
            let missing = COLUMNS
                .iter()
                .map(|c| RowError::new(1, c, Problem::Required));
            return (Vec::new(), missing.collect());
        }
        Some(Err(e)) => {
            let line = Lines::new(text).at(e.position()).unwrap_or(1);
            return (
                Vec::new(),
                vec![RowError::new(line, WHOLE_ROW, Problem::UnknownChoice)],
            );
        }
        Some(Ok(header)) => header,
    };
    let mut lines = Lines::new(text);
    let header_line = lines.at(header.position()).unwrap_or(1);
    let keys: Vec<String> = header.iter().map(|k| k.trim().to_owned()).collect();
    let mut index: HashMap<&'static str, usize> = HashMap::new();
    for (i, key) in keys.iter().enumerate() {
        match COLUMNS.iter().find(|c| **c == key.as_str()) {
            Some(column) => {
                if index.insert(column, i).is_some() {
                    errors.push(RowError::new(header_line, key, Problem::Taken));
                }
            }
            // A spreadsheet may add empty columns at the end.
            None if key.is_empty() => {}
            None => errors.push(RowError::new(header_line, key, Problem::UnknownChoice)),
        }
    }
    for column in COLUMNS {
        if !index.contains_key(column) {
            errors.push(RowError::new(header_line, column, Problem::Required));
        }
    }
    if !errors.is_empty() {
        return (Vec::new(), errors);
    }

    let mut rows = Vec::new();
    let mut last_line = header_line;
    for record in records {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = lines.at(e.position()).unwrap_or(last_line + 1);
                errors.push(RowError::new(line, WHOLE_ROW, Problem::UnknownChoice));
                break;
            }
        };
        let line = lines.at(record.position()).unwrap_or(last_line + 1);
        last_line = line;
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let mut cells = Cells::new(line);
        let extra = record.iter().skip(keys.len()).any(|c| !c.trim().is_empty());
        if record.len() < keys.len() || extra {
            cells
                .errors
                .push(RowError::new(line, WHOLE_ROW, Problem::UnknownChoice));
        }
        for column in COLUMNS {
            let raw = index
                .get(column)
                .and_then(|i| record.get(*i))
                .unwrap_or_default();
            cells.put(column, csv_cell(column, raw));
        }
        let (row, row_errors) = cells.into_row();
        errors.extend(row_errors);
        rows.push(row);
    }
    check_duplicates(&rows, &mut errors);
    (rows, errors)
}

// ---------------------------------------------------------------------------
// Writing

fn iso(d: Option<NaiveDate>) -> Option<String> {
    d.map(|d| d.format("%Y-%m-%d").to_string())
}

/// An offer as a JSON object, keys in [`COLUMNS`] order.
#[derive(Serialize)]
struct FileOffer<'a> {
    external_id: &'a str,
    name: &'a str,
    provider_unit: &'a str,
    description: &'a str,
    level: &'static str,
    age_from: u8,
    age_to: u8,
    pregnant: bool,
    challenge_areas: &'a [String],
    risk_factors: &'a [u8],
    access: &'static str,
    access_requirements: &'a str,
    contact_person: &'a str,
    contact_phone: &'a str,
    contact_email: &'a str,
    contact_address: &'a str,
    capacity: &'a str,
    waiting_weeks: Option<u16>,
    evidence_level: u8,
    evidence_local: bool,
    evidence_link: &'a str,
    cost: &'a str,
    languages: &'a [String],
    status: &'static str,
    valid_from: Option<String>,
    valid_to: Option<String>,
    ladder_step: u8,
    next_steps: &'a [String],
}

impl<'a> From<&'a ExportRow> for FileOffer<'a> {
    fn from(r: &'a ExportRow) -> Self {
        let f = &r.fields;
        Self {
            external_id: &r.external_id,
            name: &f.name,
            provider_unit: &r.provider_unit_name,
            description: &f.description,
            level: f.level.code(),
            age_from: f.age_from,
            age_to: f.age_to,
            pregnant: f.pregnant,
            challenge_areas: &f.challenge_areas,
            risk_factors: &f.risk_factors,
            access: f.access.code(),
            access_requirements: &f.access_requirements,
            contact_person: &f.contact_person,
            contact_phone: &f.contact_phone,
            contact_email: &f.contact_email,
            contact_address: &f.contact_address,
            capacity: &f.capacity,
            waiting_weeks: f.waiting_weeks,
            evidence_level: f.evidence_level,
            evidence_local: f.evidence_local,
            evidence_link: &f.evidence_link,
            cost: &f.cost,
            languages: &f.languages,
            status: f.status.code(),
            valid_from: iso(f.valid_from),
            valid_to: iso(f.valid_to),
            ladder_step: f.ladder_step,
            next_steps: &r.next_steps,
        }
    }
}

/// The offers as a JSON array (indented, letters such as æøå as they are),
/// ending in a line break.
pub fn to_json(rows: &[ExportRow]) -> String {
    let offers: Vec<FileOffer<'_>> = rows.iter().map(FileOffer::from).collect();
    // Serialising strings, numbers and lists into memory cannot fail.
    let mut json = serde_json::to_string_pretty(&offers).unwrap_or_default();
    json.push('\n');
    json
}

/// One row's cells, in [`COLUMNS`] order.
fn csv_cells(r: &ExportRow) -> Vec<String> {
    let f = &r.fields;
    let list = |v: &[String]| v.join("|");
    let bool_text = |b: bool| if b { "true" } else { "false" }.to_owned();
    vec![
        r.external_id.clone(),
        f.name.clone(),
        r.provider_unit_name.clone(),
        f.description.clone(),
        f.level.code().to_owned(),
        f.age_from.to_string(),
        f.age_to.to_string(),
        bool_text(f.pregnant),
        list(&f.challenge_areas),
        f.risk_factors
            .iter()
            .map(u8::to_string)
            .collect::<Vec<_>>()
            .join("|"),
        f.access.code().to_owned(),
        f.access_requirements.clone(),
        f.contact_person.clone(),
        f.contact_phone.clone(),
        f.contact_email.clone(),
        f.contact_address.clone(),
        f.capacity.clone(),
        f.waiting_weeks.map(|w| w.to_string()).unwrap_or_default(),
        f.evidence_level.to_string(),
        bool_text(f.evidence_local),
        f.evidence_link.clone(),
        f.cost.clone(),
        list(&f.languages),
        f.status.code().to_owned(),
        iso(f.valid_from).unwrap_or_default(),
        iso(f.valid_to).unwrap_or_default(),
        f.ladder_step.to_string(),
        list(&r.next_steps),
    ]
}

/// The offers as CSV: a header row of [`COLUMNS`], then one row per offer,
/// separated by `delimiter` (`b','` or `b';'`).
///
/// Either flavour puts a `'` before any cell that starts with `=`, `+`, `-`,
/// `@`, a tab or a carriage return, so that a spreadsheet shows it as text
/// instead of running it as a formula; the import removes that `'` again
/// (see `FORMULA_STARTS`).
///
/// `bom: true` makes the spreadsheet flavour: a UTF-8 byte-order mark (so
/// that Excel reads æøå right) and `\r\n` line ends. Norwegian Excel
/// expects `b';'`.
pub fn to_csv(rows: &[ExportRow], delimiter: u8, bom: bool) -> String {
    let terminator = if bom {
        csv::Terminator::CRLF
    } else {
        csv::Terminator::Any(b'\n')
    };
    let mut writer = csv::WriterBuilder::new()
        .delimiter(delimiter)
        .terminator(terminator)
        .from_writer(Vec::new());
    let mut write = || -> Result<Vec<u8>, Box<dyn std::error::Error>> {
        writer.write_record(COLUMNS)?;
        for row in rows {
            writer.write_record(csv_cells(row).into_iter().map(guard))?;
        }
        writer.flush()?;
        Ok(writer.get_ref().clone())
    };
    // Writing into memory cannot fail, and every cell is UTF-8.
    let bytes = write().unwrap_or_default();
    let body = String::from_utf8(bytes).unwrap_or_default();
    if bom { format!("\u{feff}{body}") } else { body }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::admin::municipality::WrittenStandard;
    use crate::catalogue::{AccessRoute, OfferStatus, PreventionLevel, default_challenge_areas};
    use crate::ids::UnitId;

    fn areas() -> Vec<String> {
        default_challenge_areas(WrittenStandard::Bokmal)
            .iter()
            .map(|(c, _)| (*c).to_owned())
            .collect()
    }

    fn fields(unit: UnitId) -> OfferFields {
        OfferFields {
            name: "Foreldregruppe «Trygg start»".into(),
            provider_unit: unit,
            description: "Første avsnitt; med semikolon, komma og \"sitat\".\n\n- Andre avsnitt."
                .into(),
            level: PreventionLevel::Selektiv,
            age_from: 0,
            age_to: 6,
            pregnant: true,
            challenge_areas: vec!["foreldreveiledning".into(), "samspill".into()],
            risk_factors: vec![3, 5],
            access: AccessRoute::Henvisning,
            access_requirements: "Henvisning fra helsestasjonen.".into(),
            contact_person: "Kari Demo".into(),
            contact_phone: "+47 400 00 000".into(),
            contact_email: "kari@demo.kommune.example".into(),
            contact_address: "Rådhusgata 1, 9999 Demo".into(),
            capacity: "=8 familier".into(),
            waiting_weeks: Some(4),
            evidence_level: 2,
            evidence_local: true,
            evidence_link: "https://ungsinn.no/".into(),
            cost: "Gratis".into(),
            languages: vec!["norsk".into(), "arabisk".into()],
            status: OfferStatus::Publisert,
            valid_from: NaiveDate::from_ymd_opt(2026, 1, 1),
            valid_to: None,
            ladder_step: 3,
        }
    }

    fn export_rows(unit: UnitId) -> Vec<ExportRow> {
        let mut second = fields(unit);
        second.name = "Åpen barnehage".into();
        second.waiting_weeks = None;
        second.pregnant = false;
        second.languages = vec![];
        second.risk_factors = vec![];
        second.valid_from = None;
        second.description = "Kort.".into();
        vec![
            ExportRow {
                external_id: "a-1".into(),
                provider_unit_name: "Familiesenteret".into(),
                fields: fields(unit),
                next_steps: vec!["b-2".into()],
            },
            ExportRow {
                external_id: "b-2".into(),
                provider_unit_name: "Lia barnehage".into(),
                fields: second,
                next_steps: vec![],
            },
        ]
    }

    /// What an import would make of the rows, with `unit` as the provider.
    fn parsed(rows: &[ImportRow], unit: UnitId) -> Vec<(String, String, OfferFields, Vec<String>)> {
        rows.iter()
            .map(|r| {
                let mut draft = r.draft.clone();
                draft.provider_unit = unit.to_string();
                let fields = draft.parse(&[unit], &areas());
                assert!(fields.is_ok(), "{fields:?}");
                (
                    r.external_id.clone(),
                    r.provider_unit_name.clone(),
                    fields.unwrap_or_else(|_| unreachable!()),
                    r.next_steps.clone(),
                )
            })
            .collect()
    }

    fn expected(rows: &[ExportRow]) -> Vec<(String, String, OfferFields, Vec<String>)> {
        rows.iter()
            .map(|r| {
                (
                    r.external_id.clone(),
                    r.provider_unit_name.clone(),
                    r.fields.clone(),
                    r.next_steps.clone(),
                )
            })
            .collect()
    }

    #[test]
    fn json_and_csv_round_trip() {
        let unit = UnitId::new();
        let rows = export_rows(unit);
        let json = to_json(&rows);
        assert!(json.contains("Rådhusgata"), "UTF-8 is not escaped");
        let from_json = parse_json(&json).unwrap_or_default();
        assert_eq!(parsed(&from_json, unit), expected(&rows));
        assert_eq!(from_json[0].line, 2, "the first object starts on line 2");

        for (delimiter, bom) in [(b',', false), (b';', false), (b';', true)] {
            let csv = to_csv(&rows, delimiter, bom);
            assert_eq!(csv.starts_with('\u{feff}'), bom);
            let from_csv = parse_csv(&csv);
            assert!(from_csv.is_ok(), "{from_csv:?}");
            let from_csv = from_csv.unwrap_or_default();
            assert_eq!(parsed(&from_csv, unit), expected(&rows));
            assert_eq!(from_csv[1].line, 5, "the first description has three lines");
            // JSON → CSV → JSON is the same file.
            let again: Vec<ExportRow> = parsed(&from_csv, unit)
                .into_iter()
                .map(
                    |(external_id, provider_unit_name, fields, next_steps)| ExportRow {
                        external_id,
                        provider_unit_name,
                        fields,
                        next_steps,
                    },
                )
                .collect();
            assert_eq!(to_json(&again), json);
        }
    }

    proptest::proptest! {
        #[test]
        fn any_text_survives_csv(
            name in "[-'=+@a-zæøå;,\"| \n\r\t]{0,12}",
            description in "\\PC{0,40}",
        ) {
            let mut rows = export_rows(UnitId::new());
            rows[0].fields.name = name.clone();
            rows[0].fields.description = description.clone();
            for (delimiter, bom) in [(b',', false), (b';', false), (b';', true)] {
                let csv = to_csv(&rows, delimiter, bom);
                let (read, _) = read_csv(&csv);
                proptest::prop_assert_eq!(read.len(), 2);
                proptest::prop_assert_eq!(&read[0].draft.name, &name);
                proptest::prop_assert_eq!(&read[0].draft.description, &description);
            }
        }
    }

    #[test]
    fn spreadsheet_csv_guards_formulas() {
        let rows = export_rows(UnitId::new());
        let excel = to_csv(&rows, b';', true);
        assert!(excel.contains(";'+47 400 00 000;"), "{excel}");
        assert!(excel.contains(";'=8 familier;"));
        assert!(excel.contains("\r\n"));
        let plain = to_csv(&rows, b',', false);
        assert!(!plain.contains('\r'));
        // The plain CSV is guarded the same way: it is opened in
        // spreadsheets too.
        assert!(plain.contains(",'+47 400 00 000,"), "{plain}");
        assert!(plain.contains(",'=8 familier,"));
        assert!(!plain.contains(",+47 400 00 000,"));
    }

    #[test]
    fn every_formula_start_is_guarded_and_read_back() {
        let mut rows = export_rows(UnitId::new());
        for start in ["=", "+", "-", "@", "\t", "\r", "'=", "''"] {
            let value = format!("{start}SUM(A1:A9)");
            rows[0].fields.cost = value.clone();
            for (delimiter, bom) in [(b',', false), (b';', false), (b';', true)] {
                let csv = to_csv(&rows, delimiter, bom);
                let (read, errors) = read_csv(&csv);
                assert!(errors.is_empty(), "{errors:?}");
                assert_eq!(read[0].draft.cost, value, "{start:?} in {csv}");
                // The cell as a spreadsheet sees it: guarded.
                let cost = COLUMNS.iter().position(|c| *c == "cost").unwrap_or(0);
                let record = csv::ReaderBuilder::new()
                    .delimiter(delimiter)
                    .from_reader(csv.trim_start_matches('\u{feff}').as_bytes())
                    .records()
                    .next()
                    .and_then(Result::ok)
                    .unwrap_or_default();
                let cell = record.get(cost).unwrap_or_default();
                assert_eq!(cell, format!("'{value}"), "{start:?}");
            }
        }
        // A value that merely starts with `'` is left alone both ways.
        rows[0].fields.cost = "'vanlig tekst".into();
        let (read, _) = read_csv(&to_csv(&rows, b',', false));
        assert_eq!(read[0].draft.cost, "'vanlig tekst");
    }

    #[test]
    fn csv_with_bom_semicolons_and_a_multi_line_description() {
        let header = COLUMNS.join(";");
        let text = format!(
            "\u{feff}{header}\r\n\
             x-1;Gruppe;Familiesenteret;\"Første linje;\r\nandre linje\r\n\r\ntredje \"\"sitat\"\"\";universell;0;12;nei;foreldreveiledning | samspill;3|5;selvhenvisning;;;;;;;;;false;;Gratis;norsk;publisert;01.02.2026;2026-12-31;1;x-2\r\n\
             \r\n\
             x-2;Steg to;Familiesenteret;Kort;selektiv;0;12;JA;samspill;;henvisning;;;;;;;2;1;ja;;;;utkast;;;2;\r\n"
        );
        let rows = parse_csv(&text);
        assert!(rows.is_ok(), "{rows:?}");
        let rows = rows.unwrap_or_default();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].line, 2);
        assert_eq!(rows[1].line, 7, "lines inside quotes count");
        assert_eq!(rows[0].external_id, "x-1");
        assert_eq!(
            rows[0].draft.description,
            "Første linje;\r\nandre linje\r\n\r\ntredje \"sitat\""
        );
        assert_eq!(
            rows[0].draft.challenge_areas,
            vec!["foreldreveiledning", "samspill"]
        );
        assert_eq!(rows[0].draft.risk_factors, vec!["3", "5"]);
        assert_eq!(rows[0].next_steps, vec!["x-2"]);
        assert!(!rows[0].draft.pregnant && rows[1].draft.pregnant);
        assert!(rows[1].draft.evidence_local);
        assert_eq!(rows[1].draft.waiting_weeks, "2");
        let unit = UnitId::new();
        let p = parsed(&rows, unit);
        assert_eq!(p[0].2.valid_from, NaiveDate::from_ymd_opt(2026, 2, 1));
    }

    #[test]
    fn csv_columns_in_any_order_and_header_problems() {
        let mut keys: Vec<&str> = COLUMNS.to_vec();
        keys.reverse();
        let text = format!("{}\n", keys.join(","));
        assert_eq!(parse_csv(&text), Ok(vec![]));

        let text = "external_id,name,navn,name\nx,y,z,w\n";
        let errors = parse_csv(text).err().unwrap_or_default();
        assert!(errors.iter().all(|e| e.line == 1));
        assert!(errors.contains(&RowError::new(1, "navn", Problem::UnknownChoice)));
        assert!(errors.contains(&RowError::new(1, "name", Problem::Taken)));
        assert!(errors.contains(&RowError::new(1, "age_to", Problem::Required)));
    }

    fn good_json_object(id: &str) -> serde_json::Value {
        serde_json::json!({
            "external_id": id, "name": "Tilbud", "provider_unit": "Familiesenteret",
            "description": "Om tilbudet.", "level": "universell", "age_from": 0, "age_to": "12",
            "pregnant": false, "challenge_areas": ["samspill"], "risk_factors": [3],
            "access": "selvhenvisning", "access_requirements": "", "contact_person": "",
            "contact_phone": "", "contact_email": "", "contact_address": "", "capacity": "",
            "waiting_weeks": null, "evidence_level": 0, "evidence_local": false,
            "evidence_link": "", "cost": "", "languages": [], "status": "publisert",
            "valid_from": null, "valid_to": null, "ladder_step": 1, "next_steps": []
        })
    }

    #[test]
    fn json_problems_name_line_and_key() {
        let mut bad = good_json_object("b");
        bad["age_from"] = serde_json::json!(true);
        bad["pregnant"] = serde_json::json!("kanskje");
        bad["valid_to"] = serde_json::json!(20261231);
        bad["extra"] = serde_json::json!(1);
        if let Some(o) = bad.as_object_mut() {
            o.remove("cost");
        }
        let dup = good_json_object("a");
        let mut no_id = good_json_object("");
        no_id["external_id"] = serde_json::Value::Null;
        let text = serde_json::to_string_pretty(&serde_json::json!([
            good_json_object("a"),
            bad,
            dup,
            no_id,
            5
        ]))
        .unwrap_or_default();
        let lines = element_lines(&text);
        let errors = parse_json(&text).err().unwrap_or_default();
        let found: Vec<(usize, &str, Problem)> = errors
            .iter()
            .map(|e| (e.line, e.field.as_str(), e.problem))
            .collect();
        assert_eq!(
            found,
            vec![
                (lines[1], "age_from", Problem::NotANumberInRange),
                (lines[1], "pregnant", Problem::UnknownChoice),
                (lines[1], "cost", Problem::Required),
                (lines[1], "valid_to", Problem::InvalidDate),
                (lines[1], "extra", Problem::UnknownChoice),
                (lines[2], "external_id", Problem::Taken),
                (lines[3], "external_id", Problem::Required),
                (lines[4], WHOLE_ROW, Problem::UnknownChoice),
            ]
        );
        assert_eq!(lines[0], 2);
        assert!(lines[1] > 30, "lines are lines in the file: {lines:?}");
    }

    #[test]
    fn broken_json_names_its_line() {
        let errors = parse_json("[\n  {\"external_id\": \"a\",\n  oops\n]")
            .err()
            .unwrap_or_default();
        assert_eq!(
            errors,
            vec![RowError::new(3, WHOLE_ROW, Problem::UnknownChoice)]
        );
        let errors = parse_json("{\"external_id\": \"a\"}")
            .err()
            .unwrap_or_default();
        assert_eq!(
            errors,
            vec![RowError::new(1, WHOLE_ROW, Problem::UnknownChoice)]
        );
        assert_eq!(parse_json("\u{feff}[]"), Ok(vec![]));
    }

    #[test]
    fn csv_rows_with_the_wrong_number_of_cells() {
        let header = COLUMNS.join(",");
        let full = "a,Navn,Familiesenteret,Om,universell,0,1,false,samspill,,selvhenvisning,,,,,,,,,,,,,publisert,,,1,";
        let text = format!("{header}\n{full}\nb,for få\n{full},,,\n{full},ekstra\n");
        let errors = parse_csv(&text).err().unwrap_or_default();
        assert_eq!(
            errors,
            vec![
                RowError::new(3, WHOLE_ROW, Problem::UnknownChoice),
                // Trailing empty cells (a spreadsheet's) are fine; a duplicate is not.
                RowError::new(4, "external_id", Problem::Taken),
                RowError::new(5, WHOLE_ROW, Problem::UnknownChoice),
            ]
        );
    }

    #[test]
    fn next_steps_must_be_known() {
        let rows = |ids: &[(&str, &[&str])]| -> Vec<ImportRow> {
            ids.iter()
                .enumerate()
                .map(|(i, (id, next))| ImportRow {
                    line: i + 2,
                    external_id: (*id).into(),
                    provider_unit_name: String::new(),
                    draft: OfferDraft::default(),
                    next_steps: next.iter().map(|s| (*s).to_owned()).collect(),
                })
                .collect()
        };
        let rows = rows(&[("a", &["b", "db"]), ("b", &["b"]), ("c", &["nowhere"])]);
        let errors = check_next_steps(&rows, |id| id == "db");
        assert_eq!(
            errors,
            vec![
                RowError::new(3, "next_steps", Problem::UnknownChoice),
                RowError::new(4, "next_steps", Problem::UnknownChoice),
            ]
        );
    }

    #[test]
    fn every_form_field_has_a_file_key() {
        let unit = UnitId::new();
        let a = fields(unit);
        let mut b = export_rows(UnitId::new())[1].fields.clone();
        b.level = PreventionLevel::Indikert;
        b.age_from = 1;
        b.age_to = 9;
        b.access = AccessRoute::Vedtak;
        let everything: Vec<_> = a.diff(&OfferFields {
            name: "x".into(),
            description: "y".into(),
            access_requirements: "z".into(),
            contact_person: "p".into(),
            contact_phone: "1".into(),
            contact_email: "e@x.no".into(),
            contact_address: "adr".into(),
            capacity: "c".into(),
            evidence_level: 5,
            evidence_local: false,
            evidence_link: String::new(),
            cost: "k".into(),
            status: OfferStatus::Utkast,
            valid_to: NaiveDate::from_ymd_opt(2030, 1, 1),
            ladder_step: 5,
            challenge_areas: vec!["rus".into()],
            ..b
        });
        assert_eq!(everything.len(), 26, "{everything:?}");
        for (field, _, _) in everything {
            assert!(COLUMNS.contains(&file_key(field)), "{field}");
        }
    }

    #[test]
    fn merged_problems_are_ordered_and_unique() {
        let merged = merge_errors(vec![
            RowError::new(5, "age_to", Problem::AgeOrder),
            RowError::new(2, "name", Problem::Required),
            RowError::new(5, "name", Problem::Required),
            RowError::new(5, "age_to", Problem::Required),
            RowError::new(7, "name", Problem::Required),
            RowError::new(7, WHOLE_ROW, Problem::UnknownChoice),
        ]);
        assert_eq!(
            merged,
            vec![
                RowError::new(2, "name", Problem::Required),
                RowError::new(5, "name", Problem::Required),
                RowError::new(5, "age_to", Problem::AgeOrder),
                RowError::new(7, WHOLE_ROW, Problem::UnknownChoice),
            ]
        );
    }

    #[test]
    fn windows_1252_is_read_when_not_utf8() {
        assert_eq!(decode_text(b"R\xe5dhus \x80 \xc6\xd8"), "Rådhus € ÆØ");
        assert_eq!(decode_text("Rådhus".as_bytes()), "Rådhus");
        assert_eq!(
            FileFormat::from_file_name("Tiltak.CSV"),
            Some(FileFormat::Csv)
        );
        assert_eq!(FileFormat::from_file_name("tiltak.xlsx"), None);
    }

    #[test]
    fn the_demo_catalogue_reads() {
        let rows = parse_json(include_str!("../../../cli/demo/offers.json"));
        assert!(rows.is_ok(), "{rows:?}");
        let rows = rows.unwrap_or_default();
        assert!(rows.len() >= 40);
        assert!(check_next_steps(&rows, |_| false).is_empty());
    }
}
