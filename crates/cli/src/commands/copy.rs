use std::io::IsTerminal;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, bail};
use indicatif::{ProgressBar, ProgressStyle};
use pressroom_store::{
    Cell, ListQuery, PageRequest, PortalTable, ReleaseDump, ReleaseFilter, Row, Store, Visibility,
};
use sha2::{Digest, Sha256};

use crate::db;

/// Copies a whole portal between databases, either way between SQLite and
/// PostgreSQL: releases with their revisions and sources, accounts (password
/// and token hashes), invitations, API tokens, login failures, the audit
/// log, the workflow's events, settings and preview links with their
/// accesses, and the transparency log byte for byte (old checkpoints and
/// proofs verify against the copy). Sign-in sessions are not copied:
/// editors sign in again on the copy.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The database to copy from (sqlite://... or postgres://...).
    #[arg(long)]
    from: String,
    /// The database to copy into; it must be empty (a new file or a
    /// database `pressroom migrate` just made).
    #[arg(long)]
    to: String,
}

/// Releases, or rows of another table, moved per transaction.
const BATCH: u32 = 1_000;

/// What one part of a portal held: its counts and a SHA-256 over every row
/// in key order.
#[derive(Debug, PartialEq, Eq)]
struct Part {
    name: &'static str,
    counts: Vec<(&'static str, u64)>,
    checksum: String,
}

struct Summer {
    counts: Vec<(&'static str, u64)>,
    hash: Sha256,
}

impl Summer {
    fn new(names: &[&'static str]) -> Self {
        Self {
            counts: names.iter().map(|n| (*n, 0)).collect(),
            hash: Sha256::new(),
        }
    }

    fn releases(&mut self, dumps: &[ReleaseDump]) -> anyhow::Result<()> {
        for d in dumps {
            self.counts[0].1 += 1;
            self.counts[1].1 += d.revisions.len() as u64;
            self.counts[2].1 += d.sources.len() as u64;
            self.line(d)?;
        }
        Ok(())
    }

    fn rows(&mut self, rows: &[Row]) -> anyhow::Result<()> {
        for r in rows {
            self.counts[0].1 += 1;
            self.line(r)?;
        }
        Ok(())
    }

    fn line(&mut self, value: &impl serde::Serialize) -> anyhow::Result<()> {
        let bytes = serde_json::to_vec(value).context("cannot serialize a row")?;
        self.hash.update(&bytes);
        self.hash.update(b"\n");
        Ok(())
    }

    fn finish(self, name: &'static str) -> Part {
        Part {
            name,
            counts: self.counts,
            checksum: hex(&self.hash.finalize()),
        }
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

const RELEASE_PARTS: [&str; 3] = ["releases", "revisions", "sources"];

pub async fn run(args: Args) -> anyhow::Result<ExitCode> {
    let from = db::open_store(&args.from)
        .await
        .context("cannot open the database to copy from")?;
    let to = db::open_store(&args.to)
        .await
        .context("cannot open the database to copy into")?;
    let held = holdings(to.as_ref()).await?;
    if !held.is_empty() {
        bail!(
            "the database to copy into already holds {}; copy only into an empty database \
             (nothing was written)",
            held.join(", ")
        );
    }
    let mut total = release_count(from.as_ref()).await?;
    for table in PortalTable::ALL {
        total += from.count_rows(table).await?;
    }

    let bar = progress(total, "copying");
    let copied = match copy_all(from.as_ref(), to.as_ref(), &bar).await {
        Ok(parts) => parts,
        Err(e) => {
            bar.abandon();
            return Err(undo(&to, e).await);
        }
    };
    bar.finish_and_clear();

    let bar = progress(total, "verifying");
    let stored = tally(to.as_ref(), &bar).await?;
    bar.finish_and_clear();
    if stored != copied {
        let differs: Vec<String> = copied
            .iter()
            .zip(&stored)
            .filter(|(a, b)| a != b)
            .map(|(a, b)| format!("{}: read {}, found {}", a.name, describe(a), describe(b)))
            .collect();
        let e = anyhow::anyhow!(
            "the copy does not match what was read ({})",
            differs.join("; ")
        );
        return Err(undo(&to, e).await);
    }

    let mut overall = Sha256::new();
    for p in &copied {
        overall.update(p.checksum.as_bytes());
    }
    let releases = &copied[0].counts;
    let others: u64 = copied[1..].iter().map(|p| p.counts[0].1).sum();
    println!(
        "copied {} releases, {} revisions, {} sources and {} other rows from {} to {}; \
         counts and sha256 {} verified",
        releases[0].1,
        releases[1].1,
        releases[2].1,
        others,
        from.backend(),
        to.backend(),
        hex(&overall.finalize()),
    );
    for p in &copied {
        println!("  {:<18} {}  sha256 {}", p.name, describe(p), p.checksum);
    }
    Ok(ExitCode::SUCCESS)
}

fn describe(p: &Part) -> String {
    p.counts
        .iter()
        .map(|(n, c)| format!("{c} {n}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// What a target already holds, by table; empty when it is empty.
async fn holdings(store: &dyn Store) -> anyhow::Result<Vec<String>> {
    let mut held = Vec::new();
    let releases = release_count(store).await?;
    if releases > 0 {
        held.push(format!("releases ({releases})"));
    }
    for table in PortalTable::ALL {
        let n = store.count_rows(table).await?;
        if n > 0 {
            held.push(format!("{} ({n})", table.label()));
        }
    }
    Ok(held)
}

async fn release_count(store: &dyn Store) -> anyhow::Result<u64> {
    Ok(store
        .list(&ListQuery {
            visibility: Visibility::Everything,
            filter: ReleaseFilter::default(),
            page: PageRequest::new(1, 1),
            known_total: None,
            start: None,
        })
        .await?
        .total)
}

/// Takes back what a failed copy wrote: the target was empty before it.
async fn undo(to: &Arc<dyn Store>, e: anyhow::Error) -> anyhow::Error {
    match to.erase_portal().await {
        Ok(()) => e.context("the copy failed; what it had written was erased, the target is empty"),
        Err(erase) => e.context(format!(
            "the copy failed and erasing what it had written failed too ({erase}); \
             the target is partly written: drop it and make a new one"
        )),
    }
}

/// Copies releases and then every other table, summing what it reads.
async fn copy_all(
    from: &dyn Store,
    to: &dyn Store,
    bar: &ProgressBar,
) -> anyhow::Result<Vec<Part>> {
    walk(from, Some(to), bar).await
}

/// Reads a whole portal back and tallies it the way [`copy_all`] did.
async fn tally(store: &dyn Store, bar: &ProgressBar) -> anyhow::Result<Vec<Part>> {
    walk(store, None, bar).await
}

/// Reads every part of a portal in key order, tallying it, and writes each
/// batch into `sink` if there is one.
async fn walk(
    from: &dyn Store,
    sink: Option<&dyn Store>,
    bar: &ProgressBar,
) -> anyhow::Result<Vec<Part>> {
    let mut parts = Vec::new();
    let mut sum = Summer::new(&RELEASE_PARTS);
    let mut after = None;
    loop {
        let dumps = from.dump_after(after, BATCH).await?;
        let Some(last) = dumps.last() else { break };
        let last = last.release.id;
        after = Some(last);
        sum.releases(&dumps)?;
        let n = dumps.len() as u64;
        if let Some(to) = sink {
            to.restore(dumps)
                .await
                .with_context(|| format!("cannot write the releases up to id {}", last.0))?;
        }
        bar.inc(n);
    }
    parts.push(sum.finish("releases"));
    for table in PortalTable::ALL {
        let mut sum = Summer::new(&["rows"]);
        let mut after: Option<Cell> = None;
        loop {
            let rows = from.export_rows(table, after.clone(), BATCH).await?;
            if rows.is_empty() {
                break;
            }
            sum.rows(&rows)?;
            after = next_key(table, &rows);
            let n = rows.len() as u64;
            if let Some(to) = sink {
                to.import_rows(table, rows)
                    .await
                    .with_context(|| format!("cannot write the {}", table.label()))?;
            }
            bar.inc(n);
            if after.is_none() {
                break;
            }
        }
        parts.push(sum.finish(table.label()));
    }
    Ok(parts)
}

/// Where the next page starts: the last row's key, or nowhere for a table
/// read whole.
fn next_key(table: PortalTable, rows: &[Row]) -> Option<Cell> {
    table.key()?;
    rows.last().and_then(|r| r.first()).cloned()
}

/// A progress bar on a terminal; nothing when output is a file or a pipe.
fn progress(total: u64, what: &'static str) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(total);
    if let Ok(style) =
        ProgressStyle::with_template("{msg} {bar:40} {pos}/{len} rows ({per_sec}, {eta} left)")
    {
        bar.set_style(style);
    }
    bar.set_message(what);
    bar
}
