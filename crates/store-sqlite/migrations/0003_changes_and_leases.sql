-- The change feed's outbox: one row per release a write touched, written in
-- the write's own transaction. SQLite has one writer, so the rowid order is
-- the commit order.
CREATE TABLE changes (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    release_id  INTEGER NOT NULL REFERENCES releases (id),
    event       TEXT    NOT NULL,
    at          INTEGER NOT NULL                 -- unix microseconds, UTC
);

-- Named leases: which holder runs a periodic job, until when.
CREATE TABLE leases (
    name        TEXT    PRIMARY KEY,
    holder      TEXT    NOT NULL,
    token       INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL                 -- unix microseconds, UTC
);
