package web_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/commonplace-hub/commonplace/hub"
	"github.com/commonplace-hub/commonplace/internal/picturetest"
	"github.com/commonplace-hub/commonplace/internal/uris"
)

// TestCommonsAPIGivesTheLocalPicture: the API's commons item never gives
// the peer's address of its picture: before the hub has fetched it there
// is no picture field, after, the hub's copy (its addresses here, its
// description, size and blurhash).
func TestCommonsAPIGivesTheLocalPicture(t *testing.T) {
	th := newTestHub(t)
	it := th.seedRemoteItem()
	it.Picture = &hub.RemotePicture{URL: "https://a.example/media/cafe.jpg", Alt: "Volunteers at a repair table", MediaType: "image/jpeg", Width: 3000, Height: 2000}
	it.Updated = it.Updated.Add(time.Hour)
	ctx := context.Background()
	if _, err := th.db.Commons().SaveRemoteItem(ctx, it, hub.ItemSource{PeerActor: "https://a.example/actor"}); err != nil {
		t.Fatal(err)
	}
	api := th.apiClient(adminEmail)
	item := func() map[string]any {
		t.Helper()
		status, body := api.call("GET", "/commons", nil)
		items, _ := body["items"].([]any)
		if status != 200 || len(items) != 1 {
			t.Fatalf("GET /commons: %d %v", status, body)
		}
		if all, _ := json.Marshal(body); strings.Contains(string(all), "media/cafe.jpg") {
			t.Errorf("the answer gives the peer's picture address: %s", all)
		}
		return items[0].(map[string]any)
	}
	before := item()
	if _, ok := before["picture"]; ok {
		t.Errorf("before the fetch the item has a picture field: %v", before["picture"])
	}
	if before["title"] != it.Title || before["id"] != float64(it.ID) {
		t.Errorf("the item: %v", before)
	}

	p, err := hub.ProcessPicture(picturetest.JPEG(1000, 800, 1))
	if err != nil {
		t.Fatal(err)
	}
	p.Alt = "Volunteers at a repair table"
	if err := th.db.Commons().SavePeerPicture(ctx, it.ID, it.Picture.URL, p); err != nil {
		t.Fatal(err)
	}
	after := item()
	pic, _ := after["picture"].(map[string]any)
	want := map[string]any{
		"url": th.srv.URL + uris.Picture(p, hub.SizeLarge), "small_url": th.srv.URL + uris.Picture(p, hub.SizeSmall),
		"alt": "Volunteers at a repair table", "media_type": "image/jpeg", "width": 1000.0, "height": 800.0, "blurhash": p.Blurhash,
	}
	for k, v := range want {
		if pic[k] != v {
			t.Errorf("picture %s = %v, want %v", k, pic[k], v)
		}
	}
	if p.Blurhash == "" {
		t.Error("the processed picture has no blurhash to give")
	}
	for k, v := range pic {
		if s, ok := v.(string); ok && strings.Contains(s, "a.example") {
			t.Errorf("picture %s gives the peer's address: %s", k, s)
		}
	}
	// The copy is served by the hub at that address.
	if r := th.get(th.client(), uris.Picture(p, hub.SizeSmall)); r.StatusCode != 200 {
		t.Errorf("the small copy: %d", r.StatusCode)
	}
}
