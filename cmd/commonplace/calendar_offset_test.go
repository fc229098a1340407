package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestCalendarImportOffsetZone: a file whose TZID is an unquoted offset
// ("UTC+01:00", as WordPress plugins write it) imports at that offset and
// the report says how the zone was read.
func TestCalendarImportOffsetZone(t *testing.T) {
	h := newHubDir(t)
	start := time.Now().UTC().AddDate(0, 0, 10).Format("20060102") + "T190000"
	feed := "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Test//EN\r\nBEGIN:VEVENT\r\nUID:talk@plugin\r\nSUMMARY:Talk\r\n" +
		"DTSTART;TZID=UTC+01:00:" + start + "\r\nDURATION:PT1H\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
	file := filepath.Join(t.TempDir(), "plugin.ics")
	if err := os.WriteFile(file, []byte(feed), 0o644); err != nil {
		t.Fatal(err)
	}
	out := h.ok("calendar", "import", file)
	if !strings.Contains(out, "1 imported") || !strings.Contains(out, `Note: The time zone "UTC+01:00" was read as a fixed offset of UTC+01:00`) {
		t.Errorf("import:\n%s", out)
	}
	show := h.ok("event", "show", "talk", "--json")
	if !strings.Contains(show, "T18:00:00Z") && !strings.Contains(show, "T19:00:00+01:00") {
		t.Errorf("the talk is not at 18:00 UTC:\n%s", show)
	}
}

// TestCalendarImportFrom: without --from a group's past events are left
// out (and counted); with it they come in, and are not copied when the
// file is imported again; a bad date is a usage error.
func TestCalendarImportFrom(t *testing.T) {
	h := newHubDir(t)
	past := time.Now().UTC().AddDate(0, -3, 0).Format("20060102")
	future := time.Now().UTC().AddDate(0, 0, 10).Format("20060102")
	ev := func(uid, day string) string {
		return "BEGIN:VEVENT\r\nUID:" + uid + "\r\nSUMMARY:" + uid + "\r\nDTSTART:" + day + "T180000Z\r\nDURATION:PT1H\r\nEND:VEVENT\r\n"
	}
	feed := "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Test//EN\r\n" + ev("history", past) + ev("next", future) + "END:VCALENDAR\r\n"
	file := filepath.Join(t.TempDir(), "group.ics")
	if err := os.WriteFile(file, []byte(feed), 0o644); err != nil {
		t.Fatal(err)
	}
	if out := h.ok("calendar", "import", file); !strings.Contains(out, "1 imported") || !strings.Contains(out, "Not imported: 1 outside the next 12 months or over.") {
		t.Errorf("without --from:\n%s", out)
	}
	from := time.Now().UTC().AddDate(-1, 0, 0).Format("2006-01-02")
	if out := h.ok("calendar", "import", file, "--from", from); !strings.Contains(out, "1 imported, 0 updated, 0 removed, 1 unchanged") || strings.Contains(out, "Not imported") {
		t.Errorf("with --from:\n%s", out)
	}
	if out := h.ok("calendar", "import", file, "--from", from); !strings.Contains(out, "0 imported, 0 updated, 0 removed, 2 unchanged") {
		t.Errorf("again:\n%s", out)
	}
	if stderr := h.fail(exitUsage, "calendar", "import", file, "--from", "last year"); !strings.Contains(stderr, "--from takes a date") {
		t.Errorf("a bad --from:\n%s", stderr)
	}
}
