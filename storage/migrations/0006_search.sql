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
-- A view gives each local item's searchable row; triggers upsert from it.

CREATE VIEW search_local AS
	SELECT 'event:' || e.id AS ref, 'event' AS kind, e.id AS item_id, e.slug AS slug, e.title AS title,
		trim(e.description || ' ' || e.organiser || ' ' || e.accessibility) AS body,
		COALESCE((SELECT group_concat(t.name, ' ') FROM event_tags et JOIN tags t ON t.id = et.tag_id WHERE et.event_id = e.id), '') AS tags,
		COALESCE((SELECT ' ' || group_concat(t.slug, ' ') || ' ' FROM event_tags et JOIN tags t ON t.id = et.tag_id WHERE et.event_id = e.id), '') AS tag_slugs,
		COALESCE(p.name, '') AS place, COALESCE(p.slug, '') AS place_slug,
		e.start_at AS starts_at, CASE WHEN e.recurrence = '' THEN e.end_at ELSE e.series_end END AS ends_at, e.start_at AS sort_at
	FROM events e LEFT JOIN places p ON p.id = e.place_id
	UNION ALL
	SELECT 'guide:' || g.id, 'guide', g.id, g.slug, g.title, trim(g.summary || ' ' || g.body),
		COALESCE((SELECT group_concat(t.name, ' ') FROM guide_tags gt JOIN tags t ON t.id = gt.tag_id WHERE gt.guide_id = g.id), ''),
		COALESCE((SELECT ' ' || group_concat(t.slug, ' ') || ' ' FROM guide_tags gt JOIN tags t ON t.id = gt.tag_id WHERE gt.guide_id = g.id), ''),
		'', '', NULL, NULL, g.updated_at
	FROM guides g
	UNION ALL
	SELECT 'case-study:' || c.id, 'case-study', c.id, c.slug, c.title,
		trim(c.summary || ' ' || c.problem || ' ' || c.approach || ' ' || c.tools || ' ' || c.outcome || ' ' || c.lessons || ' ' || c.organisation),
		COALESCE((SELECT group_concat(t.name, ' ') FROM case_study_tags ct JOIN tags t ON t.id = ct.tag_id WHERE ct.case_study_id = c.id), ''),
		COALESCE((SELECT ' ' || group_concat(t.slug, ' ') || ' ' FROM case_study_tags ct JOIN tags t ON t.id = ct.tag_id WHERE ct.case_study_id = c.id), ''),
		COALESCE(p.name, ''), COALESCE(p.slug, ''), NULL, NULL, c.updated_at
	FROM case_studies c LEFT JOIN places p ON p.id = c.place_id;

-- Upsert (not REPLACE: a REPLACE would skip the delete trigger and leave
-- the index stale) of one local item's row.
CREATE TABLE search_refresh (kind TEXT NOT NULL, item_id INTEGER NOT NULL);
CREATE TRIGGER search_refresh_ai AFTER INSERT ON search_refresh BEGIN
	INSERT INTO search_docs (ref, kind, local, item_id, slug, title, body, tags, tag_slugs, place, place_slug, starts_at, ends_at, sort_at)
		SELECT ref, kind, 1, item_id, slug, title, body, tags, tag_slugs, place, place_slug, starts_at, ends_at, sort_at
		FROM search_local WHERE kind = NEW.kind AND item_id = NEW.item_id
	ON CONFLICT(ref) DO UPDATE SET slug = excluded.slug, title = excluded.title, body = excluded.body, tags = excluded.tags,
		tag_slugs = excluded.tag_slugs, place = excluded.place, place_slug = excluded.place_slug, starts_at = excluded.starts_at,
		ends_at = excluded.ends_at, sort_at = excluded.sort_at;
	DELETE FROM search_refresh;
END;

CREATE TRIGGER events_search_ai AFTER INSERT ON events BEGIN INSERT INTO search_refresh VALUES ('event', NEW.id); END;
CREATE TRIGGER events_search_au AFTER UPDATE ON events BEGIN INSERT INTO search_refresh VALUES ('event', NEW.id); END;
CREATE TRIGGER events_search_ad AFTER DELETE ON events BEGIN DELETE FROM search_docs WHERE ref = 'event:' || OLD.id; END;
CREATE TRIGGER event_tags_search_ai AFTER INSERT ON event_tags BEGIN INSERT INTO search_refresh VALUES ('event', NEW.event_id); END;
CREATE TRIGGER event_tags_search_ad AFTER DELETE ON event_tags BEGIN INSERT INTO search_refresh VALUES ('event', OLD.event_id); END;

CREATE TRIGGER guides_search_ai AFTER INSERT ON guides BEGIN INSERT INTO search_refresh VALUES ('guide', NEW.id); END;
CREATE TRIGGER guides_search_au AFTER UPDATE ON guides BEGIN INSERT INTO search_refresh VALUES ('guide', NEW.id); END;
CREATE TRIGGER guides_search_ad AFTER DELETE ON guides BEGIN DELETE FROM search_docs WHERE ref = 'guide:' || OLD.id; END;
CREATE TRIGGER guide_tags_search_ai AFTER INSERT ON guide_tags BEGIN INSERT INTO search_refresh VALUES ('guide', NEW.guide_id); END;
CREATE TRIGGER guide_tags_search_ad AFTER DELETE ON guide_tags BEGIN INSERT INTO search_refresh VALUES ('guide', OLD.guide_id); END;

CREATE TRIGGER case_studies_search_ai AFTER INSERT ON case_studies BEGIN INSERT INTO search_refresh VALUES ('case-study', NEW.id); END;
CREATE TRIGGER case_studies_search_au AFTER UPDATE ON case_studies BEGIN INSERT INTO search_refresh VALUES ('case-study', NEW.id); END;
CREATE TRIGGER case_studies_search_ad AFTER DELETE ON case_studies BEGIN DELETE FROM search_docs WHERE ref = 'case-study:' || OLD.id; END;
CREATE TRIGGER case_study_tags_search_ai AFTER INSERT ON case_study_tags BEGIN INSERT INTO search_refresh VALUES ('case-study', NEW.case_study_id); END;
CREATE TRIGGER case_study_tags_search_ad AFTER DELETE ON case_study_tags BEGIN INSERT INTO search_refresh VALUES ('case-study', OLD.case_study_id); END;

-- A renamed place or tag changes the rows of every item using it.
CREATE TRIGGER places_search_au AFTER UPDATE OF name, slug ON places BEGIN
	INSERT INTO search_refresh SELECT 'event', id FROM events WHERE place_id = NEW.id;
	INSERT INTO search_refresh SELECT 'case-study', id FROM case_studies WHERE place_id = NEW.id;
END;
CREATE TRIGGER tags_search_au AFTER UPDATE OF name, slug ON tags BEGIN
	INSERT INTO search_refresh SELECT 'event', event_id FROM event_tags WHERE tag_id = NEW.id;
	INSERT INTO search_refresh SELECT 'guide', guide_id FROM guide_tags WHERE tag_id = NEW.id;
	INSERT INTO search_refresh SELECT 'case-study', case_study_id FROM case_study_tags WHERE tag_id = NEW.id;
END;

-- What the hub already holds.
INSERT INTO search_docs (ref, kind, local, item_id, slug, title, body, tags, tag_slugs, place, place_slug, starts_at, ends_at, sort_at)
	SELECT ref, kind, 1, item_id, slug, title, body, tags, tag_slugs, place, place_slug, starts_at, ends_at, sort_at FROM search_local;
INSERT INTO search_docs (ref, kind, local, item_id, origin, origin_name, title, body, tags, tag_slugs, place, place_slug, starts_at, ends_at, sort_at)
	SELECT 'remote:' || id, kind, 0, id, origin_host, origin_name, title, trim(summary || ' ' || content_text), replace(tag_names, char(10), ' '),
		tags, place_name, place_slug, starts_at, COALESCE(ends_at, starts_at), COALESCE(starts_at, updated_at)
	FROM remote_items;
