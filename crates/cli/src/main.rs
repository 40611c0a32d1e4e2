//! `laget`: the one binary. Serves the web application and does everything an
//! operator does without a browser.

mod admin;
mod catalogue;
mod config;
mod demo;
mod demo_logs;

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
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Check the access log's hash chain; names the first broken link.
    Verify,
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
            let db = connect(&config)?;
            db.migrate()?;
            admin::run(&db, &config, command)?;
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
            command: AuditCommand::Verify,
        } => {
            let db = connect(&config)?;
            let result = db.read_blocking(laget_db::access_log::verify)?;
            match result {
                Ok(rows) => println!("The access log is intact: {rows} rows, every link checked."),
                Err(broken) => {
                    println!("The access log is BROKEN: {}", describe(&broken));
                    return Ok(std::process::ExitCode::from(2));
                }
            }
        }
    }
    Ok(std::process::ExitCode::SUCCESS)
}

fn describe(broken: &laget_domain::audit::BrokenLink) -> String {
    use laget_domain::audit::BrokenLink::*;
    match broken {
        Gap {
            expected_seq,
            found_seq,
        } => {
            format!(
                "row {expected_seq} is missing (the next row found is {found_seq}); rows were deleted"
            )
        }
        WrongLink { seq } => format!(
            "row {seq} does not link to the row before it; the row before was altered or replaced"
        ),
        Altered { seq } => format!("row {seq} was altered after it was written"),
        Head { head_seq, last_seq } => {
            format!(
                "the newest row should be {head_seq}, but the log ends at {last_seq}; rows at the end were deleted or added"
            )
        }
    }
}

fn connect(config: &Config) -> anyhow::Result<Db> {
    Db::connect(&config.database.url).with_context(|| {
        format!(
            "cannot open the database ({})",
            config.database_description()
        )
    })
}

async fn serve(config: Config, demo: bool, listen: Option<String>) -> anyhow::Result<()> {
    let db = connect(&config)?;
    let applied = db.migrate()?;
    if !applied.is_empty() {
        println!("Applied {} migration(s).", applied.len());
    }
    let web = config.web();
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
    let app = laget_web::router(state).into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown_signal())
        .await?;
    Ok(())
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
                    laget_db::sessions::purge_expired(c, now - absolute, now - idle)?;
                    laget_db::login_throttle::purge(c, now - window * 4)
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
