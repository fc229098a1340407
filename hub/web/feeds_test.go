package web_test

import (
	"encoding/xml"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	goical "github.com/emersion/go-ical"

	"github.com/commonplace-hub/commonplace/hub"
)

// seedFeeds adds to seed() an event on another topic with no place, and
// one that ended more than a year ago.
func (th *testHub) seedFeeds() (dropIn, tenants, old *hub.Event) {
	th.t.Helper()
	dropIn, _, _ = th.seed()
	tenants = &hub.Event{Title: "Tenants' meeting", TimeZone: "Europe/London", Tags: []string{"Tenants"},
		Start: time.Date(2026, 10, 8, 19, 0, 0, 0, london), End: time.Date(2026, 10, 8, 21, 0, 0, 0, london)}
	old = &hub.Event{Title: "Last year's fair", TimeZone: "Europe/London", Tags: []string{"Tenants"}, AllDay: true,
		Start: time.Date(2025, 6, 1, 0, 0, 0, 0, london), End: time.Date(2025, 6, 2, 0, 0, 0, 0, london)}
	for _, e := range []*hub.Event{tenants, old} {
		if err := th.svc.CreateEvent(th.host(), e); err != nil {
			th.t.Fatal(err)
		}
	}
	return dropIn, tenants, old
}

func (th *testHub) uid(e *hub.Event) string {
	return fmt.Sprintf("event-%d@%s", e.ID, th.base.Hostname())
}

// parseCalendar reads a feed with go-ical and returns its UIDs.
func parseCalendar(t *testing.T, body string) (*goical.Calendar, []string) {
	t.Helper()
	cal, err := goical.NewDecoder(strings.NewReader(body)).Decode()
	if err != nil {
		t.Fatalf("feed does not parse: %v\n%s", err, body)
	}
	var uids []string
	for _, ev := range cal.Events() {
		uid, _ := ev.Props.Text(goical.PropUID)
		uids = append(uids, uid)
	}
	return cal, uids
}

func TestCalendarFeeds(t *testing.T) {
	th := newTestHub(t)
	dropIn, tenants, old := th.seedFeeds()
	c := th.client()
	tests := []struct {
		path, name    string
		want, wantNot []*hub.Event
	}{
		{"/calendar.ics", "Commonplace hub", []*hub.Event{dropIn, tenants}, []*hub.Event{old}},
		{"/topics/digital-skills/calendar.ics", "Commonplace hub: Digital skills", []*hub.Event{dropIn}, []*hub.Event{tenants, old}},
		{"/topics/tenants/calendar.ics", "Commonplace hub: Tenants", []*hub.Event{tenants}, []*hub.Event{dropIn, old}},
		{"/places/" + dropIn.Place.Slug + "/calendar.ics", "Commonplace hub: Hulme Library", []*hub.Event{dropIn}, []*hub.Event{tenants, old}},
		{"/events/" + tenants.Slug + "/calendar.ics", "Tenants' meeting", []*hub.Event{tenants}, []*hub.Event{dropIn, old}},
		// An event's own calendar keeps it however old it is.
		{"/events/" + old.Slug + "/calendar.ics", "Last year's fair", []*hub.Event{old}, []*hub.Event{dropIn, tenants}},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			r := th.get(c, tt.path)
			if r.StatusCode != http.StatusOK {
				t.Fatalf("status %d: %s", r.StatusCode, r.body)
			}
			if ct := r.Header.Get("Content-Type"); ct != "text/calendar; charset=utf-8" {
				t.Errorf("Content-Type %q", ct)
			}
			if r.Header.Get("ETag") == "" || r.Header.Get("Last-Modified") == "" || !strings.Contains(r.Header.Get("Cache-Control"), "max-age=") {
				t.Errorf("caching headers: ETag %q, Last-Modified %q, Cache-Control %q", r.Header.Get("ETag"), r.Header.Get("Last-Modified"), r.Header.Get("Cache-Control"))
			}
			if len(r.Header.Values("Set-Cookie")) > 0 {
				t.Errorf("a feed set a cookie")
			}
			cal, uids := parseCalendar(t, r.body)
			if name, _ := cal.Props.Text("X-WR-CALNAME"); name != tt.name {
				t.Errorf("X-WR-CALNAME %q, want %q", name, tt.name)
			}
			if src := cal.Props.Get("SOURCE"); src == nil || src.Value != th.srv.URL+tt.path {
				t.Errorf("SOURCE %v, want %s", src, th.srv.URL+tt.path)
			}
			for _, e := range tt.want {
				if !slices.Contains(uids, th.uid(e)) {
					t.Errorf("lacks %q (%s); has %v", e.Title, th.uid(e), uids)
				}
			}
			for _, e := range tt.wantNot {
				if slices.Contains(uids, th.uid(e)) {
					t.Errorf("should not hold %q", e.Title)
				}
			}
		})
	}

	t.Run("the drop-in as a calendar app sees it", func(t *testing.T) {
		r := th.get(c, "/events/"+dropIn.Slug+"/calendar.ics")
		for _, want := range []string{
			"DTSTART;TZID=Europe/London:20261006T100000",
			"RRULE:FREQ=WEEKLY;BYDAY=TU",
			"SUMMARY:Digital drop-in",
			"LOCATION:Hulme Library\\, Stretford Road\\, Manchester\\, M15 5FQ",
			"URL:" + th.srv.URL + "/events/" + dropIn.Slug,
			"CATEGORIES:Digital skills",
			"BEGIN:VTIMEZONE",
			"X-WR-TIMEZONE:Europe/London",
		} {
			if !strings.Contains(strings.ReplaceAll(r.body, "\r\n ", ""), want) {
				t.Errorf("lacks %q", want)
			}
		}
	})

	for _, path := range []string{"/topics/no-such-topic/calendar.ics", "/places/atlantis/calendar.ics", "/events/no-such-event/calendar.ics"} {
		if r := th.get(c, path); r.StatusCode != http.StatusNotFound {
			t.Errorf("%s: status %d, want 404", path, r.StatusCode)
		}
	}
}

func TestFeedsAnswerConditionalGets(t *testing.T) {
	th := newTestHub(t)
	dropIn, tenants, _ := th.seedFeeds()
	c := th.client()
	get := func(path string, header ...string) response {
		t.Helper()
		req, _ := http.NewRequest("GET", th.srv.URL+path, nil)
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		return th.do(c, req)
	}
	for _, path := range []string{"/calendar.ics", "/topics/tenants/calendar.ics", "/events/" + dropIn.Slug + "/calendar.ics", "/feed.atom"} {
		t.Run(path, func(t *testing.T) {
			first := get(path)
			etag, modified := first.Header.Get("ETag"), first.Header.Get("Last-Modified")
			if first.StatusCode != 200 || etag == "" || modified == "" {
				t.Fatalf("status %d, ETag %q, Last-Modified %q", first.StatusCode, etag, modified)
			}
			if again := get(path); again.Header.Get("ETag") != etag || again.body != first.body {
				t.Error("the same feed twice gave different bodies or ETags")
			}
			tests := []struct {
				name   string
				header []string
				status int
			}{
				{"If-None-Match matches", []string{"If-None-Match", etag}, http.StatusNotModified},
				{"If-None-Match among others", []string{"If-None-Match", `"abc", ` + etag}, http.StatusNotModified},
				{"If-None-Match stale", []string{"If-None-Match", `"stale"`}, http.StatusOK},
				{"If-Modified-Since now", []string{"If-Modified-Since", modified}, http.StatusNotModified},
				{"If-Modified-Since earlier", []string{"If-Modified-Since", "Mon, 01 Jan 2024 00:00:00 GMT"}, http.StatusOK},
				// The ETag decides when both are sent.
				{"stale ETag, fresh date", []string{"If-None-Match", `"stale"`, "If-Modified-Since", modified}, http.StatusOK},
			}
			for _, tt := range tests {
				r := get(path, tt.header...)
				if r.StatusCode != tt.status {
					t.Errorf("%s: status %d, want %d", tt.name, r.StatusCode, tt.status)
				}
				if tt.status == http.StatusNotModified && r.body != "" {
					t.Errorf("%s: a 304 with a body", tt.name)
				}
			}
			req, _ := http.NewRequest("HEAD", th.srv.URL+path, nil)
			if r := th.do(c, req); r.StatusCode != 200 || r.body != "" || r.Header.Get("ETag") != etag {
				t.Errorf("HEAD: status %d, %d bytes, ETag %q", r.StatusCode, len(r.body), r.Header.Get("ETag"))
			}
		})
	}

	t.Run("a change gives a new ETag", func(t *testing.T) {
		paths := []string{"/calendar.ics", "/topics/tenants/calendar.ics", "/events/" + tenants.Slug + "/calendar.ics", "/feed.atom"}
		before := map[string]string{}
		for _, p := range paths {
			before[p] = get(p).Header.Get("ETag")
		}
		tenants.Title = "Tenants' AGM"
		if err := th.svc.UpdateEvent(th.host(), tenants); err != nil {
			t.Fatal(err)
		}
		for _, p := range paths {
			r := get(p, "If-None-Match", before[p])
			if r.StatusCode != http.StatusOK || !strings.Contains(r.body, "AGM") {
				t.Errorf("%s after an edit: status %d, has new title %v", p, r.StatusCode, strings.Contains(r.body, "AGM"))
			}
		}
		// A deletion changes the ETag even though no date moves forward.
		etag := get("/calendar.ics").Header.Get("ETag")
		if err := th.svc.DeleteEvent(th.host(), tenants.ID); err != nil {
			t.Fatal(err)
		}
		r := get("/calendar.ics", "If-None-Match", etag)
		if r.StatusCode != http.StatusOK || strings.Contains(r.body, th.uid(tenants)) {
			t.Errorf("after a deletion: status %d, still holds the event: %v", r.StatusCode, strings.Contains(r.body, th.uid(tenants)))
		}
	})
}

// atom is what these tests read of an Atom feed.
type atom struct {
	XMLName xml.Name `xml:"http://www.w3.org/2005/Atom feed"`
	ID      string   `xml:"id"`
	Title   string   `xml:"title"`
	Updated string   `xml:"updated"`
	Author  struct {
		Name string `xml:"name"`
	} `xml:"author"`
	Links   []atomTestLink `xml:"link"`
	Entries []struct {
		ID        string         `xml:"id"`
		Title     string         `xml:"title"`
		Published string         `xml:"published"`
		Updated   string         `xml:"updated"`
		Links     []atomTestLink `xml:"link"`
		Summary   string         `xml:"summary"`
		Content   struct {
			Type string `xml:"type,attr"`
			Body string `xml:",chardata"`
		} `xml:"content"`
		Categories []struct {
			Term  string `xml:"term,attr"`
			Label string `xml:"label,attr"`
		} `xml:"category"`
	} `xml:"entry"`
}

type atomTestLink struct {
	Rel  string `xml:"rel,attr"`
	Href string `xml:"href,attr"`
}

func parseAtom(t *testing.T, body string) atom {
	t.Helper()
	var a atom
	if err := xml.Unmarshal([]byte(body), &a); err != nil {
		t.Fatalf("the Atom feed does not parse: %v\n%s", err, body)
	}
	return a
}

func TestAtomFeed(t *testing.T) {
	th := newTestHub(t)
	dropIn, tenants, old := th.seedFeeds()
	c := th.client()
	r := th.get(c, "/feed.atom")
	if r.StatusCode != 200 || r.Header.Get("Content-Type") != "application/atom+xml; charset=utf-8" {
		t.Fatalf("status %d, Content-Type %q", r.StatusCode, r.Header.Get("Content-Type"))
	}
	if !strings.HasPrefix(r.body, `<?xml version="1.0" encoding="UTF-8"?>`) || !strings.Contains(r.body, `xml:lang="en-GB"`) {
		t.Errorf("feed starts %q", r.body[:min(200, len(r.body))])
	}
	a := parseAtom(t, r.body)
	if a.Title != "Commonplace hub" || a.Author.Name != "Commonplace hub" || a.ID != th.srv.URL+"/feed.atom" {
		t.Errorf("feed title %q, author %q, id %q", a.Title, a.Author.Name, a.ID)
	}
	if _, err := time.Parse(time.RFC3339, a.Updated); err != nil {
		t.Errorf("feed updated %q: %v", a.Updated, err)
	}
	if !slices.Contains(a.Links, atomTestLink{"self", th.srv.URL + "/feed.atom"}) {
		t.Errorf("no self link: %v", a.Links)
	}
	byTitle := map[string]int{}
	for i, e := range a.Entries {
		byTitle[e.Title] = i
		if !strings.HasPrefix(e.ID, "tag:"+th.base.Hostname()+",") {
			t.Errorf("entry id %q is not a tag URI of the hub", e.ID)
		}
		for _, ts := range []string{e.Published, e.Updated} {
			if _, err := time.Parse(time.RFC3339, ts); err != nil {
				t.Errorf("%s: time %q: %v", e.Title, ts, err)
			}
		}
		if e.Content.Type != "html" || e.Summary == "" {
			t.Errorf("%s: content type %q, summary %q", e.Title, e.Content.Type, e.Summary)
		}
	}
	for _, title := range []string{dropIn.Title, tenants.Title, "Running a drop-in", "Lending tablets"} {
		if _, ok := byTitle[title]; !ok {
			t.Errorf("no entry %q", title)
		}
	}
	if _, ok := byTitle[old.Title]; ok {
		t.Error("a past event is in the feed of new items")
	}
	ev := a.Entries[byTitle[dropIn.Title]]
	if !slices.Contains(ev.Links, atomTestLink{"alternate", th.srv.URL + "/events/" + dropIn.Slug}) {
		t.Errorf("event links %v", ev.Links)
	}
	// The description is the hub's own rendering of the Markdown, as
	// escaped HTML, after when and where.
	for _, want := range []string{"<strong>phone</strong>", "<strong>When:</strong> Tuesday 6 October 2026, 10am to 12pm (every week on Tuesday)", "Hulme Library, Stretford Road"} {
		if !strings.Contains(ev.Content.Body, want) {
			t.Errorf("event content lacks %q:\n%s", want, ev.Content.Body)
		}
	}
	if !strings.Contains(r.body, "&lt;strong&gt;phone&lt;/strong&gt;") {
		t.Error("the HTML content is not escaped in the XML")
	}
	if ev.Categories == nil || ev.Categories[0].Term != "digital-skills" || ev.Categories[0].Label != "Digital skills" {
		t.Errorf("categories %v", ev.Categories)
	}
	cs := a.Entries[byTitle["Lending tablets"]]
	if !strings.Contains(cs.Content.Body, "<h2>The problem</h2>") || cs.Summary != "We lent tablets." {
		t.Errorf("case study: summary %q, content %q", cs.Summary, cs.Content.Body)
	}
}

func TestAtomFeedHoldsTheNewestFifty(t *testing.T) {
	th := newTestHub(t)
	th.seed()
	for i := 1; i <= 60; i++ {
		g := &hub.Guide{Title: fmt.Sprintf("Guide %d", i), Body: "Text."}
		if err := th.svc.CreateGuide(th.host(), g); err != nil {
			t.Fatal(err)
		}
	}
	a := parseAtom(t, th.get(th.client(), "/feed.atom").body)
	if len(a.Entries) != 50 {
		t.Fatalf("%d entries, want 50", len(a.Entries))
	}
	for i, e := range a.Entries {
		if want := fmt.Sprintf("Guide %d", 60-i); e.Title != want {
			t.Fatalf("entry %d is %q, want %q (newest first)", i, e.Title, want)
		}
	}
}

func TestAtomFeedSurvivesHostileText(t *testing.T) {
	th := newTestHub(t)
	g := &hub.Guide{Title: "<script>alert(1)</script> & \"quotes\"", Summary: "Bell\a and \x0b tab",
		Body: "Hello <script>alert('x')</script>\x01\n\n[click](javascript:alert(1))"}
	if err := th.svc.CreateGuide(th.host(), g); err != nil {
		t.Fatal(err)
	}
	r := th.get(th.client(), "/feed.atom")
	a := parseAtom(t, r.body)
	if len(a.Entries) != 1 || a.Entries[0].Title != g.Title {
		t.Fatalf("entries %+v", a.Entries)
	}
	body := a.Entries[0].Content.Body
	for _, bad := range []string{"<script", "javascript:"} {
		if strings.Contains(body, bad) {
			t.Errorf("content holds %q: %s", bad, body)
		}
	}
	if strings.Contains(r.body, "<script") {
		t.Error("unescaped markup in the XML")
	}
}

func TestSubscribeLinks(t *testing.T) {
	th := newTestHub(t)
	dropIn, _, _ := th.seedFeeds()
	c := th.client()
	host := th.base.Host
	tests := []struct {
		page, feed, label string
	}{
		{"/events", "/calendar.ics", "all events"},
		{"/events?tag=tenants", "/topics/tenants/calendar.ics", "Tenants events"},
		{"/events?place=" + dropIn.Place.Slug, "/places/" + dropIn.Place.Slug + "/calendar.ics", "events at Hulme Library"},
		{"/events?tag=tenants&place=" + dropIn.Place.Slug, "/calendar.ics", "all events"},
		{"/events/" + dropIn.Slug, "/events/" + dropIn.Slug + "/calendar.ics", "this event"},
		{"/topics/digital-skills", "/topics/digital-skills/calendar.ics", "Digital skills events"},
		{"/places/" + dropIn.Place.Slug, "/places/" + dropIn.Place.Slug + "/calendar.ics", "events at Hulme Library"},
	}
	for _, tt := range tests {
		t.Run(tt.page, func(t *testing.T) {
			r := th.get(c, tt.page)
			if r.StatusCode != 200 {
				t.Fatalf("status %d", r.StatusCode)
			}
			for _, want := range []string{
				`href="webcal://` + host + tt.feed + `"`,
				`<a href="` + tt.feed + `" download>`,
				`Add ` + tt.label + ` to your calendar`,
				`<code>` + th.srv.URL + tt.feed + `</code>`,
				`<link rel="alternate" type="text/calendar"`,
				`href="` + tt.feed + `">`,
				`<link rel="alternate" type="application/atom+xml"`,
			} {
				if !strings.Contains(r.body, strings.ReplaceAll(want, "&", "&amp;")) {
					t.Errorf("page lacks %s", want)
				}
			}
			if f := th.get(c, tt.feed); f.StatusCode != 200 {
				t.Errorf("the linked feed %s answers %d", tt.feed, f.StatusCode)
			}
		})
	}
	// The head links to the feeds on every public page; organiser pages
	// have none.
	if r := th.get(c, "/guides"); !strings.Contains(r.body, `href="/feed.atom"`) || !strings.Contains(r.body, `href="/calendar.ics"`) {
		t.Error("/guides has no alternate links")
	}
	th.login(c, adminEmail)
	if r := th.get(c, "/admin"); strings.Contains(r.body, `rel="alternate"`) {
		t.Error("organiser pages carry feed links")
	}
}
