package storage

import (
	"context"

	"github.com/commonplace-hub/commonplace/hub"
)

// Organisers hiding peers' "adapted by" credits (hub/adapted_hide.go):
// adaptations.hidden, migration 0024. SaveAdaptation leaves it as it is.

var _ hub.AdaptationHider = (*CommonsStore)(nil)

func scanAdaptationHidden(sc rowScanner) (*hub.Adaptation, error) {
	var a hub.Adaptation
	var received int64
	if err := sc.Scan(&a.ObjectID, &a.Kind, &a.ItemID, &a.URL, &a.Title, &a.By.ActorID, &a.By.Name, &a.By.Username, &a.By.URL, &a.By.Host, &received, &a.Hidden); err != nil {
		return nil, err
	}
	a.Received = fromUnix(received)
	return &a, nil
}

// AdaptationsWithHidden lists a local item's adaptations, hidden ones
// included, oldest first.
func (s *CommonsStore) AdaptationsWithHidden(ctx context.Context, kind hub.Kind, itemID int64) ([]*hub.Adaptation, error) {
	return queryAll(ctx, s.db.db, scanAdaptationHidden, "list adaptations",
		`SELECT `+adaptationCols+`, hidden FROM adaptations WHERE kind = ? AND item_id = ? ORDER BY received_at, object_id`, kind, itemID)
}

// SetAdaptationHidden hides or shows an adaptation by its ActivityPub id.
func (s *CommonsStore) SetAdaptationHidden(ctx context.Context, objectID string, hidden bool) (*hub.Adaptation, error) {
	res, err := s.db.exec(ctx, `UPDATE adaptations SET hidden = ? WHERE object_id = ?`, hidden, objectID)
	if err != nil {
		return nil, wrap(err, "hide adaptation")
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil, hub.Errorf(hub.ENOTFOUND, "There is no such adaptation.")
	}
	a, err := scanAdaptationHidden(s.db.db.QueryRowContext(ctx, `SELECT `+adaptationCols+`, hidden FROM adaptations WHERE object_id = ?`, objectID))
	return a, wrap(notFound(err, "There is no such adaptation."), "read adaptation")
}
