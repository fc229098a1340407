-- Full-text search over the hub's own items and the commons.
--
-- search_docs holds one row per searchable item, local or remote, with
-- what the filters need; search_fts is an FTS5 index over its text,
-- kept in step by the triggers below. Every write to events, guides,
-- case studies, their tags and places, and remote items updates
-- search_docs in the same transaction, through triggers, so search can
-- never disagree with the content.

CREATE TABLE search_docs (
	id          INTEGER PRIMARY KEY,
	ref         TEXT NOT NULL UNIQUE,          -- 'event:12', 'guide:3', 'case-study:4', 'remote:34'
	kind        TEXT NOT NULL,                 -- event, guide, case-study
	local       INTEGER NOT NULL,              -- 1: this hub's own item
	item_id     INTEGER NOT NULL,
	slug        TEXT NOT NULL DEFAULT '',      -- local items
	origin      TEXT NOT NULL DEFAULT '',      -- remote items: the origin's host
	origin_name TEXT NOT NULL DEFAULT '',
	title       TEXT NOT NULL,
	body        TEXT NOT NULL DEFAULT '',
	tags        TEXT NOT NULL DEFAULT '',      -- tag names, space separated
	tag_slugs   TEXT NOT NULL DEFAULT '',      -- " slug1 slug2 "
	place       TEXT NOT NULL DEFAULT '',      -- place name
	place_slug  TEXT NOT NULL DEFAULT '',
	starts_at   INTEGER,                       -- events: first start
	ends_at     INTEGER,                       -- events: last end; NULL for a series without end
	sort_at     INTEGER NOT NULL               -- events: start; others: last update
);
CREATE INDEX search_docs_kind_sort ON search_docs(kind, sort_at);
CREATE INDEX search_docs_sort ON search_docs(sort_at);
CREATE INDEX search_docs_origin ON search_docs(origin, sort_at);
CREATE INDEX search_docs_local ON search_docs(local, kind, sort_at);

-- porter: "toaster" finds "toasters"; unicode61 without diacritics:
-- "cafe" finds "café".
CREATE VIRTUAL TABLE search_fts USING fts5(
	title, body, tags, place,
	content = 'search_docs', content_rowid = 'id',
	tokenize = 'porter unicode61 remove_diacritics 2'
);

-- Ranking: bm25 with the title weighted above tags, place and body.
INSERT INTO search_fts (search_fts, rank) VALUES ('rank', 'bm25(10.0, 1.0, 4.0, 2.0)');

CREATE TRIGGER search_docs_ai AFTER INSERT ON search_docs BEGIN
	INSERT INTO search_fts (rowid, title, body, tags, place) VALUES (NEW.id, NEW.title, NEW.body, NEW.tags, NEW.place);
END;
CREATE TRIGGER search_docs_ad AFTER DELETE ON search_docs BEGIN
	INSERT INTO search_fts (search_fts, rowid, title, body, tags, place) VALUES ('delete', OLD.id, OLD.title, OLD.body, OLD.tags, OLD.place);
END;
CREATE TRIGGER search_docs_au AFTER UPDATE ON search_docs BEGIN
	INSERT INTO search_fts (search_fts, rowid, title, body, tags, place) VALUES ('delete', OLD.id, OLD.title, OLD.body, OLD.tags, OLD.place);
	INSERT INTO search_fts (rowid, title, body, tags, place) VALUES (NEW.id, NEW.title, NEW.body, NEW.tags, NEW.place);
END;

-- ---- remote items ----

CREATE TRIGGER remote_items_search_ai AFTER INSERT ON remote_items BEGIN
	INSERT INTO search_docs (ref, kind, local, item_id, origin, origin_name, title, body, tags, tag_slugs, place, place_slug, starts_at, ends_at, sort_at)
	VALUES ('remote:' || NEW.id, NEW.kind, 0, NEW.id, NEW.origin_host, NEW.origin_name, NEW.title,
		trim(NEW.summary || ' ' || NEW.content_text), replace(NEW.tag_names, char(10), ' '), NEW.tags, NEW.place_name, NEW.place_slug,
		NEW.starts_at, COALESCE(NEW.ends_at, NEW.starts_at), COALESCE(NEW.starts_at, NEW.updated_at));
END;
CREATE TRIGGER remote_items_search_au AFTER UPDATE ON remote_items BEGIN
	UPDATE search_docs SET kind = NEW.kind, origin = NEW.origin_host, origin_name = NEW.origin_name, title = NEW.title,
		body = trim(NEW.summary || ' ' || NEW.content_text), tags = replace(NEW.tag_names, char(10), ' '), tag_slugs = NEW.tags,
		place = NEW.place_name, place_slug = NEW.place_slug, starts_at = NEW.starts_at, ends_at = COALESCE(NEW.ends_at, NEW.starts_at),
		sort_at = COALESCE(NEW.starts_at, NEW.updated_at)
	WHERE ref = 'remote:' || NEW.id;
END;
CREATE TRIGGER remote_items_search_ad AFTER DELETE ON remote_items BEGIN
	DELETE FROM search_docs WHERE ref = 'remote:' || OLD.id;
END;

-- ---- local items ----
-- storage indexes a local item from Go, in the transaction that writes
-- it (storage/search_index.go): one prepared upsert per item, which costs
-- far less than triggers on every tag row. Deletes are triggers.

CREATE TRIGGER events_search_ad AFTER DELETE ON events BEGIN DELETE FROM search_docs WHERE ref = 'event:' || OLD.id; END;

CREATE TRIGGER guides_search_ad AFTER DELETE ON guides BEGIN DELETE FROM search_docs WHERE ref = 'guide:' || OLD.id; END;

CREATE TRIGGER case_studies_search_ad AFTER DELETE ON case_studies BEGIN DELETE FROM search_docs WHERE ref = 'case-study:' || OLD.id; END;

-- What the hub already holds: remote items here; local ones are indexed
-- by storage when it next opens the database (search_reindex).
CREATE TABLE search_reindex (id INTEGER PRIMARY KEY CHECK (id = 1));
INSERT INTO search_reindex (id) VALUES (1);
INSERT INTO search_docs (ref, kind, local, item_id, origin, origin_name, title, body, tags, tag_slugs, place, place_slug, starts_at, ends_at, sort_at)
	SELECT 'remote:' || id, kind, 0, id, origin_host, origin_name, title, trim(summary || ' ' || content_text), replace(tag_names, char(10), ' '),
		tags, place_name, place_slug, starts_at, COALESCE(ends_at, starts_at), COALESCE(starts_at, updated_at)
	FROM remote_items;
