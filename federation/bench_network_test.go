package federation_test

// The network page with 200 known hubs (issue 21):
//
//	go test -tags sqlite_fts5 -run '^$' -bench NetworkPage -benchmem ./federation/

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/commonplace-hub/commonplace/hub"
)

const (
	benchNetworkHubs    = 200 // followed, each with 10 items here
	benchNetworkFollows = 20  // hubs each of them follows
)

// seedNetwork makes h follow benchNetworkHubs hubs (as accepted peers
// with items on shared topics) that follow each other and as many more,
// and records what a refresh would have read of them.
func seedNetwork(b *testing.B, h *testHub) {
	ctx := context.Background()
	h.guide("Local guide", "Body.") // topic: digital skills
	now := time.Now()
	id := func(i int) string { return fmt.Sprintf("https://hub%d.example/actor", i) }
	for i := 0; i < benchNetworkHubs; i++ {
		actor := id(i)
		if err := h.db.Commons().SaveFollowed(ctx, &hub.Followed{ActorID: actor, FollowID: h.base + fmt.Sprintf("/follows/%d", i),
			Inbox: actor + "/inbox", Name: fmt.Sprintf("Hub %d", i), URL: actor, Host: fmt.Sprintf("hub%d.example", i), State: hub.PeerAccepted, CreatedAt: now}); err != nil {
			b.Fatal(err)
		}
		for j := 0; j < 10; j++ {
			obj := fmt.Sprintf("%s/guides/%d", actor, j)
			it := &hub.RemoteItem{ObjectID: obj, Kind: hub.KindGuide, URL: obj, Title: "Guide", Tags: []string{"digital skills", fmt.Sprintf("topic %d", j)},
				Origin: hub.Origin{ActorID: actor, Host: fmt.Sprintf("hub%d.example", i)}, Published: now, Updated: now, Received: now}
			if _, err := h.db.Commons().SaveRemoteItem(ctx, it, hub.ItemSource{PeerActor: actor}); err != nil {
				b.Fatal(err)
			}
		}
		var follows []string
		for k := 1; k <= benchNetworkFollows; k++ {
			follows = append(follows, id((i+k*7)%(2*benchNetworkHubs)))
		}
		lat, lon := 53.0+float64(i)/100, -2.0-float64(i)/100
		h.fed.KnowNetworkHub(hub.Origin{ActorID: actor, Name: fmt.Sprintf("Hub %d", i), URL: actor, Host: fmt.Sprintf("hub%d.example", i)},
			hub.Area{Name: fmt.Sprintf("Area %d", i), Latitude: &lat, Longitude: &lon}, true, follows)
	}
	for i := benchNetworkHubs; i < 2*benchNetworkHubs; i++ { // hubs to suggest
		h.fed.KnowNetworkHub(hub.Origin{ActorID: id(i), Name: fmt.Sprintf("Hub %d", i), URL: id(i), Host: fmt.Sprintf("hub%d.example", i)},
			hub.Area{Name: fmt.Sprintf("Area %d", i)}, true, nil)
	}
}

// BenchmarkNetworkPage renders /network over HTTP (no page cache) for a
// hub that follows 200 hubs, each following 20, 200 more suggested.
func BenchmarkNetworkPage(b *testing.B) {
	h := newHub(b)
	seedNetwork(b, h)
	n, err := h.svc.Network(context.Background())
	if err != nil || len(n.Hubs) != benchNetworkHubs || len(n.Suggested) == 0 {
		b.Fatalf("network: %d hubs, %d suggested, %v", len(n.Hubs), len(n.Suggested), err)
	}
	client := &http.Client{}
	b.ResetTimer()
	size := 0
	for i := 0; i < b.N; i++ {
		resp, err := client.Get(h.base + "/network")
		if err != nil {
			b.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			b.Fatalf("status %d", resp.StatusCode)
		}
		size = len(body)
	}
	b.ReportMetric(float64(size), "bytes/page")
}
