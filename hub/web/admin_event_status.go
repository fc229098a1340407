package web

import (
	"net/http"
	"strings"
	"time"

	"github.com/commonplace-hub/commonplace/hub"
	"github.com/commonplace-hub/commonplace/internal/uris"
)

// eventStatusForm is the form that cancels, postpones or restores an
// event or one of its dates, kept as typed.
type eventStatusForm struct {
	Status, Scope, Date, Reason string
	// Start and StartTime are, for moving one date, its new date and
	// time in the event's zone.
	Start, StartTime string
}

// eventStatusView is the page at /admin/events/{id}/status.
type eventStatusView struct {
	Event   *hub.Event
	Form    eventStatusForm
	Errors  formErrors
	Action  string
	ViewURL string
	// Upcoming are the next dates, offered for marking one of them.
	Upcoming []hub.Occurrence
}

func (s *Server) eventStatusPage(w http.ResponseWriter, r *http.Request, status int, e *hub.Event, f eventStatusForm, errs formErrors) error {
	v := eventStatusView{Event: e, Form: f, Errors: errs, Action: r.URL.Path,
		ViewURL: uris.Item(hub.KindEvent, e.Slug), Upcoming: e.NextOccurrences(s.svc.Now(), 20)}
	return s.adminRender(w, r, status, "admin/event_status", s.t(r, "Cancel or postpone “%s”", e.Title), v)
}

// eventStatusShow shows the event's marks and the form.
func (s *Server) eventStatusShow(w http.ResponseWriter, r *http.Request) error {
	_, e, err := itemByID(r, s.svc.Event)
	if err != nil {
		return err
	}
	return s.eventStatusPage(w, r, http.StatusOK, e, eventStatusForm{Status: string(hub.StatusCancelled), Scope: "event"}, formErrors{})
}

// eventStatusSave sets or (action restore) removes a mark.
func (s *Server) eventStatusSave(w http.ResponseWriter, r *http.Request) error {
	id, e, err := itemByID(r, s.svc.Event)
	if err != nil {
		return err
	}
	f := eventStatusForm{Status: r.PostFormValue("status"), Scope: r.PostFormValue("scope"),
		Date: strings.TrimSpace(r.PostFormValue("date")), Reason: r.PostFormValue("reason"),
		Start: strings.TrimSpace(r.PostFormValue("start")), StartTime: strings.TrimSpace(r.PostFormValue("start_time"))}
	date := ""
	if f.Scope == "date" {
		date = f.Date
		if date == "" {
			return s.eventStatusPage(w, r, http.StatusUnprocessableEntity, e, f,
				formErrors{"date": s.t(r, "Choose the date to mark.")})
		}
	}
	status, err := hub.ParseEventStatus(f.Status)
	if r.PostFormValue("action") == "restore" {
		status, err = hub.StatusScheduled, nil
	}
	switch {
	case err != nil:
	case status == hub.StatusRescheduled && date != "":
		err = s.moveDate(r, e, date, f)
	default:
		err = s.svc.SetEventStatus(r.Context(), id, date, status, f.Reason)
	}
	errs := formErrors{}
	if errs.merge(s.translator(r), err) {
		for k, v := range errs {
			errs[k] = s.t(r, v)
		}
		return s.eventStatusPage(w, r, http.StatusUnprocessableEntity, e, f, errs)
	}
	if err != nil {
		return err
	}
	msg := s.t(r, "“%s” is on again.", e.Title)
	switch {
	case status == hub.StatusRescheduled && date != "":
		msg = s.t(r, "“%s” on %s moved.", e.Title, date)
	case status.Marked() && date != "":
		msg = s.t(r, "“%s” on %s marked %s.", e.Title, date, s.statusWord(r, status))
	case status.Marked():
		msg = s.t(r, "“%s” marked %s.", e.Title, s.statusWord(r, status))
	case date != "":
		msg = s.t(r, "“%s” on %s is on again.", e.Title, date)
	}
	s.redirectWithFlash(w, r, r.URL.Path, msg)
	return nil
}

// moveDate moves one date of e to the new start the form gives.
func (s *Server) moveDate(r *http.Request, e *hub.Event, date string, f eventStatusForm) error {
	var newStart time.Time
	if f.Start != "" {
		t, err := time.ParseInLocation("2006-01-02 15:04", f.Start+" "+f.StartTime, e.Location())
		if e.AllDay {
			t, err = time.ParseInLocation("2006-01-02", f.Start, e.Location())
		}
		if err != nil {
			return &hub.Error{Code: hub.EINVALID, Message: "Please correct the new start.",
				Fields: map[string]string{"start": "Enter the new date as year-month-day and the time as hours:minutes, for example 2026-12-10 and 19:00."}}
		}
		newStart = t
	}
	return s.svc.MoveOccurrence(r.Context(), e.ID, date, newStart, f.Reason)
}

// statusWord is a status as a word in a sentence, translated.
func (s *Server) statusWord(r *http.Request, st hub.EventStatus) string {
	switch st {
	case hub.StatusCancelled:
		return s.t(r, "cancelled")
	case hub.StatusPostponed:
		return s.t(r, "postponed")
	case hub.StatusRescheduled:
		return s.t(r, "rescheduled")
	}
	return s.t(r, "scheduled")
}
