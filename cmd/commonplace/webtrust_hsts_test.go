package main

import (
	"net/http"
	"strings"
	"testing"
)

// A real hub behind a reverse proxy (public URL https, listening on plain
// http) sends Strict-Transport-Security on every answer; one whose URL is
// http sends none.
func TestWebTrustStrictTransportSecurity(t *testing.T) {
	for _, tt := range []struct{ url, want string }{
		{"https://hub.example", "max-age=31536000"},
		{"", ""}, // http://localhost:PORT
	} {
		t.Run("url="+tt.url, func(t *testing.T) {
			m := startMain(t, func(c *ServeConfig) { c.URL = tt.url })
			base := "http://" + m.Addr()
			for _, p := range []string{
				"GET /", "GET /events", "GET /no/such/page", "DELETE /events", "GET /calendar.ics", "GET /static/style.css",
				"GET /healthz", "GET /admin/login", "POST /admin/login", "GET /api/v1/me", "GET /actor", "POST /actor/inbox",
				"GET /.well-known/nodeinfo",
			} {
				method, path, _ := strings.Cut(p, " ")
				req, _ := http.NewRequest(method, base+path, strings.NewReader("{}"))
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				if got := strings.Join(resp.Header.Values("Strict-Transport-Security"), ","); got != tt.want {
					t.Errorf("%s (%d): Strict-Transport-Security %q, want %q", p, resp.StatusCode, got, tt.want)
				}
			}
		})
	}
}
