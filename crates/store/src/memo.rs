//! [`CountMemo`]: a node's facet counts and listing totals, kept between
//! writes.
//!
//! Every listing page shows how many releases each kind, issuer and year
//! holds under its filters. At a million releases each of those counts is
//! a scan of every public row (about a second), yet the answer changes only
//! when a write lands (the change feed says so) or when a scheduled or
//! embargoed release reaches its time (`Store::next_due` says when). So the
//! counts are computed once per filter and kept until either happens: the
//! same rule the render cache follows for whole pages.

use std::collections::HashMap;
use std::future::Future;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use jiff::Timestamp;

use crate::{Facet, FacetCount, ReleaseFilter, StoreResult};

/// More distinct filters than this and the memo starts afresh: filters come
/// from URLs, and a crawler walking every combination must not grow a
/// node's memory without bound.
const MAX_ENTRIES: usize = 20_000;

/// What a count is of. The visibility is part of the key: the listing
/// (withdrawn releases left out) and feeds (kept in) count differently.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum CountKey {
    /// Counts per value of a facet under a filter.
    Facet {
        facet: Facet,
        filter: ReleaseFilter,
        listed: bool,
    },
    /// How many releases a filter selects.
    Total { filter: ReleaseFilter, listed: bool },
}

#[derive(Debug, Clone)]
pub(crate) enum Counted {
    Facet(Arc<Vec<FacetCount>>),
    Total(u64),
}

#[derive(Debug)]
struct Entry {
    value: Counted,
    /// The instant the count was taken at: it holds until the next lift
    /// after it.
    at: Timestamp,
}

#[derive(Debug, Default)]
struct Entries {
    counts: HashMap<CountKey, Entry>,
    /// One lock per key being counted, so that a storm of requests for an
    /// uncounted filter runs its scan once while the others wait for it.
    flights: HashMap<CountKey, Arc<tokio::sync::Mutex<()>>>,
}

/// Facet counts and totals per filter, dropped by [`CountMemo::forget`]
/// when the change feed reports a write and outlived at the next lift time
/// ([`CountMemo::set_next_lift`]). `pressroom serve` owns one per node and
/// gives it to its [`crate::PublicView`]; without one every count is taken
/// afresh.
#[derive(Debug)]
pub struct CountMemo {
    entries: Mutex<Entries>,
    /// Bumped by every `forget`: a count taken while a write landed is not
    /// kept, since it may predate the write.
    generation: AtomicU64,
    /// Microseconds of the next lift, `i64::MAX` for none.
    next_lift: AtomicI64,
}

impl Default for CountMemo {
    fn default() -> Self {
        Self::new()
    }
}

impl CountMemo {
    pub fn new() -> Self {
        Self {
            entries: Mutex::new(Entries::default()),
            generation: AtomicU64::new(0),
            next_lift: AtomicI64::new(i64::MAX),
        }
    }

    /// Drops every count: a write has landed (or may have).
    pub fn forget(&self) {
        // The generation moves first, so that a count finishing now sees
        // it moved and is not stored after the clear.
        self.generation.fetch_add(1, Ordering::SeqCst);
        let mut entries = self.lock();
        entries.counts.clear();
    }

    /// The earliest time a scheduled or embargoed release becomes public,
    /// `None` if none is waiting: a count taken before it is not used from
    /// then on.
    pub fn set_next_lift(&self, at: Option<Timestamp>) {
        self.next_lift.store(
            at.map_or(i64::MAX, |t| t.as_microsecond()),
            Ordering::SeqCst,
        );
    }

    /// How many counts are kept.
    pub fn len(&self) -> usize {
        self.lock().counts.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Entries> {
        // A panic while holding the lock cannot leave the map half-changed
        // in a way that matters: every entry is whole.
        self.entries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn valid(&self, entry: &Entry, now: Timestamp) -> bool {
        // A clock that went back (a test's, or a node's adjusted) could see
        // fewer releases than the count did.
        if entry.at > now {
            return false;
        }
        let lift = self.next_lift.load(Ordering::SeqCst);
        let (at, now) = (entry.at.as_microsecond(), now.as_microsecond());
        !(at < lift && lift <= now)
    }

    fn cached(&self, key: &CountKey, now: Timestamp) -> Option<Counted> {
        let entries = self.lock();
        entries
            .counts
            .get(key)
            .filter(|e| self.valid(e, now))
            .map(|e| e.value.clone())
    }

    /// The count for `key` at `now`: kept from an earlier call, or taken
    /// by `count` (once, however many callers ask at the same time).
    pub(crate) async fn get_or_count<F>(
        &self,
        key: CountKey,
        now: Timestamp,
        count: F,
    ) -> StoreResult<Counted>
    where
        F: Future<Output = StoreResult<Counted>>,
    {
        if let Some(hit) = self.cached(&key, now) {
            return Ok(hit);
        }
        let flight = {
            let mut entries = self.lock();
            entries.flights.entry(key.clone()).or_default().clone()
        };
        let _turn = flight.lock().await;
        if let Some(hit) = self.cached(&key, now) {
            return Ok(hit);
        }
        let generation = self.generation.load(Ordering::SeqCst);
        let result = count.await;
        let mut entries = self.lock();
        if Arc::strong_count(&flight) <= 2 {
            // Nobody else is waiting on this key (the map's and ours).
            entries.flights.remove(&key);
        }
        let value = result?;
        if self.generation.load(Ordering::SeqCst) == generation {
            if entries.counts.len() >= MAX_ENTRIES {
                entries.counts.clear();
            }
            entries.counts.insert(
                key,
                Entry {
                    value: value.clone(),
                    at: now,
                },
            );
        }
        Ok(value)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::AtomicUsize;

    use super::*;

    fn key() -> CountKey {
        CountKey::Total {
            filter: ReleaseFilter::default(),
            listed: true,
        }
    }

    fn t(secs: i64) -> Timestamp {
        Timestamp::from_second(1_700_000_000 + secs).expect("valid")
    }

    /// Counts by returning how many times it has been asked.
    async fn ask(memo: &CountMemo, calls: &AtomicUsize, now: Timestamp) -> u64 {
        let counted = memo
            .get_or_count(key(), now, async {
                Ok(Counted::Total(
                    calls.fetch_add(1, Ordering::SeqCst) as u64 + 1,
                ))
            })
            .await
            .expect("count");
        match counted {
            Counted::Total(n) => n,
            Counted::Facet(_) => panic!("a total was asked"),
        }
    }

    #[tokio::test]
    async fn a_count_is_taken_once_until_a_write_is_reported() {
        let memo = CountMemo::new();
        let calls = AtomicUsize::new(0);
        assert_eq!(ask(&memo, &calls, t(0)).await, 1);
        assert_eq!(ask(&memo, &calls, t(5)).await, 1);
        memo.forget();
        assert_eq!(ask(&memo, &calls, t(6)).await, 2);
        assert_eq!(ask(&memo, &calls, t(7)).await, 2);
    }

    #[tokio::test]
    async fn a_count_taken_before_a_lift_is_not_used_from_the_lift_on() {
        let memo = CountMemo::new();
        let calls = AtomicUsize::new(0);
        memo.set_next_lift(Some(t(10)));
        assert_eq!(ask(&memo, &calls, t(0)).await, 1);
        assert_eq!(ask(&memo, &calls, t(9)).await, 1);
        assert_eq!(ask(&memo, &calls, t(10)).await, 2);
        // Taken at the lift, it holds after it.
        assert_eq!(ask(&memo, &calls, t(11)).await, 2);
    }

    #[tokio::test]
    async fn a_count_is_not_used_by_a_clock_earlier_than_it() {
        let memo = CountMemo::new();
        let calls = AtomicUsize::new(0);
        assert_eq!(ask(&memo, &calls, t(10)).await, 1);
        assert_eq!(ask(&memo, &calls, t(5)).await, 2);
    }

    #[tokio::test]
    async fn a_count_taken_while_a_write_landed_is_not_kept() {
        let memo = CountMemo::new();
        let counted = memo
            .get_or_count(key(), t(0), async {
                memo.forget();
                Ok(Counted::Total(1))
            })
            .await
            .expect("count");
        assert!(matches!(counted, Counted::Total(1)));
        assert!(memo.is_empty());
    }

    #[tokio::test]
    async fn a_failed_count_is_not_kept() {
        let memo = CountMemo::new();
        let failed = memo
            .get_or_count(key(), t(0), async {
                Err(crate::StoreError::Backend("down".into()))
            })
            .await;
        assert!(failed.is_err());
        assert!(memo.is_empty());
        let calls = AtomicUsize::new(0);
        assert_eq!(ask(&memo, &calls, t(1)).await, 1);
    }

    #[tokio::test]
    async fn concurrent_askers_of_an_uncounted_filter_share_one_count() {
        let memo = Arc::new(CountMemo::new());
        let calls = Arc::new(AtomicUsize::new(0));
        let gate = Arc::new(tokio::sync::Semaphore::new(0));
        let mut askers = Vec::new();
        for _ in 0..8 {
            let (memo, calls, gate) = (memo.clone(), calls.clone(), gate.clone());
            askers.push(tokio::spawn(async move {
                memo.get_or_count(key(), t(0), async {
                    let _ = gate.acquire().await;
                    calls.fetch_add(1, Ordering::SeqCst);
                    Ok(Counted::Total(7))
                })
                .await
                .expect("count")
            }));
        }
        tokio::task::yield_now().await;
        gate.add_permits(8);
        for asker in askers {
            assert!(matches!(asker.await.expect("join"), Counted::Total(7)));
        }
        assert_eq!(calls.load(Ordering::SeqCst), 1);
    }
}
