package federation_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

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

// named gives a hub a name and an area.
func (h *testHub) named(name string, area hub.Area) {
	h.t.Helper()
	ctx := h.host()
	st, _ := h.svc.Settings(ctx)
	st.Name, st.Area = name, area
	if err := h.svc.UpdateSettings(ctx, st); err != nil {
		h.t.Fatal(err)
	}
}

func (h *testHub) followHub(peer *testHub) {
	h.t.Helper()
	if _, err := h.svc.FollowPeer(h.host(), peer.handle()); err != nil {
		h.t.Fatal(err)
	}
	waitFor(h.t, "the peer to accept", func() bool { return h.peerState(peer.actorID()) == hub.PeerAccepted })
}

// networkHub returns the hub with actor id in n, or nil.
func networkHub(n *hub.Network, id string) *hub.NetworkHub {
	for i := range n.Hubs {
		if n.Hubs[i].ActorID == id {
			return &n.Hubs[i]
		}
	}
	return nil
}

// Four real hubs: A follows B, B and C follow each other, D is on its
// own. A's network shows B with its area, what it shares with A (a topic,
// its items, a re-share of C's guide) and the hubs B follows; C is a hub
// A might follow, D is nowhere. B's network shows A as a follower.
func TestNetworkOfRealHubs(t *testing.T) {
	a, b, c, d := newHub(t), newHub(t), newHub(t), newHub(t)
	lat, lon := 53.4571, -2.2275
	alat, alon := 53.4668, -2.2489
	a.named("Hub A", hub.Area{Name: "Hulme", Latitude: &alat, Longitude: &alon})
	b.named("Hub B", hub.Area{Name: "Moss Side", Latitude: &lat, Longitude: &lon})
	c.named("Hub C <script>alert(1)</script>", hub.Area{Name: "Salford"})
	d.named("Hub D", hub.Area{Name: "Nowhere"})
	a.guide("Fixing bikes", "Bring tools.") // topic: digital skills
	b.guide("Teaching tablets", "Slowly.")  // the same topic
	c.guide("Seed swap", "Bring seeds.")

	b.followHub(c)
	c.followHub(b)
	a.followHub(b)
	waitFor(t, "C's guide on B", func() bool { return b.itemTitled("Seed swap") != nil })
	if err := b.svc.Reshare(b.host(), b.itemTitled("Seed swap").ID, false); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "B's re-share of C's guide on A", func() bool { return a.itemTitled("Seed swap") != nil })

	ctx := context.Background()
	a.fed.RefreshNetwork(ctx)
	n, err := a.svc.Network(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(n.Hubs) != 1 {
		t.Fatalf("A's network: %+v, want B alone", n.Hubs)
	}
	hb := networkHub(n, b.actorID())
	if hb == nil || !hb.WeFollow || hb.FollowsUs || hb.Name != "Hub B" || hb.Area.Name != "Moss Side" || hb.Area.Coordinates() != "53.4571, -2.2275" {
		t.Fatalf("B on A's network: %+v", hb)
	}
	if hb.Items != 1 || hb.Reshares != 1 || len(hb.TopicsInCommon) != 1 || hb.TopicsInCommon[0].Slug != "digital-skills" {
		t.Errorf("what B shares with A: items %d, re-shares %d, topics %+v", hb.Items, hb.Reshares, hb.TopicsInCommon)
	}
	if len(hb.Follows) != 1 || hb.Follows[0].ActorID != c.actorID() || hb.FollowsTotal != 1 || hb.Problem != "" {
		t.Errorf("B follows %+v (total %d, problem %q)", hb.Follows, hb.FollowsTotal, hb.Problem)
	}
	if len(n.Suggested) != 1 || n.Suggested[0].ActorID != c.actorID() || n.Suggested[0].Area.Name != "Salford" ||
		len(n.Suggested[0].FollowedBy) != 1 || n.Suggested[0].FollowedBy[0].ActorID != b.actorID() {
		t.Errorf("suggested to A: %+v", n.Suggested)
	}

	status, page := a.getPage("/network")
	if status != 200 {
		t.Fatalf("/network: %d", status)
	}
	for _, want := range []string{"<h1>The network</h1>", "Hub A works in:", "Hulme", ">Hub B</a>", "Moss Side", "(53.4571, -2.2275)",
		"Hub A follows it", `<a href="/topics/digital-skills">digital skills</a>`, `/commons?from=` + strings.ReplaceAll(strings.TrimPrefix(b.base, "http://"), ":", "%3a") + `">1</a>`,
		"Hubs your peers follow", "Hub C &lt;script&gt;alert(1)&lt;/script&gt;", "Salford", "Followed by Hub B",
		`role="img" aria-labelledby="network-graph-title network-graph-desc"`, "Who follows whom: 2 of 2 hubs drawn.", `dy="4" text-anchor="start">Hub B</text>`,
		`aria-labelledby="network-map-title network-map-desc"`, "Where the hubs are: 2 placed by their position."} {
		if !strings.Contains(page, want) {
			t.Errorf("A's network page lacks %q\n%s", want, page[strings.Index(page, "<main"):])
		}
	}
	for _, unwanted := range []string{"Hub D", "<script>alert", "<script", "/admin/commons/follow"} {
		if strings.Contains(page, unwanted) {
			t.Errorf("A's network page has %q", unwanted)
		}
	}

	// B's network: C both ways, A as a follower that is a hub.
	b.fed.RefreshNetwork(ctx)
	nb, _ := b.svc.Network(ctx)
	if ha := networkHub(nb, a.actorID()); ha == nil || ha.WeFollow || !ha.FollowsUs || ha.Area.Name != "Hulme" {
		t.Errorf("A on B's network: %+v", ha)
	}
	if hc := networkHub(nb, c.actorID()); hc == nil || !hc.WeFollow || !hc.FollowsUs || len(hc.Follows) != 1 || hc.Follows[0].ActorID != b.actorID() {
		t.Errorf("C on B's network: %+v", hc)
	}
	if len(nb.Suggested) != 0 {
		t.Errorf("B, which follows every hub its peers follow, is suggested %+v", nb.Suggested)
	}

	// Once A follows C, C leaves the suggestions for the table.
	a.followHub(c)
	a.fed.RefreshNetwork(ctx)
	n, _ = a.svc.Network(ctx)
	if len(n.Hubs) != 2 || networkHub(n, c.actorID()) == nil || len(n.Suggested) != 0 {
		t.Errorf("after following C: hubs %+v, suggested %+v", n.Hubs, n.Suggested)
	}
}

// hostileHub is a server on 127.0.0.1 that says it runs Commonplace and
// answers with a following collection of a million entries in endless,
// cycling pages, an area out of range and markup in its name.
type hostileHub struct {
	srv   *httptest.Server
	pages atomic.Int32
}

func newHostileHub(t *testing.T) *hostileHub {
	h := &hostileHub{}
	h.srv = followingServer(t, func(base string) map[string]any {
		return map[string]any{"id": base + "/actor", "type": "Group", "preferredUsername": "evil", "inbox": base + "/inbox",
			"name": `<img src=x onerror=alert(1)>`, "url": "javascript:alert(1)", "following": base + "/following",
			"location": map[string]any{"type": "Place", "name": strings.Repeat("é", 5000), "latitude": 999, "longitude": "west"}}
	}, 1_000_000, func(base string, n int) ([]any, string) {
		items := []any{"javascript:alert(1)", base + "/actor"}
		for i := 0; i < 150; i++ {
			items = append(items, fmt.Sprintf("http://127.0.0.%d:9/actor/%d", n%200+1, i))
		}
		next := fmt.Sprintf("%s/following?page=%d", base, n+1)
		if n == 2 {
			next = base + "/following?page=1" // a cycle
		}
		return items, next
	}, &h.pages)
	return h
}

// followingServer is a server on 127.0.0.1 that says it runs Commonplace,
// with actor(base) at /actor and a following collection at /following
// (of total entries, when not 0) whose page n holds page(base, n); it
// counts the pages read in pages.
func followingServer(t *testing.T, actor func(base string) map[string]any, total int, page func(base string, n int) (items []any, next string), pages *atomic.Int32) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		base := "http://" + r.Host
		w.Header().Set("Content-Type", "application/activity+json")
		var v any
		switch {
		case r.URL.Path == "/.well-known/nodeinfo":
			v = map[string]any{"links": []any{map[string]any{"rel": "http://nodeinfo.diaspora.software/ns/schema/2.1", "href": base + "/nodeinfo/2.1"}}}
		case r.URL.Path == "/nodeinfo/2.1":
			v = map[string]any{"software": map[string]any{"name": "commonplace", "version": "9"}}
		case r.URL.Path == "/actor":
			v = actor(base)
		case r.URL.Path == "/following" && r.URL.RawQuery == "":
			c := map[string]any{"id": base + "/following", "type": "OrderedCollection", "first": base + "/following?page=1"}
			if total != 0 {
				c["totalItems"] = total
			}
			v = c
		case r.URL.Path == "/following":
			pages.Add(1)
			n, _ := strconv.Atoi(r.URL.Query().Get("page"))
			items, next := page(base, n)
			v = map[string]any{"id": base + r.URL.String(), "type": "OrderedCollectionPage", "orderedItems": items, "next": next}
		default:
			http.NotFound(w, r)
			return
		}
		json.NewEncoder(w).Encode(v)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// A hostile hub following this one: its collection is cut at the bound
// after a few pages and its cycle is not followed; its markup stays text
// and its bad area is dropped or clipped.
func TestNetworkHostileFollowing(t *testing.T) {
	a := newHub(t)
	evil := newHostileHub(t)
	ctx := context.Background()
	if err := a.db.Federation().SaveFollower(ctx, &hub.FollowerRecord{ActorID: evil.srv.URL + "/actor", FollowID: evil.srv.URL + "/follow/1",
		Inbox: evil.srv.URL + "/inbox", CreatedAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
	a.fed.RefreshNetwork(ctx)
	n, err := a.svc.Network(ctx)
	if err != nil {
		t.Fatal(err)
	}
	h := networkHub(n, evil.srv.URL+"/actor")
	if h == nil || !h.FollowsUs || h.WeFollow {
		t.Fatalf("the hostile hub on the network: %+v", n.Hubs)
	}
	if len(h.Follows) != hub.MaxNetworkFollowsShown || h.FollowsTotal != 1_000_000 || h.MoreFollows() != 1_000_000-hub.MaxNetworkFollowsShown {
		t.Errorf("read %d of its follows, total %d", len(h.Follows), h.FollowsTotal)
	}
	// Two pages hold the bound; the hub's own refresh at start may have
	// read them too.
	if p := evil.pages.Load(); p > 4 {
		t.Errorf("%d pages read for %d entries", p, hub.MaxNetworkFollowing)
	}
	for _, o := range h.Follows {
		if !strings.HasPrefix(o.ActorID, "http://") {
			t.Errorf("kept a follow that is not an http(s) IRI: %q", o.ActorID)
		}
	}
	if h.Area.HasPosition() || len([]rune(h.Area.Name)) != 200 || h.URL != h.ActorID {
		t.Errorf("area %q (%v), url %q", h.Area.Name, h.Area.Coordinates(), h.URL)
	}
	_, page := a.getPage("/network")
	if strings.Contains(page, "<img src=x") || strings.Contains(page, "javascript:") || !strings.Contains(page, "&lt;img src=x onerror=alert(1)&gt;") {
		t.Errorf("the hostile name or link is not inert on the page")
	}
}

// endlessHub is a hub on 127.0.0.1 whose following collection never
// ends: each page lists the hub itself and the actors in cycle, and
// points to one more page.
func endlessHub(t *testing.T, cycle ...string) (*httptest.Server, *atomic.Int32) {
	var pages atomic.Int32
	srv := followingServer(t, func(base string) map[string]any {
		return map[string]any{"id": base + "/actor", "type": "Group", "preferredUsername": "endless", "name": "Endless",
			"inbox": base + "/inbox", "following": base + "/following"}
	}, 0, func(base string, n int) ([]any, string) {
		items := []any{base + "/actor"}
		for _, c := range cycle {
			items = append(items, c)
		}
		return items, fmt.Sprintf("%s/following?page=%d", base, n+1)
	}, &pages)
	return srv, &pages
}

// Cycles between hubs: A and B follow each other, and A follows a hub
// whose following collection lists itself, A and B on pages that never
// end. A refresh reads a bounded number of pages and ends; A's network
// shows B and that hub once each, not A itself, and suggests nobody.
func TestNetworkCyclesAndEndlessPages(t *testing.T) {
	a, b := newHub(t), newHub(t)
	b.named("Hub B", hub.Area{})
	a.followHub(b)
	b.followHub(a)
	e, pages := endlessHub(t, a.actorID(), b.actorID())
	ctx := context.Background()
	if err := a.db.Commons().SaveFollowed(ctx, &hub.Followed{ActorID: e.URL + "/actor", FollowID: a.base + "/follows/endless",
		Inbox: e.URL + "/inbox", Name: "Endless", URL: e.URL + "/", Host: strings.TrimPrefix(e.URL, "http://"), State: hub.PeerAccepted, CreatedAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
	before := pages.Load()
	a.fed.RefreshNetwork(ctx)
	if p := pages.Load() - before; p == 0 || p > 5 {
		t.Errorf("one refresh read %d pages of an endless collection", p)
	}
	n, err := a.svc.Network(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(n.Hubs) != 2 || networkHub(n, a.actorID()) != nil || len(n.Suggested) != 0 {
		t.Fatalf("A's network: hubs %+v, suggested %+v", n.Hubs, n.Suggested)
	}
	hb, he := networkHub(n, b.actorID()), networkHub(n, e.URL+"/actor")
	if hb == nil || !hb.WeFollow || !hb.FollowsUs || len(hb.Follows) != 1 || hb.Follows[0].ActorID != a.actorID() {
		t.Errorf("B on A's network: %+v", hb)
	}
	if he == nil || len(he.Follows) != 3 || he.Problem != "" {
		t.Errorf("the endless hub on A's network: %+v", he)
	}
}
