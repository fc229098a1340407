package web_test

import (
	"encoding/json"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// TestOEmbed checks /oembed's answers against the oEmbed 1.0 spec's
// required fields for a rich response (type, version, html, width,
// height) and its statuses: 404 for an address with no embed, 501 for
// another format.
func TestOEmbed(t *testing.T) {
	th := newTestHub(t)
	e, g, cs := th.seed()
	base := th.srv.URL
	c := th.client()
	ask := func(target string, extra ...string) string {
		v := url.Values{"url": {target}}
		for i := 0; i+1 < len(extra); i += 2 {
			v.Set(extra[i], extra[i+1])
		}
		return "/oembed?" + v.Encode()
	}
	for _, tt := range []struct {
		name, path    string
		status        int
		title, src    string
		width, height int
	}{
		{"event", ask(base + "/events/" + e.Slug), 200, "Digital drop-in", "/embed/events/" + e.Slug, 600, 320},
		{"event json", ask(base+"/events/"+e.Slug, "format", "json"), 200, "Digital drop-in", "/embed/events/" + e.Slug, 600, 320},
		{"occurrence", ask(base + "/events/" + e.Slug + "?date=2026-10-13"), 200, "Digital drop-in", "/embed/events/" + e.Slug, 600, 320},
		{"guide", ask(base + "/guides/" + g.Slug), 200, "Running a drop-in", "/embed/guides/" + g.Slug, 600, 240},
		{"case study", ask(base + "/case-studies/" + cs.Slug + "/"), 200, "Lending tablets", "/embed/case-studies/" + cs.Slug, 600, 240},
		{"maxwidth", ask(base+"/events/"+e.Slug, "maxwidth", "320"), 200, "Digital drop-in", "/embed/events/" + e.Slug, 320, 320},
		{"maxwidth and maxheight", ask(base+"/events/"+e.Slug, "maxwidth", "400", "maxheight", "200"), 200, "Digital drop-in", "/embed/events/" + e.Slug, 400, 200},
		{"larger max", ask(base+"/events/"+e.Slug, "maxwidth", "2000", "maxheight", "2000"), 200, "Digital drop-in", "/embed/events/" + e.Slug, 600, 320},
		{"bad maxwidth", ask(base+"/events/"+e.Slug, "maxwidth", "-5"), 400, "", "", 0, 0},
		{"xml", ask(base+"/events/"+e.Slug, "format", "xml"), 501, "", "", 0, 0},
		{"unknown slug", ask(base + "/events/nope"), 404, "", "", 0, 0},
		{"unknown guide", ask(base + "/guides/nope"), 404, "", "", 0, 0},
		{"foreign host", ask("https://elsewhere.example/events/" + e.Slug), 404, "", "", 0, 0},
		{"other scheme", ask(strings.Replace(base, "http:", "https:", 1) + "/events/" + e.Slug), 404, "", "", 0, 0},
		{"userinfo trick", ask("http://evil.example@" + strings.TrimPrefix(base, "http://") + "/events/" + e.Slug), 404, "", "", 0, 0},
		{"not an item page", ask(base + "/events"), 404, "", "", 0, 0},
		{"place page", ask(base + "/places/" + e.Place.Slug), 404, "", "", 0, 0},
		{"deeper path", ask(base + "/events/" + e.Slug + "/poster"), 404, "", "", 0, 0},
		{"relative", ask("/events/" + e.Slug), 404, "", "", 0, 0},
		{"no url", "/oembed", 404, "", "", 0, 0},
		{"garbage url", ask("http://[::1"), 404, "", "", 0, 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := th.get(c, tt.path)
			if r.StatusCode != tt.status {
				t.Fatalf("status %d, want %d: %s", r.StatusCode, tt.status, r.body)
			}
			if !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
				t.Errorf("Content-Type %q", r.Header.Get("Content-Type"))
			}
			if tt.status != 200 {
				return
			}
			var got map[string]any
			if err := json.Unmarshal([]byte(r.body), &got); err != nil {
				t.Fatal(err)
			}
			for _, f := range []string{"type", "version", "html", "width", "height", "title", "provider_name", "provider_url"} {
				if _, ok := got[f]; !ok {
					t.Errorf("no %q in %s", f, r.body)
				}
			}
			if got["type"] != "rich" || got["version"] != "1.0" || got["title"] != tt.title || got["provider_name"] != "Commonplace hub" {
				t.Errorf("answer %s", r.body)
			}
			if got["width"] != float64(tt.width) || got["height"] != float64(tt.height) {
				t.Errorf("size %v×%v, want %d×%d", got["width"], got["height"], tt.width, tt.height)
			}
			html, _ := got["html"].(string)
			m := regexp.MustCompile(`^<iframe src="([^"]+)" title="([^"]+)" width="(\d+)" height="(\d+)"[^>]*></iframe>$`).FindStringSubmatch(html)
			if m == nil || m[1] != base+tt.src || m[3] != itoa(tt.width) || m[4] != itoa(tt.height) {
				t.Fatalf("html %q, want an iframe of %s", html, base+tt.src)
			}
			// The iframe's page is there, and framable.
			if fr := th.get(c, tt.src); fr.StatusCode != 200 || !strings.Contains(fr.body, tt.title) || !strings.HasSuffix(fr.Header.Get("Content-Security-Policy"), "frame-ancestors *") {
				t.Errorf("embed %s: %d %q", tt.src, fr.StatusCode, fr.Header.Get("Content-Security-Policy"))
			}
		})
	}

	// Item pages advertise their oEmbed; other pages do not.
	for _, p := range []string{"/events/" + e.Slug, "/guides/" + g.Slug, "/case-studies/" + cs.Slug} {
		want := `<link rel="alternate" type="application/json+oembed" href="` + base + `/oembed?format=json&amp;url=` + url.QueryEscape(base+p) + `"`
		if r := th.get(c, p); !strings.Contains(r.body, want) {
			t.Errorf("%s does not advertise its oEmbed (%s)", p, want)
		}
	}
	for _, p := range []string{"/", "/events", "/places/" + e.Place.Slug} {
		if r := th.get(c, p); strings.Contains(r.body, "json+oembed") {
			t.Errorf("%s advertises an oEmbed", p)
		}
	}
}
