-- Hosts are compared in one spelling since this version (HostOf,
-- internal/netaddr): lower case, no trailing dot, an IPv4-mapped IPv6
-- address as its IPv4 address, no default port. The hosts earlier
-- versions saved are respelled here as far as SQL can: hosts in Unicode
-- (IDNA) and IPv4-mapped addresses in hex are left as they are. Blocks,
-- the allowlist and the list of known servers normalise the hosts they
-- read, so those still match; new rows are saved normalised.
--
-- A default port is dropped when the row's IRI says its scheme (443 for
-- https, 80 for http); blocks, the allowlist and delivery health have no
-- IRI, and there a port of 443 or 80 names the server itself, as a block
-- typed without a scheme does. Where two spellings of one host meet in a
-- table keyed by host, one row is kept (OR REPLACE): a block's note, an
-- allowlist date or one spelling's delivery counts may be lost.

-- peers.host
UPDATE peers SET host = lower(host) WHERE host <> lower(host);
UPDATE peers SET host = substr(host, 9, instr(host, ']') - 9) || substr(host, instr(host, ']') + 1)
	WHERE host LIKE '[::ffff:%.%]%';
UPDATE peers SET host = substr(host, 1, length(host) - 4) WHERE host LIKE '%:443' AND actor_id LIKE 'https://%';
UPDATE peers SET host = substr(host, 1, length(host) - 3) WHERE host LIKE '%:80' AND actor_id LIKE 'http://%';
UPDATE peers SET host = replace(host, '.:', ':') WHERE host LIKE '%.:%';
UPDATE peers SET host = substr(host, 1, length(host) - 1) WHERE host LIKE '%.';

-- remote_items.origin_host
UPDATE remote_items SET origin_host = lower(origin_host) WHERE origin_host <> lower(origin_host);
UPDATE remote_items SET origin_host = substr(origin_host, 9, instr(origin_host, ']') - 9) || substr(origin_host, instr(origin_host, ']') + 1)
	WHERE origin_host LIKE '[::ffff:%.%]%';
UPDATE remote_items SET origin_host = substr(origin_host, 1, length(origin_host) - 4) WHERE origin_host LIKE '%:443' AND origin_actor LIKE 'https://%';
UPDATE remote_items SET origin_host = substr(origin_host, 1, length(origin_host) - 3) WHERE origin_host LIKE '%:80' AND origin_actor LIKE 'http://%';
UPDATE remote_items SET origin_host = replace(origin_host, '.:', ':') WHERE origin_host LIKE '%.:%';
UPDATE remote_items SET origin_host = substr(origin_host, 1, length(origin_host) - 1) WHERE origin_host LIKE '%.';

-- comments.author_host
UPDATE comments SET author_host = lower(author_host) WHERE author_host <> lower(author_host);
UPDATE comments SET author_host = substr(author_host, 9, instr(author_host, ']') - 9) || substr(author_host, instr(author_host, ']') + 1)
	WHERE author_host LIKE '[::ffff:%.%]%';
UPDATE comments SET author_host = substr(author_host, 1, length(author_host) - 4) WHERE author_host LIKE '%:443' AND author_actor LIKE 'https://%';
UPDATE comments SET author_host = substr(author_host, 1, length(author_host) - 3) WHERE author_host LIKE '%:80' AND author_actor LIKE 'http://%';
UPDATE comments SET author_host = replace(author_host, '.:', ':') WHERE author_host LIKE '%.:%';
UPDATE comments SET author_host = substr(author_host, 1, length(author_host) - 1) WHERE author_host LIKE '%.';

-- deliveries.host
UPDATE deliveries SET host = lower(host) WHERE host <> lower(host);
UPDATE deliveries SET host = substr(host, 9, instr(host, ']') - 9) || substr(host, instr(host, ']') + 1)
	WHERE host LIKE '[::ffff:%.%]%';
UPDATE deliveries SET host = substr(host, 1, length(host) - 4) WHERE host LIKE '%:443' AND inbox LIKE 'https://%';
UPDATE deliveries SET host = substr(host, 1, length(host) - 3) WHERE host LIKE '%:80' AND inbox LIKE 'http://%';
UPDATE deliveries SET host = replace(host, '.:', ':') WHERE host LIKE '%.:%';
UPDATE deliveries SET host = substr(host, 1, length(host) - 1) WHERE host LIKE '%.';

-- peer_health.host
UPDATE OR REPLACE peer_health SET host = lower(host) WHERE host <> lower(host);
UPDATE OR REPLACE peer_health SET host = substr(host, 9, instr(host, ']') - 9) || substr(host, instr(host, ']') + 1)
	WHERE host LIKE '[::ffff:%.%]%';
UPDATE OR REPLACE peer_health SET host = substr(host, 1, length(host) - 4) WHERE host LIKE '%:443';
UPDATE OR REPLACE peer_health SET host = substr(host, 1, length(host) - 3) WHERE host LIKE '%:80';
UPDATE OR REPLACE peer_health SET host = replace(host, '.:', ':') WHERE host LIKE '%.:%';
UPDATE OR REPLACE peer_health SET host = substr(host, 1, length(host) - 1) WHERE host LIKE '%.';

-- blocks.value
UPDATE OR REPLACE blocks SET value = lower(value) WHERE value <> lower(value) AND kind = 'domain';
UPDATE OR REPLACE blocks SET value = substr(value, 9, instr(value, ']') - 9) || substr(value, instr(value, ']') + 1)
	WHERE value LIKE '[::ffff:%.%]%' AND kind = 'domain';
UPDATE OR REPLACE blocks SET value = substr(value, 1, length(value) - 4) WHERE value LIKE '%:443' AND kind = 'domain';
UPDATE OR REPLACE blocks SET value = substr(value, 1, length(value) - 3) WHERE value LIKE '%:80' AND kind = 'domain';
UPDATE OR REPLACE blocks SET value = replace(value, '.:', ':') WHERE value LIKE '%.:%' AND kind = 'domain';
UPDATE OR REPLACE blocks SET value = substr(value, 1, length(value) - 1) WHERE value LIKE '%.' AND kind = 'domain';

-- allowed_domains.host
UPDATE OR REPLACE allowed_domains SET host = lower(host) WHERE host <> lower(host);
UPDATE OR REPLACE allowed_domains SET host = substr(host, 9, instr(host, ']') - 9) || substr(host, instr(host, ']') + 1)
	WHERE host LIKE '[::ffff:%.%]%';
UPDATE OR REPLACE allowed_domains SET host = substr(host, 1, length(host) - 4) WHERE host LIKE '%:443';
UPDATE OR REPLACE allowed_domains SET host = substr(host, 1, length(host) - 3) WHERE host LIKE '%:80';
UPDATE OR REPLACE allowed_domains SET host = replace(host, '.:', ':') WHERE host LIKE '%.:%';
UPDATE OR REPLACE allowed_domains SET host = substr(host, 1, length(host) - 1) WHERE host LIKE '%.';
