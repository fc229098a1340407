package storage_test

import (
	"bytes"
	"path/filepath"
	"testing"
	"time"

	"github.com/commonplace-hub/commonplace/hub"
	"github.com/commonplace-hub/commonplace/internal/picturetest"
)

func TestPicturesRoundTripReplaceAndGoWithTheirItem(t *testing.T) {
	path := filepath.Join(t.TempDir(), "hub.db")
	s := mustOpen(t, path).Stores()
	start := time.Date(2026, 5, 1, 18, 0, 0, 0, time.UTC)
	e := &hub.Event{Title: "E", TimeZone: "Europe/London", Start: start, End: start.Add(time.Hour)}
	if err := s.Events.CreateEvent(ctx, e); err != nil {
		t.Fatal(err)
	}
	save := func(alt string) *hub.Picture {
		p, err := hub.ProcessPicture(picturetest.PlainJPEG(500, 300))
		if err != nil {
			t.Fatal(err)
		}
		p.Owner, p.OwnerID, p.Alt, p.FocusX = hub.OwnerEvent, e.ID, alt, 0.25
		if err := s.Pictures.SavePicture(ctx, p); err != nil {
			t.Fatal(err)
		}
		return p
	}
	// An event last changed long ago: a picture moves its updated_at.
	if _, err := mustOpenRaw(t, path).Exec(`UPDATE events SET updated_at = 1000 WHERE id = ?`, e.ID); err != nil {
		t.Fatal(err)
	}
	first := save("")
	second := save("A hall with chairs")
	if _, err := s.Pictures.PictureData(ctx, first.ID, hub.SizeLarge); hub.ErrorCode(err) != hub.ENOTFOUND {
		t.Errorf("replaced picture still there: %v", err)
	}
	if after, _ := s.Events.FindEventByID(ctx, e.ID); after.UpdatedAt.Unix() <= 1000 {
		t.Errorf("saving a picture did not move the event's updated_at: %v", after.UpdatedAt)
	}
	got, err := s.Pictures.FindPicture(ctx, hub.OwnerEvent, e.ID)
	if err != nil || got.ID != second.ID || got.Alt != "A hall with chairs" || got.FocusX != 0.25 || got.Width != 500 || got.Large != nil {
		t.Fatalf("FindPicture = %+v, %v", got, err)
	}
	data, err := s.Pictures.PictureData(ctx, second.ID, hub.SizeSmall)
	if err != nil || !bytes.Equal(data.Small, second.Small) || data.Large != nil {
		t.Fatalf("PictureData small: %v", err)
	}
	if n, size, err := s.Pictures.PictureSpace(ctx); err != nil || n != 1 || size != int64(len(second.Large)+len(second.Small)) {
		t.Errorf("PictureSpace = %d, %d, %v", n, size, err)
	}
	many, err := s.Pictures.FindPictures(ctx, hub.OwnerEvent, []int64{e.ID, e.ID + 100})
	if err != nil || len(many) != 1 || many[e.ID].ID != second.ID {
		t.Fatalf("FindPictures = %v, %v", many, err)
	}
	if err := s.Pictures.UpdatePictureAlt(ctx, second.ID, ""); err != nil {
		t.Fatal(err)
	}
	if list, err := s.Pictures.PicturesWithoutAlt(ctx); err != nil || len(list) != 1 || list[0].ID != second.ID {
		t.Fatalf("PicturesWithoutAlt = %v, %v", list, err)
	}
	if err := s.Events.DeleteEvent(ctx, e.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Pictures.FindPicture(ctx, hub.OwnerEvent, e.ID); hub.ErrorCode(err) != hub.ENOTFOUND {
		t.Errorf("picture outlived its event: %v", err)
	}
	if err := s.Pictures.DeletePicture(ctx, hub.OwnerEvent, e.ID); hub.ErrorCode(err) != hub.ENOTFOUND {
		t.Errorf("DeletePicture of nothing = %v", err)
	}
	if err := s.Pictures.UpdatePictureAlt(ctx, 9999, "x"); hub.ErrorCode(err) != hub.ENOTFOUND {
		t.Errorf("UpdatePictureAlt of nothing = %v", err)
	}
}
