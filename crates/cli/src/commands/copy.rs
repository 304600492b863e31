use std::io::IsTerminal;
use std::process::ExitCode;

use anyhow::{Context, bail};
use indicatif::{ProgressBar, ProgressStyle};
use pressroom_store::{ListQuery, PageRequest, ReleaseDump, ReleaseFilter, Store, Visibility};
use sha2::{Digest, Sha256};

use crate::db;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The database to copy from (sqlite://... or postgres://...).
    #[arg(long)]
    from: String,
    /// The database to copy into; it must hold no releases yet.
    #[arg(long)]
    to: String,
}

/// Releases moved per transaction.
const BATCH: u32 = 1_000;

/// What a walk over a whole portal saw: counts and a SHA-256 over every
/// release, revision and source in id order.
#[derive(Debug, PartialEq, Eq)]
struct Tally {
    releases: u64,
    revisions: u64,
    sources: u64,
    checksum: String,
}

#[derive(Default)]
struct Summer {
    releases: u64,
    revisions: u64,
    sources: u64,
    hash: Sha256,
}

impl Summer {
    fn add(&mut self, dumps: &[ReleaseDump]) -> anyhow::Result<()> {
        for d in dumps {
            self.releases += 1;
            self.revisions += d.revisions.len() as u64;
            self.sources += d.sources.len() as u64;
            let bytes = serde_json::to_vec(d).context("cannot serialize a release")?;
            self.hash.update(&bytes);
            self.hash.update(b"\n");
        }
        Ok(())
    }

    fn finish(self) -> Tally {
        let digest = self.hash.finalize();
        Tally {
            releases: self.releases,
            revisions: self.revisions,
            sources: self.sources,
            checksum: digest.iter().map(|b| format!("{b:02x}")).collect(),
        }
    }
}

pub async fn run(args: Args) -> anyhow::Result<ExitCode> {
    let from = db::open_store(&args.from)
        .await
        .context("cannot open the database to copy from")?;
    let to = db::open_store(&args.to)
        .await
        .context("cannot open the database to copy into")?;
    if !to.batch_after(None, 1).await?.is_empty() {
        bail!("the database to copy into already holds releases; copy only into an empty database");
    }
    let total = from
        .list(&ListQuery {
            visibility: Visibility::Everything,
            filter: ReleaseFilter::default(),
            page: PageRequest::new(1, 1),
        })
        .await?
        .total;
    let bar = progress(total, "copying");
    let mut copied = Summer::default();
    let mut after = None;
    loop {
        let dumps = from.dump_after(after, BATCH).await?;
        let Some(last) = dumps.last() else { break };
        after = Some(last.release.id);
        copied.add(&dumps)?;
        let n = dumps.len() as u64;
        to.restore(dumps)
            .await
            .with_context(|| format!("cannot write releases up to id {}", last_id(after)))?;
        bar.inc(n);
    }
    bar.finish_and_clear();
    let copied = copied.finish();

    let bar = progress(copied.releases, "verifying");
    let stored = tally(to.as_ref(), &bar).await?;
    bar.finish_and_clear();
    if stored != copied {
        bail!(
            "the copy does not match what was read: read {} releases, {} revisions, {} sources \
             (sha256 {}), but the target holds {} releases, {} revisions, {} sources (sha256 {})",
            copied.releases,
            copied.revisions,
            copied.sources,
            copied.checksum,
            stored.releases,
            stored.revisions,
            stored.sources,
            stored.checksum
        );
    }
    println!(
        "copied {} releases, {} revisions, {} sources from {} to {}; counts and sha256 {} verified",
        copied.releases,
        copied.revisions,
        copied.sources,
        from.backend(),
        to.backend(),
        copied.checksum
    );
    Ok(ExitCode::SUCCESS)
}

fn last_id(after: Option<pressroom_domain::ReleaseId>) -> i64 {
    after.map_or(0, |id| id.0)
}

/// Reads a whole portal back and tallies it.
async fn tally(store: &dyn Store, bar: &ProgressBar) -> anyhow::Result<Tally> {
    let mut sum = Summer::default();
    let mut after = None;
    loop {
        let dumps = store.dump_after(after, BATCH).await?;
        let Some(last) = dumps.last() else { break };
        after = Some(last.release.id);
        sum.add(&dumps)?;
        bar.inc(dumps.len() as u64);
    }
    Ok(sum.finish())
}

/// A progress bar on a terminal; nothing when output is a file or a pipe.
fn progress(total: u64, what: &'static str) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(total);
    if let Ok(style) =
        ProgressStyle::with_template("{msg} {bar:40} {pos}/{len} releases ({per_sec}, {eta} left)")
    {
        bar.set_style(style);
    }
    bar.set_message(what);
    bar
}
