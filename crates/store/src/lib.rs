//! The storage boundary of pressroom: the [`Store`] trait that every backend
//! (SQLite, PostgreSQL) implements, its query and result types, [`StoreError`],
//! the [`PublicView`] through which every public surface reads, the
//! newsroom's [`AccountStore`] (users, sessions, tokens, audit log), and the
//! [`conformance`] suite that each backend runs against itself.
//!
//! In the pipelines: the archive importer and the newsroom write through
//! `Store`; the web, feeds and search read published releases through
//! `PublicView` only.

pub mod account_conformance;
pub mod accounts;
pub mod conformance;
mod dump;
mod error;
mod feed;
mod held;
pub mod ledger;
mod memo;
pub mod portal;
pub mod portal_conformance;
mod public;
mod query;
pub mod row;
mod shift;
mod workflow;

use std::time::Duration;

use async_trait::async_trait;
use jiff::Timestamp;
use pressroom_domain::{Release, ReleaseId, ReleasePath};

pub use accounts::{
    AccountStore, ApiToken, ApiTokenId, AuditEvent, AuditRecord, Invitation, NewUser, Session,
    User, UserId,
};
pub use dump::{ReleaseDump, RevisionDump, SourceDump};
pub use error::{StoreError, StoreResult};
pub use feed::{Change, ChangeFeed, Lease};
pub use held::{HeldEntry, HeldImport, HeldRow, held_entries};
pub use ledger::{LedgerEntry, NewLeaf};
pub use memo::CountMemo;
pub use portal::{Cell, CellKind, PortalTable, Row};
pub use public::PublicView;
pub use query::{
    Facet, FacetCount, ImportOutcome, ImportRecord, ListPage, ListPosition, ListQuery, ListStart,
    Neighbours, PageRequest, PathEntry, ReleaseFilter, Source, Visibility,
};
pub use shift::{CountedAs, FacetShift};
pub use workflow::{
    DeskQuery, IssuedPreviewLink, MAX_DESK_PAGE, NewDraft, NewPreviewLink, PreviewAccess,
    PreviewLink, PublishAt, WorkflowEvent, WorkflowSettings, WorkflowWrite,
};

/// A durable home for releases. Implementations must commit each call that
/// writes as one transaction: it either happens whole or not at all.
#[async_trait]
pub trait Store: Send + Sync + std::fmt::Debug {
    /// The backend's name, for logs and `--help` ("sqlite", "postgres").
    fn backend(&self) -> &'static str;

    /// Stores the releases read from one source file, in one transaction.
    /// A record whose fingerprint is already stored is not stored again; its
    /// source is added to the existing release instead. Re-importing the same
    /// file changes nothing.
    async fn import(
        &self,
        batch: Vec<ImportRecord>,
        now: Timestamp,
    ) -> StoreResult<Vec<ImportOutcome>>;

    /// Stores several files' releases, each file all or nothing as
    /// [`Store::import`] does, and answers once they are all durable.
    /// The result has one entry per file, in order: a file the store refuses
    /// is left out whole and the others are kept. An `Err` for the whole call
    /// means nothing of it was stored.
    ///
    /// Why it exists: an archive of small files would otherwise pay one
    /// durable commit per file. The default stores file by file; a backend
    /// may commit the files together, a savepoint around each.
    async fn import_files(
        &self,
        files: Vec<Vec<ImportRecord>>,
        now: Timestamp,
    ) -> StoreResult<Vec<StoreResult<Vec<ImportOutcome>>>> {
        let mut results = Vec::with_capacity(files.len());
        for batch in files {
            results.push(self.import(batch, now).await);
        }
        Ok(results)
    }

    /// Keeps releases an import could not store for want of a title or a
    /// full date, in one transaction. A fingerprint already held is kept
    /// once: only sources not yet recorded are added, so re-importing an
    /// archive changes nothing. Returns, per item, whether it was new.
    async fn hold_imports(&self, held: Vec<HeldImport>, now: Timestamp) -> StoreResult<Vec<bool>>;

    /// Every held release, oldest first, for an editor to complete.
    async fn held_imports(&self) -> StoreResult<Vec<HeldEntry>>;

    /// One release by id, whatever its status (newsroom use only).
    async fn get(&self, id: ReleaseId) -> StoreResult<Option<Release>>;

    /// One release by its public path, if it is visible as asked.
    async fn find_by_path(
        &self,
        path: &ReleasePath,
        visibility: Visibility,
    ) -> StoreResult<Option<Release>>;

    /// A page of releases, newest first, with the total that match.
    async fn list(&self, query: &ListQuery) -> StoreResult<ListPage>;

    /// How many releases match under each value of a facet, for filters.
    async fn facet_counts(
        &self,
        facet: Facet,
        filter: &ReleaseFilter,
        visibility: Visibility,
    ) -> StoreResult<Vec<FacetCount>>;

    /// The releases of the same kind just before and after `release`, as
    /// visible. `release` itself need not be visible.
    async fn neighbours(
        &self,
        release: &Release,
        visibility: Visibility,
    ) -> StoreResult<Neighbours>;

    /// Up to `limit` releases, newest first, whose body contains `needle`
    /// exactly (case-sensitive, as written in the body's Markdown); an empty
    /// needle matches nothing. The exit
    /// notice uses it to offer only links that a published release carries.
    async fn containing_text(
        &self,
        needle: &str,
        visibility: Visibility,
        limit: u32,
    ) -> StoreResult<Vec<Release>>;

    /// Up to `limit` releases that `visibility` admits under `filter` and
    /// that were corrected or withdrawn at or after `since`, the latest
    /// changed first: feeds announce these even when the release is older
    /// than the newest ones they carry.
    async fn amended_since(
        &self,
        visibility: Visibility,
        filter: &ReleaseFilter,
        since: Timestamp,
        limit: u32,
    ) -> StoreResult<Vec<Release>>;

    /// Releases in id order after `after`, for export and reindexing; walks
    /// a million rows without the cost of deep offsets.
    async fn batch_after(&self, after: Option<ReleaseId>, limit: u32) -> StoreResult<Vec<Release>>;

    /// Up to `limit` releases in the listing's order (newest day first, then
    /// highest id) strictly after `after`, under a filter; no count. The
    /// keyset read behind the API's cursor.
    async fn list_after(
        &self,
        visibility: Visibility,
        filter: &ReleaseFilter,
        after: Option<ListPosition>,
        limit: u32,
    ) -> StoreResult<Vec<Release>>;

    /// Up to `limit` visible releases' paths in id order after `after`,
    /// without their content: the cheap walk behind sitemaps.
    async fn paths_after(
        &self,
        visibility: Visibility,
        after: Option<ReleaseId>,
        limit: u32,
    ) -> StoreResult<Vec<PathEntry>>;

    /// The first visible release's id in each span of `span` ids (`1..=span`,
    /// then `span + 1..=2 * span`, ...) that holds one, in id order: one
    /// seek per span, all in one read. The sitemap index names a file per
    /// span, hundreds of them at a million releases.
    async fn first_ids_of_spans(
        &self,
        visibility: Visibility,
        span: std::num::NonZeroU32,
    ) -> StoreResult<Vec<ReleaseId>>;

    /// The paths of those of `ids` that are visible as asked, in id order,
    /// without their content: one read re-checks a page of search hits at
    /// the gate (a read per hit, with its body, cost more than the search).
    async fn paths_of(
        &self,
        visibility: Visibility,
        ids: &[ReleaseId],
    ) -> StoreResult<Vec<PathEntry>>;

    /// Where a release was imported from.
    async fn sources(&self, id: ReleaseId) -> StoreResult<Vec<Source>>;

    /// Releases in id order after `after`, each with its whole revision
    /// history and sources, for copying a portal to another database.
    async fn dump_after(
        &self,
        after: Option<ReleaseId>,
        limit: u32,
    ) -> StoreResult<Vec<ReleaseDump>>;

    /// Writes dumped releases exactly as they were (ids, paths, statuses,
    /// times, revisions, sources) in one transaction, into a database that
    /// does not hold them yet. A release already stored under the same id
    /// or path is a [`StoreError::Conflict`] and nothing of the batch is
    /// written.
    async fn restore(&self, batch: Vec<ReleaseDump>) -> StoreResult<()>;

    /// Rows of a [`PortalTable`] in key order after `after` (the key cell
    /// of the last row of the previous page), at most `limit`; a table
    /// without a key comes whole in one page.
    async fn export_rows(
        &self,
        table: PortalTable,
        after: Option<Cell>,
        limit: u32,
    ) -> StoreResult<Vec<Row>>;

    /// Writes rows another store exported, keys and all, in one
    /// transaction, and moves the backend's own key generator past them.
    /// A key already taken is a [`StoreError::Conflict`]; nothing of the
    /// batch is written then.
    async fn import_rows(&self, table: PortalTable, rows: Vec<Row>) -> StoreResult<()>;

    /// How many rows a [`PortalTable`] holds.
    async fn count_rows(&self, table: PortalTable) -> StoreResult<u64>;

    /// Deletes every release, account, audit line, workflow row and log
    /// entry, in one transaction. Only `copy` calls it, to take back what
    /// a failed copy wrote into a target it first found empty.
    async fn erase_portal(&self) -> StoreResult<()>;

    /// The sequence number of the newest committed change, 0 if none.
    async fn last_change(&self) -> StoreResult<i64>;

    /// Committed changes with a sequence number above `after`, oldest
    /// first. Every write records its changes in the same transaction, and
    /// sequence numbers follow commit order, so a follower that reads after
    /// its cursor never skips one.
    async fn changes_after(&self, after: i64, limit: u32) -> StoreResult<Vec<Change>>;

    /// Ticks after changes may have been committed, by this process or, on
    /// a shared database, by any node. Only a hint to read
    /// [`Store::changes_after`] again: a missed tick loses nothing.
    fn change_signal(&self) -> tokio::sync::watch::Receiver<u64>;

    /// Takes the lease `name` for `holder` until `now + ttl` if it is free,
    /// expired, or already `holder`'s (a renewal). `None` while another
    /// holder has it. At most one holder has a lease at any instant, across
    /// every node sharing the database.
    async fn try_lease(
        &self,
        name: &str,
        holder: &str,
        ttl: Duration,
        now: Timestamp,
    ) -> StoreResult<Option<Lease>>;

    /// Gives the lease up early if `holder` has it, so another node can
    /// take over without waiting for it to expire.
    async fn release_lease(&self, name: &str, holder: &str) -> StoreResult<()>;

    // The transparency log (pressroom-ledger). Leaves are appended only
    // inside the transactions that write revisions; these read them back.

    /// The number of leaves in the log.
    async fn ledger_size(&self) -> StoreResult<u64>;

    /// The stored hashes at `indexes` (Go `sumdb/tlog` layout); every one
    /// must exist.
    async fn ledger_hashes(&self, indexes: &[u64]) -> StoreResult<pressroom_ledger::HashSource>;

    /// The log entry at `index`, if the log is that long.
    async fn ledger_entry(&self, index: u64) -> StoreResult<Option<LedgerEntry>>;

    /// Every log entry of one release, oldest first.
    async fn ledger_entries_of(&self, release: ReleaseId) -> StoreResult<Vec<LedgerEntry>>;
    // ---- The editorial workflow (written by `pressroom_newsroom::workflow`).

    /// Stores a new draft (status draft, revision 1, no public revision,
    /// no publication time) at a free path for its title and day.
    async fn create_draft(&self, draft: NewDraft, now: Timestamp) -> StoreResult<Release>;

    /// Applies one checked transition in one transaction (see
    /// [`WorkflowWrite`]) and returns the release as it now is.
    /// [`StoreError::NotFound`] if there is no such release,
    /// [`StoreError::Stale`] if it is no longer in the expected status and
    /// revision; either way nothing is written.
    async fn apply(
        &self,
        id: ReleaseId,
        write: WorkflowWrite,
        now: Timestamp,
    ) -> StoreResult<Release>;

    /// Who created a release in the newsroom; `None` for an imported one.
    async fn author(&self, id: ReleaseId) -> StoreResult<Option<i64>>;

    /// The public revisions of a release, oldest first: each one's number,
    /// event (import, publish, correct, withdraw), content, change note and
    /// time.
    async fn revisions(&self, id: ReleaseId) -> StoreResult<Vec<RevisionDump>>;

    /// What was done to a release in the newsroom, oldest first.
    async fn workflow_events(&self, id: ReleaseId) -> StoreResult<Vec<WorkflowEvent>>;

    /// Scheduled and embargoed releases whose publication time is not after
    /// `at`, earliest first: what the scheduler must publish, and (with an
    /// earlier `at`) what is overdue.
    async fn due(&self, at: Timestamp, limit: u32) -> StoreResult<Vec<Release>>;

    /// The earliest publication time of any scheduled or embargoed release.
    async fn next_due(&self) -> StoreResult<Option<Timestamp>>;

    /// The earliest publication time after `now` of a release that is or
    /// will be public (published, withdrawn, scheduled or embargoed): until
    /// then what the public sees changes only by writes, so a count taken
    /// at `now` holds (`CountMemo`).
    async fn next_public_after(&self, now: Timestamp) -> StoreResult<Option<Timestamp>>;

    async fn workflow_settings(&self) -> StoreResult<WorkflowSettings>;

    async fn set_workflow_settings(
        &self,
        settings: WorkflowSettings,
        now: Timestamp,
    ) -> StoreResult<()>;

    async fn create_preview_link(
        &self,
        link: NewPreviewLink,
        now: Timestamp,
    ) -> StoreResult<PreviewLink>;

    /// The release a preview token opens: only while the link exists, has
    /// neither expired nor been revoked at `now`, and the release is still
    /// embargoed with its lift after `now` (once public, the public page is
    /// the one to read). The access is logged in the same transaction;
    /// nothing is logged for a token that opens nothing.
    async fn open_preview(
        &self,
        token_hash: &str,
        now: Timestamp,
    ) -> StoreResult<Option<(PreviewLink, Release)>>;

    /// Revokes a preview link: from `now` on it opens nothing. `false` if
    /// there is no such link or it was already revoked.
    async fn revoke_preview_link(&self, link_id: i64, now: Timestamp) -> StoreResult<bool>;

    /// Every preview link issued for a release, oldest first, each with
    /// its revocation time and how many times it was opened.
    async fn preview_links(&self, id: ReleaseId) -> StoreResult<Vec<IssuedPreviewLink>>;

    /// Every access through a release's preview links, oldest first.
    async fn preview_accesses(&self, id: ReleaseId) -> StoreResult<Vec<PreviewAccess>>;

    /// The newsroom's releases (any status) matching `query`, newest id
    /// first, at most [`DeskQuery::bounded_limit`]: the dashboard's drafts
    /// and queues and the newsroom API's list.
    async fn desk(&self, query: &DeskQuery) -> StoreResult<Vec<Release>>;
}
