package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"html"
	"io"
	"io/fs"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/commonplace-hub/commonplace/internal/testkit"
)

// updateGolden rewrites the golden files instead of comparing with them:
//
//	go test -tags sqlite_fts5 ./cmd/commonplace -run TestGolden -args -update-golden
var updateGolden = flag.Bool("update-golden", false, "rewrite cmd/commonplace/testdata/golden from this run")

// goldenDir holds one file per capture of TestGolden.
const goldenDir = "testdata/golden"

// TestGolden pins what the hub answers, byte for byte: every kind of public
// page, the organiser pages, the API, the command line's output (--json
// and text), the calendar and Atom feeds and the federated documents, for
// content set up from the command line with fixed dates. It is the safety net for refactorings that must change
// no behaviour: a difference is either a bug or a deliberate change, to be
// accepted with -update-golden and reviewed in the diff of testdata/golden.
//
// Only what legitimately varies between runs is normalised (goldenNormaliser):
// the ports, the clock's "now", the actor's key, random tokens and ids.
func TestGolden(t *testing.T) {
	if testing.Short() {
		t.Skip("starts two hubs")
	}
	if time.Now().After(time.Date(2029, 11, 1, 0, 0, 0, 0, time.UTC)) {
		// From three months before them, the 2030 events show on the
		// home page and in other lists of what is coming up "now".
		t.Fatal("the golden content's events (March 2030 on) are about to come up: move them later and update the golden files")
	}
	started := time.Now()
	g := &goldenRun{t: t, files: map[string]bool{}}

	// The golden hub, set up from the command line before it first serves
	// (in the background, while the peer starts).
	h := newHubDir(t)
	h.env = []string{envAllowPrivate + "=1"}
	setupDir := t.TempDir()
	setupDone := make(chan error, 1)
	go func() {
		for _, args := range [][]string{
			{"organiser", "add", "--admin", "--email", "ada@example.org", "--name", "Ada Admin", "--password", goldenPassword},
			{"organiser", "add", "--email", "eddie@example.org", "--name", "Eddie Editor", "--password", "another long password"},
			{"settings", "set", "--name", "Moss Side Commons", "--handle", "mossside",
				"--description", "Events, guides & case studies from Moss Side's community groups <together>.",
				"--timezone", "Europe/London", "--language", "en-GB", "--accent-colour", "#1d6b4f"},
			{"place", "add", "--name", "Moss Side Library", "--address", "Moss Lane East", "--locality", "Manchester",
				"--region", "Greater Manchester", "--postcode", "M14 4PX", "--country", "United Kingdom",
				"--lat", "53.4601", "--lon", "-2.2366",
				"--description", "Step-free entrance on **Moss Lane East**; the meeting room is on the ground floor."},
			{"place", "add", "--name", "Alexandra Park Pavilion", "--locality", "Manchester", "--postcode", "M16 7HU"},
		} {
			r, err := runQuietly(setupDir, h.env, append(args, "--data", h.data)...)
			if err == nil && r.code != 0 {
				err = fmt.Errorf("exit %d: %s", r.code, r.stderr)
			}
			if err != nil {
				setupDone <- fmt.Errorf("commonplace %s: %w", strings.Join(args, " "), err)
				return
			}
		}
		setupDone <- nil
	}()

	// The peer: a second hub that the golden hub follows and that follows
	// it back, so that the commons, peers, followers and re-shares have
	// something in them.
	peer := startCommonsHub(t, "peer")
	peer.dir.ok("event", "add", "--title", "Peer repair night", "--tz", "Europe/London",
		"--start", "2030-04-02 18:30", "--end", "2030-04-02 21:00", "--tags", "repair",
		"--description", "Bring **broken** things; we fix them together.")
	nextSecond()
	peer.dir.ok("guide", "add", "--title", "Peer guide to composting", "--summary", "How our allotment composts.",
		"--body", "Start with a *bin*.\n\n- greens\n- browns", "--tags", "gardening")

	if err := <-setupDone; err != nil {
		t.Fatal(err)
	}
	var tok struct{ Secret string }
	h.okJSON(&tok, "token", "create", "--email", "ada@example.org", "--name", "golden test")

	srv := startServer(t, h.env, "--data", h.data, "--addr", "127.0.0.1:0", "--allow-private-addresses")
	gh := &commonsHub{t: t, name: "mossside", dir: h, srv: srv, token: tok.Secret}

	// Content added while the hub serves, so that it is published to the
	// outbox under the hub's public URL, as an organiser's would be.
	h.ok("event", "add", "--title", "Repair Café & skills swap", "--tz", "Europe/London",
		"--start", "2030-03-09 10:00", "--end", "2030-03-09 13:00", "--place-slug", "moss-side-library",
		"--tags", "repair,sustainability", "--organiser", "Restart Manchester",
		"--booking-url", "https://tickets.example/repair?date=2030-03-09&x=1",
		"--accessibility", "Step-free access; hearing loop in the meeting room.",
		"--description", "Bring your broken toasters, bikes and jumpers. Our volunteers will help you fix them.\n\n"+
			"## What to bring\n\n- the broken thing\n- any parts you have\n\nSee [Restart](https://therestartproject.org/) "+
			"for tips. <script>alert('no')</script> Prices: tea £1 \"strong\" & cake.")
	h.ok("event", "add", "--title", "Digital drop-in", "--tz", "Europe/London",
		"--start", "2030-03-05 18:00", "--end", "2030-03-05 20:00", "--repeat", "FREQ=WEEKLY;BYDAY=TU;COUNT=8",
		"--except", "2030-03-19", "--place-slug", "moss-side-library", "--online-url", "https://meet.example/dropin",
		"--tags", "digital skills", "--description", "Help with phones, tablets and forms online. Every Tuesday.")
	h.ok("event", "cancel", "digital-drop-in", "--date", "2030-03-26", "--reason", "Library closed for repairs")
	h.ok("event", "add", "--title", "Alexandra Park Festival", "--all-day", "--tz", "Europe/London",
		"--start", "2030-06-15", "--end", "2030-06-16", "--place-slug", "alexandra-park-pavilion",
		"--tags", "family,outdoors", "--organiser", "Friends of Alexandra Park",
		"--description", "Two days of music, food and games in the park.")
	h.ok("event", "add", "--title", "Online book club", "--tz", "America/New_York",
		"--start", "2030-04-04 19:00", "--end", "2030-04-04 20:30", "--repeat", "FREQ=MONTHLY;BYDAY=1TH",
		"--online-url", "https://meet.example/books", "--tags", "reading",
		"--description", "We read one book a month, with a sister group in New York.")
	// An all-day exhibition that spans every day this test can run on
	// (2020 to 2035): the home page, the organiser dashboard and the
	// default calendar show what is on "now", and only an event that is
	// on all that time keeps them the same from day to day.
	h.ok("event", "add", "--title", "Moss Side story trail", "--all-day", "--tz", "Europe/London",
		"--start", "2020-01-01", "--end", "2035-12-31", "--tags", "history,outdoors",
		"--description", "Twelve story boards around the neighbourhood, up all year.")

	nextSecond()
	h.ok("guide", "add", "--title", "Running a repair café", "--summary", "What we learnt running a monthly repair café.",
		"--tags", "repair,volunteering",
		"--body", "A repair café needs three things: **fixers**, a room and tea.\n\n## Before\n\n1. Find a room\n2. Find fixers\n\n"+
			"## On the day\n\n| Role | People |\n|---|---|\n| Fixers | 4 |\n| Welcome | 1 |\n\n`PAT test` every tool.")
	h.ok("guide", "edit", "running-a-repair-cafe", "--note", "Added insurance",
		"--body", "A repair café needs three things: **fixers**, a room and tea.\n\n## Before\n\n1. Find a room\n2. Find fixers\n3. Check your insurance\n\n"+
			"## On the day\n\n| Role | People |\n|---|---|\n| Fixers | 4 |\n| Welcome | 1 |\n\n`PAT test` every tool.")
	h.ok("guide", "add", "--title", "Getting started online", "--tags", "digital skills",
		"--body", "Everyone can learn to get online.\n\nStart with email, then video calls.")
	nextSecond()
	h.ok("case-study", "add", "--title", "Tablet lending at the library", "--summary", "Lending tablets to people without a device.",
		"--organisation", "Moss Side Library Friends", "--contact", "friends@library.example", "--place-slug", "moss-side-library",
		"--tags", "digital skills,libraries",
		"--problem", "Many people had **no device** at home.", "--approach", "We lent tablets for a month, with a weekly drop-in.",
		"--tools", "- 20 tablets\n- a loan agreement", "--outcome", "Forty people got online.", "--lessons", "Start the drop-in *before* lending.")
	h.ok("tag", "edit", "repair", "--name", "Repair", "--description", "Fixing things together instead of throwing them away.")

	// Follow the peer and re-share one of its items; then the peer follows back.
	h.ok("peer", "follow", peer.handle())
	within(t, 15*time.Second, "the golden hub to hold the peer's items", func() bool {
		var out struct{ Total int }
		gh.api(http.MethodGet, "/commons", nil, &out)
		return out.Total == 2 && gh.peerAccepted(peer)
	})
	var commons struct {
		Items []struct {
			ID    int64
			Title string
		}
	}
	gh.api(http.MethodGet, "/commons?kind=guide", nil, &commons)
	if len(commons.Items) != 1 {
		t.Fatalf("the peer's guide: %+v", commons.Items)
	}
	h.ok("commons", "share", strconv.FormatInt(commons.Items[0].ID, 10))
	peer.follow(gh)
	t.Logf("set up in %v", time.Since(started).Round(time.Millisecond))

	norm, err := newGoldenNormaliser(started, "Europe/London", map[string]string{srv.addr: "PORTA", peer.srv.addr: "PORTB"})
	if err != nil {
		t.Fatal(err)
	}
	g.norm = norm
	g.base = gh.base()

	// Public pages.
	for _, c := range []struct{ name, path string }{
		{"home", "/"},
		{"events", "/events"},
		{"events-march-2030", "/events?from=2030-03-01&to=2030-03-31"},
		{"events-filtered", "/events?from=2030-03-01&to=2030-06-30&tag=digital-skills&place=moss-side-library"},
		{"events-bad-filter", "/events?from=tomorrow&place=nowhere"},
		{"past-events", "/past-events?before=2026-01-01"},
		{"event", "/events/repair-cafe-skills-swap"},
		{"event-series", "/events/digital-drop-in"},
		{"event-series-occurrence", "/events/digital-drop-in?date=2030-04-02"},
		{"event-series-no-such-date", "/events/digital-drop-in?date=2030-03-19"},
		{"event-series-cancelled-date", "/events/digital-drop-in?date=2030-03-26"},
		{"event-all-day", "/events/alexandra-park-festival"},
		{"event-other-zone", "/events/online-book-club"},
		{"event-ongoing", "/events/moss-side-story-trail"},
		{"guides", "/guides"},
		{"guide", "/guides/running-a-repair-cafe"},
		{"case-studies", "/case-studies"},
		{"case-study", "/case-studies/tablet-lending-at-the-library"},
		{"places", "/places"},
		{"place", "/places/moss-side-library"},
		{"topics", "/topics"},
		{"topic", "/topics/repair"},
		{"topic-old-address", "/tags/repair?from=feed"},
		{"search", "/search?q=repair"},
		{"search-empty", "/search?q=zzzz"},
		{"commons", "/commons"},
		{"404", "/no/such/page"},
		{"theme-css", "/theme.css"},
	} {
		g.http("public/"+c.name, http.MethodGet, c.path, nil, "")
	}
	// The commons item page, by the id the golden hub gave the peer's event.
	gh.api(http.MethodGet, "/commons?kind=event", nil, &commons)
	if len(commons.Items) != 1 {
		t.Fatalf("the peer's event: %+v", commons.Items)
	}
	g.http("public/commons-item", http.MethodGet, fmt.Sprintf("/commons/%d", commons.Items[0].ID), nil, "")

	// Feeds.
	for _, c := range []struct{ name, path string }{
		{"calendar", "/calendar.ics"},
		{"calendar-event", "/events/digital-drop-in/calendar.ics"},
		{"calendar-topic", "/topics/outdoors/calendar.ics"},
		{"calendar-place", "/places/moss-side-library/calendar.ics"},
		{"atom", "/feed.atom"},
	} {
		g.http("feeds/"+c.name, http.MethodGet, c.path, nil, "")
	}

	// The fediverse side.
	as := map[string]string{"Accept": "application/activity+json"}
	for _, c := range []struct {
		name, path string
		hdr        map[string]string
	}{
		{"webfinger", "/.well-known/webfinger?resource=" + url.QueryEscape("acct:mossside@"+gh.host()), nil},
		{"webfinger-unknown", "/.well-known/webfinger?resource=acct:nobody@" + gh.host(), nil},
		{"host-meta", "/.well-known/host-meta", nil},
		{"nodeinfo-index", "/.well-known/nodeinfo", nil},
		{"nodeinfo-2.0", "/nodeinfo/2.0", nil},
		{"nodeinfo-2.1", "/nodeinfo/2.1", nil},
		{"actor", "/actor", as},
		{"actor-html", "/actor", map[string]string{"Accept": "text/html"}},
		{"outbox", "/actor/outbox", as},
		{"outbox-page-1", "/actor/outbox?page=1", as},
		{"followers", "/actor/followers", as},
		{"followers-page-1", "/actor/followers?page=1", as},
		{"following", "/actor/following", as},
		{"object-event", "/events/repair-cafe-skills-swap", as},
		{"object-event-occurrence", "/events/digital-drop-in?date=2030-04-02", as},
		{"object-event-cancelled-occurrence", "/events/digital-drop-in?date=2030-03-26", as},
		{"object-event-no-such-date", "/events/digital-drop-in?date=2030-03-19", as},
		{"object-event-bad-date", "/events/digital-drop-in?date=next-tuesday", as},
		{"object-event-all-day", "/events/alexandra-park-festival", as},
		{"object-event-other-zone", "/events/online-book-club", as},
		{"object-guide", "/guides/running-a-repair-cafe", as},
		{"object-case-study", "/case-studies/tablet-lending-at-the-library", as},
		{"object-ld-json", "/guides/getting-started-online", map[string]string{"Accept": `application/ld+json; profile="https://www.w3.org/ns/activitystreams"`}},
		{"object-not-found", "/events/no-such-event", as},
	} {
		g.http("federation/"+c.name, http.MethodGet, c.path, c.hdr, "")
	}

	// The API, with the token the CLI made.
	bearer := map[string]string{"Authorization": "Bearer " + tok.Secret}
	ids := goldenIDs(t, gh)
	for _, c := range []struct{ name, path string }{
		{"me", "/me"},
		{"events", "/events"},
		{"event", fmt.Sprintf("/events/%d", ids["event"])},
		{"event-series", fmt.Sprintf("/events/%d", ids["series"])},
		{"occurrences", "/occurrences?from=2030-03-01&to=2030-04-30"},
		{"guides", "/guides"},
		{"guide", fmt.Sprintf("/guides/%d", ids["guide"])},
		{"guide-revisions", fmt.Sprintf("/guides/%d/revisions", ids["guide"])},
		{"case-studies", "/case-studies"},
		{"case-study", fmt.Sprintf("/case-studies/%d", ids["case-study"])},
		{"places", "/places"},
		{"place", fmt.Sprintf("/places/%d", ids["place"])},
		{"topics", "/topics"},
		{"topic", "/topics/repair"},
		{"topics-old-path", "/tags"},
		{"settings", "/settings"},
		{"organisers", "/organisers"},
		{"tokens", "/tokens"},
		{"peers", "/peers"},
		{"commons", "/commons"},
		{"blocks", "/blocks"},
		{"event-not-found", "/events/999999"},
		{"no-such-endpoint", "/no-such-endpoint"},
	} {
		g.http("api/"+c.name, http.MethodGet, "/api/v1"+c.path, bearer, "")
	}
	g.http("api/event-invalid", http.MethodPost, "/api/v1/events", map[string]string{"Authorization": "Bearer " + tok.Secret, "Content-Type": "application/json"},
		`{"title":"Backwards","time_zone":"Europe/London","start":"2030-05-01T12:00","end":"2030-05-01T11:00"}`)
	g.http("api/no-token", http.MethodGet, "/api/v1/events", nil, "")

	// The organiser pages, logged in through the login form.
	g.http("admin/not-logged-in", http.MethodGet, "/admin/events", nil, "")
	cookie := g.login()
	session := map[string]string{"Cookie": cookie}
	// The Accept of the peer's follow is delivered by the hub's queue:
	// wait until the hub has recorded it, so that the federation pages
	// show no delivery waiting.
	within(t, 10*time.Second, "the golden hub's deliveries to finish", func() bool {
		req, _ := http.NewRequest(http.MethodGet, g.base+"/admin/federation", nil)
		req.Header.Set("Cookie", cookie)
		_, b := testkit.Send(t, noRedirects, req)
		return strings.Contains(string(b), "Nothing is waiting to be delivered.")
	})
	for _, c := range []struct{ name, path string }{
		{"dashboard", "/admin"},
		{"events", "/admin/events"},
		{"event-edit", fmt.Sprintf("/admin/events/%d/edit", ids["event"])},
		{"event-edit-series", fmt.Sprintf("/admin/events/%d/edit", ids["series"])},
		{"event-status", fmt.Sprintf("/admin/events/%d/status", ids["series"])},
		{"guides", "/admin/guides"},
		{"guide-edit", fmt.Sprintf("/admin/guides/%d/edit", ids["guide"])},
		{"guide-revisions", fmt.Sprintf("/admin/guides/%d/revisions", ids["guide"])},
		{"case-studies", "/admin/case-studies"},
		{"case-study-edit", fmt.Sprintf("/admin/case-studies/%d/edit", ids["case-study"])},
		{"places", "/admin/places"},
		{"place-edit", fmt.Sprintf("/admin/places/%d/edit", ids["place"])},
		{"topics", "/admin/topics"},
		{"settings", "/admin/settings"},
		{"organisers", "/admin/organisers"},
		{"account", "/admin/account"},
		{"tokens", "/admin/tokens"},
		{"federation", "/admin/federation"},
		{"commons", "/admin/commons"},
		{"calendars", "/admin/calendars"},
	} {
		g.http("admin/"+c.name, http.MethodGet, c.path, session, "")
	}

	// Organiser forms posted with the session's CSRF token, none of which
	// saves anything: a preview, a refusal with field errors, and the same
	// form without the token.
	resp := g.http("admin/event-new", http.MethodGet, "/admin/events/new", session, "")
	page, _ := io.ReadAll(resp.Body)
	token := csrfField.FindSubmatch(page)
	if token == nil {
		t.Fatalf("no CSRF token in the new event form:\n%s", page)
	}
	event := url.Values{
		"csrf": {string(token[1])}, "title": {"Seed swap"}, "description": {"Bring **seeds**; take seeds.\n\n- beans\n- kale"},
		"start_date": {"2030-05-04"}, "start_time": {"11:00"}, "end_date": {"2030-05-04"}, "end_time": {"13:00"},
		"timezone": {"Europe/London"}, "repeat": {""}, "place_id": {"1"}, "repeat_end": {"never"}, "repeat_interval": {"1"},
		"tags": {"gardening"},
	}
	form := map[string]string{"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie}
	preview := cloneValues(event)
	preview.Set("action", "preview")
	g.http("admin/event-preview", http.MethodPost, "/admin/events/new", form, preview.Encode())
	invalid := cloneValues(event)
	invalid.Set("action", "save")
	invalid.Set("end_time", "10:00")
	g.http("admin/event-invalid", http.MethodPost, "/admin/events/new", form, invalid.Encode())
	noToken := cloneValues(event)
	noToken.Set("action", "save")
	noToken.Del("csrf")
	g.http("admin/event-without-csrf", http.MethodPost, "/admin/events/new", form, noToken.Encode())

	// The command line: --json, and the text a host reads. Lists with a
	// column of today's dates are kept as JSON only: their columns are as
	// wide as "4 Dec 2026" on some days and "14 Dec 2026" on others, which
	// moves their headings.
	jsonOnly := map[string]bool{"guides": true, "guide-revisions": true, "case-studies": true, "organisers": true, "tokens": true}
	var commands []cliCapture
	for _, c := range []cliCapture{
		{"events", []string{"event", "list"}},
		{"events-tag", []string{"event", "list", "--tag", "outdoors"}},
		{"occurrences", []string{"event", "list", "--occurrences"}},
		{"occurrences-march-april-2030", []string{"event", "list", "--occurrences", "--from", "2030-03-01", "--to", "2030-04-30"}},
		{"event", []string{"event", "show", "repair-cafe-skills-swap"}},
		{"event-series", []string{"event", "show", "digital-drop-in"}},
		{"event-all-day", []string{"event", "show", "alexandra-park-festival"}},
		{"event-other-zone", []string{"event", "show", "online-book-club"}},
		{"guides", []string{"guide", "list"}},
		{"guide", []string{"guide", "show", "running-a-repair-cafe"}},
		{"guide-revisions", []string{"guide", "revisions", "running-a-repair-cafe"}},
		{"guide-revision-1", []string{"guide", "show", "running-a-repair-cafe", "--revision", "1"}},
		{"case-studies", []string{"case-study", "list"}},
		{"case-study", []string{"case-study", "show", "tablet-lending-at-the-library"}},
		{"places", []string{"place", "list"}},
		{"place", []string{"place", "show", "moss-side-library"}},
		{"topics", []string{"topic", "list"}},
		{"topic", []string{"topic", "show", "repair"}},
		{"organisers", []string{"organiser", "list"}},
		{"tokens", []string{"token", "list"}},
		{"settings", []string{"settings", "show"}},
		{"peers", []string{"peer", "list"}},
		{"commons", []string{"commons", "list"}},
		{"blocks", []string{"block", "list"}},
		{"calendars", []string{"calendar", "list"}},
		{"event-not-found", []string{"event", "show", "no-such-event"}},
	} {
		commands = append(commands, cliCapture{"cli/" + c.name + ".json", append(c.args, "--json")})
		if !jsonOnly[c.name] {
			commands = append(commands, cliCapture{"cli/" + c.name + ".text", c.args})
		}
	}
	g.cli(h, commands)

	g.finish()
	t.Logf("TestGolden: %d captures in %v", len(g.files), time.Since(started).Round(time.Millisecond))
}

// nextSecond waits for the clock's next whole second. Items are stored
// with their creation time to the second, and lists that mix kinds (the
// Atom feed, the commons) order items made in the same second by kind and
// number rather than by when they were made: what is made after this is
// strictly newer than what was made before, whatever the timing.
func nextSecond() {
	time.Sleep(time.Until(time.Now().Truncate(time.Second).Add(time.Second)))
}

// goldenPassword is the golden hub's admin password.
const goldenPassword = "golden admin password"

// goldenIDs finds the ids of the items the organiser pages and the API
// address by id.
func goldenIDs(t *testing.T, h *commonsHub) map[string]int64 {
	t.Helper()
	type item struct {
		ID   int64
		Slug string
	}
	var events, guides, studies, places struct{ Items []item }
	h.api(http.MethodGet, "/events", nil, &events)
	h.api(http.MethodGet, "/guides", nil, &guides)
	h.api(http.MethodGet, "/case-studies", nil, &studies)
	h.api(http.MethodGet, "/places", nil, &places)
	find := func(items []item, slug string) int64 {
		for _, it := range items {
			if it.Slug == slug {
				return it.ID
			}
		}
		t.Fatalf("no item %q in %+v", slug, items)
		return 0
	}
	return map[string]int64{
		"event":      find(events.Items, "repair-cafe-skills-swap"),
		"series":     find(events.Items, "digital-drop-in"),
		"guide":      find(guides.Items, "running-a-repair-cafe"),
		"case-study": find(studies.Items, "tablet-lending-at-the-library"),
		"place":      find(places.Items, "moss-side-library"),
	}
}

// goldenRun captures answers, normalises them and compares them with (or
// writes them to) the golden files.
type goldenRun struct {
	t      *testing.T
	norm   *goldenNormaliser
	base   string          // the golden hub's URL, http://localhost:PORT
	files  map[string]bool // captured so far
	failed int
}

// noRedirects is a client that shows redirects rather than following them,
// never uses a proxy, and asks for no compression, so that the bytes are
// the server's.
var noRedirects = &http.Client{
	Transport: &http.Transport{Proxy: nil, DisableCompression: true},
	CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	},
	Timeout: 20 * time.Second,
}

// skippedHeaders are left out of the golden files: Date is the clock and
// Content-Length follows from the body, which is compared.
var skippedHeaders = map[string]bool{"Date": true, "Content-Length": true}

// http makes one request to the golden hub and checks the answer.
func (g *goldenRun) http(name, method, path string, hdr map[string]string, body string) *http.Response {
	g.t.Helper()
	req, err := http.NewRequest(method, g.base+path, strings.NewReader(body))
	if err != nil {
		g.t.Fatal(err)
	}
	var names []string
	for k, v := range hdr {
		req.Header.Set(k, v)
		names = append(names, k)
	}
	sort.Strings(names)
	resp, err := noRedirects.Do(req)
	if err != nil {
		g.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	respBody, err := io.ReadAll(resp.Body)
	if err != nil {
		g.t.Fatalf("%s %s: %v", method, path, err)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s\n", method, path)
	for _, k := range names {
		v := hdr[k]
		switch k {
		case "Authorization":
			v = "Bearer {{API_TOKEN}}"
		case "Cookie":
			v = "{{SESSION_COOKIE}}"
		}
		fmt.Fprintf(&b, "%s: %s\n", k, v)
	}
	if body != "" {
		fmt.Fprintf(&b, "\n%s\n", body)
	}
	fmt.Fprintf(&b, "\n%s\n", resp.Status)
	var keys []string
	for k := range resp.Header {
		if !skippedHeaders[k] {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		for _, v := range resp.Header[k] {
			fmt.Fprintf(&b, "%s: %s\n", k, v)
		}
	}
	b.WriteString("\n")
	b.Write(respBody)
	g.check(name, b.String())
	resp.Body = io.NopCloser(bytes.NewReader(respBody))
	return resp
}

// cloneValues copies form values.
func cloneValues(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}

// cliCapture is a command to run on the golden hub's data folder.
type cliCapture struct {
	name string
	args []string
}

// cli runs commands on the golden hub's data folder, a few at a time (they
// only read), and checks their output.
func (g *goldenRun) cli(h *hubDir, commands []cliCapture) {
	g.t.Helper()
	dir := g.t.TempDir()
	results := make([]result, len(commands))
	errs := make([]error, len(commands))
	sem := make(chan struct{}, 4)
	var wg sync.WaitGroup
	for i, c := range commands {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			results[i], errs[i] = runQuietly(dir, h.env, append(c.args, "--data", h.data)...)
		}()
	}
	wg.Wait()
	for i, c := range commands {
		if errs[i] != nil {
			g.t.Fatalf("commonplace %s: %v", strings.Join(c.args, " "), errs[i])
		}
		r := results[i]
		var b strings.Builder
		fmt.Fprintf(&b, "$ commonplace %s\nexit %d\n\n%s", strings.Join(c.args, " "), r.code, r.stdout)
		if r.stderr != "" {
			fmt.Fprintf(&b, "\n-- stderr --\n%s", r.stderr)
		}
		g.check(c.name, b.String())
	}
}

// runQuietly is runCLI for other goroutines than the test's: it returns
// an error rather than failing the test.
func runQuietly(dir string, env []string, args ...string) (result, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary, args...)
	cmd.Dir = dir
	cmd.Env = cliEnv(env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	if exitErr, ok := err.(*exec.ExitError); ok {
		code, err = exitErr.ExitCode(), nil
	}
	return result{stdout: stdout.String(), stderr: stderr.String(), code: code}, err
}

// login logs in through the login form, as a browser would, and returns
// the session cookie to send.
func (g *goldenRun) login() string {
	g.t.Helper()
	resp := g.http("admin/login-form", http.MethodGet, "/admin/login?next=%2Fadmin", nil, "")
	page, _ := io.ReadAll(resp.Body)
	m := loginForm.FindSubmatch(page)
	if m == nil {
		g.t.Fatalf("no login form on /admin/login:\n%s", page)
	}
	// The form's own hidden fields (where to go next, and a CSRF token if
	// the form has one), then what the organiser types.
	form := url.Values{}
	for _, h := range hiddenInput.FindAllSubmatch(m[2], -1) {
		form.Set(html.UnescapeString(string(h[1])), html.UnescapeString(string(h[2])))
	}
	form.Set("email", "ada@example.org")
	form.Set("password", goldenPassword)
	resp = g.http("admin/login", http.MethodPost, html.UnescapeString(string(m[1])),
		map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, form.Encode())
	if resp.StatusCode != http.StatusSeeOther {
		g.t.Fatalf("login: %s", resp.Status)
	}
	for _, c := range resp.Cookies() {
		if c.Name == "commonplace_session" {
			return c.Name + "=" + c.Value
		}
	}
	g.t.Fatalf("login set no session cookie: %v", resp.Header)
	return ""
}

var (
	loginForm   = regexp.MustCompile(`(?s)<form method="post" action="([^"]+)">(.*?)</form>`)
	hiddenInput = regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)">`)
)

// check normalises got and compares it with the golden file name, or
// writes it there with -update-golden.
func (g *goldenRun) check(name, got string) {
	g.t.Helper()
	file := filepath.FromSlash(name) + ".golden"
	if g.files[file] {
		g.t.Fatalf("two captures named %s", name)
	}
	g.files[file] = true
	got = g.norm.normalise(got)
	path := filepath.Join(goldenDir, file)
	if *updateGolden {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			g.t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			g.t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		g.failed++
		g.t.Errorf("%s: no golden file (%v); run go test -tags sqlite_fts5 ./cmd/commonplace -run TestGolden -args -update-golden", path, err)
		return
	}
	if string(want) != got {
		g.failed++
		g.t.Errorf("%s differs from the golden file:\n%s", path, shortDiff(string(want), got))
	}
}

// finish reports golden files no capture made (a capture renamed or
// dropped), or removes them with -update-golden.
func (g *goldenRun) finish() {
	g.t.Helper()
	filepath.WalkDir(goldenDir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(goldenDir, path)
		if g.files[rel] || rel == "README.md" {
			return nil
		}
		if *updateGolden {
			return os.Remove(path)
		}
		g.t.Errorf("%s: no capture makes this golden file; remove it, or run with -update-golden", path)
		return nil
	})
	if g.failed > 0 {
		g.t.Logf("%d golden files differ; if the changes are intended: go test -tags sqlite_fts5 ./cmd/commonplace -run TestGolden -args -update-golden", g.failed)
	}
}

// shortDiff shows where two texts first differ: a few lines of context,
// then up to 12 lines of each side, "-" the golden file, "+" this run.
// Long lines (minified JSON) are cut to the part around the first
// difference.
func shortDiff(want, got string) string {
	w, gt := strings.Split(want, "\n"), strings.Split(got, "\n")
	i := 0
	for i < len(w) && i < len(gt) && w[i] == gt[i] {
		i++
	}
	// Skip the common tail too, so that a changed line shows alone.
	jw, jg := len(w), len(gt)
	for jw > i && jg > i && w[jw-1] == gt[jg-1] {
		jw, jg = jw-1, jg-1
	}
	col := 0 // where the first differing lines part
	if i < len(w) && i < len(gt) {
		for col < len(w[i]) && col < len(gt[i]) && w[i][col] == gt[i][col] {
			col++
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "@@ line %d, column %d @@\n", i+1, col+1)
	for k := max(0, i-3); k < i; k++ {
		fmt.Fprintf(&b, "  %s\n", clip(w[k], 0))
	}
	show := func(sign string, lines []string) {
		for k, l := range lines {
			if k == 12 {
				fmt.Fprintf(&b, "%s ... %d more lines\n", sign, len(lines)-k)
				break
			}
			fmt.Fprintf(&b, "%s %s\n", sign, clip(l, col))
		}
	}
	show("-", w[i:jw])
	show("+", gt[i:jg])
	return b.String()
}

// clip cuts a line longer than 240 bytes to 240 around byte col.
func clip(s string, col int) string {
	const width = 240
	if len(s) <= width {
		return s
	}
	from := max(0, min(col-width/3, len(s)-width))
	to := from + width
	for from > 0 && !utf8.RuneStart(s[from]) { // whole characters only
		from--
	}
	for to < len(s) && !utf8.RuneStart(s[to]) {
		to++
	}
	out := s[from:to]
	if from > 0 {
		out = "…" + out
	}
	if to < len(s) {
		out += "…"
	}
	return out
}

// goldenNormaliser replaces what legitimately differs from run to run with
// placeholders. Each rule is as narrow as it can be, so that a refactoring
// that changes anything else (paths, field names, order, markup) shows.
type goldenNormaliser struct {
	started time.Time
	zone    *time.Location // the hub's time zone
	ports   []portRule
}

type portRule struct {
	re          *regexp.Regexp
	placeholder string
}

func newGoldenNormaliser(started time.Time, zone string, ports map[string]string) (*goldenNormaliser, error) {
	loc, err := time.LoadLocation(zone)
	if err != nil {
		return nil, err
	}
	n := &goldenNormaliser{started: started, zone: loc}
	var addrs []string
	for a := range ports {
		addrs = append(addrs, a)
	}
	sort.Strings(addrs)
	for _, addr := range addrs {
		_, port, err := net.SplitHostPort(addr)
		if err != nil {
			return nil, err
		}
		placeholder := ports[addr]
		if len(port) != len(placeholder) {
			// The placeholder has the port's length, so that iCalendar
			// lines still fold where they did; Linux and macOS give
			// five-digit ports.
			return nil, fmt.Errorf("port %s is not %d digits long: the golden files need five-digit ports (ip_local_port_range)", port, len(placeholder))
		}
		// The hubs serve on ports the system picks, and their public URLs
		// are http://localhost:PORT, so the port is in every link, handle
		// and IRI, also percent-encoded (localhost%3a41234). Only the
		// digits are replaced, keeping any iCalendar line fold ("\r\n ")
		// that falls between them.
		var pat strings.Builder
		pat.WriteString(`(localhost|127\.0\.0\.1)(:|%3[aA])`)
		for i, d := range port {
			if i > 0 {
				pat.WriteString(`(?:\r\n )?`)
			}
			pat.WriteRune(d)
		}
		pat.WriteString(`\b`)
		n.ports = append(n.ports, portRule{regexp.MustCompile(pat.String()), placeholder})
	}
	return n, nil
}

// Patterns for what is random or follows the clock.
var (
	// The actor's RSA key is made on the hub's first start (in JSON its
	// newlines are \n escapes).
	publicKeyPEM = regexp.MustCompile(`-----BEGIN PUBLIC KEY-----(?:\\n|\n)[A-Za-z0-9+/=\\n\n]+?-----END PUBLIC KEY-----(?:\\n|\n)?`)
	// Activity ids end in 16 random bytes in hex.
	activityID = regexp.MustCompile(`/activities/[0-9a-f]{32}\b`)
	// Organiser forms carry the session's random CSRF token (24 random
	// bytes, base64url).
	csrfValue = regexp.MustCompile(`(name="csrf" value=")[A-Za-z0-9_-]{32}(")`)
	// The session cookie's value is a random token (32 bytes, base64url).
	sessionValue = regexp.MustCompile(`(commonplace_session=)[A-Za-z0-9_-]{43};`)
	// The same token in a form the test posts.
	csrfParam = regexp.MustCompile(`\bcsrf=[A-Za-z0-9_-]{32}`)
	// API token secrets are "cp_" and 32 random bytes, base64url.
	tokenSecret = regexp.MustCompile(`\bcp_[A-Za-z0-9_-]{43}`)
	// ETags are hashes of bodies that hold the clock's time.
	etagHeader = regexp.MustCompile(`(?m)^(Etag: )(W/)?"[^"]*"$`)

	// Timestamps, each replaced only when it is a time during this run
	// (isNow), so that the content's fixed dates stay:
	// RFC 3339 (JSON, Atom, JSON-LD, <time datetime>), with an optional
	// fraction and an offset that html/template writes as &#43;.
	rfc3339Stamp = regexp.MustCompile(`\b\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d|&#43;\d\d:\d\d)?`)
	// iCalendar's UTC date-times (DTSTAMP, CREATED, LAST-MODIFIED).
	icalStamp = regexp.MustCompile(`\b\d{8}T\d{6}Z\b`)
	// HTTP dates (Last-Modified).
	httpDate = regexp.MustCompile(`\b(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d\d:\d\d:\d\d GMT`)
	// Dates for people: "Friday 4 December 2026", "Fri 4 Dec 2026" (pages)
	// and "4 Dec 2026" (the command line), optionally followed by a clock
	// reading: "4:44pm", "at 4pm", "16:44".
	humanDate = regexp.MustCompile(`\b(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]* )?\d{1,2} (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]* \d{4}\b(?:( at)? (\d{1,2}(?::\d\d)?[ap]m|\d\d:\d\d)\b)?`)
	// ISO dates in the places where pages compute them from today: the
	// default dates of a new event's form, the calendar page's "earlier"
	// and "later" links (from=, to=, percent-encoded or not) and the Atom
	// entries' tag: ids (the day the item was made). Elsewhere an ISO date
	// is left alone: the theme's hints quote fixed dates ("2026-12-01").
	isoDateInContext = regexp.MustCompile(`(type="date" value="|(?:from|to)(?:=|%3[dD])|\btag:[^,\s]+,)(\d{4}-\d\d-\d\d)\b`)
	// A VTIMEZONE's observances start in the first year it covers, which
	// for the hub's own zone is two years before this one (a calendar
	// covers from a year ago): DTSTART with neither TZID nor Z is only
	// found there.
	vtimezoneStart = regexp.MustCompile(`(?m)^(DTSTART:)(\d{4})(\d{4})(T\d{6}\r?)$`)
)

// normalise applies every rule to s.
func (n *goldenNormaliser) normalise(s string) string {
	for _, p := range n.ports {
		s = p.re.ReplaceAllStringFunc(s, func(m string) string {
			sep := p.re.FindStringSubmatchIndex(m)[5] // the end of ":" or "%3a"
			digits := m[sep:]
			var out strings.Builder
			out.WriteString(m[:sep])
			k := 0
			for i := 0; i < len(digits); i++ {
				if c := digits[i]; c >= '0' && c <= '9' {
					out.WriteByte(p.placeholder[k])
					k++
				} else {
					out.WriteByte(c) // a fold
				}
			}
			return out.String()
		})
	}
	s = publicKeyPEM.ReplaceAllString(s, "{{PUBLIC_KEY_PEM}}")
	s = activityID.ReplaceAllString(s, "/activities/{{RANDOM_ID}}")
	s = csrfValue.ReplaceAllString(s, "${1}{{CSRF}}${2}")
	s = csrfParam.ReplaceAllString(s, "csrf={{CSRF}}")
	s = sessionValue.ReplaceAllString(s, "${1}{{SESSION}};")
	s = tokenSecret.ReplaceAllString(s, "{{API_TOKEN}}")
	s = etagHeader.ReplaceAllString(s, `${1}${2}"{{HASH}}"`)

	s = rfc3339Stamp.ReplaceAllStringFunc(s, func(m string) string {
		v := strings.Replace(m, "&#43;", "+", 1)
		for _, layout := range []string{time.RFC3339Nano, "2006-01-02 15:04:05.999999999Z07:00", "2006-01-02T15:04:05.999999999", "2006-01-02 15:04:05.999999999"} {
			if t, err := time.Parse(layout, v); err == nil {
				if n.isNow(t, time.Second) {
					return "{{NOW}}"
				}
				return m
			}
		}
		return m
	})
	s = icalStamp.ReplaceAllStringFunc(s, func(m string) string {
		if t, err := time.Parse("20060102T150405Z", m); err == nil && n.isNow(t, time.Second) {
			return "{{NOW}}"
		}
		return m
	})
	s = httpDate.ReplaceAllStringFunc(s, func(m string) string {
		if t, err := http.ParseTime(m); err == nil && n.isNow(t, time.Second) {
			return "{{NOW}}"
		}
		return m
	})
	s = humanDate.ReplaceAllStringFunc(s, func(m string) string {
		sub := humanDate.FindStringSubmatchIndex(m)
		date, at, clock := m, "", ""
		if sub[4] >= 0 { // a clock reading follows the date
			clock = m[sub[4]:sub[5]]
			if sub[2] >= 0 {
				at = " at"
			}
			date = strings.TrimSuffix(m, at+" "+clock)
		}
		d, ok := parseHumanDate(date)
		if !ok {
			return m
		}
		token := n.relativeDay(d)
		if token == "" {
			return m
		}
		if clock == "" {
			return token
		}
		// A time of the day: this run's, in UTC or in the hub's zone.
		for _, loc := range []*time.Location{time.UTC, n.zone} {
			for _, layout := range []string{"2006-01-02 3:04pm", "2006-01-02 3pm", "2006-01-02 15:04"} {
				t, err := time.ParseInLocation(layout, d.Format("2006-01-02")+" "+clock, loc)
				if err == nil && n.isNow(t, time.Minute) {
					return token + at + " {{CLOCK}}"
				}
			}
		}
		return token + at + " " + clock
	})
	s = isoDateInContext.ReplaceAllStringFunc(s, func(m string) string {
		sub := isoDateInContext.FindStringSubmatch(m)
		d, err := time.Parse("2006-01-02", sub[2])
		if err != nil {
			return m
		}
		// The calendar page's links count days from today in the hub's
		// zone, whatever the date in UTC.
		strict := strings.HasPrefix(sub[1], "from") || strings.HasPrefix(sub[1], "to")
		if token := n.relativeDayIn(d, strict); token != "" {
			return sub[1] + token
		}
		return m
	})
	s = vtimezoneStart.ReplaceAllStringFunc(s, func(m string) string {
		sub := vtimezoneStart.FindStringSubmatch(m)
		for _, t := range []time.Time{n.started, time.Now()} {
			if y, _ := strconv.Atoi(sub[2]); y == t.UTC().Year()-2 || y == t.In(n.zone).Year()-2 {
				return sub[1] + "{{YEAR-2}}MMDD" + sub[4]
			}
		}
		return m
	})
	return s
}

// isNow reports whether t is a time during this run, give or take the
// precision it was written with.
func (n *goldenNormaliser) isNow(t time.Time, precision time.Duration) bool {
	return !t.Before(n.started.Add(-precision-time.Second)) && !t.After(time.Now().Add(precision+time.Second))
}

// relativeDay names a date near today: {{TODAY}} for a day this run
// happened on, in UTC (stored times) or in the hub's zone (what pages call
// today), and {{TODAY+N}} or {{TODAY-N}} for a date N days from today in
// the hub's zone, up to 100 days away; "" for other dates, such as the
// content's, which stay as they are.
func (n *goldenNormaliser) relativeDay(d time.Time) string { return n.relativeDayIn(d, false) }

// relativeDayIn is relativeDay, counting only in the hub's zone if strict.
func (n *goldenNormaliser) relativeDayIn(d time.Time, strict bool) string {
	day := d.Format("2006-01-02")
	for _, t := range []time.Time{n.started, time.Now()} {
		if !strict && day == t.UTC().Format("2006-01-02") || day == t.In(n.zone).Format("2006-01-02") {
			return "{{TODAY}}"
		}
	}
	y, m, dd := time.Now().In(n.zone).Date()
	today := time.Date(y, m, dd, 0, 0, 0, 0, time.UTC)
	days := int(d.Sub(today).Round(24*time.Hour) / (24 * time.Hour))
	switch {
	case days > 100 || days < -100:
		return ""
	case days >= 0:
		return fmt.Sprintf("{{TODAY+%d}}", days)
	default:
		return fmt.Sprintf("{{TODAY%d}}", days)
	}
}

// parseHumanDate reads a date in one of the forms the hub writes for
// people, only when it reads back the same (a right weekday).
func parseHumanDate(s string) (time.Time, bool) {
	for _, layout := range []string{"Monday 2 January 2006", "Mon 2 Jan 2006", "2 January 2006", "2 Jan 2006"} {
		if t, err := time.Parse(layout, s); err == nil && t.Format(layout) == s {
			return t, true
		}
	}
	return time.Time{}, false
}
