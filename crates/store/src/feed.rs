//! The change feed and leases: what lets several serving nodes share one
//! database and stay in step.
//!
//! Every write commits, in the same transaction, one [`Change`] per release
//! it touched into an outbox with a gap-free, commit-ordered sequence
//! number. A node follows the outbox with a [`ChangeFeed`]: it reads what
//! came after its cursor, then sleeps until the store's change signal (LISTEN/
//! NOTIFY on PostgreSQL, an in-process signal on SQLite) or a fallback poll
//! wakes it. Because the cursor, not the signal, decides what is read, a
//! lost notification or a dropped connection delays a change but never loses
//! it.
//!
//! A [`Lease`] names one node as the one that runs a periodic job (scheduled
//! publishing) while it keeps renewing it; its fencing `token` grows each
//! time the lease changes hands.

use std::sync::Arc;
use std::time::Duration;

use jiff::Timestamp;
use pressroom_domain::ReleaseId;

use crate::{Store, StoreError, StoreResult};

/// One committed write to one release, as the outbox records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// Position in the feed: increasing in commit order, never reused.
    pub seq: i64,
    pub release_id: ReleaseId,
    /// What happened, as in the revision history ("import", "publish", ...).
    pub event: String,
    pub at: Timestamp,
    /// Where the release stood in the public counts before and after;
    /// `None` when not recorded (count again).
    pub facets: Option<crate::FacetShift>,
}

/// A lease one holder has taken until `until`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lease {
    pub name: String,
    pub holder: String,
    /// Grows by one every time the lease passes to another holder, so work
    /// done under an old token can be told apart from work under the new.
    pub token: i64,
    pub until: Timestamp,
}

impl Lease {
    /// When a lease taken at `now` for `ttl` runs out.
    pub fn end(now: Timestamp, ttl: Duration) -> StoreResult<Timestamp> {
        jiff::SignedDuration::try_from(ttl)
            .ok()
            .and_then(|ttl| now.checked_add(ttl).ok())
            .ok_or_else(|| {
                StoreError::Backend(format!("lease of {ttl:?} from {now} is out of range"))
            })
    }
}

/// How a node follows the store's changes: a cursor into the outbox and the
/// store's wake-up signal.
#[derive(Debug)]
pub struct ChangeFeed {
    store: Arc<dyn Store>,
    cursor: i64,
    signal: tokio::sync::watch::Receiver<u64>,
    poll: Duration,
}

impl ChangeFeed {
    /// Changes read per round trip.
    const BATCH: u32 = 1_000;

    /// Follows changes committed after the newest one stored now.
    pub async fn from_now(store: Arc<dyn Store>) -> StoreResult<Self> {
        let cursor = store.last_change().await?;
        Ok(Self::after(store, cursor))
    }

    /// Follows changes committed after sequence number `cursor`.
    pub fn after(store: Arc<dyn Store>, cursor: i64) -> Self {
        let signal = store.change_signal();
        Self {
            store,
            cursor,
            signal,
            poll: Duration::from_secs(5),
        }
    }

    /// The longest wait between two reads of the outbox when no signal
    /// comes: the bound on how late a change can be seen if every
    /// notification were lost.
    pub fn with_poll_interval(mut self, poll: Duration) -> Self {
        self.poll = poll;
        self
    }

    /// The sequence number of the last change handed out.
    pub fn cursor(&self) -> i64 {
        self.cursor
    }

    /// Waits for and returns the next changes, oldest first (never empty).
    /// An error (the database is unreachable) leaves the cursor where it
    /// was, so calling again after the outage catches up on everything.
    pub async fn next(&mut self) -> StoreResult<Vec<Change>> {
        loop {
            // Mark the signal seen before reading, so a commit that lands
            // between the read and the wait still wakes us.
            self.signal.borrow_and_update();
            let batch = self.store.changes_after(self.cursor, Self::BATCH).await?;
            if let Some(last) = batch.last() {
                self.cursor = last.seq;
                return Ok(batch);
            }
            tokio::select! {
                changed = self.signal.changed() => {
                    if changed.is_err() {
                        // The store dropped its signal: fall back to polling.
                        tokio::time::sleep(self.poll).await;
                    }
                }
                () = tokio::time::sleep(self.poll) => {}
            }
        }
    }
}
