package storage

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/commonplace-hub/commonplace/hub"
	"github.com/commonplace-hub/commonplace/internal/netaddr"
)

// FederationStore implements hub.FederationStore.
type FederationStore struct{ db *DB }

var _ hub.FederationStore = (*FederationStore)(nil)

// Federation returns the federation store over this database.
func (db *DB) Federation() *FederationStore { return &FederationStore{db} }

func notFound(err error, msg string) error {
	if errors.Is(err, sql.ErrNoRows) {
		// msg is the message itself (Format), so the catalog finds it.
		return &hub.Error{Code: hub.ENOTFOUND, Message: msg, Format: msg}
	}
	return err
}

// ---- key ----

// ActorKey returns the private key PEM, or ENOTFOUND.
func (s *FederationStore) ActorKey(ctx context.Context) (string, error) {
	var pem string
	err := s.db.db.QueryRowContext(ctx, `SELECT private_pem FROM actor_keys WHERE id = 1`).Scan(&pem)
	return pem, wrap(notFound(err, "No actor key yet."), "read actor key")
}

// SaveActorKey stores the key pair unless one exists and returns the stored private key.
func (s *FederationStore) SaveActorKey(ctx context.Context, privatePEM, publicPEM string) (string, error) {
	var stored string
	err := s.db.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO actor_keys (id, private_pem, public_pem, created_at) VALUES (1, ?, ?, ?) ON CONFLICT(id) DO NOTHING`,
			privatePEM, publicPEM, unix(s.db.now())); err != nil {
			return err
		}
		return tx.QueryRowContext(ctx, `SELECT private_pem FROM actor_keys WHERE id = 1`).Scan(&stored)
	})
	return stored, wrap(err, "save actor key")
}

// PublicURL returns the recorded public URL, "" if none.
func (s *FederationStore) PublicURL(ctx context.Context) (string, error) {
	var u string
	err := s.db.db.QueryRowContext(ctx, `SELECT public_url FROM actor_keys WHERE id = 1`).Scan(&u)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return u, wrap(err, "read public URL")
}

// SavePublicURL records the public URL.
func (s *FederationStore) SavePublicURL(ctx context.Context, u string) error {
	_, err := s.db.exec(ctx, `UPDATE actor_keys SET public_url = ? WHERE id = 1`, u)
	return wrap(err, "save public URL")
}

// ---- remote actors ----

const remoteActorCols = `id, key_id, public_key_pem, inbox, shared_inbox, username, name, url, type, fetched_at`

func scanRemoteActor(row interface{ Scan(...any) error }) (*hub.RemoteActor, error) {
	var a hub.RemoteActor
	var fetched int64
	if err := row.Scan(&a.ID, &a.KeyID, &a.PublicKeyPEM, &a.Inbox, &a.SharedInbox, &a.Username, &a.Name, &a.URL, &a.Type, &fetched); err != nil {
		return nil, err
	}
	a.FetchedAt = fromUnix(fetched)
	return &a, nil
}

// RemoteActorByKey returns the cached actor owning a key, or ENOTFOUND.
func (s *FederationStore) RemoteActorByKey(ctx context.Context, keyID string) (*hub.RemoteActor, error) {
	a, err := scanRemoteActor(s.db.db.QueryRowContext(ctx, `SELECT `+remoteActorCols+` FROM remote_actors WHERE key_id = ? ORDER BY fetched_at DESC LIMIT 1`, keyID))
	return a, wrap(notFound(err, "Unknown key."), "read remote actor")
}

// SaveRemoteActor inserts or replaces a cached actor.
func (s *FederationStore) SaveRemoteActor(ctx context.Context, a *hub.RemoteActor) error {
	_, err := s.db.exec(ctx, `INSERT OR REPLACE INTO remote_actors (`+remoteActorCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		a.ID, a.KeyID, a.PublicKeyPEM, a.Inbox, a.SharedInbox, a.Username, a.Name, a.URL, a.Type, unix(a.FetchedAt))
	return wrap(err, "save remote actor")
}

// DeleteRemoteActor forgets a cached actor.
func (s *FederationStore) DeleteRemoteActor(ctx context.Context, id string) error {
	_, err := s.db.exec(ctx, `DELETE FROM remote_actors WHERE id = ?`, id)
	return wrap(err, "delete remote actor")
}

// ---- followers ----

const followerCols = `actor_id, follow_id, inbox, shared_inbox, username, name, url, state, created_at`

func scanFollower(row interface{ Scan(...any) error }) (*hub.FollowerRecord, error) {
	var f hub.FollowerRecord
	var state string
	var created int64
	if err := row.Scan(&f.ActorID, &f.FollowID, &f.Inbox, &f.SharedInbox, &f.Username, &f.Name, &f.URL, &state, &created); err != nil {
		return nil, err
	}
	f.Pending, f.CreatedAt = state == "pending", fromUnix(created)
	return &f, nil
}

func followerState(pending bool) string {
	if pending {
		return "pending"
	}
	return "accepted"
}

// SaveFollower inserts or replaces a follower.
func (s *FederationStore) SaveFollower(ctx context.Context, f *hub.FollowerRecord) error {
	_, err := s.db.exec(ctx, `INSERT INTO followers (`+followerCols+`, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT(actor_id) DO UPDATE SET follow_id = excluded.follow_id, inbox = excluded.inbox, shared_inbox = excluded.shared_inbox,
		username = excluded.username, name = excluded.name, url = excluded.url, state = excluded.state, updated_at = excluded.updated_at`,
		f.ActorID, f.FollowID, f.Inbox, f.SharedInbox, f.Username, f.Name, f.URL, followerState(f.Pending), unix(f.CreatedAt), unix(s.db.now()))
	return wrap(err, "save follower")
}

// Follower returns a follower, or ENOTFOUND.
func (s *FederationStore) Follower(ctx context.Context, actorID string) (*hub.FollowerRecord, error) {
	f, err := scanFollower(s.db.db.QueryRowContext(ctx, `SELECT `+followerCols+` FROM followers WHERE actor_id = ?`, actorID))
	return f, wrap(notFound(err, "No such follower."), "read follower")
}

// DeleteFollower removes a follower, or returns ENOTFOUND.
func (s *FederationStore) DeleteFollower(ctx context.Context, actorID string) error {
	return s.db.execOne(ctx, hub.Errorf(hub.ENOTFOUND, "No such follower."), "delete follower", `DELETE FROM followers WHERE actor_id = ?`, actorID)
}

// Followers lists followers in a state, oldest first, and their total.
func (s *FederationStore) Followers(ctx context.Context, pending bool, limit, offset int) ([]*hub.FollowerRecord, int, error) {
	state := followerState(pending)
	var total int
	if err := s.db.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM followers WHERE state = ?`, state).Scan(&total); err != nil {
		return nil, 0, wrap(err, "count followers")
	}
	out, err := queryAll(ctx, s.db.db, scanFollower, "list followers",
		`SELECT `+followerCols+` FROM followers WHERE state = ? ORDER BY created_at, actor_id LIMIT ? OFFSET ?`, state, limit, offset)
	return out, total, err
}

// FollowerInboxes returns the distinct delivery inboxes of accepted followers.
func (s *FederationStore) FollowerInboxes(ctx context.Context) ([]string, error) {
	return queryAll(ctx, s.db.db, scanString, "list inboxes", `SELECT DISTINCT CASE WHEN shared_inbox != '' THEN shared_inbox ELSE inbox END AS box
		FROM followers WHERE state = 'accepted' ORDER BY box`)
}

// scanString reads a row of one text column.
func scanString(sc rowScanner) (string, error) {
	var v string
	if err := sc.Scan(&v); err != nil {
		return "", err
	}
	return v, nil
}

// ---- activities and the delivery queue ----

// Enqueue stores an activity, one delivery per inbox and the published-object change, atomically.
func (s *FederationStore) Enqueue(ctx context.Context, e hub.Enqueued) error {
	a := e.Activity
	err := s.db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO activities (iri, type, object_iri, public, body, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
			a.IRI, a.Type, a.ObjectIRI, a.Public, a.Body, unix(a.CreatedAt))
		if err != nil {
			return err
		}
		if a.ID, err = res.LastInsertId(); err != nil {
			return err
		}
		if len(e.Inboxes) > 0 {
			stmt, err := tx.PrepareContext(ctx, `INSERT OR IGNORE INTO deliveries (activity_id, inbox, host, state, next_attempt_at, created_at, updated_at)
				VALUES (?, ?, ?, 'pending', ?, ?, ?)`)
			if err != nil {
				return err
			}
			defer stmt.Close()
			now := unix(a.CreatedAt)
			for _, inbox := range e.Inboxes {
				if _, err := stmt.ExecContext(ctx, a.ID, inbox, netaddr.HostOfURL(inbox), now, now, now); err != nil {
					return err
				}
			}
		}
		if r := e.Record; r != nil {
			if _, err := tx.ExecContext(ctx, `INSERT OR REPLACE INTO published_objects (iri, kind, item_id, occurrence, starts_at, hash, body, published_at, updated_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, r.IRI, r.Kind, r.ItemID, r.Occurrence, nullUnix(r.StartsAt), r.Hash, r.Body,
				unix(r.PublishedAt), unix(r.UpdatedAt)); err != nil {
				return err
			}
		}
		if e.Forget != "" {
			if _, err := tx.ExecContext(ctx, `DELETE FROM published_objects WHERE iri = ?`, e.Forget); err != nil {
				return err
			}
		}
		if e.Withdraw != "" {
			// Earlier public activities about the object leave the outbox,
			// so a peer reading it does not bring the object back.
			if _, err := tx.ExecContext(ctx, `UPDATE activities SET public = 0 WHERE object_iri = ? AND iri <> ?`, e.Withdraw, e.Activity.IRI); err != nil {
				return err
			}
		}
		return nil
	})
	return wrap(err, "queue activity")
}

// Outbox lists public activities, newest first, and their total.
func (s *FederationStore) Outbox(ctx context.Context, limit, offset int) ([]*hub.OutActivity, int, error) {
	var total int
	if err := s.db.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM activities WHERE public = 1`).Scan(&total); err != nil {
		return nil, 0, wrap(err, "count outbox")
	}
	out, err := queryAll(ctx, s.db.db, func(r rowScanner) (*hub.OutActivity, error) {
		var a hub.OutActivity
		var created int64
		err := r.Scan(&a.ID, &a.IRI, &a.Type, &a.ObjectIRI, &a.Public, &a.Body, &created)
		a.CreatedAt = fromUnix(created)
		return &a, err
	}, "list outbox", `SELECT id, iri, type, object_iri, public, body, created_at FROM activities WHERE public = 1 ORDER BY id DESC LIMIT ? OFFSET ?`, limit, offset)
	return out, total, err
}

// ClaimDeliveries leases up to n due deliveries, skipping inboxes on
// skipHosts.
func (s *FederationStore) ClaimDeliveries(ctx context.Context, now time.Time, lease time.Duration, n int, skipHosts ...string) ([]hub.DeliveryJob, error) {
	var jobs []hub.DeliveryJob
	args := []any{unix(now.Add(lease)), unix(now), unix(now)}
	var skip strings.Builder
	for _, h := range skipHosts {
		// LIKE ignores ASCII case, as host names do.
		skip.WriteString(` AND NOT (inbox LIKE ? ESCAPE '\' OR inbox LIKE ? ESCAPE '\')`)
		args = append(args, "https://"+escapeLike(h)+"/%", "http://"+escapeLike(h)+"/%")
	}
	args = append(args, n)
	err := s.db.inTx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `UPDATE deliveries SET leased_until = ?
			WHERE id IN (SELECT id FROM deliveries WHERE state = 'pending' AND next_attempt_at <= ? AND leased_until < ?`+skip.String()+`
				ORDER BY next_attempt_at, id LIMIT ?)
			RETURNING id, inbox, attempts, activity_id`, args...)
		if err != nil {
			return err
		}
		var actIDs []int64
		for rows.Next() {
			var j hub.DeliveryJob
			var actID int64
			if err := rows.Scan(&j.DeliveryID, &j.Inbox, &j.Attempts, &actID); err != nil {
				rows.Close()
				return err
			}
			jobs = append(jobs, j)
			actIDs = append(actIDs, actID)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		// Many deliveries share one activity: read each body once.
		bodies := map[int64][2]any{}
		for i, id := range actIDs {
			b, ok := bodies[id]
			if !ok {
				var iri string
				var body []byte
				if err := tx.QueryRowContext(ctx, `SELECT iri, body FROM activities WHERE id = ?`, id).Scan(&iri, &body); err != nil {
					return err
				}
				b = [2]any{iri, body}
				bodies[id] = b
			}
			jobs[i].ActivityIRI, jobs[i].Body = b[0].(string), b[1].([]byte)
		}
		return nil
	})
	return jobs, wrap(err, "claim deliveries")
}

// FinishDelivery records an attempt and the peer's health.
func (s *FederationStore) FinishDelivery(ctx context.Context, id int64, ok bool, status int, errMsg string, next *time.Time, now time.Time) error {
	err := s.db.inTx(ctx, func(tx *sql.Tx) error {
		state, nextAt := "done", unix(now)
		switch {
		case ok:
		case next != nil:
			state, nextAt = "pending", unix(*next)
		default:
			state = "failed"
		}
		var host string
		if err := tx.QueryRowContext(ctx, `UPDATE deliveries SET state = ?, attempts = attempts + 1, next_attempt_at = ?, leased_until = 0,
			last_status = ?, last_error = ?, updated_at = ? WHERE id = ? RETURNING host`,
			state, nextAt, status, errMsg, unix(now), id).Scan(&host); err != nil {
			return notFound(err, "No such delivery.")
		}
		if ok {
			_, err := tx.ExecContext(ctx, `INSERT INTO peer_health (host, delivered, last_success_at) VALUES (?, 1, ?)
				ON CONFLICT(host) DO UPDATE SET delivered = delivered + 1, consecutive_failures = 0, last_success_at = excluded.last_success_at`, host, unix(now))
			return err
		}
		gaveUp := 0
		if next == nil {
			gaveUp = 1
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO peer_health (host, failed, consecutive_failures, last_failure_at, last_error) VALUES (?, ?, 1, ?, ?)
			ON CONFLICT(host) DO UPDATE SET failed = failed + excluded.failed, consecutive_failures = consecutive_failures + 1,
			last_failure_at = excluded.last_failure_at, last_error = excluded.last_error`, host, gaveUp, unix(now), errMsg)
		return err
	})
	return wrap(err, "record delivery")
}

// ReleaseLeases makes leased deliveries claimable again.
func (s *FederationStore) ReleaseLeases(ctx context.Context) error {
	_, err := s.db.exec(ctx, `UPDATE deliveries SET leased_until = 0 WHERE state = 'pending' AND leased_until != 0`)
	return wrap(err, "release deliveries")
}

// RetryDelivery puts a failed delivery back in the queue.
func (s *FederationStore) RetryDelivery(ctx context.Context, id int64, now time.Time) error {
	return s.db.execOne(ctx, hub.Errorf(hub.ENOTFOUND, "No failed delivery with that number."), "retry delivery", `UPDATE deliveries SET state = 'pending', attempts = 0, next_attempt_at = ?, leased_until = 0, updated_at = ?
		WHERE id = ? AND state = 'failed'`, unix(now), unix(now), id)
}

// Deliveries lists deliveries in a state, most recent first.
func (s *FederationStore) Deliveries(ctx context.Context, state string, limit int) ([]hub.Delivery, error) {
	return queryAll(ctx, s.db.db, scanDelivery, "list deliveries", `SELECT d.id, a.type, a.object_iri, d.inbox, d.state, d.attempts, d.next_attempt_at, d.last_status, d.last_error, d.created_at
		FROM deliveries d JOIN activities a ON a.id = d.activity_id WHERE d.state = ? ORDER BY d.updated_at DESC, d.id DESC LIMIT ?`, state, limit)
}

// scanDelivery reads a delivery row of Deliveries.
func scanDelivery(sc rowScanner) (hub.Delivery, error) {
	var d hub.Delivery
	var next, created int64
	if err := sc.Scan(&d.ID, &d.ActivityType, &d.ObjectID, &d.Inbox, &d.State, &d.Attempts, &next, &d.LastStatus, &d.LastError, &created); err != nil {
		return hub.Delivery{}, err
	}
	d.NextAttempt, d.CreatedAt = fromUnix(next), fromUnix(created)
	return d, nil
}

// Peers reports each remote server's delivery health, troubled ones first.
func (s *FederationStore) Peers(ctx context.Context) ([]hub.PeerStatus, error) {
	return queryAll(ctx, s.db.db, scanPeerStatus, "list peers", `SELECT p.host, p.delivered, p.failed, p.consecutive_failures, p.last_success_at, p.last_failure_at, p.last_error,
		(SELECT COUNT(*) FROM deliveries d WHERE d.host = p.host AND d.state = 'pending')
		FROM peer_health p ORDER BY p.consecutive_failures DESC, p.host LIMIT 500`)
}

// scanPeerStatus reads a server's delivery health row of Peers.
func scanPeerStatus(sc rowScanner) (hub.PeerStatus, error) {
	var p hub.PeerStatus
	var ok, bad sql.NullInt64
	if err := sc.Scan(&p.Host, &p.Delivered, &p.Failed, &p.ConsecutiveFailures, &ok, &bad, &p.LastError, &p.Pending); err != nil {
		return hub.PeerStatus{}, err
	}
	p.LastSuccess, p.LastFailure = timePtr(ok), timePtr(bad)
	return p, nil
}

// ---- inbox ids ----

// MarkSeen records an incoming activity id; false if seen before.
func (s *FederationStore) MarkSeen(ctx context.Context, iri string, now time.Time) (bool, error) {
	res, err := s.db.exec(ctx, `INSERT OR IGNORE INTO inbox_seen (iri, received_at) VALUES (?, ?)`, iri, unix(now))
	if err != nil {
		return false, wrap(err, "record activity id")
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// ForgetSeen drops ids received before a time.
func (s *FederationStore) ForgetSeen(ctx context.Context, before time.Time) error {
	_, err := s.db.exec(ctx, `DELETE FROM inbox_seen WHERE received_at < ?`, unix(before))
	return wrap(err, "forget activity ids")
}

// ---- published objects ----

// PublishedObjects lists what has been published for an item.
func (s *FederationStore) PublishedObjects(ctx context.Context, kind hub.Kind, itemID int64) ([]*hub.PublishedObject, error) {
	return queryAll(ctx, s.db.db, scanPublishedObject, "list published objects", `SELECT iri, kind, item_id, occurrence, starts_at, hash, body, published_at, updated_at
		FROM published_objects WHERE kind = ? AND item_id = ? ORDER BY iri`, kind, itemID)
}

// scanPublishedObject reads a published_objects row.
func scanPublishedObject(sc rowScanner) (*hub.PublishedObject, error) {
	var p hub.PublishedObject
	var starts sql.NullInt64
	var pub, upd int64
	if err := sc.Scan(&p.IRI, &p.Kind, &p.ItemID, &p.Occurrence, &starts, &p.Hash, &p.Body, &pub, &upd); err != nil {
		return nil, err
	}
	p.StartsAt, p.PublishedAt, p.UpdatedAt = timePtr(starts), fromUnix(pub), fromUnix(upd)
	return &p, nil
}

// ---- server software ----

// ServerSoftware returns what was last learnt of a server's software, or
// ENOTFOUND.
func (s *FederationStore) ServerSoftware(ctx context.Context, host string) (*hub.ServerSoftware, error) {
	var sw hub.ServerSoftware
	var checked int64
	err := s.db.db.QueryRowContext(ctx, `SELECT host, software, version, checked_at, problem FROM server_software WHERE host = ?`,
		host).Scan(&sw.Host, &sw.Name, &sw.Version, &checked, &sw.Problem)
	if err != nil {
		return nil, wrap(notFound(err, "Unknown server."), "read server software")
	}
	sw.CheckedAt = fromUnix(checked)
	return &sw, nil
}

// SaveServerSoftware records what a server runs, replacing what was.
func (s *FederationStore) SaveServerSoftware(ctx context.Context, sw hub.ServerSoftware) error {
	_, err := s.db.exec(ctx, `INSERT OR REPLACE INTO server_software (host, software, version, checked_at, problem) VALUES (?, ?, ?, ?, ?)`,
		sw.Host, sw.Name, sw.Version, unix(sw.CheckedAt), sw.Problem)
	return wrap(err, "save server software")
}
