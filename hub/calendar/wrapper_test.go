package calendar_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/commonplace-hub/commonplace/hub/calendar"
)

// vcal wraps content lines in a calendar, CRLF-terminated.
func vcal(lines ...string) string {
	return "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n" + strings.Join(lines, "\r\n") + "\r\nEND:VCALENDAR\r\n"
}

// customZone is a zone only the feed knows: UTC+3, with "summer time" at
// UTC+4 from the last Sunday of March to the last Sunday of October.
const customZone = "BEGIN:VTIMEZONE\r\nTZID:Community Standard Time\r\n" +
	"BEGIN:STANDARD\r\nDTSTART:16010101T030000\r\nTZOFFSETFROM:+0400\r\nTZOFFSETTO:+0300\r\nRRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10\r\nEND:STANDARD\r\n" +
	"BEGIN:DAYLIGHT\r\nDTSTART:16010101T020000\r\nTZOFFSETFROM:+0300\r\nTZOFFSETTO:+0400\r\nRRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3\r\nEND:DAYLIGHT\r\n" +
	"END:VTIMEZONE"

// TestParseWrapper covers what the wrapper adds to go-ical, on small
// feeds written for the case.
func TestParseWrapper(t *testing.T) {
	tests := []struct {
		name    string
		feed    string
		zone    string
		want    []string
		skipped []string
	}{
		{
			name: "custom VTIMEZONE: offsets computed from its rules, one event per occurrence, shown in the hub's zone",
			feed: vcal(customZone,
				"BEGIN:VEVENT", "UID:a", "SUMMARY:Repair café", "DTSTART;TZID=Community Standard Time:20260321T120000",
				"DTEND;TZID=Community Standard Time:20260321T140000", "RRULE:FREQ=WEEKLY;COUNT=3", "END:VEVENT"),
			zone: "UTC",
			// 12:00 at +03:00 is 09:00 UTC; after 29 March at +04:00, 08:00 UTC.
			want: []string{"2026-03-21 09:00-11:00 UTC Repair café", "2026-03-28 09:00-11:00 UTC Repair café", "2026-04-04 08:00-10:00 UTC Repair café"},
		},
		{
			name: "Windows zone name without a VTIMEZONE",
			feed: vcal("BEGIN:VEVENT", "UID:b", "SUMMARY:Stammtisch", "DTSTART;TZID=W. Europe Standard Time:20260401T190000", "DURATION:PT2H", "END:VEVENT"),
			want: []string{"2026-04-01 19:00-21:00 Europe/Berlin Stammtisch"},
		},
		{
			name: "prefixed IANA name",
			feed: vcal("BEGIN:VEVENT", "UID:c", "SUMMARY:Quiz", "DTSTART;TZID=/mozilla.org/20070129_1/Europe/London:20260401T190000", "DTEND;TZID=/mozilla.org/20070129_1/Europe/London:20260401T200000", "END:VEVENT"),
			want: []string{"2026-04-01 19:00-20:00 Europe/London Quiz"},
		},
		{
			name:    "unknown zone: the event is skipped, the next one imported",
			feed:    vcal("BEGIN:VEVENT", "UID:d", "SUMMARY:Lost", "DTSTART;TZID=Atlantis:20260401T190000", "END:VEVENT", "BEGIN:VEVENT", "UID:e", "SUMMARY:Found", "DTSTART:20260402T190000Z", "END:VEVENT"),
			zone:    "Europe/London",
			want:    []string{"2026-04-02 20:00-21:00 Europe/London Found"},
			skipped: []string{`line 3: "Lost": its time zone "Atlantis" is not a known zone and the feed does not describe it.`},
		},
		{
			name:    "an event cut off by the next one",
			feed:    vcal("BEGIN:VEVENT", "UID:f", "SUMMARY:Half", "DTSTART:20260401T190000Z", "BEGIN:VEVENT", "UID:g", "SUMMARY:Whole", "DTSTART:20260402T190000Z", "END:VEVENT"),
			zone:    "UTC",
			want:    []string{"2026-04-02 19:00-20:00 UTC Whole"},
			skipped: []string{"line 3: an event: the event is cut off: it has no END:VEVENT."},
		},
		{
			name: "broken line in one event, raw newline in another's description",
			feed: vcal("BEGIN:VEVENT", "UID:h", "SUMMARY:Bad", `DTSTART;TZID="Europe/London:20260401T190000`, "END:VEVENT",
				"BEGIN:VEVENT", "UID:i", "SUMMARY:Good", "DTSTART:20260402T190000Z", "DESCRIPTION:first line", "second line", "END:VEVENT"),
			zone:    "UTC",
			want:    []string{"2026-04-02 19:00-20:00 UTC Good"},
			skipped: []string{"line 3: an event: it could not be read: malformed param value: unterminated quoted string."},
		},
		{
			name:    "hourly events are refused, a DATE-TIME series with a date-only UNTIL includes that day",
			feed:    vcal("BEGIN:VEVENT", "UID:j", "SUMMARY:Every hour", "DTSTART:20260401T090000Z", "RRULE:FREQ=HOURLY", "END:VEVENT", "BEGIN:VEVENT", "UID:k", "SUMMARY:Daily", "DTSTART:20260401T090000Z", "RRULE:FREQ=DAILY;UNTIL=20260402", "END:VEVENT"),
			zone:    "UTC",
			want:    []string{"2026-04-01 09:00-10:00 UTC Daily [FREQ=DAILY;UNTIL=20260402T235959]"},
			skipped: []string{`line 3: "Every hour": it repeats more often than daily, which the hub does not support.`},
		},
		{
			name: "a series anchored in UTC, shown in a local zone, is one event per occurrence",
			feed: vcal("BEGIN:VEVENT", "UID:n", "SUMMARY:Call", "DTSTART:20260401T090000Z", "RRULE:FREQ=WEEKLY;COUNT=2", "END:VEVENT"),
			zone: "Europe/London",
			want: []string{"2026-04-01 10:00-11:00 Europe/London Call", "2026-04-08 10:00-11:00 Europe/London Call"},
		},
		{
			name: "the same series on a hub in UTC stays one event",
			feed: vcal("BEGIN:VEVENT", "UID:n", "SUMMARY:Call", "DTSTART:20260401T090000Z", "RRULE:FREQ=WEEKLY;COUNT=2", "END:VEVENT"),
			zone: "UTC",
			want: []string{"2026-04-01 09:00-10:00 UTC Call [FREQ=WEEKLY;COUNT=2]"},
		},
		{
			name: "cancelled event and too-long event",
			feed: vcal("BEGIN:VEVENT", "UID:l", "SUMMARY:Off", "STATUS:CANCELLED", "DTSTART:20260401T090000Z", "END:VEVENT",
				"BEGIN:VEVENT", "UID:m", "SUMMARY:Festival", "DTSTART:20260401T090000Z", "DTEND:20260601T090000Z", "END:VEVENT"),
			zone:    "UTC",
			want:    []string{"2026-04-01 09:00-10:00 UTC Off (cancelled)"},
			skipped: []string{`line 9: "Festival": the hub cannot take it: An event can last at most 31 days; use a recurrence for repeated events.`},
		},
		{
			name: "a cancelled series, and a cancelled date whose master is not in the feed",
			feed: vcal("BEGIN:VEVENT", "UID:s", "SUMMARY:Choir", "STATUS:CANCELLED", "DTSTART:20260401T090000Z", "RRULE:FREQ=WEEKLY;COUNT=2", "END:VEVENT",
				"BEGIN:VEVENT", "UID:s", "SUMMARY:Choir", "RECURRENCE-ID:20260408T090000Z", "DTSTART:20260409T090000Z", "END:VEVENT",
				"BEGIN:VEVENT", "UID:o", "SUMMARY:Quiz", "STATUS:CANCELLED", "RECURRENCE-ID:20260402T180000Z", "DTSTART:20260402T180000Z", "END:VEVENT"),
			zone: "UTC",
			want: []string{"2026-04-01 09:00-10:00 UTC Choir [FREQ=WEEKLY;COUNT=2] (cancelled)", "2026-04-02 18:00-19:00 UTC Quiz (cancelled)"},
		},
		{
			name: "a series whose hub zone differs cancels one date as a one-off of its own",
			feed: vcal("BEGIN:VEVENT", "UID:z", "SUMMARY:Call", "DTSTART:20260401T090000Z", "RRULE:FREQ=WEEKLY;COUNT=3", "END:VEVENT",
				"BEGIN:VEVENT", "UID:z", "SUMMARY:Call", "STATUS:CANCELLED", "RECURRENCE-ID:20260408T090000Z", "DTSTART:20260408T090000Z", "END:VEVENT"),
			zone: "Europe/London",
			want: []string{"2026-04-01 10:00-11:00 Europe/London Call", "2026-04-08 10:00-11:00 Europe/London Call (cancelled)", "2026-04-15 10:00-11:00 Europe/London Call"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := calendar.ParseBytes([]byte(tt.feed), calendar.Options{Now: day("2026-03-01"), DefaultZone: tt.zone})
			if err != nil {
				t.Fatal(err)
			}
			var skipped []string
			for _, s := range res.Skipped {
				skipped = append(skipped, s.String())
			}
			sameLines(t, "events", describeItems(res), tt.want)
			sameLines(t, "skipped", skipped, tt.skipped)
		})
	}
}

func TestParseRefusesNonCalendars(t *testing.T) {
	for _, in := range []string{"", "<!doctype html><html><body>Sign in</body></html>", `{"events": []}`} {
		if _, err := calendar.ParseBytes([]byte(in), calendar.Options{}); !errors.Is(err, calendar.ErrNotCalendar) {
			t.Errorf("%q: error %v, want ErrNotCalendar", in, err)
		}
	}
}

// TestOffsetZoneNames: TZIDs that name a fixed offset, as WordPress
// plugins write them, import at that offset (shown in the hub's zone),
// with a note each in the report; a name that only looks like one is
// still refused.
func TestOffsetZoneNames(t *testing.T) {
	ev := func(uid, tzid, start string) string {
		return strings.Join([]string{"BEGIN:VEVENT", "UID:" + uid, "SUMMARY:" + uid, "DTSTART;TZID=" + tzid + ":" + start, "DURATION:PT1H", "END:VEVENT"}, "\r\n")
	}
	feed := vcal(
		ev("zero", "UTC+0", "20260401T090000"),
		ev("one", "UTC+01:00", "20260401T090000"),
		ev("five", "GMT-5", "20260401T090000"),
		ev("newfoundland", "UTC-03:30", "20260401T090000"),
		ev("mumbai", "\"UTC+0530\"", "20260401T090000"),
		ev("again", "UTC+01:00", "20260402T090000"),
		ev("bad", "UTC+25", "20260401T090000"),
	)
	res, err := calendar.ParseBytes([]byte(feed), calendar.Options{Now: day("2026-03-01"), DefaultZone: "Europe/London"})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, it := range res.Items {
		got[it.UID] = it.Event.Start.UTC().Format("2006-01-02 15:04") + " " + it.Event.TimeZone
	}
	want := map[string]string{
		"zero": "2026-04-01 09:00 Europe/London", "one": "2026-04-01 08:00 Europe/London", "five": "2026-04-01 14:00 Europe/London",
		"newfoundland": "2026-04-01 12:30 Europe/London", "mumbai": "2026-04-01 03:30 Europe/London", "again": "2026-04-02 08:00 Europe/London",
	}
	for uid, w := range want {
		if got[uid] != w {
			t.Errorf("%s: %q, want %q (UTC)", uid, got[uid], w)
		}
	}
	if _, ok := got["bad"]; ok || len(res.Skipped) != 1 || !strings.Contains(res.Skipped[0].Reason, `"UTC+25" is not a known zone`) {
		t.Errorf("UTC+25: imported %v, skipped %v", got["bad"], res.Skipped)
	}
	wantNotes := []string{
		`The time zone "UTC+0" was read as a fixed offset of UTC+00:00, without daylight saving; events in it are shown in the hub's time zone.`,
		`The time zone "UTC+01:00" was read as a fixed offset of UTC+01:00, without daylight saving; events in it are shown in the hub's time zone.`,
		`The time zone "GMT-5" was read as a fixed offset of UTC-05:00, without daylight saving; events in it are shown in the hub's time zone.`,
		`The time zone "UTC-03:30" was read as a fixed offset of UTC-03:30, without daylight saving; events in it are shown in the hub's time zone.`,
		`The time zone "UTC+0530" was read as a fixed offset of UTC+05:30, without daylight saving; events in it are shown in the hub's time zone.`,
	}
	sameLines(t, "notes", res.Notes, wantNotes)
}
