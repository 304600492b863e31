-- The transparency log (crates/ledger). One leaf per public revision event,
-- appended in the transaction that writes the revision, under the writers'
-- advisory lock, so `idx` is dense from 0 in commit order. `leaf` is the
-- canonical JSON the tree hashes. Append-only.
CREATE TABLE ledger_leaves (
    idx          BIGINT  PRIMARY KEY CHECK (idx >= 0),
    release_id   BIGINT  NOT NULL,
    revision     INTEGER NOT NULL,
    leaf         BYTEA   NOT NULL,
    UNIQUE (release_id, revision),
    FOREIGN KEY (release_id, revision) REFERENCES revisions (release_id, number)
);

-- Every complete subtree's hash at its Go sumdb/tlog "stored hash index".
CREATE TABLE ledger_hashes (
    idx   BIGINT PRIMARY KEY CHECK (idx >= 0),
    hash  BYTEA  NOT NULL CHECK (octet_length(hash) = 32)
);
