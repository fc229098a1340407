package ical

import (
	"bytes"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	goical "github.com/emersion/go-ical"
	"github.com/teambition/rrule-go"

	"github.com/commonplace-hub/commonplace/hub"
)

var (
	london  = mustZone("Europe/London")
	newYork = mustZone("America/New_York")
	tokyo   = mustZone("Asia/Tokyo")
	// exportNow is the clock of these tests: before the UK clocks go back
	// on 25 October 2026.
	exportNow = time.Date(2026, 10, 1, 9, 0, 0, 0, time.UTC)
)

func mustZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// testCalendar is the feed description most tests use.
func testCalendar() Calendar {
	return Calendar{
		Name: "Hulme Hub", Description: "Events in Hulme.", TimeZone: "Europe/London",
		URL: "https://hub.example/events", Source: "https://hub.example/calendar.ics", Host: "hub.example",
		EventURL: func(e *hub.Event) string { return "https://hub.example/events/" + e.Slug },
		Now:      exportNow,
	}
}

// newEvent returns a validated event, as the Service would store it.
func newEvent(t *testing.T, id int64, e hub.Event) *hub.Event {
	t.Helper()
	if err := e.Validate(); err != nil {
		t.Fatalf("event %q does not validate: %v (%v)", e.Title, err, hub.ErrorFields(err))
	}
	e.ID = id
	e.Slug = hub.Slugify(e.Title)
	e.CreatedAt = time.Date(2026, 9, 1, 12, 0, 0, 0, time.UTC)
	e.UpdatedAt = time.Date(2026, 9, 2, 12, 0, 0, 0, time.UTC)
	return &e
}

// export writes the events and returns the feed.
func export(t *testing.T, cal Calendar, events ...*hub.Event) string {
	t.Helper()
	var buf bytes.Buffer
	if err := Write(&buf, cal, events); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

// decode parses a feed with go-ical, the library the hub's importer uses.
func decode(t *testing.T, feed string) *goical.Calendar {
	t.Helper()
	cal, err := goical.NewDecoder(strings.NewReader(feed)).Decode()
	if err != nil {
		t.Fatalf("go-ical cannot parse the feed: %v\n%s", err, feed)
	}
	return cal
}

// unfold undoes RFC 5545 line folding and returns the logical lines.
func unfold(feed string) []string {
	return strings.Split(strings.TrimSuffix(strings.ReplaceAll(feed, "\r\n ", ""), "\r\n"), "\r\n")
}

// eventLines returns the logical lines of the VEVENT with uid.
func eventLines(t *testing.T, feed, uid string) []string {
	t.Helper()
	var cur []string
	in := false
	for _, l := range unfold(feed) {
		switch {
		case l == "BEGIN:VEVENT":
			in, cur = true, nil
		case l == "END:VEVENT":
			if slices.Contains(cur, "UID:"+uid) {
				return cur
			}
			in = false
		case in:
			cur = append(cur, l)
		}
	}
	t.Fatalf("no VEVENT with UID %s in\n%s", uid, feed)
	return nil
}

func wantLines(t *testing.T, lines []string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !slices.Contains(lines, w) {
			t.Errorf("missing line %q in\n%s", w, strings.Join(lines, "\n"))
		}
	}
}

func linesWithPrefix(lines []string, prefix string) []string {
	var out []string
	for _, l := range lines {
		if strings.HasPrefix(l, prefix) {
			out = append(out, l)
		}
	}
	return out
}

func TestWeeklyLondonEventAcrossTheClockChange(t *testing.T) {
	e := newEvent(t, 7, hub.Event{
		Title: "Tenants' evening", TimeZone: "Europe/London",
		Start: time.Date(2026, 10, 6, 19, 0, 0, 0, london), End: time.Date(2026, 10, 6, 21, 0, 0, 0, london),
		Recurrence: "FREQ=WEEKLY;BYDAY=TU", Exceptions: []string{"2026-10-27", "2026-10-20"},
	})
	feed := export(t, testCalendar(), e)
	lines := eventLines(t, feed, "event-7@hub.example")
	wantLines(t, lines,
		"DTSTART;TZID=Europe/London:20261006T190000",
		"DTEND;TZID=Europe/London:20261006T210000",
		"RRULE:FREQ=WEEKLY;BYDAY=TU",
		// one before the clocks go back (BST) and one after (GMT): both
		// at 19:00 local time
		"EXDATE;TZID=Europe/London:20261020T190000",
		"EXDATE;TZID=Europe/London:20261027T190000",
	)
	if got := linesWithPrefix(lines, "EXDATE"); len(got) != 2 {
		t.Errorf("EXDATE lines = %q, want 2", got)
	}
	all := unfold(feed)
	for _, w := range []string{
		"BEGIN:VTIMEZONE", "TZID:Europe/London",
		"BEGIN:DAYLIGHT", "TZOFFSETFROM:+0000", "TZOFFSETTO:+0100", "TZNAME:BST", "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
		"BEGIN:STANDARD", "TZOFFSETFROM:+0100", "TZOFFSETTO:+0000", "TZNAME:GMT", "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU",
	} {
		if !slices.Contains(all, w) {
			t.Errorf("VTIMEZONE lacks %q", w)
		}
	}
	if n := strings.Count(feed, "BEGIN:VTIMEZONE"); n != 1 {
		t.Errorf("%d VTIMEZONEs for one zone", n)
	}

	// The feed's own VTIMEZONE puts every occurrence at the instant the
	// hub shows, before and after 25 October.
	cal := decode(t, feed)
	zone := parseVTimezone(t, findTimezone(t, cal, "Europe/London"), time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC))
	from, to := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	occ := e.Occurrences(from, to, 0)
	if len(occ) != 6 {
		t.Fatalf("hub occurrences: %d, want 6 (8 Tuesdays less 2 skipped)", len(occ))
	}
	for _, o := range occ {
		wall := time.Date(o.Start.Year(), o.Start.Month(), o.Start.Day(), o.Start.Hour(), o.Start.Minute(), 0, 0, time.UTC)
		if got := zone.instant(wall); !got.Equal(o.Start) {
			t.Errorf("%s 19:00 by the feed's VTIMEZONE is %s, the hub says %s", o.Date(), got.UTC(), o.Start.UTC())
		}
	}
}

func TestAllDayEvents(t *testing.T) {
	festival := newEvent(t, 1, hub.Event{
		Title: "Winter fair", TimeZone: "Europe/London", AllDay: true,
		Start: time.Date(2026, 12, 24, 0, 0, 0, 0, london), End: time.Date(2026, 12, 26, 0, 0, 0, 0, london),
	})
	cleanUp := newEvent(t, 2, hub.Event{
		Title: "Park clean-up day", TimeZone: "America/New_York", AllDay: true,
		Start: time.Date(2026, 11, 7, 0, 0, 0, 0, newYork), End: time.Date(2026, 11, 8, 0, 0, 0, 0, newYork),
		Recurrence: hub.RepeatRule{Frequency: "MONTHLY", MonthWeek: 1, Until: "2027-03-06"}.RRule(time.Date(2026, 11, 7, 0, 0, 0, 0, newYork)),
		Exceptions: []string{"2027-01-02"},
	})
	cal := testCalendar()
	cal.TimeZone = "UTC"
	feed := export(t, cal, festival, cleanUp)
	wantLines(t, eventLines(t, feed, "event-1@hub.example"),
		"DTSTART;VALUE=DATE:20261224",
		"DTEND;VALUE=DATE:20261226", // exclusive: the fair is on the 24th and 25th
	)
	lines := eventLines(t, feed, "event-2@hub.example")
	wantLines(t, lines,
		"DTSTART;VALUE=DATE:20261107",
		"DTEND;VALUE=DATE:20261108",
		"RRULE:FREQ=MONTHLY;BYDAY=1SA;UNTIL=20270306", // a DATE, as DTSTART is
		"EXDATE;VALUE=DATE:20270102",
	)
	if strings.Contains(feed, "TZID=") || strings.Contains(feed, "BEGIN:VTIMEZONE\r\nTZID:America") {
		t.Errorf("all-day events need no zone:\n%s", feed)
	}
	// go-ical reads the dates back, and its expansion gives the hub's
	// occurrence dates.
	set := readRecurrence(t, feed, "event-2@hub.example")
	var got []string
	for _, d := range set.All() {
		got = append(got, d.Format("2006-01-02"))
	}
	var want []string
	for _, o := range cleanUp.Occurrences(cleanUp.Start, cleanUp.Start.AddDate(1, 0, 0), 0) {
		want = append(want, o.Date())
	}
	if !slices.Equal(got, want) {
		t.Errorf("go-ical dates %v, hub dates %v", got, want)
	}
	if !slices.Equal(want, []string{"2026-11-07", "2026-12-05", "2027-02-06", "2027-03-06"}) {
		t.Errorf("hub dates %v", want)
	}
}

func TestUntilIsWrittenInUTC(t *testing.T) {
	tests := []struct {
		name, zone, rule string
		start            time.Time
		allDay           bool
		want             string
	}{
		{"London in winter", "Europe/London", "FREQ=WEEKLY;UNTIL=20261231T235959", time.Date(2026, 11, 3, 19, 0, 0, 0, london), false,
			"FREQ=WEEKLY;UNTIL=20261231T235959Z"},
		{"London in summer", "Europe/London", "FREQ=WEEKLY;BYDAY=TU;UNTIL=20260731T235959", time.Date(2026, 6, 2, 19, 0, 0, 0, london), false,
			"FREQ=WEEKLY;BYDAY=TU;UNTIL=20260731T225959Z"},
		{"New York, last evening kept", "America/New_York", "FREQ=DAILY;UNTIL=20261231T235959;INTERVAL=2", time.Date(2026, 12, 1, 20, 0, 0, 0, newYork), false,
			"FREQ=DAILY;UNTIL=20270101T045959Z;INTERVAL=2"},
		{"Tokyo", "Asia/Tokyo", "FREQ=MONTHLY;UNTIL=20270131T235959", time.Date(2026, 10, 31, 9, 0, 0, 0, tokyo), false,
			"FREQ=MONTHLY;UNTIL=20270131T145959Z"},
		{"already UTC", "Europe/London", "FREQ=WEEKLY;UNTIL=20261201T120000Z", time.Date(2026, 11, 3, 19, 0, 0, 0, london), false,
			"FREQ=WEEKLY;UNTIL=20261201T120000Z"},
		{"a date: midnight local", "America/New_York", "FREQ=WEEKLY;UNTIL=20261215", time.Date(2026, 11, 3, 19, 0, 0, 0, newYork), false,
			"FREQ=WEEKLY;UNTIL=20261215T050000Z"},
		{"all day: a date", "Europe/London", "FREQ=WEEKLY;UNTIL=20260801T235959", time.Date(2026, 7, 4, 0, 0, 0, 0, london), true,
			"FREQ=WEEKLY;UNTIL=20260801"},
		{"COUNT untouched", "Europe/London", "FREQ=WEEKLY;COUNT=3", time.Date(2026, 11, 3, 19, 0, 0, 0, london), false,
			"FREQ=WEEKLY;COUNT=3"},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEvent(t, int64(i+1), hub.Event{Title: tt.name, TimeZone: tt.zone, Start: tt.start, End: tt.start.Add(time.Hour), AllDay: tt.allDay, Recurrence: tt.rule})
			feed := export(t, testCalendar(), e)
			uid := UID(e, "hub.example")
			wantLines(t, eventLines(t, feed, uid), "RRULE:"+tt.want)

			// The rule, read back by go-ical and expanded, gives the hub's
			// occurrences: the same number and the same last one.
			set := readRecurrence(t, feed, uid)
			got := set.All()
			want := e.Occurrences(e.Start, e.Start.AddDate(2, 0, 0), 0)
			if len(got) != len(want) || len(got) == 0 {
				t.Fatalf("go-ical: %d occurrences, hub: %d", len(got), len(want))
			}
			last, wantLast := got[len(got)-1], want[len(want)-1].Start
			if tt.allDay {
				if last.Format("20060102") != wantLast.Format("20060102") {
					t.Errorf("last date %s, hub %s", last.Format("20060102"), wantLast.Format("20060102"))
				}
			} else if !last.Equal(wantLast) {
				t.Errorf("last occurrence %s, hub %s", last.UTC(), wantLast.UTC())
			}
		})
	}
}

func TestSeriesStartsOnItsFirstOccurrence(t *testing.T) {
	// A Monday start with BYDAY=TU: the hub's first occurrence is the
	// Tuesday. RFC 5545 would count the Monday DTSTART as an occurrence.
	e := newEvent(t, 3, hub.Event{Title: "Coffee morning", TimeZone: "Europe/London",
		Start: time.Date(2026, 10, 5, 10, 0, 0, 0, london), End: time.Date(2026, 10, 5, 11, 30, 0, 0, london),
		Recurrence: "FREQ=WEEKLY;BYDAY=TU;COUNT=4"})
	lines := eventLines(t, export(t, testCalendar(), e), "event-3@hub.example")
	wantLines(t, lines, "DTSTART;TZID=Europe/London:20261006T100000", "DTEND;TZID=Europe/London:20261006T113000", "RRULE:FREQ=WEEKLY;BYDAY=TU;COUNT=4")
}

func TestTextIsEscaped(t *testing.T) {
	tests := []struct {
		name  string
		event hub.Event
		want  []string // logical lines
		text  map[string]string
	}{
		{
			name: "commas, semicolons, backslashes and newlines",
			event: hub.Event{Title: `Tea, cake; and \ chat`, Description: "First line,\r\nsecond; line\n\n* a \\ list",
				Tags: []string{"Food, drink", "Tenants; rights"}},
			want: []string{
				`SUMMARY:Tea\, cake\; and \\ chat`,
				`DESCRIPTION:First line\,\nsecond\; line\n\n* a \\ list\n\nDetails: https://hub.example/events/tea-cake-and-chat`,
				`CATEGORIES:Food\, drink,Tenants\; rights`,
			},
			text: map[string]string{"SUMMARY": `Tea, cake; and \ chat`, "DESCRIPTION": "First line,\nsecond; line\n\n* a \\ list\n\nDetails: https://hub.example/events/tea-cake-and-chat"},
		},
		{
			name: "control characters are dropped, a lone CR is a line break",
			event: hub.Event{Title: "Bell\a ringing", Description: "one\rtwo\x00three\x1b",
				Place: &hub.Place{Name: "St Mary's, Hulme", StreetAddress: "Hulme St;\nM15"}},
			want: []string{`SUMMARY:Bell ringing`, `LOCATION:St Mary's\, Hulme\, Hulme St\; M15`},
			text: map[string]string{"DESCRIPTION": "one\ntwothree\n\nDetails: https://hub.example/events/bell-ringing", "LOCATION": "St Mary's, Hulme, Hulme St; M15"},
		},
		{
			name:  "organiser as text and as an address",
			event: hub.Event{Title: "Quiz", Organiser: `Hulme "Digital", Manchester`},
			want:  []string{`X-COMMONPLACE-ORGANISER:Hulme "Digital"\, Manchester`},
		},
		{
			name:  "organiser email address",
			event: hub.Event{Title: "Quiz night", Organiser: `"Lovelace, Ada" <ada@example.org>`},
			want:  []string{`ORGANIZER;CN="Lovelace, Ada":mailto:ada@example.org`},
		},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev := tt.event
			ev.TimeZone = "Europe/London"
			ev.Start, ev.End = time.Date(2026, 10, 6, 19, 0, 0, 0, london), time.Date(2026, 10, 6, 20, 0, 0, 0, london)
			e := newEvent(t, int64(i+1), ev)
			e.Place = ev.Place // Validate keeps it; the store would fill it
			feed := export(t, testCalendar(), e)
			uid := UID(e, "hub.example")
			wantLines(t, eventLines(t, feed, uid), tt.want...)
			got := findEvent(t, decode(t, feed), uid)
			for prop, want := range tt.text {
				if text, err := got.Props.Text(prop); err != nil || text != want {
					t.Errorf("%s read back as %q (%v), want %q", prop, text, err, want)
				}
			}
			if tags := e.Tags; len(tags) > 0 {
				list, err := got.Props.Get("CATEGORIES").TextList()
				if err != nil || !slices.Equal(list, tags) {
					t.Errorf("CATEGORIES read back as %q (%v), want %q", list, err, tags)
				}
			}
		})
	}
}

func TestLongLinesAreFoldedBetweenCharacters(t *testing.T) {
	desc := strings.Repeat("Bring a dish to share. ", 8) + "\n" +
		strings.Repeat("Café ☕ and 🎉 for everyone — ", 12) + strings.Repeat("é", 100)
	e := newEvent(t, 9, hub.Event{Title: strings.Repeat("Ünïcödé title ", 10), Description: desc, TimeZone: "Europe/London",
		Start: time.Date(2026, 10, 6, 19, 0, 0, 0, london), End: time.Date(2026, 10, 6, 20, 0, 0, 0, london)})
	feed := export(t, testCalendar(), e)
	if !strings.HasSuffix(feed, "END:VCALENDAR\r\n") {
		t.Errorf("feed does not end with a CRLF-terminated END:VCALENDAR")
	}
	folded := 0
	for i, l := range strings.Split(strings.TrimSuffix(feed, "\r\n"), "\r\n") {
		if len(l) > 75 {
			t.Errorf("line %d is %d octets: %q", i+1, len(l), l)
		}
		if !utf8.ValidString(l) {
			t.Errorf("line %d splits a character: %q", i+1, l)
		}
		if strings.ContainsAny(l, "\r\n") {
			t.Errorf("line %d holds a bare CR or LF", i+1)
		}
		if strings.HasPrefix(l, " ") {
			folded++
		}
	}
	if folded < 10 {
		t.Errorf("only %d continuation lines; the long description was not folded", folded)
	}
	got := findEvent(t, decode(t, feed), "event-9@hub.example")
	if text, _ := got.Props.Text("DESCRIPTION"); !strings.HasPrefix(text, desc) {
		t.Errorf("DESCRIPTION read back differs:\n%q\nwant prefix\n%q", text, desc)
	}
	if text, _ := got.Props.Text("SUMMARY"); text != strings.TrimSpace(e.Title) {
		t.Errorf("SUMMARY read back as %q", text)
	}
}

func TestFoldingWriter(t *testing.T) {
	tests := []struct {
		name, in string
		want     []string // physical lines
	}{
		{"short", "A:b\r\n", []string{"A:b"}},
		{"exactly 75", strings.Repeat("a", 75) + "\r\n", []string{strings.Repeat("a", 75)}},
		{"76", strings.Repeat("a", 76) + "\r\n", []string{strings.Repeat("a", 75), " a"}},
		{"continuations hold 74 after the space", strings.Repeat("a", 75+74+1) + "\r\n",
			[]string{strings.Repeat("a", 75), " " + strings.Repeat("a", 74), " a"}},
		{"a 2-byte character across octet 75", strings.Repeat("a", 74) + "é" + "\r\n", []string{strings.Repeat("a", 74), " é"}},
		{"a 4-byte character across octet 75", strings.Repeat("a", 73) + "🎉b" + "\r\n", []string{strings.Repeat("a", 73), " 🎉b"}},
		{"a 3-byte character ending at octet 75", strings.Repeat("a", 72) + "☕b" + "\r\n", []string{strings.Repeat("a", 72) + "☕", " b"}},
		{"bare LF ends a line too", "A:b\nC:d\r\n", []string{"A:b", "C:d"}},
		{"unterminated last line", "A:b\r\nC:d", []string{"A:b", "C:d"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			fw := newFoldingWriter(&buf)
			// Write in small pieces: lines may arrive split.
			for _, c := range chunks(tt.in, 7) {
				if _, err := fw.Write([]byte(c)); err != nil {
					t.Fatal(err)
				}
			}
			if err := fw.Flush(); err != nil {
				t.Fatal(err)
			}
			want := strings.Join(tt.want, "\r\n") + "\r\n"
			if buf.String() != want {
				t.Errorf("got  %q\nwant %q", buf.String(), want)
			}
		})
	}
}

func chunks(s string, n int) []string {
	var out []string
	for len(s) > n {
		out = append(out, s[:n])
		s = s[n:]
	}
	return append(out, s)
}

func TestEventProperties(t *testing.T) {
	lat, lng := 53.4668, -2.2469
	e := newEvent(t, 12, hub.Event{
		Title: "Digital drop-in", Description: "Bring your **phone**.", TimeZone: "Europe/London",
		Start: time.Date(2026, 10, 6, 10, 0, 0, 0, london), End: time.Date(2026, 10, 6, 12, 0, 0, 0, london),
		Tags: []string{"Digital skills", "Drop-in"}, Accessibility: "Step-free access",
		BookingURL: "https://example.org/book", OnlineURL: "https://example.org/call",
	})
	e.Place = &hub.Place{ID: 4, Name: "Hulme Library", StreetAddress: "Stretford Road", Locality: "Manchester", PostalCode: "M15 5FQ",
		Latitude: &lat, Longitude: &lng, UpdatedAt: time.Date(2026, 9, 20, 8, 30, 0, 0, time.UTC)}
	feed := export(t, testCalendar(), e)
	wantLines(t, eventLines(t, feed, "event-12@hub.example"),
		"UID:event-12@hub.example",
		"DTSTAMP:20260920T083000Z", // the place changed after the event
		"LAST-MODIFIED:20260920T083000Z",
		"CREATED:20260901T120000Z",
		"SUMMARY:Digital drop-in",
		`DESCRIPTION:Bring your **phone**.\n\nAccessibility: Step-free access\nOnline: https://example.org/call\nBooking: https://example.org/book\nDetails: https://hub.example/events/digital-drop-in`,
		`LOCATION:Hulme Library\, Stretford Road\, Manchester\, M15 5FQ`,
		"GEO:53.466800;-2.246900",
		"URL:https://hub.example/events/digital-drop-in",
		"CATEGORIES:Digital skills,Drop-in",
		"STATUS:CONFIRMED",
		"TRANSP:TRANSPARENT",
		"CLASS:PUBLIC",
	)
	all := unfold(feed)
	wantLines(t, all[:slices.Index(all, "BEGIN:VTIMEZONE")],
		"BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Commonplace//Commonplace hub//EN", "CALSCALE:GREGORIAN",
		"NAME:Hulme Hub", "X-WR-CALNAME:Hulme Hub", "X-WR-CALDESC:Events in Hulme.", "DESCRIPTION:Events in Hulme.",
		"X-WR-TIMEZONE:Europe/London", "REFRESH-INTERVAL;VALUE=DURATION:PT6H", "X-PUBLISHED-TTL:PT6H",
		"URL:https://hub.example/events", "SOURCE:https://hub.example/calendar.ics",
	)
	// An online-only event has its link as the location.
	online := newEvent(t, 13, hub.Event{Title: "Online help", TimeZone: "UTC", OnlineURL: "https://example.org/call",
		Start: time.Date(2026, 10, 6, 10, 0, 0, 0, time.UTC), End: time.Date(2026, 10, 6, 11, 0, 0, 0, time.UTC)})
	wantLines(t, eventLines(t, export(t, testCalendar(), online), "event-13@hub.example"),
		"LOCATION:https://example.org/call", "DTSTART:20261006T100000Z", "DTEND:20261006T110000Z")
}

func TestFeedsAreValidWhenEmpty(t *testing.T) {
	for _, zone := range []string{"Europe/London", "UTC", ""} {
		t.Run("hub zone "+zone, func(t *testing.T) {
			cal := testCalendar()
			cal.TimeZone = zone
			feed := export(t, cal)
			c := decode(t, feed)
			if len(c.Events()) != 0 {
				t.Errorf("%d events", len(c.Events()))
			}
			if len(c.Children) == 0 {
				t.Error("a VCALENDAR needs at least one component")
			}
		})
	}
}

func TestOutputIsStable(t *testing.T) {
	// The web layer's ETag is a hash of the feed: the same events must give
	// the same bytes, and a change must change them.
	e := newEvent(t, 1, hub.Event{Title: "Repair café", TimeZone: "Europe/London",
		Start: time.Date(2026, 10, 10, 10, 0, 0, 0, london), End: time.Date(2026, 10, 10, 13, 0, 0, 0, london),
		Recurrence: "FREQ=MONTHLY;BYDAY=2SA", Tags: []string{"b", "a", "c"}})
	a, b := export(t, testCalendar(), e), export(t, testCalendar(), e)
	if a != b {
		t.Error("two exports of the same event differ")
	}
	e.Title = "Repair cafe"
	if export(t, testCalendar(), e) == a {
		t.Error("a changed title did not change the feed")
	}
}

// readRecurrence reads the feed back with go-ical and returns the
// recurrence set of the VEVENT with uid, as a client would expand it.
func readRecurrence(t *testing.T, feed, uid string) *rrule.Set {
	t.Helper()
	ev := findEvent(t, decode(t, feed), uid)
	set, err := ev.RecurrenceSet(time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	return set
}

func findEvent(t *testing.T, cal *goical.Calendar, uid string) goical.Event {
	t.Helper()
	for _, ev := range cal.Events() {
		if got, _ := ev.Props.Text(goical.PropUID); got == uid {
			return ev
		}
	}
	t.Fatalf("no event %s", uid)
	return goical.Event{}
}

func findTimezone(t *testing.T, cal *goical.Calendar, tzid string) *goical.Component {
	t.Helper()
	for _, c := range cal.Children {
		if c.Name == goical.CompTimezone {
			if id, _ := c.Props.Text(goical.PropTimezoneID); id == tzid {
				return c
			}
		}
	}
	t.Fatalf("no VTIMEZONE %s", tzid)
	return nil
}
