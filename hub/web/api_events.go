package web

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/commonplace-hub/commonplace/hub"
)

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

func (s *Server) eventIn(ctx context.Context, in *eventJSON) (*hub.Event, error) {
	e := &hub.Event{
		Title: in.Title, Description: in.Description, TimeZone: in.TimeZone, AllDay: in.AllDay,
		Recurrence: in.Recurrence, Exceptions: in.Exceptions, PlaceID: in.PlaceID, OnlineURL: in.OnlineURL,
		Tags: in.Tags, Organiser: in.Organiser, Accessibility: in.Accessibility, BookingURL: in.BookingURL,
	}
	if e.TimeZone == "" {
		e.TimeZone = s.settings(ctx).TimeZone
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
	limit, offset, err := pageQuery(r)
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
	return writeList(w, events, total, s.eventOut)
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
	return apiGetByID(w, r, s.svc.Event, s.eventOut)
}

func (s *Server) apiEventCreate(w http.ResponseWriter, r *http.Request) error {
	return apiCreate(w, r, func(ctx context.Context, in *eventJSON) (*hub.Event, error) {
		e, err := s.eventIn(ctx, in)
		if err != nil {
			return nil, err
		}
		if err := s.svc.CreateEvent(ctx, e); err != nil {
			return nil, err
		}
		return s.svc.Event(ctx, e.ID)
	}, s.eventOut, func(e *hub.Event) string { return "/api/v1/events/" + itoa64(e.ID) })
}

func (s *Server) apiEventUpdate(w http.ResponseWriter, r *http.Request) error {
	return apiUpdate(w, r, func(ctx context.Context, id int64, in *eventJSON) error {
		e, err := s.eventIn(ctx, in)
		if err != nil {
			return err
		}
		e.ID = id
		return s.svc.UpdateEvent(ctx, e)
	}, s.svc.Event, s.eventOut)
}

func (s *Server) apiEventDelete(w http.ResponseWriter, r *http.Request) error {
	return apiDeleteByID(w, r, s.svc.DeleteEvent)
}
