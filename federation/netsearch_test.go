package federation_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/commonplace-hub/commonplace/hub"
)

// answerFor returns the answer of the peer with actor id, or nil.
func answerFor(answers []hub.PeerAnswer, id string) *hub.PeerAnswer {
	for i := range answers {
		if answers[i].Hub.ActorID == id {
			return &answers[i]
		}
	}
	return nil
}

// Three real hubs: A follows B and C and widens a search to them; each
// answers from its own items and its commons, C's event which B holds is
// shown once, as C's own answer, and the page shows their results apart,
// under each hub.
func TestNetworkSearchOfRealHubs(t *testing.T) {
	a, b, c := newHub(t), newHub(t), newHub(t)
	b.named("Hub B", hub.Area{})
	c.named("Hub C", hub.Area{})
	b.guide("Repair café checklist", "What to bring to a repair café.")
	c.event("Repair café", time.Now().Add(72*time.Hour), "")
	c.guide("Seed swap", "Nothing to mend here.")
	a.guide("Our own repair guide", "Repair at home.")
	b.followHub(c)
	a.followHub(b)
	a.followHub(c)

	answers, err := a.svc.SearchNetwork(context.Background(), hub.NetworkQuery{Text: "repair"})
	if err != nil {
		t.Fatal(err)
	}
	ab, ac := answerFor(answers, b.actorID()), answerFor(answers, c.actorID())
	if len(answers) != 2 || ab == nil || ac == nil {
		t.Fatalf("answers %+v", answers)
	}
	if ab.Problem != "" || len(ab.Results) != 1 || ab.Results[0].Title != "Repair café checklist" || ab.Results[0].Kind != hub.KindGuide ||
		!strings.HasPrefix(ab.Results[0].URL, b.base+"/guides/") || ab.Total != 2 || ab.Hub.Name != "Hub B" {
		t.Errorf("B answered %+v", ab)
	}
	if ac.Problem != "" || len(ac.Results) != 1 || ac.Results[0].Kind != hub.KindEvent || ac.Results[0].StartsAt == nil || !strings.HasPrefix(ac.Results[0].URL, c.base+"/events/") {
		t.Errorf("C answered %+v", ac)
	}
	if answers, _ := a.svc.SearchNetwork(context.Background(), hub.NetworkQuery{Text: "repair", Kind: hub.KindEvent}); len(answerFor(answers, b.actorID()).Results) != 0 {
		t.Errorf("B answered a search for events with its guide")
	}

	status, page := a.getPage("/search?q=repair&scope=network")
	if status != 200 {
		t.Fatalf("search page: %d", status)
	}
	local, network, _ := strings.Cut(page, `id="network-results-title"`)
	if !strings.Contains(local, "Our own repair guide") || network == "" || strings.Contains(network, "Our own repair guide") {
		t.Errorf("the local results are not apart from the network's")
	}
	held := a.itemTitled("Repair café checklist")
	if held == nil || ab.Results[0].CommonsID != held.ID {
		t.Errorf("B's result is not matched with A's commons copy: %d, held %+v", ab.Results[0].CommonsID, held)
	}
	for _, want := range []string{">Hub B</a>", ">Hub C</a>", `href="` + ab.Results[0].URL + `"`, "Repair café checklist", "from Hub B (" + strings.TrimPrefix(b.base, "http://") + ")",
		fmt.Sprintf(`<a href="/commons/%d">also in the commons here</a>`, held.ID)} {
		if !strings.Contains(network, want) {
			t.Errorf("the network results lack %q", want)
		}
	}
	if _, page := a.getPage("/search?q=repair"); strings.Contains(page, "From other hubs") {
		t.Error("a search not widened to the network asked the network")
	}

	// B's organisers turn answering off: B is named as not answering.
	st, _ := b.svc.Settings(b.host())
	st.AnswersNetworkSearch = false
	if err := b.svc.UpdateSettings(b.host(), st); err != nil {
		t.Fatal(err)
	}
	if resp, err := http.Get(b.base + "/network/search.json?q=repair"); err != nil || resp.StatusCode != http.StatusNotFound {
		t.Fatalf("B's endpoint with answering off: %v %v", resp, err)
	}
	answers, _ = a.svc.SearchNetwork(context.Background(), hub.NetworkQuery{Text: "repair café"}) // not kept from before
	if ab := answerFor(answers, b.actorID()); ab == nil || ab.Problem != hub.NetworkSearchClosed || len(ab.Results) != 0 {
		t.Errorf("B with answering off: %+v", ab)
	}
	if ac := answerFor(answers, c.actorID()); ac == nil || len(ac.Results) != 1 {
		t.Errorf("C, still answering: %+v", ac)
	}
	if _, page := a.getPage("/search?scope=network&q=" + url.QueryEscape("repair café")); !strings.Contains(page, "It does not answer searches from other hubs.") {
		t.Error("the page does not say B does not answer")
	}
}

// The endpoint every hub answers: JSON of its own items, bounded, q
// required, rate limited per client.
func TestNetworkSearchEndpoint(t *testing.T) {
	h := newHub(t)
	for i := 0; i < 12; i++ {
		h.guide("Repair guide "+string(rune('a'+i)), "Repair things.")
	}
	get := func(q string) (*http.Response, map[string]any) {
		resp, err := http.Get(h.base + "/network/search.json" + q)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var v map[string]any
		json.NewDecoder(resp.Body).Decode(&v)
		return resp, v
	}
	resp, v := get("?q=repair")
	results, _ := v["results"].([]any)
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") || v["total"] != 12.0 || len(results) != hub.MaxNetworkResults {
		t.Fatalf("answer %d %v", resp.StatusCode, v)
	}
	first := results[0].(map[string]any)
	if first["kind"] != "guide" || !strings.HasPrefix(first["url"].(string), h.base+"/guides/") || strings.ContainsAny(first["summary"].(string), hub.SnippetMatchStart+hub.SnippetMatchEnd) {
		t.Errorf("result %v", first)
	}
	if resp, _ := get(""); resp.StatusCode != 400 {
		t.Errorf("no q: %d", resp.StatusCode)
	}
	if resp, _ := get(`?q="unclosed`); resp.StatusCode != 400 && resp.StatusCode != 200 {
		t.Errorf("a bad query: %d", resp.StatusCode)
	}
	limited := false
	for i := 0; i < 80 && !limited; i++ {
		resp, _ := get("?q=repair")
		limited = resp.StatusCode == http.StatusTooManyRequests && resp.Header.Get("Retry-After") != ""
	}
	if !limited {
		t.Error("80 answers in a row to one client were not limited")
	}
}

// hostilePeer is a server on 127.0.0.1 that says it runs Commonplace and
// answers network searches with search.
func hostilePeer(t *testing.T, search http.HandlerFunc) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		base := "http://" + r.Host
		switch r.URL.Path {
		case "/.well-known/nodeinfo":
			json.NewEncoder(w).Encode(map[string]any{"links": []any{map[string]any{"rel": "http://nodeinfo.diaspora.software/ns/schema/2.1", "href": base + "/nodeinfo/2.1"}}})
		case "/nodeinfo/2.1":
			json.NewEncoder(w).Encode(map[string]any{"software": map[string]any{"name": "commonplace", "version": "1"}})
		case "/network/search.json":
			search(w, r)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

// Peers that hang, trickle past the deadline, answer 50 MB, answer HTML
// or malformed JSON, answer 429 or put markup
// and other servers' pages in their results: each is reported for what
// it did, the search returns within its deadline (a hanging peer would
// otherwise hold it until the test times out), and the page shows the
// markup as text.
func TestNetworkSearchHostilePeers(t *testing.T) {
	a := newHub(t)
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	var sent atomic.Int64
	json200 := func(w http.ResponseWriter, body string) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(body))
	}
	peers := map[string]*httptest.Server{
		"hangs": hostilePeer(t, func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-release:
			case <-r.Context().Done():
			}
		}),
		"50 MB": hostilePeer(t, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.Write([]byte(`{"total": 1, "results": [{"kind": "guide", "title": "`))
			chunk := []byte(strings.Repeat("x", 1<<20))
			for i := 0; i < 50; i++ {
				if _, err := w.Write(chunk); err != nil {
					return
				}
				sent.Add(int64(len(chunk)))
			}
			w.Write([]byte(`", "url": "http://` + r.Host + `/g"}]}`))
		}),
		"trickles": hostilePeer(t, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.Write([]byte(`{"total": 1, "results": [`))
			for {
				w.(http.Flusher).Flush()
				select {
				case <-release:
					return
				case <-r.Context().Done():
					return
				case <-time.After(50 * time.Millisecond):
					w.Write([]byte(" "))
				}
			}
		}),
		"no total":           hostilePeer(t, func(w http.ResponseWriter, r *http.Request) { json200(w, `{"results": []}`) }),
		"results not a list": hostilePeer(t, func(w http.ResponseWriter, r *http.Request) { json200(w, `{"total": 1, "results": {"kind": "guide"}}`) }),
		"total a string":     hostilePeer(t, func(w http.ResponseWriter, r *http.Request) { json200(w, `{"total": "12", "results": []}`) }),
		"an array":           hostilePeer(t, func(w http.ResponseWriter, r *http.Request) { json200(w, `[{"total": 1}]`) }),
		"html": hostilePeer(t, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			w.Write([]byte(`<html><body><script>alert(1)</script>{"total": 1, "results": []}</body></html>`))
		}),
		"busy": hostilePeer(t, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Retry-After", "60")
			w.WriteHeader(http.StatusTooManyRequests)
		}),
		"not json": hostilePeer(t, func(w http.ResponseWriter, r *http.Request) { json200(w, `{"total": 1, "results": [`) }),
		"markup": hostilePeer(t, func(w http.ResponseWriter, r *http.Request) {
			json200(w, `{"total": 3, "results": [
				{"kind": "guide", "title": "<script>alert('title')</script><b>Bold</b>", "summary": "<img src=x onerror=alert(1)>\u0000", "url": "http://`+r.Host+`/guides/x"},
				{"kind": "guide", "title": "Someone else's words", "url": "http://elsewhere.example/guides/y"},
				{"kind": "guide", "title": "A script link", "url": "javascript:alert(1)"},
				{"kind": "nonsense", "title": "Not a kind", "url": "http://`+r.Host+`/z"}]}`)
		}),
	}
	ctx := context.Background()
	for name, srv := range peers {
		actor := srv.URL + "/actor"
		if err := a.db.Commons().SaveFollowed(ctx, &hub.Followed{ActorID: actor, FollowID: a.base + "/follows/" + strings.ReplaceAll(name, " ", "-"),
			Inbox: srv.URL + "/inbox", Name: "Peer " + name, URL: srv.URL + "/", Host: strings.TrimPrefix(srv.URL, "http://"), State: hub.PeerAccepted, CreatedAt: time.Now()}); err != nil {
			t.Fatal(err)
		}
	}
	answers, err := a.svc.SearchNetwork(ctx, hub.NetworkQuery{Text: "repair"})
	if err != nil {
		t.Fatal(err)
	}
	if n := sent.Load(); n > 16<<20 {
		t.Errorf("the 50 MB peer got %d bytes out: its answer was not cut off", n)
	}
	want := map[string]string{"hangs": hub.NetworkSearchSlow, "50 MB": hub.NetworkSearchGarbage, "html": hub.NetworkSearchGarbage,
		"trickles": hub.NetworkSearchSlow, "no total": hub.NetworkSearchGarbage, "results not a list": hub.NetworkSearchGarbage,
		"total a string": hub.NetworkSearchGarbage, "an array": hub.NetworkSearchGarbage,
		"busy": hub.NetworkSearchBusy, "not json": hub.NetworkSearchGarbage, "markup": ""}
	for name, srv := range peers {
		got := answerFor(answers, srv.URL+"/actor")
		if got == nil || got.Problem != want[name] {
			t.Errorf("%s: %+v, want problem %q", name, got, want[name])
		}
	}
	m := answerFor(answers, peers["markup"].URL+"/actor")
	if m == nil || len(m.Results) != 1 || m.Results[0].Title != "<script>alert('title')</script><b>Bold</b>" || strings.Contains(m.Results[0].Summary, "\x00") {
		t.Fatalf("the markup peer's results: %+v", m)
	}

	// The page: every peer under its name, its problem said, the markup
	// inert. The slow peer's answer is not kept, the others' are.
	_, page := a.getPage("/search?q=repair&scope=network")
	for _, want := range []string{"It did not answer in time.", "Its answer could not be read.", "It is busy: it asked to be searched less often.",
		"&lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt;&lt;b&gt;Bold&lt;/b&gt;", "&lt;img src=x onerror=alert(1)&gt;", "Peer markup"} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	for _, bad := range []string{"<script>alert", "<img src=x", "elsewhere.example", "javascript:", "Not a kind"} {
		if strings.Contains(page, bad) {
			t.Errorf("the page has %q", bad)
		}
	}
}
