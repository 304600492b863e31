use std::net::SocketAddr;
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use pressroom_domain::{Clock, ReleaseId, SystemClock};
use pressroom_newsroom::{IndexStart, IndexSync};
use pressroom_store::{CountMemo, Facet, PageRequest, PublicView, ReleaseFilter, Store};
use pressroom_web::{AppState, NewsroomState, PageCache};

use crate::{config, db};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    bind: SocketAddr,

    /// Serve a temporary database filled with sample releases of a
    /// fictional ministry, ignoring --database.
    #[arg(long)]
    demo: bool,

    /// How long, in seconds, a rendered page may be served from this
    /// node's memory when no change is reported; 0 turns the cache off.
    #[arg(long, default_value_t = 30)]
    page_cache_seconds: u64,

    /// How much memory, in MiB, the rendered pages may take (every
    /// encoding counted); beyond it the least recently served go.
    #[arg(long, default_value_t = 64)]
    page_cache_mb: usize,

    /// How often, in milliseconds, the change feed is read when no change
    /// signal comes. On SQLite a write by another process (`pressroom
    /// import`) sends none, so this bounds how late it shows here.
    #[arg(long, default_value_t = 5000)]
    change_poll_ms: u64,

    #[command(flatten)]
    keys: crate::commands::key::KeyDir,
}

pub async fn run(
    database: &str,
    index_dir: &Path,
    config_file: Option<&Path>,
    args: Args,
) -> anyhow::Result<ExitCode> {
    // mimalloc asks for transparent huge pages on its regions, and with
    // the kernel's `defrag=madvise` the first touch of one may wait for
    // memory to be compacted. A serving node touches fresh memory at every
    // search commit (tantivy's 4 MB term table, on a new indexing thread):
    // at 1M the first commit after a start took 42-57 ms with them and
    // 15-18 ms without, and search showed a publication after 74-125 ms
    // against 26-38 (`bench/peers/README.md`, session 11). An import keeps
    // them: its gigabytes of rows fault in fewer, larger pages.
    if let Err(e) = rustix::thread::disable_transparent_huge_pages(true) {
        tracing::warn!(error = %e, "could not turn transparent huge pages off; serving with them");
    }
    // Bind first: a port in use should fail before any other work.
    let listener = tokio::net::TcpListener::bind(args.bind)
        .await
        .with_context(|| format!("cannot listen on {}", args.bind))?;
    let addr = listener
        .local_addr()
        .context("cannot read the bound address")?;
    let mut site = config::load(config_file, Some(format!("http://{addr}")))?;
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);

    // The demo's temporary directory lives until the server stops.
    let (demo_dir, store, index) = if args.demo {
        let dir =
            tempfile::tempdir().context("cannot create a temporary directory for the demo")?;
        let url = format!("sqlite://{}", dir.path().join("demo.db").display());
        let (store, accounts) = db::open_stores(&url).await?;
        let imported = pressroom_newsroom::import_text(
            store.as_ref(),
            clock.as_ref(),
            "demo/ministry.txt",
            pressroom_synth::DEMO_RELEASES,
        )
        .await
        .context("cannot load the demo releases")?;
        site.name = "Norvia Press Releases".to_owned();
        site.operator = "the Ministry of Foreign Affairs of Norvia, a fictional country".to_owned();
        tracing::info!(releases = imported.inserted.len(), "demo database ready");
        let index = db::open_index(&dir.path().join("demo.db.index"))?;
        (Some(dir), (store, accounts), index)
    } else {
        (
            None,
            db::open_stores(database).await?,
            db::open_index(index_dir)?,
        )
    };
    let (store, accounts) = store;
    let sync = start_index(store.clone(), index.clone())
        .await?
        .with_poll_interval(Duration::from_millis(args.change_poll_ms.max(1)));
    // One writer for as long as this node serves, its commits synced to
    // disk in the background: a publication reaches search without
    // waiting for either. `pressroom reindex` is refused meanwhile.
    index
        .hold_writer()
        .context("cannot take the search index's writer")?;
    let durable = tokio::spawn(keep_index_durable(index.clone()));

    // The transparency log's key: made at first start if missing (the
    // demo's lives and dies with its temporary database).
    let key_dir = match &demo_dir {
        Some(dir) => dir.path().join("keys"),
        None => args.keys.dir.clone(),
    };
    let (keys, _) = crate::commands::key::load_or_create(&key_dir, &site.base_url)?;
    tracing::info!(public_key = %keys.current.verifier(), "signing the transparency log");
    // Facet counts and totals are kept between writes: at a million
    // releases each is a scan of every public row.
    let counts = Arc::new(CountMemo::new());
    let state = AppState {
        public: PublicView::new(store.clone(), clock.clone()).with_counts(counts.clone()),
        site: Arc::new(site),
        ledger: Arc::new(keys),
        search: index.clone(),
        newsroom: NewsroomState::new(store.clone(), accounts, clock.clone()),
    };
    let cache = PageCache::new(Duration::from_secs(args.page_cache_seconds))
        .with_max_bytes(args.page_cache_mb.saturating_mul(1 << 20))
        .with_clock(clock.clone());
    let next_lift = store
        .next_due()
        .await
        .context("cannot read the publication timetable")?;
    cache.set_next_lift(next_lift);
    counts.set_next_lift(next_lift);
    let follower = tokio::spawn(follow_changes(
        sync,
        cache.clone(),
        counts.clone(),
        store.clone(),
        clock.clone(),
    ));
    // The first visitor of the front page should not wait for its counts.
    let warm = tokio::spawn(warm_counts(state.public.clone()));
    let scheduler = tokio::spawn(crate::scheduler::run(
        store.clone(),
        clock.clone(),
        crate::scheduler::holder_name(),
    ));
    let app = cache.wrap(pressroom_web::router(state));
    tracing::info!(backend = store.backend(), "listening on http://{addr}");
    println!("pressroom is serving on http://{addr}");
    let served = pressroom_web::serve(listener, app, shutdown_signal()).await;
    follower.abort();
    scheduler.abort();
    warm.abort();
    durable.abort();
    // Waits for a commit under way, then syncs what is not yet on disk.
    match tokio::task::spawn_blocking(move || index.release_writer()).await {
        Ok(Ok(())) => {}
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "cannot make the search index durable; it replays the change feed at the next start")
        }
        Err(e) => tracing::warn!(error = %e, "cannot make the search index durable"),
    }
    served.context("server error")?;
    tracing::info!("shut down cleanly");
    Ok(ExitCode::SUCCESS)
}

/// Brings this node's search index up to date before the site opens: it
/// catches up from the change-feed position its last commit recorded, or
/// is rebuilt from the store when empty, of another database or far behind.
async fn start_index(
    store: Arc<dyn Store>,
    index: Arc<pressroom_search::SearchIndex>,
) -> anyhow::Result<IndexSync> {
    let (sync, how) = IndexSync::start(store, index.clone())
        .await
        .context("cannot bring the search index up to date (`pressroom reindex` rebuilds it)")?;
    match how {
        IndexStart::Rebuilt(read) => tracing::info!(
            releases = read,
            searchable = index.num_docs(),
            "search index rebuilt from the database"
        ),
        IndexStart::CaughtUp(changes) => tracing::info!(
            changes,
            searchable = index.num_docs(),
            "search index up to date"
        ),
    }
    Ok(sync)
}

/// Keeps this node's search index and caches in step with every write to
/// the database, by any node: the pages the change touches are dropped
/// first, then the index takes it, then the pages that may search it are
/// dropped again, so a page rendered after the second drop searches the new
/// index. While the database is unreachable the cache keeps serving; once
/// it is back the feed catches up from its cursor, so no change made
/// meanwhile is missed.
async fn follow_changes(
    mut sync: IndexSync,
    cache: PageCache,
    counts: Arc<CountMemo>,
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
) {
    let mut failing = false;
    loop {
        match sync.read_changes().await {
            Ok(changes) => {
                // Counts first: a page rendered once the pages are dropped
                // must not show a count from before the change. Shifted by
                // the changes, not taken again: at a million releases a
                // listing's counts read tens of thousands of tally rows.
                counts.shift(&changes, clock.now());
                let changed: Vec<ReleaseId> = changes
                    .iter()
                    .map(|c| c.release_id)
                    .collect::<std::collections::BTreeSet<_>>()
                    .into_iter()
                    .collect();
                // Only the pages these releases are on; all of them if
                // what they touch cannot be read. Before the index takes
                // the change (its commit syncs files to disk: tens of
                // milliseconds), as only search reads the index.
                drop_pages(&cache, store.as_ref(), &changed).await;
                if let Err(e) = sync.apply().await {
                    // Retried first on the next round.
                    cache.invalidate();
                    if !failing {
                        tracing::warn!(error = %e, "cannot apply changes to the search index; retrying");
                        failing = true;
                    }
                    tokio::time::sleep(Duration::from_millis(250)).await;
                    continue;
                }
                // A search (or any page whose address does not tell what it
                // shows) rendered before the commit may miss the change.
                cache.invalidate_unscoped();
                // A change may have scheduled, re-timed or published a
                // release: pages must not outlive the next lift.
                match store.next_due().await {
                    Ok(next) => {
                        counts.set_next_lift(next);
                        cache.set_next_lift(next);
                    }
                    Err(e) => tracing::warn!(error = %e, "cannot read the publication timetable"),
                }
                if failing {
                    tracing::info!("the change feed is back");
                    failing = false;
                }
                tracing::debug!(
                    changes = changed.len(),
                    cursor = sync.cursor(),
                    "index updated, pages invalidated"
                );
            }
            Err(e) => {
                // What was read is in the store: drop the pages anyway; the
                // index retries the same releases on the next round.
                counts.forget();
                cache.invalidate();
                if !failing {
                    tracing::warn!(error = %e, "cannot follow the change feed into the search index; retrying");
                    failing = true;
                }
                tokio::time::sleep(Duration::from_millis(250)).await;
            }
        }
    }
}

/// How often the search index's latest commits are synced to disk: what a
/// crash may make the next start replay from the change feed.
const INDEX_DURABLE_EVERY: Duration = Duration::from_secs(5);

/// Syncs the search index's commits to disk every few seconds, off the
/// path of a publication (see `SearchIndex::hold_writer`).
async fn keep_index_durable(index: Arc<pressroom_search::SearchIndex>) {
    let mut every = tokio::time::interval(INDEX_DURABLE_EVERY);
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        every.tick().await;
        let index = index.clone();
        match tokio::task::spawn_blocking(move || index.make_durable()).await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => {
                tracing::warn!(error = %e, "cannot sync the search index to disk; retrying")
            }
            Err(e) => tracing::warn!(error = %e, "the search index sync failed"),
        }
    }
}

/// Takes the front page's counts (its total and its kind, issuer and year
/// counts) in the background at start, so that they are kept before the
/// first visitor asks: at a million releases they take seconds from a cold
/// disk. A failure is only logged: the first request counts again.
async fn warm_counts(public: PublicView) {
    let all = ReleaseFilter::default();
    let started = std::time::Instant::now();
    let warmed = async {
        public.list(all.clone(), PageRequest::new(1, 1)).await?;
        for facet in [Facet::Kind, Facet::Issuer, Facet::Year] {
            public.facet_counts(facet, &all).await?;
        }
        Ok::<_, pressroom_store::StoreError>(())
    }
    .await;
    match warmed {
        Ok(()) => tracing::info!(
            ms = started.elapsed().as_millis(),
            "front page counts taken"
        ),
        Err(e) => tracing::warn!(error = %e, "cannot take the front page counts ahead"),
    }
}

/// Drops the pages a change to `changed` touches; every page if what they
/// touch cannot be read.
async fn drop_pages(cache: &PageCache, store: &dyn Store, changed: &[ReleaseId]) {
    match cache.invalidate_releases(store, changed).await {
        Ok(dropped) => tracing::debug!(dropped, "pages invalidated"),
        Err(e) => {
            tracing::warn!(error = %e, "cannot read what changed: dropping every page");
            cache.invalidate();
        }
    }
}

/// Completes on Ctrl-C or SIGTERM, so that requests in flight finish.
async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::error!(error = %e, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(e) => {
                tracing::error!(error = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}
