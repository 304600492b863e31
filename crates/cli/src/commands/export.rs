use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;

use crate::{config, db};

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Format {
    /// One JSON object per line.
    Jsonl,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Output format.
    #[arg(long, value_enum, default_value = "jsonl")]
    format: Format,
    /// Write to this file instead of standard output.
    #[arg(long, short)]
    output: Option<PathBuf>,
}

/// Releases read per store round trip.
const BATCH: u32 = 1_000;

pub async fn run(
    database: &str,
    config_file: Option<&Path>,
    args: Args,
) -> anyhow::Result<ExitCode> {
    let site = config::load(config_file, None)?;
    let store = db::open_store(database).await?;
    let sink: Box<dyn Write> = match &args.output {
        Some(p) => Box::new(
            std::fs::File::create(p).with_context(|| format!("cannot create {}", p.display()))?,
        ),
        None => Box::new(std::io::stdout().lock()),
    };
    let mut out = std::io::BufWriter::new(sink);
    let Format::Jsonl = args.format;
    let mut after = None;
    let mut count = 0u64;
    loop {
        let batch = store.batch_after(after, BATCH).await?;
        let Some(last) = batch.last() else { break };
        after = Some(last.id);
        for release in &batch {
            let record = pressroom_archive::export_record(release, &site.base_url);
            serde_json::to_writer(&mut out, &record).context("cannot write the export")?;
            out.write_all(b"\n").context("cannot write the export")?;
            count += 1;
        }
    }
    out.flush().context("cannot write the export")?;
    eprintln!("exported {count} releases");
    Ok(ExitCode::SUCCESS)
}
