-- Listing counts at a million releases (issues 9 and 11). Every listing
-- page shows how many releases each kind, issuer and year holds under its
-- filters, and its total; each was a scan of the covering index of every
-- public release (0.6-1.0 s warm at 1M, 27 s from a cold disk), taken again
-- after every write.
--
-- `release_tally` keeps the number of published and of withdrawn releases
-- per kind, issuer and year, kept by triggers in the same transaction as
-- every write to `releases`, so it is never behind. Public counts are then
-- the tally (a few thousand rows) corrected by two small index ranges read
-- at query time: published or withdrawn releases whose time is still to
-- come (subtracted), and scheduled or embargoed ones whose time has come
-- before the scheduler marked them (added). `''` stands for no kind or no
-- issuer, so that the key has no NULLs.
CREATE TABLE release_tally (
    status TEXT NOT NULL,
    kind TEXT NOT NULL,
    issuer TEXT NOT NULL,
    year TEXT NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (status, kind, issuer, year)
) WITHOUT ROWID;

INSERT INTO release_tally (status, kind, issuer, year, n)
SELECT status, coalesce(kind, ''), coalesce(issuer, ''), substr(release_date, 1, 4), COUNT(*)
FROM releases
WHERE status IN ('published', 'withdrawn')
GROUP BY 1, 2, 3, 4;

CREATE TRIGGER release_tally_insert AFTER INSERT ON releases
WHEN NEW.status IN ('published', 'withdrawn')
BEGIN
    INSERT INTO release_tally (status, kind, issuer, year, n)
    VALUES (NEW.status, coalesce(NEW.kind, ''), coalesce(NEW.issuer, ''),
            substr(NEW.release_date, 1, 4), 1)
    ON CONFLICT (status, kind, issuer, year) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER release_tally_delete AFTER DELETE ON releases
WHEN OLD.status IN ('published', 'withdrawn')
BEGIN
    UPDATE release_tally SET n = n - 1
    WHERE status = OLD.status AND kind = coalesce(OLD.kind, '')
      AND issuer = coalesce(OLD.issuer, '') AND year = substr(OLD.release_date, 1, 4);
END;

CREATE TRIGGER release_tally_update AFTER UPDATE OF status, kind, issuer, release_date ON releases
WHEN OLD.status IN ('published', 'withdrawn') OR NEW.status IN ('published', 'withdrawn')
BEGIN
    UPDATE release_tally SET n = n - 1
    WHERE OLD.status IN ('published', 'withdrawn')
      AND status = OLD.status AND kind = coalesce(OLD.kind, '')
      AND issuer = coalesce(OLD.issuer, '') AND year = substr(OLD.release_date, 1, 4);
    INSERT INTO release_tally (status, kind, issuer, year, n)
    SELECT NEW.status, coalesce(NEW.kind, ''), coalesce(NEW.issuer, ''),
           substr(NEW.release_date, 1, 4), 1
    WHERE NEW.status IN ('published', 'withdrawn')
    ON CONFLICT (status, kind, issuer, year) DO UPDATE SET n = n + 1;
END;
