package web

import (
	"net/http"
	"net/url"
	"time"

	"github.com/commonplace-hub/commonplace/hub"
)

// The month grid (/events/calendar?month=YYYY-MM): a table of the weeks
// of a month on the hub's clock, Monday first, with each day's events
// (every occurrence of a series, all-day events on each day they cover,
// cancellations marked), today marked, and links to the months before
// and after. The list's topic and place filters apply.

// monthDay is one cell of the grid.
type monthDay struct {
	Date    time.Time
	InMonth bool
	Today   bool
	Events  []hub.Occurrence
}

// monthPage is the grid's Data.
type monthPage struct {
	Month      time.Time // its first day, on the hub's clock
	Weeks      [][]monthDay
	Weekdays   []weekdayName // Monday first
	Prev, Next string        // paths of the months before and after
	Tag, Place string
	Count      int // occurrences in the month
	Tags       []*hub.Tag
	Places     []*hub.Place
}

// weekdayName is a column heading: the short name, and the full one.
type weekdayName struct{ Short, Long string }

// monthMaxOccurrences bounds the occurrences one month shows.
const monthMaxOccurrences = 1000

func (s *Server) eventMonth(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	q := r.URL.Query()
	p := s.page(r, "", nil)
	p.Section = hub.KindEvent.Path()
	today := s.today(p.Site)
	loc := today.Location()
	first := time.Date(today.Year(), today.Month(), 1, 0, 0, 0, 0, loc)
	if m := q.Get("month"); m != "" {
		d, err := time.ParseInLocation("2006-01", m, loc)
		if err != nil || d.Year() < 1900 || d.Year() > 2200 {
			return hub.Errorf(hub.EINVALID, "Enter the month as year-month, for example 2026-12.")
		}
		first = d
	}
	next := first.AddDate(0, 1, 0)
	data := &monthPage{Month: first, Tag: q.Get("tag"), Place: q.Get("place")}
	f := hub.OccurrenceFilter{From: first, To: next, Tag: data.Tag, Limit: monthMaxOccurrences}
	if data.Place != "" {
		pl, err := s.svc.PlaceBySlug(ctx, data.Place)
		if err != nil {
			return err
		}
		f.PlaceID = pl.ID
	}
	occ, err := s.svc.Occurrences(ctx, f)
	if err != nil {
		return err
	}
	if data.Tags, err = s.svc.ListTags(ctx); err != nil {
		return err
	}
	if data.Places, err = s.svc.ListPlaces(ctx); err != nil {
		return err
	}
	data.Count = len(occ)
	data.Weeks = monthWeeks(first, today, occ)
	tr := s.translator(r)
	for i := 0; i < 7; i++ {
		d := time.Weekday((i + 1) % 7)
		data.Weekdays = append(data.Weekdays, weekdayName{Short: tr.T(shortWeekdayIDs[d]), Long: tr.Weekday(d)})
	}
	data.Prev, data.Next = monthPath(first.AddDate(0, -1, 0), data.Tag, data.Place), monthPath(next, data.Tag, data.Place)
	p.Title = tr.T("[month and year: month, year] %[1]s %[2]d", tr.Month(first.Month()), first.Year())
	p.Description = s.t(r, "What's on: events from %s.", p.Site.Name)
	p.Data = data
	return s.views.render(w, http.StatusOK, "public/events_month", p)
}

// shortWeekdayIDs are the catalog's short day names (locales' own).
var shortWeekdayIDs = [...]string{
	msg("[short weekday] Sun"), msg("[short weekday] Mon"), msg("[short weekday] Tue"), msg("[short weekday] Wed"),
	msg("[short weekday] Thu"), msg("[short weekday] Fri"), msg("[short weekday] Sat"),
}

// monthPath is the grid of another month with the same filters.
func monthPath(month time.Time, tag, place string) string {
	v := url.Values{"month": {month.Format("2006-01")}}

	if tag != "" {
		v.Set("tag", tag)
	}
	if place != "" {
		v.Set("place", place)
	}
	return "/events/calendar?" + v.Encode()
}

// monthWeeks lays out the weeks (Monday to Sunday) that hold the month
// starting at first, each day with the occurrences that overlap it on the
// hub's clock, in order.
func monthWeeks(first, today time.Time, occ []hub.Occurrence) [][]monthDay {
	loc := first.Location()
	start := first.AddDate(0, 0, -((int(first.Weekday()) + 6) % 7))
	next := first.AddDate(0, 1, 0)
	var weeks [][]monthDay
	index := map[string]*monthDay{}
	for d := start; d.Before(next); {
		week := make([]monthDay, 7)
		for i := range week {
			week[i] = monthDay{Date: d, InMonth: d.Month() == first.Month(), Today: d.Equal(today)}
			d = d.AddDate(0, 0, 1)
		}
		weeks = append(weeks, week)
	}
	for w := range weeks {
		for i := range weeks[w] {
			index[weeks[w][i].Date.Format("2006-01-02")] = &weeks[w][i]
		}
	}
	for _, o := range occ {
		s, e := o.Start.In(loc), o.End.In(loc)
		day := time.Date(s.Year(), s.Month(), s.Day(), 0, 0, 0, 0, loc)
		for n := 0; n < 62 && (n == 0 || day.Before(e)); n++ {
			if cell := index[day.Format("2006-01-02")]; cell != nil && cell.InMonth {
				cell.Events = append(cell.Events, o)
			}
			day = day.AddDate(0, 0, 1)
		}
	}
	return weeks
}
