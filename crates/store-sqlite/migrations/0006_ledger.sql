-- The transparency log (crates/ledger). One leaf per public revision event,
-- appended in the transaction that writes the revision; `idx` is dense from
-- 0 in commit order (one writer connection). `leaf` is the canonical JSON
-- the tree hashes. Append-only: nothing updates or deletes these rows.
CREATE TABLE ledger_leaves (
    idx          INTEGER PRIMARY KEY CHECK (idx >= 0),
    release_id   INTEGER NOT NULL,
    revision     INTEGER NOT NULL,
    leaf         BLOB    NOT NULL,
    UNIQUE (release_id, revision),
    FOREIGN KEY (release_id, revision) REFERENCES revisions (release_id, number)
);

-- Every complete subtree's hash at its Go sumdb/tlog "stored hash index",
-- so tree heads and proofs read O(log n) rows.
CREATE TABLE ledger_hashes (
    idx   INTEGER PRIMARY KEY CHECK (idx >= 0),
    hash  BLOB    NOT NULL CHECK (length(hash) = 32)
);
