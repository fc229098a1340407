package federation_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/commonplace-hub/commonplace/hub"
)

// followingPage reads h's following collection and its first page.
func (h *testHub) followingPage() (total float64, ids []string) {
	h.t.Helper()
	_, coll := h.get("/actor/following", "application/activity+json")
	if coll["type"] != "OrderedCollection" || coll["id"] != h.base+"/actor/following" {
		h.t.Fatalf("following collection %v", coll)
	}
	_, pg := h.get("/actor/following?page=1", "application/activity+json")
	if pg["type"] != "OrderedCollectionPage" || pg["partOf"] != h.base+"/actor/following" || pg["totalItems"] != coll["totalItems"] {
		h.t.Fatalf("following page %v", pg)
	}
	for _, v := range pg["orderedItems"].([]any) {
		ids = append(ids, v.(string))
	}
	return coll["totalItems"].(float64), ids
}

// The following collection lists the hubs this hub follows once they
// have accepted, and forgets them on unfollowing; two real hubs.
func TestFollowingCollectionListsAcceptedPeers(t *testing.T) {
	a, b, c := newHub(t), newHub(t), newHub(t)
	if n, ids := b.followingPage(); n != 0 || len(ids) != 0 {
		t.Fatalf("a new hub follows %v (%v)", ids, n)
	}
	for _, peer := range []*testHub{a, c} {
		if _, err := b.svc.FollowPeer(b.host(), peer.handle()); err != nil {
			t.Fatal(err)
		}
		waitFor(t, "the peer to accept", func() bool { return b.peerState(peer.actorID()) == hub.PeerAccepted })
	}
	n, ids := b.followingPage()
	if got := strings.Join(sorted(ids), " "); n != 2 || got != strings.Join(sorted([]string{a.actorID(), c.actorID()}), " ") {
		t.Errorf("B follows %v (total %v), want A and C", ids, n)
	}
	if n, _ := a.followingPage(); n != 0 {
		t.Errorf("A, which follows nobody, lists %v", n)
	}
	if err := b.svc.UnfollowPeer(b.host(), a.actorID()); err != nil {
		t.Fatal(err)
	}
	if n, ids := b.followingPage(); n != 1 || len(ids) != 1 || ids[0] != c.actorID() {
		t.Errorf("after unfollowing A: %v (total %v)", ids, n)
	}
}

// The hub's area is on its actor as an ActivityStreams Place, and absent
// when the hub says nothing.
func TestActorLocationIsTheArea(t *testing.T) {
	h, quiet := newHub(t), newHub(t)
	ctx := hub.HostContext(context.Background())
	if _, actor := quiet.get("/actor", "application/activity+json"); actor["location"] != nil {
		t.Errorf("location without an area: %v", actor["location"])
	}
	st, _ := h.svc.Settings(ctx)
	lat, lon := 53.4668, -2.2489
	st.Area = hub.Area{Name: "Hulme, Manchester", Latitude: &lat, Longitude: &lon}
	if err := h.svc.UpdateSettings(ctx, st); err != nil {
		t.Fatal(err)
	}
	_, actor := h.get("/actor", "application/activity+json")
	loc, _ := actor["location"].(map[string]any)
	if loc["type"] != "Place" || loc["name"] != "Hulme, Manchester" || loc["latitude"] != lat || loc["longitude"] != lon {
		t.Errorf("location %v", actor["location"])
	}
}

func sorted(s []string) []string { s = slices.Clone(s); slices.Sort(s); return s }
