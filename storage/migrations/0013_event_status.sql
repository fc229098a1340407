-- An event, or one date of a series, can be marked cancelled, postponed
-- or rescheduled (hub.StatusMark). date is '' for the whole event, or the
-- local start date (YYYY-MM-DD) of one occurrence. A scheduled event has
-- no row. previous_start is when it was due to start when first marked
-- (unix seconds; NULL when unknown); moved_to, for one date of a series
-- moved to another time, is its new start (unix seconds; NULL otherwise).
CREATE TABLE event_statuses (
	event_id       INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE,
	date           TEXT NOT NULL DEFAULT '',
	status         TEXT NOT NULL CHECK (status IN ('cancelled', 'postponed', 'rescheduled')),
	reason         TEXT NOT NULL DEFAULT '',
	previous_start INTEGER,
	moved_to       INTEGER,
	updated_at     INTEGER NOT NULL,
	PRIMARY KEY (event_id, date)
);
