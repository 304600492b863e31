//! A serving node's writer: held for the life of the process, lent to each
//! change in turn, its commits synced to disk in the background; and what
//! a crash before they are synced leaves.

use std::path::{Path, PathBuf};

use pressroom_search::{SearchError, SearchIndex};

use crate::{ask, release, titles};

fn statement(id: i64, word: &str) -> pressroom_domain::Release {
    release(
        id,
        &format!("Statement {id} on {word}"),
        "Press Statement",
        "2024-03-01",
        &format!("The ministry speaks of {word} today."),
    )
}

/// Commits one release through `index`'s writer, at feed position `id`.
fn publish(index: &SearchIndex, id: i64, word: &str) {
    let mut w = index.updater().expect("writer");
    w.upsert(&statement(id, word)).expect("upsert");
    w.commit_at(id).expect("commit");
}

/// The segment files in `dir` (not the lists, metas or locks).
fn segment_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("read dir")
        .map(|e| e.expect("entry").path())
        .filter(|p| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            !name.starts_with('.') && !name.ends_with(".json")
        })
        .collect();
    files.sort();
    files
}

#[test]
fn a_writer_held_by_a_serving_node_makes_another_process_get_busy_with_a_clear_message() {
    let dir = tempfile::tempdir().expect("dir");
    let serving = SearchIndex::open_or_create(dir.path()).expect("open");
    serving.hold_writer().expect("hold");
    // A second opening of the folder stands for another process (the lock
    // is per open file, as across processes).
    let other = SearchIndex::open_or_create(dir.path()).expect("open again");

    let refused = other.updater().err().expect("refused");

    assert!(matches!(refused, SearchError::Busy));
    assert!(refused.to_string().contains("pressroom serve"), "{refused}");
    serving.release_writer().expect("release");
    assert!(other.updater().is_ok(), "free once released");
}

#[test]
fn each_change_through_a_held_writer_is_searchable_once_committed() {
    let dir = tempfile::tempdir().expect("dir");
    let index = SearchIndex::open_or_create(dir.path()).expect("open");
    index.hold_writer().expect("hold");

    for (id, word) in [(1, "fisheries"), (2, "vaccines"), (3, "fisheries")] {
        publish(&index, id, word);
        assert_eq!(index.change_cursor().expect("cursor"), Some(id));
    }
    let mut w = index.updater().expect("writer");
    w.remove(pressroom_domain::ReleaseId(1));
    w.commit_at(4).expect("commit");
    drop(w);

    assert_eq!(
        titles(&index, &ask("vaccines")),
        ["Statement 2 on vaccines"]
    );
    assert_eq!(
        titles(&index, &ask("fisheries")),
        ["Statement 3 on fisheries"]
    );
    index.release_writer().expect("release");
}

#[test]
fn a_clean_release_leaves_every_commit_on_disk() {
    let dir = tempfile::tempdir().expect("dir");
    {
        let index = SearchIndex::open_or_create(dir.path()).expect("open");
        index.hold_writer().expect("hold");
        publish(&index, 1, "fisheries");
        index.make_durable().expect("durable");
        publish(&index, 2, "vaccines");
        index.release_writer().expect("release");
    }
    assert!(!dir.path().join("meta.durable.json").exists());

    let reopened = SearchIndex::open_or_create(dir.path()).expect("reopen");

    assert_eq!(reopened.change_cursor().expect("cursor"), Some(2));
    assert_eq!(reopened.num_docs(), 2);
}

/// A serving node on `dir` publishes release 1, makes it durable, then
/// publishes release `id` with `word` and dies before the next durable
/// point. Returns the segment files written after that point.
fn files_of_a_node_that_died_after(dir: &Path, id: i64, word: &str) -> Vec<PathBuf> {
    let index = SearchIndex::open_or_create(dir).expect("open");
    index.hold_writer().expect("hold");
    publish(&index, 1, "fisheries");
    index.make_durable().expect("durable");
    let durable = segment_files(dir);
    publish(&index, id, word);
    segment_files(dir)
        .into_iter()
        .filter(|f| !durable.contains(f))
        .collect()
    // The process dies here: dropped without a release.
}

#[test]
fn an_index_torn_after_its_last_durable_commit_goes_back_to_that_commit() {
    let dir = tempfile::tempdir().expect("dir");
    let later = files_of_a_node_that_died_after(dir.path(), 2, "vaccines");
    // What was written since the durable point may be anything on disk:
    // tear it all.
    assert!(!later.is_empty(), "the second commit wrote files");
    for file in later {
        std::fs::write(file, b"").expect("tear");
    }
    std::fs::write(dir.path().join("meta.json"), b"{\"torn").expect("tear");
    std::fs::write(dir.path().join(".managed.json"), b"").expect("tear");

    let reopened = SearchIndex::open_or_create(dir.path()).expect("reopen");

    assert_eq!(reopened.change_cursor().expect("cursor"), Some(1));
    assert_eq!(titles(&reopened, &ask("fisheries")).len(), 1);
    assert!(titles(&reopened, &ask("vaccines")).is_empty());
    // And it takes changes again, the change feed's replay among them.
    reopened.hold_writer().expect("hold");
    publish(&reopened, 2, "vaccines");
    assert_eq!(titles(&reopened, &ask("vaccines")).len(), 1);
    reopened.release_writer().expect("release");
}

#[test]
fn a_node_that_crashed_after_correcting_a_release_can_correct_it_again_after_a_restart() {
    let dir = tempfile::tempdir().expect("dir");
    // A correction replaces the release: the durable segment gets a
    // deletes file, `<segment>.<operation stamp>.del`.
    let later = files_of_a_node_that_died_after(dir.path(), 1, "vaccines");
    let del = later
        .iter()
        .find(|f| f.extension().is_some_and(|e| e == "del"))
        .expect("the correction wrote a deletes file");
    let name = del.file_name().and_then(|n| n.to_str()).expect("name");
    let durable_segment = name.split('.').next().expect("segment");
    // The writer's stamps start again from the durable commit's, so the
    // replayed correction's deletes file may have the name of one the dead
    // writer left: leave one under every stamp the replay could use.
    for stamp in 1..64 {
        let orphan = dir.path().join(format!("{durable_segment}.{stamp}.del"));
        if !orphan.exists() {
            std::fs::write(orphan, b"left by the dead writer").expect("orphan");
        }
    }

    let reopened = SearchIndex::open_or_create(dir.path()).expect("reopen");
    reopened.hold_writer().expect("hold");
    // The change feed replays the same correction.
    publish(&reopened, 1, "vaccines");

    assert_eq!(
        titles(&reopened, &ask("vaccines")),
        ["Statement 1 on vaccines"]
    );
    assert!(titles(&reopened, &ask("fisheries")).is_empty());
    assert_eq!(reopened.num_docs(), 1);
    reopened.release_writer().expect("release");
    let reopened = SearchIndex::open_or_create(dir.path()).expect("reopen after a clean stop");
    assert_eq!(reopened.num_docs(), 1);
}

#[test]
fn an_index_whose_writer_is_alive_is_not_rolled_back_by_another_opening() {
    let dir = tempfile::tempdir().expect("dir");
    let serving = SearchIndex::open_or_create(dir.path()).expect("open");
    serving.hold_writer().expect("hold");
    publish(&serving, 1, "fisheries");

    let reader = SearchIndex::open_or_create(dir.path()).expect("open again");

    assert_eq!(reader.change_cursor().expect("cursor"), Some(1));
    assert!(dir.path().join("meta.durable.json").exists());
    serving.release_writer().expect("release");
}

/// The files `.managed.json` lists (tantivy's list of its own files).
fn listed(dir: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(dir.join(".managed.json")).expect("list");
    // A JSON list of plain file names: every other piece between quotes.
    let mut names: Vec<String> = text
        .split('"')
        .skip(1)
        .step_by(2)
        .map(str::to_owned)
        .collect();
    assert!(!names.is_empty(), "a list of names: {text}");
    names.sort();
    names
}

#[test]
fn a_held_writer_lists_its_files_once_at_release_not_at_every_commit() {
    let dir = tempfile::tempdir().expect("dir");
    let index = SearchIndex::open_or_create(dir.path()).expect("open");
    index.hold_writer().expect("hold");
    publish(&index, 1, "fisheries");
    let before = std::fs::read(dir.path().join(".managed.json")).expect("list");

    publish(&index, 2, "vaccines");
    index.make_durable().expect("durable");
    publish(&index, 3, "harbours");

    assert_eq!(
        std::fs::read(dir.path().join(".managed.json")).expect("list"),
        before,
        "not rewritten for each new file while the writer is held"
    );
    index.release_writer().expect("release");
    let names = listed(dir.path());
    for file in segment_files(dir.path()) {
        let name = file.file_name().and_then(|n| n.to_str()).expect("name");
        assert!(names.iter().any(|n| n == name), "{name} listed");
    }
    for name in &names {
        assert!(dir.path().join(name).exists(), "{name} listed but gone");
    }
    // The next writer (another process) collects by that list.
    let reopened = SearchIndex::open_or_create(dir.path()).expect("reopen");
    publish(&reopened, 4, "fisheries");
    assert_eq!(titles(&reopened, &ask("fisheries")).len(), 2);
    assert_eq!(reopened.num_docs(), 4);
}
