package web

import (
	"net/http"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/commonplace-hub/commonplace/hub"
)

// JSON shapes of the API. Field names are snake_case; times are RFC 3339.

type placeJSON struct {
	ID            int64     `json:"id,omitempty"`
	Slug          string    `json:"slug,omitempty"`
	URL           string    `json:"url,omitempty"`
	Name          string    `json:"name"`
	Description   string    `json:"description,omitempty"`
	StreetAddress string    `json:"street_address,omitempty"`
	Locality      string    `json:"locality,omitempty"`
	Region        string    `json:"region,omitempty"`
	PostalCode    string    `json:"postal_code,omitempty"`
	Country       string    `json:"country,omitempty"`
	Latitude      *float64  `json:"latitude,omitempty"`
	Longitude     *float64  `json:"longitude,omitempty"`
	CreatedAt     time.Time `json:"created_at,omitzero"`
	UpdatedAt     time.Time `json:"updated_at,omitzero"`
}

func (s *Server) placeOut(p *hub.Place) *placeJSON {
	if p == nil {
		return nil
	}
	return &placeJSON{
		ID: p.ID, Slug: p.Slug, URL: s.absURL("/places/" + p.Slug), Name: p.Name, Description: p.Description,
		StreetAddress: p.StreetAddress, Locality: p.Locality, Region: p.Region, PostalCode: p.PostalCode,
		Country: p.Country, Latitude: p.Latitude, Longitude: p.Longitude, CreatedAt: p.CreatedAt, UpdatedAt: p.UpdatedAt,
	}
}

func (p *placeJSON) place() *hub.Place {
	return &hub.Place{
		Name: p.Name, Description: p.Description, StreetAddress: p.StreetAddress, Locality: p.Locality,
		Region: p.Region, PostalCode: p.PostalCode, Country: p.Country, Latitude: p.Latitude, Longitude: p.Longitude,
	}
}

type eventJSON struct {
	ID            int64      `json:"id,omitempty"`
	Slug          string     `json:"slug,omitempty"`
	URL           string     `json:"url,omitempty"`
	Title         string     `json:"title"`
	Description   string     `json:"description"`
	TimeZone      string     `json:"time_zone"`
	Start         string     `json:"start"`
	End           string     `json:"end"`
	AllDay        bool       `json:"all_day"`
	Recurrence    string     `json:"recurrence"`
	Exceptions    []string   `json:"exceptions"`
	SeriesEnd     *time.Time `json:"series_end,omitempty"`
	PlaceID       int64      `json:"place_id,omitempty"`
	Place         *placeJSON `json:"place,omitempty"`
	OnlineURL     string     `json:"online_url"`
	Tags          []string   `json:"tags"`
	Organiser     string     `json:"organiser"`
	Accessibility string     `json:"accessibility"`
	BookingURL    string     `json:"booking_url"`
	CreatedAt     time.Time  `json:"created_at,omitzero"`
	UpdatedAt     time.Time  `json:"updated_at,omitzero"`
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func (s *Server) eventOut(e *hub.Event) eventJSON {
	loc := e.Location()
	out := eventJSON{
		ID: e.ID, Slug: e.Slug, URL: s.absURL("/events/" + e.Slug), Title: e.Title, Description: e.Description,
		TimeZone: e.TimeZone, AllDay: e.AllDay, Recurrence: e.Recurrence, Exceptions: nonNil(e.Exceptions),
		SeriesEnd: e.SeriesEnd, PlaceID: e.PlaceID, Place: s.placeOut(e.Place), OnlineURL: e.OnlineURL,
		Tags: nonNil(e.Tags), Organiser: e.Organiser, Accessibility: e.Accessibility, BookingURL: e.BookingURL,
		CreatedAt: e.CreatedAt, UpdatedAt: e.UpdatedAt,
	}
	if e.AllDay {
		out.Start = e.Start.In(loc).Format("2006-01-02")
		out.End = e.End.In(loc).AddDate(0, 0, -1).Format("2006-01-02")
	} else {
		out.Start = e.Start.In(loc).Format(time.RFC3339)
		out.End = e.End.In(loc).Format(time.RFC3339)
	}
	return out
}

// parseAPITime reads a time given with an offset, as local time in loc
// ("2026-12-01T19:00"), or as a date for all-day events.
func parseAPITime(v string, loc *time.Location, allDay bool) (time.Time, bool) {
	v = strings.TrimSpace(v)
	if allDay {
		if t, err := time.ParseInLocation("2006-01-02", v, loc); err == nil {
			return t, true
		}
	}
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t.In(loc), true
	}
	for _, layout := range []string{"2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02 15:04"} {
		if t, err := time.ParseInLocation(layout, v, loc); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

func (s *Server) eventIn(r *http.Request, in *eventJSON) (*hub.Event, error) {
	e := &hub.Event{
		Title: in.Title, Description: in.Description, TimeZone: in.TimeZone, AllDay: in.AllDay,
		Recurrence: in.Recurrence, Exceptions: in.Exceptions, PlaceID: in.PlaceID, OnlineURL: in.OnlineURL,
		Tags: in.Tags, Organiser: in.Organiser, Accessibility: in.Accessibility, BookingURL: in.BookingURL,
	}
	if e.TimeZone == "" {
		e.TimeZone = s.settings(r.Context()).TimeZone
	}
	if in.Place != nil && in.PlaceID == 0 {
		e.Place = in.Place.place()
	}
	loc, err := time.LoadLocation(e.TimeZone)
	if err != nil {
		loc = time.UTC // the hub reports the bad zone
	}
	fields := map[string]string{}
	var ok bool
	if in.Start != "" {
		if e.Start, ok = parseAPITime(in.Start, loc, in.AllDay); !ok {
			fields["start"] = "Use RFC 3339 (2026-12-01T19:00:00Z), a local time (2026-12-01T19:00) or, for all-day events, a date."
		}
	}
	if in.End != "" {
		if e.End, ok = parseAPITime(in.End, loc, in.AllDay); !ok {
			fields["end"] = "Use RFC 3339 (2026-12-01T21:00:00Z), a local time (2026-12-01T21:00) or, for all-day events, a date."
		} else if in.AllDay {
			e.End = e.End.AddDate(0, 0, 1) // the API names the last day, like the form
		}
	}
	if len(fields) > 0 {
		return nil, &hub.Error{Code: hub.EINVALID, Message: "Please correct the event.", Fields: fields}
	}
	return e, nil
}

func (s *Server) apiEventList(w http.ResponseWriter, r *http.Request) error {
	loc := s.today(s.settings(r.Context())).Location()
	from, err := queryTime(r, "from", loc)
	if err != nil {
		return err
	}
	to, err := queryTime(r, "to", loc)
	if err != nil {
		return err
	}
	limit, err := queryInt(r, "limit", 50, 500)
	if err != nil {
		return err
	}
	offset, err := queryInt(r, "offset", 0, 1<<30)
	if err != nil {
		return err
	}
	placeID, err := queryInt(r, "place_id", 0, 1<<62)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	events, total, err := s.svc.ListEvents(r.Context(), hub.EventFilter{From: from, To: to, Tag: q.Get("tag"), PlaceID: int64(placeID), Query: q.Get("q"), Limit: limit, Offset: offset})
	if err != nil {
		return err
	}
	out := listBody[eventJSON]{Items: []eventJSON{}, Total: total}
	for _, e := range events {
		out.Items = append(out.Items, s.eventOut(e))
	}
	return writeJSON(w, http.StatusOK, out)
}

type occurrenceJSON struct {
	EventID int64  `json:"event_id"`
	Slug    string `json:"slug"`
	Title   string `json:"title"`
	Date    string `json:"date"`
	Start   string `json:"start"`
	End     string `json:"end"`
	AllDay  bool   `json:"all_day"`
	URL     string `json:"url"`
}

func (s *Server) apiOccurrences(w http.ResponseWriter, r *http.Request) error {
	st := s.settings(r.Context())
	loc := s.today(st).Location()
	from, err := queryTime(r, "from", loc)
	if err != nil {
		return err
	}
	if from.IsZero() {
		from = s.today(st)
	}
	to, err := queryTime(r, "to", loc)
	if err != nil {
		return err
	}
	if to.IsZero() {
		to = from.AddDate(0, 0, 28)
	}
	limit, err := queryInt(r, "limit", 200, 1000)
	if err != nil {
		return err
	}
	placeID, err := queryInt(r, "place_id", 0, 1<<62)
	if err != nil {
		return err
	}
	occ, err := s.svc.Occurrences(r.Context(), hub.OccurrenceFilter{From: from, To: to, Tag: r.URL.Query().Get("tag"), PlaceID: int64(placeID), Limit: limit})
	if err != nil {
		return err
	}
	out := listBody[occurrenceJSON]{Items: []occurrenceJSON{}, Total: len(occ)}
	for _, o := range occ {
		oj := occurrenceJSON{EventID: o.Event.ID, Slug: o.Event.Slug, Title: o.Event.Title, Date: o.Date(),
			Start: o.Start.Format(time.RFC3339), End: o.End.Format(time.RFC3339), AllDay: o.Event.AllDay,
			URL: s.absURL("/events/" + o.Event.Slug + "?date=" + o.Date())}
		out.Items = append(out.Items, oj)
	}
	return writeJSON(w, http.StatusOK, out)
}

func (s *Server) apiEventGet(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	e, err := s.svc.Event(r.Context(), id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, s.eventOut(e))
}

func (s *Server) apiEventCreate(w http.ResponseWriter, r *http.Request) error {
	var in eventJSON
	if err := readJSON(r, &in); err != nil {
		return err
	}
	e, err := s.eventIn(r, &in)
	if err != nil {
		return err
	}
	if err := s.svc.CreateEvent(r.Context(), e); err != nil {
		return err
	}
	e, err = s.svc.Event(r.Context(), e.ID)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/events/"+itoa64(e.ID))
	return writeJSON(w, http.StatusCreated, s.eventOut(e))
}

func (s *Server) apiEventUpdate(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	var in eventJSON
	if err := readJSON(r, &in); err != nil {
		return err
	}
	e, err := s.eventIn(r, &in)
	if err != nil {
		return err
	}
	e.ID = id
	if err := s.svc.UpdateEvent(r.Context(), e); err != nil {
		return err
	}
	if e, err = s.svc.Event(r.Context(), id); err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, s.eventOut(e))
}

func (s *Server) apiEventDelete(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	if err := s.svc.DeleteEvent(r.Context(), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// ---- guides ----

type guideJSON struct {
	ID        int64     `json:"id,omitempty"`
	Slug      string    `json:"slug,omitempty"`
	URL       string    `json:"url,omitempty"`
	Title     string    `json:"title"`
	Summary   string    `json:"summary"`
	Body      string    `json:"body"`
	Tags      []string  `json:"tags"`
	Revision  int       `json:"revision,omitempty"`
	Note      string    `json:"note,omitempty"` // input only: what this edit changed
	CreatedAt time.Time `json:"created_at,omitzero"`
	UpdatedAt time.Time `json:"updated_at,omitzero"`
}

func (s *Server) guideOut(g *hub.Guide) guideJSON {
	return guideJSON{ID: g.ID, Slug: g.Slug, URL: s.absURL("/guides/" + g.Slug), Title: g.Title, Summary: g.Summary,
		Body: g.Body, Tags: nonNil(g.Tags), Revision: g.Revision, CreatedAt: g.CreatedAt, UpdatedAt: g.UpdatedAt}
}

type revisionJSON struct {
	Number    int       `json:"number"`
	Title     string    `json:"title"`
	Summary   string    `json:"summary"`
	Body      string    `json:"body"`
	Tags      []string  `json:"tags"`
	Author    string    `json:"author"`
	Note      string    `json:"note"`
	CreatedAt time.Time `json:"created_at"`
}

func revisionOut(rv *hub.GuideRevision) revisionJSON {
	return revisionJSON{Number: rv.Number, Title: rv.Title, Summary: rv.Summary, Body: rv.Body, Tags: nonNil(rv.Tags),
		Author: rv.Author, Note: rv.Note, CreatedAt: rv.CreatedAt}
}

func (s *Server) apiGuideList(w http.ResponseWriter, r *http.Request) error {
	limit, err := queryInt(r, "limit", 50, 500)
	if err != nil {
		return err
	}
	offset, err := queryInt(r, "offset", 0, 1<<30)
	if err != nil {
		return err
	}
	guides, total, err := s.svc.ListGuides(r.Context(), hub.GuideFilter{Tag: r.URL.Query().Get("tag"), Query: r.URL.Query().Get("q"), Limit: limit, Offset: offset})
	if err != nil {
		return err
	}
	out := listBody[guideJSON]{Items: []guideJSON{}, Total: total}
	for _, g := range guides {
		out.Items = append(out.Items, s.guideOut(g))
	}
	return writeJSON(w, http.StatusOK, out)
}

func (s *Server) apiGuideGet(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	g, err := s.svc.Guide(r.Context(), id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, s.guideOut(g))
}

func (s *Server) apiGuideCreate(w http.ResponseWriter, r *http.Request) error {
	var in guideJSON
	if err := readJSON(r, &in); err != nil {
		return err
	}
	g := &hub.Guide{Title: in.Title, Summary: in.Summary, Body: in.Body, Tags: in.Tags}
	if err := s.svc.CreateGuide(r.Context(), g); err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/guides/"+itoa64(g.ID))
	return writeJSON(w, http.StatusCreated, s.guideOut(g))
}

func (s *Server) apiGuideUpdate(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	var in guideJSON
	if err := readJSON(r, &in); err != nil {
		return err
	}
	g := &hub.Guide{ID: id, Title: in.Title, Summary: in.Summary, Body: in.Body, Tags: in.Tags}
	if err := s.svc.UpdateGuideWithNote(r.Context(), g, in.Note); err != nil {
		return err
	}
	if g, err = s.svc.Guide(r.Context(), id); err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, s.guideOut(g))
}

func (s *Server) apiGuideDelete(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	if err := s.svc.DeleteGuide(r.Context(), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) apiGuideRevisions(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	revs, err := s.svc.GuideRevisions(r.Context(), id)
	if err != nil {
		return err
	}
	out := listBody[revisionJSON]{Items: []revisionJSON{}, Total: len(revs)}
	for _, rv := range revs {
		out.Items = append(out.Items, revisionOut(rv))
	}
	return writeJSON(w, http.StatusOK, out)
}

func (s *Server) apiGuideRevision(w http.ResponseWriter, r *http.Request) error {
	id, n, err := revisionParams(r)
	if err != nil {
		return err
	}
	rv, err := s.svc.GuideRevision(r.Context(), id, n)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, revisionOut(rv))
}

func (s *Server) apiGuideRestore(w http.ResponseWriter, r *http.Request) error {
	id, n, err := revisionParams(r)
	if err != nil {
		return err
	}
	g, err := s.svc.RestoreGuideRevision(r.Context(), id, n)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, s.guideOut(g))
}

// ---- case studies ----

type caseStudyJSON struct {
	ID           int64      `json:"id,omitempty"`
	Slug         string     `json:"slug,omitempty"`
	URL          string     `json:"url,omitempty"`
	Title        string     `json:"title"`
	Summary      string     `json:"summary"`
	Problem      string     `json:"problem"`
	Approach     string     `json:"approach"`
	Tools        string     `json:"tools"`
	Outcome      string     `json:"outcome"`
	Lessons      string     `json:"lessons"`
	Organisation string     `json:"organisation"`
	PlaceID      int64      `json:"place_id,omitempty"`
	Place        *placeJSON `json:"place,omitempty"`
	Tags         []string   `json:"tags"`
	Contact      string     `json:"contact"`
	CreatedAt    time.Time  `json:"created_at,omitzero"`
	UpdatedAt    time.Time  `json:"updated_at,omitzero"`
}

func (s *Server) caseStudyOut(c *hub.CaseStudy) caseStudyJSON {
	return caseStudyJSON{ID: c.ID, Slug: c.Slug, URL: s.absURL("/case-studies/" + c.Slug), Title: c.Title,
		Summary: c.Summary, Problem: c.Problem, Approach: c.Approach, Tools: c.Tools, Outcome: c.Outcome,
		Lessons: c.Lessons, Organisation: c.Organisation, PlaceID: c.PlaceID, Place: s.placeOut(c.Place),
		Tags: nonNil(c.Tags), Contact: c.Contact, CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt}
}

func (in *caseStudyJSON) caseStudy() *hub.CaseStudy {
	return &hub.CaseStudy{Title: in.Title, Summary: in.Summary, Problem: in.Problem, Approach: in.Approach,
		Tools: in.Tools, Outcome: in.Outcome, Lessons: in.Lessons, Organisation: in.Organisation,
		PlaceID: in.PlaceID, Tags: in.Tags, Contact: in.Contact}
}

func (s *Server) apiCaseStudyList(w http.ResponseWriter, r *http.Request) error {
	limit, err := queryInt(r, "limit", 50, 500)
	if err != nil {
		return err
	}
	offset, err := queryInt(r, "offset", 0, 1<<30)
	if err != nil {
		return err
	}
	placeID, err := queryInt(r, "place_id", 0, 1<<62)
	if err != nil {
		return err
	}
	list, total, err := s.svc.ListCaseStudies(r.Context(), hub.CaseStudyFilter{Tag: r.URL.Query().Get("tag"), PlaceID: int64(placeID), Query: r.URL.Query().Get("q"), Limit: limit, Offset: offset})
	if err != nil {
		return err
	}
	out := listBody[caseStudyJSON]{Items: []caseStudyJSON{}, Total: total}
	for _, c := range list {
		out.Items = append(out.Items, s.caseStudyOut(c))
	}
	return writeJSON(w, http.StatusOK, out)
}

func (s *Server) apiCaseStudyGet(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	c, err := s.svc.CaseStudy(r.Context(), id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, s.caseStudyOut(c))
}

func (s *Server) apiCaseStudyCreate(w http.ResponseWriter, r *http.Request) error {
	var in caseStudyJSON
	if err := readJSON(r, &in); err != nil {
		return err
	}
	c := in.caseStudy()
	if err := s.svc.CreateCaseStudy(r.Context(), c); err != nil {
		return err
	}
	c, err := s.svc.CaseStudy(r.Context(), c.ID)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/case-studies/"+itoa64(c.ID))
	return writeJSON(w, http.StatusCreated, s.caseStudyOut(c))
}

func (s *Server) apiCaseStudyUpdate(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	var in caseStudyJSON
	if err := readJSON(r, &in); err != nil {
		return err
	}
	c := in.caseStudy()
	c.ID = id
	if err := s.svc.UpdateCaseStudy(r.Context(), c); err != nil {
		return err
	}
	if c, err = s.svc.CaseStudy(r.Context(), id); err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, s.caseStudyOut(c))
}

func (s *Server) apiCaseStudyDelete(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	if err := s.svc.DeleteCaseStudy(r.Context(), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// ---- places and tags ----

func (s *Server) apiPlaceList(w http.ResponseWriter, r *http.Request) error {
	places, err := s.svc.ListPlaces(r.Context())
	if err != nil {
		return err
	}
	out := listBody[*placeJSON]{Items: []*placeJSON{}, Total: len(places)}
	for _, p := range places {
		out.Items = append(out.Items, s.placeOut(p))
	}
	return writeJSON(w, http.StatusOK, out)
}

func (s *Server) apiPlaceGet(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	p, err := s.svc.Place(r.Context(), id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, s.placeOut(p))
}

func (s *Server) apiPlaceCreate(w http.ResponseWriter, r *http.Request) error {
	var in placeJSON
	if err := readJSON(r, &in); err != nil {
		return err
	}
	p := in.place()
	if err := s.svc.CreatePlace(r.Context(), p); err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/places/"+itoa64(p.ID))
	return writeJSON(w, http.StatusCreated, s.placeOut(p))
}

func (s *Server) apiPlaceUpdate(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	var in placeJSON
	if err := readJSON(r, &in); err != nil {
		return err
	}
	p := in.place()
	p.ID = id
	if err := s.svc.UpdatePlace(r.Context(), p); err != nil {
		return err
	}
	if p, err = s.svc.Place(r.Context(), id); err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, s.placeOut(p))
}

func (s *Server) apiPlaceDelete(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	if err := s.svc.DeletePlace(r.Context(), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

type tagJSON struct {
	ID          int64  `json:"id,omitempty"`
	Slug        string `json:"slug,omitempty"`
	URL         string `json:"url,omitempty"`
	Name        string `json:"name"`
	Description string `json:"description"`
	Uses        int    `json:"uses,omitempty"`
}

func (s *Server) tagOut(t *hub.Tag) tagJSON {
	return tagJSON{ID: t.ID, Slug: t.Slug, URL: s.absURL("/tags/" + t.Slug), Name: t.Name, Description: t.Description, Uses: t.Uses}
}

func (s *Server) apiTagList(w http.ResponseWriter, r *http.Request) error {
	tags, err := s.svc.ListTags(r.Context())
	if err != nil {
		return err
	}
	out := listBody[tagJSON]{Items: []tagJSON{}, Total: len(tags)}
	for _, t := range tags {
		out.Items = append(out.Items, s.tagOut(t))
	}
	return writeJSON(w, http.StatusOK, out)
}

func (s *Server) apiTagGet(w http.ResponseWriter, r *http.Request) error {
	t, err := s.svc.TagBySlug(r.Context(), chi.URLParam(r, "slug"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, s.tagOut(t))
}

func (s *Server) apiTagUpdate(w http.ResponseWriter, r *http.Request) error {
	t, err := s.svc.TagBySlug(r.Context(), chi.URLParam(r, "slug"))
	if err != nil {
		return err
	}
	var in tagJSON
	if err := readJSON(r, &in); err != nil {
		return err
	}
	t.Name, t.Description = in.Name, in.Description
	if err := s.svc.UpdateTag(r.Context(), t); err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, s.tagOut(t))
}

func (s *Server) apiTagDelete(w http.ResponseWriter, r *http.Request) error {
	t, err := s.svc.TagBySlug(r.Context(), chi.URLParam(r, "slug"))
	if err != nil {
		return err
	}
	if err := s.svc.DeleteTag(r.Context(), t.ID); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
