-- A Follow of a peer that is still unanswered is sent again when
-- next_retry_at comes (NULL: not pending, or nothing planned): its Accept
-- may have been refused by this hub's own moderation (an allowlist turned
-- on just before) or lost. 'peer list' shows it with the last problem.
ALTER TABLE peers ADD COLUMN next_retry_at INTEGER;
