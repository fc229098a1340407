package web_test

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/commonplace-hub/commonplace/hub"
)

// monthCell returns the grid's cell of a date (its <td>...</td>), or "".
func monthCell(page, date string) string {
	m := regexp.MustCompile(`(?s)<td[^>]*>\s*<p class="month-day"><time datetime="` + date + `">.*?</td>`).FindString(page)
	return m
}

func TestMonthGrid(t *testing.T) {
	th := newTestHub(t)       // today is 1 October 2026
	weekly, _, _ := th.seed() // Tuesdays 10am from 6 October 2026
	fair := &hub.Event{
		Title: "Winter fair", TimeZone: "Europe/London", AllDay: true,
		Start: time.Date(2026, 12, 5, 0, 0, 0, 0, london), End: time.Date(2026, 12, 7, 0, 0, 0, 0, london), // 5 and 6 December
		Tags: []string{"Seasonal"},
	}
	calendarTitled := &hub.Event{Title: "Calendar", TimeZone: "Europe/London",
		Start: time.Date(2026, 12, 9, 18, 0, 0, 0, london), End: time.Date(2026, 12, 9, 19, 0, 0, 0, london)}
	for _, e := range []*hub.Event{fair, calendarTitled} {
		if err := th.svc.CreateEvent(th.host(), e); err != nil {
			t.Fatal(err)
		}
	}
	if calendarTitled.Slug == "calendar" {
		t.Errorf("an event took the slug of the month grid")
	}
	if err := th.svc.SetEventStatus(th.host(), weekly.ID, "2026-12-15", hub.StatusCancelled, "Christmas party"); err != nil {
		t.Fatal(err)
	}
	c := th.client()

	if r := th.get(c, "/events"); !strings.Contains(r.body, `<a href="/events/calendar?month=2026-10">Show a month as a calendar</a>`) {
		t.Error("the events page does not link to the month grid")
	}

	r := th.get(c, "/events/calendar?month=2026-12")
	if r.StatusCode != 200 {
		t.Fatalf("status %d: %s", r.StatusCode, r.body)
	}
	for _, w := range []string{
		"<title>December 2026 · Commonplace hub</title>", "<caption>December 2026</caption>",
		`<th scope="col"><abbr title="Monday">Mon</abbr></th>`, `<th scope="col"><abbr title="Sunday">Sun</abbr></th>`,
		`href="/events/calendar?month=2026-11" rel="prev"`, `href="/events/calendar?month=2027-01" rel="next"`,
	} {
		if !strings.Contains(r.body, w) {
			t.Errorf("grid lacks %q", w)
		}
	}
	// December 2026 starts on a Tuesday: the first row has Monday 30 November empty.
	if !regexp.MustCompile(`(?s)<tbody>\s*<tr>\s*<td class="other-month"></td>\s*<td[^>]*>\s*<p class="month-day"><time datetime="2026-12-01">`).MatchString(r.body) {
		t.Error("the first week does not start on Monday with 1 December on Tuesday")
	}
	if got := strings.Count(r.body, "<tr>"); got != 6 { // the heading row and five weeks
		t.Errorf("%d rows, want 6", got)
	}
	for _, tc := range []struct {
		date      string
		want, not []string
	}{
		{"2026-12-01", []string{`href="/events/` + weekly.Slug + `?date=2026-12-01"`, "10am"}, nil},
		{"2026-12-08", []string{"?date=2026-12-08"}, nil},
		{"2026-12-15", []string{"?date=2026-12-15", `<strong class="status status-cancelled">Cancelled</strong>`}, nil},
		{"2026-12-29", []string{"?date=2026-12-29"}, nil},
		{"2026-12-05", []string{"Winter fair", "All day"}, []string{"Digital drop-in"}},
		{"2026-12-06", []string{"Winter fair", "All day"}, nil},
		{"2026-12-07", nil, []string{"Winter fair"}},
		{"2026-12-09", []string{`href="/events/` + calendarTitled.Slug + `"`, "6pm"}, nil},
		{"2026-12-02", nil, []string{"<li>"}},
	} {
		cell := monthCell(r.body, tc.date)
		if cell == "" {
			t.Errorf("no cell for %s", tc.date)
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains(cell, w) {
				t.Errorf("%s lacks %q: %s", tc.date, w, cell)
			}
		}
		for _, w := range tc.not {
			if strings.Contains(cell, w) {
				t.Errorf("%s has %q", tc.date, w)
			}
		}
	}
	if strings.Contains(r.body, "aria-current=\"date\"") {
		t.Error("December is marked as having today in it")
	}

	// This month, with today marked; the default month is today's.
	for _, p := range []string{"/events/calendar", "/events/calendar?month=2026-10"} {
		r := th.get(c, p)
		today := monthCell(r.body, "2026-10-01")
		if !strings.Contains(today, `aria-current="date"`) || !strings.Contains(today, "(today)") || strings.Count(r.body, `aria-current="date"`) != 1 {
			t.Errorf("%s: today is not marked once: %s", p, today)
		}
	}

	for _, w := range []string{`<input id="f-month" name="month" type="month" value="2026-12">`, `<option value="seasonal">Seasonal</option>`, `<option value="` + weekly.Place.Slug + `">Hulme Library</option>`} {
		if !strings.Contains(r.body, w) {
			t.Errorf("the grid's filter form lacks %q", w)
		}
	}

	// Filters, and the grid in Welsh.
	r = th.get(c, "/events/calendar?month=2026-12&tag=seasonal")
	if !strings.Contains(r.body, "Winter fair") || strings.Contains(r.body, "Digital drop-in") || !strings.Contains(r.body, "month=2027-01&amp;tag=seasonal") {
		t.Error("the topic filter does not apply or is not kept")
	}
	r = th.get(c, "/events/calendar?month=2026-12&lang=cy")
	if !strings.Contains(r.body, "Rhagfyr 2026") || !strings.Contains(r.body, "<abbr title=\"Dydd Llun\">") {
		t.Errorf("the Welsh grid lacks its month or day names")
	}
	for _, bad := range []string{"2026-13", "December", "2026-1", "99999-01", "2026-12-01", "<script>"} {
		if r := th.get(c, "/events/calendar?month="+bad); r.StatusCode != 422 || !strings.Contains(r.body, "for example 2026-12") {
			t.Errorf("month=%s: %d", bad, r.StatusCode)
		}
	}
	if r := th.get(c, "/events/calendar?month=2026-12&place=nowhere"); r.StatusCode != 404 {
		t.Errorf("unknown place: %d", r.StatusCode)
	}
}
