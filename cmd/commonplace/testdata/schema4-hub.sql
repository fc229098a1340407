-- A hub database made by an older Commonplace, for the upgrade and import tests.
-- Made at commit 0c12f22674cf3f743ee5e7d11985f857c41565d4 (schema 4: before the commons and search) with that
-- commit's binary: organiser add, settings set (name "Hulme Old Hub", handle hulme), place add,
-- event add ("Repair café", 5 June 2030), guide add ("Composting at home"),
-- case-study add ("Tablet lending"), then serve --url https://old-hub.example once (the actor
-- key pair, a throwaway made for this file, and the public URL); one follower was added with SQL.
-- Then: sqlite3 commonplace.db .dump
PRAGMA foreign_keys=OFF;
BEGIN TRANSACTION;
CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL);
INSERT INTO schema_migrations VALUES(1,'0001_init.sql',1795412440);
INSERT INTO schema_migrations VALUES(2,'0002_indexes.sql',1795412440);
INSERT INTO schema_migrations VALUES(3,'0003_federation.sql',1795412440);
INSERT INTO schema_migrations VALUES(4,'0004_calendars.sql',1795412440);
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
INSERT INTO places VALUES(1,'zion-centre','Zion Centre','','','','','','',NULL,NULL,1795412440,1795412440);
CREATE TABLE tags (
	id          INTEGER PRIMARY KEY,
	slug        TEXT NOT NULL UNIQUE,
	name        TEXT NOT NULL,
	description TEXT NOT NULL DEFAULT ''
);
INSERT INTO tags VALUES(1,'repair','repair','');
INSERT INTO tags VALUES(2,'making','making','');
INSERT INTO tags VALUES(3,'gardening','gardening','');
INSERT INTO tags VALUES(4,'digital-skills','digital skills','');
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
, source_feed_id INTEGER REFERENCES calendar_subscriptions(id) ON DELETE SET NULL, source_uid TEXT NOT NULL DEFAULT '', source_occurrence TEXT NOT NULL DEFAULT '');
INSERT INTO events VALUES(1,'repair-cafe','Repair café','Bring something broken.','Europe/London',1906880400,1906891200,0,'','',1906891200,1,'','Hulme Tenants','','',1795412445,1795412445,NULL,'','');
CREATE TABLE event_tags (
	event_id INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE,
	tag_id   INTEGER NOT NULL REFERENCES tags(id) ON DELETE CASCADE,
	PRIMARY KEY (event_id, tag_id)
);
INSERT INTO event_tags VALUES(1,1);
INSERT INTO event_tags VALUES(1,2);
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
INSERT INTO guides VALUES(1,'composting-at-home','Composting at home','Start small.','Start with a bin and some cardboard.',1,1795412445,1795412445);
CREATE TABLE guide_tags (
	guide_id INTEGER NOT NULL REFERENCES guides(id) ON DELETE CASCADE,
	tag_id   INTEGER NOT NULL REFERENCES tags(id) ON DELETE CASCADE,
	PRIMARY KEY (guide_id, tag_id)
);
INSERT INTO guide_tags VALUES(1,3);
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
INSERT INTO guide_revisions VALUES(1,1,'Composting at home','Start small.','Start with a bin and some cardboard.','gardening','Host (command line)','Created',1795412445);
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
INSERT INTO case_studies VALUES(1,'tablet-lending','Tablet lending','Lending tablets.','People had no device.','','','Forty people got online.','','',NULL,'',1795412445,1795412445);
CREATE TABLE case_study_tags (
	case_study_id INTEGER NOT NULL REFERENCES case_studies(id) ON DELETE CASCADE,
	tag_id        INTEGER NOT NULL REFERENCES tags(id) ON DELETE CASCADE,
	PRIMARY KEY (case_study_id, tag_id)
);
INSERT INTO case_study_tags VALUES(1,4);
CREATE TABLE organisers (
	id            INTEGER PRIMARY KEY,
	email         TEXT NOT NULL UNIQUE COLLATE NOCASE,
	name          TEXT NOT NULL,
	role          TEXT NOT NULL,
	password_hash TEXT NOT NULL,
	created_at    INTEGER NOT NULL,
	updated_at    INTEGER NOT NULL
);
INSERT INTO organisers VALUES(1,'admin@old.example','Old Admin','admin','$argon2id$v=19$m=19456,t=2,p=1$EGuPgxyywnt+Lj3Ackh6Tw$4E/FUcp+Jex9e53hEu88z2IlmEdWLE5IlO3lAacDfV8',1795412440,1795412440);
CREATE TABLE sessions (
	token_hash   TEXT PRIMARY KEY,
	organiser_id INTEGER NOT NULL REFERENCES organisers(id) ON DELETE CASCADE,
	csrf_token   TEXT NOT NULL,
	created_at   INTEGER NOT NULL,
	expires_at   INTEGER NOT NULL
);
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
, handle TEXT NOT NULL DEFAULT 'hub', discoverable INTEGER NOT NULL DEFAULT 1, indexable INTEGER NOT NULL DEFAULT 1, manually_approves_followers INTEGER NOT NULL DEFAULT 0);
INSERT INTO settings VALUES(1,'Hulme Old Hub','Events, guides and case studies from our community.','Europe/London','en-GB','#1d6b57',NULL,'',1795412440,'hulme',1,1,0);
CREATE TABLE actor_keys (
	id          INTEGER PRIMARY KEY CHECK (id = 1),
	private_pem TEXT NOT NULL,
	public_pem  TEXT NOT NULL,
	public_url  TEXT NOT NULL DEFAULT '',
	created_at  INTEGER NOT NULL
);
INSERT INTO actor_keys VALUES(1,replace('-----BEGIN PRIVATE KEY-----\nMIIEvgIBADANBgkqhkiG9w0BAQEFAASCBKgwggSkAgEAAoIBAQDXwZaO6j6JK8b5\nIR1iWrVMLOTWtzCd5Ujc0ugSNwTqvL96sxNb9aPzVpXXorxer/sn6qa/d+II4Dpo\nL45ZcGByFQUtG4AJS/YwmQltRnHOsz0uRx4VpJoV1+MJIExg9uvr9oAIalyLeDrz\nmHPJzGW248WFNhlr5f+jXQDRLVYDPqNHrEsy0bWnxvbhZIUo5137LeWBRV6M3FQF\ntLIZ/X3VIulOVnDO09JOVUS4OFIh6Hw2/VHXWEAycaKOGPrXDj0UENzOIGhEm0Rb\n+S3Mf7sdmavo/wm+1sbtolPqaOvSkjAjc8JngxOg33S4cn0twefRsvmmyTT7Z3rJ\ngQzzesBDAgMBAAECggEARTtX2f0dWvvCqa9wE97ifRKMzb9TqN7pjf5ZPHsOJ1qw\noKk0xZXhaZR3mY2dH08d6vWXUyofTFTTORpFdbqjIAhRtGM2JwWKdpas2TU5EKgg\nMijc5Pn//ZFcR1HnYFfrZTigZdLnZlOKqx7YzMC7RL/64h91cdOIP734pKaFCp3o\nfkvTuobNLNZUt8/uTAklQgHEknc7A3qU29PeA3O0wKD0I7jnDyBAcrw8m8APtc3T\n1zXwbRMO2nTeE2Ic3AG0I/Raz0T7i3M9OxpuWucf5mrv0+KCsyb3WW/2IB7DNp/r\nFLHE4kuLlMJ+KzzU3XuoB/2xRqkwSjKritT3gs4p/QKBgQDwYRo4/FH5PXBI6aL5\n+oYL+mm9jOBM2HJVwtifa/mx6ysu1md9qk8u2TJo0RGr6BnniwQ1St9/sw1DoDqt\nJUXq9/AiqOnL9Qmk57CnCIf4xpDlfG8T6U8Obom6SPs0PARxya7qW3ZmSwMj3Dqk\nIBS2XtMpDS1a2GnGUmeyv050rwKBgQDlxtxzPhhEFHMDLf+v+1BEl5gTSAvq7hQC\nMC1HA+ngfrrbtjrqD5tHs25g4QN2cNxPgI82smwhCEXdK4xvQUgPbaQM38XYQ/hh\n2MEZHzat/E7fW3kPpt+pQCAiegGn9watbaTPCbmrGQ2/KQ52ldLEH7o20Mj5KwH4\nAlmkUW36rQKBgQDfQB/9mwJ7LD+TyEIQT0ed6lW4sRVE6aXO1ucfsUW3o4V4u7Jk\neP+PsDNsO/hgo3Ejpe4jnMVUsbP5AeBdHQgBwYJqflydi5gIaxKbH4ZBXBIIwPfd\nE0vUSH9r3wpHqhIqqDjm+klNmg9xh8GC2zTBZ/JP5ygffm1GvxQGZDz2iwKBgQCj\nMlmS1FCB0hBZ+sq2YAWDojPVxf8I7e1yHGucG7B5zSjEMiqn4UvFYjCMSGSgM8qW\nANY24ASidXDBhFOrFS+sHZA9wJWRY70/KacEQ8IfUqtmQl66eigy2qO4OPWCKZYp\niU1b6yle112HHw7xtLnMqEgm9KU5K42ra2flqBw3xQKBgDQ9IxJeJp18q1gD1P+h\nVxu+1IpTZOb5CPr0p8mIsrBqeJ0u6q7JRnhUZeSaAD0udMDJKdvB9LKDbEEFYIJR\nEDOKfDl/ERsuyMuUR8MA21GGrzCUBvb/36NHz6DBj0VelhB+9j3/r7ArY6w5Ga95\n8XoqB3dk+wk6am5kTjxCNds0\n-----END PRIVATE KEY-----\n','\n',char(10)),replace('-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA18GWjuo+iSvG+SEdYlq1\nTCzk1rcwneVI3NLoEjcE6ry/erMTW/Wj81aV16K8Xq/7J+qmv3fiCOA6aC+OWXBg\nchUFLRuACUv2MJkJbUZxzrM9LkceFaSaFdfjCSBMYPbr6/aACGpci3g685hzycxl\ntuPFhTYZa+X/o10A0S1WAz6jR6xLMtG1p8b24WSFKOdd+y3lgUVejNxUBbSyGf19\n1SLpTlZwztPSTlVEuDhSIeh8Nv1R11hAMnGijhj61w49FBDcziBoRJtEW/ktzH+7\nHZmr6P8JvtbG7aJT6mjr0pIwI3PCZ4MToN90uHJ9LcHn0bL5psk0+2d6yYEM83rA\nQwIDAQAB\n-----END PUBLIC KEY-----\n','\n',char(10)),'https://old-hub.example',1795412446);
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
INSERT INTO followers VALUES('https://social.example/users/ana','https://social.example/follows/1','https://social.example/users/ana/inbox','https://social.example/inbox','ana','Ana','https://social.example/@ana','accepted',1893456000,1893456000);
CREATE TABLE activities (
	id         INTEGER PRIMARY KEY,
	iri        TEXT NOT NULL UNIQUE,
	type       TEXT NOT NULL,
	object_iri TEXT NOT NULL DEFAULT '',
	public     INTEGER NOT NULL DEFAULT 0,
	body       BLOB NOT NULL,              -- the JSON sent, exactly
	created_at INTEGER NOT NULL
);
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
CREATE TABLE peer_health (
	host                 TEXT PRIMARY KEY,
	delivered            INTEGER NOT NULL DEFAULT 0,
	failed               INTEGER NOT NULL DEFAULT 0,
	consecutive_failures INTEGER NOT NULL DEFAULT 0,
	last_success_at      INTEGER,
	last_failure_at      INTEGER,
	last_error           TEXT NOT NULL DEFAULT ''
);
CREATE TABLE inbox_seen (
	iri         TEXT PRIMARY KEY,
	received_at INTEGER NOT NULL
);
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
CREATE TABLE calendar_subscriptions (
	id              INTEGER PRIMARY KEY,
	url             TEXT NOT NULL UNIQUE,
	name            TEXT NOT NULL DEFAULT '',
	place_id        INTEGER REFERENCES places(id) ON DELETE SET NULL,
	tags            TEXT NOT NULL DEFAULT '', -- names, one per line
	organiser       TEXT NOT NULL DEFAULT '',
	etag            TEXT NOT NULL DEFAULT '',
	last_modified   TEXT NOT NULL DEFAULT '',
	last_checked_at INTEGER,
	last_success_at INTEGER,
	last_error      TEXT NOT NULL DEFAULT '',
	last_report     TEXT NOT NULL DEFAULT '', -- JSON of calendar.Report
	created_at      INTEGER NOT NULL,
	updated_at      INTEGER NOT NULL
);
CREATE INDEX events_start ON events(start_at);
CREATE INDEX events_series_end ON events(series_end);
CREATE INDEX events_place ON events(place_id);
CREATE INDEX event_tags_tag ON event_tags(tag_id);
CREATE INDEX guide_tags_tag ON guide_tags(tag_id);
CREATE INDEX case_studies_place ON case_studies(place_id);
CREATE INDEX case_study_tags_tag ON case_study_tags(tag_id);
CREATE INDEX sessions_expires ON sessions(expires_at);
CREATE INDEX guides_created ON guides(created_at, id);
CREATE INDEX case_studies_created ON case_studies(created_at, id);
CREATE INDEX sessions_organiser ON sessions(organiser_id);
CREATE INDEX api_tokens_organiser ON api_tokens(organiser_id);
CREATE INDEX remote_actors_key ON remote_actors(key_id);
CREATE INDEX followers_state ON followers(state, created_at);
CREATE INDEX activities_public ON activities(public, id);
CREATE INDEX deliveries_due ON deliveries(state, next_attempt_at);
CREATE INDEX inbox_seen_received ON inbox_seen(received_at);
CREATE INDEX published_objects_item ON published_objects(kind, item_id);
CREATE INDEX calendar_subscriptions_place ON calendar_subscriptions(place_id);
CREATE UNIQUE INDEX events_source ON events(source_feed_id, source_uid, source_occurrence) WHERE source_uid != '';
COMMIT;
