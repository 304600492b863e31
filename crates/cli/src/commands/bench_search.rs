//! `pressroom bench load` and `pressroom bench search`: the search
//! benchmark's data and its in-process half (bench/search/run.sh drives the
//! HTTP half with wrk). The baseline is SQLite FTS5 over the same releases,
//! answering the same questions: the top ten, the total, and counts per
//! kind, issuer and year.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::Context;
use jiff::Timestamp;
use pressroom_domain::Status;
use pressroom_search::{SearchIndex, SearchRequest, Sort};
use pressroom_store::{ImportRecord, Source};
use pressroom_synth::Generator;
use sqlx::Row;
use sqlx::sqlite::{SqliteConnectOptions, SqlitePool, SqlitePoolOptions};

use crate::db;

#[derive(Debug, clap::Args)]
pub struct LoadArgs {
    /// How many synthetic releases to store (published).
    #[arg(long)]
    count: u64,
    /// Seed of the generator.
    #[arg(long, default_value_t = 1)]
    seed: u64,
}

#[derive(Debug, clap::Args)]
pub struct SearchArgs {
    /// The SQLite FTS5 baseline database (built from the store if absent);
    /// without it only the index is timed.
    #[arg(long)]
    fts: Option<PathBuf>,
    /// Timed runs of each query class, per engine.
    #[arg(long, default_value_t = 300)]
    iterations: usize,
    /// Timed passes over each query class on the FTS5 baseline.
    #[arg(long, default_value_t = 1)]
    fts_passes: usize,
    /// Only the query classes whose name holds this ("word", "phrase",
    /// "filtered"): a profile of one class.
    #[arg(long)]
    class: Option<String>,
}

/// Single words, from rare to very common in the synthetic corpus.
pub const WORDS: [&str; 10] = [
    "fentanyl",
    "cybersecurity",
    "polio",
    "maritime",
    "Angola",
    "pandemic",
    "sanctions",
    "humanitarian",
    "nonproliferation",
    "Ukraine",
];
/// Phrases.
pub const PHRASES: [&str; 6] = [
    "\"human rights\"",
    "\"maritime security\"",
    "\"weapons of mass destruction\"",
    "\"humanitarian assistance\"",
    "\"trafficking in persons\"",
    "\"pandemic preparedness\"",
];
/// Filtered + faceted: a phrase or word with a kind and a year chosen.
pub const FILTERED: [(&str, &str, i16); 4] = [
    ("\"human rights\"", "Readout", 2018),
    ("sanctions", "Press Statement", 2015),
    ("\"maritime security\"", "Media Note", 2020),
    ("humanitarian", "Statement", 2012),
];

pub async fn load(database: &str, args: LoadArgs) -> anyhow::Result<ExitCode> {
    let store = db::open_store(database).await?;
    let mut generator = Generator::new(args.seed);
    let started = Instant::now();
    let now = Timestamp::now();
    let mut stored = 0u64;
    let mut line = 0u32;
    while stored < args.count {
        let n = (args.count - stored).min(2_000);
        let batch: Vec<ImportRecord> = (0..n)
            .map(|_| {
                let content = generator.next_release();
                line += 1;
                ImportRecord {
                    fingerprint: pressroom_archive::fingerprint(&content),
                    content,
                    source: Source {
                        path: "bench/synthetic".to_owned(),
                        line,
                    },
                    status: Status::Published,
                }
            })
            .collect();
        store
            .import(batch, now)
            .await
            .context("cannot store a batch")?;
        stored += n;
        if stored.is_multiple_of(100_000) {
            eprintln!(
                "  {stored} stored ({:.0}/s)",
                stored as f64 / started.elapsed().as_secs_f64()
            );
        }
    }
    println!(
        "stored {stored} synthetic releases in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    Ok(ExitCode::SUCCESS)
}

pub async fn search(
    database: &str,
    index_dir: &Path,
    args: SearchArgs,
) -> anyhow::Result<ExitCode> {
    let index = SearchIndex::open_or_create(index_dir)?;
    anyhow::ensure!(
        index.num_docs() > 0,
        "the search index at {} is empty: run `pressroom reindex` first",
        index_dir.display()
    );
    let fts = match &args.fts {
        Some(path) => Some(open_fts(path, database).await?),
        None => None,
    };
    let now = Timestamp::now();

    println!("engine   class               runs    p50 ms   p99 ms  mean ms  cpu ms/q");
    let classes: [(&str, Vec<SearchRequest>); 3] = [
        (
            "single word",
            WORDS.iter().map(|w| request(w, None, None)).collect(),
        ),
        (
            "phrase + facets",
            PHRASES.iter().map(|p| request(p, None, None)).collect(),
        ),
        (
            "filtered + facets",
            FILTERED
                .iter()
                .map(|(q, k, y)| request(q, Some(k), Some(*y)))
                .collect(),
        ),
    ];
    let chosen = |class: &str| args.class.as_deref().is_none_or(|c| class.contains(c));
    for (class, requests) in classes.iter().filter(|(c, _)| chosen(c)) {
        // The first time each question is asked since the index opened
        // (its pages read from disk, nothing kept yet), then the timed runs.
        let mut first = Vec::with_capacity(requests.len());
        let cpu = process_cpu();
        for r in requests {
            let t = Instant::now();
            std::hint::black_box(index.search(r, now)?);
            first.push(t.elapsed());
        }
        let cpu = cpu_since(cpu);
        print_row("tantivy", &format!("{class} (1st)"), &mut first, cpu);
        let mut times = Vec::with_capacity(args.iterations);
        let cpu = process_cpu();
        for i in 0..args.iterations {
            let r = &requests[i % requests.len()];
            let t = Instant::now();
            let res = index.search(r, now)?;
            times.push(t.elapsed());
            std::hint::black_box(res);
        }
        let cpu = cpu_since(cpu);
        print_row("tantivy", class, &mut times, cpu);
    }
    let Some(fts) = fts else {
        return Ok(ExitCode::SUCCESS);
    };
    for (class, requests) in classes.iter().filter(|(c, _)| chosen(c)) {
        // FTS5 takes seconds per question at a million releases: one timed
        // pass over the class (after one warm-up) is what the run can afford.
        let runs = requests.len() * args.fts_passes.max(1);
        let mut times = Vec::with_capacity(runs);
        fts_query(&fts, &requests[0]).await?;
        let cpu = process_cpu();
        for i in 0..runs {
            let r = &requests[i % requests.len()];
            let t = Instant::now();
            std::hint::black_box(fts_query(&fts, r).await?);
            times.push(t.elapsed());
        }
        let cpu = cpu_since(cpu);
        print_row("fts5", class, &mut times, cpu);
    }
    Ok(ExitCode::SUCCESS)
}

fn request(q: &str, kind: Option<&str>, year: Option<i16>) -> SearchRequest {
    SearchRequest {
        q: q.to_owned(),
        kind: kind.map(str::to_owned),
        issuer: None,
        year,
        sort: Sort::Relevance,
        page: 1,
        per_page: 10,
    }
}

/// Processor time this process has used (user and system, all threads),
/// from /proc/self/stat in clock ticks (USER_HZ, 100 per second on Linux).
/// Wall-clock latency on a shared machine includes the waits for a core;
/// processor time per query does not, so it compares runs made under
/// different loads. `None` where /proc is not there.
fn process_cpu() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name, which is in parentheses and may hold
    // spaces: utime and stime are the 14th and 15th fields of the line.
    let rest = stat.rsplit_once(')')?.1;
    let mut fields = rest.split_whitespace().skip(11);
    let utime: u64 = fields.next()?.parse().ok()?;
    let stime: u64 = fields.next()?.parse().ok()?;
    Some(Duration::from_millis((utime + stime) * 10))
}

fn cpu_since(start: Option<Duration>) -> Option<Duration> {
    Some(process_cpu()?.saturating_sub(start?))
}

fn print_row(engine: &str, class: &str, times: &mut [Duration], cpu: Option<Duration>) {
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let pick = |p: f64| times[((times.len() as f64 * p) as usize).min(times.len() - 1)];
    let mean = times.iter().map(|d| ms(*d)).sum::<f64>() / times.len() as f64;
    let cpu = cpu.map_or_else(
        || "-".to_owned(),
        |c| format!("{:.2}", ms(c) / times.len() as f64),
    );
    println!(
        "{engine:<8} {class:<18} {:>5} {:>9.2} {:>8.2} {:>8.2} {cpu:>9}",
        times.len(),
        ms(pick(0.50)),
        ms(pick(0.99)),
        mean
    );
}

/// Opens the FTS5 baseline, building it from the store when new: title and
/// body searchable (porter stemming, diacritics removed, like the index),
/// kind, issuer and year kept for the counts; the releases the index holds
/// (published, or timed with a publication time).
///
/// Built by SQLite itself in one statement from one scan of the store's
/// `releases` table (attached read-only), with the journal off: a million
/// releases through the store's API, batch by batch with every body
/// decoded in Rust, did not finish within a session. It is built under a
/// temporary name and renamed when complete, so a run that stops half way
/// leaves no half-built baseline to be mistaken for a whole one.
async fn open_fts(path: &Path, database: &str) -> anyhow::Result<SqlitePool> {
    let connect = |file: &Path| {
        SqlitePoolOptions::new().max_connections(1).connect_with(
            SqliteConnectOptions::new()
                .filename(file)
                .create_if_missing(true),
        )
    };
    if !path.exists() {
        let store_file = database
            .strip_prefix("sqlite://")
            .or_else(|| database.strip_prefix("sqlite:"))
            .map(|f| f.split('?').next().unwrap_or(f))
            .with_context(|| {
                format!("the FTS5 baseline is built from a SQLite store, not {database:?}")
            })?;
        let building = path.with_extension("building");
        if building.exists() {
            std::fs::remove_file(&building)
                .with_context(|| format!("cannot remove {}", building.display()))?;
        }
        let started = Instant::now();
        let pool = connect(&building)
            .await
            .with_context(|| format!("cannot create {}", building.display()))?;
        for statement in [
            "PRAGMA journal_mode = OFF",
            "PRAGMA synchronous = OFF",
            "CREATE VIRTUAL TABLE fts USING fts5(title, body, kind UNINDEXED, issuer UNINDEXED, \
             year UNINDEXED, tokenize = 'porter unicode61 remove_diacritics 2')",
        ] {
            sqlx::query(statement).execute(&pool).await?;
        }
        sqlx::query("ATTACH DATABASE ? AS store")
            .bind(format!("file:{store_file}?mode=ro"))
            .execute(&pool)
            .await
            .with_context(|| format!("cannot attach the store {store_file}"))?;
        let rows = sqlx::query(
            "INSERT INTO fts (rowid, title, body, kind, issuer, year) \
             SELECT id, title, \
                    (SELECT group_concat(value, char(10) || char(10)) FROM json_each(r.body)), \
                    kind, issuer, CAST(substr(release_date, 1, 4) AS INTEGER) \
             FROM store.releases AS r \
             WHERE published_at IS NOT NULL \
               AND status IN ('published', 'scheduled', 'embargoed')",
        )
        .execute(&pool)
        .await
        .context("cannot fill the FTS5 baseline from the store")?
        .rows_affected();
        sqlx::query("DETACH DATABASE store").execute(&pool).await?;
        let filled = started.elapsed();
        sqlx::query("INSERT INTO fts (fts) VALUES ('optimize')")
            .execute(&pool)
            .await?;
        pool.close().await;
        std::fs::rename(&building, path).with_context(|| {
            format!("cannot rename {} to {}", building.display(), path.display())
        })?;
        eprintln!(
            "FTS5 baseline: {rows} releases in {:.1} s ({:.1} s filling, then merged into one segment)",
            started.elapsed().as_secs_f64(),
            filled.as_secs_f64()
        );
    }
    connect(path)
        .await
        .with_context(|| format!("cannot open {}", path.display()))
}

/// The same question as the index answers: top ten by relevance (title
/// weighted 3x), the total, and the facet counts.
async fn fts_query(pool: &SqlitePool, r: &SearchRequest) -> anyhow::Result<usize> {
    let mut filter = String::new();
    if r.kind.is_some() {
        filter.push_str(" AND kind = ?2");
    }
    if r.year.is_some() {
        filter.push_str(" AND year = ?3");
    }
    let kind = r.kind.clone().unwrap_or_default();
    let year = i64::from(r.year.unwrap_or(0));
    let top = sqlx::query(&format!(
        "SELECT rowid, title, snippet(fts, 1, '<mark>', '</mark>', '…', 30) FROM fts \
         WHERE fts MATCH ?1{filter} ORDER BY bm25(fts, 3.0, 1.0) LIMIT 10"
    ))
    .bind(&r.q)
    .bind(&kind)
    .bind(year)
    .fetch_all(pool)
    .await?;
    let total: i64 = sqlx::query(&format!(
        "SELECT count(*) FROM fts WHERE fts MATCH ?1{filter}"
    ))
    .bind(&r.q)
    .bind(&kind)
    .bind(year)
    .fetch_one(pool)
    .await?
    .try_get(0)?;
    let mut facets = 0;
    for col in ["kind", "issuer", "year"] {
        facets += sqlx::query(&format!(
            "SELECT {col}, count(*) FROM fts WHERE fts MATCH ?1{filter} GROUP BY {col}"
        ))
        .bind(&r.q)
        .bind(&kind)
        .bind(year)
        .fetch_all(pool)
        .await?
        .len();
    }
    Ok(top.len() + facets + usize::try_from(total).unwrap_or(0))
}
