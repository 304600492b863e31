-- Releases an import read whole but for their title or full date
-- (crates/store/src/held.rs): kept for an editor to complete, never public.
-- One row per fingerprint, so re-importing an archive adds nothing.
CREATE TABLE held_imports (
    id           INTEGER PRIMARY KEY,
    fingerprint  TEXT    NOT NULL UNIQUE,
    reason       TEXT    NOT NULL,
    fields       TEXT    NOT NULL,             -- JSON object, export keys
    held_at      INTEGER NOT NULL              -- unix microseconds, UTC
);

CREATE TABLE held_import_sources (
    id       INTEGER PRIMARY KEY,
    held_id  INTEGER NOT NULL REFERENCES held_imports (id),
    path     TEXT    NOT NULL,
    line     INTEGER NOT NULL,
    UNIQUE (held_id, path, line)
);
