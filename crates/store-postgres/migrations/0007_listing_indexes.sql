-- Public listings at a million releases (issue 9). Measured on 1,000,000
-- rows (2 shared cores, load ~20): the count of public releases took 4.4 s
-- as a sequential scan over the wide rows, a kind's count 2.9 s, a facet
-- 3.0 s; a page half-way down the listing 4.4 s, one deep in a kind 2.1 s.
--
-- Counts and facets read only these columns: covered, they are index-only
-- scans (1.0 s, 0.47 s, 1.3 s under the same load).
CREATE INDEX releases_public ON releases (status, published_at, release_date, kind, issuer);

-- The listing orders carry the visibility columns, so the ids of a page are
-- found by an index-only scan however deep it is (the list query then reads
-- only that page's rows): 4.4 s -> 0.54 s half-way down, 2.1 s -> 0.08 s
-- deep in a kind. Same keys as the indexes they replace.
CREATE INDEX releases_by_date_public ON releases (release_date DESC, id DESC)
    INCLUDE (status, published_at);
CREATE INDEX releases_by_kind_public ON releases (kind, release_date DESC, id DESC)
    INCLUDE (status, published_at);
CREATE INDEX releases_by_issuer_public ON releases (issuer, release_date DESC, id DESC)
    INCLUDE (status, published_at);
DROP INDEX releases_by_date;
DROP INDEX releases_by_kind;
DROP INDEX releases_by_issuer;
