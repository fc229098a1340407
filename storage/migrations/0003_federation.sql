-- Commonplace schema, version 3: ActivityPub federation. Times are unix seconds (UTC).

ALTER TABLE settings ADD COLUMN handle TEXT NOT NULL DEFAULT 'hub';
ALTER TABLE settings ADD COLUMN discoverable INTEGER NOT NULL DEFAULT 1;
ALTER TABLE settings ADD COLUMN indexable INTEGER NOT NULL DEFAULT 1;
ALTER TABLE settings ADD COLUMN manually_approves_followers INTEGER NOT NULL DEFAULT 0;

-- The hub actor's RSA key pair, made once on first start and kept, and
-- the public URL the running hub mints its IRIs from (so command-line
-- changes are published under the same IRIs).
CREATE TABLE actor_keys (
	id          INTEGER PRIMARY KEY CHECK (id = 1),
	private_pem TEXT NOT NULL,
	public_pem  TEXT NOT NULL,
	public_url  TEXT NOT NULL DEFAULT '',
	created_at  INTEGER NOT NULL
);

-- Remote actors the hub has fetched: their keys and inboxes.
CREATE TABLE remote_actors (
	id             TEXT PRIMARY KEY,        -- actor IRI
	key_id         TEXT NOT NULL,
	public_key_pem TEXT NOT NULL,
	inbox          TEXT NOT NULL,
	shared_inbox   TEXT NOT NULL DEFAULT '',
	username       TEXT NOT NULL DEFAULT '', -- preferredUsername
	name           TEXT NOT NULL DEFAULT '',
	url            TEXT NOT NULL DEFAULT '',
	type           TEXT NOT NULL DEFAULT '',
	fetched_at     INTEGER NOT NULL
);
CREATE INDEX remote_actors_key ON remote_actors(key_id);

-- Who follows the hub. state is 'pending' (waiting for an organiser) or 'accepted'.
CREATE TABLE followers (
	actor_id     TEXT PRIMARY KEY,
	follow_id    TEXT NOT NULL,
	inbox        TEXT NOT NULL,
	shared_inbox TEXT NOT NULL DEFAULT '',
	username     TEXT NOT NULL DEFAULT '',
	name         TEXT NOT NULL DEFAULT '',
	url          TEXT NOT NULL DEFAULT '',
	state        TEXT NOT NULL CHECK (state IN ('pending', 'accepted')),
	created_at   INTEGER NOT NULL,
	updated_at   INTEGER NOT NULL
);
CREATE INDEX followers_state ON followers(state, created_at);

-- Every activity the hub sends. public ones make up the outbox collection.
CREATE TABLE activities (
	id         INTEGER PRIMARY KEY,
	iri        TEXT NOT NULL UNIQUE,
	type       TEXT NOT NULL,
	object_iri TEXT NOT NULL DEFAULT '',
	public     INTEGER NOT NULL DEFAULT 0,
	body       BLOB NOT NULL,              -- the JSON sent, exactly
	created_at INTEGER NOT NULL
);
CREATE INDEX activities_public ON activities(public, id);

-- The delivery queue: one row per activity and distinct inbox.
-- state: 'pending' (to send at next_attempt_at), 'done', 'failed' (given up).
CREATE TABLE deliveries (
	id              INTEGER PRIMARY KEY,
	activity_id     INTEGER NOT NULL REFERENCES activities(id) ON DELETE CASCADE,
	inbox           TEXT NOT NULL,
	host            TEXT NOT NULL,
	state           TEXT NOT NULL CHECK (state IN ('pending', 'done', 'failed')),
	attempts        INTEGER NOT NULL DEFAULT 0,
	next_attempt_at INTEGER NOT NULL,
	leased_until    INTEGER NOT NULL DEFAULT 0,
	last_status     INTEGER NOT NULL DEFAULT 0,
	last_error      TEXT NOT NULL DEFAULT '',
	created_at      INTEGER NOT NULL,
	updated_at      INTEGER NOT NULL,
	UNIQUE (activity_id, inbox)
);
CREATE INDEX deliveries_due ON deliveries(state, next_attempt_at);

-- How each remote server has answered deliveries.
CREATE TABLE peer_health (
	host                 TEXT PRIMARY KEY,
	delivered            INTEGER NOT NULL DEFAULT 0,
	failed               INTEGER NOT NULL DEFAULT 0,
	consecutive_failures INTEGER NOT NULL DEFAULT 0,
	last_success_at      INTEGER,
	last_failure_at      INTEGER,
	last_error           TEXT NOT NULL DEFAULT ''
);

-- Ids of activities received, so a repeated delivery is ignored.
CREATE TABLE inbox_seen (
	iri         TEXT PRIMARY KEY,
	received_at INTEGER NOT NULL
);
CREATE INDEX inbox_seen_received ON inbox_seen(received_at);

-- Objects the hub has published, so edits send Update and removals Delete.
-- An event series publishes one object per occurrence (occurrence = local date).
CREATE TABLE published_objects (
	iri          TEXT PRIMARY KEY,
	kind         TEXT NOT NULL,           -- event, guide, case-study
	item_id      INTEGER NOT NULL,
	occurrence   TEXT NOT NULL DEFAULT '',
	starts_at    INTEGER,                 -- events: when the occurrence starts
	hash         TEXT NOT NULL,           -- of the object as last sent
	body         BLOB NOT NULL,           -- the object as last sent
	published_at INTEGER NOT NULL,
	updated_at   INTEGER NOT NULL
);
CREATE INDEX published_objects_item ON published_objects(kind, item_id);
