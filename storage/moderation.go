package storage

import (
	"context"
	"database/sql"
	"fmt"
	"sort"

	"github.com/commonplace-hub/commonplace/federation"
	"github.com/commonplace-hub/commonplace/hub"
)

// Policy returns the blocks and the allowlist.
func (s *CommonsStore) Policy(ctx context.Context) (*hub.Policy, error) {
	p := &hub.Policy{}
	if err := s.db.db.QueryRowContext(ctx, `SELECT allowlist FROM federation_policy WHERE id = 1`).Scan(&p.Allowlist); err != nil {
		return nil, wrap(err, "read federation policy")
	}
	rows, err := s.db.db.QueryContext(ctx, `SELECT kind, value, note, created_at FROM blocks ORDER BY created_at DESC, value`)
	if err != nil {
		return nil, wrap(err, "list blocks")
	}
	defer rows.Close()
	for rows.Next() {
		var b hub.Block
		var created int64
		if err := rows.Scan(&b.Kind, &b.Value, &b.Note, &created); err != nil {
			return nil, wrap(err, "read block")
		}
		b.Created = fromUnix(created)
		p.Blocks = append(p.Blocks, b)
	}
	if err := rows.Err(); err != nil {
		return nil, wrap(err, "list blocks")
	}
	hosts, err := s.db.db.QueryContext(ctx, `SELECT host FROM allowed_domains ORDER BY host`)
	if err != nil {
		return nil, wrap(err, "list allowed domains")
	}
	defer hosts.Close()
	for hosts.Next() {
		var h string
		if err := hosts.Scan(&h); err != nil {
			return nil, wrap(err, "read allowed domain")
		}
		p.Allowed = append(p.Allowed, h)
	}
	return p, wrap(hosts.Err(), "list allowed domains")
}

// AddBlock records a block and removes what the blocked actor or domain
// left here, in one transaction.
func (s *CommonsStore) AddBlock(ctx context.Context, b hub.Block) error {
	return wrap(s.db.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO blocks (kind, value, note, created_at) VALUES (?, ?, ?, ?)
			ON CONFLICT(kind, value) DO UPDATE SET note = excluded.note`, b.Kind, b.Value, b.Note, unix(s.db.now())); err != nil {
			return err
		}
		// Match an actor by IRI, a domain by host (and its subdomains).
		match := func(iriCol, hostCol string) (string, []any) {
			if b.Kind == hub.BlockActor {
				return iriCol + ` = ?`, []any{b.Value}
			}
			return `(` + hostCol + ` = ? OR ` + hostCol + ` LIKE ?)`, []any{b.Value, "%." + b.Value}
		}
		for _, q := range []struct{ sql, iri, host string }{
			{`DELETE FROM comments WHERE %s`, "author_actor", "author_host"},
			{`DELETE FROM remote_item_sources WHERE item_id IN (SELECT id FROM remote_items WHERE %s)`, "origin_actor", "origin_host"},
			{`DELETE FROM remote_item_sources WHERE peer_actor IN (SELECT actor_id FROM peers WHERE %s)`, "actor_id", "host"},
			{`DELETE FROM peers WHERE %s`, "actor_id", "host"},
			{`DELETE FROM deliveries WHERE state = 'pending' AND %s`, "inbox", "host"},
		} {
			cond, args := match(q.iri, q.host)
			if b.Kind == hub.BlockActor && q.iri == "inbox" {
				// An actor's own deliveries: those to its inbox.
				cond, args = `inbox IN (SELECT inbox FROM followers WHERE actor_id = ? UNION SELECT inbox FROM peers WHERE actor_id = ?)`, []any{b.Value, b.Value}
			}
			if _, err := tx.ExecContext(ctx, fmt.Sprintf(q.sql, cond), args...); err != nil {
				return err
			}
		}
		// Followers are matched on the host of their IRI.
		var followers []string
		rows, err := tx.QueryContext(ctx, `SELECT actor_id FROM followers`)
		if err != nil {
			return err
		}
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			if b.Kind == hub.BlockActor && id == b.Value || b.Kind == hub.BlockDomain && hostMatches(federation.HostOf(id), b.Value) {
				followers = append(followers, id)
			}
		}
		rows.Close()
		for _, id := range followers {
			if _, err := tx.ExecContext(ctx, `DELETE FROM followers WHERE actor_id = ?`, id); err != nil {
				return err
			}
		}
		return dropOrphanItems(ctx, tx)
	}), "block")
}

// hostMatches reports whether host is domain or one of its subdomains.
func hostMatches(host, domain string) bool {
	return host == domain || len(host) > len(domain) && host[len(host)-len(domain)-1:] == "."+domain
}

// RemoveBlock lifts a block; ENOTFOUND if there was none.
func (s *CommonsStore) RemoveBlock(ctx context.Context, kind, value string) error {
	res, err := s.db.exec(ctx, `DELETE FROM blocks WHERE kind = ? AND value = ?`, kind, value)
	if err != nil {
		return wrap(err, "unblock")
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return hub.Errorf(hub.ENOTFOUND, "That is not blocked.")
	}
	return nil
}

// SetAllowlist turns allowlist mode on or off.
func (s *CommonsStore) SetAllowlist(ctx context.Context, on bool) error {
	_, err := s.db.exec(ctx, `UPDATE federation_policy SET allowlist = ? WHERE id = 1`, on)
	return wrap(err, "set allowlist mode")
}

// Allow adds a host to the allowlist or takes it off.
func (s *CommonsStore) Allow(ctx context.Context, host string, allowed bool) error {
	var err error
	if allowed {
		_, err = s.db.exec(ctx, `INSERT INTO allowed_domains (host, created_at) VALUES (?, ?) ON CONFLICT(host) DO NOTHING`, host, unix(s.db.now()))
	} else {
		_, err = s.db.exec(ctx, `DELETE FROM allowed_domains WHERE host = ?`, host)
	}
	return wrap(err, "change allowlist")
}

// ServerCounts counts followed peers, followers and items per remote host.
func (s *CommonsStore) ServerCounts(ctx context.Context) ([]hub.KnownServer, error) {
	byHost := map[string]*hub.KnownServer{}
	get := func(h string) *hub.KnownServer {
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
		get(federation.HostOf(id)).Followers += n
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
