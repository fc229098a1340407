package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/commonplace-hub/commonplace/internal/testkit"
)

// adaptedItem is a guide or case study as the API answers it, with its
// original.
type adaptedItem struct {
	ID          int64
	URL         string
	AdaptedFrom *struct {
		ObjectID string `json:"object_id"`
		URL      string
		Title    string
		Kind     string
		By       struct{ Name, Host string }
	} `json:"adapted_from"`
}

// TestAdaptedFromTwoHubs: two real hubs on loopback, B following A. A
// publishes a case study; B adapts it, chosen from its commons: B's page
// credits A's, and A's page shows "Adapted by" B, linking to it. A adapts
// a guide of B's that it does not hold (it does not follow B), pasted by
// address: read from B by a signed fetch, credited both ways. B deletes
// its adaptation: A's credit goes.
func TestAdaptedFromTwoHubs(t *testing.T) {
	if testing.Short() {
		t.Skip("starts two hubs")
	}
	a, b := startCommonsHub(t, "alpha"), startCommonsHub(t, "beta")
	b.follow(a)

	var orig adaptedItem
	a.api(http.MethodPost, "/case-studies", map[string]any{"title": "Alpha tablet lending", "summary": "Lending tablets.",
		"problem": "People had no device.", "outcome": "Forty people got online."}, &orig)
	within(t, 5*time.Second, "A's case study in B's commons", func() bool { return strings.Contains(b.commons(), "Alpha tablet lending") })

	var adapted adaptedItem
	b.api(http.MethodPost, "/case-studies", map[string]any{"title": "Beta tablet lending, our way", "problem": "Same, in our town.",
		"adapted_from": map[string]any{"object_id": orig.URL}}, &adapted)
	if f := adapted.AdaptedFrom; f == nil || f.Title != "Alpha tablet lending" || f.By.Name != "Hub ALPHA" || f.URL != orig.URL || f.Kind != "case-study" {
		t.Fatalf("B's adaptation's adapted_from: %+v", f)
	}
	credit := `Adapted from <a href="` + orig.URL + `" rel="nofollow noopener noreferrer">Alpha tablet lending</a> by Hub ALPHA`
	if p := b.page(strings.TrimPrefix(adapted.URL, b.base())); !strings.Contains(p, credit) {
		t.Fatalf("B's page does not credit A's case study:\n%s", p)
	}
	adaptedBy := func(h *commonsHub, path, link string) func() bool {
		return func() bool {
			p := h.page(path)
			return strings.Contains(p, `Adapted by <a href="`+link+`" rel="nofollow noopener noreferrer">`)
		}
	}
	aPath := strings.TrimPrefix(orig.URL, a.base())
	took := within(t, 5*time.Second, "A's page to show Adapted by B", adaptedBy(a, aPath, adapted.URL))
	t.Logf("adaptation on B -> credited on A: %v", took)
	if p := a.page(aPath); !strings.Contains(p, "Hub BETA</a>: Beta tablet lending, our way") {
		t.Errorf("A's credit does not name B and its adaptation:\n%s", p)
	}

	var withCredit struct {
		AdaptedBy []struct {
			ObjectID string `json:"object_id"`
			URL      string
			Title    string
			By       struct{ Name string }
		} `json:"adapted_by"`
	}
	a.api(http.MethodGet, fmt.Sprintf("/case-studies/%d", orig.ID), nil, &withCredit)
	if c := withCredit.AdaptedBy; len(c) != 1 || c[0].URL != adapted.URL || c[0].By.Name != "Hub BETA" || c[0].Title != "Beta tablet lending, our way" {
		t.Errorf("A's API adapted_by: %+v", c)
	}

	// From the command line: a guide on B adapted from A's case study.
	var cli adaptedItem
	b.dir.okJSON(&cli, "guide", "add", "--title", "Beta lending guide", "--body", "Step by step.", "--adapted-from", orig.URL)
	if cli.AdaptedFrom == nil || cli.AdaptedFrom.Title != "Alpha tablet lending" {
		t.Fatalf("guide add --adapted-from: %+v", cli.AdaptedFrom)
	}
	if out := b.dir.ok("guide", "show", "beta-lending-guide"); !strings.Contains(out, `"Alpha tablet lending" by Hub ALPHA`) {
		t.Errorf("guide show does not say what it is adapted from:\n%s", out)
	}
	// Bad addresses are refused with the field named, and nothing saved.
	for _, bad := range []string{"not an address", "javascript:alert(1)", a.base() + "/case-studies/no-such-thing", b.base() + "/guides/beta-lending-guide"} {
		status, body := b.apiRaw(http.MethodPost, "/case-studies", map[string]any{"title": "Never saved", "problem": "x", "adapted_from": map[string]any{"object_id": bad}})
		if status != http.StatusUnprocessableEntity || !strings.Contains(body, `"adapted_from"`) {
			t.Errorf("adapted_from %q: %d %s, want 422 naming the field", bad, status, body)
		}
	}
	if out := b.dir.ok("case-study", "list"); strings.Contains(out, "Never saved") {
		t.Error("a case study with a bad original was saved")
	}

	// A adapts a guide of B's it does not hold: resolved by a signed fetch.
	var bGuide, aGuide adaptedItem
	b.api(http.MethodPost, "/guides", map[string]any{"title": "Beta volunteer rota", "body": "How we run it."}, &bGuide)
	a.api(http.MethodPost, "/guides", map[string]any{"title": "Alpha rota, from Beta's", "body": "Ours.",
		"adapted_from": map[string]any{"url": bGuide.URL}}, &aGuide)
	if f := aGuide.AdaptedFrom; f == nil || f.Title != "Beta volunteer rota" || f.By.Name != "Hub BETA" {
		t.Fatalf("A's guide's adapted_from, read from B: %+v", f)
	}
	within(t, 5*time.Second, "B's guide page to show Adapted by A", adaptedBy(b, strings.TrimPrefix(bGuide.URL, b.base()), aGuide.URL))
	// B follows A, so A's guide is in B's commons, saying what it is adapted from.
	var held struct {
		Items []struct {
			ID          int64
			Title       string
			AdaptedFrom *struct {
				ObjectID string `json:"object_id"`
				Title    string
			} `json:"adapted_from"`
		}
	}
	within(t, 5*time.Second, "A's adapted guide in B's commons", func() bool {
		b.api(http.MethodGet, "/commons?kind=guide", nil, &held)
		return len(held.Items) == 1 && held.Items[0].AdaptedFrom != nil
	})
	if f := held.Items[0].AdaptedFrom; f.ObjectID != bGuide.URL || f.Title != "Beta volunteer rota" {
		t.Errorf("the commons item's adapted_from: %+v", f)
	}
	if p := b.page(fmt.Sprintf("/commons/%d", held.Items[0].ID)); !strings.Contains(p, `Adapted from <a href="`+bGuide.URL+`" rel="nofollow noopener noreferrer">Beta volunteer rota</a>`) {
		t.Errorf("B's commons page of A's guide does not say what it is adapted from:\n%s", p)
	}

	// B deletes its adaptation: the credit on A goes.
	b.api(http.MethodDelete, fmt.Sprintf("/case-studies/%d", adapted.ID), nil, nil)
	took = within(t, 5*time.Second, "A's credit to go", func() bool { return !adaptedBy(a, aPath, adapted.URL)() })
	t.Logf("adaptation deleted on B -> credit gone on A: %v", took)
	// A removes its original from its guide: B's credit goes too.
	var edited adaptedItem
	a.api(http.MethodPut, fmt.Sprintf("/guides/%d", aGuide.ID), map[string]any{"title": "Alpha rota, from Beta's", "body": "Ours."}, &edited)
	if edited.ID != aGuide.ID || edited.AdaptedFrom != nil {
		t.Fatalf("A's guide still says it is adapted: %+v", edited.AdaptedFrom)
	}
	within(t, 5*time.Second, "B's credit to go when A's guide no longer names it", func() bool {
		return !adaptedBy(b, strings.TrimPrefix(bGuide.URL, b.base()), aGuide.URL)()
	})
}

// TestAdaptationsCannotBeForged: a hostile server signs, as itself,
// adaptations of A's case study whose objects are on another hub's
// server, or attributed to another hub's actor: refused, and A credits
// nobody. Its own adaptation, on its own server, is credited (the rules
// do not refuse everything); its Delete of another hub's adaptation
// changes nothing.
func TestAdaptationsCannotBeForged(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a hub")
	}
	a := startCommonsHub(t, "alpha")
	var orig adaptedItem
	a.api(http.MethodPost, "/case-studies", map[string]any{"title": "Alpha tablet lending", "problem": "People had no device."}, &orig)
	x := newHostile(t)
	xActor := x.actor("/actor", "Group")
	keyID := xActor + "#main-key"
	article := func(id, attributedTo, title string) map[string]any {
		return map[string]any{"id": id, "type": "Article", "itemKind": "case-study", "name": title, "attributedTo": attributedTo,
			"to": []any{publicAudience}, "content": "<p>Ours.</p>", "url": id,
			"tag": []any{map[string]any{"type": "Link", "href": orig.URL, "rel": "https://schema.org/isBasedOn",
				"mediaType": `application/ld+json; profile="https://www.w3.org/ns/activitystreams"`}}}
	}
	victim := "http://localhost:1/actor" // another hub, which never sent it
	for what, obj := range map[string]map[string]any{
		"an object on another hub's server":   article("http://localhost:1/case-studies/forged", xActor, "Forged on another host"),
		"an object attributed to another hub": article(x.url("/case-studies/borrowed"), victim, "Forged attribution"),
	} {
		status, body := x.post(signedPost{url: a.inbox(), keyID: keyID, activity: activity(xActor, "Create", obj)})
		refused(t, what, status, body)
	}
	aPath := strings.TrimPrefix(orig.URL, a.base())
	if p := a.page(aPath); strings.Contains(p, "Adapted by") || strings.Contains(p, "Forged") {
		t.Fatalf("A credits a forged adaptation:\n%s", p)
	}
	// Its own adaptation on its own server is believed.
	own := article(x.url("/case-studies/ours"), xActor, "Hostile but genuine <script>alert(1)</script>")
	if status, body := x.post(signedPost{url: a.inbox(), keyID: keyID, activity: activity(xActor, "Create", own)}); status != http.StatusAccepted {
		t.Fatalf("a genuine adaptation: %d %s", status, body)
	}
	within(t, 5*time.Second, "A to credit the genuine adaptation", func() bool {
		return strings.Contains(a.page(aPath), "Hostile but genuine")
	})
	if p := a.page(aPath); strings.Contains(p, "<script>alert") || !strings.Contains(p, "Hostile but genuine &lt;script&gt;") {
		t.Errorf("the adaptation's title is not escaped on A's page:\n%s", p)
	}
	// Someone else's Delete of it is refused; its own removes it.
	other := newHostile(t)
	otherActor := other.actor("/actor", "Group")
	other.post(signedPost{url: a.inbox(), keyID: otherActor + "#main-key", activity: activity(otherActor, "Delete", own["id"])})
	x.serve("/case-studies/ours", own) // still served at its origin
	if !strings.Contains(a.page(aPath), "Hostile but genuine") {
		// The page may be a cached copy: read again after the cache's lifetime.
		time.Sleep(1100 * time.Millisecond)
		if !strings.Contains(a.page(aPath), "Hostile but genuine") {
			t.Fatal("another server's Delete removed the credit")
		}
	}
	if status, body := x.post(signedPost{url: a.inbox(), keyID: keyID, activity: activity(xActor, "Delete", own["id"])}); status != http.StatusAccepted {
		t.Fatalf("the genuine Delete: %d %s", status, body)
	}
	within(t, 5*time.Second, "the credit to go with its own Delete", func() bool {
		return !strings.Contains(a.page(aPath), "Hostile but genuine")
	})
}

// apiRaw calls the hub's API with its token and returns the status and body.
func (h *commonsHub) apiRaw(method, path string, in any) (int, string) {
	h.t.Helper()
	b, _ := json.Marshal(in)
	req, _ := http.NewRequest(method, h.base()+"/api/v1"+path, bytes.NewReader(b))
	req.Header.Set("Authorization", "Bearer "+h.token)
	req.Header.Set("Content-Type", "application/json")
	code, out := testkit.Send(h.t, nil, req)
	return code, string(out)
}
