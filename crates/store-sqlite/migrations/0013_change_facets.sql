-- Publish-to-visible at a million releases (issue 11). Each outbox row
-- records where its release stood in the public counts before and after
-- the write (a JSON `FacetShift`: status, kind, issuer, date, publication
-- time), so that a serving node shifts its kept counts by it instead of
-- taking them all again. NULL (rows written before this column) means
-- "count again".
ALTER TABLE changes ADD COLUMN facets TEXT;
