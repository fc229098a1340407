-- The moderation queue: event suggestions from readers and reports (Flag
-- activities) from and to other servers. Times are unix seconds (UTC).

-- The key the suggestion form's tokens are signed with (HMAC-SHA256),
-- made once when this migration runs and kept with the hub.
CREATE TABLE queue_secret (
	id     INTEGER PRIMARY KEY CHECK (id = 1),
	secret BLOB NOT NULL
);
INSERT INTO queue_secret (id, secret) VALUES (1, randomblob(32));

-- Events suggested by anyone through /events/suggest. Never public:
-- an approved one becomes an ordinary event (event_id). email is the
-- suggester's, for organisers to reply; it is emptied when the suggestion
-- is decided, and by the periodic purge after 30 days. client is a keyed
-- hash of the sender's address (IPv4, or IPv6 /64), for the hourly limit.
CREATE TABLE suggestions (
	id          INTEGER PRIMARY KEY,
	title       TEXT NOT NULL,
	description TEXT NOT NULL DEFAULT '',
	start_at    INTEGER NOT NULL,
	end_at      INTEGER NOT NULL,
	time_zone   TEXT NOT NULL,
	place       TEXT NOT NULL DEFAULT '',
	online_url  TEXT NOT NULL DEFAULT '',
	name        TEXT NOT NULL,
	email       TEXT NOT NULL DEFAULT '',
	client      TEXT NOT NULL DEFAULT '',
	state       TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'approved', 'rejected')),
	event_id    INTEGER REFERENCES events(id) ON DELETE SET NULL,
	decided_by  TEXT NOT NULL DEFAULT '',
	decided_at  INTEGER,
	created_at  INTEGER NOT NULL
);
CREATE INDEX suggestions_state ON suggestions(state, created_at);
CREATE INDEX suggestions_client ON suggestions(client, created_at);

-- Form tokens already used, kept until they would have expired anyway.
CREATE TABLE used_form_tokens (
	id         TEXT PRIMARY KEY,
	expires_at INTEGER NOT NULL
);

-- Reports: Flag activities received (direction 'in') and sent ('out').
-- objects is a JSON array of {iri, kind, item_id, comment_id, title, url}.
CREATE TABLE reports (
	id           INTEGER PRIMARY KEY,
	direction    TEXT NOT NULL CHECK (direction IN ('in', 'out')),
	activity_iri TEXT NOT NULL UNIQUE,
	server       TEXT NOT NULL,
	actor        TEXT NOT NULL DEFAULT '',
	comment      TEXT NOT NULL DEFAULT '',
	objects      TEXT NOT NULL DEFAULT '[]',
	state        TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'dismissed', 'resolved', 'sent')),
	decided_by   TEXT NOT NULL DEFAULT '',
	decided_at   INTEGER,
	created_at   INTEGER NOT NULL
);
CREATE INDEX reports_state ON reports(state, created_at);
