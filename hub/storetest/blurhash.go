package storetest

import (
	"slices"
	"testing"

	"github.com/commonplace-hub/commonplace/hub"
)

// testPictureBlurhash: a picture's blurhash is kept with it; one saved
// without is listed until it is given one, which does not move its
// owner's UpdatedAt; ENOTFOUND for a picture that is not there.
func testPictureBlurhash(t *testing.T, open Opener) {
	s := open(t).Stores
	e, pl := eventAndPlace(t, s)
	with := &hub.Picture{Owner: hub.OwnerEvent, OwnerID: e.ID, MIME: "image/jpeg", Hash: "a", Width: 4, Height: 3, SmallWidth: 4, SmallHeight: 3,
		Large: []byte("l"), Small: []byte("s"), Blurhash: "LEHV6nWB2yk8pyo0adR*.7kCMdnj"}
	without := &hub.Picture{Owner: hub.OwnerPlace, OwnerID: pl.ID, MIME: "image/jpeg", Hash: "b", Width: 4, Height: 3, SmallWidth: 4, SmallHeight: 3,
		Large: []byte("l"), Small: []byte("s")}
	for _, p := range []*hub.Picture{with, without} {
		if err := s.Pictures.SavePicture(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	if got, err := s.Pictures.FindPicture(ctx, hub.OwnerEvent, e.ID); err != nil || got.Blurhash != with.Blurhash {
		t.Errorf("FindPicture's blurhash %q, %v", got.Blurhash, err)
	}
	ids, err := s.Pictures.PicturesWithoutBlurhash(ctx)
	if err != nil || !slices.Equal(ids, []int64{without.ID}) {
		t.Fatalf("PicturesWithoutBlurhash = %v, %v; want [%d]", ids, err, without.ID)
	}
	before, _ := s.Places.FindPlaceByID(ctx, pl.ID)
	if err := s.Pictures.SetPictureBlurhash(ctx, without.ID, "L00000fQfQfQfQfQfQfQfQfQfQfQ"); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Pictures.PictureData(ctx, without.ID, hub.SizeSmall); got == nil || got.Blurhash != "L00000fQfQfQfQfQfQfQfQfQfQfQ" {
		t.Errorf("after SetPictureBlurhash: %+v", got)
	}
	if after, _ := s.Places.FindPlaceByID(ctx, pl.ID); !after.UpdatedAt.Equal(before.UpdatedAt) {
		t.Errorf("making a blurhash moved the place's UpdatedAt from %v to %v", before.UpdatedAt, after.UpdatedAt)
	}
	if ids, err := s.Pictures.PicturesWithoutBlurhash(ctx); err != nil || len(ids) != 0 {
		t.Errorf("PicturesWithoutBlurhash after filling = %v, %v", ids, err)
	}
	if err := s.Pictures.SetPictureBlurhash(ctx, without.ID+100, "x"); hub.ErrorCode(err) != hub.ENOTFOUND {
		t.Errorf("SetPictureBlurhash of no picture: %v", err)
	}
}
