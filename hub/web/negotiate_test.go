package web_test

import (
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/commonplace-hub/commonplace/hub/web"
)

// browserAccept is what Firefox and Chromium send for a page.
const browserAccept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"

// An attacker who asks for item pages as ActivityStreams with the media
// type in another case (which the negotiation honours, as media types are
// case-insensitive) must not get the JSON object kept in the page cache
// for browsers; and a fediverse server must not get a browser's cached
// HTML page either. Every answer of a page that can negotiate says Vary:
// Accept.
func TestPageCacheCannotBePoisonedThroughAccept(t *testing.T) {
	th := newFederatedHub(t, func(c *web.Config) { c.PageCache = time.Hour })
	e, g, cs := th.seed()
	hostile := []string{
		"Application/Activity+JSON",
		"APPLICATION/ACTIVITY+JSON",
		"application/Activity+Json, text/html;q=0.1",
		`Application/LD+JSON; profile="https://www.w3.org/ns/activitystreams"`,
		"application/ld+JSON",
	}
	for _, path := range []string{"/events/" + e.Slug, "/events/" + e.Slug + "?date=2026-10-13", "/guides/" + g.Slug, "/case-studies/" + cs.Slug} {
		t.Run(path, func(t *testing.T) {
			// The attack: many requests at once, so that one of them is the
			// request that fills the cache.
			var wg sync.WaitGroup
			for i := range 40 {
				wg.Go(func() {
					req, _ := http.NewRequest("GET", th.srv.URL+path, nil)
					req.Header.Set("Accept", hostile[i%len(hostile)])
					r := th.do(http.DefaultClient, req)
					if !strings.Contains(r.Header.Get("Content-Type"), "json") {
						t.Errorf("Accept %q: a fediverse server got %s", hostile[i%len(hostile)], r.Header.Get("Content-Type"))
					}
					if !strings.Contains(r.Header.Get("Vary"), "Accept") {
						t.Errorf("Accept %q: Vary = %q", hostile[i%len(hostile)], r.Header.Get("Vary"))
					}
				})
			}
			wg.Wait()
			for range 3 { // a miss, then hits
				req, _ := http.NewRequest("GET", th.srv.URL+path, nil)
				req.Header.Set("Accept", browserAccept)
				r := th.do(http.DefaultClient, req)
				if r.StatusCode != 200 || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/html") || !strings.Contains(r.body, "<!doctype html>") {
					t.Fatalf("a browser after the attack got %d %s: %.80q", r.StatusCode, r.Header.Get("Content-Type"), r.body)
				}
				if !strings.Contains(r.Header.Get("Vary"), "Accept") {
					t.Errorf("HTML page: Vary = %q", r.Header.Get("Vary"))
				}
			}
			// The other way round: the page is now cached for browsers; a
			// fediverse server still gets the object.
			for _, accept := range hostile {
				req, _ := http.NewRequest("GET", th.srv.URL+path, nil)
				req.Header.Set("Accept", accept)
				if r := th.do(http.DefaultClient, req); !strings.Contains(r.Header.Get("Content-Type"), "json") {
					t.Errorf("Accept %q after a browser: got %s", accept, r.Header.Get("Content-Type"))
				}
			}
		})
	}
}

// Accept headers are negotiated as media types: parameters, case, q=0 and
// preferences.
func TestItemPageNegotiation(t *testing.T) {
	th := newFederatedHub(t, func(c *web.Config) { c.PageCache = time.Hour })
	e, _, _ := th.seed()
	tests := []struct {
		accept string
		json   bool
	}{
		{"", false},
		{browserAccept, false},
		{"*/*", false},
		{"application/activity+json", true},
		{"application/activity+json; charset=utf-8", true},
		{`application/ld+json; profile="https://www.w3.org/ns/activitystreams"`, true},
		{"application/ld+json", true},
		{`application/ld+json; profile="https://schema.org"`, false},
		{"application/activity+json;q=0, text/html", false},
		{"application/activity+json; Q=0", false},
		{"text/html, application/activity+json;q=0.5", false},
		{"application/activity+json, text/html;q=0.1", true},
		{"application/activity+json, */*", true},
		{"application/activity+json;q=nonsense, text/html", false},
		{"garbage;;;, application/activity+json", true},
	}
	for _, tt := range tests {
		for range 2 { // the second from the cache, if kept
			req, _ := http.NewRequest("GET", th.srv.URL+"/events/"+e.Slug, nil)
			if tt.accept != "" {
				req.Header.Set("Accept", tt.accept)
			}
			r := th.do(http.DefaultClient, req)
			if got := strings.Contains(r.Header.Get("Content-Type"), "json"); got != tt.json || r.StatusCode != 200 {
				t.Errorf("Accept %q: %d %s, want JSON %v", tt.accept, r.StatusCode, r.Header.Get("Content-Type"), tt.json)
			}
		}
	}
}
