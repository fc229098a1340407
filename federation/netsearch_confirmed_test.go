package federation_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/commonplace-hub/commonplace/federation"
	"github.com/commonplace-hub/commonplace/hub"
)

// relayingPeer is a Commonplace hub that a follows and that answers every
// network search with results, as it gives them.
func relayingPeer(t *testing.T, a *testHub, name string, results func() []any) *httptest.Server {
	t.Helper()
	peer := hostilePeer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{"total": 1, "results": results()})
	})
	if err := a.db.Commons().SaveFollowed(context.Background(), &hub.Followed{ActorID: peer.URL + "/actor", FollowID: a.base + "/follows/" + name,
		Inbox: peer.URL + "/inbox", Name: "Peer " + name, URL: peer.URL + "/", Host: strings.TrimPrefix(peer.URL, "http://"),
		State: hub.PeerAccepted, CreatedAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
	return peer
}

// searchRelays asks a's network for q and returns peer's answer.
func searchRelays(t *testing.T, a *testHub, peer *httptest.Server, q string) *hub.PeerAnswer {
	t.Helper()
	answers, err := a.svc.SearchNetwork(context.Background(), hub.NetworkQuery{Text: q})
	if err != nil {
		t.Fatal(err)
	}
	an := answerFor(answers, peer.URL+"/actor")
	if an == nil || an.Problem != "" {
		t.Fatalf("%q: the peer's answer %+v", q, an)
	}
	return an
}

// soupOrigin is a third server holding one guide, /guides/soup, in its
// own words; gets counts the fetches of it. Once retracted is set, the
// guide answers 404.
type soupOrigin struct {
	*httptest.Server
	gets      atomic.Int32
	retracted atomic.Bool
}

func newSoupOrigin(t *testing.T) *soupOrigin {
	t.Helper()
	o := &soupOrigin{}
	o.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/guides/soup" {
			http.NotFound(w, r)
			return
		}
		o.gets.Add(1)
		if o.retracted.Load() {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/activity+json")
		json.NewEncoder(w).Encode(map[string]any{"id": "http://" + r.Host + r.URL.Path, "type": "Article", "itemKind": "guide",
			"name": "Soup kitchen rota", "content": "Who cooks when.", "to": []string{"https://www.w3.org/ns/activitystreams#Public"}})
	}))
	t.Cleanup(o.Close)
	return o
}

// A relayed item's confirmation is kept across searches: another search
// that brings it back within the keep shows it without asking its origin
// again. Once the origin has retracted it (404), it is shown as it was
// only until the keep ends; then it is asked for again and dropped.
func TestNetworkSearchRelayConfirmationKept(t *testing.T) {
	a := newHub(t)
	origin := newSoupOrigin(t)
	gets, retracted := &origin.gets, &origin.retracted
	id := origin.URL + "/guides/soup"
	peer := relayingPeer(t, a, "one", func() []any {
		return []any{map[string]any{"kind": "guide", "title": "Soup, says the peer", "url": id}}
	})
	shown := func(an *hub.PeerAnswer) bool {
		return len(an.Results) == 1 && an.Results[0].Title == "Soup kitchen rota" && an.Results[0].URL == id &&
			an.Results[0].Origin != nil && an.Results[0].Origin.Host == strings.TrimPrefix(origin.URL, "http://")
	}
	if an := searchRelays(t, a, peer, "soup"); !shown(an) || gets.Load() != 1 {
		t.Fatalf("first search: %+v, fetched %d times", an, gets.Load())
	}
	// Other words (so not the peer's kept answer): the origin is not asked again.
	if an := searchRelays(t, a, peer, "soup kitchen"); !shown(an) || gets.Load() != 1 {
		t.Fatalf("second search: %+v, fetched %d times", an, gets.Load())
	}
	retracted.Store(true)
	a.clock.advance(federation.RelayConfirmedKeep - time.Second)
	if an := searchRelays(t, a, peer, "soup rota"); !shown(an) || gets.Load() != 1 {
		t.Fatalf("within the keep: %+v, fetched %d times", an, gets.Load())
	}
	a.clock.advance(time.Second)
	if an := searchRelays(t, a, peer, "kitchen rota"); len(an.Results) != 0 || an.Unconfirmed != 1 || gets.Load() != 2 {
		t.Fatalf("after the keep, retracted: %+v, fetched %d times", an, gets.Load())
	}
}

// A confirmation kept for one origin's item credits nothing else: a
// hostile peer relaying the origin's id with its own words, the same path
// on its own server, and a server whose document claims the origin's id:
// the origin's words go with the origin's id only, the peer's own item
// stays the peer's, and the claim is dropped. A server blocked after its item was confirmed is not shown
// from the kept confirmation.
func TestNetworkSearchRelayConfirmationCreditsOnlyItsOrigin(t *testing.T) {
	a := newHub(t)
	origin := newSoupOrigin(t)
	gets := &origin.gets
	id := origin.URL + "/guides/soup"
	originHost := strings.TrimPrefix(origin.URL, "http://")
	claims := forgedDoc(t, func(string) string { return id }, "https://www.w3.org/ns/activitystreams#Public")
	first := relayingPeer(t, a, "honest", func() []any {
		return []any{map[string]any{"kind": "guide", "title": "Soup", "url": id}}
	})
	if an := searchRelays(t, a, first, "soup"); len(an.Results) != 1 || gets.Load() != 1 {
		t.Fatalf("the origin's item: %+v, fetched %d times", an, gets.Load())
	}
	var liar *httptest.Server
	liar = relayingPeer(t, a, "liar", func() []any {
		return []any{
			map[string]any{"kind": "guide", "title": "Send money", "summary": "Lies.", "url": id},
			map[string]any{"kind": "guide", "title": "Same path, my server", "url": liar.URL + "/guides/soup"},
			map[string]any{"kind": "guide", "title": "Claims the origin's id", "url": claims.URL + "/guides/soup"},
		}
	})
	answers, err := a.svc.SearchNetwork(context.Background(), hub.NetworkQuery{Text: "soup kitchen"})
	if err != nil {
		t.Fatal(err)
	}
	l := answerFor(answers, liar.URL+"/actor")
	if l == nil || l.Unconfirmed != 1 || gets.Load() != 1 {
		t.Fatalf("the liar's answer: %+v, the origin fetched %d times", l, gets.Load())
	}
	for _, an := range answers {
		for _, r := range an.Results {
			switch r.URL {
			case id:
				if r.Title != "Soup kitchen rota" || r.Summary == "Lies." || r.Origin == nil || r.Origin.Host != originHost {
					t.Errorf("%s: the origin's item as %+v", an.Hub.Name, r)
				}
			case liar.URL + "/guides/soup": // the liar's own item, in its own name
				if r.Title != "Same path, my server" || r.Origin != nil {
					t.Errorf("%s: its own item as %+v", an.Hub.Name, r)
				}
			default:
				t.Errorf("%s: %+v", an.Hub.Name, r)
			}
		}
	}
	if err := a.svc.Block(a.host(), hub.Block{Kind: hub.BlockDomain, Value: origin.URL + "/", Note: "spam"}); err != nil {
		t.Fatal(err)
	}
	if an := searchRelays(t, a, first, "kitchen rota"); len(an.Results) != 0 || an.Unconfirmed != 0 {
		t.Errorf("after blocking the origin: %+v", an)
	}
}

// A real hub's item, confirmed and kept, is dropped from the keep when
// its origin deletes it: A follows C after the search, C deletes the
// guide and tells A, and A's next search asks C again, which no longer
// has it, though a relaying peer still offers it.
func TestNetworkSearchRelayConfirmationDroppedOnDelete(t *testing.T) {
	a, c := newHub(t), newHub(t)
	c.named("Hub C", hub.Area{})
	g := c.guide("Tool library", "Borrow a drill.")
	id := c.base + "/guides/" + g.Slug
	peer := relayingPeer(t, a, "relay", func() []any {
		return []any{map[string]any{"kind": "guide", "title": "Tools", "url": id}}
	})
	if an := searchRelays(t, a, peer, "tool"); len(an.Results) != 1 || an.Results[0].Title != "Tool library" {
		t.Fatalf("C's guide through the peer: %+v", an)
	}
	a.followHub(c)
	waitFor(t, "C's guide in A's commons", func() bool { return a.itemTitled("Tool library") != nil })
	if err := c.svc.DeleteGuide(c.host(), g.ID); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "C's Delete to reach A", func() bool { return a.itemTitled("Tool library") == nil })
	if an := searchRelays(t, a, peer, "tool library"); len(an.Results) != 0 || an.Unconfirmed != 1 {
		t.Errorf("after C deleted its guide: %+v", an)
	}
}
