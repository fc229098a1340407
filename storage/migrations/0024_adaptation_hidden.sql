-- Organisers may hide another hub's "adapted by" credit (issue 21): a
-- server can credit itself with a genuine adaptation of any item. A
-- hidden one is kept, so that the server's next Update of it does not
-- bring it back, but no page or API answer shows it.
ALTER TABLE adaptations ADD COLUMN hidden INTEGER NOT NULL DEFAULT 0;
