-- Pictures of items, places and the hub (hub.Picture): each owner
-- (owner, owner_id) has at most one. Both derivatives are kept in the
-- database rather than as files, so backups (VACUUM INTO), export, import
-- and restore carry them with everything else, atomically, and no path
-- outside the data folder can ever be served. large and small are the
-- re-encoded derivatives (no metadata of the original survives); hash is
-- the hex SHA-256 of large, part of the pictures' URLs.
CREATE TABLE pictures (
	id           INTEGER PRIMARY KEY AUTOINCREMENT, -- never reused: ids are in URLs
	owner        TEXT NOT NULL CHECK (owner IN ('event', 'guide', 'case-study', 'place', 'header')),
	owner_id     INTEGER NOT NULL,
	alt          TEXT NOT NULL DEFAULT '',
	focus_x      REAL NOT NULL DEFAULT 0,
	focus_y      REAL NOT NULL DEFAULT 0,
	mime         TEXT NOT NULL,
	hash         TEXT NOT NULL,
	width        INTEGER NOT NULL,
	height       INTEGER NOT NULL,
	small_width  INTEGER NOT NULL,
	small_height INTEGER NOT NULL,
	large        BLOB NOT NULL,
	small        BLOB NOT NULL,
	created_at   INTEGER NOT NULL,
	UNIQUE (owner, owner_id)
);
CREATE INDEX pictures_without_alt ON pictures (id) WHERE alt = '';

-- An item's or place's picture goes with it.
CREATE TRIGGER events_picture_gone AFTER DELETE ON events BEGIN
	DELETE FROM pictures WHERE owner = 'event' AND owner_id = old.id;
END;
CREATE TRIGGER guides_picture_gone AFTER DELETE ON guides BEGIN
	DELETE FROM pictures WHERE owner = 'guide' AND owner_id = old.id;
END;
CREATE TRIGGER case_studies_picture_gone AFTER DELETE ON case_studies BEGIN
	DELETE FROM pictures WHERE owner = 'case-study' AND owner_id = old.id;
END;
CREATE TRIGGER places_picture_gone AFTER DELETE ON places BEGIN
	DELETE FROM pictures WHERE owner = 'place' AND owner_id = old.id;
END;

-- A peer's item's picture (hub.RemotePicture): kept by address with its
-- description ('' when it came without one), its type and size.
ALTER TABLE remote_items ADD COLUMN image_url TEXT NOT NULL DEFAULT '';
ALTER TABLE remote_items ADD COLUMN image_alt TEXT NOT NULL DEFAULT '';
ALTER TABLE remote_items ADD COLUMN image_type TEXT NOT NULL DEFAULT '';
ALTER TABLE remote_items ADD COLUMN image_width INTEGER NOT NULL DEFAULT 0;
ALTER TABLE remote_items ADD COLUMN image_height INTEGER NOT NULL DEFAULT 0;
