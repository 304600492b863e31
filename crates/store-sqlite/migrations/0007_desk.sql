-- The newsroom's desk: a user's own releases and the queues by status
-- (drafts, in clearance, approved), read newest first by id in bounded
-- keyset pages (Store::desk).
CREATE INDEX releases_desk_by_status ON releases (status, id);
CREATE INDEX releases_desk_by_author ON releases (created_by, status, id)
    WHERE created_by IS NOT NULL;
