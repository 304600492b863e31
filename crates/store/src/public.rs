use std::collections::HashMap;
use std::sync::Arc;

use pressroom_domain::{Clock, Release, ReleaseId, ReleasePath};

use crate::memo::{CountKey, Counted, Snapshot};
use crate::{
    CountMemo, Facet, FacetCount, ListPage, ListPosition, ListQuery, Neighbours, PageRequest,
    PathEntry, ReleaseFilter, Store, StoreResult, Visibility,
};

/// The one gate between the store and every public surface. It can only
/// read what is published at the clock's `now`, and it is the only store
/// handle the public web handlers are given, so no public route can name an
/// embargoed, scheduled or draft release.
#[derive(Debug, Clone)]
pub struct PublicView {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    counts: Option<Arc<CountMemo>>,
    /// From this offset on, a listing page is placed by its year's counts
    /// ([`crate::ListStart`]) rather than counted off from the top.
    deep_from: u64,
}

/// 100 pages of 20: shallower pages are cheap to count off.
const DEEP_FROM: u64 = 2_000;

/// A memo entry of the other kind than its key: a bug, reported as such
/// rather than shown as a wrong count.
fn mixed_up() -> crate::StoreError {
    crate::StoreError::Corrupt {
        what: "count memo",
        reason: "an entry of the wrong kind for its key".to_owned(),
    }
}

/// The instant a public visibility reads at.
fn visibility_time(visibility: Visibility) -> jiff::Timestamp {
    match visibility {
        Visibility::PublicAt(now) | Visibility::ListedAt(now) => now,
        Visibility::Everything => jiff::Timestamp::MAX,
    }
}

impl PublicView {
    pub fn new(store: Arc<dyn Store>, clock: Arc<dyn Clock>) -> Self {
        Self {
            store,
            clock,
            counts: None,
            deep_from: DEEP_FROM,
        }
    }

    /// Places listing pages from `offset` on by their year's counts (the
    /// default is 2,000); only with kept counts ([`PublicView::with_counts`]).
    pub fn with_deep_pages_from(mut self, offset: u64) -> Self {
        self.deep_from = offset;
        self
    }

    /// Keeps facet counts and listing totals in `memo` between writes; its
    /// owner must call [`CountMemo::forget`] on every change the change
    /// feed reports and keep its next lift current, as `pressroom serve`
    /// does.
    pub fn with_counts(mut self, memo: Arc<CountMemo>) -> Self {
        self.counts = Some(memo);
        self
    }

    /// The instant this view reads at: what a public response is as of
    /// (its `Last-Modified` when nothing more precise is known).
    pub fn now(&self) -> jiff::Timestamp {
        self.clock.now()
    }

    fn visibility(&self) -> Visibility {
        Visibility::PublicAt(self.clock.now())
    }

    fn listed(&self) -> Visibility {
        Visibility::ListedAt(self.clock.now())
    }

    /// A page of listed releases (public, not withdrawn), newest first.
    pub async fn list(&self, filter: ReleaseFilter, page: PageRequest) -> StoreResult<ListPage> {
        self.page_of(self.listed(), filter, page).await
    }

    /// A page of every public release, withdrawn ones included, newest
    /// first: what feeds carry, so that subscribers hear of a withdrawal.
    pub async fn feed_entries(
        &self,
        filter: ReleaseFilter,
        page: PageRequest,
    ) -> StoreResult<ListPage> {
        self.page_of(self.visibility(), filter, page).await
    }

    /// A page under `visibility`, its total taken from the memo when one
    /// is kept, else counted with the page and then kept.
    async fn page_of(
        &self,
        visibility: Visibility,
        filter: ReleaseFilter,
        page: PageRequest,
    ) -> StoreResult<ListPage> {
        let mut query = ListQuery {
            visibility,
            filter,
            page,
            known_total: None,
            start: None,
        };
        let Some(memo) = &self.counts else {
            return self.store.list(&query).await;
        };
        let now = visibility_time(visibility);
        let key = CountKey::Total {
            filter: query.filter.clone(),
            listed: matches!(visibility, Visibility::ListedAt(_)),
        };
        // The total is taken with a page of one row, so that a storm of
        // first requests for deep pages counts once and each reads only
        // its own rows.
        let counted = memo
            .get_or_count(
                key,
                now,
                self.snapshot(now, async {
                    let first = ListQuery {
                        page: PageRequest::new(1, 1),
                        ..query.clone()
                    };
                    Ok(Counted::Total(self.store.list(&first).await?.total))
                }),
            )
            .await?;
        query.known_total = Some(match counted {
            Counted::Total(total) => total,
            Counted::Facet(_) => return Err(mixed_up()),
        });
        if matches!(visibility, Visibility::ListedAt(_)) {
            query.start = self.deep_start(&query.filter, query.page).await?;
        }
        self.store.list(&query).await
    }

    /// A count for the memo, with the feed position it reflects: read
    /// before and after it, the same position means no write landed while
    /// it was taken, so later changes can be shifted into it exactly.
    async fn snapshot(
        &self,
        now: jiff::Timestamp,
        count: impl std::future::Future<Output = StoreResult<Counted>>,
    ) -> StoreResult<Snapshot> {
        let before = self.store.last_change().await?;
        let until = self.store.next_public_after(now).await?;
        let value = count.await?;
        let after = self.store.last_change().await?;
        Ok(Snapshot {
            value,
            seq: (before == after).then_some(before),
            until,
        })
    }

    /// Where a deep listing page starts: the listing is newest first and
    /// ordered by date, so the kept count of each year says which year
    /// the page's first release is in, and the page is read from that
    /// year's end, skipping only what precedes it within the year.
    async fn deep_start(
        &self,
        filter: &ReleaseFilter,
        page: PageRequest,
    ) -> StoreResult<Option<crate::ListStart>> {
        let offset = page.offset();
        if offset < self.deep_from || offset == 0 || filter.year.is_some() {
            return Ok(None);
        }
        let mut newer = 0u64;
        // Newest year first: the facet's order.
        for year in self.facet_counts(Facet::Year, filter).await?.iter() {
            if newer + year.count > offset {
                let start = year
                    .value
                    .parse::<i16>()
                    .ok()
                    .and_then(|y| jiff::civil::Date::new(y.checked_add(1)?, 1, 1).ok())
                    .map(|older_than| crate::ListStart {
                        older_than,
                        offset: offset - newer,
                    });
                return Ok(start);
            }
            newer += year.count;
        }
        Ok(None)
    }

    /// The public revisions of a release this view can see (oldest first),
    /// for its history and "Updated" date; empty for any other release.
    pub async fn revisions(&self, release: &Release) -> StoreResult<Vec<crate::RevisionDump>> {
        if !self.visibility().admits(release) {
            return Ok(Vec::new());
        }
        self.store.revisions(release.id).await
    }

    /// Up to `limit` public releases under `filter` corrected or withdrawn
    /// within `within` of now, the latest changed first: feeds carry them
    /// besides the newest releases, so a subscriber hears of a correction
    /// to an old release too.
    pub async fn recently_amended(
        &self,
        filter: &ReleaseFilter,
        within: jiff::SignedDuration,
        limit: u32,
    ) -> StoreResult<Vec<Release>> {
        let now = self.clock.now();
        let since = now.checked_sub(within).unwrap_or(jiff::Timestamp::MIN);
        self.store
            .amended_since(self.visibility(), filter, since, limit)
            .await
    }

    /// The latest correction or withdrawal revision of each of `releases`
    /// (read through this view) that had one: what feeds announce. Only a
    /// release past its first revision is looked up.
    pub async fn latest_changes(
        &self,
        releases: &[Release],
    ) -> StoreResult<HashMap<ReleaseId, crate::RevisionDump>> {
        let mut out = HashMap::new();
        for r in releases.iter().filter(|r| r.revision > 1) {
            let latest = self
                .revisions(r)
                .await?
                .into_iter()
                .rev()
                .find(|rev| matches!(rev.event.as_str(), "correct" | "withdraw"));
            if let Some(rev) = latest {
                out.insert(r.id, rev);
            }
        }
        Ok(out)
    }

    /// A public release by its path; `None` for anything not public, exactly
    /// as for a path that never existed.
    pub async fn release(&self, path: &ReleasePath) -> StoreResult<Option<Release>> {
        self.store.find_by_path(path, self.visibility()).await
    }

    /// Counts of public releases per facet value, under a filter. Shared,
    /// not copied, out of the memo: at a million releases the issuers
    /// alone are tens of thousands of values, asked for by every listing.
    pub async fn facet_counts(
        &self,
        facet: Facet,
        filter: &ReleaseFilter,
    ) -> StoreResult<Arc<Vec<FacetCount>>> {
        let visibility = self.listed();
        let Some(memo) = &self.counts else {
            return Ok(Arc::new(
                self.store.facet_counts(facet, filter, visibility).await?,
            ));
        };
        let key = CountKey::Facet {
            facet,
            filter: filter.clone(),
            listed: true,
        };
        let now = visibility_time(visibility);
        let counted = memo
            .get_or_count(
                key,
                now,
                self.snapshot(now, async {
                    Ok(Counted::Facet(Arc::new(
                        self.store.facet_counts(facet, filter, visibility).await?,
                    )))
                }),
            )
            .await?;
        Ok(match counted {
            Counted::Facet(counts) => counts,
            Counted::Total(_) => return Err(mixed_up()),
        })
    }

    /// The public releases of the same kind around a release.
    pub async fn neighbours(&self, release: &Release) -> StoreResult<Neighbours> {
        self.store.neighbours(release, self.listed()).await
    }

    /// Up to `limit` public releases (withdrawn ones included: feeds tell
    /// subscribers of a withdrawal) in the listing's order after `after`
    /// (keyset: the API's cursor and the feeds), without counting them.
    pub async fn list_after(
        &self,
        filter: ReleaseFilter,
        after: Option<ListPosition>,
        limit: u32,
    ) -> StoreResult<Vec<Release>> {
        self.store
            .list_after(self.visibility(), &filter, after, limit)
            .await
    }

    /// Up to `limit` public releases' paths in id order after `after`:
    /// sitemaps, without loading any body.
    pub async fn paths_after(
        &self,
        after: Option<ReleaseId>,
        limit: u32,
    ) -> StoreResult<Vec<PathEntry>> {
        self.store
            .paths_after(self.visibility(), after, limit)
            .await
    }

    /// The first public release's id in each span of `span` ids that holds
    /// one, in id order: the files a sitemap index names.
    pub async fn first_ids_of_spans(
        &self,
        span: std::num::NonZeroU32,
    ) -> StoreResult<Vec<ReleaseId>> {
        self.store.first_ids_of_spans(self.visibility(), span).await
    }

    /// The paths of those of `ids` that are listed now (public and not
    /// withdrawn), in id order: what search shows of its hits passes here,
    /// all of a page's hits in one read.
    pub async fn listed_paths(&self, ids: &[ReleaseId]) -> StoreResult<Vec<PathEntry>> {
        self.store.paths_of(self.listed(), ids).await
    }

    /// Public releases, newest first, whose body contains `needle`.
    pub async fn containing_text(&self, needle: &str, limit: u32) -> StoreResult<Vec<Release>> {
        self.store
            .containing_text(needle, self.visibility(), limit)
            .await
    }

    // The transparency log is public by construction: only events that made
    // a revision public append a leaf, so every entry may be shown.

    /// The number of entries in the log.
    pub async fn ledger_size(&self) -> StoreResult<u64> {
        self.store.ledger_size().await
    }

    /// Stored tree hashes, for checkpoints and proofs.
    pub async fn ledger_hashes(
        &self,
        indexes: &[u64],
    ) -> StoreResult<pressroom_ledger::HashSource> {
        self.store.ledger_hashes(indexes).await
    }

    /// One log entry by index.
    pub async fn ledger_entry(&self, index: u64) -> StoreResult<Option<crate::LedgerEntry>> {
        self.store.ledger_entry(index).await
    }

    /// The log entries of a public release (one the caller read through
    /// this view), oldest first.
    pub async fn ledger_entries_of(
        &self,
        release: &Release,
    ) -> StoreResult<Vec<crate::LedgerEntry>> {
        if !self.visibility().admits(release) {
            return Ok(Vec::new());
        }
        self.store.ledger_entries_of(release.id).await
    }
}
