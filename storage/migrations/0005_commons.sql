-- The commons: peers this hub follows, the public items mirrored from
-- them, replies from the fediverse shown as comments, re-shares, and
-- moderation (blocks and the allowlist).

-- Actors (normally other hubs) this hub follows.
CREATE TABLE peers (
	actor_id      TEXT PRIMARY KEY,          -- the followed actor's IRI
	follow_id     TEXT NOT NULL UNIQUE,      -- the IRI of our Follow
	inbox         TEXT NOT NULL,
	outbox        TEXT NOT NULL DEFAULT '',
	username      TEXT NOT NULL DEFAULT '',  -- preferredUsername
	name          TEXT NOT NULL DEFAULT '',
	url           TEXT NOT NULL DEFAULT '',  -- its home page
	host          TEXT NOT NULL,
	state         TEXT NOT NULL CHECK (state IN ('pending', 'accepted', 'rejected')),
	backfilled_at INTEGER,                   -- NULL: its outbox is still to be read
	last_error    TEXT NOT NULL DEFAULT '',
	created_at    INTEGER NOT NULL,
	updated_at    INTEGER NOT NULL
);

-- Public events, guides and case studies mirrored from peers. Text fields
-- are stored as they are shown: content_html is already sanitised.
CREATE TABLE remote_items (
	id              INTEGER PRIMARY KEY,
	object_id       TEXT NOT NULL UNIQUE,    -- its ActivityPub id on the origin
	kind            TEXT NOT NULL CHECK (kind IN ('event', 'guide', 'case-study')),
	url             TEXT NOT NULL DEFAULT '', -- the original page
	title           TEXT NOT NULL,
	summary         TEXT NOT NULL DEFAULT '', -- plain text
	content_html    TEXT NOT NULL DEFAULT '', -- sanitised HTML
	content_text    TEXT NOT NULL DEFAULT '', -- plain text, for search
	sections        TEXT NOT NULL DEFAULT '', -- case studies: JSON [{"key","heading","html"}]
	origin_actor    TEXT NOT NULL,           -- who published it
	origin_name     TEXT NOT NULL DEFAULT '',
	origin_username TEXT NOT NULL DEFAULT '',
	origin_url      TEXT NOT NULL DEFAULT '',
	origin_host     TEXT NOT NULL,
	starts_at       INTEGER,                 -- events
	ends_at         INTEGER,
	time_zone       TEXT NOT NULL DEFAULT '',
	place_name      TEXT NOT NULL DEFAULT '',
	place_slug      TEXT NOT NULL DEFAULT '',
	address         TEXT NOT NULL DEFAULT '',
	online_url      TEXT NOT NULL DEFAULT '',
	latitude        REAL,
	longitude       REAL,
	tags            TEXT NOT NULL DEFAULT '', -- tag slugs, each between spaces: " a b "
	tag_names       TEXT NOT NULL DEFAULT '', -- tag names as sent, one per line
	language        TEXT NOT NULL DEFAULT '',
	published_at    INTEGER NOT NULL,
	updated_at      INTEGER NOT NULL,        -- as the origin says
	received_at     INTEGER NOT NULL
);
CREATE INDEX remote_items_kind_starts ON remote_items(kind, starts_at);
CREATE INDEX remote_items_published ON remote_items(published_at);
CREATE INDEX remote_items_origin ON remote_items(origin_host);

-- Why the hub holds a remote item: the peer it came from, directly
-- ('origin') or as a re-share ('share', an Announce). An item with no
-- source left is removed.
CREATE TABLE remote_item_sources (
	item_id     INTEGER NOT NULL REFERENCES remote_items(id) ON DELETE CASCADE,
	peer_actor  TEXT NOT NULL,
	via         TEXT NOT NULL CHECK (via IN ('origin', 'share')),
	activity_id TEXT NOT NULL DEFAULT '',    -- the Announce, for shares
	created_at  INTEGER NOT NULL,
	PRIMARY KEY (item_id, peer_actor)
);
CREATE INDEX remote_item_sources_peer ON remote_item_sources(peer_actor);

-- Replies from the fediverse to this hub's own items.
CREATE TABLE comments (
	id              INTEGER PRIMARY KEY,
	object_id       TEXT NOT NULL UNIQUE,
	kind            TEXT NOT NULL CHECK (kind IN ('event', 'guide', 'case-study')),
	item_id         INTEGER NOT NULL,
	in_reply_to     TEXT NOT NULL,
	url             TEXT NOT NULL DEFAULT '',
	author_actor    TEXT NOT NULL,
	author_name     TEXT NOT NULL DEFAULT '',
	author_username TEXT NOT NULL DEFAULT '',
	author_url      TEXT NOT NULL DEFAULT '',
	author_host     TEXT NOT NULL,
	content_html    TEXT NOT NULL,           -- sanitised
	hidden          INTEGER NOT NULL DEFAULT 0,
	published_at    INTEGER NOT NULL,
	updated_at      INTEGER NOT NULL,
	received_at     INTEGER NOT NULL
);
CREATE INDEX comments_item ON comments(kind, item_id, published_at);
CREATE INDEX comments_author ON comments(author_actor);
CREATE INDEX comments_host ON comments(author_host);

CREATE TRIGGER events_comments_gone AFTER DELETE ON events BEGIN
	DELETE FROM comments WHERE kind = 'event' AND item_id = OLD.id;
END;
CREATE TRIGGER guides_comments_gone AFTER DELETE ON guides BEGIN
	DELETE FROM comments WHERE kind = 'guide' AND item_id = OLD.id;
END;
CREATE TRIGGER case_studies_comments_gone AFTER DELETE ON case_studies BEGIN
	DELETE FROM comments WHERE kind = 'case-study' AND item_id = OLD.id;
END;

-- Peers' items this hub has re-shared (Announced) to its own followers.
CREATE TABLE reshares (
	object_id   TEXT PRIMARY KEY,            -- the remote item's ActivityPub id
	activity_id TEXT NOT NULL UNIQUE,        -- our Announce
	created_at  INTEGER NOT NULL
);

-- Moderation: blocked actors and domains, and the allowlist.
CREATE TABLE blocks (
	kind       TEXT NOT NULL CHECK (kind IN ('actor', 'domain')),
	value      TEXT NOT NULL,                -- actor IRI or host name
	note       TEXT NOT NULL DEFAULT '',
	created_at INTEGER NOT NULL,
	PRIMARY KEY (kind, value)
);
CREATE TABLE allowed_domains (
	host       TEXT PRIMARY KEY,
	created_at INTEGER NOT NULL
);
CREATE TABLE federation_policy (
	id        INTEGER PRIMARY KEY CHECK (id = 1),
	allowlist INTEGER NOT NULL DEFAULT 0     -- 1: federate only with allowed domains
);
INSERT INTO federation_policy (id, allowlist) VALUES (1, 0);
