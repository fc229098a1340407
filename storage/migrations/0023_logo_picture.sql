-- The hub's logo moves from the settings row to the pictures, where the
-- header image and every other picture are (owner 'logo', owner_id 0;
-- hub.OwnerLogo). SQLite cannot change a CHECK constraint, so pictures is
-- made again with the new owner, as 0019 did; the triggers that name it
-- are dropped first and made again after.
DROP TRIGGER events_picture_gone;
DROP TRIGGER guides_picture_gone;
DROP TRIGGER case_studies_picture_gone;
DROP TRIGGER places_picture_gone;
DROP TRIGGER remote_items_picture_gone;

CREATE TABLE pictures_new (
	id           INTEGER PRIMARY KEY AUTOINCREMENT, -- never reused: ids are in URLs
	owner        TEXT NOT NULL CHECK (owner IN ('event', 'guide', 'case-study', 'place', 'header', 'commons', 'logo')),
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
	source       TEXT NOT NULL DEFAULT '',
	blurhash     TEXT,
	UNIQUE (owner, owner_id)
);
INSERT INTO pictures_new (id, owner, owner_id, alt, focus_x, focus_y, mime, hash, width, height, small_width, small_height, large, small, created_at, source, blurhash)
	SELECT id, owner, owner_id, alt, focus_x, focus_y, mime, hash, width, height, small_width, small_height, large, small, created_at, source, blurhash FROM pictures;
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
CREATE TRIGGER remote_items_picture_gone AFTER DELETE ON remote_items BEGIN
	DELETE FROM pictures WHERE owner = 'commons' AND owner_id = old.id;
END;

-- The logo kept in the settings (processed on upload, like any picture, to at most
-- 400 pixels across; older ones as uploaded, at most 512 KB) becomes the
-- logo picture, both derivatives the same bytes. picture_sha256 and
-- picture_width/height (storage/picture_sql.go) read its hash and its
-- size from its bytes; its blurhash is made when `commonplace serve`
-- starts (Service.FillBlurhashes), as for every picture kept without one.
-- A logo whose bytes are not a picture the hub reads (size 0) stays in
-- the settings, which Reader.Logo still reads.
INSERT INTO pictures (owner, owner_id, alt, mime, hash, width, height, small_width, small_height, large, small, created_at)
	SELECT 'logo', 0, name, logo_type, picture_sha256(logo), picture_width(logo), picture_height(logo),
		picture_width(logo), picture_height(logo), logo, logo, updated_at
	FROM settings WHERE id = 1 AND logo IS NOT NULL AND length(logo) > 0 AND picture_width(logo) > 0;
UPDATE settings SET logo = NULL, logo_type = ''
	WHERE id = 1 AND EXISTS (SELECT 1 FROM pictures WHERE owner = 'logo' AND owner_id = 0);

-- Pictures from elsewhere (a peer's item's, an imported calendar event's)
-- not kept because the hub's pictures had no room left in their budget
-- (hub.PictureSkipStore), one row per address, so that the organiser
-- pages can say so. A picture later kept from the address, or the peer's
-- item going, forgets it.
CREATE TABLE picture_skips (
	url        TEXT PRIMARY KEY,
	source     TEXT NOT NULL CHECK (source IN ('peer', 'calendar')),
	skipped_at INTEGER NOT NULL
);
CREATE TRIGGER picture_skips_kept AFTER INSERT ON pictures WHEN new.source <> '' BEGIN
	DELETE FROM picture_skips WHERE url = new.source;
END;
CREATE TRIGGER picture_skips_item_gone AFTER DELETE ON remote_items BEGIN
	DELETE FROM picture_skips WHERE source = 'peer' AND url = old.image_url;
END;
