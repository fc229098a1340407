-- "Adapted from" (issue 21): a guide or case study here that builds on a
-- peer's, and peers' guides and case studies adapted from this hub's own.

-- The original a local guide or case study is adapted from (one each).
CREATE TABLE adapted_from (
	kind            TEXT NOT NULL CHECK (kind IN ('guide', 'case-study')),
	item_id         INTEGER NOT NULL,
	object_id       TEXT NOT NULL,            -- the original's ActivityPub id
	url             TEXT NOT NULL DEFAULT '', -- its page
	title           TEXT NOT NULL DEFAULT '',
	original_kind   TEXT NOT NULL CHECK (original_kind IN ('guide', 'case-study')),
	origin_actor    TEXT NOT NULL DEFAULT '',
	origin_name     TEXT NOT NULL DEFAULT '',
	origin_username TEXT NOT NULL DEFAULT '',
	origin_url      TEXT NOT NULL DEFAULT '',
	origin_host     TEXT NOT NULL,
	PRIMARY KEY (kind, item_id)
);

CREATE TRIGGER guides_adapted_from_gone AFTER DELETE ON guides BEGIN
	DELETE FROM adapted_from WHERE kind = 'guide' AND item_id = OLD.id;
	DELETE FROM adaptations WHERE kind = 'guide' AND item_id = OLD.id;
END;
CREATE TRIGGER case_studies_adapted_from_gone AFTER DELETE ON case_studies BEGIN
	DELETE FROM adapted_from WHERE kind = 'case-study' AND item_id = OLD.id;
	DELETE FROM adaptations WHERE kind = 'case-study' AND item_id = OLD.id;
END;

-- Guides and case studies on other servers adapted from this hub's own,
-- as their servers published them (believed only from the adaptation's
-- own server; docs/FEDERATION.md).
CREATE TABLE adaptations (
	object_id   TEXT PRIMARY KEY,             -- the adaptation's ActivityPub id
	kind        TEXT NOT NULL CHECK (kind IN ('guide', 'case-study')),
	item_id     INTEGER NOT NULL,             -- this hub's item it adapts
	url         TEXT NOT NULL DEFAULT '',
	title       TEXT NOT NULL DEFAULT '',
	by_actor    TEXT NOT NULL,
	by_name     TEXT NOT NULL DEFAULT '',
	by_username TEXT NOT NULL DEFAULT '',
	by_url      TEXT NOT NULL DEFAULT '',
	by_host     TEXT NOT NULL,
	received_at INTEGER NOT NULL
);
CREATE INDEX adaptations_item ON adaptations(kind, item_id, received_at);
CREATE INDEX adaptations_host ON adaptations(by_host);
CREATE INDEX adaptations_actor ON adaptations(by_actor);

-- What a peer's guide or case study in the commons says it is adapted
-- from (its FEP-e232 link), shown on its commons page.
CREATE TABLE remote_item_adapted_from (
	item_id   INTEGER PRIMARY KEY REFERENCES remote_items(id) ON DELETE CASCADE,
	object_id TEXT NOT NULL,            -- the original's id
	title     TEXT NOT NULL DEFAULT ''
);
