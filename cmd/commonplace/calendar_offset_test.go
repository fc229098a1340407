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
