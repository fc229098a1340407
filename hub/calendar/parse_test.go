package calendar_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/commonplace-hub/commonplace/hub/calendar"
)

// describe writes an imported event the way the expectations below are
// written: local start and end in the event's zone, the zone, the title,
// and for a series its rule and exception dates.
func describe(it calendar.Item) string {
	e := it.Event
	var when string
	switch {
	case e.AllDay:
		days := int(e.End.Sub(e.Start).Round(24*time.Hour).Hours() / 24)
		when = e.Start.Format("2006-01-02") + " all day"
		if days > 1 {
			when += fmt.Sprintf(" x%d", days)
		}
	case e.Start.Format("2006-01-02") == e.End.Format("2006-01-02"):
		when = e.Start.Format("2006-01-02 15:04") + "-" + e.End.Format("15:04")
	default:
		when = e.Start.Format("2006-01-02 15:04") + "→" + e.End.Format("2006-01-02 15:04")
	}
	s := when + " " + e.TimeZone + " " + e.Title
	if e.Recurrence != "" {
		s += " [" + e.Recurrence + "]"
	}
	if len(e.Exceptions) > 0 {
		s += " except " + strings.Join(e.Exceptions, ",")
	}
	for _, m := range e.Statuses {
		s += " (" + string(m.Status)
		if m.Date != "" {
			s += " " + m.Date
		}
		s += ")"
	}
	return s
}

// describeItems describes each imported event, in order.
func describeItems(res *calendar.Result) []string {
	var out []string
	for _, it := range res.Items {
		out = append(out, describe(it))
	}
	return out
}

// sameLines fails the test unless got and want are the same lines.
func sameLines(t *testing.T, what string, got, want []string) {
	t.Helper()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("%s:\n%s\nwant:\n%s", what, strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func day(s string) time.Time {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return t
}

// TestParseFixtures imports every real-world feed in testdata. The
// expectations were worked out by reading each file (see testdata/README.md
// for what each exercises); "now" is set before the file's events so that
// they fall in the import window.
func TestParseFixtures(t *testing.T) {
	tests := []struct {
		file   string
		now    time.Time
		months int
		zone   string // the hub's zone
		// count is the number of hub events; want lists them in start order
		// when it has count entries, else some that must be among them.
		count       int
		want        []string
		skipped     []string // "title: reason substring", in order
		outOfWindow int
		cancelled   int
		name        string
		check       func(t *testing.T, res *calendar.Result)
	}{
		{
			file: "apple-icloud-published-calendar-recurrence-id.ics", now: day("2018-10-01"), months: 48, zone: "Europe/London",
			count: 4, name: "PlaceCal",
			want: []string{
				// BYSETPOS and a multi-day event; the 2 November 2019 override
				// becomes an exception plus its own event.
				"2018-10-06 09:00→2018-10-07 18:00 Europe/London Bentley Exchange [FREQ=MONTHLY;BYDAY=SA;BYSETPOS=1] except 2019-11-02",
				"2019-11-02 09:00→2019-11-03 18:00 Europe/London Bentley Exchange",
				"2021-08-05 09:00→2021-08-08 10:00 Europe/London Honey",
				"2022-05-15 21:00-22:00 Europe/London New Event [FREQ=DAILY;UNTIL=20220707T200000Z]",
			},
		},
		{
			file: "categories-with-escaped-commas.ics", now: day("2014-02-01"), zone: "Europe/London",
			count: 1,
			// No DTEND: the hub gives it a nominal hour.
			want: []string{"2014-02-04 14:00-15:00 Europe/London Test Event with Categories Containing Commas"},
			check: func(t *testing.T, res *calendar.Result) {
				got := strings.Join(res.Items[0].Event.Tags, "|")
				if got != "Meeting, John|Work, Sarah|Project" {
					t.Errorf("tags = %q", got)
				}
			},
		},
		{
			file: "davx5-multivalue-exdate-duration.ics", now: day("2019-10-01"), zone: "Europe/London",
			count: 1,
			// Nine UTC EXDATEs in one folded property; 16:15 local both
			// sides of the October clock change; DURATION 1h30.
			want: []string{"2019-10-15 16:15-17:45 Europe/Berlin Test [FREQ=WEEKLY;UNTIL=20200204T151459Z;BYDAY=TU;WKST=SU] except 2019-10-15,2019-10-22,2019-11-05,2019-11-19,2019-11-26,2019-12-03,2019-12-17,2019-12-24,2019-12-31"},
			check: func(t *testing.T, res *calendar.Result) {
				e := res.Items[0].Event
				if !strings.HasPrefix(e.Description, "Where: Example") {
					t.Errorf("description = %q", e.Description)
				}
				var dates []string
				for _, o := range e.Occurrences(day("2019-10-01"), day("2020-03-01"), 0) {
					dates = append(dates, o.Start.Format("01-02 15:04"))
				}
				if got := strings.Join(dates, " "); got != "10-29 16:15 11-12 16:15 12-10 16:15 01-07 16:15 01-14 16:15 01-21 16:15 01-28 16:15" {
					t.Errorf("occurrences = %s", got)
				}
			},
		},
		{
			file: "facebook-event-export.ics", now: day("2018-08-01"), zone: "Europe/London",
			count: 1,
			want:  []string{"2018-08-31 08:00-11:00 Europe/London Photo Comp - Prize Giving"},
			check: func(t *testing.T, res *calendar.Result) {
				e := res.Items[0].Event
				if e.BookingURL != "https://www.facebook.com/events/501511573641525/" {
					t.Errorf("booking URL = %q", e.BookingURL)
				}
				if !strings.Contains(e.Description, "West Coast Alpine Club is open!\nEntries close midnight") || !strings.HasPrefix(e.Description, "Where: TBC") {
					t.Errorf("description = %q", e.Description)
				}
			},
		},
		{
			file: "google-moved-occurrence-last-friday-berlin.ics", now: day("2021-11-20"), zone: "Europe/London",
			count: 2, name: "Partyborn Zeitgeist",
			want: []string{
				// DTEND equals DTSTART: a nominal hour. The 31 December
				// occurrence moved to the 17th, listed before its master.
				"2021-11-26 21:30-22:30 Europe/Berlin Karaoke [FREQ=MONTHLY;BYDAY=-1FR] except 2021-12-31",
				"2021-12-17 21:30-22:30 Europe/Berlin Karaoke",
			},
			check: func(t *testing.T, res *calendar.Result) {
				d := res.Items[0].Event.Description
				if d != "Jeden letzten Freitag im Monat <https://www.instagram.com/p/CWwxmqbKXsC/>" {
					t.Errorf("description = %q", d)
				}
			},
		},
		{
			file: "google-placecal-hulme-moss-side-public-feed.ics", now: day("2018-06-01"), zone: "Europe/London",
			// 34 endless series and one that ends on 19 June 2018; every
			// one-off event, COUNT series and override is over by then.
			count: 35, outOfWindow: 139 - 35 - 3, name: "PlaceCal: Hulme & Moss Side",
			want: []string{
				"2016-02-12 14:00-16:00 Europe/Dublin Handmade [FREQ=WEEKLY;INTERVAL=1;BYDAY=FR] except 2016-02-19,2016-03-25",
				"2016-03-07 10:00-17:00 America/New_York MTTC A Byte to Eat [FREQ=WEEKLY;BYDAY=MO]",
				"2016-03-08 10:00-12:00 Europe/Dublin So Sew Group [FREQ=WEEKLY;BYDAY=TU] except 2018-03-13",
				"2016-03-09 11:00-13:00 Europe/Dublin Dementia Friends Walk and Talk Group [FREQ=WEEKLY;UNTIL=20180619T225959Z;BYDAY=WE]",
				"2016-04-07 11:30-17:00 Europe/Dublin Carers Support drop in (1st Thursday of the month) [FREQ=MONTHLY;BYDAY=1TH] except 2018-05-03",
				"2016-04-19 09:00-13:00 Europe/Dublin Hulme Library Assistance [FREQ=WEEKLY;BYDAY=TU,TH,SA] except 2018-03-13,2018-03-15,2018-05-03",
				"2018-06-20 16:00-18:00 Europe/Dublin Dementia Friends Walk and Talk Group [FREQ=WEEKLY;BYDAY=WE]",
			},
		},
		{
			file: "google-placecal-import-test-all-day-utc.ics", now: day("2018-11-20"), zone: "UTC",
			// X-WR-TIMEZONE, not the hub's zone, places the dates and the UTC event.
			count: 11, name: "justin-placecal-test",
			want: []string{
				"2018-11-25 all day Europe/London 1", "2018-11-26 all day Europe/London 2", "2018-11-27 all day Europe/London 3",
				"2018-11-28 10:00-10:30 Europe/London 4", "2018-11-29 all day Europe/London 5", "2018-11-30 all day Europe/London 6",
				"2018-12-01 all day Europe/London 7", "2018-12-02 all day Europe/London 8", "2018-12-03 all day Europe/London 9",
				"2018-12-04 all day Europe/London 10", "2018-12-05 all day Europe/London 11",
			},
		},
		{
			file: "google-recurring-exdate-recurrence-id-multiday.ics", now: day("2018-07-01"), zone: "Europe/London",
			count: 7, name: "Test Data",
			want: []string{
				"2018-07-03 09:30-11:30 Pacific/Auckland Tuesday Mornings [FREQ=WEEKLY;UNTIL=20180828T115959Z;BYDAY=TU] except 2018-07-24,2018-07-31,2018-08-14",
				"2018-07-13 all day x3 Pacific/Auckland Three days off",
				"2018-07-18 10:00-10:30 Pacific/Auckland Little Wednesday",
				"2018-07-24 07:00-08:00 Pacific/Auckland Conference Call",
				"2018-07-25 09:30-11:30 Pacific/Auckland Tuesday Mornings Postponed",
				"2018-07-26 09:00-20:30 Pacific/Auckland Big Thursday",
				"2018-07-31 09:30-11:30 Pacific/Auckland Tuesday Morning Extra Info",
			},
		},
		{
			file: "google-x-wr-timezone-utc-only.ics", now: day("2021-12-01"), zone: "Europe/London",
			count: 2, name: "This calendar features two events of which DTSTART and DTEND must be changed.",
			want: []string{
				"2021-12-22 12:00-13:00 America/New_York Google Calendar says this is noon to 1PM on 12/22/2021",
				"2021-12-22 21:00-22:00 America/New_York Google says this is 9PM to 10PM on 12/22/2021",
			},
		},
		{file: "malformed-blank-line-inside-calendar.ics", now: day("2020-01-01"), zone: "Europe/London"},
		{file: "malformed-bom-empty-calendar.ics", now: day("2020-01-01"), zone: "Europe/London"},
		{
			file: "malformed-invalid-dtstart.ics", now: day("2020-01-01"), zone: "Europe/London",
			skipped: []string{`event test-123: DTSTART "INVALID-DATE" is not a date or a date-time.`},
		},
		{
			file: "malformed-rrule-typo-missing-vtimezone-london.ics", now: day("2019-07-01"), zone: "UTC",
			// Europe/London without a VTIMEZONE is fine; the misspelt UNTIL
			// is not guessed at.
			skipped: []string{`"blabla": its repeat rule (RRULE:FREQ=WEEKLY;UNTL=20191023;BYDAY=TH;WKST=SU) could not be read: unknown RRULE property: UNTL.`},
		},
		{
			file: "meetup-london-group-feed-emoji.ics", now: day("2026-01-15"), zone: "Europe/London",
			// The retreat on 5 February 2027 is beyond the 12-month window.
			count: 7, outOfWindow: 1, name: "London Bisexual Women Games, Snacks & Wine Group",
			want: []string{
				"2026-01-30 19:00-22:00 Europe/London London Bisexual Women Games, Snacks & Wine Night: Barbiecore Glam Edition",
				"2026-02-13 19:00-22:00 Europe/London London Bisexual Women Games, Snacks & Wine Night: Queer Western Edition",
				"2026-04-17 19:00-22:00 Europe/London London Bisexual Women Games, Snacks & Wine Night: Being Evil 😈🃏",
				"2026-11-06 19:00-22:00 Europe/London London Bisexual Women Games, Snacks & Wine Night: Top Chef Edition 🍝🍷",
				"2026-11-13 19:00-22:00 Europe/London London Bisexual Women Games, Snacks & Wine Night: Bookworms & Bluffers 📚🃏",
				"2026-11-20 19:00-22:00 Europe/London London Bisexual Women Games, Snacks & Wine Night: Shakespeare at the Table 🎭✒️",
				"2026-12-11 19:00-22:00 Europe/London London Bisexual Women Games, Snacks & Wine Night: Yak Attack 🐮🌈💥",
			},
			check: func(t *testing.T, res *calendar.Result) {
				if u := res.Items[0].Event.BookingURL; u != "https://www.meetup.com/london-bisexual-women-games-wine-group/events/310825987/" {
					t.Errorf("URL folded across lines = %q", u)
				}
			},
		},
		{
			file: "nextcloud-sabredav-weekly-utc-exdates.ics", now: day("2019-03-01"), zone: "Europe/London",
			count: 1, name: "test",
			// EXDATEs at 23:30 UTC the day before are local Monday 00:30.
			want: []string{"2019-03-04 00:30-01:00 Europe/Berlin test6 [FREQ=WEEKLY;COUNT=8] except 2019-03-11,2019-03-25"},
		},
		{
			file: "outlook-exchange2010-gmt-standard-time.ics", now: day("2022-11-01"), zone: "UTC",
			count: 1, name: "Trans Dimension calendar",
			want: []string{"2022-11-10 17:30-19:30 Europe/London Free [FREQ=WEEKLY;UNTIL=20240118T173000Z;INTERVAL=1;BYDAY=TH;WKST=MO]"},
			check: func(t *testing.T, res *calendar.Result) {
				// "GMT Standard Time" is London: 17:30 in summer time too.
				occ := res.Items[0].Event.Occurrences(day("2023-06-01"), day("2023-06-02"), 0)
				if len(occ) != 1 || occ[0].Start.Format("15:04 MST") != "17:30 BST" {
					t.Errorf("summer occurrence = %v", occ)
				}
			},
		},
		{
			file: "outlook-exchange2010-via-evolution-broken-lines.ics", now: day("2020-04-20"), zone: "UTC",
			count: 1, name: "Events",
			// Blank lines, DTSTART's value on a continuation line, a
			// floating UNTIL (local midnight) and a UTC EXDATE.
			want: []string{"2020-04-26 14:00-14:30 Europe/Berlin Reoccur [FREQ=DAILY;UNTIL=20200429T000000] except 2020-04-27"},
		},
		{file: "outlook-live-empty-calendar.ics", now: day("2020-01-01"), zone: "Europe/London", name: "ACCG Public Events"},
		{
			file: "outlook2003-floating-quoted-printable-two-vcalendars.ics", now: day("2018-07-01"), zone: "Pacific/Auckland",
			// Two VCALENDARs; floating times are the hub's zone.
			count: 2,
			want: []string{
				"2018-07-30 09:25-10:15 Pacific/Auckland Sounds Air - Flight Reminder",
				"2018-07-31 08:15-09:00 Pacific/Auckland Sounds Air - Flight Reminder",
			},
			check: func(t *testing.T, res *calendar.Result) {
				want := "Booking number 9876543\n\nYour outgoing route is Westport > Wellington.\nThis route departs Westport on 30/Jul/2018 09:25"
				if d := res.Items[0].Event.Description; !strings.HasPrefix(d, want) {
					t.Errorf("quoted-printable description = %q", d)
				}
			},
		},
		{
			file: "recurrence-id-range-thisandfuture.ics", now: day("2024-08-31"), zone: "UTC",
			// RANGE=THISANDFUTURE: one hub event per occurrence. 182 from
			// the rule up to the window's end (31 August 2025) and one RDATE.
			count: 183,
			want: []string{
				"2024-09-01 12:00-14:00 UTC ORIGINAL EVENT",
				"2024-09-11 12:00-14:00 UTC ORIGINAL EVENT",
				"2024-09-13 09:00-16:00 UTC MODIFIED EVENT", // -3h, 7 hours, from here on
				"2024-09-14 06:00-13:00 UTC MODIFIED EVENT", // the RDATE, shifted too
				"2024-09-15 17:00-19:00 UTC MODIFIED EVENT", // its own override
				"2024-09-17 09:00-16:00 UTC MODIFIED EVENT",
				"2024-09-19 09:00-16:00 UTC MODIFIED EVENT",
				"2024-09-22 14:22-16:13 UTC EDITED EVENT", // +1 day 2h22, from the 21st on
				"2024-09-24 14:22-16:13 UTC EDITED EVENT",
				"2025-08-30 14:22-16:13 UTC EDITED EVENT",
			},
			check: func(t *testing.T, res *calendar.Result) {
				for _, it := range res.Items {
					if it.Event.Recurrence != "" || it.Occurrence == "" {
						t.Fatalf("%s: want one event per occurrence", describe(it))
					}
				}
				if it := res.Items[7]; it.Occurrence != "20240914T090000Z" {
					t.Errorf("the RDATE occurrence is keyed %q", it.Occurrence)
				}
			},
		},
		{
			file: "thunderbird-cancelled-occurrence.ics", now: day("2020-01-20"), zone: "Europe/London",
			count: 1, cancelled: 1,
			// The cancelled date stays, marked cancelled, not skipped.
			want: []string{"2020-01-28 22:00-23:00 Europe/Berlin one is cancelled [FREQ=DAILY;COUNT=3] (cancelled 2020-01-29)"},
			check: func(t *testing.T, res *calendar.Result) {
				var got []string
				for _, o := range res.Items[0].Event.Occurrences(day("2020-01-01"), day("2020-02-01"), 0) {
					got = append(got, o.Date()+" "+string(o.Status))
				}
				if strings.Join(got, ", ") != "2020-01-28 , 2020-01-29 cancelled, 2020-01-30 " {
					t.Errorf("occurrences %q", got)
				}
			},
		},
		{
			file: "thunderbird-europe-london-exdate-recurrence-id-dst.ics", now: day("2024-03-20"), zone: "Europe/London",
			count: 7,
			want: []string{
				"2024-03-26 01:00→2024-03-30 07:00 Europe/London event 1",
				"2024-03-26 03:00-07:00 Europe/London event 2 [FREQ=DAILY;UNTIL=20240402T020000Z] except 2024-03-27,2024-03-28,2024-03-29,2024-03-30,2024-03-31,2024-04-01,2024-04-02",
				"2024-03-27 03:00-07:00 Europe/London event 3",
				"2024-03-27 04:00→2024-03-28 16:00 Europe/London event 4",
				"2024-03-27 16:00-20:00 Europe/London event 5",
				"2024-03-28 all day Europe/London event 6 [FREQ=DAILY;COUNT=2] except 2024-03-29",
				"2024-03-29 all day Europe/London event 7",
			},
		},
		{
			file: "wordpress-ai1ec-fablab-cottbus-geo.ics", now: day("2018-10-01"), zone: "UTC",
			count: 9, outOfWindow: 19,
			want: []string{
				"2018-01-06 14:00-17:00 Europe/Berlin Repair Café [FREQ=MONTHLY;BYDAY=1SA]",
				"2018-10-08 18:00-22:00 Europe/Berlin Websites selbst programmieren",
				"2018-10-11 18:00-20:00 Europe/Berlin 3D-Modelle programmieren mit OpenSCAD",
				"2018-10-13 15:00-17:30 Europe/Berlin Luftqualität: Ein Workshop zum selber messen",
				"2018-10-14 12:00-14:00 Europe/Berlin Pflanzenüberwachung mit Arduino",
				"2018-10-18 15:00-18:00 Europe/Berlin LaTeX für Einsteigende",
				"2018-10-19 15:00-18:00 Europe/Berlin Alternative Betriebssysteme für das Smartphone",
				"2018-10-20 13:00-17:00 Europe/Berlin Vom physikalische Ereignis zum Datensatz",
				"2018-10-21 12:00-16:00 Europe/Berlin Audiogesteuerte Lichter",
			},
			check: func(t *testing.T, res *calendar.Result) {
				if d := res.Items[1].Event.Description; !strings.HasPrefix(d, "Where: FabLabCB @ Walther-Pauer-Straße 5, 03044 Cottbus") {
					t.Errorf("description = %q", d)
				}
			},
		},
		{
			file: "wordpress-events-manager-community-centre.ics", now: day("2023-09-19"), zone: "UTC",
			// Calendar-level TZID and X-WR-TIMEZONE; the feed's own
			// VTIMEZONE (one DAYLIGHT block) is ignored for the IANA zone.
			count: 50,
			want: []string{
				"2023-09-20 12:30-18:00 Europe/London Empty slot",
				"2023-09-20 18:30-19:30 Europe/London YOGA",
				"2023-10-08 18:30-21:30 Europe/London Dance Sun Dance Manchester",
			},
			check: func(t *testing.T, res *calendar.Result) {
				yoga := res.Items[1].Event
				if strings.Contains(yoga.Description, "#_") || strings.Contains(yoga.Description, "&nbsp") || !strings.HasPrefix(yoga.Description, "Flow and Restore Yoga.") {
					t.Errorf("description = %q", yoga.Description)
				}
				if strings.Join(yoga.Tags, ",") != "Activities" || yoga.BookingURL != "https://www.birchcommunitycentre.co.uk/events/yoga-2023-09-20/" {
					t.Errorf("tags %v, URL %q", yoga.Tags, yoga.BookingURL)
				}
			},
		},
	}

	files, _ := filepath.Glob("testdata/*.ics")
	if len(files) != len(tests) {
		t.Errorf("%d files in testdata, %d cases: every file needs a case", len(files), len(tests))
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			f, err := os.Open(filepath.Join("testdata", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			res, err := calendar.Parse(f, calendar.Options{Now: tt.now, Months: tt.months, DefaultZone: tt.zone})
			if err != nil {
				t.Fatal(err)
			}
			got := describeItems(res)
			if len(res.Items) != tt.count {
				t.Errorf("%d events, want %d:\n%s", len(res.Items), tt.count, strings.Join(got, "\n"))
			}
			if len(tt.want) == tt.count {
				for i := range min(len(got), len(tt.want)) {
					if got[i] != tt.want[i] {
						t.Errorf("event %d:\n got %s\nwant %s", i, got[i], tt.want[i])
					}
				}
			} else {
				have := map[string]bool{}
				for _, g := range got {
					have[g] = true
				}
				for _, w := range tt.want {
					if !have[w] {
						t.Errorf("missing %s", w)
					}
				}
			}
			var skipped []string
			for _, s := range res.Skipped {
				skipped = append(skipped, strings.TrimPrefix(s.String(), fmt.Sprintf("line %d: ", s.Line)))
			}
			sameLines(t, "skipped", skipped, tt.skipped)
			if res.OutOfWindow != tt.outOfWindow || res.Cancelled != tt.cancelled {
				t.Errorf("out of window %d, cancelled %d; want %d, %d", res.OutOfWindow, res.Cancelled, tt.outOfWindow, tt.cancelled)
			}
			if res.Name != tt.name {
				t.Errorf("calendar name %q, want %q", res.Name, tt.name)
			}
			if tt.check != nil && len(res.Items) > 0 {
				tt.check(t, res)
			}
		})
	}
}
