-- The editorial workflow: who wrote a release, what was done to it, the
-- admin's workflow settings, and embargo preview links with their accesses.

-- Who created a release in the newsroom; NULL for imported releases. A user
-- id of the newsroom's accounts, kept without a foreign key so that the
-- history of a release outlives the account.
ALTER TABLE releases ADD COLUMN created_by INTEGER;

-- The scheduler's question, "what is due by now?", read from a small index.
CREATE INDEX releases_due ON releases (published_at)
    WHERE status IN ('scheduled', 'embargoed');

CREATE TABLE workflow_events (
    id           INTEGER PRIMARY KEY,
    release_id   INTEGER NOT NULL REFERENCES releases (id),
    action       TEXT    NOT NULL,
    from_status  TEXT    NOT NULL,
    to_status    TEXT    NOT NULL,
    actor        INTEGER NOT NULL,               -- user id; 0 is the scheduler
    note         TEXT,                           -- clearance comments, reasons
    at           INTEGER NOT NULL                -- unix microseconds, UTC
);
CREATE INDEX workflow_events_by_release ON workflow_events (release_id, id);

-- One row: the settings an admin controls.
CREATE TABLE workflow_settings (
    id                    INTEGER PRIMARY KEY CHECK (id = 1),
    allow_skip_clearance  INTEGER NOT NULL CHECK (allow_skip_clearance IN (0, 1)),
    updated_at            INTEGER NOT NULL
);

-- Personal links to an embargoed release; only the token's SHA-256 is kept.
CREATE TABLE preview_links (
    id           INTEGER PRIMARY KEY,
    release_id   INTEGER NOT NULL REFERENCES releases (id),
    journalist   TEXT    NOT NULL,
    token_hash   TEXT    NOT NULL UNIQUE,
    created_by   INTEGER NOT NULL,
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL
);
CREATE INDEX preview_links_by_release ON preview_links (release_id);

CREATE TABLE preview_accesses (
    id       INTEGER PRIMARY KEY,
    link_id  INTEGER NOT NULL REFERENCES preview_links (id),
    at       INTEGER NOT NULL
);
CREATE INDEX preview_accesses_by_link ON preview_accesses (link_id, id);
