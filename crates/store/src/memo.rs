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

use crate::{Change, Facet, FacetCount, FacetShift, ReleaseFilter, StoreResult, Visibility};

/// More distinct filters than this and the memo starts afresh: filters come
/// from URLs, and a crawler walking every combination must not grow a
/// node's memory without bound.
const MAX_ENTRIES: usize = 20_000;

/// More changes than this in one batch (an archive imported into a serving
/// node) and the counts are taken again rather than shifted: each shift of
/// an issuer count looks its value up among tens of thousands.
const MAX_SHIFTED: usize = 64;

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

/// A count as taken from the store, with what it reflects.
#[derive(Debug, Clone)]
pub(crate) struct Snapshot {
    pub value: Counted,
    /// The last change in the feed the count reflects, exactly: `None` when
    /// a write landed while it was taken, so that it holds some unknown
    /// part of it (it is then not kept).
    pub seq: Option<i64>,
    /// The next time a stored release becomes public by time alone
    /// ([`crate::Store::next_public_after`]).
    pub until: Option<Timestamp>,
}

#[derive(Debug)]
struct Entry {
    value: Counted,
    /// The instant the count holds for: it holds from then until `until`
    /// or the next lift, whichever comes first.
    at: Timestamp,
    /// The last change it reflects: a shift skips changes up to it.
    seq: i64,
    until: Option<Timestamp>,
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

    /// Shifts every kept count by what `changes` (read from the change feed
    /// at `now`, in feed order) did to their releases: one count down where
    /// a release stood before, one up where it stands after; a change the
    /// count already reflects (its feed position says so) is skipped. At a
    /// million releases this is what keeps a publication's listing within
    /// milliseconds: taking the counts again reads tens of thousands of
    /// tally rows. A change without its [`FacetShift`], or a batch of more
    /// than [`MAX_SHIFTED`] changes, drops every count as
    /// [`CountMemo::forget`] does; a count it cannot shift exactly is
    /// dropped alone.
    pub fn shift(&self, changes: &[Change], now: Timestamp) {
        // As in `forget`: a count taken while these are shifted in would
        // not be shifted by them, so it is not kept.
        self.generation.fetch_add(1, Ordering::SeqCst);
        let shifts: Option<Vec<(i64, &FacetShift)>> = changes
            .iter()
            .map(|c| c.facets.as_ref().map(|f| (c.seq, f)))
            .collect();
        let mut entries = self.lock();
        let Some(shifts) = shifts.filter(|shifts| shifts.len() <= MAX_SHIFTED) else {
            entries.counts.clear();
            return;
        };
        entries.counts.retain(|key, entry| {
            if !self.valid(entry, now) {
                return false;
            }
            let reflected = entry.seq;
            for &(seq, shift) in shifts.iter().filter(|(seq, _)| *seq > reflected) {
                if !shift_entry(key, entry, shift, now) {
                    return false;
                }
                entry.seq = seq;
            }
            // Valid until `now` and shifted to it: the count is now's.
            entry.at = entry.at.max(now);
            true
        });
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
        if entry.at > now || entry.until.is_some_and(|until| until <= now) {
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
        F: Future<Output = StoreResult<Snapshot>>,
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
        let taken = result?;
        if let Some(seq) = taken.seq
            && self.generation.load(Ordering::SeqCst) == generation
        {
            if entries.counts.len() >= MAX_ENTRIES {
                entries.counts.clear();
            }
            entries.counts.insert(
                key,
                Entry {
                    value: taken.value.clone(),
                    at: now,
                    seq,
                    until: taken.until,
                },
            );
        }
        Ok(taken.value)
    }
}

/// Moves one kept count by one change; `false` when it cannot be moved
/// exactly and must be taken again.
fn shift_entry(key: &CountKey, entry: &mut Entry, shift: &FacetShift, now: Timestamp) -> bool {
    let (filter, listed) = match key {
        CountKey::Facet { filter, listed, .. } | CountKey::Total { filter, listed } => {
            (filter, *listed)
        }
    };
    let visible = |at| {
        if listed {
            Visibility::ListedAt(at)
        } else {
            Visibility::PublicAt(at)
        }
    };
    for (side, step) in [(&shift.before, -1i64), (&shift.after, 1)] {
        let Some(side) = side.as_ref().filter(|s| s.selected_by(filter)) else {
            continue;
        };
        let counted = side.admitted(visible(now));
        if step > 0
            && side.status.is_public_when_due()
            && let Some(at) = side.published_at.filter(|at| *at > now)
        {
            // Public from a later time: the count holds until then.
            entry.until = Some(entry.until.map_or(at, |until| until.min(at)));
        }
        // What was stored when the count was taken was counted at its
        // instant; if time alone has moved it since, the count is not
        // what this shift assumes.
        if step < 0 && counted != side.admitted(visible(entry.at)) {
            return false;
        }
        if !counted {
            continue;
        }
        let moved = match (&key, &mut entry.value) {
            (CountKey::Total { .. }, Counted::Total(n)) => match n.checked_add_signed(step) {
                Some(m) => {
                    *n = m;
                    true
                }
                None => false,
            },
            (CountKey::Facet { facet, .. }, Counted::Facet(counts)) => match side.value(*facet) {
                Some(value) => move_facet(Arc::make_mut(counts), *facet, value, step),
                // Not counted under any value of this facet.
                None => true,
            },
            _ => false,
        };
        if !moved {
            return false;
        }
    }
    true
}

/// One up or down for `value`, put back where the backends order it:
/// kinds and issuers by count then name, years and months newest first.
/// The others keep their places, so ties stay in the backend's order.
fn move_facet(counts: &mut Vec<FacetCount>, facet: Facet, value: String, step: i64) -> bool {
    let now_counted = match counts.iter().position(|c| c.value == value) {
        Some(i) => counts.remove(i).count.checked_add_signed(step),
        None if step > 0 => Some(1),
        // A value the count never saw cannot lose a release.
        None => None,
    };
    let Some(n) = now_counted else {
        return false;
    };
    if n > 0 {
        let at = match facet {
            Facet::Kind | Facet::Issuer => counts.partition_point(|c| {
                c.count > n || (c.count == n && c.value.as_bytes() < value.as_bytes())
            }),
            Facet::Year | Facet::Month => counts.partition_point(|c| c.value > value),
        };
        counts.insert(at, FacetCount { value, count: n });
    }
    true
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

    /// A count that reflects the feed up to its start.
    fn taken(value: Counted) -> Snapshot {
        Snapshot {
            value,
            seq: Some(0),
            until: None,
        }
    }

    /// Counts by returning how many times it has been asked.
    async fn ask(memo: &CountMemo, calls: &AtomicUsize, now: Timestamp) -> u64 {
        let counted = memo
            .get_or_count(key(), now, async {
                Ok(taken(Counted::Total(
                    calls.fetch_add(1, Ordering::SeqCst) as u64 + 1,
                )))
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
                Ok(taken(Counted::Total(1)))
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
                    Ok(taken(Counted::Total(7)))
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

    fn change(seq: i64, facets: Option<FacetShift>) -> Change {
        Change {
            seq,
            release_id: pressroom_domain::ReleaseId(1),
            event: "import".into(),
            at: t(0),
            facets,
        }
    }

    fn published(kind: &str, at: Timestamp) -> crate::CountedAs {
        crate::CountedAs {
            status: pressroom_domain::Status::Published,
            kind: Some(kind.into()),
            issuer: None,
            date: jiff::civil::date(2025, 3, 1),
            published_at: Some(at),
        }
    }

    async fn kinds(memo: &CountMemo, now: Timestamp) -> Vec<(String, u64)> {
        let key = CountKey::Facet {
            facet: Facet::Kind,
            filter: ReleaseFilter::default(),
            listed: true,
        };
        let counted = memo
            .get_or_count(key, now, async {
                Ok(taken(Counted::Facet(Arc::new(vec![
                    FacetCount {
                        value: "Readout".into(),
                        count: 2,
                    },
                    FacetCount {
                        value: "Media Note".into(),
                        count: 1,
                    },
                ]))))
            })
            .await
            .expect("count");
        match counted {
            Counted::Facet(counts) => counts.iter().map(|c| (c.value.clone(), c.count)).collect(),
            Counted::Total(_) => panic!("facets were asked"),
        }
    }

    #[tokio::test]
    async fn a_shift_moves_kept_counts_without_counting_again() {
        let memo = CountMemo::new();
        let calls = AtomicUsize::new(0);
        assert_eq!(ask(&memo, &calls, t(0)).await, 1);
        kinds(&memo, t(0)).await;
        let note = || {
            Some(FacetShift {
                before: None,
                after: Some(published("Media Note", t(5))),
            })
        };
        memo.shift(&[change(1, note()), change(2, note())], t(5));
        // The total moved by two without a second count.
        assert_eq!(ask(&memo, &calls, t(6)).await, 3);
        assert_eq!(calls.load(Ordering::SeqCst), 1);
        // Media Note passes Readout; a new kind enters; one leaves.
        let mut moved = published("Readout", t(0));
        moved.kind = Some("Statement".into());
        let correction = change(
            3,
            Some(FacetShift {
                before: Some(published("Readout", t(0))),
                after: Some(moved),
            }),
        );
        memo.shift(std::slice::from_ref(&correction), t(7));
        let expected = [
            ("Media Note".to_owned(), 3),
            ("Readout".to_owned(), 1),
            ("Statement".to_owned(), 1),
        ];
        assert_eq!(kinds(&memo, t(8)).await, expected);
        // Read again (a feed re-read after an outage): already reflected.
        memo.shift(&[correction], t(9));
        assert_eq!(kinds(&memo, t(9)).await, expected);
    }

    #[tokio::test]
    async fn a_change_without_its_shift_drops_every_count() {
        let memo = CountMemo::new();
        let calls = AtomicUsize::new(0);
        assert_eq!(ask(&memo, &calls, t(0)).await, 1);
        memo.shift(&[change(1, None)], t(1));
        assert!(memo.is_empty());
        assert_eq!(ask(&memo, &calls, t(2)).await, 2);
    }

    #[tokio::test]
    async fn a_release_public_later_ends_the_counts_it_enters_at_its_time() {
        let memo = CountMemo::new();
        let calls = AtomicUsize::new(0);
        assert_eq!(ask(&memo, &calls, t(0)).await, 1);
        memo.shift(
            &[change(
                1,
                Some(FacetShift {
                    before: None,
                    after: Some(published("Readout", t(100))),
                }),
            )],
            t(1),
        );
        assert_eq!(ask(&memo, &calls, t(99)).await, 1, "not public yet");
        assert_eq!(
            ask(&memo, &calls, t(100)).await,
            2,
            "counted again at its time"
        );
    }

    #[tokio::test]
    async fn a_count_taken_while_a_write_landed_is_not_kept_for_shifting() {
        let memo = CountMemo::new();
        let counted = memo
            .get_or_count(key(), t(0), async {
                Ok(Snapshot {
                    value: Counted::Total(4),
                    seq: None,
                    until: None,
                })
            })
            .await
            .expect("count");
        assert!(matches!(counted, Counted::Total(4)));
        assert!(memo.is_empty());
    }

    #[tokio::test]
    async fn a_count_is_not_used_from_the_next_publication_it_did_not_hold() {
        let memo = CountMemo::new();
        let take = |n| async move {
            Ok(Snapshot {
                value: Counted::Total(n),
                seq: Some(0),
                until: Some(t(10)),
            })
        };
        assert!(matches!(
            memo.get_or_count(key(), t(0), take(1)).await,
            Ok(Counted::Total(1))
        ));
        assert!(matches!(
            memo.get_or_count(key(), t(9), take(2)).await,
            Ok(Counted::Total(1))
        ));
        assert!(matches!(
            memo.get_or_count(key(), t(10), take(3)).await,
            Ok(Counted::Total(3))
        ));
    }
}
