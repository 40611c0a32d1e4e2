//! The access log's key and checkpoints: the two things that live outside the
//! database, so that someone who can write the database cannot rewrite the
//! log unseen (docs/ARCHITECTURE.md, «The access log's threat model»).
//!
//! - The key (`audit.key_file`, or `audit.key`) keys every row's hash. The
//!   first command that writes creates the file (mode 0600) when it is
//!   missing, but only while no row of the log is keyed yet: a lost key is
//!   never silently replaced.
//! - Checkpoints (`audit.checkpoint_file`) are lines appended by `laget
//!   serve` (at start, every `audit.checkpoint_minutes`, at shutdown), by
//!   `laget admin` after each change, and by `laget audit checkpoint`. Each
//!   signs the chain's head with the key.
//! - `laget audit verify` checks the chain with the key and compares it with
//!   every checkpoint.

use crate::config::AuditConfig;
use anyhow::Context as _;
use laget_db::Db;
use laget_domain::audit::{AuditKey, BrokenLink, Checkpoint, CheckpointError, Finding, Verdict};
use std::io::Write as _;
use std::path::Path;
use std::process::ExitCode;

/// The key, from `audit.key` or else `audit.key_file`; `None` when neither
/// is set and the file does not exist.
pub fn load_key(config: &AuditConfig) -> anyhow::Result<Option<AuditKey>> {
    if let Some(key) = &config.key {
        return AuditKey::from_hex(key)
            .map(Some)
            .context("audit.key is not 64 hexadecimal digits");
    }
    let path = Path::new(&config.key_file);
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(e).with_context(|| format!("cannot read the audit key {}", path.display()));
        }
    };
    warn_if_readable_by_others(path);
    AuditKey::from_hex(&text)
        .map(Some)
        .with_context(|| format!("{} does not hold 64 hexadecimal digits", path.display()))
}

#[cfg(unix)]
fn warn_if_readable_by_others(path: &Path) {
    use std::os::unix::fs::PermissionsExt as _;
    if let Ok(meta) = std::fs::metadata(path)
        && meta.permissions().mode() & 0o077 != 0
    {
        tracing::warn!(
            file = %path.display(),
            "the access log's key file can be read by others than its owner (chmod 600)"
        );
    }
}

#[cfg(not(unix))]
fn warn_if_readable_by_others(_path: &Path) {}

/// The key for a command that writes: loaded, or made and saved when there
/// is none yet and no row of the log is keyed (a fresh database, or one
/// written by a Laget from before the key). `db` must be migrated.
pub fn load_or_create_key(config: &AuditConfig, db: &Db) -> anyhow::Result<AuditKey> {
    if let Some(key) = load_key(config)? {
        return Ok(key);
    }
    let head = db.read_blocking(laget_db::audit::head)?;
    let path = Path::new(&config.key_file);
    anyhow::ensure!(
        head.seq < head.keyed_from,
        "the access log was written with a key, but the key file {} does not exist. \
         Restore it (or point audit.key_file at it): a new key would leave the log unverifiable",
        path.display()
    );
    let key = AuditKey::from_bytes(rand::random());
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options
        .open(path)
        .with_context(|| format!("cannot create the audit key {}", path.display()))?;
    file.write_all(format!("{}\n", key.to_hex()).as_bytes())?;
    file.sync_all()?;
    println!(
        "Created the access log's key in {}. Keep a copy apart from the database and its backups.",
        path.display()
    );
    Ok(key)
}

/// Refuses a key that does not fit the newest row, before anything is
/// written under it (a wrong key file would make the rest of the log
/// unverifiable).
pub fn ensure_key_fits(db: &Db, config: &AuditConfig) -> anyhow::Result<()> {
    anyhow::ensure!(
        db.read_blocking(laget_db::audit::key_fits)?,
        "the access log's newest row does not verify with the key from {}: a wrong key, \
         or the log was changed. Run `laget audit verify`",
        key_source(config)
    );
    Ok(())
}

fn key_source(config: &AuditConfig) -> String {
    match config.key {
        Some(_) => "audit.key".into(),
        None => config.key_file.clone(),
    }
}

/// Signs the chain's head as `db` records it now and appends the line to the
/// checkpoint file (made if missing, mode 0600), flushed to disk.
pub fn write_checkpoint(
    config: &AuditConfig,
    db: &Db,
    key: &AuditKey,
) -> anyhow::Result<Checkpoint> {
    let head = db.read_blocking(laget_db::audit::head)?;
    let checkpoint = Checkpoint::of(&head, chrono::Utc::now());
    let path = Path::new(&config.checkpoint_file);
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.append(true).create(true);
    // Made readable by its owner only, whatever the umask (by hand, outside
    // systemd's UMask=0077); an existing file keeps its mode.
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options
        .open(path)
        .with_context(|| format!("cannot open the checkpoint file {}", path.display()))?;
    file.write_all(format!("{}\n", checkpoint.to_signed_line(key)).as_bytes())?;
    file.sync_data()?;
    Ok(checkpoint)
}

/// What a checkpoint file holds.
struct Checkpoints {
    valid: Vec<Checkpoint>,
    /// Line numbers (from 1) of lines that cannot be trusted.
    rejected: Vec<(usize, CheckpointError)>,
    /// The file is not there.
    missing: bool,
}

fn read_checkpoints(path: &Path, key: &AuditKey) -> anyhow::Result<Checkpoints> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Ok(Checkpoints {
                valid: Vec::new(),
                rejected: Vec::new(),
                missing: true,
            });
        }
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
    };
    let mut found = Checkpoints {
        valid: Vec::new(),
        rejected: Vec::new(),
        missing: false,
    };
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        match Checkpoint::from_signed_line(line, key) {
            Ok(c) => found.valid.push(c),
            Err(e) => found.rejected.push((i + 1, e)),
        }
    }
    Ok(found)
}

/// `laget audit verify`: 0 when the chain and every checkpoint agree, 2
/// when something was changed (each finding named), 3 when it cannot be
/// verified (no key, or no checkpoint to compare with).
pub fn verify(
    config: &AuditConfig,
    checkpoint_file: Option<&Path>,
    connect: impl FnOnce() -> anyhow::Result<Db>,
) -> anyhow::Result<ExitCode> {
    let Some(key) = load_key(config)? else {
        println!(
            "Cannot verify the access log: its key ({}) is missing. Without the key a chain \
             recomputed by someone who can write the database looks the same as the real one. \
             Restore the key file, or set audit.key_file or audit.key.",
            config.key_file
        );
        return Ok(ExitCode::from(3));
    };
    let path = checkpoint_file.unwrap_or_else(|| Path::new(&config.checkpoint_file));
    let checkpoints = read_checkpoints(path, &key)?;
    let db = connect()?.with_audit_key(key);
    let valid = checkpoints.valid.clone();
    let verdict = db.read_blocking(move |c| laget_db::audit::verify_against(c, valid))?;
    let mut problems: Vec<String> = verdict.findings.iter().map(describe).collect();
    problems.extend(checkpoints.rejected.iter().map(|(line, e)| match e {
        CheckpointError::WrongSignature => format!(
            "line {line} of {} is not signed with this key: it was forged or altered, or made with another key",
            path.display()
        ),
        CheckpointError::Malformed => {
            format!("line {line} of {} is not a checkpoint", path.display())
        }
    }));
    if !problems.is_empty() {
        println!("The access log is BROKEN:");
        for p in problems {
            println!("- {p}");
        }
        return Ok(ExitCode::from(2));
    }
    if checkpoints.valid.is_empty() {
        println!(
            "The access log's chain verifies with the key ({} rows), but {} {}, so rows removed \
             from its end cannot be ruled out. `laget audit checkpoint` writes one.",
            verdict.rows,
            path.display(),
            if checkpoints.missing {
                "does not exist"
            } else {
                "holds no checkpoint"
            }
        );
        return Ok(ExitCode::from(3));
    }
    println!("{}", intact(&verdict, &checkpoints.valid, path));
    Ok(ExitCode::SUCCESS)
}

fn intact(verdict: &Verdict, checkpoints: &[Checkpoint], path: &Path) -> String {
    let newest = checkpoints.iter().max_by_key(|c| (c.seq, c.at));
    format!(
        "The access log is intact: {} rows, every link checked with the key, and the {} \
         checkpoint(s) in {} agree{}.",
        verdict.rows,
        verdict.checkpoints,
        path.display(),
        newest
            .map(|c| format!(" (the newest: row {} at {})", c.seq, when(c)))
            .unwrap_or_default()
    )
}

fn when(c: &Checkpoint) -> String {
    c.at.format("%Y-%m-%d %H:%M:%S UTC").to_string()
}

/// One finding in plain words.
pub fn describe(finding: &Finding) -> String {
    match finding {
        Finding::Chain(broken) => describe_link(broken),
        Finding::Truncated {
            last_seq,
            checkpoint,
        } => format!(
            "rows after row {last_seq} were removed (truncated): the newest checkpoint ({}) says the log reached row {}",
            when(checkpoint),
            checkpoint.seq
        ),
        Finding::Recomputed { checkpoint, .. } => format!(
            "the chain was recomputed: row {}'s hash differs from the one the checkpoint of {} signed",
            checkpoint.seq,
            when(checkpoint)
        ),
        Finding::KeyedFromMoved {
            database,
            checkpoint,
        } => format!(
            "the database says rows are keyed from row {database}, but the checkpoint of {} says from row {}: \
             the boundary was moved, so that rows recomputed without the key pass as rows from before it",
            when(checkpoint),
            checkpoint.keyed_from
        ),
    }
}

fn describe_link(broken: &BrokenLink) -> String {
    match broken {
        BrokenLink::Gap {
            expected_seq,
            found_seq,
        } => format!(
            "row {expected_seq} is missing (the next row found is {found_seq}); rows were deleted"
        ),
        BrokenLink::WrongLink { seq } => format!(
            "row {seq} does not link to the row before it; the row before was altered or replaced"
        ),
        BrokenLink::Altered { seq } => format!(
            "row {seq} was altered after it was written, or the chain from there was recomputed without the key"
        ),
        BrokenLink::Head { head_seq, last_seq } => format!(
            "the newest row should be {head_seq}, but the log ends at {last_seq}; rows at the end were deleted or added"
        ),
    }
}
