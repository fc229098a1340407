package web

import (
	"html/template"
	"log/slog"
	"net/http"
	"strconv"

	"github.com/go-chi/chi/v5"

	"github.com/commonplace-hub/commonplace/hub"
)

// adminRoutes declares the organiser pages; every route here already has a
// session. Admin-only pages are checked by the service, which knows roles.
func (s *Server) adminRoutes(r chi.Router) {
	r.Get("/", s.html(s.dashboard))
	r.Post("/logout", s.html(s.logout))

	r.Get("/events", s.html(s.eventAdminList))
	r.Get("/events/new", s.html(s.eventNew))
	r.Post("/events/new", s.html(s.eventCreate))
	r.Get("/events/{id}/edit", s.html(s.eventEdit))
	r.Post("/events/{id}/edit", s.html(s.eventUpdate))
	r.Get("/events/{id}/delete", s.html(s.eventDeleteConfirm))
	r.Post("/events/{id}/delete", s.html(s.eventDelete))

	r.Get("/guides", s.html(s.guideAdminList))
	r.Get("/guides/new", s.html(s.guideNew))
	r.Post("/guides/new", s.html(s.guideCreate))
	r.Get("/guides/{id}/edit", s.html(s.guideEdit))
	r.Post("/guides/{id}/edit", s.html(s.guideUpdate))
	r.Get("/guides/{id}/delete", s.html(s.guideDeleteConfirm))
	r.Post("/guides/{id}/delete", s.html(s.guideDelete))
	r.Get("/guides/{id}/revisions", s.html(s.guideRevisions))
	r.Get("/guides/{id}/revisions/{n}", s.html(s.guideRevisionShow))
	r.Post("/guides/{id}/revisions/{n}/restore", s.html(s.guideRevisionRestore))

	r.Get("/case-studies", s.html(s.caseStudyAdminList))
	r.Get("/case-studies/new", s.html(s.caseStudyNew))
	r.Post("/case-studies/new", s.html(s.caseStudyCreate))
	r.Get("/case-studies/{id}/edit", s.html(s.caseStudyEdit))
	r.Post("/case-studies/{id}/edit", s.html(s.caseStudyUpdate))
	r.Get("/case-studies/{id}/delete", s.html(s.caseStudyDeleteConfirm))
	r.Post("/case-studies/{id}/delete", s.html(s.caseStudyDelete))

	r.Get("/places", s.html(s.placeAdminList))
	r.Get("/places/new", s.html(s.placeNew))
	r.Post("/places/new", s.html(s.placeCreate))
	r.Get("/places/{id}/edit", s.html(s.placeEdit))
	r.Post("/places/{id}/edit", s.html(s.placeUpdate))
	r.Get("/places/{id}/delete", s.html(s.placeDeleteConfirm))
	r.Post("/places/{id}/delete", s.html(s.placeDelete))

	r.Get("/tags", s.html(s.tagAdminList))
	r.Get("/tags/{slug}/edit", s.html(s.tagEdit))
	r.Post("/tags/{slug}/edit", s.html(s.tagUpdate))
	r.Get("/tags/{slug}/delete", s.html(s.tagDeleteConfirm))
	r.Post("/tags/{slug}/delete", s.html(s.tagDelete))

	r.Get("/federation", s.html(s.federationShow))
	r.Post("/federation/followers/approve", s.html(s.followerApprove))
	r.Get("/federation/followers/refuse", s.html(s.followerRefuseConfirm))
	r.Post("/federation/followers/refuse", s.html(s.followerRefuse))
	r.Post("/federation/deliveries/{id}/retry", s.html(s.deliveryRetry))
	s.commonsAdminRoutes(r)

	r.Get("/settings", s.html(s.settingsForm))
	r.Post("/settings", s.html(s.settingsUpdate))
	r.Post("/settings/logo", s.html(s.logoUpdate))

	r.Get("/organisers", s.html(s.organiserList))
	r.Get("/organisers/new", s.html(s.organiserNew))
	r.Post("/organisers/new", s.html(s.organiserCreate))
	r.Get("/organisers/{id}/edit", s.html(s.organiserEdit))
	r.Post("/organisers/{id}/edit", s.html(s.organiserUpdate))
	r.Get("/organisers/{id}/delete", s.html(s.organiserDeleteConfirm))
	r.Post("/organisers/{id}/delete", s.html(s.organiserDelete))

	r.Get("/account", s.html(s.accountForm))
	r.Post("/account/password", s.html(s.accountPassword))
	r.Get("/tokens", s.html(s.tokenList))
	r.Post("/tokens", s.html(s.tokenCreate))
	r.Post("/tokens/{id}/delete", s.html(s.tokenDelete))

	s.calendarAdminRoutes(r)
}

func idParam(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(chi.URLParam(r, "id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, hub.Errorf(hub.ENOTFOUND, "There is no such item.")
	}
	return id, nil
}

// formView is what every editor template gets.
type formView struct {
	Form     any
	Errors   formErrors
	ID       int64  // 0 when creating
	Action   string // form action URL
	ViewURL  string // public page of the item, when it exists
	Preview  map[string]template.HTML
	Places   []*hub.Place
	Zones    []string
	Weekdays []string
	// Imported is set for an event imported from a calendar feed, whose
	// next refresh replaces edits.
	Imported bool
}

// commonZones are offered in the time zone list; any IANA name is accepted.
var commonZones = []string{
	"Europe/London", "Europe/Dublin", "Europe/Lisbon", "Europe/Paris", "Europe/Berlin", "Europe/Madrid",
	"Europe/Amsterdam", "Europe/Brussels", "Europe/Rome", "Europe/Stockholm", "Europe/Warsaw", "Europe/Athens",
	"UTC", "America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles", "America/Toronto",
	"America/Sao_Paulo", "Africa/Lagos", "Africa/Johannesburg", "Asia/Kolkata", "Asia/Tokyo", "Australia/Sydney",
	"Pacific/Auckland",
}

func (s *Server) renderForm(w http.ResponseWriter, r *http.Request, status int, view, title string, fv formView) error {
	if fv.Errors == nil {
		fv.Errors = formErrors{}
	}
	p := s.page(r, title, fv)
	p.Section = "admin"
	return s.views.render(w, status, view, p)
}

// failedForm re-renders a form after a validation error, keeping what was
// typed; other errors go to the error page.
func (s *Server) failedForm(w http.ResponseWriter, r *http.Request, err error, view, title string, fv formView) error {
	if fv.Errors == nil {
		fv.Errors = formErrors{}
	}
	if !fv.Errors.merge(err) {
		switch hub.ErrorCode(err) {
		case hub.ECONFLICT:
			fv.Errors["_form"] = hub.ErrorMessage(err)
			for k, v := range hub.ErrorFields(err) {
				fv.Errors[k] = v
			}
			return s.renderForm(w, r, http.StatusConflict, view, title, fv)
		case hub.EUNAVAILABLE:
			// The disk is full or read-only: say so above the form, which
			// keeps what was typed for saving again later.
			s.log.Error("saving failed", slog.Group("request", "method", r.Method, "path", r.URL.Path), "error", err)
			fv.Errors["_form"] = hub.ErrorMessage(err)
			return s.renderForm(w, r, http.StatusServiceUnavailable, view, title, fv)
		}
		return err
	}
	return s.renderForm(w, r, http.StatusUnprocessableEntity, view, title, fv)
}

func isPreview(r *http.Request) bool { return r.PostFormValue("action") == "preview" }

func (s *Server) dashboard(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	now := s.svc.Now()
	occ, err := s.svc.Occurrences(ctx, hub.OccurrenceFilter{From: now, To: now.AddDate(0, 0, 14), Limit: 10})
	if err != nil {
		return err
	}
	_, nEvents, err := s.svc.ListEvents(ctx, hub.EventFilter{Limit: 1})
	if err != nil {
		return err
	}
	_, nGuides, err := s.svc.ListGuides(ctx, hub.GuideFilter{Limit: 1})
	if err != nil {
		return err
	}
	_, nStudies, err := s.svc.ListCaseStudies(ctx, hub.CaseStudyFilter{Limit: 1})
	if err != nil {
		return err
	}
	fed, err := s.fediverseSummary(r)
	if err != nil {
		return err
	}
	p := s.page(r, "Organiser home", struct {
		Upcoming                    []hub.Occurrence
		Events, Guides, CaseStudies int
		Fediverse                   *fediverseSummary
	}{occ, nEvents, nGuides, nStudies, fed})
	p.Section = "admin"
	return s.views.render(w, http.StatusOK, "admin/dashboard", p)
}

func (s *Server) eventAdminList(w http.ResponseWriter, r *http.Request) error {
	page, err := pageNumber(r)
	if err != nil {
		return err
	}
	q := r.URL.Query().Get("q")
	events, total, err := s.svc.ListEvents(r.Context(), hub.EventFilter{Query: q, Limit: listPageSize, Offset: (page - 1) * listPageSize})
	if err != nil {
		return err
	}
	p := s.page(r, "Events", struct {
		Events []*hub.Event
		Query  string
		Pager  pager
	}{events, q, newPager(page, total)})
	p.Section = "admin"
	return s.views.render(w, http.StatusOK, "admin/events", p)
}

func (s *Server) eventFormView(r *http.Request, f eventForm, id int64) (formView, error) {
	places, err := s.svc.ListPlaces(r.Context())
	if err != nil {
		return formView{}, err
	}
	fv := formView{Form: f, ID: id, Places: places, Zones: commonZones, Weekdays: hub.Weekdays, Action: "/admin/events/new"}
	if id != 0 {
		fv.Action = "/admin/events/" + strconv.FormatInt(id, 10) + "/edit"
	}
	return fv, nil
}

func (s *Server) eventNew(w http.ResponseWriter, r *http.Request) error {
	st := s.settings(r.Context())
	fv, err := s.eventFormView(r, newEventForm(s.svc.Now(), st.TimeZone), 0)
	if err != nil {
		return err
	}
	return s.renderForm(w, r, http.StatusOK, "admin/event_form", "New event", fv)
}

func (s *Server) eventCreate(w http.ResponseWriter, r *http.Request) error {
	return s.eventSave(w, r, 0)
}

func (s *Server) eventEdit(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	e, err := s.svc.Event(r.Context(), id)
	if err != nil {
		return err
	}
	fv, err := s.eventFormView(r, eventFormFrom(e), id)
	if err != nil {
		return err
	}
	fv.ViewURL = "/events/" + e.Slug
	fv.Imported = e.SourceUID != "" && e.SourceFeedID != 0
	return s.renderForm(w, r, http.StatusOK, "admin/event_form", "Edit event", fv)
}

func (s *Server) eventUpdate(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	return s.eventSave(w, r, id)
}

// eventSave creates (id 0) or updates an event from the posted form.
func (s *Server) eventSave(w http.ResponseWriter, r *http.Request, id int64) error {
	f := readEventForm(r)
	title := "New event"
	if id != 0 {
		title = "Edit event"
	}
	fv, err := s.eventFormView(r, f, id)
	if err != nil {
		return err
	}
	if isPreview(r) {
		fv.Preview = map[string]template.HTML{"description": s.md.render(f.Description)}
		return s.renderForm(w, r, http.StatusOK, "admin/event_form", title, fv)
	}
	fv.Errors = formErrors{}
	e := f.event(fv.Errors)
	if len(fv.Errors) > 0 {
		// Report the hub's checks too, so every problem shows at once.
		if err := e.Validate(); err != nil {
			fv.Errors.merge(err)
		}
		return s.renderForm(w, r, http.StatusUnprocessableEntity, "admin/event_form", title, fv)
	}
	e.ID = id
	if id == 0 {
		err = s.svc.CreateEvent(r.Context(), e)
	} else {
		err = s.svc.UpdateEvent(r.Context(), e)
	}
	if err != nil {
		return s.failedForm(w, r, err, "admin/event_form", title, fv)
	}
	verb := "published"
	if id != 0 {
		verb = "saved"
	}
	s.redirectWithFlash(w, r, "/admin/events", "Event “"+e.Title+"” "+verb+".")
	return nil
}

// deleteView is the confirmation page before removing anything.
type deleteView struct {
	Kind, Name, Action, Back, Consequence string
}

func (s *Server) confirmDelete(w http.ResponseWriter, r *http.Request, d deleteView) error {
	p := s.page(r, "Delete "+d.Kind, d)
	p.Section = "admin"
	return s.views.render(w, http.StatusOK, "admin/confirm_delete", p)
}

func (s *Server) eventDeleteConfirm(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	e, err := s.svc.Event(r.Context(), id)
	if err != nil {
		return err
	}
	d := deleteView{Kind: "event", Name: e.Title, Action: r.URL.Path, Back: "/admin/events"}
	if e.Recurring() {
		d.Consequence = "Every date of this repeating event will be removed."
	}
	return s.confirmDelete(w, r, d)
}

func (s *Server) eventDelete(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	e, err := s.svc.Event(r.Context(), id)
	if err != nil {
		return err
	}
	if err := s.svc.DeleteEvent(r.Context(), id); err != nil {
		return err
	}
	s.redirectWithFlash(w, r, "/admin/events", "Event “"+e.Title+"” deleted.")
	return nil
}
