-- Replies held for an organiser's review (issue 23). A held reply waits in
-- the moderation queue until approved (shown) or rejected (deleted); it is
-- also hidden, so every query for readers, which leaves hidden replies
-- out, leaves held ones out too.
ALTER TABLE comments ADD COLUMN held INTEGER NOT NULL DEFAULT 0;
CREATE INDEX comments_held ON comments(received_at) WHERE held = 1;

-- Whether replies from servers the hub follows nobody on are held. Off.
ALTER TABLE federation_policy ADD COLUMN hold_replies INTEGER NOT NULL DEFAULT 0;
