package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/commonplace-hub/commonplace/internal/testkit"
)

// commonsHub is one real `commonplace serve` process with an admin API token.
type commonsHub struct {
	t     *testing.T
	name  string
	dir   *hubDir
	srv   *server
	token string
}

func startCommonsHub(t *testing.T, name string) *commonsHub {
	t.Helper()
	dir := newHubDir(t)
	dir.env = []string{envAllowPrivate + "=1"}
	dir.ok("organiser", "add", "--admin", "--email", "admin@"+name+".example", "--name", "Admin "+name, "--password", "a long enough password")
	dir.ok("settings", "set", "--name", "Hub "+strings.ToUpper(name), "--handle", name)
	var tok struct{ Secret string }
	dir.okJSON(&tok, "token", "create", "--email", "admin@"+name+".example", "--name", "e2e")
	srv := startServer(t, dir.env, "--data", dir.data, "--addr", "127.0.0.1:0", "--allow-private-addresses")
	return &commonsHub{t: t, name: name, dir: dir, srv: srv, token: tok.Secret}
}

// base is the hub's public URL: without --url, http://localhost:PORT.
func (h *commonsHub) base() string { return "http://" + h.host() }
func (h *commonsHub) host() string {
	_, port, _ := strings.Cut(h.srv.addr, ":")
	return "localhost:" + port
}
func (h *commonsHub) handle() string { return "@" + h.name + "@" + h.host() }

// api calls the hub's API with its token and decodes the answer into out.
func (h *commonsHub) api(method, path string, in, out any) int {
	h.t.Helper()
	var body io.Reader
	if in != nil {
		b, _ := json.Marshal(in)
		body = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, h.base()+"/api/v1"+path, body)
	req.Header.Set("Authorization", "Bearer "+h.token)
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	code, b := testkit.Send(h.t, nil, req)
	if code >= 300 {
		h.t.Fatalf("%s %s: %d %s", method, path, code, b)
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			h.t.Fatalf("%s %s: %v: %s", method, path, err, b)
		}
	}
	return code
}

// page fetches a public page.
func (h *commonsHub) page(path string) string {
	h.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, h.base()+path, nil)
	_, b := testkit.Send(h.t, nil, req)
	return string(b)
}

// within polls cond for up to d and reports how long it took.
func within(t *testing.T, d time.Duration, what string, cond func() bool) time.Duration {
	t.Helper()
	start := time.Now()
	for !cond() {
		if time.Since(start) > d {
			t.Fatalf("not within %v: %s", d, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
	return time.Since(start)
}

// follow has h follow other with 'commonplace peer follow' and waits up to
// 15 seconds for other to accept.
func (h *commonsHub) follow(other *commonsHub) {
	h.t.Helper()
	h.dir.ok("peer", "follow", other.handle())
	within(h.t, 15*time.Second, other.name+" to accept "+h.name+"'s follow", func() bool { return h.peerAccepted(other) })
}

// peerAccepted reports whether h's follow of other is accepted.
func (h *commonsHub) peerAccepted(other *commonsHub) bool {
	var out struct {
		Peers []struct {
			ActorID string `json:"actor_id"`
			State   string `json:"state"`
		}
	}
	h.api(http.MethodGet, "/peers", nil, &out)
	for _, p := range out.Peers {
		if p.ActorID == other.base()+"/actor" {
			return p.State == "accepted"
		}
	}
	return false
}

// TestCommonsThreeHubs starts three real hubs on loopback: B and C follow
// A, C follows B. A publishes, edits and deletes an event and a case
// study; B re-shares A's case study. B and C show what they should within
// 2 s of each change on A, and nothing they should not.
func TestCommonsThreeHubs(t *testing.T) {
	if testing.Short() {
		t.Skip("starts three hubs")
	}
	a, b, c := startCommonsHub(t, "alpha"), startCommonsHub(t, "beta"), startCommonsHub(t, "gamma")
	// Following from the command line: queued, delivered by the serving hub.
	b.dir.ok("peer", "follow", a.handle())
	c.dir.ok("peer", "follow", a.handle())
	c.dir.ok("peer", "follow", b.base()+"/")
	within(t, 15*time.Second, "A and B to accept the follows", func() bool {
		return b.peerAccepted(a) && c.peerAccepted(a) && c.peerAccepted(b)
	})
	// Something local on C that B must never show: B does not follow C.
	var cLocal struct{ ID int64 }
	c.api(http.MethodPost, "/guides", map[string]any{"title": "Gamma only guide", "body": "Local to gamma."}, &cLocal)

	shows := func(h *commonsHub, text string) func() bool {
		return func() bool { return strings.Contains(h.page("/commons"), text) }
	}
	// finds: a search on h lists an item titled title.
	finds := func(h *commonsHub, query, title string) bool {
		return strings.Contains(h.page("/search?q="+url.QueryEscape(query)), ">"+title+"</a>")
	}
	var ev, cs struct {
		ID  int64
		URL string
	}
	a.api(http.MethodPost, "/events", map[string]any{"title": "Alpha repair café", "description": "Fix things together.",
		"time_zone": "Europe/London", "start": "2027-06-05T10:00", "end": "2027-06-05T13:00", "tags": []string{"repair"}}, &ev)
	a.api(http.MethodPost, "/case-studies", map[string]any{"title": "Alpha tablet lending", "summary": "Lending tablets.",
		"problem": "People had no device.", "outcome": "Forty people got online.", "tags": []string{"digital skills"}}, &cs)
	for _, h := range []*commonsHub{b, c} {
		took := within(t, 2*time.Second, h.name+" shows and finds A's event and case study", func() bool {
			return shows(h, "Alpha repair café")() && shows(h, "Alpha tablet lending")() &&
				finds(h, "repair", "Alpha repair café") && finds(h, "tablets", "Alpha tablet lending")
		})
		t.Logf("publish on A -> shown on %s: %v", h.name, took)
	}

	// An edit on A reaches both.
	a.api(http.MethodPut, fmt.Sprintf("/events/%d", ev.ID), map[string]any{"title": "Alpha repair café (new room)", "description": "Fix things together.",
		"time_zone": "Europe/London", "start": "2027-06-05T10:00", "end": "2027-06-05T13:00", "tags": []string{"repair"}}, nil)
	for _, h := range []*commonsHub{b, c} {
		took := within(t, 2*time.Second, h.name+" shows the edit", func() bool {
			p := h.page("/commons")
			return strings.Contains(p, "Alpha repair café (new room)") && finds(h, "room", "Alpha repair café (new room)")
		})
		t.Logf("edit on A -> shown on %s: %v", h.name, took)
	}

	// B re-shares A's case study; C sees who shared it.
	var items struct {
		Items []struct {
			ID    int64
			Title string
		}
	}
	b.api(http.MethodGet, "/commons?kind=case-study", nil, &items)
	if len(items.Items) != 1 || items.Items[0].Title != "Alpha tablet lending" {
		t.Fatalf("B's commons case studies: %+v", items.Items)
	}
	b.api(http.MethodPost, fmt.Sprintf("/commons/%d/reshare", items.Items[0].ID), nil, nil)
	within(t, 2*time.Second, "C to show B's re-share", func() bool { return shows(c, "Shared by Hub BETA")() })

	// A deletes both: gone from B and C.
	a.api(http.MethodDelete, fmt.Sprintf("/events/%d", ev.ID), nil, nil)
	a.api(http.MethodDelete, fmt.Sprintf("/case-studies/%d", cs.ID), nil, nil)
	for _, h := range []*commonsHub{b, c} {
		took := within(t, 2*time.Second, h.name+" drops A's deleted items", func() bool {
			p := h.page("/commons")
			return !strings.Contains(p, "Alpha repair café") && !strings.Contains(p, "Alpha tablet lending") &&
				!finds(h, "repair", "Alpha repair café (new room)") && !finds(h, "tablets", "Alpha tablet lending")
		})
		t.Logf("delete on A -> gone from %s: %v", h.name, took)
	}

	// Nothing B should not have: C's local guide, or anything of its own
	// in its own commons; A holds nothing (it follows no one).
	if p := b.page("/commons"); strings.Contains(p, "Gamma only guide") || finds(b, "gamma", "Gamma only guide") {
		t.Error("B shows or finds C's guide, but B does not follow C")
	}
	if !finds(c, "gamma", "Gamma only guide") {
		t.Error("C does not find its own guide")
	}
	if p := a.page("/commons"); strings.Contains(p, "Alpha") || strings.Contains(p, "Gamma") {
		t.Error("A's commons holds items, but A follows no one")
	}
	// The deleted items' pages on A are gone, so a late reader cannot
	// bring them back.
	if resp, err := http.Get(a.base() + "/events/" + url.PathEscape(strings.TrimPrefix(ev.URL, a.base()+"/events/"))); err == nil {
		resp.Body.Close()
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("A's deleted event page: %d", resp.StatusCode)
		}
	}
}
