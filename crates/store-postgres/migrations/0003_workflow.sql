-- The editorial workflow: who wrote a release, what was done to it, the
-- admin's workflow settings, and embargo preview links with their accesses.

-- Who created a release in the newsroom; NULL for imported releases. A user
-- id of the newsroom's accounts, kept without a foreign key so that the
-- history of a release outlives the account.
ALTER TABLE releases ADD COLUMN created_by BIGINT;

-- The scheduler's question, "what is due by now?", read from a small index.
CREATE INDEX releases_due ON releases (published_at)
    WHERE status IN ('scheduled', 'embargoed');

CREATE TABLE workflow_events (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    release_id   BIGINT   NOT NULL REFERENCES releases (id),
    action       TEXT     NOT NULL,
    from_status  TEXT     NOT NULL,
    to_status    TEXT     NOT NULL,
    actor        BIGINT   NOT NULL,                -- user id; 0 is the scheduler
    note         TEXT,                             -- clearance comments, reasons
    at           BIGINT   NOT NULL
);
CREATE INDEX workflow_events_by_release ON workflow_events (release_id, id);

-- One row: the settings an admin controls.
CREATE TABLE workflow_settings (
    id                    INTEGER  PRIMARY KEY CHECK (id = 1),
    allow_skip_clearance  BOOLEAN  NOT NULL,
    updated_at            BIGINT   NOT NULL
);

-- Personal links to an embargoed release; only the token's SHA-256 is kept.
CREATE TABLE preview_links (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    release_id   BIGINT   NOT NULL REFERENCES releases (id),
    journalist   TEXT     NOT NULL,
    token_hash   TEXT     NOT NULL UNIQUE,
    created_by   BIGINT   NOT NULL,
    created_at   BIGINT   NOT NULL,
    expires_at   BIGINT   NOT NULL
);
CREATE INDEX preview_links_by_release ON preview_links (release_id);

CREATE TABLE preview_accesses (
    id       BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    link_id  BIGINT   NOT NULL REFERENCES preview_links (id),
    at       BIGINT   NOT NULL
);
CREATE INDEX preview_accesses_by_link ON preview_accesses (link_id, id);
