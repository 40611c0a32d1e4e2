//! `laget import offers …` and `laget export offers …`: the catalogue of
//! measures as JSON or CSV files (the format: `laget_domain::catalogue_io`).

use crate::admin::municipality_by_number;
use anyhow::{Context as _, bail};
use clap::{Subcommand, ValueEnum};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use laget_db::Db;
use laget_db::catalogue::import::{self as offers_import, ImportReport, Outcome, Progress};
use laget_domain::access::Operator;
use laget_domain::catalogue::io::{self as catalogue_io, FileFormat, RowError};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Subcommand)]
pub enum ImportCommand {
    /// Import offers into a municipality's catalogue from a .json or .csv
    /// file. Every bad row is reported and nothing is imported if any row
    /// is bad; offers are matched by external_id, so importing the same file
    /// again changes nothing.
    Offers {
        /// Number of the municipality.
        #[arg(long)]
        municipality: String,
        /// The file (.json or .csv).
        file: PathBuf,
        /// Show what would change, and change nothing.
        #[arg(long)]
        dry_run: bool,
    },
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Json,
    Csv,
}

#[derive(Subcommand)]
pub enum ExportCommand {
    /// Export a municipality's catalogue (every offer, drafts included) in
    /// the format the import reads.
    Offers {
        /// Number of the municipality.
        #[arg(long)]
        municipality: String,
        /// json (default) or csv.
        #[arg(long, value_enum)]
        format: Option<Format>,
        /// CSV for Excel: UTF-8 with byte-order mark, semicolons, formulas
        /// guarded.
        #[arg(long)]
        excel: bool,
        /// CSV separated by semicolons instead of commas.
        #[arg(long)]
        semicolon: bool,
        /// Write to this file instead of standard output.
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
}

/// Today in Norway (proposals are due a number of days from it).
pub(crate) fn today() -> chrono::NaiveDate {
    chrono::Utc::now()
        .with_timezone(&chrono_tz::Europe::Oslo)
        .date_naive()
}

pub fn import(db: &Db, command: ImportCommand) -> anyhow::Result<ExitCode> {
    let ImportCommand::Offers {
        municipality,
        file,
        dry_run,
    } = command;
    let name = file.display().to_string();
    let Some(format) = FileFormat::from_file_name(&name) else {
        bail!("{name}: the file name must end in .json or .csv");
    };
    let bytes = std::fs::read(&file).with_context(|| format!("cannot read {name}"))?;
    let text = catalogue_io::decode_text(&bytes);
    let m = db
        .read_blocking(|c| {
            municipality_by_number(c, &municipality)
                .map_err(|e| laget_db::DbError::Corrupt(e.to_string()))
        })
        .map_err(|e| anyhow::anyhow!("{}", without_prefix(&e)))?;
    let cap = Operator::at_console().administer(m.id);

    let bar = progress_bar();
    let mut progress = |p: Progress| {
        if bar.length() != Some(p.total as u64) {
            bar.set_length(p.total as u64);
        }
        bar.set_position(p.done as u64);
    };
    let result = offers_import::import_in(db, &cap, format, &text, today(), dry_run, &mut progress);
    bar.finish_and_clear();

    let mut out = std::io::stdout().lock();
    match result? {
        Err(errors) => {
            for e in &errors {
                writeln!(out, "{}", describe(e, format))?;
            }
            writeln!(
                out,
                "Ingenting ble importert: {} feil i {name}.",
                errors.len()
            )?;
            Ok(ExitCode::FAILURE)
        }
        Ok(report) => {
            print_report(&mut out, &report, &name, &m.name)?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// A database error raised as `Corrupt` to carry a message out of a
/// transaction, without its «stored data is not valid» prefix.
fn without_prefix(e: &laget_db::DbError) -> String {
    match e {
        laget_db::DbError::Corrupt(message) => message.clone(),
        other => other.to_string(),
    }
}

fn progress_bar() -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
    if let Ok(style) = ProgressStyle::with_template("{bar:40} {percent:>3} %  {msg}") {
        bar.set_style(style);
    }
    bar.set_message("sjekker og lagrer tilbud");
    bar
}

/// One problem as a line of the report, in Norwegian.
fn describe(e: &RowError, format: FileFormat) -> String {
    laget_web::i18n::NB.import_error(e, format)
}

fn print_report(
    out: &mut impl Write,
    report: &ImportReport,
    file: &str,
    municipality: &str,
) -> std::io::Result<()> {
    if report.dry_run {
        writeln!(
            out,
            "Prøvekjøring: ingenting er lagret. Dette ville skjedd:"
        )?;
    }
    for row in &report.rows {
        let what = match row.outcome {
            Outcome::Created => "ny".to_owned(),
            Outcome::Updated => format!("endret: {}", row.changed.join(", ")),
            Outcome::Proposed => {
                let mut s = format!(
                    "forslag til koordinerende enhet: {}",
                    row.waiting.join(", ")
                );
                if !row.changed.is_empty() {
                    s.push_str(&format!(" (endret nå: {})", row.changed.join(", ")));
                }
                s
            }
            Outcome::AlreadyProposed | Outcome::Unchanged => continue,
        };
        // A real run lists only what waits for the coordinating unit.
        if report.dry_run || row.outcome == Outcome::Proposed {
            writeln!(
                out,
                "  linje {}  {}  «{}»: {what}",
                row.line, row.external_id, row.name
            )?;
        }
    }
    let waiting = report
        .rows
        .iter()
        .filter(|r| r.outcome == Outcome::AlreadyProposed)
        .count();
    let verb = if report.dry_run {
        "Ville importert"
    } else {
        "Importerte"
    };
    writeln!(
        out,
        "{verb} {file} til {municipality}: {} nye, {} endret, {} forslag til koordinerende enhet, {} uendret.",
        report.created, report.updated, report.proposed, report.unchanged
    )?;
    if waiting > 0 {
        writeln!(
            out,
            "{waiting} endring(er) fra før venter fortsatt på koordinerende enhet."
        )?;
    }
    Ok(())
}

pub fn export(db: &Db, command: ExportCommand) -> anyhow::Result<ExitCode> {
    let ExportCommand::Offers {
        municipality,
        format,
        excel,
        semicolon,
        output,
    } = command;
    let format = match format {
        Some(f) => f,
        None if excel || semicolon => Format::Csv,
        None => Format::Json,
    };
    if format == Format::Json && (excel || semicolon) {
        bail!("--excel and --semicolon are for --format csv");
    }
    let rows = db
        .read_blocking(|c| {
            let m = municipality_by_number(c, &municipality)
                .map_err(|e| laget_db::DbError::Corrupt(e.to_string()))?;
            offers_import::export(c, m.id)
        })
        .map_err(|e| anyhow::anyhow!("{}", without_prefix(&e)))?;
    let text = match format {
        Format::Json => catalogue_io::to_json(&rows),
        Format::Csv => {
            let delimiter = if excel || semicolon { b';' } else { b',' };
            catalogue_io::to_csv(&rows, delimiter, excel)
        }
    };
    match output {
        Some(path) => {
            write_file(&path, &text)?;
            eprintln!("Eksporterte {} tilbud til {}.", rows.len(), path.display());
        }
        None => std::io::stdout().lock().write_all(text.as_bytes())?,
    }
    Ok(ExitCode::SUCCESS)
}

fn write_file(path: &Path, text: &str) -> anyhow::Result<()> {
    std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))
}
