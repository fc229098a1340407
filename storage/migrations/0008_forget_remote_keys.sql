-- Remote actors' keys were cached by earlier versions from whatever
-- document a key id pointed at, which could name an actor on another
-- server (docs/FEDERATION.md, "Trust rules"). The cache is emptied once:
-- every key is fetched again, under the rules, when next used.
DELETE FROM remote_actors;
