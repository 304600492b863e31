use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use pressroom_domain::SystemClock;
use pressroom_newsroom::import_text;

use crate::db;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Files or folders (read recursively) in the legacy text format.
    #[arg(required = true)]
    paths: Vec<PathBuf>,
}

/// File endings the importer reads when walking a folder.
const EXTENSIONS: [&str; 4] = ["txt", "text", "md", "markdown"];

pub async fn run(database: &str, args: Args) -> anyhow::Result<ExitCode> {
    let store = db::open_store(database).await?;
    let clock = SystemClock;
    let mut failed = 0usize;
    let (mut files, mut inserted, mut duplicates) = (0usize, 0usize, 0usize);
    for root in &args.paths {
        let found = match collect_files(root) {
            Ok(found) => found,
            Err(e) => {
                eprintln!("error: {e:#}");
                failed += 1;
                continue;
            }
        };
        for file in found {
            let label = file.display().to_string();
            let text = match read_text(&file) {
                Ok(t) => t,
                Err(e) => {
                    eprintln!("error: {e:#}");
                    failed += 1;
                    continue;
                }
            };
            match import_text(store.as_ref(), &clock, &label, &text).await {
                Ok(done) => {
                    files += 1;
                    inserted += done.inserted.len();
                    duplicates += done.duplicates.len();
                    println!(
                        "{label}: {} new, {} already stored, {} repairs noted",
                        done.inserted.len(),
                        done.duplicates.len(),
                        done.report.len()
                    );
                    for entry in &done.report {
                        println!(
                            "  {}:{}: {}: {}",
                            entry.source, entry.line, entry.kind, entry.detail
                        );
                    }
                }
                Err(e) => {
                    eprintln!("error: {e}");
                    failed += 1;
                }
            }
        }
    }
    println!(
        "imported {inserted} new releases ({duplicates} already stored) from {files} files; {failed} failed"
    );
    Ok(if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// The files under a path, in a stable order; a file named directly is
/// taken whatever its ending.
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
            let hidden = entry.file_name().to_string_lossy().starts_with('.');
            if hidden {
                continue;
            }
            if path.is_dir() {
                stack.push(path);
            } else if path
                .extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
            {
                out.push(path);
            }
        }
    }
    out.sort();
    Ok(out)
}

fn read_text(path: &Path) -> anyhow::Result<String> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    String::from_utf8(bytes).map_err(|e| {
        anyhow::anyhow!(
            "{}: not UTF-8 text (invalid byte at offset {})",
            path.display(),
            e.utf8_error().valid_up_to()
        )
    })
}
