package storage

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"github.com/commonplace-hub/commonplace/hub"
)

// EventStore implements hub.EventStore.
type EventStore struct{ db *DB }

var _ hub.EventStore = (*EventStore)(nil)

const eventColumns = `e.id, e.slug, e.title, e.description, e.time_zone, e.start_at, e.end_at, e.all_day, e.recurrence, e.exceptions, e.series_end, e.place_id, e.online_url, e.organiser, e.accessibility, e.booking_url, e.created_at, e.updated_at, e.source_feed_id, e.source_uid, e.source_occurrence`

func scanEvent(sc interface{ Scan(...any) error }) (*hub.Event, error) {
	e := &hub.Event{}
	var start, end, created, updated int64
	var exceptions string
	var seriesEnd, placeID, sourceFeed sql.NullInt64
	if err := sc.Scan(&e.ID, &e.Slug, &e.Title, &e.Description, &e.TimeZone, &start, &end, &e.AllDay, &e.Recurrence, &exceptions, &seriesEnd, &placeID,
		&e.OnlineURL, &e.Organiser, &e.Accessibility, &e.BookingURL, &created, &updated, &sourceFeed, &e.SourceUID, &e.SourceOccurrence); err != nil {
		return nil, err
	}
	// Instants come back in the event's own zone (UTC if the zone is
	// unknown here), so local wall-clock times survive the round trip.
	loc := location(e.TimeZone)
	e.Start, e.End = time.Unix(start, 0).In(loc), time.Unix(end, 0).In(loc)
	if exceptions != "" {
		e.Exceptions = strings.Split(exceptions, ",")
	}
	if seriesEnd.Valid {
		t := time.Unix(seriesEnd.Int64, 0).In(loc)
		e.SeriesEnd = &t
	}
	e.PlaceID = placeID.Int64
	e.SourceFeedID = sourceFeed.Int64
	e.CreatedAt, e.UpdatedAt = fromUnix(created), fromUnix(updated)
	return e, nil
}

// fill loads the places, tags and status marks of events.
func (s *EventStore) fill(ctx context.Context, events []*hub.Event) error {
	ids, placeIDs := itemIDs(events, func(e *hub.Event) (int64, int64) { return e.ID, e.PlaceID })
	l, err := eventLinks.load(ctx, s.db.db, ids, placeIDs)
	if err != nil {
		return err
	}
	statuses, err := loadStatuses(ctx, s.db.db, events)
	if err != nil {
		return err
	}
	for _, e := range events {
		e.Tags = l.tags[e.ID]
		e.Place = l.places[e.PlaceID]
		e.Statuses = statuses[e.ID]
	}
	return nil
}

func (s *EventStore) findOne(ctx context.Context, where string, arg any) (*hub.Event, error) {
	return queryFilled(ctx, s.db.db, scanEvent, s.fill, hub.Errorf(hub.ENOTFOUND, "There is no such event."), "find event",
		`SELECT `+eventColumns+` FROM events e WHERE `+where, arg)
}

// FindEventByID returns the event with its place and tags.
func (s *EventStore) FindEventByID(ctx context.Context, id int64) (*hub.Event, error) {
	return s.findOne(ctx, "e.id = ?", id)
}

// FindEventBySlug returns the event with its place and tags.
func (s *EventStore) FindEventBySlug(ctx context.Context, slug string) (*hub.Event, error) {
	return s.findOne(ctx, "e.slug = ?", slug)
}

// FindEvents returns events matching f, ordered by start, and the total.
func (s *EventStore) FindEvents(ctx context.Context, f hub.EventFilter) ([]*hub.Event, int, error) {
	l := listing{from: "events e", columns: eventColumns, order: "e.start_at, e.id", limit: f.Limit, offset: f.Offset}
	l.filter(!f.To.IsZero(), "e.start_at < ?", unix(f.To))
	// A one-off event must not have ended; a series must not be over.
	l.filter(!f.From.IsZero(), "(CASE WHEN e.recurrence = '' THEN e.end_at > ? ELSE (e.series_end IS NULL OR e.series_end > ?) END)", unix(f.From), unix(f.From))
	l.filter(f.Tag != "", eventTags.has("e"), f.Tag)
	l.filter(f.PlaceID != 0, "e.place_id = ?", f.PlaceID)
	l.filter(f.SourceFeedID != 0, "e.source_feed_id = ?", f.SourceFeedID)
	l.filter(f.Imported, "e.source_uid != ''")
	q := strings.TrimSpace(f.Query)
	like := "%" + escapeLike(q) + "%"
	l.filter(q != "", "(e.title LIKE ? ESCAPE '\\' OR e.description LIKE ? ESCAPE '\\')", like, like)
	return findFilledPage(ctx, s.db.db, l, scanEvent, s.fill, "list events")
}

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

func eventArgs(e *hub.Event) []any {
	return []any{e.Title, e.Description, e.TimeZone, unix(e.Start), unix(e.End), e.AllDay, e.Recurrence,
		strings.Join(e.Exceptions, ","), nullUnix(e.SeriesEnd), nullID(e.PlaceID), e.OnlineURL, e.Organiser,
		e.Accessibility, e.BookingURL}
}

// CreateEvent stores a new event with its tags and a unique slug.
func (s *EventStore) CreateEvent(ctx context.Context, e *hub.Event) error {
	now := fromUnix(unix(s.db.now()))
	err := s.db.inTx(ctx, func(tx *sql.Tx) error {
		args := append(eventArgs(e), unix(now), unix(now), nullID(e.SourceFeedID), e.SourceUID, e.SourceOccurrence)
		id, slug, err := insertSlugged(ctx, tx, "events", e.Slug, "event",
			`INSERT INTO events (slug, title, description, time_zone, start_at, end_at, all_day, recurrence, exceptions, series_end, place_id, online_url, organiser, accessibility, booking_url, created_at, updated_at, source_feed_id, source_uid, source_occurrence)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, args...)
		if err != nil {
			return err
		}
		if err := eventLinks.save(ctx, s.db, tx, id, e.Tags, nil); err != nil {
			return err
		}
		e.ID, e.Slug, e.CreatedAt, e.UpdatedAt = id, slug, now, now
		return nil
	})
	return wrap(err, "create event")
}

// UpdateEvent replaces every field but ID, slug and creation time.
func (s *EventStore) UpdateEvent(ctx context.Context, e *hub.Event) error {
	now := fromUnix(unix(s.db.now()))
	err := s.db.inTx(ctx, func(tx *sql.Tx) error {
		args := append(eventArgs(e), unix(now), e.ID)
		if err := changeOne(ctx, tx, hub.Errorf(hub.ENOTFOUND, "There is no such event."), `UPDATE events SET title = ?, description = ?, time_zone = ?, start_at = ?, end_at = ?, all_day = ?, recurrence = ?, exceptions = ?, series_end = ?, place_id = ?, online_url = ?, organiser = ?, accessibility = ?, booking_url = ?, updated_at = ? WHERE id = ?`, args...); err != nil {
			return err
		}
		return eventLinks.save(ctx, s.db, tx, e.ID, e.Tags, nil)
	})
	if err == nil {
		e.UpdatedAt = now
	}
	return wrap(err, "update event")
}

// AdoptEvent gives a one-off imported event to the subscription feedID.
func (s *EventStore) AdoptEvent(ctx context.Context, id, feedID int64) error {
	return s.db.execOne(ctx, hub.Errorf(hub.ENOTFOUND, "There is no such event from a one-off import."), "adopt event",
		`UPDATE events SET source_feed_id = ? WHERE id = ? AND source_uid != '' AND source_feed_id IS NULL`, nullID(feedID), id)
}

// DeleteEvent removes the event.
func (s *EventStore) DeleteEvent(ctx context.Context, id int64) error {
	return s.db.execOne(ctx, hub.Errorf(hub.ENOTFOUND, "There is no such event."), "delete event", `DELETE FROM events WHERE id = ?`, id)
}
