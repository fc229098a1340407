-- The hub's area (issue 21): a free-text name and optional coordinates,
-- shown on the network page and published on the actor as its location.
ALTER TABLE settings ADD COLUMN area_name TEXT NOT NULL DEFAULT '';
ALTER TABLE settings ADD COLUMN area_latitude REAL;
ALTER TABLE settings ADD COLUMN area_longitude REAL;
