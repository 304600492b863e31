use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use pressroom_synth::{Generator, write_jsonl, write_text};

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Write a synthetic corpus of realistic releases.
    Generate(GenerateArgs),
    /// Store synthetic releases (published) in the database.
    Load(super::bench_search::LoadArgs),
    /// Time searches in-process on the index and on a SQLite FTS5 baseline.
    Search(super::bench_search::SearchArgs),
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Format {
    /// The legacy text format that `pressroom import` reads.
    Text,
    /// JSON Lines in the export format.
    Jsonl,
}

#[derive(Debug, clap::Args)]
pub struct GenerateArgs {
    /// How many releases.
    #[arg(long)]
    count: u64,
    #[arg(long, value_enum, default_value = "jsonl")]
    format: Format,
    /// Seed of the generator: the same seed gives the same corpus.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Write to this file instead of standard output.
    #[arg(long, short)]
    output: Option<PathBuf>,
}

pub async fn run(
    cmd: Command,
    database: &str,
    index_dir: &std::path::Path,
) -> anyhow::Result<ExitCode> {
    match cmd {
        Command::Generate(args) => generate(args),
        Command::Load(args) => super::bench_search::load(database, args).await,
        Command::Search(args) => super::bench_search::search(database, index_dir, args).await,
    }
}

fn generate(args: GenerateArgs) -> anyhow::Result<ExitCode> {
    let sink: Box<dyn Write> = match &args.output {
        Some(p) => Box::new(
            std::fs::File::create(p).with_context(|| format!("cannot create {}", p.display()))?,
        ),
        None => Box::new(std::io::stdout().lock()),
    };
    let out = std::io::BufWriter::with_capacity(1 << 20, sink);
    let mut generator = Generator::new(args.seed);
    let started = Instant::now();
    match args.format {
        Format::Text => write_text(&mut generator, args.count, out),
        Format::Jsonl => write_jsonl(&mut generator, args.count, out),
    }
    .context("cannot write the corpus")?;
    let secs = started.elapsed().as_secs_f64();
    eprintln!(
        "generated {} releases in {secs:.1} s ({:.0}/s)",
        args.count,
        args.count as f64 / secs.max(1e-9)
    );
    Ok(ExitCode::SUCCESS)
}
