-- Indexes for lookups version 1 left to table scans: newest-first lists,
-- and the organiser's sessions and tokens (also used by ON DELETE CASCADE).

CREATE INDEX guides_created ON guides(created_at, id);
CREATE INDEX case_studies_created ON case_studies(created_at, id);
CREATE INDEX sessions_organiser ON sessions(organiser_id);
CREATE INDEX api_tokens_organiser ON api_tokens(organiser_id);
