package web_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/commonplace-hub/commonplace/hub"
)

// TestPastEvents: /past-events lists what happened, newest day first, with
// links further back and forward; "coming up" does not list it; a bad
// date is a 400 that says why.
func TestPastEvents(t *testing.T) {
	th := newTestHub(t)
	for _, e := range []struct {
		title string
		start time.Time
	}{
		{"Summer fair", time.Date(2026, 8, 1, 11, 0, 0, 0, london)},
		{"Harvest supper", time.Date(2026, 9, 20, 18, 0, 0, 0, london)},
		{"Spring clean", time.Date(2026, 5, 1, 10, 0, 0, 0, london)},
		{"Quiz night", time.Date(2026, 10, 10, 19, 0, 0, 0, london)},
	} {
		if err := th.svc.CreateEvent(th.host(), &hub.Event{Title: e.title, TimeZone: "Europe/London", Start: e.start, End: e.start.Add(2 * time.Hour)}); err != nil {
			t.Fatal(err)
		}
	}
	c := th.client()
	titles := func(body string) []string {
		var out []string
		for _, m := range regexp.MustCompile(`<h4><a href="/events/[^"]+">([^<]+)</a>`).FindAllStringSubmatch(body, -1) {
			out = append(out, m[1])
		}
		return out
	}
	r := th.get(c, "/past-events")
	if r.StatusCode != http.StatusOK || strings.Join(titles(r.body), ", ") != "Harvest supper, Summer fair" {
		t.Errorf("past events: %d %v, want the last 91 days newest first", r.StatusCode, titles(r.body))
	}
	earlier := regexp.MustCompile(`<a href="([^"]+)" rel="prev">Earlier</a>`).FindStringSubmatch(r.body)
	if earlier == nil || strings.Contains(r.body, `rel="next">Later</a>`) {
		t.Fatalf("links: earlier %v, a later link on the newest page %v", earlier, strings.Contains(r.body, "Later</a>"))
	}
	back := th.get(c, strings.ReplaceAll(earlier[1], "&amp;", "&"))
	if strings.Join(titles(back.body), ", ") != "Spring clean" || !strings.Contains(back.body, `rel="next">Later</a>`) {
		t.Errorf("earlier page %s: %v", earlier[1], titles(back.body))
	}
	coming := th.get(c, "/events").body
	if got := titles(coming); strings.Join(got, ", ") != "Quiz night" || !strings.Contains(coming, `<a href="/past-events">Past events</a>`) {
		t.Errorf("coming up lists %v, or has no link to past events", got)
	}
	if r := th.get(c, "/past-events?before=last+year"); r.StatusCode != http.StatusBadRequest || !strings.Contains(r.body, "must look like 2026-12-01") {
		t.Errorf("bad date: %d", r.StatusCode)
	}
}
