package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/commonplace-hub/commonplace/hub/web"
)

// hstsPaths are requests of every kind: pages (also kept in the page
// cache), the organiser pages and API, feeds, static files, the fediverse
// routes, errors and refusals.
var hstsPaths = []struct{ method, path, accept string }{
	{"GET", "/", ""}, {"GET", "/", ""}, {"GET", "/events", ""}, {"GET", "/events/digital-drop-in", ""},
	{"GET", "/events/digital-drop-in", "application/activity+json"}, {"GET", "/no/such/page", ""},
	{"DELETE", "/events", ""}, {"GET", "/calendar.ics", ""}, {"GET", "/feed.atom", ""},
	{"GET", "/static/style.css", ""}, {"GET", "/healthz", ""}, {"GET", "/admin/login", ""},
	{"POST", "/admin/login", ""}, {"GET", "/admin", ""}, {"GET", "/api/v1/me", ""}, {"POST", "/api/v1/events", ""},
	{"GET", "/actor", "application/activity+json"}, {"POST", "/actor/inbox", "application/activity+json"},
	{"GET", "/.well-known/webfinger?resource=acct:nobody@hub.example", ""}, {"GET", "/.well-known/nodeinfo", ""},
}

// A hub whose public URL is https (serve --acme, or behind Caddy or nginx,
// where the hub itself listens on plain http) tells browsers to use https
// only, on every answer; over plain http it does not (RFC 6797 §7.2, and a
// hub on http://localhost must not pin localhost to https).
func TestStrictTransportSecurity(t *testing.T) {
	for _, tt := range []struct {
		url  string
		want string
	}{
		{"https://hub.example", "max-age=31536000"},
		{"http://hub.example", ""},
	} {
		t.Run(tt.url, func(t *testing.T) {
			th := newFederatedHub(t, func(c *web.Config) { c.BaseURL, _ = url.Parse(tt.url); c.PageCache = time.Minute })
			th.seed()
			for _, p := range hstsPaths {
				req, _ := http.NewRequest(p.method, th.srv.URL+p.path, strings.NewReader("{}"))
				if p.accept != "" {
					req.Header.Set("Accept", p.accept)
				}
				r := th.do(http.DefaultClient, req)
				if got := r.Header.Values("Strict-Transport-Security"); strings.Join(got, ",") != tt.want {
					t.Errorf("%s %s (%d): Strict-Transport-Security %q, want %q", p.method, p.path, r.StatusCode, got, tt.want)
				}
			}
		})
	}
}
