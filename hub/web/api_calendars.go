package web

import (
	"net/http"

	"github.com/commonplace-hub/commonplace/hub/apijson"
	"github.com/commonplace-hub/commonplace/hub/calendar"
)

// The calendar subscription endpoints of the API; docs/API.md describes
// them. They exist when Config.Calendars is set.

func (s *Server) apiCalendarList(w http.ResponseWriter, r *http.Request) error {
	return apiListAll(w, r, s.cfg.Calendars.Subscriptions, apijson.Encoder{}.Calendar)
}

func (s *Server) apiCalendarGet(w http.ResponseWriter, r *http.Request) error {
	return apiGetByID(w, r, s.cfg.Calendars.Subscription, apijson.Encoder{}.Calendar)
}

// apiCalendarCreate subscribes and imports the feed at once. A failed
// first refresh still answers 201: the subscription exists, and its
// last_error says what went wrong.
func (s *Server) apiCalendarCreate(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		URL       string   `json:"url"`
		PlaceID   int64    `json:"place_id"`
		Tags      []string `json:"tags"`
		Organiser string   `json:"organiser"`
	}
	if err := readJSON(r, &in); err != nil {
		return err
	}
	sub := &calendar.Subscription{URL: in.URL, PlaceID: in.PlaceID, Tags: in.Tags, Organiser: in.Organiser}
	if err := s.cfg.Calendars.Subscribe(r.Context(), sub); err != nil {
		return err
	}
	got, err := s.cfg.Calendars.Refresh(r.Context(), sub.ID)
	if got == nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/calendars/"+itoa64(got.ID))
	return writeJSON(w, http.StatusCreated, apijson.Encoder{}.Calendar(got))
}

// apiCalendarRefresh fetches the feed now; a failed refresh is an error
// (422 with the reason), also saved as the subscription's last_error.
func (s *Server) apiCalendarRefresh(w http.ResponseWriter, r *http.Request) error {
	return apiGetByID(w, r, s.cfg.Calendars.Refresh, apijson.Encoder{}.Calendar)
}

func (s *Server) apiCalendarDelete(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	_, err = s.cfg.Calendars.Unsubscribe(r.Context(), id)
	return noContent(w, err)
}
