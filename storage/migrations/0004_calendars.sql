-- Calendar subscriptions (package hub/calendar) and the marks on events
-- imported from them. Numbered 0004: 0003 is federation's.

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
CREATE INDEX calendar_subscriptions_place ON calendar_subscriptions(place_id);

-- An imported event keeps its feed, UID and occurrence: the key that
-- matches it on the next refresh. A removed subscription leaves its past
-- events as ordinary events.
ALTER TABLE events ADD COLUMN source_feed_id INTEGER REFERENCES calendar_subscriptions(id) ON DELETE SET NULL;
ALTER TABLE events ADD COLUMN source_uid TEXT NOT NULL DEFAULT '';
ALTER TABLE events ADD COLUMN source_occurrence TEXT NOT NULL DEFAULT '';
CREATE UNIQUE INDEX events_source ON events(source_feed_id, source_uid, source_occurrence) WHERE source_uid != '';
