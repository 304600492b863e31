//! The durable state of a portal beyond its releases, revisions and sources,
//! as backend-neutral rows: what `pressroom copy` moves between SQLite and
//! PostgreSQL so that a portal arrives whole (accounts, audit log, workflow,
//! previews, the transparency log byte for byte).
//!
//! Each [`PortalTable`] names its columns with a neutral [`CellKind`]; a
//! backend reads them into [`Cell`]s and writes them back keeping every key,
//! so references between tables stay true and the transparency log's
//! leaves and hashes (and so every checkpoint and proof) are unchanged.
//!
//! Left out on purpose: `sessions` (a copy is a cut-over; every editor signs
//! in again on the new engine, and a copy made for staging carries no live
//! sign-ins), `changes` (the outbox of a running cluster; nodes on the copy
//! start from the copied state) and `leases` (held by running processes).
//! `login_failures` are copied: a lockout must survive a move, or a move
//! would reset the counter of whoever is guessing a password.

use serde::Serialize;

/// The neutral type of a column; each backend maps its own (`BOOLEAN` or
/// `INTEGER` 0/1, `BYTEA` or `BLOB`) to one of these.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CellKind {
    /// A 64-bit integer (ids, microsecond timestamps, counters).
    Int,
    /// UTF-8 text.
    Text,
    /// A truth value.
    Bool,
    /// Raw bytes (log leaves and hashes).
    Bytes,
}

/// One value of a row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Cell {
    /// SQL NULL.
    Null,
    /// See [`CellKind::Int`].
    Int(i64),
    /// See [`CellKind::Text`].
    Text(String),
    /// See [`CellKind::Bool`].
    Bool(bool),
    /// See [`CellKind::Bytes`].
    Bytes(Vec<u8>),
}

/// One row, its cells in the order of [`PortalTable::columns`].
pub type Row = Vec<Cell>;

/// A column of a [`PortalTable`].
#[derive(Debug, Clone, Copy)]
pub struct Column {
    pub name: &'static str,
    pub kind: CellKind,
}

use CellKind::{Bool, Bytes, Int, Text};

/// A durable table `copy` moves besides releases. [`PortalTable::ALL`] lists
/// them in an order that writes every referenced row before its referrers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PortalTable {
    /// Who created each newsroom release (`releases.created_by`, which the
    /// release dump does not carry); written onto the copied releases.
    ReleaseAuthors,
    /// Newsroom accounts with their password hashes and TOTP secrets.
    Users,
    /// Failed sign-ins, which lock an account out.
    LoginFailures,
    /// Pending invitations (token hashes only).
    Invitations,
    /// API tokens (hashes only), revoked ones included.
    ApiTokens,
    /// The append-only audit log.
    AuditLog,
    /// Every workflow transition with its comment.
    WorkflowEvents,
    /// The admin's workflow settings.
    WorkflowSettings,
    /// Embargo preview links (token hashes only).
    PreviewLinks,
    /// Each opening of a preview link.
    PreviewAccesses,
    /// The transparency log's leaves.
    LedgerLeaves,
    /// The transparency log's stored subtree hashes.
    LedgerHashes,
    /// Imported releases held back for want of a title or a full date.
    HeldImports,
    /// Every place an import found a held release.
    HeldImportSources,
}

impl PortalTable {
    pub const ALL: [PortalTable; 14] = [
        PortalTable::ReleaseAuthors,
        PortalTable::Users,
        PortalTable::LoginFailures,
        PortalTable::Invitations,
        PortalTable::ApiTokens,
        PortalTable::AuditLog,
        PortalTable::WorkflowEvents,
        PortalTable::WorkflowSettings,
        PortalTable::PreviewLinks,
        PortalTable::PreviewAccesses,
        PortalTable::LedgerLeaves,
        PortalTable::LedgerHashes,
        PortalTable::HeldImports,
        PortalTable::HeldImportSources,
    ];

    /// The SQL table, the same in both backends.
    pub fn table(self) -> &'static str {
        match self {
            PortalTable::ReleaseAuthors => "releases",
            PortalTable::Users => "users",
            PortalTable::LoginFailures => "login_failures",
            PortalTable::Invitations => "invitations",
            PortalTable::ApiTokens => "api_tokens",
            PortalTable::AuditLog => "audit_log",
            PortalTable::WorkflowEvents => "workflow_events",
            PortalTable::WorkflowSettings => "workflow_settings",
            PortalTable::PreviewLinks => "preview_links",
            PortalTable::PreviewAccesses => "preview_accesses",
            PortalTable::LedgerLeaves => "ledger_leaves",
            PortalTable::LedgerHashes => "ledger_hashes",
            PortalTable::HeldImports => "held_imports",
            PortalTable::HeldImportSources => "held_import_sources",
        }
    }

    /// What a person reading `copy`'s report calls it.
    pub fn label(self) -> &'static str {
        match self {
            PortalTable::ReleaseAuthors => "release authors",
            PortalTable::Users => "users",
            PortalTable::LoginFailures => "login failures",
            PortalTable::Invitations => "invitations",
            PortalTable::ApiTokens => "API tokens",
            PortalTable::AuditLog => "audit log lines",
            PortalTable::WorkflowEvents => "workflow events",
            PortalTable::WorkflowSettings => "workflow settings",
            PortalTable::PreviewLinks => "preview links",
            PortalTable::PreviewAccesses => "preview accesses",
            PortalTable::LedgerLeaves => "log leaves",
            PortalTable::LedgerHashes => "log hashes",
            PortalTable::HeldImports => "held releases",
            PortalTable::HeldImportSources => "held release sources",
        }
    }

    pub fn columns(self) -> &'static [Column] {
        match self {
            PortalTable::ReleaseAuthors => &[
                Column {
                    name: "id",
                    kind: Int,
                },
                Column {
                    name: "created_by",
                    kind: Int,
                },
            ],
            PortalTable::Users => &[
                Column {
                    name: "id",
                    kind: Int,
                },
                Column {
                    name: "email",
                    kind: Text,
                },
                Column {
                    name: "name",
                    kind: Text,
                },
                Column {
                    name: "role",
                    kind: Text,
                },
                Column {
                    name: "disabled",
                    kind: Bool,
                },
                Column {
                    name: "password_hash",
                    kind: Text,
                },
                Column {
                    name: "totp_secret",
                    kind: Text,
                },
                Column {
                    name: "totp_last_step",
                    kind: Int,
                },
                Column {
                    name: "created_at",
                    kind: Int,
                },
            ],
            PortalTable::LoginFailures => &[
                Column {
                    name: "user_id",
                    kind: Int,
                },
                Column {
                    name: "at",
                    kind: Int,
                },
            ],
            PortalTable::Invitations => &[
                Column {
                    name: "token_hash",
                    kind: Text,
                },
                Column {
                    name: "email",
                    kind: Text,
                },
                Column {
                    name: "role",
                    kind: Text,
                },
                Column {
                    name: "invited_by",
                    kind: Int,
                },
                Column {
                    name: "expires_at",
                    kind: Int,
                },
            ],
            PortalTable::ApiTokens => &[
                Column {
                    name: "id",
                    kind: Int,
                },
                Column {
                    name: "token_hash",
                    kind: Text,
                },
                Column {
                    name: "user_id",
                    kind: Int,
                },
                Column {
                    name: "label",
                    kind: Text,
                },
                Column {
                    name: "role",
                    kind: Text,
                },
                Column {
                    name: "created_at",
                    kind: Int,
                },
                Column {
                    name: "revoked_at",
                    kind: Int,
                },
            ],
            PortalTable::AuditLog => &[
                Column {
                    name: "seq",
                    kind: Int,
                },
                Column {
                    name: "at",
                    kind: Int,
                },
                Column {
                    name: "actor",
                    kind: Int,
                },
                Column {
                    name: "actor_label",
                    kind: Text,
                },
                Column {
                    name: "action",
                    kind: Text,
                },
                Column {
                    name: "subject",
                    kind: Text,
                },
                Column {
                    name: "address",
                    kind: Text,
                },
            ],
            PortalTable::WorkflowEvents => &[
                Column {
                    name: "id",
                    kind: Int,
                },
                Column {
                    name: "release_id",
                    kind: Int,
                },
                Column {
                    name: "action",
                    kind: Text,
                },
                Column {
                    name: "from_status",
                    kind: Text,
                },
                Column {
                    name: "to_status",
                    kind: Text,
                },
                Column {
                    name: "actor",
                    kind: Int,
                },
                Column {
                    name: "note",
                    kind: Text,
                },
                Column {
                    name: "at",
                    kind: Int,
                },
            ],
            PortalTable::WorkflowSettings => &[
                Column {
                    name: "id",
                    kind: Int,
                },
                Column {
                    name: "allow_skip_clearance",
                    kind: Bool,
                },
                Column {
                    name: "updated_at",
                    kind: Int,
                },
            ],
            PortalTable::PreviewLinks => &[
                Column {
                    name: "id",
                    kind: Int,
                },
                Column {
                    name: "release_id",
                    kind: Int,
                },
                Column {
                    name: "journalist",
                    kind: Text,
                },
                Column {
                    name: "token_hash",
                    kind: Text,
                },
                Column {
                    name: "created_by",
                    kind: Int,
                },
                Column {
                    name: "created_at",
                    kind: Int,
                },
                Column {
                    name: "expires_at",
                    kind: Int,
                },
                Column {
                    name: "revoked_at",
                    kind: Int,
                },
            ],
            PortalTable::PreviewAccesses => &[
                Column {
                    name: "id",
                    kind: Int,
                },
                Column {
                    name: "link_id",
                    kind: Int,
                },
                Column {
                    name: "at",
                    kind: Int,
                },
            ],
            PortalTable::LedgerLeaves => &[
                Column {
                    name: "idx",
                    kind: Int,
                },
                Column {
                    name: "release_id",
                    kind: Int,
                },
                Column {
                    name: "revision",
                    kind: Int,
                },
                Column {
                    name: "leaf",
                    kind: Bytes,
                },
            ],
            PortalTable::LedgerHashes => &[
                Column {
                    name: "idx",
                    kind: Int,
                },
                Column {
                    name: "hash",
                    kind: Bytes,
                },
            ],
            PortalTable::HeldImports => &[
                Column {
                    name: "id",
                    kind: Int,
                },
                Column {
                    name: "fingerprint",
                    kind: Text,
                },
                Column {
                    name: "reason",
                    kind: Text,
                },
                Column {
                    name: "fields",
                    kind: Text,
                },
                Column {
                    name: "held_at",
                    kind: Int,
                },
            ],
            PortalTable::HeldImportSources => &[
                Column {
                    name: "id",
                    kind: Int,
                },
                Column {
                    name: "held_id",
                    kind: Int,
                },
                Column {
                    name: "path",
                    kind: Text,
                },
                Column {
                    name: "line",
                    kind: Int,
                },
            ],
        }
    }

    /// The unique column rows are read in order of, page by page; `None`
    /// for a table without one, which is small and read whole, ordered by
    /// every column.
    pub fn key(self) -> Option<&'static Column> {
        match self {
            PortalTable::LoginFailures => None,
            t => t.columns().first(),
        }
    }

    /// Which rows of the table belong to it (only releases with an author).
    pub fn condition(self) -> &'static str {
        match self {
            PortalTable::ReleaseAuthors => "created_by IS NOT NULL",
            _ => "TRUE",
        }
    }

    /// Whether the backend hands out the key itself (a sequence or
    /// autoincrement that must move past copied keys).
    pub fn generated_key(self) -> bool {
        matches!(
            self,
            PortalTable::Users
                | PortalTable::ApiTokens
                | PortalTable::AuditLog
                | PortalTable::WorkflowEvents
                | PortalTable::PreviewLinks
                | PortalTable::PreviewAccesses
                | PortalTable::HeldImports
                | PortalTable::HeldImportSources
        )
    }

    /// The column list for SQL, in order.
    pub fn column_list(self) -> String {
        self.columns()
            .iter()
            .map(|c| c.name)
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Every table a whole-portal copy writes into, children before parents:
/// the order in which a backend empties a target.
pub const ERASE_ORDER: [&str; 18] = [
    "held_import_sources",
    "held_imports",
    "ledger_hashes",
    "ledger_leaves",
    "preview_accesses",
    "preview_links",
    "workflow_settings",
    "workflow_events",
    "audit_log",
    "api_tokens",
    "invitations",
    "login_failures",
    "sessions",
    "users",
    "changes",
    "release_sources",
    "revisions",
    "releases",
];
