package web

import (
	"net/http"
	"net/url"
	"slices"
	"time"

	"github.com/commonplace-hub/commonplace/hub"
	"github.com/commonplace-hub/commonplace/internal/uris"
)

// pastSpan is how many days one page of past events covers.
const pastSpan = 91

// pastEvents is the archive: what happened in the pastSpan days before
// ?before= (default today), newest day first, with links further back and
// forward. The list of what is coming up stays as it is.
func (s *Server) pastEvents(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := s.page(r, s.t(r, "Past events"), nil)
	p.Section = hub.KindEvent.Path()
	today := s.today(p.Site)
	loc := today.Location()
	before := today
	status := http.StatusOK
	var formError string
	if v := r.URL.Query().Get("before"); v != "" {
		d, err := time.ParseInLocation("2006-01-02", v, loc)
		switch {
		case err != nil:
			formError, status = s.t(r, "Dates in this address must look like 2026-12-01."), http.StatusBadRequest
		case d.After(today):
			before = today
		default:
			before = d
		}
	}
	from := before.AddDate(0, 0, -pastSpan)
	var days []dayGroup
	if formError == "" {
		occ, err := s.svc.Occurrences(ctx, hub.OccurrenceFilter{From: from, To: before, Limit: 500})
		if err != nil {
			return err
		}
		// What started in the span and is over: an event still running
		// is on the list of what is on, not here, and one that started
		// before the span is on an earlier page.
		now := s.svc.Now()
		occ = slices.DeleteFunc(occ, func(o hub.Occurrence) bool {
			return o.Start.Before(from) || !o.Start.Before(before) || o.End.After(now)
		})
		days = groupByDay(occ, loc)
		slices.Reverse(days)
	}
	link := func(d time.Time) string {
		return uris.PastEvents + "?" + url.Values{"before": {d.Format("2006-01-02")}}.Encode()
	}
	later := ""
	if before.Before(today) {
		later = link(before.AddDate(0, 0, pastSpan))
	}
	p.Description = s.t(r, "Events that have happened at %s.", p.Site.Name)
	p.Data = struct {
		Days           []dayGroup
		From, Last     time.Time
		Earlier, Later string
		Error          string
	}{days, from, before.AddDate(0, 0, -1), link(from), later, formError}
	return s.views.render(w, status, "public/past_events", p)
}
