-- The text of a remote item in the other languages its origin sent
-- (ActivityStreams nameMap, summaryMap and contentMap): a JSON array of
-- {"language", "title", "summary", "content_html"}, HTML sanitised like
-- content_html. Readers see the one in their language where there is one.
ALTER TABLE remote_items ADD COLUMN translations TEXT NOT NULL DEFAULT '';
