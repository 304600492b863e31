use std::collections::{BTreeMap, HashMap};

use pressroom_archive::{
    Format, HeldRelease, ParseError, ParseOptions, ParsedFile, ReportEntry, ReportKind,
    parse_bytes, parse_text,
};
use pressroom_domain::{Clock, ReleasePath, Status};
use pressroom_store::{HeldImport, ImportOutcome, ImportRecord, Source, Store, StoreError};
use serde::Serialize;
use thiserror::Error;

/// What importing one file did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileImport {
    pub source: String,
    /// Releases stored for the first time.
    pub inserted: Vec<ReleasePath>,
    /// Releases that were already stored (from another file or an earlier
    /// run); this file was recorded as one more source of each.
    pub duplicates: Vec<ReleasePath>,
    /// Releases not stored because the text gives no title or no full date.
    pub held: Vec<HeldRelease>,
    /// What the importer repaired or could not place.
    pub report: Vec<ReportEntry>,
}

/// Why a file was not imported. In every case nothing from it was stored.
#[derive(Debug, Error)]
pub enum ImportError {
    /// The text is not a release in a format the importer reads.
    #[error(transparent)]
    Parse(#[from] ParseError),
    /// The store refused the file's releases.
    #[error("{source}: could not store its releases: {error}")]
    Store {
        source: String,
        #[source]
        error: StoreError,
    },
}

/// Imports the releases in one file's text as published releases, all or
/// nothing: the file's releases are stored in one transaction.
pub async fn import_text(
    store: &dyn Store,
    clock: &dyn Clock,
    source: &str,
    text: &str,
) -> Result<FileImport, ImportError> {
    let mut parsed = parse_text(source, text)?;
    let report = parsed.report.clone();
    let held = std::mem::take(&mut parsed.held);
    let outcomes = store_file(store, clock, source, parsed.records(source)).await?;
    let mut result = FileImport {
        source: source.to_owned(),
        inserted: Vec::new(),
        duplicates: Vec::new(),
        held,
        report,
    };
    for outcome in outcomes {
        match outcome {
            ImportOutcome::Inserted { path, .. } => result.inserted.push(path),
            ImportOutcome::Duplicate { path, .. } => result.duplicates.push(path),
        }
    }
    Ok(result)
}

async fn store_file(
    store: &dyn Store,
    clock: &dyn Clock,
    source: &str,
    records: Vec<ImportRecord>,
) -> Result<Vec<ImportOutcome>, ImportError> {
    store
        .import(records, clock.now())
        .await
        .map_err(|error| ImportError::Store {
            source: source.to_owned(),
            error,
        })
}

trait Records {
    fn records(self, source: &str) -> Vec<ImportRecord>;
}

impl Records for ParsedFile {
    fn records(self, source: &str) -> Vec<ImportRecord> {
        self.releases
            .into_iter()
            .map(|r| ImportRecord {
                content: r.content,
                fingerprint: r.fingerprint,
                source: Source {
                    path: source.to_owned(),
                    line: r.line,
                },
                status: r.status.unwrap_or(Status::Published),
            })
            .collect()
    }
}

/// One import run over a whole archive: files are parsed first, then the
/// copies of each release across the run are compared so the cleanest is the
/// one stored, then each file's releases are stored in one transaction.
///
/// Why "cleanest wins" is settled before storing: history is append-only, so
/// a stored release is never rewritten by a cleaner copy found later. Within
/// a run every copy is known before anything is written; the first file to
/// carry a release stores the cleanest copy's content under its own source,
/// and every other file is recorded as a further source. Across runs, what
/// is stored stays.
#[derive(Debug, Default)]
pub struct ImportRun {
    options: ParseOptions,
    files: Vec<(String, ParsedFile)>,
    report: ImportReport,
    /// The held releases to keep, one per report entry, in its order.
    held: Vec<HeldImport>,
}

/// Where a run stands, for a progress bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    /// Files stored so far.
    pub done: u64,
    /// Files to store in all.
    pub total: u64,
    /// Releases in the files stored so far.
    pub releases: u64,
}

/// The report of a run: what was read, stored, merged and repaired, and every
/// fragment and file that could not be placed. Serialized as the JSON of
/// `pressroom import --report FILE`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ImportReport {
    /// Nothing was written (`--dry-run`).
    pub dry_run: bool,
    pub files: FileCounts,
    pub releases: ReleaseCounts,
    /// Repairs by type (`title_link_markup`, `stray_glyph`, ...).
    pub repairs: BTreeMap<String, u64>,
    /// Every piece of text that belongs to no release.
    pub unplaced: Vec<Fragment>,
    /// Every file that was not imported, and why; and every file whose
    /// held releases could not be kept (its releases are stored).
    pub errors: Vec<FileFailure>,
    /// Notes on how files were read (a Windows-1252 fallback).
    pub notes: Vec<Fragment>,
    /// Where each release stored by this run was also found, when it was
    /// found more than once: the path of the stored release and its sources.
    pub merged: Vec<Merged>,
    /// Releases read whole but for their title or full date, which the text
    /// does not give: not published (a public address needs both, and a
    /// guess would publish what the source never said) but kept in the
    /// database's held list (`pressroom held`, [`Store::held_imports`]),
    /// each with its places, reason and fields, for an editor to complete.
    pub held: Vec<Held>,
}

/// A release held for a title or a date; copies in several files are one
/// entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Held {
    pub file: String,
    pub line: u32,
    pub reason: String,
    /// The other places a copy was found, as "file:line".
    pub also_in: Vec<String>,
    /// Its fields under `pressroom export`'s keys, `null` where the text
    /// says nothing; `date_without_year` keeps a date printed without one.
    pub release: serde_json::Value,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct FileCounts {
    /// Files read.
    pub read: u64,
    /// Files whose releases were all read (and stored, unless a dry run).
    pub imported: u64,
    /// Files not imported at all.
    pub failed: u64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ReleaseCounts {
    /// Releases read from the imported files, copies included.
    pub found: u64,
    /// Distinct releases among them.
    pub distinct: u64,
    /// Distinct releases held for a title or a date (see
    /// [`ImportReport::held`]); not counted in `found` or `distinct`.
    pub held: u64,
    /// Copies merged into another copy of the same release in this run.
    pub duplicates_merged: u64,
    /// Distinct releases that were new to the store (`None` in a dry run,
    /// which does not look at the store).
    pub stored_new: Option<u64>,
    /// Distinct releases the store already held from an earlier run.
    pub already_stored: Option<u64>,
    /// Held releases new to the database's held list (`None` in a dry run);
    /// the others were kept by an earlier run and only gained sources.
    pub held_new: Option<u64>,
}

/// A place in a file and what is there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Fragment {
    pub file: String,
    pub line: u32,
    pub reason: String,
    pub text: String,
}

/// A file that was not imported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileFailure {
    pub file: String,
    /// The line to look at, when the problem has one.
    pub line: Option<u32>,
    pub reason: String,
}

/// A release found in several places.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Merged {
    pub title: String,
    pub date: String,
    /// The copy whose content was kept, as "file:line".
    pub kept: String,
    /// Every copy, as "file:line", in the order read.
    pub sources: Vec<String>,
}

impl ImportRun {
    pub fn new(options: ParseOptions) -> Self {
        Self {
            options,
            ..Self::default()
        }
    }

    /// Reads one file's bytes (any format; `format` from its name, or `None`
    /// to tell from the content). A file that cannot be read is recorded as
    /// failed, with its line and reason; the run goes on.
    pub fn add_file(&mut self, source: &str, bytes: &[u8], format: Option<Format>) {
        let parsed = parse_bytes(source, bytes, format, &self.options);
        self.add_parsed(source, parsed);
    }

    /// Adds a file parsed elsewhere (with `parse_bytes` and this run's
    /// options), so that callers can parse files on several threads; files
    /// must be added in the order read.
    pub fn add_parsed(&mut self, source: &str, parsed: Result<ParsedFile, ParseError>) {
        self.report.files.read += 1;
        match parsed {
            Ok(parsed) => self.files.push((source.to_owned(), parsed)),
            Err(e) => self.fail(source, Some(e.line), e.reason),
        }
    }

    /// Records a file that could not even be read (an IO error).
    pub fn add_unreadable(&mut self, source: &str, reason: String) {
        self.report.files.read += 1;
        self.fail(source, None, reason);
    }

    fn fail(&mut self, source: &str, line: Option<u32>, reason: String) {
        self.report.files.failed += 1;
        self.report.errors.push(FileFailure {
            file: source.to_owned(),
            line,
            reason,
        });
    }

    /// Files read successfully so far.
    pub fn parsed_files(&self) -> usize {
        self.files.len()
    }

    /// Reports what storing would do, writing nothing.
    pub fn dry_run(mut self) -> ImportReport {
        self.report.dry_run = true;
        let _ = self.plan(false);
        self.report
    }

    /// Stores every file's releases and returns the report. Files are
    /// committed in groups (up to 1,000 files or 20,000 releases a commit),
    /// each file all or nothing inside its group: a file the store refuses is
    /// a failure of that file only, and a file counts as imported once its
    /// group's commit is durable.
    ///
    /// Into a store that holds no release yet (an archive's first
    /// migration), the whole archive is one group, one commit: the backend
    /// may then build its indexes once after the rows rather than row by row
    /// (SQLite does), and a failed or interrupted first import leaves the
    /// store empty, to be run again, rather than part-imported.
    pub async fn store(
        mut self,
        store: &dyn Store,
        clock: &dyn Clock,
        progress: &mut dyn FnMut(Progress),
    ) -> ImportReport {
        let batches = self.plan(true);
        let total = batches.len() as u64;
        // A store that cannot say is treated as holding releases: groups
        // then stay small, which is always correct.
        let empty = matches!(store.batch_after(None, 1).await, Ok(first) if first.is_empty());
        let (mut new, mut old, mut releases, mut done) = (0u64, 0u64, 0u64, 0u64);
        let mut seen: std::collections::HashSet<String> = std::collections::HashSet::new();
        for group in commit_groups(batches, empty) {
            let sources: Vec<String> = group.iter().map(|(s, _)| s.clone()).collect();
            let fingerprints: Vec<Vec<String>> = group
                .iter()
                .map(|(_, records)| records.iter().map(|r| r.fingerprint.clone()).collect())
                .collect();
            let count: u64 = group.iter().map(|(_, r)| r.len() as u64).sum();
            let files = group.into_iter().map(|(_, records)| records).collect();
            match store.import_files(files, clock.now()).await {
                Ok(results) => {
                    for ((source, result), fps) in sources.iter().zip(results).zip(fingerprints) {
                        match result {
                            Ok(outcomes) => {
                                self.report.files.imported += 1;
                                for (outcome, fp) in outcomes.iter().zip(fps) {
                                    let first_in_run = seen.insert(fp);
                                    match outcome {
                                        ImportOutcome::Inserted { .. } => new += 1,
                                        ImportOutcome::Duplicate { .. } if first_in_run => old += 1,
                                        ImportOutcome::Duplicate { .. } => {}
                                    }
                                }
                            }
                            Err(error) => {
                                let e = ImportError::Store {
                                    source: source.clone(),
                                    error,
                                };
                                self.fail(source, None, e.to_string());
                            }
                        }
                    }
                }
                // The commit itself failed: none of the group is stored.
                Err(error) => {
                    for source in &sources {
                        let reason = format!("{source}: could not store its releases: {error}");
                        self.fail(source, None, reason);
                    }
                }
            }
            releases += count;
            done += sources.len() as u64;
            progress(Progress {
                done,
                total,
                releases,
            });
        }
        self.report.releases.stored_new = Some(new);
        self.report.releases.already_stored = Some(old);
        let held = std::mem::take(&mut self.held);
        if !held.is_empty() {
            match store.hold_imports(held, clock.now()).await {
                Ok(kept) => {
                    self.report.releases.held_new = Some(kept.iter().filter(|&&n| n).count() as u64)
                }
                Err(error) => {
                    // Their files' releases are stored; what failed is the
                    // held list, named on every file that had a held release.
                    let files: std::collections::BTreeSet<String> =
                        self.report.held.iter().map(|h| h.file.clone()).collect();
                    for file in files {
                        let reason = format!("{file}: could not keep its held releases: {error}");
                        self.report.errors.push(FileFailure {
                            file,
                            line: None,
                            reason,
                        });
                    }
                }
            }
        } else {
            self.report.releases.held_new = Some(0);
        }
        self.report
    }

    /// Settles the report's counts and the cleanest copy of each release,
    /// and returns each file's records, in the order read (none unless
    /// `records`: a dry run only reports).
    fn plan(&mut self, records: bool) -> Vec<(String, Vec<ImportRecord>)> {
        let files = std::mem::take(&mut self.files);
        let report = &mut self.report;
        // The cleanest copy of each fingerprint, and every place it was
        // found: one entry per release, its places spelled out only for the
        // releases found more than once (formatting one per release was
        // 200,000 strings for a few thousand merges).
        let mut copies: HashMap<&str, Copies> = HashMap::new();
        let mut order: Vec<&str> = Vec::new();
        for (f, (_, parsed)) in files.iter().enumerate() {
            for (r, release) in parsed.releases.iter().enumerate() {
                let fp = release.fingerprint.as_str();
                match copies.entry(fp) {
                    std::collections::hash_map::Entry::Vacant(slot) => {
                        order.push(fp);
                        slot.insert(Copies {
                            best: (f, r),
                            first: (f, release.line),
                            more: Vec::new(),
                        });
                    }
                    std::collections::hash_map::Entry::Occupied(mut slot) => {
                        let seen = slot.get_mut();
                        let (bf, br) = seen.best;
                        if release.cleanliness() > files[bf].1.releases[br].cleanliness() {
                            seen.best = (f, r);
                        }
                        seen.more.push((f, release.line));
                    }
                }
            }
        }
        // Held copies of one release are one entry, showing the copy with
        // the most fields.
        let mut held_at: HashMap<&str, (usize, u8)> = HashMap::new();
        let here = |source: &str, line: u32| Source {
            path: source.to_owned(),
            line,
        };
        for (source, parsed) in &files {
            for h in &parsed.held {
                let place = format!("{source}:{}", h.line);
                match held_at.get_mut(h.fingerprint.as_str()) {
                    Some((i, best)) => {
                        let entry = &mut report.held[*i];
                        let kept = &mut self.held[*i];
                        if h.cleanliness() > *best {
                            *best = h.cleanliness();
                            let before = format!("{}:{}", entry.file, entry.line);
                            entry.also_in.push(before);
                            entry.file = source.clone();
                            entry.line = h.line;
                            entry.reason = h.reason.clone();
                            entry.release = h.record();
                            kept.reason = h.reason.clone();
                            kept.fields = entry.release.clone();
                            kept.sources.insert(0, here(source, h.line));
                        } else {
                            entry.also_in.push(place);
                            kept.sources.push(here(source, h.line));
                        }
                    }
                    None => {
                        held_at.insert(&h.fingerprint, (report.held.len(), h.cleanliness()));
                        let release = h.record();
                        self.held.push(HeldImport {
                            fingerprint: h.fingerprint.clone(),
                            reason: h.reason.clone(),
                            fields: release.clone(),
                            sources: vec![here(source, h.line)],
                        });
                        report.held.push(Held {
                            file: source.clone(),
                            line: h.line,
                            reason: h.reason.clone(),
                            also_in: Vec::new(),
                            release,
                        });
                    }
                }
            }
        }
        report.releases.held += held_at.len() as u64;
        let found: usize = files.iter().map(|(_, p)| p.releases.len()).sum();
        report.releases.found += found as u64;
        report.releases.distinct += copies.len() as u64;
        report.releases.duplicates_merged += (found - copies.len()) as u64;
        for fp in &order {
            let copy = &copies[fp];
            if !copy.more.is_empty() {
                let (bf, br) = copy.best;
                let kept = &files[bf].1.releases[br];
                report.merged.push(Merged {
                    title: kept.content.title.as_str().to_owned(),
                    date: kept.content.date.to_string(),
                    kept: format!("{}:{}", files[bf].0, kept.line),
                    sources: std::iter::once(&copy.first)
                        .chain(&copy.more)
                        .map(|&(f, line)| format!("{}:{line}", files[f].0))
                        .collect(),
                });
            }
        }
        // Counted by kind first: an archive has a repair or more per
        // release, and a label string per repair was a million allocations.
        let mut repairs: HashMap<ReportKind, u64> = HashMap::new();
        for (_, parsed) in &files {
            for e in &parsed.report {
                if e.kind.is_repair() {
                    *repairs.entry(e.kind).or_default() += 1;
                } else {
                    let fragment = Fragment {
                        file: e.source.clone(),
                        line: e.line,
                        reason: reason_of(e.kind),
                        text: e.detail.clone(),
                    };
                    if e.kind == ReportKind::Unplaced {
                        report.unplaced.push(fragment);
                    } else {
                        report.notes.push(fragment);
                    }
                }
            }
        }
        for (kind, n) in repairs {
            *report.repairs.entry(kind.as_str().to_owned()).or_default() += n;
        }
        if !self.report.dry_run {
            self.report.files.imported = 0;
        } else {
            self.report.files.imported = files.len() as u64;
        }
        if !records {
            return Vec::new();
        }
        let cleanest: HashMap<String, pressroom_domain::ReleaseContent> = copies
            .iter()
            .filter(|(_, c)| !c.more.is_empty())
            .map(|(fp, c)| {
                let (f, r) = c.best;
                ((*fp).to_owned(), files[f].1.releases[r].content.clone())
            })
            .collect();
        // The parser's report entries (a repair or more per release, two
        // strings each) are freed on another thread: a third of a second
        // of a 200,000-release import, spent before anything is stored.
        let mut entries = Vec::with_capacity(files.len());
        let batches = files
            .into_iter()
            .map(|(source, mut parsed)| {
                entries.push(std::mem::take(&mut parsed.report));
                let mut records = parsed.records(&source);
                for rec in &mut records {
                    if let Some(c) = cleanest.get(&rec.fingerprint) {
                        rec.content = c.clone();
                    }
                }
                (source, records)
            })
            .collect();
        // Should the thread not start, the closure, entries and all, is
        // dropped here instead.
        let _ = std::thread::Builder::new()
            .name("pressroom-free-report".into())
            .spawn(move || drop(entries));
        batches
    }
}

/// Where the copies of one release were found, and which is the cleanest.
struct Copies {
    /// The cleanest copy, as (file, release) indexes.
    best: (usize, usize),
    /// The first copy read, as (file, line).
    first: (usize, u32),
    /// Every later copy, as (file, line), in the order read: empty (and
    /// unallocated) for the many releases found once.
    more: Vec<(usize, u32)>,
}

/// At most this many files share one commit: a failed commit fails them all.
const FILES_PER_COMMIT: usize = 1_000;
/// A group is closed once it holds this many releases, so that a commit's
/// write-ahead log stays a few tens of megabytes.
const RELEASES_PER_COMMIT: usize = 20_000;

/// Splits files, in order, into the groups committed together: all of
/// them in one group when the store holds no release yet (`into_empty`).
fn commit_groups(
    batches: Vec<(String, Vec<ImportRecord>)>,
    into_empty: bool,
) -> Vec<Vec<(String, Vec<ImportRecord>)>> {
    if into_empty {
        return if batches.is_empty() {
            Vec::new()
        } else {
            vec![batches]
        };
    }
    let mut groups = Vec::new();
    let mut group: Vec<(String, Vec<ImportRecord>)> = Vec::new();
    let mut releases = 0;
    for batch in batches {
        releases += batch.1.len();
        group.push(batch);
        if group.len() >= FILES_PER_COMMIT || releases >= RELEASES_PER_COMMIT {
            groups.push(std::mem::take(&mut group));
            releases = 0;
        }
    }
    if !group.is_empty() {
        groups.push(group);
    }
    groups
}

fn reason_of(kind: ReportKind) -> String {
    match kind {
        ReportKind::Unplaced => {
            "text outside any release (before its header or between releases)".into()
        }
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: &str = "Sanctions Announcement on Russia\n\nMedia Note\nOffice of the Spokesperson\n\
        Washington, DC\nDecember 19, 2018\n\nToday, the Departments acted.\n";

    #[test]
    fn files_into_an_empty_store_are_one_commit_and_otherwise_groups_of_bounded_size() {
        let mut run = ImportRun::new(ParseOptions::default());
        for i in 0..3 {
            run.add_file(&format!("f{i}.txt"), A.as_bytes(), None);
        }
        let batches = run.plan(true);
        let sizes = |groups: Vec<Vec<(String, Vec<ImportRecord>)>>| -> Vec<usize> {
            groups.iter().map(Vec::len).collect()
        };
        assert_eq!(sizes(commit_groups(batches.clone(), true)), [3]);
        assert_eq!(sizes(commit_groups(Vec::new(), true)), Vec::<usize>::new());
        let many: Vec<_> = (0..FILES_PER_COMMIT + 1)
            .map(|i| (format!("f{i}.txt"), batches[0].1.clone()))
            .collect();
        assert_eq!(
            sizes(commit_groups(many.clone(), false)),
            [FILES_PER_COMMIT, 1]
        );
        assert_eq!(sizes(commit_groups(many, true)), [FILES_PER_COMMIT + 1]);
    }

    #[test]
    fn the_cleanest_copy_is_planned_for_every_source() {
        let messy = "[Press Releases: Sanctions Announcement on Russia](#)\n\nDecember 19, 2018\n\n\
            Today, the\u{25A1} Departments acted.\n";
        let mut run = ImportRun::new(ParseOptions::default());
        run.add_file("messy.txt", messy.as_bytes(), None);
        run.add_file("clean.txt", A.as_bytes(), None);
        let batches = run.plan(true);
        assert_eq!(batches.len(), 2);
        let first = &batches[0].1[0];
        assert_eq!(first.source.path, "messy.txt");
        assert_eq!(
            first.content.kind.as_ref().map(|k| k.as_str()),
            Some("Media Note"),
            "the messy file's source carries the clean copy's content"
        );
        assert_eq!(run.report.releases.duplicates_merged, 1);
        assert_eq!(run.report.merged[0].kept, "clean.txt:1");
        assert_eq!(run.report.merged[0].sources, ["messy.txt:1", "clean.txt:1"]);
    }

    #[test]
    fn a_release_without_a_year_is_held_once_with_every_place_it_was_found() {
        let held = "Call with the Foreign Minister\n\n3 Sep\n\nOffice of the Spokesperson\n\n\
            They spoke today.\n";
        let mut run = ImportRun::new(ParseOptions::default());
        run.add_file("a.txt", format!("{A}\n{held}").as_bytes(), None);
        run.add_file("b.txt", held.as_bytes(), None);
        let report = run.dry_run();
        assert_eq!(report.files.failed, 0, "{:?}", report.errors);
        assert_eq!(report.releases.found, 1);
        assert_eq!(report.releases.held, 1);
        let [h] = report.held.as_slice() else {
            panic!("one held release: {:?}", report.held);
        };
        assert_eq!((h.file.as_str(), h.line), ("a.txt", 10));
        assert_eq!(h.also_in, ["b.txt:1"]);
        assert!(h.reason.contains("\"3 Sep\" has no year"), "{}", h.reason);
        assert_eq!(h.release["date_without_year"], "3 Sep");
        assert_eq!(h.release["issuer"], "Office of the Spokesperson");
    }

    #[test]
    fn failures_are_counted_and_named() {
        let mut run = ImportRun::new(ParseOptions::default());
        run.add_file("empty.txt", b"", None);
        run.add_file("a.txt", A.as_bytes(), None);
        let report = run.dry_run();
        assert_eq!(report.files.read, 2);
        assert_eq!(report.files.failed, 1);
        assert_eq!(report.files.imported, 1);
        assert_eq!(report.errors[0].file, "empty.txt");
        assert_eq!(report.errors[0].line, Some(1));
        assert_eq!(report.releases.found, 1);
        assert_eq!(report.releases.stored_new, None);
    }
}
