-- Listing counts at a million releases (issues 9 and 11); the same table as
-- SQLite's migration 0012, which explains it. `release_tally` keeps the
-- number of published and of withdrawn releases per kind, issuer and year,
-- kept by a trigger in the same transaction as every write to `releases`;
-- public counts are the tally corrected by two small ranges of
-- `releases_public` read at query time. '' stands for no kind or issuer.
CREATE TABLE release_tally (
    status TEXT NOT NULL,
    kind TEXT NOT NULL,
    issuer TEXT NOT NULL,
    year TEXT NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (status, kind, issuer, year)
);

INSERT INTO release_tally (status, kind, issuer, year, n)
SELECT status, coalesce(kind, ''), coalesce(issuer, ''), to_char(release_date, 'YYYY'), COUNT(*)
FROM releases
WHERE status IN ('published', 'withdrawn')
GROUP BY 1, 2, 3, 4;

-- Statement triggers with transition tables: a multi-row INSERT (a batch
-- of `copy`) changes each tally row once, and in key order, so that two
-- transactions writing releases lock tally rows in the same order and
-- cannot deadlock on them. An UPDATE trigger with transition tables cannot
-- name columns: an update that moves no release between tally rows nets
-- to nothing and writes nothing.
CREATE FUNCTION release_tally_inserted() RETURNS trigger AS $$
BEGIN
    INSERT INTO release_tally (status, kind, issuer, year, n)
    SELECT status, kind, issuer, year, SUM(d) FROM (
        SELECT status, coalesce(kind, '') AS kind, coalesce(issuer, '') AS issuer,
               to_char(release_date, 'YYYY') AS year, 1::BIGINT AS d
        FROM new_rows WHERE status IN ('published', 'withdrawn')
    ) AS changed
    GROUP BY 1, 2, 3, 4
    HAVING SUM(d) <> 0
    ORDER BY 1, 2, 3, 4
    ON CONFLICT (status, kind, issuer, year) DO UPDATE SET n = release_tally.n + EXCLUDED.n;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE FUNCTION release_tally_deleted() RETURNS trigger AS $$
BEGIN
    INSERT INTO release_tally (status, kind, issuer, year, n)
    SELECT status, kind, issuer, year, SUM(d) FROM (
        SELECT status, coalesce(kind, '') AS kind, coalesce(issuer, '') AS issuer,
               to_char(release_date, 'YYYY') AS year, -1::BIGINT AS d
        FROM old_rows WHERE status IN ('published', 'withdrawn')
    ) AS changed
    GROUP BY 1, 2, 3, 4
    HAVING SUM(d) <> 0
    ORDER BY 1, 2, 3, 4
    ON CONFLICT (status, kind, issuer, year) DO UPDATE SET n = release_tally.n + EXCLUDED.n;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE FUNCTION release_tally_updated() RETURNS trigger AS $$
BEGIN
    INSERT INTO release_tally (status, kind, issuer, year, n)
    SELECT status, kind, issuer, year, SUM(d) FROM (
        SELECT status, coalesce(kind, '') AS kind, coalesce(issuer, '') AS issuer,
               to_char(release_date, 'YYYY') AS year, 1::BIGINT AS d
        FROM new_rows WHERE status IN ('published', 'withdrawn')
        UNION ALL
        SELECT status, coalesce(kind, '') AS kind, coalesce(issuer, '') AS issuer,
               to_char(release_date, 'YYYY') AS year, -1::BIGINT AS d
        FROM old_rows WHERE status IN ('published', 'withdrawn')
    ) AS changed
    GROUP BY 1, 2, 3, 4
    HAVING SUM(d) <> 0
    ORDER BY 1, 2, 3, 4
    ON CONFLICT (status, kind, issuer, year) DO UPDATE SET n = release_tally.n + EXCLUDED.n;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER release_tally_insert AFTER INSERT ON releases
REFERENCING NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION release_tally_inserted();

CREATE TRIGGER release_tally_delete AFTER DELETE ON releases
REFERENCING OLD TABLE AS old_rows
FOR EACH STATEMENT EXECUTE FUNCTION release_tally_deleted();

CREATE TRIGGER release_tally_update AFTER UPDATE ON releases
REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION release_tally_updated();
