package web_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/commonplace-hub/commonplace/hub"
)

// seedEmbed adds, to seed's weekly drop-in, a one-off event of another
// organiser at another place and topic.
func (th *testHub) seedEmbed() (*hub.Event, *hub.Event) {
	th.t.Helper()
	e, _, _ := th.seed()
	other := &hub.Event{
		Title: "Repair café <fixed>", Description: "Bring broken things.", TimeZone: "Europe/London",
		Start: time.Date(2026, 10, 10, 14, 0, 0, 0, london), End: time.Date(2026, 10, 10, 16, 0, 0, 0, london),
		Tags: []string{"Repair"}, Organiser: "Moss Side Makers",
		Place: &hub.Place{Name: "Moss Side Centre", StreetAddress: "Moss Lane East", Locality: "Manchester"},
	}
	if err := th.svc.CreateEvent(th.host(), other); err != nil {
		th.t.Fatal(err)
	}
	return e, other
}

func TestEmbedPages(t *testing.T) {
	th := newTestHub(t)
	e, other := th.seedEmbed()
	c := th.client()
	for _, tt := range []struct {
		name, path string
		status     int
		want, not  []string
	}{
		{"all", "/embed/events", 200,
			[]string{"Digital drop-in", "Repair café &lt;fixed&gt;", "Tuesday 6 October 2026", `href="` + th.srv.URL + "/events/" + e.Slug + `?date=2026-10-06" target="_top"`, `href="` + th.srv.URL + "/events/" + other.Slug + `" target="_top"`, `href="/static/embed.css"`, "All events at Commonplace hub"},
			[]string{"Bring broken things", "site-header", "<form"}},
		{"descriptions", "/embed/events?show=descriptions", 200, []string{"Bring broken things.", "Bring your phone or laptop."}, nil},
		{"topic", "/embed/events?topic=repair", 200, []string{"Repair café", "/events?tag=repair"}, []string{"Digital drop-in"}},
		{"place", "/embed/events?place=" + e.Place.Slug, 200, []string{"Digital drop-in", "Hulme Library"}, []string{"Repair café"}},
		{"organiser", "/embed/events?organiser=moss+side+makers", 200, []string{"Repair café", "Commonplace hub: moss side makers"}, []string{"Digital drop-in"}},
		{"limit", "/embed/events?limit=2", 200, []string{"Tuesday 6 October 2026", "Saturday 10 October 2026"}, []string{"Tuesday 13 October 2026"}},
		{"plain", "/embed/events?style=plain", 200, []string{"Digital drop-in"}, []string{"stylesheet"}},
		{"nobody's", "/embed/events?organiser=nobody", 200, []string{"No upcoming events."}, []string{"Digital drop-in"}},
		{"one event", "/embed/events/" + e.Slug, 200, []string{"Digital drop-in", "Every week on Tuesday", "Hulme Library", "Stretford Road", `target="_top"`}, []string{"Bring your"}},
		{"one event described", "/embed/events/" + e.Slug + "?show=descriptions", 200, []string{"Bring your phone or laptop."}, nil},
		{"unknown topic", "/embed/events?topic=nope", 404, nil, nil},
		{"unknown place", "/embed/events?place=nope", 404, nil, nil},
		{"unknown event", "/embed/events/nope", 404, nil, nil},
		{"limit zero", "/embed/events?limit=0", 422, []string{"Choose a limit from 1 to 50."}, nil},
		{"limit huge", "/embed/events?limit=100000000000000000000", 422, nil, nil},
		{"limit words", "/embed/events?limit=ten", 422, nil, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := th.get(c, tt.path)
			if r.StatusCode != tt.status {
				t.Fatalf("status %d, want %d: %s", r.StatusCode, tt.status, r.body)
			}
			if len(r.Header.Values("Set-Cookie")) > 0 {
				t.Errorf("embed set a cookie: %v", r.Header.Values("Set-Cookie"))
			}
			if strings.Contains(r.body, "<script") {
				t.Error("embed has a script")
			}
			checkBody(t, "embed", r.body, tt.want, tt.not)
		})
	}
}

// TestOnlyEmbedsAreFramable: the embeds carry frame-ancestors from the
// EmbedOrigins setting and no X-Frame-Options; every other page, and an
// embed's neighbours, keep frame-ancestors 'none' and X-Frame-Options.
func TestOnlyEmbedsAreFramable(t *testing.T) {
	th := newTestHub(t)
	e, _ := th.seedEmbed()
	c := th.client()
	embeds := []string{"/embed/events", "/embed/events?topic=repair&style=plain", "/embed/events/" + e.Slug, "/embed/events/nope"}
	others := []string{"/", "/events", "/events/" + e.Slug, "/guides", "/places", "/admin/login", "/embed", "/embed/", "/embedded/events", "/nowhere", "/feed.atom", "/static/embed.css", "/oembed?url=x"}
	check := func(t *testing.T, wantAncestors string) {
		t.Helper()
		for _, p := range embeds {
			r := th.get(c, p)
			csp := r.Header.Get("Content-Security-Policy")
			if !strings.HasSuffix(csp, "frame-ancestors "+wantAncestors) || strings.Count(csp, "frame-ancestors") != 1 {
				t.Errorf("%s: CSP %q, want frame-ancestors %s", p, csp, wantAncestors)
			}
			if !strings.Contains(csp, "script-src 'none'") {
				t.Errorf("%s: CSP %q allows scripts", p, csp)
			}
			if xfo := r.Header.Values("X-Frame-Options"); len(xfo) > 0 {
				t.Errorf("%s: X-Frame-Options %v", p, xfo)
			}
		}
		for _, p := range others {
			r := th.get(c, p)
			if csp := r.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "frame-ancestors 'none'") {
				t.Errorf("%s: CSP %q, want frame-ancestors 'none'", p, csp)
			}
			if xfo := r.Header.Get("X-Frame-Options"); xfo != "DENY" {
				t.Errorf("%s: X-Frame-Options %q", p, xfo)
			}
		}
	}
	t.Run("default: any website", func(t *testing.T) { check(t, "*") })

	st, err := th.svc.Settings(th.host())
	if err != nil {
		t.Fatal(err)
	}
	st.EmbedOrigins = []string{"https://partner.example", "http://127.0.0.1:9000"}
	if err := th.svc.UpdateSettings(th.host(), st); err != nil {
		t.Fatal(err)
	}
	t.Run("listed partners", func(t *testing.T) { check(t, "'self' https://partner.example http://127.0.0.1:9000") })

	st.EmbedOrigins = nil
	if err := th.svc.UpdateSettings(th.host(), st); err != nil {
		t.Fatal(err)
	}
	t.Run("none: the hub alone", func(t *testing.T) { check(t, "'self'") })

	// A hostile list written to the database behind the hub's back is
	// not put into the header.
	st.EmbedOrigins = []string{"https://a.example;", "script-src", "*", "'unsafe-inline'"}
	if err := th.db.Stores().Settings.UpdateSettings(th.host(), st); err != nil {
		t.Fatal(err)
	}
	t.Run("hostile stored list", func(t *testing.T) { check(t, "'self'") })
}

// TestEmbedOriginsSettingRefusesHostileLists: through the API, a list
// that is not origins is refused with the field's message and changes
// nothing.
func TestEmbedOriginsAPI(t *testing.T) {
	th := newTestHub(t)
	api := th.apiClient(adminEmail)
	for _, tt := range []struct {
		body   string
		status int
		want   string
	}{
		{`{"name":"Hub","time_zone":"Europe/London","language":"en-GB","accent_colour":"#1d6b57","embed_origins":["https://partner.example:8443/"]}`, 200, `"embed_origins":["https://partner.example:8443"]`},
		{`{"name":"Hub","time_zone":"Europe/London","language":"en-GB","accent_colour":"#1d6b57","embed_origins":["https://a.example; script-src *"]}`, 422, "embed_origins"},
		{`{"name":"Hub","time_zone":"Europe/London","language":"en-GB","accent_colour":"#1d6b57","embed_origins":["'self'"]}`, 422, "is not a website"},
		{`{"name":"Hub","time_zone":"Europe/London","language":"en-GB","accent_colour":"#1d6b57"}`, 200, `"embed_origins":["https://partner.example:8443"]`},
	} {
		status, out := api.call("PUT", "/settings", tt.body)
		got, _ := json.Marshal(out)
		if status != tt.status || !strings.Contains(string(got), tt.want) {
			t.Errorf("PUT %s: %d %s; want %d with %q", tt.body, status, got, tt.status, tt.want)
		}
	}
	r := th.get(th.client(), "/embed/events")
	if got := r.Header.Get("Content-Security-Policy"); !strings.HasSuffix(got, "frame-ancestors 'self' https://partner.example:8443") {
		t.Errorf("CSP after refusals %q", got)
	}
}

func TestEmbedBuilder(t *testing.T) {
	th := newTestHub(t)
	e, _ := th.seedEmbed()
	admin, csrf := th.signIn(adminEmail)

	r := th.get(admin, "/admin/events")
	if !strings.Contains(r.body, `href="/admin/embed"`) {
		t.Error("the organisers' events page does not link to the embed builder")
	}
	r = th.get(admin, "/admin/embed?topic=repair&show=descriptions&limit=3")
	if r.StatusCode != 200 {
		t.Fatalf("builder: %d %s", r.StatusCode, r.body)
	}
	for _, w := range []string{
		`src="/embed/events?limit=3&amp;show=descriptions&amp;topic=repair"`,
		`&lt;iframe src=&#34;` + th.srv.URL + `/embed/events?limit=3&amp;amp;show=descriptions&amp;amp;topic=repair&#34; title=&#34;Events from Commonplace hub&#34;`,
		`&lt;a href=&#34;` + th.srv.URL + `/events/`, `Repair café &amp;lt;fixed&amp;gt;&lt;/a&gt;, Saturday 10 October 2026`,
		`<option value="Moss Side Makers">`, `name="embed_origins"`,
	} {
		if !strings.Contains(r.body, w) {
			t.Errorf("builder lacks %q", w)
		}
	}
	if strings.Contains(r.body, "Digital drop-in</a>") {
		t.Error("the link list ignores the topic")
	}
	r = th.get(admin, "/admin/embed?event="+e.Slug)
	if !strings.Contains(r.body, `src="/embed/events/`+e.Slug+`"`) || !strings.Contains(r.body, "Tuesday 13 October 2026") {
		t.Errorf("one event's builder: %s", r.body)
	}
	if r = th.get(admin, "/admin/embed?limit=500&event=nope"); r.StatusCode != 422 || !strings.Contains(r.body, "Choose a limit from 1 to 50.") || !strings.Contains(r.body, "There is no such event.") {
		t.Errorf("bad choices: %d", r.StatusCode)
	}

	// Admins save the partner websites; a hostile list is refused, shown
	// back as typed, and changes nothing.
	hostile := "https://ok.example\nhttps://a.example; script-src *"
	r = th.postForm(admin, "/admin/embed/origins", url.Values{"csrf": {csrf}, "embed_origins": {hostile}})
	if r.StatusCode != 422 || !strings.Contains(r.body, "is not a website") || !strings.Contains(r.body, "https://a.example; script-src *</textarea>") {
		t.Errorf("hostile origins: %d %s", r.StatusCode, r.body)
	}
	if csp := th.get(th.client(), "/embed/events").Header.Get("Content-Security-Policy"); !strings.HasSuffix(csp, "frame-ancestors *") {
		t.Errorf("a refused list changed the policy: %q", csp)
	}
	r = th.postForm(admin, "/admin/embed/origins", url.Values{"csrf": {csrf}, "embed_origins": {"https://Partner.example/\nhttp://localhost:8000"}})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("saving origins: %d %s", r.StatusCode, r.body)
	}
	if csp := th.get(th.client(), "/embed/events").Header.Get("Content-Security-Policy"); !strings.HasSuffix(csp, "frame-ancestors 'self' https://partner.example http://localhost:8000") {
		t.Errorf("policy after saving: %q", csp)
	}

	// Editors see the list but cannot change it.
	editor, ecsrf := th.signIn(editorEmail)
	r = th.get(editor, "/admin/embed")
	if r.StatusCode != 200 || strings.Contains(r.body, `name="embed_origins"`) || !strings.Contains(r.body, "https://partner.example") {
		t.Errorf("editor's builder: %d", r.StatusCode)
	}
	if r = th.postForm(editor, "/admin/embed/origins", url.Values{"csrf": {ecsrf}, "embed_origins": {"*"}}); r.StatusCode != http.StatusForbidden {
		t.Errorf("editor saved origins: %d", r.StatusCode)
	}
}
