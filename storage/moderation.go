package storage

import (
	"context"
	"database/sql"
	"fmt"
	"sort"

	"github.com/commonplace-hub/commonplace/hub"
	"github.com/commonplace-hub/commonplace/internal/netaddr"
)

// Policy returns the blocks and the allowlist.
func (s *CommonsStore) Policy(ctx context.Context) (*hub.Policy, error) {
	p := &hub.Policy{}
	if err := s.db.db.QueryRowContext(ctx, `SELECT allowlist, hold_replies FROM federation_policy WHERE id = 1`).Scan(&p.Allowlist, &p.HoldReplies); err != nil {
		return nil, wrap(err, "read federation policy")
	}
	var err error
	p.Blocks, err = queryAll(ctx, s.db.db, func(r rowScanner) (hub.Block, error) {
		var b hub.Block
		var created int64
		err := r.Scan(&b.Kind, &b.Value, &b.Note, &created)
		b.Created = fromUnix(created)
		return b, err
	}, "list blocks", `SELECT kind, value, note, created_at FROM blocks ORDER BY created_at DESC, value`)
	if err != nil {
		return nil, err
	}
	if p.Allowed, err = queryAll(ctx, s.db.db, scanValue[string], "list allowed domains", `SELECT host FROM allowed_domains ORDER BY host`); err != nil {
		return nil, err
	}
	return p, nil
}

// AddBlock records a block and removes what the blocked actor or domain
// left here, in one transaction.
func (s *CommonsStore) AddBlock(ctx context.Context, b hub.Block) error {
	return wrap(s.db.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO blocks (kind, value, note, created_at) VALUES (?, ?, ?, ?)
			ON CONFLICT(kind, value) DO UPDATE SET note = excluded.note`, b.Kind, b.Value, b.Note, unix(s.db.now())); err != nil {
			return err
		}
		// Match an actor by IRI, a domain by host: the hosts a table holds
		// are matched here rather than in SQL, as blocks match
		// (netaddr.HostMatches: subdomains, every port unless the block
		// names one, and any spelling an older version saved).
		for _, q := range []struct{ sql, iri, host, hosts string }{
			{`DELETE FROM comments WHERE %s`, "author_actor", "author_host", `SELECT DISTINCT author_host FROM comments`},
			{`DELETE FROM adaptations WHERE %s`, "by_actor", "by_host", `SELECT DISTINCT by_host FROM adaptations`},
			{`DELETE FROM remote_item_sources WHERE item_id IN (SELECT id FROM remote_items WHERE %s)`, "origin_actor", "origin_host", `SELECT DISTINCT origin_host FROM remote_items`},
			{`DELETE FROM remote_item_sources WHERE peer_actor IN (SELECT actor_id FROM peers WHERE %s)`, "actor_id", "host", `SELECT DISTINCT host FROM peers`},
			{`DELETE FROM peers WHERE %s`, "actor_id", "host", `SELECT DISTINCT host FROM peers`},
			{`DELETE FROM deliveries WHERE state = 'pending' AND %s`, "inbox", "host", `SELECT DISTINCT host FROM deliveries WHERE state = 'pending'`},
		} {
			if b.Kind == hub.BlockActor {
				cond, args := q.iri+` = ?`, []any{b.Value}
				if q.iri == "inbox" {
					// An actor's own deliveries: those to its inbox.
					cond, args = `inbox IN (SELECT inbox FROM followers WHERE actor_id = ? UNION SELECT inbox FROM peers WHERE actor_id = ?)`, []any{b.Value, b.Value}
				}
				if _, err := tx.ExecContext(ctx, fmt.Sprintf(q.sql, cond), args...); err != nil {
					return err
				}
				continue
			}
			hosts, err := matchingHosts(ctx, tx, q.hosts, b.Value)
			if err != nil {
				return err
			}
			for _, h := range hosts {
				if _, err := tx.ExecContext(ctx, fmt.Sprintf(q.sql, q.host+` = ?`), h); err != nil {
					return err
				}
			}
		}
		// Followers are matched on the host of their IRI.
		var followers []string
		if err := queryEach(ctx, tx, `SELECT actor_id FROM followers`, nil, func(r rowScanner) error {
			var id string
			if err := r.Scan(&id); err != nil {
				return err
			}
			if b.Kind == hub.BlockActor && id == b.Value || b.Kind == hub.BlockDomain && netaddr.HostMatches(netaddr.HostOfURL(id), b.Value) {
				followers = append(followers, id)
			}
			return nil
		}); err != nil {
			return err
		}
		for _, id := range followers {
			if _, err := tx.ExecContext(ctx, `DELETE FROM followers WHERE actor_id = ?`, id); err != nil {
				return err
			}
		}
		return dropOrphanItems(ctx, tx)
	}), "block")
}

// matchingHosts runs query, which lists hosts, and returns those a block
// on domain covers.
func matchingHosts(ctx context.Context, tx *sql.Tx, query, domain string) ([]string, error) {
	var out []string
	err := queryEach(ctx, tx, query, nil, func(r rowScanner) error {
		h, err := scanValue[string](r)
		if err == nil && netaddr.HostMatches(h, domain) {
			out = append(out, h)
		}
		return err
	})
	return out, err
}

// normalHost is a host in its one spelling (netaddr.NormalizeHost), or as
// it is if it is not a valid host.
func normalHost(h string) string {
	if n, err := netaddr.NormalizeHost(h); err == nil {
		return n
	}
	return h
}

// deleteHosts deletes the rows of table whose column holds host in any
// spelling (rows saved by older versions may have another), within where;
// it returns how many it deleted.
func deleteHosts(ctx context.Context, tx *sql.Tx, table, column, where, host string) (int, error) {
	var spellings []string
	if err := queryEach(ctx, tx, `SELECT DISTINCT `+column+` FROM `+table+` WHERE `+where, nil, func(r rowScanner) error {
		h, err := scanValue[string](r)
		if err == nil && (h == host || normalHost(h) == normalHost(host)) {
			spellings = append(spellings, h)
		}
		return err
	}); err != nil {
		return 0, err
	}
	n := 0
	for _, h := range spellings {
		res, err := tx.ExecContext(ctx, `DELETE FROM `+table+` WHERE `+where+` AND `+column+` = ?`, h)
		if err != nil {
			return 0, err
		}
		k, _ := res.RowsAffected()
		n += int(k)
	}
	return n, nil
}

// RemoveBlock lifts a block; ENOTFOUND if there was none. A domain block
// is lifted whichever spelling of its host it was saved under.
func (s *CommonsStore) RemoveBlock(ctx context.Context, kind, value string) error {
	n := 0
	err := s.db.inTx(ctx, func(tx *sql.Tx) error {
		if kind != hub.BlockDomain {
			res, err := tx.ExecContext(ctx, `DELETE FROM blocks WHERE kind = ? AND value = ?`, kind, value)
			if err != nil {
				return err
			}
			k, _ := res.RowsAffected()
			n = int(k)
			return nil
		}
		var err error
		n, err = deleteHosts(ctx, tx, "blocks", "value", "kind = 'domain'", value)
		return err
	})
	if err != nil {
		return wrap(err, "unblock")
	}
	if n == 0 {
		return hub.Errorf(hub.ENOTFOUND, "That is not blocked.")
	}
	return nil
}

// SetAllowlist turns allowlist mode on or off.
func (s *CommonsStore) SetAllowlist(ctx context.Context, on bool) error {
	_, err := s.db.exec(ctx, `UPDATE federation_policy SET allowlist = ? WHERE id = 1`, on)
	return wrap(err, "set allowlist mode")
}

// SetHoldReplies turns holding replies from servers the hub follows
// nobody on for review on or off.
func (s *CommonsStore) SetHoldReplies(ctx context.Context, on bool) error {
	_, err := s.db.exec(ctx, `UPDATE federation_policy SET hold_replies = ? WHERE id = 1`, on)
	return wrap(err, "set holding replies")
}

// Allow adds a host, in its one spelling, to the allowlist or takes it off
// under any spelling.
func (s *CommonsStore) Allow(ctx context.Context, host string, allowed bool) error {
	var err error
	if allowed {
		_, err = s.db.exec(ctx, `INSERT INTO allowed_domains (host, created_at) VALUES (?, ?) ON CONFLICT(host) DO NOTHING`, normalHost(host), unix(s.db.now()))
	} else {
		err = s.db.inTx(ctx, func(tx *sql.Tx) error {
			_, err := deleteHosts(ctx, tx, "allowed_domains", "host", "1", host)
			return err
		})
	}
	return wrap(err, "change allowlist")
}

// ServerCounts counts followed peers, followers and items per remote host,
// in its one spelling.
func (s *CommonsStore) ServerCounts(ctx context.Context) ([]hub.KnownServer, error) {
	byHost := map[string]*hub.KnownServer{}
	get := func(h string) *hub.KnownServer {
		h = normalHost(h)
		if byHost[h] == nil {
			byHost[h] = &hub.KnownServer{Host: h}
		}
		return byHost[h]
	}
	for _, q := range []struct {
		sql string
		add func(k *hub.KnownServer, n int)
	}{
		{`SELECT host, COUNT(*) FROM peers GROUP BY host`, func(k *hub.KnownServer, n int) { k.Following += n }},
		{`SELECT origin_host, COUNT(*) FROM remote_items GROUP BY origin_host`, func(k *hub.KnownServer, n int) { k.Items += n }},
		{`SELECT host, 0 FROM allowed_domains`, func(k *hub.KnownServer, n int) { k.Allowed = true }},
		{`SELECT value, 0 FROM blocks WHERE kind = 'domain'`, func(k *hub.KnownServer, n int) { k.Blocked = true }},
	} {
		if err := s.eachCount(ctx, q.sql, func(h string, n int) { q.add(get(h), n) }); err != nil {
			return nil, err
		}
	}
	// Followers: by the host of their IRI.
	if err := s.eachCount(ctx, `SELECT actor_id, 1 FROM followers WHERE state = 'accepted'`, func(id string, n int) {
		get(netaddr.HostOfURL(id)).Followers += n
	}); err != nil {
		return nil, err
	}
	out := make([]hub.KnownServer, 0, len(byHost))
	for _, k := range byHost {
		out = append(out, *k)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Host < out[j].Host })
	return out, nil
}

func (s *CommonsStore) eachCount(ctx context.Context, query string, fn func(string, int)) error {
	rows, err := s.db.db.QueryContext(ctx, query)
	if err != nil {
		return wrap(err, "count servers")
	}
	defer rows.Close()
	for rows.Next() {
		var h string
		var n int
		if err := rows.Scan(&h, &n); err != nil {
			return wrap(err, "count servers")
		}
		fn(h, n)
	}
	return wrap(rows.Err(), "count servers")
}
