package web_test

import (
	"context"
	"encoding/json"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/alexedwards/argon2id"

	"github.com/commonplace-hub/commonplace/federation"
	"github.com/commonplace-hub/commonplace/hub"
	"github.com/commonplace-hub/commonplace/hub/web"
	"github.com/commonplace-hub/commonplace/locales"
	"github.com/commonplace-hub/commonplace/storage"
)

// testHub is a hub on a real SQLite file behind a real HTTP server.
type testHub struct {
	t    *testing.T
	svc  *hub.Service
	db   *storage.DB
	fed  *federation.Federation // set by newFederatedHub
	srv  *httptest.Server
	base *url.URL
}

// now is the fixed clock of these tests: early October 2026, before the UK
// clocks go back on 25 October.
var now = time.Date(2026, 10, 1, 9, 0, 0, 0, time.UTC)

const (
	adminEmail    = "admin@example.org"
	adminPassword = "correct horse battery"
	editorEmail   = "editor@example.org"
)

func newTestHub(t *testing.T, mutate ...func(*web.Config)) *testHub {
	t.Helper()
	return startTestHub(t, false, mutate...)
}

// newFederatedHub is a test hub with the real federation wired in as
// `commonplace serve` does it, but with no delivery loop running: queued
// deliveries stay pending for the tests to see.
func newFederatedHub(t *testing.T, mutate ...func(*web.Config)) *testHub {
	t.Helper()
	return startTestHub(t, true, mutate...)
}

func startTestHub(t *testing.T, federate bool, mutate ...func(*web.Config)) *testHub {
	t.Helper()
	db, err := storage.Open(context.Background(), filepath.Join(t.TempDir(), "hub.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	ctx := context.Background()
	th := &testHub{t: t, db: db}
	th.srv = httptest.NewUnstartedServer(nil)
	th.srv.Start()
	t.Cleanup(th.srv.Close)
	th.base, _ = url.Parse(th.srv.URL)
	cfg := web.Config{BaseURL: th.base, Logger: logger}
	for _, m := range mutate {
		m(&cfg)
	}
	var opts []hub.Option
	if federate {
		fed, err := federation.New(ctx, federation.Config{
			Content: hub.NewReader(db.Stores()), Store: db.Federation(), Commons: db.Commons(), Reports: db.Stores().Queue, BaseURL: cfg.BaseURL, Logger: logger,
			AllowPrivate: true, Now: func() time.Time { return now },
		})
		if err != nil {
			t.Fatal(err)
		}
		th.fed, cfg.ActivityPub = fed, fed
		opts = append(opts, hub.WithNotifier(fed), hub.WithFederation(fed))
	}
	var languages hub.Languages = locales.MustLoad()
	if cfg.Catalog != nil {
		languages = cfg.Catalog
	}
	opts = append(opts, hub.WithLanguages(languages))
	svc := hub.NewService(db.Stores(), logger, opts...)
	svc.Now = func() time.Time { return now }
	svc.PasswordParams = &argon2id.Params{Memory: 1024, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32}
	if err := svc.Bootstrap(ctx, &hub.Organiser{Email: adminEmail, Name: "Ada Admin", Role: hub.RoleAdmin}, adminPassword); err != nil {
		t.Fatal(err)
	}
	if err := svc.CreateOrganiser(hub.HostContext(ctx), &hub.Organiser{Email: editorEmail, Name: "Eddie Editor", Role: hub.RoleEditor}, adminPassword); err != nil {
		t.Fatal(err)
	}
	th.svc, cfg.Service = svc, svc
	h, err := web.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	th.srv.Config.Handler = h
	return th
}

// host acts as the command line, for seeding content.
func (th *testHub) host() context.Context { return hub.HostContext(context.Background()) }

// client is a browser-like client with cookies that does not follow
// redirects, so tests see them.
func (th *testHub) client() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }, Timeout: 10 * time.Second}
}

type response struct {
	*http.Response
	body string
}

func (th *testHub) do(c *http.Client, req *http.Request) response {
	th.t.Helper()
	resp, err := c.Do(req)
	if err != nil {
		th.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return response{resp, string(b)}
}

func (th *testHub) get(c *http.Client, path string) response {
	th.t.Helper()
	req, _ := http.NewRequest("GET", th.srv.URL+path, nil)
	return th.do(c, req)
}

func (th *testHub) postForm(c *http.Client, path string, form url.Values) response {
	th.t.Helper()
	req, _ := http.NewRequest("POST", th.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return th.do(c, req)
}

// login logs c in and returns the CSRF token of the session.
func (th *testHub) login(c *http.Client, email string) string {
	th.t.Helper()
	r := th.postForm(c, "/admin/login", url.Values{"email": {email}, "password": {adminPassword}})
	if r.StatusCode != http.StatusSeeOther {
		th.t.Fatalf("login: status %d: %s", r.StatusCode, r.body)
	}
	return th.csrf(c)
}

// signIn is a new client logged in as email, and its session's CSRF
// token.
func (th *testHub) signIn(email string) (*http.Client, string) {
	th.t.Helper()
	c := th.client()
	return c, th.login(c, email)
}

// checkBody reports each of want that body lacks and each of not that it
// has; what names the page in the messages.
func checkBody(t *testing.T, what, body string, want, not []string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(body, w) {
			t.Errorf("%s lacks %q", what, w)
		}
	}
	for _, w := range not {
		if strings.Contains(body, w) {
			t.Errorf("%s has %q", what, w)
		}
	}
}

var csrfRe = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func (th *testHub) csrf(c *http.Client) string {
	th.t.Helper()
	r := th.get(c, "/admin")
	m := csrfRe.FindStringSubmatch(r.body)
	if m == nil {
		th.t.Fatalf("no CSRF token on /admin (status %d)", r.StatusCode)
	}
	return m[1]
}

func (th *testHub) seed() (*hub.Event, *hub.Guide, *hub.CaseStudy) {
	th.t.Helper()
	ctx := th.host()
	lat, lng := 53.4668, -2.2469
	e := &hub.Event{
		Title: "Digital drop-in", Description: "Bring your **phone** or laptop.", TimeZone: "Europe/London",
		Start: time.Date(2026, 10, 6, 10, 0, 0, 0, london), End: time.Date(2026, 10, 6, 12, 0, 0, 0, london),
		Recurrence: "FREQ=WEEKLY;BYDAY=TU", Tags: []string{"Digital skills"}, Organiser: "Hulme Digital",
		Accessibility: "Step-free access", BookingURL: "https://example.org/book",
		Place: &hub.Place{Name: "Hulme Library", StreetAddress: "Stretford Road", Locality: "Manchester", PostalCode: "M15 5FQ", Latitude: &lat, Longitude: &lng},
	}
	if err := th.svc.CreateEvent(ctx, e); err != nil {
		th.t.Fatal(err)
	}
	g := &hub.Guide{Title: "Running a drop-in", Summary: "How we run it.", Body: "## Before\n\n- Book the room", Tags: []string{"Digital skills"}}
	if err := th.svc.CreateGuide(ctx, g); err != nil {
		th.t.Fatal(err)
	}
	c := &hub.CaseStudy{Title: "Lending tablets", Summary: "We lent tablets.", Problem: "People had no device.", Approach: "A lending library.",
		Outcome: "40 loans.", Organisation: "Hulme Digital", PlaceID: e.PlaceID, Tags: []string{"Digital skills"}}
	if err := th.svc.CreateCaseStudy(ctx, c); err != nil {
		th.t.Fatal(err)
	}
	return e, g, c
}

var london, _ = time.LoadLocation("Europe/London")

var jsonLDRe = regexp.MustCompile(`(?s)<script type="application/ld\+json">(.*?)</script>`)

func TestPublicPages(t *testing.T) {
	th := newTestHub(t)
	e, g, c := th.seed()
	pl := e.Place
	tests := []struct {
		path, title, ldType string
		want                []string
	}{
		{"/", "<title>Commonplace hub</title>", "Organization", []string{"Digital drop-in", "Running a drop-in", "Lending tablets"}},
		{"/events", "<title>Events · Commonplace hub</title>", "", []string{"Digital drop-in", "Tuesday 6 October 2026", "Tuesday 27 October 2026", "Every week on Tuesday"}},
		{"/events/" + e.Slug, "<title>Digital drop-in · Commonplace hub</title>", "Event", []string{"Tuesday 6 October 2026, 10am to 12pm", "<strong>phone</strong>", "Hulme Library", "M15 5FQ", "Step-free access", "https://example.org/book"}},
		{"/events/" + e.Slug + "?date=2026-10-27", "<title>Digital drop-in", "Event", []string{"Tuesday 27 October 2026, 10am to 12pm"}},
		{"/guides", "<title>Guides", "", []string{"Running a drop-in"}},
		{"/guides/" + g.Slug, "<title>Running a drop-in", "Article", []string{"<h2 id=\"before\">Before</h2>", "Book the room"}},
		{"/case-studies", "<title>Case studies", "", []string{"Lending tablets"}},
		{"/case-studies/" + c.Slug, "<title>Lending tablets", "Article", []string{"The problem", "People had no device.", "What we tried", "What happened"}},
		{"/topics", "<title>Topics", "", []string{"Digital skills"}},
		{"/topics/digital-skills", "<title>Topic: Digital skills", "", []string{"Digital drop-in", "Running a drop-in", "Lending tablets"}},
		{"/places", "<title>Places", "", []string{"Hulme Library"}},
		{"/places/" + pl.Slug, "<title>Hulme Library", "Place", []string{"Stretford Road", "openstreetmap.org", "Digital drop-in", "Lending tablets"}},
	}
	c0 := th.client()
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			r := th.get(c0, tt.path)
			if r.StatusCode != 200 {
				t.Fatalf("status %d", r.StatusCode)
			}
			if len(r.Header.Values("Set-Cookie")) > 0 {
				t.Errorf("public page set a cookie: %v", r.Header.Values("Set-Cookie"))
			}
			if csp := r.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") {
				t.Errorf("CSP = %q", csp)
			}
			for _, w := range append([]string{tt.title, `property="og:title"`, `property="og:url"`}, tt.want...) {
				if !strings.Contains(r.body, w) {
					t.Errorf("page lacks %q", w)
				}
			}
			if regexp.MustCompile(`https?://(?:[^"]*)(?:googleapis|gstatic|facebook|twitter|cdn)`).MatchString(r.body) {
				t.Error("page refers to a third-party host")
			}
			m := jsonLDRe.FindStringSubmatch(r.body)
			if tt.ldType == "" {
				return
			}
			if m == nil {
				t.Fatal("no JSON-LD")
			}
			var ld map[string]any
			if err := json.Unmarshal([]byte(m[1]), &ld); err != nil {
				t.Fatalf("JSON-LD does not parse: %v\n%s", err, m[1])
			}
			if ld["@type"] != tt.ldType {
				t.Errorf("JSON-LD @type = %v, want %s", ld["@type"], tt.ldType)
			}
		})
	}

	t.Run("event JSON-LD keeps local time across the clock change", func(t *testing.T) {
		r := th.get(c0, "/events/"+e.Slug+"?date=2026-10-27")
		var ld map[string]any
		json.Unmarshal([]byte(jsonLDRe.FindStringSubmatch(r.body)[1]), &ld)
		if ld["startDate"] != "2026-10-27T10:00:00Z" || ld["endDate"] != "2026-10-27T12:00:00Z" {
			t.Errorf("after the clocks go back: start %v end %v", ld["startDate"], ld["endDate"])
		}
		r = th.get(c0, "/events/"+e.Slug+"?date=2026-10-20")
		json.Unmarshal([]byte(jsonLDRe.FindStringSubmatch(r.body)[1]), &ld)
		if ld["startDate"] != "2026-10-20T10:00:00+01:00" {
			t.Errorf("in summer time: start %v", ld["startDate"])
		}
		loc := ld["location"].(map[string]any)
		if loc["@type"] != "Place" || loc["address"].(map[string]any)["postalCode"] != "M15 5FQ" {
			t.Errorf("location = %v", loc)
		}
	})
}

func TestPublicErrors(t *testing.T) {
	th := newTestHub(t)
	e, _, _ := th.seed()
	c := th.client()
	tests := []struct {
		path   string
		status int
		want   string
	}{
		{"/events/no-such-event", 404, "Not Found"},
		{"/nowhere", 404, "There is no page at this address."},
		{"/events/" + e.Slug + "?date=2026-10-07", 404, "does not happen on 2026-10-07"},
		{"/events/" + e.Slug + "?date=yesterday", 422, "Dates in this address"},
		{"/events?from=tomorrow", 400, "Enter the first date"},
		{"/events?from=2026-10-10&to=2026-10-01", 400, "on or after the first date"},
		{"/events?place=atlantis", 400, "There is no such place."},
		{"/guides?page=-3", 422, "page number"},
	}
	for _, tt := range tests {
		r := th.get(c, tt.path)
		if r.StatusCode != tt.status || !strings.Contains(r.body, tt.want) {
			t.Errorf("%s: status %d, want %d with %q", tt.path, r.StatusCode, tt.status, tt.want)
		}
	}
}

func TestEventFilters(t *testing.T) {
	th := newTestHub(t)
	e, _, _ := th.seed()
	other := &hub.Event{Title: "Tenants' meeting", TimeZone: "Europe/London",
		Start: time.Date(2026, 10, 8, 19, 0, 0, 0, london), End: time.Date(2026, 10, 8, 21, 0, 0, 0, london), Tags: []string{"Tenants"}}
	if err := th.svc.CreateEvent(th.host(), other); err != nil {
		t.Fatal(err)
	}
	c := th.client()
	tests := []struct {
		query         string
		want, wantNot []string
	}{
		{"", []string{"Digital drop-in", "Tenants&#39; meeting"}, nil},
		{"tag=tenants", []string{"Tenants&#39; meeting"}, []string{"Digital drop-in"}},
		{"place=" + e.Place.Slug, []string{"Digital drop-in"}, []string{"Tenants&#39; meeting"}},
		{"from=2026-10-09&to=2026-10-14", []string{"Tuesday 13 October 2026"}, []string{"Tenants&#39; meeting", "Tuesday 6 October"}},
	}
	for _, tt := range tests {
		r := th.get(c, "/events?"+tt.query)
		if r.StatusCode != 200 {
			t.Fatalf("%s: %d", tt.query, r.StatusCode)
		}
		for _, w := range tt.want {
			if !strings.Contains(r.body, w) {
				t.Errorf("%s: lacks %q", tt.query, w)
			}
		}
		for _, w := range tt.wantNot {
			if strings.Contains(r.body, w) {
				t.Errorf("%s: should not show %q", tt.query, w)
			}
		}
	}
}

// The events page's "Earlier dates" and "Later dates" links lead to the
// weeks before and after the ones shown. (They were once written as one
// escaped parameter, "from%3d...%26to%3d...", which showed the default
// range instead.)
func TestEventPagingLinks(t *testing.T) {
	th := newTestHub(t)
	th.seed()
	c := th.client()
	page := th.get(c, "/events?from=2026-10-09&to=2026-10-14").body
	for _, tt := range []struct{ rel, want string }{
		{"prev", "/events?from=2026-09-11&amp;to=2026-10-08"},
		{"next", "/events?from=2026-10-15&amp;to=2026-11-11"},
	} {
		re := regexp.MustCompile(`<a href="([^"]*)" rel="` + tt.rel + `"`)
		m := re.FindStringSubmatch(page)
		if m == nil || m[1] != tt.want {
			t.Errorf("%s link %v, want %s", tt.rel, m, tt.want)
			continue
		}
		if got := th.get(c, html.UnescapeString(m[1])); !strings.Contains(got.body, "Tuesday 6 October 2026") && tt.rel == "prev" {
			t.Errorf("following the earlier link does not show the week before")
		}
	}
}

func TestHostileMarkdownRendersInert(t *testing.T) {
	th := newTestHub(t)
	hostile := "Hello <script>alert('x')</script>\n\n[click](javascript:alert(1)) <img src=x onerror=alert(2)> <iframe src=https://evil.example></iframe>\n\n<a href=\"https://ok.example\" onclick=\"steal()\">ok</a> <style>body{display:none}</style>"
	g := &hub.Guide{Title: "Hostile", Body: hostile}
	if err := th.svc.CreateGuide(th.host(), g); err != nil {
		t.Fatal(err)
	}
	r := th.get(th.client(), "/guides/"+g.Slug)
	if r.StatusCode != 200 {
		t.Fatalf("status %d", r.StatusCode)
	}
	body := r.body[strings.Index(r.body, `class="prose"`):]
	for _, bad := range []string{"<script", "javascript:", "onerror", "<iframe", "onclick", "<style"} {
		if strings.Contains(body, bad) {
			t.Errorf("rendered guide contains %q", bad)
		}
	}
	if !strings.Contains(body, "Hello") {
		t.Error("the harmless text was lost")
	}
}
