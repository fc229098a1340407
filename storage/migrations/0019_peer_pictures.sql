-- Peers' pictures kept here (hub.PeerPictureStore): the picture of a
-- commons item is fetched from its peer, re-encoded like an upload and
-- kept in pictures with owner 'commons' (owner_id the remote item's id),
-- so pages show it from the hub's own address. SQLite cannot change a
-- CHECK constraint, so pictures is made again with the new owner; the
-- triggers that name it are dropped first and made again after.
DROP TRIGGER events_picture_gone;
DROP TRIGGER guides_picture_gone;
DROP TRIGGER case_studies_picture_gone;
DROP TRIGGER places_picture_gone;

CREATE TABLE pictures_new (
	id           INTEGER PRIMARY KEY AUTOINCREMENT, -- never reused: ids are in URLs
	owner        TEXT NOT NULL CHECK (owner IN ('event', 'guide', 'case-study', 'place', 'header', 'commons')),
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
	-- source is the address the picture was fetched from (a peer's, or
	-- an imported calendar's ATTACH or IMAGE); '' for uploads.
	source       TEXT NOT NULL DEFAULT '',
	UNIQUE (owner, owner_id)
);
INSERT INTO pictures_new (id, owner, owner_id, alt, focus_x, focus_y, mime, hash, width, height, small_width, small_height, large, small, created_at)
	SELECT id, owner, owner_id, alt, focus_x, focus_y, mime, hash, width, height, small_width, small_height, large, small, created_at FROM pictures;
-- Keep AUTOINCREMENT's high-water mark, so no id is ever used twice.
DELETE FROM sqlite_sequence WHERE name = 'pictures_new';
INSERT INTO sqlite_sequence (name, seq) SELECT 'pictures_new', seq FROM sqlite_sequence WHERE name = 'pictures';
DROP TABLE pictures;
ALTER TABLE pictures_new RENAME TO pictures;
CREATE INDEX pictures_without_alt ON pictures (id) WHERE alt = '';

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
-- A commons item's picture goes with it, however it goes: a Delete from
-- its peer, an unfollow, a block.
CREATE TRIGGER remote_items_picture_gone AFTER DELETE ON remote_items BEGIN
	DELETE FROM pictures WHERE owner = 'commons' AND owner_id = old.id;
END;

-- The fetch of a commons item's picture (image_url): when it is due
-- (NULL: nothing to do, fetched or given up), how many fetches failed,
-- and the last failure.
ALTER TABLE remote_items ADD COLUMN image_due_at INTEGER;
ALTER TABLE remote_items ADD COLUMN image_tries INTEGER NOT NULL DEFAULT 0;
ALTER TABLE remote_items ADD COLUMN image_error TEXT NOT NULL DEFAULT '';
CREATE INDEX remote_items_image_due ON remote_items (image_due_at) WHERE image_due_at IS NOT NULL;
-- Pictures kept by address before this version are fetched now.
UPDATE remote_items SET image_due_at = 0 WHERE image_url <> '';
