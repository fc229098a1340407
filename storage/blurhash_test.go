package storage_test

import (
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/buckket/go-blurhash"

	"github.com/commonplace-hub/commonplace/hub"
	"github.com/commonplace-hub/commonplace/internal/picturetest"
)

// Pictures kept before migration 0020 have no blurhash (NULL); the hub
// makes them from their small derivative when it starts
// (Service.FillBlurhashes), once: a damaged one is marked as having none
// and not tried again.
func TestOlderPicturesGetTheirBlurhash(t *testing.T) {
	path := filepath.Join(t.TempDir(), "hub.db")
	db := mustOpen(t, path)
	s := db.Stores()
	raw := mustOpenRaw(t, path)
	start := time.Date(2026, 5, 1, 18, 0, 0, 0, time.UTC)
	var ids []int64
	for i, file := range [][]byte{picturetest.JPEG(1200, 900, 1), picturetest.TransparentPNG(300, 200), picturetest.PlainJPEG(400, 400)} {
		e := &hub.Event{Title: "E", TimeZone: "Europe/London", Start: start, End: start.Add(time.Hour)}
		if err := s.Events.CreateEvent(ctx, e); err != nil {
			t.Fatal(err)
		}
		p, err := hub.ProcessPicture(file)
		if err != nil {
			t.Fatal(err)
		}
		p.Owner, p.OwnerID, p.Alt = hub.OwnerEvent, e.ID, "A hall"
		if err := s.Pictures.SavePicture(ctx, p); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, p.ID)
		if i == 2 { // damaged: its small derivative cut short
			if _, err := raw.Exec(`UPDATE pictures SET small = substr(small, 1, 40) WHERE id = ?`, p.ID); err != nil {
				t.Fatal(err)
			}
		}
	}
	if _, err := raw.Exec(`UPDATE pictures SET blurhash = NULL`); err != nil { // as migration 0020 leaves them
		t.Fatal(err)
	}
	svc := hub.NewService(s, slog.New(slog.DiscardHandler))
	if _, err := svc.FillBlurhashes(ctx); hub.ErrorCode(err) != hub.EUNAUTHORIZED && hub.ErrorCode(err) != hub.EFORBIDDEN {
		t.Errorf("a reader filled blurhashes: %v", err)
	}
	n, err := svc.FillBlurhashes(hub.HostContext(ctx))
	if err != nil || n != 2 {
		t.Fatalf("FillBlurhashes = %d, %v; want 2", n, err)
	}
	for i, id := range ids {
		p, err := s.Pictures.PictureData(ctx, id, hub.SizeSmall)
		if err != nil {
			t.Fatal(err)
		}
		if i == 2 {
			if p.Blurhash != "" {
				t.Errorf("a damaged picture got blurhash %q", p.Blurhash)
			}
			continue
		}
		if x, y, err := blurhash.Components(p.Blurhash); err != nil || x != 4 || y != 3 {
			t.Errorf("picture %d: blurhash %q (%d × %d, %v)", id, p.Blurhash, x, y, err)
		}
	}
	if n, err := svc.FillBlurhashes(hub.HostContext(ctx)); err != nil || n != 0 {
		t.Errorf("a second start filled %d (%v)", n, err)
	}
	if left, _ := s.Pictures.PicturesWithoutBlurhash(ctx); len(left) != 0 {
		t.Errorf("still without: %v", left)
	}
}
