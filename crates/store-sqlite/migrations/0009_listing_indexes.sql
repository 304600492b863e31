-- Public listings at a million releases (issue 9). Measured on 1,000,000
-- rows: a page half-way down the listing (`/?page=20000`) took 9.0 s to
-- render the first time and the first page of one kind 4.3 s, because the
-- listing's order index held neither visibility column: every row the
-- OFFSET skipped, and every row a count checked, was read from the wide
-- table (bodies and all) only to test `status` and `published_at`.
--
-- The listing orders now carry the visibility columns (SQLite has no
-- INCLUDE: they trail the key), so a page's ids are found by an index-only
-- scan however deep it is, and the list query then reads only that page's
-- rows. Same leading keys as the indexes they replace, so every other
-- query that walked those keeps its plan.
CREATE INDEX releases_by_date_public
    ON releases (release_date DESC, id DESC, status, published_at);
CREATE INDEX releases_by_kind_public
    ON releases (kind, release_date DESC, id DESC, status, published_at);
CREATE INDEX releases_by_issuer_public
    ON releases (issuer, release_date DESC, id DESC, status, published_at);
DROP INDEX releases_by_date;
DROP INDEX releases_by_kind;
DROP INDEX releases_by_issuer;
