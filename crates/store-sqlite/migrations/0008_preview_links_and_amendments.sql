-- A preview link can be revoked before it expires (a journalist who should
-- no longer read the release, a link sent to the wrong person): from then
-- on it opens nothing, exactly like a token that never existed. The row
-- stays, so the accesses it logged keep their journalist.
ALTER TABLE preview_links ADD COLUMN revoked_at INTEGER;  -- unix microseconds, UTC

-- Feeds announce a correction or withdrawal even of a release older than
-- the newest they carry: found by the time of its revision, from this small
-- index of the revisions that amend a public release.
CREATE INDEX revisions_amended ON revisions (created_at)
    WHERE event IN ('correct', 'withdraw');
