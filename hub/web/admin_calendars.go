package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/commonplace-hub/commonplace/hub"
	"github.com/commonplace-hub/commonplace/hub/calendar"
)

// Organiser pages for calendar subscriptions: /admin/calendars lists the
// feeds with what their last refresh did, adds one, refreshes one now and
// removes one after a confirmation. They exist when Config.Calendars is set.

// calendarForm is the "add a calendar" form, as typed.
type calendarForm struct {
	URL, PlaceID, Tags, Organiser string
}

func readCalendarForm(r *http.Request) calendarForm {
	v := func(k string) string { return r.PostFormValue(k) }
	return calendarForm{URL: v("url"), PlaceID: v("place_id"), Tags: v("tags"), Organiser: v("organiser")}
}

// subscription converts the form; a place that is not a number is a field error.
func (f calendarForm) subscription(tr translator, errs formErrors) *calendar.Subscription {
	sub := &calendar.Subscription{URL: f.URL, Tags: splitList(f.Tags), Organiser: f.Organiser}
	if p := strings.TrimSpace(f.PlaceID); p != "" {
		id, err := strconv.ParseInt(p, 10, 64)
		if err != nil || id <= 0 {
			errs["place_id"] = tr.T("Choose a place from the list.")
		}
		sub.PlaceID = id
	}
	return sub
}

// calendarsView is what admin/calendars shows.
type calendarsView struct {
	Subscriptions []*calendar.Subscription
	Places        []*hub.Place
	Form          calendarForm
	Errors        formErrors
}

func (s *Server) renderCalendars(w http.ResponseWriter, r *http.Request, status int, f calendarForm, errs formErrors) error {
	subs, err := s.cfg.Calendars.Subscriptions(r.Context())
	if err != nil {
		return err
	}
	places, err := s.svc.ListPlaces(r.Context())
	if err != nil {
		return err
	}
	if errs == nil {
		errs = formErrors{}
	}
	return s.adminRender(w, r, status, "admin/calendars", s.t(r, "Calendar feeds"), calendarsView{Subscriptions: subs, Places: places, Form: f, Errors: errs})
}

func (s *Server) calendarAdminList(w http.ResponseWriter, r *http.Request) error {
	return s.renderCalendars(w, r, http.StatusOK, calendarForm{}, nil)
}

func (s *Server) calendarCreate(w http.ResponseWriter, r *http.Request) error {
	f := readCalendarForm(r)
	errs := formErrors{}
	sub := f.subscription(s.translator(r), errs)
	if len(errs) > 0 {
		if err := sub.Validate(); err != nil {
			errs.merge(s.translator(r), err)
		}
		return s.renderCalendars(w, r, http.StatusUnprocessableEntity, f, errs)
	}
	if err := s.cfg.Calendars.Subscribe(r.Context(), sub); err != nil {
		if !errs.merge(s.translator(r), err) {
			if hub.ErrorCode(err) != hub.ECONFLICT {
				return err
			}
			errs["_form"] = s.errorMessage(r, err)
			for k, v := range s.errorFields(r, err) {
				errs[k] = v
			}
			return s.renderCalendars(w, r, http.StatusConflict, f, errs)
		}
		return s.renderCalendars(w, r, http.StatusUnprocessableEntity, f, errs)
	}
	got, err := s.cfg.Calendars.Refresh(r.Context(), sub.ID)
	if err != nil {
		if got == nil {
			return err
		}
		s.redirectWithFlash(w, r, "/admin/calendars", s.t(r, "Calendar added, but the first refresh failed: %s The hub will try again every hour.", s.errorMessage(r, err)))
		return nil
	}
	s.redirectWithFlash(w, r, "/admin/calendars", s.t(r, "Subscribed to “%s”: %s.", got.DisplayName(), s.translator(r).text(got.LastReport.SummaryText())))
	return nil
}

func (s *Server) calendarRefresh(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	got, err := s.cfg.Calendars.Refresh(r.Context(), id)
	if err != nil {
		if got == nil {
			return err
		}
		s.redirectWithFlash(w, r, "/admin/calendars", s.t(r, "Refreshing “%s” failed: %s", got.DisplayName(), s.errorMessage(r, err)))
		return nil
	}
	s.redirectWithFlash(w, r, "/admin/calendars", s.t(r, "Refreshed “%s”: %s.", got.DisplayName(), s.translator(r).text(got.LastReport.SummaryText())))
	return nil
}

func (s *Server) calendarDeleteConfirm(w http.ResponseWriter, r *http.Request) error {
	_, sub, err := itemByID(r, s.cfg.Calendars.Subscription)
	if err != nil {
		return err
	}
	return s.confirmDelete(w, r, deleteView{Kind: "calendar feed", Name: sub.DisplayName(), Action: r.URL.Path, Back: "/admin/calendars",
		Consequence: s.t(r, "The hub stops following it, and the upcoming events it imported are deleted (followers are told). Past events stay.")})
}

func (s *Server) calendarDelete(w http.ResponseWriter, r *http.Request) error {
	id, sub, err := itemByID(r, s.cfg.Calendars.Subscription)
	if err != nil {
		return err
	}
	n, err := s.cfg.Calendars.Unsubscribe(r.Context(), id)
	if err != nil {
		return err
	}
	s.redirectWithFlash(w, r, "/admin/calendars", s.t(r, "Unsubscribed from “%s”; %d upcoming events removed.", sub.DisplayName(), n))
	return nil
}
