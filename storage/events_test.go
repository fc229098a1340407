package storage_test

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/commonplace-hub/commonplace/hub"
)

// TestEventZones checks instants, zones and series ends survive storage for
// events on both sides of the Atlantic, across a DST change.
func TestEventUnknownZoneLoadsAsUTC(t *testing.T) {
	path := filepath.Join(t.TempDir(), "hub.db")
	s := mustOpen(t, path).Stores()
	start := time.Date(2026, 10, 6, 9, 0, 0, 0, time.UTC)
	e := &hub.Event{Title: "E", TimeZone: "Europe/London", Start: start, End: start.Add(time.Hour)}
	if err := s.Events.CreateEvent(ctx, e); err != nil {
		t.Fatal(err)
	}
	// A zone dropped from the zone database, or an older one than wrote it.
	raw := mustOpenRaw(t, path)
	if _, err := raw.Exec(`UPDATE events SET time_zone = 'Mars/Olympus_Mons'`); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	got, err := s.Events.FindEventByID(ctx, e.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !got.Start.Equal(start) || got.Start.Location() != time.UTC || got.TimeZone != "Mars/Olympus_Mons" {
		t.Errorf("start %v (%s), zone %q", got.Start, got.Start.Location(), got.TimeZone)
	}
}

// TestConcurrentCreatesGetDistinctSlugs is several organisers saving events
// with the same title at once.
// TestManyEventsLoadTheirTags lists more events than one batch of IDs
// holds, checking every event gets its own place and tags.
// TestServiceOverStorage drives the hub service over real storage: the
// first admin, a login, an API token, and a weekly event at a new place.
