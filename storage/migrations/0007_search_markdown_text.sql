-- Organisers' Markdown (event descriptions, guide bodies, case study
-- sections) is now indexed as the text its page shows, through
-- markdown_text(), which storage registers with its SQLite driver: link
-- targets and markup are no longer searchable, and snippets no longer
-- show them. Index local items again when storage next opens the
-- database.
INSERT OR IGNORE INTO search_reindex (id) VALUES (1);
