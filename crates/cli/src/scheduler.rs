//! Scheduled publishing inside `pressroom serve`: one task per node, and
//! the store's `scheduler` lease makes exactly one of them the publisher at
//! any time. The holder wakes at the next publication time (or when a
//! change is committed, which may have scheduled something sooner) and
//! publishes what is due through the same use-case as a publisher's click
//! (`newsroom::workflow::publish_due`), so every publication enters the
//! change feed and every node's caches follow. After downtime it publishes
//! everything whose time passed, at once; each release exactly once, since
//! the store only applies a publication to a release still scheduled.

use std::sync::Arc;
use std::time::Duration;

use pressroom_domain::Clock;
use pressroom_store::Store;

/// The lease's name in the store, shared by every node.
pub const LEASE: &str = "scheduler";
/// How long a holder keeps the lease without renewing it: a node killed
/// while holding it hands over after at most this long.
const LEASE_TTL: Duration = Duration::from_secs(5);
/// The longest sleep between two looks at the timetable, so the lease is
/// renewed well before it runs out.
const MAX_SLEEP: Duration = Duration::from_secs(2);

/// Runs forever; errors (the database is away) are logged and retried.
pub async fn run(store: Arc<dyn Store>, clock: Arc<dyn Clock>, holder: String) {
    let mut signal = store.change_signal();
    let mut failing = false;
    loop {
        signal.borrow_and_update();
        let wait = match round(store.as_ref(), clock.as_ref(), &holder).await {
            Ok(wait) => {
                if failing {
                    tracing::info!("the scheduler is back");
                    failing = false;
                }
                wait
            }
            Err(e) => {
                if !failing {
                    tracing::warn!(error = %e, "the scheduler cannot reach the store; retrying");
                    failing = true;
                }
                Duration::from_millis(500)
            }
        };
        tokio::select! {
            () = tokio::time::sleep(wait) => {}
            changed = signal.changed() => {
                if changed.is_err() {
                    tokio::time::sleep(wait).await;
                }
            }
        }
    }
}

/// One look at the timetable: publishes what is due if this node holds the
/// lease, and says how long to sleep.
async fn round(
    store: &dyn Store,
    clock: &dyn Clock,
    holder: &str,
) -> Result<Duration, Box<dyn std::error::Error + Send + Sync>> {
    let lease = store
        .try_lease(LEASE, holder, LEASE_TTL, clock.now())
        .await?;
    if lease.is_none() {
        return Ok(MAX_SLEEP);
    }
    let published = pressroom_newsroom::workflow::publish_due(store, clock).await?;
    for r in &published {
        let late = r
            .published_at
            .map(|at| clock.now().duration_since(at).as_secs_f64())
            .unwrap_or_default();
        tracing::info!(release = %r.id, path = %r.path(), late_seconds = late, "published on schedule");
    }
    let now = clock.now();
    Ok(match store.next_due().await? {
        Some(at) if at <= now => Duration::ZERO,
        Some(at) => Duration::try_from(now.duration_until(at))
            .unwrap_or(MAX_SLEEP)
            .min(MAX_SLEEP),
        None => MAX_SLEEP,
    })
}

/// A name for this node's claim on the lease, unique per process.
pub fn holder_name() -> String {
    format!(
        "{}-{}",
        std::process::id(),
        jiff::Timestamp::now().as_microsecond()
    )
}
