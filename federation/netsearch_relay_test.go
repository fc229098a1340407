package federation_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/commonplace-hub/commonplace/federation"
	"github.com/commonplace-hub/commonplace/hub"
)

// Three real hubs in a cycle: A follows B, B follows A and C; A does not
// follow C. A's network search reaches C's guide through B's commons: it
// is shown in C's words, fetched from C, credited to C and marked as come
// through B; A's own guide, which B holds too, comes back only as A's
// own result. Once C is down, B's relay of it is dropped and counted.
func TestNetworkSearchTwoStepsOut(t *testing.T) {
	a, b, c := newHub(t), newHub(t), newHub(t)
	a.named("Hub A", hub.Area{})
	b.named("Hub B", hub.Area{})
	c.named("Hub C", hub.Area{})
	g := c.guide("Compost corner", "Turning kitchen scraps into soil.")
	a.guide("Compost at home", "A bin in the yard.")
	b.followHub(a)
	b.followHub(c)
	a.followHub(b)
	ctx := context.Background()
	if b.itemTitled("Compost corner") == nil || b.itemTitled("Compost at home") == nil {
		t.Fatal("B's commons does not hold A's and C's guides")
	}
	a.fed.RefreshNetwork(ctx) // A reads B's following, so knows C's name

	answers, err := a.svc.SearchNetwork(ctx, hub.NetworkQuery{Text: "compost"})
	if err != nil {
		t.Fatal(err)
	}
	ab := answerFor(answers, b.actorID())
	if len(answers) != 1 || ab == nil || ab.Problem != "" {
		t.Fatalf("answers %+v", answers)
	}
	if len(ab.Results) != 1 || ab.Unconfirmed != 0 {
		t.Fatalf("B's answer: %+v", ab)
	}
	r := ab.Results[0]
	if r.URL != c.base+"/guides/"+g.Slug || r.Title != "Compost corner" || r.Origin == nil || r.Origin.Name != "Hub C" ||
		r.Origin.Host != strings.TrimPrefix(c.base, "http://") || r.CommonsID != 0 {
		t.Errorf("C's guide through B: %+v (origin %+v)", r, r.Origin)
	}
	_, page := a.getPage("/search?scope=network&q=compost")
	_, network, _ := strings.Cut(page, `id="network-results-title"`)
	if !strings.Contains(network, "from Hub C ("+strings.TrimPrefix(c.base, "http://")+"), through Hub B") || !strings.Contains(network, ">Compost corner</a>") {
		t.Errorf("the page does not credit C's guide to C through B")
	}
	if strings.Contains(network, "Compost at home") {
		t.Error("A's own guide came back to A as B's result")
	}

	// C is down: B still holds its guide, but A cannot confirm it once its
	// confirmation's keep is over (netsearch_confirmed_test.go).
	c.close()
	a.clock.advance(federation.RelayConfirmedKeep)
	answers, _ = a.svc.SearchNetwork(ctx, hub.NetworkQuery{Text: "compost corner"})
	if ab := answerFor(answers, b.actorID()); ab == nil || len(ab.Results) != 0 || ab.Unconfirmed != 1 {
		t.Fatalf("with C down, B's answer: %+v", ab)
	}
	_, page = a.getPage("/search?scope=network&q=" + "compost+corner")
	if !strings.Contains(page, "1 result from its commons is not shown: the hub it comes from did not confirm it in time.") || strings.Contains(page, ">Compost corner</a>") {
		t.Error("the page does not say C's guide was not confirmed, or shows it")
	}
}

// forgedDoc serves one ActivityStreams document at every path, its id
// made by id from the server's base.
func forgedDoc(t *testing.T, id func(base string) string, to string) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/activity+json")
		json.NewEncoder(w).Encode(map[string]any{"id": id("http://" + r.Host), "type": "Article", "itemKind": "guide",
			"name": "Forged words", "content": "Send money.", "to": []string{to}, "attributedTo": "http://" + r.Host + "/actor"})
	}))
	t.Cleanup(srv.Close)
	return srv
}

// A hostile peer relays results it says are other hubs': a real hub's
// guide with its own words, a page the real hub does not have, documents
// served with another id, a followers-only one, one that hangs, the
// asking hub's own page and one on a server it blocks. Only the real
// guide is shown, in its origin's words; the others are dropped, and
// counted but for the asking hub's own and the blocked server's, within
// the deadline.
func TestNetworkSearchRelayedLies(t *testing.T) {
	a, c := newHub(t), newHub(t)
	c.named("Hub C", hub.Area{})
	g := c.guide("Seed library", "Borrow seeds in spring.")
	own := a.guide("Seed swap here", "Ours.")
	other := forgedDoc(t, func(string) string { return "http://elsewhere.example/guides/x" }, "https://www.w3.org/ns/activitystreams#Public")
	private := forgedDoc(t, func(base string) string { return base + "/guides/p" }, "http://127.0.0.1:1/followers")
	blocked := forgedDoc(t, func(base string) string { return base + "/guides/b" }, "https://www.w3.org/ns/activitystreams#Public")
	if err := a.svc.Block(a.host(), hub.Block{Kind: hub.BlockDomain, Value: blocked.URL + "/", Note: "spam"}); err != nil {
		t.Fatal(err)
	}
	release := make(chan struct{})
	hangs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(hangs.Close)
	t.Cleanup(func() { close(release) })
	liar := hostilePeer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{"total": 7, "results": []any{
			map[string]any{"kind": "guide", "title": "Hub C says: send money", "summary": "Lies.", "url": c.base + "/guides/" + g.Slug},
			map[string]any{"kind": "guide", "title": "Not on C", "url": c.base + "/guides/no-such-guide"},
			map[string]any{"kind": "guide", "title": "Another id", "url": other.URL + "/guides/x"},
			map[string]any{"kind": "guide", "title": "Followers only", "url": private.URL + "/guides/p"},
			map[string]any{"kind": "guide", "title": "Hangs", "url": hangs.URL + "/guides/h"},
			map[string]any{"kind": "guide", "title": "Your own", "url": a.base + "/guides/" + own.Slug},
			map[string]any{"kind": "guide", "title": "Blocked here", "url": blocked.URL + "/guides/b"},
		}})
	})
	ctx := context.Background()
	if err := a.db.Commons().SaveFollowed(ctx, &hub.Followed{ActorID: liar.URL + "/actor", FollowID: a.base + "/follows/liar",
		Inbox: liar.URL + "/inbox", Name: "Liar", URL: liar.URL + "/", Host: strings.TrimPrefix(liar.URL, "http://"), State: hub.PeerAccepted, CreatedAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	answers, err := a.svc.SearchNetwork(ctx, hub.NetworkQuery{Text: "seed"})
	if err != nil {
		t.Fatal(err)
	}
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("the search took %v: a hanging origin held it", took)
	}
	l := answerFor(answers, liar.URL+"/actor")
	if l == nil || l.Problem != "" || len(l.Results) != 1 || l.Unconfirmed != 4 {
		t.Fatalf("the liar's answer: %+v", l)
	}
	if r := l.Results[0]; r.Title != "Seed library" || r.Summary == "Lies." || r.Origin == nil || r.Origin.Host != strings.TrimPrefix(c.base, "http://") {
		t.Errorf("C's guide through the liar: %+v", r)
	}
	_, page := a.getPage("/search?scope=network&q=seed")
	for _, bad := range []string{"send money", "Lies.", "Not on C", "Blocked here", "Another id", "Followers only", "Forged words", "elsewhere.example"} {
		if strings.Contains(page, bad) {
			t.Errorf("the page shows %q", bad)
		}
	}
	if !strings.Contains(page, "4 results from its commons are not shown") {
		t.Error("the page does not count the dropped results")
	}
}

// Two peers relay the same item of a third server: it is fetched from its
// origin once per search, shown once, in the origin's words.
func TestNetworkSearchRelayConfirmedOnce(t *testing.T) {
	a := newHub(t)
	origin := newSoupOrigin(t)
	gets := &origin.gets
	ctx := context.Background()
	for _, name := range []string{"one", "two"} {
		peer := hostilePeer(t, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			json.NewEncoder(w).Encode(map[string]any{"total": 1, "results": []any{
				map[string]any{"kind": "guide", "title": "Soup, says " + name, "url": origin.URL + "/guides/soup"}}})
		})
		if err := a.db.Commons().SaveFollowed(ctx, &hub.Followed{ActorID: peer.URL + "/actor", FollowID: a.base + "/follows/" + name,
			Inbox: peer.URL + "/inbox", Name: "Peer " + name, URL: peer.URL + "/", Host: strings.TrimPrefix(peer.URL, "http://"), State: hub.PeerAccepted, CreatedAt: time.Now()}); err != nil {
			t.Fatal(err)
		}
	}
	answers, err := a.svc.SearchNetwork(ctx, hub.NetworkQuery{Text: "soup"})
	if err != nil {
		t.Fatal(err)
	}
	shown := 0
	for _, an := range answers {
		for _, r := range an.Results {
			shown++
			if r.Title != "Soup kitchen rota" || r.Origin == nil || r.Origin.Host != strings.TrimPrefix(origin.URL, "http://") {
				t.Errorf("%s relayed %+v", an.Hub.Name, r)
			}
		}
		if an.Problem != "" || an.Unconfirmed != 0 {
			t.Errorf("%s: %+v", an.Hub.Name, an)
		}
	}
	if len(answers) != 2 || shown != 1 || gets.Load() != 1 {
		t.Errorf("%d answers, the item shown %d times, fetched %d times", len(answers), shown, gets.Load())
	}
}
