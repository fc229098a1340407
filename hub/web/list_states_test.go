package web

import (
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/commonplace-hub/commonplace/hub"
	"github.com/commonplace-hub/commonplace/themes"
)

// The shared list partials (adminList, tableStart, itemListPage) in the
// states the golden pages do not show: empty lists, a search that found
// nothing, and the federation page's delivery tables. The expected
// fragments were taken from the pages' copies before they were shared.
func TestListPartialStates(t *testing.T) {
	r, err := newRenderer(themes.Default(), newMarkdown())
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2030, 3, 1, 10, 0, 0, 0, time.UTC)
	d := deliveryRow{Delivery: hub.Delivery{ID: 7, ActivityType: "Create", ObjectID: "https://x/y", Inbox: "https://peer.example/inbox", Attempts: 3, NextAttempt: at, CreatedAt: at}, Problem: "down"}
	for _, tc := range []struct {
		name, view string
		data       any
		want, not  []string
	}{
		{"events, none", "admin/events", adminListData[*hub.Event]{Pager: newPager(1, 0)},
			[]string{`<p>No events yet. <a href="/admin/events/new">Add the first one</a>.</p>`, `<p><a href="/admin/embed">Embed on your website</a></p>`}, []string{"<table", `class="pager"`}},
		{"guides, no match", "admin/guides", adminListData[*hub.Guide]{Query: "zz<b>", Pager: newPager(1, 0)},
			[]string{`<p>No guides match “zz&lt;b&gt;”.</p>`}, []string{"<table", "Write the first one"}},
		{"case studies, one of two pages", "admin/case_studies", adminListData[*hub.CaseStudy]{Items: []*hub.CaseStudy{{ID: 2, Slug: "c", Title: "C"}}, Pager: newPager(1, 2*listPageSize)},
			[]string{`<caption class="visually-hidden">Case studies, newest first</caption>`, `<th scope="col">Organisation</th>`, `<td><a href="/case-studies/c">C</a></td>`, `href="/admin/case-studies?page=2"`}, []string{"No case studies"}},
		{"places, none", "admin/places", []*hub.Place(nil),
			[]string{`<p>No places yet. Places are also added when you create an event at a new place.</p>`}, []string{"<table", "/admin/places/new\">No"}},
		{"public guides, none", "public/guides", map[string]any{"Guides": []*hub.Guide(nil), "Pager": newPager(1, 0)},
			[]string{`<p>No guides have been written yet.</p>`}, []string{`class="cards"`}},
		{"federation, deliveries", "admin/federation", federationView{Running: true, Pending: []deliveryRow{d}, Failed: []deliveryRow{d}},
			[]string{`<caption id="pending-caption" class="visually-hidden">Deliveries waiting, most recent first</caption>
    <thead><tr><th scope="col">Activity</th><th scope="col">What</th><th scope="col">To inbox</th><th scope="col">Attempts</th><th scope="col">Next attempt</th><th scope="col">Last problem</th></tr></thead>
    <tbody>`, `<th scope="col">Queued</th><th scope="col">Last problem</th><th scope="col">Actions</th></tr></thead>`, "</tr>\n    </tbody>\n  </table>\n  </div>"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := &pageData{Title: "X", Data: tc.data}
			if strings.HasPrefix(tc.view, "admin/") {
				p.Admin = &adminContext{Organiser: &hub.Organiser{Role: "admin"}, CSRF: "tok"}
			}
			w := httptest.NewRecorder()
			if err := r.render(w, 200, tc.view, p); err != nil {
				t.Fatal(err)
			}
			page := w.Body.String()
			for _, s := range tc.want {
				if !strings.Contains(page, s) {
					t.Errorf("missing %q", s)
				}
			}
			for _, s := range tc.not {
				if strings.Contains(page, s) {
					t.Errorf("has %q", s)
				}
			}
		})
	}
}
