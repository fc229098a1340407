-- What each remote server runs, from its NodeInfo document: federation
-- writes what it sends a server's readers in the form that server's
-- software shows well (docs/FEDERATION.md, "Readable on every server").
-- Looked up again after a day; a failed lookup is kept with its problem
-- and tried again after an hour.
CREATE TABLE server_software (
	host       TEXT PRIMARY KEY,
	software   TEXT NOT NULL DEFAULT '',
	version    TEXT NOT NULL DEFAULT '',
	checked_at INTEGER NOT NULL,
	problem    TEXT NOT NULL DEFAULT ''
);
