package storage

import (
	"context"
	"database/sql"

	"github.com/commonplace-hub/commonplace/hub"
)

// linkedKind is how storage keeps what goes with a local item's row
// beside its own columns: its tags (joined by tags) and, for a kind whose
// items can be adapted from others' (guides and case studies, not
// events), what it was adapted from and into.
type linkedKind struct {
	kind      hub.Kind
	tags      tagJoin
	adaptable bool
}

var (
	eventLinks     = linkedKind{hub.KindEvent, eventTags, false}
	guideLinks     = linkedKind{hub.KindGuide, guideTags, true}
	caseStudyLinks = linkedKind{hub.KindCaseStudy, caseStudyTags, true}
)

// save writes, in tx, the links of item id: its tags (names), what it was
// adapted from (from, for an adaptable kind) and then its search entry,
// which reads them.
func (k linkedKind) save(ctx context.Context, db *DB, tx *sql.Tx, id int64, names []string, from *hub.AdaptedFrom) error {
	if err := setTags(ctx, tx, k.tags, id, names); err != nil {
		return err
	}
	if k.adaptable {
		if err := setAdaptedFrom(ctx, tx, k.kind, id, from); err != nil {
			return err
		}
	}
	return db.indexLocal(ctx, tx, k.kind, id)
}

// itemLinks are the links of a page of items: tags and adaptations by
// item id, places by place id.
type itemLinks struct {
	tags   map[int64][]string
	places map[int64]*hub.Place
	from   map[int64]*hub.AdaptedFrom
	by     map[int64][]*hub.Adaptation
}

// load reads the links of the items ids, and the places placeIDs.
func (k linkedKind) load(ctx context.Context, q queryer, ids, placeIDs []int64) (itemLinks, error) {
	var l itemLinks
	var err error
	if l.tags, err = loadTags(ctx, q, k.tags, ids); err != nil {
		return l, err
	}
	if l.places, err = loadPlaces(ctx, q, placeIDs); err != nil {
		return l, err
	}
	if k.adaptable {
		l.from, l.by, err = loadAdapted(ctx, q, k.kind, ids)
	}
	return l, err
}

// itemIDs returns the ids of items and the places they name (placeID 0
// for none), as load takes them.
func itemIDs[T any](items []T, idsOf func(T) (id, placeID int64)) (ids, placeIDs []int64) {
	ids = make([]int64, 0, len(items))
	for _, it := range items {
		id, placeID := idsOf(it)
		ids = append(ids, id)
		if placeID != 0 {
			placeIDs = append(placeIDs, placeID)
		}
	}
	return ids, placeIDs
}
