package hub_test

import (
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/commonplace-hub/commonplace/hub"
)

// series returns a validated event in the named zone.
func series(t testing.TB, zoneName string, start time.Time, length time.Duration, rule string, exceptions ...string) *hub.Event {
	t.Helper()
	e := &hub.Event{Title: "Series", TimeZone: zoneName, Start: start, End: start.Add(length), Recurrence: rule, Exceptions: exceptions}
	if err := e.Validate(); err != nil {
		t.Fatalf("validate: %v", err)
	}
	return e
}

// localStarts lists occurrence starts as local "2006-01-02 15:04 -07:00".
func localStarts(occ []hub.Occurrence) []string {
	out := []string{}
	for _, o := range occ {
		out = append(out, o.Start.Format("2006-01-02 15:04 -07:00"))
	}
	return out
}

// localDates lists occurrences by their local dates (Occurrence.Date).
func localDates(occ []hub.Occurrence) []string {
	var out []string
	for _, o := range occ {
		out = append(out, o.Date())
	}
	return out
}

// utcStarts lists occurrence starts as UTC instants.
func utcStarts(occ []hub.Occurrence) []string {
	out := []string{}
	for _, o := range occ {
		out = append(out, o.Start.UTC().Format("2006-01-02T15:04Z"))
	}
	return out
}

func TestOccurrencesKeepLocalTimeAcrossDST(t *testing.T) {
	london := zone(t, "Europe/London")
	newYork := zone(t, "America/New_York")
	tests := []struct {
		name      string
		zone      *time.Location
		start     time.Time
		length    time.Duration
		rule      string
		from, to  time.Time
		wantLocal []string
		wantUTC   []string
	}{
		{
			name: "London Tuesdays 19:00 over the October change", zone: london,
			start: at(london, 2026, 10, 6, 19, 0), length: 2 * time.Hour, rule: "FREQ=WEEKLY;BYDAY=TU",
			from: at(london, 2026, 10, 1, 0, 0), to: at(london, 2026, 11, 11, 0, 0),
			wantLocal: []string{"2026-10-06 19:00 +01:00", "2026-10-13 19:00 +01:00", "2026-10-20 19:00 +01:00",
				"2026-10-27 19:00 +00:00", "2026-11-03 19:00 +00:00", "2026-11-10 19:00 +00:00"},
			wantUTC: []string{"2026-10-06T18:00Z", "2026-10-13T18:00Z", "2026-10-20T18:00Z",
				"2026-10-27T19:00Z", "2026-11-03T19:00Z", "2026-11-10T19:00Z"},
		},
		{
			name: "New York Thursdays 19:00 over the November change", zone: newYork,
			start: at(newYork, 2026, 10, 22, 19, 0), length: 90 * time.Minute, rule: "FREQ=WEEKLY;BYDAY=TH",
			from: at(newYork, 2026, 10, 20, 0, 0), to: at(newYork, 2026, 11, 13, 0, 0),
			wantLocal: []string{"2026-10-22 19:00 -04:00", "2026-10-29 19:00 -04:00", "2026-11-05 19:00 -05:00", "2026-11-12 19:00 -05:00"},
			wantUTC:   []string{"2026-10-22T23:00Z", "2026-10-29T23:00Z", "2026-11-06T00:00Z", "2026-11-13T00:00Z"},
		},
		{
			name: "London Tuesdays 19:00 over the March change", zone: london,
			start: at(london, 2027, 3, 16, 19, 0), length: 2 * time.Hour, rule: "FREQ=WEEKLY;BYDAY=TU",
			from: at(london, 2027, 3, 15, 0, 0), to: at(london, 2027, 4, 7, 0, 0),
			wantLocal: []string{"2027-03-16 19:00 +00:00", "2027-03-23 19:00 +00:00", "2027-03-30 19:00 +01:00", "2027-04-06 19:00 +01:00"},
			wantUTC:   []string{"2027-03-16T19:00Z", "2027-03-23T19:00Z", "2027-03-30T18:00Z", "2027-04-06T18:00Z"},
		},
		{
			name: "New York Saturdays 10:00 over the March change", zone: newYork,
			start: at(newYork, 2027, 3, 6, 10, 0), length: 3 * time.Hour, rule: "FREQ=WEEKLY",
			from: at(newYork, 2027, 3, 1, 0, 0), to: at(newYork, 2027, 3, 21, 0, 0),
			wantLocal: []string{"2027-03-06 10:00 -05:00", "2027-03-13 10:00 -05:00", "2027-03-20 10:00 -04:00"},
			wantUTC:   []string{"2027-03-06T15:00Z", "2027-03-13T15:00Z", "2027-03-20T14:00Z"},
		},
		{
			name: "daily through the day of the change itself", zone: london,
			start: at(london, 2026, 10, 24, 19, 0), length: time.Hour, rule: "FREQ=DAILY;COUNT=3",
			from: at(london, 2026, 10, 1, 0, 0), to: at(london, 2026, 12, 1, 0, 0),
			wantLocal: []string{"2026-10-24 19:00 +01:00", "2026-10-25 19:00 +00:00", "2026-10-26 19:00 +00:00"},
			wantUTC:   []string{"2026-10-24T18:00Z", "2026-10-25T19:00Z", "2026-10-26T19:00Z"},
		},
		{
			name: "last Friday of the month over both changes", zone: london,
			start: at(london, 2026, 10, 30, 18, 30), length: 2 * time.Hour, rule: "FREQ=MONTHLY;BYDAY=-1FR",
			from: at(london, 2026, 10, 1, 0, 0), to: at(london, 2027, 5, 1, 0, 0),
			wantLocal: []string{"2026-10-30 18:30 +00:00", "2026-11-27 18:30 +00:00", "2026-12-25 18:30 +00:00",
				"2027-01-29 18:30 +00:00", "2027-02-26 18:30 +00:00", "2027-03-26 18:30 +00:00", "2027-04-30 18:30 +01:00"},
			wantUTC: []string{"2026-10-30T18:30Z", "2026-11-27T18:30Z", "2026-12-25T18:30Z",
				"2027-01-29T18:30Z", "2027-02-26T18:30Z", "2027-03-26T18:30Z", "2027-04-30T17:30Z"},
		},
		{
			name: "second Tuesday of the month over both changes", zone: london,
			start: at(london, 2026, 10, 13, 14, 0), length: time.Hour, rule: "FREQ=MONTHLY;BYDAY=2TU",
			from: at(london, 2026, 10, 1, 0, 0), to: at(london, 2027, 5, 1, 0, 0),
			wantLocal: []string{"2026-10-13 14:00 +01:00", "2026-11-10 14:00 +00:00", "2026-12-08 14:00 +00:00",
				"2027-01-12 14:00 +00:00", "2027-02-09 14:00 +00:00", "2027-03-09 14:00 +00:00", "2027-04-13 14:00 +01:00"},
			wantUTC: []string{"2026-10-13T13:00Z", "2026-11-10T14:00Z", "2026-12-08T14:00Z",
				"2027-01-12T14:00Z", "2027-02-09T14:00Z", "2027-03-09T14:00Z", "2027-04-13T13:00Z"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := series(t, tt.zone.String(), tt.start, tt.length, tt.rule)
			occ := e.Occurrences(tt.from, tt.to, 100)
			if got := localStarts(occ); !slices.Equal(got, tt.wantLocal) {
				t.Errorf("local starts\n got %q\nwant %q", got, tt.wantLocal)
			}
			if got := utcStarts(occ); !slices.Equal(got, tt.wantUTC) {
				t.Errorf("UTC starts\n got %q\nwant %q", got, tt.wantUTC)
			}
			for _, o := range occ {
				if o.Start.Location().String() != tt.zone.String() {
					t.Errorf("%s is in %s, want the event's zone", o.Date(), o.Start.Location())
				}
				if o.End.Sub(o.Start) != tt.length {
					t.Errorf("%s lasts %v, want %v", o.Date(), o.End.Sub(o.Start), tt.length)
				}
				if o.Event != e {
					t.Errorf("%s does not point at its event", o.Date())
				}
			}
		})
	}
}

func TestOccurrencesExceptions(t *testing.T) {
	london := zone(t, "Europe/London")
	newYork := zone(t, "America/New_York")
	tests := []struct {
		name       string
		zone       *time.Location
		start      time.Time
		exceptions []string
		max        int
		want       []string // local dates
	}{
		{"no exceptions", london, at(london, 2026, 12, 1, 10, 0), nil, 100,
			[]string{"2026-12-01", "2026-12-08", "2026-12-15", "2026-12-22", "2026-12-29", "2027-01-05"}},
		{"Christmas and New Year skipped", london, at(london, 2026, 12, 1, 10, 0), []string{"2026-12-29", "2026-12-22"}, 100,
			[]string{"2026-12-01", "2026-12-08", "2026-12-15", "2027-01-05"}},
		{"an exception that matches no occurrence changes nothing", london, at(london, 2026, 12, 1, 10, 0), []string{"2026-12-23"}, 100,
			[]string{"2026-12-01", "2026-12-08", "2026-12-15", "2026-12-22", "2026-12-29", "2027-01-05"}},
		{"the first occurrence can be skipped", london, at(london, 2026, 12, 1, 10, 0), []string{"2026-12-01"}, 100,
			[]string{"2026-12-08", "2026-12-15", "2026-12-22", "2026-12-29", "2027-01-05"}},
		{"skipped occurrences do not count towards max", london, at(london, 2026, 12, 1, 10, 0), []string{"2026-12-08", "2026-12-15"}, 3,
			[]string{"2026-12-01", "2026-12-22", "2026-12-29"}},
		// 20:00 in New York is the next day in UTC; the exception is the local date.
		{"exceptions are local dates", newYork, at(newYork, 2026, 12, 1, 20, 0), []string{"2026-12-08"}, 100,
			[]string{"2026-12-01", "2026-12-15", "2026-12-22", "2026-12-29", "2027-01-05"}},
		{"a UTC date does not skip a local evening", newYork, at(newYork, 2026, 12, 1, 20, 0), []string{"2026-12-09"}, 100,
			[]string{"2026-12-01", "2026-12-08", "2026-12-15", "2026-12-22", "2026-12-29", "2027-01-05"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := series(t, tt.zone.String(), tt.start, 2*time.Hour, "FREQ=WEEKLY", tt.exceptions...)
			occ := e.Occurrences(at(tt.zone, 2026, 11, 1, 0, 0), at(tt.zone, 2027, 1, 10, 0, 0), tt.max)
			if got := localDates(occ); !slices.Equal(got, tt.want) {
				t.Errorf("dates\n got %q\nwant %q", got, tt.want)
			}
		})
	}
}

func TestOccurrencesCountAndUntil(t *testing.T) {
	london := zone(t, "Europe/London")
	newYork := zone(t, "America/New_York")
	tokyo := zone(t, "Asia/Tokyo")
	tests := []struct {
		name  string
		zone  *time.Location
		start time.Time
		rule  string
		want  []string // local dates
	}{
		{"COUNT stops the series", london, at(london, 2026, 10, 6, 19, 0), "FREQ=WEEKLY;COUNT=3",
			[]string{"2026-10-06", "2026-10-13", "2026-10-20"}},
		{"COUNT with an interval", london, at(london, 2026, 10, 6, 19, 0), "FREQ=WEEKLY;INTERVAL=2;COUNT=3",
			[]string{"2026-10-06", "2026-10-20", "2026-11-03"}},
		{"UTC UNTIL on an occurrence includes it", london, at(london, 2026, 10, 6, 19, 0), "FREQ=WEEKLY;UNTIL=20261027T190000Z",
			[]string{"2026-10-06", "2026-10-13", "2026-10-20", "2026-10-27"}},
		{"UTC UNTIL a second before an occurrence excludes it", london, at(london, 2026, 10, 6, 19, 0), "FREQ=WEEKLY;UNTIL=20261027T185959Z",
			[]string{"2026-10-06", "2026-10-13", "2026-10-20"}},
		{"local UNTIL is read in the event's zone", newYork, at(newYork, 2026, 12, 1, 20, 0), "FREQ=WEEKLY;UNTIL=20261215T200000",
			[]string{"2026-12-01", "2026-12-08", "2026-12-15"}},
		{"the form's until date keeps a New York evening on the last day", newYork, at(newYork, 2026, 12, 1, 20, 0),
			hub.RepeatRule{Frequency: "WEEKLY", Until: "2026-12-29"}.RRule(at(newYork, 2026, 12, 1, 20, 0)),
			[]string{"2026-12-01", "2026-12-08", "2026-12-15", "2026-12-22", "2026-12-29"}},
		{"the form's until date adds no Tokyo morning after the last day", tokyo, at(tokyo, 2027, 3, 28, 8, 0),
			hub.RepeatRule{Frequency: "DAILY", Until: "2027-03-31"}.RRule(at(tokyo, 2027, 3, 28, 8, 0)),
			[]string{"2027-03-28", "2027-03-29", "2027-03-30", "2027-03-31"}},
		// 00:30 BST on Wednesday 16 September is still 15 September in UTC.
		{"the form's until date adds no London small hours after the last day", london, at(london, 2026, 9, 2, 0, 30),
			hub.RepeatRule{Frequency: "WEEKLY", Until: "2026-09-15"}.RRule(at(london, 2026, 9, 2, 0, 30)),
			[]string{"2026-09-02", "2026-09-09"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := series(t, tt.zone.String(), tt.start, time.Hour, tt.rule)
			occ := e.Occurrences(tt.start.AddDate(0, -1, 0), tt.start.AddDate(2, 0, 0), 0)
			if got := localDates(occ); !slices.Equal(got, tt.want) {
				t.Errorf("dates\n got %q\nwant %q", got, tt.want)
			}
			if e.SeriesEnd == nil {
				t.Fatal("a bounded series has no SeriesEnd")
			}
			if last := occ[len(occ)-1]; !e.SeriesEnd.Equal(last.End) {
				t.Errorf("SeriesEnd %v, want the last occurrence's end %v", e.SeriesEnd, last.End)
			}
		})
	}
}

func TestOccurrencesMax(t *testing.T) {
	london := zone(t, "Europe/London")
	e := series(t, "Europe/London", at(london, 2026, 1, 1, 9, 0), time.Hour, "FREQ=DAILY")
	from, to := e.Start, e.Start.AddDate(5, 0, 0) // about 1826 days
	tests := []struct{ max, want int }{
		{1, 1},
		{7, 7},
		{0, 1000},
		{-3, 1000},
		{5000, 1000},
	}
	for _, tt := range tests {
		occ := e.Occurrences(from, to, tt.max)
		if len(occ) != tt.want {
			t.Errorf("max %d gave %d occurrences, want %d", tt.max, len(occ), tt.want)
			continue
		}
		if first := occ[0].Date(); first != "2026-01-01" {
			t.Errorf("max %d starts at %s, want the earliest occurrence", tt.max, first)
		}
	}
	short := series(t, "Europe/London", at(london, 2026, 1, 1, 9, 0), time.Hour, "FREQ=DAILY;COUNT=4")
	if n := len(short.Occurrences(from, to, 10)); n != 4 {
		t.Errorf("max above COUNT gave %d occurrences, want 4", n)
	}
}

func TestOccurrencesWindow(t *testing.T) {
	london := zone(t, "Europe/London")
	// Nightly 23:00 to 01:00.
	nightly := series(t, "Europe/London", at(london, 2026, 10, 5, 23, 0), 2*time.Hour, "FREQ=DAILY")
	// One evening, 19:00 to 21:00 on 6 October.
	once := series(t, "Europe/London", at(london, 2026, 10, 6, 19, 0), 2*time.Hour, "")
	tests := []struct {
		name     string
		event    *hub.Event
		from, to time.Time
		want     []string
	}{
		{"occurrence started before from and still running", nightly,
			at(london, 2026, 10, 7, 0, 30), at(london, 2026, 10, 7, 12, 0),
			[]string{"2026-10-06 23:00 +01:00"}},
		{"occurrence that ends exactly at from is over", nightly,
			at(london, 2026, 10, 7, 1, 0), at(london, 2026, 10, 7, 23, 0),
			[]string{}},
		{"occurrence that starts exactly at to is not yet", nightly,
			at(london, 2026, 10, 7, 12, 0), at(london, 2026, 10, 8, 23, 0),
			[]string{"2026-10-07 23:00 +01:00"}},
		{"window before the series starts", nightly,
			at(london, 2026, 9, 1, 0, 0), at(london, 2026, 10, 5, 23, 0),
			[]string{}},
		{"one-off inside the window", once,
			at(london, 2026, 10, 6, 0, 0), at(london, 2026, 10, 7, 0, 0),
			[]string{"2026-10-06 19:00 +01:00"}},
		{"one-off overlapping the window start", once,
			at(london, 2026, 10, 6, 20, 0), at(london, 2026, 10, 7, 0, 0),
			[]string{"2026-10-06 19:00 +01:00"}},
		{"one-off overlapping the window end", once,
			at(london, 2026, 10, 6, 0, 0), at(london, 2026, 10, 6, 19, 30),
			[]string{"2026-10-06 19:00 +01:00"}},
		{"one-off covering the whole window", once,
			at(london, 2026, 10, 6, 19, 30), at(london, 2026, 10, 6, 20, 0),
			[]string{"2026-10-06 19:00 +01:00"}},
		{"one-off ending exactly at from", once,
			at(london, 2026, 10, 6, 21, 0), at(london, 2026, 10, 7, 0, 0),
			[]string{}},
		{"one-off starting exactly at to", once,
			at(london, 2026, 10, 6, 0, 0), at(london, 2026, 10, 6, 19, 0),
			[]string{}},
		{"one-off well outside the window", once,
			at(london, 2026, 11, 1, 0, 0), at(london, 2026, 12, 1, 0, 0),
			[]string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := localStarts(tt.event.Occurrences(tt.from, tt.to, 0))
			if !slices.Equal(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestOccurrencesAllDayAcrossDST(t *testing.T) {
	london := zone(t, "Europe/London")
	tests := []struct {
		name      string
		start     time.Time
		days      int
		from, to  time.Time
		want      []string // local start and end
		wantHours []float64
	}{
		{"Sundays over the October change", at(london, 2026, 10, 18, 0, 0), 1,
			at(london, 2026, 10, 15, 0, 0), at(london, 2026, 11, 2, 0, 0),
			[]string{"2026-10-18 00:00 to 2026-10-19 00:00", "2026-10-25 00:00 to 2026-10-26 00:00", "2026-11-01 00:00 to 2026-11-02 00:00"},
			[]float64{24, 25, 24}},
		{"Sundays over the March change", at(london, 2027, 3, 21, 0, 0), 1,
			at(london, 2027, 3, 20, 0, 0), at(london, 2027, 4, 5, 0, 0),
			[]string{"2027-03-21 00:00 to 2027-03-22 00:00", "2027-03-28 00:00 to 2027-03-29 00:00", "2027-04-04 00:00 to 2027-04-05 00:00"},
			[]float64{24, 23, 24}},
		{"weekend fair over the October change", at(london, 2026, 10, 17, 0, 0), 2,
			at(london, 2026, 10, 15, 0, 0), at(london, 2026, 11, 1, 0, 0),
			[]string{"2026-10-17 00:00 to 2026-10-19 00:00", "2026-10-24 00:00 to 2026-10-26 00:00", "2026-10-31 00:00 to 2026-11-02 00:00"},
			[]float64{48, 49, 48}},
		{"weekend fair still on at noon on its second day", at(london, 2026, 10, 17, 0, 0), 2,
			at(london, 2026, 10, 25, 12, 0), at(london, 2026, 10, 25, 13, 0),
			[]string{"2026-10-24 00:00 to 2026-10-26 00:00"},
			[]float64{49}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := &hub.Event{Title: "Market", TimeZone: "Europe/London", AllDay: true, Recurrence: "FREQ=WEEKLY",
				Start: tt.start, End: tt.start.AddDate(0, 0, tt.days)}
			if err := e.Validate(); err != nil {
				t.Fatalf("validate: %v", err)
			}
			occ := e.Occurrences(tt.from, tt.to, 0)
			var got []string
			var hours []float64
			for _, o := range occ {
				got = append(got, o.Start.Format("2006-01-02 15:04")+" to "+o.End.Format("2006-01-02 15:04"))
				hours = append(hours, o.End.Sub(o.Start).Hours())
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("occurrences\n got %q\nwant %q", got, tt.want)
			}
			if !slices.Equal(hours, tt.wantHours) {
				t.Errorf("lengths in hours %v, want %v", hours, tt.wantHours)
			}
		})
	}
}

func TestNextOccurrences(t *testing.T) {
	london := zone(t, "Europe/London")
	e := series(t, "Europe/London", at(london, 2026, 10, 6, 19, 0), 2*time.Hour, "FREQ=WEEKLY")
	tests := []struct {
		name string
		now  time.Time
		n    int
		want []string
	}{
		{"before the series", at(london, 2026, 9, 1, 12, 0), 2, []string{"2026-10-06", "2026-10-13"}},
		{"during an occurrence includes it", at(london, 2026, 10, 13, 20, 0), 2, []string{"2026-10-13", "2026-10-20"}},
		{"just after an occurrence ends", at(london, 2026, 10, 13, 21, 0), 1, []string{"2026-10-20"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := localDates(e.NextOccurrences(tt.now, tt.n)); !slices.Equal(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestOccurrencesUnparsableStoredRule(t *testing.T) {
	london := zone(t, "Europe/London")
	// Not validated: as if a bad rule had reached the database.
	e := &hub.Event{Title: "x", TimeZone: "Europe/London", Recurrence: "FREQ=SOMETIMES",
		Start: at(london, 2026, 10, 6, 19, 0), End: at(london, 2026, 10, 6, 21, 0)}
	if got := localStarts(e.Occurrences(at(london, 2026, 10, 1, 0, 0), at(london, 2026, 12, 1, 0, 0), 0)); !slices.Equal(got, []string{"2026-10-06 19:00 +01:00"}) {
		t.Errorf("window with the first occurrence: %q, want only the first occurrence", got)
	}
	if got := e.Occurrences(at(london, 2026, 11, 1, 0, 0), at(london, 2026, 12, 1, 0, 0), 0); len(got) != 0 {
		t.Errorf("window after the first occurrence: %q, want nothing", localStarts(got))
	}
}

func TestOccurrenceDateIsLocal(t *testing.T) {
	newYork := zone(t, "America/New_York")
	e := series(t, "America/New_York", at(newYork, 2026, 12, 29, 21, 0), time.Hour, "")
	occ := e.Occurrences(e.Start.Add(-time.Hour), e.End, 0)
	if len(occ) != 1 {
		t.Fatalf("%d occurrences, want 1", len(occ))
	}
	if got := occ[0].Date(); got != "2026-12-29" {
		t.Errorf("Date() = %s, want the local date 2026-12-29 (UTC is already 30 December)", got)
	}
}

func TestOccurrenceOn(t *testing.T) {
	london := zone(t, "Europe/London")
	weekly := series(t, "Europe/London", at(london, 2026, 10, 6, 19, 0), 2*time.Hour, "FREQ=WEEKLY;BYDAY=TU", "2026-10-13")
	// Three-day camps every week: the camp of the 3rd still runs on the 5th,
	// when the camp of the 10th has not started.
	camps := series(t, "Europe/London", at(london, 2026, 11, 3, 9, 0), 50*time.Hour, "FREQ=WEEKLY")
	oneOff := series(t, "Europe/London", at(london, 2026, 12, 1, 10, 0), time.Hour, "")
	tests := []struct {
		name      string
		event     *hub.Event
		date      string
		wantStart string
		wantCode  string
	}{
		{"a date of the series", weekly, "2026-10-20", "2026-10-20 19:00 +01:00", ""},
		{"across the clock change", weekly, "2026-10-27", "2026-10-27 19:00 +00:00", ""},
		{"the first date", weekly, "2026-10-06", "2026-10-06 19:00 +01:00", ""},
		{"a skipped date", weekly, "2026-10-13", "", hub.ENOTFOUND},
		{"a day the series does not meet", weekly, "2026-10-21", "", hub.ENOTFOUND},
		{"before the series", weekly, "2026-09-29", "", hub.ENOTFOUND},
		{"an occurrence begun earlier overlaps the day", camps, "2026-11-10", "2026-11-10 09:00 +00:00", ""},
		{"a one-off event on its day", oneOff, "2026-12-01", "2026-12-01 10:00 +00:00", ""},
		{"a one-off event on another day", oneOff, "2026-12-02", "", hub.ENOTFOUND},
		{"not a date", weekly, "20 October", "", hub.EINVALID},
		{"an impossible date", weekly, "2026-02-30", "", hub.EINVALID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			occ, err := tt.event.OccurrenceOn(tt.date)
			if tt.wantCode != "" {
				if code := hub.ErrorCode(err); code != tt.wantCode {
					t.Fatalf("OccurrenceOn(%s) = %v (%s), want %s", tt.date, err, code, tt.wantCode)
				}
				return
			}
			if err != nil {
				t.Fatalf("OccurrenceOn(%s): %v", tt.date, err)
			}
			if got := occ.Start.Format("2006-01-02 15:04 -07:00"); got != tt.wantStart {
				t.Errorf("OccurrenceOn(%s) starts %s, want %s", tt.date, got, tt.wantStart)
			}
			if occ.Event != tt.event || !occ.End.After(occ.Start) {
				t.Errorf("OccurrenceOn(%s) = %+v, want an occurrence of the event with an end", tt.date, occ)
			}
		})
	}
}

func TestRepeatRuleRoundTrip(t *testing.T) {
	london := zone(t, "Europe/London")
	newYork := zone(t, "America/New_York")
	thursday := at(london, 2026, 11, 5, 18, 30) // first Thursday of November
	tests := []struct {
		name  string
		rule  hub.RepeatRule
		start time.Time
		want  string
	}{
		{"daily", hub.RepeatRule{Frequency: "DAILY", Interval: 1}, thursday, "FREQ=DAILY"},
		{"weekly on the start's weekday", hub.RepeatRule{Frequency: "WEEKLY", Interval: 1}, thursday, "FREQ=WEEKLY"},
		{"weekly on one weekday", hub.RepeatRule{Frequency: "WEEKLY", Interval: 1, Weekdays: []string{"TU"}}, thursday, "FREQ=WEEKLY;BYDAY=TU"},
		{"weekly on several weekdays", hub.RepeatRule{Frequency: "WEEKLY", Interval: 1, Weekdays: []string{"MO", "WE", "FR"}}, thursday, "FREQ=WEEKLY;BYDAY=MO,WE,FR"},
		{"every other week", hub.RepeatRule{Frequency: "WEEKLY", Interval: 2, Weekdays: []string{"TH"}}, thursday, "FREQ=WEEKLY;INTERVAL=2;BYDAY=TH"},
		{"every three days", hub.RepeatRule{Frequency: "DAILY", Interval: 3}, thursday, "FREQ=DAILY;INTERVAL=3"},
		{"monthly on the same day", hub.RepeatRule{Frequency: "MONTHLY", Interval: 1}, thursday, "FREQ=MONTHLY"},
		{"monthly on the first weekday", hub.RepeatRule{Frequency: "MONTHLY", Interval: 1, MonthWeek: 1}, thursday, "FREQ=MONTHLY;BYDAY=1TH"},
		{"monthly on the second weekday", hub.RepeatRule{Frequency: "MONTHLY", Interval: 1, MonthWeek: 2}, at(london, 2026, 10, 13, 14, 0), "FREQ=MONTHLY;BYDAY=2TU"},
		{"monthly on the fourth weekday", hub.RepeatRule{Frequency: "MONTHLY", Interval: 1, MonthWeek: 4}, thursday, "FREQ=MONTHLY;BYDAY=4TH"},
		{"monthly on the last weekday", hub.RepeatRule{Frequency: "MONTHLY", Interval: 1, MonthWeek: -1}, at(london, 2026, 10, 30, 18, 0), "FREQ=MONTHLY;BYDAY=-1FR"},
		{"quarterly on the last Sunday", hub.RepeatRule{Frequency: "MONTHLY", Interval: 3, MonthWeek: -1}, at(london, 2026, 10, 25, 10, 0), "FREQ=MONTHLY;INTERVAL=3;BYDAY=-1SU"},
		{"yearly", hub.RepeatRule{Frequency: "YEARLY", Interval: 1}, thursday, "FREQ=YEARLY"},
		{"with a count", hub.RepeatRule{Frequency: "DAILY", Interval: 1, Count: 5}, thursday, "FREQ=DAILY;COUNT=5"},
		{"until a date", hub.RepeatRule{Frequency: "WEEKLY", Interval: 1, Weekdays: []string{"TU"}, Until: "2027-03-31"}, thursday, "FREQ=WEEKLY;BYDAY=TU;UNTIL=20270331T235959"},
		{"until a date in New York", hub.RepeatRule{Frequency: "WEEKLY", Interval: 2, Until: "2026-12-29"}, at(newYork, 2026, 12, 1, 20, 0), "FREQ=WEEKLY;INTERVAL=2;UNTIL=20261229T235959"},
		{"monthly by week with a count", hub.RepeatRule{Frequency: "MONTHLY", Interval: 2, MonthWeek: 3, Count: 6}, at(london, 2026, 11, 19, 18, 0), "FREQ=MONTHLY;INTERVAL=2;BYDAY=3TH;COUNT=6"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			value := tt.rule.RRule(tt.start)
			if value != tt.want {
				t.Fatalf("RRule() = %q, want %q", value, tt.want)
			}
			back, ok := hub.ParseRepeatRule(value)
			if !ok {
				t.Fatalf("ParseRepeatRule(%q) says the simple form cannot show it", value)
			}
			if !reflect.DeepEqual(back, tt.rule) {
				t.Errorf("ParseRepeatRule(%q) = %+v, want %+v", value, back, tt.rule)
			}
			// The value is a rule the hub accepts.
			series(t, tt.start.Location().String(), tt.start, time.Hour, value)
		})
	}
}

func TestRepeatRuleNone(t *testing.T) {
	if got := (hub.RepeatRule{}).RRule(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)); got != "" {
		t.Errorf("empty RepeatRule gave %q, want no rule", got)
	}
	for _, value := range []string{"", "  ", "RRULE:"} {
		r, ok := hub.ParseRepeatRule(value)
		if !ok || !reflect.DeepEqual(r, hub.RepeatRule{}) {
			t.Errorf("ParseRepeatRule(%q) = %+v, %v; want the zero rule, true", value, r, ok)
		}
	}
}

func TestParseRepeatRuleVariants(t *testing.T) {
	tests := []struct {
		value string
		want  hub.RepeatRule
	}{
		{"rrule:freq=weekly;byday=tu", hub.RepeatRule{Frequency: "WEEKLY", Interval: 1, Weekdays: []string{"TU"}}},
		{"BYDAY=TU,TH;FREQ=WEEKLY", hub.RepeatRule{Frequency: "WEEKLY", Interval: 1, Weekdays: []string{"TU", "TH"}}},
		{"FREQ=WEEKLY;WKST=MO;BYDAY=SA", hub.RepeatRule{Frequency: "WEEKLY", Interval: 1, Weekdays: []string{"SA"}}},
		{"FREQ=WEEKLY;INTERVAL=1", hub.RepeatRule{Frequency: "WEEKLY", Interval: 1}},
		{"FREQ=MONTHLY;BYDAY=+1TU", hub.RepeatRule{Frequency: "MONTHLY", Interval: 1, MonthWeek: 1}},
		// Rules saved before UNTIL was written in local time, and date-only UNTILs.
		{"FREQ=WEEKLY;UNTIL=20270331T235959Z", hub.RepeatRule{Frequency: "WEEKLY", Interval: 1, Until: "2027-03-31"}},
		{"FREQ=DAILY;UNTIL=20270331", hub.RepeatRule{Frequency: "DAILY", Interval: 1, Until: "2027-03-31"}},
	}
	for _, tt := range tests {
		got, ok := hub.ParseRepeatRule(tt.value)
		if !ok || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("ParseRepeatRule(%q) = %+v, %v; want %+v, true", tt.value, got, ok, tt.want)
		}
	}
}

func TestParseRepeatRuleRefusesWhatItCannotShow(t *testing.T) {
	for _, value := range []string{
		"FREQ=MONTHLY;BYSETPOS=-1;BYDAY=MO,TU,WE,TH,FR", // last weekday of the month
		"FREQ=MONTHLY;BYMONTHDAY=1,15",
		"FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=1",
		"FREQ=WEEKLY;BYHOUR=9,17",
		"FREQ=HOURLY",
		"FREQ=MINUTELY;COUNT=5",
		"FREQ=SOMETIMES",
		"COUNT=3",                         // no frequency
		"FREQ=MONTHLY;BYDAY=5TU",          // fifth Tuesday
		"FREQ=MONTHLY;BYDAY=-2FR",         // second to last Friday
		"FREQ=MONTHLY;BYDAY=1TU,3TU",      // two weeks of the month
		"FREQ=WEEKLY;BYDAY=1TU",           // week number outside MONTHLY
		"FREQ=YEARLY;BYDAY=-1MO",          // week number outside MONTHLY
		"FREQ=MONTHLY;BYDAY=TU",           // every Tuesday, monthly
		"FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR", // weekdays only, daily
		"FREQ=WEEKLY;BYDAY=XX",
		"FREQ=MONTHLY;BYDAY=2XX",
		"FREQ=WEEKLY;BYDAY=",
		"FREQ=WEEKLY;COUNT=many",
		"FREQ=WEEKLY;INTERVAL=two",
		"FREQ=WEEKLY;UNTIL=2027",
		"FREQ=WEEKLY;UNTIL=31-03-2027",
		"FREQ=WEEKLY;COUNT=5;UNTIL=20270331T235959Z", // RFC 5545 forbids both
		"FREQ=WEEKLY;",
	} {
		if r, ok := hub.ParseRepeatRule(value); ok {
			t.Errorf("ParseRepeatRule(%q) = %+v, true; the simple form cannot show it", value, r)
		}
	}
}

func TestDescribe(t *testing.T) {
	london := zone(t, "Europe/London")
	tuesday := at(london, 2026, 10, 13, 19, 0) // second Tuesday of October
	thursday := at(london, 2026, 11, 5, 18, 30)
	tests := []struct {
		value string
		start time.Time
		want  string
	}{
		{"", tuesday, ""},
		{"FREQ=WEEKLY;BYDAY=TU", tuesday, "Every week on Tuesday"},
		{"FREQ=WEEKLY", tuesday, "Every week on Tuesday"},
		{"FREQ=WEEKLY;BYDAY=MO,TH", tuesday, "Every week on Monday and Thursday"},
		{"FREQ=WEEKLY;BYDAY=MO,WE,FR", tuesday, "Every week on Monday, Wednesday and Friday"},
		{"FREQ=WEEKLY;INTERVAL=2;BYDAY=TU", tuesday, "Every other week on Tuesday"},
		{"FREQ=WEEKLY;INTERVAL=3;BYDAY=SA,SU", tuesday, "Every 3 weeks on Saturday and Sunday"},
		{"FREQ=DAILY", tuesday, "Every day"},
		{"FREQ=DAILY;INTERVAL=2", tuesday, "Every other day"},
		{"FREQ=DAILY;COUNT=5", tuesday, "Every day, 5 times"},
		{"FREQ=DAILY;COUNT=1", tuesday, "Every day, once"},
		{"FREQ=MONTHLY", tuesday, "Every month"},
		{"FREQ=MONTHLY;BYDAY=2TU", tuesday, "Every month on the second Tuesday"},
		{"FREQ=MONTHLY;BYDAY=-1FR", at(london, 2026, 10, 30, 18, 0), "Every month on the last Friday"},
		{"FREQ=MONTHLY;BYDAY=1TH;UNTIL=20270630T235959", thursday, "Every month on the first Thursday, until 30 June 2027"},
		{"FREQ=MONTHLY;INTERVAL=3;BYDAY=4TH", thursday, "Every 3 months on the fourth Thursday"},
		// The rule's weekday wins over a start date that does not match it.
		{"FREQ=MONTHLY;BYDAY=2TU", thursday, "Every month on the second Tuesday"},
		{"FREQ=WEEKLY;BYDAY=TU;UNTIL=20270331T235959Z", thursday, "Every week on Tuesday, until 31 March 2027"},
		{"FREQ=YEARLY", tuesday, "Every year"},
		{"FREQ=YEARLY;INTERVAL=2", tuesday, "Every other year"},
		{"FREQ=MONTHLY;BYMONTHDAY=1,15", tuesday, "Repeats (FREQ=MONTHLY;BYMONTHDAY=1,15)"},
	}
	for _, tt := range tests {
		if got := hub.Describe(tt.value, tt.start); got != tt.want {
			t.Errorf("Describe(%q) = %q, want %q", tt.value, got, tt.want)
		}
	}
	// What the form writes reads back the way the organiser chose it.
	for _, r := range []hub.RepeatRule{
		{Frequency: "WEEKLY", Interval: 1, Weekdays: []string{"TU"}},
		{Frequency: "MONTHLY", Interval: 1, MonthWeek: 2},
	} {
		if got := hub.Describe(r.RRule(tuesday), tuesday); !strings.Contains(got, "Tuesday") {
			t.Errorf("Describe of %+v = %q, want it to name Tuesday", r, got)
		}
	}
}
