package federation_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/commonplace-hub/commonplace/federation"
	"github.com/commonplace-hub/commonplace/hub"
	"github.com/commonplace-hub/commonplace/internal/picturetest"
	"github.com/commonplace-hub/commonplace/storage"
)

// budgetPictures is the hub's picture store, set once the hub is open
// (federation's Config is made before).
type budgetPictures struct{ *storage.PictureStore }

// budgetHub is a hub that fetches peers' pictures within a picture budget
// of budget bytes.
func budgetHub(t *testing.T, budget int64) *testHub {
	ref := &budgetPictures{}
	h := openHubConfig(t, filepath.Join(t.TempDir(), "hub.db"), nil, true, func(c *federation.Config) {
		c.Pictures = c.Commons.(hub.PeerPictureStore)
		c.PictureTimeout = 2 * time.Second
		c.PictureRoom = hub.PictureRoom{Pictures: ref, Budget: budget}
	})
	ref.PictureStore = h.db.Stores().Pictures.(*storage.PictureStore)
	return h
}

// TestPeerPicturesWithinTheBudget: when the hub's pictures already take
// their budget, a peer's picture is not fetched at all; when the one
// fetched would take them over it, it is not kept. Either way the item is
// kept without it, it is tried again later, and the skip is recorded for
// the organiser pages.
func TestPeerPicturesWithinTheBudget(t *testing.T) {
	var requests atomic.Int32
	photo := picturetest.JPEG(1920, 1080, 1)
	pics := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		w.Header().Set("Content-Type", "image/jpeg")
		w.Write(photo)
	}))
	t.Cleanup(pics.Close)
	processed, err := hub.ProcessPicture(photo)
	if err != nil {
		t.Fatal(err)
	}
	size := int64(len(processed.Large) + len(processed.Small))
	ctx := context.Background()

	for _, tt := range []struct {
		name    string
		budget  int64
		used    bool  // an upload takes room first
		fetches int32 // requests to the peer's picture server
		kept    bool
		skipped int
	}{
		{"room enough", 4 * size, false, 1, true, 0},
		{"no room left: not fetched", size / 2, true, 0, false, 1},
		{"room, but not for this one: fetched, not kept", size / 2, false, 1, false, 1},
	} {
		t.Run(tt.name, func(t *testing.T) {
			requests.Store(0)
			h := budgetHub(t, tt.budget)
			if tt.used {
				// A picture of the hub's own, kept as a restored hub
				// over its budget would have it.
				p := *processed
				p.Owner, p.Alt = hub.OwnerHeader, "The high street"
				if err := h.db.Stores().Pictures.SavePicture(ctx, &p); err != nil {
					t.Fatal(err)
				}
			}
			f := newFediverse(t)
			group := f.actor("group", true)
			followFake(t, h, f, group)
			it := sendEventWithPicture(t, h, f, group, "fair", pics.URL+"/fair.jpg", "Stalls in a hall")
			h.fed.FetchPeerPictures(ctx)
			it = itemNow(t, h, it.ID) // the item is kept either way
			if got := it.Picture != nil && it.Picture.Local != nil; got != tt.kept {
				t.Errorf("picture kept: %v, want %v", got, tt.kept)
			}
			if n := requests.Load(); n != tt.fetches {
				t.Errorf("%d fetches of the picture, want %d", n, tt.fetches)
			}
			n, last, err := h.db.Stores().Pictures.(hub.PictureSkipStore).PictureSkips(ctx)
			if err != nil || n != tt.skipped || (n > 0) == last.IsZero() {
				t.Errorf("skips recorded: %d (last %v) %v, want %d", n, last, err, tt.skipped)
			}
			if !tt.kept && !stillDue(t, h, it.ID) {
				t.Error("a picture skipped for lack of space is not tried again")
			}
			// Tried again within the hour: nothing more is fetched.
			h.fed.FetchPeerPictures(ctx)
			if n := requests.Load(); n != tt.fetches {
				t.Errorf("fetched again at once: %d fetches", n)
			}
		})
	}
}
