package main

import (
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/commonplace-hub/commonplace/hub"
	"github.com/commonplace-hub/commonplace/hub/apijson"
)

func TestOrganisersAndTokens(t *testing.T) {
	h := newHubDir(t)

	// The first organiser is an admin even when asked for an editor, and
	// gets a generated password.
	out := h.ok("organiser", "add", "--email", "Sam@Example.org", "--name", "Sam Patel")
	if !strings.Contains(out, "Added admin Sam Patel <sam@example.org>") {
		t.Errorf("first organiser output:\n%s", out)
	}
	pw := regexp.MustCompile(`(?m)^Password: (\S+)$`).FindStringSubmatch(out)
	if pw == nil {
		t.Fatalf("no generated password printed:\n%s", out)
	}
	checkLogin(t, h.data, "sam@example.org", pw[1])

	var added struct {
		apijson.Organiser
		Password string
	}
	h.okJSON(&added, "organiser", "add", "--email", "jo@example.org", "--name", "Jo Lee", "--password", "a long enough password")
	if added.Role != hub.RoleEditor || added.ID == 0 || added.Password != "" {
		t.Errorf("second organiser = %+v", added)
	}
	r := runCLI(t, t.TempDir(), nil, "piped password here\n", "organiser", "password", "--email", "jo@example.org", "--password-stdin", "--data", h.data)
	if r.code != 0 {
		t.Fatalf("password from stdin: %d %s", r.code, r.stderr)
	}
	checkLogin(t, h.data, "jo@example.org", "piped password here")

	stderr := h.fail(1, "organiser", "add", "--email", "not-an-email", "--name", "", "--password", "short")
	for _, want := range []string{"  email: Enter an email address", "  name: Name is required.", "  password: Use at least 10 characters"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("invalid organiser: stderr lacks %q:\n%s", want, stderr)
		}
	}

	var list []map[string]any
	h.okJSON(&list, "organiser", "list")
	if len(list) != 2 {
		t.Fatalf("organiser list has %d, want 2", len(list))
	}
	for _, o := range list {
		if _, ok := o["PasswordHash"]; ok {
			t.Error("organiser list --json shows password hashes")
		}
	}

	var created apijson.Token
	h.okJSON(&created, "token", "create", "--email", "jo@example.org", "--name", "calendar sync")
	if !strings.HasPrefix(created.Secret, hub.APITokenPrefix) || created.OrganiserID == 0 {
		t.Errorf("token create = %+v", created)
	}
	if out := h.ok("token", "list"); !strings.Contains(out, "calendar sync") || strings.Contains(out, created.Secret) {
		t.Errorf("token list:\n%s", out)
	}
	h.ok("token", "revoke", itoa64(created.ID))
	var tokens []apijson.Token
	h.okJSON(&tokens, "token", "list")
	if len(tokens) != 0 {
		t.Errorf("%d tokens after revoking the only one", len(tokens))
	}
	if stderr := h.fail(1, "token", "revoke", itoa64(created.ID)); !strings.Contains(stderr, "no API token") {
		t.Errorf("revoking twice:\n%s", stderr)
	}
	h.fail(2, "token", "revoke", "abc")

	if stderr := h.fail(1, "organiser", "remove", "--email", "sam@example.org"); !strings.Contains(stderr, "only admin") {
		t.Errorf("removing the last admin:\n%s", stderr)
	}
	if stderr := h.fail(1, "organiser", "edit", "--email", "sam@example.org", "--role", "editor"); !strings.Contains(stderr, "only admin") {
		t.Errorf("demoting the last admin:\n%s", stderr)
	}
	var jo apijson.Organiser
	h.okJSON(&jo, "organiser", "edit", "--email", "jo@example.org", "--name", "Joanna Lee", "--new-email", "joanna@example.org", "--role", "admin")
	if jo.Name != "Joanna Lee" || jo.Email != "joanna@example.org" || jo.Role != hub.RoleAdmin {
		t.Errorf("edited organiser = %+v", jo)
	}
	h.ok("organiser", "edit", "--email", "joanna@example.org", "--new-email", "jo@example.org", "--role", "editor")
	h.ok("organiser", "remove", "--email", "jo@example.org")
	if stderr := h.fail(1, "organiser", "remove", "--email", "jo@example.org"); !strings.Contains(stderr, "No organiser has the email jo@example.org") {
		t.Errorf("removing twice:\n%s", stderr)
	}
}

func itoa64(n int64) string { return strconv.FormatInt(n, 10) }

func TestEventCommands(t *testing.T) {
	h := newHubDir(t)
	london, _ := time.LoadLocation("Europe/London")

	var ev apijson.Event
	h.okJSON(&ev, "event", "add",
		"--title", "Digital drop-in",
		"--start", "2026-12-01 10:00", "--end", "2026-12-01T12:00",
		"--repeat", "FREQ=WEEKLY;BYDAY=TU", "--except", "2026-12-22,2026-12-29",
		"--place-name", "Stretford Road Library", "--address", "300 Stretford Road", "--postcode", "M15 5TQ",
		"--tags", "Digital skills, age friendly",
		"--accessibility", "Lift to the first floor",
		"--booking-url", "https://example.org/book",
		"--description", "Bring your phone.")
	if ev.Slug != "digital-drop-in" || ev.TimeZone != "Europe/London" || !apiTime(t, ev.Start).Equal(time.Date(2026, 12, 1, 10, 0, 0, 0, london)) ||
		!apiTime(t, ev.End).Equal(time.Date(2026, 12, 1, 12, 0, 0, 0, london)) || ev.Place == nil || ev.PlaceID == 0 || len(ev.Exceptions) != 2 || len(ev.Tags) != 2 {
		t.Fatalf("added event = %+v", ev)
	}

	// A second event at the same place, by name: the place is reused.
	h.ok("event", "add", "--title", "Coding club", "--start", "2026-12-03 16:00", "--end", "2026-12-03 17:30", "--place-name", "Stretford Road Library")
	var places []apijson.Place
	h.okJSON(&places, "place", "list")
	if len(places) != 1 {
		t.Errorf("%d places after reusing one by name, want 1", len(places))
	}

	// All-day: --end is the last day, inclusive.
	var fun apijson.Event
	h.okJSON(&fun, "event", "add", "--title", "Fun day", "--all-day", "--start", "2026-07-04", "--end", "2026-07-05", "--tz", "Europe/London")
	if !fun.AllDay || fun.Start != "2026-07-04" || fun.End != "2026-07-05" {
		t.Errorf("all-day event runs %s to %s", fun.Start, fun.End)
	}
	if out := h.ok("event", "show", "fun-day"); !strings.Contains(out, "Sat 4 Jul 2026 to Sun 5 Jul 2026, all day") {
		t.Errorf("all-day event show:\n%s", out)
	}

	var all []apijson.Event
	h.okJSON(&all, "event", "list")
	if len(all) != 3 {
		t.Fatalf("event list has %d, want 3", len(all))
	}
	var tagged []apijson.Event
	h.okJSON(&tagged, "event", "list", "--tag", "digital-skills")
	if len(tagged) != 1 || tagged[0].Slug != "digital-drop-in" {
		t.Errorf("event list --tag digital-skills = %v", slugs(tagged))
	}
	var december []apijson.Occurrence
	h.okJSON(&december, "event", "list", "--occurrences", "--from", "2026-12-01", "--to", "2026-12-31")
	// Tuesdays 1, 8, 15 (22 and 29 are skipped), plus the coding club.
	if len(december) != 4 {
		t.Errorf("December has %d occurrences, want 4", len(december))
	}
	if out := h.ok("event", "list"); !strings.Contains(out, "Every week on Tuesday") || !strings.Contains(out, "Stretford Road Library") {
		t.Errorf("event list text:\n%s", out)
	}
	if out := h.ok("event", "show", "digital-drop-in"); !strings.Contains(out, "Tue 1 Dec 2026 10:00–12:00 (Europe/London)") || !strings.Contains(out, "2026-12-22, 2026-12-29") {
		t.Errorf("event show:\n%s", out)
	}

	// Edit: only the flags given change; moving the start keeps the length.
	var edited apijson.Event
	h.okJSON(&edited, "event", "edit", "digital-drop-in", "--title", "Digital drop-in (new time)", "--start", "2026-12-01 13:00", "--booking-url", "")
	if edited.Slug != "digital-drop-in" || edited.Title != "Digital drop-in (new time)" ||
		!apiTime(t, edited.End).Equal(time.Date(2026, 12, 1, 15, 0, 0, 0, london)) || edited.BookingURL != "" ||
		edited.Accessibility != "Lift to the first floor" || edited.Recurrence == "" || edited.PlaceID != ev.PlaceID {
		t.Errorf("edited event = %+v", edited)
	}
	// Changing only the zone keeps the local times.
	edited = apijson.Event{} // place_id is left out when 0, as the API does
	h.okJSON(&edited, "event", "edit", "digital-drop-in", "--tz", "Europe/Berlin", "--place-slug", "")
	berlin, _ := time.LoadLocation("Europe/Berlin")
	if !apiTime(t, edited.Start).Equal(time.Date(2026, 12, 1, 13, 0, 0, 0, berlin)) || edited.PlaceID != 0 {
		t.Errorf("after changing zone: start %s, place %d", edited.Start, edited.PlaceID)
	}

	h.ok("event", "delete", "coding-club")
	if stderr := h.fail(1, "event", "show", "coding-club"); !strings.Contains(stderr, `There is no event "coding-club"`) {
		t.Errorf("showing a deleted event:\n%s", stderr)
	}
	h.fail(1, "event", "delete", "coding-club")
}

func TestInvalidInputStoresNothing(t *testing.T) {
	h := newHubDir(t)
	cases := []struct {
		name   string
		args   []string
		fields []string
	}{
		{"end before start", []string{"--title", "Meeting", "--start", "2026-12-01 19:00", "--end", "2026-12-01 18:00"},
			[]string{"  end: The end must be after the start."}},
		{"bad URL", []string{"--title", "Meeting", "--start", "2026-12-01 19:00", "--end", "2026-12-01 20:00", "--online-url", "zoom meeting 123"},
			[]string{"  online_url: Enter a full web address"}},
		{"no title, unreadable start", []string{"--start", "1 December", "--end", "2026-12-01 20:00"},
			[]string{"  start: Write the time as YYYY-MM-DD HH:MM", "  title: Title is required."}},
		{"date without time", []string{"--title", "Meeting", "--start", "2026-12-01", "--end", "2026-12-01 20:00"},
			[]string{"  start: Give a time as well"}},
		{"all-day ends before it starts", []string{"--title", "Fair", "--all-day", "--start", "2026-12-05", "--end", "2026-12-04"},
			[]string{"  end: The last day must be on or after the first day."}},
		{"unknown zone", []string{"--title", "Meeting", "--start", "2026-12-01 19:00", "--end", "2026-12-01 20:00", "--tz", "Mars/Olympus"},
			[]string{"  timezone: Choose a time zone"}},
		{"bad rule", []string{"--title", "Meeting", "--start", "2026-12-01 19:00", "--end", "2026-12-01 20:00", "--repeat", "FREQ=HOURLY"},
			[]string{"  recurrence: Events can repeat daily"}},
		{"unknown place", []string{"--title", "Meeting", "--start", "2026-12-01 19:00", "--end", "2026-12-01 20:00", "--place-slug", "nowhere"},
			[]string{`  place_slug: There is no place "nowhere"`}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			stderr := h.fail(1, append([]string{"event", "add"}, tc.args...)...)
			if !strings.HasPrefix(stderr, "Error: ") {
				t.Errorf("stderr does not start with the message:\n%s", stderr)
			}
			for _, want := range tc.fields {
				if !strings.Contains(stderr, want) {
					t.Errorf("stderr lacks %q:\n%s", want, stderr)
				}
			}
		})
	}
	var events []apijson.Event
	h.okJSON(&events, "event", "list")
	if len(events) != 0 {
		t.Errorf("%d events stored from invalid input", len(events))
	}

	// An invalid edit leaves the event as it was.
	h.ok("event", "add", "--title", "Meeting", "--start", "2026-12-01 19:00", "--end", "2026-12-01 20:00")
	h.fail(1, "event", "edit", "meeting", "--title", "Renamed", "--end", "2026-12-01 18:00")
	var ev apijson.Event
	h.okJSON(&ev, "event", "show", "meeting")
	if ev.Title != "Meeting" {
		t.Errorf("title after a failed edit = %q", ev.Title)
	}

	usage := []struct {
		name string
		args []string
	}{
		{"unknown command", []string{"evnt", "list"}},
		{"unknown subcommand", []string{"event", "lst"}},
		{"unknown flag", []string{"event", "list", "--colour"}},
		{"missing argument", []string{"event", "show"}},
		{"extra argument", []string{"event", "list", "extra"}},
		{"both description flags", []string{"event", "add", "--description", "x", "--description-file", "y"}},
		{"bad log level", []string{"event", "list", "--log-level", "loud"}},
	}
	for _, tc := range usage {
		t.Run(tc.name, func(t *testing.T) {
			if stderr := h.fail(2, tc.args...); !strings.Contains(stderr, "commonplace") {
				t.Errorf("usage error without guidance:\n%s", stderr)
			}
		})
	}
}

func TestGuideCommands(t *testing.T) {
	h := newHubDir(t)
	body := filepath.Join(t.TempDir(), "guide.md")
	writeFile(t, body, "## Before you start\n\nBook the room.\n")

	var g apijson.Guide
	h.okJSON(&g, "guide", "add", "--title", "Running a drop-in", "--summary", "How we do it.", "--tags", "digital-skills", "--body-file", body)
	if g.Slug != "running-a-drop-in" || g.Revision != 1 || !strings.Contains(g.Body, "Book the room.") {
		t.Fatalf("added guide = %+v", g)
	}
	h.okJSON(&g, "guide", "edit", "running-a-drop-in", "--body", "## Before you start\n\nBook the room and the tea urn.\n", "--note", "Tea matters")
	if g.Revision != 2 || g.Title != "Running a drop-in" || g.Summary != "How we do it." {
		t.Fatalf("edited guide = %+v", g)
	}

	var revs []apijson.Revision
	h.okJSON(&revs, "guide", "revisions", "running-a-drop-in")
	if len(revs) != 2 || revs[0].Number != 2 || revs[0].Note != "Tea matters" {
		t.Fatalf("revisions = %+v", revs)
	}
	if out := h.ok("guide", "show", "running-a-drop-in", "--revision", "1"); !strings.Contains(out, "Book the room.") || strings.Contains(out, "tea urn") {
		t.Errorf("revision 1:\n%s", out)
	}

	h.okJSON(&g, "guide", "restore", "running-a-drop-in", "1")
	if g.Revision != 3 || strings.Contains(g.Body, "tea urn") {
		t.Errorf("restored guide = %+v", g)
	}
	h.okJSON(&revs, "guide", "revisions", "running-a-drop-in")
	if len(revs) != 3 || !strings.Contains(revs[0].Note, "Restored from revision 1") {
		t.Errorf("revisions after restore = %+v", revs)
	}
	if stderr := h.fail(1, "guide", "restore", "running-a-drop-in", "9"); !strings.Contains(stderr, "no revision 9") {
		t.Errorf("restoring a missing revision:\n%s", stderr)
	}
	if stderr := h.fail(1, "guide", "edit", "running-a-drop-in", "--body", ""); !strings.Contains(stderr, "  body: The guide text is required.") {
		t.Errorf("emptying the body:\n%s", stderr)
	}

	// Body from standard input.
	r := runCLI(t, t.TempDir(), nil, "Piped *text*.\n", "guide", "add", "--title", "Piped", "--body-file", "-", "--data", h.data)
	if r.code != 0 || !strings.Contains(r.stdout, `Added guide "Piped" (piped), revision 1.`) {
		t.Errorf("guide from stdin: %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	h.ok("guide", "delete", "piped")
	var guides []apijson.Guide
	h.okJSON(&guides, "guide", "list")
	if len(guides) != 1 {
		t.Errorf("%d guides, want 1", len(guides))
	}
}

func TestCaseStudyPlaceTagAndSettingsCommands(t *testing.T) {
	h := newHubDir(t)
	var p apijson.Place
	h.okJSON(&p, "place", "add", "--name", "Hulme Community Centre", "--address", "12 Hulme High Street", "--locality", "Manchester", "--lat", "53.4668", "--lon", "-2.2501")
	if p.Slug != "hulme-community-centre" || p.Latitude == nil || *p.Latitude != 53.4668 {
		t.Fatalf("added place = %+v", p)
	}
	if stderr := h.fail(1, "place", "edit", "hulme-community-centre", "--lat", "north"); !strings.Contains(stderr, "  latitude: Write the latitude as a number") {
		t.Errorf("bad latitude:\n%s", stderr)
	}
	p = apijson.Place{} // latitude is left out when none, as the API does
	h.okJSON(&p, "place", "edit", "hulme-community-centre", "--postcode", "M15 5JS", "--lat", "", "--lon", "")
	if p.PostalCode != "M15 5JS" || p.Latitude != nil || p.StreetAddress != "12 Hulme High Street" {
		t.Errorf("edited place = %+v", p)
	}

	var c apijson.CaseStudy
	h.okJSON(&c, "case-study", "add", "--title", "A community pantry", "--problem", "Food waste.", "--approach", "A pantry.",
		"--tools", "A fridge.", "--outcome", "Less waste.", "--lessons", "Start small.", "--organisation", "Hulme Food Network",
		"--place-slug", "hulme-community-centre", "--contact", "food@example.org", "--tags", "food")
	if c.Slug != "a-community-pantry" || c.PlaceID != p.ID || c.Problem == "" || c.Lessons != "Start small." {
		t.Fatalf("added case study = %+v", c)
	}
	if out := h.ok("case-study", "show", "a-community-pantry"); !strings.Contains(out, "## What we would do differently\n\nStart small.") {
		t.Errorf("case study show:\n%s", out)
	}
	h.okJSON(&c, "case-study", "edit", "a-community-pantry", "--outcome", "Half the waste.")
	if c.Outcome != "Half the waste." || c.Problem != "Food waste." {
		t.Errorf("edited case study = %+v", c)
	}
	if stderr := h.fail(1, "case-study", "add", "--title", "No problem"); !strings.Contains(stderr, "  problem: The problem is required.") {
		t.Errorf("case study without a problem:\n%s", stderr)
	}
	if stderr := h.fail(1, "place", "delete", "hulme-community-centre"); !strings.HasPrefix(stderr, "Error: ") {
		t.Errorf("deleting a place in use:\n%s", stderr)
	}

	var tags []apijson.Topic
	h.okJSON(&tags, "topic", "list")
	if len(tags) != 1 || tags[0].Slug != "food" || tags[0].Uses != 1 {
		t.Fatalf("topics = %+v", tags)
	}
	var tag apijson.Topic
	h.okJSON(&tag, "topic", "edit", "food", "--name", "Food & drink", "--description", "Eating together.")
	if tag.Name != "Food & drink" || tag.Slug != "food" {
		t.Errorf("edited topic = %+v", tag)
	}
	h.ok("topic", "delete", "food")
	h.okJSON(&c, "case-study", "show", "a-community-pantry")
	if len(c.Tags) != 0 {
		t.Errorf("tags after deleting the tag: %v", c.Tags)
	}

	h.ok("case-study", "delete", "a-community-pantry")
	h.ok("place", "delete", "hulme-community-centre")

	var st apijson.Settings
	h.okJSON(&st, "settings", "set", "--name", "Hulme Hub", "--timezone", "Europe/Dublin")
	if st.Name != "Hulme Hub" || st.TimeZone != "Europe/Dublin" || st.AccentColour != hub.DefaultSettings().AccentColour {
		t.Errorf("settings = %+v", st)
	}
	if stderr := h.fail(1, "settings", "set", "--accent-colour", "green"); !strings.Contains(stderr, "  accent_colour:") {
		t.Errorf("bad colour:\n%s", stderr)
	}
	// A language the hub is not translated into is refused, naming those it is.
	if stderr := h.fail(1, "settings", "set", "--language", "xx-bogus-!!"); !strings.Contains(stderr, "  language:") || !strings.Contains(stderr, `"xx-bogus-!!"`) || !strings.Contains(stderr, "en") {
		t.Errorf("bad language:\n%s", stderr)
	}
	h.okJSON(&st, "settings", "set", "--language", "en-GB")
	if st.Language != "en-GB" || st.Name != "Hulme Hub" {
		t.Errorf("settings after a refused language = %+v", st)
	}
	// New events default to the hub's zone.
	var ev apijson.Event
	h.okJSON(&ev, "event", "add", "--title", "Céilí", "--start", "2026-03-17 19:00", "--end", "2026-03-17 23:00")
	if ev.TimeZone != "Europe/Dublin" || ev.Slug != "ceili" {
		t.Errorf("event zone %q slug %q", ev.TimeZone, ev.Slug)
	}
}

// apiTime reads an event time as the API and --json give it (RFC 3339).
func apiTime(t *testing.T, s string) time.Time {
	t.Helper()
	at, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatalf("event time %q: %v", s, err)
	}
	return at
}

func TestReadCommandsNeedADatabase(t *testing.T) {
	h := newHubDir(t)
	stderr := h.fail(1, "event", "list")
	if !strings.Contains(stderr, "There is no hub database at") {
		t.Errorf("listing without a database:\n%s", stderr)
	}
}

func slugs(events []apijson.Event) []string {
	var out []string
	for _, e := range events {
		out = append(out, e.Slug)
	}
	return out
}
