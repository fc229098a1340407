package storage

import (
	"context"
	"slices"
	"testing"

	"github.com/commonplace-hub/commonplace/hub"
)

// Hosts saved by earlier versions in other spellings are respelled by
// migration 9 as HostOf now spells them, so a peer's stored host still
// equals the host of its IRI and one server is one row.
func TestHostsRespelledOnUpgrade(t *testing.T) {
	db := upgradeWith(t, 8,
		`INSERT INTO peers (actor_id, follow_id, inbox, host, state, created_at, updated_at) VALUES
			('https://Social.Example:443/users/a', 'f1', 'https://social.example/inbox', 'social.example:443', 'accepted', 0, 0),
			('http://old.example.:80/users/b', 'f2', 'http://old.example./inbox', 'old.example.:80', 'accepted', 0, 0),
			('http://[::ffff:127.0.0.1]:8080/users/c', 'f3', 'http://127.0.0.1:8080/inbox', '[::ffff:127.0.0.1]:8080', 'accepted', 0, 0),
			('http://ports.example:443/users/d', 'f4', 'http://ports.example:443/inbox', 'ports.example:443', 'accepted', 0, 0),
			('https://dot.example.:8443/users/e', 'f5', 'https://dot.example.:8443/inbox', 'dot.example.:8443', 'accepted', 0, 0)`,
		`INSERT INTO blocks (kind, value, note, created_at) VALUES
			('domain', 'evil.example.', 'typed with a dot', 0), ('domain', 'evil.example', 'and without', 1),
			('domain', 'bad.example:443', '', 0), ('actor', 'https://x.example./users/Keep', '', 0)`,
		`INSERT INTO allowed_domains (host, created_at) VALUES ('Friends.Example.', 0), ('[::ffff:10.0.0.1]', 0)`,
		`INSERT INTO peer_health (host, delivered) VALUES ('health.example:443', 3)`)
	column := func(q string) []string {
		rows, err := db.db.Query(q)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var out []string
		for rows.Next() {
			var s string
			rows.Scan(&s)
			out = append(out, s)
		}
		return out
	}
	for q, want := range map[string][]string{
		`SELECT host FROM peers ORDER BY follow_id`:                     {"social.example", "old.example", "127.0.0.1:8080", "ports.example:443", "dot.example:8443"},
		`SELECT value FROM blocks WHERE kind = 'domain' ORDER BY value`: {"bad.example", "evil.example"},
		`SELECT value FROM blocks WHERE kind = 'actor'`:                 {"https://x.example./users/Keep"},
		`SELECT host FROM allowed_domains ORDER BY host`:                {"10.0.0.1", "friends.example"},
		`SELECT host FROM peer_health`:                                  {"health.example"},
	} {
		if got := column(q); !slices.Equal(got, want) {
			t.Errorf("%s: %q, want %q", q, got, want)
		}
	}
}

// The store's own host matching: a domain block removes rows on every
// port and subdomain of the domain, under any spelling saved earlier, and
// only those; it is lifted, and an allowed server taken off the list,
// under any spelling; the server list has one row per server.
func TestCommonsStoreMatchesHostsNormalised(t *testing.T) {
	ctx := context.Background()
	db := openTemp(t)
	for _, q := range []string{
		`INSERT INTO peers (actor_id, follow_id, inbox, host, state, created_at, updated_at) VALUES
			('https://evil.example:8443/users/a', 'f1', 'https://evil.example:8443/inbox', 'evil.example:8443', 'accepted', 0, 0),
			('https://sub.evil.example/users/b', 'f2', 'https://sub.evil.example/inbox', 'SUB.evil.example.', 'accepted', 0, 0),
			('https://notevil.example/users/c', 'f3', 'https://notevil.example/inbox', 'notevil.example', 'accepted', 0, 0),
			('https://evil.example.net/users/d', 'f4', 'https://evil.example.net/inbox', 'evil.example.net', 'accepted', 0, 0)`,
	} {
		if _, err := db.db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	c := db.Commons()
	if err := c.AddBlock(ctx, hub.Block{Kind: hub.BlockDomain, Value: "evil.example"}); err != nil {
		t.Fatal(err)
	}
	var left []string
	rows, _ := db.db.Query(`SELECT actor_id FROM peers ORDER BY actor_id`)
	for rows.Next() {
		var s string
		rows.Scan(&s)
		left = append(left, s)
	}
	rows.Close()
	if want := []string{"https://evil.example.net/users/d", "https://notevil.example/users/c"}; !slices.Equal(left, want) {
		t.Errorf("peers left after blocking evil.example: %q, want %q", left, want)
	}
	if err := c.RemoveBlock(ctx, hub.BlockDomain, "EVIL.example."); err != nil {
		t.Errorf("lifting the block as EVIL.example.: %v", err)
	}
	if p, _ := c.Policy(ctx); len(p.Blocks) != 0 {
		t.Errorf("blocks left: %+v", p.Blocks)
	}
	if err := c.RemoveBlock(ctx, hub.BlockDomain, "evil.example"); hub.ErrorCode(err) != hub.ENOTFOUND {
		t.Errorf("lifting it again: %v, want ENOTFOUND", err)
	}

	if err := c.Allow(ctx, "Friends.Example.", true); err != nil {
		t.Fatal(err)
	}
	if p, _ := c.Policy(ctx); !slices.Equal(p.Allowed, []string{"friends.example"}) {
		t.Errorf("allowed %q, want [friends.example]", p.Allowed)
	}
	if err := c.Allow(ctx, "ＦＲＩＥＮＤＳ.example", false); err != nil {
		t.Fatal(err)
	}
	if p, _ := c.Policy(ctx); len(p.Allowed) != 0 {
		t.Errorf("allowed after taking it off: %q", p.Allowed)
	}

	if _, err := db.db.Exec(`INSERT INTO blocks (kind, value, created_at) VALUES ('domain', 'notevil.example.', 0)`); err != nil {
		t.Fatal(err)
	}
	servers, err := c.ServerCounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var hosts []string
	for _, s := range servers {
		hosts = append(hosts, s.Host)
		if s.Host == "notevil.example" && (!s.Blocked || s.Following != 1) {
			t.Errorf("notevil.example: %+v, want blocked and followed once", s)
		}
	}
	if want := []string{"evil.example.net", "notevil.example"}; !slices.Equal(hosts, want) {
		t.Errorf("servers %q, want %q", hosts, want)
	}
}
