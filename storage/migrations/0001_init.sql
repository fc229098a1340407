-- Commonplace schema, version 1. Times are unix seconds (UTC).

CREATE TABLE places (
	id             INTEGER PRIMARY KEY,
	slug           TEXT NOT NULL UNIQUE,
	name           TEXT NOT NULL,
	description    TEXT NOT NULL DEFAULT '',
	street_address TEXT NOT NULL DEFAULT '',
	locality       TEXT NOT NULL DEFAULT '',
	region         TEXT NOT NULL DEFAULT '',
	postal_code    TEXT NOT NULL DEFAULT '',
	country        TEXT NOT NULL DEFAULT '',
	latitude       REAL,
	longitude      REAL,
	created_at     INTEGER NOT NULL,
	updated_at     INTEGER NOT NULL
);

CREATE TABLE tags (
	id          INTEGER PRIMARY KEY,
	slug        TEXT NOT NULL UNIQUE,
	name        TEXT NOT NULL,
	description TEXT NOT NULL DEFAULT ''
);

CREATE TABLE events (
	id            INTEGER PRIMARY KEY,
	slug          TEXT NOT NULL UNIQUE,
	title         TEXT NOT NULL,
	description   TEXT NOT NULL DEFAULT '',
	time_zone     TEXT NOT NULL,
	start_at      INTEGER NOT NULL,
	end_at        INTEGER NOT NULL,
	all_day       INTEGER NOT NULL DEFAULT 0,
	recurrence    TEXT NOT NULL DEFAULT '',
	exceptions    TEXT NOT NULL DEFAULT '',
	series_end    INTEGER, -- NULL: the series never ends
	place_id      INTEGER REFERENCES places(id),
	online_url    TEXT NOT NULL DEFAULT '',
	organiser     TEXT NOT NULL DEFAULT '',
	accessibility TEXT NOT NULL DEFAULT '',
	booking_url   TEXT NOT NULL DEFAULT '',
	created_at    INTEGER NOT NULL,
	updated_at    INTEGER NOT NULL
);
CREATE INDEX events_start ON events(start_at);
CREATE INDEX events_series_end ON events(series_end);
CREATE INDEX events_place ON events(place_id);

CREATE TABLE event_tags (
	event_id INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE,
	tag_id   INTEGER NOT NULL REFERENCES tags(id) ON DELETE CASCADE,
	PRIMARY KEY (event_id, tag_id)
);
CREATE INDEX event_tags_tag ON event_tags(tag_id);

CREATE TABLE guides (
	id         INTEGER PRIMARY KEY,
	slug       TEXT NOT NULL UNIQUE,
	title      TEXT NOT NULL,
	summary    TEXT NOT NULL DEFAULT '',
	body       TEXT NOT NULL,
	revision   INTEGER NOT NULL DEFAULT 1,
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL
);

CREATE TABLE guide_tags (
	guide_id INTEGER NOT NULL REFERENCES guides(id) ON DELETE CASCADE,
	tag_id   INTEGER NOT NULL REFERENCES tags(id) ON DELETE CASCADE,
	PRIMARY KEY (guide_id, tag_id)
);
CREATE INDEX guide_tags_tag ON guide_tags(tag_id);

CREATE TABLE guide_revisions (
	guide_id   INTEGER NOT NULL REFERENCES guides(id) ON DELETE CASCADE,
	number     INTEGER NOT NULL,
	title      TEXT NOT NULL,
	summary    TEXT NOT NULL DEFAULT '',
	body       TEXT NOT NULL,
	tags       TEXT NOT NULL DEFAULT '', -- names, one per line, as they were
	author     TEXT NOT NULL DEFAULT '',
	note       TEXT NOT NULL DEFAULT '',
	created_at INTEGER NOT NULL,
	PRIMARY KEY (guide_id, number)
);

CREATE TABLE case_studies (
	id           INTEGER PRIMARY KEY,
	slug         TEXT NOT NULL UNIQUE,
	title        TEXT NOT NULL,
	summary      TEXT NOT NULL DEFAULT '',
	problem      TEXT NOT NULL DEFAULT '',
	approach     TEXT NOT NULL DEFAULT '',
	tools        TEXT NOT NULL DEFAULT '',
	outcome      TEXT NOT NULL DEFAULT '',
	lessons      TEXT NOT NULL DEFAULT '',
	organisation TEXT NOT NULL DEFAULT '',
	place_id     INTEGER REFERENCES places(id),
	contact      TEXT NOT NULL DEFAULT '',
	created_at   INTEGER NOT NULL,
	updated_at   INTEGER NOT NULL
);
CREATE INDEX case_studies_place ON case_studies(place_id);

CREATE TABLE case_study_tags (
	case_study_id INTEGER NOT NULL REFERENCES case_studies(id) ON DELETE CASCADE,
	tag_id        INTEGER NOT NULL REFERENCES tags(id) ON DELETE CASCADE,
	PRIMARY KEY (case_study_id, tag_id)
);
CREATE INDEX case_study_tags_tag ON case_study_tags(tag_id);

CREATE TABLE organisers (
	id            INTEGER PRIMARY KEY,
	email         TEXT NOT NULL UNIQUE COLLATE NOCASE,
	name          TEXT NOT NULL,
	role          TEXT NOT NULL,
	password_hash TEXT NOT NULL,
	created_at    INTEGER NOT NULL,
	updated_at    INTEGER NOT NULL
);

CREATE TABLE sessions (
	token_hash   TEXT PRIMARY KEY,
	organiser_id INTEGER NOT NULL REFERENCES organisers(id) ON DELETE CASCADE,
	csrf_token   TEXT NOT NULL,
	created_at   INTEGER NOT NULL,
	expires_at   INTEGER NOT NULL
);
CREATE INDEX sessions_expires ON sessions(expires_at);

CREATE TABLE api_tokens (
	id           INTEGER PRIMARY KEY,
	organiser_id INTEGER NOT NULL REFERENCES organisers(id) ON DELETE CASCADE,
	name         TEXT NOT NULL,
	hash         TEXT NOT NULL UNIQUE,
	created_at   INTEGER NOT NULL,
	last_used_at INTEGER
);

CREATE TABLE settings (
	id            INTEGER PRIMARY KEY CHECK (id = 1),
	name          TEXT NOT NULL,
	description   TEXT NOT NULL,
	time_zone     TEXT NOT NULL,
	language      TEXT NOT NULL,
	accent_colour TEXT NOT NULL,
	logo          BLOB,
	logo_type     TEXT NOT NULL DEFAULT '',
	updated_at    INTEGER NOT NULL
);
