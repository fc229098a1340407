-- Whether the hub answers other hubs' network searches (issue 21):
-- GET /network/search.json. On unless an organiser turns it off.
ALTER TABLE settings ADD COLUMN answers_network_search INTEGER NOT NULL DEFAULT 1;
