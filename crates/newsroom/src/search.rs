//! Keeping the search index in step with the store. The index is derived
//! state: [`rebuild_index`] makes it again from the store, and
//! [`IndexSync`] follows the store's change feed (every write by any
//! process or node) and upserts or removes each release it names, so a
//! publication, correction or withdrawal reaches search at once. Each
//! commit records the feed position it reflects, so a server starting later
//! catches up from there, or rebuilds when it cannot.

use std::collections::BTreeSet;
use std::sync::Arc;

use pressroom_domain::ReleaseId;
use pressroom_search::{SearchError, SearchIndex};
use pressroom_store::{Change, ChangeFeed, Store, StoreError};
use thiserror::Error;

/// Releases read from the store per batch while rebuilding.
const REBUILD_BATCH: u32 = 2_000;
/// Indexing memory for a rebuild, shared by tantivy's indexing threads.
const REBUILD_MEMORY: usize = 400_000_000;
/// Beyond this many changes behind, a starting server rebuilds rather than
/// replaying the feed one release at a time.
const CATCH_UP_LIMIT: i64 = 20_000;

/// Why the search index could not be brought up to date. The store is
/// unaffected: the index is derived and `pressroom reindex` rebuilds it.
#[derive(Debug, Error)]
pub enum IndexError {
    /// Reading the releases or the changes to index failed.
    #[error("cannot read releases to index: {0}")]
    Store(#[from] StoreError),
    /// The index refused the change.
    #[error(transparent)]
    Search(#[from] SearchError),
    /// The blocking index task did not finish (it panicked or was cancelled).
    #[error("the indexing task failed: {0}")]
    Task(String),
}

/// Rebuilds the whole index from the store, in id order. Searches keep
/// seeing the old index until the single commit at the end, which records
/// the feed position read before the first release, so whatever changed
/// during the rebuild is replayed by [`IndexSync`]. `progress` is called with
/// the number of releases read so far after each batch. Returns how many
/// releases were read.
pub async fn rebuild_index(
    store: &dyn Store,
    index: &SearchIndex,
    mut progress: impl FnMut(u64),
) -> Result<u64, IndexError> {
    let cursor = store.last_change().await?;
    let mut updater = index.updater_with_memory(REBUILD_MEMORY)?;
    updater.clear()?;
    let mut after = None;
    let mut read = 0u64;
    loop {
        let batch = store.batch_after(after, REBUILD_BATCH).await?;
        let Some(last) = batch.last() else { break };
        after = Some(last.id);
        for r in &batch {
            updater.add_new(r)?;
        }
        read += batch.len() as u64;
        progress(read);
    }
    updater.finish_at(cursor)?;
    Ok(read)
}

/// How a starting server found its index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IndexStart {
    /// It was up to date, or caught up on this many changes from the feed.
    CaughtUp(usize),
    /// It was empty, of another database, or too far behind: rebuilt from
    /// this many releases.
    Rebuilt(u64),
}

/// Follows the store's change feed into one node's index. Each batch of
/// changes is applied in one commit: every release named is read whatever
/// its status and upserted (the index takes only published ones, with
/// their publication time) or removed. Public visibility is then checked
/// again for every hit at query time, through `PublicView`.
#[derive(Debug)]
pub struct IndexSync {
    store: Arc<dyn Store>,
    index: Arc<SearchIndex>,
    feed: ChangeFeed,
    /// Releases of changes read but not yet committed to the index (the
    /// last attempt failed), retried before anything newer.
    pending: BTreeSet<ReleaseId>,
    /// The feed's fallback poll, kept across the feed's renewals.
    poll: Option<std::time::Duration>,
}

impl IndexSync {
    /// Opens the sync for a serving node: an index that records where it
    /// stopped catches up from there; one that is empty while the store is
    /// not, that is ahead of the store (another database), or that is far
    /// behind is rebuilt first.
    pub async fn start(
        store: Arc<dyn Store>,
        index: Arc<SearchIndex>,
    ) -> Result<(Self, IndexStart), IndexError> {
        let last = store.last_change().await?;
        let recorded = index.change_cursor()?;
        let usable = recorded.filter(|&c| c <= last && last - c <= CATCH_UP_LIMIT);
        let cursor = match usable {
            Some(c) => c,
            None if index.num_docs() == 0 && store.batch_after(None, 1).await?.is_empty() => last,
            None => {
                let read = rebuild_index(store.as_ref(), &index, |_| {}).await?;
                // From where the rebuild started reading: what changed
                // meanwhile is applied again (upserts are idempotent).
                let mut sync = Self::after(store, index, last);
                sync.catch_up().await?;
                return Ok((sync, IndexStart::Rebuilt(read)));
            }
        };
        let mut sync = Self::after(store, index, cursor);
        let applied = sync.catch_up().await?;
        Ok((sync, IndexStart::CaughtUp(applied)))
    }

    /// Follows changes after feed position `cursor`, without looking at the
    /// index first.
    pub fn after(store: Arc<dyn Store>, index: Arc<SearchIndex>, cursor: i64) -> Self {
        let feed = ChangeFeed::after(store.clone(), cursor);
        Self {
            store,
            index,
            feed,
            pending: BTreeSet::new(),
            poll: None,
        }
    }

    /// How often the outbox is read when no change signal comes: a write
    /// by another process on SQLite (no signal crosses processes) is seen
    /// within this bound.
    pub fn with_poll_interval(mut self, poll: std::time::Duration) -> Self {
        self.feed =
            ChangeFeed::after(self.store.clone(), self.feed.cursor()).with_poll_interval(poll);
        self.poll = Some(poll);
        self
    }

    /// The feed position of the last change read.
    pub fn cursor(&self) -> i64 {
        self.feed.cursor()
    }

    /// Applies every change committed so far, without waiting for more.
    /// Returns how many changes were applied.
    pub async fn catch_up(&mut self) -> Result<usize, IndexError> {
        let mut applied = self.retry().await?;
        loop {
            let changes = self.store.changes_after(self.feed.cursor(), 1_000).await?;
            let Some(last) = changes.last() else {
                return Ok(applied);
            };
            let last = last.seq;
            // Skip the feed past what was just read: ChangeFeed::next would
            // return it again otherwise.
            let feed = ChangeFeed::after(self.store.clone(), last);
            self.feed = match self.poll {
                Some(poll) => feed.with_poll_interval(poll),
                None => feed,
            };
            self.pending
                .extend(changes.iter().map(|change| change.release_id));
            applied += changes.len();
            self.apply_pending().await?;
        }
    }

    /// Waits for the next changes and applies them. Returns the releases
    /// they named, each once. On an index error the changes stay pending
    /// and are retried first by the next call; the caller should still
    /// treat them as seen (drop caches), since the store has them.
    pub async fn next(&mut self) -> Result<Vec<ReleaseId>, IndexError> {
        let named = self.read_next().await?;
        self.apply().await?;
        Ok(named)
    }

    /// [`IndexSync::next`] in two steps: first the changes read (the
    /// releases they named, each once), noted as pending but not yet in
    /// the index, so that a caller can drop what does not read the index
    /// without waiting for the index's commit, which syncs files to disk;
    /// then [`IndexSync::apply`]. Pending changes of a failed apply are
    /// applied first.
    pub async fn read_next(&mut self) -> Result<Vec<ReleaseId>, IndexError> {
        let changes = self.read_changes().await?;
        let named: BTreeSet<ReleaseId> = changes.iter().map(|c| c.release_id).collect();
        Ok(named.into_iter().collect())
    }

    /// [`IndexSync::read_next`] with the changes themselves, in feed order,
    /// for a caller that shifts kept counts by them.
    pub async fn read_changes(&mut self) -> Result<Vec<Change>, IndexError> {
        self.retry().await?;
        let changes = self.feed.next().await?;
        self.pending.extend(changes.iter().map(|c| c.release_id));
        Ok(changes)
    }

    /// Applies the pending changes in one commit; nothing when none are.
    pub async fn apply(&mut self) -> Result<(), IndexError> {
        self.retry().await.map(|_| ())
    }

    async fn retry(&mut self) -> Result<usize, IndexError> {
        if self.pending.is_empty() {
            return Ok(0);
        }
        let n = self.pending.len();
        self.apply_pending().await?;
        Ok(n)
    }

    /// One commit for every pending release, recording the feed position.
    async fn apply_pending(&mut self) -> Result<(), IndexError> {
        let started = std::time::Instant::now();
        let mut upserts = Vec::with_capacity(self.pending.len());
        let mut removals = Vec::new();
        for &id in &self.pending {
            match self.store.get(id).await? {
                Some(release) => upserts.push(release),
                None => removals.push(id),
            }
        }
        let index = self.index.clone();
        let cursor = self.feed.cursor();
        let read = started.elapsed();
        tokio::task::spawn_blocking(move || -> Result<(), SearchError> {
            let lent = std::time::Instant::now();
            let mut updater = index.updater()?;
            tracing::debug!(
                ms = lent.elapsed().as_secs_f64() * 1e3,
                "search index writer ready"
            );
            for release in &upserts {
                // Takes the release out when it is no longer published.
                updater.upsert(release)?;
            }
            for id in removals {
                updater.remove(id);
            }
            updater.commit_at(cursor)
        })
        .await
        .map_err(|e| IndexError::Task(e.to_string()))??;
        tracing::debug!(
            releases = self.pending.len(),
            read_ms = read.as_secs_f64() * 1e3,
            total_ms = started.elapsed().as_secs_f64() * 1e3,
            "changes applied to the search index"
        );
        self.pending.clear();
        Ok(())
    }
}
