package storetest

import (
	"reflect"
	"sort"
	"testing"
	"time"

	"github.com/commonplace-hub/commonplace/hub"
)

// testPeerShares: what the commons holds from each peer, published by
// it or re-shared by it, with the topics of those items; an item
// another peer re-shared counts for both.
func testPeerShares(t *testing.T, open Opener) {
	all := open(t)
	s := all.FederationCommons
	if all.NetworkCounts == nil {
		t.Skip("no NetworkCounts store")
	}
	if got, err := all.NetworkCounts.PeerShares(ctx); err != nil || len(got) != 0 {
		t.Fatalf("empty commons: %v, %v", got, err)
	}
	a, b := "https://a.example/actor", "https://b.example/actor"
	for i, p := range []string{a, b} {
		if err := s.SaveFollowed(ctx, &hub.Followed{ActorID: p, FollowID: p + "/follow", Inbox: p + "/inbox", Host: hub.Slugify(p), State: hub.PeerAccepted, CreatedAt: time.Unix(int64(1000+i), 0)}); err != nil {
			t.Fatal(err)
		}
	}
	now := time.Unix(1_800_000_000, 0).UTC()
	save := func(id, origin string, tags []string, src hub.ItemSource) {
		it := &hub.RemoteItem{ObjectID: id, Kind: hub.KindGuide, URL: id, Title: id, Tags: tags,
			Origin: hub.Origin{ActorID: origin, Host: "x.example"}, Published: now, Updated: now, Received: now}
		if _, err := s.SaveRemoteItem(ctx, it, src); err != nil {
			t.Fatal(err)
		}
	}
	save("https://a.example/g/1", a, []string{"Food bank", "Repair"}, hub.ItemSource{PeerActor: a})
	save("https://a.example/g/2", a, []string{"Repair"}, hub.ItemSource{PeerActor: a})
	save("https://a.example/g/2", a, []string{"Repair"}, hub.ItemSource{PeerActor: b, Share: true, ActivityID: "https://b.example/announce/1"})
	save("https://c.example/g/3", "https://c.example/actor", []string{"Gardening"}, hub.ItemSource{PeerActor: b, Share: true, ActivityID: "https://b.example/announce/2"})
	got, err := all.NetworkCounts.PeerShares(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, sh := range got {
		sort.Strings(sh.Topics)
	}
	want := map[string]hub.PeerShare{
		a: {Items: 2, Topics: []string{"food-bank", "repair"}},
		b: {Reshares: 2, Topics: []string{"gardening", "repair"}},
	}
	for k, w := range want {
		g := got[k]
		sort.Strings(g.Topics)
		if !reflect.DeepEqual(g, w) {
			t.Errorf("%s: %+v, want %+v", k, g, w)
		}
	}
	if len(got) != 2 {
		t.Errorf("PeerShares has %d peers, want 2: %v", len(got), got)
	}
}
