package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/commonplace-hub/commonplace/hub"
	"github.com/commonplace-hub/commonplace/internal/picturetest"
	"github.com/commonplace-hub/commonplace/internal/uris"
	"github.com/commonplace-hub/commonplace/storage"
)

// TestCommonsListJSONGivesTheLocalPicture: `commons list --json` gives a
// peer's item's picture as the hub's copy (its address on this hub, its
// description, size and blurhash), as the API does, never the peer's
// address; before the copy is fetched, no picture field.
func TestCommonsListJSONGivesTheLocalPicture(t *testing.T) {
	h := newHubDir(t)
	config := filepath.Join(t.TempDir(), "commonplace.toml")
	writeFile(t, config, "url = 'https://hub.example'\n") // the public URL the CLI's links use
	h.env = []string{"COMMONPLACE_CONFIG=" + config}
	if err := os.MkdirAll(h.data, 0o700); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	withDB := func(f func(db *storage.DB)) {
		t.Helper()
		db, err := storage.Open(ctx, filepath.Join(h.data, dbFileName))
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		f(db)
	}
	it := &hub.RemoteItem{ObjectID: "https://peer.example/events/1", Kind: hub.KindEvent, URL: "https://peer.example/events/1", Title: "Repair fair",
		Origin:    hub.Origin{ActorID: "https://peer.example/actor", Host: "peer.example", Name: "Peer"},
		Published: time.Unix(1e9, 0), Updated: time.Unix(1e9, 0), Received: time.Unix(1e9, 0),
		Picture: &hub.RemotePicture{URL: "https://peer.example/media/fair.jpg", Alt: "Stalls in a hall", MediaType: "image/jpeg"}}
	withDB(func(db *storage.DB) {
		peer := &hub.Followed{ActorID: it.Origin.ActorID, FollowID: "https://hub.example/follows/1", Inbox: "https://peer.example/inbox",
			Outbox: "https://peer.example/outbox", Username: "peer", Host: "peer.example", State: hub.PeerAccepted, CreatedAt: time.Unix(1e9, 0)}
		if err := db.Commons().SaveFollowed(ctx, peer); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Commons().SaveRemoteItem(ctx, it, hub.ItemSource{PeerActor: peer.ActorID}); err != nil {
			t.Fatal(err)
		}
	})
	list := func() []map[string]any {
		t.Helper()
		var items []map[string]any
		h.okJSON(&items, "commons", "list")
		if len(items) != 1 || items[0]["title"] != "Repair fair" {
			t.Fatalf("commons list --json: %v", items)
		}
		return items
	}
	if pic, ok := list()[0]["picture"]; ok {
		t.Errorf("before the fetch: picture %v", pic)
	}
	if out := h.ok("commons", "list", "--json"); strings.Contains(out, "peer.example/media") {
		t.Errorf("the peer's picture address is given:\n%s", out)
	}

	p, err := hub.ProcessPicture(picturetest.JPEG(900, 600, 1))
	if err != nil {
		t.Fatal(err)
	}
	p.Alt = "Stalls in a hall"
	withDB(func(db *storage.DB) {
		if err := db.Commons().SavePeerPicture(ctx, it.ID, it.Picture.URL, p); err != nil {
			t.Fatal(err)
		}
	})
	pic, _ := list()[0]["picture"].(map[string]any)
	want := map[string]any{"url": "https://hub.example" + uris.Picture(p, hub.SizeLarge), "small_url": "https://hub.example" + uris.Picture(p, hub.SizeSmall),
		"alt": "Stalls in a hall", "width": 900.0, "height": 600.0, "media_type": "image/jpeg", "blurhash": p.Blurhash}
	for k, v := range want {
		if pic[k] != v {
			t.Errorf("picture %s = %v, want %v", k, pic[k], v)
		}
	}
	if out := h.ok("commons", "list", "--json"); strings.Contains(out, "peer.example/media") {
		t.Errorf("the peer's picture address is given:\n%s", out)
	}
}
