package web

import (
	"context"
	"net/http"
	"strings"

	"github.com/commonplace-hub/commonplace/hub"
	"github.com/commonplace-hub/commonplace/hub/apijson"
)

// eventOut is e as the API shows it.
func (s *Server) eventOut(e *hub.Event) apijson.Event { return s.enc().Event(e) }

// eventIn is the event the body in describes, in the hub's zone unless it
// names one.
func (s *Server) eventIn(ctx context.Context, in *apijson.Event) (*hub.Event, error) {
	zone := in.TimeZone
	if zone == "" {
		zone = s.settings(ctx).TimeZone
	}
	return in.Hub(zone)
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
	return apiPaged(w, r, func(ctx context.Context, limit, offset int) ([]*hub.Event, int, error) {
		placeID, err := queryInt(r, "place_id", 0, 1<<62)
		if err != nil {
			return nil, 0, err
		}
		q := r.URL.Query()
		return s.svc.ListEvents(ctx, hub.EventFilter{From: from, To: to, Tag: q.Get("tag"), PlaceID: int64(placeID), Query: q.Get("q"), Limit: limit, Offset: offset})
	}, s.eventOut)
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
	return writeJSON(w, http.StatusOK, apijson.NewList(occ, len(occ), s.enc().Occurrence))
}

func (s *Server) apiEventGet(w http.ResponseWriter, r *http.Request) error {
	return apiGetByID(w, r, s.svc.Event, s.eventOut)
}

func (s *Server) apiEventCreate(w http.ResponseWriter, r *http.Request) error {
	return apiCreate(w, r, func(ctx context.Context, in *apijson.Event) (*hub.Event, error) {
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
	return apiUpdate(w, r, func(ctx context.Context, id int64, in *apijson.Event) error {
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

// moveOccurrence moves one date to in.MovedTo (RFC 3339, or local time in
// the event's zone).
func (s *Server) moveOccurrence(r *http.Request, id int64, status hub.EventStatus, in apijson.StatusMark) error {
	if status != hub.StatusRescheduled {
		return &hub.Error{Code: hub.EINVALID, Message: "Moving a date needs the status rescheduled.", Fields: map[string]string{"status": "Use rescheduled with moved_to."}}
	}
	e, err := s.svc.Event(r.Context(), id)
	if err != nil {
		return err
	}
	to, ok := apijson.ParseTime(in.MovedTo, e.Location(), e.AllDay)
	if !ok {
		return &hub.Error{Code: hub.EINVALID, Message: "Please correct the new start.", Fields: map[string]string{"moved_to": "Use RFC 3339 (2026-12-10T19:00:00Z) or a local time (2026-12-10T19:00)."}}
	}
	return s.svc.MoveOccurrence(r.Context(), id, in.Date, to, in.Reason)
}

// apiEventStatus marks the event or one date cancelled, postponed or
// rescheduled, or (status "scheduled") removes the mark; it answers with
// the event.
func (s *Server) apiEventStatus(w http.ResponseWriter, r *http.Request) error {
	var in apijson.StatusMark
	id, err := readIDAndJSON(r, &in)
	if err != nil {
		return err
	}
	if strings.TrimSpace(in.Status) == "" {
		// Not a silent restore: "scheduled" says that.
		return &hub.Error{Code: hub.EINVALID, Message: "Say which status: cancelled, postponed, rescheduled or scheduled.",
			Fields: map[string]string{"status": "Choose scheduled, cancelled, postponed or rescheduled."}}
	}
	status, err := hub.ParseEventStatus(in.Status)
	if err != nil {
		return err
	}
	if strings.TrimSpace(in.MovedTo) != "" {
		err = s.moveOccurrence(r, id, status, in)
	} else {
		err = s.svc.SetEventStatus(r.Context(), id, in.Date, status, in.Reason)
	}
	if err != nil {
		return err
	}
	e, err := s.svc.Event(r.Context(), id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, s.eventOut(e))
}
