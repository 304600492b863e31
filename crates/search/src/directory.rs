//! The index's folder, whose writes a serving node makes durable in the
//! background instead of on every commit.
//!
//! tantivy syncs every file of a commit to disk before it returns: each of
//! a new segment's files, the list of files it manages after each of them,
//! `meta.json` and the folder, a dozen or more `fsync`s for a one-release
//! commit, each a few milliseconds on an idle disk and tens while other
//! processes write. A publication waits for them before search shows it.
//! The index is derived data (rebuildable from the store, and it records
//! the change-feed position it reflects), so [`LazySync`] lets a node that
//! holds the writer skip them ([`LazySync::defer`]): commits are visible at
//! once and made durable by [`LazySync::make_durable`], called every few
//! seconds and at a clean stop ([`LazySync::close`]).
//!
//! What a crash may leave is bounded by one rule: every file the last
//! durable commit uses stays on disk, synced, until the next durable point.
//! That commit's `meta.json` is kept synced beside the live one as
//! [`DURABLE_META`] (present only while commits are deferred), and the
//! files tantivy deletes meanwhile are only deleted at the next durable
//! point. [`recover`] finds [`DURABLE_META`] left by a writer that is gone
//! and puts it back as `meta.json`: the index is then exactly its last
//! durable commit, with the change-feed position of that commit, and the
//! node catches up from there as after any stop.
//!
//! tantivy also rewrites its list of files (`.managed.json`) for every file
//! it creates, six or seven times for a one-release commit, each a new
//! file renamed over the old one (which ext4 follows with a write-back of
//! it). Only a writer opening the folder reads that list, and [`recover`]
//! writes it again from the folder's files, so while commits are deferred
//! the latest list is kept in memory and written once, at
//! [`LazySync::close`].
//!
//! Searches read the folder through [`ReadSide`], which reads stored
//! releases and postings with `pread` instead of mapping them (see there).

use std::collections::{HashMap, HashSet};
use std::fs::{File, OpenOptions};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use tantivy::HasLen;
use tantivy::directory::error::{DeleteError, LockError, OpenReadError, OpenWriteError};
use tantivy::directory::{
    AntiCallToken, Directory, DirectoryLock, FileHandle, INDEX_WRITER_LOCK, Lock, MmapDirectory,
    OwnedBytes, TerminatingWrite, WatchCallback, WatchHandle, WritePtr,
};

/// The last durable commit's `meta.json`, kept while commits are deferred.
pub(crate) const DURABLE_META: &str = "meta.durable.json";
const META: &str = "meta.json";
const MANAGED: &str = ".managed.json";
/// The files tantivy writes in the folder (see `SearchIndex::recreate`).
pub(crate) const EXTENSIONS: [&str; 7] =
    ["idx", "pos", "term", "store", "fast", "fieldnorm", "del"];

#[derive(Debug, Default)]
struct State {
    /// Whether writes skip their `fsync` (a serving node holds the writer).
    deferred: bool,
    /// Files written without sync since the last durable point, and
    /// whether each is complete (tantivy has terminated it).
    unsynced: HashMap<PathBuf, bool>,
    /// Files tantivy deleted since the last durable point: the last
    /// durable commit may use them.
    deletes: Vec<PathBuf>,
    /// Whether anything was written or deleted since the last durable point.
    dirty: bool,
    /// tantivy's latest list of its files, not yet written (see the module
    /// documentation).
    managed: Option<Vec<u8>>,
}

/// An [`MmapDirectory`] whose syncs can be deferred; see the module
/// documentation. Clones share their state.
#[derive(Clone, Debug)]
pub(crate) struct LazySync {
    inner: MmapDirectory,
    root: PathBuf,
    state: Arc<Mutex<State>>,
}

fn lock(state: &Mutex<State>) -> std::sync::MutexGuard<'_, State> {
    state.lock().unwrap_or_else(PoisonError::into_inner)
}

impl LazySync {
    pub(crate) fn open(root: &Path) -> Result<Self, tantivy::directory::error::OpenDirectoryError> {
        Ok(Self {
            inner: MmapDirectory::open(root)?,
            root: root.to_path_buf(),
            state: Arc::default(),
        })
    }

    /// From now on, writes are not synced until [`LazySync::make_durable`].
    /// The current commit (written durably) is recorded as the one to go
    /// back to first. Only for the holder of the index's writer.
    pub(crate) fn defer(&self) -> io::Result<()> {
        let mut state = lock(&self.state);
        if state.deferred {
            return Ok(());
        }
        let meta = std::fs::read(self.root.join(META))?;
        write_synced(&self.root, DURABLE_META, &meta)?;
        state.deferred = true;
        Ok(())
    }

    /// Makes the commit now in `meta.json` durable: syncs every complete
    /// file written since the last durable point, records that commit as
    /// [`DURABLE_META`], then deletes what tantivy deleted before it. Safe
    /// while a commit or a merge runs (each file a commit uses is complete
    /// before its `meta.json` is written, and is read after it). Nothing
    /// when nothing changed.
    pub(crate) fn make_durable(&self) -> io::Result<()> {
        let deletes = {
            let mut state = lock(&self.state);
            if !state.deferred || !state.dirty {
                return Ok(());
            }
            state.dirty = false;
            std::mem::take(&mut state.deletes)
        };
        let done = self.sync_and_record();
        let mut state = lock(&self.state);
        match done {
            Ok(synced) => {
                for path in synced.iter().chain(&deletes) {
                    state.unsynced.remove(path);
                }
                drop(state);
                for path in deletes {
                    match std::fs::remove_file(self.root.join(&path)) {
                        Err(e) if e.kind() != io::ErrorKind::NotFound => {
                            tracing::warn!(file = %path.display(), error = %e, "cannot delete an index file no longer used");
                        }
                        _ => {}
                    }
                }
                Ok(())
            }
            Err(e) => {
                // Tried again at the next durable point.
                state.deletes.extend(deletes);
                state.dirty = true;
                Err(e)
            }
        }
    }

    /// The commit in `meta.json` (read first: every file it uses is
    /// complete by then) recorded as durable once the files are synced.
    /// Returns the files synced.
    fn sync_and_record(&self) -> io::Result<Vec<PathBuf>> {
        let meta = std::fs::read(self.root.join(META))?;
        let complete: Vec<PathBuf> = lock(&self.state)
            .unsynced
            .iter()
            .filter(|(_, complete)| **complete)
            .map(|(path, _)| path.clone())
            .collect();
        for path in &complete {
            match File::open(self.root.join(path)) {
                Ok(file) => file.sync_data()?,
                Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                Err(e) => return Err(e),
            }
        }
        sync_folder(&self.root)?;
        write_synced(&self.root, DURABLE_META, &meta)?;
        Ok(complete)
    }

    /// Makes everything durable and goes back to syncing every write: the
    /// folder is then a plain tantivy index. Called once the writer is
    /// dropped (a clean stop).
    pub(crate) fn close(&self) -> io::Result<()> {
        if !lock(&self.state).deferred {
            return Ok(());
        }
        lock(&self.state).dirty = true;
        self.make_durable()?;
        {
            // The kept list written and deferring stopped at once, under
            // the lock: a list tantivy writes meanwhile (a merge of the
            // dropped writer finishing) waits, then goes straight to disk
            // after this older one.
            let mut state = lock(&self.state);
            if let Some(managed) = &state.managed {
                write_synced(&self.root, MANAGED, managed)?;
            }
            state.managed = None;
            state.deferred = false;
        }
        for name in [META, MANAGED] {
            match File::open(self.root.join(name)) {
                Ok(file) => file.sync_data()?,
                Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                Err(e) => return Err(e),
            }
        }
        sync_folder(&self.root)?;
        std::fs::remove_file(self.root.join(DURABLE_META))?;
        sync_folder(&self.root)
    }

    fn deferred(&self) -> bool {
        lock(&self.state).deferred
    }
}

/// Puts the last durable commit back when a writer that deferred its
/// syncs stopped without [`LazySync::close`] (a crash, a kill): its later
/// commits may be torn. Only when no writer holds the index (another
/// process's serving node may be deferring right now). Returns whether it
/// rolled back. Files written after the durable commit are deleted.
pub(crate) fn recover(root: &Path) -> Result<bool, tantivy::TantivyError> {
    let durable = root.join(DURABLE_META);
    if !durable.exists() {
        return Ok(false);
    }
    let directory = MmapDirectory::open(root)?;
    let _writer = match directory.acquire_lock(&INDEX_WRITER_LOCK) {
        Ok(lock) => lock,
        Err(LockError::LockBusy) => return Ok(false),
        Err(e) => return Err(tantivy::TantivyError::LockFailure(e, None)),
    };
    let meta = std::fs::read(&durable)?;
    write_synced(root, META, &meta)?;
    // Every file the durable commit does not use goes: the writer's
    // operation stamps start again from that commit's, so a file a later
    // commit wrote (a segment's deletes, `<segment>.<stamp>.del`) would
    // have the very name the next commit gives its own, and tantivy
    // refuses to write over a file. The list tantivy keeps of its files
    // may be torn too: it is dropped before the index is opened (tantivy
    // reads it then) and written again with the files kept.
    match std::fs::remove_file(root.join(MANAGED)) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e.into()),
        _ => {}
    }
    let living: HashSet<PathBuf> = tantivy::Index::open(directory.clone())?
        .searchable_segment_metas()?
        .iter()
        .flat_map(|segment| segment.list_files())
        .collect();
    let mut files = vec![META.to_owned()];
    for entry in std::fs::read_dir(root)? {
        let path = entry?.path();
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        if !path.is_file() || !EXTENSIONS.contains(&ext) {
            continue;
        }
        if living.contains(Path::new(name)) {
            files.push(name.to_owned());
        } else {
            std::fs::remove_file(&path)?;
        }
    }
    // tantivy's names (a segment's id and an extension) need no escaping.
    let listed: Vec<String> = files.iter().map(|f| format!("\"{f}\"")).collect();
    write_synced(
        root,
        MANAGED,
        format!("[{}]\n", listed.join(",")).as_bytes(),
    )?;
    std::fs::remove_file(&durable)?;
    sync_folder(root)?;
    Ok(true)
}

/// Writes `name` in `root` atomically and durably: a synced temporary
/// file renamed over it, then the folder synced.
fn write_synced(root: &Path, name: &str, content: &[u8]) -> io::Result<()> {
    let mut temp = tempfile::Builder::new().tempfile_in(root)?;
    temp.write_all(content)?;
    temp.as_file().sync_data()?;
    temp.persist(root.join(name)).map_err(|e| e.error)?;
    sync_folder(root)
}

fn sync_folder(root: &Path) -> io::Result<()> {
    File::open(root)?.sync_data()
}

/// A file written without a sync; complete once tantivy terminates it.
struct Unsynced {
    file: File,
    path: PathBuf,
    state: Arc<Mutex<State>>,
}

impl Write for Unsynced {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.file.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.file.flush()
    }
}

impl TerminatingWrite for Unsynced {
    fn terminate_ref(&mut self, _: AntiCallToken) -> io::Result<()> {
        self.file.flush()?;
        lock(&self.state).unsynced.insert(self.path.clone(), true);
        Ok(())
    }
}

impl Directory for LazySync {
    fn get_file_handle(&self, path: &Path) -> Result<Arc<dyn FileHandle>, OpenReadError> {
        self.inner.get_file_handle(path)
    }

    fn delete(&self, path: &Path) -> Result<(), DeleteError> {
        {
            let mut state = lock(&self.state);
            if state.deferred {
                if !self.root.join(path).exists() {
                    return Err(DeleteError::FileDoesNotExist(path.to_path_buf()));
                }
                // Still synced at the next durable point if it is not yet:
                // the commit recorded then may be one that uses it.
                state.deletes.push(path.to_path_buf());
                state.dirty = true;
                return Ok(());
            }
        }
        self.inner.delete(path)
    }

    fn exists(&self, path: &Path) -> Result<bool, OpenReadError> {
        self.inner.exists(path)
    }

    fn open_write(&self, path: &Path) -> Result<WritePtr, OpenWriteError> {
        if !self.deferred() {
            return self.inner.open_write(path);
        }
        let file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(self.root.join(path))
            .map_err(|e| {
                if e.kind() == io::ErrorKind::AlreadyExists {
                    OpenWriteError::FileAlreadyExists(path.to_path_buf())
                } else {
                    OpenWriteError::wrap_io_error(e, path.to_path_buf())
                }
            })?;
        {
            let mut state = lock(&self.state);
            state.unsynced.insert(path.to_path_buf(), false);
            state.dirty = true;
        }
        Ok(BufWriter::new(Box::new(Unsynced {
            file,
            path: path.to_path_buf(),
            state: self.state.clone(),
        })))
    }

    fn atomic_read(&self, path: &Path) -> Result<Vec<u8>, OpenReadError> {
        if path == Path::new(MANAGED)
            && let Some(managed) = &lock(&self.state).managed
        {
            return Ok(managed.clone());
        }
        self.inner.atomic_read(path)
    }

    fn atomic_write(&self, path: &Path, data: &[u8]) -> io::Result<()> {
        if !self.deferred() {
            return self.inner.atomic_write(path, data);
        }
        if path == Path::new(MANAGED) {
            let mut state = lock(&self.state);
            // Checked again under the lock: `close` may have just written
            // the list and stopped deferring.
            if state.deferred {
                state.managed = Some(data.to_vec());
                return Ok(());
            }
            drop(state);
            return self.inner.atomic_write(path, data);
        }
        // Still atomic (a rename), only not synced: a reader never sees
        // half a `meta.json`.
        let mut temp = tempfile::Builder::new().tempfile_in(&self.root)?;
        temp.write_all(data)?;
        temp.persist(self.root.join(path)).map_err(|e| e.error)?;
        lock(&self.state).dirty = true;
        Ok(())
    }

    fn sync_directory(&self) -> io::Result<()> {
        if self.deferred() {
            return Ok(());
        }
        self.inner.sync_directory()
    }

    fn acquire_lock(&self, lock: &Lock) -> Result<DirectoryLock, LockError> {
        self.inner.acquire_lock(lock)
    }

    fn watch(&self, watch_callback: WatchCallback) -> tantivy::Result<WatchHandle> {
        self.inner.watch(watch_callback)
    }
}

/// The files searches read through [`ReadSide`] without mapping them: the
/// stored releases (`.store`), postings (`.idx`) and positions (`.pos`),
/// nine tenths of the index at a million releases.
const UNMAPPED: [&str; 3] = ["store", "idx", "pos"];

/// The folder as searches read it: an [`MmapDirectory`], except that the
/// large files ([`UNMAPPED`]) are read with `pread`, range by range, as
/// tantivy asks for them (one compressed block of stored releases, one
/// term's postings). Mapped, every page a search ever read stayed in the
/// server's resident memory, growing with the variety of questions asked
/// (800 MB after 1,200 distinct questions at a million releases); read, the
/// pages stay in the kernel's page cache, shared and reclaimable, as
/// SQLite's do, and the process keeps only what tantivy caches (a hundred
/// decompressed blocks of stored releases per segment). The small files
/// read on every query (term dictionaries, fast fields, norms) stay
/// mapped. Writers do not use it: a merge reads whole files.
#[derive(Clone, Debug)]
pub(crate) struct ReadSide {
    inner: MmapDirectory,
    root: PathBuf,
}

impl ReadSide {
    pub(crate) fn open(root: &Path) -> Result<Self, tantivy::directory::error::OpenDirectoryError> {
        Ok(Self {
            inner: MmapDirectory::open(root)?,
            root: root.to_path_buf(),
        })
    }
}

/// A file read with `pread` (see [`ReadSide`]).
#[derive(Debug)]
struct Pread {
    file: File,
    len: usize,
}

impl HasLen for Pread {
    fn len(&self) -> usize {
        self.len
    }
}

impl FileHandle for Pread {
    fn read_bytes(&self, range: std::ops::Range<usize>) -> io::Result<OwnedBytes> {
        use std::os::unix::fs::FileExt;
        if range.end > self.len || range.start > range.end {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("bytes {range:?} of a file of {} bytes", self.len),
            ));
        }
        let mut buffer = vec![0; range.len()];
        self.file.read_exact_at(&mut buffer, range.start as u64)?;
        Ok(OwnedBytes::new(buffer))
    }
}

impl Directory for ReadSide {
    fn get_file_handle(&self, path: &Path) -> Result<Arc<dyn FileHandle>, OpenReadError> {
        let unmapped = path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| UNMAPPED.contains(&e));
        if !unmapped {
            return self.inner.get_file_handle(path);
        }
        let full = self.root.join(path);
        let file = File::open(&full).map_err(|e| {
            if e.kind() == io::ErrorKind::NotFound {
                OpenReadError::FileDoesNotExist(path.to_path_buf())
            } else {
                OpenReadError::wrap_io_error(e, path.to_path_buf())
            }
        })?;
        let len = file
            .metadata()
            .map_err(|e| OpenReadError::wrap_io_error(e, path.to_path_buf()))?
            .len();
        let len = usize::try_from(len).map_err(|_| {
            OpenReadError::wrap_io_error(
                io::Error::new(
                    io::ErrorKind::FileTooLarge,
                    "larger than memory can address",
                ),
                path.to_path_buf(),
            )
        })?;
        Ok(Arc::new(Pread { file, len }))
    }

    fn delete(&self, path: &Path) -> Result<(), DeleteError> {
        self.inner.delete(path)
    }

    fn exists(&self, path: &Path) -> Result<bool, OpenReadError> {
        self.inner.exists(path)
    }

    fn open_write(&self, path: &Path) -> Result<WritePtr, OpenWriteError> {
        self.inner.open_write(path)
    }

    fn atomic_read(&self, path: &Path) -> Result<Vec<u8>, OpenReadError> {
        self.inner.atomic_read(path)
    }

    fn atomic_write(&self, path: &Path, data: &[u8]) -> io::Result<()> {
        self.inner.atomic_write(path, data)
    }

    fn sync_directory(&self) -> io::Result<()> {
        self.inner.sync_directory()
    }

    fn acquire_lock(&self, lock: &Lock) -> Result<DirectoryLock, LockError> {
        self.inner.acquire_lock(lock)
    }

    fn watch(&self, watch_callback: WatchCallback) -> tantivy::Result<WatchHandle> {
        self.inner.watch(watch_callback)
    }
}
