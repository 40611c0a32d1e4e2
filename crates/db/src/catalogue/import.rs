//! Importing and exporting a municipality's catalogue of measures (the file
//! format is in `laget_domain::catalogue_io`).
//!
//! An import checks every row before it writes anything, and writes nothing
//! if any row has a problem: it returns them all instead. Otherwise it
//! creates or updates each offer by its external id, through
//! [`offers::create`] and [`offers::update`], so that a substantive change to
//! a published offer becomes a proposal for the coordinating unit exactly as
//! when it is made in the form; then it sets the «next step» links that
//! differ. An import never deletes: an offer missing from the file stays as
//! it is (to withdraw one, set its status to `avsluttet` in the file).
//! Importing the same file twice changes nothing the second time, also while
//! a proposal it made is still waiting.
//!
//! The whole import is one transaction (a savepoint when the caller is in a
//! transaction already, as inside [`Db::write_blocking`]); a dry run does all
//! the work and then rolls it back, so its report is exactly what a real run
//! would do.
//!
//! # External ids and offers made in the form
//!
//! An offer made in the web form has no external id. An export names it by
//! its UUID, and an import takes the UUID of such an offer of the
//! municipality as its external id, so that export → import changes nothing.
//! (The offer keeps having no external id; any other new external id creates
//! a new offer.)

use crate::catalogue::offers::{self, Offer, SaveOutcome};
use crate::{Db, DbConnection, DbError, DbResult, admin::units, parse_id, schema};
use chrono::{Days, NaiveDate};
use diesel::prelude::*;
use laget_domain::MunicipalityId;
use laget_domain::access::MunicipalityAdmin;
use laget_domain::catalogue::io::{
    self as catalogue_io, ExportRow, FileFormat, ImportRow, RowError, check_next_steps, file_key,
    merge_errors,
};
use laget_domain::catalogue::{OfferFields, OfferFilter, OfferSort, PROPOSAL_DAYS, ProposalStatus};
use laget_domain::ids::OfferId;
use laget_domain::validation::Problem;
use std::collections::{BTreeSet, HashMap};

/// How far an import has come, for a progress bar. Every row is counted
/// three times: checked, saved, linked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Progress {
    pub done: usize,
    pub total: usize,
}

/// What an import did (or, in a dry run, would do) with one offer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Created,
    /// Changed at once (a draft, an editorial change, new next steps).
    Updated,
    /// A substantive change to a published offer now waits for the
    /// coordinating unit; any editorial part was applied at once.
    Proposed,
    /// The same substantive change already waits for the coordinating unit.
    AlreadyProposed,
    Unchanged,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RowOutcome {
    pub line: usize,
    pub external_id: String,
    pub name: String,
    pub outcome: Outcome,
    /// File keys of the values changed at once (`"next_steps"` included).
    pub changed: Vec<&'static str>,
    /// File keys of the values that wait for the coordinating unit.
    pub waiting: Vec<&'static str>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImportReport {
    pub created: usize,
    pub updated: usize,
    /// Substantive changes now waiting for the coordinating unit.
    pub proposed: usize,
    /// Offers left as they were, including those whose change already waits
    /// for the coordinating unit.
    pub unchanged: usize,
    /// One entry per row, in file order.
    pub rows: Vec<RowOutcome>,
    /// Whether the changes were rolled back (a dry run).
    pub dry_run: bool,
}

/// The problems of a file, or what its import did.
pub type ImportResult = Result<ImportReport, Vec<RowError>>;

/// Imports rows already read from a file (`catalogue_io::parse_json` or
/// `parse_csv`) into the catalogue of `cap`'s municipality. With `dry_run`,
/// everything is done and then rolled back. `progress` is called as rows are
/// checked and saved.
pub fn import(
    conn: &mut DbConnection,
    cap: &MunicipalityAdmin,
    rows: &[ImportRow],
    today: NaiveDate,
    dry_run: bool,
    progress: &mut dyn FnMut(Progress),
) -> DbResult<ImportResult> {
    atomically(conn, dry_run, |c| {
        run(c, cap, rows, Vec::new(), today, progress)
    })
}

/// Reads a file's text and imports it: the file's own problems (structure,
/// types, duplicate ids) and the rows' problems are reported together. This
/// is what an upload page calls, inside [`Db::write`].
pub fn import_text(
    conn: &mut DbConnection,
    cap: &MunicipalityAdmin,
    format: FileFormat,
    text: &str,
    today: NaiveDate,
    dry_run: bool,
    progress: &mut dyn FnMut(Progress),
) -> DbResult<ImportResult> {
    let (rows, errors) = catalogue_io::read(format, text);
    atomically(conn, dry_run, |c| {
        run(c, cap, &rows, errors, today, progress)
    })
}

/// [`import_text`] in a transaction of its own (the command line).
pub fn import_in(
    db: &Db,
    cap: &MunicipalityAdmin,
    format: FileFormat,
    text: &str,
    today: NaiveDate,
    dry_run: bool,
    progress: &mut dyn FnMut(Progress),
) -> DbResult<ImportResult> {
    db.write_blocking(|c| import_text(c, cap, format, text, today, dry_run, progress))
}

/// Why the import's transaction ends without committing.
enum Stop {
    Failed(DbError),
    /// A dry run, or a file with problems: the result stands, the changes go.
    RolledBack(ImportResult),
}

impl From<diesel::result::Error> for Stop {
    fn from(e: diesel::result::Error) -> Self {
        Self::Failed(e.into())
    }
}

fn atomically(
    conn: &mut DbConnection,
    dry_run: bool,
    f: impl FnOnce(&mut DbConnection) -> DbResult<ImportResult>,
) -> DbResult<ImportResult> {
    let outcome = conn.transaction::<_, Stop, _>(|c| match f(c).map_err(Stop::Failed)? {
        Ok(report) if !dry_run => Ok(Ok(report)),
        other => Err(Stop::RolledBack(other)),
    });
    match outcome {
        Ok(result) => Ok(result),
        Err(Stop::RolledBack(mut result)) => {
            if let Ok(report) = &mut result {
                report.dry_run = true;
            }
            Ok(result)
        }
        Err(Stop::Failed(e)) => Err(e),
    }
}

/// The external ids that name offers of `m`: their own, or (offers without
/// one) their UUID.
fn existing_keys(conn: &mut DbConnection, m: MunicipalityId) -> DbResult<HashMap<String, OfferId>> {
    let rows: Vec<(String, Option<String>)> = schema::offers::table
        .filter(schema::offers::municipality_id.eq(m.to_string()))
        .select((schema::offers::id, schema::offers::external_id))
        .load(conn)?;
    rows.into_iter()
        .map(|(id, external)| Ok((external.unwrap_or_else(|| id.clone()), parse_id(&id)?)))
        .collect()
}

/// The unit called `name` among `units`: exactly, or else ignoring case.
/// Two units of the same name are ambiguous.
fn find_unit(units: &[units::Unit], name: &str) -> Result<laget_domain::UnitId, Problem> {
    if name.is_empty() {
        return Err(Problem::Required);
    }
    let exact: Vec<_> = units.iter().filter(|u| u.name == name).collect();
    let found = if exact.is_empty() {
        let lower = name.to_lowercase();
        units
            .iter()
            .filter(|u| u.name.to_lowercase() == lower)
            .collect()
    } else {
        exact
    };
    match found.as_slice() {
        [unit] => Ok(unit.id),
        _ => Err(Problem::UnknownChoice),
    }
}

/// Checks every row against the municipality; the fields of each row that
/// parsed (`None` for the others) and every problem.
fn validate(
    conn: &mut DbConnection,
    m: MunicipalityId,
    rows: &[ImportRow],
    existing: &HashMap<String, OfferId>,
    tick: &mut dyn FnMut(),
) -> DbResult<(Vec<Option<OfferFields>>, Vec<RowError>)> {
    let units = units::list_in_municipality(conn, m)?;
    let unit_ids: Vec<_> = units.iter().map(|u| u.id).collect();
    let areas: Vec<String> = offers::challenge_areas(conn, m)?
        .into_iter()
        .map(|(code, _)| code)
        .collect();
    let mut fields = Vec::with_capacity(rows.len());
    let mut errors = Vec::new();
    for row in rows {
        let mut draft = row.draft.clone();
        let unit = find_unit(&units, row.provider_unit_name.trim());
        if let Ok(id) = unit {
            draft.provider_unit = id.to_string();
        }
        match draft.parse(&unit_ids, &areas) {
            Ok(f) => fields.push(Some(f)),
            Err(problems) => {
                fields.push(None);
                for p in problems {
                    if p.field == "tilbyder" && unit.is_err() {
                        continue;
                    }
                    errors.push(RowError::new(row.line, file_key(p.field), p.problem));
                }
            }
        }
        if let Err(problem) = unit {
            errors.push(RowError::new(row.line, "provider_unit", problem));
        }
        tick();
    }
    errors.extend(check_next_steps(rows, |id| existing.contains_key(id)));
    Ok((fields, errors))
}

fn run(
    conn: &mut DbConnection,
    cap: &MunicipalityAdmin,
    rows: &[ImportRow],
    file_errors: Vec<RowError>,
    today: NaiveDate,
    progress: &mut dyn FnMut(Progress),
) -> DbResult<ImportResult> {
    let m = cap.municipality_id();
    let total = rows.len() * 3;
    let mut done = 0;
    let mut tick = || {
        done += 1;
        progress(Progress { done, total });
    };
    let existing = existing_keys(conn, m)?;
    let (fields, row_errors) = validate(conn, m, rows, &existing, &mut tick)?;
    let mut errors = file_errors;
    errors.extend(row_errors);
    let errors = merge_errors(errors);
    if !errors.is_empty() {
        return Ok(Err(errors));
    }
    let due = today
        .checked_add_days(Days::new(PROPOSAL_DAYS))
        .unwrap_or(today);

    let mut ids = existing;
    let mut outcomes = Vec::with_capacity(rows.len());
    for (row, fields) in rows.iter().zip(fields) {
        let Some(fields) = fields else {
            return Err(DbError::Corrupt("a checked row has no fields".into()));
        };
        let outcome = match ids.get(&row.external_id) {
            None => {
                let id = offers::create(conn, cap, m, &fields, Some(&row.external_id))?;
                ids.insert(row.external_id.clone(), id);
                RowOutcome {
                    line: row.line,
                    external_id: row.external_id.clone(),
                    name: fields.name.clone(),
                    outcome: Outcome::Created,
                    changed: Vec::new(),
                    waiting: Vec::new(),
                }
            }
            Some(id) => {
                let current = offers::get(conn, *id)?;
                save(conn, cap, row, &current, &fields, due)?
            }
        };
        outcomes.push(outcome);
        tick();
    }

    let mut links: HashMap<OfferId, BTreeSet<OfferId>> = HashMap::new();
    for (from, to) in offers::all_next_steps(conn, m)? {
        links.entry(from).or_default().insert(to);
    }
    for (row, outcome) in rows.iter().zip(outcomes.iter_mut()) {
        let id = *ids
            .get(&row.external_id)
            .ok_or_else(|| DbError::Corrupt("an imported offer has no id".into()))?;
        let wanted: BTreeSet<OfferId> = row
            .next_steps
            .iter()
            .filter_map(|next| ids.get(next).copied())
            .filter(|next| *next != id)
            .collect();
        if links.get(&id).cloned().unwrap_or_default() != wanted {
            let next: Vec<OfferId> = wanted.into_iter().collect();
            offers::set_next_steps(conn, cap, id, &next)?;
            if outcome.outcome != Outcome::Created {
                outcome.changed.push("next_steps");
            }
            if matches!(
                outcome.outcome,
                Outcome::Unchanged | Outcome::AlreadyProposed
            ) {
                outcome.outcome = Outcome::Updated;
            }
        }
        tick();
    }

    let mut report = ImportReport::default();
    for o in &outcomes {
        match o.outcome {
            Outcome::Created => report.created += 1,
            Outcome::Updated => report.updated += 1,
            Outcome::Proposed => report.proposed += 1,
            Outcome::AlreadyProposed | Outcome::Unchanged => report.unchanged += 1,
        }
    }
    report.rows = outcomes;
    Ok(Ok(report))
}

fn keys(diff: Vec<(&'static str, String, String)>) -> Vec<&'static str> {
    diff.into_iter()
        .map(|(field, _, _)| file_key(field))
        .collect()
}

/// Saves an existing offer's new fields through [`offers::update`].
fn save(
    conn: &mut DbConnection,
    cap: &MunicipalityAdmin,
    row: &ImportRow,
    current: &Offer,
    new: &OfferFields,
    due: NaiveDate,
) -> DbResult<RowOutcome> {
    let old = &current.fields;
    // What applies at once: everything, or only the editorial part.
    let at_once = new.with_substantive_from(old);
    let substantive = !old.substantive_changes(new).is_empty();
    let mut outcome = RowOutcome {
        line: row.line,
        external_id: row.external_id.clone(),
        name: new.name.clone(),
        outcome: Outcome::Unchanged,
        changed: Vec::new(),
        waiting: Vec::new(),
    };
    if new == old {
        return Ok(outcome);
    }
    if !substantive {
        offers::update(conn, cap, current.id, new, due)?;
        outcome.outcome = Outcome::Updated;
        outcome.changed = keys(old.diff(new));
        return Ok(outcome);
    }
    // The same substantive change waits already: apply only the editorial part.
    let already = offers::proposals_for(conn, current.id)?
        .into_iter()
        .any(|p| {
            p.status == ProposalStatus::Venter
                && old.with_substantive_from(&p.fields) == old.with_substantive_from(new)
        });
    outcome.changed = keys(old.diff(&at_once));
    if already {
        if at_once != *old {
            offers::update(conn, cap, current.id, &at_once, due)?;
            outcome.outcome = Outcome::Updated;
        } else {
            outcome.outcome = Outcome::AlreadyProposed;
        }
        return Ok(outcome);
    }
    outcome.waiting = keys(at_once.diff(new));
    outcome.outcome = match offers::update(conn, cap, current.id, new, due)? {
        SaveOutcome::Proposed(_) | SaveOutcome::Extended(_) => Outcome::Proposed,
        SaveOutcome::Saved => Outcome::Updated,
        SaveOutcome::Unchanged => Outcome::Unchanged,
    };
    Ok(outcome)
}

/// Every offer of `m`, of any status, as rows of a file, sorted by external
/// id (then name). An offer without an external id is named by its UUID (see
/// the module docs); next steps are external ids, sorted.
pub fn export(conn: &mut DbConnection, m: MunicipalityId) -> DbResult<Vec<ExportRow>> {
    let search = offers::Search {
        municipality: Some(m),
        filter: OfferFilter::default(),
        sort: OfferSort::Name,
        visibility: offers::Visibility::All,
        offset: 0,
        limit: i64::MAX,
    };
    let (all, _) = offers::search(conn, &search)?;
    let key = |o: &Offer| o.external_id.clone().unwrap_or_else(|| o.id.to_string());
    let keys: HashMap<OfferId, String> = all.iter().map(|o| (o.id, key(o))).collect();
    let mut next: HashMap<OfferId, Vec<String>> = HashMap::new();
    for (from, to) in offers::all_next_steps(conn, m)? {
        if let Some(k) = keys.get(&to) {
            next.entry(from).or_default().push(k.clone());
        }
    }
    let mut rows: Vec<ExportRow> = all
        .into_iter()
        .map(|o| {
            let mut next_steps = next.remove(&o.id).unwrap_or_default();
            next_steps.sort();
            ExportRow {
                external_id: key(&o),
                provider_unit_name: o.provider_name,
                fields: o.fields,
                next_steps,
            }
        })
        .collect();
    rows.sort_by(|a, b| (&a.external_id, &a.fields.name).cmp(&(&b.external_id, &b.fields.name)));
    Ok(rows)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;
    use crate::admin::municipalities::{self, NewMunicipality};
    use laget_domain::access::Operator;
    use laget_domain::admin::municipality::{
        MunicipalityName, MunicipalityNumber, WrittenStandard,
    };
    use laget_domain::admin::unit::{UnitKind, UnitName};
    use laget_domain::catalogue::io::{COLUMNS, to_csv, to_json};

    /// Removes a test database when dropped.
    enum Cleanup {
        Dir(std::path::PathBuf),
        Schema(String, String),
    }

    impl Drop for Cleanup {
        fn drop(&mut self) {
            match self {
                Self::Dir(dir) => {
                    let _ = std::fs::remove_dir_all(dir);
                }
                Self::Schema(url, schema) => {
                    let _ = Db::drop_schema(url, schema);
                }
            }
        }
    }

    /// A fresh database: a SQLite file, and a PostgreSQL schema too when
    /// `DATABASE_URL` is set.
    fn databases() -> Vec<(Db, Cleanup)> {
        let dir =
            std::env::temp_dir().join(format!("laget-import-{}", uuid::Uuid::now_v7().simple()));
        let mut all = vec![(
            Db::connect(&dir.join("db.sqlite3").to_string_lossy())
                .unwrap()
                .with_audit_key(laget_domain::audit::AuditKey::from_bytes([5; 32])),
            Cleanup::Dir(dir),
        )];
        if let Ok(url) = std::env::var("DATABASE_URL")
            && !url.is_empty()
        {
            let schema = format!("import_{}", uuid::Uuid::now_v7().simple());
            all.push((
                Db::connect_in_schema(&url, Some(&schema))
                    .unwrap()
                    .with_audit_key(laget_domain::audit::AuditKey::from_bytes([5; 32])),
                Cleanup::Schema(url, schema),
            ));
        }
        for (db, _) in &all {
            db.migrate().unwrap();
        }
        all
    }

    fn setup(c: &mut DbConnection) -> DbResult<(MunicipalityAdmin, laget_domain::UnitId)> {
        let op = Operator::at_console();
        let m = municipalities::create(
            c,
            &op.system(),
            &NewMunicipality {
                number: MunicipalityNumber::parse("9999").unwrap(),
                name: MunicipalityName::parse("Demo kommune").unwrap(),
                written_standard: WrittenStandard::Bokmal,
            },
            "test",
        )?;
        let cap = op.administer(m);
        let unit = units::create(
            c,
            &cap,
            &units::UnitFields {
                name: UnitName::parse("Familiesenteret").unwrap(),
                kind: UnitKind::Familiesenter,
                active: true,
                also_serves: vec![],
            },
            "test",
        )?;
        Ok((cap, unit))
    }

    fn row(unit: laget_domain::UnitId) -> OfferFields {
        laget_domain::catalogue::OfferDraft {
            name: "Foreldregruppe".into(),
            provider_unit: unit.to_string(),
            description: "Om gruppen.".into(),
            level: "universell".into(),
            age_from: "0".into(),
            age_to: "6".into(),
            challenge_areas: vec!["samspill".into()],
            access: "selvhenvisning".into(),
            status: "publisert".into(),
            ladder_step: "1".into(),
            ..Default::default()
        }
        .parse(&[unit], &["samspill".to_owned()])
        .unwrap()
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
    }

    #[test]
    fn an_offer_made_in_the_form_round_trips_by_its_uuid() {
        for (db, _cleanup) in databases() {
            let (cap, unit) = db.write_blocking(setup).unwrap();
            let m = cap.municipality_id();
            let id = db
                .write_blocking(|c| offers::create(c, &cap, m, &row(unit), None))
                .unwrap();
            let exported = db.read_blocking(|c| export(c, m)).unwrap();
            assert_eq!(exported.len(), 1);
            assert_eq!(exported[0].external_id, id.to_string());
            for (format, text) in [
                (FileFormat::Json, to_json(&exported)),
                (FileFormat::Csv, to_csv(&exported, b';', true)),
            ] {
                let report = import_in(&db, &cap, format, &text, today(), false, &mut |_| {})
                    .unwrap()
                    .unwrap();
                assert_eq!((report.created, report.unchanged), (0, 1), "{format:?}");
            }
            assert_eq!(db.read_blocking(|c| export(c, m)).unwrap(), exported);
        }
    }

    #[test]
    fn inside_a_callers_transaction_a_dry_run_and_a_bad_file_leave_no_trace() {
        for (db, _cleanup) in databases() {
            let (cap, unit) = db.write_blocking(setup).unwrap();
            let m = cap.municipality_id();
            let good = to_json(&[ExportRow {
                external_id: "a".into(),
                provider_unit_name: "Familiesenteret".into(),
                fields: row(unit),
                next_steps: vec![],
            }]);
            let mut seen = Vec::new();
            let report = db
                .write_blocking(|c| {
                    let r =
                        import_text(c, &cap, FileFormat::Json, &good, today(), true, &mut |p| {
                            seen.push(p)
                        })?;
                    // The caller's own transaction goes on after the rollback.
                    assert!(export(c, m)?.is_empty());
                    Ok(r)
                })
                .unwrap()
                .unwrap();
            assert!(report.dry_run);
            assert_eq!(report.created, 1);
            assert_eq!(seen.last(), Some(&Progress { done: 3, total: 3 }));

            let bad = good.replace("\"Familiesenteret\"", "\"Ukjent\"");
            let errors = import_in(
                &db,
                &cap,
                FileFormat::Json,
                &bad,
                today(),
                false,
                &mut |_| {},
            )
            .unwrap()
            .unwrap_err();
            assert_eq!(
                errors,
                vec![RowError::new(2, "provider_unit", Problem::UnknownChoice)]
            );
            let header = COLUMNS.join(",");
            let errors = import_in(
                &db,
                &cap,
                FileFormat::Csv,
                &header,
                today(),
                false,
                &mut |_| {},
            )
            .unwrap();
            assert_eq!(
                errors.map(|r| r.created),
                Ok(0),
                "a header alone is an empty file"
            );
            assert!(db.read_blocking(|c| export(c, m)).unwrap().is_empty());
        }
    }
}
