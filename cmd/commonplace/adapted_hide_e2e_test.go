package main

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/commonplace-hub/commonplace/internal/testkit"
)

// TestAdaptedByCreditHidden: two real hubs, B following A. B adapts A's
// case study and A's page credits B. A's admin hides the credit with the
// button on the case study's editor page: A's page and API stop showing
// it (a POST without the form's token changes nothing). B changes its
// adaptation, and the Update reaches A: the credit stays hidden, the
// editor page lists it, with the new title, as hidden. Shown again, the
// credit is back on A's page with the new title.
func TestAdaptedByCreditHidden(t *testing.T) {
	if testing.Short() {
		t.Skip("starts two hubs")
	}
	a, b := startCommonsHub(t, "alpha"), startCommonsHub(t, "beta")
	b.dir.ok("peer", "follow", a.handle())
	within(t, 15*time.Second, "A to accept B's follow", func() bool { return b.peerAccepted(a) })

	var orig, adapted adaptedItem
	a.api(http.MethodPost, "/case-studies", map[string]any{"title": "Alpha repair club", "problem": "Broken things.", "outcome": "Fixed things."}, &orig)
	within(t, 5*time.Second, "A's case study in B's commons", func() bool { return strings.Contains(b.commons(), "Alpha repair club") })
	b.api(http.MethodPost, "/case-studies", map[string]any{"title": "Beta repair club", "problem": "Same here.",
		"adapted_from": map[string]any{"object_id": orig.URL}}, &adapted)
	aPath := strings.TrimPrefix(orig.URL, a.base())
	credited := func(title string) func() bool {
		return func() bool { return strings.Contains(a.page(aPath), "Hub BETA</a>: "+title) }
	}
	within(t, 5*time.Second, "A's page to credit B", credited("Beta repair club"))

	admin := loginAdmin(t, a)
	edit := fmt.Sprintf("%s/admin/case-studies/%d/edit", a.base(), orig.ID)
	page := getPage(t, admin, edit)
	csrf := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindStringSubmatch(page)
	obj := regexp.MustCompile(`(?s)action="/admin/adaptations/hidden"[^>]*>.*?name="object_id" value="([^"]+)"`).FindStringSubmatch(page)
	if csrf == nil || obj == nil || !strings.Contains(page, "Hide this credit") || !strings.Contains(page, "Beta repair club") {
		t.Fatalf("A's editor page has no button to hide B's credit:\n%s", page)
	}
	hide := func(token, hidden string) string {
		t.Helper()
		resp, body := testkit.PostForm(t, admin, a.base()+"/admin/adaptations/hidden", url.Values{"csrf": {token}, "object_id": {obj[1]}, "hidden": {hidden}})
		if token != "" && (resp.StatusCode != http.StatusOK || resp.Request.URL.String() != edit) {
			t.Fatalf("hiding (%s): %d at %s", hidden, resp.StatusCode, resp.Request.URL)
		}
		return string(body)
	}
	hide("", "1") // no token: refused
	if p := getPage(t, admin, edit); strings.Contains(p, "(hidden)") || !credited("Beta repair club")() {
		t.Fatal("a POST without the form's token hid the credit")
	}

	if p := hide(csrf[1], "1"); !strings.Contains(p, "The credit to Hub BETA is hidden") || !strings.Contains(p, "(hidden)") || !strings.Contains(p, "Show this credit") {
		t.Errorf("after hiding, the editor page:\n%s", p)
	}
	within(t, 5*time.Second, "A's page to stop crediting B", func() bool { return !credited("Beta repair club")() })
	if p := a.page(aPath); strings.Contains(p, "Adapted by other hubs") {
		t.Error("A's page still has its adaptations section")
	}
	var api struct {
		AdaptedBy []any `json:"adapted_by"`
	}
	a.api(http.MethodGet, fmt.Sprintf("/case-studies/%d", orig.ID), nil, &api)
	if len(api.AdaptedBy) != 0 {
		t.Errorf("A's API still gives the hidden credit: %+v", api.AdaptedBy)
	}

	// B changes its adaptation: still hidden on A.
	b.api(http.MethodPut, fmt.Sprintf("/case-studies/%d", adapted.ID), map[string]any{"title": "Beta repair club, revised", "problem": "Same here.",
		"adapted_from": map[string]any{"object_id": orig.URL}}, nil)
	within(t, 5*time.Second, "B's Update to reach A", func() bool {
		p := getPage(t, admin, edit)
		return strings.Contains(p, "Beta repair club, revised") && strings.Contains(p, "(hidden)")
	})
	if credited("Beta repair club, revised")() {
		t.Error("B's Update brought the hidden credit back")
	}

	if p := hide(csrf[1], "0"); !strings.Contains(p, "The credit to Hub BETA is shown again.") || strings.Contains(p, "(hidden)") {
		t.Errorf("after showing again, the editor page:\n%s", p)
	}
	within(t, 5*time.Second, "A's page to credit B again", credited("Beta repair club, revised"))
}
