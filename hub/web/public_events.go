package web

import (
	"net/http"
	"net/url"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/commonplace-hub/commonplace/hub"
	"github.com/commonplace-hub/commonplace/internal/uris"
)

// dayGroup is one day of the public calendar.
type dayGroup struct {
	Date        time.Time
	Occurrences []listedOccurrence
}

// groupByDay groups occurrences, in the order of their instants, by their
// day on the hub's clock (loc), each with its zone note.
func groupByDay(occ []hub.Occurrence, loc *time.Location) []dayGroup {
	var days []dayGroup
	for _, o := range occ {
		d := o.Start.In(loc)
		day := time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, loc)
		if n := len(days); n == 0 || !days[n-1].Date.Equal(day) {
			days = append(days, dayGroup{Date: day})
		}
		days[len(days)-1].Occurrences = append(days[len(days)-1].Occurrences, listedOccurrence{o, noteFor(o, loc)})
	}
	return days
}

// today returns local midnight today in the hub's zone.
func (s *Server) today(st hub.Settings) time.Time {
	loc, err := time.LoadLocation(st.TimeZone)
	if err != nil {
		loc = time.UTC
	}
	now := s.svc.Now().In(loc)
	return time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, loc)
}

// lists loads what p lists: the dates in the coming months that of finds,
// by day in the hub's zone, and the guides and case studies that gf and cf
// find (none for a nil filter); with their thumbnails.
func (s *Server) lists(p *pageData, r *http.Request, months int, of hub.OccurrenceFilter, gf *hub.GuideFilter, cf *hub.CaseStudyFilter) (pageLists, error) {
	ctx := r.Context()
	of.From = s.svc.Now()
	of.To = of.From.AddDate(0, months, 0)
	occ, err := s.svc.Occurrences(ctx, of)
	if err != nil {
		return pageLists{}, err
	}
	var l pageLists
	if gf != nil {
		if l.Guides, _, err = s.svc.ListGuides(ctx, *gf); err != nil {
			return pageLists{}, err
		}
	}
	if cf != nil {
		if l.CaseStudies, _, err = s.svc.ListCaseStudies(ctx, *cf); err != nil {
			return pageLists{}, err
		}
	}
	l.Days = groupByDay(occ, s.today(p.Site).Location())
	s.addListThumbnails(p, r, l.Days, l.Guides, l.CaseStudies)
	return l, nil
}

func (s *Server) home(w http.ResponseWriter, r *http.Request) error {
	p := s.page(r, "", nil)
	lists, err := s.lists(p, r, 3, hub.OccurrenceFilter{Limit: 12}, &hub.GuideFilter{Limit: 5}, &hub.CaseStudyFilter{Limit: 5})
	if err != nil {
		return err
	}
	p.Description = p.Site.Description
	p.Section = "home"
	p.JSONLD = map[string]any{
		"@context":    "https://schema.org",
		"@type":       "Organization",
		"name":        p.Site.Name,
		"description": p.Site.Description,
		"url":         s.absURL("/"),
	}
	p.Data = lists
	s.withPicture(p, r, hub.OwnerHeader, 0)
	return s.views.render(w, http.StatusOK, "public/home", p)
}

// eventFilterForm is the public calendar's filter form, echoed back.
type eventFilterForm struct {
	From, To, Tag, Place string
	Errors               map[string]string
}

// Query returns the form as a query string, for "later" links.
func (f eventFilterForm) Query(from, to string) string {
	v := url.Values{}
	v.Set("from", from)
	if to != "" {
		v.Set("to", to)
	}
	if f.Tag != "" {
		v.Set("tag", f.Tag)
	}
	if f.Place != "" {
		v.Set("place", f.Place)
	}
	return v.Encode()
}

const calendarDays = 28

func (s *Server) eventList(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := s.page(r, s.t(r, "Events"), nil)
	p.Section = hub.KindEvent.Path()
	q := r.URL.Query()
	form := eventFilterForm{From: q.Get("from"), To: q.Get("to"), Tag: q.Get("tag"), Place: q.Get("place"), Errors: map[string]string{}}
	today := s.today(p.Site)
	loc := today.Location()
	from, to := today, time.Time{}
	if form.From != "" {
		d, err := time.ParseInLocation("2006-01-02", form.From, loc)
		if err != nil {
			form.Errors["from"] = s.t(r, "Enter the first date as year-month-day, for example 2026-12-01.")
		} else {
			from = d
		}
	}
	if form.To != "" {
		d, err := time.ParseInLocation("2006-01-02", form.To, loc)
		if err != nil {
			form.Errors["to"] = s.t(r, "Enter the last date as year-month-day, for example 2026-12-31.")
		} else {
			to = d.AddDate(0, 0, 1)
		}
	}
	if to.IsZero() {
		to = from.AddDate(0, 0, calendarDays)
	}
	if !to.After(from) && len(form.Errors) == 0 {
		form.Errors["to"] = s.t(r, "The last date must be on or after the first date.")
	}
	if to.Sub(from) > 366*24*time.Hour && len(form.Errors) == 0 {
		form.Errors["to"] = s.t(r, "Choose a range of at most one year.")
	}
	var placeID int64
	var place *hub.Place
	if form.Place != "" {
		pl, err := s.svc.PlaceBySlug(ctx, form.Place)
		if err != nil && hub.ErrorCode(err) != hub.ENOTFOUND {
			return err
		}
		if pl == nil {
			form.Errors["place"] = s.t(r, "There is no such place.")
		} else {
			placeID, place = pl.ID, pl
		}
	}
	places, err := s.svc.ListPlaces(ctx)
	if err != nil {
		return err
	}
	tags, err := s.svc.ListTags(ctx)
	if err != nil {
		return err
	}
	var days []dayGroup
	status := http.StatusOK
	if len(form.Errors) > 0 {
		status = http.StatusBadRequest
	} else {
		occ, err := s.svc.Occurrences(ctx, hub.OccurrenceFilter{From: from, To: to, Tag: form.Tag, PlaceID: placeID, Limit: 300})
		if err != nil {
			return err
		}
		days = groupByDay(occ, loc)
		s.addListThumbnails(p, r, days, nil, nil)
	}
	p.Description = s.t(r, "What's on: events from %s.", p.Site.Name)
	p.Calendar, p.CalendarLabel = filterCalendar(s.translator(r), form, tags, place)
	p.Data = struct {
		Form          eventFilterForm
		Days          []dayGroup
		From, Last    time.Time
		Next, Prev    string
		Places        []*hub.Place
		Tags          []*hub.Tag
		Place         *hub.Place
		Today         time.Time
		FilterApplied bool
		Month         string // the month grid of the first date, same filters
	}{
		Form: form, Days: days, From: from, Last: to.AddDate(0, 0, -1),
		Next:   form.Query(to.Format("2006-01-02"), to.AddDate(0, 0, calendarDays-1).Format("2006-01-02")),
		Prev:   form.Query(from.AddDate(0, 0, -calendarDays).Format("2006-01-02"), from.AddDate(0, 0, -1).Format("2006-01-02")),
		Places: places, Tags: tags, Place: place, Today: today,
		FilterApplied: form.Tag != "" || form.Place != "",
		Month:         monthPath(from, form.Tag, form.Place),
	}
	return s.views.render(w, status, "public/events", p)
}

func (s *Server) eventShow(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	e, err := s.svc.EventBySlug(ctx, chi.URLParam(r, "slug"))
	if err != nil {
		return err
	}
	now := s.svc.Now()
	upcoming := e.NextOccurrences(now, 10)
	// The occurrence a reader asked for (?date=), else the next one, else
	// the first (a past one-off event still has a page).
	current := e.First()
	if len(upcoming) > 0 {
		current = upcoming[0]
	}
	if d := r.URL.Query().Get("date"); d != "" {
		if current, err = e.OccurrenceOn(d); err != nil {
			return err
		}
	}
	p := s.page(r, e.Title, nil)
	s.withActivityJSON(p, r)
	s.withOEmbed(p, r)
	p.Section = hub.KindEvent.Path()
	tr := s.translator(r)
	p.Description = tr.When(current.Start, current.End, e.AllDay) + tr.elsewhere(noteFor(current, s.today(p.Site).Location()))
	if current.Status.Marked() {
		p.Description = tr.T("[page description: status, the rest] %s. %s", tr.statusText(current), p.Description)
	}
	if e.Place != nil {
		p.Description += " at " + e.Place.Name
	}
	if desc := s.plainText(e.Description, 200); desc != "" {
		p.Description += ". " + desc
	}
	p.JSONLD = s.eventJSONLD(e, current)
	p.Calendar, p.CalendarLabel = uris.EventCalendar(e.Slug), s.t(r, "this event")
	p.Data = struct {
		Event    *hub.Event
		Current  hub.Occurrence
		Note     *zoneNote
		Upcoming []hub.Occurrence
		Past     bool
	}{e, current, noteFor(current, s.today(p.Site).Location()), upcoming, current.End.Before(now)}
	s.withComments(p, r, hub.KindEvent, e.ID)
	s.withPicture(p, r, hub.OwnerEvent, e.ID)
	return s.views.render(w, http.StatusOK, "public/event", p)
}

// eventJSONLD is the schema.org Event for one occurrence.
func (s *Server) eventJSONLD(e *hub.Event, o hub.Occurrence) map[string]any {
	ld := map[string]any{
		"@context":    "https://schema.org",
		"@type":       "Event",
		"name":        e.Title,
		"url":         s.absURL(uris.Item(hub.KindEvent, e.Slug)),
		"eventStatus": o.Status.SchemaOrg(),
		"description": s.plainText(e.Description, 500),
	}
	if o.Status == hub.StatusRescheduled && !o.PreviousStart.IsZero() && !o.PreviousStart.Equal(o.Start) {
		if e.AllDay {
			ld["previousStartDate"] = o.PreviousStart.Format("2006-01-02")
		} else {
			ld["previousStartDate"] = o.PreviousStart.Format(time.RFC3339)
		}
	}
	if e.AllDay {
		ld["startDate"] = o.Start.Format("2006-01-02")
		ld["endDate"] = o.End.AddDate(0, 0, -1).Format("2006-01-02")
	} else {
		ld["startDate"] = o.Start.Format(time.RFC3339)
		ld["endDate"] = o.End.Format(time.RFC3339)
	}
	var locs []any
	if e.Place != nil {
		locs = append(locs, placeJSONLD(e.Place))
	}
	if e.OnlineURL != "" {
		locs = append(locs, map[string]any{"@type": "VirtualLocation", "url": e.OnlineURL})
	}
	switch {
	case e.Place != nil && e.OnlineURL != "":
		ld["eventAttendanceMode"] = "https://schema.org/MixedEventAttendanceMode"
	case e.OnlineURL != "":
		ld["eventAttendanceMode"] = "https://schema.org/OnlineEventAttendanceMode"
	default:
		ld["eventAttendanceMode"] = "https://schema.org/OfflineEventAttendanceMode"
	}
	if len(locs) == 1 {
		ld["location"] = locs[0]
	} else if len(locs) > 1 {
		ld["location"] = locs
	}
	if e.Organiser != "" {
		ld["organizer"] = map[string]any{"@type": "Organization", "name": e.Organiser}
	}
	if e.BookingURL != "" {
		ld["offers"] = map[string]any{"@type": "Offer", "url": e.BookingURL}
	}
	if len(e.Tags) > 0 {
		ld["keywords"] = e.Tags
	}
	return ld
}

func placeJSONLD(p *hub.Place) map[string]any {
	ld := map[string]any{"@type": "Place", "name": p.Name}
	addr := map[string]any{"@type": "PostalAddress"}
	for k, v := range map[string]string{
		"streetAddress": p.StreetAddress, "addressLocality": p.Locality, "addressRegion": p.Region,
		"postalCode": p.PostalCode, "addressCountry": p.Country,
	} {
		if v != "" {
			addr[k] = v
		}
	}
	if len(addr) > 1 {
		ld["address"] = addr
	}
	if p.Latitude != nil && p.Longitude != nil {
		ld["geo"] = map[string]any{"@type": "GeoCoordinates", "latitude": *p.Latitude, "longitude": *p.Longitude}
	}
	return ld
}
