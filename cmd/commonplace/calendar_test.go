package main

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/commonplace-hub/commonplace/hub/apijson"
)

// icsFeed builds a calendar whose events start days ahead of now, so that
// they are in the import window of the binary, which uses the real clock.
func icsFeed(events ...string) string {
	return "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nX-WR-CALNAME:Partner events\r\n" + strings.Join(events, "") + "END:VCALENDAR\r\n"
}

func icsEvent(uid, title string, daysAhead int, extra ...string) string {
	day := time.Now().AddDate(0, 0, daysAhead).Format("20060102")
	lines := []string{"BEGIN:VEVENT", "UID:" + uid, "SUMMARY:" + title,
		"DTSTART;TZID=Europe/London:" + day + "T180000", "DTEND;TZID=Europe/London:" + day + "T200000"}
	lines = append(lines, extra...)
	return strings.Join(append(lines, "END:VEVENT"), "\r\n") + "\r\n"
}

func TestCalendarCommands(t *testing.T) {
	h := newHubDir(t)
	var mu sync.Mutex
	body := icsFeed(icsEvent("quiz", "Quiz night", 7), icsEvent("lunch", "Lunch club", 3, "RRULE:FREQ=WEEKLY"),
		"BEGIN:VEVENT\r\nUID:bad\r\nSUMMARY:Jumble sale\r\nDTSTART:soon\r\nEND:VEVENT\r\n")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		io.WriteString(w, body)
	}))
	defer srv.Close()

	h.ok("place", "add", "--name", "Zion Centre")
	// Feeds on private and loopback addresses are refused unless allowed
	// (for development and tests).
	if out := h.fail(1, "calendar", "import", srv.URL+"/events.ics"); !strings.Contains(out, "private network") {
		t.Errorf("a loopback feed without the development setting: %s", out)
	}
	h.env = []string{envAllowPrivate + "=1"}
	out := h.ok("calendar", "add", srv.URL+"/events.ics", "--place", "zion-centre", "--tags", "Partners, Food", "--organiser", "Hulme Tenants")
	for _, want := range []string{"Subscribed to Partner events (ID 1).", "2 imported, 0 updated, 0 removed, 0 unchanged, 1 skipped.",
		`skipped line 17: "Jumble sale": DTSTART "soon" is not a date or a date-time.`} {
		if !strings.Contains(out, want) {
			t.Errorf("calendar add output lacks %q:\n%s", want, out)
		}
	}
	var events []apijson.Event
	h.okJSON(&events, "event", "list")
	if len(events) != 2 || events[0].Organiser != "Hulme Tenants" || events[0].Place == nil || events[0].Place.Name != "Zion Centre" || len(events[0].Tags) != 2 {
		t.Fatalf("imported events: %+v", events)
	}
	if out := h.ok("calendar", "list"); !strings.Contains(out, "Partner events") || !strings.Contains(out, "2 imported") {
		t.Errorf("calendar list:\n%s", out)
	}
	var subs []map[string]any
	h.okJSON(&subs, "calendar", "list")
	if len(subs) != 1 || subs[0]["url"] != srv.URL+"/events.ics" {
		t.Errorf("calendar list --json: %v", subs)
	}

	mu.Lock()
	body = icsFeed(icsEvent("quiz", "Quiz night (moved)", 8))
	mu.Unlock()
	if out := h.ok("calendar", "refresh", "1"); !strings.Contains(out, "0 imported, 1 updated, 1 removed, 0 unchanged, 0 skipped.") {
		t.Errorf("calendar refresh:\n%s", out)
	}
	if stderr := h.fail(exitUsage, "calendar", "refresh", "first"); !strings.Contains(stderr, "ID must be the number") {
		t.Errorf("refresh with a bad ID:\n%s", stderr)
	}
	if stderr := h.fail(exitError, "calendar", "add", "ftp://example.org/x.ics"); !strings.Contains(stderr, "url: Enter the calendar's full address") {
		t.Errorf("add a bad URL:\n%s", stderr)
	}
	if out := h.ok("calendar", "remove", "1"); !strings.Contains(out, "Unsubscribed from Partner events; removed 1 upcoming events.") {
		t.Errorf("calendar remove:\n%s", out)
	}

	// A one-off import of a big file shows progress, and importing it
	// again changes nothing.
	var b strings.Builder
	for i := range 300 {
		b.WriteString(icsEvent(fmt.Sprintf("e%d", i), fmt.Sprintf("Session %d", i), 1+i%300))
	}
	file := filepath.Join(t.TempDir(), "export.ics")
	if err := os.WriteFile(file, []byte(icsFeed(b.String())), 0o644); err != nil {
		t.Fatal(err)
	}
	r := h.run("calendar", "import", file)
	if r.code != 0 || !strings.Contains(r.stdout, "300 imported, 0 updated") || !regexp.MustCompile(`Importing: 150 of 300 events \(50%\)`).MatchString(r.stderr) {
		t.Errorf("import: exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	if out := h.ok("calendar", "import", file); !strings.Contains(out, "0 imported, 0 updated, 0 removed, 300 unchanged") {
		t.Errorf("second import:\n%s", out)
	}
	if stderr := h.fail(exitError, "calendar", "import", filepath.Join(t.TempDir(), "missing.ics")); !strings.Contains(stderr, "Could not read") {
		t.Errorf("missing file:\n%s", stderr)
	}
	if out := h.ok("calendar", "import", srv.URL+"/events.ics"); !strings.Contains(out, "1 imported, 0 updated") {
		t.Errorf("import from an address:\n%s", out)
	}
}
