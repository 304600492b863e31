//! The `pressroom` binary: one program that serves the portal and runs its
//! maintenance commands (import, export, reindex, migrate, bench). Commands call the
//! same use-cases as the web handlers; this crate only adds arguments,
//! configuration, files and the terminal.

mod commands;
mod config;
mod db;
mod scheduler;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// mimalloc rather than glibc's allocator: an archive import builds its rows
/// on one thread and SQLite's thread frees them, and glibc's arenas made the
/// two wait on each other's locks (21,000 → 24,000 releases/s measured on
/// the 200,000-release archive, `bench/import/README.md`). The server's
/// pages were as fast or faster, at some 30 MB more resident memory.
///
/// mimalloc asks for transparent huge pages on its regions. An import
/// gains by them (its gigabytes of rows: 21,000 releases/s against 18,000
/// without, `bench/import/README.md`); a server's search commits stalled
/// on them, so `serve` turns them off for its process (`commands/serve.rs`).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The publishing portal of a government's official statements.
#[derive(Debug, Parser)]
#[command(name = "pressroom", version, about, long_about = None)]
struct Cli {
    /// Database URL: sqlite://path/to/file.db (the default) or postgres://...
    #[arg(
        long,
        global = true,
        env = "PRESSROOM_DATABASE",
        default_value = "sqlite://pressroom.db"
    )]
    database: String,

    /// Search index folder; by default beside a SQLite database
    /// (pressroom.db -> pressroom.db.index), else ./pressroom.index.
    #[arg(long, global = true, env = "PRESSROOM_INDEX")]
    index: Option<PathBuf>,

    /// Site settings file (TOML); ./pressroom.toml is read if present.
    #[arg(long, global = true, env = "PRESSROOM_CONFIG")]
    config: Option<PathBuf>,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the public site over HTTP until Ctrl-C or SIGTERM.
    Serve(commands::serve::Args),
    /// Import releases from legacy archive files or folders.
    Import(commands::import::Args),
    /// Export every release, one JSON object per line.
    Export(commands::export::Args),
    /// List the releases imports held back for want of a title or a full
    /// date (JSON Lines), for an editor to complete.
    Held,
    /// Rebuild the search index from the database.
    Reindex,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Copy a whole portal from one database to another (SQLite and
    /// PostgreSQL either way), then verify counts and checksums.
    Copy(commands::copy::Args),
    /// Newsroom users: `user add --role admin EMAIL` makes the first admin.
    #[command(subcommand)]
    User(commands::user::Command),
    /// Create the transparency log's signing key (serve also creates it at
    /// first start).
    Init(commands::key::KeyDir),
    /// Manage the signing key.
    #[command(subcommand)]
    Key(commands::key::Command),
    /// Check a release (its address or a saved proof) against the site's
    /// transparency log and published keys, or check that a log was not
    /// rewritten since last seen (--log).
    Verify(commands::verify::Args),
    /// Tools for benchmarks: a synthetic corpus, loading it, timing search.
    #[command(subcommand)]
    Bench(commands::bench::Command),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_tracing();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(code) => code,
        Err(e) => {
            // One line: the context chain joined, never a backtrace.
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let config_path = cli.config.as_deref();
    let index_dir = db::index_dir(&cli.database, cli.index.as_deref());
    match cli.command {
        Command::Serve(args) => {
            commands::serve::run(&cli.database, &index_dir, config_path, args).await
        }
        Command::Reindex => commands::reindex::run(&cli.database, &index_dir).await,
        Command::Import(args) => commands::import::run(&cli.database, args).await,
        Command::Export(args) => commands::export::run(&cli.database, config_path, args).await,
        Command::Held => commands::held::run(&cli.database).await,
        Command::Migrate => {
            let store = db::open_store(&cli.database).await?;
            println!("{}: migrations applied", store.backend());
            Ok(ExitCode::SUCCESS)
        }
        Command::Copy(args) => commands::copy::run(args).await,
        Command::Bench(cmd) => commands::bench::run(cmd, &cli.database, &index_dir).await,
        Command::User(cmd) => commands::user::run(&cli.database, cmd).await,
        Command::Init(keys) => commands::key::init(config_path, &keys),
        Command::Key(cmd) => commands::key::run(cmd),
        Command::Verify(args) => commands::verify::run(args).await,
    }
}

fn init_tracing() {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_env("PRESSROOM_LOG")
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_http=warn,tantivy=warn"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
}
