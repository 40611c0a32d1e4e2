//! `laget`: the one binary. Serves the web application and does everything an
//! operator does without a browser.

mod admin;
mod audit;
mod backup;
mod catalogue;
mod config;
mod demo;
mod demo_logs;
mod demo_meetings;
mod demo_plans;
mod demo_portal;
mod demo_reports;
mod generate;
mod outbox;

use anyhow::Context as _;
use clap::{Parser, Subcommand};
use config::Config;
use laget_db::Db;
use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Parser)]
#[command(name = "laget", version, about = "Laget – laget rundt barnet")]
struct Cli {
    /// Configuration file (default: ./laget.toml if it exists).
    #[arg(long, global = true)]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Start the web server (applies migrations first).
    Serve {
        /// Fill a fictional municipality («Demo kommune») with synthetic data
        /// and print the demo logins.
        #[arg(long)]
        demo: bool,
        /// Address to listen on (overrides server.listen).
        #[arg(long)]
        listen: Option<String>,
    },
    /// Apply database migrations.
    Migrate,
    /// Administer municipalities, units and users.
    Admin {
        #[command(subcommand)]
        command: admin::AdminCommand,
    },
    /// Import into the catalogue of measures from a file.
    Import {
        #[command(subcommand)]
        command: catalogue::ImportCommand,
    },
    /// Export the catalogue of measures to a file.
    Export {
        #[command(subcommand)]
        command: catalogue::ExportCommand,
    },
    /// The access log.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Synthetic data: `demo generate` fills the database with national-scale
    /// municipalities, children and logs.
    Demo {
        #[command(subcommand)]
        command: generate::DemoCommand,
    },
    /// The outbox: work done after a change has committed (e-mail).
    Outbox {
        #[command(subcommand)]
        command: OutboxCommand,
    },
    /// Copy a SQLite database while Laget runs (on PostgreSQL: pg_dump -Fc).
    Backup {
        /// The copy to write; must not exist.
        #[arg(long)]
        to: PathBuf,
    },
}

#[derive(Subcommand)]
enum OutboxCommand {
    /// List the jobs given up after their last attempt, newest first, with
    /// their last error.
    Failed {
        /// How many to list.
        #[arg(long, default_value_t = 50)]
        limit: i64,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Check the access log's keyed hash chain against the signed
    /// checkpoints; names what was changed, removed or recomputed.
    Verify {
        /// Checkpoints to compare with (default: audit.checkpoint_file), such
        /// as the copy shipped elsewhere.
        #[arg(long)]
        checkpoints: Option<PathBuf>,
    },
    /// Append a signed checkpoint of the chain's head to audit.checkpoint_file.
    Checkpoint,
}

/// mimalloc rather than the system allocator: a page builds and drops many
/// small strings from many threads, where glibc's allocator spent a fifth of
/// the log page's time (`bench/`, `log` scenario).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("laget: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<std::process::ExitCode> {
    let config = Config::load(cli.config.as_deref())?;
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_new(&config.log.filter).context("log.filter")?,
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    match cli.command {
        Command::Serve { demo, listen } => {
            let runtime = tokio::runtime::Runtime::new()?;
            runtime.block_on(serve(config, demo, listen))?;
        }
        Command::Migrate => {
            let db = connect(&config)?;
            let applied = db.migrate()?;
            if applied.is_empty() {
                println!("The database is up to date.");
            }
            for name in applied {
                println!("Applied {name}");
            }
        }
        Command::Admin { command } => {
            let (db, key, _) = open_for_writing(&config)?;
            admin::run(&db, &config, command)?;
            audit::write_checkpoint(&config.audit, &db, &key)?;
        }
        Command::Import { command } => {
            let db = connect(&config)?;
            db.migrate()?;
            return catalogue::import(&db, command);
        }
        Command::Export { command } => {
            let db = connect(&config)?;
            db.migrate()?;
            return catalogue::export(&db, command);
        }
        Command::Audit {
            command: AuditCommand::Verify { checkpoints },
        } => {
            return audit::verify(&config.audit, checkpoints.as_deref(), || connect(&config));
        }
        Command::Demo { command } => {
            let (db, key, _) = open_for_writing(&config)?;
            let ok = generate::run(&db, &config, command)?;
            if ok {
                audit::write_checkpoint(&config.audit, &db, &key)?;
            }
            return Ok(generate::exit(ok));
        }
        Command::Outbox {
            command: OutboxCommand::Failed { limit },
        } => {
            let db = connect(&config)?;
            db.migrate()?;
            outbox::failed(&db, limit.max(1))?;
        }
        Command::Backup { to } => backup::run(&connect(&config)?, &to)?,
        Command::Audit {
            command: AuditCommand::Checkpoint,
        } => {
            let (db, key, _) = open_for_writing(&config)?;
            let c = audit::write_checkpoint(&config.audit, &db, &key)?;
            println!(
                "Checkpoint of row {} written to {}.",
                c.seq, config.audit.checkpoint_file
            );
        }
    }
    Ok(std::process::ExitCode::SUCCESS)
}

/// Opens the configured database, and says on stderr which one (never its
/// password): an operator who forgot `--config` sees at once that a command
/// went to a new SQLite file in the current directory.
fn connect(config: &Config) -> anyhow::Result<Db> {
    // The built-in default (no file, no LAGET__DATABASE__URL), not there yet.
    let new = if config.file.is_none()
        && config.database.url == Config::default().database.url
        && config.sqlite_file_missing()
    {
        " (new: no configuration file found; for the installation's database give \
         --config /etc/laget/laget.toml)"
    } else {
        ""
    };
    eprintln!("laget: database {}{new}", config.database_description());
    Db::connect(&config.database.url).with_context(|| {
        format!(
            "cannot open the database ({})",
            config.database_description()
        )
    })
}

/// The database, migrated, with the access log's key (made on first use,
/// see `audit.rs`), for a command that writes; refused if the key does not
/// fit the log. Also returns the migrations applied.
fn open_for_writing(
    config: &Config,
) -> anyhow::Result<(Db, laget_domain::audit::AuditKey, Vec<String>)> {
    let db = connect(config)?;
    let applied = db.migrate()?;
    let key = audit::load_or_create_key(&config.audit, &db)?;
    let db = db.with_audit_key(key.clone());
    audit::ensure_key_fits(&db, &config.audit)?;
    Ok((db, key, applied))
}

async fn serve(config: Config, demo: bool, listen: Option<String>) -> anyhow::Result<()> {
    let (db, key, applied) = {
        let config = config.clone();
        tokio::task::spawn_blocking(move || open_for_writing(&config)).await??
    };
    if !applied.is_empty() {
        println!("Applied {} migration(s).", applied.len());
    }
    let mut web = config.web();
    if demo {
        // The demo provider stands in for ID-porten unless one is configured.
        let listen = listen.as_deref().unwrap_or(&config.server.listen);
        demo_portal::use_demo_provider(&mut web, listen)?;
        // Reports of concern go to a file drop under data/ unless
        // [reports] says otherwise, so the demo delivers on a fresh machine.
        web.reports = config.reports.web(true);
    }
    let state = {
        let db = db.clone();
        tokio::task::spawn_blocking(move || laget_web::AppState::new(db, web)).await??
    };
    let logins = if demo {
        let state = state.clone();
        Some(tokio::task::spawn_blocking(move || demo::seed(&state)).await??)
    } else {
        None
    };
    checkpoint(&config, &db, &key).await?;
    let addr: SocketAddr = listen
        .as_deref()
        .unwrap_or(&config.server.listen)
        .parse()
        .context("listen address")?;
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("cannot listen on {addr}"))?;
    let scheme = if config.server.secure_cookies {
        "https"
    } else {
        "http"
    };
    println!(
        "Laget is running at {scheme}://{addr}/  (database: {})",
        config.database_description()
    );
    if let Some(logins) = logins {
        demo::print_logins(&logins);
    }
    spawn_housekeeping(db.clone(), config.web());
    spawn_checkpoints(config.clone(), db.clone(), key.clone());
    match &config.mail {
        Some(mail) => println!(
            "E-mail goes through {} ({:?}).",
            mail.smtp_host, mail.security
        ),
        None => println!("E-mail is off: no [mail] section (messages are listed as not sent)."),
    }
    match &state.config.reports {
        laget_web::outbox::fiks::DeliveryConfig::Off => {
            println!(
                "Reports of concern go to child welfare's inbox in Laget only (no [reports] delivery)."
            )
        }
        laget_web::outbox::fiks::DeliveryConfig::FileDrop { dir } => println!(
            "Reports of concern are also delivered as KS Fiks messages to {}.",
            dir.display()
        ),
        laget_web::outbox::fiks::DeliveryConfig::Http(http) => println!(
            "Reports of concern are also delivered as KS Fiks messages to {}.",
            http.url
        ),
    }
    let outbox = config.outbox();
    let (stop_outbox, outbox_stop) = tokio::sync::watch::channel(false);
    let worker =
        tokio::spawn(laget_web::outbox::Worker::for_app(state.clone(), outbox).run(outbox_stop));
    let app = laget_web::router(state).into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown_signal())
        .await?;
    // The outbox worker finishes the job it runs, if any, and stops. A job
    // that outlasts its lease is left to it: another instance, or the next
    // start, runs it again.
    let _ = stop_outbox.send(true);
    if tokio::time::timeout(outbox.lease, worker).await.is_err() {
        tracing::warn!("outbox worker still busy at shutdown; its job runs again later");
    }
    // Every request has ended and its rows are committed: sign the head.
    checkpoint(&config, &db, &key).await?;
    Ok(())
}

/// Appends a signed checkpoint of the access log's head (see `audit.rs`).
async fn checkpoint(
    config: &Config,
    db: &Db,
    key: &laget_domain::audit::AuditKey,
) -> anyhow::Result<()> {
    let (audit, db, key) = (config.audit.clone(), db.clone(), key.clone());
    tokio::task::spawn_blocking(move || audit::write_checkpoint(&audit, &db, &key)).await??;
    Ok(())
}

/// Writes a checkpoint every `audit.checkpoint_minutes` (a day by default)
/// while serving.
fn spawn_checkpoints(config: Config, db: Db, key: laget_domain::audit::AuditKey) {
    tokio::spawn(async move {
        let period = std::time::Duration::from_secs(config.audit.checkpoint_minutes * 60);
        let mut tick = tokio::time::interval_at(tokio::time::Instant::now() + period, period);
        loop {
            tick.tick().await;
            if let Err(e) = checkpoint(&config, &db, &key).await {
                tracing::error!(error = %e, "no access-log checkpoint written");
            }
        }
    });
}

/// Removes ended sessions and old failed-login records every ten minutes.
fn spawn_housekeeping(db: Db, web: laget_web::WebConfig) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(600));
        loop {
            tick.tick().await;
            let now = chrono::Utc::now();
            let (absolute, idle, window) =
                (web.session.absolute, web.session.idle, web.throttle_window);
            let result = db
                .write(move |c| {
                    laget_db::session::purge_expired(c, now - absolute, now - idle)?;
                    laget_db::portal::sessions::purge_expired(c, now - absolute, now - idle)?;
                    laget_db::session::throttle::purge(c, now - window * 4)
                })
                .await;
            if let Err(e) = result {
                tracing::warn!(error = %e, "housekeeping failed");
            }
            let db = db.clone();
            if let Err(e) = tokio::task::spawn_blocking(move || db.analyze()).await {
                tracing::warn!(error = %e, "statistics refresh failed");
            }
        }
    });
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = terminate => {} }
}
