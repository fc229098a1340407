package hub_test

import (
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/commonplace-hub/commonplace/hub"
)

func fieldKeys(err error) string {
	var keys []string
	for k := range hub.ErrorFields(err) {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return strings.Join(keys, ",")
}

func TestDomainEventValidate(t *testing.T) {
	london := zone(t, "Europe/London")
	base := func() *hub.Event {
		return &hub.Event{Title: "Drop-in", TimeZone: "Europe/London",
			Start: time.Date(2026, 10, 6, 10, 0, 0, 0, london), End: time.Date(2026, 10, 6, 12, 0, 0, 0, london)}
	}
	tests := []struct {
		name   string
		change func(*hub.Event)
		fields string // "" means valid
	}{
		{"valid one-off", func(e *hub.Event) {}, ""},
		{"valid weekly with exceptions", func(e *hub.Event) {
			e.Recurrence, e.Exceptions = "FREQ=WEEKLY;BYDAY=TU", []string{"2026-12-22"}
		}, ""},
		{"valid all-day", func(e *hub.Event) {
			e.AllDay, e.Start, e.End = true, time.Date(2026, 10, 10, 0, 0, 0, 0, london), time.Date(2026, 10, 12, 0, 0, 0, 0, london)
		}, ""},
		{"missing title", func(e *hub.Event) { e.Title = "  " }, "title"},
		{"title too long", func(e *hub.Event) { e.Title = strings.Repeat("x", hub.MaxTitle+1) }, "title"},
		{"missing end", func(e *hub.Event) { e.End = time.Time{} }, "end"},
		{"missing start", func(e *hub.Event) { e.Start = time.Time{} }, "start"},
		{"end before start", func(e *hub.Event) { e.End = e.Start.Add(-time.Hour) }, "end"},
		{"end equal to start", func(e *hub.Event) { e.End = e.Start }, "end"},
		{"longer than a month", func(e *hub.Event) { e.End = e.Start.AddDate(0, 2, 0) }, "end"},
		{"unknown zone", func(e *hub.Event) { e.TimeZone = "Mars/Olympus_Mons" }, "timezone"},
		{"javascript booking URL", func(e *hub.Event) { e.BookingURL = "javascript:alert(1)" }, "booking_url"},
		{"relative online URL", func(e *hub.Event) { e.OnlineURL = "/call" }, "online_url"},
		{"ftp online URL", func(e *hub.Event) { e.OnlineURL = "ftp://example.org/x" }, "online_url"},
		{"bad exception", func(e *hub.Event) { e.Recurrence, e.Exceptions = "FREQ=WEEKLY", []string{"24/12/2026"} }, "exceptions"},
		{"nonsense rule", func(e *hub.Event) { e.Recurrence = "FREQ=SOMETIMES" }, "recurrence"},
		{"hourly rule", func(e *hub.Event) { e.Recurrence = "FREQ=HOURLY" }, "recurrence"},
		{"too many tags", func(e *hub.Event) {
			for i := 0; i <= hub.MaxTagCount; i++ {
				e.Tags = append(e.Tags, "tag"+strings.Repeat("x", i))
			}
		}, "tags"},
		{"inline place without name keeps its field prefix", func(e *hub.Event) {
			lat := 91.0
			lng := 0.0
			e.Place = &hub.Place{Name: "Hall", Latitude: &lat, Longitude: &lng}
		}, "place_latitude"},
		{"several problems at once", func(e *hub.Event) { e.Title, e.End, e.BookingURL = "", time.Time{}, "nope" }, "booking_url,end,title"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := base()
			tt.change(e)
			err := e.Validate()
			if tt.fields == "" {
				if err != nil {
					t.Fatalf("valid event refused: %v %v", err, hub.ErrorFields(err))
				}
				return
			}
			if hub.ErrorCode(err) != hub.EINVALID {
				t.Fatalf("code %q, want EINVALID", hub.ErrorCode(err))
			}
			if got := fieldKeys(err); got != tt.fields {
				t.Errorf("fields %q, want %q", got, tt.fields)
			}
			for k, msg := range hub.ErrorFields(err) {
				if len(msg) < 10 {
					t.Errorf("field %s has an unhelpful message %q", k, msg)
				}
			}
		})
	}
}

// occurrenceTimes lists occurrences as local wall-clock times with offsets.
func occurrenceTimes(occ []hub.Occurrence) []string {
	var out []string
	for _, o := range occ {
		out = append(out, o.Start.Format("2006-01-02 15:04 -0700")+" to "+o.End.Format("15:04"))
	}
	return out
}

func TestDomainRecurrenceAcrossDST(t *testing.T) {
	tests := []struct {
		name       string
		zone       string
		start      [5]int // y m d h min, local
		minutes    int
		rule       string
		exceptions []string
		from, to   string // local dates, to exclusive
		want       []string
	}{
		{
			name: "weekly 19:00 in London across the October clock change", zone: "Europe/London",
			start: [5]int{2026, 10, 13, 19, 0}, minutes: 90, rule: "FREQ=WEEKLY;BYDAY=TU",
			from: "2026-10-01", to: "2026-11-04",
			want: []string{"2026-10-13 19:00 +0100 to 20:30", "2026-10-20 19:00 +0100 to 20:30", "2026-10-27 19:00 +0000 to 20:30", "2026-11-03 19:00 +0000 to 20:30"},
		},
		{
			name: "weekly in London across the March clock change", zone: "Europe/London",
			start: [5]int{2027, 3, 20, 10, 0}, minutes: 60, rule: "FREQ=WEEKLY",
			from: "2027-03-01", to: "2027-04-04",
			want: []string{"2027-03-20 10:00 +0000 to 11:00", "2027-03-27 10:00 +0000 to 11:00", "2027-04-03 10:00 +0100 to 11:00"},
		},
		{
			name: "New York across early November", zone: "America/New_York",
			start: [5]int{2026, 10, 26, 18, 0}, minutes: 60, rule: "FREQ=WEEKLY;BYDAY=MO",
			from: "2026-10-20", to: "2026-11-10",
			want: []string{"2026-10-26 18:00 -0400 to 19:00", "2026-11-02 18:00 -0500 to 19:00", "2026-11-09 18:00 -0500 to 19:00"},
		},
		{
			name: "event spanning the clock change keeps its wall-clock end", zone: "Europe/London",
			start: [5]int{2026, 10, 24, 22, 0}, minutes: 5 * 60, rule: "",
			from: "2026-10-24", to: "2026-10-26",
			want: []string{"2026-10-24 22:00 +0100 to 02:00"},
		},
		{
			name: "exceptions remove dates", zone: "Europe/London",
			start: [5]int{2026, 12, 1, 10, 0}, minutes: 120, rule: "FREQ=WEEKLY;BYDAY=TU", exceptions: []string{"2026-12-22", "2026-12-29"},
			from: "2026-12-01", to: "2027-01-07",
			want: []string{"2026-12-01 10:00 +0000 to 12:00", "2026-12-08 10:00 +0000 to 12:00", "2026-12-15 10:00 +0000 to 12:00", "2027-01-05 10:00 +0000 to 12:00"},
		},
		{
			name: "COUNT bounds the series", zone: "Europe/London",
			start: [5]int{2026, 10, 1, 9, 0}, minutes: 30, rule: "FREQ=DAILY;COUNT=3",
			from: "2026-09-01", to: "2026-12-01",
			want: []string{"2026-10-01 09:00 +0100 to 09:30", "2026-10-02 09:00 +0100 to 09:30", "2026-10-03 09:00 +0100 to 09:30"},
		},
		{
			name: "last Friday of the month", zone: "Europe/London",
			start: [5]int{2026, 10, 30, 18, 0}, minutes: 60, rule: "FREQ=MONTHLY;BYDAY=-1FR",
			from: "2026-10-01", to: "2027-01-01",
			want: []string{"2026-10-30 18:00 +0000 to 19:00", "2026-11-27 18:00 +0000 to 19:00", "2026-12-25 18:00 +0000 to 19:00"},
		},
		{
			name: "second Tuesday of the month", zone: "Europe/London",
			start: [5]int{2026, 10, 13, 14, 0}, minutes: 60, rule: "FREQ=MONTHLY;BYDAY=2TU",
			from: "2026-10-01", to: "2027-01-01",
			want: []string{"2026-10-13 14:00 +0100 to 15:00", "2026-11-10 14:00 +0000 to 15:00", "2026-12-08 14:00 +0000 to 15:00"},
		},
		{
			name: "window clips, keeping one still running at its start", zone: "Europe/London",
			start: [5]int{2026, 10, 5, 23, 0}, minutes: 120, rule: "FREQ=DAILY",
			from: "2026-10-07", to: "2026-10-08",
			want: []string{"2026-10-06 23:00 +0100 to 01:00", "2026-10-07 23:00 +0100 to 01:00"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			loc := zone(t, tt.zone)
			s := tt.start
			start := time.Date(s[0], time.Month(s[1]), s[2], s[3], s[4], 0, 0, loc)
			e := &hub.Event{Title: "x", TimeZone: tt.zone, Start: start, End: start.Add(time.Duration(tt.minutes) * time.Minute), Recurrence: tt.rule, Exceptions: tt.exceptions}
			if err := e.Validate(); err != nil {
				t.Fatalf("validate: %v %v", err, hub.ErrorFields(err))
			}
			from, _ := time.ParseInLocation("2006-01-02", tt.from, loc)
			to, _ := time.ParseInLocation("2006-01-02", tt.to, loc)
			got := occurrenceTimes(e.Occurrences(from, to, 100))
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("got\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(tt.want, "\n  "))
			}
		})
	}
}

func TestDomainAllDayRecurringKeepsWholeDays(t *testing.T) {
	london := zone(t, "Europe/London")
	e := &hub.Event{Title: "Market", TimeZone: "Europe/London", AllDay: true, Recurrence: "FREQ=WEEKLY",
		Start: time.Date(2026, 10, 17, 0, 0, 0, 0, london), End: time.Date(2026, 10, 18, 0, 0, 0, 0, london)}
	if err := e.Validate(); err != nil {
		t.Fatal(err)
	}
	occ := e.Occurrences(time.Date(2026, 10, 1, 0, 0, 0, 0, london), time.Date(2026, 11, 1, 0, 0, 0, 0, london), 10)
	if len(occ) != 3 {
		t.Fatalf("%d occurrences", len(occ))
	}
	for _, o := range occ {
		if o.Start.Hour() != 0 || o.End.Hour() != 0 || o.End.Sub(o.Start) < 23*time.Hour {
			t.Errorf("occurrence %v to %v is not a whole local day", o.Start, o.End)
		}
	}
	// 25 October 2026 is 25 hours long in London.
	if occ[1].Date() != "2026-10-24" || occ[2].Date() != "2026-10-31" {
		t.Errorf("dates %s %s", occ[1].Date(), occ[2].Date())
	}
}

func TestDomainMaxBoundsExpansion(t *testing.T) {
	london := zone(t, "Europe/London")
	e := &hub.Event{Title: "x", TimeZone: "Europe/London", Recurrence: "FREQ=DAILY",
		Start: time.Date(2026, 1, 1, 9, 0, 0, 0, london), End: time.Date(2026, 1, 1, 10, 0, 0, 0, london)}
	if n := len(e.Occurrences(e.Start, e.Start.AddDate(5, 0, 0), 7)); n != 7 {
		t.Errorf("max 7 gave %d", n)
	}
}

func TestDomainRepeatRuleRoundTrip(t *testing.T) {
	london := zone(t, "Europe/London")
	firstThursday := time.Date(2026, 11, 5, 18, 30, 0, 0, london)
	tests := []struct {
		rule     hub.RepeatRule
		rrule    string
		describe string
	}{
		{hub.RepeatRule{Frequency: "WEEKLY", Interval: 1, Weekdays: []string{"TU"}}, "FREQ=WEEKLY;BYDAY=TU", "Every week on Tuesday"},
		{hub.RepeatRule{Frequency: "WEEKLY", Interval: 2, Weekdays: []string{"MO", "TH"}}, "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH", "Every other week on Monday and Thursday"},
		{hub.RepeatRule{Frequency: "MONTHLY", Interval: 1, MonthWeek: 1}, "FREQ=MONTHLY;BYDAY=1TH", "first Thursday"},
		{hub.RepeatRule{Frequency: "MONTHLY", Interval: 1, MonthWeek: -1}, "FREQ=MONTHLY;BYDAY=-1TH", "last Thursday"},
		{hub.RepeatRule{Frequency: "DAILY", Interval: 1, Count: 5}, "FREQ=DAILY;COUNT=5", "5 times"},
		{hub.RepeatRule{Frequency: "WEEKLY", Interval: 1, Until: "2027-03-31"}, "FREQ=WEEKLY;UNTIL=20270331T235959", "until"},
	}
	for _, tt := range tests {
		t.Run(tt.rrule, func(t *testing.T) {
			got := tt.rule.RRule(firstThursday)
			if got != tt.rrule {
				t.Fatalf("RRule() = %q, want %q", got, tt.rrule)
			}
			back, ok := hub.ParseRepeatRule(got)
			if !ok {
				t.Fatalf("ParseRepeatRule(%q) not simple", got)
			}
			if back.RRule(firstThursday) != got {
				t.Errorf("round trip gave %+v", back)
			}
			if d := hub.Describe(got, firstThursday); !strings.Contains(d, tt.describe) {
				t.Errorf("Describe = %q, want it to mention %q", d, tt.describe)
			}
		})
	}
	for _, complex := range []string{"FREQ=MONTHLY;BYSETPOS=-1;BYDAY=MO,TU,WE,TH,FR", "FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=1,15"} {
		if _, ok := hub.ParseRepeatRule(complex); ok {
			t.Errorf("%s cannot be shown in the simple form but ParseRepeatRule said it can", complex)
		}
	}
}

func TestDomainSlugify(t *testing.T) {
	tests := map[string]string{
		"Tenants' Union Meeting":   "tenants-union-meeting",
		"Café & Crêpes — Ünïcode!": "cafe-crepes-unicode",
		"  --Spaces--  ":           "spaces",
		"🎉🎉":                       "item",
		"2026 AGM":                 "2026-agm",
	}
	for in, want := range tests {
		if got := hub.Slugify(in); got != want {
			t.Errorf("Slugify(%q) = %q, want %q", in, got, want)
		}
	}
	if long := hub.Slugify(strings.Repeat("word ", 100)); len(long) > 100 || strings.HasSuffix(long, "-") {
		t.Errorf("long slug %q", long)
	}
}

func TestDomainOtherValidation(t *testing.T) {
	lat, badLat := 53.4, 95.0
	tests := []struct {
		name   string
		err    error
		fields string
	}{
		{"place ok", (&hub.Place{Name: "Hall"}).Validate(), ""},
		{"place without name", (&hub.Place{}).Validate(), "name"},
		{"place with one coordinate", (&hub.Place{Name: "Hall", Latitude: &lat}).Validate(), "latitude"},
		{"place off the globe", (&hub.Place{Name: "Hall", Latitude: &badLat, Longitude: &lat}).Validate(), "latitude"},
		{"guide without body", (&hub.Guide{Title: "G"}).Validate(), "body"},
		{"case study without problem", (&hub.CaseStudy{Title: "C"}).Validate(), "problem"},
		{"organiser ok", (&hub.Organiser{Email: "Sam@Example.org", Name: "Sam", Role: hub.RoleEditor}).Validate(), ""},
		{"organiser bad email and role", (&hub.Organiser{Email: "sam at example", Name: "Sam", Role: "boss"}).Validate(), "email,role"},
		{"settings bad colour and zone", (&hub.Settings{Name: "Hub", TimeZone: "Nowhere", Language: "en", AccentColour: "green", Handle: "hub"}).Validate(), "accent_colour,timezone"},
		{"settings handle with a dot", (&hub.Settings{Name: "Hub", TimeZone: "UTC", AccentColour: "#000000", Handle: "hulme.hub"}).Validate(), "handle"},
		{"settings handle empty", (&hub.Settings{Name: "Hub", TimeZone: "UTC", AccentColour: "#000000"}).Validate(), "handle"},
		{"settings handle too long", (&hub.Settings{Name: "Hub", TimeZone: "UTC", AccentColour: "#000000", Handle: strings.Repeat("a", 31)}).Validate(), "handle"},
		{"settings handle with @ and capitals is tidied", (&hub.Settings{Name: "Hub", TimeZone: "UTC", AccentColour: "#000000", Handle: " @Hulme_Hub "}).Validate(), ""},
		{"settings ok", func() error { s := hub.DefaultSettings(); return s.Validate() }(), ""},
	}
	for _, tt := range tests {
		if got := fieldKeys(tt.err); got != tt.fields {
			t.Errorf("%s: fields %q, want %q (%v)", tt.name, got, tt.fields, tt.err)
		}
	}
}

func TestDomainTagsAreOneLine(t *testing.T) {
	g := &hub.Guide{Title: "G", Body: "b", Tags: []string{"food\nbank", " #Food \t Bank", "a\x00b"}}
	if err := g.Validate(); err != nil {
		t.Fatal(err)
	}
	if strings.Join(g.Tags, "|") != "food bank|a b" {
		t.Errorf("tags %q", g.Tags)
	}
}

func TestSearchHitPresentation(t *testing.T) {
	for _, c := range []struct {
		hit  hub.SearchHit
		want string
	}{
		{hub.SearchHit{Local: true, Kind: hub.KindEvent, Slug: "tea"}, "/events/tea"},
		{hub.SearchHit{Local: true, Kind: hub.KindGuide, Slug: "rota"}, "/guides/rota"},
		{hub.SearchHit{Local: true, Kind: hub.KindCaseStudy, Slug: "fridge"}, "/case-studies/fridge"},
		{hub.SearchHit{Kind: hub.KindEvent, ID: 42, Slug: "ignored"}, "/commons/42"},
	} {
		if got := c.hit.URL(); got != c.want {
			t.Errorf("%+v: URL %q, want %q", c.hit, got, c.want)
		}
	}
	snippet := "a <b> & " + hub.SnippetMatchStart + "toaster" + hub.SnippetMatchEnd + " \"here\""
	if got, want := hub.SnippetHTML(snippet), `a &lt;b&gt; &amp; <mark>toaster</mark> &#34;here&#34;`; got != want {
		t.Errorf("SnippetHTML: %q, want %q", got, want)
	}
}
