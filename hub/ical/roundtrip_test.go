package ical

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/commonplace-hub/commonplace/hub"
)

// roundTripEvents are events whose feed must mean the same to other
// software: DST changes on both hemispheres, exceptions, UNTIL and COUNT,
// all-day series, a start the rule does not produce, and awkward text.
func roundTripEvents(t *testing.T) []*hub.Event {
	sydney, berlin := mustZone("Australia/Sydney"), mustZone("Europe/Berlin")
	lat, lng := 53.4668, -2.2469
	evs := []hub.Event{
		{Title: "Tenants' evening", TimeZone: "Europe/London",
			Start: time.Date(2026, 10, 6, 19, 0, 0, 0, london), End: time.Date(2026, 10, 6, 21, 0, 0, 0, london),
			Recurrence: "FREQ=WEEKLY;BYDAY=TU", Exceptions: []string{"2026-10-20", "2026-10-27", "2027-03-30", "2026-10-21"}},
		// The last game, 20:00 on 29 July 2027, is already 30 July in UTC.
		{Title: "Board games", TimeZone: "America/New_York",
			Start: time.Date(2026, 9, 24, 20, 0, 0, 0, newYork), End: time.Date(2026, 9, 24, 23, 0, 0, 0, newYork),
			Recurrence: "FREQ=MONTHLY;BYDAY=-1TH;UNTIL=20270729T235959", Exceptions: []string{"2026-12-31"}},
		{Title: "Saturday market", TimeZone: "Europe/London", AllDay: true,
			Start: time.Date(2026, 10, 3, 0, 0, 0, 0, london), End: time.Date(2026, 10, 4, 0, 0, 0, 0, london),
			Recurrence: "FREQ=WEEKLY;COUNT=12", Exceptions: []string{"2026-10-31"}},
		{Title: "Winter fair", TimeZone: "Europe/London", AllDay: true,
			Start: time.Date(2026, 12, 24, 0, 0, 0, 0, london), End: time.Date(2026, 12, 26, 0, 0, 0, 0, london)},
		{Title: "Online maintainers' call", TimeZone: "UTC", OnlineURL: "https://example.org/call",
			Start: time.Date(2026, 11, 2, 15, 0, 0, 0, time.UTC), End: time.Date(2026, 11, 2, 16, 0, 0, 0, time.UTC),
			Recurrence: "FREQ=WEEKLY;INTERVAL=2;UNTIL=20270301T000000Z"},
		{Title: "Morning stretch", TimeZone: "Asia/Tokyo",
			Start: time.Date(2026, 10, 1, 7, 0, 0, 0, tokyo), End: time.Date(2026, 10, 1, 7, 30, 0, 0, tokyo),
			Recurrence: "FREQ=DAILY;COUNT=10", Exceptions: []string{"2026-10-04"}},
		{Title: "Fortnightly repair café", TimeZone: "Australia/Sydney",
			Start: time.Date(2026, 3, 21, 10, 0, 0, 0, sydney), End: time.Date(2026, 3, 21, 13, 0, 0, 0, sydney),
			Recurrence: "FREQ=WEEKLY;INTERVAL=2;BYDAY=SA;UNTIL=20261231T235959", Exceptions: []string{"2026-10-03"}},
		{Title: "Coffee morning", TimeZone: "Europe/London", // starts on a Monday, repeats on Tuesdays
			Start: time.Date(2026, 10, 5, 10, 0, 0, 0, london), End: time.Date(2026, 10, 5, 11, 30, 0, 0, london),
			Recurrence: "FREQ=WEEKLY;BYDAY=TU;COUNT=6"},
		{Title: "Night walk", TimeZone: "Europe/Berlin", // over the night the clocks go back
			Start: time.Date(2026, 10, 24, 22, 0, 0, 0, berlin), End: time.Date(2026, 10, 25, 4, 0, 0, 0, berlin)},
		{Title: "Tea, cake; and \\ chat — café ☕ 🎉", TimeZone: "Europe/London",
			Description: "Bring a dish,\nor don't; all welcome.\n\n" + string(bytes.Repeat([]byte("Ünïcödé text "), 20)),
			Start:       time.Date(2026, 11, 14, 14, 0, 0, 0, london), End: time.Date(2026, 11, 14, 16, 0, 0, 0, london),
			Tags: []string{"Food, drink", "Tenants; rights", "Café"}, Organiser: "Hulme Digital, CIC",
			Place: &hub.Place{Name: "St Mary's, Hulme", StreetAddress: "Hulme Street", Locality: "Manchester", Latitude: &lat, Longitude: &lng}},
	}
	out := make([]*hub.Event, len(evs))
	for i, e := range evs {
		place := e.Place
		out[i] = newEvent(t, int64(i+1), e)
		out[i].Place = place
	}
	return out
}

var (
	roundTripFrom = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	roundTripTo   = time.Date(2028, 1, 1, 0, 0, 0, 0, time.UTC)
)

// hubOccurrences are the starts of the occurrences the hub shows in the
// round-trip window, as local wall times (dates for all-day events).
func hubOccurrences(e *hub.Event) []pyOccurrence {
	var out []pyOccurrence
	for _, o := range e.Occurrences(roundTripFrom, roundTripTo, 0) {
		if o.Start.Before(roundTripFrom) {
			continue
		}
		if e.AllDay {
			out = append(out, pyOccurrence{Local: o.Start.Format("2006-01-02"), Status: o.Status.ICal()})
			continue
		}
		utc := o.Start.UTC().Format("2006-01-02T15:04:05Z")
		p := pyOccurrence{Local: o.Start.Format("2006-01-02T15:04:05"), UTC: utc, Status: o.Status.ICal()}
		if e.Location() != time.UTC {
			p.UTCByVTimezone = utc
		}
		out = append(out, p)
	}
	return out
}

// TestRoundTripGoICal reads the feed back with go-ical and expands it with
// its recurrence set: the occurrences are the hub's.
func TestRoundTripGoICal(t *testing.T) {
	events := roundTripEvents(t)
	cal := decode(t, export(t, testCalendar(), events...))
	if got := len(cal.Events()); got != len(events) {
		t.Fatalf("%d VEVENTs, want %d", got, len(events))
	}
	for _, e := range events {
		t.Run(e.Title, func(t *testing.T) {
			ev := findEvent(t, cal, UID(e, "hub.example"))
			start, err := ev.DateTimeStart(time.UTC)
			if err != nil {
				t.Fatal(err)
			}
			var got []pyOccurrence
			add := func(s time.Time) {
				if s.Before(roundTripFrom) || !s.Before(roundTripTo) {
					return
				}
				if e.AllDay {
					got = append(got, pyOccurrence{Local: s.Format("2006-01-02")})
					return
				}
				p := pyOccurrence{Local: s.In(e.Location()).Format("2006-01-02T15:04:05"), UTC: s.UTC().Format("2006-01-02T15:04:05Z")}
				if e.Location() != time.UTC {
					p.UTCByVTimezone = p.UTC
				}
				got = append(got, p)
			}
			set, err := ev.RecurrenceSet(time.UTC)
			if err != nil {
				t.Fatal(err)
			}
			if set == nil {
				add(start)
			} else {
				for _, s := range set.Between(roundTripFrom, roundTripTo, true) {
					add(s)
				}
			}
			want := hubOccurrences(e)
			for i := range want {
				want[i].Status = "" // go-ical does not apply overrides
			}
			if !slices.Equal(got, want) {
				t.Errorf("go-ical occurrences\n%v\nhub occurrences\n%v", got, want)
			}
		})
	}
}

// pyFeed is what testdata/expand.py prints.
type pyFeed struct {
	Calendar struct {
		Name, Timezone, Prodid string
		Vtimezones             []string
	}
	Events    []pyEvent
	Overrides []pyOverride
}

// pyOverride is a VEVENT with a RECURRENCE-ID, as expand.py read it.
type pyOverride struct {
	UID          string
	RecurrenceID string `json:"recurrence_id"`
	Status       string
	Description  string
}

type pyEvent struct {
	UID, Summary, Description, Location, URL string
	Categories                               []string
	AllDay                                   bool `json:"all_day"`
	Start, Tzid, Rrule, Status               string
	Exdates                                  []string
	Occurrences                              []pyOccurrence
}

type pyOccurrence struct {
	Local          string
	UTC            string `json:"utc,omitempty"`
	UTCByVTimezone string `json:"utc_by_vtimezone,omitempty"`
	// Status is the occurrence's STATUS: its override's, else its VEVENT's.
	Status string `json:"status,omitempty"`
}

// findPython returns a Python 3 that has icalendar and dateutil. Debian's
// python3-icalendar installs into /usr/bin/python3, which need not be the
// python3 first on PATH. Without one the test is skipped, except in CI
// (CI set), where it fails: the interop check must run there.
func findPython(t *testing.T) string {
	t.Helper()
	var candidates []string
	if p := os.Getenv("ICAL_PYTHON"); p != "" {
		candidates = append(candidates, p)
	}
	candidates = append(candidates, "python3", "/usr/bin/python3")
	for _, c := range candidates {
		path, err := exec.LookPath(c)
		if err != nil {
			continue
		}
		if exec.Command(path, "-c", "import icalendar, dateutil, zoneinfo").Run() == nil {
			return path
		}
	}
	const msg = "no python3 with icalendar and dateutil (Debian: apt-get install python3-icalendar)"
	if os.Getenv("CI") != "" {
		t.Fatal(msg + "; CI must run the round trip through an independent implementation")
	}
	t.Skip(msg)
	return ""
}

// TestRoundTripPythonICalendar reads the feed with Python's icalendar and
// expands it with dateutil, independently of the hub's Go code: the text,
// the start and zone, and every occurrence in two years (local time and
// UTC, by the system's tz database and by the feed's own VTIMEZONE) must
// be the hub's.
func TestRoundTripPythonICalendar(t *testing.T) {
	python := findPython(t)
	events := roundTripEvents(t)
	cal := testCalendar()
	got := readWithPython(t, python, export(t, cal, events...))
	if got.Calendar.Name != "Hulme Hub" || got.Calendar.Timezone != "Europe/London" || got.Calendar.Prodid != ProdID {
		t.Errorf("calendar read as %+v", got.Calendar)
	}
	wantZones := []string{"America/New_York", "Asia/Tokyo", "Australia/Sydney", "Europe/Berlin", "Europe/London"}
	if !slices.Equal(got.Calendar.Vtimezones, wantZones) {
		t.Errorf("VTIMEZONEs %v, want %v", got.Calendar.Vtimezones, wantZones)
	}
	if len(got.Events) != len(events) {
		t.Fatalf("python read %d events, want %d", len(got.Events), len(events))
	}
	byUID := map[string]pyEvent{}
	for _, e := range got.Events {
		byUID[e.UID] = e
	}
	for _, e := range events {
		t.Run(e.Title, func(t *testing.T) {
			p, ok := byUID[UID(e, "hub.example")]
			if !ok {
				t.Fatalf("python did not find %s", UID(e, "hub.example"))
			}
			if p.Summary != cleanLine(e.Title) || p.Description != description(e, cal) || p.Location != location(e) {
				t.Errorf("text read back:\nsummary %q\ndescription %q\nlocation %q\nwant\n%q\n%q\n%q",
					p.Summary, p.Description, p.Location, cleanLine(e.Title), description(e, cal), location(e))
			}
			if !slices.Equal(p.Categories, e.Tags) {
				t.Errorf("categories %q, want %q", p.Categories, e.Tags)
			}
			if p.URL != "https://hub.example/events/"+e.Slug {
				t.Errorf("URL %q", p.URL)
			}
			first := firstOccurrence(e)
			wantStart, wantZone := first.Start.Format("2006-01-02T15:04:05"), e.Location().String()
			if e.AllDay {
				wantStart, wantZone = first.Start.Format("2006-01-02"), ""
			}
			if p.AllDay != e.AllDay || p.Start != wantStart || p.Tzid != wantZone {
				t.Errorf("start read as %s %s (all day %v), want %s %s", p.Start, p.Tzid, p.AllDay, wantStart, wantZone)
			}
			if e.Recurring() && p.Rrule == "" {
				t.Error("python found no RRULE")
			}
			if want := hubOccurrences(e); !slices.Equal(p.Occurrences, want) {
				t.Errorf("python occurrences\n%v\nhub occurrences\n%v", p.Occurrences, want)
			}
		})
	}
}

// readWithPython has testdata/expand.py read feed over the round-trip
// window.
func readWithPython(t *testing.T, python, feed string) pyFeed {
	t.Helper()
	path := filepath.Join(t.TempDir(), "feed.ics")
	if err := os.WriteFile(path, []byte(feed), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(python, filepath.Join("testdata", "expand.py"), path,
		roundTripFrom.Format(time.RFC3339), roundTripTo.Format(time.RFC3339))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	outb, err := cmd.Output()
	if err != nil {
		t.Fatalf("expand.py: %v\n%s", err, stderr.String())
	}
	var got pyFeed
	if err := json.Unmarshal(outb, &got); err != nil {
		t.Fatalf("expand.py printed no JSON: %v\n%s", err, outb)
	}
	return got
}
