-- Releases: identity, status and the current revision's content, denormalized
-- so that listings read one row per release. Every revision's full content is
-- kept, append-only, in `revisions`.
CREATE TABLE releases (
    id            INTEGER PRIMARY KEY,
    slug          TEXT    NOT NULL,
    release_date  TEXT    NOT NULL,              -- YYYY-MM-DD
    release_time  TEXT,                          -- HH:MM:SS, with release_zone
    release_zone  TEXT,
    status        TEXT    NOT NULL CHECK (status IN
                    ('draft', 'in_clearance', 'approved', 'scheduled',
                     'embargoed', 'published', 'withdrawn')),
    revision      INTEGER NOT NULL CHECK (revision >= 1),
    title         TEXT    NOT NULL,
    kind          TEXT,
    issuer        TEXT,
    issuer_type   TEXT    CHECK (issuer_type IN ('office', 'person')),
    dateline      TEXT,
    attribution   TEXT,
    body          TEXT    NOT NULL,              -- JSON array of paragraphs
    language      TEXT    NOT NULL,
    published_at  INTEGER,                       -- unix microseconds, UTC
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    UNIQUE (release_date, slug),
    CHECK ((release_time IS NULL) = (release_zone IS NULL))
);

CREATE INDEX releases_by_date ON releases (release_date DESC, id DESC);
CREATE INDEX releases_by_kind ON releases (kind, release_date DESC);
CREATE INDEX releases_by_issuer ON releases (issuer, release_date DESC);

CREATE TABLE revisions (
    release_id   INTEGER NOT NULL REFERENCES releases (id),
    number       INTEGER NOT NULL CHECK (number >= 1),
    event        TEXT    NOT NULL,               -- import, publish, correct, withdraw
    content      TEXT    NOT NULL,               -- JSON of the revision's content
    change_note  TEXT,
    created_at   INTEGER NOT NULL,
    PRIMARY KEY (release_id, number)
);

-- Where each imported release came from; the fingerprint finds the same
-- release again in another file or another run.
CREATE TABLE release_sources (
    id           INTEGER PRIMARY KEY,
    release_id   INTEGER NOT NULL REFERENCES releases (id),
    fingerprint  TEXT    NOT NULL,
    path         TEXT    NOT NULL,
    line         INTEGER NOT NULL,
    imported_at  INTEGER NOT NULL,
    UNIQUE (release_id, path, line)
);

CREATE INDEX release_sources_by_fingerprint ON release_sources (fingerprint);
