//! `laget demo generate`: synthetic national data in the configured
//! database (`laget_db::generate`), with a progress bar on stderr and the
//! time per stage and the row counts at the end.

use crate::config::Config;
use clap::{Args, Subcommand};
use laget_db::generate::{self, Plan, Stage};
use laget_db::{Db, DbError};
use std::io::Write as _;
use std::process::ExitCode;
use std::time::{Duration, Instant};

#[derive(Subcommand)]
pub enum DemoCommand {
    /// Fill the database with synthetic national data: municipalities
    /// numbered from 9000 with units and staff, and children, a share of
    /// them with logs, consents, teams, measures, meetings and access-log
    /// rows. Only into an empty database made for the purpose: refused when
    /// the database holds any municipality. Staff sign in with the published
    /// demo password, so never run it against a production database.
    Generate(GenerateArgs),
}

#[derive(Args)]
pub struct GenerateArgs {
    /// How many municipalities (at most 900).
    #[arg(long, default_value_t = 356)]
    municipalities: u32,
    /// Children in all, spread over the municipalities by a skewed curve.
    #[arg(long, default_value_t = 1_100_000)]
    children: u64,
    /// The seed of the sizes, names and shapes.
    #[arg(long, default_value_t = 1)]
    seed: u64,
}

/// Runs the command; `Ok(false)` when it was refused (nothing written).
pub fn run(db: &Db, config: &Config, command: DemoCommand) -> anyhow::Result<bool> {
    let DemoCommand::Generate(args) = command;
    let mut plan = Plan {
        municipalities: args.municipalities,
        children: args.children,
        seed: args.seed,
        password_hash: String::new(),
    };
    if let Err(problem) = generate::check(&plan) {
        eprintln!("laget: {problem}");
        return Ok(false);
    }
    let taken = db.read_blocking(|c| generate::taken_numbers(c, &plan))?;
    if !taken.is_empty() {
        let numbers = generate::numbers(&plan);
        eprintln!(
            "laget: refused: the municipality numbers {}–{} are for generated data, and {} of them \
             already exist ({}{}). Nothing was written; generated data is never mixed into an \
             existing municipality. Use a fresh database.",
            numbers[0],
            numbers[numbers.len() - 1],
            taken.len(),
            taken.iter().take(5).cloned().collect::<Vec<_>>().join(", "),
            if taken.len() > 5 { ", …" } else { "" },
        );
        return Ok(false);
    }
    let existing = db.read_blocking(generate::existing_numbers)?;
    if !existing.is_empty() {
        eprintln!(
            "laget: refused: this database already holds {} municipalit{} ({}{}). \
             `laget demo generate` only fills an empty database made for the purpose: it \
             creates staff who sign in with the published demo password, so it must never run \
             against a production database. Nothing was written. Create a fresh database (a new \
             SQLite file, or a new PostgreSQL database or schema) and point --config or \
             LAGET__DATABASE__URL at it.",
            existing.len(),
            if existing.len() == 1 { "y" } else { "ies" },
            existing
                .iter()
                .take(5)
                .cloned()
                .collect::<Vec<_>>()
                .join(", "),
            if existing.len() > 5 { ", …" } else { "" },
        );
        return Ok(false);
    }
    plan.password_hash =
        laget_web::PasswordHasher::new(config.web().password)?.hash(crate::demo::DEMO_PASSWORD)?;

    let started = Instant::now();
    let mut bar = Bar::default();
    let result = generate::national(db, &plan, &mut |stage, done, total| {
        bar.show(stage, done, total);
    });
    let summary = match result {
        Ok(s) => s,
        Err(DbError::Taken) => {
            bar.end();
            eprintln!("laget: refused: a municipality was added to the database meanwhile");
            return Ok(false);
        }
        Err(e) => {
            bar.end();
            return Err(e.into());
        }
    };
    bar.end();
    let all = started.elapsed();

    println!("Generated in {}:", secs(all));
    for (stage, took) in &summary.stages {
        println!("  {:<30} {}", stage.name(), secs(*took));
    }
    let c = &summary.counts;
    println!("Rows:");
    for (name, n) in [
        ("municipalities", c.municipalities),
        ("units", c.units),
        ("users (staff)", c.users),
        ("children", c.children),
        ("guardians", c.guardians),
        ("logs", c.logs),
        ("  of them open", c.open_logs),
        ("consents", c.consents),
        ("team members", c.team_members),
        ("measures", c.measures),
        ("evaluations", c.evaluations),
        ("meetings", c.meetings),
        ("meeting participants", c.meeting_participants),
        ("timeline entries", c.log_entries),
        ("access-log rows", c.access_log),
    ] {
        println!("  {name:<22} {n:>10}");
    }
    if let (Some(first), Some(last)) = (summary.sizes.first(), summary.sizes.last()) {
        let median = &summary.sizes[summary.sizes.len() / 2];
        println!(
            "Children per municipality: largest {} ({}), median {}, smallest {} ({}).",
            first.1, first.0, median.1, last.1, last.0
        );
    }
    println!(
        "Staff sign in as g<number>-<unit>-<n> (g<number>-admin: the municipality's \
         administrator) with the demo password {}.",
        crate::demo::DEMO_PASSWORD
    );
    for s in &summary.samples {
        println!(
            "Sample: log {} ({} entries), opened by its lead {}.",
            s.log,
            generate::SAMPLE_ENTRIES,
            s.username
        );
    }
    Ok(true)
}

/// A one-line progress bar on stderr, redrawn with `\r` at most five times a
/// second, and ended with a newline when its stage ends. When stderr is not
/// a terminal (cron, a file, journald) only the finished stage is written,
/// one line each, without `\r`.
struct Bar {
    stage: Option<Stage>,
    started: Option<Instant>,
    drawn: Option<Instant>,
    terminal: bool,
    /// The last state of the current stage, for the line written when it ends
    /// off a terminal.
    last: Option<(u64, u64)>,
}

impl Default for Bar {
    fn default() -> Self {
        Self {
            stage: None,
            started: None,
            drawn: None,
            terminal: std::io::IsTerminal::is_terminal(&std::io::stderr()),
            last: None,
        }
    }
}

impl Bar {
    fn show(&mut self, stage: Stage, done: u64, total: u64) {
        let now = Instant::now();
        if self.stage != Some(stage) {
            self.end();
            self.stage = Some(stage);
            self.started = Some(now);
            self.drawn = None;
        }
        self.last = Some((done, total));
        if !self.terminal {
            return;
        }
        let finished = done >= total;
        if !finished
            && self
                .drawn
                .is_some_and(|d| now - d < Duration::from_millis(200))
        {
            return;
        }
        self.drawn = Some(now);
        let took = self.started.map_or(Duration::ZERO, |s| now - s);
        let mut err = std::io::stderr().lock();
        let _ = write!(err, "\r{}   ", line(stage, done, total, took));
        let _ = err.flush();
    }

    fn end(&mut self) {
        if let Some(stage) = self.stage.take() {
            if self.terminal {
                eprintln!();
            } else {
                let (done, total) = self.last.take().unwrap_or((0, 0));
                let took = self.started.map_or(Duration::ZERO, |s| s.elapsed());
                eprintln!("{}", line(stage, done, total, took));
            }
        }
    }
}

/// The bar's text: stage, bar, count, percent, rate and time.
fn line(stage: Stage, done: u64, total: u64, took: Duration) -> String {
    let rate = done as f64 / took.as_secs_f64().max(1e-3);
    let pct = if total == 0 {
        100.0
    } else {
        done as f64 * 100.0 / total as f64
    };
    let width = 30usize;
    let filled = (((pct / 100.0) * width as f64) as usize).min(width);
    format!(
        "{:<30} [{}{}] {done}/{total} {pct:5.1} % {rate:>9.0}/s {}",
        stage.name(),
        "#".repeat(filled),
        " ".repeat(width - filled),
        secs(took),
    )
}

fn secs(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s < 60.0 {
        format!("{s:.1} s")
    } else {
        format!("{}:{:04.1} min", (s / 60.0) as u64, s % 60.0)
    }
}

/// The exit code of a refusal: nothing was written.
pub const REFUSED: u8 = 2;

pub fn exit(ok: bool) -> ExitCode {
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(REFUSED)
    }
}
