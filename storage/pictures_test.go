package storage_test

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/commonplace-hub/commonplace/hub"
	"github.com/commonplace-hub/commonplace/internal/picturetest"
)

// The PictureStore contract is hub/storetest's (TestContracts/Pictures);
// this is SQLite's own: a change of picture moves its owner's updated_at
// (an event last changed long ago, set with raw SQL).
func TestPictureChangesMoveTheOwnersUpdatedAt(t *testing.T) {
	path := filepath.Join(t.TempDir(), "hub.db")
	s := mustOpen(t, path).Stores()
	raw := mustOpenRaw(t, path)
	start := time.Date(2026, 5, 1, 18, 0, 0, 0, time.UTC)
	e := &hub.Event{Title: "E", TimeZone: "Europe/London", Start: start, End: start.Add(time.Hour)}
	if err := s.Events.CreateEvent(ctx, e); err != nil {
		t.Fatal(err)
	}
	p, err := hub.ProcessPicture(picturetest.PlainJPEG(500, 300))
	if err != nil {
		t.Fatal(err)
	}
	p.Owner, p.OwnerID, p.Alt = hub.OwnerEvent, e.ID, "A hall"
	for _, step := range []struct {
		name   string
		change func() error
	}{
		{"save", func() error { return s.Pictures.SavePicture(ctx, p) }},
		{"describe", func() error { return s.Pictures.UpdatePictureAlt(ctx, p.ID, "A bright hall") }},
		{"remove", func() error { return s.Pictures.DeletePicture(ctx, hub.OwnerEvent, e.ID) }},
	} {
		if _, err := raw.Exec(`UPDATE events SET updated_at = 1000 WHERE id = ?`, e.ID); err != nil {
			t.Fatal(err)
		}
		if err := step.change(); err != nil {
			t.Fatalf("%s: %v", step.name, err)
		}
		if after, _ := s.Events.FindEventByID(ctx, e.ID); after.UpdatedAt.Unix() <= 1000 {
			t.Errorf("%s did not move the event's updated_at: %v", step.name, after.UpdatedAt)
		}
	}
}
