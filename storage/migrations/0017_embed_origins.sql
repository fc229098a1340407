-- The partner websites that may frame the hub's embeds (/embed/...):
-- origins separated by spaces, '*' for any website (the default), '' for none.
ALTER TABLE settings ADD COLUMN embed_origins TEXT NOT NULL DEFAULT '*';
