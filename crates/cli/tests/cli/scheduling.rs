//! Scheduled publishing survives crashes: `pressroom serve` is killed
//! (SIGKILL, no chance to clean up) again and again across the publication
//! times of 100 scheduled releases and started again each time. Every
//! release is published exactly once and none more than 60 s late. The
//! child runs on the real clock, so the times are real and short.

use std::sync::Arc;
use std::time::{Duration, Instant};

use jiff::{SignedDuration, Timestamp};
use pressroom_domain::{
    Actor, Body, Issuer, Kind, ReleaseContent, ReleaseDate, Role, Status, SystemClock, Title,
};
use pressroom_newsroom::workflow as wf;
use pressroom_store::Store;
use pressroom_store_sqlite::SqliteStore;

use crate::Cli;
use crate::serve::start;

const RELEASES: usize = 100;

fn content(n: usize) -> ReleaseContent {
    ReleaseContent {
        title: Title::parse(&format!("Scheduled Statement {n}")).expect("title"),
        kind: Some(Kind::PressStatement),
        issuer: Some(Issuer::parse("Office of the Spokesperson").expect("issuer")),
        dateline: None,
        date: ReleaseDate::from_date(jiff::civil::date(2026, 6, 1)).expect("date"),
        attribution: None,
        body: Body::from_texts(&[format!("Statement number {n}.")]).expect("body"),
        language: Default::default(),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn releases_scheduled_across_repeated_crashes_are_each_published_once_and_on_time() {
    let cli = Cli::new();
    let store: Arc<dyn Store> = Arc::new(SqliteStore::open(&cli.database()).await.expect("open"));
    let clock = SystemClock;
    let writer = Actor {
        user_id: 1,
        role: Role::Writer,
    };
    let clearer = Actor {
        user_id: 2,
        role: Role::Clearer,
    };
    let publisher = Actor {
        user_id: 3,
        role: Role::Publisher,
    };
    let mut ids = Vec::new();
    for n in 0..RELEASES {
        let r = wf::create_draft(store.as_ref(), &clock, writer, content(n))
            .await
            .expect("draft");
        wf::submit(store.as_ref(), &clock, writer, r.id)
            .await
            .expect("submit");
        wf::approve(store.as_ref(), &clock, clearer, r.id, None)
            .await
            .expect("approve");
        ids.push(r.id);
    }
    // Publication times spread over 15 s, starting 3 s from now; every
    // fifth one is an embargo instead of a plain schedule.
    let start_at = Timestamp::now() + SignedDuration::from_secs(3);
    for (n, id) in ids.iter().enumerate() {
        let at = start_at + SignedDuration::from_millis(150 * n as i64);
        if n % 5 == 0 {
            wf::embargo(store.as_ref(), &clock, publisher, *id, at)
                .await
                .expect("embargo");
        } else {
            wf::schedule(store.as_ref(), &clock, publisher, *id, at)
                .await
                .expect("schedule");
        }
    }
    let last_due = start_at + SignedDuration::from_millis(150 * (RELEASES as i64 - 1));

    // Kill the server every 1.3 to 2.9 s until well past the last time.
    let mut kills = 0;
    let mut pause = 1_300;
    while Timestamp::now() < last_due + SignedDuration::from_secs(3) {
        let (mut child, _addr) = start(&cli, &[]);
        tokio::time::sleep(Duration::from_millis(pause)).await;
        child.kill().expect("SIGKILL");
        child.wait().expect("reaped");
        kills += 1;
        pause = 1_300 + (pause * 7 + 400) % 1_600;
    }
    assert!(kills >= 5, "killed across the timetable ({kills} times)");

    // Back up for good: everything left is published by itself.
    let (mut child, _addr) = start(&cli, &[]);
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let left = store.due(Timestamp::now(), 1_000).await.expect("due").len();
        if left == 0 || Instant::now() > deadline {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    child.kill().expect("SIGKILL");
    child.wait().expect("reaped");

    let mut worst = SignedDuration::ZERO;
    for id in &ids {
        let r = store.get(*id).await.expect("get").expect("stored");
        assert_eq!(r.status, Status::Published, "{id} published");
        let publications: Vec<_> = store
            .workflow_events(*id)
            .await
            .expect("events")
            .into_iter()
            .filter(|e| e.action == "publish")
            .collect();
        assert_eq!(publications.len(), 1, "{id} published exactly once");
        assert_eq!(publications[0].actor, 0, "by the scheduler");
        assert_eq!(store.revisions(*id).await.expect("revisions").len(), 1);
        let due = r.published_at.expect("publication time");
        let late = publications[0].at.duration_since(due);
        assert!(late >= SignedDuration::ZERO, "{id} not early: {late:?}");
        worst = worst.max(late);
    }
    let feed = store.changes_after(0, 10_000).await.expect("feed");
    let published_changes = feed.iter().filter(|c| c.event == "publish").count();
    assert_eq!(
        published_changes, RELEASES,
        "one change-feed row per publication"
    );
    println!(
        "{kills} kills; the latest publication was {:.3} s after its time",
        worst.as_secs_f64()
    );
    assert!(
        worst < SignedDuration::from_secs(60),
        "worst lateness {worst:?}"
    );
}
