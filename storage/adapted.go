package storage

import (
	"context"
	"database/sql"

	"github.com/commonplace-hub/commonplace/hub"
)

// "Adapted from" (hub/adapted.go): the original each local guide or case
// study names, and peers' adaptations of the hub's own.

var _ hub.AdaptationStore = (*CommonsStore)(nil)

// loadAdapted reads what the local items ids of kind are adapted from
// (loadAdaptedFrom) and peers' adaptations of them (loadAdaptedBy).
func loadAdapted(ctx context.Context, q queryer, kind hub.Kind, ids []int64) (map[int64]*hub.AdaptedFrom, map[int64][]*hub.Adaptation, error) {
	from, err := loadAdaptedFrom(ctx, q, kind, ids)
	if err != nil {
		return nil, nil, err
	}
	by, err := loadAdaptedBy(ctx, q, kind, ids)
	return from, by, err
}

// loadAdaptedFrom reads the originals of the local items ids of kind.
func loadAdaptedFrom(ctx context.Context, q queryer, kind hub.Kind, ids []int64) (map[int64]*hub.AdaptedFrom, error) {
	out := map[int64]*hub.AdaptedFrom{}
	if len(ids) == 0 {
		return out, nil
	}
	err := queryEach(ctx, q, `SELECT item_id, object_id, url, title, original_kind, origin_actor, origin_name, origin_username, origin_url, origin_host
		FROM adapted_from WHERE kind = ? AND item_id IN (`+placeholders(len(ids))+`)`, append([]any{kind}, int64Args(ids)...), func(r rowScanner) error {
		var id int64
		a := &hub.AdaptedFrom{}
		err := r.Scan(&id, &a.ObjectID, &a.URL, &a.Title, &a.Kind, &a.Origin.ActorID, &a.Origin.Name, &a.Origin.Username, &a.Origin.URL, &a.Origin.Host)
		out[id] = a
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// loadAdaptedBy reads peers' adaptations of the local items ids of kind.
func loadAdaptedBy(ctx context.Context, q queryer, kind hub.Kind, ids []int64) (map[int64][]*hub.Adaptation, error) {
	out := map[int64][]*hub.Adaptation{}
	if len(ids) == 0 {
		return out, nil
	}
	list, err := queryAll(ctx, q, scanAdaptation, "list adaptations", `SELECT `+adaptationCols+` FROM adaptations
		WHERE kind = ? AND item_id IN (`+placeholders(len(ids))+`) AND hidden = 0 ORDER BY received_at, object_id`, append([]any{kind}, int64Args(ids)...)...)
	for _, a := range list {
		out[a.ItemID] = append(out[a.ItemID], a)
	}
	return out, err
}

// setAdaptedFrom records (or, for nil, clears) the original of a local item.
func setAdaptedFrom(ctx context.Context, tx *sql.Tx, kind hub.Kind, id int64, a *hub.AdaptedFrom) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM adapted_from WHERE kind = ? AND item_id = ?`, kind, id); err != nil || a == nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO adapted_from (kind, item_id, object_id, url, title, original_kind, origin_actor, origin_name, origin_username, origin_url, origin_host)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, kind, id, a.ObjectID, a.URL, a.Title, a.Kind, a.Origin.ActorID, a.Origin.Name, a.Origin.Username, a.Origin.URL, a.Origin.Host)
	return err
}

const adaptationCols = `object_id, kind, item_id, url, title, by_actor, by_name, by_username, by_url, by_host, received_at`

func scanAdaptation(sc rowScanner) (*hub.Adaptation, error) {
	var a hub.Adaptation
	var received int64
	if err := sc.Scan(&a.ObjectID, &a.Kind, &a.ItemID, &a.URL, &a.Title, &a.By.ActorID, &a.By.Name, &a.By.Username, &a.By.URL, &a.By.Host, &received); err != nil {
		return nil, err
	}
	a.Received = fromUnix(received)
	return &a, nil
}

// Adaptations lists the adaptations of a local item, oldest first, but
// those an organiser hid (adapted_hide.go).
func (s *CommonsStore) Adaptations(ctx context.Context, kind hub.Kind, itemID int64) ([]*hub.Adaptation, error) {
	return queryAll(ctx, s.db.db, scanAdaptation, "list adaptations",
		`SELECT `+adaptationCols+` FROM adaptations WHERE kind = ? AND item_id = ? AND hidden = 0 ORDER BY received_at, object_id`, kind, itemID)
}

// AdaptationByObject returns an adaptation by its ActivityPub id, or ENOTFOUND.
func (s *CommonsStore) AdaptationByObject(ctx context.Context, objectID string) (*hub.Adaptation, error) {
	a, err := scanAdaptation(s.db.db.QueryRowContext(ctx, `SELECT `+adaptationCols+` FROM adaptations WHERE object_id = ?`, objectID))
	return a, wrap(notFound(err, "There is no such adaptation."), "read adaptation")
}

// SaveAdaptation inserts or replaces an adaptation by its ActivityPub id.
func (s *CommonsStore) SaveAdaptation(ctx context.Context, a *hub.Adaptation) error {
	_, err := s.db.exec(ctx, `INSERT INTO adaptations (`+adaptationCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT(object_id) DO UPDATE SET kind = excluded.kind, item_id = excluded.item_id, url = excluded.url, title = excluded.title,
		by_actor = excluded.by_actor, by_name = excluded.by_name, by_username = excluded.by_username, by_url = excluded.by_url, by_host = excluded.by_host`,
		a.ObjectID, a.Kind, a.ItemID, a.URL, a.Title, a.By.ActorID, a.By.Name, a.By.Username, a.By.URL, a.By.Host, unix(a.Received))
	return wrap(err, "save adaptation")
}

// DeleteAdaptation removes an adaptation by its ActivityPub id.
func (s *CommonsStore) DeleteAdaptation(ctx context.Context, objectID string) (bool, error) {
	return s.db.execAny(ctx, "delete adaptation", `DELETE FROM adaptations WHERE object_id = ?`, objectID)
}

// CommonsItemByRef returns the commons item whose id or page is ref.
func (s *CommonsStore) CommonsItemByRef(ctx context.Context, ref string) (*hub.RemoteItem, error) {
	it, err := scanRemoteItem(s.db.db.QueryRowContext(ctx, `SELECT `+remoteItemCols+` FROM remote_items i WHERE i.object_id = ?1 OR i.url = ?1 ORDER BY i.object_id = ?1 DESC LIMIT 1`, ref))
	return it, wrap(notFound(err, "There is no such item in the commons."), "read remote item")
}

// saveRemoteOriginal records (or, for nil, clears) what a commons item
// says it is adapted from.
func saveRemoteOriginal(ctx context.Context, tx *sql.Tx, itemID int64, o *hub.RemoteOriginal) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM remote_item_adapted_from WHERE item_id = ?`, itemID); err != nil || o == nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO remote_item_adapted_from (item_id, object_id, title) VALUES (?, ?, ?)`, itemID, o.ObjectID, o.Title)
	return err
}

// fillRemoteOriginals loads what each commons item says it is adapted from.
func (s *CommonsStore) fillRemoteOriginals(ctx context.Context, items []*hub.RemoteItem) error {
	byID, ids := remoteItemsByID(items)
	return queryIn(ctx, s.db.db, `SELECT item_id, object_id, title FROM remote_item_adapted_from WHERE item_id IN `, ids, ``, nil, func(r rowScanner) error {
		var id int64
		o := &hub.RemoteOriginal{}
		if err := r.Scan(&id, &o.ObjectID, &o.Title); err != nil {
			return err
		}
		if it := byID[id]; it != nil {
			it.AdaptedFrom = o
		}
		return nil
	})
}
