package hub_test

import (
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/commonplace-hub/commonplace/hub"
)

// zone loads an IANA time zone or stops the test.
func zone(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatalf("load zone %s: %v", name, err)
	}
	return loc
}

// at is a local wall-clock time in loc.
func at(loc *time.Location, y int, m time.Month, d, hour, min int) time.Time {
	return time.Date(y, m, d, hour, min, 0, 0, loc)
}

// invalidFields checks that err is an EINVALID *hub.Error whose messages a
// person could act on, and returns its field names, sorted.
func invalidFields(t testing.TB, err error) []string {
	t.Helper()
	if code := hub.ErrorCode(err); code != hub.EINVALID {
		t.Fatalf("error code %q (%v), want %q", code, err, hub.EINVALID)
	}
	if msg := hub.ErrorMessage(err); msg == "" {
		t.Errorf("validation error has no message")
	}
	fields := hub.ErrorFields(err)
	keys := make([]string, 0, len(fields))
	for k, msg := range fields {
		keys = append(keys, k)
		checkFriendly(t, k, msg)
	}
	slices.Sort(keys)
	return keys
}

// checkFriendly fails when a field message is empty, terse, or leaks Go
// formatting rather than reading as a sentence.
func checkFriendly(t testing.TB, field, msg string) {
	t.Helper()
	switch {
	case len(msg) < 15:
		t.Errorf("field %s: message %q is too terse to help", field, msg)
	case !unicode.IsUpper([]rune(msg)[0]):
		t.Errorf("field %s: message %q does not start like a sentence", field, msg)
	case !strings.HasSuffix(msg, "."):
		t.Errorf("field %s: message %q does not end like a sentence", field, msg)
	case strings.Contains(msg, "%!") || strings.Contains(msg, "<nil>"):
		t.Errorf("field %s: message %q leaks Go formatting", field, msg)
	}
}

// dropIn is a valid two-hour one-off event in London.
func dropIn(t testing.TB) *hub.Event {
	london := zone(t, "Europe/London")
	return &hub.Event{
		Title:    "Repair café drop-in",
		TimeZone: "Europe/London",
		Start:    at(london, 2026, 10, 6, 10, 0),
		End:      at(london, 2026, 10, 6, 12, 0),
	}
}

func TestEventValidate(t *testing.T) {
	lat := func(v float64) *float64 { return &v }
	manyTags := func(n int) []string {
		var tags []string
		for i := range n {
			tags = append(tags, "topic "+string(rune('a'+i)))
		}
		return tags
	}
	base := *dropIn(t) // dropIn sets no slice or pointer field, so each copy is a fresh event
	valid := func() hub.Event { return base }
	checkChanges(t, valid, (*hub.Event).Validate, []changeCase[hub.Event]{
		{"valid one-off", func(e *hub.Event) {}, nil},
		{"valid weekly with exceptions", func(e *hub.Event) {
			e.Recurrence, e.Exceptions = "FREQ=WEEKLY;BYDAY=TU", []string{"2026-12-22", "2026-12-29"}
		}, nil},
		{"inline new place and online link together", func(e *hub.Event) {
			e.Place = &hub.Place{Name: "Community Hall", Locality: "Hulme", Latitude: lat(53.46), Longitude: lat(-2.25)}
			e.OnlineURL = "https://meet.example.org/drop-in"
			e.BookingURL = "https://tickets.example.org/e/42?ref=hub#book"
		}, nil},

		{"missing title", func(e *hub.Event) { e.Title = "" }, []string{"title"}},
		{"blank title", func(e *hub.Event) { e.Title = " \t\n " }, []string{"title"}},
		{"title at the limit in multi-byte letters", func(e *hub.Event) { e.Title = strings.Repeat("é", hub.MaxTitle) }, nil},
		{"title over the limit", func(e *hub.Event) { e.Title = strings.Repeat("é", hub.MaxTitle+1) }, []string{"title"}},
		{"description over the limit", func(e *hub.Event) { e.Description = strings.Repeat("x", hub.MaxBody+1) }, []string{"description"}},
		{"organiser over the limit", func(e *hub.Event) { e.Organiser = strings.Repeat("x", hub.MaxTitle+1) }, []string{"organiser"}},
		{"accessibility notes over the limit", func(e *hub.Event) { e.Accessibility = strings.Repeat("x", hub.MaxSummary+1) }, []string{"accessibility"}},

		{"missing start", func(e *hub.Event) { e.Start = time.Time{} }, []string{"start"}},
		{"missing end", func(e *hub.Event) { e.End = time.Time{} }, []string{"end"}},
		{"end before start", func(e *hub.Event) { e.End = e.Start.Add(-time.Minute) }, []string{"end"}},
		{"end equal to start", func(e *hub.Event) { e.End = e.Start }, []string{"end"}},
		{"one minute long", func(e *hub.Event) { e.End = e.Start.Add(time.Minute) }, nil},
		{"exactly 31 days long", func(e *hub.Event) { e.End = e.Start.Add(31 * 24 * time.Hour) }, nil},
		{"longer than 31 days", func(e *hub.Event) { e.End = e.Start.Add(31*24*time.Hour + time.Minute) }, []string{"end"}},

		{"no time zone", func(e *hub.Event) { e.TimeZone = "" }, []string{"timezone"}},
		{"unknown time zone", func(e *hub.Event) { e.TimeZone = "Mars/Olympus_Mons" }, []string{"timezone"}},
		{"time zone in the wrong case", func(e *hub.Event) { e.TimeZone = "europe/london" }, []string{"timezone"}},
		{"the server's local zone", func(e *hub.Event) { e.TimeZone = "Local" }, []string{"timezone"}},
		{"another real zone", func(e *hub.Event) { e.TimeZone = "America/New_York" }, nil},

		{"online URL with ftp", func(e *hub.Event) { e.OnlineURL = "ftp://files.example.org/call" }, []string{"online_url"}},
		{"online URL with javascript", func(e *hub.Event) { e.OnlineURL = "javascript:alert(document.cookie)" }, []string{"online_url"}},
		{"online URL relative", func(e *hub.Event) { e.OnlineURL = "/call/42" }, []string{"online_url"}},
		{"online URL without scheme", func(e *hub.Event) { e.OnlineURL = "www.example.org/call" }, []string{"online_url"}},
		{"online URL with a space in the host", func(e *hub.Event) { e.OnlineURL = "https://meet example.org" }, []string{"online_url"}},
		{"online URL with a space in the path", func(e *hub.Event) { e.OnlineURL = "https://example.org/join now" }, []string{"online_url"}},
		{"online URL with no host name", func(e *hub.Event) { e.OnlineURL = "https://:443/call" }, []string{"online_url"}},
		{"online URL with surrounding spaces is trimmed", func(e *hub.Event) { e.OnlineURL = "  https://example.org/call \n" }, nil},
		{"booking URL with javascript", func(e *hub.Event) { e.BookingURL = "JavaScript:alert(1)" }, []string{"booking_url"}},
		{"booking URL mailto", func(e *hub.Event) { e.BookingURL = "mailto:book@example.org" }, []string{"booking_url"}},
		{"booking URL relative", func(e *hub.Event) { e.BookingURL = "tickets.html" }, []string{"booking_url"}},
		{"booking URL with a tab", func(e *hub.Event) { e.BookingURL = "https://example.org/\tbook" }, []string{"booking_url"}},
		{"plain http booking URL", func(e *hub.Event) { e.BookingURL = "http://example.org/book" }, nil},

		{"as many tags as allowed", func(e *hub.Event) { e.Tags = manyTags(hub.MaxTagCount) }, nil},
		{"too many tags", func(e *hub.Event) { e.Tags = manyTags(hub.MaxTagCount + 1) }, []string{"tags"}},
		{"repeats of one tag count once", func(e *hub.Event) {
			for range hub.MaxTagCount + 5 {
				e.Tags = append(e.Tags, "Food", "#food", " FOOD ")
			}
		}, nil},
		{"tag at 50 characters", func(e *hub.Event) { e.Tags = []string{strings.Repeat("ö", 50)} }, nil},
		{"tag over 50 characters", func(e *hub.Event) { e.Tags = []string{strings.Repeat("o", 51)} }, []string{"tags"}},

		{"exception as day/month/year", func(e *hub.Event) {
			e.Recurrence, e.Exceptions = "FREQ=WEEKLY", []string{"24/12/2026"}
		}, []string{"exceptions"}},
		{"exception on 30 February", func(e *hub.Event) {
			e.Recurrence, e.Exceptions = "FREQ=WEEKLY", []string{"2027-02-30"}
		}, []string{"exceptions"}},
		{"exception without leading zeros", func(e *hub.Event) {
			e.Recurrence, e.Exceptions = "FREQ=WEEKLY", []string{"2026-1-5"}
		}, []string{"exceptions"}},
		{"exception in words", func(e *hub.Event) {
			e.Recurrence, e.Exceptions = "FREQ=WEEKLY", []string{"2026-12-22", "Boxing Day"}
		}, []string{"exceptions"}},
		{"blank exceptions are ignored", func(e *hub.Event) {
			e.Recurrence, e.Exceptions = "FREQ=WEEKLY", []string{"", "  ", " 2026-12-22 "}
		}, nil},

		{"rule with unknown frequency", func(e *hub.Event) { e.Recurrence = "FREQ=SOMETIMES" }, []string{"recurrence"}},
		{"rule without frequency", func(e *hub.Event) { e.Recurrence = "BYDAY=TU" }, []string{"recurrence"}},
		{"rule with unknown part", func(e *hub.Event) { e.Recurrence = "FREQ=WEEKLY;COLOUR=RED" }, []string{"recurrence"}},
		{"rule with unknown weekday", func(e *hub.Event) { e.Recurrence = "FREQ=WEEKLY;BYDAY=XX" }, []string{"recurrence"}},
		{"rule that is not a rule", func(e *hub.Event) { e.Recurrence = "every tuesday" }, []string{"recurrence"}},
		{"hourly rule", func(e *hub.Event) { e.Recurrence = "FREQ=HOURLY" }, []string{"recurrence"}},
		{"minutely rule", func(e *hub.Event) { e.Recurrence = "FREQ=MINUTELY;COUNT=10" }, []string{"recurrence"}},
		{"secondly rule", func(e *hub.Event) { e.Recurrence = "FREQ=SECONDLY" }, []string{"recurrence"}},
		{"rule with too many occurrences", func(e *hub.Event) { e.Recurrence = "FREQ=DAILY;COUNT=5001" }, []string{"recurrence"}},
		{"rule at the occurrence limit", func(e *hub.Event) { e.Recurrence = "FREQ=DAILY;COUNT=5000" }, nil},
		{"rule that ended before the start", func(e *hub.Event) { e.Recurrence = "FREQ=WEEKLY;UNTIL=20260101T000000Z" }, []string{"recurrence"}},
		{"rule that never happens", func(e *hub.Event) { e.Recurrence = "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30" }, []string{"recurrence"}},
		{"rule in lower case with RRULE prefix", func(e *hub.Event) { e.Recurrence = " rrule:freq=weekly;byday=tu " }, nil},

		{"inline place off the globe", func(e *hub.Event) {
			e.Place = &hub.Place{Name: "Hall", Latitude: lat(91), Longitude: lat(0)}
		}, []string{"place_latitude"}},
		{"inline place with an over-long postcode", func(e *hub.Event) {
			e.Place = &hub.Place{Name: "Hall", PostalCode: strings.Repeat("M", hub.MaxShort+1)}
		}, []string{"place_postal_code"}},
		{"existing place is not re-validated", func(e *hub.Event) {
			e.PlaceID, e.Place = 7, &hub.Place{ID: 7, Name: "Hall", Latitude: lat(91), Longitude: lat(0)}
		}, nil},

		{"several problems at once", func(e *hub.Event) {
			e.Title, e.End, e.BookingURL, e.TimeZone = "", time.Time{}, "ftp://x", "Nowhere"
		}, []string{"booking_url", "end", "timezone", "title"}},
	})
}

func TestEventValidateMessageCountsFields(t *testing.T) {
	one := dropIn(t)
	one.Title = ""
	two := dropIn(t)
	two.Title, two.TimeZone = "", ""
	if msg := hub.ErrorMessage(one.Validate()); !strings.Contains(msg, "field ") || !strings.Contains(msg, "event") {
		t.Errorf("one faulty field: message %q", msg)
	}
	if msg := hub.ErrorMessage(two.Validate()); !strings.Contains(msg, "fields ") {
		t.Errorf("two faulty fields: message %q", msg)
	}
}

func TestEventValidateNormalises(t *testing.T) {
	london := zone(t, "Europe/London")
	e := &hub.Event{
		Title:      "  Tenants' meeting \n",
		TimeZone:   "Europe/London",
		Start:      time.Date(2026, 11, 3, 19, 0, 0, 0, time.UTC), // 19:00 GMT
		End:        time.Date(2026, 11, 3, 21, 0, 0, 0, time.UTC),
		OnlineURL:  " https://meet.example.org/tenants ",
		BookingURL: "\thttps://example.org/book\n",
		Tags:       []string{" #Housing", "housing", "", "Tenants' rights", "#", "tenants rights"},
		Recurrence: "rrule:freq=monthly;byday=1tu",
		Exceptions: []string{"2027-01-05 ", "2026-12-01", "", "2027-01-05"},
		Place:      &hub.Place{Name: "  Hulme Library  "},
	}
	if err := e.Validate(); err != nil {
		t.Fatalf("validate: %v", err)
	}
	checks := []struct {
		what      string
		got, want any
	}{
		{"title", e.Title, "Tenants' meeting"},
		{"online URL", e.OnlineURL, "https://meet.example.org/tenants"},
		{"booking URL", e.BookingURL, "https://example.org/book"},
		{"tags", e.Tags, []string{"Housing", "Tenants' rights"}},
		{"recurrence", e.Recurrence, "FREQ=MONTHLY;BYDAY=1TU"},
		{"exceptions", e.Exceptions, []string{"2026-12-01", "2027-01-05"}},
		{"start zone", e.Start.Location().String(), london.String()},
		{"end zone", e.End.Location().String(), london.String()},
		{"start wall clock", e.Start.Format("2006-01-02 15:04"), "2026-11-03 19:00"},
		{"place name", e.Place.Name, "Hulme Library"},
		{"unbounded series has no end", e.SeriesEnd, (*time.Time)(nil)},
	}
	for _, c := range checks {
		if !reflect.DeepEqual(c.got, c.want) {
			t.Errorf("%s = %#v, want %#v", c.what, c.got, c.want)
		}
	}
}

func TestEventValidateAllDay(t *testing.T) {
	london := zone(t, "Europe/London")
	tests := []struct {
		name           string
		start, end     time.Time
		wantStart      string // local, YYYY-MM-DD 15:04
		wantEnd        string
		wantHours      float64
		wantFieldError string
	}{
		{"no end date is one day", at(london, 2026, 5, 3, 0, 0), time.Time{}, "2026-05-03 00:00", "2026-05-04 00:00", 24, ""},
		{"start time is dropped", at(london, 2026, 5, 3, 15, 30), time.Time{}, "2026-05-03 00:00", "2026-05-04 00:00", 24, ""},
		{"end equal to start is one day", at(london, 2026, 5, 3, 0, 0), at(london, 2026, 5, 3, 0, 0), "2026-05-03 00:00", "2026-05-04 00:00", 24, ""},
		{"two days", at(london, 2026, 5, 3, 0, 0), at(london, 2026, 5, 5, 0, 0), "2026-05-03 00:00", "2026-05-05 00:00", 48, ""},
		{"end time on the end day is dropped", at(london, 2026, 5, 3, 9, 0), at(london, 2026, 5, 5, 17, 0), "2026-05-03 00:00", "2026-05-05 00:00", 48, ""},
		{"weekend with the autumn clock change", at(london, 2026, 10, 24, 0, 0), at(london, 2026, 10, 26, 0, 0), "2026-10-24 00:00", "2026-10-26 00:00", 49, ""},
		{"the short spring day", at(london, 2027, 3, 28, 0, 0), time.Time{}, "2027-03-28 00:00", "2027-03-29 00:00", 23, ""},
		{"end date before start date", at(london, 2026, 5, 3, 0, 0), at(london, 2026, 5, 1, 0, 0), "", "", 0, "end"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := &hub.Event{Title: "Fair", TimeZone: "Europe/London", AllDay: true, Start: tt.start, End: tt.end}
			err := e.Validate()
			if tt.wantFieldError != "" {
				if got := invalidFields(t, err); !slices.Equal(got, []string{tt.wantFieldError}) {
					t.Errorf("fields %v, want [%s]", got, tt.wantFieldError)
				}
				return
			}
			if err != nil {
				t.Fatalf("validate: %v", err)
			}
			if got := e.Start.In(london).Format("2006-01-02 15:04"); got != tt.wantStart {
				t.Errorf("start %s, want %s", got, tt.wantStart)
			}
			if got := e.End.In(london).Format("2006-01-02 15:04"); got != tt.wantEnd {
				t.Errorf("end %s, want %s", got, tt.wantEnd)
			}
			if got := e.End.Sub(e.Start).Hours(); got != tt.wantHours {
				t.Errorf("lasts %v hours, want %v", got, tt.wantHours)
			}
		})
	}
}

func TestEventValidateSeriesEnd(t *testing.T) {
	london := zone(t, "Europe/London")
	newYork := zone(t, "America/New_York")
	tests := []struct {
		name   string
		event  hub.Event
		want   string // RFC 3339 in the event's zone; "" for no end
		zoneOf *time.Location
	}{
		{"one-off ends at its end", hub.Event{TimeZone: "Europe/London",
			Start: at(london, 2026, 10, 6, 10, 0), End: at(london, 2026, 10, 6, 12, 0)},
			"2026-10-06T12:00:00+01:00", london},
		{"unbounded series has no end", hub.Event{TimeZone: "Europe/London", Recurrence: "FREQ=WEEKLY",
			Start: at(london, 2026, 10, 6, 10, 0), End: at(london, 2026, 10, 6, 12, 0)},
			"", london},
		{"COUNT across the clock change ends at local time", hub.Event{TimeZone: "Europe/London", Recurrence: "FREQ=DAILY;COUNT=3",
			Start: at(london, 2026, 10, 23, 19, 0), End: at(london, 2026, 10, 23, 21, 0)},
			"2026-10-25T21:00:00Z", london},
		{"UNTIL from the form includes an evening on the last day in New York", hub.Event{TimeZone: "America/New_York",
			Recurrence: hub.RepeatRule{Frequency: "WEEKLY", Until: "2026-12-29"}.RRule(at(newYork, 2026, 12, 1, 20, 0)),
			Start:      at(newYork, 2026, 12, 1, 20, 0), End: at(newYork, 2026, 12, 1, 22, 0)},
			"2026-12-29T22:00:00-05:00", newYork},
		{"all-day series ends at the day after its last day", hub.Event{TimeZone: "Europe/London", AllDay: true, Recurrence: "FREQ=WEEKLY;COUNT=2",
			Start: at(london, 2026, 10, 18, 0, 0), End: at(london, 2026, 10, 19, 0, 0)},
			"2026-10-26T00:00:00Z", london},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := tt.event
			e.Title = "Series"
			if err := e.Validate(); err != nil {
				t.Fatalf("validate: %v", err)
			}
			got := ""
			if e.SeriesEnd != nil {
				got = e.SeriesEnd.In(tt.zoneOf).Format(time.RFC3339)
			}
			if got != tt.want {
				t.Errorf("SeriesEnd %q, want %q", got, tt.want)
			}
		})
	}
}

func TestEventLocation(t *testing.T) {
	tests := []struct{ zone, want string }{
		{"Europe/London", "Europe/London"},
		{"America/New_York", "America/New_York"},
		{"", "UTC"},
		{"Nowhere/Special", "UTC"},
	}
	for _, tt := range tests {
		e := &hub.Event{TimeZone: tt.zone}
		if got := e.Location().String(); got != tt.want {
			t.Errorf("Location() for %q = %s, want %s", tt.zone, got, tt.want)
		}
	}
	if (&hub.Event{}).Recurring() || !(&hub.Event{Recurrence: "FREQ=DAILY"}).Recurring() {
		t.Error("Recurring() does not follow Recurrence")
	}
}
