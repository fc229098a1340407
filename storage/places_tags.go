package storage

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/commonplace-hub/commonplace/hub"
)

// ---- tags shared by events, guides and case studies ----

// tagJoin names a join table and its item column.
type tagJoin struct{ table, column string }

var (
	eventTags     = tagJoin{"event_tags", "event_id"}
	guideTags     = tagJoin{"guide_tags", "guide_id"}
	caseStudyTags = tagJoin{"case_study_tags", "case_study_id"}
)

// setTags replaces an item's tags, creating tags by slug as needed; a tag
// keeps the display name it was first given.
func setTags(ctx context.Context, tx *sql.Tx, j tagJoin, itemID int64, names []string) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM `+j.table+` WHERE `+j.column+` = ?`, itemID); err != nil {
		return err
	}
	for _, name := range names {
		slug := hub.Slugify(name)
		if slug == "" {
			continue
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO tags (slug, name) VALUES (?, ?) ON CONFLICT(slug) DO NOTHING`, slug, name); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO `+j.table+` (`+j.column+`, tag_id) SELECT ?, id FROM tags WHERE slug = ?`, itemID, slug); err != nil {
			return err
		}
	}
	return nil
}

// has is the condition that the item of the query's alias has the tag
// whose slug is its argument.
func (j tagJoin) has(alias string) string {
	return alias + ".id IN (SELECT j." + j.column + " FROM " + j.table + " j JOIN tags t ON t.id = j.tag_id WHERE t.slug = ?)"
}

// loadTags returns the tag names of the given items, each list ordered by
// name, in one query per idChunk items.
func loadTags(ctx context.Context, q queryer, j tagJoin, ids []int64) (map[int64][]string, error) {
	out := map[int64][]string{}
	err := queryIn(ctx, q, `SELECT j.`+j.column+`, t.name FROM `+j.table+` j JOIN tags t ON t.id = j.tag_id
		WHERE j.`+j.column+` IN `, ids, ` ORDER BY t.name COLLATE NOCASE, t.id`, nil, func(r rowScanner) error {
		var id int64
		var name string
		if err := r.Scan(&id, &name); err != nil {
			return err
		}
		out[id] = append(out[id], name)
		return nil
	})
	return out, err
}

// TagStore implements hub.TagStore.
type TagStore struct{ db *DB }

var _ hub.TagStore = (*TagStore)(nil)

const tagUses = `(SELECT COUNT(*) FROM event_tags WHERE tag_id = t.id) + (SELECT COUNT(*) FROM guide_tags WHERE tag_id = t.id) + (SELECT COUNT(*) FROM case_study_tags WHERE tag_id = t.id)`

// FindTagBySlug returns a tag with its use count.
func (s *TagStore) FindTagBySlug(ctx context.Context, slug string) (*hub.Tag, error) {
	return queryOne(ctx, s.db.db, scanTag, hub.Errorf(hub.ENOTFOUND, "There is no such topic."), "find tag",
		`SELECT t.id, t.slug, t.name, t.description, `+tagUses+` FROM tags t WHERE t.slug = ?`, slug)
}

// scanTag reads a tag and its use count (tagUses).
func scanTag(r rowScanner) (*hub.Tag, error) {
	t := &hub.Tag{}
	if err := r.Scan(&t.ID, &t.Slug, &t.Name, &t.Description, &t.Uses); err != nil {
		return nil, err
	}
	return t, nil
}

// CreateTag stores a new tag under its slug; ECONFLICT when one with that
// slug exists.
func (s *TagStore) CreateTag(ctx context.Context, t *hub.Tag) error {
	res, err := s.db.exec(ctx, `INSERT INTO tags (slug, name, description) VALUES (?, ?, ?)`, t.Slug, t.Name, t.Description)
	if isUniqueViolation(err) {
		existing := t.Name
		_ = s.db.db.QueryRowContext(ctx, `SELECT name FROM tags WHERE slug = ?`, t.Slug).Scan(&existing)
		return &hub.Error{Code: hub.ECONFLICT, Err: err,
			Message: fmt.Sprintf("There is already a topic “%s” (slug %s).", existing, t.Slug),
			Fields:  map[string]string{"name": "A topic with this name, or one that makes the same slug, exists already."}}
	}
	if err != nil {
		return wrap(err, "create tag")
	}
	t.ID, err = res.LastInsertId()
	t.Uses = 0
	return wrap(err, "create tag")
}

// FindTags returns every tag with its use count, ordered by name.
func (s *TagStore) FindTags(ctx context.Context) ([]*hub.Tag, error) {
	return queryAll(ctx, s.db.db, scanTag, "list tags", `SELECT t.id, t.slug, t.name, t.description, `+tagUses+` FROM tags t ORDER BY t.name COLLATE NOCASE`)
}

// UpdateTag changes a tag's name and description, and the search rows
// of the items that use it.
func (s *TagStore) UpdateTag(ctx context.Context, t *hub.Tag) error {
	return wrap(s.db.inTx(ctx, func(tx *sql.Tx) error {
		if err := changeOne(ctx, tx, hub.Errorf(hub.ENOTFOUND, "There is no such topic."), `UPDATE tags SET name = ?, description = ? WHERE id = ?`, t.Name, t.Description, t.ID); err != nil {
			return err
		}
		return s.reindexUsers(ctx, tx, t.ID, nil)
	}), "update tag")
}

// DeleteTag removes the tag from every item and deletes it.
func (s *TagStore) DeleteTag(ctx context.Context, id int64) error {
	return wrap(s.db.inTx(ctx, func(tx *sql.Tx) error {
		return s.reindexUsers(ctx, tx, id, func() error {
			return changeOne(ctx, tx, hub.Errorf(hub.ENOTFOUND, "There is no such topic."), `DELETE FROM tags WHERE id = ?`, id)
		})
	}), "delete tag")
}

// reindexUsers reindexes for search every item using a tag, after change
// (if any) runs: their ids are read before it.
func (s *TagStore) reindexUsers(ctx context.Context, tx *sql.Tx, tagID int64, change func() error) error {
	users := map[hub.Kind][]int64{}
	for _, j := range []struct {
		kind hub.Kind
		join tagJoin
	}{{hub.KindEvent, eventTags}, {hub.KindGuide, guideTags}, {hub.KindCaseStudy, caseStudyTags}} {
		if err := queryEach(ctx, tx, `SELECT `+j.join.column+` FROM `+j.join.table+` WHERE tag_id = ?`, []any{tagID}, func(r rowScanner) error {
			id, err := scanValue[int64](r)
			users[j.kind] = append(users[j.kind], id)
			return err
		}); err != nil {
			return err
		}
	}
	if change != nil {
		if err := change(); err != nil {
			return err
		}
	}
	for kind, ids := range users {
		if err := s.db.indexLocal(ctx, tx, kind, ids...); err != nil {
			return err
		}
	}
	return nil
}

// ---- places ----

// PlaceStore implements hub.PlaceStore.
type PlaceStore struct{ db *DB }

var _ hub.PlaceStore = (*PlaceStore)(nil)

const placeColumns = `id, slug, name, description, street_address, locality, region, postal_code, country, latitude, longitude, created_at, updated_at`

func scanPlace(sc interface{ Scan(...any) error }) (*hub.Place, error) {
	p := &hub.Place{}
	var lat, lng sql.NullFloat64
	var created, updated int64
	if err := sc.Scan(&p.ID, &p.Slug, &p.Name, &p.Description, &p.StreetAddress, &p.Locality, &p.Region, &p.PostalCode, &p.Country, &lat, &lng, &created, &updated); err != nil {
		return nil, err
	}
	p.Latitude, p.Longitude = floatPtr(lat), floatPtr(lng)
	p.CreatedAt, p.UpdatedAt = fromUnix(created), fromUnix(updated)
	return p, nil
}

func (s *PlaceStore) findOne(ctx context.Context, where string, arg any) (*hub.Place, error) {
	return queryOne(ctx, s.db.db, scanPlace, hub.Errorf(hub.ENOTFOUND, "There is no such place."), "find place",
		`SELECT `+placeColumns+` FROM places WHERE `+where, arg)
}

// FindPlaceByID returns a place.
func (s *PlaceStore) FindPlaceByID(ctx context.Context, id int64) (*hub.Place, error) {
	return s.findOne(ctx, "id = ?", id)
}

// FindPlaceBySlug returns a place.
func (s *PlaceStore) FindPlaceBySlug(ctx context.Context, slug string) (*hub.Place, error) {
	return s.findOne(ctx, "slug = ?", slug)
}

// FindPlaces returns all places ordered by name.
func (s *PlaceStore) FindPlaces(ctx context.Context) ([]*hub.Place, error) {
	return queryAll(ctx, s.db.db, scanPlace, "list places", `SELECT `+placeColumns+` FROM places ORDER BY name COLLATE NOCASE`)
}

// loadPlaces returns the places with the given IDs, in one query per
// idChunk IDs.
func loadPlaces(ctx context.Context, q queryer, ids []int64) (map[int64]*hub.Place, error) {
	out := map[int64]*hub.Place{}
	err := queryIn(ctx, q, `SELECT `+placeColumns+` FROM places WHERE id IN `, ids, ``, nil, func(r rowScanner) error {
		p, err := scanPlace(r)
		if err == nil {
			out[p.ID] = p
		}
		return err
	})
	return out, err
}

// CreatePlace stores a new place with a unique slug.
func (s *PlaceStore) CreatePlace(ctx context.Context, p *hub.Place) error {
	now := s.db.now()
	err := s.db.inTx(ctx, func(tx *sql.Tx) error {
		id, slug, err := insertSlugged(ctx, tx, "places", p.Slug, "place",
			`INSERT INTO places (slug, name, description, street_address, locality, region, postal_code, country, latitude, longitude, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			p.Name, p.Description, p.StreetAddress, p.Locality, p.Region, p.PostalCode, p.Country, nullFloat(p.Latitude), nullFloat(p.Longitude), unix(now), unix(now))
		if err != nil {
			return err
		}
		p.ID, p.Slug, p.CreatedAt, p.UpdatedAt = id, slug, fromUnix(unix(now)), fromUnix(unix(now))
		return nil
	})
	return wrap(err, "create place")
}

// UpdatePlace saves every field but ID, slug and creation time.
func (s *PlaceStore) UpdatePlace(ctx context.Context, p *hub.Place) error {
	now := s.db.now()
	err := s.db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE places SET name = ?, description = ?, street_address = ?, locality = ?, region = ?, postal_code = ?, country = ?, latitude = ?, longitude = ?, updated_at = ? WHERE id = ?`,
			p.Name, p.Description, p.StreetAddress, p.Locality, p.Region, p.PostalCode, p.Country, nullFloat(p.Latitude), nullFloat(p.Longitude), unix(now), p.ID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return hub.Errorf(hub.ENOTFOUND, "There is no such place.")
		}
		// The place's name is in the search rows of what happens there.
		if err := s.db.indexWhere(ctx, tx, hub.KindEvent, `SELECT id FROM events WHERE place_id = ?`, p.ID); err != nil {
			return err
		}
		return s.db.indexWhere(ctx, tx, hub.KindCaseStudy, `SELECT id FROM case_studies WHERE place_id = ?`, p.ID)
	})
	if err != nil {
		return wrap(err, "update place")
	}
	p.UpdatedAt = fromUnix(unix(now))
	return nil
}

// DeletePlace removes a place no event or case study uses.
func (s *PlaceStore) DeletePlace(ctx context.Context, id int64) error {
	err := s.db.inTx(ctx, func(tx *sql.Tx) error {
		var events, studies int
		if err := tx.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM events WHERE place_id = ?), (SELECT COUNT(*) FROM case_studies WHERE place_id = ?)`, id, id).Scan(&events, &studies); err != nil {
			return err
		}
		if events+studies > 0 {
			return hub.Errorf(hub.ECONFLICT, "This place is still in use (events: %d, case studies: %d). Give them another place, or delete them, first.", events, studies)
		}
		return changeOne(ctx, tx, hub.Errorf(hub.ENOTFOUND, "There is no such place."), `DELETE FROM places WHERE id = ?`, id)
	})
	return wrap(err, "delete place")
}
