package storetest

import (
	"bytes"
	"testing"

	"github.com/commonplace-hub/commonplace/hub"
)

// testPictures: the PictureStore contract. One picture per owner (saving
// replaces, with a new id), reads with and without bytes, descriptions,
// the space taken, every ENOTFOUND, and an item's or place's picture going
// with it.
func testPictures(t *testing.T, open Opener) {
	s := open(t).Stores
	e, pl := eventAndPlace(t, s)
	save := func(owner hub.PictureOwner, id int64, alt, large string) *hub.Picture {
		t.Helper()
		p := &hub.Picture{Owner: owner, OwnerID: id, Alt: alt, FocusX: 0.25, FocusY: -1, MIME: "image/jpeg", Hash: large + "-hash",
			Width: 1600, Height: 1200, SmallWidth: 400, SmallHeight: 300, Large: []byte(large), Small: []byte("small " + large)}
		if err := s.Pictures.SavePicture(ctx, p); err != nil {
			t.Fatal(err)
		}
		if p.ID == 0 || p.CreatedAt.IsZero() {
			t.Fatalf("SavePicture did not set the id and time: %+v", p)
		}
		return p
	}
	first := save(hub.OwnerEvent, e.ID, "", "first")
	second := save(hub.OwnerEvent, e.ID, "Six people mending bikes", "second")
	header := save(hub.OwnerHeader, 0, "", "header")
	save(hub.OwnerPlace, pl.ID, "The front door", "door")
	if second.ID == first.ID {
		t.Errorf("a replaced picture kept its id %d (its addresses would show another picture)", first.ID)
	}
	if _, err := s.Pictures.PictureData(ctx, first.ID, hub.SizeLarge); hub.ErrorCode(err) != hub.ENOTFOUND {
		t.Errorf("the replaced picture is still there: %v", err)
	}
	got, err := s.Pictures.FindPicture(ctx, hub.OwnerEvent, e.ID)
	if err != nil || got.ID != second.ID || got.Alt != "Six people mending bikes" || got.FocusX != 0.25 || got.FocusY != -1 ||
		got.Width != 1600 || got.SmallHeight != 300 || got.Hash != "second-hash" || got.MIME != "image/jpeg" || got.Large != nil || got.Small != nil {
		t.Fatalf("FindPicture = %+v, %v", got, err)
	}
	for size, want := range map[hub.PictureSize]string{hub.SizeLarge: "second", hub.SizeSmall: "small second"} {
		p, err := s.Pictures.PictureData(ctx, second.ID, size)
		data := p.Large
		if size == hub.SizeSmall {
			data = p.Small
		}
		if err != nil || !bytes.Equal(data, []byte(want)) || p.Owner != hub.OwnerEvent || p.OwnerID != e.ID {
			t.Errorf("PictureData %s = %q, %v", size, data, err)
		}
	}
	many, err := s.Pictures.FindPictures(ctx, hub.OwnerEvent, []int64{e.ID, e.ID + 100})
	if err != nil || len(many) != 1 || many[e.ID].ID != second.ID {
		t.Errorf("FindPictures = %v, %v", many, err)
	}
	if list, err := s.Pictures.PicturesWithoutAlt(ctx); err != nil || len(list) != 1 || list[0].ID != header.ID {
		t.Errorf("PicturesWithoutAlt = %v, %v", list, err)
	}
	if err := s.Pictures.UpdatePictureAlt(ctx, header.ID, "The high street"); err != nil {
		t.Fatal(err)
	}
	if list, _ := s.Pictures.PicturesWithoutAlt(ctx); len(list) != 0 {
		t.Errorf("described, still listed: %v", list)
	}
	if n, size, err := s.Pictures.PictureSpace(ctx); err != nil || n != 3 || size != int64(len("second")*2+len("small ")+len("header")*2+len("small ")+len("door")*2+len("small ")) {
		t.Errorf("PictureSpace = %d, %d, %v", n, size, err)
	}

	// An item's and a place's picture go with them.
	if err := s.Events.DeleteEvent(ctx, e.ID); err != nil {
		t.Fatal(err)
	}
	if err := s.Places.DeletePlace(ctx, pl.ID); err != nil {
		t.Fatal(err)
	}
	for owner, id := range map[hub.PictureOwner]int64{hub.OwnerEvent: e.ID, hub.OwnerPlace: pl.ID} {
		if _, err := s.Pictures.FindPicture(ctx, owner, id); hub.ErrorCode(err) != hub.ENOTFOUND {
			t.Errorf("the %s's picture outlived it: %v", owner, err)
		}
	}
	for name, err := range map[string]error{
		"DeletePicture":    s.Pictures.DeletePicture(ctx, hub.OwnerEvent, e.ID),
		"UpdatePictureAlt": s.Pictures.UpdatePictureAlt(ctx, 9999, "x"),
	} {
		if hub.ErrorCode(err) != hub.ENOTFOUND {
			t.Errorf("%s of nothing = %v, want ENOTFOUND", name, err)
		}
	}
	if err := s.Pictures.DeletePicture(ctx, hub.OwnerHeader, 0); err != nil {
		t.Errorf("DeletePicture of the header: %v", err)
	}
	if _, err := s.Pictures.PictureData(ctx, header.ID, hub.SizeSmall); hub.ErrorCode(err) != hub.ENOTFOUND {
		t.Errorf("the removed header is still there: %v", err)
	}
}
