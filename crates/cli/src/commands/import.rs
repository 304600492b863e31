use std::io::{IsTerminal, Read};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};
use pressroom_archive::{DateOrder, Format, ParseError, ParseOptions, ParsedFile, parse_bytes};
use pressroom_domain::SystemClock;
use pressroom_newsroom::{ImportReport, ImportRun};

use crate::db;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Files or folders (read recursively), or "-" for standard input.
    /// Plain text, Markdown, saved HTML pages and JSON Lines exports, each
    /// also gzip-compressed (.gz).
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// Read and report, write nothing.
    #[arg(long)]
    dry_run: bool,
    /// Also write the report as JSON to this file.
    #[arg(long, value_name = "FILE")]
    report: Option<PathBuf>,
    /// How all-numeric dates such as 05/04/2018 are read: mdy (month first)
    /// or dmy (day first).
    #[arg(long, default_value = "mdy", value_parser = parse_date_order)]
    date_order: DateOrder,
    /// The format of standard input and of files whose ending does not
    /// say; by default it is told from the content.
    #[arg(long, value_enum)]
    format: Option<FormatArg>,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum FormatArg {
    Text,
    Markdown,
    Html,
    Jsonl,
}

impl From<FormatArg> for Format {
    fn from(f: FormatArg) -> Self {
        match f {
            FormatArg::Text => Format::Text,
            FormatArg::Markdown => Format::Markdown,
            FormatArg::Html => Format::Html,
            FormatArg::Jsonl => Format::Jsonl,
        }
    }
}

fn parse_date_order(s: &str) -> Result<DateOrder, String> {
    DateOrder::parse(s).ok_or_else(|| format!("{s:?} is not a date order: use mdy or dmy"))
}

/// The label of standard input in the report and the sources.
const STDIN: &str = "<stdin>";

pub async fn run(database: &str, args: Args) -> anyhow::Result<ExitCode> {
    // Open the store first: a bad database URL fails before any work.
    let store = if args.dry_run {
        None
    } else {
        Some(db::open_store_to_load(database).await?)
    };
    let started = std::time::Instant::now();
    let mut run = ImportRun::new(ParseOptions {
        date_order: args.date_order,
    });
    let mut files = Vec::new();
    for root in &args.paths {
        if root.as_os_str() == "-" {
            files.push(None);
        } else {
            match collect_files(root) {
                Ok(found) => files.extend(found.into_iter().map(Some)),
                Err(e) => run.add_unreadable(&root.display().to_string(), format!("{e:#}")),
            }
        }
    }

    let bar = progress_bar(files.len() as u64, "reading");
    let forced = args.format.map(Format::from);
    let options = ParseOptions {
        date_order: args.date_order,
    };
    let mut bytes_read = 0u64;
    for (label, read) in read_and_parse(&files, forced, &options, &bar) {
        match read {
            Ok((bytes, parsed)) => {
                bytes_read += bytes;
                run.add_parsed(&label, parsed);
            }
            Err(e) => run.add_unreadable(&label, format!("{e:#}")),
        }
    }
    bar.finish_and_clear();
    let parsed_in = started.elapsed();

    let report = match &store {
        None => run.dry_run(),
        Some(store) => {
            let bar = progress_bar(run.parsed_files() as u64, "storing");
            let report = run
                .store(store.as_ref(), &SystemClock, &mut |p| {
                    bar.set_position(p.done);
                    bar.set_message(format!("{} releases", p.releases));
                })
                .await;
            bar.finish_and_clear();
            report
        }
    };
    let elapsed = started.elapsed();
    print_report(&report);
    let secs = elapsed.as_secs_f64().max(1e-9);
    println!(
        "took {:.2} s (reading and repairing {:.2} s, {:.1} MB/s): {:.0} releases/s",
        secs,
        parsed_in.as_secs_f64(),
        bytes_read as f64 / 1e6 / parsed_in.as_secs_f64().max(1e-9),
        report.releases.found as f64 / secs
    );
    if let Some(path) = &args.report {
        let json = serde_json::to_vec_pretty(&report).context("cannot encode the report")?;
        std::fs::write(path, json)
            .with_context(|| format!("cannot write the report to {}", path.display()))?;
    }
    Ok(if report.errors.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// A progress bar on standard error, only when it is a terminal: piped
/// output and logs get the report alone.
fn progress_bar(len: u64, what: &'static str) -> ProgressBar {
    if !std::io::stderr().is_terminal() || len < 2 {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(len);
    if let Ok(style) =
        ProgressStyle::with_template("{prefix} [{bar:30}] {pos}/{len} files {msg} ({eta})")
    {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.set_prefix(what);
    bar
}

fn print_report(r: &ImportReport) {
    for e in &r.errors {
        match e.line {
            Some(line) => eprintln!("error: {}:{line}: {}", e.file, e.reason),
            None => eprintln!("error: {}: {}", e.file, e.reason),
        }
    }
    // Copies merged within the run are not releases already stored: a
    // first import of an archive with copies stores every release it reads.
    let merged = r.releases.duplicates_merged;
    match r.releases.stored_new {
        Some(new) => println!(
            "imported {new} new releases ({} already stored, {merged} {} merged) from {} files; {} failed",
            r.releases.already_stored.unwrap_or(0),
            if merged == 1 { "copy" } else { "copies" },
            r.files.imported,
            r.files.failed
        ),
        None => println!(
            "dry run: would import {} releases ({} copies merged) from {} files; {} failed; nothing written",
            r.releases.distinct, r.releases.duplicates_merged, r.files.imported, r.files.failed
        ),
    }
    println!(
        "files: {} read, {} imported, {} failed",
        r.files.read, r.files.imported, r.files.failed
    );
    let stored = match (r.releases.stored_new, r.releases.already_stored) {
        (Some(n), Some(o)) => format!(", {n} new to the database, {o} already in it"),
        _ => String::new(),
    };
    println!(
        "releases: {} found, {} distinct, {} duplicates merged{stored}",
        r.releases.found, r.releases.distinct, r.releases.duplicates_merged
    );
    let repairs: Vec<String> = r.repairs.iter().map(|(k, n)| format!("{k} {n}")).collect();
    let total: u64 = r.repairs.values().sum();
    println!("repairs: {total} ({})", repairs.join(", "));
    /// Merges listed on the terminal; the JSON report has them all.
    const SHOWN: usize = 20;
    for m in r.merged.iter().take(SHOWN) {
        println!(
            "merged: {:?} ({}) kept {} from {}",
            m.title,
            m.date,
            m.kept,
            m.sources.join(", ")
        );
    }
    if r.merged.len() > SHOWN {
        println!(
            "merged: ... and {} more (--report FILE lists them all)",
            r.merged.len() - SHOWN
        );
    }
    for n in &r.notes {
        println!("note: {}:{}: {}", n.file, n.line, n.text);
    }
    let kept = match r.releases.held_new {
        Some(n) => format!(
            "kept for an editor in the held list, {n} new to it: `pressroom held` shows them"
        ),
        None => "would be kept for an editor in the held list".to_owned(),
    };
    println!(
        "held: {} (not published: the text gives no title or no full date; {kept})",
        r.held.len()
    );
    for h in &r.held {
        let also = if h.also_in.is_empty() {
            String::new()
        } else {
            format!(" (also {})", h.also_in.join(", "))
        };
        println!("  {}:{}: {}{also}", h.file, h.line, h.reason);
    }
    println!("unplaced: {}", r.unplaced.len());
    for u in &r.unplaced {
        println!("  {}:{}: {}: {}", u.file, u.line, u.reason, u.text);
    }
}

/// The files under a path, in a stable order; a file named directly is
/// taken whatever its ending, a folder's files only when their ending is a
/// format the importer reads.
fn collect_files(root: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let meta =
        std::fs::metadata(root).with_context(|| format!("cannot read {}", root.display()))?;
    if meta.is_file() {
        return Ok(vec![root.to_path_buf()]);
    }
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let entries =
            std::fs::read_dir(&dir).with_context(|| format!("cannot list {}", dir.display()))?;
        for entry in entries {
            let entry = entry.with_context(|| format!("cannot list {}", dir.display()))?;
            let path = entry.path();
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if name.starts_with('.') {
                continue;
            }
            if path.is_dir() {
                stack.push(path);
            } else if Format::from_name(&name).is_some() {
                out.push(path);
            }
        }
    }
    out.sort();
    Ok(out)
}

/// Reads a file into `buf`, replacing what it held. Each parsing thread
/// reuses one buffer: a fresh one per file was mapped and unmapped by the
/// allocator every time, and faulting its pages in again cost a fifteenth
/// of a whole dry run.
fn read_file(path: &Path, buf: &mut Vec<u8>) -> anyhow::Result<()> {
    buf.clear();
    std::fs::File::open(path)
        .and_then(|mut f| f.read_to_end(buf))
        .with_context(|| format!("cannot read {}", path.display()))?;
    Ok(())
}

fn read_stdin(buf: &mut Vec<u8>) -> anyhow::Result<()> {
    buf.clear();
    std::io::stdin()
        .lock()
        .read_to_end(buf)
        .context("cannot read standard input")?;
    Ok(())
}

/// A file's label and either its size and parse, or why it could not be read.
type Parsed = (
    String,
    anyhow::Result<(u64, Result<ParsedFile, ParseError>)>,
);

/// Reads and parses the files on every core this process may use, and
/// returns them in the order given (the report and the cleanest-copy rule
/// depend on that order, not on which thread finished first).
fn read_and_parse(
    files: &[Option<PathBuf>],
    forced: Option<Format>,
    options: &ParseOptions,
    bar: &ProgressBar,
) -> Vec<Parsed> {
    let one = |file: &Option<PathBuf>, buf: &mut Vec<u8>| -> Parsed {
        let (label, read) = match file {
            None => (STDIN.to_owned(), read_stdin(buf)),
            Some(path) => (path.display().to_string(), read_file(path, buf)),
        };
        let parsed = read.map(|()| {
            let format = forced.or_else(|| Format::from_name(&label));
            let parsed = parse_bytes(&label, buf, format, options);
            (buf.len() as u64, parsed)
        });
        bar.inc(1);
        (label, parsed)
    };
    let workers = std::thread::available_parallelism()
        .map_or(1, std::num::NonZeroUsize::get)
        .min(files.len());
    if workers <= 1 {
        let mut buf = Vec::new();
        return files.iter().map(|file| one(file, &mut buf)).collect();
    }
    let next = std::sync::atomic::AtomicUsize::new(0);
    let mut done: Vec<(usize, Parsed)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                scope.spawn(|| {
                    let mut mine = Vec::new();
                    let mut buf = Vec::new();
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some(file) = files.get(i) else { break };
                        mine.push((i, one(file, &mut buf)));
                    }
                    mine
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| match h.join() {
                Ok(mine) => mine,
                // A parser panic is a bug the fuzz target hunts; re-raise it
                // rather than report a partial archive.
                Err(panic) => std::panic::resume_unwind(panic),
            })
            .collect()
    });
    done.sort_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, p)| p).collect()
}
