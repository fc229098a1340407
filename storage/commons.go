package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/commonplace-hub/commonplace/hub"
	"github.com/commonplace-hub/commonplace/internal/netaddr"
)

// CommonsStore implements hub.CommonsStore (reading and moderating the
// commons) and hub.FederationCommonsStore (filling it).
type CommonsStore struct{ db *DB }

var (
	_ hub.CommonsStore           = (*CommonsStore)(nil)
	_ hub.FederationCommonsStore = (*CommonsStore)(nil)
)

// Commons returns the commons store over this database.
func (db *DB) Commons() *CommonsStore { return &CommonsStore{db} }

// ---- remote items ----

const remoteItemCols = `i.id, i.object_id, i.kind, i.url, i.title, i.summary, i.content_html, i.content_text, i.sections,
	i.origin_actor, i.origin_name, i.origin_username, i.origin_url, i.origin_host, i.starts_at, i.ends_at, i.time_zone,
	i.place_name, i.address, i.online_url, i.latitude, i.longitude, i.tag_names, i.language, i.published_at, i.updated_at, i.received_at, i.translations,
	EXISTS (SELECT 1 FROM reshares r WHERE r.object_id = i.object_id)`

func scanRemoteItem(sc interface{ Scan(...any) error }) (*hub.RemoteItem, error) {
	it := &hub.RemoteItem{}
	var sections, tags, translations string
	var starts, ends sql.NullInt64
	var lat, lon sql.NullFloat64
	var published, updated, received int64
	if err := sc.Scan(&it.ID, &it.ObjectID, &it.Kind, &it.URL, &it.Title, &it.Summary, &it.ContentHTML, &it.ContentText, &sections,
		&it.Origin.ActorID, &it.Origin.Name, &it.Origin.Username, &it.Origin.URL, &it.Origin.Host, &starts, &ends, &it.TimeZone,
		&it.PlaceName, &it.Address, &it.OnlineURL, &lat, &lon, &tags, &it.Language, &published, &updated, &received, &translations, &it.Reshared); err != nil {
		return nil, err
	}
	if translations != "" {
		if err := json.Unmarshal([]byte(translations), &it.Translations); err != nil {
			return nil, err
		}
	}
	if sections != "" {
		if err := json.Unmarshal([]byte(sections), &it.Sections); err != nil {
			return nil, err
		}
	}
	loc := location(it.TimeZone)
	if starts.Valid {
		t := time.Unix(starts.Int64, 0).In(loc)
		it.StartsAt = &t
	}
	if ends.Valid {
		t := time.Unix(ends.Int64, 0).In(loc)
		it.EndsAt = &t
	}
	it.Latitude, it.Longitude = floatPtr(lat), floatPtr(lon)
	if tags != "" {
		it.Tags = strings.Split(tags, "\n")
	}
	it.Published, it.Updated, it.Received = fromUnix(published), fromUnix(updated), fromUnix(received)
	return it, nil
}

// fillShares loads who re-shared each item, and its picture.
func (s *CommonsStore) fillShares(ctx context.Context, items []*hub.RemoteItem) error {
	if len(items) == 0 {
		return nil
	}
	if err := s.fillRemotePictures(ctx, items); err != nil {
		return err
	}
	if err := s.fillRemoteOriginals(ctx, items); err != nil {
		return err
	}
	byID, ids := remoteItemsByID(items)
	return queryIn(ctx, s.db.db, `SELECT s.item_id, s.peer_actor, COALESCE(p.name, ''), COALESCE(p.username, ''), COALESCE(p.url, ''), COALESCE(p.host, '')
		FROM remote_item_sources s LEFT JOIN peers p ON p.actor_id = s.peer_actor
		WHERE s.via = 'share' AND s.item_id IN `, ids, ` ORDER BY s.created_at`, nil, func(r rowScanner) error {
		var id int64
		var o hub.Origin
		if err := r.Scan(&id, &o.ActorID, &o.Name, &o.Username, &o.URL, &o.Host); err != nil {
			return err
		}
		if o.Host == "" {
			o.Host = netaddr.HostOfURL(o.ActorID)
		}
		byID[id].SharedBy = append(byID[id].SharedBy, o)
		return nil
	})
}

// remoteItemsByID indexes items by id and lists their ids.
func remoteItemsByID(items []*hub.RemoteItem) (map[int64]*hub.RemoteItem, []int64) {
	byID := make(map[int64]*hub.RemoteItem, len(items))
	ids := make([]int64, 0, len(items))
	for _, it := range items {
		byID[it.ID] = it
		ids = append(ids, it.ID)
	}
	return byID, ids
}

// RemoteItems lists remote items: events by start, others newest first.
func (s *CommonsStore) RemoteItems(ctx context.Context, f hub.RemoteItemFilter) ([]*hub.RemoteItem, int, error) {
	l := listing{from: "remote_items i", columns: remoteItemCols, order: "i.published_at DESC, i.id DESC"}
	if f.Kind == hub.KindEvent {
		l.order = "i.starts_at, i.id"
	}
	l.filter(f.Kind != "", "i.kind = ?", f.Kind)
	l.filter(f.Host != "", "i.origin_host = ?", f.Host)
	l.filter(!f.After.IsZero(), "(i.kind <> 'event' OR COALESCE(i.ends_at, i.starts_at) >= ?)", unix(f.After))
	total, err := l.count(ctx, s.db.db, "count remote items")
	if err != nil {
		return nil, 0, err
	}
	// LIMIT as given, even 0 (none).
	items, err := queryAll(ctx, s.db.db, scanRemoteItem, "list remote items", l.query()+` LIMIT ? OFFSET ?`, append(l.args, f.Limit, f.Offset)...)
	if err != nil {
		return nil, 0, err
	}
	return items, total, wrap(s.fillShares(ctx, items), "read re-shares")
}

// RemoteItem returns one remote item, or ENOTFOUND.
func (s *CommonsStore) RemoteItem(ctx context.Context, id int64) (*hub.RemoteItem, error) {
	it, err := scanRemoteItem(s.db.db.QueryRowContext(ctx, `SELECT `+remoteItemCols+` FROM remote_items i WHERE i.id = ?`, id))
	if err != nil {
		return nil, wrap(notFound(err, "There is no such item in the commons."), "read remote item")
	}
	return it, wrap(s.fillShares(ctx, []*hub.RemoteItem{it}), "read re-shares")
}

// RemoteItemByObject returns a remote item by its ActivityPub id.
func (s *CommonsStore) RemoteItemByObject(ctx context.Context, objectID string) (*hub.RemoteItem, error) {
	it, err := scanRemoteItem(s.db.db.QueryRowContext(ctx, `SELECT `+remoteItemCols+` FROM remote_items i WHERE i.object_id = ?`, objectID))
	if err != nil {
		return nil, wrap(notFound(err, "There is no such item in the commons."), "read remote item")
	}
	return it, wrap(s.fillShares(ctx, []*hub.RemoteItem{it}), "read re-shares")
}

// SaveRemoteItem inserts or updates an item and records its source.
func (s *CommonsStore) SaveRemoteItem(ctx context.Context, it *hub.RemoteItem, src hub.ItemSource) (bool, error) {
	var sections []byte
	if len(it.Sections) > 0 {
		var err error
		if sections, err = json.Marshal(it.Sections); err != nil {
			return false, err
		}
	}
	translations := ""
	if len(it.Translations) > 0 {
		b, err := json.Marshal(it.Translations)
		if err != nil {
			return false, err
		}
		translations = string(b)
	}
	slugs := make([]string, 0, len(it.Tags))
	for _, t := range it.Tags {
		if sl := hub.Slugify(t); sl != "" {
			slugs = append(slugs, sl)
		}
	}
	tagSlugs := ""
	if len(slugs) > 0 {
		tagSlugs = " " + strings.Join(slugs, " ") + " "
	}
	now := s.db.now()
	if it.Received.IsZero() {
		it.Received = now
	}
	changed := false
	err := s.db.inTx(ctx, func(tx *sql.Tx) error {
		var id, updated int64
		err := tx.QueryRowContext(ctx, `SELECT id, updated_at FROM remote_items WHERE object_id = ?`, it.ObjectID).Scan(&id, &updated)
		args := []any{it.Kind, it.URL, it.Title, it.Summary, it.ContentHTML, it.ContentText, string(sections),
			it.Origin.ActorID, it.Origin.Name, it.Origin.Username, it.Origin.URL, it.Origin.Host,
			nullUnix(it.StartsAt), nullUnix(it.EndsAt), it.TimeZone, it.PlaceName, hub.Slugify(it.PlaceName), it.Address, it.OnlineURL,
			nullFloat(it.Latitude), nullFloat(it.Longitude), tagSlugs, strings.Join(it.Tags, "\n"), it.Language,
			unix(it.Published), unix(it.Updated), unix(it.Received), translations}
		switch {
		case errors.Is(err, sql.ErrNoRows):
			res, err := tx.ExecContext(ctx, `INSERT INTO remote_items (kind, url, title, summary, content_html, content_text, sections,
				origin_actor, origin_name, origin_username, origin_url, origin_host, starts_at, ends_at, time_zone, place_name, place_slug,
				address, online_url, latitude, longitude, tags, tag_names, language, published_at, updated_at, received_at, translations, object_id)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, append(args, it.ObjectID)...)
			if err != nil {
				return err
			}
			if id, err = res.LastInsertId(); err != nil {
				return err
			}
			changed = true
		case err != nil:
			return err
		case unix(it.Updated) >= updated:
			if _, err := tx.ExecContext(ctx, `UPDATE remote_items SET kind = ?, url = ?, title = ?, summary = ?, content_html = ?, content_text = ?, sections = ?,
				origin_actor = ?, origin_name = ?, origin_username = ?, origin_url = ?, origin_host = ?, starts_at = ?, ends_at = ?, time_zone = ?,
				place_name = ?, place_slug = ?, address = ?, online_url = ?, latitude = ?, longitude = ?, tags = ?, tag_names = ?, language = ?,
				published_at = ?, updated_at = ?, received_at = ?, translations = ? WHERE id = ?`, append(args, id)...); err != nil {
				return err
			}
			changed = true
		}
		it.ID = id
		if changed {
			if err := saveRemoteOriginal(ctx, tx, id, it.AdaptedFrom); err != nil {
				return err
			}
			if err := saveRemotePicture(ctx, tx, id, it.Picture); err != nil {
				return err
			}
		}
		via := "origin"
		if src.Share {
			via = "share"
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO remote_item_sources (item_id, peer_actor, via, activity_id, created_at) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT(item_id, peer_actor) DO UPDATE SET via = CASE WHEN via = 'origin' THEN via ELSE excluded.via END,
			activity_id = CASE WHEN via = 'origin' THEN activity_id ELSE excluded.activity_id END`,
			id, src.PeerActor, via, src.ActivityID, unix(now))
		return err
	})
	return changed, wrap(err, "save remote item")
}

// DeleteRemoteItem removes an item outright.
func (s *CommonsStore) DeleteRemoteItem(ctx context.Context, objectID string) (bool, error) {
	var n int64
	err := s.db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM remote_items WHERE object_id = ?`, objectID)
		if err != nil {
			return err
		}
		n, _ = res.RowsAffected()
		_, err = tx.ExecContext(ctx, `DELETE FROM reshares WHERE object_id = ?`, objectID)
		return err
	})
	return n > 0, wrap(err, "delete remote item")
}

// RemoveShare drops a peer's re-share, and the item if nothing else holds it.
func (s *CommonsStore) RemoveShare(ctx context.Context, objectID, peerActor string) error {
	return wrap(s.db.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM remote_item_sources WHERE via = 'share' AND peer_actor = ?
			AND item_id = (SELECT id FROM remote_items WHERE object_id = ?)`, peerActor, objectID); err != nil {
			return err
		}
		return dropOrphanItems(ctx, tx)
	}), "remove re-share")
}

// dropOrphanItems removes items no source holds any more.
func dropOrphanItems(ctx context.Context, tx *sql.Tx) error {
	_, err := tx.ExecContext(ctx, `DELETE FROM remote_items WHERE NOT EXISTS (SELECT 1 FROM remote_item_sources s WHERE s.item_id = remote_items.id)`)
	return err
}

// ---- followed peers ----

const followedCols = `p.actor_id, p.follow_id, p.inbox, p.outbox, p.username, p.name, p.url, p.host, p.state, p.backfilled_at, p.last_error, p.created_at, p.next_retry_at,
	(SELECT COUNT(*) FROM remote_item_sources s WHERE s.peer_actor = p.actor_id)`

func scanFollowed(sc interface{ Scan(...any) error }) (*hub.Followed, error) {
	var p hub.Followed
	var backfilled, retry sql.NullInt64
	var created int64
	if err := sc.Scan(&p.ActorID, &p.FollowID, &p.Inbox, &p.Outbox, &p.Username, &p.Name, &p.URL, &p.Host, &p.State, &backfilled, &p.LastError, &created, &retry, &p.Items); err != nil {
		return nil, err
	}
	p.BackfilledAt = timePtr(backfilled)
	p.NextRetryAt = timePtr(retry)
	p.CreatedAt = fromUnix(created)
	return &p, nil
}

// SaveFollowed inserts or replaces a followed actor.
func (s *CommonsStore) SaveFollowed(ctx context.Context, p *hub.Followed) error {
	if p.CreatedAt.IsZero() {
		p.CreatedAt = s.db.now()
	}
	_, err := s.db.exec(ctx, `INSERT INTO peers (actor_id, follow_id, inbox, outbox, username, name, url, host, state, backfilled_at, last_error, created_at, updated_at, next_retry_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT(actor_id) DO UPDATE SET follow_id = excluded.follow_id, inbox = excluded.inbox, outbox = excluded.outbox, username = excluded.username,
		name = excluded.name, url = excluded.url, host = excluded.host, state = excluded.state, backfilled_at = excluded.backfilled_at,
		last_error = excluded.last_error, updated_at = excluded.updated_at, next_retry_at = excluded.next_retry_at`,
		p.ActorID, p.FollowID, p.Inbox, p.Outbox, p.Username, p.Name, p.URL, p.Host, p.State, nullUnix(p.BackfilledAt), p.LastError,
		unix(p.CreatedAt), unix(s.db.now()), nullUnix(p.NextRetryAt))
	return wrap(err, "save followed peer")
}

// Followed returns a followed actor by IRI, or ENOTFOUND.
func (s *CommonsStore) Followed(ctx context.Context, actorID string) (*hub.Followed, error) {
	p, err := scanFollowed(s.db.db.QueryRowContext(ctx, `SELECT `+followedCols+` FROM peers p WHERE p.actor_id = ?`, actorID))
	return p, wrap(notFound(err, "This hub does not follow that account."), "read followed peer")
}

// FollowedByFollow returns a followed actor by our Follow's IRI, or ENOTFOUND.
func (s *CommonsStore) FollowedByFollow(ctx context.Context, followID string) (*hub.Followed, error) {
	p, err := scanFollowed(s.db.db.QueryRowContext(ctx, `SELECT `+followedCols+` FROM peers p WHERE p.follow_id = ?`, followID))
	return p, wrap(notFound(err, "No such Follow."), "read followed peer")
}

// FollowedList lists followed actors, oldest first.
func (s *CommonsStore) FollowedList(ctx context.Context) ([]*hub.Followed, error) {
	return queryAll(ctx, s.db.db, scanFollowed, "list followed peers", `SELECT `+followedCols+` FROM peers p ORDER BY p.created_at, p.actor_id`)
}

// DeleteFollowed removes a followed actor and the items held only through it.
func (s *CommonsStore) DeleteFollowed(ctx context.Context, actorID string) error {
	return wrap(s.db.inTx(ctx, func(tx *sql.Tx) error {
		if err := changeOne(ctx, tx, hub.Errorf(hub.ENOTFOUND, "This hub does not follow that account."), `DELETE FROM peers WHERE actor_id = ?`, actorID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM remote_item_sources WHERE peer_actor = ?`, actorID); err != nil {
			return err
		}
		return dropOrphanItems(ctx, tx)
	}), "unfollow peer")
}

// ---- comments ----

const commentCols = `id, object_id, kind, item_id, url, author_actor, author_name, author_username, author_url, author_host, content_html, hidden, held, published_at`

func scanComment(sc interface{ Scan(...any) error }) (*hub.Comment, error) {
	var c hub.Comment
	var published int64
	if err := sc.Scan(&c.ID, &c.ObjectID, &c.Kind, &c.ItemID, &c.URL, &c.Author.ActorID, &c.Author.Name, &c.Author.Username, &c.Author.URL,
		&c.Author.Host, &c.ContentHTML, &c.Hidden, &c.Held, &published); err != nil {
		return nil, err
	}
	c.Published = fromUnix(published)
	return &c, nil
}

func (s *CommonsStore) comments(ctx context.Context, query string, args ...any) ([]*hub.Comment, error) {
	return queryAll(ctx, s.db.db, scanComment, "list comments", `SELECT `+commentCols+` FROM comments `+query, args...)
}

// Comments lists the comments on a local item, oldest first.
func (s *CommonsStore) Comments(ctx context.Context, kind hub.Kind, itemID int64, withHidden bool) ([]*hub.Comment, error) {
	hidden := " AND hidden = 0"
	if withHidden {
		hidden = ""
	}
	return s.comments(ctx, `WHERE kind = ? AND item_id = ?`+hidden+` ORDER BY published_at, id`, kind, itemID)
}

// LatestComments lists the newest limit visible comments on a local item,
// oldest first, and the number of visible ones in all: both read through
// the comments_item index, whatever the number of replies.
func (s *CommonsStore) LatestComments(ctx context.Context, kind hub.Kind, itemID int64, limit int) ([]*hub.Comment, int, error) {
	var total int
	if err := s.db.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM comments WHERE kind = ? AND item_id = ? AND hidden = 0`, kind, itemID).Scan(&total); err != nil {
		return nil, 0, wrap(err, "count comments")
	}
	if total == 0 {
		return nil, 0, nil
	}
	cs, err := s.comments(ctx, `WHERE kind = ? AND item_id = ? AND hidden = 0 ORDER BY published_at DESC, id DESC LIMIT ?`, kind, itemID, limit)
	if err != nil {
		return nil, 0, err
	}
	slices.Reverse(cs)
	return cs, max(total, len(cs)), nil
}

// RecentComments lists the newest comments, hidden ones included.
func (s *CommonsStore) RecentComments(ctx context.Context, limit int) ([]*hub.Comment, error) {
	return s.comments(ctx, `ORDER BY received_at DESC, id DESC LIMIT ?`, limit)
}

// Comment returns one comment, or ENOTFOUND.
func (s *CommonsStore) Comment(ctx context.Context, id int64) (*hub.Comment, error) {
	c, err := scanComment(s.db.db.QueryRowContext(ctx, `SELECT `+commentCols+` FROM comments WHERE id = ?`, id))
	return c, wrap(notFound(err, "There is no such comment."), "read comment")
}

// CommentByObject returns a comment by its ActivityPub id, or ENOTFOUND.
func (s *CommonsStore) CommentByObject(ctx context.Context, objectID string) (*hub.Comment, error) {
	c, err := scanComment(s.db.db.QueryRowContext(ctx, `SELECT `+commentCols+` FROM comments WHERE object_id = ?`, objectID))
	return c, wrap(notFound(err, "There is no such comment."), "read comment")
}

// SaveComment inserts or updates a comment; an update keeps its hidden
// and held flags. A new comment with Held is held (and hidden).
func (s *CommonsStore) SaveComment(ctx context.Context, c *hub.Comment, inReplyTo string) error {
	now := s.db.now()
	err := s.db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO comments (object_id, kind, item_id, in_reply_to, url, author_actor, author_name, author_username,
			author_url, author_host, content_html, hidden, held, published_at, updated_at, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT(object_id) DO UPDATE SET url = excluded.url, author_name = excluded.author_name, author_username = excluded.author_username,
			author_url = excluded.author_url, content_html = excluded.content_html, updated_at = excluded.updated_at`,
			c.ObjectID, c.Kind, c.ItemID, inReplyTo, c.URL, c.Author.ActorID, c.Author.Name, c.Author.Username, c.Author.URL, c.Author.Host,
			c.ContentHTML, c.Held, c.Held, unix(c.Published), unix(now), unix(now))
		if err != nil {
			return err
		}
		_ = res
		return tx.QueryRowContext(ctx, `SELECT id, hidden, held FROM comments WHERE object_id = ?`, c.ObjectID).Scan(&c.ID, &c.Hidden, &c.Held)
	})
	return wrap(err, "save comment")
}

// DeleteCommentByObject removes a comment by its ActivityPub id.
func (s *CommonsStore) DeleteCommentByObject(ctx context.Context, objectID string) (bool, error) {
	return s.db.execAny(ctx, "delete comment", `DELETE FROM comments WHERE object_id = ?`, objectID)
}

// SetCommentHidden hides or shows a comment.
func (s *CommonsStore) SetCommentHidden(ctx context.Context, id int64, hidden bool) error {
	return s.db.execOne(ctx, hub.Errorf(hub.ENOTFOUND, "There is no such comment."), "hide comment", `UPDATE comments SET hidden = ?, held = 0 WHERE id = ?`, hidden, id)
}

// HeldComments lists the comments held for review, oldest first.
func (s *CommonsStore) HeldComments(ctx context.Context) ([]*hub.Comment, error) {
	return s.comments(ctx, `WHERE held = 1 ORDER BY received_at, id`)
}

// ReleaseComment shows a held comment; ENOTFOUND if none is held by id.
func (s *CommonsStore) ReleaseComment(ctx context.Context, id int64) error {
	return s.db.execOne(ctx, hub.Errorf(hub.ENOTFOUND, "No reply with that number is held for review."), "release comment",
		`UPDATE comments SET held = 0, hidden = 0 WHERE id = ? AND held = 1`, id)
}

// CountHeldComments counts the comments held for review.
func (s *CommonsStore) CountHeldComments(ctx context.Context) (int, error) {
	var n int
	err := s.db.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM comments WHERE held = 1`).Scan(&n)
	return n, wrap(err, "count held comments")
}

// DeleteComment removes a comment by id.
func (s *CommonsStore) DeleteComment(ctx context.Context, id int64) error {
	return s.db.execOne(ctx, hub.Errorf(hub.ENOTFOUND, "There is no such comment."), "delete comment", `DELETE FROM comments WHERE id = ?`, id)
}

// LocalItemByIRI finds the local item an object IRI the hub published stands for.
func (s *CommonsStore) LocalItemByIRI(ctx context.Context, iri string) (hub.Kind, int64, error) {
	var kind hub.Kind
	var id int64
	err := s.db.db.QueryRowContext(ctx, `SELECT kind, item_id FROM published_objects WHERE iri = ?`, iri).Scan(&kind, &id)
	return kind, id, wrap(notFound(err, "That is not one of this hub's items."), "find local item")
}

// ---- re-shares ----

// Reshare returns our Announce of an object, or ENOTFOUND.
func (s *CommonsStore) Reshare(ctx context.Context, objectID string) (string, error) {
	var id string
	err := s.db.db.QueryRowContext(ctx, `SELECT activity_id FROM reshares WHERE object_id = ?`, objectID).Scan(&id)
	return id, wrap(notFound(err, "This hub has not re-shared that item."), "read re-share")
}

// SaveReshare records our Announce of an object.
func (s *CommonsStore) SaveReshare(ctx context.Context, objectID, activityID string) error {
	_, err := s.db.exec(ctx, `INSERT INTO reshares (object_id, activity_id, created_at) VALUES (?, ?, ?)
		ON CONFLICT(object_id) DO UPDATE SET activity_id = excluded.activity_id`, objectID, activityID, unix(s.db.now()))
	return wrap(err, "save re-share")
}

// DeleteReshare forgets our Announce of an object.
func (s *CommonsStore) DeleteReshare(ctx context.Context, objectID string) error {
	_, err := s.db.exec(ctx, `DELETE FROM reshares WHERE object_id = ?`, objectID)
	return wrap(err, "delete re-share")
}
